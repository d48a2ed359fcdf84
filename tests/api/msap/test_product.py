"""5.7 the artifact repository: images and packages produced by pipeline runs, the 302 download of a package's
file from S3, and the createPackageUploadUrl extension (USER_UPLOAD)."""
from __future__ import annotations

import io
import json
import zipfile

import pytest
import requests

import chalicelib.surfaces.msap.pipeline_runs  # noqa: F401  (registers the run workflow in this process)
from tests.api.msap.conftest import add_member
from tests.api.msap.test_pipelines import (  # noqa: F401  (no_scan: the autouse fixture)
    make_app, make_pipeline, no_scan, run, set_app_group, tenant_of, wait_end)

PR = "/v1/product"
BUILD = [{"category": "CODE_BUILD", "name": "代码构建", "sort": 1},
         {"category": "IMAGE_BUILD", "name": "镜像构建", "sort": 2},
         {"category": "PACKAGE_PUBLISH", "name": "制品发布", "sort": 3}]


@pytest.fixture
def built(ms, drain):
    """Two apps (one in a group) of one project, each built once by a pipeline run."""
    pid = ms.project("shop-proj")
    app_a, app_b = make_app(ms, pid, "cartSvc"), make_app(ms, pid, "userSvc")
    set_app_group(ms, app_b, "grp-1")
    rids = []
    for app_id in (app_a, app_b):
        rids.append(run(ms, make_pipeline(ms, pid, app_id, stages=BUILD), branch="dev"))
    for rid in rids:
        assert wait_end(ms, drain, rid)["statusCd"] == "13"
    return {"pid": pid, "a": app_a, "b": app_b, "rids": rids}


def download(caller, package_id):
    return caller.client.http.get(f"{PR}/downloadPackage?packageId={package_id}", headers=caller._headers())


def test_built_artifacts_listed_detailed_downloaded(ms, built):
    pid = built["pid"]
    imgs = ms.ok_get(f"{PR}/listImagesPage", projectId=pid)
    pkgs = ms.ok_get(f"{PR}/listPackagesPage", projectId=pid)
    assert imgs["total"] == 2 and pkgs["total"] == 2 and imgs["pageSize"] == 10 and imgs["isFirstPage"]
    img = next(i for i in imgs["list"] if i["imageName"] == "usersvc")
    assert set(img) == {"branchName", "createStaff", "createTime", "imageId", "imageName", "imageUrl", "imageVer",
                        "isOfficial", "packageName"}
    pkg = next(p for p in pkgs["list"] if p["packageName"] == "userSvc.jar")
    assert set(pkg) == {"branchName", "createStaff", "createTime", "isOfficial", "packageId", "packageName",
                        "packageSource", "packageType", "packageVer"}
    assert pkg["packageSource"] == "CODE_GENERATE" and pkg["packageType"] == "JAR" and pkg["isOfficial"] is True
    assert pkg["branchName"] == "dev"
    full = ms.ok_get(f"{PR}/getImage", imageId=img["imageId"])
    assert set(full) == {"branchName", "createStaff", "createTime", "dockerfileContent", "imageId", "imageName",
                         "imageUrl", "imageVer", "isOfficial", "packageName", "packageVer", "updateStaff",
                         "updateTime"}
    assert full["imageUrl"] == "registry.edgeplane.local/shop-proj/usersvc:1.0.1" and full["imageVer"] == "1.0.1"
    assert full["imageName"] == "usersvc" and full["isOfficial"] is False and full["createStaff"] == ms.username
    assert full["packageName"] == "userSvc.jar" and full["packageVer"] == "1.0.1"
    assert full["dockerfileContent"].startswith("FROM ") and "COPY userSvc.jar" in full["dockerfileContent"]
    assert full["createTime"].isdigit()
    got = ms.ok_get(f"{PR}/getPackage", packageId=pkg["packageId"])
    assert set(got) == {"branchName", "createStaff", "createTime", "isOfficial", "packageId", "packageName",
                        "packageSize", "packageSource", "packageType", "packageVer", "updateStaff", "updateTime"}
    assert isinstance(got["packageSize"], int) and got["packageSize"] > 0 and got["packageVer"] == "1.0.1"
    # filters
    assert [i["imageName"] for i in ms.ok_get(f"{PR}/listImagesPage", projectId=pid, appId=built["a"])["list"]] == \
        ["cartsvc"]
    assert ms.ok_get(f"{PR}/listImagesPage", projectId=pid, appGroupId="grp-1")["list"][0]["imageName"] == "usersvc"
    assert ms.ok_get(f"{PR}/listImagesPage", projectId=pid, imageName="CART")["total"] == 1
    assert ms.ok_get(f"{PR}/listImagesPage", projectId=pid, appGroupId="nope")["total"] == 0
    assert ms.ok_get(f"{PR}/listPackagesPage", projectId=pid, packageName="cart")["list"][0]["packageName"] == \
        "cartSvc.jar"
    assert ms.ok_get(f"{PR}/listPackagesPage", projectId=pid, appId=built["b"], packageName="cart")["total"] == 0
    p1 = ms.ok_get(f"{PR}/listPackagesPage", projectId=pid, pageNum=1, pageSize=1)
    p2 = ms.ok_get(f"{PR}/listPackagesPage", projectId=pid, pageNum=2, pageSize=1)
    assert (p2["size"], p2["total"], p2["pages"]) == (1, 2, 2)
    assert [p1["list"][0]["packageId"], p2["list"][0]["packageId"]] == [p["packageId"] for p in pkgs["list"]]
    # a guest member reads the repository
    guest = ms.sub_account()
    add_member(ms, pid, guest, roles=(5,))
    assert guest.ok_get(f"{PR}/getImage", imageId=img["imageId"])["imageId"] == img["imageId"]
    check_download(ms, built)
    check_missing_foreign_and_forbidden(ms, built)


def check_download(ms, built):
    """downloadPackage: 302 to a presigned GET of the S3 object, whose bytes are the built jar."""
    pkg = ms.ok_get(f"{PR}/listPackagesPage", projectId=built["pid"], appId=built["b"])["list"][0]
    r = download(ms, pkg["packageId"])
    assert r.status_code == 302 and not r.body
    location = r.headers["Location"]
    assert f"/msap/{tenant_of(ms)}/packages/{pkg['packageId']}/userSvc.jar?" in location and "Signature=" in location
    got = requests.get(location, timeout=10)
    assert got.status_code == 200 and got.headers["Content-Disposition"] == 'attachment; filename="userSvc.jar"'
    from chalicelib.core import aws
    from chalicelib.core.config import settings
    stored = aws.client("s3").get_object(Bucket=settings().bucket,
                                         Key=f"msap/{tenant_of(ms)}/packages/{pkg['packageId']}/userSvc.jar")
    body = stored["Body"].read()
    assert got.content == body
    assert ms.ok_get(f"{PR}/getPackage", packageId=pkg["packageId"])["packageSize"] == len(body)
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        assert "Implementation-Title: userSvc" in z.read("META-INF/MANIFEST.MF").decode()
        assert f"pipelineRecordId={built['rids'][1]}" in z.read("META-INF/build-info.properties").decode()


def check_missing_foreign_and_forbidden(ms, built):
    from tests.api.msap.conftest import main_account
    ms_other = main_account(ms.client)
    pid = built["pid"]
    img = ms.ok_get(f"{PR}/listImagesPage", projectId=pid)["list"][0]["imageId"]
    pkg = ms.ok_get(f"{PR}/listPackagesPage", projectId=pid)["list"][0]["packageId"]
    for caller in (ms, ms_other):  # unknown ids, and another tenant's ids
        assert caller.fails("GET", f"{PR}/getImage", {"imageId": "nope" if caller is ms else img}, 404) == "制品不存在"
        assert caller.fails("GET", f"{PR}/getPackage", {"packageId": "nope" if caller is ms else pkg},
                            404) == "制品不存在"
        r = download(caller, "nope" if caller is ms else pkg)
        assert r.status_code == 404
        assert json.loads(r.body) == {"code": "500", "data": "", "msg": "制品不存在"}
    assert ms_other.fails("GET", f"{PR}/listImagesPage", {"projectId": pid}, 404) == "项目不存在"
    assert ms_other.fails("GET", f"{PR}/listPackagesPage", {"projectId": pid}, 404) == "项目不存在"
    assert ms.fails("GET", f"{PR}/getImage", {}) == {"field": "imageId", "message": "此属性是必填项"}
    assert ms.fails("GET", f"{PR}/downloadPackage", {}) == {"field": "packageId", "message": "此属性是必填项"}
    assert ms.fails("GET", f"{PR}/listImagesPage", {}) == {"field": "projectId", "message": "此属性是必填项"}
    assert ms.fails("GET", f"{PR}/listPackagesPage", {"projectId": pid, "pageNum": "x"}) == "页码必须是整数"
    outsider = ms.sub_account()
    assert outsider.fails("GET", f"{PR}/getImage", {"imageId": img}, 403) == "您不是该项目的成员，无权访问"
    assert download(outsider, pkg).status_code == 403


def test_user_upload_package(ms, drain):
    pid = ms.project()
    app_id = make_app(ms, pid, "uploadSvc")
    url = f"{PR}/createPackageUploadUrl"
    base = {"projectId": pid, "appId": app_id, "packageName": "upload-svc.war", "packageVer": "2.0.0",
            "packageType": "WAR"}
    assert ms.fails("POST", url, {**base, "packageType": "ZIP"}).startswith("程序包类型取值不正确")
    assert ms.fails("POST", url, {**base, "packageName": "upload-svc.jar"}) == "程序包名称必须以 .war 结尾"
    assert ms.fails("POST", url, {**base, "packageName": "../x.war"}).startswith("程序包名称不规范")
    assert ms.fails("POST", url, {**base, "packageVer": ""}) == "制品版本不能为空"
    assert ms.fails("POST", url, {**base, "appId": "nope"}, 404) == "应用不存在"
    guest = ms.sub_account()
    add_member(ms, pid, guest, roles=(5,))
    assert guest.fails("POST", url, base, 403) == "访客无权执行该操作"
    assert ms.ok_get(f"{PR}/listPackagesPage", projectId=pid)["total"] == 0
    out = ms.ok_post(url, base)
    assert set(out) >= {"packageId", "url", "fields"}
    pkg_id = out["packageId"]
    import base64
    from chalicelib.core.config import settings
    policy = json.loads(base64.b64decode(out["fields"]["policy"]))
    assert ["content-length-range", 1, settings().max_upload_bytes] in policy["conditions"]
    assert out["fields"]["key"] == f"msap/{tenant_of(ms)}/packages/{pkg_id}/upload-svc.war"
    row = ms.ok_get(f"{PR}/getPackage", packageId=pkg_id)
    assert row["packageSource"] == "USER_UPLOAD" and row["packageSize"] == 0 and row["packageType"] == "WAR"
    r = download(ms, pkg_id)
    assert r.status_code == 404 and json.loads(r.body)["msg"] == "制品文件不存在，请先上传程序包"
    content = b"PK\x03\x04" + b"w" * 2000
    up = requests.post(out["url"], data=out["fields"], files={"file": ("upload-svc.war", content)})
    assert up.status_code in (200, 201, 204), up.text
    assert ms.ok_get(f"{PR}/getPackage", packageId=pkg_id)["packageSize"] == len(content)
    r = download(ms, pkg_id)
    assert r.status_code == 302 and requests.get(r.headers["Location"], timeout=10).content == content
    listed = ms.ok_get(f"{PR}/listPackagesPage", projectId=pid, appId=app_id)["list"]
    assert [p["packageId"] for p in listed] == [pkg_id] and listed[0]["packageVer"] == "2.0.0"
