"""Released packages (group 27) and the simulated AppStore they come from and go back to.

  EgStorePackage    EG#APPSTORE#<appStoreAppId>/PKG#<appStorePackageId>   a package published to the AppStore
                    (by 24.6 release, appStoreAppId = the application id; or by 27.3 re-release)
  EgReleased        EG#RELPKG#<packageId>/R   gsi1 EG#RELPKGS/<syncTime>#<id>   a package synchronized back (27.5)
  + its EgPackage   EG#PKG#<packageId>/P (kind "released", appId "") — edited with the same editor as 25.x

All of group 27 is admin-only (catalog §5.6). The released package id is the AppStore package id.
"""
from __future__ import annotations

import re

from pynamodb.attributes import BooleanAttribute, JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib import audit, blobs, events
from chalicelib.core import clock
from chalicelib.core.errors import BadRequest, DomainError, NotFound
from chalicelib.core.logging import logger
from chalicelib.core.pagination import take
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.base import Versioned
from chalicelib.store.edgegallery import EgApplication
from chalicelib.surfaces.edgegallery import auth, csar
from chalicelib.surfaces.edgegallery import service_packages as packages
from chalicelib.surfaces.edgegallery.common import datetime_str, new_uuid, require_uuid

SURFACE = "edgegallery"
ICON_RE = re.compile(r"^Artifacts/Docs/[^/]+\.(png|jpg|jpeg)$", re.I)
MAX_SYNC_ITEMS = 50
META = ("name", "version", "provider", "industry", "type", "architecture", "shortDesc")


class EgStorePackage(Versioned, discriminator="EgStorePackage"):
    store_app_id = UnicodeAttribute()
    store_package_id = UnicodeAttribute()
    meta = JSONAttribute(default=dict)      # name, version, provider, industry, type, architecture, shortDesc
    test_task_id = UnicodeAttribute(default="")
    price = NumberAttribute(default=0)
    free = BooleanAttribute(default=True)
    blob_key = UnicodeAttribute()
    user_id = UnicodeAttribute()
    user_name = UnicodeAttribute()
    published_at = NumberAttribute()


class EgReleased(Versioned, discriminator="EgReleased"):
    package_id = UnicodeAttribute()
    store_app_id = UnicodeAttribute()
    meta = JSONAttribute(default=dict)
    test_task_id = UnicodeAttribute(default="")
    user_id = UnicodeAttribute()
    user_name = UnicodeAttribute()
    synchronized_at = NumberAttribute()


# ---------------------------------------------------------------- the simulated AppStore
def appstore_publish(p: Principal, *, data: bytes, test_task_id: str, price, free: bool,
                     app: EgApplication | None = None, pkg=None, meta: dict | None = None,
                     store_app_id: str | None = None) -> EgStorePackage:
    """Upload a package (+ metadata) to the AppStore and publish it with ``{price, free}``."""
    if app is not None:
        f = app.fields or {}
        store_app_id = store_app_id or app.app_id
        meta = {"name": app.name, "version": app.version, "provider": app.provider,
                "industry": f.get("industry", ""), "type": f.get("type", ""),
                "architecture": f.get("architecture", "X86"), "shortDesc": f.get("description", "")}
    store_pkg_id = new_uuid()
    key = f"appstore/edgegallery/{store_app_id}/{store_pkg_id}.csar"
    blobs.put(key, data, content_type="application/zip", max_bytes=packages.MAX_CSAR_BYTES)
    item = EgStorePackage(f"EG#APPSTORE#{store_app_id}", f"PKG#{store_pkg_id}", store_app_id=store_app_id,
                          store_package_id=store_pkg_id, meta=meta or {}, test_task_id=test_task_id or "",
                          price=price, free=free, blob_key=key, user_id=p.account_id, user_name=p.username,
                          published_at=clock.now())
    item.gsi1pk, item.gsi1sk = "EG#APPSTORE#PUBLISHED", f"{int(item.published_at * 1000):015d}#{store_pkg_id}"
    store.create(item)
    return item


def appstore_packages(store_app_id: str) -> list[EgStorePackage]:
    """The AppStore packages of an app, newest first."""
    rows = list(EgStorePackage.query(f"EG#APPSTORE#{store_app_id}", EgStorePackage.sk.startswith("PKG#")))
    return sorted(rows, key=lambda r: r.published_at, reverse=True)


def _appstore_get(store_app_id: str, store_pkg_id: str | None) -> EgStorePackage | None:
    if store_pkg_id:
        return store.get(EgStorePackage, f"EG#APPSTORE#{store_app_id}", f"PKG#{store_pkg_id}")
    rows = appstore_packages(store_app_id)
    return rows[0] if rows else None


# ---------------------------------------------------------------- views and lookups
def view(r: EgReleased, pkg=None) -> dict:
    m = dict(r.meta or {})
    pkg = pkg or packages.load(r.package_id)
    return {"id": r.package_id, "appStoreAppId": r.store_app_id, "appStorePackageId": r.package_id,
            **{k: m.get(k, "") for k in META}, "synchronizeDate": datetime_str(r.synchronized_at),
            "userId": r.user_id, "userName": r.user_name, "testTaskId": r.test_task_id,
            "appPackage": packages.view(pkg) if pkg else None}


def _load(p: Principal, package_id: str):
    auth.require_admin(p)
    require_uuid(package_id, "packageId")
    r = store.get(EgReleased, f"EG#RELPKG#{package_id}", "R")
    pkg = packages.load(package_id) if r else None
    if r is None or pkg is None or pkg.pkg_kind != "released":
        raise NotFound(f"released package {package_id} not found", code=20007)
    return r, pkg


# ---------------------------------------------------------------- 27.1 / 27.2
def page(p: Principal, name: str | None, window) -> tuple[list[dict], int]:
    auth.require_admin(p)
    results = EgReleased.gsi1.query("EG#RELPKGS", scan_index_forward=False)
    pred = (lambda r: name.lower() in str((r.meta or {}).get("name", "")).lower()) if name else None
    items, seen = take(results, type(window)(window.offset, None), pred)
    return [view(r) for r in items[: window.limit]], seen


def delete(p: Principal, package_id: str) -> None:
    r, pkg = _load(p, package_id)
    packages.remove(pkg)
    store.delete(r)
    audit.record(SURFACE, "delete_released_package", principal=p, resource=f"released-package/{package_id}")


# ---------------------------------------------------------------- 27.5 synchronize
def synchronize(p: Principal, body) -> None:
    """Copy each ``{appId, packageId}`` package from the AppStore (``packageId`` empty: its newest)."""
    auth.require_admin(p)
    if not isinstance(body, list) or not body:
        raise BadRequest("request body must be a non-empty JSON array of {appId, packageId}", code=20001)
    if len(body) > MAX_SYNC_ITEMS:
        raise BadRequest(f"at most {MAX_SYNC_ITEMS} packages per request", code=20002)
    found = []
    for item in body:
        if not isinstance(item, dict):
            raise BadRequest("each item must be an object {appId, packageId}", code=20002)
        app_id, pkg_id = item.get("appId"), item.get("packageId")
        if not isinstance(app_id, str):
            raise BadRequest("appId is required", code=20003)
        require_uuid(app_id, "appId")
        if pkg_id not in (None, ""):
            if not isinstance(pkg_id, str):
                raise BadRequest("packageId must be a string", code=20002)
            require_uuid(pkg_id, "packageId")
        sp = _appstore_get(app_id, pkg_id)
        if sp is None:
            raise NotFound(f"package {pkg_id or '(latest)'} of app {app_id} not found in the AppStore",
                           code=20041)
        found.append(sp)
    for sp in found:
        _copy(p, sp)


def _copy(p: Principal, sp: EgStorePackage) -> None:
    data = blobs.get(sp.blob_key)
    tree = csar.unpack(data)
    pid = sp.store_package_id
    old = store.get(EgReleased, f"EG#RELPKG#{pid}", "R")
    if old is not None:
        old_pkg = packages.load(pid)
        if old_pkg is not None:
            packages.remove(old_pkg)
        store.delete(old)
    now = clock.now()
    pkg = packages.EgPackage(f"EG#PKG#{pid}", "P", package_id=pid, app_id="", user_id=p.account_id,
                             pkg_kind="released", file_name=f"{pid}.zip", status="READY", files={},
                             created_at=now, updated_at=now)
    packages.store_tree(pkg, tree)
    packages.store_csar(pkg, data)
    store.create(pkg)
    r = EgReleased(f"EG#RELPKG#{pid}", "R", package_id=pid, store_app_id=sp.store_app_id, meta=dict(sp.meta or {}),
                   test_task_id=sp.test_task_id, user_id=p.account_id, user_name=p.username, synchronized_at=now)
    r.gsi1pk, r.gsi1sk = "EG#RELPKGS", f"{int(now * 1000):015d}#{pid}"
    store.create(r)
    audit.record(SURFACE, "synchronize_package", principal=p, resource=f"released-package/{pid}")


# ---------------------------------------------------------------- 27.4 / 27.6 / 27.7 / 27.3
def structure(p: Principal, package_id: str) -> list[dict]:
    return packages.tree_nodes(_load(p, package_id)[1])


def file_content(p: Principal, package_id: str, body) -> dict:
    return packages.read_file(_load(p, package_id)[1], body)


def edit_file(p: Principal, package_id: str, body) -> dict:
    """Overwrite one file and rebuild ``<packageId>.csar`` at once (upstream re-zips on every edit)."""
    _, pkg = _load(p, package_id)
    out = packages.write_file(pkg, body)
    pkg = packages.load(package_id)
    packages.rebuild(pkg)
    pkg.file_name = f"{package_id}.csar"
    packages.save(pkg)
    audit.record(SURFACE, "edit_released_package", principal=p, resource=f"released-package/{package_id}",
                 detail=out["filePath"])
    return out


def release(p: Principal, package_id: str, body) -> None:
    from chalicelib.surfaces.edgegallery.service_appops import publish_body
    r, pkg = _load(p, package_id)
    dto = publish_body(body)
    if not any(ICON_RE.match(path) for path in pkg.files or {}):
        raise BadRequest("icon file does not exist in Artifacts/Docs, can not be released", code=20016)
    data = packages.rebuild(pkg)
    packages.save(pkg)
    appstore_publish(p, data=data, test_task_id=r.test_task_id, meta=dict(r.meta or {}),
                     store_app_id=r.store_app_id, **dto)
    audit.record(SURFACE, "release_package", principal=p, resource=f"released-package/{package_id}",
                 detail=f"price={dto['price']} free={dto['free']}")


# ---------------------------------------------------------------- scheduled synchronization (27.5 on a timer)
@events.every_tick
def sync_released_packages() -> int:
    """Copy AppStore packages published since the last run (a Query on the publication index from a
    stored watermark), as the system administrator; returns how many were copied."""
    from chalicelib.core.config import settings
    from chalicelib.identity import accounts
    admin = accounts.get_account(settings().admin_user)
    if admin is None:
        return 0
    p = accounts.principal_of(admin)
    mark = store.get(EgSyncMark, "EG#APPSTORE#SYNC", "M")
    cond = EgStorePackage.gsi1sk > mark.last if mark is not None else None
    copied, last = 0, mark.last if mark is not None else None
    for sp in EgStorePackage.gsi1.query("EG#APPSTORE#PUBLISHED", cond, limit=MAX_SYNC_ITEMS):
        if store.get(EgReleased, f"EG#RELPKG#{sp.store_package_id}", "R") is None:
            try:
                _copy(p, sp)
                copied += 1
            except DomainError as exc:  # one broken package must not stop the others, nor the watermark
                logger.warning("released package not synchronized", extra={"package": sp.store_package_id,
                                                                           "reason": exc.message})
        last = sp.gsi1sk
    if last is not None:
        mark = mark or EgSyncMark("EG#APPSTORE#SYNC", "M")
        mark.last = last
        store.save(mark)
    return copied


class EgSyncMark(Versioned, discriminator="EgSyncMark"):
    last = UnicodeAttribute()
