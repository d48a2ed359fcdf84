"""5.8 projects, 5.13 members, the envelope, auth and tenancy."""
from tests.api.msap.conftest import add_member


def test_no_token_is_401_envelope(anon):
    status, env = anon.get("/v1/project/listProjectsPage")
    assert status == 401 and env == {"code": "401", "data": "", "msg": "用户鉴权失败"}
    status, env = anon.post("/v1/project/createProject", {"projectCode": "abc", "projectName": "abc"})
    assert status == 401 and env["code"] == "401"


def test_bad_token_and_api_key(ms, client):
    from chalicelib.identity import accounts
    from tests.api.msap.conftest import Ms
    status, env = Ms(client, "not-a-token").get("/v1/project/listProjectsPage")
    assert status == 401 and env["msg"] == "用户鉴权失败"
    _, key = accounts.create_api_key(ms.username)
    pid = ms.project()
    data = Ms(client, key).ok_get("/v1/project/listProjectsPage")
    assert [p["projectId"] for p in data["list"]] == [pid]


def test_create_list_update_delete_project(ms):
    pid = ms.project("demo-app", "演示项目")
    page = ms.ok_get("/v1/project/listProjectsPage")
    assert page["total"] == 1 and page["pageNum"] == 1 and page["pageSize"] == 10 and page["size"] == 1
    assert page["isFirstPage"] and page["isLastPage"] and page["navigatepageNums"] == [1]
    row = page["list"][0]
    assert row["projectId"] == pid and row["projectCode"] == "demo-app" and row["projectName"] == "演示项目"
    assert isinstance(row["tenantId"], int) and row["createTime"].isdigit()
    assert ms.ok_post("/v1/project/updateProject", {"projectId": pid, "projectName": "新名字的项目",
                                                    "description": "desc"}) == ""
    row = ms.ok_get("/v1/project/listProjectsPage", projectName="名字")["list"][0]
    assert row["projectName"] == "新名字的项目" and row["description"] == "desc"
    assert ms.ok_get("/v1/project/listProjectsPage", projectName="nothing")["total"] == 0
    assert ms.ok_post("/v1/project/deleteProject", {"projectId": pid}) == ""
    assert ms.ok_get("/v1/project/listProjectsPage")["total"] == 0
    assert ms.fails("POST", "/v1/project/deleteProject", {"projectId": pid}, 404) == "项目不存在"


def test_project_validation(ms):
    assert ms.fails("POST", "/v1/project/createProject", {"projectName": "abc"}) == "项目编码不能为空"
    assert "项目编码不规范" in ms.fails("POST", "/v1/project/createProject", {"projectCode": "Bad_Code", "projectName": "abc"})
    assert "3到30" in ms.fails("POST", "/v1/project/createProject", {"projectCode": "abc", "projectName": "ab"})
    ms.project("dup-code")
    assert ms.fails("POST", "/v1/project/createProject", {"projectCode": "dup-code", "projectName": "abcd"},
                    409) == "项目编码已存在"
    assert ms.ok_get("/v1/project/listProjectsPage")["total"] == 1


def test_malformed_json(ms):
    status, env = ms.post("/v1/project/createProject", raw="{not json")
    assert status == 400 and env["code"] == "500" and env["msg"].startswith("请求参数格式错误")


def test_paging_fields(ms):
    for i in range(12):
        ms.project(f"page-{i:02d}", f"分页项目{i:02d}")
    p2 = ms.ok_get("/v1/project/listProjectsPage", pageNum=2, pageSize=5)
    assert (p2["pageNum"], p2["pageSize"], p2["size"], p2["total"], p2["pages"]) == (2, 5, 5, 12, 3)
    assert (p2["startRow"], p2["endRow"], p2["prePage"], p2["nextPage"]) == (6, 10, 1, 3)
    assert p2["hasPreviousPage"] and p2["hasNextPage"] and not p2["isFirstPage"] and not p2["isLastPage"]
    p3 = ms.ok_get("/v1/project/listProjectsPage", pageNum=3, pageSize=5)
    assert p3["size"] == 2 and p3["isLastPage"] and p3["nextPage"] == 0
    names = [r["projectName"] for r in ms.ok_get("/v1/project/listProjectsPage", pageSize=12)["list"]]
    assert names == [f"分页项目{i:02d}" for i in reversed(range(12))]  # newest first
    assert ms.fails("GET", "/v1/project/listProjectsPage", {"pageNum": "x"}) == "页码必须是整数"


def test_tenants_are_isolated(ms, ms_other):
    pid = ms.project()
    assert ms_other.ok_get("/v1/project/listProjectsPage")["total"] == 0
    assert ms_other.fails("POST", "/v1/project/updateProject", {"projectId": pid, "projectName": "hijack"},
                          404) == "项目不存在"
    assert ms_other.fails("POST", "/v1/project/deleteProject", {"projectId": pid}, 404) == "项目不存在"
    assert ms.ok_get("/v1/project/listProjectsPage")["list"][0]["projectName"] != "hijack"


def test_members_roles_and_removal(ms):
    pid = ms.project()
    roles = ms.ok_get("/v1/project/member/listRole")
    assert {"groupCode", "groupName", "groupType", "roleGroupId"} <= set(roles[0])
    dev = ms.sub_account(real_name="张三")
    other = ms.sub_account(real_name="李四")
    enable = ms.ok_get("/v1/project/member/listEnableSubAccountPage", projectId=pid)
    assert {r["userName"] for r in enable["list"]} >= {dev.username, other.username}
    assert ms.ok_get("/v1/project/member/listEnableSubAccountPage", projectId=pid, keyword="张")["total"] == 1
    add_member(ms, pid, dev, roles=(2, 3))
    members = ms.ok_get("/v1/project/member/listSubAccountPage", projectId=pid)
    row = next(r for r in members["list"] if r["userName"] == dev.username)
    assert row["roleId"] == [2, 3] and row["groupName"] == "开发人员,测试人员" and row["canRemove"] is True
    assert row["realName"] == "张三" and row["orgName"] == "研发部" and row["userId"] == dev.user_id
    creator = next(r for r in members["list"] if r["userName"] == ms.username)
    assert creator["canRemove"] is False
    enable = ms.ok_get("/v1/project/member/listEnableSubAccountPage", projectId=pid)
    assert dev.username not in {r["userName"] for r in enable["list"]}
    # uniform roles for several users
    ms.ok_post("/v1/project/member/authorizeRole", {"projectId": pid, "uniformRole": True, "roles": [4],
               "userInfoVOList": [{"userId": dev.user_id, "userName": dev.username, "userRoles": []},
                                  {"userId": other.user_id, "userName": other.username, "userRoles": []}]})
    rows = ms.ok_get("/v1/project/member/listSubAccountPage", projectId=pid)["list"]
    assert {r["userName"]: r["roleId"] for r in rows if r["userName"] != ms.username} == {
        dev.username: [4], other.username: [4]}
    # the member now sees the project
    assert [p["projectId"] for p in dev.ok_get("/v1/project/listProjectsPage")["list"]] == [pid]
    assert ms.ok_post("/v1/project/member/removeSub", {"projectId": pid, "userList": [
        {"userId": dev.user_id, "userName": dev.username}]}) is True
    assert dev.ok_get("/v1/project/listProjectsPage")["total"] == 0
    assert dev.fails("GET", "/v1/project/member/listSubAccountPage", {"projectId": pid}, 403)


def test_member_validation_and_denials(ms, ms_other):
    pid = ms.project()
    dev = ms.sub_account()
    msg = ms.fails("GET", "/v1/project/member/listSubAccountPage", {})
    assert msg == {"field": "projectId", "message": "此属性是必填项"}
    assert ms.fails("POST", "/v1/project/member/authorizeRole", {"projectId": pid, "userInfoVOList": [
        {"userId": dev.user_id, "userName": dev.username, "userRoles": []}]}) == "成员项目角色不能为空"
    assert "不存在" in ms.fails("POST", "/v1/project/member/authorizeRole", {"projectId": pid, "userInfoVOList": [
        {"userId": dev.user_id, "userName": dev.username, "userRoles": [99]}]})
    # another tenant's user cannot be added
    outsider = ms_other.sub_account()
    assert "不存在" in ms.fails("POST", "/v1/project/member/authorizeRole", {"projectId": pid, "userInfoVOList": [
        {"userId": outsider.user_id, "userName": outsider.username, "userRoles": [2]}]}, 404)
    # a developer member cannot manage members or the project
    add_member(ms, pid, dev, roles=(2,))
    other = ms.sub_account()
    assert dev.fails("POST", "/v1/project/member/authorizeRole", {"projectId": pid, "userInfoVOList": [
        {"userId": other.user_id, "userName": other.username, "userRoles": [2]}]}, 403) == "只有项目管理员可以执行该操作"
    assert dev.fails("POST", "/v1/project/updateProject", {"projectId": pid, "projectName": "xxxx"}, 403)
    assert dev.fails("POST", "/v1/project/deleteProject", {"projectId": pid}, 403)
    # sub-accounts are created by the main account only
    assert dev.fails("POST", "/v1/tenant/createSubAccount", {"userName": "nope1", "password": "Passw0rd-1234"}, 403)
    assert ms.ok_get("/v1/project/member/listSubAccountPage", projectId=pid)["total"] == 2


def test_delete_project_removes_its_groups_and_connections(ms):
    pid = ms.project("gone-soon")
    ms.ok_post("/v1/app/group/insertApplicationGroup", {"projectId": pid, "name": "前端组"})
    ms.ok_post("/v1/service/connection/createServiceConnection", {
        "projectId": pid, "connectionName": "gitee-main", "connectionType": "GITEE", "token": "t0ken"})
    assert ms.ok_post("/v1/project/deleteProject", {"projectId": pid}) == ""
    assert ms.fails("GET", "/v1/app/group/listApplicationGroups", {"projectId": pid}, 404) == "项目不存在"
    again = ms.project("gone-soon")  # the code and the names inside are free again
    ms.ok_post("/v1/app/group/insertApplicationGroup", {"projectId": again, "name": "前端组"})
    ms.ok_post("/v1/service/connection/createServiceConnection", {
        "projectId": again, "connectionName": "gitee-main", "connectionType": "GITEE", "token": "t0ken"})
    assert len(ms.ok_get("/v1/app/group/listApplicationGroups", projectId=again)) == 1
