"""ContainerApp operations (group 23): launch (instantiate) as a job, ssh info; ``instantiateInfo``.

23.2 launch: needs at least one helm chart (400 otherwise); an OperationStatus (objectType
APPLICATION_INSTANCE, "ContainerApp launch") and a job that runs "Build Application Package" (0–20 %),
"Distribute Application Package" (20–50 %) and "Instantiate Application" (50–100 %), deploying every workload
(Deployment/StatefulSet/DaemonSet/ReplicaSet/Pod/Job) of the application's charts on a simulated target: the
cluster named like the selected MEP host, else the first ready cluster. ``instantiateInfo.status`` follows
PACKAGE_GENERATING → … → SUCCESS; success lists pods and services. A re-launch while an instantiation exists
(not *_FAILED) → 409 (upstream answers 404 "already instantiated"; 409 is what it means). Clean env (24.1),
application delete: workloads are removed and the instantiate info deleted.

Keys: ``EgContainerInst`` at ``pk=app_pk(appId)``, ``sk=CINST``.
"""
from __future__ import annotations

import hashlib

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib import audit, jobs, targets
from chalicelib.core import clock
from chalicelib.core.errors import BadRequest, Conflict, NotFound
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.base import Versioned
from chalicelib.store.edgegallery import EgApplication, app_pk
from chalicelib.surfaces.edgegallery import service_hosts
from chalicelib.surfaces.edgegallery import operations
from chalicelib.surfaces.edgegallery import service_apps as apps
from chalicelib.surfaces.edgegallery import service_charts as charts
from chalicelib.surfaces.edgegallery.common import datetime_str, new_uuid

SURFACE = "edgegallery"
LAUNCH_JOB = "edgegallery.container.launch"
BUILD, DISTRIBUTE, INSTANTIATE = ("Build Application Package", "Distribute Application Package",
                                  "Instantiate Application")


class EgContainerInst(Versioned, discriminator="EgContainerInst"):
    app_id = UnicodeAttribute()
    info = JSONAttribute(default=dict)       # the ContainerAppInstantiateInfo JSON
    runtime = JSONAttribute(default=dict)    # cluster, namespace, workloads[{name, kind, replicas, containers}]
    created_at = NumberAttribute()
    updated_at = NumberAttribute()


def _load(app_id: str) -> EgContainerInst | None:
    return store.get(EgContainerInst, app_pk(app_id), "CINST")


def _patch(app_id: str, **kw) -> EgContainerInst | None:
    for _ in range(5):
        row = _load(app_id)
        if row is None:
            return None
        row.info = dict(row.info or {}, **kw)
        row.updated_at = clock.now()
        try:
            return store.save(row)
        except Conflict:
            continue
    raise Conflict("the instantiate info was changed concurrently")


def _choose_cluster(app: EgApplication) -> tuple[str, str]:
    return service_hosts.sandbox_for(app)


def _plan(app: EgApplication) -> tuple[list[dict], list[dict]]:
    """(workloads, services) of the application's charts."""
    workloads, services = [], []
    for stem, docs in charts.workload_docs(app):
        for d in docs:
            meta = d.get("metadata") if isinstance(d.get("metadata"), dict) else {}
            name = str(meta.get("name") or d["kind"].lower())[:40]
            if d["kind"] in charts.WORKLOAD_KINDS:
                spec = d.get("spec") if isinstance(d.get("spec"), dict) else {}
                replicas = spec.get("replicas", 1) if d["kind"] not in ("Pod", "Job") else 1
                workloads.append({"name": f"{stem}-{name}"[:60], "kind": d["kind"],
                                  "replicas": replicas if isinstance(replicas, int) and replicas > 0 else 1,
                                  "containers": [str(c.get("name") or "c") for c in charts._containers(d)],
                                  "images": [str(c.get("image")) for c in charts._containers(d) if c.get("image")]})
            elif d["kind"] == "Service":
                spec = d.get("spec") if isinstance(d.get("spec"), dict) else {}
                ports = [p for p in (spec.get("ports") or []) if isinstance(p, dict)]
                services.append({"name": name, "type": str(spec.get("type") or "ClusterIP"), "ports": ports})
    return workloads, services


def _nodeport(seed: str) -> int:
    return 30000 + int(hashlib.sha256(seed.encode()).hexdigest(), 16) % 2768


def _ip(seed: str) -> str:
    h = hashlib.sha256(seed.encode()).digest()
    return f"192.168.{h[0] % 200 + 10}.{2 + h[1] % 250}"


def teardown(row: EgContainerInst) -> None:
    rt = row.runtime or {}
    c = targets.get_cluster(rt.get("cluster") or "") if rt.get("cluster") else None
    if c is None:
        return
    for w in rt.get("workloads") or []:
        try:
            targets.driver_for(c).remove(c, rt["namespace"], w["name"])
        except targets.TargetError:
            pass


def clean_env(app: EgApplication) -> None:
    row = _load(app.app_id)
    if row is not None:
        teardown(row)
        row.delete()


@apps.on_delete
def _cascade(app: EgApplication) -> None:
    clean_env(app)


@apps.part("instantiateInfo", "detail")
def _part(app: EgApplication):
    if app.app_class != "CONTAINER":
        return None
    row = _load(app.app_id)
    return dict(row.info) if row is not None else None


# ---------------------------------------------------------------- 23.2 launch
def launch(p: Principal, app_id: str) -> dict:
    app = apps.writable(p, app_id)
    if app.app_class != "CONTAINER":
        raise BadRequest("only container applications are launched here", code=20002)
    existing = _load(app.app_id)
    if existing is not None and not str((existing.info or {}).get("status")).endswith("_FAILED"):
        raise Conflict("the application is already instantiated, clean the environment first", code=20004)
    workloads, services = _plan(app)
    if not workloads:
        raise BadRequest("the application does not upload any helm chart with a workload", code=20007)
    cluster, mec_host = _choose_cluster(app)
    runtime = {"cluster": cluster, "namespace": f"eg-{app.app_id[:8]}", "workloads": workloads,
               "services": services}
    now = clock.now()
    info = {"operationId": None, "appPackageId": None, "distributedMecHost": mec_host, "mepmPackageId": None,
            "appInstanceId": None, "status": "PACKAGE_GENERATING", "log": None, "instantiateTime": None,
            "pods": [], "serviceList": []}
    if existing is not None:
        teardown(existing)
        existing.info, existing.runtime, existing.updated_at = info, runtime, now
        store.save(existing)  # optimistic lock: of two concurrent re-launches one gets 409
    else:
        store.create(EgContainerInst(app_pk(app.app_id), "CINST", app_id=app.app_id, info=info, runtime=runtime,
                                     created_at=now, updated_at=now))
    op = operations.start(p, object_type="APPLICATION_INSTANCE", object_id=app.app_id, object_name=app.name,
                          operation_name="ContainerApp launch", job_kind=LAUNCH_JOB, params={"app_id": app.app_id})
    _patch(app.app_id, operationId=op.op_id)
    audit.record(SURFACE, "launch_container_app", principal=p, resource=f"application/{app_id}")
    return {"operationId": op.op_id}


class LaunchWorkflow(jobs.Workflow):
    kind = LAUNCH_JOB

    def _row(self, job) -> EgContainerInst:
        row = _load(job.params["app_id"])
        if row is None:
            raise LookupError("the instantiation was cleaned")
        return row

    def _cluster(self, row):
        c = targets.get_cluster(row.runtime["cluster"])
        if c is None:
            raise targets.TargetError(f"cluster {row.runtime['cluster']} no longer exists")
        return c

    def apply(self, job) -> bool:
        app_id, op_id = job.params["app_id"], job.params.get("operation_id")
        row = self._row(job)
        operations.action(op_id, BUILD, progress=0, overall=0)
        _patch(app_id, operationId=op_id, status="PACKAGE_GENERATE_SUCCESS", appPackageId=new_uuid())
        operations.action(op_id, BUILD, progress=100, status="SUCCESS", overall=20)
        operations.action(op_id, DISTRIBUTE, progress=0, overall=20)
        _patch(app_id, status="PACKAGE_DISTRIBUTING")
        c = self._cluster(row)
        driver = targets.driver_for(c)
        driver.ensure_namespace(c, row.runtime["namespace"])
        _patch(app_id, status="PACKAGE_DISTRIBUTE_SUCCESS", mepmPackageId=new_uuid())
        operations.action(op_id, DISTRIBUTE, progress=100, status="SUCCESS", overall=50)
        operations.action(op_id, INSTANTIATE, progress=0, overall=50)
        _patch(app_id, status="INSTANTIATING", appInstanceId=new_uuid())
        nodes = targets.list_nodes(c.name)
        for w in row.runtime["workloads"]:
            spec = {"kind": "daemonset" if w["kind"] == "DaemonSet" else "deployment", "replicas": w["replicas"],
                    "images": w["images"]}
            driver.apply(c, row.runtime["namespace"], w["name"], spec, nodes)
        return False

    def check(self, job) -> bool:
        row = self._row(job)
        c = self._cluster(row)
        settled = True
        for w in row.runtime["workloads"]:
            st = targets.driver_for(c).status(c, row.runtime["namespace"], w["name"])
            if not st.settled:
                settled = False
            elif st.phase != "Running":
                raise targets.TargetError(f"{w['name']}: {st.message or st.phase}")
        if not settled:
            operations.action(job.params.get("operation_id"), INSTANTIATE, progress=50, overall=75)
        return settled

    def finalize(self, job) -> None:
        app_id, op_id = job.params["app_id"], job.params.get("operation_id")
        row = self._row(job)
        pods = []
        for w in row.runtime["workloads"]:
            suffix = hashlib.sha256(f"{app_id}/{w['name']}".encode()).hexdigest()[:9]
            for i in range(int(w["replicas"])):
                pods.append({"name": f"{w['name']}-{suffix}-{i}", "podStatus": "Running", "eventsInfo": "",
                             "containerList": [{"name": n, "cpuUsage": "0.01", "memUsage": "0.05",
                                                "diskUsage": "0.01"} for n in w["containers"]]})
        services = [{"name": s["name"], "type": s["type"],
                     "servicePortList": [{"port": str(pt.get("port", "")),
                                          "targetPort": str(pt.get("targetPort", pt.get("port", ""))),
                                          "nodePort": str(pt.get("nodePort") or
                                                          _nodeport(f"{app_id}/{s['name']}/{pt.get('port')}"))}
                                         for pt in s["ports"]]} for s in row.runtime.get("services") or []]
        _patch(app_id, status="SUCCESS", instantiateTime=datetime_str(), log="instantiate success", pods=pods,
               serviceList=services)
        operations.action(op_id, INSTANTIATE, progress=100, status="SUCCESS", overall=100)
        operations.finish(op_id, ok=True)

    def fail(self, job, error: str) -> None:
        app_id, op_id = job.params.get("app_id", ""), job.params.get("operation_id")
        row = _load(app_id) if app_id else None
        stage = ((row.info or {}).get("status") if row else "") or ""
        failed, action = ("PACKAGE_GENERATE_FAILED", BUILD) if stage.startswith("PACKAGE_GENERAT") else \
            ("PACKAGE_DISTRIBUTE_FAILED", DISTRIBUTE) if stage == "PACKAGE_DISTRIBUTING" else \
            ("INSTANTIATE_FAILED", INSTANTIATE)
        if row is not None:
            _patch(app_id, status=failed, log=error[:1000])
            teardown(row)
        operations.action(op_id, action, progress=0, status="FAILED", error=error)
        operations.finish(op_id, ok=False, error=error)


jobs.register(LaunchWorkflow())


# ---------------------------------------------------------------- 23.1 ssh
def ssh_info(p: Principal, app_id: str) -> dict:
    app = apps.visible(p, app_id)
    row = _load(app.app_id)
    if row is None or (row.info or {}).get("status") != "SUCCESS":
        raise NotFound("the container application is not instantiated", code=20007)
    return {"encoding": "utf-8", "id": app.app_id, "status": "SUCCESS",
            "sshAddress": f"ssh://{_ip(app.app_id)}:22"}
