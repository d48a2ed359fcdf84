"""Deployment Management (9) with the example aliases POST /v1/deploy/install and POST /v1/admin/deploy."""
from __future__ import annotations

from chalicelib.core.idempotency import once
from chalicelib.surfaces.otestack import answers
from chalicelib.surfaces.otestack import models as m
from chalicelib.surfaces.otestack import service_deploy as svc
from chalicelib.surfaces.otestack.blueprint import ANY_BODY, bp, endpoint
from chalicelib.surfaces.otestack.common import project
from chalicelib.surfaces.otestack.envelope import ok
from chalicelib.surfaces.otestack.routes_users import _id


@bp.route("/v1/deploy", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.SubmittedAnswer)
def create_deploy(ctx):
    body = ctx.body(m.NewDeploy)
    return ok(data=once(ctx, "create_deploy", body, lambda: svc.create_deploy(ctx.principal, body)))


@bp.route("/v1/deploy/install", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="create_deploy", returns=answers.SubmittedAnswer)
def create_deploy_alias(ctx):
    body = ctx.body(m.NewDeploy)
    return ok(data=once(ctx, "create_deploy", body, lambda: svc.create_deploy(ctx.principal, body)))


@bp.route("/v1/deploy", methods=["GET"])
@endpoint(bp, returns=answers.DeployList)
def list_deploys(ctx):
    q = ctx.params(m.DeployList)
    rows, total = svc.list_deploys(ctx.principal, q)
    return ok(data=[project(r, q.field) for r in rows], total=total)


@bp.route("/v1/deploy/{deployName}", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.SubmittedAnswer)
def delete_by_name(ctx, deployName):
    return ok(data=svc.delete_by_name(ctx.principal, deployName))


@bp.route("/v1/deploy/id/{deployId}", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.SubmittedAnswer)
def upgrade(ctx, deployId):
    body = ctx.body(m.Upgrade)
    deploy_id = _id(deployId, "deployId")
    return ok(data=once(ctx, f"upgrade:{deploy_id}", body,
                        lambda: svc.upgrade(ctx.principal, deploy_id, body.version, body.comment)))


@bp.route("/v1/deploy/id/{deployId}", methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.SubmittedAnswer)
def rollback(ctx, deployId):
    body = ctx.body(m.Rollback)
    deploy_id = _id(deployId, "deployId")
    return ok(data=once(ctx, f"rollback:{deploy_id}", body,
                        lambda: svc.rollback(ctx.principal, deploy_id, body.version, body.comment)))


@bp.route("/v1/deploy/id/{deployId}", methods=["GET"])
@endpoint(bp, returns=answers.DeployAnswer)
def get_deploy(ctx, deployId):
    field = ctx.query.get("field")
    data = svc.get_deploy(ctx.principal, _id(deployId, "deployId"), field)
    keep = [f for f in (field or "").split(",") if f and f != "historyVersion"]
    if keep:
        data = project(data, ",".join(keep + ["historyVersion"]))
    return ok(data=data)


@bp.route("/v1/deploy/id/{deployId}", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.SubmittedAnswer)
def delete_by_id(ctx, deployId):
    return ok(data=svc.delete_by_id(ctx.principal, _id(deployId, "deployId")))


@bp.route("/v1/admin/deploy", methods=["PUT", "POST"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.SubmittedAnswer)
def audit_deploy(ctx):
    body = ctx.body(m.DeployAudit)
    return ok(data=svc.audit_deploy(ctx.principal, body.id, body.status, body.comment))


@bp.route("/v1/admin/deploy", methods=["GET"])
@endpoint(bp, returns=answers.DeployOpList)
def list_audits(ctx):
    rows, total = svc.list_audits(ctx.principal, ctx.params(m.AuditList))
    return ok(data=rows, total=total)
