"""Gitee API v5 (gitee.com/api/v5): GitHub-like, with the token as ``access_token`` and its own tag and hook
bodies. Namespaces are the user and their organisations, addressed by login/path."""
from __future__ import annotations

import base64
from urllib.parse import urlencode, urlsplit

from chalicelib.surfaces.servicestage.gitproviders import errors
from chalicelib.surfaces.servicestage.gitproviders.base import Cred, q
from chalicelib.surfaces.servicestage.gitproviders.github import PAGE, GitHub


class Gitee(GitHub):
    repo_type = "gitee"
    default_host = "https://gitee.com/api/v5"
    authorize_url = "https://gitee.com/oauth/authorize"
    token_url = "https://gitee.com/oauth/token"
    hook_type = "gitee"

    def api_base(self, host: str | None) -> str:
        if not host or urlsplit(host).hostname in ("gitee.com", "www.gitee.com"):
            return self.default_host
        parts = urlsplit(host)
        return f"{parts.scheme}://{parts.netloc}/api/v5"

    def auth_headers(self, cred: Cred) -> dict:
        return {}

    def auth_params(self, cred: Cred) -> dict:
        return {"access_token": cred.token}

    def oauth_url(self, state: str, redirect_uri: str, client_id: str) -> str:
        return self.authorize_url + "?" + urlencode({"client_id": client_id, "redirect_uri": redirect_uri,
                                                     "response_type": "code", "scope": "user_info projects hook",
                                                     "state": state})

    def exchange_code(self, code: str, redirect_uri: str, client_id: str, client_secret: str) -> dict:
        cred = Cred(project="", repo_type=self.repo_type, host=self.token_url)
        reply = self._token_call(cred, {"grant_type": "authorization_code", "code": code, "client_id": client_id,
                                        "client_secret": client_secret, "redirect_uri": redirect_uri})
        if not isinstance(reply, dict) or not reply.get("access_token"):
            raise errors.bad_oauth()
        return {"token": reply["access_token"], "refresh_token": reply.get("refresh_token") or ""}

    def namespaces(self, cred: Cred) -> list[dict]:
        login = self._login(cred)
        out = [{"id": login, "name": login}]
        for org in self.call(cred, "GET", "/user/orgs", params=PAGE) or []:
            out.append({"id": org["login"], "name": org["login"]})
        return out

    def _repo(self, r: dict) -> dict:
        return {"id": r.get("path") or r["name"], "name": r.get("path") or r["name"],
                "clone_url": r.get("html_url") if (r.get("html_url") or "").endswith(".git")
                else (r.get("html_url") or "") + ".git"}

    def projects(self, cred: Cred, namespace: str) -> list[dict]:
        if namespace == self._login(cred):
            rows = self.call(cred, "GET", "/user/repos", params={**PAGE, "type": "owner"})
        else:
            rows = self.call(cred, "GET", f"/orgs/{q(namespace)}/repos", params=PAGE, missing="the namespace")
        return [self._repo(r) for r in rows or []]

    def create_project(self, cred: Cred, namespace: str, name: str) -> dict:
        path = "/user/repos" if namespace == self._login(cred) else f"/orgs/{q(namespace)}/repos"
        r = self.call(cred, "POST", path, data={"name": name, "auto_init": "true", "private": "true"},
                      missing="the repository")
        return self._repo(r)

    def create_tag(self, cred: Cred, namespace: str, project: str, ref: str, name: str, description: str) -> dict:
        self.call(cred, "POST", self._base(namespace, project) + "/tags", missing="the tag",
                  data={"refs": ref, "tag_name": name, "tag_message": description})
        return {"name": name}

    def delete_tag(self, cred: Cred, namespace: str, project: str, name: str) -> None:
        self.call(cred, "DELETE", self._base(namespace, project) + f"/tags/{q(name)}", missing="the tag")

    def _hook(self, h: dict) -> dict:
        return {"id": str(h["id"]), "type": self.hook_type, "callback_url": h.get("url", "")}

    def create_hook(self, cred: Cred, namespace: str, project: str, url: str, secret: str) -> dict:
        h = self.call(cred, "POST", self._base(namespace, project) + "/hooks", missing="the hook",
                      data={"url": url, "encryption_type": "0", "password": secret, "push_events": "true"})
        return self._hook(h)

    def tree(self, cred: Cred, namespace: str, project: str, ref: str) -> list[str]:
        t = self.call(cred, "GET", self._base(namespace, project) + f"/git/trees/{q(ref)}",
                      params={"recursive": "1"}, missing="the ref")
        return [e["path"] for e in (t or {}).get("tree", []) if e.get("type") == "blob"]

    def create_file(self, cred, namespace, project, path, ref, message, content) -> dict:
        self.call(cred, "POST", self._contents(namespace, project, path), missing="the file",
                  data={"message": message, "content": base64.b64encode(content).decode(), "branch": ref})
        return {"path": path}

    def update_file(self, cred, namespace, project, path, ref, message, content, sha) -> dict:
        self.call(cred, "PUT", self._contents(namespace, project, path), missing="the file",
                  data={"message": message, "content": base64.b64encode(content).decode(), "branch": ref,
                        "sha": sha})
        return {"path": path}

    def delete_file(self, cred, namespace, project, path, ref, message, sha) -> None:
        self.call(cred, "DELETE", self._contents(namespace, project, path), missing="the file",
                  params={"message": message, "sha": sha, "branch": ref})
