"""CSE (chapter 7): exclusive microservice engines (7.3.x, simulated) and config import/export (7.2.x).

Engines are ``engine`` objects of the caller's project (name unique per project, at most
:data:`ENGINE_QUOTA`). Create and delete are asynchronous: an ``engine-job`` object (integer id from a
:class:`Sequence`, scope = its engine) is written with its phases, and the shared jobs pattern (kind
``cse-engine``) walks it: job ``Init`` → ``Executing`` → ``Finished`` (``Error`` on failure) while the engine
goes ``Creating`` → ``Available`` (``Creation failed``) or ``Deleting`` → gone (``Unavailable``). An engine can
be deleted only when Available, Unavailable or "Creation failed" (``SVCSTG.00501117``). The RBAC root password
(``auth_cred.pwd``) is sealed and never returned.

Import/export work on the project's configuration centre (:mod:`service_kie`); ``x-engine-id`` must name an
engine of the project.
"""
from __future__ import annotations

import ipaddress
import json
import re

from chalicelib import jobs
from chalicelib.blobs import multipart
from chalicelib.core import clock
from chalicelib.core.errors import (BadRequest, Conflict, DomainError, NotFound, TooLarge, Unavailable,
                                    UnsupportedMedia)
from chalicelib.identity import sealing
from chalicelib.identity.principal import Principal
from chalicelib.store.base import Sequence
from chalicelib.store.servicestage import SsObj
from chalicelib.surfaces.servicestage import objects, service_kie as kie

ENGINE = "engine"
JOB = "engine-job"
JOB_KIND = "cse-engine"
ENGINE_QUOTA = 5
FLAVORS = {"cse.s1.small2": ("High availability 100 instance engine", 100),
           "cse.s1.medium2": ("High availability 200 instance engine", 200),
           "cse.s1.large2": ("High availability 500 instance engine", 500),
           "cse.s1.xlarge2": ("High availability 2000 instance engine", 2000)}
VERSION = "2.4.0"
NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]$")
DELETABLE = ("Available", "Unavailable", "Creation failed")
CREATE_STEPS = (("resourcePrepare", "TenantTaskExecutor", "Resource preparation"),
                ("engineDeploy", "EngineDeployExecutor", "Engine deployment"),
                ("engineConfigure", "EngineConfigExecutor", "Engine configuration"))
DELETE_STEPS = (("engineUndeploy", "EngineUndeployExecutor", "Engine removal"),
                ("resourceRelease", "TenantTaskExecutor", "Resource release"))
IMPORT_MAX_BYTES = 4 * 1024 * 1024
IMPORT_MAX_ITEMS = 500

INVALID = "SVCSTG.00500400"


def _bad(message: str, code: str = INVALID) -> BadRequest:
    return BadRequest(message, code=code)


def now_ms() -> int:
    return int(clock.now() * 1000)


# ------------------------------------------------------------------ flavors
def flavors(spec_type: str | None) -> dict:
    if spec_type not in (None, "", "CSE2"):
        raise _bad("specType must be CSE2", "SVCSTG.00501134")
    data = [{"flavor": f, "description": d} for f, (d, _) in FLAVORS.items()]
    return {"total": len(data), "data": data}


# ------------------------------------------------------------------ engine validation
def _str(body: dict, name: str, *, required: bool = True, max_len: int = 64, code: str = INVALID) -> str:
    value = body.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > max_len:
        raise _bad(f"{name} is required: a string of at most {max_len} characters" if required
                   else f"{name} must be a string of at most {max_len} characters", code)
    return value


def _password_ok(pwd: str) -> bool:
    return (8 <= len(pwd) <= 32 and any(c.islower() for c in pwd) and any(c.isupper() for c in pwd)
            and any(c.isdigit() for c in pwd) and any(not c.isalnum() for c in pwd))


def validate_create(body) -> dict:
    if not isinstance(body, dict):
        raise _bad("request body must be a JSON object")
    name = _str(body, "name", max_len=24)
    if not NAME_RE.match(name):
        raise _bad("name: 3-24 letters, digits or '-', starting with a letter, not ending with '-'")
    description = _str(body, "description", required=False, max_len=255)
    if body.get("payment") != "1":
        raise _bad("payment must be the fixed value 1", "SVCSTG.00501103")
    if body.get("flavor") not in FLAVORS:
        raise _bad("flavor must be one of " + ", ".join(FLAVORS), "SVCSTG.00501104")
    az = body.get("azList")
    if (not isinstance(az, list) or not 1 <= len(az) <= 3
            or not all(isinstance(a, str) and a.strip() and len(a) <= 64 for a in az)):
        raise _bad("azList must be a list of 1-3 availability zone names", "SVCSTG.00501105")
    if body.get("authType") not in ("RBAC", "NONE"):
        raise _bad("authType must be RBAC or NONE")
    if body.get("specType") != "CSE2":
        raise _bad("specType must be CSE2", "SVCSTG.00501134")
    out = {"name": name, "description": description, "payment": "1", "flavor": body["flavor"], "azList": list(az),
           "authType": body["authType"], "vpc": _str(body, "vpc"), "vpcId": _str(body, "vpcId"),
           "networkId": _str(body, "networkId"), "publicIpId": _str(body, "publicIpId", required=False)}
    try:
        net = ipaddress.ip_network(_str(body, "subnetCidr", max_len=64), strict=False)
        if net.version != 4 or net.num_addresses < 8:
            raise ValueError
    except ValueError:
        raise _bad("subnetCidr must be an IPv4 CIDR of at least 8 addresses") from None
    out["subnetCidr"] = str(net)
    inputs = body.get("inputs")
    if inputs is None:
        inputs = {}
    if (not isinstance(inputs, dict) or len(inputs) > 20
            or not all(isinstance(k, str) and isinstance(v, str) and len(k) <= 64 and len(v) <= 255
                       for k, v in inputs.items())):
        raise _bad("inputs must be a map of at most 20 strings")
    out["inputs"] = dict(inputs)
    cred = body.get("auth_cred")
    pwd = None
    if out["authType"] == "RBAC":
        if not isinstance(cred, dict) or not isinstance(cred.get("pwd"), str) or not _password_ok(cred["pwd"]):
            raise _bad("auth_cred.pwd is required for RBAC: 8-32 characters with upper and lower case letters, "
                       "digits and special characters")
        pwd = cred["pwd"]
    elif cred is not None and not isinstance(cred, dict):
        raise _bad("auth_cred must be an object")
    out["_pwd"] = pwd
    return out


def _address(cidr: str) -> str:
    net = ipaddress.ip_network(cidr)
    return str(net[min(100, net.num_addresses - 2)])


def _entry(url: str) -> dict:
    return {"masterEntrypoint": url, "masterEntrypointIpv6": "", "slaveEntrypoint": "", "slaveEntrypointIpv6": "",
            "type": "REGISTRY"}


def _actions(status: str) -> list[str]:
    if status == "Creation failed":
        return ["Delete", "Retry"]
    return ["Delete"] if status in DELETABLE else []


# ------------------------------------------------------------------ engines
def create_engine(p: Principal, project: str, body, enterprise_project: str | None) -> dict:
    spec = validate_create(body)
    if objects.count(project, ENGINE) >= ENGINE_QUOTA:
        raise _bad(f"at most {ENGINE_QUOTA} engines per project", "SVCSTG.00501112")
    pwd = spec.pop("_pwd")
    eps = enterprise_project or "0"
    engine_id = objects.new_uuid()
    job_id = 10000 + Sequence.next("cse-engine-job")
    address = _address(spec["subnetCidr"])
    limit = FLAVORS[spec["flavor"]][1]
    data = {
        "id": engine_id, "name": spec["name"], "projectId": project, "enterpriseProjectId": eps,
        "enterpriseProjectName": "default" if eps == "0" else "", "type": "CSE", "description": spec["description"],
        "beDefault": False, "flavor": spec["flavor"], "payment": "1", "authType": spec["authType"],
        "status": "Creating", "externalAddress": address,
        "serviceEndpoint": {"kie": _entry(f"https://{address}:30110"),
                            "serviceCenter": _entry(f"https://{address}:30100")},
        "publicAddress": "", "publicServiceEndpoint": {"kie": _entry(""), "serviceCenter": _entry("")},
        "totalInstance": limit, "usedInstance": 0, "availableInstance": limit, "version": VERSION,
        "latestVersion": VERSION, "createTime": now_ms(), "createUser": p.username, "dueTo": 4102415999000,
        "latestJobId": job_id, "engineAdditionalActions": [], "specType": "CSE2",
        "reference": {"vpc": spec["vpc"], "vpcId": spec["vpcId"], "azList": spec["azList"],
                      "networkId": spec["networkId"], "subnetCidr": spec["subnetCidr"], "subnetCidrV6": "",
                      "subnetGateway": str(ipaddress.ip_network(spec["subnetCidr"])[1]),
                      "publicIpId": spec["publicIpId"], "serviceLimit": str(limit), "instanceLimit": str(limit),
                      "inputs": spec["inputs"]},
        "vmIds": [],
    }
    extra = {"pwd_sealed": sealing.seal(pwd, f"cse-engine:{engine_id}")} if pwd else {}
    try:
        objects.create(project, ENGINE, data, obj_id=engine_id, name=spec["name"], extra=extra,
                       unique_name=("an engine with this name already exists", "SVCSTG.00501111"))
    except Conflict as exc:
        raise _bad(exc.message, "SVCSTG.00501111") from None
    _start_job(p, project, engine_id, spec["name"], job_id, "Create")
    return {"id": engine_id, "name": spec["name"], "jobId": job_id}


def require_engine(project: str, engine_id: str, code: str = "SVCSTG.00501116") -> SsObj:
    item = objects.get(project, ENGINE, engine_id)
    if item is None:
        raise _bad(f"engine {engine_id} does not exist", code)
    return item


def engine_list_view(item: SsObj) -> dict:
    d = item.data
    keys = ("id", "name", "enterpriseProjectId", "enterpriseProjectName", "type", "description", "flavor", "payment",
            "authType", "status", "externalAddress", "serviceEndpoint", "publicAddress", "publicServiceEndpoint",
            "totalInstance", "usedInstance", "availableInstance", "version", "latestVersion", "createTime", "dueTo",
            "latestJobId", "engineAdditionalActions", "specType", "reference")
    out = {k: d.get(k) for k in keys}
    out["engineAdditionalActions"] = _actions(d["status"])
    return out


def engine_detail_view(item: SsObj) -> dict:
    d = item.data
    keys = ("id", "name", "projectId", "enterpriseProjectId", "enterpriseProjectName", "type", "description",
            "beDefault", "flavor", "payment", "authType", "status", "publicAddress", "version", "latestVersion",
            "createTime", "createUser", "latestJobId", "specType", "reference", "vmIds")
    out = {k: d.get(k) for k in keys}
    out["engineAdditionalActions"] = _actions(d["status"])
    out["externalEntrypoint"] = {"externalAddress": d["externalAddress"], "publicAddress": d["publicAddress"],
                                 "serviceEndpoint": d["serviceEndpoint"],
                                 "publicServiceEndpoint": d["publicServiceEndpoint"]}
    nodes = [{"id": f"{d['id'][:8]}-node-{i}", "az": az, "ip": d["externalAddress"], "label": "",
              "status": "Running" if d["status"] == "Available" else d["status"]}
             for i, az in enumerate(d["reference"]["azList"])]
    out["cceSpec"] = {"id": int(d["latestJobId"]), "engineId": d["id"], "specType": "CSE2", "cluster": "",
                      "clusterId": "", "clusterNodes": {"clusterNodes": nodes}, "flavor": d["flavor"], "region": "",
                      "version": d["version"], "extendParam": ""}
    return out


def list_engines(project: str, query: dict) -> dict:
    def num(name, default, lo, hi):
        raw = query.get(name)
        if raw in (None, ""):
            return default
        try:
            n = int(raw)
        except ValueError:
            raise _bad(f"{name} must be an integer") from None
        if not lo <= n <= hi:
            raise _bad(f"{name} must be {lo}-{hi}")
        return n
    offset, limit = num("offset", 0, 0, 10 ** 6), num("limit", 100, 0, 100)
    kind = query.get("type") or None
    if kind not in (None, "CSE", "CSE_SHARE"):
        raise _bad("type must be CSE or CSE_SHARE")
    args = objects.ListArgs(limit, offset, "create_time", False)
    found, total = objects.page(project, ENGINE, args,
                                predicate=(lambda i: i.data.get("type") == kind) if kind else None)
    return {"total": total, "data": [engine_list_view(i) for i in found]}


def delete_engine(p: Principal, project: str, engine_id: str) -> dict:
    item = require_engine(project, engine_id)
    status = item.data["status"]
    if status not in DELETABLE:
        raise _bad(f"the engine is {status}; it can be deleted when Available, Unavailable or Creation failed",
                   "SVCSTG.00501117")
    job_id = 10000 + Sequence.next("cse-engine-job")
    data = dict(item.data)
    data["status"], data["latestJobId"] = "Deleting", job_id
    item.data = data
    try:
        objects.save(item)
    except Conflict:
        raise _bad("the engine is changing, retry", "SVCSTG.00501117") from None
    _start_job(p, project, engine_id, data["name"], job_id, "Delete")
    return {"id": engine_id, "name": data["name"], "jobId": job_id}


# ------------------------------------------------------------------ engine jobs
def _start_job(p: Principal, project: str, engine_id: str, engine_name: str, job_id: int, kind: str) -> None:
    now = now_ms()
    steps = CREATE_STEPS if kind == "Create" else DELETE_STEPS
    tasks = []
    for order, (step, executor, desc) in enumerate(steps):
        sub = {"jobId": job_id, "id": job_id * 10 + order, "type": kind, "assigned": "", "taskName": executor,
               "engineName": engine_name, "taskOrder": order, "status": "Init", "startTime": 0, "endTime": 0,
               "createTime": now, "updateTime": now, "timeout": -1, "log": "", "output": "{}",
               "taskExecutorBrief": {"duration": 60000, "description": desc}}
        tasks.append({"taskName": step, "taskNames": [executor], "status": "Init", "startTime": 0, "endTime": 0,
                      "taskExecutorBrief": {"duration": 60000, "description": desc}, "tasks": [sub]})
    data = {"id": job_id, "engineId": engine_id, "type": kind, "description": "", "status": "Init",
            "scheduling": 0, "createUser": p.username, "startTime": now, "endTime": 0, "context": "", "tasks": tasks}
    objects.create(project, JOB, data, obj_id=str(job_id), parent=engine_id)
    params = {"project": project, "engine_id": engine_id, "job_id": job_id, "type": kind}
    try:
        jobs.start(JOB_KIND, surface="servicestage", tenant_id=project, actor=p.username, params=params,
                   resource=f"engine/{engine_id}")
    except Unavailable:
        # the work never started: the engine must not stay Creating/Deleting forever
        _set_engine(params, "Creation failed" if kind == "Create" else "Unavailable")
        _update_job(params, "Error", lambda i: None)
        raise


def get_job(project: str, engine_id: str, job_id: str) -> dict:
    if not re.fullmatch(r"[0-9]{1,18}", job_id or ""):
        raise _bad("the job ID must be an integer", "SVCSTG.00501152")
    item = objects.get(project, JOB, str(int(job_id)))
    if item is None or item.data.get("engineId") != engine_id:
        raise _bad(f"job {job_id} of engine {engine_id} does not exist", "SVCSTG.00501153")
    return item.data


def _update_job(params: dict, status: str, step_status) -> None:
    for _ in range(3):
        item = objects.get(params["project"], JOB, str(params["job_id"]))
        if item is None:
            return
        data = json.loads(json.dumps(item.data))
        now = now_ms()
        data["status"] = status
        for i, step in enumerate(data["tasks"]):
            new = step_status(i)
            if new and step["status"] != new:
                step["status"] = new
                if new == "Executing" or (new in ("Finished", "Error") and not step["startTime"]):
                    step["startTime"] = now
                if new in ("Finished", "Error"):
                    step["endTime"] = now
                for sub in step["tasks"]:
                    sub["status"], sub["updateTime"] = new, now
                    sub["startTime"], sub["endTime"] = step["startTime"], step["endTime"]
        if status in ("Finished", "Error"):
            data["endTime"] = now
        item.data = data
        try:
            objects.save(item)
            return
        except Conflict:
            continue


def _set_engine(params: dict, status: str | None, *, remove: bool = False) -> None:
    for _ in range(3):
        item = objects.get(params["project"], ENGINE, params["engine_id"])
        if item is None:
            return
        if remove:
            objects.delete(item)
            return
        item.data = {**item.data, "status": status}
        try:
            objects.save(item)
            return
        except Conflict:
            continue


class EngineWorkflow(jobs.Workflow):
    kind = JOB_KIND

    def apply(self, job) -> bool:
        _update_job(job.params, "Executing", lambda i: "Finished" if i == 0 else "Executing")
        return False

    def check(self, job) -> bool:
        return True

    def finalize(self, job) -> None:
        params = job.params
        if params["type"] == "Create":
            _set_engine(params, "Available")
        else:
            _set_engine(params, None, remove=True)
        _update_job(params, "Finished", lambda i: "Finished")

    def fail(self, job, error: str) -> None:
        params = job.params
        _set_engine(params, "Creation failed" if params["type"] == "Create" else "Unavailable")
        _update_job(params, "Error", lambda i: None)


jobs.register(EngineWorkflow())


# ------------------------------------------------------------------ import / export (7.2.x)
def _engine_header(project: str, engine_id: str | None) -> None:
    if not engine_id:
        raise BadRequest("the x-engine-id header is required", code="SVCSTG.00400100")
    if objects.get(project, ENGINE, engine_id) is None:
        raise NotFound(f"engine {engine_id} does not exist", code="SVCSTG.00400106")


def _label_param(raw: str | None) -> dict:
    try:
        return kie.parse_label_filters([raw] if raw else [])
    except kie.KieError as err:
        raise BadRequest(err.message, code="SVCSTG.00400653") from None


def import_file(project: str, engine_id: str | None, query: dict, content_type: str | None, body: bytes) -> dict:
    _engine_header(project, engine_id)
    override = query.get("override")
    if override not in ("force", "skip", "abort"):
        raise BadRequest("override is required: force, skip or abort", code="SVCSTG.00400100")
    extra_labels = _label_param(query.get("label"))
    try:
        parts = multipart.parse(content_type, body, max_bytes=IMPORT_MAX_BYTES)
    except TooLarge:
        raise TooLarge(f"the file is larger than {IMPORT_MAX_BYTES} bytes", code="SVCSTG.00400650") from None
    except UnsupportedMedia:
        raise BadRequest("the request must be multipart/form-data with upload_file", code="SVCSTG.00400650") \
            from None
    except DomainError:
        raise BadRequest("malformed multipart body", code="SVCSTG.00400650") from None
    part = parts.get("upload_file")
    if part is None:
        raise BadRequest("upload_file is required", code="SVCSTG.00400650")
    if not part.data.strip():
        raise BadRequest("the file is empty", code="SVCSTG.00400651")
    try:
        doc = json.loads(part.data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("the file is not JSON", code="SVCSTG.00400651") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
        raise BadRequest('the file must be {"data": [configuration items]}', code="SVCSTG.00400650")
    if len(doc["data"]) > IMPORT_MAX_ITEMS:
        raise BadRequest(f"at most {IMPORT_MAX_ITEMS} items per file", code="SVCSTG.00400650")
    success, failure, stopped = [], [], False

    def fail(entry, code, message):
        labels = entry.get("labels") if isinstance(entry, dict) and isinstance(entry.get("labels"), dict) else {}
        key = entry.get("key") if isinstance(entry, dict) and isinstance(entry.get("key"), str) else ""
        failure.append({"key": key, "labels": {**labels, **extra_labels}, "error_code": code,
                        "error_message": message})

    for entry in doc["data"]:
        if stopped:
            fail(entry, "SVCSTG.00400107", "import stopped at a duplicate configuration (override=abort)")
            continue
        if not isinstance(entry, dict):
            fail(entry, "SVCSTG.00400652", "each item must be an object")
            continue
        try:
            if not isinstance(entry.get("value"), str):
                raise kie.KieError("not_string", "value must be a string")
            key = kie.check_key(entry.get("key"))
            value = kie.check_value(entry.get("value"), required=True)
            labels = {**kie.check_labels(entry.get("labels")), **extra_labels}
            kie.check_labels(labels)
            status = kie.check_status(entry.get("status"))
            value_type = kie.check_value_type(entry.get("value_type"))
            existing = kie.find(project, key, labels)
            if existing is None:
                try:
                    item = kie._put(project, key, value, labels, status, value_type)
                except kie.KieError as err:
                    if err.error_kind != "exists":
                        raise
                    existing = kie.find(project, key, labels)
                    if existing is None:
                        raise
                else:
                    success.append(kie.view(item))
                    continue
            if override == "force":
                item = kie.update(project, existing, {"value": value, "status": status, "value_type": value_type})
                success.append(kie.view(item))
            elif override == "skip":
                fail(entry, "SVCSTG.00400107", "skip overriding duplicate configuration")
            else:
                fail(entry, "SVCSTG.00400107", "stop overriding duplicate configuration")
                stopped = True
        except kie.KieError as err:
            fail(entry, kie.cse_code(err), err.message)
    return {"success": success, "failure": failure}


def export(project: str, engine_id: str | None, query: dict, body) -> dict:
    _engine_header(project, engine_id)
    if not isinstance(body, dict) or not isinstance(body.get("ids"), list):
        raise BadRequest("ids is required: a list of configuration IDs (empty = all)", code="SVCSTG.00400100")
    ids = body["ids"]
    if len(ids) > 1000 or not all(isinstance(i, str) and 0 < len(i) <= 128 for i in ids):
        raise BadRequest("ids must be at most 1000 configuration IDs", code="SVCSTG.00400100")
    labels = _label_param(query.get("label"))
    match = query.get("match")
    if match not in (None, "", "exact"):
        raise BadRequest("match must be exact or empty", code="SVCSTG.00400100")
    exact = match == "exact"
    if ids:
        found = [i for i in (kie.get(project, x) for x in dict.fromkeys(ids)) if i is not None]
        found = [i for i in found if kie.labels_match(i.data.get("labels") or {}, labels, exact)]
    else:
        found = kie.items(project, labels=labels, exact=exact)
    return {"metadata": {"version": "2.0.0", "annotations": {}}, "data": [kie.export_view(i) for i in found]}
