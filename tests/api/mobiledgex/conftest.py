"""MobiledgeX fixtures: Bearer callers (admin, users with orgs and roles), NDJSON parsing, inline workers.

Long-running operations wait for their job inside the request; here the wait pumps the queues in-process
(``jobs.set_idle``), as the local runner's background workers do over HTTP.
"""
from __future__ import annotations

import itertools
import json

import pytest

from tests.conftest import ADMIN, Api

PASSWORD = "Mx-Edge-Cloud-Tester-2026!"
REGION = "local"
_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def inline_workers(app):
    from chalicelib import jobs
    from infra import pump
    jobs.set_idle(lambda: pump.drain(app, timeout=5))
    yield
    jobs.set_idle(None)


class Mx(Api):
    """Api for ``POST /api/v1/...``: raw response access for streams."""

    def op(self, path: str, body=None, raw: str | None = None, headers: dict | None = None):
        h = {"content-type": "application/json", **self.headers, **(headers or {})}
        data = raw if raw is not None else (json.dumps(body) if body is not None else "")
        return self.client.http.post(f"/api/v1{path}", headers=h, body=data)

    def json(self, path: str, body=None, **kw):
        r = self.op(path, body, **kw)
        return r.status_code, (json.loads(r.body) if r.body else None)

    def stream(self, path: str, body=None, **kw):
        """(status, list of parsed NDJSON lines); a non-200 answer gives its JSON body as the list."""
        r = self.op(path, body, **kw)
        if r.status_code != 200:
            return r.status_code, json.loads(r.body) if r.body else None
        text = r.body.decode() if isinstance(r.body, bytes) else r.body
        return 200, [json.loads(line) for line in text.splitlines() if line.strip()]

    def ctrl(self, op: str, obj_name: str, obj: dict, region: str = REGION):
        return self.stream(f"/auth/ctrl/{op}", {"Region": region, obj_name: obj})

    def as_bearer(self, token: str) -> "Mx":
        return Mx(self.client, {"authorization": f"Bearer {token}"})


def login(mx: Mx, username: str, password: str) -> Mx:
    status, body = mx.json("/login", {"username": username, "password": password})
    assert status == 200, body
    caller = mx.as_bearer(body["token"])
    caller.username = username
    return caller


def make_user(mx: Mx, name: str | None = None) -> Mx:
    name = name or f"user{next(_seq):04d}"
    status, body = mx.json("/usercreate", {"Name": name, "Email": f"{name}@example.com", "Passhash": PASSWORD})
    assert status == 200, body
    return login(mx, name, PASSWORD)


def make_org(caller: Mx, name: str, org_type: str) -> str:
    status, body = caller.json("/auth/org/create", {"Name": name, "Type": org_type})
    assert status == 200, body
    return name


def add_role(caller: Mx, org: str, username: str, role: str) -> None:
    status, body = caller.json("/auth/role/adduser", {"org": org, "username": username, "role": role})
    assert status == 200, body


def messages(lines: list[dict]) -> list[str]:
    return [line["data"]["message"] for line in lines if "data" in line]


@pytest.fixture
def mx(client) -> Mx:
    return Mx(client)


@pytest.fixture
def mx_admin(mx) -> Mx:
    return login(mx, *ADMIN)


@pytest.fixture
def operator(mx):
    """A user managing the operator org ``op-<n>``."""
    caller = make_user(mx)
    caller.org = make_org(caller, f"op{next(_seq):04d}", "operator")
    return caller


@pytest.fixture
def developer(mx):
    caller = make_user(mx)
    caller.org = make_org(caller, f"dev{next(_seq):04d}", "developer")
    return caller


@pytest.fixture
def flavor(mx_admin) -> str:
    status, body = mx_admin.json("/auth/ctrl/CreateFlavor", {"Region": REGION, "Flavor": {
        "key": {"name": "x1.small"}, "ram": 1024, "vcpus": 1, "disk": 10}})
    assert status == 200, body
    return "x1.small"


def cloudlet_body(org: str, name: str = "cloudlet1", **extra) -> dict:
    return {"key": {"organization": org, "name": name}, "location": {"latitude": 50.1, "longitude": 8.6},
            "num_dynamic_ips": 10, "platform_type": "Fake", **extra}


@pytest.fixture
def cloudlet(operator) -> dict:
    status, lines = operator.ctrl("CreateCloudlet", "Cloudlet", cloudlet_body(operator.org))
    assert status == 200 and messages(lines)[-1] == "Created Cloudlet successfully", lines
    return {"organization": operator.org, "name": "cloudlet1"}
