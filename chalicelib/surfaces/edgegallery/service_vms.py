"""EdgeGallery VMs of a VM application (group 12) and their runtime state (written by group 22).

Keys: ``EgVm`` EG#APP#<appId>/VM#<vmId>; unique claim ``eg-vm-name``/<appId>|<name>.
``imageId``/``targetImageId`` are VM image integer ids (service_vmimages); port ``networkName`` must name a
network of the application (service_networks). The first VM moves the application CREATED → CONFIGURED.
``vmInstantiateInfo``/``imageExportInfo`` are written by :mod:`workflows_vm` (22.1/22.4) and removed by
clean-env (24.1, :func:`clean_env`) and VM deletion.

A ``vmCertificate`` password is stored sealed (:mod:`chalicelib.identity.sealing`) and never returned: the
views carry ``password: null`` (as MEP host secrets do); a PUT without a password keeps the stored one, so a
client may send back what it read. Server-side steps that log into the VM read it with :func:`credentials`.
"""
from __future__ import annotations

import re

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib import audit
from chalicelib.core import clock
from chalicelib.core.errors import BadRequest, Conflict, NotFound
from chalicelib.identity import sealing
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.base import Versioned
from chalicelib.store.edgegallery import EgApplication, app_pk
from chalicelib.surfaces.edgegallery import service_apps as apps
from chalicelib.surfaces.edgegallery import service_networks as nets
from chalicelib.surfaces.edgegallery import service_vmimages as images
from chalicelib.surfaces.edgegallery.common import new_uuid, require_uuid

SURFACE = "edgegallery"
STATUSES = ("NOT_DEPLOY", "DEPLOYED", "EXPORTED")
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
CERT_TYPES = ("PASSWORD", "KEYPAIR")
USER_DATA_MAX = 64 * 1024


class EgVm(Versioned, discriminator="EgVm"):
    vm_id = UnicodeAttribute()
    app_id = UnicodeAttribute()
    name = UnicodeAttribute()
    status = UnicodeAttribute(default="NOT_DEPLOY")
    fields = JSONAttribute(default=dict)     # flavorId, imageId, targetImageId, vmCertificate, userData, areaZone,
                                             # flavorExtraSpecs
    ports = JSONAttribute(default=list)      # [{id, name, description, networkName}]
    instantiate = JSONAttribute(null=True)   # vmInstantiateInfo
    export = JSONAttribute(null=True)        # imageExportInfo
    created_at = NumberAttribute()
    updated_at = NumberAttribute()


def _unique(app_id: str, name: str) -> tuple[str, str]:
    return ("eg-vm-name", f"{app_id}|{name}")


def _certificate_view(cert: dict | None) -> dict | None:
    """The documented vmCertificate shape, with the password left out (``null``)."""
    if not cert:
        return None
    pwd = cert.get("pwdCertificate")
    return {"certificateType": cert.get("certificateType"),
            "pwdCertificate": {"username": pwd.get("username"), "password": None} if pwd else None,
            "keyPairCertificate": dict(cert["keyPairCertificate"]) if cert.get("keyPairCertificate") else None}


def view(vm: EgVm) -> dict:
    f = dict(vm.fields or {})
    return {"id": vm.vm_id, "name": vm.name, "flavorId": f.get("flavorId"), "imageId": f.get("imageId"),
            "targetImageId": f.get("targetImageId"), "vmCertificate": _certificate_view(f.get("vmCertificate")),
            "userData": f.get("userData"), "portList": [dict(p) for p in (vm.ports or [])], "status": vm.status,
            "areaZone": f.get("areaZone"), "flavorExtraSpecs": f.get("flavorExtraSpecs"),
            "vmInstantiateInfo": dict(vm.instantiate) if vm.instantiate else None,
            "imageExportInfo": dict(vm.export) if vm.export else None}


def credentials(vm: EgVm) -> tuple[str | None, str | None]:
    """The VM's password certificate (user name, password) in clear, for steps that log into the VM."""
    pwd = ((vm.fields or {}).get("vmCertificate") or {}).get("pwdCertificate") or {}
    sealed = pwd.get("passwordSealed")
    return pwd.get("username"), sealing.unseal(sealed, _seal_context(vm.app_id)) if sealed else None


def _seal_context(app_id: str) -> str:
    return f"edgegallery/app/{app_id}/vm-password"


def vms(app: EgApplication) -> list[EgVm]:
    """The application's VMs in creation order (for the package generator too)."""
    rows = list(EgVm.query(app_pk(app.app_id), EgVm.sk.startswith("VM#")))
    return sorted(rows, key=lambda v: (v.created_at, v.vm_id))


@apps.part("vmList", "detail")
def _part(app: EgApplication):
    return [view(v) for v in vms(app)] if app.app_class == "VM" else []


def _vm_app(app: EgApplication) -> EgApplication:
    if app.app_class != "VM":
        raise BadRequest("the application is not a VM application", code=20002)
    return app


def load(app: EgApplication, vm_id: str) -> EgVm:
    require_uuid(vm_id, "vmId")
    vm = store.get(EgVm, app_pk(app.app_id), f"VM#{vm_id}")
    if vm is None:
        raise NotFound(f"vm {vm_id} not found", code=20007)
    return vm


def save(vm: EgVm) -> EgVm:
    vm.updated_at = clock.now()
    return store.save(vm, conflict="the vm was changed concurrently, retry")


# ---------------------------------------------------------------- validation
def _image_id(p: Principal, value, name: str):
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise BadRequest(f"{name} must be a positive integer", code=20002)
    images.usable(p, value)
    return value


def _flavor(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadRequest("flavorId is required", code=20003)
    from chalicelib.surfaces.edgegallery import service_flavors
    getter = getattr(service_flavors, "get_flavor", None) or getattr(service_flavors, "get", None)
    if getter is not None:
        try:
            getter(value)
        except NotFound:
            raise BadRequest(f"flavor {value} does not exist", code=20007) from None
        except BadRequest:
            raise BadRequest(f"flavor {value} does not exist", code=20007) from None
    return value


def _certificate(app: EgApplication, value, old: dict | None):
    """The certificate as stored (password sealed); no password in ``value`` keeps the stored one of ``old``."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise BadRequest("vmCertificate must be an object", code=20002)
    ctype = value.get("certificateType")
    if ctype not in CERT_TYPES:
        raise BadRequest("vmCertificate.certificateType must be PASSWORD or KEYPAIR", code=20002)
    out = {"certificateType": ctype, "pwdCertificate": None, "keyPairCertificate": None}
    pwd, key = value.get("pwdCertificate"), value.get("keyPairCertificate")
    if ctype == "PASSWORD":
        if not isinstance(pwd, dict) or not isinstance(pwd.get("username"), str) or not pwd["username"]:
            raise BadRequest("pwdCertificate needs username and password", code=20002)
        password = pwd.get("password")
        kept = ((old or {}).get("pwdCertificate") or {}).get("passwordSealed")
        if isinstance(password, str) and password:
            sealed = sealing.seal(password, _seal_context(app.app_id))
        elif password in (None, "") and kept:
            sealed = kept
        else:
            raise BadRequest("pwdCertificate needs username and password", code=20002)
        out["pwdCertificate"] = {"username": pwd["username"], "passwordSealed": sealed}
    else:
        if not isinstance(key, dict) or not isinstance(key.get("keyPairId"), str) or not key.get("keyPairId"):
            raise BadRequest("keyPairCertificate needs keyPairId", code=20002)
        out["keyPairCertificate"] = {"keyPairId": key["keyPairId"]}
    return out


def _ports(value, network_names: set[str], old: list[dict] | None = None) -> list[dict]:
    if value is None:
        return list(old or [])
    if not isinstance(value, list) or not all(isinstance(p, dict) for p in value):
        raise BadRequest("portList must be an array of objects", code=20002)
    old_ids = {p.get("id") for p in old or []}
    out = []
    for p in value:
        name, net = p.get("name"), p.get("networkName")
        if not isinstance(name, str) or not NAME_RE.match(name):
            raise BadRequest("a port name is required (1-64 letters, digits, '_' or '-')", code=20002)
        if not isinstance(net, str) or net not in network_names:
            raise BadRequest(f"port {name}: network {net} does not exist in the application", code=20002)
        desc = p.get("description") or ""
        if not isinstance(desc, str) or len(desc) > 256:
            raise BadRequest("port description must be a string of at most 256 characters", code=20002)
        pid = p.get("id") if p.get("id") in old_ids else new_uuid()
        out.append({"id": pid, "name": name, "description": desc, "networkName": net})
    if len({p["name"] for p in out}) != len(out):
        raise BadRequest("port names must be unique within a VM", code=20002)
    return out


def _fields(p: Principal, app: EgApplication, body, *, creating: bool, old: EgVm | None = None,
            network_names: set[str] | None = None) -> dict:
    """Validate a VM body; ports are checked against ``network_names`` (default: the application's networks)."""
    if not isinstance(body, dict):
        raise BadRequest("request body must be a JSON object", code=20001)
    out: dict = {}
    name = body.get("name")
    if creating or name is not None:
        if not isinstance(name, str) or not NAME_RE.match(name.strip()):
            raise BadRequest("name is required: 1-64 letters, digits, '_' or '-'", code=20002)
        out["name"] = name.strip()
    if creating or body.get("flavorId") is not None:
        out["flavorId"] = _flavor(body.get("flavorId"))
    if creating and body.get("imageId") is None:
        raise BadRequest("imageId is required", code=20003)
    if body.get("imageId") is not None:
        out["imageId"] = _image_id(p, body.get("imageId"), "imageId")
    if body.get("targetImageId") is not None:
        out["targetImageId"] = _image_id(p, body.get("targetImageId"), "targetImageId")
    if "vmCertificate" in body:
        stored = (old.fields or {}).get("vmCertificate") if old else None
        out["vmCertificate"] = _certificate(app, body.get("vmCertificate"), stored)
    for k, limit in (("userData", USER_DATA_MAX), ("areaZone", 128), ("flavorExtraSpecs", 4096)):
        v = body.get(k)
        if v is not None:
            if not isinstance(v, str) or len(v) > limit:
                raise BadRequest(f"{k} must be a string of at most {limit} characters", code=20002)
            out[k] = v
    if creating or "portList" in body:
        names = nets.names(app) if network_names is None else network_names
        out["ports"] = _ports(body.get("portList") or [], names, old.ports if old else None)
    return out


# ---------------------------------------------------------------- 12.1–12.5
def list_vms(p: Principal, app_id: str) -> list[dict]:
    app = _vm_app(apps.visible(p, app_id))
    return [view(v) for v in vms(app)]


def get(p: Principal, app_id: str, vm_id: str) -> dict:
    app = _vm_app(apps.visible(p, app_id))
    return view(load(app, vm_id))


def _insert(app: EgApplication, f: dict) -> EgVm:
    now = clock.now()
    vm_id = new_uuid()
    ports = f.pop("ports", [])
    name = f.pop("name")
    vm = EgVm(app_pk(app.app_id), f"VM#{vm_id}", vm_id=vm_id, app_id=app.app_id, name=name, status="NOT_DEPLOY",
              fields=f, ports=ports, created_at=now, updated_at=now)
    try:
        store.create(vm, unique=[_unique(app.app_id, name)])
    except Conflict:
        raise BadRequest(f"a vm named {name} already exists in this application", code=20004) from None
    if app.status == "CREATED":
        apps.set_status(apps.load(app.app_id), "CONFIGURED")
    return vm


def create(p: Principal, app_id: str, body) -> EgVm:
    app = _vm_app(apps.writable(p, app_id))
    vm = _insert(app, _fields(p, app, body, creating=True))
    audit.record(SURFACE, "create_vm", principal=p, resource=f"application/{app_id}/vm/{vm.vm_id}")
    return vm


def _apply(app: EgApplication, vm: EgVm, f: dict) -> EgVm:
    name = f.pop("name", None)
    if name and name != vm.name:
        try:
            store.rename_unique(_unique(app.app_id, vm.name), _unique(app.app_id, name), vm)
        except Conflict:
            raise BadRequest(f"a vm named {name} already exists in this application", code=20005) from None
        vm.name = name
    if "ports" in f:
        vm.ports = f.pop("ports")
    vm.fields = dict(vm.fields or {}, **f)
    return save(vm)


def update(p: Principal, app_id: str, vm_id: str, body) -> None:
    app = _vm_app(apps.writable(p, app_id))
    vm = load(app, vm_id)
    _apply(app, vm, _fields(p, app, body, creating=False, old=vm))
    audit.record(SURFACE, "update_vm", principal=p, resource=f"application/{app_id}/vm/{vm_id}")


def _teardown(vm: EgVm) -> None:
    """Remove what the VM runs on its host (instantiation) and the chunks of files pushed into it."""
    from chalicelib.surfaces.edgegallery import workflows_vm
    workflows_vm.teardown(vm)


def remove(app: EgApplication, vm: EgVm) -> None:
    _teardown(vm)
    store.delete(vm, unique=[_unique(app.app_id, vm.name)])


def delete(p: Principal, app_id: str, vm_id: str) -> None:
    app = _vm_app(apps.writable(p, app_id))
    remove(app, load(app, vm_id))
    audit.record(SURFACE, "delete_vm", principal=p, resource=f"application/{app_id}/vm/{vm_id}")


@apps.on_delete
def _cascade(app: EgApplication) -> None:
    if app.app_class != "VM":
        return
    for vm in vms(app):
        remove(app, vm)


def clean_env(app: EgApplication) -> None:
    """24.1: terminate the instantiations, forget instantiate/export info, VMs back to NOT_DEPLOY."""
    if app.app_class != "VM":
        return
    for vm in vms(app):
        _teardown(vm)
        for _ in range(3):
            vm.instantiate, vm.export, vm.status = None, None, "NOT_DEPLOY"
            try:
                save(vm)
                break
            except Conflict:
                vm.refresh()


# ---------------------------------------------------------------- PUT .../detail (vmList, networkList)
def _vm_plans(p: Principal, app: EgApplication, items, network_names: set[str]) -> list[tuple[EgVm | None, dict]]:
    """Validate a detail ``vmList``: each wanted VM with the one it matches (by id, else name; None: new)."""
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise BadRequest("vmList must be an array of objects", code=20002)
    current = {v.vm_id: v for v in vms(app)}
    by_name = {v.name: v for v in current.values()}
    plans = []
    for item in items:
        vm = current.get(item.get("id")) if isinstance(item.get("id"), str) else None
        vm = vm or by_name.get(item.get("name"))
        plans.append((vm, _fields(p, app, item, creating=vm is None, old=vm, network_names=network_names)))
    names = [f.get("name") or vm.name for vm, f in plans]
    if len(set(names)) != len(names):
        raise BadRequest("vm names must be unique", code=20002)
    kept = [vm.vm_id for vm, _ in plans if vm is not None]
    if len(set(kept)) != len(kept):
        raise BadRequest("vmList names a vm twice", code=20002)
    return plans


@apps.detail_writer
def _write_detail(p: Principal, app: EgApplication, inner: dict):
    """Validate ``vmList``/``networkList`` of a PUT .../detail against each other; the returned step writes them."""
    if app.app_class != "VM" or not isinstance(inner, dict):
        return None
    has_vms, has_nets = inner.get("vmList") is not None, inner.get("networkList") is not None
    if not has_vms and not has_nets:
        return None
    net_plan = nets.detail_plan(app, inner["networkList"]) if has_nets else None
    names = nets.detail_names(net_plan) if has_nets else nets.names(app)
    plans = _vm_plans(p, app, inner["vmList"], names) if has_vms else [(vm, {}) for vm in vms(app)]
    for vm, f in plans:   # the VMs that stay must only use networks that stay
        if any(port.get("networkName") not in names for port in f.get("ports", vm.ports if vm else None) or []):
            raise BadRequest("Network is used by vm port", code=20006)

    def write() -> None:
        keep = nets.detail_upsert(app, net_plan) if has_nets else None
        if has_vms:
            wanted = {vm.vm_id for vm, _ in plans if vm is not None}
            for vm in vms(app):
                if vm.vm_id not in wanted:
                    remove(app, vm)
            for vm, f in plans:
                if vm is None:
                    _insert(apps.load(app.app_id), f)
                else:
                    _apply(app, vm, f)
        if keep is not None:
            nets.detail_remove(app, keep)
        audit.record(SURFACE, "update_vm_detail", principal=p, resource=f"application/{app.app_id}")
    return write
