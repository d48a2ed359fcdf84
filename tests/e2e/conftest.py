"""The local stack (``python -m infra.local`` on free ports), started once for every e2e module."""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from infra.local import free_port as _free_port, wait_ready

ROOT = Path(__file__).resolve().parents[2]
ADMIN_PASSWORD = "E2eAdminPassw0rd"


@contextlib.contextmanager
def local_stack(data_dir=None, args=(), output: list | None = None, stop_timeout: float = 20):
    """``python -m infra.local`` on free ports (its own embedded moto): yields the base URL.

    ``data_dir`` starts it with ``--data-dir`` (kept across restarts); ``args`` are more command-line options;
    ``output`` (a list) collects the stack's output lines, up to its exit."""
    port, moto_port = _free_port(), _free_port()
    drifts = Path(tempfile.mkdtemp(prefix="edgeplane-contract-")) / "drifts.txt"
    extra = [*(["--data-dir", str(data_dir)] if data_dir is not None else []), "--check-contracts", str(drifts),
             *args]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "EDGEPLANE_", "MOTO"))}
    env.update(EDGEPLANE_ADMIN_PASSWORD=ADMIN_PASSWORD, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "infra.local", "--port", str(port), "--moto-port", str(moto_port),
                             "--tick-seconds", "3600", *extra], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    lines = output if output is not None else []
    if not wait_ready(proc, 90, lines):
        if proc.poll() is not None:
            pytest.fail("local stack exited:\n" + "".join(lines[-40:]))
        proc.kill()
        pytest.fail("local stack did not start:\n" + "".join(lines[-40:]))
    sink = lines.extend if output is not None else (lambda it: [None for _ in it])
    reader = threading.Thread(target=lambda: sink(proc.stdout), daemon=True)  # keep the pipe drained
    reader.start()
    try:
        yield url
    finally:
        proc.terminate()  # SIGTERM: the stack saves its data dir, then exits
        try:
            proc.wait(timeout=stop_timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
        reader.join(timeout=5)
    # every answer the stack gave was checked against its published model (chalicelib.openapi.check)
    found = drifts.read_text(encoding="utf-8").splitlines() if drifts.exists() else []
    if found:
        pytest.fail("answers outside the published contract:\n" + "\n".join(found[:20]))


@pytest.fixture(scope="session")
def stack():
    with local_stack() as url:
        yield url


SDK_PASSWORD = "Ss-E2e-Passw0rd!"


def huawei_client(url: str, client_class, user_prefix: str):
    """An official Huawei SDK client for a fresh account: IAM token → permanent access key → AK/SK signing."""
    import uuid

    import requests
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.http.http_config import HttpConfig

    login = requests.post(f"{url}/edgeplane/v1/login", json={"username": "admin", "password": ADMIN_PASSWORD},
                          timeout=30)
    assert login.status_code == 200, login.text
    username = user_prefix + uuid.uuid4().hex[:8]
    r = requests.post(f"{url}/edgeplane/v1/users", json={"username": username, "password": SDK_PASSWORD},
                      headers={"Authorization": f"Bearer {login.json()['token']}"}, timeout=30)
    assert r.status_code == 201, r.text
    r = requests.post(url + "/v3/auth/tokens", json={"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"name": username, "password": SDK_PASSWORD, "domain": {"name": username}}}},
        "scope": {"project": {"name": "default"}}}}, timeout=30)
    assert r.status_code == 201, r.text
    token, pid = r.headers["X-Subject-Token"], r.json()["token"]["project"]["id"]
    c = requests.post(url + "/v3.0/OS-CREDENTIAL/credentials", json={"credential": {
        "user_id": r.json()["token"]["user"]["id"]}}, headers={"X-Auth-Token": token}, timeout=30).json()["credential"]
    cfg = HttpConfig.get_default_config()
    cfg.ignore_ssl_verification = True
    client = client_class.new_builder().with_http_config(cfg).with_credentials(
        BasicCredentials(c["access"], c["secret"], pid)).with_endpoints([url]).build()
    client.edgeplane_user, client.edgeplane_project, client.edgeplane_token = username, pid, token
    return client
