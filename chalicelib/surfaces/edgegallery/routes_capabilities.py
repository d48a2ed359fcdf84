"""Capability center: groups (5), capabilities (7), group query (8), stats (13, 15), capability query (17)."""
from __future__ import annotations

from chalicelib.surfaces.edgegallery import envelope
from chalicelib.surfaces.edgegallery import service_capabilities as caps
from chalicelib.surfaces.edgegallery.blueprint import ANY_BODY, V2, bp, endpoint
from chalicelib.surfaces.edgegallery.bodies_more import CapabilityGroupIn, CapabilityIn
from chalicelib.surfaces.edgegallery.common import body_of, window
from chalicelib.surfaces.edgegallery import answers_more as am


# ---------------------------------------------------------------- 5 capability groups
@bp.route(f"{V2}/capability-groups", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=am.CapabilityGroup)
def create_capability_group(ctx):
    return caps.group_view(caps.create_group(ctx.principal, body_of(ctx, CapabilityGroupIn)))


@bp.route(f"{V2}/capability-groups", methods=["GET"])
@endpoint(bp, returns=am.CapabilityGroups)
def list_capability_groups(ctx):
    return envelope.bare(caps.list_groups())


@bp.route(f"{V2}/capability-groups/{{id}}", methods=["GET"])
@endpoint(bp, returns=am.CapabilityGroup)
def get_capability_group(ctx, id):  # noqa: A002 - the documented placeholder
    return caps.group_view(caps.get_group(id))


@bp.route(f"{V2}/capability-groups/{{id}}", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, returns=am.Done)
def delete_capability_group(ctx, id):  # noqa: A002
    caps.delete_group(ctx.principal, id)
    return envelope.true()


# ---------------------------------------------------------------- 7 capabilities
@bp.route(f"{V2}/capabilities", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=am.Capability)
def create_capability(ctx):
    return caps.view(caps.create(ctx.principal, body_of(ctx, CapabilityIn)))


@bp.route(f"{V2}/capabilities", methods=["GET"])
@endpoint(bp, returns=am.Capabilities)
def list_capabilities(ctx):
    return envelope.bare(caps.list_all())  # filterType is accepted and ignored, as upstream


@bp.route(f"{V2}/capabilities/{{id}}", methods=["GET"])
@endpoint(bp, returns=am.Capability)
def get_capability(ctx, id):  # noqa: A002
    return caps.view(caps.get(id))


@bp.route(f"{V2}/capabilities/{{id}}", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, returns=am.Done)
def delete_capability(ctx, id):  # noqa: A002
    caps.delete(ctx.principal, id)
    return envelope.true()


@bp.route(f"{V2}/capabilities/{{id}}", methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=am.Capability)
def update_capability(ctx, id):  # noqa: A002
    return caps.view(caps.update(ctx.principal, id, body_of(ctx, CapabilityIn)))


# ---------------------------------------------------------------- 8, 13, 15
@bp.route(f"{V2}/query/capability-groups/type/{{type}}", methods=["GET"])
@endpoint(bp, returns=am.CapabilityGroups)
def capability_groups_by_type(ctx, type):  # noqa: A002
    return envelope.bare([caps.group_view(g) for g in caps.groups_of_type(type)])


@bp.route(f"{V2}/capability-group-stats", methods=["GET"])
@endpoint(bp, returns=am.CapabilityGroupStats)
def capability_group_stats(ctx):
    return envelope.bare(caps.all_stats())


@bp.route(f"{V2}/query/capability-group-stats/type/{{type}}", methods=["GET"])
@endpoint(bp, returns=am.CapabilityGroupStats)
def capability_group_stats_by_type(ctx, type):  # noqa: A002
    return envelope.bare(caps.stats(caps.groups_of_type(type)))


# ---------------------------------------------------------------- 17 capability query
@bp.route(f"{V2}/query/capabilities/group-id/{{groupId}}", methods=["GET"])
@endpoint(bp, returns=am.Capabilities)
def capabilities_by_group(ctx, groupId):
    return envelope.bare(caps.by_group(groupId))


def _search(ctx, field: str, param: str):
    w = window(ctx.query.get("offset"), ctx.query.get("limit"))
    rows, total = caps.search(field, ctx.query.get(param), w)
    return envelope.page(rows, w.limit, w.offset, total)


@bp.route(f"{V2}/query/capabilities/name-en", methods=["GET"])
@endpoint(bp, returns=am.CapabilityPage)
def capabilities_by_name_en(ctx):
    return _search(ctx, "name_en", "nameEn")


@bp.route(f"{V2}/query/capabilities/name", methods=["GET"])
@endpoint(bp, returns=am.CapabilityPage)
def capabilities_by_name(ctx):
    return _search(ctx, "name", "name")


@bp.route(f"{V2}/query/capabilities/project-id/{{projectId}}", methods=["GET"])
@endpoint(bp, returns=am.Capabilities)
def capabilities_by_project(ctx, projectId):
    return envelope.bare(caps.by_project(projectId))


@bp.route(f"{V2}/query/capabilities/type/{{type}}", methods=["GET"])
@endpoint(bp, returns=am.Capabilities)
def capabilities_by_type(ctx, type):  # noqa: A002
    return envelope.bare(caps.by_type(type))
