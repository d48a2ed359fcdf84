"""Flavors (catalog §3.2 #50-#55): admin-managed, visible to every logged-in user."""
from __future__ import annotations

from chalicelib.core.errors import BadRequest
from chalicelib.identity.principal import Principal
from chalicelib.surfaces.mobiledgex import rbac, regional, service_events
from chalicelib.surfaces.mobiledgex.common import REGIONAL_NAME, rfc3339nano
from chalicelib.surfaces.mobiledgex.kinds import FLAVOR

UPDATABLE = ("ram", "vcpus", "disk", "opt_res_map")


def _key(obj: dict) -> dict:
    name = (obj.get("key") or {}).get("name", "")
    if not name:
        raise BadRequest("Invalid flavor name")
    if not REGIONAL_NAME.match(name):
        raise BadRequest("Invalid flavor name")
    return {"name": name}


def _check_sizes(obj: dict) -> None:
    for field, label in (("ram", "Ram"), ("vcpus", "Vcpus"), ("disk", "Disk")):
        if not obj.get(field):
            raise BadRequest(f"{label} cannot be 0")
        if obj[field] < 0:
            raise BadRequest(f"{label} cannot be negative")


def create(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    rbac.require_admin(p, "flavors", rbac.M)
    key = _key(obj)
    _check_sizes(obj)
    now = rfc3339nano()
    data = {"key": key, "ram": obj["ram"], "vcpus": obj["vcpus"], "disk": obj["disk"],
            "opt_res_map": dict(obj.get("opt_res_map") or {}), "created_at": now, "updated_at": now}
    regional.create(FLAVOR, region, data)
    service_events.record(p, "CreateFlavor", "", f"{region}/flavor/{key['name']}", region=region)
    return {}


def delete(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    rbac.require_admin(p, "flavors", rbac.M)
    item = regional.require(FLAVOR, region, _key(obj))
    regional.delete(FLAVOR, item)
    service_events.record(p, "DeleteFlavor", "", f"{region}/flavor/{item.data['key']['name']}", region=region)
    return {}


def update(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    rbac.require_admin(p, "flavors", rbac.M)
    item = regional.require(FLAVOR, region, _key(obj))
    data = dict(item.data)
    for field in UPDATABLE:
        if field in present:
            data[field] = obj.get(field, {} if field == "opt_res_map" else 0)
    _check_sizes(data)
    data["updated_at"] = rfc3339nano()
    regional.save(FLAVOR, item, data)
    service_events.record(p, "UpdateFlavor", "", f"{region}/flavor/{data['key']['name']}", region=region)
    return {}


def change_res(p: Principal, region: str, obj: dict, present: set[str], *, add: bool) -> dict:
    rbac.require_admin(p, "flavors", rbac.M)
    item = regional.require(FLAVOR, region, _key(obj))
    wanted = dict(obj.get("opt_res_map") or {})
    if not wanted:
        raise BadRequest("No resources specified")
    data = dict(item.data)
    res = dict(data.get("opt_res_map") or {})
    for name, value in wanted.items():
        if add:
            if name in res:
                raise BadRequest(f"Optional resource {name} already exists")
            res[name] = value
        else:
            res.pop(name, None)
    data["opt_res_map"], data["updated_at"] = res, rfc3339nano()
    regional.save(FLAVOR, item, data)
    service_events.record(p, "AddFlavorRes" if add else "RemoveFlavorRes", "", f"{region}/flavor/{data['key']['name']}",
                          region=region)
    return {}


def show(p: Principal, region: str, obj: dict, present: set[str]) -> list[dict]:
    """Any logged-in user (no RBAC check upstream)."""
    return [public(i.data) for i in regional.show(FLAVOR, region, obj, None)]


def public(data: dict) -> dict:
    return {k: v for k, v in data.items() if v not in (None, "", {}, [])}
