"""Jobs: the asynchronous pattern every long operation uses.

``start`` writes the job (PENDING) and enqueues it; the API answers at once. The jobs worker starts the
Step Functions execution named after the job id (idempotent); the state machine calls back into Python
steps through the steps queue with task tokens; each step dispatches to the :class:`Workflow` registered
for the job's kind. Surfaces register their workflows; this package never imports a surface.
"""
from __future__ import annotations

import json
import time
from typing import Callable

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.core import aws, clock, ids
from chalicelib.core.config import settings
from chalicelib.core.errors import NotFound, Unavailable
from chalicelib.core.logging import count, logger
from chalicelib.core.pagination import Page, cursor_page
from chalicelib.store import base as store
from chalicelib.store.models import Job

TERMINAL = {"SUCCEEDED", "FAILED"}


class Workflow:
    """What a job kind does at each step. ``check`` returns True once the work has settled."""

    kind = ""

    def apply(self, job: Job) -> bool:  # returns True when already settled (nothing to poll)
        return False

    def check(self, job: Job) -> bool:
        return True

    def finalize(self, job: Job) -> None:
        pass

    def fail(self, job: Job, error: str) -> None:
        pass


_registry: dict[str, Workflow] = {}


def register(workflow: Workflow) -> Workflow:
    _registry[workflow.kind] = workflow
    return workflow


def workflow_for(kind: str) -> Workflow:
    try:
        return _registry[kind]
    except KeyError:
        raise LookupError(f"no workflow registered for job kind {kind}") from None


def start(kind: str, *, surface: str, tenant_id: str | None, actor: str | None, params: dict,
          resource: str | None = None, delay_seconds: int = 0) -> Job:
    """Write the job and enqueue it; ``delay_seconds`` (≤ 900, SQS's limit) holds it back, e.g. between batches."""
    now = clock.now_s()
    job_id = ids.new_id()
    job = Job(f"JOB#{job_id}", "J", job_id=job_id, job_kind=kind, surface=surface, tenant_id=tenant_id, actor=actor,
              status="PENDING", stage="queued", params=params, state={}, result={}, resource=resource,
              history=[{"at": now, "status": "PENDING", "stage": "queued"}], created_at=now, updated_at=now)
    job.index()
    store.create(job)
    try:
        aws.client("sqs").send_message(QueueUrl=aws.queue_url(settings().jobs_queue),
                                       MessageBody=json.dumps({"job_id": job_id}),
                                       DelaySeconds=max(0, min(int(delay_seconds or 0), 900)))
    except (ClientError, BotoCoreError) as exc:
        mark(job, "FAILED", stage="queue", error="could not enqueue the job")
        raise Unavailable("the job queue is unavailable, retry later") from exc
    count("jobs_started")
    return job


def _sleep() -> None:
    time.sleep(0.25)


_idle: Callable[[], None] = _sleep


def set_idle(fn: Callable[[], None] | None) -> None:
    """What a request waiting on a job does between two reads (tests and the local runner pump queues)."""
    global _idle
    _idle = fn or _sleep


def wait(job_id: str, budget_seconds: float, until: Callable[[Job], bool] | None = None) -> Job | None:
    """Re-read a job until it ends (or ``until(job)``) or the budget is spent; the last read is returned."""
    deadline = time.monotonic() + max(0.0, budget_seconds)
    job = get(job_id)
    while job is not None and job.status not in TERMINAL and not (until and until(job)):
        if time.monotonic() >= deadline:
            break
        _idle()
        job = get(job_id)
    return job


def get(job_id: str) -> Job | None:
    return store.get(Job, f"JOB#{job_id}", "J")


def require(job_id: str, tenant_id: str | None = None) -> Job:
    job = get(job_id)
    if job is None or (tenant_id is not None and job.tenant_id != tenant_id):
        raise NotFound("job not found")
    return job


ANSWERS_KEPT = 30


def with_answer(state: dict | None, key: str, output: dict) -> dict:
    """``state`` with ``output`` recorded as the answer of task ``key`` (the last 30 answers are kept)."""
    answered = dict((state or {}).get("answered") or {})
    answered[key] = output
    return dict(state or {}, answered=dict(list(answered.items())[-ANSWERS_KEPT:]))


def mark(job: Job, status: str | None = None, *, stage: str | None = None, progress: int | None = None,
         error: str | None = None, message: str | None = None, state: dict | None = None,
         answer: tuple[str, dict] | None = None) -> Job:
    """Record a state change in the job and its history, in one conditional write (retried on a concurrent
    write: the job is read again and the change applied to what was read, so nothing another writer saved is
    lost and no part of this change either). ``state``: keys merged into ``job.state``; ``answer``: (task key,
    output) recorded in ``state["answered"]`` (the worker's redelivery guard, kept to the last 30)."""
    for attempt in range(3):
        if state or answer:
            merged = dict(job.state or {}, **(state or {}))
            job.state = with_answer(merged, *answer) if answer else merged
        if status:
            job.status = status
        if stage:
            job.stage = stage
        if progress is not None:
            job.progress = progress
        if error is not None:
            job.error = error[:1000]
        entry = {"at": clock.now_s(), "status": job.status, "stage": job.stage}
        if message or error:
            entry["message"] = (message or error)[:500]
        job.history = (list(job.history or []) + [entry])[-100:]
        job.updated_at = clock.now_s()
        job.index()
        try:
            return store.save(job)
        except Exception:
            if attempt == 2:
                raise
            job.refresh()
    return job


def page(*, tenant_id: str | None, limit: int = 50, token: str | None = None) -> Page:
    if tenant_id:
        return cursor_page(lambda **kw: Job.gsi1.query(f"TENANT#{tenant_id}#JOBS", scan_index_forward=False, **kw),
                           limit, token)
    return cursor_page(lambda **kw: Job.gsi2.query("JOBS", scan_index_forward=False, **kw), limit, token)


def as_dict(job: Job) -> dict:
    return {"id": job.job_id, "kind": job.job_kind, "surface": job.surface, "tenant": job.tenant_id,
            "actor": job.actor, "status": job.status, "stage": job.stage, "progress": int(job.progress or 0),
            "resource": job.resource, "error": job.error, "result": dict(job.result or {}),
            "history": list(job.history or []), "createdAt": int(job.created_at), "updatedAt": int(job.updated_at)}


def reap_stuck(max_age_seconds: int = 6 * 3600) -> int:
    """Fail unfinished jobs whose execution ended or never started (a schedule runs this).

    Reads the sparse ``JOBS#ACTIVE`` index, so the cost follows the number of unfinished jobs.
    """
    sfn = aws.client("stepfunctions")
    reaped = 0
    for job in Job.gsi3.query("JOBS#ACTIVE"):
        if clock.now_s() - int(job.updated_at) < max_age_seconds:
            continue
        arn = settings().state_machine_arn("workflow").replace(":stateMachine:", ":execution:") + f":{job.job_id}"
        try:
            state = sfn.describe_execution(executionArn=arn)["status"]
        except ClientError:
            state = "MISSING"
        if state == "RUNNING":
            continue
        try:
            workflow_for(job.job_kind).fail(job, "the job's execution ended without a result")
        except Exception:
            logger.exception("reaper could not fail the resource", extra={"job": job.job_id})
        job.refresh()
        mark(job, "FAILED", stage="reaped", error=f"execution {state.lower()}; the job was failed by the reaper")
        reaped += 1
    return reaped
