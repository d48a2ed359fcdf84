"""The simulated Kubernetes driver: deterministic, every object stored in DynamoDB.

Items (one model, :class:`KubeObject`):

  KUBE#<cluster>#<namespace> / Deployment#<name>   manifest, status (k8s shape), generation
  KUBE#<cluster>#<namespace> / Service#<name>      manifest (spec.clusterIP, nodePorts filled), status
  KUBE#<cluster>#<namespace> / ConfigMap#<name>    manifest as given
  KUBE#<cluster>#<namespace> / Pod#<name>          labels (selector), owner (its Deployment), status (the pod)
  KUBE#<cluster>            / NodePorts            status {"<port>": "<namespace>/<service>"} (allocations)

Namespaces are the ``namespaces`` list of the (versioned) :class:`Cluster` item. A Deployment's pods are
reconciled by :meth:`SimulatedKube.rollout` ticks: tick 1 creates the missing pods (Pending) and marks
surplus/old-revision pods Terminating; tick 2 makes the Pending pods Running and ready and deletes the
Terminating ones. Faults (``cluster.faults``): ``namespace: error``, ``apply: error``, ``delete: error``
(or ``remove: error``), ``pods: crashloop`` (starting pods fail, restarts grow, the rollout fails),
``pods: partial`` (every second new pod fails). A cluster that is not ready refuses every write; no ready node
leaves pods Pending and fails the rollout.
"""
from __future__ import annotations

import copy
import hashlib

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.core import clock
from chalicelib.core.errors import Conflict
from chalicelib.store import base as store
from chalicelib.store.base import Versioned
from chalicelib.targets.kube import (LABEL_REVISION, NODE_PORT_RANGE, DeploymentStatus, KubeError, PodInfo,
                                     canonical_kind, safe_chars, template_hash, validate_manifest_shape)

RETRIES = 5


class KubeObject(Versioned, discriminator="KubeObject"):
    """One simulated Kubernetes object (or pod) of a cluster namespace."""
    cluster = UnicodeAttribute()
    namespace = UnicodeAttribute(null=True)
    obj_kind = UnicodeAttribute()
    name = UnicodeAttribute()
    manifest = JSONAttribute(default=dict)
    status = JSONAttribute(default=dict)
    labels = JSONAttribute(default=dict)
    owner = UnicodeAttribute(null=True)
    generation = NumberAttribute(default=1)
    updated_at = NumberAttribute(default=0)


def _pk(cluster: str, namespace: str) -> str:
    return f"KUBE#{cluster}#{namespace}"


def _uid(*parts: str) -> str:
    h = hashlib.sha256("/".join(parts).encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def _matches(labels: dict, selector: dict) -> bool:
    return all((labels or {}).get(k) == v for k, v in (selector or {}).items())


class SimulatedKube:
    # ------------------------------------------------------------ cluster helpers
    @staticmethod
    def _fresh(cluster):
        from chalicelib import targets
        name = cluster if isinstance(cluster, str) else cluster.name
        c = targets.get_cluster(name)
        if c is None:
            raise KubeError(f"cluster {name} not found")
        return c

    @staticmethod
    def _writable(c, fault: str | tuple = ()):
        if not c.ready:
            raise KubeError(f"cluster {c.name} is not ready: the API server is unreachable")
        faults = c.faults or {}
        for f in ((fault,) if isinstance(fault, str) else fault):
            if faults.get(f) == "error":
                return True
        return False

    def _item(self, c, namespace: str, kind: str, name: str) -> KubeObject | None:
        return store.get(KubeObject, _pk(c.name, namespace), f"{kind}#{name}")

    def _items(self, c, namespace: str, prefix: str) -> list[KubeObject]:
        return list(KubeObject.query(_pk(c.name, namespace), KubeObject.sk.startswith(prefix)))

    # ------------------------------------------------------------ namespaces
    def namespaces(self, cluster) -> list[str]:
        return list(self._fresh(cluster).namespaces or [])

    def ensure_namespace(self, cluster, namespace: str) -> bool:
        from chalicelib.targets.kube import is_dns_label
        if not is_dns_label(namespace):
            raise KubeError(f'Namespace "{namespace}" is invalid: metadata.name: Invalid value')
        for _ in range(RETRIES):
            c = self._fresh(cluster)
            if self._writable(c, "namespace"):
                raise KubeError(f"cluster {c.name} refused to create namespace {namespace}")
            if namespace in (c.namespaces or []):
                return False
            c.namespaces = list(c.namespaces or []) + [namespace]
            try:
                store.save(c)
                return True
            except Conflict:
                continue
        raise KubeError(f"cluster {self._fresh(cluster).name} is busy, retry")

    def delete_namespace(self, cluster, namespace: str) -> bool:
        for _ in range(RETRIES):
            c = self._fresh(cluster)
            if self._writable(c, "namespace"):
                raise KubeError(f"cluster {c.name} refused to delete namespace {namespace}")
            if namespace not in (c.namespaces or []):
                return False
            c.namespaces = [n for n in c.namespaces if n != namespace]
            try:
                store.save(c)
            except Conflict:
                continue
            for item in KubeObject.query(_pk(c.name, namespace)):
                if item.obj_kind == "Service":
                    self._release_ports(c, namespace, item.name, keep=set())
                store.delete(item)
            return True
        raise KubeError(f"cluster {self._fresh(cluster).name} is busy, retry")

    # ------------------------------------------------------------ node ports
    def _ports_item(self, c) -> KubeObject:
        item = store.get(KubeObject, f"KUBE#{c.name}", "NodePorts")
        if item is None:
            item = KubeObject(f"KUBE#{c.name}", "NodePorts", cluster=c.name, obj_kind="NodePorts", name="NodePorts",
                              status={}, updated_at=clock.now_ms())
        return item

    def _release_ports(self, c, namespace: str, name: str, keep: set[int]) -> None:
        owner = f"{namespace}/{name}"
        for _ in range(RETRIES):
            reg = self._ports_item(c)
            alloc = dict(reg.status or {})
            drop = [p for p, o in alloc.items() if o == owner and int(p) not in keep]
            if not drop:
                return
            for p in drop:
                alloc.pop(p)
            reg.status, reg.updated_at = alloc, clock.now_ms()
            try:
                store.save(reg)
                return
            except Conflict:
                continue

    def _claim_ports(self, c, namespace: str, name: str, wanted: list[int | None]) -> list[int]:
        """Allocate node ports for one Service: given ports must be free (or its own), None gets the lowest free."""
        owner = f"{namespace}/{name}"
        for _ in range(RETRIES):
            reg = self._ports_item(c)
            alloc = {k: v for k, v in (reg.status or {}).items() if v != owner}
            out = []
            for p in wanted:
                if p is not None:
                    if str(p) in alloc:
                        raise KubeError(f'Service "{name}" is invalid: spec.ports.nodePort: Invalid value: {p}: '
                                        f'provided port is already allocated')
                    alloc[str(p)] = owner
                    out.append(p)
            for i, p in enumerate(wanted):
                if p is None:
                    free = next((x for x in range(NODE_PORT_RANGE[0], NODE_PORT_RANGE[1] + 1)
                                 if str(x) not in alloc), None)
                    if free is None:
                        raise KubeError(f'Service "{name}" is invalid: spec.ports.nodePort: range is full')
                    alloc[str(free)] = owner
                    out.insert(i, free)
            reg.status, reg.updated_at = alloc, clock.now_ms()
            try:
                store.save(reg)
                return out
            except Conflict:
                continue
        raise KubeError(f"cluster {c.name} is busy, retry")

    # ------------------------------------------------------------ apply
    def apply(self, cluster, manifests: list[dict]) -> None:
        c = self._fresh(cluster)
        if self._writable(c, "apply"):
            raise KubeError(f"cluster {c.name} rejected the request: admission webhook denied the manifests")
        if not isinstance(manifests, list):
            raise KubeError("manifests must be a list")
        known = set(c.namespaces or [])
        plan = []
        reg = None
        claimed: dict[str, str] = {}
        for m in manifests:  # check everything before writing anything
            kind, ns, name = validate_manifest_shape(m)
            if kind == "Namespace":
                known.add(name)
                plan.append((kind, ns, name, m))
                continue
            if ns not in known:
                raise KubeError(f'namespaces "{ns}" not found')
            if kind == "Deployment":
                old = self._item(c, ns, "Deployment", name)
                if old is not None and old.manifest["spec"]["selector"] != m["spec"]["selector"]:
                    raise KubeError(f'Deployment.apps "{name}" is invalid: spec.selector: Invalid value: '
                                    f'field is immutable')
                if int((m.get("spec") or {}).get("replicas", 1)) < 0:
                    raise KubeError(f'Deployment.apps "{name}" is invalid: spec.replicas: must be >= 0')
            if kind == "Service" and (m.get("spec") or {}).get("type") == "NodePort":
                reg = reg or self._ports_item(c)
                for p in (m["spec"].get("ports") or []):
                    if p.get("nodePort"):
                        key, owner = str(p["nodePort"]), f"{ns}/{name}"
                        holder = claimed.get(key) or (reg.status or {}).get(key)
                        if holder and holder != owner:
                            raise KubeError(f'Service "{name}" is invalid: spec.ports.nodePort: Invalid value: '
                                            f'{p["nodePort"]}: provided port is already allocated')
                        claimed[key] = owner
            plan.append((kind, ns, name, m))
        for kind, ns, name, m in plan:
            if kind == "Namespace":
                self.ensure_namespace(c, name)
            elif kind == "Deployment":
                self._apply_deployment(c, ns, name, m)
            elif kind == "Service":
                self._apply_service(c, ns, name, m)
            else:
                self._apply_plain(c, ns, kind, name, m)

    def _put(self, c, ns, kind, name, manifest, status=None, generation=1, old=None) -> KubeObject:
        now = clock.now_ms()
        meta = manifest.setdefault("metadata", {})
        meta["creationTimestamp"] = (old.manifest.get("metadata", {}).get("creationTimestamp") if old
                                     else clock.iso())
        meta["uid"] = _uid(c.name, ns, kind, name, meta["creationTimestamp"])
        if old is None:
            item = KubeObject(_pk(c.name, ns), f"{kind}#{name}", cluster=c.name, namespace=ns, obj_kind=kind,
                              name=name, manifest=manifest, status=status or {}, generation=generation,
                              labels=meta.get("labels") or {}, updated_at=now)
            store.create(item, conflict=f'{kind} "{name}" already exists')
            return item
        old.manifest, old.generation, old.updated_at = manifest, generation, now
        old.labels = meta.get("labels") or {}
        if status is not None:
            old.status = status
        return store.save(old)

    def _apply_plain(self, c, ns, kind, name, m) -> None:
        for _ in range(RETRIES):
            try:
                self._put(c, ns, kind, name, copy.deepcopy(m), None, 1, self._item(c, ns, kind, name))
                return
            except Conflict:
                continue
        raise KubeError(f"cluster {c.name} is busy, retry")

    def _apply_deployment(self, c, ns, name, m) -> None:
        for _ in range(RETRIES):
            old = self._item(c, ns, "Deployment", name)
            manifest = copy.deepcopy(m)
            if old is None:
                gen = 1
                status = {"observedGeneration": 0, "replicas": 0, "readyReplicas": 0, "updatedReplicas": 0,
                          "availableReplicas": 0, "unavailableReplicas": int(m["spec"].get("replicas", 1))}
            else:
                gen = int(old.generation or 1) + (0 if old.manifest.get("spec") == manifest.get("spec") else 1)
                status = None
            manifest["metadata"]["generation"] = gen
            try:
                self._put(c, ns, "Deployment", name, manifest, status, gen, old)
                return
            except Conflict:
                continue
        raise KubeError(f"cluster {c.name} is busy, retry")

    def _apply_service(self, c, ns, name, m) -> None:
        manifest = copy.deepcopy(m)
        spec = manifest.setdefault("spec", {})
        old = self._item(c, ns, "Service", name)
        old_ports = {}
        if old is not None:
            for p in (old.manifest.get("spec") or {}).get("ports") or []:
                if p.get("nodePort"):
                    old_ports[(p.get("port"), p.get("protocol", "TCP"))] = p["nodePort"]
        cluster_ip = (old.status or {}).get("clusterIP") if old is not None else None
        if not cluster_ip:
            n = store.Sequence.next(f"KUBESVCIP#{c.name}")
            cluster_ip = f"10.96.{(n // 250) % 256}.{n % 250 + 2}"
        spec["clusterIP"], spec["clusterIPs"] = cluster_ip, [cluster_ip]
        ports = spec.get("ports") or []
        if spec.get("type") == "NodePort":
            wanted = [p.get("nodePort") or old_ports.get((p.get("port"), p.get("protocol", "TCP"))) for p in ports]
            got = self._claim_ports(c, ns, name, wanted)
            for p, np_ in zip(ports, got):
                p["nodePort"] = np_
        else:
            for p in ports:
                p.pop("nodePort", None)
            self._release_ports(c, ns, name, keep=set())
        status = {"clusterIP": cluster_ip, "loadBalancer": {}}
        for _ in range(RETRIES):
            try:
                self._put(c, ns, "Service", name, copy.deepcopy(manifest), status, 1, old)
                return
            except Conflict:
                old = self._item(c, ns, "Service", name)
        raise KubeError(f"cluster {c.name} is busy, retry")

    # ------------------------------------------------------------ delete / read
    def delete(self, cluster, kind: str, namespace: str, name: str) -> bool:
        c = self._fresh(cluster)
        if self._writable(c, ("delete", "remove")):
            raise KubeError(f"cluster {c.name} failed to delete {kind} {name}")
        kind = canonical_kind(kind)
        if kind == "Namespace":
            return self.delete_namespace(c, name)
        item = self._item(c, namespace, kind, name)
        if item is None:
            return False
        if kind == "Deployment":
            for pod in self._owned_pods(c, namespace, name):
                store.delete(pod)
        if kind == "Service":
            self._release_ports(c, namespace, name, keep=set())
        store.delete(item)
        return True

    @staticmethod
    def _view(item: KubeObject) -> dict:
        m = copy.deepcopy(item.manifest)
        if item.obj_kind in ("Deployment", "Service"):
            m["status"] = copy.deepcopy(item.status or {})
        return m

    def get(self, cluster, kind: str, namespace: str, name: str) -> dict | None:
        c = self._fresh(cluster)
        kind = canonical_kind(kind)
        if kind == "Namespace":
            if name not in (c.namespaces or []):
                return None
            return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name},
                    "status": {"phase": "Active"}}
        item = self._item(c, namespace, kind, name)
        return None if item is None else self._view(item)

    def list(self, cluster, kind: str, namespace: str) -> list[dict]:
        c = self._fresh(cluster)
        kind = canonical_kind(kind)
        if kind == "Namespace":
            return [self.get(c, "Namespace", None, n) for n in (c.namespaces or [])]
        return [self._view(i) for i in self._items(c, namespace, f"{kind}#")]

    # ------------------------------------------------------------ pods
    def _all_pods(self, c, namespace: str) -> list[KubeObject]:
        return self._items(c, namespace, "Pod#")

    def _owned_pods(self, c, namespace: str, deployment: str) -> list[KubeObject]:
        return [p for p in self._all_pods(c, namespace) if p.owner == deployment]

    @staticmethod
    def _info(p: KubeObject) -> PodInfo:
        s = p.status or {}
        return PodInfo(name=p.name, namespace=p.namespace, node=s.get("node", ""), ip=s.get("ip", ""),
                       phase=s.get("phase", "Pending"), ready=bool(s.get("ready")), restarts=int(s.get("restarts", 0)),
                       image=s.get("image", ""), container=s.get("container", ""),
                       created_ms=int(s.get("created_ms", 0)), revision=s.get("revision", ""),
                       message=s.get("message", ""))

    def pods(self, cluster, namespace: str, selector: dict[str, str]) -> list[PodInfo]:
        c = self._fresh(cluster)
        return [self._info(p) for p in self._all_pods(c, namespace) if _matches(p.labels, selector)]

    # ------------------------------------------------------------ rollout (one reconcile tick)
    def rollout(self, cluster, namespace: str, name: str) -> DeploymentStatus:
        for _ in range(RETRIES):
            try:
                return self._tick(cluster, namespace, name)
            except Conflict:  # another tick ran concurrently: reconcile again from the stored state
                continue
        raise KubeError(f'deployment "{name}" is being reconciled concurrently, retry')

    def _tick(self, cluster, namespace: str, name: str) -> DeploymentStatus:
        c = self._fresh(cluster)
        self._writable(c)
        dep = self._item(c, namespace, "Deployment", name)
        if dep is None:
            raise KubeError(f'deployments.apps "{name}" not found')
        from chalicelib import targets
        faults = c.faults or {}
        spec = dep.manifest["spec"]
        replicas = int(spec.get("replicas", 1))
        template = spec["template"]
        container = template["spec"]["containers"][0]
        rev = template_hash(template)
        nodes = [n.name for n in targets.list_nodes(c.name) if n.ready]
        now = clock.now_ms()
        pods = self._owned_pods(c, namespace, name)
        alive: list[KubeObject] = []
        # step 1: advance what existed at the start of the tick
        for p in pods:
            s = dict(p.status or {})
            phase = s.get("phase")
            if phase == "Terminating":
                store.delete(p)
                continue
            if phase == "Pending" and not s.get("node") and nodes:
                self._schedule(c, s, nodes, int(s.get("ordinal", 0)))
            elif phase == "Pending" and s.get("node"):
                self._start(s, p.name, faults)
            elif phase == "Failed":
                if faults.get("pods") in ("crashloop", "partial") and s.get("revision") == rev:
                    s["restarts"] = int(s.get("restarts", 0)) + 1
                    s["message"] = f"Back-off restarting failed container {s.get('container')} in pod {p.name}"
                else:
                    s.update(phase="Running", ready=True, message="")
            if s != p.status:
                p.status, p.updated_at = s, now
                store.save(p)
            alive.append(p)
        # step 2: mark old-revision and surplus pods Terminating, create the missing ones
        current = [p for p in alive if p.status.get("revision") == rev]
        for p in alive:
            if p.status.get("revision") != rev:
                self._terminate(p, now)
        if len(current) > replicas:  # scale down: not-ready pods first, then the newest
            order = sorted(current, key=lambda p: (bool(p.status.get("ready")), -int(p.status.get("ordinal", 0))))
            surplus = order[:len(current) - replicas]
            for p in surplus:
                self._terminate(p, now)
            current = [p for p in current if p not in surplus]
        labels = dict(template["metadata"].get("labels") or {}, **{LABEL_REVISION: rev})
        for _ in range(replicas - len(current)):
            seq = store.Sequence.next(f"KUBEPOD#{c.name}#{namespace}#{name}")  # atomic: concurrent ticks differ
            suffix = safe_chars(hashlib.sha256(f"{c.name}/{namespace}/{name}/{rev}/{seq}".encode()).digest(), 5)
            pod_name = f"{name[:46].rstrip('-')}-{rev}-{suffix}"
            s = {"phase": "Pending", "ready": False, "restarts": 0, "node": "", "ip": "",
                 "image": container.get("image", ""), "container": container.get("name", ""), "created_ms": now,
                 "revision": rev, "ordinal": seq, "message": ""}
            if nodes:
                self._schedule(c, s, nodes, seq)
            else:
                s["message"] = "0/%d nodes are available: no ready node" % len(targets.list_nodes(c.name))
            pod = KubeObject(_pk(c.name, namespace), f"Pod#{pod_name}", cluster=c.name, namespace=namespace,
                             obj_kind="Pod", name=pod_name, labels=labels, owner=name, status=s,
                             manifest={"metadata": {"name": pod_name, "labels": labels}}, updated_at=now)
            store.create(pod, conflict=f'pods "{pod_name}" already exists')
            current.append(pod)
        # status
        pods = self._owned_pods(c, namespace, name)
        cur = [p for p in pods if p.status.get("revision") == rev and p.status.get("phase") != "Terminating"]
        terminating = [p for p in pods if p.status.get("phase") == "Terminating"]
        ready = sum(1 for p in cur if p.status.get("phase") == "Running" and p.status.get("ready"))
        failed_pods = [p for p in cur if p.status.get("phase") == "Failed"]
        unscheduled = [p for p in cur if p.status.get("phase") == "Pending" and not p.status.get("node")]
        updated = len(cur)
        unavailable = max(replicas - ready, 0)
        failed = bool(failed_pods) or bool(unscheduled)
        settled = not failed and ready == replicas and updated == replicas and not terminating
        if failed_pods:
            p = failed_pods[0]
            message = (f"{len(failed_pods)}/{replicas} pods failed: CrashLoopBackOff: back-off restarting failed "
                       f"container {p.status.get('container')} in pod {p.name}")
        elif unscheduled:
            message = f"{len(unscheduled)}/{replicas} pods unschedulable: " + unscheduled[0].status.get("message", "")
        elif settled:
            message = f'deployment "{name}" successfully rolled out'
        elif terminating and ready == replicas:
            message = (f'Waiting for deployment "{name}" rollout to finish: {len(terminating)} old replicas are '
                       f'pending termination...')
        else:
            message = (f'Waiting for deployment "{name}" rollout to finish: {ready} of {replicas} updated replicas '
                       f'are available...')
        gen = int(dep.generation or 1)
        dep.status = {
            "observedGeneration": gen, "replicas": updated, "readyReplicas": ready, "updatedReplicas": updated,
            "availableReplicas": ready, "unavailableReplicas": unavailable,
            "conditions": [
                {"type": "Available", "status": "True" if ready >= replicas else "False",
                 "reason": "MinimumReplicasAvailable" if ready >= replicas else "MinimumReplicasUnavailable"},
                {"type": "Progressing", "status": "False" if failed else "True",
                 "reason": "ProgressDeadlineExceeded" if failed else (
                     "NewReplicaSetAvailable" if settled else "ReplicaSetUpdated"), "message": message},
            ],
        }
        status = dep.status
        for _ in range(RETRIES):
            if int(dep.generation or 1) == gen:
                dep.status = status
            dep.updated_at = now
            try:
                store.save(dep)
                break
            except Conflict:  # applied again meanwhile: keep its spec, the next tick reconciles it
                dep = self._item(c, namespace, "Deployment", name)
                if dep is None:
                    break
        return DeploymentStatus(replicas=replicas, ready=ready, updated=updated, available=ready,
                                unavailable=unavailable, settled=settled, failed=failed, message=message)

    @staticmethod
    def _schedule(c, s: dict, nodes: list[str], ordinal: int) -> None:
        s["node"] = nodes[(ordinal - 1) % len(nodes)]
        n = store.Sequence.next(f"KUBEPODIP#{c.name}")
        s["ip"] = f"10.244.{(n // 254) % 256}.{n % 254 + 1}"
        s["message"] = ""

    @staticmethod
    def _start(s: dict, pod_name: str, faults: dict) -> None:
        crash = faults.get("pods") == "crashloop" or (faults.get("pods") == "partial"
                                                      and int(s.get("ordinal", 0)) % 2 == 0)
        if crash:
            s.update(phase="Failed", ready=False, restarts=int(s.get("restarts", 0)) + 1,
                     message=f"Back-off restarting failed container {s.get('container')} in pod {pod_name}")
        else:
            s.update(phase="Running", ready=True, message="")

    @staticmethod
    def _terminate(p: KubeObject, now: int) -> None:
        s = dict(p.status or {}, phase="Terminating", ready=False)
        p.status, p.updated_at = s, now
        store.save(p)

