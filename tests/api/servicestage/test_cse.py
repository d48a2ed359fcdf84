"""CSE (chapter 7): engine management 7.3.1-7.3.6 (simulated engines, integer jobs) and config
import/export 7.2.1-7.2.2 (multipart upload into the project's configuration centre)."""
from __future__ import annotations

import json

from chalicelib.store.servicestage import SsObj
from chalicelib.surfaces.servicestage import objects

ENGINES = "/v2/{project_id}/enginemgr/engines"


def engine_body(name="eng-test1", **kw):
    body = {"name": name, "description": "test", "payment": "1", "flavor": "cse.s1.small2", "azList": ["az1"],
            "authType": "NONE", "vpc": "vpc-demo", "vpcId": "09902850-9454-4715-9764-018f0c37022",
            "networkId": "88550801-e892-4f8e-b21b-f7147f6229", "subnetCidr": "192.168.0.0/24", "specType": "CSE2",
            "inputs": {"nodeFlavor": "s6.large.2"}}
    body.update(kw)
    return body


def job(caller, engine_id, job_id):
    return caller.get(f"{ENGINES}/{engine_id}/jobs/{job_id}")


def run(caller, drain, engine_id, job_id):
    drain(until=lambda: job(caller, engine_id, job_id)[1].get("status") in ("Finished", "Error"))
    status, body = job(caller, engine_id, job_id)
    assert status == 200, body
    return body


def available_engine(caller, drain, name="eng-test1"):
    status, out = caller.post(ENGINES, engine_body(name))
    assert status == 200, out
    assert run(caller, drain, out["id"], out["jobId"])["status"] == "Finished"
    return out["id"]


def test_flavors(ss_user):
    status, body = ss_user.get("/v2/{project_id}/enginemgr/flavors?specType=CSE2")
    assert status == 200 and body["total"] == 4 == len(body["data"])
    assert {f["flavor"] for f in body["data"]} == {"cse.s1.small2", "cse.s1.medium2", "cse.s1.large2",
                                                    "cse.s1.xlarge2"}
    assert ss_user.get("/v2/{project_id}/enginemgr/flavors?spec_type=CSE2")[0] == 200
    status, body = ss_user.get("/v2/{project_id}/enginemgr/flavors?specType=CSE9")
    assert status == 400 and body == {"errorCode": "SVCSTG.00501134", "errorMessage": "Invalid engine type.",
                                      "detail": "specType must be CSE2"}


def test_engine_lifecycle(ss_user, drain):
    status, out = ss_user.post(ENGINES, engine_body(auth_cred=None))
    assert status == 200 and set(out) == {"id", "name", "jobId"} and isinstance(out["jobId"], int)
    eid = out["id"]
    status, eng = ss_user.get(f"{ENGINES}/{eid}")
    assert status == 200 and eng["status"] == "Creating" and eng["latestJobId"] == out["jobId"]
    status, j = job(ss_user, eid, out["jobId"])
    assert status == 200 and j["id"] == out["jobId"] and j["type"] == "Create" and j["status"] == "Init"
    # deleting while creating is refused
    status, body = ss_user.delete(f"{ENGINES}/{eid}")
    assert status == 400 and body["errorCode"] == "SVCSTG.00501117"

    j = run(ss_user, drain, eid, out["jobId"])
    assert j["status"] == "Finished" and j["engineId"] == eid and j["endTime"] >= j["startTime"] > 0
    assert [t["taskName"] for t in j["tasks"]] == ["resourcePrepare", "engineDeploy", "engineConfigure"]
    assert all(t["status"] == "Finished" and t["tasks"][0]["jobId"] == out["jobId"] for t in j["tasks"])
    status, eng = ss_user.get(f"{ENGINES}/{eid}")
    assert status == 200 and eng["status"] == "Available" and eng["name"] == "eng-test1"
    assert eng["projectId"] == ss_user.project and eng["specType"] == "CSE2" and "Delete" in eng[
        "engineAdditionalActions"]
    assert eng["externalEntrypoint"]["serviceEndpoint"]["serviceCenter"]["masterEntrypoint"].endswith(":30100")
    assert eng["reference"]["azList"] == ["az1"] and eng["reference"]["serviceLimit"] == "100"
    assert isinstance(eng["createTime"], int)

    status, lst = ss_user.get(ENGINES)
    assert status == 200 and lst["total"] == 1 and lst["data"][0]["id"] == eid
    assert lst["data"][0]["serviceEndpoint"]["kie"]["masterEntrypoint"].endswith(":30110")
    assert lst["data"][0]["totalInstance"] == 100
    assert ss_user.get(ENGINES + "?type=CSE_SHARE")[1]["total"] == 0
    assert ss_user.get(ENGINES + "?limit=0")[1] == {"total": 1, "data": []}
    assert ss_user.get(ENGINES + "?limit=abc")[0] == 400

    status, d = ss_user.delete(f"{ENGINES}/{eid}")
    assert status == 200 and d["id"] == eid and d["name"] == "eng-test1" and d["jobId"] > out["jobId"]
    assert ss_user.get(f"{ENGINES}/{eid}")[1]["status"] == "Deleting"
    j = run(ss_user, drain, eid, d["jobId"])
    assert j["type"] == "Delete" and j["status"] == "Finished"
    status, body = ss_user.get(f"{ENGINES}/{eid}")
    assert status == 400 and body["errorCode"] == "SVCSTG.00501116"
    assert ss_user.get(ENGINES)[1]["total"] == 0
    # the name is free again
    assert ss_user.post(ENGINES, engine_body())[0] == 200


def test_create_validation(ss_user):
    cases = [({"name": "1bad"}, "SVCSTG.00500400"), ({"name": "ab"}, "SVCSTG.00500400"),
             ({"name": "bad-"}, "SVCSTG.00500400"), ({"payment": "2"}, "SVCSTG.00501103"),
             ({"flavor": "huge"}, "SVCSTG.00501104"), ({"azList": []}, "SVCSTG.00501105"),
             ({"azList": "az1"}, "SVCSTG.00501105"), ({"specType": "CSE1"}, "SVCSTG.00501134"),
             ({"authType": "LDAP"}, "SVCSTG.00500400"), ({"vpcId": ""}, "SVCSTG.00500400"),
             ({"subnetCidr": "nope"}, "SVCSTG.00500400"), ({"authType": "RBAC"}, "SVCSTG.00500400"),
             ({"authType": "RBAC", "auth_cred": {"pwd": "weak"}}, "SVCSTG.00500400"),
             ({"inputs": {"a": 1}}, "SVCSTG.00500400")]
    for change, code in cases:
        status, body = ss_user.post(ENGINES, engine_body(**change))
        assert status == 400 and body["errorCode"] == code, (change, body)
        assert set(body) == {"errorCode", "errorMessage", "detail"}
    status, body = ss_user.post(ENGINES, raw_body=b"{nope")
    assert status == 400 and body["errorCode"] == "SVCSTG.00500400"
    assert ss_user.get(ENGINES)[1]["total"] == 0


def test_rbac_password_sealed_and_names_unique(ss_user, drain):
    status, out = ss_user.post(ENGINES, engine_body("eng-rbac", authType="RBAC",
                                                     auth_cred={"pwd": "Rbac-Passw0rd!"}))
    assert status == 200, out
    item = objects.get(ss_user.project, "engine", out["id"])
    assert "Rbac-Passw0rd!" not in json.dumps(item.data) and "Rbac-Passw0rd!" not in item.extra["pwd_sealed"]
    assert "Rbac-Passw0rd!" not in json.dumps(ss_user.get(f"{ENGINES}/{out['id']}")[1])
    status, body = ss_user.post(ENGINES, engine_body("eng-rbac"))
    assert status == 400 and body["errorCode"] == "SVCSTG.00501111"


def test_engine_quota(ss_user):
    for n in range(5):
        assert ss_user.post(ENGINES, engine_body(f"eng-q{n}"))[0] == 200
    status, body = ss_user.post(ENGINES, engine_body("eng-q9"))
    assert status == 400 and body["errorCode"] == "SVCSTG.00501112"
    assert ss_user.get(ENGINES)[1]["total"] == 5


def test_jobs_and_isolation(ss_user, ss_other, drain):
    eid = available_engine(ss_user, drain)
    latest = ss_user.get(f"{ENGINES}/{eid}")[1]["latestJobId"]
    assert job(ss_user, eid, "abc")[1]["errorCode"] == "SVCSTG.00501152"
    assert job(ss_user, eid, str(latest + 999))[1]["errorCode"] == "SVCSTG.00501153"
    assert job(ss_user, "other-engine", str(latest))[1]["errorCode"] == "SVCSTG.00501153"
    # another tenant sees nothing of it (with its own project in the path)
    assert ss_other.get(ENGINES)[1]["total"] == 0
    status, body = ss_other.get(f"{ENGINES}/{eid}")
    assert status == 400 and body["errorCode"] == "SVCSTG.00501116"
    assert job(ss_other, eid, str(latest))[1]["errorCode"] == "SVCSTG.00501153"
    status, body = ss_other.delete(f"{ENGINES}/{eid}")
    assert status == 400 and body["errorCode"] == "SVCSTG.00501116"
    assert ss_user.get(f"{ENGINES}/{eid}")[1]["status"] == "Available"
    # nor with the owner's project in the path
    status, body = ss_other.call("GET", f"/v2/{ss_user.project}/enginemgr/engines/{eid}")
    assert status == 403


def test_unauthenticated(client, ss_user):
    r = client.http.get(f"/v2/{ss_user.project}/enginemgr/engines")
    assert r.status_code == 401 and set(json.loads(r.body)) == {"errorCode", "errorMessage", "detail"}


# ------------------------------------------------------------------ 7.2 import / export
BOUNDARY = "----WebKitFormBoundary7MA4YWxkTrZu0gW"


def multipart(doc, name="upload_file") -> bytes:
    data = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"custom.json\"\r\n"
            f"Content-Type: application/json\r\n\r\n").encode() + data + f"\r\n--{BOUNDARY}--\r\n".encode()


def upload(caller, engine_id, doc, query="override=force", name="upload_file"):
    headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    if engine_id:
        headers["x-engine-id"] = engine_id
    return caller.call("POST", f"/v1/{{project_id}}/kie/file?{query}", raw_body=multipart(doc, name),
                       headers=headers)


def test_import_export(ss_user, ss_other, drain):
    eid = available_engine(ss_user, drain)
    doc = {"data": [{"key": "k1", "value": "v1", "labels": {"app": "a"}, "status": "enabled", "value_type": "text"},
                    {"key": "k2", "value": "v2", "labels": {}, "status": "enabled"},
                    {"key": "bad key", "value": "x"}, {"key": "k3", "value": 5}, {"key": "k4", "value": "v",
                                                                                   "labels": {"bad label": "x"}}]}
    status, out = upload(ss_user, eid, doc, "override=force&label=environment:production")
    assert status == 200, out
    assert [s["key"] for s in out["success"]] == ["k1", "k2"]
    assert out["success"][0]["labels"] == {"app": "a", "environment": "production"}
    assert isinstance(out["success"][0]["create_revision"], int) and isinstance(out["success"][0]["create_time"],
                                                                                 int)
    assert {(f["key"], f["error_code"]) for f in out["failure"]} == {
        ("bad key", "SVCSTG.00400100"), ("k3", "SVCSTG.00400652"), ("k4", "SVCSTG.00400653")}
    # visible through kie 8.7
    status, lst = ss_user.get("/v1/{project_id}/kie/kv?label=environment:production")
    assert status == 200 and lst["total"] == 2

    k1 = out["success"][0]
    doc2 = {"data": [{"key": "k1", "value": "new", "labels": {"app": "a"}, "status": "enabled"},
                     {"key": "k9", "value": "v9"}]}
    status, skip = upload(ss_user, eid, doc2, "override=skip&label=environment:production")
    assert [s["key"] for s in skip["success"]] == ["k9"] and skip["failure"][0]["key"] == "k1"
    assert ss_user.get(f"/v1/{{project_id}}/kie/kv/{k1['id']}")[1]["value"] == "v1"
    status, ab = upload(ss_user, eid, {"data": [doc2["data"][0], {"key": "k10", "value": "x"}]},
                        "override=abort&label=environment:production")
    assert ab["success"] == [] and [f["key"] for f in ab["failure"]] == ["k1", "k10"]
    assert ss_user.get("/v1/{project_id}/kie/kv?key=k10")[1]["total"] == 0
    status, force = upload(ss_user, eid, doc2, "override=force&label=environment:production")
    assert status == 200 and force["success"][0]["id"] == k1["id"] and force["success"][0]["value"] == "new"
    assert force["success"][0]["update_revision"] > k1["update_revision"]

    status, exp = ss_user.post("/v1/{project_id}/kie/download", {"ids": [k1["id"]]}, headers={"x-engine-id": eid})
    assert status == 200 and exp["metadata"]["version"] == "2.0.0"
    assert exp["data"] == [{"id": k1["id"], "key": "k1", "labels": {"app": "a", "environment": "production"},
                            "value": "new", "status": "enabled", "value_type": "text"}]
    status, exp = ss_user.post("/v1/{project_id}/kie/download?label=app:a&match=exact", {"ids": []},
                               headers={"x-engine-id": eid})
    assert status == 200 and exp["data"] == []
    status, exp = ss_user.post("/v1/{project_id}/kie/download?label=app:a", {"ids": []}, headers={"x-engine-id": eid})
    assert [d["key"] for d in exp["data"]] == ["k1"]
    assert len(ss_user.post("/v1/{project_id}/kie/download", {"ids": []}, headers={"x-engine-id": eid})[1]
               ["data"]) == 3
    status, body = ss_user.post("/v1/{project_id}/kie/download", {}, headers={"x-engine-id": eid})
    assert status == 400 and body["error_code"] == "SVCSTG.00400100"

    # other tenants: not their engine, not their data
    status, body = upload(ss_other, eid, doc)
    assert status == 404 and body["error_code"] == "SVCSTG.00400106"
    assert ss_other.post("/v1/{project_id}/kie/download", {"ids": [k1["id"]]},
                         headers={"x-engine-id": eid})[0] == 404


def test_import_errors(ss_user, drain):
    eid = available_engine(ss_user, drain)
    cases = [(None, {"data": []}, "override=force", "upload_file", 400, "SVCSTG.00400100"),
             (eid, {"data": []}, "override=maybe", "upload_file", 400, "SVCSTG.00400100"),
             (eid, {"data": []}, "", "upload_file", 400, "SVCSTG.00400100"),
             (eid, b"not json", "override=force", "upload_file", 400, "SVCSTG.00400651"),
             (eid, b"  ", "override=force", "upload_file", 400, "SVCSTG.00400651"),
             (eid, {"items": []}, "override=force", "upload_file", 400, "SVCSTG.00400650"),
             (eid, {"data": []}, "override=force", "other", 400, "SVCSTG.00400650"),
             (eid, {"data": []}, "override=force&label=nocolon", "upload_file", 400, "SVCSTG.00400653")]
    for engine, doc, query, name, status_code, code in cases:
        status, body = upload(ss_user, engine, doc, query, name)
        assert status == status_code and body["error_code"] == code, (doc, query, body)
        assert set(body) == {"error_code", "error_message", "detail"}
    # not multipart at all
    status, body = ss_user.post("/v1/{project_id}/kie/file?override=force", {"data": []},
                                headers={"x-engine-id": eid})
    assert status == 400 and body["error_code"] == "SVCSTG.00400650"
    assert ss_user.get("/v1/{project_id}/kie/kv")[1]["total"] == 0


def test_no_scan_for_engine_lookups(ss_user, drain, monkeypatch):
    eid = available_engine(ss_user, drain)

    def no_scan(*a, **kw):
        raise AssertionError("scan on a request path")
    monkeypatch.setattr(SsObj, "scan", no_scan)
    assert ss_user.get(f"{ENGINES}/{eid}")[0] == 200
    assert ss_user.get(ENGINES)[1]["total"] == 1


def test_queue_down_leaves_no_engine_creating(ss_user, monkeypatch):
    from chalicelib import jobs
    from chalicelib.core.errors import Unavailable

    def down(*a, **kw):
        raise Unavailable("the job queue is unavailable, retry later")
    monkeypatch.setattr(jobs, "start", down)
    status, body = ss_user.post(ENGINES, engine_body("eng-down"))
    assert status == 503 and set(body) == {"errorCode", "errorMessage", "detail"}
    eng = ss_user.get(ENGINES)[1]["data"][0]
    assert eng["status"] == "Creation failed" and eng["engineAdditionalActions"] == ["Delete", "Retry"]
    assert job(ss_user, eng["id"], str(eng["latestJobId"]))[1]["status"] == "Error"
