"""Reliability harness: fault injection into every AWS call, callers of the five surfaces, queue control.

Faults are injected at ``botocore.client.BaseClient._make_api_call``: boto3 clients and pynamodb's connection
both go through it, so a throttled or unreachable DynamoDB, S3 or SQS looks to edgeplane exactly as it would
in AWS once botocore's own retries are spent.
"""
from __future__ import annotations

import contextlib
import json
import threading

import botocore.client
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from tests.conftest import Api

THROTTLES = {
    "dynamodb": ("ProvisionedThroughputExceededException", 400),
    "s3": ("SlowDown", 503),
    "sqs": ("ThrottlingException", 400),
    "stepfunctions": ("ThrottlingException", 400),
}


class Faults:
    """``faults.fail("dynamodb", "PutItem", ...)``: make matching calls fail until :meth:`clear`.

    ``ops`` None matches every operation of the service; ``after`` lets that many matching calls through first;
    ``times`` bounds how many calls fail; ``error`` "throttle" (the service's throttling code), "connection"
    (EndpointConnectionError) or any error code.
    """

    def __init__(self):
        self.rules: list[dict] = []
        self.calls: list[tuple[str, str]] = []  # (service, operation) of every call, while recording
        self.failed: list[tuple[str, str]] = []
        self.recording = False
        self._lock = threading.Lock()

    def fail(self, service: str, ops=None, *, error: str = "throttle", after: int = 0, times: int | None = None,
             when=None):
        if isinstance(ops, str):
            ops = {ops}
        self.rules.append({"service": service, "ops": set(ops) if ops else None, "error": error, "after": after,
                           "times": times, "when": when, "seen": 0})
        return self

    def clear(self) -> None:
        self.rules.clear()

    def _match(self, service: str, op: str, kwargs: dict):
        with self._lock:
            if self.recording:
                self.calls.append((service, op))
            for rule in self.rules:
                if rule["service"] != service or (rule["ops"] is not None and op not in rule["ops"]):
                    continue
                if rule["when"] is not None and not rule["when"](op, kwargs):
                    continue
                rule["seen"] += 1
                if rule["seen"] <= rule["after"]:
                    continue
                if rule["times"] is not None and rule["seen"] - rule["after"] > rule["times"]:
                    continue
                self.failed.append((service, op))
                return rule
        return None

    @staticmethod
    def _raise(rule: dict, service: str, op: str, endpoint: str):
        if rule["error"] == "connection":
            raise EndpointConnectionError(endpoint_url=endpoint or f"https://{service}.us-east-1.amazonaws.com")
        code, status = THROTTLES.get(service, ("ThrottlingException", 400)) if rule["error"] == "throttle" \
            else (rule["error"], 400)
        raise ClientError({"Error": {"Code": code, "Message": f"injected {code}"},
                           "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": {}}}, op)


@pytest.fixture
def faults(monkeypatch):
    f = Faults()
    real = botocore.client.BaseClient._make_api_call

    def call(self, operation_name, api_params):
        service = self.meta.service_model.service_name
        rule = f._match(service, operation_name, api_params) if (f.rules or f.recording) else None
        if rule is not None:
            f._raise(rule, service, operation_name, self.meta.endpoint_url)
        return real(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", call)
    yield f
    f.clear()


# ------------------------------------------------------------------ table snapshots (nothing half-written)

def table_items() -> dict:
    """Every item of the main table by key (test inspection only; never a request path)."""
    from chalicelib.core import aws
    from chalicelib.core.config import settings
    out = {}
    for page in aws.client("dynamodb").get_paginator("scan").paginate(TableName=settings().table_name):
        for item in page["Items"]:
            out[(item["pk"]["S"], item["sk"]["S"])] = item
    return out


def bucket_keys() -> set[str]:
    from chalicelib.core import aws
    from chalicelib.core.config import settings
    keys = set()
    for page in aws.client("s3").get_paginator("list_objects_v2").paginate(Bucket=settings().bucket):
        keys.update(o["Key"] for o in page.get("Contents", []))
    return keys


@contextlib.contextmanager
def unchanged_store(ignore=lambda key, item: False):
    """Assert that the block leaves the table and the bucket as it found them (except ``ignore``d items)."""
    before, keys_before = table_items(), bucket_keys()
    yield
    after, keys_after = table_items(), bucket_keys()
    changed = {k for k in set(before) | set(after)
               if before.get(k) != after.get(k) and not ignore(k, after.get(k) or before.get(k))}
    assert not changed, f"half-written items: {sorted(changed)}"
    assert keys_after == keys_before, f"stray objects: {sorted(keys_after ^ keys_before)}"


def is_audit_or_metric(key, item) -> bool:
    """Audit events of the refused request (one record per change/denial) are allowed to appear."""
    kind = ((item or {}).get("kind") or {}).get("S", "")
    return kind in {"AuditEvent", "AuditDay"} or key[0].startswith(("AUDIT", "SEQ#"))


# ------------------------------------------------------------------ callers of each surface

def ote_business(api: Api, name: str):
    """An approved ote-stack business: (admin Api, info); its admin's deployments run at once."""
    from tests.api.otestack.conftest import new_business
    admin, _, info = new_business(api, name)
    return admin, info


@pytest.fixture
def ote(api):
    return ote_business(api, "relbiz")


@pytest.fixture
def eg(api):
    from tests.api.edgegallery.conftest import developer
    return developer(api, name="reldev")


@pytest.fixture
def mx(client):
    from tests.api.mobiledgex.conftest import Mx, make_user
    return make_user(Mx(client), "reluser")


@pytest.fixture
def ms(client):
    from tests.api.msap.conftest import main_account
    return main_account(client, "reltenant")


@pytest.fixture
def ss(client):
    from tests.api.servicestage.conftest import make_caller
    return make_caller(client, "relssuser")


# ------------------------------------------------------------------ queues

def queue(name: str) -> str:
    from chalicelib.core import aws
    return aws.queue_url(name)


def receive(name: str, n: int = 10) -> list[dict]:
    from chalicelib.core import aws
    return aws.client("sqs").receive_message(QueueUrl=queue(name), MaxNumberOfMessages=n, WaitTimeSeconds=0,
                                             AttributeNames=["All"]).get("Messages", [])


def queue_depth(name: str) -> int:
    from chalicelib.core import aws
    attrs = aws.client("sqs").get_queue_attributes(
        QueueUrl=queue(name), AttributeNames=["ApproximateNumberOfMessages",
                                              "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"])


def body_of(message: dict) -> dict:
    return json.loads(message["Body"])


# ------------------------------------------------------------------ jobs

@pytest.fixture
def step_timeout(app):
    """Steps time out after 2 s (EDGEPLANE_STEP_TIMEOUT, rendered into the state machine by provision())."""
    from chalicelib.core import config
    from infra import resources
    config.environ_set(EDGEPLANE_STEP_TIMEOUT="2")
    resources.provision()
    yield 2
    config.environ_set(EDGEPLANE_STEP_TIMEOUT="60")


DEPLOY = {"deployName": "web-prod", "appName": "web", "version": "1.1.1", "cluster": "all", "nodeLabel": "all",
          "comment": "first"}


def start_deploy(admin, name: str = "web-prod") -> tuple[int, str]:
    """An ote-stack business admin's deployment (auto-approved: its job starts at once): (deploy id, job id)."""
    from tests.api.otestack.helpers import create_app
    create_app(admin)
    status, body = admin.post("/v1/deploy", {**DEPLOY, "deployName": name})
    assert status == 200 and body["data"]["jobId"], body
    return body["data"]["id"], body["data"]["jobId"]


def terminal(job_id: str):
    from chalicelib import jobs
    return lambda: jobs.get(job_id).status in jobs.TERMINAL
