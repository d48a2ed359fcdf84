"""ServiceComb registry (chapter 8.3-8.6): microservices, schemas, instances, dependencies.

Changes to microservices and schemas are audited; instance traffic (register, heartbeat, status) is machine
traffic and is not. Errors are ``{errorCode, errorMessage, detail}`` with the numeric codes (HTTP status = code / 1000); success
without a body is 200 with an empty body (upstream). Reads of instances carry ``X-Resource-Revision``;
``?rev=<that value>`` answers 304 with no body.
"""
from __future__ import annotations

from chalicelib import audit
from chalicelib.surfaces.servicestage import answers_cse as C
from chalicelib.surfaces.servicestage import bodies_cse as B
from chalicelib.surfaces.servicestage.bodies import body_of
from chalicelib.surfaces.servicestage import envelope, service_registry as reg
from chalicelib.surfaces.servicestage.auth import project_of
from chalicelib.surfaces.servicestage.blueprints import ANY_BODY, SURFACE, registry_api as api, servicecomb as bp

BASE = "/v4/{project_id}/registry"
MS = BASE + "/microservices"


def _consumer(ctx) -> str | None:
    return ctx.header("x-consumerid") or None


def _revisioned(ctx, body: dict, rev: str):
    if ctx.query.get("rev") and ctx.query.get("rev") == rev:
        r = envelope.empty(304)
        r.headers["X-Resource-Revision"] = rev
        return r
    return envelope.ok(body, 200, {"X-Resource-Revision": rev})


# ------------------------------------------------------------------------------------------- microservices
@bp.route(MS, methods=["POST"], content_types=ANY_BODY)
@api.endpoint(bp, action="CreateMicroService", returns=C.ScServiceId)
def create_microservice(ctx, project_id):
    sid = reg.create_service(project_of(ctx.principal), body_of(ctx, B.MicroServiceCreate, required=False))
    audit.record(SURFACE, "sc_create_microservice", principal=ctx.principal, resource=f"microservice/{sid}")
    return {"serviceId": sid}


@bp.route(MS, methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ListMicroServices", returns=C.ScMicroServices)
def list_microservices(ctx, project_id):
    return {"services": reg.list_services(project_of(ctx.principal))}


@bp.route(MS, methods=["DELETE"], content_types=ANY_BODY)
@api.endpoint(bp, action="DeleteMicroServices", returns=C.ScDeletedMany)
def delete_microservices(ctx, project_id):
    out = reg.delete_services(project_of(ctx.principal), body_of(ctx, B.MicroServicesDelete, required=False),
                              ctx.query.get("force"))
    for item in out:
        if "errMessage" not in item:
            audit.record(SURFACE, "sc_delete_microservice", principal=ctx.principal,
                         resource=f"microservice/{item['serviceId']}")
    return {"services": out}


@bp.route(MS + "/{service_id}", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ShowMicroService", returns=C.ScMicroServiceAnswer)
def show_microservice(ctx, project_id, service_id):
    return {"service": reg.service_view(reg.require_service(project_of(ctx.principal), service_id))}


@bp.route(MS + "/{service_id}", methods=["DELETE"], content_types=ANY_BODY)
@api.endpoint(bp, action="DeleteMicroService")
def delete_microservice(ctx, project_id, service_id):
    reg.delete_service(project_of(ctx.principal), service_id, reg.bool_param(ctx.query.get("force"), "force"))
    audit.record(SURFACE, "sc_delete_microservice", principal=ctx.principal, resource=f"microservice/{service_id}")
    return envelope.empty(200)


@bp.route(MS + "/{service_id}/properties", methods=["PUT"], content_types=ANY_BODY)
@api.endpoint(bp, action="UpdateMicroServiceProperties")
def update_microservice_properties(ctx, project_id, service_id):
    reg.update_service_properties(project_of(ctx.principal), service_id,
                                  body_of(ctx, B.Properties, required=False))
    audit.record(SURFACE, "sc_update_microservice_properties", principal=ctx.principal,
                 resource=f"microservice/{service_id}")
    return envelope.empty(200)


@bp.route(BASE + "/existence", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ShowExistence", returns=C.ScExistence)
def existence(ctx, project_id):
    body, headers = reg.existence(project_of(ctx.principal), ctx.query)
    return envelope.ok(body, 200, headers)


# ------------------------------------------------------------------------------------------- schemas
@bp.route(MS + "/{service_id}/schemas/{schema_id}", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ShowSchema", returns=C.ScSchemaContent)
def show_schema(ctx, project_id, service_id, schema_id):
    schema = reg.get_schema(project_of(ctx.principal), service_id, schema_id)
    return envelope.ok({"schema": schema.content}, 200, {"X-Schema-Summary": schema.summary})


@bp.route(MS + "/{service_id}/schemas/{schema_id}", methods=["PUT"], content_types=ANY_BODY)
@api.endpoint(bp, action="UpdateSchema")
def update_schema(ctx, project_id, service_id, schema_id):
    reg.put_schema(project_of(ctx.principal), service_id, schema_id, body_of(ctx, B.SchemaPut, required=False))
    audit.record(SURFACE, "sc_update_schema", principal=ctx.principal,
                 resource=f"microservice/{service_id}/schemas/{schema_id}")
    return envelope.empty(200)


@bp.route(MS + "/{service_id}/schemas", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ListSchemas", returns=C.ScSchemas)
def list_schemas(ctx, project_id, service_id):
    return {"schemas": reg.list_schemas(project_of(ctx.principal), service_id, ctx.query.get("withSchema"))}


# ------------------------------------------------------------------------------------------- instances
@bp.route(MS + "/{service_id}/instances", methods=["POST"], content_types=ANY_BODY)
@api.endpoint(bp, action="RegisterInstance", returns=C.ScInstanceId)
def register_instance(ctx, project_id, service_id):
    return {"instanceId": reg.register_instance(project_of(ctx.principal), service_id,
                                                 body_of(ctx, B.InstanceRegister, required=False))}


@bp.route(MS + "/{service_id}/instances", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ListInstances", returns=C.ScInstances)
def list_instances(ctx, project_id, service_id):
    items, rev = reg.list_instances(project_of(ctx.principal), service_id, _consumer(ctx), ctx.query.get("tags"))
    return _revisioned(ctx, {"instances": items}, rev)


@bp.route(MS + "/{service_id}/instances/{instance_id}", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ShowInstance", returns=C.ScInstanceAnswer)
def show_instance(ctx, project_id, service_id, instance_id):
    item, rev = reg.get_instance(project_of(ctx.principal), service_id, instance_id, _consumer(ctx),
                                 ctx.query.get("tags"))
    return _revisioned(ctx, {"instance": item}, rev)


@bp.route(MS + "/{service_id}/instances/{instance_id}", methods=["DELETE"], content_types=ANY_BODY)
@api.endpoint(bp, action="DeregisterInstance")
def deregister_instance(ctx, project_id, service_id, instance_id):
    reg.deregister(project_of(ctx.principal), service_id, instance_id)
    return envelope.empty(200)


@bp.route(MS + "/{service_id}/instances/{instance_id}/properties", methods=["PUT"], content_types=ANY_BODY)
@api.endpoint(bp, action="UpdateInstanceProperties")
def update_instance_properties(ctx, project_id, service_id, instance_id):
    reg.set_instance_properties(project_of(ctx.principal), service_id, instance_id,
                                body_of(ctx, B.Properties, required=False))
    return envelope.empty(200)


@bp.route(MS + "/{service_id}/instances/{instance_id}/status", methods=["PUT"], content_types=ANY_BODY)
@api.endpoint(bp, action="UpdateInstanceStatus")
def update_instance_status(ctx, project_id, service_id, instance_id):
    reg.set_instance_status(project_of(ctx.principal), service_id, instance_id, ctx.query.get("value"))
    return envelope.empty(200)


@bp.route(MS + "/{service_id}/instances/{instance_id}/heartbeat", methods=["PUT"], content_types=ANY_BODY)
@api.endpoint(bp, action="SendHeartbeat")
def send_heartbeat(ctx, project_id, service_id, instance_id):
    reg.heartbeat(project_of(ctx.principal), service_id, instance_id)
    return envelope.empty(200)


@bp.route(BASE + "/instances", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="FindInstances", returns=C.ScInstances)
def find_instances(ctx, project_id):
    items, rev = reg.find_instances(project_of(ctx.principal), ctx.query, _consumer(ctx))
    return _revisioned(ctx, {"instances": items}, rev)


@bp.route(BASE + "/instances/action", methods=["POST"], content_types=ANY_BODY)
@api.endpoint(bp, action="BatchFindInstances", returns=C.ScBatchFind)
def batch_find_instances(ctx, project_id):
    return reg.batch_find(project_of(ctx.principal), ctx.query.get("type"),
                          body_of(ctx, B.BatchFind, required=False), _consumer(ctx))


# ------------------------------------------------------------------------------------------- dependencies
# (the path parameter is the consumer's ID; named like its siblings, as API Gateway requires)
@bp.route(MS + "/{service_id}/providers", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ListProviders", returns=C.ScProviders)
def list_providers(ctx, project_id, service_id):
    return {"providers": reg.providers(project_of(ctx.principal), service_id, ctx.query.get("noSelf"),
                                       ctx.query.get("sameDomain"))}
