"""EdgeGallery upload files (group 6): icons, API specs, guide markdown, scripts; sample code and SDKs.

  EgUploadFile  EG#FILE#<fileId>/F   gsi1 EG#USER#<userId>#FILES/<uploadMs>#<fileId>
  bytes         S3 tenant/<userId>/edgegallery/file/<fileId>/<fileName>

Reads (6.1, 6.4, sample code, SDK) are open to every authenticated caller: files are referenced by shared
objects (capability icons and API docs). Deletes are for the owner or an administrator.
Sample code and SDKs are generated on every request from the API files (deterministic, nothing stored).
"""
from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
import time

import yaml
from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute

from chalicelib import audit, blobs
from chalicelib.blobs import multipart
from chalicelib.core import clock
from chalicelib.core.errors import BadRequest, Forbidden, NotFound
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.base import Versioned
from chalicelib.surfaces.edgegallery import auth
from chalicelib.surfaces.edgegallery.common import new_uuid, require_uuid

SURFACE = "edgegallery"
MiB = 1024 * 1024
# fileType -> (allowed extensions (lower-case), max bytes)   catalog §8.4
TYPES = {"icon": ({"png", "jpg"}, 2 * MiB), "md": ({"md"}, 10 * MiB),
         "api": ({"yaml", "yml", "json"}, 10 * MiB), "script": ({"sh"}, 10 * MiB)}
BAD_NAME = re.compile(r'[\\/:*?"<>|]')
MIME = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "bmp": "image/bmp", "md": "text/markdown",
        "yaml": "application/x-yaml", "yml": "application/x-yaml", "json": "application/json",
        "sh": "text/x-shellscript"}
SDK_LANGUAGES = {"python": "py", "java": "java", "go": "go", "javascript": "js"}
MAX_OPERATIONS = 200


class EgUploadFile(Versioned, discriminator="EgUploadFile"):
    file_id = UnicodeAttribute()
    file_name = UnicodeAttribute()
    file_type = UnicodeAttribute()
    user_id = UnicodeAttribute()
    blob_key = UnicodeAttribute()
    size = NumberAttribute(default=0)
    sha256 = UnicodeAttribute(default="")
    temp = BooleanAttribute(default=False)
    created_at = NumberAttribute()


def _pk(file_id: str) -> str:
    return f"EG#FILE#{file_id}"


def iso_ms(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + f".{int(ts * 1000) % 1000:03d}Z"


def extension(name: str) -> str:
    return name.rsplit(".", 1)[1].lower() if "." in name else ""


def check_name(name: str | None) -> str:
    """Upstream FileUtil: 1..255 chars, no surrounding whitespace, none of ``\\ / : * ? " < > |``, no trailing dot."""
    if not name or len(name) > 255 or name != name.strip() or BAD_NAME.search(name) or name.endswith("."):
        raise BadRequest("file name is invalid", code=20024)
    return name


def view(f: EgUploadFile) -> dict:
    return {"fileId": f.file_id, "fileName": f.file_name, "url": f"/mec/developer/v2/upload-files/{f.file_id}"
            "/action/get-file-stream", "userId": f.user_id, "uploadDate": iso_ms(f.created_at),
            "filePath": f"/uploaded-files/{f.file_id}/{f.file_name}", "temp": bool(f.temp), "fileType": f.file_type}


def _sniff_image(data: bytes) -> str | None:
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:3] == b"\xff\xd8\xff":
        return "jpg"
    if data[:2] == b"BM":
        return "bmp"
    return None


def check_content(file_type: str, name: str, data: bytes) -> None:
    """Bytes must match what the name claims (icons are images, API docs parse, texts are UTF-8)."""
    if not data:
        raise BadRequest("file is empty", code=20032)
    ext = extension(name)
    if file_type in ("icon", "logo"):
        kind = _sniff_image(data)
        if kind is None or (kind == "bmp") != (ext == "bmp"):
            raise BadRequest("file content is not a png/jpg/bmp image", code=20024)
        return
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("file is not UTF-8 text", code=20024) from None
    if file_type == "api":
        parse_api(text)


def parse_api(text: str) -> dict:
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError:
        raise BadRequest("API file is not valid YAML or JSON", code=20024) from None
    if not isinstance(doc, dict):
        raise BadRequest("API file must be a YAML/JSON object", code=20024)
    return doc


def form(ctx, max_bytes: int) -> dict:
    """The multipart parts of the request; a body over ``max_bytes`` is refused before parsing (400/20018)."""
    if len(ctx.raw) > max_bytes:
        raise BadRequest(f"upload too large (limit {max_bytes} bytes)", code=20018)
    return multipart.parse(ctx.header("content-type"), ctx.raw, max_bytes=max_bytes + 1)


# ---------------------------------------------------------------- CRUD
def upload(p: Principal, file_type: str | None, name: str | None, data: bytes, *, temp: bool = False) -> EgUploadFile:
    auth.require_writer(p)
    if file_type not in TYPES:
        raise BadRequest("fileType must be one of icon, api, md, script", code=20002)
    exts, limit = TYPES[file_type]
    check_name(name)
    if extension(name) not in exts:
        raise BadRequest(f"{file_type} files must end with " + "|".join(sorted(exts)), code=20024)
    if len(data) > limit:
        raise BadRequest(f"file too large (limit {limit} bytes)", code=20018)
    check_content(file_type, name, data)
    return store_file(p, file_type, name, data, temp=temp)


def store_file(p: Principal, file_type: str, name: str, data: bytes, *, temp: bool = False) -> EgUploadFile:
    file_id = new_uuid()
    key = blobs.key(p.account_id, SURFACE, "file", file_id, name)
    blobs.put(key, data, content_type=MIME.get(extension(name), "application/octet-stream"), max_bytes=len(data) + 1)
    now = clock.now()
    f = EgUploadFile(_pk(file_id), "F", file_id=file_id, file_name=name, file_type=file_type, user_id=p.account_id,
                     blob_key=key, size=len(data), sha256=hashlib.sha256(data).hexdigest(), temp=temp,
                     created_at=now, gsi1pk=f"EG#USER#{p.account_id}#FILES",
                     gsi1sk=f"{int(now * 1000):015d}#{file_id}")
    store.create(f)
    audit.record(SURFACE, "upload_file", principal=p, resource=f"upload-file/{file_id}")
    return f


def load(file_id: str) -> EgUploadFile:
    require_uuid(file_id, "fileId")
    f = store.get(EgUploadFile, _pk(file_id), "F")
    if f is None:
        raise NotFound(f"file {file_id} not found", code=20016)
    return f


def content(f: EgUploadFile) -> bytes:
    try:
        return blobs.get(f.blob_key)
    except NotFound:
        raise NotFound(f"file {f.file_id} content not found", code=20016) from None


def delete(p: Principal, file_id: str) -> None:
    f = load(file_id)
    auth.require_writer(p)
    if f.user_id != p.account_id and not auth.is_admin(p):
        raise Forbidden("Cannot delete files uploaded by others", code=20015)
    blobs.delete(f.blob_key)
    store.delete(f)
    audit.record(SURFACE, "delete_file", principal=p, resource=f"upload-file/{file_id}")


def check_icon(p: Principal, file_id) -> None:
    """For application create (service_apps.icon_checker): an icon the caller uploaded, else 404/20016."""
    if not isinstance(file_id, str):
        raise NotFound("icon file not found", code=20016)
    try:
        f = load(file_id)
    except BadRequest:
        raise NotFound("icon file not found", code=20016) from None
    if f.file_type != "icon" or (f.user_id != p.account_id and not auth.is_admin(p)):
        raise NotFound("icon file not found", code=20016)


# ---------------------------------------------------------------- sample code and SDK generation
def _slug(value: str, default: str = "api") -> str:
    s = re.sub(r"[^A-Za-z0-9]+", "_", value or "").strip("_").lower()[:60] or default
    return f"op_{s}" if s[0].isdigit() else s


def operations(doc: dict) -> list[tuple[str, str, str]]:
    """(path, METHOD, operationId-ish name) from an OpenAPI/Swagger document."""
    out = []
    paths = doc.get("paths") if isinstance(doc.get("paths"), dict) else {}
    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        for method in ("get", "post", "put", "patch", "delete", "head", "options"):
            op = item.get(method)
            if op is None:
                continue
            op_id = op.get("operationId") if isinstance(op, dict) else None
            out.append((str(path), method.upper(), _slug(op_id or f"{method}_{path}", method)))
            if len(out) >= MAX_OPERATIONS:
                return out
    return out


def _api_files(p: Principal, ids) -> list[tuple[EgUploadFile, dict]]:
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise BadRequest("body must be a non-empty JSON array of file ids", code=20002)
    if len(ids) > 20:
        raise BadRequest("at most 20 API files", code=20002)
    out = []
    for file_id in dict.fromkeys(ids):
        f = load(file_id)
        if f.file_type != "api":
            raise BadRequest(f"file {file_id} is not an API file", code=20024)
        out.append((f, parse_api(content(f).decode("utf-8", errors="replace"))))
    return out


def sample_files(p: Principal, ids) -> dict[str, str]:
    """Relative path -> text of the generated sample project (root ``sample-code``)."""
    files: dict[str, str] = {}
    readme = ["# Sample code", "", "Generated by the EdgeGallery developer platform from these API files:", ""]
    for f, doc in _api_files(p, ids):
        info = doc.get("info") if isinstance(doc.get("info"), dict) else {}
        title = str(info.get("title") or f.file_name.rsplit(".", 1)[0])
        slug = _slug(title)
        ops = operations(doc)
        readme.append(f"- {title} ({f.file_name}): {len(ops)} operation(s) in `src/{slug}/`")
        base = _base_url(doc)
        for path, method, name in ops:
            files[f"sample-code/src/{slug}/{name}.py"] = (
                f'"""{method} {path} — {title}."""\nimport json\nimport urllib.request\n\n'
                f'BASE_URL = {base!r}\n\n\n'
                f'def {name}(body=None, token=""):\n'
                f'    req = urllib.request.Request(BASE_URL + {path!r}, method={method!r},\n'
                f'                                 data=json.dumps(body).encode() if body is not None else None,\n'
                f'                                 headers={{"content-type": "application/json", '
                f'"access_token": token}})\n'
                f'    with urllib.request.urlopen(req) as resp:\n'
                f'        return json.loads(resp.read() or b"null")\n')
    files["sample-code/README.md"] = "\n".join(readme) + "\n"
    return dict(sorted(files.items()))


def _base_url(doc: dict) -> str:
    servers = doc.get("servers")
    if isinstance(servers, list) and servers and isinstance(servers[0], dict) and servers[0].get("url"):
        return str(servers[0]["url"]).rstrip("/")
    host, base = doc.get("host"), doc.get("basePath") or ""
    return f"http://{host}{base}".rstrip("/") if host else "http://localhost:8080"


def tgz(files: dict[str, str | bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for path, data in files.items():
            raw = data.encode() if isinstance(data, str) else data
            info = tarfile.TarInfo(path)
            info.size, info.mtime, info.mode = len(raw), int(clock.now()), 0o644
            tf.addfile(info, io.BytesIO(raw))
    return buf.getvalue()


def sample_tree(files: dict[str, str]) -> dict:
    """6.7 tree ``{name, id, children, parent}``; ``id`` is the relative path, ``parent`` marks directories."""
    root = {"name": "sample-code", "id": "sample-code", "children": [], "parent": True}
    nodes = {"sample-code": root}
    for path in files:
        parts = path.split("/")
        for i in range(1, len(parts)):
            pid, cid = "/".join(parts[:i]), "/".join(parts[: i + 1])
            if cid not in nodes:
                is_dir = i < len(parts) - 1
                node = {"name": parts[i], "id": cid, "children": [], "parent": is_dir}
                nodes[cid] = node
                nodes[pid]["children"].append(node)
    return root


def sample_content(files: dict[str, str], file_name: str | None) -> str:
    if not file_name:
        raise BadRequest("query parameter fileName is required", code=20002)
    if file_name in files:
        return files[file_name]
    for candidate in (f"sample-code/{file_name.lstrip('/')}",):
        if candidate in files:
            return files[candidate]
    matches = [k for k in files if k.rsplit("/", 1)[-1] == file_name]
    if len(matches) == 1:
        return files[matches[0]]
    raise NotFound(f"no generated file {file_name}", code=20016)


def sdk(p: Principal, file_id: str, lan: str | None) -> tuple[bytes, str]:
    """6.5: a small SDK project for the API file in language ``lan``; returns (tgz, file name)."""
    lang = (lan or "").strip().lower()
    if lang not in SDK_LANGUAGES:
        raise BadRequest("lan must be one of " + ", ".join(SDK_LANGUAGES), code=20002)
    ((f, doc),) = _api_files(p, [file_id])
    info = doc.get("info") if isinstance(doc.get("info"), dict) else {}
    title = str(info.get("title") or f.file_name.rsplit(".", 1)[0])
    slug, ext, base = _slug(title), SDK_LANGUAGES[lang], _base_url(doc)
    root = f"{slug}-sdk-{lang}"
    ops = operations(doc)
    lines = {
        "py": [f"BASE_URL = {json.dumps(base)}", "", "class Client:",
               "    def __init__(self, base_url=BASE_URL, token=''):",
               "        self.base_url, self.token = base_url, token", ""]
        + [f"    def {n}(self):\n        return ({m!r}, self.base_url + {pth!r})\n" for pth, m, n in ops],
        "java": [f"public class {slug.title().replace('_', '')}Client {{",
                 f"    public static final String BASE_URL = {json.dumps(base)};"]
        + [f"    public String[] {n}() {{ return new String[]{{{json.dumps(m)}, BASE_URL + {json.dumps(pth)}}}; }}"
           for pth, m, n in ops] + ["}"],
        "go": ["package sdk", "", f"const BaseURL = {json.dumps(base)}", ""]
        + [f"func {n.title().replace('_', '')}() (string, string) {{ return {json.dumps(m)}, "
           f"BaseURL + {json.dumps(pth)} }}" for pth, m, n in ops],
        "js": [f"const BASE_URL = {json.dumps(base)};", "module.exports = {"]
        + [f"  {n}: () => [{json.dumps(m)}, BASE_URL + {json.dumps(pth)}]," for pth, m, n in ops] + ["};"],
    }[ext]
    files = {f"{root}/README.md": f"# {title} SDK ({lang})\n\n{len(ops)} operation(s), base URL {base}\n",
             f"{root}/src/client.{ext}": "\n".join(lines) + "\n",
             f"{root}/api/{f.file_name}": content(f)}
    return tgz(files), f"{root}.tgz"


def _register_icon_check() -> None:
    from chalicelib.surfaces.edgegallery import service_apps
    service_apps.icon_checker(check_icon)


_register_icon_check()
