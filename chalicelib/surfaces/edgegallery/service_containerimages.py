"""EdgeGallery container images (group 2): chunked upload, merge into the registry, list, modify, delete,
download, registry synchronisation.

Keys:
  EgContainerImage  EG#CIMAGE#<imageId>/I   (imageId chosen by the client, a lower-case UUID)
                    gsi1 EG#USER#<userId>#CIMAGES/<createdMs>#<id>   the owner's images
                    gsi2 EG#CIMAGES#PUBLIC/<createdMs>#<id>          sparse: public images
                    gsi3 EG#CIMAGES/<createdMs>#<id>                 every image (administrators)
  unique claim ``eg-cimage``/<userId>|<imageName>|<imageVersion>   (upstream: name, version, userName)

Chunks: :mod:`chalicelib.blobs.chunked`, session ``eg/cimage/<userId>/<imageId>/<identifier>`` (per caller: one
user cannot cancel or merge another's chunks). Merge writes ``tenant/<userId>/edgegallery/containerimage/<id>/
<fileName>``; the content must be a tar whose ``manifest.json`` names ``RepoTags``; the image becomes
``<registry domain>/<project>/<name>:<tag>`` and is pushed into the shared simulated registry (scope = userId,
project ``developer``; project names are registry-wide, so if another scope already owns ``developer`` the
project is ``developer-<first 8 of userId>``).

2.7 merge is a job (:mod:`.workflows_merge`; a multi-GB merge would outlast API Gateway's 29 s): the request
checks names, ownership and that chunks 1..N exist (400/403/404 as before), sets ``imageStatus``
UPLOADING_MERGING and answers 200 at once. No record exists before a merge upstream, so the request writes a
placeholder under the imageId (name from the file name, empty version, no unique claim) that the list shows
while merging. The job ends UPLOAD_SUCCEED (the record for the manifest's name/tag: the placeholder replaced,
or, as upstream, the user's existing record of that name/version updated and the placeholder dropped) or
UPLOAD_FAILED (not a tar / no RepoTags → the merged object is deleted; the reason is in the job). The same
merge (fileName, guid) asked again while it runs is a no-op 200; another one → 409/20019; chunk upload,
cancel and delete are refused (400) while merging.
"""
from __future__ import annotations

import json
import re
import tarfile

from chalice import Response
from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib import audit, blobs, events, jobs, registry
from chalicelib.blobs import archives, chunked
from chalicelib.core import aws, clock
from chalicelib.core.config import settings
from chalicelib.core.errors import BadRequest, Conflict, Forbidden, Invalid, NotFound, Unavailable
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.base import Versioned
from chalicelib.store.models import RegistryProject
from chalicelib.surfaces.edgegallery import auth
from chalicelib.surfaces.edgegallery.common import Body, datetime_str, new_uuid, require_uuid, window

SURFACE = "edgegallery"
PROJECT = "developer"
MERGE_JOB = "edgegallery.containerimage.merge"
MERGING = "UPLOADING_MERGING"
TYPES = ("public", "private")
MAX_IMAGE_BYTES = 5 * 1024 ** 3          # the web client's limit
IN_MEMORY_BYTES = 64 * 1024 * 1024       # tars up to this are inspected in memory, larger ones streamed
DIRECT_DOWNLOAD_BYTES = 5 * 1024 * 1024  # larger downloads are a presigned redirect
_FILE = re.compile(r"^[^/\\\x00-\x1f]{1,255}$")
_IMG = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$")
_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
SORT = {"imageName": "image_name", "userName": "user_name", "uploadTime": "created_at", "createTime": "created_at",
        "imageVersion": "image_version", "imageType": "image_type"}


class EgContainerImage(Versioned, discriminator="EgContainerImage"):
    image_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    user_name = UnicodeAttribute(default="")
    image_name = UnicodeAttribute()
    image_version = UnicodeAttribute()
    image_type = UnicodeAttribute(default="private")
    image_status = UnicodeAttribute(default="UPLOAD_SUCCEED")
    fields = JSONAttribute(default=dict)    # imagePath, fileName, s3Key, size, sha256, project, uploadTime
    created_at = NumberAttribute()
    updated_at = NumberAttribute()

    def index(self) -> "EgContainerImage":
        sk = f"{int(self.created_at * 1000):015d}#{self.image_id}"
        self.gsi1pk, self.gsi1sk = f"EG#USER#{self.user_id}#CIMAGES", sk
        self.gsi3pk, self.gsi3sk = "EG#CIMAGES", sk
        if self.image_type == "public":
            self.gsi2pk, self.gsi2sk = "EG#CIMAGES#PUBLIC", sk
        else:
            self.gsi2pk = self.gsi2sk = None
        return self


def _pk(image_id: str) -> str:
    return f"EG#CIMAGE#{image_id}"


def _unique(user_id: str, name: str, version: str) -> tuple[str, str]:
    return ("eg-cimage", f"{user_id}|{name}|{version}")


def view(i: EgContainerImage) -> dict:
    f = i.fields or {}
    return {"imageId": i.image_id, "imageName": i.image_name, "imageVersion": i.image_version, "userId": i.user_id,
            "userName": i.user_name, "uploadTime": datetime_str(f.get("uploadTime") or i.created_at),
            "createTime": datetime_str(i.created_at), "imageStatus": i.image_status, "imageType": i.image_type,
            "imagePath": f.get("imagePath"), "fileName": f.get("fileName")}


def load(image_id: str) -> EgContainerImage | None:
    require_uuid(image_id, "imageId")
    return store.get(EgContainerImage, _pk(image_id), "I")


def visible(p: Principal, image_id: str) -> EgContainerImage:
    img = load(image_id)
    if img is None or not (img.user_id == p.account_id or img.image_type == "public" or auth.is_admin(p)):
        raise NotFound(f"container image {image_id} not found", code=20007)
    return img


def _by_key(user_id: str, name: str, version: str) -> EgContainerImage | None:
    u = store.get(store.Unique, f"UNIQUE#{_unique(user_id, name, version)[0]}#{_unique(user_id, name, version)[1]}",
                  "U")
    if u is None or not u.owner:
        return None
    pk, sk = u.owner.split("|", 1)
    return store.get(EgContainerImage, pk, sk)


# ---------------------------------------------------------------- 2.6 list
class ImageQuery(Body):
    imageName: str | None = None
    userId: str | None = None
    uploadTimeBegin: str | None = None
    uploadTimeEnd: str | None = None
    limit: int | None = None
    offset: int | None = None
    sortBy: str | None = None
    sortOrder: str | None = None


def _date(value: str | None, name: str, end: bool) -> str | None:
    if not value:
        return None
    v = value.strip()
    if re.match(r"^\d{4}-\d{2}-\d{2}$", v):
        return v + (" 23:59:59" if end else " 00:00:00")
    if re.match(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", v):
        return v
    raise BadRequest(f"{name} must be yyyy-MM-dd", code=20002)


def query(p: Principal, q: ImageQuery) -> dict:
    auth.check_body_user(p, None, None)
    w = window(q.offset, q.limit)
    if q.sortBy is not None and q.sortBy not in SORT:
        raise BadRequest(f"sortBy must be one of {', '.join(SORT)}", code=20002)
    order = (q.sortOrder or "DESC").upper()
    if order not in ("ASC", "DESC"):
        raise BadRequest("sortOrder must be ASC or DESC", code=20002)
    begin, end = _date(q.uploadTimeBegin, "uploadTimeBegin", False), _date(q.uploadTimeEnd, "uploadTimeEnd", True)
    if auth.is_admin(p):
        if q.userId:
            sources = [EgContainerImage.gsi1.query(f"EG#USER#{q.userId}#CIMAGES")]
        else:
            sources = [EgContainerImage.gsi3.query("EG#CIMAGES")]
    else:
        if q.userId not in (None, "", p.account_id):
            raise BadRequest("userId must be your own", code=20002)
        sources = [EgContainerImage.gsi1.query(f"EG#USER#{p.account_id}#CIMAGES")]
        if not q.userId:
            sources.append(EgContainerImage.gsi2.query("EG#CIMAGES#PUBLIC"))
    seen: dict[str, EgContainerImage] = {}
    needle = (q.imageName or "").lower()
    for src in sources:
        for i in src:
            if i.image_id in seen:
                continue
            up = datetime_str((i.fields or {}).get("uploadTime") or i.created_at)
            if needle and needle not in i.image_name.lower():
                continue
            if (begin and up < begin) or (end and up > end):
                continue
            seen[i.image_id] = i
    attr = SORT.get(q.sortBy or "uploadTime", "created_at")
    items = sorted(seen.values(), key=lambda i: (getattr(i, attr) or "", i.created_at), reverse=order == "DESC")
    page = items[w.offset: w.offset + w.limit]
    return {"results": [view(i) for i in page], "limit": w.limit, "offset": w.offset, "total": len(items)}


# ---------------------------------------------------------------- 2.3 modify / 2.4 delete
def modify(p: Principal, image_id: str, body) -> dict:
    auth.require_writer(p)
    img = visible(p, image_id)
    if img.user_id != p.account_id:
        raise Forbidden("Cannot modify data created by others", code=20015)
    if not isinstance(body, dict):
        raise BadRequest("body must be a ContainerImage object", code=20001)
    new_type = body.get("imageType")
    if new_type is not None:
        if new_type not in TYPES:
            raise BadRequest("imageType must be public or private", code=20002)
        img.image_type = new_type
        img.updated_at = clock.now()
        store.save(img.index())
        audit.record(SURFACE, "modify_container_image", principal=p, resource=f"containerimage/{image_id}")
    return view(img)


def _registry_remove(img: EgContainerImage) -> None:
    f = img.fields or {}
    project = f.get("project")
    if not project:
        return
    full = f"{project}/{img.image_name}"
    registry.delete_tag(img.user_id, full, img.image_version)
    ri = registry.get_image(img.user_id, full)
    if ri is not None and next(iter(registry.tags(img.user_id, full, limit=1)), None) is None:
        registry.delete_image(ri)


def delete(p: Principal, image_id: str) -> None:
    img = visible(p, image_id)
    auth.require_owner(p, img.user_id)
    if img.image_status == MERGING:
        raise BadRequest("the image is being merged, retry later", code=20006)
    store.delete(img, unique=_claims(img))
    if (img.fields or {}).get("s3Key"):
        blobs.delete(img.fields["s3Key"])
    _registry_remove(img)
    audit.record(SURFACE, "delete_container_image", principal=p, resource=f"containerimage/{image_id}")


# ---------------------------------------------------------------- 2.5 download
def download(p: Principal, image_id: str) -> Response:
    img = visible(p, image_id)
    f = img.fields or {}
    if not f.get("s3Key"):
        raise NotFound("the image has no stored file (it came from the registry)", code=20016)
    name = f.get("fileName") or f"{img.image_name}.tar"
    if int(f.get("size") or 0) > DIRECT_DOWNLOAD_BYTES:
        return Response(body="", status_code=302, headers={"Location": blobs.presign_get(f["s3Key"], name)})
    from chalicelib.surfaces.edgegallery import envelope
    return envelope.attachment(blobs.get(f["s3Key"]), name, "application/octet-stream")


# ---------------------------------------------------------------- 2.1 / 2.2 chunks
def _session(p: Principal, image_id: str, identifier: str | None = None) -> str:
    base = f"eg/cimage/{p.account_id}/{image_id}"
    return f"{base}/{identifier}" if identifier else base


def _check_target(p: Principal, image_id: str, *, merging_ok: bool = True) -> None:
    auth.require_writer(p)
    img = load(image_id)
    if img is not None and img.user_id != p.account_id:
        raise Forbidden("Cannot modify data created by others", code=20015)
    if not merging_ok and img is not None and img.image_status == MERGING:
        raise BadRequest("the image is being merged, retry later", code=20002)


def upload_chunk(p: Principal, image_id: str, ctx) -> None:
    _check_target(p, image_id, merging_ok=False)
    form = chunked.form(ctx)
    if form.total_size is not None and form.total_size > MAX_IMAGE_BYTES:
        raise BadRequest(f"the image is too large (limit {MAX_IMAGE_BYTES} bytes)", code=20018)
    chunked.save_chunk(_session(p, image_id, form.identifier), form.chunk_number, form.data)


def cancel(p: Principal, image_id: str, identifier: str | None) -> None:
    _check_target(p, image_id, merging_ok=False)
    if identifier and not re.match(r"^[A-Za-z0-9_.-]{1,200}$", identifier):
        raise BadRequest("invalid identifier", code=20002)
    if identifier:
        chunked.cancel(_session(p, image_id, identifier))
    else:  # every upload session of this image (DELETE carries only the imageId)
        prefix = f"chunks/{_session(p, image_id)}/"
        pages = aws.client("s3").get_paginator("list_objects_v2").paginate(
            Bucket=settings().bucket, Prefix=prefix, Delimiter="/")
        for page in pages:
            for cp in page.get("CommonPrefixes", []) or []:
                ident = cp["Prefix"][len(prefix):].strip("/")
                if re.match(r"^[A-Za-z0-9_.-]{1,200}$", ident):
                    chunked.cancel(_session(p, image_id, ident))
    audit.record(SURFACE, "cancel_container_image_upload", principal=p, resource=f"containerimage/{image_id}")


# ---------------------------------------------------------------- 2.7 merge
def _manifest_from_stream(key: str) -> bytes | None:
    body = aws.client("s3").get_object(Bucket=settings().bucket, Key=key)["Body"]
    count = 0
    with tarfile.open(fileobj=body, mode="r|") as tf:
        for m in tf:
            count += 1
            if count > settings().archive_max_entries:
                raise Invalid("archive has too many entries")
            if m.issym() or m.islnk() or m.isdev() or m.isfifo():
                raise Invalid(f"archive entry is a link or device: {m.name}")
            name = archives._check_name(m.name)
            if name == "manifest.json" and m.isfile():
                if m.size > 1024 * 1024:
                    raise Invalid("manifest.json is too large")
                f = tf.extractfile(m)
                return f.read() if f else None
    return None


def repo_tag(key: str, size: int) -> tuple[str, str]:
    """(name, tag) from the tar's manifest.json RepoTags; 400/20024 when it is no image tar."""
    try:
        if size <= IN_MEMORY_BYTES:
            data = blobs.get(key)
            archives.entries(data)
            raw = archives.read_member(data, "manifest.json")
        else:
            raw = _manifest_from_stream(key)
    except (Invalid, tarfile.TarError, OSError, EOFError) as exc:
        msg = exc.message if isinstance(exc, Invalid) else str(exc)
        raise BadRequest(f"the file is not a valid image tar: {msg}", code=20024) from None
    if not raw:
        raise BadRequest("the tar has no manifest.json (not a docker image archive)", code=20024)
    try:
        manifest = json.loads(raw)
        tags = manifest[0].get("RepoTags") or []
        ref = str(tags[0])
    except (ValueError, LookupError, AttributeError, TypeError):
        raise BadRequest("manifest.json names no RepoTags", code=20024) from None
    repo, _, tag = ref.rpartition(":") if ":" in ref.rsplit("/", 1)[-1] else (ref, ":", "latest")
    name = repo.rsplit("/", 1)[-1].lower()
    if not _IMG.match(name) or not _TAG.match(tag):
        raise BadRequest(f"invalid image reference in RepoTags: {ref}", code=20024)
    return name, tag


def _project_for(user_id: str) -> str:
    for name in (PROJECT, f"{PROJECT}-{user_id[:8].lower()}"):
        if registry.get_project(user_id, name) is not None:
            return name
        try:
            registry.create_project(user_id, name, public=False)
            return name
        except Conflict:
            if registry.get_project(user_id, name) is not None:
                return name
    raise Conflict("no registry project available for this user", code=20010)


def merge(p: Principal, image_id: str, file_name: str | None, guid: str | None) -> None:
    """Check the request and the chunks, mark the image UPLOADING_MERGING and start the merge job."""
    _check_target(p, image_id)
    if not file_name or not guid:
        raise BadRequest("fileName and guid are required", code=20003)
    if not _FILE.match(file_name) or file_name in (".", ".."):
        raise BadRequest("invalid fileName", code=20002)
    if not re.match(r"^[A-Za-z0-9_.-]{1,200}$", guid):
        raise BadRequest("invalid guid", code=20002)
    session = _session(p, image_id, guid)
    row = load(image_id)
    if row is not None and row.image_status == MERGING:
        running = (row.fields or {}).get("merging") or {}
        if (running.get("fileName"), running.get("guid")) == (file_name, guid):
            return  # the same merge asked again (a client retry): it is already running
        raise Conflict("the image is already being merged", code=20019)
    chunked.check(session)
    merging = {"fileName": file_name, "guid": guid, "previous": row.image_status if row is not None else None}
    now = clock.now()
    if row is None:  # no record before the merge upstream: a placeholder shows the merge in the list
        row = EgContainerImage(_pk(image_id), "I", image_id=image_id, user_id=p.account_id, user_name=p.username,
                               image_name=_placeholder_name(file_name), image_version="", image_type="private",
                               image_status=MERGING, fields={"placeholder": True, "fileName": file_name,
                                                             "merging": merging},
                               created_at=now, updated_at=now).index()
        store.create(row, conflict="the image is already being merged")  # of two concurrent merges one gets 409
    else:
        row.image_status, row.updated_at = MERGING, now
        row.fields = dict(row.fields or {}, merging=merging)
        if row.fields.get("placeholder"):  # a failed merge's placeholder, merged again
            row.fields["fileName"] = file_name
        store.save(row, conflict="the image is already being merged")
    key = blobs.key(p.account_id, SURFACE, "containerimage", image_id, file_name)
    try:
        jobs.start(MERGE_JOB, surface=SURFACE, tenant_id=p.account_id, actor=p.username,
                   params={"image_id": image_id, "user_id": p.account_id, "user_name": p.username,
                           "file_name": file_name, "guid": guid, "session": session, "key": key},
                   resource=f"containerimage/{image_id}")
    except Unavailable:
        merge_failed(image_id, guid)
        raise
    audit.record(SURFACE, "merge_container_image", "started", principal=p, resource=f"containerimage/{image_id}")


def _placeholder_name(file_name: str) -> str:
    stem = file_name.rsplit(".", 1)[0] if "." in file_name[1:] else file_name
    return re.sub(r"[^a-z0-9._-]+", "-", stem.lower()).strip("-._")[:128] or "image"


def _claims(img: EgContainerImage) -> list[tuple[str, str]]:
    """The unique claims a record holds (a merge placeholder holds none: its name is not known yet)."""
    return [] if (img.fields or {}).get("placeholder") else [_unique(img.user_id, img.image_name, img.image_version)]


def merged_ref(key: str, size: int, fmt: str) -> tuple[str, str]:
    """(name, tag) of a merged upload; an invalid one is deleted and refused (400/20024)."""
    try:
        if fmt != "tar":
            raise BadRequest("the uploaded file is not a tar archive", code=20024)
        return repo_tag(key, size)
    except BadRequest:
        blobs.delete(key)
        raise


def push(user_id: str, name: str, tag: str) -> str:
    """Push ``name:tag`` into the user's registry project; returns the project."""
    project = _project_for(user_id)
    registry.push(user_id, project, name, tag)
    return project


def _save_retrying(image_id: str, fn) -> EgContainerImage | None:
    for _ in range(5):
        row = load(image_id)
        if row is None:
            return None
        fn(row)
        row.updated_at = clock.now()
        try:
            return store.save(row.index())
        except Conflict:
            continue
    raise Conflict("the image was changed concurrently")


def _merging(row: EgContainerImage | None, guid: str) -> bool:
    return row is not None and row.image_status == MERGING and ((row.fields or {}).get("merging") or {}).get(
        "guid") == guid


def record_merge(prm: dict, merged: dict, name: str, tag: str, project: str) -> None:
    """Create or update the record for the pushed image (idempotent: a retried step finds its own result).

    As upstream, an existing (name, version) of the user is updated rather than duplicated; the record the
    merge ran under is then dropped (a placeholder) or given back its previous status.
    """
    image_id, user_id, key = prm["image_id"], prm["user_id"], prm["key"]
    now = clock.now()
    fields = {"imagePath": f"{settings().otestack_registry_domain}/{project}/{name}:{tag}",
              "fileName": prm["file_name"], "s3Key": key, "size": int(merged["size"]), "sha256": merged["sha256"],
              "project": project, "uploadTime": now}
    existing = _by_key(user_id, name, tag)
    row = load(image_id)
    if existing is not None:
        old = (existing.fields or {}).get("s3Key")

        def done(r):
            r.fields, r.image_status, r.user_name = dict(fields), "UPLOAD_SUCCEED", prm["user_name"]
        _save_retrying(existing.image_id, done)
        if old and old != key:
            blobs.delete(old)
        if existing.image_id != image_id and _merging(row, prm["guid"]):
            _release(row)
        return
    if row is not None:  # the record under this id names another image (or is the placeholder): replaced
        store.delete(row, unique=_claims(row))
        old = (row.fields or {}).get("s3Key")
        if old and old != key:
            blobs.delete(old)
    img = EgContainerImage(_pk(image_id), "I", image_id=image_id, user_id=user_id, user_name=prm["user_name"],
                           image_name=name, image_version=tag, image_type="private", image_status="UPLOAD_SUCCEED",
                           fields=fields, created_at=row.created_at if row is not None else now,
                           updated_at=now).index()
    store.create(img, unique=[_unique(user_id, name, tag)],
                 conflict="an image with this name and version already exists")


def _release(row: EgContainerImage) -> None:
    """The merge went into another record: drop the placeholder, or restore what the record was."""
    if (row.fields or {}).get("placeholder"):
        store.delete(row)
        return

    def restore(r):
        r.image_status = ((r.fields or {}).get("merging") or {}).get("previous") or "UPLOAD_SUCCEED"
        r.fields = {k: v for k, v in (r.fields or {}).items() if k != "merging"}
    _save_retrying(row.image_id, restore)


def merge_failed(image_id: str, guid: str) -> None:
    """The merge failed: the record it ran under becomes UPLOAD_FAILED (the record has no field for the
    reason; the job keeps it)."""
    def failed(r):
        r.image_status = "UPLOAD_FAILED"
        r.fields = {k: v for k, v in (r.fields or {}).items() if k != "merging"}
    if _merging(load(image_id), guid):
        _save_retrying(image_id, failed)


# ---------------------------------------------------------------- 2.8 synchronize
def synchronize() -> int:
    """Records for registry images (projects ``developer*``) missing from the table; returns how many."""
    added = 0
    for proj in RegistryProject.gsi1.query("REGPROJ"):
        if not (proj.name == PROJECT or proj.name.startswith(f"{PROJECT}-")):
            continue
        user_id = proj.scope
        for ri in registry.images(user_id, proj.name):
            name = ri.name.split("/", 1)[-1]
            for t in registry.tags(user_id, ri.name):
                if _by_key(user_id, name, t.tag) is not None:
                    continue
                owner = next(iter(EgContainerImage.gsi1.query(f"EG#USER#{user_id}#CIMAGES", limit=1)), None)
                now = clock.now()
                iid = new_uuid()
                img = EgContainerImage(
                    _pk(iid), "I", image_id=iid, user_id=user_id, user_name=owner.user_name if owner else "",
                    image_name=name, image_version=t.tag, image_type="private", image_status="UPLOAD_SUCCEED",
                    fields={"imagePath": f"{settings().otestack_registry_domain}/{ri.name}:{t.tag}",
                            "fileName": None, "project": proj.name, "uploadTime": now},
                    created_at=now, updated_at=now).index()
                try:
                    store.create(img, unique=[_unique(user_id, name, t.tag)])
                    added += 1
                except Conflict:
                    continue
    return added


def synchronize_request(p: Principal) -> str:
    auth.require_admin(p)
    n = synchronize()
    audit.record(SURFACE, "synchronize_container_images", principal=p, resource="containerimages")
    return f"synchronized {n} image(s) from the registry"


@events.every_tick
def sync_container_images() -> int:
    return synchronize()
