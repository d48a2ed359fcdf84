"""Federation guest (consumer) operations (catalog §3.2 #78-#85) and the developer side (#142-#148).

The partner host is simulated in-process (see :mod:`service_federation`): registering a guest registers
it with a host of this deployment, zone registration creates the local ``Federation`` cloudlet, and
developer images/apps are copied to the host as ProviderImage/ProviderArtefact/ProviderApp.
"""
from __future__ import annotations

import hashlib
import uuid

from chalicelib.core.config import settings
from chalicelib.core.errors import BadRequest
from chalicelib.identity import sealing
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.mobiledgex_fed import (C_APP, C_IMAGE, CONSUMER_ZONE, GUEST, P_APP, P_APPINST, P_ARTEFACT,
                                             P_IMAGE, MxFed)
from chalicelib.surfaces.mobiledgex import envelope, rbac, regional, service_events, service_orgs
from chalicelib.surfaces.mobiledgex import service_federation as fed
from chalicelib.surfaces.mobiledgex import service_fedhost as fedhost
from chalicelib.surfaces.mobiledgex.common import REGIONAL_NAME, check_name, go_time, rfc3339nano
from chalicelib.surfaces.mobiledgex.kinds import APP, CLOUDLET

GUEST_UPDATABLE = ("Name", "OperatorId", "Public", "MyInfo", "MyInfo.CountryCode", "MyInfo.MCC", "MyInfo.MNC",
                   "MyInfo.FixedNetworkIds", "MyInfo.DiscoveryEndPoint", "MyInfo.InitialDate")
SECRET_FIELDS = ("ProviderClientKey",)
DEVELOPER_VIEW = ("Name", "OperatorId", "Status")
IMAGE_TYPES = ("DOCKER", "HELM", "QCOW2", "OVA")
_IMAGE_TYPE_OF_APP = {"Docker": "DOCKER", "Helm": "HELM", "Qcow": "QCOW2", "Ova": "OVA", "Ovf": "OVA"}
ONBOARD_STEPS = ("Creating images", "Creating artefact", "Creating app", "App created successfully")
DEBOARD_STEPS = ("Deleting App", "Deleting Artefact", "Deleted App successfully")


def view(item: MxFed) -> dict:
    return {k: v for k, v in item.data.items() if k not in SECRET_FIELDS}


def _partner(guest: MxFed) -> dict:
    return (guest.secrets or {}).get("partner") or {}


# ---------------------------------------------------------------- the in-process partner
def _resolve_partner(addr: str, client_id: str, key: str) -> MxFed:
    """The host this guest talks to; anything that is not a host of this deployment is unreachable."""
    host = fed.host_by_client_id(client_id)
    local = addr.rstrip("/") in (fed.LOCAL_ADDR, f"{fed.LOCAL_ADDR}/{fed.TOKEN_PATH}")
    if host is None or not (local or addr == host.data.get("FederationContextId")):
        raise BadRequest(f"Unable to reach partner {addr}: only the federation hosts of this deployment can be "
                         f'partners (use PartnerAddr "{fed.LOCAL_ADDR}" and the host\'s ClientId/ClientKey)')
    if not fedhost.key_matches(host, client_id, key):
        raise BadRequest(f"Unable to reach partner {addr}: failed to get OAuth token, invalid client credentials")
    if host.data.get("Status") == fed.STATUS_REGISTERED:
        raise BadRequest(f"Unable to reach partner {addr}: federation {host.data['Name']} already has a "
                         "registered partner")
    return host


def _consumer_zone(guest: MxFed, base: MxFed) -> MxFed:
    name = guest.data["Name"]
    zone_id = base.data["ZoneId"]
    data = {"ZoneId": zone_id, "ConsumerName": name, "OperatorId": guest.data["OperatorId"], "Region": "",
            "GeoLocation": base.data.get("GeoLocation", ""), "GeographyDetails": base.data.get("GeographyDetails", ""),
            "Status": fed.STATUS_UNREGISTERED}
    return fed.new_item(CONSUMER_ZONE, MxFed.guest_pk(name), MxFed.child_sk(CONSUMER_ZONE, zone_id),
                        guest.data["OperatorId"], data, parent=name.lower(), ident=zone_id)


def offer_zones(guest_name: str, bases: list[MxFed]) -> None:
    """The host shared zones: the registered guest sees them (unregistered)."""
    guest = fed.get_guest(guest_name)
    if guest is None:
        return
    for base in bases:
        if fed.child(CONSUMER_ZONE, guest_name, base.data["ZoneId"]) is None:
            try:
                fed.create(_consumer_zone(guest, base), "exists")
            except BadRequest:
                pass


def withdraw_zones(guest_name: str, zone_ids: list[str]) -> None:
    for zone_id in zone_ids:
        item = fed.child(CONSUMER_ZONE, guest_name, zone_id)
        if item is not None and item.data.get("Status") != fed.STATUS_REGISTERED:
            fed.delete(item)


# ---------------------------------------------------------------- FederationConsumer
def create(p: Principal, body: dict, present: set[str]) -> dict:
    name, operator, addr = body.get("Name", ""), body.get("OperatorId", ""), body.get("PartnerAddr", "")
    if not operator:
        raise BadRequest("Missing operator id")
    if not name:
        raise BadRequest("Please provide a name for this federation consumer")
    if not addr:
        raise BadRequest("Missing partner EWBI address")
    if not body.get("ProviderClientId"):
        raise BadRequest("Missing OAuth Client Id for connecting to Provider")
    if not body.get("ProviderClientKey"):
        raise BadRequest("Missing OAuth Client key for connecting to Provider")
    org = service_orgs.require_usable(p, operator, "operator", "cloudlets")
    my_info = body.get("MyInfo") or {}
    fed.check_my_info(my_info)
    region = body.get("AutoRegisterRegion", "")
    if body.get("AutoRegisterZones"):
        if not region:
            raise BadRequest("Please specify auto register region to use with auto register zones")
    if region and region not in settings().mx_regions:
        raise BadRequest(f'Region "{region}" not found')
    check_name(name)
    if fed.get_guest(name) is not None:
        raise BadRequest(f'FederationConsumer "{name}" already exists')
    host = _resolve_partner(addr, body["ProviderClientId"], body["ProviderClientKey"])
    now = go_time()
    ident = store.Sequence.next("mx-fedguest")
    data = {"ID": ident, "Name": name, "OperatorId": org.name, "PartnerAddr": addr,
            "PartnerTokenUrl": body.get("PartnerTokenUrl") or f"{addr}/{fed.TOKEN_PATH}",
            "ProviderClientId": body["ProviderClientId"], "NotifyClientId": str(uuid.uuid4()),
            "FederationContextId": host.data["FederationContextId"], "Public": bool(body.get("Public")),
            "AutoRegisterZones": bool(body.get("AutoRegisterZones")), "AutoRegisterRegion": region,
            "MyInfo": fed.federator(my_info, name, initial=True),
            "PartnerInfo": {**fed.federator({k: v for k, v in host.data["MyInfo"].items() if k != "InitialDate"}),
                            "InitialDate": now},
            "Status": fed.STATUS_REGISTERED, "CreatedAt": now, "UpdatedAt": now}
    item = fed.new_item(GUEST, MxFed.guest_pk(name), "G", org.name, data, ident=name.lower(),
                        gsi3=(f"FEDGUESTOF#{host.data['Name'].lower()}", name.lower()),
                        gsi4=(f"FEDGUESTID#{ident}", "G"),
                        secrets={"provider_key": sealing.seal(body["ProviderClientKey"], f"mx-fedguest/{name.lower()}"),
                                 "partner": {"host": host.data["Name"], "operator": host.data["OperatorId"]}})
    # the operator org that owns the partner's zones as local cloudlets
    fed.create_org(p, name, "operator", "base on consumer name to house partner zones")
    try:
        fed.create(item, f'FederationConsumer "{name}" already exists')
    except Exception:
        fed.drop_org(name)
        raise
    # the host side of the agreement (what the partner's EWBI "create federation" does)
    host.data.update({"Status": fed.STATUS_REGISTERED, "PartnerNotifyDest": fed.LOCAL_ADDR,
                      "PartnerInfo": {**fed.federator(my_info, name), "InitialDate": now}, "UpdatedAt": now})
    host.secrets = {**(host.secrets or {}), "partner_guest": name.lower()}
    try:
        fed.save(host)
    except BadRequest:
        fed.delete(item)
        fed.drop_org(name)
        raise BadRequest(f"Unable to reach partner {addr}: the partner federation changed, retry") from None
    bases = [b for b in (fed.zone_base(z.data["ZoneId"]) for z in fed.children("pzone", host.data["Name"])) if b]
    offer_zones(name, bases)
    if data["AutoRegisterZones"] and bases:
        _register(item, region, [b.data["ZoneId"] for b in bases])
    service_events.record(p, "CreateFederationGuest", org.name, f"federation/guest/{name}", region=region)
    return {"message": f"Federation Guest {name} created"}


def _deregister_partner(guest: MxFed) -> None:
    name = guest.data["Name"]
    zones = fed.children(CONSUMER_ZONE, name)
    registered = [z.data["ZoneId"] for z in zones if z.data.get("Status") == fed.STATUS_REGISTERED]
    if registered:
        raise BadRequest(f'Cannot deregister federation "{name}" as partner zones {", ".join(registered)} are '
                         "registered locally. Please deregister zones before deregistering federation")
    host = fed.get_host(_partner(guest).get("host", ""))
    if host is not None and (host.secrets or {}).get("partner_guest") == name.lower():
        host.data.update({"Status": fed.STATUS_UNREGISTERED, "PartnerNotifyDest": "",
                          "PartnerInfo": fed.federator({}), "UpdatedAt": go_time()})
        host.secrets = {k: v for k, v in (host.secrets or {}).items() if k != "partner_guest"}
        fed.save(host)
    for zone in zones:
        fed.delete(zone)


def delete(p: Principal, body: dict, present: set[str]) -> dict:
    guest = fed.lookup_guest(body.get("ID", 0), body.get("Name", ""))
    fed.require_manage(p, guest.data["OperatorId"])
    name = guest.data["Name"]
    apps = fed.children(C_APP, name)
    if apps:
        raise BadRequest(f'Cannot delete federation "{name}" while apps are onboarded to it: '
                         + ", ".join(sorted(f"{a.data['AppOrg']}/{a.data['AppName']}:{a.data['AppVers']}"
                                            for a in apps)))
    if guest.data.get("Status") == fed.STATUS_REGISTERED:
        _deregister_partner(guest)
    else:
        for zone in fed.children(CONSUMER_ZONE, name):
            fed.delete(zone)
    for image in fed.children(C_IMAGE, name):
        _delete_image(guest, image)
    fed.delete(guest)
    fed.drop_org(name)
    service_events.record(p, "DeleteFederationGuest", guest.data["OperatorId"], f"federation/guest/{name}")
    return {"message": f"Federation Guest {name} deleted"}


def _named_guest(p: Principal, body: dict) -> MxFed:
    if not body.get("Name"):
        raise BadRequest("Missing federation consumer name or id")
    if not body.get("OperatorId"):
        raise BadRequest("Missing operator ID")
    guest = fed.lookup_guest(0, body["Name"])
    fed.require_manage(p, guest.data["OperatorId"])
    return guest


def set_api_key(p: Principal, body: dict, present: set[str]) -> dict:
    guest = _named_guest(p, body)
    if not body.get("ProviderClientId"):
        raise BadRequest("Missing OAuth Client Id for connecting to Provider")
    if not body.get("ProviderClientKey"):
        raise BadRequest("Missing OAuth Client key for connecting to Provider")
    name = guest.data["Name"]
    guest.data["ProviderClientId"] = body["ProviderClientId"]
    guest.secrets = {**(guest.secrets or {}),
                     "provider_key": sealing.seal(body["ProviderClientKey"], f"mx-fedguest/{name.lower()}")}
    guest.data["UpdatedAt"] = go_time()
    fed.save(guest)
    service_events.record(p, "SetFederationGuestAPIKey", guest.data["OperatorId"], f"federation/guest/{name}")
    return {"message": f"Federation Guest {name} api key set"}


def update(p: Principal, body: dict, present: set[str]) -> dict:
    guest = _named_guest(p, body)
    fed.check_updates(present, GUEST_UPDATABLE)
    name = guest.data["Name"]
    info = dict(guest.data.get("MyInfo") or {})
    info.update(body.get("MyInfo") or {})
    fed.check_my_info(info)
    guest.data["MyInfo"] = fed.federator(info, name)
    if "Public" in present:
        guest.data["Public"] = bool(body.get("Public"))
    guest.data["UpdatedAt"] = go_time()
    fed.save(guest)
    service_events.record(p, "UpdateFederationGuest", guest.data["OperatorId"], f"federation/guest/{name}")
    return {"message": f"Federation Guest {name} updated"}


def generate_notify_key(p: Principal, body: dict, present: set[str]) -> dict:
    if not body.get("Name"):
        raise BadRequest("Missing federation consumer name or id")
    if not body.get("OperatorId"):
        raise BadRequest("Missing operator ID")
    service_orgs.require_usable(p, body["OperatorId"], "operator", "cloudlets")
    service_events.record(p, "GenerateFederationGuestNotifyKey", body["OperatorId"], f"federation/guest/{body['Name']}",
                          error="Not implemented yet", status=400)
    raise BadRequest("Not implemented yet")


def show(p: Principal, filt: dict) -> list[dict]:
    """Operators (and admins) see their guests; developer orgs see Public ones, reduced (catalog #148)."""
    every, orgs = rbac.require_any(p, "cloudlets", rbac.V)
    if every:
        rows = [view(i) for i in fed.query_kind(GUEST, None)]
        return sorted([r for r in rows if fed.matches(r, filt)], key=lambda d: d["Name"].lower())
    operator_orgs = [o for o in orgs if rbac.allowed(p, o, "cloudletpools", rbac.V)]
    rows = [view(i) for i in fed.query_kind(GUEST, operator_orgs)] if operator_orgs else []
    out = [r for r in rows if fed.matches(r, filt)]
    if len(operator_orgs) < len(orgs):
        seen = {r["Name"].lower() for r in out}
        for item in fed.query_kind(GUEST, None):
            reduced = {k: item.data.get(k, "") for k in DEVELOPER_VIEW}
            if item.data.get("Public") and item.data["Name"].lower() not in seen and fed.matches(reduced, filt):
                out.append(reduced)  # only the reduced fields can select, so nothing hidden can be probed
    return sorted(out, key=lambda d: d["Name"].lower())


# ---------------------------------------------------------------- consumer zones
def _zone_request(p: Principal, body: dict) -> tuple[MxFed, list[str]]:
    guest = fed.lookup_guest(0, body.get("FedGuest", ""))
    fed.require_manage(p, guest.data["OperatorId"])
    return guest, [z for z in body.get("Zones") or []]


def _cloudlet_key(guest: MxFed, zone_id: str) -> dict:
    return {"organization": guest.data["Name"], "name": zone_id,
            "federated_organization": _partner(guest).get("operator", "")}


def _location(geo: str) -> dict:
    try:
        lat, lon = (float(x) for x in geo.split(",", 1))
    except (ValueError, AttributeError):
        return {}
    return {"latitude": lat, "longitude": lon}


def _register(guest: MxFed, region: str, zone_ids: list[str]) -> None:
    name = guest.data["Name"]
    if guest.data.get("Status") != fed.STATUS_REGISTERED:
        raise BadRequest(f'Federation "{name}" is not registered with its partner')
    zones = []
    for zone_id in zone_ids:
        zone = fed.child(CONSUMER_ZONE, name, zone_id)
        if zone is None:
            raise BadRequest(f'Zone "{zone_id}" not found in federation "{name}"')
        if zone.data.get("Status") != fed.STATUS_REGISTERED:
            zones.append(zone)
    for zone in zones:
        zone_id = zone.data["ZoneId"]
        if not REGIONAL_NAME.match(zone_id):
            raise BadRequest("Invalid cloudlet name")
        key = _cloudlet_key(guest, zone_id)
        now = rfc3339nano()
        data = {"key": key, "location": _location(zone.data.get("GeoLocation", "")), "platform_type": "Federation",
                "physical_name": zone_id, "state": "Ready", "maintenance_state": "NormalOperation",
                "num_dynamic_ips": 0, "deployment": "kubernetes",
                "federation_config": {"federation_name": name, "federation_context_id":
                                      guest.data.get("FederationContextId", ""),
                                      "partner_federation_addr": guest.data.get("PartnerAddr", ""),
                                      "federation_db_id": int(guest.data.get("ID", 0))},
                "created_at": now, "updated_at": now}
        regional.create(CLOUDLET, region, data)
        from chalicelib.surfaces.mobiledgex import service_cloudlets
        service_cloudlets.ensure_target(region, key)  # the partner zone is a simulated target, like any cloudlet
        zone.data.update({"Status": fed.STATUS_REGISTERED, "Region": region})
        fed.save(zone)
        fedhost.mark_zone(_partner(guest).get("host", ""), zone_id, fed.STATUS_REGISTERED)


def register_zones(p: Principal, body: dict, present: set[str]) -> dict:
    if not body.get("Zones"):
        raise BadRequest("Must specify the zones to be registered")
    region = body.get("Region", "")
    if not region:
        raise BadRequest("Region in which to create cloudlets for zones must be specified")
    if region not in settings().mx_regions:
        raise BadRequest(f'Region "{region}" not found')
    guest, zones = _zone_request(p, body)
    _register(guest, region, zones)
    service_events.record(p, "RegisterGuestZone", guest.data["OperatorId"], f"federation/guest/{guest.data['Name']}",
                          region=region)
    return {"message": "Partner federator zones registered successfully"}


def deregister_zones(p: Principal, body: dict, present: set[str]) -> dict:
    if not body.get("Zones"):
        raise BadRequest("Must specify zones to be deregistered")
    guest, zone_ids = _zone_request(p, body)
    name = guest.data["Name"]
    zones = []
    for zone_id in zone_ids:
        zone = fed.child(CONSUMER_ZONE, name, zone_id)
        if zone is None:
            raise BadRequest(f'Zone "{zone_id}" not found in federation "{name}"')
        zones.append(zone)
    for zone in zones:
        if zone.data.get("Status") != fed.STATUS_REGISTERED:
            continue
        region, zone_id = zone.data.get("Region", ""), zone.data["ZoneId"]
        item = regional.get(CLOUDLET, region, _cloudlet_key(guest, zone_id)) if region else None
        if item is not None:
            regional.delete(CLOUDLET, item)
        zone.data.update({"Status": fed.STATUS_UNREGISTERED, "Region": ""})
        fed.save(zone)
        fedhost.mark_zone(_partner(guest).get("host", ""), zone_id, fed.STATUS_UNREGISTERED)
    service_events.record(p, "DeregisterGuestZone", guest.data["OperatorId"], f"federation/guest/{name}")
    return {"message": "Partner federator zones deregistered successfully"}


def show_zones(p: Principal, filt: dict) -> list[dict]:
    every, orgs = rbac.require_any(p, "cloudlets", rbac.V)
    rows = [i.data for i in fed.query_kind(CONSUMER_ZONE, None if every else orgs)]
    return sorted([r for r in rows if fed.matches(r, filt)], key=lambda d: (d["ConsumerName"].lower(), d["ZoneId"]))


# ---------------------------------------------------------------- developer side: images
def _usable_guest(name: str) -> MxFed:
    guest = fed.lookup_guest(0, name)
    if guest.data.get("Status") != fed.STATUS_REGISTERED:
        raise BadRequest(f'Federation "{guest.data["Name"]}" is not registered with its partner')
    return guest


def _partner_host(guest: MxFed) -> MxFed:
    host = fed.get_host(_partner(guest).get("host", ""))
    if host is None:
        raise BadRequest(f"Unable to reach partner {guest.data.get('PartnerAddr', '')}: federation not found")
    return host


def _image_unique(org: str, fed_name: str, name: str) -> tuple[str, str]:
    return ("mx-fedimage", f"{org.lower()}#{fed_name.lower()}#{name}")


def _new_image(guest: MxFed, host: MxFed, image: dict) -> MxFed:
    name = guest.data["Name"]
    ident = str(uuid.uuid4())
    data = {"ID": ident, "Organization": image["Organization"], "FederationName": name, "Name": image["Name"],
            "Version": image["Version"], "SourcePath": image["SourcePath"], "Type": image["Type"],
            "Checksum": image["Checksum"], "Status": "Sending"}
    item = fed.new_item(C_IMAGE, MxFed.guest_pk(name), MxFed.child_sk(C_IMAGE, ident), image["Organization"],
                        data, parent=name.lower(), ident=ident, gsi3=(f"FEDCIMAGEID#{ident}", "I"))
    fed.create(item, f'Image with Organization "{image["Organization"]}", FederationName "{name}", and Name '
                     f'"{image["Name"]}" combination already exists; please choose a different Name',
               unique=[_image_unique(image["Organization"], name, image["Name"])])
    # the copy to the partner: a ProviderImage on the host
    copy = fedhost.partner_item(P_IMAGE, host, ident, {
        "FileID": ident, "AppProviderId": image["Organization"], "Name": image["Name"],
        "Version": image["Version"], "Description": "", "Type": image["Type"], "Path": image["SourcePath"],
        "Checksum": image["Checksum"], "Status": "Ready"})
    try:
        fed.create(copy, "Internal UUID conflict, please try again")
    except BadRequest:
        fed.delete(item, unique=[_image_unique(image["Organization"], name, image["Name"])])
        raise
    item.data["Status"] = "Ready"
    fed.save(item)
    return item


def _existing_image(org: str, fed_name: str, name: str) -> MxFed | None:
    return store.claimed_by(MxFed, *_image_unique(org, fed_name, name))


def create_image(p: Principal, body: dict, present: set[str]) -> dict:
    org = body.get("Organization", "")
    if not org:
        raise BadRequest("Missing developer organization")
    if not body.get("FederationName"):
        raise BadRequest("Missing federation name to copy to")
    path = body.get("SourcePath", "")
    if not path:
        raise BadRequest("Missing image source path")
    if not body.get("Type"):
        raise BadRequest("Missing image type")
    org_item = service_orgs.require_usable(p, org, "developer", "apps")
    if body.get("ID"):
        raise BadRequest("ID cannot be specified")
    if body["Type"] not in IMAGE_TYPES:
        raise BadRequest(f'Invalid image file type "{body["Type"]}", valid values are {", ".join(IMAGE_TYPES)}')
    if body["Type"] == "DOCKER" and "://" in path:
        raise BadRequest("Docker container image path should be without scheme://")
    name = body.get("Name") or path.rstrip("/").split("/")[-1]
    checksum = body.get("Checksum", "")
    if not checksum:
        if body["Type"] != "DOCKER":
            raise BadRequest(f"Checksum missing, please specify md5 checksum for image {path}")
        checksum = "sha256:" + hashlib.sha256(path.encode()).hexdigest()  # the simulated registry's digest
    guest = _usable_guest(body["FederationName"])
    dup = _existing_image(org_item.name, guest.data["Name"], name)
    if dup is not None and (dup.data["SourcePath"], dup.data["Type"], dup.data["Checksum"]) == \
            (path, body["Type"], checksum):
        return {"message": "Exact duplicate of image already exists"}
    item = _new_image(guest, _partner_host(guest), {
        "Organization": org_item.name, "Name": name, "Version": body.get("Version") or name, "SourcePath": path,
        "Type": body["Type"], "Checksum": checksum})
    service_events.record(p, "CreateGuestImage", org_item.name,
                          f"federation/guest/{guest.data['Name']}/image/{item.data['ID']}")
    return {"message": f"Image {item.data['ID']} created"}


def _delete_image(guest: MxFed, image: MxFed) -> None:
    host = fed.get_host(_partner(guest).get("host", ""))
    if host is not None:
        copy = fed.child(P_IMAGE, host.data["Name"], image.data["ID"])
        if copy is not None:
            fed.delete(copy)
    fed.delete(image, unique=[_image_unique(image.data["Organization"], guest.data["Name"], image.data["Name"])])


def delete_image(p: Principal, body: dict, present: set[str]) -> dict:
    ident = body.get("ID", "")
    if not ident and not (body.get("Organization") and body.get("FederationName") and body.get("Name")):
        raise BadRequest("Either ID, or the triplet of Organization, FederationName, and Name must be specified "
                         "to uniquely identify the image")
    if ident:
        image = next(iter(MxFed.gsi3.query(f"FEDCIMAGEID#{ident}", limit=1)), None)
    else:
        image = _existing_image(body["Organization"], body["FederationName"], body["Name"])
    if image is None or any(body.get(f) and str(body[f]).lower() != str(image.data.get(f, "")).lower()
                            for f in ("Organization", "FederationName", "Name")):
        raise BadRequest("Image not found")
    rbac.require(p, image.data["Organization"], "apps", rbac.M)
    guest = fed.lookup_guest(0, image.data["FederationName"])
    for app in fed.children(C_APP, guest.data["Name"]):
        if image.data["ID"] in (app.data.get("ImageIds") or []):
            raise BadRequest(f"Image {image.data['ID']} in use by onboarded App {app.data['AppOrg']}/"
                             f"{app.data['AppName']}:{app.data['AppVers']}, deboard it first")
    _delete_image(guest, image)
    service_events.record(p, "DeleteGuestImage", image.data["Organization"],
                          f"federation/guest/{guest.data['Name']}/image/{image.data['ID']}")
    return {"message": f"Image {image.data['ID']} deleted"}


def show_images(p: Principal, filt: dict) -> list[dict]:
    every, orgs = rbac.require_any(p, "apps", rbac.V)
    rows = [i.data for i in fed.query_kind(C_IMAGE, None if every else orgs)]
    return sorted([r for r in rows if fed.matches(r, filt)], key=lambda d: (d["FederationName"].lower(), d["ID"]))


# ---------------------------------------------------------------- developer side: apps
def _app_unique(fed_name: str, org: str, name: str, vers: str) -> tuple[str, str]:
    return ("mx-fedapp", f"{fed_name.lower()}#{org.lower()}#{name}#{vers}")


def _app_fields(body: dict, *, region: bool) -> None:
    if region and not body.get("Region"):
        raise BadRequest("No region specified")
    if not body.get("FederationName"):
        raise BadRequest("Missing federation name")
    for field, label in (("AppName", "app name"), ("AppOrg", "app organization"), ("AppVers", "app version")):
        if not body.get(field):
            raise BadRequest(f"Missing {label}")


def _progress(lines) -> object:
    return envelope.stream([{"data": {"message": m, "code": 200}} for m in lines])


def onboard_app(p: Principal, body: dict, present: set[str]):
    _app_fields(body, region=True)
    org = service_orgs.require_usable(p, body["AppOrg"], "developer", "apps")
    region = body["Region"]
    if region not in settings().mx_regions:
        raise BadRequest(f'Region "{region}" not found')
    if body.get("ID"):
        raise BadRequest("ID cannot be specified")
    app = regional.require(APP, region, {"organization": org.name, "name": body["AppName"],
                                         "version": body["AppVers"]})
    guest = _usable_guest(body["FederationName"])
    host = _partner_host(guest)
    name = guest.data["Name"]
    unique = _app_unique(name, org.name, body["AppName"], body["AppVers"])
    if store.get(store.Unique, f"UNIQUE#{unique[0]}#{unique[1]}", "U") is not None:
        raise BadRequest(f'App {org.name}/{body["AppName"]}:{body["AppVers"]} already onboarded to federation '
                         f'"{name}"')
    image_ids = list(body.get("ImageIds") or [])
    images = []
    for image_id in image_ids:
        image = child_image(name, image_id)
        if image is None or image.data["Organization"].lower() != org.name.lower():
            raise BadRequest(f"Image {image_id} not found")
        images.append(image)
    if not images:
        image_type = _IMAGE_TYPE_OF_APP.get(app.data.get("image_type", ""), "")
        path = app.data.get("image_path", "")
        if not image_type or not path:
            raise BadRequest("App has no image to copy, specify ImageIds of images created with CreateGuestImage")
        image_name = f"{body['AppName']}-{body['AppVers']}"
        existing = _existing_image(org.name, name, image_name)
        images = [existing or _new_image(guest, host, {
            "Organization": org.name, "Name": image_name, "Version": body["AppVers"], "SourcePath": path,
            "Type": image_type, "Checksum": app.data.get("image_digest") or
            "md5:" + hashlib.md5(path.encode()).hexdigest()})]  # noqa: S324 (an identifier, not security)
    app_id = str(uuid.uuid4())
    artefact_id = str(uuid.uuid4())
    file_ids = [i.data["ID"] for i in images]
    virt = "VM_TYPE" if images[0].data["Type"] in ("QCOW2", "OVA") else "CONTAINER_TYPE"
    desc = {"HELM": "HELM"}.get(images[0].data["Type"], "COMPONENTSPEC")
    data = {"ID": app_id, "Region": region, "FederationName": name, "AppName": body["AppName"],
            "AppOrg": org.name, "AppVers": body["AppVers"], "ImageIds": file_ids, "Status": "PENDING"}
    item = fed.new_item(C_APP, MxFed.guest_pk(name), MxFed.child_sk(C_APP, app_id), org.name, data,
                        parent=name.lower(), ident=app_id, gsi3=(f"FEDCAPPID#{app_id}", "A"),
                        secrets={"artefact": artefact_id})
    fed.create(item, f'App {org.name}/{body["AppName"]}:{body["AppVers"]} already onboarded to federation "{name}"',
               unique=[unique])
    fed.create(fedhost.partner_item(P_ARTEFACT, host, artefact_id, {
        "ArtefactID": artefact_id, "AppProviderId": org.name, "ArtefactName": body["AppName"],
        "ArtefactVersion": body["AppVers"], "AppName": body["AppName"], "AppVers": body["AppVers"],
        "VirtType": virt, "DescType": desc, "FileIds": file_ids}), "Internal UUID conflict, please try again")
    fed.create(fedhost.partner_item(P_APP, host, app_id, {
        "AppID": app_id, "AppProviderId": org.name, "AppName": body["AppName"], "AppVers": body["AppVers"],
        "ArtefactIds": [artefact_id], "DeploymentZones": [], "AppStatusCallbackLink": ""}),
        "Internal UUID conflict, please try again")
    item.data["Status"] = "ONBOARDED"
    fed.save(item)
    service_events.record(p, "OnboardGuestApp", org.name, f"federation/guest/{name}/app/{app_id}", region=region)
    return _progress(ONBOARD_STEPS)


def child_image(guest_name: str, image_id: str) -> MxFed | None:
    return fed.child(C_IMAGE, guest_name, image_id)


def deboard_app(p: Principal, body: dict, present: set[str]):
    _app_fields(body, region=False)
    rbac.require(p, body["AppOrg"], "apps", rbac.M)
    guest = fed.lookup_guest(0, body["FederationName"])
    name = guest.data["Name"]
    unique = _app_unique(name, body["AppOrg"], body["AppName"], body["AppVers"])
    item = store.claimed_by(MxFed, *unique)
    if item is None or (body.get("ID") and body["ID"] != item.data["ID"]):
        raise BadRequest(f'App {body["AppOrg"]}/{body["AppName"]}:{body["AppVers"]} is not onboarded to '
                         f'federation "{name}"')
    host = fed.get_host(_partner(guest).get("host", ""))
    if host is not None:
        host_name = host.data["Name"]
        for inst in fed.children(P_APPINST, host_name):
            if inst.data.get("AppID") == item.data["ID"]:
                raise BadRequest(f"App in use by AppInst {inst.data.get('AppInstID', '')} on the partner, "
                                 "delete it first")
        for kind, ident in ((P_APP, item.data["ID"]), (P_ARTEFACT, (item.secrets or {}).get("artefact", ""))):
            copy = fed.child(kind, host_name, ident) if ident else None
            if copy is not None:
                fed.delete(copy)
    fed.delete(item, unique=[unique])
    service_events.record(p, "DeboardGuestApp", item.data["AppOrg"], f"federation/guest/{name}/app/{item.data['ID']}",
                          region=item.data.get("Region", ""))
    return _progress(DEBOARD_STEPS)


def show_apps(p: Principal, filt: dict) -> list[dict]:
    every, orgs = rbac.require_any(p, "apps", rbac.V)
    rows = [i.data for i in fed.query_kind(C_APP, None if every else orgs)]
    return sorted([r for r in rows if fed.matches(r, filt)],
                  key=lambda d: (d["FederationName"].lower(), d["AppOrg"].lower(), d["AppName"], d["AppVers"]))


# ---------------------------------------------------------------- app instances on a partner's zone
def onboarded_app(cloudlet_data: dict, app_key: dict) -> MxFed | None:
    """For a cloudlet that is a registered partner zone: the guest's onboarded app (catalog #121 "federated
    cloudlets need the app onboarded first"), else 400. None for ordinary cloudlets."""
    key = cloudlet_data.get("key") or {}
    if cloudlet_data.get("platform_type") != "Federation" or not key.get("federated_organization"):
        return None
    guest = fed.get_guest(key.get("organization", ""))
    if guest is None:
        raise BadRequest(f"Federation {key.get('organization', '')} of cloudlet {key.get('name', '')} not found")
    name = guest.data["Name"]
    item = store.claimed_by(MxFed, *_app_unique(name, app_key.get("organization", ""), app_key.get("name", ""),
                                                app_key.get("version", "")))
    if item is None or item.data.get("Status") != "ONBOARDED":
        raise BadRequest(f"App {app_key.get('organization', '')}/{app_key.get('name', '')}:"
                         f"{app_key.get('version', '')} must be onboarded to federation \"{name}\" first")
    return item


def host_appinst(region: str, inst_data: dict, cloudlet_data: dict, fed_app: MxFed, *, create: bool) -> None:
    """The partner host's record of an app instance on its zone (ShowHostAppInst / UnsafeDeleteHostAppInst)."""
    guest = fed.get_guest(cloudlet_data["key"]["organization"])
    host = _partner_host(guest) if guest is not None else None
    if host is None:
        return
    inst_key = inst_data["key"]
    ident = hashlib.sha1(  # noqa: S324 (a stable identifier, not security)
        f"{region}|{inst_key['organization']}|{inst_key['name']}|{cloudlet_data['key']['name']}".encode()).hexdigest()
    existing = fed.child(P_APPINST, host.data["Name"], ident)
    if not create:
        if existing is not None:
            fed.delete(existing)
        return
    if existing is None:
        fed.create(fedhost.partner_item(P_APPINST, host, ident, {
            "AppInstID": ident, "AppID": fed_app.data["ID"], "AppName": fed_app.data["AppName"],
            "AppVers": fed_app.data["AppVers"], "Region": region, "Cloudlet": cloudlet_data["key"]["name"],
            "CloudletOrg": host.data["OperatorId"], "CloudletFedOrg": "", "AppInstCallbackLink": "",
            "Error": ""}), "Internal UUID conflict, please try again")
