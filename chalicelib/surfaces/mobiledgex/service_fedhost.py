"""Federation host (provider) operations (catalog §3.2 #86-#106); see :mod:`service_federation`."""
from __future__ import annotations

import uuid

from chalicelib.core.config import settings
from chalicelib.core.errors import BadRequest
from chalicelib.identity import accounts, sealing
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.mobiledgex_fed import (HOST, P_APP, P_APPINST, P_ARTEFACT, P_IMAGE, PROVIDER_ZONE,
                                             ZONE_BASE, CONSUMER_ZONE, MxFed)
from chalicelib.surfaces.mobiledgex import rbac, regional, service_events, service_orgs
from chalicelib.surfaces.mobiledgex import service_federation as fed
from chalicelib.surfaces.mobiledgex.common import check_name, go_time
from chalicelib.surfaces.mobiledgex.kinds import CLOUDLET

DEPLOYMENTS = ("docker", "kubernetes")
HOST_UPDATABLE = ("Name", "OperatorId", "MyInfo", "MyInfo.CountryCode", "MyInfo.MCC", "MyInfo.MNC",
                  "MyInfo.DiscoveryEndPoint", "MyInfo.InitialDate")
ZONE_UPDATABLE = ("ZoneId", "OperatorId", "CountryCode", "GeoLocation", "GeographyDetails")
SECRET_FIELDS = ("PartnerNotifyClientKey",)


def view(item: MxFed) -> dict:
    """A FederationProvider as shown: never its secrets."""
    return {k: v for k, v in item.data.items() if k not in SECRET_FIELDS}


def _provider_info(host: MxFed, key: str) -> dict:
    return {"ClientId": host.data["ProviderClientId"], "ClientKey": key, "TargetAddr": fed.LOCAL_ADDR,
            "TokenUrl": f"{fed.LOCAL_ADDR}/{fed.TOKEN_PATH}"}


def _set_client_key(host: MxFed, client_id: str) -> str:
    key = str(uuid.uuid4())
    host.secrets = {**(host.secrets or {}), "client_key_digest": accounts.digest_secret(key)}
    host.gsi3pk, host.gsi3sk = f"FEDHOSTKEY#{client_id}", "H"
    return key


def key_matches(host: MxFed, client_id: str, key: str) -> bool:
    import hmac
    digest = (host.secrets or {}).get("client_key_digest", "")
    return bool(digest) and host.data.get("ProviderClientId") == client_id and \
        hmac.compare_digest(digest, accounts.digest_secret(key))


def _seal_notify_key(host: MxFed, key: str) -> None:
    host.secrets = {**(host.secrets or {}), "partner_notify_key": sealing.seal(key, f"mx-fedhost/{host.pk}")}


# ---------------------------------------------------------------- FederationProvider
def create(p: Principal, body: dict, present: set[str]) -> dict:
    name, operator = body.get("Name", ""), body.get("OperatorId", "")
    if not operator:
        raise BadRequest("Missing operator organization")
    if not name:
        raise BadRequest("Please provide a name for this federation provider")
    regions = [r for r in body.get("Regions") or []]
    if not regions:
        raise BadRequest("Missing regions")
    for region in regions:
        if region not in settings().mx_regions:
            raise BadRequest(f'Region "{region}" not found')
    org = service_orgs.require_usable(p, operator, "operator", "cloudlets")
    my_info = body.get("MyInfo") or {}
    fed.check_my_info(my_info)
    deployment = body.get("DefaultContainerDeployment") or "docker"
    if deployment not in DEPLOYMENTS:
        raise BadRequest(f'Invalid default container deployment "{deployment}", must be one of docker, kubernetes')
    check_name(name)
    if fed.get_host(name) is not None:
        raise BadRequest(f'FederationProvider "{name}" already exists')
    now = go_time()
    ident = store.Sequence.next("mx-fedhost")
    client_id = str(uuid.uuid4())
    data = {"ID": ident, "Name": name, "OperatorId": org.name, "Regions": regions,
            "MyInfo": fed.federator(my_info, name, initial=True), "PartnerInfo": fed.federator({}),
            "DefaultContainerDeployment": deployment, "FederationContextId": uuid.uuid4().hex,
            "ProviderClientId": client_id, "PartnerNotifyDest": body.get("PartnerNotifyDest", ""),
            "PartnerNotifyTokenUrl": body.get("PartnerNotifyTokenUrl", ""),
            "PartnerNotifyClientId": body.get("PartnerNotifyClientId", ""),
            "Status": fed.STATUS_UNREGISTERED, "CreatedAt": now, "UpdatedAt": now}
    item = fed.new_item(HOST, MxFed.host_pk(name), "H", org.name, data, ident=name.lower(),
                        gsi4=(f"FEDHOSTID#{ident}", "H"))
    key = _set_client_key(item, client_id)
    if body.get("PartnerNotifyClientKey"):
        _seal_notify_key(item, body["PartnerNotifyClientKey"])
    # the developer org that owns what the partner onboards (upstream creates it first, undone on failure)
    fed.create_org(p, name, "developer", "based on provider name to house partner images and apps")
    try:
        fed.create(item, f'FederationProvider "{name}" already exists')
    except Exception:
        fed.drop_org(name)
        raise
    service_events.record(p, "CreateFederationHost", org.name, f"federation/host/{name}")
    return _provider_info(item, key)


def delete(p: Principal, body: dict, present: set[str]) -> dict:
    host = fed.lookup_host(body.get("ID", 0), body.get("Name", ""))
    fed.require_manage(p, host.data["OperatorId"])
    zones = fed.children(PROVIDER_ZONE, host.data["Name"])
    registered = [z.data["ZoneId"] for z in zones if z.data.get("Status") == fed.STATUS_REGISTERED]
    if registered:
        raise BadRequest(f"Cannot delete when the following zones are still registered: {', '.join(registered)}")
    name = host.data["Name"]
    partner = (host.secrets or {}).get("partner_guest")
    for kind in (PROVIDER_ZONE, P_APPINST, P_APP, P_ARTEFACT, P_IMAGE):
        for child in fed.children(kind, name):
            fed.delete(child)
    fed.delete(host)
    if partner:  # the in-process partner learns that the federation is gone
        guest = fed.get_guest(partner)
        if guest is not None:
            for zone in fed.children(CONSUMER_ZONE, partner):
                if zone.data.get("Status") != fed.STATUS_REGISTERED:
                    fed.delete(zone)
            guest.data["Status"] = fed.STATUS_UNREGISTERED
            guest.data["UpdatedAt"] = go_time()
            fed.save(guest)
    fed.drop_org(name)
    service_events.record(p, "DeleteFederationHost", host.data["OperatorId"], f"federation/host/{name}")
    return {"message": f"Federation Host {name} deleted"}


def update(p: Principal, body: dict, present: set[str]) -> dict:
    if not body.get("Name"):
        raise BadRequest("Missing federation provider name or id")
    if not body.get("OperatorId"):
        raise BadRequest("Missing operator ID")
    host = fed.lookup_host(0, body["Name"])
    fed.require_manage(p, host.data["OperatorId"])
    fed.check_updates(present, HOST_UPDATABLE)
    info = dict(host.data.get("MyInfo") or {})
    for field, value in (body.get("MyInfo") or {}).items():
        info[field] = value
    fed.check_my_info(info)
    host.data["MyInfo"] = fed.federator(info, host.data["Name"])
    host.data["UpdatedAt"] = go_time()
    fed.save(host)
    service_events.record(p, "UpdateFederationHost", host.data["OperatorId"], f"federation/host/{host.data['Name']}")
    return {"message": "Updated Federation Host"}


def generate_api_key(p: Principal, body: dict, present: set[str]) -> dict:
    if not body.get("OperatorId"):
        raise BadRequest("Missing operator ID")
    host = fed.lookup_host(body.get("ID", 0), body.get("Name", ""))
    fed.require_manage(p, host.data["OperatorId"])
    client_id = host.data.get("ProviderClientId") or str(uuid.uuid4())
    host.data["ProviderClientId"] = client_id
    key = _set_client_key(host, client_id)
    host.data["UpdatedAt"] = go_time()
    fed.save(host)
    service_events.record(p, "GenerateFederationHostAPIKey", host.data["OperatorId"],
                          f"federation/host/{host.data['Name']}")
    return _provider_info(host, key)


def set_notify_key(p: Principal, body: dict, present: set[str]):
    if not body.get("OperatorId"):
        raise BadRequest("Missing operator ID")
    host = fed.lookup_host(body.get("ID", 0), body.get("Name", ""))
    fed.require_manage(p, host.data["OperatorId"])
    if not body.get("PartnerNotifyClientId"):
        raise BadRequest("Missing partner notify client ID")
    if not body.get("PartnerNotifyClientKey"):
        raise BadRequest("Missing partner notify client key")
    host.data["PartnerNotifyClientId"] = body["PartnerNotifyClientId"]
    if "PartnerNotifyTokenUrl" in present:
        host.data["PartnerNotifyTokenUrl"] = body.get("PartnerNotifyTokenUrl", "")
    _seal_notify_key(host, body["PartnerNotifyClientKey"])
    host.data["UpdatedAt"] = go_time()
    fed.save(host)
    service_events.record(p, "SetFederationHostNotifyKey", host.data["OperatorId"],
                          f"federation/host/{host.data['Name']}")
    return None  # 200, empty body (upstream)


def _visible(p: Principal, kind: str, filt: dict, present_view=lambda i: i.data) -> list[dict]:
    every, orgs = rbac.require_any(p, "cloudlets", rbac.V)
    items = fed.query_kind(kind, None if every else orgs)
    out = [present_view(i) for i in items]
    return [v for v in out if fed.matches(v, filt)]


def show(p: Principal, filt: dict) -> list[dict]:
    rows = _visible(p, HOST, filt, view)
    return sorted(rows, key=lambda d: d["Name"].lower())


# ---------------------------------------------------------------- zone bases
def _zone_key(body: dict) -> tuple[str, str]:
    if not body.get("ZoneId"):
        raise BadRequest("Missing zone ID")
    if not body.get("OperatorId"):
        raise BadRequest("Missing operator ID")
    return body["ZoneId"], body["OperatorId"]


def _require_zone_base(zone_id: str, operator: str) -> MxFed:
    item = fed.zone_base(zone_id)
    if item is None or item.data["OperatorId"].lower() != operator.lower():
        raise BadRequest(f"Zone {zone_id} does not exist")
    return item


def geo_location(lat: float, lon: float) -> str:
    return f"{lat:g},{lon:g}"


def create_zone_base(p: Principal, body: dict, present: set[str]) -> dict:
    zone_id = body.get("ZoneId", "")
    if not zone_id:
        raise BadRequest("Missing zone ID")
    if not body.get("OperatorId"):
        raise BadRequest("Missing operator")
    region = body.get("Region", "")
    if not region:
        raise BadRequest("Missing region")
    cloudlets = [c for c in body.get("Cloudlets") or []]
    if not cloudlets:
        raise BadRequest("Missing cloudlets")
    fed.check_zone_id(zone_id)
    if region not in settings().mx_regions:
        raise BadRequest(f'Region "{region}" not found')
    fed.check_country(body.get("CountryCode", ""))
    org = service_orgs.require_usable(p, body["OperatorId"], "operator", "cloudlets")
    if fed.zone_base(zone_id) is not None:
        raise BadRequest(f'Zone "{zone_id}" already exists')
    lat = lon = 0.0
    for name in cloudlets:
        item = regional.get(CLOUDLET, region, {"organization": org.name, "name": name})
        if item is None:
            raise BadRequest(f"Cloudlet {name} not found")
        loc = item.data.get("location") or {}
        lat += loc.get("latitude", 0)
        lon += loc.get("longitude", 0)
    data = {"ZoneId": zone_id, "OperatorId": org.name, "Region": region, "Cloudlets": cloudlets,
            "CountryCode": body.get("CountryCode", ""),
            "GeoLocation": geo_location(lat / len(cloudlets), lon / len(cloudlets)),
            "GeographyDetails": body.get("GeographyDetails", "")}
    item = fed.new_item(ZONE_BASE, MxFed.zone_base_pk(zone_id), "Z", org.name, data, ident=zone_id)
    fed.create(item, f'Zone with same zone ID "{zone_id}" already exists')
    service_events.record(p, "CreateHostZoneBase", org.name, f"federation/zonebase/{zone_id}", region=region)
    return {"message": "Created zone successfully"}


def delete_zone_base(p: Principal, body: dict, present: set[str]) -> dict:
    zone_id, operator = _zone_key(body)
    rbac.require(p, operator, "cloudlets", rbac.M)
    item = _require_zone_base(zone_id, operator)
    for _ in MxFed.gsi3.query(f"FEDPZONEOF#{zone_id}", limit=1):
        raise BadRequest(f'Cannot delete zone "{zone_id}" as it is shared as part of federation. '
                         "Please unshare it before deleting it")
    fed.delete(item)
    service_events.record(p, "DeleteHostZoneBase", item.data["OperatorId"], f"federation/zonebase/{zone_id}",
                          region=item.data.get("Region", ""))
    return {"message": "Deleted federation zone successfully"}


def update_zone_base(p: Principal, body: dict, present: set[str]) -> dict:
    zone_id, operator = _zone_key(body)
    rbac.require(p, operator, "cloudlets", rbac.M)
    item = _require_zone_base(zone_id, operator)
    fed.check_updates(present, ZONE_UPDATABLE)
    if "CountryCode" in present:
        fed.check_country(body.get("CountryCode", ""))
    for field in ("CountryCode", "GeoLocation", "GeographyDetails"):
        if field in present:
            item.data[field] = body.get(field, "")
    fed.save(item)
    service_events.record(p, "UpdateHostZoneBase", item.data["OperatorId"], f"federation/zonebase/{zone_id}",
                          region=item.data.get("Region", ""))
    return {"message": "Updated Host Zone Base"}


def show_zone_bases(p: Principal, filt: dict) -> list[dict]:
    return sorted(_visible(p, ZONE_BASE, filt), key=lambda d: d["ZoneId"])


# ---------------------------------------------------------------- shared zones
def _zone_item(host: MxFed, base: MxFed) -> MxFed:
    name = host.data["Name"]
    data = {"ZoneId": base.data["ZoneId"], "ProviderName": name, "OperatorId": host.data["OperatorId"],
            "PartnerNotifyZoneURI": "", "Status": fed.STATUS_UNREGISTERED}
    return fed.new_item(PROVIDER_ZONE, MxFed.host_pk(name), MxFed.child_sk(PROVIDER_ZONE, base.data["ZoneId"]),
                        host.data["OperatorId"], data, parent=name.lower(), ident=base.data["ZoneId"],
                        gsi3=(f"FEDPZONEOF#{base.data['ZoneId']}", name.lower()))


def share_zones(p: Principal, body: dict, present: set[str]) -> dict:
    zones = [z for z in body.get("Zones") or []]
    if not zones:
        raise BadRequest("Must specify the zones to be shared")
    host = fed.lookup_host(0, body.get("FedHost", ""))
    fed.require_manage(p, host.data["OperatorId"])
    bases = []
    for zone_id in zones:
        base = fed.zone_base(zone_id)
        if base is None or base.data["OperatorId"].lower() != host.data["OperatorId"].lower():
            raise BadRequest(f'Provider zone base id "{zone_id}" not found for operatorID "{host.data["OperatorId"]}"')
        if base.data["Region"] not in host.data.get("Regions", []):
            raise BadRequest(f"Provider is not sharing resources from region {base.data['Region']}")
        bases.append(base)
    name = host.data["Name"]
    for base in bases:
        if fed.child(PROVIDER_ZONE, name, base.data["ZoneId"]) is None:
            try:
                fed.create(_zone_item(host, base), "exists")
            except BadRequest:
                pass  # shared concurrently: already there
    partner = (host.secrets or {}).get("partner_guest")
    if host.data.get("Status") == fed.STATUS_REGISTERED and partner:
        from chalicelib.surfaces.mobiledgex import service_fedguest
        service_fedguest.offer_zones(partner, bases)
    service_events.record(p, "ShareHostZone", host.data["OperatorId"], f"federation/host/{name}")
    return {"message": f'Zones shared as part of federation "{name}" successfully'}


def unshare_zones(p: Principal, body: dict, present: set[str]) -> dict:
    zones = [z for z in body.get("Zones") or []]
    if not zones:
        raise BadRequest("Must specify the zones to be unshared")
    host = fed.lookup_host(0, body.get("FedHost", ""))
    fed.require_manage(p, host.data["OperatorId"])
    name = host.data["Name"]
    items, registered = [], []
    for zone_id in zones:
        item = fed.child(PROVIDER_ZONE, name, zone_id)
        if item is None:
            raise BadRequest(f"ProviderZone {zone_id} not found")
        if item.data.get("Status") == fed.STATUS_REGISTERED:
            registered.append(zone_id)
        items.append(item)
    if registered:
        raise BadRequest(f"Cannot unshare registered zones {','.join(registered)}")
    partner = (host.secrets or {}).get("partner_guest")
    if host.data.get("Status") == fed.STATUS_REGISTERED and partner:
        from chalicelib.surfaces.mobiledgex import service_fedguest
        service_fedguest.withdraw_zones(partner, zones)
    for item in items:
        fed.delete(item)
    service_events.record(p, "UnshareHostZone", host.data["OperatorId"], f"federation/host/{name}")
    return {"message": f'Zones unshared from federation "{name}" successfully'}


def show_zones(p: Principal, filt: dict) -> list[dict]:
    return sorted(_visible(p, PROVIDER_ZONE, filt), key=lambda d: (d["ProviderName"].lower(), d["ZoneId"]))


def mark_zone(host_name: str, zone_id: str, status: str) -> None:
    """The partner (in-process guest) registered or deregistered one of the zones this host shares."""
    item = fed.child(PROVIDER_ZONE, host_name, zone_id)
    if item is not None and item.data.get("Status") != status:
        item.data["Status"] = status
        fed.save(item)


# ---------------------------------------------------------------- what the partner onboarded
_PARTNER_OBJECTS = {
    # kind: (id field, label in errors, sort fields)
    P_IMAGE: ("FileID", "Image"),
    P_ARTEFACT: ("ArtefactID", "Artefact"),
    P_APP: ("AppID", "App"),
    P_APPINST: ("AppInstID", "AppInst"),
}


def show_partner(p: Principal, kind: str, filt: dict) -> list[dict]:
    id_field, _ = _PARTNER_OBJECTS[kind]
    return sorted(_visible(p, kind, filt), key=lambda d: (d["FederationName"].lower(), d[id_field]))


def unsafe_delete(p: Principal, kind: str, action: str, body: dict, present: set[str]):
    id_field, label = _PARTNER_OBJECTS[kind]
    if not body.get("FederationName"):
        raise BadRequest("Missing federation name")
    if not body.get(id_field):
        raise BadRequest(f"Missing {id_field}")
    host = fed.lookup_host(0, body["FederationName"])
    fed.require_manage(p, host.data["OperatorId"])
    name = host.data["Name"]
    item = fed.child(kind, name, body[id_field])
    if item is None:
        raise BadRequest(f'{label} "{body[id_field]}" not found in federation "{name}"')
    fed.delete(item)
    service_events.record(p, action, host.data["OperatorId"],
                          f"federation/host/{name}/{label.lower()}/{body[id_field]}")
    return None


def partner_item(kind: str, host: MxFed, ident: str, data: dict) -> MxFed:
    name = host.data["Name"]
    return fed.new_item(kind, MxFed.host_pk(name), MxFed.child_sk(kind, ident), host.data["OperatorId"],
                        {"FederationName": name, **data}, parent=name.lower(), ident=ident)
