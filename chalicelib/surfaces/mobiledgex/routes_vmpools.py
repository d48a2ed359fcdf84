"""VM pool operations (catalog §3.2 #62-#67)."""
from __future__ import annotations

from chalicelib.surfaces.mobiledgex import envelope, service_vmpools as vmpools
from chalicelib.surfaces.mobiledgex import answers as A
from chalicelib.surfaces.mobiledgex.blueprint import ANY_BODY, API, bp, endpoint
from chalicelib.surfaces.mobiledgex.common import regional_body

W = "OrmapiRegionVMPool"
WM = "OrmapiRegionVMPoolMember"


@bp.route(f"{API}/auth/ctrl/AddVMPoolMember", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="AddVMPoolMember", returns=A.CtrlResult)
def add_v_m_pool_member(ctx):
    return vmpools.add_member(ctx.principal, *regional_body(ctx, WM))


@bp.route(f"{API}/auth/ctrl/CreateVMPool", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="CreateVMPool", returns=A.CtrlResult)
def create_v_m_pool(ctx):
    return vmpools.create(ctx.principal, *regional_body(ctx, W))


@bp.route(f"{API}/auth/ctrl/DeleteVMPool", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="DeleteVMPool", returns=A.CtrlResult)
def delete_v_m_pool(ctx):
    return vmpools.delete(ctx.principal, *regional_body(ctx, W))


@bp.route(f"{API}/auth/ctrl/RemoveVMPoolMember", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="RemoveVMPoolMember", returns=A.CtrlResult)
def remove_v_m_pool_member(ctx):
    return vmpools.remove_member(ctx.principal, *regional_body(ctx, WM))


@bp.route(f"{API}/auth/ctrl/ShowVMPool", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowVMPool")
def show_v_m_pool(ctx):
    return envelope.objects(vmpools.show(ctx.principal, *regional_body(ctx, W)))


@bp.route(f"{API}/auth/ctrl/UpdateVMPool", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="UpdateVMPool", returns=A.CtrlResult)
def update_v_m_pool(ctx):
    return vmpools.update(ctx.principal, *regional_body(ctx, W))
