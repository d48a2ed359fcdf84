"""Upload-files (group 6): 6.1–6.8."""
from __future__ import annotations

from chalicelib.core.errors import BadRequest
from chalicelib.surfaces.edgegallery import envelope
from chalicelib.surfaces.edgegallery import service_files as files
from chalicelib.surfaces.edgegallery.blueprint import ANY_BODY, V2, bp, endpoint
from chalicelib.surfaces.edgegallery.bodies_more import FileIdsIn
from chalicelib.surfaces.edgegallery.common import items_of
from chalicelib.surfaces.edgegallery import answers_core as ac

BASE = f"{V2}/upload-files"
FORM_LIMIT = 10 * files.MiB + 64 * 1024


@bp.route(BASE, methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=ac.UploadFile)
def upload_file(ctx):
    q = ctx.query
    file_type = q.get("fileType") or q.get("flleType")  # §6.14: the document spells it flleType
    parts = files.form(ctx, FORM_LIMIT)
    part = parts.get("file")
    if part is None or part.filename is None:
        raise BadRequest("multipart part 'file' is required", code=20003)
    return files.view(files.upload(ctx.principal, file_type, part.filename, part.data))


@bp.route(f"{BASE}/{{fileId}}", methods=["GET"])
@endpoint(bp, returns=ac.UploadFile)
def get_file(ctx, fileId):
    return files.view(files.load(fileId))


@bp.route(f"{BASE}/{{fileId}}", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, returns=ac.Done)
def delete_file(ctx, fileId):
    files.delete(ctx.principal, fileId)
    return envelope.true()


@bp.route(f"{BASE}/{{fileId}}/action/get-file-stream", methods=["GET"])
@endpoint(bp)
def get_file_stream(ctx, fileId):
    f = files.load(fileId)
    return envelope.attachment(files.content(f), f.file_name, "application/octet-stream")


@bp.route(f"{BASE}/{{fileId}}/action/download-sdk", methods=["GET"])
@endpoint(bp)
def download_sdk(ctx, fileId):
    data, name = files.sdk(ctx.principal, fileId, ctx.query.get("lan"))
    return envelope.attachment(data, name, "application/octet-stream")


def _file_ids(ctx) -> list:
    return items_of(ctx, FileIdsIn, what="body", not_array=20002)


@bp.route(f"{BASE}/action/download-sample-code", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp)
def download_sample_code(ctx):
    return envelope.attachment(files.tgz(files.sample_files(ctx.principal, _file_ids(ctx))), "sample-code.tgz",
                               "application/octet-stream")


@bp.route(f"{BASE}/action/get-sample-code-structure", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=ac.SampleCodeNode)
def sample_code_structure(ctx):
    return files.sample_tree(files.sample_files(ctx.principal, _file_ids(ctx)))


@bp.route(f"{BASE}/action/get-sample-code-content", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp)
def sample_code_content(ctx):
    generated = files.sample_files(ctx.principal, _file_ids(ctx))
    return envelope.text(files.sample_content(generated, ctx.query.get("fileName")))
