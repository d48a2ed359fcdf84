"""Container Image (group 2): 2.1–2.8; ContainerApp-operation (group 23): 23.1, 23.2."""
from __future__ import annotations

from chalice import Response

from chalicelib.surfaces.edgegallery import envelope
from chalicelib.surfaces.edgegallery import service_containerimages as images
from chalicelib.surfaces.edgegallery import workflows_container as ops
from chalicelib.surfaces.edgegallery.blueprint import ANY_BODY, V2, bp, endpoint
from chalicelib.surfaces.edgegallery.bodies_infra import ContainerImageIn
from chalicelib.surfaces.edgegallery.common import body_of
from chalicelib.surfaces.edgegallery import answers_infra as ai

BASE = f"{V2}/containerimages"


def _empty() -> Response:
    """Upstream's chunk/merge endpoints answer 200 with an empty body (catalog §5.3)."""
    return Response(body="", status_code=200)


@bp.route(f"{BASE}/action/get-all-images", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=ai.ContainerImagePage)
def list_container_images(ctx):
    raw = ctx.json(required=False)
    q = ctx.body(images.ImageQuery) if raw not in (None, {}) else images.ImageQuery()
    return images.query(ctx.principal, q)


@bp.route(f"{BASE}/action/synchronize", methods=["GET"])
@endpoint(bp)
def synchronize_container_images(ctx):
    return envelope.text(images.synchronize_request(ctx.principal))


@bp.route(f"{BASE}/{{imageId}}", methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=ai.ContainerImage)
def modify_container_image(ctx, imageId):
    return images.modify(ctx.principal, imageId, body_of(ctx, ContainerImageIn))


@bp.route(f"{BASE}/{{imageId}}", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, returns=ai.Done)
def delete_container_image(ctx, imageId):
    images.delete(ctx.principal, imageId)
    return envelope.true()


@bp.route(f"{BASE}/{{imageId}}/action/download", methods=["GET"])
@endpoint(bp)
def download_container_image(ctx, imageId):
    return images.download(ctx.principal, imageId)


@bp.route(f"{BASE}/{{imageId}}/action/upload", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp)
def upload_container_image_chunk(ctx, imageId):
    images.require_uuid(imageId, "imageId")
    images.upload_chunk(ctx.principal, imageId, ctx)
    return _empty()


@bp.route(f"{BASE}/{{imageId}}/action/upload", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp)
def cancel_container_image_upload(ctx, imageId):
    images.require_uuid(imageId, "imageId")
    images.cancel(ctx.principal, imageId, ctx.query.get("identifier") or ctx.query.get("guid"))
    return _empty()


@bp.route(f"{BASE}/{{imageId}}/action/merge", methods=["GET"])
@endpoint(bp)
def merge_container_image(ctx, imageId):
    images.require_uuid(imageId, "imageId")
    images.merge(ctx.principal, imageId, ctx.query.get("fileName"), ctx.query.get("guid"))
    return _empty()


# ---------------------------------------------------------------- group 23
@bp.route(f"{V2}/applications/{{applicationId}}/containers/action/ssh", methods=["GET"])
@endpoint(bp, returns=ai.SshInfo)
def container_ssh(ctx, applicationId):
    return ops.ssh_info(ctx.principal, applicationId)


@bp.route(f"{V2}/applications/{{applicationId}}/containers/action/launch", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=ai.OperationStarted)
def container_launch(ctx, applicationId):
    return ops.launch(ctx.principal, applicationId)
