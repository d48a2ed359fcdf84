"""EdgeGallery VM-application networks (group 19).

Keys: ``EgNetwork`` EG#APP#<appId>/NET#<networkId>; unique claim ``eg-net-name``/<appId>|<name>.
The three default networks of a VM application (catalog §3.9: ``MEC_`` + the pkg-spec network names) are
created with the application (:func:`service_apps.on_create`), so reads never write and a deleted default
never comes back; an application stored before that has no networks until the client creates some.
Deleting (or renaming) a network a VM port uses is refused (400, "Network is used by vm port").
"""
from __future__ import annotations

import re

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib import audit
from chalicelib.core import clock
from chalicelib.core.errors import BadRequest, Conflict, NotFound
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.base import Versioned
from chalicelib.store.edgegallery import EgApplication, app_pk
from chalicelib.surfaces.edgegallery import service_apps as apps
from chalicelib.surfaces.edgegallery.common import new_uuid, require_uuid

SURFACE = "edgegallery"
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
DEFAULTS = {
    None: ("MEC_APP_Private", "MEC_APP_Public", "MEC_APP_MP1"),
    "PKG_SPEC_SUPPORT_FIXED_FLAVOR": ("MEC_APP_N6", "MEC_APP_Internet", "MEC_APP_MP1"),
}
DESCRIPTIONS = {"MEC_APP_Private": "N6 network, the edge application's private plane",
                "MEC_APP_N6": "N6 network, the edge application's private plane",
                "MEC_APP_Public": "Internet network", "MEC_APP_Internet": "Internet network",
                "MEC_APP_MP1": "MP1 network, to the MEP"}


class EgNetwork(Versioned, discriminator="EgNetwork"):
    network_id = UnicodeAttribute()
    app_id = UnicodeAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    created_at = NumberAttribute()


def _unique(app_id: str, name: str) -> tuple[str, str]:
    return ("eg-net-name", f"{app_id}|{name}")


def view(n: EgNetwork) -> dict:
    return {"id": n.network_id, "name": n.name, "description": n.description or ""}


def _require_vm_app(app: EgApplication) -> EgApplication:
    if app.app_class != "VM":
        raise BadRequest("the application is not a VM application", code=20002)
    return app


def _insert(app: EgApplication, name: str, description: str) -> EgNetwork:
    nid = new_uuid()
    n = EgNetwork(app_pk(app.app_id), f"NET#{nid}", network_id=nid, app_id=app.app_id, name=name,
                  description=description, created_at=clock.now())
    store.create(n, unique=[_unique(app.app_id, name)], conflict=f"network {name} already exists")
    return n


@apps.on_create
def _create_defaults(app: EgApplication) -> None:
    """A new VM application gets the default networks of its package specification."""
    if app.app_class != "VM":
        return
    for name in DEFAULTS.get((app.fields or {}).get("pkgSpecId"), DEFAULTS[None]):
        _insert(app, name, DESCRIPTIONS.get(name, ""))


def networks(app: EgApplication) -> list[EgNetwork]:
    rows = list(EgNetwork.query(app_pk(app.app_id), EgNetwork.sk.startswith("NET#")))
    return sorted(rows, key=lambda n: (n.created_at, n.name))


def names(app: EgApplication) -> set[str]:
    return {n.name for n in networks(app)}


@apps.part("networkList", "detail")
def _part(app: EgApplication):
    return [view(n) for n in networks(app)] if app.app_class == "VM" else []


def _load(app: EgApplication, network_id: str) -> EgNetwork:
    require_uuid(network_id, "networkId")
    n = store.get(EgNetwork, app_pk(app.app_id), f"NET#{network_id}")
    if n is None:
        raise NotFound(f"network {network_id} not found", code=20007)
    return n


def _fields(body, *, creating: bool) -> dict:
    if not isinstance(body, dict):
        raise BadRequest("request body must be a JSON object", code=20001)
    out, errors = {}, []
    name = body.get("name")
    if creating or name is not None:
        if not isinstance(name, str) or not NAME_RE.match(name.strip()):
            errors.append("name is required: 1-64 letters, digits, '_', '.' or '-'")
        else:
            out["name"] = name.strip()
    desc = body.get("description")
    if desc is not None:
        if not isinstance(desc, str) or len(desc) > 256:
            errors.append("description must be a string of at most 256 characters")
        else:
            out["description"] = desc
    if errors:
        raise BadRequest("; ".join(errors), code=20002)
    return out


def _used(app: EgApplication, name: str) -> bool:
    from chalicelib.surfaces.edgegallery import service_vms
    return any(port.get("networkName") == name for vm in service_vms.vms(app) for port in (vm.ports or []))


# ---------------------------------------------------------------- 19.1–19.5
def list_networks(p: Principal, app_id: str) -> list[dict]:
    app = _require_vm_app(apps.visible(p, app_id))
    return [view(n) for n in networks(app)]


def get(p: Principal, app_id: str, network_id: str) -> dict:
    app = _require_vm_app(apps.visible(p, app_id))
    return view(_load(app, network_id))


def create(p: Principal, app_id: str, body) -> EgNetwork:
    app = _require_vm_app(apps.writable(p, app_id))
    f = _fields(body, creating=True)
    try:
        n = _insert(app, f["name"], f.get("description", ""))
    except Conflict:
        raise BadRequest(f"network {f['name']} already exists in this application", code=20004) from None
    audit.record(SURFACE, "create_network", principal=p, resource=f"application/{app_id}/network/{n.network_id}")
    return n


def apply_update(app: EgApplication, n: EgNetwork, f: dict) -> EgNetwork:
    new = f.get("name")
    if new and new != n.name:
        if _used(app, n.name):
            raise BadRequest("Network is used by vm port", code=20005)
        try:
            store.rename_unique(_unique(app.app_id, n.name), _unique(app.app_id, new), n)
        except Conflict:
            raise BadRequest(f"network {new} already exists in this application", code=20005) from None
        n.name = new
    if "description" in f:
        n.description = f["description"]
    return store.save(n)


def update(p: Principal, app_id: str, network_id: str, body) -> None:
    app = _require_vm_app(apps.writable(p, app_id))
    n = _load(app, network_id)
    apply_update(app, n, _fields(body, creating=False))
    audit.record(SURFACE, "update_network", principal=p, resource=f"application/{app_id}/network/{network_id}")


def remove(app: EgApplication, n: EgNetwork) -> None:
    if _used(app, n.name):
        raise BadRequest("Network is used by vm port", code=20006)
    store.delete(n, unique=[_unique(app.app_id, n.name)])


def delete(p: Principal, app_id: str, network_id: str) -> None:
    app = _require_vm_app(apps.writable(p, app_id))
    remove(app, _load(app, network_id))
    audit.record(SURFACE, "delete_network", principal=p, resource=f"application/{app_id}/network/{network_id}")


@apps.on_delete
def _cascade(app: EgApplication) -> None:
    """Release the name claims (the items themselves go with the application's partition)."""
    if app.app_class != "VM":
        return
    for n in EgNetwork.query(app_pk(app.app_id), EgNetwork.sk.startswith("NET#")):
        store.delete(n, unique=[_unique(app.app_id, n.name)])


# ---------------------------------------------------------------- PUT .../detail (networkList)
def detail_plan(app: EgApplication, items) -> list[tuple[EgNetwork | None, dict]]:
    """Validate a detail ``networkList`` without writing: each wanted network with the one it matches (by id,
    else by name; ``None``: to create). Refuses what the writes would refuse (a rename of a used network)."""
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise BadRequest("networkList must be an array of objects", code=20002)
    wanted = [dict(_fields(i, creating=True), id=i.get("id")) for i in items]
    if len({w["name"] for w in wanted}) != len(wanted):
        raise BadRequest("network names must be unique", code=20002)
    current = {n.network_id: n for n in networks(app)}
    by_name = {n.name: n for n in current.values()}
    plan, matched = [], set()
    for w in wanted:
        n = current.get(w["id"]) if isinstance(w["id"], str) else None
        n = n or by_name.get(w["name"])
        if n is not None and n.network_id in matched:
            raise BadRequest(f"networkList names network {n.name} twice", code=20002)
        if n is not None and n.name != w["name"]:
            if w["name"] in by_name:
                raise BadRequest(f"network {w['name']} already exists in this application", code=20005)
            if _used(app, n.name):
                raise BadRequest("Network is used by vm port", code=20005)
        if n is not None:
            matched.add(n.network_id)
        plan.append((n, w))
    return plan


def detail_names(plan: list[tuple[EgNetwork | None, dict]]) -> set[str]:
    """The application's network names once ``plan`` is written."""
    return {w["name"] for _, w in plan}


def detail_upsert(app: EgApplication, plan: list[tuple[EgNetwork | None, dict]]) -> set[str]:
    """Create/rename the networks of a :func:`detail_plan`; returns the ids to keep.

    The caller removes the others with :func:`detail_remove` once the VMs no longer use them."""
    keep: set[str] = set()
    for n, w in plan:
        if n is None:
            n = _insert(app, w["name"], w.get("description", ""))
        elif n.name != w["name"] or ("description" in w and w["description"] != n.description):
            apply_update(app, n, {k: w[k] for k in ("name", "description") if k in w})
        keep.add(n.network_id)
    return keep


def detail_remove(app: EgApplication, keep: set[str]) -> None:
    for n in networks(app):
        if n.network_id not in keep:
            remove(app, n)
