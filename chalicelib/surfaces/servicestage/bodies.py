"""Documented request bodies of the ServiceStage document (seed 003): the shared base and the reader.

Each JSON-object body is checked against a :class:`Doc` model by :func:`body_of` before the services' own rules
run (``chalicelib.openapi`` publishes the model as the operation's request schema). The models type what the
document and the services read, every field optional and unknown keys kept: the services keep their required /
pattern / length / enum checks and messages. A wrong type is the sub-API's own 400 (each renderer of
:mod:`.envelope` maps a 400 without a code to its family's default: ``SVCSTG.00100400``, ``SVCSTG.REPO.0400``,
``400001``, ...). The models live in :mod:`.bodies_cas` (application management V2/V3) and :mod:`.bodies_cse`
(Git, CSE, ServiceComb registry, kie, IAM, out-of-date APIs).
"""
from __future__ import annotations

from pydantic import BaseModel, ValidationError

from chalicelib.core.errors import BadRequest
from chalicelib.core.web import Doc, pydantic_message  # noqa: F401  (Doc: the bodies_* models' base)
from chalicelib.openapi.declare import reads


@reads("body", arg=1)
def body_of(ctx, model: type[BaseModel], *, required: bool = True, code: str | int | None = None,
            field_codes: dict[str, str | int] | None = None) -> dict:
    """The JSON object body as sent, checked against ``model``.

    ``required=False``: an empty body is ``{}`` (the ServiceComb registry). ``code``: the error code of a body
    that is not an object or has a wrongly typed field; None = the sub-API's default code for a 400.
    ``field_codes``: the documented code of a wrongly typed top-level field where the service has one of its
    own (CSE engines: ``azList`` → ``SVCSTG.00501105``); the first wrong field decides."""
    body = ctx.json(required=required)
    if not isinstance(body, dict):
        raise BadRequest("request body must be a JSON object", code=code)
    try:
        model.model_validate(body)
    except ValidationError as exc:
        first = next(iter(exc.errors()), {}).get("loc") or ("",)
        by_field = (field_codes or {}).get(str(first[0]), code)
        raise BadRequest(pydantic_message(exc), code=by_field) from None
    return body
