"""Test harness: moto in-process (imported before any client), a fresh mocked AWS per test, the app."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

os.environ.update({
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
    "EDGEPLANE_STAGE": "test", "EDGEPLANE_JWT_SECRET": "test-secret-" + "x" * 40,
    "EDGEPLANE_ADMIN_PASSWORD": "Adm1nPassw0rd", "EDGEPLANE_STEP_TIMEOUT": "60",
    "POWERTOOLS_SERVICE_NAME": "edgeplane", "POWERTOOLS_METRICS_NAMESPACE": "edgeplane",
    "POWERTOOLS_DEV": "false",
})
os.environ.pop("AWS_ENDPOINT_URL", None)

import moto  # noqa: E402  (must come before any boto3 client)
import pytest  # noqa: E402
from moto import mock_aws  # noqa: E402

import threading  # noqa: E402

from moto.core.botocore_stubber import BotocoreStubber  # noqa: E402

# moto's in-process backends are not thread-safe: transact_write_items deep-copies a table while a Step Functions
# executor or worker thread writes to it ("dictionary changed size during iteration", a 500 seen in CI). Real
# DynamoDB serializes for us; here one lock serializes the mocked DynamoDB calls.
_MOTO_LOCK = threading.RLock()
_moto_call = BotocoreStubber.__call__


def _serialized_call(self, event_name, request, **kwargs):
    target = (request.headers or {}).get("X-Amz-Target") or b""
    if (target.decode() if isinstance(target, bytes) else target).startswith("DynamoDB_"):
        with _MOTO_LOCK:
            return _moto_call(self, event_name, request, **kwargs)
    return _moto_call(self, event_name, request, **kwargs)


BotocoreStubber.__call__ = _serialized_call

from infra import motofast  # noqa: E402

motofast.install()

from chalicelib.core import aws as core_aws  # noqa: E402
from infra import pathnorm  # noqa: E402

pathnorm.install()
from chalicelib.core import clock, config  # noqa: E402

ADMIN = ("admin", "Adm1nPassw0rd")


_FIRST_START: list[dict] = []  # the items resources.bootstrap() writes, captured once per test process


def _bootstrap() -> None:
    """First-start data for a fresh table: ``resources.bootstrap()`` once per process, then the same items
    written back in batches (the admin's argon2 hash and the inventory's label transactions cost ~0.4 s a test)."""
    from chalicelib.core import aws
    from chalicelib.core.config import settings
    from infra import resources
    ddb = aws.client("dynamodb")
    table = settings().table_name
    if not _FIRST_START:
        resources.bootstrap()
        for page in ddb.get_paginator("scan").paginate(TableName=table):  # test setup only, never a request path
            _FIRST_START.extend(page["Items"])
        return
    for i in range(0, len(_FIRST_START), 25):
        ddb.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": item}} for item in _FIRST_START[i:i + 25]]})


@pytest.fixture
def aws_env():
    """A fresh mocked AWS with edgeplane's resources and first-start data."""
    clock.reset()
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}):
        from chalicelib import audit
        from infra import resources
        audit.forget_days()
        resources.provision()
        _bootstrap()
        yield
        _stop_executions()
    clock.reset()


def _stop_executions() -> None:
    """Stop the test's still-running Step Functions executions before its mock ends: moto runs them in threads
    that outlive the test, and one waiting for a step callback would, at its timeout, write its failure into
    the next test's table (a stray JOB item seen in a store snapshot under load)."""
    from chalicelib.core import aws
    try:
        sfn = aws.client("stepfunctions")
        for machine in sfn.list_state_machines().get("stateMachines", []):
            for ex in sfn.list_executions(stateMachineArn=machine["stateMachineArn"],
                                          statusFilter="RUNNING").get("executions", []):
                sfn.stop_execution(executionArn=ex["executionArn"], error="TestEnded")
    except Exception:  # teardown must never fail a test
        pass


@pytest.fixture
def app(aws_env):
    from app import app as chalice_app
    from tests import contract_check
    contract_check.install(chalice_app)
    contract_check.violations.clear()
    yield chalice_app
    found = list(contract_check.violations)
    contract_check.violations.clear()
    assert not found, "answers outside the published contract:\n" + "\n".join(found)


@pytest.fixture
def client(app):
    from chalice.test import Client
    with Client(app) as c:
        yield c


@pytest.fixture
def drain(app):
    from infra import pump

    def _drain(until=None, timeout: float = 30.0):
        return pump.drain(app, until=until, timeout=timeout)
    return _drain


class Api:
    """Small helper over chalice.test.Client: JSON in, (status, JSON) out."""

    def __init__(self, client, headers=None):
        self.client = client
        self.headers = headers or {}

    def call(self, method, path, body=None, headers=None, raw=None):
        h = {"content-type": "application/json", **self.headers, **(headers or {})}
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        r = getattr(self.client.http, method.lower())(path, headers=h, body=data)
        try:
            payload = json.loads(r.body) if r.body else None
        except ValueError:
            payload = r.body
        return r.status_code, payload

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.call("POST", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.call("PUT", path, body, **kw)

    def delete(self, path, body=None, **kw):
        return self.call("DELETE", path, body, **kw)

    def with_headers(self, **headers):
        return Api(self.client, {**self.headers, **headers})


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture
def edgeplane_admin(api):
    status, body = api.post("/edgeplane/v1/login", {"username": ADMIN[0], "password": ADMIN[1]})
    assert status == 200, body
    return api.with_headers(authorization="Bearer " + body["token"])
