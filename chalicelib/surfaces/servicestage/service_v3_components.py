"""V3 components (5.3.1-5.3.8), deployed on the simulated targets through ssjobs Operations, and the V3 job
view the SDK reads (``GET /v3/{project_id}/cas/jobs/{job_id}``, lower-case fields).

A component lives in its application's scope (``component_count`` is that scope's counter) and carries a
project-wide lookup (gsi4) for 5.3.3. Where it runs: the first ``cce`` resource id of the component's
``refer_resources`` or of its environment that names a targets cluster, else the first inventory cluster;
namespace = the cce ``parameters.namespace`` (default ``default``); workload ``ss3-<component id>``.

``status.component_status``: create INITIALIZING, modify/scale/rollback UPGRADING, start STARTING, stop
STOPPING, restart RESTARTING, delete DELETING → RUNNING (PARTIALLY_FAILED when only part of the replicas run),
STOPPED, FAILED (``fail_detail`` create_failed on a failed create, delete_failed on a failed delete), or the
component is gone. While a job runs, another create/modify/action answers 409 ``SVCSTG.00100419`` and delete
409 ``SVCSTG.00100423``. Each deployed version is a record (5.3.8); actions add jobs to the current record.
"""
from __future__ import annotations

from chalicelib import audit, targets
from chalicelib.core import clock
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.identity.principal import Principal
from chalicelib.store.servicestage import SsObj
from chalicelib.surfaces.servicestage import objects, ssjobs
from chalicelib.surfaces.servicestage import service_v3_apps as apps
from chalicelib.surfaces.servicestage import service_v3_envs as envs
from chalicelib.surfaces.servicestage import service_v3_spec as specs
from chalicelib.surfaces.servicestage.service_v3_common import (APP, COMP, COMP_NOT_FOUND, ENVREF, RECORD, bad,
                                                                 integer, iso, list_args, obj, sort_key, string)

SURFACE = "servicestage"
NAME_TAKEN = ("The component name already exists in the application.", "SVCSTG.00100413")
BUSY = {"INITIALIZING", "UPGRADING", "STARTING", "STOPPING", "RESTARTING", "DELETING", "PENDING"}
ACTIONS = ("start", "stop", "restart", "scale", "rollback", "continue_deploy", "check_gray_release",
           "modify_gray_rule", "rollback_current")
GRAY_ACTIONS = ("continue_deploy", "check_gray_release", "modify_gray_rule", "rollback_current")
TRANSIENT = {"create": "INITIALIZING", "modify": "UPGRADING", "scale": "UPGRADING", "rollback": "UPGRADING",
             "start": "STARTING", "stop": "STOPPING", "restart": "RESTARTING", "delete": "DELETING"}
for _a in GRAY_ACTIONS:
    TRANSIENT[_a] = "UPGRADING"
_LIST_FIELDS = ("name", "labels", "runtime_stack", "environment_id", "application_id", "id", "creator", "source",
                "version", "external_accesses")


def _all_partition(project: str) -> str:
    return f"{objects.scope_of(project, COMP)}#ALL"


# ---------------------------------------------------------------- views
def _status(item) -> dict:
    d = item.data
    st = dict(d.get("status") or {})
    src = (d.get("spec") or {}).get("source") or {}
    url = src.get("url") or f"swr.local/{(d.get('spec') or {}).get('name')}:{(d.get('spec') or {}).get('version')}"
    st.setdefault("fail_detail", None)
    st.update(creator=d.get("creator"), create_time=int(item.create_ms), update_time=int(item.update_ms),
              artifact={"type": "package" if src.get("kind") == "package" else "image", "url": url})
    return st


def detail(item) -> dict:
    d = item.data
    out = dict(d.get("spec") or {})
    if "custom_metric" in out:
        out["custom_metrics"] = out["custom_metric"]
    out.update(id=item.obj_id, environment_id=d.get("environment_id") or "", application_id=d["application_id"],
               status=_status(item), workload_kind="deployment")
    return out


def _list_view(item, names: dict) -> dict:
    d = item.data
    spec = d.get("spec") or {}
    out = {k: spec.get(k) for k in ("name", "labels", "runtime_stack", "source", "version", "external_accesses")}
    out.update(id=item.obj_id, creator=d.get("creator"), application_id=d["application_id"],
               environment_id=d.get("environment_id") or "", status=_status(item),
               platform_type="vmapp" if (spec.get("runtime_stack") or {}).get("deploy_mode") == "virtualmachine"
               else "cce")
    project = item.project
    if ("app", d["application_id"]) not in names:
        app = objects.get(project, APP, d["application_id"])
        names[("app", d["application_id"])] = app.data.get("name") if app else ""
    env_id = d.get("environment_id") or ""
    if env_id and ("env", env_id) not in names:
        env = objects.get(project, envs.ENV, env_id)
        names[("env", env_id)] = env.data.get("name") if env else ""
    out["application_name"] = names[("app", d["application_id"])]
    out["environment_name"] = names.get(("env", env_id), "")
    return out


def require(project: str, app_id: str, comp_id: str):
    apps.require(project, app_id)
    item = objects.get(project, COMP, comp_id)
    if item is None or item.data.get("application_id") != app_id:
        raise NotFound("The component does not exist.", code=COMP_NOT_FOUND)
    return item


def _load(project: str, comp_id: str):
    return objects.get(project, COMP, comp_id)


def _update(project: str, comp_id: str, fn) -> SsObj | None:
    """Read-modify-write of a component under its version condition (the worker and requests both write)."""
    for _ in range(5):
        item = _load(project, comp_id)
        if item is None:
            return None
        data = dict(item.data)
        data["status"] = dict(data.get("status") or {})
        if fn(item, data) is False:
            return item
        item.data = data
        try:
            return objects.save(item)
        except Conflict:
            continue
    raise Conflict("The component was changed concurrently, retry.", code="SVCSTG.00100419")


# ---------------------------------------------------------------- target
def _target_of(project: str, data: dict) -> dict:
    spec = data.get("spec") or {}
    candidates, namespace = [], "default"
    for r in spec.get("refer_resources") or []:
        if r.get("type") == "cce":
            candidates.append(r["id"])
            namespace = (r.get("parameters") or {}).get("namespace") or namespace
    env_id = data.get("environment_id")
    if env_id:
        env = objects.get(project, envs.ENV, env_id)
        for r in (env.data.get("resources") or []) if env else []:
            if r.get("type") == "cce":
                candidates.append(r["id"])
    for name in candidates:
        if targets.get_cluster(name) is not None:
            return {"cluster": name, "namespace": namespace, "workload": f"ss3-{data['id']}"}
    clusters = targets.list_clusters()
    if not clusters:
        raise targets.TargetError("no target cluster is available")
    return {"cluster": clusters[0].name, "namespace": namespace, "workload": f"ss3-{data['id']}"}


def _cluster(t: dict):
    c = targets.get_cluster(t["cluster"])
    if c is None:
        raise targets.TargetError(f"cluster {t['cluster']} no longer exists")
    return c


def _workload_spec(project: str, data: dict, spec: dict, replica: int) -> dict:
    env = {e["name"]: e.get("value", "") for e in apps.config_env(project, data["application_id"],
                                                                  data.get("environment_id") or "")}
    env.update({e["name"]: e.get("value", "") for e in spec.get("envs") or [] if "value" in e})
    src = spec.get("source") or {}
    return {"kind": "deployment", "replicas": replica, "version": spec.get("version"),
            "image": src.get("url") or f"swr.local/{spec.get('name')}:{spec.get('version')}",
            "runtime": (spec.get("runtime_stack") or {}).get("name"), "env": env,
            "labels": {"servicestage/component": data["id"], "servicestage/application": data["application_id"]}}


# ---------------------------------------------------------------- records
def _record_jobs_entry(seq: int, deploy_type: str, job_id: str, spec: dict, replica: int) -> dict:
    gray = (spec.get("deploy_strategy") or {}).get("gray_release") or {}
    return {"sequence": seq, "deploy_type": deploy_type, "job_id": job_id,
            "job_info": {"deploy_type": deploy_type, "source_url": (spec.get("source") or {}).get("url") or "",
                         "first_batch_weight": int(gray.get("first_batch_weight") or 0),
                         "first_batch_replica": int(gray.get("first_batch_replica") or 0),
                         "replica": int(replica), "remaining_batch": int(gray.get("remaining_batch") or 0)}}


def _new_record(project: str, comp_id: str, spec: dict, job_id: str, action: str) -> str:
    deploy_type = (spec.get("deploy_strategy") or {}).get("type") or "OneBatchRelease"
    data = {"begin_time": iso(clock.now()), "end_time": "", "description": {"action": f"{action}: {spec['version']}"},
            "instance_id": comp_id, "version": spec["version"], "current_used": False, "status": "RUNNING",
            "deploy_type": deploy_type, "jobs": [_record_jobs_entry(1, deploy_type, job_id, spec, spec["replica"])]}
    rec = objects.create(project, RECORD, data, parent=comp_id, name=spec["version"], extra={"spec": spec})
    return rec.obj_id


def _records(project: str, comp_id: str) -> list:
    return list(SsObj.gsi1.query(f"{objects.scope_of(project, RECORD, comp_id)}#CT"))


def _record_update(project: str, rec_id: str, fn) -> None:
    for _ in range(5):
        rec = objects.get(project, RECORD, rec_id)
        if rec is None:
            return
        data = dict(rec.data)
        fn(data)
        rec.data = data
        try:
            objects.save(rec)
            return
        except Conflict:
            continue


def _settle_records(project: str, comp_id: str, rec_id: str, status: str, *, current: bool) -> None:
    now = iso(clock.now())
    for rec in _records(project, comp_id):
        if rec.obj_id == rec_id:
            def fn(d, status=status):
                d["status"], d["end_time"] = status, now
                if current:
                    d["current_used"] = True
            _record_update(project, rec.obj_id, fn)
        elif current and rec.data.get("current_used"):
            _record_update(project, rec.obj_id, lambda d: d.update(current_used=False))


# ---------------------------------------------------------------- job operations
def _apply_deploy(params: dict) -> bool:
    project, comp_id = params["project"], params["component_id"]
    item = _load(project, comp_id)
    if item is None:
        raise targets.TargetError("the component no longer exists")
    spec = params.get("spec") or item.data["spec"]
    t = (item.extra or {}).get("target") or _target_of(project, item.data)
    c = _cluster(t)
    drv = targets.driver_for(c)
    drv.ensure_namespace(c, t["namespace"])
    replica = int(params.get("replica") or spec.get("replica") or 1)
    drv.apply(c, t["namespace"], t["workload"], _workload_spec(project, item.data, spec, replica),
              targets.list_nodes(c.name))

    def fn(it, data):
        it.extra = dict(it.extra or {}, target=t)
    _update(project, comp_id, fn)
    return False


def _check_deploy(params: dict) -> bool:
    item = _load(params["project"], params["component_id"])
    if item is None:
        raise targets.TargetError("the component no longer exists")
    t = item.extra["target"]
    c = _cluster(t)
    st = targets.driver_for(c).status(c, t["namespace"], t["workload"])
    if not st.settled:
        return False
    if st.phase in ("Failed", "Deleted"):
        raise targets.TargetError(st.message or f"the workload is {st.phase}")
    return True


def _finish_deploy(params: dict) -> None:
    project, comp_id = params["project"], params["component_id"]
    item = _load(project, comp_id)
    if item is None:
        return
    t = item.extra["target"]
    c = _cluster(t)
    st = targets.driver_for(c).status(c, t["namespace"], t["workload"])
    action = params["action"]
    spec = params.get("spec")

    def fn(it, data):
        if spec is not None:
            data["spec"] = spec
        if params.get("replica") is not None:
            data["spec"] = dict(data["spec"], replica=int(params["replica"]))
        data["status"].update(component_status="RUNNING" if st.running >= st.desired else "PARTIALLY_FAILED",
                              available_replica=int(st.running), replica=int(st.desired), fail_detail=None)
        if params.get("record_id"):
            it.extra = dict(it.extra or {}, record=params["record_id"])
    _update(project, comp_id, fn)
    if params.get("record_id"):
        new_version = action in ("create", "modify", "rollback")
        _settle_records(project, comp_id, params["record_id"], "SUCCEEDED", current=new_version)


def _fail_deploy(params: dict, error: str) -> None:
    project, comp_id = params["project"], params["component_id"]

    def fn(it, data):
        data["status"].update(component_status="FAILED", available_replica=0,
                              fail_detail="create_failed" if params["action"] == "create" else None)
    _update(project, comp_id, fn)
    if params.get("record_id") and params["action"] in ("create", "modify"):
        _settle_records(project, comp_id, params["record_id"], "FAILED", current=False)


def _apply_stop(params: dict) -> bool:
    item = _load(params["project"], params["component_id"])
    t = (item.extra or {}).get("target") if item else None
    if t and targets.get_cluster(t["cluster"]) is not None:
        c = _cluster(t)
        targets.driver_for(c).remove(c, t["namespace"], t["workload"])
    return True


def _finish_stop(params: dict) -> None:
    def fn(it, data):
        data["status"].update(component_status="STOPPED", available_replica=0, fail_detail=None)
    _update(params["project"], params["component_id"], fn)


def _fail_stop(params: dict, error: str) -> None:
    def fn(it, data):
        data["status"].update(component_status="FAILED")
    _update(params["project"], params["component_id"], fn)


def _finish_delete(params: dict) -> None:
    project, comp_id = params["project"], params["component_id"]
    item = _load(project, comp_id)
    if item is None:
        return
    for rec in _records(project, comp_id):
        objects.delete(rec)
    env_id = item.data.get("environment_id")
    if env_id:
        ref = objects.get(project, ENVREF, comp_id)
        if ref is not None:
            objects.delete(ref)
    objects.delete(item)


def _fail_delete(params: dict, error: str) -> None:
    def fn(it, data):
        data["status"].update(component_status="FAILED", fail_detail="delete_failed")
    _update(params["project"], params["component_id"], fn)


_DEPLOY_TASKS = ("SEPARATOR_PREPARE_RESOURCES", "SEPARATOR_DEPLOYING", "SEPARATOR_CHECKING_STATUS")
OP_CREATE = ssjobs.register(ssjobs.Operation("v3.component.create", "PROVISION", _DEPLOY_TASKS, _apply_deploy,
                                             _check_deploy, _finish_deploy, _fail_deploy))
OP_MODIFY = ssjobs.register(ssjobs.Operation("v3.component.modify", "DAILY_OPERATION", _DEPLOY_TASKS,
                                             _apply_deploy, _check_deploy, _finish_deploy, _fail_deploy))
OP_ACTION = ssjobs.register(ssjobs.Operation("v3.component.action", "DAILY_OPERATION", _DEPLOY_TASKS,
                                             _apply_deploy, _check_deploy, _finish_deploy, _fail_deploy))
OP_STOP = ssjobs.register(ssjobs.Operation("v3.component.stop", "DAILY_OPERATION",
                                           ("SEPARATOR_PREPARE_RESOURCES", "SEPARATOR_STOPPING"), _apply_stop,
                                           finish=_finish_stop, fail=_fail_stop))
OP_DELETE = ssjobs.register(ssjobs.Operation("v3.component.delete", "DEPROVISION",
                                             ("SEPARATOR_PREPARE_RESOURCES", "SEPARATOR_DELETING"), _apply_stop,
                                             finish=_finish_delete, fail=_fail_delete))


def _begin(p: Principal, project: str, item, action: str, op: str, *, params: dict, busy_code: str,
           job_id: str | None = None) -> str:
    """Mark the component busy (refusing if it already is), then start the job."""
    job_holder = {}

    def fn(it, data):
        current = data["status"].get("component_status")
        if current in BUSY:
            raise Conflict(f"The component is {current}: wait for its job to finish.", code=busy_code)
        job_holder["id"] = job_id or "JOB" + objects.new_uuid()
        data["status"].update(component_status=TRANSIENT[action], last_job_id=job_holder["id"])
    _update(project, item.obj_id, fn)
    ssjobs.start(p, project, op, resource_id=item.obj_id, desc=f"{action} component {item.data['spec']['name']}",
                 params=dict(params, component_id=item.obj_id, action=action), job_id=job_holder["id"])
    return job_holder["id"]


# ---------------------------------------------------------------- requests
def create(p: Principal, project: str, app_id: str, body) -> dict:
    body = obj(body)
    spec = specs.spec(body, project, create=True)
    env_id = string(body, "environment_id", max_len=64)
    apps.require(project, app_id)
    if env_id:
        env = envs.require(project, env_id)
        mode = env.data.get("deploy_mode")
        if mode != "mixed" and mode != spec["runtime_stack"]["deploy_mode"]:
            raise bad(f"a {spec['runtime_stack']['deploy_mode']} runtime stack cannot be deployed in a {mode} "
                      "environment", "SVCSTG.00100420")
    comp_id = objects.new_uuid()
    job_id = "JOB" + objects.new_uuid()
    data = {"id": comp_id, "application_id": app_id, "environment_id": env_id or "", "creator": p.username,
            "spec": spec, "status": {"component_status": "INITIALIZING", "available_replica": 0,
                                     "replica": spec["replica"], "fail_detail": None, "last_job_id": job_id}}
    ms = objects.now_ms()
    item = objects.create(project, COMP, data, obj_id=comp_id, parent=app_id, name=spec["name"],
                          unique_name=NAME_TAKEN, lookup=(_all_partition(project), f"{ms:015d}#{comp_id}"))
    if env_id:
        objects.create(project, ENVREF, {"component_id": comp_id, "application_id": app_id}, obj_id=comp_id,
                       parent=env_id)
    record_id = _new_record(project, comp_id, spec, job_id, "New Version")
    ssjobs.start(p, project, OP_CREATE.name, resource_id=comp_id, desc=f"create component {spec['name']}",
                 params={"component_id": comp_id, "action": "create", "record_id": record_id}, job_id=job_id)
    audit.record(SURFACE, "v3.component.create", principal=p, resource=f"component/{comp_id}")
    return {"job_id": job_id, "component_id": item.obj_id}


def listing_in_app(project: str, app_id: str, query: dict) -> dict:
    args = list_args(query)
    apps.require(project, app_id)
    items, total = objects.page(project, COMP, args, parent=app_id)
    names: dict = {}
    return {"count": total, "components": [_list_view(i, names) for i in items]}


def listing_all(project: str, query: dict) -> dict:
    args = list_args(query)
    app_name = query.get("application_name") or ""
    comp_name = query.get("component_name") or ""
    names: dict = {}
    if app_name:
        app_ids = [a.obj_id for a in SsObj.gsi2.query(f"{objects.scope_of(project, APP)}#NAME",
                                                      SsObj.gsi2sk.startswith(f"{app_name}#"))
                   if a.name == app_name]
        if not app_ids:
            return {"count": 0, "components": []}
        predicate = (lambda item: item.name == comp_name) if comp_name else None
        items, total = objects.page(project, COMP, args, parent=app_ids[0], predicate=predicate)
        return {"count": total, "components": [_list_view(i, names) for i in items]}
    found = [i for i in SsObj.gsi4.query(_all_partition(project)) if not comp_name or i.name == comp_name]
    found.sort(key=sort_key(args), reverse=not args.ascending)
    page = found[args.offset:args.offset + args.limit] if args.limit is not None else found[args.offset:]
    return {"count": len(found), "components": [_list_view(i, names) for i in page]}


def get(project: str, app_id: str, comp_id: str) -> dict:
    return detail(require(project, app_id, comp_id))


def modify(p: Principal, project: str, app_id: str, comp_id: str, body) -> dict:
    spec = specs.spec(body, project, create=False)
    item = require(project, app_id, comp_id)
    old = item.data["spec"]
    if spec["name"] != old["name"]:
        raise bad("name cannot be modified")
    if spec["runtime_stack"] != old["runtime_stack"]:
        raise bad("runtime_stack cannot be modified")
    if spec["replica"] != old["replica"]:
        raise bad("replica can only be changed with the scale action")
    if "refer_resources" not in spec:
        spec["refer_resources"] = old.get("refer_resources") or []
    if any(r.data.get("version") == spec["version"] for r in _records(project, comp_id)):
        raise NotFound(f"The version {spec['version']} is already used by this component.", code="SVCSTG.00100441")
    if item.data["status"].get("component_status") in BUSY:
        raise Conflict("The component has a job in progress.", code="SVCSTG.00100419")
    job_id = "JOB" + objects.new_uuid()
    record_id = _new_record(project, comp_id, spec, job_id, "Upgrade Version")
    try:
        _begin(p, project, item, "modify", OP_MODIFY.name, params={"spec": spec, "record_id": record_id},
               busy_code="SVCSTG.00100419", job_id=job_id)
    except Conflict:
        rec = objects.get(project, RECORD, record_id)
        if rec is not None:
            objects.delete(rec)
        raise
    audit.record(SURFACE, "v3.component.modify", principal=p, resource=f"component/{comp_id}")
    return {"job_id": job_id}


def delete(p: Principal, project: str, app_id: str, comp_id: str) -> dict:
    item = require(project, app_id, comp_id)
    job_id = _begin(p, project, item, "delete", OP_DELETE.name, params={}, busy_code="SVCSTG.00100423")
    audit.record(SURFACE, "v3.component.delete", principal=p, resource=f"component/{comp_id}")
    return {"job_id": job_id}


def action(p: Principal, project: str, app_id: str, comp_id: str, body) -> dict:
    body = obj(body)
    act = string(body, "action", required=True, enum=ACTIONS)
    params = body.get("parameters")
    params = obj(params, "parameters") if params is not None else {}
    replica = integer(params, "replica", minimum=1, maximum=1000, where="parameters.")
    version = string(params, "version", max_len=32, where="parameters.")
    hosts = params.get("hosts")
    if hosts is not None and (not isinstance(hosts, list) or not all(isinstance(h, str) for h in hosts)):
        raise bad("parameters.hosts must be an array of strings")
    item = require(project, app_id, comp_id)
    spec = item.data["spec"]
    status = item.data["status"].get("component_status")
    not_allowed = Conflict(f"The action {act} is not allowed while the component is {status}.",
                           code="SVCSTG.00100419")
    job_params: dict = {}
    op = OP_ACTION.name
    current_record = (item.extra or {}).get("record")
    if act == "scale":
        if replica is None:
            raise bad("parameters.replica is required to scale")
        if spec["runtime_stack"]["deploy_mode"] == "virtualmachine" and not hosts:
            raise bad("parameters.hosts is required to scale a virtualmachine component")
        if status == "STOPPED":
            raise not_allowed
        job_params["replica"] = replica
    elif act == "rollback":
        if not version:
            raise bad("parameters.version is required to roll back")
        target = [r for r in _records(project, comp_id) if r.data.get("version") == version
                  and r.data.get("status") == "SUCCEEDED"]
        if not target:
            raise NotFound(f"No successful deployment of version {version}.", code="SVCSTG.00100436")
        if version == spec["version"]:
            raise bad("the component already runs this version")
        rec_spec = dict((target[0].extra or {}).get("spec") or spec, replica=spec["replica"])
        job_params.update(spec=rec_spec, record_id=target[0].obj_id)
    elif act == "start":
        if status != "STOPPED":
            raise not_allowed
    elif act == "stop":
        if status not in ("RUNNING", "PARTIALLY_FAILED", "FAILED"):
            raise not_allowed
        op = OP_STOP.name
    elif act == "restart":
        if status not in ("RUNNING", "PARTIALLY_FAILED", "FAILED"):
            raise not_allowed
    else:  # gray-release actions
        if ((spec.get("deploy_strategy") or {}).get("type")) != "GrayRelease":
            raise Conflict(f"The action {act} needs a GrayRelease deployment strategy.", code="SVCSTG.00100419")
    job_id = _begin(p, project, item, act, op, params=job_params, busy_code="SVCSTG.00100419")
    rec_id = job_params.get("record_id") or current_record
    if rec_id:
        def add_job(d):
            jobs_ = list(d.get("jobs") or [])
            jobs_.append(_record_jobs_entry(len(jobs_) + 1, d.get("deploy_type") or "OneBatchRelease", job_id,
                                            spec, replica or spec["replica"]))
            d["jobs"] = jobs_
        _record_update(project, rec_id, add_job)
    audit.record(SURFACE, f"v3.component.{act}", principal=p, resource=f"component/{comp_id}")
    return {"job_id": job_id, "result": "succeeded"}


def records(project: str, app_id: str, comp_id: str, query: dict) -> dict:
    args = list_args(query)
    require(project, app_id, comp_id)
    items, total = objects.page(project, RECORD, args, parent=comp_id)
    return {"count": total, "records": [dict(i.data) for i in items]}


def runtime_stacks() -> dict:
    return {"runtimestacks": [dict(s) for s in specs.RUNTIME_STACKS]}


# ---------------------------------------------------------------- V3 job view (the SDK's ShowJobInfo)
def job(project: str, job_id: str, query: dict) -> dict:
    if not job_id or not job_id.startswith("JOB"):
        raise bad("The job ID is invalid.", "SVCSTG.00100414")
    item = ssjobs.get(project, job_id)
    instance_id = query.get("instance_id")
    if item is None or (instance_id and item.data.get("SERVICE_INSTANCE_ID") != instance_id):
        raise NotFound("The job does not exist.", code="SVCSTG.00100408")
    args = list_args({k: query.get(k) for k in ("limit", "offset")} | {"limit": query.get("limit") or "100"})
    desc = (query.get("desc") or "false").lower()
    if desc not in ("true", "false"):
        raise bad("desc must be true or false")
    return v3_view(item, limit=args.limit, offset=args.offset, desc=desc == "true")


def v3_view(item, *, limit: int | None = None, offset: int = 0, desc: bool = False) -> dict:
    """The job record with the SDK's lower-case V3 fields: ``{task_count, job{execution_status, job_id,
    job_type, rollback_enabled}, tasks[{created_at, update_at, messages, task_id, task_name, task_status,
    task_type}]}``."""
    tasks = sorted(ssjobs.tasks_of(item), key=lambda t: t["TASK_INDEX"], reverse=desc)
    page = tasks[offset:(offset + limit) if limit is not None else None]
    d = item.data
    return {"task_count": len(tasks),
            "job": {"execution_status": d.get("EXECUTION_STATUS", "INIT"), "job_id": d.get("JOB_ID"),
                    "job_type": d.get("JOB_TYPE"), "rollback_enabled": bool(d.get("rollback_enabled", False))},
            "tasks": [{"created_at": t.get("CREATED_AT"), "update_at": t.get("LAST_HEALTH_CHECK"),
                       "messages": t.get("MESSAGES") or "", "task_id": t.get("TASK_ID"),
                       "task_name": t.get("TASK_NAME"), "task_status": t.get("TASK_STATUS"),
                       "task_type": t.get("TASK_TYPE")} for t in page]}
