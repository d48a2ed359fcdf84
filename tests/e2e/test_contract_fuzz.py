"""Schemathesis against each published OpenAPI document, on the local stack over real HTTP.

For every operation of every API, Hypothesis generates requests from the document (valid ones, then invalid ones)
with a signed-in caller of that platform, sends them to the running stack and checks each answer: never a 5xx,
a status the document declares, the declared media type and a body that matches the declared schema (the
platform's error format for every refusal). The example budget is bounded and derandomized, so CI is repeatable:
``EDGEPLANE_FUZZ_EXAMPLES`` (default 2 per operation and mode) raises it for a deeper local run.
"""
from __future__ import annotations

import os
import time
import uuid

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from tests.e2e.conftest import ADMIN_PASSWORD, local_stack

EXAMPLES = int(os.environ.get("EDGEPLANE_FUZZ_EXAMPLES", "2"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
PASSWORD = "Fuzz-Passw0rd!x"
# Operations that end the caller's own session (the rest of the run would be unauthenticated): tested elsewhere.
ENDS_SESSION = {"DELETE /v1/authorization", "DELETE /v1/authorizations"}


@pytest.fixture(scope="module")
def fuzz_stack():
    """A stack of its own: generated requests sign in as the administrators and may change anything."""
    with local_stack() as url:
        yield url


def _admin_token(url: str) -> str:
    r = requests.post(f"{url}/edgeplane/v1/login", json={"username": "admin", "password": ADMIN_PASSWORD}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["token"]


def _new_user(url: str, prefix: str) -> str:
    name = prefix + uuid.uuid4().hex[:8]
    r = requests.post(f"{url}/edgeplane/v1/users", json={"username": name, "password": PASSWORD},
                      headers={"Authorization": "Bearer " + _admin_token(url)}, timeout=30)
    assert r.status_code == 201, r.text
    return name


def _credentials(url: str, api: str) -> tuple[dict, dict]:
    """(headers, fixed path parameters) of a signed-in caller of ``api``."""
    if api == "edgeplane":
        return {"Authorization": "Bearer " + _admin_token(url)}, {}
    if api == "edgegallery":
        return {"access_token": _admin_token(url)}, {}
    if api == "otestack":
        r = requests.post(f"{url}/v1/authorization", json={"user": "admin", "password": ADMIN_PASSWORD}, timeout=30)
        assert r.status_code == 200, r.text
        return {"Authorization": r.json()["token"]}, {}
    if api == "mobiledgex":
        r = requests.post(f"{url}/api/v1/login", json={"username": "admin", "password": ADMIN_PASSWORD}, timeout=30)
        assert r.status_code == 200, r.text
        return {"Authorization": "Bearer " + r.json()["token"]}, {}
    if api == "msap":
        name = _new_user(url, "fuzzms")
        r = requests.post(f"{url}/edgeplane/v1/login", json={"username": name, "password": PASSWORD}, timeout=30)
        return {"Authorization": "Bearer " + r.json()["token"]}, {}
    if api == "servicestage":
        name = _new_user(url, "fuzzss")
        r = requests.post(url + "/v3/auth/tokens", json={"auth": {"identity": {"methods": ["password"], "password": {
            "user": {"name": name, "password": PASSWORD, "domain": {"name": name}}}},
            "scope": {"project": {"name": "default"}}}}, timeout=30)
        assert r.status_code == 201, r.text
        return {"X-Auth-Token": r.headers["X-Subject-Token"]}, {"project_id": r.json()["token"]["project"]["id"]}
    raise AssertionError(api)


def _negatable(op_doc: dict) -> bool:
    """Whether the document constrains anything a negative case could break: a body model, or a query/header
    parameter that is required or typed beyond a free string. (Free path strings and free JSON bodies admit
    every value: Hypothesis would search long for an invalid one and give up.)"""
    for media in (op_doc.get("requestBody") or {}).get("content", {}).values():
        schema = media.get("schema") or {}
        if schema.get("$ref") or schema.get("properties") or schema.get("allOf"):
            return True
    for p in op_doc.get("parameters") or []:
        if p["in"] in ("query", "header") and (p.get("required") or set(p.get("schema") or {}) - {"type"}
                                              or (p.get("schema") or {}).get("type") not in (None, "string")):
            return True
    return False


def _run(operation, mode, url: str, session: requests.Session, headers: dict, path_params: dict) -> None:
    fixed = {k: v for k, v in path_params.items() if "{" + k + "}" in operation.path}

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(operation.as_strategy(generation_mode=mode, path_parameters=fixed or None))
    def check(case):
        case.call_and_validate(base_url=url, session=session, headers=headers, checks=CHECKS, timeout=60)

    check()


@pytest.mark.parametrize("api", ["edgeplane", "otestack", "edgegallery", "mobiledgex", "servicestage", "msap"])
def test_every_operation_keeps_its_contract_under_generated_requests(fuzz_stack, api):
    stack = fuzz_stack
    doc = requests.get(f"{stack}/edgeplane/openapi/{api}", timeout=60).json()
    schema = schemathesis.openapi.from_dict(doc)
    headers, path_params = _credentials(stack, api)
    session = requests.Session()
    failures, ran = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if f"{operation.method.upper()} {operation.path}" in ENDS_SESSION:
            continue
        op_doc = doc["paths"][operation.path][operation.method.lower()]
        modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if _negatable(op_doc) else [])
        for mode in modes:
            t0 = time.perf_counter()
            try:
                _run(operation, mode, stack, session, headers, path_params)
            except Unsatisfiable:
                continue  # nothing in this operation can be made invalid (no parameters, a free-form path value)
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as exc:  # collect every operation's failure (FailureGroup too), report them together
                text = str(exc).strip().splitlines()
                failures.append(f"{operation.method.upper()} {operation.path} [{mode.value}]: "
                                + " | ".join(text[:12]))
            finally:
                if os.environ.get("EDGEPLANE_FUZZ_TIMES"):
                    print(f"{time.perf_counter() - t0:7.2f}s {operation.method.upper()} {operation.path} {mode.value}")
        ran += 1
    assert ran >= 20
    assert not failures, f"{len(failures)} failing:\n" + "\n".join(failures)
