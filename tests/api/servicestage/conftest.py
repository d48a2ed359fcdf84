"""ServiceStage fixtures: IAM-token callers, AK/SK callers that sign exactly as Huawei's SDK does (its own
``Signer``), and the projects they are scoped to."""
from __future__ import annotations

import itertools
import json
from urllib.parse import parse_qsl, urlsplit

import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

from chalicelib.identity import accounts
from tests.conftest import ADMIN

PASSWORD = "Ss-Passw0rd-Tester"
HOST = "servicestage.local.edgeplane"
_seq = itertools.count(1)


class Ss:
    """Calls with ``X-Auth-Token`` (``token``) or signed with AK/SK (``ak``/``sk``); JSON in, (status, body) out."""

    def __init__(self, client, *, token=None, ak=None, sk=None, project=None, username=None, account_id=None):
        self.client, self.token, self.ak, self.sk = client, token, ak, sk
        self.project, self.username, self.account_id = project, username, account_id

    def raw(self, method, path, body=None, headers=None, raw_body=None):
        data = raw_body if raw_body is not None else (json.dumps(body).encode() if body is not None else b"")
        h = {"Content-Type": "application/json", **(headers or {})}
        if self.token:
            h["X-Auth-Token"] = self.token
        elif self.ak:
            h = sign(method, path, h, data, self.ak, self.sk)
        return getattr(self.client.http, method.lower())(path, headers=h, body=data)

    def call(self, method, path, body=None, **kw):
        r = self.raw(method, path.replace("{project_id}", self.project or ""), body, **kw)
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

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)

    def signed(self, ak, sk) -> "Ss":
        return Ss(self.client, ak=ak, sk=sk, project=self.project, username=self.username,
                  account_id=self.account_id)


def sign(method: str, path: str, headers: dict, body: bytes, ak: str, sk: str) -> dict:
    """Headers of a request signed by the SDK's own signer (X-Sdk-Date, Host, Authorization)."""
    parts = urlsplit(path)
    request = SdkRequest(method=method, schema="http", host=HOST, resource_path=parts.path, uri=parts.path,
                         query_params=parse_qsl(parts.query, keep_blank_values=True),
                         header_params={**headers, "Host": HOST}, body=body or "")
    Signer(BasicCredentials(ak, sk)).sign(request)
    return {k: (v.decode() if isinstance(v, bytes) else v) for k, v in request.header_params.items()}


def token_for(client, username: str, password: str, project: str = "default"):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": username, "password": password, "domain": {"name": username}}}},
        "scope": {"project": {"name": project}}}}
    r = client.http.post("/v3/auth/tokens", headers={"Content-Type": "application/json"}, body=json.dumps(body))
    assert r.status_code == 201, r.body
    payload = json.loads(r.body)
    return r.headers["X-Subject-Token"] if "X-Subject-Token" in r.headers else \
        {k.lower(): v for k, v in r.headers.items()}["x-subject-token"], payload["token"]


def make_caller(client, username=None, project="default") -> Ss:
    username = username or f"ssuser{next(_seq):04d}"
    if accounts.get_account(username) is None:
        accounts.create_account(username, PASSWORD)
    token, info = token_for(client, username, PASSWORD, project)
    return Ss(client, token=token, project=info["project"]["id"], username=username,
              account_id=info["user"]["id"])


def access_key(caller: Ss) -> tuple[str, str]:
    status, body = caller.post("/v3.0/OS-CREDENTIAL/credentials",
                               {"credential": {"user_id": caller.account_id, "description": "ci"}})
    assert status == 201, body
    return body["credential"]["access"], body["credential"]["secret"]


@pytest.fixture
def ss_admin(client) -> Ss:
    token, info = token_for(client, *ADMIN)
    return Ss(client, token=token, project=info["project"]["id"], username=ADMIN[0], account_id=info["user"]["id"])


@pytest.fixture
def ss_user(client) -> Ss:
    return make_caller(client)


@pytest.fixture
def ss_other(client) -> Ss:
    return make_caller(client)


@pytest.fixture
def ss_signed(ss_user) -> Ss:
    ak, sk = access_key(ss_user)
    return ss_user.signed(ak, sk)
