"""V3 environments (5.1.x), applications and their configuration (5.2.x): bodies, persisted state, bad input,
tenant isolation."""
from __future__ import annotations

ENVS = "/v3/{project_id}/cas/environments"
APPS = "/v3/{project_id}/cas/applications"


def _env(caller, name="dev-env", **kw):
    status, body = caller.post(ENVS, {"name": name, "vpc_id": "vpc-1", **kw})
    assert status == 200, body
    return body


def _app(caller, name="shop", **kw):
    status, body = caller.post(APPS, {"name": name, **kw})
    assert status == 200, body
    return body


def test_environment_create_get_list_modify_delete(ss_user):
    env = _env(ss_user, "Dev-Env", deploy_mode="mixed", description="d", labels=[{"key": "k", "value": "v"}])
    assert env["name"] == "Dev-Env" and env["deploy_mode"] == "mixed" and env["project_id"] == ss_user.project
    assert env["enterprise_project_id"] == "0" and env["creator"] == ss_user.username
    assert isinstance(env["create_time"], int) and "resources" not in env
    assert env["labels"] == [{"key": "k", "value": "v"}]
    # case-insensitive unique name
    status, body = ss_user.post(ENVS, {"name": "dev-env", "vpc_id": "vpc-1"})
    assert status == 400 and body["error_code"] == "SVCSTG.00100449"
    _env(ss_user, "other-env")
    status, body = ss_user.get(ENVS + "?order_by=name&order=asc")
    assert status == 200 and body["count"] == 2
    assert [e["name"] for e in body["environments"]] == ["Dev-Env", "other-env"]
    status, body = ss_user.get(ENVS + "?name=DEV-ENV")
    assert body["count"] == 1 and body["environments"][0]["id"] == env["id"]
    status, body = ss_user.get(ENVS + "?limit=1&offset=1&order=asc")
    assert body["count"] == 2 and [e["name"] for e in body["environments"]] == ["other-env"]
    status, body = ss_user.get(ENVS + f"?environment_id={env['id']}")
    assert body["count"] == 1
    status, body = ss_user.put(ENVS + f"/{env['id']}", {"name": "prod-env", "description": "p"})
    assert status == 200 and body["name"] == "prod-env" and body["description"] == "p"
    assert body["labels"] == [{"key": "k", "value": "v"}] and body["resources"] == []
    status, body = ss_user.get(ENVS + f"/{env['id']}")
    assert body["name"] == "prod-env" and body["update_time"] >= body["create_time"]
    # the old name is free again
    _env(ss_user, "dev-env")
    status, body = ss_user.delete(ENVS + f"/{env['id']}")
    assert status == 204
    status, body = ss_user.get(ENVS + f"/{env['id']}")
    assert status == 404 and body["error_code"] == "SVCSTG.00100411"


def test_environment_bad_input_changes_nothing(ss_user):
    for bad in ({"name": "1abc", "vpc_id": "v"}, {"name": "a", "vpc_id": "v"}, {"name": "x" * 65, "vpc_id": "v"},
                {"name": "okname"}, {"name": "okname", "vpc_id": "v", "deploy_mode": "k8s"},
                {"name": "okname", "vpc_id": "v", "description": "d" * 129},
                {"name": "okname", "vpc_id": 5}, {"name": "okname", "vpc_id": "v", "labels": [{"key": "a"}]}):
        status, body = ss_user.post(ENVS, bad)
        assert status == 400 and body["error_code"] == "SVCSTG.00100400", (bad, body)
    status, body = ss_user.call("POST", ENVS, None, raw_body=b"{not json")
    assert status == 400 and set(body) == {"error_code", "error_msg"}
    for q in ("limit=101", "limit=-1", "limit=x", "offset=-2", "order=sideways"):
        status, body = ss_user.get(ENVS + "?" + q)
        assert status == 400 and body["error_code"] == "SVCSTG.00100400", q
    assert ss_user.get(ENVS)[1]["count"] == 0
    env = _env(ss_user)
    status, body = ss_user.put(ENVS + f"/{env['id']}", {"description": "no name"})
    assert status == 400
    assert ss_user.get(ENVS + f"/{env['id']}")[1]["description"] == ""


def test_environment_resources_replace(ss_user):
    env = _env(ss_user)
    path = ENVS + f"/{env['id']}/resources"
    status, body = ss_user.put(path, {"resources": [{"id": "edge-beijing", "type": "cce", "name": "c"},
                                                    {"id": "vpc-1", "type": "vpc"}]})
    assert status == 200 and body["resources"] == [{"id": "edge-beijing", "name": "c", "type": "cce"},
                                                   {"id": "vpc-1", "name": "", "type": "vpc"}]
    assert ss_user.get(path)[1]["resources"] == body["resources"]
    assert ss_user.get(ENVS + f"/{env['id']}")[1]["resources"] == body["resources"]
    status, body = ss_user.put(path, {"resources": [{"id": "x", "type": "k8s"}]})
    assert status == 400 and body["error_code"] == "SVCSTG.00100400"
    status, body = ss_user.put(path, {})
    assert status == 400
    assert len(ss_user.get(path)[1]["resources"]) == 2
    status, body = ss_user.put(path, {"resources": []})
    assert status == 200 and ss_user.get(path)[1]["resources"] == []


def test_environment_tenant_isolation(ss_user, ss_other):
    env = _env(ss_user)
    for call in (lambda: ss_other.get(ENVS + f"/{env['id']}"), lambda: ss_other.delete(ENVS + f"/{env['id']}"),
                 lambda: ss_other.put(ENVS + f"/{env['id']}", {"name": "stolen"}),
                 lambda: ss_other.get(ENVS + f"/{env['id']}/resources")):
        status, body = call()
        assert status == 404 and body["error_code"] == "SVCSTG.00100411"
    assert ss_other.get(ENVS)[1]["count"] == 0
    assert ss_user.get(ENVS + f"/{env['id']}")[1]["name"] == "dev-env"
    # the other project in the path is refused outright
    status, body = ss_other.call("GET", f"/v3/{ss_user.project}/cas/environments")
    assert status == 403


def test_application_crud_and_count(ss_user):
    app = _app(ss_user, description="shop app", labels=[{"key": "team", "value": "a"}])
    assert app["name"] == "shop" and app["enterprise_project_id"] == "0" and isinstance(app["update_time"], int)
    assert app["labels"] == [{"key": "team", "value": "a"}]
    status, body = ss_user.post(APPS, {"name": "shop"})
    assert status == 400 and "exists" in body["error_msg"]
    status, body = ss_user.get(APPS + f"/{app['id']}")
    assert status == 200 and body["component_count"] == 0 and body["description"] == "shop app"
    _app(ss_user, "another")
    status, body = ss_user.get(APPS + "?order_by=name&order=desc")
    assert body["count"] == 2 and [a["name"] for a in body["applications"]] == ["shop", "another"]
    assert body["applications"][0]["component_count"] == 0
    status, body = ss_user.put(APPS + f"/{app['id']}", {"name": "shop2", "labels": []})
    assert status == 200 and body["name"] == "shop2" and body["labels"] == [] and body["component_count"] == 0
    status, body = ss_user.put(APPS + f"/{app['id']}", {"name": "another"})
    assert status == 400 and ss_user.get(APPS + f"/{app['id']}")[1]["name"] == "shop2"
    status, body = ss_user.put(APPS + f"/{app['id']}", {"name": "-bad"})
    assert status == 400
    assert ss_user.delete(APPS + f"/{app['id']}")[0] == 204
    status, body = ss_user.get(APPS + f"/{app['id']}")
    assert status == 404 and body["error_code"] == "SVCSTG.00100403"


def test_application_configuration(ss_user, ss_other):
    app, env = _app(ss_user), _env(ss_user)
    path = APPS + f"/{app['id']}/configuration"
    body_in = {"environment_id": env["id"], "configuration": {"env": [
        {"name": "A", "value": "1"}, {"name": "B", "value": "2"}, {"name": "A", "value": "3"}]}}
    status, body = ss_user.put(path, body_in)
    assert status == 200 and body["application_id"] == app["id"] and body["environment_id"] == env["id"]
    assert body["configuration"]["env"] == [{"name": "B", "value": "2"}, {"name": "A", "value": "3"}]
    status, body = ss_user.get(path)
    assert status == 200 and len(body["configuration"]) == 1
    assert body["configuration"][0]["configuration"]["env"][1] == {"name": "A", "value": "3"}
    assert ss_user.get(path + f"?environment_id={env['id']}")[1]["configuration"][0]["environment_id"] == env["id"]
    assert ss_user.get(path + "?environment_id=nope")[1]["configuration"] == []
    # replace
    status, body = ss_user.put(path, {"environment_id": env["id"], "configuration": {"env": []}})
    assert status == 200 and ss_user.get(path)[1]["configuration"][0]["configuration"]["env"] == []
    # bad input
    for bad in ({"configuration": {"env": []}}, {"environment_id": env["id"]},
                {"environment_id": env["id"], "configuration": {"env": [{"name": "1x", "value": "v"}]}},
                {"environment_id": env["id"], "configuration": {"env": [{"name": "x"}]}}):
        status, body = ss_user.put(path, bad)
        assert status == 400 and body["error_code"] == "SVCSTG.00100400", bad
    status, body = ss_user.put(path, {"environment_id": "nope", "configuration": {"env": []}})
    assert status == 404 and body["error_code"] == "SVCSTG.00100411"
    status, body = ss_other.put(APPS + f"/{app['id']}/configuration", body_in)
    assert status == 404 and body["error_code"] == "SVCSTG.00100403"
    # delete: environment_id is required
    assert ss_user.delete(path)[0] == 400
    assert ss_user.delete(path + f"?environment_id={env['id']}")[0] == 204
    assert ss_user.get(path)[1]["configuration"] == []
    assert ss_user.delete(path + f"?environment_id={env['id']}")[0] == 404


def test_application_tenant_isolation(ss_user, ss_other):
    app = _app(ss_user)
    for call in (lambda: ss_other.get(APPS + f"/{app['id']}"), lambda: ss_other.delete(APPS + f"/{app['id']}"),
                 lambda: ss_other.put(APPS + f"/{app['id']}", {"name": "x1"}),
                 lambda: ss_other.get(APPS + f"/{app['id']}/configuration")):
        status, body = call()
        assert status == 404 and body["error_code"] == "SVCSTG.00100403"
    assert ss_other.get(APPS)[1] == {"count": 0, "applications": []}
    # the same name is free in another project
    _app(ss_other)
