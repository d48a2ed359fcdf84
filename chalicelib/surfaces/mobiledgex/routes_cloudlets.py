"""Cloudlet operations (catalog §3.2 #28-#46)."""
from __future__ import annotations

from chalicelib.surfaces.mobiledgex import envelope, service_cloudlets as cloudlets
from chalicelib.surfaces.mobiledgex import answers as A
from chalicelib.surfaces.mobiledgex.blueprint import ANY_BODY, API, bp, endpoint
from chalicelib.surfaces.mobiledgex.common import regional_body

W = "OrmapiRegionCloudlet"


@bp.route(f"{API}/auth/ctrl/CreateCloudlet", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="CreateCloudlet")
def create_cloudlet(ctx):
    return cloudlets.create(ctx.principal, *regional_body(ctx, W))


@bp.route(f"{API}/auth/ctrl/DeleteCloudlet", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="DeleteCloudlet")
def delete_cloudlet(ctx):
    return cloudlets.delete(ctx.principal, *regional_body(ctx, W))


@bp.route(f"{API}/auth/ctrl/ShowCloudlet", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowCloudlet")
def show_cloudlet(ctx):
    return envelope.objects(cloudlets.show(ctx.principal, *regional_body(ctx, W)))


WK = "OrmapiRegionCloudletKey"


@bp.route(f"{API}/auth/ctrl/UpdateCloudlet", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="UpdateCloudlet")
def update_cloudlet(ctx):
    return cloudlets.update(ctx.principal, *regional_body(ctx, W))


@bp.route(f"{API}/auth/ctrl/AddCloudletAllianceOrg", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="AddCloudletAllianceOrg", returns=A.CtrlResult)
def add_cloudlet_alliance_org(ctx):
    return cloudlets.change_alliance_org(ctx.principal, *regional_body(ctx, "OrmapiRegionCloudletAllianceOrg"),
                                         add=True)


@bp.route(f"{API}/auth/ctrl/RemoveCloudletAllianceOrg", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="RemoveCloudletAllianceOrg", returns=A.CtrlResult)
def remove_cloudlet_alliance_org(ctx):
    return cloudlets.change_alliance_org(ctx.principal, *regional_body(ctx, "OrmapiRegionCloudletAllianceOrg"),
                                         add=False)


@bp.route(f"{API}/auth/ctrl/AddCloudletResMapping", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="AddCloudletResMapping", returns=A.CtrlResult)
def add_cloudlet_res_mapping(ctx):
    return cloudlets.change_res_mapping(ctx.principal, *regional_body(ctx, "OrmapiRegionCloudletResMap"), add=True)


@bp.route(f"{API}/auth/ctrl/RemoveCloudletResMapping", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="RemoveCloudletResMapping", returns=A.CtrlResult)
def remove_cloudlet_res_mapping(ctx):
    return cloudlets.change_res_mapping(ctx.principal, *regional_body(ctx, "OrmapiRegionCloudletResMap"), add=False)


@bp.route(f"{API}/auth/ctrl/FindFlavorMatch", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="FindFlavorMatch", returns=A.FlavorMatch)
def find_flavor_match(ctx):
    return cloudlets.find_flavor_match(ctx.principal, *regional_body(ctx, "OrmapiRegionFlavorMatch"))


@bp.route(f"{API}/auth/ctrl/ShowFlavorsForCloudlet", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowFlavorsForCloudlet")
def show_flavors_for_cloudlet(ctx):
    return envelope.objects(cloudlets.show_flavors(ctx.principal, *regional_body(ctx, WK)))


@bp.route(f"{API}/auth/ctrl/GenerateAccessKey", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="GenerateAccessKey", returns=A.CtrlResult)
def generate_access_key(ctx):
    return cloudlets.generate_access_key(ctx.principal, *regional_body(ctx, WK))


@bp.route(f"{API}/auth/ctrl/RevokeAccessKey", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="RevokeAccessKey", returns=A.CtrlResult)
def revoke_access_key(ctx):
    return cloudlets.revoke_access_key(ctx.principal, *regional_body(ctx, WK))


@bp.route(f"{API}/auth/ctrl/GetCloudletManifest", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="GetCloudletManifest", returns=A.CloudletManifest)
def get_cloudlet_manifest(ctx):
    return cloudlets.manifest(ctx.principal, *regional_body(ctx, WK))


@bp.route(f"{API}/auth/ctrl/GetCloudletGPUDriverLicenseConfig", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="GetCloudletGPUDriverLicenseConfig", returns=A.CtrlResult)
def get_cloudlet_gpu_driver_license_config(ctx):
    return cloudlets.gpu_license_config(ctx.principal, *regional_body(ctx, WK))


@bp.route(f"{API}/auth/ctrl/GetCloudletProps", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="GetCloudletProps", returns=A.CloudletProps)
def get_cloudlet_props(ctx):
    return cloudlets.props(ctx.principal, *regional_body(ctx, "OrmapiRegionCloudletProps"))


@bp.route(f"{API}/auth/ctrl/GetCloudletResourceQuotaProps", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="GetCloudletResourceQuotaProps", returns=A.CloudletResourceQuotaProps)
def get_cloudlet_resource_quota_props(ctx):
    return cloudlets.quota_props(ctx.principal, *regional_body(ctx, "OrmapiRegionCloudletResourceQuotaProps"))


@bp.route(f"{API}/auth/ctrl/GetCloudletResourceUsage", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="GetCloudletResourceUsage", returns=A.CloudletResourceUsage)
def get_cloudlet_resource_usage(ctx):
    return cloudlets.resource_usage(ctx.principal, *regional_body(ctx, "OrmapiRegionCloudletResourceUsage"))


@bp.route(f"{API}/auth/ctrl/GetOrganizationsOnCloudlet", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="GetOrganizationsOnCloudlet")
def get_organizations_on_cloudlet(ctx):
    return envelope.objects(cloudlets.organizations_on(ctx.principal, *regional_body(ctx, WK)))


@bp.route(f"{API}/auth/ctrl/ShowCloudletPlatformFeatures", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowCloudletPlatformFeatures")
def show_cloudlet_platform_features(ctx):
    return envelope.objects(cloudlets.platform_features(ctx.principal,
                                                        *regional_body(ctx, "OrmapiRegionPlatformFeatures")))
