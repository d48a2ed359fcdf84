"""Shared EdgeGallery request pieces: ids, paging, request models, times."""
from __future__ import annotations

import re
import time
import uuid

from pydantic import BaseModel, ConfigDict

from chalicelib.core import clock
from chalicelib.core.errors import BadRequest
from chalicelib.core.pagination import Window, offset_window
from chalicelib.core.web import Doc, validate  # noqa: F401  (Doc: the bodies_* models' base)
from chalicelib.openapi.declare import reads

UUID_RE = re.compile(r"^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$")


def new_uuid() -> str:
    return str(uuid.uuid4())


def require_uuid(value: str, name: str = "id") -> str:
    if not UUID_RE.match(value or ""):
        raise BadRequest(f"{name} must be a lower-case UUID", code=20002)
    return value


def window(offset, limit, *, default_limit: int = 20, max_limit: int = 500) -> Window:
    """``offset``/``limit`` (upstream: limit >= 1, offset >= 0)."""
    w = offset_window(offset, limit, default_limit=default_limit, max_limit=max_limit)
    if w.limit == 0:
        raise BadRequest("limit must be >= 1", code=20002)
    return w


def datetime_str(ts: float | None = None) -> str:
    """Application and image times as upstream renders them: ``yyyy-MM-dd HH:mm:ss`` (UTC)."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(clock.now() if ts is None else ts))


class Body(BaseModel):
    """Request bodies: unknown keys ignored (upstream Jackson), types strict."""
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, strict=True)


@reads("body", arg=1)
def body_of(ctx, model: type[BaseModel], *, what: str = "request body", required: bool = True) -> dict:
    """The JSON object body, checked against ``model``: a wrong type is EdgeGallery's 400 (retCode 20002).
    ``required=False``: an absent (or ``null``) body is ``{}``."""
    body = ctx.json(required=required)
    if body is None and not required:
        return {}
    if not isinstance(body, dict):
        raise BadRequest(f"{what} must be a JSON object", code=20001)
    validate(model, body, error=BadRequest, code=20002)  # a wrong type: EdgeGallery's 400 (retCode 20002)
    return body


@reads("body", arg=1)
def items_of(ctx, model: type[BaseModel], *, what: str = "request body", not_array: int = 20001) -> list:
    """The JSON array body, checked against ``model`` (a ``RootModel[list[...]]``): not an array is ``not_array``
    (the code the service answers for it), a wrongly typed item EdgeGallery's 400 (retCode 20002)."""
    body = ctx.json()
    if not isinstance(body, list):
        raise BadRequest(f"{what} must be a JSON array", code=not_array)
    validate(model, body, error=BadRequest, code=20002)  # a wrong type: EdgeGallery's 400 (retCode 20002)
    return body


class Query(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
