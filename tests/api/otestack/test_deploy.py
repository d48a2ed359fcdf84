"""ote-stack Deployment Management (9 endpoints + aliases): audited operations run as jobs on targets."""
from __future__ import annotations

import json

import pytest

from chalicelib import jobs, targets
from chalicelib.store.models import Job, Workload
from tests.api.otestack.helpers import create_app

DEPLOY = {"deployName": "web-prod", "appName": "web", "version": "1.1.1", "cluster": "all", "nodeLabel": "all",
          "comment": "first"}


@pytest.fixture
def biz(make_business):
    admin, member, info = make_business()
    create_app(member)
    create_app(member)  # 1.1.2
    return admin, member, info


def settle(drain, api, deploy_id):
    """Deliver messages until the deployment reached a final status and no job is still running."""
    def done():
        d = api.get(f"/v1/deploy/id/{deploy_id}")[1]["data"]
        return d["status"] in (2, 5, 6, 7, 8, 9) and next(iter(Job.gsi3.query("JOBS#ACTIVE")), None) is None
    assert drain(done, timeout=30)
    return api.get(f"/v1/deploy/id/{deploy_id}")[1]["data"]


def workloads(info, name="web-prod"):
    out = {}
    for c in targets.list_clusters():
        w = next(iter(Workload.query(f"WORKLOAD#{c.name}", Workload.sk == f"{info['namespace']}#{name}")), None)
        if w is not None:
            out[c.name] = w
    return out


class TestAuditFlow:
    def test_general_user_deploy_waits_for_audit_then_runs(self, biz, drain):
        admin, member, info = biz
        status, body = member.post("/v1/deploy", DEPLOY)
        assert status == 200 and body["code"] == 200
        deploy_id = body["data"]["id"]
        d = member.get(f"/v1/deploy/id/{deploy_id}")[1]["data"]
        assert (d["status"], d["deployType"], d["editable"], d["running"]) == (0, 1, False, False)
        audits = admin.get("/v1/admin/deploy")[1]
        assert audits["total"] == 1
        row = audits["data"][0]
        assert (row["deployId"], row["deployType"], row["status"], row["businessName"]) == (deploy_id, 1, 0, info["name"])
        assert member.get("/v1/admin/deploy")[0] == 403
        assert member.put("/v1/admin/deploy", {"id": row["id"], "status": 1, "comment": "go"})[0] == 403
        status, body = admin.put("/v1/admin/deploy", {"id": row["id"], "status": 1, "comment": "go"})
        assert status == 200 and body["data"]["jobId"]
        d = settle(drain, member, deploy_id)
        assert d["status"] == 5 and d["running"] is True and d["editable"] is True and d["auditComment"] == "go"
        assert json.loads(d["errorMessage"]) == {"running": 6, "error": 0, "total": 6}
        ws = workloads(info)
        assert set(ws) == {"edge-beijing", "edge-guangzhou", "edge-shanghai"}
        assert all(w.phase == "Running" and w.spec["image"] == "library/nginx:1.25" for w in ws.values())
        assert jobs.get(body["data"]["jobId"]).status == "SUCCEEDED"
        assert admin.put("/v1/admin/deploy", {"id": row["id"], "status": 1, "comment": "again"})[0] == 409

    def test_disapproval(self, biz, drain):
        admin, member, info = biz
        deploy_id = member.post("/v1/deploy", DEPLOY)[1]["data"]["id"]
        audit_id = admin.get("/v1/admin/deploy")[1]["data"][0]["id"]
        assert admin.post("/v1/admin/deploy", {"id": audit_id, "status": 2, "comment": "not now"})[0] == 200
        d = member.get(f"/v1/deploy/id/{deploy_id}")[1]["data"]
        assert (d["status"], d["editable"], d["auditComment"]) == (2, True, "not now")
        assert workloads(info) == {}
        assert admin.get("/v1/admin/deploy")[1]["data"][0]["status"] == 2

    def test_audit_validation(self, biz):
        admin, member, _ = biz
        member.post("/v1/deploy", DEPLOY)
        audit_id = admin.get("/v1/admin/deploy")[1]["data"][0]["id"]
        assert admin.put("/v1/admin/deploy", {"id": audit_id, "status": 0, "comment": "x"})[0] == 422
        assert admin.put("/v1/admin/deploy", {"id": "1", "status": 1, "comment": "x"})[0] == 422
        assert admin.put("/v1/admin/deploy", {"id": 999999, "status": 1, "comment": "x"})[0] == 404
        assert admin.get("/v1/admin/deploy")[1]["data"][0]["status"] == 0

    def test_other_business_cannot_audit_or_see(self, biz, make_business):
        admin, member, _ = biz
        other_admin, other_member, _ = make_business()
        deploy_id = member.post("/v1/deploy", DEPLOY)[1]["data"]["id"]
        audit_id = admin.get("/v1/admin/deploy")[1]["data"][0]["id"]
        assert other_admin.get("/v1/admin/deploy")[1]["total"] == 0
        assert other_admin.put("/v1/admin/deploy", {"id": audit_id, "status": 1, "comment": "x"})[0] == 404
        assert other_member.get(f"/v1/deploy/id/{deploy_id}")[0] == 404
        assert other_member.get("/v1/deploy")[1]["total"] == 0
        assert other_member.delete(f"/v1/deploy/id/{deploy_id}")[0] == 404
        assert other_member.delete("/v1/deploy/web-prod")[0] == 404
        assert member.get(f"/v1/deploy/id/{deploy_id}")[1]["data"]["status"] == 0

    def test_system_administrator_sees_every_audit(self, biz, sysadmin):
        admin, member, info = biz
        member.post("/v1/deploy", DEPLOY)
        rows = sysadmin.get("/v1/admin/deploy")[1]
        assert rows["total"] == 1 and rows["data"][0]["businessName"] == info["name"]
        assert sysadmin.get(f"/v1/admin/deploy?businessName={info['name']}")[1]["total"] == 1
        assert sysadmin.get("/v1/admin/deploy?businessName=zzz")[1]["total"] == 0


class TestLifecycle:
    def test_admin_auto_deploy_upgrade_rollback_delete(self, biz, drain):
        admin, member, info = biz
        status, body = admin.post("/v1/deploy/install", {**DEPLOY, "cluster": "south"})
        assert status == 200 and body["data"]["jobId"]
        deploy_id = body["data"]["id"]
        d = settle(drain, admin, deploy_id)
        assert d["status"] == 5 and d["version"] == "1.1.1"
        assert set(workloads(info)) == {"edge-guangzhou", "edge-shanghai"}
        # upgrade
        assert admin.post(f"/v1/deploy/id/{deploy_id}", {"version": "1.1.9"})[0] == 404
        assert admin.post(f"/v1/deploy/id/{deploy_id}", {"version": "1.1.1"})[0] == 422
        status, body = admin.post(f"/v1/deploy/id/{deploy_id}", {"version": "1.1.2", "comment": "up"})
        assert status == 200
        assert admin.post(f"/v1/deploy/id/{deploy_id}", {"version": "1.1.2"})[0] == 409  # not editable meanwhile
        d = settle(drain, admin, deploy_id)
        assert (d["status"], d["deployType"], d["version"]) == (5, 2, "1.1.2")
        assert all(w.spec["version"] == "1.1.2" and w.revision == 2 for w in workloads(info).values())
        hist = admin.get(f"/v1/deploy/id/{deploy_id}?field=historyVersion")[1]["data"]["historyVersion"]
        assert hist == ["1.1.1", "1.1.2"]
        # rollback
        assert admin.put(f"/v1/deploy/id/{deploy_id}", {"version": "9.9.9", "comment": "x"})[0] == 422
        assert admin.put(f"/v1/deploy/id/{deploy_id}", {"version": "1.1.1"})[0] == 422  # comment required
        assert admin.put(f"/v1/deploy/id/{deploy_id}", {"version": "1.1.1", "comment": "back"})[0] == 200
        d = settle(drain, admin, deploy_id)
        assert (d["status"], d["deployType"], d["version"]) == (5, 3, "1.1.1")
        assert all(w.spec["version"] == "1.1.1" for w in workloads(info).values())
        # delete by id
        assert admin.delete(f"/v1/deploy/id/{deploy_id}")[0] == 200
        d = settle(drain, admin, deploy_id)
        assert (d["status"], d["deployType"], d["running"]) == (9, 4, False)
        assert workloads(info) == {}
        assert admin.post(f"/v1/deploy/id/{deploy_id}", {"version": "1.1.2"})[0] == 404
        # the name is free again
        assert admin.post("/v1/deploy", DEPLOY)[0] == 200
        audits = admin.get("/v1/admin/deploy?pageSize=0")[1]
        assert [r["deployType"] for r in audits["data"]][:4] == [1, 4, 3, 2]  # newest first

    def test_delete_by_name_and_list_filters(self, biz, drain):
        admin, member, info = biz
        a = admin.post("/v1/deploy", DEPLOY)[1]["data"]["id"]
        b = admin.post("/v1/deploy", {**DEPLOY, "deployName": "web-test"})[1]["data"]["id"]
        settle(drain, admin, a)
        settle(drain, admin, b)
        rows = member.get("/v1/deploy")[1]
        assert rows["total"] == 2 and {r["deployName"] for r in rows["data"]} == {"web-prod", "web-test"}
        assert member.get("/v1/deploy?running=true")[1]["total"] == 2
        assert member.get("/v1/deploy?editable=false")[1]["total"] == 0
        assert member.get("/v1/deploy?appName=we&appNameMode=prefix")[1]["total"] == 2
        assert member.get("/v1/deploy?appName=db&appNameMode=strict")[1]["total"] == 0
        assert member.get("/v1/deploy?pageSize=1&page=2")[1]["data"][0]["id"] == b
        assert member.get("/v1/deploy?field=deployName,status")[1]["data"][0] == {"deployName": "web-prod", "status": 5}
        assert member.get("/v1/deploy?editable=maybe")[0] == 422
        assert admin.delete("/v1/deploy/web-test")[0] == 200
        settle(drain, admin, b)
        assert admin.delete("/v1/deploy/web-test")[0] == 404
        assert member.get("/v1/deploy?running=true")[1]["total"] == 1

    def test_general_user_delete_needs_audit(self, biz, drain):
        admin, member, info = biz
        deploy_id = admin.post("/v1/deploy", DEPLOY)[1]["data"]["id"]
        settle(drain, admin, deploy_id)
        assert member.delete(f"/v1/deploy/id/{deploy_id}")[0] == 200
        d = member.get(f"/v1/deploy/id/{deploy_id}")[1]["data"]
        assert (d["status"], d["deployType"], d["editable"]) == (0, 4, False)
        assert len(workloads(info)) == 3
        audit_id = admin.get("/v1/admin/deploy")[1]["data"][0]["id"]
        admin.put("/v1/admin/deploy", {"id": audit_id, "status": 1, "comment": "ok"})
        assert settle(drain, admin, deploy_id)["status"] == 9

    def test_create_validation_changes_nothing(self, biz):
        admin, member, _ = biz
        for bad, code in (({"version": "7.7.7"}, 404), ({"appName": "nope"}, 404), ({"cluster": "moon"}, 422),
                          ({"nodeLabel": "moon"}, 422), ({"deployName": "id"}, 422), ({"deployName": "Bad Name"}, 422),
                          ({"comment": 5}, 422)):
            status, body = member.post("/v1/deploy", {**DEPLOY, **bad})
            assert (status, body["code"]) == (code, code), bad
        missing = dict(DEPLOY)
        missing.pop("cluster")
        assert member.post("/v1/deploy", missing)[0] == 422
        assert member.post("/v1/deploy", raw="[1,")[0] == 422
        assert member.get("/v1/deploy")[1]["total"] == 0
        assert admin.get("/v1/admin/deploy")[1]["total"] == 0
        assert member.post("/v1/deploy", DEPLOY)[0] == 200
        assert member.post("/v1/deploy", DEPLOY)[0] == 409
        assert member.get("/v1/deploy")[1]["total"] == 1

    def test_node_label_placement_and_label_removal(self, biz, drain):
        admin, member, info = biz
        admin.post("/v1/node/label", {"nodeName": ["gz-node-1"], "nodeLabel": "cam", "clusterName": "edge-guangzhou"})
        deploy_id = admin.post("/v1/deploy", {**DEPLOY, "nodeLabel": "cam"})[1]["data"]["id"]
        d = settle(drain, admin, deploy_id)
        # only edge-guangzhou has a 'cam' node: the other clusters cannot schedule their pods
        assert d["status"] == 6
        assert json.loads(d["errorMessage"]) == {"running": 2, "error": 4, "total": 6}
        body = {"nodeName": ["gz-node-1"], "nodeLabel": "cam", "clusterName": "edge-guangzhou"}
        status, resp = admin.delete("/v1/node/label", body)
        assert status == 409 and "deleteDeploy" in resp["message"]
        assert admin.get("/v1/node?nodeLabel=cam")[1]["total"] == 1
        status, resp = admin.delete("/v1/node/label", {**body, "deleteDeploy": True})
        assert status == 200 and resp["deletedDeploy"] == [deploy_id]
        assert settle(drain, admin, deploy_id)["status"] == 9


class TestFailures:
    def test_crashing_pods_end_failed_not_stuck(self, biz, drain):
        admin, member, info = biz
        for c in ("edge-beijing", "edge-guangzhou", "edge-shanghai"):
            targets.set_faults(c, {"pods": "crashloop"})
        status, body = admin.post("/v1/deploy", DEPLOY)
        d = settle(drain, admin, body["data"]["id"])
        assert d["status"] == 7 and d["running"] is False and d["editable"] is True
        assert json.loads(d["errorMessage"])["running"] == 0
        assert jobs.get(body["data"]["jobId"]).status == "FAILED"

    def test_partial_success(self, biz, drain):
        admin, member, info = biz
        targets.set_faults("edge-beijing", {"apply": "error"})
        d = settle(drain, admin, admin.post("/v1/deploy", DEPLOY)[1]["data"]["id"])
        assert d["status"] == 6
        counts = json.loads(d["errorMessage"])
        assert counts == {"running": 4, "error": 2, "total": 6}

    def test_failed_uninstall(self, biz, drain):
        admin, member, info = biz
        deploy_id = admin.post("/v1/deploy", DEPLOY)[1]["data"]["id"]
        settle(drain, admin, deploy_id)
        targets.set_faults("edge-shanghai", {"remove": "error"})
        admin.delete(f"/v1/deploy/id/{deploy_id}")
        d = settle(drain, admin, deploy_id)
        assert d["status"] == 7 and d["editable"] is True
        targets.set_faults("edge-shanghai", {})
        admin.delete(f"/v1/deploy/id/{deploy_id}")
        assert settle(drain, admin, deploy_id)["status"] == 9

    def test_crash_in_a_step_is_internal_error(self, biz, drain, monkeypatch):
        from chalicelib.surfaces.otestack import service_deploy
        admin, member, info = biz
        monkeypatch.setattr(service_deploy.DeployWorkflow, "_spec", staticmethod(lambda app, d: 1 / 0))
        d = settle(drain, admin, admin.post("/v1/deploy", DEPLOY)[1]["data"]["id"])
        assert d["status"] == 8 and d["editable"] is True
        assert "internal error" in json.loads(d["errorMessage"])["reason"]

    def test_apps_in_use_cannot_be_deleted(self, biz, drain):
        admin, member, info = biz
        deploy_id = admin.post("/v1/deploy", DEPLOY)[1]["data"]["id"]
        settle(drain, admin, deploy_id)
        app_id = member.get("/v1/app?version=1.1.1")[1]["apps"][0]["id"]
        assert member.delete("/v1/app", {"appId": [app_id]})[0] == 409
        assert member.get(f"/v1/app/{app_id}")[0] == 200


class TestIdempotency:
    def test_same_key_replays_the_first_answer(self, biz, drain):
        admin, member, info = biz
        h = {"idempotency-key": "4b7f0c9e-1111-2222-3333-444455556666"}
        first = member.post("/v1/deploy", DEPLOY, headers=h)
        second = member.post("/v1/deploy", DEPLOY, headers=h)
        assert first[0] == second[0] == 200 and first[1] == second[1]
        assert member.get("/v1/deploy")[1]["total"] == 1
        assert admin.get("/v1/admin/deploy")[1]["total"] == 1
        status, body = member.post("/v1/deploy", {**DEPLOY, "comment": "other"}, headers=h)
        assert status == 422 and "Idempotency-Key" in body["message"]
        # without the key a repeat is a real second request (and a duplicate name)
        assert member.post("/v1/deploy", DEPLOY)[0] == 409

    def test_keys_are_per_caller_and_failures_are_not_stored(self, biz, make_business):
        admin, member, info = biz
        _, other, _ = make_business()
        h = {"idempotency-key": "k-1"}
        assert other.post("/v1/deploy", DEPLOY, headers=h)[0] == 404  # other business has no app
        assert member.post("/v1/deploy", DEPLOY, headers=h)[0] == 200
        create_app(other)
        create_app(other)
        assert other.post("/v1/deploy", DEPLOY, headers=h)[0] == 200


def test_a_helm_chart_application_deploys(make_business, drain):
    from tests.api.otestack.helpers import chart_tgz, multipart_body
    admin, member, info = make_business()
    ct, raw = multipart_body({"appName": "camera", "version": "0.1"}, {"chart": ("camera.tgz", chart_tgz("camera"))})
    r = admin.client.http.post("/v1/app/chart", headers={**admin.headers, "content-type": ct}, body=raw)
    assert r.status_code == 200, r.body
    body = {**DEPLOY, "deployName": "camera", "appName": "camera", "version": "0.1.1", "cluster": "north"}
    deploy_id = admin.post("/v1/deploy", body)[1]["data"]["id"]
    d = settle(drain, admin, deploy_id)
    assert d["status"] == 5 and json.loads(d["errorMessage"]) == {"running": 1, "error": 0, "total": 1}
    w = workloads(info, "camera")["edge-beijing"]
    assert w.spec["kind"] == "helm" and w.spec["chart"].endswith(".tgz")
