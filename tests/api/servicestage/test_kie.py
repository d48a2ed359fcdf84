"""ServiceComb kie configuration management (8.7.1-8.7.6): labels, revisions, 304, label filters."""
from __future__ import annotations

import json

from chalicelib.surfaces.servicestage import objects

KV = "/v1/{project_id}/kie/kv"


def create(caller, key="k1", **kw):
    body = {"key": key, "value": "v", "labels": {"app": "a1", "service": "s1"}, "status": "enabled",
            "value_type": "text"}
    body.update(kw)
    return caller.post(KV, body)


def test_create_get_update_delete(ss_user):
    status, kv = create(ss_user)
    assert status == 200, kv
    assert set(kv) == {"id", "key", "labels", "value", "value_type", "status", "create_time", "update_time",
                       "create_revision", "update_revision"}
    assert kv["labels"] == {"app": "a1", "service": "s1"} and kv["create_revision"] == kv["update_revision"]
    assert isinstance(kv["create_time"], int)
    stored = objects.get(ss_user.project, "kv", kv["id"])
    assert stored.data["value"] == "v"

    status, got = ss_user.get(f"{KV}/{kv['id']}")
    assert status == 200 and got == kv
    r = ss_user.raw("GET", f"/v1/{ss_user.project}/kie/kv/{kv['id']}")
    assert int(r.headers["X-Kie-Revision"]) == kv["update_revision"]

    status, upd = ss_user.put(f"{KV}/{kv['id']}", {"value": "this is a test", "status": "disabled"})
    assert status == 200 and upd["value"] == "this is a test" and upd["status"] == "disabled"
    assert upd["update_revision"] > kv["update_revision"] and upd["create_revision"] == kv["create_revision"]
    assert objects.get(ss_user.project, "kv", kv["id"]).data["value"] == "this is a test"

    status, body = ss_user.put(f"{KV}/{kv['id']}", {"status": "enabled"})
    assert status == 400 and body["error_code"] == "400001"
    status, body = ss_user.put(f"{KV}/{kv['id']}", {"value": "x", "status": "maybe"})
    assert status == 400 and set(body) == {"error_code", "error_message", "detail"}
    assert ss_user.get(f"{KV}/{kv['id']}")[1]["value"] == "this is a test"

    status, body = ss_user.delete(f"{KV}/{kv['id']}")
    assert status == 204 and body is None
    status, body = ss_user.get(f"{KV}/{kv['id']}")
    assert status == 404 and body["error_code"] == "404001"
    assert ss_user.delete(f"{KV}/{kv['id']}")[0] == 404
    assert ss_user.put(f"{KV}/{kv['id']}", {"value": "x"})[0] == 404


def test_default_project_and_defaults(ss_user):
    status, kv = ss_user.call("POST", "/v1/default/kie/kv", {"key": "plain"})
    assert status == 200 and kv["status"] == "disabled" and kv["value_type"] == "text" and kv["labels"] == {}
    assert ss_user.get(f"{KV}/{kv['id']}")[0] == 200  # the token's project is "default"


def test_create_conflict_and_validation(ss_user):
    assert create(ss_user)[0] == 200
    status, body = create(ss_user)
    assert status == 409 and body["error_code"] == "409001"
    assert create(ss_user, labels={"app": "a1"})[0] == 200  # different label set
    bad = [{"key": ""}, {"key": "has space"}, {"key": "x" * 2049}, {"value": 5}, {"value": "x" * 131073},
           {"labels": {"bad key!": "v"}}, {"labels": {str(i): "v" for i in range(7)}}, {"status": "on"},
           {"value_type": "binary"}, {"labels": "app=a"}]
    for change in bad:
        body = {"key": "kx", "value": "v", **change}
        status, err = ss_user.post(KV, body)
        assert status == 400 and err["error_code"] == "400001", (change, err)
    status, err = ss_user.post(KV, raw_body=b"[1,2")
    assert status == 400
    assert ss_user.get(KV)[1]["total"] == 2


def test_list_filters_revision_304(ss_user):
    a = create(ss_user, "k1", labels={"app": "a1"})[1]
    b = create(ss_user, "k2", labels={"app": "a1", "service": "s1"})[1]
    create(ss_user, "k3", labels={"app": "a2"}, status="disabled")
    status, lst = ss_user.get(KV)
    assert status == 200 and lst["total"] == 3 and [d["key"] for d in lst["data"]] == ["k1", "k2", "k3"]
    assert {d["id"] for d in ss_user.get(KV + "?label=app:a1")[1]["data"]} == {a["id"], b["id"]}
    assert [d["id"] for d in ss_user.get(KV + "?label=app:a1&match=exact")[1]["data"]] == [a["id"]]
    assert [d["key"] for d in ss_user.get(KV + "?label=app:a1&label=service:s1")[1]["data"]] == ["k2"]
    assert [d["key"] for d in ss_user.get(KV + "?status=disabled")[1]["data"]] == ["k3"]
    assert ss_user.get(KV + "?limit=1&offset=1")[1] == {"total": 3, "data": [b]}
    for bad in ("label=nocolon", "match=fuzzy", "revision=abc", "limit=0"):
        status, err = ss_user.get(KV + "?" + bad)
        assert status == 400 and err["error_code"] == "400001", bad

    r = ss_user.raw("GET", f"/v1/{ss_user.project}/kie/kv")
    rev = int(r.headers["X-Kie-Revision"])
    r = ss_user.raw("GET", f"/v1/{ss_user.project}/kie/kv?revision={rev}")
    assert r.status_code == 304 and not r.body
    assert ss_user.get(KV + "?revision=0")[0] == 200
    ss_user.put(f"{KV}/{a['id']}", {"value": "changed"})
    status, lst = ss_user.get(KV + f"?revision={rev}")
    assert status == 200 and lst["total"] == 3


def test_delete_many(ss_user):
    ids = [create(ss_user, f"k{n}")[1]["id"] for n in range(3)]
    status, body = ss_user.call("DELETE", KV, {"ids": ids[:2] + ["missing"]})
    assert status == 204
    assert [d["id"] for d in ss_user.get(KV)[1]["data"]] == [ids[2]]
    status, body = ss_user.call("DELETE", KV, {"ids": []})
    assert status == 400 and body["errorCode"] == "400001" and set(body) == {"errorCode", "errorMessage", "detail"}
    status, body = ss_user.call("DELETE", KV, {"ids": "x"})
    assert status == 400


def test_isolation_and_auth(client, ss_user, ss_other):
    kv = create(ss_user)[1]
    assert ss_other.get(f"{KV}/{kv['id']}")[0] == 404
    assert ss_other.put(f"{KV}/{kv['id']}", {"value": "hijack"})[0] == 404
    assert ss_other.delete(f"{KV}/{kv['id']}")[0] == 404
    assert ss_other.call("DELETE", KV, {"ids": [kv["id"]]})[0] == 204
    assert ss_other.get(KV)[1]["total"] == 0
    assert ss_user.get(f"{KV}/{kv['id']}")[1]["value"] == "v"
    assert ss_other.call("GET", f"/v1/{ss_user.project}/kie/kv")[0] == 403
    r = client.http.get(f"/v1/{ss_user.project}/kie/kv")
    assert r.status_code == 401 and set(json.loads(r.body)) == {"error_code", "error_message", "detail"}


def test_servicecomb_bearer_token(client, ss_user):
    from tests.api.servicestage.conftest import PASSWORD
    r = client.http.post("/v4/token", headers={"Content-Type": "application/json"},
                         body=json.dumps({"name": ss_user.username, "password": PASSWORD}))
    token = json.loads(r.body)["token"]
    h = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    r = client.http.post("/v1/default/kie/kv", headers=h, body=json.dumps({"key": "bearer", "value": "1"}))
    assert r.status_code == 200, r.body
    assert ss_user.get(KV + "?key=bearer")[1]["total"] == 1
