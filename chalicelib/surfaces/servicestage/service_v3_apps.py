"""V3 applications (5.2.1-5.2.5) and their configuration per environment (5.2.6-5.2.8).

Names are unique per project (400 ``SVCSTG.00100400`` "name already exists": the document has no own code);
``component_count`` is the application's component counter; an application with components cannot be
deleted (409 ``SVCSTG.00100401``). A configuration is keyed by (application, environment): PUT replaces
its ``env`` list (a repeated name: the last one wins), DELETE needs ``environment_id``.
"""
from __future__ import annotations

import re

from chalicelib import audit
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.identity.principal import Principal
from chalicelib.surfaces.servicestage import objects
from chalicelib.surfaces.servicestage import service_v3_envs as envs
from chalicelib.surfaces.servicestage.service_v3_common import (APP, APP_NOT_FOUND, COMP, CONFIG, bad, labels,
                                                                 list_args, name, obj, string)

SURFACE = "servicestage"
NAME_TAKEN = ("The application name already exists.", "SVCSTG.00100400")
ENV_NAME_RE = re.compile(r"^[A-Za-z_.-][A-Za-z0-9_.-]*$")
_FIELDS = ("id", "name", "description", "creator", "project_id", "enterprise_project_id", "create_time",
           "update_time", "labels")


def _taken(fn):
    """The name-exists conflict is a 400 in the document's table."""
    try:
        return fn()
    except Conflict as exc:
        if exc.code == NAME_TAKEN[1] or exc.message == NAME_TAKEN[0]:
            raise bad(NAME_TAKEN[0], NAME_TAKEN[1]) from None
        raise


def view(item, *, count: bool = True) -> dict:
    out = {k: item.data.get(k) for k in _FIELDS}
    out["create_time"], out["update_time"] = int(item.create_ms), int(item.update_ms)
    if count:
        out["component_count"] = max(0, objects.count(item.project, COMP, item.obj_id))
    return out


def require(project: str, app_id: str):
    return objects.require(project, APP, app_id, "The application does not exist.", APP_NOT_FOUND)


def create(p: Principal, project: str, body) -> dict:
    body = obj(body)
    app_name = name(body)
    app_id = objects.new_uuid()
    data = {"id": app_id, "name": app_name, "description": string(body, "description", max_len=128, default=""),
            "creator": p.username, "project_id": project,
            "enterprise_project_id": string(body, "enterprise_project_id", max_len=64, default="0") or "0",
            "labels": labels(body) or []}
    item = _taken(lambda: objects.create(project, APP, data, obj_id=app_id, name=app_name,
                                         unique_name=NAME_TAKEN))
    audit.record(SURFACE, "v3.application.create", principal=p, resource=f"application/{app_id}")
    return view(item, count=False)


def listing(project: str, query: dict) -> dict:
    items, total = objects.page(project, APP, list_args(query))
    return {"count": total, "applications": [view(i) for i in items]}


def get(project: str, app_id: str) -> dict:
    return view(require(project, app_id))


def modify(p: Principal, project: str, app_id: str, body) -> dict:
    body = obj(body)
    new_name = name(body, required=False)
    description = string(body, "description", max_len=128)
    ep = string(body, "enterprise_project_id", max_len=64)
    new_labels = labels(body)
    item = require(project, app_id)
    data = dict(item.data)
    if new_name is not None:
        data["name"] = new_name
    if description is not None:
        data["description"] = description
    if ep:
        data["enterprise_project_id"] = ep
    if new_labels is not None:
        data["labels"] = new_labels
    item.data = data
    _taken(lambda: objects.save(item, rename=new_name, unique_name=NAME_TAKEN))
    audit.record(SURFACE, "v3.application.modify", principal=p, resource=f"application/{app_id}")
    return view(item)


def delete(p: Principal, project: str, app_id: str) -> None:
    item = require(project, app_id)
    if objects.first(project, COMP, app_id) is not None:
        raise Conflict("The application is not empty: delete its components first.", code="SVCSTG.00100401")
    for cfg in list(objects.SsObj.gsi1.query(f"{objects.scope_of(project, CONFIG, app_id)}#CT")):
        objects.delete(cfg)
    objects.delete(item)
    audit.record(SURFACE, "v3.application.delete", principal=p, resource=f"application/{app_id}")


# ---------------------------------------------------------------- configuration per environment
def _config_id(app_id: str, env_id: str) -> str:
    return f"{app_id}.{env_id}"


def _config_view(item) -> dict:
    return {"application_id": item.data["application_id"], "environment_id": item.data["environment_id"],
            "configuration": {"env": list(item.data.get("env") or [])}}


def config_env(project: str, app_id: str, env_id: str) -> list[dict]:
    """The variables an application passes to its components deployed in an environment."""
    if not env_id:
        return []
    item = objects.get(project, CONFIG, _config_id(app_id, env_id))
    return list(item.data.get("env") or []) if item is not None else []


def get_config(project: str, app_id: str, query: dict) -> dict:
    require(project, app_id)
    env_id = query.get("environment_id")
    if env_id:
        item = objects.get(project, CONFIG, _config_id(app_id, env_id))
        items = [item] if item is not None else []
    else:
        items = list(objects.SsObj.gsi1.query(f"{objects.scope_of(project, CONFIG, app_id)}#CT"))
    return {"configuration": [_config_view(i) for i in items]}


def _env_list(body: dict) -> list[dict]:
    cfg = obj(body.get("configuration"), "configuration") if body.get("configuration") is not None else None
    if cfg is None:
        raise bad("configuration is required")
    value = cfg.get("env")
    if not isinstance(value, list):
        raise bad("configuration.env is required and must be an array")
    if len(value) > 200:
        raise bad("configuration.env must have at most 200 entries")
    merged: dict[str, str] = {}
    for i, e in enumerate(value):
        e = obj(e, f"configuration.env[{i}]")
        n = string(e, "name", required=True, max_len=64, where=f"configuration.env[{i}].")
        if not ENV_NAME_RE.match(n):
            raise bad(f"configuration.env[{i}].name must be letters, digits, '_', '-' or '.' and not start with "
                      "a digit")
        v = string(e, "value", required=True, max_len=2048, where=f"configuration.env[{i}].")
        merged.pop(n, None)
        merged[n] = v
    return [{"name": k, "value": v} for k, v in merged.items()]


def put_config(p: Principal, project: str, app_id: str, body) -> dict:
    body = obj(body)
    env_id = string(body, "environment_id", required=True, max_len=64)
    env_list = _env_list(body)
    require(project, app_id)
    envs.require(project, env_id)
    item = objects.get(project, CONFIG, _config_id(app_id, env_id))
    if item is None:
        data = {"application_id": app_id, "environment_id": env_id, "env": env_list}
        try:
            item = objects.create(project, CONFIG, data, obj_id=_config_id(app_id, env_id), parent=app_id)
        except Conflict:  # created concurrently: replace it
            item = objects.get(project, CONFIG, _config_id(app_id, env_id))
    if item.data.get("env") != env_list:
        item.data = dict(item.data, env=env_list)
        objects.save(item)
    audit.record(SURFACE, "v3.application.configuration", principal=p, resource=f"application/{app_id}")
    return _config_view(item)


def delete_config(p: Principal, project: str, app_id: str, query: dict) -> None:
    env_id = query.get("environment_id")
    if not env_id:
        raise bad("environment_id is required")
    require(project, app_id)
    item = objects.get(project, CONFIG, _config_id(app_id, env_id))
    if item is None:
        raise NotFound("The application has no configuration in this environment.", code="SVCSTG.00100408")
    objects.delete(item)
    audit.record(SURFACE, "v3.application.configuration.delete", principal=p, resource=f"application/{app_id}")
