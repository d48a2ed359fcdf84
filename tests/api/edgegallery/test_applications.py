"""EdgeGallery Application (group 3), Health (11), Operation (16), auth and path tolerance."""
from __future__ import annotations

from chalicelib.surfaces.edgegallery.common import new_uuid

APPS = "/mec/developer/v2/applications"


def test_health_is_plain_ok_without_token(api):
    r = api.client.http.get("/health")
    assert r.status_code == 200 and r.body == b"ok"


def test_no_token_is_401_in_the_upstream_error_format(api):
    status, body = api.get(APPS)
    assert status == 401
    assert set(body) == {"timestamp", "code", "error", "message", "path", "retCode", "params", "data"}
    assert body["code"] == 401 and body["error"] == "Unauthorized" and body["retCode"] == 20014
    assert body["message"] == "Access token is empty"


def test_illegal_user_id_parameter(dev):
    status, body = dev.get(f"{APPS}?userId=someone-else&limit=5&offset=0")
    assert status == 401 and body["message"] == "Illegal userId"
    assert dev.get(f"{APPS}?userId={dev.account.account_id}&limit=5&offset=0")[0] == 200


def test_create_get_update_delete(dev, new_app):
    app = new_app(name="camera")
    assert app["status"] == "CREATED" and app["userId"] == dev.account.account_id and app["appClass"] == "CONTAINER"
    assert len(app["id"]) == 36 and app["createTime"].count(":") == 2
    status, got = dev.get(f"{APPS}/{app['id']}")
    assert status == 200 and got["name"] == "camera"
    status, body = dev.put(f"{APPS}/{app['id']}", {"description": "new text", "version": "1.1"})
    assert (status, body) == (200, True)
    got = dev.get(f"{APPS}/{app['id']}")[1]
    assert got["description"] == "new text" and got["version"] == "1.1"
    status, detail = dev.get(f"{APPS}/{app['id']}/detail")
    assert status == 200 and detail["vmApp"] is None and detail["containerApp"]["helmChartList"] == []
    assert dev.delete(f"{APPS}/{app['id']}") == (200, True)
    assert dev.get(f"{APPS}/{app['id']}")[0] == 404


def test_page_envelope_and_name_filter(dev, new_app):
    for n in ("alpha", "beta", "alphabet"):
        new_app(name=n)
    status, body = dev.get(f"{APPS}?name=ALPHA&limit=1&offset=0")
    assert status == 200 and set(body) == {"results", "limit", "offset", "total"}
    assert body["total"] == 2 and len(body["results"]) == 1 and body["limit"] == 1
    assert dev.get(f"{APPS}?limit=0&offset=0")[0] == 400
    assert dev.get(f"{APPS}?limit=x")[0] == 400


def test_validation_and_uniqueness(dev, other_dev, new_app):
    from tests.api.edgegallery.conftest import upload_icon
    base = {"name": "x1", "version": "1.0", "provider": "acme", "appClass": "VM", "iconFileId": upload_icon(dev)}
    for bad in ({"appClass": "LAMBDA"}, {"version": "1" * 11}, {"provider": " x"}, {"name": ""},
                {"architecture": "MIPS"}, {"description": "d" * 129}):
        status, body = dev.post(APPS, {**base, **bad})
        assert status == 400 and body["retCode"] == 20002, bad
    status, body = dev.post(APPS, {k: v for k, v in base.items() if k != "iconFileId"})
    assert status == 404 and body["message"] == "icon file is null" and body["retCode"] == 20016
    for icon in (new_uuid(), upload_icon(other_dev)):  # unknown, or another user's icon
        status, body = dev.post(APPS, {**base, "iconFileId": icon})
        assert status == 404 and body["retCode"] == 20016
    assert dev.post(APPS, base)[0] == 200
    status, body = dev.post(APPS, base)
    assert status == 409
    assert dev.get(f"{APPS}?limit=10&offset=0")[1]["total"] == 1
    assert dev.post(APPS, raw="{broken")[0] == 400


def test_other_users_cannot_see_or_change(dev, other_dev, eg_admin, guest, new_app):
    app = new_app()
    assert other_dev.get(f"{APPS}/{app['id']}")[0] == 404
    assert other_dev.put(f"{APPS}/{app['id']}", {"description": "x"})[0] == 404
    assert other_dev.delete(f"{APPS}/{app['id']}")[0] == 404
    assert other_dev.get(f"{APPS}?limit=10&offset=0")[1]["total"] == 0
    assert eg_admin.get(f"{APPS}/{app['id']}")[0] == 200
    assert guest.post(APPS, {"name": "g", "version": "1", "provider": "p", "appClass": "VM",
                             "iconFileId": new_uuid()})[0] == 403
    assert dev.get(f"{APPS}/{app['id']}")[1]["description"] == "demo"
    assert dev.get(f"{APPS}/not-a-uuid")[0] == 400


def test_trailing_and_double_slashes_are_tolerated(dev, new_app):
    app = new_app()
    assert dev.get(f"{APPS}/?limit=10&offset=0")[1]["total"] == 1
    assert dev.get(f"/mec/developer/v2//applications/{app['id']}")[0] == 200


def test_unknown_operation(dev):
    assert dev.get(f"/mec/developer/v2/operations/{new_uuid()}")[0] == 404
    assert dev.get("/mec/developer/v2/operations//" + new_uuid())[0] == 404
