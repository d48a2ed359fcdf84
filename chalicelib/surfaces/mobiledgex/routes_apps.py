"""App operations (catalog §3.2 #112-#120)."""
from __future__ import annotations

from chalicelib.surfaces.mobiledgex import envelope, service_apps as apps
from chalicelib.surfaces.mobiledgex import answers as A
from chalicelib.surfaces.mobiledgex.blueprint import ANY_BODY, API, bp, endpoint
from chalicelib.surfaces.mobiledgex.common import regional_body

W = "OrmapiRegionApp"
ALERT = "OrmapiRegionAppAlertPolicy"
PROV = "OrmapiRegionAppAutoProvPolicy"
DEPLOY = "OrmapiRegionDeploymentCloudletRequest"


@bp.route(f"{API}/auth/ctrl/AddAppAlertPolicy", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="AddAppAlertPolicy", returns=A.CtrlResult)
def add_app_alert_policy(ctx):
    return apps.change_alert_policy(ctx.principal, *regional_body(ctx, ALERT), add=True)


@bp.route(f"{API}/auth/ctrl/RemoveAppAlertPolicy", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="RemoveAppAlertPolicy", returns=A.CtrlResult)
def remove_app_alert_policy(ctx):
    return apps.change_alert_policy(ctx.principal, *regional_body(ctx, ALERT), add=False)


@bp.route(f"{API}/auth/ctrl/AddAppAutoProvPolicy", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="AddAppAutoProvPolicy", returns=A.CtrlResult)
def add_app_auto_prov_policy(ctx):
    return apps.change_auto_prov_policy(ctx.principal, *regional_body(ctx, PROV), add=True)


@bp.route(f"{API}/auth/ctrl/RemoveAppAutoProvPolicy", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="RemoveAppAutoProvPolicy", returns=A.CtrlResult)
def remove_app_auto_prov_policy(ctx):
    return apps.change_auto_prov_policy(ctx.principal, *regional_body(ctx, PROV), add=False)


@bp.route(f"{API}/auth/ctrl/CreateApp", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="CreateApp", returns=A.CtrlResult)
def create_app(ctx):
    return apps.create(ctx.principal, *regional_body(ctx, W))


@bp.route(f"{API}/auth/ctrl/DeleteApp", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="DeleteApp", returns=A.CtrlResult)
def delete_app(ctx):
    return apps.delete(ctx.principal, *regional_body(ctx, W))


@bp.route(f"{API}/auth/ctrl/UpdateApp", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="UpdateApp", returns=A.CtrlResult)
def update_app(ctx):
    return apps.update(ctx.principal, *regional_body(ctx, W))


@bp.route(f"{API}/auth/ctrl/ShowApp", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowApp")
def show_app(ctx):
    return envelope.objects(apps.show(ctx.principal, *regional_body(ctx, W)))


@bp.route(f"{API}/auth/ctrl/ShowCloudletsForAppDeployment", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowCloudletsForAppDeployment")
def show_cloudlets_for_app_deployment(ctx):
    return envelope.objects(apps.cloudlets_for_deployment(ctx.principal, *regional_body(ctx, DEPLOY)))
