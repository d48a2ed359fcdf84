"""GitLab REST v4 (gitlab.com or a self-hosted ``<host>/api/v4``).

Namespaces are GitLab namespaces (numeric ids as strings; a group path works too). A project is its numeric
id or ``<namespace>/<path>`` (``:`` for ``/`` in the route). Personal tokens go in ``PRIVATE-TOKEN``, OAuth
tokens as ``Bearer``. GitLab's file API has no blob check, so update/delete first compare the current blob id
with the given ``sha``.
"""
from __future__ import annotations

import base64
from urllib.parse import urlencode, urlsplit

from chalicelib.surfaces.servicestage.gitproviders import errors, http
from chalicelib.surfaces.servicestage.gitproviders.base import Cred, RestProvider, q, split_clone_url

PAGE = {"per_page": 100}


class GitLab(RestProvider):
    repo_type = "gitlab"
    default_host = "https://gitlab.com/api/v4"

    def api_base(self, host: str | None) -> str:
        if not host:
            return self.default_host
        parts = urlsplit(host)
        return f"{parts.scheme}://{parts.netloc}/api/v4"

    def _web(self, cred: Cred) -> str:
        return cred.host[: -len("/api/v4")] if cred.host.endswith("/api/v4") else cred.host

    def auth_headers(self, cred: Cred) -> dict:
        if cred.token_type == "oauth":
            return {"Authorization": f"Bearer {cred.token}"}
        return {"PRIVATE-TOKEN": cred.token}

    # ---------------------------------------------------------------- authorizations
    def identity(self, cred: Cred) -> dict:
        me = self.call(cred, "GET", "/user", missing="the user")
        return {"repo_user": me.get("username") or "", "repo_home": me.get("web_url") or "",
                "avatar": me.get("avatar_url") or ""}

    def oauth_url(self, state: str, redirect_uri: str, client_id: str) -> str:
        return "https://gitlab.com/oauth/authorize?" + urlencode({
            "client_id": client_id, "redirect_uri": redirect_uri, "response_type": "code", "state": state,
            "scope": "api read_user"})

    def exchange_code(self, code: str, redirect_uri: str, client_id: str, client_secret: str) -> dict:
        reply = http.transport().send("POST", "https://gitlab.com/oauth/token", headers={"Accept": "application/json"},
                                      data={"client_id": client_id, "client_secret": client_secret, "code": code,
                                            "grant_type": "authorization_code", "redirect_uri": redirect_uri})
        if reply.status >= 500:
            raise errors.remote("the OAuth token endpoint answered with an error")
        body = reply.json() if reply.status == 200 else None
        if not isinstance(body, dict) or not body.get("access_token"):
            raise errors.bad_oauth()
        return {"token": body["access_token"], "refresh_token": body.get("refresh_token") or ""}

    # ---------------------------------------------------------------- repositories
    def namespaces(self, cred: Cred) -> list[dict]:
        rows = self.call(cred, "GET", "/namespaces", params=PAGE)
        return [{"id": str(n["id"]), "name": n.get("full_path") or n.get("path") or n.get("name", "")}
                for n in rows or []]

    def _namespace(self, cred: Cred, namespace: str) -> dict:
        return self.call(cred, "GET", f"/namespaces/{q(namespace)}", missing="the namespace")

    @staticmethod
    def _repo(p: dict) -> dict:
        return {"id": str(p["id"]), "name": p.get("path") or p.get("name", ""),
                "clone_url": p.get("http_url_to_repo") or ""}

    def project_info(self, cred: Cred, clone_url: str) -> dict:
        _, ns, project = split_clone_url(clone_url)
        p = self.call(cred, "GET", f"/projects/{q(ns + '/' + project)}", missing="the repository")
        n = p.get("namespace") or {}
        return {"namespace_id": str(n.get("id", "")), "namespace": n.get("full_path") or ns,
                "project_id": str(p["id"]), "project": p.get("path") or project}

    def projects(self, cred: Cred, namespace: str) -> list[dict]:
        n = self._namespace(cred, namespace)
        if n.get("kind") == "user":
            rows = self.call(cred, "GET", f"/users/{q(n.get('path') or namespace)}/projects", params=PAGE)
        else:
            rows = self.call(cred, "GET", f"/groups/{n['id']}/projects", params=PAGE)
        return [self._repo(p) for p in rows or []]

    def create_project(self, cred: Cred, namespace: str, name: str) -> dict:
        ns_id = namespace if namespace.isdigit() else self._namespace(cred, namespace)["id"]
        p = self.call(cred, "POST", "/projects", missing="the repository",
                      json_body={"name": name, "path": name, "namespace_id": int(ns_id),
                                 "initialize_with_readme": True})
        return self._repo(p)

    @staticmethod
    def _base(namespace: str, project: str) -> str:
        return "/projects/" + (project if project.isdigit() else q(f"{namespace}/{project}"))

    def branches(self, cred: Cred, namespace: str, project: str) -> list[str]:
        rows = self.call(cred, "GET", self._base(namespace, project) + "/repository/branches", params=PAGE,
                         missing="the repository")
        return [b["name"] for b in rows or []]

    def tags(self, cred: Cred, namespace: str, project: str) -> list[str]:
        rows = self.call(cred, "GET", self._base(namespace, project) + "/repository/tags", params=PAGE,
                         missing="the repository")
        return [t["name"] for t in rows or []]

    def create_tag(self, cred: Cred, namespace: str, project: str, ref: str, name: str, description: str) -> dict:
        t = self.call(cred, "POST", self._base(namespace, project) + "/repository/tags", missing="the tag",
                      json_body={"tag_name": name, "ref": ref, "message": description})
        return {"name": t.get("name", name)}

    def delete_tag(self, cred: Cred, namespace: str, project: str, name: str) -> None:
        self.call(cred, "DELETE", self._base(namespace, project) + f"/repository/tags/{q(name)}",
                  missing="the tag")

    def commits(self, cred: Cred, namespace: str, project: str, ref: str | None) -> list[dict]:
        params = {"per_page": 10, **({"ref_name": ref} if ref else {})}
        rows = self.call(cred, "GET", self._base(namespace, project) + "/repository/commits", params=params,
                         missing="the repository or ref")
        return [{"sha": c["id"], "message": c.get("message") or c.get("title", ""),
                 "authored_date": c.get("authored_date", "")} for c in rows or []]

    @staticmethod
    def _hook(h: dict) -> dict:
        return {"id": str(h["id"]), "type": "gitlab", "callback_url": h.get("url", "")}

    def hooks(self, cred: Cred, namespace: str, project: str) -> list[dict]:
        rows = self.call(cred, "GET", self._base(namespace, project) + "/hooks", params=PAGE,
                         missing="the repository")
        return [self._hook(h) for h in rows or []]

    def create_hook(self, cred: Cred, namespace: str, project: str, url: str, secret: str) -> dict:
        h = self.call(cred, "POST", self._base(namespace, project) + "/hooks", missing="the hook",
                      json_body={"url": url, "token": secret, "push_events": True, "tag_push_events": True,
                                 "enable_ssl_verification": True})
        return self._hook(h)

    def delete_hook(self, cred: Cred, namespace: str, project: str, hook_id: str) -> None:
        self.call(cred, "DELETE", self._base(namespace, project) + f"/hooks/{q(hook_id)}", missing="the hook")

    # ---------------------------------------------------------------- files
    def tree(self, cred: Cred, namespace: str, project: str, ref: str) -> list[str]:
        rows = self.call(cred, "GET", self._base(namespace, project) + "/repository/tree",
                         params={"ref": ref, "recursive": "true", "per_page": 100}, missing="the ref")
        return [e["path"] for e in rows or [] if e.get("type") == "blob"]

    def _file(self, namespace: str, project: str, path: str) -> str:
        return self._base(namespace, project) + "/repository/files/" + q(path)

    def read_file(self, cred: Cred, namespace: str, project: str, path: str, ref: str) -> dict:
        f = self.call(cred, "GET", self._file(namespace, project, path), params={"ref": ref}, missing="the file")
        return {"path": f.get("file_path", path), "sha": f.get("blob_id", ""),
                "encoding": f.get("encoding") or "base64", "content": f.get("content", "")}

    def _check_sha(self, cred, namespace, project, path, ref, sha) -> None:
        current = self.read_file(cred, namespace, project, path, ref)
        if current["sha"] != sha:
            raise errors.invalid("the file was changed: sha does not match its current blob")

    def create_file(self, cred, namespace, project, path, ref, message, content) -> dict:
        self.call(cred, "POST", self._file(namespace, project, path), missing="the file",
                  json_body={"branch": ref, "commit_message": message, "encoding": "base64",
                             "content": base64.b64encode(content).decode()})
        return {"path": path}

    def update_file(self, cred, namespace, project, path, ref, message, content, sha) -> dict:
        self._check_sha(cred, namespace, project, path, ref, sha)
        self.call(cred, "PUT", self._file(namespace, project, path), missing="the file",
                  json_body={"branch": ref, "commit_message": message, "encoding": "base64",
                             "content": base64.b64encode(content).decode()})
        return {"path": path}

    def delete_file(self, cred, namespace, project, path, ref, message, sha) -> None:
        self._check_sha(cred, namespace, project, path, ref, sha)
        self.call(cred, "DELETE", self._file(namespace, project, path), missing="the file",
                  json_body={"branch": ref, "commit_message": message})
