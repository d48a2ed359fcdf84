"""ClusterInsts (#107-#111): long-running create/update/delete, references, reservable clusters, visibility."""
from __future__ import annotations

from tests.api.mobiledgex.conftest import REGION, make_org, make_user, messages

FORBIDDEN = (403, {"message": "Forbidden"})
CREATE = ["Defaulting IpAccess to IpAccessShared for deployment kubernetes", "Creating", "First Create Task",
          "Second Create Task", "Getting Cluster Infra Resources", "Ready", "Created ClusterInst successfully"]
DELETE = ["Deleting", "First Delete Task", "Second Delete Task", "DeleteDone", "NotPresent",
          "Deleted ClusterInst successfully"]


def call(caller, op, obj_name, obj):
    return caller.json(f"/auth/ctrl/{op}", {"Region": REGION, obj_name: obj})


def shown(caller, obj=None):
    status, lines = caller.ctrl("ShowClusterInst", "ClusterInst", obj or {})
    assert status == 200, lines
    return [line["data"] for line in lines]


def ci_key(org, cloudlet, name="cluster1"):
    return {"cluster_key": {"name": name, "organization": org}, "cloudlet_key": cloudlet}


def ci(org, cloudlet, flavor, name="cluster1", **extra):
    return {"key": ci_key(org, cloudlet, name), "flavor": {"name": flavor}, **extra}


def key_text(org, cloudlet, name="cluster1"):
    return (f'{{"cluster_key":{{"name":"{name}","organization":"{org}"}},'
            f'"cloudlet_key":{{"organization":"{cloudlet["organization"]}","name":"{cloudlet["name"]}"}}}}')


def test_create_show_delete(developer, operator, cloudlet, flavor, mx_admin):
    status, lines = developer.ctrl("CreateClusterInst", "ClusterInst", ci(developer.org, cloudlet, flavor,
                                                                            num_nodes=2))
    assert status == 200 and messages(lines) == CREATE
    data = shown(developer)[0]
    assert data["key"] == ci_key(developer.org, cloudlet) and data["state"] == "Ready"
    assert (data["deployment"], data["ip_access"], data["num_masters"], data["num_nodes"]) == \
        ("kubernetes", "Shared", 1, 2)
    assert data["liveness"] == "Static" and data["node_flavor"] == flavor and data["created_at"]
    status, body = developer.ctrl("CreateClusterInst", "ClusterInst", ci(developer.org, cloudlet, flavor))
    assert (status, body) == (400, {"message": f"ClusterInst key {key_text(developer.org, cloudlet)} already exists"})
    # references: the cloudlet and the flavor are in use
    status, body = operator.ctrl("DeleteCloudlet", "Cloudlet", {"key": cloudlet})
    assert (status, body["message"]) == (400, f"Cloudlet in use by ClusterInst name cluster1 Organization "
                                              f"{developer.org}")
    status, body = call(mx_admin, "DeleteFlavor", "Flavor", {"key": {"name": flavor}})
    assert (status, body["message"]) == (400, f"Flavor in use by ClusterInst {key_text(developer.org, cloudlet)}")
    # docker: dedicated access, no nodes
    status, lines = developer.ctrl("CreateClusterInst", "ClusterInst",
                                   ci(developer.org, cloudlet, flavor, "dock1", deployment="docker"))
    assert messages(lines)[0] == "Defaulting IpAccess to IpAccessDedicated for deployment docker"
    assert [d["key"]["cluster_key"]["name"] for d in shown(developer)] == ["cluster1", "dock1"]
    assert shown(developer, {"key": {"cluster_key": {"name": "dock1"}}})[0]["ip_access"] == "Dedicated"
    for name in ("cluster1", "dock1"):
        status, lines = developer.ctrl("DeleteClusterInst", "ClusterInst", {"key": ci_key(developer.org, cloudlet,
                                                                                          name)})
        assert status == 200 and messages(lines) == DELETE
    assert developer.op("/auth/ctrl/ShowClusterInst", {"Region": REGION}).body in (b"", "")
    assert call(mx_admin, "DeleteFlavor", "Flavor", {"key": {"name": flavor}}) == (200, {})
    status, body = developer.ctrl("DeleteClusterInst", "ClusterInst", {"key": ci_key(developer.org, cloudlet)})
    assert (status, body) == (400, {"message": f"ClusterInst key {key_text(developer.org, cloudlet)} not found"})


def test_create_validation(developer, operator, cloudlet, flavor):
    org = developer.org
    bad = [
        (ci(org, cloudlet, flavor, "bad_name"), "Invalid cluster name"),
        ({"key": ci_key(org, cloudlet)}, "No flavor specified"),
        (ci(org, cloudlet, "nope"), 'Flavor key {"name":"nope"} not found'),
        (ci(org, cloudlet, flavor, state="Ready"),
         "Invalid field specified: State, this field is only for internal use"),
        (ci(org, cloudlet, flavor, reserved_by="x"),
         "Invalid field specified: ReservedBy, this field is only for internal use"),
        (ci(org, cloudlet, flavor, reservable=True), "Only edgecloudorg ClusterInsts may be reservable"),
        (ci(org, cloudlet, flavor, deployment="docker", num_nodes=2),
         "NumNodes cannot be specified for docker deployment"),
        (ci(org, {"organization": cloudlet["organization"], "name": "ghost"}, flavor),
         f'Cloudlet key {{"organization":"{cloudlet["organization"]}","name":"ghost"}} not found'),
        (ci(org, cloudlet, flavor, auto_scale_policy="nope"),
         f'Policy key {{"organization":"{org}","name":"nope"}} not found'),
    ]
    for body, text in bad:
        assert developer.ctrl("CreateClusterInst", "ClusterInst", body) == (400, {"message": text}), text
    assert developer.op("/auth/ctrl/ShowClusterInst", {"Region": REGION}).body in (b"", "")
    # permissions: another developer org, an operator
    assert operator.ctrl("CreateClusterInst", "ClusterInst", ci(org, cloudlet, flavor)) == FORBIDDEN
    assert operator.ctrl("CreateClusterInst", "ClusterInst", ci(operator.org, cloudlet, flavor)) == FORBIDDEN
    assert developer.ctrl("CreateClusterInst", "ClusterInst", ci("edgecloudorg", cloudlet, flavor)) == FORBIDDEN


def test_auto_scale_policy_and_update(developer, cloudlet, flavor):
    org = developer.org
    assert call(developer, "CreateAutoScalePolicy", "AutoScalePolicy",
                {"key": {"organization": org, "name": "sp1"}, "min_nodes": 2, "max_nodes": 4, "target_cpu": 50}) \
        == (200, {})
    status, lines = developer.ctrl("CreateClusterInst", "ClusterInst",
                                   ci(org, cloudlet, flavor, auto_scale_policy="sp1", num_nodes=1))
    assert messages(lines)[-1] == "Created ClusterInst successfully"
    assert shown(developer)[0]["num_nodes"] == 2  # brought into the policy's range
    status, body = call(developer, "DeleteAutoScalePolicy", "AutoScalePolicy", {"key": {"organization": org,
                                                                                           "name": "sp1"}})
    assert (status, body) == (400, {"message": f"Policy in use by ClusterInst {key_text(org, cloudlet)}"})
    # update: only the updatable fields
    status, body = developer.ctrl("UpdateClusterInst", "ClusterInst", {"key": ci_key(org, cloudlet),
                                                                        "flavor": {"name": flavor}})
    assert (status, body) == (400, {"message": "Invalid field specified: Flavor, this field cannot be updated"})
    status, lines = developer.ctrl("UpdateClusterInst", "ClusterInst", {"key": ci_key(org, cloudlet),
                                                                         "auto_scale_policy": "", "num_nodes": 5})
    assert status == 200 and messages(lines) == ["Updating", "Ready", "Updated ClusterInst successfully"]
    data = shown(developer)[0]
    assert data["num_nodes"] == 5 and "auto_scale_policy" not in data and data["state"] == "Ready"
    assert call(developer, "DeleteAutoScalePolicy", "AutoScalePolicy", {"key": {"organization": org,
                                                                                "name": "sp1"}}) == (200, {})
    status, body = developer.ctrl("UpdateClusterInst", "ClusterInst", {"key": ci_key(org, cloudlet),
                                                                        "auto_scale_policy": "sp1"})
    assert (status, body) == (400, {"message": f'Policy key {{"organization":"{org}","name":"sp1"}} not found'})


def test_visibility(developer, operator, cloudlet, flavor, mx_admin, mx):
    assert messages(developer.ctrl("CreateClusterInst", "ClusterInst",
                                   ci(developer.org, cloudlet, flavor))[1])[-1] == "Created ClusterInst successfully"
    other = make_user(mx)
    make_org(other, "devother-ci", "developer")
    assert other.op("/auth/ctrl/ShowClusterInst", {"Region": REGION}).body in (b"", "")
    assert other.ctrl("DeleteClusterInst", "ClusterInst", {"key": ci_key(developer.org, cloudlet)}) == FORBIDDEN
    assert [d["key"]["cluster_key"]["organization"] for d in shown(mx_admin)] == [developer.org]
    # operators: only clusters on cloudlets of their pools (none here)
    assert operator.op("/auth/ctrl/ShowClusterInst", {"Region": REGION}).status_code == 200
    nobody = make_user(mx)
    assert nobody.ctrl("ShowClusterInst", "ClusterInst", {}) == FORBIDDEN


def test_failure_is_undone(developer, cloudlet, flavor):
    from chalicelib import targets
    from chalicelib.surfaces.mobiledgex import lifecycle
    targets.set_faults(lifecycle.target_name(REGION, cloudlet), {"apply": "error"})
    status, lines = developer.ctrl("CreateClusterInst", "ClusterInst", ci(developer.org, cloudlet, flavor))
    assert status == 200 and lines[-1]["result"]["code"] == 400
    assert "DELETING ClusterInst due to failures" in messages(lines)
    assert developer.op("/auth/ctrl/ShowClusterInst", {"Region": REGION}).body in (b"", "")


def test_reservable_and_delete_idle(developer, mx_admin, cloudlet, flavor):
    body = {"IdleReservableClusterInsts": {"idle_time": "0s"}, "Region": REGION}
    assert developer.json("/auth/ctrl/DeleteIdleReservableClusterInsts", body) == FORBIDDEN
    status, lines = mx_admin.ctrl("CreateClusterInst", "ClusterInst",
                                  ci("edgecloudorg", cloudlet, flavor, "reservable0", reservable=True))
    assert messages(lines)[-1] == "Created ClusterInst successfully"
    assert developer.op("/auth/ctrl/ShowClusterInst", {"Region": REGION}).body in (b"", "")  # not reserved by it
    assert mx_admin.json("/auth/ctrl/DeleteIdleReservableClusterInsts",
                         {**body, "IdleReservableClusterInsts": {"idle_time": "1h"}}) == (200, {})
    assert len(shown(mx_admin)) == 1
    assert mx_admin.json("/auth/ctrl/DeleteIdleReservableClusterInsts",
                         {**body, "IdleReservableClusterInsts": {"idle_time": "soon"}}) == \
        (400, {"message": 'Invalid JSON data: time: invalid duration "soon"'})
    assert mx_admin.json("/auth/ctrl/DeleteIdleReservableClusterInsts", body) == (200, {})
    assert mx_admin.op("/auth/ctrl/ShowClusterInst", {"Region": REGION}).body in (b"", "")


def test_networks_are_references(developer, operator, cloudlet, flavor):
    net = {"key": {"cloudlet_key": cloudlet, "name": "net1"}, "connection_type": "ConnectToLoadBalancer",
           "routes": [{"destination_cidr": "10.0.0.0/16", "next_hop_ip": "10.0.0.1"}]}
    status, lines = operator.ctrl("CreateNetwork", "Network", net)
    assert status == 200, lines
    status, body = developer.ctrl("CreateClusterInst", "ClusterInst", ci(developer.org, cloudlet, flavor,
                                                                          networks=["nope"]))
    assert status == 400 and body["message"].startswith("Network key") and body["message"].endswith("not found")
    status, lines = developer.ctrl("CreateClusterInst", "ClusterInst", ci(developer.org, cloudlet, flavor,
                                                                           networks=["net1"]))
    assert messages(lines)[-1] == "Created ClusterInst successfully"
    assert shown(developer)[0]["networks"] == ["net1"]
    status, body = operator.ctrl("DeleteNetwork", "Network", {"key": net["key"]})
    assert status == 400 and body["message"] == f"Network in use by ClusterInst {key_text(developer.org, cloudlet)}"
    assert messages(developer.ctrl("DeleteClusterInst", "ClusterInst",
                                   {"key": ci_key(developer.org, cloudlet)})[1])[-1] == "Deleted ClusterInst successfully"
    assert operator.ctrl("DeleteNetwork", "Network", {"key": net["key"]})[0] == 200
