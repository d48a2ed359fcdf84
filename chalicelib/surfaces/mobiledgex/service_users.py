"""Users (catalog §3.2 #2-#17): sign-up, current user, views with hidden fields blanked."""
from __future__ import annotations

from chalicelib import audit, outbox
from chalicelib.core import ids
from chalicelib.core.config import settings
from chalicelib.core.errors import BadRequest
from chalicelib.identity.principal import Principal
from chalicelib.store.mobiledgex import MxUser
from chalicelib.surfaces.mobiledgex import identity, passwords, rbac
from chalicelib.surfaces.mobiledgex.common import EMAIL, SURFACE, ZERO_TIME, check_name

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
    audit.record(SURFACE, "CreateUser", resource=f"user/{name}")
    return {"Message": "user created", "TOTPSharedKey": "", "TOTPQRImage": None}


def send_verification(user: MxUser) -> None:
    """A one-time token mailed to the user; VerifyEmail redeems it."""
    from chalicelib.surfaces.mobiledgex import mailtokens
    token = mailtokens.issue("verify", user.name)
    outbox.send(SURFACE, user.email, "Verify your email",
                f"Hi {user.name},\n\nVerify your e-mail with this token: {token}\n"
                f"POST /api/v1/verifyemail {{\"token\": \"{token}\"}}\n")


def current_user(p: Principal) -> dict:
    user = identity.get_user(p.username)
    if user is None:
        raise BadRequest("User not found")
    return view(user)


def new_id() -> str:
    return ids.new_id()


def is_admin(p: Principal) -> bool:
    return rbac.is_admin(p)
