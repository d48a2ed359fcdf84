"""VmApp operations (group 22): launch (instantiate) and export-image as jobs, ssh/vnc info, files into a VM.

22.4 launch: an OperationStatus (objectType APPLICATION_INSTANCE, "VirtualMachine launch") and a job whose
workflow runs "Build Application Package" (0–20 %), "Distribute Application Package" (20–50 %) and
"Instantiate Application" (50–100 %) on a simulated target: the cluster named like the application's
selected MEP host, else the first ready cluster of the inventory. The VM's ``vmInstantiateInfo.status``
follows PACKAGE_GENERATING → … → SUCCESS; success sets the VM DEPLOYED with port IPs and a VNC URL. A
re-launch while an instantiation exists → 400 (after a *_FAILED one it is allowed: the failed row is replaced).
22.1 export: needs instantiate status SUCCESS (404 otherwise); OperationStatus VM_IMAGE_INSTANCE with
"Create Image" (0–50 %) and "Download Image" (50–100 %); creates a PUBLISHED private VM image
``<vmName>-yyyyMMddHHmm`` (a copy of the VM's image file), VM → EXPORTED, ``targetImageId`` = the new image.
"""
from __future__ import annotations

import hashlib
import time

from chalicelib import audit, blobs, jobs, targets
from chalicelib.blobs import chunked
from chalicelib.core import clock
from chalicelib.core.errors import BadRequest, Conflict, NotFound, Unavailable
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.edgegallery import app_pk
from chalicelib.surfaces.edgegallery import service_hosts
from chalicelib.surfaces.edgegallery import envelope, operations
from chalicelib.surfaces.edgegallery import service_apps as apps
from chalicelib.surfaces.edgegallery import service_vmimages as images
from chalicelib.surfaces.edgegallery import service_vms as vms_svc
from chalicelib.surfaces.edgegallery.common import datetime_str, new_uuid

SURFACE = "edgegallery"
LAUNCH_JOB = "edgegallery.vm.launch"
EXPORT_JOB = "edgegallery.vm.export"
MERGE_FILE_JOB = "edgegallery.vm.merge-file"
BUILD, DISTRIBUTE, INSTANTIATE = ("Build Application Package", "Distribute Application Package",
                                  "Instantiate Application")
CREATE_IMAGE, DOWNLOAD_IMAGE = "Create Image", "Download Image"
EXPORT_RUNNING = ("IMAGE_CREATING", "IMAGE_QUERYING", "IMAGE_DOWNLOADING")


# ---------------------------------------------------------------- helpers
def _vm(app_id: str, vm_id: str):
    return store.get(vms_svc.EgVm, app_pk(app_id), f"VM#{vm_id}")


def _patch(app_id: str, vm_id: str, fn) -> object:
    """Apply ``fn(vm)`` and save, retrying on concurrent writes; None if the VM is gone."""
    for _ in range(5):
        vm = _vm(app_id, vm_id)
        if vm is None:
            return None
        fn(vm)
        try:
            return vms_svc.save(vm)
        except Conflict:
            continue
    raise Conflict("the vm was changed concurrently")


def _set_inst(app_id: str, vm_id: str, **kw) -> None:
    def fn(vm):
        vm.instantiate = dict(vm.instantiate or {}, **kw)
    _patch(app_id, vm_id, fn)


def _deployed(p: Principal, app_id: str, vm_id: str, *, write: bool = False):
    app = (apps.writable if write else apps.visible)(p, app_id)
    vm = vms_svc.load(vms_svc._vm_app(app), vm_id)
    info = vm.instantiate or {}
    if info.get("status") != "SUCCESS" or vm.status not in ("DEPLOYED", "EXPORTED"):
        raise NotFound("the vm is not deployed", code=20007)
    return app, vm


def _choose_cluster(app) -> tuple[str, str]:
    """(cluster name, distributedMecHost)."""
    return service_hosts.sandbox_for(app)


def _ip(seed: str, index: int) -> str:
    h = hashlib.sha256(seed.encode()).digest()
    return f"192.168.{100 + index}.{2 + h[index % len(h)] % 250}"


def teardown(vm) -> None:
    """Remove the VM's workload from its target (VM delete, clean env, application delete)."""
    rt = (vm.fields or {}).get("runtime") or {}
    if rt.get("cluster"):
        c = targets.get_cluster(rt["cluster"])
        if c is not None:
            try:
                targets.driver_for(c).remove(c, rt["namespace"], rt["workload"])
            except targets.TargetError:
                pass


# ---------------------------------------------------------------- 22.4 launch
def launch(p: Principal, app_id: str, vm_id: str) -> dict:
    app = vms_svc._vm_app(apps.writable(p, app_id))
    vm = vms_svc.load(app, vm_id)
    status = (vm.instantiate or {}).get("status")
    if vm.instantiate and not str(status).endswith("_FAILED"):
        raise BadRequest("the vm is already instantiated, clean the environment first", code=20002)
    cluster, mec_host = _choose_cluster(app)
    runtime = {"cluster": cluster, "namespace": f"eg-{app.app_id[:8]}", "workload": f"vm-{vm.vm_id}"}
    vm.instantiate = {"operationId": None, "appPackageId": None, "distributedMecHost": mec_host,
                      "mepmPackageId": None, "appInstanceId": None, "vmInstanceId": None,
                      "status": "PACKAGE_GENERATING", "instantiateTime": None, "log": None, "vncUrl": None,
                      "portInstanceList": []}
    vm.fields = dict(vm.fields or {}, runtime=runtime)
    vms_svc.save(vm)  # optimistic lock: of two concurrent launches one gets 409
    op = operations.start(p, object_type="APPLICATION_INSTANCE", object_id=vm.vm_id, object_name=vm.name,
                          operation_name="VirtualMachine launch", job_kind=LAUNCH_JOB,
                          params={"app_id": app.app_id, "vm_id": vm.vm_id, **runtime})
    try:
        _set_inst(app.app_id, vm.vm_id, operationId=op.op_id)
    except Conflict:
        pass  # the workflow records it as well
    audit.record(SURFACE, "launch_vm", principal=p, resource=f"application/{app_id}/vm/{vm_id}")
    return {"operationId": op.op_id}


class LaunchWorkflow(jobs.Workflow):
    kind = LAUNCH_JOB

    def _cluster(self, job):
        c = targets.get_cluster(job.params["cluster"])
        if c is None:
            raise targets.TargetError(f"cluster {job.params['cluster']} no longer exists")
        return c

    def apply(self, job) -> bool:
        prm, op_id = job.params, job.params.get("operation_id")
        app_id, vm_id = prm["app_id"], prm["vm_id"]
        vm = _vm(app_id, vm_id)
        if vm is None:
            raise LookupError("the vm no longer exists")
        operations.action(op_id, BUILD, progress=0, overall=0)
        _set_inst(app_id, vm_id, operationId=op_id, status="PACKAGE_GENERATING")
        _set_inst(app_id, vm_id, status="PACKAGE_GENERATE_SUCCESS", appPackageId=new_uuid())
        operations.action(op_id, BUILD, progress=100, status="SUCCESS", overall=20)
        operations.action(op_id, DISTRIBUTE, progress=0, overall=20)
        _set_inst(app_id, vm_id, status="PACKAGE_DISTRIBUTING")
        c = self._cluster(job)
        driver = targets.driver_for(c)
        driver.ensure_namespace(c, prm["namespace"])
        _set_inst(app_id, vm_id, status="PACKAGE_DISTRIBUTE_SUCCESS", mepmPackageId=new_uuid())
        operations.action(op_id, DISTRIBUTE, progress=100, status="SUCCESS", overall=50)
        operations.action(op_id, INSTANTIATE, progress=0, overall=50)
        _set_inst(app_id, vm_id, status="INSTANTIATING", appInstanceId=new_uuid())
        f = vm.fields or {}
        spec = {"kind": "vm", "replicas": 1, "flavorId": f.get("flavorId"),
                "imageId": f.get("targetImageId") or f.get("imageId")}
        driver.apply(c, prm["namespace"], prm["workload"], spec, targets.list_nodes(c.name))
        return False

    def check(self, job) -> bool:
        c = self._cluster(job)
        st = targets.driver_for(c).status(c, job.params["namespace"], job.params["workload"])
        if not st.settled:
            operations.action(job.params.get("operation_id"), INSTANTIATE, progress=50, overall=75)
            return False
        if st.phase != "Running":
            raise targets.TargetError(st.message or f"instantiation {st.phase}")
        return True

    def finalize(self, job) -> None:
        prm, op_id = job.params, job.params.get("operation_id")
        app_id, vm_id = prm["app_id"], prm["vm_id"]

        def fn(vm):
            ports = [{"networkName": port.get("networkName"), "ipAddress": _ip(f"{vm_id}/{port.get('name')}", i)}
                     for i, port in enumerate(vm.ports or [])]
            first = ports[0]["ipAddress"] if ports else _ip(vm_id, 0)
            vm.instantiate = dict(vm.instantiate or {}, status="SUCCESS", vmInstanceId=new_uuid(),
                                  instantiateTime=datetime_str(), log="instantiate success",
                                  vncUrl=f"https://{first}:6080/vnc_auto.html?token={new_uuid()}",
                                  portInstanceList=ports)
            vm.status = "DEPLOYED"
        _patch(app_id, vm_id, fn)
        operations.action(op_id, INSTANTIATE, progress=100, status="SUCCESS", overall=100)
        operations.finish(op_id, ok=True)

    def fail(self, job, error: str) -> None:
        prm, op_id = job.params, job.params.get("operation_id")
        vm = _vm(prm.get("app_id", ""), prm.get("vm_id", "")) if prm.get("app_id") else None
        stage = ((vm.instantiate or {}).get("status") if vm else "") or ""
        failed, action = ("PACKAGE_GENERATE_FAILED", BUILD) if stage.startswith("PACKAGE_GENERAT") else \
            ("PACKAGE_DISTRIBUTE_FAILED", DISTRIBUTE) if stage == "PACKAGE_DISTRIBUTING" else \
            ("INSTANTIATE_FAILED", INSTANTIATE)
        if vm is not None:
            _set_inst(prm["app_id"], prm["vm_id"], status=failed, log=error[:1000])
            teardown(vm)
        operations.action(op_id, action, progress=0, status="FAILED", error=error)
        operations.finish(op_id, ok=False, error=error)


jobs.register(LaunchWorkflow())


# ---------------------------------------------------------------- 22.1 export image
def export_image(p: Principal, app_id: str, vm_id: str) -> dict:
    app, vm = _deployed(p, app_id, vm_id, write=True)
    if (vm.export or {}).get("status") in EXPORT_RUNNING:
        raise BadRequest("the vm image is already being exported", code=20002)
    vm.export = {"operationId": None, "imageInstanceId": None, "name": None, "imageFileName": None,
                 "format": "qcow2", "checkSum": None, "status": "IMAGE_CREATING", "downloadUrl": None,
                 "imageSize": None, "createTime": datetime_str(), "log": None}
    vms_svc.save(vm)
    op = operations.start(p, object_type="VM_IMAGE_INSTANCE", object_id=vm.vm_id, object_name=vm.name,
                          operation_name="VirtualMachine export image", job_kind=EXPORT_JOB,
                          params={"app_id": app.app_id, "vm_id": vm.vm_id})
    try:
        _set_export(app.app_id, vm.vm_id, operationId=op.op_id)
    except Conflict:
        pass
    audit.record(SURFACE, "export_vm_image", principal=p, resource=f"application/{app_id}/vm/{vm_id}")
    return {"operationId": op.op_id}


def _set_export(app_id: str, vm_id: str, **kw) -> None:
    def fn(vm):
        vm.export = dict(vm.export or {}, **kw)
    _patch(app_id, vm_id, fn)


class ExportWorkflow(jobs.Workflow):
    kind = EXPORT_JOB

    def apply(self, job) -> bool:
        prm, op_id = job.params, job.params.get("operation_id")
        if _vm(prm["app_id"], prm["vm_id"]) is None:
            raise LookupError("the vm no longer exists")
        operations.action(op_id, CREATE_IMAGE, progress=0, overall=0)
        _set_export(prm["app_id"], prm["vm_id"], operationId=op_id, status="IMAGE_CREATING",
                    imageInstanceId=new_uuid())
        _set_export(prm["app_id"], prm["vm_id"], status="IMAGE_QUERYING")
        operations.action(op_id, CREATE_IMAGE, progress=100, status="SUCCESS", overall=50)
        return False

    def check(self, job) -> bool:
        return True

    def finalize(self, job) -> None:
        prm, op_id = job.params, job.params.get("operation_id")
        app_id, vm_id = prm["app_id"], prm["vm_id"]
        operations.action(op_id, DOWNLOAD_IMAGE, progress=0, overall=50)
        _set_export(app_id, vm_id, status="IMAGE_DOWNLOADING")
        vm, app = _vm(app_id, vm_id), apps.load(app_id)
        if vm is None or app is None:
            raise LookupError("the vm no longer exists")
        f = vm.fields or {}
        base = images.get_image(f.get("targetImageId") or f.get("imageId")) if f.get("imageId") else None
        source = (base.fields or {}).get("s3Key") if base is not None and base.status in images.HAS_FILE else None
        img = images.create_exported(app.user_id, app.user_name, base, vm.name, source_key=source)
        iv = images.view(img)

        def fn(v):
            v.export = dict(v.export or {}, status="SUCCESS", name=iv["name"], imageFileName=iv["imageFileName"],
                            format=iv["imageFormat"], checkSum=iv["checkSum"], downloadUrl=iv["downLoadUrl"],
                            imageSize=iv["imageSize"], log="export success")
            v.status = "EXPORTED"
            v.fields = dict(v.fields or {}, targetImageId=int(img.image_id))
        _patch(app_id, vm_id, fn)
        operations.action(op_id, DOWNLOAD_IMAGE, progress=100, status="SUCCESS", overall=100)
        operations.finish(op_id, ok=True)

    def fail(self, job, error: str) -> None:
        prm, op_id = job.params, job.params.get("operation_id")
        if prm.get("app_id") and _vm(prm["app_id"], prm.get("vm_id", "")) is not None:
            _set_export(prm["app_id"], prm["vm_id"], status="FAILED", log=error[:1000])
        op = operations.get(op_id) if op_id else None
        done = {a.get("actionName") for a in (op.actions or [])} if op else set()
        operations.action(op_id, DOWNLOAD_IMAGE if DOWNLOAD_IMAGE in done else CREATE_IMAGE, progress=0,
                          status="FAILED", error=error)
        operations.finish(op_id, ok=False, error=error)


jobs.register(ExportWorkflow())


# ---------------------------------------------------------------- 22.2 / 22.3
def ssh_info(p: Principal, app_id: str, vm_id: str) -> dict:
    _, vm = _deployed(p, app_id, vm_id)
    ports = (vm.instantiate or {}).get("portInstanceList") or []
    ip = ports[0]["ipAddress"] if ports else _ip(vm.vm_id, 0)
    return {"encoding": "utf-8", "id": vm.vm_id, "status": "SUCCESS", "sshAddress": f"ssh://{ip}:22"}


def vnc_info(p: Principal, app_id: str, vm_id: str) -> dict:
    _, vm = _deployed(p, app_id, vm_id)
    return {"vncUrl": (vm.instantiate or {}).get("vncUrl")}


# ---------------------------------------------------------------- 22.6 / 22.5 files into a VM
# 22.5 merge is a job (.workflows_merge): the request checks names and that chunks 1..N exist, records the
# file in the VM's ``files`` (status UPLOADING_MERGING) and answers ``true`` at once; the job ends the entry
# UPLOAD_SUCCEED (size, sha256, uploadTime) or UPLOAD_FAILED (errorMessage). The same merge asked again while
# it runs is a no-op; a merge of another upload into the same fileName while it runs → 409/20019.
MERGING = "UPLOADING_MERGING"


def _file_session(vm, identifier: str) -> str:
    return f"eg/vmfile/{vm.vm_id}/{identifier}"


def _merging_files(vm) -> list[dict]:
    return [x for x in ((vm.fields or {}).get("files") or []) if x.get("status") == MERGING]


def upload_file_chunk(p: Principal, app_id: str, vm_id: str, ctx):
    app = vms_svc._vm_app(apps.writable(p, app_id))
    vm = vms_svc.load(app, vm_id)
    form = chunked.form(ctx)
    if any(x.get("identifier") == form.identifier for x in _merging_files(vm)):
        raise BadRequest("the file is being merged", code=20018)
    chunked.save_chunk(_file_session(vm, form.identifier), form.chunk_number, form.data)
    return envelope.true()


def merge_file(p: Principal, app_id: str, vm_id: str, file_name, identifier):
    app, vm = _deployed(p, app_id, vm_id, write=True)
    ident = images._identifier(identifier)
    if not isinstance(file_name, str) or not images._FILE.match(file_name.strip()):
        raise BadRequest("fileName is required", code=20003)
    file_name = file_name.strip()
    running = next((x for x in _merging_files(vm) if x.get("fileName") == file_name), None)
    if running is not None:
        if running.get("identifier") == ident:
            return envelope.true()  # the same merge asked again (a client retry): it is already running
        raise Conflict("the file is already being merged", code=20019)
    session = _file_session(vm, ident)
    chunked.check(session)
    key = blobs.key(app.user_id, SURFACE, "vmfile", vm.vm_id, file_name)
    vm.fields = dict(vm.fields or {}, files=_with_file(vm, {"fileName": file_name, "identifier": ident,
                                                            "key": key, "status": MERGING}))
    vms_svc.save(vm)  # optimistic lock: of two concurrent merges one gets 409
    try:
        jobs.start(MERGE_FILE_JOB, surface=SURFACE, tenant_id=p.account_id, actor=p.username,
                   params={"app_id": app.app_id, "vm_id": vm.vm_id, "file_name": file_name, "identifier": ident,
                           "session": session, "key": key},
                   resource=f"application/{app.app_id}/vm/{vm.vm_id}")
    except Unavailable:
        file_merge_failed(app.app_id, vm.vm_id, file_name, ident, "the job queue is unavailable")
        raise
    audit.record(SURFACE, "push_file_to_vm", "started", principal=p, resource=f"application/{app_id}/vm/{vm_id}",
                 detail=file_name)
    return envelope.true()


def _with_file(vm, entry: dict) -> list[dict]:
    """The VM's files with ``entry`` replacing any of the same name (the newest 50 kept)."""
    files = [x for x in ((vm.fields or {}).get("files") or []) if x.get("fileName") != entry["fileName"]]
    return (files + [entry])[-50:]


def _set_file(app_id: str, vm_id: str, file_name: str, identifier: str, **kw) -> None:
    """Settle the file's merging entry (a late or repeated step finds it settled and changes nothing)."""
    def fn(v):
        entry = next((x for x in _merging_files(v) if x.get("fileName") == file_name
                      and x.get("identifier") == identifier), None)
        if entry is not None:
            v.fields = dict(v.fields or {}, files=_with_file(v, {**entry, **kw}))
    _patch(app_id, vm_id, fn)


def file_merged(prm: dict, merged: dict) -> None:
    _set_file(prm["app_id"], prm["vm_id"], prm["file_name"], prm["identifier"], status="UPLOAD_SUCCEED",
              size=merged["size"], sha256=merged["sha256"],
              uploadTime=time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(clock.now())))


def file_merge_failed(app_id: str, vm_id: str, file_name: str, identifier: str, error: str) -> None:
    _set_file(app_id, vm_id, file_name, identifier, status="UPLOAD_FAILED", errorMessage=error[:500])
