"""EdgeGallery fixtures: ``access_token`` callers for developers (tenants), an admin and a guest."""
from __future__ import annotations

import itertools

import pytest

from chalicelib.identity import accounts, tokens
from tests.conftest import Api

_seq = itertools.count(1)


def developer(api: Api, role: str = "DEVELOPER_TENANT", name: str | None = None) -> Api:
    """A new account with that EdgeGallery role; returns an Api sending its JWT in ``access_token``.

    ``.account`` on the returned Api is the account (``account_id`` is the EdgeGallery userId)."""
    name = name or f"dev{next(_seq):04d}"
    acct = accounts.create_account(name, "Passw0rdDev", profile={"roles": {"edgegallery": role}})
    token, _ = tokens.issue(acct.username, "edgegallery")
    caller = api.with_headers(access_token=token)
    caller.account = acct
    return caller


@pytest.fixture
def dev(api):
    return developer(api)


@pytest.fixture
def other_dev(api):
    return developer(api)


@pytest.fixture
def eg_admin(api):
    return developer(api, "DEVELOPER_ADMIN")


@pytest.fixture
def guest(api):
    return developer(api, "DEVELOPER_GUEST")


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload_icon(caller) -> str:
    """Upload a PNG icon (POST /upload-files?fileType=icon) as ``caller``; returns its file id."""
    boundary = "egTestBoundary"
    raw = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"icon.png\"\r\n"
           f"Content-Type: image/png\r\n\r\n").encode() + PNG + f"\r\n--{boundary}--\r\n".encode()
    r = caller.client.http.post("/mec/developer/v2/upload-files?fileType=icon", body=raw,
                                headers={**caller.headers, "content-type": f"multipart/form-data; boundary={boundary}"})
    assert r.status_code == 200, r.body
    import json
    return json.loads(r.body)["fileId"]


@pytest.fixture
def new_app(dev):
    """``new_app(caller=dev, **fields)`` creates an application through the API and returns its JSON."""
    from chalicelib.surfaces.edgegallery.common import new_uuid

    def _make(caller=None, **fields):
        caller = caller or dev
        body = {"name": f"app{next(_seq)}", "version": "1.0", "provider": "acme", "appClass": "CONTAINER",
                "architecture": "X86", "description": "demo", "iconFileId": fields.pop("iconFileId", None) or upload_icon(caller),
                "type": "Video Application", "industry": "Smart Park", **fields}
        status, out = caller.post("/mec/developer/v2/applications", body)
        assert status == 200, out
        return out
    return _make
