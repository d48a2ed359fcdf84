"""Application management V3, environments (5.1.1-5.1.7)."""
from __future__ import annotations

from chalicelib.surfaces.servicestage import answers_cas as A
from chalicelib.surfaces.servicestage import bodies_cas as B
from chalicelib.surfaces.servicestage.bodies import body_of
from chalicelib.surfaces.servicestage import service_v3_envs as svc
from chalicelib.surfaces.servicestage.auth import project_of
from chalicelib.surfaces.servicestage.blueprints import ANY_BODY, appmgmt_v3 as bp, svcstg_api as api
from chalicelib.surfaces.servicestage.envelope import empty, ok

BASE = "/v3/{project_id}/cas/environments"


@bp.route(BASE, methods=["POST"], content_types=ANY_BODY)
@api.endpoint(bp, action="CreateEnvironmentV3", returns=A.V3Environment)
def create_environment(ctx, project_id):
    return ok(svc.create(ctx.principal, project_of(ctx.principal), body_of(ctx, B.V3EnvironmentCreate)))


@bp.route(BASE, methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ShowEnvironmentsV3", returns=A.V3Environments)
def list_environments(ctx, project_id):
    return ok(svc.listing(project_of(ctx.principal), ctx.query))


@bp.route(BASE + "/{environment_id}", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ShowEnvironmentInfoV3", returns=A.V3Environment)
def get_environment(ctx, project_id, environment_id):
    return ok(svc.get(project_of(ctx.principal), environment_id))


@bp.route(BASE + "/{environment_id}", methods=["PUT"], content_types=ANY_BODY)
@api.endpoint(bp, action="ModifyEnvironmentV3", returns=A.V3Environment)
def modify_environment(ctx, project_id, environment_id):
    return ok(svc.modify(ctx.principal, project_of(ctx.principal), environment_id,
                         body_of(ctx, B.V3EnvironmentModify)))


@bp.route(BASE + "/{environment_id}", methods=["DELETE"], content_types=ANY_BODY)
@api.endpoint(bp, action="DeleteEnvironmentV3")
def delete_environment(ctx, project_id, environment_id):
    svc.delete(ctx.principal, project_of(ctx.principal), environment_id)
    return empty(204)


@bp.route(BASE + "/{environment_id}/resources", methods=["PUT"], content_types=ANY_BODY)
@api.endpoint(bp, action="ModifyResourceInEnvironmentV3", returns=A.V3Resources)
def put_environment_resources(ctx, project_id, environment_id):
    return ok(svc.put_resources(ctx.principal, project_of(ctx.principal), environment_id,
                                body_of(ctx, B.V3EnvironmentResources)))


@bp.route(BASE + "/{environment_id}/resources", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ShowEnvironmentResourcesV3", returns=A.V3Resources)
def get_environment_resources(ctx, project_id, environment_id):
    return ok(svc.get_resources(project_of(ctx.principal), environment_id))
