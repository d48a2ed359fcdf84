"""Git authorizations (6.1-6.6) and the credential a repository call runs with (``X-Repo-Auth``).

An authorization is an :class:`SsObj` of kind ``gitauth`` whose id is its name (unique per project, so
``X-Repo-Auth`` is one read); its secret (personal token, Bitbucket password, OAuth access/refresh token) is
sealed in ``extra`` with the project and name as context and is never returned or logged.

OAuth (6.2/6.3): the redirect URL carries a *state* signed with a key derived from the service secret, bound
to the project and repository type and valid 10 minutes; 6.3 checks it, spends it once (an ``SSGITSTATE#<nonce>``
marker per nonce, with a TTL), and exchanges the code through the provider. Client ids/secrets come from
``EDGEPLANE_EXTRA={"git_oauth": {"github": {"client_id": ..., "client_secret": ..., "redirect_uri": ...}}}``.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets as _secrets
from datetime import datetime, timezone
from urllib.parse import urlsplit

from chalicelib.core import clock
from chalicelib.core.config import settings
from chalicelib.core.errors import Conflict
from chalicelib.identity import sealing
from chalicelib.store import base as store
from chalicelib.store.servicestage import SsNonce
from chalicelib.surfaces.servicestage import gitproviders, objects
from chalicelib.surfaces.servicestage.gitproviders import errors
from chalicelib.surfaces.servicestage.gitproviders.base import Cred

KIND = "gitauth"
STATE_TTL = 600
MAX_AUTHS = 100
_NAME = re.compile(r"^[A-Za-z0-9\u4e00-\u9fa5][A-Za-z0-9_.\-\u4e00-\u9fa5]{0,63}$")
PERSONAL_TYPES = {"github", "gitlab", "gitee", "bitbucket", "edgeplane"}
PASSWORD_TYPES = {"bitbucket", "edgeplane"}


# ------------------------------------------------------------------ validation helpers
def text(body: dict, key: str, *, required: bool = True, max_len: int = 256, allow_empty: bool = False) -> str:
    value = body.get(key)
    if value is None:
        if required:
            raise errors.invalid(f"{key} is required")
        return ""
    if not isinstance(value, str):
        raise errors.invalid(f"{key} must be a string")
    if (not value and not allow_empty and required) or len(value) > max_len:
        raise errors.invalid(f"{key} must be 1 to {max_len} characters")
    return value


def check_name(name: str) -> str:
    if not _NAME.match(name or ""):
        raise errors.invalid("name must be 1 to 64 letters, digits, '_', '-' or '.', starting with a letter or digit")
    return name


def check_host(host: str) -> str:
    if not host:
        return ""
    parts = urlsplit(host)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise errors.invalid("host must be an http(s) URL without credentials")
    return host


# ------------------------------------------------------------------ views
def view(item) -> dict:
    d = item.data
    return {"name": d["name"], "repo_type": d["repo_type"], "repo_host": d["repo_host"],
            "repo_home": d.get("repo_home", ""), "repo_user": d.get("repo_user", ""),
            "avatar": d.get("avatar", ""), "avartar": d.get("avatar", ""), "token_type": d["token_type"],
            "create_time": int(item.create_ms), "update_time": int(item.update_ms), "status": int(d.get("status", 0)),
            "tag": d.get("tag")}


def _context(project: str, name: str) -> str:
    return f"gitauth:{project}:{name}"


def list_auths(project: str) -> dict:
    items, total = objects.page(project, KIND, objects.ListArgs(None, 0, "create_time", False))
    return {"authorizations": [view(i) for i in items], "count": total}


def _store(project: str, name: str, repo_type: str, stored_type: str, token_type: str, host: str,
           ident: dict, secret: dict, tag: str | None):
    if objects.count(project, KIND) >= MAX_AUTHS:
        raise errors.invalid(f"a project has at most {MAX_AUTHS} repository authorizations")
    data = {"name": name, "repo_type": stored_type, "provider": repo_type, "repo_host": host,
            "repo_home": ident.get("repo_home", ""), "repo_user": ident.get("repo_user", ""),
            "avatar": ident.get("avatar", ""), "token_type": token_type, "status": 0, "tag": tag}
    sealed = sealing.seal(json.dumps(secret), _context(project, name))
    item = objects.create(project, KIND, data, obj_id=name, name=name,
                          unique_name=(f"authorization {name} already exists", errors.EXISTS),
                          extra={"secret": sealed})
    return view(item)


def _exists(project: str, name: str) -> None:
    if objects.get(project, KIND, name) is not None:
        raise errors.exists(f"authorization {name} already exists")


def _create(project: str, actor: str, name: str, repo_type: str, token_type: str, host: str, secret: dict,
            tag: str | None = None) -> dict:
    stored_type = (repo_type or "").strip()
    key = gitproviders.normalize_type(stored_type)
    prov = gitproviders.provider(key, host)
    api = prov.api_base(host or None)
    cred = Cred(project=project, repo_type=prov.repo_type, host=api, token_type=token_type, actor=actor,
                token=secret.get("token", ""), user=secret.get("user", ""), password=secret.get("password", ""))
    if prov is gitproviders.EMBEDDED:
        cred.user = secret.get("user") or actor
    ident = prov.identity(cred)  # the host checks the credential (bad_auth when it refuses)
    if prov is gitproviders.EMBEDDED:
        secret = {**secret, "user": ident["repo_user"]}
    try:
        return _store(project, name, prov.repo_type, stored_type.lower(), token_type, api, ident, secret, tag)
    except Conflict:
        raise errors.exists(f"authorization {name} already exists") from None


def create_personal(project: str, actor: str, repo_type: str, body: dict) -> dict:
    name = check_name(text(body, "name", max_len=64))
    token = text(body, "token", max_len=4096)
    host = check_host(text(body, "host", required=False, max_len=512))
    if gitproviders.normalize_type(repo_type) not in PERSONAL_TYPES:
        raise errors.not_implemented(f"personal token authorization is not implemented for {repo_type}")
    _exists(project, name)
    return {"authorization": _create(project, actor, name, repo_type, "personal", host, {"token": token})}


def create_password(project: str, actor: str, repo_type: str, body: dict) -> dict:
    name = check_name(text(body, "name", max_len=64))
    user = text(body, "user", max_len=256)
    password = text(body, "password", max_len=1024)
    if gitproviders.normalize_type(repo_type) not in PASSWORD_TYPES:
        raise errors.not_implemented(f"password authorization is not implemented for {repo_type}")
    _exists(project, name)
    return {"authorization": _create(project, actor, name, repo_type, "password", "",
                                     {"user": user, "password": password})}


def delete_auth(project: str, name: str) -> None:
    item = objects.get(project, KIND, name)
    if item is None:
        raise errors.not_found(f"authorization {name} does not exist")
    objects.delete(item)


# ------------------------------------------------------------------ OAuth
def _oauth_config(key: str) -> dict:
    conf = (settings().extra.get("git_oauth") or {}).get(key) or {}
    if not conf.get("client_id") or not conf.get("client_secret"):
        raise errors.not_implemented(f"OAuth is not configured for {key}")
    return {"client_id": conf["client_id"], "client_secret": conf["client_secret"],
            "redirect_uri": conf.get("redirect_uri")
            or f"https://servicestage.local.edgeplane/servicestage/oauth?repo_type={key}"}


def _state_key() -> bytes:
    material = settings().data_key.encode()
    return hmac.new(material, b"servicestage-git-oauth-state", hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text_: str) -> bytes:
    return base64.urlsafe_b64decode(text_ + "=" * (-len(text_) % 4))


def make_state(project: str, key: str, tag: str | None) -> str:
    payload = _b64(json.dumps({"p": project, "t": key, "g": tag or "", "e": int(clock.now()) + STATE_TTL,
                               "n": _secrets.token_hex(12)}, separators=(",", ":")).encode())
    return payload + "." + _b64(hmac.new(_state_key(), payload.encode(), hashlib.sha256).digest())


def check_state(project: str, key: str, state: str) -> dict:
    payload, _, mac = (state or "").partition(".")
    try:
        good = hmac.compare_digest(_unb64(mac), hmac.new(_state_key(), payload.encode(), hashlib.sha256).digest())
        claims = json.loads(_unb64(payload)) if good else None
    except (ValueError, TypeError):
        claims = None
    if not isinstance(claims, dict) or claims.get("p") != project or claims.get("t") != key \
            or int(claims.get("e", 0)) < int(clock.now()):
        raise errors.bad_oauth()
    return claims


def redirect_url(project: str, repo_type: str, tag: str | None) -> dict:
    key = gitproviders.normalize_type(repo_type)
    prov = gitproviders.PROVIDERS[key]
    if not prov.oauth:
        raise errors.not_implemented(f"OAuth is not implemented for {repo_type}")
    conf = _oauth_config(key)
    return {"url": prov.oauth_url(make_state(project, key, tag), conf["redirect_uri"], conf["client_id"])}


def create_oauth(project: str, actor: str, repo_type: str, tag: str | None, body: dict) -> dict:
    name = check_name(text(body, "name", max_len=64))
    code = text(body, "code", max_len=1024)
    state = text(body, "state", max_len=2048)
    key = gitproviders.normalize_type(repo_type)
    prov = gitproviders.PROVIDERS[key]
    if not prov.oauth:
        raise errors.not_implemented(f"OAuth is not implemented for {repo_type}")
    claims = check_state(project, key, state)
    _exists(project, name)
    conf = _oauth_config(key)
    spent = SsNonce(f"SSGITSTATE#{claims['n']}", "N")  # the state is one-off (kept until it expires)
    spent.expires_at = datetime.fromtimestamp(int(claims["e"]) + 60, tz=timezone.utc)
    try:
        store.create(spent)
    except Conflict:
        raise errors.bad_oauth("the OAuth state was already used") from None
    secret = prov.exchange_code(code, conf["redirect_uri"], conf["client_id"], conf["client_secret"])
    return {"authorization": _create(project, actor, name, repo_type, "oauth", "", secret,
                                     tag or claims.get("g") or None)}


# ------------------------------------------------------------------ the credential of a repository call
STATUS_OK, STATUS_UNAUTHENTICATED = 0, 2


def set_status(project: str, name: str, status: int) -> None:
    """Record what the host said of a stored credential (6.1 ``status``: 0 normal, 2 unauthenticated)."""
    item = objects.get(project, KIND, name)
    if item is None or int(item.data.get("status", 0)) == status:
        return
    item.data["status"] = status
    try:
        objects.save(item)
    except Conflict:
        pass  # a concurrent writer recorded it
def credential(project: str, actor: str, name: str | None, *, with_status: bool = False):
    """(provider, credential[, stored status]) of the authorization ``name`` (the ``X-Repo-Auth`` header)."""
    if not name or len(name) > 64:
        raise errors.no_auth()
    item = objects.get(project, KIND, name)
    if item is None:
        raise errors.no_auth(f"repository authorization {name} does not exist")
    try:
        secret = json.loads(sealing.unseal(item.extra["secret"], _context(project, name)))
    except (KeyError, ValueError):
        raise errors.bad_auth() from None
    d = item.data
    prov = gitproviders.provider(d.get("provider") or d["repo_type"], d["repo_host"])
    cred = Cred(project=project, repo_type=prov.repo_type, host=d["repo_host"], token_type=d["token_type"],
                token=secret.get("token", ""), user=secret.get("user", ""), password=secret.get("password", ""),
                actor=actor)
    return (prov, cred, int(d.get("status", 0))) if with_status else (prov, cred)
