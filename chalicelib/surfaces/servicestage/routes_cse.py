"""CSE (chapter 7): dynamic configuration import/export (7.2.1, 7.2.2) and exclusive engine management
(7.3.1-7.3.6).

Errors: 7.2.x ``{error_code, error_message, detail}`` with ``SVCSTG.004xxxxx`` codes; 7.3.x ``{errorCode,
errorMessage, detail}`` with ``SVCSTG.00501xxx`` codes (all 400, as the document lists them).
"""
from __future__ import annotations

from chalicelib import audit
from chalicelib.surfaces.servicestage import answers_cse as C
from chalicelib.surfaces.servicestage import bodies_cse as B
from chalicelib.surfaces.servicestage.bodies import body_of
from chalicelib.surfaces.servicestage import envelope, service_cse as cse
from chalicelib.surfaces.servicestage.auth import project_of
from chalicelib.surfaces.servicestage.blueprints import ANY_BODY, SURFACE, cse as bp, cse_config_api, engine_api

ENGINES = "/v2/{project_id}/enginemgr/engines"
# the documented codes of an engine field of the wrong type (as the service answers any invalid value of it)
ENGINE_FIELD_CODES = {"payment": "SVCSTG.00501103", "flavor": "SVCSTG.00501104", "azList": "SVCSTG.00501105",
                      "specType": "SVCSTG.00501134"}


@bp.route("/v1/{project_id}/kie/file", methods=["POST"], content_types=ANY_BODY)
@cse_config_api.endpoint(bp, action="cse_import_configs", returns=C.CseImportResult)
def import_configs(ctx, project_id):
    project = project_of(ctx.principal)
    result = cse.import_file(project, ctx.header("x-engine-id"), ctx.query, ctx.header("content-type"), ctx.raw)
    audit.record(SURFACE, "cse_import_configs", principal=ctx.principal, resource=f"engine/{ctx.header('x-engine-id')}")
    return result


@bp.route("/v1/{project_id}/kie/download", methods=["POST"], content_types=ANY_BODY)
@cse_config_api.endpoint(bp, action="cse_export_configs", returns=C.CseExportAnswer)
def export_configs(ctx, project_id):
    project = project_of(ctx.principal)
    return cse.export(project, ctx.header("x-engine-id"), ctx.query, body_of(ctx, B.CseExport))


@bp.route("/v2/{project_id}/enginemgr/flavors", methods=["GET"], content_types=ANY_BODY)
@engine_api.endpoint(bp, action="cse_list_flavors", returns=C.CseFlavors)
def list_flavors(ctx, project_id):
    q = ctx.query
    return cse.flavors(q.get("specType") if q.get("specType") is not None else q.get("spec_type"))


@bp.route(ENGINES, methods=["GET"], content_types=ANY_BODY)
@engine_api.endpoint(bp, action="cse_list_engines", returns=C.Engines)
def list_engines(ctx, project_id):
    return cse.list_engines(project_of(ctx.principal), ctx.query)


@bp.route(ENGINES, methods=["POST"], content_types=ANY_BODY)
@engine_api.endpoint(bp, action="cse_create_engine", returns=C.EngineJobStarted)
def create_engine(ctx, project_id):
    project = project_of(ctx.principal)
    body = body_of(ctx, B.EngineCreate, field_codes=ENGINE_FIELD_CODES)
    result = cse.create_engine(ctx.principal, project, body, ctx.header("x-enterprise-project-id"))
    audit.record(SURFACE, "cse_create_engine", principal=ctx.principal, resource=f"engine/{result['id']}")
    return envelope.ok(result, 200)


@bp.route(ENGINES + "/{engine_id}", methods=["GET"], content_types=ANY_BODY)
@engine_api.endpoint(bp, action="cse_show_engine", returns=C.Engine)
def show_engine(ctx, project_id, engine_id):
    return cse.engine_detail_view(cse.require_engine(project_of(ctx.principal), engine_id))


@bp.route(ENGINES + "/{engine_id}", methods=["DELETE"], content_types=ANY_BODY)
@engine_api.endpoint(bp, action="cse_delete_engine", returns=C.EngineJobStarted)
def delete_engine(ctx, project_id, engine_id):
    result = cse.delete_engine(ctx.principal, project_of(ctx.principal), engine_id)
    audit.record(SURFACE, "cse_delete_engine", principal=ctx.principal, resource=f"engine/{engine_id}")
    return envelope.ok(result, 200)


@bp.route(ENGINES + "/{engine_id}/jobs/{job_id}", methods=["GET"], content_types=ANY_BODY)
@engine_api.endpoint(bp, action="cse_show_engine_job", returns=C.EngineJob)
def show_engine_job(ctx, project_id, engine_id, job_id):
    return cse.get_job(project_of(ctx.principal), engine_id, job_id)
