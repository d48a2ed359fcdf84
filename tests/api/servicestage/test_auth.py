"""ServiceStage authentication: IAM tokens, permanent access keys, AK/SK signatures (as the SDK signs),
project scoping, the error formats."""
from __future__ import annotations

import json

from chalicelib.core import clock
from tests.api.servicestage.conftest import HOST, PASSWORD, access_key, make_caller, sign, token_for

RUNTIMES = "/v2/{project_id}/cas/metadata/runtimes"


def test_token_body_and_header(client, ss_admin):
    token, info = token_for(client, "admin", "Adm1nPassw0rd")
    assert token and info["project"]["name"] == "default" and info["user"]["name"] == "admin"
    assert info["project"]["id"] == ss_admin.project
    status, body = ss_admin.get(RUNTIMES)
    assert status == 200 and body["runtimes"][0]["type_name"] == "Java8"
    assert isinstance(body["runtimes"][0]["container_default_port"], int)


def test_bad_credentials_and_missing_auth(client, ss_user):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": ss_user.username,
                                                                                 "password": "wrong"}}},
                     "scope": {"project": {"name": "default"}}}}
    r = client.http.post("/v3/auth/tokens", headers={"Content-Type": "application/json"}, body=json.dumps(body))
    assert r.status_code == 401 and json.loads(r.body)["error"]["code"] == 401
    r = client.http.get(f"/v2/{ss_user.project}/cas/metadata/runtimes", headers={"Content-Type": "application/json"})
    assert r.status_code == 401 and json.loads(r.body)["error_code"] == "APIGW.0301"
    r = client.http.get(f"/v2/{ss_user.project}/cas/metadata/runtimes", headers={"X-Auth-Token": "garbage"})
    assert r.status_code == 401 and set(json.loads(r.body)) == {"error_code", "error_msg"}


def test_project_in_path_must_be_the_callers(ss_user, ss_other):
    status, body = ss_user.call("GET", f"/v2/{ss_other.project}/cas/metadata/runtimes")
    assert status == 403 and body["error_code"] == "APIGW.0302"


def test_projects_by_name_are_per_domain(client, ss_user):
    other = make_caller(client, ss_user.username, project="cn-north-4")
    assert other.project != ss_user.project
    status, body = other.get("/v3/projects?name=cn-north-4")
    assert status == 200 and [p["id"] for p in body["projects"]] == [other.project]


def test_aksk_signature_verified(ss_user, ss_signed):
    status, body = ss_signed.get(RUNTIMES)
    assert status == 200, body
    # a tampered signature, a wrong secret, an unknown key
    ak, sk = ss_signed.ak, ss_signed.sk
    assert ss_user.signed(ak, sk + "x").get(RUNTIMES)[0] == 401
    assert ss_user.signed("NOSUCHKEY0000000", sk).get(RUNTIMES)[0] == 401
    path = f"/v2/{ss_user.project}/cas/metadata/runtimes"
    h = sign("GET", path, {"Content-Type": "application/json"}, b"", ak, sk)
    h["Authorization"] = h["Authorization"][:-4] + "0000"
    r = ss_user.client.http.get(path, headers=h)
    assert r.status_code == 401 and json.loads(r.body)["error_code"] == "APIGW.0301"


def test_aksk_clock_window_and_replay(ss_user, ss_signed):
    ak, sk = ss_signed.ak, ss_signed.sk
    path = f"/v2/{ss_user.project}/cas/metadata/runtimes"
    h = sign("GET", path, {"Content-Type": "application/json"}, b"", ak, sk)
    clock.advance(16 * 60)
    r = ss_user.client.http.get(path, headers=h)
    assert r.status_code == 401 and "window" in json.loads(r.body)["error_msg"]
    clock.reset()
    # a mutating request is accepted once
    cred_path = "/v3.0/OS-CREDENTIAL/credentials"
    body = json.dumps({"credential": {"user_id": ss_user.account_id}}).encode()
    h = sign("POST", cred_path, {"Content-Type": "application/json"}, body, ak, sk)
    r1 = ss_user.client.http.post(cred_path, headers=h, body=body)
    r2 = ss_user.client.http.post(cred_path, headers=h, body=body)
    assert r1.status_code == 201, r1.body
    assert r2.status_code == 401 and "already used" in json.loads(r2.body)["error"]["message"]


def test_aksk_signed_project_must_match(ss_user, ss_other):
    ak, sk = access_key(ss_user)
    path = f"/v2/{ss_user.project}/cas/metadata/runtimes"
    h = sign("GET", path, {"Content-Type": "application/json", "X-Project-Id": ss_other.project}, b"", ak, sk)
    assert ss_user.client.http.get(path, headers=h).status_code == 403
    # the other user's project with this key
    path = f"/v2/{ss_other.project}/cas/metadata/runtimes"
    h = sign("GET", path, {"Content-Type": "application/json"}, b"", ak, sk)
    assert ss_user.client.http.get(path, headers=h).status_code == 403


def test_secret_is_sealed_and_returned_once(ss_user):
    from chalicelib.store.servicestage import SsCredential
    ak, sk = access_key(ss_user)
    item = SsCredential.get(f"SSAK#{ak}", "K")
    assert sk not in json.dumps(item.attribute_values, default=str)
    assert ss_user.post("/v3.0/OS-CREDENTIAL/credentials", {"credential": {"user_id": "someone-else"}})[0] == 403


def test_servicecomb_token(client, ss_user):
    r = client.http.post("/v4/token", headers={"Content-Type": "application/json"},
                         body=json.dumps({"name": ss_user.username, "password": PASSWORD}))
    assert r.status_code == 200 and json.loads(r.body)["token"]
    r = client.http.post("/v4/token", headers={"Content-Type": "application/json"},
                         body=json.dumps({"name": ss_user.username, "password": "nope"}))
    assert r.status_code == 401 and json.loads(r.body)["errorCode"] == "401202"
    assert HOST


def test_identical_delete_inside_one_second_is_answered_on_its_merits(ss_user, ss_signed):
    """The SDK's date has one-second resolution: a client that retries a DELETE at once (e.g. after a 409 it has
    just cleared up) sends the very same signature, and must get the delete's own answer, not 'already used'.
    A PUT, which could undo a later change when replayed, is still accepted once."""
    ak, sk = ss_signed.ak, ss_signed.sk
    status, app = ss_user.post("/v3/{project_id}/cas/applications", {"name": "twicedeleted"})
    assert status == 200, app
    path = f"/v3/{ss_user.project}/cas/applications/{app['id']}"
    body = json.dumps({"description": "changed"}).encode()
    hp = sign("PUT", path, {"Content-Type": "application/json"}, body, ak, sk)
    assert ss_user.client.http.put(path, headers=hp, body=body).status_code == 200
    r = ss_user.client.http.put(path, headers=hp, body=body)
    assert r.status_code == 401 and "already used" in json.loads(r.body)["error_msg"]
    h = sign("DELETE", path, {"Content-Type": "application/json"}, b"", ak, sk)
    first = ss_user.client.http.delete(path, headers=h)
    again = ss_user.client.http.delete(path, headers=h)
    assert first.status_code in (200, 204), first.body
    assert again.status_code == 404, again.body
    assert json.loads(again.body)["error_code"] == "SVCSTG.00100403"  # the application does not exist
