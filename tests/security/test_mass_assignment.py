"""Mass assignment on all five APIs (and edgeplane's admin API): create and update bodies that also set
owner / tenant / org / status / role / id / creation fields. Each is either refused (4xx, nothing stored) or
the extra fields are ignored; asserted on the stored object as the API (and the identity store) reads it back:
the id is server-made, the owner/tenant/project is the caller's, status and timestamps are the server's, and no
role or administrator flag was granted.
"""
from __future__ import annotations

from chalicelib.identity import accounts

EVIL_TIME = 946684800  # 2000-01-01


def test_otestack(api):
    from tests.security.conftest import otestack_world
    w = otestack_world(api)
    member, info = w.extra["member"], w.extra["info"]
    from tests.api.otestack.helpers import APP
    st, body = member.post("/v1/app", {**APP, "appName": "massapp", "id": 999999, "tenant": "other",
                                       "businessId": 1, "namespace": "default", "createTime": EVIL_TIME,
                                       "status": 9, "owner": "admin", "userName": "admin"})
    if st == 200:
        app = member.get(f"/v1/app/id/{body['data']['id']}")[1]["data"]
        assert app["id"] != 999999 and app["status"] != 9 and app["createTime"] != EVIL_TIME
        from chalicelib.store.otestack import OteApp
        item = next(iter(OteApp.gsi1.query("OTEAPP", OteApp.gsi1sk == str(app["id"]).zfill(20))))
        assert item.tenant == info["tenant"]
        assert member.get("/v1/app/id/999999")[0] == 404
    else:
        assert 400 <= st < 500
        assert all(a["appName"] != "massapp" for a in member.get("/v1/app")[1]["data"])
    # self-registration cannot grant a role, a business or an approved status
    st, body = api.post("/v1/user", {"user": "massuser", "password": "Regist3rPassw0rd", "phone": "13822223333",
                                     "realName": "M", "isAdmin": True, "role": 4, "status": 1, "systemAdmin": True,
                                     "businessId": info["businessId"], "tenant": info["tenant"]})
    acct = accounts.get_account("massuser")
    if st == 200:
        assert acct is not None and not acct.system_admin and acct.tenant_id is None
        assert acct.status == "pending"
    else:
        assert 400 <= st < 500 and acct is None
    # a password change cannot also change the role or the business
    st, _ = member.put("/v1/user", {"oldPassword": "Passw0rdU", "password": "NewPassw0rd1", "isAdmin": True,
                                    "role": 4, "businessId": 77})
    acct = accounts.get_account(info["member"])
    assert acct.role == "member" and not acct.system_admin and int(acct.profile["businessId"]) == info["businessId"]


def test_edgegallery(api):
    from tests.api.edgegallery.conftest import developer, upload_icon
    dev, other = developer(api), developer(api)
    body = {"name": "massapp", "version": "1.0", "provider": "acme", "appClass": "CONTAINER", "architecture": "X86",
            "description": "d", "iconFileId": upload_icon(dev), "type": "Video Application", "industry": "Smart Park",
            "id": "00000000-0000-0000-0000-000000000001", "status": "PUBLISHED", "createTime": "2000-01-01 00:00",
            "userId": dev.account.account_id, "userName": dev.account.username, "owner": other.account.username}
    st, app = dev.post("/mec/developer/v2/applications", body)
    assert st == 200, app
    stored = dev.get(f"/mec/developer/v2/applications/{app['id']}")[1]
    assert stored["id"] != body["id"] and stored["userId"] == dev.account.account_id
    assert stored["status"] != "PUBLISHED" and not str(stored["createTime"]).startswith("2000")
    assert dev.get(f"/mec/developer/v2/applications/{body['id']}")[0] == 404
    # claiming another user in the body is refused, nothing stored for them
    st, out = dev.post("/mec/developer/v2/applications", {**body, "name": "massapp2",
                                                          "userId": other.account.account_id})
    assert 400 <= st < 500, out
    assert other.get("/mec/developer/v2/applications?limit=50&offset=0")[1]["total"] == 0
    # an update cannot move the application to another owner or status
    st, _ = dev.put(f"/mec/developer/v2/applications/{app['id']}", {**body, "description": "new",
                                                                    "userId": other.account.account_id})
    after = dev.get(f"/mec/developer/v2/applications/{app['id']}")[1]
    assert after["userId"] == dev.account.account_id and after["status"] == stored["status"]
    assert other.get("/mec/developer/v2/applications?limit=50&offset=0")[1]["total"] == 0


def test_mobiledgex(client, inline_workers):
    from tests.api.mobiledgex.conftest import PASSWORD, Mx, login, make_org, make_user
    mx = Mx(client)
    victim = make_user(mx)
    victim.org = make_org(victim, "massvictim", "developer")
    st, body = mx.json("/usercreate", {"Name": "massmx", "Email": "massmx@example.com", "Passhash": PASSWORD,
                                       "EmailVerified": True, "Locked": True, "FailedLogins": 99,
                                       "CreatedAt": "2000-01-01T00:00:00Z", "Role": "AdminManager",
                                       "org": victim.org})
    assert st == 200, body
    user = login(mx, "massmx", PASSWORD)  # not Locked, FailedLogins not applied
    st, cur = user.json("/auth/user/current", {})
    assert st == 200 and not str(cur.get("CreatedAt", "")).startswith("2000") and not cur.get("Locked")
    assert cur.get("FailedLogins", 0) == 0
    assert not accounts.get_account("massmx").system_admin
    # no role in the victim's org, no admin rights
    r = user.op("/auth/ctrl/ShowApp", {"Region": "local", "App": {"key": {"organization": victim.org}}})
    assert r.status_code == 403 or b"massvictim" not in (r.body or b"")
    st, roles = victim.json("/auth/role/showuser", {"org": victim.org})
    assert all(r["username"] != "massmx" for r in roles)
    assert user.json("/auth/ctrl/CreateFlavor", {"Region": "local", "Flavor": {"key": {"name": "f"}, "ram": 1,
                                                                                 "vcpus": 1, "disk": 1}})[0] == 403
    # org creation cannot set its parent / flags it is not allowed, update cannot rename the key
    st, body = user.json("/auth/org/create", {"Name": "massorg", "Type": "developer", "CreatedAt": "2000-01-01",
                                              "DeleteInProgress": True})
    assert st == 200, body
    st, orgs = user.json("/auth/org/show", {})
    org = next(o for o in orgs if o["Name"] == "massorg")
    assert not str(org.get("CreatedAt", "")).startswith("2000") and not org.get("DeleteInProgress")
    # an app created with a foreign organization in its key is refused
    st, body = user.json("/auth/ctrl/CreateApp", {"Region": "local", "App": {
        "key": {"organization": victim.org, "name": "evil", "version": "1"}, "image_type": "Docker",
        "image_path": "docker.io/library/nginx:latest", "access_ports": "tcp:80"}})
    assert st == 403
    r = victim.op("/auth/ctrl/ShowApp", {"Region": "local", "App": {}})
    assert b"evil" not in (r.body or b"")


def test_servicestage(client):
    from tests.api.servicestage.conftest import make_caller
    a, b = make_caller(client), make_caller(client)
    evil = {"id": "00000000000000000000000000000001", "project_id": b.project, "creator": b.username,
            "create_time": EVIL_TIME * 1000, "update_time": EVIL_TIME * 1000, "domain_id": b.account_id}
    st, app = a.post("/v3/{project_id}/cas/applications", {"name": "massapp", **evil})
    if st == 200:
        stored = a.get(f"/v3/{{project_id}}/cas/applications/{app['id']}")[1]
        assert stored["id"] != evil["id"] and stored["project_id"] == a.project and stored["creator"] == a.username
        assert stored["create_time"] > EVIL_TIME * 1000
    else:
        assert 400 <= st < 500
    assert b.get("/v3/{project_id}/cas/applications")[1]["count"] == 0
    st, env = a.post("/v3/{project_id}/cas/environments", {"name": "massenv", "vpc_id": "v", **evil})
    if st == 200:
        stored = a.get(f"/v3/{{project_id}}/cas/environments/{env['id']}")[1]
        assert stored["id"] != evil["id"] and stored["project_id"] == a.project and stored["creator"] == a.username
    assert b.get("/v3/{project_id}/cas/environments")[1]["count"] == 0
    # registry: a microservice's id may be chosen by the client (documented), but not its tenant
    st, body = a.post("/v4/{project_id}/registry/microservices", {"service": {
        "appId": "shop", "serviceName": "masssvc", "version": "1.0.0", "timestamp": str(EVIL_TIME),
        "modTimestamp": str(EVIL_TIME), "project": b.project, "domain": b.account_id}})
    assert st == 200, body
    svc = a.get(f"/v4/{{project_id}}/registry/microservices/{body['serviceId']}")[1]["service"]
    assert svc["timestamp"] != str(EVIL_TIME)
    assert b.get(f"/v4/{{project_id}}/registry/microservices/{body['serviceId']}")[0] == 400


def test_msap(client):
    from tests.api.msap.conftest import main_account
    a, b = main_account(client), main_account(client)
    b.project()
    b_tenant = b.ok_get("/v1/project/listProjectsPage")["list"][0].get("tenantId")
    st, env = a.post("/v1/project/createProject", {"projectCode": "massp", "projectName": "安全项目",
                                                   "id": "1", "tenantId": b_tenant, "createUser": b.username,
                                                   "createTime": "2000-01-01 00:00:00", "status": 9,
                                                   "ownerId": b.user_id})
    assert st == 200 and env["code"] == "200", env
    pid = env["data"]
    assert str(pid) != "1"
    rows = a.ok_get("/v1/project/listProjectsPage")["list"]
    mine = next(p for p in rows if str(p.get("projectId", p.get("id"))) == str(pid))
    assert mine.get("tenantId") != b_tenant or b_tenant is None
    assert not str(mine.get("createTime", "")).startswith("2000") and mine.get("createUser", a.username) != b.username
    assert all(p.get("projectCode") != "massp" for p in b.ok_get("/v1/project/listProjectsPage")["list"])
    # a sub-account created with main=true / another tenant stays a sub-account of the creator's tenant
    st, env = a.post("/v1/tenant/createSubAccount", {"userName": "massub", "password": "Msap-Passw0rd-Tester",
                                                     "realName": "S", "orgName": "o", "main": True,
                                                     "tenantId": b_tenant, "systemAdmin": True})
    assert st == 200, env
    from chalicelib.surfaces.msap.identity import get_ms_account
    ms = get_ms_account("massub")
    assert ms is not None and not ms.main and ms.tenant_id == get_ms_account(a.username).tenant_id
    assert not accounts.get_account("massub").system_admin


def test_edgeplane_users_cannot_raise_themselves(api, edgeplane_admin):
    from chalicelib.identity import tokens
    assert edgeplane_admin.post("/edgeplane/v1/users", {"username": "plainu", "password": "Plain-Passw0rd-1"})[0] \
        in (200, 201)
    tok, _ = tokens.issue("plainu", "edgeplane")
    me = api.with_headers(authorization=f"Bearer {tok}")
    for method in ("PATCH", "PUT"):
        st, _ = me.call(method, "/edgeplane/v1/users/plainu", {"systemAdmin": True, "system_admin": True,
                                                              "role": "admin", "status": "active"})
        assert st in (400, 401, 403, 404, 422)
    acct = accounts.get_account("plainu")
    assert not acct.system_admin and acct.role != "admin"
    assert me.get("/edgeplane/v1/audit")[0] == 403
