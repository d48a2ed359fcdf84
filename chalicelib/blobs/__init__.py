"""Files in S3: keys, size-limited uploads, presigned URLs, multipart form bodies, safe archive reading."""
from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.core import aws
from chalicelib.core.config import settings
from chalicelib.core.errors import NotFound, TooLarge, Unavailable


def key(tenant: str, surface: str, kind: str, obj_id: str, filename: str) -> str:
    """``tenant/<tenant>/<surface>/<kind>/<id>/<file>`` (ARCHITECTURE, Storage)."""
    safe = filename.replace("/", "_").replace("\\", "_") or "file"
    return f"tenant/{tenant}/{surface}/{kind}/{obj_id}/{safe}"


def put(object_key: str, data: bytes, *, content_type: str = "application/octet-stream",
        max_bytes: int | None = None, metadata: dict | None = None) -> dict:
    limit = max_bytes or settings().max_upload_bytes
    if len(data) > limit:
        raise TooLarge(f"file too large (limit {limit} bytes)")
    try:
        aws.client("s3").put_object(Bucket=settings().bucket, Key=object_key, Body=data, ContentType=content_type,
                                    Metadata=metadata or {})
    except (ClientError, BotoCoreError) as exc:
        raise Unavailable("file storage unavailable, retry later") from exc
    return {"bucket": settings().bucket, "key": object_key, "size": len(data)}


def get(object_key: str) -> bytes:
    try:
        return aws.client("s3").get_object(Bucket=settings().bucket, Key=object_key)["Body"].read()
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
            raise NotFound("file not found") from exc
        raise Unavailable("file storage unavailable, retry later") from exc


def delete(object_key: str) -> None:
    try:
        aws.client("s3").delete_object(Bucket=settings().bucket, Key=object_key)
    except (ClientError, BotoCoreError):
        pass  # deleting a missing object is fine; a lifecycle rule collects stragglers


def presign_get(object_key: str, filename: str | None = None) -> str:
    params = {"Bucket": settings().bucket, "Key": object_key}
    if filename:
        params["ResponseContentDisposition"] = f'attachment; filename="{filename}"'
    return aws.client("s3").generate_presigned_url("get_object", Params=params,
                                                   ExpiresIn=settings().presign_ttl_seconds)


def presign_post(object_key: str, *, max_bytes: int, content_type: str | None = None) -> dict:
    """A presigned POST whose policy caps the size (the way large files bypass Lambda)."""
    conditions = [["content-length-range", 1, max_bytes]]
    fields = {}
    if content_type:
        conditions.append({"Content-Type": content_type})
        fields["Content-Type"] = content_type
    return aws.client("s3").generate_presigned_post(settings().bucket, object_key, Fields=fields or None,
                                                    Conditions=conditions,
                                                    ExpiresIn=settings().presign_ttl_seconds)
