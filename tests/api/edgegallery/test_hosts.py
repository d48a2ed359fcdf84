"""EdgeGallery MEP hosts (group 4) and flavors (group 9)."""
from __future__ import annotations

import json

from chalicelib.store.base import Entity
from chalicelib.surfaces.edgegallery import service_hosts
from chalicelib.surfaces.edgegallery.common import new_uuid
from tests.api.otestack.helpers import multipart_body

V2 = "/mec/developer/v2"
HOSTS, FLAVORS = f"{V2}/mephosts", f"{V2}/flavors"
NET = "VDU1_APP_Plane01_IP=192.168.1.0/24;VDU1_APP_Plane02_IP=192.168.2.0/24;VDU1_APP_Plane03_IP=192.168.3.0/24"


def host_body(**over):
    return {"name": "sandbox-1", "lcmIp": "10.0.0.5", "lcmProtocol": "https", "lcmPort": 30204,
            "architecture": "X86", "status": "NORMAL", "mecHostIp": "10.0.0.5", "vimType": "OpenStack",
            "mecHostUserName": "root", "mecHostPassword": "s3cret!", "networkParameter": NET,
            "resource": "cpu: 16", "address": "Xi'an", **over}


def make_host(admin, **over):
    assert admin.post(HOSTS, host_body(**over)) == (200, True)
    listed = admin.get(f"{HOSTS}?limit=100&offset=0")[1]["results"]
    return next(h for h in listed if h["mecHostIp"] == over.get("mecHostIp", "10.0.0.5"))


def test_create_get_list_with_filters(eg_admin, dev, guest):
    h = make_host(eg_admin)
    assert h["mecHostPort"] == 22 and h["mecHostProtocol"] == "http" and h["userId"] == eg_admin.account.account_id
    assert h["mecHostUserName"] is None and h["mecHostPassword"] is None
    assert guest.get(f"{HOSTS}/{h['id']}") == (200, h)
    make_host(eg_admin, name="k8s-sandbox", mecHostIp="10.0.0.6", vimType="K8S", networkParameter=None,
              architecture="ARM64")
    page = dev.get(f"{HOSTS}?limit=1&offset=0")[1]
    assert set(page) == {"results", "limit", "offset", "total"} and page["total"] == 2 and len(page["results"]) == 1
    assert [x["name"] for x in dev.get(f"{HOSTS}?vimType=K8S")[1]["results"]] == ["k8s-sandbox"]
    assert [x["name"] for x in dev.get(f"{HOSTS}?name=SANDBOX-")[1]["results"]] == ["sandbox-1"]
    assert dev.get(f"{HOSTS}?architecture=ARM64&name=k8s")[1]["total"] == 1
    assert dev.get(f"{HOSTS}?architecture=ARM32")[1] == {"results": [], "limit": 20, "offset": 0, "total": 0}
    assert dev.get(f"{HOSTS}?limit=0")[0] == 400
    assert dev.get(f"{HOSTS}/{new_uuid()}")[1]["retCode"] == 20007
    assert dev.get(f"{HOSTS}/nope")[0] == 400
    # secrets are sealed at rest and recoverable by deploy code only
    item = service_hosts.get(h["id"])
    raw = json.dumps(item.attribute_values, default=str)
    assert "s3cret!" not in raw and item.user_name_sealed.startswith("v1:") and item.password_sealed.startswith("v1:")
    assert service_hosts.credentials(item) == ("root", "s3cret!")


def test_create_validation_health_check_and_roles(eg_admin, dev, guest):
    bads = [{"name": "short"}, {"name": "x" * 51}, {"lcmPort": 29999}, {"lcmPort": 32001}, {"lcmPort": "30204"},
            {"lcmIp": ""}, {"lcmIp": "not-an-ip"}, {"address": " "}, {"status": "UP"}, {"vimType": "vmware"},
            {"vimType": None}, {"architecture": "MIPS"}, {"networkParameter": "VDU1_APP_Plane01_IP=1"},
            {"networkParameter": None}, {"lcmProtocol": "ftp"}, {"mecHostPort": 0}, {"name": 12345678}]
    for bad in bads:
        status, body = eg_admin.post(HOSTS, host_body(**bad))
        assert status == 400 and body["retCode"] == 20002, bad
    status, body = eg_admin.post(HOSTS, host_body(lcmIp="192.0.2.10"))
    assert status == 400 and body["retCode"] == 20009 and "health check" in body["message"]
    assert eg_admin.post(HOSTS, host_body(configId=new_uuid()))[0] == 404
    assert eg_admin.post(HOSTS, raw="{x")[0] == 400
    assert dev.post(HOSTS, host_body())[0] == 403
    assert guest.post(HOSTS, host_body())[0] == 403
    assert eg_admin.get(HOSTS)[1]["total"] == 0
    make_host(eg_admin)
    status, body = eg_admin.post(HOSTS, host_body(name="another-one"))
    assert status == 400 and "mecHostIp" in body["message"]
    assert eg_admin.get(HOSTS)[1]["total"] == 1


def test_modify_delete_and_logs(eg_admin, dev):
    h = make_host(eg_admin)
    make_host(eg_admin, name="second-host", mecHostIp="10.0.0.9")
    assert eg_admin.put(f"{HOSTS}/{h['id']}", {"status": "BUSY", "mecHostIp": "10.0.0.7",
                                               "mecHostPassword": "n3w"}) == (200, True)
    got = eg_admin.get(f"{HOSTS}/{h['id']}")[1]
    assert got["status"] == "BUSY" and got["mecHostIp"] == "10.0.0.7" and got["name"] == "sandbox-1"
    assert service_hosts.credentials(service_hosts.get(h["id"])) == ("root", "n3w")
    # the old ip is free, the other host's ip is taken, bad values and unhealthy LCM refused: nothing changes
    assert eg_admin.put(f"{HOSTS}/{h['id']}", {"mecHostIp": "10.0.0.9"})[0] == 400
    for bad in ({"lcmPort": 1}, {"vimType": "X"}, {"lcmIp": "192.0.2.1"}):
        assert eg_admin.put(f"{HOSTS}/{h['id']}", bad)[0] == 400, bad
    assert eg_admin.get(f"{HOSTS}/{h['id']}")[1] == got
    assert eg_admin.put(f"{HOSTS}/{h['id']}", raw="[")[0] == 400
    assert dev.put(f"{HOSTS}/{h['id']}", {"status": "STOP"})[0] == 403
    assert eg_admin.put(f"{HOSTS}/{new_uuid()}", {"status": "STOP"})[0] == 404
    make_host(eg_admin, name="third-host", mecHostIp="10.0.0.5")
    # logs: admin only, one entry per create/modify/delete
    assert dev.get(f"{HOSTS}/{h['id']}/logs")[0] == 403
    assert dev.delete(f"{HOSTS}/{h['id']}")[0] == 403
    assert eg_admin.delete(f"{HOSTS}/{h['id']}") == (200, True)
    assert eg_admin.get(f"{HOSTS}/{h['id']}")[0] == 404
    assert eg_admin.delete(f"{HOSTS}/{h['id']}")[0] == 404
    status, logs = eg_admin.get(f"{HOSTS}/{h['id']}/logs")
    assert status == 200 and [x["operation"] for x in logs] == ["CREATE", "MODIFY", "DELETE"]
    assert set(logs[0]) == {"logId", "hostIp", "userName", "userId", "projectId", "projectName", "appInstancesId",
                            "deployTime", "status", "operation", "hostId"}
    assert logs[1]["status"] == "BUSY" and logs[0]["hostId"] == h["id"]
    assert eg_admin.get(f"{HOSTS}/{new_uuid()}/logs")[0] == 404
    assert eg_admin.get(HOSTS)[1]["total"] == 2
    # the deleted host's mecHostIp may be registered again
    make_host(eg_admin, name="fourth-host", mecHostIp="10.0.0.7")


def _upload(caller, filename, data, name="file"):
    ct, raw = multipart_body({}, {name: (filename, data)})
    r = caller.client.http.post(f"{HOSTS}/action/upload-config-file", headers={**caller.headers, "content-type": ct},
                                body=raw)
    return r.status_code, json.loads(r.body)


def test_upload_config_file(eg_admin, dev, guest):
    status, f = _upload(eg_admin, "kubeconfig", b"apiVersion: v1\nkind: Config\n")
    assert status == 200, f
    assert set(f) == {"fileId", "fileName", "url", "userId", "uploadDate", "filePath", "temp"}
    assert f["fileName"] == "kubeconfig" and f["temp"] is False and f["userId"] == eg_admin.account.account_id
    assert service_hosts.config_bytes(f["fileId"]) == b"apiVersion: v1\nkind: Config\n"
    h = make_host(eg_admin, configId=f["fileId"])
    assert h["configId"] == f["fileId"]
    status, body = _upload(eg_admin, "config.yaml", b"x")
    assert status == 400 and body["retCode"] == 20024
    assert _upload(eg_admin, "config", b"")[1]["retCode"] == 20032
    assert _upload(eg_admin, "config", b"x", name="other")[0] == 400
    status, body = _upload(eg_admin, "big", b"x" * (1024 * 1024 + 1))
    assert status == 413 and body["retCode"] == 20018
    assert guest.client.http.post(f"{HOSTS}/action/upload-config-file",
                                  headers={**guest.headers, "content-type": "application/json"},
                                  body=b"{}").status_code in (403, 415)
    assert _upload(guest, "cfg", b"x")[0] == 403
    assert _upload(dev, "cfg", b"x")[0] == 200
    assert len([e for e in Entity.scan() if e.pk.startswith("EG#MEPHOSTCFG#")]) == 2  # test-only check


def test_flavors(dev, other_dev, eg_admin, guest):
    status, defaults = guest.get(FLAVORS)
    assert status == 200 and len(defaults) >= 8
    assert set(defaults[0]) == {"id", "name", "description", "architecture", "cpu", "memory", "systemDiskSize",
                                "dataDiskSize", "gpuExtraInfo", "otherExtraInfo"}
    body = {"name": "my-flavor", "description": "d", "architecture": "X86", "cpu": 2, "memory": 4,
            "systemDiskSize": 50, "dataDiskSize": 10, "gpuExtraInfo": "", "otherExtraInfo": "{}"}
    status, fl = dev.post(FLAVORS, body)
    assert status == 200 and {k: fl[k] for k in body} == body and len(fl["id"]) == 36
    assert guest.get(f"{FLAVORS}/{fl['id']}") == (200, fl)
    assert len(guest.get(FLAVORS)[1]) == len(defaults) + 1
    for bad in ({"cpu": 0}, {"cpu": "2"}, {"memory": None}, {"architecture": "MIPS"}, {"name": ""},
                {"systemDiskSize": 2.5}, {"dataDiskSize": -1}):
        assert dev.post(FLAVORS, {**body, "name": "f2", **bad})[0] == 400, bad
    assert dev.post(FLAVORS, body)[0] == 409
    assert dev.post(FLAVORS, raw="{")[0] == 400
    assert guest.post(FLAVORS, {**body, "name": "g"})[0] == 403
    assert len(guest.get(FLAVORS)[1]) == len(defaults) + 1
    assert guest.get(f"{FLAVORS}/{new_uuid()}")[1]["retCode"] == 20007
    assert guest.get(f"{FLAVORS}/bad")[0] == 400
    # delete: creator or admin; defaults: admin only; a deleted default does not come back
    assert other_dev.delete(f"{FLAVORS}/{fl['id']}")[0] == 403
    assert guest.delete(f"{FLAVORS}/{fl['id']}")[0] == 403
    assert dev.delete(f"{FLAVORS}/{defaults[0]['id']}")[0] == 403
    assert dev.delete(f"{FLAVORS}/{fl['id']}") == (200, True)
    assert dev.get(f"{FLAVORS}/{fl['id']}")[0] == 404
    assert dev.delete(f"{FLAVORS}/{fl['id']}")[0] == 404
    assert eg_admin.delete(f"{FLAVORS}/{defaults[0]['id']}") == (200, True)
    assert [f["id"] for f in guest.get(FLAVORS)[1]] == [f["id"] for f in defaults[1:]]
    assert dev.post(FLAVORS, body)[0] == 200  # the name is free again
