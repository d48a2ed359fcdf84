"""AutoProvPolicy (#126-#131) and AutoScalePolicy (#132-#135) operations."""
from __future__ import annotations

from chalicelib.surfaces.mobiledgex import envelope, service_policies as policies
from chalicelib.surfaces.mobiledgex import answers as A
from chalicelib.surfaces.mobiledgex.blueprint import ANY_BODY, API, bp, endpoint
from chalicelib.surfaces.mobiledgex.common import regional_body

PROV = "OrmapiRegionAutoProvPolicy"
PROV_CLOUDLET = "OrmapiRegionAutoProvPolicyCloudlet"
SCALE = "OrmapiRegionAutoScalePolicy"


@bp.route(f"{API}/auth/ctrl/AddAutoProvPolicyCloudlet", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="AddAutoProvPolicyCloudlet", returns=A.CtrlResult)
def add_auto_prov_policy_cloudlet(ctx):
    return policies.change_prov_cloudlet(ctx.principal, *regional_body(ctx, PROV_CLOUDLET), add=True)


@bp.route(f"{API}/auth/ctrl/RemoveAutoProvPolicyCloudlet", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="RemoveAutoProvPolicyCloudlet", returns=A.CtrlResult)
def remove_auto_prov_policy_cloudlet(ctx):
    return policies.change_prov_cloudlet(ctx.principal, *regional_body(ctx, PROV_CLOUDLET), add=False)


@bp.route(f"{API}/auth/ctrl/CreateAutoProvPolicy", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="CreateAutoProvPolicy", returns=A.CtrlResult)
def create_auto_prov_policy(ctx):
    return policies.create_prov(ctx.principal, *regional_body(ctx, PROV))


@bp.route(f"{API}/auth/ctrl/DeleteAutoProvPolicy", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="DeleteAutoProvPolicy", returns=A.CtrlResult)
def delete_auto_prov_policy(ctx):
    return policies.delete_prov(ctx.principal, *regional_body(ctx, PROV))


@bp.route(f"{API}/auth/ctrl/ShowAutoProvPolicy", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowAutoProvPolicy")
def show_auto_prov_policy(ctx):
    return envelope.objects(policies.show_prov(ctx.principal, *regional_body(ctx, PROV)))


@bp.route(f"{API}/auth/ctrl/UpdateAutoProvPolicy", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="UpdateAutoProvPolicy", returns=A.CtrlResult)
def update_auto_prov_policy(ctx):
    return policies.update_prov(ctx.principal, *regional_body(ctx, PROV))


@bp.route(f"{API}/auth/ctrl/CreateAutoScalePolicy", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="CreateAutoScalePolicy", returns=A.CtrlResult)
def create_auto_scale_policy(ctx):
    return policies.create_scale(ctx.principal, *regional_body(ctx, SCALE))


@bp.route(f"{API}/auth/ctrl/DeleteAutoScalePolicy", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="DeleteAutoScalePolicy", returns=A.CtrlResult)
def delete_auto_scale_policy(ctx):
    return policies.delete_scale(ctx.principal, *regional_body(ctx, SCALE))


@bp.route(f"{API}/auth/ctrl/ShowAutoScalePolicy", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowAutoScalePolicy")
def show_auto_scale_policy(ctx):
    return envelope.objects(policies.show_scale(ctx.principal, *regional_body(ctx, SCALE)))


@bp.route(f"{API}/auth/ctrl/UpdateAutoScalePolicy", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="UpdateAutoScalePolicy", returns=A.CtrlResult)
def update_auto_scale_policy(ctx):
    return policies.update_scale(ctx.principal, *regional_body(ctx, SCALE))
