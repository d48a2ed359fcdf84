"""5.5 通用应用镜像部署配置管理 — image deployment configurations of generic applications (6)."""
from chalicelib.surfaces.msap import service_deploy_config as svc
from chalicelib.surfaces.msap.blueprints import deploy_config as bp, get, post
from chalicelib.surfaces.msap.identity import user_of
from chalicelib.surfaces.msap.params import body, query


@post(bp, "/v1/image/deploy/configs/createDeployConfig")
def createDeployConfig(ctx):
    return svc.create(user_of(ctx), body(ctx, svc.NewDeployConfig))


@post(bp, "/v1/image/deploy/configs/deleteDeployConfig")
def deleteDeployConfig(ctx):
    return svc.delete(user_of(ctx), body(ctx, svc.ConfigRef))


@get(bp, "/v1/image/deploy/configs/getDeployConfig")
def getDeployConfig(ctx):
    return svc.get(user_of(ctx), query(ctx, svc.ConfigQuery))


@get(bp, "/v1/image/deploy/configs/listDeployConfig")
def listDeployConfig(ctx):
    return svc.list_configs(user_of(ctx), query(ctx, svc.ListQuery))


@post(bp, "/v1/image/deploy/configs/updateEnvVariable")
def updateEnvVariable(ctx):
    return svc.update_env_variables(user_of(ctx), body(ctx, svc.EnvVariableUpdate))


@post(bp, "/v1/image/deploy/configs/updatePodResourceSpec")
def updatePodResourceSpec(ctx):
    return svc.update_pod_spec(user_of(ctx), body(ctx, svc.PodSpecUpdate))
