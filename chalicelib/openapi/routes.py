"""``GET /edgeplane/openapi`` (the APIs this deployment serves) and ``GET /edgeplane/openapi/{api}`` (one document).

Registered in every API package after its surfaces, so each deployed API publishes its own contract; the local
stack serves all of them. Public, as API contracts are; errors in edgeplane's format.
"""
from __future__ import annotations

import functools

from chalice import Blueprint

from chalicelib.core.errors import NotFound
from chalicelib.core.web import Surface, json_response
from chalicelib.openapi import generate
from chalicelib.surfaces.edgeplane.envelope import EpError, render_error

bp = Blueprint(__name__)
URL_PREFIX = "/edgeplane/openapi"
surface = Surface("openapi", render_error, None, error_model=EpError, api=generate.SHARED,
                  error_description='{"error": {"code", "message"}}')


@functools.lru_cache(maxsize=1)
def _documents(app) -> dict:
    return generate.documents(app)


@bp.route("/", methods=["GET"])
@surface.endpoint(bp, auth=False, action="openapi_index")
def openapi_index(ctx):
    """The APIs this deployment serves, each with the path of its OpenAPI document."""
    return {"apis": [{"name": name, "title": doc["info"]["title"], "openapi": f"{URL_PREFIX}/{name}"}
                     for name, doc in _documents(bp.current_app).items()]}


@bp.route("/{api}", methods=["GET"])
@surface.endpoint(bp, auth=False, action="openapi_document")
def openapi_document(ctx, api):
    """The OpenAPI 3.1 document of one API, generated from its routes and models."""
    doc = _documents(bp.current_app).get(api)
    if doc is None:
        raise NotFound(f"no API named {api} is served here")
    return json_response(doc)
