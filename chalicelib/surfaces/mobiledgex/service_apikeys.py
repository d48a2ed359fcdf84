"""User API keys (catalog §3.2 #3, #6, #10).

A key is an :class:`MxApiKey` (``MXAPIKEY#<id>``/``K``; per user ``gsi1`` ``MXUSER#<luser>#KEYS``; all
keys ``gsi2`` ``MXAPIKEYS``) holding its org, description, its permissions (the internal role
``<id>-role``) and the digest of its secret; the secret is returned once. Clients log in with
``username=<Id>, password=<ApiKey>``; such sessions act with the key's permissions on the key's org and
may not create, show or delete keys.
"""
from __future__ import annotations

import uuid

from chalicelib.core.errors import BadRequest, Forbidden
from chalicelib.identity import accounts
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.mobiledgex import MxApiKey
from chalicelib.surfaces.mobiledgex import auth, identity, rbac, service_events
from chalicelib.surfaces.mobiledgex.common import go_time

LIMIT = 10


def keys_of(username: str) -> list[MxApiKey]:
    return list(MxApiKey.gsi1.query(f"MXUSER#{username.lower()}#KEYS"))


def all_keys() -> list[MxApiKey]:
    return list(MxApiKey.gsi2.query("MXAPIKEYS"))


def get_key(key_id: str) -> MxApiKey | None:
    return store.get(MxApiKey, f"MXAPIKEY#{key_id}", "K") if key_id and len(key_id) <= 64 else None


def role_name(key_id: str) -> str:
    return f"{key_id}-role"


def expanded(key: MxApiKey) -> list[dict]:
    """The key role's policies as upstream lists them: ``manage`` also grants ``view``."""
    seen: set[tuple[str, str]] = set()
    for perm in key.permissions or []:
        seen.add((perm["resource"], perm["action"]))
        if perm["action"] == rbac.M:
            seen.add((perm["resource"], rbac.V))
    return [{"role": role_name(key.key_id), "resource": r, "action": a} for r, a in sorted(seen)]


def _valid_perms(p: Principal, org: str) -> set[tuple[str, str]]:
    """(resource, action) pairs the caller holds on ``org`` (admins: on org "")."""
    out: set[tuple[str, str]] = set()
    for role_org, role in rbac.roles(p):
        if role_org.lower() != org.lower():
            continue
        for resource, action in rbac.role_perms(role):
            out.add((resource, action))
    return out


def _no_apikey_session(p: Principal, verb: str) -> None:
    if auth.is_apikey_session(p):
        raise Forbidden(f"ApiKey auth not allowed to {verb} API keys, please log in with user account")


def create(p: Principal, body: dict) -> dict:
    _no_apikey_session(p, "create")
    if len(keys_of(p.username)) >= LIMIT:
        raise BadRequest(f"User cannot create more than {LIMIT} API keys, please delete existing keys to "
                         "create new one")
    perms = body.get("permissions") or []
    if not perms:
        raise BadRequest("No permissions specified")
    admin = rbac.is_admin(p)
    org_name = body.get("Org", "")
    if not org_name and not admin:
        raise BadRequest("Org not specified")
    org = ""
    if org_name:
        rec = identity.get_org(org_name)
        if rec is None:
            raise BadRequest("Invalid org specified")
        org = rec.name
    valid = _valid_perms(p, "" if admin else org)
    listed = sorted(f"{r}:{a}" for r, a in valid)
    clean: list[dict] = []
    for perm in perms:
        resource, action = (perm or {}).get("resource", ""), (perm or {}).get("action", "")
        if action not in (rbac.V, rbac.M):
            raise BadRequest(f"Invalid action {action}, valid actions are {rbac.V}, {rbac.M}")
        if (resource, action) not in valid:
            raise BadRequest(f"Invalid permission specified: [{resource}:{action}], valid permissions "
                             f"(resource:action) are [{' '.join(listed)}]")
        if {"resource": resource, "action": action} not in clean:
            clean.append({"resource": resource, "action": action})
    key_id, secret = str(uuid.uuid4()), str(uuid.uuid4())
    now = go_time()
    key = MxApiKey(f"MXAPIKEY#{key_id}", "K", key_id=key_id, username=p.username, org=org,
                   description=body.get("Description", ""), secret_hash=accounts.digest_secret(secret),
                   permissions=[{"role": role_name(key_id), **c} for c in clean], created_at=now).index()
    store.create(key)
    service_events.record(p, "CreateUserApiKey", org, f"apikey/{key_id}")
    return {"Id": key_id, "Description": key.description, "Org": org, "CreatedAt": now, "ApiKey": secret,
            "permissions": expanded(key)}


def delete(p: Principal, body: dict) -> dict:
    _no_apikey_session(p, "delete")
    key_id = body.get("Id", "")
    if not key_id:
        raise BadRequest("Missing API key ID")
    key = get_key(key_id)
    if key is None:
        raise BadRequest("API key ID not found")
    if key.username.lower() != p.username.lower() and not rbac.is_admin(p, "users", rbac.M):
        raise Forbidden("Cannot delete other user's API key")
    store.delete(key)
    service_events.record(p, "DeleteUserApiKey", key.org, f"apikey/{key_id}")
    return {"message": "Deleted API Key successfully"}


def delete_all_of(username: str) -> None:
    for key in keys_of(username):
        store.delete(key)


def show(p: Principal, body: dict) -> list[dict]:
    _no_apikey_session(p, "show")
    super_ = rbac.is_admin(p, "users", rbac.V)
    key_id = body.get("Id", "")
    if key_id:
        key = get_key(key_id)
        if key is None:
            raise BadRequest("API key ID not found")
        keys = [key]
    else:
        keys = all_keys() if super_ else keys_of(p.username)
    out = []
    for key in sorted(keys, key=lambda k: (k.created_at, k.key_id)):
        if not super_ and key.username.lower() != p.username.lower():
            continue
        item = {"Id": key.key_id, "Description": key.description, "Org": key.org, "CreatedAt": key.created_at,
                "ApiKey": "", "permissions": expanded(key)}
        if super_:
            item["Username"] = key.username
        out.append(item)
    return out
