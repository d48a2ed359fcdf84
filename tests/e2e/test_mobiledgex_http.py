"""MobiledgeX over real HTTP on the local stack, called the way mcctl / edgebox do: POST JSON, Bearer token,
NDJSON streams read to the end (a ``result`` line is a failure)."""
from __future__ import annotations

import json

import requests

from tests.e2e.conftest import ADMIN_PASSWORD

REGION = "local"
PASSWORD = "Mx-Edge-Cloud-Tester-2026!"


class MC:
    def __init__(self, url: str, token: str | None = None):
        self.url, self.s = url, requests.Session()
        if token:
            self.s.headers["Authorization"] = f"Bearer {token}"

    def call(self, path: str, body=None, status: int = 200):
        r = self.s.post(f"{self.url}/api/v1{path}", data=json.dumps(body) if body is not None else "",
                        headers={"Content-Type": "application/json"}, timeout=60)
        assert r.status_code == status, (path, r.status_code, r.text)
        return r.json() if r.text.strip() and not r.text.strip().startswith('{"data"') else r.text

    def stream(self, path: str, body) -> list[dict]:
        r = self.s.post(f"{self.url}/api/v1{path}", json=body, timeout=60)
        assert r.status_code == 200, (path, r.status_code, r.text)
        lines = [json.loads(line) for line in r.text.splitlines() if line.strip()]
        assert not any("result" in line for line in lines), lines
        return lines

    def ctrl(self, op: str, name: str, obj: dict) -> list[dict]:
        return self.stream(f"/auth/ctrl/{op}", {"region": REGION, name.lower(): obj})  # lower-case, as mcctl

    @staticmethod
    def login(url: str, username: str, password: str) -> "MC":
        r = requests.post(f"{url}/api/v1/login", json={"username": username, "password": password}, timeout=30)
        assert r.status_code == 200, r.text
        return MC(url, r.json()["token"])


def _messages(lines):
    return [line["data"]["message"] for line in lines]


def test_operator_and_developer_flow_over_http(stack):
    url = stack
    admin = MC.login(url, "admin", ADMIN_PASSWORD)
    for name in ("opuser", "devuser"):
        MC(url).call("/usercreate", {"name": name, "email": f"{name}@example.com", "passhash": PASSWORD})
    admin.call("/auth/org/create", {"name": "oporg", "type": "operator"})
    admin.call("/auth/org/create", {"name": "devorg", "type": "developer"})
    admin.call("/auth/role/adduser", {"org": "oporg", "username": "opuser", "role": "OperatorManager"})
    admin.call("/auth/role/adduser", {"org": "devorg", "username": "devuser", "role": "DeveloperManager"})
    op, dev = MC.login(url, "opuser", PASSWORD), MC.login(url, "devuser", PASSWORD)
    admin.call("/auth/ctrl/CreateFlavor", {"region": REGION, "flavor": {"key": {"name": "m4.small"}, "ram": 2048,
                                                                        "vcpus": 2, "disk": 20}})
    cloudlet_key = {"organization": "oporg", "name": "frankfurt"}
    lines = op.ctrl("CreateCloudlet", "Cloudlet", {"key": cloudlet_key, "location": {"latitude": 50.1,
                                                                                     "longitude": 8.7},
                                                   "num_dynamic_ips": 10, "platform_type": "Fake"})
    assert _messages(lines)[-1] == "Created Cloudlet successfully"
    app_key = {"organization": "devorg", "name": "camera", "version": "1.0"}
    dev.call("/auth/ctrl/CreateApp", {"region": REGION, "app": {
        "key": app_key, "image_type": "Docker", "image_path": "docker.io/library/nginx:latest",
        "access_ports": "tcp:80", "default_flavor": {"name": "m4.small"}, "deployment": "kubernetes"}})
    cluster_key = {"cluster_key": {"name": "cluster1", "organization": "devorg"}, "cloudlet_key": cloudlet_key}
    lines = dev.ctrl("CreateClusterInst", "ClusterInst", {"key": cluster_key, "flavor": {"name": "m4.small"},
                                                          "ip_access": "Dedicated", "num_masters": 1,
                                                          "num_nodes": 1, "deployment": "kubernetes"})
    assert _messages(lines)[-1] == "Created ClusterInst successfully"
    inst_key = {"name": "camera1", "organization": "devorg", "cloudlet_key": cloudlet_key}
    lines = dev.ctrl("CreateAppInst", "AppInst", {"key": inst_key, "app_key": app_key,
                                                  "cluster_key": cluster_key["cluster_key"]})
    assert _messages(lines)[-1] == "Created AppInst successfully"

    shown = dev.ctrl("ShowAppInst", "AppInst", {})
    assert [s["data"]["key"]["name"] for s in shown] == ["camera1"] and shown[0]["data"]["state"] == "Ready"
    assert [s["data"]["key"]["cluster_key"]["name"] for s in dev.ctrl("ShowClusterInst", "ClusterInst", {})] == \
        ["cluster1"]
    assert [s["data"]["key"]["name"] for s in dev.ctrl("ShowApp", "App", {})] == ["camera"]
    assert [s["data"]["key"]["name"] for s in op.ctrl("ShowCloudlet", "Cloudlet", {})] == ["frankfurt"]

    # an API key of the developer, with its own (narrower) rights
    key = dev.call("/auth/user/create/apikey", {"org": "devorg", "description": "ci",
                                                "permissions": [{"resource": "appinsts", "action": "view"}]})
    bot = MC.login(url, key["Id"], key["ApiKey"])
    assert [s["data"]["key"]["name"] for s in bot.ctrl("ShowAppInst", "AppInst", {})] == ["camera1"]
    r = bot.s.post(f"{url}/api/v1/auth/ctrl/DeleteAppInst", json={"region": REGION, "appinst": {"key": inst_key}})
    assert r.status_code == 403

    # delete in reverse order
    assert _messages(dev.ctrl("DeleteAppInst", "AppInst", {"key": inst_key}))[-1] == "Deleted AppInst successfully"
    assert _messages(dev.ctrl("DeleteClusterInst", "ClusterInst", {"key": cluster_key}))[-1] == \
        "Deleted ClusterInst successfully"
    dev.call("/auth/ctrl/DeleteApp", {"region": REGION, "app": {"key": app_key}})
    assert _messages(op.ctrl("DeleteCloudlet", "Cloudlet", {"key": cloudlet_key}))[-1] == \
        "Deleted Cloudlet successfully"
    r = dev.s.post(f"{url}/api/v1/auth/ctrl/ShowAppInst", json={"region": REGION})
    assert r.status_code == 200 and r.text == ""
