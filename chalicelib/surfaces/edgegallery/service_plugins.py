"""EdgeGallery plugins and SDKs (group 1): an archive, a logo and an API document, rated and downloaded.

  EgPlugin  EG#PLUGIN#<id>/P   gsi1 EG#PLUGINS#<pluginType>/<uploadMs>#<id>   (lists: newest first)
  unique    eg-plugin-hash/<sha256 of the plugin archive>  (an archive is uploaded once; catalog §8.4)
  bytes     S3 tenant/<userId>/edgegallery/plugin/<id>/<part>-<fileName>

Plugins are platform-wide: every authenticated caller lists and downloads them; the uploader (or an
administrator) updates and deletes; any non-guest rates. Scores are integers 0..5, ``satisfaction`` is
the running average (new and replaced plugins start at 3.0 with no scores, as upstream).
"""
from __future__ import annotations

import hashlib
import time

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib import audit, blobs
from chalicelib.blobs import archives
from chalicelib.core import clock
from chalicelib.core.errors import BadRequest, Conflict, DomainError, NotFound
from chalicelib.core.pagination import take
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.base import Versioned
from chalicelib.surfaces.edgegallery import auth
from chalicelib.surfaces.edgegallery import service_files as files
from chalicelib.surfaces.edgegallery.common import new_uuid, require_uuid

SURFACE = "edgegallery"
MiB = 1024 * 1024
LANGUAGES = {"java": "JAVA", "python": "Python", "go": "Go", ".net": ".Net", "php": "PHP"}
PLUGIN_TYPES = ("1", "2")
# part -> (extensions, max bytes)
RULES = {"pluginFile": ({"zip", "csar"}, 50 * MiB), "logoFile": ({"jpg", "png", "bmp"}, 10 * MiB),
         "apiFile": ({"md"}, 10 * MiB)}
ARCHIVE_MAX_ENTRIES, ARCHIVE_MAX_UNPACKED = 1024, 100 * 1000 * 1000
FORM_LIMIT = 70 * MiB + 256 * 1024
TEXT_LIMITS = {"pluginName": 255, "codeLanguage": 32, "version": 255, "introduction": 2048}


class EgPlugin(Versioned, discriminator="EgPlugin"):
    plugin_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    user_name = UnicodeAttribute()
    plugin_name = UnicodeAttribute()
    code_language = UnicodeAttribute()
    plugin_type = UnicodeAttribute()
    version = UnicodeAttribute()
    introduction = UnicodeAttribute(default="")
    satisfaction = NumberAttribute(default=3.0)
    score_count = NumberAttribute(default=0)
    score_sum = NumberAttribute(default=0)
    download_count = NumberAttribute(default=0)
    files = JSONAttribute(default=dict)   # part -> {originalFileName, key, fileSize, hashCode}
    uploaded_at = NumberAttribute()

    def index(self) -> "EgPlugin":
        self.gsi1pk = f"EG#PLUGINS#{self.plugin_type}"
        self.gsi1sk = f"{int(self.uploaded_at * 1000):015d}#{self.plugin_id}"
        return self


def _pk(plugin_id: str) -> str:
    return f"EG#PLUGIN#{plugin_id}"


def _hash_key(sha: str) -> tuple[str, str]:
    return ("eg-plugin-hash", sha)


_URL = {"pluginFile": "download", "apiFile": "get-apifile", "logoFile": "get-logofile"}


def _file_view(pl: EgPlugin, part: str) -> dict:
    f = (pl.files or {}).get(part) or {}
    return {"originalFileName": f.get("originalFileName", ""),
            "storageAddress": f"/mec/developer/v1/plugins/{pl.plugin_id}/action/{_URL[part]}",
            "fileSize": f.get("fileSize", 0), "hashCode": f.get("hashCode", ""),
            "name": f.get("originalFileName", ""), "size": f.get("fileSize", 0)}


def view(pl: EgPlugin) -> dict:
    """The documented nested Plugin, plus upstream's flattened owner/size fields at the top level."""
    return {"pluginId": pl.plugin_id, "pluginName": pl.plugin_name, "introduction": pl.introduction,
            "satisfaction": round(float(pl.satisfaction), 2), "codeLanguage": pl.code_language,
            "pluginType": pl.plugin_type, "version": pl.version, "scoreCount": int(pl.score_count),
            "downloadCount": int(pl.download_count), "logoFile": _file_view(pl, "logoFile"),
            "pluginFile": _file_view(pl, "pluginFile"), "apiFile": _file_view(pl, "apiFile"),
            "uploadTime": files.iso_ms(pl.uploaded_at), "user": {"userId": pl.user_id, "userName": pl.user_name},
            "userId": pl.user_id, "userName": pl.user_name,
            "pluginSize": int(((pl.files or {}).get("pluginFile") or {}).get("fileSize", 0))}


# ---------------------------------------------------------------- validation
def _fields(form: dict, *, creating: bool) -> dict:
    out, errors = {}, []
    for name, limit in TEXT_LIMITS.items():
        value = form.get(name)
        if value is None:
            if creating:
                errors.append(f"{name} is required")
            continue
        if not value or len(value) > limit:
            errors.append(f"{name} must be 1-{limit} characters")
            continue
        out[name] = value
    if "codeLanguage" in out:
        lang = LANGUAGES.get(out["codeLanguage"].lower())
        if lang is None:
            errors.append("codeLanguage must be one of JAVA, Python, Go, .Net, PHP")
        out["codeLanguage"] = lang
    ptype = form.get("pluginType")
    if ptype is not None or creating:
        if ptype not in PLUGIN_TYPES:
            errors.append("pluginType must be 1 (plugin) or 2 (SDK)")
        out["pluginType"] = ptype
    if errors:
        raise BadRequest("; ".join(errors), code=20002)
    return out


def check_file(part: str, name: str | None, data: bytes) -> None:
    exts, limit = RULES[part]
    if not name:
        raise BadRequest(f"{part} has no file name", code=20024)
    files.check_name(name)
    if files.extension(name) not in exts:
        raise BadRequest(f"{part} must end with " + "|".join(sorted(exts)), code=20024)
    if len(data) > limit:
        raise BadRequest(f"{part} too large (limit {limit} bytes)", code=20018)
    if not data:
        raise BadRequest(f"{part} is empty", code=20032)
    if part == "pluginFile":
        if archives.sniff(data) != "zip":
            raise BadRequest("pluginFile is not a zip archive", code=20024)
        try:
            archives.entries(data, max_entries=ARCHIVE_MAX_ENTRIES, max_unpacked=ARCHIVE_MAX_UNPACKED)
        except DomainError as exc:
            raise BadRequest(f"pluginFile rejected: {exc.message}", code=20030) from None
    elif part == "logoFile":
        files.check_content("logo", name, data)
    else:
        files.check_content("md", name, data)


def _store_parts(p: Principal, plugin_id: str, parts: dict) -> dict:
    out = {}
    for part, (name, data) in parts.items():
        key = blobs.key(p.account_id, SURFACE, "plugin", plugin_id, f"{part}-{name}")
        blobs.put(key, data, max_bytes=len(data) + 1)
        out[part] = {"originalFileName": name, "key": key, "fileSize": len(data),
                     "hashCode": hashlib.sha256(data).hexdigest()}
    return out


def _file_parts(form_files: dict, *, required: bool) -> dict:
    parts = {}
    for part in RULES:
        f = form_files.get(part)
        if f is None or f.filename is None:
            if required:
                raise BadRequest(f"multipart part {part} is required", code=20003)
            continue
        check_file(part, f.filename, f.data)
        parts[part] = (f.filename, f.data)
    return parts


# ---------------------------------------------------------------- operations
def create(p: Principal, form: dict, form_files: dict) -> EgPlugin:
    auth.require_writer(p)
    auth.check_body_user(p, form.get("userId"), form.get("userName"))
    fields = _fields(form, creating=True)
    parts = _file_parts(form_files, required=True)
    plugin_id, now = new_uuid(), clock.now()
    stored = _store_parts(p, plugin_id, parts)
    pl = EgPlugin(_pk(plugin_id), "P", plugin_id=plugin_id, user_id=p.account_id, user_name=p.username,
                  plugin_name=fields["pluginName"], code_language=fields["codeLanguage"],
                  plugin_type=fields["pluginType"], version=fields["version"], introduction=fields["introduction"],
                  satisfaction=3.0, files=stored, uploaded_at=now).index()
    try:
        store.create(pl, unique=[_hash_key(stored["pluginFile"]["hashCode"])])
    except Conflict:
        _drop_blobs(stored)
        raise BadRequest("the plugin has already been uploaded", code=20004) from None
    audit.record(SURFACE, "upload_plugin", principal=p, resource=f"plugin/{plugin_id}")
    return pl


def load(plugin_id: str) -> EgPlugin:
    require_uuid(plugin_id, "pluginId")
    pl = store.get(EgPlugin, _pk(plugin_id), "P")
    if pl is None:
        raise NotFound(f"plugin {plugin_id} not found", code=20007)
    return pl


def _drop_blobs(stored: dict) -> None:
    for f in stored.values():
        blobs.delete(f["key"])


def update(p: Principal, plugin_id: str, form: dict, form_files: dict) -> EgPlugin:
    pl = load(plugin_id)
    auth.require_owner(p, pl.user_id)
    auth.check_body_user(p, form.get("userId"), form.get("userName"))
    fields = _fields(form, creating=False)
    parts = _file_parts(form_files, required=False)
    stored = _store_parts(p, f"{plugin_id}/{int(clock.now() * 1000)}", parts)
    old = dict(pl.files or {})
    if "pluginFile" in stored and stored["pluginFile"]["hashCode"] != old["pluginFile"]["hashCode"]:
        try:
            store.rename_unique(_hash_key(old["pluginFile"]["hashCode"]),
                                _hash_key(stored["pluginFile"]["hashCode"]), pl)
        except Conflict:
            _drop_blobs(stored)
            raise BadRequest("the plugin has already been uploaded", code=20004) from None
    for attr, key in (("plugin_name", "pluginName"), ("code_language", "codeLanguage"),
                      ("plugin_type", "pluginType"), ("version", "version"), ("introduction", "introduction")):
        if key in fields:
            setattr(pl, attr, fields[key])
    pl.files = {**old, **stored}
    pl.satisfaction, pl.score_count, pl.score_sum = 3.0, 0, 0
    pl.uploaded_at = clock.now()
    pl.index()
    store.save(pl, conflict="the plugin was changed concurrently, retry")
    _drop_blobs({k: v for k, v in old.items() if k in stored and v["key"] != stored[k]["key"]})
    audit.record(SURFACE, "update_plugin", principal=p, resource=f"plugin/{plugin_id}")
    return pl


def delete(p: Principal, plugin_id: str) -> None:
    pl = load(plugin_id)
    auth.require_owner(p, pl.user_id)
    store.delete(pl, unique=[_hash_key(pl.files["pluginFile"]["hashCode"])])
    _drop_blobs(pl.files or {})
    audit.record(SURFACE, "delete_plugin", principal=p, resource=f"plugin/{plugin_id}")


def _retry(plugin_id: str, change) -> EgPlugin:
    for _ in range(5):
        pl = load(plugin_id)
        change(pl)
        try:
            return store.save(pl)
        except Conflict:
            time.sleep(0.01)
    raise Conflict("the plugin is busy, retry")


def score(p: Principal, plugin_id: str, value) -> EgPlugin:
    auth.require_writer(p)
    try:
        n = int(value)
        if str(n) != str(value).strip() or not 0 <= n <= 5:
            raise ValueError
    except (TypeError, ValueError):
        raise BadRequest("score must be an integer 0..5", code=20002) from None
    load(plugin_id)

    def change(pl):
        pl.score_sum = float(pl.score_sum or 0) + n
        pl.score_count = int(pl.score_count or 0) + 1
        pl.satisfaction = round(float(pl.score_sum) / int(pl.score_count), 2)

    pl = _retry(plugin_id, change)
    audit.record(SURFACE, "score_plugin", principal=p, resource=f"plugin/{plugin_id}")
    return pl


def file_bytes(plugin_id: str, part: str, *, count_download: bool = False) -> tuple[bytes, str]:
    pl = load(plugin_id)
    f = (pl.files or {}).get(part)
    if not f:
        raise NotFound(f"plugin {plugin_id} has no {part}", code=20016)
    try:
        data = blobs.get(f["key"])
    except NotFound:
        raise NotFound(f"{part} of plugin {plugin_id} not found", code=20016) from None
    if count_download:
        _retry(plugin_id, lambda x: setattr(x, "download_count", int(x.download_count or 0) + 1))
    return data, f["originalFileName"]


def page(plugin_type: str | None, code_language: str | None, name: str | None, window) -> tuple[list[dict], int]:
    if plugin_type not in PLUGIN_TYPES:
        raise BadRequest("pluginType must be 1 (plugin) or 2 (SDK)", code=20002)
    lang = (code_language or "").lower()
    needle = (name or "").lower()

    def pred(pl):
        return (not lang or pl.code_language.lower() == lang) and (not needle or needle in pl.plugin_name.lower())

    results = EgPlugin.gsi1.query(f"EG#PLUGINS#{plugin_type}", scan_index_forward=False)
    items, seen = take(results, type(window)(window.offset, None), pred if (lang or needle) else None)
    return [view(x) for x in items[: window.limit]], seen
