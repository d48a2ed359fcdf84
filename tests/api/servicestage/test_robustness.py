"""Every ServiceStage/CSE/ServiceComb route, fed malformed input by a signed-in caller, answers in its family's
error format with a 4xx: never a 500."""
from __future__ import annotations

import json
import re

BODIES = [None, "{", "[]", "null", '"text"', '{"name": 5, "limit": -1, "offset": "x"}',
          json.dumps({"name": "a" * 300, "environment_id": 7, "deploy_mode": "moon", "replica": "many",
                      "base_resources": "cce", "source": {"kind": 1}, "services": {}, "instance": [],
                      "key": "", "labels": "x", "action": None, "credential": {"user_id": 1}})]
PARAMS = ["00000000-0000-0000-0000-000000000000", "x" * 70, "..%2F..", "1"]
IAM = {"/v3/auth/tokens", "/v3/projects", "/v3.0/OS-CREDENTIAL/credentials", "/v4/token"}
QUERY = "?limit=abc&offset=-5&order_by=hack&order=sideways&rev=x&type=bogus&revision=-1&force=maybe"


def _shape_ok(path: str, body) -> bool:
    if not isinstance(body, dict):
        return False
    keys = set(body)
    return bool(keys & {"error_code", "errorCode", "error"})


def test_no_route_answers_500(app, ss_user):
    failures = []
    for path, methods in sorted(app.routes.items()):
        if "{project_id}" not in path and path not in IAM:
            continue
        for method in methods:
            for i, param in enumerate(PARAMS if path.count("{") > 1 else PARAMS[:1]):
                concrete = re.sub(r"\{project_id\}", ss_user.project, path)
                concrete = re.sub(r"\{[^}]+\}", param, concrete)
                for body in BODIES if method not in ("GET", "DELETE") else [None]:
                    r = ss_user.raw(method, concrete + QUERY, raw_body=(body or "").encode(),
                                    headers={"X-Repo-Auth": "none", "x-engine-id": "none"})
                    if r.status_code >= 500:
                        failures.append((method, concrete[:90], (body or "")[:30], r.status_code, r.body[:160]))
                    elif r.status_code >= 400 and r.body:
                        try:
                            parsed = json.loads(r.body)
                        except ValueError:
                            parsed = None
                        if not _shape_ok(path, parsed):
                            failures.append((method, concrete[:90], "bad error body", r.status_code, r.body[:160]))
    assert failures == []
