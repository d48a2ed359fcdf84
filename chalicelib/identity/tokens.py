"""JWT issue / verify / refresh / revoke (RFC 8725 practice).

HS256 only (explicit allow-list), required ``exp``/``iat``/``jti``/``sub``, issuer and audience checked,
``typ`` = access; revocation is a deny-list item per ``jti`` whose TTL is the token's expiry.
Claims are not trusted beyond identification: the account is re-read on every verification.
"""
from __future__ import annotations

from datetime import datetime, timezone

import jwt

from chalicelib.core import clock, ids
from chalicelib.core.config import settings
from chalicelib.core.errors import Conflict, Unauthenticated
from chalicelib.store.base import create as store_create
from chalicelib.store.base import get as store_get
from chalicelib.store.models import Revoked

ALGORITHM = "HS256"


def issue(username: str, audience: str, *, ttl: int | None = None, first_issued: int | None = None,
          extra: dict | None = None) -> tuple[str, int]:
    """A signed access token; ``extra`` adds surface claims (never overriding the registered ones)."""
    now = clock.now_s()
    exp = now + (ttl or settings().token_ttl_seconds)
    claims = {
        "iss": settings().jwt_issuer,
        "sub": username,
        "aud": audience,
        "iat": now,
        "nbf": now - 5,
        "exp": exp,
        "jti": ids.new_id(),
        "typ": "access",
        "oat": first_issued or now,  # original issue time bounds the refresh window
    }
    for name, value in (extra or {}).items():
        claims.setdefault(name, value)
    return jwt.encode(claims, settings().jwt_secret, algorithm=ALGORITHM, headers={"typ": "JWT"}), exp


def decode(token: str, audiences: list[str]) -> dict:
    if not token:
        raise Unauthenticated("missing token")
    try:
        claims = jwt.decode(
            token,
            settings().jwt_secret,
            algorithms=[ALGORITHM],
            audience=audiences,
            issuer=settings().jwt_issuer,
            # time claims are checked below against the edgeplane clock (one clock for all of edgeplane)
            options={"require": ["exp", "iat", "jti", "sub", "aud", "iss"], "verify_exp": False,
                     "verify_iat": False, "verify_nbf": False},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthenticated("token expired") from None
    except jwt.PyJWTError:
        raise Unauthenticated("invalid token") from None
    if claims.get("typ") != "access":
        raise Unauthenticated("invalid token")
    now = clock.now_s()
    try:
        exp, nbf = int(claims["exp"]), int(claims.get("nbf", claims["iat"]))
    except (TypeError, ValueError):
        raise Unauthenticated("invalid token") from None
    if exp <= now:
        raise Unauthenticated("token expired")
    if nbf > now + 30:
        raise Unauthenticated("invalid token")
    if store_get(Revoked, f"REVOKED#{claims['jti']}", "R") is not None:
        raise Unauthenticated("token revoked")
    return claims


def revoke(jti: str, exp: int) -> None:
    item = Revoked(f"REVOKED#{jti}", "R")
    item.expires_at = datetime.fromtimestamp(max(exp, clock.now_s() + 1), tz=timezone.utc)
    try:
        store_create(item)
    except Conflict:
        pass  # already revoked
