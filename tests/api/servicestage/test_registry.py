"""ServiceComb registry (chapter 8.3-8.6): microservices, schemas, instances with leases, discovery, dependencies."""
from __future__ import annotations

import hashlib

import pytest
from chalice.test import Client

from chalicelib.core import clock
from chalicelib.store.servicestage_registry import ScInstance, ScService
from chalicelib.surfaces.servicestage import service_registry as reg

MS = "/v4/{project_id}/registry/microservices"
FIND = "/v4/{project_id}/registry/instances"


@pytest.fixture
def env_set(monkeypatch):
    """Settings from a changed environment for one test, restored after it."""
    from chalicelib.core import config

    def _set(**values):
        for k, v in values.items():
            monkeypatch.setenv(k, v)
        config.reload()
    yield _set
    monkeypatch.undo()
    config.reload()


def err(status_body, code):
    status, body = status_body
    assert status == code // 1000, body
    assert body["errorCode"] == str(code) and set(body) == {"errorCode", "errorMessage", "detail"}, body
    return body


def create(caller, name="orders", version="1.0.0", **extra):
    status, body = caller.post(MS, {"service": {"appId": "shop", "serviceName": name, "version": version, **extra}})
    assert status == 200, body
    return body["serviceId"]


def register(caller, sid, host="h1", endpoints=("rest://10.0.0.1:8080",), **extra):
    inst = {"hostName": host, "endpoints": list(endpoints), **extra}
    status, body = caller.post(f"{MS}/{sid}/instances", {"instance": inst})
    assert status == 200, body
    return body["instanceId"]


def find(caller, app="shop", name="orders", headers=None, extra=""):
    return caller.get(f"{FIND}?appId={app}&serviceName={name}{extra}", headers=headers)


# ------------------------------------------------------------------------------------------- microservices
def test_create_is_deterministic_and_idempotent(ss_user):
    sid = create(ss_user, description="the orders", properties={"a": "b"}, framework={"version": "1"})
    expected = hashlib.sha1(f"{ss_user.project}/development/shop/orders/1.0.0".encode()).hexdigest()
    assert sid == expected and len(sid) == 40
    assert create(ss_user, description="again") == sid   # same key: the existing ID
    status, body = ss_user.get(f"{MS}/{sid}")
    svc = body["service"]
    assert status == 200 and svc["serviceId"] == sid and svc["environment"] == "development"
    assert svc["appId"] == "shop" and svc["level"] == "BACK" and svc["status"] == "UP"
    assert svc["description"] == "the orders" and svc["properties"] == {"a": "b"}
    assert svc["framework"] == {"name": "UNKNOWN", "version": "1"}
    assert isinstance(svc["timestamp"], str) and svc["timestamp"].isdigit()
    # a custom ID for an existing key, or an ID already taken, is 400010
    err(ss_user.post(MS, {"service": {"serviceId": "other", "appId": "shop", "serviceName": "orders",
                                      "version": "1.0.0"}}), 400010)
    err(ss_user.post(MS, {"service": {"serviceId": sid, "appId": "shop", "serviceName": "x", "version": "1"}}),
        400010)
    status, body = ss_user.post(MS, {"service": {"serviceId": "my-svc", "serviceName": "pay"}})
    assert status == 200 and body["serviceId"] == "my-svc"
    status, body = ss_user.get("/v4/{project_id}/registry/existence?type=microservice&appId=default"
                               "&serviceName=pay&version=0.0.1")
    assert status == 200 and body == {"serviceId": "my-svc"}
    assert sorted(s["serviceId"] for s in ss_user.get(MS)[1]["services"]) == sorted([sid, "my-svc"])


@pytest.mark.parametrize("service,detail", [
    ({"appId": "shop"}, "serviceName"),
    ({"serviceName": "bad name"}, "serviceName"),
    ({"serviceName": "a", "version": "1.x"}, "version"),
    ({"serviceName": "a", "version": "1.99999"}, "version"),
    ({"serviceName": "a", "environment": "staging"}, "environment"),
    ({"serviceName": "a", "level": "TOP"}, "level"),
    ({"serviceName": "a", "status": "SLEEPING"}, "status"),
    ({"serviceName": "a" * 129}, "serviceName"),
    ({"serviceName": "a", "description": "d" * 257}, "description"),
    ({"serviceName": "a", "schemas": ["ok", "not ok"]}, "schemas"),
    ({"serviceName": "a", "properties": {"k": 1}}, "properties"),
    ({"serviceName": "a", "serviceId": "has space"}, "serviceId"),
])
def test_create_rejects_bad_services(ss_user, service, detail):
    body = err(ss_user.post(MS, {"service": service}), 400001)
    assert detail in body["detail"] and body["errorMessage"] == "Invalid parameter(s)"
    assert ss_user.get(MS)[1]["services"] == []


def test_create_with_instances_tags_rules_and_bad_parts_change_nothing(ss_user):
    bad = {"service": {"appId": "shop", "serviceName": "cart"}, "instances": [{"endpoints": ["rest://x:1"]}]}
    err(ss_user.post(MS, bad), 400001)   # the instance has no hostName
    err(ss_user.post(MS, {"service": {"serviceName": "cart"}, "rules": [{"ruleType": "GREY", "attribute": "a",
                                                                          "pattern": "x"}]}), 400001)
    assert ss_user.get(MS)[1]["services"] == []
    status, body = ss_user.post(MS, {"service": {"appId": "shop", "serviceName": "cart", "version": "2.0"},
                                     "rules": [{"ruleType": "WHITE", "attribute": "tag_a", "pattern": "aaa"}],
                                     "instances": [{"hostName": "i1", "endpoints": ["rest://127.0.0.1:8080"]}],
                                     "tags": {"blue": "yes"}})
    assert status == 200
    sid = body["serviceId"]
    insts = ss_user.get(f"{MS}/{sid}/instances")[1]["instances"]
    assert [i["hostName"] for i in insts] == ["i1"] and insts[0]["version"] == "2.0"
    assert ss_user.get(f"{MS}/{sid}/instances?tags=blue")[1]["instances"] == insts
    assert ss_user.get(f"{MS}/{sid}/instances?tags=blue,green")[1]["instances"] == []
    err(ss_user.get(f"{MS}/{sid}/instances?tags=1bad"), 400001)


def test_unknown_service_and_tenant_isolation(ss_user, ss_other):
    sid = create(ss_user)
    iid = register(ss_user, sid)
    err(ss_other.get(f"{MS}/{sid}"), 400012)
    err(ss_other.delete(f"{MS}/{sid}"), 400012)
    err(ss_other.put(f"{MS}/{sid}/properties", {"properties": {"x": "y"}}), 400012)
    err(ss_other.get(f"{MS}/{sid}/instances/{iid}"), 400012)
    err(ss_other.put(f"{MS}/{sid}/instances/{iid}/heartbeat"), 400012)
    err(find(ss_other), 400012)
    assert ss_other.get(MS)[1]["services"] == []
    # another tenant's project in the path is refused before anything is read
    status, body = ss_user.call("GET", f"/v4/{ss_other.project}/registry/microservices/{sid}")
    assert status == 403 and body["errorCode"]
    # the literal "default" is the caller's own default project
    status, body = ss_user.call("GET", f"/v4/default/registry/microservices/{sid}")
    assert status == 200 and body["service"]["serviceId"] == sid
    assert ss_user.get(f"{MS}/{sid}")[0] == 200


def test_registry_needs_credentials(client, ss_user):
    r = client.http.get(f"/v4/{ss_user.project}/registry/microservices")
    assert r.status_code == 401 and b'"errorCode":"401204"' in r.body


def test_delete_refuses_instances_and_consumers_without_force(ss_user):
    provider = create(ss_user)
    consumer = create(ss_user, name="web")
    iid = register(ss_user, provider)
    err(ss_user.delete(f"{MS}/{provider}"), 400013)
    assert find(ss_user, headers={"X-ConsumerId": consumer})[0] == 200   # records web -> orders
    err(ss_user.delete(f"{MS}/{provider}"), 400023)
    err(ss_user.delete(f"{MS}/{provider}?force=maybe"), 400001)
    assert ss_user.get(f"{MS}/{provider}")[0] == 200
    status, body = ss_user.delete(f"{MS}/{provider}?force=true")
    assert status == 200 and body is None
    err(ss_user.get(f"{MS}/{provider}"), 400012)
    assert ScInstance.count(f"SCREG#{ss_user.project}#SVC#{provider}") == 0
    err(ss_user.get(f"{MS}/{provider}/instances/{iid}"), 400012)
    # the key is free again: re-creating gives the same deterministic ID
    assert create(ss_user) == provider
    # the consumer itself has no consumers or instances: plain delete
    assert ss_user.delete(f"{MS}/{consumer}")[0] == 200
    from chalicelib import audit
    events = [audit.as_dict(e) for e in audit.page(limit=200).items]
    mine = [(e["action"], e["resource"]) for e in events if e["action"].startswith("sc_")]
    assert ("sc_delete_microservice", f"microservice/{consumer}") in mine
    assert ("sc_create_microservice", f"microservice/{provider}") in mine


def test_delete_many(ss_user):
    a, b = create(ss_user, name="a"), create(ss_user, name="b")
    register(ss_user, b)
    err(ss_user.call("DELETE", MS, {"serviceIds": []}), 400001)
    err(ss_user.call("DELETE", MS, {"serviceIds": "a"}), 400001)
    status, body = ss_user.call("DELETE", MS, {"serviceIds": [a, b, "nope"]})
    assert status == 200
    by_id = {s["serviceId"]: s for s in body["services"]}
    assert by_id[a] == {"serviceId": a} and "errMessage" in by_id[b] and "errMessage" in by_id["nope"]
    assert [s["serviceId"] for s in ss_user.get(MS)[1]["services"]] == [b]
    status, body = ss_user.call("DELETE", MS + "?force=true", {"serviceIds": [b]})
    assert status == 200 and body == {"services": [{"serviceId": b}]}
    assert ss_user.get(MS)[1]["services"] == []


def test_properties_replace(ss_user):
    sid = create(ss_user, properties={"old": "1"})
    clock.advance(5)
    assert ss_user.put(f"{MS}/{sid}/properties", {"properties": {"a": "test"}}) == (200, None)
    svc = ss_user.get(f"{MS}/{sid}")[1]["service"]
    assert svc["properties"] == {"a": "test"} and int(svc["modTimestamp"]) > int(svc["timestamp"])
    err(ss_user.put(f"{MS}/{sid}/properties", {"properties": {"a": 5}}), 400001)
    assert ss_user.get(f"{MS}/{sid}")[1]["service"]["properties"] == {"a": "test"}
    assert ss_user.put(f"{MS}/{sid}/properties", {"properties": {}})[0] == 200
    assert "properties" not in ss_user.get(f"{MS}/{sid}")[1]["service"]


def test_existence(ss_user):
    sid = create(ss_user, environment="testing")
    ex = "/v4/{project_id}/registry/existence"
    assert ss_user.get(f"{ex}?type=microservice&env=testing&appId=shop&serviceName=orders&version=1.0.0") == \
        (200, {"serviceId": sid})
    err(ss_user.get(f"{ex}?type=microservice&appId=shop&serviceName=orders&version=1.0.0"), 400012)
    err(ss_user.get(f"{ex}?type=microservice&appId=shop&serviceName=orders"), 400001)
    err(ss_user.get(f"{ex}?type=table"), 400001)
    err(ss_user.get(f"{ex}?type=schema&serviceId={sid}&schemaId=s1"), 400016)
    assert ss_user.put(f"{MS}/{sid}/schemas/s1", {"schema": "swagger: '2.0'", "summary": "abc123"})[0] == 200
    r = ss_user.raw("GET", f"/v4/{ss_user.project}/registry/existence?type=schema&serviceId={sid}&schemaId=s1")
    assert r.status_code == 200 and r.headers["X-Schema-Summary"] == "abc123"
    err(ss_user.get(f"{ex}?type=schema&serviceId=nope&schemaId=s1"), 400012)


# ------------------------------------------------------------------------------------------- schemas
def test_schemas(ss_user):
    sid = create(ss_user, schemas=["declared"])
    err(ss_user.get(f"{MS}/{sid}/schemas/s1"), 400016)
    err(ss_user.put(f"{MS}/{sid}/schemas/s1", {"summary": "x"}), 400001)                # no content
    err(ss_user.put(f"{MS}/{sid}/schemas/s1", {"schema": "a", "summary": "not-alnum"}), 400001)
    err(ss_user.put(f"{MS}/{sid}/schemas/bad%20id", {"schema": "a"}), 400001)
    err(ss_user.put(f"{MS}/nope/schemas/s1", {"schema": "a"}), 400012)
    assert ss_user.put(f"{MS}/{sid}/schemas/s1", {"schema": "v1", "summary": "sum1"}) == (200, None)
    assert ss_user.put(f"{MS}/{sid}/schemas/s1", {"schema": "v2", "summary": "sum2"})[0] == 200   # overwrite
    r = ss_user.raw("GET", f"/v4/{ss_user.project}/registry/microservices/{sid}/schemas/s1")
    assert r.status_code == 200 and r.headers["X-Schema-Summary"] == "sum2"
    assert ss_user.get(f"{MS}/{sid}/schemas/s1")[1] == {"schema": "v2"}
    assert ss_user.get(f"{MS}/{sid}")[1]["service"]["schemas"] == ["declared", "s1"]
    assert ss_user.get(f"{MS}/{sid}/schemas")[1] == {"schemas": [{"schemaId": "declared"},
                                                                {"schemaId": "s1", "summary": "sum2"}]}
    assert ss_user.get(f"{MS}/{sid}/schemas?withSchema=1")[1]["schemas"][1] == \
        {"schemaId": "s1", "summary": "sum2", "schema": "v2"}
    err(ss_user.get(f"{MS}/{sid}/schemas?withSchema=2"), 400001)


def test_production_schemas_are_locked(ss_user, env_set):
    sid = create(ss_user, environment="production", schemas=["s1"])
    err(ss_user.put(f"{MS}/{sid}/schemas/other", {"schema": "x"}), 400014)
    assert ss_user.put(f"{MS}/{sid}/schemas/s1", {"schema": "v1"})[0] == 200
    assert ss_user.put(f"{MS}/{sid}/schemas/s1", {"schema": "v1"})[0] == 200   # unchanged is fine
    err(ss_user.put(f"{MS}/{sid}/schemas/s1", {"schema": "v2"}), 400015)
    assert ss_user.get(f"{MS}/{sid}/schemas/s1")[1] == {"schema": "v1"}
    env_set(SCHEMA_EDITABLE="true")
    assert ss_user.put(f"{MS}/{sid}/schemas/s1", {"schema": "v2"})[0] == 200
    assert ss_user.get(f"{MS}/{sid}/schemas/s1")[1] == {"schema": "v2"}


# ------------------------------------------------------------------------------------------- instances
def test_register_get_and_shape(ss_user):
    sid = create(ss_user)
    status, body = ss_user.post(f"{MS}/{sid}/instances", {"instance": {
        "endpoints": ["grpc://127.0.1.312:9980", "rest://127.0.0.111:8081"], "hostName": "localhost",
        "status": "UP", "properties": {"_TAGS": "A, B", "attr1": "a"},
        "dataCenterInfo": {"name": "dc", "region": "r1", "availableZone": "az1"},
        "healthCheck": {"mode": "push", "interval": 2, "times": 1}, "serviceId": "ignored"}})
    assert status == 200 and len(body["instanceId"]) == 32
    iid = body["instanceId"]
    r = ss_user.raw("GET", f"/v4/{ss_user.project}/registry/microservices/{sid}/instances/{iid}")
    inst = __import__("json").loads(r.body)["instance"]
    assert r.status_code == 200 and r.headers["X-Resource-Revision"]
    assert inst["instanceId"] == iid and inst["serviceId"] == sid and inst["version"] == "1.0.0"
    assert inst["healthCheck"] == {"mode": "push", "interval": 5, "times": 3}   # clamped
    assert isinstance(inst["healthCheck"]["interval"], int)
    assert inst["dataCenterInfo"]["availableZone"] == "az1" and inst["status"] == "UP"
    assert inst["timestamp"].isdigit() and inst["properties"]["attr1"] == "a"
    stored = ScInstance.get(f"SCREG#{ss_user.project}#SVC#{sid}", f"INST#{iid}")
    assert stored.ttl_ms == 20_000 and stored.lease_until - stored.last_ms == 20_000
    err(ss_user.get(f"{MS}/{sid}/instances/nope"), 400017)
    err(ss_user.get(f"{MS}/{sid}/instances/{iid}", headers={"X-ConsumerId": "nope"}), 400012)


@pytest.mark.parametrize("inst", [
    {"endpoints": ["rest://a:1"]},
    {"hostName": "has space"},
    {"hostName": "h", "endpoints": "rest://a:1"},
    {"hostName": "h", "status": "GONE"},
    {"hostName": "h", "healthCheck": {"mode": "poll", "interval": 30, "times": 3}},
    {"hostName": "h", "healthCheck": {"mode": "push", "interval": "30", "times": 3}},
    {"hostName": "h", "healthCheck": {"mode": "push", "interval": 0, "times": 3}},
    {"hostName": "h", "healthCheck": {"mode": "push", "port": 70000, "interval": 30, "times": 3}},
    {"hostName": "h", "dataCenterInfo": {"name": "dc", "region": "r 1", "availableZone": "az"}},
    {"hostName": "h", "instanceId": "bad/id"},
])
def test_register_rejects_bad_instances(ss_user, inst):
    sid = create(ss_user)
    err(ss_user.post(f"{MS}/{sid}/instances", {"instance": inst}), 400001)
    assert ss_user.get(f"{MS}/{sid}/instances")[1]["instances"] == []


def test_register_unknown_service_and_missing_body(ss_user):
    err(ss_user.post(f"{MS}/nope/instances", {"instance": {"hostName": "h"}}), 400012)
    sid = create(ss_user)
    err(ss_user.post(f"{MS}/{sid}/instances", {}), 400001)
    err(ss_user.call("POST", f"{MS}/{sid}/instances", raw_body=b"{not json"), 400001)


def test_custom_id_renews_and_same_endpoints_reuse_the_id(ss_user):
    sid = create(ss_user)
    iid = register(ss_user, sid, instanceId="my-inst-1", healthCheck={"mode": "push", "interval": 5, "times": 3})
    assert iid == "my-inst-1"
    key = (f"SCREG#{ss_user.project}#SVC#{sid}", "INST#my-inst-1")
    first = ScInstance.get(*key)
    clock.advance(10)
    assert register(ss_user, sid, host="changed", instanceId="my-inst-1") == "my-inst-1"
    again = ScInstance.get(*key)
    assert 10_000 <= again.lease_until - first.lease_until < 12_000  # renewed only
    assert again.data["hostName"] == "h1"
    # no ID, the same endpoints: the live instance's ID, its content overwritten
    auto = register(ss_user, sid, host="a", endpoints=["rest://10.0.0.9:1", "rest://10.0.0.9:2"])
    assert register(ss_user, sid, host="b", endpoints=["rest://10.0.0.9:2", "rest://10.0.0.9:1"]) == auto
    assert ss_user.get(f"{MS}/{sid}/instances/{auto}")[1]["instance"]["hostName"] == "b"
    assert len(ss_user.get(f"{MS}/{sid}/instances")[1]["instances"]) == 2


def test_lease_heartbeat_expiry_and_sweeper(app, ss_user):
    sid = create(ss_user)
    iid = register(ss_user, sid, healthCheck={"mode": "push", "interval": 5, "times": 3})   # 20 s lease
    gone = register(ss_user, sid, endpoints=["rest://10.0.0.2:1"])                         # 120 s lease
    clock.advance(15)
    assert ss_user.put(f"{MS}/{sid}/instances/{iid}/heartbeat") == (200, None)
    clock.advance(15)   # 30 s after registering: alive thanks to the heartbeat at 15 s
    assert ss_user.get(f"{MS}/{sid}/instances/{iid}")[0] == 200
    clock.advance(6)    # 21 s after the heartbeat: lapsed, invisible on every read, before any sweep
    err(ss_user.get(f"{MS}/{sid}/instances/{iid}"), 400017)
    assert [i["instanceId"] for i in ss_user.get(f"{MS}/{sid}/instances")[1]["instances"]] == [gone]
    assert [i["instanceId"] for i in find(ss_user)[1]["instances"]] == [gone]
    err(ss_user.put(f"{MS}/{sid}/instances/{iid}/heartbeat"), 400017)   # the client must register again
    err(ss_user.put(f"{MS}/{sid}/instances/{iid}/status?value=DOWN"), 400017)
    err(ss_user.delete(f"{MS}/{sid}/instances/{iid}"), 400017)
    pk = f"SCREG#{ss_user.project}#SVC#{sid}"
    assert ScInstance.count(pk) == 2   # still stored until the sweeper runs
    with Client(app) as c:
        event = c.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={},
                                           resources=["arn:aws:events:us-east-1:123456789012:rule/tick"])
        assert c.lambda_.invoke("on_tick", event).payload["sweep_registry_leases"] == 1
        assert [i.instance_id for i in ScInstance.query(pk)] == [gone]
        clock.advance(200)
        assert c.lambda_.invoke("on_tick", event).payload["sweep_registry_leases"] == 1
        assert c.lambda_.invoke("on_tick", event).payload["sweep_registry_leases"] == 0
    assert ScInstance.count(pk) == 0
    # delete without force now works (no live instances)
    assert ss_user.delete(f"{MS}/{sid}")[0] == 200


def test_pull_mode_and_ttl_override(ss_user, env_set):
    sid = create(ss_user)
    iid = register(ss_user, sid, healthCheck={"mode": "pull", "port": 8080, "interval": 1, "times": 0})
    inst = ss_user.get(f"{MS}/{sid}/instances/{iid}")[1]["instance"]
    assert inst["healthCheck"] == {"mode": "pull", "port": 8080, "interval": 30, "times": 3}
    env_set(EDGEPLANE_SC_INSTANCE_TTL="7")
    short = register(ss_user, sid, endpoints=["rest://b:1"])
    clock.advance(8)
    err(ss_user.get(f"{MS}/{sid}/instances/{short}"), 400017)
    assert ss_user.get(f"{MS}/{sid}/instances/{iid}")[0] == 200


def test_status_properties_and_deregister(ss_user):
    sid = create(ss_user)
    iid = register(ss_user, sid, properties={"old": "x"})
    before = ScInstance.get(f"SCREG#{ss_user.project}#SVC#{sid}", f"INST#{iid}")
    err(ss_user.put(f"{MS}/{sid}/instances/{iid}/status?value=SLEEP"), 400001)
    err(ss_user.put(f"{MS}/{sid}/instances/{iid}/status"), 400001)
    for value in ("DOWN", "OUTOFSERVICE", "TESTING"):
        assert ss_user.put(f"{MS}/{sid}/instances/{iid}/status?value={value}") == (200, None)
        assert ss_user.get(f"{MS}/{sid}/instances/{iid}")[1]["instance"]["status"] == value
    after = ScInstance.get(f"SCREG#{ss_user.project}#SVC#{sid}", f"INST#{iid}")
    assert after.lease_until == before.lease_until   # status does not touch the lease
    assert find(ss_user)[1]["instances"][0]["status"] == "TESTING"   # any status is returned
    assert ss_user.put(f"{MS}/{sid}/instances/{iid}/properties", {"properties": {"new": "y"}}) == (200, None)
    assert ss_user.get(f"{MS}/{sid}/instances/{iid}")[1]["instance"]["properties"] == {"new": "y"}
    err(ss_user.put(f"{MS}/{sid}/instances/{iid}/properties", {"properties": ["x"]}), 400001)
    err(ss_user.put(f"{MS}/{sid}/instances/nope/properties", {"properties": {}}), 400017)
    assert ss_user.delete(f"{MS}/{sid}/instances/{iid}") == (200, None)
    err(ss_user.delete(f"{MS}/{sid}/instances/{iid}"), 400017)
    assert ss_user.get(f"{MS}/{sid}/instances")[1]["instances"] == []


# ------------------------------------------------------------------------------------------- discovery
def test_find_all_versions_revisions_and_304(ss_user):
    v1, v2 = create(ss_user, version="1.0.0"), create(ss_user, version="2.0.0")
    create(ss_user, name="orders", version="1.0.0", environment="testing")
    a, b = register(ss_user, v1), register(ss_user, v2, endpoints=["rest://10.0.0.2:1"])
    r = ss_user.raw("GET", f"/v4/{ss_user.project}/registry/instances?appId=shop&serviceName=orders")
    rev = r.headers["X-Resource-Revision"]
    assert r.status_code == 200 and len(rev) == 40
    assert sorted(i["instanceId"] for i in __import__("json").loads(r.body)["instances"]) == sorted([a, b])
    status, body = find(ss_user, extra=f"&rev={rev}")
    assert status == 304 and body is None
    assert find(ss_user, extra="&env=testing")[1]["instances"] == []
    err(find(ss_user, name="nosuch"), 400012)
    err(ss_user.get(f"{FIND}?appId=shop"), 400001)
    err(ss_user.get(f"{FIND}?appId=sh op&serviceName=orders"), 400001)
    # a change moves the revision: a status update, a deregistration, a lease running out
    ss_user.put(f"{MS}/{v1}/instances/{a}/status?value=DOWN")
    rev2 = ss_user.raw("GET", f"/v4/{ss_user.project}/registry/instances?appId=shop&serviceName=orders") \
        .headers["X-Resource-Revision"]
    assert rev2 != rev and find(ss_user, extra=f"&rev={rev}")[0] == 200
    clock.advance(121)
    status, body = find(ss_user, extra=f"&rev={rev2}")
    assert status == 200 and body["instances"] == []
    # list and get carry revisions and 304 too
    c = register(ss_user, v1, endpoints=["rest://10.0.0.3:1"])
    r = ss_user.raw("GET", f"/v4/{ss_user.project}/registry/microservices/{v1}/instances")
    assert ss_user.get(f"{MS}/{v1}/instances?rev={r.headers['X-Resource-Revision']}")[0] == 304
    r = ss_user.raw("GET", f"/v4/{ss_user.project}/registry/microservices/{v1}/instances/{c}")
    assert ss_user.get(f"{MS}/{v1}/instances/{c}?rev={r.headers['X-Resource-Revision']}")[0] == 304


def test_find_with_consumer_records_dependency_and_providers(ss_user):
    provider = create(ss_user)
    consumer = create(ss_user, name="web", environment="testing")
    err(find(ss_user, headers={"X-ConsumerId": "nope"}), 400012)
    # the consumer's environment is used: no orders in testing
    err(find(ss_user, headers={"X-ConsumerId": consumer}), 400012)
    assert ss_user.get(f"{MS}/{consumer}/providers") == (200, {"providers": []})
    assert find(ss_user, headers={"X-ConsumerId": consumer}, extra="&env=development")[0] == 200
    status, body = ss_user.get(f"{MS}/{consumer}/providers")
    assert status == 200 and [p["serviceId"] for p in body["providers"]] == [provider]
    assert body["providers"][0]["serviceName"] == "orders"
    # self-dependency and noSelf
    find(ss_user, name="web", headers={"X-ConsumerId": consumer}, extra="&env=testing")
    assert {p["serviceId"] for p in ss_user.get(f"{MS}/{consumer}/providers")[1]["providers"]} == \
        {provider, consumer}
    assert [p["serviceId"] for p in ss_user.get(f"{MS}/{consumer}/providers?noSelf=1")[1]["providers"]] == \
        [provider]
    err(ss_user.get(f"{MS}/{consumer}/providers?noSelf=yes"), 400001)
    err(ss_user.get(f"{MS}/nope/providers"), 400012)


def test_batch_find(ss_user):
    sid = create(ss_user)
    iid = register(ss_user, sid)
    action = "/v4/{project_id}/registry/instances/action"
    body = {"services": [{"service": {"environment": "", "appId": "shop", "serviceName": "orders"}, "rev": "0"},
                         {"service": {"appId": "shop", "serviceName": "nosuch"}},
                         {"service": {"appId": "shop"}}],
            "instances": [{"instance": {"serviceId": sid, "instanceId": iid}}]}
    status, out = ss_user.post(f"{action}?type=query", body)
    assert status == 200
    updated = out["services"]["updated"]
    assert [u["index"] for u in updated] == [0] and updated[0]["instances"][0]["instanceId"] == iid
    rev = updated[0]["rev"]
    failed = {f["error"]["errorCode"]: f["indexes"] for f in out["services"]["failed"]}
    assert failed == {"400012": [1], "400001": [2]}
    assert out["instances"]["updated"][0]["instances"][0]["instanceId"] == iid
    irev = out["instances"]["updated"][0]["rev"]
    status, out = ss_user.post(f"{action}?type=query", {
        "services": [{"service": {"appId": "shop", "serviceName": "orders"}, "rev": rev}],
        "instances": [{"instance": {"serviceId": sid, "instanceId": iid}, "rev": irev},
                      {"instance": {"serviceId": sid, "instanceId": "gone"}}]})
    assert status == 200 and out["services"] == {"notModified": [0]}
    assert out["instances"]["notModified"] == [0] and out["instances"]["failed"][0]["indexes"] == [1]
    err(ss_user.post(f"{action}?type=watch", body), 400001)
    err(ss_user.post(f"{action}?type=query", {}), 400001)
    err(ss_user.post(f"{action}?type=query", {"services": "x"}), 400001)
    err(ss_user.post(f"{action}?type=query", body, headers={"X-ConsumerId": "nope"}), 400012)


def test_put_dependencies_for_the_out_of_date_api(ss_user):
    from chalicelib.surfaces.servicestage.auth import project_of  # noqa: F401  (the route's scoping)
    consumer = create(ss_user, name="web")
    v1, v2 = create(ss_user, version="1.0.0"), create(ss_user, version="2.0.0")
    other = create(ss_user, name="stock")
    project = ss_user.project
    web = {"appId": "shop", "serviceName": "web", "version": "1.0.0", "environment": ""}
    reg.put_dependencies(project, {"dependencies": [{"consumer": web, "providers": [
        {"appId": "shop", "serviceName": "orders", "version": "latest", "environment": ""}]}]})
    assert [p["serviceId"] for p in ss_user.get(f"{MS}/{consumer}/providers")[1]["providers"]] == [v2]
    reg.put_dependencies(project, {"dependencies": [{"consumer": web, "providers": [
        {"appId": "shop", "serviceName": "orders", "version": "1.0.0-2.0.0", "environment": ""},
        {"appId": "shop", "serviceName": "stock", "version": "0.0.1+", "environment": ""}]}]})
    assert {p["serviceId"] for p in ss_user.get(f"{MS}/{consumer}/providers")[1]["providers"]} == {v1, other}
    reg.put_dependencies(project, {"dependencies": [{"consumer": web, "providers": [
        {"appId": "shop", "serviceName": "*", "environment": ""}]}]})
    assert {p["serviceId"] for p in ss_user.get(f"{MS}/{consumer}/providers")[1]["providers"]} == \
        {v1, v2, other, consumer}
    err(ss_user.delete(f"{MS}/{other}"), 400023)
    from chalicelib.core.errors import BadRequest
    for bad, code in (({}, 400001), ({"dependencies": []}, 400001),
                      ({"dependencies": [{"consumer": {**web, "version": "1.0.0+"}}]}, 400001),
                      ({"dependencies": [{"consumer": {**web, "serviceName": "ghost"}}]}, 400012),
                      ({"dependencies": [{"consumer": web, "providers": [
                          {"appId": "shop", "serviceName": "orders", "version": "1..2"}]}]}, 400001)):
        with pytest.raises(BadRequest) as exc:
            reg.put_dependencies(project, bad)
        assert exc.value.code == code
    assert len(ss_user.get(f"{MS}/{consumer}/providers")[1]["providers"]) == 4   # unchanged


def test_find_is_queries_only(ss_user, monkeypatch):
    sid = create(ss_user)
    register(ss_user, sid)
    calls = []
    import botocore.client
    real = botocore.client.BaseClient._make_api_call

    def spy(self, op, params):
        calls.append(op)
        return real(self, op, params)
    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", spy)
    assert find(ss_user)[0] == 200
    assert ss_user.put(f"{MS}/{sid}/instances/x/heartbeat")[0] == 400
    assert "Scan" not in calls and calls.count("Query") == 2, calls
    assert ScService.count(f"SCREG#{ss_user.project}") >= 1


def test_aksk_signed_and_bearer_callers(client, ss_user, ss_signed):
    status, body = ss_signed.post(MS, {"service": {"appId": "shop", "serviceName": "signed"}})
    assert status == 200, body
    sid = body["serviceId"]
    assert ss_signed.get(f"{MS}/{sid}")[1]["service"]["serviceName"] == "signed"
    assert ss_user.signed(ss_signed.ak, ss_signed.sk + "x").get(f"{MS}/{sid}")[0] == 401
    # a ServiceComb Bearer token from /v4/token, with the literal project "default"
    from tests.api.servicestage.conftest import PASSWORD
    import json
    r = client.http.post("/v4/token", headers={"Content-Type": "application/json"},
                         body=json.dumps({"name": ss_user.username, "password": PASSWORD}))
    token = json.loads(r.body)["token"]
    r = client.http.get(f"/v4/default/registry/microservices/{sid}", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and json.loads(r.body)["service"]["serviceId"] == sid


def test_malformed_bodies_never_500(ss_user):
    sid = create(ss_user)
    iid = register(ss_user, sid)
    for method, path in (("POST", MS), ("DELETE", MS), ("PUT", f"{MS}/{sid}/properties"),
                         ("PUT", f"{MS}/{sid}/schemas/s1"), ("POST", f"{MS}/{sid}/instances"),
                         ("PUT", f"{MS}/{sid}/instances/{iid}/properties"),
                         ("POST", "/v4/{project_id}/registry/instances/action?type=query")):
        for raw in (b"[1, 2]", b"\"text\"", b"{bad", b"null"):
            status, body = ss_user.call(method, path, raw_body=raw)
            assert status == 400 and body["errorCode"] == "400001", (method, path, raw, body)
    batch = {"services": [1, {"service": {"appId": 5, "serviceName": "x"}}, {"service": {}, "rev": 7}],
             "instances": [None, {"instance": {"serviceId": sid}}]}
    status, body = ss_user.post("/v4/{project_id}/registry/instances/action?type=query", batch)
    assert status == 200
    assert body["services"]["failed"][0]["indexes"] == [0, 1, 2]
    assert body["instances"]["failed"][0]["indexes"] == [0, 1]
    err(ss_user.get(f"{MS}/{'x' * 300}"), 400012)
    err(ss_user.get(f"{MS}/{sid}/instances/{'y' * 300}"), 400017)
    err(ss_user.get(f"{MS}/{sid}/schemas/{'z' * 300}"), 400016)
