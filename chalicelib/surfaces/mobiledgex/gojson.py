"""Go ``encoding/json`` decoding, driven by the Master Controller's schemas.

Upstream decodes request bodies into Go structs: object keys match struct fields case-insensitively (an
exact match wins), unknown keys are ignored, ``null`` leaves the zero value, and a value of the wrong JSON
type is a 400 "Invalid JSON data: Unmarshal error: expected <type>, but got <value> for field "<path>"".
Enums (protobuf) accept the CamelCase name or the integer and are kept as the name.

:func:`decode` returns the canonical object (schema key spelling, only keys that were sent) plus the set
of dotted paths that were present, which is what updates apply ("update exactly the keys present").
Schemas come from ``schemas.json`` (types, enums and read-only flags of ``mobiledgex.schemas.json``).
"""
from __future__ import annotations

import functools
import json
from pathlib import Path

from chalicelib.core.errors import Invalid

_GO = {"string": "string", "integer": "int", "number": "float64", "boolean": "bool"}


@functools.lru_cache(maxsize=1)
def schemas() -> dict:
    return json.loads((Path(__file__).with_name("schemas.json")).read_text())["schemas"]


def schema(name: str) -> dict:
    return schemas()[name]


def _kind(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _type_error(expected: str, value, path: str):
    shown = _kind(value)
    if shown in ("number", "bool"):
        shown = f"{shown} {json.dumps(value)}"
    return Invalid(f"Invalid JSON data: Unmarshal error: expected {expected}, but got {shown} for field \"{path}\"")


def enum_name(enum: dict, value, path: str) -> str:
    """Name or integer → the enum's name; unknown values are a 400 as upstream's enum unmarshaler says."""
    if isinstance(value, bool):
        raise _type_error("enum", value, path)
    if isinstance(value, (int, float)) and float(value).is_integer():
        for name, number in enum.items():
            if number == int(value):
                return name
        raise Invalid(f"Invalid JSON data: Unmarshal error: invalid {path.rsplit('.', 1)[-1]} value {int(value)}"
                      f" for field \"{path}\"")
    if isinstance(value, str):
        for name in enum:
            if name.lower() == value.lower():
                return name
        if value.lstrip("-").isdigit():
            return enum_name(enum, int(value), path)
        raise Invalid(f"Invalid JSON data: Unmarshal error: invalid {path.rsplit('.', 1)[-1]} value \"{value}\""
                      f" for field \"{path}\"")
    raise _type_error("enum", value, path)


def _match(fields: dict, key: str) -> str | None:
    if key in fields:
        return key
    low = key.lower()
    for name in fields:
        if name.lower() == low:
            return name
    return None


def _value(spec: dict, value, path: str, present: set):
    t = spec["type"]
    if value is None:
        return None
    if spec.get("enum"):
        return enum_name(spec["enum"], value, path)
    if t.startswith("array of "):
        if not isinstance(value, list):
            raise _type_error("array", value, path)
        inner = {"type": t[len("array of "):]}
        return [_value(inner, v, path, set()) for v in value]
    if t.startswith("map of "):
        if not isinstance(value, dict):
            raise _type_error("map", value, path)
        inner = {"type": t[len("map of "):]}
        return {str(k): _value(inner, v, f"{path}.{k}", set()) for k, v in value.items()}
    if t.startswith("ref:"):
        ref = schema(t[4:])
        if ref.get("enum"):
            return enum_name(ref["enum"], value, path)
        if ref["type"] == "array":
            if not isinstance(value, list):
                raise _type_error("array", value, path)
            return [str(v) for v in value]
        return _object(ref, value, path, present)
    if t == "string":
        if not isinstance(value, str):
            raise _type_error("string", value, path)
        return value
    if t == "boolean":
        if not isinstance(value, bool):
            raise _type_error("bool", value, path)
        return value
    if t == "integer":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not float(value).is_integer():
            raise _type_error("int", value, path)
        return int(value)
    if t == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _type_error("float64", value, path)
        return value
    return value  # "object" without fields: free-form


def _object(spec: dict, value, path: str, present: set, extra: dict | None = None) -> dict:
    if not isinstance(value, dict):
        raise _type_error("object", value, path or "body")
    fields = dict(spec.get("fields") or {})
    if extra:
        fields.update(extra)
    out: dict = {}
    for key, raw in value.items():
        name = _match(fields, str(key))
        if name is None:
            continue  # Go ignores unknown keys
        sub = f"{path}.{name}" if path else name
        present.add(sub)
        decoded = _value(fields[name], raw, sub, present)
        if decoded is not None:
            out[name] = decoded
    return out


def decode(schema_name: str, data, *, extra: dict | None = None) -> tuple[dict, set[str]]:
    """Decode ``data`` as the schema ``schema_name``; ``extra`` adds hidden fields (e.g. ``Passhash``)."""
    present: set[str] = set()
    return _object(schema(schema_name), data, "", present, extra), present


def parse_body(raw: bytes, *, empty_ok: bool = False):
    """Raw bytes → JSON value with upstream's messages (regional handlers read the raw body)."""
    if not raw or not raw.strip():
        if empty_ok:
            return {}
        raise Invalid("Invalid JSON data: unexpected end of JSON input")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Invalid(f"Invalid JSON data: {str(exc).split(':')[0]}") from None


# --------------------------------------------------------------------------- the published contract

def _json_type(t: str, spec: dict, defs: dict) -> dict:
    if spec.get("enum"):
        return _enum_schema(spec["enum"])
    if t.startswith("array of "):
        return {"type": ["array", "null"], "items": _json_type(t[len("array of "):], {}, defs)}
    if t.startswith("map of "):
        return {"type": ["object", "null"], "additionalProperties": _json_type(t[len("map of "):], {}, defs)}
    if t.startswith("ref:"):
        _define(t[4:], defs)
        return {"$ref": f"#/components/schemas/{t[4:]}"}
    base = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}.get(t)
    return {"type": [base, "null"]} if base else {}


def _enum_schema(enum: dict) -> dict:
    # an enum is sent as its name (any case) or its number, as upstream's unmarshaler accepts
    return {"anyOf": [{"type": "string", "enum": sorted(enum)}, {"type": "integer", "enum": sorted(set(enum.values()))},
                      {"type": "null"}]}


def _define(name: str, defs: dict) -> None:
    if name in defs:
        return
    spec = schema(name)
    defs[name] = {}  # placeholder against recursion
    if spec.get("enum"):
        defs[name] = _enum_schema(spec["enum"])
    elif spec["type"] == "array":
        defs[name] = {"type": ["array", "null"], "items": {"type": "string"}}
    else:
        defs[name] = {"type": ["object", "null"], "title": name,
                      "properties": {f: _json_type(s["type"], s, defs) for f, s in spec["fields"].items()}}


def openapi_schema(name: str) -> tuple[dict, dict]:
    """(JSON schema, components) of the body ``decode(name, ...)`` accepts: the schema table as JSON Schema; keys
    match case-insensitively and unknown keys are ignored, so no property is closed or required here."""
    defs: dict = {}
    _define(name, defs)
    body = dict(defs[name])
    body["type"] = "object"
    return {"$ref": f"#/components/schemas/{name}"}, {**defs, name: body}
