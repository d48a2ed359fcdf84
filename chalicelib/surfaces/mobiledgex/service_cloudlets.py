"""Cloudlets (catalog §3.2 #28-#46): an operator's site, simulated as a target of the shared inventory.

Create/Update/Delete are long-running (:mod:`lifecycle`): the stream carries the fake platform's
progress lines. Developers see public cloudlets (in no pool) with a reduced field set.
"""
from __future__ import annotations

from chalicelib import audit, targets
from chalicelib.core.errors import BadRequest, Conflict
from chalicelib.identity.principal import Principal
from chalicelib.surfaces.mobiledgex import lifecycle, rbac, regional, service_orgs
from chalicelib.surfaces.mobiledgex.common import REGIONAL_NAME, SURFACE, rfc3339nano
from chalicelib.surfaces.mobiledgex.kinds import CLOUDLET, FLAVOR, VM_POOL

CREATE_STEPS = ("Setting physicalname to match cloudlet name", "Creating Cloudlet", "Starting CRMServer",
                "Initializing platform", "Done initializing fake platform", "Gathering Cloudlet Info")
DEVELOPER_VIEW = ("key", "location", "state", "ip_support", "num_dynamic_ips", "maintenance_state",
                  "platform_type", "res_tag_map", "trust_policy", "trust_policy_state", "gpu_config",
                  "infra_flavors")


@regional.references("Cloudlet")
def _refs(data: dict) -> list[regional.Ref]:
    out = []
    if (data.get("flavor") or {}).get("name"):
        out.append(regional.Ref(FLAVOR, {"name": data["flavor"]["name"]}))
    if data.get("vm_pool"):
        out.append(regional.Ref(VM_POOL, {"organization": data["key"]["organization"], "name": data["vm_pool"]}))
    return out


def key_of(obj: dict) -> dict:
    key = dict(obj.get("key") or {})
    if not key.get("organization"):
        raise BadRequest("Invalid cloudlet organization name ")
    if not REGIONAL_NAME.match(key["organization"]):
        raise BadRequest(f"Invalid cloudlet organization name {key['organization']}")
    if not key.get("name") or not REGIONAL_NAME.match(key["name"]):
        raise BadRequest("Invalid cloudlet name")
    return {"organization": key["organization"], "name": key["name"],
            "federated_organization": key.get("federated_organization", "")}


def _check_location(obj: dict) -> None:
    loc = obj.get("location") or {}
    lat, lon = loc.get("latitude", 0), loc.get("longitude", 0)
    if not -90 <= lat <= 90:
        raise BadRequest("Invalid latitude value")
    if not -180 <= lon <= 180:
        raise BadRequest("Invalid longitude value")
    if not lat and not lon:
        raise BadRequest("Location is required")


def _ensure_target(region: str, key: dict) -> None:
    name = lifecycle.target_name(region, key)
    if targets.get_cluster(name) is None:
        try:
            targets.register_cluster(name, attrs={"surface": SURFACE, "cloudlet": key})
        except Conflict:
            pass


def create(p: Principal, region: str, obj: dict, present: set[str]):
    key = key_of(obj)
    service_orgs.require_usable(p, key["organization"], "operator", "cloudlets")
    _check_location(obj)
    if not obj.get("num_dynamic_ips"):
        raise BadRequest("Must specify at least one dynamic public IP available")
    now = rfc3339nano()
    data = {**{k: v for k, v in obj.items() if k not in ("state", "errors", "created_at", "updated_at")},
            "key": key, "platform_type": obj.get("platform_type") or "Fake",
            "physical_name": obj.get("physical_name") or key["name"], "state": "CreateRequested",
            "maintenance_state": "NormalOperation", "created_at": now, "updated_at": now}
    item = regional.create(CLOUDLET, region, data)
    _ensure_target(region, key)
    audit.record(SURFACE, "CreateCloudlet", principal=p, resource=f"{region}/cloudlet/{item.key_str}")
    return lifecycle.answer(lifecycle.start(p, "Cloudlet.create", item))


def delete(p: Principal, region: str, obj: dict, present: set[str]):
    key = key_of(obj)
    rbac.require(p, key["organization"], "cloudlets", rbac.M)
    item = regional.require(CLOUDLET, region, key)
    user = regional.in_use(CLOUDLET, region, item.key_str)
    if user is not None:
        raise BadRequest(f"Cloudlet in use by {user}")
    audit.record(SURFACE, "DeleteCloudlet", principal=p, resource=f"{region}/cloudlet/{item.key_str}")
    return lifecycle.answer(lifecycle.start(p, "Cloudlet.delete", item))


def show(p: Principal, region: str, obj: dict, present: set[str]) -> list[dict]:
    every, orgs = rbac.require_any(p, "cloudlets", rbac.V)
    if every:
        return [i.data for i in regional.show(CLOUDLET, region, obj, None)]
    out = []
    operator_orgs = [o for o in orgs if rbac.allowed(p, o, "cloudletpools", rbac.V)]
    for item in regional.show(CLOUDLET, region, obj, operator_orgs):
        out.append(item.data)
    if len(operator_orgs) < len(orgs):  # developer orgs: public cloudlets, reduced view
        seen = {o.lower() for o in operator_orgs}
        for item in regional.show(CLOUDLET, region, obj, None, extra=lambda i: not (i.extra or {}).get("pools")):
            if item.org.lower() not in seen:
                out.append({k: v for k, v in item.data.items() if k in DEVELOPER_VIEW})
    return sorted(out, key=lambda d: regional.key_text(regional.ordered_key("EdgeprotoCloudletKey", d["key"])))


_by_key = lambda data: data["key"]  # noqa: E731  (the work runs on the cloudlet itself)
lifecycle.register(lifecycle.Operation(CLOUDLET, "create", CREATE_STEPS, "Created Cloudlet successfully", _by_key))
lifecycle.register(lifecycle.Operation(CLOUDLET, "update", ("Updating Cloudlet",), "Cloudlet updated successfully",
                                       _by_key))
lifecycle.register(lifecycle.Operation(CLOUDLET, "delete", ("Deleting Cloudlet",), "Deleted Cloudlet successfully",
                                       _by_key))
