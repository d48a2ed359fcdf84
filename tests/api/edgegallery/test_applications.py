"""EdgeGallery Application (group 3), Health (11), Operation (16), auth and path tolerance."""
from __future__ import annotations

from chalicelib.surfaces.edgegallery.common import new_uuid

APPS = "/mec/developer/v2/applications"


def test_health_is_plain_ok_without_token(api):
    r = api.client.http.get("/health")
    assert r.status_code == 200 and r.body == b"ok"


def test_no_token_is_401_in_the_upstream_error_format(api):
    status, body = api.get(APPS)
    assert status == 401
    assert set(body) == {"timestamp", "code", "error", "message", "path", "retCode", "params", "data"}
    assert body["code"] == 401 and body["error"] == "Unauthorized" and body["retCode"] == 20014
    assert body["message"] == "Access token is empty"


def test_illegal_user_id_parameter(dev):
    status, body = dev.get(f"{APPS}?userId=someone-else&limit=5&offset=0")
    assert status == 401 and body["message"] == "Illegal userId"
    assert dev.get(f"{APPS}?userId={dev.account.account_id}&limit=5&offset=0")[0] == 200


def test_create_get_update_delete(dev, new_app):
    app = new_app(name="camera")
    assert app["status"] == "CREATED" and app["userId"] == dev.account.account_id and app["appClass"] == "CONTAINER"
    assert len(app["id"]) == 36 and app["createTime"].count(":") == 2
    status, got = dev.get(f"{APPS}/{app['id']}")
    assert status == 200 and got["name"] == "camera"
    status, body = dev.put(f"{APPS}/{app['id']}", {"description": "new text", "version": "1.1"})
    assert (status, body) == (200, True)
    got = dev.get(f"{APPS}/{app['id']}")[1]
    assert got["description"] == "new text" and got["version"] == "1.1"
    status, detail = dev.get(f"{APPS}/{app['id']}/detail")
    assert status == 200 and detail["vmApp"] is None and detail["containerApp"]["helmChartList"] == []
    assert dev.delete(f"{APPS}/{app['id']}") == (200, True)
    assert dev.get(f"{APPS}/{app['id']}")[0] == 404


def test_page_envelope_and_name_filter(dev, new_app):
    for n in ("alpha", "beta", "alphabet"):
        new_app(name=n)
    status, body = dev.get(f"{APPS}?name=ALPHA&limit=1&offset=0")
    assert status == 200 and set(body) == {"results", "limit", "offset", "total"}
    assert body["total"] == 2 and len(body["results"]) == 1 and body["limit"] == 1
    assert dev.get(f"{APPS}?limit=0&offset=0")[0] == 400
    assert dev.get(f"{APPS}?limit=x")[0] == 400


def test_validation_and_uniqueness(dev, other_dev, new_app):
    from tests.api.edgegallery.conftest import upload_icon
    base = {"name": "x1", "version": "1.0", "provider": "acme", "appClass": "VM", "iconFileId": upload_icon(dev)}
    for bad in ({"appClass": "LAMBDA"}, {"version": "1" * 11}, {"provider": " x"}, {"name": ""},
                {"architecture": "MIPS"}, {"description": "d" * 129}):
        status, body = dev.post(APPS, {**base, **bad})
        assert status == 400 and body["retCode"] == 20002, bad
    status, body = dev.post(APPS, {k: v for k, v in base.items() if k != "iconFileId"})
    assert status == 404 and body["message"] == "icon file is null" and body["retCode"] == 20016
    for icon in (new_uuid(), upload_icon(other_dev)):  # unknown, or another user's icon
        status, body = dev.post(APPS, {**base, "iconFileId": icon})
        assert status == 404 and body["retCode"] == 20016
    assert dev.post(APPS, base)[0] == 200
    status, body = dev.post(APPS, base)
    assert status == 409
    assert dev.get(f"{APPS}?limit=10&offset=0")[1]["total"] == 1
    assert dev.post(APPS, raw="{broken")[0] == 400


def test_other_users_cannot_see_or_change(dev, other_dev, eg_admin, guest, new_app):
    app = new_app()
    assert other_dev.get(f"{APPS}/{app['id']}")[0] == 404
    assert other_dev.put(f"{APPS}/{app['id']}", {"description": "x"})[0] == 404
    assert other_dev.delete(f"{APPS}/{app['id']}")[0] == 404
    assert other_dev.get(f"{APPS}?limit=10&offset=0")[1]["total"] == 0
    assert eg_admin.get(f"{APPS}/{app['id']}")[0] == 200
    assert guest.post(APPS, {"name": "g", "version": "1", "provider": "p", "appClass": "VM",
                             "iconFileId": new_uuid()})[0] == 403
    assert dev.get(f"{APPS}/{app['id']}")[1]["description"] == "demo"
    assert dev.get(f"{APPS}/not-a-uuid")[0] == 400


def test_trailing_and_double_slashes_are_tolerated(dev, new_app):
    app = new_app()
    assert dev.get(f"{APPS}/?limit=10&offset=0")[1]["total"] == 1
    assert dev.get(f"/mec/developer/v2//applications/{app['id']}")[0] == 200


def test_unknown_operation(dev):
    assert dev.get(f"/mec/developer/v2/operations/{new_uuid()}")[0] == 404
    assert dev.get("/mec/developer/v2/operations//" + new_uuid())[0] == 404


# ---------------------------------------------------------------- PUT .../detail validates every part first
def test_detail_put_with_an_invalid_vm_part_changes_nothing(dev, new_app):
    from tests.api.edgegallery.test_vms import image, vm_body
    app = new_app(appClass="VM")
    base = f"{APPS}/{app['id']}"
    img = image(dev)
    before = dev.get(f"{base}/detail")[1]["vmApp"]
    inner = dict(before, description="changed", version="9.9",
                 networkList=before["networkList"] + [{"name": "net_extra"}],
                 vmList=[vm_body(img, portList=[{"name": "p", "networkName": "no_such_net"}])])
    status, body = dev.put(f"{base}/detail", {"vmApp": inner})
    assert status == 400 and body["retCode"] == 20002
    after = dev.get(f"{base}/detail")[1]["vmApp"]
    assert after == before  # own fields, networks and VMs as they were
    assert (after["description"], after["version"]) == ("demo", "1.0")


def test_detail_put_with_an_invalid_configuration_changes_nothing(dev, new_app):
    app = new_app()
    base = f"{APPS}/{app['id']}"
    before = dev.get(f"{base}/detail")[1]["containerApp"]
    inner = dict(before, name="renamed", appConfiguration={"dnsRuleList": [{"dnsRuleId": "d1"}]})  # no domainName
    assert dev.put(f"{base}/detail", {"containerApp": inner})[0] == 400
    assert dev.get(f"{base}/detail")[1]["containerApp"] == before


def test_detail_put_refuses_removing_a_network_a_kept_vm_uses(dev, new_app):
    from tests.api.edgegallery.test_vms import image, vm_body
    app = new_app(appClass="VM")
    base = f"{APPS}/{app['id']}"
    dev.post(f"{base}/vms", vm_body(image(dev)))  # port on MEC_APP_Private
    before = dev.get(f"{base}/detail")[1]["vmApp"]
    inner = dict(before, description="changed",
                 networkList=[n for n in before["networkList"] if n["name"] != "MEC_APP_Private"])
    status, body = dev.put(f"{base}/detail", {"vmApp": {k: v for k, v in inner.items() if k != "vmList"}})
    assert status == 400 and body["message"] == "Network is used by vm port"
    assert dev.get(f"{base}/detail")[1]["vmApp"] == before


def test_detail_put_valid_parts_are_all_written(dev, new_app):
    from tests.api.edgegallery.test_vms import image, vm_body
    app = new_app(appClass="VM")
    base = f"{APPS}/{app['id']}"
    img = image(dev)
    before = dev.get(f"{base}/detail")[1]["vmApp"]
    inner = dict(before, description="changed", networkList=before["networkList"] + [{"name": "net_extra"}],
                 vmList=[vm_body(img, portList=[{"name": "p", "networkName": "net_extra"}])],
                 appConfiguration={"dnsRuleList": [{"dnsRuleId": "d1", "domainName": "a.example",
                                                    "ipAddress": "10.0.0.1"}]})
    assert dev.put(f"{base}/detail", {"vmApp": inner}) == (200, True)
    after = dev.get(f"{base}/detail")[1]["vmApp"]
    assert after["description"] == "changed" and after["status"] == "CONFIGURED"
    assert "net_extra" in {n["name"] for n in after["networkList"]}
    assert [p["networkName"] for p in after["vmList"][0]["portList"]] == ["net_extra"]
    assert [r["dnsRuleId"] for r in after["appConfiguration"]["dnsRuleList"]] == ["d1"]


# ---------------------------------------------------------------- default networks come with the VM application
def _writes(monkeypatch) -> list[str]:
    """Record every DynamoDB write made from now on."""
    from pynamodb.connection.base import Connection
    real, seen = Connection.dispatch, []

    def dispatch(self, operation, kwargs):
        if operation in {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}:
            seen.append(operation)
        return real(self, operation, kwargs)
    monkeypatch.setattr(Connection, "dispatch", dispatch)
    return seen


def test_vm_application_is_created_with_its_default_networks(dev, new_app, monkeypatch):
    from chalicelib.store.edgegallery import app_pk
    from chalicelib.surfaces.edgegallery.service_networks import EgNetwork
    app = new_app(appClass="VM")
    stored = {n.name for n in EgNetwork.query(app_pk(app["id"]), EgNetwork.sk.startswith("NET#"))}
    assert stored == {"MEC_APP_Private", "MEC_APP_Public", "MEC_APP_MP1"}  # before any read
    writes = _writes(monkeypatch)
    nets = dev.get(f"{APPS}/{app['id']}/networks")[1]
    assert {n["name"] for n in nets} == stored
    assert dev.get(f"{APPS}/{app['id']}/networks/{nets[0]['id']}")[0] == 200
    assert {n["name"] for n in dev.get(f"{APPS}/{app['id']}/detail")[1]["vmApp"]["networkList"]} == stored
    assert writes == []  # reads never write


def test_fixed_flavor_spec_defaults_and_container_apps_have_none(dev, new_app):
    from chalicelib.store.edgegallery import app_pk
    from chalicelib.surfaces.edgegallery.service_networks import EgNetwork
    vm = new_app(appClass="VM", pkgSpecId="PKG_SPEC_SUPPORT_FIXED_FLAVOR")
    assert {n["name"] for n in dev.get(f"{APPS}/{vm['id']}/networks")[1]} == \
        {"MEC_APP_N6", "MEC_APP_Internet", "MEC_APP_MP1"}
    ctr = new_app()
    assert list(EgNetwork.query(app_pk(ctr["id"]), EgNetwork.sk.startswith("NET#"))) == []


def test_application_stored_without_networks_reads_empty_without_writing(dev, new_app, monkeypatch):
    """An application stored before defaults came with creation: its reads stay reads (an empty list)."""
    from chalicelib.store import base as store
    from chalicelib.store.edgegallery import app_pk
    from chalicelib.surfaces.edgegallery.service_networks import EgNetwork, _unique
    app = new_app(appClass="VM")
    for n in EgNetwork.query(app_pk(app["id"]), EgNetwork.sk.startswith("NET#")):
        store.delete(n, unique=[_unique(app["id"], n.name)])
    writes = _writes(monkeypatch)
    assert dev.get(f"{APPS}/{app['id']}/networks") == (200, [])
    assert dev.get(f"{APPS}/{app['id']}/detail")[1]["vmApp"]["networkList"] == []
    assert writes == []
    monkeypatch.undo()
    assert dev.post(f"{APPS}/{app['id']}/networks", {"name": "MEC_APP_Private"})[0] == 200
