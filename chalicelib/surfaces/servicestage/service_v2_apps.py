"""Application management V2 (chapter 4): environments (4.2), applications and their per-environment
configuration (4.3), components (4.4). All objects live in the caller's project (:mod:`objects`).

Names: environment names are unique per project, case-insensitively (SVCSTG.00100449); application names per
project and component names per application likewise (SVCSTG.00100400). The unique claim and the name order
use the lower-cased name; the body keeps the name as given.
"""
from __future__ import annotations

import re

from chalicelib import audit
from chalicelib.core.errors import BadRequest, Conflict, NotFound
from chalicelib.identity.principal import Principal
from chalicelib.store.servicestage import SsObj
from chalicelib.surfaces.servicestage import objects
from chalicelib.surfaces.servicestage.auth import project_of
from chalicelib.surfaces.servicestage.blueprints import SURFACE

ENV, APP, COMP, CONF = "v2env", "v2app", "v2comp", "v2appconf"
INST = "v2inst"  # owned by service_v2_instances; referenced here for "in use" checks
NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,62}[A-Za-z0-9]$")
ENV_VAR_RE = re.compile(r"^[A-Za-z_.-][A-Za-z0-9_.-]{0,63}$")
DEPLOY_MODES = {"virtualmachine", "container"}
CHARGE_MODES = {"provided", "on_demanded", "monthly"}
BASE_TYPES = {"container": {"cce"}, "virtualmachine": {"ecs", "as"}}
RESOURCE_TYPES = {"security_group", "eip", "elb", "cce", "cci", "ecs", "as", "cse", "dcs", "rds", "pvc", "apm"}
OPTIONAL_TYPES = RESOURCE_TYPES - {"cce", "ecs", "as"}
CATEGORIES = {"webapp": "Webapp", "microservice": "MicroService", "common": "Common"}
SUB_CATEGORIES = {"Web", "Magento", "Wordpress", "SpringCloud", "Spring Cloud", "Java Chassis", "Go Chassis",
                  "Mesher", ""}
REPO_TYPES = {"github", "gitlab", "gitee", "bitbucket"}

E_INVALID = "SVCSTG.00100400"
E_APP_NOT_FOUND, E_COMP_NOT_FOUND, E_ENV_NOT_FOUND = "SVCSTG.00100403", "SVCSTG.00100404", "SVCSTG.00100411"


# ---------------------------------------------------------------- validation helpers
def bad(message: str, code: str = E_INVALID) -> BadRequest:
    return BadRequest(message, code=code)


def text(body: dict, key: str, *, required: bool = False, max_len: int | None = None, pattern=None,
         default=None, min_len: int = 0):
    value = body.get(key)
    if value is None:
        if required:
            raise bad(f"{key} is required")
        return default
    if not isinstance(value, str):
        raise bad(f"{key} must be a string")
    if required and not value:
        raise bad(f"{key} is required")
    if max_len is not None and len(value) > max_len:
        raise bad(f"{key} must be at most {max_len} characters")
    if value and len(value) < min_len:
        raise bad(f"{key} must be at least {min_len} characters")
    if pattern is not None and not pattern.match(value):
        raise bad(f"{key} is invalid")
    return value


def name_of(body: dict, key: str = "name", *, required: bool = True):
    return text(body, key, required=required, pattern=NAME_RE)


def listing(query: dict, orders=("create_time", "name", "update_time")) -> objects.ListArgs:
    return objects.v2_args(query, orders)


# ---------------------------------------------------------------- environments (4.2)
def _resources(value, allowed: set[str], what: str) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise bad(f"{what} must be an array")
    out, seen = [], set()
    for r in value:
        if not isinstance(r, dict):
            raise bad(f"{what} items must be objects")
        rid = text(r, "id", required=True, max_len=128)
        rtype = text(r, "type", required=True, max_len=32).lower()
        if rtype not in allowed:
            raise bad(f"{what}: resource type {r['type']} is not allowed here")
        name = text(r, "name", max_len=128) or rid
        if (rid, rtype) not in seen:
            seen.add((rid, rtype))
            out.append({"id": rid, "name": name, "type": rtype})
    return out


def env_view(item: SsObj) -> dict:
    d = item.data
    return {"id": item.obj_id, "name": d["name"], "alias": d.get("alias"), "description": d.get("description"),
            "project_id": item.project, "enterprise_project_id": d.get("enterprise_project_id", "0"),
            "charge_mode": d.get("charge_mode", "provided"), "deploy_mode": d["deploy_mode"],
            "vpc_id": d["vpc_id"], "base_resources": d.get("base_resources", []),
            "optional_resources": d.get("optional_resources", []), "creator": d.get("creator"),
            "create_time": int(item.create_ms), "update_time": int(item.update_ms)}


def _env_exists(project: str) -> tuple[str, str]:
    return ("The environment name already exists.", "SVCSTG.00100449")


def _claim_error(fn, message: str, code: str):
    try:
        return fn()
    except Conflict:
        raise bad(message, code) from None


def create_environment(p: Principal, body: dict) -> dict:
    project = project_of(p)
    name = name_of(body)
    deploy_mode = text(body, "deploy_mode", required=True)
    if deploy_mode not in DEPLOY_MODES:
        raise bad("deploy_mode must be virtualmachine or container")
    charge_mode = text(body, "charge_mode", default="provided")
    if charge_mode not in CHARGE_MODES:
        raise bad("charge_mode must be provided, on_demanded or monthly")
    data = {"name": name, "alias": text(body, "alias", max_len=64),
            "description": text(body, "description", max_len=128),
            "enterprise_project_id": text(body, "enterprise_project_id", max_len=64, default="0") or "0",
            "charge_mode": charge_mode, "deploy_mode": deploy_mode,
            "vpc_id": text(body, "vpc_id", required=True, max_len=128),
            "base_resources": _resources(body.get("base_resources"), BASE_TYPES[deploy_mode], "base_resources"),
            "optional_resources": _resources(body.get("optional_resources"), OPTIONAL_TYPES, "optional_resources"),
            "creator": p.username}
    if not data["base_resources"]:
        raise bad("The basic resource cannot be empty.", "SVCSTG.00100422")
    item = _claim_error(lambda: objects.create(project, ENV, data, name=name.lower(),
                                               unique_name=_env_exists(project)), *_env_exists(project))
    audit.record(SURFACE, "v2_create_environment", principal=p, resource=f"environment/{item.obj_id}")
    return env_view(item)


def require_env(project: str, env_id: str) -> SsObj:
    return objects.require(project, ENV, env_id, "The environment does not exist.", E_ENV_NOT_FOUND)


def list_environments(p: Principal, query: dict) -> dict:
    items, total = objects.page(project_of(p), ENV, listing(query))
    return {"count": total, "environments": [env_view(i) for i in items]}


def get_environment(p: Principal, env_id: str) -> dict:
    return env_view(require_env(project_of(p), env_id))


def update_environment(p: Principal, env_id: str, body: dict) -> dict:
    item = require_env(project_of(p), env_id)
    name = name_of(body, required=False)
    changes = {}
    for key, limit in (("alias", 64), ("description", 128)):
        if key in body:
            changes[key] = text(body, key, max_len=limit)
    if name is not None:
        changes["name"] = name
    item.data = {**item.data, **changes}
    rename = name.lower() if name is not None else None
    _claim_error(lambda: objects.save(item, rename=rename, unique_name=_env_exists(item.project)),
                 *_env_exists(item.project))
    audit.record(SURFACE, "v2_update_environment", principal=p, resource=f"environment/{env_id}")
    return env_view(item)


def change_environment_resources(p: Principal, env_id: str, body: dict) -> dict:
    item = require_env(project_of(p), env_id)
    mode = item.data["deploy_mode"]
    add_base = _resources(body.get("add_base_resources"), BASE_TYPES[mode], "add_base_resources")
    add_opt = _resources(body.get("add_optional_resources"), OPTIONAL_TYPES, "add_optional_resources")
    remove = _resources(body.get("remove_resources"), RESOURCE_TYPES, "remove_resources")
    gone = {(r["id"], r["type"]) for r in remove}

    def merged(current: list, added: list) -> list:
        out = [r for r in current if (r["id"], r["type"]) not in gone]
        have = {(r["id"], r["type"]) for r in out}
        return out + [r for r in added if (r["id"], r["type"]) not in have and (r["id"], r["type"]) not in gone]

    base = merged(item.data.get("base_resources", []), add_base)
    if not base:
        raise bad("The basic resource cannot be empty.", "SVCSTG.00100422")
    item.data = {**item.data, "base_resources": base,
                 "optional_resources": merged(item.data.get("optional_resources", []), add_opt)}
    objects.save(item)
    audit.record(SURFACE, "v2_change_environment_resources", principal=p, resource=f"environment/{env_id}")
    return env_view(item)


def env_instances_key(project: str, env_id: str) -> str:
    return f"SSV2ENVINST#{project}#{env_id}"


def delete_environment(p: Principal, env_id: str) -> None:
    project = project_of(p)
    item = require_env(project, env_id)
    for _ in SsObj.gsi4.query(env_instances_key(project, env_id), limit=1):
        raise Conflict("The environment is in use: delete the component instances deployed in it first.",
                       code="SVCSTG.00100426")
    objects.delete(item)
    audit.record(SURFACE, "v2_delete_environment", principal=p, resource=f"environment/{env_id}")


# ---------------------------------------------------------------- applications (4.3)
_APP_EXISTS = ("The application name already exists.", E_INVALID)


def app_view(item: SsObj, *, with_count: bool = False) -> dict:
    d = item.data
    out = {"id": item.obj_id, "name": d["name"], "description": d.get("description"), "creator": d.get("creator"),
           "project_id": item.project, "enterprise_project_id": d.get("enterprise_project_id", "0"),
           "create_time": int(item.create_ms), "update_time": int(item.update_ms), "unified_model": None}
    if with_count:
        out["component_count"] = objects.count(item.project, COMP, item.obj_id)
    return out


def require_app(project: str, app_id: str) -> SsObj:
    return objects.require(project, APP, app_id, "The application does not exist.", E_APP_NOT_FOUND)


def create_application(p: Principal, body: dict) -> dict:
    name = name_of(body)
    data = {"name": name, "description": text(body, "description", max_len=128),
            "enterprise_project_id": text(body, "enterprise_project_id", max_len=64, default="0") or "0",
            "creator": p.username}
    item = _claim_error(lambda: objects.create(project_of(p), APP, data, name=name.lower(), unique_name=_APP_EXISTS),
                        *_APP_EXISTS)
    audit.record(SURFACE, "v2_create_application", principal=p, resource=f"application/{item.obj_id}")
    return app_view(item)


def list_applications(p: Principal, query: dict) -> dict:
    items, total = objects.page(project_of(p), APP, listing(query))
    return {"count": total, "applications": [app_view(i, with_count=True) for i in items]}


def get_application(p: Principal, app_id: str) -> dict:
    return app_view(require_app(project_of(p), app_id), with_count=True)


def update_application(p: Principal, app_id: str, body: dict) -> dict:
    item = require_app(project_of(p), app_id)
    name = name_of(body, required=False)
    changes = {}
    if "description" in body:
        changes["description"] = text(body, "description", max_len=128)
    if name is not None:
        changes["name"] = name
    item.data = {**item.data, **changes}
    _claim_error(lambda: objects.save(item, rename=name.lower() if name else None, unique_name=_APP_EXISTS),
                 *_APP_EXISTS)
    audit.record(SURFACE, "v2_update_application", principal=p, resource=f"application/{app_id}")
    return app_view(item)


def delete_application(p: Principal, app_id: str) -> None:
    project = project_of(p)
    item = require_app(project, app_id)
    if objects.first(project, COMP, app_id) is not None:
        raise Conflict("The application is not empty: delete its components first.", code="SVCSTG.00100401")
    for conf in list(SsObj.gsi1.query(f"{objects.scope_of(project, CONF, app_id)}#CT")):
        objects.delete(conf, unique=False)
    objects.delete(item)
    audit.record(SURFACE, "v2_delete_application", principal=p, resource=f"application/{app_id}")


# ---------------------------------------------------------------- application configuration (4.3.6-4.3.8)
def _env_vars(value, what: str = "configuration.env") -> list[dict]:
    if not isinstance(value, list):
        raise bad(f"{what} must be an array")
    merged: dict[str, str] = {}
    for e in value:
        if not isinstance(e, dict):
            raise bad(f"{what} items must be objects")
        name = text(e, "name", required=True, pattern=ENV_VAR_RE)
        val = e.get("value")
        if not isinstance(val, str):
            raise bad(f"{what}: value of {name} must be a string")
        if len(val) > 65536:
            raise bad(f"{what}: value of {name} is too long")
        merged[name] = val  # duplicate names: the last wins
    return [{"name": k, "value": v} for k, v in merged.items()]


def _conf_id(app_id: str, env_id: str) -> str:
    return f"{app_id}.{env_id}"


def conf_view(item: SsObj) -> dict:
    return {"application_id": item.data["application_id"], "environment_id": item.data["environment_id"],
            "configuration": {"env": item.data.get("env", [])}}


def app_env_vars(project: str, app_id: str, env_id: str) -> list[dict]:
    item = objects.get(project, CONF, _conf_id(app_id, env_id))
    return list(item.data.get("env", [])) if item else []


def put_configuration(p: Principal, app_id: str, body: dict) -> dict:
    project = project_of(p)
    require_app(project, app_id)
    env_id = text(body, "environment_id", required=True, max_len=128)
    configuration = body.get("configuration")
    if not isinstance(configuration, dict) or "env" not in configuration:
        raise bad("configuration.env is required")
    env = _env_vars(configuration.get("env"))
    require_env(project, env_id)
    item = objects.get(project, CONF, _conf_id(app_id, env_id))
    data = {"application_id": app_id, "environment_id": env_id, "env": env}
    if item is None:
        try:
            item = objects.create(project, CONF, data, obj_id=_conf_id(app_id, env_id), parent=app_id, name=env_id)
        except Conflict:  # created concurrently: replace it
            item = objects.get(project, CONF, _conf_id(app_id, env_id))
    if item.data != data:
        item.data = data
        objects.save(item)
    audit.record(SURFACE, "v2_put_app_configuration", principal=p, resource=f"application/{app_id}/{env_id}")
    return conf_view(item)


def get_configuration(p: Principal, app_id: str, query: dict) -> dict:
    project = project_of(p)
    require_app(project, app_id)
    env_id = query.get("environment_id")
    if env_id:
        require_env(project, env_id)
        item = objects.get(project, CONF, _conf_id(app_id, env_id))
        return {"configuration": [conf_view(item)] if item else []}
    items = SsObj.gsi1.query(f"{objects.scope_of(project, CONF, app_id)}#CT")
    return {"configuration": [conf_view(i) for i in items]}


def delete_configuration(p: Principal, app_id: str, query: dict) -> None:
    project = project_of(p)
    require_app(project, app_id)
    env_id = query.get("environment_id")
    if not env_id:
        raise bad("environment_id is required")
    require_env(project, env_id)
    item = objects.get(project, CONF, _conf_id(app_id, env_id))
    if item is not None:
        objects.delete(item, unique=False)
    audit.record(SURFACE, "v2_delete_app_configuration", principal=p, resource=f"application/{app_id}/{env_id}")


# ---------------------------------------------------------------- components (4.4)
_COMP_EXISTS = ("The component name already exists in the application.", E_INVALID)


def runtimes() -> set[str]:
    from chalicelib.surfaces.servicestage.routes_v2_meta import catalogue
    return {r["type_name"] for r in catalogue()["runtimes"]}


def _source(value) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad("source must be an object")
    kind = text(value, "kind", required=True)
    if kind not in ("code", "artifact"):
        raise bad("source.kind must be code or artifact")
    spec = value.get("spec")
    if not isinstance(spec, dict):
        raise bad("source.spec is required")
    if kind == "code":
        repo_type = text(spec, "repo_type", required=True)
        if repo_type.lower() not in REPO_TYPES:
            raise bad("source.spec.repo_type must be GitHub, GitLab, Gitee or BitBucket")
        out = {"repo_type": repo_type.lower(), "repo_url": text(spec, "repo_url", required=True, max_len=1024),
               "repo_ref": text(spec, "repo_ref", max_len=256) or "master",
               "repo_auth": text(spec, "repo_auth", max_len=128)}
    else:
        storage = text(spec, "storage", required=True)
        if storage not in ("swr", "obs"):
            raise bad("source.spec.storage must be swr or obs")
        stype = text(spec, "type", default="package")
        if stype not in ("package", "image"):
            raise bad("source.spec.type must be package or image")
        auth = text(spec, "auth", default="iam")
        if auth not in ("iam", "none"):
            raise bad("source.spec.auth must be iam or none")
        props = spec.get("properties")
        if props is not None and not isinstance(props, dict):
            raise bad("source.spec.properties must be an object")
        out = {"storage": storage, "type": stype, "url": text(spec, "url", required=True, max_len=1024),
               "auth": auth, "properties": props}
        if spec.get("webUrl") is not None or spec.get("web_url") is not None:
            out["webUrl"] = text(spec, "webUrl" if "webUrl" in spec else "web_url", max_len=1024)
    return {"kind": kind, "spec": {k: v for k, v in out.items() if v is not None}}


def _build(value, project: str, old: dict | None = None) -> dict | None:
    if value is None:
        return old
    if not isinstance(value, dict):
        raise bad("build must be an object")
    params = value.get("parameters") or {}
    if not isinstance(params, dict):
        raise bad("build.parameters must be an object")
    out = {}
    for key in ("build_cmd", "dockerfile_path", "artifact_namespace", "cluster_id", "cluster_name", "cluster_type"):
        if params.get(key) is not None:
            out[key] = text(params, key, max_len=1024)
    if params.get("use_public_cluster") is not None:
        if not isinstance(params["use_public_cluster"], bool):
            raise bad("build.parameters.use_public_cluster must be a boolean")
        out["use_public_cluster"] = params["use_public_cluster"]
    selector = params.get("node_label_selector", params.get("node_selector"))
    if selector is not None:
        if not isinstance(selector, dict) or not all(isinstance(v, str) for v in selector.values()):
            raise bad("build.parameters.node_label_selector must be a map of strings")
        out["node_label_selector"] = selector
    out.setdefault("dockerfile_path", ".")
    out.setdefault("artifact_namespace", f"cas_{project}")
    return {"id": (old or {}).get("id") or objects.new_uuid(), "parameters": out}


def comp_view(item: SsObj, *, detail: bool = False) -> dict:
    d = item.data
    out = {"id": item.obj_id, "name": d["name"], "status": int(d.get("status", 0)), "runtime": d["runtime"],
           "category": d["category"], "sub_category": d.get("sub_category"), "description": d.get("description"),
           "project_id": item.project, "application_id": d["application_id"], "source": d.get("source"),
           "build": d.get("build"), "create_time": int(item.create_ms), "update_time": int(item.update_ms),
           "creator": d.get("creator")}
    if detail:
        out["pipeline_ids"] = list(d.get("pipeline_ids", []))
    return out


def require_comp(project: str, app_id: str, comp_id: str) -> SsObj:
    item = objects.get(project, COMP, comp_id)
    if item is None or item.data.get("application_id") != app_id:
        raise NotFound("The component does not exist.", code=E_COMP_NOT_FOUND)
    return item


def create_component(p: Principal, app_id: str, body: dict) -> dict:
    project = project_of(p)
    name = name_of(body)
    runtime = text(body, "runtime", required=True)
    if runtime not in runtimes():
        raise bad(f"The runtime {runtime} is not supported.", "SVCSTG.00100420")
    category = CATEGORIES.get((text(body, "category", required=True)).lower())
    if category is None:
        raise bad("category must be Webapp, MicroService or Common")
    sub = text(body, "sub_category", max_len=64)
    if sub is not None and sub not in SUB_CATEGORIES:
        raise bad("sub_category is invalid")
    data = {"name": name, "runtime": runtime, "category": category, "sub_category": sub,
            "description": text(body, "description", max_len=128), "application_id": app_id,
            "source": _source(body.get("source")), "build": _build(body.get("build"), project), "status": 0,
            "pipeline_ids": [], "creator": p.username}
    require_app(project, app_id)
    item = _claim_error(lambda: objects.create(project, COMP, data, parent=app_id, name=name.lower(),
                                               unique_name=_COMP_EXISTS), *_COMP_EXISTS)
    audit.record(SURFACE, "v2_create_component", principal=p, resource=f"component/{item.obj_id}")
    return comp_view(item, detail=True)


def list_components(p: Principal, app_id: str, query: dict) -> dict:
    project = project_of(p)
    require_app(project, app_id)
    items, total = objects.page(project, COMP, listing(query), parent=app_id)
    return {"count": total, "components": [comp_view(i) for i in items]}


def get_component(p: Principal, app_id: str, comp_id: str) -> dict:
    return comp_view(require_comp(project_of(p), app_id, comp_id), detail=True)


def update_component(p: Principal, app_id: str, comp_id: str, body: dict) -> dict:
    project = project_of(p)
    item = require_comp(project, app_id, comp_id)
    name = name_of(body, required=False)
    changes = {}
    if "description" in body:
        changes["description"] = text(body, "description", max_len=128)
    if body.get("source") is not None:
        changes["source"] = _source(body["source"])
    if body.get("build") is not None:
        changes["build"] = _build(body["build"], project, item.data.get("build"))
    if name is not None:
        changes["name"] = name
    item.data = {**item.data, **changes}
    _claim_error(lambda: objects.save(item, rename=name.lower() if name else None, unique_name=_COMP_EXISTS),
                 *_COMP_EXISTS)
    audit.record(SURFACE, "v2_update_component", principal=p, resource=f"component/{comp_id}")
    return comp_view(item, detail=True)


def delete_component(p: Principal, app_id: str, comp_id: str, query: dict) -> None:
    from chalicelib.surfaces.servicestage import service_v2_instances as instances
    project = project_of(p)
    item = require_comp(project, app_id, comp_id)
    force = str(query.get("force") or "false").lower()
    if force not in ("true", "false"):
        raise bad("force must be true or false")
    if objects.first(project, INST, comp_id) is not None:
        if force != "true":
            raise bad("The component has been deployed: delete its instances first.", "SVCSTG.00100402")
        instances.purge_component(project, comp_id)
    objects.delete(item)
    audit.record(SURFACE, "v2_delete_component", principal=p, resource=f"component/{comp_id}")
