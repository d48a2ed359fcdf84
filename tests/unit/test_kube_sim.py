"""The simulated Kubernetes driver: state in DynamoDB (moto), deterministic reconcile ticks, injected faults."""
from __future__ import annotations

import re

import pytest

from chalicelib import targets
from chalicelib.targets import kube
from chalicelib.targets.kube import KubeError
from chalicelib.targets.kube_sim import KubeObject, SimulatedKube

LAB = kube.labels_for("web", "d-1")


def make_cluster(name: str = "kc1"):
    targets.register_cluster(name)
    for n in ("n1", "n2"):
        targets.register_node(name, n)
    c = targets.require_cluster(name)
    d = kube.driver(c)
    assert isinstance(d, SimulatedKube)
    d.ensure_namespace(c, "ns1")
    return c, d


@pytest.fixture
def kc(aws_env):
    return make_cluster("kc1")


@pytest.fixture
def fresh(aws_env):
    """Several independent clusters inside one mocked AWS (each aws_env setup costs ~1.5 s)."""
    n = [0]

    def _make():
        n[0] += 1
        return make_cluster(f"kc{n[0]}")
    return _make


def dep(replicas=3, image="nginx:1.27", **over):
    spec = {"name": "web", "namespace": "ns1", "labels": LAB, "image": image, "replicas": replicas}
    spec.update(over)
    return kube.render_deployment(spec)


def svc(name="web", type_="ClusterIP", ports=None, ns="ns1"):
    return kube.render_service({"name": name, "namespace": ns, "selector": LAB, "type": type_,
                                "trafficPolicy": "Local", "ports": ports or [{"port": 80, "targetPort": 8080}]})


def phases(d, c, selector=LAB, ns="ns1"):
    return sorted(p.phase for p in d.pods(c, ns, selector))


def settle(d, c, name="web", ns="ns1", ticks=5):
    for _ in range(ticks):
        st = d.rollout(c, ns, name)
        if st.settled or st.failed:
            return st
    return st


class TestNamespaces:
    def check_ensure_list_delete(self, kc):
        c, d = kc
        assert d.ensure_namespace(c, "ns1") is False
        assert d.ensure_namespace(c, "ns2") is True
        assert d.namespaces(c) == ["ns1", "ns2"]
        assert targets.require_cluster(c.name).namespaces == ["ns1", "ns2"]  # stored on the Cluster item
        assert d.get(c, "Namespace", None, "ns2")["status"] == {"phase": "Active"}
        assert [n["metadata"]["name"] for n in d.list(c, "Namespace", None)] == ["ns1", "ns2"]
        assert d.delete_namespace(c, "ns2") is True
        assert d.delete_namespace(c, "ns2") is False
        assert d.namespaces(c) == ["ns1"] and d.get(c, "Namespace", None, "ns2") is None

    def check_stale_cluster_objects_do_not_lose_namespaces(self, kc):
        c, d = kc
        stale = targets.require_cluster(c.name)
        d.ensure_namespace(c, "ns2")
        assert d.ensure_namespace(stale, "ns3") is True  # re-read + versioned save, no lost update
        assert d.namespaces(c) == ["ns1", "ns2", "ns3"]

    def test_namespaces_lifecycle_and_concurrency(self, fresh):
        self.check_ensure_list_delete(fresh())
        self.check_stale_cluster_objects_do_not_lose_namespaces(fresh())

    def check_faults_and_bad_names(self, kc):
        c, d = kc
        with pytest.raises(KubeError):
            d.ensure_namespace(c, "Bad_NS")
        targets.set_faults(c.name, {"namespace": "error"})
        with pytest.raises(KubeError, match="refused"):
            d.ensure_namespace(c, "ns2")
        with pytest.raises(KubeError):
            d.delete_namespace(c, "ns1")
        assert d.namespaces(c) == ["ns1"]

    def check_deleting_a_namespace_removes_its_objects(self, kc):
        c, d = kc
        d.apply(c, [dep(2), svc(type_="NodePort"), kube.render_configmap("cfg", "ns1", [{"name": "a", "value": "1"}])])
        settle(d, c)
        assert d.delete_namespace(c, "ns1")
        assert list(KubeObject.query(f"KUBE#{c.name}#ns1")) == []
        d.ensure_namespace(c, "ns1")
        assert d.get(c, "Deployment", "ns1", "web") is None and d.pods(c, "ns1", LAB) == []
        d.apply(c, [svc(name="other", type_="NodePort", ports=[{"port": 81}])])
        assert d.get(c, "Service", "ns1", "other")["spec"]["ports"][0]["nodePort"] == 30000  # port was freed


    def test_namespace_faults_and_cascading_delete(self, fresh):
        self.check_faults_and_bad_names(fresh())
        self.check_deleting_a_namespace_removes_its_objects(fresh())

class TestApply:
    def check_missing_namespace_is_refused_and_nothing_is_written(self, kc):
        c, d = kc
        cm = kube.render_configmap("cfg", "ns1", [{"name": "a", "value": "1"}])
        with pytest.raises(KubeError, match='namespaces "nope" not found'):
            d.apply(c, [cm, dep(namespace="nope")])
        assert d.get(c, "ConfigMap", "ns1", "cfg") is None

    def check_a_namespace_in_the_same_batch_is_created_first(self, kc):
        c, d = kc
        d.apply(c, [kube.render_namespace("ns2"), dep(namespace="ns2")])
        assert "ns2" in d.namespaces(c) and d.get(c, "Deployment", "ns2", "web") is not None

    def test_namespace_checks_before_any_write(self, fresh):
        self.check_missing_namespace_is_refused_and_nothing_is_written(fresh())
        self.check_a_namespace_in_the_same_batch_is_created_first(fresh())

    def check_apply_fault_and_unready_cluster(self, kc):
        c, d = kc
        targets.set_faults(c.name, {"apply": "error"})
        with pytest.raises(KubeError, match="rejected"):
            d.apply(c, [dep()])
        targets.set_faults(c.name, {})
        targets.set_ready(c.name, False)
        with pytest.raises(KubeError, match="not ready"):
            d.apply(c, [dep()])
        with pytest.raises(KubeError, match="not ready"):
            d.rollout(c, "ns1", "web")
        assert d.get(c, "Deployment", "ns1", "web") is None

    def check_unknown_kinds_and_bad_manifests(self, kc):
        c, d = kc
        with pytest.raises(KubeError, match="no matches for kind"):
            d.apply(c, [{"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "x", "namespace": "ns1"}}])
        with pytest.raises(KubeError):
            d.apply(c, [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "UPPER", "namespace": "ns1"}}])
        m = dep()
        m["spec"]["selector"]["matchLabels"] = {"other": "x"}
        with pytest.raises(KubeError, match="does not match"):
            d.apply(c, [m])

    def test_faults_and_invalid_manifests(self, fresh):
        self.check_apply_fault_and_unready_cluster(fresh())
        self.check_unknown_kinds_and_bad_manifests(fresh())

    def check_generation_bumps_only_when_the_spec_changes(self, kc):
        c, d = kc
        d.apply(c, [dep()])
        assert d.get(c, "Deployment", "ns1", "web")["metadata"]["generation"] == 1
        d.apply(c, [dep()])
        assert d.get(c, "Deployment", "ns1", "web")["metadata"]["generation"] == 1
        d.apply(c, [dep(replicas=4)])
        got = d.get(c, "Deployment", "ns1", "web")
        assert got["metadata"]["generation"] == 2 and got["spec"]["replicas"] == 4
        assert got["status"]["observedGeneration"] == 0  # not reconciled yet: reads show the stored state

    def check_selector_is_immutable(self, kc):
        c, d = kc
        d.apply(c, [dep()])
        with pytest.raises(KubeError, match="immutable"):
            d.apply(c, [dep(labels=kube.labels_for("web", "d-2"))])


    def test_generation_and_immutable_selector(self, fresh):
        self.check_generation_bumps_only_when_the_spec_changes(fresh())
        self.check_selector_is_immutable(fresh())

class TestRollout:
    def test_two_ticks_to_running(self, kc):
        c, d = kc
        d.apply(c, [dep(3)])
        assert d.pods(c, "ns1", LAB) == []  # pods appear with the first reconcile tick
        st = d.rollout(c, "ns1", "web")
        assert (st.replicas, st.ready, st.updated, st.settled, st.failed) == (3, 0, 3, False, False)
        pods = d.pods(c, "ns1", LAB)
        rev = kube.template_hash(dep(3)["spec"]["template"])
        assert len(pods) == 3 and {p.phase for p in pods} == {"Pending"}
        assert all(re.fullmatch(rf"web-{rev}-[bcdfghjklmnpqrstvwxz2456789]{{5}}", p.name) for p in pods)
        assert sorted(p.node for p in pods) == ["n1", "n1", "n2"]  # round-robin over the cluster's nodes
        assert all(re.fullmatch(r"10\.244\.\d+\.\d+", p.ip) for p in pods) and len({p.ip for p in pods}) == 3
        assert {(p.revision, p.image, p.container, p.namespace) for p in pods} == {(rev, "nginx:1.27", "web", "ns1")}
        st = d.rollout(c, "ns1", "web")
        assert (st.ready, st.available, st.unavailable, st.settled) == (3, 3, 0, True)
        assert "successfully rolled out" in st.message
        pods = d.pods(c, "ns1", LAB)
        assert all(p.phase == "Running" and p.ready and p.restarts == 0 for p in pods)
        status = d.get(c, "Deployment", "ns1", "web")["status"]
        assert {k: status[k] for k in ("observedGeneration", "replicas", "readyReplicas", "updatedReplicas",
                                       "availableReplicas", "unavailableReplicas")} == {
            "observedGeneration": 1, "replicas": 3, "readyReplicas": 3, "updatedReplicas": 3,
            "availableReplicas": 3, "unavailableReplicas": 0}
        assert d.rollout(c, "ns1", "web").settled  # a settled rollout stays settled
        assert [p.name for p in d.pods(c, "ns1", LAB)] == [p.name for p in pods]

    def test_deterministic_names(self, aws_env):
        names = []
        for cl in ("ka", "kb"):
            targets.register_cluster(cl)
            targets.register_node(cl, "n1")
            c = targets.require_cluster(cl)
            d = kube.driver(c)
            d.ensure_namespace(c, "ns1")
            d.apply(c, [dep(2)])
            d.rollout(c, "ns1", "web")
            names.append(sorted((p.name.rsplit("-", 1)[0], p.ip) for p in d.pods(c, "ns1", LAB)))
        assert names[0] == names[1]

    def test_a_conflicting_concurrent_tick_is_retried(self, kc, monkeypatch):
        from chalicelib.core.errors import Conflict
        from chalicelib.store import base
        c, d = kc
        d.apply(c, [dep(2)])
        d.rollout(c, "ns1", "web")
        real, calls = base.save, []

        def flaky(item, **kw):
            calls.append(item.sk)
            if len(calls) == 1:
                raise Conflict("the object was changed concurrently, retry")
            return real(item, **kw)
        monkeypatch.setattr(base, "save", flaky)
        st = d.rollout(c, "ns1", "web")
        assert st.settled and phases(d, c) == ["Running", "Running"] and calls[0].startswith("Pod#")
        got = d.get(c, "Deployment", "ns1", "web")
        got["spec"]["replicas"] = 99  # reads are copies
        assert d.get(c, "Deployment", "ns1", "web")["spec"]["replicas"] == 2

    def test_new_revision_replaces_old_pods(self, kc):
        c, d = kc
        d.apply(c, [dep(2)])
        settle(d, c)
        old = {p.name for p in d.pods(c, "ns1", LAB)}
        d.apply(c, [dep(2, image="nginx:1.28")])
        st = d.rollout(c, "ns1", "web")
        assert not st.settled and st.updated == 2
        pods = d.pods(c, "ns1", LAB)
        assert sorted((p.name in old, p.phase) for p in pods) == [
            (False, "Pending"), (False, "Pending"), (True, "Terminating"), (True, "Terminating")]
        st = d.rollout(c, "ns1", "web")
        assert st.settled
        pods = d.pods(c, "ns1", LAB)
        assert len(pods) == 2 and not ({p.name for p in pods} & old) and {p.image for p in pods} == {"nginx:1.28"}

    def check_scale_down_and_to_zero(self, kc):
        c, d = kc
        d.apply(c, [dep(3)])
        settle(d, c)
        d.apply(c, [dep(1)])
        st = d.rollout(c, "ns1", "web")
        assert phases(d, c) == ["Running", "Terminating", "Terminating"] and not st.settled
        assert "pending termination" in st.message
        assert d.rollout(c, "ns1", "web").settled and phases(d, c) == ["Running"]
        d.apply(c, [dep(0)])
        st = d.rollout(c, "ns1", "web")
        assert phases(d, c) == ["Terminating"] and not st.settled
        st = d.rollout(c, "ns1", "web")
        assert st.settled and (st.replicas, st.ready) == (0, 0) and d.pods(c, "ns1", LAB) == []

    def check_scale_up_keeps_running_pods(self, kc):
        c, d = kc
        d.apply(c, [dep(1)])
        settle(d, c)
        first = d.pods(c, "ns1", LAB)[0].name
        d.apply(c, [dep(3)])
        d.rollout(c, "ns1", "web")
        assert sorted((p.name == first, p.phase) for p in d.pods(c, "ns1", LAB)) == [
            (False, "Pending"), (False, "Pending"), (True, "Running")]
        assert d.rollout(c, "ns1", "web").settled

    def test_scaling(self, fresh):
        self.check_scale_down_and_to_zero(fresh())
        self.check_scale_up_keeps_running_pods(fresh())

    def check_crashloop_fault(self, kc):
        c, d = kc
        targets.set_faults(c.name, {"pods": "crashloop"})
        d.apply(c, [dep(2)])
        d.rollout(c, "ns1", "web")
        st = d.rollout(c, "ns1", "web")
        assert st.failed and not st.settled and "CrashLoopBackOff" in st.message
        pods = d.pods(c, "ns1", LAB)
        assert {p.phase for p in pods} == {"Failed"} and {p.restarts for p in pods} == {1}
        assert "Back-off restarting failed container web" in pods[0].message
        d.rollout(c, "ns1", "web")
        assert {p.restarts for p in d.pods(c, "ns1", LAB)} == {2}  # restarts grow
        cond = d.get(c, "Deployment", "ns1", "web")["status"]["conditions"][1]
        assert (cond["status"], cond["reason"]) == ("False", "ProgressDeadlineExceeded")
        targets.set_faults(c.name, {})
        st = d.rollout(c, "ns1", "web")
        assert st.settled and {p.phase for p in d.pods(c, "ns1", LAB)} == {"Running"}

    def check_partial_fault(self, kc):
        c, d = kc
        targets.set_faults(c.name, {"pods": "partial"})
        d.apply(c, [dep(4)])
        d.rollout(c, "ns1", "web")
        st = d.rollout(c, "ns1", "web")
        assert st.failed and st.ready == 2 and phases(d, c) == ["Failed", "Failed", "Running", "Running"]

    def test_pod_faults(self, fresh):
        self.check_crashloop_fault(fresh())
        self.check_partial_fault(fresh())

    def check_no_ready_node_fails_the_rollout(self, kc):
        c, d = kc
        targets.set_ready(c.name, False, node="n1")
        targets.set_ready(c.name, False, node="n2")
        d.apply(c, [dep(2)])
        st = d.rollout(c, "ns1", "web")
        assert st.failed and "unschedulable" in st.message
        assert {(p.phase, p.node) for p in d.pods(c, "ns1", LAB)} == {("Pending", "")}
        targets.set_ready(c.name, True, node="n2")
        d.rollout(c, "ns1", "web")
        assert {p.node for p in d.pods(c, "ns1", LAB)} == {"n2"}
        assert d.rollout(c, "ns1", "web").settled

    def check_rollout_of_a_missing_deployment(self, kc):
        c, d = kc
        with pytest.raises(KubeError, match='deployments.apps "nope" not found'):
            d.rollout(c, "ns1", "nope")

    def test_unschedulable_and_missing(self, fresh):
        self.check_no_ready_node_fails_the_rollout(fresh())
        self.check_rollout_of_a_missing_deployment(fresh())

    def test_selectors_and_deleting_a_deployment_removes_its_pods(self, kc):
        c, d = kc
        other = kube.labels_for("api", "d-2")
        d.apply(c, [dep(2), kube.render_deployment({"name": "api", "namespace": "ns1", "labels": other,
                                                    "image": "api:1", "replicas": 1})])
        settle(d, c)
        settle(d, c, "api")
        assert len(d.pods(c, "ns1", LAB)) == 2 and len(d.pods(c, "ns1", other)) == 1
        assert len(d.pods(c, "ns1", {kube.LABEL_DEPLOY: "d-2"})) == 1
        assert len(d.pods(c, "ns1", {})) == 3 and d.pods(c, "ns1", {"x": "y"}) == []
        assert d.delete(c, "Deployment", "ns1", "web") is True
        assert d.delete(c, "Deployment", "ns1", "web") is False
        assert d.pods(c, "ns1", LAB) == [] and len(d.pods(c, "ns1", other)) == 1
        assert [m["metadata"]["name"] for m in d.list(c, "Deployment", "ns1")] == ["api"]


class TestServicesAndConfigMaps:
    def check_cluster_ip_assigned_and_kept(self, kc):
        c, d = kc
        d.apply(c, [svc()])
        got = d.get(c, "Service", "ns1", "web")
        ip = got["status"]["clusterIP"]
        assert re.fullmatch(r"10\.96\.\d+\.\d+", ip) and got["spec"]["clusterIP"] == ip
        assert got["spec"]["internalTrafficPolicy"] == "Local" and "nodePort" not in got["spec"]["ports"][0]
        d.apply(c, [svc(ports=[{"port": 81}])])
        got = d.get(c, "Service", "ns1", "web")
        assert got["status"]["clusterIP"] == ip and got["spec"]["ports"][0]["port"] == 81
        d.apply(c, [svc(name="web2")])
        assert d.get(c, "Service", "ns1", "web2")["status"]["clusterIP"] != ip

    def check_node_ports_assigned_kept_and_unique(self, kc):
        c, d = kc
        d.apply(c, [svc(type_="NodePort", ports=[{"port": 80}, {"port": 443, "nodePort": 30000}])])
        ports = d.get(c, "Service", "ns1", "web")["spec"]["ports"]
        assert [p["nodePort"] for p in ports] == [30001, 30000]
        d.apply(c, [svc(type_="NodePort", ports=[{"port": 80}, {"port": 443, "nodePort": 30000}])])
        assert [p["nodePort"] for p in d.get(c, "Service", "ns1", "web")["spec"]["ports"]] == [30001, 30000]
        d.ensure_namespace(c, "ns2")
        with pytest.raises(KubeError, match="already allocated"):
            d.apply(c, [svc(ns="ns2", type_="NodePort", ports=[{"port": 80, "nodePort": 30001}])])
        assert d.get(c, "Service", "ns2", "web") is None
        d.apply(c, [svc(ns="ns2", type_="NodePort")])
        assert d.get(c, "Service", "ns2", "web")["spec"]["ports"][0]["nodePort"] == 30002
        d.apply(c, [svc(type_="ClusterIP")])  # switching type frees the node ports
        assert "nodePort" not in d.get(c, "Service", "ns1", "web")["spec"]["ports"][0]
        d.apply(c, [svc(ns="ns2", name="b", type_="NodePort", ports=[{"port": 1, "nodePort": 30001}])])
        assert d.delete(c, "Service", "ns2", "b") is True and d.get(c, "Service", "ns2", "b") is None
        d.apply(c, [svc(ns="ns2", name="c", type_="NodePort", ports=[{"port": 1, "nodePort": 30001}])])

    def check_two_services_of_one_batch_cannot_share_a_node_port(self, kc):
        c, d = kc
        a = svc(name="a", type_="NodePort", ports=[{"port": 80, "nodePort": 30100}])
        b = svc(name="b", type_="NodePort", ports=[{"port": 80, "nodePort": 30100}])
        with pytest.raises(KubeError, match="already allocated"):
            d.apply(c, [a, b])
        assert d.list(c, "Service", "ns1") == []

    def test_node_ports(self, fresh):
        self.check_node_ports_assigned_kept_and_unique(fresh())
        self.check_two_services_of_one_batch_cannot_share_a_node_port(fresh())

    def check_configmaps_stored_as_given(self, kc):
        c, d = kc
        cm = kube.render_configmap("cfg", "ns1", [{"name": "app.yml", "value": "a: 1"}], labels=LAB)
        d.apply(c, [cm])
        got = d.get(c, "ConfigMap", "ns1", "cfg")
        assert got["data"] == {"app.yml": "a: 1"} and got["metadata"]["labels"] == LAB
        assert "status" not in got and got["metadata"]["creationTimestamp"]
        d.apply(c, [kube.render_configmap("cfg", "ns1", [{"name": "app.yml", "value": "a: 2"}])])
        assert d.get(c, "ConfigMap", "ns1", "cfg")["data"] == {"app.yml": "a: 2"}
        assert [m["metadata"]["name"] for m in d.list(c, "configmap", "ns1")] == ["cfg"]
        assert d.delete(c, "ConfigMap", "ns1", "cfg") and d.get(c, "ConfigMap", "ns1", "cfg") is None
        assert d.list(c, "ConfigMap", "ns1") == [] and d.list(c, "ConfigMap", "other") == []

    def check_delete_fault(self, kc):
        c, d = kc
        d.apply(c, [svc()])
        targets.set_faults(c.name, {"delete": "error"})
        with pytest.raises(KubeError):
            d.delete(c, "Service", "ns1", "web")
        assert d.get(c, "Service", "ns1", "web") is not None


    def test_cluster_ips_and_configmaps(self, fresh):
        self.check_cluster_ip_assigned_and_kept(fresh())
        self.check_configmaps_stored_as_given(fresh())
        self.check_delete_fault(fresh())

def test_driver_selection(aws_env):
    targets.register_cluster("sim")
    targets.register_cluster("real", driver="kubernetes", attrs={"kubeconfig": "/nonexistent"})
    targets.register_cluster("odd", driver="nomad")
    assert isinstance(kube.driver(targets.require_cluster("sim")), SimulatedKube)
    from chalicelib.targets.kube_real import RealKube
    assert isinstance(kube.driver(targets.require_cluster("real")), RealKube)
    with pytest.raises(KubeError, match="unknown driver"):
        kube.driver(targets.require_cluster("odd"))


def test_reads_and_writes_never_scan(kc, monkeypatch):
    from pynamodb.connection.base import Connection

    def no_scan(*a, **k):
        raise AssertionError("Scan used")
    monkeypatch.setattr(Connection, "scan", no_scan)
    c, d = kc
    d.apply(c, [dep(2), svc(type_="NodePort")])
    settle(d, c)
    d.pods(c, "ns1", LAB)
    d.list(c, "Deployment", "ns1")
    d.delete(c, "Deployment", "ns1", "web")
    d.delete_namespace(c, "ns1")
