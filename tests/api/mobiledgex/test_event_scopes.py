"""Audit events of regional/federation operations carry the owning org (catalog #68-#70), so the org's members
find them through ShowEvents/FindEvents/EventTerms and members of other orgs do not."""
from __future__ import annotations

from tests.api.mobiledgex.conftest import REGION, add_role, cloudlet_body, make_org, make_user, messages

APP_KEY = {"name": "app1", "version": "1.0"}


def _call(caller, op, obj_name, obj):
    return caller.json(f"/auth/ctrl/{op}", {"Region": REGION, obj_name: obj})


def _events(caller, **search):
    status, events = caller.json("/auth/events/show", search)
    assert status == 200, events
    return events


def _named(caller, name):
    return [e for e in _events(caller, match={"names": [name]})]


def _app(org):
    return {"key": {"organization": org, **APP_KEY}, "image_type": "Docker",
            "image_path": "docker.io/library/nginx:latest", "access_ports": "tcp:80"}


def _app_key_text(org):
    return f'{{"organization":"{org}","name":"app1","version":"1.0"}}'


def test_developer_sees_its_orgs_app_events_others_do_not(mx, mx_admin, developer, operator):
    org = developer.org
    manager = make_user(mx)
    add_role(developer, org, manager.username, "DeveloperManager")
    assert _call(manager, "CreateApp", "App", _app(org)) == (200, {})
    # the DeveloperManager who created it
    [ev] = _named(manager, "CreateApp")
    assert ev["org"] == [org] and ev["region"] == REGION and ev["type"] == "audit" and ev["error"] == ""
    assert ev["mtags"]["username"] == manager.username and ev["mtags"]["org"] == org
    assert ev["mtags"]["resource"] == f"{REGION}/app/{_app_key_text(org)}" and ev["mtags"]["status"] == "200"
    # the org's other members (the creator of the org, a viewer) see it too
    assert [e["name"] for e in _named(developer, "CreateApp")] == ["CreateApp"]
    viewer = make_user(mx)
    add_role(developer, org, viewer.username, "DeveloperViewer")
    assert [e["org"] for e in _named(viewer, "CreateApp")] == [[org]]
    # a user of another org does not
    outsider = make_user(mx)
    make_org(outsider, f"{org}x", "developer")
    assert _named(outsider, "CreateApp") == []
    assert all(org not in e["org"] for e in _events(outsider))
    assert _named(operator, "CreateApp") == []
    # FindEvents and EventTerms see the same org-scoped events
    status, found = manager.json("/auth/events/find", {"match": {"orgs": [org], "names": ["CreateApp"]}})
    assert status == 200 and found[0]["name"] == "CreateApp" and found[0]["org"] == [org]
    status, terms = manager.json("/auth/events/terms", {})
    assert {"key": "CreateApp", "count": 1} in terms["names"]
    assert {"key": REGION, "count": 1} in terms["regions"]
    status, terms = outsider.json("/auth/events/terms", {})
    assert "CreateApp" not in [t["key"] for t in terms.get("names", [])]
    # the delete is the org's too
    assert _call(manager, "DeleteApp", "App", {"key": {"organization": org, **APP_KEY}}) == (200, {})
    assert [e["org"] for e in _named(viewer, "DeleteApp")] == [[org]]
    assert _named(outsider, "DeleteApp") == []


def test_operator_sees_its_cloudlet_events_and_admin_sees_both(mx_admin, developer, operator):
    status, lines = operator.ctrl("CreateCloudlet", "Cloudlet", cloudlet_body(operator.org))
    assert status == 200 and messages(lines)[-1] == "Created Cloudlet successfully", lines
    [ev] = _named(operator, "CreateCloudlet")
    assert ev["org"] == [operator.org] and ev["region"] == REGION
    assert ev["mtags"]["resource"] == f'{REGION}/cloudlet/{{"organization":"{operator.org}","name":"cloudlet1"}}'
    assert _call(developer, "CreateApp", "App", _app(developer.org)) == (200, {})
    # neither org sees the other's
    assert _named(developer, "CreateCloudlet") == []
    assert _named(operator, "CreateApp") == []
    # the admin sees both, each with its org
    events = _events(mx_admin, match={"names": ["CreateApp", "CreateCloudlet"]})
    assert [(e["name"], e["org"]) for e in events] == [("CreateApp", [developer.org]),
                                                       ("CreateCloudlet", [operator.org])]  # newest first
    events = _events(mx_admin, match={"orgs": [operator.org]})
    assert "CreateCloudlet" in [e["name"] for e in events] and "CreateApp" not in [e["name"] for e in events]
    events = _events(mx_admin, allowedorgs=[developer.org])
    assert "CreateApp" in [e["name"] for e in events] and "CreateCloudlet" not in [e["name"] for e in events]


def test_global_admin_ops_have_no_org(mx_admin, developer, operator, flavor):
    [ev] = _named(mx_admin, "CreateFlavor")
    assert ev["org"] == [] and ev["region"] == REGION and ev["mtags"]["resource"] == f"{REGION}/flavor/{flavor}"
    assert _named(developer, "CreateFlavor") == [] and _named(operator, "CreateFlavor") == []


def test_other_services_tag_their_owning_org(mx, mx_admin, developer, operator):
    dev, op = developer.org, operator.org
    assert _call(developer, "CreateAutoScalePolicy", "AutoScalePolicy",
                 {"key": {"organization": dev, "name": "sp1"}, "min_nodes": 1, "max_nodes": 2,
                  "target_cpu": 50}) == (200, {})
    assert _call(operator, "CreateOperatorCode", "OperatorCode", {"code": "310-999", "organization": op}) == (200, {})
    assert _call(operator, "CreateVMPool", "VMPool", {"key": {"organization": op, "name": "pool1"}}) == (200, {})
    assert _call(operator, "CreateCloudletPool", "CloudletPool",
                 {"key": {"organization": op, "name": "cpool1"}}) == (200, {})
    dev_names = {e["name"] for e in _events(developer)}
    op_names = {e["name"] for e in _events(operator)}
    assert "CreateAutoScalePolicy" in dev_names and not dev_names & {"CreateOperatorCode", "CreateVMPool",
                                                                     "CreateCloudletPool"}
    assert {"CreateOperatorCode", "CreateVMPool", "CreateCloudletPool"} <= op_names
    assert "CreateAutoScalePolicy" not in op_names
    by_name = {e["name"]: e for e in _events(mx_admin)}
    assert by_name["CreateAutoScalePolicy"]["org"] == [dev]
    for name in ("CreateOperatorCode", "CreateVMPool", "CreateCloudletPool"):
        assert by_name[name]["org"] == [op] and by_name[name]["region"] == REGION, name
    # a failed federation call is recorded as failed for the operator org
    status, body = operator.json("/auth/federation/consumer/generatenotifykey", {"Name": "g1", "OperatorId": op})
    assert (status, body) == (400, {"message": "Not implemented yet"})
    [ev] = _named(operator, "GenerateFederationGuestNotifyKey")
    assert ev["org"] == [op] and ev["error"] == "Not implemented yet" and ev["mtags"]["status"] == "400"
