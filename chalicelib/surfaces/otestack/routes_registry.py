"""Repository Management (13): images, tags, registry user, projects, external repositories.

Documented alias paths are served too: ``POST/DELETE /v1/repository`` for ``…/v1/repository/third``
(catalog §7 item 3) and ``/v1/repository/third/{repoId}`` for the document's ``[repold]`` (item 6).
"""
from __future__ import annotations

from chalicelib.core.web import json_response
from chalicelib.surfaces.otestack import answers
from chalicelib.surfaces.otestack import registry_models as m
from chalicelib.surfaces.otestack import registry_service as svc
from chalicelib.surfaces.otestack.blueprint import ANY_BODY, bp, endpoint
from chalicelib.surfaces.otestack.envelope import ok


# ---------------------------------------------------------------- images and tags
@bp.route("/v1/repository/image", methods=["GET"])
@endpoint(bp, returns=answers.ImageList)
def repo_list_images(ctx):
    rows, total = svc.list_images(ctx.principal, ctx.params(m.ImageQuery))
    return ok(data=rows, total=total)


@bp.route("/v1/repository/image", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.Answer)
def repo_delete_images(ctx):
    body = ctx.body(m.DeleteImages)
    svc.delete_images(ctx.principal, body.imageName)
    return ok()


@bp.route("/v1/repository/image/tag", methods=["GET"])
@endpoint(bp, returns=answers.TagList)
def repo_list_tags(ctx):
    rows, total = svc.list_tags(ctx.principal, ctx.params(m.TagQuery))
    return ok(data=rows, total=total)


@bp.route("/v1/repository/image/tag", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.Answer)
def repo_delete_tags(ctx):
    body = ctx.body(m.DeleteTags)
    svc.delete_tags(ctx.principal, body.imageName, body.tag)
    return ok()


# ---------------------------------------------------------------- registry account
@bp.route("/v1/repository/user", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.Answer)
def repo_create_user(ctx):
    ctx.require_json_type()
    body = ctx.body(m.NewRegistryUser)
    svc.create_registry_user(ctx.principal, body.user, body.password)
    return ok()


@bp.route("/v1/repository/user", methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.Answer)
def repo_update_password(ctx):
    body = ctx.body(m.RegistryPassword)
    svc.set_registry_password(ctx.principal, body.password)
    return ok()


# ---------------------------------------------------------------- projects
@bp.route("/v1/repository/project", methods=["GET"])
@endpoint(bp, returns=answers.ProjectList)
def repo_list_projects(ctx):
    rows, total = svc.list_projects(ctx.principal, ctx.params(m.ProjectQuery))
    return ok(data=rows, total=total)


@bp.route("/v1/repository/project", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.Answer)
def repo_create_project(ctx):
    ctx.require_json_type()
    body = ctx.body(m.NewProject)
    svc.create_project(ctx.principal, body.projectName, body.public)
    return json_response(ok(), 201)  # the table says 201, the example body says code 200 (§7 item 16)


@bp.route("/v1/repository/project", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.Answer)
def repo_delete_projects(ctx):
    body = ctx.body(m.DeleteProjects)
    svc.delete_projects(ctx.principal, body.projectId)
    return ok()


# ---------------------------------------------------------------- external repositories
def _create_external(ctx):
    body = ctx.body(m.NewExternalRepo)
    svc.create_external_repository(ctx.principal, body.repositoryId, body.address, body.user, body.password)
    return ok()


def _delete_external(ctx):
    body = ctx.body(m.DeleteExternalRepos)
    svc.delete_external_repositories(ctx.principal, body.repositoryId)
    return ok()


@bp.route("/v1/repository/third", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.Answer)
def repo_create_external(ctx):
    return _create_external(ctx)


@bp.route("/v1/repository", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.Answer)
def repo_create_external_alias(ctx):
    return _create_external(ctx)


@bp.route("/v1/repository/third", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.Answer)
def repo_delete_external(ctx):
    return _delete_external(ctx)


@bp.route("/v1/repository", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.Answer)
def repo_delete_external_alias(ctx):
    return _delete_external(ctx)


@bp.route("/v1/repository/third", methods=["GET"])
@endpoint(bp, returns=answers.ExternalRepoList)
def repo_list_external(ctx):
    rows, total = svc.list_external_repositories(ctx.principal, ctx.params(m.ExternalRepoQuery))
    return ok(data=rows, total=total)


@bp.route("/v1/repository/third/{repoId}", methods=["GET"])
@endpoint(bp, returns=answers.ExternalRepoAnswer)
def repo_get_external(ctx, repoId):
    return ok(data=svc.get_external_repository_view(ctx.principal, repoId))
