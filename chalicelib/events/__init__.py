"""Event consumers (thin): job queue, step tasks, their dead letters, S3 uploads, schedules.

Registered as a blueprint by app.py. Surfaces plug upload inspectors in with :func:`on_upload`, periodic
work with :func:`every_tick` and job workflows with ``jobs.register``; the modules doing so are listed in
``chalicelib.surfaces.WORKERS`` and loaded by :func:`bp_with_workers`, so an events-only function (the
deployed workers) knows every job kind.
"""
from __future__ import annotations

import json
import re
from typing import Callable
from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from chalice import Blueprint, Rate

from chalicelib import jobs
from chalicelib.core.config import settings
from chalicelib.core.logging import flush, logger
from chalicelib.jobs import worker

bp = Blueprint(__name__)

_upload_handlers: list[tuple[re.Pattern, Callable[[str, str, int], None]]] = []
_periodic: list[Callable[[], object]] = []


def on_upload(pattern: str):
    """Register ``fn(bucket, key, size)`` for uploaded objects whose key matches ``pattern``."""
    def deco(fn):
        _upload_handlers.append((re.compile(pattern), fn))
        return fn
    return deco


def every_tick(fn):
    _periodic.append(fn)
    return fn


def _batch(event, handle: Callable[[dict], None]):
    def record_handler(record):
        body = record.body
        handle(json.loads(body) if isinstance(body, str) else body)

    try:
        return process_partial_response(event=event.to_dict(), record_handler=record_handler,
                                        processor=BatchProcessor(event_type=EventType.SQS), context=event.context)
    finally:
        flush()


def dispatch_upload(notification: dict) -> int:
    handled = 0
    for rec in notification.get("Records", []) or []:
        s3 = rec.get("s3") or {}
        bucket = (s3.get("bucket") or {}).get("name", "")
        key = unquote_plus((s3.get("object") or {}).get("key", ""))  # S3 event keys are form-encoded
        size = int((s3.get("object") or {}).get("size", 0) or 0)
        if not rec.get("eventName", "").startswith("ObjectCreated"):
            continue
        for pattern, fn in _upload_handlers:
            if pattern.search(key):
                fn(bucket, key, size)
                handled += 1
    return handled


def bp_with_workers() -> Blueprint:
    """The blueprint, with every surface's workflows, upload inspectors and periodic tasks registered."""
    from chalicelib.surfaces import load_workers
    load_workers()
    return bp


@bp.on_sqs_message(queue=settings().jobs_queue, batch_size=5)
def on_jobs(event):
    return _batch(event, worker.start_execution)


@bp.on_sqs_message(queue=settings().steps_queue, batch_size=1)
def on_steps(event):
    return _batch(event, worker.run_step)


@bp.on_sqs_message(queue=settings().steps_queue + "-dlq", batch_size=5)
def on_steps_dlq(event):
    return _batch(event, worker.fail_from_dlq)


@bp.on_sqs_message(queue=settings().jobs_queue + "-dlq", batch_size=5)
def on_jobs_dlq(event):
    return _batch(event, worker.fail_from_dlq)


@bp.on_sqs_message(queue=settings().uploads_queue, batch_size=5)
def on_uploads(event):
    return _batch(event, dispatch_upload)


@bp.schedule(Rate(5, unit=Rate.MINUTES))
def on_tick(event):
    """Periodic sweeps: the job reaper plus whatever surfaces registered."""
    from chalicelib.blobs import chunked
    results = {"reaped": jobs.reap_stuck(), "abandoned_chunks": chunked.abandoned_cleanup()}
    for fn in _periodic:
        try:
            results[fn.__name__] = fn()
        except Exception:
            logger.exception("periodic task failed", extra={"task": fn.__name__})
    flush()
    return results
