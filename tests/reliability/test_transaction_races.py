"""Property: a transaction DynamoDB cancels because a *concurrent* transaction touched one of its items
(``TransactionConflict``: e.g. two creates bumping one counter item at once) is not the caller's fault. The store
runs it again (bounded, jittered) and the request succeeds once, or answers a clean retryable 503 with nothing
written; a failed *condition* (a real duplicate) is still the platform's conflict answer, never retried.

moto never answers TransactionConflict, so it is injected at ``BaseClient._make_api_call`` the way DynamoDB
answers it: ``TransactionCanceledException`` with one cancellation reason per item."""
from __future__ import annotations

import botocore.client
import pytest
from botocore.exceptions import ClientError

from chalicelib.core.errors import Conflict, Unavailable
from chalicelib.store import base as store
from tests.reliability.conftest import table_items


@pytest.fixture
def races(monkeypatch):
    """``races(n)``: the next ``n`` TransactWriteItems are cancelled with TransactionConflict on their last item.
    Returns the list of attempted transactions (their item counts)."""
    state = {"left": 0, "seen": []}
    real = botocore.client.BaseClient._make_api_call

    def call(self, op, params):
        if op == "TransactWriteItems":
            state["seen"].append(len(params["TransactItems"]))
            if state["left"] > 0:
                state["left"] -= 1
                n = len(params["TransactItems"])
                reasons = [{"Code": "None"}] * (n - 1) + [{"Code": "TransactionConflict",
                                                           "Message": "Transaction is ongoing for the item"}]
                raise ClientError({"Error": {"Code": "TransactionCanceledException",
                                             "Message": "Transaction cancelled, please refer cancellation reasons "
                                                        "for specific reasons [None, TransactionConflict]"},
                                   "CancellationReasons": reasons,
                                   "ResponseMetadata": {"HTTPStatusCode": 400, "HTTPHeaders": {}}}, op)
        return real(self, op, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", call)
    monkeypatch.setattr(store.time, "sleep", lambda s: None)

    def arm(n: int) -> list:
        state["left"], state["seen"][:] = n, []
        return state["seen"]
    return arm


def _probe(i: str) -> store.Unique:
    return store.Unique(f"TXPROBE#{i}", "P", owner="probe")


def test_a_transaction_conflict_is_retried_and_applied_once(aws_env, races):
    seen = races(store.TRANSACT_ATTEMPTS - 1)
    store.create(_probe("a"), unique=[("txprobe", "a")], counters=["TXPROBE"])
    assert len(seen) == store.TRANSACT_ATTEMPTS          # the cancelled attempts, then the one that applied
    assert store.Counter.value("TXPROBE") == 1            # counted once, not once per attempt
    assert store.get(store.Unique, "UNIQUE#txprobe#a", "U").owner == "TXPROBE#a|P"


def test_a_lasting_conflict_is_a_clean_503_with_nothing_written(aws_env, races):
    before = table_items()
    seen = races(10)
    with pytest.raises(Unavailable):
        store.create(_probe("b"), unique=[("txprobe", "b")], counters=["TXPROBE"])
    assert len(seen) == store.TRANSACT_ATTEMPTS           # bounded
    assert table_items() == before


def test_a_failed_condition_is_a_conflict_and_not_retried(aws_env, races):
    store.create(_probe("c"), unique=[("txprobe", "c")], counters=["TXPROBE"])
    seen = races(0)
    with pytest.raises(Conflict):
        store.create(_probe("c2"), unique=[("txprobe", "c")], counters=["TXPROBE"])  # the unique value is taken
    assert len(seen) == 1
    assert store.Counter.value("TXPROBE") == 1 and store.get(store.Unique, "TXPROBE#c2", "P") is None


def test_an_api_create_under_a_conflict_succeeds_once(client, races):
    """MSAP createProject (project, unique code, counters in one transaction) while another writer holds the
    counter: the client sees one success and one project, not a 409 'already exists' for a new code."""
    from tests.api.msap.conftest import main_account
    ms = main_account(client, "txrace")
    seen = races(2)
    status, env = ms.post("/v1/project/createProject", {"projectCode": "race-1", "projectName": "并发项目"})
    assert status == 200 and env["code"] == "200", (status, env)
    assert len(seen) >= 3
    page = ms.ok_get("/v1/project/listProjectsPage", pageNum=1, pageSize=10)
    assert [p["projectCode"] for p in page["list"]] == ["race-1"]
