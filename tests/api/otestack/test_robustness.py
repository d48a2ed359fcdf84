"""Every ote-stack route, fed malformed input with a valid token and without one: never a 500."""
from __future__ import annotations

import re

import pytest

BODIES = [None, "", "{", "[]", "null", "\"text\"", "123", '{"a": 1}', '{"user": {"$ne": 1}, "password": [1]}',
          '{"appId": [1e308], "projectId": ["x"], "id": -1, "status": 99999999999999999999}',
          '{"clusterName": ["\\u0000"], "clusterLabel": "\\ud800", "nodeName": null}',
          '{"deployName": "' + "a" * 5000 + '", "version": {"x": 1}}']
QUERIES = ["", "?page=-1&pageSize=abc", "?page=99999999999999999999999&pageSize=1000000",
           "?order=sideways&orderBy=%27%3B+DROP", "?appNameMode=regex&appName=.*&editable=x&running=maybe",
           "?field=__class__&projectName=&imageName=%00"]
PARAMS = ["1", "abc", "99999999999999999999999", "%2e%2e", "a" * 300]


def _routes(app):
    """ote-stack's own routes (ServiceStage and MSAP also live under ``/v1/``, with their own envelopes)."""
    for path, methods in app.routes.items():
        for method, entry in methods.items():
            if entry.view_function.__module__.startswith("chalicelib.surfaces.otestack."):
                yield method, path


@pytest.mark.parametrize("with_token", [True, False])
def test_no_route_answers_500(app, sysadmin, make_business, with_token):
    admin, member, _ = make_business()
    callers = [sysadmin, admin, member] if with_token else [sysadmin.with_headers(authorization="")]
    failures = []
    for method, path in _routes(app):
        for i, param in enumerate(PARAMS if "{" in path else PARAMS[:2]):
            concrete = re.sub(r"\{[^}]+\}", param, path)
            caller = callers[i % len(callers)]
            for j, body in enumerate(BODIES):
                query = QUERIES[(i + j) % len(QUERIES)] if method == "GET" else ""
                status, payload = caller.call(method, concrete + query, raw=body if body is not None else None)
                if status >= 500 or not isinstance(payload, dict) or "code" not in payload:
                    failures.append((method, concrete[:60], query, (body or "")[:40], status, str(payload)[:80]))
                if method == "GET":
                    break
    assert failures == []
