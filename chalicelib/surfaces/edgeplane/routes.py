"""Routes of edgeplane's own API under /edgeplane/v1 (Bearer JWT or API key)."""
from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.core.pagination import _as_int
from chalicelib.core.web import ANY_BODY, Surface, json_response
from chalicelib.identity import accounts
from chalicelib.surfaces.edgeplane import models as m
from chalicelib.surfaces.edgeplane import service
from chalicelib.openapi.schemes import bearer
from chalicelib.surfaces.edgeplane.envelope import EpError, render_error

bp = Blueprint(__name__)
URL_PREFIX = "/edgeplane/v1"


def _auth(ctx):
    return accounts.authenticate_bearer(ctx.header("authorization"), ["edgeplane"])


surface = Surface("edgeplane", render_error, _auth, error_model=EpError,
                  security={"bearer": bearer("a JWT from POST /edgeplane/v1/login, or an API key (epk_...)")},
                  error_description='{"error": {"code", "message"}}')
endpoint = surface.endpoint


def _limit(ctx) -> int:
    return max(1, min(_as_int(ctx.query.get("limit"), "limit", 50), 500))


def _empty():
    return Response(body="", status_code=204)


@bp.route("/health", methods=["GET"])
@endpoint(bp, auth=False, returns=m.Health)
def health(ctx):
    return service.health()


@bp.route("/login", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, auth=False, returns=m.Token)
def login(ctx):
    body = ctx.body(m.Login)
    return service.login(body.username, body.password)


@bp.route("/me", methods=["GET"])
@endpoint(bp, returns=m.User)
def me(ctx):
    return service.get_user(ctx.principal, ctx.principal.username)


@bp.route("/users", methods=["GET"])
@endpoint(bp, returns=m.Users)
def list_users(ctx):
    return service.list_users(ctx.principal, _limit(ctx), ctx.query.get("next"))


@bp.route("/users", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=m.User)
def create_user(ctx):
    body = ctx.body(m.NewUser)
    return json_response(service.create_user(ctx.principal, body.username, body.password, body.system_admin), 201)


@bp.route("/users/{username}", methods=["GET"])
@endpoint(bp, returns=m.User)
def get_user(ctx, username):
    return service.get_user(ctx.principal, username)


@bp.route("/users/{username}", methods=["PATCH", "PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=m.User)
def update_user(ctx, username):
    body = ctx.body(m.UserUpdate)
    return service.update_user(ctx.principal, username, body.status, body.password)


@bp.route("/users/{username}", methods=["DELETE"])
@endpoint(bp)
def delete_user(ctx, username):
    service.delete_user(ctx.principal, username)
    return _empty()


@bp.route("/users/{username}/keys", methods=["GET"])
@endpoint(bp, returns=m.Keys)
def list_keys(ctx, username):
    return service.list_keys(ctx.principal, username)


@bp.route("/users/{username}/keys", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=m.NewKeyOut)
def create_key(ctx, username):
    body = ctx.body(m.NewKey, required=False)
    return json_response(service.create_key(ctx.principal, username, body.name), 201)


@bp.route("/users/{username}/keys/{key_id}", methods=["DELETE"])
@endpoint(bp)
def delete_key(ctx, username, key_id):
    service.delete_key(ctx.principal, username, key_id)
    return _empty()


@bp.route("/jobs", methods=["GET"])
@endpoint(bp, returns=m.Jobs)
def list_jobs(ctx):
    return service.list_jobs(ctx.principal, _limit(ctx), ctx.query.get("next"))


@bp.route("/jobs/{job_id}", methods=["GET"])
@endpoint(bp, returns=m.Job)
def get_job(ctx, job_id):
    return service.get_job(ctx.principal, job_id)


@bp.route("/audit", methods=["GET"])
@endpoint(bp, returns=m.AuditEvents)
def list_audit(ctx):
    return service.list_audit(ctx.principal, _limit(ctx), ctx.query.get("next"), ctx.query.get("tenant"))


@bp.route("/outbox", methods=["GET"])
@endpoint(bp, returns=m.Mails)
def list_outbox(ctx):
    return service.list_outbox(ctx.principal, _limit(ctx), ctx.query.get("next"), ctx.query.get("to"))


@bp.route("/targets/clusters", methods=["GET"])
@endpoint(bp, returns=m.Clusters)
def list_clusters(ctx):
    return service.list_clusters(ctx.principal)


@bp.route("/targets/clusters", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=m.ClusterOut)
def register_cluster(ctx):
    return json_response(service.register_cluster(ctx.principal, ctx.body(m.NewCluster)), 201)


@bp.route("/targets/clusters/{name}", methods=["GET"])
@endpoint(bp, returns=m.ClusterOut)
def get_cluster(ctx, name):
    return service.get_cluster(ctx.principal, name)


@bp.route("/targets/clusters/{name}/nodes", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=m.NodeOut)
def register_node(ctx, name):
    return json_response(service.register_node(ctx.principal, name, ctx.body(m.NewNode)), 201)


@bp.route("/targets/clusters/{name}/faults", methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=m.ClusterOut)
def set_faults(ctx, name):
    body = ctx.body(m.Faults)
    return service.set_faults(ctx.principal, name, body.model_dump())


@bp.route("/targets/clusters/{name}/ready", methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=m.ClusterOut)
def set_ready(ctx, name):
    body = ctx.body(m.Readiness)
    return service.set_ready(ctx.principal, name, body.ready, body.node)


@bp.route("/registry/push", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=m.Pushed)
def push_image(ctx):
    return json_response(service.push_image(ctx.principal, ctx.body(m.ImagePush)), 201)
