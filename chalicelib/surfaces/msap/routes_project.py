"""5.8 项目管理 — projects (4)."""
from chalicelib.surfaces.msap import answers as a, service_project as svc
from chalicelib.surfaces.msap.blueprints import get, post, project as bp
from chalicelib.surfaces.msap.identity import user_of
from chalicelib.surfaces.msap.params import body, query


@post(bp, "/v1/project/createProject", returns=str)
def createProject(ctx):
    return svc.create(user_of(ctx), body(ctx, svc.NewProject))


@post(bp, "/v1/project/deleteProject", returns=a.Empty)
def deleteProject(ctx):
    svc.delete(user_of(ctx), body(ctx, svc.ProjectRef))
    return ""


@get(bp, "/v1/project/listProjectsPage", returns=a.page(a.Project))
def listProjectsPage(ctx):
    return svc.page(user_of(ctx), query(ctx, svc.ProjectQuery))


@post(bp, "/v1/project/updateProject", returns=a.Empty)
def updateProject(ctx):
    svc.update(user_of(ctx), body(ctx, svc.ProjectUpdate))
    return ""
