"""Broken authentication on all five APIs (and edgeplane's own admin API).

Per API, against one protected read with that API's credential transport (otestack: raw JWT in
``Authorization``; edgegallery: ``access_token``; mobiledgex: ``Authorization: Bearer``; servicestage:
``X-Auth-Token``; msap: ``Authorization: Bearer``), with a working control request first:
no token, malformed, expired (``clock.advance``), revoked (otestack: ``DELETE /v1/authorization``, its documented
logout; the other APIs document no logout, so the shared deny-list is exercised through ``tokens.revoke`` and
must be honoured by every API), ``alg: none``, HS256 signed with a wrong key, and a token issued for another
audience. The audience matrix is the documented one: otestack and edgegallery and msap also accept edgeplane's
own tokens (shared identity, catalog + ``AUDIENCES`` in their auth modules); mobiledgex and servicestage accept
only their own. AK/SK (``SDK-HMAC-SHA256``) exists only on servicestage: tampered signature, body or path
changed after signing, stale ``X-Sdk-Date`` and a replayed mutating request.
"""
from __future__ import annotations

import jwt
import pytest

from chalicelib.core import clock
from chalicelib.core.config import settings
from chalicelib.identity import tokens
from tests.conftest import ADMIN
from tests.security.conftest import APIS, login_token

AUDS = ["otestack", "edgegallery", "mobiledgex", "servicestage", "servicecomb", "edgeplane", "msap"]
ACCEPTED = {"otestack": {"otestack", "edgeplane"}, "edgegallery": {"edgegallery", "edgeplane"},
            "mobiledgex": {"mobiledgex"}, "servicestage": {"servicestage"}, "msap": {"edgeplane", "msap"}}
OWN_LOGIN = {"otestack": "otestack", "edgegallery": "edgeplane", "mobiledgex": "mobiledgex",
             "servicestage": "servicestage", "msap": "edgeplane"}


class Target:
    """One protected read of an API, sent with a given token in that API's transport."""

    def __init__(self, api, name):
        self.api, self.name = api, name
        self.project = None

    def call(self, token: str | None):
        h = {}
        if self.name == "otestack":
            path = "/v1/app"
            if token is not None:
                h["authorization"] = token
        elif self.name == "edgegallery":
            path = "/mec/developer/v2/applications?limit=10&offset=0"
            if token is not None:
                h["access_token"] = token
        elif self.name == "mobiledgex":
            r = self.api.client.http.post("/api/v1/auth/user/current", body=b"{}", headers={
                "content-type": "application/json", **({"authorization": f"Bearer {token}"} if token is not None
                                                       else {})})
            return r.status_code
        elif self.name == "servicestage":
            path = f"/v3/{self.project}/cas/applications"
            if token is not None:
                h["x-auth-token"] = token
        else:
            path = "/v1/project/listProjectsPage"
            if token is not None:
                h["authorization"] = f"Bearer {token}"
        return self.api.client.http.get(path, headers=h).status_code


def _target(api, name) -> tuple[Target, str]:
    token = login_token(api, name, *ADMIN)
    t = Target(api, name)
    if name == "servicestage":
        t.project = jwt.decode(token, options={"verify_signature": False})["project_id"]
    return t, token


def _claims(token):
    return jwt.decode(token, options={"verify_signature": False})


@pytest.mark.parametrize("name", APIS)
def test_forged_and_missing_tokens_are_refused(api, name):
    t, token = _target(api, name)
    assert t.call(token) == 200
    claims = _claims(token)
    none_alg = jwt.encode(claims, key=None, algorithm="none")
    wrong_key = jwt.encode(claims, "not-the-edgeplane-key-" + "y" * 40, algorithm="HS256")
    header, payload, sig = token.split(".")
    flipped = f"{header}.{payload}.{sig[:-2]}{'AA' if sig[-2:] != 'AA' else 'BB'}"
    refresh_typ = jwt.encode({**claims, "typ": "refresh"}, settings().jwt_secret, algorithm="HS256")
    other_issuer = jwt.encode({**claims, "iss": "evil"}, settings().jwt_secret, algorithm="HS256")
    for bad in (None, "", "abc", "a.b.c", "Bearer", none_alg, wrong_key, flipped, refresh_typ, other_issuer,
                token + "x"):
        assert t.call(bad) == 401, (name, bad)


@pytest.mark.parametrize("name", APIS)
def test_expired_token_is_refused(api, name):
    t, token = _target(api, name)
    assert t.call(token) == 200
    clock.advance(2 * 24 * 3600 + 60)  # past every API's token lifetime (mobiledgex: 24 h)
    assert t.call(token) == 401


@pytest.mark.parametrize("name", APIS)
def test_revoked_token_is_refused(api, name):
    t, token = _target(api, name)
    assert t.call(token) == 200
    if name == "otestack":  # the documented logout
        assert api.delete("/v1/authorization", headers={"authorization": token})[0] == 200
    else:  # no documented logout: the shared deny-list must still bind this API
        c = _claims(token)
        tokens.revoke(c["jti"], int(c["exp"]))
    assert t.call(token) == 401


@pytest.mark.parametrize("name", APIS)
def test_audience_matrix(api, name):
    t, own = _target(api, name)
    extra = {"project_id": t.project} if name == "servicestage" else None
    for aud in AUDS:
        tok, _ = tokens.issue(ADMIN[0], aud, extra=extra)
        expected = 200 if aud in ACCEPTED[name] else 401
        assert t.call(tok) == expected, (name, aud)
    # and the token a real login on this API hands out is refused where that API's audience is not accepted
    for other in APIS:
        if other != name and OWN_LOGIN[name] not in ACCEPTED[other]:
            ot, _ = _target(api, other)
            assert ot.call(own) == 401, (name, "->", other)


def test_edgeplane_admin_api_refuses_other_audiences(api):
    for aud in ("otestack", "mobiledgex", "servicestage", "edgegallery"):
        tok, _ = tokens.issue(ADMIN[0], aud)
        assert api.get("/edgeplane/v1/me", headers={"authorization": f"Bearer {tok}"})[0] == 401
    tok, _ = tokens.issue(ADMIN[0], "edgeplane")
    assert api.get("/edgeplane/v1/me", headers={"authorization": f"Bearer {tok}"})[0] == 200


# ---------------------------------------------------------------- servicestage AK/SK
@pytest.fixture
def signed(client):
    from tests.api.servicestage.conftest import access_key, make_caller
    caller = make_caller(client)
    ak, sk = access_key(caller)
    return caller, ak, sk


def _send(client, method, path, headers, body=b""):
    return client.http.request(method, path, headers=headers, body=body)


def test_aksk_tampering_is_refused(client, signed):
    from tests.api.servicestage.conftest import sign
    caller, ak, sk = signed
    apps = f"/v3/{caller.project}/cas/applications"
    envs = f"/v3/{caller.project}/cas/environments"
    base = {"Content-Type": "application/json"}
    h = sign("GET", apps, base, b"", ak, sk)
    assert _send(client, "GET", apps, h).status_code == 200  # control
    # tampered signature
    bad = dict(h, Authorization=h["Authorization"][:-4] + ("0000" if not h["Authorization"].endswith("0000")
                                                           else "1111"))
    assert _send(client, "GET", apps, bad).status_code == 401
    # wrong secret key
    assert _send(client, "GET", apps, sign("GET", apps, base, b"", ak, sk + "x")).status_code == 401
    # unknown access key
    assert _send(client, "GET", apps, sign("GET", apps, base, b"", "NOSUCHAK", sk)).status_code == 401
    # path changed after signing
    assert _send(client, "GET", envs, h).status_code == 401
    # query added after signing
    assert _send(client, "GET", apps + "?limit=1", h).status_code == 401
    # body changed after signing
    body = b'{"name": "signedapp"}'
    hp = sign("POST", apps, base, body, ak, sk)
    r = _send(client, "POST", apps, hp, b'{"name": "tamperedapp"}')
    assert r.status_code == 401
    names = [a["name"] for a in caller.get("/v3/{project_id}/cas/applications")[1]["applications"]]
    assert "tamperedapp" not in names
    # the genuine request goes through once, its replay is refused
    assert _send(client, "POST", apps, hp, body).status_code == 200
    r = _send(client, "POST", apps, hp, body)
    assert r.status_code in (401, 403) and b"already used" in r.body


def test_aksk_stale_or_future_date_is_refused(client, signed):
    from tests.api.servicestage.conftest import sign
    caller, ak, sk = signed
    apps = f"/v3/{caller.project}/cas/applications"
    h = sign("GET", apps, {"Content-Type": "application/json"}, b"", ak, sk)
    assert _send(client, "GET", apps, h).status_code == 200
    clock.advance(16 * 60)  # beyond the 15-minute window
    assert _send(client, "GET", apps, h).status_code == 401
    clock.advance(-32 * 60)  # now the signature's date lies 16 minutes in the future
    assert _send(client, "GET", apps, h).status_code == 401
    clock.advance(16 * 60)
    # a date that is not signed cannot be swapped for a fresh one
    fresh = sign("GET", apps, {"Content-Type": "application/json"}, b"", ak, sk)
    mixed = dict(h, **{"X-Sdk-Date": fresh["X-Sdk-Date"]})
    if fresh["X-Sdk-Date"] != h["X-Sdk-Date"]:
        assert _send(client, "GET", apps, mixed).status_code == 401
    # host and x-sdk-date must be signed
    auth = h["Authorization"].replace("SignedHeaders=", "SignedHeaders=content-type;")
    stripped = dict(h, Authorization=auth.replace(";host", "").replace(";x-sdk-date", ""))
    assert _send(client, "GET", apps, stripped).status_code == 401


def test_servicecomb_bearer_tokens(api, client):
    """ServiceComb (``/v4``) takes its own engine token (``POST /v4/token``) as Bearer: forged, expired or foreign
    (IAM / other surfaces) Bearer tokens are refused."""
    from tests.api.servicestage.conftest import make_caller
    caller = make_caller(client)
    st, body = api.post("/v4/token", {"name": caller.username, "password": "Ss-Passw0rd-Tester"})
    assert st == 200, body
    tok = body["token"]
    path = f"/v4/{caller.project}/registry/microservices"

    def call(t):
        return client.http.get(path, headers={"authorization": f"Bearer {t}"}).status_code
    assert call(tok) == 200
    claims = _claims(tok)
    forged = [jwt.encode(claims, key=None, algorithm="none"),
              jwt.encode(claims, "not-the-edgeplane-key-" + "y" * 40, algorithm="HS256"), tok[:-3] + "abc",
              caller.token]  # an IAM token is not an engine Bearer token
    for aud in ("otestack", "edgeplane", "mobiledgex", "servicestage"):
        forged.append(tokens.issue(caller.username, aud)[0])
    for bad in forged:
        assert call(bad) == 401, bad[:30]
    clock.advance(13 * 3600)  # engine tokens live 12 h
    assert call(tok) == 401
