"""The Master Controller's permission model (catalog §5.5).

A subject holds at most one role per org; a role is a set of (resource, action) pairs, ``manage``
implying ``view``. Admin roles are held on org ``""`` and satisfy a check for every org. API-key logins
act with the key's own permissions, on the key's org only. The caller's roles are read once per request
(one Query on the caller's role partition) and carried on the principal.
"""
from __future__ import annotations

from chalicelib.core.errors import Forbidden
from chalicelib.identity.principal import Principal

M, V = "manage", "view"
ADMIN_MANAGER, ADMIN_CONTRIBUTOR, ADMIN_VIEWER = "AdminManager", "AdminContributor", "AdminViewer"
DEV_MANAGER, DEV_CONTRIBUTOR, DEV_VIEWER = "DeveloperManager", "DeveloperContributor", "DeveloperViewer"
OP_MANAGER, OP_CONTRIBUTOR, OP_VIEWER = "OperatorManager", "OperatorContributor", "OperatorViewer"
BILLING_MANAGER = "BillingManager"
ADMIN_ROLES = (ADMIN_MANAGER, ADMIN_CONTRIBUTOR, ADMIN_VIEWER)
DEVELOPER_ROLES = (DEV_MANAGER, DEV_CONTRIBUTOR, DEV_VIEWER)
OPERATOR_ROLES = (OP_MANAGER, OP_CONTRIBUTOR, OP_VIEWER)
MANAGERS = (ADMIN_MANAGER, DEV_MANAGER, OP_MANAGER)

_COLUMNS = (ADMIN_MANAGER, ADMIN_CONTRIBUTOR, ADMIN_VIEWER, DEV_MANAGER, DEV_CONTRIBUTOR, DEV_VIEWER,
            OP_MANAGER, OP_CONTRIBUTOR, OP_VIEWER, BILLING_MANAGER)
_TABLE = """
users             M V V  M V V  M V V  M
billing           M V -  M - -  - - -  M
controllers       M - -  - - -  - - -  -
config            M - -  - - -  - - -  -
flavors           M - -  V V V  - - -  -
clusterflavors    M - -  V V V  - - -  -
restagtbl         M M V  - - -  M M V  -
apps              M M V  M M V  - - -  -
appinsts          M M V  M M V  - - -  -
clusters          M M V  M M V  - - -  -
clusterinsts      M M V  M M V  - - -  -
appanalytics      M M V  M M V  - - -  -
clusteranalytics  M M V  M M V  - - -  -
developerpolicy   M M V  M M V  - - -  -
artifacts         M M V  M M V  - - -  -
alert             M M V  M M V  M M V  -
cloudlets         M M V  V V V  M M V  -
cloudletanalytics M M V  - - -  M M V  -
cloudletpools     M M V  - - -  M M V  -
"""


def _parse() -> dict[str, dict[str, str]]:
    perms: dict[str, dict[str, str]] = {role: {} for role in _COLUMNS}
    for line in _TABLE.strip().splitlines():
        resource, *cells = line.split()
        for role, cell in zip(_COLUMNS, cells):
            if cell != "-":
                perms[role][resource] = M if cell == "M" else V
    return perms


PERMS = _parse()
ROLE_NAMES = tuple(sorted(PERMS))
RESOURCES = tuple(sorted({r for p in PERMS.values() for r in p}))


def role_perms(role: str) -> list[tuple[str, str]]:
    """(resource, action) pairs of a built-in role, as ShowRolePerm lists them (manage also lists view)."""
    out = []
    for resource, level in sorted(PERMS.get(role, {}).items()):
        out.append((resource, V))
        if level == M:
            out.append((resource, M))
    return out


def _grants(level: str | None, action: str) -> bool:
    return level == M or (level == V and action == V)


def _role_allows(p: Principal, role: str, resource: str, action: str) -> bool:
    custom = (p.profile.get("mx_key") or {}).get("role")
    if custom and role == custom:
        levels = {}
        for perm in p.profile["mx_key"].get("permissions", []):
            if perm.get("action") == M or levels.get(perm.get("resource")) != M:
                levels[perm.get("resource")] = perm.get("action")
        return _grants(levels.get(resource), action)
    return _grants(PERMS.get(role, {}).get(resource), action)


def roles(p: Principal) -> list[tuple[str, str]]:
    """(org, role) pairs of the caller; org ``""`` for admin roles."""
    return list(p.profile.get("mx_roles") or [])


def allowed(p: Principal, org: str, resource: str, action: str) -> bool:
    org_l = (org or "").lower()
    for role_org, role in roles(p):
        if (role_org == "" or role_org.lower() == org_l) and _role_allows(p, role, resource, action):
            return True
    return False


def is_admin(p: Principal, resource: str = "users", action: str = V) -> bool:
    """Holds the permission on org "" (what upstream's checks mean by admin)."""
    return any(o == "" and _role_allows(p, r, resource, action) for o, r in roles(p))


def is_admin_manager(p: Principal) -> bool:
    return any(o == "" and r == ADMIN_MANAGER for o, r in roles(p))


def require(p: Principal, org: str, resource: str, action: str) -> None:
    if not allowed(p, org, resource, action):
        raise Forbidden("Forbidden")


def require_admin(p: Principal, resource: str, action: str = M) -> None:
    if not is_admin(p, resource, action):
        raise Forbidden("Forbidden")


def visible_orgs(p: Principal, resource: str, action: str = V) -> tuple[bool, list[str]]:
    """(all orgs?, the orgs where the caller holds (resource, action)); Show filtering starts here."""
    if is_admin(p, resource, action):
        return True, []
    orgs = sorted({o for o, r in roles(p) if o and _role_allows(p, r, resource, action)})
    return False, orgs


def require_any(p: Principal, resource: str, action: str = V) -> tuple[bool, list[str]]:
    """Like :func:`visible_orgs`, but 403 when the caller holds the permission in no org at all."""
    every, orgs = visible_orgs(p, resource, action)
    if not every and not orgs:
        raise Forbidden("Forbidden")
    return every, orgs
