"""Property: two concurrent read-modify-write updates of one object never lose an update. The second request is
run *inside* the first one, between its read and its write (its first DynamoDB write of the object triggers it):
the first writer then either fails with the surface's clean conflict answer, or its service merges (retries) so
the final object holds both changes. Never: both answered OK and one change gone."""
from __future__ import annotations

import json

import botocore.client
import pytest

from tests.reliability.conftest import start_deploy

WRITES = {"PutItem", "UpdateItem", "TransactWriteItems"}


@pytest.fixture
def interleave(monkeypatch):
    """``interleave(marker, second)``: run ``second()`` just before the first DynamoDB write whose parameters
    mention ``marker`` (the object's id), i.e. after the first request read the object and before it writes it."""
    armed: list = []
    fired: list = []
    real = botocore.client.BaseClient._make_api_call

    def call(self, op, params):
        if armed and op in WRITES and self.meta.service_model.service_name == "dynamodb" \
                and armed[0][0] in json.dumps(params, default=str):
            marker, second = armed.pop()
            fired.append(second())
        return real(self, op, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", call)

    def arm(marker: str, second):
        armed[:] = [(marker, second)]
        return fired
    return arm


def check(first, second_result, final_has_first: bool, final_has_second: bool, conflict_status: set[int],
          fired):
    assert fired, "the second request never ran inside the first"
    second_status = second_result[0]
    assert second_status == 200, second_result  # the request that wrote first succeeded
    assert final_has_second, "the second writer's change was lost"
    status = first[0]
    print("interleaved:", first, "| second:", second_result)
    if status == 200:
        assert final_has_first, f"both were told OK, the first writer's change is gone: {first}"
    else:  # the loser is told, cleanly, to retry
        assert status in conflict_status, first
        raw = json.dumps(first[1], ensure_ascii=False)
        assert "Traceback" not in raw and "internal" not in raw.lower(), raw


def test_servicestage_kie_kv(ss, interleave):  # the owner-scoped object store (ServiceStage, MSAP)
    kv_path = "/v1/{project_id}/kie/kv"
    status, kv = ss.post(kv_path, {"key": "k1", "value": "v0", "labels": {"app": "a1"}, "status": "enabled",
                                   "value_type": "text"})
    assert status == 200, kv
    fired = interleave(kv["id"], lambda: ss.put(f"{kv_path}/{kv['id']}", {"value": "v0", "status": "disabled"}))
    first = ss.put(f"{kv_path}/{kv['id']}", {"value": "from-first", "status": "enabled"})
    final = ss.get(f"{kv_path}/{kv['id']}")[1]
    # both writers set both fields: whoever wins last is what the object shows; the winner must have been told OK
    # and the object must be exactly one of the two writes, with a revision for each successful one
    assert fired and fired[0][0] == 200, fired
    if first[0] == 200:
        assert (final["value"], final["status"]) == ("from-first", "enabled"), final
        assert final["update_revision"] >= fired[0][1]["update_revision"] + 1
    else:
        assert first[0] in (400, 409) and "concurrently, retry" in first[1]["error_message"], first  # kie: 400001
        assert (final["value"], final["status"]) == ("v0", "disabled"), final


def test_msap_project(ms, interleave):
    pid = ms.ok_post("/v1/project/createProject", {"projectCode": "p-cc", "projectName": "并发项目"})
    pid = pid if isinstance(pid, str) else pid.get("projectId") or pid.get("id")
    fired = interleave(pid, lambda: ms.post("/v1/project/updateProject", {"projectId": pid,
                                                                          "description": "from-second"}))
    first = ms.post("/v1/project/updateProject", {"projectId": pid, "projectName": "第一个改名"})
    page = ms.ok_get("/v1/project/listProjectsPage", pageNum=1, pageSize=10)
    rows = page.get("records") or page.get("list") or page.get("rows") or page
    final = next(p for p in rows if str(p.get("projectId") or p.get("id")) == str(pid))
    assert fired and fired[0][1]["code"] == "200", fired
    check(first, fired[0], final["projectName"] == "第一个改名", final.get("description") == "from-second",
          {409}, fired)


def test_mobiledgex_org(mx, interleave):
    status, body = mx.json("/auth/org/create", {"Name": "ccorg", "Type": "developer"})
    assert status == 200, body
    fired = interleave("ccorg", lambda: mx.json("/auth/org/update", {"Name": "ccorg", "Phone": "555-0102",
                                                                      "fields": ["Phone"]}))
    first = mx.json("/auth/org/update", {"Name": "ccorg", "Address": "1 First Street", "fields": ["Address"]})
    shown = mx.json("/auth/org/show", {"Name": "ccorg"})[1]
    final = next(o for o in shown if o["Name"] == "ccorg")
    check(first, fired[0], final.get("Address") == "1 First Street", final.get("Phone") == "555-0102",
          {400}, fired)  # MobiledgeX answers every business refusal 400 {"message"}
    if first[0] != 200:
        assert "concurrent" in first[1]["message"].lower() or "retry" in first[1]["message"].lower(), first


def test_edgegallery_application(eg, interleave):
    from tests.api.edgegallery.conftest import upload_icon
    status, app = eg.post("/mec/developer/v2/applications", {
        "name": "ccapp", "version": "1.0", "provider": "acme", "appClass": "CONTAINER", "architecture": "X86",
        "description": "d0", "iconFileId": upload_icon(eg), "type": "Video Application", "industry": "Smart Park"})
    assert status == 200, app
    path = f"/mec/developer/v2/applications/{app['id']}"
    fired = interleave(app["id"], lambda: eg.put(path, {"industry": "Smart Home"}))
    first = eg.put(path, {"description": "from-first"})
    final = eg.get(path)[1]
    check(first, fired[0], final["description"] == "from-first", final["industry"] == "Smart Home", {409}, fired)


def test_otestack_two_operations_on_one_deployment(ote, drain, interleave):
    """Two administrators upgrade one deployment at the same moment: exactly one operation (job) runs, the other
    is refused; the deployment ends with the winner's version."""
    from chalicelib import jobs
    from tests.api.otestack.helpers import create_app
    admin, _ = ote
    deploy_id, job_id = start_deploy(admin)
    assert drain(lambda: jobs.get(job_id).status in jobs.TERMINAL, timeout=20)
    v2 = create_app(admin)["version"]
    v3 = create_app(admin)["version"]
    path = f"/v1/deploy/id/{deploy_id}"
    marker = f"DEPLOY#{deploy_id:020d}"
    fired = interleave(marker, lambda: admin.post(path, {"version": v3, "comment": "second"}))
    first = admin.post(path, {"version": v2, "comment": "first"})
    assert fired and fired[0][0] == 200, fired
    assert first[0] in (200, 409), first
    started = [r for r in (first, fired[0]) if r[0] == 200]
    assert len(started) == 1, (first, fired[0])  # one operation runs, the other is told
    assert "Traceback" not in json.dumps(first[1])
    active = list(jobs.Job.gsi3.query("JOBS#ACTIVE"))
    assert len(active) == 1
    assert drain(lambda: not list(jobs.Job.gsi3.query("JOBS#ACTIVE")), timeout=20)
    d = admin.get(path)[1]["data"]
    assert d["status"] == 5 and d["version"] == (v2 if first[0] == 200 else v3), d
