"""5.6 pipelines (runs in ``pipeline_runs``) and 5.12 pipeline member permissions (catalog §6, §7).

  pipeline     MS#<t>#pipeline / ID#<pipelineOrderId>, parent projectId, name = pipelineOrderName (unique in the
               project); data = the 5.6.2 row fields + permMode, createUserId; extra = {lastRecordId, runs, simulate}
  pipelineperm MS#<t>#pipelineperm / ID#<pipelineOrderId>#<userId>, parent pipelineOrderId
               gsi4 MS#<t>#PERM / <permissionId>  (permissionId: an Integer from the msap-pipeline-perm sequence)

Rights on a pipeline (levels VIEW < RUN < MANAGE): the tenant's main account, the project's administrators and
the pipeline's creator always manage. Otherwise, in ``DEFAULT`` mode, project members by role: guests view, the
other members run; in ``USER_DEFINED`` mode, only members with a permission row: VIEWER views, EXECUTOR also
runs, aborts and retries, MANAGER also manages members and mode and deletes. Permission rows are added, changed
and removed only in USER_DEFINED mode (DEFAULT: "权限模式为 DEFAULT 的流水线不支持..."); switching back to DEFAULT
keeps them (ignored) for a later switch. The permissions page lists, in DEFAULT mode, every project member with
the type its role gives; in USER_DEFINED mode the permanent managers (project admins, the creator) and the rows;
a permanent manager's ``permissionId`` is empty (it cannot be removed).
"""
from __future__ import annotations

import re
from typing import Any, Literal, Optional

from pydantic import Field, field_validator, model_validator

from chalicelib.core.errors import Conflict, Forbidden, Invalid, NotFound
from chalicelib.store.base import Sequence
from chalicelib.store.msap import MsObj
from chalicelib.surfaces.msap import access, catalog, identity, objects, pipeline_runs as runs
from chalicelib.surfaces.msap.identity import User
from chalicelib.surfaces.msap.params import Model

PIPELINE = "pipeline"
PERM = "pipelineperm"
MISSING = "流水线不存在"
NOT_FOUND = "未找到流水线"   # the 5.12 endpoints' documented text
BUSY = "流水线正在执行中"
CATEGORIES = ("CODE_BUILD", "IMAGE_BUILD", "IMAGE_DEPLOY", "PACKAGE_PUBLISH", "MS_IMAGE_DEPLOY")
PermMode = Literal["DEFAULT", "USER_DEFINED"]
VIEW, RUN, MANAGE = 1, 2, 3
LEVEL_OF_TYPE = {"VIEWER": VIEW, "EXECUTOR": RUN, "MANAGER": MANAGE}
TYPE_OF_LEVEL = {VIEW: "VIEWER", RUN: "EXECUTOR", MANAGE: "MANAGER"}
DENIED = {VIEW: "您没有该流水线的查看权限", RUN: "您没有该流水线的执行权限", MANAGE: "您没有该流水线的管理权限"}
ROW_FIELDS = ("appCode", "appId", "appName", "createStaff", "createTime", "deleted", "description", "enablePause",
              "enableResume", "enableRun", "pipelineOrderId", "pipelineOrderName", "projectId", "stageList",
              "tenantId", "updateStaff", "updateTime")
BRANCH_RE = r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$"


# ---------------------------------------------------------------- request models
def _nested(data: Any, what: str, fields: dict[str, str]) -> dict:
    """Nested objects are checked here, with their own Chinese labels (params labels only top-level fields):
    ``fields`` = {name: label}; a label ending in "?" is optional."""
    if not isinstance(data, dict):
        raise ValueError(f"{what}必须是对象")
    for name, label in fields.items():
        optional = label.endswith("?")
        label = label.rstrip("?")
        value = data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if optional:
                continue
            raise ValueError(f"{label}不能为空")
    return data


def _one_of(value: Any, label: str, allowed) -> Any:
    if value not in allowed:
        raise ValueError(f"{label}取值不正确，可选值：{'、'.join(allowed)}")
    return value


def _int_in(value: Any, label: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"{label}必须是整数")
    try:
        n = int(str(value).strip())
    except ValueError:
        raise ValueError(f"{label}必须是整数") from None
    if not low <= n <= high:
        raise ValueError(f"{label}必须在{low}到{high}之间")
    return n


def _text(value: Any, label: str, max_len: int) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{label}必须是字符串")
    if len(value) > max_len:
        raise ValueError(f"{label}长度不能超过{max_len}个字符")
    return value


class StageIn(Model):
    category: str
    name: str
    sort: int

    @model_validator(mode="before")
    @classmethod
    def _check(cls, data: Any):
        _nested(data, "执行流程", {"category": "流程类型", "name": "流程名称", "sort": "流程顺序"})
        return {"category": _one_of(data["category"], "流程类型", CATEGORIES),
                "name": _text(data["name"], "流程名称", 50), "sort": _int_in(data["sort"], "流程顺序", 1, 100)}


class Simulate(Model):
    failStage: str
    failTimes: int = 1

    @model_validator(mode="before")
    @classmethod
    def _check(cls, data: Any):
        _nested(data, "模拟构建", {"failStage": "模拟失败的流程类型", "failTimes": "模拟失败次数?"})
        times = data.get("failTimes")
        return {"failStage": _one_of(data["failStage"], "模拟失败的流程类型", CATEGORIES),
                "failTimes": 1 if times in (None, "") else _int_in(times, "模拟失败次数", 0, 10)}


def _branch(v: str) -> str:
    if not re.fullmatch(BRANCH_RE, v):
        raise ValueError("分支名称不规范")
    return v


class NewPipeline(Model):
    projectId: str = Field(min_length=1, title="项目 ID")
    appId: str = Field(min_length=1, title="应用 ID")
    pipelineOrderName: str = Field(min_length=1, max_length=50, title="流水线名称")
    description: Optional[str] = Field(None, max_length=500, title="流水线描述")
    branchName: str = Field("master", min_length=1, title="分支名称")
    deployEnvId: Optional[str] = Field(None, max_length=128, title="部署环境 ID")
    stageList: list[StageIn] = Field(min_length=1, max_length=10, title="执行流程")
    permMode: PermMode = Field("DEFAULT", title="权限模式")
    simulate: Optional[Simulate] = Field(None, title="模拟构建")

    _b = field_validator("branchName")(_branch)

    @field_validator("pipelineOrderName")
    @classmethod
    def _name(cls, v: str) -> str:
        if not v.strip() or any(ch in v for ch in "\r\n\t"):
            raise ValueError("流水线名称不规范")
        return v.strip()


class PipelineRef(Model):
    pipelineOrderId: str = Field(min_length=1, title="流水线 ID")


class PipelinesQuery(Model):
    projectId: str = Field(min_length=1, title="项目 ID")
    appGroupId: Optional[str] = Field(None, max_length=128, title="分组 ID")
    name: Optional[str] = Field(None, max_length=100, title="名称")
    pageNum: Optional[str] = None
    pageSize: Optional[str] = None


class Variable(Model):
    name: str
    type: str
    value: str

    @model_validator(mode="before")
    @classmethod
    def _check(cls, data: Any):
        _nested(data, "变量", {"name": "变量名称", "type": "变量类型"})
        if data.get("value") is None:
            raise ValueError("变量值不能为空")
        return {"name": _text(data["name"], "变量名称", 100), "type": _text(data["type"], "变量类型", 50),
                "value": _text(data["value"], "变量值", 1000)}


class RunRequest(PipelineRef):
    branchName: str = Field(min_length=1, title="分支名称")
    variableList: Optional[list[Variable]] = Field(None, max_length=50, title="变量列表")

    _b = field_validator("branchName")(_branch)

    @field_validator("pipelineOrderId", mode="before")
    @classmethod
    def _strip(cls, v: Any):  # the document's example pads the id with spaces
        return v.strip() if isinstance(v, str) else v

    @field_validator("variableList", mode="before")
    @classmethod
    def _one(cls, v: Any):  # the document's example sends a single object
        return [v] if isinstance(v, dict) else v


class RecordRef(Model):
    pipelineRecordId: str = Field(min_length=1, title="流水线执行记录 ID")

    @field_validator("pipelineRecordId", mode="before")
    @classmethod
    def _strip(cls, v: Any):
        return v.strip() if isinstance(v, str) else v


class ModeChange(PipelineRef):
    permMode: PermMode = Field(title="权限模式")


def _perm_type(v: Any) -> str:
    if v not in catalog.perm_type_names():
        raise ValueError(f"权限类型取值不正确，可选值：{'、'.join(catalog.perm_type_names())}")
    return v


class PermInsert(PipelineRef):
    permType: str = Field(min_length=1, title="权限类型")
    userName: str = Field(min_length=1, max_length=128, title="用户账号")

    _t = field_validator("permType")(_perm_type)


class MemberPerm(Model):
    permType: str
    userName: str

    @model_validator(mode="before")
    @classmethod
    def _check(cls, data: Any):
        _nested(data, "成员", {"userName": "成员账号", "permType": "权限类型"})
        return {"permType": _perm_type(data["permType"]), "userName": _text(data["userName"], "成员账号", 128)}


class PermUpdate(PipelineRef):
    members: list[MemberPerm] = Field(min_length=1, max_length=200, title="成员列表")


class PermRef(Model):
    permissionId: int = Field(ge=1, title="权限 ID")

    @field_validator("permissionId", mode="before")
    @classmethod
    def _no_bool(cls, v: Any):
        if isinstance(v, bool):
            raise ValueError("权限 ID 必须是整数")
        return v


class PermQuery(Model):
    pipelineOrderId: str = Field(min_length=1, title="流水线 ID")
    keyword: Optional[str] = Field(None, max_length=100, title="关键字")
    pageNum: Optional[str] = None
    pageSize: Optional[str] = None


# ---------------------------------------------------------------- rights
def _perm_row(tenant: str, pipeline_id: str, user_num: int) -> MsObj | None:
    return objects.get(tenant, PERM, f"{pipeline_id}#{int(user_num)}")


def _always_manages(u: User, pipeline: MsObj, project: MsObj) -> bool:
    return u.main or pipeline.data.get("createUserId") == u.user_num or access.is_project_admin(u, project)


def level(u: User, pipeline: MsObj, project: MsObj | None = None) -> int:
    project = project or access.get_project(u, pipeline.data.get("projectId", ""))
    if project is None:
        return 0
    if _always_manages(u, pipeline, project):
        return MANAGE
    roles = access.member_roles(u, project.obj_id)
    if roles is None:
        return 0
    if pipeline.data.get("permMode", "DEFAULT") == "DEFAULT":
        return VIEW if roles <= {catalog.GUEST_ROLE} else RUN
    row = _perm_row(u.tenant, pipeline.obj_id, u.user_num)
    return 0 if row is None else LEVEL_OF_TYPE.get(row.data.get("permType"), 0)


def require_pipeline(u: User, pipeline_id: str, need: int = VIEW, missing: str = MISSING) -> MsObj:
    item = objects.get(u.tenant, PIPELINE, pipeline_id) if pipeline_id else None
    if item is None:
        raise NotFound(missing)
    project = access.require_project(u, item.data.get("projectId", ""))  # 403 for a non-member
    if level(u, item, project) < need:
        raise Forbidden(DENIED[need])
    return item


# ---------------------------------------------------------------- pipelines
def _app_in_project(u: User, app_id: str, project_id: str) -> MsObj:
    app = access.require_app(u, app_id)
    if app.data.get("projectId") != project_id:
        raise Invalid("应用不属于该项目")
    return app


def _env_in_project(u: User, env_id: str, project_id: str) -> MsObj:
    env = objects.get(u.tenant, access.ENV, env_id)
    if env is None:
        raise NotFound("环境不存在")
    if env.data.get("projectId") != project_id:
        raise Invalid("环境不属于该项目")
    return env


def create(u: User, body: NewPipeline) -> str:
    access.require_project(u, body.projectId, write=True)
    app = _app_in_project(u, body.appId, body.projectId)
    if body.deployEnvId:
        _env_in_project(u, body.deployEnvId, body.projectId)
    sorts = [s.sort for s in body.stageList]
    if len(set(sorts)) != len(sorts):
        raise Invalid("流程顺序不能重复")
    if body.simulate and body.simulate.failStage not in {s.category for s in body.stageList}:
        raise Invalid("模拟失败的流程类型不在执行流程中")
    pipeline_id = objects.new_uuid()
    now = objects.now_ms_str()
    stages = [{"category": s.category, "name": s.name, "pipelineOrderId": pipeline_id,
               "pipelineStageOrderId": objects.new_uuid(), "sort": s.sort}
              for s in sorted(body.stageList, key=lambda s: s.sort)]
    data = {"appCode": app.data.get("appCode") or app.data.get("name", ""), "appId": app.obj_id,
            "appName": app.data.get("name", ""), "createStaff": u.username, "createTime": now, "deleted": False,
            "description": body.description or "", "pipelineOrderId": pipeline_id,
            "pipelineOrderName": body.pipelineOrderName, "projectId": body.projectId, "stageList": stages,
            "tenantId": u.tenant_num, "updateStaff": u.username, "updateTime": now, "permMode": body.permMode,
            "createUserId": u.user_num, "branchName": body.branchName, "deployEnvId": body.deployEnvId or ""}
    extra = {"runs": 0, "lastRecordId": ""}
    if body.simulate and body.simulate.failTimes:
        extra["simulate"] = {"failStage": body.simulate.failStage, "failTimes": body.simulate.failTimes}
    objects.create(u.tenant, PIPELINE, data, obj_id=pipeline_id, parent=body.projectId,
                   name=body.pipelineOrderName, unique_name=("流水线名称已存在", None), extra=extra)
    return pipeline_id


def _last_record(u: User, pipeline: MsObj):
    rid = (pipeline.extra or {}).get("lastRecordId")
    return runs.get_record(u.tenant, rid) if rid else None


def _flags(last) -> dict:
    status = last.data.get("statusCd") if last is not None else None
    return {"enablePause": status in runs.ACTIVE, "enableResume": status in (runs.FAILED, runs.STOPPED),
            "enableRun": status not in runs.ACTIVE}


def row(u: User, pipeline: MsObj, apps: dict | None = None) -> dict:
    d = dict(pipeline.data)
    app = (apps or {}).get(d.get("appId"))
    if app is not None:
        d["appName"] = app.data.get("name", d.get("appName", ""))
        d["appCode"] = app.data.get("appCode") or d["appName"]
    d.update(_flags(_last_record(u, pipeline)))
    out = {k: d.get(k, "") for k in ROW_FIELDS}
    out["deleted"] = False
    out["stageList"] = [{k: s.get(k) for k in ("category", "name", "pipelineOrderId", "pipelineStageOrderId", "sort")}
                        for s in d.get("stageList", [])]
    return out


def page(u: User, q: PipelinesQuery) -> dict:
    project = access.require_project(u, q.projectId)
    args = objects.window(q.pageNum, q.pageSize)
    apps = {a.obj_id: a for a in objects.all_of(u.tenant, access.APP, q.projectId)}
    group_apps = {i for i, a in apps.items() if a.data.get("appGroupId") == q.appGroupId} if q.appGroupId else None
    needle = (q.name or "").lower()
    sees_all = u.main or access.is_project_admin(u, project)

    def pred(p) -> bool:
        d = p.data
        if group_apps is not None and d.get("appId") not in group_apps:
            return False
        if needle:
            app = apps.get(d.get("appId"))
            app_name = app.data.get("name", "") if app is not None else d.get("appName", "")
            if needle not in d.get("pipelineOrderName", "").lower() and needle not in app_name.lower():
                return False
        return sees_all or level(u, p, project) >= VIEW
    filtered = group_apps is not None or bool(needle) or not sees_all
    items, total = objects.page(u.tenant, PIPELINE, args, parent=q.projectId, predicate=pred if filtered else None)
    return objects.page_info([row(u, p, apps) for p in items], total, args)


def delete(u: User, body: PipelineRef) -> bool:
    item = require_pipeline(u, body.pipelineOrderId, MANAGE)
    last = _last_record(u, item)
    if last is not None and last.data.get("statusCd") in runs.ACTIVE:
        raise Invalid("流水线正在执行中，不能删除")
    for rec in list(objects.all_of(u.tenant, runs.RUN, item.obj_id)):
        objects.delete(rec, unique=False)
    for perm in list(objects.all_of(u.tenant, PERM, item.obj_id)):
        objects.delete(perm, unique=False)
    objects.delete(item)
    return True


# ---------------------------------------------------------------- runs
def _claim(u: User, pipeline: MsObj, record_id: str, *, new_run: bool) -> None:
    """Point the pipeline at its active record, under its version (two concurrent starts: one wins)."""
    extra = dict(pipeline.extra or {})
    extra["lastRecordId"] = record_id
    if new_run:
        extra["runs"] = int(extra.get("runs", 0)) + 1
    pipeline.extra = extra
    try:
        objects.save(pipeline)
    except Conflict:
        raise Conflict(BUSY) from None


def _ensure_idle(u: User, pipeline: MsObj) -> None:
    last = _last_record(u, pipeline)
    if last is not None and last.data.get("statusCd") in runs.ACTIVE:
        raise Conflict(BUSY)


def run(u: User, body: RunRequest) -> str:
    pipeline = require_pipeline(u, body.pipelineOrderId, RUN)
    _ensure_idle(u, pipeline)
    d = pipeline.data
    app = objects.get(u.tenant, access.APP, d.get("appId", ""))
    if app is None:
        raise NotFound("应用不存在")
    project = access.get_project(u, d.get("projectId", ""))
    env_name = ""
    if d.get("deployEnvId"):
        env = objects.get(u.tenant, access.ENV, d["deployEnvId"])
        env_name = env.data.get("envName", "") if env is not None else ""
    record_id = objects.new_uuid()
    _claim(u, pipeline, record_id, new_run=True)
    build_num = int(pipeline.extra.get("runs", 1))
    now = objects.now_ms_str()
    app_name = app.data.get("name", "") or d.get("appName", "app")
    data = {"pipelineRecordId": record_id, "pipelineOrderId": pipeline.obj_id,
            "pipelineOrderName": d.get("pipelineOrderName", ""), "appId": app.obj_id,
            "appCode": app.data.get("appCode") or app_name, "branchName": body.branchName,
            "deployEnvId": d.get("deployEnvId", ""), "deployEnvName": env_name, "startTime": now, "endTime": "",
            "statusCd": runs.WAITING, "tenantId": u.tenant_num, "createStaff": u.username, "createTime": now,
            "updateStaff": u.username, "updateTime": now, "projectId": d.get("projectId", ""),
            "variableList": [v.model_dump() for v in body.variableList or []],
            "stageList": [{"category": s["category"], "name": s["name"], "pipelineRecordId": record_id,
                           "pipelineStageOrderId": s.get("pipelineStageOrderId", ""), "sort": s["sort"],
                           "statusCd": runs.WAITING} for s in d.get("stageList", [])]}
    sim = (pipeline.extra or {}).get("simulate") or {}
    extra = {"attempt": 1, "failStage": sim.get("failStage", ""), "failsLeft": int(sim.get("failTimes", 0)),
             "buildNum": build_num, "version": f"1.0.{build_num}", "appName": app_name,
             "projectCode": (project.data.get("projectCode") if project is not None else "") or "project"}
    objects.create(u.tenant, runs.RUN, data, obj_id=record_id, parent=pipeline.obj_id, extra=extra)
    _start(u, record_id, 1)
    return record_id


def _start(u: User, record_id: str, attempt: int) -> None:
    try:
        runs.start_job(u.tenant, u.username, record_id, attempt)
    except Exception:
        def failed(item):
            item.data["statusCd"] = runs.FAILED
            item.data["endTime"] = objects.now_ms_str()
        runs.update_record(u.tenant, record_id, failed)
        raise


def _record(u: User, record_id: str, need: int):
    rec = runs.get_record(u.tenant, record_id)
    if rec is None:
        raise NotFound(MISSING)
    pipeline = require_pipeline(u, rec.data.get("pipelineOrderId", ""), need)
    return rec, pipeline


def detail(u: User, q: RecordRef) -> dict:
    rec, _ = _record(u, q.pipelineRecordId, VIEW)
    d = rec.data
    keys = ("appCode", "appId", "branchName", "createStaff", "createTime", "deployEnvId", "deployEnvName", "endTime",
            "pipelineOrderId", "pipelineOrderName", "pipelineRecordId", "startTime", "statusCd", "tenantId",
            "updateStaff", "updateTime")
    out = {k: d.get(k, "") for k in keys}
    out["statusCdName"] = runs.status_name(d.get("statusCd"))
    out["variableList"] = list(d.get("variableList", []))
    out["stageList"] = [{"category": s["category"], "name": s["name"], "pipelineRecordId": rec.obj_id,
                         "sort": s["sort"], "statusCd": s["statusCd"], "statusCdName": runs.status_name(s["statusCd"])}
                        for s in runs.stages_in_order(d)]
    return out


def pause(u: User, body: RecordRef) -> bool:
    rec, _ = _record(u, body.pipelineRecordId, RUN)
    if rec.data.get("statusCd") not in runs.ACTIVE:
        raise Invalid("流水线未在执行中，不能中止")

    def change(item):
        if item.data.get("statusCd") not in runs.ACTIVE:
            raise Invalid("流水线未在执行中，不能中止")
        stages = runs.stages_in_order(item.data)
        current = next((s for s in stages if s["statusCd"] == runs.RUNNING), None) or \
            next((s for s in stages if s["statusCd"] != runs.SUCCEEDED), None)
        if current is not None:
            current["statusCd"] = runs.STOPPED
        item.data["statusCd"] = runs.STOPPED
        item.data["endTime"] = objects.now_ms_str()
        item.data["updateStaff"] = u.username
        return True
    runs.update_record(u.tenant, rec.obj_id, change)
    return True


def retry(u: User, body: RecordRef) -> str:
    rec, pipeline = _record(u, body.pipelineRecordId, RUN)
    status = rec.data.get("statusCd")
    if status in runs.ACTIVE:
        raise Conflict(BUSY)
    if status == runs.SUCCEEDED:
        raise Invalid("流水线已执行成功，无需重试")
    if (pipeline.extra or {}).get("lastRecordId") != rec.obj_id:
        _ensure_idle(u, pipeline)
    _claim(u, pipeline, rec.obj_id, new_run=False)

    def change(item):
        if item.data.get("statusCd") not in (runs.FAILED, runs.STOPPED):
            raise Conflict(BUSY)
        item.extra["attempt"] = int(item.extra.get("attempt", 1)) + 1
        runs._begin(item)
        item.data["updateStaff"] = u.username
        return int(item.extra["attempt"])
    _, attempt = runs.update_record(u.tenant, rec.obj_id, change)
    _start(u, rec.obj_id, attempt)
    return rec.obj_id


# ---------------------------------------------------------------- 5.12 pipeline member permissions
def perm_mode(u: User, q: PipelineRef) -> str:
    return require_pipeline(u, q.pipelineOrderId, VIEW, NOT_FOUND).data.get("permMode", "DEFAULT")


def change_mode(u: User, body: ModeChange) -> bool:
    item = require_pipeline(u, body.pipelineOrderId, MANAGE, NOT_FOUND)
    if item.data.get("permMode") != body.permMode:
        item.data = dict(item.data, permMode=body.permMode, updateStaff=u.username, updateTime=objects.now_ms_str())
        objects.save(item)
    return True


def perm_types() -> dict:
    return catalog.perm_types()


def _member_of(u: User, project_id: str, user_name: str) -> tuple[User, MsObj]:
    target = identity.user_by_name(u.tenant, user_name)
    member = access.member(u.tenant, project_id, target.user_num) if target is not None else None
    if member is None:
        raise Invalid(f"用户[{user_name}]不是项目成员")
    return target, member


def _is_permanent(pipeline: MsObj, member: MsObj) -> bool:
    """Project admins and the pipeline's creator manage it always (permissionId empty, cannot be removed)."""
    return (member.data.get("userId") == pipeline.data.get("createUserId")
            or catalog.PROJECT_ADMIN_ROLE in {int(r) for r in member.data.get("roleId", [])})


def _require_user_defined(pipeline: MsObj, what: str) -> None:
    if pipeline.data.get("permMode", "DEFAULT") == "DEFAULT":
        raise Invalid(f"权限模式为 DEFAULT 的流水线不支持{what}")


def _plan(u: User, pipeline: MsObj, members: list) -> list:
    plan, seen = [], set()
    project_id = pipeline.data.get("projectId", "")
    for m in members:
        if m.userName in seen:
            raise Invalid(f"成员[{m.userName}]重复")
        seen.add(m.userName)
        target, member = _member_of(u, project_id, m.userName)
        if _is_permanent(pipeline, member):
            raise Invalid(f"成员[{m.userName}]是项目管理员或流水线创建者，默认拥有管理权限")
        plan.append((target, member, m.permType))
    return plan


def _write(u: User, pipeline: MsObj, target: User, member: MsObj, perm_type: str, now: str) -> None:
    existing = _perm_row(u.tenant, pipeline.obj_id, target.user_num)
    if existing is not None:
        if existing.data.get("permType") != perm_type:
            existing.data = dict(existing.data, permType=perm_type, updateStaff=u.username, updateTime=now)
            objects.save(existing)
        return
    pid = Sequence.next("msap-pipeline-perm")
    d = member.data
    data = {"permissionId": pid, "pipelineOrderId": pipeline.obj_id, "userId": target.user_num,
            "userName": target.username, "realName": d.get("realName", target.real_name),
            "orgName": d.get("orgName", target.org_name), "permType": perm_type, "createStaff": u.username,
            "createTime": now, "updateStaff": u.username, "updateTime": now}
    objects.create(u.tenant, PERM, data, obj_id=f"{pipeline.obj_id}#{target.user_num}", parent=pipeline.obj_id,
                   name=target.username, lookup=(f"MS#{u.tenant}#PERM", str(pid)))


def insert_perm(u: User, body: PermInsert) -> bool:
    pipeline = require_pipeline(u, body.pipelineOrderId, MANAGE, NOT_FOUND)
    _require_user_defined(pipeline, "添加成员")
    [(target, member, perm_type)] = _plan(u, pipeline, [body])
    if _perm_row(u.tenant, pipeline.obj_id, target.user_num) is not None:
        raise Conflict(f"成员[{body.userName}]已拥有该流水线的权限")
    _write(u, pipeline, target, member, perm_type, objects.now_ms_str())
    return True


def update_perms(u: User, body: PermUpdate) -> bool:
    pipeline = require_pipeline(u, body.pipelineOrderId, MANAGE, NOT_FOUND)
    _require_user_defined(pipeline, "修改成员权限")
    plan = _plan(u, pipeline, body.members)  # everything is checked before anything is written
    now = objects.now_ms_str()
    for target, member, perm_type in plan:
        _write(u, pipeline, target, member, perm_type, now)
    return True


def delete_perm(u: User, body: PermRef) -> bool:
    row_item = next(iter(MsObj.gsi4.query(f"MS#{u.tenant}#PERM", MsObj.gsi4sk == str(body.permissionId), limit=1)),
                    None)
    if row_item is None:
        raise NotFound("流水线成员权限不存在")
    pipeline = require_pipeline(u, row_item.data.get("pipelineOrderId", ""), MANAGE, NOT_FOUND)
    _require_user_defined(pipeline, "移除成员")
    objects.delete(row_item, unique=False)
    return True


def _match(keyword: str | None):
    k = (keyword or "").lower()
    return lambda d: not k or k in str(d.get("userName", "")).lower() or k in str(d.get("realName", "")).lower()


def perms_page(u: User, q: PermQuery) -> dict:
    pipeline = require_pipeline(u, q.pipelineOrderId, VIEW, NOT_FOUND)
    args = objects.window(q.pageNum, q.pageSize)
    mode = pipeline.data.get("permMode", "DEFAULT")
    names = catalog.perm_type_names()
    members = {int(m.data["userId"]): m for m in access.members(u.tenant, pipeline.data.get("projectId", ""))}
    match = _match(q.keyword)
    rows = []

    def add(member: MsObj | None, perm_type: str, permission_id, staff: str, created: str, d: dict):
        md = member.data if member is not None else {}
        out = {"createStaff": staff, "createTime": created,
               "groupName": catalog.role_names(md.get("roleId", [])),
               "orgName": md.get("orgName", d.get("orgName", "")),
               "permMode": mode, "permType": perm_type, "permTypeName": names.get(perm_type, ""),
               "permissionId": permission_id, "realName": md.get("realName", d.get("realName", "")),
               "userName": md.get("userName", d.get("userName", ""))}
        if match(out):
            rows.append(out)
    if mode == "DEFAULT":
        for m in members.values():
            roles = {int(r) for r in m.data.get("roleId", [])}
            lvl = MANAGE if _is_permanent(pipeline, m) else (VIEW if roles <= {catalog.GUEST_ROLE} else RUN)
            add(m, TYPE_OF_LEVEL[lvl], None, pipeline.data.get("createStaff", ""), m.data.get("createTime", ""), {})
    else:
        for m in members.values():
            if _is_permanent(pipeline, m):
                add(m, "MANAGER", None, pipeline.data.get("createStaff", ""), m.data.get("createTime", ""), {})
        for p in objects.all_of(u.tenant, PERM, pipeline.obj_id):
            d = p.data
            m = members.get(int(d.get("userId", 0)))
            if m is not None and _is_permanent(pipeline, m):
                continue
            add(m, d.get("permType", ""), d.get("permissionId"), d.get("createStaff", ""), d.get("createTime", ""), d)
    return objects.page_info(rows[args.offset:args.offset + args.limit], len(rows), args)


def enable_members_page(u: User, q: PermQuery) -> dict:
    """Project members who can be given a permission: no permission row yet, not a permanent manager."""
    pipeline = require_pipeline(u, q.pipelineOrderId, VIEW, NOT_FOUND)
    args = objects.window(q.pageNum, q.pageSize)
    match = _match(q.keyword)
    held = {int(p.data.get("userId", 0)) for p in objects.all_of(u.tenant, PERM, pipeline.obj_id)}
    rows = [access.member_row(m) for m in access.members(u.tenant, pipeline.data.get("projectId", ""))
            if int(m.data.get("userId", 0)) not in held and not _is_permanent(pipeline, m) and match(m.data)]
    return objects.page_info(rows[args.offset:args.offset + args.limit], len(rows), args)
