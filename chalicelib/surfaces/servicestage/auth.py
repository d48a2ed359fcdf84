"""ServiceStage authentication: IAM tokens (``X-Auth-Token``), AK/SK signatures, ServiceComb Bearer tokens.

Whatever the credential, the ``{project_id}`` in the path must be a project of the caller's domain (for a
token: the token's project); it becomes ``p.profile["ss_project"]`` and scopes every read and write. For
ServiceComb the literal project ``default`` means the caller's project named ``default`` (a token's own
project when the caller came with an IAM token).
"""
from __future__ import annotations

import re
from urllib.parse import unquote

from chalicelib.core.errors import Forbidden, Unauthenticated
from chalicelib.identity import accounts, tokens
from chalicelib.identity.principal import Principal
from chalicelib.surfaces.servicestage import iam, signing

SERVICECOMB_AUDIENCE = "servicecomb"
_PARAM = re.compile(r"\{([^}]+)\}")


def decoded_path(request) -> str:
    """The request path as the client signed it: the route template with the (decoded) path parameters.

    The local gateway hands path parameters over still percent-encoded (``src%3Amain.py``); the SDK signs the
    decoded path (``%2F`` becomes a separator), so parameters are decoded here."""
    params = request.uri_params or {}
    return _PARAM.sub(lambda m: unquote(params.get(m.group(1).rstrip("+"), "")), request.path)


def _query_pairs(request) -> list[tuple[str, str]]:
    qp = request.query_params
    if not qp:
        return []
    pairs = []
    for key in qp.keys():
        for value in qp.getlist(key):
            pairs.append((key, value))
    return pairs


def _aksk(ctx, header: str) -> tuple[Principal, str | None]:
    access, signed, signature = signing.parse(header)
    found = iam.credential(access)
    if found is None:
        raise signing.SignatureError("Incorrect IAM authentication information: the access key does not exist")
    cred, secret = found
    request = ctx.request
    headers = {k.lower(): v for k, v in (request.headers or {}).items()}
    signing.verify(secret, signature, request.method, decoded_path(request), _query_pairs(request), headers, signed,
                   ctx.raw)
    acct = accounts.get_account(cred.username)
    if acct is None or acct.status != "active":
        raise signing.SignatureError("Incorrect IAM authentication information: the access key is disabled")
    p = accounts.principal_of(acct, method="aksk", token_id=access)
    return p, headers.get("x-project-id")


def _token(raw: str) -> tuple[Principal, str]:
    try:
        claims = tokens.decode(raw, [iam.AUDIENCE])
    except Unauthenticated:
        raise Unauthenticated("The token is invalid or expired.", code="APIGW.0301") from None
    acct = accounts.get_account(claims["sub"])
    if acct is None or acct.status != "active":
        raise Unauthenticated("The token is invalid or expired.", code="APIGW.0301")
    return accounts.principal_of(acct, method="jwt", token_id=claims["jti"], token_exp=int(claims["exp"]),
                                 audience=iam.AUDIENCE, raw_token=raw), claims["project_id"]


def _scope(p: Principal, path_project: str | None, bound: str | None, *, servicecomb: bool = False) -> Principal:
    """Resolve the path's project against the credential; ``bound`` is the token's (or signed header's) project.
    A refusal names the caller (``err.principal``) so the audited denial has its actor."""
    try:
        return _resolve_scope(p, path_project, bound, servicecomb=servicecomb)
    except Forbidden as err:
        err.principal = p
        raise


def _resolve_scope(p: Principal, path_project: str | None, bound: str | None, *, servicecomb: bool) -> Principal:
    if path_project is None:
        p.profile["ss_project"] = bound
        return p
    if servicecomb and path_project == "default":
        if bound:
            p.profile["ss_project"] = bound
            return p
        acct = accounts.get_account(p.username)
        p.profile["ss_project"] = iam.ensure_project(acct, "default").project_id
        return p
    project = iam.get_project(path_project)
    if project is None or project.domain_id != p.account_id:
        raise Forbidden("The project in the request path does not belong to the caller.", code="APIGW.0302")
    if bound and bound != project.project_id:
        raise Forbidden("The project in the request path does not match the credential's project.",
                        code="APIGW.0302")
    p.profile["ss_project"] = project.project_id
    return p


def authenticate(ctx) -> Principal:
    header = ctx.header("authorization") or ""
    path_project = (ctx.request.uri_params or {}).get("project_id")
    if header.startswith(signing.ALGORITHM):
        p, header_project = _aksk(ctx, header)
        return _scope(p, path_project, header_project)
    raw = ctx.header("x-auth-token")
    if raw:
        p, project = _token(raw)
        return _scope(p, path_project, project)
    raise Unauthenticated("Incorrect IAM authentication information: no X-Auth-Token or AK/SK signature",
                          code="APIGW.0301")


def authenticate_servicecomb(ctx) -> Principal:
    """Engine RBAC tokens (``Authorization: Bearer`` from ``/v4/token``), or the IAM credentials."""
    header = ctx.header("authorization") or ""
    path_project = (ctx.request.uri_params or {}).get("project_id")
    if header.lower().startswith("bearer "):
        try:
            claims = tokens.decode(header[7:].strip(), [SERVICECOMB_AUDIENCE])
        except Unauthenticated:
            raise Unauthenticated("Request unauthorized", code=401201) from None
        acct = accounts.get_account(claims["sub"])
        if acct is None or acct.status != "active":
            raise Unauthenticated("Request unauthorized", code=401201)
        return _scope(accounts.principal_of(acct, method="jwt", token_id=claims["jti"]), path_project,
                      claims.get("project_id"), servicecomb=True)
    if header.startswith(signing.ALGORITHM):
        p, header_project = _aksk(ctx, header)
        return _scope(p, path_project, header_project, servicecomb=True)
    raw = ctx.header("x-auth-token")
    if raw:
        p, project = _token(raw)
        return _scope(p, path_project, project, servicecomb=True)
    raise Unauthenticated("Request unauthorized", code=401204)


def project_of(p: Principal) -> str:
    return p.profile["ss_project"]
