"""EdgeGallery request bodies checked against their documented models (``bodies_*.py``) before the services run:
a wrongly typed field is EdgeGallery's 400 (retCode 20002) and changes nothing; the contract publishes the model."""
from __future__ import annotations

from tests.api.edgegallery.test_capabilities import CAPS, cap_body
from tests.api.edgegallery.test_config import DNS
from tests.api.edgegallery.test_hosts import FLAVORS, HOSTS, make_host
from tests.api.edgegallery.test_vms import image, vm_body

APPS = "/mec/developer/v2/applications"
ERROR_KEYS = {"timestamp", "code", "error", "message", "path", "retCode", "params", "data"}


def _refused(status, body, field: str) -> None:
    assert status == 400, body
    assert set(body) == ERROR_KEYS and body["code"] == 400 and body["retCode"] == 20002, body
    assert field in body["message"], body


def test_mephost_and_flavor_wrong_types_change_nothing(eg_admin):
    h = make_host(eg_admin)
    before = eg_admin.get(f"{HOSTS}/{h['id']}")[1]
    _refused(*eg_admin.put(f"{HOSTS}/{h['id']}", {"name": ["sandbox-2"]}), "name")
    _refused(*eg_admin.put(f"{HOSTS}/{h['id']}", {"lcmPort": [30205]}), "lcmPort")
    assert eg_admin.get(f"{HOSTS}/{h['id']}")[1] == before
    flavors = eg_admin.get(FLAVORS)[1]
    _refused(*eg_admin.post(FLAVORS, {"name": "big", "architecture": "X86", "cpu": [8], "memory": 16,
                                      "systemDiskSize": 50}), "cpu")
    assert eg_admin.get(FLAVORS)[1] == flavors


def test_vm_nested_wrong_type_is_refused_before_the_service(dev, new_app):
    app = new_app(appClass="VM")
    base = f"{APPS}/{app['id']}"
    img = image(dev)
    bad = vm_body(img, vmCertificate={"certificateType": "PASSWORD",
                                      "pwdCertificate": {"username": ["root"], "password": "Secret123"}})
    # the model names the nested field (the service alone would only say "pwdCertificate needs username ...")
    _refused(*dev.post(f"{base}/vms", bad), "vmCertificate.pwdCertificate.username")
    _refused(*dev.post(f"{base}/vms", vm_body(img, portList={"name": "port1"})), "portList")
    assert dev.get(f"{base}/vms") == (200, [])
    # the network group: a description that is not a string
    nets = dev.get(f"{base}/networks")[1]
    _refused(*dev.post(f"{base}/networks", {"name": "net9", "description": {"text": "x"}}), "description")
    assert dev.get(f"{base}/networks")[1] == nets


def test_dns_rule_and_capability_wrong_types_change_nothing(dev, eg_admin, new_app):
    app = new_app()
    url = f"{APPS}/{app['id']}/appconfiguration/dnsrules"
    assert dev.post(url, DNS)[0] == 200
    _refused(*dev.put(f"{url}/{DNS['dnsRuleId']}", {**DNS, "ipAddress": ["10.0.0.2"]}), "ipAddress")
    assert dev.get(url) == (200, [DNS])
    c = eg_admin.post(CAPS, cap_body("typed"))[1]
    _refused(*eg_admin.put(f"{CAPS}/{c['id']}", {"name": {"en": "x"}, "port": 9090}), "name")
    assert eg_admin.get(f"{CAPS}/{c['id']}")[1] == c


def test_select_mephost_wrong_type_keeps_the_application(dev, new_app):
    app = new_app()
    before = dev.get(f"{APPS}/{app['id']}")[1]
    # the service alone answers a number as a missing id (20003); the model calls it what it is
    _refused(*dev.put(f"{APPS}/{app['id']}/action/sel-mephost", {"mepHostId": 123}), "mepHostId")
    _refused(*dev.put(f"{APPS}/{app['id']}/action/sel-mephost", {"mepHostId": [app["id"]]}), "mepHostId")
    assert dev.get(f"{APPS}/{app['id']}")[1] == before


def test_contract_publishes_the_documented_properties():
    from app import app as chalice_app
    from chalicelib.openapi import generate

    doc = generate.documents(chalice_app)["edgegallery"]
    schemas = doc["components"]["schemas"]

    def model(path, method):
        media = doc["paths"][path][method]["requestBody"]["content"]["application/json"]
        return schemas[media["schema"]["$ref"].rsplit("/", 1)[-1]]

    vm = model("/mec/developer/v2/applications/{applicationId}/vms", "post")
    assert {"name", "flavorId", "imageId", "targetImageId", "vmCertificate", "userData", "portList",
            "flavorExtraSpecs"} <= set(vm["properties"])
    assert "required" not in vm          # the service keeps its own required checks and messages
    host = model("/mec/developer/v2/mephosts", "post")
    assert {"name", "lcmIp", "lcmProtocol", "lcmPort", "architecture", "status", "mecHostIp", "vimType",
            "networkParameter", "address"} <= set(host["properties"])
    assert host["properties"]["lcmPort"]["anyOf"][0]["type"] == "integer"
    conf = model("/mec/developer/v2/applications/{applicationId}/appconfiguration", "put")
    assert {"appCertificate", "dnsRuleList", "trafficRuleList", "appServiceProducedList",
            "appServiceRequiredList"} <= set(conf["properties"])


def test_array_bodies_are_checked_item_by_item(eg_admin, dev):
    files = "/mec/developer/v2/upload-files/action/get-sample-code-structure"
    _refused(*dev.post(files, ["1f6c0d4e-0000-4000-8000-000000000000", 7]), "1")
    status, body = dev.post(files, {"ids": []})  # not an array: the service's own code for it
    assert status == 400 and body["retCode"] == 20002, body
    released = "/mec/developer/v2/released-packages"
    before = eg_admin.get(released)[1]
    _refused(*eg_admin.post(released, [{"appId": ["x"], "packageId": ""}]), "appId")
    status, body = eg_admin.post(released, {"appId": "x"})
    assert status == 400 and body["retCode"] == 20001, body
    assert eg_admin.get(released)[1] == before
