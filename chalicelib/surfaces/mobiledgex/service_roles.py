"""Role assignments (catalog §3.2 #18-#23)."""
from __future__ import annotations

from chalicelib import audit
from chalicelib.core.errors import BadRequest, Forbidden
from chalicelib.identity.principal import Principal
from chalicelib.surfaces.mobiledgex import identity, passwords, rbac
from chalicelib.surfaces.mobiledgex.common import SURFACE


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
    audit.record(SURFACE, "AddUserRole", principal=p, resource=f"role/{org}/{user.name}/{role}")
    return {"message": "Role added to user"}
