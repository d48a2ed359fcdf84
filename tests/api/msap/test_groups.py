"""5.2 application groups and 5.1.4 setApplicationGroup."""
from tests.api.msap.conftest import add_member
from tests.api.msap.test_apps import make_app, make_connection, rows

INSERT = "/v1/app/group/insertApplicationGroup"
LIST = "/v1/app/group/listApplicationGroups"
UPDATE = "/v1/app/group/updateApplicationGroup"
DELETE = "/v1/app/group/deleteApplicationGroup"
SET = "/v1/app/setApplicationGroup"


def test_group_crud(ms):
    pid = ms.project()
    g1 = ms.ok_post(INSERT, {"name": "订单中心", "projectId": pid})
    g2 = ms.ok_post(INSERT, {"name": "支付", "projectId": pid})
    assert isinstance(g1, str) and g1 != g2
    groups = ms.ok_get(LIST, projectId=pid)
    assert [g["appId"] for g in groups] == [g1, g2]  # the document calls the group id appId
    assert groups[0]["appGroupId"] == g1 and groups[0]["name"] == "订单中心" and groups[0]["projectId"] == pid
    assert ms.ok_post(UPDATE, {"appGroupId": g1, "name": "订单"}) is True
    assert ms.ok_get(LIST, projectId=pid)[0]["name"] == "订单"
    assert ms.ok_post(UPDATE, {"appGroupId": g1, "name": "订单"}) is True  # same name: fine
    assert ms.ok_post(DELETE, {"appGroupId": g2}) is True
    assert [g["appId"] for g in ms.ok_get(LIST, projectId=pid)] == [g1]
    assert ms.fails("POST", DELETE, {"appGroupId": g2}, 404) == "应用分组不存在"
    # the freed name can be used again
    assert ms.ok_post(INSERT, {"name": "支付", "projectId": pid})
    assert ms.ok_get(LIST, projectId=ms.project()) == []


def test_group_validation(ms):
    pid = ms.project()
    assert ms.fails("POST", INSERT, {"projectId": pid}) == "分组名称不能为空"
    assert ms.fails("POST", INSERT, {"name": "   ", "projectId": pid}) == "分组名称不能为空"
    assert ms.fails("POST", INSERT, {"name": "一二三四五六七八九十一", "projectId": pid}) == "分组名称长度不能超过10个字符"
    assert ms.fails("POST", INSERT, {"name": "ok"}) == "项目 ID 不能为空"
    assert ms.fails("POST", INSERT, {"name": "ok", "projectId": "missing"}, 404) == "项目不存在"
    assert ms.fails("GET", LIST, {}) == {"field": "projectId", "message": "此属性是必填项"}
    g = ms.ok_post(INSERT, {"name": "一二三四五六七八九十", "projectId": pid})  # exactly 10 characters
    other = ms.ok_post(INSERT, {"name": "其他", "projectId": pid})
    assert ms.fails("POST", INSERT, {"name": "其他", "projectId": pid}, 409) == "应用分组名称已存在"
    assert ms.fails("POST", UPDATE, {"appGroupId": g, "name": "其他"}, 409) == "应用分组名称已存在"
    assert ms.fails("POST", UPDATE, {"appGroupId": g}) == "分组名称不能为空"
    assert ms.fails("POST", UPDATE, {"name": "x"}) == "分组 ID 不能为空"
    assert ms.fails("POST", UPDATE, {"appGroupId": "nope", "name": "x"}, 404) == "应用分组不存在"
    assert ms.fails("POST", DELETE, {}) == "分组 ID 不能为空"
    assert {x["appId"]: x["name"] for x in ms.ok_get(LIST, projectId=pid)} == {g: "一二三四五六七八九十",
                                                                               other: "其他"}
    assert ms.ok_post(INSERT, {"name": "其他", "projectId": ms.project()})  # unique per project only


def test_set_group_rename_and_delete_guard(ms):
    pid = ms.project()
    conn = make_connection(ms, pid)
    a1, a2 = make_app(ms, pid, conn), make_app(ms, pid, conn)
    gid = ms.ok_post(INSERT, {"name": "核心", "projectId": pid})
    assert ms.ok_post(SET, {"appId": a1, "appGroupId": gid}) is True
    by_id = {r["appId"]: r for r in rows(ms, pid)["list"]}
    assert by_id[a1]["appGroupId"] == gid and by_id[a1]["appGroupName"] == "核心"
    assert by_id[a2]["appGroupId"] == "" and by_id[a2]["appGroupName"] == ""
    # renaming the group shows in the application list
    ms.ok_post(UPDATE, {"appGroupId": gid, "name": "核心服务"})
    assert rows(ms, pid, appGroupId=gid)["list"][0]["appGroupName"] == "核心服务"
    # a group holding applications cannot be deleted
    assert ms.fails("POST", DELETE, {"appGroupId": gid}, 409) == "分组下存在应用，不能删除"
    assert len(ms.ok_get(LIST, projectId=pid)) == 1
    # move the application to another group, then the first one is free to go
    g2 = ms.ok_post(INSERT, {"name": "边缘", "projectId": pid})
    ms.ok_post(SET, {"appId": a1, "appGroupId": g2})
    assert rows(ms, pid, appGroupId=gid)["total"] == 0
    assert ms.ok_post(DELETE, {"appGroupId": gid}) is True
    # setApplicationGroup validation
    assert ms.fails("POST", SET, {"appId": a1}) == "分组 ID 不能为空"
    assert ms.fails("POST", SET, {"appGroupId": g2}) == "应用 ID 不能为空"
    assert ms.fails("POST", SET, {"appId": a1, "appGroupId": gid}, 404) == "应用分组不存在"
    assert ms.fails("POST", SET, {"appId": "nope", "appGroupId": g2}, 404) == "应用不存在"
    other_pid = ms.project()
    foreign = ms.ok_post(INSERT, {"name": "别的项目", "projectId": other_pid})
    assert ms.fails("POST", SET, {"appId": a1, "appGroupId": foreign}, 404) == "应用分组不存在"
    assert rows(ms, pid, appGroupId=g2)["list"][0]["appId"] == a1  # unchanged


def test_group_tenancy_and_roles(ms, ms_other):
    pid = ms.project()
    gid = ms.ok_post(INSERT, {"name": "组", "projectId": pid})
    app_id = make_app(ms, pid)
    assert ms_other.fails("GET", LIST, {"projectId": pid}, 404) == "项目不存在"
    assert ms_other.fails("POST", INSERT, {"name": "x", "projectId": pid}, 404) == "项目不存在"
    assert ms_other.fails("POST", UPDATE, {"appGroupId": gid, "name": "hijack"}, 404) == "应用分组不存在"
    assert ms_other.fails("POST", DELETE, {"appGroupId": gid}, 404) == "应用分组不存在"
    assert ms_other.fails("POST", SET, {"appId": app_id, "appGroupId": gid}, 404) == "应用不存在"
    guest = ms.sub_account()
    add_member(ms, pid, guest, roles=(5,))
    assert len(guest.ok_get(LIST, projectId=pid)) == 1
    assert guest.fails("POST", INSERT, {"name": "g", "projectId": pid}, 403) == "访客无权执行该操作"
    assert guest.fails("POST", UPDATE, {"appGroupId": gid, "name": "g"}, 403) == "访客无权执行该操作"
    assert guest.fails("POST", DELETE, {"appGroupId": gid}, 403) == "访客无权执行该操作"
    dev = ms.sub_account()
    add_member(ms, pid, dev, roles=(2,))
    assert dev.ok_post(INSERT, {"name": "dev组", "projectId": pid})
    # grouping somebody else's application needs its operation right
    assert dev.fails("POST", SET, {"appId": app_id, "appGroupId": gid}, 403) == "您没有该应用的操作权限"
    assert [g["name"] for g in ms.ok_get(LIST, projectId=pid)] == ["组", "dev组"]
