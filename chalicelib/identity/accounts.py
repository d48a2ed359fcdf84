"""Accounts, tenants and the authentication adapters that every surface plugs into.

One identity for all five APIs: a surface turns its own credential (raw JWT in ``Authorization``,
``access_token`` header, Bearer, API key, AK/SK signature) into a :class:`Principal` through one of
the ``authenticate_*`` functions here, then applies its own role rules.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets


from chalicelib.core import clock, ids
from chalicelib.core.config import settings
from chalicelib.core.errors import Conflict, Limit, NotFound, Unauthenticated, Unavailable
from chalicelib.core.logging import logger
from chalicelib.identity import passwords, tokens
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.models import Account, ApiKey, Tenant

MAX_FAILED_LOGINS = 5
LOCK_SECONDS = 300


# ---------------------------------------------------------------- accounts
def create_account(username: str, password: str | None, *, status: str = "active", system_admin: bool = False,
                   tenant_id: str | None = None, role: str | None = None, profile: dict | None = None,
                   unique: list[tuple[str, str]] | None = None) -> Account:
    now = clock.now_s()
    acct = Account(Account.key(username), "A", account_id=ids.new_id(), num=ids.next_int("account"),
                   username=username, password_hash=passwords.hash_password(password) if password else None,
                   status=status, system_admin=system_admin, tenant_id=tenant_id, role=role,
                   profile=profile or {}, created_at=now, updated_at=now)
    acct.index()
    counters = ["ACCTS"] + ([f"TENANT#{tenant_id}#ACCTS"] if tenant_id else ["TENANT#-#ACCTS"])
    return store.create(acct, unique=unique or [], counters=counters, conflict="user name already exists")


def get_account(username: str) -> Account | None:
    if not username:
        return None
    return store.get(Account, Account.key(username), "A")


def require_account(username: str) -> Account:
    acct = get_account(username)
    if acct is None:
        raise NotFound("user not found")
    return acct


def get_account_by_num(num: int) -> Account | None:
    for acct in Account.gsi1.query("ACCTS", Account.gsi1sk == ids.pad(num), limit=1):
        return acct
    return None


def save_account(acct: Account) -> Account:
    acct.updated_at = clock.now_s()
    acct.index()
    return store.save(acct)


def move_account(acct: Account, tenant_id: str | None, role: str | None) -> Account:
    """Change the tenant of an account, keeping per-tenant counters exact."""
    from chalicelib.store.base import Counter
    old = acct.tenant_id or "-"
    acct.tenant_id, acct.role = tenant_id, role
    acct.updated_at = clock.now_s()
    acct.index()
    def writes(tx):
        tx.save(acct)
        if old != (tenant_id or "-"):
            tx.update(Counter.key(f"TENANT#{old}#ACCTS"), actions=[Counter.n.add(-1)])
            tx.update(Counter.key(f"TENANT#{tenant_id or '-'}#ACCTS"), actions=[Counter.n.add(1)])
    try:
        store.transact(writes)
    except store.Cancelled as exc:
        raise Conflict("the user was changed concurrently, retry") from exc
    return acct


def delete_account(acct: Account, unique: list[tuple[str, str]] | None = None) -> None:
    store.delete(acct, unique=unique or [], counters=["ACCTS", f"TENANT#{acct.tenant_id or '-'}#ACCTS"])
    for key in ApiKey.gsi1.query(f"ACCT#{acct.username}#KEYS"):
        key.delete()


def set_password(acct: Account, password: str) -> Account:
    acct.password_hash = passwords.hash_password(password)
    return save_account(acct)


def check_password(acct: Account | None, password: str) -> bool:
    return passwords.verify_password(acct.password_hash if acct else None, password or "")


def authenticate_password(username: str, password: str, *, allowed_status=("active",)) -> Account:
    """Verify a password login; throttles repeated failures per account."""
    acct = get_account(username)
    now = clock.now_s()
    if acct is not None and int(acct.profile.get("locked_until", 0) or 0) > now:
        raise Limit("too many failed login attempts, try again later")
    if not check_password(acct, password):
        if acct is not None:
            _record_failure(acct, now)
        raise Unauthenticated("invalid user name or password")
    if acct.status not in allowed_status:
        raise Unauthenticated("user is not approved" if acct.status == "pending" else "user is not active")
    if acct.profile.get("failed_logins"):
        acct.profile.pop("failed_logins", None)
        acct.profile.pop("locked_until", None)
        _quiet_save(acct)
    if passwords.needs_rehash(acct.password_hash):
        acct.password_hash = passwords.hash_password(password)
        _quiet_save(acct)
    return acct


def _record_failure(acct: Account, now: int) -> None:
    failures = int(acct.profile.get("failed_logins", 0) or 0) + 1
    acct.profile["failed_logins"] = failures
    if failures >= MAX_FAILED_LOGINS:
        acct.profile["locked_until"] = now + LOCK_SECONDS
        acct.profile["failed_logins"] = 0
        logger.warning("login locked", extra={"user": acct.username})
    _quiet_save(acct)


def _quiet_save(acct: Account) -> None:
    try:
        save_account(acct)
    except (Conflict, Unavailable):
        pass  # bookkeeping only; never fail a login because of it


def principal_of(acct: Account, **extra) -> Principal:
    return Principal(username=acct.username, account_id=acct.account_id, num=int(acct.num),
                     system_admin=bool(acct.system_admin), tenant_id=acct.tenant_id, role=acct.role,
                     status=acct.status, profile=dict(acct.profile or {}), **extra)


# ---------------------------------------------------------------- tokens
def login(username: str, password: str, audience: str, **kw) -> tuple[str, int, Account]:
    acct = authenticate_password(username, password, **kw)
    token, exp = tokens.issue(acct.username, audience)
    return token, exp, acct


def authenticate_token(token: str, audiences: list[str], *, allowed_status=("active",)) -> Principal:
    claims = tokens.decode(token, audiences)
    acct = get_account(claims["sub"])
    if acct is None or acct.status not in allowed_status:
        raise Unauthenticated("invalid token")
    return principal_of(acct, method="jwt", token_id=claims["jti"], token_exp=int(claims["exp"]),
                        token_iat=int(claims.get("oat") or claims["iat"]), audience=claims["aud"],
                        raw_token=token)


def refresh(principal: Principal) -> tuple[str, int]:
    """A new token for a still-valid one, within the refresh window counted from the first issue."""
    first = principal.token_iat or clock.now_s()
    if clock.now_s() - first > settings().refresh_window_seconds:
        raise Unauthenticated("token can no longer be refreshed, log in again")
    token, exp = tokens.issue(principal.username, principal.audience or "edgeplane", first_issued=first)
    tokens.revoke(principal.token_id, principal.token_exp)
    return token, exp


def logout(principal: Principal) -> None:
    if principal.token_id:
        tokens.revoke(principal.token_id, principal.token_exp or clock.now_s())


# ---------------------------------------------------------------- API keys
API_KEY_PREFIX = "epk_"


def digest_secret(secret: str) -> str:
    # API key secrets are 256-bit random values: a keyed SHA-256 is the right tool (argon2 is for passwords).
    return hmac.new(settings().data_key.encode(), secret.encode(), hashlib.sha256).hexdigest()


def create_api_key(username: str, name: str = "") -> tuple[ApiKey, str]:
    require_account(username)
    key_id = ids.new_id()
    secret = secrets.token_urlsafe(32)
    item = ApiKey(f"APIKEY#{key_id}", "K", key_id=key_id, username=username, name=name,
                  secret_hash=digest_secret(secret), created_at=clock.now_s())
    item.gsi1pk, item.gsi1sk = f"ACCT#{username}#KEYS", key_id
    store.create(item)
    return item, f"{API_KEY_PREFIX}{key_id}.{secret}"


def list_api_keys(username: str) -> list[ApiKey]:
    return list(ApiKey.gsi1.query(f"ACCT#{username}#KEYS"))


def delete_api_key(username: str, key_id: str) -> None:
    item = store.get(ApiKey, f"APIKEY#{key_id}", "K")
    if item is None or item.username != username:
        raise NotFound("api key not found")
    item.delete()


def authenticate_api_key(raw: str) -> Principal:
    if not raw.startswith(API_KEY_PREFIX) or "." not in raw:
        raise Unauthenticated("invalid api key")
    key_id, secret = raw[len(API_KEY_PREFIX):].split(".", 1)
    item = store.get(ApiKey, f"APIKEY#{key_id}", "K") if key_id.isalnum() else None
    if item is None or not hmac.compare_digest(item.secret_hash, digest_secret(secret)):
        raise Unauthenticated("invalid api key")
    acct = get_account(item.username)
    if acct is None or acct.status != "active":
        raise Unauthenticated("invalid api key")
    return principal_of(acct, method="apikey", token_id=key_id)


def authenticate_bearer(header: str | None, audiences: list[str]) -> Principal:
    """``Authorization`` value → principal: a JWT (raw or ``Bearer``) or an edgeplane API key."""
    value = (header or "").strip()
    if value.lower().startswith("bearer "):
        value = value[7:].strip()
    if not value:
        raise Unauthenticated("missing token")
    if value.startswith(API_KEY_PREFIX):
        return authenticate_api_key(value)
    return authenticate_token(value, audiences)


# ---------------------------------------------------------------- tenants
def create_tenant(surface: str, name: str, *, owner: str | None = None, status: str = "active",
                  attrs: dict | None = None, tenant_id: str | None = None, num: int | None = None) -> Tenant:
    now = clock.now_s()
    num = num if num is not None else ids.next_int(f"tenant:{surface}")
    tenant = Tenant(f"TENANT#{tenant_id or ids.new_id()}", "T", num=num, surface=surface, name=name,
                    status=status, owner=owner, attrs=attrs or {}, created_at=now, updated_at=now)
    tenant.tenant_id = tenant.pk[len("TENANT#"):]
    tenant.index()
    return store.create(tenant, unique=[(f"tenant-name:{surface}", name)], counters=[f"TENANTS#{surface}"],
                        conflict="name already exists")


def get_tenant(tenant_id: str | None) -> Tenant | None:
    if not tenant_id:
        return None
    return store.get(Tenant, f"TENANT#{tenant_id}", "T")


def get_tenant_by_num(surface: str, num: int) -> Tenant | None:
    for t in Tenant.gsi1.query(f"TENANTS#{surface}", Tenant.gsi1sk == ids.pad(num), limit=1):
        return t
    return None


def save_tenant(tenant: Tenant) -> Tenant:
    tenant.updated_at = clock.now_s()
    tenant.index()
    return store.save(tenant)


# ---------------------------------------------------------------- bootstrap
def ensure_admin(username: str | None = None, password: str | None = None) -> tuple[Account, str | None]:
    """Create the system administrator on first start. Returns (account, generated password or None)."""
    username = username or settings().admin_user
    acct = get_account(username)
    if acct is not None:
        return acct, None
    generated = None
    if not password:
        password = settings().admin_password
    if not password:
        generated = password = secrets.token_urlsafe(12) + "Aa1"
    acct = create_account(username, password, status="active", system_admin=True, role="admin",
                          profile={"realName": "System Administrator", "isAdmin": True})
    return acct, generated
