"""Organizations (catalog §3.2 #24-#27)."""
from __future__ import annotations

from chalicelib import audit
from chalicelib.core.errors import BadRequest, Forbidden
from chalicelib.identity.principal import Principal
from chalicelib.store.mobiledgex import MxOrg
from chalicelib.surfaces.mobiledgex import identity, rbac
from chalicelib.surfaces.mobiledgex.common import SURFACE, check_name

TYPES = ("developer", "operator")
RESERVED = ("edgecloudorg", "edgebox")


def view(org: MxOrg) -> dict:
    d = org.data or {}
    return {"Name": org.name, "Type": org.org_type, "Address": d.get("Address", ""), "Phone": d.get("Phone", ""),
            "CreatedAt": org.created_at, "UpdatedAt": org.updated_at, "PublicImages": bool(d.get("PublicImages")),
            "DeleteInProgress": bool(d.get("DeleteInProgress")), "Parent": d.get("Parent", ""),
            "EdgeboxOnly": bool(d.get("EdgeboxOnly"))}


def create(p: Principal, body: dict) -> dict:
    name = body.get("Name", "")
    check_name(name)
    org_type = body.get("Type", "")
    if org_type not in TYPES:
        raise BadRequest("Organization type must be developer, or operator")
    if name.lower() in RESERVED and not rbac.is_admin(p, "users", rbac.M):
        raise Forbidden("Not authorized to create reserved org " + name)
    if identity.get_user(name) is not None:
        raise BadRequest("org name cannot be same as existing user name")
    identity.create_org(name, org_type, {k: body[k] for k in ("Address", "Phone") if k in body}, p.username)
    audit.record(SURFACE, "CreateOrg", principal=p, resource=f"org/{name}")
    return {"message": "Organization created"}


def require_usable(p: Principal, org_name: str, org_type: str, resource: str, action: str = rbac.M) -> MxOrg:
    """The org a create names: must exist (403 for non-admins, no fishing), be of the right type and not
    be being deleted; then the permission check (catalog §5.5 "Org must exist")."""
    org = identity.get_org(org_name)
    if org is None:
        if rbac.is_admin(p, resource, action):
            raise BadRequest(f"Organization {org_name} not found")
        raise Forbidden("Forbidden")
    rbac.require(p, org.name, resource, action)
    if org.org_type != org_type:
        raise BadRequest(f"Operation for org {org.name} only allowed for orgs of type {org_type}")
    if (org.data or {}).get("DeleteInProgress"):
        raise BadRequest(f"Operation not allowed for org {org.name} with delete in progress")
    return org
