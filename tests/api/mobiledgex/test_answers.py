"""MobiledgeX success shapes (chalicelib/surfaces/mobiledgex/answers.py): published as the 2XX schema of the
operations that answer one JSON document, and every answer the suite sees is checked against them
(tests/contract_check.py)."""
from __future__ import annotations

import pytest

from tests import contract_check


@pytest.fixture(scope="module")
def doc():
    from app import app
    from chalicelib.openapi import generate
    return generate.documents(app)["mobiledgex"]


def _ok_schema(doc, path: str) -> dict:
    return doc["paths"][path]["post"]["responses"]["2XX"]["content"]["application/json"].get("schema") or {}


def _component(doc, schema: dict) -> dict:
    return doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]


def test_single_document_answers_are_published(doc):
    user = _component(doc, _ok_schema(doc, "/api/v1/auth/user/current"))
    assert {"Name", "Email", "EmailVerified", "CreatedAt", "Locked", "EnableTOTP"} <= set(user["properties"])
    assert set(user["required"]) == {"Name", "Email", "EmailVerified"}
    assert user["properties"]["Email"]["description"]
    users = _component(doc, _ok_schema(doc, "/api/v1/auth/user/show"))
    assert users["type"] == "array" and users["items"]["$ref"].endswith("/User")
    assert set(_component(doc, _ok_schema(doc, "/api/v1/login"))["properties"]) == {"token", "admin"}
    assert _component(doc, _ok_schema(doc, "/api/v1/auth/org/create"))["required"] == ["message"]
    assert _component(doc, _ok_schema(doc, "/api/v1/auth/role/show"))["items"] == {"type": "string"}
    host = _component(doc, _ok_schema(doc, "/api/v1/auth/federation/provider/create"))
    assert set(host["properties"]) == {"ClientId", "ClientKey", "TargetAddr", "TokenUrl"}


@pytest.mark.parametrize("path", ["/api/v1/auth/ctrl/ShowApp", "/api/v1/auth/ctrl/CreateClusterInst",
                                  "/api/v1/auth/federation/consumer/app/onboard", "/api/v1/auth/org/update",
                                  "/api/v1/passwordresetrequest"])
def test_streams_and_empty_answers_declare_no_document(doc, path):
    assert _ok_schema(doc, path) == {}


def test_an_answer_that_drifts_from_its_model_is_caught(developer, monkeypatch):
    from chalicelib.surfaces.mobiledgex import service_users
    assert developer.json("/auth/user/current")[0] == 200 and not contract_check.violations
    real = service_users.current_user
    monkeypatch.setattr(service_users, "current_user", lambda p: {**real(p), "EmailVerified": "maybe"})
    assert developer.json("/auth/user/current")[0] == 200
    assert len(contract_check.violations) == 1, contract_check.violations
    assert contract_check.violations[0].startswith(
        "POST /api/v1/auth/user/current answered a body that is not its User")
    contract_check.violations.clear()


def test_a_show_row_that_drifts_is_caught(developer, monkeypatch):
    from chalicelib.surfaces.mobiledgex import service_orgs
    real = service_orgs.show
    monkeypatch.setattr(service_orgs, "show", lambda *a: [{**o, "Type": 7} for o in real(*a)])
    assert developer.json("/auth/org/show")[0] == 200
    assert len(contract_check.violations) == 1, contract_check.violations
    assert "not its Organizations" in contract_check.violations[0]
    contract_check.violations.clear()


def test_flavor_resource_changes_answer_an_empty_result(mx_admin, flavor):
    from tests.api.mobiledgex.conftest import REGION
    body = {"Region": REGION, "Flavor": {"key": {"name": flavor}, "opt_res_map": {"gpu": "gpu:1"}}}
    assert mx_admin.json("/auth/ctrl/AddFlavorRes", body) == (200, {})
    assert mx_admin.json("/auth/ctrl/RemoveFlavorRes", body) == (200, {})
    assert not contract_check.violations
