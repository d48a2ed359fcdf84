"""infra/motofast.py: the embedded moto's DynamoDB fast paths keep DynamoDB's semantics (all or nothing
transactions, the cancellation reasons, the wire format of results)."""
from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from infra import motofast

TABLE = "motofast-t"


@pytest.fixture
def ddb(aws_env):
    c = boto3.client("dynamodb")
    c.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                   AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                   KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    c.put_item(TableName=TABLE, Item={"pk": {"S": "b"}, "n": {"N": "1"}, "s": {"S": "text"},
                                      "bin": {"B": b"\x00\x01"}, "m": {"M": {"x": {"L": [{"S": "y"}]}}}})
    return c


def _item(ddb, pk):
    return ddb.get_item(TableName=TABLE, Key={"pk": {"S": pk}}).get("Item")


def test_installed_and_results_keep_the_wire_format(ddb):
    from moto.dynamodb.models import DynamoDBBackend
    assert DynamoDBBackend.transact_write_items is motofast._transact_write_items
    item = _item(ddb, "b")
    assert item == {"pk": {"S": "b"}, "n": {"N": "1"}, "s": {"S": "text"}, "bin": {"B": b"\x00\x01"},
                    "m": {"M": {"x": {"L": [{"S": "y"}]}}}}
    q = ddb.query(TableName=TABLE, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "b"}})
    assert q["Count"] == 1 and q["Items"] == [item] and "LastEvaluatedKey" not in q


def test_a_failed_condition_cancels_everything_with_reasons(ddb):
    with pytest.raises(ClientError) as exc:
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": TABLE, "Item": {"pk": {"S": "a"}}}},
            {"Update": {"TableName": TABLE, "Key": {"pk": {"S": "b"}}, "UpdateExpression": "SET n = :two",
                        "ConditionExpression": "n = :zero",
                        "ExpressionAttributeValues": {":two": {"N": "2"}, ":zero": {"N": "0"}},
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
        ])
    err = exc.value.response
    assert err["Error"]["Code"] == "TransactionCanceledException"
    reasons = [r["Code"] for r in err["CancellationReasons"]]
    assert reasons == ["None", "ConditionalCheckFailed"]
    assert err["CancellationReasons"][1]["Item"]["n"] == {"N": "1"}
    assert _item(ddb, "a") is None and _item(ddb, "b")["n"] == {"N": "1"}


def test_a_failure_while_applying_undoes_the_applied_items(ddb):
    with pytest.raises(ClientError):
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": TABLE, "Item": {"pk": {"S": "a"}, "v": {"S": "new"}}}},
            {"Update": {"TableName": TABLE, "Key": {"pk": {"S": "b"}}, "UpdateExpression": "SET s = s + :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}}}},  # a string plus a number
        ])
    assert _item(ddb, "a") is None
    assert _item(ddb, "b")["s"] == {"S": "text"} and _item(ddb, "b")["bin"] == {"B": b"\x00\x01"}


def test_success_applies_every_operation_and_two_ops_on_one_item_are_refused(ddb):
    ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": TABLE, "Item": {"pk": {"S": "a"}}, "ConditionExpression": "attribute_not_exists(pk)"}},
        {"Update": {"TableName": TABLE, "Key": {"pk": {"S": "b"}}, "UpdateExpression": "ADD n :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}},
        {"ConditionCheck": {"TableName": TABLE, "Key": {"pk": {"S": "c"}},
                            "ConditionExpression": "attribute_not_exists(pk)"}},
    ])
    assert _item(ddb, "a") == {"pk": {"S": "a"}} and _item(ddb, "b")["n"] == {"N": "2"}
    ddb.transact_write_items(TransactItems=[{"Delete": {"TableName": TABLE, "Key": {"pk": {"S": "a"}}}}])
    assert _item(ddb, "a") is None
    with pytest.raises(ClientError) as exc:
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": TABLE, "Item": {"pk": {"S": "z"}}}},
            {"Delete": {"TableName": TABLE, "Key": {"pk": {"S": "z"}}}},
        ])
    assert exc.value.response["Error"]["Code"] == "ValidationException"
    assert _item(ddb, "z") is None


# --------------------------------------------------------------------------- base-table queries

RANGED = "motofast-r"


@pytest.fixture
def ranged(aws_env):
    c = boto3.client("dynamodb")
    c.create_table(TableName=RANGED, BillingMode="PAY_PER_REQUEST",
                   AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                         {"AttributeName": "sk", "AttributeType": "S"}],
                   KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])
    return c


def _walk(c, **q) -> tuple[list, list]:
    """Every page of a Query: (items, per-page ScannedCount)."""
    items, scanned, start = [], [], None
    while True:
        page = c.query(TableName=RANGED, **q, **({"ExclusiveStartKey": start} if start else {}))
        items += page["Items"]
        scanned.append(page["ScannedCount"])
        start = page.get("LastEvaluatedKey")
        if not start:
            return items, scanned


QUERIES = [
    {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "A"}}},
    {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "A"}}, "ScanIndexForward": False,
     "Limit": 7},
    {"KeyConditionExpression": "pk = :p AND begins_with(sk, :s)",
     "ExpressionAttributeValues": {":p": {"S": "A"}, ":s": {"S": "x#1"}}, "Limit": 4},
    {"KeyConditionExpression": "pk = :p AND sk BETWEEN :a AND :b",
     "ExpressionAttributeValues": {":p": {"S": "A"}, ":a": {"S": "x#05"}, ":b": {"S": "y#30"}}, "Limit": 9,
     "ScanIndexForward": False},
    {"KeyConditionExpression": "pk = :p AND sk > :a", "ExpressionAttributeValues": {":p": {"S": "A"},
                                                                                     ":a": {"S": "x#50"}}},
    {"KeyConditionExpression": "pk = :p AND sk <= :a", "ExpressionAttributeValues": {":p": {"S": "A"},
                                                                                      ":a": {"S": "x#50"}},
     "Limit": 11},
    {"KeyConditionExpression": "pk = :p AND sk = :a", "ExpressionAttributeValues": {":p": {"S": "A"},
                                                                                     ":a": {"S": "y#07"}}},
    {"KeyConditionExpression": "pk = :p", "FilterExpression": "n > :n", "ProjectionExpression": "pk, sk, n",
     "ExpressionAttributeValues": {":p": {"S": "A"}, ":n": {"N": "40"}}, "Limit": 10},
    {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "nobody"}}},
]


def test_base_table_queries_answer_as_moto_does_and_follow_writes(ranged, monkeypatch):
    import random

    from moto.dynamodb.models.table import Table
    rnd = random.Random(8)
    keys = [f"{p}#{i:02d}" for p in "xyz" for i in range(60)]
    rnd.shuffle(keys)
    for i, sk in enumerate(keys):  # two partitions interleaved, written out of order
        ranged.put_item(TableName=RANGED, Item={"pk": {"S": "AB"[i % 2]}, "sk": {"S": sk}, "n": {"N": str(i % 97)}})
    expected = {}

    walked = []
    every = Table.all_items
    monkeypatch.setattr(Table, "all_items", lambda self: walked.append(1) or every(self))

    def both():
        walked.clear()
        fast = [_walk(ranged, **q) for q in QUERIES]
        assert not walked                                # every one took the fast path
        with monkeypatch.context() as m:
            m.setattr(Table, "query", motofast._MOTO_QUERY)
            slow = [_walk(ranged, **q) for q in QUERIES]
        for f, s, q in zip(fast, slow, QUERIES):
            assert f[0] == s[0], q                       # same items, same order, across every page
            assert f[1][0] == s[1][0], q                 # same ScannedCount on the first page
        expected["last"] = fast
    both()
    # the cached key order follows puts (new and replaced), deletes, batch writes, transactions and updates
    for sk in keys[:30]:
        ranged.delete_item(TableName=RANGED, Key={"pk": {"S": "A"}, "sk": {"S": sk}})
    ranged.batch_write_item(RequestItems={RANGED: [
        {"PutRequest": {"Item": {"pk": {"S": "A"}, "sk": {"S": f"x#1{i}b"}, "n": {"N": "1"}}}} for i in range(5)]
        + [{"DeleteRequest": {"Key": {"pk": {"S": "A"}, "sk": {"S": keys[31]}}}}]})
    ranged.transact_write_items(TransactItems=[
        {"Put": {"TableName": RANGED, "Item": {"pk": {"S": "A"}, "sk": {"S": "y#07"}, "n": {"N": "99"}}}},
        {"Delete": {"TableName": RANGED, "Key": {"pk": {"S": "A"}, "sk": {"S": keys[33]}}}},
        {"Update": {"TableName": RANGED, "Key": {"pk": {"S": "A"}, "sk": {"S": "x#00a"}},
                    "UpdateExpression": "SET n = :n", "ExpressionAttributeValues": {":n": {"N": "77"}}}},
    ])
    both()
    assert any(item["sk"] == {"S": "x#00a"} for item in expected["last"][0][0])  # created by an update


def test_a_base_table_page_reads_only_the_page(ranged, monkeypatch):
    """The figure bench/perf shows as flat: a page of 5 at the middle of 3,000 items touches about 5 items."""
    from moto.dynamodb.models.dynamo_type import Item
    for lo in range(0, 3000, 25):
        ranged.batch_write_item(RequestItems={RANGED: [{"PutRequest": {"Item": {"pk": {"S": "P"},
                                                                               "sk": {"S": f"k{i:05d}"}}}}
                                                       for i in range(lo, lo + 25)]})
    ranged.query(TableName=RANGED, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "P"}},
                 Limit=1)  # builds the partition's key order once
    from moto.dynamodb.models.table import Table
    touched, walked = [], []
    size, every = Item.size, Table.all_items
    monkeypatch.setattr(Item, "size", lambda self: touched.append(1) or size(self))
    monkeypatch.setattr(Table, "all_items", lambda self: walked.append(1) or every(self))
    page = ranged.query(TableName=RANGED, KeyConditionExpression="pk = :p", Limit=5,
                        ExpressionAttributeValues={":p": {"S": "P"}},
                        ExclusiveStartKey={"pk": {"S": "P"}, "sk": {"S": "k01500"}})
    assert [i["sk"]["S"] for i in page["Items"]] == [f"k{i:05d}" for i in range(1501, 1506)]
    assert page["ScannedCount"] == 5 and page["LastEvaluatedKey"]["sk"] == {"S": "k01505"}
    assert len(touched) <= 2 * 6   # each item of the page (and the one after it) sized at most twice
    assert not walked              # moto's own Query walks every item of the table
