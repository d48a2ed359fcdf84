"""MobiledgeX authentication (catalog §5.2).

``POST /api/v1/login`` issues a JWT of the shared identity (audience ``mobiledgex``; claims ``username``,
``email``, ``authtype`` = passwordauth / apikeyauth, ``apikeyid``), answers ``{"token"}`` (+ ``admin``
for an AdminManager) and sets the HttpOnly ``token`` cookie. Every ``/auth/`` route takes
``Authorization: Bearer <jwt>`` or that cookie. API keys log in with username = key id and password =
key; their sessions act with the key's own permissions on the key's org.

Failed logins: after 3 failures the account is blocked for 60 s, after 10 for 300 s (upstream's ladder);
unknown users and wrong passwords get the same answer. Upstream also sleeps ~3 s per failure; a Lambda
must not, so the block alone does the throttling.
"""
from __future__ import annotations

import hmac
from http.cookies import CookieError, SimpleCookie

from chalicelib import audit
from chalicelib.core import clock
from chalicelib.core.config import settings
from chalicelib.core.errors import BadRequest, Unauthenticated
from chalicelib.identity import accounts, tokens
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.mobiledgex import MxApiKey, MxUser
from chalicelib.surfaces.mobiledgex import rbac
from chalicelib.surfaces.mobiledgex.common import SURFACE, go_time

AUDIENCE = "mobiledgex"
PASSWORD_TTL = 24 * 3600
APIKEY_TTL = 4 * 3600
_LADDER = ((10, 300), (3, 60))


def _token_from(ctx) -> str | None:
    header = (ctx.header("authorization") or "").strip()
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    cookie = ctx.header("cookie")
    if cookie:
        try:
            jar = SimpleCookie()
            jar.load(cookie)
        except CookieError:
            return None
        if "token" in jar:
            return jar["token"].value or None
    return None


def authenticate(ctx) -> Principal:
    token = _token_from(ctx)
    if not token:
        raise Unauthenticated("No bearer token found")
    try:
        claims = tokens.decode(token, [AUDIENCE])
    except Unauthenticated:
        raise Unauthenticated("Invalid or expired jwt") from None
    acct = accounts.get_account(claims["sub"])
    user = store.get(MxUser, MxUser.pk_of(claims["sub"]), "U")
    if acct is None or user is None or acct.status != "active":
        raise Unauthenticated("Invalid or expired jwt")
    p = accounts.principal_of(acct, method="apikey" if claims.get("authtype") == "apikeyauth" else "jwt",
                              token_id=claims["jti"], token_exp=int(claims["exp"]), audience=AUDIENCE,
                              raw_token=token)
    if claims.get("authtype") == "apikeyauth":
        key = store.get(MxApiKey, f"MXAPIKEY#{claims.get('apikeyid', '')}", "K")
        if key is None or key.username.lower() != acct.username.lower():
            raise Unauthenticated("Invalid or expired jwt")
        role = f"{key.key_id}-role"
        p.profile["mx_key"] = {"id": key.key_id, "org": key.org, "role": role, "permissions": key.permissions}
        p.profile["mx_roles"] = [(key.org, role)]
    else:
        from chalicelib.surfaces.mobiledgex import identity
        p.profile["mx_roles"] = [(r.org, r.role) for r in identity.roles_of(acct.username)]
        if acct.system_admin and ("", rbac.ADMIN_MANAGER) not in p.profile["mx_roles"]:
            p.profile["mx_roles"].append(("", rbac.ADMIN_MANAGER))
    p.profile["mx_email"] = user.email
    return p


def is_apikey_session(p: Principal) -> bool:
    return bool(p.profile.get("mx_key"))


# ---------------------------------------------------------------- login
def _blocked(user: MxUser) -> None:
    failures = int(user.data.get("FailedLogins") or 0)
    last = float(user.data.get("_last_failed_ts") or 0)
    for threshold, seconds in _LADDER:
        if failures >= threshold:
            wait = int(last + seconds - clock.now())
            if wait > 0:
                raise BadRequest(f"Login temporarily disabled due to {failures} failed login attempts, "
                                 f"please try again in {wait}s")
            return


def _failed(user: MxUser) -> None:
    user.data["FailedLogins"] = int(user.data.get("FailedLogins") or 0) + 1
    user.data["LastFailedLogin"] = go_time()
    user.data["_last_failed_ts"] = clock.now()
    _quiet_save(user)


def _quiet_save(user: MxUser) -> None:
    try:
        store.save(user)
    except Exception:  # bookkeeping: never turn a login answer into a 500
        pass


def _issue(username: str, email: str, ttl: int, **claims) -> str:
    token, _ = tokens.issue(username, AUDIENCE, ttl=ttl,
                            extra={"username": username, "email": email, **claims})
    return token


def login(username: str, password: str, totp: str = "") -> tuple[str, bool]:
    """(token, is AdminManager) for a password or API-key login; 400 "Invalid username or password"."""
    if not username:
        raise BadRequest("Username not specified")
    if not password:
        raise BadRequest("Password not specified")
    key = store.get(MxApiKey, f"MXAPIKEY#{username}", "K") if len(username) <= 64 else None
    if key is not None:
        if not hmac.compare_digest(key.secret_hash, accounts.digest_secret(password)):
            raise BadRequest("Invalid username or password")
        owner = store.get(MxUser, MxUser.pk_of(key.username), "U")
        if owner is None:
            raise BadRequest("Invalid username or password")
        audit.record(SURFACE, "Login", principal=None, resource=f"apikey/{key.key_id}")
        return _issue(owner.name, owner.email, APIKEY_TTL, authtype="apikeyauth", apikeyid=key.key_id,
                      apikeyusername=key.username), False
    from chalicelib.surfaces.mobiledgex import identity
    user = identity.get_user(username) or (identity.user_by_email(username) if "@" in username else None)
    if user is None:
        accounts.check_password(None, password)  # same work for unknown users
        raise BadRequest("Invalid username or password")
    _blocked(user)
    acct = accounts.get_account(user.name)
    if acct is None or not accounts.check_password(acct, password):
        _failed(user)
        raise BadRequest("Invalid username or password")
    if not user.data.get("EmailVerified") and not settings().mx_skip_verify_email:
        raise BadRequest("Email not verified yet")
    if user.data.get("Locked"):
        raise BadRequest("Account is locked, please contact Edge Cloud support")
    user.data.update({"FailedLogins": 0, "LastLogin": go_time()})
    user.data.pop("_last_failed_ts", None)
    _quiet_save(user)
    admin = acct.system_admin or any(r.org == "" and r.role == rbac.ADMIN_MANAGER
                                     for r in identity.roles_of(user.name))
    return _issue(user.name, user.email, PASSWORD_TTL, authtype="passwordauth"), admin


def cookie(token: str) -> str:
    return f"token={token}; Path=/; Max-Age={PASSWORD_TTL}; HttpOnly; Secure; SameSite=Strict"
