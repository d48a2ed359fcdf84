"""Application management V3, components (5.3.1-5.3.8), runtime stacks (5.4.1) and the V3 job the SDK polls
(``GET /v3/{project_id}/cas/jobs/{job_id}``, not in the document)."""
from __future__ import annotations

from chalicelib.surfaces.servicestage import answers_cas as A
from chalicelib.surfaces.servicestage import bodies_cas as B
from chalicelib.surfaces.servicestage.bodies import body_of
from chalicelib.surfaces.servicestage import service_v3_components as svc
from chalicelib.surfaces.servicestage.auth import project_of
from chalicelib.surfaces.servicestage.blueprints import ANY_BODY, appmgmt_v3 as bp, svcstg_api as api
from chalicelib.surfaces.servicestage.envelope import ok

BASE = "/v3/{project_id}/cas/applications/{application_id}/components"


@bp.route(BASE, methods=["POST"], content_types=ANY_BODY)
@api.endpoint(bp, action="CreateComponentV3", returns=A.V3ComponentCreated)
def create_component(ctx, project_id, application_id):
    return ok(svc.create(ctx.principal, project_of(ctx.principal), application_id,
                         body_of(ctx, B.V3ComponentCreate)))


@bp.route(BASE, methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ShowComponentsInApplicationV3", returns=A.V3Components)
def list_components_in_application(ctx, project_id, application_id):
    return ok(svc.listing_in_app(project_of(ctx.principal), application_id, ctx.query))


@bp.route("/v3/{project_id}/cas/components", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ShowComponentsV3", returns=A.V3Components)
def list_components(ctx, project_id):
    return ok(svc.listing_all(project_of(ctx.principal), ctx.query))


@bp.route(BASE + "/{component_id}", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ShowComponentInfoV3", returns=A.V3Component)
def get_component(ctx, project_id, application_id, component_id):
    return ok(svc.get(project_of(ctx.principal), application_id, component_id))


@bp.route(BASE + "/{component_id}", methods=["PUT"], content_types=ANY_BODY)
@api.endpoint(bp, action="ModifyComponentV3", returns=A.JobId)
def modify_component(ctx, project_id, application_id, component_id):
    return ok(svc.modify(ctx.principal, project_of(ctx.principal), application_id, component_id,
                         body_of(ctx, B.V3ComponentModify)))


@bp.route(BASE + "/{component_id}", methods=["DELETE"], content_types=ANY_BODY)
@api.endpoint(bp, action="DeleteComponentV3", returns=A.JobId)
def delete_component(ctx, project_id, application_id, component_id):
    return ok(svc.delete(ctx.principal, project_of(ctx.principal), application_id, component_id))


@bp.route(BASE + "/{component_id}/action", methods=["POST"], content_types=ANY_BODY)
@api.endpoint(bp, action="UpdateComponentActionV3", returns=A.V3ComponentActionAnswer)
def component_action(ctx, project_id, application_id, component_id):
    return ok(svc.action(ctx.principal, project_of(ctx.principal), application_id, component_id,
                         body_of(ctx, B.V3ComponentAction)))


@bp.route(BASE + "/{component_id}/records", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ShowComponentRecordsV3", returns=A.V3Records)
def component_records(ctx, project_id, application_id, component_id):
    return ok(svc.records(project_of(ctx.principal), application_id, component_id, ctx.query))


@bp.route("/v3/{project_id}/cas/runtimestacks", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ShowRuntimeStacksV3", returns=A.V3RuntimeStacks)
def list_runtime_stacks(ctx, project_id):
    return ok(svc.runtime_stacks())


@bp.route("/v3/{project_id}/cas/jobs/{job_id}", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ShowJobInfoV3", returns=A.V3Job)
def show_job(ctx, project_id, job_id):
    return ok(svc.job(project_of(ctx.principal), job_id, ctx.query))
