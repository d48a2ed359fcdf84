"""EdgeGallery App-operation (group 24: clean env, ATP tests, release, select host) and ReleasedPackage (27)."""
from __future__ import annotations

import io
import zipfile

import yaml

from chalicelib.surfaces.edgegallery.common import new_uuid
from tests.api.edgegallery.test_packages import content, package_blob, validate_csar, vm_app  # noqa: F401
from tests.api.edgegallery.test_hosts import make_host

APPS = "/mec/developer/v2/applications"
REL = "/mec/developer/v2/released-packages"


def packaged(dev, new_app, content, **fields):  # noqa: F811
    app = vm_app(dev, new_app, content, **fields)
    pkg = dev.post(f"{APPS}/{app['id']}/action/generate-package")[1]
    return app, pkg


def with_atp(dev, new_app, content, **fields):  # noqa: F811
    """An application with a package and a successful (simulated) ATP task."""
    app, pkg = packaged(dev, new_app, content, **fields)
    assert dev.post(f"{APPS}/{app['id']}/action/atp-tests") == (200, True)
    for _ in range(2):
        dev.get(f"{APPS}/{app['id']}/action/atp-tests")
    return app, pkg


# ---------------------------------------------------------------- 24.2 / 24.3 / 24.5
def test_atp_tests_lifecycle(dev, other_dev, guest, new_app, content):  # noqa: F811
    app, pkg = packaged(dev, new_app, content, name="atp")
    url = f"{APPS}/{app['id']}/action/atp-tests"
    assert dev.get(url) == (200, [])
    assert dev.post(url) == (200, True)
    assert dev.get(f"{APPS}/{app['id']}")[1]["status"] == "TESTED"
    status, tasks = dev.get(url)          # each read refreshes the simulated ATP one step
    assert status == 200 and len(tasks) == 1 and set(tasks[0]) == {"id", "appName", "status", "createTime"}
    assert tasks[0]["appName"] == "atp" and tasks[0]["status"] == "running"
    tid = tasks[0]["id"]
    status, one = dev.get(f"{APPS}/{app['id']}/atpTests/{tid}")
    assert status == 200 and one["id"] == tid and one["status"] == "success"
    assert dev.get(f"{APPS}/{app['id']}/atpTests/{tid}")[1]["status"] == "success"
    assert dev.get(f"{APPS}/{app['id']}")[1]["atpTestTaskList"] == [one]
    assert dev.get(f"{APPS}/{app['id']}/atpTests/{new_uuid()}")[0] == 404
    assert dev.get(f"{APPS}/{app['id']}/atpTests/bad-id")[0] == 400
    assert other_dev.get(url)[0] == 404 and other_dev.post(url)[0] == 404
    assert other_dev.get(f"{APPS}/{app['id']}/atpTests/{tid}")[0] == 404
    assert guest.post(url)[0] == 404
    assert len(dev.get(url)[1]) == 1


def test_atp_test_needs_a_package(dev, new_app):
    app = new_app()
    status, body = dev.post(f"{APPS}/{app['id']}/action/atp-tests")
    assert status == 400 and "package" in body["message"]
    assert dev.get(f"{APPS}/{app['id']}/action/atp-tests") == (200, [])
    assert dev.get(f"{APPS}/{app['id']}")[1]["status"] == "CREATED"


# ---------------------------------------------------------------- 24.1 / 24.7
def test_clean_env_moves_status_back(dev, other_dev, new_app, content):  # noqa: F811
    app, _ = with_atp(dev, new_app, content)
    assert dev.post(f"{APPS}/{app['id']}/action/clean-env") == (200, True)
    assert dev.get(f"{APPS}/{app['id']}")[1]["status"] == "CONFIGURED"
    empty = new_app(appClass="VM")
    assert dev.post(f"{APPS}/{empty['id']}/action/clean-env") == (200, True)
    assert dev.get(f"{APPS}/{empty['id']}")[1]["status"] == "CREATED"
    assert other_dev.post(f"{APPS}/{app['id']}/action/clean-env")[0] == 404
    assert dev.post(f"{APPS}/{new_uuid()}/action/clean-env")[0] == 404


def test_select_mep_host(dev, other_dev, guest, eg_admin, new_app):
    app = new_app()
    host = make_host(eg_admin)
    url = f"{APPS}/{app['id']}/action/sel-mephost"
    assert dev.put(url, {"mepHostId": host["id"]}) == (200, True)
    assert dev.get(f"{APPS}/{app['id']}")[1]["mepHostId"] == host["id"]
    for bad, code in (({}, 400), ({"mepHostId": 5}, 400), ({"mepHostId": "x"}, 400), ([], 400),
                      ({"mepHostId": new_uuid()}, 404)):
        assert dev.put(url, bad)[0] == code, bad
    assert dev.put(url, raw="{oops")[0] == 400
    assert other_dev.put(url, {"mepHostId": host["id"]})[0] == 404
    assert dev.get(f"{APPS}/{app['id']}")[1]["mepHostId"] == host["id"]


# ---------------------------------------------------------------- 24.6
def test_release_requires_package_and_successful_atp(dev, new_app, content):  # noqa: F811
    app = new_app(appClass="VM")
    url = f"{APPS}/{app['id']}/action/release"
    status, body = dev.post(url, {"price": 0, "free": True})
    assert status == 400 and "package" in body["message"]
    app, _ = packaged(dev, new_app, content)
    url = f"{APPS}/{app['id']}/action/release"
    status, body = dev.post(url, {"price": 0, "free": True})
    assert (status, body["message"]) == (400, "atp test status is none, can not be released")
    dev.post(f"{APPS}/{app['id']}/action/atp-tests")
    status, body = dev.post(url, {"price": 0, "free": True})   # the release check reads it: created -> running
    assert (status, body["message"]) == (400, "atp test status is running, can not be released")
    for bad in ({"price": "free"}, {"free": "yes"}, {"price": -1}, [1]):
        assert dev.post(url, bad)[0] == 400, bad
    assert dev.get(f"{APPS}/{app['id']}")[1]["status"] == "TESTED"


def test_release_publishes_and_registers_capabilities(dev, other_dev, guest, eg_admin, new_app, content):  # noqa: F811
    app, pkg = with_atp(dev, new_app, content, name="rel")
    svc = {"oneLevelName": "Video", "oneLevelNameEn": "Video", "twoLevelName": "cam", "description": "camera",
           "apiFileId": new_uuid(), "guideFileId": new_uuid(), "iconFileId": new_uuid(), "serviceName": "cam-svc",
           "internalPort": 8080, "version": "v1", "protocol": "http", "author": "me", "experienceUrl": "",
           "dnsRuleIdList": [], "trafficRuleIdList": []}
    assert dev.post(f"{APPS}/{app['id']}/appconfiguration/serviceproduceds", svc)[0] == 200
    url = f"{APPS}/{app['id']}/action/release"
    assert other_dev.post(url, {"price": 0, "free": True})[0] == 404
    assert dev.post(url, {"price": 9.5, "free": False}) == (200, True)
    assert dev.get(f"{APPS}/{app['id']}")[1]["status"] == "RELEASED"
    caps = dev.get("/mec/developer/v2/capabilities")[1]
    caps = caps.get("results", caps) if isinstance(caps, dict) else caps
    assert any(c["name"] == "cam-svc" and c["appId"] == app["id"] for c in caps), caps
    from chalicelib.surfaces.edgegallery import service_released
    published = service_released.appstore_packages(app["id"])
    assert len(published) == 1 and published[0].price == 9.5 and published[0].free is False
    assert published[0].meta["name"] == "rel"


# ---------------------------------------------------------------- 27.x
def synced(dev, eg_admin, new_app, content, **fields):  # noqa: F811
    app, _ = with_atp(dev, new_app, content, **fields)
    assert dev.post(f"{APPS}/{app['id']}/action/release", {"price": 0, "free": True}) == (200, True)
    assert eg_admin.post(REL, [{"appId": app["id"], "packageId": ""}]) == (200, True)
    rows = eg_admin.get(f"{REL}?limit=10&offset=0")[1]["results"]
    return app, next(r for r in rows if r["appStoreAppId"] == app["id"])


def test_synchronize_list_and_delete(dev, eg_admin, guest, new_app, content):  # noqa: F811
    app, rel = synced(dev, eg_admin, new_app, content, name="syncme")
    assert rel["name"] == "syncme" and rel["version"] == "1.0" and rel["provider"] == "acme"
    assert rel["appPackage"]["id"] == rel["id"] and rel["appPackage"]["appId"] == ""
    assert rel["userId"] == eg_admin.account.account_id and rel["testTaskId"]
    from chalicelib.surfaces.edgegallery import service_released
    store_pkg = service_released.appstore_packages(app["id"])[0].store_package_id
    assert rel["id"] == store_pkg
    # explicit package id, re-sync replaces; name filter and page envelope
    assert eg_admin.post(REL, [{"appId": app["id"], "packageId": store_pkg}]) == (200, True)
    body = eg_admin.get(f"{REL}?name=SYNC&limit=10&offset=0")[1]
    assert body["total"] == 1 and body["limit"] == 10 and body["offset"] == 0
    assert eg_admin.get(f"{REL}?name=zzz&limit=10&offset=0")[1]["total"] == 0
    assert eg_admin.get(f"{REL}?limit=0")[0] == 400
    # errors change nothing
    for bad, code in (({"appId": app["id"]}, 400), ([{"appId": "x"}], 400), ([], 400), ([5], 400),
                      ([{"appId": new_uuid(), "packageId": ""}], 404),
                      ([{"appId": app["id"], "packageId": new_uuid()}], 404)):
        assert eg_admin.post(REL, bad)[0] == code, bad
    assert eg_admin.post(REL, raw="[oops")[0] == 400
    assert dev.post(REL, [{"appId": app["id"]}])[0] == 403
    assert dev.get(f"{REL}?limit=10&offset=0")[0] == 403 and guest.get(REL)[0] == 403
    assert dev.delete(f"{REL}/{rel['id']}")[0] == 403
    assert eg_admin.get(f"{REL}?limit=10&offset=0")[1]["total"] == 1
    assert eg_admin.delete(f"{REL}/{rel['id']}") == (200, True)
    assert eg_admin.delete(f"{REL}/{rel['id']}")[0] == 404
    assert eg_admin.delete(f"{REL}/bad")[0] == 400
    assert eg_admin.get(f"{REL}?limit=10&offset=0")[1]["total"] == 0


def test_released_package_edit_and_release(dev, eg_admin, new_app, content):  # noqa: F811
    app, rel = synced(dev, eg_admin, new_app, content, name="relpkg")
    pid = rel["id"]
    status, tree = eg_admin.get(f"{REL}/{pid}/action/get-pkg-structure")
    assert status == 200 and {n["fileName"] for n in tree} >= {"APPD", "Image", "relpkg_acme_1.0_X86.mf"}
    path = "APPD/Definition/relpkg_acme_1.0_X86.yaml"
    status, body = eg_admin.post(f"{REL}/{pid}/action/get-file-content", {"filePath": path})
    assert status == 200 and "tosca.nodes.nfv.Vdu.Compute" in body["content"]
    doc = yaml.safe_load(body["content"])
    doc["description"] = "edited in the released package"
    text = yaml.safe_dump(doc)
    assert eg_admin.put(f"{REL}/{pid}/action/edit-file-content", {"filePath": path, "content": text}) == (
        200, {"filePath": path, "content": text})
    for bad, code in (({"filePath": "../x", "content": "x"}, 400), ({"filePath": "none", "content": "x"}, 404),
                      ({"filePath": path, "content": None}, 400)):
        assert eg_admin.put(f"{REL}/{pid}/action/edit-file-content", bad)[0] == code, bad
    assert dev.put(f"{REL}/{pid}/action/edit-file-content", {"filePath": path, "content": "x"})[0] == 403
    assert dev.post(f"{REL}/{pid}/action/get-file-content", {"filePath": path})[0] == 403
    assert eg_admin.post(f"{REL}/{new_uuid()}/action/get-file-content", {"filePath": path})[0] == 404
    # the edit was re-zipped at once
    got = validate_csar(package_blob(pid), vm_names=("VM1", "VM2"))
    assert got["appd"]["description"] == "edited in the released package"
    # re-release to the AppStore (icon in Artifacts/Docs)
    assert dev.post(f"{REL}/{pid}/action/release", {"price": 1, "free": False})[0] == 403
    assert eg_admin.post(f"{REL}/{pid}/action/release", {"price": "x"})[0] == 400
    assert eg_admin.post(f"{REL}/{pid}/action/release", {"price": 1, "free": False}) == (200, True)
    from chalicelib import blobs
    from chalicelib.surfaces.edgegallery import service_released
    latest = service_released.appstore_packages(app["id"])[0]
    assert latest.price == 1
    with zipfile.ZipFile(io.BytesIO(blobs.get(latest.blob_key))) as zf:
        assert "Artifacts/Docs/icon.png" in zf.namelist()


def test_released_package_without_icon_cannot_be_released(dev, eg_admin, new_app, content):  # noqa: F811
    from chalicelib.surfaces.edgegallery import service_packages
    _, rel = synced(dev, eg_admin, new_app, content)
    pkg = service_packages.load(rel["id"])
    pkg.files = {k: v for k, v in pkg.files.items() if not k.endswith(".png")}
    service_packages.save(pkg)
    status, body = eg_admin.post(f"{REL}/{rel['id']}/action/release", {"price": 0, "free": True})
    assert status == 400 and "icon" in body["message"]


def test_released_packages_are_synchronized_on_the_schedule(app, eg_admin):
    """27.5 also runs from the periodic handler: AppStore packages published since the last run are copied."""
    import io
    import zipfile as _zip
    from chalice.test import Client
    from chalicelib.identity import accounts
    from chalicelib.surfaces.edgegallery import service_released
    from chalicelib.surfaces.edgegallery.common import new_uuid as _uuid
    buf = io.BytesIO()
    with _zip.ZipFile(buf, "w") as zf:
        zf.writestr("TOSCA-Metadata/TOSCA.meta", "TOSCA-Meta-File-Version: 1.0\n")
        zf.writestr("synced.mf", "metadata:\n  app_product_name: synced\n")
    p = accounts.principal_of(accounts.get_account("admin"))
    service_released.appstore_publish(p, data=b"not a zip", test_task_id="", price=0, free=True,
                                      meta={"name": "broken"}, store_app_id=_uuid())  # skipped, not blocking
    sp = service_released.appstore_publish(p, data=buf.getvalue(), test_task_id="", price=0, free=True,
                                           meta={"name": "synced", "version": "1.0", "provider": "acme"},
                                           store_app_id=_uuid())
    with Client(app) as c:
        event = c.events.generate_cw_event("aws.events", "Scheduled Event", {}, [])
        assert c.lambda_.invoke("on_tick", event).payload["sync_released_packages"] == 1
        assert c.lambda_.invoke("on_tick", event).payload["sync_released_packages"] == 0  # watermark moved on
    listed = eg_admin.get("/mec/developer/v2/released-packages?limit=10&offset=0")[1]
    assert sp.store_package_id in str(listed)
