"""HTTP plumbing shared by every surface: one endpoint wrapper, one request context, one error path.

A route is ``@bp.route(...)`` + ``@surface.endpoint(...)``; the handler receives a :class:`Ctx` and
returns a dict (JSON 200), or a :class:`chalice.Response`. Domain errors raised anywhere below are
rendered by the surface's envelope; a denial (401/403) is audited; anything unexpected is logged with
its traceback and answered as the surface's 500, never as a traceback.
"""
from __future__ import annotations

import functools
import json
from typing import Callable, Type

from chalice import Response
from pydantic import BaseModel, ConfigDict, ValidationError

from chalicelib import audit
from chalicelib.core import ids
from chalicelib.core.config import settings
from chalicelib.core.errors import DomainError, Invalid, TooLarge, UnsupportedMedia
from chalicelib.core.logging import count, flush, logger, request_context
from chalicelib.openapi.declare import reads

# Content types a route accepts: clients of these platforms send JSON with all sorts of labels.
ANY_BODY = ["application/json", "application/x-www-form-urlencoded", "text/plain", "multipart/form-data",
            "application/octet-stream", "application/json;charset=utf-8", "text/json"]


def json_response(body, status: int = 200, headers: dict | None = None) -> Response:
    h = {"Content-Type": "application/json"}
    if headers:
        h.update(headers)
    return Response(body=json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str),
                    status_code=status, headers=h)


def pydantic_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "__root__")
        msg = err.get("msg", "invalid value")
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        parts.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(parts) or "invalid request"


class Ctx:
    """What a handler needs from the request, with validation that raises domain errors."""

    def __init__(self, request, surface: str):
        self.request = request
        self.surface = surface
        self.principal = None
        self._json = None

    # -------------------------------------------------------------- headers / query
    def header(self, name: str) -> str | None:
        return (self.request.headers or {}).get(name.lower()) or (self.request.headers or {}).get(name)

    @property
    def query(self) -> dict:
        return dict(self.request.query_params or {})

    @property
    def path(self) -> str:
        return self.request.context.get("path") or ""

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";")[0].strip().lower()

    # -------------------------------------------------------------- bodies
    @property
    def raw(self) -> bytes:
        return self.request.raw_body or b""

    def json(self, *, required: bool = True):
        if self._json is not None:
            return self._json
        raw = self.raw
        if not raw.strip():
            if required:
                raise Invalid("request body is required")
            self._json = {}
            return self._json
        try:
            self._json = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise Invalid("request body is not valid JSON") from None
        return self._json

    def require_json_type(self) -> None:
        if self.content_type != "application/json":
            raise UnsupportedMedia("media type must be application/json")

    @reads("body", arg=0)
    def body(self, model: Type[BaseModel], *, required: bool = True):
        data = self.json(required=required)
        if not isinstance(data, dict):
            raise Invalid("request body must be a JSON object")
        return validate(model, data)

    @reads("query", arg=0)
    def params(self, model: Type[BaseModel]):
        return validate(model, self.query)


def _encodable(value) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def reject_unencodable(ctx: Ctx) -> None:
    """Text that is not Unicode (a lone UTF-16 surrogate, which JSON's ``\\udXXX`` escapes and URL decoding can
    produce) is refused as bad input: no store, queue or log can hold it. A body is parsed here only when it
    holds a ``\\u`` escape, and that parse is the one ``ctx.json()`` returns."""
    request = ctx.request
    for source in (request.query_params or {}, request.uri_params or {}):
        for k, v in source.items():
            if not (_encodable(str(k)) and _encodable(str(v))):
                raise Invalid("the request holds text that is not valid Unicode")
    raw = request.raw_body or b""
    if b"\\u" in raw:
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            return  # not JSON: the handler's parser answers
        if not _encodable(json.dumps(data, ensure_ascii=False)):
            raise Invalid("the request body holds text that is not valid Unicode (a lone surrogate escape)")
        ctx._json = data


class Doc(BaseModel):
    """A documented request body as its platform states it, for the platforms whose services keep their own rules
    (EdgeGallery, ServiceStage): every field typed, unknown keys kept. A surface's ``body_of(ctx, Model)`` checks
    the body against it (a wrong type: that platform's 400) and hands the services the object as sent; the
    OpenAPI generator publishes the model."""
    model_config = ConfigDict(extra="allow", populate_by_name=True)


def validate(model: Type[BaseModel], data, *, error: Type[DomainError] = Invalid, code=None):
    """``data`` as ``model``; a refusal is ``error`` (with the platform's ``code``) naming the wrong field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error(pydantic_message(exc), code=code) from None


class Surface:
    """One API family: its name, its error renderer and its authentication adapter.

    For the published contract (:mod:`chalicelib.openapi`): ``error_model`` is the pydantic model of the bodies
    ``render_error`` writes, ``success_model`` that of its JSON successes (None: resources of many shapes),
    ``security`` the OpenAPI security schemes ``authenticate`` accepts (any one of them), ``api`` the API
    (package) the routes belong to.
    """

    def __init__(self, name: str, render_error: Callable[[DomainError, Ctx], Response],
                 authenticate: Callable[[Ctx], object] | None = None, *, error_model: Type[BaseModel] | None = None,
                 success_model: Type[BaseModel] | None = None, security: dict[str, dict] | None = None,
                 error_description: str = "", api: str | None = None):
        self.name = name
        self.render_error = render_error
        self.authenticate = authenticate
        self.error_model = error_model
        self.success_model = success_model
        self.security = security or {}
        self.error_description = error_description or f"{name} error format"
        self.api = api or name

    def endpoint(self, bp, *, auth: bool = True, action: str | None = None,
                 returns: Type[BaseModel] | None = None):
        """Wrap a Chalice view: ``fn(ctx, **path_params)``. ``returns``: the model of its JSON success (the
        contract's 2XX schema; tests check every answer against it)."""

        def decorate(fn):
            act = action or fn.__name__

            @functools.wraps(fn)
            def view(**kwargs):
                request = bp.current_request
                request_id = (request.context or {}).get("requestId") or ids.new_id()
                audit.set_request_id(request_id)
                ctx = Ctx(request, self.name)
                with request_context(request_id=request_id, surface=self.name, action=act):
                    try:
                        if len(request.raw_body or b"") > settings().max_body_bytes:
                            raise TooLarge("request body too large")
                        reject_unencodable(ctx)
                        if auth and self.authenticate is not None:
                            ctx.principal = self.authenticate(ctx)
                        result = fn(ctx, **kwargs)
                        count("requests")
                        if isinstance(result, Response):
                            return result
                        return json_response(result)
                    except DomainError as err:
                        if err.status in (401, 403):
                            # an authenticator that identified the caller but refused the request (a 403 raised
                            # while scoping the credential) attaches who it was to the error
                            audit.record(self.name, act, "denied",
                                         principal=ctx.principal or getattr(err, "principal", None),
                                         resource=ctx.path, status=err.status, detail=err.message)
                        logger.info("request refused", extra={"status": err.status, "reason": err.message})
                        return self.render_error(err, ctx)
                    except Exception:
                        logger.exception("unhandled error")
                        count("internal_errors")
                        err = DomainError("internal error", status=500)
                        err.kind = "internal"
                        return self.render_error(err, ctx)
                    finally:
                        flush()

            setattr(view, "__edgeplane_endpoint__", {"surface": self, "auth": auth, "action": act, "handler": fn,
                                                     "returns": returns})
            return view

        return decorate
