"""The change-order engine (changeorders.py): batches, MANUAL/AUTOMATIC release, the one-change lock, faults,
timeouts, rollbacks, and the operations that run as change orders (scale, stop, start, restart)."""
from __future__ import annotations

from chalicelib.core import clock
from chalicelib.surfaces.msap import changeorders, objects
from chalicelib.targets import set_faults
from tests.api.msap.test_inst import CLUSTER, app_body, deployed, make_env, order, settle, tenant_of

INST_URL = "/v1/app/inst"


def pods(ms, dep) -> list[dict]:
    return ms.ok_get(f"{INST_URL}/describeAppInstanceList", appDeployId=dep)


def redeploy(ms, pid, env_id, app_id, **kw) -> str:
    body = {k: v for k, v in app_body(pid, env_id).items() if k not in ("projectId", "name")}
    body.update(kw)
    return ms.ok_post(f"{INST_URL}/deployK8sApplication", dict(body, appId=app_id))["changeOrderId"]


def statuses(o) -> list[str]:
    return [p["pipelineStatus"] for p in o["pipelineInfoList"]]


def test_scale_stop_start_restart(ms, drain):
    pid, env_id, app_id, dep, _ = deployed(ms, drain, podNum=3)
    assert len(pods(ms, dep)) == 3
    o = settle(drain, ms, ms.ok_post(f"{INST_URL}/scaleK8sApplication", {"appDeployId": dep, "replicas": 1}))
    assert o["changeType"] == "SCALE" and o["objectType"] == "OPERATE" and statuses(o) == ["13"]
    assert ms.ok_get(f"{INST_URL}/getK8sApplicationStatus", appDeployId=dep) == {"runningPod": 1, "totalPod": 1}
    assert ms.ok_get(f"{INST_URL}/getAppDeployment", appDeployId=dep)["replicas"] == 1
    settle(drain, ms, ms.ok_post(f"{INST_URL}/stopK8sApplication", {"appDeployId": dep}))
    assert pods(ms, dep) == []
    app = ms.ok_get(f"{INST_URL}/getK8sApplication", appDeployId=dep)
    assert app["statusCd"] == "S0A" and app["runningPod"] == 0 and app["totalPod"] == 0
    settle(drain, ms, ms.ok_post(f"{INST_URL}/startK8sApplication", {"appDeployId": dep, "replicas": 2}))
    before = {p["name"] for p in pods(ms, dep)}
    assert len(before) == 2
    o = settle(drain, ms, ms.ok_post(f"{INST_URL}/restartK8sApplication", {"appDeployId": dep}))
    assert o["changeType"] == "RESTART" and o["resourceType"] == "POD"
    after = pods(ms, dep)
    assert len(after) == 2 and not ({p["name"] for p in after} & before)  # every pod was replaced
    assert all(p["statusCd"] == "2" for p in after)
    kinds = [r["changeType"] for r in ms.ok_get(f"{INST_URL}/listRecentChangeOrder", appDeployId=dep)]
    assert kinds == ["RESTART", "START", "STOP", "SCALE", "DEPLOY"]
    assert len(ms.ok_get(f"{INST_URL}/listHistoryDeployVersion", appDeployId=dep)) == 1  # same image throughout
    # input rules (nothing is started)
    assert ms.fails("POST", f"{INST_URL}/scaleK8sApplication", {"appDeployId": dep, "replicas": -1}) == "实例数不能小于0"
    assert ms.fails("POST", f"{INST_URL}/startK8sApplication", {"appDeployId": dep, "replicas": 0}) == "实例数不能小于1"
    assert ms.fails("POST", f"{INST_URL}/scaleK8sApplication", {"appDeployId": dep}) == "实例数不能为空"
    assert ms.fails("POST", f"{INST_URL}/scaleK8sApplication", {"appDeployId": dep, "replicas": "x"}) == "实例数必须是整数"
    assert ms.fails("POST", f"{INST_URL}/restartK8sApplication", {}) == "部署应用 ID 不能为空"
    assert ms.fails("POST", f"{INST_URL}/stopK8sApplication", {"appDeployId": "nope"}, status=404) == "ID 不存在"
    assert len(ms.ok_get(f"{INST_URL}/listRecentChangeOrder", appDeployId=dep)) == 5


def test_manual_batches_wait_for_continue_and_lock(ms, drain):
    pid = ms.project()
    env_id = make_env(ms, pid)
    body = app_body(pid, env_id, podNum=3, deploymentStrategy={
        "batchList": [{"batchSeq": 1, "instNum": 1}, {"batchSeq": 2, "instNum": 2}],
        "betweenBatchProcessingMode": "MANUAL"})
    out = ms.ok_post("/v1/app/createMicroserviceApplication", body)
    co = out["changeOrderId"]
    o = settle(drain, ms, co, want=("WAITING",))
    assert statuses(o) == ["13", "15"] and o["batchCount"] == 2 and o["batchType"] == "MANUAL"
    assert o["batchTypeName"] == "手动" and [p["pipelineName"] for p in o["pipelineInfoList"]] == ["第1批发布", "第2批发布"]
    assert o["pipelineInfoList"][1]["pipelineStatusName"] == "等待执行"
    dep = o["appDeployId"]
    assert len(pods(ms, dep)) == 1  # batch 1 runs one pod of the new version
    assert ms.ok_get(f"{INST_URL}/getK8sApplication", appDeployId=dep)["statusCd"] == "S0W"
    # one change at a time: nothing else starts while the order waits
    for path, b in [("scaleK8sApplication", {"appDeployId": dep, "replicas": 5}),
                    ("restartK8sApplication", {"appDeployId": dep}),
                    ("createK8sService", {"appDeployId": dep, "name": "web", "type": "ClusterIP",
                                          "servicesPorts": [{"port": 80, "targetPort": 80}]})]:
        assert ms.fails("POST", f"{INST_URL}/{path}", b, status=409) == "应用正在变更中，请等待变更完成"
    assert ms.fails("POST", f"{INST_URL}/deployK8sApplication",
                    dict({k: v for k, v in body.items() if k not in ("projectId", "name")}, appId=out["appId"]),
                    status=409) == "应用正在变更中，请等待变更完成"
    assert len(ms.ok_get(f"{INST_URL}/listRecentChangeOrder", appDeployId=dep)) == 1
    assert len(pods(ms, dep)) == 1
    # continuePipeline: only the waiting batch of this order
    p1, p2 = (p["pipelineId"] for p in o["pipelineInfoList"])
    url = f"{INST_URL}/continuePipeline"
    assert ms.fails("POST", url, {"appDeployId": dep, "changeOrderId": co, "pipelineId": "nope"}, status=404) == \
        "变更记录不存在"
    assert ms.fails("POST", url, {"appDeployId": dep, "changeOrderId": "nope", "pipelineId": p2}, status=404) == \
        "变更记录不存在"
    assert ms.fails("POST", url, {"appDeployId": dep, "changeOrderId": co, "pipelineId": p1}) == \
        "该批次不在等待确认状态，不能执行下一批发布"
    assert ms.fails("POST", url, {"appDeployId": dep, "changeOrderId": co}) == "流水线 ID 不能为空"
    assert ms.ok_post(url, {"appDeployId": dep, "changeOrderId": co, "pipelineId": p2}) is True
    o = settle(drain, ms, co)
    assert statuses(o) == ["13", "13"]
    assert len(o["pipelineInfoList"][1]["stageList"][0]["taskInfo"][0]["instance"]["Pods"]) == 3
    assert ms.ok_get(f"{INST_URL}/getK8sApplicationStatus", appDeployId=dep) == {"runningPod": 3, "totalPod": 3}
    assert ms.ok_get(f"{INST_URL}/getK8sApplication", appDeployId=dep)["statusCd"] == "S0A"
    assert ms.fails("POST", url, {"appDeployId": dep, "changeOrderId": co, "pipelineId": p2}) == \
        "该批次不在等待确认状态，不能执行下一批发布"


def test_faults_fail_the_change(ms, drain):
    pid = ms.project()
    env_id = make_env(ms, pid)
    from chalicelib.surfaces.msap import catalog
    catalog.cluster_of(catalog.instance(CLUSTER.split("-", 1)[1]))
    set_faults(CLUSTER, {"apply": "error"})
    out = ms.ok_post("/v1/app/createMicroserviceApplication", app_body(pid, env_id))
    o = settle(drain, ms, out["changeOrderId"])
    inst = o["pipelineInfoList"][0]["stageList"][0]["taskInfo"][0]["instance"]
    assert statuses(o) == ["14"] and inst["instanceStatus"] == "S0E" and inst["instanceStatusName"] == "执行失败"
    assert "rejected" in inst["errMsg"]
    dep = o["appDeployId"]
    app = ms.ok_get(f"{INST_URL}/getK8sApplication", appDeployId=dep)
    assert app["statusCd"] == "S0E" and app["statusCdName"] == "执行失败"
    assert ms.ok_get(f"{INST_URL}/listHistoryDeployVersion", appDeployId=dep) == []
    # the lock was released: a new deployment runs, and crash-looping pods fail it
    set_faults(CLUSTER, {"pods": "crashloop"})
    o = settle(drain, ms, redeploy(ms, pid, env_id, out["appId"], podNum=2))
    inst = o["pipelineInfoList"][0]["stageList"][0]["taskInfo"][0]["instance"]
    assert statuses(o) == ["14"] and inst["instanceStatus"] == "S0E" and inst["errMsg"]
    assert ms.ok_get(f"{INST_URL}/getK8sApplication", appDeployId=dep)["statusCd"] == "S0E"
    assert {p["statusCd"] for p in pods(ms, dep)} == {"6"}
    assert objects.get(tenant_of(ms), "deploy", dep).data["runningChangeOrderId"] == ""


def test_timeout_fails_the_change(ms, drain):
    pid = ms.project()
    env_id = make_env(ms, pid)
    out = ms.ok_post("/v1/app/createMicroserviceApplication", app_body(pid, env_id, timeout=5))
    clock.advance(10)  # the batch has not settled 5 seconds after it started
    o = settle(drain, ms, out["changeOrderId"])
    assert o["timeout"] == 5 and statuses(o) == ["14"]
    inst = o["pipelineInfoList"][0]["stageList"][0]["taskInfo"][0]["instance"]
    assert inst["instanceStatus"] == "S0E" and inst["errMsg"] == "变更超时：5 秒内未完成"
    assert ms.ok_get(f"{INST_URL}/getK8sApplication", appDeployId=o["appDeployId"])["statusCd"] == "S0E"
    assert objects.get(tenant_of(ms), "deploy", o["appDeployId"]).data["runningChangeOrderId"] == ""


def test_automatic_batches_rollback_and_rollback_application(ms, drain):
    auto = {"batchList": [{"instNum": 1}, {"instNum": 1}], "betweenBatchProcessingMode": "AUTO", "batchWaitTime": 0}
    pid, env_id, app_id, dep, co1 = deployed(ms, drain, podNum=2, deploymentStrategy=auto)
    o = order(ms, co1)
    assert statuses(o) == ["13", "13"] and o["batchType"] == "AUTOMATIC" and o["batchTypeName"] == "自动"
    assert o["batchInterval"] == 0
    v1 = pods(ms, dep)[0]["imageUrl"]
    assert len(pods(ms, dep)) == 2
    assert ms.fails("POST", f"{INST_URL}/rollback", {"appDeployId": dep, "changeOrderId": co1}) == \
        "该变更之前没有可回滚的版本"
    # a MANUAL v2 release waits after its first batch; rollback aborts it and restores v1
    co2 = redeploy(ms, pid, env_id, app_id, deployVer="2.0.0", podNum=2, deploymentStrategy={
        "batchList": [{"instNum": 1}, {"instNum": 1}], "betweenBatchProcessingMode": "MANUAL"})
    settle(drain, ms, co2, want=("WAITING",))
    assert {p["imageUrl"] for p in pods(ms, dep)} == {v1.replace(":1.0.0", ":2.0.0")}
    assert ms.fails("POST", f"{INST_URL}/rollback", {"appDeployId": dep, "changeOrderId": "nope"}, status=404) == \
        "变更记录不存在"
    co3 = ms.ok_post(f"{INST_URL}/rollback", {"appDeployId": dep, "changeOrderId": co2})
    aborted = order(ms, co2)
    assert aborted["statusCd"] == "S0X" and aborted["statusCdName"] == "无效" and statuses(aborted) == ["13", "15"]
    o = settle(drain, ms, co3)
    assert o["changeType"] == "ROLLBACK" and statuses(o) == ["13"]
    assert order_state_of(ms, co2) == "ABORTED"
    running = pods(ms, dep)
    assert len(running) == 2 and {p["imageUrl"] for p in running} == {v1}
    assert ms.ok_get(f"{INST_URL}/getAppDeployment", appDeployId=dep)["imageUrl"] == v1
    # v2 fully, AUTOMATIC with 1 second between the batches, then rollbackApplication to v1 from the history
    o = settle(drain, ms, redeploy(ms, pid, env_id, app_id, deployVer="2.0.0", podNum=2,
                                   deploymentStrategy=dict(auto, batchWaitTime=1)))
    assert statuses(o) == ["13", "13"] and o["batchInterval"] == 1 and o["deploymentVer"] == "2.0.0"
    first, second = o["pipelineInfoList"]
    assert int(second["startTime"]) - int(first["updateTime"]) >= 900  # waited batchWaitTime between batches
    assert {p["imageUrl"] for p in pods(ms, dep)} == {v1.replace(":1.0.0", ":2.0.0")}
    hist = ms.ok_get(f"{INST_URL}/listHistoryDeployVersion", appDeployId=dep)
    assert [h["imageVer"] for h in hist] == ["2.0.0", "1.0.0"]
    old = hist[1]
    url = f"{INST_URL}/rollbackApplication"
    ref = {"appDeployId": dep, "imageUrl": old["imageUrl"], "imageName": old["imageName"], "imageVer": old["imageVer"]}
    assert ms.fails("POST", url, dict(ref, imageVer="9.9"), status=404) == "历史版本不存在"
    assert ms.fails("POST", url, {k: v for k, v in ref.items() if k != "imageUrl"}) == "镜像地址不能为空"
    co5 = ms.ok_post(url, ref)
    assert ms.fails("POST", url, ref, status=409) == "应用正在变更中，请等待变更完成"
    o = settle(drain, ms, co5)
    assert o["changeType"] == "ROLLBACK" and o["deploymentVer"] == "1.0.0"
    assert {p["imageUrl"] for p in pods(ms, dep)} == {old["imageUrl"]}
    kinds = [r["changeType"] for r in ms.ok_get(f"{INST_URL}/listRecentChangeOrder", appDeployId=dep)]
    assert kinds == ["ROLLBACK", "DEPLOY", "ROLLBACK", "DEPLOY", "DEPLOY"]


def order_state_of(ms, co_id) -> str:
    return changeorders.get_order(tenant_of(ms), co_id).extra["state"]
