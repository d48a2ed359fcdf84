"""`make run`: the whole of edgeplane in one process on this machine, no AWS account, no Docker.

1. an embedded moto server (DynamoDB, S3, SQS, Step Functions executing the real ASL);
2. the table, bucket (+ S3→SQS upload events), queues with DLQs and state machines from infra/resources.py;
3. the system administrator (EDGEPLANE_ADMIN_USER / EDGEPLANE_ADMIN_PASSWORD, or a generated password
   printed once) and the simulated inventory;
4. the Chalice app on 127.0.0.1:8000 (as `chalice local --stage local` loads it), and the SQS workers
   and the periodic sweep in the same process.

``--data-dir DIR`` keeps the data across restarts (see :class:`Snapshot`): saved every ``--save-seconds``, on
Ctrl-C and on SIGTERM, restored on the next start with the same directory.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


READY = "edgeplane is running at"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(proc, timeout: float, lines: list) -> bool:
    """For a started ``python -m infra.local`` (text stdout): collect its output lines into ``lines`` until it
    says it is running (True), or it exits or ``timeout`` seconds pass (False)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            if proc.poll() is not None:
                return False
            continue
        lines.append(line)
        if READY in line:
            return True
    return False


class Snapshot:
    """The local stack's data on disk: DynamoDB items, S3 objects and queued SQS messages.

    moto's server mode persists nothing, and its backends hold locks, threads and executors that do not pickle
    reliably, so the data is dumped through the public APIs of the embedded server (a DynamoDB Scan per table,
    S3 ListObjectsV2/GetObject) and read back with BatchWriteItem/PutObject after ``provision()`` recreated the
    resources. Queued messages are read from moto's in-process SQS backend (a ReceiveMessage would hide them
    from the workers and count towards the DLQ) and sent again on restore; the step queues are not kept: their
    task tokens belong to Step Functions executions that end with the process. Instead every unfinished job is
    enqueued again, and its workflow restarts (steps are idempotent: an applied step is not applied twice).

    Layout: ``DIR/snapshot/{manifest.json, dynamodb/<table>.jsonl, s3/<bucket>/index.jsonl + objects/,
    sqs/<queue>.jsonl}`` and ``DIR/jwt-secret`` (the signing and sealing key, so tokens and sealed secrets stay
    valid). A save writes ``snapshot.tmp`` and renames it into place: a crash mid-save keeps the last snapshot.
    """

    VERSION = 1

    def __init__(self, data_dir: str | Path):
        self.dir = Path(data_dir).resolve()
        self.dir.mkdir(parents=True, exist_ok=True)
        self.path = self.dir / "snapshot"
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ secrets
    def ensure_secret(self) -> None:
        """Keep one JWT/sealing secret per data dir unless the operator set one."""
        from chalicelib.core import config
        chosen = config.settings()
        if chosen.jwt_secret_id or chosen.jwt_secret_value != config._GENERATED_SECRET:
            return  # the operator chose one
        f = self.dir / "jwt-secret"
        if not f.exists():
            f.write_text(secrets.token_urlsafe(48), encoding="utf-8")
            f.chmod(0o600)
        config.environ_set(EDGEPLANE_JWT_SECRET=f.read_text(encoding="utf-8").strip())

    @staticmethod
    def _skipped_queues() -> set[str]:
        from chalicelib.core.config import settings
        return {settings().steps_queue, settings().steps_queue + "-dlq"}

    # ------------------------------------------------------------------ save
    def save(self) -> dict:
        with self._lock:
            tmp = self.dir / "snapshot.tmp"
            shutil.rmtree(tmp, ignore_errors=True)
            counts = {"items": self._save_dynamodb(tmp / "dynamodb"), "objects": self._save_s3(tmp / "s3"),
                      "messages": self._save_sqs(tmp / "sqs")}
            (tmp / "manifest.json").write_text(json.dumps({"version": self.VERSION, "saved_at": time.time(),
                                                           **counts}), encoding="utf-8")
            old = self.dir / "snapshot.old"
            shutil.rmtree(old, ignore_errors=True)
            if self.path.exists():
                self.path.rename(old)
            tmp.rename(self.path)
            shutil.rmtree(old, ignore_errors=True)
            return counts

    @staticmethod
    def _save_dynamodb(out: Path) -> int:
        from chalicelib.core import aws
        ddb = aws.client("dynamodb")
        out.mkdir(parents=True)
        n = 0
        for table in ddb.list_tables()["TableNames"]:
            with open(out / f"{table}.jsonl", "w", encoding="utf-8") as f:
                for page in ddb.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
                    for item in page["Items"]:
                        f.write(json.dumps(item, separators=(",", ":")) + "\n")
                        n += 1
        return n

    @staticmethod
    def _save_s3(out: Path) -> int:
        from chalicelib.core import aws
        s3 = aws.client("s3")
        n = 0
        for bucket in s3.list_buckets().get("Buckets", []):
            name = bucket["Name"]
            objects = out / name / "objects"
            objects.mkdir(parents=True)
            with open(out / name / "index.jsonl", "w", encoding="utf-8") as index:
                for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name):
                    for o in page.get("Contents", []):
                        try:
                            got = s3.get_object(Bucket=name, Key=o["Key"])
                        except s3.exceptions.NoSuchKey:  # deleted meanwhile
                            continue
                        blob = hashlib.sha256(o["Key"].encode()).hexdigest()
                        (objects / blob).write_bytes(got["Body"].read())
                        index.write(json.dumps({"key": o["Key"], "blob": blob,
                                                "content_type": got.get("ContentType"),
                                                "metadata": got.get("Metadata") or {}}) + "\n")
                        n += 1
        return n

    def _save_sqs(self, out: Path) -> int:
        out.mkdir(parents=True)
        from moto.sqs.models import sqs_backends
        from chalicelib.core.config import settings
        now_ms = time.time() * 1000
        n = 0
        backend = sqs_backends["123456789012"][settings().region]
        for name, queue in list(backend.queues.items()):
            if name in self._skipped_queues():
                continue
            with open(out / f"{name}.jsonl", "w", encoding="utf-8") as f:
                for m in list(queue._messages):  # visible, delayed and in flight alike (at-least-once)
                    delay = max(0, int((float(m.delayed_until or 0) - now_ms) / 1000))
                    f.write(json.dumps({"body": m.body, "attributes": m.message_attributes or {},
                                        "delay": min(delay, 900)}) + "\n")
                    n += 1
        return n

    # ------------------------------------------------------------------ restore
    def restore(self) -> dict | None:
        """Load the last snapshot into the (freshly provisioned) embedded server; None if there is none."""
        if not (self.path / "manifest.json").exists():
            return None
        counts = {"items": self._restore_dynamodb(self.path / "dynamodb"),
                  "objects": self._restore_s3(self.path / "s3"),
                  "messages": self._restore_sqs(self.path / "sqs")}
        counts["jobs"] = self._redrive_jobs()
        return counts

    @staticmethod
    def _restore_dynamodb(src: Path) -> int:
        from chalicelib.core import aws
        ddb = aws.client("dynamodb")
        existing = set(ddb.list_tables()["TableNames"])
        n = 0
        for f in sorted(src.glob("*.jsonl")) if src.exists() else []:
            table = f.stem
            if table not in existing:
                print(f"snapshot: table {table} is no longer provisioned; its items are skipped", file=sys.stderr)
                continue
            batch = []
            with open(f, encoding="utf-8") as lines:
                for line in lines:
                    batch.append({"PutRequest": {"Item": json.loads(line)}})
                    if len(batch) == 25:
                        n += _write_batch(ddb, table, batch)
                        batch = []
            n += _write_batch(ddb, table, batch)
        return n

    @staticmethod
    def _restore_s3(src: Path) -> int:
        from chalicelib.core import aws
        s3 = aws.client("s3")
        n = 0
        for bucket_dir in sorted(p for p in src.iterdir() if p.is_dir()) if src.exists() else []:
            bucket = bucket_dir.name
            try:
                notification = s3.get_bucket_notification_configuration(Bucket=bucket)
                notification.pop("ResponseMetadata", None)
            except s3.exceptions.ClientError:
                s3.create_bucket(Bucket=bucket)
                notification = {}
            # restored objects are not new uploads: no upload event (their inspection already ran, or its message
            # is restored with the uploads queue)
            s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={})
            try:
                with open(bucket_dir / "index.jsonl", encoding="utf-8") as index:
                    for line in index:
                        o = json.loads(line)
                        kw = {"ContentType": o["content_type"]} if o.get("content_type") else {}
                        s3.put_object(Bucket=bucket, Key=o["key"], Body=(bucket_dir / "objects" / o["blob"]).read_bytes(),
                                      Metadata=o.get("metadata") or {}, **kw)
                        n += 1
            finally:
                s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=notification)
        return n

    def _restore_sqs(self, src: Path) -> int:
        from chalicelib.core import aws
        sqs = aws.client("sqs")
        n = 0
        for f in sorted(src.glob("*.jsonl")) if src.exists() else []:
            if f.stem in self._skipped_queues():
                continue
            try:
                url = sqs.get_queue_url(QueueName=f.stem)["QueueUrl"]
            except sqs.exceptions.ClientError:
                continue
            with open(f, encoding="utf-8") as lines:
                for line in lines:
                    m = json.loads(line)
                    kw = {"MessageAttributes": m["attributes"]} if m.get("attributes") else {}
                    sqs.send_message(QueueUrl=url, MessageBody=m["body"], DelaySeconds=int(m.get("delay") or 0), **kw)
                    n += 1
        return n

    @staticmethod
    def _redrive_jobs() -> int:
        """Unfinished jobs lost their executions with the old process: start each again (idempotent steps)."""
        from chalicelib.core import aws
        from chalicelib.core.config import settings
        from chalicelib.store.models import Job
        sqs = aws.client("sqs")
        url = aws.queue_url(settings().jobs_queue)
        n = 0
        for job in Job.gsi3.query("JOBS#ACTIVE"):
            sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"job_id": job.job_id}))
            n += 1
        return n


def _write_batch(ddb, table: str, batch: list) -> int:
    pending = {table: batch}
    for _ in range(10):
        if not pending.get(table):
            break
        pending = ddb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
    return len(batch)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Run edgeplane locally on an embedded moto server.")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("--moto-port", type=int, default=0, help="0 = any free port")
    ap.add_argument("--tick-seconds", type=float, default=60.0, help="period of the scheduled sweep")
    ap.add_argument("--data-dir", default=None,
                    help="keep the data in this directory across restarts (default: nothing is kept)")
    ap.add_argument("--save-seconds", type=float, default=30.0,
                    help="with --data-dir: period of the background save (0 = only on shutdown)")
    ap.add_argument("--check-contracts", default=None, metavar="FILE",
                    help="check every JSON success against its endpoint's published model; drifts go to FILE "
                         "(the e2e tests' stacks)")
    args = ap.parse_args(argv)
    moto_port = args.moto_port or free_port()
    endpoint = f"http://127.0.0.1:{moto_port}"

    sys.path.insert(0, str(ROOT))
    from chalicelib.core import config  # reads nothing from AWS; safe before the server starts
    config.environ_set(
        AWS_ENDPOINT_URL=endpoint, MOTO_PORT=str(moto_port), AWS_ACCESS_KEY_ID="local", AWS_SECRET_ACCESS_KEY="local",
        AWS_DEFAULT_REGION=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"), EDGEPLANE_STAGE="local",
        POWERTOOLS_SERVICE_NAME="edgeplane", POWERTOOLS_METRICS_NAMESPACE="edgeplane",
        AWS_SESSION_TOKEN=None)
    snapshot = Snapshot(args.data_dir) if args.data_dir else None
    if snapshot is not None:
        snapshot.ensure_secret()

    from moto.moto_api import state_manager  # noqa: F401  (loads moto's backends)
    from moto.moto_api._internal.models import moto_api_backend
    from moto.server import ThreadedMotoServer
    import logging

    from infra import motofast
    motofast.install()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=moto_port, verbose=False)
    server.start()
    moto_api_backend.set_config({"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}})

    from infra import pump, resources
    resources.provision()
    restored = snapshot.restore() if snapshot is not None else None
    if restored is not None:
        print(f"restored {restored['items']} items, {restored['objects']} files, {restored['messages']} messages "
              f"and {restored['jobs']} unfinished jobs from {snapshot.path}", flush=True)
    admin, generated = resources.bootstrap(inventory=restored is None)

    from chalice.cli.factory import CLIFactory
    from chalice.local import ChaliceRequestHandler, create_local_server
    ChaliceRequestHandler.disable_nagle_algorithm = True
    from infra import pathnorm
    pathnorm.install()
    chalice_config = CLIFactory(str(ROOT)).create_config_obj(chalice_stage_name="local")
    app = chalice_config.chalice_app
    if args.check_contracts:
        from chalicelib.openapi import check
        drift_lock = threading.Lock()

        def drift(line: str) -> None:
            with drift_lock, open(args.check_contracts, "a", encoding="utf-8") as f:
                f.write(line.replace("\n", " | ") + "\n")
        check.install(app, drift)

    stop = threading.Event()
    pollers = pump.start_pollers(app, stop)

    def save(why: str) -> None:
        try:
            counts = snapshot.save()
            if why != "periodic":
                print(f"saved {counts['items']} items, {counts['objects']} files and {counts['messages']} messages "
                      f"to {snapshot.path} ({why})", flush=True)
        except Exception as exc:  # never take the stack down for a failed save; the previous snapshot stays
            print(f"saving the data failed ({why}): {exc!r}", file=sys.stderr, flush=True)

    if snapshot is not None and args.save_seconds > 0:
        def saver():
            while not stop.wait(args.save_seconds):
                save("periodic")
        threading.Thread(target=saver, name="save", daemon=True).start()

    def on_sigterm(signum, frame):
        raise SystemExit(0)  # unwinds serve_forever into the finally below (save, then stop)

    signal.signal(signal.SIGTERM, on_sigterm)
    tick = app.handler_map.get("on_tick")

    def ticker():
        while not stop.wait(args.tick_seconds):
            try:
                tick({"detail-type": "Scheduled Event", "source": "aws.events", "detail": {}},
                     pump.LambdaContext("on_tick"))
            except Exception as exc:  # keep the local stack alive
                print(f"periodic sweep failed: {exc}", file=sys.stderr)

    if tick is not None:
        threading.Thread(target=ticker, name="tick", daemon=True).start()

    httpd = create_local_server(app, chalice_config, args.host, args.port)
    url = f"http://{args.host}:{httpd.server.server_address[1] if hasattr(httpd, 'server') else args.port}"
    print(f"{READY} {url}  (AWS on moto at {endpoint})", flush=True)
    if generated:
        print(f"administrator '{admin}' created with the generated password: {generated}", flush=True)
        print("(printed once; set EDGEPLANE_ADMIN_PASSWORD to choose it)", flush=True)
    else:
        print(f"administrator: '{admin}'", flush=True)
    if snapshot is not None:
        print(f"data directory: {snapshot.dir}", flush=True)
    try:
        httpd.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        stop.set()
        for t in pollers:
            t.join(timeout=5)  # let a handler in progress finish its message
        if snapshot is not None:
            save("shutdown")
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
