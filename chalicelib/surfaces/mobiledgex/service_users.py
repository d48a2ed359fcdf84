"""Users (catalog §3.2 #2-#17): sign-up, current user, views with hidden fields blanked."""
from __future__ import annotations

from chalicelib import outbox
from chalicelib.core.config import settings
from chalicelib.core.errors import BadRequest, Conflict, Forbidden, Unauthenticated
from chalicelib.identity import accounts
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.mobiledgex import MxRole, MxUser
from chalicelib.surfaces.mobiledgex import identity, passwords, rbac, service_events
from chalicelib.surfaces.mobiledgex.common import EMAIL, SURFACE, ZERO_TIME, check_name, go_time

PROFILE_FIELDS = ("FamilyName", "GivenName", "Nickname", "Picture", "Metadata", "EnableTOTP")


def view(user: MxUser, *, private: bool = True) -> dict:
    """The User object as upstream emits it: hidden fields present and blank; private fields blanked for
    other non-admin users."""
    d = user.data or {}
    out = {"Name": user.name, "Email": user.email, "EmailVerified": bool(d.get("EmailVerified")),
           "Passhash": "", "Salt": "", "Iter": 0,
           "FamilyName": d.get("FamilyName", ""), "GivenName": d.get("GivenName", ""),
           "Picture": d.get("Picture", ""), "Nickname": d.get("Nickname", ""),
           "CreatedAt": user.created_at or ZERO_TIME, "UpdatedAt": user.updated_at or ZERO_TIME,
           "Locked": bool(d.get("Locked")), "PassCrackTimeSec": float(d.get("PassCrackTimeSec") or 0),
           "EnableTOTP": bool(d.get("EnableTOTP")), "TOTPSharedKey": "", "Metadata": d.get("Metadata", ""),
           "LastLogin": d.get("LastLogin") or ZERO_TIME, "LastFailedLogin": d.get("LastFailedLogin") or ZERO_TIME,
           "FailedLogins": int(d.get("FailedLogins") or 0)}
    if not private:
        for k in ("Email", "Locked", "EnableTOTP", "Metadata", "LastLogin", "LastFailedLogin", "CreatedAt",
                  "UpdatedAt"):
            out[k] = {"Email": "", "Locked": False, "EnableTOTP": False, "Metadata": ""}.get(k, ZERO_TIME)
        out["FailedLogins"], out["PassCrackTimeSec"], out["EmailVerified"] = 0, 0.0, False
    return out


def create_user(body: dict) -> dict:
    """Self sign-up (#15): the password travels in ``Passhash`` (``password`` accepted too)."""
    name = body.get("Name", "")
    check_name(name)
    email = body.get("Email", "")
    if not EMAIL.match(email or ""):
        raise BadRequest("Invalid email address")
    password = body.get("Passhash") or body.get("password") or ""
    crack = passwords.check(password)
    profile = {k: body[k] for k in PROFILE_FIELDS if k in body}
    profile["PassCrackTimeSec"] = crack
    verified = bool(settings().mx_skip_verify_email)
    user = identity.create_user(name, email, password, profile, verified=verified)
    if not verified:
        send_verification(user)
    service_events.record(None, "CreateUser", "", f"user/{name}", tags={"username": name})
    return {"Message": "user created", "TOTPSharedKey": "", "TOTPQRImage": None}


def send_verification(user: MxUser) -> None:
    """A one-time token mailed to the user; VerifyEmail redeems it."""
    from chalicelib.surfaces.mobiledgex import mailtokens
    token = mailtokens.issue("verify", user.name, user.email)
    outbox.send(SURFACE, user.email, "Verify your email",
                f"Hi {user.name},\n\nVerify your e-mail with this token: {token}\n"
                f"POST /api/v1/verifyemail {{\"token\": \"{token}\"}}\n")


def current_user(p: Principal) -> dict:
    user = identity.get_user(p.username)
    if user is None:
        raise BadRequest("User not found")
    return view(user)


# ---------------------------------------------------------------- helpers
MANAGER_ROLES = (rbac.ADMIN_MANAGER, rbac.DEV_MANAGER, rbac.OP_MANAGER)
# ShowUser: the JSON keys of the database object (unknown keys are a 400) and the ones never filtered on
SHOW_KEYS = ("Name", "Email", "EmailVerified", "Passhash", "Salt", "Iter", "FamilyName", "GivenName", "Picture",
             "Nickname", "CreatedAt", "UpdatedAt", "Locked", "PassCrackTimeSec", "EnableTOTP", "TOTPSharedKey",
             "Metadata", "LastLogin", "LastFailedLogin", "FailedLogins", "org", "role")
_NO_FILTER = ("Passhash", "Salt", "Iter", "PassCrackTimeSec", "TOTPSharedKey")


def _require_user(name: str) -> MxUser:
    user = identity.get_user(name)
    if user is None:
        raise BadRequest("User not found")
    return user


def _is_admin_manager(username: str) -> bool:
    return any(r.org == "" and r.role == rbac.ADMIN_MANAGER for r in identity.roles_of(username))


def _set_password(user: MxUser, password: str) -> None:
    """Length, then strength (2 years for an AdminManager), then the shared account's hash."""
    crack = passwords.check(password, admin=_is_admin_manager(user.name))
    acct = accounts.get_account(user.name)
    if acct is None:
        raise BadRequest("User not found")
    accounts.set_password(acct, password)
    user.data = {**(user.data or {}), "PassCrackTimeSec": crack}
    user.updated_at = go_time()
    store.save(user)


def _send_reset(user: MxUser) -> None:
    from chalicelib.surfaces.mobiledgex import mailtokens
    token = mailtokens.issue("reset", user.name, user.email)
    outbox.send(SURFACE, user.email, "Password reset request",
                f"Hi {user.name},\n\nUse this token to reset your password (valid 1 hour): {token}\n"
                f"POST /api/v1/passwordreset {{\"token\": \"{token}\", \"password\": \"<new password>\"}}\n")


# ---------------------------------------------------------------- authorization views
def user_authorized(p: Principal, body: dict) -> dict:
    """#2: 200 when the caller holds (resource, action) on org, else 403."""
    rbac.require(p, body.get("org", ""), body.get("resource", ""), body.get("action", ""))
    return {"message": "Authorized ok"}


def auth_scopes(p: Principal) -> list[dict]:
    """#8: one entry per (org, resource, action) the caller's roles grant."""
    from chalicelib.surfaces.mobiledgex import service_apikeys
    out = []
    key = p.profile.get("mx_key")
    for org, role in rbac.roles(p):
        if key and role == key.get("role"):
            stored = service_apikeys.get_key(key["id"])
            perms = [(x["resource"], x["action"]) for x in service_apikeys.expanded(stored)] if stored else []
        else:
            perms = rbac.role_perms(role)
        for resource, action in perms:
            out.append({"org": org, "resource": resource, "action": action, "object": ""})
    return out


# ---------------------------------------------------------------- delete
def _delete_user(user: MxUser) -> None:
    if user.name.lower() == settings().admin_user.lower():
        raise BadRequest("Cannot delete superuser")
    mine = identity.roles_of(user.name)
    for role in mine:
        if role.role not in MANAGER_ROLES:
            continue
        managers = [m for m in identity.members(role.org) if m.role in MANAGER_ROLES]
        if len(managers) < 2:
            if role.org == "":
                raise BadRequest("Error: Cannot delete the last remaining AdminManager")
            raise BadRequest(f"Error: Cannot delete the last remaining manager for the org {role.org}")
    from chalicelib.surfaces.mobiledgex import service_apikeys
    for role in mine:
        identity.remove_role(role)
    service_apikeys.delete_all_of(user.name)
    unique = [(identity.NAME_SCOPE, user.name.lower())]
    if user.email:
        unique.append((identity.EMAIL_SCOPE, user.email.lower()))
    store.delete(user, unique=unique)
    acct = accounts.get_account(user.name)
    if acct is not None:
        accounts.delete_account(acct)


def delete_user(p: Principal, body: dict) -> dict:
    """#5: the user themself, or users:manage on org ""."""
    name = body.get("Name", "")
    if not name:
        raise BadRequest("User Name not specified")
    if name.lower() != p.username.lower():
        rbac.require(p, "", "users", rbac.M)
    user = _require_user(name)
    _delete_user(user)
    service_events.record(p, "DeleteUser", "", f"user/{user.name}", tags={"username": user.name})
    return {"message": "User deleted"}


def delete_locked_user(body: dict) -> dict:
    """#16: public; the password in ``Passhash`` proves the identity."""
    name, email, password = body.get("Name", ""), body.get("Email", ""), body.get("Passhash", "")
    if not name and not email:
        raise BadRequest("Name or Email must be specified")
    if not password:
        raise BadRequest("Please specify password in passhash")
    user = identity.get_user(name) if name else None
    if user is None and email:
        user = identity.user_by_email(email)
    if user is None:
        accounts.check_password(None, password)  # same work for unknown users
        raise BadRequest("Invalid username or password")
    from chalicelib.surfaces.mobiledgex import auth
    auth._blocked(user)  # the login ladder applies: this is a password check too
    acct = accounts.get_account(user.name)
    if acct is None or not accounts.check_password(acct, password):
        auth._failed(user)
        raise BadRequest("Invalid username or password")
    _delete_user(user)
    service_events.record(None, "DeleteLockedUser", "", f"user/{user.name}", tags={"username": user.name})
    return {"message": "User deleted"}


# ---------------------------------------------------------------- passwords
def new_password(p: Principal, body: dict) -> dict:
    """#7: the current password, then the new one's rules."""
    current, password = body.get("currentpassword", ""), body.get("password", "")
    if not current:
        raise BadRequest("Please specify current password")
    if not password:
        raise BadRequest("Please specify new password")
    user = identity.get_user(p.username)
    acct = accounts.get_account(p.username)
    if user is None or acct is None:
        raise BadRequest("Invalid user")
    if not accounts.check_password(acct, current):
        raise BadRequest("Invalid current password")
    _set_password(user, password)
    service_events.record(p, "NewPassword", "", f"user/{user.name}", tags={"username": user.name})
    return {"message": "Password updated"}


def password_reset_request(body: dict) -> None:
    """#13: always the same answer; a known address gets a one-hour reset token by e-mail."""
    email = body.get("email", "")
    if not EMAIL.match(email or ""):
        raise BadRequest("Invalid email address")
    user = identity.user_by_email(email)
    if user is not None:
        _send_reset(user)
    service_events.record(None, "PasswordResetRequest", "", "user/passwordreset")


def password_reset(body: dict) -> dict:
    """#12: the token (401 when bad, expired or used), then the new password's rules; the token is spent
    only when the password is accepted."""
    from chalicelib.surfaces.mobiledgex import mailtokens
    claims = mailtokens.peek("reset", body.get("token", ""))
    user = identity.get_user(claims["sub"])
    if user is None:
        raise Unauthenticated("Invalid or expired token")
    _set_password(user, body.get("password", ""))
    mailtokens.spend(claims)
    service_events.record(None, "PasswordReset", "", f"user/{user.name}", tags={"username": user.name})
    return {"message": "Password updated"}


# ---------------------------------------------------------------- e-mail verification
def resend_verify(body: dict) -> None:
    """#14: always the same answer; an unverified account with that address gets a new token."""
    email = body.get("email", "")
    if not EMAIL.match(email or ""):
        raise BadRequest("Invalid email address")
    user = identity.user_by_email(email)
    if user is not None and not (user.data or {}).get("EmailVerified"):
        send_verification(user)
    service_events.record(None, "ResendVerify", "", "user/verify")


def verify_email(body: dict) -> dict:
    """#17: marks the address the token was sent to as verified (a changed address needs a new token)."""
    from chalicelib.surfaces.mobiledgex import mailtokens
    claims = mailtokens.peek("verify", body.get("token", ""))
    mailtokens.spend(claims)
    user = identity.get_user(claims["sub"])
    if user is None or (claims.get("email") and claims["email"].lower() != (user.email or "").lower()):
        raise Unauthenticated("Invalid or expired token")
    user.data = {**(user.data or {}), "EmailVerified": True}
    user.updated_at = go_time()
    store.save(user)
    service_events.record(None, "VerifyEmail", "", f"user/{user.name}", tags={"username": user.name})
    return {"message": "Email verified, thank you"}


# ---------------------------------------------------------------- show / update
def show_users(p: Principal, body: dict, present: set[str]) -> list[dict]:
    """#9: the keys present filter exactly (incl. "" and false); non-admins see the members of the orgs
    where they hold users:view, with other users' private fields blanked."""
    every, orgs = rbac.require_any(p, "users", rbac.V)
    filt = {k: body.get(k) for k in present if "." not in k and k not in _NO_FILTER}
    filter_org = filt.pop("org", None)
    filter_role = filt.pop("role", None)
    if filter_org and not every and filter_org.lower() not in {o.lower() for o in orgs}:
        raise Forbidden("Forbidden")
    if every and filter_org is None and filter_role is None:
        users = list(MxUser.gsi1.query("MXUSERS"))
    else:
        if filter_org is not None:
            scope = [filter_org]
        elif every:
            scope = None
        else:
            scope = orgs
        roles = list(MxRole.gsi2.query("MXROLES")) if scope is None else \
            [r for org in scope for r in identity.members(org)]
        names = {r.username.lower() for r in roles
                 if (filter_org is None or r.org == filter_org) and (filter_role is None or r.role == filter_role)}
        users = [u for u in (identity.get_user(n) for n in sorted(names)) if u is not None]
    out = []
    for user in users:
        full = view(user)
        if not all(_equal(full.get(k), v) for k, v in filt.items()):
            continue
        out.append(full if every or user.name.lower() == p.username.lower() else view(user, private=False))
    return sorted(out, key=lambda u: u["Name"])


def _equal(stored, wanted) -> bool:
    if isinstance(stored, str) and isinstance(wanted, str):
        return stored == wanted
    if isinstance(stored, bool) or isinstance(wanted, bool):
        return bool(stored) == wanted if isinstance(wanted, bool) else False
    return stored == wanted


_FIXED = (("Name", "Cannot change username"), ("EmailVerified", "Cannot change emailverified"),
          ("Passhash", "Cannot change passhash"), ("Salt", "Cannot change salt"), ("Iter", "Cannot change iter"),
          ("CreatedAt", "Cannot change createdat"), ("UpdatedAt", "Cannot change updatedat"),
          ("Locked", "Cannot change locked"), ("PassCrackTimeSec", "Cannot change passcracktimesec"),
          ("LastLogin", "Cannot change last login time"),
          ("LastFailedLogin", "Cannot change last failed login time"))
UPDATABLE = ("FamilyName", "GivenName", "Nickname", "Picture", "Metadata")


def update_user(p: Principal, body: dict, present: set[str]) -> dict:
    """#11: read-merge-write of the caller's own record; only the keys present change."""
    user = _require_user(p.username)
    old = view(user)
    old.update({"Passhash": "", "Salt": "", "Iter": 0})
    for field, text in _FIXED:
        if field in present and body.get(field) is not None and not _equal(old.get(field), body[field]):
            raise BadRequest(text)
    data = dict(user.data or {})
    if "EnableTOTP" in present and bool(body.get("EnableTOTP")) != bool(data.get("EnableTOTP")):
        if body.get("EnableTOTP"):
            raise BadRequest("Failed to setup 2FA: two-factor authentication is not available on this server")
        data["EnableTOTP"] = False
    new_email = body.get("Email", user.email) if "Email" in present else user.email
    send_verify = False
    if (new_email or "") != (user.email or ""):
        if not EMAIL.match(new_email or ""):
            raise BadRequest("Invalid email address")
        if not settings().mx_skip_verify_email:
            verify = body.get("verify") or {}
            if not EMAIL.match(verify.get("email", "") or ""):
                raise BadRequest("Invalid email address")
            send_verify = True
        if new_email.lower() != (user.email or "").lower():
            if identity.user_by_email(new_email) is not None:
                raise BadRequest(f"Email {new_email} already in use")
            try:
                if user.email:
                    store.rename_unique((identity.EMAIL_SCOPE, user.email.lower()),
                                        (identity.EMAIL_SCOPE, new_email.lower()), user)
                else:
                    store.create(store.Unique(f"UNIQUE#{identity.EMAIL_SCOPE}#{new_email.lower()}", "U",
                                              owner=f"{user.pk}|{user.sk}"))
            except Conflict:
                raise BadRequest(f"Email {new_email} already in use") from None
        data["EmailVerified"] = False
        user.email = new_email
    for field in UPDATABLE:
        if field in present:
            data[field] = body.get(field) or ""
    user.data = data
    user.updated_at = go_time()
    store.save(user)
    if send_verify:
        send_verification(user)
    service_events.record(p, "UpdateUser", "", f"user/{user.name}", tags={"username": user.name})
    return {"Message": "user updated", "TOTPSharedKey": "", "TOTPQRImage": None}
