"""ote-stack Application Management (5 endpoints + alias), charts stored in S3."""
from __future__ import annotations

import io
import tarfile

from chalicelib import blobs
from chalicelib.store.otestack import OteApp
from tests.api.otestack.helpers import APP, chart_tgz, create_app, multipart_body


def upload(api, fields, files):
    ct, body = multipart_body(fields, files)
    r = api.client.http.post("/v1/app/chart", headers={**api.headers, "content-type": ct}, body=body)
    import json
    return r.status_code, json.loads(r.body)


class TestCreateAndRead:
    def test_create_get_list(self, make_business):
        admin, member, _ = make_business()
        app = create_app(member)
        assert app["version"] == "1.1.1" and app["projectName"] == "library" and app["minCPU"] == 0.1
        assert create_app(member)["version"] == "1.1.2"
        for path in (f"/v1/app/{app['id']}", f"/v1/app/id/{app['id']}"):
            status, body = member.get(path)
            assert status == 200 and body["data"]["appName"] == "web" and body["data"]["maxCPU"] == 2.0
            assert body["data"]["port"] == [{"port": 80, "hostPort": 8080}] and body["data"]["status"] == 1
        status, body = member.get("/v1/app")
        assert status == 200 and body["total"] == 2 and "apps" in body and "data" not in body
        fields = set(body["apps"][0])
        assert {"id", "appName", "status", "deployType", "image", "projectName", "repositoryId", "version", "replicas",
                "port", "command", "volume", "dependence", "env", "minReplicas", "maxReplicas", "minCPU", "maxCPU",
                "GPU", "isHPA", "targetCPUUtilization", "targetMemUtilization", "minMemory", "maxMemory",
                "maxUnavailable", "maxSurge", "minReadySeconds", "createTime", "updateTime"} <= fields

    def test_filters_and_paging(self, make_business):
        _, member, _ = make_business()
        create_app(member, appName="web")
        create_app(member, appName="webcam")
        create_app(member, appName="db", version="2.0")
        assert member.get("/v1/app?appName=web&appNameMode=strict")[1]["total"] == 1
        assert member.get("/v1/app?appName=web&appNameMode=prefix")[1]["total"] == 2
        assert member.get("/v1/app?appName=e")[1]["total"] == 2
        assert member.get("/v1/app?version=2.0")[1]["total"] == 1
        assert member.get("/v1/app?version=2.0.1")[1]["apps"][0]["appName"] == "db"
        page = member.get("/v1/app?pageSize=2&page=2")[1]
        assert page["total"] == 3 and len(page["apps"]) == 1
        assert len(member.get("/v1/app?pageSize=0")[1]["apps"]) == 3
        assert member.get("/v1/app?appNameMode=fuzzy&appName=x")[0] == 422

    def test_validation(self, make_business):
        _, member, _ = make_business()
        for bad in ({"deployType": "statefulset"}, {"version": "1.1.1"}, {"version": 1.1}, {"minCPU": "10"},
                    {"minCPU": 300, "maxCPU": 200}, {"minMemory": 600}, {"replicas": 9},
                    {"deployType": "daemonset"}, {"port": [{"port": 0}]}, {"isHPA": "no"},
                    {"appName": "Bad_Name"}, {"maxSurge": 0, "maxUnavailable": 0}, {"targetCPUUtilization": 101}):
            status, body = member.post("/v1/app", {**APP, **bad})
            assert status == 422 and body["code"] == 422, bad
        missing = dict(APP)
        missing.pop("image")
        assert member.post("/v1/app", missing)[0] == 422
        assert member.post("/v1/app", {**APP, "repositoryId": "nope"})[0] == 404
        assert member.get("/v1/app")[1]["total"] == 0

    def test_tenant_isolation(self, make_business):
        _, member_a, _ = make_business()
        _, member_b, _ = make_business()
        app = create_app(member_a)
        assert member_b.get(f"/v1/app/{app['id']}")[0] == 404
        assert member_b.get("/v1/app")[1]["total"] == 0
        assert member_b.delete("/v1/app", {"appId": [app["id"]]})[0] == 404
        assert member_a.get(f"/v1/app/{app['id']}")[0] == 200

    def test_users_without_business_are_refused(self, api):
        from chalicelib.identity import accounts
        from tests.api.otestack.conftest import token_api
        accounts.create_account("loner", "Passw0rdL", status="active", profile={"isAdmin": False})
        loner = token_api(api, "loner")
        assert loner.get("/v1/app")[0] == 403
        assert loner.post("/v1/app", APP)[0] == 403


class TestDelete:
    def test_delete_apps(self, make_business):
        _, member, _ = make_business()
        a, b = create_app(member), create_app(member, appName="db")
        assert member.delete("/v1/app", {"appId": [a["id"], 999999]})[0] == 404
        assert member.get("/v1/app")[1]["total"] == 2
        assert member.delete("/v1/app", {"appId": "x"})[0] == 422
        assert member.delete("/v1/app", {"appId": [a["id"], b["id"]]})[0] == 200
        assert member.get("/v1/app")[1]["total"] == 0
        assert member.get(f"/v1/app/{a['id']}")[0] == 404


class TestCharts:
    def test_upload_chart_stores_it_in_s3(self, make_business):
        _, member, info = make_business()
        data = chart_tgz("demo")
        status, body = upload(member, {"appName": "demo", "version": "0.1"}, {"chart": ("demo-0.1.0.tgz", data)})
        assert status == 200, body
        app = body["data"]
        assert app["version"] == "0.1.1" and app["chart"]["name"] == "demo"
        item = next(iter(OteApp.gsi1.query("OTEAPP", OteApp.gsi1sk == str(app["id"]).zfill(20))))
        assert item.chart_key.startswith(f"tenant/{info['tenant']}/otestack/charts/demo/")
        assert blobs.get(item.chart_key) == data

    def test_chart_validation(self, make_business):
        _, member, _ = make_business()
        assert upload(member, {"appName": "demo", "version": "0.1"}, {"chart": ("x.tgz", b"not a tar")})[0] == 422
        assert upload(member, {"appName": "demo", "version": "0.1"},
                      {"chart": ("x.tgz", chart_tgz(chart_yaml=False))})[0] == 422
        evil = chart_tgz("demo", extra={"../../etc/passwd": b"root"})
        status, body = upload(member, {"appName": "demo", "version": "0.1"}, {"chart": ("x.tgz", evil)})
        assert status == 422 and "escapes" in body["message"]
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w:gz") as tf:
            info = tarfile.TarInfo("demo/Chart.yaml")
            info.type = tarfile.SYMTYPE
            info.linkname = "/etc/passwd"
            tf.addfile(info)
        assert upload(member, {"appName": "demo", "version": "0.1"}, {"chart": ("x.tgz", buf.getvalue())})[0] == 422
        assert upload(member, {"appName": "demo"}, {"chart": ("x.tgz", chart_tgz())})[0] == 422
        assert upload(member, {"appName": "demo", "version": "v1"}, {"chart": ("x.tgz", chart_tgz())})[0] == 422
        status, body = member.post("/v1/app/chart", {"appName": "demo"})
        assert status == 415
        assert member.get("/v1/app")[1]["total"] == 0

    def test_oversized_chart_is_413(self, make_business, monkeypatch):
        from chalicelib.core import config
        _, member, _ = make_business()
        monkeypatch.setenv("EDGEPLANE_MAX_UPLOAD_BYTES", "2048")
        config.reload()
        try:
            big = chart_tgz("demo", extra={"demo/blob.bin": __import__("os").urandom(4096)})
            status, body = upload(member, {"appName": "demo", "version": "0.1"}, {"chart": ("x.tgz", big)})
            assert status == 413 and body["code"] == 413
        finally:
            monkeypatch.delenv("EDGEPLANE_MAX_UPLOAD_BYTES")
            config.reload()
        assert member.get("/v1/app")[1]["total"] == 0
