"""EdgeGallery capability center: groups (5), capabilities (7), group query (8), stats (13, 15), query (17)."""
from __future__ import annotations

from chalicelib.surfaces.edgegallery import service_capabilities as caps
from chalicelib.surfaces.edgegallery.common import new_uuid

V2 = "/mec/developer/v2"
GROUPS, CAPS = f"{V2}/capability-groups", f"{V2}/capabilities"


def cap_body(name, group=None, **over):
    return {"name": name, "version": "v1", "description": "d", "provider": "acme", "apiFileId": new_uuid(),
            "guideFileId": new_uuid(), "iconFileId": new_uuid(), "host": "svc.local", "port": 8080,
            "protocol": "http", "group": group or {"name": "Location", "type": "OPENMEP"}, **over}


def test_groups_create_list_get_delete(dev, guest, eg_admin):
    status, g = dev.post(GROUPS, {"name": "Location", "description": "where", "type": "OPENMEP"})
    assert status == 200, g
    assert g["nameEn"] == "Location" and g["descriptionEn"] == "where" and g["parent"] is None
    assert isinstance(g["createTime"], int) and g["createTime"] > 10**12 and g["updateTime"] == g["createTime"]
    status, child = dev.post(GROUPS, {"name": "Maps", "type": "OPENMEP_ECO", "parent": {"id": g["id"]}})
    assert status == 200 and child["parent"]["id"] == g["id"]
    assert guest.get(f"{GROUPS}/{g['id']}") == (200, g)
    assert {x["id"] for x in guest.get(GROUPS)[1]} == {g["id"], child["id"]}
    assert [x["id"] for x in dev.get(f"{V2}/query/capability-groups/type/OPENMEP_ECO")[1]] == [child["id"]]
    # bad input, nothing stored
    for bad in ({"type": "OPENMEP"}, {"name": "x", "type": "NOPE"}, {"name": 5, "type": "OPENMEP"},
                {"name": "x", "type": "OPENMEP", "parent": {"id": new_uuid()}}):
        status, body = dev.post(GROUPS, bad)
        assert status in (400, 404) and "retCode" in body, bad
    assert dev.post(GROUPS, raw="{broken")[0] == 400
    assert guest.post(GROUPS, {"name": "g", "type": "OPENMEP"})[0] == 403
    assert dev.get(f"{V2}/query/capability-groups/type/WHATEVER")[0] == 400
    assert len(dev.get(GROUPS)[1]) == 2
    assert dev.get(f"{GROUPS}/{new_uuid()}")[1]["retCode"] == 20007
    assert dev.get(f"{GROUPS}/not-a-uuid")[0] == 400
    assert guest.delete(f"{GROUPS}/{child['id']}")[0] == 403
    assert dev.delete(f"{GROUPS}/{child['id']}") == (200, True)
    assert dev.get(f"{GROUPS}/{child['id']}")[0] == 404
    # a group holding capabilities cannot be deleted
    assert eg_admin.post(CAPS, cap_body("gps", {"id": g["id"]}))[0] == 200
    assert dev.delete(f"{GROUPS}/{g['id']}")[0] == 400


def test_capability_create_defaults_group_by_name_and_uniqueness(eg_admin, dev, guest):
    status, c = eg_admin.post(CAPS, cap_body("定位", nameEn=None))
    assert status == 200, c
    assert c["nameEn"] == "定位" and c["descriptionEn"] == "d" and c["selectCount"] == 0
    assert c["userId"] == eg_admin.account.account_id and c["port"] == 8080
    assert isinstance(c["uploadTime"], int) and c["uploadTime"] > 10**12
    assert c["group"]["name"] == "Location" and c["groupId"] == c["group"]["id"]
    # same group name -> same group; by groupId too
    c2 = eg_admin.post(CAPS, cap_body("route", nameEn="Route"))[1]
    c3 = eg_admin.post(CAPS, cap_body("bw", group={"id": c["groupId"]}))[1]
    assert c2["groupId"] == c["groupId"] == c3["groupId"]
    assert len(guest.get(GROUPS)[1]) == 1
    assert guest.get(f"{CAPS}/{c['id']}") == (200, c)
    assert {x["id"] for x in guest.get(f"{CAPS}?filterType=x")[1]} == {c["id"], c2["id"], c3["id"]}
    # uniqueness of name and of nameEn
    for dup in (cap_body("定位"), cap_body("other", nameEn="Route")):
        status, body = eg_admin.post(CAPS, dup)
        assert status == 400 and body["message"] == "The capability already exists", dup
    # new group named in a refused create is not left behind
    status, _ = eg_admin.post(CAPS, cap_body("route", group={"name": "Fresh", "type": "STANDARD"}))
    assert status == 400 and len(guest.get(GROUPS)[1]) == 1
    # required fields, types, roles, unknown group id, malformed json
    for missing in ("name", "apiFileId", "guideFileId", "iconFileId"):
        body = cap_body("x1")
        body.pop(missing)
        assert eg_admin.post(CAPS, body)[0] == 400, missing
    assert eg_admin.post(CAPS, cap_body("x2", port="80"))[0] == 400
    assert eg_admin.post(CAPS, cap_body("x3", group={"name": "G", "type": "BAD"}))[0] == 400
    assert eg_admin.post(CAPS, cap_body("x4", group={"id": new_uuid()}))[0] == 404
    assert eg_admin.post(CAPS, raw="[1")[0] == 400
    assert dev.post(CAPS, cap_body("x5"))[0] == 403
    assert guest.post(CAPS, cap_body("x6"))[0] == 403
    assert len(guest.get(CAPS)[1]) == 3
    assert guest.get(f"{CAPS}/{new_uuid()}")[0] == 404
    assert guest.get(f"{CAPS}/bad-id")[0] == 400


def test_update_capability(eg_admin, dev):
    c = eg_admin.post(CAPS, cap_body("a", nameEn="A"))[1]
    other = eg_admin.post(CAPS, cap_body("b", nameEn="B"))[1]
    status, upd = eg_admin.put(f"{CAPS}/{c['id']}", {"name": "a2", "description": "new", "port": 9090})
    assert status == 200 and upd["name"] == "a2" and upd["description"] == "new" and upd["port"] == 9090
    assert upd["uploadTime"] == c["uploadTime"] and upd["groupId"] == c["groupId"]
    assert eg_admin.get(f"{CAPS}/{c['id']}")[1] == upd
    # old name is free again; taken name refused, nothing changed
    assert eg_admin.post(CAPS, cap_body("a", nameEn="A-new"))[0] == 200
    status, body = eg_admin.put(f"{CAPS}/{c['id']}", {"name": "b"})
    assert status == 400 and body["message"] == "The capability already exists"
    status, body = eg_admin.put(f"{CAPS}/{c['id']}", {"name": "zz", "nameEn": "B"})
    assert status == 400
    assert eg_admin.get(f"{CAPS}/{c['id']}")[1]["name"] == "a2"
    assert eg_admin.post(CAPS, cap_body("zz", nameEn="zz"))[0] == 200  # the failed rename released "zz"
    assert eg_admin.put(f"{CAPS}/{c['id']}", {"apiFileId": ""})[0] == 400
    assert eg_admin.put(f"{CAPS}/{c['id']}", {"port": True})[0] == 400
    assert dev.put(f"{CAPS}/{c['id']}", {"name": "x"})[0] == 403
    assert eg_admin.put(f"{CAPS}/{new_uuid()}", {"name": "x"})[0] == 404
    assert eg_admin.get(f"{CAPS}/{other['id']}")[1]["name"] == "b"


def test_delete_last_capability_deletes_group_and_stats(eg_admin, dev, guest):
    a = eg_admin.post(CAPS, cap_body("a"))[1]
    b = eg_admin.post(CAPS, cap_body("b"))[1]
    eco = eg_admin.post(CAPS, cap_body("c", group={"name": "Eco", "type": "OPENMEP_ECO"}))[1]
    stats = {s["name"]: s for s in guest.get(f"{V2}/capability-group-stats")[1]}
    assert stats["Location"]["capabilityCount"] == 2 and stats["Eco"]["capabilityCount"] == 1
    assert stats["Location"]["id"] == a["groupId"] and "createTime" in stats["Location"]
    by_type = guest.get(f"{V2}/query/capability-group-stats/type/OPENMEP_ECO")[1]
    assert [(s["name"], s["capabilityCount"]) for s in by_type] == [("Eco", 1)]
    assert guest.get(f"{V2}/query/capability-group-stats/type/NOPE")[0] == 400
    assert dev.delete(f"{CAPS}/{a['id']}")[0] == 403
    assert guest.delete(f"{CAPS}/{a['id']}")[0] == 403
    assert eg_admin.delete(f"{CAPS}/{a['id']}") == (200, True)
    assert eg_admin.get(f"{CAPS}/{a['id']}")[0] == 404
    assert eg_admin.delete(f"{CAPS}/{a['id']}")[0] == 404
    assert eg_admin.get(f"{GROUPS}/{a['groupId']}")[0] == 200
    stats = {s["name"]: s["capabilityCount"] for s in guest.get(f"{V2}/capability-group-stats")[1]}
    assert stats == {"Location": 1, "Eco": 1}
    assert eg_admin.delete(f"{CAPS}/{b['id']}") == (200, True)
    assert eg_admin.get(f"{GROUPS}/{a['groupId']}")[0] == 404
    assert [s["name"] for s in guest.get(f"{V2}/capability-group-stats")[1]] == ["Eco"]
    assert eg_admin.get(f"{CAPS}/{eco['id']}")[0] == 200
    # the name is free again after delete
    assert eg_admin.post(CAPS, cap_body("a"))[0] == 200


def test_capability_queries(eg_admin, guest):
    app_id = new_uuid()
    loc = eg_admin.post(CAPS, cap_body("Position", nameEn="PositionEn", appId=app_id))[1]
    eg_admin.post(CAPS, cap_body("Bandwidth", nameEn="BwEn"))
    eco = eg_admin.post(CAPS, cap_body("Posit-eco", nameEn="Eco", group={"name": "Eco", "type": "OPENMEP_ECO"}))[1]
    assert [c["id"] for c in guest.get(f"{V2}/query/capabilities/group-id/{eco['groupId']}")[1]] == [eco["id"]]
    assert guest.get(f"{V2}/query/capabilities/group-id/{new_uuid()}")[0] == 404
    assert guest.get(f"{V2}/query/capabilities/group-id/xyz")[0] == 400
    assert [c["id"] for c in guest.get(f"{V2}/query/capabilities/type/OPENMEP_ECO")[1]] == [eco["id"]]
    assert len(guest.get(f"{V2}/query/capabilities/type/OPENMEP")[1]) == 2
    assert guest.get(f"{V2}/query/capabilities/type/STANDARD")[1] == []
    assert guest.get(f"{V2}/query/capabilities/type/bad")[0] == 400
    assert [c["id"] for c in guest.get(f"{V2}/query/capabilities/project-id/{app_id}")[1]] == [loc["id"]]
    assert guest.get(f"{V2}/query/capabilities/project-id/{new_uuid()}")[1] == []
    status, page = guest.get(f"{V2}/query/capabilities/name?name=posit&limit=1&offset=0")
    assert status == 200 and set(page) == {"results", "limit", "offset", "total"}
    assert page["total"] == 2 and len(page["results"]) == 1 and page["limit"] == 1
    page = guest.get(f"{V2}/query/capabilities/name?name=posit&limit=5&offset=1")[1]
    assert page["total"] == 2 and len(page["results"]) == 1 and page["offset"] == 1
    page = guest.get(f"{V2}/query/capabilities/name-en?nameEn=EN&limit=10&offset=0")[1]
    assert page["total"] == 2 and {c["nameEn"] for c in page["results"]} == {"PositionEn", "BwEn"}
    page = guest.get(f"{V2}/query/capabilities/name-en?limit=2&offset=0")[1]
    assert page["total"] == 3 and len(page["results"]) == 2
    assert guest.get(f"{V2}/query/capabilities/name?limit=0")[0] == 400
    assert guest.get(f"{V2}/query/capabilities/name?offset=-1")[0] == 400
    # app update of appId moves the project index
    eg_admin.put(f"{CAPS}/{loc['id']}", {"appId": new_uuid()})
    assert guest.get(f"{V2}/query/capabilities/project-id/{app_id}")[1] == []


def test_hooks_select_count_and_release(eg_admin, dev, guest):
    c = eg_admin.post(CAPS, cap_body("a"))[1]
    assert caps.bump_select_count(c["id"], 1) == 1
    assert caps.bump_select_count(c["id"], 2) == 3
    assert caps.bump_select_count(c["id"], -1) == 2
    assert caps.bump_select_count(c["id"], -5) == 0
    assert caps.bump_select_count(new_uuid(), 1) is None
    assert guest.get(f"{CAPS}/{c['id']}")[1]["selectCount"] == 0
    p = _principal(dev)
    svc = {"name": "face-detect", "version": "1.0", "description": "faces", "apiFileId": new_uuid(),
           "guideFileId": new_uuid(), "iconFileId": new_uuid(), "appId": new_uuid(), "port": 8080}
    made = caps.create_from_release(p, "Released", svc)
    again = caps.create_from_release(p, "Released", svc)
    assert made.cap_id == again.cap_id
    got = guest.get(f"{CAPS}/{made.cap_id}")[1]
    assert got["group"]["name"] == "Released" and got["group"]["type"] == "OPENMEP_ECO"
    assert got["userId"] == dev.account.account_id


def _principal(caller):
    from chalicelib.identity import accounts
    return accounts.authenticate_bearer(caller.headers["access_token"], ["edgegallery"])
