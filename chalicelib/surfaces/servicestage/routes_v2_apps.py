"""Application management V2: environments (4.2), applications and their configuration (4.3), components
(4.4)."""
from __future__ import annotations

from chalicelib.surfaces.servicestage import answers_cas as A
from chalicelib.surfaces.servicestage import bodies_cas as B
from chalicelib.surfaces.servicestage.bodies import body_of
from chalicelib.surfaces.servicestage import envelope
from chalicelib.surfaces.servicestage import service_v2_apps as svc
from chalicelib.surfaces.servicestage.blueprints import ANY_BODY, appmgmt_v2 as bp, svcstg_api as api

ENVS = "/v2/{project_id}/cas/environments"
APPS = "/v2/{project_id}/cas/applications"
COMPS = APPS + "/{application_id}/components"


@bp.route(ENVS, methods=["POST"], content_types=ANY_BODY)
@api.endpoint(bp, action="CreateEnvironment", returns=A.V2Environment)
def create_environment(ctx, project_id):
    return svc.create_environment(ctx.principal, body_of(ctx, B.V2EnvironmentCreate))


@bp.route(ENVS, methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ListEnvironments", returns=A.V2Environments)
def list_environments(ctx, project_id):
    return svc.list_environments(ctx.principal, ctx.query)


@bp.route(ENVS + "/{environment_id}", methods=["PUT"], content_types=ANY_BODY)
@api.endpoint(bp, action="ChangeEnvironment", returns=A.V2Environment)
def change_environment(ctx, project_id, environment_id):
    return svc.update_environment(ctx.principal, environment_id, body_of(ctx, B.V2EnvironmentChange))


@bp.route(ENVS + "/{environment_id}", methods=["DELETE"], content_types=ANY_BODY)
@api.endpoint(bp, action="DeleteEnvironment")
def delete_environment(ctx, project_id, environment_id):
    svc.delete_environment(ctx.principal, environment_id)
    return envelope.empty(204)


@bp.route(ENVS + "/{environment_id}", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ShowEnvironmentDetail", returns=A.V2Environment)
def show_environment(ctx, project_id, environment_id):
    return svc.get_environment(ctx.principal, environment_id)


@bp.route(ENVS + "/{environment_id}/resources", methods=["PATCH"], content_types=ANY_BODY)
@api.endpoint(bp, action="ChangeResourceInEnvironment", returns=A.V2Environment)
def change_environment_resources(ctx, project_id, environment_id):
    return svc.change_environment_resources(ctx.principal, environment_id,
                                            body_of(ctx, B.V2EnvironmentResources))


@bp.route(APPS, methods=["POST"], content_types=ANY_BODY)
@api.endpoint(bp, action="CreateApplication", returns=A.V2Application)
def create_application(ctx, project_id):
    return svc.create_application(ctx.principal, body_of(ctx, B.V2ApplicationCreate))


@bp.route(APPS, methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ListApplications", returns=A.V2Applications)
def list_applications(ctx, project_id):
    return svc.list_applications(ctx.principal, ctx.query)


@bp.route(APPS + "/{application_id}", methods=["PUT"], content_types=ANY_BODY)
@api.endpoint(bp, action="ChangeApplication", returns=A.V2Application)
def change_application(ctx, project_id, application_id):
    return svc.update_application(ctx.principal, application_id, body_of(ctx, B.V2ApplicationChange))


@bp.route(APPS + "/{application_id}", methods=["DELETE"], content_types=ANY_BODY)
@api.endpoint(bp, action="DeleteApplication")
def delete_application(ctx, project_id, application_id):
    svc.delete_application(ctx.principal, application_id)
    return envelope.empty(204)


@bp.route(APPS + "/{application_id}", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ShowApplicationDetail", returns=A.V2Application)
def show_application(ctx, project_id, application_id):
    return svc.get_application(ctx.principal, application_id)


@bp.route(APPS + "/{application_id}/configuration", methods=["PUT"], content_types=ANY_BODY)
@api.endpoint(bp, action="ChangeApplicationConfiguration", returns=A.AppConfiguration)
def change_configuration(ctx, project_id, application_id):
    return svc.put_configuration(ctx.principal, application_id, body_of(ctx, B.V2ApplicationConfiguration))


@bp.route(APPS + "/{application_id}/configuration", methods=["DELETE"], content_types=ANY_BODY)
@api.endpoint(bp, action="DeleteApplicationConfiguration")
def delete_configuration(ctx, project_id, application_id):
    svc.delete_configuration(ctx.principal, application_id, ctx.query)
    return envelope.empty(204)


@bp.route(APPS + "/{application_id}/configuration", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ShowApplicationConfiguration", returns=A.AppConfigurations)
def show_configuration(ctx, project_id, application_id):
    return svc.get_configuration(ctx.principal, application_id, ctx.query)


@bp.route(COMPS, methods=["POST"], content_types=ANY_BODY)
@api.endpoint(bp, action="CreateComponent", returns=A.V2Component)
def create_component(ctx, project_id, application_id):
    return svc.create_component(ctx.principal, application_id, body_of(ctx, B.V2ComponentCreate))


@bp.route(COMPS, methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ListComponents", returns=A.V2Components)
def list_components(ctx, project_id, application_id):
    return svc.list_components(ctx.principal, application_id, ctx.query)


@bp.route(COMPS + "/{component_id}", methods=["PUT"], content_types=ANY_BODY)
@api.endpoint(bp, action="ChangeComponent", returns=A.V2Component)
def change_component(ctx, project_id, application_id, component_id):
    return svc.update_component(ctx.principal, application_id, component_id,
                                body_of(ctx, B.V2ComponentChange))


@bp.route(COMPS + "/{component_id}", methods=["DELETE"], content_types=ANY_BODY)
@api.endpoint(bp, action="DeleteComponent")
def delete_component(ctx, project_id, application_id, component_id):
    svc.delete_component(ctx.principal, application_id, component_id, ctx.query)
    return envelope.empty(204)


@bp.route(COMPS + "/{component_id}", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ShowComponentDetail", returns=A.V2Component)
def show_component(ctx, project_id, application_id, component_id):
    return svc.get_component(ctx.principal, application_id, component_id)
