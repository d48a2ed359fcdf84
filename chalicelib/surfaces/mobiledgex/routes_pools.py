"""Cloudlet pool operations (catalog §3.2 #56-#61)."""
from __future__ import annotations

from chalicelib.surfaces.mobiledgex import envelope, service_pools as pools
from chalicelib.surfaces.mobiledgex import answers as A
from chalicelib.surfaces.mobiledgex.blueprint import ANY_BODY, API, bp, endpoint
from chalicelib.surfaces.mobiledgex.common import regional_body

W = "OrmapiRegionCloudletPool"
WM = "OrmapiRegionCloudletPoolMember"


@bp.route(f"{API}/auth/ctrl/AddCloudletPoolMember", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="AddCloudletPoolMember", returns=A.CtrlResult)
def add_cloudlet_pool_member(ctx):
    return pools.add_member(ctx.principal, *regional_body(ctx, WM))


@bp.route(f"{API}/auth/ctrl/CreateCloudletPool", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="CreateCloudletPool", returns=A.CtrlResult)
def create_cloudlet_pool(ctx):
    return pools.create(ctx.principal, *regional_body(ctx, W))


@bp.route(f"{API}/auth/ctrl/DeleteCloudletPool", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="DeleteCloudletPool", returns=A.CtrlResult)
def delete_cloudlet_pool(ctx):
    return pools.delete(ctx.principal, *regional_body(ctx, W))


@bp.route(f"{API}/auth/ctrl/RemoveCloudletPoolMember", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="RemoveCloudletPoolMember", returns=A.CtrlResult)
def remove_cloudlet_pool_member(ctx):
    return pools.remove_member(ctx.principal, *regional_body(ctx, WM))


@bp.route(f"{API}/auth/ctrl/ShowCloudletPool", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowCloudletPool")
def show_cloudlet_pool(ctx):
    return envelope.objects(pools.show(ctx.principal, *regional_body(ctx, W)))


@bp.route(f"{API}/auth/ctrl/UpdateCloudletPool", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="UpdateCloudletPool", returns=A.CtrlResult)
def update_cloudlet_pool(ctx):
    return pools.update(ctx.principal, *regional_body(ctx, W))
