"""EdgeGallery AppScript (group 10) and AppConfiguration (group 14)."""
from __future__ import annotations

import io

from chalicelib.surfaces.edgegallery.common import new_uuid

APPS = "/mec/developer/v2/applications"
ERROR_KEYS = {"timestamp", "code", "error", "message", "path", "retCode", "params", "data"}

DNS = {"dnsRuleId": "dns1", "domainName": "www.example.com", "ipAddressType": "IP_V4", "ipAddress": "10.0.0.1",
       "ttl": "86400"}
TRAFFIC = {"trafficRuleId": "tr1", "filterType": "FLOW", "priority": 1, "action": "DROP",
           "trafficFilter": [{"srcAddress": ["10.0.0.0/24"], "dstAddress": [], "srcPort": ["8080"], "dstPort": [],
                              "protocol": ["TCP"], "tag": [], "srcTunnelAddress": [], "tgtTunnelAddress": [],
                              "srcTunnelPort": [], "dstTunnelPort": [], "qCI": 1, "dSCP": 0, "tC": 1}],
           "dstInterface": [{"interfaceType": "TUNNEL", "tunnelInfo": {"tunnelType": "GTP-U",
                             "tunnelDstAddress": "1.1.1.1", "tunnelSrcAddress": "2.2.2.2",
                             "tunnelSpecificData": "x"}, "srcMacAddress": "", "dstMacAddress": "",
                             "dstIpAddress": "3.3.3.3"}]}


def produced(**over):
    return {"oneLevelName": "AI", "oneLevelNameEn": "AI", "twoLevelName": "face", "description": "face rec",
            "apiFileId": new_uuid(), "guideFileId": new_uuid(), "iconFileId": new_uuid(), "serviceName": "face-svc",
            "internalPort": 8080, "version": "v1", "protocol": "http", "author": "me", "experienceUrl": "",
            "dnsRuleIdList": [], "trafficRuleIdList": [], **over}


def required(**over):
    return {"id": new_uuid(), "oneLevelName": "AI", "oneLevelNameEn": "AI", "twoLevelName": "ocr",
            "twoLevelNameEn": "ocr", "serName": "ocr-svc", "version": "v1", "requestedPermissions": True,
            "appId": new_uuid(), "packageId": new_uuid(), **over}


def multipart(files: dict, fields: dict | None = None) -> tuple[str, bytes]:
    boundary = "----egTestBoundary"
    out = io.BytesIO()
    for k, v in (fields or {}).items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
    for k, (filename, data) in files.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"; filename="{filename}"\r\n'
                  f"Content-Type: application/octet-stream\r\n\r\n".encode())
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", out.getvalue()


def upload(caller, app_id, filename="init.sh", data=b"#!/bin/sh\necho hi\n"):
    ct, body = multipart({"file": (filename, data)})
    r = caller.client.http.post(f"{APPS}/{app_id}/scripts", headers={**caller.headers, "content-type": ct},
                                body=body)
    import json
    return r.status_code, json.loads(r.body) if r.body else None


# ---------------------------------------------------------------- 10.1 scripts
def test_upload_script_listed_in_application(dev, new_app):
    app = new_app()
    status, s = upload(dev, app["id"])
    assert status == 200, s
    assert set(s) == {"id", "name", "scriptFileId", "createTime"} and s["name"] == "init.sh"
    assert len(s["scriptFileId"]) == 36 and s["createTime"].endswith("Z") and "T" in s["createTime"]
    got = dev.get(f"{APPS}/{app['id']}")[1]
    assert got["scriptList"] == [s]
    detail = dev.get(f"{APPS}/{app['id']}/detail")[1]
    assert detail["containerApp"]["scriptList"] == [s]
    from chalicelib.store.edgegallery import EgApplication
    from chalicelib.surfaces.edgegallery import service_scripts
    stored = service_scripts.scripts(EgApplication.get(f"EG#APP#{app['id']}", "A"))
    assert service_scripts.read(stored[0]) == b"#!/bin/sh\necho hi\n"
    # the script is an upload file of type script (group 6), removed with the application
    status, f = dev.get(f"/mec/developer/v2/upload-files/{s['scriptFileId']}")
    assert status == 200 and f["fileType"] == "script" and f["fileName"] == "init.sh"
    assert dev.delete(f"{APPS}/{app['id']}") == (200, True)
    assert dev.get(f"/mec/developer/v2/upload-files/{s['scriptFileId']}")[0] == 404


def test_upload_script_errors(dev, other_dev, guest, new_app):
    app = new_app()
    status, body = upload(dev, app["id"], filename="init.py")
    assert status == 400 and body["retCode"] == 20024 and set(body) == ERROR_KEYS
    assert upload(dev, app["id"], data=b"")[1]["retCode"] == 20032
    status, body = upload(dev, app["id"], data=b"x" * (10 * 1024 * 1024 + 1))
    assert status == 413 and body["retCode"] == 20018
    ct, raw = multipart({"other": ("a.sh", b"echo")})
    r = dev.client.http.post(f"{APPS}/{app['id']}/scripts", headers={**dev.headers, "content-type": ct}, body=raw)
    assert r.status_code == 400
    r = dev.client.http.post(f"{APPS}/{app['id']}/scripts", headers={**dev.headers, "content-type": "application/json"},
                             body=b"{}")
    assert r.status_code == 415
    assert upload(other_dev, app["id"])[0] == 404
    assert upload(guest, app["id"])[0] == 403
    assert upload(dev, new_uuid())[0] == 404
    assert upload(dev, "not-a-uuid")[0] == 400
    assert dev.get(f"{APPS}/{app['id']}")[1]["scriptList"] == []


# ---------------------------------------------------------------- 14.1-14.4 certificate
def test_certificate_lifecycle(dev, new_app):
    app = new_app()
    url = f"{APPS}/{app['id']}/appconfiguration/appcertificate"
    status, body = dev.get(url)
    assert status == 404 and body["retCode"] == 20007
    status, cert = dev.post(url, {"ak": "", "sk": ""})
    assert status == 200 and len(cert["ak"]) == 20 and len(cert["sk"]) == 40 and cert["ak"].isalnum()
    assert dev.get(url) == (200, cert)
    other = dev.post(f"{APPS}/{new_app()['id']}/appconfiguration/appcertificate")[1]
    assert other["sk"] != cert["sk"]
    assert dev.post(url, {})[0] == 409
    assert dev.put(url, {"ak": "MYAK123"}) == (200, True)
    assert dev.get(url)[1] == {"ak": "MYAK123", "sk": cert["sk"]}
    for bad in ({"ak": 5}, {"sk": "has space"}, {}):
        assert dev.put(url, bad)[0] == 400, bad
    assert dev.put(url, raw="{nope")[0] == 400
    assert dev.get(f"{APPS}/{app['id']}/appconfiguration")[1]["appCertificate"] == {"ak": "MYAK123",
                                                                                   "sk": cert["sk"]}
    assert dev.delete(url) == (200, True)
    assert dev.delete(url) == (200, True)
    assert dev.get(url)[0] == 404
    assert dev.put(url, {"ak": "X1"})[0] == 404
    assert dev.post(url, {"ak": "GIVENAK", "sk": "GIVENSK"})[1] == {"ak": "GIVENAK", "sk": "GIVENSK"}


def test_certificate_access(dev, other_dev, guest, eg_admin, new_app):
    app = new_app()
    url = f"{APPS}/{app['id']}/appconfiguration/appcertificate"
    assert dev.post(url, {})[0] == 200
    assert other_dev.get(url)[0] == 404
    assert other_dev.delete(url)[0] == 404
    assert guest.post(url, {})[0] == 403 and guest.put(url, {"ak": "A1"})[0] == 403
    assert eg_admin.get(url)[0] == 200
    assert dev.get(f"{APPS}/bad-id/appconfiguration/appcertificate")[0] == 400
    assert dev.get(f"{APPS}/{new_uuid()}/appconfiguration/appcertificate")[0] == 404
    assert dev.get(url)[0] == 200


# ---------------------------------------------------------------- 14.5-14.8 DNS rules
def test_dns_rules(dev, other_dev, guest, new_app):
    app = new_app()
    url = f"{APPS}/{app['id']}/appconfiguration/dnsrules"
    assert dev.get(url) == (200, [])
    assert dev.post(url, DNS) == (200, DNS)
    status, body = dev.post(url, {**DNS, "domainName": "other"})
    assert status == 409 and set(body) == ERROR_KEYS
    for bad in ({**DNS, "dnsRuleId": "dns2", "ttl": 5}, {"dnsRuleId": "dns3"}, {**DNS, "dnsRuleId": "a/b"},
                {**DNS, "dnsRuleId": None}, [DNS]):
        assert dev.post(url, bad)[0] == 400, bad
    assert dev.post(url, raw="{bad")[0] == 400
    assert guest.post(url, {**DNS, "dnsRuleId": "g"})[0] == 403
    assert other_dev.post(url, {**DNS, "dnsRuleId": "o"})[0] == 404
    assert other_dev.get(url)[0] == 404
    assert dev.get(url) == (200, [DNS])
    assert dev.put(f"{url}/dns1", {**DNS, "ipAddress": "10.0.0.2"}) == (200, True)
    assert dev.get(url)[1][0]["ipAddress"] == "10.0.0.2"
    assert dev.put(f"{url}/dns1", {**DNS, "dnsRuleId": "other"})[0] == 400
    assert dev.put(f"{url}/nope", {**DNS, "dnsRuleId": "nope"})[0] == 404
    assert dev.put(f"{url}/dns1", {"ipAddress": 1})[0] == 400
    assert guest.delete(f"{url}/dns1")[0] == 403
    assert dev.delete(f"{url}/dns1") == (200, True)
    assert dev.delete(f"{url}/dns1") == (200, True)
    assert dev.get(url) == (200, [])


# ---------------------------------------------------------------- 14.17-14.20 traffic rules
def test_traffic_rules(dev, other_dev, new_app):
    app = new_app()
    url = f"{APPS}/{app['id']}/appconfiguration/trafficrules"
    status, rule = dev.post(url, TRAFFIC)
    assert status == 200 and rule == TRAFFIC
    assert dev.post(url, TRAFFIC)[0] == 409
    for bad in ({**TRAFFIC, "trafficRuleId": "t2", "priority": "1"},
                {**TRAFFIC, "trafficRuleId": "t3", "trafficFilter": [{"srcAddress": "10.0.0.1"}]},
                {**TRAFFIC, "trafficRuleId": "t4", "dstInterface": [{"tunnelInfo": []}]},
                {**TRAFFIC, "trafficRuleId": ""}):
        assert dev.post(url, bad)[0] == 400, bad
    minimal = dev.post(url, {"trafficRuleId": "t5"})[1]
    assert minimal["trafficFilter"] == [] and minimal["priority"] is None
    assert [r["trafficRuleId"] for r in dev.get(url)[1]] == ["tr1", "t5"]
    assert dev.put(f"{url}/tr1", {**TRAFFIC, "action": "PASSTHROUGH"}) == (200, True)
    assert dev.get(url)[1][0]["action"] == "PASSTHROUGH"
    assert dev.put(f"{url}/missing", {"action": "DROP"})[0] == 404
    assert other_dev.put(f"{url}/tr1", TRAFFIC)[0] == 404
    assert other_dev.delete(f"{url}/tr1")[0] == 404
    assert dev.delete(f"{url}/t5") == (200, True) and dev.delete(f"{url}/zz") == (200, True)
    assert [r["trafficRuleId"] for r in dev.get(url)[1]] == ["tr1"]


# ---------------------------------------------------------------- 14.9-14.12 produced services
def upload_file(caller, file_type, filename, data):
    import json
    ct, body = multipart({"file": (filename, data)})
    r = caller.client.http.post(f"/mec/developer/v2/upload-files?fileType={file_type}",
                                headers={**caller.headers, "content-type": ct}, body=body)
    assert r.status_code == 200, r.body
    return json.loads(r.body)["fileId"]


def test_deleting_a_produced_service_deletes_its_own_files(dev, other_dev, new_app):
    app = new_app()
    url = f"{APPS}/{app['id']}/appconfiguration/serviceproduceds"
    api_id = upload_file(dev, "api", "api.json", b'{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, '
                                                 b'"paths": {}}')
    guide_id = upload_file(dev, "md", "guide.md", b"# guide")
    foreign = upload_file(other_dev, "md", "theirs.md", b"# theirs")
    svc = dev.post(url, produced(apiFileId=api_id, guideFileId=guide_id, iconFileId=foreign))[1]
    assert dev.delete(f"{url}/{svc['appServiceProducedId']}") == (200, True)
    assert dev.get(f"/mec/developer/v2/upload-files/{api_id}")[0] == 404
    assert dev.get(f"/mec/developer/v2/upload-files/{guide_id}")[0] == 404
    assert other_dev.get(f"/mec/developer/v2/upload-files/{foreign}")[0] == 200   # not the app owner's file


def test_produced_services(dev, guest, new_app):
    app = new_app()
    base = f"{APPS}/{app['id']}/appconfiguration"
    url = f"{base}/serviceproduceds"
    dev.post(f"{base}/dnsrules", DNS)
    status, svc = dev.post(url, produced(dnsRuleIdList=["dns1"], appServiceProducedId="ignored"))
    assert status == 200 and len(svc["appServiceProducedId"]) == 36 and svc["serviceName"] == "face-svc"
    assert svc["dnsRuleIdList"] == ["dns1"] and svc["internalPort"] == 8080
    assert dev.get(url) == (200, [svc])
    status, body = dev.post(url, produced())
    assert status == 409
    for bad in (produced(serviceName="b1", internalPort="80"), produced(serviceName="b2", internalPort=70000),
                produced(serviceName="b3", dnsRuleIdList=["nope"]), produced(serviceName="b4", apiFileId="x"),
                {k: v for k, v in produced(serviceName="b5").items() if k != "oneLevelName"},
                produced(serviceName="")):
        assert dev.post(url, bad)[0] == 400, bad
    assert guest.post(url, produced(serviceName="g"))[0] == 403
    assert len(dev.get(url)[1]) == 1
    sid = svc["appServiceProducedId"]
    second = dev.post(url, produced(serviceName="second"))[1]
    assert dev.put(f"{url}/{sid}", produced(serviceName="second"))[0] == 409
    assert dev.put(f"{url}/{sid}", produced(serviceName="renamed", description="new")) == (200, True)
    got = {s["appServiceProducedId"]: s for s in dev.get(url)[1]}
    assert got[sid]["serviceName"] == "renamed" and got[sid]["description"] == "new"
    assert dev.post(url, produced(serviceName="face-svc"))[0] == 200      # the old name is free again
    assert dev.put(f"{url}/{new_uuid()}", produced(serviceName="zz"))[0] == 404
    assert dev.put(f"{url}/{sid}", produced(serviceName="x", appServiceProducedId=new_uuid()))[0] == 400
    assert dev.delete(f"{url}/{second['appServiceProducedId']}") == (200, True)
    assert dev.delete(f"{url}/{new_uuid()}") == (200, True)
    assert dev.post(url, produced(serviceName="second"))[0] == 200       # its unique name was released
    assert sorted(s["serviceName"] for s in dev.get(url)[1]) == ["face-svc", "renamed", "second"]


# ---------------------------------------------------------------- 14.13-14.16 required services
def test_required_services(dev, other_dev, new_app):
    app = new_app()
    url = f"{APPS}/{app['id']}/appconfiguration/servicerequireds"
    req = required()
    assert dev.post(url, req) == (200, req)
    assert dev.post(url, {**req, "serName": "again"})[0] == 409
    for bad in (required(id="not-uuid"), required(requestedPermissions="yes"), {"id": new_uuid()},
                required(serName=5)):
        assert dev.post(url, bad)[0] == 400, bad
    assert dev.get(url) == (200, [req])
    # 14.15 documented by {serName}: the path segment may be the serName or the capability id
    assert dev.put(f"{url}/ocr-svc", {**req, "version": "v2"}) == (200, True)
    assert dev.get(url)[1][0]["version"] == "v2"
    assert dev.put(f"{url}/{req['id']}", {**req, "requestedPermissions": False}) == (200, True)
    assert dev.get(url)[1][0]["requestedPermissions"] is False
    assert dev.put(f"{url}/{req['id']}", {**req, "id": new_uuid()})[0] == 400
    assert dev.put(f"{url}/unknown", req)[0] == 404
    assert other_dev.delete(f"{url}/{req['id']}")[0] == 404
    assert dev.delete(f"{url}/{req['id']}") == (200, True)
    assert dev.delete(f"{url}/{req['id']}") == (200, True)
    assert dev.get(url) == (200, [])
    # the path 14.16 is documented on (.../serviceproduceds/{serviceRequiredId}) works too
    other = required(serName="other")
    dev.post(url, other)
    produced_url = f"{APPS}/{app['id']}/appconfiguration/serviceproduceds"
    assert dev.delete(f"{produced_url}/{other['id']}") == (200, True)
    assert dev.get(url) == (200, [])


def test_required_service_bumps_capability_select_count(dev, new_app, monkeypatch):
    import sys
    import types
    calls = []
    fake = types.ModuleType("chalicelib.surfaces.edgegallery.service_capabilities")
    fake.bump_select_count = lambda cap_id, delta: calls.append((cap_id, delta))
    import chalicelib.surfaces.edgegallery as pkg
    monkeypatch.setitem(sys.modules, fake.__name__, fake)
    monkeypatch.setattr(pkg, "service_capabilities", fake, raising=False)
    app = new_app()
    url = f"{APPS}/{app['id']}/appconfiguration/servicerequireds"
    req = required()
    dev.post(url, req)
    dev.delete(f"{url}/{req['id']}")
    assert calls == [(req["id"], 1), (req["id"], -1)]


# ---------------------------------------------------------------- 14.21 / 14.22 whole configuration
def test_whole_configuration_get_and_put(dev, other_dev, guest, new_app):
    app = new_app()
    url = f"{APPS}/{app['id']}/appconfiguration"
    empty = {"appCertificate": None, "appServiceProducedList": [], "appServiceRequiredList": [],
             "trafficRuleList": [], "dnsRuleList": []}
    assert dev.get(url) == (200, empty)
    assert dev.get(f"{APPS}/{app['id']}")[1]["appConfiguration"] == empty
    req = required()
    body = {"appCertificate": {"ak": "AK1", "sk": "SK1"}, "dnsRuleList": [DNS], "trafficRuleList": [TRAFFIC],
            "appServiceProducedList": [produced(dnsRuleIdList=["dns1"], trafficRuleIdList=["tr1"])],
            "appServiceRequiredList": [req]}
    assert dev.put(url, body) == (200, True)
    conf = dev.get(url)[1]
    assert conf["appCertificate"] == {"ak": "AK1", "sk": "SK1"} and conf["dnsRuleList"] == [DNS]
    assert conf["trafficRuleList"] == [TRAFFIC] and conf["appServiceRequiredList"] == [req]
    sid = conf["appServiceProducedList"][0]["appServiceProducedId"]
    assert len(sid) == 36
    assert dev.get(f"{APPS}/{app['id']}")[1]["appConfiguration"] == conf
    # round trip of what GET returned changes nothing; a present list replaces, an absent one stays
    assert dev.put(url, conf) == (200, True) and dev.get(url)[1] == conf
    svc = {**conf["appServiceProducedList"][0], "description": "changed", "dnsRuleIdList": []}
    assert dev.put(url, {"dnsRuleList": [], "appServiceProducedList": [svc]}) == (200, True)
    after = dev.get(url)[1]
    assert after["dnsRuleList"] == [] and after["trafficRuleList"] == [TRAFFIC]
    assert after["appServiceProducedList"] == [svc] and after["appCertificate"]["ak"] == "AK1"
    # validation happens before anything is written
    before = dev.get(url)[1]
    for bad in ({"dnsRuleList": [DNS, DNS]}, {"dnsRuleList": [DNS], "trafficRuleList": [{"priority": "x"}]},
                {"appServiceProducedList": [produced(dnsRuleIdList=["gone"])]}, {"dnsRuleList": "x"}, [1]):
        assert dev.put(url, bad)[0] == 400, bad
    assert dev.put(url, raw="{x")[0] == 400
    assert guest.put(url, {"dnsRuleList": []})[0] == 403
    assert other_dev.put(url, {"dnsRuleList": []})[0] == 404 and other_dev.get(url)[0] == 404
    assert dev.get(url)[1] == before
    assert dev.put(url, {"appServiceRequiredList": []}) == (200, True)
    assert dev.get(url)[1]["appServiceRequiredList"] == []


def test_detail_put_applies_configuration_and_delete_cascades(dev, new_app):
    app = new_app()
    detail = dev.get(f"{APPS}/{app['id']}/detail")[1]["containerApp"]
    detail["appConfiguration"] = {"dnsRuleList": [DNS], "appServiceProducedList": [produced()]}
    assert dev.put(f"{APPS}/{app['id']}/detail", {"containerApp": detail}) == (200, True)
    conf = dev.get(f"{APPS}/{app['id']}/appconfiguration")[1]
    assert conf["dnsRuleList"] == [DNS] and conf["appServiceProducedList"][0]["serviceName"] == "face-svc"
    from chalicelib.store.edgegallery import EgApplication
    from chalicelib.surfaces.edgegallery import service_config
    model = EgApplication.get(f"EG#APP#{app['id']}", "A")
    assert service_config.produced_services(model) == conf["appServiceProducedList"]
    assert service_config.configuration(model) == conf
    upload(dev, app["id"])
    assert dev.delete(f"{APPS}/{app['id']}") == (200, True)
    from chalicelib.store.base import Unique
    assert Unique.count(f"UNIQUE#eg-conf-svc#{app['id']}|face-svc") == 0
