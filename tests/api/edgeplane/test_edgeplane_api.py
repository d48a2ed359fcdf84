"""edgeplane's own API: login, users, API keys, jobs, audit, targets, registry push, health."""
from __future__ import annotations

from chalicelib import jobs


def test_health_needs_no_token(api):
    status, body = api.get("/edgeplane/v1/health")
    assert status == 200 and body["status"] == "ok"


def test_login(api):
    status, body = api.post("/edgeplane/v1/login", {"username": "admin", "password": "Adm1nPassw0rd"})
    assert status == 200 and body["token"] and body["expires_at"] > 0
    status, body = api.post("/edgeplane/v1/login", {"username": "admin", "password": "bad"})
    assert status == 401 and body == {"error": {"code": "unauthenticated", "message": "invalid user name or password"}}
    assert api.post("/edgeplane/v1/login", {"username": "admin"})[0] == 422
    assert api.post("/edgeplane/v1/login", {"username": "a", "password": "b", "role": "root"})[0] == 422


def test_user_management(edgeplane_admin, api):
    status, body = edgeplane_admin.post("/edgeplane/v1/users", {"username": "ci-bot", "password": "CiB0tPassword"})
    assert status == 201 and body["username"] == "ci-bot" and "password" not in str(body).lower()
    assert edgeplane_admin.post("/edgeplane/v1/users", {"username": "ci-bot", "password": "CiB0tPassword"})[0] == 409
    users = edgeplane_admin.get("/edgeplane/v1/users")[1]["users"]
    assert {u["username"] for u in users} == {"admin", "ci-bot"}
    token = api.post("/edgeplane/v1/login", {"username": "ci-bot", "password": "CiB0tPassword"})[1]["token"]
    bot = api.with_headers(authorization="Bearer " + token)
    assert bot.get("/edgeplane/v1/users")[0] == 403
    assert bot.get("/edgeplane/v1/me")[1]["username"] == "ci-bot"
    assert edgeplane_admin.put("/edgeplane/v1/users/ci-bot", {"status": "disabled"})[0] == 200
    assert bot.get("/edgeplane/v1/me")[0] == 401
    assert edgeplane_admin.delete("/edgeplane/v1/users/ci-bot")[0] == 204
    assert edgeplane_admin.get("/edgeplane/v1/users/ci-bot")[0] == 404
    assert edgeplane_admin.delete("/edgeplane/v1/users/admin")[0] == 403


def test_api_keys_authenticate_every_surface(edgeplane_admin, api):
    status, body = edgeplane_admin.post("/edgeplane/v1/users/admin/keys", {"name": "automation"})
    assert status == 201 and body["key"].startswith("epk_")
    key, key_id = body["key"], body["id"]
    listed = edgeplane_admin.get("/edgeplane/v1/users/admin/keys")[1]["keys"]
    assert listed == [{"id": key_id, "name": "automation", "createdAt": listed[0]["createdAt"]}]  # never the secret
    assert api.get("/edgeplane/v1/me", headers={"authorization": "Bearer " + key})[0] == 200
    assert api.get("/v1/authorization", headers={"authorization": key})[1]["data"]["role"] == 4
    assert api.get("/edgeplane/v1/me", headers={"authorization": "Bearer " + key[:-3] + "xyz"})[0] == 401
    assert edgeplane_admin.delete(f"/edgeplane/v1/users/admin/keys/{key_id}")[0] == 204
    assert api.get("/edgeplane/v1/me", headers={"authorization": "Bearer " + key})[0] == 401


def test_tokens_of_other_surfaces_are_not_accepted(api):
    from chalicelib.identity import tokens
    ote, _ = tokens.issue("admin", "otestack")
    assert api.get("/edgeplane/v1/me", headers={"authorization": "Bearer " + ote})[0] == 401


def test_targets_registration_and_faults(edgeplane_admin):
    status, body = edgeplane_admin.post("/edgeplane/v1/targets/clusters", {"name": "edge-wuhan", "labels": ["central"]})
    assert status == 201 and body["labels"] == ["central"]
    assert edgeplane_admin.post("/edgeplane/v1/targets/clusters", {"name": "edge-wuhan"})[0] == 409
    assert edgeplane_admin.post("/edgeplane/v1/targets/clusters", {"name": "Bad Name"})[0] == 422
    status, node = edgeplane_admin.post("/edgeplane/v1/targets/clusters/edge-wuhan/nodes",
                                        {"name": "wh-node-1", "cpu": 4, "memory": 1024})
    assert status == 201 and node["cpu"] == 4
    assert edgeplane_admin.post("/edgeplane/v1/targets/clusters/nowhere/nodes", {"name": "n1"})[0] == 404
    status, body = edgeplane_admin.put("/edgeplane/v1/targets/clusters/edge-wuhan/faults", {"pods": "crashloop"})
    assert status == 200 and body["faults"] == {"pods": "crashloop"}
    assert edgeplane_admin.put("/edgeplane/v1/targets/clusters/edge-wuhan/faults", {"pods": "explode"})[0] == 422
    detail = edgeplane_admin.get("/edgeplane/v1/targets/clusters/edge-wuhan")[1]
    assert [n["name"] for n in detail["nodes"]] == ["wh-node-1"]
    assert len(edgeplane_admin.get("/edgeplane/v1/targets/clusters")[1]["clusters"]) == 4


def test_jobs_and_audit_are_readable(edgeplane_admin, drain):
    from tests.unit.test_jobs_pipeline import Counting  # noqa: F401  (registers the test workflow)
    job = jobs.start("test.counting", surface="test", tenant_id="t9", actor="admin", params={})
    drain(lambda: jobs.get(job.job_id).status in jobs.TERMINAL)
    status, body = edgeplane_admin.get(f"/edgeplane/v1/jobs/{job.job_id}")
    assert status == 200 and body["status"] == "SUCCEEDED" and body["history"][0]["status"] == "PENDING"
    assert edgeplane_admin.get("/edgeplane/v1/jobs/unknown")[0] == 404
    assert any(j["id"] == job.job_id for j in edgeplane_admin.get("/edgeplane/v1/jobs")[1]["jobs"])
    edgeplane_admin.post("/edgeplane/v1/targets/clusters", {"name": "edge-x"})
    first = edgeplane_admin.get("/edgeplane/v1/audit?limit=1")[1]
    assert len(first["events"]) == 1 and first["next"]
    second = edgeplane_admin.get(f"/edgeplane/v1/audit?limit=1&next={first['next']}")[1]
    assert second["events"][0]["id"] != first["events"][0]["id"]
    assert edgeplane_admin.get("/edgeplane/v1/audit?next=@@@")[0] == 422


def test_no_token_is_401_and_denials_are_audited(api, edgeplane_admin):
    assert api.get("/edgeplane/v1/jobs")[0] == 401
    events = edgeplane_admin.get("/edgeplane/v1/audit?limit=5")[1]["events"]
    assert any(e["outcome"] == "denied" and e["status"] == 401 for e in events)
