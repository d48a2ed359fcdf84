"""AWS clients: created lazily, once per process, honouring AWS_ENDPOINT_URL (moto and AWS are the same code)."""
from __future__ import annotations

import threading

import boto3
import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionError as BotoConnectionError, HTTPClientError

from chalicelib.core.config import settings

_lock = threading.RLock()  # client() creates the session under the same lock
_clients: dict = {}
_session: list = []


def boto3_session() -> boto3.Session:
    """One boto3 session (and so one botocore session) for the whole process."""
    if not _session:
        with _lock:
            if not _session:
                _session.append(boto3.Session(region_name=settings().region))
    return _session[0]


def botocore_session() -> botocore.session.Session:
    """The botocore session under :func:`boto3_session`; pynamodb shares it (no per-model session)."""
    return boto3_session()._session


def client(service: str):
    key = (service, settings().endpoint_url, settings().region)
    c = _clients.get(key)
    if c is None:
        with _lock:
            c = _clients.get(key)
            if c is None:
                c = boto3_session().client(
                    service,
                    endpoint_url=settings().endpoint_url,
                    config=Config(retries={"max_attempts": 3, "mode": "standard"},
                                  s3={"addressing_style": "path"} if service == "s3" else None),
                )
                _clients[key] = c
    return c


def reset() -> None:
    """Forget every client (tests switch between mocks)."""
    with _lock:
        _clients.clear()
        _session.clear()


_queue_urls: dict = {}


def queue_url(name: str) -> str:
    key = (name, settings().endpoint_url)
    url = _queue_urls.get(key)
    if url is None:
        url = client("sqs").get_queue_url(QueueName=name)["QueueUrl"]
        _queue_urls[key] = url
    return url


def reset_queue_cache() -> None:
    _queue_urls.clear()


# Error codes AWS answers when a call may succeed if retried later (after botocore's own retries are spent).
TRANSIENT_CODES = frozenset({
    "ProvisionedThroughputExceededException", "ThrottlingException", "Throttling", "ThrottledException",
    "RequestLimitExceeded", "RequestThrottled", "RequestThrottledException", "TooManyRequestsException",
    "SlowDown", "InternalServerError", "InternalError", "ServiceUnavailable", "ServiceUnavailableException",
    "TransactionInProgressException", "TransactionConflictException", "KMSThrottlingException",
})


def is_transient(exc: BaseException) -> bool:
    """True when ``exc`` (or what it wraps) is a throttled, unavailable or unreachable AWS dependency."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, (BotoConnectionError, HTTPClientError)):
            return True
        if isinstance(exc, ClientError):
            err = exc.response.get("Error", {}) or {}
            status = int((exc.response.get("ResponseMetadata", {}) or {}).get("HTTPStatusCode") or 0)
            return err.get("Code") in TRANSIENT_CODES or status >= 500
        exc = getattr(exc, "cause", None) or exc.__cause__
        seen += 1
    return False
