"""Cloudlet operations (catalog §3.2 #28-#46)."""
from __future__ import annotations

from chalicelib.surfaces.mobiledgex import envelope, service_cloudlets as cloudlets
from chalicelib.surfaces.mobiledgex.blueprint import ANY_BODY, API, bp, endpoint
from chalicelib.surfaces.mobiledgex.common import regional_body

W = "OrmapiRegionCloudlet"


@bp.route(f"{API}/auth/ctrl/CreateCloudlet", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="CreateCloudlet")
def create_cloudlet(ctx):
    return cloudlets.create(ctx.principal, *regional_body(ctx, W))


@bp.route(f"{API}/auth/ctrl/DeleteCloudlet", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="DeleteCloudlet")
def delete_cloudlet(ctx):
    return cloudlets.delete(ctx.principal, *regional_body(ctx, W))


@bp.route(f"{API}/auth/ctrl/ShowCloudlet", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowCloudlet")
def show_cloudlet(ctx):
    return envelope.objects(cloudlets.show(ctx.principal, *regional_body(ctx, W)))
