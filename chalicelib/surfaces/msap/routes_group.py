"""5.2 应用分组 — application groups (4)."""
from chalicelib.surfaces.msap import answers as a, service_app as svc
from chalicelib.surfaces.msap.blueprints import app_group as bp, get, post
from chalicelib.surfaces.msap.identity import user_of
from chalicelib.surfaces.msap.params import body, query


@post(bp, "/v1/app/group/deleteApplicationGroup", returns=bool)
def deleteApplicationGroup(ctx):
    return svc.delete_group(user_of(ctx), body(ctx, svc.GroupRef))


@post(bp, "/v1/app/group/insertApplicationGroup", returns=str)
def insertApplicationGroup(ctx):
    return svc.create_group(user_of(ctx), body(ctx, svc.NewGroup))


@get(bp, "/v1/app/group/listApplicationGroups", returns=list[a.ApplicationGroup])
def listApplicationGroups(ctx):
    return svc.list_groups(user_of(ctx), query(ctx, svc.GroupQuery))


@post(bp, "/v1/app/group/updateApplicationGroup", returns=bool)
def updateApplicationGroup(ctx):
    return svc.update_group(user_of(ctx), body(ctx, svc.GroupUpdate))
