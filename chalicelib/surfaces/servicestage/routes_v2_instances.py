"""Application management V2: component instances (4.5, asynchronous through jobs), snapshots (4.5.7) and the
job API (4.6.1)."""
from __future__ import annotations

from chalicelib.surfaces.servicestage import answers_cas as A
from chalicelib.surfaces.servicestage import bodies_cas as B
from chalicelib.surfaces.servicestage.bodies import body_of
from chalicelib.surfaces.servicestage import service_v2_instances as svc
from chalicelib.surfaces.servicestage.blueprints import ANY_BODY, appmgmt_v2 as bp, svcstg_api as api

INSTS = "/v2/{project_id}/cas/applications/{application_id}/components/{component_id}/instances"
INST = INSTS + "/{instance_id}"
ACTION_UNDEFINED = "SVCSTG.00100418"  # an action that is not one of the documented ones (4.5.3)


@bp.route(INSTS, methods=["POST"], content_types=ANY_BODY)
@api.endpoint(bp, action="CreateInstance", returns=A.V2InstanceCreated)
def create_instance(ctx, project_id, application_id, component_id):
    return svc.create_instance(ctx.principal, application_id, component_id, body_of(ctx, B.V2InstanceCreate))


@bp.route(INSTS, methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ListInstances", returns=A.V2Instances)
def list_instances(ctx, project_id, application_id, component_id):
    return svc.list_instances(ctx.principal, application_id, component_id, ctx.query)


@bp.route(INST + "/action", methods=["POST"], content_types=ANY_BODY)
@api.endpoint(bp, action="UpdateInstanceAction", returns=A.JobId)
def instance_action(ctx, project_id, application_id, component_id, instance_id):
    return svc.instance_action(ctx.principal, application_id, component_id, instance_id,
                              body_of(ctx, B.V2InstanceAction, field_codes={"action": ACTION_UNDEFINED}))


@bp.route(INST, methods=["PUT"], content_types=ANY_BODY)
@api.endpoint(bp, action="ChangeInstance", returns=A.JobId)
def change_instance(ctx, project_id, application_id, component_id, instance_id):
    return svc.upgrade_instance(ctx.principal, application_id, component_id, instance_id,
                               body_of(ctx, B.V2InstanceChange))


@bp.route(INST, methods=["DELETE"], content_types=ANY_BODY)
@api.endpoint(bp, action="DeleteInstance", returns=A.JobId)
def delete_instance(ctx, project_id, application_id, component_id, instance_id):
    return svc.delete_instance(ctx.principal, application_id, component_id, instance_id, ctx.query)


@bp.route(INST, methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ShowInstanceDetail", returns=A.V2Instance)
def show_instance(ctx, project_id, application_id, component_id, instance_id):
    return svc.get_instance(ctx.principal, application_id, component_id, instance_id)


@bp.route(INST + "/snapshots", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ListInstanceSnapshots", returns=A.V2Snapshots)
def list_snapshots(ctx, project_id, application_id, component_id, instance_id):
    return svc.list_snapshots(ctx.principal, application_id, component_id, instance_id, ctx.query)


@bp.route("/v2/{project_id}/cas/jobs/{job_id}", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ShowJobDetail", returns=A.V2Job)
def show_job(ctx, project_id, job_id):
    return svc.get_job(ctx.principal, job_id, ctx.query)
