"""GitHub REST v3 (api.github.com, or ``<host>/api/v3`` for GitHub Enterprise).

Namespaces are owners addressed by login (the user and their organisations); a project is addressed by its
repository name (ids returned are those names, so they can be sent back as ``{project}``). Lists read one page
of 100. Tags are annotated (tag object + ref); hooks are ``web`` hooks on push with a JSON payload.
"""
from __future__ import annotations

import base64
from urllib.parse import urlencode, urlsplit

from chalicelib.surfaces.servicestage.gitproviders import errors
from chalicelib.surfaces.servicestage.gitproviders.base import Cred, RestProvider, q, split_clone_url

PAGE = {"per_page": 100}


class GitHub(RestProvider):
    repo_type = "github"
    default_host = "https://api.github.com"
    authorize_url = "https://github.com/login/oauth/authorize"
    token_url = "https://github.com/login/oauth/access_token"
    hook_type = "github"

    def api_base(self, host: str | None) -> str:
        if not host:
            return self.default_host
        parts = urlsplit(host)
        if parts.hostname in ("github.com", "api.github.com", "www.github.com"):
            return self.default_host
        return f"{parts.scheme}://{parts.netloc}/api/v3"

    def auth_headers(self, cred: Cred) -> dict:
        return {"Authorization": f"token {cred.token}", "Accept": "application/vnd.github+json"}

    # ---------------------------------------------------------------- authorizations
    def identity(self, cred: Cred) -> dict:
        me = self.call(cred, "GET", "/user", missing="the user")
        return {"repo_user": me.get("login") or "", "repo_home": me.get("html_url") or "",
                "avatar": me.get("avatar_url") or ""}

    def oauth_url(self, state: str, redirect_uri: str, client_id: str) -> str:
        return self.authorize_url + "?" + urlencode({"client_id": client_id, "redirect_uri": redirect_uri,
                                                     "scope": "repo,admin:repo_hook,read:org", "state": state})

    def exchange_code(self, code: str, redirect_uri: str, client_id: str, client_secret: str) -> dict:
        cred = Cred(project="", repo_type=self.repo_type, host=self.token_url)
        reply = self._token_call(cred, {"client_id": client_id, "client_secret": client_secret, "code": code,
                                        "redirect_uri": redirect_uri})
        if not isinstance(reply, dict) or not reply.get("access_token"):
            raise errors.bad_oauth()
        return {"token": reply["access_token"], "refresh_token": reply.get("refresh_token") or ""}

    def _token_call(self, cred: Cred, form: dict):
        from chalicelib.surfaces.servicestage.gitproviders import http
        reply = http.transport().send("POST", cred.host, headers={"Accept": "application/json"}, data=form)
        if reply.status >= 500:
            raise errors.remote("the OAuth token endpoint answered with an error")
        if reply.status != 200:
            raise errors.bad_oauth()
        return reply.json()

    # ---------------------------------------------------------------- repositories
    def _login(self, cred: Cred) -> str:
        return self.call(cred, "GET", "/user", missing="the user").get("login") or ""

    def namespaces(self, cred: Cred) -> list[dict]:
        login = self._login(cred)
        out = [{"id": login, "name": login}]
        for org in self.call(cred, "GET", "/user/orgs", params=PAGE) or []:
            out.append({"id": org["login"], "name": org["login"]})
        return out

    def _repo(self, r: dict) -> dict:
        return {"id": r["name"], "name": r["name"], "clone_url": r.get("clone_url") or ""}

    def project_info(self, cred: Cred, clone_url: str) -> dict:
        _, ns, project = split_clone_url(clone_url)
        r = self.call(cred, "GET", f"/repos/{q(ns)}/{q(project)}", missing="the repository")
        owner = r.get("owner") or {}
        return {"namespace_id": owner.get("login", ns), "namespace": owner.get("login", ns),
                "project_id": r["name"], "project": r["name"]}

    def projects(self, cred: Cred, namespace: str) -> list[dict]:
        if namespace == self._login(cred):
            rows = self.call(cred, "GET", "/user/repos", params={**PAGE, "affiliation": "owner"})
        else:
            rows = self.call(cred, "GET", f"/orgs/{q(namespace)}/repos", params=PAGE, missing="the namespace")
        return [self._repo(r) for r in rows or []]

    def create_project(self, cred: Cred, namespace: str, name: str) -> dict:
        path = "/user/repos" if namespace == self._login(cred) else f"/orgs/{q(namespace)}/repos"
        r = self.call(cred, "POST", path, json_body={"name": name, "auto_init": True, "private": True},
                      missing="the repository")
        return self._repo(r)

    def _base(self, ns: str, project: str) -> str:
        return f"/repos/{q(ns)}/{q(project)}"

    def branches(self, cred: Cred, namespace: str, project: str) -> list[str]:
        rows = self.call(cred, "GET", self._base(namespace, project) + "/branches", params=PAGE,
                         missing="the repository")
        return [b["name"] for b in rows or []]

    def tags(self, cred: Cred, namespace: str, project: str) -> list[str]:
        rows = self.call(cred, "GET", self._base(namespace, project) + "/tags", params=PAGE,
                         missing="the repository")
        return [t["name"] for t in rows or []]

    def _commit_sha(self, cred: Cred, namespace: str, project: str, ref: str) -> str:
        c = self.call(cred, "GET", self._base(namespace, project) + f"/commits/{q(ref)}", missing="the ref")
        return c["sha"]

    def create_tag(self, cred: Cred, namespace: str, project: str, ref: str, name: str, description: str) -> dict:
        base = self._base(namespace, project)
        sha = self._commit_sha(cred, namespace, project, ref)
        tag = self.call(cred, "POST", base + "/git/tags", missing="the tag",
                        json_body={"tag": name, "message": description, "object": sha, "type": "commit"})
        self.call(cred, "POST", base + "/git/refs", json_body={"ref": f"refs/tags/{name}", "sha": tag["sha"]},
                  missing="the tag")
        return {"name": name}

    def delete_tag(self, cred: Cred, namespace: str, project: str, name: str) -> None:
        self.call(cred, "DELETE", self._base(namespace, project) + f"/git/refs/tags/{q(name)}", missing="the tag")

    def commits(self, cred: Cred, namespace: str, project: str, ref: str | None) -> list[dict]:
        params = {"per_page": 10, **({"sha": ref} if ref else {})}
        rows = self.call(cred, "GET", self._base(namespace, project) + "/commits", params=params,
                         missing="the repository or ref")
        out = []
        for c in rows or []:
            commit = c.get("commit") or {}
            out.append({"sha": c["sha"], "message": commit.get("message", ""),
                        "authored_date": (commit.get("author") or {}).get("date", "")})
        return out

    def _hook(self, h: dict) -> dict:
        return {"id": str(h["id"]), "type": self.hook_type, "callback_url": (h.get("config") or {}).get("url", "")}

    def hooks(self, cred: Cred, namespace: str, project: str) -> list[dict]:
        rows = self.call(cred, "GET", self._base(namespace, project) + "/hooks", params=PAGE,
                         missing="the repository")
        return [self._hook(h) for h in rows or []]

    def create_hook(self, cred: Cred, namespace: str, project: str, url: str, secret: str) -> dict:
        h = self.call(cred, "POST", self._base(namespace, project) + "/hooks", missing="the hook",
                      json_body={"name": "web", "active": True, "events": ["push"],
                                 "config": {"url": url, "content_type": "json", "secret": secret,
                                            "insecure_ssl": "0"}})
        return self._hook(h)

    def delete_hook(self, cred: Cred, namespace: str, project: str, hook_id: str) -> None:
        self.call(cred, "DELETE", self._base(namespace, project) + f"/hooks/{q(hook_id)}", missing="the hook")

    # ---------------------------------------------------------------- files
    def tree(self, cred: Cred, namespace: str, project: str, ref: str) -> list[str]:
        t = self.call(cred, "GET", self._base(namespace, project) + f"/git/trees/{q(ref)}",
                      params={"recursive": "1"}, missing="the ref")
        return [e["path"] for e in (t or {}).get("tree", []) if e.get("type") == "blob"]

    def _contents(self, namespace: str, project: str, path: str) -> str:
        return self._base(namespace, project) + "/contents/" + "/".join(q(p) for p in path.split("/"))

    def read_file(self, cred: Cred, namespace: str, project: str, path: str, ref: str) -> dict:
        f = self.call(cred, "GET", self._contents(namespace, project, path), params={"ref": ref},
                      missing="the file")
        if not isinstance(f, dict) or f.get("type") != "file":
            raise errors.invalid("the path is not a file")
        return {"path": f.get("path", path), "sha": f.get("sha", ""), "encoding": f.get("encoding") or "base64",
                "content": (f.get("content") or "").replace("\n", "")}

    def create_file(self, cred, namespace, project, path, ref, message, content) -> dict:
        self.call(cred, "PUT", self._contents(namespace, project, path), missing="the file",
                  json_body={"message": message, "content": base64.b64encode(content).decode(), "branch": ref})
        return {"path": path}

    def update_file(self, cred, namespace, project, path, ref, message, content, sha) -> dict:
        self.call(cred, "PUT", self._contents(namespace, project, path), missing="the file",
                  json_body={"message": message, "content": base64.b64encode(content).decode(), "branch": ref,
                             "sha": sha})
        return {"path": path}

    def delete_file(self, cred, namespace, project, path, ref, message, sha) -> None:
        self.call(cred, "DELETE", self._contents(namespace, project, path), missing="the file",
                  json_body={"message": message, "sha": sha, "branch": ref})
