"""ServiceStage JSON successes are published with their body model (``answers_cas.py``, ``answers_cse.py``) as the
2XX schema, and every answer the suite receives is checked against it (``tests/contract_check.py``): a drifting
field fails the test that saw it."""
from __future__ import annotations

from chalicelib.openapi import generate
from chalicelib.surfaces.servicestage import service_v3_apps

REF = "#/components/schemas/"
APPS = "/v3/{project_id}/cas/applications"


def _ok_schema(doc, path: str, method: str) -> dict | None:
    for code, response in doc["paths"][path][method]["responses"].items():
        if code.startswith("2"):
            return (response.get("content") or {}).get("application/json", {}).get("schema")
    return None


def _component(doc, ref: dict) -> dict:
    assert ref["$ref"].startswith(REF), ref
    return doc["components"]["schemas"][ref["$ref"][len(REF):]]


def test_every_json_success_is_published_with_its_body_model(app):
    doc = generate.documents(app)["servicestage"]
    unmodelled = set()
    for path, item in doc["paths"].items():
        if path.startswith("/edgeplane/"):  # the shared /edgeplane/openapi routes
            continue
        for method in item:
            schema = _ok_schema(doc, path, method)
            if not schema or "$ref" not in schema:
                unmodelled.add((method, path))
    # every operation left answers no JSON document: 204s, the registry's empty 200s, the text/plain dependencies
    assert all(m in ("delete", "put") or p.endswith("/csemonitor/metric") for m, p in unmodelled), unmodelled
    assert ("get", "/v3/{project_id}/cas/applications") not in unmodelled
    # no answer model shares a name with a request model (pydantic would then qualify both components' names)
    assert not [name for name in doc["components"]["schemas"] if "__" in name]

    # a V3 list: {count, applications: [V3Application]} with the documented fields
    page = _component(doc, _ok_schema(doc, "/v3/{project_id}/cas/applications", "get"))
    assert page["title"] == "V3Applications" and set(page["required"]) == {"count", "applications"}
    row = _component(doc, page["properties"]["applications"]["items"])
    assert {"id", "name", "description", "creator", "project_id", "enterprise_project_id", "create_time",
            "update_time", "labels", "component_count"} == set(row["properties"])
    assert row["properties"]["create_time"]["type"] == "integer"
    assert all(p.get("description") for p in row["properties"].values())

    # the registry and kie lists
    services = _component(doc, _ok_schema(doc, "/v4/{project_id}/registry/microservices", "get"))
    assert services["properties"]["services"]["items"] == {"$ref": REF + "ScMicroService"}
    kie = _component(doc, _ok_schema(doc, "/v1/{project_id}/kie/kv", "get"))
    assert set(kie["properties"]) == {"total", "data"}


def test_an_answer_that_drifts_from_its_model_is_caught(ss_user, monkeypatch):
    from tests import contract_check
    status, _ = ss_user.post(APPS, {"name": "contract-app"})
    assert status == 200
    status, page = ss_user.get(APPS)
    assert status == 200 and page["count"] == 1 and not contract_check.violations

    real_view = service_v3_apps.view
    monkeypatch.setattr(service_v3_apps, "view", lambda item, **kw: dict(real_view(item, **kw), create_time="soon"))
    status, page = ss_user.get(APPS)
    assert status == 200 and page["applications"][0]["create_time"] == "soon"
    assert len(contract_check.violations) == 1, contract_check.violations
    assert contract_check.violations[0].startswith(
        "GET /v3/{project_id}/cas/applications answered a body that is not its V3Applications")
    assert "applications.0.create_time" in contract_check.violations[0]
    contract_check.violations.clear()
