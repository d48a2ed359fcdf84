"""Every EdgeGallery route, fed malformed input, answers in the upstream error format: never a 500."""
from __future__ import annotations

import re

BODIES = [None, "{", "[]", "null", "\"text\"", '{"a": 1}', '{"name": {"$ne": 1}, "limit": -1, "offset": "x"}',
          '{"queryCtrl": {"offset": -9, "limit": 1e308}, "userId": 5, "status": ["x"]}']
PARAMS = ["3f1a0000-0000-4000-8000-000000000001", "abc", "99999999999999999999", "%2e%2e"]
QUERY = "?limit=-1&offset=abc&name=%00&fileType=exe&type=x&filePath=../../etc&identifier=..&chunkNumber=x"


def test_no_route_answers_500(app, dev, eg_admin):
    failures = []
    for path, methods in app.routes.items():
        if not (path.startswith("/mec/") or path == "/health"):
            continue
        for method in methods:
            for i, param in enumerate(PARAMS if "{" in path else PARAMS[:1]):
                concrete = re.sub(r"\{[^}]+\}", param, path)
                caller = (dev, eg_admin)[i % 2]
                # every body with the first parameter, one (rotating) body with each of the others
                bodies = [None] if method == "GET" else (BODIES if i == 0 else [BODIES[i % len(BODIES)]])
                for body in bodies:
                    status, payload = caller.call(method, concrete + QUERY, raw=body,
                                                  headers={"accept": "*/*"})
                    if status >= 500:
                        failures.append((method, concrete[:80], (body or "")[:30], status, str(payload)[:120]))
    assert failures == []
