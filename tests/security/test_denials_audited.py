"""Every denial is audited: a 401 and a 403 on each of the five APIs (and on edgeplane's admin API) produce an
audit record (``chalicelib.core.web`` records denials) that the edgeplane admin audit API
(``GET /edgeplane/v1/audit``) returns, with surface, outcome ``denied``, status and the request path; for a 403
the record names the actor.
"""
from __future__ import annotations

import json

import pytest

from chalicelib.identity import accounts, tokens
from tests.security.conftest import APIS, admin_audit


def _denials(api):
    return [e for e in admin_audit(api) if e["outcome"] == "denied"]


def _find(events, surface, status, path, actor=None):
    return [e for e in events if e["surface"] == surface and e["status"] == status
            and (e["resource"] or "").split("?")[0] == path and (actor is None or e["actor"] == actor)]


def _unauthenticated(api, name):
    """(status, path) of a call without credentials."""
    if name == "mobiledgex":
        path = "/api/v1/auth/user/current"
        r = api.client.http.post(path, headers={"content-type": "application/json"}, body=b"{}")
    elif name == "servicestage":
        path = "/v3/0123456789abcdef0123456789abcdef/cas/applications"
        r = api.client.http.get(path)
    else:
        path = {"otestack": "/v1/app", "edgegallery": "/mec/developer/v2/applications",
                "msap": "/v1/project/listProjectsPage", "edgeplane": "/edgeplane/v1/me"}[name]
        r = api.client.http.get(path)
    return r.status_code, path


def _forbidden(api, name):
    """(status, path, actor) of an authenticated call the caller's role does not allow."""
    if name == "otestack":
        acct = accounts.create_account("auditloner", "Passw0rdL")  # approved, no business: role 1
        tok, _ = tokens.issue(acct.username, "otestack")
        path = "/v1/admin/user"
        r = api.client.http.get(path, headers={"authorization": tok})
        return r.status_code, path, acct.username
    if name == "edgegallery":
        from tests.api.edgegallery.conftest import developer
        guest = developer(api, "DEVELOPER_GUEST")
        path = "/mec/developer/v2/applications"
        r = api.client.http.post(path, headers={**guest.headers, "content-type": "application/json"},
                                 body=json.dumps({"name": "x", "version": "1.0"}).encode())
        return r.status_code, path, guest.account.username
    if name == "mobiledgex":
        from tests.api.mobiledgex.conftest import Mx, make_user
        user = make_user(Mx(api.client))
        path = "/api/v1/auth/ctrl/CreateFlavor"
        r = user.op("/auth/ctrl/CreateFlavor", {"Region": "local", "Flavor": {"key": {"name": "f"}, "ram": 1,
                                                                               "vcpus": 1, "disk": 1}})
        return r.status_code, path, user.username
    if name == "servicestage":
        from tests.api.servicestage.conftest import make_caller
        a, b = make_caller(api.client), make_caller(api.client)
        path = f"/v3/{a.project}/cas/applications"
        r = api.client.http.get(path, headers={"x-auth-token": b.token})
        return r.status_code, path, b.username
    if name == "msap":
        from tests.api.msap.conftest import main_account
        main = main_account(api.client)
        sub = main.sub_account()
        path = "/v1/tenant/createSubAccount"
        st, _ = sub.post(path, {"userName": "subsub1", "password": "Msap-Passw0rd-Tester", "realName": "x",
                                "orgName": "y"})
        return st, path, sub.username
    acct = accounts.create_account("auditplain", "Passw0rdP")
    tok, _ = tokens.issue(acct.username, "edgeplane")
    path = "/edgeplane/v1/audit"
    r = api.client.http.get(path, headers={"authorization": f"Bearer {tok}"})
    return r.status_code, path, acct.username


@pytest.mark.parametrize("name", APIS + ["edgeplane"])
def test_401_and_403_are_audited(api, name):
    before = {e["id"] for e in _denials(api)}
    st401, path401 = _unauthenticated(api, name)
    assert st401 == 401
    st403, path403, actor = _forbidden(api, name)
    assert st403 == 403
    new = [e for e in _denials(api) if e["id"] not in before]
    assert _find(new, name, 401, path401), (name, new)
    assert _find(new, name, 403, path403, actor), (name, new)


def test_audit_records_hold_no_credentials(api):
    tok, _ = tokens.issue("admin", "otestack")
    r = api.client.http.get("/v1/app", headers={"authorization": tok + "tampered"})
    assert r.status_code == 401
    events = admin_audit(api)
    assert _find(events, "otestack", 401, "/v1/app")
    assert tok not in json.dumps(events)


def test_a_valid_token_sent_with_someone_elses_user_id_is_audited_with_its_actor(api):
    from tests.api.edgegallery.conftest import developer
    dev = developer(api, "DEVELOPER_TENANT")
    path = "/mec/developer/v2/applications"
    r = api.client.http.get(path + "?userId=someone-else", headers=dev.headers)
    assert r.status_code == 401 and json.loads(r.body)["retCode"] == 20014
    assert _find(_denials(api), "edgegallery", 401, path, dev.account.username)
