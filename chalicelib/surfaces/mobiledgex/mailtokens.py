"""One-time tokens mailed to users (e-mail verification, password reset): signed, short-lived, single use.

They are JWTs of the shared identity with their own audience (``mobiledgex-<purpose>``); redeeming one
revokes it (deny-list), so a token works once.
"""
from __future__ import annotations

from chalicelib.core.errors import Unauthenticated
from chalicelib.identity import tokens

TTL = 3600


def issue(purpose: str, username: str) -> str:
    token, _ = tokens.issue(username, f"mobiledgex-{purpose}", ttl=TTL)
    return token


def redeem(purpose: str, token: str) -> str:
    """The user name the token was issued for; 401 "Invalid or expired token" otherwise (and afterwards)."""
    try:
        claims = tokens.decode(token or "", [f"mobiledgex-{purpose}"])
    except Unauthenticated:
        raise Unauthenticated("Invalid or expired token") from None
    tokens.revoke(claims["jti"], int(claims["exp"]))
    return claims["sub"]
