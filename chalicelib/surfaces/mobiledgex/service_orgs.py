"""Organizations (catalog §3.2 #24-#27)."""
from __future__ import annotations

from chalicelib.core.config import settings
from chalicelib.core.errors import BadRequest, Forbidden
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.mobiledgex import MxObj, MxOrg
from chalicelib.surfaces.mobiledgex import identity, rbac, service_events
from chalicelib.surfaces.mobiledgex.common import check_name, go_time

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
    service_events.record(p, "CreateOrg", name, f"org/{name}", tags={"org": name})
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


# ---------------------------------------------------------------- delete / show / update
# the JSON keys of the database object (ShowOrg: any other key is a 400)
ORG_KEYS = ("Name", "Type", "Address", "Phone", "CreatedAt", "UpdatedAt", "PublicImages", "DeleteInProgress",
            "Parent", "EdgeboxOnly")


def _regional_kinds() -> list:
    from chalicelib.surfaces.mobiledgex import kinds
    from chalicelib.surfaces.mobiledgex.regional import Kind
    seen, out = set(), []
    for value in vars(kinds).values():
        if isinstance(value, Kind) and value.name not in seen:
            seen.add(value.name)
            out.append(value)
    return sorted(out, key=lambda k: k.name)


def in_use(name: str) -> str | None:
    """Upstream's per-region check: the kinds of regional object the org owns (one item read per kind)."""
    errs = []
    for region in sorted(settings().mx_regions):
        used = []
        for kind in _regional_kinds():
            # the owner-org partition regional.query reads, one item at most
            if next(iter(MxObj.gsi1.query(f"MX#{region}#{kind.name}#ORG#{name.lower()}", limit=1)), None):
                used.append(kind.name)
        if used:
            errs.append(f"region {region}: in use by some {', '.join(used)}")
    if not errs:
        return None
    return f"Organization {name} in use or check failed: {'; '.join(errs)}"


def _mark(org: MxOrg, value: bool) -> MxOrg:
    org.data = {**(org.data or {}), "DeleteInProgress": value}
    return store.save(org)


def delete(p: Principal, body: dict) -> dict:
    """#25: users:manage on the org; refused while a region holds objects of the org; removes the org's
    role assignments. The org is marked DeleteInProgress during the check so no create slips in."""
    name = body.get("Name", "")
    if not name:
        raise BadRequest("Organization name not specified")
    rbac.require(p, name, "users", rbac.M)
    org = identity.get_org(name)
    if org is None:
        raise BadRequest(f"org {name} not found")
    if (org.data or {}).get("DeleteInProgress"):
        raise BadRequest("org already being deleted")
    org = _mark(org, True)
    try:
        problem = in_use(org.name)
        if problem is None and (org.data or {}).get("Parent"):
            problem = f"Organization is still part of Parent BillingOrganization {org.data['Parent']}"
    except Exception:
        _mark(org, False)
        raise
    if problem is not None:
        _mark(org, False)
        raise BadRequest(problem)
    for role in identity.members(org.name):
        identity.remove_role(role)
    store.delete(org, unique=[(identity.NAME_SCOPE, org.name.lower())])
    service_events.record(p, "DeleteOrg", org.name, f"org/{org.name}", tags={"org": org.name})
    return {"message": "Organization deleted"}


def show(p: Principal, body: dict, present: set[str]) -> list[dict]:
    """#26: admins (users:view on "") see all orgs, others the orgs where they hold a role; the keys present
    are exact filters (including "" and false)."""
    if rbac.is_admin(p, "users", rbac.V):
        orgs = list(MxOrg.gsi1.query("MXORGS"))
    else:
        names = sorted({o.lower() for o, _ in rbac.roles(p) if o})
        orgs = [o for o in (identity.get_org(n) for n in names) if o is not None]
    filt = {k: body.get(k, "") for k in present if "." not in k}
    out = []
    for org in orgs:
        v = view(org)
        if all(_same(k, v.get(k), want) for k, want in filt.items()):
            out.append(v)
    return sorted(out, key=lambda o: o["Name"].lower())


def _same(key: str, stored, wanted) -> bool:
    if key == "Name" and isinstance(wanted, str):
        return stored.lower() == wanted.lower()  # names are case-insensitive (citext upstream)
    if isinstance(stored, bool):
        return isinstance(wanted, bool) and stored == wanted
    return stored == wanted


def update(p: Principal, body: dict, present: set[str]) -> None:
    """#27: read-merge-write by Name; Type, CreatedAt, Parent, EdgeboxOnly cannot change."""
    name = body.get("Name", "")
    if not name:
        raise BadRequest("Organization name not specified")
    org = identity.get_org(name)
    if org is None:
        raise BadRequest("Organization not found")
    rbac.require(p, org.name, "users", rbac.M)
    old = view(org)
    for key, text in (("Type", "Cannot change Organization type"), ("CreatedAt", "Cannot update created at"),
                      ("EdgeboxOnly", "Cannot update edgeboxonly field for Organization"),
                      ("Parent", "Cannot update parent")):
        if key in present and key in body and body[key] != old[key]:
            raise BadRequest(text)
    data = dict(org.data or {})
    for key in ("Address", "Phone"):
        if key in present:
            data[key] = body.get(key) or ""
    if "PublicImages" in present and isinstance(body.get("PublicImages"), bool):
        data["PublicImages"] = body["PublicImages"]
    org.data = data
    org.updated_at = go_time()
    store.save(org)
    service_events.record(p, "UpdateOrg", org.name, f"org/{org.name}", tags={"org": org.name})
