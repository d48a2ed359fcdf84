"""Structured logging with a request id, and metrics, through aws-lambda-powertools.

Service and namespace are passed explicitly (powertools reads env at construction, §5 of the stack notes).
Per-request keys are kept in a thread-local context because ``chalice local`` is threaded.
"""
from __future__ import annotations

import contextlib
import logging as _stdlib_logging
import re
import warnings

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from chalicelib.core.config import settings

logger = Logger(service="edgeplane", level=settings().log_level, use_rfc3339=True)
metrics = Metrics(service="edgeplane", namespace="edgeplane")

_SECRET_KEYS = re.compile(r"(password|secret|token|authorization|passhash|sk)$", re.I)


def redact(data):
    """Copy of ``data`` with secret-looking values masked; use before logging request bodies."""
    if isinstance(data, dict):
        return {k: ("***" if _SECRET_KEYS.search(str(k)) else redact(v)) for k, v in data.items()}
    if isinstance(data, list):
        return [redact(v) for v in data]
    return data


@contextlib.contextmanager
def request_context(**keys):
    logger.thread_safe_append_keys(**keys)
    try:
        yield
    finally:
        logger.thread_safe_remove_keys(list(keys))


def count(name: str, value: float = 1, **dimensions) -> None:
    """Add a metric; flushed as EMF at the end of each invocation (see :func:`flush`)."""
    try:
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
    except Exception:  # metrics must never break a request
        logger.debug("metric dropped", extra={"metric": name})


def flush() -> None:
    """Publish the invocation's metrics as EMF (in Lambda); local and test stages just drop them."""
    if settings().is_local:
        metrics.clear_metrics()
        return
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "no application metrics to publish" is not news
            metrics.flush_metrics(raise_on_empty_metrics=False)
    except Exception:
        logger.debug("metrics flush failed")


_stdlib_logging.getLogger("moto.stepfunctions.parser").setLevel(_stdlib_logging.CRITICAL)
