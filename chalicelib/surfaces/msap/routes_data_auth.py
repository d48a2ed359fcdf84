"""5.11 数据权限管理 — members' operation rights on one application or environment (8)."""
from chalicelib.surfaces.msap import access, answers as a, service_app as svc
from chalicelib.surfaces.msap.blueprints import data_auth as bp, get, post
from chalicelib.surfaces.msap.identity import user_of
from chalicelib.surfaces.msap.params import body, query


@post(bp, "/v1/data/authorize/authorizeApplication", returns=bool)
def authorizeApplication(ctx):
    b = body(ctx, svc.AppGrant)
    return svc.authorize(user_of(ctx), access.APP, b.appId, b.projectId, b.userIds)


@post(bp, "/v1/data/authorize/authorizeEnv", returns=bool)
def authorizeEnv(ctx):
    b = body(ctx, svc.EnvGrant)
    return svc.authorize(user_of(ctx), access.ENV, b.envId, b.projectId, b.userIds)


@get(bp, "/v1/data/authorize/listAppAuthorities", returns=a.page(a.Member))
def listAppAuthorities(ctx):
    q = query(ctx, svc.AppAuthQuery)
    return svc.authorities_page(user_of(ctx), access.APP, q.appId, q.projectId, q.keyword, q.pageNum, q.pageSize)


@get(bp, "/v1/data/authorize/listAppEnableAuthorities", returns=a.page(a.Member))
def listAppEnableAuthorities(ctx):
    q = query(ctx, svc.AppAuthQuery)
    return svc.enable_page(user_of(ctx), access.APP, q.appId, q.projectId, q.keyword, q.pageNum, q.pageSize)


@get(bp, "/v1/data/authorize/listEnvAuthorities", returns=a.page(a.Member))
def listEnvAuthorities(ctx):
    q = query(ctx, svc.EnvAuthQuery)
    return svc.authorities_page(user_of(ctx), access.ENV, q.envId, q.projectId, q.keyword, q.pageNum, q.pageSize)


@get(bp, "/v1/data/authorize/listEnvEnableAuthorities", returns=a.page(a.Member))
def listEnvEnableAuthorities(ctx):
    q = query(ctx, svc.EnvAuthQuery)
    return svc.enable_page(user_of(ctx), access.ENV, q.envId, q.projectId, q.keyword, q.pageNum, q.pageSize)


@post(bp, "/v1/data/authorize/removeAppAuthority", returns=bool)
def removeAppAuthority(ctx):
    b = body(ctx, svc.AppGrant)
    return svc.remove_authority(user_of(ctx), access.APP, b.appId, b.projectId, b.userIds)


@post(bp, "/v1/data/authorize/removeEnvAuthority", returns=bool)
def removeEnvAuthority(ctx):
    b = body(ctx, svc.EnvGrant)
    return svc.remove_authority(user_of(ctx), access.ENV, b.envId, b.projectId, b.userIds)
