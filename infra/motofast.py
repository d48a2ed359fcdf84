"""A faster embedded moto (tests and the local stack; never used in AWS).

**Responses.** 
moto 5.2 writes every response by walking the operation's botocore output shape, member by member. For
DynamoDB's data-plane calls that walk is most of a request's cost on the local stack (one GetItem of a
ten-attribute item visits ~100 shape members; an API request makes several calls). Those results are already
wire-format dicts (moto keeps items as DynamoDB JSON), so they are written with ``json.dumps``, dropping the
``None`` members the walk drops too. Anything else (errors, control-plane calls, a value that is not plain
JSON) takes moto's own path.

**Transactions.** moto 5.2's ``transact_write_items`` deep-copies every table a transaction touches, once per
item, as its rollback backup, and rolls back by putting the copy in place of the table: time and memory in
proportion to the table, and under concurrent requests (the threaded local server) a rollback silently undoes
other requests' writes. Here a transaction checks every condition first (DynamoDB forbids two operations on one
item, so the conditions are independent of each other's effects), changes nothing if one fails, then applies the
operations with a backup of only the items it touches; the same exceptions as moto's.
"""
from __future__ import annotations

import json

DATA_PLANE = frozenset({"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "BatchGetItem",
                        "BatchWriteItem", "TransactGetItems", "TransactWriteItems"})


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(type(value).__name__)


def _transact_write_items(self, transact_items):
    import copy

    from moto.dynamodb.exceptions import (ConditionalCheckFailed, MockValidationException,
                                          MultipleTransactionsException, TooManyTransactionsException,
                                          TransactionCanceledException, TransactWriteSingleOpException)
    from moto.dynamodb.models import get_filter_expression

    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    seen: set = set()
    plan = []  # (op_type, op, table_name, key, current item or None)
    errors: list = []
    for entry in transact_items:
        if len(entry) > 1:
            raise TransactWriteSingleOpException
        op_type, op = next(iter(entry.items()))
        original = None
        try:
            if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
                raise ValueError("Unsupported transaction operation")
            table_name = op["TableName"]
            if op_type == "Put":
                table = self.get_table(table_name)
                attrs = op["Item"]
                key = {table.hash_key_attr: attrs[table.hash_key_attr]}
                if table.range_key_attr is not None:
                    key[table.range_key_attr] = attrs[table.range_key_attr]
            else:
                key = op["Key"]
            marker = (str(table_name), str(dict(sorted(key.items()))))
            if marker in seen:
                raise MultipleTransactionsException()
            seen.add(marker)
            current = self.get_item(table_name, key)
            condition = op.get("ConditionExpression")
            if condition is not None:
                check = get_filter_expression(condition, op.get("ExpressionAttributeNames"),
                                              op.get("ExpressionAttributeValues"))
                if not check.expr(current):
                    if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                        original = current.to_json()["Attributes"]
                    raise ConditionalCheckFailed(item=original)
            plan.append((op_type, op, table_name, key, current))
            errors.append((None, None, None))
        except MockValidationException:
            raise
        except ConditionalCheckFailed as exc:
            errors.append(("ConditionalCheckFailed", str(exc.message), original))
        except Exception as exc:  # noqa: BLE001  (moto reports any other failure per item, then cancels)
            errors.append((type(exc).__name__, str(exc), None))
    if any(code is not None for code, _, _ in errors):
        raise TransactionCanceledException(errors)

    backups = [(table_name, key, copy.deepcopy(current.to_json()["Attributes"]) if current else None)
               for _, _, table_name, key, current in plan]
    done = 0
    try:
        for op_type, op, table_name, key, _ in plan:
            names, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            if op_type == "Put":
                self.put_item(table_name, op["Item"], expression_attribute_names=names,
                              expression_attribute_values=values)
            elif op_type == "Delete":
                self.delete_item(table_name, key, expression_attribute_names=names,
                                 expression_attribute_values=values)
            elif op_type == "Update":
                self.update_item(table_name, key, update_expression=op["UpdateExpression"],
                                 expression_attribute_names=names, expression_attribute_values=values)
            done += 1
    except Exception as exc:
        for table_name, key, attrs in backups[:done + 1]:  # undo what was applied, and the failed item
            if attrs is None:
                self.delete_item(table_name, key)
            else:
                self.put_item(table_name, attrs)
        if isinstance(exc, MockValidationException):
            raise
        failed = [(None, None, None)] * len(plan)
        failed[done] = (type(exc).__name__, str(exc), None)
        raise TransactionCanceledException(failed) from exc


def install() -> None:
    from moto.core import serialize
    from moto.dynamodb.models import DynamoDBBackend

    if not getattr(DynamoDBBackend, "_edgeplane_fast", False):
        DynamoDBBackend.transact_write_items = _transact_write_items
        DynamoDBBackend._edgeplane_fast = True

    cls = serialize.JSONSerializer
    if getattr(cls, "_edgeplane_fast", False):
        return
    slow = cls._serialize_result

    def _serialize_result(self, resp, result):
        model = self.operation_model
        if (isinstance(result, dict) and model.name in DATA_PLANE
                and model.service_model.service_name == "dynamodb"):
            try:
                resp["body"] = json.dumps(_plain(result))
            except TypeError:
                return slow(self, resp, result)
            resp["headers"]["Content-Type"] = self._get_protocol_specific_content_type()
            return resp
        return slow(self, resp, result)

    cls._serialize_result = _serialize_result
    cls._edgeplane_fast = True
