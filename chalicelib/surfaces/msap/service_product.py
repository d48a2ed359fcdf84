"""5.7 制品库管理 — the artifact repository: docker images and generic packages (catalog §3, §6 5.7).

MSAP has no API that creates artifacts: pipeline runs produce them (``pipeline_runs``): an IMAGE_BUILD stage makes a
docker image, a CODE_BUILD / PACKAGE_PUBLISH stage a generic package whose file is written to S3. The edgeplane
extension ``createPackageUploadUrl`` adds a user-uploaded package (presigned POST, size-limited).

  image    MS#<t>#image / ID#<imageId>, parent projectId    data = getImage fields + appId, projectId
  package  MS#<t>#package / ID#<packageId>, parent projectId data = getPackage fields + appId, projectId
           file s3://<bucket>/msap/<t>/packages/<packageId>/<packageName>
"""
from __future__ import annotations

import io
import re
import zipfile
from typing import Literal, Optional

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import Field, field_validator

from chalicelib.core import aws
from chalicelib.core.config import settings
from chalicelib.core.errors import Conflict, Invalid, NotFound, Unavailable
from chalicelib.surfaces.msap import access, objects
from chalicelib.surfaces.msap.identity import User
from chalicelib.surfaces.msap.params import Model

IMAGE = "image"
PACKAGE = "package"
REGISTRY = "registry.edgeplane.local"
MISSING = "制品不存在"
PACKAGE_NAME_RE = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"
VERSION_RE = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$"

IMAGE_FIELDS = ("branchName", "createStaff", "createTime", "dockerfileContent", "imageId", "imageName", "imageUrl",
                "imageVer", "isOfficial", "packageName", "packageVer", "updateStaff", "updateTime")
IMAGE_ROW = ("branchName", "createStaff", "createTime", "imageId", "imageName", "imageUrl", "imageVer", "isOfficial",
             "packageName")
PACKAGE_FIELDS = ("branchName", "createStaff", "createTime", "isOfficial", "packageId", "packageName", "packageSize",
                  "packageSource", "packageType", "packageVer", "updateStaff", "updateTime")
PACKAGE_ROW = ("branchName", "createStaff", "createTime", "isOfficial", "packageId", "packageName", "packageSource",
               "packageType", "packageVer")


# ---------------------------------------------------------------- request models
class ListQuery(Model):
    projectId: str = Field(min_length=1, title="项目 ID")
    appGroupId: Optional[str] = Field(None, max_length=128, title="分组 ID")
    appId: Optional[str] = Field(None, max_length=128, title="应用 ID")
    pageNum: Optional[str] = None
    pageSize: Optional[str] = None


class ImagesQuery(ListQuery):
    imageName: Optional[str] = Field(None, max_length=100, title="镜像名称")


class PackagesQuery(ListQuery):
    packageName: Optional[str] = Field(None, max_length=100, title="程序包名称")


class ImageRef(Model):
    imageId: str = Field(min_length=1, title="镜像 ID")


class PackageRef(Model):
    packageId: str = Field(min_length=1, title="制品 ID")


class UploadRequest(Model):
    projectId: str = Field(min_length=1, title="项目 ID")
    appId: str = Field(min_length=1, title="应用 ID")
    packageName: str = Field(min_length=1, title="程序包名称")
    packageVer: str = Field(min_length=1, title="制品版本")
    packageType: Literal["JAR", "WAR"] = Field(title="程序包类型")
    branchName: Optional[str] = Field(None, max_length=100, title="分支名称")

    @field_validator("packageName")
    @classmethod
    def _name(cls, v: str) -> str:
        if not re.fullmatch(PACKAGE_NAME_RE, v):
            raise ValueError("程序包名称不规范：1-100个字符，只能包含字母、数字、点、下划线和中划线")
        return v

    @field_validator("packageVer")
    @classmethod
    def _ver(cls, v: str) -> str:
        if not re.fullmatch(VERSION_RE, v):
            raise ValueError("制品版本不规范：1-50个字符，只能包含字母、数字、点、下划线和中划线")
        return v


# ---------------------------------------------------------------- views
def image_view(item) -> dict:
    d = item.data
    return {k: d.get(k, False if k == "isOfficial" else "") for k in IMAGE_FIELDS}


def image_row(item) -> dict:
    d = item.data
    return {k: d.get(k, False if k == "isOfficial" else "") for k in IMAGE_ROW}


def package_view(item) -> dict:
    d = item.data
    out = {k: d.get(k, False if k == "isOfficial" else "") for k in PACKAGE_FIELDS}
    out["packageSize"] = int(d.get("packageSize") or 0)
    return out


def package_row(item) -> dict:
    d = item.data
    return {k: d.get(k, False if k == "isOfficial" else "") for k in PACKAGE_ROW}


# ---------------------------------------------------------------- production (called by pipeline runs)
def package_key(tenant: str, package_id: str, package_name: str) -> str:
    return f"msap/{tenant}/packages/{package_id}/{package_name}"


def build_jar(app_name: str, version: str, branch: str, record_id: str) -> bytes:
    """A small, valid jar (zip) standing for the build output."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nCreated-By: edgeplane-msap\r\n"
                                           f"Implementation-Title: {app_name}\r\nImplementation-Version: {version}\r\n"
                                           "Main-Class: edgeplane.Main\r\n\r\n")
        z.writestr("META-INF/build-info.properties",
                   f"app={app_name}\nversion={version}\nbranch={branch}\npipelineRecordId={record_id}\n")
    return buf.getvalue()


def dockerfile(package_name: str) -> str:
    return ("FROM eclipse-temurin:8-jre\n"
            "WORKDIR /app\n"
            f"COPY {package_name} /app/app.jar\n"
            "EXPOSE 8080\n"
            'ENTRYPOINT ["java", "-jar", "/app/app.jar"]\n')


def image_url(project_code: str, app_name: str, version: str) -> str:
    return f"{REGISTRY}/{project_code}/{app_name.lower()}:{version}"


def produce_package(tenant: str, *, package_id: str, project_id: str, app_id: str, app_name: str, version: str,
                    branch: str, staff: str, record_id: str, official: bool = False) -> dict:
    """Write the built package's file to S3 and its artifact row (idempotent: a known id is kept)."""
    existing = objects.get(tenant, PACKAGE, package_id)
    if existing is not None:
        return existing.data
    name = f"{app_name}.jar"
    content = build_jar(app_name, version, branch, record_id)
    key = package_key(tenant, package_id, name)
    try:
        aws.client("s3").put_object(Bucket=settings().bucket, Key=key, Body=content,
                                    ContentType="application/java-archive")
    except (ClientError, BotoCoreError) as exc:
        raise Unavailable("制品存储暂不可用，请稍后重试") from exc
    now = objects.now_ms_str()
    data = {"branchName": branch, "createStaff": staff, "createTime": now, "isOfficial": bool(official),
            "packageId": package_id, "packageName": name, "packageSize": len(content),
            "packageSource": "CODE_GENERATE", "packageType": "JAR", "packageVer": version, "updateStaff": staff,
            "updateTime": now, "appId": app_id, "projectId": project_id, "pipelineRecordId": record_id,
            "s3Key": key, "uploaded": True}
    try:
        item = objects.create(tenant, PACKAGE, data, obj_id=package_id, parent=project_id, name=name)
    except Conflict:  # a redelivered step created it already
        item = objects.get(tenant, PACKAGE, package_id)
    return item.data


def get_package_data(tenant: str, package_id: str | None) -> dict | None:
    item = objects.get(tenant, PACKAGE, package_id) if package_id else None
    return None if item is None else item.data


def publish_package(tenant: str, package_id: str, staff: str) -> None:
    """PACKAGE_PUBLISH on a package built earlier in the run: it becomes the official release."""
    item = objects.get(tenant, PACKAGE, package_id)
    if item is None or item.data.get("isOfficial"):
        return
    item.data = dict(item.data, isOfficial=True, updateStaff=staff, updateTime=objects.now_ms_str())
    objects.save(item)


def produce_image(tenant: str, *, image_id: str, project_id: str, project_code: str, app_id: str, app_name: str,
                  version: str, branch: str, staff: str, record_id: str, package_name: str = "",
                  package_ver: str = "") -> dict:
    existing = objects.get(tenant, IMAGE, image_id)
    if existing is not None:
        return existing.data
    now = objects.now_ms_str()
    package_name = package_name or f"{app_name}.jar"
    data = {"branchName": branch, "createStaff": staff, "createTime": now,
            "dockerfileContent": dockerfile(package_name),
            "imageId": image_id, "imageName": app_name.lower(), "imageUrl": image_url(project_code, app_name, version),
            "imageVer": version, "isOfficial": False, "packageName": package_name,
            "packageVer": package_ver or version, "updateStaff": staff, "updateTime": now, "appId": app_id,
            "projectId": project_id, "pipelineRecordId": record_id}
    try:
        item = objects.create(tenant, IMAGE, data, obj_id=image_id, parent=project_id, name=data["imageName"])
    except Conflict:
        item = objects.get(tenant, IMAGE, image_id)
    return item.data


# ---------------------------------------------------------------- reads
def _artifact(u: User, kind: str, obj_id: str):
    item = objects.get(u.tenant, kind, obj_id)
    if item is None:
        raise NotFound(MISSING)
    access.require_project(u, item.data.get("projectId", ""))
    return item


def get_image(u: User, q: ImageRef) -> dict:
    return image_view(_artifact(u, IMAGE, q.imageId))


def get_package(u: User, q: PackageRef) -> dict:
    item = _artifact(u, PACKAGE, q.packageId)
    if not item.data.get("uploaded"):
        _refresh_upload(item)
    return package_view(item)


def _refresh_upload(item) -> bool:
    """A USER_UPLOAD package whose file has arrived in S3: record it (size) once."""
    size = _object_size(item.data.get("s3Key", ""))
    if size is None:
        return False
    item.data = dict(item.data, uploaded=True, packageSize=size, updateTime=objects.now_ms_str())
    try:
        objects.save(item)
    except Conflict:
        pass
    return True


def _filter(u: User, q: ListQuery, name_field: str, needle: str | None):
    """Predicate for the paged lists (appId, the apps of appGroupId, name contains), or None."""
    group_apps = None
    if q.appGroupId:
        group_apps = {a.obj_id for a in objects.all_of(u.tenant, access.APP, q.projectId)
                      if a.data.get("appGroupId") == q.appGroupId}
    needle = (needle or "").lower()
    if not (q.appId or group_apps is not None or needle):
        return None

    def pred(item) -> bool:
        d = item.data
        if q.appId and d.get("appId") != q.appId:
            return False
        if group_apps is not None and d.get("appId") not in group_apps:
            return False
        return not needle or needle in str(d.get(name_field, "")).lower()
    return pred


def images_page(u: User, q: ImagesQuery) -> dict:
    access.require_project(u, q.projectId)
    args = objects.window(q.pageNum, q.pageSize)
    items, total = objects.page(u.tenant, IMAGE, args, parent=q.projectId,
                                predicate=_filter(u, q, "imageName", q.imageName))
    return objects.page_info([image_row(i) for i in items], total, args)


def packages_page(u: User, q: PackagesQuery) -> dict:
    access.require_project(u, q.projectId)
    args = objects.window(q.pageNum, q.pageSize)
    items, total = objects.page(u.tenant, PACKAGE, args, parent=q.projectId,
                                predicate=_filter(u, q, "packageName", q.packageName))
    return objects.page_info([package_row(i) for i in items], total, args)


def _object_size(key: str) -> int | None:
    try:
        return int(aws.client("s3").head_object(Bucket=settings().bucket, Key=key)["ContentLength"])
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
            return None
        raise Unavailable("制品存储暂不可用，请稍后重试") from exc
    except BotoCoreError as exc:
        raise Unavailable("制品存储暂不可用，请稍后重试") from exc


def download_url(u: User, q: PackageRef) -> str:
    """A presigned S3 GET URL of the package's file (the route answers 302 to it)."""
    item = _artifact(u, PACKAGE, q.packageId)
    d = item.data
    key = d.get("s3Key") or package_key(u.tenant, item.obj_id, d.get("packageName", "package"))
    if not d.get("uploaded") and not _refresh_upload(item):
        raise NotFound("制品文件不存在，请先上传程序包")
    filename = d.get("packageName", "package")
    params = {"Bucket": settings().bucket, "Key": key,
              "ResponseContentDisposition": f'attachment; filename="{filename}"'}
    try:
        return aws.client("s3").generate_presigned_url("get_object", Params=params,
                                                       ExpiresIn=settings().presign_ttl_seconds)
    except (ClientError, BotoCoreError) as exc:
        raise Unavailable("制品存储暂不可用，请稍后重试") from exc


# ---------------------------------------------------------------- USER_UPLOAD (edgeplane extension)
def upload_url(u: User, body: UploadRequest) -> dict:
    """Create a USER_UPLOAD package and a presigned POST for its file (size-limited by the policy)."""
    access.require_project(u, body.projectId, write=True)
    app = access.require_app(u, body.appId)
    if app.data.get("projectId") != body.projectId:
        raise Invalid("应用不属于该项目")
    ext = body.packageType.lower()
    if not body.packageName.lower().endswith("." + ext):
        raise Invalid(f"程序包名称必须以 .{ext} 结尾")
    package_id = objects.new_uuid()
    key = package_key(u.tenant, package_id, body.packageName)
    limit = int(settings().max_upload_bytes)
    try:
        post = aws.client("s3").generate_presigned_post(
            settings().bucket, key, Conditions=[["content-length-range", 1, limit]],
            ExpiresIn=settings().presign_ttl_seconds)
    except (ClientError, BotoCoreError) as exc:
        raise Unavailable("制品存储暂不可用，请稍后重试") from exc
    now = objects.now_ms_str()
    data = {"branchName": body.branchName or "", "createStaff": u.username, "createTime": now, "isOfficial": False,
            "packageId": package_id, "packageName": body.packageName, "packageSize": 0,
            "packageSource": "USER_UPLOAD", "packageType": body.packageType, "packageVer": body.packageVer,
            "updateStaff": u.username, "updateTime": now, "appId": body.appId, "projectId": body.projectId,
            "s3Key": key, "uploaded": False, "createUserId": u.user_num}
    objects.create(u.tenant, PACKAGE, data, obj_id=package_id, parent=body.projectId, name=body.packageName)
    return {"packageId": package_id, "url": post["url"], "fields": post["fields"], "maxBytes": limit}
