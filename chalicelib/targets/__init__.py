"""Where workloads run: the inventory (clusters, nodes, labels) and the driver interface.

Drivers implement :class:`Driver`; ``simulated`` is the default and keeps its state in DynamoDB.
The inventory is platform-wide (owned by the system administrator); tenants reach clusters through
namespaces that jobs create on them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Protocol


from chalicelib.core import clock
from chalicelib.core.config import settings
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.store import base as store
from chalicelib.store.models import Cluster, LabelMember, LabelName, Node


class TargetError(Exception):
    """A driver could not do what it was asked (the job step fails with this)."""


@dataclass(frozen=True)
class WorkloadStatus:
    phase: str  # Pending | Progressing | Running | Degraded | Failed | Deleted
    desired: int
    running: int
    failed: int
    message: str = ""

    @property
    def settled(self) -> bool:
        return self.phase in {"Running", "Degraded", "Failed", "Deleted"}


class Driver(Protocol):
    def ensure_namespace(self, cluster: Cluster, namespace: str) -> None: ...
    def apply(self, cluster: Cluster, namespace: str, name: str, spec: dict, nodes: list[Node]) -> WorkloadStatus: ...
    def status(self, cluster: Cluster, namespace: str, name: str) -> WorkloadStatus: ...
    def remove(self, cluster: Cluster, namespace: str, name: str) -> WorkloadStatus: ...


def driver_for(cluster: Cluster) -> Driver:
    from chalicelib.targets.simulated import SimulatedDriver
    drivers = {"simulated": SimulatedDriver}
    try:
        return drivers[cluster.driver or "simulated"]()
    except KeyError:
        raise TargetError(f"cluster {cluster.name} uses an unknown driver {cluster.driver}") from None


# ---------------------------------------------------------------- inventory
def list_clusters() -> list[Cluster]:
    return list(Cluster.query("TARGETS", Cluster.sk.startswith("CLUSTER#")))


def get_cluster(name: str) -> Cluster | None:
    return store.get(Cluster, "TARGETS", f"CLUSTER#{name}")


def require_cluster(name: str) -> Cluster:
    c = get_cluster(name)
    if c is None:
        raise NotFound(f"cluster {name} not found")
    return c


def register_cluster(name: str, *, labels=(), driver: str = "simulated", ready: bool = True,
                     attrs: dict | None = None) -> Cluster:
    c = Cluster("TARGETS", f"CLUSTER#{name}", name=name, driver=driver, ready=ready, labels=[], attrs=attrs or {},
                created_at=clock.now_s())
    store.create(c, conflict=f"cluster {name} already exists")
    for label in labels:
        add_cluster_label(name, label)
    return require_cluster(name)


def list_nodes(cluster: str | None = None) -> list[Node]:
    prefix = f"NODE#{cluster}#" if cluster else "NODE#"
    return list(Node.query("TARGETS", Node.sk.startswith(prefix)))


def get_node(cluster: str, name: str) -> Node | None:
    return store.get(Node, "TARGETS", f"NODE#{cluster}#{name}")


def register_node(cluster: str, name: str, *, labels=(), ready: bool = True, attrs: dict | None = None) -> Node:
    require_cluster(cluster)
    n = Node("TARGETS", f"NODE#{cluster}#{name}", cluster=cluster, name=name, ready=ready, labels=[],
             attrs=attrs or {}, created_at=clock.now_s())
    store.create(n, conflict=f"node {name} already exists in cluster {cluster}")
    for label in labels:
        add_node_label(cluster, name, label)
    return get_node(cluster, name)


def set_faults(cluster: str, faults: dict) -> Cluster:
    c = require_cluster(cluster)
    c.faults = {k: v for k, v in faults.items() if v}
    return store.save(c)


def set_ready(cluster: str, ready: bool, node: str | None = None):
    item = get_node(cluster, node) if node else get_cluster(cluster)
    if item is None:
        raise NotFound("target not found")
    item.ready = ready
    return store.save(item)


def load_inventory(path: str | None = None) -> int:
    """Create the clusters and nodes of a settings file that do not exist yet; returns how many were added."""
    with open(path or settings().inventory_file, encoding="utf-8") as f:
        data = json.load(f)
    added = 0
    for c in data.get("clusters", []):
        if get_cluster(c["name"]) is None:
            register_cluster(c["name"], labels=c.get("labels", []), driver=c.get("driver", "simulated"),
                             ready=c.get("ready", True))
            added += 1
        for n in c.get("nodes", []):
            if get_node(c["name"], n["name"]) is None:
                attrs = {k: v for k, v in n.items() if k not in {"name", "labels", "ready"}}
                register_node(c["name"], n["name"], labels=n.get("labels", []), ready=n.get("ready", True),
                              attrs=attrs)
                added += 1
    return added


# ---------------------------------------------------------------- labels
def _label_tx(add: bool, member: LabelMember, names: list[LabelName], target, label: str) -> bool:
    """Add/remove one label membership atomically with its name counters and the target's label list."""
    if add and label in (target.labels or []):
        return False
    if not add and label not in (target.labels or []):
        return False
    if add:
        target.labels = list(target.labels or []) + [label]
    else:
        target.labels = [x for x in target.labels if x != label]
    def writes(tx):
        tx.save(target)
        if add:
            tx.save(member, condition=LabelMember.pk.does_not_exist())
        else:
            tx.delete(member)
        for nm in names:
            tx.update(nm, actions=[LabelName.kind.set(LabelName), LabelName.label.set(label),
                                   LabelName.n.add(1 if add else -1)])
    try:
        store.transact(writes)
    except store.Cancelled as exc:
        raise Conflict("the target was changed concurrently, retry") from exc
    return True


def add_cluster_label(cluster: str, label: str) -> bool:
    c = require_cluster(cluster)
    member = LabelMember(f"TLABEL#C#{label}", cluster, label=label, cluster=cluster, created_at=clock.now_s())
    c.label_times = dict(c.label_times or {}, **{label: clock.now_s()})
    return _label_tx(True, member, [LabelName("TLABELS#C", label)], c, label)


def remove_cluster_label(cluster: str, label: str) -> bool:
    c = require_cluster(cluster)
    times = dict(c.label_times or {})
    times.pop(label, None)
    c.label_times = times
    return _label_tx(False, LabelMember(f"TLABEL#C#{label}", cluster), [LabelName("TLABELS#C", label)], c, label)


def add_node_label(cluster: str, node: str, label: str) -> bool:
    n = get_node(cluster, node)
    if n is None:
        raise NotFound(f"node {node} not found in cluster {cluster}")
    member = LabelMember(f"TLABEL#N#{label}", f"{cluster}#{node}", label=label, cluster=cluster, node=node,
                         created_at=clock.now_s())
    names = [LabelName(f"TLABELS#N#{cluster}", label), LabelName("TLABELS#N#*", label)]
    return _label_tx(True, member, names, n, label)


def remove_node_label(cluster: str, node: str, label: str) -> bool:
    n = get_node(cluster, node)
    if n is None:
        raise NotFound(f"node {node} not found in cluster {cluster}")
    names = [LabelName(f"TLABELS#N#{cluster}", label), LabelName("TLABELS#N#*", label)]
    return _label_tx(False, LabelMember(f"TLABEL#N#{label}", f"{cluster}#{node}"), names, n, label)


def label_names(kind: str, cluster: str | None = None) -> list[str]:
    pk = "TLABELS#C" if kind == "cluster" else f"TLABELS#N#{cluster or '*'}"
    return [x.label for x in LabelName.query(pk) if int(x.n or 0) > 0]


def clusters_with_label(label: str | None) -> list[str]:
    if not label or label == "all":
        return [c.name for c in list_clusters()]
    return [m.cluster for m in LabelMember.query(f"TLABEL#C#{label}")]


def nodes_with_label(label: str | None, cluster: str | None = None) -> list[tuple[str, str]]:
    if not label or label == "all":
        return [(n.cluster, n.name) for n in list_nodes(cluster)]
    cond = LabelMember.sk.startswith(f"{cluster}#") if cluster else None
    return [(m.cluster, m.node) for m in LabelMember.query(f"TLABEL#N#{label}", cond)]


def placement(cluster_label: str | None, node_label: str | None) -> dict[str, list[Node]]:
    """Clusters matching a cluster label, each with its nodes matching a node label."""
    out: dict[str, list[Node]] = {}
    for name in clusters_with_label(cluster_label):
        if not node_label or node_label == "all":
            out[name] = list_nodes(name)
        else:
            wanted = {n for _, n in nodes_with_label(node_label, name)}
            out[name] = [n for n in list_nodes(name) if n.name in wanted]
    return out
