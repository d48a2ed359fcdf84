"""The simulated driver: stateful, deterministic, with injectable failures.

Workloads live in DynamoDB. ``apply`` records the spec and starts a rollout; each ``status`` call is one
tick of the reconcile loop: pods are scheduled on ready nodes, then become running. Faults come from the
cluster's ``faults`` map (set through ``/edgeplane/v1/targets``):

- ``apply: error``       the cluster API rejects the request (the step fails);
- ``pods: crashloop``    every pod fails (status Failed);
- ``pods: partial``      half of the pods run (status Degraded);
- ``remove: error``      uninstall fails;
- a cluster or all of its matching nodes not ready: pods stay unscheduled and the rollout fails.
"""
from __future__ import annotations

from chalicelib.core import clock
from chalicelib.store import base as store
from chalicelib.store.models import Cluster, Node, Workload
from chalicelib.targets import TargetError, WorkloadStatus

RAMP_TICKS = 1  # ticks from scheduled to running


def _status(w: Workload) -> WorkloadStatus:
    return WorkloadStatus(w.phase, int(w.desired), int(w.running), int(w.failed), w.message or "")


class SimulatedDriver:
    def ensure_namespace(self, cluster: Cluster, namespace: str) -> None:
        if not cluster.ready:
            raise TargetError(f"cluster {cluster.name} is not ready")
        if (cluster.faults or {}).get("namespace") == "error":
            raise TargetError(f"cluster {cluster.name} refused to create namespace {namespace}")
        if namespace not in (cluster.namespaces or []):
            cluster.namespaces = list(cluster.namespaces or []) + [namespace]
            cluster.save()

    def apply(self, cluster: Cluster, namespace: str, name: str, spec: dict, nodes: list[Node]) -> WorkloadStatus:
        if not cluster.ready:
            raise TargetError(f"cluster {cluster.name} is not ready")
        if (cluster.faults or {}).get("apply") == "error":
            raise TargetError(f"cluster {cluster.name} rejected the release {name}")
        ready_nodes = [n.name for n in nodes if n.ready]
        if spec.get("kind") == "daemonset":
            desired = len(nodes)
        else:
            desired = max(int(spec.get("replicas", 1) or 1), 1)
        w = store.get(Workload, f"WORKLOAD#{cluster.name}", f"{namespace}#{name}")
        if w is None:
            w = Workload(f"WORKLOAD#{cluster.name}", f"{namespace}#{name}", cluster=cluster.name,
                         namespace=namespace, name=name, revision=0)
        w.spec = dict(spec, nodes=ready_nodes, allNodes=[n.name for n in nodes])
        w.revision = int(w.revision or 0) + 1
        w.phase, w.desired, w.running, w.failed, w.ticks = "Progressing", desired, 0, 0, 0
        w.message = "rollout started"
        w.updated_at = clock.now_s()
        w.save()
        return _status(w)

    def status(self, cluster: Cluster, namespace: str, name: str) -> WorkloadStatus:
        w = store.get(Workload, f"WORKLOAD#{cluster.name}", f"{namespace}#{name}")
        if w is None:
            return WorkloadStatus("Deleted", 0, 0, 0, "not installed")
        if w.phase != "Progressing":
            return _status(w)
        w.ticks = int(w.ticks or 0) + 1
        faults = cluster.faults or {}
        desired = int(w.desired)
        schedulable = bool((w.spec or {}).get("nodes")) and cluster.ready
        if w.ticks >= RAMP_TICKS:
            if not schedulable:
                w.phase, w.running, w.failed = "Failed", 0, desired
                w.message = "0/%d pods scheduled: no ready node matches" % desired
            elif faults.get("pods") == "crashloop":
                w.phase, w.running, w.failed = "Failed", 0, desired
                w.message = "pods in CrashLoopBackOff"
            elif faults.get("pods") == "partial" and desired > 1:
                run = desired // 2
                w.phase, w.running, w.failed = "Degraded", run, desired - run
                w.message = f"{run}/{desired} pods running"
            elif faults.get("pods") == "partial":
                w.phase, w.running, w.failed = "Failed", 0, desired
                w.message = "pods failed"
            else:
                w.phase, w.running, w.failed = "Running", desired, 0
                w.message = f"{desired}/{desired} pods running"
        w.updated_at = clock.now_s()
        w.save()
        return _status(w)

    def remove(self, cluster: Cluster, namespace: str, name: str) -> WorkloadStatus:
        if (cluster.faults or {}).get("remove") == "error":
            raise TargetError(f"cluster {cluster.name} failed to uninstall {name}")
        w = store.get(Workload, f"WORKLOAD#{cluster.name}", f"{namespace}#{name}")
        if w is not None:
            w.delete()
        return WorkloadStatus("Deleted", 0, 0, 0, "uninstalled")
