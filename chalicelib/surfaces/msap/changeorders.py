"""The change-order engine of MSAP release instances (catalog §7): records and the batch job workflow.

A **change order** (``changeorder`` object, ``parent=appDeployId``, id ``changeOrderId``) is written by every
operation that changes a deployed application. Its ``data`` is what ``getChangeOrderInfo`` shows (5.3.6/5.3.11),
with one ChangePipeline per batch; its ``extra`` holds the plan the worker executes:

  action     deployment | service | delete_service | delete
  spec       the Deployment spec (``kube.render_deployment`` input) of the new version, final replicas
  batches    cumulative replicas per batch (batch k runs the new version with batches[k] pods)
  before     the committed Deployment spec before the change (what ``rollback`` restores)
  service    the Service spec (service actions) / its name (delete_service)
  state      RUNNING | WAITING (MANUAL batch waits for continuePipeline) | SUCCEEDED | FAILED | ABORTED
  current    the running (or next, when WAITING) batch index
  batchStartMs / timeout   the running batch fails when it has not settled ``timeout`` seconds after it started

Execution: one shared job (kind ``msap-batch``) per batch: apply = render + ``driver.apply`` of this batch,
check = ``driver.rollout`` (one reconcile tick on the simulated driver) until settled (pods and task status are
copied into the order as they change), finalize = pipeline 13 and then the next batch (MANUAL: pipeline 15 until
``continuePipeline``; AUTOMATIC: the next job starts after ``batchWaitTime`` seconds) or, after the last batch,
the deployed application is committed (S0A, pod counts, spec, history version) and the lock released.
Failure (cluster error, crash loop, timeout) → pipeline 14, task S0E with ``errMsg``, deployed app S0E, lock
released.

**One running change per deployed app**: ``runningChangeOrderId`` on the deployed app is taken with a versioned
(conditional) save; a concurrent change or a change while one runs answers "应用正在变更中，请等待变更完成".
"""
from __future__ import annotations

import yaml

from chalicelib import jobs
from chalicelib.core import clock
from chalicelib.core.errors import Conflict
from chalicelib.core.logging import logger
from chalicelib.surfaces.msap import catalog, objects
from chalicelib.targets import TargetError, get_cluster

JOB_KIND = "msap-batch"
ORDER = "changeorder"
DEPLOY = "deploy"
HISTORY = "history"
BUSY = "应用正在变更中，请等待变更完成"
DEFAULT_TIMEOUT = 600

# changeType → (changeTypeName, objectType, resourceType)
CHANGE_TYPES = {
    "DEPLOY": ("部署应用", "DEPLOY", "DEPLOYMENT"),
    "ROLLBACK": ("回滚应用", "DEPLOY", "DEPLOYMENT"),
    "SCALE": ("扩缩容应用", "OPERATE", "DEPLOYMENT"),
    "START": ("启动应用", "OPERATE", "DEPLOYMENT"),
    "STOP": ("停止应用", "OPERATE", "DEPLOYMENT"),
    "RESTART": ("重启应用", "OPERATE", "POD"),
    "CREATE_SERVICE": ("新建服务", "OPERATE", "SERVICE"),
    "UPDATE_SERVICE": ("更新服务", "OPERATE", "SERVICE"),
    "DELETE_SERVICE": ("删除服务", "OPERATE", "SERVICE"),
    "DELETE": ("删除应用", "OPERATE", "INST"),
}
PIPELINE_STATUS = {"11": "等待执行", "12": "执行中", "13": "执行成功", "14": "执行失败", "15": "等待执行"}
INSTANCE_STATUS = {"S0W": "待执行", "S0P": "执行中", "S0A": "执行成功", "S0E": "执行失败"}
DEPLOY_STATUS = INSTANCE_STATUS
BATCH_TYPES = {"AUTOMATIC": "自动", "MANUAL": "手动"}
ORDER_STATUS = {"S0A": "有效", "S0X": "无效"}
# pod phase → (statusCd, statusCdName) of describeAppInstanceList / task Pods
POD_STATUS = {"1": "启动中", "2": "运行中", "3": "停止中", "4": "已停止", "5": "停止发生错误", "6": "未知错误",
              "7": "变更中"}


def pod_status(phase: str, ready: bool = True) -> str:
    if phase == "Pending" or (phase == "Running" and not ready):
        return "1"
    return {"Running": "2", "Terminating": "3", "Succeeded": "4", "Failed": "6"}.get(phase, "6")


def kube():
    from chalicelib.targets import kube as k  # task K's module (manifests + drivers)
    return k


# ---------------------------------------------------------------- records
def _pipeline(k: int, instance_name: str, resource_name: str) -> dict:
    return {"pipelineId": objects.new_uuid(), "pipelineName": f"第{k + 1}批发布", "pipelineStatus": "11",
            "pipelineStatusName": PIPELINE_STATUS["11"], "startTime": "", "updateTime": "",
            "stageList": [{"stageName": "K8s 部署", "status": "11", "statusName": PIPELINE_STATUS["11"],
                           "startTime": "", "updateTime": "",
                           "taskInfo": [{"taskId": objects.new_uuid(), "taskName": "K8s 部署",
                                         "instance": {"instanceName": instance_name, "instanceStatus": "S0W",
                                                      "instanceStatusName": INSTANCE_STATUS["S0W"], "errMsg": "",
                                                      "Pods": []},
                                         "resourceInfo": {"resourceName": resource_name, "resourceYml": ""}}]}]}


def _set_pipeline(pipe: dict, status: str, *, instance: str | None = None, err: str | None = None,
                  pods: list | None = None, yml: str | None = None) -> None:
    now = objects.now_ms_str()
    pipe["pipelineStatus"], pipe["pipelineStatusName"], pipe["updateTime"] = status, PIPELINE_STATUS[status], now
    if status == "12" and not pipe.get("startTime"):
        pipe["startTime"] = now
    for stage in pipe["stageList"]:
        stage["status"], stage["statusName"], stage["updateTime"] = status, PIPELINE_STATUS[status], now
        if status == "12" and not stage.get("startTime"):
            stage["startTime"] = now
        for task in stage["taskInfo"]:
            inst = task["instance"]
            if instance:
                inst["instanceStatus"], inst["instanceStatusName"] = instance, INSTANCE_STATUS[instance]
            if err is not None:
                inst["errMsg"] = err[:1000]
            if pods is not None:
                inst["Pods"] = pods
            if yml is not None:
                task["resourceInfo"]["resourceYml"] = yml


def pod_rows(pods) -> list[dict]:
    return [{"podName": p.name, "podIp": p.ip, "podStatus": pod_status(p.phase, p.ready),
             "podStatusName": POD_STATUS[pod_status(p.phase, p.ready)], "errMsg": p.message or ""} for p in pods]


def order_row(item, *, detail: bool = False) -> dict:
    """A change order as listRecentChangeOrder (5.3.11) or getChangeOrderInfo (5.3.6, ``detail``) shows it."""
    d = item.data
    keys = ["appDeployId", "batchCount", "batchInterval", "batchType", "changeOrderId", "changeSource", "changeType",
            "createDate", "createStaff", "deploymentVer", "description", "objectId", "objectType", "resourceName",
            "resourceType", "resourceYaml", "statusCd", "statusDate", "timeout", "updateDate", "updateStaff"]
    if detail:
        keys += ["batchTypeName", "changeTypeName", "statusCdName", "pipelineInfoList"]
    return {k: d.get(k, "") for k in keys}


def get_order(tenant: str, order_id: str):
    return objects.get(tenant, ORDER, order_id)


def orders_of(tenant: str, deploy_id: str) -> list:
    """The deployed app's change orders, newest first (one Query)."""
    return list(objects.all_of(tenant, ORDER, deploy_id, ascending=False))


def _update(tenant: str, kind: str, obj_id: str, fn, attempts: int = 6):
    """Read, change (``fn(item)`` returns False to skip), save under the version; retried on a concurrent write."""
    for _ in range(attempts):
        item = objects.get(tenant, kind, obj_id)
        if item is None:
            return None
        item.data, item.extra = dict(item.data), dict(item.extra or {})
        if fn(item) is False:
            return item
        try:
            return objects.save(item)
        except Conflict:
            continue
    raise TargetError(f"{kind} {obj_id} is changed concurrently, giving up")


# ---------------------------------------------------------------- starting a change
def begin(user, deploy, change_type: str, plan: dict, *, description: str = "", deployment_ver: str = "",
          batch_type: str = "AUTOMATIC", batch_interval: int = 0, timeout: int = DEFAULT_TIMEOUT,
          resource_name: str = "", taking_over: str | None = None) -> str:
    """Take the deployed app's lock, write the change order and start its first batch; returns changeOrderId.

    ``deploy`` is the deployed app as read before validation (its version makes the lock a conditional write);
    ``taking_over``: the id of a change order being aborted by a rollback (its lock passes to the new order).
    """
    running = deploy.data.get("runningChangeOrderId") or ""
    if running and running != taking_over:
        raise Conflict(BUSY)
    order_id = objects.new_uuid()
    now = objects.now_ms_str()
    batches = list(plan.get("batches") or [None])
    deploy_status_before = deploy.data.get("statusCd", "S0W")
    deploy.data = dict(deploy.data, runningChangeOrderId=order_id, changeOrderId=order_id, statusCd="S0P",
                       statusTime=now)
    try:
        objects.save(deploy)
    except Conflict:
        raise Conflict(BUSY) from None
    name, otype, rtype = CHANGE_TYPES[change_type]
    pipelines = [_pipeline(k, plan.get("name", ""), resource_name or plan.get("name", "")) for k in range(len(batches))]
    data = {"appDeployId": deploy.obj_id, "changeOrderId": order_id, "batchCount": len(batches),
            "batchInterval": int(batch_interval), "batchType": batch_type, "batchTypeName": BATCH_TYPES[batch_type],
            "changeSource": "POP", "changeType": change_type, "changeTypeName": name, "objectType": otype,
            "objectId": deploy.obj_id, "resourceType": rtype, "resourceName": resource_name or plan.get("name", ""),
            "resourceYaml": "", "deploymentVer": deployment_ver, "description": description or name,
            "timeout": int(timeout), "statusCd": "S0A", "statusCdName": ORDER_STATUS["S0A"], "statusDate": now,
            "createDate": now, "createStaff": user.username, "updateDate": now, "updateStaff": user.username,
            "projectId": deploy.data.get("projectId", ""), "pipelineInfoList": pipelines}
    extra = dict(plan, batches=batches, state="RUNNING", current=0, batchStartMs=clock.now_ms(),
                 timeout=int(timeout), batchType=batch_type, batchInterval=int(batch_interval),
                 tenant=user.tenant, changeType=change_type)
    try:
        objects.create(user.tenant, ORDER, data, obj_id=order_id, parent=deploy.obj_id, extra=extra)
    except Exception:
        _release(user.tenant, deploy.obj_id, order_id, deploy_status_before)
        raise
    try:
        _start_batch(user.tenant, order_id, 0, user.username)
    except Exception:  # the job queue refused: the order fails at once and the lock is released
        batch_failed({"tenant": user.tenant, "changeOrderId": order_id, "batch": 0}, "变更任务无法启动，请稍后重试")
        raise
    return order_id


def _start_batch(tenant: str, order_id: str, k: int, actor: str, delay: int = 0) -> None:
    jobs.start(JOB_KIND, surface="msap", tenant_id=tenant, actor=actor,
               params={"tenant": tenant, "changeOrderId": order_id, "batch": k},
               resource=f"{ORDER}/{order_id}", delay_seconds=delay)


def _release(tenant: str, deploy_id: str, order_id: str, status: str, **fields) -> None:
    def fn(item):
        if item.data.get("runningChangeOrderId") != order_id:
            return False
        item.data.update(fields, runningChangeOrderId="", statusCd=status, statusTime=objects.now_ms_str())
    _update(tenant, DEPLOY, deploy_id, fn)


# ---------------------------------------------------------------- continue / abort (API side)
def continue_pipeline(user, order, pipeline_id: str) -> bool:
    """Start the waiting MANUAL batch ``pipeline_id`` of ``order``."""
    from chalicelib.core.errors import Invalid, NotFound
    extra = order.extra or {}
    pipes = order.data.get("pipelineInfoList", [])
    idx = next((i for i, p in enumerate(pipes) if p.get("pipelineId") == pipeline_id), None)
    if idx is None:
        raise NotFound("变更记录不存在")
    if extra.get("state") != "WAITING" or extra.get("current") != idx:
        raise Invalid("该批次不在等待确认状态，不能执行下一批发布")
    order.data, order.extra = dict(order.data), dict(extra, state="RUNNING", batchStartMs=clock.now_ms())
    _set_pipeline(order.data["pipelineInfoList"][idx], "11")
    order.data["updateDate"], order.data["updateStaff"] = objects.now_ms_str(), user.username
    try:
        objects.save(order)
    except Conflict:
        raise Conflict("变更单状态已改变，请刷新后重试") from None
    _update(order.project, DEPLOY, order.data["appDeployId"],
            lambda d: d.data.update(statusCd="S0P", statusTime=objects.now_ms_str()))
    _start_batch(order.project, order.obj_id, idx, user.username)
    return True


def abort(user, order) -> None:
    """Stop a running or waiting change order: S0X, the running batch fails, pending batches never run."""
    def fn(item):
        if item.extra.get("state") not in ("RUNNING", "WAITING"):
            return False
        item.extra["state"] = "ABORTED"
        now = objects.now_ms_str()
        item.data.update(statusCd="S0X", statusCdName=ORDER_STATUS["S0X"], statusDate=now, updateDate=now,
                         updateStaff=user.username)
        for i, pipe in enumerate(item.data["pipelineInfoList"]):
            if pipe["pipelineStatus"] == "12":
                _set_pipeline(pipe, "14", instance="S0E", err="变更已终止并回滚")
            elif pipe["pipelineStatus"] in ("11", "15"):
                _set_pipeline(pipe, pipe["pipelineStatus"], err="变更已终止，本批次不再执行")
    _update(order.project, ORDER, order.obj_id, fn)


# ---------------------------------------------------------------- the worker
def _cluster(extra: dict):
    c = get_cluster(extra["cluster"])
    if c is None:
        inst = catalog.instance(extra.get("instId", ""))
        c = catalog.cluster_of(inst) if inst else None
    if c is None:
        raise TargetError(f"集群 {extra['cluster']} 不存在")
    return c


def _active(order, k: int) -> bool:
    return order is not None and order.extra.get("state") == "RUNNING" and order.extra.get("current") == k


def _yaml(manifests: list[dict]) -> str:
    return "---\n".join(yaml.safe_dump(m, allow_unicode=True, sort_keys=False) for m in manifests)


def _call(fn, *args):
    """Driver calls: the cluster's refusals become TargetError (the job step fails with the message)."""
    k = kube()
    try:
        return fn(*args)
    except k.KubeError as exc:
        raise TargetError(str(exc) or "集群操作失败") from None
    except ValueError as exc:  # a manifest the renderer refuses
        raise TargetError(f"资源定义不合法：{exc}") from None


def _labels(extra: dict) -> dict:
    return extra.get("labels") or kube().labels_for(extra["appName"], extra["deployId"])


def _apply_batch(order, k: int) -> tuple[bool, str]:
    kb, extra = kube(), order.extra
    cluster = _cluster(extra)
    drv = kb.driver(cluster)
    action, ns = extra["action"], extra["namespace"]
    if action == "deployment":
        spec = dict(extra["spec"], replicas=int(extra["batches"][k]))
        manifest = _call(kb.render_deployment, spec)
        _call(drv.apply, cluster, [manifest])
        st = _call(drv.rollout, cluster, ns, extra["name"])  # the first reconcile (the simulated driver's tick)
        if st.failed:
            raise TargetError(st.message or "Pod 启动失败")
        return bool(st.settled), _yaml([manifest])
    if action == "service":
        manifest = _call(kb.render_service, extra["service"])
        _call(drv.apply, cluster, [manifest])
        return True, _yaml([manifest])
    if action == "delete_service":
        _call(drv.delete, cluster, "Service", ns, extra["service"]["name"])
        return True, ""
    if action == "delete":
        for svc in extra.get("services", []):
            _call(drv.delete, cluster, "Service", ns, svc)
        _call(drv.delete, cluster, "Deployment", ns, extra["name"])
        return False, ""
    raise TargetError(f"unknown action {action}")


def _check_batch(order, k: int) -> tuple[bool, list]:
    kb, extra = kube(), order.extra
    if clock.now_ms() - int(extra.get("batchStartMs", 0)) > int(extra.get("timeout") or DEFAULT_TIMEOUT) * 1000:
        raise TimeoutError(f"变更超时：{int(extra.get('timeout') or DEFAULT_TIMEOUT)} 秒内未完成")
    cluster = _cluster(extra)
    drv = kb.driver(cluster)
    ns = extra["namespace"]
    if extra["action"] == "delete":
        pods = _call(drv.pods, cluster, ns, _labels(extra))
        return not pods, pod_rows(pods)
    st = _call(drv.rollout, cluster, ns, extra["name"])
    pods = _call(drv.pods, cluster, ns, _labels(extra))
    if st.failed:
        raise TargetError(st.message or "Pod 启动失败")
    return bool(st.settled), pod_rows(pods)


class BatchWorkflow(jobs.Workflow):
    kind = JOB_KIND

    def apply(self, job) -> bool:
        p = job.params
        order = get_order(p["tenant"], p["changeOrderId"])
        k = int(p["batch"])
        if not _active(order, k):  # aborted (rollback) or a stale message: nothing to do
            return True
        settled, yml = _apply_batch(order, k)

        def fn(item):
            if not _active(item, k):
                return False
            _set_pipeline(item.data["pipelineInfoList"][k], "12", instance="S0P", yml=yml)
            if yml:
                item.data["resourceYaml"] = yml
        _update(p["tenant"], ORDER, p["changeOrderId"], fn)
        return settled

    def check(self, job) -> bool:
        p = job.params
        order = get_order(p["tenant"], p["changeOrderId"])
        k = int(p["batch"])
        if not _active(order, k):
            return True
        settled, pods = _check_batch(order, k)

        def fn(item):
            task = item.data["pipelineInfoList"][k]["stageList"][0]["taskInfo"][0]
            if not _active(item, k) or task["instance"]["Pods"] == pods:
                return False  # no news: no write
            _set_pipeline(item.data["pipelineInfoList"][k], "12", pods=pods)
        if not settled:  # a settled batch's pods are written by finalize
            _update(p["tenant"], ORDER, p["changeOrderId"], fn)
        return settled

    def finalize(self, job) -> None:
        batch_done(job.params, job.actor or "")

    def fail(self, job, error: str) -> None:
        batch_failed(job.params, error)


jobs.register(BatchWorkflow())


def _pods_now(extra: dict) -> list:
    try:
        cluster = _cluster(extra)
        return list(kube().driver(cluster).pods(cluster, extra["namespace"], _labels(extra)))
    except Exception:  # counts are informative; a failing read must not fail the change
        logger.exception("could not read pods")
        return []


def batch_done(params: dict, actor: str) -> None:
    tenant, order_id, k = params["tenant"], params["changeOrderId"], int(params["batch"])
    order = get_order(tenant, order_id)
    if not _active(order, k):
        return
    extra = order.extra
    pods = _pods_now(extra) if extra["action"] != "delete" else []
    last = k + 1 >= len(extra["batches"])
    nxt = {}

    def fn(item):
        if not _active(item, k):
            return False
        nxt["applied"] = True
        pipes = item.data["pipelineInfoList"]
        _set_pipeline(pipes[k], "13", instance="S0A", pods=pod_rows(pods))
        now = objects.now_ms_str()
        item.data["updateDate"] = now
        if last:
            item.extra["state"] = "SUCCEEDED"
        elif item.extra.get("batchType") == "MANUAL":
            item.extra.update(state="WAITING", current=k + 1)
            _set_pipeline(pipes[k + 1], "15")
        else:
            wait = int(item.extra.get("batchInterval") or 0)
            item.extra.update(current=k + 1, batchStartMs=clock.now_ms() + wait * 1000)
            nxt["wait"] = wait
    _update(tenant, ORDER, order_id, fn)
    if not nxt.get("applied"):  # aborted meanwhile
        return
    deploy_id = order.data["appDeployId"]
    if not last:
        if "wait" in nxt:
            try:
                _start_batch(tenant, order_id, k + 1, actor, delay=nxt["wait"])
            except Exception:
                batch_failed(dict(params, batch=k + 1), "下一批次无法启动，请稍后重试")
        else:
            _update(tenant, DEPLOY, deploy_id, lambda d: d.data.update(statusCd="S0W", statusTime=objects.now_ms_str()))
        return
    _commit(tenant, deploy_id, order_id, extra, pods)


def _commit(tenant: str, deploy_id: str, order_id: str, extra: dict, pods: list) -> None:
    """The last batch succeeded: the deployed app takes the change, and the lock is released."""
    action = extra["action"]
    if action == "delete":
        deploy = objects.get(tenant, DEPLOY, deploy_id)
        for h in list(objects.all_of(tenant, HISTORY, deploy_id)):
            objects.delete(h)
        if deploy is not None:
            objects.delete(deploy)
        return
    running = sum(1 for p in pods if p.phase == "Running" and p.ready)
    fields = {"runningPod": running, "totalPod": len(pods)}
    if action == "deployment":
        spec = extra["spec"]
        fields["deploySpec"] = spec
        fields.update({k: v for k, v in (extra.get("fields") or {}).items()})
        if extra.get("changeType") in ("DEPLOY", "ROLLBACK"):
            _record_history(tenant, deploy_id, spec["image"])
    elif action == "service":
        svc = extra["serviceRow"]
        deploy = objects.get(tenant, DEPLOY, deploy_id)
        rows = [s for s in (deploy.data.get("services") or []) if s["name"] != svc["name"]] if deploy else []
        fields["services"] = rows + [svc]
    elif action == "delete_service":
        deploy = objects.get(tenant, DEPLOY, deploy_id)
        name = extra["service"]["name"]
        fields["services"] = [s for s in (deploy.data.get("services") or []) if s["name"] != name] if deploy else []
    _release(tenant, deploy_id, order_id, "S0A", **fields)


def split_image(image: str) -> tuple[str, str]:
    """``repo[:tag]`` → (repo, tag); a port in the registry host is not a tag."""
    slash = image.rfind("/")
    colon = image.rfind(":")
    if colon > slash:
        return image[:colon], image[colon + 1:]
    return image, "latest"


def _record_history(tenant: str, deploy_id: str, image: str) -> None:
    repo, tag = split_image(image)
    data = {"imageId": objects.new_uuid(), "imageName": repo.rsplit("/", 1)[-1], "imageUrl": image,
            "imageVer": tag, "createTime": objects.now_ms_str()}
    try:
        objects.create(tenant, HISTORY, data, obj_id=data["imageId"], parent=deploy_id, name=image,
                       unique_name=("历史版本已存在", None))
    except Conflict:  # this image is already a history version (or the step was redelivered)
        pass


def batch_failed(params: dict, error: str) -> None:
    tenant, order_id, k = params["tenant"], params["changeOrderId"], int(params["batch"])
    order = get_order(tenant, order_id)
    if not _active(order, k):
        return
    pods = _pods_now(order.extra)

    def fn(item):
        if not _active(item, k):
            return False
        item.extra["state"] = "FAILED"
        item.data["updateDate"] = objects.now_ms_str()
        _set_pipeline(item.data["pipelineInfoList"][k], "14", instance="S0E", err=error or "变更失败",
                      pods=pod_rows(pods))
    _update(tenant, ORDER, order_id, fn)
    running = sum(1 for p in pods if p.phase == "Running" and p.ready)
    _release(tenant, order.data["appDeployId"], order_id, "S0E", runningPod=running, totalPod=len(pods),
             errMsg=error or "")
