"""Cloudlet pools (catalog §3.2 #56-#61): an operator's group of its own cloudlets.

A pool refers to its cloudlets (claimed references: a pooled cloudlet cannot be deleted, "Cloudlet in use by
CloudletPool {...}") and each member cloudlet keeps the names of its pools in ``extra["pools"]``, written in
the same transaction as the pool (:func:`regional.write_linked`): that list is what makes a cloudlet
private (:func:`service_cloudlets.usable_by`, ShowCloudlet for developers). ``extra["granted_orgs"]`` (the
developer orgs a pool is shared with) stays empty: the invitation API is not part of the seed (catalog
§7.10), so pooled cloudlets are usable by their operator only.
"""
from __future__ import annotations

from chalicelib.core.errors import BadRequest
from chalicelib.identity.principal import Principal
from chalicelib.store.mobiledgex import MxObj
from chalicelib.surfaces.mobiledgex import rbac, regional, service_cloudlets, service_events, service_orgs
from chalicelib.surfaces.mobiledgex.common import PLATFORM_ORG, REGIONAL_NAME, rfc3339nano
from chalicelib.surfaces.mobiledgex.kinds import CLOUDLET, CLOUDLET_POOL

# a transaction holds at most 100 operations; a member change costs three (cloudlet, counter, reference)
MAX_CHANGED_MEMBERS = 30
_RO = (("created_at", "CreatedAt.Seconds"), ("updated_at", "UpdatedAt.Seconds"), ("delete_prepare", "DeletePrepare"))


@regional.references("CloudletPool")
def _refs(data: dict) -> list[regional.Ref]:
    return [regional.Ref(CLOUDLET, c) for c in data.get("cloudlets") or []]


def _key(obj: dict) -> dict:
    key = obj.get("key") or {}
    org, name = key.get("organization", ""), key.get("name", "")
    if not REGIONAL_NAME.match(org):
        raise BadRequest("Invalid cloudlet pool organization")
    if not REGIONAL_NAME.match(name):
        raise BadRequest("Invalid cloudlet pool name")
    return {"organization": org, "name": name}


def _check_read_only(obj: dict) -> None:
    for field, go_name in _RO:
        if obj.get(field):
            raise BadRequest(f"Invalid field specified: {go_name}, this field is only for internal use")


def _member_key(pool_org: str, cloudlet: dict) -> dict:
    """A member cloudlet's key: its organization is always the pool's (upstream forces it)."""
    return regional.ordered_key("EdgeprotoCloudletKey", {
        "organization": pool_org, "name": (cloudlet or {}).get("name", ""),
        "federated_organization": (cloudlet or {}).get("federated_organization", "")})


def _members(pool_org: str, cloudlets: list) -> list[dict]:
    out, seen = [], set()
    for c in cloudlets or []:
        key = _member_key(pool_org, c)
        text = regional.key_text(key)
        if text not in seen:
            seen.add(text)
            out.append(key)
    return out


def _check_names(members: list[dict], quoted: bool = True) -> None:
    for key in members:
        if not REGIONAL_NAME.match(key.get("name", "")):
            raise BadRequest(f"Invalid Cloudlet name \"{key.get('name', '')}\"" if quoted else "Invalid Cloudlet name")


def _check_no_foreign_instances(region: str, members: list[dict], help_text: str) -> None:
    """Upstream refuses to pool a cloudlet where developers outside the pool run instances."""
    for key in members:
        foreign = [o for o in service_cloudlets.orgs_on_cloudlet(region, key) if o.lower() != PLATFORM_ORG]
        if foreign:
            raise BadRequest(f"Cannot add cloudlet {key['name']} to CloudletPool because it has AppInsts/"
                             f"ClusterInsts from developer {', '.join(sorted(foreign))}, which are not authorized "
                             f"to deploy to the CloudletPool. {help_text}.")


def _cloudlets(region: str, members: list[dict]) -> dict[str, MxObj]:
    """The member cloudlet items by key text; 400 "Cloudlets ... not found" naming every missing one."""
    found, missing = {}, []
    for key in members:
        item = regional.get(CLOUDLET, region, key)
        if item is None:
            missing.append(regional.key_text(key))
        else:
            service_cloudlets.check_not_deleting(item)
            found[item.key_str] = item
    if missing:
        raise BadRequest(f"Cloudlets {', '.join(missing)} not found")
    return found


def _relink(items: list[MxObj], pool_name: str, *, add: bool) -> list[MxObj]:
    for item in items:
        extra = dict(item.extra or {})
        pools = [n for n in extra.get("pools") or [] if n != pool_name]
        if add:
            pools.append(pool_name)
        extra["pools"] = sorted(pools)
        extra.setdefault("granted_orgs", [])
        item.extra = extra
    return items


def _write(region: str, old: MxObj | None, data: dict | None, pool_name: str, before: list[dict],
           after: list[dict]) -> None:
    """One transaction: the pool, its references, and the pool list on every cloudlet that joins or leaves."""
    before_t = {regional.key_text(k) for k in before}
    after_t = {regional.key_text(k) for k in after}
    joining = [k for k in after if regional.key_text(k) not in before_t]
    leaving = [k for k in before if regional.key_text(k) not in after_t]
    if len(joining) + len(leaving) > MAX_CHANGED_MEMBERS:
        raise BadRequest(f"Too many cloudlet changes in one request, at most {MAX_CHANGED_MEMBERS} are supported")
    joined = list(_cloudlets(region, joining).values())
    left = [i for i in (regional.get(CLOUDLET, region, k) for k in leaving) if i is not None]
    regional.write_linked(CLOUDLET_POOL, region, old, data,
                          rewrite=_relink(joined, pool_name, add=True) + _relink(left, pool_name, add=False))


def _view(data: dict) -> dict:
    return {k: v for k, v in data.items() if v not in (None, "", [], {}, False)}


def create(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    key = (obj.get("key") or {})
    service_orgs.require_usable(p, key.get("organization", ""), "operator", "cloudletpools")
    members = _members(key.get("organization", ""), obj.get("cloudlets"))
    _check_names(members)
    _check_no_foreign_instances(region, members, "To include them as part of the pool, first create an empty "
                                "pool, invite the developer to the pool, then add the cloudlet to the pool")
    key = _key(obj)
    _check_read_only(obj)
    if regional.get(CLOUDLET_POOL, region, key) is not None:
        raise BadRequest(f"CloudletPool key {CLOUDLET_POOL.key_str(key, is_key=True)} already exists")
    _cloudlets(region, members)
    now = rfc3339nano()
    data = {"key": key, "cloudlets": members, "created_at": now, "updated_at": now}
    _write(region, None, data, key["name"], [], members)
    service_events.record(p, "CreateCloudletPool", key["organization"],
                          f"{region}/cloudletpool/{regional.key_text(key)}", region=region)
    return {}


def delete(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    key = _key(obj)
    rbac.require(p, key["organization"], "cloudletpools", rbac.M)
    _check_read_only(obj)
    item = regional.require(CLOUDLET_POOL, region, key)
    _write(region, item, None, item.data["key"]["name"], list(item.data.get("cloudlets") or []), [])
    service_events.record(p, "DeleteCloudletPool", item.org, f"{region}/cloudletpool/{item.key_str}", region=region)
    return {}


def _change_members(p: Principal, region: str, item: MxObj, after: list[dict], op: str) -> dict:
    before = list(item.data.get("cloudlets") or [])
    data = {**item.data, "cloudlets": after, "updated_at": rfc3339nano()}
    _write(region, item, data, item.data["key"]["name"], before, after)
    service_events.record(p, op, item.org, f"{region}/cloudletpool/{item.key_str}", region=region)
    return {}


def _unchanged(p: Principal, region: str, item: MxObj, op: str) -> dict:
    service_events.record(p, op, item.org, f"{region}/cloudletpool/{item.key_str}", region=region)
    return {}


def update(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    key = _key(obj)
    rbac.require(p, key["organization"], "cloudletpools", rbac.M)
    _check_read_only(obj)
    other = sorted({f.split(".")[0] for f in present} - {"key", "cloudlets", "fields"} - {f for f, _ in _RO})
    if other:  # every field of the schema is key, cloudlets or read-only; kept for safety
        raise BadRequest(f"Specified field(s) {','.join(other)} cannot be modified")
    item = regional.require(CLOUDLET_POOL, region, key)
    if "cloudlets" not in present:
        return _unchanged(p, region, item, "UpdateCloudletPool")
    after = _members(key["organization"], obj.get("cloudlets"))
    _check_names(after)
    current = {regional.key_text(k) for k in item.data.get("cloudlets") or []}
    _check_no_foreign_instances(region, [k for k in after if regional.key_text(k) not in current],
                                "Please invite the developer first, or remove the developer from the Cloudlet")
    if [regional.key_text(k) for k in after] == [regional.key_text(k) for k in item.data.get("cloudlets") or []]:
        return _unchanged(p, region, item, "UpdateCloudletPool")
    _cloudlets(region, after)
    return _change_members(p, region, item, after, "UpdateCloudletPool")


def _member(obj: dict) -> tuple[dict, dict]:
    cloudlet = obj.get("cloudlet") or {}
    if not REGIONAL_NAME.match(cloudlet.get("name", "")):
        raise BadRequest("Invalid Cloudlet name")
    key = _key(obj)
    return key, _member_key(key["organization"], cloudlet)


def add_member(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    key, member = _member(obj)
    rbac.require(p, key["organization"], "cloudletpools", rbac.M)
    _check_no_foreign_instances(region, [member],
                                "Please invite the developer first, or remove the developer from the Cloudlet")
    item = regional.require(CLOUDLET_POOL, region, key)
    current = list(item.data.get("cloudlets") or [])
    if regional.key_text(member) in {regional.key_text(k) for k in current}:
        raise BadRequest("Cloudlet already part of pool")
    return _change_members(p, region, item, current + [member], "AddCloudletPoolMember")


def remove_member(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    key, member = _member(obj)
    rbac.require(p, key["organization"], "cloudletpools", rbac.M)
    item = regional.require(CLOUDLET_POOL, region, key)
    current = list(item.data.get("cloudlets") or [])
    after = [k for k in current if regional.key_text(k) != regional.key_text(member)]
    if len(after) == len(current):
        return _unchanged(p, region, item, "RemoveCloudletPoolMember")  # upstream: no change, no error
    return _change_members(p, region, item, after, "RemoveCloudletPoolMember")


def show(p: Principal, region: str, obj: dict, present: set[str]) -> list[dict]:
    every, orgs = rbac.require_any(p, "cloudletpools", rbac.V)
    return [_view(i.data) for i in regional.show(CLOUDLET_POOL, region, obj, None if every else orgs)]


def pool_cloudlets(region: str, operator_orgs) -> list[str]:
    """Key texts of the cloudlets in the pools of ``operator_orgs`` (one Query per org): operators see the
    ClusterInsts/AppInsts on these (catalog §5.5 "Show filtering")."""
    out = set()
    for pool in regional.query(CLOUDLET_POOL, region, list(operator_orgs)):
        for key in pool.data.get("cloudlets") or []:
            out.add(CLOUDLET.key_str(key, is_key=True))
    return sorted(out)
