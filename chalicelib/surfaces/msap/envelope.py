"""MSAP's one envelope (catalog §4): ``{"code": "200", "data": ..., "msg": ""}``.

Failures: ``{"code": "500", "data": "", "msg": <Chinese reason>}`` for every validation and business error (the
return-code table has only 200, 401 and 500); a missing required parameter has the documented object form
``"msg": {"field": <name>, "message": "此属性是必填项"}``; authentication failures are
``{"code": "401", "data": "", "msg": "用户鉴权失败"}`` with HTTP 401.

HTTP status (the document leaves it open, §8.33): a client error keeps its own status (400 validation, 403 no
permission, 404 not found, 409 conflict, 413, 429, 503) while the body says ``"500"``; only a real server fault
answers HTTP 500. So scripts that test the body code see the document's codes, and nothing a client can send
produces an HTTP 500.
"""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from chalicelib.core.errors import DomainError
from chalicelib.core.web import Ctx, json_response

AUTH_FAILED = "用户鉴权失败"
REQUIRED = "此属性是必填项"


class MsFieldMessage(BaseModel):
    field: str
    message: str


class MsError(BaseModel):
    """An MSAP failure: ``code`` "500" (or "401"), empty ``data``, the reason in ``msg``."""
    code: str
    data: Any = None
    msg: str | MsFieldMessage


class MsResult(BaseModel):
    """An MSAP success: ``code`` "200", the result in ``data``."""
    code: str
    data: Any = None
    msg: str


def ok(data=None) -> dict:
    return {"code": "200", "data": "" if data is None else data, "msg": ""}


def render_error(err: DomainError, ctx: Ctx):
    if err.status == 401:
        return json_response({"code": "401", "data": "", "msg": AUTH_FAILED}, 401)
    if err.kind == "internal":
        return json_response({"code": "500", "data": "", "msg": "系统内部错误，请稍后重试"}, 500)
    field = (err.details or {}).get("field")
    msg = {"field": field, "message": REQUIRED} if field else _chinese(err)
    status = 400 if err.status == 422 else err.status
    return json_response({"code": "500", "data": "", "msg": msg}, status)


_DEFAULTS = {413: "请求体过大", 415: "不支持的请求类型", 429: "请求过于频繁，请稍后重试", 503: "服务暂不可用，请稍后重试",
             405: "不支持的请求方法"}


def _chinese(err: DomainError) -> str:
    """Messages raised by MSAP code are Chinese already; core errors (body size, store down) get a Chinese text."""
    if err.status in _DEFAULTS and not any("\u4e00" <= ch <= "\u9fff" for ch in err.message):
        return _DEFAULTS[err.status]
    if not any("\u4e00" <= ch <= "\u9fff" for ch in err.message):
        return "请求参数错误：" + err.message
    return err.message
