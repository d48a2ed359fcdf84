"""AppInst operations (catalog §3.2 #121-#125)."""
from __future__ import annotations

from chalicelib.surfaces.mobiledgex import envelope, service_appinsts as appinsts
from chalicelib.surfaces.mobiledgex.blueprint import ANY_BODY, API, bp, endpoint
from chalicelib.surfaces.mobiledgex.common import regional_body

W = "OrmapiRegionAppInst"


@bp.route(f"{API}/auth/ctrl/CreateAppInst", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="CreateAppInst")
def create_app_inst(ctx):
    return appinsts.create(ctx.principal, *regional_body(ctx, W))


@bp.route(f"{API}/auth/ctrl/DeleteAppInst", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="DeleteAppInst")
def delete_app_inst(ctx):
    return appinsts.delete(ctx.principal, *regional_body(ctx, W))


@bp.route(f"{API}/auth/ctrl/RefreshAppInst", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="RefreshAppInst")
def refresh_app_inst(ctx):
    return appinsts.refresh(ctx.principal, *regional_body(ctx, W))


@bp.route(f"{API}/auth/ctrl/ShowAppInst", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowAppInst")
def show_app_inst(ctx):
    return envelope.objects(appinsts.show(ctx.principal, *regional_body(ctx, W)))


@bp.route(f"{API}/auth/ctrl/UpdateAppInst", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="UpdateAppInst")
def update_app_inst(ctx):
    return appinsts.update(ctx.principal, *regional_body(ctx, W))
