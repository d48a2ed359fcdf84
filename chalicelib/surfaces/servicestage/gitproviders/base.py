"""The one interface every Git provider implements (the chapter 6 operations), and the REST helper.

A provider answers in the document's shapes (ids are strings, commit dates strings); it raises only the
family's errors (:mod:`.errors`). ``Cred`` carries the unsealed credential of one authorization for the
duration of a request; it is never stored or logged.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from chalicelib.surfaces.servicestage.gitproviders import errors, http


@dataclass
class Cred:
    project: str             # the tenant's ServiceStage project (scopes the embedded provider)
    repo_type: str           # lower case: github | gitlab | gitee | bitbucket | edgeplane
    host: str                # the API base URL (repo_host)
    token_type: str = ""     # oauth | personal | password
    token: str = ""          # personal or OAuth access token
    user: str = ""           # bitbucket user (password authorizations) / the embedded namespace
    password: str = ""
    actor: str = ""          # the ServiceStage user acting (embedded commits' author)
    extra: dict = field(default_factory=dict)

    def __repr__(self) -> str:  # never print secrets
        return f"Cred({self.repo_type}, {self.host}, {self.token_type})"


def blob_sha(content: bytes) -> str:
    """The git blob id of ``content`` (what ``git hash-object`` prints)."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def split_clone_url(clone_url: str) -> tuple[str, str, str]:
    """(host, namespace path, project) of an http(s)/ssh clone URL."""
    url = (clone_url or "").strip()
    if url.startswith("git@") and ":" in url:
        host, _, path = url[4:].partition(":")
    else:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https", "ssh") or not parts.hostname:
            raise errors.bad_clone_url()
        host, path = parts.hostname, parts.path
    path = path.strip("/")
    if path.endswith(".git"):
        path = path[:-4]
    ns, _, project = path.rpartition("/")
    if not ns or not project:
        raise errors.bad_clone_url()
    return host.lower(), ns, project


class Provider:
    """Chapter 6 on one kind of Git host."""

    repo_type = ""
    default_host = ""
    oauth = True

    # ---------------------------------------------------------------- authorizations
    def api_base(self, host: str | None) -> str:
        return self.default_host

    def identity(self, cred: Cred) -> dict:
        """{repo_user, repo_home, avatar} of the credential; raises ``bad_auth`` when the host refuses it."""
        raise NotImplementedError

    def oauth_url(self, state: str, redirect_uri: str, client_id: str) -> str:
        raise errors.not_implemented(f"OAuth is not implemented for {self.repo_type}")

    def exchange_code(self, code: str, redirect_uri: str, client_id: str, client_secret: str) -> dict:
        raise errors.not_implemented(f"OAuth is not implemented for {self.repo_type}")

    # ---------------------------------------------------------------- repositories
    def namespaces(self, cred: Cred) -> list[dict]:
        raise NotImplementedError

    def project_info(self, cred: Cred, clone_url: str) -> dict:
        raise NotImplementedError

    def projects(self, cred: Cred, namespace: str) -> list[dict]:
        raise NotImplementedError

    def create_project(self, cred: Cred, namespace: str, name: str) -> dict:
        raise NotImplementedError

    def branches(self, cred: Cred, namespace: str, project: str) -> list[str]:
        raise NotImplementedError

    def tags(self, cred: Cred, namespace: str, project: str) -> list[str]:
        raise NotImplementedError

    def create_tag(self, cred: Cred, namespace: str, project: str, ref: str, name: str, description: str) -> dict:
        raise NotImplementedError

    def delete_tag(self, cred: Cred, namespace: str, project: str, name: str) -> None:
        raise NotImplementedError

    def commits(self, cred: Cred, namespace: str, project: str, ref: str | None) -> list[dict]:
        raise NotImplementedError

    def hooks(self, cred: Cred, namespace: str, project: str) -> list[dict]:
        raise NotImplementedError

    def create_hook(self, cred: Cred, namespace: str, project: str, url: str, secret: str) -> dict:
        raise NotImplementedError

    def delete_hook(self, cred: Cred, namespace: str, project: str, hook_id: str) -> None:
        raise NotImplementedError

    # ---------------------------------------------------------------- files
    def tree(self, cred: Cred, namespace: str, project: str, ref: str) -> list[str]:
        raise NotImplementedError

    def read_file(self, cred: Cred, namespace: str, project: str, path: str, ref: str) -> dict:
        raise NotImplementedError

    def create_file(self, cred: Cred, namespace: str, project: str, path: str, ref: str, message: str,
                    content: bytes) -> dict:
        raise NotImplementedError

    def update_file(self, cred: Cred, namespace: str, project: str, path: str, ref: str, message: str,
                    content: bytes, sha: str) -> dict:
        raise NotImplementedError

    def delete_file(self, cred: Cred, namespace: str, project: str, path: str, ref: str, message: str,
                    sha: str) -> None:
        raise NotImplementedError


def q(value: str) -> str:
    """One URL path segment."""
    return quote(value, safe="")


class RestProvider(Provider):
    """A provider that maps each operation onto the host's REST API through :mod:`.http`."""

    def auth_headers(self, cred: Cred) -> dict:
        return {"Authorization": f"Bearer {cred.token}"}

    def auth_params(self, cred: Cred) -> dict:
        return {}

    def basic_auth(self, cred: Cred):
        return None

    def call(self, cred: Cred, method: str, path: str, *, params: dict | None = None, json_body=None, data=None,
             files=None, ok=(200, 201, 204), raw: bool = False, missing: str = "the repository resource"):
        url = cred.host.rstrip("/") + path
        headers = {"Accept": "application/json", "User-Agent": "edgeplane-servicestage", **self.auth_headers(cred)}
        all_params = {**self.auth_params(cred), **(params or {})}
        reply = http.transport().send(method, url, headers=headers, params=all_params or None, json_body=json_body,
                                      data=data, files=files, auth=self.basic_auth(cred))
        if reply.status in ok:
            if raw:
                return reply
            return reply.json() if reply.body.strip() else None
        self.fail(reply, missing)

    def fail(self, reply: http.Reply, missing: str):
        text = reply.text.lower()
        if reply.status == 401:
            raise errors.bad_auth(refused=True)
        if reply.status == 403:
            raise errors.bad_auth("the repository authorization does not allow this operation")
        if reply.status == 404:
            raise errors.not_found(f"{missing} does not exist on the repository host")
        if reply.status in (400, 409, 422):
            if "already exist" in text or "has already been taken" in text or reply.status == 409:
                raise errors.exists(f"{missing} already exists")
            raise errors.invalid(f"the repository host refused the request ({reply.status})")
        raise errors.remote(f"the repository host answered {reply.status}")
