"""ServiceComb registry over real HTTP on the local stack, with plain ``requests`` (there is no official Python
client): a ServiceComb Bearer token (``/v4/token``), register a service and an instance with a 20 s lease
(interval 5 s, times 3), heartbeat, discover with revisions, let the lease run out, see the instance gone."""
from __future__ import annotations

import time
import uuid

import pytest
import requests

from tests.e2e.conftest import ADMIN_PASSWORD


@pytest.fixture(scope="module")
def sc(stack):
    r = requests.post(stack + "/v4/token", json={"name": "admin", "password": ADMIN_PASSWORD}, timeout=30)
    assert r.status_code == 200, r.text
    s = requests.Session()
    s.headers.update({"Authorization": f"Bearer {r.json()['token']}", "Content-Type": "application/json"})
    s.base = stack + "/v4/default/registry"
    return s


def test_register_heartbeat_discover_expire(sc):
    name = f"e2e{uuid.uuid4().hex[:8]}"
    r = sc.post(sc.base + "/microservices", json={"service": {"appId": "e2eapp", "serviceName": name,
                                                                "version": "1.0.0"}}, timeout=30)
    assert r.status_code == 200, r.text
    sid = r.json()["serviceId"]
    assert len(sid) == 40
    # idempotent re-create
    assert sc.post(sc.base + "/microservices", json={"service": {"appId": "e2eapp", "serviceName": name,
                                                                   "version": "1.0.0"}}, timeout=30).json() == \
        {"serviceId": sid}
    inst = {"hostName": "e2e-host", "endpoints": ["rest://127.0.0.1:18080"],
            "healthCheck": {"mode": "push", "interval": 5, "times": 3}}
    r = sc.post(f"{sc.base}/microservices/{sid}/instances", json={"instance": inst}, timeout=30)
    assert r.status_code == 200, r.text
    iid = r.json()["instanceId"]

    find = f"{sc.base}/instances?appId=e2eapp&serviceName={name}"
    r = sc.get(find, timeout=30)
    assert r.status_code == 200 and [i["instanceId"] for i in r.json()["instances"]] == [iid]
    assert r.json()["instances"][0]["healthCheck"] == {"mode": "push", "interval": 5, "times": 3}
    rev = r.headers["X-Resource-Revision"]
    r = sc.get(find + f"&rev={rev}", timeout=30)
    assert r.status_code == 304 and not r.content

    # one heartbeat at 12 s keeps it alive past its first 20 s (to 32 s)
    time.sleep(12)
    r = sc.put(f"{sc.base}/microservices/{sid}/instances/{iid}/heartbeat", timeout=30)
    assert r.status_code == 200, r.text
    time.sleep(10)
    r = sc.get(f"{sc.base}/microservices/{sid}/instances/{iid}", timeout=30)
    assert r.status_code == 200 and r.json()["instance"]["status"] == "UP"

    # no more heartbeats: once the renewed lease runs out it is gone from every read, and a late heartbeat is refused
    time.sleep(12)
    r = sc.get(find + f"&rev={rev}", timeout=30)
    assert r.status_code == 200 and r.json()["instances"] == []
    assert r.headers["X-Resource-Revision"] != rev
    r = sc.get(f"{sc.base}/microservices/{sid}/instances/{iid}", timeout=30)
    assert r.status_code == 400 and r.json()["errorCode"] == "400017"
    r = sc.put(f"{sc.base}/microservices/{sid}/instances/{iid}/heartbeat", timeout=30)
    assert r.status_code == 400 and r.json() == {"errorCode": "400017", "errorMessage": "Instance does not exist",
                                                 "detail": f"instance {iid} does not exist"}
    # nothing live: delete without force
    assert sc.delete(f"{sc.base}/microservices/{sid}", timeout=30).status_code == 200
    r = sc.get(f"{sc.base}/microservices/{sid}", timeout=30)
    assert r.status_code == 400 and r.json()["errorCode"] == "400012"


def test_bad_token_is_refused(stack):
    r = requests.get(stack + "/v4/default/registry/microservices", headers={"Authorization": "Bearer nope"},
                     timeout=30)
    assert r.status_code == 401 and r.json()["errorCode"] == "401201"
