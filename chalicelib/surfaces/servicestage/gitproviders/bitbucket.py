"""Bitbucket Cloud REST 2.0 (api.bitbucket.org/2.0).

Password authorizations use HTTP Basic (user + app password), OAuth ones ``Bearer``. Namespaces are
workspaces (slug), projects repository slugs. File contents come raw from ``/src``; their blob sha is computed
(git's blob id), and writes go through the multipart ``POST /src`` (which is also how a file is deleted), so
update/delete compare the current blob sha first.
"""
from __future__ import annotations

import base64
from urllib.parse import urlencode

from chalicelib.surfaces.servicestage.gitproviders import errors, http
from chalicelib.surfaces.servicestage.gitproviders.base import Cred, RestProvider, blob_sha, q, split_clone_url

PAGE = {"pagelen": 100}


class Bitbucket(RestProvider):
    repo_type = "bitbucket"
    default_host = "https://api.bitbucket.org/2.0"

    def api_base(self, host: str | None) -> str:
        return self.default_host

    def auth_headers(self, cred: Cred) -> dict:
        if cred.token_type == "password":
            return {}
        return {"Authorization": f"Bearer {cred.token}"}

    def basic_auth(self, cred: Cred):
        return (cred.user, cred.password) if cred.token_type == "password" else None

    def identity(self, cred: Cred) -> dict:
        me = self.call(cred, "GET", "/user", missing="the user")
        links = me.get("links") or {}
        return {"repo_user": me.get("username") or me.get("nickname") or cred.user,
                "repo_home": (links.get("html") or {}).get("href", ""),
                "avatar": (links.get("avatar") or {}).get("href", "")}

    def oauth_url(self, state: str, redirect_uri: str, client_id: str) -> str:
        return "https://bitbucket.org/site/oauth2/authorize?" + urlencode({
            "client_id": client_id, "response_type": "code", "state": state, "redirect_uri": redirect_uri})

    def exchange_code(self, code: str, redirect_uri: str, client_id: str, client_secret: str) -> dict:
        reply = http.transport().send("POST", "https://bitbucket.org/site/oauth2/access_token",
                                      headers={"Accept": "application/json"}, auth=(client_id, client_secret),
                                      data={"grant_type": "authorization_code", "code": code,
                                            "redirect_uri": redirect_uri})
        if reply.status >= 500:
            raise errors.remote("the OAuth token endpoint answered with an error")
        body = reply.json() if reply.status == 200 else None
        if not isinstance(body, dict) or not body.get("access_token"):
            raise errors.bad_oauth()
        return {"token": body["access_token"], "refresh_token": body.get("refresh_token") or ""}

    # ---------------------------------------------------------------- repositories
    def namespaces(self, cred: Cred) -> list[dict]:
        page = self.call(cred, "GET", "/workspaces", params=PAGE) or {}
        return [{"id": w["slug"], "name": w["slug"]} for w in page.get("values", [])]

    @staticmethod
    def _repo(r: dict) -> dict:
        clone = next((c["href"] for c in (r.get("links") or {}).get("clone", []) if c.get("name") == "https"), "")
        return {"id": r.get("slug") or r["name"], "name": r.get("slug") or r["name"], "clone_url": clone}

    def project_info(self, cred: Cred, clone_url: str) -> dict:
        _, ns, project = split_clone_url(clone_url)
        r = self.call(cred, "GET", f"/repositories/{q(ns)}/{q(project)}", missing="the repository")
        ws = (r.get("workspace") or {}).get("slug", ns)
        return {"namespace_id": ws, "namespace": ws, "project_id": r.get("slug", project),
                "project": r.get("slug", project)}

    def projects(self, cred: Cred, namespace: str) -> list[dict]:
        page = self.call(cred, "GET", f"/repositories/{q(namespace)}", params=PAGE, missing="the namespace") or {}
        return [self._repo(r) for r in page.get("values", [])]

    def create_project(self, cred: Cred, namespace: str, name: str) -> dict:
        r = self.call(cred, "POST", f"/repositories/{q(namespace)}/{q(name.lower())}", missing="the repository",
                      json_body={"scm": "git", "is_private": True, "name": name})
        return self._repo(r)

    @staticmethod
    def _base(namespace: str, project: str) -> str:
        return f"/repositories/{q(namespace)}/{q(project)}"

    def branches(self, cred: Cred, namespace: str, project: str) -> list[str]:
        page = self.call(cred, "GET", self._base(namespace, project) + "/refs/branches", params=PAGE,
                         missing="the repository") or {}
        return [b["name"] for b in page.get("values", [])]

    def tags(self, cred: Cred, namespace: str, project: str) -> list[str]:
        page = self.call(cred, "GET", self._base(namespace, project) + "/refs/tags", params=PAGE,
                         missing="the repository") or {}
        return [t["name"] for t in page.get("values", [])]

    def create_tag(self, cred: Cred, namespace: str, project: str, ref: str, name: str, description: str) -> dict:
        base = self._base(namespace, project)
        commit = self.call(cred, "GET", base + f"/commit/{q(ref)}", missing="the ref")
        t = self.call(cred, "POST", base + "/refs/tags", missing="the tag",
                      json_body={"name": name, "message": description, "target": {"hash": commit["hash"]}})
        return {"name": t.get("name", name)}

    def delete_tag(self, cred: Cred, namespace: str, project: str, name: str) -> None:
        self.call(cred, "DELETE", self._base(namespace, project) + f"/refs/tags/{q(name)}", missing="the tag")

    def commits(self, cred: Cred, namespace: str, project: str, ref: str | None) -> list[dict]:
        path = self._base(namespace, project) + ("/commits/" + q(ref) if ref else "/commits")
        page = self.call(cred, "GET", path, params={"pagelen": 10}, missing="the repository or ref") or {}
        return [{"sha": c["hash"], "message": c.get("message", ""), "authored_date": c.get("date", "")}
                for c in page.get("values", [])[:10]]

    @staticmethod
    def _hook(h: dict) -> dict:
        return {"id": h.get("uuid", ""), "type": "bitbucket", "callback_url": h.get("url", "")}

    def hooks(self, cred: Cred, namespace: str, project: str) -> list[dict]:
        page = self.call(cred, "GET", self._base(namespace, project) + "/hooks", params=PAGE,
                         missing="the repository") or {}
        return [self._hook(h) for h in page.get("values", [])]

    def create_hook(self, cred: Cred, namespace: str, project: str, url: str, secret: str) -> dict:
        h = self.call(cred, "POST", self._base(namespace, project) + "/hooks", missing="the hook",
                      json_body={"description": "ServiceStage", "url": url, "active": True, "secret": secret,
                                 "events": ["repo:push"]})
        return self._hook(h)

    def delete_hook(self, cred: Cred, namespace: str, project: str, hook_id: str) -> None:
        self.call(cred, "DELETE", self._base(namespace, project) + f"/hooks/{q(hook_id)}", missing="the hook")

    # ---------------------------------------------------------------- files
    def tree(self, cred: Cred, namespace: str, project: str, ref: str) -> list[str]:
        page = self.call(cred, "GET", self._base(namespace, project) + f"/src/{q(ref)}/",
                         params={"max_depth": 20, "pagelen": 100}, missing="the ref") or {}
        return [e["path"] for e in page.get("values", []) if e.get("type") == "commit_file"]

    def _raw(self, cred, namespace, project, path, ref) -> bytes:
        reply = self.call(cred, "GET", self._base(namespace, project) + f"/src/{q(ref)}/" +
                          "/".join(q(p) for p in path.split("/")), raw=True, missing="the file")
        return reply.body

    def read_file(self, cred: Cred, namespace: str, project: str, path: str, ref: str) -> dict:
        content = self._raw(cred, namespace, project, path, ref)
        return {"path": path, "sha": blob_sha(content), "encoding": "base64",
                "content": base64.b64encode(content).decode()}

    def _write(self, cred, namespace, project, form: dict, files=None) -> None:
        self.call(cred, "POST", self._base(namespace, project) + "/src", data=form, files=files, missing="the file")

    def _check_sha(self, cred, namespace, project, path, ref, sha) -> None:
        if blob_sha(self._raw(cred, namespace, project, path, ref)) != sha:
            raise errors.invalid("the file was changed: sha does not match its current blob")

    def create_file(self, cred, namespace, project, path, ref, message, content) -> dict:
        self._write(cred, namespace, project, {"message": message, "branch": ref}, files={path: content})
        return {"path": path}

    def update_file(self, cred, namespace, project, path, ref, message, content, sha) -> dict:
        self._check_sha(cred, namespace, project, path, ref, sha)
        self._write(cred, namespace, project, {"message": message, "branch": ref}, files={path: content})
        return {"path": path}

    def delete_file(self, cred, namespace, project, path, ref, message, sha) -> None:
        self._check_sha(cred, namespace, project, path, ref, sha)
        self._write(cred, namespace, project, {"message": message, "branch": ref, "files": path})
