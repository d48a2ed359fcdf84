"""ote-stack Repository Management (13 endpoints + 2 alias paths), through the HTTP API.

Every refused request is checked to answer the error envelope and to have changed nothing in the store
(:func:`snapshot`, across every business); :func:`state` reads one business's registry objects for the
read-back checks. Passwords are checked never to come back in a response (error messages included), and
never to be stored or audited in plain text.
"""
from __future__ import annotations

import json

import pytest

from chalicelib import registry
from chalicelib.core import aws, clock
from chalicelib.core.config import settings
from chalicelib.identity import accounts, passwords, sealing
from chalicelib.store import base as store
from chalicelib.store.base import Counter
from chalicelib.surfaces.otestack import registry_service as svc
from tests.api.otestack.conftest import token_api

DOMAIN = "registry.edgeplane.local"
EXT_PASSWORD = "pull-S3cret-value"
REG_PASSWORD = "Harb0rPassw0rd"
NEW_PASSWORD = "N3wHarborPass"


# ---------------------------------------------------------------- helpers
def state(tenant: str) -> dict:
    """Everything the registry endpoints can change in one business, read from the store."""
    projects = [(int(p.project_id), p.name, bool(p.public), int(p.image_count or 0))
                for p in registry.projects(tenant)]
    images = {name: sorted(img.name for img in registry.images(tenant, name)) for _, name, _, _ in projects}
    tags = {img: sorted((t.tag, t.digest) for t in registry.tags(tenant, img))
            for names in images.values() for img in names}
    acct = registry.get_account(tenant)
    repos = [(int(r.repo_num), r.repository_id, r.address, r.user, r.password_sealed)
             for r in svc.OteExternalRepo.gsi2.query(f"TENANT#{tenant}#OTEEXTREPO")]
    return {
        "projects": projects, "project_total": registry.project_total(tenant),
        "images": images, "image_totals": {n: registry.image_total(tenant, n) for n in images},
        "tags": tags, "tag_totals": {i: registry.tag_total(tenant, i) for i in tags},
        "account": None if acct is None else (acct.user, acct.password_hash),
        "repos": repos, "repo_total": Counter.value(f"TENANT#{tenant}#OTEEXTREPO"),
    }


# audit events (a refusal may be audited) and the target inventory (no registry call touches it)
IGNORED_KINDS = {"a": "AuditEvent", "c": "Cluster", "n": "Node", "m": "LabelMember", "l": "LabelName"}


def snapshot() -> list:
    """Every item of the table except audit events (a refusal may be audited) and id sequences (a refused
    create may have drawn an id: gaps are allowed).

    A test-only Scan: the service itself never scans. Covers every business, counters and unique claims.
    """
    pages = aws.client("dynamodb").get_paginator("scan").paginate(
        TableName=settings().table_name, FilterExpression="NOT (#k IN (:a, :c, :n, :m, :l))",
        ExpressionAttributeNames={"#k": "kind"},
        ExpressionAttributeValues={f":{k}": {"S": v} for k, v in IGNORED_KINDS.items()})
    items = [i for page in pages for i in page["Items"] if not i["pk"]["S"].startswith("SEQ#")]
    return sorted(items, key=lambda i: (i["pk"]["S"], i["sk"]["S"]))


def refused(api, method, path, body=None, *, status, raw=None, headers=None, contains=None):
    """Call, expect ``status`` with the error envelope, and check that nothing in the store changed."""
    before = snapshot()
    code, resp = api.call(method, path, body, raw=raw, headers=headers)
    assert code == status, (method, path, body, raw, resp)
    assert resp["code"] == status and isinstance(resp["message"], str) and resp["message"], resp
    assert set(resp) == {"code", "message"}, resp
    if contains:
        assert contains in resp["message"], resp
    no_secret(resp, REG_PASSWORD, EXT_PASSWORD, NEW_PASSWORD)
    assert snapshot() == before, (method, path, body, raw)
    return resp


def no_secret(resp, *secrets):
    text = json.dumps(resp)
    for s in secrets:
        assert s not in text, resp


def project(api, name, public=False):
    status, resp = api.post("/v1/repository/project", {"projectName": name, "public": public})
    assert status == 201 and resp == {"code": 200, "message": "success"}, resp


def project_id(tenant, name) -> int:
    return int(registry.get_project(tenant, name).project_id)


def ext_repo(api, rid, address="hub.example.com:5000", user="puller", password=EXT_PASSWORD,
             path="/v1/repository/third"):
    status, resp = api.post(path, {"repositoryId": rid, "address": address, "user": user, "password": password})
    assert status == 200 and resp == {"code": 200, "message": "success"}, resp


def listing(api, path):
    status, resp = api.get(path)
    assert status == 200, resp
    assert resp["code"] == 200 and resp["message"] == "success", resp
    return resp["data"], resp["total"]


@pytest.fixture
def biz(make_business):
    """Two approved businesses: A (admin, member, info) and B (admin, member, info)."""
    return make_business(), make_business()


# ---------------------------------------------------------------- authentication and scope
ROUTES = [
    ("GET", "/v1/repository/image?projectName=p1", None),
    ("GET", "/v1/repository/image/tag?imageName=p1/demo", None),
    ("DELETE", "/v1/repository/image", {"imageName": ["p1/demo"]}),
    ("DELETE", "/v1/repository/image/tag", {"imageName": "p1/demo", "tag": ["v1"]}),
    ("POST", "/v1/repository/user", {"user": "harboruser", "password": REG_PASSWORD}),
    ("PUT", "/v1/repository/user", {"password": NEW_PASSWORD}),
    ("GET", "/v1/repository/project", None),
    ("POST", "/v1/repository/project", {"projectName": "p2", "public": True}),
    ("DELETE", "/v1/repository/project", {"projectId": [1]}),
    ("POST", "/v1/repository/third", {"repositoryId": "r2", "address": "a", "user": "u", "password": EXT_PASSWORD}),
    ("POST", "/v1/repository", {"repositoryId": "r3", "address": "a", "user": "u", "password": EXT_PASSWORD}),
    ("DELETE", "/v1/repository/third", {"repositoryId": ["r1"]}),
    ("DELETE", "/v1/repository", {"repositoryId": ["r1"]}),
    ("GET", "/v1/repository/third", None),
    ("GET", "/v1/repository/third/r1", None),
]


def _seed(admin, info):
    project(admin, "p1")
    registry.push(info["tenant"], "p1", "demo", "v1")
    registry.create_account(info["tenant"], "seeduser", REG_PASSWORD)
    ext_repo(admin, "r1")


def test_every_route_needs_a_valid_token(api, biz):
    (a_admin, _, a), _ = biz
    _seed(a_admin, a)
    assert len(ROUTES) == 15
    for method, path, body in ROUTES:
        refused(api, method, path, body, status=401)
        refused(api.with_headers(authorization="not-a-jwt"), method, path, body, status=401)
        refused(api.with_headers(authorization="Bearer eyJhbGciOiJIUzI1NiJ9.e30.x"), method, path, body,
                status=401)


def test_user_without_business_is_forbidden(api, biz):
    (a_admin, _, a), _ = biz
    _seed(a_admin, a)
    accounts.create_account("loner", "Passw0rdL", profile={"isAdmin": True})
    loner = token_api(api, "loner")
    for method, path, body in ROUTES:
        refused(loner, method, path, body, status=403)
    # nothing was created anywhere: no project name, registry user or external repository was claimed
    assert store.get(store.Unique, "UNIQUE#registry-project#p2", "U") is None
    assert store.get(store.Unique, "UNIQUE#registry-user#harboruser", "U") is None
    assert Counter.value("TENANT#default#OTEEXTREPO") == 0


def test_member_may_read_and_write_in_own_business(biz):
    (a_admin, a_member, a), _ = biz
    status, _ = a_member.post("/v1/repository/project", {"projectName": "memberproj", "public": False})
    assert status == 201
    registry.push(a["tenant"], "memberproj", "app", "v1")
    rows, total = listing(a_admin, "/v1/repository/image?projectName=memberproj")
    assert total == 1 and rows[0]["imageName"] == "memberproj/app"
    assert a_member.delete("/v1/repository/image", {"imageName": ["memberproj/app"]})[0] == 200
    assert a_member.delete("/v1/repository/project",
                           {"projectId": [project_id(a["tenant"], "memberproj")]})[0] == 200
    assert state(a["tenant"])["projects"] == []


def test_system_administrator_works_in_the_default_namespace(sysadmin, biz):
    (a_admin, _, a), _ = biz
    status, _ = sysadmin.post("/v1/repository/project", {"projectName": "sysproj", "public": True})
    assert status == 201
    rows, total = listing(sysadmin, "/v1/repository/project")
    assert total == 1 and [r["projectName"] for r in rows] == ["sysproj"]
    assert listing(a_admin, "/v1/repository/project") == ([], 0)
    assert registry.get_project("default", "sysproj") is not None


# ---------------------------------------------------------------- projects
def test_create_project_and_read_it_back(biz):
    (a_admin, a_member, a), _ = biz
    t0 = clock.now_s()
    status, resp = a_admin.post("/v1/repository/project", {"projectName": "calico", "public": True})
    assert status == 201 and resp == {"code": 200, "message": "success"}
    status, resp = a_admin.post("/v1/repository/project",
                                {"projectName": "  private.repo-1_x  ", "public": False, "extra": "ignored"})
    assert status == 201, resp
    rows, total = listing(a_member, "/v1/repository/project")
    assert total == 2
    assert [r["projectName"] for r in rows] == ["calico", "private.repo-1_x"]
    calico = rows[0]
    assert set(calico) == {"projectId", "projectName", "createTime", "updateTime", "public", "imageCount"}
    assert isinstance(calico["projectId"], int) and calico["projectId"] == project_id(a["tenant"], "calico")
    assert calico["public"] is True and rows[1]["public"] is False
    assert calico["imageCount"] == 0
    assert isinstance(calico["createTime"], int) and t0 <= calico["createTime"] <= clock.now_s() + 1
    assert calico["updateTime"] == calico["createTime"]
    assert rows[1]["projectId"] > calico["projectId"]


def test_create_project_requires_application_json(biz):
    (a_admin, _, a), _ = biz
    body = json.dumps({"projectName": "calico", "public": True})
    for ctype in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "text/json"):
        raw = body.encode() if ctype == "multipart/form-data" else body  # a binary type: bytes in the test client
        refused(a_admin, "POST", "/v1/repository/project", raw=raw, headers={"content-type": ctype},
                status=415, contains="application/json")
    status, _ = a_admin.post("/v1/repository/project", raw=body,
                             headers={"content-type": "application/json; charset=utf-8"})
    assert status == 201


BAD_PROJECT_BODIES = [
    {"public": True},
    {"projectName": "calico"},
    {"projectName": "calico", "public": "true"},
    {"projectName": "calico", "public": 1},
    {"projectName": "calico", "public": None},
    {"projectName": 5, "public": True},
    {"projectName": ["calico"], "public": True},
    {"projectName": "", "public": True},
    {"projectName": "Calico", "public": True},
    {"projectName": "bad name", "public": True},
    {"projectName": "-calico", "public": True},
    {"projectName": "calico-", "public": True},
    {"projectName": "a" * 256, "public": True},
    [{"projectName": "calico", "public": True}],
    "calico",
]


def test_create_project_validation(biz):
    (a_admin, _, a), _ = biz
    for body in BAD_PROJECT_BODIES:
        refused(a_admin, "POST", "/v1/repository/project", body, status=422)


def test_create_project_malformed_or_missing_body(biz):
    (a_admin, _, a), _ = biz
    for raw in ('{"projectName": "calico" "public": true}', "{", "", "   ", "null", "not json"):
        refused(a_admin, "POST", "/v1/repository/project", raw=raw, status=422)


def test_create_project_duplicate_names(biz):
    (a_admin, a_member, a), (b_admin, _, b) = biz
    project(a_admin, "calico")
    refused(a_member, "POST", "/v1/repository/project", {"projectName": "calico", "public": True},
            status=409)
    # project names are registry-wide (Harbor): another business cannot take it either
    refused(b_admin, "POST", "/v1/repository/project", {"projectName": "calico", "public": False},
            status=409)
    assert state(a["tenant"])["project_total"] == 1


def test_list_projects_pagination_order_and_filters(biz):
    (a_admin, a_member, a), _ = biz
    names = ["alpha", "beta", "gamma-lib", "delta-lib", "epsilon"]
    for i, n in enumerate(names):
        project(a_admin, n, public=(i % 2 == 0))
    base = "/v1/repository/project"
    rows, total = listing(a_member, base)
    assert total == 5 and [r["projectName"] for r in rows] == names  # default asc by id
    ids = [r["projectId"] for r in rows]
    assert ids == sorted(ids)
    assert listing(a_member, base + "?page=1&pageSize=2") == (rows[:2], 5)
    assert listing(a_member, base + "?page=2&pageSize=2") == (rows[2:4], 5)
    assert listing(a_member, base + "?page=3&pageSize=2") == (rows[4:], 5)
    assert listing(a_member, base + "?page=4&pageSize=2") == ([], 5)
    assert listing(a_member, base + "?pageSize=0") == (rows, 5)
    assert listing(a_member, base + "?pageSize=3")[0] == rows[:3]
    assert listing(a_member, base + "?order=desc")[0] == rows[::-1]
    assert listing(a_member, base + "?order=desc&orderBy=id&pageSize=2&page=1")[0] == rows[::-1][:2]
    # filters: total counts the matches, not the page
    got, total = listing(a_member, base + "?projectName=lib")
    assert total == 2 and [r["projectName"] for r in got] == ["gamma-lib", "delta-lib"]
    got, total = listing(a_member, base + "?projectName=lib&pageSize=1&page=2")
    assert total == 2 and [r["projectName"] for r in got] == ["delta-lib"]
    got, total = listing(a_member, base + "?public=true")
    assert total == 3 and [r["projectName"] for r in got] == ["alpha", "gamma-lib", "epsilon"]
    got, total = listing(a_member, base + "?public=false")
    assert total == 2 and all(r["public"] is False for r in got)
    got, total = listing(a_member, base + "?public=true&projectName=lib")
    assert total == 1 and got[0]["projectName"] == "gamma-lib"
    assert listing(a_member, base + "?projectName=nomatch") == ([], 0)


def test_list_projects_bad_query(biz):
    (a_admin, _, a), _ = biz
    project(a_admin, "alpha")
    for query in ("page=0", "page=-1", "page=x", "pageSize=-1", "pageSize=ten", "public=maybe", "order=sideways",
                  "orderBy=name"):
        refused(a_admin, "GET", "/v1/repository/project?" + query, status=422)


def test_projects_are_isolated_between_businesses(biz):
    (a_admin, _, a), (b_admin, b_member, b) = biz
    project(a_admin, "aproj", public=True)
    project(b_admin, "bproj")
    assert [r["projectName"] for r in listing(a_admin, "/v1/repository/project")[0]] == ["aproj"]
    assert [r["projectName"] for r in listing(b_member, "/v1/repository/project")[0]] == ["bproj"]
    assert listing(b_member, "/v1/repository/project?projectName=aproj") == ([], 0)
    # B cannot delete A's project by id
    refused(b_admin, "DELETE", "/v1/repository/project", {"projectId": [project_id(a["tenant"], "aproj")]},
            status=404)


def test_delete_projects(biz):
    (a_admin, a_member, a), _ = biz
    for n in ("one", "two", "three"):
        project(a_admin, n)
    one, two, three = (project_id(a["tenant"], n) for n in ("one", "two", "three"))
    status, resp = a_member.delete("/v1/repository/project", {"projectId": [one, two, one]})
    assert status == 200 and resp == {"code": 200, "message": "success"}
    rows, total = listing(a_admin, "/v1/repository/project")
    assert total == 1 and [r["projectId"] for r in rows] == [three]
    # the name is free again
    project(a_admin, "one")


def test_delete_projects_refusals_change_nothing(biz):
    (a_admin, _, a), (b_admin, _, b) = biz
    project(a_admin, "keep")
    project(a_admin, "busy")
    registry.push(a["tenant"], "busy", "img", "v1")
    keep, busy = project_id(a["tenant"], "keep"), project_id(a["tenant"], "busy")
    refused(a_admin, "DELETE", "/v1/repository/project", {"projectId": [keep, 999999]}, status=404,
            contains="999999")
    refused(a_admin, "DELETE", "/v1/repository/project", {"projectId": [keep, busy]}, status=409,
            contains="busy")
    for body in ({}, {"projectId": []}, {"projectId": keep}, {"projectId": [str(keep)]}, {"projectId": [True]},
                 {"projectId": [0]}, {"projectId": [-1]}, {"projectId": [1.5]}, {"projectId": None},
                 {"projectId": list(range(1, 102))}, [keep]):
        refused(a_admin, "DELETE", "/v1/repository/project", body, status=422)
    for raw in ('{"projectId": [1, 2]', "", "[1"):
        refused(a_admin, "DELETE", "/v1/repository/project", raw=raw, status=422)
    # another business: 404, nothing deleted
    refused(b_admin, "DELETE", "/v1/repository/project", {"projectId": [keep]}, status=404)


# ---------------------------------------------------------------- images
def test_push_through_edgeplane_then_list_images(edgeplane_admin, biz):
    (a_admin, a_member, a), _ = biz
    project(a_admin, "test", public=False)
    for image, tag in (("test-demo1", "v1"), ("test-demo1", "latest"), ("nested/app", "1.0")):
        status, resp = edgeplane_admin.post("/edgeplane/v1/registry/push",
                                            {"namespace": a["tenant"], "project": "test", "image": image, "tag": tag})
        assert status == 201, resp
    status, resp = a_member.get("/v1/repository/image?projectName=test")
    assert status == 200
    assert set(resp) == {"data", "total", "code", "message"} and resp["code"] == 200
    assert resp["total"] == 2
    newest, oldest = resp["data"]  # default order: desc by id
    assert oldest == {"projectName": "test", "public": False, "imageName": "test/test-demo1",
                      "imageAddress": f"{settings().otestack_registry_domain}/test/test-demo1",
                      "createTime": oldest["createTime"], "updateTime": oldest["updateTime"]}
    assert settings().otestack_registry_domain == DOMAIN
    assert newest["imageName"] == "test/nested/app" and newest["imageAddress"] == f"{DOMAIN}/test/nested/app"
    assert isinstance(oldest["createTime"], int) and oldest["updateTime"] >= oldest["createTime"]
    assert listing(a_member, "/v1/repository/project")[0][0]["imageCount"] == 2


def test_list_images_order_pagination_and_filter(biz):
    (a_admin, a_member, a), _ = biz
    project(a_admin, "proj", public=True)
    for n in ("web", "api", "web-worker", "db", "cache"):
        registry.push(a["tenant"], "proj", n, "v1")
    base = "/v1/repository/image?projectName=proj"
    rows, total = listing(a_member, base)
    assert total == 5 and [r["imageName"] for r in rows] == ["proj/cache", "proj/db", "proj/web-worker",
                                                             "proj/api", "proj/web"]
    assert all(r["public"] is True and r["projectName"] == "proj" for r in rows)
    assert listing(a_member, base + "&order=asc")[0] == rows[::-1]
    assert listing(a_member, base + "&orderBy=id&order=desc")[0] == rows
    assert listing(a_member, base + "&pageSize=2") == (rows[:2], 5)
    assert listing(a_member, base + "&pageSize=2&page=3") == (rows[4:], 5)
    assert listing(a_member, base + "&pageSize=2&page=9") == ([], 5)
    assert listing(a_member, base + "&pageSize=0") == (rows, 5)
    got, total = listing(a_member, base + "&imageName=web")
    assert total == 2 and [r["imageName"] for r in got] == ["proj/web-worker", "proj/web"]
    got, total = listing(a_member, base + "&imageName=web&pageSize=1&page=2&order=asc")
    assert total == 2 and [r["imageName"] for r in got] == ["proj/web-worker"]
    got, total = listing(a_member, base + "&imageName=proj/db")
    assert total == 1 and got[0]["imageName"] == "proj/db"
    assert listing(a_member, base + "&imageName=nothing") == ([], 0)
    # an empty project lists nothing
    project(a_admin, "empty")
    assert listing(a_member, "/v1/repository/image?projectName=empty") == ([], 0)


def test_list_images_refusals(biz):
    (a_admin, _, a), (b_admin, _, b) = biz
    project(a_admin, "aproj")
    registry.push(a["tenant"], "aproj", "img", "v1")
    for query in ("", "?imageName=img", "?projectName=", "?projectName=aproj&orderBy=name",
                  "?projectName=aproj&order=up", "?projectName=aproj&page=0", "?projectName=aproj&pageSize=x"):
        refused(a_admin, "GET", "/v1/repository/image" + query, status=422)
    refused(a_admin, "GET", "/v1/repository/image?projectName=nope", status=404)
    refused(b_admin, "GET", "/v1/repository/image?projectName=aproj", status=404)


def test_list_tags(biz):
    (a_admin, a_member, a), _ = biz
    project(a_admin, "test")
    for tag in ("v1", "latest", "v2", "1.0.0"):
        registry.push(a["tenant"], "test", "demo1", tag)
    registry.push(a["tenant"], "test", "other", "v9")
    base = "/v1/repository/image/tag?imageName=test/demo1"
    rows, total = listing(a_member, base)
    assert total == 4
    assert [r["tag"] for r in rows] == ["1.0.0", "latest", "v1", "v2"]
    assert rows[0] == {"tag": "1.0.0", "imageAddress": f"{DOMAIN}/test/demo1",
                       "createTime": rows[0]["createTime"], "updateTime": rows[0]["updateTime"]}
    assert isinstance(rows[0]["createTime"], int)
    assert listing(a_member, base + "&pageSize=3") == (rows[:3], 4)
    assert listing(a_member, base + "&pageSize=3&page=2") == (rows[3:], 4)
    assert listing(a_member, base + "&pageSize=0") == (rows, 4)
    assert listing(a_member, "/v1/repository/image/tag?imageName=test/other")[1] == 1


def test_list_tags_refusals(biz):
    (a_admin, _, a), (b_admin, _, b) = biz
    project(a_admin, "test")
    registry.push(a["tenant"], "test", "demo1", "v1")
    for query in ("", "?imageName=", "?imageName=demo1", "?imageName=test/", "?imageName=test/demo1&page=0",
                  "?imageName=test/demo1&pageSize=-3"):
        refused(a_admin, "GET", "/v1/repository/image/tag" + query, status=422)
    refused(a_admin, "GET", "/v1/repository/image/tag?imageName=test/nope", status=404)
    refused(a_admin, "GET", "/v1/repository/image/tag?imageName=nope/demo1", status=404)
    refused(b_admin, "GET", "/v1/repository/image/tag?imageName=test/demo1", status=404)


def test_delete_images(biz):
    (a_admin, a_member, a), _ = biz
    project(a_admin, "proj")
    for n in ("one", "two", "three"):
        registry.push(a["tenant"], "proj", n, "v1")
        registry.push(a["tenant"], "proj", n, "v2")
    status, resp = a_member.delete("/v1/repository/image", {"imageName": ["proj/one", "proj/two", "proj/one"]})
    assert status == 200 and resp == {"code": 200, "message": "success"}
    rows, total = listing(a_admin, "/v1/repository/image?projectName=proj")
    assert total == 1 and [r["imageName"] for r in rows] == ["proj/three"]
    st = state(a["tenant"])
    assert st["projects"][0][3] == 1 and listing(a_admin, "/v1/repository/project")[0][0]["imageCount"] == 1
    assert set(st["tags"]) == {"proj/three"} and registry.tag_total(a["tenant"], "proj/one") == 0
    assert a_admin.get("/v1/repository/image/tag?imageName=proj/one")[0] == 404
    # the project can go once its last image is gone
    assert a_admin.delete("/v1/repository/image", {"imageName": ["proj/three"]})[0] == 200
    assert a_admin.delete("/v1/repository/project", {"projectId": [project_id(a["tenant"], "proj")]})[0] == 200


def test_delete_images_refusals_change_nothing(biz):
    (a_admin, _, a), (b_admin, _, b) = biz
    project(a_admin, "proj")
    registry.push(a["tenant"], "proj", "keep", "v1")
    refused(a_admin, "DELETE", "/v1/repository/image", {"imageName": ["proj/keep", "proj/ghost"]}, status=404,
            contains="proj/ghost")
    refused(b_admin, "DELETE", "/v1/repository/image", {"imageName": ["proj/keep"]}, status=404)
    for body in ({}, {"imageName": []}, {"imageName": "proj/keep"}, {"imageName": [1]}, {"imageName": ["keep"]},
                 {"imageName": [None]}, {"imageName": ["proj/keep"] * 101}, ["proj/keep"]):
        refused(a_admin, "DELETE", "/v1/repository/image", body, status=422)
    for raw in ('{"imageName": ["proj/keep"]', "", "imageName=proj/keep"):
        refused(a_admin, "DELETE", "/v1/repository/image", raw=raw, status=422)


def test_delete_tags(biz):
    (a_admin, a_member, a), _ = biz
    project(a_admin, "test")
    for tag in ("v1", "v2", "v3"):
        registry.push(a["tenant"], "test", "demo1", tag)
    registry.push(a["tenant"], "test", "demo2", "v1")
    status, resp = a_member.delete("/v1/repository/image/tag", {"imageName": "test/demo1", "tag": ["v1", "v2"]})
    assert status == 200 and resp == {"code": 200, "message": "success"}
    rows, total = listing(a_admin, "/v1/repository/image/tag?imageName=test/demo1")
    assert total == 1 and [r["tag"] for r in rows] == ["v3"]
    assert listing(a_admin, "/v1/repository/image/tag?imageName=test/demo2")[1] == 1  # other image untouched
    # the image itself stays (deleting images is DELETE /v1/repository/image)
    assert listing(a_admin, "/v1/repository/image?projectName=test")[1] == 2


def test_delete_tags_refusals_change_nothing(biz):
    (a_admin, _, a), (b_admin, _, b) = biz
    project(a_admin, "test")
    registry.push(a["tenant"], "test", "demo1", "v1")
    registry.push(a["tenant"], "test", "demo1", "v2")
    path = "/v1/repository/image/tag"
    refused(a_admin, "DELETE", path, {"imageName": "test/demo1", "tag": ["v1", "v9"]}, status=404,
            contains="v9")
    refused(a_admin, "DELETE", path, {"imageName": "test/ghost", "tag": ["v1"]}, status=404)
    refused(b_admin, "DELETE", path, {"imageName": "test/demo1", "tag": ["v1"]}, status=404)
    for body in ({"imageName": "test/demo1"}, {"tag": ["v1"]}, {"imageName": "test/demo1", "tag": []},
                 {"imageName": "test/demo1", "tag": "v1"}, {"imageName": ["test/demo1"], "tag": ["v1"]},
                 {"imageName": "test/demo1", "tag": [1]}, {"imageName": "demo1", "tag": ["v1"]},
                 {"imageName": "test/demo1", "tag": ["bad tag"]}, {"imageName": None, "tag": ["v1"]}):
        refused(a_admin, "DELETE", path, body, status=422)
    # the document's own example misses a comma
    refused(a_admin, "DELETE", path, raw='{ "imageName": "test/demo1" "tag": ["v1", "v2"] }', status=422)


# ---------------------------------------------------------------- registry user
def test_create_registry_user(api, biz):
    (a_admin, a_member, a), _ = biz
    status, info = a_member.get("/v1/authorization")
    assert status == 200 and info["data"]["hasRepoAccount"] is False
    status, resp = a_member.post("/v1/repository/user", {"user": "harbor.user-1", "password": REG_PASSWORD})
    assert status == 200 and resp == {"code": 200, "message": "success"}
    acct = registry.get_account(a["tenant"])
    assert acct.user == "harbor.user-1"
    assert acct.password_hash != REG_PASSWORD and passwords.verify_password(acct.password_hash, REG_PASSWORD)
    for who in (a_admin, a_member):  # one account per business namespace
        status, info = who.get("/v1/authorization")
        assert info["data"]["hasRepoAccount"] is True
        no_secret(info, REG_PASSWORD)


def test_create_registry_user_requires_application_json(biz):
    (a_admin, _, a), _ = biz
    raw = json.dumps({"user": "harboruser", "password": REG_PASSWORD})
    for ctype in ("text/plain", "application/x-www-form-urlencoded", "text/json"):
        resp = refused(a_admin, "POST", "/v1/repository/user", raw=raw, headers={"content-type": ctype},
                       status=415)
        no_secret(resp, REG_PASSWORD)
    assert registry.get_account(a["tenant"]) is None


def test_create_registry_user_validation(biz):
    (a_admin, _, a), _ = biz
    for body in ({"password": REG_PASSWORD}, {"user": "harboruser"}, {"user": "", "password": REG_PASSWORD},
                 {"user": 7, "password": REG_PASSWORD}, {"user": "harboruser", "password": 12345678},
                 {"user": "harbor user", "password": REG_PASSWORD}, {"user": "h" * 256, "password": REG_PASSWORD},
                 {"user": "harboruser", "password": "short1A"}, {"user": "harboruser", "password": "alllower123"},
                 {"user": "harboruser", "password": "ALLUPPER123"}, {"user": "harboruser", "password": "NoDigitsHere"},
                 {"user": "harboruser", "password": "Aa1" + "x" * 18}, ["harboruser", REG_PASSWORD]):
        resp = refused(a_admin, "POST", "/v1/repository/user", body, status=422)
        no_secret(resp, REG_PASSWORD)
    for raw in ('{"user": "harboruser" "password": "x"}', "", "{"):
        refused(a_admin, "POST", "/v1/repository/user", raw=raw, status=422)


def test_create_registry_user_conflicts(biz):
    (a_admin, a_member, a), (b_admin, _, b) = biz
    assert a_admin.post("/v1/repository/user", {"user": "harbora", "password": REG_PASSWORD})[0] == 200
    # the namespace already has its account (whoever asks, whatever the name)
    refused(a_member, "POST", "/v1/repository/user", {"user": "another", "password": REG_PASSWORD}, status=409)
    refused(a_admin, "POST", "/v1/repository/user", {"user": "harbora", "password": REG_PASSWORD}, status=409)
    # registry user names are registry-wide
    refused(b_admin, "POST", "/v1/repository/user", {"user": "harbora", "password": REG_PASSWORD}, status=409)
    assert registry.get_account(b["tenant"]) is None
    assert b_admin.post("/v1/repository/user", {"user": "harborb", "password": REG_PASSWORD})[0] == 200
    assert registry.get_account(b["tenant"]).user == "harborb"


def test_update_registry_password(biz):
    (a_admin, a_member, a), (b_admin, _, b) = biz
    refused(a_admin, "PUT", "/v1/repository/user", {"password": NEW_PASSWORD}, status=404)
    assert a_admin.post("/v1/repository/user", {"user": "harbora", "password": REG_PASSWORD})[0] == 200
    old_hash = registry.get_account(a["tenant"]).password_hash
    status, resp = a_member.put("/v1/repository/user", {"password": NEW_PASSWORD})
    assert status == 200 and resp == {"code": 200, "message": "success"}
    acct = registry.get_account(a["tenant"])
    assert acct.user == "harbora" and acct.password_hash != old_hash
    assert passwords.verify_password(acct.password_hash, NEW_PASSWORD)
    assert not passwords.verify_password(acct.password_hash, REG_PASSWORD)
    for body in ({}, {"password": ""}, {"password": "weak"}, {"password": 123456789}, {"password": None},
                 {"password": [NEW_PASSWORD]}, {"oldPassword": REG_PASSWORD}):
        resp = refused(a_admin, "PUT", "/v1/repository/user", body, status=422)
        no_secret(resp, NEW_PASSWORD)
    for raw in ('{"password": "N3wHarborPass"', ""):
        refused(a_admin, "PUT", "/v1/repository/user", raw=raw, status=422)
    # B has no account: its update is 404 and A's account is untouched
    refused(b_admin, "PUT", "/v1/repository/user", {"password": "Oth3rPassword"}, status=404)


# ---------------------------------------------------------------- external repositories
def test_create_external_repositories_and_read_back(biz):
    (a_admin, a_member, a), _ = biz
    ext_repo(a_admin, "yq01", address="hub.example.com:5000", user="puller")
    ext_repo(a_member, "yq02", address="https://registry.example.org/v2", user="ci", password="S3cond-secret",
             path="/v1/repository")
    status, resp = a_member.get("/v1/repository/third?pageSize=0")
    assert status == 200 and resp["code"] == 200 and resp["total"] == 2
    first, second = resp["data"]
    assert set(first) == {"id", "repositoryId", "address", "user"}
    assert first["repositoryId"] == "yq01" and first["address"] == "hub.example.com:5000" and first["user"] == "puller"
    assert second["repositoryId"] == "yq02" and second["user"] == "ci"
    assert isinstance(first["id"], int) and second["id"] > first["id"]
    no_secret(resp, EXT_PASSWORD, "S3cond-secret")
    status, resp = a_member.get("/v1/repository/third/yq02")
    assert status == 200
    assert resp == {"code": 200, "message": "success",
                    "data": {"repositoryId": "yq02", "address": "https://registry.example.org/v2", "user": "ci"}}
    # the password is stored sealed, bound to its record, and served only to the platform
    repo = svc.get_external_repository(a["tenant"], "yq01")
    assert repo.repository_id == "yq01" and repo.password_sealed != EXT_PASSWORD
    assert EXT_PASSWORD not in repo.password_sealed and EXT_PASSWORD not in repr(repo)
    assert sealing.unseal(repo.password_sealed, f"ote-extrepo:{a['tenant']}:yq01") == EXT_PASSWORD
    with pytest.raises(Exception):
        sealing.unseal(repo.password_sealed, f"ote-extrepo:{a['tenant']}:yq02")
    assert svc.external_repository_credentials(a["tenant"], "yq02") == {
        "address": "https://registry.example.org/v2", "user": "ci", "password": "S3cond-secret"}
    assert svc.get_external_repository(a["tenant"], "nope") is None
    assert svc.get_external_repository(a["tenant"], "YQ01") is None
    assert svc.get_external_repository(a["tenant"], "") is None
    assert svc.external_repository_credentials(a["tenant"], "nope") is None


def test_create_external_repository_validation(biz):
    (a_admin, _, a), _ = biz
    good = {"repositoryId": "repo1", "address": "127.0.0.1", "user": "user1", "password": EXT_PASSWORD}
    bodies = [{k: v for k, v in good.items() if k != drop} for drop in good]
    bodies += [{**good, k: v} for k, v in (("repositoryId", ""), ("repositoryId", "Repo1"), ("repositoryId", "re po"),
                                             ("repositoryId", "repo/1"), ("repositoryId", "-repo"),
                                             ("repositoryId", ["repo1"]), ("repositoryId", 1),
                                             ("address", ""), ("address", "has space"), ("address", 127),
                                             ("user", ""), ("user", None), ("user", 5),
                                             ("password", ""), ("password", 12345), ("password", None))]
    bodies += [[good], "repo1"]
    for path in ("/v1/repository/third", "/v1/repository"):
        for body in bodies:
            resp = refused(a_admin, "POST", path, body, status=422)
            no_secret(resp, EXT_PASSWORD)
        for raw in ('{"repositoryId": "repo1" "address": "a"}', "", "{"):
            refused(a_admin, "POST", path, raw=raw, status=422)


def test_create_external_repository_duplicates(biz):
    (a_admin, a_member, a), (b_admin, _, b) = biz
    ext_repo(a_admin, "repo1")
    for path in ("/v1/repository/third", "/v1/repository"):
        resp = refused(a_member, "POST", path, {"repositoryId": "repo1", "address": "other", "user": "x",
                                                "password": "different"}, status=409)
        no_secret(resp, "different")
    # unique within a business: another business may use the same name
    ext_repo(b_admin, "repo1", address="b.example.com", user="buser")
    assert state(a["tenant"])["repos"][0][2:4] == ("hub.example.com:5000", "puller")
    assert state(b["tenant"])["repos"][0][2:4] == ("b.example.com", "buser")


def test_list_external_repositories_pagination(biz):
    (a_admin, a_member, a), _ = biz
    for i in range(5):
        ext_repo(a_admin, f"repo{i}")
    base = "/v1/repository/third"
    rows, total = listing(a_member, base)
    assert total == 5 and [r["repositoryId"] for r in rows] == [f"repo{i}" for i in range(5)]  # asc by id
    assert listing(a_member, base + "?pageSize=2") == (rows[:2], 5)
    assert listing(a_member, base + "?pageSize=2&page=2") == (rows[2:4], 5)
    assert listing(a_member, base + "?pageSize=2&page=3") == (rows[4:], 5)
    assert listing(a_member, base + "?pageSize=2&page=4") == ([], 5)
    assert listing(a_member, base + "?pageSize=0") == (rows, 5)
    assert listing(a_member, base + "?order=desc&orderBy=id") == (rows[::-1], 5)
    assert listing(a_member, base + "?order=desc&pageSize=1&page=2") == ([rows[3]], 5)
    for query in ("?page=0", "?pageSize=-1", "?page=abc", "?order=random", "?orderBy=address"):
        refused(a_member, "GET", base + query, status=422)


def test_external_repositories_are_isolated(biz):
    (a_admin, _, a), (b_admin, b_member, b) = biz
    ext_repo(a_admin, "arepo")
    ext_repo(b_admin, "brepo")
    assert [r["repositoryId"] for r in listing(b_member, "/v1/repository/third")[0]] == ["brepo"]
    refused(b_member, "GET", "/v1/repository/third/arepo", status=404)
    for rid in ("nope", "Arepo", "a" * 2000, "x%20y"):
        refused(a_admin, "GET", f"/v1/repository/third/{rid}", status=404)
    for path in ("/v1/repository/third", "/v1/repository"):
        refused(b_admin, "DELETE", path, {"repositoryId": ["arepo"]}, status=404)
    assert svc.get_external_repository(b["tenant"], "arepo") is None
    assert svc.get_external_repository(a["tenant"], "arepo") is not None


def test_delete_external_repositories(biz):
    (a_admin, a_member, a), _ = biz
    for i in range(4):
        ext_repo(a_admin, f"repo{i}")
    status, resp = a_member.delete("/v1/repository/third", {"repositoryId": ["repo0", "repo1", "repo0"]})
    assert status == 200 and resp == {"code": 200, "message": "success"}
    status, resp = a_member.delete("/v1/repository", {"repositoryId": ["repo2"]})
    assert status == 200 and resp == {"code": 200, "message": "success"}
    rows, total = listing(a_admin, "/v1/repository/third")
    assert total == 1 and [r["repositoryId"] for r in rows] == ["repo3"]
    assert a_admin.get("/v1/repository/third/repo0")[0] == 404
    assert svc.get_external_repository(a["tenant"], "repo1") is None
    ext_repo(a_admin, "repo0")  # the name is free again, with a new id
    rows, _ = listing(a_admin, "/v1/repository/third")
    assert [r["repositoryId"] for r in rows] == ["repo3", "repo0"] and rows[1]["id"] > rows[0]["id"]


def test_delete_external_repositories_refusals_change_nothing(biz):
    (a_admin, _, a), (b_admin, _, b) = biz
    ext_repo(a_admin, "keep")
    for path in ("/v1/repository/third", "/v1/repository"):
        refused(a_admin, "DELETE", path, {"repositoryId": ["keep", "ghost"]}, status=404,
                contains="ghost")
        for body in ({}, {"repositoryId": []}, {"repositoryId": "keep"}, {"repositoryId": [1]},
                     {"repositoryId": ["Bad Id"]}, {"repositoryId": None}, ["keep"],
                     {"repositoryId": [f"r{i}" for i in range(101)]}):
            refused(a_admin, "DELETE", path, body, status=422)
        for raw in ('{"repositoryId": ["keep"]', ""):
            refused(a_admin, "DELETE", path, raw=raw, status=422)


# ---------------------------------------------------------------- secrets at rest and in the audit trail
def test_passwords_are_never_stored_or_audited_in_plain_text(api, biz):
    (a_admin, _, a), _ = biz
    assert a_admin.post("/v1/repository/user", {"user": "harbora", "password": REG_PASSWORD})[0] == 200
    assert a_admin.put("/v1/repository/user", {"password": NEW_PASSWORD})[0] == 200
    ext_repo(a_admin, "repo1")
    ext_repo(a_admin, "repo2", path="/v1/repository")
    project(a_admin, "proj")
    for path in ("/v1/repository/third", "/v1/repository/third?pageSize=0", "/v1/repository/third/repo1",
                 "/v1/repository/project", "/v1/authorization"):
        status, resp = a_admin.get(path)
        assert status == 200
        no_secret(resp, REG_PASSWORD, NEW_PASSWORD, EXT_PASSWORD)
    # a test-only Scan of the whole table: no plaintext secret anywhere (items, audit events, counters)
    items = [i for page in aws.client("dynamodb").get_paginator("scan").paginate(TableName=settings().table_name)
             for i in page["Items"]]
    dump = json.dumps(items, default=str)
    for secret in (REG_PASSWORD, NEW_PASSWORD, EXT_PASSWORD):
        assert secret not in dump
    actions = {i["action"]["S"] for i in items if i.get("kind", {}).get("S") == "AuditEvent"}
    assert {"create_registry_user", "set_registry_password", "create_external_repository",
            "create_project"} <= actions
