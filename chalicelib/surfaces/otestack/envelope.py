"""ote-stack's envelope: ``{"code": <status>, "message": ...}`` for errors and successes alike.

The document shows no error body; edgeplane mirrors the HTTP status in ``code`` (catalog §4).
"""
from __future__ import annotations

from chalicelib.core.errors import DomainError
from chalicelib.core.web import Ctx, json_response

_MESSAGES = {500: "unexpected internal error"}


def ok(**fields) -> dict:
    return {"code": 200, "message": "success", **fields}


def render_error(err: DomainError, ctx: Ctx):
    message = _MESSAGES.get(err.status, err.message) if err.status >= 500 and err.kind == "internal" else err.message
    return json_response({"code": err.status, "message": message}, status=err.status)
