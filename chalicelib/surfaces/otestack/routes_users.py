"""User Management (11) and Business Management (4)."""
from __future__ import annotations

from chalicelib.core.errors import Invalid
from chalicelib.surfaces.otestack import answers
from chalicelib.surfaces.otestack import models as m
from chalicelib.surfaces.otestack import service_users as svc
from chalicelib.surfaces.otestack.blueprint import ANY_BODY, bp, endpoint
from chalicelib.surfaces.otestack.envelope import ok


def _id(value: str, name: str = "id") -> int:
    if not value.isdigit() or len(value) > 19:
        raise Invalid(f"{name} must be a positive integer")
    return int(value)


@bp.route("/v1/authorization", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, auth=False, returns=answers.TokenAnswer)
def login(ctx):
    body = ctx.body(m.Login)
    return ok(token=svc.login(body.user, body.password))


@bp.route("/v1/authorization", methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.TokenAnswer)
def update_token(ctx):
    return ok(token=svc.refresh(ctx.principal))


@bp.route("/v1/authorization", methods=["GET"])
@endpoint(bp, returns=answers.AuthorizationInfoAnswer)
def authorization_info(ctx):
    return ok(data=svc.authorization_info(ctx.principal))


@bp.route("/v1/authorization", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.Answer)
def logout(ctx):
    svc.logout(ctx.principal)
    return {"code": 200, "message": "Success"}


@bp.route("/v1/authorizations", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, action="logout", returns=answers.Answer)
def logout_alias(ctx):
    svc.logout(ctx.principal)
    return {"code": 200, "message": "Success"}


@bp.route("/v1/user", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, auth=False, returns=answers.Answer)
def register(ctx):
    svc.register(ctx.body(m.NewUser))
    return ok()


@bp.route("/v1/user", methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.Answer)
def change_password(ctx):
    body = ctx.body(m.PasswordChange)
    svc.change_password(ctx.principal, body.oldPassword, body.password)
    return ok()


@bp.route("/v1/admin/user", methods=["GET"])
@endpoint(bp, returns=answers.UserList)
def list_users(ctx):
    rows, total = svc.list_users(ctx.principal, ctx.params(m.UserList))
    return {"data": rows, "total": total, "code": 200, "message": "Success"}


@bp.route("/v1/admin/user", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.Answer)
def create_sub_user(ctx):
    svc.create_sub_user(ctx.principal, ctx.body(m.NewUser))
    return ok()


@bp.route("/v1/admin/user/{userId}", methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.Answer)
def audit_user(ctx, userId):
    body = ctx.body(m.UserAudit)
    svc.audit_user(ctx.principal, _id(userId, "userId"), body.status)
    return ok()


@bp.route("/v1/admin/user/{userId}", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.Answer)
def delete_user(ctx, userId):
    svc.delete_user(ctx.principal, _id(userId, "userid"))
    return ok()


@bp.route("/v1/admin/user/{userId}/password", methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.Answer)
def reset_password(ctx, userId):
    body = ctx.body(m.PasswordReset)
    svc.reset_password(ctx.principal, _id(userId, "userId"), body.password)
    return ok()


@bp.route("/v1/business", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.Answer)
def create_business(ctx):
    svc.create_business(ctx.principal, ctx.body(m.NewBusiness))
    return ok()


@bp.route("/v1/business", methods=["GET"])
@endpoint(bp, returns=answers.BusinessList)
def list_businesses(ctx):
    rows, total = svc.list_businesses(ctx.principal, ctx.params(m.BusinessList))
    return ok(data=rows, total=total)


@bp.route("/v1/business/id/{id}", methods=["GET"])
@endpoint(bp, returns=answers.BusinessAnswer)
def get_business(ctx, id):
    return ok(data=svc.get_business(ctx.principal, _id(id)))


@bp.route("/v1/business/id/{id}", methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.MaybeJob)
def audit_business(ctx, id):
    body = ctx.body(m.BusinessAudit)
    return ok(**svc.audit_business(ctx.principal, _id(id), body.status, body.comment))
