"""``python -m bench.perf``: the performance table, on the local stack (``python -m infra.local``, loopback only).

One program, five figures, printed as a table and written to ``bench/results/latest.json`` (and ``latest.md``,
the table the README shows):

1. **Cold start** per API package: a fresh interpreter with ``EDGEPLANE_SURFACES=<api>`` (what one Lambda
   imports) times ``import app``, then serves its first request (the API's representative read, through
   ``chalice.test.Client``: the Lambda handler behind an API Gateway event) against the stack's embedded moto.
2. **Latency under load**: one read and one write per API, signed in as each platform documents, sent over HTTP by
   ``--clients`` concurrent clients (threads, one keep-alive session each): p50/p95/p99. Beside it, ``raw``: the
   same DynamoDB/S3 calls (recorded once per endpoint by running the request in this process against the same
   moto server, botocore hooks as in ``bench/run.py``) replayed by plain boto3 clients with the same concurrency;
   ``ratio`` = request p50 / raw p50.
3. **Jobs per minute** through the state machine: ``--jobs`` MSAP ``deployK8sApplication`` calls (each a change order:
   SQS -> Step Functions on moto -> the stack's workers -> simulated Kubernetes), from the first request to the last
   change order's success.
4. **Memory of large uploads**: the presigned path (``createPackageUploadUrl``, then the client POSTs the file
   straight to S3; the API never holds the body): the stack process's peak RSS increase while a file of each size
   goes up and ``getPackage`` records it. The stack embeds moto, so that figure includes moto's own buffers. The
   multipart path (EdgeGallery chunk merge) is ``bench.merge`` at the same sizes, edgeplane's memory only.
5. **List latency** at 100 and ``--large`` items (default 100,000): outbox mails batch-written straight into the
   ``OUTBOX`` partition, then ``GET /edgeplane/v1/outbox`` (one base-table Query with a cursor): the first page and
   a page from the middle (a cursor pointing half-way), beside the same Query through boto3. Runs last: moto answers
   GSI Queries by reading the whole table, so the other figures are taken on a small table.

Nothing here asserts a timing. Run: ``python -m bench.perf [--clients 8] [-n 100] [--large 100000] [--jobs 20]
[--upload-mib 10,200] [--json PATH]``; ``--quick`` is the smoke size.
"""
from __future__ import annotations

import argparse
import collections
import contextlib
import datetime
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from bench.run import Recorder, pct, replayable, summarize_ops
from infra.local import free_port, wait_ready

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
MIB = 1024 * 1024
ADMIN_PASSWORD = "Bench-Admin-Passw0rd!"
JWT_SECRET = "bench-perf-secret-" + "x" * 40
MX_REGION = "local"
# Transactional writes grow the embedded moto's memory (see the README), and moto answers GSI Queries by reading
# the whole table: the write load runs on its own stack, the jobs, uploads and the 100,000-item list on another.
GROUPS = (("cold", "load"), ("jobs", "uploads", "lists"))
RSS_GUARD = int(os.environ.get("BENCH_RSS_GUARD_MIB", "8192")) * MIB  # stop loading the stack past this
APIS = ("edgeplane", "otestack", "edgegallery", "mobiledgex", "servicestage", "msap")


def _rss(pid: int | str = "self") -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def machine() -> str:
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{os.cpu_count()} vCPU {cpu}, {mem:.0f} GiB, Linux {platform.release().split('-')[0]}, "
            f"Python {platform.python_version()}; shared with other jobs, so figures are noisy")


# --------------------------------------------------------------------------- the local stack

@dataclass
class Stack:
    proc: subprocess.Popen
    url: str
    moto: str
    errors: collections.deque = field(default_factory=lambda: collections.deque(maxlen=40))

    @property
    def pid(self) -> int:
        return self.proc.pid


def stack_env(moto: str | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "EDGEPLANE_", "MOTO", "POWERTOOLS_"))}
    env.update(EDGEPLANE_ADMIN_PASSWORD=ADMIN_PASSWORD, EDGEPLANE_JWT_SECRET=JWT_SECRET, PYTHONUNBUFFERED="1",
               EDGEPLANE_MAX_UPLOAD_BYTES=str(1024 * MIB), EDGEPLANE_STEP_TIMEOUT="900")
    if moto:  # what the stack sets for itself (infra/local.py), for the processes that share its moto
        env.update(AWS_ENDPOINT_URL=moto, MOTO_PORT=moto.rsplit(":", 1)[1], AWS_ACCESS_KEY_ID="local",
                   AWS_SECRET_ACCESS_KEY="local", AWS_DEFAULT_REGION="us-east-1", EDGEPLANE_STAGE="local",
                   POWERTOOLS_SERVICE_NAME="edgeplane", POWERTOOLS_METRICS_NAMESPACE="edgeplane")
    return env


@contextlib.contextmanager
def local_stack():
    """``python -m infra.local`` on free ports, as tests/e2e/conftest.py starts it."""
    port, moto_port = free_port(), free_port()
    proc = subprocess.Popen([sys.executable, "-m", "infra.local", "--port", str(port), "--moto-port", str(moto_port),
                             "--tick-seconds", "3600"], cwd=ROOT, env=stack_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    try:
        if not wait_ready(proc, 120, lines):
            raise SystemExit("local stack did not start:\n" + "".join(lines[-40:]))
        stack = Stack(proc, f"http://127.0.0.1:{port}", f"http://127.0.0.1:{moto_port}")

        def drain():  # keep the pipe drained; keep the error lines (evidence for failed requests)
            for line in proc.stdout:
                if "Error" in line or "Exception" in line:
                    stack.errors.append(line.rstrip()[:400])
        threading.Thread(target=drain, daemon=True).start()
        yield stack
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


class Http:
    """``requests`` behind the ``client.http.<method>(path, headers=, body=)`` interface of ``chalice.test.Client``,
    so set-up code written for the test client (``bench.msap_deploy._setup``) runs against the stack."""

    class _Resp:
        def __init__(self, r):
            self.status_code, self.body, self.headers = r.status_code, r.content, r.headers

    def __init__(self, url: str):
        import requests
        self.url, self.session = url, requests.Session()
        self.http = self

    def request(self, method: str, path: str, headers=None, body=None):
        r = self.session.request(method, self.url + path, headers=headers or {}, data=body, timeout=300,
                                 allow_redirects=False)
        return self._Resp(r)

    def get(self, path, headers=None, body=None):
        return self.request("GET", path, headers, body)

    def post(self, path, headers=None, body=None):
        return self.request("POST", path, headers, body)

    def put(self, path, headers=None, body=None):
        return self.request("PUT", path, headers, body)


def _ok(r, what: str, codes=(200, 201)) -> dict | str:
    if r.status_code not in codes:
        raise SystemExit(f"bench set-up {what}: HTTP {r.status_code} {r.body[:400]!r}")
    try:
        return json.loads(r.body)
    except ValueError:
        return r.body.decode() if isinstance(r.body, bytes) else r.body


# --------------------------------------------------------------------------- what to measure

JSON = {"content-type": "application/json"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
BOUNDARY = "benchPerfBoundary"


def _icon_body(_i: int) -> bytes:
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"icon.png\"\r\n"
            "Content-Type: image/png\r\n\r\n").encode() + PNG + f"\r\n--{BOUNDARY}--\r\n".encode()


OTE_APP = {"deployType": "deployment", "image": "library/nginx:1.25", "version": "1.0",
           "port": [{"port": 80, "hostPort": 0}], "replicas": 1, "minCPU": 10, "maxCPU": 100, "isHPA": False,
           "targetCPUUtilization": 80, "targetMemUtilization": 80, "minMemory": 64, "maxMemory": 256,
           "maxUnavailable": 0, "maxSurge": 1, "minReadySeconds": 5}


def _mx_app(i: int) -> dict:
    return {"region": MX_REGION, "app": {"key": {"organization": "benchorg", "name": f"app{i}", "version": "1.0"},
                                        "image_type": "Docker", "image_path": "docker.io/library/nginx:latest",
                                        "access_ports": "tcp:80", "default_flavor": {"name": "m4.small"},
                                        "deployment": "kubernetes"}}


@dataclass(frozen=True)
class Call:
    """One representative request: ``path`` and ``body`` may use the set-up's fields (``{sid}``...)."""
    api: str
    kind: str                      # read | write
    name: str
    method: str
    path: str
    auth: str                      # key of the headers made at sign-in
    body: Callable[[int], object] | None = None   # iteration number -> JSON body (dict) or raw bytes
    content_type: str = "application/json"

    def render(self, fx: dict, i: int) -> tuple[str, dict, bytes | None]:
        headers = {"content-type": self.content_type, **fx["auth"][self.auth]}
        b = self.body(i) if self.body else None
        if isinstance(b, dict):
            b = json.dumps(b).encode()
        return self.path.format(**fx), headers, b


CALLS = [
    Call("edgeplane", "read", "GET /users", "GET", "/edgeplane/v1/users?limit=20", "edgeplane"),
    Call("edgeplane", "write", "POST /users/{u}/keys", "POST", "/edgeplane/v1/users/benchkeys/keys", "edgeplane",
         lambda i: {"name": f"k{i}"}),
    Call("otestack", "read", "GET /v1/app", "GET", "/v1/app?pageSize=10", "otestack"),
    Call("otestack", "write", "POST /v1/app", "POST", "/v1/app", "otestack",
         lambda i: dict(OTE_APP, appName=f"perf-{i}")),
    Call("edgegallery", "read", "GET /applications", "GET", "/mec/developer/v2/applications?limit=10&offset=0",
         "edgegallery"),
    Call("edgegallery", "write", "POST /upload-files (icon)", "POST", "/mec/developer/v2/upload-files?fileType=icon",
         "edgegallery", _icon_body, f"multipart/form-data; boundary={BOUNDARY}"),
    Call("mobiledgex", "read", "ShowApp", "POST", "/api/v1/auth/ctrl/ShowApp", "mobiledgex",
         lambda i: {"region": MX_REGION, "app": {"key": {"organization": "benchorg"}}}),
    Call("mobiledgex", "write", "CreateApp", "POST", "/api/v1/auth/ctrl/CreateApp", "mobiledgex", _mx_app),
    Call("servicestage", "read", "GET registry/instances", "GET",
         "/v4/default/registry/instances?appId=benchapp&serviceName=benchsvc", "servicestage"),
    Call("servicestage", "write", "PUT instance heartbeat", "PUT",
         "/v4/default/registry/microservices/{sid}/instances/{iid}/heartbeat", "servicestage"),
    Call("msap", "read", "GET listProjectsPage", "GET", "/v1/project/listProjectsPage?pageNum=1&pageSize=10", "msap"),
    Call("msap", "write", "POST createProject", "POST", "/v1/project/createProject", "msap",
         lambda i: {"projectCode": f"perf{i}", "projectName": f"压测{i}"}),
]


def sign_in(url: str, jobs: int) -> dict:
    """Sign in to every API as its platform documents and create what the representative calls read."""
    h = Http(url)
    ep = _ok(h.post("/edgeplane/v1/login", JSON, json.dumps({"username": "admin", "password": ADMIN_PASSWORD})),
             "edgeplane login")["token"]
    bearer = {"authorization": f"Bearer {ep}"}
    ote = _ok(h.post("/v1/authorization", JSON, json.dumps({"user": "admin", "password": ADMIN_PASSWORD})),
              "otestack login")["token"]
    mx = _ok(h.post("/api/v1/login", JSON, json.dumps({"username": "admin", "password": ADMIN_PASSWORD})),
             "mobiledgex login")["token"]
    sc = _ok(h.post("/v4/token", JSON, json.dumps({"name": "admin", "password": ADMIN_PASSWORD})),
             "servicecomb token")["token"]
    auth = {"edgeplane": bearer, "otestack": {"authorization": ote}, "edgegallery": {"access_token": ep},
            "mobiledgex": {"authorization": f"Bearer {mx}"}, "servicestage": {"authorization": f"Bearer {sc}"},
            "msap": bearer}
    post = lambda path, body, a, codes=(200, 201): _ok(h.post(path, {**JSON, **auth[a]}, json.dumps(body)), path,  # noqa: E731
                                                        codes)
    post("/edgeplane/v1/users", {"username": "benchkeys", "password": "Bench-Keys-Passw0rd-1"}, "edgeplane")
    for i in range(3):
        post("/v1/app", dict(OTE_APP, appName=f"seed-{i}"), "otestack")
    h.post("/mec/developer/v2/upload-files?fileType=icon",
           {"content-type": f"multipart/form-data; boundary={BOUNDARY}", **auth["edgegallery"]}, _icon_body(0))
    post("/api/v1/auth/org/create", {"name": "benchorg", "type": "developer"}, "mobiledgex")
    post("/api/v1/auth/ctrl/CreateFlavor", {"region": MX_REGION, "flavor": {"key": {"name": "m4.small"}, "ram": 2048,
                                                                            "vcpus": 2, "disk": 20}}, "mobiledgex")
    for i in range(3):
        post("/api/v1/auth/ctrl/CreateApp", _mx_app(-1 - i), "mobiledgex")
    reg = "/v4/default/registry"
    sid = post(f"{reg}/microservices", {"service": {"appId": "benchapp", "serviceName": "benchsvc",
                                                     "version": "1.0.0"}}, "servicestage")["serviceId"]
    iid = post(f"{reg}/microservices/{sid}/instances", {"instance": {
        "hostName": "bench-host", "endpoints": ["rest://127.0.0.1:18080"],
        "healthCheck": {"mode": "push", "interval": 3600, "times": 3}}}, "servicestage")["instanceId"]
    from bench import msap_deploy
    env_id, app_ids = msap_deploy._setup(h, ep, jobs + 1)   # project, environment, namespace, applications
    project = _ok(h.get("/v1/project/listProjectsPage?pageNum=1&pageSize=10", {**JSON, **bearer}),
                  "msap projects")["data"]["list"][0]["projectId"]
    return {"auth": auth, "sid": sid, "iid": iid, "msap_env": env_id, "msap_apps": app_ids, "msap_project": project,
            "edgeplane_token": ep}


# --------------------------------------------------------------------------- 1. cold start

COLD = r"""
import json, os, sys, time
t0 = time.perf_counter()
import app
t1 = time.perf_counter()
from chalice.test import Client
spec = json.loads(os.environ["BENCH_FIRST_REQUEST"])
with Client(app.app) as c:
    t2 = time.perf_counter()
    r = getattr(c.http, spec["method"].lower())(spec["path"], headers=spec["headers"],
                                                   body=spec["body"].encode() if spec["body"] else None)
    t3 = time.perf_counter()
print("BENCH", json.dumps({"import_s": t1 - t0, "first_s": t3 - t2, "status": r.status_code}))
"""


def cold_start(stack: Stack, fx: dict, runs: int, apis: tuple[str, ...] = APIS) -> list[dict]:
    out = []
    for api in apis:
        call = next(c for c in CALLS if c.api == api and c.kind == "read")
        path, headers, body = call.render(fx, 0)
        env = stack_env(stack.moto)
        env.update(EDGEPLANE_SURFACES=api, BENCH_FIRST_REQUEST=json.dumps({
            "method": call.method, "path": path, "headers": headers, "body": body.decode() if body else None}))
        samples = []
        for _ in range(runs):
            t0 = time.perf_counter()
            p = subprocess.run([sys.executable, "-c", COLD], cwd=ROOT, env=env, capture_output=True, text=True)
            wall = time.perf_counter() - t0
            line = next((ln for ln in p.stdout.splitlines() if ln.startswith("BENCH ")), None)
            if p.returncode or line is None:
                raise SystemExit(f"cold start {api} failed:\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}")
            d = json.loads(line[6:])
            if d["status"] != 200:
                raise SystemExit(f"cold start {api}: first request {call.name} answered {d['status']}")
            samples.append(dict(d, process_s=wall))
        out.append({"api": api, "request": f"{call.method} {path.split('?')[0]}", "runs": runs,
                    **{k: statistics.median(s[k] for s in samples) for k in ("import_s", "first_s", "process_s")}})
    return out


# --------------------------------------------------------------------------- 2. latency under load

class Recorder2(Recorder):
    """``bench.run.Recorder`` for DynamoDB and S3: S3 operations are recorded as ``s3:<Operation>``."""

    def install(self, session) -> None:
        for service in ("dynamodb", "s3"):
            session.register(f"provide-client-params.{service}", self._start)
            session.register(f"after-call.{service}", self._end)
            session.register(f"after-call-error.{service}", self._end)

    scanned: int = 0  # DynamoDB's ScannedCount summed over the recorded Query/Scan answers: the items read

    def _start(self, params, model, context, event_name="", **kw):
        import copy
        if self.active:
            context["bench_t0"] = time.perf_counter()
            op = model.name if ".dynamodb" in event_name else f"s3:{model.name}"
            self.calls.append((op, copy.deepcopy(params)))

    def _end(self, context, parsed=None, **kw):
        if "bench_t0" in context and isinstance(parsed, dict):
            self.scanned += int(parsed.get("ScannedCount") or 0)
        super()._end(context, **kw)

    def take(self) -> tuple[list, float]:
        self.scanned = 0
        return super().take()


class RawClients(threading.local):
    """One plain boto3 session and clients per thread (no hooks), on the same moto server."""

    def __init__(self):
        import boto3
        s = boto3.session.Session(region_name="us-east-1")
        self.dynamodb, self.s3 = s.client("dynamodb"), s.client("s3")

    def run(self, calls: list) -> float:
        from botocore import xform_name
        from botocore.exceptions import ClientError
        t0 = time.perf_counter()
        for op, params in calls:
            client, name = (self.s3, op[3:]) if op.startswith("s3:") else (self.dynamodb, op)
            if "Body" in params and hasattr(params["Body"], "seek"):
                params["Body"].seek(0)
            with contextlib.suppress(ClientError):
                getattr(client, xform_name(name))(**params)
        return time.perf_counter() - t0


def _concurrently(clients: int, n: int, fn: Callable[[int], float]) -> tuple[list[float], float]:
    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        times = list(pool.map(fn, range(n)))
    return times, time.perf_counter() - t0


def record(app_client, recorder: Recorder2, call: Call, fx: dict, i: int) -> list:
    path, headers, body = call.render(fx, i)
    recorder.take()
    recorder.active = True
    r = getattr(app_client.http, call.method.lower())(path, headers=headers, body=body)
    recorder.active = False
    if r.status_code not in (200, 201):
        raise SystemExit(f"recording {call.api} {call.name}: HTTP {r.status_code} {r.body[:300]!r}")
    return recorder.take()[0]


def load(stack: Stack, fx: dict, n: int, clients: int, recorder: Recorder2, app_client,
         apis: tuple[str, ...] = APIS) -> list[dict]:
    import requests
    local, lock = threading.local(), threading.Lock()
    out = []
    for call in sorted((c for c in CALLS if c.api in apis), key=lambda c: c.kind):  # every read before any write: reads see the set-up's data
        def one(i, call=call):
            s = getattr(local, "s", None) or setattr(local, "s", requests.Session()) or local.s
            path, headers, body = call.render(fx, i)
            t0 = time.perf_counter()
            r = s.request(call.method, stack.url + path, headers=headers, data=body, timeout=120)
            dt = time.perf_counter() - t0
            if r.status_code not in (200, 201):  # counted and reported, not fatal: a figure, not a test
                with lock:
                    errors.setdefault(r.status_code, r.text[:300])
                    failed.append(r.status_code)
            return dt

        print(f"[bench.perf {time.strftime('%H:%M:%S')}]   {call.api} {call.kind}: {call.name}", file=sys.stderr,
              flush=True)
        rss_before = _rss(stack.pid)
        if rss_before > RSS_GUARD:  # see the report: the stack's memory grows under concurrent writes
            out.append({"api": call.api, "kind": call.kind, "request": call.name, "skipped":
                        f"stack RSS {rss_before / MIB:.0f} MiB > guard {RSS_GUARD / MIB:.0f} MiB"})
            continue
        errors: dict[int, str] = {}
        failed: list[int] = []
        for i in range(clients):  # warm-up: one request per client connection
            one(10_000_000 + i)
        failed.clear()
        times, wall = _concurrently(clients, n, one)
        calls = record(app_client, recorder, call, fx, 20_000_000)
        calls = record(app_client, recorder, call, fx, 20_000_001)  # the second: caches as warm as the stack's
        raw_local = RawClients()
        tag = f"~perf{call.api}{call.kind}"
        _concurrently(clients, clients, lambda i: raw_local.run(replayable(calls, f"{tag}w{i}")))  # warm-up
        raw, _ = _concurrently(clients, n, lambda i: raw_local.run(replayable(calls, f"{tag}{i}")))
        out.append({"api": call.api, "kind": call.kind, "request": call.name, "n": n, "clients": clients,
                    "p50": pct(times, .5), "p95": pct(times, .95), "p99": pct(times, .99),
                    "rps": n / wall, "raw_p50": pct(raw, .5), "raw_p95": pct(raw, .95), "raw_p99": pct(raw, .99),
                    "ops": summarize_ops(calls), "failed": len(failed),
                    "stack_rss_mib": [rss_before / MIB, _rss(stack.pid) / MIB],
                    "errors": {str(k): v for k, v in errors.items()}})
    out.sort(key=lambda r: (APIS.index(r["api"]), r["kind"]))
    return out


# --------------------------------------------------------------------------- 3. jobs per minute

def jobs_per_minute(stack: Stack, fx: dict, m: int) -> dict:
    from bench import msap_deploy
    from chalicelib.surfaces.msap import identity
    h = Http(stack.url)
    token, tenant = fx["edgeplane_token"], identity.get_ms_account("admin").tenant_id
    apps = fx["msap_apps"][1:m + 1]
    orders = {}

    def submit(app_id):
        orders[app_id] = msap_deploy._call(h, token, "POST", "/v1/app/inst/deployK8sApplication",
                                           msap_deploy._deploy_body(app_id, fx["msap_env"]))["changeOrderId"]
    t0 = time.perf_counter()
    for app_id in apps:
        submit(app_id)
    submitted = time.perf_counter() - t0
    done: dict[str, float] = {}
    deadline = time.time() + 1800
    while not msap_deploy.settle(tenant, orders, done) and time.time() < deadline:
        time.sleep(0.2)
    if len(done) < len(orders):
        raise SystemExit(f"only {len(done)} of {len(orders)} deploys finished in 30 minutes")
    wall = max(done.values()) - t0
    lat = sorted(v - t0 for v in done.values())
    return {"jobs": m, "submit_s": submitted, "wall_s": wall, "per_minute": m / wall * 60,
            "first_done_s": lat[0], "last_done_s": lat[-1]}


# --------------------------------------------------------------------------- 4. memory of large uploads

class _MultipartFile:
    """A presigned-POST body (form fields, then the file) read from disk in blocks: the client never holds it.
    (Not an ``io`` class: requests would take its ``tell()`` for a position and send no body.)"""

    def __init__(self, fields: dict, path: str, name: str):
        pre = b"".join(f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n".encode()
                       for k, v in fields.items())
        pre += (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                "Content-Type: application/java-archive\r\n\r\n").encode()
        self.parts = [io.BytesIO(pre), open(path, "rb"), io.BytesIO(f"\r\n--{BOUNDARY}--\r\n".encode())]
        self.len = len(pre) + os.path.getsize(path) + len(self.parts[2].getvalue())

    def __len__(self):
        return self.len

    def read(self, n=-1):
        while self.parts:
            chunk = self.parts[0].read(n if n and n > 0 else 1 << 20)
            if chunk:
                return chunk
            self.parts.pop(0).close()
        return b""


def uploads(stack: Stack, fx: dict, sizes: list[int], merge: bool) -> dict:
    import requests
    h = Http(stack.url)
    headers = {**JSON, **fx["auth"]["msap"]}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            path = os.path.join(tmp, f"f{size}.jar")
            with open(path, "wb") as f:
                block = os.urandom(MIB)
                for _ in range(size):
                    f.write(block)
            name = f"bench-{size}.jar"
            ticket = _ok(h.post("/v1/product/createPackageUploadUrl", headers, json.dumps({
                "projectId": fx["msap_project"], "appId": fx["msap_apps"][0], "packageName": name,
                "packageVer": "1.0.0", "packageType": "JAR"})), "createPackageUploadUrl")["data"]
            base = _rss(stack.pid)
            peak = [base]
            stop = threading.Event()

            def sample():
                while not stop.is_set():
                    peak[0] = max(peak[0], _rss(stack.pid))
                    time.sleep(0.005)

            t = threading.Thread(target=sample, daemon=True)
            t.start()
            t0 = time.perf_counter()
            body = _MultipartFile(ticket["fields"], path, name)
            r = requests.post(ticket["url"], data=body, timeout=600,
                              headers={"content-type": f"multipart/form-data; boundary={BOUNDARY}",
                                       "content-length": str(len(body))})
            if r.status_code not in (200, 201, 204):
                raise SystemExit(f"presigned POST of {size} MiB: HTTP {r.status_code} {r.text[:300]}")
            got = _ok(h.get(f"/v1/product/getPackage?packageId={ticket['packageId']}", headers), "getPackage")
            elapsed = time.perf_counter() - t0
            stop.set()
            t.join()
            rows.append({"size_mib": size, "seconds": elapsed, "stack_peak_rss_increase_mib": (peak[0] - base) / MIB,
                         "recorded_size": got["data"].get("packageSize")})
    out = {"presigned": rows}
    if merge:
        from bench import merge as merge_bench
        saved = dict(os.environ)
        try:
            out["multipart"] = merge_bench.run(sizes, 5)  # on its own moto server: it repoints the environment
        finally:
            os.environ.clear()
            os.environ.update(saved)
            from chalicelib.core import aws, config
            config.reload()
            aws.reset()
    return out


# --------------------------------------------------------------------------- 5. list latency

def _mail(i: int) -> dict:
    sk = f"PERF{i:09d}"
    return {"pk": {"S": "OUTBOX"}, "sk": {"S": sk}, "kind": {"S": "Mail"}, "mail_id": {"S": sk},
            "surface": {"S": "edgeplane"}, "to": {"S": f"user{i % 997}@example.com"},
            "subject": {"S": "Verify your e-mail"}, "body": {"S": "Follow https://example.invalid/verify?t=" + "x" * 64},
            "created_at": {"N": str(1_790_000_000 + i)}}


def seed_mails(start: int, stop: int, threads: int = 4) -> float:
    from chalicelib.core.config import settings
    table = settings().table_name
    local = RawClients()

    def batch(lo):
        client = local.dynamodb
        req = {table: [{"PutRequest": {"Item": _mail(i)}} for i in range(lo, min(lo + 25, stop))]}
        while req:
            req = client.batch_write_item(RequestItems=req).get("UnprocessedItems") or None
    t0 = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(batch, range(start, stop, 25)))
    return time.perf_counter() - t0


def list_latency(stack: Stack, fx: dict, sizes: list[int], reps: int, recorder: Recorder2, app_client,
                 limit: int = 50) -> list[dict]:
    """The endpoint over HTTP beside the replay of its own store calls. The calls (and the items DynamoDB read for
    them, ``ScannedCount``) are recorded by sending the same request in this process (``app_client``, hooks on the
    shared botocore session) against the same moto server: the figure is the endpoint's, not a hand-written Query."""
    import requests
    from chalicelib.core.pagination import encode_cursor
    s = requests.Session()
    raw = RawClients()
    headers = fx["auth"]["edgeplane"]
    have, out = 0, []
    for size in sizes:
        seed_s = seed_mails(have, size)
        have = size
        middle = {"pk": {"S": "OUTBOX"}, "sk": {"S": f"PERF{size // 2:09d}"}}
        for page, start in (("first", None), ("middle", middle)):
            path = f"/edgeplane/v1/outbox?limit={limit}" + (f"&next={encode_cursor(start)}" if start else "")
            recorder.take()
            recorder.active = True
            r = app_client.http.get(path, headers=headers)
            recorder.active = False
            scanned = recorder.scanned
            calls = recorder.take()[0]
            if r.status_code != 200 or len(json.loads(r.body)["mails"]) != limit:
                raise SystemExit(f"recording the outbox page: HTTP {r.status_code} {r.body[:300]!r}")
            if not calls:
                raise SystemExit("recording the outbox page: no store call recorded (recorder not on the session)")
            req, rawt = [], []
            for i in range(reps + 2):
                t0 = time.perf_counter()
                r = s.get(stack.url + path, headers=headers, timeout=120)
                dt = time.perf_counter() - t0
                if r.status_code != 200 or len(r.json()["mails"]) != limit:
                    raise SystemExit(f"outbox page: HTTP {r.status_code} {r.text[:300]}")
                rt = raw.run(calls)
                if i >= 2:
                    req.append(dt)
                    rawt.append(rt)
            out.append({"items": size, "page": page, "limit": limit, "n": reps, "seed_s": seed_s,
                        "p50": pct(req, .5), "p95": pct(req, .95), "raw_p50": pct(rawt, .5),
                        "scanned": scanned, "ops": summarize_ops(calls)})
    return out


# --------------------------------------------------------------------------- output

def ms(s: float) -> str:
    return f"{s * 1000:.1f}" if s < 10 else f"{s * 1000:.0f}"


def tables(r: dict) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) of every section: printed as text and as Markdown."""
    out = []
    a = r["args"]
    if "cold_start" in r:
        out.append((f"Cold start per API package (fresh interpreter, EDGEPLANE_SURFACES=<api>, median of "
                  f"{a['cold_runs']})", ["API", "import app ms", "first request ms", "first request", "process ms"],
                  [[c["api"], ms(c["import_s"]), ms(c["first_s"]), c["request"], ms(c["process_s"])]
                   for c in r["cold_start"]]))
    if "load" in r:
        out.append((f"Latency under load: {a['n']} requests per endpoint from {a['clients']} concurrent clients over "
                  "HTTP (loopback); raw = the same DynamoDB/S3 calls through boto3, same concurrency",
                  ["API", "request", "p50 ms", "p95 ms", "p99 ms", "req/s", "raw p50", "raw p95", "raw p99", "ratio",
                   "failed", "stack RSS MiB", "store calls"],
                  [[x["api"], f"{x['kind']}: {x['request']}", "skipped: " + x["skipped"]] + [""] * 10
                   if "skipped" in x else
                   [x["api"], f"{x['kind']}: {x['request']}", ms(x["p50"]), ms(x["p95"]), ms(x["p99"]), f"{x['rps']:.0f}",
                    ms(x["raw_p50"]), ms(x["raw_p95"]), ms(x["raw_p99"]),
                    f"{x['p50'] / x['raw_p50']:.1f}x" if x["raw_p50"] else "-",
                    str(x["failed"]) + (f" ({', '.join(x['errors'])})" if x["failed"] else ""),
                    "{:.0f} -> {:.0f}".format(*x["stack_rss_mib"]), x["ops"]]
                   for x in r["load"]]))
    if r.get("lists"):
        first = {x["items"]: x for x in r["lists"] if x["page"] == "first"}
        out.append(("List latency: GET /edgeplane/v1/outbox?limit=50 beside the replay of the store calls it made "
                    "(recorded in-process); items read = the ScannedCount DynamoDB answered to those calls",
                    ["items in the partition", "page", "p50 ms", "p95 ms", "raw p50 ms", "ratio",
                     "items read (ScannedCount)", "store calls", "seeding s"],
                    [[f"{x['items']:,}", x["page"], ms(x["p50"]), ms(x["p95"]), ms(x["raw_p50"]),
                      f"{x['p50'] / x['raw_p50']:.1f}x", str(x.get("scanned", "")), x.get("ops", ""),
                      f"{first[x['items']]['seed_s']:.0f}"] for x in r["lists"]]))
    j = r.get("jobs")
    if j:
        out.append(("Jobs through the state machine (MSAP deployK8sApplication -> SQS -> Step Functions on moto -> "
                  "workers -> simulated Kubernetes)", ["jobs", "submitted in s", "first done s", "last done s",
                                                        "jobs/minute"],
                  [[str(j["jobs"]), f"{j['submit_s']:.1f}", f"{j['first_done_s']:.1f}", f"{j['last_done_s']:.1f}",
                    f"{j['per_minute']:.1f}"]]))
    u = r.get("uploads", {"presigned": []})
    rows = [["presigned POST to S3 (MSAP createPackageUploadUrl)", f"{x['size_mib']} MiB", f"{x['seconds']:.1f}",
             f"{x['stack_peak_rss_increase_mib']:.1f} MiB (stack incl. embedded moto)"] for x in u["presigned"]]
    rows += [["chunked multipart merge (EdgeGallery, bench.merge, 5 MiB chunks)", f"{x['size_mib']} MiB",
              f"{x['seconds']:.1f}", f"{x['peak_rss_increase_mib']:.1f} MiB (edgeplane only)"]
             for x in u.get("multipart", [])]
    if rows:
        out.append(("Memory of large uploads", ["path", "file", "seconds", "peak RSS increase"], rows))
    return out


def text(r: dict) -> str:
    lines = [f"edgeplane performance - {r['machine']}", f"taken {r['taken']}; local stack (python -m infra.local, "
             "embedded moto server), loopback only"]
    for title, head, rows in tables(r):
        widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]
        lines += ["", title, "  " + "  ".join(h.ljust(w) for h, w in zip(head, widths)),
                  "  " + "  ".join("-" * w for w in widths)]
        lines += ["  " + "  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in rows]
    return "\n".join(lines)


def markdown(r: dict) -> str:
    lines = [f"Machine: {r['machine']}. Taken {r['taken']} with `{r['command']}`.", ""]
    for title, head, rows in tables(r):
        lines += [f"**{title}**", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
        lines.append("")
    return "\n".join(lines)


def run(args) -> dict:
    sys.path.insert(0, str(ROOT))
    result: dict = {"machine": machine(), "taken": datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y-%m-%d %H:%M UTC"), "command": "python -m bench.perf " + " ".join(args.argv), "args": {
        "n": args.n, "clients": args.clients, "cold_runs": args.cold_runs, "large": args.large, "jobs": args.jobs,
        "upload_mib": args.upload_mib, "apis": list(args.apis)}}
    sections = set(args.sections)
    with local_stack() as stack:
        os.environ.update(stack_env(stack.moto))
        from chalicelib.core import aws, config
        config.reload()
        recorder = Recorder2()
        session = aws.botocore_session()
        recorder.install(session)  # before any client: every client copies the hooks
        log = lambda msg: print(f"[bench.perf {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)  # noqa: E731
        log(f"{','.join(args.sections)}: stack at {stack.url}, moto at {stack.moto}; signing in and setting up")
        fx = sign_in(stack.url, args.jobs if "jobs" in sections else 0)
        if "cold" in sections:
            log("cold starts")
            result["cold_start"] = cold_start(stack, fx, args.cold_runs, args.apis)
        from chalice.test import Client
        with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):  # the app's EMF/log lines
            from app import app
            with Client(app) as app_client:
                if "load" in sections:
                    log(f"latency under load ({args.clients} clients, {args.n} requests per endpoint)")
                    result["load"] = load(stack, fx, args.n, args.clients, recorder, app_client, args.apis)
                if "jobs" in sections:
                    log(f"{args.jobs} jobs through the state machine")
                    result["jobs"] = jobs_per_minute(stack, fx, args.jobs)
                if "uploads" in sections:
                    log(f"uploads {args.upload_mib} MiB")
                    result["uploads"] = uploads(stack, fx, args.upload_mib, not args.no_merge)
                if "lists" in sections:
                    if aws.botocore_session() is not session:  # the merge figure reset the clients and session
                        recorder.install(aws.botocore_session())
                    log(f"list latency at 100 and {args.large:,} items (seeding)")
                    result["lists"] = list_latency(stack, fx, sorted({min(100, args.large), args.large}),
                                                   args.list_reps, recorder, app_client)
        result["stack_error_lines"] = list(stack.errors)
        result["stack_rss_mib_at_end"] = _rss(stack.pid) / MIB
    return result


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(prog="python -m bench.perf", description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=100, help="requests per endpoint under load (default 100)")
    ap.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients (default 8)")
    ap.add_argument("--cold-runs", type=int, default=3, help="fresh interpreters per API (median; default 3)")
    ap.add_argument("--large", type=int, default=100_000, help="items in the large list (default 100,000)")
    ap.add_argument("--list-reps", type=int, default=20, help="requests per list page (default 20)")
    ap.add_argument("--jobs", type=int, default=20, help="deploy jobs through the state machine (default 20)")
    ap.add_argument("--upload-mib", default="10,200", help="upload sizes in MiB (default 10,200)")
    ap.add_argument("--no-merge", action="store_true", help="skip the chunked-merge (multipart) upload rows")
    ap.add_argument("--apis", default=",".join(APIS), help="APIs for the cold-start and load figures (default all)")
    ap.add_argument("--sections", default="", help=f"run only these, on one stack (default: each group of "
                    f"{GROUPS} on its own stack)")
    ap.add_argument("--quick", action="store_true", help="smoke size: seconds, not minutes (figures meaningless)")
    ap.add_argument("--json", default=str(RESULTS / "latest.json"), help="where to write the figures ('' = nowhere)")
    args = ap.parse_args(argv)
    if args.quick:
        args.n, args.clients, args.cold_runs, args.large, args.list_reps, args.jobs = 4, 2, 1, 150, 2, 1
        args.upload_mib, args.no_merge, args.apis = "1,2", True, "edgeplane"
        args.sections = args.sections or ",".join(x for g in GROUPS for x in g)  # one stack: seconds, not minutes
    args.upload_mib = [int(x) for x in str(args.upload_mib).split(",")]
    args.apis = tuple(a for a in args.apis.split(",") if a)
    args.sections = tuple(x for x in args.sections.split(",") if x)
    if set(args.sections) - {x for g in GROUPS for x in g}:
        ap.error(f"--sections: one of {GROUPS}")
    if set(args.apis) - set(APIS):
        ap.error(f"--apis: unknown {sorted(set(args.apis) - set(APIS))}; known: {', '.join(APIS)}")
    args.argv = argv
    if args.sections:
        r = run(args)
    else:  # each group on its own fresh stack, in its own process (see GROUPS)
        r = {}
        for group in GROUPS:
            with tempfile.TemporaryDirectory() as tmp:
                part = Path(tmp) / "part.json"
                subprocess.run([sys.executable, "-m", "bench.perf", *argv, "--sections", ",".join(group),
                                "--json", str(part)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
                piece = json.loads(part.read_text(encoding="utf-8"))
            for key in ("stack_error_lines", "stack_rss_mib_at_end"):
                piece[f"{key}:{','.join(group)}"] = piece.pop(key, None)
            r = {**piece, **r, "args": {**piece["args"], **r.get("args", {})}}
        r["command"] = "python -m bench.perf " + " ".join(argv)
    print(text(r))
    if args.json:
        path = Path(args.json)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(r, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        path.with_suffix(".md").write_text(markdown(r), encoding="utf-8")
        print(f"\nwritten: {path} and {path.with_suffix('.md')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
