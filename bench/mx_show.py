"""``python -m bench.mx_show``: ShowAppInst of 1,000 app instances as a developer with one org among 100.

Set up as ``bench/run.py`` does (moto in-process with ``mock_aws``, ``provision()`` + ``bootstrap()``,
``chalice.test.Client``). The developer's org holds ``--instances`` AppInsts; 99 other developer orgs hold
``--others`` each, so the region holds more instances than the caller may see. Items are written directly,
no HTTP and no jobs: ``regional.create`` for the cloudlet and the Apps, and the AppInsts batch-written as
the items ``regional.create`` builds, without its per-item reference transaction (see ``_item``).
The Show is one Query of the caller's org partition (gsi1), never a read of the other orgs' instances; the
figure printed is the p50 of the whole request (auth, Query, filter, NDJSON rendering), next to the same
Query through a plain boto3 client.
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
PASSWORD = "Mx-Edge-Cloud-Bench-2026!"


def _setup(region: str, orgs: int, instances: int, others: int, client) -> dict:
    from chalicelib.surfaces.mobiledgex import identity, regional, service_appinsts  # noqa: F401 (references)
    from chalicelib.surfaces.mobiledgex.common import rfc3339nano
    from chalicelib.store.mobiledgex import MxObj
    from chalicelib.surfaces.mobiledgex.kinds import APP, APP_INST, CLOUDLET

    def post(path, body, headers=None):
        r = client.http.post(f"/api/v1{path}", headers={"content-type": "application/json", **(headers or {})},
                             body=json.dumps(body))
        if r.status_code != 200:
            raise SystemExit(f"bench setup {path}: HTTP {r.status_code} {r.body[:300]!r}")
        return json.loads(r.body) if r.body else None

    post("/usercreate", {"Name": "benchdev", "Email": "benchdev@example.com", "Passhash": PASSWORD})
    token = post("/login", {"username": "benchdev", "password": PASSWORD})["token"]
    auth = {"authorization": f"Bearer {token}"}
    post("/auth/org/create", {"Name": "benchorg000", "Type": "developer"}, auth)
    identity.create_org("benchop", "operator", {}, "admin")
    now = rfc3339nano()
    cloudlet = {"organization": "benchop", "name": "c1"}
    regional.create(CLOUDLET, region, {"key": cloudlet, "state": "Ready", "location": {"latitude": 1, "longitude": 1},
                                       "created_at": now, "updated_at": now})
    for n in range(orgs):
        org = f"benchorg{n:03d}"
        if n:
            identity.create_org(org, "developer", {}, "admin")
        app_key = {"organization": org, "name": "app", "version": "1"}
        regional.create(APP, region, {"key": app_key, "image_type": "Docker", "deployment": "kubernetes",
                                      "created_at": now, "updated_at": now})
        with MxObj.batch_write() as batch:
            for i in range(instances if n == 0 else others):
                batch.save(_item(APP_INST, region, {
                    "key": {"name": f"inst{i:05d}", "organization": org, "cloudlet_key": cloudlet},
                    "app_key": app_key, "state": "Ready", "liveness": "Static", "uri": "c1.benchop.mobiledgex.net",
                    "created_at": now, "updated_at": now}))
    return auth


def _item(kind, region: str, data: dict):
    """The item ``regional.create`` writes, without its reference claims (a transaction per item, which moto
    answers with a deep copy of the table: minutes for this setup). The Show does not read references."""
    from chalicelib.store.mobiledgex import MxObj
    key = kind.key_str(data)
    item = MxObj(MxObj.pk_of(region, kind.name), key, region=region, obj_kind=kind.name, key_str=key,
                 org=kind.org_of(data), data=data, extra={}, messages=[], created_at=int(time.time()))
    item.index(("BY", kind.by(data)) if kind.by else None)
    return item


def run(n: int, warmup: int, orgs: int, instances: int, others: int) -> dict:
    from bench.run import ENV, pct
    os.environ.update(ENV)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    import moto  # noqa: F401  (before any boto3 client)
    from moto import mock_aws
    from chalicelib.core import clock
    from chalicelib.core.config import settings

    clock.reset()
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}):
        from infra import resources
        resources.provision()
        resources.bootstrap()
        from app import app
        from chalice.test import Client
        region = settings().mx_regions[0]
        with Client(app) as client:
            t0 = time.perf_counter()
            auth = _setup(region, orgs, instances, others, client)
            setup_s = time.perf_counter() - t0
            body = json.dumps({"Region": region, "AppInst": {}})
            headers = {"content-type": "application/json", **auth}
            times, lines = [], 0
            for i in range(warmup + n):
                t = time.perf_counter()
                r = client.http.post("/api/v1/auth/ctrl/ShowAppInst", headers=headers, body=body)
                elapsed = time.perf_counter() - t
                if r.status_code != 200:
                    raise SystemExit(f"ShowAppInst: HTTP {r.status_code} {r.body[:300]!r}")
                lines = len([x for x in r.body.decode().splitlines() if x.strip()])
                if i >= warmup:
                    times.append(elapsed)
            raw = _raw_query_seconds(region, n)
    if lines != instances:
        raise SystemExit(f"ShowAppInst returned {lines} instances, expected {instances}")
    total = instances + (orgs - 1) * others
    return {"orgs": orgs, "visible": lines, "in_region": total, "n": n, "setup_s": setup_s,
            "p50": statistics.median(times), "p95": pct(times, 0.95), "raw_p50": raw}


def _raw_query_seconds(region: str, n: int) -> float:
    """p50 of the same gsi1 Query (all pages) through a plain boto3 client: what moto itself costs."""
    import boto3
    from chalicelib.core.config import settings
    raw = boto3.session.Session(region_name=os.environ["AWS_DEFAULT_REGION"]).client("dynamodb")
    times = []
    for _ in range(max(3, n // 2)):
        t = time.perf_counter()
        pages = raw.get_paginator("query").paginate(
            TableName=settings().table_name, IndexName="gsi1", KeyConditionExpression="gsi1pk = :v",
            ExpressionAttributeValues={":v": {"S": f"MX#{region}#AppInst#ORG#benchorg000"}})
        sum(len(page["Items"]) for page in pages)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.mx_show", description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=10, help="measured Shows (default 10)")
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--orgs", type=int, default=100)
    ap.add_argument("--instances", type=int, default=1000, help="AppInsts of the caller's org")
    ap.add_argument("--others", type=int, default=5, help="AppInsts of each other org")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):  # the app's EMF/log lines
        r = run(args.n, args.warmup, args.orgs, args.instances, args.others)
    if args.json:
        print(json.dumps(r, indent=2))
        return 0
    print(f"\nmobiledgex ShowAppInst as a developer (1 org of {r['orgs']}): {r['visible']} visible of "
          f"{r['in_region']} app instances in the region")
    print(f"  p50 {r['p50'] * 1000:.1f} ms  p95 {r['p95'] * 1000:.1f} ms  over {r['n']} requests "
          f"(setup {r['setup_s']:.1f} s)")
    print(f"  raw: the same gsi1 Query (all pages) through a plain boto3 client: p50 {r['raw_p50'] * 1000:.1f} ms")
    print("  one gsi1 Query of the caller's org; moto answers a GSI Query by reading every item of the table,\n"
          "  so on moto the time also grows with the other orgs' items, on DynamoDB it does not.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
