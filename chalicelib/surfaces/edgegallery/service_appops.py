"""App operations (group 24, except 24.4 which is in service_packages): clean env, ATP tests, release,
select MEP host.

  EgAtpTest   EG#APP#<appId>/ATP#<atpTestId>   (deleted with the application)

The ATP (application test platform) is simulated: a task is ``created`` when 24.3 posts the package, and
each later read of a task that is still ``created``/``waiting``/``running`` refreshes it one step,
``created → running → success`` (upstream refreshes those states from ATP on 24.2/24.5 reads).
"""
from __future__ import annotations

import importlib

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib import audit
from chalicelib.core import clock
from chalicelib.core.errors import BadRequest, NotFound
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.base import Versioned
from chalicelib.store.edgegallery import EgApplication, app_pk
from chalicelib.surfaces.edgegallery import csar
from chalicelib.surfaces.edgegallery import service_apps as apps
from chalicelib.surfaces.edgegallery import service_packages as packages
from chalicelib.surfaces.edgegallery.common import datetime_str, new_uuid, require_uuid

SURFACE = "edgegallery"
PENDING = ("created", "waiting", "running")
NEXT = {"created": "running", "waiting": "running", "running": "success"}


class EgAtpTest(Versioned, discriminator="EgAtpTest"):
    atp_id = UnicodeAttribute()
    app_id = UnicodeAttribute()
    app_name = UnicodeAttribute()
    status = UnicodeAttribute(default="created")
    package_id = UnicodeAttribute(default="")
    created_at = NumberAttribute()


def _mod(name: str):
    try:
        return importlib.import_module(f"chalicelib.surfaces.edgegallery.{name}")
    except ImportError:
        return None


def view(t: EgAtpTest) -> dict:
    return {"id": t.atp_id, "appName": t.app_name, "status": t.status, "createTime": datetime_str(t.created_at)}


def _tasks(app: EgApplication) -> list[EgAtpTest]:
    """The application's ATP tasks, newest first (a handful per application: one Query of its partition)."""
    rows = list(EgAtpTest.query(app_pk(app.app_id), EgAtpTest.sk.startswith("ATP#")))
    return sorted(rows, key=lambda t: (t.created_at, t.atp_id), reverse=True)


def _refresh(t: EgAtpTest) -> EgAtpTest:
    """The simulated ATP moves a pending task one step per read."""
    if t.status in PENDING:
        t.status = NEXT[t.status]
        try:
            store.save(t)
        except Exception:  # noqa: BLE001 - a concurrent read refreshed it: show the stored state
            t.refresh()
    return t


@apps.part("atpTestTaskList")
def _part(app: EgApplication):
    return [view(t) for t in _tasks(app)]


# ---------------------------------------------------------------- 24.2 / 24.3 / 24.5
def list_tests(p: Principal, app_id: str) -> list[dict]:
    app = apps.visible(p, app_id)
    return [view(_refresh(t)) for t in _tasks(app)]


def get_test(p: Principal, app_id: str, atp_id: str) -> dict:
    app = apps.visible(p, app_id)
    require_uuid(atp_id, "atpTestId")
    t = store.get(EgAtpTest, app_pk(app.app_id), f"ATP#{atp_id}")
    if t is None:
        raise NotFound(f"atp test {atp_id} not found", code=20007)
    return view(_refresh(t))


def create_test(p: Principal, app_id: str) -> None:
    app = apps.writable(p, app_id)
    pkg = packages.for_app(app)
    if pkg is None or pkg.status != "READY" or not pkg.csar_size:
        raise BadRequest("application package does not exist, generate it first", code=20016)
    atp_id = new_uuid()
    store.create(EgAtpTest(app_pk(app.app_id), f"ATP#{atp_id}", atp_id=atp_id, app_id=app.app_id,
                           app_name=app.name, status="created", package_id=pkg.package_id,
                           created_at=clock.now()))
    apps.set_status(app, "TESTED")
    audit.record(SURFACE, "create_atp_test", principal=p, resource=f"application/{app_id}/atp/{atp_id}")


# ---------------------------------------------------------------- 24.1 clean env
def clean_env(p: Principal, app_id: str) -> None:
    """Terminates what the debug deployment left (the VM/container operation groups register ``clean_env``)
    and moves the application back to CONFIGURED (CREATED when it has no VM / chart)."""
    app = apps.writable(p, app_id)
    for name in ("service_vmops", "service_containerops", "service_vms", "service_charts"):
        fn = getattr(_mod(name), "clean_env", None)
        if fn is not None:
            fn(app)
    app = apps.load(app_id)
    has_content = bool(csar.vms_of(app)) if app.app_class == "VM" else bool(csar.charts_of(app))
    apps.set_status(app, "CONFIGURED" if has_content else "CREATED")
    audit.record(SURFACE, "clean_env", principal=p, resource=f"application/{app_id}")


# ---------------------------------------------------------------- 24.7 select host
def select_host(p: Principal, app_id: str, body) -> None:
    app = apps.writable(p, app_id)
    if not isinstance(body, dict):
        raise BadRequest("request body must be a JSON object", code=20001)
    host_id = body.get("mepHostId")
    if not isinstance(host_id, str) or not host_id:
        raise BadRequest("mepHostId is required", code=20003)
    require_uuid(host_id, "mepHostId")
    hosts = _mod("service_hosts")
    if hosts is not None and hasattr(hosts, "load") and hosts.load(host_id) is None:
        raise NotFound(f"mep host {host_id} not found", code=20007)
    apps.update(p, app.app_id, {"mepHostId": host_id})
    audit.record(SURFACE, "select_mephost", principal=p, resource=f"application/{app_id}", detail=host_id)


# ---------------------------------------------------------------- 24.6 release
def publish_body(body) -> dict:
    """``publishAppDto {price (number), free (bool)}``."""
    if body in (None, {}):
        body = {}
    if not isinstance(body, dict):
        raise BadRequest("request body must be a JSON object", code=20001)
    price, free = body.get("price", 0), body.get("free", True)
    if isinstance(price, bool) or not isinstance(price, (int, float)) or price < 0:
        raise BadRequest("price must be a non-negative number", code=20002)
    if not isinstance(free, bool):
        raise BadRequest("free must be a boolean", code=20002)
    return {"price": price, "free": free}


def release(p: Principal, app_id: str, body) -> None:
    app = apps.writable(p, app_id)
    dto = publish_body(body)
    pkg = packages.for_app(app)
    if pkg is None or pkg.status != "READY" or not pkg.csar_size:
        raise BadRequest("application package does not exist, can not be released", code=20016)
    if not (app.fields or {}).get("iconFileId"):
        raise BadRequest("icon file does not exist, can not be released", code=20016)
    tasks = _tasks(app)
    latest = _refresh(tasks[0]) if tasks else None
    if latest is None or latest.status != "success":
        status = latest.status if latest else "none"
        raise BadRequest(f"atp test status is {status}, can not be released", code=20042)
    from chalicelib.surfaces.edgegallery import service_released
    _capabilities(p, app, pkg.package_id)
    service_released.appstore_publish(p, app=app, pkg=pkg, data=packages.csar_bytes(pkg),
                                      test_task_id=latest.atp_id, **dto)
    apps.set_status(apps.load(app_id), "RELEASED")
    audit.record(SURFACE, "release_application", principal=p, resource=f"application/{app_id}",
                 detail=f"price={dto['price']} free={dto['free']}")


def _capabilities(p: Principal, app: EgApplication, package_id: str) -> None:
    """Each produced service becomes a capability of the group named ``oneLevelName`` (group 7)."""
    fn = getattr(_mod("service_capabilities"), "create_from_release", None)
    if fn is None:
        return
    f = app.fields or {}
    for s in csar.configuration_of(app).get("appServiceProducedList") or []:
        if not isinstance(s, dict) or not s.get("serviceName"):
            continue
        service = {"name": s.get("serviceName"), "nameEn": s.get("serviceName"), "version": s.get("version"),
                   "description": s.get("description") or f.get("description", ""), "provider": app.provider,
                   "apiFileId": s.get("apiFileId"), "guideFileId": s.get("guideFileId"),
                   "iconFileId": s.get("iconFileId") or f.get("iconFileId"), "host": s.get("serviceName"),
                   "port": s.get("internalPort") if isinstance(s.get("internalPort"), int) else None,
                   "protocol": s.get("protocol"), "appId": app.app_id, "packageId": package_id,
                   "author": s.get("author") or app.user_name, "experienceUrl": s.get("experienceUrl")}
        fn(p, s.get("oneLevelName") or "Other", {k: v for k, v in service.items() if v is not None})
