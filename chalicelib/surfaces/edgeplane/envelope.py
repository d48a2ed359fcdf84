"""edgeplane's own error format: ``{"error": {"code": <kind>, "message": ...}}`` with the HTTP status."""
from __future__ import annotations

from pydantic import BaseModel

from chalicelib.core.errors import DomainError
from chalicelib.core.web import Ctx, json_response


class EpErrorDetail(BaseModel):
    code: str
    message: str


class EpError(BaseModel):
    """edgeplane's error body."""
    error: EpErrorDetail


def render_error(err: DomainError, ctx: Ctx):
    return json_response({"error": {"code": err.kind, "message": err.message}}, status=err.status)
