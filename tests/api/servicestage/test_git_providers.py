"""The REST providers (GitHub, GitLab, Bitbucket, Gitee) against RECORDED responses (fixtures/git/<provider>/):
a fake transport answers from the recordings and keeps the requests, so no test touches the network. Also the
OAuth flow: signed, short-lived, one-off state; the code exchange goes through the provider client."""
from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib.surfaces.servicestage import objects
from chalicelib.surfaces.servicestage.gitproviders import http

FIXTURES = Path(__file__).parent / "fixtures" / "git"
AUTHS = "/v1/{project_id}/git/auths"


class Recorded:
    """Answers (method, URL) from a provider's recordings; a credential containing 'bad' gets 401."""

    def __init__(self, *providers):
        self.table = {}
        for p in providers:
            for rec in json.loads((FIXTURES / p / "recorded.json").read_text()):
                self.table[(rec["method"], rec["url"])] = rec
        self.calls = []
        self.revoked = False

    def send(self, method, url, *, headers, params=None, json_body=None, data=None, files=None, auth=None):
        self.calls.append({"method": method, "url": url, "headers": headers, "params": params, "json": json_body,
                           "data": data, "files": files, "auth": auth})
        creds = json.dumps([headers, params, auth])
        if "bad" in creds or self.revoked:
            return http.Reply(401, b'{"message": "Bad credentials"}')
        rec = self.table.get((method, url))
        if rec is None:
            return http.Reply(404, b'{"message": "Not Found"}')
        body = rec["raw"].encode() if "raw" in rec else json.dumps(rec["body"]).encode()
        return http.Reply(rec["status"], body)


@pytest.fixture
def recorded():
    t = Recorded("github", "gitlab", "bitbucket", "gitee")
    http.set_transport(t)
    yield t
    http.set_transport(None)


def test_github_personal_and_repository_calls(ss_user, recorded):
    status, body = ss_user.post(AUTHS + "/GitHub/personal", {"name": "gh", "token": "ghp_secret_token",
                                                            "host": "https://github.com/tom-repo"})
    assert status == 200, body
    a = body["authorization"]
    assert a["repo_type"] == "github" and a["repo_host"] == "https://api.github.com" and a["repo_user"] == "tom-repo"
    assert a["avatar"] == a["avartar"] == "https://avatars.githubusercontent.com/u/73919264?v=4"
    assert "ghp_secret_token" not in json.dumps(body)
    assert recorded.calls[0]["headers"]["Authorization"] == "token ghp_secret_token"
    h = {"X-Repo-Auth": "gh"}
    assert ss_user.get("/v1/{project_id}/git/repos/namespaces", headers=h)[1]["namespaces"] == [
        {"id": "tom-repo", "name": "tom-repo"}, {"id": "acme", "name": "acme"}]
    assert ss_user.get("/v1/{project_id}/git/repos/tom-repo/projects", headers=h)[1]["projects"] == [
        {"id": "demo", "name": "demo", "clone_url": "https://github.com/tom-repo/demo.git"}]
    status, info = ss_user.get("/v1/{project_id}/git/repos/project-info?clone_url="
                               "https://github.com/tom-repo/demo.git", headers=h)
    assert status == 200 and info == {"namespace_id": "tom-repo", "namespace": "tom-repo", "project_id": "demo",
                                      "project": "demo"}
    base = "/v1/{project_id}/git/repos/tom-repo/demo"
    assert ss_user.get(base + "/branches", headers=h)[1] == {"branches": ["main", "dev"]}
    status, body = ss_user.get(base + "/commits?ref=main", headers=h)
    assert body["commits"] == [{"sha": "6dcb09b5b57875f334f61aebed695e2e4193db5e", "message": "Fix all the bugs",
                                "authored_date": "2024-01-09T10:00:00Z"}]
    assert recorded.calls[-1]["params"] == {"per_page": 10, "sha": "main"}
    status, body = ss_user.post(base + "/tags?ref=main", {"name": "v1.0", "description": "release"}, headers=h)
    assert status == 200 and body == {"name": "v1.0"}
    tag_call, ref_call = recorded.calls[-2:]
    assert tag_call["json"] == {"tag": "v1.0", "message": "release",
                                "object": "6dcb09b5b57875f334f61aebed695e2e4193db5e", "type": "commit"}
    assert ref_call["json"] == {"ref": "refs/tags/v1.0", "sha": "940bd336248efae0f9ee5bc7b2d5c985887b16ac"}
    status, f = ss_user.get("/v1/{project_id}/git/files/tom-repo/demo/app:models:key.rb?ref=main", headers=h)
    assert status == 200 and f["content"] == "cHV0cyAxaGk=" and f["sha"] == "3d21ec53a331a6f037a91c368710b99387d012c1"
    assert ss_user.get("/v1/{project_id}/git/files/tom-repo/demo/trees?ref=main", headers=h)[1]["paths"] == [
        "app/models/key.rb", "README.md"]
    status, hook = ss_user.post(base + "/hooks", {"secret": "s", "url": "https://example.com/webhook"}, headers=h)
    assert hook == {"id": "1573", "type": "github", "callback_url": "https://example.com/webhook"}
    assert recorded.calls[-1]["json"]["config"]["secret"] == "s"
    status, err = ss_user.get("/v1/{project_id}/git/repos/tom-repo/missing/branches", headers=h)
    assert status == 404 and err["error_code"] == "SVCSTG.REPO.0400"


def test_refused_credential_marks_authorization_unauthenticated(ss_user, recorded):
    assert ss_user.post(AUTHS + "/github/personal", {"name": "gh", "token": "ghp_ok"})[0] == 200
    h = {"X-Repo-Auth": "gh"}
    recorded.revoked = True  # the token was revoked on GitHub
    status, err = ss_user.get("/v1/{project_id}/git/repos/tom-repo/demo/branches", headers=h)
    assert status == 400 and err["error_code"] == "SVCSTG.REPO.0451"
    assert ss_user.get(AUTHS)[1]["authorizations"][0]["status"] == 2
    recorded.revoked = False
    assert ss_user.get("/v1/{project_id}/git/repos/tom-repo/demo/branches", headers=h)[0] == 200
    assert ss_user.get(AUTHS)[1]["authorizations"][0]["status"] == 0


def test_github_bad_token_refused_nothing_stored(ss_user, recorded):
    status, err = ss_user.post(AUTHS + "/github/personal", {"name": "gh", "token": "bad-token"})
    assert status == 400 and err["error_code"] == "SVCSTG.REPO.0451"
    assert objects.get(ss_user.project, "gitauth", "gh") is None and ss_user.get(AUTHS)[1]["count"] == 0


def test_gitlab_self_hosted_and_blob_check(ss_user, recorded):
    status, body = ss_user.post(AUTHS + "/gitlab/personal", {"name": "gl", "token": "glpat-secret",
                                                            "host": "https://gitlab.example.com"})
    assert status == 200, body
    assert body["authorization"]["repo_host"] == "https://gitlab.example.com/api/v4"
    assert recorded.calls[0]["headers"]["PRIVATE-TOKEN"] == "glpat-secret"
    h = {"X-Repo-Auth": "gl"}
    assert ss_user.get("/v1/{project_id}/git/repos/namespaces", headers=h)[1]["namespaces"] == [
        {"id": "12", "name": "zmg"}, {"id": "34", "name": "platform"}]
    assert ss_user.get("/v1/{project_id}/git/repos/zmg/gradle/tags", headers=h)[1] == {"tags": ["v1.0.0"]}
    info = ss_user.get("/v1/{project_id}/git/repos/project-info?clone_url="
                       "https://gitlab.example.com/zmg/gradle.git", headers=h)[1]
    assert info == {"namespace_id": "12", "namespace": "zmg", "project_id": "79", "project": "gradle"}
    path = "/v1/{project_id}/git/files/12/79/app:project.rb?ref=main"
    new = base64.b64encode(b"puts 2").decode()
    status, err = ss_user.put(path, {"message": "m", "content": new, "sha": "0" * 40}, headers=h)
    assert status == 400 and err["error_code"] == "SVCSTG.REPO.0400"
    assert recorded.calls[-1]["method"] == "GET"  # refused before any write
    status, body = ss_user.put(path, {"message": "m", "content": new,
                                      "sha": "79f7bbd25901e8334750839545a9bd021f0e4c83"}, headers=h)
    assert status == 200 and body == {"path": "app/project.rb"}
    assert recorded.calls[-1]["json"] == {"branch": "main", "commit_message": "m", "encoding": "base64",
                                          "content": new}


def test_bitbucket_password_and_raw_file(ss_user, recorded):
    status, body = ss_user.post(AUTHS + "/BitBucket/password", {"name": "bb", "user": "bbuser",
                                                               "password": "app-pass"})
    assert status == 200, body
    assert body["authorization"]["repo_type"] == "bitbucket" and body["authorization"]["token_type"] == "password"
    assert recorded.calls[0]["auth"] == ("bbuser", "app-pass") and "app-pass" not in json.dumps(body)
    h = {"X-Repo-Auth": "bb"}
    assert [n["name"] for n in ss_user.get("/v1/{project_id}/git/repos/namespaces", headers=h)[1]["namespaces"]] \
        == ["bbuser", "team"]
    status, f = ss_user.get("/v1/{project_id}/git/files/team/site/index.html?ref=main", headers=h)
    assert status == 200 and base64.b64decode(f["content"]) == b"<h1>hi</h1>\n"
    import hashlib
    assert f["sha"] == hashlib.sha1(b"blob 12\0<h1>hi</h1>\n").hexdigest()
    assert ss_user.get("/v1/{project_id}/git/repos/team/site/branches", headers=h)[1] == {"branches": ["main"]}


def test_gitee_token_as_query(ss_user, recorded):
    status, body = ss_user.post(AUTHS + "/gitee/personal", {"name": "ge", "token": "gitee-tok"})
    assert status == 200 and body["authorization"]["repo_user"] == "geeuser"
    assert recorded.calls[0]["params"] == {"access_token": "gitee-tok"}
    h = {"X-Repo-Auth": "ge"}
    assert ss_user.get("/v1/{project_id}/git/repos/geeuser/app/branches", headers=h)[1] == {"branches": ["master"]}


@pytest.fixture
def oauth_conf(monkeypatch):
    from chalicelib.core.config import settings
    monkeypatch.setitem(settings().extra, "git_oauth", {"github": {
        "client_id": "cid123", "client_secret": "csecret", "redirect_uri": "https://console.example/oauth"}})


def test_oauth_flow(ss_user, ss_other, recorded, oauth_conf):
    status, body = ss_user.get(AUTHS + "/github/redirect?tag=intl")
    assert status == 200
    url = urlsplit(body["url"])
    q = parse_qs(url.query)
    assert url.netloc == "github.com" and q["client_id"] == ["cid123"] and q["redirect_uri"] == [
        "https://console.example/oauth"]
    state = q["state"][0]
    # a state for another project, a tampered one: refused
    status, err = ss_other.post(AUTHS + "/github/oauth", {"name": "o", "code": "c0de", "state": state})
    assert status == 400 and err["error_code"] == "SVCSTG.REPO.0402"
    status, err = ss_user.post(AUTHS + "/github/oauth", {"name": "o", "code": "c0de", "state": state[:-2] + "xx"})
    assert status == 400 and err["error_code"] == "SVCSTG.REPO.0402"
    status, body = ss_user.post(AUTHS + "/github/oauth?tag=intl", {"name": "o", "code": "c0de", "state": state})
    assert status == 200, body
    a = body["authorization"]
    assert a["token_type"] == "oauth" and a["repo_user"] == "tom-repo" and a["tag"] == "intl"
    exchange = [c for c in recorded.calls if c["url"].endswith("/access_token")][0]
    assert exchange["data"]["code"] == "c0de" and exchange["data"]["client_secret"] == "csecret"
    assert "gho_16C7e42F292c6912E7710c838347Ae178B4a" not in json.dumps(body)
    assert recorded.calls[-1]["headers"]["Authorization"] == "token gho_16C7e42F292c6912E7710c838347Ae178B4a"
    # the state is one-off
    status, err = ss_user.post(AUTHS + "/github/oauth", {"name": "o2", "code": "c0de", "state": state})
    assert status == 400 and err["error_code"] == "SVCSTG.REPO.0402"
    assert ss_user.get(AUTHS)[1]["count"] == 1


def test_oauth_expired_state_and_unconfigured(ss_user, recorded, oauth_conf):
    from chalicelib.core import clock
    state = parse_qs(urlsplit(ss_user.get(AUTHS + "/github/redirect")[1]["url"]).query)["state"][0]
    clock.advance(601)
    status, err = ss_user.post(AUTHS + "/github/oauth", {"name": "o", "code": "c", "state": state})
    assert status == 400 and err["error_code"] == "SVCSTG.REPO.0402"
    status, err = ss_user.get(AUTHS + "/gitlab/redirect")
    assert status == 400 and err["error_code"] == "SVCSTG.REPO.0401"
    status, err = ss_user.get(AUTHS + "/edgeplane/redirect")
    assert status == 400 and err["error_code"] == "SVCSTG.REPO.0401"


# ---------------------------------------------------------------------- every operation, data-driven
def _cases():
    for provider in ("github", "gitlab", "bitbucket", "gitee"):
        spec = json.loads((FIXTURES / provider / "operations.json").read_text())
        for i, case in enumerate(spec["cases"]):
            yield pytest.param(provider, spec, case, id=f"{provider}-{i}-{case['op']}")


class Scripted:
    """Serves one case's recorded exchanges in order, checking each request's method, URL and body."""

    def __init__(self, host, exchanges):
        self.host, self.exchanges = host, list(exchanges)

    def send(self, method, url, *, headers, params=None, json_body=None, data=None, files=None, auth=None):
        assert self.exchanges, f"unexpected request {method} {url}"
        ex = self.exchanges.pop(0)
        assert (method, url) == (ex["method"], self.host + ex["url"])
        expect = ex.get("expect", {})
        if "json" in expect:
            assert json_body == expect["json"]
        if "data" in expect:
            assert data == expect["data"]
        if "params" in expect:
            assert params == expect["params"]
        if "files" in expect:
            assert {k: base64.b64encode(v).decode() for k, v in files.items()} == expect["files"]
        if "raw" in ex:
            body = ex["raw"].encode()
        else:
            body = b"" if ex.get("body") is None else json.dumps(ex["body"]).encode()
        return http.Reply(ex.get("status", 200), body)


@pytest.mark.parametrize("provider,spec,case", list(_cases()))
def test_provider_operation(provider, spec, case):
    from chalicelib.core.errors import DomainError
    from chalicelib.surfaces.servicestage.gitproviders import PROVIDERS, Cred
    t = Scripted(spec["host"], case["exchanges"])
    http.set_transport(t)
    try:
        cred = Cred(project="p", repo_type=provider, host=spec["host"], token_type=spec["token_type"], token="tok",
                    user="bbuser", password="pw")
        args = list(case["args"])
        if case["op"] in ("create_file", "update_file"):
            args[5] = base64.b64decode(args[5])
        fn = getattr(PROVIDERS[provider], case["op"])
        if "error" in case:
            with pytest.raises(DomainError) as exc:
                fn(cred, *args)
            assert exc.value.code == case["error"]
        else:
            assert fn(cred, *args) == case["result"]
        assert not t.exchanges, "recorded exchanges left unused"
    finally:
        http.set_transport(None)


def test_real_transport_refuses_private_hosts():
    from chalicelib.core.errors import DomainError

    class Session:
        def __init__(self):
            self.calls = []

        def request(self, method, url, **kw):
            self.calls.append(url)
            raise AssertionError("must not be sent")

    s = Session()
    t = http.RequestsTransport(session=s)
    for url in ("http://127.0.0.1/api/v4/user", "http://169.254.169.254/latest/meta-data", "http://10.0.0.8/x",
                "file:///etc/passwd"):
        with pytest.raises(DomainError) as exc:
            t.send("GET", url, headers={})
        assert exc.value.code == "SVCSTG.REPO.0400"
    assert s.calls == []


def test_private_host_rejected_at_authorization(ss_user):
    status, err = ss_user.post(AUTHS + "/gitlab/personal",
                               {"name": "gl", "token": "t", "host": "http://127.0.0.1:8080"})
    assert status == 400 and err["error_code"] == "SVCSTG.REPO.0400"
    assert ss_user.get(AUTHS)[1]["count"] == 0
