"""Property: a worker that dies or fails mid-step never leaves a job (or its resource) stuck: the step is retried
(redelivery, Transient retry) without repeating its side effect, or the job and the resource end FAILED (task
timeout, dead-letter queue), and the platform's status endpoint says so."""
from __future__ import annotations

import json

import pytest

from chalicelib import jobs
from chalicelib.core import aws
from chalicelib.core.config import settings
from chalicelib.jobs import worker
from infra import pump
from tests.reliability.conftest import start_deploy, terminal

FAILED, INTERNAL, SUCCESS = 7, 8, 5


class WorkerDied(BaseException):
    """The process ended here: no except clause of the worker runs, the message is neither deleted nor answered."""


def deploy_view(admin, deploy_id):
    status, body = admin.get(f"/v1/deploy/id/{deploy_id}")
    assert status == 200, body
    return body["data"]


def job_view(edgeplane_admin, job_id):
    status, body = edgeplane_admin.get(f"/edgeplane/v1/jobs/{job_id}")
    assert status == 200, body
    return body


def counting_apply(monkeypatch):
    wf = jobs.workflow_for("otestack.deploy")
    calls = []
    real = wf.apply

    def apply(job):
        calls.append(job.job_id)
        return real(job)
    monkeypatch.setattr(wf, "apply", apply)
    return calls


def test_a_step_message_dropped_after_receipt_times_out_and_fails_job_and_resource(ote, app, drain, step_timeout,
                                                                                   monkeypatch, edgeplane_admin):
    admin, _ = ote
    real = worker.run_step
    dropped = []

    def dying_worker(body):
        if body.get("step") == "apply" and not dropped:
            dropped.append(body)  # received and acknowledged, then the worker vanished: no callback ever
            return
        real(body)
    monkeypatch.setattr(worker, "run_step", dying_worker)
    deploy_id, job_id = start_deploy(admin)
    assert drain(terminal(job_id), timeout=20)
    assert dropped
    job = jobs.get(job_id)
    assert (job.status, job.stage, job.error) == ("FAILED", "failed", "the step timed out")
    d = deploy_view(admin, deploy_id)
    assert d["status"] == FAILED and d["editable"] is True, d
    assert json.loads(d["errorMessage"])["reason"] == "the step timed out"
    shown = job_view(edgeplane_admin, job_id)
    assert shown["status"] == "FAILED" and shown["history"][-1]["status"] == "FAILED"
    assert next(iter(jobs.Job.gsi3.query("JOBS#ACTIVE")), None) is None  # nothing left for the reaper


def test_a_worker_dying_after_the_side_effect_is_redelivered_and_not_repeated(ote, app, monkeypatch,
                                                                              edgeplane_admin):
    admin, _ = ote
    sqs = aws.client("sqs")
    # the visibility timeout is what returns an unanswered message to the queue: 1 s here instead of minutes
    sqs.set_queue_attributes(QueueUrl=aws.queue_url(settings().steps_queue), Attributes={"VisibilityTimeout": "1"})
    applied = counting_apply(monkeypatch)
    real_settle = worker._settle
    died = []

    def settle(call, **kw):
        if applied and not died and getattr(call, "__name__", "") == "send_task_success":
            died.append(kw)
            raise WorkerDied()
        return real_settle(call, **kw)
    monkeypatch.setattr(worker, "_settle", settle)
    deploy_id, job_id = start_deploy(admin)
    sources = pump.sqs_sources(app)
    done = terminal(job_id)
    import time
    deadline = time.time() + 30
    while not done() and time.time() < deadline:
        for source in sources:
            try:
                pump.deliver_once(app, source)
            except WorkerDied:
                pass  # the message stays in flight, undeleted, as after a crash
        time.sleep(0.05)
    assert died, "the worker never died"
    job = jobs.get(job_id)
    assert job.status == "SUCCEEDED", (job.status, job.error)
    assert applied == [job_id]  # redelivered, the step recognised its own side effect
    assert [h["stage"] for h in job.history].count("apply") == 1
    d = deploy_view(admin, deploy_id)
    assert d["status"] == SUCCESS and d["running"] is True, d
    assert job_view(edgeplane_admin, job_id)["status"] == "SUCCEEDED"


def _poison_apply(monkeypatch):
    real = worker.run_step
    attempts = []

    def poison(body):
        if body.get("step") == "apply":
            attempts.append(1)
            raise RuntimeError("the worker crashed")  # the batch fails: SQS redelivers, then dead-letters
        real(body)
    monkeypatch.setattr(worker, "run_step", poison)
    return attempts


def test_a_step_crashing_every_delivery_still_ends_failed(ote, app, drain, step_timeout, monkeypatch):
    """Whatever the queues do with a poison step message, the task's timeout fails the job and the resource."""
    admin, _ = ote
    attempts = _poison_apply(monkeypatch)
    deploy_id, job_id = start_deploy(admin)
    assert drain(terminal(job_id), timeout=20)
    assert attempts
    job = jobs.get(job_id)
    assert job.status == "FAILED" and job.error in ("the step timed out", "internal error in step apply") \
        or "dead-letter" in (job.error or ""), job.error
    d = deploy_view(admin, deploy_id)
    assert d["status"] in (FAILED, INTERNAL) and d["editable"] is True, d


def test_a_dead_lettered_step_message_reaches_on_steps_dlq(ote, app, drain, monkeypatch):
    from infra.resources import MAX_RECEIVE
    from tests.reliability.conftest import queue_depth
    admin, _ = ote
    attempts = _poison_apply(monkeypatch)
    handled = []
    real_dlq = worker.fail_from_dlq
    monkeypatch.setattr(worker, "fail_from_dlq", lambda body: (handled.append(body), real_dlq(body)))
    deploy_id, job_id = start_deploy(admin)
    drain(lambda: handled or queue_depth(settings().steps_queue + "-dlq-dlq") > 0, timeout=15)
    assert len(attempts) == MAX_RECEIVE
    assert handled and handled[0]["step"] == "apply", "the dead-lettered step was never handled"
    assert drain(terminal(job_id), timeout=15)
    job = jobs.get(job_id)
    assert job.status == "FAILED" and "dead-letter" in job.error, job.error
    d = deploy_view(admin, deploy_id)
    assert d["status"] == FAILED and "dead-letter" in json.loads(d["errorMessage"])["reason"], d


def _unstartable_deploy(ote, drain, faults):
    """Step Functions refuses every StartExecution: the jobs message fails 5 times and is dead-lettered."""
    from tests.reliability.conftest import queue_depth
    admin, _ = ote
    faults.fail("stepfunctions", "StartExecution")
    deploy_id, job_id = start_deploy(admin)
    dlqs = [settings().jobs_queue + "-dlq", settings().jobs_queue + "-dlq-dlq"]
    drain(lambda: jobs.get(job_id).status in jobs.TERMINAL or sum(queue_depth(q) for q in dlqs) > 0, timeout=15)
    faults.clear()
    return admin, deploy_id, job_id


def test_a_dead_lettered_job_fails_with_its_resource(ote, app, drain, faults):
    """on_jobs_dlq fails the job *and* the deployment (before the fix the deployment stayed 'Approved' and not
    editable: only the job was marked)."""
    admin, deploy_id, job_id = _unstartable_deploy(ote, drain, faults)
    assert drain(terminal(job_id), timeout=10)  # on_jobs_dlq handled it (never forwarded to the DLQ's own DLQ)
    from tests.reliability.conftest import queue_depth
    assert queue_depth(settings().jobs_queue + "-dlq-dlq") == 0
    job = jobs.get(job_id)
    assert (job.status, job.stage) == ("FAILED", "dlq")
    d = deploy_view(admin, deploy_id)
    assert d["status"] == FAILED and d["editable"] is True, d
    assert json.loads(d["errorMessage"])["reason"] == "the job could not be started"


def test_a_job_whose_start_message_is_lost_is_reaped_with_its_resource(ote, app, drain, faults):
    """The last net: whatever happened to the messages, the periodic reaper fails an unfinished job whose
    execution is gone, and its resource with it."""
    from chalicelib.core import clock
    from tests.reliability.conftest import queue_depth
    admin, _ = ote
    deploy_id, job_id = start_deploy(admin)
    aws.client("sqs").purge_queue(QueueUrl=aws.queue_url(settings().jobs_queue))  # the start message is lost
    drain(timeout=2)
    assert jobs.get(job_id).status == "PENDING" and queue_depth(settings().jobs_queue) == 0
    clock.advance(7 * 3600)
    assert jobs.reap_stuck() == 1
    clock.reset()  # (the caller's token would have expired 7 h later)
    job = jobs.get(job_id)
    assert job.status == "FAILED" and "reaper" in job.error
    d = deploy_view(admin, deploy_id)
    assert d["status"] == FAILED and d["editable"] is True, d


def test_a_crashing_driver_fails_job_and_resource_without_leaking_the_crash(ote, app, drain, monkeypatch):
    from chalicelib.targets import simulated
    admin, _ = ote

    def explode(*a, **kw):
        raise RuntimeError("segfault in the driver at 0xdeadbeef")
    monkeypatch.setattr(simulated.SimulatedDriver, "apply", explode)
    deploy_id, job_id = start_deploy(admin)
    assert drain(terminal(job_id), timeout=20)
    job = jobs.get(job_id)
    assert job.status == "FAILED" and job.error == "internal error in step apply"
    d = deploy_view(admin, deploy_id)
    assert d["status"] == INTERNAL and "0xdeadbeef" not in json.dumps(d), d


def test_a_store_blip_inside_a_step_is_retried_not_failed(ote, app, drain, monkeypatch, faults):
    """The first DynamoDB call of the apply step is throttled: the step reports Transient, the ASL retries it,
    and the job succeeds (before, the throttled read crashed the step and failed the deployment)."""
    admin, _ = ote
    wf = jobs.workflow_for("otestack.deploy")
    real, calls = wf.apply, []

    def apply(job):
        calls.append(job.job_id)
        if len(calls) == 1:
            faults.fail("dynamodb", times=1)  # the next call of this step, whatever it is
        return real(job)
    monkeypatch.setattr(wf, "apply", apply)
    deploy_id, job_id = start_deploy(admin)
    assert drain(terminal(job_id), timeout=20)
    assert faults.failed and len(calls) == 2
    assert jobs.get(job_id).status == "SUCCEEDED", jobs.get(job_id).error
    assert deploy_view(admin, deploy_id)["status"] == SUCCESS
