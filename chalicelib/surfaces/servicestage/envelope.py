"""The error formats of the ServiceStage document (catalog §4.4), one per family, never mixed:

* ServiceStage (application management V2/V3, Git, out-of-date config items): ``{"error_code", "error_msg"}``
  with ``SVCSTG.00100xxx`` (Git: ``SVCSTG.REPO.xxxx``) codes;
* CSE dynamic configuration and kie: ``{"error_code", "error_message", "detail"}``;
* the ServiceComb registry: ``{"errorCode", "errorMessage", "detail"}`` with numeric codes whose thousands are
  the HTTP status (400012 → 400); CSE engine management: the same shape with ``SVCSTG.00501xxx`` codes
  (:func:`render_engine`);
* IAM (tokens, credentials, projects): ``{"error": {"code", "message", "title"}}`` as Huawei IAM answers.

A service raises a domain error with ``code=`` set to the documented code; without one the family's default
for the status is used. Authentication failures of the gateway are ``APIGW.0301`` (401) in every
ServiceStage-style family, as Huawei's API gateway answers them.
"""
from __future__ import annotations

from http import HTTPStatus

from chalice import Response
from pydantic import BaseModel

from chalicelib.core.errors import DomainError
from chalicelib.core.web import Ctx, json_response

_SVCSTG_DEFAULT = {400: "SVCSTG.00100400", 401: "APIGW.0301", 403: "SVCSTG.00100427", 404: "SVCSTG.00100408",
                   405: "SVCSTG.00100427", 409: "SVCSTG.00100419", 413: "SVCSTG.00100400", 415: "SVCSTG.00100400",
                   422: "SVCSTG.00100400", 429: "APIGW.0308", 500: "SVCSTG.00100500", 503: "SVCSTG.00100501"}
_GIT_DEFAULT = {400: "SVCSTG.REPO.0400", 401: "APIGW.0301", 403: "SVCSTG.00100427", 404: "SVCSTG.REPO.0400",
                409: "SVCSTG.REPO.0403", 422: "SVCSTG.REPO.0400", 500: "SVCSTG.REPO.0500", 503: "SVCSTG.REPO.0501"}
_CSE_DEFAULT = {400: "SVCSTG.00400100", 401: "SVCSTG.00300401", 403: "SVCSTG.00300401", 404: "SVCSTG.00400106",
                409: "SVCSTG.00400107", 413: "SVCSTG.00400650", 422: "SVCSTG.00400100", 500: "SVCSTG.00300605"}
# ServiceComb registry numeric codes (go-chassis/cari registered messages)
REGISTRY_MESSAGES = {
    400001: "Invalid parameter(s)", 400002: "Server is Unhealthy", 400010: "Micro-service already exists",
    400011: "No available backend instance", 400012: "Micro-service does not exist",
    400013: "Micro-service has deployed instance(s)", 400014: "Undefined schema id",
    400015: "Not allowed to modify schema", 400016: "Schema does not exist", 400017: "Instance does not exist",
    400018: "Tag does not exist", 400023: "Consumer(s) depends on this micro-service",
    400024: "Access micro-service refused", 400025: "Endpoint is already belong to other service",
    400026: "Micro-service version does not exist", 400100: "Not enough quota",
    401201: "Request unauthorized", 401202: "Wrong user name or password", 401204: "Request unauthorized",
    403001: "Forbidden", 404001: "Record does not exist", 409001: "Record already exist",
    413001: "Request entity too large", 415001: "Unsupported media type", 422001: "Quota not enough",
    500003: "Internal server error", 500011: "Registry service is unavailable",
}
_REGISTRY_DEFAULT = {400: 400001, 401: 401201, 403: 403001, 404: 404001, 409: 409001, 413: 413001, 415: 415001,
                     422: 400001, 429: 400100, 500: 500003, 503: 500011}
_STATUS_422 = {422: 400}  # the document answers validation errors with 400


def _message(err: DomainError) -> str:
    return "Internal server error" if err.kind == "internal" else err.message


class SsError(BaseModel):
    """ServiceStage application management and Git: ``{error_code, error_msg}``."""
    error_code: str
    error_msg: str


class CseConfigError(BaseModel):
    """CSE dynamic configuration and kie: ``{error_code, error_message, detail}``."""
    error_code: str
    error_message: str
    detail: str


class RegistryError(BaseModel):
    """The ServiceComb registry and CSE engine management: ``{errorCode, errorMessage, detail}``."""
    errorCode: str
    errorMessage: str
    detail: str


class IamErrorDetail(BaseModel):
    code: int
    message: str
    title: str


class IamError(BaseModel):
    """Huawei IAM: ``{"error": {code, message, title}}``."""
    error: IamErrorDetail


def render_svcstg(err: DomainError, ctx: Ctx) -> Response:
    status = _STATUS_422.get(err.status, err.status)
    code = err.code if isinstance(err.code, str) and err.code else _SVCSTG_DEFAULT.get(status, "SVCSTG.00100400")
    return json_response({"error_code": code, "error_msg": _message(err)}, status)


def render_git(err: DomainError, ctx: Ctx) -> Response:
    status = _STATUS_422.get(err.status, err.status)
    code = err.code if isinstance(err.code, str) and err.code else _GIT_DEFAULT.get(status, "SVCSTG.REPO.0400")
    return json_response({"error_code": code, "error_msg": _message(err)}, status)


def render_cse_config(err: DomainError, ctx: Ctx) -> Response:
    status = _STATUS_422.get(err.status, err.status)
    code = err.code if isinstance(err.code, str) and err.code else _CSE_DEFAULT.get(status, "SVCSTG.00400100")
    return json_response({"error_code": code, "error_message": _message(err), "detail": _message(err)}, status)


def render_registry(err: DomainError, ctx: Ctx) -> Response:
    """HTTP status = code // 1000; ``errorMessage`` is the registered text, ``detail`` the specific one."""
    code = err.code if isinstance(err.code, int) else (int(err.code) if str(err.code or "").isdigit() else None)
    if code is None:
        code = _REGISTRY_DEFAULT.get(_STATUS_422.get(err.status, err.status), 400001)
    status = code // 1000
    return json_response({"errorCode": str(code), "errorMessage": REGISTRY_MESSAGES.get(code, HTTPStatus(status).phrase),
                  "detail": _message(err)}, status)


# CSE engine management (12.3): string SVCSTG.00501xxx codes in the camel-case shape; errorMessage is the
# documented meaning of the code, detail the specific text
ENGINE_MESSAGES = {
    "SVCSTG.00501134": "Invalid engine type.", "SVCSTG.00501111": "Duplicate engine instance name.",
    "SVCSTG.00501112": "Insufficient engine instance quota.", "SVCSTG.00501133": "Too many engines at the site.",
    "SVCSTG.00501103": "Empty or invalid billing mode.", "SVCSTG.00501104": "Incorrect engine instance flavor format.",
    "SVCSTG.00501105": "Incorrect AZ format.", "SVCSTG.00501117": "Engine cannot be deleted.",
    "SVCSTG.00501152": "Incorrect task ID format.", "SVCSTG.00501153": "Failed to find the task.",
    "SVCSTG.00501149": "Abnormal engine node.", "SVCSTG.00501116": "Failed to find the engine instance.",
    "SVCSTG.00500400": "Incorrect internal request parameter of the service.",
}
_ENGINE_DEFAULT = {400: "SVCSTG.00500400", 401: "SVCSTG.00300401", 403: "SVCSTG.00300401",
                   404: "SVCSTG.00501116", 409: "SVCSTG.00501111", 413: "SVCSTG.00500400", 415: "SVCSTG.00500400",
                   422: "SVCSTG.00500400", 500: "SVCSTG.00500400", 503: "SVCSTG.00500400"}


def render_engine(err: DomainError, ctx: Ctx) -> Response:
    """CSE engine management: ``{errorCode, errorMessage, detail}`` with string ``SVCSTG.00501xxx`` codes."""
    status = _STATUS_422.get(err.status, err.status)
    code = err.code if isinstance(err.code, str) and err.code else _ENGINE_DEFAULT.get(status, "SVCSTG.00500400")
    return json_response({"errorCode": code, "errorMessage": ENGINE_MESSAGES.get(code, HTTPStatus(status).phrase),
                  "detail": _message(err)}, status)


def render_iam(err: DomainError, ctx: Ctx) -> Response:
    status = _STATUS_422.get(err.status, err.status)
    return json_response({"error": {"code": status, "message": _message(err), "title": HTTPStatus(status).phrase}}, status)


def empty(status: int = 204) -> Response:
    return Response(body="", status_code=status, headers={"Content-Type": "application/json"})


def ok(body, status: int = 200, headers: dict | None = None) -> Response:
    return json_response(body, status, headers)
