"""Deliver SQS messages to the app's ``on_sqs_message`` handlers, the way Lambda's event source mapping does.

Used by the local runner (one thread per queue) and by tests (``drain``). Messages reported in
``batchItemFailures`` (or all of them, if the handler raises) stay on the queue, are redelivered, and
reach the DLQ after the redrive policy's receive count, as in AWS.
"""
from __future__ import annotations

import hashlib
import threading
import time
import uuid

from chalice.app import SQSEventConfig

from chalicelib.core import aws
from chalicelib.core.config import settings
from chalicelib.core.logging import logger


class LambdaContext:
    def __init__(self, name: str):
        self.function_name = name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:{settings().region}:123456789012:function:{name}"
        self.memory_limit_in_mb = 512
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{name}"
        self.log_stream_name = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 300_000


def sqs_sources(app) -> list[SQSEventConfig]:
    return [s for s in app.event_sources if isinstance(s, SQSEventConfig)]


def _event(queue: str, arn: str, messages: list[dict]) -> dict:
    return {"Records": [{
        "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
        "attributes": m.get("Attributes", {}), "messageAttributes": {},
        "md5OfBody": hashlib.md5(m["Body"].encode()).hexdigest(), "eventSource": "aws:sqs",
        "eventSourceARN": arn, "awsRegion": settings().region} for m in messages]}


def deliver_once(app, source: SQSEventConfig, wait: int = 0) -> int:
    """Receive one batch from the source's queue and hand it to its handler; returns messages received."""
    sqs = aws.client("sqs")
    url = aws.queue_url(source.queue)
    resp = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=min(source.batch_size, 10),
                               WaitTimeSeconds=wait, AttributeNames=["All"])
    messages = resp.get("Messages", [])
    if not messages:
        return 0
    arn = f"arn:aws:sqs:{settings().region}:123456789012:{source.queue}"
    handler = app.handler_map[source.handler_string.split(".")[-1]]
    failed: set[str] = set()
    try:
        result = handler(_event(source.queue, arn, messages), LambdaContext(source.name))
        if isinstance(result, dict):
            failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
    except Exception:
        logger.exception("sqs handler raised", extra={"queue": source.queue})
        failed = {m["MessageId"] for m in messages}
    for m in messages:
        if m["MessageId"] in failed:
            sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0)
        else:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return len(messages)


def drain(app, until=None, timeout: float = 30.0, idle_rounds: int = 3) -> bool:
    """Deliver messages until ``until()`` is true (or, without it, until every queue stays empty)."""
    sources = sqs_sources(app)
    deadline = time.time() + timeout
    idle = 0
    while time.time() < deadline:
        if until is not None and until():
            return True
        moved = sum(deliver_once(app, s) for s in sources)
        if moved == 0:
            idle += 1
            if until is None and idle >= idle_rounds:
                return True
            time.sleep(0.05)
        else:
            idle = 0
    return until() if until is not None else False


def start_pollers(app, stop: threading.Event) -> list[threading.Thread]:
    threads = []
    for source in sqs_sources(app):
        def loop(src=source):
            while not stop.is_set():
                try:
                    deliver_once(app, src, wait=1)
                except Exception:
                    logger.exception("poller error", extra={"queue": src.queue})
                    time.sleep(1)
        t = threading.Thread(target=loop, name=f"poll-{source.queue}", daemon=True)
        t.start()
        threads.append(t)
    return threads
