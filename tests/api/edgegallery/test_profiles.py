"""EdgeGallery Profile (group 18), UserData (20.1) and Pkg-specs (21.1)."""
from __future__ import annotations

import io
import tarfile
import zipfile

import pytest
import yaml

from chalicelib.surfaces.edgegallery.common import new_uuid
from tests.api.edgegallery.test_files import PNG, send

PROFILES = "/mec/developer/v2/profiles"
APPS = "/mec/developer/v2/applications"
DEPLOY = (b"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: cam}\nspec:\n  template:\n    spec:\n"
          b"      containers:\n      - {name: cam, image: 'cam:1.0'}\n---\n"
          b"apiVersion: v1\nkind: Service\nmetadata: {name: cam}\nspec:\n  ports:\n  - {port: 80}\n")
SCRIPT = b"#!/bin/sh\necho configure\n"


def profile_yaml(name="smart-park", **over) -> dict:
    doc = {"profile": {"name": name, "descriptionCh": "园区", "descriptionEn": "Smart park", "seq": "cam,ai",
                       "appList": "cam,ai", "type": "Video Application", "industry": "Smart Park",
                       "topoFile": "topo.png"},
           "config": "config/setup.sh",
           "app": {"cam": {"deploymentFile": "cam/deploy.yaml", "version": "1.0", "provider": "acme",
                           "appClass": "CONTAINER", "architecture": "X86"},
                   "ai": {"deploymentFile": "ai/deploy.yaml", "version": "2.0", "provider": "acme"}}}
    for k, v in over.items():
        doc[k] = v
    return doc


def profile_zip(doc: dict | None = None, extra: dict | None = None, drop: tuple = ()) -> bytes:
    files = {"profile.yaml": yaml.safe_dump(doc or profile_yaml(), allow_unicode=True).encode(),
             "cam/deploy.yaml": DEPLOY, "ai/deploy.yaml": DEPLOY.replace(b"cam", b"ai"),
             "config/setup.sh": SCRIPT, "topo.png": PNG, **(extra or {})}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in files.items():
            if name not in drop:
                zf.writestr(zipfile.ZipInfo(name, (2021, 1, 1, 0, 0, 0)), data)  # same bytes every time
    return buf.getvalue()


def get_bytes(caller, path):
    r = caller.client.http.get(path, headers={**caller.headers, "accept": "*/*"})
    return r.status_code, r.body, r.headers


@pytest.fixture
def profile(eg_admin):
    status, body = send(eg_admin, "post", PROFILES, {"file": ("park.zip", profile_zip())})
    assert status == 200, body
    return body


def test_create_get_list(eg_admin, dev, guest, profile):
    assert set(profile) == {"id", "name", "description", "descriptionEn", "seq", "appList", "createTime", "type",
                            "industry", "topoFilePath"}
    assert profile["name"] == "smart-park" and profile["description"] == "园区" and profile["seq"] == ["cam", "ai"]
    assert profile["appList"] == ["cam", "ai"] and profile["topoFilePath"] == "topo.png"
    assert profile["createTime"].endswith("Z")
    assert dev.get(f"{PROFILES}/{profile['id']}") == (200, profile)
    status, page = guest.get(f"{PROFILES}?limit=10&offset=0")
    assert status == 200 and page == {"results": [profile], "limit": 10, "offset": 0, "total": 1}
    # same name again → conflict; nothing added
    status, body = send(eg_admin, "post", PROFILES, {"file": ("again.zip", profile_zip())})
    assert status == 409
    assert dev.get(f"{PROFILES}?limit=10&offset=0")[1]["total"] == 1
    assert dev.get(f"{PROFILES}/{new_uuid()}")[0] == 404
    assert dev.get(f"{PROFILES}/xyz")[0] == 400


def test_create_is_admin_only_and_validated(eg_admin, dev, guest):
    assert send(dev, "post", PROFILES, {"file": ("p.zip", profile_zip())})[0] == 403
    assert send(guest, "post", PROFILES, {"file": ("p.zip", profile_zip())})[0] == 403
    nested, nested_doc = io.BytesIO(), profile_yaml("nested", config="setup.sh", app={
        "cam": {"deploymentFile": "cam.yaml"}})
    nested_doc["profile"].update(appList=None, seq=["cam"])
    with zipfile.ZipFile(nested, "w") as zf:
        zf.writestr("park/profile.yaml", yaml.safe_dump(nested_doc))
        zf.writestr("park/cam.yaml", DEPLOY)
        zf.writestr("park/setup.sh", SCRIPT)
        zf.writestr("park/topo.png", PNG)
    bad_profile = profile_yaml()
    bad_profile["profile"]["name"] = "has space"
    no_name = profile_yaml()
    del no_name["profile"]["name"]
    cases = [
        (("p.tgz", profile_zip()), 20024), (("p.zip", b"plain text"), 20024), (("p.zip", b""), 20032),
        (("p.zip", profile_zip(drop=("profile.yaml",))), 20031),
        (("p.zip", profile_zip(drop=("cam/deploy.yaml",))), 20031),
        (("p.zip", profile_zip(drop=("config/setup.sh",))), 20031),
        (("p.zip", profile_zip(extra={"profile.yaml": b"profile: [unclosed"})), 20029),
        (("p.zip", profile_zip(extra={"profile.yaml": b"- a list"})), 20029),
        (("p.zip", profile_zip(bad_profile)), 20002), (("p.zip", profile_zip(no_name)), 20002),
        (("p.zip", profile_zip(profile_yaml(config="config/setup.py", ))), 20002),
        (("p.zip", profile_zip(profile_yaml(app={"cam": {"deploymentFile": "cam/deploy.json"}}))), 20002),
        (("p.zip", profile_zip(profile_yaml(app={}))), 20002),
        (("p.zip", profile_zip(extra={f"junk/{i}": b"" for i in range(1100)})), 20030),
        (("p.zip", profile_zip(extra={"../evil.sh": b"x"})), 20030),
    ]
    for (name, data), ret in cases:
        status, body = send(eg_admin, "post", PROFILES, {"file": (name, data)})
        assert status == 400 and body["retCode"] == ret, (name, ret, body)
    assert send(eg_admin, "post", PROFILES, {"other": ("p.zip", profile_zip())})[0] == 400
    assert eg_admin.post(PROFILES, {"file": "x"})[0] == 415
    assert eg_admin.get(f"{PROFILES}?limit=10&offset=0")[1]["total"] == 0
    status, body = send(eg_admin, "post", PROFILES, {"file": ("nested.zip", nested.getvalue())})
    assert status == 200 and body["name"] == "nested" and body["appList"] == ["cam"], body


def test_download_files(dev, profile):
    pid = profile["id"]
    status, data, headers = get_bytes(dev, f"{PROFILES}/{pid}/action/download")
    assert status == 200 and data == profile_zip() and 'filename="park.zip"' in headers["Content-Disposition"]
    assert get_bytes(dev, f"{PROFILES}/{pid}/action/download?type=profileFile")[1] == data
    status, data, headers = get_bytes(dev, f"{PROFILES}/{pid}/action/download?type=deployFile&name=ai")
    assert status == 200 and b"name: ai" in data and 'filename="deploy.yaml"' in headers["Content-Disposition"]
    status, data, _ = get_bytes(dev, f"{PROFILES}/{pid}/action/download?type=configFile")
    assert status == 200 and data == SCRIPT
    assert get_bytes(dev, f"{PROFILES}/{pid}/action/download?type=deployFile")[0] == 400
    assert get_bytes(dev, f"{PROFILES}/{pid}/action/download?type=deployFile&name=nope")[0] == 404
    assert get_bytes(dev, f"{PROFILES}/{pid}/action/download?type=topo")[0] == 400
    assert get_bytes(dev, f"{PROFILES}/{new_uuid()}/action/download")[0] == 404


def test_update(eg_admin, dev, profile):
    pid = profile["id"]
    doc = profile_yaml("smart-park-2")
    doc["profile"]["appList"] = "cam"
    doc["profile"]["seq"] = None
    status, body = send(eg_admin, "put", f"{PROFILES}/{pid}", {"file": ("v2.zip", profile_zip(doc))})
    assert status == 200, body
    assert body["id"] == pid and body["name"] == "smart-park-2" and body["appList"] == ["cam"]
    assert body["seq"] == ["cam"] and body["createTime"] == profile["createTime"]
    assert dev.get(f"{PROFILES}/{pid}")[1] == body
    assert dev.get(f"{PROFILES}?name=PARK-2&limit=10&offset=0")[1]["total"] == 1
    assert get_bytes(dev, f"{PROFILES}/{pid}/action/download")[2]["Content-Disposition"].endswith('"v2.zip"')
    # the old name is free again
    assert send(eg_admin, "post", PROFILES, {"file": ("p.zip", profile_zip())})[0] == 200
    # a taken name, a broken zip, other callers, unknown ids
    assert send(eg_admin, "put", f"{PROFILES}/{pid}", {"file": ("p.zip", profile_zip())})[0] == 409
    assert send(eg_admin, "put", f"{PROFILES}/{pid}", {"file": ("p.zip", b"junk")})[0] == 400
    assert send(dev, "put", f"{PROFILES}/{pid}", {"file": ("v3.zip", profile_zip(profile_yaml("x")))})[0] == 403
    assert send(eg_admin, "put", f"{PROFILES}/{new_uuid()}", {"file": ("v.zip", profile_zip())})[0] == 404
    assert dev.get(f"{PROFILES}/{pid}")[1]["name"] == "smart-park-2"


def test_list_paging_and_filter(eg_admin, dev):
    for name in ("alpha", "beta", "alphabet"):
        assert send(eg_admin, "post", PROFILES, {"file": ("p.zip", profile_zip(profile_yaml(name)))})[0] == 200
    page = dev.get(f"{PROFILES}?limit=2&offset=0")[1]
    assert page["total"] == 3 and [r["name"] for r in page["results"]] == ["alphabet", "beta"]
    assert [r["name"] for r in dev.get(f"{PROFILES}?limit=2&offset=2")[1]["results"]] == ["alpha"]
    assert dev.get(f"{PROFILES}?name=ALPHA&limit=10&offset=0")[1]["total"] == 2
    assert dev.get(f"{PROFILES}?limit=0&offset=0")[0] == 400
    assert dev.get(f"{PROFILES}?limit=1&offset=x")[0] == 400


def test_delete(eg_admin, dev, profile):
    pid = profile["id"]
    assert dev.delete(f"{PROFILES}/{pid}")[0] == 403
    assert dev.get(f"{PROFILES}/{pid}")[0] == 200
    assert eg_admin.delete(f"{PROFILES}/{pid}") == (200, True)
    assert dev.get(f"{PROFILES}/{pid}")[0] == 404
    assert get_bytes(dev, f"{PROFILES}/{pid}/action/download")[0] == 404
    assert eg_admin.delete(f"{PROFILES}/{pid}")[0] == 404
    # the name can be reused
    assert send(eg_admin, "post", PROFILES, {"file": ("p.zip", profile_zip())})[0] == 200


def test_create_application_from_profile(dev, other_dev, guest, profile):
    pid = profile["id"]
    status, app = send(dev, "post", f"{PROFILES}/{pid}/create-application", {"iconFile": ("icon.png", PNG)})
    assert status == 200, app
    assert app["name"] == "smart-park" and app["provider"] == dev.account.username and app["appClass"] == "CONTAINER"
    assert app["appCreateType"] == "INTEGRATED" and app["industry"] == "Smart Park"
    assert app["status"] == "CONFIGURED"  # its charts came with it
    assert dev.get(f"{APPS}/{app['id']}")[1]["id"] == app["id"]
    icon = dev.get(f"/mec/developer/v2/upload-files/{app['iconFileId']}")[1]
    assert icon["fileName"] == "icon.png" and icon["fileType"] == "icon"
    # same (name, version, provider) again → conflict, no second app
    status, body = send(dev, "post", f"{PROFILES}/{pid}/create-application", {"iconFile": ("icon.png", PNG)})
    assert status == 409
    assert dev.get(f"{APPS}?limit=10&offset=0")[1]["total"] == 1
    # another user is another provider
    assert send(other_dev, "post", f"{PROFILES}/{pid}/create-application", {"iconFile": ("i.gif", PNG)})[0] == 400
    assert send(other_dev, "post", f"{PROFILES}/{pid}/create-application", {"iconFile": ("i.png", PNG)})[0] == 200
    assert send(dev, "post", f"{PROFILES}/{pid}/create-application", {})[0] == 400
    assert send(guest, "post", f"{PROFILES}/{pid}/create-application", {"iconFile": ("i.png", PNG)})[0] == 403
    assert send(dev, "post", f"{PROFILES}/{new_uuid()}/create-application",
                {"iconFile": ("i.png", PNG)})[0] == 404


def test_pkg_specs_and_user_data(dev, guest):
    status, specs = guest.get("/mec/developer/v2/pkg-specs")
    assert status == 200 and [s["id"] for s in specs] == ["PKG_SPEC_SUPPORT_DYNAMIC_FLAVOR",
                                                          "PKG_SPEC_SUPPORT_FIXED_FLAVOR"]
    net = specs[0]["specifications"]["appdSpecs"]["networkNameSpecs"]
    assert set(net) == {"networkNameN6", "networkNameInternet", "networkNameMep"}
    assert set(specs[0]) == {"id", "zhName", "enName", "specifications"}
    r = dev.client.http.get("/mec/developer/v2/user-datas?osType=ubuntu&pkgSpecId=PKG_SPEC_SUPPORT_FIXED_FLAVOR",
                            headers=dev.headers)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/plain")
    assert b"campus" in r.body and r.body.startswith(b"#!/bin/bash")
    r = dev.client.http.get("/mec/developer/v2/user-datas?osType=Ubuntu&pkgSpecId=PKG_SPEC_SUPPORT_DYNAMIC_FLAVOR",
                            headers=dev.headers)
    assert r.status_code == 200 and b"campus" not in r.body
    # no campus variant for windows: the plain template
    r = dev.client.http.get("/mec/developer/v2/user-datas?osType=windows&pkgSpecId=PKG_SPEC_SUPPORT_FIXED_FLAVOR",
                            headers=dev.headers)
    assert r.status_code == 200 and r.body.startswith(b"#ps1")
    assert dev.get("/mec/developer/v2/user-datas?osType=ubuntu")[0] == 400
    assert dev.get("/mec/developer/v2/user-datas?pkgSpecId=PKG_SPEC_SUPPORT_FIXED_FLAVOR")[0] == 400
    assert dev.get("/mec/developer/v2/user-datas?osType=plan9&pkgSpecId=PKG_SPEC_SUPPORT_FIXED_FLAVOR")[0] == 400
    assert dev.get("/mec/developer/v2/user-datas?osType=ubuntu&pkgSpecId=NOPE")[0] == 404


# ---------------------------------------------------------------- 18.7: charts and config script
def chart_members(caller, app_id: str, chart_id: str) -> dict[str, bytes]:
    r = caller.client.http.post(f"{APPS}/{app_id}/helmcharts/{chart_id}/action/download",
                                headers={**caller.headers, "accept": "*/*"})
    assert r.status_code == 200, r.body
    with tarfile.open(fileobj=io.BytesIO(r.body), mode="r:gz") as tf:
        return {m.name: tf.extractfile(m).read() for m in tf if m.isfile()}


def test_application_from_profile_gets_charts_script_and_package(dev, profile):
    status, app = send(dev, "post", f"{PROFILES}/{profile['id']}/create-application", {"iconFile": ("icon.png", PNG)})
    assert status == 200, app
    charts = {c["name"]: c for c in dev.get(f"{APPS}/{app['id']}/helmcharts")[1]}
    assert set(charts) == {"cam.tgz", "ai.tgz"}
    files = chart_members(dev, app["id"], charts["ai.tgz"]["id"])
    assert set(files) == {"ai/Chart.yaml", "ai/values.yaml", "ai/templates/ai.yaml"}
    assert files["ai/templates/ai.yaml"] == DEPLOY.replace(b"cam", b"ai")
    assert yaml.safe_load(files["ai/Chart.yaml"])["name"] == "ai"
    assert [s["name"] for s in app["scriptList"]] == ["setup.sh"]
    script = dev.get(f"/mec/developer/v2/upload-files/{app['scriptList'][0]['scriptFileId']}")[1]
    assert script["fileType"] == "script"
    # the package generated from it holds both charts and the script, hashed in the manifest
    from tests.api.edgegallery.test_packages import package_blob, validate_csar
    status, pkg = dev.post(f"{APPS}/{app['id']}/action/generate-package")
    assert status == 200, pkg
    got = validate_csar(package_blob(pkg["id"]), charts=("cam", "ai"))
    assert got["files"]["Artifacts/Deployment/Scripts/setup.sh"] == SCRIPT
    images = {i["swImage"] for i in yaml.safe_load(got["files"]["Image/SwImageDesc.json"])}
    assert images == {"cam:1.0", "ai:1.0"}


def test_chart_names_are_made_safe_and_unique(eg_admin, dev):
    doc = profile_yaml("names", app={"My_App": {"deploymentFile": "cam/deploy.yaml"},
                                     "my-app": {"deploymentFile": "ai/deploy.yaml"},
                                     "x": {"deploymentFile": "cam/deploy.yaml"}})
    doc["profile"].update(appList="My_App,my-app,x", seq=None)
    status, pr = send(eg_admin, "post", PROFILES, {"file": ("n.zip", profile_zip(doc))})
    assert status == 200, pr
    status, app = send(dev, "post", f"{PROFILES}/{pr['id']}/create-application", {"iconFile": ("icon.png", PNG)})
    assert status == 200, app
    names = sorted(c["name"] for c in dev.get(f"{APPS}/{app['id']}/helmcharts")[1])
    assert names == ["my-app-2.tgz", "my-app.tgz", "x.tgz"]


def _nothing_created(caller) -> bool:
    from chalicelib.surfaces.edgegallery.service_files import EgUploadFile
    uploads = list(EgUploadFile.gsi1.query(f"EG#USER#{caller.account.account_id}#FILES"))
    return caller.get(f"{APPS}?limit=10&offset=0")[1]["total"] == 0 and uploads == []


@pytest.mark.parametrize("deploy, ret", [
    (DEPLOY.split(b"---")[0], 20038),                                     # no Service
    (b"apiVersion: v1\nkind: Service\nmetadata: {name: s}\n", 20027),     # no container image
    (b"kind: [unclosed", 20029),                                          # not yaml
    (b"\xff\xfe" + DEPLOY, 20029),                                        # not utf-8
    (DEPLOY + b"#" * (1024 * 1024), 20018),                               # above the template limit
])
def test_bad_deployment_file_creates_nothing(eg_admin, dev, deploy, ret):
    status, pr = send(eg_admin, "post", PROFILES, {"file": ("bad.zip", profile_zip(extra={"ai/deploy.yaml": deploy}))})
    assert status == 200, pr
    status, body = send(dev, "post", f"{PROFILES}/{pr['id']}/create-application", {"iconFile": ("icon.png", PNG)})
    assert status == 400 and body["retCode"] == ret, body
    assert _nothing_created(dev)


def test_failure_after_creation_rolls_back(dev, profile, monkeypatch):
    from chalicelib.core.errors import BadRequest
    from chalicelib.surfaces.edgegallery import service_charts, service_scripts

    def refuse(*_a, **_k):
        raise BadRequest("script store refused", code=20018)
    monkeypatch.setattr(service_scripts, "add", refuse)
    status, body = send(dev, "post", f"{PROFILES}/{profile['id']}/create-application", {"iconFile": ("icon.png", PNG)})
    assert status == 400 and body["message"] == "script store refused"
    assert _nothing_created(dev)
    from chalicelib.store.edgegallery import EgApplication
    assert list(service_charts.EgHelmChart.scan()) == [] and list(EgApplication.scan()) == []
