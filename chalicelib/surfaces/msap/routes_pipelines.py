"""5.6 流水线管理 — pipelines (6) + the edgeplane extension createPipeline (pipelines are made in the console)."""
from chalicelib.surfaces.msap import answers as a, service_pipelines as svc
from chalicelib.surfaces.msap.blueprints import get, pipelines as bp, post
from chalicelib.surfaces.msap.identity import user_of
from chalicelib.surfaces.msap.params import body, query


@post(bp, "/v1/pipelines/createPipeline", returns=str)
def createPipeline(ctx):
    return svc.create(user_of(ctx), body(ctx, svc.NewPipeline))


@post(bp, "/v1/pipelines/deletePipeline", returns=bool)
def deletePipeline(ctx):
    return svc.delete(user_of(ctx), body(ctx, svc.PipelineRef))


@get(bp, "/v1/pipelines/listPipelinesPage", returns=a.page(a.Pipeline))
def listPipelinesPage(ctx):
    return svc.page(user_of(ctx), query(ctx, svc.PipelinesQuery))


@post(bp, "/v1/pipelines/pausePipeline", returns=bool)
def pausePipeline(ctx):
    return svc.pause(user_of(ctx), body(ctx, svc.RecordRef))


@get(bp, "/v1/pipelines/pipelineRecorddetail", returns=a.PipelineRecord)
def pipelineRecorddetail(ctx):
    return svc.detail(user_of(ctx), query(ctx, svc.RecordRef))


@post(bp, "/v1/pipelines/retryPipelineJobRun", returns=str)
def retryPipelineJobRun(ctx):
    return svc.retry(user_of(ctx), body(ctx, svc.RecordRef))


@post(bp, "/v1/pipelines/runPipeline", returns=str)
def runPipeline(ctx):
    return svc.run(user_of(ctx), body(ctx, svc.RunRequest))
