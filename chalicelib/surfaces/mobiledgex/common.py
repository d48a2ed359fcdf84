"""Rules shared by the MobiledgeX services: names, times, regions, request decoding."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from chalicelib.core import clock
from chalicelib.core.config import settings
from chalicelib.core.errors import BadRequest, UnsupportedMedia
from chalicelib.openapi import reads
from chalicelib.surfaces.mobiledgex import gojson

SURFACE = "mobiledgex"
PLATFORM_ORG = "edgecloudorg"  # owns reservable (auto) clusters upstream
ZERO_TIME = "0001-01-01T00:00:00Z"

# regional object names (apps, cloudlets, flavors, pools, instances, orgs inside keys)
REGIONAL_NAME = re.compile(r"^[0-9a-zA-Z][-_0-9a-zA-Z .&,!]*$")
CLUSTER_NAME = re.compile(r"^[0-9a-zA-Z][-0-9a-zA-Z.]*$")
EMAIL = re.compile(r".+@.+\..+")
_LDAP_NAME = re.compile(r"^[A-Za-z0-9_.\-]+$")


def go_time(ts: float | None = None) -> str:
    """Go's time.Time JSON (RFC3339 with microseconds), as the MC emits global objects' times."""
    t = datetime.fromtimestamp(clock.now() if ts is None else ts, tz=timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond:06d}Z"


def rfc3339nano(ts: float | None = None) -> str:
    """Regional objects' created_at/updated_at (protobuf Timestamp)."""
    t = datetime.fromtimestamp(clock.now() if ts is None else ts, tz=timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond:06d}000Z"


def check_name(name: str) -> None:
    """User and org names (upstream ValidName / ldap-safe names, catalog §5.9)."""
    if not name:
        raise BadRequest("Name not specified")
    if name != name.strip():
        raise BadRequest("Name cannot start or end with a space")
    if name.startswith("."):
        raise BadRequest("Name cannot start with '.'")
    if name.startswith("-"):
        raise BadRequest("Name cannot start with '-'")
    if "::" in name or "&" in name or not _LDAP_NAME.match(name):
        raise BadRequest("Name can only contain letters, digits, _ . -")
    for suffix in (".git", ".atom", "-cache"):
        if name.endswith(suffix):
            raise BadRequest(f"Name cannot end with '{suffix}'")
    if name.endswith("."):
        raise BadRequest("Name cannot end with '.'")
    if len(name) > 59:
        raise BadRequest("Name too long")


def region_of(body: dict) -> str:
    """The ``Region`` of a regional request: 400 when missing or not configured."""
    region = body.get("Region") or ""
    if not region:
        raise BadRequest("No region specified")
    if region not in settings().mx_regions:
        raise BadRequest(f'Region "{region}" not found')
    return region


@reads("body", schema=gojson.openapi_schema)
def regional_body(ctx, wrapper_schema: str) -> tuple[str, dict, set[str]]:
    """(region, inner object, present paths) of ``{"Region": ..., "<Object>": {...}}``; keys case-insensitive.

    The inner object's name is the wrapper's other field; present paths are relative to the inner object.
    """
    data = gojson.parse_body(ctx.raw)
    if not isinstance(data, dict):
        raise BadRequest("Invalid JSON data: Unmarshal error: expected object for the request body")
    body, present = gojson.decode(wrapper_schema, data)
    region = region_of(body)
    inner_name = next(n for n in gojson.schema(wrapper_schema)["fields"] if n != "Region")
    prefix = inner_name + "."
    inner_present = {p[len(prefix):] for p in present if p.startswith(prefix)}
    return region, body.get(inner_name) or {}, inner_present


def dig(obj: dict, path: str, default=None):
    cur = obj
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return default
        cur = cur[part]
    return cur


@reads("body", schema=gojson.openapi_schema)
def bind(ctx, schema_name: str, *, extra: dict | None = None, empty_ok: bool = False) -> tuple[dict, set[str]]:
    """The framework binder of the user/org/role/federation handlers: JSON (or form) bodies only, an empty
    body is "Request body can't be empty" unless the operation takes none, then Go-style decoding."""
    raw = ctx.raw
    if not raw.strip():
        if empty_ok:
            return {}, set()
        raise BadRequest("Request body can't be empty")
    ctype = ctx.content_type
    if ctype and ctype not in ("application/json", "text/json", "application/x-www-form-urlencoded"):
        raise UnsupportedMedia("Unsupported Media Type")
    data = gojson.parse_body(raw)
    if not isinstance(data, dict):
        raise BadRequest("Invalid JSON data: Unmarshal error: expected object for the request body")
    return gojson.decode(schema_name, data, extra=extra)
