"""The MobiledgeX core: login, Go-style bodies, regions, the permission checks, streams, long-running work."""
from __future__ import annotations

from tests.api.mobiledgex.conftest import REGION, cloudlet_body, make_user, messages


def test_login_returns_token_admin_flag_and_cookie(mx):
    r = mx.op("/login", {"username": "admin", "password": "Adm1nPassw0rd"})
    assert r.status_code == 200
    import json
    body = json.loads(r.body)
    assert body["admin"] is True and body["token"]
    cookie = {k.lower(): v for k, v in r.headers.items()}["set-cookie"]
    assert "token=" in cookie and "HttpOnly" in cookie
    # the cookie alone authenticates
    status, me = mx.json("/auth/user/current", headers={"cookie": f"token={body['token']}"})
    assert status == 200 and me["Name"] == "admin" and me["Passhash"] == "" and me["Iter"] == 0


def test_auth_errors(mx):
    assert mx.json("/auth/user/current") == (401, {"message": "No bearer token found"})
    assert mx.json("/auth/user/current", headers={"authorization": "Bearer nope"}) == \
        (401, {"message": "Invalid or expired jwt"})
    assert mx.json("/login", {"username": "admin", "password": "wrong"}) == \
        (400, {"message": "Invalid username or password"})
    assert mx.json("/login", {"username": "ghost", "password": "wrong"}) == \
        (400, {"message": "Invalid username or password"})
    assert mx.json("/login", {"password": "x"}) == (400, {"message": "Username not specified"})


def test_failed_logins_block_the_account(mx):
    make_user(mx, "blocked1")
    for _ in range(3):
        assert mx.json("/login", {"username": "blocked1", "password": "wrong-password"})[0] == 400
    status, body = mx.json("/login", {"username": "blocked1", "password": "Mx-Edge-Cloud-Tester-2026!"})
    assert status == 400 and body["message"].startswith("Login temporarily disabled due to 3 failed login attempts")
    from chalicelib.core import clock
    clock.advance(61)
    assert mx.json("/login", {"username": "blocked1", "password": "Mx-Edge-Cloud-Tester-2026!"})[0] == 200


def test_go_style_decoding(mx, mx_admin):
    # keys case-insensitive, unknown keys ignored
    status, body = mx_admin.json("/auth/ctrl/CreateFlavor", {"region": REGION, "flavor": {
        "KEY": {"Name": "f1"}, "ram": 512, "vcpus": 1, "disk": 1, "bogus": True}})
    assert (status, body) == (200, {})
    status, lines = mx_admin.ctrl("ShowFlavor", "Flavor", {"key": {"name": "f1"}})
    assert lines == [{"data": {"key": {"name": "f1"}, "ram": 512, "vcpus": 1, "disk": 1,
                               "created_at": lines[0]["data"]["created_at"],
                               "updated_at": lines[0]["data"]["updated_at"]}}]
    # type errors in Go's words
    status, body = mx_admin.json("/auth/ctrl/CreateFlavor", {"Region": REGION, "Flavor": {
        "key": {"name": "f2"}, "ram": "lots"}})
    assert status == 400
    assert body["message"] == ('Invalid JSON data: Unmarshal error: expected int, but got string for field '
                               '"Flavor.ram"')
    assert mx_admin.json("/auth/ctrl/CreateFlavor", raw="{not json")[0] == 400


def test_regions(mx_admin):
    flavor = {"key": {"name": "f1"}, "ram": 1, "vcpus": 1, "disk": 1}
    assert mx_admin.json("/auth/ctrl/CreateFlavor", {"Flavor": flavor}) == (400, {"message": "No region specified"})
    assert mx_admin.json("/auth/ctrl/CreateFlavor", {"Region": "Mars", "Flavor": flavor}) == \
        (400, {"message": 'Region "Mars" not found'})


def test_flavor_rules_and_admin_only(mx_admin, developer):
    base = {"key": {"name": "f1"}, "ram": 1024, "vcpus": 2, "disk": 10}
    assert developer.json("/auth/ctrl/CreateFlavor", {"Region": REGION, "Flavor": base}) == \
        (403, {"message": "Forbidden"})
    assert mx_admin.json("/auth/ctrl/CreateFlavor", {"Region": REGION, "Flavor": {**base, "ram": 0}}) == \
        (400, {"message": "Ram cannot be 0"})
    assert mx_admin.json("/auth/ctrl/CreateFlavor", {"Region": REGION, "Flavor": base}) == (200, {})
    assert mx_admin.json("/auth/ctrl/CreateFlavor", {"Region": REGION, "Flavor": base}) == \
        (400, {"message": 'Flavor key {"name":"f1"} already exists'})
    # any logged-in user may show flavors
    status, lines = developer.ctrl("ShowFlavor", "Flavor", {})
    assert status == 200 and [line["data"]["key"]["name"] for line in lines] == ["f1"]
    # update exactly the keys present
    assert mx_admin.json("/auth/ctrl/UpdateFlavor", {"Region": REGION, "Flavor": {"key": {"name": "f1"},
                                                                                  "ram": 2048}}) == (200, {})
    _, lines = developer.ctrl("ShowFlavor", "Flavor", {"key": {"name": "f1"}})
    assert lines[0]["data"]["ram"] == 2048 and lines[0]["data"]["vcpus"] == 2
    assert mx_admin.json("/auth/ctrl/DeleteFlavor", {"Region": REGION, "Flavor": {"key": {"name": "f1"}}}) == (200, {})
    status, body = developer.op("/auth/ctrl/ShowFlavor", {"Region": REGION}).status_code, None
    assert status == 200
    assert developer.op("/auth/ctrl/ShowFlavor", {"Region": REGION}).body in (b"", "")
    assert mx_admin.json("/auth/ctrl/DeleteFlavor", {"Region": REGION, "Flavor": {"key": {"name": "f1"}}}) == \
        (400, {"message": 'Flavor key {"name":"f1"} not found'})


def test_cloudlet_create_streams_progress_and_show_filters(operator, developer, mx_admin, flavor):
    status, lines = operator.ctrl("CreateCloudlet", "Cloudlet", cloudlet_body(operator.org, flavor={"name": flavor}))
    assert status == 200
    assert messages(lines) == ["Setting physicalname to match cloudlet name", "Creating Cloudlet",
                               "Starting CRMServer", "Initializing platform", "Done initializing fake platform",
                               "Gathering Cloudlet Info", "Created Cloudlet successfully"]
    _, shown = operator.ctrl("ShowCloudlet", "Cloudlet", {})
    assert [s["data"]["state"] for s in shown] == ["Ready"]
    assert shown[0]["data"]["flavor"] == {"name": flavor}
    # a developer sees the public cloudlet, reduced
    _, dev_view = developer.ctrl("ShowCloudlet", "Cloudlet", {})
    assert len(dev_view) == 1 and "flavor" not in dev_view[0]["data"] and dev_view[0]["data"]["state"] == "Ready"
    # the flavor is in use by the cloudlet
    status, body = mx_admin.json("/auth/ctrl/DeleteFlavor", {"Region": REGION, "Flavor": {"key": {"name": flavor}}})
    assert status == 400 and body["message"].startswith("Flavor in use by Cloudlet")
    # a developer cannot create cloudlets in an operator org, nor in its own developer org
    assert developer.ctrl("CreateCloudlet", "Cloudlet", cloudlet_body(operator.org, "c2"))[0] == 403
    assert developer.ctrl("CreateCloudlet", "Cloudlet", cloudlet_body(developer.org, "c2"))[0] == 403
    status, body = mx_admin.ctrl("CreateCloudlet", "Cloudlet", cloudlet_body(developer.org, "c2"))
    assert status == 400 and "only allowed for orgs of type operator" in body["message"]
    status, lines = operator.ctrl("DeleteCloudlet", "Cloudlet", {"key": {"organization": operator.org,
                                                                         "name": "cloudlet1"}})
    assert messages(lines)[-1] == "Deleted Cloudlet successfully"
    assert operator.op("/auth/ctrl/ShowCloudlet", {"Region": REGION}).body in (b"", "")
    assert mx_admin.json("/auth/ctrl/DeleteFlavor", {"Region": REGION, "Flavor": {"key": {"name": flavor}}}) == (200, {})


def test_cloudlet_create_failure_ends_with_result_line_and_undo(operator, edgeplane_admin):
    from chalicelib import targets
    from chalicelib.surfaces.mobiledgex import lifecycle
    key = {"organization": operator.org, "name": "bad"}
    targets.register_cluster(lifecycle.target_name(REGION, key))
    targets.set_faults(lifecycle.target_name(REGION, key), {"apply": "error"})
    status, lines = operator.ctrl("CreateCloudlet", "Cloudlet", cloudlet_body(operator.org, "bad"))
    assert status == 200
    assert "result" in lines[-1] and lines[-1]["result"]["code"] == 400
    assert "Encountered failures" in lines[-1]["result"]["message"]
    assert "DELETING Cloudlet due to failures" in messages(lines)
    assert operator.op("/auth/ctrl/ShowCloudlet", {"Region": REGION}).body in (b"", "")


def test_stream_budget_ends_with_current_state(operator, monkeypatch):
    from chalicelib import jobs
    from chalicelib.core import config
    jobs.set_idle(lambda: None)  # no worker runs
    monkeypatch.setenv("EDGEPLANE_MX_STREAM_WAIT", "0")
    config.reload()
    try:
        status, lines = operator.ctrl("CreateCloudlet", "Cloudlet", cloudlet_body(operator.org, "slow"))
    finally:
        monkeypatch.delenv("EDGEPLANE_MX_STREAM_WAIT")
        config.reload()
    assert status == 200 and "continues in the background" in messages(lines)[-1]
    _, shown = operator.ctrl("ShowCloudlet", "Cloudlet", {})
    assert shown[0]["data"]["state"] == "CreateRequested"
