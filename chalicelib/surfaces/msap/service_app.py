"""5.1 applications (generic ones; microservice creation lives with the release instances), 5.2 application
groups, 5.9 service connections and 5.11 data permissions (catalog §2.3, §2.9).

  app          scope MS#<t>#app#<projectId>          id = appId, name = app name (unique in the project)
  appgroup     scope MS#<t>#appgroup#<projectId>     id = appGroupId, name = group name (unique in the project)
  connection   scope MS#<t>#connection#<projectId>   id = connectionId, name = connectionName (unique in the project);
               the code-host token is sealed in ``extra`` and never returned
  appauth / envauth                                  see ``access`` (one row per granted member)

An application row stores only its ``appGroupId``; the group name is read from the group when listing, so a
renamed group shows its new name everywhere. Every check runs before the first write.
"""
from __future__ import annotations

import re
from typing import Literal, Optional
from urllib.parse import urlparse

from pydantic import AliasChoices, Field, field_validator

from chalicelib.core.errors import Conflict, Invalid, NotFound
from chalicelib.identity.sealing import seal
from chalicelib.store.msap import MsObj
from chalicelib.surfaces.msap import access, catalog, objects
from chalicelib.surfaces.msap.identity import User
from chalicelib.surfaces.msap.params import Model

APP = access.APP                 # "app"
GROUP = "appgroup"
CONNECTION = "connection"
DEPLOY = "deploy"                # deployed applications (release instances), owned by the instance module

APP_NAME_RE = re.compile(r"^[a-z][A-Za-z0-9]{2,29}$")
APP_NAME_RULE = "应用名称不规范：3-30个字符，以小写字母开头，后面只能是大小写字母和数字"
REPO_RULE = "仓库地址不规范：长度不能超过100个字符，以 http/https 开头"
GROUP_NAME_MAX = 10
CONNECTION_TYPES = {"GITEE": "Gitee", "GITHUB": "GitHub"}

APP_EXISTS = "应用名称已存在"
GROUP_EXISTS = "应用分组名称已存在"
CONNECTION_EXISTS = "服务连接名称已存在"


def _app_id_field(**kw):
    """``appId``; the document spells it ``appld`` (lowercase L) in several request examples: accept both."""
    return Field(validation_alias=AliasChoices("appId", "appld"), title="应用 ID", **kw)


def _blank_to_none(v):
    return None if isinstance(v, str) and not v.strip() else v


# ================================================================ helpers other modules use
def has_deployments(tenant: str, app_id: str) -> bool:
    """Whether the application has a deployed application (release instance) in any environment."""
    return next(iter(MsObj.gsi4.query(f"MS#{tenant}#DEPLOYAPP#{app_id}", limit=1)), None) is not None


def repo_parts(address: str) -> tuple[str, str]:
    """(codeReposOrganization, codeReposName) of a repository address: the last path segment without ``.git``
    and the one before it (``https://gitee.com/org/repo.git`` → ("org", "repo"))."""
    segments = [s for s in (urlparse(address).path or "").split("/") if s]
    name = segments[-1] if segments else ""
    if name.endswith(".git"):
        name = name[:-4]
    org = segments[-2] if len(segments) >= 2 else ""
    return org, name


def check_repo_address(v: str) -> str:
    v = v.strip()
    try:
        parsed = urlparse(v)
        parsed.port  # noqa: B018 (raises on a malformed port)
    except ValueError:
        raise ValueError(REPO_RULE) from None
    if len(v) > 100 or parsed.scheme not in ("http", "https") or not parsed.netloc or any(c.isspace() for c in v):
        raise ValueError(REPO_RULE)
    return v


def get_connection(u: User, connection_id: str) -> MsObj | None:
    return objects.get(u.tenant, CONNECTION, connection_id) if connection_id else None


def require_connection(u: User, project_id: str, connection_id: str, origin: str | None = None) -> MsObj:
    """A service connection of the project (and, with ``origin``, of that code host)."""
    conn = get_connection(u, connection_id)
    if conn is None or conn.data.get("projectId") != project_id:
        raise NotFound("服务连接不存在")
    if origin is not None and conn.data.get("connectionType") != origin:
        raise Invalid(f"服务连接类型[{conn.data.get('connectionType')}]与代码仓库来源[{origin}]不一致")
    return conn


def get_group(u: User, group_id: str) -> MsObj | None:
    return objects.get(u.tenant, GROUP, group_id) if group_id else None


def require_group(u: User, group_id: str, project_id: str | None = None) -> MsObj:
    group = get_group(u, group_id)
    if group is None or (project_id is not None and group.data.get("projectId") != project_id):
        raise NotFound("应用分组不存在")
    return group


def app_row(item: MsObj, group_names: dict[str, str] | None = None) -> dict:
    """The row of getApplicationListPage (every documented field, plus the example's ``appName``)."""
    d = item.data
    gid = d.get("appGroupId") or ""
    group_name = (group_names or {}).get(gid, "") if gid else ""
    return {
        "appGroupId": gid, "appGroupName": group_name, "appId": item.obj_id, "appName": d.get("name", item.name),
        "category": d.get("category", "GENERAL_APP"), "codeReposAddress": d.get("codeReposAddress", ""),
        "codeReposName": d.get("codeReposName", ""), "codeReposOrganization": d.get("codeReposOrganization", ""),
        "connectionId": d.get("connectionId", ""), "createStaff": d.get("createStaff", ""),
        "createTime": d.get("createTime", ""), "description": d.get("description", ""),
        "name": d.get("name", item.name), "origin": d.get("origin", ""), "projectId": d.get("projectId", ""),
        "statusCd": d.get("statusCd", "S0A"), "statusTime": d.get("statusTime", d.get("createTime", "")),
        "type": d.get("type", "EXTERNAL_CODE"),
    }


def _group_names(u: User, items) -> dict[str, str]:
    """One get per distinct group of the page."""
    names = {}
    for gid in {i.data.get("appGroupId") for i in items if i.data.get("appGroupId")}:
        g = get_group(u, gid)
        names[gid] = g.data.get("name", g.name) if g is not None else ""
    return names


# ================================================================ 5.1 applications
class NewApplication(Model):
    codeReposAddress: str = Field(min_length=1, title="仓库地址")
    connectionId: str = Field(min_length=1, max_length=128, title="服务连接 ID")
    description: Optional[str] = Field(None, max_length=500, title="应用描述")
    name: str = Field(min_length=1, title="应用名称")
    origin: Literal["GITEE", "GITHUB"] = Field(title="代码仓库来源")
    projectId: str = Field(min_length=1, max_length=128, title="项目 ID")

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not APP_NAME_RE.fullmatch(v):
            raise ValueError(APP_NAME_RULE)
        return v

    @field_validator("codeReposAddress")
    @classmethod
    def _repo(cls, v: str) -> str:
        return check_repo_address(v)


class AppRef(Model):
    appId: str = _app_id_field(min_length=1, max_length=128)


class AppUpdate(AppRef):
    connectionId: Optional[str] = Field(None, max_length=128, title="服务连接 ID")
    description: Optional[str] = Field(None, max_length=500, title="应用描述")

    @field_validator("connectionId", mode="before")
    @classmethod
    def _blank(cls, v):
        return _blank_to_none(v)


class AppGroupSet(AppRef):
    appGroupId: str = Field(min_length=1, max_length=128, title="分组 ID")


class AppQuery(Model):
    projectId: str = Field(min_length=1, max_length=128, title="项目 ID")
    appGroupId: Optional[str] = Field(None, max_length=128, title="分组 ID")
    name: Optional[str] = Field(None, max_length=100, title="应用名称")
    pageNum: Optional[str] = None
    pageSize: Optional[str] = None


class BuildEnvQuery(Model):
    buildEnvLabel: str = Field(min_length=1, max_length=64, title="编译环境标签")


class RuntimeEnvQuery(Model):
    runtimeEnvLabel: str = Field(min_length=1, max_length=64, title="运行环境标签")


def create_app(u: User, body: NewApplication) -> str:
    access.require_project(u, body.projectId, write=True)
    require_connection(u, body.projectId, body.connectionId, body.origin)
    app_id = objects.new_uuid()
    now = objects.now_ms_str()
    org, repo = repo_parts(body.codeReposAddress)
    data = {"appGroupId": "", "appGroupName": "", "appId": app_id, "category": "GENERAL_APP",
            "codeReposAddress": body.codeReposAddress, "codeReposName": repo, "codeReposOrganization": org,
            "connectionId": body.connectionId, "createStaff": u.real_name or u.username, "createTime": now,
            "description": body.description or "", "name": body.name, "origin": body.origin, "statusCd": "S0A",
            "statusTime": now, "type": "EXTERNAL_CODE", "projectId": body.projectId, "createUserId": u.user_num}
    objects.create(u.tenant, APP, data, obj_id=app_id, parent=body.projectId, name=body.name,
                   unique_name=(APP_EXISTS, None))
    return app_id


def delete_app(u: User, body: AppRef) -> bool:
    item = access.require_app(u, body.appId, operate=True)
    if has_deployments(u.tenant, item.obj_id):
        raise Conflict("应用存在发布实例，不能删除")
    from chalicelib.surfaces.msap import service_deploy_config  # (it reads applications through this module)
    for grant_row in list(access.authorities(u.tenant, access.APP, item.obj_id)):
        objects.delete(grant_row, unique=False)
    service_deploy_config.delete_for_app(u.tenant, item.obj_id)
    objects.delete(item)
    return True


def update_app(u: User, body: AppUpdate) -> bool:
    item = access.require_app(u, body.appId, operate=True)
    if body.connectionId is not None:
        origin = item.data.get("origin")
        require_connection(u, item.data.get("projectId", ""), body.connectionId,
                           origin if origin in CONNECTION_TYPES else None)
        item.data["connectionId"] = body.connectionId
    if body.description is not None:
        item.data["description"] = body.description
    item.data = dict(item.data, updateTime=objects.now_ms_str(), updateStaff=u.real_name or u.username)
    objects.save(item)
    return True


def set_group(u: User, body: AppGroupSet) -> bool:
    item = access.require_app(u, body.appId, operate=True)
    require_group(u, body.appGroupId, item.data.get("projectId", ""))
    item.data = dict(item.data, appGroupId=body.appGroupId, updateTime=objects.now_ms_str(),
                     updateStaff=u.real_name or u.username)
    objects.save(item)
    return True


def app_page(u: User, q: AppQuery) -> dict:
    access.require_project(u, q.projectId)
    args = objects.window(q.pageNum, q.pageSize)
    needle = (q.name or "").lower()
    group = q.appGroupId or ""
    pred = None
    if needle or group:
        def pred(it):
            return needle in str(it.data.get("name", it.name)).lower() and (
                not group or it.data.get("appGroupId") == group)
    items, total = objects.page(u.tenant, APP, args, parent=q.projectId, predicate=pred)
    names = _group_names(u, items)
    return objects.page_info([app_row(i, names) for i in items], total, args)


BUILD_ENV_FIELDS = ("buildCommand", "buildEnvCode", "buildEnvId", "buildEnvLabel", "buildEnvName", "buildEnvType",
                    "description")


def build_envs(q: BuildEnvQuery) -> list[dict]:
    return [{k: b.get(k, "") for k in BUILD_ENV_FIELDS} for b in catalog.build_envs(q.buildEnvLabel.strip())]


def runtime_envs(q: RuntimeEnvQuery) -> list[dict]:
    return [{"label": r.get("label", ""), "runtimeEnvCode": r["runtimeEnvCode"], "runtimeEnvId": r["runtimeEnvId"],
             "runtimeEnvName": r.get("runtimeEnvName", ""),
             "versionList": [{"runtimeEnvVer": v["runtimeEnvVer"], "runtimeEnvVerId": v["runtimeEnvVerId"]}
                             for v in r.get("versionList", [])]}
            for r in catalog.runtime_envs(q.runtimeEnvLabel.strip())]


# ================================================================ 5.2 application groups
def _group_name(v: str) -> str:
    v = v.strip()
    if not v:
        raise ValueError("分组名称不能为空")
    if len(v) > GROUP_NAME_MAX:
        raise ValueError(f"分组名称长度不能超过{GROUP_NAME_MAX}个字符")
    return v


class NewGroup(Model):
    name: str = Field(min_length=1, title="分组名称")
    projectId: str = Field(min_length=1, max_length=128, title="项目 ID")

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        return _group_name(v)


class GroupRef(Model):
    appGroupId: str = Field(min_length=1, max_length=128, title="分组 ID")


class GroupUpdate(GroupRef):
    name: str = Field(min_length=1, title="分组名称")

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        return _group_name(v)


class GroupQuery(Model):
    projectId: str = Field(min_length=1, max_length=128, title="项目 ID")


def group_row(g: MsObj) -> dict:
    """The document's row calls the group id ``appId`` (§8.11); ``appGroupId`` carries it too."""
    return {"appId": g.obj_id, "appGroupId": g.obj_id, "name": g.data.get("name", g.name),
            "projectId": g.data.get("projectId", ""), "createTime": g.data.get("createTime", "")}


def create_group(u: User, body: NewGroup) -> str:
    access.require_project(u, body.projectId, write=True)
    gid = objects.new_uuid()
    data = {"appGroupId": gid, "name": body.name, "projectId": body.projectId, "createTime": objects.now_ms_str(),
            "createStaff": u.real_name or u.username, "createUserId": u.user_num}
    objects.create(u.tenant, GROUP, data, obj_id=gid, parent=body.projectId, name=body.name,
                   unique_name=(GROUP_EXISTS, None))
    return gid


def list_groups(u: User, q: GroupQuery) -> list[dict]:
    access.require_project(u, q.projectId)
    return [group_row(g) for g in objects.all_of(u.tenant, GROUP, q.projectId)]


def _writable_group(u: User, group_id: str) -> MsObj:
    group = require_group(u, group_id)
    access.require_project(u, group.data.get("projectId", ""), write=True)
    return group


def update_group(u: User, body: GroupUpdate) -> bool:
    group = _writable_group(u, body.appGroupId)
    if body.name != group.name:
        clash = objects.by_name(u.tenant, GROUP, body.name, group.data.get("projectId"))
        if clash is not None and clash.obj_id != group.obj_id:
            raise Conflict(GROUP_EXISTS)
    group.data = dict(group.data, name=body.name, updateTime=objects.now_ms_str(),
                      updateStaff=u.real_name or u.username)
    objects.save(group, rename=body.name, unique_name=(GROUP_EXISTS, None))
    return True


def delete_group(u: User, body: GroupRef) -> bool:
    group = _writable_group(u, body.appGroupId)
    project_id = group.data.get("projectId", "")
    in_use, _ = objects.page(u.tenant, APP, objects.ListArgs(1, 0, "create_time", False), parent=project_id,
                             predicate=lambda it: it.data.get("appGroupId") == group.obj_id)
    if in_use:
        raise Conflict("分组下存在应用，不能删除")
    objects.delete(group)
    return True


# ================================================================ 5.9 service connections
class NewConnection(Model):
    projectId: str = Field(min_length=1, max_length=128, title="项目 ID")
    connectionName: str = Field(min_length=1, max_length=50, title="服务连接名称")
    connectionType: Literal["GITEE", "GITHUB"] = Field(title="服务连接类型")
    token: str = Field(min_length=1, max_length=1024, title="访问令牌")

    @field_validator("connectionName")
    @classmethod
    def _cname(cls, v: str) -> str:
        v = v.strip()
        if not v:
            raise ValueError("服务连接名称不能为空")
        return v


class ConnectionQuery(Model):
    projectId: str = Field(min_length=1, max_length=128, title="项目 ID")
    connectionName: Optional[str] = Field(None, max_length=100, title="服务连接名称")
    connectionType: Optional[Literal["GITEE", "GITHUB"]] = Field(None, title="服务连接类型")


def connection_row(c: MsObj) -> dict:
    d = c.data
    return {"connectionId": c.obj_id, "connectionName": d.get("connectionName", c.name),
            "connectionType": d.get("connectionType", ""),
            "connectionTypeName": CONNECTION_TYPES.get(d.get("connectionType", ""), d.get("connectionType", "")),
            "createStaff": d.get("createStaff", ""), "createTime": d.get("createTime", "")}


def sealing_context(tenant: str, connection_id: str) -> str:
    return f"msap-connection:{tenant}:{connection_id}"


def create_connection(u: User, body: NewConnection) -> str:
    access.require_project(u, body.projectId, manage=True)
    cid = objects.new_uuid()
    data = {"connectionId": cid, "connectionName": body.connectionName, "connectionType": body.connectionType,
            "createStaff": u.real_name or u.username, "createTime": objects.now_ms_str(),
            "projectId": body.projectId, "createUserId": u.user_num}
    objects.create(u.tenant, CONNECTION, data, obj_id=cid, parent=body.projectId, name=body.connectionName,
                   unique_name=(CONNECTION_EXISTS, None),
                   extra={"token": seal(body.token, sealing_context(u.tenant, cid))})
    return cid


def list_connections(u: User, q: ConnectionQuery) -> list[dict]:
    access.require_project(u, q.projectId)
    needle = (q.connectionName or "").strip().lower()
    rows = []
    for c in objects.all_of(u.tenant, CONNECTION, q.projectId):
        if q.connectionType and c.data.get("connectionType") != q.connectionType:
            continue
        if needle and needle not in str(c.data.get("connectionName", c.name)).lower():
            continue
        rows.append(connection_row(c))
    return rows


def connection_token(u: User, connection_id: str) -> str | None:
    """The plain token of a connection (for builds that clone the repository); never returned by the API."""
    from chalicelib.identity.sealing import unseal
    conn = get_connection(u, connection_id)
    sealed = (conn.extra or {}).get("token") if conn is not None else None
    return unseal(sealed, sealing_context(u.tenant, conn.obj_id)) if sealed else None


# ================================================================ 5.11 data permissions
class AppGrant(Model):
    appId: str = _app_id_field(min_length=1, max_length=128)
    projectId: str = Field(min_length=1, max_length=128, title="项目 ID")
    userIds: list[int] = Field(min_length=1, max_length=200, title="用户 ID 列表")


class EnvGrant(Model):
    envId: str = Field(min_length=1, max_length=128, title="环境 ID")
    projectId: str = Field(min_length=1, max_length=128, title="项目 ID")
    userIds: list[int] = Field(min_length=1, max_length=200, title="用户 ID 列表")


class AppAuthQuery(Model):
    appId: str = Field(min_length=1, max_length=128, title="应用 ID")
    projectId: str = Field(min_length=1, max_length=128, title="项目 ID")
    keyword: Optional[str] = Field(None, max_length=100, title="关键字")
    pageNum: Optional[str] = None
    pageSize: Optional[str] = None


class EnvAuthQuery(Model):
    envId: str = Field(min_length=1, max_length=128, title="环境 ID")
    projectId: str = Field(min_length=1, max_length=128, title="项目 ID")
    keyword: Optional[str] = Field(None, max_length=100, title="关键字")
    pageNum: Optional[str] = None
    pageSize: Optional[str] = None


def _target(u: User, kind: str, obj_id: str, project_id: str, *, manage: bool) -> tuple[MsObj, MsObj]:
    """(project, app or env): the project first (existence, then the caller's right), then the object in it."""
    project = access.require_project(u, project_id, manage=manage)
    obj = objects.get(u.tenant, kind, obj_id)
    if obj is None or obj.data.get("projectId") != project_id:
        what = "应用" if kind == access.APP else "环境"
        raise NotFound(f"{what}[{obj_id}]不存在")
    return project, obj


def _unique_ids(ids: list[int]) -> list[int]:
    return list(dict.fromkeys(int(i) for i in ids))


def authorize(u: User, kind: str, obj_id: str, project_id: str, user_ids: list[int]) -> bool:
    _, obj = _target(u, kind, obj_id, project_id, manage=True)
    plan = []
    for uid in _unique_ids(user_ids):
        m = access.member(u.tenant, project_id, uid)
        if m is None:
            raise Invalid(f"用户[{uid}]不是项目成员")
        plan.append(m)
    now = objects.now_ms_str()
    for m in plan:  # everything checked before the first write
        access.grant(u.tenant, kind, obj.obj_id, m, now)
    return True


def remove_authority(u: User, kind: str, obj_id: str, project_id: str, user_ids: list[int]) -> bool:
    _, obj = _target(u, kind, obj_id, project_id, manage=True)
    plan = []
    for uid in _unique_ids(user_ids):
        held = objects.get(u.tenant, access.AUTH_KIND[kind], f"{obj.obj_id}#{uid}") is not None
        if not held and access.member(u.tenant, project_id, uid) is None:
            raise Invalid(f"用户[{uid}]不是项目成员")
        plan.append(uid)
    for uid in plan:
        access.revoke(u.tenant, kind, obj.obj_id, uid)
    return True


def _keyword(keyword: str | None):
    k = (keyword or "").strip().lower()
    return lambda d: not k or k in str(d.get("userName", "")).lower() or k in str(d.get("realName", "")).lower()


def authorities_page(u: User, kind: str, obj_id: str, project_id: str, keyword, page_num, page_size) -> dict:
    """Members holding the object's data permission, newest grant first (two Queries: grants and members)."""
    _target(u, kind, obj_id, project_id, manage=False)
    args = objects.window(page_num, page_size)
    members = {int(m.data["userId"]): m for m in access.members(u.tenant, project_id)}
    match = _keyword(keyword)
    rows = []
    for g in access.authorities(u.tenant, kind, obj_id):
        m = members.get(int(g.data.get("userId", -1)))
        if m is None or not match(m.data):  # a removed member keeps no visible right
            continue
        rows.append((int(g.create_ms), dict(access.member_row(m, can_remove=True),
                                            createTime=g.data.get("createTime", ""))))
    rows.sort(key=lambda r: r[0], reverse=True)
    rows = [r for _, r in rows]
    return objects.page_info(rows[args.offset:args.offset + args.limit], len(rows), args)


def enable_page(u: User, kind: str, obj_id: str, project_id: str, keyword, page_num, page_size) -> dict:
    """Project members who may still be granted the permission: not holding it, and not operating the object
    by role already (project administrators, the object's creator)."""
    _, obj = _target(u, kind, obj_id, project_id, manage=False)
    args = objects.window(page_num, page_size)
    held = {int(g.data.get("userId", -1)) for g in access.authorities(u.tenant, kind, obj_id)}
    creator = obj.data.get("createUserId")
    match = _keyword(keyword)
    rows = []
    for m in reversed(list(access.members(u.tenant, project_id))):
        uid = int(m.data["userId"])
        roles = {int(r) for r in m.data.get("roleId", [])}
        if uid in held or uid == creator or catalog.PROJECT_ADMIN_ROLE in roles or not match(m.data):
            continue
        rows.append(access.member_row(m, can_remove=False))
    return objects.page_info(rows[args.offset:args.offset + args.limit], len(rows), args)
