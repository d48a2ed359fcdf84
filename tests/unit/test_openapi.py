"""The published contracts: one OpenAPI 3.1 document per API, generated from the registered routes and models.

A route that is registered but missing from its document, or a documented endpoint of the catalogue missing from
the document of its API, fails here; so does a document that is not valid OpenAPI.
"""
from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from chalicelib.openapi import generate

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT.parent / "shared" / "catalog" / "routes.tsv"
APIS = ["edgegallery", "edgeplane", "mobiledgex", "msap", "otestack", "servicestage"]


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path.rstrip("/") or "/")


@pytest.fixture(scope="module")
def chalice_app():
    from app import app
    return app


@pytest.fixture(scope="module")
def docs(chalice_app):
    return generate.documents(chalice_app)


def _ops(doc) -> set[tuple[str, str]]:
    return {(m.upper(), _shape(p)) for p, item in doc["paths"].items() for m in item}


def test_one_document_per_api_and_each_is_valid_openapi(docs):
    assert sorted(docs) == APIS
    for api, doc in docs.items():
        validate(doc)  # raises on an invalid document
        assert doc["openapi"] == "3.1.0", api


def test_every_registered_route_is_in_exactly_its_apis_document(chalice_app, docs):
    for op in generate.operations(chalice_app):
        key = (op.method, _shape(op.path))
        holders = [api for api, doc in docs.items() if key in _ops(doc)]
        expected = APIS if op.api == generate.SHARED else [op.api]
        assert holders == expected, (key, holders)
    registered = {(m.upper(), _shape(p)) for p, ms in chalice_app.routes.items() for m in ms}
    assert set().union(*(_ops(d) for d in docs.values())) == registered


@pytest.mark.skipif(not CATALOG.exists(), reason="the catalogue (../shared) is not beside this checkout")
def test_every_catalogued_endpoint_is_in_the_document_of_its_platform(docs):
    missing = []
    with open(CATALOG, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    for row in rows:
        ops = _ops(docs[row["surface"]])
        paths = [row["path"]] + [p for p in row["alt_paths"].split(",") if p]
        if not any((row["method"], _shape(p)) in ops for p in paths):
            missing.append((row["id"], row["method"], row["path"]))
    assert len(rows) == 551
    assert missing == []


def test_request_models_are_the_ones_the_handlers_validate_with(docs):
    from chalicelib.surfaces.msap import service_app
    from chalicelib.surfaces.otestack import models as ote

    ms = docs["msap"]
    op = ms["paths"]["/v1/app/group/insertApplicationGroup"]["post"]
    ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    name = ref.rsplit("/", 1)[-1]
    assert ms["components"]["schemas"][name]["required"] == service_app.NewGroup.model_json_schema()["required"]
    q = {p["name"]: p for p in ms["paths"]["/v1/app/group/listApplicationGroups"]["get"]["parameters"]}
    assert q["projectId"]["required"] is True and q["projectId"]["in"] == "query"

    # MobiledgeX: the wrapper schema the Go-style decoder uses, with the inner object's fields
    mx = docs["mobiledgex"]
    body = mx["paths"]["/api/v1/auth/ctrl/CreateApp"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    wrapper = mx["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
    assert {"Region", "App"} <= set(wrapper["properties"])
    app_schema = mx["components"]["schemas"][wrapper["properties"]["App"]["$ref"].rsplit("/", 1)[-1]]
    assert "image_path" in app_schema["properties"]

    # ote-stack: a pydantic body model
    os_ = docs["otestack"]
    login = os_["paths"]["/v1/authorization"]["post"]
    assert login["security"] == []  # public
    schema = login["requestBody"]["content"]["application/json"]["schema"]
    comp = os_["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    assert set(comp["properties"]) == set(ote.Login.model_json_schema()["properties"]) >= {"user", "password"}


# APIs whose every JSON request body is a published model (none is "JSON of any shape")
MODELLED_BODIES = APIS  # every API


def _json_bodies(doc):
    for path, item in doc["paths"].items():
        for method, op in item.items():
            media = (op.get("requestBody") or {}).get("content", {})
            if "application/json" in media:
                yield method.upper(), path, media["application/json"]["schema"]


@pytest.mark.parametrize("api", MODELLED_BODIES)
def test_every_json_request_body_is_a_published_model(docs, api):
    free = [(m, p) for m, p, schema in _json_bodies(docs[api]) if "$ref" not in json.dumps(schema)]
    assert free == []


def test_bodies_are_documented_as_the_handlers_read_them(docs):
    # a form upload is multipart/form-data, not JSON
    chart = docs["otestack"]["paths"]["/v1/app/chart"]["post"]["requestBody"]["content"]
    assert set(chart) == {"multipart/form-data"}
    chunk = docs["edgegallery"]["paths"]["/mec/developer/v2/vmimages/{imageId}/action/upload"]["post"]
    assert set(chunk["requestBody"]["content"]) == {"multipart/form-data"}
    # an action that reads no body documents none
    assert "requestBody" not in docs["otestack"]["paths"]["/v1/authorization"]["put"]
    assert "requestBody" not in docs["mobiledgex"]["paths"]["/api/v1/auth/user/current"]["post"]
    # a body read as raw JSON whatever its Content-Type still names its schema
    mx = docs["mobiledgex"]
    ref = mx["paths"]["/api/v1/auth/alertreceiver/create"]["post"]["requestBody"]["content"]["application/json"]
    receiver = mx["components"]["schemas"][ref["schema"]["$ref"].rsplit("/", 1)[-1]]
    assert {"Name", "Type", "Severity", "Email"} <= set(receiver["properties"])


def test_errors_are_documented_in_each_platforms_format_and_no_500(docs):
    expected = {"otestack": "OteError", "edgegallery": "EgError", "mobiledgex": "MxError", "msap": "MsError",
                "edgeplane": "EpError"}
    for api, doc in docs.items():
        for path, item in doc["paths"].items():
            for method, op in item.items():
                codes = set(op["responses"])
                assert "2XX" in codes and "4XX" in codes, (api, method, path)
                assert not any(c.startswith("5") for c in codes - {"503"}), (api, method, path)  # 503: retry
                schema = op["responses"]["4XX"]["content"]["application/json"]["schema"]["$ref"]
                if path.startswith("/edgeplane/openapi"):
                    assert schema.endswith("/EpError")
                elif api in expected:
                    assert schema.endswith("/" + expected[api]), (api, path, schema)
                else:
                    assert schema.rsplit("/", 1)[-1] in {"SsError", "CseConfigError", "RegistryError", "IamError"}


def test_authenticated_operations_name_their_schemes(docs):
    for api, doc in docs.items():
        schemes = doc["components"]["securitySchemes"]
        assert schemes, api
        for item in doc["paths"].values():
            for op in item.values():
                for requirement in op.get("security", []):
                    assert set(requirement) <= set(schemes)
    ss = docs["servicestage"]["paths"]["/v3/{project_id}/cas/environments"]["post"]["security"]
    assert {"iamToken"} in [set(r) for r in ss] and {"akskSignature"} in [set(r) for r in ss]


def test_documents_are_served_at_the_documented_path(client, docs):
    r = client.http.get("/edgeplane/openapi")
    assert r.status_code == 200
    listed = json.loads(r.body)["apis"]
    assert [a["name"] for a in listed] == APIS
    for entry in listed:
        r = client.http.get(entry["openapi"])
        assert r.status_code == 200
        assert json.loads(r.body) == json.loads(json.dumps(docs[entry["name"]]))
    r = client.http.get("/edgeplane/openapi/nosuchapi")
    assert r.status_code == 404 and json.loads(r.body)["error"]["code"] == "not_found"


def test_make_openapi_writes_the_documents(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "chalicelib.openapi", str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.stem for p in tmp_path.glob("*.json")) == APIS
    doc = json.loads((tmp_path / "msap.json").read_text())
    assert "/v1/env/listEvnK8s" in doc["paths"] and "/v1/env/listEnvK8s" in doc["paths"]


def test_a_package_serves_only_its_own_document(tmp_path):
    code = ("import json; from chalice.test import Client; from app import app\n"
            "with Client(app) as c:\n"
            "    print(json.dumps([c.http.get('/edgeplane/openapi').body.decode(),"
            " c.http.get('/edgeplane/openapi/msap').status_code]))")
    env = {"EDGEPLANE_SURFACES": "otestack", "EDGEPLANE_STAGE": "test", "PATH": "/usr/bin:/bin",
           "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    index, other = json.loads(proc.stdout.strip().splitlines()[-1])
    assert [a["name"] for a in json.loads(index)["apis"]] == ["otestack"]
    assert other == 404


def test_declared_response_models_are_published_and_every_answer_is_checked(docs, api, monkeypatch):
    """An endpoint's ``returns`` model is its 2XX schema; the harness (tests/contract_check.py) checks every answer
    the suite sees against it, so an answer that drifts from the document is caught."""
    from chalicelib.surfaces.edgeplane import service
    from tests import contract_check
    ep = docs["edgeplane"]
    ok = ep["paths"]["/edgeplane/v1/users"]["get"]["responses"]["2XX"]["content"]["application/json"]["schema"]
    users = ep["components"]["schemas"][ok["$ref"].rsplit("/", 1)[-1]]
    assert set(users["properties"]) == {"users", "next"}
    assert api.get("/edgeplane/v1/health")[0] == 200 and not contract_check.violations
    monkeypatch.setattr(service, "health", lambda: {"status": "ok", "store": "maybe", "time": 0})
    assert api.get("/edgeplane/v1/health")[0] == 200
    assert len(contract_check.violations) == 1, contract_check.violations
    assert contract_check.violations[0].startswith("GET /edgeplane/v1/health answered a body that is not its Health")
    contract_check.violations.clear()


def test_a_model_named_like_a_schema_table_fails_the_generation():
    from pydantic import BaseModel
    schemas = generate._Schemas()
    schemas.custom("x", lambda v: ({"$ref": "#/components/schemas/OrmapiUser"}, {"OrmapiUser": {"type": "object"}}))

    class OrmapiUser(BaseModel):
        Name: str
    schemas.model(OrmapiUser)
    with pytest.raises(ValueError, match="OrmapiUser"):
        schemas.finish()
