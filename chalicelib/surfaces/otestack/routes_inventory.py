"""Cluster Management (5) and Node Management (4)."""
from __future__ import annotations

from chalicelib.surfaces.otestack import answers
from chalicelib.surfaces.otestack import models as m
from chalicelib.surfaces.otestack import service_inventory as svc
from chalicelib.surfaces.otestack.blueprint import ANY_BODY, bp, endpoint
from chalicelib.surfaces.otestack.common import project
from chalicelib.surfaces.otestack.envelope import ok


@bp.route("/v1/cluster", methods=["GET"])
@endpoint(bp, returns=answers.ClusterList)
def list_clusters(ctx):
    rows, total = svc.list_clusters(ctx.params(m.ClusterList))
    return ok(data=rows, total=total)


@bp.route("/v1/cluster/label", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.Answer)
def add_cluster_label(ctx):
    body = ctx.body(m.ClusterLabelChange)
    svc.add_cluster_label(ctx.principal, body.clusterName, body.clusterLabel)
    return ok()


@bp.route("/v1/cluster/label", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.Answer)
def delete_cluster_label(ctx):
    body = ctx.body(m.ClusterLabelChange)
    svc.delete_cluster_label(ctx.principal, body.clusterName, body.clusterLabel)
    return ok()


@bp.route("/v1/cluster/label", methods=["GET"])
@endpoint(bp, returns=answers.LabelNames)
def cluster_labels(ctx):
    return ok(data=svc.cluster_label_names())


@bp.route("/v1/cluster/label/{clusterName}", methods=["GET"])
@endpoint(bp, returns=answers.ClusterLabels)
def labels_of_cluster(ctx, clusterName):
    rows, total = svc.labels_of_cluster(clusterName, ctx.query.get("page"), ctx.query.get("pageSize"))
    return ok(data=rows, total=total)


@bp.route("/v1/node", methods=["GET"])
@endpoint(bp, returns=answers.NodeList)
def list_nodes(ctx):
    q = ctx.params(m.NodeList)
    nodes, total, ready = svc.list_nodes(q)
    return ok(data=[project(svc.node_view(n), q.field) for n in nodes], meta={"readyNodeCount": ready}, total=total)


@bp.route("/v1/node/label", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.Answer)
def add_node_label(ctx):
    body = ctx.body(m.NodeLabelChange)
    svc.add_node_label(ctx.principal, body.clusterName, body.nodeName, body.nodeLabel)
    return ok()


@bp.route("/v1/node/label", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, returns=answers.NodeLabelDeleted)
def delete_node_label(ctx):
    body = ctx.body(m.NodeLabelDelete)
    started = svc.delete_node_label(ctx.principal, body.clusterName, body.nodeName, body.nodeLabel, body.deleteDeploy)
    return ok(**({"deletedDeploy": started} if started else {}))


@bp.route("/v1/node/label", methods=["GET"])
@endpoint(bp, returns=answers.LabelNames)
def node_labels(ctx):
    return ok(data=svc.node_label_names(ctx.query.get("clusterName")))
