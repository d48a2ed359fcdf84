"""EdgeGallery's shapes: bare resources, ``true`` for mutations, ``{results,limit,offset,total}`` pages,
plain-text and binary downloads; errors as upstream's RestReturn:
``{timestamp, code, error, message, path, retCode, params, data}`` with HTTP status = ``code``.
"""
from __future__ import annotations

import json
from http import HTTPStatus

from chalice import Response
from pydantic import BaseModel

from chalicelib.openapi.declare import produces

from chalicelib.core import clock
from chalicelib.core.errors import DomainError
from chalicelib.core.web import Ctx, json_response

# upstream business codes (ResponseConsts.java), used when an error names none
RET_PARAM_ERROR = 20002
RET_QUERY_EMPTY = 20007
RET_UNAUTHORIZED = 20014
RET_FORBIDDEN = 20015
RET_FILE_NOT_FOUND = 20016
RET_UPLOAD_FAIL = 20018
RET_MERGE_FAIL = 20019
RET_FILE_FORMAT = 20024
RET_DECOMPRESS_FAIL = 20030
RET_FILE_STRUCTURE = 20031
RET_FILE_EMPTY = 20032
_DEFAULT_RET = {400: RET_PARAM_ERROR, 401: RET_UNAUTHORIZED, 403: RET_FORBIDDEN, 404: RET_QUERY_EMPTY,
                409: 20004, 413: RET_UPLOAD_FAIL, 415: RET_FILE_FORMAT, 422: RET_PARAM_ERROR}
# EdgeGallery answers validation failures with 400 (not 422); conflicts keep 409 (upstream: 400/500, see README)
_STATUS = {422: 400}


class EgError(BaseModel):
    """EdgeGallery's error body (Spring's error attributes plus ``retCode``/``params``)."""
    timestamp: str
    code: int
    error: str
    message: str
    path: str
    retCode: int
    params: object = None
    data: object = None


def _timestamp() -> str:
    t = clock.utcnow()
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}+0000"


def render_error(err: DomainError, ctx: Ctx):
    status = _STATUS.get(err.status, err.status)
    ret = err.code if isinstance(err.code, int) else (int(err.code) if str(err.code or "").isdigit() else None)
    message = "internal error" if err.kind == "internal" else err.message
    body = {"timestamp": _timestamp(), "code": status, "error": HTTPStatus(status).phrase, "message": message,
            "path": ctx.path or "", "retCode": ret if ret is not None else _DEFAULT_RET.get(status, 0),
            "params": err.details.get("params") if err.details else None, "data": None}
    return json_response(body, status=status)


def true() -> Response:
    return json_response(True)


def page(results: list, limit: int, offset: int, total: int) -> dict:
    return {"results": results, "limit": limit, "offset": offset, "total": total}


@produces("text/plain")
def text(body: str, status: int = 200) -> Response:
    return Response(body=body, status_code=status, headers={"Content-Type": "text/plain; charset=utf-8"})


@produces("application/octet-stream", arg="content_type")
def attachment(data: bytes, filename: str, content_type: str = "application/octet-stream") -> Response:
    safe = filename.replace('"', "").replace("\r", "").replace("\n", "")
    return Response(body=data, status_code=200,
                    headers={"Content-Type": content_type, "Content-Disposition": f'attachment; filename="{safe}"'})


def bare(value, status: int = 200) -> Response:
    """Any JSON value as the whole body (a string, a list, an object)."""
    return Response(body=json.dumps(value, ensure_ascii=False, default=str), status_code=status,
                    headers={"Content-Type": "application/json"})
