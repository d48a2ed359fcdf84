"""EdgeGallery VM flavors (group 9): create, list, get, delete (no update, as upstream).

Keys: ``EG#FLAVOR/F#<id>`` (platform-wide); unique claim ``eg-flavor-name``/<name>.
Default flavors (``flavors.json`` next to this module, fixed ids) are created lazily on the first read:
a marker item ``EG#FLAVOR/SEEDED`` written with a condition makes the seeding happen once, so a deleted
default never comes back and no bootstrap call is needed (:func:`ensure_defaults` may still be called).
Create: any writer (tenant or admin); delete: its creator or an administrator (defaults: administrators).
"""
from __future__ import annotations

import json
import os

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError

from chalicelib import audit
from chalicelib.core import clock
from chalicelib.core.errors import BadRequest, Conflict, Forbidden, NotFound
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.base import Entity
from chalicelib.surfaces.edgegallery import auth
from chalicelib.surfaces.edgegallery.common import new_uuid, require_uuid

SURFACE = "edgegallery"
PK = "EG#FLAVOR"
ARCHITECTURES = ("X86", "ARM64", "ARM32")
DEFAULTS_FILE = os.path.join(os.path.dirname(__file__), "flavors.json")


class EgFlavor(Entity, discriminator="EgFlavor"):
    flavor_id = UnicodeAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    architecture = UnicodeAttribute()
    cpu = NumberAttribute()
    memory = NumberAttribute()
    system_disk_size = NumberAttribute()
    data_disk_size = NumberAttribute(default=0)
    gpu_extra_info = UnicodeAttribute(default="")
    other_extra_info = UnicodeAttribute(default="")
    user_id = UnicodeAttribute(null=True)    # None for the defaults
    created_at = NumberAttribute()


class EgFlavorSeed(Entity, discriminator="EgFlavorSeed"):
    at = NumberAttribute()


def _unique(name: str) -> tuple[str, str]:
    return ("eg-flavor-name", name.lower())


def ensure_defaults() -> None:
    """Create the default flavors once (idempotent, safe under concurrency): one GetItem when done.

    Defaults have fixed ids, so concurrent seeders collide harmlessly; the marker is written last, so a
    seeding cut short is completed by the next read."""
    if store.get(EgFlavorSeed, PK, "SEEDED") is not None:
        return
    with open(DEFAULTS_FILE, encoding="utf-8") as fh:
        rows = json.load(fh)
    for row in rows:
        try:
            _insert(row["id"], _fields(row), None)
        except Conflict:
            pass
    try:
        EgFlavorSeed(PK, "SEEDED", at=clock.now()).save(condition=Entity.pk.does_not_exist())
    except PutError:
        pass


def _fields(body: dict) -> dict:
    errors = []
    for k in ("name", "description", "architecture", "gpuExtraInfo", "otherExtraInfo"):
        if body.get(k) is not None and not isinstance(body[k], str):
            errors.append(f"{k} must be a string")
    for k in ("cpu", "memory", "systemDiskSize", "dataDiskSize"):
        v = body.get(k)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int)):
            errors.append(f"{k} must be an integer")
    if errors:
        raise BadRequest("; ".join(errors), code=20002)
    name = (body.get("name") or "").strip()
    if not 1 <= len(name) <= 128:
        errors.append("name must be 1-128 characters")
    if body.get("architecture") not in ARCHITECTURES:
        errors.append("architecture must be X86, ARM64 or ARM32")
    if not isinstance(body.get("cpu"), int) or not 1 <= body["cpu"] <= 1024:
        errors.append("cpu must be 1..1024")
    if not isinstance(body.get("memory"), int) or not 1 <= body["memory"] <= 65536:
        errors.append("memory must be 1..65536 (GB)")
    if not isinstance(body.get("systemDiskSize"), int) or not 1 <= body["systemDiskSize"] <= 65536:
        errors.append("systemDiskSize must be 1..65536 (GB)")
    if not 0 <= (body.get("dataDiskSize") or 0) <= 65536:
        errors.append("dataDiskSize must be 0..65536 (GB)")
    for k, n in (("description", 1024), ("gpuExtraInfo", 1024), ("otherExtraInfo", 1024)):
        if len(body.get(k) or "") > n:
            errors.append(f"{k} must be at most {n} characters")
    if errors:
        raise BadRequest("; ".join(errors), code=20002)
    return {"name": name, "description": body.get("description") or "", "architecture": body["architecture"],
            "cpu": body["cpu"], "memory": body["memory"], "system_disk_size": body["systemDiskSize"],
            "data_disk_size": body.get("dataDiskSize") or 0, "gpu_extra_info": body.get("gpuExtraInfo") or "",
            "other_extra_info": body.get("otherExtraInfo") or ""}


def _insert(fid: str, f: dict, user_id: str | None) -> EgFlavor:
    fl = EgFlavor(PK, f"F#{fid}", flavor_id=fid, user_id=user_id, created_at=clock.now(), **f)
    store.create(fl, unique=[_unique(f["name"])], conflict="a flavor with this name already exists")
    return fl


def view(f: EgFlavor) -> dict:
    return {"id": f.flavor_id, "name": f.name, "description": f.description, "architecture": f.architecture,
            "cpu": int(f.cpu), "memory": int(f.memory), "systemDiskSize": int(f.system_disk_size),
            "dataDiskSize": int(f.data_disk_size or 0), "gpuExtraInfo": f.gpu_extra_info,
            "otherExtraInfo": f.other_extra_info}


def list_all() -> list[dict]:
    ensure_defaults()
    return [view(f) for f in EgFlavor.query(PK, EgFlavor.sk.startswith("F#"))]


def load(flavor_id: str) -> EgFlavor | None:
    return store.get(EgFlavor, PK, f"F#{flavor_id}")


def get(flavor_id: str) -> EgFlavor:
    """The flavor or 404 (for other groups too, e.g. VMs referencing ``flavorId``)."""
    require_uuid(flavor_id, "flavorId")
    ensure_defaults()
    f = load(flavor_id)
    if f is None:
        raise NotFound(f"flavor {flavor_id} not found", code=20007)
    return f


def create(p: Principal, body: dict) -> EgFlavor:
    auth.require_writer(p)
    ensure_defaults()
    f = _fields(body)
    fid = new_uuid()
    fl = _insert(fid, f, p.account_id)
    audit.record(SURFACE, "create_flavor", principal=p, resource=f"flavor/{fid}")
    return fl


def delete(p: Principal, flavor_id: str) -> None:
    auth.require_writer(p)
    f = get(flavor_id)
    if not auth.is_admin(p) and f.user_id != p.account_id:
        raise Forbidden("Cannot delete a flavor created by others", code=20015)
    store.delete(f, unique=[_unique(f.name)])
    audit.record(SURFACE, "delete_flavor", principal=p, resource=f"flavor/{flavor_id}")
