"""Store invariants (conditional writes, uniqueness, counters, locking) and the simulated driver."""
from __future__ import annotations

import pytest

from chalicelib import targets
from chalicelib.core.errors import Conflict
from chalicelib.identity import accounts
from chalicelib.store import base as store
from chalicelib.store.base import Counter, Unique


def test_create_claims_unique_values_and_counts(aws_env):
    accounts.create_account("u1", "Passw0rdX", unique=[("phone", "111")])
    with pytest.raises(Conflict):
        accounts.create_account("u2", "Passw0rdX", unique=[("phone", "111")])
    assert accounts.get_account("u2") is None  # the transaction wrote nothing
    with pytest.raises(Conflict):
        accounts.create_account("u1", "Passw0rdX")
    assert Counter.value("ACCTS") == 2  # admin + u1
    acct = accounts.get_account("u1")
    accounts.delete_account(acct, unique=[("phone", "111")])
    assert Counter.value("ACCTS") == 1
    assert store.get(Unique, "UNIQUE#phone#111", "U") is None


def test_concurrent_updates_do_not_lose_data(aws_env):
    a = accounts.get_account("admin")
    b = accounts.get_account("admin")
    a.profile = dict(a.profile, note="first")
    accounts.save_account(a)
    b.profile = dict(b.profile, note="second")
    with pytest.raises(Conflict):
        accounts.save_account(b)
    assert accounts.get_account("admin").profile["note"] == "first"


def test_list_queries_never_scan(aws_env, monkeypatch):
    """Every list used on request paths is a Query (the Scan API is never called)."""
    from pynamodb.connection.base import Connection
    calls = []
    monkeypatch.setattr(Connection, "scan", lambda *a, **k: calls.append(a) or (_ for _ in ()).throw(AssertionError))
    assert len(targets.list_clusters()) == 3
    assert len(targets.list_nodes()) == 5
    assert targets.clusters_with_label("south") == ["edge-guangzhou", "edge-shanghai"]
    assert calls == []


class TestSimulatedDriver:
    def test_rollout_reaches_running(self, aws_env):
        c = targets.require_cluster("edge-beijing")
        drv = targets.driver_for(c)
        nodes = targets.list_nodes("edge-beijing")
        st = drv.apply(c, "ns1", "web", {"kind": "deployment", "replicas": 3}, nodes)
        assert (st.phase, st.desired, st.running) == ("Progressing", 3, 0)
        st = drv.status(c, "ns1", "web")
        assert (st.phase, st.running) == ("Running", 3) and st.settled
        assert drv.remove(c, "ns1", "web").phase == "Deleted"
        assert drv.status(c, "ns1", "web").phase == "Deleted"

    def test_daemonset_runs_one_pod_per_node(self, aws_env):
        c = targets.require_cluster("edge-beijing")
        drv = targets.driver_for(c)
        drv.apply(c, "ns1", "agent", {"kind": "daemonset"}, targets.list_nodes("edge-beijing"))
        assert drv.status(c, "ns1", "agent").running == 2

    @pytest.mark.parametrize("faults,phase,running", [({"pods": "crashloop"}, "Failed", 0),
                                                      ({"pods": "partial"}, "Degraded", 2)])
    def test_injected_pod_faults(self, aws_env, faults, phase, running):
        targets.set_faults("edge-beijing", faults)
        c = targets.require_cluster("edge-beijing")
        drv = targets.driver_for(c)
        drv.apply(c, "ns1", "web", {"kind": "deployment", "replicas": 4}, targets.list_nodes("edge-beijing"))
        st = drv.status(c, "ns1", "web")
        assert (st.phase, st.running) == (phase, running)

    def test_unready_cluster_and_api_errors(self, aws_env):
        targets.set_faults("edge-beijing", {"apply": "error"})
        c = targets.require_cluster("edge-beijing")
        with pytest.raises(targets.TargetError):
            targets.driver_for(c).apply(c, "ns1", "web", {"kind": "deployment"}, [])
        targets.set_ready("edge-guangzhou", False)
        g = targets.require_cluster("edge-guangzhou")
        with pytest.raises(targets.TargetError):
            targets.driver_for(g).ensure_namespace(g, "ns1")

    def test_no_ready_node_fails_the_rollout(self, aws_env):
        for n in targets.list_nodes("edge-shanghai"):
            targets.set_ready("edge-shanghai", False, n.name)
        c = targets.require_cluster("edge-shanghai")
        drv = targets.driver_for(c)
        drv.apply(c, "ns1", "web", {"kind": "deployment", "replicas": 1}, targets.list_nodes("edge-shanghai"))
        st = drv.status(c, "ns1", "web")
        assert st.phase == "Failed" and "no ready node" in st.message

    def test_inventory_load_is_idempotent(self, aws_env):
        assert targets.load_inventory() == 0
        assert len(targets.list_clusters()) == 3
