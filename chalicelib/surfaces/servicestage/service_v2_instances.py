"""Application management V2 component instances (4.5), their snapshots (4.5.7) and jobs (4.6.1).

An instance is deployed on the simulated targets: the cluster is the environment's (or the referenced) CCE
resource when the inventory has a cluster of that name, else the inventory's first cluster; the namespace is
the referenced CCE namespace, prefixed with the project so tenants never share one. Every change is an
ssjobs :class:`Operation` (create, start, stop, restart, scale, rollback, upgrade, delete): the request sets
``status_detail`` to the transitional status (INITIALIZING, STARTING, ...) with ``last_job_id``, the job
applies the workload and polls it, and the outcome sets RUNNING / STOPPED (or FAILED, with the job FAILED)
and ``last_job_status``. Each successfully deployed version leaves a snapshot, the target of a rollback.
"""
from __future__ import annotations

import json
import re

from chalicelib import audit, targets
from chalicelib.core.errors import BadRequest, Conflict, NotFound
from chalicelib.identity.principal import Principal
from chalicelib.store.servicestage import SsObj
from chalicelib.surfaces.servicestage import objects, ssjobs
from chalicelib.surfaces.servicestage import service_v2_apps as apps
from chalicelib.surfaces.servicestage.auth import project_of
from chalicelib.surfaces.servicestage.blueprints import SURFACE
from chalicelib.surfaces.servicestage.service_v2_apps import bad, text

INST, SNAP = apps.INST, "v2snap"
INST_NAME_RE = re.compile(r"^[a-z][a-z0-9-]{0,61}[a-z0-9]$")
VERSION_RE = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$")
NAMESPACE_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
CUSTOM_FLAVOR_RE = re.compile(r"^CUSTOM-[0-9]+G:[0-9.]+[mC]-[0-9.]+[mC]:[0-9.]+Gi-[0-9.]+Gi$")
ACTIONS = ("start", "stop", "restart", "scale", "rollback")
BUSY = "RUNNING"  # last_job_status while a job is working
E_INST_NOT_FOUND = "SVCSTG.00100412"
E_STATE = "SVCSTG.00100419"
TASKS = ("SEPARATOR_PREPARE_RESOURCES", "TN_APPLY_WORKLOAD", "TN_CHECK_WORKLOAD")
DELETE_TASKS = ("SEPARATOR_PREPARE_RESOURCES", "TN_REMOVE_WORKLOAD")
TRANSITION = {"create": "INITIALIZING", "upgrade": "UPGRADING", "start": "STARTING", "stop": "STOPPING",
              "restart": "RESTARTING", "scale": "UPGRADING", "rollback": "UPGRADING", "delete": "DELETING"}


# ---------------------------------------------------------------- validation
def _flavors() -> set[str]:
    from chalicelib.surfaces.servicestage.routes_v2_meta import catalogue
    return {f["flavor_id"] for f in catalogue()["flavors"]}


def _flavor(body: dict, required: bool):
    value = text(body, "flavor_id", required=required, max_len=128)
    if value is not None and value not in _flavors() and not CUSTOM_FLAVOR_RE.match(value):
        raise bad("flavor_id is not a known flavor or a valid CUSTOM flavor")
    return value


def _replica(value, what: str = "replica") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1000:
        raise bad(f"{what} must be an integer from 1 to 1000")
    return value


def _version(body: dict) -> str:
    value = body.get("version")
    if not isinstance(value, str) or not VERSION_RE.match(value) or len(value) > 64:
        raise bad("version must be a semantic version such as 1.0.0")
    return value


def _artifacts(value) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad("artifacts must be a map of artifact objects")
    out = {}
    for key, a in value.items():
        if not isinstance(key, str) or not key or len(key) > 128 or not isinstance(a, dict):
            raise bad("artifacts must be a map of artifact objects")
        storage = text(a, "storage", required=True)
        if storage not in ("swr", "obs"):
            raise bad(f"artifacts.{key}.storage must be swr or obs")
        atype = text(a, "type", required=True)
        if atype not in ("package", "image"):
            raise bad(f"artifacts.{key}.type must be package or image")
        auth = text(a, "auth", default="iam")
        if auth not in ("iam", "none"):
            raise bad(f"artifacts.{key}.auth must be iam or none")
        props = a.get("properties")
        if props is not None and not isinstance(props, dict):
            raise bad(f"artifacts.{key}.properties must be an object")
        item = {"storage": storage, "type": atype, "url": text(a, "url", required=True, max_len=1024),
                "auth": auth}
        if a.get("version") is not None:
            item["version"] = text(a, "version", max_len=64)
        if props is not None:
            item["properties"] = props
        out[key] = item
    return out


def _configuration(value) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad("configuration must be an object")
    out = dict(value)
    if "env" in value and value["env"] is not None:
        out["env"] = apps._env_vars(value["env"], "configuration.env")
    strategy = value.get("strategy")
    if strategy is not None:
        if not isinstance(strategy, dict) or strategy.get("upgrade", "RollingUpdate") not in ("Recreate",
                                                                                              "RollingUpdate"):
            raise bad("configuration.strategy.upgrade must be Recreate or RollingUpdate")
    for key in ("storage",):
        if key in value and value[key] is not None and not isinstance(value[key], list):
            raise bad(f"configuration.{key} must be an array")
    for key in ("lifecycle", "scheduler", "probes", "container_spec"):
        if key in value and value[key] is not None and not isinstance(value[key], dict):
            raise bad(f"configuration.{key} must be an object")
    return out


def _external_accesses(value, old: list | None = None) -> list:
    if value is None:
        return list(old or [])
    if not isinstance(value, list):
        raise bad("external_accesses must be an array")
    now, out = objects.now_ms(), []
    for e in value:
        if not isinstance(e, dict):
            raise bad("external_accesses items must be objects")
        protocol = text(e, "protocol", required=True)
        if protocol.lower() not in ("http", "https"):
            raise bad("external_accesses.protocol must be http or https")
        port = e.get("forward_port")
        if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
            raise bad("external_accesses.forward_port must be a port number")
        out.append({"id": e.get("id") if isinstance(e.get("id"), str) and e.get("id") else objects.new_uuid(),
                    "protocol": protocol.lower(), "address": text(e, "address", required=True, max_len=256),
                    "forward_port": port, "type": "SPECIFIED", "status": "NORMAL", "create_time": now,
                    "update_time": now})
    return out


def _refer_resources(value, required: bool) -> list | None:
    if value is None:
        if required:
            raise bad("refer_resources is required")
        return None
    if not isinstance(value, list) or (required and not value):
        raise bad("refer_resources must be a non-empty array")
    out = []
    for r in value:
        if not isinstance(r, dict):
            raise bad("refer_resources items must be objects")
        rid = text(r, "id", required=True, max_len=128)
        rtype = text(r, "type", required=True).lower()
        if rtype not in apps.RESOURCE_TYPES:
            raise bad(f"refer_resources.type {r['type']} is not supported")
        params = r.get("parameters")
        if params is not None and not isinstance(params, dict):
            raise bad("refer_resources.parameters must be an object")
        if rtype == "cce":
            ns = (params or {}).get("namespace")
            if not isinstance(ns, str) or not NAMESPACE_RE.match(ns):
                raise bad("refer_resources: a cce resource needs parameters.namespace (a DNS label)")
        if rtype == "ecs":
            hosts = (params or {}).get("hosts")
            if rid != "Default" or not isinstance(hosts, list) or not all(isinstance(h, str) for h in hosts):
                raise bad("refer_resources: an ecs resource has id Default and parameters.hosts")
        item = {"id": rid, "type": rtype, "parameters": params}
        if r.get("refer_alias") is not None:
            item["refer_alias"] = text(r, "refer_alias", max_len=128)
        out.append(item)
    return out


# ---------------------------------------------------------------- views
def _status_detail(item: SsObj) -> dict:
    s = item.data.get("status_detail") or {}
    return {"enterprise_project_id": s.get("enterprise_project_id", "0"), "status": s.get("status"),
            "available_replica": int(s.get("available_replica", 0)), "replica": int(s.get("replica", 0)),
            "fail_detail": s.get("fail_detail"), "last_job_id": s.get("last_job_id"),
            "last_job_status": s.get("last_job_status")}


def detail_view(item: SsObj) -> dict:
    d = item.data
    return {"id": item.obj_id, "name": d["name"], "description": d.get("description"),
            "environment_id": d["environment_id"], "platform_type": d["platform_type"], "flavor_id": d["flavor_id"],
            "artifacts": d.get("artifacts") or {}, "version": d["version"], "configuration": d.get("configuration"),
            "creator": d.get("creator"), "create_time": int(item.create_ms), "update_time": int(item.update_ms),
            "external_accesses": d.get("external_accesses", []), "refer_resources": d.get("refer_resources", []),
            "status_detail": _status_detail(item)}


def list_view(item: SsObj, names: dict) -> dict:
    d = item.data
    return {"id": item.obj_id, "application_id": d["application_id"],
            "application_name": names.get(("app", d["application_id"])), "component_id": d["component_id"],
            "component_name": names.get(("comp", d["component_id"])), "name": d["name"],
            "environment_id": d["environment_id"], "environment_name": names.get(("env", d["environment_id"])),
            "platform_type": d["platform_type"], "version": d["version"],
            "external_accesses": d.get("external_accesses", []), "artifacts": d.get("artifacts") or {},
            "creator": d.get("creator"), "create_time": int(item.create_ms), "update_time": int(item.update_ms),
            "status_detail": _status_detail(item)}


def snapshot_view(item: SsObj) -> dict:
    return {"create_time": int(item.create_ms), "description": item.data.get("description"),
            "instance_id": item.data["instance_id"], "version": item.data["version"]}


# ---------------------------------------------------------------- lookups
def require_instance(project: str, app_id: str, comp_id: str, inst_id: str) -> SsObj:
    apps.require_comp(project, app_id, comp_id)
    item = objects.get(project, INST, inst_id)
    if item is None or item.data.get("component_id") != comp_id:
        raise NotFound("The component instance does not exist.", code=E_INST_NOT_FOUND)
    return item


def _instances_of(project: str, comp_id: str):
    return SsObj.gsi1.query(f"{objects.scope_of(project, INST, comp_id)}#CT")


def _version_used(project: str, comp_id: str, env_id: str, version: str, *, instance_id: str | None = None) -> bool:
    for other in _instances_of(project, comp_id):
        if other.data.get("environment_id") == env_id and other.obj_id != instance_id \
                and other.data.get("version") == version:
            return True
    if instance_id and objects.get(project, SNAP, f"{instance_id}.{version}") is not None:
        return True
    return False


def _placement(project: str, env: SsObj, refer: list) -> dict:
    """Cluster, namespace and the namespace shown to the tenant for a new instance."""
    names = [r["id"] for r in refer if r["type"] == "cce"]
    names += [r["id"] for r in env.data.get("base_resources", []) if r["type"] == "cce"]
    cluster = next((n for n in names if targets.get_cluster(n) is not None), None)
    if cluster is None:
        clusters = sorted(targets.list_clusters(), key=lambda c: c.name)
        if not clusters:
            raise BadRequest("No cluster is available to deploy the instance.", code="SVCSTG.00100422")
        cluster = clusters[0].name
    ns = next((r["parameters"]["namespace"] for r in refer if r["type"] == "cce"), "default")
    return {"cluster": cluster, "namespace": f"ss-{project[:12]}-{ns}"[:63].rstrip("-"), "tenant_namespace": ns}


# ---------------------------------------------------------------- requests
def _start_job(p: Principal, item: SsObj, action: str, params: dict | None = None) -> str:
    """Mark the instance busy and start its job (the save is conditional: two requests cannot both win)."""
    project = item.project
    op = {"delete": "v2.instance.delete", "create": "v2.instance.create"}.get(action, "v2.instance.operate")
    job_id = "JOB" + objects.new_uuid()
    before = dict(item.data.get("status_detail") or {})
    status = dict(before)
    status.update(status=TRANSITION[action], last_job_id=job_id, last_job_status=BUSY, fail_detail=None)
    item.data = {**item.data, "status_detail": status}
    try:
        objects.save(item)
    except Conflict:
        raise Conflict("The operation is not allowed in the current state.", code=E_STATE) from None
    try:
        real = ssjobs.start(p, project, op, resource_id=item.obj_id, desc=f"{action} {item.data['name']}",
                            params={"instance_id": item.obj_id, "action": action, **(params or {})})
    except Exception:
        # the job could not start: a new instance is forgotten, an existing one gets its state back
        if action == "create":
            _forget(objects.get(project, INST, item.obj_id) or item)
        else:
            _set_status(project, item.obj_id, expect_job=job_id, **before)
        raise
    item.data["status_detail"]["last_job_id"] = real
    _set_status(project, item.obj_id, last_job_id=real, expect_job=job_id)
    return real


def _set_status(project: str, inst_id: str, *, expect_job: str | None = None, **fields) -> SsObj | None:
    for _ in range(3):
        item = objects.get(project, INST, inst_id)
        if item is None:
            return None
        status = dict(item.data.get("status_detail") or {})
        if expect_job is not None and status.get("last_job_id") != expect_job:
            return item
        status.update(fields)
        item.data = {**item.data, "status_detail": status}
        try:
            return objects.save(item)
        except Conflict:
            continue
    return None


def _busy(item: SsObj) -> bool:
    return (item.data.get("status_detail") or {}).get("last_job_status") == BUSY


def create_instance(p: Principal, app_id: str, comp_id: str, body: dict) -> dict:
    project = project_of(p)
    name = text(body, "name", required=True, pattern=INST_NAME_RE)
    env_id = text(body, "environment_id", required=True, max_len=128)
    replica = _replica(body.get("replica"))
    flavor = _flavor(body, True)
    artifacts = _artifacts(body.get("artifacts"))
    version = _version(body)
    configuration = _configuration(body.get("configuration"))
    description = text(body, "description", max_len=128)
    external = _external_accesses(body.get("external_accesses"))
    refer = _refer_resources(body.get("refer_resources"), True)
    app = apps.require_app(project, app_id)
    comp = apps.require_comp(project, app_id, comp_id)
    env = apps.require_env(project, env_id)
    if not artifacts:
        src = comp.data.get("source") or {}
        if src.get("kind") != "artifact":
            raise bad("The software package or image of the instance is empty.", "SVCSTG.00100425")
        spec = src["spec"]
        artifacts = {comp.data["name"]: {"storage": spec["storage"], "type": spec.get("type", "package"),
                                         "url": spec["url"], "auth": spec.get("auth", "iam")}}
    if _version_used(project, comp_id, env_id, version):
        raise NotFound("The component instance version is already used in the environment.",
                       code="SVCSTG.00100441")
    placement = _placement(project, env, refer)
    inst_id = objects.new_uuid()
    data = {"name": name, "description": description, "application_id": app.obj_id, "component_id": comp_id,
            "environment_id": env_id,
            "platform_type": "cce" if env.data["deploy_mode"] == "container" else "vmapp",
            "flavor_id": flavor, "replica": replica, "artifacts": artifacts, "version": version,
            "configuration": configuration, "external_accesses": external, "refer_resources": refer,
            "creator": p.username,
            "status_detail": {"enterprise_project_id": env.data.get("enterprise_project_id", "0"),
                              "status": "INITIALIZING", "available_replica": 0, "replica": replica,
                              "fail_detail": None, "last_job_id": None, "last_job_status": None}}
    try:
        item = objects.create(project, INST, data, obj_id=inst_id, parent=comp_id, name=name,
                              unique_name=("The instance name already exists.", "SVCSTG.00100413"),
                              extra={"target": placement}, lookup=(apps.env_instances_key(project, env_id), inst_id))
    except Conflict:
        raise Conflict("The instance name already exists.", code="SVCSTG.00100413") from None
    job_id = _start_job(p, item, "create", {"snapshot": True})
    audit.record(SURFACE, "v2_create_instance", principal=p, resource=f"instance/{inst_id}")
    return {"instance_id": inst_id, "job_id": job_id}


def list_instances(p: Principal, app_id: str, comp_id: str, query: dict) -> dict:
    project = project_of(p)
    app = apps.require_app(project, app_id)
    comp = apps.require_comp(project, app_id, comp_id)
    args = objects.v2_args(query, ("create_time", "name", "update_time", "version"))
    if args.order_by == "version":
        every = list(_instances_of(project, comp_id))
        every.sort(key=lambda i: (_version_key(i.data["version"]), i.create_ms), reverse=not args.ascending)
        end = None if args.limit is None else args.offset + args.limit
        items, total = every[args.offset:end], len(every)
    else:
        items, total = objects.page(project, INST, args, parent=comp_id)
    names = {("app", app.obj_id): app.data["name"], ("comp", comp.obj_id): comp.data["name"]}
    for i in items:
        key = ("env", i.data["environment_id"])
        if key not in names:
            env = objects.get(project, apps.ENV, i.data["environment_id"])
            names[key] = env.data["name"] if env else None
    return {"count": total, "instances": [list_view(i, names) for i in items]}


def _version_key(version: str):
    core = version.split("-")[0].split("+")[0]
    return tuple(int(x) if x.isdigit() else 0 for x in core.split("."))


def get_instance(p: Principal, app_id: str, comp_id: str, inst_id: str) -> dict:
    return detail_view(require_instance(project_of(p), app_id, comp_id, inst_id))


def instance_action(p: Principal, app_id: str, comp_id: str, inst_id: str, body: dict) -> dict:
    project = project_of(p)
    action = body.get("action")
    if not isinstance(action, str) or action not in ACTIONS:
        raise bad("The component instance operation is not defined.", "SVCSTG.00100418")
    params = body.get("parameters")
    if params is not None and not isinstance(params, dict):
        raise bad("parameters must be an object")
    params = params or {}
    item = require_instance(project, app_id, comp_id, inst_id)
    status = (item.data.get("status_detail") or {}).get("status")
    if _busy(item):
        raise Conflict("The operation is not allowed in the current state: a job is running.", code=E_STATE)
    changes: dict = {}
    if action == "scale":
        changes["replica"] = _replica(params.get("replica"), "parameters.replica")
        if params.get("hosts") is not None and (not isinstance(params["hosts"], list)
                                                or not all(isinstance(h, str) for h in params["hosts"])):
            raise bad("parameters.hosts must be an array of ECS IDs")
        if status == "STOPPED":
            raise Conflict("The operation is not allowed in the current state: the instance is stopped.",
                           code=E_STATE)
    elif action == "rollback":
        version = params.get("version")
        if not isinstance(version, str) or not version:
            raise bad("parameters.version is required for a rollback")
        snap = objects.get(project, SNAP, f"{inst_id}.{version}")
        if snap is None:
            raise NotFound("The instance snapshot does not exist.", code="SVCSTG.00100436")
        changes.update(snap.extra.get("spec") or {})
    elif action == "start" and status not in ("STOPPED", "FAILED"):
        raise Conflict("The operation is not allowed in the current state: the instance is not stopped.",
                       code=E_STATE)
    elif action == "stop" and status == "STOPPED":
        raise Conflict("The operation is not allowed in the current state: the instance is already stopped.",
                       code=E_STATE)
    elif action == "restart" and status == "STOPPED":
        raise Conflict("The operation is not allowed in the current state: the instance is stopped.",
                       code=E_STATE)
    if changes:
        item.data = {**item.data, **changes}
        if "replica" in changes:
            item.data["status_detail"] = {**item.data["status_detail"], "replica": changes["replica"]}
    job_id = _start_job(p, item, action)
    audit.record(SURFACE, f"v2_instance_{action}", principal=p, resource=f"instance/{inst_id}")
    return {"job_id": job_id}


def upgrade_instance(p: Principal, app_id: str, comp_id: str, inst_id: str, body: dict) -> dict:
    project = project_of(p)
    version = _version(body)
    flavor = _flavor(body, False)
    artifacts = _artifacts(body.get("artifacts"))
    configuration = _configuration(body.get("configuration"))
    description = text(body, "description", max_len=128)
    refer = _refer_resources(body.get("refer_resources"), False)
    item = require_instance(project, app_id, comp_id, inst_id)
    external = _external_accesses(body.get("external_accesses"), item.data.get("external_accesses"))
    if _busy(item):
        raise Conflict("The operation is not allowed in the current state: a job is running.", code=E_STATE)
    if _version_used(project, comp_id, item.data["environment_id"], version, instance_id=inst_id):
        raise NotFound("The component instance version is already used in the environment.",
                       code="SVCSTG.00100441")
    changes = {"version": version, "external_accesses": external}
    for key, value in (("flavor_id", flavor), ("artifacts", artifacts), ("configuration", configuration),
                       ("description", description), ("refer_resources", refer)):
        if value is not None:
            changes[key] = value
    item.data = {**item.data, **changes}
    job_id = _start_job(p, item, "upgrade", {"snapshot": True})
    audit.record(SURFACE, "v2_upgrade_instance", principal=p, resource=f"instance/{inst_id}")
    return {"job_id": job_id}


def delete_instance(p: Principal, app_id: str, comp_id: str, inst_id: str, query: dict) -> dict:
    project = project_of(p)
    force = str(query.get("force") or "false").lower()
    if force not in ("true", "false"):
        raise bad("force must be true or false")
    item = require_instance(project, app_id, comp_id, inst_id)
    if _busy(item) and force != "true":
        raise Conflict("The component instance cannot be deleted: an operation is in progress.",
                       code="SVCSTG.00100423")
    job_id = _start_job(p, item, "delete", {"force": force == "true"})
    audit.record(SURFACE, "v2_delete_instance", principal=p, resource=f"instance/{inst_id}")
    return {"job_id": job_id}


def list_snapshots(p: Principal, app_id: str, comp_id: str, inst_id: str, query: dict) -> dict:
    project = project_of(p)
    require_instance(project, app_id, comp_id, inst_id)
    q = dict(query)
    order_by = q.get("snapshot_order_by") or q.get("order_by")
    q["order_by"] = "name" if order_by == "version" else order_by
    args = objects.v2_args(q, ("create_time", "name"))
    if args.order_by == "name":
        every = list(SsObj.gsi1.query(f"{objects.scope_of(project, SNAP, inst_id)}#CT"))
        every.sort(key=lambda s: (_version_key(s.data["version"]), s.create_ms), reverse=not args.ascending)
        end = None if args.limit is None else args.offset + args.limit
        items, total = every[args.offset:end], len(every)
    else:
        items, total = objects.page(project, SNAP, args, parent=inst_id)
    return {"count": total, "snapshots": [snapshot_view(s) for s in items]}


def get_job(p: Principal, job_id: str, query: dict) -> dict:
    project = project_of(p)
    item = ssjobs.get(project, job_id)
    if item is None or item.obj_kind != ssjobs.KIND:
        raise NotFound("The job does not exist.", code="SVCSTG.00100408")
    inst = query.get("instance_id")
    if inst and inst != item.data.get("SERVICE_INSTANCE_ID"):
        raise NotFound("The job does not exist.", code="SVCSTG.00100408")
    ints = {}
    for key in ("limit", "offset"):
        raw = query.get(key)
        if raw in (None, ""):
            ints[key] = None
            continue
        try:
            ints[key] = int(raw)
        except ValueError:
            raise bad(f"{key} must be an integer") from None
        if ints[key] < 0:
            raise bad(f"{key} must not be negative")
    desc = (query.get("desc") or "false").lower()
    if desc not in ("true", "false"):
        raise bad("desc must be true or false")
    return ssjobs.v2_view(item, limit=ints["limit"], offset=ints["offset"] or 0, desc=desc == "true")


def purge_component(project: str, comp_id: str) -> None:
    """A forced component delete: uninstall and forget every instance of it at once."""
    for item in list(_instances_of(project, comp_id)):
        _remove_workload(item, quiet=True)
        _forget(item)


# ---------------------------------------------------------------- the jobs
def _forget(item: SsObj) -> None:
    for snap in list(SsObj.gsi1.query(f"{objects.scope_of(item.project, SNAP, item.obj_id)}#CT")):
        objects.delete(snap, unique=False)
    objects.delete(item)


def _target(item: SsObj):
    t = (item.extra or {}).get("target") or {}
    c = targets.get_cluster(t.get("cluster", ""))
    if c is None:
        raise targets.TargetError(f"cluster {t.get('cluster')} no longer exists")
    return c, t["namespace"], f"{item.data['name']}-{item.obj_id[:8]}"


def _remove_workload(item: SsObj, quiet: bool = False) -> None:
    try:
        c, ns, name = _target(item)
        targets.driver_for(c).remove(c, ns, name)
    except targets.TargetError:
        if not quiet:
            raise


def _spec(item: SsObj) -> dict:
    d = item.data
    env_vars = {e["name"]: e["value"] for e in apps.app_env_vars(item.project, d["application_id"],
                                                                d["environment_id"])}
    env_vars.update({e["name"]: e["value"] for e in (d.get("configuration") or {}).get("env") or []})
    image = next(iter((d.get("artifacts") or {}).values()), {}).get("url", "")
    return {"kind": "deployment", "image": image, "replicas": int(d["replica"]), "version": d["version"],
            "app": d["name"], "flavor": d["flavor_id"], "ports": [e["forward_port"] for e in
                                                                  d.get("external_accesses", [])],
            "env": [{"name": k, "value": v} for k, v in env_vars.items()]}


def _load(params: dict) -> SsObj:
    item = objects.get(params["project"], INST, params["instance_id"])
    if item is None:
        raise LookupError("the instance no longer exists")
    return item


def _deploy_apply(params: dict) -> bool:
    item = _load(params)
    c, ns, name = _target(item)
    driver = targets.driver_for(c)
    if params["action"] == "stop":
        driver.remove(c, ns, name)
        return True
    driver.ensure_namespace(c, ns)
    if params["action"] == "restart":
        driver.remove(c, ns, name)
    nodes = targets.list_nodes(c.name)
    driver.apply(c, ns, name, _spec(item), nodes)
    return False


def _deploy_check(params: dict) -> bool:
    if params["action"] == "stop":
        return True
    item = _load(params)
    c, ns, name = _target(item)
    st = targets.driver_for(c).status(c, ns, name)
    if st.phase in ("Failed", "Deleted"):
        raise targets.TargetError(st.message or "the workload failed")
    if st.settled:
        _set_status(item.project, item.obj_id, available_replica=st.running)
    return st.settled


def _deploy_finish(params: dict) -> None:
    item = _load(params)
    if params["action"] == "stop":
        _set_status(item.project, item.obj_id, status="STOPPED", available_replica=0, last_job_status="SUCCEEDED")
        return
    c, ns, name = _target(item)
    st = targets.driver_for(c).status(c, ns, name)
    status = "RUNNING" if st.phase == "Running" else "PARTIALLY_FAILED"
    _set_status(item.project, item.obj_id, status=status, available_replica=st.running,
                replica=int(item.data["replica"]), last_job_status="SUCCEEDED")
    if params.get("snapshot"):
        d = item.data
        spec = {k: d.get(k) for k in ("version", "flavor_id", "artifacts", "configuration", "replica",
                                      "external_accesses", "refer_resources", "description")}
        try:
            objects.create(item.project, SNAP, {"instance_id": item.obj_id, "version": d["version"],
                                                "description": json.dumps({"action": f"New Version: {d['version']}"})},
                           obj_id=f"{item.obj_id}.{d['version']}", parent=item.obj_id, name=d["version"],
                           extra={"spec": spec})
        except Conflict:
            pass  # a retried finish: the snapshot is there


def _deploy_fail(params: dict, error: str) -> None:
    _set_status(params["project"], params["instance_id"], status="FAILED", available_replica=0,
                last_job_status="FAILED", fail_detail=None)


def _delete_apply(params: dict) -> bool:
    item = objects.get(params["project"], INST, params["instance_id"])
    if item is not None:
        _remove_workload(item, quiet=bool(params.get("force")))
    return True


def _delete_finish(params: dict) -> None:
    item = objects.get(params["project"], INST, params["instance_id"])
    if item is not None:
        _forget(item)


def _delete_fail(params: dict, error: str) -> None:
    _set_status(params["project"], params["instance_id"], status="FAILED", last_job_status="FAILED")


for _name, _type in (("v2.instance.create", "PROVISION"), ("v2.instance.operate", "DAILY_OPERATION")):
    ssjobs.register(ssjobs.Operation(_name, _type, TASKS, _deploy_apply, _deploy_check, _deploy_finish,
                                     _deploy_fail))
ssjobs.register(ssjobs.Operation("v2.instance.delete", "DEPROVISION", DELETE_TASKS, _delete_apply,
                                 finish=_delete_finish, fail=_delete_fail))
