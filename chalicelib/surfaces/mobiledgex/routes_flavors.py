"""Flavor operations (catalog §3.2 #50-#55)."""
from __future__ import annotations

from chalicelib.surfaces.mobiledgex import envelope, service_flavors as flavors
from chalicelib.surfaces.mobiledgex import answers as A
from chalicelib.surfaces.mobiledgex.blueprint import ANY_BODY, API, bp, endpoint
from chalicelib.surfaces.mobiledgex.common import regional_body

W = "OrmapiRegionFlavor"


@bp.route(f"{API}/auth/ctrl/CreateFlavor", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="CreateFlavor", returns=A.CtrlResult)
def create_flavor(ctx):
    return flavors.create(ctx.principal, *regional_body(ctx, W))


@bp.route(f"{API}/auth/ctrl/DeleteFlavor", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="DeleteFlavor", returns=A.CtrlResult)
def delete_flavor(ctx):
    return flavors.delete(ctx.principal, *regional_body(ctx, W))


@bp.route(f"{API}/auth/ctrl/UpdateFlavor", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="UpdateFlavor", returns=A.CtrlResult)
def update_flavor(ctx):
    return flavors.update(ctx.principal, *regional_body(ctx, W))


@bp.route(f"{API}/auth/ctrl/AddFlavorRes", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="AddFlavorRes", returns=A.CtrlResult)
def add_flavor_res(ctx):
    return flavors.change_res(ctx.principal, *regional_body(ctx, W), add=True)


@bp.route(f"{API}/auth/ctrl/RemoveFlavorRes", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="RemoveFlavorRes", returns=A.CtrlResult)
def remove_flavor_res(ctx):
    return flavors.change_res(ctx.principal, *regional_body(ctx, W), add=False)


@bp.route(f"{API}/auth/ctrl/ShowFlavor", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowFlavor")
def show_flavor(ctx):
    return envelope.objects(flavors.show(ctx.principal, *regional_body(ctx, W)))
