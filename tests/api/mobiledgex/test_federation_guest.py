"""Federation guest side (catalog §3.2 #78-#85) and the developer side (#142-#148), with the in-process partner."""
from __future__ import annotations

import json

import pytest

from tests.api.mobiledgex.conftest import REGION, make_org, make_user
from tests.api.mobiledgex.test_federation_host import (FED, MY_INFO, audit_actions, create_guest, host,  # noqa: F401
                                                       new_operator, show, zone_base)

_ = (host, MY_INFO)


@pytest.fixture
def guest(host, mx):
    """Operator ``guest_op`` registered as guest ``fedguest1`` with ``fedhost1`` (which shares zone1)."""
    caller = new_operator(mx)
    assert create_guest(caller, host.info) == (200, {"message": "Federation Guest fedguest1 created"})
    caller.host = host
    return caller


def _app(org: str, name: str = "app1", vers: str = "1.0") -> None:
    from chalicelib.surfaces.mobiledgex import regional
    from chalicelib.surfaces.mobiledgex.kinds import APP
    regional.create(APP, REGION, {"key": {"organization": org, "name": name, "version": vers},
                                  "image_path": "docker.io/library/nginx:latest", "image_type": "Docker",
                                  "deployment": "kubernetes"})


def test_guest_registers_with_the_local_host(guest):
    host = guest.host
    rows = show(guest, f"{FED}/consumer/show")
    assert len(rows) == 1
    row = rows[0]
    assert row["Name"] == "fedguest1" and row["OperatorId"] == guest.org and row["Status"] == "Registered"
    assert row["ProviderClientId"] == host.info["ClientId"] and "ProviderClientKey" not in row
    assert host.info["ClientKey"] not in json.dumps(rows)
    hrow = show(host, f"{FED}/provider/show")[0]
    assert hrow["Status"] == "Registered" and row["FederationContextId"] == hrow["FederationContextId"]
    assert hrow["PartnerInfo"]["MCC"] == "310" and row["PartnerInfo"]["MCC"] == "262"
    # the shared zone is offered to the guest
    assert show(guest, f"{FED}/consumer/zone/show") == [
        {"ZoneId": "zone1", "ConsumerName": "fedguest1", "OperatorId": guest.org, "Region": "",
         "GeoLocation": "50.1,8.6", "GeographyDetails": "Frankfurt", "Status": "Unregistered"}]
    # the stored partner key is sealed
    from chalicelib.store.mobiledgex_fed import MxFed
    item = MxFed.get(MxFed.guest_pk("fedguest1"), "G")
    assert host.info["ClientKey"] not in json.dumps(item.secrets)
    # an operator org named after the guest houses the partner's zones
    from chalicelib.surfaces.mobiledgex import identity
    assert identity.get_org("fedguest1").org_type == "operator"
    assert "CreateFederationGuest" in audit_actions()


def test_unreachable_partner_and_bad_credentials(host, mx):
    caller = new_operator(mx)
    status, body = create_guest(caller, {**host.info, "TargetAddr": "https://partner.example.com"})
    assert status == 400 and body["message"].startswith("Unable to reach partner https://partner.example.com")
    status, body = create_guest(caller, {**host.info, "ClientKey": "wrong"})
    assert (status, body["message"]) == (400, "Unable to reach partner local: failed to get OAuth token, invalid "
                                              "client credentials")
    status, body = create_guest(caller, {**host.info, "ClientId": "unknown"})
    assert status == 400 and body["message"].startswith("Unable to reach partner local")
    # nothing was created
    assert show(caller, f"{FED}/consumer/show") == []
    from chalicelib.surfaces.mobiledgex import identity
    assert identity.get_org("fedguest1") is None
    assert show(host, f"{FED}/provider/show")[0]["Status"] == "Unregistered"
    # the host's context id names it too; a rotated key makes the old one useless
    status, new = host.json(f"{FED}/provider/generateapikey", {"Name": "fedhost1", "OperatorId": host.org})
    status, body = create_guest(caller, host.info)
    assert status == 400 and "invalid client credentials" in body["message"]
    ctx_id = show(host, f"{FED}/provider/show")[0]["FederationContextId"]
    assert create_guest(caller, {**new, "TargetAddr": ctx_id}) == \
        (200, {"message": "Federation Guest fedguest1 created"})
    # one partner per host
    third = new_operator(mx)
    status, body = create_guest(third, new, name="fedguest2")
    assert status == 400 and "already has a registered partner" in body["message"]


def test_create_guest_validation(host, mx, developer):
    caller = new_operator(mx)
    good = {"Name": "g1", "OperatorId": caller.org, "PartnerAddr": "local", "ProviderClientId": "id",
            "ProviderClientKey": "key", "MyInfo": {"MCC": "1", "MNC": ["2"]}}
    cases = [({**good, "OperatorId": ""}, "Missing operator id"),
             ({**good, "PartnerAddr": ""}, "Missing partner EWBI address"),
             ({**good, "ProviderClientId": ""}, "Missing OAuth Client Id for connecting to Provider"),
             ({**good, "ProviderClientKey": ""}, "Missing OAuth Client key for connecting to Provider"),
             ({**good, "MyInfo": {}}, "Missing MyInfo.MCC, the mobile country code of the operator"),
             ({**good, "AutoRegisterZones": True}, "Please specify auto register region to use with auto register "
                                                   "zones")]
    for body, message in cases:
        assert caller.json(f"{FED}/consumer/create", body) == (400, {"message": message}), body
    assert developer.json(f"{FED}/consumer/create", good) == (403, {"message": "Forbidden"})
    assert caller.json(f"{FED}/consumer/create", {**good, "ProviderClientKey": 5}) == \
        (400, {"message": 'Invalid JSON data: Unmarshal error: expected string, but got number 5 for field '
                          '"ProviderClientKey"'})


def test_zone_registration_creates_the_federated_cloudlet(guest, mx_admin):
    host = guest.host
    reg = {"FedGuest": "fedguest1", "Region": REGION, "Zones": ["zone1"]}
    assert guest.json(f"{FED}/consumer/zone/register", {**reg, "Zones": []}) == \
        (400, {"message": "Must specify the zones to be registered"})
    assert guest.json(f"{FED}/consumer/zone/register", {**reg, "Zones": ["nozone"]}) == \
        (400, {"message": 'Zone "nozone" not found in federation "fedguest1"'})
    assert host.json(f"{FED}/consumer/zone/register", reg) == (403, {"message": "Forbidden"})
    assert guest.json(f"{FED}/consumer/zone/register", reg) == \
        (200, {"message": "Partner federator zones registered successfully"})
    zone = show(guest, f"{FED}/consumer/zone/show")[0]
    assert zone["Status"] == "Registered" and zone["Region"] == REGION
    assert show(host, f"{FED}/provider/zone/show")[0]["Status"] == "Registered"
    status, lines = mx_admin.ctrl("ShowCloudlet", "Cloudlet", {"key": {"organization": "fedguest1"}})
    assert status == 200 and len(lines) == 1
    cl = lines[0]["data"]
    assert cl["key"] == {"organization": "fedguest1", "name": "zone1", "federated_organization": host.org}
    assert cl["platform_type"] == "Federation" and cl["state"] == "Ready"
    assert cl["location"] == {"latitude": 50.1, "longitude": 8.6}
    assert cl["federation_config"]["federation_name"] == "fedguest1"
    # registered zones block unsharing and deleting on both sides
    assert host.json(f"{FED}/provider/zone/unshare", {"FedHost": "fedhost1", "Zones": ["zone1"]}) == \
        (400, {"message": "Cannot unshare registered zones zone1"})
    assert host.json(f"{FED}/provider/delete", {"Name": "fedhost1"}) == \
        (400, {"message": "Cannot delete when the following zones are still registered: zone1"})
    assert guest.json(f"{FED}/consumer/delete", {"Name": "fedguest1"}) == \
        (400, {"message": 'Cannot deregister federation "fedguest1" as partner zones zone1 are registered locally. '
                          "Please deregister zones before deregistering federation"})
    # deregister removes the cloudlet
    assert guest.json(f"{FED}/consumer/zone/deregister", {"FedGuest": "fedguest1", "Zones": ["zone1"]}) == \
        (200, {"message": "Partner federator zones deregistered successfully"})
    status, lines = mx_admin.ctrl("ShowCloudlet", "Cloudlet", {"key": {"organization": "fedguest1"}})
    assert (status, lines) == (200, [])
    assert show(guest, f"{FED}/consumer/zone/show")[0]["Status"] == "Unregistered"
    assert show(host, f"{FED}/provider/zone/show")[0]["Status"] == "Unregistered"
    # delete the guest: the host is free again
    assert guest.json(f"{FED}/consumer/delete", {"Name": "fedguest1"}) == \
        (200, {"message": "Federation Guest fedguest1 deleted"})
    assert show(guest, f"{FED}/consumer/show") == []
    assert show(guest, f"{FED}/consumer/zone/show") == []
    assert show(host, f"{FED}/provider/show")[0]["Status"] == "Unregistered"
    from chalicelib.surfaces.mobiledgex import identity
    assert identity.get_org("fedguest1") is None


def test_share_after_registration_reaches_the_guest(guest, cloudlet):
    host = guest.host
    assert zone_base(host, "zone2", ["cloudlet1"]) == (200, {"message": "Created zone successfully"})
    host.json(f"{FED}/provider/zone/share", {"FedHost": "fedhost1", "Zones": ["zone2"]})
    assert [z["ZoneId"] for z in show(guest, f"{FED}/consumer/zone/show")] == ["zone1", "zone2"]
    assert [z["ZoneId"] for z in show(guest, f"{FED}/consumer/zone/show", {"ZoneId": "zone2"})] == ["zone2"]
    host.json(f"{FED}/provider/zone/unshare", {"FedHost": "fedhost1", "Zones": ["zone2"]})
    assert [z["ZoneId"] for z in show(guest, f"{FED}/consumer/zone/show")] == ["zone1"]


def test_update_setapikey_and_notify_key(guest, mx):
    key = {"Name": "fedguest1", "OperatorId": guest.org}
    assert guest.json(f"{FED}/consumer/update", {**key, "PartnerAddr": "x"}) == \
        (400, {"message": "Update PartnerAddr not allowed"})
    assert guest.json(f"{FED}/consumer/update", {**key, "Public": True, "MyInfo": {"CountryCode": "US"}}) == \
        (200, {"message": "Federation Guest fedguest1 updated"})
    row = show(guest, f"{FED}/consumer/show", {"Public": True})[0]
    assert row["Public"] is True and row["MyInfo"]["CountryCode"] == "US" and row["MyInfo"]["MCC"] == "310"
    assert show(guest, f"{FED}/consumer/show", {"Public": False}) == []
    assert guest.json(f"{FED}/consumer/setapikey", {**key, "ProviderClientId": "newid"}) == \
        (400, {"message": "Missing OAuth Client key for connecting to Provider"})
    assert guest.json(f"{FED}/consumer/setapikey", {**key, "ProviderClientId": "newid",
                                                   "ProviderClientKey": "new-secret"}) == \
        (200, {"message": "Federation Guest fedguest1 api key set"})
    row = show(guest, f"{FED}/consumer/show")[0]
    assert row["ProviderClientId"] == "newid" and "new-secret" not in json.dumps(row)
    other = new_operator(mx)
    assert other.json(f"{FED}/consumer/update", {"Name": "fedguest1", "OperatorId": other.org}) == \
        (403, {"message": "Forbidden"})
    for path in ("gennotifykey", "generatenotifykey"):
        assert guest.json(f"{FED}/consumer/{path}", key) == (400, {"message": "Not implemented yet"})
    assert guest.json(f"{FED}/consumer/gennotifykey", raw="") == (400, {"message": "Request body can't be empty"})


def test_developers_see_public_federations_reduced(guest, developer):
    assert show(developer, f"{FED}/consumer/show") == []
    guest.json(f"{FED}/consumer/update", {"Name": "fedguest1", "OperatorId": guest.org, "Public": True})
    assert show(developer, f"{FED}/consumer/show") == [
        {"Name": "fedguest1", "OperatorId": guest.org, "Status": "Registered"}]
    assert developer.json(f"{FED}/consumer/show", {"Nope": 1})[0] == 400
    # hidden fields cannot select for a developer; secrets cannot select for anybody
    assert show(developer, f"{FED}/consumer/show", {"PartnerAddr": "local"}) == []
    assert show(developer, f"{FED}/consumer/show", {"Name": "fedguest1"})[0]["Status"] == "Registered"
    assert [r["Name"] for r in show(guest, f"{FED}/consumer/show", {"ProviderClientKey": "guess"})] == ["fedguest1"]


def test_developer_images_and_apps(guest, developer, mx):
    host = guest.host
    org = developer.org
    img = {"Organization": org, "FederationName": "fedguest1", "SourcePath": "docker.io/library/nginx:1.25",
           "Type": "DOCKER"}
    assert developer.json(f"{FED}/consumer/image/create", {**img, "Type": "ZIP"}) == \
        (400, {"message": 'Invalid image file type "ZIP", valid values are DOCKER, HELM, QCOW2, OVA'})
    assert developer.json(f"{FED}/consumer/image/create", {**img, "Type": "QCOW2"}) == \
        (400, {"message": "Checksum missing, please specify md5 checksum for image docker.io/library/nginx:1.25"})
    assert developer.json(f"{FED}/consumer/image/create", {**img, "Organization": ""}) == \
        (400, {"message": "Missing developer organization"})
    assert guest.json(f"{FED}/consumer/image/create", {**img}) == (403, {"message": "Forbidden"})
    status, body = developer.json(f"{FED}/consumer/image/create", img)
    assert status == 200 and body["message"].startswith("Image ") and body["message"].endswith(" created")
    image_id = body["message"].split()[1]
    assert developer.json(f"{FED}/consumer/image/create", img) == \
        (200, {"message": "Exact duplicate of image already exists"})
    rows = show(developer, f"{FED}/consumer/image/show")
    assert rows == [{"ID": image_id, "Organization": org, "FederationName": "fedguest1", "Name": "nginx:1.25",
                     "Version": "nginx:1.25", "SourcePath": img["SourcePath"], "Type": "DOCKER",
                     "Checksum": rows[0]["Checksum"], "Status": "Ready"}]
    other_dev = make_user(mx)
    make_org(other_dev, "otherdev1", "developer")
    assert show(other_dev, f"{FED}/consumer/image/show") == []
    # the copy on the partner host
    hrows = show(host, f"{FED}/provider/image/show")
    assert [(r["FileID"], r["AppProviderId"], r["FederationName"], r["Status"]) for r in hrows] == \
        [(image_id, org, "fedhost1", "Ready")]
    # onboard an app
    _app(org)
    app = {"Region": REGION, "FederationName": "fedguest1", "AppName": "app1", "AppOrg": org, "AppVers": "1.0"}
    assert developer.json(f"{FED}/consumer/app/onboard", {**app, "AppVers": "9"}) == \
        (400, {"message": f'App key {{"organization":"{org}","name":"app1","version":"9"}} not found'})
    assert developer.json(f"{FED}/consumer/app/onboard", {**app, "Region": ""}) == \
        (400, {"message": "No region specified"})
    assert other_dev.json(f"{FED}/consumer/app/onboard", app) == (403, {"message": "Forbidden"})
    status, lines = developer.stream(f"{FED}/consumer/app/onboard", {**app, "ImageIds": [image_id]})
    assert status == 200
    assert lines == [{"data": {"message": m, "code": 200}} for m in
                     ("Creating images", "Creating artefact", "Creating app", "App created successfully")]
    apps = show(developer, f"{FED}/consumer/app/show")
    assert len(apps) == 1 and apps[0]["Status"] == "ONBOARDED" and apps[0]["ImageIds"] == [image_id]
    assert show(other_dev, f"{FED}/consumer/app/show") == []
    happs = show(host, f"{FED}/provider/app/show")
    assert [(a["AppID"], a["AppName"], a["AppVers"]) for a in happs] == [(apps[0]["ID"], "app1", "1.0")]
    arts = show(host, f"{FED}/provider/artefact/show")
    assert len(arts) == 1 and arts[0]["FileIds"] == [image_id] and happs[0]["ArtefactIds"] == [arts[0]["ArtefactID"]]
    assert developer.json(f"{FED}/consumer/app/onboard", app)[0] == 400  # already onboarded
    # images in use cannot go; the guest cannot be deleted while apps are onboarded
    status, body = developer.json(f"{FED}/consumer/image/delete", {"ID": image_id})
    assert status == 400 and "in use by onboarded App" in body["message"]
    assert guest.json(f"{FED}/consumer/delete", {"Name": "fedguest1"})[0] == 400
    # deboard
    status, lines = developer.stream(f"{FED}/consumer/app/deboard", {k: v for k, v in app.items() if k != "Region"})
    assert lines == [{"data": {"message": m, "code": 200}} for m in
                     ("Deleting App", "Deleting Artefact", "Deleted App successfully")]
    assert show(developer, f"{FED}/consumer/app/show") == []
    assert show(host, f"{FED}/provider/app/show") == [] and show(host, f"{FED}/provider/artefact/show") == []
    assert developer.json(f"{FED}/consumer/app/deboard", app)[0] == 400
    # an app without ImageIds gets its image from the App's image_path
    status, lines = developer.stream(f"{FED}/consumer/app/onboard", app)
    assert status == 200 and lines[-1]["data"]["message"] == "App created successfully"
    assert len(show(developer, f"{FED}/consumer/image/show")) == 2
    developer.stream(f"{FED}/consumer/app/deboard", app)
    # delete the image
    assert developer.json(f"{FED}/consumer/image/delete", {}) == \
        (400, {"message": "Either ID, or the triplet of Organization, FederationName, and Name must be specified "
                          "to uniquely identify the image"})
    assert other_dev.json(f"{FED}/consumer/image/delete", {"ID": image_id}) == (403, {"message": "Forbidden"})
    assert developer.json(f"{FED}/consumer/image/delete", {"ID": image_id}) == \
        (200, {"message": f"Image {image_id} deleted"})
    assert developer.json(f"{FED}/consumer/image/delete", {"ID": image_id}) == (400, {"message": "Image not found"})
    assert [r["FileID"] for r in show(host, f"{FED}/provider/image/show")] != [image_id]
    assert {"CreateGuestImage", "OnboardGuestApp", "DeboardGuestApp", "DeleteGuestImage"} <= audit_actions()


def test_unregistered_guest_cannot_take_images(guest, developer):
    host = guest.host
    # deleting the host unregisters the guest
    assert host.json(f"{FED}/provider/delete", {"Name": "fedhost1"}) == \
        (200, {"message": "Federation Host fedhost1 deleted"})
    assert show(guest, f"{FED}/consumer/show")[0]["Status"] == "Unregistered"
    status, body = developer.json(f"{FED}/consumer/image/create", {
        "Organization": developer.org, "FederationName": "fedguest1", "SourcePath": "a/b", "Type": "DOCKER"})
    assert (status, body) == (400, {"message": 'Federation "fedguest1" is not registered with its partner'})
    assert guest.json(f"{FED}/consumer/delete", {"Name": "fedguest1"}) == \
        (200, {"message": "Federation Guest fedguest1 deleted"})


def test_auto_register_zones(host, mx, mx_admin):
    caller = new_operator(mx)
    assert create_guest(caller, host.info, AutoRegisterZones=True, AutoRegisterRegion=REGION)[0] == 200
    assert show(caller, f"{FED}/consumer/zone/show")[0]["Status"] == "Registered"
    status, lines = mx_admin.ctrl("ShowCloudlet", "Cloudlet", {"key": {"organization": "fedguest1"}})
    assert len(lines) == 1 and lines[0]["data"]["platform_type"] == "Federation"
