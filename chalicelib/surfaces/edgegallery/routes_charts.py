"""Helmcharts (group 26): 26.1–26.7."""
from __future__ import annotations

from chalicelib.surfaces.edgegallery import envelope
from chalicelib.surfaces.edgegallery import service_charts as charts
from chalicelib.surfaces.edgegallery.blueprint import ANY_BODY, V2, bp, endpoint
from chalicelib.surfaces.edgegallery.bodies_infra import HelmChartFileIn
from chalicelib.surfaces.edgegallery.common import body_of
from chalicelib.surfaces.edgegallery import answers_infra as ai

BASE = f"{V2}/applications/{{applicationId}}/helmcharts"


@bp.route(BASE, methods=["GET"])
@endpoint(bp, returns=ai.HelmCharts)
def list_helm_charts(ctx, applicationId):
    return envelope.bare(charts.list_charts(ctx.principal, applicationId))


@bp.route(BASE, methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=ai.HelmChart)
def upload_helm_chart(ctx, applicationId):
    return charts.upload(ctx.principal, applicationId, ctx.header("content-type"), ctx.raw)


@bp.route(f"{BASE}/{{helmchartId}}", methods=["GET"])
@endpoint(bp, returns=ai.HelmChart)
def get_helm_chart(ctx, applicationId, helmchartId):
    return charts.get_chart(ctx.principal, applicationId, helmchartId)


@bp.route(f"{BASE}/{{helmchartId}}", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, returns=ai.Done)
def delete_helm_chart(ctx, applicationId, helmchartId):
    charts.delete(ctx.principal, applicationId, helmchartId)
    return envelope.true()


@bp.route(f"{BASE}/{{helmchartId}}/action/download", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp)
def download_helm_chart(ctx, applicationId, helmchartId):
    data, name = charts.download(ctx.principal, applicationId, helmchartId)
    return envelope.attachment(data, name, "application/octet-stream")


@bp.route(f"{BASE}/{{helmchartId}}/action/get-inner-file", methods=["GET"])
@endpoint(bp)
def get_helm_chart_inner_file(ctx, applicationId, helmchartId):
    return envelope.text(charts.inner_file(ctx.principal, applicationId, helmchartId, ctx.query.get("filePath")))


@bp.route(f"{BASE}/{{helmchartId}}/action/modify-inner-file", methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=ai.Done)
def modify_helm_chart_inner_file(ctx, applicationId, helmchartId):
    charts.modify_inner(ctx.principal, applicationId, helmchartId, body_of(ctx, HelmChartFileIn))
    return envelope.true()
