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

**Queries on the base table.** moto 5.2 answers a Query by walking every item of the *table*, then sorting the
partition, then skipping to ``ExclusiveStartKey``: a page at 100,000 items costs 100,000 items. DynamoDB reads
only the page. Here each partition keeps its sort keys in order (kept up to date by ``put_item`` and
``delete_item``, rebuilt when the partition changed behind them), and a base-table Query bisects to the key
condition and the start key and reads the page: the local stack's lists stay flat as DynamoDB's do. Same
results, order, ``ScannedCount``, 1 MB page limit and ``LastEvaluatedKey`` as moto's (one difference, DynamoDB's:
no ``LastEvaluatedKey`` when no further item *matches* the key condition). Index queries and legacy
``KeyConditions`` filters take moto's own path.
"""
from __future__ import annotations

import bisect
import copy
import json
import threading

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


_MOTO_QUERY = None  # moto's own Table.query, once installed (the tests compare against it)
_KEYS_LOCK = threading.Lock()  # module level: tables are pickled by the local stack's data directory


def _keys(table, hash_key, part: dict) -> tuple[list, list]:
    """The partition's sort keys in order: (cast values, DynamoTypes); rebuilt if the partition changed unseen."""
    cache = table.__dict__.setdefault("_edgeplane_keys", {})
    entry = cache.get(hash_key)
    if entry is None or entry[0] is not part or len(entry[1]) != len(part):
        types = sorted(part, key=lambda k: k.cast_value)
        entry = cache[hash_key] = (part, [k.cast_value for k in types], types)
    return entry[1], entry[2]


def _after_write(table, item, delta: int) -> None:
    """``item`` was put (``delta`` +1 if its key may be new) or deleted (-1): keep the cached key order."""
    if item is None or table.range_key_attr is None:
        return
    with _KEYS_LOCK:
        cache = table.__dict__.get("_edgeplane_keys")
        entry = cache and cache.get(item.hash_key)
        if not entry:
            return
        part, casts, types = entry
        if part is not table.items.get(item.hash_key):
            cache.pop(item.hash_key, None)
            return
        cast = item.range_key.cast_value
        i = bisect.bisect_left(casts, cast)
        present = i < len(casts) and casts[i] == cast
        if delta > 0 and not present and len(casts) == len(part) - 1:
            casts.insert(i, cast)
            types.insert(i, item.range_key)
        elif delta < 0 and present and len(casts) == len(part) + 1:
            del casts[i], types[i]
        elif len(casts) != len(part):
            cache.pop(item.hash_key, None)


_SYMBOLS = {"=": "EQ", "<": "LT", "<=": "LE", ">": "GT", ">=": "GE"}  # moto passes either spelling


def _key_interval(casts: list, comparison: str | None, values: list) -> tuple[int, int]:
    """Indices [lo, hi) of the sort keys that satisfy the key condition."""
    n = len(casts)
    if not comparison:
        return 0, n
    comparison = _SYMBOLS.get(comparison, comparison)
    v = [x.cast_value for x in values]
    left, right = bisect.bisect_left, bisect.bisect_right
    if comparison == "EQ":
        return left(casts, v[0]), right(casts, v[0])
    if comparison == "LT":
        return 0, left(casts, v[0])
    if comparison == "LE":
        return 0, right(casts, v[0])
    if comparison == "GT":
        return right(casts, v[0]), n
    if comparison == "GE":
        return left(casts, v[0]), n
    if comparison == "BETWEEN":
        lo = left(casts, v[0])
        return lo, max(lo, right(casts, v[1]))
    if comparison == "BEGINS_WITH":  # keys >= the prefix that start with it come first, then none do
        lo, prefix = left(casts, v[0]), v[0]
        return lo, left(casts, True, lo=lo, key=lambda c: not c.startswith(prefix))
    raise LookupError(comparison)


def _query(original):
    def query(self, hash_key, range_comparison, range_objs, limit, exclusive_start_key, scan_index_forward,
              projection_expressions, index_name=None, consistent_read=False, filter_expression=None,
              hash_key_conditions=None, range_key_conditions=None, **filter_kwargs):
        args = (hash_key, range_comparison, range_objs, limit, exclusive_start_key, scan_index_forward,
                projection_expressions, index_name, consistent_read, filter_expression)
        kwargs = dict(hash_key_conditions=hash_key_conditions, range_key_conditions=range_key_conditions,
                      **filter_kwargs)
        if (index_name or filter_kwargs or self.range_key_attr is None or hash_key is None
                or len(range_key_conditions or ()) > 1):
            return original(self, *args, **kwargs)
        from moto.dynamodb.models.dynamo_type import DynamoType
        from moto.dynamodb.models.table import RESULT_SIZE_LIMIT
        part = self.items.get(hash_key)
        if not part:
            return [], 0, None
        try:
            with _KEYS_LOCK:
                casts, types = _keys(self, hash_key, part)
                lo, hi = _key_interval(casts, range_comparison, range_objs)
                if exclusive_start_key is not None:
                    if DynamoType(exclusive_start_key.get(self.hash_key_attr)) != hash_key:
                        return original(self, *args, **kwargs)
                    start = DynamoType(exclusive_start_key[self.range_key_attr]).cast_value
                    if scan_index_forward is False:
                        hi = min(hi, bisect.bisect_left(casts, start))
                    else:
                        lo = max(lo, bisect.bisect_right(casts, start))
                order = range(hi - 1, lo - 1, -1) if scan_index_forward is False else range(lo, hi)
                results, size, last_key = [], 0, None
                for i in order:
                    item = part[types[i]]
                    if len(results) == limit or size + item.size() > RESULT_SIZE_LIMIT:
                        last_key = self._get_last_evaluated_key(results[-1], None)
                        break
                    results.append(item)
                    size += item.size()
        except (LookupError, TypeError, RuntimeError):  # an unusual key or a partition changing under us
            return original(self, *args, **kwargs)
        scanned = len(results)
        results = copy.deepcopy(results)
        if filter_expression is not None:
            results = [item for item in results if filter_expression.expr(item)]
        if projection_expressions:
            results = [r.project(projection_expressions) for r in results]
        return results, scanned, last_key
    return query


def install() -> None:
    from moto.core import serialize
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    if not getattr(DynamoDBBackend, "_edgeplane_fast", False):
        DynamoDBBackend.transact_write_items = _transact_write_items
        DynamoDBBackend._edgeplane_fast = True
    if not getattr(Table, "_edgeplane_fast", False):
        put, delete = Table.put_item, Table.delete_item

        def put_item(self, *args, **kwargs):
            item = put(self, *args, **kwargs)
            _after_write(self, item, +1)
            return item

        def delete_item(self, hash_key, range_key):
            item = delete(self, hash_key, range_key)
            _after_write(self, item, -1)
            return item

        global _MOTO_QUERY
        _MOTO_QUERY = Table.query
        Table.put_item, Table.delete_item, Table.query = put_item, delete_item, _query(Table.query)
        Table._edgeplane_fast = True

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
