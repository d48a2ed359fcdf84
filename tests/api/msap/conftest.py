"""MSAP fixtures: callers with edgeplane Bearer tokens; each main account is its own tenant."""
from __future__ import annotations

import itertools
import json
from urllib.parse import urlencode

import pytest

from chalicelib.identity import accounts, tokens

PASSWORD = "Msap-Passw0rd-Tester"
_seq = itertools.count(1)


class Ms:
    """GET with query parameters, POST with JSON; returns (HTTP status, envelope)."""

    def __init__(self, client, token: str | None, username: str = ""):
        self.client, self.token, self.username = client, token, username

    def _headers(self, extra=None):
        h = {"Content-Type": "application/json"}
        if self.token:
            h["Authorization"] = f"Bearer {self.token}"
        return {**h, **(extra or {})}

    @staticmethod
    def _out(r):
        try:
            return r.status_code, json.loads(r.body) if r.body else None
        except ValueError:
            return r.status_code, r.body

    def get(self, path, headers=None, **params):
        q = urlencode({k: v for k, v in params.items() if v is not None}, doseq=True)
        r = self.client.http.get(path + (f"?{q}" if q else ""), headers=self._headers(headers))
        return self._out(r)

    def post(self, path, body=None, headers=None, raw=None):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        r = self.client.http.post(path, headers=self._headers(headers), body=data)
        return self._out(r)

    # -------- shortcuts that must succeed
    def ok_get(self, path, **params):
        status, env = self.get(path, **params)
        assert status == 200 and env["code"] == "200", (status, env)
        return env["data"]

    def ok_post(self, path, body=None):
        status, env = self.post(path, body)
        assert status == 200 and env["code"] == "200", (status, env)
        return env["data"]

    def fails(self, method, path, body_or_params=None, status=400):
        if method == "GET":
            st, env = self.get(path, **(body_or_params or {}))
        else:
            st, env = self.post(path, body_or_params)
        assert st == status, (st, env)
        assert env["code"] == "500" and env["data"] == "", env
        return env["msg"]

    # -------- common objects
    def project(self, code=None, name=None) -> str:
        n = next(_seq)
        return self.ok_post("/v1/project/createProject", {"projectCode": code or f"proj-{n}",
                                                          "projectName": name or f"项目{n:03d}"})

    def sub_account(self, name=None, real_name=None, org="研发部") -> "Ms":
        name = name or f"sub{next(_seq)}"
        self.ok_post("/v1/tenant/createSubAccount", {"userName": name, "password": PASSWORD,
                                                     "realName": real_name or f"用户{name}", "orgName": org})
        token, _ = tokens.issue(name, "edgeplane")
        sub = Ms(self.client, token, name)
        sub.user_id = accounts.get_account(name).num
        return sub


def main_account(client, name=None) -> Ms:
    name = name or f"tenant{next(_seq)}"
    acct = accounts.create_account(name, PASSWORD)
    token, _ = tokens.issue(name, "edgeplane")
    ms = Ms(client, token, name)
    ms.user_id = int(acct.num)
    return ms


@pytest.fixture
def ms(client) -> Ms:
    return main_account(client)


@pytest.fixture
def ms_other(client) -> Ms:
    return main_account(client)


@pytest.fixture
def anon(client) -> Ms:
    return Ms(client, None)


def add_member(owner: Ms, project_id: str, member: Ms, roles=(2,)):
    owner.ok_post("/v1/project/member/authorizeRole", {
        "projectId": project_id, "userInfoVOList": [
            {"userId": member.user_id, "userName": member.username, "userRoles": list(roles)}]})
