"""Oversized bodies and uploads on all five APIs.

Bodies: one byte above ``settings().max_body_bytes`` on a create route of every API (and of edgeplane's admin
API) is answered 413 in that platform's error shape (otestack ``{code: 413, message}``, edgegallery
``{code, message, retCode: 20018, ...}``, mobiledgex ``{message}``, servicestage ``{error_code, error_msg}`` and
ServiceComb ``{errorCode, errorMessage, detail}``, msap ``{code: "500", data: "", msg}``) before anything is
parsed or stored; the tenant's list stays as it was. A body exactly at the limit is not refused for its size.

Uploads (``settings().max_upload_bytes``): otestack's chart upload and edgegallery's file upload answer 413 above
the upload limit with nothing stored; msap's package upload goes to S3 through a presigned POST whose policy caps
the size at the upload limit (asserted on the policy). MobiledgeX and ServiceStage take no file uploads.
"""
from __future__ import annotations

import base64
import json

import pytest

from chalicelib.core import aws
from chalicelib.core.config import settings
from tests.security.conftest import APIS


def _big(n_extra: int = 1) -> bytes:
    """A JSON object body of exactly max_body_bytes + n_extra bytes."""
    head, tail = b'{"name":"big","description":"', b'"}'
    size = settings().max_body_bytes + n_extra
    return head + b"a" * (size - len(head) - len(tail)) + tail


def _post(client, path, headers, data):
    r = client.http.post(path, headers={"content-type": "application/json", **headers}, body=data)
    return r.status_code, json.loads(r.body) if r.body else None


@pytest.mark.parametrize("world", APIS, indirect=True)
def test_body_above_the_limit_is_413_and_nothing_is_stored(world):
    n, a = world.name, world.a
    before = world.snapshot()
    data = _big()
    if n == "otestack":
        st, out = _post(a.client, "/v1/app", world.extra["member"].headers, data)
        assert st == 413 and out["code"] == 413 and out["message"], out
    elif n == "edgegallery":
        st, out = _post(a.client, "/mec/developer/v2/applications", a.headers, data)
        assert st == 413 and out["retCode"] == 20018 and {"code", "message", "path"} <= set(out), out
    elif n == "mobiledgex":
        r = a.op("/auth/ctrl/CreateApp", raw=data.decode())
        out = json.loads(r.body)
        assert r.status_code == 413 and set(out) == {"message"}, out
    elif n == "servicestage":
        r = a.raw("POST", f"/v3/{a.project}/cas/applications", raw_body=data)
        out = json.loads(r.body)
        assert r.status_code == 413 and set(out) >= {"error_code", "error_msg"}, out
        r = a.raw("POST", f"/v4/{a.project}/registry/microservices", raw_body=data)
        out = json.loads(r.body)
        assert r.status_code == 413 and set(out) == {"errorCode", "errorMessage", "detail"}, out
    else:
        st, out = a.post("/v1/project/createProject", raw=data)
        assert st == 413 and out["code"] != "200" and out["msg"], out
    assert world.snapshot() == before


def test_body_at_the_limit_is_not_refused_for_size(api):
    from tests.security.conftest import otestack_world
    w = otestack_world(api)
    st, out = _post(api.client, "/v1/app", w.extra["member"].headers, _big(0))
    assert st == 422 and out["code"] == 422, out  # parsed and validated (the odd body is invalid), not cut off


def test_edgeplane_admin_api_body_limit(edgeplane_admin):
    st, out = _post(edgeplane_admin.client, "/edgeplane/v1/users", edgeplane_admin.headers, _big())
    assert st == 413, out
    st, users = edgeplane_admin.get("/edgeplane/v1/users")
    assert "big" not in json.dumps(users)


def test_otestack_chart_above_the_upload_limit(api):
    from tests.api.otestack.helpers import chart_tgz, multipart_body
    from tests.security.conftest import otestack_world
    import os
    w = otestack_world(api)
    member, info = w.extra["member"], w.extra["info"]
    before = member.get("/v1/app")[1]["total"]
    big = chart_tgz("demo", extra={"demo/blob.bin": os.urandom(settings().max_upload_bytes + 1024)})
    assert len(big) > settings().max_upload_bytes
    ct, body = multipart_body({"appName": "demo", "version": "0.1"}, {"chart": ("demo.tgz", big)})
    r = member.client.http.post("/v1/app/chart", headers={**member.headers, "content-type": ct}, body=body)
    out = json.loads(r.body)
    assert r.status_code == 413 and out["code"] == 413, out
    assert member.get("/v1/app")[1]["total"] == before
    keys = aws.client("s3").list_objects_v2(Bucket=settings().bucket,
                                            Prefix=f"tenant/{info['tenant']}/otestack/charts/").get("Contents", [])
    assert keys == []


def test_edgegallery_file_above_the_upload_limit(api):
    from tests.api.edgegallery.conftest import PNG, developer
    dev = developer(api)
    data = PNG + b"\x00" * (settings().max_upload_bytes + 1)
    boundary = "secBig"
    raw = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.png\"\r\n"
           f"Content-Type: image/png\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    assert len(raw) < settings().max_body_bytes  # the upload limit, not the body limit, refuses it
    r = api.client.http.post("/mec/developer/v2/upload-files?fileType=icon", body=raw, headers={
        **dev.headers, "content-type": f"multipart/form-data; boundary={boundary}"})
    out = json.loads(r.body)
    assert r.status_code in (400, 413) and out["retCode"] == 20018, out
    keys = aws.client("s3").list_objects_v2(Bucket=settings().bucket,
                                            Prefix=f"tenant/{dev.account.account_id}/").get("Contents", [])
    assert keys == []


def test_msap_package_upload_is_capped_by_the_presigned_policy(client):
    from tests.api.msap.conftest import main_account
    from tests.api.msap.test_apps import make_app
    ms = main_account(client)
    pid = ms.project()
    app_id = make_app(ms, pid, name="capsvc")
    out = ms.ok_post("/v1/product/createPackageUploadUrl", {"projectId": pid, "appId": app_id,
                                                             "packageName": "cap.war", "packageVer": "1.0.0",
                                                             "packageType": "WAR"})
    assert out["maxBytes"] == settings().max_upload_bytes
    policy = json.loads(base64.b64decode(out["fields"]["policy"]))
    ranges = [c for c in policy["conditions"] if isinstance(c, list) and c[0] == "content-length-range"]
    assert ranges == [["content-length-range", 1, settings().max_upload_bytes]]
