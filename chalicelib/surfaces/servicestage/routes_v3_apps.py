"""Application management V3, applications and their configuration (5.2.1-5.2.8)."""
from __future__ import annotations

from chalicelib.surfaces.servicestage import answers_cas as A
from chalicelib.surfaces.servicestage import bodies_cas as B
from chalicelib.surfaces.servicestage.bodies import body_of
from chalicelib.surfaces.servicestage import service_v3_apps as svc
from chalicelib.surfaces.servicestage.auth import project_of
from chalicelib.surfaces.servicestage.blueprints import ANY_BODY, appmgmt_v3 as bp, svcstg_api as api
from chalicelib.surfaces.servicestage.envelope import empty, ok

BASE = "/v3/{project_id}/cas/applications"


@bp.route(BASE, methods=["POST"], content_types=ANY_BODY)
@api.endpoint(bp, action="CreateApplicationV3", returns=A.V3Application)
def create_application(ctx, project_id):
    return ok(svc.create(ctx.principal, project_of(ctx.principal), body_of(ctx, B.V3ApplicationCreate)))


@bp.route(BASE, methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ShowApplicationsV3", returns=A.V3Applications)
def list_applications(ctx, project_id):
    return ok(svc.listing(project_of(ctx.principal), ctx.query))


@bp.route(BASE + "/{application_id}", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ShowApplicationInfoV3", returns=A.V3Application)
def get_application(ctx, project_id, application_id):
    return ok(svc.get(project_of(ctx.principal), application_id))


@bp.route(BASE + "/{application_id}", methods=["PUT"], content_types=ANY_BODY)
@api.endpoint(bp, action="ModifyApplicationV3", returns=A.V3Application)
def modify_application(ctx, project_id, application_id):
    return ok(svc.modify(ctx.principal, project_of(ctx.principal), application_id,
                         body_of(ctx, B.V3ApplicationModify)))


@bp.route(BASE + "/{application_id}", methods=["DELETE"], content_types=ANY_BODY)
@api.endpoint(bp, action="DeleteApplicationV3")
def delete_application(ctx, project_id, application_id):
    svc.delete(ctx.principal, project_of(ctx.principal), application_id)
    return empty(204)


@bp.route(BASE + "/{application_id}/configuration", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ShowApplicationConfigurationV3", returns=A.AppConfigurations)
def get_application_configuration(ctx, project_id, application_id):
    return ok(svc.get_config(project_of(ctx.principal), application_id, ctx.query))


@bp.route(BASE + "/{application_id}/configuration", methods=["PUT"], content_types=ANY_BODY)
@api.endpoint(bp, action="ModifyApplicationConfigurationV3", returns=A.AppConfiguration)
def put_application_configuration(ctx, project_id, application_id):
    return ok(svc.put_config(ctx.principal, project_of(ctx.principal), application_id,
                             body_of(ctx, B.V3ApplicationConfiguration)))


@bp.route(BASE + "/{application_id}/configuration", methods=["DELETE"], content_types=ANY_BODY)
@api.endpoint(bp, action="DeleteApplicationConfigurationV3")
def delete_application_configuration(ctx, project_id, application_id):
    svc.delete_config(ctx.principal, project_of(ctx.principal), application_id, ctx.query)
    return empty(204)
