"""Chunked uploads (the simple-uploader.js protocol) stored in S3, merged with S3 multipart upload.

Chunks live at ``chunks/<session>/<n>.part`` (outside ``uploads/``, so they raise no upload events).
:func:`merge` assembles them into one object with a multipart upload: a part at least as large as the
target part size is copied server-side (``UploadPartCopy``); smaller chunks are streamed into a buffer
that is sent once it reaches the target size. Memory stays bounded by the target part size (5 MiB, or
more for files so large that 10,000 parts would not suffice), never by the file size. The SHA-256 and
the first 64 KiB are computed while streaming.
"""
from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.blobs import archives, multipart
from chalicelib.core import aws
from chalicelib.core.config import settings
from chalicelib.core.errors import BadRequest, NotFound, TooLarge, Unavailable
from chalicelib.openapi.declare import consumes

MIN_PART = 5 * 1024 * 1024
MAX_PARTS = 9000
HEAD_BYTES = 64 * 1024
READ_BLOCK = 1024 * 1024
_SESSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]{0,400}$")
_IDENTIFIER = re.compile(r"^[A-Za-z0-9_.-]{1,200}$")


@dataclass
class ChunkForm:
    chunk_number: int
    chunk_size: int | None
    current_chunk_size: int | None
    total_size: int | None
    identifier: str
    filename: str
    relative_path: str
    total_chunks: int | None
    type: str
    data: bytes


def _int(value, name: str, required: bool = False, minimum: int = 0) -> int | None:
    if value in (None, ""):
        if required:
            raise BadRequest(f"{name} is required", code=20003)
        return None
    try:
        out = int(str(value).strip())
    except ValueError:
        raise BadRequest(f"{name} must be an integer", code=20002) from None
    if out < minimum:
        raise BadRequest(f"{name} must be >= {minimum}", code=20002)
    return out


@consumes("multipart/form-data")
def form(ctx, *, require_file: bool = True) -> ChunkForm:
    """Read one chunk request: fields from the multipart form or the query string, bytes from part ``file``."""
    fields = dict(ctx.query)
    data = b""
    if ctx.content_type == "multipart/form-data":
        parts = multipart.parse(ctx.header("content-type"), ctx.raw, max_bytes=settings().max_body_bytes)
        for name, part in parts.items():
            if name == "file":
                data = part.data
            else:
                fields[name] = part.text
    elif require_file:
        raise BadRequest("a chunk must be sent as multipart/form-data", code=20001)
    if require_file and not data:
        raise NotFound("the chunk has no file part", code=20016)
    identifier = (fields.get("identifier") or fields.get("guid") or "").strip()
    if not _IDENTIFIER.match(identifier):
        raise BadRequest("identifier is required (letters, digits, '.', '_' or '-')", code=20002)
    out = ChunkForm(chunk_number=_int(fields.get("chunkNumber"), "chunkNumber", required=require_file, minimum=1) or 0,
                    chunk_size=_int(fields.get("chunkSize"), "chunkSize"),
                    current_chunk_size=_int(fields.get("currentChunkSize"), "currentChunkSize"),
                    total_size=_int(fields.get("totalSize"), "totalSize"), identifier=identifier,
                    filename=(fields.get("filename") or "").strip(), relative_path=fields.get("relativePath") or "",
                    total_chunks=_int(fields.get("totalChunks"), "totalChunks", minimum=1),
                    type=fields.get("type") or "", data=data)
    if out.current_chunk_size is not None and data and out.current_chunk_size != len(data):
        raise BadRequest("currentChunkSize does not match the chunk's bytes", code=20018)
    if out.total_chunks is not None and out.chunk_number > out.total_chunks:
        raise BadRequest("chunkNumber is larger than totalChunks", code=20002)
    return out


def _prefix(session: str) -> str:
    if not _SESSION.match(session) or ".." in session:
        raise BadRequest("invalid upload session", code=20002)
    return f"chunks/{session.strip('/')}/"


def _s3():
    return aws.client("s3")


def save_chunk(session: str, number: int, data: bytes, *, max_bytes: int | None = None) -> None:
    if number < 1:
        raise BadRequest("chunkNumber must be >= 1", code=20002)
    limit = max_bytes or settings().max_body_bytes
    if len(data) > limit:
        raise TooLarge(f"chunk too large (limit {limit} bytes)", code=20018)
    try:
        _s3().put_object(Bucket=settings().bucket, Key=f"{_prefix(session)}{number:08d}.part", Body=data)
    except (ClientError, BotoCoreError) as exc:
        raise Unavailable("file storage unavailable, retry later", code=20018) from exc


def _parts(session: str) -> list[tuple[int, str, int]]:
    prefix = _prefix(session)
    out = []
    for page in _s3().get_paginator("list_objects_v2").paginate(Bucket=settings().bucket, Prefix=prefix):
        for obj in page.get("Contents", []) or []:
            name = obj["Key"][len(prefix):]
            if name.endswith(".part") and name[:-5].isdigit():
                out.append((int(name[:-5]), obj["Key"], int(obj["Size"])))
    return sorted(out)


def received(session: str) -> list[int]:
    return [n for n, _, _ in _parts(session)]


def cancel(session: str) -> int:
    keys = [k for _, k, _ in _parts(session)]
    for i in range(0, len(keys), 1000):
        _s3().delete_objects(Bucket=settings().bucket,
                             Delete={"Objects": [{"Key": k} for k in keys[i:i + 1000]], "Quiet": True})
    return len(keys)


def _complete(session: str, expected_chunks: int | None) -> list[tuple[int, str, int]]:
    """Chunks 1..N of the session (404 when there are none, 400 when one is missing)."""
    parts = _parts(session)
    if not parts:
        raise NotFound("no uploaded chunks to merge", code=20016)
    numbers = [n for n, _, _ in parts]
    want = expected_chunks or numbers[-1]
    missing = sorted(set(range(1, want + 1)) - set(numbers))
    if missing:
        raise BadRequest(f"chunks missing: {missing[:10]}", code=20019)
    return [p for p in parts if p[0] <= want]


def check(session: str, *, expected_chunks: int | None = None) -> int:
    """What :func:`merge` would refuse, without merging (one listing): returns the total size in bytes.

    Merge endpoints call it so that a merge started as a job fails early, in the request, as it did before.
    """
    return sum(size for _, _, size in _complete(session, expected_chunks))


def merge(session: str, dest_key: str, *, expected_chunks: int | None = None, content_type: str =
          "application/octet-stream", delete_chunks: bool = True) -> dict:
    """Assemble chunks 1..N into ``dest_key``; returns size, sha256 and the first 64 KiB.

    Deletes the chunks unless ``delete_chunks`` is false: a job step keeps them until it has recorded the
    result, so that a redelivered step can merge again instead of finding nothing.
    """
    parts = _complete(session, expected_chunks)
    total = sum(size for _, _, size in parts)
    target = max(MIN_PART, math.ceil(total / MAX_PARTS))
    s3, bucket = _s3(), settings().bucket
    sha = hashlib.sha256()
    head = bytearray()
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=dest_key, ContentType=content_type)["UploadId"]
    done, buffer = [], bytearray()

    def send(data: bytes) -> None:
        n = len(done) + 1
        etag = s3.upload_part(Bucket=bucket, Key=dest_key, UploadId=upload_id, PartNumber=n, Body=bytes(data))["ETag"]
        done.append({"PartNumber": n, "ETag": etag})

    try:
        for _, key, size in parts:
            body = s3.get_object(Bucket=bucket, Key=key)["Body"]
            copy = size >= target and not buffer
            while True:
                block = body.read(READ_BLOCK)
                if not block:
                    break
                sha.update(block)
                if len(head) < HEAD_BYTES:
                    head.extend(block[: HEAD_BYTES - len(head)])
                if not copy:
                    buffer.extend(block)
                    if len(buffer) >= target:
                        send(buffer)
                        buffer.clear()
            if copy:
                n = len(done) + 1
                res = s3.upload_part_copy(Bucket=bucket, Key=dest_key, UploadId=upload_id, PartNumber=n,
                                          CopySource={"Bucket": bucket, "Key": key})
                done.append({"PartNumber": n, "ETag": res["CopyPartResult"]["ETag"]})
        if buffer or not done:
            send(buffer)
            buffer.clear()
        s3.complete_multipart_upload(Bucket=bucket, Key=dest_key, UploadId=upload_id,
                                     MultipartUpload={"Parts": done})
    except (ClientError, BotoCoreError) as exc:
        try:
            s3.abort_multipart_upload(Bucket=bucket, Key=dest_key, UploadId=upload_id)
        except (ClientError, BotoCoreError):
            pass
        raise Unavailable("merging the upload failed, retry", code=20019) from exc
    if delete_chunks:
        cancel(session)
    return {"size": total, "sha256": sha.hexdigest(), "head": bytes(head), "parts": len(done)}


def detect_format(head: bytes) -> str:
    """Format by content: qcow2 | iso | tar | tgz | gzip | zip | unknown."""
    if head[:4] == b"QFI\xfb":
        return "qcow2"
    if len(head) >= 32774 and head[32769:32774] == b"CD001":
        return "iso"
    return archives.sniff(head) if archives.sniff(head) != "unknown" else _partial_sniff(head)


def _partial_sniff(head: bytes) -> str:
    if head[:2] == b"\x1f\x8b":
        return "gzip"
    return "unknown"


def abandoned_cleanup(max_age_seconds: int = 7 * 24 * 3600) -> int:
    """Delete chunks older than ``max_age_seconds`` (also a bucket lifecycle rule in AWS)."""
    import datetime as _dt
    from chalicelib.core import clock
    cutoff = _dt.datetime.fromtimestamp(clock.now() - max_age_seconds, tz=_dt.timezone.utc)
    removed = 0
    for page in _s3().get_paginator("list_objects_v2").paginate(Bucket=settings().bucket, Prefix="chunks/"):
        old = [{"Key": o["Key"]} for o in page.get("Contents", []) or [] if o["LastModified"] < cutoff]
        if old:
            _s3().delete_objects(Bucket=settings().bucket, Delete={"Objects": old, "Quiet": True})
            removed += len(old)
    return removed
