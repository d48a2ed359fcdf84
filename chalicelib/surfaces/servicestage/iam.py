"""Huawei Cloud IAM, as much as the ServiceStage clients need, on the shared identity.

* An IAM account (domain) is an edgeplane account: domain id = account id, domain name = user name; its one
  IAM user is the account itself. Passwords are the shared argon2id hashes (with the shared throttling).
* Projects belong to a domain and are named like Huawei's regional projects (``cn-north-4``); the
  administrator's first project is ``default`` (created at first start). As in Huawei Cloud, where every
  account has a project in every region, a project named in a token request is created on first use for its
  domain.
* Tokens: ``POST /v3/auth/tokens`` (password identity, project scope by name or id) → JWT (audience
  ``servicestage``, claims ``project_id``/``domain_id``) in the ``X-Subject-Token`` header, 24 hours.
* Permanent access keys: ``POST /v3.0/OS-CREDENTIAL/credentials`` → ``access`` + ``secret`` (returned once,
  stored sealed with AES-GCM: the server needs the secret itself to verify signatures).
"""
from __future__ import annotations

import re
import secrets
import uuid
from datetime import datetime, timezone

from chalicelib import audit
from chalicelib.core import clock
from chalicelib.core.errors import BadRequest, Conflict, Forbidden, NotFound, Unauthenticated
from chalicelib.identity import accounts, sealing, tokens
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.models import Account
from chalicelib.store.servicestage import SsCredential, SsProject

AUDIENCE = "servicestage"
TOKEN_TTL = 24 * 3600
PROJECT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
MAX_KEYS = 2  # Huawei allows two permanent access keys per user
SURFACE = "servicestage"


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + \
        f"{int(ts * 1000) % 1000:03d}000Z"


# ---------------------------------------------------------------- projects
def get_project(project_id: str) -> SsProject | None:
    if not project_id or len(project_id) > 64:
        return None
    return store.get(SsProject, f"SSPROJ#{project_id}", "P")


def project_by_name(domain_id: str, name: str) -> SsProject | None:
    for item in SsProject.gsi1.query(f"SSDOMAIN#{domain_id}#PROJECTS", SsProject.gsi1sk == name, limit=1):
        return item
    return None


def ensure_project(acct: Account, name: str) -> SsProject:
    """The domain's project of that name, created on first use (one claim per domain and name)."""
    found = project_by_name(acct.account_id, name)
    if found is not None:
        return found
    if not PROJECT_NAME.match(name or ""):
        raise BadRequest(f"invalid project name: {name}")
    pid = uuid.uuid4().hex
    item = SsProject(f"SSPROJ#{pid}", "P", project_id=pid, name=name, domain_id=acct.account_id,
                     domain_name=acct.username, created_at=clock.now_s())
    item.gsi1pk, item.gsi1sk = f"SSDOMAIN#{acct.account_id}#PROJECTS", name
    try:
        store.create(item, unique=[("ss-project", f"{acct.account_id}#{name}")])
    except Conflict:
        found = project_by_name(acct.account_id, name)
        if found is None:
            raise
        return found
    return item


def projects_of(acct_id: str, name: str | None = None) -> list[SsProject]:
    cond = SsProject.gsi1sk == name if name else None
    return list(SsProject.gsi1.query(f"SSDOMAIN#{acct_id}#PROJECTS", cond))


def project_view(p: SsProject) -> dict:
    return {"id": p.project_id, "name": p.name, "domain_id": p.domain_id, "enabled": True, "is_domain": False,
            "parent_id": p.domain_id, "description": "", "links": {"self": f"/v3/projects/{p.project_id}"}}


# ---------------------------------------------------------------- tokens
def issue_token(body: dict) -> tuple[str, dict]:
    """(token, response body) for a password identity with a project scope."""
    auth = (body or {}).get("auth") if isinstance(body, dict) else None
    identity = (auth or {}).get("identity") if isinstance(auth, dict) else None
    if not isinstance(identity, dict) or "password" not in (identity.get("methods") or []):
        raise BadRequest("The request you have made requires authentication: only the password method is supported")
    user = ((identity.get("password") or {}).get("user")) if isinstance(identity.get("password"), dict) else None
    if not isinstance(user, dict) or not isinstance(user.get("name"), str) or not isinstance(user.get("password"), str):
        raise BadRequest("auth.identity.password.user.name and password are required")
    try:
        acct = accounts.authenticate_password(user["name"], user["password"])
    except Unauthenticated:
        raise Unauthenticated("The username or password is wrong.") from None
    domain = user.get("domain") or {}
    if isinstance(domain, dict) and domain.get("name") not in (None, "", acct.username):
        raise Unauthenticated("The username or password is wrong.")
    scope = ((auth.get("scope") or {}).get("project")) if isinstance(auth.get("scope"), dict) else None
    if not isinstance(scope, dict) or not (scope.get("id") or scope.get("name")):
        raise BadRequest("a project scope (auth.scope.project.name or id) is required")
    if scope.get("id"):
        project = get_project(str(scope["id"]))
        if project is None or project.domain_id != acct.account_id:
            raise Unauthenticated("The project id is invalid or does not belong to the user.")
    else:
        project = ensure_project(acct, str(scope["name"]))
    now = clock.now_s()
    token, exp = tokens.issue(acct.username, AUDIENCE, ttl=TOKEN_TTL,
                              extra={"project_id": project.project_id, "domain_id": acct.account_id})
    audit.record(SURFACE, "iam_token", principal=accounts.principal_of(acct), resource=f"project/{project.project_id}")
    return token, {"token": {
        "expires_at": iso(exp), "issued_at": iso(now), "methods": ["password"],
        "project": {"id": project.project_id, "name": project.name,
                    "domain": {"id": acct.account_id, "name": acct.username}},
        "user": {"id": acct.account_id, "name": acct.username, "password_expires_at": "",
                 "domain": {"id": acct.account_id, "name": acct.username}},
        "roles": [{"id": "0", "name": "te_admin"}], "catalog": []}}


# ---------------------------------------------------------------- access keys
def create_credential(p: Principal, body: dict) -> dict:
    cred = (body or {}).get("credential") if isinstance(body, dict) else None
    if not isinstance(cred, dict) or not isinstance(cred.get("user_id"), str) or not cred["user_id"]:
        raise BadRequest("credential.user_id is required")
    if cred["user_id"] != p.account_id:  # each IAM user manages its own permanent access keys
        raise Forbidden("You are not authorized to create access keys for this user.")
    description = cred.get("description", "")
    if not isinstance(description, str) or len(description) > 255:
        raise BadRequest("credential.description must be a string of at most 255 characters")
    acct = accounts.get_account(p.username)
    if acct is None:
        raise NotFound("The user does not exist.")
    if len(list(SsCredential.gsi1.query(f"ACCT#{acct.username}#SSAK"))) >= MAX_KEYS:
        raise BadRequest(f"A user may have at most {MAX_KEYS} access keys.")
    access = secrets.token_hex(10).upper()
    secret = secrets.token_urlsafe(30)
    now = clock.now()
    item = SsCredential(f"SSAK#{access}", "K", access=access, username=acct.username, user_id=acct.account_id,
                        secret_sealed=sealing.seal(secret, context=f"ssak:{access}"), description=description,
                        created_at=int(now))
    item.gsi1pk, item.gsi1sk = f"ACCT#{acct.username}#SSAK", access
    store.create(item)
    audit.record(SURFACE, "create_credential", principal=p, resource=f"credential/{access}")
    return {"credential": {"access": access, "secret": secret, "user_id": acct.account_id, "status": "active",
                           "create_time": iso(now), "description": description}}


def credential(access: str) -> tuple[SsCredential, str] | None:
    """The credential and its secret, or None."""
    if not access or len(access) > 64 or not access.isalnum():
        return None
    item = store.get(SsCredential, f"SSAK#{access}", "K")
    if item is None or item.status != "active":
        return None
    return item, sealing.unseal(item.secret_sealed, context=f"ssak:{access}")
