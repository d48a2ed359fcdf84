"""ServiceComb configuration management (kie, 8.7.1-8.7.6): ``/v1/{project_id}/kie/kv``.

``{project_id}`` is the tenant project or the literal ``default`` (ServiceComb authentication: engine Bearer
token or IAM credentials). Errors of 8.7.1-8.7.5 are ``{error_code, error_message, detail}`` with the config
centre's codes as strings (400001, 404001, 409001); 8.7.6 answers the registry shape ``{errorCode,
errorMessage, detail}`` (catalog §4.4). Every response carries ``X-Kie-Revision`` (the project's revision); a
list with ``revision=<current>`` is 304 without a body.
"""
from __future__ import annotations

from chalice import Response

from chalicelib.core.errors import BadRequest
from chalicelib.surfaces.servicestage import answers_cse as C
from chalicelib.surfaces.servicestage import bodies_cse as B
from chalicelib.surfaces.servicestage.bodies import body_of
from chalicelib.surfaces.servicestage import envelope, service_kie as kie
from chalicelib.surfaces.servicestage.auth import authenticate_servicecomb, project_of
from chalicelib.surfaces.servicestage.blueprints import (ANY_BODY, SERVICECOMB, family, registry_api,
                                                         servicecomb as bp)

kie_api = family(envelope.render_cse_config, authenticate_servicecomb, envelope.CseConfigError,
                 "{error_code, error_message, detail}", SERVICECOMB)
KV = "/v1/{project_id}/kie/kv"
KIE_INVALID = kie.CODES["invalid"][1]  # 8.7.1-8.7.5 answer a bad body with the config centre's 400001


def _rev(project: str) -> dict:
    return {"X-Kie-Revision": str(kie.revision(project))}


def _int(raw, name: str, lo: int, hi: int) -> int:
    try:
        n = int(raw)
    except (TypeError, ValueError):
        raise kie.KieError("invalid", f"{name} must be an integer") from None
    if not lo <= n <= hi:
        raise kie.KieError("invalid", f"{name} must be {lo}-{hi}")
    return n


def multi(ctx, name: str) -> list[str]:
    qp = ctx.request.query_params
    return list(qp.getlist(name)) if qp and name in qp else []


@bp.route(KV, methods=["POST"], content_types=ANY_BODY)
@kie_api.endpoint(bp, action="kie_create", returns=C.KieItem)
def create_kv(ctx, project_id):
    project = project_of(ctx.principal)
    body = body_of(ctx, B.KvCreate, code=KIE_INVALID)
    item = kie.create(project, body)
    return envelope.ok(kie.view(item), 200, _rev(project))


@bp.route(KV + "/{kv_id}", methods=["PUT"], content_types=ANY_BODY)
@kie_api.endpoint(bp, action="kie_update", returns=C.KieItem)
def update_kv(ctx, project_id, kv_id):
    project = project_of(ctx.principal)
    body = body_of(ctx, B.KvUpdate, code=KIE_INVALID)
    item = kie.require(project, kv_id)
    item = kie.update(project, item, body)
    return envelope.ok(kie.view(item), 200, _rev(project))


@bp.route(KV + "/{kv_id}", methods=["GET"], content_types=ANY_BODY)
@kie_api.endpoint(bp, action="kie_get", returns=C.KieItem)
def get_kv(ctx, project_id, kv_id):
    project = project_of(ctx.principal)
    return envelope.ok(kie.view(kie.require(project, kv_id)), 200, _rev(project))


@bp.route(KV, methods=["GET"], content_types=ANY_BODY)
@kie_api.endpoint(bp, action="kie_list", returns=C.KieItems)
def list_kv(ctx, project_id):
    project = project_of(ctx.principal)
    q = ctx.query
    labels = kie.parse_label_filters(multi(ctx, "label"))
    exact = kie.check_match(q.get("match"))
    status = kie.check_status(q.get("status"), default=None)
    key = q.get("key") or None
    if key is not None:
        kie.check_key(key)
    offset = _int(q["offset"], "offset", 0, 10 ** 9) if q.get("offset") not in (None, "") else 0
    limit = _int(q["limit"], "limit", 1, 1000) if q.get("limit") not in (None, "") else None
    current = kie.revision(project)
    if q.get("revision") not in (None, ""):
        wanted = _int(q["revision"], "revision", 0, 2 ** 63)
        if wanted == current:
            return Response(body="", status_code=304, headers={"X-Kie-Revision": str(current)})
    found = kie.items(project, labels=labels, exact=exact, key=key, status=status)
    page = found[offset:(offset + limit) if limit is not None else None]
    return envelope.ok({"total": len(found), "data": [kie.view(i) for i in page]}, 200,
                       {"X-Kie-Revision": str(current)})


@bp.route(KV + "/{kv_id}", methods=["DELETE"], content_types=ANY_BODY)
@kie_api.endpoint(bp, action="kie_delete")
def delete_kv(ctx, project_id, kv_id):
    project = project_of(ctx.principal)
    kie.delete(project, kie.require(project, kv_id))
    return Response(body="", status_code=204, headers=_rev(project))


@bp.route(KV, methods=["DELETE"], content_types=ANY_BODY)
@registry_api.endpoint(bp, action="kie_delete_many")
def delete_many_kv(ctx, project_id):
    project = project_of(ctx.principal)
    body = body_of(ctx, B.KvDeleteMany)
    ids = body.get("ids")
    if not isinstance(ids, list) or not ids or len(ids) > 1000 or not all(isinstance(i, str) and i for i in ids):
        raise BadRequest("ids must be a list of 1-1000 configuration IDs", code=400001)
    for kv_id in dict.fromkeys(ids):
        item = kie.get(project, kv_id)
        if item is not None:
            kie.delete(project, item)
    return Response(body="", status_code=204, headers=_rev(project))
