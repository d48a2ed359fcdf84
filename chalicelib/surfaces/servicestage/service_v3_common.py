"""Application management V3 (chapter 5): shared validation, list rules and kinds.

V3 objects are their own kinds (``v3-environment``, ``v3-application``, ``v3-component``, ...) on the generic
project-scoped store (:mod:`objects`). Errors are the ServiceStage format (``SVCSTG.00100xxx``); every
validation failure is 400 ``SVCSTG.00100400`` and nothing is written.

V3 list rules (catalog §4.9): ``limit`` an integer 0-100 (default 10, as V2), ``offset`` ≥ 0, ``order_by`` ∈
create_time | name | update_time (unknown → create_time), ``order`` desc (default) | asc; anything else in
``limit``/``offset``/``order`` is 400.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

from chalicelib.core.errors import BadRequest
from chalicelib.surfaces.servicestage import objects

ENV = "v3-environment"
APP = "v3-application"
COMP = "v3-component"
ENVREF = "v3-envcomp"      # one per component deployed in an environment (scope parent = environment id)
CONFIG = "v3-appconfig"    # application configuration per environment (scope parent = application id)
RECORD = "v3-record"       # deployment records (scope parent = component id)

INVALID = "SVCSTG.00100400"
ENV_NOT_FOUND = "SVCSTG.00100411"
APP_NOT_FOUND = "SVCSTG.00100403"
COMP_NOT_FOUND = "SVCSTG.00100404"
NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*[A-Za-z0-9]$")
ORDERS = ("create_time", "name", "update_time")


def bad(message: str, code: str = INVALID) -> BadRequest:
    return BadRequest(message, code=code)


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(ts * 1000) % 1000:03d}Z"


def obj(body, what: str = "request body") -> dict:
    if not isinstance(body, dict):
        raise bad(f"{what} must be a JSON object")
    return body


def string(body: dict, key: str, *, required: bool = False, max_len: int | None = None, min_len: int = 0,
           enum=None, default=None, where: str = ""):
    label = f"{where}{key}"
    value = body.get(key)
    if value is None:
        if required:
            raise bad(f"{label} is required")
        return default
    if not isinstance(value, str):
        raise bad(f"{label} must be a string")
    if required and not value:
        raise bad(f"{label} must not be empty")
    if max_len is not None and len(value) > max_len:
        raise bad(f"{label} must be at most {max_len} characters")
    if value and len(value) < min_len:
        raise bad(f"{label} must be at least {min_len} characters")
    if enum is not None and value not in enum:
        raise bad(f"{label} must be one of {', '.join(enum)}")
    return value


def name(body: dict, key: str = "name", *, required: bool = True) -> str | None:
    value = string(body, key, required=required)
    if value is None:
        return None
    if not 2 <= len(value) <= 64 or not NAME_RE.match(value):
        raise bad(f"{key} must be 2-64 letters, digits, '-' or '_', start with a letter and end with a letter "
                  "or digit")
    return value


def integer(body: dict, key: str, *, required: bool = False, minimum: int | None = None,
            maximum: int | None = None, where: str = ""):
    label = f"{where}{key}"
    value = body.get(key)
    if value is None:
        if required:
            raise bad(f"{label} is required")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad(f"{label} must be an integer")
    if minimum is not None and value < minimum or maximum is not None and value > maximum:
        raise bad(f"{label} must be between {minimum} and {maximum}")
    return value


def number(body: dict, key: str, *, where: str = ""):
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or value > 1e6:
        raise bad(f"{where}{key} must be a non-negative number")
    return value


def boolean(body: dict, key: str, *, where: str = ""):
    value = body.get(key)
    if value is not None and not isinstance(value, bool):
        raise bad(f"{where}{key} must be a boolean")
    return value


def labels(body: dict, key: str = "labels") -> list | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or len(value) > 20:
        raise bad(f"{key} must be an array of at most 20 {{key, value}} objects")
    out, seen = [], set()
    for i, item in enumerate(value):
        item = obj(item, f"{key}[{i}]")
        k = string(item, "key", required=True, max_len=128, where=f"{key}[{i}].")
        v = string(item, "value", required=True, max_len=255, where=f"{key}[{i}].")
        if k in seen:
            raise bad(f"{key}[{i}].key {k} is repeated")
        seen.add(k)
        out.append({"key": k, "value": v})
    return out


def list_args(query: dict, orders=ORDERS) -> objects.ListArgs:
    def as_int(key, default, lo, hi):
        raw = query.get(key)
        if raw in (None, ""):
            return default
        try:
            value = int(raw)
        except ValueError:
            raise bad(f"{key} must be an integer") from None
        if value < lo or (hi is not None and value > hi):
            raise bad(f"{key} must be between {lo} and {hi}" if hi is not None else f"{key} must be >= {lo}")
        return value
    limit = as_int("limit", 10, 0, 100)
    offset = as_int("offset", 0, 0, None)
    order = (query.get("order") or "desc").lower()
    if order not in ("asc", "desc"):
        raise bad("order must be asc or desc")
    order_by = query.get("order_by") if query.get("order_by") in orders else "create_time"
    return objects.ListArgs(limit, offset, order_by, order == "asc")


def sort_key(args: objects.ListArgs):
    """In-memory order matching the indexes (for lists read through a kind's own lookup)."""
    if args.order_by == "name":
        return lambda item: (item.name, item.obj_id)
    if args.order_by == "update_time":
        return lambda item: (int(item.update_ms), item.obj_id)
    return lambda item: (int(item.create_ms), item.obj_id)
