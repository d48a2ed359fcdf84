"""EdgeGallery VM images (group 28): records, chunked upload, merge/inspection, download, slim, publish.

Keys:
  EgVmImage  EG#VMIMAGE#<id>/I     integer ids from ``ids.next_int("eg-vmimage")``
             gsi1 EG#USER#<userId>#VMIMAGES/<createdMs>#<id>   (the owner's images)
             gsi2 EG#VMIMAGES#PUBLIC/<createdMs>#<id>          (sparse: public images only)
             gsi3 EG#VMIMAGES/<createdMs>#<id>                 (every image: the administrators' list)
  unique claim ``eg-vmimage-name``/<userId>|<name>  (400 "image Name can not duplicate.")

Files: chunks through :mod:`chalicelib.blobs.chunked` (session ``eg/vmimage/<id>/<identifier>``), merged to
``tenant/<userId>/edgegallery/vmimage/<id>/<fileName>``; or uploaded by presigned POST to
``uploads/edgegallery/vmimage/<id>/<fileName>`` and inspected by :func:`inspect_upload` (S3 event).
28.11 merge is a job (:mod:`.workflows_merge`; a multi-GB merge would outlast API Gateway's 29 s): the request
checks names, ownership and that chunks 1..N exist (400/404 as before), sets UPLOADING_MERGING and answers 200
at once; the job merges (S3 multipart copy, flat memory) and checks the content (qcow2 / iso magic must match
the extension): success → ``PUBLISHED`` (as upstream code writes) with slim status ``SLIM_WAIT``; mismatch →
``UPLOAD_FAILED`` + ``errorType=formatMistake`` (the merged object deleted); a failed merge →
``UPLOAD_FAILED`` + ``fileSystemMergeFailed``. The same merge (fileName, identifier) asked again while it runs
is a no-op 200; another one → 409/20019. The presigned POST comes from the extension route
``POST .../vmimages/{imageId}/action/upload-url`` (body ``{"fileName"}``) and ends the same way.
"""
from __future__ import annotations

import hashlib
import re
import time

from botocore.exceptions import BotoCoreError, ClientError
from chalice import Response
from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib import audit, blobs, events, jobs
from chalicelib.blobs import chunked
from chalicelib.core import aws, clock, ids
from chalicelib.core.config import settings
from chalicelib.core.errors import BadRequest, Conflict, Forbidden, NotFound, Unavailable
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.base import Versioned
from chalicelib.surfaces.edgegallery import auth, operations
from chalicelib.surfaces.edgegallery.common import datetime_str

SURFACE = "edgegallery"
STATUSES = ("UPLOAD_WAIT", "UPLOADING", "UPLOADING_MERGING", "UPLOAD_SUCCEED", "UPLOAD_FAILED",
            "UPLOAD_CANCELLED", "PUBLISHED")
HAS_FILE = ("UPLOAD_SUCCEED", "PUBLISHED")
OS_TYPES = ("Ubuntu", "CentOS", "Windows", "Debian", "SUSE", "cirros", "Oracle", "EulerOS", "Red Hat", "NeoKylin")
VISIBLE = ("public", "private")
DISK_BUS = ("virtio", "ide", "scsi", "")
EXTENSIONS = {".qcow2": "qcow2", ".iso": "iso"}
MAX_IMAGE_BYTES = 100 * 1024 ** 3          # the web client's limit
DIRECT_DOWNLOAD_BYTES = 5 * 1024 * 1024    # larger files are served by a presigned URL (302)
UPLOAD_PREFIX = "uploads/edgegallery/vmimage/"
SLIM_JOB = "edgegallery.vmimage.slim"
MERGE_JOB = "edgegallery.vmimage.merge"
MERGING = "UPLOADING_MERGING"
_IDENT = re.compile(r"^[A-Za-z0-9_.-]{1,200}$")
_FILE = re.compile(r"^[^/\\\x00-\x1f]{1,255}$")
STR_FIELDS = {"osVersion": 50, "osBitType": 50, "userName": 50}


class EgVmImage(Versioned, discriminator="EgVmImage"):
    image_id = NumberAttribute()
    user_id = UnicodeAttribute()
    user_name = UnicodeAttribute()
    name = UnicodeAttribute()
    visible_type = UnicodeAttribute(default="private")
    status = UnicodeAttribute(default="UPLOAD_WAIT")
    fields = JSONAttribute(default=dict)    # osType, osVersion, osBitType, systemDiskSize, diskBus, imageFormat,
                                            # imageFileName, imageSize, checkSum, fileIdentifier, errorType,
                                            # imageSlimStatus, uploadTime, s3Key
    created_at = NumberAttribute()
    updated_at = NumberAttribute()

    def index(self) -> "EgVmImage":
        sk = f"{int(self.created_at * 1000):015d}#{int(self.image_id):010d}"
        self.gsi1pk, self.gsi1sk = f"EG#USER#{self.user_id}#VMIMAGES", sk
        self.gsi3pk, self.gsi3sk = "EG#VMIMAGES", sk
        if self.visible_type == "public":
            self.gsi2pk, self.gsi2sk = "EG#VMIMAGES#PUBLIC", sk
        else:
            self.gsi2pk = self.gsi2sk = None
        return self


def _pk(image_id: int) -> str:
    return f"EG#VMIMAGE#{int(image_id)}"


def _unique(user_id: str, name: str) -> tuple[str, str]:
    return ("eg-vmimage-name", f"{user_id}|{name}")


def parse_id(value) -> int:
    s = str(value if value is not None else "").strip()
    if not s.isdigit() or len(s) > 12:
        raise BadRequest("imageId must be a positive integer", code=20002)
    return int(s)


# ---------------------------------------------------------------- reads
def load(image_id) -> EgVmImage | None:
    return store.get(EgVmImage, _pk(parse_id(image_id)), "I")


def get_image(image_id) -> EgVmImage | None:
    """For the package generator (no access check): the image or None."""
    try:
        return load(image_id)
    except BadRequest:
        return None


def view(img: EgVmImage) -> dict:
    f = dict(img.fields or {})
    return {"id": int(img.image_id), "visibleType": img.visible_type, "osType": f.get("osType"),
            "osVersion": f.get("osVersion"), "osBitType": f.get("osBitType"),
            "systemDiskSize": f.get("systemDiskSize"), "diskBus": f.get("diskBus", "virtio"), "name": img.name,
            "imageFileName": f.get("imageFileName"), "createTime": datetime_str(img.created_at),
            "modifyTime": datetime_str(img.updated_at), "imageFormat": f.get("imageFormat"),
            "uploadTime": datetime_str(f["uploadTime"]) if f.get("uploadTime") else None,
            "downLoadUrl": (f"/mec/developer/v2/vmimages/{int(img.image_id)}/action/download"
                            if img.status in HAS_FILE and f.get("s3Key") else None),
            "imageSize": f.get("imageSize"), "status": img.status, "imageSlimStatus": f.get("imageSlimStatus"),
            "userId": img.user_id, "userName": img.user_name, "fileMd5": f.get("fileMd5"),
            "checkSum": f.get("checkSum"), "fileIdentifier": f.get("fileIdentifier"),
            "errorType": f.get("errorType")}


def visible(p: Principal, image_id) -> EgVmImage:
    """Own, public, or any for an administrator; else 404."""
    img = load(image_id)
    if img is None or not (img.user_id == p.account_id or img.visible_type == "public" or auth.is_admin(p)):
        raise NotFound(f"vm image {image_id} not found", code=20007)
    return img


def writable(p: Principal, image_id) -> EgVmImage:
    img = visible(p, image_id)
    auth.require_owner(p, img.user_id)
    return img


def usable(p: Principal, image_id) -> EgVmImage:
    """An image a VM of ``p`` may reference (VM create/modify): visible to the caller."""
    try:
        return visible(p, image_id)
    except NotFound:
        raise BadRequest(f"vm image {image_id} does not exist", code=20007) from None


def _date(value, name: str, end: bool) -> float | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise BadRequest(f"{name} must be a date yyyy-MM-dd", code=20002)
    try:
        t = time.strptime(value.strip()[:10], "%Y-%m-%d")
    except ValueError:
        raise BadRequest(f"{name} must be a date yyyy-MM-dd", code=20002) from None
    import calendar
    return calendar.timegm(t) + (86399.999 if end else 0)


def _multi(value, name: str) -> set[str] | None:
    if value in (None, "", "All", "all", "ALL"):
        return None
    if not isinstance(value, str):
        raise BadRequest(f"{name} must be a string", code=20002)
    vals = {v.strip() for v in value.split(",") if v.strip()}
    return None if not vals or "All" in vals else vals


def query(p: Principal, body) -> dict:
    """28.9: Queries (own + public merged, or the admin index), filters, sort, page → {totalCount, imageList}."""
    if not isinstance(body, dict):
        raise BadRequest("request body must be a JSON object", code=20001)
    if not auth.is_admin(p):  # administrators may filter by any userId; others only their own
        auth.check_body_user(p, body.get("userId"), body.get("userName"))
    name = body.get("name")
    if name is not None and not isinstance(name, str):
        raise BadRequest("name must be a string", code=20002)
    vis, os_types, statuses = (_multi(body.get("visibleType"), "visibleType"), _multi(body.get("osType"), "osType"),
                               _multi(body.get("status"), "status"))
    begin = _date(body.get("uploadTimeBegin"), "uploadTimeBegin", False)
    end = _date(body.get("uploadTimeEnd"), "uploadTimeEnd", True)
    ctrl = body.get("queryCtrl") or {}
    if not isinstance(ctrl, dict):
        raise BadRequest("queryCtrl must be an object", code=20002)
    offset, limit = ctrl.get("offset", 0), ctrl.get("limit", 0)
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < -1:
        raise BadRequest("queryCtrl.offset must be an integer >= -1", code=20002)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 0 <= limit <= 100:
        raise BadRequest("queryCtrl.limit must be an integer 0..100", code=20002)
    sort_by = ctrl.get("sortBy") or "uploadTime"
    sort_order = (ctrl.get("sortOrder") or "DESC")
    if sort_by not in ("userName", "createTime", "uploadTime") or not isinstance(sort_order, str) \
            or sort_order.upper() not in ("ASC", "DESC"):
        raise BadRequest("sortBy must be userName|createTime, sortOrder ASC|DESC", code=20002)
    user_filter = body.get("userId") if auth.is_admin(p) else None
    if auth.is_admin(p):
        rows = list(EgVmImage.gsi3.query("EG#VMIMAGES"))
    else:
        seen: dict[int, EgVmImage] = {}
        for img in EgVmImage.gsi1.query(f"EG#USER#{p.account_id}#VMIMAGES"):
            seen[int(img.image_id)] = img
        for img in EgVmImage.gsi2.query("EG#VMIMAGES#PUBLIC"):
            seen.setdefault(int(img.image_id), img)
        rows = list(seen.values())

    def keep(img: EgVmImage) -> bool:
        f = img.fields or {}
        if user_filter and img.user_id != user_filter:
            return False
        if name and name.lower() not in img.name.lower():
            return False
        if vis and img.visible_type not in vis:
            return False
        if os_types and f.get("osType") not in os_types:
            return False
        if statuses and img.status not in statuses:
            return False
        up = f.get("uploadTime")
        if (begin is not None or end is not None) and up is None:
            return False
        if begin is not None and up < begin:
            return False
        if end is not None and up > end:
            return False
        return True

    rows = [r for r in rows if keep(r)]
    keyf = {"userName": lambda r: (r.user_name.lower(), r.created_at),
            "createTime": lambda r: (r.created_at, int(r.image_id)),
            "uploadTime": lambda r: ((r.fields or {}).get("uploadTime") or r.created_at, int(r.image_id))}[sort_by]
    rows.sort(key=keyf, reverse=sort_order.upper() == "DESC")
    total = len(rows)
    if offset >= 0 and limit > 0:
        rows = rows[offset: offset + limit]
    return {"totalCount": total, "imageList": [view(r) for r in rows]}


# ---------------------------------------------------------------- writes
def _check(body, *, creating: bool) -> dict:
    if not isinstance(body, dict):
        raise BadRequest("request body must be a JSON object", code=20001)
    errors, out = [], {}
    name = body.get("name")
    if creating or name is not None:
        if not isinstance(name, str) or not name.strip() or len(name) > 128:
            errors.append("name is required (1-128 characters)")
        else:
            out["name"] = name.strip()
    vt = body.get("visibleType")
    if creating or vt is not None:
        if vt not in VISIBLE:
            errors.append("visibleType must be public or private")
        else:
            out["visibleType"] = vt
    os_type = body.get("osType")
    if creating or os_type is not None:
        canon = next((o for o in OS_TYPES if isinstance(os_type, str) and o.lower() == os_type.lower()), None)
        if canon is None:
            errors.append("osType must be one of " + ", ".join(OS_TYPES))
        else:
            out["osType"] = canon
    for k, n in STR_FIELDS.items():
        v = body.get(k)
        if v is not None and k != "userName":
            if not isinstance(v, str) or len(v) > n:
                errors.append(f"{k} must be a string of at most {n} characters")
            else:
                out[k] = v
    size = body.get("systemDiskSize")
    if size is not None:
        if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= 9999:
            errors.append("systemDiskSize must be an integer 1..9999")
        else:
            out["systemDiskSize"] = size
    bus = body.get("diskBus")
    if bus is not None:
        if bus not in DISK_BUS:
            errors.append("diskBus must be virtio, ide or scsi")
        else:
            out["diskBus"] = bus or "virtio"
    if errors:
        raise BadRequest("; ".join(errors), code=20002)
    return out


def _insert(user_id: str, user_name: str, name: str, visible_type: str, fields: dict, status: str) -> EgVmImage:
    now = clock.now()
    image_id = ids.next_int("eg-vmimage")
    img = EgVmImage(_pk(image_id), "I", image_id=image_id, user_id=user_id, user_name=user_name, name=name,
                    visible_type=visible_type, status=status, fields=fields, created_at=now, updated_at=now)
    img.index()
    try:
        store.create(img, unique=[_unique(user_id, name)])
    except Conflict:
        raise BadRequest("image Name can not duplicate.", code=20002) from None
    return img


def create(p: Principal, body) -> EgVmImage:
    auth.require_writer(p)
    if isinstance(body, dict):
        auth.check_body_user(p, body.get("userId"), body.get("userName"))
    f = _check(body, creating=True)
    name, vt = f.pop("name"), f.pop("visibleType")
    f.setdefault("diskBus", "virtio")
    img = _insert(p.account_id, p.username, name, vt, f, "UPLOAD_WAIT")
    audit.record(SURFACE, "create_vm_image", principal=p, resource=f"vmimage/{img.image_id}")
    return img


def save(img: EgVmImage) -> EgVmImage:
    img.updated_at = clock.now()
    img.index()
    return store.save(img, conflict="the image was changed concurrently, retry")


def update(p: Principal, image_id, body) -> None:
    img = writable(p, image_id)
    f = _check(body, creating=False)
    name, vt = f.pop("name", None), f.pop("visibleType", None)
    if name and name != img.name:
        try:
            store.rename_unique(_unique(img.user_id, img.name), _unique(img.user_id, name), img)
        except Conflict:
            raise BadRequest("image Name can not duplicate.", code=20002) from None
        img.name = name
    if vt:
        img.visible_type = vt
    img.fields = dict(img.fields or {}, **f)
    save(img)
    audit.record(SURFACE, "update_vm_image", principal=p, resource=f"vmimage/{img.image_id}")


def _drop_file(img: EgVmImage) -> None:
    f = dict(img.fields or {})
    if f.get("s3Key"):
        blobs.delete(f["s3Key"])
    if f.get("fileIdentifier"):
        try:
            chunked.cancel(_session(img, f["fileIdentifier"]))
        except BadRequest:
            pass
    for k in ("s3Key", "imageFileName", "imageFormat", "imageSize", "checkSum", "fileMd5", "uploadTime",
              "errorType", "fileIdentifier", "imageSlimStatus"):
        f.pop(k, None)
    img.fields = f


def delete(p: Principal, image_id) -> None:
    img = writable(p, image_id)
    if img.status == "UPLOADING_MERGING":
        raise BadRequest("the image is being merged, retry later", code=20006)
    _drop_file(img)
    store.delete(img, unique=[_unique(img.user_id, img.name)])
    audit.record(SURFACE, "delete_vm_image", principal=p, resource=f"vmimage/{img.image_id}")


def publish(p: Principal, image_id) -> None:
    auth.require_admin(p)
    img = visible(p, image_id)
    if img.status not in HAS_FILE:
        raise BadRequest(f"image status is {img.status}, only an uploaded image can be published", code=20002)
    img.status = "PUBLISHED"
    save(img)
    audit.record(SURFACE, "publish_vm_image", principal=p, resource=f"vmimage/{img.image_id}")


def reset(p: Principal, image_id) -> None:
    img = writable(p, image_id)
    if img.status == "UPLOADING_MERGING":
        raise BadRequest("the image is being merged, retry later", code=20002)
    _drop_file(img)
    img.status = "UPLOAD_WAIT"
    save(img)
    audit.record(SURFACE, "reset_vm_image", principal=p, resource=f"vmimage/{img.image_id}")


# ---------------------------------------------------------------- chunked upload (28.1, 28.2, 28.3, 28.11)
def _session(img: EgVmImage, identifier: str) -> str:
    return f"eg/vmimage/{int(img.image_id)}/{identifier}"


def _identifier(value) -> str:
    if not isinstance(value, str) or not _IDENT.match(value.strip()):
        raise BadRequest("identifier is required (letters, digits, '.', '_' or '-')", code=20002)
    return value.strip()


def _format_of(filename: str) -> str:
    low = (filename or "").lower()
    for ext, fmt in EXTENSIONS.items():
        if low.endswith(ext) and len(low) > len(ext):
            return fmt
    raise BadRequest("the image file name must end with .qcow2 or .iso", code=20024)


def check_chunks(p: Principal, image_id, identifier) -> list[int]:
    img = writable(p, image_id)
    got = chunked.received(_session(img, _identifier(identifier)))
    return got[: max(len(got) - 5, 0)]


def upload_chunk(p: Principal, image_id, ctx) -> None:
    img = writable(p, image_id)
    form = chunked.form(ctx)
    _format_of(form.filename)
    if form.total_size is not None and form.total_size > MAX_IMAGE_BYTES:
        raise BadRequest("the image is larger than 100 GiB", code=20018)
    if img.status == "UPLOADING_MERGING":
        raise BadRequest("the image is being merged", code=20018)
    chunked.save_chunk(_session(img, form.identifier), form.chunk_number, form.data)
    f = dict(img.fields or {})
    if img.status != "UPLOADING" or f.get("fileIdentifier") != form.identifier:
        img.status = "UPLOADING"
        f["fileIdentifier"] = form.identifier
        f.pop("errorType", None)
        img.fields = f
        try:
            save(img)
        except Conflict:  # a parallel chunk recorded the same state
            pass


def cancel_upload(p: Principal, image_id, identifier) -> None:
    img = writable(p, image_id)
    ident = _identifier(identifier)
    if img.status == "UPLOADING_MERGING":
        raise BadRequest("the image is being merged, it cannot be cancelled", code=20002)
    chunked.cancel(_session(img, ident))
    img.status = "UPLOAD_CANCELLED"
    save(img)
    audit.record(SURFACE, "cancel_vm_image_upload", principal=p, resource=f"vmimage/{img.image_id}")


def _file_key(img: EgVmImage, filename: str) -> str:
    return blobs.key(img.user_id, SURFACE, "vmimage", str(int(img.image_id)), filename)


def _record(img: EgVmImage, *, key: str, filename: str, fmt: str, detected: str, size: int, sha256: str) -> bool:
    """Set the image's status from an inspected file; returns whether it was accepted."""
    if detected != fmt:
        blobs.delete(key)
        f = dict(img.fields or {}, errorType="formatMistake")
        f.pop("s3Key", None)
        img.status = "UPLOAD_FAILED"
        img.fields = f
        save(img)
        return False
    _accept(img, key=key, filename=filename, fmt=fmt, size=size, sha256=sha256)
    save(img)
    return True


def _accept(img: EgVmImage, *, key: str, filename: str, fmt: str, size: int, sha256: str) -> None:
    f = dict(img.fields or {}, s3Key=key, imageFileName=filename, imageFormat=fmt, imageSize=size, checkSum=sha256,
             uploadTime=clock.now(), imageSlimStatus="SLIM_WAIT")
    f.pop("errorType", None)
    img.fields = f
    img.status = "PUBLISHED"  # upstream's merge success writes PUBLISHED (catalog §3.23)


def merge(p: Principal, image_id, file_name, identifier) -> None:
    """Check the request and the chunks, set UPLOADING_MERGING and start the merge job (see the module doc)."""
    img = writable(p, image_id)
    ident = _identifier(identifier)
    if not isinstance(file_name, str) or not _FILE.match(file_name.strip()):
        raise BadRequest("fileName is required", code=20003)
    file_name = file_name.strip()
    fmt = _format_of(file_name)
    if img.status == MERGING:
        running = (img.fields or {}).get("merging") or {}
        if (running.get("fileName"), running.get("identifier")) == (file_name, ident):
            return  # the same merge asked again (a client retry): it is already running
        raise Conflict("the image is already being merged", code=20019)
    session = _session(img, ident)
    chunked.check(session)
    img.status = MERGING
    img.fields = dict(img.fields or {}, merging={"fileName": file_name, "identifier": ident})
    save(img)  # optimistic lock: of two concurrent merges one gets 409
    try:
        jobs.start(MERGE_JOB, surface=SURFACE, tenant_id=p.account_id, actor=p.username,
                   params={"image_id": int(img.image_id), "identifier": ident, "file_name": file_name,
                           "format": fmt, "session": session, "key": _file_key(img, file_name)},
                   resource=f"vmimage/{int(img.image_id)}")
    except Unavailable:
        merge_failed(int(img.image_id), ident, "fileSystemMergeFailed")
        raise
    audit.record(SURFACE, "merge_vm_image", "started", principal=p, resource=f"vmimage/{img.image_id}")


def _merging(image_id: int, identifier: str) -> EgVmImage | None:
    """The image if it is still being merged from ``identifier`` (a late or repeated step finds None)."""
    img = get_image(image_id)
    if img is None or img.status != MERGING or ((img.fields or {}).get("merging") or {}).get(
            "identifier") != identifier:
        return None
    return img


def _updated(image_id: int, identifier: str, fn) -> EgVmImage | None:
    for _ in range(5):
        img = _merging(image_id, identifier)
        if img is None:
            return None
        fn(img)
        img.fields = {k: v for k, v in (img.fields or {}).items() if k != "merging"}
        try:
            return save(img)
        except Conflict:
            continue
    raise Conflict("the image was changed concurrently")


def record_merge(prm: dict, merged: dict) -> None:
    """The merge job's result: PUBLISHED with the file's facts (the previous file, if another, deleted)."""
    key = prm["key"]

    def done(img):
        old = (img.fields or {}).get("s3Key")
        if old and old != key:
            blobs.delete(old)
        _accept(img, key=key, filename=prm["file_name"], fmt=prm["format"], size=merged["size"],
                sha256=merged["sha256"])
    _updated(prm["image_id"], prm["identifier"], done)


def check_merged(prm: dict, merged: dict) -> None:
    """Merged content that is not what the file name says (qcow2/iso magic) is deleted and refused."""
    if merged["format"] != prm["format"]:
        blobs.delete(prm["key"])
        raise BadRequest(f"the file content is not a {prm['format']} image", code=20024)


def merge_failed(image_id: int, identifier: str, error_type: str) -> None:
    def failed(img):
        img.status = "UPLOAD_FAILED"
        img.fields = dict(img.fields or {}, errorType=error_type)
    _updated(image_id, identifier, failed)


# ---------------------------------------------------------------- presigned upload + S3 inspector
def upload_url(p: Principal, image_id, filename) -> dict:
    """A presigned POST ``{url, fields}`` to upload the whole image file straight to S3 (no API Gateway or
    Lambda limits); the S3 event then inspects it (:func:`inspect_upload`). The image becomes UPLOADING."""
    img = writable(p, image_id)
    if not isinstance(filename, str) or not _FILE.match(filename.strip()):
        raise BadRequest("fileName is required", code=20003)
    filename = filename.strip()
    _format_of(filename)
    if img.status == MERGING:
        raise BadRequest("the image is being merged", code=20018)
    post = blobs.presign_post(f"{UPLOAD_PREFIX}{int(img.image_id)}/{filename}", max_bytes=MAX_IMAGE_BYTES)
    if img.status != "UPLOADING":
        img.status = "UPLOADING"
        save(img)
    audit.record(SURFACE, "presign_vm_image_upload", principal=p, resource=f"vmimage/{img.image_id}")
    return {"url": post["url"], "fields": post["fields"]}


def _inspect(key: str) -> tuple[bytes, str, int]:
    """First 64 KiB and SHA-256 of an S3 object, streamed in 1 MiB blocks."""
    body = aws.client("s3").get_object(Bucket=settings().bucket, Key=key)["Body"]
    sha, head, size = hashlib.sha256(), bytearray(), 0
    while True:
        block = body.read(1024 * 1024)
        if not block:
            break
        sha.update(block)
        size += len(block)
        if len(head) < chunked.HEAD_BYTES:
            head.extend(block[: chunked.HEAD_BYTES - len(head)])
    return bytes(head), sha.hexdigest(), size


@events.on_upload(r"^uploads/edgegallery/vmimage/")
def inspect_upload(bucket: str, key: str, size: int) -> None:
    rest = key[len(UPLOAD_PREFIX):]
    id_part, _, filename = rest.partition("/")
    img = get_image(id_part) if id_part.isdigit() else None
    if img is None or not filename or "/" in filename or img.status == "UPLOADING_MERGING":
        blobs.delete(key)  # nobody asked for this object
        return
    try:
        fmt = _format_of(filename)
    except BadRequest:
        img.status = "UPLOAD_FAILED"
        img.fields = dict(img.fields or {}, errorType="formatMistake")
        save(img)
        blobs.delete(key)
        return
    try:
        head, sha, real_size = _inspect(key)
    except (ClientError, BotoCoreError):
        return  # already gone (a newer upload replaced it)
    old_key = (img.fields or {}).get("s3Key")
    f = img.fields or {}
    if img.status in HAS_FILE and old_key == key and f.get("checkSum") == sha and int(f.get("imageSize") or -1) == real_size:
        return  # this object was inspected already: SQS delivered its event again
    if old_key and old_key != key:
        blobs.delete(old_key)
    _record(img, key=key, filename=filename, fmt=fmt, detected=chunked.detect_format(head), size=real_size,
            sha256=sha)
    audit.record(SURFACE, "inspect_vm_image_upload", resource=f"vmimage/{img.image_id}")


# ---------------------------------------------------------------- 28.8 download
def download(p: Principal, image_id) -> Response:
    img = visible(p, image_id)
    f = img.fields or {}
    if img.status not in HAS_FILE or not f.get("s3Key"):
        raise NotFound("the image has no file", code=20016)
    filename = f.get("imageFileName") or f"{img.image_id}.{f.get('imageFormat') or 'qcow2'}"
    if int(f.get("imageSize") or 0) <= DIRECT_DOWNLOAD_BYTES:
        from chalicelib.surfaces.edgegallery import envelope
        return envelope.attachment(blobs.get(f["s3Key"]), filename)
    url = blobs.presign_get(f["s3Key"], filename)
    import json
    return Response(body=json.dumps({"downloadUrl": url}), status_code=302,
                    headers={"Location": url, "Content-Type": "application/json"})


# ---------------------------------------------------------------- 28.10 slim
def slim(p: Principal, image_id) -> dict:
    img = visible(p, image_id)
    if img.user_id != p.account_id and not auth.is_admin(p):
        raise Forbidden("Cannot modify data created by others", code=20015)
    auth.require_writer(p)
    f = dict(img.fields or {})
    if img.status not in HAS_FILE or not f.get("s3Key"):
        raise BadRequest("the image has no uploaded file", code=20002)
    if f.get("imageFormat") == "iso":
        raise BadRequest("an iso image cannot be slimmed", code=20002)
    if f.get("imageSlimStatus") == "SLIMMING":
        raise BadRequest("the image is already being slimmed", code=20002)
    f["imageSlimStatus"] = "SLIMMING"
    img.fields = f
    save(img)
    op = operations.start(p, object_type="VM", object_id=str(int(img.image_id)), object_name=img.name,
                          operation_name="vm image slim", job_kind=SLIM_JOB,
                          params={"image_id": int(img.image_id)})
    audit.record(SURFACE, "slim_vm_image", principal=p, resource=f"vmimage/{img.image_id}")
    return {"operationId": op.op_id}


def _set_slim(image_id: int, status: str) -> None:
    for _ in range(3):
        img = get_image(image_id)
        if img is None:
            return
        img.fields = dict(img.fields or {}, imageSlimStatus=status)
        try:
            save(img)
            return
        except Conflict:
            continue


class SlimWorkflow(jobs.Workflow):
    """Simulated compression: request sent (10 %), then done (100 %); the file stays as it is."""
    kind = SLIM_JOB
    ACTION = "Slim Image"

    def apply(self, job) -> bool:
        op_id = job.params.get("operation_id")
        operations.action(op_id, self.ACTION, progress=10, overall=10)
        if get_image(job.params["image_id"]) is None:
            raise LookupError("the image no longer exists")
        return False

    def check(self, job) -> bool:
        op_id = job.params.get("operation_id")
        operations.action(op_id, self.ACTION, progress=80, overall=80)
        return True

    def finalize(self, job) -> None:
        _set_slim(job.params["image_id"], "SLIM_SUCCEED")
        operations.action(job.params.get("operation_id"), self.ACTION, progress=100, status="SUCCESS", overall=100)
        operations.finish(job.params.get("operation_id"), ok=True)

    def fail(self, job, error: str) -> None:
        _set_slim(job.params.get("image_id", 0), "SLIM_FAILED")
        operations.action(job.params.get("operation_id"), self.ACTION, progress=0, status="FAILED", error=error)
        operations.finish(job.params.get("operation_id"), ok=False, error=error)


jobs.register(SlimWorkflow())


# ---------------------------------------------------------------- for VM export (22.1)
def create_exported(user_id: str, user_name: str, base: EgVmImage | None, name: str, *, data: bytes | None = None,
                    source_key: str | None = None) -> EgVmImage:
    """A new PUBLISHED private image made from a VM snapshot (``<name>-yyyyMMddHHmm``, suffixed if taken)."""
    bf = dict(base.fields or {}) if base is not None else {}
    fields = {k: bf[k] for k in ("osType", "osVersion", "osBitType", "systemDiskSize", "diskBus") if k in bf}
    stamp = time.strftime("%Y%m%d%H%M", time.gmtime(clock.now()))
    for attempt in range(20):
        candidate = f"{name}-{stamp}" + (f"-{attempt}" if attempt else "")
        try:
            img = _insert(user_id, user_name, candidate[:128], "private", dict(fields), "PUBLISHED")
            break
        except BadRequest:
            continue
    else:
        raise Conflict("could not name the exported image")
    filename = f"{img.name}.qcow2"
    key = _file_key(img, filename)
    s3, bucket = aws.client("s3"), settings().bucket
    if source_key:
        s3.copy_object(Bucket=bucket, Key=key, CopySource={"Bucket": bucket, "Key": source_key})
        size = int(s3.head_object(Bucket=bucket, Key=key)["ContentLength"])
        checksum = bf.get("checkSum")
    else:
        payload = data or b"QFI\xfb\x00\x00\x00\x03" + b"\x00" * 504
        s3.put_object(Bucket=bucket, Key=key, Body=payload)
        size, checksum = len(payload), hashlib.sha256(payload).hexdigest()
    img.fields = dict(img.fields or {}, s3Key=key, imageFileName=filename, imageFormat="qcow2", imageSize=size,
                      checkSum=checksum, uploadTime=clock.now(), imageSlimStatus="SLIM_SUCCEED")
    return save(img)
