"""Time to generate an EdgeGallery application package (``csar.build``, what 24.4 does inline), and its size.

Two applications are set up through the API on moto in-process (as ``bench.run`` and ``tests/conftest.py``
do): a container application with one Helm chart (a Deployment and a Service) and a script, and a VM
application with one VM on a registered VM image and two ports. ``csar.build(app)`` is then timed ``n``
times for each: reading the charts, scripts and VM data, writing the APPD, zipping, hashing the manifest.
Run: ``python -m bench.package [-n 30] [--warmup 3]``.
"""
from __future__ import annotations

import argparse
import contextlib
import gzip
import io
import json
import os
import platform
import sys
import tarfile
import time

from bench.run import ENV, ROOT, pct

EG = "/mec/developer/v2"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
FLAVOR = "3f1a0000-0000-4000-8000-000000000001"  # a default flavor (flavors.json)


def _multipart(name: str, data: bytes) -> tuple[str, bytes]:
    b = "benchBoundary"
    body = (f"--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{b}--\r\n".encode()
    return f"multipart/form-data; boundary={b}", body


def _chart() -> bytes:
    deploy = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cam\nspec:\n  template:\n    spec:\n"
              "      containers:\n      - name: cam\n        image: cam:1.0\n")
    service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: cam\nspec:\n  ports:\n  - port: 80\n"
    files = {"cam/Chart.yaml": "apiVersion: v2\nname: cam\nversion: 0.1.0\n", "cam/values.yaml": "replicas: 1\n",
             "cam/templates/deploy.yaml": deploy, "cam/templates/service.yaml": service}
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tf:
        for path, text in files.items():
            info = tarfile.TarInfo(path)
            info.size = len(text.encode())
            tf.addfile(info, io.BytesIO(text.encode()))
    return gzip.compress(raw.getvalue())


class Caller:
    def __init__(self, client, token: str):
        self.client, self.headers = client, {"access_token": token}

    def call(self, method: str, path: str, body=None, *, upload: tuple[str, bytes] | None = None):
        headers = {**self.headers, "content-type": "application/json"}
        data = json.dumps(body) if body is not None else None
        if upload is not None:
            headers["content-type"], data = _multipart(*upload)
        r = getattr(self.client.http, method)(EG + path, headers=headers, body=data)
        if r.status_code != 200:
            raise SystemExit(f"bench setup {method.upper()} {path}: HTTP {r.status_code} {r.body[:300]!r}")
        return json.loads(r.body) if r.body else None


def _app(eg: Caller, name: str, app_class: str) -> str:
    icon = eg.call("post", "/upload-files?fileType=icon", upload=("icon.png", PNG))["fileId"]
    return eg.call("post", "/applications", {"name": name, "version": "1.0", "provider": "bench",
                                             "appClass": app_class, "architecture": "X86", "iconFileId": icon,
                                             "description": "bench"})["id"]


def setup(eg: Caller) -> dict[str, str]:
    """The two applications; returns {label: applicationId}."""
    box = _app(eg, "benchbox", "CONTAINER")
    eg.call("post", f"/applications/{box}/helmcharts", upload=("cam.tgz", _chart()))
    eg.call("post", f"/applications/{box}/scripts", upload=("init.sh", b"#!/bin/sh\necho init\n"))
    vm = _app(eg, "benchvm", "VM")
    eg.call("post", "/vmimages", {"name": "ubuntu-bench", "visibleType": "private", "osType": "Ubuntu",
                                  "osVersion": "18.04", "osBitType": "64", "systemDiskSize": 40})
    listed = eg.call("post", "/vmimages/action/get-list", {"name": "ubuntu-bench",
                                                           "queryCtrl": {"offset": 0, "limit": 10}})
    image_id = listed["imageList"][0]["id"]
    for net in ("MEC_APP_N6", "MEC_APP_MP1"):
        if net not in {n["name"] for n in eg.call("get", f"/applications/{vm}/networks")}:
            eg.call("post", f"/applications/{vm}/networks", {"name": net, "description": net})
    eg.call("post", f"/applications/{vm}/vms", {
        "name": "VM1", "flavorId": FLAVOR, "imageId": image_id, "userData": "#!/bin/bash\necho hi\n",
        "vmCertificate": {"certificateType": "PASSWORD", "pwdCertificate": {"username": "root",
                                                                            "password": "Secret123"}},
        "portList": [{"name": "port1", "description": "", "networkName": "MEC_APP_N6"},
                     {"name": "port2", "description": "", "networkName": "MEC_APP_MP1"}]})
    return {"container app + chart": box, "VM app + image": vm}


def run(n: int, warmup: int) -> list[dict]:
    os.environ.update(ENV)
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
        from chalicelib.store.edgegallery import EgApplication, app_pk
        from chalicelib.surfaces.edgegallery import csar
        accounts.create_account("bench", "Passw0rdBench", profile={"roles": {"edgegallery": "DEVELOPER_TENANT"}})
        with Client(app) as client:
            apps = setup(Caller(client, tokens.issue("bench", "edgegallery")[0]))
        out = []
        for label, app_id in apps.items():
            app_item = EgApplication.get(app_pk(app_id), "A")
            times, size = [], 0
            for i in range(warmup + n):
                t0 = time.perf_counter()
                blob = csar.build(app_item)
                if i >= warmup:
                    times.append(time.perf_counter() - t0)
                size = len(blob)
            out.append({"name": label, "n": n, "p50": pct(times, 0.5), "p95": pct(times, 0.95), "bytes": size,
                        "files": len(csar.unpack(blob))})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.package", description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=30, help="measured generations per application (default 30)")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):  # the app's EMF/log lines
        rows = run(args.n, args.warmup)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"\nEdgeGallery package generation (csar.build) - python {platform.python_version()}, moto in-process; "
          f"{args.n} measured after {args.warmup} warm-up")
    print(f"  {'application':<24} {'p50 ms':>8} {'p95 ms':>8} {'csar bytes':>11} {'tree files':>11}")
    for r in rows:
        print(f"  {r['name']:<24} {r['p50'] * 1000:>8.1f} {r['p95'] * 1000:>8.1f} {r['bytes']:>11} {r['files']:>11}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
