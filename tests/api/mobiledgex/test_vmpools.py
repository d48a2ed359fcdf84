"""VM pools: create/show/update/delete, members, validation texts, in use by a cloudlet."""
from __future__ import annotations

from tests.api.mobiledgex.conftest import REGION, cloudlet_body, messages


def _vm(name: str, internal: str, external: str = "") -> dict:
    net = {"internal_ip": internal}
    if external:
        net["external_ip"] = external
    return {"name": name, "net_info": net}


def _call(caller, op: str, body: dict, obj: str = "VMPool"):
    return caller.json(f"/auth/ctrl/{op}", {"Region": REGION, obj: body})


def _show(caller, filt=None):
    status, lines = caller.ctrl("ShowVMPool", "VMPool", filt or {})
    assert status == 200
    return [line["data"] for line in lines]


def test_vmpool_lifecycle(operator):
    key = {"organization": operator.org, "name": "vmpool1"}
    assert _call(operator, "CreateVMPool", {"key": key, "vms": [_vm("vm1", "10.0.0.1", "1.2.3.4")]}) == (200, {})
    assert _show(operator) == [{"key": key, "vms": [{"name": "vm1", "net_info": {"external_ip": "1.2.3.4",
                                                                                "internal_ip": "10.0.0.1"}}]}]
    assert _call(operator, "CreateVMPool", {"key": key}) == \
        (400, {"message": f'VMPool key {{"organization":"{operator.org}","name":"vmpool1"}} already exists'})
    member = {"key": key, "vm": _vm("vm2", "10.0.0.2")}
    assert _call(operator, "AddVMPoolMember", member, "VMPoolMember") == (200, {})
    assert _call(operator, "AddVMPoolMember", member, "VMPoolMember") == \
        (400, {"message": "VM with same name already exists as part of VM pool"})
    assert _call(operator, "AddVMPoolMember", {"key": key, "vm": _vm("vm3", "10.0.0.2")}, "VMPoolMember") == \
        (400, {"message": "VM with same internal IP already exists as part of VM pool"})
    assert _call(operator, "AddVMPoolMember", {"key": key, "vm": {"name": "vm3"}}, "VMPoolMember") == \
        (400, {"message": "Missing internal IP for VM: vm3"})
    shown = _show(operator)[0]
    assert [vm["name"] for vm in shown["vms"]] == ["vm1", "vm2"] and shown["state"] == "Ready"
    # remove: addresses may not be given; an unknown VM is no change
    assert _call(operator, "RemoveVMPoolMember", {"key": key, "vm": _vm("vm2", "10.0.0.2")}, "VMPoolMember") == \
        (400, {"message": "Invalid field specified: Vm.NetInfo.InternalIp, this field is only for internal use"})
    assert _call(operator, "RemoveVMPoolMember", {"key": key, "vm": {"name": "vm2"}}, "VMPoolMember") == (200, {})
    assert _call(operator, "RemoveVMPoolMember", {"key": key, "vm": {"name": "vm9"}}, "VMPoolMember") == (200, {})
    assert [vm["name"] for vm in _show(operator)[0]["vms"]] == ["vm1"]
    # update replaces the VM list
    assert _call(operator, "UpdateVMPool", {"key": key, "vms": [_vm("a", "10.0.1.1"), _vm("b", "10.0.1.2")]}) == \
        (200, {})
    assert [vm["name"] for vm in _show(operator)[0]["vms"]] == ["a", "b"]
    assert _call(operator, "UpdateVMPool", {"key": key, "vms": [_vm("a", "10.0.1.1"), _vm("b", "10.0.1.1")]}) == \
        (400, {"message": "VM with same internal IP 10.0.1.1 already exists"})
    assert [vm["name"] for vm in _show(operator)[0]["vms"]] == ["a", "b"]
    assert _call(operator, "DeleteVMPool", {"key": key}) == (200, {})
    assert _show(operator) == []
    assert _call(operator, "DeleteVMPool", {"key": key}) == \
        (400, {"message": f'VMPool key {{"organization":"{operator.org}","name":"vmpool1"}} not found'})


def test_vmpool_validation_and_permissions(operator, developer):
    key = {"organization": operator.org, "name": "p"}
    assert _call(operator, "CreateVMPool", {"key": {"organization": operator.org, "name": "#"}}) == \
        (400, {"message": "Invalid VM pool name"})
    assert _call(operator, "CreateVMPool", {"key": key, "state": "Ready"}) == \
        (400, {"message": "Invalid field specified: State, this field is only for internal use"})
    assert _call(operator, "CreateVMPool", {"key": key, "vms": [_vm("v", "127.0.0.1")]}) == \
        (400, {"message": "Invalid Address: 127.0.0.1"})
    assert _call(operator, "CreateVMPool", {"key": key, "vms": [_vm("v", "10.0.0.1", "nope")]}) == \
        (400, {"message": "Invalid Address: nope"})
    assert _call(operator, "CreateVMPool", {"key": key, "vms": [{"name": "", "net_info": {}}]}) == \
        (400, {"message": "Missing VM name"})
    assert _call(operator, "CreateVMPool", {"key": key, "vms": [{**_vm("v", "10.0.0.1"), "state": "InUse"}]}) == \
        (400, {"message": "Invalid VM state, only VmForceFree state is allowed"})
    assert _show(operator) == []
    assert _call(developer, "CreateVMPool", {"key": key}) == (403, {"message": "Forbidden"})
    assert _call(operator, "CreateVMPool", {"key": key}) == (200, {})
    assert _call(developer, "DeleteVMPool", {"key": key}) == (403, {"message": "Forbidden"})
    # ShowVMPool needs cloudletanalytics, which developers do not have
    assert developer.json("/auth/ctrl/ShowVMPool", {"Region": REGION, "VMPool": {}}) == (403, {"message": "Forbidden"})


def test_vmpool_in_use_by_cloudlet(operator):
    key = {"organization": operator.org, "name": "vmpool1"}
    assert _call(operator, "CreateVMPool", {"key": key, "vms": [_vm("vm1", "10.0.0.1")]}) == (200, {})
    status, lines = operator.ctrl("CreateCloudlet", "Cloudlet", cloudlet_body(operator.org, "vmc",
                                                                              platform_type="VmPool",
                                                                              vm_pool="vmpool1"))
    assert status == 200 and messages(lines)[-1] == "Created Cloudlet successfully", lines
    assert _call(operator, "DeleteVMPool", {"key": key}) == (400, {"message": "VM pool in use by Cloudlet"})
    assert len(_show(operator)) == 1
    status, lines = operator.ctrl("DeleteCloudlet", "Cloudlet", {"key": {"organization": operator.org,
                                                                          "name": "vmc"}})
    assert status == 200 and messages(lines)[-1] == "Deleted Cloudlet successfully"
    assert _call(operator, "DeleteVMPool", {"key": key}) == (200, {})
