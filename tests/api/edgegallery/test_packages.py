"""EdgeGallery 24.4 generate-package, AppPackage (group 25) and the CSAR generator itself."""
from __future__ import annotations

import gzip
import hashlib
import importlib.util
import io
import re
import sys
import tarfile
import types
import zipfile

import pytest
import yaml

from chalicelib.surfaces.edgegallery.common import new_uuid

APPS = "/mec/developer/v2/applications"
PKGS = "/mec/developer/v2/apppackages"
EG = "chalicelib.surfaces.edgegallery"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


# ---------------------------------------------------------------- content helpers
def upload_icon(caller) -> str:
    boundary = "xXbOuNdArYx"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"icon.png\"\r\n"
            f"Content-Type: image/png\r\n\r\n").encode() + PNG + f"\r\n--{boundary}--\r\n".encode()
    r = caller.client.http.post("/mec/developer/v2/upload-files?fileType=icon",
                                headers={**caller.headers, "content-type": f"multipart/form-data; boundary={boundary}"},
                                body=body)
    import json
    assert r.status_code == 200, r.body
    return json.loads(r.body)["fileId"]


def chart_tgz(name: str = "demo", image: str = "nginx:1.21") -> bytes:
    files = {f"{name}/Chart.yaml": f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n".encode(),
             f"{name}/values.yaml": b"replicas: 1\n",
             f"{name}/templates/deploy.yaml": (f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n"
                                              f"spec:\n  template:\n    spec:\n      containers:\n"
                                              f"      - name: c\n        image: {image}\n").encode(),
             f"{name}/templates/service.yaml": (f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n"
                                               f"spec:\n  ports:\n  - port: 80\n").encode()}
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tf:
        for path, data in files.items():
            info = tarfile.TarInfo(path)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue())


FLAVOR = "3f1a0000-0000-4000-8000-000000000001"  # a default flavor (flavors.json)


def _real(name: str) -> bool:
    full = f"{EG}.{name}"
    if full in sys.modules:
        return bool(getattr(sys.modules[full], "__file__", None))
    return importlib.util.find_spec(full) is not None


@pytest.fixture
def content(monkeypatch, dev):
    """Give applications VMs / charts: through the VM (12) and Helm chart (26) APIs when those groups are
    present, else through minimal stand-in modules answering ``service_vms.vms`` /
    ``service_charts.chart_files|images_of`` for the generator. VM images use the group 28 API when present."""
    data = {"vms": {}, "charts": {}, "images": {}}
    stubs = {
        "service_vms": {"vms": lambda app: data["vms"].get(app.app_id, [])},
        "service_vmimages": {"get_image": lambda image_id: data["images"].get(image_id)},
        "service_charts": {"chart_files": lambda app: data["charts"].get(app.app_id, []),
                           "images_of": lambda app: [i for _, _, i in data["charts"].get(f"img{app.app_id}", [])]},
    }
    real = {name: _real(name) for name in stubs}
    for name, attrs in stubs.items():
        if real[name]:
            continue
        full = f"{EG}.{name}"
        mod = types.ModuleType(full)
        for k, v in attrs.items():
            setattr(mod, k, v)
        monkeypatch.setitem(sys.modules, full, mod)

    def image() -> int:
        if not real["service_vmimages"]:
            data["images"].setdefault(1, {"id": 1, "name": "ubuntu-18", "osType": "Ubuntu", "osVersion": "18.04",
                                          "osBitType": "64", "imageFormat": "qcow2", "systemDiskSize": 40,
                                          "fileMd5": "abc", "imageSize": 123})
            return 1
        name = f"ubuntu-{new_uuid()[:8]}"
        body = {"name": name, "visibleType": "private", "osType": "Ubuntu", "osVersion": "18.04",
                "osBitType": "64", "systemDiskSize": 40}
        assert dev.post("/mec/developer/v2/vmimages", body) == (200, True)
        listed = dev.post("/mec/developer/v2/vmimages/action/get-list",
                          {"name": name, "queryCtrl": {"offset": 0, "limit": 10}})[1]
        return next(i["id"] for i in listed["imageList"] if i["name"] == name)

    apps_url = "/mec/developer/v2/applications"

    class Content:
        def vm(self, app_id, name="VM1", ports=(("port1", "MEC_APP_N6"), ("port2", "MEC_APP_MP1"))):
            image_id = data.setdefault("image_id", image())
            port_list = [{"name": n, "description": "", "networkName": net} for n, net in ports]
            if not real["service_vms"]:
                data["vms"].setdefault(app_id, []).append(
                    {"id": new_uuid(), "name": name, "flavorId": None, "imageId": image_id, "targetImageId": None,
                     "userData": "#!/bin/bash\necho hi\n", "status": "NOT_DEPLOY",
                     "portList": [dict(p, id=new_uuid()) for p in port_list]})
                return
            have = {n["name"] for n in dev.get(f"{apps_url}/{app_id}/networks")[1]}
            for _, net in ports:
                if net not in have:
                    status, out = dev.post(f"{apps_url}/{app_id}/networks", {"name": net, "description": net})
                    assert status == 200, out
                    have.add(net)
            body = {"name": name, "flavorId": FLAVOR, "imageId": image_id, "userData": "#!/bin/bash\necho hi\n",
                    "vmCertificate": {"certificateType": "PASSWORD",
                                      "pwdCertificate": {"username": "root", "password": "Secret123"}},
                    "portList": port_list}
            status, out = dev.post(f"{apps_url}/{app_id}/vms", body)
            assert status == 200, out

        def chart(self, app_id, filename="demo.tgz", tgz=None, image="nginx:1.21"):
            blob = tgz or chart_tgz(filename[:-4], image)
            if not real["service_charts"]:
                data["charts"].setdefault(app_id, []).append((filename, blob))
                data["charts"].setdefault(f"img{app_id}", []).append((filename, None, image))
                return
            boundary = "pkgTestBoundary"
            raw = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
                   "Content-Type: application/gzip\r\n\r\n").encode() + blob + f"\r\n--{boundary}--\r\n".encode()
            r = dev.client.http.post(f"{apps_url}/{app_id}/helmcharts", body=raw, headers={
                **dev.headers, "content-type": f"multipart/form-data; boundary={boundary}"})
            assert r.status_code == 200, r.body
    return Content()


def validate_csar(blob: bytes, vm_names=(), charts=()) -> dict:
    """Open a .csar and check its structure; returns {path: bytes} of the zip."""
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        files = {i.filename: zf.read(i) for i in zf.infolist()}
    meta = files["TOSCA-Metadata/TOSCA.meta"].decode()
    entry = re.search(r"^Entry-Definitions: (.+)$", meta, re.M).group(1)
    assert entry in files, entry
    base = entry[len("APPD/"):-len(".zip")]
    mf = files[f"{base}.mf"].decode()
    assert mf.startswith("metadata:\napp_product_name: ")
    triples = re.findall(r"Source: (.+)\nAlgorithm: SHA-256\nHash: ([0-9a-f]{64})", mf)
    assert {s for s, _ in triples} == set(files) - {f"{base}.mf", "TOSCA-Metadata/TOSCA.meta"}
    for source, digest in triples:
        assert hashlib.sha256(files[source]).hexdigest() == digest, source
    with zipfile.ZipFile(io.BytesIO(files[entry])) as appd:
        inner = {i.filename: appd.read(i) for i in appd.infolist()}
    vnfd = inner["TOSCA_VNFD.meta"].decode()
    definition = re.search(r"Entry-Definitions: (.+)", vnfd).group(1).strip()
    doc = yaml.safe_load(inner[definition])
    assert doc["tosca_definitions_version"] == "tosca_simple_profile_yaml_1_2"
    assert all(f"Definition/{imp}" in inner for imp in doc["imports"])
    nodes = doc["topology_template"]["node_templates"]
    computes = {n["properties"]["name"] for n in nodes.values() if n["type"] == "tosca.nodes.nfv.Vdu.Compute"}
    assert computes == set(vm_names)
    assert nodes["app_configuration"]["type"] == "tosca.nodes.nfv.app.configuration"
    assert isinstance(yaml.safe_load(files["Image/SwImageDesc.json"]), list)
    assert any(p.startswith("Artifacts/Docs/") for p in files)
    for chart in charts:
        tgz = files[f"Artifacts/Deployment/Charts/{chart}.tgz"]
        with tarfile.open(fileobj=io.BytesIO(tgz), mode="r:gz") as tf:
            assert f"{chart}/Chart.yaml" in tf.getnames()
    return {"files": files, "appd": doc, "base": base}


def vm_app(dev, new_app, content, **fields):
    app = new_app(appClass="VM", iconFileId=upload_icon(dev), **fields)
    content.vm(app["id"], "VM1")
    content.vm(app["id"], "VM2", ports=(("p1", "MEC_APP_Private"),))
    return app


def package_blob(pkg_id: str) -> bytes:
    from chalicelib.surfaces.edgegallery import service_packages
    return service_packages.csar_bytes(service_packages.load(pkg_id))


# ---------------------------------------------------------------- 24.4
def test_generate_vm_package_is_a_valid_csar(dev, new_app, content):
    app = vm_app(dev, new_app, content, name="cam", provider="acme", version="1.0", architecture="ARM64")
    status, pkg = dev.post(f"{APPS}/{app['id']}/action/generate-package")
    assert status == 200 and set(pkg) == {"id", "appId", "packageFileName", "packageFilePath"}, pkg
    assert pkg["appId"] == app["id"] and pkg["packageFileName"] == f"{pkg['id']}.csar"
    got = validate_csar(package_blob(pkg["id"]), vm_names=("VM1", "VM2"))
    assert got["base"] == "cam_acme_1.0_ARM64"
    nodes = got["appd"]["topology_template"]["node_templates"]
    assert nodes["VM1_port1"]["type"] == "tosca.nodes.nfv.VduCp"
    assert {n for n, v in nodes.items() if v["type"] == "tosca.nodes.nfv.VnfVirtualLink"} >= {
        "MEC_APP_N6", "MEC_APP_MP1", "MEC_APP_Private"}
    images = yaml.safe_load(got["files"]["Image/SwImageDesc.json"])
    assert len(images) == 1 and images[0]["architecture"] == "aarch64" and images[0]["diskFormat"] == "qcow2"
    assert "Artifacts/Docs/icon.png" in got["files"]
    # the application shows its package; regenerating keeps the id
    assert dev.get(f"{APPS}/{app['id']}")[1]["appPackage"] == pkg
    assert dev.post(f"{APPS}/{app['id']}/action/generate-package")[1]["id"] == pkg["id"]


def test_generate_container_package_and_operation(dev, new_app, content, drain):
    app = new_app(appClass="CONTAINER", name="web")
    content.chart(app["id"], "demo.tgz")
    status, pkg = dev.post(f"{APPS}/{app['id']}/action/generate-package")
    assert status == 200, pkg
    got = validate_csar(package_blob(pkg["id"]), charts=("demo",))
    assert yaml.safe_load(got["files"]["Image/SwImageDesc.json"])[0]["swImage"] == "nginx:1.21"
    assert "app_class: container" in got["files"][f"{got['base']}.mf"].decode()
    from chalicelib.store.edgegallery import EgOperation
    drain(lambda: any(o.status == "SUCCESS" for o in EgOperation.gsi1.query(
        f"EG#USER#{dev.account.account_id}#OPS")), timeout=30)
    ops = [o for o in EgOperation.gsi1.query(f"EG#USER#{dev.account.account_id}#OPS")]
    assert ops[0].object_type == "APPLICATION_PACKAGE" and ops[0].object_id == pkg["id"]
    status, op = dev.get(f"/mec/developer/v2/operations/{ops[0].op_id}")
    assert op["status"] == "SUCCESS" and op["progress"] == 100


def test_large_application_is_generated_by_the_job(dev, new_app, content, drain, monkeypatch):
    from chalicelib.surfaces.edgegallery import service_packages
    monkeypatch.setattr(service_packages, "SYNC_LIMIT", 0)
    app = new_app(appClass="CONTAINER", name="big")
    content.chart(app["id"], "demo.tgz")
    status, pkg = dev.post(f"{APPS}/{app['id']}/action/generate-package")
    assert status == 200 and pkg["packageFileName"] == f"{pkg['id']}.csar"
    assert service_packages.load(pkg["id"]).status == "GENERATING"
    assert dev.post(f"{APPS}/{app['id']}/action/atp-tests")[0] == 400      # not ready yet
    drain(lambda: service_packages.load(pkg["id"]).status == "READY", timeout=30)
    validate_csar(package_blob(pkg["id"]), charts=("demo",))


def test_generate_requires_vms_or_charts_and_access(dev, other_dev, guest, new_app, content):
    vm = new_app(appClass="VM")
    status, body = dev.post(f"{APPS}/{vm['id']}/action/generate-package")
    assert status == 400 and body["message"] == "does not config vm info"
    box = new_app(appClass="CONTAINER")
    status, body = dev.post(f"{APPS}/{box['id']}/action/generate-package")
    assert status == 400 and body["message"] == "does not upload any yaml"
    assert dev.get(f"{APPS}/{vm['id']}")[1]["appPackage"] is None
    content.vm(vm["id"])
    assert other_dev.post(f"{APPS}/{vm['id']}/action/generate-package")[0] == 404
    assert guest.post(f"{APPS}/{vm['id']}/action/generate-package")[0] == 404
    assert dev.post(f"{APPS}/not-a-uuid/action/generate-package")[0] == 400
    assert dev.post(f"{APPS}/{new_uuid()}/action/generate-package")[0] == 404
    assert dev.get(f"{APPS}/{vm['id']}")[1]["appPackage"] is None


def test_bad_chart_archive_is_refused(dev, new_app, content):
    app = new_app(appClass="CONTAINER")
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as tf:
        info = tarfile.TarInfo("../escape.yaml")
        info.size = 1
        tf.addfile(info, io.BytesIO(b"x"))
    if _real("service_charts"):  # the chart API refuses the archive at upload already
        boundary = "b"
        data = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"evil.tgz\"\r\n\r\n"
                ).encode() + raw.getvalue() + f"\r\n--{boundary}--\r\n".encode()
        r = dev.client.http.post(f"{APPS}/{app['id']}/helmcharts", body=data, headers={
            **dev.headers, "content-type": f"multipart/form-data; boundary={boundary}"})
        assert r.status_code == 400
        status, body = dev.post(f"{APPS}/{app['id']}/action/generate-package")
        assert status == 400 and body["message"] == "does not upload any yaml"
        return
    content.chart(app["id"], "evil.tgz", tgz=raw.getvalue())
    status, body = dev.post(f"{APPS}/{app['id']}/action/generate-package")
    assert status == 400 and body["retCode"] == 20030


def test_build_for_the_bench(dev, new_app, content):
    from chalicelib.store.edgegallery import EgApplication, app_pk
    from chalicelib.surfaces.edgegallery import csar
    app = vm_app(dev, new_app, content)
    blob = csar.build(EgApplication.get(app_pk(app["id"]), "A"))
    validate_csar(blob, vm_names=("VM1", "VM2"))
    assert csar.unpack(blob)  # round trip: the tree of a csar packs to an equivalent csar
    validate_csar(csar.pack(csar.unpack(blob)), vm_names=("VM1", "VM2"))


# ---------------------------------------------------------------- 25.x
def _generated(dev, new_app, content):
    app = vm_app(dev, new_app, content, name="edit")
    pkg = dev.post(f"{APPS}/{app['id']}/action/generate-package")[1]
    return app, pkg


def test_get_structure_and_file_content(dev, other_dev, eg_admin, new_app, content):
    app, pkg = _generated(dev, new_app, content)
    assert dev.get(f"{PKGS}/{pkg['id']}") == (200, pkg)
    assert eg_admin.get(f"{PKGS}/{pkg['id']}")[0] == 200
    status, tree = dev.get(f"{PKGS}/{pkg['id']}/action/get-pkg-structure")
    assert status == 200 and isinstance(tree, list)
    by_name = {n["fileName"]: n for n in tree}
    assert set(by_name) >= {"APPD", "Artifacts", "Image", "TOSCA-Metadata", "edit_acme_1.0_X86.mf"}
    appd = by_name["APPD"]
    assert appd["file"] is False and appd["filePath"] == "APPD"
    definition = next(c for c in appd["children"] if c["fileName"] == "Definition")
    yaml_node = next(c for c in definition["children"] if c["fileName"] == "edit_acme_1.0_X86.yaml")
    assert yaml_node["file"] is True and yaml_node["filePath"] == "APPD/Definition/edit_acme_1.0_X86.yaml"
    assert "Vdu.Compute" in yaml_node["content"] and yaml_node["children"] == []
    status, body = dev.post(f"{PKGS}/{pkg['id']}/action/get-file-content", {"filePath": "TOSCA-Metadata/TOSCA.meta"})
    assert status == 200 and body["filePath"] == "TOSCA-Metadata/TOSCA.meta"
    assert "Entry-Definitions: APPD/edit_acme_1.0_X86.zip" in body["content"]
    for bad, code in (({"filePath": "../../etc/passwd"}, 400), ({"filePath": "/etc/passwd"}, 400),
                      ({"filePath": "APPD/../x"}, 400), ({}, 400), ({"filePath": 3}, 400),
                      ({"filePath": "nope.txt"}, 404), ({"filePath": "Artifacts/Docs/icon.png"}, 400)):
        status, body = dev.post(f"{PKGS}/{pkg['id']}/action/get-file-content", bad)
        assert status == code, (bad, body)
    assert dev.post(f"{PKGS}/{pkg['id']}/action/get-file-content", raw="{x")[0] == 400
    assert other_dev.get(f"{PKGS}/{pkg['id']}")[0] == 404
    assert other_dev.get(f"{PKGS}/{pkg['id']}/action/get-pkg-structure")[0] == 404
    assert dev.get(f"{PKGS}/{new_uuid()}")[0] == 404
    assert dev.get(f"{PKGS}/NOT-A-UUID")[0] == 400


def test_update_file_then_zip_package(dev, other_dev, guest, new_app, content):
    app, pkg = _generated(dev, new_app, content)
    path = "APPD/Definition/edit_acme_1.0_X86.yaml"
    doc = yaml.safe_load(dev.post(f"{PKGS}/{pkg['id']}/action/get-file-content", {"filePath": path})[1]["content"])
    doc["metadata"]["template_author"] = "someone-else"
    new_text = yaml.safe_dump(doc)
    status, body = dev.put(f"{PKGS}/{pkg['id']}/action/update-file-content", {"filePath": path, "content": new_text})
    assert (status, body) == (200, {"filePath": path, "content": new_text})
    assert dev.post(f"{PKGS}/{pkg['id']}/action/get-file-content", {"filePath": path})[1]["content"] == new_text
    # refused edits change nothing
    for bad, code in (({"filePath": "new.txt", "content": "x"}, 404), ({"filePath": "../x", "content": "x"}, 400),
                      ({"filePath": path, "content": 5}, 400), ({"filePath": path}, 400),
                      ({"filePath": "Artifacts/Docs/icon.png", "content": "x"}, 400),
                      ({"filePath": path, "content": "x" * (5 * 1024 * 1024 + 1)}, 400)):
        status, _ = dev.put(f"{PKGS}/{pkg['id']}/action/update-file-content", bad)
        assert status == code, bad
    assert other_dev.put(f"{PKGS}/{pkg['id']}/action/update-file-content", {"filePath": path, "content": "x"})[0] == 404
    assert guest.put(f"{PKGS}/{pkg['id']}/action/update-file-content", {"filePath": path, "content": "x"})[0] == 404
    assert other_dev.post(f"{PKGS}/{pkg['id']}/action/zip-package")[0] == 404
    assert dev.post(f"{PKGS}/{pkg['id']}/action/get-file-content", {"filePath": path})[1]["content"] == new_text
    # zip: the csar holds the edit, hashes recomputed, application PACKAGED
    status, body = dev.post(f"{PKGS}/{pkg['id']}/action/zip-package")
    assert (status, body) == (200, pkg)
    got = validate_csar(package_blob(pkg["id"]), vm_names=("VM1", "VM2"))
    assert got["appd"]["metadata"]["template_author"] == "someone-else"
    assert dev.get(f"{APPS}/{app['id']}")[1]["status"] == "PACKAGED"


def test_package_deleted_with_the_application(dev, new_app, content):
    from chalicelib import blobs
    from chalicelib.core.errors import NotFound
    from chalicelib.surfaces.edgegallery import service_packages
    app, pkg = _generated(dev, new_app, content)
    key = service_packages.csar_key(service_packages.load(pkg["id"]))
    assert dev.delete(f"{APPS}/{app['id']}") == (200, True)
    assert dev.get(f"{PKGS}/{pkg['id']}")[0] == 404
    with pytest.raises(NotFound):
        blobs.get(key)


# ---------------------------------------------------------------- scripts (10.1) in the package
def upload_script(caller, app_id: str, name: str, data: bytes) -> dict:
    boundary = "scriptBoundary"
    raw = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
           "Content-Type: application/x-sh\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    r = caller.client.http.post(f"{APPS}/{app_id}/scripts", body=raw, headers={
        **caller.headers, "content-type": f"multipart/form-data; boundary={boundary}"})
    assert r.status_code == 200, r.body
    import json
    return json.loads(r.body)


@pytest.mark.parametrize("app_class", ["CONTAINER", "VM"])
def test_scripts_go_to_artifacts_deployment_scripts(dev, new_app, content, app_class):
    if app_class == "VM":
        app = vm_app(dev, new_app, content)
    else:
        app = new_app(appClass="CONTAINER")
        content.chart(app["id"], "demo.tgz")
    upload_script(dev, app["id"], "init.sh", b"#!/bin/sh\necho one\n")
    upload_script(dev, app["id"], "init.sh", b"#!/bin/sh\necho two\n")  # same name: kept as init-2.sh
    upload_script(dev, app["id"], "start.SH", b"#!/bin/sh\necho start\n")
    status, pkg = dev.post(f"{APPS}/{app['id']}/action/generate-package")
    assert status == 200, pkg
    vms = ("VM1", "VM2") if app_class == "VM" else ()
    got = validate_csar(package_blob(pkg["id"]), vm_names=vms, charts=() if vms else ("demo",))  # hashes checked
    scripts = {p: d for p, d in got["files"].items() if p.startswith("Artifacts/Deployment/Scripts/")}
    assert scripts == {"Artifacts/Deployment/Scripts/init.sh": b"#!/bin/sh\necho one\n",
                       "Artifacts/Deployment/Scripts/init-2.sh": b"#!/bin/sh\necho two\n",
                       "Artifacts/Deployment/Scripts/start.SH": b"#!/bin/sh\necho start\n"}
    # the editor shows them and a re-zip keeps them
    status, body = dev.post(f"{PKGS}/{pkg['id']}/action/get-file-content",
                            {"filePath": "Artifacts/Deployment/Scripts/init-2.sh"})
    assert status == 200 and body["content"] == "#!/bin/sh\necho two\n"
    assert dev.post(f"{PKGS}/{pkg['id']}/action/zip-package")[0] == 200
    again = validate_csar(package_blob(pkg["id"]), vm_names=vms, charts=() if vms else ("demo",))
    assert {p for p in again["files"] if p.startswith("Artifacts/Deployment/Scripts/")} == set(scripts)


def test_scripts_count_towards_the_sync_limit(dev, new_app, content, monkeypatch, drain):
    from chalicelib.surfaces.edgegallery import service_packages
    app = new_app(appClass="CONTAINER")
    content.chart(app["id"], "demo.tgz")
    charts_only = sum(len(d) for _, d in service_packages.csar.charts_of(service_packages.apps.load(app["id"])))
    monkeypatch.setattr(service_packages, "SYNC_LIMIT", charts_only)
    upload_script(dev, app["id"], "init.sh", b"#!/bin/sh\necho one\n")
    pkg = dev.post(f"{APPS}/{app['id']}/action/generate-package")[1]
    assert service_packages.load(pkg["id"]).status == "GENERATING"
    drain(lambda: service_packages.load(pkg["id"]).status == "READY", timeout=30)
    assert "Artifacts/Deployment/Scripts/init.sh" in validate_csar(package_blob(pkg["id"]), charts=("demo",))["files"]


# ---------------------------------------------------------------- download (edgeplane extension)
def follow(location: str):
    """GET a presigned URL (moto intercepts it in-process)."""
    import requests
    return requests.get(location, timeout=10)


def test_download_redirects_to_a_presigned_url(dev, eg_admin, new_app, content):
    app = new_app(appClass="CONTAINER", name="web-cam")
    content.chart(app["id"], "demo.tgz")
    pkg = dev.post(f"{APPS}/{app['id']}/action/generate-package")[1]
    r = dev.client.http.get(f"{PKGS}/{pkg['id']}/action/download", headers={**dev.headers, "accept": "*/*"})
    assert r.status_code == 302 and not r.body, r.body
    location = r.headers["Location"]
    assert f"/{pkg['id']}/{pkg['id']}.csar?" in location and "Signature=" in location
    got = follow(location)
    assert got.status_code == 200 and got.content == package_blob(pkg["id"])
    assert got.headers["Content-Disposition"] == 'attachment; filename="web-cam.csar"'
    validate_csar(got.content, charts=("demo",))
    # an administrator may download it too
    assert eg_admin.client.http.get(f"{PKGS}/{pkg['id']}/action/download", headers=eg_admin.headers).status_code == 302


def test_download_checks_access_and_readiness(dev, other_dev, guest, new_app, content, monkeypatch, drain):
    from chalicelib.surfaces.edgegallery import service_packages
    monkeypatch.setattr(service_packages, "SYNC_LIMIT", 0)
    app = new_app(appClass="CONTAINER")
    content.chart(app["id"], "demo.tgz")
    pkg = dev.post(f"{APPS}/{app['id']}/action/generate-package")[1]
    url = f"{PKGS}/{pkg['id']}/action/download"
    status, body = dev.get(url)
    assert status == 409 and body["code"] == 409 and "generating" in body["message"], body
    drain(lambda: service_packages.load(pkg["id"]).status == "READY", timeout=30)
    assert dev.client.http.get(url, headers=dev.headers).status_code == 302
    for caller in (other_dev, guest):
        status, body = caller.get(url)
        assert status == 404 and body["retCode"] == 20007
    assert dev.get(f"{PKGS}/{new_uuid()}/action/download")[0] == 404
    status, body = dev.get(f"{PKGS}/not-a-uuid/action/download")
    assert status == 400 and set(body) >= {"timestamp", "code", "error", "message", "path", "retCode"}
    assert dev.client.http.get(url).status_code == 401  # no token
