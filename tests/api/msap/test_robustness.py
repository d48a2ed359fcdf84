"""Every MSAP route, fed malformed input by a signed-in caller, answers the MSAP envelope with a 4xx: never a 500,
never another API's error format."""
from __future__ import annotations

import json

from chalicelib.surfaces.msap import blueprints

BODIES = [None, "{", "[]", "null", '"text"', json.dumps({
    "projectId": 5, "appId": ["x"], "envId": {"a": 1}, "name": "N" * 300, "replicas": "many", "podNum": -3,
    "deploySource": "moon", "items": "x", "userIds": "Array", "userList": {}, "servicesPorts": [{"port": "x"}],
    "deploymentStrategy": {"batchList": "x"}, "pageNum": "x", "permissionId": "abc", "members": [1],
    "resourceList": [None], "instIdList": 7, "envVariableList": [{"name": 1}], "podResourceSpec": "big"}),
    json.dumps({"projectId": "00000000-0000-0000-0000-000000000000", "appId": "nope", "envId": "nope",
                "appDeployId": "nope", "changeOrderId": "nope", "pipelineOrderId": "nope", "pipelineRecordId": "nope",
                "configMapId": "nope", "id": "nope", "permissionId": 99999, "appGroupId": "nope", "instId": "nope",
                "namespaceName": "nope", "pipelineId": "nope", "replicas": 1, "name": "abc"})]
QUERIES = ["", "?projectId=nope&appId=nope&envId=nope&appDeployId=nope&changeOrderId=nope&pageNum=x&pageSize=-1",
           "?projectId=" + "x" * 300 + "&pageNum=0&instId=..%2F..&resPoolId=%00&packageId=nope&imageId=nope"]


def _msap_routes(app):
    names = {bp.name for bp in blueprints.ALL} if hasattr(blueprints.ALL[0], "name") else set()
    for path, methods in sorted(app.routes.items()):
        for method, entry in methods.items():
            if entry.view_function.__module__.startswith("chalicelib.surfaces.msap"):
                yield path, method
    del names


def test_no_route_answers_500(app, ms):
    failures, seen = [], 0
    for path, method in _msap_routes(app):
        seen += 1
        cases = [(q, None) for q in QUERIES] if method == "GET" else [("", b) for b in BODIES]
        for q, b in cases:
            if method == "GET":
                r = ms.client.http.get(path + q, headers=ms._headers())
            else:
                r = ms.client.http.post(path, headers=ms._headers(), body=b or "")
            if r.status_code >= 500:
                failures.append((method, path, q[:40], (b or "")[:40], r.status_code, r.body[:200]))
                continue
            if r.status_code >= 400:
                try:
                    env = json.loads(r.body)
                except ValueError:
                    env = None
                if not (isinstance(env, dict) and env.get("code") == "500" and env.get("data") == ""
                        and env.get("msg")):
                    failures.append((method, path, "bad error body", r.status_code, r.body[:200]))
    assert seen >= 10 and failures == []
