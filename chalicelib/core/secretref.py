"""Secrets read at run time from AWS Secrets Manager or SSM Parameter Store, never from a template.

A *reference* names where a secret lives:

* ``ssm:<parameter name>``: an SSM parameter (``SecureString``, decrypted with the function's KMS permission);
* anything else (an ARN or a name): a Secrets Manager secret, its ``SecretString`` (or one JSON key of it with
  ``<arn or name>#<key>``).

Values are cached per process for ``ttl`` seconds (300 by default), so a warm function makes one call per five
minutes and a rotated secret is picked up without a deploy. A value that cannot be read raises
:class:`~chalicelib.core.errors.Unavailable` (a clean, retryable 503 on a request path): a function never falls
back to a default secret.
"""
from __future__ import annotations

import json
import threading
import time

from chalicelib.core.errors import Unavailable

DEFAULT_TTL = 300.0
_cache: dict[str, tuple[float, str]] = {}
_lock = threading.Lock()


def _fetch(ref: str) -> str:
    from botocore.exceptions import BotoCoreError, ClientError

    from chalicelib.core import aws
    try:
        if ref.startswith("ssm:"):
            out = aws.client("ssm").get_parameter(Name=ref[4:], WithDecryption=True)
            return out["Parameter"]["Value"]
        secret_id, _, key = ref.partition("#")
        value = aws.client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"]
        if key:
            value = json.loads(value)[key]
        return value
    except (ClientError, BotoCoreError, KeyError, ValueError, TypeError) as exc:
        # The reference is configuration, not a secret: safe to name. The value never appears in an error.
        raise Unavailable(f"secret {ref.partition('#')[0]!r} is not readable ({type(exc).__name__})") from None


def resolve(ref: str, *, ttl: float = DEFAULT_TTL) -> str:
    now = time.monotonic()
    hit = _cache.get(ref)
    if hit is not None and hit[0] > now:
        return hit[1]
    with _lock:
        hit = _cache.get(ref)
        if hit is not None and hit[0] > now:
            return hit[1]
        value = _fetch(ref)
        if not value:
            raise Unavailable(f"secret {ref.partition('#')[0]!r} is empty")
        _cache[ref] = (now + ttl, value)
        return value


def forget() -> None:
    """Drop cached values (tests; a rotation hook could call it too)."""
    with _lock:
        _cache.clear()
