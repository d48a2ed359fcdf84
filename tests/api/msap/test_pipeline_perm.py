"""5.12 pipeline member permissions: modes, permission rows (Integer ids), the lists, and what each type allows."""
from __future__ import annotations

import pytest

import chalicelib.surfaces.msap.pipeline_runs  # noqa: F401  (registers the run workflow in this process)
from tests.api.msap.conftest import add_member
from tests.api.msap.test_pipelines import make_app, make_pipeline, no_scan  # noqa: F401  (autouse fixture)

PP = "/v1/pipeline/permission"
P = "/v1/pipelines"


@pytest.fixture
def team(ms):
    """A project with an application and a pipeline; a developer, a tester, a guest and a second admin."""
    pid = ms.project()
    app_id = make_app(ms, pid, "permSvc")
    pl = make_pipeline(ms, pid, app_id, name="权限流水线",
                       stages=[{"category": "CODE_BUILD", "name": "构建", "sort": 1}])
    dev, tester, guest, admin = (ms.sub_account(real_name=n) for n in ("开发甲", "测试乙", "访客丙", "管理丁"))
    add_member(ms, pid, dev, roles=(2,))
    add_member(ms, pid, tester, roles=(3,))
    add_member(ms, pid, guest, roles=(5,))
    add_member(ms, pid, admin, roles=(1,))
    return {"pid": pid, "app": app_id, "pl": pl, "dev": dev, "tester": tester, "guest": guest, "admin": admin}


def perms(caller, pl, **kw):
    return caller.ok_get(f"{PP}/listPipelinePermissionsPage", pipelineOrderId=pl, **kw)


def test_permission_types_dictionary(ms):
    d = ms.ok_get(f"{PP}/listPipelinePermissionTypes")
    assert set(d) == {"attrValueList", "code", "description", "name", "type"}
    assert [a["attrValue"] for a in d["attrValueList"]] == ["VIEWER", "EXECUTOR", "MANAGER"]
    assert all(isinstance(a["sequence"], int) and a["name"] and "description" in a for a in d["attrValueList"])


def test_default_mode_rights_and_list(ms, team):
    pl, dev, guest = team["pl"], team["dev"], team["guest"]
    assert guest.ok_get(f"{PP}/permMode", pipelineOrderId=pl) == "DEFAULT"
    page = perms(ms, pl)
    assert page["total"] == 5  # the creator (main account) + 4 members
    by_user = {r["userName"]: r for r in page["list"]}
    assert set(page["list"][0]) == {"createStaff", "createTime", "groupName", "orgName", "permMode", "permType",
                                    "permTypeName", "permissionId", "realName", "userName"}
    assert by_user[ms.username]["permType"] == "MANAGER" and by_user[team["admin"].username]["permType"] == "MANAGER"
    assert by_user[dev.username]["permType"] == "EXECUTOR" and by_user[dev.username]["permTypeName"] == "执行者"
    assert by_user[dev.username]["groupName"] == "开发人员" and by_user[dev.username]["realName"] == "开发甲"
    assert by_user[guest.username]["permType"] == "VIEWER" and by_user[guest.username]["permMode"] == "DEFAULT"
    assert all(r["permissionId"] is None for r in page["list"])
    assert perms(ms, pl, keyword="开发")["total"] == 1
    # DEFAULT mode: no rows to add, change or remove
    msg = ms.fails("POST", f"{PP}/insertPipelinePermission", {"pipelineOrderId": pl, "userName": dev.username,
                                                               "permType": "VIEWER"})
    assert msg == "权限模式为 DEFAULT 的流水线不支持添加成员"
    # rights by role
    assert guest.fails("POST", f"{P}/runPipeline", {"pipelineOrderId": pl, "branchName": "m"},
                       403) == "您没有该流水线的执行权限"
    assert guest.fails("POST", f"{PP}/changePermMode", {"pipelineOrderId": pl, "permMode": "USER_DEFINED"},
                       403) == "您没有该流水线的管理权限"
    assert dev.fails("POST", f"{PP}/changePermMode", {"pipelineOrderId": pl, "permMode": "USER_DEFINED"},
                     403) == "您没有该流水线的管理权限"
    assert team["admin"].ok_post(f"{PP}/changePermMode", {"pipelineOrderId": pl, "permMode": "USER_DEFINED"}) is True
    assert ms.ok_get(f"{PP}/permMode", pipelineOrderId=pl) == "USER_DEFINED"


def test_user_defined_mode_end_to_end(ms, team):
    pl, pid, dev, tester, guest = team["pl"], team["pid"], team["dev"], team["tester"], team["guest"]
    assert ms.ok_post(f"{PP}/changePermMode", {"pipelineOrderId": pl, "permMode": "USER_DEFINED"}) is True
    # nobody listed yet: members lose access, admins and the creator keep it
    assert dev.fails("GET", f"{PP}/permMode", {"pipelineOrderId": pl}, 403) == "您没有该流水线的查看权限"
    assert dev.ok_get(f"{P}/listPipelinesPage", projectId=pid)["total"] == 0
    assert team["admin"].ok_get(f"{P}/listPipelinesPage", projectId=pid)["total"] == 1
    page = perms(ms, pl)
    assert {r["userName"] for r in page["list"]} == {ms.username, team["admin"].username}
    assert all(r["permissionId"] is None and r["permType"] == "MANAGER" for r in page["list"])
    enable = ms.ok_get(f"{PP}/listEnablePipelineMembersPage", pipelineOrderId=pl)
    assert {r["userName"] for r in enable["list"]} == {dev.username, tester.username, guest.username}
    row = next(r for r in enable["list"] if r["userName"] == dev.username)
    assert set(row) == {"canRemove", "createTime", "groupName", "orgName", "realName", "roleId", "userId", "userName"}
    assert row["roleId"] == [2] and row["userId"] == dev.user_id and row["canRemove"] is True
    assert ms.ok_get(f"{PP}/listEnablePipelineMembersPage", pipelineOrderId=pl, keyword="测试")["total"] == 1
    # VIEWER: sees, cannot run
    assert ms.ok_post(f"{PP}/insertPipelinePermission", {"pipelineOrderId": pl, "userName": dev.username,
                                                         "permType": "VIEWER"}) is True
    assert dev.ok_get(f"{PP}/permMode", pipelineOrderId=pl) == "USER_DEFINED"
    assert dev.ok_get(f"{P}/listPipelinesPage", projectId=pid)["total"] == 1
    run_body = {"pipelineOrderId": pl, "branchName": "master"}
    assert dev.fails("POST", f"{P}/runPipeline", run_body, 403) == "您没有该流水线的执行权限"
    # the listed row has an Integer id; the member is no longer "enable"
    row = next(r for r in perms(ms, pl)["list"] if r["userName"] == dev.username)
    assert isinstance(row["permissionId"], int) and row["permType"] == "VIEWER" and row["permTypeName"] == "查看者"
    assert row["permMode"] == "USER_DEFINED" and row["createStaff"] == ms.username and row["groupName"] == "开发人员"
    dev_perm = row["permissionId"]
    assert dev.username not in {r["userName"] for r in ms.ok_get(f"{PP}/listEnablePipelineMembersPage",
                                                                 pipelineOrderId=pl)["list"]}
    assert ms.fails("POST", f"{PP}/insertPipelinePermission", {"pipelineOrderId": pl, "userName": dev.username,
                                                               "permType": "MANAGER"}, 409).startswith("成员[")
    # a VIEWER cannot manage members
    assert dev.fails("POST", f"{PP}/insertPipelinePermission", {"pipelineOrderId": pl, "userName": tester.username,
                                                                "permType": "VIEWER"}, 403) == "您没有该流水线的管理权限"
    # EXECUTOR: runs and aborts; MANAGER: manages members
    assert ms.ok_post(f"{PP}/updatePipelinePermission", {"pipelineOrderId": pl, "members": [
        {"userName": dev.username, "permType": "EXECUTOR"}, {"userName": tester.username, "permType": "MANAGER"}]})
    rid = dev.ok_post(f"{P}/runPipeline", run_body)
    assert dev.ok_post(f"{P}/pausePipeline", {"pipelineRecordId": rid}) is True
    assert dev.ok_get(f"{P}/pipelineRecorddetail", pipelineRecordId=rid)["statusCd"] == "15"
    assert dev.fails("POST", f"{P}/deletePipeline", {"pipelineOrderId": pl}, 403) == "您没有该流水线的管理权限"
    by_user = {r["userName"]: r for r in perms(tester, pl)["list"]}
    assert by_user[dev.username]["permissionId"] == dev_perm and by_user[dev.username]["permType"] == "EXECUTOR"
    assert tester.ok_post(f"{PP}/insertPipelinePermission", {"pipelineOrderId": pl, "userName": guest.username,
                                                             "permType": "VIEWER"}) is True
    guest_perm = next(r for r in perms(ms, pl)["list"] if r["userName"] == guest.username)["permissionId"]
    assert guest_perm != dev_perm
    assert guest.ok_get(f"{P}/pipelineRecorddetail", pipelineRecordId=rid)["pipelineRecordId"] == rid
    assert perms(ms, pl)["total"] == 5
    assert perms(ms, pl, keyword="访客")["total"] == 1
    # removal takes the access away
    assert tester.ok_post(f"{PP}/deletePipelinePermission", {"permissionId": guest_perm}) is True
    assert guest.fails("GET", f"{P}/pipelineRecorddetail", {"pipelineRecordId": rid}, 403) == "您没有该流水线的查看权限"
    assert ms.fails("POST", f"{PP}/deletePipelinePermission", {"permissionId": guest_perm}, 404) == "流水线成员权限不存在"
    # back to DEFAULT: rows are kept but ignored, and cannot be removed
    assert ms.ok_post(f"{PP}/changePermMode", {"pipelineOrderId": pl, "permMode": "DEFAULT"}) is True
    assert guest.ok_get(f"{P}/pipelineRecorddetail", pipelineRecordId=rid)["statusCd"] == "15"
    assert ms.fails("POST", f"{PP}/deletePipelinePermission", {"permissionId": dev_perm}) == \
        "权限模式为 DEFAULT 的流水线不支持移除成员"
    assert ms.fails("POST", f"{PP}/updatePipelinePermission", {"pipelineOrderId": pl, "members": [
        {"userName": dev.username, "permType": "VIEWER"}]}) == "权限模式为 DEFAULT 的流水线不支持修改成员权限"


def test_validation_changes_nothing(ms, team):
    pl, dev = team["pl"], team["dev"]
    outsider = ms.sub_account()
    ms.ok_post(f"{PP}/changePermMode", {"pipelineOrderId": pl, "permMode": "USER_DEFINED"})
    ins = f"{PP}/insertPipelinePermission"
    assert ms.fails("POST", ins, {}) == "流水线 ID 不能为空"
    assert ms.fails("POST", ins, {"pipelineOrderId": pl, "userName": dev.username}) == "权限类型不能为空"
    assert "权限类型取值不正确" in ms.fails("POST", ins, {"pipelineOrderId": pl, "userName": dev.username,
                                                     "permType": "OWNER"})
    assert ms.fails("POST", ins, {"pipelineOrderId": pl, "userName": outsider.username, "permType": "VIEWER"}) == \
        f"用户[{outsider.username}]不是项目成员"
    assert ms.fails("POST", ins, {"pipelineOrderId": pl, "userName": "nobody", "permType": "VIEWER"}) == \
        "用户[nobody]不是项目成员"
    assert "默认拥有管理权限" in ms.fails("POST", ins, {"pipelineOrderId": pl, "userName": team["admin"].username,
                                                   "permType": "VIEWER"})
    assert ms.fails("POST", ins, {"pipelineOrderId": "nope", "userName": dev.username, "permType": "VIEWER"},
                    404) == "未找到流水线"
    upd = f"{PP}/updatePipelinePermission"
    assert ms.fails("POST", upd, {"pipelineOrderId": pl, "members": []}) == "成员列表不能为空"
    assert ms.fails("POST", upd, {"pipelineOrderId": pl, "members": [{"userName": dev.username}]}) == "权限类型不能为空"
    # one bad member: nothing is written for the good one
    assert ms.fails("POST", upd, {"pipelineOrderId": pl, "members": [
        {"userName": dev.username, "permType": "VIEWER"},
        {"userName": outsider.username, "permType": "VIEWER"}]}) == f"用户[{outsider.username}]不是项目成员"
    assert ms.fails("POST", upd, {"pipelineOrderId": pl, "members": [
        {"userName": dev.username, "permType": "VIEWER"}, {"userName": dev.username, "permType": "MANAGER"}]}) == \
        f"成员[{dev.username}]重复"
    assert perms(ms, pl)["total"] == 2  # only the two permanent managers
    assert ms.fails("POST", f"{PP}/changePermMode", {"pipelineOrderId": pl, "permMode": "OPEN"}).startswith(
        "权限模式取值不正确")
    assert ms.fails("POST", f"{PP}/changePermMode", {"pipelineOrderId": "nope", "permMode": "DEFAULT"},
                    404) == "未找到流水线"
    assert ms.fails("POST", f"{PP}/deletePipelinePermission", {"permissionId": "abc"}) == "权限 ID 必须是整数"
    assert ms.fails("POST", f"{PP}/deletePipelinePermission", {}) == "权限 ID 不能为空"
    assert ms.fails("POST", f"{PP}/deletePipelinePermission", {"permissionId": True}) == "权限 ID 必须是整数"
    assert ms.fails("POST", f"{PP}/deletePipelinePermission", {"permissionId": 0}) == "权限 ID 不能小于1"
    assert ms.fails("GET", f"{PP}/permMode", {}) == {"field": "pipelineOrderId", "message": "此属性是必填项"}
    for path in ("listPipelinePermissionsPage", "listEnablePipelineMembersPage"):
        assert ms.fails("GET", f"{PP}/{path}", {"pipelineOrderId": "nope"}, 404) == "未找到流水线"
        assert ms.fails("GET", f"{PP}/{path}", {"pipelineOrderId": pl, "pageSize": 0}) == "每页条数必须在1到500之间"
    assert ms.ok_get(f"{PP}/permMode", pipelineOrderId=pl) == "USER_DEFINED"


def test_other_tenant_gets_404(ms, ms_other, team):
    pl, dev = team["pl"], team["dev"]
    ms.ok_post(f"{PP}/changePermMode", {"pipelineOrderId": pl, "permMode": "USER_DEFINED"})
    ms.ok_post(f"{PP}/insertPipelinePermission", {"pipelineOrderId": pl, "userName": dev.username,
                                                  "permType": "VIEWER"})
    perm_id = next(r for r in perms(ms, pl)["list"] if r["userName"] == dev.username)["permissionId"]
    assert ms_other.fails("GET", f"{PP}/permMode", {"pipelineOrderId": pl}, 404) == "未找到流水线"
    assert ms_other.fails("POST", f"{PP}/changePermMode", {"pipelineOrderId": pl, "permMode": "DEFAULT"},
                          404) == "未找到流水线"
    assert ms_other.fails("GET", f"{PP}/listPipelinePermissionsPage", {"pipelineOrderId": pl}, 404) == "未找到流水线"
    assert ms_other.fails("GET", f"{PP}/listEnablePipelineMembersPage", {"pipelineOrderId": pl},
                          404) == "未找到流水线"
    assert ms_other.fails("POST", f"{PP}/deletePipelinePermission", {"permissionId": perm_id},
                          404) == "流水线成员权限不存在"
    assert ms_other.fails("POST", f"{PP}/updatePipelinePermission", {"pipelineOrderId": pl, "members": [
        {"userName": dev.username, "permType": "MANAGER"}]}, 404) == "未找到流水线"
    assert ms.ok_get(f"{PP}/permMode", pipelineOrderId=pl) == "USER_DEFINED"
    assert perms(ms, pl)["total"] == 3
