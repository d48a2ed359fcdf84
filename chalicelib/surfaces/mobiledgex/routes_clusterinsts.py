"""ClusterInst operations (catalog §3.2 #107-#111)."""
from __future__ import annotations

from chalicelib.surfaces.mobiledgex import envelope, service_clusterinsts as clusters
from chalicelib.surfaces.mobiledgex import answers as A
from chalicelib.surfaces.mobiledgex.blueprint import ANY_BODY, API, bp, endpoint
from chalicelib.surfaces.mobiledgex.common import regional_body

W = "OrmapiRegionClusterInst"
IDLE = "OrmapiRegionIdleReservableClusterInsts"


@bp.route(f"{API}/auth/ctrl/CreateClusterInst", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="CreateClusterInst")
def create_cluster_inst(ctx):
    return clusters.create(ctx.principal, *regional_body(ctx, W))


@bp.route(f"{API}/auth/ctrl/DeleteClusterInst", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="DeleteClusterInst")
def delete_cluster_inst(ctx):
    return clusters.delete(ctx.principal, *regional_body(ctx, W))


@bp.route(f"{API}/auth/ctrl/DeleteIdleReservableClusterInsts", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="DeleteIdleReservableClusterInsts", returns=A.CtrlResult)
def delete_idle_reservable_cluster_insts(ctx):
    return clusters.delete_idle_reservable(ctx.principal, *regional_body(ctx, IDLE))


@bp.route(f"{API}/auth/ctrl/ShowClusterInst", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowClusterInst")
def show_cluster_inst(ctx):
    return envelope.objects(clusters.show(ctx.principal, *regional_body(ctx, W)))


@bp.route(f"{API}/auth/ctrl/UpdateClusterInst", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="UpdateClusterInst")
def update_cluster_inst(ctx):
    return clusters.update(ctx.principal, *regional_body(ctx, W))
