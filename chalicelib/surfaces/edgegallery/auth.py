"""EdgeGallery authentication and roles (catalog §5.6, §8.3).

The JWT travels in the ``access_token`` header (``Authorization: Bearer`` is accepted too); tokens come
from the shared identity (``POST /edgeplane/v1/login``). Roles: the system administrator is
DEVELOPER_ADMIN; other accounts carry ``profile.roles.edgegallery`` (DEVELOPER_TENANT by default,
DEVELOPER_ADMIN or DEVELOPER_GUEST). ``userId``/``userName`` request parameters must match the token.
"""
from __future__ import annotations

from chalicelib.core.errors import Forbidden, Unauthenticated
from chalicelib.identity import accounts
from chalicelib.identity.principal import Principal

AUDIENCES = ["edgegallery", "edgeplane"]
TENANT, ADMIN, GUEST = "DEVELOPER_TENANT", "DEVELOPER_ADMIN", "DEVELOPER_GUEST"
ROLES = (TENANT, ADMIN, GUEST)


def authenticate(ctx) -> Principal:
    token = ctx.header("access_token")
    if not token:
        bearer = ctx.header("authorization") or ""
        if not bearer:
            raise Unauthenticated("Access token is empty", code=20014)
        return _check_params(ctx, accounts.authenticate_bearer(bearer, AUDIENCES))
    return _check_params(ctx, accounts.authenticate_bearer(token, AUDIENCES))


def _illegal(p: Principal, message: str) -> Unauthenticated:
    # the token was valid: the audited denial names who sent someone else's userId/userName
    err = Unauthenticated(message, code=20014)
    err.principal = p
    return err


def _check_params(ctx, p: Principal) -> Principal:
    q = ctx.query
    if q.get("userId") not in (None, "", p.account_id):
        raise _illegal(p, "Illegal userId")
    if q.get("userName") not in (None, "", p.username):
        raise _illegal(p, "Illegal userName")
    return p


def check_body_user(p: Principal, user_id: str | None = None, user_name: str | None = None) -> None:
    """For bodies and multipart forms carrying ``userId``/``userName``."""
    if user_id not in (None, "", p.account_id):
        raise Unauthenticated("Illegal userId", code=20014)
    if user_name not in (None, "", p.username):
        raise Unauthenticated("Illegal userName", code=20014)


def role_of(p: Principal) -> str:
    if p.system_admin:
        return ADMIN
    role = ((p.profile or {}).get("roles") or {}).get("edgegallery", TENANT)
    return role if role in ROLES else TENANT


def is_admin(p: Principal) -> bool:
    return role_of(p) == ADMIN


def require_writer(p: Principal) -> None:
    """Guests may only read (catalog §5.6)."""
    if role_of(p) == GUEST:
        raise Forbidden("guests may only read", code=20015)


def require_admin(p: Principal) -> None:
    if role_of(p) != ADMIN:
        raise Forbidden("only DEVELOPER_ADMIN may do this", code=20015)


def require_owner(p: Principal, owner_id: str, *, admin_ok: bool = True) -> None:
    """Writes to an object: its owner, or an administrator where upstream allows it."""
    require_writer(p)
    if owner_id != p.account_id and not (admin_ok and is_admin(p)):
        raise Forbidden("Cannot modify data created by others", code=20015)
