"""The ServiceComb registry (chapter 8 without kie): microservices, schemas, instances, dependencies.

Behaviour follows Apache service-center where the document is silent (catalog §6.2-§6.5):

* a microservice is unique on (environment, appId, serviceName, version) within the caller's project; without
  a custom ``serviceId`` the ID is the sha1 hex of that key, and re-creating the same key is idempotent (the
  existing ID); a custom ID already taken, or a key registered under another ID, is 400010. An empty
  environment is ``development`` (the document's default), on writes and on finds;
* instances hold a lease of ``interval × (times + 1)`` seconds (push mode clamped to ≥ 5 s and ≥ 3 times,
  pull mode 30/3, default push/30/3; ``EDGEPLANE_SC_INSTANCE_TTL`` overrides it server-wide as upstream's
  ``INSTANCE_TTL``). Every read ignores instances whose lease has run out; a heartbeat renews a running lease
  with one conditional update (a lapsed one is 400017); :func:`sweep` (every tick) deletes lapsed instances.
  Re-registering a live custom ``instanceId`` only renews it; re-registering the same endpoints without an ID
  reuses the live instance's ID (the document), overwriting its content;
* discovery (find by appId/serviceName, all versions) = one Query of the name-index partition, then one Query of each
  matching service's instances. ``X-ConsumerId`` must name an existing service; find records the
  consumer → provider dependency. Revisions: every change takes the next value of the project's revision
  counter; a result's revision is ``sha1("<max change revision>.<count>")`` (as upstream formats it), so a
  lapsed lease changes it too; ``rev=<same>`` answers 304.
"""
from __future__ import annotations

import hashlib
import re
import uuid
from datetime import datetime, timezone

from pynamodb.exceptions import DeleteError, PutError, PynamoDBConnectionError, QueryError, UpdateError

from chalicelib import events
from chalicelib.core import clock
from chalicelib.core.config import settings
from chalicelib.core.errors import BadRequest, Conflict, Unavailable
from chalicelib.core.logging import logger
from chalicelib.store import base as store
from chalicelib.store.servicestage_registry import (LEASE_SHARDS, ScDep, ScInstance, ScName, ScRev, ScSchema,
                                                    ScService, ScTtlClass, consumers_index, key_index, lease_partition,
                                                    lease_sort, project_pk, service_pk)

# ---------------------------------------------------------------------------------------------- errors
INVALID, SVC_EXISTS, SVC_MISSING, HAS_INSTANCES = 400001, 400010, 400012, 400013
UNDEFINED_SCHEMA, SCHEMA_LOCKED, SCHEMA_MISSING, INST_MISSING = 400014, 400015, 400016, 400017
HAS_CONSUMERS, QUOTA = 400023, 400100


def _err(message: str, code: int = INVALID) -> BadRequest:
    return BadRequest(message, code=code)


# ---------------------------------------------------------------------------------------------- rules
_NAME = re.compile(r"^[a-zA-Z0-9]*$|^[a-zA-Z0-9][a-zA-Z0-9_\-.]*[a-zA-Z0-9]$")
_VERSION = re.compile(r"^\d+(\.\d+){0,3}$")
_SCHEMA_ID = re.compile(r"^[a-zA-Z0-9]{1,160}$|^[a-zA-Z0-9][a-zA-Z0-9_\-.]{0,158}[a-zA-Z0-9]$")
_ALIAS = re.compile(r"^[a-zA-Z0-9_\-.:]*$")
_INSTANCE_ID = re.compile(r"^[A-Za-z0-9_.-]*$")
_DC = re.compile(r"^[A-Za-z0-9_.-]+$")
_TAG = re.compile(r"^[a-zA-Z][a-zA-Z0-9_\-.]{0,63}$")
_SUMMARY = re.compile(r"^[a-zA-Z0-9]*$")
_NO_SPACE = re.compile(r"^\S+$")
ENVIRONMENTS = ("development", "testing", "acceptance", "production")
LEVELS = ("FRONT", "MIDDLE", "BACK")
REGISTER_BY = ("SDK", "PLATFORM", "SIDECAR", "UNKNOWN")
SERVICE_STATUS = ("UP", "DOWN")
INSTANCE_STATUS = ("UP", "DOWN", "STARTING", "OUTOFSERVICE", "TESTING")
MAX_SCHEMAS = 100
MAX_SCHEMA_BYTES = 256 * 1024   # the document says 2048; real swagger is larger; one DynamoDB item holds it
MAX_SERVICE_IDS = 100
DEFAULT_INTERVAL, DEFAULT_TIMES, MIN_INTERVAL, MIN_TIMES = 30, 3, 5, 3
GC_SECONDS = 24 * 3600
MAX_INT32 = 2 ** 31 - 1


def schema_editable() -> bool:
    """Production schemas may be overwritten only when the engine allows it (``SCHEMA_EDITABLE``)."""
    return settings().sc_schema_editable


def instance_ttl_override() -> int | None:
    return settings().sc_instance_ttl or None


def _str(value, field: str, *, required: bool = False, max_len: int | None = None, pattern=None,
         min_len: int = 0) -> str:
    if value is None or value == "":
        if required:
            raise _err(f"{field} is required")
        return ""
    if not isinstance(value, str):
        raise _err(f"{field} must be a string")
    if len(value) < min_len or (max_len is not None and len(value) > max_len):
        raise _err(f"{field} must be {min_len or 1} to {max_len} characters")
    if pattern is not None and not pattern.match(value):
        raise _err(f"{field} has an invalid format")
    return value


def _str_map(value, field: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) and k and isinstance(v, str)
                                              for k, v in value.items()):
        raise _err(f"{field} must be an object of strings")
    return dict(value)


def _int(value, field: str, *, lo: int = 0, hi: int = MAX_INT32) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise _err(f"{field} must be an integer from {lo} to {hi}")
    return value


def _env(value, field: str = "environment") -> str:
    env = _str(value, field)
    if env and env not in ENVIRONMENTS:
        raise _err(f"{field} must be one of {', '.join(ENVIRONMENTS)}")
    return env or "development"


def _version(value, field: str = "version") -> str:
    v = _str(value, field, max_len=64, pattern=_VERSION)
    if v and any(int(part) > 32767 for part in v.split(".")):
        raise _err(f"{field} parts must be 0 to 32767")
    return v


def version_key(v: str) -> tuple:
    parts = [int(p) for p in v.split(".")] if v and _VERSION.match(v) else []
    return tuple(parts + [0] * (4 - len(parts)))


def bool_param(raw, field: str) -> bool:
    if raw is None or raw == "":
        return False
    if isinstance(raw, bool):
        return raw
    value = str(raw).lower()
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise _err(f"{field} must be true or false")


def _tags_query(raw) -> list[str]:
    if not raw:
        return []
    tags = [t.strip() for t in str(raw).split(",") if t.strip()]
    for t in tags:
        if not _TAG.match(t):
            raise _err("tags has an invalid format")
    return tags


def now_s() -> str:
    return str(clock.now_s())


# ---------------------------------------------------------------------------------------------- revisions
def bump(project: str) -> int:
    rev = ScRev(project_pk(project), "REV")
    try:
        rev.update(actions=[ScRev.n.add(1)])
    except (UpdateError, PynamoDBConnectionError) as exc:
        raise Unavailable("Registry service is unavailable", code=500011) from exc
    return int(rev.n)


def revision_of(instances: list[ScInstance]) -> str:
    top = max((int(i.mod_rev or 0) for i in instances), default=0)
    return hashlib.sha1(f"{top}.{len(instances)}".encode()).hexdigest()


# ---------------------------------------------------------------------------------------------- services
def service_key(env: str, app_id: str, name: str, version: str) -> str:
    return f"{env}/{app_id}/{name}/{version}"


def _unique_scope(project: str) -> str:
    return f"screg#{project}"


def _write_service(svc: ScService) -> None:
    """The service, its name-index item and its key claim, in one transaction."""
    claim = store.Unique(f"UNIQUE#{_unique_scope(svc.project)}#"
                         f"{service_key(svc.env, svc.app_id, svc.service_name, svc.version)}", "U",
                         owner=f"{svc.pk}|{svc.sk}")
    def writes(tx):
        tx.save(svc, condition=ScService.pk.does_not_exist())
        tx.save(svc.name_item())
        tx.save(claim, condition=store.Unique.pk.does_not_exist())
    try:
        store.transact(writes)
    except store.Cancelled as exc:
        raise Conflict("Micro-service already exists", code=SVC_EXISTS) from exc
    except Unavailable as exc:
        raise Unavailable("Registry service is unavailable", code=500011) from exc


def _remove_service(svc: ScService) -> None:
    def writes(tx):
        tx.delete(svc)
        tx.delete(svc.name_item())
        tx.delete(store.Unique(f"UNIQUE#{_unique_scope(svc.project)}#"
                               f"{service_key(svc.env, svc.app_id, svc.service_name, svc.version)}", "U"))
    try:
        store.transact(writes)
    except (store.Cancelled, Unavailable) as exc:
        raise Unavailable("Registry service is unavailable", code=500011) from exc


def get_service(project: str, service_id: str) -> ScService | None:
    if not service_id or len(service_id) > 64:
        return None
    return store.get(ScService, project_pk(project), f"SVC#{service_id}")


def require_service(project: str, service_id: str, what: str = "Micro-service") -> ScService:
    svc = get_service(project, service_id)
    if svc is None:
        raise _err(f"{what} {service_id} does not exist", SVC_MISSING)
    return svc


def service_id_by_key(project: str, env: str, app_id: str, name: str, version: str) -> str | None:
    claim = store.get(store.Unique, f"UNIQUE#{_unique_scope(project)}#{service_key(env, app_id, name, version)}",
                      "U")
    if claim is None or not claim.owner:
        return None
    return claim.owner.split("|", 1)[1][len("SVC#"):]


def services_by_name(project: str, env: str, app_id: str, name: str) -> list[ScName]:
    """Every version of (env, appId, serviceName): one Query of the name index's partition."""
    return list(ScName.query(key_index(project, env, app_id, name)))


def service_view(svc: ScService) -> dict:
    return {"serviceId": svc.service_id, **svc.data}


def _validate_service(raw) -> dict:
    if not isinstance(raw, dict):
        raise _err("service is required and must be an object")
    view = {
        "environment": _env(raw.get("environment")),
        "appId": _str(raw.get("appId"), "appId", max_len=160, pattern=_NAME) or "default",
        "serviceName": _str(raw.get("serviceName"), "serviceName", required=True, max_len=128, pattern=_NAME),
        "version": _version(raw.get("version")) or "0.0.1",
    }
    description = _str(raw.get("description"), "description", max_len=256)
    level = _str(raw.get("level"), "level") or "BACK"
    if level not in LEVELS:
        raise _err("level must be FRONT, MIDDLE or BACK")
    register_by = _str(raw.get("registerBy"), "registerBy")
    if register_by and register_by not in REGISTER_BY:
        raise _err("registerBy must be SDK, PLATFORM, SIDECAR or UNKNOWN")
    status = _str(raw.get("status"), "status") or "UP"
    if status not in SERVICE_STATUS:
        raise _err("status must be UP or DOWN")
    schemas = raw.get("schemas")
    if schemas is not None:
        if not isinstance(schemas, list) or len(schemas) > MAX_SCHEMAS:
            raise _err(f"schemas must be a list of at most {MAX_SCHEMAS} schema IDs")
        schemas = list(dict.fromkeys(_str(s, "schemas[]", required=True, max_len=160, pattern=_SCHEMA_ID)
                                     for s in schemas))
    alias = _str(raw.get("alias"), "alias", max_len=128, pattern=_ALIAS)
    framework = raw.get("framework")
    if framework is not None:
        if not isinstance(framework, dict):
            raise _err("framework must be an object")
        framework = {"name": _str(framework.get("name"), "framework.name", max_len=64) or "UNKNOWN",
                     "version": _str(framework.get("version"), "framework.version", max_len=64)}
    paths = raw.get("paths")
    if paths is not None:
        if not isinstance(paths, list) or not all(isinstance(p, dict) for p in paths):
            raise _err("paths must be a list of objects")
        paths = [{"Path": _str(p.get("Path"), "paths[].Path", max_len=160),
                  **({"Property": _str_map(p.get("Property"), "paths[].Property")} if p.get("Property") else {})}
                 for p in paths]
    properties = _str_map(raw.get("properties"), "properties")
    view.update({"level": level, "status": status})
    for name, value in (("description", description), ("registerBy", register_by), ("schemas", schemas),
                        ("alias", alias), ("framework", framework), ("paths", paths), ("properties", properties)):
        if value:
            view[name] = value
    return view


def _validate_rules(raw) -> list:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise _err("rules must be a list")
    out = []
    for r in raw:
        if not isinstance(r, dict):
            raise _err("rules[] must be objects")
        rule_type = _str(r.get("ruleType"), "ruleType", required=True)
        if rule_type not in ("WHITE", "BLACK"):
            raise _err("ruleType must be WHITE or BLACK")
        pattern = _str(r.get("pattern"), "pattern", required=True, max_len=64)
        try:
            re.compile(pattern)
        except re.error:
            raise _err("pattern must be a regular expression") from None
        out.append({"ruleId": _str(r.get("ruleId"), "ruleId", max_len=64) or uuid.uuid4().hex,
                    "ruleType": rule_type, "attribute": _str(r.get("attribute"), "attribute", required=True,
                                                             max_len=64),
                    "pattern": pattern, "description": _str(r.get("description"), "description", max_len=256)})
    if len({r["ruleType"] for r in out}) > 1:
        raise _err("Can not have both 'BLACK' and 'WHITE'")
    return out


def create_service(project: str, body) -> str:
    if not isinstance(body, dict):
        raise _err("request body must be a JSON object")
    raw = body.get("service")
    view = _validate_service(raw)
    custom = _str(raw.get("serviceId"), "serviceId", max_len=64, pattern=_NO_SPACE)
    tags = _str_map(body.get("tags"), "tags")
    rules = _validate_rules(body.get("rules"))
    instances = body.get("instances")
    if instances is not None and not isinstance(instances, list):
        raise _err("instances must be a list")
    instances = [validate_instance(i) for i in instances or []]
    env, app, name, version = view["environment"], view["appId"], view["serviceName"], view["version"]
    existing = service_id_by_key(project, env, app, name, version)
    if existing is None:
        sid = custom or hashlib.sha1(f"{project}/{service_key(env, app, name, version)}".encode()).hexdigest()
        ts = now_s()
        view.update({"timestamp": ts, "modTimestamp": ts})
        svc = ScService(project_pk(project), f"SVC#{sid}", project=project, service_id=sid, env=env, app_id=app,
                        service_name=name, version=version, data=view, tags=tags, rules=rules,
                        created_s=clock.now_s())
        try:
            _write_service(svc)
        except Conflict:
            existing = service_id_by_key(project, env, app, name, version)
            if existing is None:  # the ID is taken by another key
                raise _err(f"serviceId {sid} is already used by another micro-service", SVC_EXISTS) from None
        else:
            bump(project)
            for inst in instances:
                _register(project, svc, inst)
            return sid
    if custom and custom != existing:
        raise _err(f"micro-service {service_key(env, app, name, version)} already exists as {existing}",
                   SVC_EXISTS)
    svc = require_service(project, existing)
    for inst in instances:
        _register(project, svc, inst)
    return existing


def list_services(project: str) -> list[dict]:
    items = ScService.query(project_pk(project), ScService.sk.startswith("SVC#"))
    return [service_view(s) for s in items]


def consumers_of(project: str, svc: ScService) -> set[str]:
    out = set()
    for name in (svc.service_name, "*"):
        for dep in ScDep.gsi1.query(consumers_index(project, svc.env, svc.app_id, name)):
            if dep.version_rule and not version_matches(dep.version_rule, svc.version,
                                                        _versions(project, svc.env, svc.app_id, svc.service_name)):
                continue
            out.add(dep.consumer_id)
    out.discard(svc.service_id)
    return out


def _children(project: str, service_id: str):
    pk = service_pk(project, service_id)
    yield from ScInstance.query(pk, ScInstance.sk.startswith("INST#"))
    yield from ScSchema.query(pk, ScSchema.sk.startswith("SCHEMA#"))
    yield from ScDep.query(pk, ScDep.sk.startswith("DEP#"))


def delete_service(project: str, service_id: str, force: bool) -> None:
    svc = require_service(project, service_id)
    if not force:
        if consumers_of(project, svc):
            raise _err(f"{service_id} is depended on by other micro-services; use force=true", HAS_CONSUMERS)
        if live_instances(project, service_id):
            raise _err(f"{service_id} has deployed instance(s); use force=true", HAS_INSTANCES)
    for child in list(_children(project, service_id)):
        try:
            child.delete()
        except DeleteError as exc:
            raise Unavailable("Registry service is unavailable", code=500011) from exc
    _remove_service(svc)
    bump(project)


def delete_services(project: str, body, force_query) -> list[dict]:
    if not isinstance(body, dict):
        raise _err("request body must be a JSON object")
    ids = body.get("serviceIds")
    if not isinstance(ids, list) or not ids or len(ids) > MAX_SERVICE_IDS or \
            not all(isinstance(i, str) and 0 < len(i) <= 64 for i in ids):
        raise _err(f"serviceIds must be a list of 1 to {MAX_SERVICE_IDS} service IDs")
    force = bool_param(force_query, "force") or bool_param(body.get("force"), "force")
    out = []
    for sid in dict.fromkeys(ids):
        try:
            delete_service(project, sid, force)
            out.append({"serviceId": sid})
        except BadRequest as err:
            out.append({"serviceId": sid, "errMessage": err.message})
    return out


def update_service_properties(project: str, service_id: str, body) -> None:
    if not isinstance(body, dict):
        raise _err("request body must be a JSON object")
    props = _str_map(body.get("properties"), "properties")
    svc = require_service(project, service_id)
    data = dict(svc.data)
    if props:
        data["properties"] = props
    else:
        data.pop("properties", None)
    data["modTimestamp"] = now_s()
    svc.data = data
    store.save(svc)
    bump(project)


def existence(project: str, query: dict) -> tuple[dict, dict]:
    """(body, headers) of 8.3.7."""
    kind = query.get("type")
    if kind == "microservice":
        env = _env(query.get("env"), "env")
        app = _str(query.get("appId"), "appId", required=True, max_len=160, pattern=_NAME)
        name = _str(query.get("serviceName"), "serviceName", required=True, max_len=128, pattern=_NAME)
        version = _version(query.get("version"))
        if not version:
            raise _err("version is required")
        sid = service_id_by_key(project, env, app, name, version)
        if sid is None:
            raise _err(f"micro-service {service_key(env, app, name, version)} does not exist", SVC_MISSING)
        return {"serviceId": sid}, {}
    if kind == "schema":
        sid = _str(query.get("serviceId"), "serviceId", required=True, max_len=64)
        schema_id = _str(query.get("schemaId"), "schemaId", required=True, max_len=160, pattern=_SCHEMA_ID)
        require_service(project, sid)
        schema = store.get(ScSchema, service_pk(project, sid), f"SCHEMA#{schema_id}")
        if schema is None:
            raise _err(f"schema {schema_id} does not exist", SCHEMA_MISSING)
        return {"schemaId": schema_id}, {"X-Schema-Summary": schema.summary}
    raise _err("type must be microservice or schema")


# ---------------------------------------------------------------------------------------------- schemas
def get_schema(project: str, service_id: str, schema_id: str) -> ScSchema:
    require_service(project, service_id)
    schema = store.get(ScSchema, service_pk(project, service_id), f"SCHEMA#{schema_id}") \
        if schema_id and len(schema_id) <= 160 else None
    if schema is None:
        raise _err(f"schema {schema_id} does not exist", SCHEMA_MISSING)
    return schema


def put_schema(project: str, service_id: str, schema_id: str, body) -> None:
    _str(schema_id, "schema_id", required=True, max_len=160, pattern=_SCHEMA_ID)
    if not isinstance(body, dict):
        raise _err("request body must be a JSON object")
    content = _str(body.get("schema"), "schema", required=True)
    if len(content.encode()) > MAX_SCHEMA_BYTES:
        raise _err(f"schema must be at most {MAX_SCHEMA_BYTES} bytes")
    summary = _str(body.get("summary"), "summary", max_len=128, pattern=_SUMMARY)
    svc = require_service(project, service_id)
    declared = list(svc.data.get("schemas") or [])
    current = store.get(ScSchema, service_pk(project, service_id), f"SCHEMA#{schema_id}")
    if svc.env == "production" and not schema_editable():
        if schema_id not in declared:
            raise _err(f"schema {schema_id} is not declared by the micro-service", UNDEFINED_SCHEMA)
        if current is not None and (current.content != content or current.summary != summary):
            raise _err("schemas of a production micro-service cannot be modified", SCHEMA_LOCKED)
    if schema_id not in declared and len(declared) >= MAX_SCHEMAS:
        raise _err(f"a micro-service has at most {MAX_SCHEMAS} schemas", QUOTA)
    ScSchema(service_pk(project, service_id), f"SCHEMA#{schema_id}", schema_id=schema_id, content=content,
             summary=summary).save()
    if schema_id not in declared:
        svc.data = {**svc.data, "schemas": declared + [schema_id], "modTimestamp": now_s()}
        store.save(svc)
    bump(project)


def list_schemas(project: str, service_id: str, with_schema) -> list[dict]:
    if with_schema not in (None, "", "0", "1"):
        raise _err("withSchema must be 0 or 1")
    svc = require_service(project, service_id)
    stored = {s.schema_id: s for s in ScSchema.query(service_pk(project, service_id),
                                                     ScSchema.sk.startswith("SCHEMA#"))}
    out = []
    for sid in list(dict.fromkeys(list(svc.data.get("schemas") or []) + sorted(stored))):
        item = {"schemaId": sid}
        s = stored.get(sid)
        if s is not None:
            if s.summary:
                item["summary"] = s.summary
            if with_schema == "1":
                item["schema"] = s.content
        out.append(item)
    return out


# ---------------------------------------------------------------------------------------------- instances
def validate_instance(raw) -> dict:
    if not isinstance(raw, dict):
        raise _err("instance is required and must be an object")
    out = {"instanceId": _str(raw.get("instanceId"), "instanceId", max_len=64, pattern=_INSTANCE_ID),
           "hostName": _str(raw.get("hostName"), "hostName", required=True, max_len=64, pattern=_NO_SPACE)}
    endpoints = raw.get("endpoints")
    if endpoints is None:
        endpoints = []
    if not isinstance(endpoints, list) or not all(isinstance(e, str) and _NO_SPACE.match(e) and len(e) <= 512
                                                  for e in endpoints):
        raise _err("endpoints must be a list of addresses without spaces")
    out["endpoints"] = list(dict.fromkeys(endpoints))
    status = _str(raw.get("status"), "status") or "UP"
    if status not in INSTANCE_STATUS:
        raise _err("status must be UP, DOWN, STARTING, OUTOFSERVICE or TESTING")
    out["status"] = status
    out["properties"] = _str_map(raw.get("properties"), "properties")
    hc = raw.get("healthCheck")
    if hc is None:
        hc = {"mode": "push", "interval": DEFAULT_INTERVAL, "times": DEFAULT_TIMES}
    if not isinstance(hc, dict):
        raise _err("healthCheck must be an object")
    mode = _str(hc.get("mode"), "healthCheck.mode", required=True)
    if mode not in ("push", "pull"):
        raise _err("healthCheck.mode must be push or pull")
    health = {"mode": mode}
    if hc.get("port") is not None:
        health["port"] = _int(hc.get("port"), "healthCheck.port", hi=65535)
    if mode == "push":
        interval = _int(hc.get("interval", DEFAULT_INTERVAL), "healthCheck.interval", lo=1)
        times = _int(hc.get("times", DEFAULT_TIMES), "healthCheck.times")
        health.update(interval=max(interval, MIN_INTERVAL), times=max(times, MIN_TIMES))
    else:
        for field in ("interval", "times"):
            if hc.get(field) is not None:
                _int(hc.get(field), f"healthCheck.{field}")
        health.update(interval=DEFAULT_INTERVAL, times=DEFAULT_TIMES)
    out["healthCheck"] = health
    dc = raw.get("dataCenterInfo")
    if dc is not None:
        if not isinstance(dc, dict):
            raise _err("dataCenterInfo must be an object")
        out["dataCenterInfo"] = {f: _str(dc.get(f), f"dataCenterInfo.{f}", required=True, max_len=128, pattern=_DC)
                                 for f in ("name", "region", "availableZone")}
    return out


def ttl_seconds(health: dict) -> int:
    override = instance_ttl_override()
    return override or int(health["interval"]) * (int(health["times"]) + 1)


def _shard(instance_id: str) -> int:
    return int(hashlib.md5(instance_id.encode()).hexdigest()[:4], 16) % LEASE_SHARDS


def _remember_ttl(ttl_s: int) -> None:
    """The lease lengths the sweeper walks (one idempotent put per registration; heartbeats never write it)."""
    ScTtlClass("SCLEASECLASS", f"{ttl_s:010d}", ttl_s=ttl_s).save()


def instance_view(inst: ScInstance) -> dict:
    return dict(inst.data)


def _live(inst: ScInstance | None, now_ms: int) -> bool:
    return inst is not None and int(inst.lease_until) > now_ms


def live_instances(project: str, service_id: str) -> list[ScInstance]:
    now = clock.now_ms()
    return [i for i in ScInstance.query(service_pk(project, service_id), ScInstance.sk.startswith("INST#"))
            if _live(i, now)]


def get_live_instance(project: str, service_id: str, instance_id: str) -> ScInstance | None:
    if not instance_id or len(instance_id) > 64:
        return None
    inst = store.get(ScInstance, service_pk(project, service_id), f"INST#{instance_id}")
    return inst if _live(inst, clock.now_ms()) else None


def build_instance(project: str, svc: ScService, v: dict, instance_id: str, *, now_ms: int, rev: int,
                   timestamp: str | None = None) -> ScInstance:
    """The item of a (re-)registered instance; used by the register path and the bench's direct setup."""
    ts = str(now_ms // 1000)
    data = {"instanceId": instance_id, "serviceId": svc.service_id, "version": svc.version,
            "hostName": v["hostName"], "endpoints": v["endpoints"], "status": v["status"]}
    if v.get("properties"):
        data["properties"] = v["properties"]
    data["healthCheck"] = v["healthCheck"]
    if v.get("dataCenterInfo"):
        data["dataCenterInfo"] = v["dataCenterInfo"]
    data.update({"timestamp": timestamp or ts, "modTimestamp": ts})
    ttl_s = ttl_seconds(v["healthCheck"])
    inst = ScInstance(service_pk(project, svc.service_id), f"INST#{instance_id}", project=project,
                      service_id=svc.service_id, instance_id=instance_id, data=data, ttl_ms=ttl_s * 1000,
                      gc_s=ttl_s + GC_SECONDS, last_ms=now_ms, lease_until=now_ms + ttl_s * 1000, mod_rev=rev)
    inst.gsi1pk = lease_partition(ttl_s, _shard(instance_id))
    inst.gsi1sk = lease_sort(now_ms, project, svc.service_id, instance_id)
    inst.expires_at = datetime.fromtimestamp(now_ms // 1000 + ttl_s + GC_SECONDS, tz=timezone.utc)
    return inst


def _register(project: str, svc: ScService, v: dict) -> str:
    v = dict(v)
    instance_id = v.pop("instanceId", "")
    timestamp = None
    if instance_id:
        if renew(project, svc.service_id, instance_id):
            return instance_id  # a live custom ID: the lease is renewed, the content kept (upstream)
    elif v["endpoints"]:
        wanted = set(v["endpoints"])
        for live in live_instances(project, svc.service_id):
            if set(live.data.get("endpoints") or []) == wanted:
                instance_id, timestamp = live.instance_id, live.data.get("timestamp")
                break
    instance_id = instance_id or uuid.uuid4().hex
    now = clock.now_ms()
    inst = build_instance(project, svc, v, instance_id, now_ms=now, rev=bump(project), timestamp=timestamp)
    try:
        inst.save()
        _remember_ttl(int(inst.ttl_ms) // 1000)
    except (PutError, PynamoDBConnectionError) as exc:
        raise Unavailable("Registry service is unavailable", code=500011) from exc
    return instance_id


def register_instance(project: str, service_id: str, body) -> str:
    if not isinstance(body, dict):
        raise _err("request body must be a JSON object")
    v = validate_instance(body.get("instance"))
    svc = require_service(project, service_id)
    return _register(project, svc, v)


def renew(project: str, service_id: str, instance_id: str) -> bool:
    """The heartbeat: one conditional update of a running lease; False when it has lapsed or never was."""
    if not instance_id or len(instance_id) > 64:
        return False
    now = clock.now_ms()
    item = ScInstance(service_pk(project, service_id), f"INST#{instance_id}")
    try:
        item.update(actions=[ScInstance.last_ms.set(now), ScInstance.lease_until.set(ScInstance.ttl_ms + now),
                             ScInstance.gsi1sk.set(lease_sort(now, project, service_id, instance_id)),
                             ScInstance.expires_at.set(ScInstance.gc_s + now // 1000)],
                    condition=ScInstance.pk.exists() & (ScInstance.lease_until > now))
    except UpdateError as exc:
        if store._is_conflict(exc):
            return False
        raise Unavailable("Registry service is unavailable", code=500011) from exc
    return True


def heartbeat(project: str, service_id: str, instance_id: str) -> None:
    require_service(project, service_id)
    if not renew(project, service_id, instance_id):
        raise _err(f"instance {instance_id} does not exist", INST_MISSING)


def _change_instance(project: str, service_id: str, instance_id: str, change) -> None:
    require_service(project, service_id)
    inst = get_live_instance(project, service_id, instance_id)
    if inst is None:
        raise _err(f"instance {instance_id} does not exist", INST_MISSING)
    data = dict(inst.data)
    change(data)
    data["modTimestamp"] = now_s()
    rev = bump(project)
    now = clock.now_ms()
    try:
        inst.update(actions=[ScInstance.data.set(data), ScInstance.mod_rev.set(rev)],
                    condition=ScInstance.pk.exists() & (ScInstance.lease_until > now))
    except UpdateError as exc:
        if store._is_conflict(exc):
            raise _err(f"instance {instance_id} does not exist", INST_MISSING) from None
        raise Unavailable("Registry service is unavailable", code=500011) from exc


def set_instance_status(project: str, service_id: str, instance_id: str, value) -> None:
    if value not in INSTANCE_STATUS:
        raise _err("value must be UP, DOWN, STARTING, OUTOFSERVICE or TESTING")
    _change_instance(project, service_id, instance_id, lambda d: d.__setitem__("status", value))


def set_instance_properties(project: str, service_id: str, instance_id: str, body) -> None:
    if not isinstance(body, dict):
        raise _err("request body must be a JSON object")
    props = _str_map(body.get("properties"), "properties")

    def change(d):
        if props:
            d["properties"] = props
        else:
            d.pop("properties", None)
    _change_instance(project, service_id, instance_id, change)


def deregister(project: str, service_id: str, instance_id: str) -> None:
    require_service(project, service_id)
    inst = get_live_instance(project, service_id, instance_id)
    if inst is None:
        raise _err(f"instance {instance_id} does not exist", INST_MISSING)
    try:
        inst.delete(condition=ScInstance.pk.exists())
    except DeleteError as exc:
        if not store._is_conflict(exc):
            raise Unavailable("Registry service is unavailable", code=500011) from exc
    bump(project)


def _consumer(project: str, consumer_id: str | None) -> ScService | None:
    if not consumer_id:
        return None
    return require_service(project, consumer_id, "consumer")


def _tagged(svc: ScService, tags: list[str]) -> bool:
    return all(t in (svc.tags or {}) for t in tags)


def list_instances(project: str, service_id: str, consumer_id: str | None, tags_raw) -> tuple[list[dict], str]:
    tags = _tags_query(tags_raw)
    _consumer(project, consumer_id)
    svc = require_service(project, service_id)
    items = live_instances(project, service_id) if _tagged(svc, tags) else []
    return [instance_view(i) for i in items], revision_of(items)


def get_instance(project: str, service_id: str, instance_id: str, consumer_id: str | None,
                 tags_raw=None) -> tuple[dict, str]:
    tags = _tags_query(tags_raw)
    _consumer(project, consumer_id)
    svc = require_service(project, service_id)
    inst = get_live_instance(project, service_id, instance_id)
    if inst is None or not _tagged(svc, tags):
        raise _err(f"instance {instance_id} does not exist", INST_MISSING)
    return instance_view(inst), revision_of([inst])


def record_dependency(project: str, consumer: ScService, env: str, app_id: str, name: str) -> None:
    sk = f"DEP#{env}#{app_id}#{name}"
    pk = service_pk(project, consumer.service_id)
    if store.get(ScDep, pk, sk) is not None:
        return
    dep = ScDep(pk, sk, consumer_id=consumer.service_id, env=env, app_id=app_id, service_name=name)
    dep.gsi1pk, dep.gsi1sk = consumers_index(project, env, app_id, name), consumer.service_id
    try:
        dep.save()
    except PutError as exc:
        raise Unavailable("Registry service is unavailable", code=500011) from exc


def _find(project: str, env: str, app_id: str, name: str, tags: list[str], consumer: ScService | None) \
        -> list[ScInstance]:
    services = services_by_name(project, env, app_id, name)
    if not services:
        raise _err(f"provider {env}/{app_id}/{name} does not exist", SVC_MISSING)
    if consumer is not None:
        record_dependency(project, consumer, env, app_id, name)
    now = clock.now_ms()
    out = []
    for svc in services:
        if not _tagged(svc, tags):
            continue
        out.extend(i for i in ScInstance.query(service_pk(project, svc.service_id), ScInstance.sk.startswith("INST#"))
                   if _live(i, now))
    return out


def find_instances(project: str, query: dict, consumer_id: str | None) -> tuple[list[dict], str]:
    app = _str(query.get("appId"), "appId", required=True, max_len=160, pattern=_NAME)
    name = _str(query.get("serviceName"), "serviceName", required=True, max_len=128, pattern=_NAME)
    tags = _tags_query(query.get("tags"))
    consumer = _consumer(project, consumer_id)
    env = _env(query.get("env"), "env") if query.get("env") else (consumer.env if consumer else "development")
    items = _find(project, env, app, name, tags, consumer)
    return [instance_view(i) for i in items], revision_of(items)


def _error_body(err: BadRequest) -> dict:
    from chalicelib.surfaces.servicestage.envelope import REGISTRY_MESSAGES
    code = err.code if isinstance(err.code, int) else INVALID
    return {"errorCode": str(code), "errorMessage": REGISTRY_MESSAGES.get(code, "Invalid parameter(s)"),
            "detail": err.message}


def _batch_result(results: list[tuple[int, object, str | None]]) -> dict:
    """results: (index, ScInstance list | BadRequest, client rev)."""
    failed: dict[int, dict] = {}
    not_modified, updated = [], []
    for index, outcome, client_rev in results:
        if isinstance(outcome, BadRequest):
            code = outcome.code if isinstance(outcome.code, int) else INVALID
            entry = failed.setdefault(code, {"indexes": [], "error": _error_body(outcome)})
            entry["indexes"].append(index)
            continue
        rev = revision_of(outcome)
        if client_rev and client_rev == rev:
            not_modified.append(index)
        else:
            found = {"index": index, "rev": rev}
            if outcome:
                found["instances"] = [instance_view(i) for i in outcome]
            updated.append(found)
    out = {}
    if failed:
        out["failed"] = list(failed.values())
    if not_modified:
        out["notModified"] = not_modified
    if updated:
        out["updated"] = updated
    return out


def batch_find(project: str, kind, body, consumer_id: str | None) -> dict:
    if kind != "query":
        raise _err("type must be query")
    if not isinstance(body, dict):
        raise _err("request body must be a JSON object")
    services, instances = body.get("services"), body.get("instances")
    if services is None and instances is None:
        raise _err("services or instances is required")
    for field, value in (("services", services), ("instances", instances)):
        if value is not None and (not isinstance(value, list) or len(value) > 1000):
            raise _err(f"{field} must be a list of at most 1000 elements")
    consumer = _consumer(project, consumer_id)
    out = {}
    if services is not None:
        results = []
        for index, q in enumerate(services):
            try:
                if not isinstance(q, dict) or not isinstance(q.get("service"), dict):
                    raise _err("services[].service is required")
                key = q["service"]
                rev = _str(q.get("rev"), "rev", max_len=64)
                env = _env(key.get("environment"))
                app = _str(key.get("appId"), "appId", required=True, max_len=160, pattern=_NAME)
                name = _str(key.get("serviceName"), "serviceName", required=True, max_len=128, pattern=_NAME)
                results.append((index, _find(project, env, app, name, [], consumer), rev))
            except BadRequest as err:
                results.append((index, err, None))
        out["services"] = _batch_result(results)
    if instances is not None:
        results = []
        for index, q in enumerate(instances):
            try:
                if not isinstance(q, dict) or not isinstance(q.get("instance"), dict):
                    raise _err("instances[].instance is required")
                rev = _str(q.get("rev"), "rev", max_len=64)
                sid = _str(q["instance"].get("serviceId"), "serviceId", required=True, max_len=64)
                iid = _str(q["instance"].get("instanceId"), "instanceId", required=True, max_len=64)
                require_service(project, sid)
                inst = get_live_instance(project, sid, iid)
                if inst is None:
                    raise _err(f"instance {iid} does not exist", INST_MISSING)
                results.append((index, [inst], rev))
            except BadRequest as err:
                results.append((index, err, None))
        out["instances"] = _batch_result(results)
    return out


# ---------------------------------------------------------------------------------------------- dependencies
def _versions(project: str, env: str, app_id: str, name: str) -> list[str]:
    return [s.version for s in services_by_name(project, env, app_id, name)]


def valid_version_rule(rule: str) -> bool:
    if rule == "latest":
        return True
    if rule.endswith("+"):
        return bool(_VERSION.match(rule[:-1]))
    if "-" in rule:
        lo, _, hi = rule.partition("-")
        return bool(_VERSION.match(lo) and _VERSION.match(hi))
    return bool(_VERSION.match(rule))


def version_matches(rule: str, version: str, all_versions: list[str]) -> bool:
    """Upstream version rules: ``latest``, ``X+`` (≥ X), ``A-B`` (A ≤ v < B, bounds swapped if reversed), exact."""
    if not rule:
        return True
    v = version_key(version)
    if rule == "latest":
        return bool(all_versions) and v == max(version_key(x) for x in all_versions)
    if rule.endswith("+"):
        return v >= version_key(rule[:-1])
    if "-" in rule:
        lo, _, hi = rule.partition("-")
        a, b = sorted((version_key(lo), version_key(hi)))
        return a <= v < b
    return v == version_key(rule)


def providers(project: str, consumer_id: str, no_self, same_domain) -> list[dict]:
    for field, raw in (("noSelf", no_self), ("sameDomain", same_domain)):
        bool_param(raw, field)
    exclude_self = bool_param(no_self, "noSelf")
    consumer = require_service(project, consumer_id, "consumer")
    seen, out = set(), []
    for dep in ScDep.query(service_pk(project, consumer_id), ScDep.sk.startswith("DEP#")):
        if dep.service_name == "*":
            candidates = [s for s in ScService.query(project_pk(project), ScService.sk.startswith("SVC#"))
                          if s.env == dep.env and s.app_id == dep.app_id]
        else:
            candidates = [s for s in (get_service(project, n.service_id)
                                      for n in services_by_name(project, dep.env, dep.app_id, dep.service_name))
                          if s is not None]
        versions = [s.version for s in candidates]
        for svc in candidates:
            if svc.service_id in seen or (exclude_self and svc.service_id == consumer.service_id):
                continue
            if dep.service_name != "*" and not version_matches(dep.version_rule, svc.version, versions):
                continue
            seen.add(svc.service_id)
            out.append(service_view(svc))
    return out


def _dep_key(raw, field: str, *, consumer: bool) -> dict:
    if not isinstance(raw, dict):
        raise _err(f"{field} must be an object")
    name = raw.get("serviceName")
    key = {"environment": _env(raw.get("environment")),
           "appId": _str(raw.get("appId"), f"{field}.appId", required=True, max_len=160, pattern=_NAME),
           "serviceName": "*" if (name == "*" and not consumer) else
           _str(name, f"{field}.serviceName", required=True, max_len=128, pattern=_NAME)}
    version = _str(raw.get("version"), f"{field}.version", required=not (name == "*" and not consumer), max_len=64)
    if consumer:
        version = _version(version, f"{field}.version")
    elif version and not valid_version_rule(version):
        raise _err(f"{field}.version must be a version, X+, latest or A-B")
    key["version"] = version
    return key


def put_dependencies(project: str, body) -> None:
    """9.2 (out-of-date): override each consumer's provider list. Consumers must exist; providers may not yet.

    Raises :class:`BadRequest` with a registry code (400001 invalid, 400012 consumer missing)."""
    if not isinstance(body, dict):
        raise _err("request body must be a JSON object")
    deps = body.get("dependencies")
    if not isinstance(deps, list) or not 1 <= len(deps) <= 100:
        raise _err("dependencies must be a list of 1 to 100 items")
    plan = []
    for n, d in enumerate(deps):
        if not isinstance(d, dict):
            raise _err("dependencies[] must be objects")
        consumer = _dep_key(d.get("consumer"), f"dependencies[{n}].consumer", consumer=True)
        provs = d.get("providers") or []
        if not isinstance(provs, list) or len(provs) > 100:
            raise _err("providers must be a list of at most 100 items")
        provs = [_dep_key(p, f"dependencies[{n}].providers[]", consumer=False) for p in provs]
        sid = service_id_by_key(project, consumer["environment"], consumer["appId"], consumer["serviceName"],
                                consumer["version"])
        if sid is None:
            raise _err(f"consumer {service_key(*consumer.values())} does not exist", SVC_MISSING)
        plan.append((sid, provs))
    for sid, provs in plan:
        pk = service_pk(project, sid)
        for old in ScDep.query(pk, ScDep.sk.startswith("DEP#")):
            old.delete()
        for p in provs:
            dep = ScDep(pk, f"DEP#{p['environment']}#{p['appId']}#{p['serviceName']}", consumer_id=sid,
                        env=p["environment"], app_id=p["appId"], service_name=p["serviceName"],
                        version_rule=p["version"] if p["serviceName"] != "*" else "")
            dep.gsi1pk = consumers_index(project, p["environment"], p["appId"], p["serviceName"])
            dep.gsi1sk = sid
            dep.save()
    bump(project)


# ---------------------------------------------------------------------------------------------- the sweeper
def sweep(limit: int = 5000) -> int:
    """Delete instances whose lease ran out: per lease length and shard, one Query of the lease index."""
    now = clock.now_ms()
    removed = 0
    try:
        classes = list(ScTtlClass.query("SCLEASECLASS"))
    except QueryError:
        logger.exception("registry sweep: lease classes unreadable")
        return 0
    projects = set()
    for cls in classes:
        ttl_ms = int(cls.ttl_s) * 1000
        bound = f"{now - ttl_ms:015d}"
        for shard in range(LEASE_SHARDS):
            for inst in ScInstance.gsi1.query(lease_partition(int(cls.ttl_s), shard), ScInstance.gsi1sk < bound):
                if removed >= limit:
                    return removed
                if int(inst.lease_until) > now:
                    continue
                try:
                    inst.delete(condition=ScInstance.lease_until <= now)  # a heartbeat may have raced in
                except DeleteError:
                    continue
                removed += 1
                projects.add(inst.project)
    for project in projects:
        bump(project)
    return removed


@events.every_tick
def sweep_registry_leases() -> int:
    return sweep()
