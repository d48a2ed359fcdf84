"""Developer policies (catalog §3.2 #126-#135): auto-provisioning and auto-scale policies.

Both are keyed by PolicyKey ``{organization, name}`` in a developer org (resource ``developerpolicy``).
An AutoProvPolicy names cloudlets (references: deleting such a cloudlet fails); Apps name AutoProvPolicies
and ClusterInsts name AutoScalePolicies (their services register those references), so deleting a policy
in use answers "Policy in use by App {...}" / "Policy in use by ClusterInst {...}".
"""
from __future__ import annotations

from chalicelib.core.errors import BadRequest
from chalicelib.identity.principal import Principal
from chalicelib.surfaces.mobiledgex import rbac, regional, service_cloudlets, service_events, service_orgs
from chalicelib.surfaces.mobiledgex.kinds import AUTO_PROV_POLICY, AUTO_SCALE_POLICY, CLOUDLET

RESOURCE = "developerpolicy"
MAX_NODES = 10
_in_use = lambda user: f"Policy in use by {user}"  # noqa: E731


def _cloudlet_key(key: dict) -> dict:
    return {"organization": (key or {}).get("organization", ""), "name": (key or {}).get("name", ""),
            "federated_organization": (key or {}).get("federated_organization", "")}


@regional.references("AutoProvPolicy")
def _prov_refs(data: dict) -> list[regional.Ref]:
    return [regional.Ref(CLOUDLET, _cloudlet_key(c.get("key"))) for c in data.get("cloudlets") or []]


def policy_key(obj: dict) -> dict:
    key = obj.get("key") or {}
    if not key.get("name"):
        raise BadRequest("Policy name cannot be empty")
    if not key.get("organization"):
        raise BadRequest("Policy organization cannot be empty")
    return {"organization": key["organization"], "name": key["name"]}


def _resource(region: str, kind, key: dict) -> str:
    return f"{region}/{kind.name}/{regional.key_text(key)}"


def _show(p: Principal, kind, region: str, obj: dict) -> list[dict]:
    every, orgs = rbac.require_any(p, RESOURCE, rbac.V)
    return [i.data for i in regional.show(kind, region, obj, None if every else orgs)]


# ---------------------------------------------------------------- auto-scale
def _check_scale(data: dict) -> None:
    mn, mx = data.get("min_nodes", 0), data.get("max_nodes", 0)
    if mn < 0 or mx < 0:
        raise BadRequest("Min nodes and max nodes cannot be negative")
    if mx > MAX_NODES:
        raise BadRequest(f"Max nodes cannot exceed {MAX_NODES}")
    if mx <= mn:
        raise BadRequest("Max nodes must be greater than Min nodes")
    for field, label in (("target_cpu", "Target cpu"), ("target_mem", "Target memory")):
        if not 0 <= data.get(field, 0) <= 100:
            raise BadRequest(f"{label} must be between 0 (disabled) and 100")
    if data.get("target_active_connections", 0) < 0:
        raise BadRequest("Target active connections cannot be negative")
    up, down = data.get("scale_up_cpu_thresh", 0), data.get("scale_down_cpu_thresh", 0)
    targets = any(data.get(f) for f in ("target_cpu", "target_mem", "target_active_connections"))
    legacy = bool(up or down)
    if targets and legacy:
        raise BadRequest("Cannot specify both target and deprecated scale up/down cpu thresholds")
    if legacy:
        if not 0 <= down <= 100 or not 0 <= up <= 100:
            raise BadRequest("Scale up and scale down cpu thresholds must be between 0 and 100")
        if down >= up:
            raise BadRequest("Scale down cpu threshold must be less than scale up cpu threshold")
    elif not targets:
        raise BadRequest("One of target cpu or target mem or target active connections must be specified")


SCALE_FIELDS = ("min_nodes", "max_nodes", "stabilization_window_sec", "target_cpu", "target_mem",
                "target_active_connections", "scale_up_cpu_thresh", "scale_down_cpu_thresh", "trigger_time_sec")


def create_scale(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    key = policy_key(obj)
    service_orgs.require_usable(p, key["organization"], "developer", RESOURCE)
    data = {"key": key, **{f: obj[f] for f in SCALE_FIELDS if obj.get(f)}}
    _check_scale(data)
    regional.create(AUTO_SCALE_POLICY, region, data)
    service_events.record(p, "CreateAutoScalePolicy", key["organization"], _resource(region, AUTO_SCALE_POLICY, key),
                          region=region)
    return {}


def update_scale(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    key = policy_key(obj)
    rbac.require(p, key["organization"], RESOURCE, rbac.M)
    item = regional.require(AUTO_SCALE_POLICY, region, key)
    data = dict(item.data)
    for f in SCALE_FIELDS:
        if f in present:
            data[f] = obj.get(f, 0)
    _check_scale(data)
    regional.save(AUTO_SCALE_POLICY, item, {k: v for k, v in data.items() if v not in (0, None)})
    service_events.record(p, "UpdateAutoScalePolicy", key["organization"], _resource(region, AUTO_SCALE_POLICY, key),
                          region=region)
    return {}


def delete_scale(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    key = policy_key(obj)
    rbac.require(p, key["organization"], RESOURCE, rbac.M)
    item = regional.require(AUTO_SCALE_POLICY, region, key)
    regional.delete(AUTO_SCALE_POLICY, item, in_use_text=_in_use)
    service_events.record(p, "DeleteAutoScalePolicy", key["organization"], _resource(region, AUTO_SCALE_POLICY, key),
                          region=region)
    return {}


def show_scale(p: Principal, region: str, obj: dict, present: set[str]) -> list[dict]:
    return _show(p, AUTO_SCALE_POLICY, region, obj)


# ---------------------------------------------------------------- auto-provisioning
PROV_FIELDS = ("deploy_client_count", "deploy_interval_count", "min_active_instances", "max_instances",
               "undeploy_client_count", "undeploy_interval_count")


def _check_prov(data: dict) -> None:
    for f in PROV_FIELDS:
        if data.get(f, 0) < 0:
            raise BadRequest(f"{f.replace('_', ' ').capitalize()} cannot be negative")
    if not data.get("deploy_client_count") and not data.get("min_active_instances"):
        raise BadRequest("One of deploy client count and minimum active instances must be specified")
    if data.get("max_instances") and data.get("min_active_instances", 0) > data["max_instances"]:
        raise BadRequest("Minimum active instances cannot be larger than Maximum Instances")


def _prov_cloudlets(region: str, org: str, cloudlets: list[dict]) -> list[dict]:
    out, seen = [], set()
    for c in cloudlets or []:
        key = _cloudlet_key(c.get("key"))
        text = regional.key_text(regional.ordered_key("EdgeprotoCloudletKey", key))
        if text in seen:
            raise BadRequest(f"Duplicate cloudlet {text}")
        seen.add(text)
        item = service_cloudlets.usable_by(region, key, org)
        entry = {"key": regional.ordered_key("EdgeprotoCloudletKey", key)}
        loc = {k: v for k, v in (item.data.get("location") or {}).items() if k in ("latitude", "longitude")}
        if loc:
            entry["loc"] = loc
        out.append(entry)
    return out


def create_prov(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    key = policy_key(obj)
    service_orgs.require_usable(p, key["organization"], "developer", RESOURCE)
    data = {"key": key, **{f: obj[f] for f in PROV_FIELDS if obj.get(f)}}
    _check_prov(data)
    cloudlets = _prov_cloudlets(region, key["organization"], obj.get("cloudlets") or [])
    if cloudlets:
        data["cloudlets"] = cloudlets
    regional.create(AUTO_PROV_POLICY, region, data)
    service_events.record(p, "CreateAutoProvPolicy", key["organization"], _resource(region, AUTO_PROV_POLICY, key),
                          region=region)
    return {}


def update_prov(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    key = policy_key(obj)
    rbac.require(p, key["organization"], RESOURCE, rbac.M)
    item = regional.require(AUTO_PROV_POLICY, region, key)
    data = dict(item.data)
    for f in PROV_FIELDS:
        if f in present:
            data[f] = obj.get(f, 0)
    _check_prov(data)
    if "cloudlets" in present:
        data["cloudlets"] = _prov_cloudlets(region, key["organization"], obj.get("cloudlets") or [])
    regional.save(AUTO_PROV_POLICY, item, {k: v for k, v in data.items() if v not in (0, None, [])})
    service_events.record(p, "UpdateAutoProvPolicy", key["organization"], _resource(region, AUTO_PROV_POLICY, key),
                          region=region)
    return {}


def delete_prov(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    key = policy_key(obj)
    rbac.require(p, key["organization"], RESOURCE, rbac.M)
    item = regional.require(AUTO_PROV_POLICY, region, key)
    regional.delete(AUTO_PROV_POLICY, item, in_use_text=_in_use)
    service_events.record(p, "DeleteAutoProvPolicy", key["organization"], _resource(region, AUTO_PROV_POLICY, key),
                          region=region)
    return {}


def show_prov(p: Principal, region: str, obj: dict, present: set[str]) -> list[dict]:
    return _show(p, AUTO_PROV_POLICY, region, obj)


def change_prov_cloudlet(p: Principal, region: str, obj: dict, present: set[str], *, add: bool) -> dict:
    key = policy_key(obj)
    rbac.require(p, key["organization"], RESOURCE, rbac.M)
    item = regional.require(AUTO_PROV_POLICY, region, key)
    ckey = _cloudlet_key(obj.get("cloudlet_key"))
    if not ckey["organization"] or not ckey["name"]:
        raise BadRequest("Cloudlet key organization and name must be specified")
    text = regional.key_text(regional.ordered_key("EdgeprotoCloudletKey", ckey))
    data = dict(item.data)
    cloudlets = list(data.get("cloudlets") or [])
    present_keys = [regional.key_text(regional.ordered_key("EdgeprotoCloudletKey", c.get("key") or {}))
                    for c in cloudlets]
    if add:
        if text in present_keys:
            raise BadRequest(f"Cloudlet {text} already on policy")
        cloudlets += _prov_cloudlets(region, key["organization"], [{"key": ckey}])
    else:
        if text not in present_keys:
            raise BadRequest(f"Cloudlet {text} not found on policy")
        cloudlets = [c for c, t in zip(cloudlets, present_keys) if t != text]
    data["cloudlets"] = cloudlets
    if not cloudlets:
        data.pop("cloudlets")
    regional.save(AUTO_PROV_POLICY, item, data)
    service_events.record(p, "AddAutoProvPolicyCloudlet" if add else "RemoveAutoProvPolicyCloudlet",
                          key["organization"], _resource(region, AUTO_PROV_POLICY, key), region=region)
    return {}
