"""Out-of-date APIs (chapter 9): 9.1 config items by dimension (304 on an unchanged revision), 9.2 dependency
rules (through the registry), 9.3 metrics report (validated, kept in a bounded ring)."""
from __future__ import annotations

import json

from chalicelib.surfaces.servicestage import service_deprecated

ITEMS = "/v3/{project_id}/configuration/items"


def kv(caller, key, value, labels, status="enabled"):
    s, body = caller.post("/v1/{project_id}/kie/kv", {"key": key, "value": value, "labels": labels,
                                                      "status": status})
    assert s == 200, body
    return body


def test_config_items_by_dimension(ss_user):
    kv(ss_user, "k1", "v1", {"app": "app", "service": "service"})
    kv(ss_user, "k2", "v2", {"app": "app", "service": "service", "version": "1.0.0"})
    kv(ss_user, "k3", "v3", {"app": "app", "service": "service", "version": "2.0.0"})
    kv(ss_user, "k4", "off", {"app": "app", "service": "service"}, status="disabled")
    kv(ss_user, "k5", "prod", {"app": "app", "service": "service", "environment": "production"})
    kv(ss_user, "k6", "other", {"app": "other", "service": "service"})
    status, body = ss_user.get(ITEMS + "?dimensionsInfo=service%40app%231.0.0")
    assert status == 200, body
    assert body["service@app"] == {"k1": "v1"} and body["service@app#1.0.0"] == {"k2": "v2"}
    assert set(body) == {"service@app", "service@app#1.0.0", "revision"}
    rev = body["revision"]["version"]
    assert isinstance(rev, str) and int(rev) > 0
    status, body = ss_user.get(ITEMS + "?dimensionsInfo=service%40app", headers={"x-environment": "production"})
    assert body["service@app"] == {"k5": "prod"} and set(body) == {"service@app", "revision"}
    status, body = ss_user.get(ITEMS + "?dimensionsInfo=service%40app%232.0.0&keyFilter=%5Ek%5B13%5D%24")
    assert body["service@app"] == {"k1": "v1"} and body["service@app#2.0.0"] == {"k3": "v3"}

    r = ss_user.raw("GET", f"/v3/{ss_user.project}/configuration/items?dimensionsInfo=service%40app&revision={rev}")
    assert r.status_code == 304 and not r.body
    kv(ss_user, "k7", "v7", {"app": "app", "service": "service"})
    status, body = ss_user.get(ITEMS + f"?dimensionsInfo=service%40app&revision={rev}")
    assert status == 200 and body["service@app"] == {"k1": "v1", "k7": "v7"}
    # the literal default project is the caller's
    status, body = ss_user.call("GET", "/v3/default/configuration/items?dimensionsInfo=service%40app")
    assert status == 200 and "k7" in body["service@app"]


def test_config_items_errors_and_isolation(client, ss_user, ss_other):
    kv(ss_user, "k1", "v1", {"app": "app", "service": "service"})
    for q in ("", "?dimensionsInfo=service", "?dimensionsInfo=a%40b%40c", "?dimensionsInfo=s%40a&keyFilter=%5B",
              "?dimensionsInfo=s%20x%40a"):
        status, body = ss_user.get(ITEMS + q)
        assert status == 400 and body == {"error_code": "SVCSTG.00100400", "error_msg": body["error_msg"]}, q
    status, body = ss_other.get(ITEMS + "?dimensionsInfo=service%40app")
    assert status == 200 and body["service@app"] == {}
    assert ss_other.call("GET", f"/v3/{ss_user.project}/configuration/items?dimensionsInfo=service%40app")[0] == 403
    r = client.http.get(f"/v3/{ss_user.project}/configuration/items?dimensionsInfo=service%40app")
    assert r.status_code == 401 and set(json.loads(r.body)) == {"error_code", "error_msg"}


REG = "/v4/{project_id}/registry"


def service(caller, name, version="1.0.0"):
    s, body = caller.post(REG + "/microservices", {"service": {"appId": "default", "serviceName": name,
                                                               "version": version}})
    assert s == 200, body
    return body["serviceId"]


def test_put_dependencies(ss_user):
    consumer = service(ss_user, "test1")
    provider = service(ss_user, "test")
    body = {"dependencies": [{"consumer": {"environment": "", "appId": "default", "serviceName": "test1",
                                           "version": "1.0.0"},
                              "providers": [{"environment": "", "appId": "default", "serviceName": "test",
                                             "version": "1.0.0+"}]}]}
    r = ss_user.raw("PUT", f"/v4/{ss_user.project}/registry/dependencies", body)
    assert r.status_code == 200, r.body
    status, prov = ss_user.get(REG + f"/microservices/{consumer}/providers")
    assert status == 200 and [p["serviceId"] for p in prov["providers"]] == [provider]
    # a missing consumer, a bad body: ServiceStage error shape, nothing changed
    body["dependencies"][0]["consumer"]["serviceName"] = "nobody"
    status, err = ss_user.put(REG + "/dependencies", body)
    assert status == 400 and set(err) == {"error_code", "error_msg"}
    status, err = ss_user.put(REG + "/dependencies", {"dependencies": []})
    assert status == 400 and err["error_code"] == "SVCSTG.00100400"
    assert [p["serviceId"] for p in ss_user.get(REG + f"/microservices/{consumer}/providers")[1]["providers"]] \
        == [provider]


METRIC = "/v2/{project_id}/csemonitor/metric"
SAMPLE = {"name": "test", "appId": "default", "version": "1.0.0", "instance": "hostNameTest", "thread": 0, "cpu": 0,
          "memory": {"1": "1"},
          "interfaces": [{"time": 0, "name": "test", "qps": 0, "latency": 0, "rate": 0, "total": 0,
                          "isCircuitBreakerOpen": True, "failure": 0, "shortCircuited": 0, "semaphoreRejected": 0,
                          "threadPoolRejected": 0, "countTimeout": 0, "l995": 0, "l99": 0, "l90": 0, "l75": 0,
                          "l50": 0, "l25": 0, "l5": 0.5}]}


def test_report_metric(ss_user):
    h = {"x-domain-name": ss_user.username}
    status, body = ss_user.post(METRIC, SAMPLE, headers=h)
    assert status == 200 and body is None
    stored = service_deprecated.recent_metrics(ss_user.project)
    assert len(stored) == 1 and stored[0]["metric"]["name"] == "test"
    assert stored[0]["metric"]["memory"] == {"1": 1} and stored[0]["metric"]["interfaces"][0]["l5"] == 0.5
    bad = [{"thread": "x"}, {"cpu": "high"}, {"memory": {"a": "lots"}}, {"interfaces": {}},
           {"interfaces": [{"qps": "fast"}]}, {"interfaces": [{"isCircuitBreakerOpen": "yes"}]},
           {"serviceId": "s1"}, {"name": 5}]
    for change in bad:
        status, err = ss_user.post(METRIC, {**SAMPLE, **change}, headers=h)
        assert status == 400 and err["errorCode"] == "400001" and set(err) == {"errorCode", "errorMessage",
                                                                               "detail"}, change
    status, err = ss_user.post(METRIC, SAMPLE)
    assert status == 400 and err["errorCode"] == "400001"
    status, err = ss_user.post(METRIC, SAMPLE, headers={"x-domain-name": "someone-else"})
    assert status == 403
    assert len(service_deprecated.recent_metrics(ss_user.project)) == 1


def test_metrics_are_bounded(ss_user, monkeypatch):
    monkeypatch.setattr(service_deprecated, "METRIC_SLOTS", 3)
    h = {"x-domain-name": ss_user.username}
    for n in range(5):
        assert ss_user.post(METRIC, {**SAMPLE, "name": f"m{n}"}, headers=h)[0] == 200
    stored = service_deprecated.recent_metrics(ss_user.project)
    assert [s["metric"]["name"] for s in stored] == ["m4", "m3", "m2"]
