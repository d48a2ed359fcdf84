"""5.11 data permissions: members' operation rights on one application or environment."""
import itertools

from chalicelib.surfaces.msap import objects
from tests.api.msap.conftest import add_member
from tests.api.msap.test_apps import make_app, tenant_of

_n = itertools.count(1)
BASE = "/v1/data/authorize/"
UPDATE_APP = "/v1/app/updateApplication"


def make_env(ms, pid) -> str:
    """An environment through createEnv when that module is there, else the object the env module writes."""
    n = next(_n)
    status, env = ms.post("/v1/env/createEnv", {"envCode": f"dev-env-{n}", "envName": f"开发环境{n:02d}",
                                                "envType": "DEVELOP", "projectId": pid, "resPoolId": "local-pool"})
    if status == 200 and isinstance(env, dict) and env.get("code") == "200":
        return env["data"]
    item = objects.create(tenant_of(ms), "env", {"envCode": f"dev-env-{n}", "envName": f"开发环境{n:02d}",
                                                 "envType": "DEVELOP", "projectId": pid,
                                                 "createUserId": ms.user_id, "createTime": objects.now_ms_str()},
                          parent=pid, name=f"dev-env-{n}")
    item.data["envId"] = item.obj_id
    objects.save(item)
    return item.obj_id


def members(ms, pid, *roles_list):
    out = []
    for roles in roles_list:
        sub = ms.sub_account(real_name=f"成员{next(_n)}")
        add_member(ms, pid, sub, roles=roles)
        out.append(sub)
    return out


def names(page):
    return [r["userName"] for r in page["list"]]


def test_app_permission_grants_operation(ms):
    """A member without the app permission gets 403; authorizeApplication lets it operate; removal takes it away."""
    pid = ms.project()
    app_id = make_app(ms, pid)
    dev, = members(ms, pid, (2,))
    change = {"appId": app_id, "description": "by dev"}
    assert dev.fails("POST", UPDATE_APP, change, 403) == "您没有该应用的操作权限"
    assert ms.ok_post(BASE + "authorizeApplication", {"appId": app_id, "projectId": pid,
                                                      "userIds": [dev.user_id]}) is True
    assert dev.ok_post(UPDATE_APP, change) is True
    assert ms.ok_post(BASE + "removeAppAuthority", {"appId": app_id, "projectId": pid,
                                                    "userIds": [dev.user_id]}) is True
    assert dev.fails("POST", UPDATE_APP, {"appId": app_id, "description": "again"}, 403) == "您没有该应用的操作权限"
    assert ms.ok_get("/v1/app/getApplicationListPage", projectId=pid)["list"][0]["description"] == "by dev"


def test_app_authority_lists(ms):
    pid = ms.project()
    app_id = make_app(ms, pid)
    dev, tester, guest = members(ms, pid, (2,), (3,), (5,))
    admin, = members(ms, pid, (1,))
    q = {"appId": app_id, "projectId": pid}
    assert ms.ok_get(BASE + "listAppAuthorities", **q)["total"] == 0
    enable = ms.ok_get(BASE + "listAppEnableAuthorities", **q)
    # project administrators (the creator among them) operate by role already
    assert set(names(enable)) == {dev.username, tester.username, guest.username}
    ms.ok_post(BASE + "authorizeApplication", {**q, "userIds": [dev.user_id, tester.user_id, dev.user_id]})
    held = ms.ok_get(BASE + "listAppAuthorities", **q)
    assert held["total"] == 2 and set(names(held)) == {dev.username, tester.username}
    row = next(r for r in held["list"] if r["userName"] == dev.username)
    assert set(row) == {"canRemove", "createTime", "groupName", "orgName", "realName", "roleId", "userId",
                        "userName"}
    assert row["canRemove"] is True and row["roleId"] == [2] and row["groupName"] == "开发人员"
    assert row["userId"] == dev.user_id and row["orgName"] == "研发部" and row["createTime"].isdigit()
    assert names(ms.ok_get(BASE + "listAppEnableAuthorities", **q)) == [guest.username]
    # granting again is harmless, keyword search covers account and real name, paging works
    ms.ok_post(BASE + "authorizeApplication", {**q, "userIds": [dev.user_id]})
    assert ms.ok_get(BASE + "listAppAuthorities", **q)["total"] == 2
    assert names(ms.ok_get(BASE + "listAppAuthorities", **q, keyword=dev.username.upper())) == [dev.username]
    real = next(r["realName"] for r in held["list"] if r["userName"] == tester.username)
    assert names(ms.ok_get(BASE + "listAppAuthorities", **q, keyword=real)) == [tester.username]
    p = ms.ok_get(BASE + "listAppAuthorities", **q, pageNum=2, pageSize=1)
    assert (p["total"], p["pages"], p["size"], p["pageNum"]) == (2, 2, 1, 2)
    # members read the lists; only administrators change them
    assert dev.ok_get(BASE + "listAppAuthorities", **q)["total"] == 2
    assert dev.fails("POST", BASE + "authorizeApplication", {**q, "userIds": [guest.user_id]}, 403) \
        == "只有项目管理员可以执行该操作"
    assert dev.fails("POST", BASE + "removeAppAuthority", {**q, "userIds": [tester.user_id]}, 403)
    assert admin.ok_post(BASE + "removeAppAuthority", {**q, "userIds": [tester.user_id]}) is True
    assert names(ms.ok_get(BASE + "listAppAuthorities", **q)) == [dev.username]
    # a member removed from the project loses the visible right
    ms.ok_post("/v1/project/member/removeSub", {"projectId": pid, "userList": [
        {"userId": dev.user_id, "userName": dev.username}]})
    assert ms.ok_get(BASE + "listAppAuthorities", **q)["total"] == 0


def test_data_auth_validation(ms, ms_other):
    pid = ms.project()
    app_id = make_app(ms, pid)
    dev, = members(ms, pid, (2,))
    outsider = ms.sub_account()  # same tenant, not a project member
    q = {"appId": app_id, "projectId": pid}
    assert ms.fails("POST", BASE + "authorizeApplication", {"projectId": pid, "userIds": [1]}) == "应用 ID 不能为空"
    assert ms.fails("POST", BASE + "authorizeApplication", {**q}) == "用户 ID 列表不能为空"
    assert ms.fails("POST", BASE + "authorizeApplication", {**q, "userIds": []}) == "用户 ID 列表不能为空"
    assert ms.fails("POST", BASE + "authorizeApplication", {**q, "userIds": "Array"}) == "用户 ID 列表必须是数组"
    assert ms.fails("POST", BASE + "authorizeApplication", {**q, "userIds": ["x"]}) == "用户 ID 列表必须是整数"
    assert ms.fails("POST", BASE + "authorizeApplication", {"appId": app_id, "userIds": [1]}) == "项目 ID 不能为空"
    # every user must be a member: nothing is granted when one is not
    assert ms.fails("POST", BASE + "authorizeApplication", {**q, "userIds": [dev.user_id, outsider.user_id]}) \
        == f"用户[{outsider.user_id}]不是项目成员"
    assert ms.ok_get(BASE + "listAppAuthorities", **q)["total"] == 0
    assert ms.fails("POST", BASE + "removeAppAuthority", {**q, "userIds": [outsider.user_id]}) \
        == f"用户[{outsider.user_id}]不是项目成员"
    assert ms.fails("POST", BASE + "authorizeApplication", {**q, "appId": "nope", "userIds": [dev.user_id]},
                    404) == "应用[nope]不存在"
    assert ms.fails("POST", BASE + "removeAppAuthority", {**q, "appId": "nope", "userIds": [dev.user_id]},
                    404) == "应用[nope]不存在"
    other_pid = ms.project()  # the application must be in the named project
    assert ms.fails("POST", BASE + "authorizeApplication", {**q, "projectId": other_pid,
                                                            "userIds": [dev.user_id]}, 404) == f"应用[{app_id}]不存在"
    assert ms.fails("GET", BASE + "listAppAuthorities", {"appId": app_id}) == {"field": "projectId",
                                                                               "message": "此属性是必填项"}
    assert ms.fails("GET", BASE + "listAppEnableAuthorities", {"projectId": pid}) == {"field": "appId",
                                                                                      "message": "此属性是必填项"}
    assert ms.fails("GET", BASE + "listAppAuthorities", {**q, "pageNum": "x"}) == "页码必须是整数"
    # the misspelt appld of the document is accepted
    assert ms.ok_post(BASE + "authorizeApplication", {"appld": app_id, "projectId": pid,
                                                      "userIds": [dev.user_id]}) is True
    # another tenant: 404 everywhere
    assert ms_other.fails("POST", BASE + "authorizeApplication", {**q, "userIds": [dev.user_id]}, 404) == "项目不存在"
    assert ms_other.fails("POST", BASE + "removeAppAuthority", {**q, "userIds": [dev.user_id]}, 404) == "项目不存在"
    assert ms_other.fails("GET", BASE + "listAppAuthorities", q, 404) == "项目不存在"
    assert ms_other.fails("GET", BASE + "listAppEnableAuthorities", q, 404) == "项目不存在"
    assert outsider.fails("GET", BASE + "listAppAuthorities", q, 403)
    assert ms.ok_get(BASE + "listAppAuthorities", **q)["total"] == 1


def test_env_authorities(ms, ms_other):
    pid = ms.project()
    env_id = make_env(ms, pid)
    dev, tester = members(ms, pid, (2,), (3,))
    outsider = ms.sub_account()
    q = {"envId": env_id, "projectId": pid}
    assert set(names(ms.ok_get(BASE + "listEnvEnableAuthorities", **q))) == {dev.username, tester.username}
    assert ms.ok_post(BASE + "authorizeEnv", {**q, "userIds": [dev.user_id]}) is True
    held = ms.ok_get(BASE + "listEnvAuthorities", **q)
    assert names(held) == [dev.username] and held["list"][0]["canRemove"] is True
    assert names(ms.ok_get(BASE + "listEnvEnableAuthorities", **q)) == [tester.username]
    # the grant is what access.require_env(operate=True) consults
    from chalicelib.surfaces.msap import access, identity
    tenant = tenant_of(ms)
    dev_user = identity.user_by_name(tenant, dev.username)
    tester_user = identity.user_by_name(tenant, tester.username)
    assert access.require_env(dev_user, env_id, operate=True).obj_id == env_id
    assert not access.can_operate(tester_user, access.ENV, objects.get(tenant, "env", env_id))
    assert ms.ok_post(BASE + "removeEnvAuthority", {**q, "userIds": [dev.user_id]}) is True
    assert ms.ok_get(BASE + "listEnvAuthorities", **q)["total"] == 0
    assert not access.can_operate(dev_user, access.ENV, objects.get(tenant, "env", env_id))
    # validation and tenancy
    assert ms.fails("POST", BASE + "authorizeEnv", {"projectId": pid, "userIds": [dev.user_id]}) == "环境 ID 不能为空"
    assert ms.fails("POST", BASE + "removeEnvAuthority", {"projectId": pid, "userIds": [1]}) == "环境 ID 不能为空"
    assert ms.fails("POST", BASE + "authorizeEnv", {**q, "userIds": [outsider.user_id]}) \
        == f"用户[{outsider.user_id}]不是项目成员"
    assert ms.fails("POST", BASE + "authorizeEnv", {**q, "envId": "nope", "userIds": [dev.user_id]}, 404) \
        == "环境[nope]不存在"
    assert ms.fails("GET", BASE + "listEnvAuthorities", {"envId": env_id}) == {"field": "projectId",
                                                                               "message": "此属性是必填项"}
    assert ms.fails("GET", BASE + "listEnvEnableAuthorities", {"projectId": pid}) == {"field": "envId",
                                                                                      "message": "此属性是必填项"}
    assert dev.fails("POST", BASE + "authorizeEnv", {**q, "userIds": [tester.user_id]}, 403)
    assert ms_other.fails("POST", BASE + "authorizeEnv", {**q, "userIds": [dev.user_id]}, 404) == "项目不存在"
    assert ms_other.fails("GET", BASE + "listEnvAuthorities", q, 404) == "项目不存在"
    assert ms.ok_get(BASE + "listEnvAuthorities", **q)["total"] == 0
