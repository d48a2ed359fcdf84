"""Role assignments (catalog §3.2 #18-#23)."""
from __future__ import annotations

from chalicelib.core.errors import BadRequest, Forbidden
from chalicelib.identity.principal import Principal
from chalicelib.store.mobiledgex import MxRole
from chalicelib.surfaces.mobiledgex import identity, passwords, rbac, service_events


def add_user_role(p: Principal, body: dict) -> dict:
    org, username, role = body.get("org", ""), body.get("username", ""), body.get("role", "")
    if not username:
        raise BadRequest("Username not specified")
    if not role:
        raise BadRequest("Role not specified")
    if role not in rbac.PERMS:
        raise BadRequest(f"Role {role} does not exist")
    if role in rbac.ADMIN_ROLES:
        if org:
            raise BadRequest("Admin roles cannot be assigned to an organization")
        rbac.require_admin(p, "users", rbac.M)
    else:
        if not org:
            raise BadRequest("Org name must be specified for non-admin roles")
        target_org = identity.get_org(org)
        if target_org is None:
            if rbac.is_admin(p, "users", rbac.M):
                raise BadRequest(f"Organization {org} not found")
            raise Forbidden("Forbidden")
        rbac.require(p, target_org.name, "users", rbac.M)
        org = target_org.name
        wanted = rbac.DEVELOPER_ROLES if target_org.org_type == "developer" else rbac.OPERATOR_ROLES
        if role not in wanted and role != rbac.BILLING_MANAGER:
            raise BadRequest(f"Role {role} not allowed for org of type {target_org.org_type}")
    if username.lower() == org.lower():
        raise BadRequest("Username cannot be the same as org name")
    user = identity.get_user(username)
    if user is None:
        raise BadRequest(f"User {username} not found")
    if role in rbac.ADMIN_ROLES:
        crack = float((user.data or {}).get("PassCrackTimeSec") or 0)
        if crack < passwords.ADMIN_MIN_SECONDS:
            raise BadRequest("Target user password is too weak for an admin role, please have the user "
                             "change their password")
    identity.put_role(user.name, org, role)
    service_events.record(p, "AddUserRole", org, f"role/{org}/{user.name}/{role}",
                          tags={"username": user.name, "role": role})
    return {"message": "Role added to user"}


# ---------------------------------------------------------------- views
def _view(r: MxRole) -> dict:
    return {"org": r.org, "username": r.username, "role": r.role}


def _filtered(items: list[dict], body: dict, present: set[str], keys: tuple[str, ...]) -> list[dict]:
    """Present keys match exactly (``{"org": ""}`` selects the admin roles); other keys are ignored."""
    wanted = {k: body.get(k, "") for k in keys if k in present}
    return [i for i in items if all(i[k] == v for k, v in wanted.items())]


def _sorted(items: list[dict]) -> list[dict]:
    return sorted(items, key=lambda r: (r["org"].lower(), r["username"].lower(), r["role"]))


def all_assignments() -> list[MxRole]:
    return list(MxRole.gsi2.query("MXROLES"))


def show_role_assignment(p: Principal, body: dict, present: set[str]) -> list[dict]:
    """#19: the caller's own roles; users:view on org "" sees everybody's."""
    if rbac.is_admin(p, "users", rbac.V):
        items = [_view(r) for r in all_assignments()]
    else:
        items = [_view(r) for r in identity.roles_of(p.username)]
        key = p.profile.get("mx_key")
        if key:  # an API-key session holds exactly its key's role
            items = [{"org": key["org"], "username": key["id"], "role": key["role"]}]
    return _sorted(_filtered(items, body, present, ("org", "username", "role")))


def _key_roles() -> list[dict]:
    from chalicelib.surfaces.mobiledgex import service_apikeys
    return [perm for key in service_apikeys.all_keys() for perm in service_apikeys.expanded(key)]


def show_role_perm(p: Principal, body: dict, present: set[str]) -> list[dict]:
    """#20: the permission table; non-admins see neither the Admin roles nor API-key roles."""
    admin = rbac.is_admin(p, "users", rbac.V)
    items = []
    for role in rbac.ROLE_NAMES:
        if not admin and role in rbac.ADMIN_ROLES:
            continue
        items.extend({"role": role, "resource": r, "action": a} for r, a in rbac.role_perms(role))
    if admin:
        items.extend(_key_roles())
    return _filtered(items, body, present, ("role", "resource", "action"))


def show_role_names(p: Principal) -> list[str]:
    """#22: sorted; non-admins see neither the Admin roles nor API-key roles."""
    admin = rbac.is_admin(p, "users", rbac.V)
    names = {r for r in rbac.ROLE_NAMES if admin or r not in rbac.ADMIN_ROLES}
    if admin:
        names |= {perm["role"] for perm in _key_roles()}
    return sorted(names)


def show_user_role(p: Principal, body: dict, present: set[str]) -> list[dict]:
    """#23: assignments in the orgs where the caller holds users:view (API-key roles are never stored as
    assignments, so none can show)."""
    every, orgs = rbac.require_any(p, "users", rbac.V)  # 403 when the caller may view users nowhere
    if every:
        items = [_view(r) for r in all_assignments()]
    else:
        items = [_view(r) for org in orgs for r in identity.members(org)]
    return _sorted(_filtered(items, body, present, ("org", "username", "role")))


def remove_user_role(p: Principal, body: dict) -> dict:
    """#21: silently done when the assignment does not exist; the last manager of an org stays."""
    org, username, role = body.get("org", ""), body.get("username", ""), body.get("role", "")
    if not username:
        raise BadRequest("Username not specified")
    if not role:
        raise BadRequest("Role not specified")
    item = next((r for r in identity.roles_of(username) if r.org.lower() == org.lower() and r.role == role), None)
    if item is None:
        return {"message": "Role removed from user"}
    rbac.require(p, item.org, "users", rbac.M)
    if role in rbac.MANAGERS:
        same = [m for m in identity.members(item.org) if m.role == role]
        if len(same) < 2:
            raise BadRequest("Error: Cannot remove the last remaining manager of an org")
    identity.remove_role(item)
    service_events.record(p, "RemoveUserRole", item.org, f"role/{item.org}/{item.username}/{role}",
                          tags={"username": item.username, "role": role})
    return {"message": "Role removed from user"}
