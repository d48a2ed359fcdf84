"""Apps (#112-#120): names, defaults, references (flavor, auto-prov policies), alert policies, deployments."""
from __future__ import annotations

from tests.api.mobiledgex.conftest import REGION, add_role, make_org, make_user

FORBIDDEN = (403, {"message": "Forbidden"})


def call(caller, op, obj_name, obj):
    return caller.json(f"/auth/ctrl/{op}", {"Region": REGION, obj_name: obj})


def shown(caller, op="ShowApp", obj_name="App", obj=None):
    status, lines = caller.ctrl(op, obj_name, obj or {})
    assert status == 200, lines
    return [line["data"] for line in lines]


def app(org, name="app1", version="1.0", **extra):
    return {"key": {"organization": org, "name": name, "version": version}, "image_type": "Docker",
            "image_path": "docker.io/library/nginx:latest", "access_ports": "tcp:80", **extra}


def test_create_app_rules_and_defaults(developer, flavor):
    org = developer.org
    bad = [
        ({"key": {"organization": org, "name": "", "version": "1"}}, "Invalid app name"),
        ({"key": {"organization": org, "name": "-x", "version": "1"}}, "Invalid app name"),
        ({"key": {"organization": org, "name": "a", "version": "@1"}}, "Invalid app version"),
        ({"key": {"organization": "", "name": "a", "version": "1"}}, "Invalid app organization"),
        (app(org, access_ports="tcp:80,bogus"), "Invalid AccessPorts format bogus"),
        (app(org, access_ports="tcp:70000"), "App ports out of range tcp:70000"),
        (app(org, image_type="Unknown"), "Unknown image type IMAGE_TYPE_UNKNOWN"),
        (app(org, deployment="vm"), "Invalid image type Docker for deployment vm"),
        (app(org, created_at="2020-01-01T00:00:00Z"),
         "Invalid field specified: CreatedAt, this field is only for internal use"),
        (app(org, default_flavor={"name": "nope"}), 'Flavor key {"name":"nope"} not found'),
        (app(org, auto_prov_policies=["nope"]), f'Policy key {{"organization":"{org}","name":"nope"}} not found'),
    ]
    for body, text in bad:
        assert call(developer, "CreateApp", "App", body) == (400, {"message": text}), text
    assert developer.op("/auth/ctrl/ShowApp", {"Region": REGION}).body in (b"", "")
    assert call(developer, "CreateApp", "App", app(org, default_flavor={"name": flavor})) == (200, {})
    key = {"organization": org, "name": "app1", "version": "1.0"}
    assert call(developer, "CreateApp", "App", app(org)) == \
        (400, {"message": f'App key {{"organization":"{org}","name":"app1","version":"1.0"}} already exists'})
    data = shown(developer)[0]
    assert data["key"] == key and data["deployment"] == "kubernetes" and data["image_type"] == "Docker"
    assert data["default_flavor"] == {"name": flavor} and data["created_at"] and data["revision"]
    # deployment from image type, image type from deployment
    assert call(developer, "CreateApp", "App", app(org, "helmapp", image_type="Helm")) == (200, {})
    assert call(developer, "CreateApp", "App", app(org, "dock", image_type="Unknown",
                                                      deployment="docker")) == (200, {})
    assert call(developer, "CreateApp", "App", {"key": {"organization": org, "name": "vm1", "version": "1"},
                                                "image_type": "Qcow"}) == \
        (400, {"message": "Imagepath is required for vm deployments"})
    by_name = {d["key"]["name"]: d for d in shown(developer)}
    assert by_name["helmapp"]["deployment"] == "helm"
    assert (by_name["dock"]["deployment"], by_name["dock"]["image_type"]) == ("docker", "Docker")
    # the flavor is in use by the app
    status, body = call(developer, "DeleteApp", "App", {"key": {"organization": org, "name": "x", "version": "1"}})
    assert status == 400 and body["message"].endswith("not found")


def test_flavor_in_use_by_app(developer, flavor, mx_admin):
    assert call(developer, "CreateApp", "App", app(developer.org, default_flavor={"name": flavor})) == (200, {})
    status, body = call(mx_admin, "DeleteFlavor", "Flavor", {"key": {"name": flavor}})
    assert status == 400 and body["message"] == (
        f'Flavor in use by App {{"organization":"{developer.org}","name":"app1","version":"1.0"}}')
    assert call(developer, "DeleteApp", "App", app(developer.org)) == (200, {})
    assert call(mx_admin, "DeleteFlavor", "Flavor", {"key": {"name": flavor}}) == (200, {})


def test_app_permissions_and_visibility(developer, operator, mx_admin, mx):
    org = developer.org
    assert call(developer, "CreateApp", "App", app(org)) == (200, {})
    outsider = make_user(mx)
    make_org(outsider, "devoutsider", "developer")
    assert call(outsider, "CreateApp", "App", app(org, "x")) == FORBIDDEN
    assert call(outsider, "DeleteApp", "App", app(org)) == FORBIDDEN
    assert outsider.op("/auth/ctrl/ShowApp", {"Region": REGION}).body in (b"", "")
    assert operator.ctrl("ShowApp", "App", {}) == FORBIDDEN
    assert call(operator, "CreateApp", "App", app(operator.org)) == FORBIDDEN
    status, body = call(mx_admin, "CreateApp", "App", app(operator.org))
    assert status == 400 and "only allowed for orgs of type developer" in body["message"]
    assert call(mx_admin, "CreateApp", "App", app("devoutsider", "y")) == (200, {})
    assert sorted(d["key"]["organization"] for d in shown(mx_admin)) == sorted([org, "devoutsider"])
    assert [d["key"]["name"] for d in shown(developer)] == ["app1"]
    viewer = make_user(mx)
    add_role(developer, org, viewer.username, "DeveloperViewer")
    assert len(shown(viewer)) == 1
    assert call(viewer, "UpdateApp", "App", {"key": app(org)["key"], "command": "x"}) == FORBIDDEN
    # filter by example
    assert shown(mx_admin, obj={"key": {"name": "y"}})[0]["key"]["organization"] == "devoutsider"


def test_update_app_applies_present_keys(developer, flavor):
    org = developer.org
    assert call(developer, "CreateApp", "App", app(org, command="run")) == (200, {})
    before = shown(developer)[0]
    assert call(developer, "UpdateApp", "App", {"key": before["key"], "access_ports": "tcp:80,udp:53",
                                                "default_flavor": {"name": flavor}}) == (200, {})
    after = shown(developer)[0]
    assert after["access_ports"] == "tcp:80,udp:53" and after["command"] == "run"
    assert after["default_flavor"] == {"name": flavor} and after["revision"] != before["revision"]
    assert call(developer, "UpdateApp", "App", {"key": before["key"], "access_ports": "nope"}) == \
        (400, {"message": "Invalid AccessPorts format nope"})
    assert shown(developer)[0]["access_ports"] == "tcp:80,udp:53"
    assert call(developer, "UpdateApp", "App", {"key": {**before["key"], "version": "9"}, "command": "x"}) == \
        (400, {"message": f'App key {{"organization":"{org}","name":"app1","version":"9"}} not found'})


def test_alert_and_auto_prov_policies(developer):
    org = developer.org
    key = {"organization": org, "name": "app1", "version": "1.0"}
    assert call(developer, "CreateApp", "App", app(org)) == (200, {})
    # alert policies: no API in the seed, names are stored on the app
    link = {"app_key": key, "alert_policy": "cpu-high"}
    assert call(developer, "AddAppAlertPolicy", "AppAlertPolicy", link) == (200, {})
    assert call(developer, "AddAppAlertPolicy", "AppAlertPolicy", link)[0] == 400
    assert shown(developer)[0]["alert_policies"] == ["cpu-high"]
    assert call(developer, "RemoveAppAlertPolicy", "AppAlertPolicy", link) == (200, {})
    assert "alert_policies" not in shown(developer)[0]
    assert call(developer, "RemoveAppAlertPolicy", "AppAlertPolicy", link)[0] == 400
    # auto-prov policies must exist in the app's org
    plink = {"app_key": key, "auto_prov_policy": "ap1"}
    assert call(developer, "AddAppAutoProvPolicy", "AppAutoProvPolicy", plink) == \
        (400, {"message": f'Policy key {{"organization":"{org}","name":"ap1"}} not found'})
    assert call(developer, "CreateAutoProvPolicy", "AutoProvPolicy",
                {"key": {"organization": org, "name": "ap1"}, "deploy_client_count": 1}) == (200, {})
    assert call(developer, "AddAppAutoProvPolicy", "AppAutoProvPolicy", plink) == (200, {})
    assert shown(developer)[0]["auto_prov_policies"] == ["ap1"]
    policy = {"key": {"organization": org, "name": "ap1"}}
    assert call(developer, "DeleteAutoProvPolicy", "AutoProvPolicy", policy) == \
        (400, {"message": f'Policy in use by App {{"organization":"{org}","name":"app1","version":"1.0"}}'})
    assert call(developer, "RemoveAppAutoProvPolicy", "AppAutoProvPolicy", plink) == (200, {})
    assert "auto_prov_policies" not in shown(developer)[0]
    assert call(developer, "DeleteAutoProvPolicy", "AutoProvPolicy", policy) == (200, {})
    assert call(developer, "AddAppAutoProvPolicy", "AppAutoProvPolicy", {**plink, "app_key": {**key, "name": "no"}}) \
        == (400, {"message": f'App key {{"organization":"{org}","name":"no","version":"1.0"}} not found'})


def test_show_cloudlets_for_app_deployment(developer, operator, cloudlet, flavor):
    body = {"app": {"key": {"organization": developer.org, "name": "app1", "version": "1.0"}}}
    assert call(developer, "ShowCloudletsForAppDeployment", "DeploymentCloudletRequest", body) == \
        (400, {"message": "Must specify default flavor"})
    assert call(developer, "CreateApp", "App", app(developer.org, default_flavor={"name": flavor})) == (200, {})
    status, lines = developer.ctrl("ShowCloudletsForAppDeployment", "DeploymentCloudletRequest", body)
    assert status == 200 and lines == [{"data": cloudlet}]
    status, lines = operator.ctrl("ShowCloudletsForAppDeployment", "DeploymentCloudletRequest",
                                  {"app": {"default_flavor": {"name": flavor}}})
    assert status == 200 and lines == [{"data": cloudlet}]
    assert call(developer, "ShowCloudletsForAppDeployment", "DeploymentCloudletRequest",
                {"app": {"default_flavor": {"name": "nope"}}}) == \
        (400, {"message": 'Flavor key {"name":"nope"} not found'})


MINE = {
    "App": ("CreateApp", "DeleteApp", "UpdateApp", "ShowApp"),
    "AppAlertPolicy": ("AddAppAlertPolicy", "RemoveAppAlertPolicy"),
    "AppAutoProvPolicy": ("AddAppAutoProvPolicy", "RemoveAppAutoProvPolicy"),
    "DeploymentCloudletRequest": ("ShowCloudletsForAppDeployment",),
    "ClusterInst": ("CreateClusterInst", "DeleteClusterInst", "UpdateClusterInst", "ShowClusterInst"),
    "IdleReservableClusterInsts": ("DeleteIdleReservableClusterInsts",),
    "AppInst": ("CreateAppInst", "DeleteAppInst", "RefreshAppInst", "UpdateAppInst", "ShowAppInst"),
    "AutoProvPolicy": ("CreateAutoProvPolicy", "DeleteAutoProvPolicy", "UpdateAutoProvPolicy", "ShowAutoProvPolicy"),
    "AutoProvPolicyCloudlet": ("AddAutoProvPolicyCloudlet", "RemoveAutoProvPolicyCloudlet"),
    "AutoScalePolicy": ("CreateAutoScalePolicy", "DeleteAutoScalePolicy", "UpdateAutoScalePolicy",
                        "ShowAutoScalePolicy"),
}


def test_malformed_input_never_500(developer, mx_admin, cloudlet):
    org = developer.org
    bodies = [None, "", "[]", "{}", '{"Region": 5}', '{"Region": "local"}']
    objects = [[], "x", 7, {}, {"key": "x"}, {"key": {"organization": org}},
               {"key": {"organization": org, "name": "n", "version": "1", "cluster_key": "x", "cloudlet_key": 3}},
               {"key": {"organization": org, "name": "n", "cloudlet_key": cloudlet,
                        "cluster_key": {"name": "c", "organization": org}},
                "app_key": {"organization": org, "name": "n", "version": "1"}, "cluster_key": {"name": "c"},
                "flavor": {"name": "f"}, "cloudlets": [{"key": cloudlet}], "min_nodes": 1, "max_nodes": 2,
                "idle_time": "1h", "app": {"key": {"organization": org}}, "update_multiple": True},
               {"app_key": {"organization": org, "name": "n", "version": "1"}, "alert_policy": "a",
                "auto_prov_policy": "p", "cloudlet_key": cloudlet, "key": {"organization": org, "name": "p"}}]
    for caller in (developer, mx_admin):
        for obj_name, ops in MINE.items():
            for op in ops:
                for raw in bodies:
                    r = caller.op(f"/auth/ctrl/{op}", raw=raw if raw is not None else "")
                    assert r.status_code < 500, (op, raw, r.body)
                for obj in objects:
                    r = caller.op(f"/auth/ctrl/{op}", {"Region": REGION, obj_name: obj})
                    assert r.status_code < 500, (op, obj, r.body)
