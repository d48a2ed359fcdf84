"""Application management V2: environments (4.2), applications + configuration (4.3), components (4.4)."""
from __future__ import annotations

from chalicelib.surfaces.servicestage import objects

ENVS = "/v2/{project_id}/cas/environments"
APPS = "/v2/{project_id}/cas/applications"


def env_body(name="dev-env", **kw):
    return {"name": name, "deploy_mode": "container", "vpc_id": "vpc-1",
            "base_resources": [{"id": "edge-beijing", "type": "cce"}],
            "optional_resources": [{"id": "default", "type": "cse"}], **kw}


def comp_body(name="web-comp", **kw):
    return {"name": name, "runtime": "Java8", "category": "Webapp", "sub_category": "Web",
            "source": {"kind": "artifact", "spec": {"storage": "swr", "type": "image",
                                                     "url": "swr.example.com/org/web:1.0", "auth": "iam"}},
            **kw}


def test_environment_crud(ss_user):
    status, env = ss_user.post(ENVS, env_body(alias="Dev", description="d"))
    assert status == 200, env
    assert env["name"] == "dev-env" and env["deploy_mode"] == "container" and env["charge_mode"] == "provided"
    assert env["base_resources"] == [{"id": "edge-beijing", "name": "edge-beijing", "type": "cce"}]
    assert env["project_id"] == ss_user.project and isinstance(env["create_time"], int)
    assert env["creator"] == ss_user.username and env["enterprise_project_id"] == "0"
    # names are unique per project, case-insensitively
    status, err = ss_user.post(ENVS, env_body(name="DEV-env"))
    assert status == 400 and err == {"error_code": "SVCSTG.00100449", "error_msg": err["error_msg"]}
    status, got = ss_user.get(f"{ENVS}/{env['id']}")
    assert status == 200 and got == env
    status, changed = ss_user.put(f"{ENVS}/{env['id']}", {"name": "prod-env", "description": "p"})
    assert status == 200 and changed["name"] == "prod-env" and changed["description"] == "p"
    assert changed["alias"] == "Dev" and changed["update_time"] >= env["update_time"]
    # the old name is free again, the new one taken
    assert ss_user.post(ENVS, env_body())[0] == 200
    assert ss_user.post(ENVS, env_body(name="prod-ENV"))[1]["error_code"] == "SVCSTG.00100449"
    status, page = ss_user.get(ENVS + "?order_by=name&order=asc")
    assert status == 200 and page["count"] == 2 and [e["name"] for e in page["environments"]] == ["dev-env",
                                                                                                   "prod-env"]
    status, page = ss_user.get(ENVS + "?limit=1&offset=1&order_by=name&order=asc")
    assert page["count"] == 2 and [e["name"] for e in page["environments"]] == ["prod-env"]
    assert ss_user.delete(f"{ENVS}/{env['id']}") == (204, None)
    status, err = ss_user.get(f"{ENVS}/{env['id']}")
    assert status == 404 and err["error_code"] == "SVCSTG.00100411"


def test_environment_validation(ss_user):
    for bad in ({"name": "1abc"}, {"name": "a"}, {"deploy_mode": "kvm"}, {"vpc_id": None}, {"charge_mode": "free"},
                {"base_resources": []}, {"base_resources": [{"id": "x", "type": "ecs"}]},
                {"optional_resources": [{"id": "x", "type": "cce"}]}, {"description": "x" * 129},
                {"name": 5}):
        status, err = ss_user.post(ENVS, {**env_body(), **bad})
        assert status == 400 and err["error_code"].startswith("SVCSTG.001004"), (bad, err)
    assert ss_user.post(ENVS, {**env_body(), "base_resources": []})[1]["error_code"] == "SVCSTG.00100422"
    assert ss_user.call("POST", ENVS.replace("{project_id}", ss_user.project), None,
                        raw_body=b"{not json")[0] == 400
    assert ss_user.get(ENVS)[1] == {"count": 0, "environments": []}


def test_environment_resources_patch(ss_user):
    env = ss_user.post(ENVS, env_body())[1]
    path = f"{ENVS}/{env['id']}/resources"
    status, out = ss_user.call("PATCH", path.replace("{project_id}", ss_user.project), {
        "add_base_resources": [{"id": "edge-shanghai", "type": "cce"}],
        "add_optional_resources": [{"id": "rds-1", "type": "rds", "name": "db"}],
        "remove_resources": [{"id": "default", "type": "cse"}]})
    assert status == 200, out
    assert [r["id"] for r in out["base_resources"]] == ["edge-beijing", "edge-shanghai"]
    assert out["optional_resources"] == [{"id": "rds-1", "name": "db", "type": "rds"}]
    assert ss_user.get(f"{ENVS}/{env['id']}")[1]["optional_resources"] == out["optional_resources"]
    status, err = ss_user.call("PATCH", path.replace("{project_id}", ss_user.project), {
        "remove_resources": [{"id": "edge-beijing", "type": "cce"}, {"id": "edge-shanghai", "type": "cce"}]})
    assert status == 400 and err["error_code"] == "SVCSTG.00100422"
    status, err = ss_user.call("PATCH", path.replace("{project_id}", ss_user.project), {
        "add_base_resources": [{"id": "vm", "type": "ecs"}]})
    assert status == 400
    assert len(ss_user.get(f"{ENVS}/{env['id']}")[1]["base_resources"]) == 2


def test_tenant_isolation(ss_user, ss_other):
    env = ss_user.post(ENVS, env_body())[1]
    app = ss_user.post(APPS, {"name": "shop"})[1]
    comp = ss_user.post(f"{APPS}/{app['id']}/components", comp_body())[1]
    assert ss_other.get(f"{ENVS}/{env['id']}")[1]["error_code"] == "SVCSTG.00100411"
    assert ss_other.put(f"{ENVS}/{env['id']}", {"name": "mine"})[0] == 404
    assert ss_other.delete(f"{ENVS}/{env['id']}")[0] == 404
    assert ss_other.get(f"{APPS}/{app['id']}")[1]["error_code"] == "SVCSTG.00100403"
    assert ss_other.delete(f"{APPS}/{app['id']}")[0] == 404
    assert ss_other.get(f"{APPS}/{app['id']}/components/{comp['id']}")[0] == 404
    assert ss_other.get(ENVS)[1]["count"] == 0 and ss_other.get(APPS)[1]["count"] == 0
    # the same name is free in another project
    assert ss_other.post(ENVS, env_body())[0] == 200
    assert ss_user.get(f"{ENVS}/{env['id']}")[1]["name"] == "dev-env"


def test_application_crud_and_configuration(ss_user):
    status, app = ss_user.post(APPS, {"name": "shop", "description": "an app"})
    assert status == 200 and app["name"] == "shop" and app["unified_model"] is None
    assert "component_count" not in app and app["enterprise_project_id"] == "0"
    assert ss_user.post(APPS, {"name": "SHOP"})[0] == 400
    assert ss_user.post(APPS, {"name": "x"})[0] == 400
    status, got = ss_user.get(f"{APPS}/{app['id']}")
    assert got["component_count"] == 0 and got["id"] == app["id"]
    status, changed = ss_user.put(f"{APPS}/{app['id']}", {"name": "shop2"})
    assert status == 200 and changed["name"] == "shop2" and changed["description"] == "an app"
    env = ss_user.post(ENVS, env_body())[1]
    conf_path = f"{APPS}/{app['id']}/configuration"
    status, conf = ss_user.put(conf_path, {"environment_id": env["id"], "configuration": {"env": [
        {"name": "A", "value": "1"}, {"name": "B", "value": "2"}, {"name": "A", "value": "3"}]}})
    assert status == 200 and conf == {"application_id": app["id"], "environment_id": env["id"],
                                      "configuration": {"env": [{"name": "A", "value": "3"},
                                                                {"name": "B", "value": "2"}]}}
    status, listed = ss_user.get(conf_path)
    assert listed == {"configuration": [conf]}
    assert ss_user.get(conf_path + f"?environment_id={env['id']}")[1] == {"configuration": [conf]}
    # PUT replaces the list
    ss_user.put(conf_path, {"environment_id": env["id"], "configuration": {"env": [{"name": "C", "value": ""}]}})
    assert ss_user.get(conf_path)[1]["configuration"][0]["configuration"]["env"] == [{"name": "C", "value": ""}]
    for bad in ({"environment_id": env["id"], "configuration": {"env": [{"name": "1A", "value": "x"}]}},
                {"environment_id": env["id"], "configuration": {"env": [{"name": "A", "value": 1}]}},
                {"environment_id": env["id"]}, {"configuration": {"env": []}}):
        assert ss_user.put(conf_path, bad)[0] == 400, bad
    status, err = ss_user.put(conf_path, {"environment_id": "nope", "configuration": {"env": []}})
    assert status == 404 and err["error_code"] == "SVCSTG.00100411"
    assert ss_user.delete(conf_path)[0] == 400
    assert ss_user.delete(conf_path + f"?environment_id={env['id']}") == (204, None)
    assert ss_user.get(conf_path)[1] == {"configuration": []}
    status, page = ss_user.get(APPS)
    assert page["count"] == 1 and page["applications"][0]["component_count"] == 0
    assert ss_user.delete(f"{APPS}/{app['id']}") == (204, None)
    assert ss_user.get(f"{APPS}/{app['id']}")[0] == 404


def test_component_crud(ss_user):
    app = ss_user.post(APPS, {"name": "shop"})[1]
    comps = f"{APPS}/{app['id']}/components"
    status, comp = ss_user.post(comps, comp_body(build={"parameters": {"build_cmd": "mvn package",
                                                                       "node_label_selector": {"a": "b"}}}))
    assert status == 200, comp
    assert comp["status"] == 0 and comp["runtime"] == "Java8" and comp["category"] == "Webapp"
    assert comp["application_id"] == app["id"] and comp["project_id"] == ss_user.project
    assert comp["source"]["spec"]["url"] == "swr.example.com/org/web:1.0" and comp["pipeline_ids"] == []
    assert comp["build"]["parameters"]["artifact_namespace"] == f"cas_{ss_user.project}" and comp["build"]["id"]
    assert ss_user.get(f"{APPS}/{app['id']}")[1]["component_count"] == 1
    # the application is not empty
    status, err = ss_user.delete(f"{APPS}/{app['id']}")
    assert status == 409 and err["error_code"] == "SVCSTG.00100401"
    for bad in ({"runtime": "Cobol"}, {"category": "Game"}, {"name": "-x"}, {"source": {"kind": "svn", "spec": {}}},
                {"source": {"kind": "code", "spec": {"repo_type": "svn", "repo_url": "u"}}},
                {"build": {"parameters": []}}, {"name": "WEB-comp"}):
        status, err = ss_user.post(comps, comp_body(**bad))
        assert status == 400, (bad, err)
    assert ss_user.post(comps, comp_body(runtime="Cobol"))[1]["error_code"] == "SVCSTG.00100420"
    status, code = ss_user.post(comps, comp_body(name="code-comp", source={"kind": "code", "spec": {
        "repo_type": "GitHub", "repo_url": "https://github.com/a/b", "repo_auth": "gh"}}))
    assert status == 200 and code["source"]["spec"] == {"repo_type": "github", "repo_url": "https://github.com/a/b",
                                                        "repo_ref": "master", "repo_auth": "gh"}
    status, page = ss_user.get(comps + "?order_by=name&order=asc")
    assert page["count"] == 2 and [c["name"] for c in page["components"]] == ["code-comp", "web-comp"]
    status, changed = ss_user.put(f"{comps}/{comp['id']}", {"description": "new", "name": "web2"})
    assert status == 200 and changed["description"] == "new" and changed["name"] == "web2"
    assert changed["build"]["id"] == comp["build"]["id"]
    assert ss_user.get(f"{comps}/{comp['id']}")[1]["description"] == "new"
    assert ss_user.put(f"{comps}/{comp['id']}", {"name": "code-comp"})[0] == 400
    # a component under another application's path is not found
    other = ss_user.post(APPS, {"name": "other"})[1]
    status, err = ss_user.get(f"{APPS}/{other['id']}/components/{comp['id']}")
    assert status == 404 and err["error_code"] == "SVCSTG.00100404"
    assert ss_user.delete(f"{comps}/{comp['id']}?force=maybe")[0] == 400
    assert ss_user.delete(f"{comps}/{comp['id']}") == (204, None)
    assert ss_user.delete(f"{comps}/{code['id']}") == (204, None)
    assert objects.count(ss_user.project, "v2comp", app["id"]) == 0
    assert ss_user.delete(f"{APPS}/{app['id']}") == (204, None)
