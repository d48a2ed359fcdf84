"""Builders shared by the ote-stack API tests."""
from __future__ import annotations

import io
import tarfile

APP = {"appName": "web", "deployType": "deployment", "image": "library/nginx:1.25", "version": "1.1",
       "port": [{"port": 80, "hostPort": 8080}], "command": "nginx -g 'daemon off;'",
       "volume": [{"path": "/data", "hostPath": "/mnt/data", "readOnly": False}], "env": [{"name": "MODE", "value": "x"}],
       "replicas": 2, "minReplicas": 1, "maxReplicas": 4, "minCPU": 10, "maxCPU": 200, "GPU": 0, "isHPA": False,
       "targetCPUUtilization": 80, "targetMemUtilization": 80, "minMemory": 128, "maxMemory": 512,
       "maxUnavailable": 0, "maxSurge": 1, "minReadySeconds": 10}


def chart_tgz(name: str = "demo", extra: dict | None = None, chart_yaml: bool = True) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        files = {}
        if chart_yaml:
            files[f"{name}/Chart.yaml"] = f"apiVersion: v2\nname: {name}\nversion: 0.1.0\nappVersion: '1.0'\n".encode()
        files[f"{name}/values.yaml"] = b"replicaCount: 1\n"
        files.update(extra or {})
        for path, data in files.items():
            info = tarfile.TarInfo(path)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def multipart_body(fields: dict, files: dict) -> tuple[str, bytes]:
    boundary = "----edgeplaneTestBoundary"
    out = io.BytesIO()
    for k, v in fields.items():
        out.write(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n".encode())
    for k, (filename, data) in files.items():
        out.write(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{filename}\"\r\n"
                  f"Content-Type: application/gzip\r\n\r\n".encode())
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", out.getvalue()


def create_app(api, **over):
    status, body = api.post("/v1/app", {**APP, **over})
    assert status == 200, body
    return body["data"]
