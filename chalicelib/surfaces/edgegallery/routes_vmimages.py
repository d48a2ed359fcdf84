"""VmImage (group 28): 28.1–28.13, and the extension ``action/upload-url`` (presigned POST)."""
from __future__ import annotations

from chalice import Response

from chalicelib.surfaces.edgegallery import envelope
from chalicelib.surfaces.edgegallery import service_vmimages as images
from chalicelib.surfaces.edgegallery.blueprint import ANY_BODY, V2, bp, endpoint
from chalicelib.surfaces.edgegallery.bodies_infra import UploadUrlIn, VmImageIn, VmImageQueryIn
from chalicelib.surfaces.edgegallery.common import body_of
from chalicelib.surfaces.edgegallery import answers_infra as ai

BASE = f"{V2}/vmimages"


def _empty() -> Response:
    """Upstream's chunk endpoints answer 200 with an empty body (catalog §5.3)."""
    return Response(body="", status_code=200)


@bp.route(BASE, methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=ai.Done)
def create_vm_image(ctx):
    images.create(ctx.principal, body_of(ctx, VmImageIn))
    return envelope.true()


@bp.route(f"{BASE}/action/get-list", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=ai.VmImageList)
def list_vm_images(ctx):
    return images.query(ctx.principal, body_of(ctx, VmImageQueryIn, required=False))  # absent: no filter


@bp.route(f"{BASE}/{{imageId}}", methods=["GET"])
@endpoint(bp, returns=ai.VmImage)
def get_vm_image(ctx, imageId):
    return images.view(images.visible(ctx.principal, imageId))


@bp.route(f"{BASE}/{{imageId}}", methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=ai.Done)
def update_vm_image(ctx, imageId):
    images.update(ctx.principal, imageId, body_of(ctx, VmImageIn))
    return envelope.true()


@bp.route(f"{BASE}/{{imageId}}", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, returns=ai.Done)
def delete_vm_image(ctx, imageId):
    images.delete(ctx.principal, imageId)
    return envelope.true()


@bp.route(f"{BASE}/{{imageId}}/action/upload", methods=["GET"])
@endpoint(bp, returns=ai.ChunkNumbers)
def check_vm_image_chunks(ctx, imageId):
    return envelope.bare(images.check_chunks(ctx.principal, imageId, ctx.query.get("identifier")))


@bp.route(f"{BASE}/{{imageId}}/action/upload", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp)
def upload_vm_image_chunk(ctx, imageId):
    images.upload_chunk(ctx.principal, imageId, ctx)
    return _empty()


@bp.route(f"{BASE}/{{imageId}}/action/upload", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp)
def cancel_vm_image_upload(ctx, imageId):
    images.cancel_upload(ctx.principal, imageId, ctx.query.get("identifier"))
    return _empty()


@bp.route(f"{BASE}/{{imageId}}/action/merge", methods=["GET"])
@endpoint(bp)
def merge_vm_image(ctx, imageId):
    q = ctx.query
    images.merge(ctx.principal, imageId, q.get("fileName"), q.get("identifier"))
    return _empty()


@bp.route(f"{BASE}/{{imageId}}/action/upload-url", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=ai.UploadUrl)
def vm_image_upload_url(ctx, imageId):
    """Extension (not upstream): a presigned POST for uploading a multi-GB image file straight to S3."""
    body = body_of(ctx, UploadUrlIn)
    return images.upload_url(ctx.principal, imageId, body.get("fileName"))


@bp.route(f"{BASE}/{{imageId}}/action/download", methods=["GET"])
@endpoint(bp)
def download_vm_image(ctx, imageId):
    return images.download(ctx.principal, imageId)


@bp.route(f"{BASE}/{{imageId}}/action/slim", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=ai.OperationStarted)
def slim_vm_image(ctx, imageId):
    return images.slim(ctx.principal, imageId)


@bp.route(f"{BASE}/{{imageId}}/action/publish", methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=ai.Done)
def publish_vm_image(ctx, imageId):
    images.publish(ctx.principal, imageId)
    return envelope.true()


@bp.route(f"{BASE}/{{imageId}}/action/reset", methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=ai.Done)
def reset_vm_image(ctx, imageId):
    images.reset(ctx.principal, imageId)
    return envelope.true()
