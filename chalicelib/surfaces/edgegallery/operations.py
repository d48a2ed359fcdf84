"""Operation status (group 16): the progress record of every asynchronous EdgeGallery action.

``start`` writes an ``EgOperation`` (ONGOING, progress 0) and starts a job of the given kind through the
shared jobs pattern; the job's workflow reports with :func:`action` (one ActionStatus per step, with its
own progress) and :func:`finish`. Clients poll ``GET /operations/{id}`` or the resources' status fields.
"""
from __future__ import annotations

from chalicelib import jobs
from chalicelib.core import clock
from chalicelib.core.errors import NotFound
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.edgegallery import EgOperation
from chalicelib.surfaces.edgegallery import auth
from chalicelib.surfaces.edgegallery.common import datetime_str, new_uuid, require_uuid

OBJECT_TYPES = ("APPLICATION", "VM", "NETWORK", "HELM_CHART", "APPLICATION_INSTANCE", "APPLICATION_PACKAGE",
                "VM_IMAGE_INSTANCE")


def start(p: Principal, *, object_type: str, object_id: str, object_name: str, operation_name: str,
          job_kind: str, params: dict) -> EgOperation:
    now = clock.now()
    op_id = new_uuid()
    op = EgOperation(f"EG#OP#{op_id}", "O", op_id=op_id, user_id=p.account_id, user_name=p.username,
                     object_type=object_type, object_id=object_id, object_name=object_name,
                     operation_name=operation_name, progress=0, status="ONGOING", actions=[], created_at=now,
                     updated_at=now)
    op.index()
    store.create(op)
    job = jobs.start(job_kind, surface="edgegallery", tenant_id=p.account_id, actor=p.username,
                     params=dict(params, operation_id=op_id), resource=f"{object_type.lower()}/{object_id}")
    op.job_id = job.job_id
    store.save(op)
    return op


def get(op_id: str) -> EgOperation | None:
    return store.get(EgOperation, f"EG#OP#{op_id}", "O")


def action(op_id: str, name: str, *, progress: int, status: str = "ONGOING", error: str = "",
           log: str = "", overall: int | None = None) -> None:
    """Record (or update) the action ``name`` and the operation's overall progress."""
    op = get(op_id)
    if op is None:
        return
    actions = list(op.actions or [])
    now = clock.now()
    entry = next((a for a in actions if a["actionName"] == name), None)
    if entry is None:
        entry = {"id": len(actions) + 1, "objectType": op.object_type, "objectId": op.object_id, "actionName": name}
        actions.append(entry)
    entry.update(progress=progress, status=status, errorMsg=error, statusLog=log, updateTime=datetime_str(now))
    op.actions = actions
    if overall is not None:
        op.progress = max(int(op.progress or 0), overall)
    if status == "FAILED":
        op.status, op.error_msg = "FAILED", error
    op.updated_at = now
    store.save(op)


def finish(op_id: str, *, ok: bool, error: str = "") -> None:
    op = get(op_id)
    if op is None or op.status != "ONGOING":
        return
    op.status = "SUCCESS" if ok else "FAILED"
    if ok:
        op.progress = 100
    op.error_msg = "" if ok else (error or op.error_msg or "failed")
    op.updated_at = clock.now()
    store.save(op)


def view(op: EgOperation) -> dict:
    return {"id": op.op_id, "userName": op.user_name, "objectType": op.object_type, "objectId": op.object_id,
            "objectName": op.object_name, "operationName": op.operation_name, "progress": int(op.progress or 0),
            "status": op.status, "errorMsg": op.error_msg, "actionStatusList": list(op.actions or []),
            "createTime": datetime_str(op.created_at), "updateTime": datetime_str(op.updated_at)}


def read(p: Principal, op_id: str) -> dict:
    require_uuid(op_id, "operationId")
    op = get(op_id)
    if op is None or (op.user_id != p.account_id and not auth.is_admin(p)):
        raise NotFound(f"operation {op_id} not found", code=20007)
    return view(op)
