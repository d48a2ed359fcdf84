"""Who may do what on ote-stack (catalog §4 "Roles and who may do what").

Roles are derived, never stored: 4 system administrator; 3 business administrator (admin of an approved
business); 2 general user (member of a business); 1 approved without business; 0 pending.
Everything a user owns lives in its business namespace; the system administrator works in ``default``.
"""
from __future__ import annotations

from dataclasses import dataclass

from chalicelib.core.errors import Forbidden
from chalicelib.identity import accounts
from chalicelib.identity.principal import Principal

AUDIENCES = ["otestack", "edgeplane"]
ROLE_SYSADMIN, ROLE_BUSINESS_ADMIN, ROLE_USER, ROLE_NO_BUSINESS, ROLE_PENDING = 4, 3, 2, 1, 0
SYSTEM_NAMESPACE = "default"


def authenticate(ctx) -> Principal:
    """The raw JWT in ``Authorization`` (a ``Bearer`` prefix and edgeplane API keys are tolerated)."""
    return accounts.authenticate_bearer(ctx.header("authorization"), AUDIENCES)


def role_of(p: Principal) -> int:
    if p.system_admin:
        return ROLE_SYSADMIN
    if p.status == "pending":
        return ROLE_PENDING
    if p.tenant_id:
        return ROLE_BUSINESS_ADMIN if p.role == "admin" else ROLE_USER
    return ROLE_NO_BUSINESS


def is_admin(p: Principal) -> bool:
    return role_of(p) >= ROLE_BUSINESS_ADMIN


def require_sysadmin(p: Principal) -> None:
    if not p.system_admin:
        raise Forbidden("only the system administrator may do this")


def require_admin(p: Principal) -> None:
    if not is_admin(p):
        raise Forbidden("User does not have permission of admin role")


@dataclass(frozen=True)
class Scope:
    """The namespace a request works in: a business tenant, or ``default`` for the system administrator."""
    tenant: str          # tenant id used in keys
    namespace: str       # Kubernetes namespace (ns<businessId> or default)
    business_id: int | None
    all_tenants: bool    # the system administrator reads every business


def scope_of(p: Principal) -> Scope:
    if p.system_admin:
        return Scope(SYSTEM_NAMESPACE, SYSTEM_NAMESPACE, None, True)
    if not p.tenant_id:
        raise Forbidden("user has no business namespace yet")
    num = int(p.profile.get("businessId") or 0) or None
    return Scope(p.tenant_id, f"ns{num}" if num else p.tenant_id, num, False)



def in_scope(index, sort_key, partition: str, number: int, scope: Scope):
    """The item with integer id ``number`` in a ``<partition>/<padded id>`` index, if the scope may see it."""
    from chalicelib.core import ids
    for item in index.query(partition, sort_key == ids.pad(number), limit=1):
        if scope.all_tenants or item.tenant == scope.tenant:
            return item
    return None
