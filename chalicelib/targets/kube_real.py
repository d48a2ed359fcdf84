"""The real Kubernetes driver: the official ``kubernetes`` client (imported lazily), one cluster per kubeconfig.

``cluster.attrs = {"kubeconfig": "/path/to/kubeconfig", "context": "name"}`` (context optional). Writes are
server-side apply (``application/apply-patch+yaml``, field manager ``edgeplane``, forced), so ``apply`` creates
or updates by (kind, namespace, name) in one call and the API server keeps clusterIPs and nodePorts. Every
``ApiException`` becomes a :class:`KubeError` carrying the server's message; connection failures and bad
kubeconfigs too.
"""
from __future__ import annotations

import json
import threading
from contextlib import contextmanager

from chalicelib.targets.kube import (FIELD_MANAGER, KINDS, LABEL_REVISION, DeploymentStatus, KubeError, PodInfo,
                                     canonical_kind, ms_of, validate_manifest_shape)

APPLY = "application/apply-patch+yaml"
BAD_WAITING = {"CrashLoopBackOff", "ErrImagePull", "ImagePullBackOff", "InvalidImageName", "CreateContainerError",
               "CreateContainerConfigError", "RunContainerError"}

_clients: dict[tuple, object] = {}
_lock = threading.Lock()


def error_message(exc) -> str:
    """The API server's message of an ApiException (its Status body), else ``<status> <reason>``."""
    body = getattr(exc, "body", None)
    if body:
        try:
            data = json.loads(body)
            if isinstance(data, dict) and data.get("message"):
                return str(data["message"])
        except (TypeError, ValueError):
            if isinstance(body, str) and body.strip() and len(body) < 500:
                return body.strip()
    return f"{getattr(exc, 'status', '') or ''} {getattr(exc, 'reason', '') or 'request failed'}".strip()


@contextmanager
def api_errors(cluster_name: str):
    from kubernetes.client.exceptions import ApiException
    try:
        yield
    except KubeError:
        raise
    except ApiException as exc:
        raise KubeError(error_message(exc)) from exc
    except Exception as exc:
        import urllib3
        if isinstance(exc, (urllib3.exceptions.HTTPError, OSError)):  # connection, TLS, timeouts
            raise KubeError(f"cluster {cluster_name} is unreachable: {type(exc).__name__}: {exc}") from exc
        raise KubeError(f"cluster {cluster_name} answered unexpectedly: {type(exc).__name__}: {exc}") from exc


def _not_found(exc) -> bool:
    return getattr(exc, "status", None) == 404


def _selector(selector: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted((selector or {}).items()))


def pod_info(pod) -> PodInfo:
    """A ``V1Pod`` → :class:`PodInfo` (phase Pending | Running | Terminating | Failed)."""
    meta, spec, st = pod.metadata, pod.spec, pod.status
    containers = (spec.containers if spec and spec.containers else [])
    c0 = containers[0] if containers else None
    statuses = (st.container_statuses if st and st.container_statuses else [])
    restarts = sum(int(cs.restart_count or 0) for cs in statuses)
    conditions = {c.type: c for c in ((st.conditions if st else None) or [])}
    ready = bool(conditions.get("Ready") and conditions["Ready"].status == "True")
    phase_k8s = (st.phase if st else None) or "Pending"
    message = ""
    bad = None
    for cs in statuses:
        waiting = cs.state.waiting if cs.state else None
        if waiting and waiting.reason in BAD_WAITING:
            bad = f"{waiting.reason}: {waiting.message or ''}".strip().rstrip(":")
            break
    if meta.deletion_timestamp is not None:
        phase = "Terminating"
    elif bad:
        phase, message = "Failed", bad
    elif phase_k8s == "Running":
        phase = "Running"
        if not ready and conditions.get("Ready") and conditions["Ready"].message:
            message = conditions["Ready"].message
    elif phase_k8s in ("Failed", "Succeeded"):
        phase, message = "Failed", (st.message or st.reason or phase_k8s)
    else:
        phase = "Pending"
        sched = conditions.get("PodScheduled")
        if sched and sched.status == "False":
            message = sched.message or sched.reason or ""
        else:
            for cs in statuses:
                if cs.state and cs.state.waiting and cs.state.waiting.reason:
                    message = cs.state.waiting.reason
                    break
    return PodInfo(
        name=meta.name or "", namespace=meta.namespace or "", node=(spec.node_name if spec else None) or "",
        ip=(st.pod_ip if st else None) or "", phase=phase, ready=ready, restarts=restarts,
        image=(c0.image if c0 else "") or "", container=(c0.name if c0 else "") or "",
        created_ms=ms_of(meta.creation_timestamp), revision=(meta.labels or {}).get(LABEL_REVISION, ""),
        message=message)


def deployment_status(dep, pods: list[PodInfo] | None = None) -> DeploymentStatus:
    """A ``V1Deployment`` (+ optionally its pods) → :class:`DeploymentStatus`, with kubectl's rollout logic."""
    name = dep.metadata.name
    want = dep.spec.replicas if dep.spec and dep.spec.replicas is not None else 1
    st = dep.status
    total = int((st.replicas if st else 0) or 0)
    ready = int((st.ready_replicas if st else 0) or 0)
    updated = int((st.updated_replicas if st else 0) or 0)
    available = int((st.available_replicas if st else 0) or 0)
    unavailable = int((st.unavailable_replicas if st else 0) or 0) or max(want - available, 0)
    observed = int((st.observed_generation if st else 0) or 0) >= int(dep.metadata.generation or 0)
    conditions = {c.type: c for c in ((st.conditions if st else None) or [])}
    failed, message = False, ""
    prog = conditions.get("Progressing")
    if prog is not None and prog.reason == "ProgressDeadlineExceeded":
        failed, message = True, f'deployment "{name}" exceeded its progress deadline: {prog.message or ""}'.strip()
    rf = conditions.get("ReplicaFailure")
    if not failed and rf is not None and rf.status == "True":
        failed, message = True, rf.message or rf.reason or "replica failure"
    if not failed:
        bad = [p for p in (pods or []) if p.phase == "Failed"]
        if bad:
            failed, message = True, f"{len(bad)}/{want} pods failed: {bad[0].message} (pod {bad[0].name})"
    settled = (not failed and observed and updated == want and total == want and available == want)
    if failed:
        pass
    elif not observed:
        message = "Waiting for deployment spec update to be observed..."
    elif settled:
        message = f'deployment "{name}" successfully rolled out'
    elif updated < want:
        message = (f'Waiting for deployment "{name}" rollout to finish: {updated} out of {want} new replicas '
                   f'have been updated...')
    elif total > updated:
        message = (f'Waiting for deployment "{name}" rollout to finish: {total - updated} old replicas are pending '
                   f'termination...')
    else:
        message = (f'Waiting for deployment "{name}" rollout to finish: {available} of {updated} updated replicas '
                   f'are available...')
    return DeploymentStatus(replicas=want, ready=ready, updated=updated, available=available,
                            unavailable=unavailable, settled=settled, failed=failed, message=message)


class RealKube:
    """:class:`chalicelib.targets.kube.KubeDriver` over a real API server.

    ``api_client`` (tests) replaces the client built from the cluster's kubeconfig.
    """

    def __init__(self, api_client=None):
        self._api_client = api_client

    # ------------------------------------------------------------ clients
    def client(self, cluster):
        if self._api_client is not None:
            return self._api_client
        attrs = getattr(cluster, "attrs", None) or {}
        path, context = attrs.get("kubeconfig"), attrs.get("context")
        if not path:
            raise KubeError(f"cluster {cluster.name} has no kubeconfig (attrs.kubeconfig)")
        key = (path, context)
        with _lock:
            if key not in _clients:
                from kubernetes import config
                try:
                    _clients[key] = config.new_client_from_config(config_file=path, context=context)
                except Exception as exc:  # ConfigException, OSError, YAML errors
                    raise KubeError(f"cluster {cluster.name}: cannot load kubeconfig {path}: {exc}") from exc
            return _clients[key]

    def _core(self, cluster):
        from kubernetes import client
        return client.CoreV1Api(self.client(cluster))

    def _apps(self, cluster):
        from kubernetes import client
        return client.AppsV1Api(self.client(cluster))

    def _serialize(self, cluster, obj, kind: str) -> dict:
        from kubernetes import client
        api = self._api_client if self._api_client is not None else client.ApiClient()
        data = api.sanitize_for_serialization(obj) if not isinstance(obj, dict) else dict(obj)
        data.setdefault("apiVersion", KINDS[kind][0])
        data.setdefault("kind", kind)
        if kind == "Service":
            status = dict(data.get("status") or {})
            status.setdefault("clusterIP", (data.get("spec") or {}).get("clusterIP", ""))
            data["status"] = status
        return data

    # ------------------------------------------------------------ namespaces
    def namespaces(self, cluster) -> list[str]:
        with api_errors(cluster.name):
            return [n.metadata.name for n in (self._core(cluster).list_namespace().items or [])]

    def ensure_namespace(self, cluster, namespace: str) -> bool:
        from kubernetes.client.exceptions import ApiException
        core = self._core(cluster)
        with api_errors(cluster.name):
            try:
                core.read_namespace(namespace)
                return False
            except ApiException as exc:
                if not _not_found(exc):
                    raise
            try:
                core.create_namespace({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}})
                return True
            except ApiException as exc:
                if exc.status == 409:
                    return False
                raise

    def delete_namespace(self, cluster, namespace: str) -> bool:
        from kubernetes.client.exceptions import ApiException
        with api_errors(cluster.name):
            try:
                self._core(cluster).delete_namespace(namespace)
                return True
            except ApiException as exc:
                if _not_found(exc):
                    return False
                raise

    # ------------------------------------------------------------ objects
    def _ops(self, cluster, kind: str):
        core, apps = self._core(cluster), self._apps(cluster)
        return {
            "Namespace": (core.patch_namespace, core.delete_namespace, core.read_namespace, core.list_namespace),
            "Deployment": (apps.patch_namespaced_deployment, apps.delete_namespaced_deployment,
                           apps.read_namespaced_deployment, apps.list_namespaced_deployment),
            "Service": (core.patch_namespaced_service, core.delete_namespaced_service,
                        core.read_namespaced_service, core.list_namespaced_service),
            "ConfigMap": (core.patch_namespaced_config_map, core.delete_namespaced_config_map,
                          core.read_namespaced_config_map, core.list_namespaced_config_map),
        }[kind]

    def apply(self, cluster, manifests: list[dict]) -> None:
        if not isinstance(manifests, list):
            raise KubeError("manifests must be a list")
        plan = [(validate_manifest_shape(m), m) for m in manifests]  # check all before writing
        with api_errors(cluster.name):
            for (kind, ns, name), m in plan:
                patch = self._ops(cluster, kind)[0]
                kw = dict(body=m, field_manager=FIELD_MANAGER, force=True, _content_type=APPLY)
                if ns is None:
                    patch(name, **kw)
                else:
                    patch(name, ns, **kw)

    def delete(self, cluster, kind: str, namespace: str, name: str) -> bool:
        from kubernetes.client.exceptions import ApiException
        kind = canonical_kind(kind)
        if kind == "Namespace":
            return self.delete_namespace(cluster, name)
        with api_errors(cluster.name):
            try:
                self._ops(cluster, kind)[1](name, namespace, propagation_policy="Background")
                return True
            except ApiException as exc:
                if _not_found(exc):
                    return False
                raise

    def get(self, cluster, kind: str, namespace: str, name: str) -> dict | None:
        from kubernetes.client.exceptions import ApiException
        kind = canonical_kind(kind)
        read = self._ops(cluster, kind)[2]
        with api_errors(cluster.name):
            try:
                obj = read(name) if kind == "Namespace" else read(name, namespace)
            except ApiException as exc:
                if _not_found(exc):
                    return None
                raise
            return self._serialize(cluster, obj, kind)

    def list(self, cluster, kind: str, namespace: str) -> list[dict]:
        kind = canonical_kind(kind)
        lst = self._ops(cluster, kind)[3]
        with api_errors(cluster.name):
            res = lst() if kind == "Namespace" else lst(namespace)
            return [self._serialize(cluster, o, kind) for o in (res.items or [])]

    def pods(self, cluster, namespace: str, selector: dict[str, str]) -> list[PodInfo]:
        with api_errors(cluster.name):
            res = self._core(cluster).list_namespaced_pod(namespace, label_selector=_selector(selector))
            return [pod_info(p) for p in (res.items or [])]

    def rollout(self, cluster, namespace: str, name: str) -> DeploymentStatus:
        with api_errors(cluster.name):
            dep = self._apps(cluster).read_namespaced_deployment(name, namespace)
            pods: list[PodInfo] = []
            match = (dep.spec.selector.match_labels if dep.spec and dep.spec.selector else None) or {}
            if match:
                image = dep.spec.template.spec.containers[0].image if dep.spec.template.spec.containers else None
                # only pods of the current template count (an old crashing revision must not fail a fix)
                pods = [p for p in self.pods(cluster, namespace, match) if p.image == image]
            return deployment_status(dep, pods)
