"""Every MobiledgeX route, fed malformed input, answers ``{"message": ...}`` with a 4xx: never a 500; GET is 405."""
from __future__ import annotations

import json

from tests.api.mobiledgex.conftest import REGION

BODIES = ["", "{", "[]", "null", '"text"', '{"Region": 5}', '{"Region": "Mars"}',
          json.dumps({"Region": REGION, "App": 1, "AppInst": [], "Cloudlet": "x", "ClusterInst": {"key": 7},
                      "Flavor": {"ram": "big"}, "CloudletPool": {"cloudlets": {}}, "Network": {"routes": "r"}}),
          json.dumps({"Name": ["x"], "Type": 3, "Email": {}, "org": 1, "username": None, "role": True,
                      "FedHost": 9, "Zones": "z", "permissions": "all", "Id": 5, "token": 1}),
          json.dumps({"region": REGION, "app": {"key": {"organization": "ghost", "name": "a", "version": "1"},
                                               "image_type": 99, "deployment": "kubernetes"},
                      "appinst": {"key": {"name": "i", "organization": "ghost", "cloudlet_key": {"name": "c"}}},
                      "clusterinst": {"key": {"cluster_key": {"name": "-bad"}}, "state": "Ready"},
                      "cloudlet": {"key": {"organization": "ghost", "name": "c"}, "location": {"latitude": 1e308}}})]


def _mx_routes(app):
    for path, methods in app.routes.items():
        if path.startswith("/api/v1/"):
            yield path, methods


def test_no_route_answers_500(app, mx_admin, developer, operator):
    failures = []
    for i, (path, methods) in enumerate(sorted(_mx_routes(app))):
        caller = (mx_admin, developer, operator)[i % 3]
        for body in BODIES:
            r = caller.op(path[len("/api/v1"):], raw=body)
            text = r.body.decode() if isinstance(r.body, bytes) else (r.body or "")
            if r.status_code >= 500:
                failures.append((path, body[:40], r.status_code, text[:160]))
            elif r.status_code >= 400:
                try:
                    ok = isinstance(json.loads(text).get("message"), str)
                except (ValueError, AttributeError):
                    ok = False
                if not ok:
                    failures.append((path, body[:40], r.status_code, "not a {message} body: " + text[:120]))
    assert failures == []


def test_every_route_is_post_only(app, client):
    paths = [p for p, _ in _mx_routes(app)]
    assert len(paths) >= 142
    for path in paths:
        assert set(app.routes[path]) == {"POST"}, path
    r = client.http.get("/api/v1/auth/ctrl/ShowApp")
    assert r.status_code == 405


def test_enums_accept_names_or_integers_and_answer_names(developer, cloudlet, flavor):
    app = {"key": {"organization": developer.org, "name": "enumapp", "version": "1.0"}, "image_type": 1,
           "image_path": "docker.io/library/nginx:latest", "access_ports": "tcp:80",
           "default_flavor": {"name": flavor}, "deployment": "kubernetes"}
    status, body = developer.json("/auth/ctrl/CreateApp", {"Region": REGION, "App": app})
    assert status == 200, body
    _, lines = developer.ctrl("ShowApp", "App", {"key": {"name": "enumapp"}})
    assert lines[0]["data"]["image_type"] == "Docker"
    # a filter may use the integer as well
    _, lines = developer.ctrl("ShowApp", "App", {"image_type": 1})
    assert [line["data"]["key"]["name"] for line in lines] == ["enumapp"]
    status, body = developer.json("/auth/ctrl/CreateApp", {"Region": REGION, "App": {
        **app, "key": {**app["key"], "name": "enumapp2"}, "image_type": 42}})
    assert status == 400 and "invalid" in body["message"].lower()
