"""AppInsts (#121-#125): long-running create/delete/update/refresh, references, auto clusters, visibility."""
from __future__ import annotations

import pytest

from tests.api.mobiledgex.conftest import REGION, add_role, make_org, make_user, messages

FORBIDDEN = (403, {"message": "Forbidden"})
CREATE = ["Creating", "Creating App Inst", "Ready", "Created AppInst successfully"]
DELETE = ["Deleting", "First Delete Task", "Second Delete Task", "DeleteDone", "NotPresent",
          "Deleted AppInst successfully"]
CLUSTER_CREATE = ["Defaulting IpAccess to IpAccessShared for deployment kubernetes", "Creating", "First Create Task",
                  "Second Create Task", "Getting Cluster Infra Resources", "Ready", "Created ClusterInst successfully"]


def call(caller, op, obj_name, obj):
    return caller.json(f"/auth/ctrl/{op}", {"Region": REGION, obj_name: obj})


def shown(caller, op="ShowAppInst", obj_name="AppInst", obj=None):
    status, lines = caller.ctrl(op, obj_name, obj or {})
    assert status == 200, lines
    return [line["data"] for line in lines]


def app_key(org, name="app1"):
    return {"organization": org, "name": name, "version": "1.0"}


def make_app(caller, flavor, name="app1", **extra):
    body = {"key": app_key(caller.org, name), "image_type": "Docker", "image_path": "docker.io/nginx:1",
            "access_ports": "tcp:80,udp:53", "default_flavor": {"name": flavor}, **extra}
    assert call(caller, "CreateApp", "App", body) == (200, {})


def ai_key(org, cloudlet, name="inst1"):
    return {"name": name, "organization": org, "cloudlet_key": cloudlet}


def ai_text(org, cloudlet, name="inst1"):
    return (f'{{"name":"{name}","organization":"{org}","cloudlet_key":{{"organization":"{cloudlet["organization"]}",'
            f'"name":"{cloudlet["name"]}"}}}}')


def make_cluster(caller, cloudlet, flavor, name="cluster1"):
    status, lines = caller.ctrl("CreateClusterInst", "ClusterInst", {
        "key": {"cluster_key": {"name": name, "organization": caller.org}, "cloudlet_key": cloudlet},
        "flavor": {"name": flavor}})
    assert messages(lines)[-1] == "Created ClusterInst successfully", lines


@pytest.fixture
def dev_app(developer, flavor):
    make_app(developer, flavor)
    return developer


def test_create_in_cluster_show_references_delete(dev_app, operator, cloudlet, flavor):
    dev, org = dev_app, dev_app.org
    make_cluster(dev, cloudlet, flavor)
    body = {"key": ai_key(org, cloudlet), "app_key": app_key(org), "cluster_key": {"name": "cluster1"}}
    status, lines = dev.ctrl("CreateAppInst", "AppInst", body)
    assert status == 200 and messages(lines) == CREATE
    data = shown(dev)[0]
    assert data["key"] == ai_key(org, cloudlet) and data["app_key"] == app_key(org)
    assert data["cluster_key"] == {"name": "cluster1", "organization": org} and data["state"] == "Ready"
    assert data["flavor"] == {"name": flavor} and data["cloudlet_loc"] == {"latitude": 50.1, "longitude": 8.6}
    assert [p["internal_port"] for p in data["mapped_ports"]] == [80, 53]
    assert data["mapped_ports"][1]["proto"] == "Udp" and data["uri"] and data["liveness"] == "Static"
    assert dev.ctrl("CreateAppInst", "AppInst", body) == \
        (400, {"message": f"AppInst key {ai_text(org, cloudlet)} already exists"})
    # what the instance uses cannot go away
    assert call(dev, "DeleteApp", "App", {"key": app_key(org)}) == \
        (400, {"message": f"Application in use by static AppInst {ai_text(org, cloudlet)}"})
    status, body2 = dev.ctrl("DeleteClusterInst", "ClusterInst", {"key": {
        "cluster_key": {"name": "cluster1", "organization": org}, "cloudlet_key": cloudlet}})
    assert (status, body2) == (400, {"message": f"ClusterInst in use by AppInst {ai_text(org, cloudlet)}"})
    status, body2 = operator.ctrl("DeleteCloudlet", "Cloudlet", {"key": cloudlet})
    assert status == 400 and body2["message"].startswith("Cloudlet in use by")
    status, lines = dev.ctrl("DeleteAppInst", "AppInst", {"key": ai_key(org, cloudlet)})
    assert status == 200 and messages(lines) == DELETE
    assert dev.op("/auth/ctrl/ShowAppInst", {"Region": REGION}).body in (b"", "")
    assert call(dev, "DeleteApp", "App", {"key": app_key(org)}) == (200, {})
    assert dev.ctrl("DeleteAppInst", "AppInst", {"key": ai_key(org, cloudlet)}) == \
        (400, {"message": f"AppInst key {ai_text(org, cloudlet)} not found"})
    from chalicelib.store.models import AuditEvent
    actions = {e.action for e in AuditEvent.scan() if e.surface == "mobiledgex" and e.actor == dev.username}
    assert {"CreateApp", "CreateClusterInst", "CreateAppInst", "DeleteAppInst", "DeleteApp"} <= actions


def test_create_validation(dev_app, operator, cloudlet, flavor, mx):
    dev, org = dev_app, dev_app.org
    ghost_cloudlet = {"organization": cloudlet["organization"], "name": "ghost"}
    bad = [
        ({"key": ai_key(org, cloudlet, "bad/name"), "app_key": app_key(org)}, "Invalid app instance name"),
        ({"key": ai_key(org, cloudlet), "app_key": app_key(org, "nope")},
         f'App key {{"organization":"{org}","name":"nope","version":"1.0"}} not found'),
        ({"key": ai_key(org, ghost_cloudlet), "app_key": app_key(org)},
         f'Cloudlet key {{"organization":"{cloudlet["organization"]}","name":"ghost"}} not found'),
        ({"key": ai_key(org, cloudlet), "app_key": app_key(org), "cluster_key": {"name": "nope"}},
         f'ClusterInst key {{"cluster_key":{{"name":"nope","organization":"{org}"}},"cloudlet_key":'
         f'{{"organization":"{cloudlet["organization"]}","name":"{cloudlet["name"]}"}}}} not found'),
        ({"key": ai_key(org, cloudlet), "app_key": app_key(org), "state": "Ready"},
         "Invalid field specified: State, this field is only for internal use"),
        ({"key": ai_key(org, cloudlet), "app_key": app_key(org), "flavor": {"name": "huge"}},
         'Flavor key {"name":"huge"} not found'),
    ]
    for body, text in bad:
        assert dev.ctrl("CreateAppInst", "AppInst", body) == (400, {"message": text}), text
    assert dev.op("/auth/ctrl/ShowAppInst", {"Region": REGION}).body in (b"", "")
    # another org's app, other callers
    other = make_user(mx)
    other.org = make_org(other, "devother-ai", "developer")
    status, body = other.ctrl("CreateAppInst", "AppInst", {"key": ai_key(other.org, cloudlet),
                                                            "app_key": app_key(org)})
    assert status == 400 and "must match App organization" in body["message"]
    assert other.ctrl("CreateAppInst", "AppInst", {"key": ai_key(org, cloudlet), "app_key": app_key(org)}) == FORBIDDEN
    assert operator.ctrl("CreateAppInst", "AppInst", {"key": ai_key(org, cloudlet), "app_key": app_key(org)}) == \
        FORBIDDEN
    assert dev.op("/auth/ctrl/ShowClusterInst", {"Region": REGION}).body in (b"", "")  # no auto cluster left


def test_auto_cluster_reserved_reused_and_released(dev_app, cloudlet, flavor, mx, mx_admin):
    dev, org = dev_app, dev_app.org
    status, lines = dev.ctrl("CreateAppInst", "AppInst", {"key": ai_key(org, cloudlet), "app_key": app_key(org)})
    assert status == 200 and messages(lines) == CLUSTER_CREATE + CREATE
    assert shown(dev)[0]["cluster_key"] == {"name": "reservable0", "organization": "edgecloudorg"}
    clusters = shown(dev, "ShowClusterInst", "ClusterInst")  # the developer sees the cluster it holds
    assert [(c["key"]["cluster_key"]["name"], c["reserved_by"], c["reservable"]) for c in clusters] == \
        [("reservable0", org, True)]
    # a second org on the same cloudlet gets its own reservable cluster
    other = make_user(mx)
    other.org = make_org(other, "devother-auto", "developer")
    make_app(other, flavor)
    status, lines = other.ctrl("CreateAppInst", "AppInst", {"key": ai_key(other.org, cloudlet),
                                                            "app_key": app_key(other.org)})
    assert messages(lines)[:len(CLUSTER_CREATE)] == CLUSTER_CREATE
    assert shown(other)[0]["cluster_key"]["name"] == "reservable1"
    # the first org's instance goes away: its cluster is free again and the next instance reuses it
    assert messages(dev.ctrl("DeleteAppInst", "AppInst", {"key": ai_key(org, cloudlet)})[1]) == DELETE
    free = shown(mx_admin, "ShowClusterInst", "ClusterInst", {"key": {"cluster_key": {"name": "reservable0"}}})[0]
    assert "reserved_by" not in free and free["reservation_ended_at"]
    status, lines = other.ctrl("CreateAppInst", "AppInst", {"key": ai_key(other.org, cloudlet, "inst2"),
                                                            "app_key": app_key(other.org)})
    assert messages(lines) == CREATE
    assert shown(other, obj={"key": {"name": "inst2"}})[0]["cluster_key"]["name"] == "reservable0"
    assert len(shown(mx_admin, "ShowClusterInst", "ClusterInst")) == 2
    # the reservable cluster is in use: the idle cleanup leaves it alone
    assert mx_admin.json("/auth/ctrl/DeleteIdleReservableClusterInsts",
                         {"Region": REGION, "IdleReservableClusterInsts": {"idle_time": "0s"}}) == (200, {})
    assert len(shown(mx_admin, "ShowClusterInst", "ClusterInst")) == 2


def test_refresh_and_update(dev_app, cloudlet, flavor):
    dev, org = dev_app, dev_app.org
    make_cluster(dev, cloudlet, flavor)
    for name in ("inst1", "inst2"):
        body = {"key": ai_key(org, cloudlet, name), "app_key": app_key(org), "cluster_key": {"name": "cluster1"}}
        status, lines = dev.ctrl("CreateAppInst", "AppInst", body)
        assert messages(lines) == CREATE
    one = {"key": ai_key(org, cloudlet)}
    assert dev.ctrl("RefreshAppInst", "AppInst", one) == (200, [{"data": {"message": "Skipped updating AppInst"}}])
    assert call(dev, "UpdateApp", "App", {"key": app_key(org), "command": "serve"}) == (200, {})
    revision = shown(dev, "ShowApp", "App")[0]["revision"]
    status, lines = dev.ctrl("RefreshAppInst", "AppInst", one)
    assert messages(lines)[-1] == "Successfully updated AppInst"
    assert shown(dev, obj={"key": {"name": "inst1"}})[0]["revision"] == revision
    status, lines = dev.ctrl("RefreshAppInst", "AppInst", {"key": {"organization": org}, "app_key": app_key(org),
                                                           "update_multiple": True})
    assert messages(lines) == ["Updating: 2 AppInsts",
                               "Completed: 2 of 2 AppInsts.  Updated: 1 Skipped: 1 Failed: 0"]
    assert {d["revision"] for d in shown(dev)} == {revision}
    # update: configs and friends only
    status, body = dev.ctrl("UpdateAppInst", "AppInst", {**one, "flavor": {"name": flavor}})
    assert (status, body) == (400, {"message": "Invalid field specified: Flavor, this field cannot be updated"})
    status, body = dev.ctrl("UpdateAppInst", "AppInst", {**one, "power_state": "PowerOffRequested"})
    assert (status, body) == (400, {"message": "Power state operations are only supported for VM apps"})
    configs = [{"kind": "envVarsYaml", "config": "- name: A\n  value: b\n"}]
    status, lines = dev.ctrl("UpdateAppInst", "AppInst", {**one, "configs": configs})
    assert status == 200 and messages(lines) == ["Updating", "Updating App Inst", "Ready",
                                                 "Successfully updated AppInst"]
    assert shown(dev, obj={"key": {"name": "inst1"}})[0]["configs"] == configs
    viewer = make_user(dev)
    add_role(dev, org, viewer.username, "DeveloperViewer")
    assert len(shown(viewer)) == 2
    assert viewer.ctrl("UpdateAppInst", "AppInst", {**one, "configs": []}) == FORBIDDEN
    assert viewer.ctrl("DeleteAppInst", "AppInst", one) == FORBIDDEN


def test_visibility(dev_app, operator, cloudlet, flavor, mx_admin, mx):
    dev, org = dev_app, dev_app.org
    status, lines = dev.ctrl("CreateAppInst", "AppInst", {"key": ai_key(org, cloudlet), "app_key": app_key(org)})
    assert messages(lines)[-1] == "Created AppInst successfully"
    other = make_user(mx)
    make_org(other, "devother-vis", "developer")
    assert other.op("/auth/ctrl/ShowAppInst", {"Region": REGION}).body in (b"", "")
    assert [d["key"]["organization"] for d in shown(mx_admin)] == [org]
    assert operator.op("/auth/ctrl/ShowAppInst", {"Region": REGION}).status_code == 200
    assert make_user(mx).ctrl("ShowAppInst", "AppInst", {}) == FORBIDDEN
    assert shown(dev, obj={"key": {"name": "other"}}) == []


def test_vm_app_has_no_cluster(developer, cloudlet, flavor):
    make_app(developer, flavor, "vmapp", image_type="Qcow", image_path="https://images.example.com/vm.qcow2#md5:1")
    status, lines = developer.ctrl("CreateAppInst", "AppInst", {"key": ai_key(developer.org, cloudlet),
                                                                "app_key": app_key(developer.org, "vmapp")})
    assert messages(lines) == CREATE
    data = shown(developer)[0]
    assert "cluster_key" not in data and data["power_state"] == "PowerOn"
    assert developer.op("/auth/ctrl/ShowClusterInst", {"Region": REGION}).body in (b"", "")
    status, lines = developer.ctrl("UpdateAppInst", "AppInst", {"key": ai_key(developer.org, cloudlet),
                                                                "power_state": "PowerOffRequested"})
    assert messages(lines)[-1] == "Successfully updated AppInst"
    assert shown(developer)[0]["power_state"] == "PowerOff"


def test_operator_sees_instances_on_its_pool_cloudlets(developer, operator, cloudlet, flavor, mx):
    from chalicelib.store import base as store
    from chalicelib.store.mobiledgex import MxObj
    from chalicelib.surfaces.mobiledgex.kinds import CLOUDLET
    assert call(operator, "CreateCloudletPool", "CloudletPool", {
        "key": {"organization": operator.org, "name": "pool1"}, "cloudlets": [cloudlet]}) == (200, {})
    # the pool's invitation/acceptance has no API in the seed: grant the developer org on the cloudlet directly
    item = store.get(MxObj, MxObj.pk_of(REGION, "Cloudlet"), CLOUDLET.key_str(cloudlet, is_key=True))
    item.extra = {**(item.extra or {}), "granted_orgs": [developer.org]}
    store.save(item)
    make_app(developer, flavor)
    make_cluster(developer, cloudlet, flavor)
    status, lines = developer.ctrl("CreateAppInst", "AppInst", {"key": ai_key(developer.org, cloudlet),
                                                                "app_key": app_key(developer.org),
                                                                "cluster_key": {"name": "cluster1"}})
    assert messages(lines)[-1] == "Created AppInst successfully"
    assert [d["key"]["organization"] for d in shown(operator)] == [developer.org]
    assert [d["key"]["cluster_key"]["name"] for d in shown(operator, "ShowClusterInst", "ClusterInst")] == ["cluster1"]
    assert shown(operator, obj={"key": {"name": "other"}}) == []
    other_op = make_user(mx)
    other_op.org = make_org(other_op, "op-other-vis", "operator")
    assert other_op.op("/auth/ctrl/ShowAppInst", {"Region": REGION}).body in (b"", "")
    assert other_op.op("/auth/ctrl/ShowClusterInst", {"Region": REGION}).body in (b"", "")


def test_a_failed_create_frees_the_reserved_cluster(dev_app, cloudlet, flavor, mx_admin):
    from chalicelib import targets
    from chalicelib.surfaces.mobiledgex import lifecycle
    dev, org = dev_app, dev_app.org
    assert messages(dev.ctrl("CreateAppInst", "AppInst", {"key": ai_key(org, cloudlet), "app_key": app_key(org)})[1])
    assert messages(dev.ctrl("DeleteAppInst", "AppInst", {"key": ai_key(org, cloudlet)})[1]) == DELETE
    targets.set_faults(lifecycle.target_name(REGION, cloudlet), {"apply": "error"})
    status, lines = dev.ctrl("CreateAppInst", "AppInst", {"key": ai_key(org, cloudlet, "inst2"),
                                                          "app_key": app_key(org)})
    assert status == 200 and "result" in lines[-1]
    assert "DELETING AppInst due to failures" in messages(lines)
    free = shown(mx_admin, "ShowClusterInst", "ClusterInst", {"key": {"cluster_key": {"name": "reservable0"}}})[0]
    assert "reserved_by" not in free  # the undo released the reservation
