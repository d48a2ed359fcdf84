"""ote-stack Cluster and Node Management on the shared targets inventory."""
from __future__ import annotations

from chalicelib import audit, targets
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.pagination import page_window, take
from chalicelib.identity.principal import Principal
from chalicelib.store.models import Cluster, LabelMember, Node
from chalicelib.surfaces.otestack import auth

SURFACE = "otestack"


def list_clusters(q) -> tuple[list[dict], int]:
    window = page_window(q.page, q.pageSize, default_size=0, zero_means_all=True)
    names = None
    if q.clusterLabel and q.clusterLabel != "all":
        names = set(targets.clusters_with_label(q.clusterLabel))
    clusters = [c for c in targets.list_clusters() if names is None or c.name in names]
    counts: dict[str, int] = {}
    for n in targets.list_nodes():
        counts[n.cluster] = counts.get(n.cluster, 0) + 1
    rows, _ = take(clusters, window)
    return [{"clusterName": c.name, "nodeCount": counts.get(c.name, 0), "isReady": bool(c.ready)} for c in rows], len(clusters)


def _require_clusters(names: list[str]) -> list[Cluster]:
    found = []
    for name in dict.fromkeys(names):
        found.append(targets.require_cluster(name))
    return found


def add_cluster_label(p: Principal, names: list[str], label: str) -> None:
    auth.require_admin(p)
    for c in _require_clusters(names):
        targets.add_cluster_label(c.name, label)
    audit.record(SURFACE, "add_cluster_label", principal=p, resource=f"label/{label}", detail=",".join(names))


def delete_cluster_label(p: Principal, names: list[str], label: str) -> None:
    auth.require_admin(p)
    clusters = _require_clusters(names)
    for c in clusters:
        if label not in (c.labels or []):
            raise NotFound(f"cluster {c.name} has no label {label}")
    for c in clusters:
        targets.remove_cluster_label(c.name, label)
    audit.record(SURFACE, "delete_cluster_label", principal=p, resource=f"label/{label}", detail=",".join(names))


def cluster_label_names() -> list[str]:
    return targets.label_names("cluster")


def labels_of_cluster(name: str, page, page_size) -> tuple[list[dict], int]:
    c = targets.require_cluster(name)
    window = page_window(page, page_size, default_size=10, zero_means_all=True)
    labels = list(c.labels or [])
    times = c.label_times or {}
    rows, _ = take(labels, window)
    return [{"clusterLabel": x, "createTime": int(times.get(x, c.created_at))} for x in rows], len(labels)


def node_view(n: Node) -> dict:
    a = n.attrs or {}
    return {"nodeName": n.name, "clusterName": n.cluster, "operatingSystem": a.get("operatingSystem", ""),
            "kernelVersion": a.get("kernelVersion", ""), "ip": a.get("ip", ""), "memory": int(a.get("memory", 0)),
            "cpu": int(a.get("cpu", 0)), "isReady": bool(n.ready), "gpu": int(a.get("gpu", 0)),
            "disk": int(a.get("disk", 0))}


def list_nodes(q) -> tuple[list[Node], int, int]:
    window = page_window(q.page, q.pageSize, default_size=10, zero_means_all=True)
    nodes = targets.list_nodes(q.clusterName or None)
    if q.nodeLabel and q.nodeLabel != "all":
        wanted = set(targets.nodes_with_label(q.nodeLabel, q.clusterName or None))
        nodes = [n for n in nodes if (n.cluster, n.name) in wanted]
    if q.nodeName:
        nodes = [n for n in nodes if q.nodeName in n.name]
    rows, _ = take(nodes, window)
    return rows, len(nodes), sum(1 for n in nodes if n.ready)


def _require_nodes(cluster: str, names: list[str]) -> list[Node]:
    targets.require_cluster(cluster)
    found = []
    for name in dict.fromkeys(names):
        n = targets.get_node(cluster, name)
        if n is None:
            raise NotFound(f"node {name} not found in cluster {cluster}")
        found.append(n)
    return found


def add_node_label(p: Principal, cluster: str, names: list[str], label: str) -> None:
    auth.require_admin(p)
    for n in _require_nodes(cluster, names):
        targets.add_node_label(cluster, n.name, label)
    audit.record(SURFACE, "add_node_label", principal=p, resource=f"cluster/{cluster}/label/{label}",
                 detail=",".join(names))


def delete_node_label(p: Principal, cluster: str, names: list[str], label: str, delete_deploy: bool) -> list[int]:
    """Remove a node label; deployments placed through it block the removal unless ``deleteDeploy``."""
    from chalicelib.surfaces.otestack import service_deploy
    auth.require_admin(p)
    nodes = _require_nodes(cluster, names)
    for n in nodes:
        if label not in (n.labels or []):
            raise NotFound(f"node {n.name} has no label {label}")
    remaining = {m.node for m in LabelMember.query(f"TLABEL#N#{label}", LabelMember.sk.startswith(f"{cluster}#"))}
    last_in_cluster = remaining <= {n.name for n in nodes}
    affected = service_deploy.deployments_using_node_label(p, label, cluster) if last_in_cluster else []
    if affected and not delete_deploy:
        raise Conflict(f"deployments use node label {label} on cluster {cluster}: "
                       + ", ".join(d.deploy_name for d in affected) + "; set deleteDeploy to delete them")
    for n in nodes:
        targets.remove_node_label(cluster, n.name, label)
    started = [service_deploy.delete_for_label(p, d) for d in affected]
    audit.record(SURFACE, "delete_node_label", principal=p, resource=f"cluster/{cluster}/label/{label}",
                 detail=",".join(names))
    return started


def node_label_names(cluster: str | None) -> list[str]:
    if cluster:
        targets.require_cluster(cluster)
    return targets.label_names("node", cluster)
