"""Out-of-date APIs (chapter 9): 9.1 config items, 9.2 dependency rules, 9.3 metrics report.

9.1 and 9.2 are engine APIs (ServiceComb authentication, ``{project_id}`` may be ``default``) answering the
ServiceStage error shape ``{error_code, error_msg}``; 9.3 is an IAM-token API answering ``{errorCode,
errorMessage, detail}`` (catalog §4.4).
"""
from __future__ import annotations

from chalice import Response

from chalicelib.core.errors import Unavailable
from chalicelib.surfaces.servicestage import answers_cse as C
from chalicelib.surfaces.servicestage import bodies_cse as B
from chalicelib.surfaces.servicestage.bodies import body_of
from chalicelib.surfaces.servicestage import envelope, service_deprecated as dep
from chalicelib.surfaces.servicestage.auth import authenticate, authenticate_servicecomb, project_of
from chalicelib.surfaces.servicestage.blueprints import ANY_BODY, SERVICECOMB, deprecated as bp, family

engine_svcstg_api = family(envelope.render_svcstg, authenticate_servicecomb, envelope.SsError,
                           "{error_code, error_msg}", SERVICECOMB)
metric_api = family(envelope.render_registry, authenticate, envelope.RegistryError, "{errorCode, errorMessage, detail}")


@bp.route("/v3/{project_id}/configuration/items", methods=["GET"], content_types=ANY_BODY)
@engine_svcstg_api.endpoint(bp, action="config_items", returns=C.ConfigItems)
def config_items(ctx, project_id):
    project = project_of(ctx.principal)
    body, rev = dep.config_items(project, ctx.query, ctx.header("x-environment"))
    if body is None:
        return Response(body="", status_code=304, headers={"X-Kie-Revision": str(rev)})
    return envelope.ok(body, 200, {"X-Kie-Revision": str(rev)})


@bp.route("/v4/{project_id}/registry/dependencies", methods=["PUT"], content_types=ANY_BODY)
@engine_svcstg_api.endpoint(bp, action="put_dependencies")
def put_dependencies(ctx, project_id):
    from chalicelib.surfaces.servicestage import service_registry
    fn = getattr(service_registry, "put_dependencies", None)
    if fn is None:
        raise Unavailable("dependency rules are not available", code="SVCSTG.00100501")
    fn(project_of(ctx.principal), body_of(ctx, B.Dependencies))
    return Response(body="", status_code=200, headers={"Content-Type": "text/plain",
                                                       "Deprecation": 'version="v4"'})


@bp.route("/v2/{project_id}/csemonitor/metric", methods=["POST"], content_types=ANY_BODY)
@metric_api.endpoint(bp, action="report_metric")
def report_metric(ctx, project_id):
    dep.report_metric(project_of(ctx.principal), ctx.header("x-domain-name"), body_of(ctx, B.MetricReport))
    return envelope.empty(200)
