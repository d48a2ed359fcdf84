"""MobiledgeX bodies: ``{"message": ...}`` for results and errors, NDJSON streams, empty-body successes.

Errors keep upstream's statuses: 400 for every validation and business error (upstream's default,
including "... not found" and "... already exists"), 401 authentication, 403 ``Forbidden``, 413/415
transport, 511 a missing one-time password; the first letter of a message is capitalized (catalog §5.4).
"""
from __future__ import annotations

import json

from chalice import Response
from pydantic import BaseModel

from chalicelib.core.errors import DomainError
from chalicelib.core.web import Ctx, json_response

_STATUS = {404: 400, 409: 400, 422: 400, 429: 400, 503: 500}


class MxError(BaseModel):
    """A MobiledgeX refusal: ``{"message": ...}``."""
    message: str


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def render_error(err: DomainError, ctx: Ctx):
    status = _STATUS.get(err.status, err.status)
    message = "Internal server error" if err.kind == "internal" else capitalize(err.message)
    return json_response({"message": message}, status)


def empty() -> Response:
    """200 with no body (UpdateOrg, PasswordResetRequest, ResendVerify, an empty Show stream)."""
    return Response(body="", status_code=200, headers={"Content-Type": "application/json"})


def array(items: list) -> Response:
    return json_response(items)


def stream(lines: list[dict]) -> Response:
    """Newline-delimited JSON: ``{"data": ...}`` lines, maybe a final ``{"result": ...}``; empty = no body."""
    if not lines:
        return empty()
    return Response(body="".join(_dumps(line) + "\n" for line in lines), status_code=200,
                    headers={"Content-Type": "application/json"})


def objects(items: list[dict]) -> Response:
    return stream([{"data": item} for item in items])


def progress(messages: list[str], error: str | None = None) -> Response:
    """A progress stream; a failure after output began is the final ``result`` line (HTTP stays 200)."""
    lines: list[dict] = [{"data": {"message": m}} for m in messages]
    if error is not None:
        if not lines:
            return json_response({"message": capitalize(error)}, 400)
        lines.append({"result": {"message": capitalize(error), "code": 400}})
    return stream(lines)
