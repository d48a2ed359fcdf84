"""App instances on a partner's zone: the app must be onboarded to the federation first, and the partner host
then holds the instance (ShowHostAppInst) until it is deleted."""
from __future__ import annotations

from tests.api.mobiledgex.conftest import REGION, messages
from tests.api.mobiledgex.test_federation_guest import guest  # noqa: F401  (fixture)
from tests.api.mobiledgex.test_federation_host import FED, host, show  # noqa: F401  (fixtures)


def test_appinst_on_a_partner_zone(guest, developer, flavor):  # noqa: F811
    from chalicelib.surfaces.mobiledgex import regional
    from chalicelib.surfaces.mobiledgex.kinds import APP
    partner = guest.host
    assert guest.json(f"{FED}/consumer/zone/register", {"FedGuest": "fedguest1", "Region": REGION,
                                                        "Zones": ["zone1"]})[0] == 200
    app_key = {"organization": developer.org, "name": "vmapp", "version": "1.0"}
    regional.create(APP, REGION, {"key": app_key, "image_type": "Qcow", "deployment": "vm",
                                  "image_path": "https://images.example.com/vm.qcow2#md5:0123456789abcdef0123456789abcdef",
                                  "default_flavor": {"name": flavor}})
    zone = {"organization": "fedguest1", "name": "zone1", "federated_organization": partner.org}
    inst = {"key": {"name": "inst1", "organization": developer.org, "cloudlet_key": zone}, "app_key": app_key}
    status, body = developer.ctrl("CreateAppInst", "AppInst", inst)
    assert status == 400 and "must be onboarded to federation \"fedguest1\" first" in body["message"]
    assert show(partner, f"{FED}/provider/appinst/show") == []

    onboard = {"Region": REGION, "FederationName": "fedguest1", "AppName": "vmapp", "AppOrg": developer.org,
               "AppVers": "1.0"}
    status, lines = developer.stream(f"{FED}/consumer/app/onboard", onboard)
    assert status == 200 and lines[-1]["data"]["message"] == "App created successfully", lines
    status, lines = developer.ctrl("CreateAppInst", "AppInst", inst)
    assert status == 200 and messages(lines)[-1] == "Created AppInst successfully", lines
    rows = show(partner, f"{FED}/provider/appinst/show")
    assert len(rows) == 1
    assert rows[0]["AppName"] == "vmapp" and rows[0]["Cloudlet"] == "zone1" and rows[0]["Region"] == REGION
    app_id = show(developer, f"{FED}/consumer/app/show")[0]["ID"]
    assert rows[0]["AppID"] == app_id
    # the app cannot be deboarded while the partner runs it
    status, body = developer.json(f"{FED}/consumer/app/deboard",
                                  {k: v for k, v in onboard.items() if k != "Region"})
    assert status == 400 and "in use by AppInst" in body["message"]
    status, lines = developer.ctrl("DeleteAppInst", "AppInst", {"key": inst["key"]})
    assert messages(lines)[-1] == "Deleted AppInst successfully"
    assert show(partner, f"{FED}/provider/appinst/show") == []
