"""EdgeGallery Helmcharts (group 26) and ContainerApp-operation (group 23)."""
from __future__ import annotations

import io
import tarfile

from chalicelib.store.models import Workload

APPS = "/mec/developer/v2/applications"

DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: {{ .Values.appName | default "web" }}
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: web
          image: nginx:1.21
{{- if .Values.sidecar }}
        - name: side
          image: busybox:1.0
{{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: web-svc
spec:
  type: NodePort
  ports:
    - port: 80
      targetPort: 8080
"""


def tgz(files: dict[str, str | bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, data in files.items():
            data = data.encode() if isinstance(data, str) else data
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def chart(templates: dict[str, str] | None = None, root: str = "demo") -> bytes:
    files = {f"{root}/Chart.yaml": "apiVersion: v2\nname: demo\nversion: 0.1.0\n",
             f"{root}/values.yaml": "appName: web\n"}
    for k, v in (templates if templates is not None else {"deploy.yaml": DEPLOY}).items():
        files[f"{root}/templates/{k}"] = v
    return tgz(files)


def multipart(data: bytes, filename: str) -> tuple[str, bytes]:
    b = "----egchart"
    out = (f'--{b}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
           f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{b}--\r\n".encode()
    return f"multipart/form-data; boundary={b}", out


def upload(caller, app_id, data: bytes, filename="demo.tgz"):
    ct, raw = multipart(data, filename)
    r = caller.client.http.post(f"{APPS}/{app_id}/helmcharts", headers={**caller.headers, "content-type": ct},
                                body=raw)
    import json
    try:
        return r.status_code, json.loads(r.body)
    except ValueError:
        return r.status_code, r.body


def _paths(tree):
    for n in tree:
        yield n["innerPath"], n
        yield from _paths(n["children"])


def test_upload_list_get_download_delete(dev, other_dev, guest, new_app):
    app = new_app()
    assert app["status"] == "CREATED"
    status, c = upload(dev, app["id"], chart())
    assert status == 200, c
    assert c["name"] == "demo.tgz" and c["applicationId"] == app["id"] and c["helmChartFileId"]
    nodes = dict(_paths(c["helmChartFileList"]))
    assert nodes["demo"]["file"] is False
    assert nodes["demo/templates/deploy.yaml"]["file"] is True
    assert "kind: Service" in nodes["demo/templates/deploy.yaml"]["content"]
    # the application is CONFIGURED; the detail lists the chart
    assert dev.get(f"{APPS}/{app['id']}")[1]["status"] == "CONFIGURED"
    detail = dev.get(f"{APPS}/{app['id']}/detail")[1]["containerApp"]
    assert [h["id"] for h in detail["helmChartList"]] == [c["id"]]
    # list / get
    status, lst = dev.get(f"{APPS}/{app['id']}/helmcharts")
    assert status == 200 and [x["id"] for x in lst] == [c["id"]]
    assert dev.get(f"{APPS}/{app['id']}/helmcharts/{c['id']}")[1]["name"] == "demo.tgz"
    # download (POST) gives the tgz bytes
    r = dev.client.http.post(f"{APPS}/{app['id']}/helmcharts/{c['id']}/action/download",
                             headers={**dev.headers, "accept": "*/*"})
    print(r.body[:300])
    assert r.status_code == 200 and r.body[:2] == b"\x1f\x8b"
    assert "demo.tgz" in r.headers["Content-Disposition"]
    # package-generator hooks
    from chalicelib.surfaces.edgegallery import service_apps, service_charts
    a = service_apps.load(app["id"])
    assert service_charts.images_of(a) == ["nginx:1.21", "busybox:1.0"]
    assert [n for n, _ in service_charts.chart_files(a)] == ["demo.tgz"]
    # duplicate name → 409
    assert upload(dev, app["id"], chart())[0] == 409
    # foreign users and guests
    assert other_dev.get(f"{APPS}/{app['id']}/helmcharts")[0] == 404
    assert other_dev.get(f"{APPS}/{app['id']}/helmcharts/{c['id']}")[0] == 404
    assert other_dev.delete(f"{APPS}/{app['id']}/helmcharts/{c['id']}")[0] == 404
    assert upload(guest, app["id"], chart(root="x"), "x.tgz")[0] in (403, 404)
    # unknown / malformed ids
    assert dev.get(f"{APPS}/{app['id']}/helmcharts/00000000-0000-0000-0000-000000000000")[0] == 404
    assert dev.get(f"{APPS}/{app['id']}/helmcharts/nope")[0] == 400
    # delete
    assert dev.delete(f"{APPS}/{app['id']}/helmcharts/{c['id']}") == (200, True)
    assert dev.get(f"{APPS}/{app['id']}/helmcharts")[1] == []
    assert dev.get(f"{APPS}/{app['id']}/helmcharts/{c['id']}")[0] == 404


def test_yaml_is_wrapped_into_a_chart(dev, new_app):
    app = new_app()
    status, c = upload(dev, app["id"], DEPLOY.encode(), "web-app.yaml")
    assert status == 200, c
    assert c["name"] == "web-app.tgz"
    nodes = dict(_paths(c["helmChartFileList"]))
    assert "web-app/Chart.yaml" in nodes and "web-app/templates/web-app.yaml" in nodes


def test_upload_validation(dev, new_app, monkeypatch):
    app = new_app()
    from chalicelib.surfaces.edgegallery import service_charts
    monkeypatch.setattr(service_charts, "MAX_CHART_BYTES", 100)
    status, out = upload(dev, app["id"], chart())
    assert (status, out["retCode"]) == (400, 20018)
    monkeypatch.undo()
    no_service = DEPLOY.split("---")[0]
    no_image = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports: []\n"
    cases = [
        (chart({"deploy.yaml": no_service}), "demo.tgz", 20038),
        (chart({"deploy.yaml": no_image}), "demo.tgz", 20027),
        (chart({"Deploy_File.yaml": DEPLOY}), "demo.tgz", 20043),
        (chart({"deploy.yaml": "a: [b\n"}), "demo.tgz", 20029),
        (chart({"deploy.yaml": "just: a map\n"}), "demo.tgz", 20029),
        (chart({}), "demo.tgz", 20031),
        (chart(), "Demo.tgz", 20043),
        (b"not a tarball", "demo.tgz", 20044),
        (tgz({"../evil/Chart.yaml": "name: x\n"}), "demo.tgz", 20044),
        (b"hello", "notes.txt", 20024),
        (no_service.encode(), "web.yaml", 20038),
    ]
    for data, name, ret in cases:
        status, out = upload(dev, app["id"], data, name)
        assert (status, out["retCode"]) == (400, ret), (name, out)
    # not multipart / no file part
    status, out = dev.post(f"{APPS}/{app['id']}/helmcharts", {"file": "x"})
    assert status == 400
    assert dev.get(f"{APPS}/{app['id']}/helmcharts")[1] == []
    assert dev.get(f"{APPS}/{app['id']}")[1]["status"] == "CREATED"
    # VM applications have no charts
    vm = new_app(appClass="VM")
    assert upload(dev, vm["id"], chart())[0] == 400


def test_inner_file_read_and_modify(dev, other_dev, new_app):
    app = new_app()
    c = upload(dev, app["id"], chart())[1]
    base = f"{APPS}/{app['id']}/helmcharts/{c['id']}/action"
    r = dev.client.http.get(f"{base}/get-inner-file?filePath=demo/values.yaml", headers=dev.headers)
    assert r.status_code == 200 and r.body.decode() == "appName: web\n"
    assert dev.get(f"{base}/get-inner-file?filePath=demo/nothing.yaml")[0] == 404
    assert dev.get(f"{base}/get-inner-file?filePath=../../etc/passwd")[0] == 404
    assert dev.get(f"{base}/get-inner-file")[0] == 400
    new = DEPLOY.replace("nginx:1.21", "nginx:1.25")
    assert dev.put(f"{base}/modify-inner-file", {"innerFilePath": "demo/templates/deploy.yaml",
                                                 "content": new}) == (200, True)
    r = dev.client.http.get(f"{base}/get-inner-file?filePath=demo/templates/deploy.yaml", headers=dev.headers)
    assert "nginx:1.25" in r.body.decode()
    from chalicelib.surfaces.edgegallery import service_apps, service_charts
    assert service_charts.images_of(service_apps.load(app["id"]))[0] == "nginx:1.25"
    # an edit that breaks the chart is refused and nothing changes
    status, out = dev.put(f"{base}/modify-inner-file", {"innerFilePath": "demo/templates/deploy.yaml",
                                                        "content": "kind: Nothing\n"})
    assert status == 400
    assert dev.put(f"{base}/modify-inner-file", {"innerFilePath": "demo/new.yaml", "content": "x"})[0] == 404
    assert dev.put(f"{base}/modify-inner-file", {"innerFilePath": "demo/values.yaml", "content": 3})[0] == 400
    r = dev.client.http.put(f"{base}/modify-inner-file", headers={**dev.headers, "content-type": "application/json"},
                            body=b"{bad")
    assert r.status_code == 400
    assert other_dev.put(f"{base}/modify-inner-file", {"innerFilePath": "demo/values.yaml", "content": "x"})[0] == 404
    r = dev.client.http.get(f"{base}/get-inner-file?filePath=demo/templates/deploy.yaml", headers=dev.headers)
    assert "nginx:1.25" in r.body.decode()


# ---------------------------------------------------------------- group 23
def _launch(dev, app, drain):
    status, out = dev.post(f"{APPS}/{app['id']}/containers/action/launch")
    assert status == 200, out
    op = f"/mec/developer/v2/operations/{out['operationId']}"
    assert drain(lambda: dev.get(op)[1]["status"] != "ONGOING", timeout=30)
    return dev.get(op)[1]


def test_launch_ssh_relaunch_and_clean_env(dev, other_dev, guest, drain, new_app):
    app = new_app()
    # nothing to launch without a chart; ssh before an instantiation → 404
    assert dev.post(f"{APPS}/{app['id']}/containers/action/launch")[0] == 400
    assert dev.get(f"{APPS}/{app['id']}/containers/action/ssh")[0] == 404
    upload(dev, app["id"], chart())
    assert guest.post(f"{APPS}/{app['id']}/containers/action/launch")[0] in (403, 404)
    assert other_dev.post(f"{APPS}/{app['id']}/containers/action/launch")[0] == 404
    assert dev.post(f"{APPS}/not-a-uuid/containers/action/launch")[0] == 400
    op = _launch(dev, app, drain)
    assert op["status"] == "SUCCESS" and op["progress"] == 100 and op["objectType"] == "APPLICATION_INSTANCE"
    assert [a["actionName"] for a in op["actionStatusList"]] == [
        "Build Application Package", "Distribute Application Package", "Instantiate Application"]
    info = dev.get(f"{APPS}/{app['id']}/detail")[1]["containerApp"]["instantiateInfo"]
    assert info["status"] == "SUCCESS" and info["operationId"] == op["id"]
    assert len(info["pods"]) == 2 and info["pods"][0]["containerList"][0]["name"] == "web"
    assert info["serviceList"][0]["name"] == "web-svc"
    assert info["serviceList"][0]["servicePortList"][0]["port"] == "80"
    status, ssh = dev.get(f"{APPS}/{app['id']}/containers/action/ssh")
    assert status == 200 and ssh["sshAddress"].startswith("ssh://") and ssh["status"] == "SUCCESS"
    assert other_dev.get(f"{APPS}/{app['id']}/containers/action/ssh")[0] == 404
    # re-launch while instantiated → 409 (upstream 404 "already instantiated")
    assert dev.post(f"{APPS}/{app['id']}/containers/action/launch")[0] == 409
    # clean env removes the deployment
    from chalicelib import targets
    workloads = lambda: [w for c in targets.list_clusters() for w in Workload.query(f"WORKLOAD#{c.name}")
                         if w.namespace == f"eg-{app['id'][:8]}"]
    assert len(workloads()) == 1
    assert dev.post(f"{APPS}/{app['id']}/action/clean-env")[0] == 200
    assert dev.get(f"{APPS}/{app['id']}/detail")[1]["containerApp"]["instantiateInfo"] is None
    assert workloads() == []


def test_launch_failure_then_retry(dev, drain, new_app):
    from chalicelib import targets
    app = new_app()
    upload(dev, app["id"], chart())
    for c in targets.list_clusters():
        targets.set_faults(c.name, {"pods": "crashloop"})
    op = _launch(dev, app, drain)
    assert op["status"] == "FAILED" and op["actionStatusList"][-1]["status"] == "FAILED"
    info = dev.get(f"{APPS}/{app['id']}/detail")[1]["containerApp"]["instantiateInfo"]
    assert info["status"] == "INSTANTIATE_FAILED"
    for c in targets.list_clusters():
        targets.set_faults(c.name, {})
    assert _launch(dev, app, drain)["status"] == "SUCCESS"
    # deleting the application removes the workloads
    assert dev.delete(f"{APPS}/{app['id']}")[0] == 200
    assert not [w for c in targets.list_clusters() for w in Workload.query(f"WORKLOAD#{c.name}")
                if w.namespace == f"eg-{app['id'][:8]}"]
