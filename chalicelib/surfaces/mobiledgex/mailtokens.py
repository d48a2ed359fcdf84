"""One-time tokens mailed to users (e-mail verification, password reset): signed, short-lived, single use.

They are JWTs of the shared identity with their own audience (``mobiledgex-<purpose>``), carrying the user
name (``sub``) and the e-mail address they were sent to; redeeming one revokes it (deny-list), so a token
works once. :func:`peek` reads a token without spending it (to validate the rest of a request first).
"""
from __future__ import annotations

from chalicelib.core.errors import Unauthenticated
from chalicelib.identity import tokens

TTL = 3600


def issue(purpose: str, username: str, email: str = "") -> str:
    token, _ = tokens.issue(username, f"mobiledgex-{purpose}", ttl=TTL, extra={"email": email} if email else None)
    return token


def peek(purpose: str, token: str) -> dict:
    """The token's claims; 401 "Invalid or expired token" when bad, expired or already used."""
    try:
        return tokens.decode(token or "", [f"mobiledgex-{purpose}"])
    except Unauthenticated:
        raise Unauthenticated("Invalid or expired token") from None


def spend(claims: dict) -> None:
    tokens.revoke(claims["jti"], int(claims["exp"]))


def redeem(purpose: str, token: str) -> str:
    """The user name the token was issued for; 401 "Invalid or expired token" otherwise (and afterwards)."""
    claims = peek(purpose, token)
    spend(claims)
    return claims["sub"]
