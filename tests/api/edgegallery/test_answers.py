"""EdgeGallery's JSON successes are published (answers_*.py, ``@endpoint(bp, returns=...)``) and every answer the
suite sees is checked against them (tests/contract_check.py)."""
from __future__ import annotations

import pytest

from chalicelib.openapi import generate

APPS = "/mec/developer/v2/applications"


@pytest.fixture(scope="module")
def doc():
    from app import app
    return generate.documents(app)["edgegallery"]


def _schema(doc, ref_or_schema: dict) -> dict:
    ref = ref_or_schema.get("$ref")
    return doc["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref else ref_or_schema


def test_application_list_publishes_the_page_and_its_rows(doc):
    ok = doc["paths"][APPS]["get"]["responses"]["2XX"]["content"]["application/json"]["schema"]
    assert ok["$ref"].endswith("/ApplicationPage")
    pg = _schema(doc, ok)
    assert set(pg["properties"]) == {"results", "limit", "offset", "total"}
    assert set(pg["required"]) == {"results", "limit", "offset", "total"}
    row = _schema(doc, pg["properties"]["results"]["items"])
    assert {"id", "name", "version", "provider", "appClass", "status", "createTime", "userId", "appPackage",
            "atpTestTaskList", "appConfiguration", "scriptList"} <= set(row["properties"])
    assert row["properties"]["status"]["description"].startswith("CREATED")
    # a mutation's bare ``true`` and the detail are published too; downloads and texts are not JSON
    put = doc["paths"][f"{APPS}/{{applicationId}}"]["put"]["responses"]["2XX"]["content"]["application/json"]
    assert _schema(doc, put["schema"])["type"] == "boolean"
    detail = doc["paths"][f"{APPS}/{{applicationId}}/detail"]["get"]["responses"]["2XX"]["content"]
    assert set(_schema(doc, detail["application/json"]["schema"])["properties"]) == {"vmApp", "containerApp"}


def test_no_published_answer_holds_a_password(doc):
    """Passwords are answered null (VMs, hosts); the application certificate is ``{ak, sk}`` as documented (the
    application's own credential for its owner, sealed at rest)."""
    comps = doc["components"]["schemas"]
    assert comps["PwdCertificate"]["properties"]["password"].get("type") == "null"
    assert comps["MepHost"]["properties"]["mecHostPassword"].get("type") == "null"
    assert set(comps["AppCertificate"]["properties"]) == {"ak", "sk"}


def test_an_answer_that_drifts_from_its_model_is_reported(dev, new_app, monkeypatch):
    from chalicelib.surfaces.edgegallery import service_apps
    from tests import contract_check
    app = new_app(name="drift")
    assert dev.get(f"{APPS}/{app['id']}")[0] == 200 and not contract_check.violations
    real = service_apps.view

    def wrong(a, detail: bool = False):
        return {**real(a, detail), "version": 11}   # a number where the model says string
    monkeypatch.setattr(service_apps, "view", wrong)
    assert dev.get(f"{APPS}/{app['id']}")[0] == 200
    assert len(contract_check.violations) == 1, contract_check.violations
    assert contract_check.violations[0].startswith(
        "GET /mec/developer/v2/applications/{applicationId} answered a body that is not its Application")
    assert "version" in contract_check.violations[0]
    contract_check.violations.clear()
