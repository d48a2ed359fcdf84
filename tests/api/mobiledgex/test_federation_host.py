"""Federation host side (catalog §3.2 #86-#106): hosts, zone bases, shared zones, partner objects."""
from __future__ import annotations

import itertools

import pytest

from tests.api.mobiledgex.conftest import REGION, add_role, make_org, make_user

_seq = itertools.count(1)
MY_INFO = {"CountryCode": "DE", "MCC": "262", "MNC": ["01", "02"]}
FED = "/auth/federation"


def new_operator(mx):
    caller = make_user(mx)
    caller.org = make_org(caller, f"fedop{next(_seq):04d}", "operator")
    return caller


def zone_base(caller, zone_id="zone1", cloudlets=("cloudlet1",), **extra):
    return caller.json(f"{FED}/provider/zonebase/create", {
        "ZoneId": zone_id, "OperatorId": caller.org, "Region": REGION, "Cloudlets": list(cloudlets), **extra})


def create_host(caller, name="fedhost1", **extra):
    return caller.json(f"{FED}/provider/create", {"Name": name, "OperatorId": caller.org, "Regions": [REGION],
                                                   "MyInfo": MY_INFO, **extra})


def create_guest(caller, info, name="fedguest1", **extra):
    return caller.json(f"{FED}/consumer/create", {
        "Name": name, "OperatorId": caller.org, "PartnerAddr": info["TargetAddr"],
        "ProviderClientId": info["ClientId"], "ProviderClientKey": info["ClientKey"],
        "MyInfo": {"MCC": "310", "MNC": ["410"]}, **extra})


def show(caller, path, body=None):
    status, rows = caller.json(path, body if body is not None else {})
    assert status == 200, rows
    return rows


@pytest.fixture
def host(operator, cloudlet):
    """A host federation ``fedhost1`` of the operator, sharing zone ``zone1`` (cloudlet1)."""
    assert zone_base(operator, CountryCode="DE", GeographyDetails="Frankfurt") == \
        (200, {"message": "Created zone successfully"})
    status, info = create_host(operator)
    assert status == 200, info
    assert operator.json(f"{FED}/provider/zone/share", {"FedHost": "fedhost1", "Zones": ["zone1"]}) == \
        (200, {"message": 'Zones shared as part of federation "fedhost1" successfully'})
    operator.info = info
    return operator


def test_create_host_answers_credentials_once_and_shows_without_secrets(operator, mx_admin):
    status, info = create_host(operator, PartnerNotifyClientId="nid", PartnerNotifyClientKey="n-secret")
    assert status == 200
    assert set(info) == {"ClientId", "ClientKey", "TargetAddr", "TokenUrl"}
    assert info["ClientKey"] and info["ClientId"] and info["TargetAddr"] == "local"
    rows = show(operator, f"{FED}/provider/show")
    assert len(rows) == 1
    row = rows[0]
    assert row["Name"] == "fedhost1" and row["OperatorId"] == operator.org and row["Regions"] == [REGION]
    assert row["Status"] == "Unregistered" and row["DefaultContainerDeployment"] == "docker"
    assert row["ProviderClientId"] == info["ClientId"] and row["ID"] >= 1
    assert row["MyInfo"]["MCC"] == "262" and row["MyInfo"]["MNC"] == ["01", "02"]
    assert row["MyInfo"]["FederationId"].startswith("fedhost1") and row["FederationContextId"]
    assert row["PartnerNotifyClientId"] == "nid"
    text = str(rows)
    assert info["ClientKey"] not in text and "n-secret" not in text and "PartnerNotifyClientKey" not in row
    # the developer org that houses the partner's apps exists, owned by the creator
    from chalicelib.surfaces.mobiledgex import identity
    assert identity.get_org("fedhost1").org_type == "developer"
    # duplicate name
    status, body = create_host(operator)
    assert status == 400 and "already exists" in body["message"]
    # a new key replaces the old one
    status, again = operator.json(f"{FED}/provider/generateapikey", {"Name": "fedhost1", "OperatorId": operator.org})
    assert status == 200 and again["ClientId"] == info["ClientId"] and again["ClientKey"] != info["ClientKey"]


def test_create_host_validation(operator, developer, mx_admin):
    base = {"Name": "h1", "OperatorId": operator.org, "Regions": [REGION], "MyInfo": MY_INFO}
    cases = [
        ({**base, "OperatorId": ""}, "Missing operator organization"),
        ({**base, "Name": ""}, "Please provide a name for this federation provider"),
        ({**base, "Regions": []}, "Missing regions"),
        ({**base, "Regions": ["Mars"]}, 'Region "Mars" not found'),
        ({**base, "MyInfo": {"MNC": ["1"]}}, "Missing MyInfo.MCC, the mobile country code of the operator"),
        ({**base, "MyInfo": {"MCC": "262"}},
         "Missing MyInfo.MNC, at least one mobile network code of the operator is required"),
        ({**base, "MyInfo": {**MY_INFO, "CountryCode": "XX"}},
         'Invalid country code "XX". It must be a valid ISO 3166-1 Alpha-2 code for the country'),
        ({**base, "DefaultContainerDeployment": "vm"},
         'Invalid default container deployment "vm", must be one of docker, kubernetes'),
    ]
    for body, message in cases:
        assert operator.json(f"{FED}/provider/create", body) == (400, {"message": message}), body
    assert operator.json(f"{FED}/provider/create", raw="") == (400, {"message": "Request body can't be empty"})
    # permissions: a developer may not, an unknown org is 403 for non-admins, a developer org is the wrong type
    assert developer.json(f"{FED}/provider/create", base) == (403, {"message": "Forbidden"})
    assert operator.json(f"{FED}/provider/create", {**base, "OperatorId": "ghost-org"}) == \
        (403, {"message": "Forbidden"})
    assert mx_admin.json(f"{FED}/provider/create", {**base, "OperatorId": developer.org}) == \
        (400, {"message": f"Operation for org {developer.org} only allowed for orgs of type operator"})
    assert show(operator, f"{FED}/provider/show") == []
    from chalicelib.surfaces.mobiledgex import identity
    assert identity.get_org("h1") is None


def test_update_delete_and_notify_key(operator, mx):
    create_host(operator)
    other = new_operator(mx)
    body = {"Name": "fedhost1", "OperatorId": operator.org}
    assert other.json(f"{FED}/provider/update", {**body, "MyInfo": {"MCC": "1"}}) == (403, {"message": "Forbidden"})
    assert operator.json(f"{FED}/provider/update", {**body, "Regions": ["x"]}) == \
        (400, {"message": "Update Regions not allowed"})
    assert operator.json(f"{FED}/provider/update", {**body, "MyInfo": {"MCC": "999", "DiscoveryEndPoint": "d"}}) == \
        (200, {"message": "Updated Federation Host"})
    row = show(operator, f"{FED}/provider/show", {"Name": "fedhost1"})[0]
    assert row["MyInfo"]["MCC"] == "999" and row["MyInfo"]["DiscoveryEndPoint"] == "d"
    assert row["MyInfo"]["MNC"] == ["01", "02"]
    # setnotifykey: empty 200 body, key sealed and never shown
    assert operator.json(f"{FED}/provider/setnotifykey", body) == \
        (400, {"message": "Missing partner notify client ID"})
    r = operator.op(f"{FED}/provider/setnotifykey", {**body, "PartnerNotifyClientId": "cid",
                                                     "PartnerNotifyClientKey": "top-secret"})
    assert r.status_code == 200 and not r.body
    row = show(operator, f"{FED}/provider/show")[0]
    assert row["PartnerNotifyClientId"] == "cid" and "top-secret" not in str(row)
    from chalicelib.store.mobiledgex_fed import MxFed
    item = MxFed.get(MxFed.host_pk("fedhost1"), "H")
    assert "top-secret" not in str(item.secrets) and item.secrets["partner_notify_key"].startswith("v1:")
    # delete
    assert operator.json(f"{FED}/provider/delete", {"Name": "nope"}) == \
        (400, {"message": 'FederationProvider "nope" not found'})
    assert other.json(f"{FED}/provider/delete", {"Name": "fedhost1"}) == (403, {"message": "Forbidden"})
    assert operator.json(f"{FED}/provider/delete", {"Name": "fedhost1"}) == \
        (200, {"message": "Federation Host fedhost1 deleted"})
    assert show(operator, f"{FED}/provider/show") == []
    from chalicelib.surfaces.mobiledgex import identity
    assert identity.get_org("fedhost1") is None


def test_zone_bases(operator, cloudlet, mx):
    assert zone_base(operator, "zone1", ["nope"]) == (400, {"message": "Cloudlet nope not found"})
    assert zone_base(operator, "zone1", []) == (400, {"message": "Missing cloudlets"})
    assert zone_base(operator, "", ["cloudlet1"]) == (400, {"message": "Missing zone ID"})
    assert zone_base(operator, "zone1", CountryCode="ZZ")[1]["message"].startswith('Invalid country code "ZZ"')
    other = new_operator(mx)
    assert other.json(f"{FED}/provider/zonebase/create", {"ZoneId": "z9", "OperatorId": operator.org,
                                                          "Region": REGION, "Cloudlets": ["cloudlet1"]}) == \
        (403, {"message": "Forbidden"})
    assert zone_base(operator, "zone1", CountryCode="DE") == (200, {"message": "Created zone successfully"})
    assert zone_base(operator, "zone1") == (400, {"message": 'Zone "zone1" already exists'})
    rows = show(operator, f"{FED}/provider/zonebase/show")
    assert rows == [{"ZoneId": "zone1", "OperatorId": operator.org, "Region": REGION, "Cloudlets": ["cloudlet1"],
                     "CountryCode": "DE", "GeoLocation": "50.1,8.6", "GeographyDetails": ""}]
    assert show(other, f"{FED}/provider/zonebase/show") == []
    assert show(operator, f"{FED}/provider/zonebase/show", {"ZoneId": "other"}) == []
    assert operator.json(f"{FED}/provider/zonebase/show", {"Bogus": 1}) == \
        (400, {"message": "Failed to parse input data: JSON field Bogus not found in database object ProviderZoneBase"})
    key = {"ZoneId": "zone1", "OperatorId": operator.org}
    assert operator.json(f"{FED}/provider/zonebase/update", {**key, "Region": "x"}) == \
        (400, {"message": "Update Region not allowed"})
    assert operator.json(f"{FED}/provider/zonebase/update", {**key, "GeographyDetails": "Frankfurt"}) == \
        (200, {"message": "Updated Host Zone Base"})
    assert show(operator, f"{FED}/provider/zonebase/show")[0]["GeographyDetails"] == "Frankfurt"
    # shared zones cannot be deleted
    create_host(operator)
    assert operator.json(f"{FED}/provider/zone/share", {"FedHost": "fedhost1", "Zones": ["zone2"]}) == \
        (400, {"message": f'Provider zone base id "zone2" not found for operatorID "{operator.org}"'})
    assert operator.json(f"{FED}/provider/zone/share", {"FedHost": "fedhost1", "Zones": []}) == \
        (400, {"message": "Must specify the zones to be shared"})
    assert operator.json(f"{FED}/provider/zone/share", {"FedHost": "fedhost1", "Zones": ["zone1"]})[0] == 200
    assert show(operator, f"{FED}/provider/zone/show") == [
        {"ZoneId": "zone1", "ProviderName": "fedhost1", "OperatorId": operator.org, "PartnerNotifyZoneURI": "",
         "Status": "Unregistered"}]
    assert operator.json(f"{FED}/provider/zonebase/delete", key) == \
        (400, {"message": 'Cannot delete zone "zone1" as it is shared as part of federation. '
                          "Please unshare it before deleting it"})
    assert operator.json(f"{FED}/provider/zone/unshare", {"FedHost": "fedhost1", "Zones": ["zone1"]}) == \
        (200, {"message": 'Zones unshared from federation "fedhost1" successfully'})
    assert show(operator, f"{FED}/provider/zone/show") == []
    assert operator.json(f"{FED}/provider/zone/unshare", {"FedHost": "fedhost1", "Zones": ["zone1"]}) == \
        (400, {"message": "ProviderZone zone1 not found"})
    assert operator.json(f"{FED}/provider/zonebase/delete", key) == \
        (200, {"message": "Deleted federation zone successfully"})
    assert operator.json(f"{FED}/provider/zonebase/delete", key) == (400, {"message": "Zone zone1 does not exist"})
    assert show(operator, f"{FED}/provider/zonebase/show") == []


def test_partner_objects_show_and_unsafe_delete(host, mx):
    from chalicelib.store.mobiledgex_fed import P_APPINST
    from chalicelib.surfaces.mobiledgex import service_federation as fed, service_fedhost
    item = fed.get_host("fedhost1")
    fed.create(service_fedhost.partner_item(P_APPINST, item, "inst-1", {
        "AppInstID": "inst-1", "AppID": "app-1", "AppName": "a", "AppVers": "1", "Region": REGION,
        "Cloudlet": "cloudlet1", "CloudletOrg": host.org, "CloudletFedOrg": "", "AppInstCallbackLink": "",
        "Error": ""}), "exists")
    rows = show(host, f"{FED}/provider/appinst/show")
    assert [r["AppInstID"] for r in rows] == ["inst-1"] and rows[0]["FederationName"] == "fedhost1"
    other = new_operator(mx)
    assert show(other, f"{FED}/provider/appinst/show") == []
    body = {"FederationName": "fedhost1", "AppInstID": "inst-1"}
    assert other.json(f"{FED}/provider/appinst/unsafedelete", body) == (403, {"message": "Forbidden"})
    assert host.json(f"{FED}/provider/appinst/unsafedelete", {"FederationName": "fedhost1"}) == \
        (400, {"message": "Missing AppInstID"})
    r = host.op(f"{FED}/provider/appinst/unsafedelete", body)
    assert r.status_code == 200 and not r.body
    assert show(host, f"{FED}/provider/appinst/show") == []
    assert host.json(f"{FED}/provider/appinst/unsafedelete", body) == \
        (400, {"message": 'AppInst "inst-1" not found in federation "fedhost1"'})
    for path in ("app", "artefact", "image"):
        assert show(host, f"{FED}/provider/{path}/show") == []


def audit_actions() -> set[str]:
    from chalicelib.store.models import AuditEvent
    return {e.action for e in AuditEvent.scan() if e.surface == "mobiledgex"}  # test-only read


def test_host_operations_are_audited_without_secrets(host):
    from chalicelib.store.models import AuditEvent
    assert {"CreateHostZoneBase", "CreateFederationHost", "ShareHostZone"} <= audit_actions()
    assert host.info["ClientKey"] not in str([e.attribute_values for e in AuditEvent.scan()])


def test_viewer_can_show_but_not_manage(host, mx):
    viewer = make_user(mx)
    add_role(host, host.org, viewer.username, "OperatorViewer")
    assert [r["Name"] for r in show(viewer, f"{FED}/provider/show")] == ["fedhost1"]
    assert viewer.json(f"{FED}/provider/zone/unshare", {"FedHost": "fedhost1", "Zones": ["zone1"]}) == \
        (403, {"message": "Forbidden"})
