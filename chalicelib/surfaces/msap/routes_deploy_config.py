"""5.5 通用应用镜像部署配置管理 — image deployment configurations of generic applications (6)."""
from chalicelib.surfaces.msap import answers as a, service_deploy_config as svc
from chalicelib.surfaces.msap.blueprints import deploy_config as bp, get, post
from chalicelib.surfaces.msap.identity import user_of
from chalicelib.surfaces.msap.params import body, query


@post(bp, "/v1/image/deploy/configs/createDeployConfig", returns=str)
def createDeployConfig(ctx):
    return svc.create(user_of(ctx), body(ctx, svc.NewDeployConfig))


@post(bp, "/v1/image/deploy/configs/deleteDeployConfig", returns=bool)
def deleteDeployConfig(ctx):
    return svc.delete(user_of(ctx), body(ctx, svc.ConfigRef))


@get(bp, "/v1/image/deploy/configs/getDeployConfig", returns=a.DeployConfig)
def getDeployConfig(ctx):
    return svc.get(user_of(ctx), query(ctx, svc.ConfigQuery))


@get(bp, "/v1/image/deploy/configs/listDeployConfig", returns=list[a.DeployConfigSummary])
def listDeployConfig(ctx):
    return svc.list_configs(user_of(ctx), query(ctx, svc.ListQuery))


@post(bp, "/v1/image/deploy/configs/updateEnvVariable", returns=bool)
def updateEnvVariable(ctx):
    return svc.update_env_variables(user_of(ctx), body(ctx, svc.EnvVariableUpdate))


@post(bp, "/v1/image/deploy/configs/updatePodResourceSpec", returns=bool)
def updatePodResourceSpec(ctx):
    return svc.update_pod_spec(user_of(ctx), body(ctx, svc.PodSpecUpdate))
