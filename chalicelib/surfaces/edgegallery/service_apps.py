"""EdgeGallery applications (group 3): the parent of VMs, networks, charts, configuration, packages.

Other groups plug into the application without this module importing them:
- :func:`part` registers a function contributing a field to the application view (``scriptList``,
  ``appConfiguration``, ``vmList``...), for the plain view or the detail view;
- :func:`on_create` registers a step run once an application is created (VM apps get their default networks);
- :func:`on_delete` registers a cascade step run before an application is deleted;
- :func:`detail_writer` registers how a part of a PUT .../detail body is validated and then written.
"""
from __future__ import annotations

import re
from typing import Callable

from chalicelib import audit
from chalicelib.core import clock
from chalicelib.core.errors import BadRequest, NotFound
from chalicelib.core.pagination import take
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.base import Entity
from chalicelib.store.edgegallery import EgApplication, app_pk
from chalicelib.surfaces.edgegallery import auth
from chalicelib.surfaces.edgegallery.common import datetime_str, new_uuid, require_uuid

SURFACE = "edgegallery"
STATUSES = ("CREATED", "CONFIGURED", "PACKAGED", "TESTED", "RELEASED")
APP_CLASSES = ("CONTAINER", "VM")
ARCHITECTURES = ("X86", "ARM64", "ARM32")
CREATE_TYPES = ("INTEGRATED", "DEVELOP")
VERSION_RE = re.compile(r"^[\w\-][\w\-\s.]{0,9}$")
PROVIDER_RE = re.compile(r"^\S.{0,29}$")
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
FIELDS = ("description", "architecture", "type", "industry", "iconFileId", "guideFileId", "appCreateType",
          "mepHostId", "pkgSpecId")

_parts: list[tuple[str, str, Callable[[EgApplication], object]]] = []  # (field, "view"|"detail", fn)
_cascade: list[Callable[[EgApplication], None]] = []
_created: list[Callable[[EgApplication], None]] = []
_icon_check: list[Callable[[Principal, str], None]] = []


def part(field: str, where: str = "view"):
    """Register ``fn(app) -> value`` for ``field`` of the application view (``view``) or only the detail."""
    def deco(fn):
        _parts.append((field, where, fn))
        return fn
    return deco


def on_create(fn):
    """Register ``fn(app)`` run after an application is created (its children exist before any read)."""
    _created.append(fn)
    return fn


def on_delete(fn):
    _cascade.append(fn)
    return fn


def icon_checker(fn):
    """The upload-files group registers how an ``iconFileId`` is verified (exists, is an icon)."""
    _icon_check.append(fn)
    return fn


# ---------------------------------------------------------------- reads
def load(app_id: str) -> EgApplication | None:
    require_uuid(app_id, "applicationId")
    return store.get(EgApplication, app_pk(app_id), "A")


def visible(p: Principal, app_id: str) -> EgApplication:
    """The application if the caller may read it (its owner or an administrator); else 404."""
    app = load(app_id)
    if app is None or (app.user_id != p.account_id and not auth.is_admin(p)):
        raise NotFound(f"application {app_id} not found", code=20007)
    return app


def writable(p: Principal, app_id: str) -> EgApplication:
    """The application if the caller may change it (owner; administrators too)."""
    app = visible(p, app_id)
    auth.require_owner(p, app.user_id)
    return app


def view(app: EgApplication, detail: bool = False) -> dict:
    f = dict(app.fields or {})
    out = {"id": app.app_id, "name": app.name, "description": f.get("description", ""), "version": app.version,
           "provider": app.provider, "architecture": f.get("architecture", "X86"), "appClass": app.app_class,
           "type": f.get("type", ""), "industry": f.get("industry", ""), "iconFileId": f.get("iconFileId"),
           "guideFileId": f.get("guideFileId"), "appCreateType": f.get("appCreateType", "DEVELOP"),
           "createTime": datetime_str(app.created_at), "status": app.status, "userId": app.user_id,
           "userName": app.user_name, "mepHostId": f.get("mepHostId"), "pkgSpecId": f.get("pkgSpecId"),
           "appPackage": None, "atpTestTaskList": [], "appConfiguration": None, "scriptList": []}
    for field, where, fn in _parts:
        if where == "view" or detail:
            out[field] = fn(app)
    return out


def detail(app: EgApplication) -> dict:
    body = view(app, detail=True)
    vm_keys, container_keys = ("vmList", "networkList"), ("helmChartList", "instantiateInfo")
    if app.app_class == "VM":
        for k in container_keys:
            body.pop(k, None)
        body.setdefault("vmList", [])
        body.setdefault("networkList", [])
        return {"vmApp": body, "containerApp": None}
    for k in vm_keys:
        body.pop(k, None)
    body.setdefault("helmChartList", [])
    body.setdefault("instantiateInfo", None)
    return {"vmApp": None, "containerApp": body}


def page(p: Principal, name: str | None, window) -> tuple[list[dict], int]:
    results = EgApplication.gsi1.query(f"EG#USER#{p.account_id}#APPS", scan_index_forward=False)
    pred = (lambda a: name.lower() in a.name.lower()) if name else None
    items, seen = take(results, type(window)(window.offset, None), pred)
    return [view(a) for a in items[: window.limit]], seen


# ---------------------------------------------------------------- writes
def _check(body: dict, *, creating: bool) -> dict:
    errors = []
    name, version, provider = body.get("name"), body.get("version"), body.get("provider")
    if creating or name is not None:
        if not isinstance(name, str) or not NAME_RE.match(name):
            errors.append("name must be 1-32 letters, digits, '_' or '-'")
    if creating or version is not None:
        if not isinstance(version, str) or not VERSION_RE.match(version):
            errors.append("version must be 1-10 characters of letters, digits, '_', '-', '.' or spaces")
    if creating or provider is not None:
        if not isinstance(provider, str) or not PROVIDER_RE.match(provider):
            errors.append("provider must be 1-30 characters, not starting with a space")
    if creating or body.get("appClass") is not None:
        if body.get("appClass") not in APP_CLASSES:
            errors.append("appClass must be CONTAINER or VM")
    if body.get("architecture") not in (None, *ARCHITECTURES):
        errors.append("architecture must be X86, ARM64 or ARM32")
    if body.get("appCreateType") not in (None, *CREATE_TYPES):
        errors.append("appCreateType must be INTEGRATED or DEVELOP")
    desc = body.get("description")
    if desc is not None and (not isinstance(desc, str) or not 1 <= len(desc) <= 128 or desc[:1].isspace()):
        errors.append("description must be 1-128 characters, not starting with a space")
    for k in ("type", "industry", "iconFileId", "guideFileId", "mepHostId", "pkgSpecId"):
        if body.get(k) is not None and not isinstance(body.get(k), str):
            errors.append(f"{k} must be a string")
    if errors:
        raise BadRequest("; ".join(errors), code=20002)
    return {k: body[k] for k in FIELDS if k in body}


def _unique_key(name: str, version: str, provider: str) -> tuple[str, str]:
    return ("eg-app", f"{name}|{version}|{provider}")


def create(p: Principal, body: dict, *, status: str = "CREATED") -> EgApplication:
    auth.require_writer(p)
    auth.check_body_user(p, body.get("userId"), body.get("userName"))
    fields = _check(body, creating=True)
    if not fields.get("iconFileId"):
        raise NotFound("icon file is null", code=20016)
    for check in _icon_check:
        check(p, fields["iconFileId"])
    fields.setdefault("architecture", "X86")
    fields.setdefault("appCreateType", "DEVELOP")
    now = clock.now()
    app_id = new_uuid()
    app = EgApplication(app_pk(app_id), "A", app_id=app_id, user_id=p.account_id, user_name=p.username,
                        name=body["name"], version=body["version"], provider=body["provider"],
                        app_class=body["appClass"], status=status, fields=fields, created_at=now, updated_at=now)
    app.index()
    store.create(app, unique=[_unique_key(app.name, app.version, app.provider)],
                 conflict="an application with this name, version and provider already exists")
    for fn in _created:
        fn(app)
    audit.record(SURFACE, "create_application", principal=p, resource=f"application/{app_id}")
    return app


def _prepare_update(app: EgApplication, body: dict) -> Callable[[], None]:
    """Validate a change of the application's own fields; the returned step writes it."""
    fields = _check(body, creating=False)
    if body.get("appClass") not in (None, app.app_class):
        raise BadRequest("appClass cannot be changed", code=20002)

    def write() -> None:
        new_key = _unique_key(body.get("name") or app.name, body.get("version") or app.version,
                              body.get("provider") or app.provider)
        old_key = _unique_key(app.name, app.version, app.provider)
        if new_key != old_key:
            store.rename_unique(old_key, new_key, app)
        app.name = body.get("name") or app.name
        app.version = body.get("version") or app.version
        app.provider = body.get("provider") or app.provider
        app.fields = dict(app.fields or {}, **fields)
        save(app)
    return write


def update(p: Principal, app_id: str, body: dict) -> None:
    app = writable(p, app_id)
    _prepare_update(app, body)()
    audit.record(SURFACE, "update_application", principal=p, resource=f"application/{app_id}")


def set_status(app: EgApplication, status: str) -> EgApplication:
    app.status = status
    return save(app)


def save(app: EgApplication) -> EgApplication:
    app.updated_at = clock.now()
    return store.save(app, conflict="the application was changed concurrently, retry")


def delete(p: Principal, app_id: str) -> None:
    app = writable(p, app_id)
    for fn in _cascade:
        fn(app)
    children = [e for e in Entity.query(app_pk(app.app_id)) if e.sk != "A"]
    for child in children:
        child.delete()
    store.delete(app, unique=[_unique_key(app.name, app.version, app.provider)])
    audit.record(SURFACE, "delete_application", principal=p, resource=f"application/{app_id}")


_detail_writers: list[Callable[[Principal, EgApplication, dict], Callable[[], None] | None]] = []


def detail_writer(fn):
    """Register ``fn(principal, app, inner) -> step`` for its part of a PUT .../detail body (VMs, networks...).

    ``fn`` only validates and writes nothing; the step it returns (``None``: nothing to do) writes its part.
    Every part is validated before anything is written, so a 400 in any part leaves the application as it was.
    """
    _detail_writers.append(fn)
    return fn


def update_detail(p: Principal, app_id: str, inner: dict) -> None:
    app = writable(p, app_id)
    own_fields = {k: v for k, v in inner.items() if k in FIELDS or k in ("name", "version", "provider")}
    own = _prepare_update(app, own_fields)
    steps = [fn(p, app, inner) for fn in _detail_writers]
    own()
    audit.record(SURFACE, "update_application", principal=p, resource=f"application/{app_id}")
    for step in steps:
        if step is not None:
            step()
