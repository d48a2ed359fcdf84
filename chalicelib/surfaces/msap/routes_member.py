"""5.13 成员管理 — project members (5)."""
from chalicelib.surfaces.msap import answers as a, service_project as svc
from chalicelib.surfaces.msap.blueprints import get, member as bp, post
from chalicelib.surfaces.msap.identity import user_of
from chalicelib.surfaces.msap.params import body, query


@post(bp, "/v1/project/member/authorizeRole", returns=bool)
def authorizeRole(ctx):
    return svc.authorize_role(user_of(ctx), body(ctx, svc.AuthorizeRole))


@get(bp, "/v1/project/member/listEnableSubAccountPage", returns=a.page(a.SubAccount))
def listEnableSubAccountPage(ctx):
    return svc.enable_page(user_of(ctx), query(ctx, svc.MemberQuery))


@get(bp, "/v1/project/member/listRole", returns=list[a.Role])
def listRole(ctx):
    return svc.list_roles()


@get(bp, "/v1/project/member/listSubAccountPage", returns=a.page(a.Member))
def listSubAccountPage(ctx):
    return svc.members_page(user_of(ctx), query(ctx, svc.MemberQuery))


@post(bp, "/v1/project/member/removeSub", returns=bool)
def removeSub(ctx):
    return svc.remove_sub(user_of(ctx), body(ctx, svc.RemoveSub))
