"""MEP hosts (group 4) and flavors (group 9)."""
from __future__ import annotations

from chalicelib.surfaces.edgegallery import envelope
from chalicelib.surfaces.edgegallery import service_flavors as flavors
from chalicelib.surfaces.edgegallery import service_hosts as hosts
from chalicelib.surfaces.edgegallery.blueprint import ANY_BODY, V2, bp, endpoint
from chalicelib.surfaces.edgegallery.bodies_infra import FlavorIn, MepHostIn
from chalicelib.surfaces.edgegallery.common import body_of, window
from chalicelib.surfaces.edgegallery import answers_infra as ai


# ---------------------------------------------------------------- 4 mep hosts
@bp.route(f"{V2}/mephosts", methods=["GET"])
@endpoint(bp, returns=ai.MepHostPage)
def list_mephosts(ctx):
    q = ctx.query
    w = window(q.get("offset"), q.get("limit"))
    rows, total = hosts.page(q.get("name"), q.get("vimType"), q.get("architecture"), w)
    return envelope.page(rows, w.limit, w.offset, total)


@bp.route(f"{V2}/mephosts", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=ai.Done)
def create_mephost(ctx):
    hosts.create(ctx.principal, body_of(ctx, MepHostIn))
    return envelope.true()


@bp.route(f"{V2}/mephosts/{{mephostId}}", methods=["GET"])
@endpoint(bp, returns=ai.MepHost)
def get_mephost(ctx, mephostId):
    return hosts.view(hosts.get(mephostId))


@bp.route(f"{V2}/mephosts/{{mephostId}}", methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=ai.Done)
def update_mephost(ctx, mephostId):
    hosts.update(ctx.principal, mephostId, body_of(ctx, MepHostIn))
    return envelope.true()


@bp.route(f"{V2}/mephosts/{{mephostId}}", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, returns=ai.Done)
def delete_mephost(ctx, mephostId):
    hosts.delete(ctx.principal, mephostId)
    return envelope.true()


@bp.route(f"{V2}/mephosts/{{mephostId}}/logs", methods=["GET"])
@endpoint(bp, returns=ai.MepHostLogs)
def mephost_logs(ctx, mephostId):
    return envelope.bare(hosts.logs(ctx.principal, mephostId))


@bp.route(f"{V2}/mephosts/action/upload-config-file", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=ai.MepHostConfigFile)
def upload_mephost_config(ctx):
    return hosts.upload_config(ctx.principal, ctx.header("content-type"), ctx.raw)


# ---------------------------------------------------------------- 9 flavors
@bp.route(f"{V2}/flavors", methods=["GET"])
@endpoint(bp, returns=ai.Flavors)
def list_flavors(ctx):
    return envelope.bare(flavors.list_all())


@bp.route(f"{V2}/flavors", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=ai.Flavor)
def create_flavor(ctx):
    return flavors.view(flavors.create(ctx.principal, body_of(ctx, FlavorIn)))


@bp.route(f"{V2}/flavors/{{flavorId}}", methods=["GET"])
@endpoint(bp, returns=ai.Flavor)
def get_flavor(ctx, flavorId):
    return flavors.view(flavors.get(flavorId))


@bp.route(f"{V2}/flavors/{{flavorId}}", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, returns=ai.Done)
def delete_flavor(ctx, flavorId):
    flavors.delete(ctx.principal, flavorId)
    return envelope.true()
