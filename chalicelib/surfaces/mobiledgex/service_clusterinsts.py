"""Cluster instances (catalog §3.2 #107-#111): Kubernetes/Docker clusters on a cloudlet.

Create/Update/Delete are long-running (:mod:`lifecycle`) with the fake platform's progress lines.
References: the cloudlet, the flavor, the auto-scale policy (of the cluster's org) and the networks (of the
cloudlet). Reservable clusters belong to ``edgecloudorg`` and are lent to one developer org at a time
(``reserved_by``) for AppInsts created without a cluster (see :mod:`service_appinsts`).
"""
from __future__ import annotations

import importlib
import re

from chalicelib.core import clock
from chalicelib.core.errors import BadRequest
from chalicelib.identity.principal import Principal
from chalicelib.surfaces.mobiledgex import lifecycle, rbac, regional, service_cloudlets, service_events, service_orgs
from chalicelib.surfaces.mobiledgex.common import CLUSTER_NAME, PLATFORM_ORG, REGIONAL_NAME, rfc3339nano
from chalicelib.surfaces.mobiledgex.kinds import AUTO_SCALE_POLICY, CLOUDLET, CLUSTER_INST, FLAVOR, NETWORK
from chalicelib.surfaces.mobiledgex.service_apps import go_field, reject_read_only

RESOURCE = "clusterinsts"
CREATE_STEPS = ("Creating", "First Create Task", "Second Create Task", "Getting Cluster Infra Resources", "Ready")
DELETE_STEPS = ("Deleting", "First Delete Task", "Second Delete Task", "DeleteDone", "NotPresent")
UPDATE_STEPS = ("Updating", "Ready")
READ_ONLY = ("liveness", "auto", "master_node_flavor", "node_flavor", "external_volume_size", "allocated_ip",
             "reserved_by", "state", "errors", "resources", "availability_zone", "created_at", "updated_at",
             "opt_res", "reservation_ended_at", "delete_prepare", "dns_label", "fqdn")
UPDATABLE = ("crm_override", "num_nodes", "auto_scale_policy", "skip_crm_cleanup_on_failure", "multi_tenant")
_RESERVABLE = re.compile(r"^reservable(\d+)$")


def cloudlet_key(key: dict) -> dict:
    key = key or {}
    return {"organization": key.get("organization", ""), "name": key.get("name", ""),
            "federated_organization": key.get("federated_organization", "")}


@regional.references("ClusterInst")
def _refs(data: dict) -> list[regional.Ref]:
    key = data.get("key") or {}
    ckey = cloudlet_key(key.get("cloudlet_key"))
    out = [regional.Ref(CLOUDLET, ckey)]
    if (data.get("flavor") or {}).get("name"):
        out.append(regional.Ref(FLAVOR, {"name": data["flavor"]["name"]}))
    if data.get("auto_scale_policy"):
        org = (key.get("cluster_key") or {}).get("organization", "")
        out.append(regional.Ref(AUTO_SCALE_POLICY, {"organization": org, "name": data["auto_scale_policy"]}))
    for name in data.get("networks") or []:
        out.append(regional.Ref(NETWORK, {"cloudlet_key": ckey, "name": name}))
    return out


def inst_key(obj: dict) -> dict:
    key = obj.get("key") or {}
    cluster = key.get("cluster_key") or {}
    name, org = cluster.get("name", ""), cluster.get("organization", "")
    if not name or not CLUSTER_NAME.match(name):
        raise BadRequest("Invalid cluster name")
    if not org or not REGIONAL_NAME.match(org):
        raise BadRequest("Invalid cluster organization")
    ckey = cloudlet_key(key.get("cloudlet_key"))
    if not ckey["organization"] or not REGIONAL_NAME.match(ckey["organization"]):
        raise BadRequest(f"Invalid cloudlet organization name {ckey['organization']}".rstrip() + (
            " " if not ckey["organization"] else ""))
    if not ckey["name"] or not REGIONAL_NAME.match(ckey["name"]):
        raise BadRequest("Invalid cloudlet name")
    return {"cluster_key": {"name": name, "organization": org},
            "cloudlet_key": regional.ordered_key("EdgeprotoCloudletKey", ckey)}


def _key_text(key: dict) -> str:
    return CLUSTER_INST.key_str(key, is_key=True)


def _check(data: dict) -> list[str]:
    """Defaults and rules of a new/updated cluster; returns the lead progress lines."""
    lead = []
    deployment = data.get("deployment") or "kubernetes"
    if deployment not in ("kubernetes", "docker"):
        raise BadRequest(f"Invalid deployment {deployment}, must be kubernetes or docker")
    data["deployment"] = deployment
    if not data.get("ip_access") or data["ip_access"] == "Unknown":
        data["ip_access"] = "Dedicated" if deployment == "docker" else "Shared"
        lead.append(f"Defaulting IpAccess to IpAccess{data['ip_access']} for deployment {deployment}")
    if deployment == "docker":
        if data.get("num_nodes"):
            raise BadRequest("NumNodes cannot be specified for docker deployment")
        if data.get("num_masters"):
            raise BadRequest("NumMasters cannot be specified for docker deployment")
        if data.get("auto_scale_policy"):
            raise BadRequest("Auto scale policy is only supported for kubernetes deployments")
    else:
        data.setdefault("num_masters", 1)
        if data["num_masters"] != 1:
            raise BadRequest("NumMasters must be 1 for kubernetes deployment")
    if data.get("num_nodes", 0) < 0:
        raise BadRequest("NumNodes cannot be negative")
    if not (data.get("flavor") or {}).get("name"):
        raise BadRequest("No flavor specified")
    if data.get("reservable") and data["key"]["cluster_key"]["organization"].lower() != PLATFORM_ORG:
        raise BadRequest(f"Only {PLATFORM_ORG} ClusterInsts may be reservable")
    if data.get("multi_tenant") and deployment != "kubernetes":
        raise BadRequest("Multi-tenant clusters must be of kubernetes type")
    return lead


def _check_policy(region: str, data: dict) -> None:
    name = data.get("auto_scale_policy")
    if not name:
        return
    policy = regional.require(AUTO_SCALE_POLICY, region,
                              {"organization": data["key"]["cluster_key"]["organization"], "name": name})
    nodes = data.get("num_nodes", 0)
    mn, mx = policy.data.get("min_nodes", 0), policy.data.get("max_nodes", 0)
    if nodes < mn:
        data["num_nodes"] = mn
    elif nodes > mx:
        data["num_nodes"] = mx


def new_data(region: str, obj: dict, key: dict) -> tuple[dict, list[str]]:
    now = rfc3339nano()
    data = {**{k: v for k, v in obj.items() if v not in (None, "", [], {}, False, 0)}, "key": key,
            "liveness": obj.get("liveness") or "Static", "state": "CreateRequested", "created_at": now,
            "updated_at": now}
    lead = _check(data)
    _check_policy(region, data)
    if data.get("flavor"):
        flavor = regional.require(FLAVOR, region, {"name": data["flavor"]["name"]})
        data["node_flavor"] = data["master_node_flavor"] = flavor.data["key"]["name"]
    return data, lead


def start_create(p: Principal, region: str, data: dict, lead: list[str]):
    """Write the ClusterInst in CreateRequested and start its job: (item, job)."""
    item = regional.create(CLUSTER_INST, region, data)
    return item, lifecycle.start(p, "ClusterInst.create", item)


def create(p: Principal, region: str, obj: dict, present: set[str]):
    key = inst_key(obj)
    org = key["cluster_key"]["organization"]
    if org.lower() == PLATFORM_ORG:
        rbac.require_admin(p, RESOURCE, rbac.M)
    else:
        service_orgs.require_usable(p, org, "developer", RESOURCE)
    reject_read_only(obj, READ_ONLY)
    service_cloudlets.usable_by(region, key["cloudlet_key"], org)
    data, lead = new_data(region, obj, key)
    item, job = start_create(p, region, data, lead)
    service_events.record(p, "CreateClusterInst", org, f"{region}/clusterinst/{item.key_str}", region=region)
    return lifecycle.answer(job, lead=lead)


def delete(p: Principal, region: str, obj: dict, present: set[str]):
    key = inst_key(obj)
    org = key["cluster_key"]["organization"]
    if org.lower() == PLATFORM_ORG:
        rbac.require_admin(p, RESOURCE, rbac.M)
    else:
        rbac.require(p, org, RESOURCE, rbac.M)
    item = regional.require(CLUSTER_INST, region, key)
    user = regional.in_use(CLUSTER_INST, region, item.key_str)
    if user is not None:
        raise BadRequest(f"ClusterInst in use by {user}")
    service_events.record(p, "DeleteClusterInst", item.org, f"{region}/clusterinst/{item.key_str}", region=region)
    return lifecycle.answer(lifecycle.start(p, "ClusterInst.delete", item))


def update(p: Principal, region: str, obj: dict, present: set[str]):
    key = inst_key(obj)
    org = key["cluster_key"]["organization"]
    if org.lower() == PLATFORM_ORG:
        rbac.require_admin(p, RESOURCE, rbac.M)
    else:
        rbac.require(p, org, RESOURCE, rbac.M)
    reject_read_only(obj, READ_ONLY)
    fields = {f.split(".")[0] for f in present} - {"key"}
    for f in sorted(fields):
        if f not in UPDATABLE:
            raise BadRequest(f"Invalid field specified: {go_field(f)}, this field cannot be updated")
    if not fields:
        raise BadRequest("Nothing specified to update")
    item = regional.require(CLUSTER_INST, region, key)
    if item.data.get("state") != "Ready":
        raise BadRequest(f"ClusterInst is not ready, state is {item.data.get('state')}")
    data = dict(item.data)
    for f in fields:
        if obj.get(f) in (None, "", False, 0):
            data.pop(f, None)
        else:
            data[f] = obj[f]
    if data.get("deployment") == "docker" and (data.get("num_nodes") or data.get("auto_scale_policy")):
        raise BadRequest("NumNodes and auto scale policy are only supported for kubernetes deployments")
    if data.get("num_nodes", 0) < 0:
        raise BadRequest("NumNodes cannot be negative")
    _check_policy(region, data)
    data["updated_at"] = rfc3339nano()
    item = regional.save(CLUSTER_INST, item, data)
    service_events.record(p, "UpdateClusterInst", item.org, f"{region}/clusterinst/{item.key_str}", region=region)
    return lifecycle.answer(lifecycle.start(p, "ClusterInst.update", item))


def parse_duration(text: str) -> float:
    """Go duration string (``"30m"``, ``"1h0m0s"``, ``"1.5h"``, ``"500ms"``) → seconds."""
    units = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
    if text in ("0", ""):
        return 0.0
    parts = re.findall(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)", text)
    if not parts or "".join(n + u for n, u in parts) != text.lstrip("+"):
        raise BadRequest(f'Invalid JSON data: time: invalid duration "{text}"')
    return sum(float(n) * units[u] for n, u in parts)


def delete_idle_reservable(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    """Admin-only: removes free reservable clusters idle longer than ``idle_time`` (inline, no job)."""
    rbac.require_admin(p, RESOURCE, rbac.M)
    idle = parse_duration(obj.get("idle_time", "") or "0")
    now = clock.now()
    removed = []
    for item in list(regional.query(CLUSTER_INST, region, [PLATFORM_ORG])):
        data = item.data
        if not data.get("reservable") or data.get("reserved_by") or data.get("state") != "Ready":
            continue
        ended = (item.extra or {}).get("reservation_ended_ts") or item.created_at or 0
        if now - ended < idle:
            continue
        if regional.in_use(CLUSTER_INST, region, item.key_str) is not None:
            continue
        regional.delete(CLUSTER_INST, item)
        removed.append(item.key_str)
    service_events.record(p, "DeleteIdleReservableClusterInsts", "", f"{region}/clusterinst/idle-reservable",
                          region=region, tags={"result": f"deleted {len(removed)}"})
    return {}


def operator_cloudlets(p: Principal, region: str) -> tuple[list[str], list[str]]:
    """(operator orgs with cloudletpools:view, cloudlet key texts of their pools) for operator Show views.
    The pools service (``service_pools.pool_cloudlets``) may be absent; then operators see none."""
    every, orgs = rbac.visible_orgs(p, "cloudletpools", rbac.V)
    if every or not orgs:
        return orgs, []
    try:
        pools = importlib.import_module("chalicelib.surfaces.mobiledgex.service_pools")
    except ImportError:
        return orgs, []
    fn = getattr(pools, "pool_cloudlets", None)
    if fn is None:
        return orgs, []
    out = []
    for key in fn(region, orgs) or []:  # key texts (or CloudletKey dicts)
        out.append(key if isinstance(key, str) else regional.key_text(
            regional.ordered_key("EdgeprotoCloudletKey", key)))
    return orgs, sorted(set(out))


def visible(p: Principal, kind, resource: str, region: str, obj: dict, *, reserved_by: bool = False) -> list:
    """Show of ClusterInsts/AppInsts: the owner orgs' Queries, plus (operators) instances on their pool
    cloudlets (one Query per cloudlet), plus (developers, clusters) reservable clusters reserved by them."""
    every, orgs = rbac.visible_orgs(p, resource, rbac.V)
    if every:
        return regional.show(kind, region, obj, None)
    op_orgs, pool_cloudlets = operator_cloudlets(p, region)
    if not orgs and not op_orgs:
        from chalicelib.core.errors import Forbidden
        raise Forbidden("Forbidden")
    items = {i.sk: i for i in regional.show(kind, region, obj, orgs)} if orgs else {}
    for text in pool_cloudlets:
        for i in regional.by_index(kind, region, text):
            if regional.matches(obj, i.data):
                items.setdefault(i.sk, i)
    if reserved_by and orgs:
        low = {o.lower() for o in orgs}
        for i in regional.show(kind, region, obj, [PLATFORM_ORG]):
            if (i.data.get("reserved_by") or "").lower() in low:
                items.setdefault(i.sk, i)
    return sorted(items.values(), key=lambda i: i.sk)


def show(p: Principal, region: str, obj: dict, present: set[str]) -> list[dict]:
    return [i.data for i in visible(p, CLUSTER_INST, RESOURCE, region, obj, reserved_by=True)]


def next_reservable_name(region: str, cloudlet: dict) -> str:
    used = set()
    for i in regional.by_index(CLUSTER_INST, region, regional.key_text(
            regional.ordered_key("EdgeprotoCloudletKey", cloudlet))):
        m = _RESERVABLE.match(i.data["key"]["cluster_key"]["name"])
        if m and i.data["key"]["cluster_key"]["organization"].lower() == PLATFORM_ORG:
            used.add(int(m.group(1)))
    n = 0
    while n in used:
        n += 1
    return f"reservable{n}"


def _on_cloudlet(data: dict) -> dict:
    return data["key"]["cloudlet_key"]


lifecycle.register(lifecycle.Operation(CLUSTER_INST, "create", CREATE_STEPS, "Created ClusterInst successfully",
                                       _on_cloudlet))
lifecycle.register(lifecycle.Operation(CLUSTER_INST, "update", UPDATE_STEPS, "Updated ClusterInst successfully",
                                       _on_cloudlet))
lifecycle.register(lifecycle.Operation(CLUSTER_INST, "delete", DELETE_STEPS, "Deleted ClusterInst successfully",
                                       _on_cloudlet))
