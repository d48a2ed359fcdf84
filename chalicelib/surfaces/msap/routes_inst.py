"""5.3 应用发布实例运维 — release instances (21), and 5.1.6 createMicroserviceApplication (它启动第一次部署)."""
from chalicelib.surfaces.msap import answers as a, service_inst as svc
from chalicelib.surfaces.msap.blueprints import app as app_bp, app_inst as bp, get, post
from chalicelib.surfaces.msap.identity import user_of
from chalicelib.surfaces.msap.params import body, query


@post(app_bp, "/v1/app/createMicroserviceApplication", returns=a.DeployStarted)
def createMicroserviceApplication(ctx):
    return svc.create_microservice(user_of(ctx), body(ctx, svc.NewMicroserviceApp))


@post(bp, "/v1/app/inst/createK8sService", returns=str)
def createK8sService(ctx):
    return svc.create_service(user_of(ctx), body(ctx, svc.ServiceRequest))


@post(bp, "/v1/app/inst/deleteK8sApplication", returns=a.Empty)
def deleteK8sApplication(ctx):
    svc.delete_app(user_of(ctx), body(ctx, svc.DeployRef))
    return ""


@post(bp, "/v1/app/inst/deleteK8sService", returns=a.Empty)
def deleteK8sService(ctx):
    svc.delete_service(user_of(ctx), body(ctx, svc.ServiceName))
    return ""


@get(bp, "/v1/app/inst/describeAppInstanceList", returns=list[a.AppInstance])
def describeAppInstanceList(ctx):
    return svc.pods(user_of(ctx), query(ctx, svc.DeployQuery))


@get(bp, "/v1/app/inst/getAppDeployment", returns=a.AppDeployment)
def getAppDeployment(ctx):
    return svc.deployment(user_of(ctx), query(ctx, svc.DeployQuery))


@get(bp, "/v1/app/inst/getChangeOrderInfo", returns=a.ChangeOrderInfo)
def getChangeOrderInfo(ctx):
    return svc.order_info(user_of(ctx), query(ctx, svc.OrderQuery))


@get(bp, "/v1/app/inst/getK8sApplication", returns=a.K8sApplication)
def getK8sApplication(ctx):
    return svc.get_app(user_of(ctx), query(ctx, svc.DeployQuery))


@get(bp, "/v1/app/inst/getK8sApplicationStatus", returns=a.K8sApplicationStatus)
def getK8sApplicationStatus(ctx):
    return svc.get_status(user_of(ctx), query(ctx, svc.DeployQuery))


@get(bp, "/v1/app/inst/getK8sServices", returns=list[a.K8sService])
def getK8sServices(ctx):
    return svc.services(user_of(ctx), query(ctx, svc.DeployQuery))


@get(bp, "/v1/app/inst/listApplication", returns=list[a.DeployedApplication])
def listApplication(ctx):
    return svc.list_deployed(user_of(ctx), query(ctx, svc.ListQuery))


@get(bp, "/v1/app/inst/listRecentChangeOrder", returns=list[a.ChangeOrder])
def listRecentChangeOrder(ctx):
    return svc.recent_orders(user_of(ctx), query(ctx, svc.DeployQuery))


@post(bp, "/v1/app/inst/restartK8sApplication", returns=str)
def restartK8sApplication(ctx):
    return svc.restart(user_of(ctx), body(ctx, svc.DeployRef))


@post(bp, "/v1/app/inst/scaleK8sApplication", returns=str)
def scaleK8sApplication(ctx):
    return svc.scale(user_of(ctx), body(ctx, svc.ScaleRequest))


@post(bp, "/v1/app/inst/startK8sApplication", returns=str)
def startK8sApplication(ctx):
    return svc.start(user_of(ctx), body(ctx, svc.StartRequest))


@post(bp, "/v1/app/inst/stopK8sApplication", returns=str)
def stopK8sApplication(ctx):
    return svc.stop(user_of(ctx), body(ctx, svc.DeployRef))


@post(bp, "/v1/app/inst/updateK8sService", returns=str)
def updateK8sService(ctx):
    return svc.update_service(user_of(ctx), body(ctx, svc.ServiceRequest))


@post(bp, "/v1/app/inst/continuePipeline", returns=bool)
def continuePipeline(ctx):
    return svc.continue_pipeline(user_of(ctx), body(ctx, svc.ContinueRequest))


@post(bp, "/v1/app/inst/deployK8sApplication", returns=a.DeployStarted)
def deployK8sApplication(ctx):
    return svc.deploy(user_of(ctx), body(ctx, svc.DeployRequest))


@get(bp, "/v1/app/inst/listHistoryDeployVersion", returns=list[a.HistoryDeployVersion])
def listHistoryDeployVersion(ctx):
    return svc.history(user_of(ctx), query(ctx, svc.DeployQuery))


@post(bp, "/v1/app/inst/rollback", returns=str)
def rollback(ctx):
    return svc.rollback(user_of(ctx), body(ctx, svc.RollbackRequest))


@post(bp, "/v1/app/inst/rollbackApplication", returns=str)
def rollbackApplication(ctx):
    return svc.rollback_application(user_of(ctx), body(ctx, svc.RollbackAppRequest))
