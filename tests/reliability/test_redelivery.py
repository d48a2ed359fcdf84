"""Property: SQS delivers at least once. The identical message delivered again (jobs queue, steps queue, S3 upload
events) causes no second side effect: one execution, one apply, one history entry per step, one audit record."""
from __future__ import annotations

import json
from collections import Counter

from chalicelib import jobs
from chalicelib.core import aws
from chalicelib.core.config import settings
from chalicelib.jobs import worker
from chalicelib.store.models import AuditEvent
from tests.reliability.conftest import start_deploy, terminal

SUCCESS = 5


def audit_actions(resource: str | None = None) -> Counter:
    from tests.reliability.conftest import table_items
    return Counter(item["action"]["S"] for item in table_items().values()
                   if item.get("kind", {}).get("S") == AuditEvent.__name__
                   and (resource is None or item.get("resource", {}).get("S") == resource))


def counting(monkeypatch, *names):
    wf = jobs.workflow_for("otestack.deploy")
    calls = Counter()
    for name in names:
        real = getattr(wf, name)

        def wrapped(job, *a, _real=real, _name=name):
            calls[_name] += 1
            return _real(job, *a)
        monkeypatch.setattr(wf, name, wrapped)
    return calls


def executions(job_id: str) -> list[dict]:
    sfn = aws.client("stepfunctions")
    return [e for e in sfn.list_executions(stateMachineArn=settings().state_machine_arn("workflow"))["executions"]
            if e["name"] == job_id]


def test_a_job_message_delivered_twice_starts_one_execution(ote, app, drain, monkeypatch):
    admin, _ = ote
    calls = counting(monkeypatch, "apply", "finalize")
    deploy_id, job_id = start_deploy(admin)
    sqs = aws.client("sqs")
    for _ in range(2):  # the same body twice more: in one batch and in a later one
        sqs.send_message(QueueUrl=aws.queue_url(settings().jobs_queue), MessageBody=json.dumps({"job_id": job_id}))
    assert drain(terminal(job_id), timeout=30)
    drain()  # and let every copy be consumed
    job = jobs.get(job_id)
    assert job.status == "SUCCEEDED", job.error
    assert len(executions(job_id)) == 1
    assert calls == {"apply": 1, "finalize": 1}
    stages = Counter(h["stage"] for h in job.history)
    assert stages["started"] == 1 and stages["apply"] == 1 and stages["done"] == 1, job.history
    d = admin.get(f"/v1/deploy/id/{deploy_id}")[1]["data"]
    assert d["status"] == SUCCESS, d
    assert audit_actions(f"deploy/{deploy_id}")["create_deploy"] == 1


def test_every_step_message_delivered_twice_changes_nothing_more(ote, app, drain, monkeypatch):
    """Each step message is handled twice in a row (a redelivery after the answer) and sent once more, late
    (it arrives after the state machine moved on): the job's history and the deployment are as with one."""
    admin, _ = ote
    calls = counting(monkeypatch, "apply", "check", "finalize")
    real = worker.run_step
    seen: list[tuple[str, str]] = []

    def twice(body):
        first = (body["step"], body["token"]) not in seen
        seen.append((body["step"], body["token"]))
        real(body)
        if first:
            seen.append((body["step"], body["token"]))
            real(json.loads(json.dumps(body)))  # the identical message again
            aws.client("sqs").send_message(QueueUrl=aws.queue_url(settings().steps_queue),
                                           MessageBody=json.dumps(body))
    monkeypatch.setattr(worker, "run_step", twice)
    deploy_id, job_id = start_deploy(admin)
    assert drain(terminal(job_id), timeout=30)
    drain()
    job = jobs.get(job_id)
    assert job.status == "SUCCEEDED", job.error
    tokens = Counter(step for step, _ in set(seen))  # distinct tasks the state machine ran, per step
    assert all(n == 3 for n in Counter(seen).values()), Counter(seen)  # every task was delivered 3 times
    stages = Counter(h["stage"] for h in job.history)
    assert stages["prepare"] == tokens["prepare"] == 1
    assert stages["apply"] == calls["apply"] == 1
    assert stages["check"] == calls["check"] == tokens["check"]  # one poll round per Check task, not per copy
    assert stages["done"] == calls["finalize"] == 1
    assert job.history[-1]["stage"] == "done"  # no late copy moved the job backwards
    assert int(job.state["rounds"]) == tokens["check"]
    d = admin.get(f"/v1/deploy/id/{deploy_id}")[1]["data"]
    assert d["status"] == SUCCESS, d
    assert len(executions(job_id)) == 1


QCOW2 = b"QFI\xfb\x00\x00\x00\x03" + b"\x01" * 2000


def test_an_upload_event_delivered_twice_is_inspected_once(eg, app, drain):
    from chalicelib.identity import accounts
    from chalicelib.surfaces.edgegallery import service_vmimages as svc
    from tests.reliability.conftest import body_of, receive
    from tests.api.edgegallery.test_vmimages import make
    img = make(eg, name="disk")
    img["imageId"] = img["id"]
    p = accounts.authenticate_bearer(eg.headers["access_token"], ["edgegallery"])
    post = svc.upload_url(p, img["imageId"], "disk.qcow2")
    aws.client("s3").put_object(Bucket=settings().bucket, Key=post["fields"]["key"], Body=QCOW2)
    events = [m for m in receive(settings().uploads_queue) if "Records" in body_of(m)]  # (not s3:TestEvent)
    assert len(events) == 1
    from urllib.parse import unquote_plus
    from infra import pump
    assert unquote_plus(body_of(events[0])["Records"][0]["s3"]["object"]["key"]) == post["fields"]["key"]
    sqs, url = aws.client("sqs"), aws.queue_url(settings().uploads_queue)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=events[0]["ReceiptHandle"])
    src = next(s for s in pump.sqs_sources(app) if s.queue == settings().uploads_queue)
    first = None
    for n in range(3):  # the notification, then the identical notification twice more, one at a time
        sqs.send_message(QueueUrl=url, MessageBody=events[0]["Body"])
        assert pump.deliver_once(app, src) == 1
        got = eg.get(f"/mec/developer/v2/vmimages/{img['imageId']}")[1]
        first = first or got
        assert got == first, (got, first)  # the same record after every copy
    assert first["status"] == "PUBLISHED" and first["imageSize"] == len(QCOW2)
    assert audit_actions(f"vmimage/{img['imageId']}")["inspect_vm_image_upload"] == 1


def test_a_step_records_its_answer_in_its_own_write(ote, app, drain, monkeypatch):
    """The redelivery guard costs no extra read or write: a step that writes the job records the answer in that
    same conditional write (so a crash can never leave the step done but its answer unrecorded)."""
    admin, _ = ote
    extra = Counter()
    real = worker._remember
    monkeypatch.setattr(worker, "_remember", lambda job, key, out: (extra.update([key]), real(job, key, out)))
    deploy_id, job_id = start_deploy(admin)
    assert drain(terminal(job_id), timeout=30)
    job = jobs.get(job_id)
    assert job.status == "SUCCEEDED", job.error
    assert not extra
    stages = [h["stage"] for h in job.history]
    answered = job.state["answered"]
    # prepare, apply, each check and finalize: one answer each
    assert len(answered) == stages.count("prepare") + stages.count("apply") + stages.count("check") + 1
    assert {"ok": True} in answered.values() and {"done": True} in answered.values()


def test_a_state_change_survives_a_concurrent_write_of_the_job(ote, app):
    """jobs.mark retried after a conflict reads the job again and applies its whole change to what it read:
    neither the other writer's change nor this one's state is lost."""
    from chalicelib.store import base as store
    admin, _ = ote
    _, job_id = start_deploy(admin)
    mine, theirs = jobs.get(job_id), jobs.get(job_id)
    theirs.state = dict(theirs.state or {}, other="kept")
    store.save(theirs)
    jobs.mark(mine, stage="apply", state={"applied": True}, answer=("k1", {"done": True}))
    job = jobs.get(job_id)
    assert job.state["other"] == "kept" and job.state["applied"] is True
    assert job.state["answered"]["k1"] == {"done": True} and job.stage == "apply"
