"""The documented request bodies of the ServiceStage document (``bodies_cas`` / ``bodies_cse``): a field of the
wrong type is refused before the services run, in the sub-API's own error format and code, and nothing is
created or changed; the generated OpenAPI document publishes the model as the operation's schema."""
from __future__ import annotations

import pytest

from chalicelib.openapi import generate
from chalicelib.surfaces.servicestage.iam import SsCredential

V2_ENVS = "/v2/{project_id}/cas/environments"
V3_APPS = "/v3/{project_id}/cas/applications"
MS = "/v4/{project_id}/registry/microservices"
KV = "/v1/{project_id}/kie/kv"
AUTHS = "/v1/{project_id}/git/auths"
CREDENTIALS = "/v3.0/OS-CREDENTIAL/credentials"


def test_v3_application_wrong_types_answer_servicestage_400_and_change_nothing(ss_user):
    status, err = ss_user.post(V3_APPS, {"name": "shop", "labels": {"key": "k", "value": "v"}})
    assert status == 400 and set(err) == {"error_code", "error_msg"}
    assert err["error_code"] == "SVCSTG.00100400" and "labels" in err["error_msg"]
    assert ss_user.get(V3_APPS)[1]["count"] == 0

    status, app = ss_user.post(V3_APPS, {"name": "shop", "description": "before"})
    assert status == 200
    status, err = ss_user.put(f"{V3_APPS}/{app['id']}", {"description": 42})
    assert status == 400 and err["error_code"] == "SVCSTG.00100400" and "description" in err["error_msg"]
    assert ss_user.get(f"{V3_APPS}/{app['id']}")[1]["description"] == "before"


def test_v2_environment_nested_wrong_type_is_named_and_nothing_created(ss_user):
    body = {"name": "dev-env", "deploy_mode": "container", "vpc_id": "vpc-1",
            "base_resources": [{"id": "cce-1", "type": 7}]}
    status, err = ss_user.post(V2_ENVS, body)
    assert status == 400 and err["error_code"] == "SVCSTG.00100400"
    assert "base_resources.0.type" in err["error_msg"]
    assert ss_user.get(V2_ENVS)[1] == {"count": 0, "environments": []}


def test_registry_microservice_wrong_type_answers_registry_400(ss_user):
    status, err = ss_user.post(MS, {"service": {"appId": "shop", "serviceName": "orders",
                                                "schemas": "one-schema"}})
    assert status == 400 and set(err) == {"errorCode", "errorMessage", "detail"}
    assert err["errorCode"] == "400001" and err["errorMessage"] == "Invalid parameter(s)"
    assert "service.schemas" in err["detail"]
    assert ss_user.get(MS)[1]["services"] == []
    # an empty body is still the service's own "service is required"
    status, err = ss_user.call("POST", MS, raw_body=b"")
    assert status == 400 and err["errorCode"] == "400001" and "service" in err["detail"]


def test_kie_wrong_type_answers_config_centre_code(ss_user):
    status, err = ss_user.post(KV, {"key": "timeout", "value": "3s", "labels": {"app": 5}})
    assert status == 400 and set(err) == {"error_code", "error_message", "detail"}
    assert err["error_code"] == "400001" and "labels.app" in err["detail"]
    assert ss_user.get(KV)[1]["total"] == 0


def test_git_authorization_wrong_type_answers_repo_code(ss_user):
    status, err = ss_user.post(AUTHS + "/edgeplane/personal", {"name": "local", "token": 12345})
    assert status == 400 and err["error_code"] == "SVCSTG.REPO.0400" and "token" in err["error_msg"]
    assert ss_user.get(AUTHS)[1]["count"] == 0


def test_iam_credential_wrong_type_answers_iam_error_and_creates_no_key(ss_user):
    before = len(list(SsCredential.gsi1.query(f"ACCT#{ss_user.username}#SSAK")))
    status, err = ss_user.post(CREDENTIALS, {"credential": {"user_id": ss_user.account_id, "description": ["ci"]}})
    assert status == 400 and set(err) == {"error"}
    assert err["error"]["code"] == 400 and err["error"]["title"] == "Bad Request"
    assert "credential.description" in err["error"]["message"]
    assert len(list(SsCredential.gsi1.query(f"ACCT#{ss_user.username}#SSAK"))) == before


def test_cse_engine_field_keeps_its_documented_code(ss_user):
    status, err = ss_user.post("/v2/{project_id}/enginemgr/engines", {"name": "engine-1", "azList": "az1"})
    assert status == 400 and err["errorCode"] == "SVCSTG.00501105" and "azList" in err["detail"]


@pytest.fixture(scope="module")
def servicestage_doc():
    from app import app
    return generate.documents(app)["servicestage"]


def _body_schema(doc, path: str, method: str) -> dict:
    media = doc["paths"][path][method]["requestBody"]["content"]["application/json"]
    return doc["components"]["schemas"][media["schema"]["$ref"].rsplit("/", 1)[-1]]


def test_document_publishes_the_documented_properties(servicestage_doc):
    doc = servicestage_doc
    comp = _body_schema(doc, "/v3/{project_id}/cas/applications/{application_id}/components", "post")
    assert {"name", "runtime_stack", "source", "build", "version", "replica", "envs", "storages",
            "deploy_strategy", "liveness_probe", "refer_resources", "external_accesses",
            "environment_id"} <= set(comp["properties"])
    ms = _body_schema(doc, "/v4/{project_id}/registry/microservices", "post")
    assert set(ms["properties"]) >= {"service", "rules", "instances", "tags"}
    service = doc["components"]["schemas"]["MicroService"]
    assert {"serviceName", "appId", "version", "schemas", "framework", "paths"} <= set(service["properties"])
    # a key that is not a Python name is published as sent
    schema = _body_schema(doc, "/v4/{project_id}/registry/microservices/{service_id}/schemas/{schema_id}", "put")
    assert set(schema["properties"]) == {"schema", "summary"}
    # every JSON body of the document is a published model
    free = [(m, p) for p, item in doc["paths"].items() for m, op in item.items()
            if "application/json" in (op.get("requestBody") or {}).get("content", {})
            and "$ref" not in str(op["requestBody"]["content"]["application/json"]["schema"])]
    assert free == []
