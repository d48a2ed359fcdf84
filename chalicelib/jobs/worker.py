"""The two SQS consumers of the job pattern: start executions, and run Python steps for task tokens."""
from __future__ import annotations

import hashlib
import json

from botocore.exceptions import ClientError

from chalicelib import jobs
from chalicelib.core import aws
from chalicelib.core.config import settings
from chalicelib.core.logging import count, logger
from chalicelib.targets import TargetError


from chalicelib.core.errors import Conflict, DomainError, Unavailable
from chalicelib.store import base as store

KNOWN_FAILURES = (TargetError, LookupError, TimeoutError, DomainError)


class Transient(Exception):
    """A retryable step failure (the ASL retries tasks failing with this error name)."""


def start_execution(body: dict) -> None:
    job = jobs.get(body.get("job_id", ""))
    if job is None:
        logger.warning("job message for an unknown job", extra={"job": body.get("job_id")})
        return
    if job.status in jobs.TERMINAL:
        return
    try:
        aws.client("stepfunctions").start_execution(
            stateMachineArn=settings().state_machine_arn("workflow"), name=job.job_id,
            input=json.dumps({"job_id": job.job_id}))
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "ExecutionAlreadyExists":
            raise
    if job.status == "PENDING":
        jobs.mark(job, "RUNNING", stage="started")


def run_step(body: dict) -> None:
    """Run one step and report to Step Functions. Domain failures go back as task failures."""
    step, token = body.get("step"), body.get("token")
    job = jobs.get(body.get("job_id", ""))
    sfn = aws.client("stepfunctions")
    try:
        if job is None:
            raise LookupError("job not found")
        key = _token_key(token)
        answered = dict((job.state or {}).get("answered") or {})
        if key and key in answered:  # SQS delivered this step again after it was answered: answer the same
            _settle(sfn.send_task_success, taskToken=token, output=json.dumps(answered[key]))
            count("steps_redelivered")
            return
        output, recorded = _dispatch(step, job, body, key)
        if key and not recorded:
            _remember(job, key, output)
        _settle(sfn.send_task_success, taskToken=token, output=json.dumps(output))
    except Exception as exc:
        if not _retryable(exc):
            _fail_step(sfn, step, token, job, exc)
        else:  # the ASL retries the task (then its Catch fails the job)
            _settle(sfn.send_task_failure, taskToken=token, error="Transient", cause=str(exc)[:256])


def _retryable(exc: Exception) -> bool:
    """Transient, or an AWS dependency (DynamoDB, S3, SQS...) that was throttled or unreachable."""
    return isinstance(exc, Transient) or (isinstance(exc, Unavailable) and aws.is_transient(exc.__cause__))


def _fail_step(sfn, step, token, job, exc: Exception) -> None:
    """Report a failed step (called inside the except clause); the state machine's Catch runs the fail step."""
    if isinstance(exc, KNOWN_FAILURES):
        reason = str(exc) or type(exc).__name__
    else:  # a bug: keep the traceback in the logs, not in what clients see
        logger.exception("step crashed", extra={"step": step})
        reason = f"internal error in step {step}"
    if job is not None and step != "fail":
        try:
            job.refresh()
            jobs.mark(job, error=reason, message=f"{step} failed")
        except Exception:
            logger.exception("could not record the step failure")
    _settle(sfn.send_task_failure, taskToken=token, error=type(exc).__name__[:256], cause=reason[:256])


def _token_key(token) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:24] if isinstance(token, str) and token else ""


def _remember(job, key: str, output: dict) -> None:
    """Record that the task behind ``key`` was answered (with ``output``), before answering it, for a step that
    wrote nothing of its own (a step that writes records it in that same write: ``jobs.mark(answer=...)``): a
    redelivered copy of the step message then changes nothing (no second history entry, no second poll round)."""
    for attempt in range(3):
        job.refresh()
        job.state = jobs.with_answer(job.state, key, output)
        try:
            store.save(job)
            return
        except Conflict:
            if attempt == 2:
                raise


def _settle(call, **kw) -> None:
    try:
        call(**kw)
    except ClientError as exc:
        # moto re-sends a retried task with the same token; AWS reports late answers as TaskTimedOut.
        if exc.response.get("Error", {}).get("Code") not in {"InvalidToken", "TaskTimedOut", "TaskDoesNotExist"}:
            raise


def _dispatch(step: str, job, body: dict, key: str) -> tuple[dict, bool]:
    """Run the step: (its output, whether the answer was recorded in the step's own write)."""
    wf = jobs.workflow_for(job.job_kind)
    state = dict(job.state or {})
    answer = (lambda out: (key, out)) if key else (lambda out: None)
    if step == "prepare":
        out = {"wait": settings().poll_interval_seconds}
        if job.status in ("PENDING", "RUNNING"):
            jobs.mark(job, "RUNNING", stage="prepare", answer=answer(out))
            return out, True
        return out, False
    if step == "apply":
        if "applied" in state:  # redelivered: the side effect already happened
            return {"done": bool(state["applied"])}, False
        done = bool(wf.apply(job))
        out = {"done": done}
        job.refresh()
        jobs.mark(job, stage="apply", state={"applied": done, "rounds": 0}, answer=answer(out))
        return out, True
    if step == "check":
        rounds = int(state.get("rounds", 0)) + 1
        if rounds > settings().poll_max_rounds:
            raise TimeoutError(f"the work did not settle after {rounds - 1} status checks")
        out = {"done": bool(wf.check(job))}
        job.refresh()
        jobs.mark(job, stage="check", state={"rounds": rounds}, answer=answer(out))
        return out, True
    if step == "finalize":
        if job.status == "SUCCEEDED":
            return {"ok": True}, False
        wf.finalize(job)
        job.refresh()
        jobs.mark(job, "SUCCEEDED", stage="done", progress=100, answer=answer({"ok": True}))
        count("jobs_succeeded")
        return {"ok": True}, True
    if step == "fail":
        if job.status == "FAILED":
            return {"ok": True}, False
        why = job.error or _reason(body.get("error") or {})
        wf.fail(job, why)
        job.refresh()
        jobs.mark(job, "FAILED", stage="failed", error=why, answer=answer({"ok": True}))
        count("jobs_failed")
        return {"ok": True}, True
    raise LookupError(f"unknown step {step}")


UNDELIVERABLE = "the step message was moved to the dead-letter queue"
# What a failure name means, where the name alone says it (a Catch may pass on the name without the cause).
REASONS = {"States.Timeout": "the step timed out", "StepUndeliverable": UNDELIVERABLE}


def _reason(err: dict) -> str:
    cause = err.get("Cause") or ""
    name = err.get("Error") or "Error"
    if name in REASONS:
        return REASONS[name]
    return cause or name


def fail_from_dlq(body: dict) -> None:
    """A step message that could not be processed at all: fail its task so the job never hangs."""
    token = body.get("token")
    if token:
        _settle(aws.client("stepfunctions").send_task_failure, taskToken=token, error="StepUndeliverable",
                cause=UNDELIVERABLE)
    job = jobs.get(body.get("job_id", "")) if body.get("job_id") else None
    if job is not None and job.status not in jobs.TERMINAL and not token:
        why = "the job could not be started"
        try:  # the resource must not stay "in progress" either (the reaper does the same)
            jobs.workflow_for(job.job_kind).fail(job, why)
        except Exception:
            logger.exception("could not fail the resource of an undeliverable job", extra={"job": job.job_id})
        job.refresh()
        jobs.mark(job, "FAILED", stage="dlq", error=why)
