"""Git repository access (chapter 6): authorizations 6.1-6.6, repositories 6.7-6.18, files 6.19-6.23.

Repository calls name an authorization in ``X-Repo-Auth`` and go to its provider (:mod:`.gitproviders`).
``{namespace}``, ``{project}`` and ``{path}`` may carry ``/`` written as ``:`` (the document) or as ``%2F``
(what the SDK sends); both are decoded here. Errors are ``{"error_code": "SVCSTG.REPO.xxxx", "error_msg"}``.
"""
from __future__ import annotations

import base64
import binascii
from urllib.parse import unquote, urlsplit

from chalicelib import audit
from chalicelib.core.errors import DomainError
from chalicelib.surfaces.servicestage import answers_cse as C
from chalicelib.surfaces.servicestage import bodies_cse as B
from chalicelib.surfaces.servicestage.bodies import body_of
from chalicelib.surfaces.servicestage import service_git as svc
from chalicelib.surfaces.servicestage.auth import project_of
from chalicelib.surfaces.servicestage.blueprints import ANY_BODY, SURFACE, git as bp, git_api as api
from chalicelib.surfaces.servicestage.envelope import empty
from chalicelib.surfaces.servicestage.gitproviders import errors

AUTHS = "/v1/{project_id}/git/auths"
REPOS = "/v1/{project_id}/git/repos"
PROJ = REPOS + "/{namespace}/{project}"
FILES = "/v1/{project_id}/git/files/{namespace}/{project}"


def _param(value: str, what: str) -> str:
    decoded = unquote(value or "").replace(":", "/").strip("/")
    if not decoded or len(decoded) > 1024 or "\0" in decoded:
        raise errors.invalid(f"invalid {what}")
    return decoded


def _query(ctx, key: str, *, required: bool = True, max_len: int = 256) -> str:
    value = ctx.query.get(key)
    if value is None or value == "":
        if required:
            raise errors.invalid(f"query parameter {key} is required")
        return ""
    if len(value) > max_len:
        raise errors.invalid(f"query parameter {key} is too long")
    return value


def _who(ctx) -> tuple[str, str]:
    return project_of(ctx.principal), ctx.principal.username


class _Watched:
    """A provider whose calls record a refused credential on the authorization (status 2) and a recovered one
    (status 0)."""

    def __init__(self, prov, project: str, name: str, status: int):
        self._prov, self._project, self._name, self._status = prov, project, name, status

    def __getattr__(self, op):
        fn = getattr(self._prov, op)

        def call(*args, **kwargs):
            try:
                out = fn(*args, **kwargs)
            except DomainError as err:
                if err.details.get("refused"):
                    svc.set_status(self._project, self._name, svc.STATUS_UNAUTHENTICATED)
                raise
            if self._status != svc.STATUS_OK:
                svc.set_status(self._project, self._name, svc.STATUS_OK)
            return out
        return call


def _repo(ctx):
    project, actor = _who(ctx)
    name = ctx.header("x-repo-auth")
    prov, cred, status = svc.credential(project, actor, name, with_status=True)
    return _Watched(prov, project, name, status), cred


def _audit(ctx, action: str, resource: str) -> None:
    audit.record(SURFACE, action, principal=ctx.principal, resource=resource)


def _content(body: dict) -> bytes:
    raw = svc.text(body, "content", max_len=8 * 1024 * 1024, allow_empty=True)
    try:
        return base64.b64decode(raw.replace("\n", ""), validate=True)
    except (binascii.Error, ValueError):
        raise errors.invalid("content must be Base64") from None


# ------------------------------------------------------------------ 6.1-6.6 authorizations
@bp.route(AUTHS, methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ListAuthorizations", returns=C.GitAuthorizations)
def list_authorizations(ctx, project_id):
    return svc.list_auths(project_of(ctx.principal))


@bp.route(AUTHS + "/{repo_type}/redirect", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ShowRedirectUrl", returns=C.GitRedirectUrl)
def show_redirect_url(ctx, project_id, repo_type):
    return svc.redirect_url(project_of(ctx.principal), repo_type, _query(ctx, "tag", required=False, max_len=64))


@bp.route(AUTHS + "/{repo_type}/oauth", methods=["POST"], content_types=ANY_BODY)
@api.endpoint(bp, action="CreateOAuth", returns=C.GitAuthorizationCreated)
def create_oauth(ctx, project_id, repo_type):
    project, actor = _who(ctx)
    out = svc.create_oauth(project, actor, repo_type, _query(ctx, "tag", required=False, max_len=64),
                           body_of(ctx, B.GitOAuth))
    _audit(ctx, "CreateOAuth", f"gitauth/{out['authorization']['name']}")
    return out


@bp.route(AUTHS + "/{repo_type}/personal", methods=["POST"], content_types=ANY_BODY)
@api.endpoint(bp, action="CreatePersonalAuth", returns=C.GitAuthorizationCreated)
def create_personal_auth(ctx, project_id, repo_type):
    project, actor = _who(ctx)
    out = svc.create_personal(project, actor, repo_type, body_of(ctx, B.GitPersonalAuth))
    _audit(ctx, "CreatePersonalAuth", f"gitauth/{out['authorization']['name']}")
    return out


@bp.route(AUTHS + "/{repo_type}/password", methods=["POST"], content_types=ANY_BODY)
@api.endpoint(bp, action="CreatePasswordAuth", returns=C.GitAuthorizationCreated)
def create_password_auth(ctx, project_id, repo_type):
    project, actor = _who(ctx)
    out = svc.create_password(project, actor, repo_type, body_of(ctx, B.GitPasswordAuth))
    _audit(ctx, "CreatePasswordAuth", f"gitauth/{out['authorization']['name']}")
    return out


@bp.route(AUTHS + "/{name}", methods=["DELETE"], content_types=ANY_BODY)
@api.endpoint(bp, action="DeleteAuthorize")
def delete_authorize(ctx, project_id, name):
    svc.delete_auth(project_of(ctx.principal), unquote(name))
    _audit(ctx, "DeleteAuthorize", f"gitauth/{unquote(name)}")
    return empty(204)


# ------------------------------------------------------------------ 6.7-6.18 repositories
@bp.route(REPOS + "/namespaces", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ListNamespaces", returns=C.GitNamespaces)
def list_namespaces(ctx, project_id):
    prov, cred = _repo(ctx)
    return {"namespaces": prov.namespaces(cred)}


@bp.route(REPOS + "/project-info", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ShowProjectDetail", returns=C.GitProjectInfo)
def show_project_detail(ctx, project_id):
    clone_url = _query(ctx, "clone_url", max_len=2048)
    if urlsplit(clone_url).scheme not in ("http", "https", "ssh") and not clone_url.startswith("git@"):
        raise errors.bad_clone_url()
    prov, cred = _repo(ctx)
    return prov.project_info(cred, clone_url)


@bp.route(REPOS + "/{namespace}/projects", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ListProjects", returns=C.GitProjects)
def list_projects(ctx, project_id, namespace):
    ns = _param(namespace, "namespace")
    prov, cred = _repo(ctx)
    return {"projects": prov.projects(cred, ns)}


@bp.route(REPOS + "/{namespace}/projects", methods=["POST"], content_types=ANY_BODY)
@api.endpoint(bp, action="CreateProject", returns=C.GitProject)
def create_project(ctx, project_id, namespace):
    ns = _param(namespace, "namespace")
    name = svc.text(body_of(ctx, B.GitProjectCreate), "name", max_len=100)
    prov, cred = _repo(ctx)
    out = prov.create_project(cred, ns, name)
    _audit(ctx, "CreateProject", f"gitrepo/{ns}/{name}")
    return out


@bp.route(PROJ + "/branches", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ListBranches", returns=C.GitBranches)
def list_branches(ctx, project_id, namespace, project):
    ns, proj = _param(namespace, "namespace"), _param(project, "project")
    prov, cred = _repo(ctx)
    return {"branches": prov.branches(cred, ns, proj)}


@bp.route(PROJ + "/tags", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ListTags", returns=C.GitTags)
def list_tags(ctx, project_id, namespace, project):
    ns, proj = _param(namespace, "namespace"), _param(project, "project")
    prov, cred = _repo(ctx)
    return {"tags": prov.tags(cred, ns, proj)}


@bp.route(PROJ + "/tags", methods=["POST"], content_types=ANY_BODY)
@api.endpoint(bp, action="CreateTag", returns=C.GitTag)
def create_tag(ctx, project_id, namespace, project):
    ns, proj = _param(namespace, "namespace"), _param(project, "project")
    ref = _query(ctx, "ref")
    body = body_of(ctx, B.GitTagCreate)
    name = svc.text(body, "name", max_len=200)
    description = svc.text(body, "description", max_len=4096, allow_empty=True)
    prov, cred = _repo(ctx)
    out = prov.create_tag(cred, ns, proj, ref, name, description)
    _audit(ctx, "CreateTag", f"gitrepo/{ns}/{proj}/tags/{name}")
    return out


@bp.route(PROJ + "/tags/{tag_name}", methods=["DELETE"], content_types=ANY_BODY)
@api.endpoint(bp, action="DeleteTag")
def delete_tag(ctx, project_id, namespace, project, tag_name):
    ns, proj = _param(namespace, "namespace"), _param(project, "project")
    name = unquote(tag_name)
    prov, cred = _repo(ctx)
    prov.delete_tag(cred, ns, proj, name)
    _audit(ctx, "DeleteTag", f"gitrepo/{ns}/{proj}/tags/{name}")
    return empty(204)


@bp.route(PROJ + "/commits", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ListCommits", returns=C.GitCommits)
def list_commits(ctx, project_id, namespace, project):
    ns, proj = _param(namespace, "namespace"), _param(project, "project")
    ref = _query(ctx, "ref", required=False) or None
    prov, cred = _repo(ctx)
    return {"commits": prov.commits(cred, ns, proj, ref)}


@bp.route(PROJ + "/hooks", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ListHooks", returns=C.GitHooks)
def list_hooks(ctx, project_id, namespace, project):
    ns, proj = _param(namespace, "namespace"), _param(project, "project")
    prov, cred = _repo(ctx)
    return {"hooks": prov.hooks(cred, ns, proj)}


@bp.route(PROJ + "/hooks", methods=["POST"], content_types=ANY_BODY)
@api.endpoint(bp, action="CreateHook", returns=C.GitHook)
def create_hook(ctx, project_id, namespace, project):
    ns, proj = _param(namespace, "namespace"), _param(project, "project")
    body = body_of(ctx, B.GitHookCreate)
    secret = svc.text(body, "secret", max_len=256)
    url = svc.text(body, "url", max_len=1024)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise errors.invalid("url must be an http(s) URL")
    prov, cred = _repo(ctx)
    out = prov.create_hook(cred, ns, proj, url, secret)
    _audit(ctx, "CreateHook", f"gitrepo/{ns}/{proj}/hooks/{out['id']}")
    return out


@bp.route(PROJ + "/hooks/{hook_id}", methods=["DELETE"], content_types=ANY_BODY)
@api.endpoint(bp, action="DeleteHook")
def delete_hook(ctx, project_id, namespace, project, hook_id):
    ns, proj = _param(namespace, "namespace"), _param(project, "project")
    hook = unquote(hook_id)
    prov, cred = _repo(ctx)
    prov.delete_hook(cred, ns, proj, hook)
    _audit(ctx, "DeleteHook", f"gitrepo/{ns}/{proj}/hooks/{hook}")
    return empty(204)


# ------------------------------------------------------------------ 6.19-6.23 files
@bp.route(FILES + "/trees", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ListTrees", returns=C.GitPaths)
def list_trees(ctx, project_id, namespace, project):
    ns, proj = _param(namespace, "namespace"), _param(project, "project")
    ref = _query(ctx, "ref")
    prov, cred = _repo(ctx)
    return {"paths": prov.tree(cred, ns, proj, ref)}


@bp.route(FILES + "/{path}", methods=["GET"], content_types=ANY_BODY)
@api.endpoint(bp, action="ShowContent", returns=C.GitFile)
def show_content(ctx, project_id, namespace, project, path):
    ns, proj, file_path = _param(namespace, "namespace"), _param(project, "project"), _param(path, "path")
    ref = _query(ctx, "ref")
    prov, cred = _repo(ctx)
    return prov.read_file(cred, ns, proj, file_path, ref)


@bp.route(FILES + "/{path}", methods=["POST"], content_types=ANY_BODY)
@api.endpoint(bp, action="CreateFile", returns=C.GitFilePath)
def create_file(ctx, project_id, namespace, project, path):
    ns, proj, file_path = _param(namespace, "namespace"), _param(project, "project"), _param(path, "path")
    ref = _query(ctx, "ref")
    body = body_of(ctx, B.GitFileCreate)
    message = svc.text(body, "message", max_len=4096)
    content = _content(body)
    prov, cred = _repo(ctx)
    out = prov.create_file(cred, ns, proj, file_path, ref, message, content)
    _audit(ctx, "CreateFile", f"gitrepo/{ns}/{proj}/files/{file_path}")
    return out


@bp.route(FILES + "/{path}", methods=["PUT"], content_types=ANY_BODY)
@api.endpoint(bp, action="UpdateFile", returns=C.GitFilePath)
def update_file(ctx, project_id, namespace, project, path):
    ns, proj, file_path = _param(namespace, "namespace"), _param(project, "project"), _param(path, "path")
    ref = _query(ctx, "ref")
    body = body_of(ctx, B.GitFileUpdate)
    message = svc.text(body, "message", max_len=4096)
    content = _content(body)
    sha = svc.text(body, "sha", max_len=128)
    prov, cred = _repo(ctx)
    out = prov.update_file(cred, ns, proj, file_path, ref, message, content, sha)
    _audit(ctx, "UpdateFile", f"gitrepo/{ns}/{proj}/files/{file_path}")
    return out


@bp.route(FILES + "/{path}", methods=["DELETE"], content_types=ANY_BODY)
@api.endpoint(bp, action="DeleteFile")
def delete_file(ctx, project_id, namespace, project, path):
    ns, proj, file_path = _param(namespace, "namespace"), _param(project, "project"), _param(path, "path")
    ref = _query(ctx, "ref")
    message = _query(ctx, "message", max_len=4096)
    sha = _query(ctx, "sha", max_len=128)
    prov, cred = _repo(ctx)
    prov.delete_file(cred, ns, proj, file_path, ref, message, sha)
    _audit(ctx, "DeleteFile", f"gitrepo/{ns}/{proj}/files/{file_path}")
    return empty(204)
