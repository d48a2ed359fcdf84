"""Marks the generator reads: which helpers read a request part, and per-handler additions.

* ``@reads("body")`` / ``@reads("query")`` on a function that reads and validates a request part from a model
  given as an argument (``Ctx.body(model)``, MSAP's ``body(ctx, model)``, MobiledgeX's ``bind(ctx, schema)``):
  a handler that calls it has that part's schema in its operation. ``arg`` is the model argument's position
  (after ``self`` for a method); ``schema`` turns the argument's value into a JSON schema (default: the value
  is a pydantic model).
* ``@doc(...)`` on a handler, for what its code cannot show: ``statuses`` it answers besides 2XX/4XX (a
  302 redirect), ``produces`` (media types of a file download), ``consumes`` (a multipart upload) or a
  ``body``/``query`` model the handler's service reads.
"""
from __future__ import annotations

from typing import Any, Callable

READS = "__openapi_reads__"
PRODUCES = "__openapi_produces__"
DOC = "__openapi_doc__"


def reads(location: str, *, arg: int | None = 1, schema: Callable[[Any], tuple[dict, dict]] | None = None):
    """``schema(value) -> (json schema, components it references)``; ``location`` "multipart" takes no model."""
    if location not in ("body", "query", "multipart"):
        raise ValueError(location)

    def mark(fn):
        setattr(fn, READS, {"in": location, "arg": arg, "schema": schema})
        return fn

    return mark


def doc(*, statuses: tuple[int, ...] = (), produces: tuple[str, ...] = (), consumes: tuple[str, ...] = (),
        body=None, query=None, summary: str | None = None):
    def mark(fn):
        setattr(fn, DOC, {"statuses": tuple(statuses), "produces": tuple(produces), "consumes": tuple(consumes),
                          "body": body, "query": query, "summary": summary})
        return fn

    return mark


def produces(*media: str, arg: str | None = None):
    """On a response helper (``text(...)``, ``attachment(...)``): a handler that calls it answers these media types;
    ``arg`` names a parameter whose literal value at the call site is one more."""
    def mark(fn):
        setattr(fn, PRODUCES, {"media": tuple(media), "arg": arg})
        return fn

    return mark
