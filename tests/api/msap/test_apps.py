"""5.1 applications (generic), 5.9 service connections, build/runtime environment catalogues."""
import itertools

from chalicelib.store.msap import MsObj
from chalicelib.surfaces.msap import objects
from chalicelib.surfaces.msap.identity import get_ms_account
from tests.api.msap.conftest import add_member

_n = itertools.count(1)
CREATE = "/v1/app/createApplication"
PAGE = "/v1/app/getApplicationListPage"
UPDATE = "/v1/app/updateApplication"
DELETE = "/v1/app/deleteApplication"
CONN_CREATE = "/v1/service/connection/createServiceConnection"
CONN_LIST = "/v1/service/connection/listServiceConnection"


# ---------------------------------------------------------------- helpers (also used by the other test modules)
def tenant_of(ms) -> str:
    return get_ms_account(ms.username).tenant_id


def make_connection(ms, pid, ctype="GITHUB", name=None, token="ghp_secret-token-123") -> str:
    return ms.ok_post(CONN_CREATE, {"projectId": pid, "connectionName": name or f"conn{next(_n)}",
                                    "connectionType": ctype, "token": token})


def app_body(pid, conn, name=None, origin="GITHUB", **extra):
    return dict({"name": name or f"app{next(_n):03d}", "origin": origin, "projectId": pid, "connectionId": conn,
                 "codeReposAddress": "https://github.com/acme/shop-api.git", "description": "商城接口"}, **extra)


def make_app(ms, pid, conn=None, name=None, **extra) -> str:
    conn = conn or make_connection(ms, pid)
    return ms.ok_post(CREATE, app_body(pid, conn, name, **extra))


def rows(ms, pid, **params):
    return ms.ok_get(PAGE, projectId=pid, **params)


# ---------------------------------------------------------------- service connections
def test_connections_create_and_list(ms):
    pid = ms.project()
    gh = make_connection(ms, pid, "GITHUB", name="github-main", token="ghp_very-secret")
    ge = make_connection(ms, pid, "GITEE", name="gitee-mirror")
    listed = ms.ok_get(CONN_LIST, projectId=pid)
    assert [r["connectionId"] for r in listed] == [gh, ge]
    row = listed[0]
    assert set(row) == {"connectionId", "connectionName", "connectionType", "connectionTypeName", "createStaff",
                        "createTime"}
    assert row["connectionName"] == "github-main" and row["connectionType"] == "GITHUB"
    assert row["connectionTypeName"] == "GitHub" and row["createTime"].isdigit() and row["createStaff"]
    assert "ghp_very-secret" not in str(listed)
    assert [r["connectionId"] for r in ms.ok_get(CONN_LIST, projectId=pid, connectionType="GITEE")] == [ge]
    assert [r["connectionId"] for r in ms.ok_get(CONN_LIST, projectId=pid, connectionName="MAIN")] == [gh]
    # the token is sealed at rest and unseals to the original
    item = objects.get(tenant_of(ms), "connection", gh)
    assert "ghp_very-secret" not in str(item.extra) and "ghp_very-secret" not in str(item.data)
    from chalicelib.surfaces.msap import identity, service_app
    assert service_app.connection_token(identity.user_by_name(tenant_of(ms), ms.username), gh) == "ghp_very-secret"


def test_connection_validation_and_access(ms, ms_other):
    pid = ms.project()
    make_connection(ms, pid, name="dup")
    assert ms.fails("GET", CONN_LIST, {}) == {"field": "projectId", "message": "此属性是必填项"}
    assert "取值不正确" in ms.fails("GET", CONN_LIST, {"projectId": pid, "connectionType": "SVN"})
    assert ms.fails("POST", CONN_CREATE, {"projectId": pid, "connectionName": "dup", "connectionType": "GITHUB",
                                          "token": "t"}, 409) == "服务连接名称已存在"
    assert "取值不正确" in ms.fails("POST", CONN_CREATE, {"projectId": pid, "connectionName": "x",
                                                      "connectionType": "SVN", "token": "t"})
    assert ms.fails("POST", CONN_CREATE, {"projectId": pid, "connectionName": "x", "connectionType": "GITEE"}) \
        == "访问令牌不能为空"
    assert len(ms.ok_get(CONN_LIST, projectId=pid)) == 1
    # another tenant sees nothing of the project; a developer member may list but not create
    assert ms_other.fails("GET", CONN_LIST, {"projectId": pid}, 404) == "项目不存在"
    dev = ms.sub_account()
    add_member(ms, pid, dev, roles=(2,))
    assert len(dev.ok_get(CONN_LIST, projectId=pid)) == 1
    assert dev.fails("POST", CONN_CREATE, {"projectId": pid, "connectionName": "mine", "connectionType": "GITEE",
                                           "token": "t"}, 403)


# ---------------------------------------------------------------- applications
def test_create_and_list_application(ms):
    pid = ms.project()
    conn = make_connection(ms, pid)
    app_id = ms.ok_post(CREATE, app_body(pid, conn, "shopApi2"))
    page = rows(ms, pid)
    assert page["total"] == 1 and page["pageNum"] == 1 and page["pageSize"] == 10 and page["isLastPage"]
    row = page["list"][0]
    expected = {"appGroupId": "", "appGroupName": "", "appId": app_id, "category": "GENERAL_APP",
                "codeReposAddress": "https://github.com/acme/shop-api.git", "codeReposName": "shop-api",
                "codeReposOrganization": "acme", "connectionId": conn, "description": "商城接口", "name": "shopApi2",
                "origin": "GITHUB", "statusCd": "S0A", "type": "EXTERNAL_CODE"}
    assert {k: row[k] for k in expected} == expected
    assert row["createTime"].isdigit() and row["statusTime"].isdigit() and row["createStaff"]
    # persisted with the creator and project (other modules rely on these)
    item = objects.get(tenant_of(ms), "app", app_id)
    assert item.data["projectId"] == pid and item.data["createUserId"] == ms.user_id and item.name == "shopApi2"
    # the misspelt "appld" of the document's examples is accepted
    assert ms.ok_post(UPDATE, {"appld": app_id, "description": "d2"}) is True


def test_create_application_validation(ms):
    pid = ms.project()
    conn = make_connection(ms, pid, "GITHUB")
    gitee = make_connection(ms, pid, "GITEE")
    bad = [
        (app_body(pid, conn, "测试应用"), "应用名称不规范"),
        (app_body(pid, conn, "ab"), "应用名称不规范"),
        (app_body(pid, conn, "Upper1"), "应用名称不规范"),
        (app_body(pid, conn, "a" + "b" * 30), "应用名称不规范"),
        (app_body(pid, conn, "okName", origin="test"), "代码仓库来源取值不正确"),
        (app_body(pid, conn, "okName", codeReposAddress="git@github.com:a/b.git"), "仓库地址不规范"),
        (app_body(pid, conn, "okName", codeReposAddress="http://[broken/x"), "仓库地址不规范"),
        (app_body(pid, conn, "okName", codeReposAddress="https://github.com/" + "x" * 90), "仓库地址不规范"),
        (app_body(pid, conn, "okName", description="长" * 501), "应用描述长度不能超过500个字符"),
        ({"name": "okName", "origin": "GITHUB", "projectId": pid, "connectionId": conn}, "仓库地址不能为空"),
        ({**app_body(pid, conn, "okName"), "connectionId": ""}, "服务连接 ID 不能为空"),
        ({**app_body(pid, conn, "okName"), "projectId": ""}, "项目 ID 不能为空"),
    ]
    for body, msg in bad:
        assert msg in ms.fails("POST", CREATE, body), body
    assert ms.fails("POST", CREATE, app_body(pid, gitee, "okName", origin="GITHUB")).startswith("服务连接类型")
    assert ms.fails("POST", CREATE, app_body(pid, "no-such-conn", "okName"), 404) == "服务连接不存在"
    assert ms.fails("POST", CREATE, app_body("no-such-project", conn, "okName"), 404) == "项目不存在"
    other_pid = ms.project()  # a connection of another project does not do
    assert ms.fails("POST", CREATE, app_body(other_pid, conn, "okName"), 404) == "服务连接不存在"
    assert rows(ms, pid)["total"] == 0  # nothing was written
    make_app(ms, pid, conn, "okName")
    assert ms.fails("POST", CREATE, app_body(pid, conn, "okName"), 409) == "应用名称已存在"
    make_app(ms, other_pid, None, "okName")  # unique per project only
    assert rows(ms, pid)["total"] == 1 and rows(ms, other_pid)["total"] == 1


def test_list_filters_and_paging(ms):
    pid = ms.project()
    conn = make_connection(ms, pid)
    ids = [make_app(ms, pid, conn, f"order{i:02d}") for i in range(6)]
    make_app(ms, pid, conn, "billing")
    assert rows(ms, pid)["total"] == 7
    p = rows(ms, pid, name="ORDER", pageNum=2, pageSize=4)
    assert (p["total"], p["pages"], p["size"], p["pageNum"]) == (6, 2, 2, 2)
    assert [r["appId"] for r in p["list"]] == [ids[1], ids[0]]  # newest first
    assert rows(ms, pid, name="nothing")["total"] == 0
    gid = ms.ok_post("/v1/app/group/insertApplicationGroup", {"name": "订单", "projectId": pid})
    assert ms.ok_post("/v1/app/setApplicationGroup", {"appId": ids[3], "appGroupId": gid}) is True
    grouped = rows(ms, pid, appGroupId=gid)
    assert grouped["total"] == 1 and grouped["list"][0]["appId"] == ids[3]
    assert grouped["list"][0]["appGroupId"] == gid and grouped["list"][0]["appGroupName"] == "订单"
    assert ms.fails("GET", PAGE, {}) == {"field": "projectId", "message": "此属性是必填项"}
    assert ms.fails("GET", PAGE, {"projectId": pid, "pageSize": "0"}).startswith("每页条数")


def test_update_application(ms):
    pid = ms.project()
    gh1, gh2 = make_connection(ms, pid, "GITHUB"), make_connection(ms, pid, "GITHUB")
    gitee = make_connection(ms, pid, "GITEE")
    app_id = make_app(ms, pid, gh1)
    assert ms.ok_post(UPDATE, {"appId": app_id, "connectionId": gh2, "description": "新描述"}) is True
    row = rows(ms, pid)["list"][0]
    assert row["connectionId"] == gh2 and row["description"] == "新描述"
    assert ms.fails("POST", UPDATE, {"appId": app_id, "connectionId": gitee}).startswith("服务连接类型")
    assert ms.fails("POST", UPDATE, {"appId": app_id, "connectionId": "nope"}, 404) == "服务连接不存在"
    assert ms.fails("POST", UPDATE, {"appId": app_id, "description": "x" * 501}) == "应用描述长度不能超过500个字符"
    assert ms.fails("POST", UPDATE, {"appId": "missing"}, 404) == "应用不存在"
    assert ms.fails("POST", UPDATE, {"description": "x"}) == "应用 ID 不能为空"
    row = rows(ms, pid)["list"][0]
    assert row["connectionId"] == gh2 and row["description"] == "新描述"  # failures changed nothing


def test_delete_application(ms):
    pid = ms.project()
    app_id = make_app(ms, pid)
    dev = ms.sub_account()
    add_member(ms, pid, dev, roles=(2,))
    ms.ok_post("/v1/data/authorize/authorizeApplication", {"appId": app_id, "projectId": pid,
                                                           "userIds": [dev.user_id]})
    tenant = tenant_of(ms)
    assert objects.get(tenant, "appauth", f"{app_id}#{dev.user_id}") is not None
    # a deployed application (release instance) blocks deletion
    deploy = objects.create(tenant, "deploy", {"appId": app_id, "deployEnvId": "env-1", "projectId": pid},
                            parent=pid, lookup=(f"MS#{tenant}#DEPLOYAPP#{app_id}", "env-1#dep-1"))
    assert ms.fails("POST", DELETE, {"appId": app_id}, 409) == "应用存在发布实例，不能删除"
    assert rows(ms, pid)["total"] == 1
    objects.delete(deploy, unique=False)
    assert ms.ok_post(DELETE, {"appId": app_id}) is True
    assert rows(ms, pid)["total"] == 0
    assert objects.get(tenant, "appauth", f"{app_id}#{dev.user_id}") is None  # its permissions went with it
    assert ms.fails("POST", DELETE, {"appId": app_id}, 404) == "应用不存在"
    assert ms.fails("POST", DELETE, {}) == "应用 ID 不能为空"
    assert not list(MsObj.gsi4.query(f"MS#{tenant}#DEPLOYAPP#{app_id}"))


def test_app_name_freed_after_delete(ms):
    pid = ms.project()
    app_id = make_app(ms, pid, None, "sameName")
    ms.ok_post(DELETE, {"appId": app_id})
    assert make_app(ms, pid, None, "sameName") != app_id


def test_tenancy_and_roles(ms, ms_other):
    pid = ms.project()
    conn = make_connection(ms, pid)
    app_id = make_app(ms, pid, conn)
    for method, path, args in [("GET", PAGE, {"projectId": pid}), ("POST", CREATE, app_body(pid, conn))]:
        assert ms_other.fails(method, path, args, 404) == "项目不存在"
    for path in (UPDATE, DELETE):
        assert ms_other.fails("POST", path, {"appId": app_id, "description": "hijack"}, 404) == "应用不存在"
    outsider = ms.sub_account()  # same tenant, not a member
    assert outsider.fails("GET", PAGE, {"projectId": pid}, 403)
    guest = ms.sub_account()
    add_member(ms, pid, guest, roles=(5,))
    assert guest.ok_get(PAGE, projectId=pid)["total"] == 1
    assert guest.fails("POST", CREATE, app_body(pid, conn), 403) == "访客无权执行该操作"
    # a developer creates an application and operates it as its creator, but not somebody else's
    dev = ms.sub_account()
    add_member(ms, pid, dev, roles=(2,))
    mine = dev.ok_post(CREATE, app_body(pid, conn))
    assert dev.ok_post(UPDATE, {"appId": mine, "description": "mine"}) is True
    assert dev.fails("POST", UPDATE, {"appId": app_id, "description": "not mine"}, 403) == "您没有该应用的操作权限"
    assert dev.fails("POST", DELETE, {"appId": app_id}, 403) == "您没有该应用的操作权限"
    assert dev.ok_post(DELETE, {"appId": mine}) is True
    assert rows(ms, pid)["total"] == 1 and rows(ms, pid)["list"][0]["description"] == "商城接口"


# ---------------------------------------------------------------- catalogues
def test_build_and_runtime_envs(ms, anon):
    builds = ms.ok_get("/v1/app/listBuildEnvs", buildEnvLabel="java")
    assert builds and all(b["buildEnvLabel"] == "JAVA" for b in builds)
    assert set(builds[0]) == {"buildCommand", "buildEnvCode", "buildEnvId", "buildEnvLabel", "buildEnvName",
                              "buildEnvType", "description"}
    assert isinstance(builds[0]["buildEnvId"], int)
    assert ms.ok_get("/v1/app/listBuildEnvs", buildEnvLabel="COBOL") == []
    assert ms.fails("GET", "/v1/app/listBuildEnvs", {}) == {"field": "buildEnvLabel", "message": "此属性是必填项"}
    runtimes = ms.ok_get("/v1/app/listRuntimeEnvs", runtimeEnvLabel="JAVA")
    assert runtimes and set(runtimes[0]) == {"label", "runtimeEnvCode", "runtimeEnvId", "runtimeEnvName",
                                             "versionList"}
    assert isinstance(runtimes[0]["runtimeEnvId"], int)
    v = runtimes[0]["versionList"][0]
    assert set(v) == {"runtimeEnvVer", "runtimeEnvVerId"} and isinstance(v["runtimeEnvVerId"], int)
    assert ms.ok_get("/v1/app/listRuntimeEnvs", runtimeEnvLabel="go") == []
    assert ms.fails("GET", "/v1/app/listRuntimeEnvs", {}) == {"field": "runtimeEnvLabel", "message": "此属性是必填项"}
    status, env = anon.get("/v1/app/listBuildEnvs", buildEnvLabel="JAVA")
    assert status == 401 and env["code"] == "401"
