"""V3 components (5.3.x) deployed through jobs on the simulated target, the V3 job view, records, runtime
stacks."""
from __future__ import annotations

from chalicelib import targets
from chalicelib.store.models import Workload
from chalicelib.store import base as store

ENVS = "/v3/{project_id}/cas/environments"
APPS = "/v3/{project_id}/cas/applications"
STACK = {"name": "OpenJDK8", "type": "Java", "version": "1.2.0", "deploy_mode": "container"}


def _setup(caller, cluster=None):
    env = caller.post(ENVS, {"name": "dev-env", "vpc_id": "vpc-1"})[1]
    if cluster:
        caller.put(ENVS + f"/{env['id']}/resources", {"resources": [{"id": cluster, "type": "cce"}]})
    app = caller.post(APPS, {"name": "shop"})[1]
    return env, app


def _component(env, name="web", version="1.0.0", **kw):
    return {"name": name, "runtime_stack": STACK, "environment_id": env["id"], "version": version, "replica": 2,
            "source": {"kind": "image", "url": "swr.local/shop/web:1", "storage": "swr"},
            "refer_resources": [{"id": "edge-guangzhou", "type": "cce", "parameters": {"namespace": "shop"}}],
            "envs": [{"name": "MODE", "value": "prod"}], **kw}


def _job(caller, job_id):
    status, body = caller.get(f"/v3/{{project_id}}/cas/jobs/{job_id}")
    assert status == 200, body
    return body


def _done(caller, job_id):
    return lambda: _job(caller, job_id)["job"]["execution_status"] in ("SUCCEEDED", "FAILED")


def test_runtime_stacks(ss_user):
    status, body = ss_user.get("/v3/{project_id}/cas/runtimestacks")
    assert status == 200 and body["runtimestacks"]
    assert set(body["runtimestacks"][0]) == {"name", "type", "version", "deploy_mode", "status"}
    assert {s["status"] for s in body["runtimestacks"]} <= {"Supported", "Deprecated"}


def test_create_deploys_on_target_and_job_view(ss_user, drain):
    env, app = _setup(ss_user)
    comps = APPS + f"/{app['id']}/components"
    status, body = ss_user.post(comps, _component(env))
    assert status == 200 and body["job_id"].startswith("JOB"), body
    comp_id, job_id = body["component_id"], body["job_id"]
    status, comp = ss_user.get(comps + f"/{comp_id}")
    assert comp["status"]["component_status"] == "INITIALIZING" and comp["status"]["last_job_id"] == job_id
    job = _job(ss_user, job_id)
    assert job["job"]["job_id"] == job_id and job["job"]["job_type"] == "PROVISION"
    assert job["job"]["rollback_enabled"] is False and job["task_count"] == 3
    assert set(job["tasks"][0]) == {"created_at", "update_at", "messages", "task_id", "task_name", "task_status",
                                    "task_type"}
    assert drain(until=_done(ss_user, job_id))
    job = _job(ss_user, job_id)
    assert job["job"]["execution_status"] == "SUCCEEDED"
    assert [t["task_status"] for t in job["tasks"]] == ["SUCCEEDED"] * 3
    assert [t["task_name"] for t in _job(ss_user, job_id + "?desc=true&limit=1")["tasks"]] == [
        "SEPARATOR_CHECKING_STATUS"]
    status, comp = ss_user.get(comps + f"/{comp_id}")
    assert comp["status"]["component_status"] == "RUNNING" and comp["status"]["available_replica"] == 2
    assert comp["id"] == comp_id and comp["version"] == "1.0.0" and comp["runtime_stack"] == STACK
    assert comp["environment_id"] == env["id"] and comp["envs"] == [{"name": "MODE", "value": "prod"}]
    w = store.get(Workload, "WORKLOAD#edge-guangzhou", f"shop#ss3-{comp_id}")
    assert w is not None and w.spec["replicas"] == 2 and w.spec["env"]["MODE"] == "prod"
    # the V2 job path reads the same record
    status, v2 = ss_user.get(f"/v2/{{project_id}}/cas/jobs/{job_id}")
    if status == 200:
        assert v2["job"]["EXECUTION_STATUS"] == "SUCCEEDED"
    # lists, counts, records
    assert ss_user.get(APPS + f"/{app['id']}")[1]["component_count"] == 1
    status, lst = ss_user.get(comps)
    assert lst["count"] == 1 and lst["components"][0]["application_name"] == "shop"
    assert lst["components"][0]["environment_name"] == "dev-env" and lst["components"][0]["platform_type"] == "cce"
    status, lst = ss_user.get("/v3/{project_id}/cas/components?application_name=shop&component_name=web")
    assert lst["count"] == 1 and lst["components"][0]["id"] == comp_id
    assert ss_user.get("/v3/{project_id}/cas/components?component_name=nope")[1]["count"] == 0
    assert ss_user.get("/v3/{project_id}/cas/components?application_name=nope")[1]["count"] == 0
    status, rec = ss_user.get(comps + f"/{comp_id}/records")
    assert rec["count"] == 1 and rec["records"][0]["version"] == "1.0.0" and rec["records"][0]["current_used"]
    assert rec["records"][0]["status"] == "SUCCEEDED" and rec["records"][0]["jobs"][0]["job_id"] == job_id
    # the environment is in use, the application is not empty
    status, body = ss_user.delete(ENVS + f"/{env['id']}")
    assert status == 409 and body["error_code"] == "SVCSTG.00100426"
    status, body = ss_user.delete(APPS + f"/{app['id']}")
    assert status == 409 and body["error_code"] == "SVCSTG.00100401"


def test_environment_cce_resource_names_the_cluster_and_failure(ss_user, drain):
    env, app = _setup(ss_user, cluster="edge-shanghai")
    targets.set_faults("edge-shanghai", {"apply": "error"})
    comps = APPS + f"/{app['id']}/components"
    body = _component(env, refer_resources=[{"id": "vpc-1", "type": "vpc"}])
    status, out = ss_user.post(comps, body)
    assert status == 200
    assert drain(until=_done(ss_user, out["job_id"]))
    job = _job(ss_user, out["job_id"])
    assert job["job"]["execution_status"] == "FAILED"
    assert any(t["task_status"] == "FAILED" and "edge-shanghai" in t["messages"] for t in job["tasks"])
    comp = ss_user.get(comps + f"/{out['component_id']}")[1]
    assert comp["status"]["component_status"] == "FAILED" and comp["status"]["fail_detail"] == "create_failed"
    rec = ss_user.get(comps + f"/{out['component_id']}/records")[1]["records"][0]
    assert rec["status"] == "FAILED" and rec["current_used"] is False


def test_modify_action_records_delete(ss_user, drain):
    env, app = _setup(ss_user)
    comps = APPS + f"/{app['id']}/components"
    out = ss_user.post(comps, _component(env))[1]
    comp_id = out["component_id"]
    path = comps + f"/{comp_id}"
    # busy while the create job runs
    status, body = ss_user.post(path + "/action", {"action": "restart"})
    assert status == 409 and body["error_code"] == "SVCSTG.00100419"
    assert drain(until=_done(ss_user, out["job_id"]))
    # modify: new version, async
    status, body = ss_user.put(path, _component(env, version="1.0.1"))
    assert status == 200 and set(body) == {"job_id"}
    assert ss_user.get(path)[1]["status"]["component_status"] == "UPGRADING"
    assert drain(until=_done(ss_user, body["job_id"]))
    comp = ss_user.get(path)[1]
    assert comp["version"] == "1.0.1" and comp["status"]["component_status"] == "RUNNING"
    recs = ss_user.get(path + "/records?order=asc")[1]
    assert recs["count"] == 2 and [r["current_used"] for r in recs["records"]] == [False, True]
    # the same version again, immutable fields, replica outside scale
    status, body = ss_user.put(path, _component(env, version="1.0.1"))
    assert status == 404 and body["error_code"] == "SVCSTG.00100441"
    assert ss_user.put(path, _component(env, name="renamed", version="1.0.2"))[0] == 400
    assert ss_user.put(path, _component(env, version="1.0.2", replica=5))[0] == 400
    # scale
    status, body = ss_user.post(path + "/action", {"action": "scale", "parameters": {"replica": 3}})
    assert status == 200 and body["result"] == "succeeded"
    assert drain(until=_done(ss_user, body["job_id"]))
    comp = ss_user.get(path)[1]
    assert comp["replica"] == 3 and comp["status"]["available_replica"] == 3
    w = store.get(Workload, "WORKLOAD#edge-guangzhou", f"shop#ss3-{comp_id}")
    assert w.spec["replicas"] == 3
    # rollback to 1.0.0
    status, body = ss_user.post(path + "/action", {"action": "rollback", "parameters": {"version": "9.9.9"}})
    assert status == 404 and body["error_code"] == "SVCSTG.00100436"
    status, body = ss_user.post(path + "/action", {"action": "rollback", "parameters": {"version": "1.0.0"}})
    assert status == 200
    assert drain(until=_done(ss_user, body["job_id"]))
    comp = ss_user.get(path)[1]
    assert comp["version"] == "1.0.0" and comp["replica"] == 3
    recs = ss_user.get(path + "/records?order=asc")[1]["records"]
    assert [r["current_used"] for r in recs] == [True, False] and len(recs[0]["jobs"]) == 2
    # stop / start
    assert ss_user.post(path + "/action", {"action": "start"})[1]["error_code"] == "SVCSTG.00100419"
    body = ss_user.post(path + "/action", {"action": "stop"})[1]
    assert drain(until=_done(ss_user, body["job_id"]))
    assert ss_user.get(path)[1]["status"]["component_status"] == "STOPPED"
    assert store.get(Workload, "WORKLOAD#edge-guangzhou", f"shop#ss3-{comp_id}") is None
    body = ss_user.post(path + "/action", {"action": "start"})[1]
    assert drain(until=_done(ss_user, body["job_id"]))
    assert ss_user.get(path)[1]["status"]["component_status"] == "RUNNING"
    # gray actions need a gray strategy; bad actions
    status, body = ss_user.post(path + "/action", {"action": "continue_deploy"})
    assert status == 409
    for bad in ({"action": "explode"}, {}, {"action": "scale"}, {"action": "scale", "parameters": {"replica": "2"}},
                {"action": "rollback"}):
        status, body = ss_user.post(path + "/action", bad)
        assert status == 400 and body["error_code"] == "SVCSTG.00100400", bad
    # delete: 200, async, then gone
    status, body = ss_user.delete(path)
    assert status == 200 and body["job_id"].startswith("JOB")
    assert ss_user.get(path)[1]["status"]["component_status"] == "DELETING"
    assert drain(until=lambda: ss_user.get(path)[0] == 404)
    assert ss_user.get(path)[1]["error_code"] == "SVCSTG.00100404"
    assert store.get(Workload, "WORKLOAD#edge-guangzhou", f"shop#ss3-{comp_id}") is None
    assert ss_user.get(APPS + f"/{app['id']}")[1]["component_count"] == 0
    assert ss_user.delete(ENVS + f"/{env['id']}")[0] == 204
    assert ss_user.delete(APPS + f"/{app['id']}")[0] == 204


def test_create_bad_input_changes_nothing(ss_user):
    env, app = _setup(ss_user)
    comps = APPS + f"/{app['id']}/components"
    good = _component(env)
    bads = [
        {k: v for k, v in good.items() if k != "runtime_stack"},
        dict(good, runtime_stack=dict(STACK, name="Cobol")),
        dict(good, runtime_stack=dict(STACK, type="Ruby")),
        dict(good, version="1.0"), dict(good, version="v1.0.0"), dict(good, replica="2"), dict(good, replica=0),
        dict(good, source={"kind": "image"}), dict(good, source={"kind": "svn", "url": "x", "storage": "swr"}),
        dict(good, refer_resources=[{"id": "c", "type": "cce"}]), {k: v for k, v in good.items()
                                                                   if k != "refer_resources"},
        dict(good, name="9lives"), dict(good, envs=[{"name": "1A", "value": "x"}]),
        dict(good, liveness_probe={"type": "http"}), dict(good, deploy_strategy={"type": "Canary"}),
        dict(good, limit_cpu="lots"), dict(good, request_cpu=2, limit_cpu=1),
        dict(good, runtime_stack=dict(STACK, deploy_mode="virtualmachine")),  # container environment
    ]
    for bad in bads:
        status, body = ss_user.post(comps, bad)
        assert status == 400 and body["error_code"] in ("SVCSTG.00100400", "SVCSTG.00100420",
                                                         "SVCSTG.00100425"), (bad, body)
    status, body = ss_user.post(comps, dict(good, environment_id="nope"))
    assert status == 404 and body["error_code"] == "SVCSTG.00100411"
    status, body = ss_user.post(APPS + "/nope/components", good)
    assert status == 404 and body["error_code"] == "SVCSTG.00100403"
    assert ss_user.get(comps)[1] == {"count": 0, "components": []}
    assert ss_user.get(APPS + f"/{app['id']}")[1]["component_count"] == 0
    assert ss_user.delete(ENVS + f"/{env['id']}")[0] == 204  # nothing references it
    status, body = ss_user.get("/v3/{project_id}/cas/jobs/nope")
    assert status == 400 and body["error_code"] == "SVCSTG.00100414"
    status, body = ss_user.get("/v3/{project_id}/cas/jobs/JOB00000000-0000-0000-0000-000000000000")
    assert status == 404 and body["error_code"] == "SVCSTG.00100408"


def test_duplicate_name_and_tenant_isolation(ss_user, ss_other, drain):
    env, app = _setup(ss_user)
    comps = APPS + f"/{app['id']}/components"
    out = ss_user.post(comps, _component(env))[1]
    status, body = ss_user.post(comps, _component(env))
    assert status == 409 and body["error_code"] == "SVCSTG.00100413"
    path = comps + f"/{out['component_id']}"
    for call in (lambda: ss_other.get(path), lambda: ss_other.delete(path),
                 lambda: ss_other.post(path + "/action", {"action": "stop"}),
                 lambda: ss_other.get(path + "/records"), lambda: ss_other.put(path, _component(env, version="2.0.0"))):
        status, body = call()
        assert status == 404 and body["error_code"] == "SVCSTG.00100403"
    status, body = ss_other.get(f"/v3/{{project_id}}/cas/jobs/{out['job_id']}")
    assert status == 404
    assert ss_other.get("/v3/{project_id}/cas/components")[1]["count"] == 0
    # a component id under another application of the caller is not found either
    other_app = ss_user.post(APPS, {"name": "other"})[1]
    status, body = ss_user.get(APPS + f"/{other_app['id']}/components/{out['component_id']}")
    assert status == 404 and body["error_code"] == "SVCSTG.00100404"
    assert ss_user.get("/v3/{project_id}/cas/components?order_by=name")[1]["count"] == 1


def test_gray_release_actions_and_vm_in_mixed_environment(ss_user, drain):
    env = ss_user.post(ENVS, {"name": "mixed-env", "vpc_id": "vpc-1", "deploy_mode": "mixed"})[1]
    app = ss_user.post(APPS, {"name": "gray"})[1]
    comps = APPS + f"/{app['id']}/components"
    gray = {"type": "GrayRelease", "gray_release": {"type": "weight", "first_batch_weight": 20,
                                                    "first_batch_replica": 1, "remaining_batches": 2}}
    out = ss_user.post(comps, _component(env, deploy_strategy=gray))[1]
    assert drain(until=_done(ss_user, out["job_id"]))
    path = comps + f"/{out['component_id']}"
    comp = ss_user.get(path)[1]
    assert comp["deploy_strategy"]["gray_release"]["remaining_batch"] == 2
    rec = ss_user.get(path + "/records")[1]["records"][0]
    assert rec["deploy_type"] == "GrayRelease" and rec["jobs"][0]["job_info"]["first_batch_weight"] == 20
    status, body = ss_user.post(path + "/action", {"action": "continue_deploy"})
    assert status == 200
    assert drain(until=_done(ss_user, body["job_id"]))
    assert _job(ss_user, body["job_id"])["job"]["execution_status"] == "SUCCEEDED"
    vm = dict(_component(env, name="vm-app"), runtime_stack=dict(STACK, version="1.1.1", deploy_mode="virtualmachine"))
    status, body = ss_user.post(comps, vm)
    assert status == 200, body
    assert drain(until=_done(ss_user, body["job_id"]))
    lst = ss_user.get(comps + "?order_by=name&order=asc")[1]
    assert [c["name"] for c in lst["components"]] == ["vm-app", "web"]
    assert [c["platform_type"] for c in lst["components"]] == ["vmapp", "cce"]
    # scaling a VM component needs hosts
    status, body = ss_user.post(comps + f"/{body['component_id']}/action",
                                {"action": "scale", "parameters": {"replica": 2}})
    assert status == 400
