"""5.8 projects and 5.13 members (catalog §2.1)."""
from __future__ import annotations

from typing import Optional

from pydantic import Field, field_validator

from chalicelib.core.errors import Invalid, NotFound
from chalicelib.surfaces.msap import access, catalog, identity, objects
from chalicelib.surfaces.msap.identity import User
from chalicelib.surfaces.msap.params import Model

CODE_RE = r"^[a-z][a-z0-9-]{2,29}$"


class NewProject(Model):
    projectCode: str = Field(min_length=1, title="项目编码")
    projectName: str = Field(min_length=1, title="项目名称")
    description: Optional[str] = Field(None, max_length=500, title="项目描述")

    @field_validator("projectCode")
    @classmethod
    def _code(cls, v: str) -> str:
        import re
        if not re.fullmatch(CODE_RE, v):
            raise ValueError("项目编码不规范：3-30个字符，以小写字母开头，只能包含小写字母、数字和中划线")
        return v

    @field_validator("projectName")
    @classmethod
    def _name(cls, v: str) -> str:
        if not 3 <= len(v) <= 30:
            raise ValueError("项目名称长度必须在3到30个字符之间")
        return v


class ProjectRef(Model):
    projectId: str = Field(min_length=1, title="项目 ID")


class ProjectUpdate(ProjectRef):
    projectName: Optional[str] = Field(None, title="项目名称")
    description: Optional[str] = Field(None, max_length=500, title="项目描述")

    @field_validator("projectName")
    @classmethod
    def _name(cls, v):
        if v is not None and not 3 <= len(v) <= 30:
            raise ValueError("项目名称长度必须在3到30个字符之间")
        return v


class ProjectQuery(Model):
    pageNum: Optional[str] = None
    pageSize: Optional[str] = None
    projectName: Optional[str] = Field(None, max_length=100, title="项目名称")


def view(item) -> dict:
    d = item.data
    return {"createTime": d["createTime"], "description": d.get("description", ""), "projectCode": d["projectCode"],
            "projectId": item.obj_id, "projectName": d["projectName"], "tenantId": d["tenantId"]}


def create(u: User, body: NewProject) -> str:
    now = objects.now_ms_str()
    data = {"projectCode": body.projectCode, "projectName": body.projectName, "description": body.description or "",
            "tenantId": u.tenant_num, "createTime": now, "createStaff": u.username, "createUserId": u.user_num}
    item = objects.create(u.tenant, access.PROJECT, data, name=body.projectCode,
                          unique_name=("项目编码已存在", None))
    item.data["projectId"] = item.obj_id
    objects.save(item)
    # the creator is the project's first administrator
    access.add_member(u.tenant, item.obj_id, u, [catalog.PROJECT_ADMIN_ROLE], now)
    return item.obj_id


def update(u: User, body: ProjectUpdate) -> None:
    item = access.require_project(u, body.projectId, manage=True)
    if body.projectName is not None:
        item.data["projectName"] = body.projectName
    if body.description is not None:
        item.data["description"] = body.description
    item.data = dict(item.data, updateTime=objects.now_ms_str(), updateStaff=u.username)
    objects.save(item)


def delete(u: User, body: ProjectRef) -> None:
    item = access.require_project(u, body.projectId, manage=True)
    for kind in ("app", "env", "pipeline"):
        if objects.count(u.tenant, kind, item.obj_id):
            raise Invalid("项目下还有应用、环境或流水线，不能删除")
    # what an empty project still holds: its members, application groups and service connections
    for m in list(access.members(u.tenant, item.obj_id)):
        objects.delete(m, unique=False)
    for kind in ("appgroup", "connection"):
        for obj in list(objects.all_of(u.tenant, kind, item.obj_id)):
            objects.delete(obj)
    objects.delete(item)


def page(u: User, q: ProjectQuery) -> dict:
    args = objects.window(q.pageNum, q.pageSize)
    needle = (q.projectName or "").lower()
    if u.main:
        pred = (lambda it: needle in it.data["projectName"].lower()) if needle else None
        items, total = objects.page(u.tenant, access.PROJECT, args, predicate=pred)
        return objects.page_info([view(i) for i in items], total, args)
    # a member sees the projects it belongs to (one Query of its memberships, then one read each)
    rows = []
    for pid in access.my_project_ids(u):
        p = access.get_project(u, pid)
        if p is not None and needle in p.data["projectName"].lower():
            rows.append(p)
    rows.sort(key=lambda p: int(p.create_ms), reverse=True)
    window = rows[args.offset:args.offset + args.limit]
    return objects.page_info([view(i) for i in window], len(rows), args)


# ---------------------------------------------------------------- 5.13 members
class UserInfo(Model):
    userId: int = Field(title="用户 ID")
    userName: str = Field(min_length=1, title="用户账号")
    userRoles: list[int] = Field(title="用户角色")


class AuthorizeRole(ProjectRef):
    roles: Optional[list[int]] = Field(None, title="角色")
    uniformRole: Optional[bool] = Field(None, title="是否统一设置角色")
    userInfoVOList: Optional[list[UserInfo]] = Field(None, title="用户列表")


class UserRef(Model):
    userId: int = Field(title="用户 ID")
    userName: str = Field(min_length=1, title="用户账号")


class RemoveSub(ProjectRef):
    userList: list[UserRef] = Field(min_length=1, title="成员列表")


class MemberQuery(Model):
    projectId: str = Field(min_length=1)
    keyword: Optional[str] = Field(None, max_length=100)
    pageNum: Optional[str] = None
    pageSize: Optional[str] = None


def _tenant_user(u: User, user_id: int, user_name: str) -> User:
    target = identity.user_by_num(u.tenant, user_id)
    if target is None or target.username != user_name:
        raise NotFound(f"子账号[{user_name}]不存在")
    return target


def authorize_role(u: User, body: AuthorizeRole) -> bool:
    access.require_project(u, body.projectId, manage=True)
    users = body.userInfoVOList or []
    if not users:
        raise Invalid("用户列表不能为空")
    valid = catalog.role_ids()
    plan = []
    for info in users:
        roles = body.roles if body.uniformRole else info.userRoles
        if not roles:
            raise Invalid("成员项目角色不能为空")
        unknown = [r for r in roles if r not in valid]
        if unknown:
            raise Invalid(f"角色[{unknown[0]}]不存在")
        plan.append((_tenant_user(u, info.userId, info.userName), roles))
    now = objects.now_ms_str()
    for target, roles in plan:  # everything is checked before anything is written
        access.add_member(u.tenant, body.projectId, target, roles, now)
    return True


def remove_sub(u: User, body: RemoveSub) -> bool:
    project = access.require_project(u, body.projectId, manage=True)
    plan = []
    for ref in body.userList:
        m = access.member(u.tenant, body.projectId, ref.userId)
        if m is None or m.data.get("userName") != ref.userName:
            raise NotFound(f"成员[{ref.userName}]不在该项目中")
        if ref.userId == project.data.get("createUserId"):
            raise Invalid("不能移除项目创建者")
        plan.append(ref.userId)
    for user_id in plan:
        access.remove_member(u.tenant, body.projectId, user_id)
    return True


def _match(keyword: str | None):
    k = (keyword or "").lower()
    return lambda name, real: not k or k in (name or "").lower() or k in (real or "").lower()


def members_page(u: User, q: MemberQuery) -> dict:
    project = access.require_project(u, q.projectId)
    args = objects.window(q.pageNum, q.pageSize)
    match = _match(q.keyword)
    pred = (lambda it: match(it.data.get("userName"), it.data.get("realName"))) if q.keyword else None
    items, total = objects.page(u.tenant, access.MEMBER, args, parent=q.projectId, predicate=pred)
    creator = project.data.get("createUserId")
    return objects.page_info([access.member_row(i, can_remove=i.data.get("userId") != creator) for i in items],
                             total, args)


def enable_page(u: User, q: MemberQuery) -> dict:
    """Sub-accounts of the tenant not yet in the project (the tenant's accounts, one Query, minus members)."""
    access.require_project(u, q.projectId)
    args = objects.window(q.pageNum, q.pageSize)
    match = _match(q.keyword)
    rows = []
    for ms in identity.tenant_users(u.tenant):
        if access.member(u.tenant, q.projectId, int(ms.user_num)) is not None:
            continue
        if not match(ms.username, ms.real_name):
            continue
        rows.append({"orgName": ms.org_name or "", "realName": ms.real_name or ms.username,
                     "userId": int(ms.user_num), "userName": ms.username})
    return objects.page_info(rows[args.offset:args.offset + args.limit], len(rows), args)


def list_roles() -> list[dict]:
    return [{"groupCode": r["groupCode"], "groupName": r["groupName"], "groupType": r["groupType"],
             "roleGroupId": r["roleGroupId"]} for r in catalog.roles()]
