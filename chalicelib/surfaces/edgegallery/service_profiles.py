"""EdgeGallery profiles (group 18): scenario templates uploaded by administrators as a zip; package specs
(group 21) and VM user-data templates (group 20) from ``pkgspecs.json`` next to this module.

  EgProfile  EG#PROFILE#<id>/P   gsi1 EG#PROFILES/<createMs>#<id>
  unique     eg-profile-name/<name>
  bytes      S3 tenant/<adminUserId>/edgegallery/profile/<id>/<zipName>

The zip holds ``profile.yaml`` at its root (or in its single top-level folder)::

    profile:
      name: smart-park            # required, unique, no whitespace
      descriptionCh: ...          # -> description
      descriptionEn: ...
      seq: app1,app2              # optional, comma list or YAML list (default: appList)
      appList: app1,app2          # optional (default: the keys of app)
      type: Video Application
      industry: Smart Park
      version: "1.0"              # optional: the version of applications created from the profile
      topoFile: topo.png          # optional, must exist in the zip -> topoFilePath
    config: config/setup.sh       # required, a .sh file in the zip (also accepted as profile.config)
    app:
      app1:
        deploymentFile: app1/deploy.yaml   # required, ends .yaml, exists in the zip
        version: "1.0"
        provider: acme
        createType: INTEGRATED
        appClass: CONTAINER
        architecture: X86

18.7 turns each app's deployment file into a Helm chart ``<app>.tgz`` of the new application and the config
script into its script (group 10), so the package generated from it (24.4) holds both.
"""
from __future__ import annotations

import functools
import json
import os
import posixpath
import re

import yaml
from pynamodb.attributes import JSONAttribute, ListAttribute, NumberAttribute, UnicodeAttribute

from chalicelib import audit, blobs
from chalicelib.blobs import archives
from chalicelib.core import clock
from chalicelib.core.errors import BadRequest, Conflict, DomainError, NotFound
from chalicelib.core.pagination import take
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.base import Versioned
from chalicelib.surfaces.edgegallery import auth
from chalicelib.surfaces.edgegallery import service_apps as apps
from chalicelib.surfaces.edgegallery import service_charts as helm
from chalicelib.surfaces.edgegallery import service_files as files
from chalicelib.surfaces.edgegallery import service_scripts as scripts
from chalicelib.surfaces.edgegallery.common import new_uuid, require_uuid

SURFACE = "edgegallery"
MiB = 1024 * 1024
ZIP_LIMIT = 50 * MiB
ARCHIVE_MAX_ENTRIES, ARCHIVE_MAX_UNPACKED = 1024, 100 * 1000 * 1000
MEMBER_LIMIT = 10 * MiB
DEPLOY_LIMIT = helm.MAX_INNER_TEXT  # a deployment file becomes a chart template, editable through 26.x
MAX_PROFILE_APPS = 32
DOWNLOAD_TYPES = ("profileFile", "deployFile", "configFile")
APP_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class EgProfile(Versioned, discriminator="EgProfile"):
    profile_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    description_en = UnicodeAttribute(default="")
    seq = ListAttribute(default=list)
    app_list = ListAttribute(default=list)
    type = UnicodeAttribute(default="")
    industry = UnicodeAttribute(default="")
    app_version = UnicodeAttribute(default="1.0")
    topo_file = UnicodeAttribute(default="")
    config_file = UnicodeAttribute()
    apps = JSONAttribute(default=dict)         # appName -> {deploymentFile, version, provider, ...}
    file_name = UnicodeAttribute()
    blob_key = UnicodeAttribute()
    created_at = NumberAttribute()

    def index(self) -> "EgProfile":
        self.gsi1pk = "EG#PROFILES"
        self.gsi1sk = f"{int(self.created_at * 1000):015d}#{self.profile_id}"
        return self


def _pk(profile_id: str) -> str:
    return f"EG#PROFILE#{profile_id}"


def _name_key(name: str) -> tuple[str, str]:
    return ("eg-profile-name", name)


def view(pr: EgProfile) -> dict:
    return {"id": pr.profile_id, "name": pr.name, "description": pr.description, "descriptionEn": pr.description_en,
            "seq": list(pr.seq or []), "appList": list(pr.app_list or []), "createTime": files.iso_ms(pr.created_at),
            "type": pr.type, "industry": pr.industry, "topoFilePath": pr.topo_file or None}


# ---------------------------------------------------------------- zip parsing
def _list(value, field: str) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [x.strip() for x in value.split(",") if x.strip()]
    if isinstance(value, list) and all(isinstance(x, (str, int, float)) for x in value):
        return [str(x).strip() for x in value]
    raise BadRequest(f"profile.{field} must be a comma-separated list", code=20002)


def _text(value, field: str, limit: int = 1024) -> str:
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool) or len(str(value)) > limit:
        raise BadRequest(f"{field} must be a string of at most {limit} characters", code=20002)
    return str(value).strip()


def parse_zip(name: str | None, data: bytes) -> dict:
    """Validate a profile zip (catalog §8.4) and return the attributes it defines."""
    if not name or files.extension(name) != "zip":
        raise BadRequest("the profile file must be a .zip", code=20024)
    files.check_name(name)
    if not data:
        raise BadRequest("the profile file is empty", code=20032)
    if len(data) > ZIP_LIMIT:
        raise BadRequest("the profile file is too large", code=20018)
    if archives.sniff(data) != "zip":
        raise BadRequest("the profile file is not a zip archive", code=20024)
    try:
        items = archives.entries(data, max_entries=ARCHIVE_MAX_ENTRIES, max_unpacked=ARCHIVE_MAX_UNPACKED)
    except DomainError as exc:
        raise BadRequest(f"profile zip rejected: {exc.message}", code=20030) from None
    regular = {e.name for e in items if not e.is_dir}
    root = ""
    if "profile.yaml" not in regular:
        tops = {n.split("/", 1)[0] for n in regular}
        if len(tops) == 1 and f"{next(iter(tops))}/profile.yaml" in regular:
            root = next(iter(tops)) + "/"
        else:
            raise BadRequest("the zip has no profile.yaml", code=20031)
    try:
        doc = yaml.safe_load(archives.read_member(data, root + "profile.yaml", max_bytes=MiB) or b"")
    except (yaml.YAMLError, DomainError):
        raise BadRequest("profile.yaml cannot be parsed", code=20029) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("profile"), dict):
        raise BadRequest("profile.yaml must have a profile section", code=20029)
    prof, app_map = doc["profile"], doc.get("app")
    pname = _text(prof.get("name"), "profile.name", 128)
    if not pname or re.search(r"\s", pname):
        raise BadRequest("profile.name is required and must not contain whitespace", code=20002)

    def member(rel, field: str, suffixes: tuple[str, ...]) -> str:
        rel = _text(rel, field, 255)
        if not rel:
            raise BadRequest(f"{field} is required", code=20002)
        if not rel.lower().endswith(suffixes):
            raise BadRequest(f"{field} must end with " + "|".join(suffixes), code=20002)
        path = posixpath.normpath(root + rel.lstrip("/"))
        if path not in regular:
            raise BadRequest(f"{field} {rel} is not in the zip", code=20031)
        return path

    if not isinstance(app_map, dict) or not app_map:
        raise BadRequest("profile.yaml must describe at least one app", code=20002)
    apps_out = {}
    for app_name, spec in app_map.items():
        app_name = str(app_name)
        if not APP_NAME_RE.match(app_name) or not isinstance(spec, dict):
            raise BadRequest(f"app {app_name} is invalid", code=20002)
        apps_out[app_name] = {
            "deploymentFile": member(spec.get("deploymentFile"), f"app.{app_name}.deploymentFile", (".yaml",)),
            **{k: _text(spec.get(k), f"app.{app_name}.{k}", 64)
               for k in ("version", "provider", "createType", "appClass", "architecture")}}
    app_list = _list(prof.get("appList"), "appList") or list(apps_out)
    seq = _list(prof.get("seq"), "seq") or list(app_list)
    unknown = list(dict.fromkeys(a for a in app_list + seq if a not in apps_out))
    if unknown:
        raise BadRequest(f"appList/seq name apps not described under app: {', '.join(unknown)}", code=20002)
    config = member(doc.get("config", prof.get("config")), "config", (".sh",))
    topo = prof.get("topoFile") or prof.get("topoFilePath")
    return {"name": pname, "description": _text(prof.get("descriptionCh", prof.get("description")), "description"),
            "description_en": _text(prof.get("descriptionEn"), "descriptionEn"), "seq": seq, "app_list": app_list,
            "type": _text(prof.get("type"), "type", 128), "industry": _text(prof.get("industry"), "industry", 128),
            "app_version": _text(prof.get("version"), "version", 10) or "1.0",
            "topo_file": member(topo, "topoFile", ("",)) if topo else "", "config_file": config, "apps": apps_out}


# ---------------------------------------------------------------- operations
def create(p: Principal, name: str | None, data: bytes) -> EgProfile:
    auth.require_admin(p)
    attrs = parse_zip(name, data)
    profile_id, now = new_uuid(), clock.now()
    key = blobs.key(p.account_id, SURFACE, "profile", profile_id, name)
    blobs.put(key, data, content_type="application/zip", max_bytes=len(data) + 1)
    pr = EgProfile(_pk(profile_id), "P", profile_id=profile_id, user_id=p.account_id, file_name=name, blob_key=key,
                   created_at=now, **attrs).index()
    try:
        store.create(pr, unique=[_name_key(pr.name)], conflict="a profile with this name already exists")
    except Conflict:
        blobs.delete(key)
        raise
    audit.record(SURFACE, "create_profile", principal=p, resource=f"profile/{profile_id}")
    return pr


def load(profile_id: str) -> EgProfile:
    require_uuid(profile_id, "profileId")
    pr = store.get(EgProfile, _pk(profile_id), "P")
    if pr is None:
        raise NotFound(f"profile {profile_id} not found", code=20007)
    return pr


def update(p: Principal, profile_id: str, name: str | None, data: bytes) -> EgProfile:
    auth.require_admin(p)
    pr = load(profile_id)
    attrs = parse_zip(name, data)
    if attrs["name"] != pr.name:
        store.rename_unique(_name_key(pr.name), _name_key(attrs["name"]), pr)
    old_key = pr.blob_key
    key = blobs.key(p.account_id, SURFACE, "profile", profile_id, f"{int(clock.now() * 1000)}-{name}")
    blobs.put(key, data, content_type="application/zip", max_bytes=len(data) + 1)
    for k, v in attrs.items():
        setattr(pr, k, v)
    pr.file_name, pr.blob_key = name, key
    store.save(pr, conflict="the profile was changed concurrently, retry")
    blobs.delete(old_key)
    audit.record(SURFACE, "update_profile", principal=p, resource=f"profile/{profile_id}")
    return pr


def delete(p: Principal, profile_id: str) -> None:
    auth.require_admin(p)
    pr = load(profile_id)
    store.delete(pr, unique=[_name_key(pr.name)])
    blobs.delete(pr.blob_key)
    audit.record(SURFACE, "delete_profile", principal=p, resource=f"profile/{profile_id}")


def page(name: str | None, window) -> tuple[list[dict], int]:
    needle = (name or "").lower()
    results = EgProfile.gsi1.query("EG#PROFILES", scan_index_forward=False)
    items, seen = take(results, type(window)(window.offset, None),
                       (lambda x: needle in x.name.lower()) if needle else None)
    return [view(x) for x in items[: window.limit]], seen


def download(profile_id: str, file_type: str | None, app_name: str | None) -> tuple[bytes, str]:
    pr = load(profile_id)
    file_type = file_type or "profileFile"
    if file_type not in DOWNLOAD_TYPES:
        raise BadRequest("type must be profileFile, deployFile or configFile", code=20002)
    try:
        data = blobs.get(pr.blob_key)
    except NotFound:
        raise NotFound("profile file not found", code=20016) from None
    if file_type == "profileFile":
        return data, pr.file_name
    if file_type == "deployFile":
        if not app_name:
            raise BadRequest("name (the app name) is required for deployFile", code=20002)
        spec = (pr.apps or {}).get(app_name)
        if spec is None:
            raise NotFound(f"profile has no app {app_name}", code=20016)
        member = spec["deploymentFile"]
    else:
        member = pr.config_file
    return _member(data, member, MEMBER_LIMIT), member.rsplit("/", 1)[-1]


def _member(data: bytes, member: str, limit: int) -> bytes:
    try:
        raw = archives.read_member(data, member, max_bytes=limit)
    except DomainError:
        raise BadRequest(f"{member} in the profile is larger than {limit} bytes", code=20018) from None
    if raw is None:
        raise NotFound(f"{member} not found in the profile", code=20016)
    return raw


def _chart_stem(app_name: str, taken: set[str]) -> str:
    """A chart name from the profile's app name (lowercase letters, digits, ``-``: ``<stem>.yaml`` and
    ``<stem>.tgz`` then match group 26's ``^[a-z0-9][a-z0-9-.]+[a-z0-9]$``), unique within the application."""
    stem = re.sub(r"[^a-z0-9]+", "-", app_name.lower())[:50].strip("-") or "app"
    out, n = stem, 1
    while out in taken:
        n += 1
        out = f"{stem}-{n}"
    taken.add(out)
    return out


def deployment_charts(pr: EgProfile, data: bytes) -> list[tuple[str, bytes]]:
    """Each app's deployment file as a validated Helm chart ``(<app>.tgz, bytes)`` holding ``Chart.yaml``,
    ``values.yaml`` and ``templates/<app>.yaml`` (the file), in the profile's app order. Everything is checked
    before the application exists, so a bad deployment file creates nothing."""
    names = list(pr.app_list or []) or list(pr.apps or {})
    if len(names) > MAX_PROFILE_APPS:
        raise BadRequest(f"a profile creates at most {MAX_PROFILE_APPS} charts", code=20002)
    out, taken = [], set()
    for app_name in names:
        member = ((pr.apps or {}).get(app_name) or {}).get("deploymentFile") or ""
        raw = _member(data, member, DEPLOY_LIMIT)
        try:
            text = raw.decode("utf-8")
            helm.parse_k8s(text, member)
            name, tgz = helm.wrap_yaml(f"{_chart_stem(app_name, taken)}.yaml", text)
            helm.analyse(tgz)
        except UnicodeDecodeError:
            raise BadRequest(f"{member} is not utf-8 text", code=20029) from None
        except BadRequest as exc:
            raise BadRequest(f"app {app_name}: {exc.message}", code=exc.code) from None
        out.append((name, tgz))
    return out


def create_application(p: Principal, profile_id: str, icon_name: str | None, icon: bytes) -> dict:
    """18.7: a CONTAINER application named after the profile, provider = the caller, with the uploaded icon,
    a Helm chart per app deployment file (CONFIGURED) and the profile's config script as its script."""
    auth.require_writer(p)
    pr = load(profile_id)
    first = (pr.apps or {}).get((pr.seq or pr.app_list or [""])[0], {})
    try:
        data = blobs.get(pr.blob_key)
    except NotFound:
        raise NotFound("profile file not found", code=20016) from None
    charts = deployment_charts(pr, data)
    config = (pr.config_file.rsplit("/", 1)[-1], _member(data, pr.config_file, scripts.MAX_SCRIPT))
    icon_file = files.upload(p, "icon", icon_name, icon)
    body = {"name": pr.name, "version": pr.app_version or "1.0", "provider": (p.username or "")[:30],
            "appClass": "CONTAINER", "architecture": first.get("architecture") or "X86",
            "appCreateType": "INTEGRATED", "iconFileId": icon_file.file_id, "type": pr.type or None,
            "industry": pr.industry or None, "description": (pr.description or pr.description_en)[:128] or None}
    try:
        app = apps.create(p, {k: v for k, v in body.items() if v is not None})
    except DomainError:
        files.delete(p, icon_file.file_id)
        raise
    try:
        for name, tgz in charts:
            helm.attach(p, app, name, tgz)
        scripts.add(p, app, *config)
    except Exception:
        apps.delete(p, app.app_id)
        files.delete(p, icon_file.file_id)
        raise
    audit.record(SURFACE, "create_application_from_profile", principal=p, resource=f"profile/{profile_id}")
    return apps.view(apps.load(app.app_id))


# ---------------------------------------------------------------- package specs and user data (groups 20, 21)
@functools.lru_cache(maxsize=1)
def _settings() -> dict:
    with open(os.path.join(os.path.dirname(__file__), "pkgspecs.json"), encoding="utf-8") as fh:
        return json.load(fh)


def pkg_specs() -> list[dict]:
    return json.loads(json.dumps(_settings()["specs"]))


def user_data(os_type: str | None, pkg_spec_id: str | None) -> str:
    if not os_type or not pkg_spec_id:
        raise BadRequest("osType and pkgSpecId are required", code=20003)
    spec = next((s for s in _settings()["specs"] if s["id"] == pkg_spec_id), None)
    if spec is None:
        raise NotFound(f"package spec {pkg_spec_id} not found", code=20007)
    flag = spec["specifications"]["appdSpecs"].get("userDataFlag") or ""
    templates, os_key = _settings()["userData"], os_type.strip().lower()
    text = templates.get(f"{os_key}_{flag}") if flag else None
    text = text or templates.get(os_key)
    if text is None:
        raise BadRequest("osType must be one of " + ", ".join(sorted(k for k in templates if "_" not in k)),
                         code=20002)
    return text
