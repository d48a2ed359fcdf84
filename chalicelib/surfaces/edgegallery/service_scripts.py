"""EdgeGallery application scripts (group 10): ``.sh`` files (≤ 10 MiB) uploaded for an application,
stored in S3 and listed in the application's ``scriptList`` (catalog §3.6, §8.4 "Script upload").

  EgScript  EG#APP#<appId>/SCRIPT#<scriptId>   → EgUploadFile EG#FILE#<scriptFileId>/F (bytes in S3)

As upstream, the bytes are stored as an UploadFile of type ``script`` (group 6, ``service_files``), so
``scriptFileId`` is an upload-file id (readable through 6.x); the package generator reads the bytes with
:func:`read`. Deleting the application deletes its scripts' files.
"""
from __future__ import annotations

import re
import time

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib import audit, blobs
from chalicelib.blobs import multipart
from chalicelib.core.errors import BadRequest, NotFound, TooLarge
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.base import Versioned
from chalicelib.store.edgegallery import EgApplication, app_pk
from chalicelib.surfaces.edgegallery import auth
from chalicelib.surfaces.edgegallery import service_apps as apps
from chalicelib.surfaces.edgegallery import service_files as files
from chalicelib.surfaces.edgegallery.common import new_uuid
from chalicelib.core import clock

SURFACE = "edgegallery"
MAX_SCRIPT = 10 * 1024 * 1024
MAX_SCRIPTS = 100
BAD_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


class EgScript(Versioned, discriminator="EgScript"):
    app_id = UnicodeAttribute()
    script_id = UnicodeAttribute()
    name = UnicodeAttribute()
    file_id = UnicodeAttribute()
    blob_key = UnicodeAttribute()
    size = NumberAttribute(default=0)
    created_at = NumberAttribute()


def _iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + f".{int(ts * 1000) % 1000:03d}Z"


def render(s: EgScript) -> dict:
    return {"id": s.script_id, "name": s.name, "scriptFileId": s.file_id, "createTime": _iso(s.created_at)}


def scripts(app: EgApplication) -> list[EgScript]:
    """The application's scripts, oldest first (package generator: ``Artifacts/Deployment/Scripts/``)."""
    rows = list(EgScript.query(app_pk(app.app_id), EgScript.sk.startswith("SCRIPT#")))
    return sorted(rows, key=lambda s: (s.created_at, s.script_id))


def read(script: EgScript) -> bytes:
    try:
        return blobs.get(script.blob_key)
    except NotFound:
        raise NotFound(f"script file {script.file_id} not found", code=20016) from None


def _check_name(name: str | None) -> str:
    name = (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    if (not 1 <= len(name) <= 255 or name != name.strip() or name.endswith(".") or BAD_NAME.search(name)):
        raise BadRequest("invalid script file name", code=20024)
    if not name.lower().endswith(".sh") or name[-3:] not in (".sh", ".SH"):
        raise BadRequest("script file must be a .sh file", code=20024)
    return name


def upload(p: Principal, app_id: str, content_type: str | None, raw: bytes) -> dict:
    auth.require_writer(p)
    app = apps.writable(p, app_id)
    if len(raw) > MAX_SCRIPT + 64 * 1024:
        raise TooLarge("script file is larger than 10 MiB", code=20018)
    form = multipart.parse(content_type, raw, max_bytes=MAX_SCRIPT + 64 * 1024)
    part = form.get("file")
    if part is None or part.filename is None:
        raise BadRequest("part 'file' is required", code=20002)
    return render(add(p, app, part.filename, part.data))


def add(p: Principal, app: EgApplication, name: str | None, data: bytes) -> EgScript:
    """Store ``data`` as a script of ``app`` (10.1, and 18.7 for a profile's config script)."""
    name = _check_name(name)
    if len(data) > MAX_SCRIPT:
        raise TooLarge("script file is larger than 10 MiB", code=20018)
    if not data:
        raise BadRequest("script file is empty", code=20032)
    if len(scripts(app)) >= MAX_SCRIPTS:
        raise BadRequest(f"an application holds at most {MAX_SCRIPTS} scripts", code=20004)
    script_id = new_uuid()
    f = files.store_file(p, "script", name, data)
    s = EgScript(app_pk(app.app_id), f"SCRIPT#{script_id}", app_id=app.app_id, script_id=script_id, name=name,
                 file_id=f.file_id, blob_key=f.blob_key, size=len(data), created_at=clock.now())
    try:
        store.create(s, conflict="script already exists")
    except Exception:
        _drop_file(f.file_id)
        raise
    audit.record(SURFACE, "upload_script", principal=p, resource=f"application/{app.app_id}/scripts/{script_id}")
    return s


@apps.part("scriptList")
def _script_list(app: EgApplication) -> list[dict]:
    return [render(s) for s in scripts(app)]


def _drop_file(file_id: str) -> None:
    f = store.get(files.EgUploadFile, f"EG#FILE#{file_id}", "F")
    if f is not None:
        blobs.delete(f.blob_key)
        store.delete(f)


@apps.on_delete
def _cascade(app: EgApplication) -> None:
    for s in scripts(app):
        _drop_file(s.file_id)
