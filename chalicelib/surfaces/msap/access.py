"""Projects, members and data permissions: who may read and change what (catalog §2.1, §2.9, §5.11, §5.13).

Everything is inside the caller's tenant first (every key starts with it). Then:
- the tenant's **main account** has every right;
- a project's **members** (``member`` objects, one per user, with role ids) may read everything in the project;
  members with the project-admin role (``PROJECT_ADMIN``) manage the project, its members and data permissions;
  guests (``GUEST``) only read; other members create applications, environments and groups;
- an **application** or **environment** is operated (changed, deployed, deleted, its release instances run) by
  the main account, project admins, its creator, and the members granted its data permission
  (``authorizeApplication`` / ``authorizeEnv``).
A denial is HTTP 403 with the MSAP ``500`` envelope, audited by the endpoint wrapper.

  project      MS#<t>#project / ID#<projectId>           name = projectCode (unique in the tenant)
  member       scope MS#<t>#member#<projectId>, id = userId   gsi4 MS#<t>#MEMBEROF#<userId> / <projectId>
  appauth      scope MS#<t>#appauth#<appId>, id = userId
  envauth      scope MS#<t>#envauth#<envId>, id = userId
"""
from __future__ import annotations

from chalicelib.core.errors import Forbidden, NotFound
from chalicelib.store.msap import MsObj
from chalicelib.surfaces.msap import catalog, objects
from chalicelib.surfaces.msap.identity import User

PROJECT = "project"
MEMBER = "member"
APP = "app"
ENV = "env"
AUTH_KIND = {APP: "appauth", ENV: "envauth"}


# ---------------------------------------------------------------- projects
def get_project(u: User, project_id: str) -> MsObj | None:
    return objects.get(u.tenant, PROJECT, project_id)


def member(tenant: str, project_id: str, user_num: int) -> MsObj | None:
    """The member row of a user in a project (one read)."""
    return objects.get(tenant, MEMBER, f"{project_id}#{int(user_num)}")



def member_roles(u: User, project_id: str) -> set[int] | None:
    m = member(u.tenant, project_id, u.user_num)
    return None if m is None else {int(r) for r in m.data.get("roleId", [])}


def is_project_admin(u: User, project: MsObj) -> bool:
    if u.main or project.data.get("createUserId") == u.user_num:
        return True
    roles = member_roles(u, project.obj_id)
    return bool(roles and catalog.PROJECT_ADMIN_ROLE in roles)


def require_project(u: User, project_id: str, *, manage: bool = False, write: bool = False) -> MsObj:
    """The project, if the caller may see it (``write``: create things in it; ``manage``: administer it)."""
    project = get_project(u, project_id) if project_id else None
    if project is None:
        raise NotFound("项目不存在")
    if u.main or is_project_admin(u, project):
        return project
    roles = member_roles(u, project_id)
    if roles is None:
        raise Forbidden("您不是该项目的成员，无权访问")
    if manage:
        raise Forbidden("只有项目管理员可以执行该操作")
    if write and roles <= {catalog.GUEST_ROLE}:
        raise Forbidden("访客无权执行该操作")
    return project


def my_project_ids(u: User) -> list[str]:
    """Projects the caller is a member of (one Query on the membership index)."""
    return [m.gsi4sk for m in MsObj.gsi4.query(f"MS#{u.tenant}#MEMBEROF#{u.user_num}")]


# ---------------------------------------------------------------- members
def add_member(tenant: str, project_id: str, user, roles: list[int], create_time: str) -> MsObj:
    """``user``: an identity.User. Creates or replaces the member's roles."""
    existing = member(tenant, project_id, user.user_num)
    if existing is not None:
        existing.data = dict(existing.data, roleId=sorted(set(int(r) for r in roles)))
        return objects.save(existing)
    data = {"userId": user.user_num, "userName": user.username, "realName": user.real_name, "orgName": user.org_name,
            "roleId": sorted(set(int(r) for r in roles)), "createTime": create_time, "projectId": project_id}
    return objects.create(tenant, MEMBER, data, obj_id=f"{project_id}#{user.user_num}", parent=project_id,
                          name=user.username, lookup=(f"MS#{tenant}#MEMBEROF#{user.user_num}", project_id))


def remove_member(tenant: str, project_id: str, user_num: int) -> bool:
    m = member(tenant, project_id, user_num)
    if m is None:
        return False
    objects.delete(m, unique=False)
    return True


def members(tenant: str, project_id: str):
    return objects.all_of(tenant, MEMBER, project_id)


def member_row(m: MsObj, *, can_remove: bool = True) -> dict:
    """The member row of listSubAccountPage / list*Authorities."""
    d = m.data
    return {"canRemove": can_remove, "createTime": d.get("createTime", ""), "groupName": catalog.role_names(d.get("roleId", [])),
            "orgName": d.get("orgName", ""), "realName": d.get("realName", ""), "roleId": list(d.get("roleId", [])),
            "userId": d.get("userId"), "userName": d.get("userName", "")}


# ---------------------------------------------------------------- data permissions
def has_authority(u: User, kind: str, obj: MsObj) -> bool:
    return objects.get(u.tenant, AUTH_KIND[kind], f"{obj.obj_id}#{u.user_num}") is not None


def grant(tenant: str, kind: str, obj_id: str, member_item: MsObj, create_time: str) -> bool:
    item_id = f"{obj_id}#{member_item.data['userId']}"
    if objects.get(tenant, AUTH_KIND[kind], item_id) is not None:
        return False
    objects.create(tenant, AUTH_KIND[kind], dict(member_item.data, createTime=create_time), obj_id=item_id,
                   parent=obj_id, name=member_item.data.get("userName", ""))
    return True


def revoke(tenant: str, kind: str, obj_id: str, user_num: int) -> bool:
    item = objects.get(tenant, AUTH_KIND[kind], f"{obj_id}#{int(user_num)}")
    if item is None:
        return False
    objects.delete(item, unique=False)
    return True


def authorities(tenant: str, kind: str, obj_id: str):
    return objects.all_of(tenant, AUTH_KIND[kind], obj_id)


def can_operate(u: User, kind: str, obj: MsObj, project: MsObj | None = None) -> bool:
    if u.main or obj.data.get("createUserId") == u.user_num:
        return True
    project = project or get_project(u, obj.data.get("projectId", ""))
    if project is not None and is_project_admin(u, project):
        return True
    return has_authority(u, kind, obj)


def require_object(u: User, kind: str, obj_id: str, missing: str, *, operate: bool = False) -> MsObj:
    """An application or environment of the caller's tenant that the caller may see (``operate``: change)."""
    obj = objects.get(u.tenant, kind, obj_id) if obj_id else None
    if obj is None:
        raise NotFound(missing)
    project = require_project(u, obj.data.get("projectId", ""))
    if operate and not can_operate(u, kind, obj, project):
        what = "应用" if kind == APP else "环境"
        raise Forbidden(f"您没有该{what}的操作权限")
    return obj


def require_app(u: User, app_id: str, *, operate: bool = False) -> MsObj:
    return require_object(u, APP, app_id, "应用不存在", operate=operate)


def require_env(u: User, env_id: str, *, operate: bool = False) -> MsObj:
    return require_object(u, ENV, env_id, "环境不存在", operate=operate)
