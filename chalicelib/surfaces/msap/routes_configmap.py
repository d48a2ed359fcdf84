"""5.10 K8s 配置项管理 — ConfigMaps (4)."""
from chalicelib.surfaces.msap import answers as a, service_configmap as svc
from chalicelib.surfaces.msap.blueprints import configmap as bp, get, post
from chalicelib.surfaces.msap.identity import user_of
from chalicelib.surfaces.msap.params import body, query


@post(bp, "/v1/configmap/createK8sConfigMap", returns=str)
def createK8sConfigMap(ctx):
    return svc.create(user_of(ctx), body(ctx, svc.NewConfigMap))


@post(bp, "/v1/configmap/deleteK8sConfigMap", returns=bool)
def deleteK8sConfigMap(ctx):
    return svc.delete(user_of(ctx), body(ctx, svc.ConfigMapRef))


@get(bp, "/v1/configmap/listK8sConfigMaps", returns=a.page(a.ConfigMap))
def listK8sConfigMaps(ctx):
    return svc.page(user_of(ctx), query(ctx, svc.ConfigMapQuery))


@post(bp, "/v1/configmap/updateK8sConfigMap", returns=bool)
def updateK8sConfigMap(ctx):
    return svc.update(user_of(ctx), body(ctx, svc.ConfigMapUpdate))
