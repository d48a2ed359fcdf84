"""Marks the generator reads: which helpers read a request part, which helpers build which responses.

* ``@reads("body")`` / ``@reads("query")`` on a function that reads and validates a request part from a model
  given as an argument (``Ctx.body(model)``, MSAP's ``body(ctx, model)``, MobiledgeX's ``bind(ctx, schema)``):
  a handler that calls it has that part's schema in its operation. ``arg`` is the model argument's position
  in the call as written (``ctx.body(M)``: 0; ``body(ctx, M)``: 1); ``schema`` turns the argument's value into
  a JSON schema (default: the value is a pydantic model).
* ``@produces(...)`` on a response helper: the media types a handler that calls it answers besides JSON.
* ``@consumes(...)`` on a body parser (``multipart.parse``, the chunk-upload form): a handler that calls it takes
  a body of that media type (and, unless it also reads JSON, no JSON body).
"""
from __future__ import annotations

from typing import Any, Callable

READS = "__openapi_reads__"
PRODUCES = "__openapi_produces__"
CONSUMES = "__openapi_consumes__"


def reads(location: str, *, arg: int = 1, schema: Callable[[Any], tuple[dict, dict]] | None = None):
    """``schema(value) -> (json schema, components it references)``."""
    if location not in ("body", "query"):
        raise ValueError(location)

    def mark(fn):
        setattr(fn, READS, {"in": location, "arg": arg, "schema": schema})
        return fn

    return mark


def produces(*media: str, arg: str | None = None):
    """On a response helper (``text(...)``, ``attachment(...)``): a handler that calls it answers these media types;
    ``arg`` names a parameter whose literal value at the call site is one more."""
    def mark(fn):
        setattr(fn, PRODUCES, {"media": tuple(media), "arg": arg})
        return fn

    return mark


def consumes(*media: str):
    """On a request-body parser: a handler that calls it takes a body of these media types."""
    def mark(fn):
        setattr(fn, CONSUMES, tuple(media))
        return fn

    return mark


_named: dict = {}


def named(model, name: str, doc: str, module: str):
    """``model`` (a parametrized generic such as ``Page[Row]``) as a subclass named ``name``, built once: the
    published component reads ``RowPage`` instead of pydantic's ``Page_Row_``."""
    key = (model, name)
    if key not in _named:
        from pydantic import create_model
        _named[key] = create_model(name, __base__=model, __module__=module, __doc__=doc)
    return _named[key]
