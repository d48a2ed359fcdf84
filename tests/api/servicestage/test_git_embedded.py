"""Chapter 6 on the embedded Git host: authorizations (sealed secrets), real git repositories (dulwich
objects in S3, refs in the repository record), branches, tags, commits, hooks, trees and file commits."""
from __future__ import annotations

import base64
import hashlib
import io
import json

import pytest
from dulwich.objects import ShaFile

from chalicelib.blobs import get as blob_get
from chalicelib.surfaces.servicestage import objects
from chalicelib.surfaces.servicestage.gitproviders import embedded

AUTHS = "/v1/{project_id}/git/auths"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.fixture
def repo(ss_user):
    status, body = ss_user.post(AUTHS + "/edgeplane/personal", {"name": "local", "token": "tok-secret-123"})
    assert status == 200, body
    h = {"X-Repo-Auth": "local"}
    status, body = ss_user.post(f"/v1/{{project_id}}/git/repos/{ss_user.username}/projects", {"name": "demo"},
                                headers=h)
    assert status == 200, body
    return ss_user, h, body


def test_personal_authorization_sealed_and_listed(ss_user):
    status, body = ss_user.post(AUTHS + "/edgeplane/personal", {"name": "local", "token": "tok-secret-123"})
    assert status == 200, body
    a = body["authorization"]
    assert a["name"] == "local" and a["token_type"] == "personal" and a["repo_type"] == "edgeplane"
    assert a["repo_host"] == embedded.BASE_URL and a["repo_user"] == ss_user.username
    assert isinstance(a["create_time"], int) and a["status"] == 0 and "avartar" in a and "avatar" in a
    assert "tok-secret-123" not in json.dumps(body)
    item = objects.get(ss_user.project, "gitauth", "local")
    assert "tok-secret-123" not in json.dumps(item.data) and "tok-secret-123" not in item.extra["secret"]
    status, listed = ss_user.get(AUTHS)
    assert status == 200 and listed["count"] == 1 and listed["authorizations"][0]["name"] == "local"
    assert "tok-secret-123" not in json.dumps(listed)
    # duplicate name, bad name, unknown type, missing token
    status, err = ss_user.post(AUTHS + "/edgeplane/personal", {"name": "local", "token": "x"})
    assert status == 400 and err["error_code"] == "SVCSTG.REPO.0403"
    status, err = ss_user.post(AUTHS + "/edgeplane/personal", {"name": "bad name!", "token": "x"})
    assert status == 400 and err["error_code"] == "SVCSTG.REPO.0400"
    status, err = ss_user.post(AUTHS + "/svn/personal", {"name": "a2", "token": "x"})
    assert status == 400 and err["error_code"] == "SVCSTG.REPO.0401"
    status, err = ss_user.post(AUTHS + "/edgeplane/personal", {"name": "a3"})
    assert status == 400 and err["error_code"] == "SVCSTG.REPO.0400"
    status, err = ss_user.post(AUTHS + "/github/password", {"name": "a4", "user": "u", "password": "p"})
    assert status == 400 and err["error_code"] == "SVCSTG.REPO.0401"
    assert ss_user.get(AUTHS)[1]["count"] == 1
    # delete: 204, then gone
    status, _ = ss_user.delete(AUTHS + "/local")
    assert status == 204 and objects.get(ss_user.project, "gitauth", "local") is None
    status, err = ss_user.delete(AUTHS + "/local")
    assert status == 404 and err["error_code"] == "SVCSTG.REPO.0400"


def test_password_authorization(ss_user):
    status, body = ss_user.post(AUTHS + "/edgeplane/password", {"name": "pw", "user": "team1", "password": "s3cr3t"})
    assert status == 200 and body["authorization"]["token_type"] == "password"
    assert body["authorization"]["repo_user"] == "team1" and "s3cr3t" not in json.dumps(body)
    status, ns = ss_user.get("/v1/{project_id}/git/repos/namespaces", headers={"X-Repo-Auth": "pw"})
    assert status == 200 and ns["namespaces"] == [{"id": "team1", "name": "team1"}]


def test_missing_or_foreign_authorization(ss_user, ss_other):
    status, err = ss_user.get("/v1/{project_id}/git/repos/namespaces")
    assert status == 400 and err["error_code"] == "SVCSTG.REPO.0450"
    ss_other.post(AUTHS + "/edgeplane/personal", {"name": "theirs", "token": "t"})
    status, err = ss_user.get("/v1/{project_id}/git/repos/namespaces", headers={"X-Repo-Auth": "theirs"})
    assert status == 400 and err["error_code"] == "SVCSTG.REPO.0450"
    assert ss_user.get(AUTHS)[1]["count"] == 0
    status, err = ss_user.delete(AUTHS + "/theirs")
    assert status == 404 and objects.get(ss_other.project, "gitauth", "theirs") is not None


def test_project_create_list_info(repo, ss_other):
    caller, h, created = repo
    ns = caller.username
    assert created["name"] == "demo" and created["clone_url"] == f"{embedded.BASE_URL}/{ns}/demo.git"
    assert isinstance(created["id"], str) and len(created["id"]) == 32
    status, body = caller.get(f"/v1/{{project_id}}/git/repos/{ns}/projects", headers=h)
    assert status == 200 and body["projects"] == [created]
    status, body = caller.get("/v1/{project_id}/git/repos/namespaces", headers=h)
    assert body["namespaces"] == [{"id": ns, "name": ns}]
    status, info = caller.get(f"/v1/{{project_id}}/git/repos/project-info?clone_url={created['clone_url']}",
                              headers=h)
    assert status == 200 and info == {"namespace_id": ns, "namespace": ns, "project_id": created["id"],
                                      "project": "demo"}
    status, err = caller.get("/v1/{project_id}/git/repos/project-info?clone_url=notaurl", headers=h)
    assert status == 400 and err["error_code"] == "SVCSTG.REPO.0452"
    status, err = caller.post(f"/v1/{{project_id}}/git/repos/{ns}/projects", {"name": "demo"}, headers=h)
    assert status == 400 and err["error_code"] == "SVCSTG.REPO.0403"
    status, err = caller.post(f"/v1/{{project_id}}/git/repos/{ns}/projects", {"name": "../x"}, headers=h)
    assert status == 400 and err["error_code"] == "SVCSTG.REPO.0400"
    # the project id works in place of its name
    status, body = caller.get(f"/v1/{{project_id}}/git/repos/{ns}/{created['id']}/branches", headers=h)
    assert status == 200 and body["branches"] == ["main"]
    # another tenant with its own embedded authorization does not see it
    ss_other.post(AUTHS + "/edgeplane/personal", {"name": "local", "token": "t"})
    status, err = ss_other.get(f"/v1/{{project_id}}/git/repos/{ns}/demo/branches", headers=h)
    assert status == 404 and err["error_code"] == "SVCSTG.REPO.0400"
    assert ss_other.get(f"/v1/{{project_id}}/git/repos/{ns}/projects", headers=h)[1]["projects"] == []


def test_files_commit_real_git_objects(repo):
    caller, h, created = repo
    ns = caller.username
    base = f"/v1/{{project_id}}/git/files/{ns}/demo"
    status, body = caller.get(base + "/trees?ref=main", headers=h)
    assert status == 200 and body["paths"] == ["README.md"]
    # create src/app.py (the path with ':' for '/')
    status, body = caller.post(base + "/src:app.py?ref=main", {"message": "add app", "content": b64("print(1)\n")},
                               headers=h)
    assert status == 200 and body == {"path": "src/app.py"}
    status, body = caller.get(base + "/trees?ref=main", headers=h)
    assert body["paths"] == ["README.md", "src/app.py"]
    status, f = caller.get(base + "/src:app.py?ref=main", headers=h)
    assert status == 200 and f["encoding"] == "base64" and base64.b64decode(f["content"]) == b"print(1)\n"
    assert f["sha"] == hashlib.sha1(b"blob 9\0print(1)\n").hexdigest()  # git's blob id
    # percent-encoded '/' is accepted too
    assert caller.get(base + "/src%2Fapp.py?ref=main", headers=h)[1]["sha"] == f["sha"]
    # the objects in S3 are git loose objects: the blob parses back with its sha
    raw = blob_get(f"tenant/{caller.project}/servicestage/git/{created['id']}/objects/{f['sha']}")
    assert ShaFile.from_file(io.BytesIO(raw)).data == b"print(1)\n"
    # create again: exists; update with a stale sha: refused, nothing changed
    status, err = caller.post(base + "/src:app.py?ref=main", {"message": "x", "content": b64("y")}, headers=h)
    assert status == 400 and err["error_code"] == "SVCSTG.REPO.0403"
    status, err = caller.put(base + "/src:app.py?ref=main", {"message": "x", "content": b64("y"), "sha": "0" * 40},
                             headers=h)
    assert status == 400 and err["error_code"] == "SVCSTG.REPO.0400"
    status, err = caller.post(base + "/b.txt?ref=main", {"message": "x", "content": "***"}, headers=h)
    assert status == 400 and err["error_code"] == "SVCSTG.REPO.0400"
    status, err = caller.post(base + "/c.txt?ref=nosuch", {"message": "x", "content": b64("c")}, headers=h)
    assert status == 400 and err["error_code"] == "SVCSTG.REPO.0400"
    status, err = caller.post(base + "/c.txt", {"message": "x", "content": b64("c")}, headers=h)
    assert status == 400 and err["error_code"] == "SVCSTG.REPO.0400"
    assert caller.get(base + "/trees?ref=main", headers=h)[1]["paths"] == ["README.md", "src/app.py"]
    # update with the right sha
    status, body = caller.put(base + "/src:app.py?ref=main",
                              {"message": "bump", "content": b64("print(2)\n"), "sha": f["sha"]}, headers=h)
    assert status == 200 and body == {"path": "src/app.py"}
    f2 = caller.get(base + "/src:app.py?ref=main", headers=h)[1]
    assert base64.b64decode(f2["content"]) == b"print(2)\n"
    # commits: newest first, real shas, ISO dates
    status, body = caller.get(f"/v1/{{project_id}}/git/repos/{ns}/demo/commits", headers=h)
    assert status == 200 and [c["message"] for c in body["commits"]] == ["bump\n", "add app\n", "Initial commit\n"]
    first = body["commits"][-1]["sha"]
    assert len(first) == 40 and body["commits"][0]["authored_date"].endswith("Z")
    # the old version is still readable at the first commit's sha
    status, old = caller.get(base + f"/README.md?ref={first}", headers=h)
    assert status == 200 and base64.b64decode(old["content"]) == b"# demo\n"
    status, err = caller.get(base + f"/src:app.py?ref={first}", headers=h)
    assert status == 404
    # delete with sha (query parameters)
    status, _ = caller.delete(base + f"/src:app.py?ref=main&message=rm&sha={f2['sha']}", headers=h)
    assert status == 204
    assert caller.get(base + "/trees?ref=main", headers=h)[1]["paths"] == ["README.md"]
    status, err = caller.delete(base + f"/src:app.py?ref=main&message=rm&sha={f2['sha']}", headers=h)
    assert status == 404
    assert len(caller.get(f"/v1/{{project_id}}/git/repos/{ns}/demo/commits?ref=main", headers=h)[1]["commits"]) == 4


def test_tags_and_commit_limit(repo):
    caller, h, _ = repo
    ns = caller.username
    base = f"/v1/{{project_id}}/git/repos/{ns}/demo"
    for i in range(11):
        caller.post(f"/v1/{{project_id}}/git/files/{ns}/demo/f{i}.txt?ref=main",
                    {"message": f"c{i}", "content": b64(str(i))}, headers=h)
    commits = caller.get(base + "/commits?ref=main", headers=h)[1]["commits"]
    assert len(commits) == 10 and commits[0]["message"] == "c10\n"
    status, body = caller.post(base + "/tags?ref=main", {"name": "v1.0", "description": "first"}, headers=h)
    assert status == 200 and body == {"name": "v1.0"}
    assert caller.get(base + "/tags", headers=h)[1]["tags"] == ["v1.0"]
    # the tag resolves to the commit it was made on
    assert caller.get(base + "/commits?ref=v1.0", headers=h)[1]["commits"][0]["sha"] == commits[0]["sha"]
    status, err = caller.post(base + "/tags?ref=main", {"name": "v1.0", "description": "again"}, headers=h)
    assert status == 400 and err["error_code"] == "SVCSTG.REPO.0403"
    status, err = caller.post(base + "/tags?ref=nosuch", {"name": "v2", "description": "x"}, headers=h)
    assert status == 404
    status, err = caller.post(base + "/tags", {"name": "v2", "description": "x"}, headers=h)
    assert status == 400 and err["error_code"] == "SVCSTG.REPO.0400"
    status, err = caller.post(base + "/tags?ref=main", {"name": "bad..name", "description": "x"}, headers=h)
    assert status == 400 and err["error_code"] == "SVCSTG.REPO.0400"
    status, _ = caller.delete(base + "/tags/v1.0", headers=h)
    assert status == 204 and caller.get(base + "/tags", headers=h)[1]["tags"] == []
    assert caller.delete(base + "/tags/v1.0", headers=h)[0] == 404


def test_hooks(repo):
    caller, h, created = repo
    base = f"/v1/{{project_id}}/git/repos/{caller.username}/demo/hooks"
    status, hook = caller.post(base, {"secret": "hook-secret", "url": "https://example.com/webhook"}, headers=h)
    assert status == 200 and hook == {"id": "1", "type": "edgeplane", "callback_url": "https://example.com/webhook"}
    assert caller.get(base, headers=h)[1]["hooks"] == [hook]
    item = objects.get(caller.project, "gitrepo", f"{caller.username}/demo")
    assert "hook-secret" not in json.dumps(item.data) and "hook-secret" not in json.dumps(item.extra)
    status, err = caller.post(base, {"secret": "s", "url": "ftp://x"}, headers=h)
    assert status == 400 and err["error_code"] == "SVCSTG.REPO.0400"
    assert caller.delete(base + "/1", headers=h)[0] == 204
    assert caller.get(base, headers=h)[1]["hooks"] == []
    assert caller.delete(base + "/1", headers=h)[0] == 404


def test_signed_sdk_style_paths(ss_signed):
    """AK/SK signed calls with percent-encoded path parameters (what the SDK sends) verify."""
    status, body = ss_signed.post(AUTHS + "/edgeplane/personal", {"name": "k", "token": "t"})
    assert status == 200, body
    h = {"X-Repo-Auth": "k"}
    ns = body["authorization"]["repo_user"]
    assert ss_signed.post(f"/v1/{{project_id}}/git/repos/{ns}/projects", {"name": "p"}, headers=h)[0] == 200
    status, body = ss_signed.post(f"/v1/{{project_id}}/git/files/{ns}/p/a%2Fb.txt?ref=main",
                                  {"message": "m", "content": b64("hi")}, headers=h)
    assert status == 200 and body == {"path": "a/b.txt"}
    status, body = ss_signed.get(f"/v1/{{project_id}}/git/files/{ns}/p/a%3Ab.txt?ref=main", headers=h)
    assert status == 200 and base64.b64decode(body["content"]) == b"hi"
