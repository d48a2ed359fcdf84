"""5.1 应用管理 — applications (7 of 8; createMicroserviceApplication is served with the release instances)."""
from chalicelib.surfaces.msap import answers as a, service_app as svc
from chalicelib.surfaces.msap.blueprints import app as bp, get, post
from chalicelib.surfaces.msap.identity import user_of
from chalicelib.surfaces.msap.params import body, query


@post(bp, "/v1/app/createApplication", returns=str)
def createApplication(ctx):
    return svc.create_app(user_of(ctx), body(ctx, svc.NewApplication))


@post(bp, "/v1/app/deleteApplication", returns=bool)
def deleteApplication(ctx):
    return svc.delete_app(user_of(ctx), body(ctx, svc.AppRef))


@get(bp, "/v1/app/getApplicationListPage", returns=a.page(a.Application))
def getApplicationListPage(ctx):
    return svc.app_page(user_of(ctx), query(ctx, svc.AppQuery))


@post(bp, "/v1/app/setApplicationGroup", returns=bool)
def setApplicationGroup(ctx):
    return svc.set_group(user_of(ctx), body(ctx, svc.AppGroupSet))


@post(bp, "/v1/app/updateApplication", returns=bool)
def updateApplication(ctx):
    return svc.update_app(user_of(ctx), body(ctx, svc.AppUpdate))


@get(bp, "/v1/app/listBuildEnvs", returns=list[a.BuildEnv])
def listBuildEnvs(ctx):
    return svc.build_envs(query(ctx, svc.BuildEnvQuery))


@get(bp, "/v1/app/listRuntimeEnvs", returns=list[a.RuntimeEnv])
def listRuntimeEnvs(ctx):
    return svc.runtime_envs(query(ctx, svc.RuntimeEnvQuery))
