"""5.4 环境管理 — environments, imported K8s resources, namespaces, resource pools (14 + the listEnvK8s alias)."""
from chalicelib.surfaces.msap import answers as a, service_env as svc
from chalicelib.surfaces.msap.blueprints import env as bp, get, post
from chalicelib.surfaces.msap.identity import user_of
from chalicelib.surfaces.msap.params import body, query


@post(bp, "/v1/env/createEnv", returns=str)
def createEnv(ctx):
    return svc.create_env(user_of(ctx), body(ctx, svc.NewEnv))


@post(bp, "/v1/env/createK8sNameSpace", returns=a.Empty)
def createK8sNameSpace(ctx):
    svc.create_namespace(user_of(ctx), body(ctx, svc.NamespaceRef))
    return ""


@post(bp, "/v1/env/deleteEnv", returns=a.Empty)
def deleteEnv(ctx):
    svc.delete_env(user_of(ctx), body(ctx, svc.EnvRef))
    return ""


@post(bp, "/v1/env/deleteK8sNamespaces", returns=a.Empty)
def deleteK8sNamespaces(ctx):
    svc.delete_namespace(user_of(ctx), body(ctx, svc.NamespaceRef))
    return ""


@post(bp, "/v1/env/deleteResource", returns=a.Empty)
def deleteResource(ctx):
    svc.delete_resources(user_of(ctx), body(ctx, svc.DeleteResource))
    return ""


@get(bp, "/v1/env/getK8sCluster", returns=list[a.ResourceInstance])
def getK8sCluster(ctx):
    return svc.k8s_clusters(query(ctx, svc.PoolQuery))


@post(bp, "/v1/env/importResource", returns=a.Empty)
def importResource(ctx):
    svc.import_resources(user_of(ctx), body(ctx, svc.ImportResource))
    return ""


@get(bp, "/v1/env/listEnvTypes", returns=list[a.EnvType])
def listEnvTypes(ctx):
    return svc.list_env_types(user_of(ctx), query(ctx, svc.ProjectQuery))


@get(bp, "/v1/env/listEnvs", returns=list[a.Env])
def listEnvs(ctx):
    return svc.list_envs(user_of(ctx), query(ctx, svc.ProjectQuery))


@get(bp, "/v1/env/listEvnK8s", returns=list[a.EnvK8s])
def listEvnK8s(ctx):
    return svc.list_env_k8s(user_of(ctx), query(ctx, svc.EnvRef))


@get(bp, "/v1/env/listEnvK8s", returns=list[a.EnvK8s])
def listEnvK8s(ctx):
    """The corrected spelling of the documented ``listEvnK8s`` (catalog §8.8)."""
    return svc.list_env_k8s(user_of(ctx), query(ctx, svc.EnvRef))


@get(bp, "/v1/env/listK8sNameSpace", returns=list[str])
def listK8sNameSpace(ctx):
    return svc.list_namespaces(query(ctx, svc.InstQuery))


@get(bp, "/v1/env/listRegions", returns=list[a.Region])
def listRegions(ctx):
    return svc.list_regions()


@post(bp, "/v1/env/updateEnv", returns=a.Empty)
def updateEnv(ctx):
    svc.update_env(user_of(ctx), body(ctx, svc.EnvUpdate))
    return ""


@get(bp, "/v1/env/getMseList", returns=list[a.ResourceInstance])
def getMseList(ctx):
    return svc.mse_list(query(ctx, svc.PoolQuery))
