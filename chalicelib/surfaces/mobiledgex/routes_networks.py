"""Network operations (catalog §3.2 #74-#77)."""
from __future__ import annotations

from chalicelib.surfaces.mobiledgex import envelope, service_networks as networks
from chalicelib.surfaces.mobiledgex.blueprint import ANY_BODY, API, bp, endpoint
from chalicelib.surfaces.mobiledgex.common import regional_body

W = "OrmapiRegionNetwork"


@bp.route(f"{API}/auth/ctrl/CreateNetwork", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="CreateNetwork")
def create_network(ctx):
    return networks.create(ctx.principal, *regional_body(ctx, W))


@bp.route(f"{API}/auth/ctrl/DeleteNetwork", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="DeleteNetwork")
def delete_network(ctx):
    return networks.delete(ctx.principal, *regional_body(ctx, W))


@bp.route(f"{API}/auth/ctrl/ShowNetwork", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowNetwork")
def show_network(ctx):
    return envelope.objects(networks.show(ctx.principal, *regional_body(ctx, W)))


@bp.route(f"{API}/auth/ctrl/UpdateNetwork", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="UpdateNetwork")
def update_network(ctx):
    return networks.update(ctx.principal, *regional_body(ctx, W))
