"""Security suite fixtures: per-API "worlds" with two tenants (A and B) built through the existing API helpers.

A world holds tenant A's callers and a representative object set, tenant B's caller, A's ids by path-parameter
/ body-field name, and ``snapshot()`` (what A reads about its own objects: compared before/after an attack).
``MARK`` is written only into descriptive fields of A's objects that an attacker never sends, so it showing up in
an attacker's 2xx answer means A's data leaked.
"""
from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Callable

import pytest

from chalicelib.identity import accounts, tokens
from tests.conftest import ADMIN, Api

MARK = "qzprivatemark"
APIS = ["otestack", "edgegallery", "mobiledgex", "servicestage", "msap"]
_seq = itertools.count(1)


def surface_routes(app, surface: str):
    """(method, path, meta) of every registered route of ``surface``."""
    for path, methods in app.routes.items():
        for method, entry in methods.items():
            meta = getattr(entry.view_function, "__edgeplane_endpoint__", None)
            if meta and meta["surface"].name == surface:
                yield method, path, meta


def body_text(r) -> str:
    raw = r.body
    return raw.decode("utf-8", "replace") if isinstance(raw, (bytes, bytearray)) else str(raw or "")


@dataclass
class World:
    name: str
    a: object                 # tenant A's main caller
    b: object                 # tenant B's caller
    ids: dict                 # A's ids by parameter / field name
    snapshot: Callable[[], list]
    raw_b: Callable = None    # raw_b(method, path, body: dict|None) -> chalice response, as B
    extra: dict = field(default_factory=dict)


# ---------------------------------------------------------------- otestack
def otestack_world(api: Api) -> World:
    from tests.api.otestack.conftest import new_business
    from tests.api.otestack.helpers import create_app

    def business(tag):
        return new_business(api, f"sec{tag}{next(_seq)}")

    a_admin, a_member, info = business("a")
    b_admin, _, _ = business("b")
    app = create_app(a_member, env=[{"name": "MODE", "value": MARK}])
    st, dep = a_member.post("/v1/deploy", {"deployName": "web-prod", "appName": "web", "version": "1.1.1",
                                           "cluster": "all", "nodeLabel": "all", "comment": MARK})
    assert st == 200, dep
    st, repo = a_admin.post("/v1/repository/third", {"repositoryId": "secrepo", "address": "reg.example.com",
                                                     "user": MARK, "password": "Th1rdPartyPw"})
    assert st == 200, repo
    member_id = accounts.get_account(info["member"]).num
    ids = {"appId": app["id"], "deployId": dep["data"]["id"], "repoId": "secrepo", "userId": member_id,
           "id": info["businessId"], "deployName": "web-prod", "clusterName": "south", "*": app["id"]}

    def snapshot():
        return [a_admin.get("/v1/app"), a_admin.get(f"/v1/app/id/{app['id']}"), a_admin.get("/v1/deploy"),
                a_admin.get(f"/v1/deploy/id/{ids['deployId']}"), a_admin.get("/v1/repository/third"),
                a_admin.get(f"/v1/business/id/{info['businessId']}")]

    def raw_b(method, path, body):
        return b_admin.client.http.request(method, path, headers={**b_admin.headers,
                                                                   "content-type": "application/json"},
                                           body=json.dumps(body).encode() if body is not None else b"")
    return World("otestack", a_admin, b_admin, ids, snapshot, raw_b, {"member": a_member, "info": info})


# ---------------------------------------------------------------- edgegallery
def edgegallery_world(api: Api) -> World:
    from tests.api.edgegallery.conftest import developer, upload_icon
    from tests.api.edgegallery.test_vms import image, vm_body

    a, b = developer(api), developer(api)

    def new_app(caller, **fields):
        body = {"name": f"secapp{next(_seq)}", "version": "1.0", "provider": "acme", "appClass": "CONTAINER",
                "architecture": "X86", "description": MARK, "iconFileId": upload_icon(caller),
                "type": "Video Application", "industry": "Smart Park", **fields}
        st, out = caller.post("/mec/developer/v2/applications", body)
        assert st == 200, out
        return out

    app = new_app(a)
    vm_app = new_app(a, appClass="VM")
    img = image(a)
    st, vm = a.post(f"/mec/developer/v2/applications/{vm_app['id']}/vms", vm_body(img))
    assert st == 200, vm
    ids = {"applicationId": app["id"], "vmId": vm["id"], "imageId": img, "fileId": app["iconFileId"],
           "*": app["id"]}
    vm_ids = dict(ids, applicationId=vm_app["id"])

    def snapshot():
        base = "/mec/developer/v2/applications"
        return [a.get(f"{base}/{app['id']}"), a.get(f"{base}/{vm_app['id']}"), a.get(f"{base}/{vm_app['id']}/vms"),
                a.get(f"/mec/developer/v2/vmimages/{img}"), a.get(f"{base}?limit=50&offset=0")]

    def raw_b(method, path, body):
        return b.client.http.request(method, path, headers={**b.headers, "content-type": "application/json"},
                                     body=json.dumps(body).encode() if body is not None else b"")
    return World("edgegallery", a, b, ids, snapshot, raw_b, {"vm_ids": vm_ids})


# ---------------------------------------------------------------- mobiledgex
def mobiledgex_world(client) -> World:
    from tests.api.mobiledgex.conftest import Mx, make_org, make_user
    mx = Mx(client)
    a, b = make_user(mx), make_user(mx)
    n = next(_seq)
    a.org = make_org(a, f"secdeva{n}", "developer")
    b.org = make_org(b, f"secdevb{n}", "developer")
    key = {"organization": a.org, "name": "secapp", "version": "1.0"}
    st, out = a.json("/auth/ctrl/CreateApp", {"Region": "local", "App": {
        "key": key, "image_type": "Docker", "image_path": f"docker.io/library/{MARK}:latest",
        "access_ports": "tcp:80"}})
    assert st == 200, out
    ids = {"org": a.org, "username": a.username, "appkey": key}

    def snapshot():
        return [a.stream("/auth/ctrl/ShowApp", {"Region": "local", "App": {}}),
                a.json("/auth/org/show", {}), a.json("/auth/role/showuser", {"org": a.org}),
                a.json("/auth/user/current", {})]

    def raw_b(method, path, body):
        return b.op(path[len("/api/v1"):], body)
    return World("mobiledgex", a, b, ids, snapshot, raw_b)


def mx_attack_body(ids: dict) -> dict:
    """What B sends to every MobiledgeX operation: A's org and A's object keys in the fields each op reads."""
    org, key = ids["org"], ids["appkey"]
    obj = {"key": key, "organization": org, "image_path": "docker.io/library/pwned:1"}
    return {"Region": "local", "org": org, "Org": org, "organization": org, "Organization": org, "name": org,
            "Name": org, "username": ids["username"], "role": "DeveloperManager", "Type": "developer",
            "App": obj, "AppInst": {"key": {"app_key": key, "cluster_inst_key": {"organization": org}}},
            "ClusterInst": {"key": {"organization": org, "cluster_key": {"name": "c1"}}},
            "Cloudlet": {"key": {"organization": org, "name": "c1"}}, "AlertPolicy": {"key": {"organization": org,
                                                                                             "name": "p"}},
            "AutoScalePolicy": {"key": {"organization": org, "name": "p"}},
            "AutoProvPolicy": {"key": {"organization": org, "name": "p"}},
            "TrustPolicy": {"key": {"organization": org, "name": "p"}}}


# ---------------------------------------------------------------- servicestage
def servicestage_world(client) -> World:
    from tests.api.servicestage.conftest import make_caller
    a, b = make_caller(client), make_caller(client)
    st, env = a.post("/v3/{project_id}/cas/environments", {"name": "secenv", "vpc_id": "vpc-1",
                                                          "description": MARK})
    assert st == 200, env
    st, app = a.post("/v3/{project_id}/cas/applications", {"name": "secapp", "description": MARK})
    assert st == 200, app
    st, kv = a.post("/v1/{project_id}/kie/kv", {"key": "seckey", "value": MARK, "labels": {"app": "a1"},
                                                "status": "enabled", "value_type": "text"})
    assert st == 200, kv
    st, svc = a.post("/v4/{project_id}/registry/microservices", {"service": {
        "appId": "shop", "serviceName": "secsvc", "version": "1.0.0", "description": MARK}})
    assert st == 200, svc
    ids = {"project_id": a.project, "environment_id": env["id"], "application_id": app["id"], "kv_id": kv["id"],
           "service_id": svc["serviceId"], "project": a.project, "*": app["id"]}

    def snapshot():
        return [a.get(f"/v3/{{project_id}}/cas/environments/{env['id']}"),
                a.get(f"/v3/{{project_id}}/cas/applications/{app['id']}"),
                a.get("/v3/{project_id}/cas/applications"),
                a.get(f"/v1/{{project_id}}/kie/kv/{kv['id']}"),
                a.get(f"/v4/{{project_id}}/registry/microservices/{svc['serviceId']}")]

    def raw_b(method, path, body):
        return b.raw(method, path, body)
    return World("servicestage", a, b, ids, snapshot, raw_b)


# ---------------------------------------------------------------- msap
def msap_world(client) -> World:
    from tests.api.msap.conftest import main_account
    from tests.api.msap.test_apps import make_app, make_connection
    from tests.api.msap.test_env import make_env
    a, b = main_account(client), main_account(client)
    pid = a.project()
    b.project()
    conn = make_connection(a, pid, token="ghp_" + MARK)
    app_id = make_app(a, pid, conn, description=MARK)
    env_id = make_env(a, pid)
    ids = {"projectId": pid, "appId": app_id, "applicationId": app_id, "envId": env_id, "connectionId": conn,
           "id": app_id, "userId": a.user_id}

    def snapshot():
        return [a.get("/v1/project/listProjectsPage"), a.get("/v1/app/getApplicationListPage", projectId=pid),
                a.get("/v1/env/listEnvs", projectId=pid),
                a.get("/v1/service/connection/listServiceConnection", projectId=pid)]

    def raw_b(method, path, body):
        h = b._headers()
        if method == "GET":
            from urllib.parse import urlencode
            q = urlencode({k: v for k, v in (body or {}).items() if not isinstance(v, (dict, list))})
            return client.http.get(path + ("?" + q if q else ""), headers=h)
        return client.http.request(method, path, headers=h, body=json.dumps(body or {}).encode())
    return World("msap", a, b, ids, snapshot, raw_b)


def build_world(name: str, api: Api) -> World:
    if name == "otestack":
        return otestack_world(api)
    if name == "edgegallery":
        return edgegallery_world(api)
    if name == "mobiledgex":
        return mobiledgex_world(api.client)
    if name == "servicestage":
        return servicestage_world(api.client)
    return msap_world(api.client)


@pytest.fixture
def inline_workers(app):
    """MobiledgeX long operations wait for their job inside the request: pump the queues in-process."""
    from chalicelib import jobs
    from infra import pump
    jobs.set_idle(lambda: pump.drain(app, timeout=5))
    yield
    jobs.set_idle(None)


@pytest.fixture
def world(request, api, inline_workers):
    return build_world(request.param, api)


def login_token(api: Api, name: str, username: str, password: str) -> str:
    """A real login on API ``name``; returns the token as that API hands it out."""
    if name == "otestack":
        st, body = api.post("/v1/authorization", {"user": username, "password": password})
        assert st == 200, body
        return body["token"]
    if name == "mobiledgex":
        st, body = api.post("/api/v1/login", {"username": username, "password": password})
        assert st == 200, body
        return body["token"]
    if name == "servicestage":
        from tests.api.servicestage.conftest import token_for
        return token_for(api.client, username, password)[0]
    st, body = api.post("/edgeplane/v1/login", {"username": username, "password": password})
    assert st == 200, body
    return body["token"]


def admin_audit(api: Api) -> list[dict]:
    st, body = api.post("/edgeplane/v1/login", {"username": ADMIN[0], "password": ADMIN[1]})
    assert st == 200, body
    st, out = api.get("/edgeplane/v1/audit?limit=200", headers={"authorization": "Bearer " + body["token"]})
    assert st == 200, out
    return out["events"]


__all__ = ["MARK", "APIS", "World", "build_world", "surface_routes", "body_text", "mx_attack_body", "login_token",
           "admin_audit", "tokens"]
