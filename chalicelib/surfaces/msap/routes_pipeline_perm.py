"""5.12 流水线成员权限管理 — pipeline member permissions (8)."""
from chalicelib.surfaces.msap import service_pipelines as svc
from chalicelib.surfaces.msap.blueprints import get, pipeline_perm as bp, post
from chalicelib.surfaces.msap.identity import user_of
from chalicelib.surfaces.msap.params import body, query


@post(bp, "/v1/pipeline/permission/changePermMode")
def changePermMode(ctx):
    return svc.change_mode(user_of(ctx), body(ctx, svc.ModeChange))


@post(bp, "/v1/pipeline/permission/deletePipelinePermission")
def deletePipelinePermission(ctx):
    return svc.delete_perm(user_of(ctx), body(ctx, svc.PermRef))


@post(bp, "/v1/pipeline/permission/insertPipelinePermission")
def insertPipelinePermission(ctx):
    return svc.insert_perm(user_of(ctx), body(ctx, svc.PermInsert))


@get(bp, "/v1/pipeline/permission/listEnablePipelineMembersPage")
def listEnablePipelineMembersPage(ctx):
    return svc.enable_members_page(user_of(ctx), query(ctx, svc.PermQuery))


@get(bp, "/v1/pipeline/permission/listPipelinePermissionTypes")
def listPipelinePermissionTypes(ctx):
    return svc.perm_types()


@get(bp, "/v1/pipeline/permission/listPipelinePermissionsPage")
def listPipelinePermissionsPage(ctx):
    return svc.perms_page(user_of(ctx), query(ctx, svc.PermQuery))


@get(bp, "/v1/pipeline/permission/permMode")
def permMode(ctx):
    return svc.perm_mode(user_of(ctx), query(ctx, svc.PipelineRef))


@post(bp, "/v1/pipeline/permission/updatePipelinePermission")
def updatePipelinePermission(ctx):
    return svc.update_perms(user_of(ctx), body(ctx, svc.PermUpdate))
