"""``Idempotency-Key`` for requests that start work (powertools idempotency, DynamoDB persistence).

A client may send ``Idempotency-Key: <uuid>`` on a job-starting request; the first answer is stored
(24 h) in the main table under ``idempotency#<surface>`` and replayed for the same caller, route and key.
The same key with another body is a 422; the same key while the first request still runs is a 409
(draft-ietf-httpapi-idempotency-key-header). Keys are scoped per caller, so tenants never share them.
"""
from __future__ import annotations

from typing import Callable

from aws_lambda_powertools.utilities.idempotency import (DynamoDBPersistenceLayer, IdempotencyConfig,
                                                         idempotent_function)
from aws_lambda_powertools.utilities.idempotency.exceptions import (IdempotencyAlreadyInProgressError,
                                                                    IdempotencyPersistenceLayerError,
                                                                    IdempotencyValidationError)

from chalicelib.core import aws
from chalicelib.core.config import settings
from chalicelib.core.errors import Conflict, DomainError, Invalid, Unavailable

HEADER = "idempotency-key"
_layers: dict = {}


def _layer(surface: str) -> DynamoDBPersistenceLayer:
    key = (surface, settings().table_name, settings().endpoint_url)
    if key not in _layers:
        _layers[key] = DynamoDBPersistenceLayer(
            table_name=settings().table_name, key_attr="pk", sort_key_attr="sk",
            static_pk_value=f"idempotency#{surface}", expiry_attr="expires_at",
            boto3_client=aws.client("dynamodb"))
    return _layers[key]


class _Replayed(Exception):
    """Carries a domain error through powertools, which must not store failures."""

    def __init__(self, err: DomainError):
        self.err = err


def once(ctx, action: str, body, run: Callable[[], dict]) -> dict:
    """Run ``run()`` at most once per (caller, action, Idempotency-Key); without the header, just run it."""
    key = (ctx.header(HEADER) or "").strip()
    if not key:
        return run()
    if len(key) > 255:
        raise Invalid("Idempotency-Key must be at most 255 characters")
    config = IdempotencyConfig(event_key_jmespath="[caller, action, key]", payload_validation_jmespath="body",
                               expires_after_seconds=24 * 3600, hash_function="sha256")
    lambda_context = getattr(ctx.request, "lambda_context", None)
    if lambda_context is not None and hasattr(lambda_context, "get_remaining_time_in_millis"):
        config.register_lambda_context(lambda_context)

    @idempotent_function(data_keyword_argument="request", persistence_store=_layer(ctx.surface), config=config,
                         key_prefix=f"{ctx.surface}.{action}")
    def _call(request: dict) -> dict:
        try:
            return run()
        except DomainError as err:  # not stored: a failed request may be retried with the same key
            raise _Replayed(err) from err

    request = {"caller": getattr(ctx.principal, "username", "-"), "action": action, "key": key,
               "body": body.model_dump(mode="json") if hasattr(body, "model_dump") else body}
    try:
        return _call(request=request)
    except _Replayed as wrapped:
        raise wrapped.err from None
    except IdempotencyValidationError:
        raise Invalid("Idempotency-Key was already used with a different request") from None
    except IdempotencyAlreadyInProgressError:
        raise Conflict("a request with this Idempotency-Key is still being processed") from None
    except IdempotencyPersistenceLayerError as exc:
        raise Unavailable("the idempotency store is unavailable, retry later") from exc
