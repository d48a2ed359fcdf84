"""A faster response path for the embedded moto (tests and the local stack; never used in AWS).

moto 5.2 writes every response by walking the operation's botocore output shape, member by member. For
DynamoDB's data-plane calls that walk is most of a request's cost on the local stack (one GetItem of a
ten-attribute item visits ~100 shape members; an API request makes several calls). Those results are already
wire-format dicts (moto keeps items as DynamoDB JSON), so they are written with ``json.dumps``, dropping the
``None`` members the walk drops too. Anything else (errors, control-plane calls, a value that is not plain
JSON) takes moto's own path.
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


def install() -> None:
    from moto.core import serialize

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
