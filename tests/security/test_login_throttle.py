"""Login brute force is throttled on every login endpoint.

Endpoints: otestack ``POST /v1/authorization``, edgeplane ``POST /edgeplane/v1/login`` (also the documented login
of edgegallery and msap, which have none of their own: msap's catalog documents no scheme, edgegallery's tokens
come from the shared identity), mobiledgex ``POST /api/v1/login`` (upstream ladder: 3 failures → 60 s block),
servicestage IAM ``POST /v3/auth/tokens`` and ServiceComb ``POST /v4/token`` (shared identity: 5 failures → 300 s).

Asserted per endpoint: after repeated failures the *right* password is refused too (no token handed out), the
refusal holds just before the window ends, and the right password works once the window has passed (clock moved).
For the shared identity the lock is per account, so a lock earned on one endpoint also binds the others.
"""
from __future__ import annotations

import itertools
import json

import pytest

from chalicelib.core import clock
from chalicelib.identity import accounts

PASSWORD = "Mx-Edge-Cloud-Thr0ttle-2026!"
_n = itertools.count(1)


def _login(client, endpoint: str, user: str, password: str):
    if endpoint == "otestack":
        path, body = "/v1/authorization", {"user": user, "password": password}
    elif endpoint == "edgeplane":
        path, body = "/edgeplane/v1/login", {"username": user, "password": password}
    elif endpoint == "mobiledgex":
        path, body = "/api/v1/login", {"username": user, "password": password}
    elif endpoint == "iam":
        path, body = "/v3/auth/tokens", {"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "name": user, "password": password, "domain": {"name": user}}}}, "scope": {"project": {"name": "p1"}}}}
    else:
        path, body = "/v4/token", {"name": user, "password": password}
    r = client.http.post(path, headers={"content-type": "application/json"}, body=json.dumps(body).encode())
    text = r.body.decode() if isinstance(r.body, bytes) else str(r.body)
    return r.status_code, text


def _ok(status):
    return 200 <= status < 300


@pytest.mark.parametrize("endpoint,window", [("otestack", accounts.LOCK_SECONDS),
                                             ("edgeplane", accounts.LOCK_SECONDS),
                                             ("mobiledgex", 60),
                                             ("iam", accounts.LOCK_SECONDS),
                                             ("servicecomb", accounts.LOCK_SECONDS)])
def test_repeated_failures_lock_the_login(client, endpoint, window):
    user = f"brute{next(_n)}"
    if endpoint == "mobiledgex":
        from tests.api.mobiledgex.conftest import Mx
        st, body = Mx(client).json("/usercreate", {"Name": user, "Email": f"{user}@example.com",
                                                   "Passhash": PASSWORD})
        assert st == 200, body
    else:
        accounts.create_account(user, PASSWORD)
    assert _ok(_login(client, endpoint, user, PASSWORD)[0])  # control: the password is right
    for _ in range(6):
        st, _ = _login(client, endpoint, user, "wrong-" + PASSWORD)
        assert not _ok(st) and st < 500
    st, text = _login(client, endpoint, user, PASSWORD)
    assert not _ok(st) and st < 500, (endpoint, st, text)
    assert "eyJ" not in text  # no token handed out
    clock.advance(window - 5)
    assert not _ok(_login(client, endpoint, user, PASSWORD)[0])
    clock.advance(10)
    assert _ok(_login(client, endpoint, user, PASSWORD)[0]), endpoint


def test_a_lock_on_one_shared_identity_login_binds_the_others(client):
    user = f"brute{next(_n)}"
    accounts.create_account(user, PASSWORD)
    for _ in range(accounts.MAX_FAILED_LOGINS):
        assert not _ok(_login(client, "otestack", user, "nope")[0])
    for endpoint in ("otestack", "edgeplane", "iam", "servicecomb"):
        assert not _ok(_login(client, endpoint, user, PASSWORD)[0]), endpoint


def test_unknown_users_get_the_same_answer_as_wrong_passwords(client):
    accounts.create_account("knownuser", PASSWORD)
    for endpoint in ("otestack", "edgeplane", "iam", "servicecomb"):
        assert _login(client, endpoint, "knownuser", "bad") == _login(client, endpoint, "nosuchuser", "bad"), endpoint
