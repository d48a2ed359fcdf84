"""MSAP successes are published with their data model (``answers.py``) inside the MSAP envelope, and every answer
the suite receives is checked against it (``tests/contract_check.py``): a drifting field fails the test that saw it."""
from __future__ import annotations

from chalicelib.openapi import generate
from chalicelib.surfaces.msap import service_project

REF = "#/components/schemas/"


def _ok_schema(doc, path: str, method: str) -> dict:
    return doc["paths"][path][method]["responses"]["2XX"]["content"]["application/json"]["schema"]


def _component(doc, ref: dict) -> dict:
    assert ref["$ref"].startswith(REF), ref
    return doc["components"]["schemas"][ref["$ref"][len(REF):]]


def test_every_json_success_is_published_with_its_data_model(app):
    doc = generate.documents(app)["msap"]
    unmodelled = []
    for path, item in doc["paths"].items():
        if not path.startswith("/v1/"):  # the shared /edgeplane/openapi routes
            continue
        for method in item:
            schema = _ok_schema(doc, path, method)
            if "allOf" not in schema:
                unmodelled.append((method, path))
    assert unmodelled == [("get", "/v1/product/downloadPackage")]  # a 302 to the file, no JSON body

    # a paged list: envelope + {code, msg, data: ProjectPage}, whose rows are the documented project fields
    envelope, own = _ok_schema(doc, "/v1/project/listProjectsPage", "get")["allOf"]
    assert envelope == {"$ref": REF + "MsResult"}
    answer = _component(doc, own)
    assert answer["title"] == "ProjectPageAnswer" and set(answer["required"]) == {"code", "msg", "data"}
    page = _component(doc, answer["properties"]["data"])
    assert {"pageNum", "pageSize", "total", "pages", "list", "navigatepageNums"} <= set(page["properties"])
    row = _component(doc, page["properties"]["list"]["items"])
    assert set(row["properties"]) == {"createTime", "description", "projectCode", "projectId", "projectName",
                                      "tenantId"}
    assert row["properties"]["tenantId"]["type"] == "integer"
    assert all(p.get("description") for p in row["properties"].values())

    # a plain list and an empty answer
    envs = _component(doc, _ok_schema(doc, "/v1/env/listEnvs", "get")["allOf"][1])
    assert envs["properties"]["data"]["items"] == {"$ref": REF + "Env"}
    empty = _component(doc, _ok_schema(doc, "/v1/env/deleteEnv", "post")["allOf"][1])
    assert empty["properties"]["data"]["const"] == ""


def test_an_answer_that_drifts_from_its_model_is_caught(ms, monkeypatch):
    from tests import contract_check
    ms.project(name="契约项目")
    page = ms.ok_get("/v1/project/listProjectsPage")
    assert page["total"] == 1 and not contract_check.violations

    real_view = service_project.view
    monkeypatch.setattr(service_project, "view", lambda item: dict(real_view(item), tenantId="one"))
    assert ms.ok_get("/v1/project/listProjectsPage")["list"][0]["tenantId"] == "one"
    assert len(contract_check.violations) == 1, contract_check.violations
    assert contract_check.violations[0].startswith(
        "GET /v1/project/listProjectsPage answered a body that is not its ProjectPageAnswer")
    assert "data.list.0.tenantId" in contract_check.violations[0]
    contract_check.violations.clear()
