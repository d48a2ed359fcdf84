"""Application (group 3), Health (11) and Operation (16)."""
from __future__ import annotations

from chalicelib.surfaces.edgegallery import envelope, operations
from chalicelib.surfaces.edgegallery import service_apps as apps
from chalicelib.surfaces.edgegallery.blueprint import ANY_BODY, V2, bp, endpoint
from chalicelib.surfaces.edgegallery.bodies_core import ApplicationDetailIn, ApplicationIn
from chalicelib.surfaces.edgegallery.common import body_of, window
from chalicelib.core.errors import BadRequest
from chalicelib.surfaces.edgegallery import answers_core as ac


@bp.route("/health", methods=["GET"])
@endpoint(bp, auth=False)
def health(ctx):
    return envelope.text("ok")


@bp.route(f"{V2}/applications", methods=["GET"])
@endpoint(bp, returns=ac.ApplicationPage)
def list_applications(ctx):
    w = window(ctx.query.get("offset"), ctx.query.get("limit"))
    rows, total = apps.page(ctx.principal, ctx.query.get("name"), w)
    return envelope.page(rows, w.limit, w.offset, total)


@bp.route(f"{V2}/applications", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=ac.Application)
def create_application(ctx):
    return apps.view(apps.create(ctx.principal, body_of(ctx, ApplicationIn)))


@bp.route(f"{V2}/applications/{{applicationId}}", methods=["GET"])
@endpoint(bp, returns=ac.Application)
def get_application(ctx, applicationId):
    return apps.view(apps.visible(ctx.principal, applicationId))


@bp.route(f"{V2}/applications/{{applicationId}}", methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=ac.Done)
def update_application(ctx, applicationId):
    apps.update(ctx.principal, applicationId, body_of(ctx, ApplicationIn))
    return envelope.true()


@bp.route(f"{V2}/applications/{{applicationId}}", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, returns=ac.Done)
def delete_application(ctx, applicationId):
    apps.delete(ctx.principal, applicationId)
    return envelope.true()


@bp.route(f"{V2}/applications/{{applicationId}}/detail", methods=["GET"])
@endpoint(bp, returns=ac.ApplicationDetail)
def get_application_detail(ctx, applicationId):
    return apps.detail(apps.visible(ctx.principal, applicationId))


@bp.route(f"{V2}/applications/{{applicationId}}/detail", methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=ac.Done)
def update_application_detail(ctx, applicationId):
    body = body_of(ctx, ApplicationDetailIn)
    inner = body.get("vmApp") or body.get("containerApp")
    if not isinstance(inner, dict):
        raise BadRequest("body must hold vmApp or containerApp", code=20002)
    apps.update_detail(ctx.principal, applicationId, inner)
    return envelope.true()


@bp.route(f"{V2}/operations/{{operationId}}", methods=["GET"])
@endpoint(bp, returns=ac.OperationStatus)
def get_operation(ctx, operationId):
    return operations.read(ctx.principal, operationId)
