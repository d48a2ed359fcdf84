"""VM pools (catalog §3.2 #62-#67): an operator's pre-existing VMs that a VmPool cloudlet deploys on.

A cloudlet names its pool in ``vm_pool`` (a claimed reference, see :mod:`service_cloudlets`), so a pool in
use cannot be deleted ("VM pool in use by Cloudlet"). The simulated platform applies member changes at once
(upstream hands them to the cloudlet's CRM when a cloudlet uses the pool).
"""
from __future__ import annotations

import ipaddress

from chalicelib.core.errors import BadRequest
from chalicelib.identity.principal import Principal
from chalicelib.store.mobiledgex import MxObj
from chalicelib.surfaces.mobiledgex import rbac, regional, service_events, service_orgs
from chalicelib.surfaces.mobiledgex.common import REGIONAL_NAME
from chalicelib.surfaces.mobiledgex.kinds import VM_POOL

_BAD_IPS = ("0.0.0.0", "127.0.0.1")
UPDATABLE = ("vms", "crm_override")


def _key(obj: dict) -> dict:
    key = obj.get("key") or {}
    org, name = key.get("organization", ""), key.get("name", "")
    if not REGIONAL_NAME.match(org):
        raise BadRequest("Invalid organization name")
    if not REGIONAL_NAME.match(name):
        raise BadRequest("Invalid VM pool name")
    return {"organization": org, "name": name}


def _check_read_only(obj: dict) -> None:
    if obj.get("state") not in (None, "", "TrackedStateUnknown"):
        raise BadRequest("Invalid field specified: State, this field is only for internal use")
    if obj.get("errors") is not None:
        raise BadRequest("Invalid field specified: Errors, this field is only for internal use")


def _ip_ok(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return value not in _BAD_IPS


def _check_vm_name(vm: dict) -> None:
    name = vm.get("name", "")
    if not name:
        raise BadRequest("Missing VM name")
    if not REGIONAL_NAME.match(name):
        raise BadRequest("Invalid VM name")


def _check_vm(vm: dict) -> None:
    _check_vm_name(vm)
    net = vm.get("net_info") or {}
    external, internal = net.get("external_ip", ""), net.get("internal_ip", "")
    if external and not _ip_ok(external):
        raise BadRequest(f"Invalid Address: {external}")
    if not internal:
        raise BadRequest(f"Missing internal IP for VM: {vm['name']}")
    if not _ip_ok(internal):
        raise BadRequest(f"Invalid Address: {internal}")


def _clean_vm(vm: dict) -> dict:
    """What is kept of a VM: name and addresses; a (force-)freed VM is Free (the zero state, not shown)."""
    net = {k: v for k, v in (vm.get("net_info") or {}).items() if k in ("external_ip", "internal_ip") and v}
    out = {"name": vm["name"], "net_info": net}
    if vm.get("state") not in (None, "Free", "ForceFree"):
        out["state"] = vm["state"]
    return out


def _check_vms(vms: list[dict]) -> list[dict]:
    external, internal = set(), set()
    for vm in vms:
        _check_vm(vm)
        net = vm.get("net_info") or {}
        if net.get("external_ip"):
            if net["external_ip"] in external:
                raise BadRequest(f"VM with same external IP {net['external_ip']} already exists")
            external.add(net["external_ip"])
        if net.get("internal_ip"):
            if net["internal_ip"] in internal:
                raise BadRequest(f"VM with same internal IP {net['internal_ip']} already exists")
            internal.add(net["internal_ip"])
        if vm.get("state") not in (None, "Free", "ForceFree"):
            raise BadRequest("Invalid VM state, only VmForceFree state is allowed")
    return [_clean_vm(vm) for vm in vms]


def _view(data: dict) -> dict:
    return {k: v for k, v in data.items() if v not in (None, "", [], {}, "NoOverride", "TrackedStateUnknown")}


def create(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    service_orgs.require_usable(p, (obj.get("key") or {}).get("organization", ""), "operator", "cloudlets")
    _check_read_only(obj)
    key = _key(obj)
    data = {"key": key, "vms": _check_vms(list(obj.get("vms") or []))}
    if obj.get("crm_override"):
        data["crm_override"] = obj["crm_override"]
    regional.create(VM_POOL, region, data)
    service_events.record(p, "CreateVMPool", key["organization"], f"{region}/vmpool/{regional.key_text(key)}",
                          region=region)
    return {}


def _require(p: Principal, region: str, obj: dict) -> MxObj:
    key = _key(obj)
    rbac.require(p, key["organization"], "cloudlets", rbac.M)
    return regional.require(VM_POOL, region, key)


def delete(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    _check_read_only(obj)
    item = _require(p, region, obj)
    regional.delete(VM_POOL, item, in_use_text=lambda user: "VM pool in use by Cloudlet")
    service_events.record(p, "DeleteVMPool", item.org, f"{region}/vmpool/{item.key_str}", region=region)
    return {}


def update(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    key = _key(obj)
    rbac.require(p, key["organization"], "cloudlets", rbac.M)
    _check_read_only(obj)
    fixed = sorted({f.split(".")[0] for f in present} - {"key", "fields", "state", "errors"} - set(UPDATABLE))
    if fixed:
        names = ",".join(" ".join(w.title() for w in f.split("_")) for f in fixed)
        raise BadRequest(f"Specified field(s) {names} cannot be modified")
    item = regional.require(VM_POOL, region, key)
    data = dict(item.data)
    if "vms" in present:
        data["vms"] = _check_vms(list(obj.get("vms") or []))
    if "crm_override" in present:
        data["crm_override"] = obj.get("crm_override") or "NoOverride"
    if data != item.data:
        data["state"] = "Ready"
        regional.save(VM_POOL, item, data)
    service_events.record(p, "UpdateVMPool", item.org, f"{region}/vmpool/{item.key_str}", region=region)
    return {}


def add_member(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    key = _key(obj)
    rbac.require(p, key["organization"], "cloudlets", rbac.M)
    vm = dict(obj.get("vm") or {})
    _check_vm(vm)
    item = regional.require(VM_POOL, region, key)
    net = vm.get("net_info") or {}
    for cur in item.data.get("vms") or []:
        if cur["name"] == vm["name"]:
            raise BadRequest("VM with same name already exists as part of VM pool")
        cur_net = cur.get("net_info") or {}
        if cur_net.get("external_ip") and cur_net["external_ip"] == net.get("external_ip"):
            raise BadRequest("VM with same external IP already exists as part of VM pool")
        if cur_net.get("internal_ip") and cur_net["internal_ip"] == net.get("internal_ip"):
            raise BadRequest("VM with same internal IP already exists as part of VM pool")
    vm.pop("state", None)
    data = {**item.data, "vms": list(item.data.get("vms") or []) + [_clean_vm(vm)], "state": "Ready"}
    regional.save(VM_POOL, item, data)
    service_events.record(p, "AddVMPoolMember", item.org, f"{region}/vmpool/{item.key_str}", region=region)
    return {}


def remove_member(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    key = _key(obj)
    vm = obj.get("vm") or {}
    _check_vm_name(vm)
    net = vm.get("net_info") or {}
    for field, go_name in (("external_ip", "Vm.NetInfo.ExternalIp"), ("internal_ip", "Vm.NetInfo.InternalIp")):
        if net.get(field):
            raise BadRequest(f"Invalid field specified: {go_name}, this field is only for internal use")
    if any((vm.get("flavor") or {}).values()):
        raise BadRequest("Invalid field specified: Vm.Flavor, this field is only for internal use")
    rbac.require(p, key["organization"], "cloudlets", rbac.M)
    item = regional.require(VM_POOL, region, key)
    vms = [v for v in item.data.get("vms") or [] if v["name"] != vm["name"]]
    if len(vms) != len(item.data.get("vms") or []):  # not a member: no change, no error (upstream)
        regional.save(VM_POOL, item, {**item.data, "vms": vms, "state": "Ready"})
    service_events.record(p, "RemoveVMPoolMember", item.org, f"{region}/vmpool/{item.key_str}", region=region)
    return {}


def show(p: Principal, region: str, obj: dict, present: set[str]) -> list[dict]:
    every, orgs = rbac.require_any(p, "cloudletanalytics", rbac.V)
    return [_view(i.data) for i in regional.show(VM_POOL, region, obj, None if every else orgs)]
