"""Application Management (5) and the example alias GET /v1/app/id/{appId}."""
from __future__ import annotations

from chalicelib.blobs import multipart
from chalicelib.core.config import settings
from chalicelib.core.errors import Invalid
from chalicelib.surfaces.otestack import answers
from chalicelib.surfaces.otestack import models as m
from chalicelib.surfaces.otestack import service_apps as svc
from chalicelib.surfaces.otestack.blueprint import ANY_BODY, bp, endpoint
from chalicelib.surfaces.otestack.envelope import ok
from chalicelib.surfaces.otestack.routes_users import _id

import re

_MAIN_VERSION = re.compile(m.MAIN_VERSION)
_APP_NAME = re.compile(m.APP_NAME)


@bp.route("/v1/app", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.AppAnswer)
def create_app(ctx):
    return ok(data=svc.create_app(ctx.principal, ctx.body(m.NewApp)))


@bp.route("/v1/app", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.Answer)
def delete_apps(ctx):
    svc.delete_apps(ctx.principal, ctx.body(m.AppIds).appId)
    return ok()


@bp.route("/v1/app", methods=["GET"])
@endpoint(bp, returns=answers.AppList)
def list_apps(ctx):
    rows, total = svc.list_apps(ctx.principal, ctx.params(m.AppList))
    return {"apps": rows, "total": total, "code": 200, "message": "success"}


@bp.route("/v1/app/{appId}", methods=["GET"])
@endpoint(bp, returns=answers.AppAnswer)
def get_app(ctx, appId):
    return ok(data=svc.get_app(ctx.principal, _id(appId, "appId")))


@bp.route("/v1/app/id/{appId}", methods=["GET"])
@endpoint(bp, action="get_app", returns=answers.AppAnswer)
def get_app_alias(ctx, appId):
    return ok(data=svc.get_app(ctx.principal, _id(appId, "appId")))


@bp.route("/v1/app/chart", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.AppAnswer)
def upload_chart(ctx):
    parts = multipart.parse(ctx.header("content-type"), ctx.raw, max_bytes=settings().max_upload_bytes + 64 * 1024)
    missing = [f for f in ("appName", "version", "chart") if f not in parts]
    if missing:
        raise Invalid("missing form fields: " + ", ".join(missing))
    name, version, chart = parts["appName"].text, parts["version"].text, parts["chart"]
    if not _APP_NAME.match(name):
        raise Invalid("appName must be lower-case letters, digits and '-'")
    if not _MAIN_VERSION.match(version):
        raise Invalid("version must be a main version x.x (e.g. 1.1)")
    if not chart.filename or not chart.data:
        raise Invalid("chart must be a file")
    return ok(data=svc.create_chart_app(ctx.principal, name, version, chart.filename, chart.data))
