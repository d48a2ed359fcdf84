"""Security, User, Role and Org operations (catalog §3.2 #1-#27)."""
from __future__ import annotations

from chalice import Response

from chalicelib.surfaces.mobiledgex import auth, service_orgs, service_roles, service_users
from chalicelib.surfaces.mobiledgex.blueprint import ANY_BODY, API, bp, endpoint
from chalicelib.surfaces.mobiledgex.common import bind
from chalicelib.surfaces.mobiledgex.envelope import _dumps

_LOGIN_EXTRA = {"username": {"type": "string"}, "password": {"type": "string"}, "totp": {"type": "string"},
                "apikeyid": {"type": "string"}, "apikey": {"type": "string"}}


@bp.route(f"{API}/login", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, auth=False, action="Login")
def login(ctx):
    body, _ = bind(ctx, "OrmapiUserLogin", extra=_LOGIN_EXTRA)
    username = body.get("apikeyid") or body.get("username", "")
    password = body.get("apikey") or body.get("password", "")
    token, admin = auth.login(username, password, body.get("totp", ""))
    out = {"token": token}
    if admin:
        out["admin"] = True
    return Response(body=_dumps(out), status_code=200,
                    headers={"Content-Type": "application/json", "Set-Cookie": auth.cookie(token)})


@bp.route(f"{API}/usercreate", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, auth=False, action="CreateUser")
def create_user(ctx):
    body, _ = bind(ctx, "OrmapiCreateUser", extra={"Passhash": {"type": "string"}, "password": {"type": "string"}})
    return service_users.create_user(body)


@bp.route(f"{API}/auth/user/current", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="CurrentUser")
def current_user(ctx):
    return service_users.current_user(ctx.principal)


@bp.route(f"{API}/auth/org/create", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="CreateOrg")
def create_org(ctx):
    body, _ = bind(ctx, "OrmapiOrganization")
    return service_orgs.create(ctx.principal, body)


@bp.route(f"{API}/auth/role/adduser", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="AddUserRole")
def add_user_role(ctx):
    body, _ = bind(ctx, "OrmapiRole")
    return service_roles.add_user_role(ctx.principal, body)
