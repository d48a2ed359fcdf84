"""ote-stack and MSAP share ``/v1/app`` on one port: ote-stack's ``GET /v1/app/{appId}`` is a variable sibling of
MSAP's static ``/v1/app/<operation>`` paths. A static path wins (Chalice's matcher and API Gateway alike), so every
MSAP GET under /v1/app answers MSAP, and ote-stack keeps its own application reads."""
import json

import pytest

from chalicelib.identity import tokens

MSAP_APP_GETS = sorted({
    "/v1/app/getApplicationListPage", "/v1/app/listBuildEnvs", "/v1/app/listRuntimeEnvs",
    "/v1/app/group/listApplicationGroups", "/v1/app/inst/describeAppInstanceList", "/v1/app/inst/getAppDeployment",
    "/v1/app/inst/getChangeOrderInfo", "/v1/app/inst/getK8sApplication", "/v1/app/inst/getK8sApplicationStatus",
    "/v1/app/inst/getK8sServices", "/v1/app/inst/listApplication", "/v1/app/inst/listRecentChangeOrder",
    "/v1/app/inst/listHistoryDeployVersion"})


def test_every_msap_get_under_v1_app_is_registered(app):
    gets = {p for p, methods in app.routes.items() if p.startswith("/v1/app/") and "GET" in methods
            and "{" not in p}
    assert gets == set(MSAP_APP_GETS)


@pytest.mark.parametrize("path", MSAP_APP_GETS)
def test_msap_static_path_wins_over_otestack_app_id(client, path):
    r = client.http.get(path)  # no token: MSAP's own 401 envelope, not ote-stack's
    assert r.status_code == 401
    assert json.loads(r.body) == {"code": "401", "data": "", "msg": "用户鉴权失败"}


def test_msap_answers_with_a_token(ms):
    data = ms.ok_get("/v1/app/listBuildEnvs", buildEnvLabel="JAVA")
    assert data and all(b["buildEnvLabel"] == "JAVA" for b in data)


def test_otestack_app_id_still_reaches_otestack(client):
    token, _ = tokens.issue("admin", "otestack")
    r = client.http.get("/v1/app/some-unknown-app-id", headers={"Authorization": token})
    body = json.loads(r.body)
    assert "msg" not in body  # ote-stack's own format, not MSAP's envelope
    assert r.status_code in (400, 404, 422) and "code" in body and "message" in body
    r = client.http.get("/v1/app")  # ote-stack's list without a token: ote-stack's 401
    assert r.status_code == 401 and "message" in json.loads(r.body)
