"""``python -m bench.msap_deploy``: time from ``deployK8sApplication`` to change-order success on the simulated
Kubernetes target, for 1 deploy and for N (default 50) concurrent deploys.

Set up as ``bench/run.py`` does (moto in-process, ``chalice.test.Client``). Each deploy is a different application
in one environment (one running change per deployed application). All N requests are sent first (each answers at
once with its change order id); then the jobs pump (SQS → Step Functions on moto → Python steps, as Lambda's event
source mapping delivers them, up to 10 messages a batch) runs until every change order has succeeded. The figure:
per-order latency (request → success) p50/max and the wall time of the whole wave, beside N × the single-deploy
time: jobs that serialized behind each other would take about N × single; interleaved they take far less.
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
PASSWORD = "Msap-Bench-Passw0rd!"


def _call(client, token, method, path, body=None, **params):
    from urllib.parse import urlencode
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    if method == "GET":
        r = client.http.get(path + ("?" + urlencode(params) if params else ""), headers=headers)
    else:
        r = client.http.post(path, headers=headers, body=json.dumps(body or {}))
    env = json.loads(r.body)
    if r.status_code != 200 or env.get("code") != "200":
        raise SystemExit(f"bench {path}: HTTP {r.status_code} {r.body[:300]!r}")
    return env["data"]


def _setup(client, token, apps: int) -> tuple[str, list[str]]:
    pid = _call(client, token, "POST", "/v1/project/createProject", {"projectCode": "bench", "projectName": "压测项目"})
    pool = _call(client, token, "GET", "/v1/env/listRegions")[0]["resPools"][0]["resPoolCode"]
    env_id = _call(client, token, "POST", "/v1/env/createEnv", {"envCode": "bench-env", "envName": "压测环境",
                                                               "envType": "TEST", "projectId": pid, "resPoolId": pool})
    inst = _call(client, token, "GET", "/v1/env/getK8sCluster", resPoolId=pool)[0]["instId"]
    _call(client, token, "POST", "/v1/env/createK8sNameSpace", {"instId": inst, "namespaceName": "bench"})
    _call(client, token, "POST", "/v1/env/importResource", {"envId": env_id, "resourceList": [
        {"instId": inst, "k8sNameSpace": "bench"}]})
    conn = _call(client, token, "POST", "/v1/service/connection/createServiceConnection", {
        "projectId": pid, "connectionName": "bench", "connectionType": "GITHUB", "token": "t"})
    conn_id = conn if isinstance(conn, str) else conn["connectionId"]
    app_ids = [_call(client, token, "POST", "/v1/app/createApplication", {
        "name": f"bench{i:03d}", "origin": "GITHUB", "codeReposAddress": f"https://github.com/bench/app{i}",
        "connectionId": conn_id, "projectId": pid}) for i in range(apps)]
    return env_id, app_ids


def settle(tenant: str, orders: dict, done: dict) -> bool:
    """Record in ``done`` (app id → ``perf_counter``) each change order of ``orders`` (app id → order id) that has
    finished; a failed one ends the benchmark. The orders are read from the store (what getChangeOrderInfo
    shows), not over HTTP. True once every order is done."""
    from chalicelib.surfaces.msap import changeorders
    for app_id, order in orders.items():
        if app_id in done:
            continue
        info = changeorders.get_order(tenant, order).data
        states = {int(p.get("pipelineStatus", 0)) for p in info["pipelineInfoList"]}
        if states == {13}:
            done[app_id] = time.perf_counter()
        elif 14 in states:
            errors = [t["instance"].get("errMsg") for p in info["pipelineInfoList"] for st in p["stageList"]
                      for t in st.get("taskInfo", []) if t.get("instance", {}).get("errMsg")]
            raise SystemExit(f"deploy of {app_id} failed: {errors or info.get('statusCd')}")
    return len(done) == len(orders)


def _deploy_body(app_id: str, env_id: str) -> dict:
    return {"appId": app_id, "deployEnvId": env_id, "deploySource": "IMAGE", "deployVer": "1.0.0",
            "packageVer": "1.0.0", "imageUrl": "registry.edgeplane.local/bench/app:1.0.0", "podNum": 2,
            "runtimeEnvCode": "openjdk", "runtimeEnvVer": "17"}


def _wave(client, token, app, env_id: str, app_ids: list[str]) -> dict:
    from infra import pump
    started, orders = {}, {}
    for app_id in app_ids:
        started[app_id] = time.perf_counter()
        orders[app_id] = _call(client, token, "POST", "/v1/app/inst/deployK8sApplication",
                               _deploy_body(app_id, env_id))["changeOrderId"]
    wave_start = min(started.values())
    done: dict[str, float] = {}

    from chalicelib.surfaces.msap import identity
    tenant = identity.get_ms_account("benchmsap").tenant_id
    pump.drain(app, until=lambda: settle(tenant, orders, done), timeout=900)
    if len(done) != len(orders):
        raise SystemExit(f"only {len(done)} of {len(orders)} deploys finished")
    lat = [done[a] - started[a] for a in app_ids]
    return {"n": len(app_ids), "first": min(lat), "p50": statistics.median(lat), "max": max(lat),
            "wall": max(done.values()) - wave_start}


def run(concurrent: int) -> dict:
    from bench.run import ENV
    # one process runs all N executions' steps: a step message may wait in the queue longer than the tests'
    # 60 s step timeout while the others are served, so the bench gives steps the production default
    os.environ.update(ENV, EDGEPLANE_STEP_TIMEOUT="900")
    os.environ.pop("AWS_ENDPOINT_URL", None)
    import moto  # noqa: F401  (before any boto3 client)
    from moto import mock_aws
    from chalicelib.core import clock

    clock.reset()
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}):
        from infra import resources
        resources.provision()
        resources.bootstrap()
        from app import app
        from chalice.test import Client
        from chalicelib.identity import accounts, tokens
        accounts.create_account("benchmsap", PASSWORD)
        token, _ = tokens.issue("benchmsap", "edgeplane", ttl=7200)
        with Client(app) as client:
            env_id, app_ids = _setup(client, token, concurrent + 1)
            single = _wave(client, token, app, env_id, app_ids[:1])
            many = _wave(client, token, app, env_id, app_ids[1:])
    return {"single": single, "concurrent": many}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.msap_deploy", description=__doc__.split("\n")[0])
    ap.add_argument("--concurrent", type=int, default=50)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
        r = run(args.concurrent)
    if args.json:
        print(json.dumps(r, indent=2))
        return 0
    s, m = r["single"], r["concurrent"]
    print("\nmsap deployK8sApplication → change order success (simulated Kubernetes target, jobs through "
          "SQS → Step Functions on moto)")
    print(f"  1 deploy:               {s['p50'] * 1000:8.0f} ms")
    print(f"  {m['n']} concurrent deploys:  first {m['first']:.1f} s   p50 {m['p50']:.1f} s   max {m['max']:.1f} s   "
          f"wave {m['wall']:.1f} s   ({m['n'] / m['wall'] * 60:.0f} deploys/min)")
    print(f"  a FIFO (jobs serialized) would finish the first after ≈ {s['p50']:.1f} s and the last after "
          f"≈ {m['n'] * s['p50']:.1f} s;\n  here the executions interleave (every order advances each round, so they "
          "finish together). In-process moto runs every\n  step on one Python thread, so the wave's wall time is the "
          "sum of the work; on AWS each execution and step\n  Lambda runs in parallel and the wave takes about one "
          "deploy's time.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
