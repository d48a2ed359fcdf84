"""The real Kubernetes driver without a cluster: a local fake API server (real HTTP through the official client),
patched API classes, and the mapping of client objects to PodInfo / DeploymentStatus."""
from __future__ import annotations

import json
import socket
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from unittest import mock
from urllib.parse import parse_qs, urlparse

import pytest

k8s = pytest.importorskip("kubernetes")
from kubernetes import client as kc  # noqa: E402
from kubernetes.client.exceptions import ApiException  # noqa: E402

from chalicelib.targets import kube  # noqa: E402
from chalicelib.targets import kube_real  # noqa: E402
from chalicelib.targets.kube import KubeError  # noqa: E402
from chalicelib.targets.kube_real import RealKube, deployment_status, pod_info  # noqa: E402

LAB = kube.labels_for("web", "d-1")
T0 = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
T0_MS = int(T0.timestamp() * 1000)


# ---------------------------------------------------------------- a fake API server
class FakeApi:
    """Records requests; answers from ``objects`` keyed by URL path (PATCH stores the body, like an apply)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.objects: dict[str, dict] = {}
        self.namespaces = {"ns1"}
        self.lists: dict[str, dict] = {}

    def handle(self, method: str, url: str, headers, body: bytes):
        u = urlparse(url)
        req = {"method": method, "path": u.path, "query": parse_qs(u.query),
               "headers": {k.lower(): v for k, v in headers.items()}, "body": json.loads(body) if body else None}
        self.requests.append(req)
        parts = u.path.strip("/").split("/")
        if "namespaces" in parts and parts.index("namespaces") + 1 < len(parts):
            ns = parts[parts.index("namespaces") + 1]
            namespaced = len(parts) > parts.index("namespaces") + 2
            if namespaced and ns not in self.namespaces:
                return 404, status(404, "NotFound", f'namespaces "{ns}" not found')
        if method == "PATCH":
            if req["body"]["metadata"]["name"] == "invalid":
                return 422, status(422, "Invalid", 'Deployment.apps "invalid" is invalid: spec.replicas: Invalid '
                                                    'value: -1: must be greater than or equal to 0')
            obj = dict(req["body"])
            if obj["kind"] == "Service":
                obj["spec"] = dict(obj["spec"], clusterIP="10.0.0.7")
            self.objects[u.path] = obj
            return 200, obj
        if method == "GET":
            if u.path in self.lists:
                return 200, self.lists[u.path]
            if u.path in self.objects:
                return 200, self.objects[u.path]
            return 404, status(404, "NotFound", f'"{parts[-1]}" not found')
        if method == "DELETE":
            if u.path in self.objects:
                return 200, self.objects.pop(u.path)  # the API server answers with the deleted object
            if parts[-2] == "namespaces" and parts[-1] in self.namespaces:
                self.namespaces.discard(parts[-1])
                return 200, status(200, "Success", "")
            return 404, status(404, "NotFound", f'"{parts[-1]}" not found')
        if method == "POST" and u.path == "/api/v1/namespaces":
            name = req["body"]["metadata"]["name"]
            if name in self.namespaces:
                return 409, status(409, "AlreadyExists", f'namespaces "{name}" already exists')
            self.namespaces.add(name)
            return 201, req["body"]
        return 405, status(405, "MethodNotAllowed", "no")


def status(code, reason, message):
    return {"kind": "Status", "apiVersion": "v1", "status": "Failure" if code >= 300 else "Success",
            "message": message, "reason": reason, "code": code}


@pytest.fixture
def fake_cluster(tmp_path):
    api = FakeApi()

    class Handler(BaseHTTPRequestHandler):
        def _do(self):
            n = int(self.headers.get("Content-Length") or 0)
            code, payload = api.handle(self.command, self.path, self.headers, self.rfile.read(n) if n else b"")
            data = json.dumps(payload).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _do

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    cfg = tmp_path / "kubeconfig"
    cfg.write_text(kubeconfig(f"http://127.0.0.1:{server.server_address[1]}"))
    cluster = SimpleNamespace(name="real1", driver="kubernetes", attrs={"kubeconfig": str(cfg), "context": "edge"})
    kube_real._clients.clear()
    yield api, cluster, kube.driver(cluster)
    server.shutdown()
    server.server_close()
    kube_real._clients.clear()


def kubeconfig(server: str, context: str = "edge") -> str:
    return json.dumps({
        "apiVersion": "v1", "kind": "Config", "current-context": "other",
        "clusters": [{"name": "c1", "cluster": {"server": server}},
                     {"name": "c2", "cluster": {"server": "https://10.255.255.1:6443"}}],
        "users": [{"name": "u1", "user": {"token": "t0ken"}}],
        "contexts": [{"name": context, "context": {"cluster": "c1", "user": "u1"}},
                     {"name": "other", "context": {"cluster": "c2", "user": "u1"}}],
    })


def pod_json(name, phase="Running", ready=True, restarts=0, waiting=None, deleting=False, rev="abc123"):
    cs = {"name": "web", "image": "nginx:1", "imageID": "", "ready": ready, "restartCount": restarts,
          "state": {"waiting": {"reason": waiting, "message": "back-off 5m0s"}} if waiting else {"running": {}}}
    meta = {"name": name, "namespace": "ns1", "labels": dict(LAB, **{"pod-template-hash": rev}),
            "creationTimestamp": "2026-01-02T03:04:05Z"}
    if deleting:
        meta["deletionTimestamp"] = "2026-01-02T03:05:05Z"
    return {"metadata": meta,
            "spec": {"nodeName": "node-a", "containers": [{"name": "web", "image": "nginx:1"}]},
            "status": {"phase": phase, "podIP": "10.1.2.3",
                       "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
                       "containerStatuses": [cs]}}


# ---------------------------------------------------------------- wire-level tests (real HTTP)
class TestAgainstAFakeApiServer:
    def test_kubeconfig_context_selects_the_server(self, fake_cluster):
        api, cluster, d = fake_cluster
        assert isinstance(d, RealKube)
        cfg = d.client(cluster).configuration
        assert cfg.host.startswith("http://127.0.0.1:")
        assert d.client(cluster) is d.client(cluster)  # one client per kubeconfig/context

    def test_apply_is_server_side_apply(self, fake_cluster):
        api, cluster, d = fake_cluster
        m = kube.render_deployment({"name": "web", "namespace": "ns1", "labels": LAB, "image": "nginx:1",
                                    "replicas": 2})
        s = kube.render_service({"name": "web", "namespace": "ns1", "selector": LAB, "type": "NodePort",
                                 "ports": [{"port": 80, "targetPort": 8080}]})
        cm = kube.render_configmap("cfg", "ns1", [{"name": "a", "value": "1"}])
        d.apply(cluster, [kube.render_namespace("ns1"), m, s, cm])
        paths = [(r["method"], r["path"]) for r in api.requests]
        assert paths == [("PATCH", "/api/v1/namespaces/ns1"),
                         ("PATCH", "/apis/apps/v1/namespaces/ns1/deployments/web"),
                         ("PATCH", "/api/v1/namespaces/ns1/services/web"),
                         ("PATCH", "/api/v1/namespaces/ns1/configmaps/cfg")]
        for r in api.requests:
            assert r["headers"]["content-type"] == "application/apply-patch+yaml"
            assert r["query"] == {"fieldManager": ["edgeplane"], "force": ["true"]}
            assert r["headers"].get("authorization") == "Bearer t0ken"
        assert api.requests[1]["body"] == m and api.requests[2]["body"] == s

    def test_server_errors_carry_the_server_message(self, fake_cluster):
        api, cluster, d = fake_cluster
        with pytest.raises(KubeError, match='namespaces "nope" not found'):
            d.apply(cluster, [kube.render_deployment({"name": "web", "namespace": "nope", "image": "x",
                                                      "replicas": 1})])
        with pytest.raises(KubeError, match="must be greater than or equal to 0"):
            d.apply(cluster, [kube.render_deployment({"name": "invalid", "namespace": "ns1", "image": "x",
                                                      "replicas": 1})])
        n = len(api.requests)
        with pytest.raises(KubeError, match="no matches for kind"):
            d.apply(cluster, [{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "ns1"}}])
        assert len(api.requests) == n  # checked before any request

    def test_get_list_delete(self, fake_cluster):
        api, cluster, d = fake_cluster
        s = kube.render_service({"name": "web", "namespace": "ns1", "selector": LAB, "ports": [{"port": 80}]})
        d.apply(cluster, [s])
        got = d.get(cluster, "Service", "ns1", "web")
        assert got["kind"] == "Service" and got["spec"]["clusterIP"] == "10.0.0.7"
        assert got["status"]["clusterIP"] == "10.0.0.7" and got["spec"]["ports"][0]["name"] == "tcp-80"
        assert d.get(cluster, "Deployment", "ns1", "nope") is None
        api.lists["/api/v1/namespaces/ns1/configmaps"] = {
            "kind": "ConfigMapList", "apiVersion": "v1", "metadata": {},
            "items": [{"metadata": {"name": "a", "namespace": "ns1"}, "data": {"k": "v"}}]}
        assert d.list(cluster, "ConfigMap", "ns1") == [{"apiVersion": "v1", "kind": "ConfigMap",
                                                        "metadata": {"name": "a", "namespace": "ns1"},
                                                        "data": {"k": "v"}}]
        assert d.delete(cluster, "Service", "ns1", "web") is True
        assert api.requests[-1]["query"] == {"propagationPolicy": ["Background"]}
        assert d.delete(cluster, "Service", "ns1", "web") is False

    def test_namespaces(self, fake_cluster):
        api, cluster, d = fake_cluster
        api.objects["/api/v1/namespaces/ns1"] = {"metadata": {"name": "ns1"}}
        api.lists["/api/v1/namespaces"] = {"kind": "NamespaceList", "apiVersion": "v1", "metadata": {},
                                           "items": [{"metadata": {"name": "default"}}, {"metadata": {"name": "ns1"}}]}
        assert d.namespaces(cluster) == ["default", "ns1"]
        assert d.ensure_namespace(cluster, "ns1") is False
        assert d.ensure_namespace(cluster, "ns2") is True
        assert api.requests[-1]["method"] == "POST" and api.requests[-1]["body"]["metadata"] == {"name": "ns2"}
        assert d.delete_namespace(cluster, "ns2") is True
        assert d.delete_namespace(cluster, "ns9") is False

    def test_pods_by_label_selector_and_rollout(self, fake_cluster):
        api, cluster, d = fake_cluster
        api.lists["/api/v1/namespaces/ns1/pods"] = {
            "kind": "PodList", "apiVersion": "v1", "metadata": {},
            "items": [pod_json("web-abc123-aaaaa"), pod_json("web-abc123-bbbbb", "Pending", False)]}
        pods = d.pods(cluster, "ns1", LAB)
        q = api.requests[-1]["query"]["labelSelector"][0]
        assert q == "app.kubernetes.io/name=web,msap.edgeplane/deploy=d-1"
        assert pods[0] == kube.PodInfo(name="web-abc123-aaaaa", namespace="ns1", node="node-a", ip="10.1.2.3",
                                       phase="Running", ready=True, restarts=0, image="nginx:1", container="web",
                                       created_ms=T0_MS, revision="abc123", message="")
        assert (pods[1].phase, pods[1].ready) == ("Pending", False)
        dep = kube.render_deployment({"name": "web", "namespace": "ns1", "labels": LAB, "image": "nginx:1",
                                      "replicas": 2})
        dep["metadata"]["generation"] = 3
        dep["status"] = {"observedGeneration": 3, "replicas": 2, "readyReplicas": 1, "updatedReplicas": 2,
                         "availableReplicas": 1, "unavailableReplicas": 1}
        api.objects["/apis/apps/v1/namespaces/ns1/deployments/web"] = dep
        st = d.rollout(cluster, "ns1", "web")
        assert (st.replicas, st.ready, st.updated, st.available, st.unavailable, st.settled, st.failed) == (
            2, 1, 2, 1, 1, False, False)
        assert "1 of 2 updated replicas are available" in st.message
        dep["status"].update(readyReplicas=2, availableReplicas=2, unavailableReplicas=None)
        api.lists["/api/v1/namespaces/ns1/pods"]["items"] = [pod_json("web-abc123-aaaaa"),
                                                             pod_json("web-abc123-bbbbb")]
        st = d.rollout(cluster, "ns1", "web")
        assert st.settled and st.unavailable == 0 and "successfully rolled out" in st.message
        api.lists["/api/v1/namespaces/ns1/pods"]["items"] = [pod_json("web-abc123-aaaaa", ready=False, restarts=4,
                                                                      waiting="CrashLoopBackOff")]
        st = d.rollout(cluster, "ns1", "web")
        assert st.failed and not st.settled and "CrashLoopBackOff" in st.message
        with pytest.raises(KubeError, match="not found"):
            d.rollout(cluster, "ns1", "nope")

    def test_unreachable_cluster(self, tmp_path):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()  # nothing listens there
        cfg = tmp_path / "kc"
        cfg.write_text(kubeconfig(f"http://127.0.0.1:{port}"))
        cluster = SimpleNamespace(name="down", attrs={"kubeconfig": str(cfg), "context": "edge"})
        d = RealKube()
        d.client(cluster).configuration.retries = 0
        with pytest.raises(KubeError, match="down is unreachable"):
            d.namespaces(cluster)
        kube_real._clients.clear()

    def test_bad_kubeconfigs(self, tmp_path):
        d = RealKube()
        with pytest.raises(KubeError, match="no kubeconfig"):
            d.client(SimpleNamespace(name="x", attrs={}))
        with pytest.raises(KubeError, match="cannot load kubeconfig"):
            d.client(SimpleNamespace(name="x", attrs={"kubeconfig": str(tmp_path / "missing")}))
        cfg = tmp_path / "kc"
        cfg.write_text(kubeconfig("http://127.0.0.1:1"))
        with pytest.raises(KubeError, match="cannot load kubeconfig"):
            d.client(SimpleNamespace(name="x", attrs={"kubeconfig": str(cfg), "context": "no-such-context"}))
        kube_real._clients.clear()


# ---------------------------------------------------------------- patched API classes
class TestPatchedApis:
    def test_calls_and_bodies(self):
        core, apps = mock.MagicMock(), mock.MagicMock()
        core.read_namespace.side_effect = ApiException(status=404, reason="Not Found")
        apps.delete_namespaced_deployment.side_effect = [None, ApiException(status=404, reason="Not Found")]
        with mock.patch("kubernetes.client.CoreV1Api", return_value=core), \
                mock.patch("kubernetes.client.AppsV1Api", return_value=apps):
            d = RealKube(api_client=kc.ApiClient())
            cl = SimpleNamespace(name="p", attrs={})
            assert d.ensure_namespace(cl, "team-a") is True
            core.create_namespace.assert_called_once_with(
                {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}})
            m = kube.render_deployment({"name": "web", "namespace": "team-a", "image": "x", "replicas": 1})
            d.apply(cl, [m])
            apps.patch_namespaced_deployment.assert_called_once_with(
                "web", "team-a", body=m, field_manager="edgeplane", force=True,
                _content_type="application/apply-patch+yaml")
            assert d.delete(cl, "deployment", "team-a", "web") is True
            apps.delete_namespaced_deployment.assert_called_with("web", "team-a", propagation_policy="Background")
            assert d.delete(cl, "Deployment", "team-a", "web") is False
            core.patch_namespaced_config_map.side_effect = ApiException(
                status=403, reason="Forbidden", body=json.dumps(status(403, "Forbidden", 'configmaps "c" is '
                                                                       'forbidden: User "x" cannot patch')))
            with pytest.raises(KubeError, match='configmaps "c" is forbidden'):
                d.apply(cl, [kube.render_configmap("c", "team-a", [])])
            core.list_namespaced_pod.return_value = kc.V1PodList(items=[])
            assert d.pods(cl, "team-a", {"a": "1", "b": "2"}) == []
            core.list_namespaced_pod.assert_called_with("team-a", label_selector="a=1,b=2")

    def test_error_message(self):
        assert kube_real.error_message(ApiException(status=500, reason="Internal", body="not json")) == "not json"
        assert kube_real.error_message(ApiException(status=502, reason="Bad Gateway")) == "502 Bad Gateway"


# ---------------------------------------------------------------- object mapping
def v1pod(phase="Running", ready=True, waiting=None, deleting=False, sched_msg=None, restarts=(0,)):
    statuses = [kc.V1ContainerStatus(name="web", image="nginx:1", image_id="", ready=ready, restart_count=r,
                                     state=kc.V1ContainerState(waiting=kc.V1ContainerStateWaiting(
                                         reason=waiting, message="back-off")) if waiting else
                                     kc.V1ContainerState(running=kc.V1ContainerStateRunning()))
                for r in restarts]
    conds = [kc.V1PodCondition(type="Ready", status="True" if ready else "False")]
    if sched_msg:
        conds.append(kc.V1PodCondition(type="PodScheduled", status="False", reason="Unschedulable",
                                       message=sched_msg))
        statuses = []
    return kc.V1Pod(
        metadata=kc.V1ObjectMeta(name="web-x-1", namespace="ns1", labels={"pod-template-hash": "x"},
                                 creation_timestamp=T0, deletion_timestamp=T0 if deleting else None),
        spec=kc.V1PodSpec(node_name=None if sched_msg else "n1",
                          containers=[kc.V1Container(name="web", image="nginx:1")]),
        status=kc.V1PodStatus(phase=phase, pod_ip=None if sched_msg else "10.0.0.9", conditions=conds,
                              container_statuses=statuses, message="exit 1" if phase == "Failed" else None))


@pytest.mark.parametrize("pod,phase,ready,message", [
    (v1pod(), "Running", True, ""),
    (v1pod(ready=False, waiting="CrashLoopBackOff", restarts=(3, 2)), "Failed", False, "CrashLoopBackOff: back-off"),
    (v1pod(phase="Pending", ready=False, waiting="ImagePullBackOff"), "Failed", False, "ImagePullBackOff: back-off"),
    (v1pod(phase="Pending", ready=False, waiting="ContainerCreating"), "Pending", False, "ContainerCreating"),
    (v1pod(phase="Pending", ready=False, sched_msg="0/3 nodes are available"), "Pending", False,
     "0/3 nodes are available"),
    (v1pod(deleting=True), "Terminating", True, ""),
    (v1pod(phase="Failed", ready=False), "Failed", False, "exit 1"),
])
def test_pod_info_mapping(pod, phase, ready, message):
    info = pod_info(pod)
    assert (info.phase, info.ready, info.message) == (phase, ready, message)
    assert (info.name, info.namespace, info.revision, info.created_ms, info.image, info.container) == (
        "web-x-1", "ns1", "x", T0_MS, "nginx:1", "web")
    assert info.restarts == sum(cs.restart_count for cs in (pod.status.container_statuses or []))
    assert info.node == (pod.spec.node_name or "") and info.ip == (pod.status.pod_ip or "")


def v1dep(want=3, gen=2, observed=2, total=3, ready=3, updated=3, available=3, unavailable=None, conditions=()):
    return kc.V1Deployment(
        metadata=kc.V1ObjectMeta(name="web", generation=gen),
        spec=kc.V1DeploymentSpec(replicas=want, selector=kc.V1LabelSelector(match_labels={"a": "b"}),
                                 template=kc.V1PodTemplateSpec()),
        status=kc.V1DeploymentStatus(observed_generation=observed, replicas=total, ready_replicas=ready,
                                     updated_replicas=updated, available_replicas=available,
                                     unavailable_replicas=unavailable, conditions=list(conditions)))


@pytest.mark.parametrize("dep,settled,failed,needle", [
    (v1dep(), True, False, "successfully rolled out"),
    (v1dep(observed=1), False, False, "spec update to be observed"),
    (v1dep(updated=1, ready=1, available=1, unavailable=2), False, False, "1 out of 3 new replicas"),
    (v1dep(total=5), False, False, "2 old replicas are pending termination"),
    (v1dep(ready=2, available=2), False, False, "2 of 3 updated replicas are available"),
    (v1dep(want=0, total=0, ready=0, updated=0, available=0), True, False, "successfully"),
    (v1dep(ready=0, available=0, conditions=[kc.V1DeploymentCondition(
        type="Progressing", status="False", reason="ProgressDeadlineExceeded",
        message='ReplicaSet "web-x" has timed out progressing.')]), False, True, "exceeded its progress deadline"),
    (v1dep(ready=0, available=0, conditions=[kc.V1DeploymentCondition(
        type="ReplicaFailure", status="True", reason="FailedCreate", message="quota exceeded")]), False, True,
     "quota exceeded"),
])
def test_deployment_status_mapping(dep, settled, failed, needle):
    st = deployment_status(dep)
    assert (st.settled, st.failed) == (settled, failed) and needle in st.message
    assert st.replicas == dep.spec.replicas and st.ready == dep.status.ready_replicas
    assert st.unavailable == (dep.status.unavailable_replicas or max(dep.spec.replicas - dep.status.available_replicas,
                                                                     0))


def test_deployment_status_uses_failed_pods():
    st = deployment_status(v1dep(ready=2, available=2), [pod_info(v1pod(ready=False, waiting="CrashLoopBackOff"))])
    assert st.failed and "1/3 pods failed: CrashLoopBackOff" in st.message
