"""Security, User, Role and Org operations (catalog §3.2 #1-#27)."""
from __future__ import annotations

from chalicelib.core.errors import BadRequest
from chalicelib.core.web import json_response
from chalicelib.surfaces.mobiledgex import auth, gojson, service_apikeys, service_orgs, service_roles, service_users
from chalicelib.surfaces.mobiledgex import answers as A
from chalicelib.surfaces.mobiledgex.blueprint import ANY_BODY, API, bp, endpoint
from chalicelib.surfaces.mobiledgex.common import bind
from chalicelib.surfaces.mobiledgex.envelope import array, empty

_LOGIN_EXTRA = {"username": {"type": "string"}, "password": {"type": "string"}, "totp": {"type": "string"},
                "apikeyid": {"type": "string"}, "apikey": {"type": "string"}}


@bp.route(f"{API}/login", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, auth=False, action="Login", returns=A.LoginToken)
def login(ctx):
    body, _ = bind(ctx, "OrmapiUserLogin", extra=_LOGIN_EXTRA)
    username = body.get("apikeyid") or body.get("username", "")
    password = body.get("apikey") or body.get("password", "")
    token, admin = auth.login(username, password, body.get("totp", ""))
    out = {"token": token}
    if admin:
        out["admin"] = True
    return json_response(out, headers={"Set-Cookie": auth.cookie(token)})


@bp.route(f"{API}/usercreate", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, auth=False, action="CreateUser", returns=A.UserResponse)
def create_user(ctx):
    body, _ = bind(ctx, "OrmapiCreateUser", extra={"Passhash": {"type": "string"}, "password": {"type": "string"}})
    return service_users.create_user(body)


@bp.route(f"{API}/auth/user/current", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="CurrentUser", returns=A.User)
def current_user(ctx):
    return service_users.current_user(ctx.principal)


@bp.route(f"{API}/auth/org/create", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="CreateOrg", returns=A.Result)
def create_org(ctx):
    body, _ = bind(ctx, "OrmapiOrganization")
    return service_orgs.create(ctx.principal, body)


@bp.route(f"{API}/auth/role/adduser", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="AddUserRole", returns=A.Result)
def add_user_role(ctx):
    body, _ = bind(ctx, "OrmapiRole")
    return service_roles.add_user_role(ctx.principal, body)


# ---------------------------------------------------------------- helpers
_PASSHASH = {"Passhash": {"type": "string"}, "password": {"type": "string"}}
_HIDDEN_USER = {"Passhash": {"type": "string"}, "Salt": {"type": "string"}, "Iter": {"type": "integer"},
                "TOTPSharedKey": {"type": "string"}}


def _db_filter(ctx, schema: str, model: str, known: tuple[str, ...], extra: dict | None = None):
    """Global Show filters: the keys present are exact filters; a key the database object does not have
    is a 400 (upstream bindDbFilter)."""
    body, present = bind(ctx, schema, extra=extra, empty_ok=True)
    if ctx.raw.strip():
        data = gojson.parse_body(ctx.raw)
        lowered = {k.lower() for k in known}
        for key in data:
            if str(key).lower() not in lowered:
                raise BadRequest(f"Failed to parse input data: JSON field {key} not found in database object "
                                 f"{model}")
    return body, present


def _api_key_body(ctx, *, empty_ok: bool = False):
    return bind(ctx, "OrmapiCreateUserApiKey", empty_ok=empty_ok)[0]


# ---------------------------------------------------------------- users
@bp.route(f"{API}/auth/user/authorized", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="UserAuthorized", returns=A.Result)
def user_authorized(ctx):
    body, _ = bind(ctx, "OrmapiAuthScope")
    return service_users.user_authorized(ctx.principal, body)


@bp.route(f"{API}/auth/user/create/apikey", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="CreateUserApiKey", returns=A.ApiKey)
def create_user_api_key(ctx):
    service_apikeys._no_apikey_session(ctx.principal, "create")
    return service_apikeys.create(ctx.principal, _api_key_body(ctx))


@bp.route(f"{API}/auth/user/delete/apikey", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="DeleteUserApiKey", returns=A.Result)
def delete_user_api_key(ctx):
    service_apikeys._no_apikey_session(ctx.principal, "delete")
    return service_apikeys.delete(ctx.principal, _api_key_body(ctx))


@bp.route(f"{API}/auth/user/show/apikey", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowUserApiKey", returns=A.ApiKeys)
def show_user_api_key(ctx):
    service_apikeys._no_apikey_session(ctx.principal, "show")
    return array(service_apikeys.show(ctx.principal, _api_key_body(ctx, empty_ok=True)))


@bp.route(f"{API}/auth/user/delete", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="DeleteUser", returns=A.Result)
def delete_user(ctx):
    body, _ = bind(ctx, "OrmapiUser")
    return service_users.delete_user(ctx.principal, body)


@bp.route(f"{API}/auth/user/newpass", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="NewPassword", returns=A.Result)
def new_password(ctx):
    body, _ = bind(ctx, "OrmapiNewPassword")
    return service_users.new_password(ctx.principal, body)


@bp.route(f"{API}/auth/user/scopes", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="AuthScopes", returns=A.AuthScopes)
def auth_scopes(ctx):
    return array(service_users.auth_scopes(ctx.principal))


@bp.route(f"{API}/auth/user/show", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowUser", returns=A.Users)
def show_user(ctx):
    body, present = _db_filter(ctx, "OrmapiShowUser", "ShowUser", service_users.SHOW_KEYS, extra=_HIDDEN_USER)
    return array(service_users.show_users(ctx.principal, body, present))


@bp.route(f"{API}/auth/user/update", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="UpdateUser", returns=A.UserResponse)
def update_user(ctx):
    body, present = bind(ctx, "OrmapiCreateUser", extra=_HIDDEN_USER)
    return service_users.update_user(ctx.principal, body, present)


@bp.route(f"{API}/passwordreset", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, auth=False, action="PasswordReset", returns=A.Result)
def password_reset(ctx):
    body, _ = bind(ctx, "OrmapiPasswordReset")
    return service_users.password_reset(body)


@bp.route(f"{API}/passwordresetrequest", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, auth=False, action="PasswordResetRequest")
def password_reset_request(ctx):
    body, _ = bind(ctx, "OrmapiEmailRequest")
    service_users.password_reset_request(body)
    return empty()


@bp.route(f"{API}/resendverify", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, auth=False, action="ResendVerify")
def resend_verify(ctx):
    body, _ = bind(ctx, "OrmapiEmailRequest")
    service_users.resend_verify(body)
    return empty()


@bp.route(f"{API}/userdelete", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, auth=False, action="DeleteLockedUser", returns=A.Result)
def delete_locked_user(ctx):
    body, _ = bind(ctx, "OrmapiUser", extra=_PASSHASH)
    if not body.get("Passhash") and body.get("password"):
        body["Passhash"] = body["password"]
    return service_users.delete_locked_user(body)


@bp.route(f"{API}/verifyemail", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, auth=False, action="VerifyEmail", returns=A.Result)
def verify_email(ctx):
    body, _ = bind(ctx, "OrmapiToken")
    return service_users.verify_email(body)


# ---------------------------------------------------------------- roles
@bp.route(f"{API}/auth/role/assignment/show", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowRoleAssignment", returns=A.RoleAssignments)
def show_role_assignment(ctx):
    body, present = bind(ctx, "OrmapiRole", empty_ok=True)
    return array(service_roles.show_role_assignment(ctx.principal, body, present))


@bp.route(f"{API}/auth/role/perms/show", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowRolePerm", returns=A.RolePerms)
def show_role_perm(ctx):
    body, present = bind(ctx, "OrmapiRolePerm", empty_ok=True)
    return array(service_roles.show_role_perm(ctx.principal, body, present))


@bp.route(f"{API}/auth/role/removeuser", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="RemoveUserRole", returns=A.Result)
def remove_user_role(ctx):
    body, _ = bind(ctx, "OrmapiRole")
    return service_roles.remove_user_role(ctx.principal, body)


@bp.route(f"{API}/auth/role/show", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowRoleNames", returns=A.RoleNames)
def show_role_names(ctx):
    return array(service_roles.show_role_names(ctx.principal))


@bp.route(f"{API}/auth/role/showuser", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowUserRole", returns=A.RoleAssignments)
def show_user_role(ctx):
    body, present = bind(ctx, "OrmapiRole", empty_ok=True)
    return array(service_roles.show_user_role(ctx.principal, body, present))


# ---------------------------------------------------------------- orgs
@bp.route(f"{API}/auth/org/delete", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="DeleteOrg", returns=A.Result)
def delete_org(ctx):
    body, _ = bind(ctx, "OrmapiOrganization")
    return service_orgs.delete(ctx.principal, body)


@bp.route(f"{API}/auth/org/show", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowOrg", returns=A.Organizations)
def show_org(ctx):
    body, present = _db_filter(ctx, "OrmapiOrganization", "Organization", service_orgs.ORG_KEYS)
    return array(service_orgs.show(ctx.principal, body, present))


@bp.route(f"{API}/auth/org/update", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="UpdateOrg")
def update_org(ctx):
    body, present = bind(ctx, "OrmapiOrganization")
    service_orgs.update(ctx.principal, body, present)
    return empty()
