"""EdgeGallery Helm charts (group 26) of container applications.

Keys: ``EgHelmChart`` at ``pk=app_pk(appId)``, ``sk=CHART#<chartId>`` (the application's partition: the list
is a Query). The chart ``.tgz`` lives in S3 at ``tenant/<userId>/edgegallery/helmchart/<chartId>/<name>``.

26.6 accepts a ``.tgz`` Helm chart (validated with :func:`archives.helm_chart`: a gzip tar with
``<root>/Chart.yaml``, no path escapes/links/bombs) or a Kubernetes ``.yaml``/``.yml`` that is wrapped into a
generated chart ``<stem>/{Chart.yaml, values.yaml, templates/<file>}``. The file name and every template file
name must match ``^[a-z0-9][a-z0-9-.]+[a-z0-9]$`` (retCode 20043); templates must parse as Kubernetes objects
(``apiVersion`` + ``kind``; Go template actions are neutralised before parsing, 20029), with at least one
``Service`` (20038) and at least one container image (20027). Upstream answers those with 500; here 400.
The first chart moves a CREATED application to CONFIGURED.

For the package generator: :func:`chart_files` (``[(filename, tgz bytes)]``) and :func:`images_of`.
"""
from __future__ import annotations

import io
import posixpath
import re
import tarfile

import yaml
from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib import audit, blobs
from chalicelib.blobs import archives, multipart
from chalicelib.core import clock
from chalicelib.core.errors import BadRequest, Conflict, Invalid, NotFound
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.base import Versioned
from chalicelib.store.edgegallery import EgApplication, app_pk
from chalicelib.surfaces.edgegallery import service_apps as apps
from chalicelib.surfaces.edgegallery.common import datetime_str, new_uuid, require_uuid

SURFACE = "edgegallery"
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-.]+[a-z0-9]$")
MAX_CHART_BYTES = 10 * 1024 * 1024
MAX_INNER_TEXT = 1024 * 1024
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod", "Job")
_ACTION = re.compile(r"\{\{.*?\}\}")


class EgHelmChart(Versioned, discriminator="EgHelmChart"):
    chart_id = UnicodeAttribute()
    app_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    name = UnicodeAttribute()            # the .tgz file name
    file_id = UnicodeAttribute()         # helmChartFileId
    s3_key = UnicodeAttribute()
    images = JSONAttribute(default=list)
    created_at = NumberAttribute()
    updated_at = NumberAttribute()


# ---------------------------------------------------------------- parsing / validation
def _neutralise(text: str) -> str:
    """Go template actions out of the way: lines that are only actions go, inline actions become a word."""
    out = []
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("{{") and s.endswith("}}") and _ACTION.sub("", s).strip() == "":
            continue
        out.append(_ACTION.sub("placeholder", line))
    return "\n".join(out)


def parse_k8s(text: str, where: str) -> list[dict]:
    try:
        docs = [d for d in yaml.safe_load_all(_neutralise(text)) if d is not None]
    except yaml.YAMLError as exc:
        raise BadRequest(f"{where} is not valid yaml: {str(exc).splitlines()[0]}", code=20029) from None
    for d in docs:
        if not isinstance(d, dict) or not isinstance(d.get("kind"), str) or not d.get("apiVersion"):
            raise BadRequest(f"{where} holds something that is not a Kubernetes object", code=20029)
    return docs


def _containers(doc: dict) -> list[dict]:
    """Containers of a workload (Pod, or any controller with a pod template)."""
    spec = doc.get("spec") if isinstance(doc.get("spec"), dict) else {}
    if doc.get("kind") == "Pod":
        pod = spec
    else:
        tpl = spec.get("template") if isinstance(spec.get("template"), dict) else {}
        if doc.get("kind") == "CronJob":
            jt = spec.get("jobTemplate") if isinstance(spec.get("jobTemplate"), dict) else {}
            tpl = ((jt.get("spec") or {}).get("template") or {}) if isinstance(jt.get("spec"), dict) else {}
        pod = tpl.get("spec") if isinstance(tpl.get("spec"), dict) else {}
    out = []
    for key in ("initContainers", "containers"):
        for c in pod.get(key) or []:
            if isinstance(c, dict):
                out.append(c)
    return out


def images_in(docs: list[dict]) -> list[str]:
    seen: list[str] = []
    for d in docs:
        for c in _containers(d):
            img = c.get("image")
            if isinstance(img, str) and img.strip() and img.strip() not in seen:
                seen.append(img.strip())
    return seen


def _check_name(name: str, what: str) -> None:
    if not NAME_RE.match(name or ""):
        raise BadRequest(f"{what} '{name}' must match ^[a-z0-9][a-z0-9-.]+[a-z0-9]$", code=20043)


def _members(data: bytes) -> dict[str, bytes]:
    """Regular files of a validated tgz, by normalised path."""
    out: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tf:
        for m in tf:
            if m.isfile():
                f = tf.extractfile(m)
                out[posixpath.normpath(m.name)] = f.read() if f else b""
    return out


def analyse(data: bytes) -> dict:
    """Validate a chart tgz; returns {root, docs, images, files}."""
    try:
        meta = archives.helm_chart(data)
        files = _members(data)
    except Invalid as exc:
        raise BadRequest(f"cannot load the chart: {exc.message}", code=20044) from None
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BadRequest(f"cannot load the chart: {exc}", code=20044) from None
    root = meta["_root"]
    templates = {k: v for k, v in files.items() if k.startswith(f"{root}/templates/")
                 and k.lower().endswith((".yaml", ".yml"))}
    if not templates:
        raise BadRequest("the chart has no template", code=20031)
    docs: list[dict] = []
    for path, raw in sorted(templates.items()):
        _check_name(posixpath.basename(path), "template file name")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest(f"{path} is not utf-8 text", code=20029) from None
        docs.extend(parse_k8s(text, path))
    if not any(d.get("kind") == "Service" for d in docs):
        raise BadRequest("the chart declares no Service", code=20038)
    imgs = images_in(docs)
    if not imgs:
        raise BadRequest("the chart declares no container image", code=20027)
    return {"root": root, "docs": docs, "images": imgs, "files": files}


def _tgz(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    now = int(clock.now())
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        dirs = sorted({posixpath.dirname(p) for p in files} - {""})
        seen = set()
        for d in dirs:
            parts = d.split("/")
            for i in range(1, len(parts) + 1):
                sub = "/".join(parts[:i])
                if sub not in seen:
                    seen.add(sub)
                    info = tarfile.TarInfo(sub)
                    info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, now
                    tf.addfile(info)
        for path, data in sorted(files.items()):
            info = tarfile.TarInfo(path)
            info.size, info.mode, info.mtime = len(data), 0o644, now
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def wrap_yaml(filename: str, text: str) -> tuple[str, bytes]:
    """A k8s yaml wrapped into a generated chart: (``<stem>.tgz``, bytes)."""
    stem = filename.rsplit(".", 1)[0]
    chart = stem.replace(".", "-")
    files = {f"{chart}/Chart.yaml": (f"apiVersion: v2\nname: {chart}\nversion: 1.0.0\nappVersion: \"1.0\"\n"
                                     f"description: generated from {filename}\n").encode(),
             f"{chart}/values.yaml": b"global:\n  mepagent:\n    enabled: false\n",
             f"{chart}/templates/{filename}": text.encode()}
    return f"{stem}.tgz", _tgz(files)


# ---------------------------------------------------------------- views
def _tree(files: dict[str, bytes], *, with_content: bool) -> list[dict]:
    roots: list[dict] = []
    index: dict[str, dict] = {}

    def node(path: str, is_file: bool) -> dict:
        if path in index:
            return index[path]
        n = {"name": posixpath.basename(path), "innerPath": path, "children": [], "content": None, "file": is_file}
        index[path] = n
        parent = posixpath.dirname(path)
        (node(parent, False)["children"] if parent else roots).append(n)
        return n

    for path in sorted(files):
        n = node(path, True)
        if with_content and len(files[path]) <= MAX_INNER_TEXT:
            try:
                n["content"] = files[path].decode("utf-8")
            except UnicodeDecodeError:
                n["content"] = None
    return roots


def view(c: EgHelmChart, *, with_content: bool = False, data: bytes | None = None) -> dict:
    try:
        files = _members(data if data is not None else blobs.get(c.s3_key))
    except (NotFound, tarfile.TarError, OSError, EOFError):
        files = {}
    return {"id": c.chart_id, "name": c.name, "helmChartFileId": c.file_id, "createTime": datetime_str(c.created_at),
            "applicationId": c.app_id, "helmChartFileList": _tree(files, with_content=with_content)}


def charts(app: EgApplication) -> list[EgHelmChart]:
    return list(EgHelmChart.query(app_pk(app.app_id), EgHelmChart.sk.startswith("CHART#")))


def _load(app: EgApplication, chart_id: str) -> EgHelmChart:
    require_uuid(chart_id, "helmchartId")
    c = store.get(EgHelmChart, app_pk(app.app_id), f"CHART#{chart_id}")
    if c is None:
        raise NotFound(f"helm chart {chart_id} not found", code=20007)
    return c


def _container_app(app: EgApplication) -> EgApplication:
    if app.app_class != "CONTAINER":
        raise BadRequest("helm charts belong to container applications", code=20002)
    return app


# ---------------------------------------------------------------- plug-ins
@apps.part("helmChartList", "detail")
def _part(app: EgApplication):
    if app.app_class != "CONTAINER":
        return None
    return [view(c) for c in charts(app)]


@apps.on_delete
def _cascade(app: EgApplication) -> None:
    for c in charts(app):
        blobs.delete(c.s3_key)


def chart_files(app: EgApplication) -> list[tuple[str, bytes]]:
    out = []
    for c in charts(app):
        try:
            out.append((c.name, blobs.get(c.s3_key)))
        except NotFound:
            continue
    return out


def images_of(app: EgApplication) -> list[str]:
    seen: list[str] = []
    for c in charts(app):
        for i in c.images or []:
            if i not in seen:
                seen.append(i)
    return seen


def workload_docs(app: EgApplication) -> list[tuple[str, list[dict]]]:
    """(chart stem, parsed k8s objects) per chart, for the launch workflow."""
    out = []
    for name, data in chart_files(app):
        try:
            out.append((name.rsplit(".", 1)[0], analyse(data)["docs"]))
        except BadRequest:
            continue
    return out


def clean_env(app: EgApplication) -> None:
    """24.1 clean env (called by service_appops): the container deployment goes away."""
    from chalicelib.surfaces.edgegallery import workflows_container
    workflows_container.clean_env(app)


# ---------------------------------------------------------------- endpoints
def list_charts(p: Principal, app_id: str) -> list[dict]:
    app = apps.visible(p, app_id)
    return [view(c) for c in charts(app)]


def get_chart(p: Principal, app_id: str, chart_id: str) -> dict:
    app = apps.visible(p, app_id)
    return view(_load(app, chart_id), with_content=True)


def download(p: Principal, app_id: str, chart_id: str) -> tuple[bytes, str]:
    c = _load(apps.visible(p, app_id), chart_id)
    try:
        return blobs.get(c.s3_key), c.name
    except NotFound:
        raise NotFound("the helm chart file is missing", code=20016) from None


def _inner_path(files: dict[str, bytes], path: str | None) -> str:
    if not path or not isinstance(path, str):
        raise BadRequest("filePath is required", code=20003)
    norm = posixpath.normpath(path.replace("\\", "/").lstrip("/"))
    if norm.startswith("..") or norm not in files:
        raise NotFound(f"file {path} not found in the chart", code=20016)
    return norm


def inner_file(p: Principal, app_id: str, chart_id: str, path: str | None) -> str:
    data, _ = download(p, app_id, chart_id)
    files = _members(data)
    raw = files[_inner_path(files, path)]
    if len(raw) > MAX_INNER_TEXT:
        raise BadRequest("the file is too large to show", code=20033)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the file is not text", code=20033) from None


def modify_inner(p: Principal, app_id: str, chart_id: str, body) -> None:
    app = apps.writable(p, app_id)
    c = _load(app, chart_id)
    if not isinstance(body, dict):
        raise BadRequest("body must be an object {innerFilePath, content}", code=20001)
    path, content = body.get("innerFilePath"), body.get("content")
    if not isinstance(content, str):
        raise BadRequest("content must be a string", code=20002)
    if len(content.encode()) > MAX_INNER_TEXT:
        raise BadRequest("content too large", code=20018)
    files = _members(blobs.get(c.s3_key))
    norm = _inner_path(files, path if isinstance(path, str) else None)
    files[norm] = content.encode()
    data = _tgz(files)
    info = analyse(data)  # the edited chart must still be valid
    blobs.put(c.s3_key, data, content_type="application/gzip", max_bytes=MAX_CHART_BYTES)
    c.images, c.updated_at = info["images"], clock.now()
    store.save(c)
    audit.record(SURFACE, "modify_helm_chart_file", principal=p, resource=f"application/{app_id}/helmchart/{chart_id}")


def upload(p: Principal, app_id: str, content_type: str | None, raw: bytes) -> dict:
    app = _container_app(apps.writable(p, app_id))
    if not (content_type or "").lower().startswith("multipart/form-data"):
        raise BadRequest("upload the chart as multipart/form-data with a part 'file'", code=20001)
    if len(raw or b"") > MAX_CHART_BYTES + 64 * 1024:
        raise BadRequest(f"file too large (limit {MAX_CHART_BYTES} bytes)", code=20018)
    parts = multipart.parse(content_type, raw or b"", max_bytes=MAX_CHART_BYTES + 64 * 1024)
    part = parts.get("file")
    if part is None or not part.filename:
        raise BadRequest("part 'file' is required", code=20003)
    if not part.data:
        raise BadRequest("the file is empty", code=20032)
    if len(part.data) > MAX_CHART_BYTES:
        raise BadRequest(f"file too large (limit {MAX_CHART_BYTES} bytes)", code=20018)
    filename = posixpath.basename(part.filename.replace("\\", "/"))
    lower = filename.lower()
    _check_name(filename, "file name")
    if lower.endswith((".yaml", ".yml")):
        try:
            text = part.data.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("the yaml file is not utf-8 text", code=20029) from None
        parse_k8s(text, filename)
        name, data = wrap_yaml(filename, text)
    elif lower.endswith(".tgz"):
        name, data = filename, part.data
    else:
        raise BadRequest("the file must be a Helm chart .tgz or a Kubernetes .yaml/.yml", code=20024)
    return view(attach(p, app, name, data), with_content=True, data=data)


def attach(p: Principal, app: EgApplication, name: str, data: bytes) -> EgHelmChart:
    """Validate a chart ``.tgz`` and store it as a chart of the container application (26.6, and 18.7 for a
    profile's deployment files)."""
    info = analyse(data)
    if any(c.name == name for c in charts(app)):
        raise Conflict(f"a helm chart named {name} already exists in this application", code=20004)
    now = clock.now()
    chart_id = new_uuid()
    key = blobs.key(app.user_id, SURFACE, "helmchart", chart_id, name)
    blobs.put(key, data, content_type="application/gzip", max_bytes=MAX_CHART_BYTES)
    c = EgHelmChart(app_pk(app.app_id), f"CHART#{chart_id}", chart_id=chart_id, app_id=app.app_id,
                    user_id=app.user_id, name=name, file_id=new_uuid(), s3_key=key, images=info["images"],
                    created_at=now, updated_at=now)
    try:
        store.create(c)
    except Exception:
        blobs.delete(key)
        raise
    if app.status == "CREATED":
        apps.set_status(apps.load(app.app_id), "CONFIGURED")
    audit.record(SURFACE, "upload_helm_chart", principal=p,
                 resource=f"application/{app.app_id}/helmchart/{chart_id}")
    return c


def delete(p: Principal, app_id: str, chart_id: str) -> None:
    app = apps.writable(p, app_id)
    c = _load(app, chart_id)
    store.delete(c)
    blobs.delete(c.s3_key)
    audit.record(SURFACE, "delete_helm_chart", principal=p, resource=f"application/{app_id}/helmchart/{chart_id}")
