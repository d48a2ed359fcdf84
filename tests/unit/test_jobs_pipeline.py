"""The job pattern end to end on moto: SQS → Step Functions (real ASL) → Python steps → job status."""
from chalicelib import jobs
from chalicelib.jobs import Workflow


class Counting(Workflow):
    kind = "test.counting"
    calls = []

    def apply(self, job):
        self.calls.append(("apply", job.job_id))
        return False

    def check(self, job):
        self.calls.append(("check", job.job_id))
        return len([c for c in self.calls if c == ("check", job.job_id)]) >= 2

    def finalize(self, job):
        self.calls.append(("finalize", job.job_id))


class Exploding(Workflow):
    kind = "test.exploding"
    failed = []

    def apply(self, job):
        raise RuntimeError("boom")

    def fail(self, job, error):
        self.failed.append((job.job_id, error))


jobs.register(Counting())
jobs.register(Exploding())


def _terminal(job_id):
    return lambda: jobs.get(job_id).status in jobs.TERMINAL


def test_job_runs_through_the_state_machine(app, drain):
    job = jobs.start("test.counting", surface="test", tenant_id="t1", actor="a", params={"x": 1})
    assert jobs.get(job.job_id).status == "PENDING"
    assert drain(_terminal(job.job_id))
    done = jobs.get(job.job_id)
    assert done.status == "SUCCEEDED", done.error
    steps = [c[0] for c in Counting.calls if c[1] == job.job_id]
    assert steps == ["apply", "check", "check", "finalize"]
    assert [h["status"] for h in done.history][0] == "PENDING"
    assert done.history[-1]["status"] == "SUCCEEDED"


def test_a_crashing_step_fails_the_job_cleanly(app, drain):
    job = jobs.start("test.exploding", surface="test", tenant_id="t1", actor="a", params={})
    assert drain(_terminal(job.job_id))
    done = jobs.get(job.job_id)
    assert done.status == "FAILED"
    assert done.error == "internal error in step apply"  # the crash detail stays in the logs
    assert Exploding.failed and Exploding.failed[-1][0] == job.job_id


def test_redelivered_start_is_idempotent(app, drain):
    from infra import pump
    from chalicelib.core import aws
    from chalicelib.core.config import settings
    import json
    job = jobs.start("test.counting", surface="test", tenant_id="t1", actor="a", params={})
    aws.client("sqs").send_message(QueueUrl=aws.queue_url(settings().jobs_queue),
                                   MessageBody=json.dumps({"job_id": job.job_id}))
    assert drain(_terminal(job.job_id))
    assert jobs.get(job.job_id).status == "SUCCEEDED"
    assert len([c for c in Counting.calls if c == ("apply", job.job_id)]) == 1
