"""5.9 服务连接管理 — service connections: the documented list, and an edgeplane extension to create one
(MSAP makes them in its console, catalog §8.28); the code-host token is stored sealed and never returned."""
from chalicelib.surfaces.msap import answers as a, service_app as svc
from chalicelib.surfaces.msap.blueprints import connection as bp, get, post
from chalicelib.surfaces.msap.identity import user_of
from chalicelib.surfaces.msap.params import body, query


@get(bp, "/v1/service/connection/listServiceConnection", returns=list[a.Connection])
def listServiceConnection(ctx):
    return svc.list_connections(user_of(ctx), query(ctx, svc.ConnectionQuery))


@post(bp, "/v1/service/connection/createServiceConnection", returns=str)
def createServiceConnection(ctx):
    return svc.create_connection(user_of(ctx), body(ctx, svc.NewConnection))
