"""EdgeGallery secrets at rest and in answers: VM certificate passwords, the application AK/SK."""
from __future__ import annotations

import json
import logging

import boto3

from chalicelib.core.config import settings
from chalicelib.store.edgegallery import app_pk
from chalicelib.surfaces.edgegallery import service_vms
from tests.api.edgegallery.test_vms import image, vm_body

APPS = "/mec/developer/v2/applications"
PASSWORD = "Secret123"


def _raw_items(app_id: str) -> str:
    """Every stored attribute of the application's partition, as DynamoDB holds it."""
    table = boto3.resource("dynamodb", region_name=settings().region).Table(settings().table_name)
    rows = table.query(KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": app_pk(app_id)})
    return json.dumps(rows["Items"], default=str)


def _vm(app_id: str, vm_id: str):
    return service_vms.load(service_vms.apps.load(app_id), vm_id)


def test_vm_password_is_sealed_and_never_returned(dev, new_app, caplog):
    caplog.set_level(logging.DEBUG)
    app = new_app(appClass="VM")
    base = f"{APPS}/{app['id']}"
    status, vm = dev.post(f"{base}/vms", vm_body(image(dev)))
    assert status == 200
    assert vm["vmCertificate"] == {"certificateType": "PASSWORD", "keyPairCertificate": None,
                                   "pwdCertificate": {"username": "root", "password": None}}
    raw = _raw_items(app["id"])
    assert PASSWORD not in raw and "passwordSealed" in raw
    for path in (f"{base}/vms/{vm['id']}", f"{base}/vms", f"{base}/detail", base):
        r = dev.client.http.get(path, headers=dev.headers)
        assert r.status_code == 200 and PASSWORD.encode() not in r.body
    assert service_vms.credentials(_vm(app["id"], vm["id"])) == ("root", PASSWORD)  # for steps logging in
    assert PASSWORD not in caplog.text


def test_vm_put_without_password_keeps_it_and_a_new_one_replaces_it(dev, new_app):
    app = new_app(appClass="VM")
    base = f"{APPS}/{app['id']}"
    vm = dev.post(f"{base}/vms", vm_body(image(dev)))[1]
    # what the client read, sent back (password null): the stored password stays
    assert dev.put(f"{base}/vms/{vm['id']}", {"vmCertificate": vm["vmCertificate"]}) == (200, True)
    assert service_vms.credentials(_vm(app["id"], vm["id"])) == ("root", PASSWORD)
    inner = dev.get(f"{base}/detail")[1]["vmApp"]
    assert dev.put(f"{base}/detail", {"vmApp": inner}) == (200, True)
    assert service_vms.credentials(_vm(app["id"], vm["id"])) == ("root", PASSWORD)
    new = {"certificateType": "PASSWORD", "pwdCertificate": {"username": "admin", "password": "N3wSecret"}}
    assert dev.put(f"{base}/vms/{vm['id']}", {"vmCertificate": new}) == (200, True)
    assert service_vms.credentials(_vm(app["id"], vm["id"])) == ("admin", "N3wSecret")
    assert "N3wSecret" not in _raw_items(app["id"])


def test_vm_password_is_required_when_none_is_stored(dev, new_app):
    app = new_app(appClass="VM")
    base = f"{APPS}/{app['id']}"
    img = image(dev)
    no_pwd = {"certificateType": "PASSWORD", "pwdCertificate": {"username": "root", "password": None}}
    status, body = dev.post(f"{base}/vms", vm_body(img, vmCertificate=no_pwd))
    assert status == 400 and body["retCode"] == 20002
    keypair = {"certificateType": "KEYPAIR", "keyPairCertificate": {"keyPairId": "kp1"}}
    vm = dev.post(f"{base}/vms", vm_body(img, vmCertificate=keypair))[1]
    assert vm["vmCertificate"]["keyPairCertificate"] == {"keyPairId": "kp1"}
    assert dev.put(f"{base}/vms/{vm['id']}", {"vmCertificate": no_pwd})[0] == 400
    assert service_vms.credentials(_vm(app["id"], vm["id"])) == (None, None)


def test_app_certificate_sk_is_sealed_at_rest_and_shown_where_documented(dev, new_app):
    app = new_app()
    url = f"{APPS}/{app['id']}/appconfiguration/appcertificate"
    sk = "Sk" + "x" * 38
    assert dev.post(url, {"ak": "AK1", "sk": sk}) == (200, {"ak": "AK1", "sk": sk})
    raw = _raw_items(app["id"])
    assert sk not in raw and "skSealed" in raw
    assert dev.get(url) == (200, {"ak": "AK1", "sk": sk})
    assert dev.get(f"{APPS}/{app['id']}")[1]["appConfiguration"]["appCertificate"] == {"ak": "AK1", "sk": sk}
    assert dev.put(url, {"sk": "Other" + "y" * 35}) == (200, True)
    assert dev.get(url) == (200, {"ak": "AK1", "sk": "Other" + "y" * 35})
    assert "Other" + "y" * 35 not in _raw_items(app["id"])
