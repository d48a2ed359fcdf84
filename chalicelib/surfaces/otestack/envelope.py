"""ote-stack's envelope: ``{"code": <status>, "message": ...}`` for errors and successes alike.

The document shows no error body; edgeplane mirrors the HTTP status in ``code`` (catalog §4).
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from chalicelib.core.errors import DomainError
from chalicelib.core.web import Ctx, json_response

_MESSAGES = {500: "unexpected internal error"}


class OteError(BaseModel):
    """An ote-stack refusal: the HTTP status repeated in ``code``."""
    code: int
    message: str


class OteResult(BaseModel):
    """An ote-stack success: ``code`` 200, ``message`` "success" and the operation's fields beside them."""
    model_config = ConfigDict(extra="allow")
    code: int
    message: str


def ok(**fields) -> dict:
    return {"code": 200, "message": "success", **fields}


def render_error(err: DomainError, ctx: Ctx):
    message = _MESSAGES.get(err.status, err.message) if err.status >= 500 and err.kind == "internal" else err.message
    return json_response({"code": err.status, "message": message}, status=err.status)
