"""ServiceStage deployment jobs (catalog §4.10): ``JOB<uuid>`` records with ordered tasks, run through the
shared jobs pattern (SQS → Step Functions → Python steps).

A family registers an :class:`Operation` (its task names and what apply/check/finish/fail do to the
resource); :func:`start` writes the job record (``EXECUTION_STATUS`` INIT, tasks INIT) in the caller's project
and starts the shared job. The worker moves the tasks to RUNNING/SUCCEEDED in order and the job to
SUCCEEDED, or the running task and the job to FAILED with ``MESSAGES`` ``{"Message": <code>, "Detail":
<text>}``. ``GET .../jobs/{job_id}`` reads the record (see :func:`v2_view`).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from chalicelib import jobs
from chalicelib.core import clock
from chalicelib.identity.principal import Principal
from chalicelib.store.servicestage import SsObj
from chalicelib.surfaces.servicestage import objects

JOB_KIND = "ss-job"
KIND = "job"
TERMINAL = {"SUCCEEDED", "FAILED", "PARTIALLY_FAILED", "CANCELLED", "ROLLBACKED"}


@dataclass(frozen=True)
class Operation:
    name: str                                   # e.g. "v2.instance.create"
    job_type: str                               # JOB_TYPE, e.g. "CREATE_INSTANCE"
    tasks: tuple[str, ...]                      # TASK_NAME in order
    apply: Callable[[dict], bool]               # params -> settled already?
    check: Callable[[dict], bool] = lambda params: True
    finish: Callable[[dict], None] = lambda params: None
    fail: Callable[[dict, str], None] = lambda params, error: None


_OPS: dict[str, Operation] = {}


def register(op: Operation) -> Operation:
    _OPS[op.name] = op
    return op


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(ts * 1000) % 1000:03d}Z"


def start(p: Principal, project: str, op_name: str, *, resource_id: str, desc: str = "",
          params: dict | None = None, job_id: str | None = None) -> str:
    """Write the job record and start the work; returns the ``JOB<uuid>`` id (``job_id``: one chosen before)."""
    op = _OPS[op_name]
    job_id = job_id or "JOB" + objects.new_uuid()
    now = clock.now()
    tasks = [{"TASK_ID": "Task-" + objects.new_uuid(), "TASK_INDEX": i + 1, "TASK_NAME": name, "TASK_TYPE": "normal",
              "TASK_STATUS": "INIT", "CREATED_AT": _iso(now), "LAST_HEALTH_CHECK": _iso(now), "MESSAGES": "",
              "OWNER_ID": job_id} for i, name in enumerate(op.tasks)]
    data = {"CREATED_BY": p.username, "EXECUTION_STATUS": "INIT", "JOB_DESC": desc, "JOB_ID": job_id,
            "JOB_NAME": op.job_type.lower(), "JOB_TYPE": op.job_type, "ORDER_ID": "", "PROJECT_ID": project,
            "SERVICE_INSTANCE_ID": resource_id, "created_at": int(now * 1000)}
    objects.create(project, KIND, data, obj_id=job_id, parent=resource_id, extra={"tasks": tasks})
    jobs.start(JOB_KIND, surface="servicestage", tenant_id=project, actor=p.username,
               params={"op": op_name, "project": project, "ss_job": job_id, **(params or {})},
               resource=f"{KIND}/{job_id}")
    return job_id


def get(project: str, job_id: str) -> SsObj | None:
    return objects.get(project, KIND, job_id)


def tasks_of(item: SsObj) -> list[dict]:
    return list((item.extra or {}).get("tasks") or [])


def status(item: SsObj) -> str:
    return item.data.get("EXECUTION_STATUS", "INIT")


def _update(params: dict, fn) -> None:
    for _ in range(3):
        item = get(params["project"], params["ss_job"])
        if item is None:
            return
        fn(item)
        item.data = dict(item.data)
        item.extra = dict(item.extra or {})
        try:
            objects.save(item)
            return
        except Exception:  # a concurrent write: read again and redo the change
            continue


def _set_tasks(params: dict, job_status: str, upto: int | None, task_status: str, message: dict | None = None):
    def fn(item):
        tasks = tasks_of(item)
        now = _iso(clock.now())
        for t in tasks:
            if upto is None or t["TASK_INDEX"] <= upto:
                if t["TASK_STATUS"] not in ("SUCCEEDED", "FAILED"):
                    t["TASK_STATUS"], t["LAST_HEALTH_CHECK"] = task_status, now
        if message is not None:
            for t in tasks:
                if t["TASK_STATUS"] not in ("SUCCEEDED",):
                    t["TASK_STATUS"], t["MESSAGES"] = "FAILED", json.dumps(message)
                    break
        item.extra["tasks"] = tasks
        item.data["EXECUTION_STATUS"] = job_status
    _update(params, fn)


class SsJobWorkflow(jobs.Workflow):
    kind = JOB_KIND

    def apply(self, job) -> bool:
        op = _OPS[job.params["op"]]
        _set_tasks(job.params, "RUNNING", 1, "SUCCEEDED")
        return bool(op.apply(job.params))

    def check(self, job) -> bool:
        return bool(_OPS[job.params["op"]].check(job.params))

    def finalize(self, job) -> None:
        op = _OPS[job.params["op"]]
        op.finish(job.params)
        _set_tasks(job.params, "SUCCEEDED", None, "SUCCEEDED")

    def fail(self, job, error: str) -> None:
        op = _OPS[job.params["op"]]
        op.fail(job.params, error)
        _set_tasks(job.params, "FAILED", 0, "SUCCEEDED", {"Message": "SVCSTG.00100500", "Detail": error})


jobs.register(SsJobWorkflow())


def v2_view(item: SsObj, *, limit: int | None = None, offset: int = 0, desc: bool = False) -> dict:
    """4.6.1: ``{task_count, job{...}, tasks[...]}`` (tasks by TASK_INDEX, paged)."""
    tasks = sorted(tasks_of(item), key=lambda t: t["TASK_INDEX"], reverse=desc)
    page = tasks[offset:(offset + limit) if limit is not None else None]
    job = {k: v for k, v in item.data.items() if k.isupper()}
    return {"task_count": len(tasks), "job": job, "tasks": page}
