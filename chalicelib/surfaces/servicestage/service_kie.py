"""The configuration centre (kie) of a project: key + labels items with revisions.

One store serves three APIs: ServiceComb kie (8.7.x, ``/v1/{project}/kie/kv``), CSE import/export (7.2.x,
``/v1/{project}/kie/file|download``) and the out-of-date config-centre read (9.1). Items are ``kv`` objects of
the caller's project (:mod:`objects`); (key, labels) is unique per project (claimed by a hash of both, which is
also the ``gsi4`` lookup). ``create_revision``/``update_revision`` come from a per-project revision
:class:`Sequence` bumped on every change; the current revision answers ``revision=`` (304) and
``X-Kie-Revision``.

Upstream rules (servicecomb-kie ``pkg/validator/rule.go``): key 1-2048 of ``[a-zA-Z0-9._:-]``; value ≤ 131072
characters; value_type ∈ ini|json|text|yaml|properties|xml (default text); status enabled|disabled (default
disabled); at most 6 labels with upstream's key/value patterns.

Errors name a *kind*; each family renders it with its own code: kie 8.7 the ServiceComb config codes as
strings (``400001``, ``404001``, ``409001``), CSE 7.2 the ``SVCSTG.004xxxxx`` codes.
"""
from __future__ import annotations

import hashlib
import re

from chalicelib.core import clock
from chalicelib.core.errors import BadRequest, Conflict, DomainError, NotFound
from chalicelib.store import base as store
from chalicelib.store.base import Sequence
from chalicelib.store.servicestage import SsObj
from chalicelib.surfaces.servicestage import objects

KIND = "kv"
KEY_RE = re.compile(r"^[a-zA-Z0-9._:-]{1,2048}$")
LABEL_KEY_RE = re.compile(r"^[a-zA-Z0-9]{1,32}$|^[a-zA-Z0-9][a-zA-Z0-9_\-.]{1,30}[a-zA-Z0-9]$")
LABEL_VALUE_RE = re.compile(r"^[a-zA-Z0-9]{0,160}$|^[a-zA-Z0-9][a-zA-Z0-9_\-.]{0,158}[a-zA-Z0-9]$")
VALUE_TYPES = ("ini", "json", "text", "yaml", "properties", "xml")
STATUSES = ("enabled", "disabled")
MAX_VALUE = 131072
MAX_LABELS = 6
MAX_ITEMS = 10000  # per project (422001 quota)

# error kind -> (status, kie 8.7 code, CSE 7.2 code)
CODES = {
    "invalid": (400, "400001", "SVCSTG.00400100"),
    "too_long": (400, "400001", "SVCSTG.00400649"),
    "not_string": (400, "400001", "SVCSTG.00400652"),
    "bad_label": (400, "400001", "SVCSTG.00400653"),
    "missing": (404, "404001", "SVCSTG.00400106"),
    "exists": (409, "409001", "SVCSTG.00400107"),
    "quota": (422, "422001", "SVCSTG.00400100"),
}


class KieError(DomainError):
    def __init__(self, kind: str, message: str):
        status, kie_code, _ = CODES[kind]
        super().__init__(message, code=kie_code, status=status)
        self.error_kind = kind


def as_cse(err: KieError) -> DomainError:
    """The same error with the CSE dynamic-configuration code (7.2.x)."""
    status, _, code = CODES[err.error_kind]
    cls = {404: NotFound, 409: Conflict}.get(status, BadRequest)
    return cls(err.message, code=code, status=status)


def cse_code(err: KieError) -> str:
    return CODES[err.error_kind][2]


# ------------------------------------------------------------------ validation
def check_key(key) -> str:
    if not isinstance(key, str) or not key:
        raise KieError("not_string", "key must be a non-empty string")
    if len(key) > 2048:
        raise KieError("too_long", "key must be 1-2048 characters")
    if not KEY_RE.match(key):
        raise KieError("invalid", "key may contain only letters, digits and . _ : -")
    return key


def check_value(value, *, required: bool = False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise KieError("not_string", "value must be a string")
    if len(value) > MAX_VALUE:
        raise KieError("too_long", f"value must be at most {MAX_VALUE} characters")
    return value


def check_labels(labels) -> dict:
    if labels is None:
        return {}
    if not isinstance(labels, dict):
        raise KieError("bad_label", "labels must be an object of strings")
    if len(labels) > MAX_LABELS:
        raise KieError("bad_label", f"at most {MAX_LABELS} labels")
    for k, v in labels.items():
        if not isinstance(v, str) or not LABEL_KEY_RE.match(k) or not LABEL_VALUE_RE.match(v):
            raise KieError("bad_label", f"invalid label {k!r}")
    return dict(labels)


def check_status(status, default: str | None = "disabled") -> str | None:
    if status in (None, ""):
        return default
    if status not in STATUSES:
        raise KieError("invalid", "status must be enabled or disabled")
    return status


def check_value_type(value_type, default: str | None = "text") -> str | None:
    if value_type in (None, ""):
        return default
    if value_type not in VALUE_TYPES:
        raise KieError("invalid", "value_type must be one of " + ", ".join(VALUE_TYPES))
    return value_type


def parse_label_filters(values: list[str]) -> dict:
    """``label=k:v`` (repeatable) → {k: v}."""
    out = {}
    for raw in values:
        if raw in (None, ""):
            continue
        if ":" not in raw:
            raise KieError("bad_label", "label must be {key}:{value}")
        k, v = raw.split(":", 1)
        check_labels({k: v})
        out[k] = v
    return out


def check_match(match) -> bool:
    if match in (None, ""):
        return False
    if match != "exact":
        raise KieError("invalid", "match must be exact or empty")
    return True


def labels_match(item_labels: dict, wanted: dict, exact: bool) -> bool:
    if exact:
        return item_labels == wanted
    return all(item_labels.get(k) == v for k, v in wanted.items())


# ------------------------------------------------------------------ revisions
def _rev_name(project: str) -> str:
    return f"ss-kie-rev#{project}"


def revision(project: str) -> int:
    item = store.get(Sequence, f"SEQ#{_rev_name(project)}", "S")
    return int(item.value or 0) if item is not None else 0


def _bump(project: str) -> int:
    return Sequence.next(_rev_name(project))


# ------------------------------------------------------------------ items
def _hash(key: str, labels: dict) -> str:
    fmt = key + "\x00" + "::".join(f"{k}={labels[k]}" for k in sorted(labels))
    return hashlib.sha256(fmt.encode("utf-8")).hexdigest()


def _lookup_pk(project: str) -> str:
    return f"SS#{project}#kv#HASH"


def view(item: SsObj) -> dict:
    d = item.data
    return {"id": d["id"], "key": d["key"], "labels": dict(d.get("labels") or {}), "value": d.get("value", ""),
            "value_type": d.get("value_type", "text"), "status": d.get("status", "disabled"),
            "create_time": int(d["create_time"]), "update_time": int(d["update_time"]),
            "create_revision": int(d["create_revision"]), "update_revision": int(d["update_revision"])}


def export_view(item: SsObj) -> dict:
    v = view(item)
    return {k: v[k] for k in ("id", "key", "labels", "value", "status", "value_type")}


def get(project: str, kv_id: str) -> SsObj | None:
    return objects.get(project, KIND, kv_id)


def require(project: str, kv_id: str) -> SsObj:
    item = get(project, kv_id)
    if item is None:
        raise KieError("missing", f"configuration {kv_id} does not exist")
    return item


def find(project: str, key: str, labels: dict) -> SsObj | None:
    h = _hash(key, labels)
    for item in SsObj.gsi4.query(_lookup_pk(project), SsObj.gsi4sk == h, limit=1):
        return item
    return None


def create(project: str, body: dict) -> SsObj:
    """Validate and create; (key, labels) already present → 409."""
    if not isinstance(body, dict):
        raise KieError("invalid", "request body must be a JSON object")
    key = check_key(body.get("key"))
    value = check_value(body.get("value"))
    labels = check_labels(body.get("labels"))
    status = check_status(body.get("status"))
    value_type = check_value_type(body.get("value_type"))
    return _put(project, key, value, labels, status, value_type)


def _put(project, key, value, labels, status, value_type) -> SsObj:
    if objects.count(project, KIND) >= MAX_ITEMS:
        raise KieError("quota", f"at most {MAX_ITEMS} configurations per project")
    h = _hash(key, labels)
    rev = _bump(project)
    now = int(clock.now())
    kv_id = objects.new_uuid()
    data = {"id": kv_id, "key": key, "labels": labels, "value": value, "value_type": value_type, "status": status,
            "create_time": now, "update_time": now, "create_revision": rev, "update_revision": rev}
    try:
        return objects.create(project, KIND, data, obj_id=kv_id, name=h, unique_name=("exists", "exists"),
                              lookup=(_lookup_pk(project), h))
    except Conflict:
        raise KieError("exists", "a configuration with this key and labels already exists") from None


def update(project: str, item: SsObj, body: dict, *, value_required: bool = True) -> SsObj:
    if not isinstance(body, dict):
        raise KieError("invalid", "request body must be a JSON object")
    if value_required and "value" not in body:
        raise KieError("invalid", "value is required")
    value = check_value(body.get("value"), required=value_required) if "value" in body else None
    status = check_status(body.get("status"), default=None)
    value_type = check_value_type(body.get("value_type"), default=None)
    data = dict(item.data)
    if value is not None:
        data["value"] = value
    if status is not None:
        data["status"] = status
    if value_type is not None:
        data["value_type"] = value_type
    data["update_revision"] = _bump(project)
    data["update_time"] = int(clock.now())
    item.data = data
    try:
        return objects.save(item)
    except Conflict:
        raise KieError("invalid", "the configuration was changed concurrently, retry") from None


def delete(project: str, item: SsObj) -> None:
    objects.delete(item)
    _bump(project)


def items(project: str, *, labels: dict | None = None, exact: bool = False, key: str | None = None,
          status: str | None = None) -> list[SsObj]:
    """All matching items of the project, oldest first (one Query of the project's scope)."""
    labels = labels or {}

    def keep(item: SsObj) -> bool:
        d = item.data
        return (labels_match(d.get("labels") or {}, labels, exact) and (key is None or d.get("key") == key)
                and (status is None or d.get("status") == status))

    found, _ = objects.page(project, KIND, objects.ListArgs(None, 0, "create_time", True), predicate=keep)
    return found
