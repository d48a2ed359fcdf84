"""ote-stack Application Management: versioned applications (image based or Helm charts in S3)."""
from __future__ import annotations

import hashlib

from chalicelib import audit, blobs
from chalicelib.blobs import archives
from chalicelib.core import clock, ids
from chalicelib.core.config import settings
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.pagination import page_window, take
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.base import Counter
from chalicelib.store.otestack import OteApp, OteDeployment, ote_pk
from chalicelib.surfaces.otestack import auth
from chalicelib.surfaces.otestack.common import name_matcher

SURFACE = "otestack"
FIELDS = ("appName", "status", "deployType", "image", "projectName", "repositoryId", "version", "replicas", "port",
          "command", "volume", "dependence", "env", "minReplicas", "maxReplicas", "minCPU", "maxCPU", "GPU", "isHPA",
          "targetCPUUtilization", "targetMemUtilization", "minMemory", "maxMemory", "maxUnavailable", "maxSurge",
          "minReadySeconds")


def _project_of(image: str) -> str:
    path = image.split("@", 1)[0]
    last = path.rsplit("/", 1)
    if ":" in last[-1]:
        path = path[: len(path) - len(last[-1]) + last[-1].index(":")]
    parts = path.split("/")
    return parts[-2] if len(parts) >= 2 else ""


def app_view(a: OteApp) -> dict:
    s = dict(a.spec or {})
    out = {"id": int(a.app_id), "appName": a.name, "status": int(a.status), "version": a.version}
    for key in FIELDS:
        if key not in out:
            out[key] = s.get(key)
    # created in percent of a core, shown in cores (catalog §7 item 13)
    out["minCPU"] = round(int(s.get("minCPU", 0)) / 100, 2)
    out["maxCPU"] = round(int(s.get("maxCPU", 0)) / 100, 2)
    out["dependence"] = s.get("dependence", [])
    if a.chart_key:
        out["chart"] = s.get("chart", {})
    out["createTime"], out["updateTime"] = int(a.created_at), int(a.updated_at)
    return out


def _next_version(tenant: str, name: str, main: str) -> str:
    return f"{main}.{ids.next_int(f'ote-app:{tenant}:{name}:{main}')}"


def _save_new(scope, name: str, main: str, spec: dict, chart_key: str | None = None) -> OteApp:
    now = clock.now_s()
    version = _next_version(scope.tenant, name, main)
    app = OteApp(ote_pk(scope.tenant), f"APP#{ids.pad(ids.next_int('ote-app'))}", tenant=scope.tenant, name=name,
                 version=version, main_version=main, status=1, spec=spec, chart_key=chart_key, created_at=now,
                 updated_at=now)
    app.app_id = int(app.sk.split("#")[1])
    app.index()
    return store.create(app, unique=[(f"ote-app:{scope.tenant}", f"{name}#{version}")],
                        counters=[f"TENANT#{scope.tenant}#OTEAPPS"], conflict="application version already exists")


def create_app(p: Principal, body) -> dict:
    scope = auth.scope_of(p)
    if body.repositoryId:
        from chalicelib.surfaces.otestack import registry_service
        if registry_service.get_external_repository(scope.tenant, body.repositoryId) is None:
            raise NotFound(f"external repository {body.repositoryId} not found")
    spec = body.model_dump(exclude={"appName", "version"})
    spec["port"] = [dict(x) for x in spec["port"]]
    spec["projectName"] = _project_of(body.image)
    spec["dependence"] = []
    app = _save_new(scope, body.appName, body.version, spec)
    audit.record(SURFACE, "create_app", principal=p, resource=f"app/{app.app_id}", tenant_id=scope.tenant)
    return app_view(app)


def create_chart_app(p: Principal, app_name: str, version: str, filename: str, data: bytes) -> dict:
    scope = auth.scope_of(p)
    meta = archives.helm_chart(data)
    digest = hashlib.sha256(data).hexdigest()
    app = None
    spec = {"deployType": "deployment", "image": "", "projectName": "", "repositoryId": "", "replicas": 1,
            "minReplicas": 1, "maxReplicas": 1, "port": [], "command": "", "volume": [], "env": [], "dependence": [],
            "minCPU": 0, "maxCPU": 0, "GPU": 0, "isHPA": False, "targetCPUUtilization": 0,
            "targetMemUtilization": 0, "minMemory": 0, "maxMemory": 0, "maxUnavailable": 0, "maxSurge": 1,
            "minReadySeconds": 0,
            "chart": {"name": meta.get("name"), "version": meta.get("version", ""), "appVersion":
                      meta.get("appVersion", ""), "sha256": digest, "size": len(data), "file": filename}}
    key_base = blobs.key(scope.tenant, SURFACE, "charts", app_name, f"{version}-{digest[:12]}.tgz")
    blobs.put(key_base, data, content_type="application/gzip", max_bytes=settings().max_upload_bytes)
    try:
        app = _save_new(scope, app_name, version, spec, chart_key=key_base)
    except Exception:
        blobs.delete(key_base)
        raise
    audit.record(SURFACE, "upload_chart", principal=p, resource=f"app/{app.app_id}", tenant_id=scope.tenant)
    return app_view(app)


def _visible(p: Principal, app_id: int) -> OteApp:
    app = auth.in_scope(OteApp.gsi1, OteApp.gsi1sk, "OTEAPP", app_id, auth.scope_of(p))
    if app is None:
        raise NotFound(f"application {app_id} not found")
    return app


def get_app(p: Principal, app_id: int) -> dict:
    return app_view(_visible(p, app_id))


def find_version(tenant: str, name: str, version: str) -> OteApp | None:
    for a in OteApp.gsi2.query(f"TENANT#{tenant}#OTEAPPNAME", OteApp.gsi2sk == f"{name}#{version}", limit=1):
        return a
    return None


def versions_of(tenant: str, name: str) -> list[str]:
    return [a.version for a in OteApp.gsi2.query(f"TENANT#{tenant}#OTEAPPNAME", OteApp.gsi2sk.startswith(f"{name}#"))]


def list_apps(p: Principal, q) -> tuple[list[dict], int]:
    scope = auth.scope_of(p)
    window = page_window(q.page, q.pageSize, default_size=10, zero_means_all=True)
    match = name_matcher(q.appName, q.appNameMode)
    version = q.version or None
    if scope.all_tenants:
        results = OteApp.gsi1.query("OTEAPP")
    elif q.appName and (q.appNameMode or "partial") in ("strict", "prefix"):
        prefix = f"{q.appName}#" if q.appNameMode == "strict" else q.appName
        results = OteApp.gsi2.query(f"TENANT#{scope.tenant}#OTEAPPNAME", OteApp.gsi2sk.startswith(prefix))
    else:
        results = OteApp.query(ote_pk(scope.tenant), OteApp.sk.startswith("APP#"))
    pred = None
    if match or version:
        pred = lambda a: (match is None or match(a.name)) and (version is None or a.version == version  # noqa: E731
                                                                or a.main_version == version)
    if pred is None and not scope.all_tenants:
        rows, _ = take(results, window)
        return [app_view(a) for a in rows], Counter.value(f"TENANT#{scope.tenant}#OTEAPPS")
    rows, seen = take(results, type(window)(window.offset, None), pred)
    rows = rows[: window.limit] if window.limit is not None else rows
    if scope.all_tenants and pred is None:
        rows.sort(key=lambda a: int(a.app_id))
    return [app_view(a) for a in rows], seen


def delete_apps(p: Principal, app_ids: list[int]) -> None:
    apps = [_visible(p, i) for i in dict.fromkeys(app_ids)]
    for a in apps:
        for d in OteDeployment.query(ote_pk(a.tenant), OteDeployment.sk.startswith("DEPLOY#"),
                                     filter_condition=(OteDeployment.app_name == a.name) & (OteDeployment.status != 9)):
            if a.version in (d.version, d.current_version):
                raise Conflict(f"application {a.name} {a.version} is used by deployment {d.deploy_name}")
    for a in apps:
        store.delete(a, unique=[(f"ote-app:{a.tenant}", f"{a.name}#{a.version}")],
                     counters=[f"TENANT#{a.tenant}#OTEAPPS"])
        if a.chart_key:
            blobs.delete(a.chart_key)
        audit.record(SURFACE, "delete_app", principal=p, resource=f"app/{a.app_id}", tenant_id=a.tenant)


def chart_bytes(a: OteApp) -> bytes | None:
    return blobs.get(a.chart_key) if a.chart_key else None


