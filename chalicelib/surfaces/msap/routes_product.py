"""5.7 制品库管理 — the artifact repository (5) + the edgeplane extension createPackageUploadUrl."""
from chalice import Response

from chalicelib.surfaces.msap import answers as a, service_product as svc
from chalicelib.surfaces.msap.blueprints import get, post, product as bp
from chalicelib.surfaces.msap.identity import user_of
from chalicelib.surfaces.msap.params import body, query


@get(bp, "/v1/product/downloadPackage")
def downloadPackage(ctx):
    """302 to a presigned S3 GET URL of the file; failures keep the JSON envelope."""
    url = svc.download_url(user_of(ctx), query(ctx, svc.PackageRef))
    return Response(body="", status_code=302, headers={"Location": url})


@get(bp, "/v1/product/getImage", returns=a.Image)
def getImage(ctx):
    return svc.get_image(user_of(ctx), query(ctx, svc.ImageRef))


@get(bp, "/v1/product/getPackage", returns=a.Package)
def getPackage(ctx):
    return svc.get_package(user_of(ctx), query(ctx, svc.PackageRef))


@get(bp, "/v1/product/listImagesPage", returns=a.page(a.ImageSummary))
def listImagesPage(ctx):
    return svc.images_page(user_of(ctx), query(ctx, svc.ImagesQuery))


@get(bp, "/v1/product/listPackagesPage", returns=a.page(a.PackageSummary))
def listPackagesPage(ctx):
    return svc.packages_page(user_of(ctx), query(ctx, svc.PackagesQuery))


@post(bp, "/v1/product/createPackageUploadUrl", returns=a.PackageUpload)
def createPackageUploadUrl(ctx):
    return svc.upload_url(user_of(ctx), body(ctx, svc.UploadRequest))
