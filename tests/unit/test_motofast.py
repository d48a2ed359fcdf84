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
