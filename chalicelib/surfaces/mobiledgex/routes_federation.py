"""Federation operations: guest (catalog §3.2 #78-#85), host (#86-#106), developer side (#142-#148).

Global objects: the framework binder (:func:`common.bind`) with the request schemas of the catalog;
Shows answer plain JSON arrays and filter on the keys present (:func:`service_federation.show_filter`).
"""
from __future__ import annotations

from chalicelib.store.mobiledgex_fed import P_APP, P_APPINST, P_ARTEFACT, P_IMAGE
from chalicelib.surfaces.mobiledgex import envelope
from chalicelib.surfaces.mobiledgex import service_federation as fed
from chalicelib.surfaces.mobiledgex import service_fedguest as guest
from chalicelib.surfaces.mobiledgex import service_fedhost as host
from chalicelib.surfaces.mobiledgex import answers as A
from chalicelib.surfaces.mobiledgex.blueprint import ANY_BODY, API, bp, endpoint
from chalicelib.surfaces.mobiledgex.common import bind

FED = f"{API}/auth/federation"
PROVIDER, CONSUMER = "OrmapiFederationProvider", "OrmapiFederationConsumer"
_SECRETS = ("ProviderClientKey", "PartnerNotifyClientKey", "MyInfo.MNC", "PartnerInfo.MNC",
            "MyInfo.FixedNetworkIds", "PartnerInfo.FixedNetworkIds", "Regions")


def _empty_or(result):
    return envelope.empty() if result is None else result


# ---------------------------------------------------------------- FederationGuest
@bp.route(f"{FED}/consumer/create", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="CreateFederationGuest", returns=A.Result)
def create_federation_guest(ctx):
    return guest.create(ctx.principal, *bind(ctx, CONSUMER))


@bp.route(f"{FED}/consumer/delete", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="DeleteFederationGuest", returns=A.Result)
def delete_federation_guest(ctx):
    return guest.delete(ctx.principal, *bind(ctx, CONSUMER))


@bp.route(f"{FED}/consumer/gennotifykey", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="GenerateFederationGuestNotifyKey", returns=A.Result)
def generate_federation_guest_notify_key(ctx):
    return guest.generate_notify_key(ctx.principal, *bind(ctx, CONSUMER))


@bp.route(f"{FED}/consumer/generatenotifykey", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="GenerateFederationGuestNotifyKey", returns=A.Result)
def generate_federation_guest_notify_key_server_path(ctx):
    """The path upstream's server registers (the spec and CLI say gennotifykey, catalog §7.8)."""
    return guest.generate_notify_key(ctx.principal, *bind(ctx, CONSUMER))


@bp.route(f"{FED}/consumer/setapikey", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="SetFederationGuestAPIKey", returns=A.Result)
def set_federation_guest_api_key(ctx):
    return guest.set_api_key(ctx.principal, *bind(ctx, CONSUMER))


@bp.route(f"{FED}/consumer/update", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="UpdateFederationGuest", returns=A.Result)
def update_federation_guest(ctx):
    return guest.update(ctx.principal, *bind(ctx, CONSUMER))


@bp.route(f"{FED}/consumer/zone/deregister", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="DeregisterGuestZone", returns=A.Result)
def deregister_guest_zone(ctx):
    return guest.deregister_zones(ctx.principal, *bind(ctx, "OrmapiFederatedZoneRegRequest"))


@bp.route(f"{FED}/consumer/zone/register", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="RegisterGuestZone", returns=A.Result)
def register_guest_zone(ctx):
    return guest.register_zones(ctx.principal, *bind(ctx, "OrmapiFederatedZoneRegRequest"))


@bp.route(f"{FED}/consumer/zone/show", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowGuestZone", returns=A.GuestZones)
def show_guest_zone(ctx):
    return envelope.array(guest.show_zones(ctx.principal, fed.show_filter(ctx, "OrmapiConsumerZone")))


# ---------------------------------------------------------------- FederationHost: partner objects
def _show_partner(ctx, kind: str, schema: str, ignore=()):
    return envelope.array(host.show_partner(ctx.principal, kind, fed.show_filter(ctx, schema, ignore=ignore)))


def _unsafe_delete(ctx, kind: str, schema: str, action: str):
    return _empty_or(host.unsafe_delete(ctx.principal, kind, action, *bind(ctx, schema)))


@bp.route(f"{FED}/provider/app/show", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowHostApp", returns=A.HostApps)
def show_host_app(ctx):
    return _show_partner(ctx, P_APP, "OrmapiProviderApp", ("ArtefactIds", "DeploymentZones"))


@bp.route(f"{FED}/provider/app/unsafedelete", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="UnsafeDeleteHostApp")
def unsafe_delete_host_app(ctx):
    return _unsafe_delete(ctx, P_APP, "OrmapiProviderApp", "UnsafeDeleteHostApp")


@bp.route(f"{FED}/provider/appinst/show", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowHostAppInst", returns=A.HostAppInsts)
def show_host_app_inst(ctx):
    return _show_partner(ctx, P_APPINST, "OrmapiProviderAppInst")


@bp.route(f"{FED}/provider/appinst/unsafedelete", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="UnsafeDeleteHostAppInst")
def unsafe_delete_host_app_inst(ctx):
    return _unsafe_delete(ctx, P_APPINST, "OrmapiProviderAppInst", "UnsafeDeleteHostAppInst")


@bp.route(f"{FED}/provider/artefact/show", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowHostArtefact", returns=A.HostArtefacts)
def show_host_artefact(ctx):
    return _show_partner(ctx, P_ARTEFACT, "OrmapiProviderArtefact", ("FileIds",))


@bp.route(f"{FED}/provider/artefact/unsafedelete", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="UnsafeDeleteHostArtefact")
def unsafe_delete_host_artefact(ctx):
    return _unsafe_delete(ctx, P_ARTEFACT, "OrmapiProviderArtefact", "UnsafeDeleteHostArtefact")


@bp.route(f"{FED}/provider/image/show", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowHostImage", returns=A.HostImages)
def show_host_image(ctx):
    return _show_partner(ctx, P_IMAGE, "OrmapiProviderImage")


@bp.route(f"{FED}/provider/image/unsafedelete", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="UnsafeDeleteHostImage")
def unsafe_delete_host_image(ctx):
    return _unsafe_delete(ctx, P_IMAGE, "OrmapiProviderImage", "UnsafeDeleteHostImage")


# ---------------------------------------------------------------- FederationHost
@bp.route(f"{FED}/provider/create", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="CreateFederationHost", returns=A.FederationProviderInfo)
def create_federation_host(ctx):
    return host.create(ctx.principal, *bind(ctx, PROVIDER))


@bp.route(f"{FED}/provider/delete", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="DeleteFederationHost", returns=A.Result)
def delete_federation_host(ctx):
    return host.delete(ctx.principal, *bind(ctx, PROVIDER))


@bp.route(f"{FED}/provider/generateapikey", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="GenerateFederationHostAPIKey", returns=A.FederationProviderInfo)
def generate_federation_host_api_key(ctx):
    return host.generate_api_key(ctx.principal, *bind(ctx, PROVIDER))


@bp.route(f"{FED}/provider/setnotifykey", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="SetFederationHostNotifyKey")
def set_federation_host_notify_key(ctx):
    return _empty_or(host.set_notify_key(ctx.principal, *bind(ctx, PROVIDER)))


@bp.route(f"{FED}/provider/show", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowFederationHost", returns=A.FederationHosts)
def show_federation_host(ctx):
    return envelope.array(host.show(ctx.principal, fed.show_filter(ctx, PROVIDER, ignore=_SECRETS)))


@bp.route(f"{FED}/provider/update", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="UpdateFederationHost", returns=A.Result)
def update_federation_host(ctx):
    return host.update(ctx.principal, *bind(ctx, PROVIDER))


@bp.route(f"{FED}/provider/zone/share", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShareHostZone", returns=A.Result)
def share_host_zone(ctx):
    return host.share_zones(ctx.principal, *bind(ctx, "OrmapiFederatedZoneShareRequest"))


@bp.route(f"{FED}/provider/zone/show", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowHostZone", returns=A.HostZones)
def show_host_zone(ctx):
    return envelope.array(host.show_zones(ctx.principal, fed.show_filter(ctx, "OrmapiProviderZone")))


@bp.route(f"{FED}/provider/zone/unshare", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="UnshareHostZone", returns=A.Result)
def unshare_host_zone(ctx):
    return host.unshare_zones(ctx.principal, *bind(ctx, "OrmapiFederatedZoneShareRequest"))


@bp.route(f"{FED}/provider/zonebase/create", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="CreateHostZoneBase", returns=A.Result)
def create_host_zone_base(ctx):
    return host.create_zone_base(ctx.principal, *bind(ctx, "OrmapiProviderZoneBase"))


@bp.route(f"{FED}/provider/zonebase/delete", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="DeleteHostZoneBase", returns=A.Result)
def delete_host_zone_base(ctx):
    return host.delete_zone_base(ctx.principal, *bind(ctx, "OrmapiProviderZoneBase"))


@bp.route(f"{FED}/provider/zonebase/show", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowHostZoneBase", returns=A.HostZoneBases)
def show_host_zone_base(ctx):
    return envelope.array(host.show_zone_bases(
        ctx.principal, fed.show_filter(ctx, "OrmapiProviderZoneBase", ignore=("Cloudlets",))))


@bp.route(f"{FED}/provider/zonebase/update", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="UpdateHostZoneBase", returns=A.Result)
def update_host_zone_base(ctx):
    return host.update_zone_base(ctx.principal, *bind(ctx, "OrmapiProviderZoneBase"))


# ---------------------------------------------------------------- Federation (developer side)
@bp.route(f"{FED}/consumer/app/deboard", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="DeboardGuestApp")
def deboard_guest_app(ctx):
    return guest.deboard_app(ctx.principal, *bind(ctx, "OrmapiConsumerApp"))


@bp.route(f"{FED}/consumer/app/onboard", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="OnboardGuestApp")
def onboard_guest_app(ctx):
    return guest.onboard_app(ctx.principal, *bind(ctx, "OrmapiConsumerApp"))


@bp.route(f"{FED}/consumer/app/show", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowGuestApp", returns=A.GuestApps)
def show_guest_app(ctx):
    return envelope.array(guest.show_apps(ctx.principal, fed.show_filter(ctx, "OrmapiConsumerApp",
                                                                         ignore=("ImageIds",))))


@bp.route(f"{FED}/consumer/image/create", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="CreateGuestImage", returns=A.Result)
def create_guest_image(ctx):
    return guest.create_image(ctx.principal, *bind(ctx, "OrmapiConsumerImage"))


@bp.route(f"{FED}/consumer/image/delete", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="DeleteGuestImage", returns=A.Result)
def delete_guest_image(ctx):
    return guest.delete_image(ctx.principal, *bind(ctx, "OrmapiConsumerImage"))


@bp.route(f"{FED}/consumer/image/show", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowGuestImage", returns=A.GuestImages)
def show_guest_image(ctx):
    return envelope.array(guest.show_images(ctx.principal, fed.show_filter(ctx, "OrmapiConsumerImage")))


@bp.route(f"{FED}/consumer/show", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowFederation", returns=A.FederationGuests)
def show_federation(ctx):
    return envelope.array(guest.show(ctx.principal, fed.show_filter(ctx, CONSUMER, ignore=_SECRETS)))
