"""5.12 流水线成员权限管理 — pipeline member permissions (8)."""
from chalicelib.surfaces.msap import answers as a, service_pipelines as svc
from chalicelib.surfaces.msap.blueprints import get, pipeline_perm as bp, post
from chalicelib.surfaces.msap.identity import user_of
from chalicelib.surfaces.msap.params import body, query


@post(bp, "/v1/pipeline/permission/changePermMode", returns=bool)
def changePermMode(ctx):
    return svc.change_mode(user_of(ctx), body(ctx, svc.ModeChange))


@post(bp, "/v1/pipeline/permission/deletePipelinePermission", returns=bool)
def deletePipelinePermission(ctx):
    return svc.delete_perm(user_of(ctx), body(ctx, svc.PermRef))


@post(bp, "/v1/pipeline/permission/insertPipelinePermission", returns=bool)
def insertPipelinePermission(ctx):
    return svc.insert_perm(user_of(ctx), body(ctx, svc.PermInsert))


@get(bp, "/v1/pipeline/permission/listEnablePipelineMembersPage", returns=a.page(a.Member))
def listEnablePipelineMembersPage(ctx):
    return svc.enable_members_page(user_of(ctx), query(ctx, svc.PermQuery))


@get(bp, "/v1/pipeline/permission/listPipelinePermissionTypes", returns=a.PermissionTypes)
def listPipelinePermissionTypes(ctx):
    return svc.perm_types()


@get(bp, "/v1/pipeline/permission/listPipelinePermissionsPage", returns=a.page(a.PipelinePermission))
def listPipelinePermissionsPage(ctx):
    return svc.perms_page(user_of(ctx), query(ctx, svc.PermQuery))


@get(bp, "/v1/pipeline/permission/permMode", returns=str)
def permMode(ctx):
    return svc.perm_mode(user_of(ctx), query(ctx, svc.PipelineRef))


@post(bp, "/v1/pipeline/permission/updatePipelinePermission", returns=bool)
def updatePipelinePermission(ctx):
    return svc.update_perms(user_of(ctx), body(ctx, svc.PermUpdate))
