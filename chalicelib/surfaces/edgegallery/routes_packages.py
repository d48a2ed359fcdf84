"""App-operation (group 24), AppPackage (25, plus the edgeplane download extension) and ReleasedPackage (27)."""
from __future__ import annotations

from chalice import Response

from chalicelib.surfaces.edgegallery import envelope
from chalicelib.surfaces.edgegallery import service_appops as appops
from chalicelib.surfaces.edgegallery import service_packages as packages
from chalicelib.surfaces.edgegallery import service_released as released
from chalicelib.surfaces.edgegallery.blueprint import ANY_BODY, V2, bp, endpoint
from chalicelib.surfaces.edgegallery.bodies_more import PackageFileIn, PackageRefsIn, PublishAppIn, SelectMepHostIn
from chalicelib.surfaces.edgegallery.common import body_of, items_of, window
from chalicelib.surfaces.edgegallery import answers_core as ac

APP = f"{V2}/applications/{{applicationId}}"
PKG = f"{V2}/apppackages/{{packageId}}"
REL = f"{V2}/released-packages"


# ---------------------------------------------------------------- 24 App-operation
@bp.route(f"{APP}/action/clean-env", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=ac.Done)
def clean_env(ctx, applicationId):
    appops.clean_env(ctx.principal, applicationId)
    return envelope.true()


@bp.route(f"{APP}/action/atp-tests", methods=["GET"])
@endpoint(bp, returns=ac.AtpTests)
def list_atp_tests(ctx, applicationId):
    return envelope.bare(appops.list_tests(ctx.principal, applicationId))


@bp.route(f"{APP}/action/atp-tests", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=ac.Done)
def create_atp_test(ctx, applicationId):
    appops.create_test(ctx.principal, applicationId)
    return envelope.true()


@bp.route(f"{APP}/action/generate-package", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=ac.AppPackage)
def generate_package(ctx, applicationId):
    return packages.generate(ctx.principal, applicationId)


@bp.route(f"{APP}/atpTests/{{atpTestId}}", methods=["GET"])
@endpoint(bp, returns=ac.AtpTest)
def get_atp_test(ctx, applicationId, atpTestId):
    return appops.get_test(ctx.principal, applicationId, atpTestId)


@bp.route(f"{APP}/action/release", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=ac.Done)
def release_application(ctx, applicationId):
    appops.release(ctx.principal, applicationId, body_of(ctx, PublishAppIn, required=False))  # absent: price 0
    return envelope.true()


@bp.route(f"{APP}/action/sel-mephost", methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=ac.Done)
def select_mephost(ctx, applicationId):
    appops.select_host(ctx.principal, applicationId, body_of(ctx, SelectMepHostIn))
    return envelope.true()


# ---------------------------------------------------------------- 25 AppPackage
@bp.route(PKG, methods=["GET"])
@endpoint(bp, returns=ac.AppPackage)
def get_app_package(ctx, packageId):
    return packages.get(ctx.principal, packageId)


@bp.route(f"{PKG}/action/download", methods=["GET"])
@endpoint(bp)
def download_app_package(ctx, packageId):
    """edgeplane extension (no upstream endpoint downloads a generated package): 302 to a presigned S3 URL."""
    return Response(body="", status_code=302, headers={"Location": packages.download_url(ctx.principal, packageId)})


@bp.route(f"{PKG}/action/get-file-content", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=ac.PackageFile)
def get_package_file(ctx, packageId):
    return packages.file_content(ctx.principal, packageId, body_of(ctx, PackageFileIn))


@bp.route(f"{PKG}/action/get-pkg-structure", methods=["GET"])
@endpoint(bp, returns=ac.PackageTree)
def get_package_structure(ctx, packageId):
    return envelope.bare(packages.structure(ctx.principal, packageId))


@bp.route(f"{PKG}/action/update-file-content", methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=ac.PackageFile)
def update_package_file(ctx, packageId):
    return packages.update_file(ctx.principal, packageId, body_of(ctx, PackageFileIn))


@bp.route(f"{PKG}/action/zip-package", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=ac.AppPackage)
def zip_package(ctx, packageId):
    return packages.zip_package(ctx.principal, packageId)


# ---------------------------------------------------------------- 27 ReleasedPackage (admin)
@bp.route(REL, methods=["GET"])
@endpoint(bp, returns=ac.ReleasedPackagePage)
def list_released_packages(ctx):
    w = window(ctx.query.get("offset"), ctx.query.get("limit"))
    rows, total = released.page(ctx.principal, ctx.query.get("name"), w)
    return envelope.page(rows, w.limit, w.offset, total)


@bp.route(REL, methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=ac.Done)
def synchronize_packages(ctx):
    released.synchronize(ctx.principal, items_of(ctx, PackageRefsIn))
    return envelope.true()


@bp.route(f"{REL}/{{packageId}}", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, returns=ac.Done)
def delete_released_package(ctx, packageId):
    released.delete(ctx.principal, packageId)
    return envelope.true()


@bp.route(f"{REL}/{{packageId}}/action/release", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=ac.Done)
def release_package(ctx, packageId):
    released.release(ctx.principal, packageId, body_of(ctx, PublishAppIn, required=False))  # absent: price 0
    return envelope.true()


@bp.route(f"{REL}/{{packageId}}/action/get-file-content", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=ac.PackageFile)
def get_released_file(ctx, packageId):
    return released.file_content(ctx.principal, packageId, body_of(ctx, PackageFileIn))


@bp.route(f"{REL}/{{packageId}}/action/get-pkg-structure", methods=["GET"])
@endpoint(bp, returns=ac.PackageTree)
def get_released_structure(ctx, packageId):
    return envelope.bare(released.structure(ctx.principal, packageId))


@bp.route(f"{REL}/{{packageId}}/action/edit-file-content", methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=ac.PackageFile)
def edit_released_file(ctx, packageId):
    return released.edit_file(ctx.principal, packageId, body_of(ctx, PackageFileIn))
