"""``make bench`` (``python -m bench.run [-n 50]``): cold import of app.py, and request latency beside DynamoDB.

1. Cold import: ``import app`` in a fresh interpreter, median of 3, for all surfaces (the local run) and for
   each package ``infra/package.py`` deploys (``EDGEPLANE_SURFACES=<name>``, what one Lambda imports).
2. Requests through ``chalice.test.Client`` on moto in-process, set up as ``tests/conftest.py`` does (same
   env, ``mock_aws`` with SFN execution, ``provision()`` + ``bootstrap()``). For every request the DynamoDB
   calls it makes are recorded (botocore hooks on the shared session: operation, parameters, time in the
   client), then replayed through a separate raw boto3 client on the same table: the "raw" columns. Reads
   are replayed as they were; writes get their partition keys (``pk``, ``gsi*pk``) suffixed so that
   create-if-absent conditions hold again and the replayed items stay out of the app's partitions.
   ``ratio`` = request p50 / raw p50: what routing, validation, auth, pynamodb and rendering cost on top.

Add an endpoint with one line in ``ENDPOINTS``; a surface with its own login gets one ``TokenLogin`` line.
"""
from __future__ import annotations

import argparse
import contextlib
import copy
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
ADMIN = ("admin", "Adm1nPassw0rd")
# Kept in step with tests/conftest.py.
ENV = {
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
    "EDGEPLANE_STAGE": "test", "EDGEPLANE_JWT_SECRET": "test-secret-" + "x" * 40,
    "EDGEPLANE_ADMIN_PASSWORD": ADMIN[1], "EDGEPLANE_STEP_TIMEOUT": "60",
    "POWERTOOLS_SERVICE_NAME": "edgeplane", "POWERTOOLS_METRICS_NAMESPACE": "edgeplane",
    "POWERTOOLS_DEV": "false",
}
ARGON2_NOTE = "argon2id (19 MiB, t=2) runs inside: ~20-40 ms of CPU by design"


# --------------------------------------------------------------------------- what to measure

@dataclass(frozen=True, eq=False)  # compared and cached by identity
class TokenLogin:
    """How a surface logs in: POST ``path`` with ``body``, put ``pick(response)`` into ``header``."""
    path: str
    body: dict
    header: str = "authorization"
    scheme: str = ""
    pick: Callable[[dict], str] = lambda b: b["token"]

    def headers(self, client) -> dict:
        r = client.http.post(self.path, headers={"content-type": "application/json"}, body=json.dumps(self.body))
        if r.status_code != 200:
            raise SystemExit(f"bench login {self.path} failed: {r.status_code} {r.body[:300]!r}")
        token = self.pick(json.loads(r.body))
        return {self.header: f"{self.scheme} {token}".strip()}


EDGEPLANE = TokenLogin("/edgeplane/v1/login", {"username": ADMIN[0], "password": ADMIN[1]}, scheme="Bearer")
OTESTACK = TokenLogin("/v1/authorization", {"user": ADMIN[0], "password": ADMIN[1]})  # token sent raw


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str
    body: dict | Callable[[int], dict] | None = None   # a callable gets the iteration number (unique names)
    auth: TokenLogin | None = None
    expect: int = 200
    note: str = ""

    def payload(self, i: int) -> str | None:
        b = self.body(i) if callable(self.body) else self.body
        return None if b is None else json.dumps(b)


OTE_APP = {"deployType": "deployment", "image": "library/nginx:1.25", "version": "1.0",
           "port": [{"port": 80, "hostPort": 0}], "replicas": 1, "minCPU": 10, "maxCPU": 100, "isHPA": False,
           "targetCPUUtilization": 80, "targetMemUtilization": 80, "minMemory": 64, "maxMemory": 256,
           "maxUnavailable": 0, "maxSurge": 1, "minReadySeconds": 5}

ENDPOINTS = [
    Endpoint("edgeplane login", "POST", "/edgeplane/v1/login", EDGEPLANE.body, note="argon2id verify"),
    Endpoint("edgeplane list users", "GET", "/edgeplane/v1/users", auth=EDGEPLANE),
    Endpoint("edgeplane create user", "POST", "/edgeplane/v1/users",
             lambda i: {"username": f"bench-user-{i}", "password": "Bench-Passw0rd-1"},
             auth=EDGEPLANE, expect=201, note="argon2id hash"),
    Endpoint("otestack login", "POST", "/v1/authorization", OTESTACK.body, note="argon2id verify"),
    Endpoint("otestack create app", "POST", "/v1/app", lambda i: dict(OTE_APP, appName=f"bench-{i}"), auth=OTESTACK),
    Endpoint("otestack list apps", "GET", "/v1/app?pageSize=10", auth=OTESTACK),
    Endpoint("otestack list clusters", "GET", "/v1/cluster", auth=OTESTACK),
]


# --------------------------------------------------------------------------- cold import

def cold_import(surfaces: str | None, runs: int = 3) -> tuple[float, float]:
    """Median (import seconds, whole-process seconds) of ``import app`` in fresh interpreters."""
    code = "import time; t = time.perf_counter(); import app; print(time.perf_counter() - t)"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "EDGEPLANE_", "POWERTOOLS_"))}
    env.update(ENV)
    if surfaces:
        env["EDGEPLANE_SURFACES"] = surfaces
    imports, walls = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                             check=True).stdout
        walls.append(time.perf_counter() - t0)
        imports.append(float(out.strip().splitlines()[-1]))
    return statistics.median(imports), statistics.median(walls)


# --------------------------------------------------------------------------- DynamoDB recording and replay

@dataclass
class Recorder:
    """Records the DynamoDB calls botocore makes while ``active`` (hooks on the shared session)."""
    active: bool = False
    calls: list = field(default_factory=list)     # (operation, params)
    seconds: float = 0.0

    def install(self, session) -> None:
        session.register("provide-client-params.dynamodb", self._start)
        session.register("after-call.dynamodb", self._end)
        session.register("after-call-error.dynamodb", self._end)

    def _start(self, params, model, context, **_):
        if self.active:
            context["bench_t0"] = time.perf_counter()
            self.calls.append((model.name, copy.deepcopy(params)))

    def _end(self, context, **_):
        t0 = context.pop("bench_t0", None)
        if t0 is not None:
            self.seconds += time.perf_counter() - t0

    def take(self) -> tuple[list, float]:
        calls, seconds = self.calls, self.seconds
        self.calls, self.seconds = [], 0.0
        return calls, seconds


def _rekey(attrs: dict, tag: str) -> None:
    for name, value in attrs.items():
        if (name == "pk" or name.endswith("pk")) and "S" in value:
            value["S"] += tag


def replayable(calls: list, tag: str) -> list:
    """The recorded calls with writes moved to fresh partitions (``tag`` suffix), reads untouched."""
    out = []
    for op, params in calls:
        p = copy.deepcopy(params)
        if op == "PutItem":
            _rekey(p["Item"], tag)
        elif op in ("UpdateItem", "DeleteItem"):
            _rekey(p["Key"], tag)
        elif op == "TransactWriteItems":
            for item in p["TransactItems"]:
                for kind, spec in item.items():
                    _rekey(spec["Item"] if kind == "Put" else spec["Key"], tag)
        elif op == "BatchWriteItem":
            for requests in p["RequestItems"].values():
                for r in requests:
                    _rekey(r["PutRequest"]["Item"] if "PutRequest" in r else r["DeleteRequest"]["Key"], tag)
        out.append((op, p))
    return out


def replay(raw, calls: list) -> tuple[float, int]:
    """Run the calls through the raw client: (seconds, calls that raised)."""
    from botocore import xform_name
    from botocore.exceptions import ClientError
    methods = [(getattr(raw, xform_name(op)), params) for op, params in calls]
    errors = 0
    t0 = time.perf_counter()
    for method, params in methods:
        try:
            method(**params)
        except ClientError:
            errors += 1
    return time.perf_counter() - t0, errors


# --------------------------------------------------------------------------- requests

def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[max(0, math.ceil(q * len(s)) - 1)]


def summarize_ops(calls: list) -> str:
    counts: dict[str, int] = {}
    for op, _ in calls:
        counts[op] = counts.get(op, 0) + 1
    return " ".join(f"{op}x{n}" if n > 1 else op for op, n in counts.items()) or "-"


def table_items(raw) -> int:
    from chalicelib.core.config import settings
    return raw.describe_table(TableName=settings().table_name)["Table"]["ItemCount"]


def bench_requests(n: int, warmup: int) -> list[dict]:
    os.environ.update(ENV)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    import moto  # noqa: F401  (before any boto3 client)
    from moto import mock_aws
    import boto3
    from chalicelib.core import aws, clock

    results = []
    clock.reset()
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}):
        recorder = Recorder()
        recorder.install(aws.botocore_session())  # before provision(): every client copies the hooks
        from infra import resources
        resources.provision()
        resources.bootstrap()
        from app import app
        from chalice.test import Client
        raw = boto3.session.Session(region_name=ENV["AWS_DEFAULT_REGION"]).client("dynamodb")  # no hooks
        with Client(app) as client:
            auth_headers: dict = {}
            for ep in ENDPOINTS:
                headers = {"content-type": "application/json"}
                if ep.auth is not None:
                    if ep.auth not in auth_headers:
                        auth_headers[ep.auth] = ep.auth.headers(client)
                    headers.update(auth_headers[ep.auth])
                call = getattr(client.http, ep.method.lower())
                items_before = table_items(raw)
                req, inreq, rawt, ops, errors = [], [], [], "", 0
                for i in range(warmup + n):
                    recorder.take()
                    recorder.active = True
                    t0 = time.perf_counter()
                    r = call(ep.path, headers=headers, body=ep.payload(i))
                    elapsed = time.perf_counter() - t0
                    recorder.active = False
                    if r.status_code != ep.expect:
                        raise SystemExit(f"{ep.name}: HTTP {r.status_code} (expected {ep.expect}): {r.body[:300]!r}")
                    calls, in_ddb = recorder.take()
                    seconds, errs = replay(raw, replayable(calls, f"~raw{ep.name.replace(' ', '-')}{i}"))
                    if i < warmup:
                        continue
                    req.append(elapsed)
                    inreq.append(in_ddb)
                    rawt.append(seconds)
                    errors += errs
                    ops = summarize_ops(calls)
                results.append({
                    "name": ep.name, "status": ep.expect, "n": n, "ops": ops, "note": ep.note,
                    "p50": pct(req, 0.5), "p95": pct(req, 0.95),
                    "in_p50": pct(inreq, 0.5), "raw_p50": pct(rawt, 0.5), "raw_p95": pct(rawt, 0.95),
                    "replay_errors": errors, "table_items": [items_before, table_items(raw)],
                })
    return results


# --------------------------------------------------------------------------- output

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=50, help="measured requests per endpoint (default 50)")
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON instead of tables")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))

    from chalicelib.surfaces import SURFACES
    imports = [("all (local run)", None), ("events (no API)", "events")] + [(name, name) for name in SURFACES]
    cold = [(label, *cold_import(s)) for label, s in imports]
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):  # the app's EMF/log lines
        reqs = bench_requests(args.n, args.warmup)
    if args.json:
        print(json.dumps({"cold_import": [{"surfaces": l, "import_s": a, "process_s": b} for l, a, b in cold],
                          "requests": reqs}, indent=2))
        return 0

    ms = lambda s: f"{s * 1000:.1f}"  # noqa: E731
    print(f"edgeplane bench - python {platform.python_version()}, moto in-process (mock_aws), chalice.test.Client")
    print("\ncold import of app.py (fresh interpreter, median of 3)")
    print(f"  {'EDGEPLANE_SURFACES':<18} {'import ms':>10} {'process ms':>11}")
    for label, imp, wall in cold:
        print(f"  {label:<18} {ms(imp):>10} {ms(wall):>11}")
    print(f"\nrequests: {args.n} measured after {args.warmup} warm-up, times in ms; raw = the same DynamoDB "
          "calls replayed with a plain boto3 client")
    head = (f"  {'request':<24} {'p50':>7} {'p95':>7} {'ddb in req p50':>14} {'raw p50':>8} {'raw p95':>8} "
            f"{'ratio':>6}  dynamodb calls")
    print(head)
    print("  " + "-" * (len(head) - 2))
    for r in reqs:
        ratio = r["p50"] / r["raw_p50"] if r["raw_p50"] else float("nan")
        flag = " *" if r["note"].startswith("argon2") else ""
        errs = f" ({r['replay_errors']} replayed calls failed)" if r["replay_errors"] else ""
        print(f"  {r['name'] + flag:<24} {ms(r['p50']):>7} {ms(r['p95']):>7} {ms(r['in_p50']):>14} "
              f"{ms(r['raw_p50']):>8} {ms(r['raw_p95']):>8} {ratio:>5.1f}x  {r['ops']}{errs}")
    if any(r["note"].startswith("argon2") for r in reqs):
        print(f"\n  * {ARGON2_NOTE}; expected, it is the password hash, not overhead.")
    print("  'ddb in req' = time inside the app's DynamoDB client calls during the request (botocore hooks).")
    first, last = reqs[0]["table_items"][0], reqs[-1]["table_items"][1]
    print(f"  The table holds {first} items at the start, {last} at the end (replayed writes included). moto answers a\n"
          "  GSI Query by reading every item of the table, and backs a table up with copy.deepcopy once per\n"
          "  TransactWriteItems item, so in moto those calls grow with the table; DynamoDB's do not. Read a row\n"
          "  against its own raw column, not against other rows.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
