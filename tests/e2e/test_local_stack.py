"""End to end over real HTTP: `python -m infra.local` on free ports, driven with `requests`.

Logs in, creates a business and a user, uploads a chart, creates an app, deploys it (with audit),
polls until success, upgrades, rolls back and deletes it.
"""
from __future__ import annotations

import io
import tarfile
import time

import pytest
import requests

from tests.e2e.conftest import ADMIN_PASSWORD  # the session-wide ``stack`` fixture lives there too


def chart() -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for path, data in {"camera/Chart.yaml": b"apiVersion: v2\nname: camera\nversion: 0.1.0\n",
                           "camera/values.yaml": b"replicaCount: 1\n"}.items():
            info = tarfile.TarInfo(path)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def ok(resp, status=200):
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["code"] == 200 or status != 200, body
    return body


def wait_for(session, url, deploy_id, statuses, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        d = ok(session.get(f"{url}/v1/deploy/id/{deploy_id}"))["data"]
        if d["status"] in statuses:
            return d
        time.sleep(0.2)
    pytest.fail(f"deployment {deploy_id} did not reach {statuses}: {d}")


def test_full_lifecycle_over_http(stack):
    url = stack
    assert requests.get(f"{url}/edgeplane/v1/health", timeout=10).json()["status"] == "ok"
    admin = requests.Session()
    token = ok(admin.post(f"{url}/v1/authorization", json={"user": "admin", "password": ADMIN_PASSWORD}))["token"]
    admin.headers["Authorization"] = token

    # a business administrator registers, is approved, applies for a business, which is approved
    ok(requests.post(f"{url}/v1/user", json={"user": "ops", "password": "OpsPassw0rd", "phone": "13811112222",
                                             "isAdmin": True, "realName": "Ops Lead"}))
    users = ok(admin.get(f"{url}/v1/admin/user", params={"pageSize": 0}))["data"]
    ops_id = next(u["id"] for u in users if u["user"] == "ops")
    ok(admin.put(f"{url}/v1/admin/user/{ops_id}", json={"status": 1}))
    ops = requests.Session()
    ops.headers["Authorization"] = ok(ops.post(f"{url}/v1/authorization",
                                               json={"user": "ops", "password": "OpsPassw0rd"}))["token"]
    ok(ops.post(f"{url}/v1/business", json={"name": "city-video", "introduce": "cameras", "objective": "security",
                                            "scale": "3 clusters"}))
    biz = ok(admin.get(f"{url}/v1/business", params={"name": "city-video"}))["data"][0]
    ok(admin.put(f"{url}/v1/business/id/{biz['id']}", json={"status": 1, "comment": "approved"}))
    assert ok(ops.get(f"{url}/v1/authorization"))["data"]["role"] == 3

    # the administrator creates a general user in the business
    ok(ops.post(f"{url}/v1/admin/user", json={"user": "dev", "password": "DevPassw0rd", "phone": "13833334444",
                                              "isAdmin": False, "realName": "Dev"}))
    dev = requests.Session()
    dev.headers["Authorization"] = ok(dev.post(f"{url}/v1/authorization",
                                               json={"user": "dev", "password": "DevPassw0rd"}))["token"]
    assert ok(dev.get(f"{url}/v1/authorization"))["data"]["role"] == 2

    # a chart upload (multipart) and an image application with two versions
    uploaded = ok(dev.post(f"{url}/v1/app/chart", data={"appName": "camera", "version": "0.1"},
                           files={"chart": ("camera-0.1.0.tgz", chart(), "application/gzip")}))["data"]
    assert uploaded["chart"]["name"] == "camera"
    app = {"appName": "web", "deployType": "deployment", "image": "library/nginx:1.25", "version": "1.0",
           "port": [{"port": 80, "hostPort": 0}], "replicas": 2, "minReplicas": 1, "maxReplicas": 3, "minCPU": 10,
           "maxCPU": 100, "isHPA": False, "targetCPUUtilization": 80, "targetMemUtilization": 80, "minMemory": 64,
           "maxMemory": 256, "maxUnavailable": 0, "maxSurge": 1, "minReadySeconds": 5}
    v1 = ok(dev.post(f"{url}/v1/app", json=app))["data"]["version"]
    v2 = ok(dev.post(f"{url}/v1/app", json=app))["data"]["version"]
    assert ok(dev.get(f"{url}/v1/app"))["total"] == 3

    # deploy: the general user's request waits for the administrator's audit
    created = ok(dev.post(f"{url}/v1/deploy", json={"deployName": "web", "appName": "web", "version": v1,
                                                    "cluster": "all", "nodeLabel": "all", "comment": "go live"}))
    deploy_id = created["data"]["id"]
    assert ok(dev.get(f"{url}/v1/deploy/id/{deploy_id}"))["data"]["status"] == 0
    audit_id = ok(ops.get(f"{url}/v1/admin/deploy"))["data"][0]["id"]
    ok(ops.put(f"{url}/v1/admin/deploy", json={"id": audit_id, "status": 1, "comment": "ok"}))
    d = wait_for(dev, url, deploy_id, {5, 6, 7, 8})
    assert d["status"] == 5 and d["running"] is True and d["version"] == v1

    # upgrade and roll back (the administrator's operations run without audit)
    ok(ops.post(f"{url}/v1/deploy/id/{deploy_id}", json={"version": v2, "comment": "upgrade"}))
    d = wait_for(ops, url, deploy_id, {5, 6, 7, 8})
    assert (d["status"], d["deployType"], d["version"]) == (5, 2, v2)
    ok(ops.put(f"{url}/v1/deploy/id/{deploy_id}", json={"version": v1, "comment": "roll back"}))
    d = wait_for(ops, url, deploy_id, {5, 6, 7, 8})
    assert (d["status"], d["deployType"], d["version"]) == (5, 3, v1)

    # delete
    ok(ops.delete(f"{url}/v1/deploy/id/{deploy_id}"))
    d = wait_for(ops, url, deploy_id, {9, 7, 8})
    assert d["status"] == 9 and d["running"] is False

    # the jobs and the audit trail are visible to the administrator through edgeplane's API
    ep = requests.Session()
    ep.headers["Authorization"] = "Bearer " + ep.post(f"{url}/edgeplane/v1/login", json={
        "username": "admin", "password": ADMIN_PASSWORD}).json()["token"]
    job_list = ep.get(f"{url}/edgeplane/v1/jobs").json()["jobs"]
    assert {j["kind"] for j in job_list} >= {"otestack.deploy", "otestack.namespace"}
    assert all(j["status"] == "SUCCEEDED" for j in job_list)
    events = ep.get(f"{url}/edgeplane/v1/audit", params={"limit": 200}).json()["events"]
    assert {"create_deploy", "audit_deploy", "upgrade_deploy", "rollback_deploy", "delete_deploy"} <= \
        {e["action"] for e in events}


def wait_for_image(session, base, image_id, timeout=60):
    """Merging is a job: the container image is usable once its record says UPLOAD_SUCCEED."""
    deadline, seen = time.time() + timeout, None
    while time.time() < deadline:
        page = session.post(f"{base}/containerimages/action/get-all-images", json={"limit": 100, "offset": 0})
        assert page.status_code == 200, page.text
        seen = next((i for i in page.json()["results"] if i["imageId"] == image_id), None)
        if seen and seen["imageStatus"] == "UPLOAD_SUCCEED":
            return seen
        assert not seen or seen["imageStatus"] != "UPLOAD_FAILED", seen
        time.sleep(0.5)
    pytest.fail(f"container image {image_id} not UPLOAD_SUCCEED after {timeout} s: {seen}")


def check_csar(blob: bytes, charts=(), scripts=None) -> None:
    """Open a downloaded .csar: TOSCA.meta's entry, manifest hashes of every other file, APPD, charts, scripts."""
    import hashlib
    import re
    import zipfile
    import yaml
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        files = {i.filename: zf.read(i) for i in zf.infolist()}
    meta = files["TOSCA-Metadata/TOSCA.meta"].decode()
    entry = re.search(r"^Entry-Definitions: (.+)$", meta, re.M).group(1)
    base = entry[len("APPD/"):-len(".zip")]
    triples = re.findall(r"Source: (.+)\nAlgorithm: SHA-256\nHash: ([0-9a-f]{64})", files[f"{base}.mf"].decode())
    assert {p for p, _ in triples} == set(files) - {f"{base}.mf", "TOSCA-Metadata/TOSCA.meta"}
    assert all(hashlib.sha256(files[p]).hexdigest() == h for p, h in triples)
    with zipfile.ZipFile(io.BytesIO(files[entry])) as appd:
        inner = {i.filename: appd.read(i) for i in appd.infolist()}
    definition = re.search(r"Entry-Definitions: (.+)", inner["TOSCA_VNFD.meta"].decode()).group(1).strip()
    doc = yaml.safe_load(inner[definition])
    assert doc["tosca_definitions_version"] == "tosca_simple_profile_yaml_1_2"
    assert "app_configuration" in doc["topology_template"]["node_templates"]
    for chart_name in charts:
        with tarfile.open(fileobj=io.BytesIO(files[f"Artifacts/Deployment/Charts/{chart_name}.tgz"])) as tf:
            assert f"{chart_name}/Chart.yaml" in tf.getnames()
    for name, data in (scripts or {}).items():
        assert files[f"Artifacts/Deployment/Scripts/{name}"] == data


def test_edgegallery_application_over_http(stack):
    """Upload an icon, create an application, add a container image by chunked upload (polled until
    registered), upload a chart and a script, generate the package, read it back and download it (302 to a
    presigned S3 URL), instantiate it, poll the operation to success."""
    import json
    import uuid
    url, eg = stack, "/mec/developer/v2"
    s = requests.Session()
    login = s.post(f"{url}/edgeplane/v1/login", json={"username": "admin", "password": ADMIN_PASSWORD}).json()
    s.headers["access_token"] = login["token"]
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    icon = s.post(f"{url}{eg}/upload-files", params={"fileType": "icon"}, files={"file": ("icon.png", png, "image/png")})
    assert icon.status_code == 200, icon.text
    app = s.post(f"{url}{eg}/applications/", json={
        "name": "camera", "version": "1.0", "provider": "acme", "appClass": "CONTAINER", "architecture": "X86",
        "description": "edge camera", "iconFileId": icon.json()["fileId"], "type": "Video Application",
        "industry": "Smart Park"})
    assert app.status_code == 200, app.text
    app_id = app.json()["id"]

    # a container image in three chunks (simple-uploader fields), then merged
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for name, data in {"manifest.json": json.dumps([{"Config": "c.json", "RepoTags": ["camera:1.0"],
                                                         "Layers": ["l/layer.tar"]}]).encode(),
                           "c.json": b"{}", "l/layer.tar": b"\x00" * 30000}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    image, image_id, guid = buf.getvalue(), str(uuid.uuid4()), "e2e-guid"
    k = len(image) // 3
    for n, part in enumerate([image[:k], image[k:2 * k], image[2 * k:]], 1):
        r = s.post(f"{url}{eg}/containerimages/{image_id}/action/upload", data={
            "chunkNumber": n, "chunkSize": len(part), "currentChunkSize": len(part), "totalSize": len(image),
            "identifier": guid, "filename": "camera.tar", "totalChunks": 3}, files={"file": ("camera.tar", part)})
        assert r.status_code == 200, r.text
    merged = s.get(f"{url}{eg}/containerimages/{image_id}/action/merge", params={"fileName": "camera.tar", "guid": guid})
    assert merged.status_code == 200, merged.text
    image_record = wait_for_image(s, f"{url}{eg}", image_id)
    assert image_record["imageName"] == "camera" and image_record["imageVersion"] == "1.0", image_record

    # a chart deploying that image
    deploy = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: camera\nspec:\n  template:\n    spec:\n"
              "      containers:\n      - name: camera\n        image: camera:1.0\n")
    service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: camera\nspec:\n  ports:\n  - port: 80\n"
    cbuf = io.BytesIO()
    with tarfile.open(fileobj=cbuf, mode="w:gz") as tf:
        for name, data in {"camera/Chart.yaml": "apiVersion: v2\nname: camera\nversion: 0.1.0\n",
                           "camera/values.yaml": "replicas: 1\n", "camera/templates/deploy.yaml": deploy,
                           "camera/templates/service.yaml": service}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data.encode())
            tf.addfile(info, io.BytesIO(data.encode()))
    chart_resp = s.post(f"{url}{eg}/applications/{app_id}/helmcharts",
                        files={"file": ("camera.tgz", cbuf.getvalue(), "application/gzip")})
    assert chart_resp.status_code == 200, chart_resp.text

    # a script for the package's Artifacts/Deployment/Scripts/
    script = b"#!/bin/sh\necho camera ready\n"
    r = s.post(f"{url}{eg}/applications/{app_id}/scripts", files={"file": ("setup.sh", script, "application/x-sh")})
    assert r.status_code == 200, r.text

    # generate the package and check its structure
    pkg = s.post(f"{url}{eg}/applications/{app_id}/action/generate-package")
    assert pkg.status_code == 200, pkg.text
    pkg_id = pkg.json()["id"]
    tree = s.get(f"{url}{eg}/apppackages/{pkg_id}/action/get-pkg-structure").json()
    paths = []

    def walk(nodes):
        for node in nodes:
            paths.append(node["filePath"])
            walk(node.get("children") or [])
    walk(tree)
    assert "TOSCA-Metadata/TOSCA.meta" in paths and any(p.endswith(".mf") for p in paths), paths
    assert any(p.startswith("Artifacts/Deployment/Charts/") for p in paths), paths
    meta = s.post(f"{url}{eg}/apppackages/{pkg_id}/action/get-file-content",
                  params={"filePath": "TOSCA-Metadata/TOSCA.meta"}, json={"filePath": "TOSCA-Metadata/TOSCA.meta"})
    assert meta.status_code == 200 and "Entry-Definitions" in meta.text, meta.text

    # download it: a 302 to a presigned URL of the local S3, fetched with a plain GET (no token)
    redirect = s.get(f"{url}{eg}/apppackages/{pkg_id}/action/download", allow_redirects=False)
    assert redirect.status_code == 302, redirect.text
    blob = requests.get(redirect.headers["Location"], timeout=30)
    assert blob.status_code == 200, blob.text
    assert blob.headers["Content-Disposition"] == 'attachment; filename="camera.csar"'
    check_csar(blob.content, charts=("camera",), scripts={"setup.sh": script})

    # instantiate and poll the operation until it succeeds
    launch = s.post(f"{url}{eg}/applications/{app_id}/containers/action/launch")
    assert launch.status_code == 200, launch.text
    op_id = launch.json()["operationId"]
    deadline = time.time() + 60
    while time.time() < deadline:
        op = s.get(f"{url}{eg}/operations//{op_id}").json()
        if op["status"] != "ONGOING":
            break
        time.sleep(0.2)
    assert op["status"] == "SUCCESS" and op["progress"] == 100, op
    assert [a["actionName"] for a in op["actionStatusList"]][:1] == ["Build Application Package"]
