"""V3 environments (5.1.1-5.1.7): labels, deploy_mode virtualmachine | container | mixed, a flat resources list.

Names are unique per project, case-insensitively (400 ``SVCSTG.00100449``); the unique claim and the name
order use the lower-cased name, the body keeps what the client sent. An environment in which a component is
deployed cannot be deleted (409 ``SVCSTG.00100426``). ``PUT .../resources`` replaces the list.
"""
from __future__ import annotations

from chalicelib import audit
from chalicelib.core.errors import Conflict
from chalicelib.identity.principal import Principal
from chalicelib.surfaces.servicestage import objects
from chalicelib.surfaces.servicestage.service_v3_common import (ENV, ENV_NOT_FOUND, ENVREF, bad, labels, list_args,
                                                                 name, obj, string)

SURFACE = "servicestage"
DEPLOY_MODES = ("virtualmachine", "container", "mixed")
RESOURCE_TYPES = ("vpc", "eip", "elb", "cce", "ecs", "as", "cse", "dcs", "rds")
NAME_TAKEN = ("The environment name already exists.", "SVCSTG.00100449")
_LIST_FIELDS = ("id", "name", "description", "project_id", "enterprise_project_id", "vpc_id", "creator",
                "create_time", "update_time", "deploy_mode", "labels")


def _taken(fn):
    """The name-exists conflict is a 400 in the document's table."""
    try:
        return fn()
    except Conflict as exc:
        if exc.code == NAME_TAKEN[1] or exc.message == NAME_TAKEN[0]:
            raise bad(NAME_TAKEN[0], NAME_TAKEN[1]) from None
        raise


def view(item, *, resources: bool = True) -> dict:
    d = item.data
    out = {k: d.get(k) for k in _LIST_FIELDS}
    out["create_time"], out["update_time"] = int(item.create_ms), int(item.update_ms)
    if resources:
        out["resources"] = list(d.get("resources") or [])
    return out


def require(project: str, env_id: str):
    return objects.require(project, ENV, env_id, "The environment does not exist.", ENV_NOT_FOUND)


def create(p: Principal, project: str, body) -> dict:
    body = obj(body)
    env_name = name(body)
    data = {
        "name": env_name,
        "description": string(body, "description", max_len=128, default=""),
        "project_id": project,
        "enterprise_project_id": string(body, "enterprise_project_id", max_len=64, default="0") or "0",
        "deploy_mode": string(body, "deploy_mode", enum=DEPLOY_MODES, default="container"),
        "vpc_id": string(body, "vpc_id", required=True, max_len=64),
        "creator": p.username,
        "labels": labels(body) or [],
        "resources": [],
    }
    env_id = objects.new_uuid()
    data["id"] = env_id
    item = _taken(lambda: objects.create(project, ENV, data, obj_id=env_id, name=env_name.lower(),
                                         unique_name=NAME_TAKEN))
    audit.record(SURFACE, "v3.environment.create", principal=p, resource=f"environment/{env_id}")
    return view(item, resources=False)


def listing(project: str, query: dict) -> dict:
    args = list_args(query)
    want_name = (query.get("name") or "").lower()
    want_id = query.get("environment_id") or ""
    want_ep = query.get("enterprise_project_id") or ""
    def matches(item):
        return ((not want_name or item.name == want_name) and (not want_id or item.obj_id == want_id)
                and (not want_ep or item.data.get("enterprise_project_id") == want_ep))
    items, total = objects.page(project, ENV, args,
                                predicate=matches if (want_name or want_id or want_ep) else None)
    return {"count": total, "environments": [view(i, resources=False) for i in items]}


def get(project: str, env_id: str) -> dict:
    return view(require(project, env_id))


def modify(p: Principal, project: str, env_id: str, body) -> dict:
    body = obj(body)
    new_name = name(body)
    description = string(body, "description", max_len=128)
    new_labels = labels(body)
    item = require(project, env_id)
    data = dict(item.data, name=new_name)
    if description is not None:
        data["description"] = description
    if new_labels is not None:
        data["labels"] = new_labels
    item.data = data
    _taken(lambda: objects.save(item, rename=new_name.lower(), unique_name=NAME_TAKEN))
    audit.record(SURFACE, "v3.environment.modify", principal=p, resource=f"environment/{env_id}")
    return view(item)


def delete(p: Principal, project: str, env_id: str) -> None:
    item = require(project, env_id)
    if objects.first(project, ENVREF, env_id) is not None:
        raise Conflict("The environment is in use: delete the components deployed in it first.",
                       code="SVCSTG.00100426")
    objects.delete(item)
    audit.record(SURFACE, "v3.environment.delete", principal=p, resource=f"environment/{env_id}")


def _resources(body) -> list[dict]:
    body = obj(body)
    value = body.get("resources")
    if not isinstance(value, list):
        raise bad("resources is required and must be an array")
    if len(value) > 100:
        raise bad("resources must have at most 100 entries")
    out, seen = [], set()
    for i, r in enumerate(value):
        r = obj(r, f"resources[{i}]")
        rid = string(r, "id", required=True, max_len=128, where=f"resources[{i}].")
        rtype = string(r, "type", required=True, enum=RESOURCE_TYPES, where=f"resources[{i}].")
        rname = string(r, "name", max_len=128, default="", where=f"resources[{i}].")
        if (rtype, rid) in seen:
            continue
        seen.add((rtype, rid))
        out.append({"id": rid, "name": rname, "type": rtype})
    return out


def put_resources(p: Principal, project: str, env_id: str, body) -> dict:
    resources = _resources(body)
    item = require(project, env_id)
    item.data = dict(item.data, resources=resources)
    objects.save(item)
    audit.record(SURFACE, "v3.environment.resources", principal=p, resource=f"environment/{env_id}")
    return {"resources": resources}


def get_resources(project: str, env_id: str) -> dict:
    return {"resources": list(require(project, env_id).data.get("resources") or [])}
