"""OpenAPI 3.1 documents generated from the app's registered routes and the models their handlers read.

Sources, all of them code that runs:

* **Operations**: ``app.routes`` (every path and method Chalice registers) and the metadata
  :meth:`chalicelib.core.web.Surface.endpoint` attaches to each view: its surface (API, error format,
  authentication), whether it authenticates, its handler.
* **Request parts**: the handler's source, read with :mod:`ast`. A call to a reader marked ``@reads`` (``ctx.body(M)``,
  ``ctx.params(M)``, MSAP's ``body(ctx, M)`` / ``query(ctx, M)``, MobiledgeX's ``bind(ctx, S)`` /
  ``regional_body(ctx, S)``) names the model that validates that part: a pydantic model becomes its JSON schema
  (``models_json_schema``, shared ``components.schemas``), a MobiledgeX schema name becomes the JSON schema of the
  schema table the decoder uses. Helpers called with ``ctx`` are followed (with their arguments bound), so a
  model passed through one is found. ``ctx.query.get("x")`` and ``ctx.header("X")`` with literal names add those
  parameters; ``ctx.json()`` without a model documents a JSON body of any shape (the service validates it by
  hand), ``ctx.raw`` a body of any media type. Calls of ``@produces`` helpers and ``Response(status_code=...,
  headers={"Content-Type": ...})`` with literals give the other media types and statuses (a 302, a 304).
* **Responses**: 2XX (the surface's success model where it has one), 4XX in the surface's error model (every
  ``DomainError`` its envelope renders), 503 (a dependency failed or throttled: retry), the 3XX found in the code.
  No 500 is documented: any 500 is a bug.
"""
from __future__ import annotations

import ast
import builtins
import functools
import inspect
import re
import textwrap
from dataclasses import dataclass, field
from typing import Any, Iterable

from chalice import Response
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from chalicelib.openapi.declare import CONSUMES, PRODUCES, READS

OPENAPI_VERSION = "3.1.0"
DOC_VERSION = "1.0.0"
META = "__edgeplane_endpoint__"
_PATH_PARAM = re.compile(r"{([^}+]+)\+?}")
_AUTH_HEADERS = {"authorization", "x-auth-token", "access_token", "content-type", "x-sdk-date", "host",
                 "content-length", "x-project-id"}
TITLES = {
    "edgeplane": "edgeplane administration API",
    "otestack": "Akraino ote-stack API (served by edgeplane)",
    "edgegallery": "EdgeGallery developer platform API (served by edgeplane)",
    "mobiledgex": "MobiledgeX Edge Cloud Master Controller API (served by edgeplane)",
    "servicestage": "Huawei Cloud ServiceStage, CSE and ServiceComb APIs (served by edgeplane)",
    "msap": "MSAP microservice application platform API (served by edgeplane)",
}
SHARED = "*"  # an endpoint served in every API (the contract route itself)


# --------------------------------------------------------------------------- what one handler reads

@dataclass
class Reads:
    body: list = field(default_factory=list)         # (value, schema_fn | None) per model found
    query: list = field(default_factory=list)
    query_names: list[str] = field(default_factory=list)
    header_names: list[str] = field(default_factory=list)
    produces: list[str] = field(default_factory=list)
    consumes: list[str] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    json_any: bool = False
    raw_any: bool = False


@functools.lru_cache(maxsize=None)
def _source_tree(fn) -> ast.AST | None:
    try:
        src = textwrap.dedent(inspect.getsource(fn))
    except (OSError, TypeError):
        return None
    try:
        return ast.parse(src)
    except SyntaxError:
        return None


def _resolve(node: ast.AST, scope: dict, bound: dict):
    """The object an expression names (a Name, a dotted Attribute or a constant), or None."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in bound:
            return _resolve(bound[node.id][0], bound[node.id][1], {})
        return scope.get(node.id, getattr(builtins, node.id, None))
    if isinstance(node, ast.Attribute):
        base = _resolve(node.value, scope, bound)
        if base is None:
            return None
        return getattr(base, node.attr, None)
    return None


def _ctx_attr(node: ast.AST, ctx_names: set[str]) -> str | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ctx_names:
        return node.attr
    return None


def _model_arg(call: ast.Call, spec: dict, fn) -> ast.AST | None:
    idx = spec["arg"]
    if idx < len(call.args):
        return call.args[idx]
    try:
        params = [p for p in inspect.signature(fn).parameters]
    except (TypeError, ValueError):
        return None
    offset = 1 if params and params[0] == "self" else 0
    name = params[idx + offset] if idx + offset < len(params) else None
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def _walk(fn, ctx_names: set[str], bound: dict, out: Reads, depth: int, seen: set) -> None:
    from chalicelib.core.web import Ctx

    key = getattr(fn, "__code__", None)
    if key is None or key in seen or depth > 3:
        return
    seen.add(key)
    tree = _source_tree(fn)
    if tree is None:
        return
    scope = getattr(fn, "__globals__", {})
    aliases_query: set[str] = set()
    for node in ast.walk(tree):
        # q = ctx.query
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if _ctx_attr(node.value, ctx_names) == "query":
                aliases_query.add(node.targets[0].id)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _ctx_attr(node, ctx_names) == "raw":
            out.raw_any = True
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
            if _ctx_attr(node.value, ctx_names) == "query" or (isinstance(node.value, ast.Name)
                                                                and node.value.id in aliases_query):
                out.query_names.append(node.slice.value)
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        attr = _ctx_attr(func, ctx_names)
        if attr is not None:                       # ctx.<method>(...)
            target = getattr(Ctx, attr, None)
            if attr == "json":
                out.json_any = True
            if attr == "header" and node.args and isinstance(node.args[0], ast.Constant):
                out.header_names.append(str(node.args[0].value))
        else:
            # ctx.query.get("x") / q.get("x")
            if isinstance(func, ast.Attribute) and func.attr == "get" and node.args \
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                owner = func.value
                if _ctx_attr(owner, ctx_names) == "query" or (isinstance(owner, ast.Name) and owner.id in aliases_query):
                    out.query_names.append(node.args[0].value)
                    continue
            target = _resolve(func, scope, bound)
        if target is None or not callable(target):
            continue
        if target is Response:           # Response(status_code=302, headers={"Content-Type": "..."})
            for k in node.keywords:
                if k.arg == "status_code" and isinstance(k.value, ast.Constant) and isinstance(k.value.value, int):
                    if not 200 <= k.value.value < 300:
                        out.statuses.append(k.value.value)
                if k.arg == "headers" and isinstance(k.value, ast.Dict):
                    for hk, hv in zip(k.value.keys, k.value.values):
                        if isinstance(hk, ast.Constant) and str(hk.value).lower() == "content-type" \
                                and isinstance(hv, ast.Constant) and isinstance(hv.value, str):
                            out.produces.append(hv.value.split(";")[0].strip())
            continue
        taken = getattr(target, CONSUMES, None)
        if taken is not None:
            out.consumes.extend(taken)
            continue
        made = getattr(target, PRODUCES, None)
        if made is not None:
            out.produces.extend(made["media"])
            if made["arg"]:
                for k in node.keywords:
                    if k.arg == made["arg"] and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str):
                        out.produces.append(k.value.value)
        spec = getattr(target, READS, None)
        if spec is not None:
            arg = _model_arg(node, spec, target)
            value = _resolve(arg, scope, bound) if arg is not None else None
            if value is not None:
                getattr(out, spec["in"]).append((value, spec["schema"]))
            continue
        # follow the surface's own helpers and services: with the request context bound where it is handed on
        # (its reads count), and otherwise for the responses they build
        module = getattr(target, "__module__", "") or ""
        if inspect.isfunction(target) and module.startswith("chalicelib.surfaces."):
            try:
                params = list(inspect.signature(target).parameters)
            except (TypeError, ValueError):
                continue
            inner_bound: dict = {}
            inner_ctx: set[str] = set()
            for i, a in enumerate(node.args):
                if i < len(params):
                    if isinstance(a, ast.Name) and a.id in ctx_names:
                        inner_ctx.add(params[i])
                    else:
                        inner_bound[params[i]] = (a, scope) if not (isinstance(a, ast.Name) and a.id in bound) \
                            else bound[a.id]
            for k in node.keywords:
                if k.arg is None:
                    continue
                if isinstance(k.value, ast.Name) and k.value.id in ctx_names:
                    inner_ctx.add(k.arg)
                else:
                    inner_bound[k.arg] = (k.value, scope)
            _walk(inspect.unwrap(target), inner_ctx, inner_bound, out, depth + 1, seen)


def handler_reads(handler) -> Reads:
    out = Reads()
    fn = inspect.unwrap(handler)
    try:
        first = next(iter(inspect.signature(fn).parameters))
    except (StopIteration, TypeError, ValueError):
        return out
    _walk(fn, {first}, {}, out, 0, set())
    out.query_names = list(dict.fromkeys(out.query_names))
    out.produces = list(dict.fromkeys(out.produces))
    out.consumes = list(dict.fromkeys(out.consumes))
    out.header_names = list(dict.fromkeys(h for h in out.header_names if h.lower() not in _AUTH_HEADERS))
    return out


# --------------------------------------------------------------------------- operations

@dataclass
class Operation:
    api: str
    path: str
    method: str
    handler: Any
    surface: Any
    auth: bool
    reads: Reads
    returns: Any = None


def operations(app) -> list[Operation]:
    ops = []
    for path, methods in app.routes.items():
        for method, entry in methods.items():
            meta = getattr(entry.view_function, META, None)
            if meta is None:
                raise LookupError(f"{method} {path}: the view is not an edgeplane endpoint (Surface.endpoint)")
            handler = meta["handler"]
            ops.append(Operation(api=meta["surface"].api, path=path, method=method.upper(), handler=handler,
                                 surface=meta["surface"], auth=meta["auth"], reads=handler_reads(handler),
                                 returns=meta.get("returns")))
    return ops


# --------------------------------------------------------------------------- schemas

class _Schemas:
    """The components of one document: pydantic models (batched through ``models_json_schema``) and others."""

    def __init__(self):
        self.models: list[type[BaseModel]] = []
        self.other: dict[str, dict] = {}
        self._refs: dict = {}

    def model(self, m) -> dict:
        if m not in self.models:
            self.models.append(m)
        return {"__model__": m}

    def custom(self, value, fn) -> dict:
        schema, defs = fn(value)
        self.other.update(defs)
        return schema

    def finish(self) -> dict:
        comps = dict(self.other)
        if self.models:
            mapping, top = models_json_schema([(m, "validation") for m in self.models],
                                              ref_template="#/components/schemas/{model}")
            defs = top.get("$defs", {})
            clash = sorted(n for n in defs if n in comps and comps[n] != defs[n])
            if clash:  # a model named like a schema of another kind (a MobiledgeX table): one would hide the other
                raise ValueError(f"two different schemas named {', '.join(clash)}: rename the model")
            comps.update(defs)
            self._refs = {m: mapping[(m, "validation")] for m in self.models}
        return comps

    def resolve(self, node):
        if isinstance(node, dict):
            if set(node) == {"__model__"}:
                return self._refs[node["__model__"]]
            return {k: self.resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [self.resolve(v) for v in node]
        return node


def _is_model(value) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def _part_schema(items: list, schemas: _Schemas):
    out = []
    for value, fn in items:
        if fn is not None:
            out.append(schemas.custom(value, fn))
        elif _is_model(value):
            out.append(schemas.model(value))
    if not out:
        return None
    return out[0] if len(out) == 1 else {"allOf": out}


def _query_parameters(items: list, names: list[str], components: dict) -> list[dict]:
    params: dict[str, dict] = {}
    for value, fn in items:
        if not _is_model(value):
            continue
        js = value.model_json_schema(mode="validation", ref_template="#/components/schemas/{model}")
        for name, prop in (js.get("properties") or {}).items():
            prop = dict(prop)
            desc = prop.pop("title", None)
            p = {"name": name, "in": "query", "required": name in (js.get("required") or []), "schema": prop}
            if desc:
                p["description"] = desc
            params[name] = p
        components.update(js.get("$defs", {}))
    for name in names:
        params.setdefault(name, {"name": name, "in": "query", "required": False, "schema": {"type": "string"}})
    return list(params.values())


# --------------------------------------------------------------------------- the document

def _operation_id(op: Operation, used: set[str]) -> str:
    base = getattr(inspect.unwrap(op.handler), "__name__", "op")
    oid = base
    n = 2
    while oid in used:
        oid = f"{base}_{n}"
        n += 1
    used.add(oid)
    return oid


def _tag(op: Operation) -> str:
    module = getattr(inspect.unwrap(op.handler), "__module__", "") or ""
    last = module.rsplit(".", 1)[-1]
    return last[len("routes_"):] if last.startswith("routes_") else (last if last != "routes" else op.api)


def _summary(op: Operation) -> str | None:
    text = inspect.getdoc(inspect.unwrap(op.handler)) or ""
    return text.strip().splitlines()[0][:200] if text.strip() else None


def _json_media(schema) -> dict:
    return {"schema": schema} if schema is not None else {}


def build(api: str, ops: Iterable[Operation]) -> dict:
    ops = [o for o in ops if o.api in (api, SHARED)]
    schemas = _Schemas()
    components: dict[str, dict] = {}
    security_schemes: dict[str, dict] = {}
    paths: dict[str, dict] = {}
    used_ids: set[str] = set()
    for op in sorted(ops, key=lambda o: (o.path, o.method)):
        s = op.surface
        for name, scheme in (s.security or {}).items():
            security_schemes[name] = scheme
        r = op.reads
        parameters = [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
                      for n in _PATH_PARAM.findall(op.path)]
        parameters += _query_parameters(r.query, r.query_names, components)
        parameters += [{"name": h, "in": "header", "required": False, "schema": {"type": "string"}}
                       for h in r.header_names]
        body_schema = _part_schema(r.body, schemas)
        operation: dict[str, Any] = {"operationId": _operation_id(op, used_ids), "tags": [_tag(op)]}
        summary = _summary(op)
        if summary:
            operation["summary"] = summary
        if parameters:
            operation["parameters"] = parameters
        # the body as the handler reads it: a model's JSON, JSON of any shape, a parsed form, raw bytes; a handler
        # that reads none takes no body (an action such as POST .../action/launch)
        content: dict[str, dict] = {}
        if body_schema is not None or r.json_any:
            content["application/json"] = {"schema": body_schema if body_schema is not None else {}}
        for media in r.consumes:
            content[media] = {"schema": {"type": "object"}}
        if r.raw_any and body_schema is None and not r.consumes:
            content["application/octet-stream"] = {"schema": {"type": "string", "format": "binary"}}
        if content:
            operation["requestBody"] = {"required": False, "content": content}
        if op.returns is not None:   # the operation's own model (inside the surface's envelope, where it has one)
            own = schemas.model(op.returns)
            result = own if s.success_model is None else {"allOf": [schemas.model(s.success_model), own]}
        else:
            result = schemas.model(s.success_model) if s.success_model is not None else None
        success: dict[str, Any] = {"application/json": _json_media(result)}
        for media in r.produces:
            success.setdefault(media, {})
        responses: dict[str, Any] = {"2XX": {"description": "success", "content": success}}
        for status in sorted(set(r.statuses)):
            if 400 <= status < 600:
                continue  # refusals are the 4XX/503 entries
            responses[str(status)] = {"description": "redirect" if 300 <= status < 400 else "answer"}
        error = {"application/json": _json_media(schemas.model(s.error_model) if s.error_model is not None else None)}
        responses["4XX"] = {"description": f"refused: {s.error_description}", "content": error}
        responses["503"] = {"description": "a dependency (store, queue) failed or throttled: retry later",
                            "content": error}
        operation["responses"] = responses
        if not op.auth:
            operation["security"] = []
        elif s.security:
            operation["security"] = [{name: []} for name in s.security]
        paths.setdefault(op.path, {})[op.method.lower()] = operation
    comps = schemas.finish()
    comps.update(components)
    doc = {
        "openapi": OPENAPI_VERSION,
        "info": {"title": TITLES.get(api, api), "version": DOC_VERSION,
                 "description": "Generated by edgeplane (chalicelib/openapi) from the routes it registers and the "
                                "models its handlers validate with; not written by hand."},
        "paths": schemas.resolve(paths),
        "components": {"schemas": dict(sorted(comps.items())), "securitySchemes": security_schemes},
    }
    return doc


def documents(app) -> dict[str, dict]:
    ops = operations(app)
    return {api: build(api, ops) for api in sorted({o.api for o in ops if o.api != SHARED})}
