"""Who is calling MSAP: edgeplane's shared identity (``Authorization: Bearer <JWT>`` from ``POST
/edgeplane/v1/login``, or an edgeplane API key), mapped to an MSAP tenant.

The seed documents no scheme (catalog §4), so this is edgeplane's: an account that calls MSAP for the first time
becomes the *main account* of a new tenant; the main account adds *sub-accounts* (an edgeplane extension,
``POST /v1/tenant/createSubAccount``), which are the users that projects take as members. ``userId`` and
``tenantId`` are the integer numbers of the account and the tenant.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from chalicelib.core import clock
from chalicelib.core.errors import Conflict, Forbidden, Unauthenticated
from chalicelib.identity import accounts
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.models import Account, Tenant
from chalicelib.store.msap import MsAccount

SURFACE = "msap"
AUDIENCES = ["edgeplane", "msap"]


@dataclass(frozen=True)
class User:
    username: str
    user_num: int
    tenant: str       # tenant id (keys)
    tenant_num: int   # tenantId as MSAP shows it
    main: bool        # the tenant's main account: every right in the tenant
    real_name: str = ""
    org_name: str = ""


def _user(ms: MsAccount) -> User:
    return User(ms.username, int(ms.user_num), ms.tenant_id, int(ms.tenant_num), bool(ms.main),
                ms.real_name or ms.username, ms.org_name or "")


def get_ms_account(username: str) -> MsAccount | None:
    return store.get(MsAccount, MsAccount.key(username), "A") if username else None


def resolve(p: Principal) -> User:
    """The caller's MSAP identity; a first call makes the account the main account of a new tenant."""
    ms = get_ms_account(p.username)
    if ms is not None:
        return _user(ms)
    try:
        tenant = accounts.create_tenant(SURFACE, p.username, owner=p.username)
    except Conflict:  # a concurrent first call created it
        tenant = store.claimed_by(Tenant, f"tenant-name:{SURFACE}", p.username)
        if tenant is None:
            raise Unauthenticated("tenant not found") from None
    ms = MsAccount(MsAccount.key(p.username), "A", username=p.username, user_num=p.num, tenant_id=tenant.tenant_id,
                   tenant_num=int(tenant.num), main=True,
                   real_name=str((p.profile or {}).get("realName") or p.username), org_name="",
                   created_at=clock.now_s()).index()
    try:
        store.create(ms)
    except Conflict:
        ms = get_ms_account(p.username)
    return _user(ms)


def authenticate(ctx) -> Principal:
    p = accounts.authenticate_bearer(ctx.header("authorization"), AUDIENCES)
    user = resolve(p)
    return replace(p, profile=dict(p.profile or {}, msap=user))


def user_of(ctx) -> User:
    return ctx.principal.profile["msap"]


# ---------------------------------------------------------------- sub-accounts
def create_sub_account(owner: User, username: str, password: str, real_name: str, org_name: str) -> User:
    if not owner.main:
        raise Forbidden("只有主账号可以创建子账号")
    if accounts.get_account(username) is not None:
        raise Conflict("账号已存在")
    acct: Account = accounts.create_account(username, password, profile={"realName": real_name})
    ms = MsAccount(MsAccount.key(username), "A", username=username, user_num=int(acct.num), tenant_id=owner.tenant,
                   tenant_num=owner.tenant_num, main=False, real_name=real_name or username, org_name=org_name or "",
                   created_at=clock.now_s()).index()
    store.create(ms, conflict="账号已存在")
    return _user(ms)


def tenant_users(tenant: str):
    """The tenant's accounts (main and sub-accounts) in number order: one Query."""
    return MsAccount.gsi1.query(f"MSTENANT#{tenant}#USERS")


def user_by_num(tenant: str, num: int) -> User | None:
    for ms in MsAccount.gsi1.query(f"MSTENANT#{tenant}#USERS", MsAccount.gsi1sk == str(int(num)).zfill(20),
                                   limit=1):
        return _user(ms)
    return None


def user_by_name(tenant: str, username: str) -> User | None:
    ms = get_ms_account(username)
    if ms is None or ms.tenant_id != tenant:
        return None
    return _user(ms)
