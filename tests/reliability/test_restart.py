"""Property: restarting the local stack with ``--data-dir`` loses nothing: accounts (and their sessions), objects
created through the APIs and uploaded files are all there after a SIGTERM and a new start on the same directory."""
from __future__ import annotations

import time

import requests

from tests.e2e.conftest import ADMIN_PASSWORD, local_stack

EG = "/mec/developer/v2"
PNG = b"\x89PNG\r\n\x1a\n" + b"persisted icon" * 8


def test_the_local_stack_keeps_its_data_across_a_restart(tmp_path):
    started = time.monotonic()
    data = tmp_path / "data"
    first: list[str] = []
    with local_stack(data_dir=data, args=["--save-seconds", "0"], output=first) as url:
        admin = requests.post(f"{url}/edgeplane/v1/login", json={"username": "admin", "password": ADMIN_PASSWORD},
                              timeout=30).json()["token"]
        r = requests.post(f"{url}/edgeplane/v1/users", json={"username": "keeper", "password": "Keeper-Passw0rd"},
                          headers={"Authorization": f"Bearer {admin}"}, timeout=30)
        assert r.status_code == 201, r.text
        keeper = requests.post(f"{url}/edgeplane/v1/login", json={"username": "keeper", "password": "Keeper-Passw0rd"},
                               timeout=30)
        assert keeper.status_code == 200, keeper.text
        keeper_token = keeper.json()["token"]
        s = requests.Session()
        s.headers["access_token"] = admin
        icon = s.post(f"{url}{EG}/upload-files", params={"fileType": "icon"},
                      files={"file": ("icon.png", PNG, "image/png")}, timeout=30)
        assert icon.status_code == 200, icon.text
        file_id = icon.json()["fileId"]
        app = s.post(f"{url}{EG}/applications/", json={
            "name": "keepme", "version": "1.0", "provider": "acme", "appClass": "CONTAINER", "architecture": "X86",
            "description": "survives restarts", "iconFileId": file_id, "type": "Video Application",
            "industry": "Smart Park"}, timeout=30)
        assert app.status_code == 200, app.text
        app_id = app.json()["id"]
    assert any("saved" in line and "(shutdown)" in line for line in first), "".join(first[-20:])
    assert (data / "snapshot" / "manifest.json").exists()

    second: list[str] = []
    with local_stack(data_dir=data, args=["--save-seconds", "0"], output=second) as url:
        assert any(line.startswith("restored ") for line in second), "".join(second)
        # the account: its password still logs in, and the session issued before the restart is still valid
        again = requests.post(f"{url}/edgeplane/v1/login", json={"username": "keeper", "password": "Keeper-Passw0rd"},
                              timeout=30)
        assert again.status_code == 200, again.text
        me = requests.get(f"{url}/edgeplane/v1/me", headers={"Authorization": f"Bearer {keeper_token}"}, timeout=30)
        assert me.status_code == 200 and me.json()["username"] == "keeper", me.text
        # the object created through the API, and the uploaded file, byte for byte
        s = requests.Session()
        s.headers["access_token"] = admin
        got = s.get(f"{url}{EG}/applications/{app_id}", timeout=30)
        assert got.status_code == 200 and got.json()["name"] == "keepme", got.text
        blob = s.get(f"{url}{EG}/upload-files/{file_id}/action/get-file-stream", timeout=30)
        assert blob.status_code == 200 and blob.content == PNG, blob.text[:200]
        # and the restored stack still works
        assert requests.get(f"{url}/edgeplane/v1/health", timeout=10).json()["status"] == "ok"
    assert time.monotonic() - started < 60
