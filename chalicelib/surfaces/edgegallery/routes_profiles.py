"""Profile (group 18): 18.1–18.7; UserData (20.1); Pkg-specs (21.1)."""
from __future__ import annotations

from chalicelib.core.errors import BadRequest
from chalicelib.surfaces.edgegallery import envelope
from chalicelib.surfaces.edgegallery import service_files as files
from chalicelib.surfaces.edgegallery import service_profiles as profiles
from chalicelib.surfaces.edgegallery.blueprint import ANY_BODY, V2, bp, endpoint
from chalicelib.surfaces.edgegallery.common import window
from chalicelib.surfaces.edgegallery import answers_core as ac, answers_more as am

BASE = f"{V2}/profiles"
FORM_LIMIT = profiles.ZIP_LIMIT + 256 * 1024


def _file(ctx, part_name: str):
    part = files.form(ctx, FORM_LIMIT).get(part_name)
    if part is None or part.filename is None:
        raise BadRequest(f"multipart part '{part_name}' is required", code=20003)
    return part


@bp.route(BASE, methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=am.Profile)
def create_profile(ctx):
    profiles.auth.require_admin(ctx.principal)
    part = _file(ctx, "file")
    return profiles.view(profiles.create(ctx.principal, part.filename, part.data))


@bp.route(BASE, methods=["GET"])
@endpoint(bp, returns=am.ProfilePage)
def list_profiles(ctx):
    q = ctx.query
    w = window(q.get("offset"), q.get("limit"))
    rows, total = profiles.page(q.get("name"), w)
    return envelope.page(rows, w.limit, w.offset, total)


@bp.route(f"{BASE}/{{profileId}}", methods=["GET"])
@endpoint(bp, returns=am.Profile)
def get_profile(ctx, profileId):
    return profiles.view(profiles.load(profileId))


@bp.route(f"{BASE}/{{profileId}}", methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=am.Profile)
def update_profile(ctx, profileId):
    profiles.auth.require_admin(ctx.principal)
    profiles.load(profileId)
    part = _file(ctx, "file")
    return profiles.view(profiles.update(ctx.principal, profileId, part.filename, part.data))


@bp.route(f"{BASE}/{{profileId}}", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, returns=am.Done)
def delete_profile(ctx, profileId):
    profiles.delete(ctx.principal, profileId)
    return envelope.true()


@bp.route(f"{BASE}/{{profileId}}/action/download", methods=["GET"])
@endpoint(bp)
def download_profile_file(ctx, profileId):
    data, name = profiles.download(profileId, ctx.query.get("type"), ctx.query.get("name"))
    return envelope.attachment(data, name)


@bp.route(f"{BASE}/{{profileId}}/create-application", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=ac.Application)
def create_application_from_profile(ctx, profileId):
    profiles.auth.require_writer(ctx.principal)
    profiles.load(profileId)
    part = _file(ctx, "iconFile")
    return profiles.create_application(ctx.principal, profileId, part.filename, part.data)


@bp.route(f"{V2}/user-datas", methods=["GET"])
@endpoint(bp)
def get_user_data(ctx):
    return envelope.text(profiles.user_data(ctx.query.get("osType"), ctx.query.get("pkgSpecId")))


@bp.route(f"{V2}/pkg-specs", methods=["GET"])
@endpoint(bp, returns=am.PkgSpecs)
def list_pkg_specs(ctx):
    return envelope.bare(profiles.pkg_specs())
