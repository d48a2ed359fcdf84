"""``python -m bench.ss_registry``: ServiceComb discovery latency as the registry grows, and AK/SK verification cost.

1. Discovery: ``GET /v4/{project}/registry/instances?appId=&serviceName=`` (8.5.8) for one service holding
   ``--per-service`` instances while the registry holds 100, 1,000 and 10,000 instances across
   ``size / per-service`` services of the same project. Set up as ``bench/run.py`` does (moto in-process,
   ``provision()`` + ``bootstrap()``, ``chalice.test.Client``, an IAM token); the services and instances are
   batch-written as the items the registry's own functions build (``ScService.name_item``,
   ``service_registry.build_instance``), no HTTP. A find is one Query of the name-index partition plus one Query
   per matching service's instance partition (base-table Queries: moto answers those from the partition, so
   the time must stay flat as the registry grows, as it does on DynamoDB). ``raw`` = the same two Queries
   through a plain boto3 client.
2. Signature verification: ``signing.verify`` on a GET signed by the official SDK's ``Signer`` (host,
   x-sdk-date, content-type, x-project-id signed; a query string), p50 in µs; and the canonical request +
   HMAC of a 4 KiB JSON POST body (verify without its one-time nonce write).
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = (100, 1_000, 10_000)


def _populate(project: str, start: int, stop: int, per_service: int) -> None:
    """Services ``svc<n>`` (n in [start, stop)) of app ``bench``, each with ``per_service`` instances."""
    from chalicelib.core import clock
    from chalicelib.store.servicestage_registry import ScInstance, ScName, ScService, project_pk
    from chalicelib.surfaces.servicestage import service_registry as reg

    now = clock.now_ms()
    health = {"mode": "push", "interval": 30, "times": 3}
    with ScService.batch_write() as svc_batch, ScName.batch_write() as name_batch, \
            ScInstance.batch_write() as inst_batch:
        for n in range(start, stop):
            sid = f"{n:040x}"
            ts = str(now // 1000)
            svc = ScService(project_pk(project), f"SVC#{sid}", project=project, service_id=sid, env="development",
                            app_id="bench", service_name=f"svc{n:05d}", version="1.0.0", created_s=now // 1000,
                            data={"environment": "development", "appId": "bench", "serviceName": f"svc{n:05d}",
                                  "version": "1.0.0", "level": "BACK", "status": "UP", "timestamp": ts,
                                  "modTimestamp": ts})
            svc_batch.save(svc)
            name_batch.save(svc.name_item())
            for i in range(per_service):
                v = {"hostName": f"h{n}-{i}", "endpoints": [f"rest://10.{n % 250}.{i % 250}.1:8080"],
                     "status": "UP", "properties": {}, "healthCheck": health}
                inst_batch.save(reg.build_instance(project, svc, v, f"{n:08x}{i:024x}", now_ms=now, rev=1))


def _raw_find_seconds(project: str, n: int) -> float:
    import boto3
    from chalicelib.core.config import settings
    from chalicelib.store.servicestage_registry import key_index, service_pk
    raw = boto3.session.Session(region_name=os.environ["AWS_DEFAULT_REGION"]).client("dynamodb")
    table = settings().table_name
    times = []
    for _ in range(n):
        t = time.perf_counter()
        names = raw.query(TableName=table, KeyConditionExpression="pk = :p",
                          ExpressionAttributeValues={":p": {"S": key_index(project, "development", "bench",
                                                                           "svc00000")}})["Items"]
        for item in names:
            raw.query(TableName=table, KeyConditionExpression="pk = :p AND begins_with(sk, :s)",
                      ExpressionAttributeValues={":p": {"S": service_pk(project, item["service_id"]["S"])},
                                                 ":s": {"S": "INST#"}})
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def discovery(n: int, warmup: int, per_service: int, sizes=SIZES) -> list[dict]:
    from bench.run import ADMIN, ENV, pct
    os.environ.update(ENV)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    import moto  # noqa: F401  (before any boto3 client)
    from moto import mock_aws
    from chalicelib.core import clock

    clock.reset()
    rows = []
    calls: list[tuple[str, int]] = []   # (operation, items it read) of the current request
    import botocore.client
    real_call = botocore.client.BaseClient._make_api_call

    def recording(self, operation, params):
        out = real_call(self, operation, params)
        if self.meta.service_model.service_name == "dynamodb":
            calls.append((operation, int(out.get("ScannedCount", 1 if out.get("Item") else 0))))
        return out
    botocore.client.BaseClient._make_api_call = recording
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}):
        from infra import resources
        resources.provision()
        resources.bootstrap()
        from app import app
        from chalice.test import Client
        with Client(app) as client:
            body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
                "name": ADMIN[0], "password": ADMIN[1], "domain": {"name": ADMIN[0]}}}},
                "scope": {"project": {"name": "default"}}}}
            r = client.http.post("/v3/auth/tokens", headers={"content-type": "application/json"},
                                 body=json.dumps(body))
            if r.status_code != 201:
                raise SystemExit(f"bench login failed: {r.status_code} {r.body[:300]!r}")
            token = {k.lower(): v for k, v in r.headers.items()}["x-subject-token"]
            project = json.loads(r.body)["token"]["project"]["id"]
            headers = {"content-type": "application/json", "x-auth-token": token}
            path = f"/v4/{project}/registry/instances?appId=bench&serviceName=svc00000"
            have = 0
            for size in sizes:
                t0 = time.perf_counter()
                services = max(1, size // per_service)
                _populate(project, have, services, per_service)
                have = services
                setup_s = time.perf_counter() - t0
                times, raws, found, n_calls = [], [], 0, []
                for i in range(warmup + n):
                    calls.clear()
                    t = time.perf_counter()
                    resp = client.http.get(path, headers=headers)
                    elapsed = time.perf_counter() - t
                    if resp.status_code != 200:
                        raise SystemExit(f"find: HTTP {resp.status_code} {resp.body[:300]!r}")
                    found = len(json.loads(resp.body)["instances"])
                    n_calls = list(calls)
                    raw_s = _raw_find_seconds(project, 1)   # interleaved: both see the same machine load
                    if i >= warmup:
                        times.append(elapsed)
                        raws.append(raw_s)
                if found != per_service:
                    raise SystemExit(f"find returned {found} instances, expected {per_service}")
                per_find = {"calls": len(n_calls), "queries": sum(1 for c in n_calls if c[0] == "Query"),
                            "scans": sum(1 for c in n_calls if c[0] == "Scan"),
                            "items_read": sum(c[1] for c in n_calls)}
                rows.append({"registered": services * per_service, "services": services, "found": found, "n": n,
                             **per_find,
                             "p50": statistics.median(times), "p95": pct(times, 0.95),
                             "raw_p50": statistics.median(raws), "setup_s": setup_s})
    return rows


def signature(n: int) -> dict:
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.sdk_request import SdkRequest
    from huaweicloudsdkcore.signer.signer import Signer
    from chalicelib.surfaces.servicestage import signing

    ak, sk, host = "BENCHACCESSKEY00000", "bench-secret-key-" + "s" * 23, "servicestage.bench.edgeplane"
    path = "/v2/0123456789abcdef0123456789abcdef/cas/applications"
    query = [("limit", "10"), ("offset", "0"), ("order_by", "create_time")]

    def signed(method: str, body: bytes) -> dict:
        req = SdkRequest(method=method, schema="https", host=host, resource_path=path, uri=path,
                         query_params=list(query), header_params={
                             "Content-Type": "application/json", "Host": host,
                             "X-Project-Id": "0123456789abcdef0123456789abcdef"}, body=body or "")
        Signer(BasicCredentials(ak, sk)).sign(req)
        return {k.lower(): (v.decode() if isinstance(v, bytes) else v) for k, v in req.header_params.items()}

    def timed(fn) -> float:
        for _ in range(50):
            fn()
        times = []
        for _ in range(n):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return statistics.median(times) * 1e6

    get_headers = signed("GET", b"")
    access, names, sig = signing.parse(get_headers["authorization"])
    get_us = timed(lambda: signing.verify(sk, sig, "GET", path, query, get_headers, names, b""))
    body = json.dumps({"name": "app", "description": "d" * 4000}).encode()
    post_headers = signed("POST", body)
    _, pnames, psig = signing.parse(post_headers["authorization"])

    def post_check():
        signing.check_date(post_headers["x-sdk-date"])
        text = signing.string_to_sign("POST", path, query, post_headers, pnames, body, post_headers["x-sdk-date"])
        assert signing.sign(sk, text) == psig

    post_us = timed(post_check)
    return {"n": n, "get_p50_us": get_us, "post4k_p50_us": post_us}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.ss_registry", description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=30, help="measured finds per registry size (default 30)")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--per-service", type=int, default=10, help="instances per service (default 10)")
    ap.add_argument("--sig-n", type=int, default=2000, help="timed signature verifications (default 2000)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):  # the app's EMF/log lines
        rows = discovery(args.n, args.warmup, args.per_service)
        sig = signature(args.sig_n)
    if args.json:
        print(json.dumps({"discovery": rows, "signature": sig}, indent=2))
        return 0
    print(f"\nservicecomb find instances by appId/serviceName ({args.per_service} instances found), "
          f"as the registry grows:")
    print(f"  {'registered':>10} {'services':>8} {'p50 ms':>8} {'p95 ms':>8} {'raw p50 ms':>10} "
          f"{'p50-raw ms':>10} {'DynamoDB calls':>14} {'items read':>10} {'setup s':>8}")
    for r in rows:
        print(f"  {r['registered']:>10,} {r['services']:>8,} {r['p50'] * 1000:>8.1f} {r['p95'] * 1000:>8.1f} "
              f"{r['raw_p50'] * 1000:>10.1f} {(r['p50'] - r['raw_p50']) * 1000:>10.1f} "
              f"{r['calls']:>5} ({r['queries']} Query, {r['scans']} Scan) {r['items_read']:>4} {r['setup_s']:>8.1f}")
    print("  per find: one Query of the name-index partition + one Query of the service's instance partition\n"
          "  (+ the token's reads): the DynamoDB work and the time beside it (p50 - raw) do not grow with the\n"
          "  registry. raw = those two Queries through a plain boto3 client: this moto answers every Query by\n"
          "  walking all the table's items, so on moto raw grows with the table; on DynamoDB it does not.")
    print(f"\nAK/SK SDK-HMAC-SHA256 verification (signing.verify), p50 over {sig['n']}:")
    print(f"  GET with a query string, 4 signed headers: {sig['get_p50_us']:.1f} µs")
    print(f"  POST, 4 KiB JSON body (canonical request + body hash + HMAC, no nonce write): "
          f"{sig['post4k_p50_us']:.1f} µs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
