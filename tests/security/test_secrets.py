"""Secrets never in responses or logs, on all five APIs and edgeplane's admin API.

Per API, sign in and create every kind of secret that API takes (passwords of new users, password changes,
third-party registry passwords, VM passwords, service-connection tokens, API keys, AK/SK, session JWTs), with all
log output captured (every ``logging`` record at DEBUG including its structured extras, and the process's stdout /
stderr, where the powertools logger writes). Asserted:

* no secret value, password or issued JWT appears in any log output;
* no secret appears in any response body except the one documented to hand it out (the login answer carrying
  its token, the creation answer of an API key / AK/SK, EdgeGallery's application certificate which its API
  documents as readable by the owner) — the follow-up reads (lists, details, "current user") are checked;
* no plaintext password or secret is stored: the whole table is read back raw (test-only scan) and grepped;
* every password the APIs stored is an argon2id hash.
"""
from __future__ import annotations

import json
import logging

import boto3
import pytest

from chalicelib.core.config import settings
from chalicelib.core.logging import logger as ep_logger
from chalicelib.identity import accounts
from tests.conftest import ADMIN


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        try:
            msg = record.getMessage()
        except Exception:
            msg = str(record.msg)
        self.lines.append(msg + " " + json.dumps({k: v for k, v in record.__dict__.items() if k != "msg"},
                                                   default=str))


@pytest.fixture
def logs(capfd, caplog):
    caplog.set_level(logging.DEBUG)
    handler = _Collect()
    targets = [logging.getLogger(), logging.getLogger("edgeplane")]
    for t in targets:
        t.addHandler(handler)
    old = ep_logger.log_level
    ep_logger.setLevel("DEBUG")

    def text():
        out, err = capfd.readouterr()
        return "\n".join(handler.lines) + caplog.text + out + err
    yield text
    ep_logger.setLevel(old)
    for t in targets:
        t.removeHandler(handler)


class Recorder:
    """Sends requests and keeps every response body, marking those documented to return a given secret."""

    def __init__(self, client):
        self.client = client
        self.bodies: list[tuple[str, str]] = []   # (label, body)
        self.allowed: dict[str, set[str]] = {}    # secret -> labels allowed to show it

    def call(self, method, path, body=None, headers=None, label=None, allow=()):
        h = {"content-type": "application/json", **(headers or {})}
        data = body if isinstance(body, bytes) else (json.dumps(body).encode() if body is not None else b"")
        r = self.client.http.request(method, path, headers=h, body=data)
        text = r.body.decode("utf-8", "replace") if isinstance(r.body, bytes) else str(r.body or "")
        text += " " + json.dumps({k: v for k, v in r.headers.items()})
        lab = label or f"{method} {path}"
        self.bodies.append((lab, text))
        for s in allow:
            self.allowed.setdefault(s, set()).add(lab)
        assert r.status_code < 500, (lab, text[:300])
        try:
            return r.status_code, json.loads(r.body) if r.body else None, r
        except ValueError:
            return r.status_code, None, r

    def check(self, secrets):
        for s in secrets:
            for lab, text in self.bodies:
                if s in text:
                    assert lab in self.allowed.get(s, set()), f"secret {s[:12]}... returned by {lab}"


def _raw_table() -> str:
    ddb = boto3.client("dynamodb", region_name=settings().region)
    items = []
    for page in ddb.get_paginator("scan").paginate(TableName=settings().table_name):  # test-only full read
        items.extend(page["Items"])
    return json.dumps(items, default=str)


def _token_of(r):
    return {k.lower(): v for k, v in r.headers.items()}


def scenario(name, rec: Recorder) -> tuple[list[str], list[str]]:
    """Run the API's secret-bearing calls; returns (secrets, usernames whose stored password to check)."""
    if name == "otestack":
        st, body, _ = rec.call("POST", "/v1/authorization", {"user": ADMIN[0], "password": ADMIN[1]},
                               label="login")
        tok = body["token"]
        rec.allowed.setdefault(tok, set()).add("login")
        h = {"authorization": tok}
        user_pw, new_pw, ext_pw, reg_pw = "Regist3rPassw0rd", "Chang3dPassw0rd", "Ext-Reg-Pw-9", "Harb0r-Pw-9x"
        assert rec.call("POST", "/v1/user", {"user": "secuser", "password": user_pw, "phone": "13811112222",
                                              "realName": "S", "isAdmin": False})[0] == 200
        tenant = accounts.create_tenant("otestack", "secbiz", owner="secbiz-admin", status="active",
                                        attrs={"status": 1})
        accounts.create_account("secbiz-admin", "Passw0rdA", tenant_id=tenant.tenant_id, role="admin",
                                profile={"isAdmin": True, "businessId": int(tenant.num), "phone": "13800009999"})
        st, body, _ = rec.call("POST", "/v1/authorization", {"user": "secbiz-admin", "password": "Passw0rdA"},
                               label="login2")
        btok = body["token"]
        rec.allowed.setdefault(btok, set()).add("login2")
        bh = {"authorization": btok}
        assert rec.call("PUT", "/v1/user", {"oldPassword": "Passw0rdA", "password": new_pw}, bh)[0] == 200
        assert rec.call("POST", "/v1/repository/third", {"repositoryId": "r1", "address": "hub.example.com",
                                                          "user": "u", "password": ext_pw}, bh)[0] == 200
        assert rec.call("POST", "/v1/repository/user", {"user": "harborsec", "password": reg_pw}, bh)[0] == 200
        for path in ("/v1/admin/user", "/v1/authorization", "/v1/business"):
            rec.call("GET", path, headers=h)
        for path in ("/v1/repository/third", "/v1/repository/third/r1", "/v1/authorization"):
            rec.call("GET", path, headers=bh)
        return [tok, btok, user_pw, new_pw, ext_pw, reg_pw, ADMIN[1], "Passw0rdA"], ["secuser", "secbiz-admin"]
    if name == "edgegallery":
        from tests.api.edgegallery.conftest import upload_icon
        from tests.api.edgegallery.test_vms import image, vm_body
        from tests.conftest import Api
        st, body, _ = rec.call("POST", "/edgeplane/v1/login", {"username": ADMIN[0], "password": ADMIN[1]},
                               label="login")
        tok = body["token"]
        rec.allowed.setdefault(tok, set()).add("login")
        dev = Api(rec.client, {"access_token": tok})
        h = {"access_token": tok}
        base = "/mec/developer/v2/applications"
        st, app, _ = rec.call("POST", base, {"name": "secapp", "version": "1.0", "provider": "acme",
                                             "appClass": "VM", "architecture": "X86", "description": "d",
                                             "iconFileId": upload_icon(dev), "type": "Video Application",
                                             "industry": "Smart Park"}, h)
        vm_pw, sk = "Vm-Secret-Pw-77", "Sk" + "q" * 38
        body = vm_body(image(dev))
        body["vmCertificate"]["pwdCertificate"]["password"] = vm_pw
        st, vm, _ = rec.call("POST", f"{base}/{app['id']}/vms", body, h)
        assert st == 200, vm
        cert = f"{base}/{app['id']}/appconfiguration/appcertificate"
        rec.call("POST", cert, {"ak": "AK1", "sk": sk}, h, label="cert-create", allow=[sk])
        rec.call("GET", cert, headers=h, label="cert-read", allow=[sk])
        rec.call("GET", f"{base}/{app['id']}", headers=h, label="app-read", allow=[sk])  # documented: appConfiguration
        rec.call("GET", f"{base}/{app['id']}/detail", headers=h, label="detail-read", allow=[sk])  # the same document
        for path in (f"{base}/{app['id']}/vms", f"{base}/{app['id']}/vms/{vm['id']}"):
            rec.call("GET", path, headers=h)
        return [tok, vm_pw, sk, ADMIN[1]], []
    if name == "mobiledgex":
        pw, new_pw = "Mx-Edge-Cloud-Secret-2026!", "Mx-Edge-Cloud-Changed-2026!"
        assert rec.call("POST", "/api/v1/usercreate", {"Name": "mxsec", "Email": "mxsec@example.com",
                                                       "Passhash": pw})[0] == 200
        st, body, _ = rec.call("POST", "/api/v1/login", {"username": "mxsec", "password": pw}, label="login")
        tok = body["token"]
        rec.allowed.setdefault(tok, set()).add("login")
        h = {"authorization": f"Bearer {tok}"}
        assert rec.call("POST", "/api/v1/auth/org/create", {"Name": "mxsecorg", "Type": "developer"}, h)[0] == 200
        st, key, _ = rec.call("POST", "/api/v1/auth/user/create/apikey", {
            "Org": "mxsecorg", "Description": "ci", "Permissions": [{"Resource": "apps", "Action": "view"}]}, h,
            label="apikey-create")
        assert st == 200, key
        rec.allowed.setdefault(key["ApiKey"], set()).add("apikey-create")
        st, kl, _ = rec.call("POST", "/api/v1/login", {"username": key["Id"], "password": key["ApiKey"]},
                             label="key-login")
        rec.allowed.setdefault(kl["token"], set()).add("key-login")
        assert rec.call("POST", "/api/v1/auth/user/newpass", {"currentpassword": pw, "password": new_pw}, h)[0] == 200
        for path in ("/api/v1/auth/user/current", "/api/v1/auth/user/show", "/api/v1/auth/user/show/apikey",
                     "/api/v1/auth/role/showuser"):
            rec.call("POST", path, {}, h)
        return [tok, pw, new_pw, key["ApiKey"], kl["token"]], ["mxsec"]
    if name == "servicestage":
        pw = "Ss-Secret-Passw0rd-1"
        accounts.create_account("sssec", pw)
        login = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "name": "sssec", "password": pw, "domain": {"name": "sssec"}}}}, "scope": {"project": {"name": "p1"}}}}
        st, body, r = rec.call("POST", "/v3/auth/tokens", login, label="login")
        tok = _token_of(r)["x-subject-token"]
        rec.allowed.setdefault(tok, set()).add("login")
        project, user_id = body["token"]["project"]["id"], body["token"]["user"]["id"]
        h = {"x-auth-token": tok}
        st, cred, _ = rec.call("POST", "/v3.0/OS-CREDENTIAL/credentials", {"credential": {
            "user_id": user_id, "description": "ci"}}, h, label="aksk-create")
        assert st == 201, cred
        secret = cred["credential"]["secret"]
        rec.allowed.setdefault(secret, set()).add("aksk-create")
        st, sc, _ = rec.call("POST", "/v4/token", {"name": "sssec", "password": pw}, label="sc-token")
        rec.allowed.setdefault(sc["token"], set()).add("sc-token")
        from tests.api.servicestage.conftest import sign
        path = f"/v3/{project}/cas/applications"
        signed = sign("GET", path, {"Content-Type": "application/json"}, b"", cred["credential"]["access"], secret)
        assert rec.call("GET", path, headers=signed, label="signed-read")[0] == 200
        rec.call("GET", "/v3/projects", headers=h)
        rec.call("GET", f"/v4/{project}/registry/microservices", headers={"authorization": f"Bearer {sc['token']}"})
        return [tok, secret, sc["token"], pw], ["sssec"]
    if name == "msap":
        st, body, _ = rec.call("POST", "/edgeplane/v1/login", {"username": ADMIN[0], "password": ADMIN[1]},
                               label="login")
        tok = body["token"]
        rec.allowed.setdefault(tok, set()).add("login")
        h = {"authorization": f"Bearer {tok}"}
        sub_pw, conn_tok = "Msap-Sub-Passw0rd-9", "ghp_" + "s3cr3t" * 6
        st, env, _ = rec.call("POST", "/v1/project/createProject", {"projectCode": "secp", "projectName": "安全项目"}, h)
        assert st == 200 and env["code"] == "200", env
        pid = env["data"]
        assert rec.call("POST", "/v1/tenant/createSubAccount", {"userName": "mssub", "password": sub_pw,
                                                                "realName": "Sub", "orgName": "o"}, h)[0] == 200
        st, env, _ = rec.call("POST", "/v1/service/connection/createServiceConnection", {
            "projectId": pid, "connectionName": "c1", "connectionType": "GITHUB", "token": conn_tok}, h)
        assert env["code"] == "200", env
        for path in (f"/v1/service/connection/listServiceConnection?projectId={pid}",
                     "/v1/project/member/listSubAccountPage", f"/v1/project/member/listEnableSubAccountPage?projectId={pid}"):
            rec.call("GET", path, headers=h)
        return [tok, sub_pw, conn_tok, ADMIN[1]], ["mssub"]
    # edgeplane's own API: users and API keys
    st, body, _ = rec.call("POST", "/edgeplane/v1/login", {"username": ADMIN[0], "password": ADMIN[1]}, label="login")
    tok = body["token"]
    rec.allowed.setdefault(tok, set()).add("login")
    h = {"authorization": f"Bearer {tok}"}
    pw = "Edgeplane-User-Pw-1"
    assert rec.call("POST", "/edgeplane/v1/users", {"username": "epsec", "password": pw}, h)[0] in (200, 201)
    st, key, _ = rec.call("POST", "/edgeplane/v1/users/epsec/keys", {"name": "ci"}, h, label="key-create")
    assert st in (200, 201), key
    raw_key = key.get("key") or key.get("apiKey") or key.get("secret")
    assert raw_key, key
    rec.allowed.setdefault(raw_key, set()).add("key-create")
    for path in ("/edgeplane/v1/users", "/edgeplane/v1/users/epsec", "/edgeplane/v1/users/epsec/keys",
                 "/edgeplane/v1/me", "/edgeplane/v1/audit"):
        rec.call("GET", path, headers=h)
    rec.call("GET", "/edgeplane/v1/me", headers={"authorization": raw_key})
    return [tok, pw, raw_key, ADMIN[1]], ["epsec"]


@pytest.mark.parametrize("name", ["otestack", "edgegallery", "mobiledgex", "servicestage", "msap", "edgeplane"])
def test_secrets_stay_out_of_answers_logs_and_the_store(client, inline_workers, logs, name):
    rec = Recorder(client)
    secrets, users = scenario(name, rec)
    assert all(len(s) >= 8 for s in secrets)
    rec.check(secrets)
    text = logs()
    assert text  # the capture sees the request logs at all
    for s in secrets:
        assert s not in text, f"{name}: secret {s[:12]}... in the logs"
    raw = _raw_table()
    for s in secrets:
        if s.count(".") == 2 and len(s) > 60:
            continue  # JWTs are never stored (revocation keeps only the jti): checked in logs/answers above
        assert s not in raw, f"{name}: secret {s[:12]}... stored in plaintext"
    for username in users + [ADMIN[0]]:
        acct = accounts.get_account(username)
        assert acct is not None and acct.password_hash.startswith("$argon2id$"), username
        assert accounts.check_password(acct, "definitely-wrong") is False


def test_the_log_capture_sees_the_powertools_logger(logs):
    """Control: a value logged through edgeplane's logger (message or structured extra) is found."""
    ep_logger.debug("canary message", extra={"field": "canary-extra-value"})
    ep_logger.info("canary-info-value")
    text = logs()
    assert "canary-extra-value" in text and "canary-info-value" in text
