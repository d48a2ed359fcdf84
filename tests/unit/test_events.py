"""Event consumers: S3 upload notifications through SQS, the DLQ handler and the periodic reaper."""
from __future__ import annotations

import json

from chalicelib import events, jobs
from chalicelib.core import aws, clock
from chalicelib.core.config import settings


def test_an_uploaded_object_reaches_its_inspector_through_sqs(app, drain):
    seen = []
    events.on_upload(r"^uploads/test/")(lambda bucket, key, size: seen.append((bucket, key, size)))
    aws.client("s3").put_object(Bucket=settings().bucket, Key="uploads/test/my file.bin", Body=b"12345")
    aws.client("s3").put_object(Bucket=settings().bucket, Key="elsewhere/x.bin", Body=b"1")
    assert drain(lambda: bool(seen), timeout=10)
    drain()
    assert seen == [(settings().bucket, "uploads/test/my file.bin", 5)]  # key decoded, other prefixes ignored


def test_stuck_jobs_are_reaped(app):
    from tests.unit.test_jobs_pipeline import Counting  # noqa: F401
    job = jobs.start("test.counting", surface="test", tenant_id="t1", actor="a", params={})
    # the jobs queue message is lost: nothing ever starts the execution
    aws.client("sqs").purge_queue(QueueUrl=aws.queue_url(settings().jobs_queue))
    assert jobs.reap_stuck() == 0  # too young
    clock.advance(7 * 3600)
    assert jobs.reap_stuck() == 1
    reaped = jobs.get(job.job_id)
    assert reaped.status == "FAILED" and "reaper" in reaped.error
    assert jobs.reap_stuck() == 0  # the sparse index no longer holds it


def test_the_schedule_runs_the_reaper(app):
    from chalice.test import Client
    with Client(app) as c:
        result = c.lambda_.invoke("on_tick", c.events.generate_cw_event("aws.events", "Scheduled Event", {}, []))
    assert result.payload["reaped"] == 0


def test_undeliverable_step_messages_fail_their_task(app, drain, monkeypatch):
    from chalicelib.jobs import worker
    from tests.unit.test_jobs_pipeline import Counting  # noqa: F401
    calls = []
    monkeypatch.setattr(worker, "_settle", lambda call, **kw: calls.append(kw))
    worker.fail_from_dlq({"step": "apply", "job_id": "x", "token": "tok"})
    assert calls and calls[0]["taskToken"] == "tok" and calls[0]["error"] == "StepUndeliverable"
    job = jobs.start("test.counting", surface="test", tenant_id="t1", actor="a", params={})
    worker.fail_from_dlq(json.loads(json.dumps({"job_id": job.job_id})))
    assert jobs.get(job.job_id).status == "FAILED"


def test_the_events_only_app_knows_every_job_kind():
    """The deployed workers import app.py with EDGEPLANE_SURFACES=events: no routes, all workflows."""
    import subprocess
    import sys
    code = ("import app; from chalicelib import jobs; "
            "print(len(app.app.routes), sorted(k for k in jobs._registry if not k.startswith('test.')))")
    env = {"EDGEPLANE_SURFACES": "events", "EDGEPLANE_STAGE": "test", "PATH": "/usr/bin:/bin",
           "AWS_DEFAULT_REGION": "us-east-1"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=str(__import__("pathlib").Path(__file__).resolve().parents[2]), timeout=60)
    assert out.returncode == 0, out.stderr
    routes, kinds = out.stdout.strip().splitlines()[-1].split(" ", 1)
    kinds = __import__("ast").literal_eval(kinds)
    assert routes == "0"
    assert {"otestack.deploy", "otestack.namespace"} <= set(kinds)
    assert any(k.startswith("edgegallery.") for k in kinds), kinds


def test_audit_pages_walk_back_across_days(aws_env):
    from chalicelib import audit
    for i in range(3):
        audit.record("test", f"day0-{i}")
    clock.advance(-86400 * 2)  # events two days earlier
    for i in range(2):
        audit.record("test", f"dayminus2-{i}")
    clock.reset()
    seen, token = [], None
    while True:
        page = audit.page(limit=2, token=token)
        seen.extend(e.action for e in page.items if e.surface == "test")
        token = page.next_token
        if not token:
            break
    assert seen == ["day0-2", "day0-1", "day0-0", "dayminus2-1", "dayminus2-0"]
