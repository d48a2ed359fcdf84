"""The two SQS consumers of the job pattern: start executions, and run Python steps for task tokens."""
from __future__ import annotations

import json

from botocore.exceptions import ClientError

from chalicelib import jobs
from chalicelib.core import aws
from chalicelib.core.config import settings
from chalicelib.core.logging import count, logger
from chalicelib.targets import TargetError


from chalicelib.core.errors import DomainError

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
        output = _dispatch(step, job, body)
        _settle(sfn.send_task_success, taskToken=token, output=json.dumps(output))
    except Transient as exc:
        _settle(sfn.send_task_failure, taskToken=token, error="Transient", cause=str(exc)[:256])
    except Exception as exc:  # the state machine's Catch turns this into the fail step
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


def _settle(call, **kw) -> None:
    try:
        call(**kw)
    except ClientError as exc:
        # moto re-sends a retried task with the same token; AWS reports late answers as TaskTimedOut.
        if exc.response.get("Error", {}).get("Code") not in {"InvalidToken", "TaskTimedOut", "TaskDoesNotExist"}:
            raise


def _dispatch(step: str, job, body: dict) -> dict:
    wf = jobs.workflow_for(job.job_kind)
    state = dict(job.state or {})
    if step == "prepare":
        if job.status in ("PENDING", "RUNNING"):
            jobs.mark(job, "RUNNING", stage="prepare")
        return {"wait": settings().poll_interval_seconds}
    if step == "apply":
        if "applied" in state:  # redelivered: the side effect already happened
            return {"done": bool(state["applied"])}
        done = bool(wf.apply(job))
        job.refresh()
        job.state = dict(job.state or {}, applied=done, rounds=0)
        jobs.mark(job, stage="apply")
        return {"done": done}
    if step == "check":
        rounds = int(state.get("rounds", 0)) + 1
        if rounds > settings().poll_max_rounds:
            raise TimeoutError(f"the work did not settle after {rounds - 1} status checks")
        done = bool(wf.check(job))
        job.refresh()
        job.state = dict(job.state or {}, rounds=rounds)
        jobs.mark(job, stage="check")
        return {"done": done}
    if step == "finalize":
        if job.status == "SUCCEEDED":
            return {"ok": True}
        wf.finalize(job)
        job.refresh()
        jobs.mark(job, "SUCCEEDED", stage="done", progress=100)
        count("jobs_succeeded")
        return {"ok": True}
    if step == "fail":
        if job.status == "FAILED":
            return {"ok": True}
        why = job.error or _reason(body.get("error") or {})
        wf.fail(job, why)
        job.refresh()
        jobs.mark(job, "FAILED", stage="failed", error=why)
        count("jobs_failed")
        return {"ok": True}
    raise LookupError(f"unknown step {step}")


def _reason(err: dict) -> str:
    cause = err.get("Cause") or ""
    name = err.get("Error") or "Error"
    if name == "States.Timeout":
        return "the step timed out"
    return cause or name


def fail_from_dlq(body: dict) -> None:
    """A step message that could not be processed at all: fail its task so the job never hangs."""
    token = body.get("token")
    if token:
        _settle(aws.client("stepfunctions").send_task_failure, taskToken=token, error="StepUndeliverable",
                cause="the step message was moved to the dead-letter queue")
    job = jobs.get(body.get("job_id", "")) if body.get("job_id") else None
    if job is not None and job.status not in jobs.TERMINAL and not token:
        jobs.mark(job, "FAILED", stage="dlq", error="the job could not be started")
