"""Application management V2: component instances (4.5) deployed on the simulated targets through jobs, their
snapshots and rollback (4.5.7), and the job API (4.6.1)."""
from __future__ import annotations

import json

import pytest

from chalicelib import targets
from chalicelib.store import base as store
from chalicelib.store.models import Workload
from tests.api.servicestage.test_v2_apps import APPS, ENVS, comp_body, env_body

JOBS = "/v2/{project_id}/cas/jobs"


def inst_body(name="web-1", env_id="", **kw):
    return {"name": name, "environment_id": env_id, "flavor_id": "MICRO-5G:0.5C:1G", "replica": 2,
            "version": "1.0.0",
            "artifacts": {"web": {"storage": "swr", "type": "image", "url": "swr.example.com/org/web:1.0",
                                  "auth": "iam"}},
            "configuration": {"env": [{"name": "MODE", "value": "prod"}]},
            "external_accesses": [{"protocol": "http", "address": "web.example.com", "forward_port": 8080}],
            "refer_resources": [{"id": "edge-beijing", "type": "cce", "parameters": {"namespace": "shop"}}], **kw}


@pytest.fixture
def world(ss_user):
    env = ss_user.post(ENVS, env_body())[1]
    app = ss_user.post(APPS, {"name": "shop"})[1]
    comp = ss_user.post(f"{APPS}/{app['id']}/components", comp_body())[1]
    base = f"{APPS}/{app['id']}/components/{comp['id']}/instances"
    return {"env": env, "app": app, "comp": comp, "base": base}


def job(caller, job_id, query=""):
    return caller.get(f"{JOBS}/{job_id}{query}")


def run(caller, drain, job_id):
    drain(until=lambda: job(caller, job_id)[1]["job"]["EXECUTION_STATUS"] in ("SUCCEEDED", "FAILED"))
    return job(caller, job_id)[1]


def workload(item_id, name="web-1"):
    for c in targets.list_clusters():
        for w in Workload.query(f"WORKLOAD#{c.name}"):
            if w.name == f"{name}-{item_id[:8]}":
                return w
    return None


def test_instance_lifecycle(ss_user, world, drain):
    base = world["base"]
    status, out = ss_user.post(base, inst_body(env_id=world["env"]["id"]))
    assert status == 200, out
    assert set(out) == {"instance_id", "job_id"} and out["job_id"].startswith("JOB")
    iid = out["instance_id"]
    status, detail = ss_user.get(f"{base}/{iid}")
    assert detail["status_detail"]["status"] == "INITIALIZING"
    assert detail["status_detail"]["last_job_id"] == out["job_id"]
    assert detail["status_detail"]["last_job_status"] == "RUNNING"
    j = run(ss_user, drain, out["job_id"])
    assert j["job"]["EXECUTION_STATUS"] == "SUCCEEDED" and j["job"]["JOB_TYPE"] == "PROVISION"
    assert j["job"]["SERVICE_INSTANCE_ID"] == iid and j["job"]["PROJECT_ID"] == ss_user.project
    assert j["task_count"] == 3 and [t["TASK_INDEX"] for t in j["tasks"]] == [1, 2, 3]
    assert all(t["TASK_STATUS"] == "SUCCEEDED" for t in j["tasks"])
    status, detail = ss_user.get(f"{base}/{iid}")
    sd = detail["status_detail"]
    assert sd["status"] == "RUNNING" and sd["replica"] == 2 and sd["available_replica"] == 2
    assert sd["last_job_status"] == "SUCCEEDED"
    assert detail["platform_type"] == "cce" and detail["version"] == "1.0.0" and detail["flavor_id"]
    assert detail["external_accesses"][0]["forward_port"] == 8080 and detail["external_accesses"][0]["id"]
    assert detail["refer_resources"][0]["parameters"] == {"namespace": "shop"}
    w = workload(iid)
    assert w is not None and w.cluster == "edge-beijing" and w.phase == "Running" and int(w.desired) == 2
    assert {"name": "MODE", "value": "prod"} in w.spec["env"]
    # list
    status, page = ss_user.get(base)
    assert page["count"] == 1
    row = page["instances"][0]
    assert row["application_name"] == "shop" and row["component_name"] == "web-comp"
    assert row["environment_name"] == "dev-env" and row["status_detail"]["status"] == "RUNNING"
    # snapshots
    status, snaps = ss_user.get(f"{base}/{iid}/snapshots")
    assert snaps["count"] == 1 and snaps["snapshots"][0]["version"] == "1.0.0"
    assert json.loads(snaps["snapshots"][0]["description"]) == {"action": "New Version: 1.0.0"}
    # scale
    status, act = ss_user.post(f"{base}/{iid}/action", {"action": "scale", "parameters": {"replica": 3}})
    assert status == 200 and set(act) == {"job_id"}
    assert ss_user.get(f"{base}/{iid}")[1]["status_detail"]["status"] == "UPGRADING"
    # a second operation while the job runs is refused
    status, err = ss_user.post(f"{base}/{iid}/action", {"action": "restart"})
    assert status == 409 and err["error_code"] == "SVCSTG.00100419"
    j = run(ss_user, drain, act["job_id"])
    assert j["job"]["EXECUTION_STATUS"] == "SUCCEEDED" and j["job"]["JOB_TYPE"] == "DAILY_OPERATION"
    sd = ss_user.get(f"{base}/{iid}")[1]["status_detail"]
    assert sd["replica"] == 3 and sd["available_replica"] == 3 and sd["last_job_id"] == act["job_id"]
    assert int(workload(iid).desired) == 3
    # stop / start
    act = ss_user.post(f"{base}/{iid}/action", {"action": "stop"})[1]
    run(ss_user, drain, act["job_id"])
    assert ss_user.get(f"{base}/{iid}")[1]["status_detail"]["status"] == "STOPPED"
    assert workload(iid) is None
    assert ss_user.post(f"{base}/{iid}/action", {"action": "stop"})[0] == 409
    act = ss_user.post(f"{base}/{iid}/action", {"action": "start"})[1]
    run(ss_user, drain, act["job_id"])
    assert ss_user.get(f"{base}/{iid}")[1]["status_detail"]["status"] == "RUNNING"
    assert workload(iid).phase == "Running"
    # upgrade: a new version and a second snapshot
    status, up = ss_user.put(f"{base}/{iid}", {"version": "1.1.0", "artifacts": {"web": {
        "storage": "swr", "type": "image", "url": "swr.example.com/org/web:1.1", "auth": "iam"}}})
    assert status == 200 and set(up) == {"job_id"}
    run(ss_user, drain, up["job_id"])
    detail = ss_user.get(f"{base}/{iid}")[1]
    assert detail["version"] == "1.1.0" and detail["status_detail"]["status"] == "RUNNING"
    assert workload(iid).spec["image"] == "swr.example.com/org/web:1.1"
    snaps = ss_user.get(f"{base}/{iid}/snapshots?snapshot_order_by=version&order=asc")[1]
    assert [s["version"] for s in snaps["snapshots"]] == ["1.0.0", "1.1.0"]
    # the same version again is refused
    status, err = ss_user.put(f"{base}/{iid}", {"version": "1.0.0"})
    assert status == 404 and err["error_code"] == "SVCSTG.00100441"
    # rollback to 1.0.0
    status, err = ss_user.post(f"{base}/{iid}/action", {"action": "rollback", "parameters": {"version": "9.9.9"}})
    assert status == 404 and err["error_code"] == "SVCSTG.00100436"
    act = ss_user.post(f"{base}/{iid}/action", {"action": "rollback", "parameters": {"version": "1.0.0"}})[1]
    run(ss_user, drain, act["job_id"])
    detail = ss_user.get(f"{base}/{iid}")[1]
    assert detail["version"] == "1.0.0" and workload(iid).spec["image"] == "swr.example.com/org/web:1.0"
    # the environment is in use, the component deployed
    status, err = ss_user.delete(f"{ENVS}/{world['env']['id']}")
    assert status == 409 and err["error_code"] == "SVCSTG.00100426"
    status, err = ss_user.delete(f"{APPS}/{world['app']['id']}/components/{world['comp']['id']}")
    assert status == 400 and err["error_code"] == "SVCSTG.00100402"
    # delete: 200 + job_id
    status, out = ss_user.delete(f"{base}/{iid}")
    assert status == 200 and set(out) == {"job_id"}
    assert ss_user.get(f"{base}/{iid}")[1]["status_detail"]["status"] == "DELETING"
    j = run(ss_user, drain, out["job_id"])
    assert j["job"]["EXECUTION_STATUS"] == "SUCCEEDED" and j["job"]["JOB_TYPE"] == "DEPROVISION"
    status, err = ss_user.get(f"{base}/{iid}")
    assert status == 404 and err["error_code"] == "SVCSTG.00100412"
    assert workload(iid) is None and ss_user.get(base)[1]["count"] == 0
    assert ss_user.delete(f"{ENVS}/{world['env']['id']}") == (204, None)


def test_failed_deploy_on_faulty_target(ss_user, world, drain):
    targets.set_faults("edge-beijing", {"apply": "error"})
    try:
        out = ss_user.post(world["base"], inst_body(env_id=world["env"]["id"]))[1]
        j = run(ss_user, drain, out["job_id"])
    finally:
        targets.set_faults("edge-beijing", {})
    assert j["job"]["EXECUTION_STATUS"] == "FAILED"
    failed = [t for t in j["tasks"] if t["TASK_STATUS"] == "FAILED"]
    assert len(failed) == 1 and json.loads(failed[0]["MESSAGES"])["Message"] == "SVCSTG.00100500"
    sd = ss_user.get(f"{world['base']}/{out['instance_id']}")[1]["status_detail"]
    assert sd["status"] == "FAILED" and sd["last_job_status"] == "FAILED" and sd["available_replica"] == 0
    assert ss_user.get(f"{world['base']}/{out['instance_id']}/snapshots")[1]["count"] == 0
    # a failed instance can be started again once the target recovers
    act = ss_user.post(f"{world['base']}/{out['instance_id']}/action", {"action": "start"})[1]
    assert run(ss_user, drain, act["job_id"])["job"]["EXECUTION_STATUS"] == "SUCCEEDED"
    assert ss_user.get(f"{world['base']}/{out['instance_id']}")[1]["status_detail"]["status"] == "RUNNING"


def test_cluster_choice_falls_back_to_inventory(ss_user, drain):
    env = ss_user.post(ENVS, env_body(name="other-env", base_resources=[{"id": "cce-unknown", "type": "cce"}]))[1]
    app = ss_user.post(APPS, {"name": "shop"})[1]
    comp = ss_user.post(f"{APPS}/{app['id']}/components", comp_body())[1]
    base = f"{APPS}/{app['id']}/components/{comp['id']}/instances"
    body = inst_body(env_id=env["id"], refer_resources=[{"id": "cce-unknown", "type": "cce",
                                                         "parameters": {"namespace": "default"}}])
    del body["artifacts"]  # the component's artifact source is used
    out = ss_user.post(base, body)[1]
    run(ss_user, drain, out["job_id"])
    first = sorted(c.name for c in targets.list_clusters())[0]
    w = workload(out["instance_id"])
    assert w.cluster == first and w.spec["image"] == "swr.example.com/org/web:1.0"


def test_instance_validation_and_isolation(ss_user, ss_other, world, drain):
    base, env_id = world["base"], world["env"]["id"]
    cases = [({"name": "Web"}, "SVCSTG.00100400"), ({"replica": "2"}, "SVCSTG.00100400"),
             ({"replica": 0}, "SVCSTG.00100400"), ({"version": 1}, "SVCSTG.00100400"),
             ({"flavor_id": "HUGE"}, "SVCSTG.00100400"), ({"refer_resources": []}, "SVCSTG.00100400"),
             ({"refer_resources": [{"id": "c", "type": "cce", "parameters": {}}]}, "SVCSTG.00100400"),
             ({"external_accesses": [{"protocol": "ftp", "address": "a", "forward_port": 1}]}, "SVCSTG.00100400"),
             ({"artifacts": {"web": {"storage": "disk", "type": "image", "url": "u"}}}, "SVCSTG.00100400"),
             ({"configuration": {"env": [{"name": "9", "value": "x"}]}}, "SVCSTG.00100400")]
    for change, code in cases:
        status, err = ss_user.post(base, {**inst_body(env_id=env_id), **change})
        assert status == 400 and err["error_code"] == code, (change, err)
    status, err = ss_user.post(base, inst_body(env_id="nope"))
    assert status == 404 and err["error_code"] == "SVCSTG.00100411"
    assert ss_user.get(base)[1]["count"] == 0
    # custom flavors are accepted
    out = ss_user.post(base, inst_body(env_id=env_id, flavor_id="CUSTOM-10G:0.5m-0.25m:1.6Gi-0.8Gi"))[1]
    iid = out["instance_id"]
    status, err = ss_user.post(base, inst_body(env_id=env_id, version="2.0.0"))
    assert status == 409 and err["error_code"] == "SVCSTG.00100413"
    status, err = ss_user.post(base, inst_body(name="web-2", env_id=env_id))
    assert status == 404 and err["error_code"] == "SVCSTG.00100441"
    run(ss_user, drain, out["job_id"])
    status, err = ss_user.post(f"{base}/{iid}/action", {"action": "explode"})
    assert status == 400 and err["error_code"] == "SVCSTG.00100418"
    assert ss_user.post(f"{base}/{iid}/action", {"action": "scale", "parameters": {"replica": -1}})[0] == 400
    assert ss_user.post(f"{base}/{iid}/action", {"action": "rollback"})[0] == 400
    assert ss_user.post(f"{base}/{iid}/action", {"action": "start"})[0] == 409
    assert ss_user.put(f"{base}/{iid}", {"version": "x"})[0] == 400
    assert ss_user.get(f"{base}/{iid}")[1]["status_detail"]["replica"] == 2
    # jobs: paging, filters, not found
    j = job(ss_user, out["job_id"], "?limit=1&offset=1&desc=true")[1]
    assert j["task_count"] == 3 and [t["TASK_INDEX"] for t in j["tasks"]] == [2]
    assert job(ss_user, out["job_id"], f"?instance_id={iid}")[0] == 200
    assert job(ss_user, out["job_id"], "?instance_id=other")[0] == 404
    assert job(ss_user, out["job_id"], "?limit=abc")[0] == 400
    assert job(ss_user, "JOBnope")[1]["error_code"] == "SVCSTG.00100408"
    # another tenant sees nothing
    assert ss_other.get(f"{JOBS}/{out['job_id']}")[0] == 404
    assert ss_other.get(f"{base}/{iid}")[0] == 404
    assert ss_other.post(f"{base}/{iid}/action", {"action": "stop"})[0] == 404
    assert ss_other.delete(f"{base}/{iid}")[0] == 404
    assert ss_other.put(f"{base}/{iid}", {"version": "3.0.0"})[0] == 404
    assert ss_other.get(f"{base}/{iid}/snapshots")[0] == 404
    assert ss_user.get(f"{base}/{iid}")[1]["status_detail"]["status"] == "RUNNING"
    # a forced component delete removes its instances and their workloads
    assert workload(iid) is not None
    comp_path = f"{APPS}/{world['app']['id']}/components/{world['comp']['id']}"
    assert ss_user.delete(comp_path + "?force=true") == (204, None)
    assert workload(iid) is None
    assert ss_user.delete(f"{ENVS}/{env_id}") == (204, None)
    assert store.get(Workload, "WORKLOAD#edge-beijing", "x") is None
