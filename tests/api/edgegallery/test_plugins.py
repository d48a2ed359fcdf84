"""EdgeGallery Plugin (group 1): upload, list, delete, downloads, update, score, API content."""
from __future__ import annotations

import io
import zipfile

import pytest

from chalicelib.surfaces.edgegallery.common import new_uuid
from tests.api.edgegallery.test_files import PNG, send

PLUGINS = "/mec/developer/v1/plugins"


def zip_bytes(files: dict | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in (files or {"plugin/main.py": b"print('hi')\n"}).items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data)  # stable bytes, stable hash
    return buf.getvalue()


def fields(**over):
    return {"pluginName": "idea-plugin", "codeLanguage": "java", "pluginType": "1", "version": "1.0",
            "introduction": "an IDE plugin", **over}


def parts(archive: bytes | None = None, **over):
    out = {"pluginFile": ("plugin.zip", archive or zip_bytes()), "logoFile": ("logo.png", PNG),
           "apiFile": ("api.md", b"# Plugin API\n\nGET /things\n")}
    out.update(over)
    return out


def get_bytes(caller, path):
    r = caller.client.http.get(path, headers={**caller.headers, "accept": "*/*"})
    return r.status_code, r.body, r.headers


@pytest.fixture
def plugin(dev):
    status, body = send(dev, "post", PLUGINS, parts(), fields())
    assert status == 200, body
    return body


def test_upload_shape_and_read_back(dev, plugin):
    assert plugin["pluginName"] == "idea-plugin" and plugin["codeLanguage"] == "JAVA"
    assert plugin["pluginType"] == "1" and plugin["satisfaction"] == 3.0 and plugin["scoreCount"] == 0
    assert plugin["downloadCount"] == 0 and plugin["uploadTime"].endswith("Z")
    assert plugin["user"] == {"userId": dev.account.account_id, "userName": dev.account.username}
    for part in ("pluginFile", "logoFile", "apiFile"):
        assert set(plugin[part]) == {"originalFileName", "storageAddress", "fileSize", "hashCode", "name", "size"}
    assert plugin["pluginFile"]["originalFileName"] == "plugin.zip" and len(plugin["pluginFile"]["hashCode"]) == 64
    status, page = dev.get(f"{PLUGINS}?pluginType=1&limit=10&offset=0")
    assert status == 200 and page["total"] == 1 and page["results"][0] == plugin


def test_upload_fields_in_query_and_user_checks(dev, other_dev):
    q = "&".join(f"{k}={v}" for k, v in fields(pluginName="sdk1", pluginType="2", codeLanguage="python").items())
    status, body = send(dev, "post", f"{PLUGINS}?{q}", parts())
    assert status == 200 and body["pluginType"] == "2" and body["codeLanguage"] == "Python"
    status, body = send(dev, "post", PLUGINS, parts(zip_bytes({"a": b"2"})),
                        fields(userId=other_dev.account.account_id))
    assert status == 401 and body["message"] == "Illegal userId"
    status, body = send(dev, "post", PLUGINS, parts(zip_bytes({"a": b"2"})),
                        fields(userId=dev.account.account_id, userName=dev.account.username))
    assert status == 200


def test_upload_validation(dev, guest):
    bad_fields = [fields(codeLanguage="rust"), fields(pluginType="3"), fields(pluginName=""),
                  fields(version="v" * 256), fields(introduction="i" * 2049),
                  {k: v for k, v in fields().items() if k != "version"}]
    for i, f in enumerate(bad_fields):
        status, body = send(dev, "post", PLUGINS, parts(zip_bytes({f"f{i}": b"x"})), f)
        assert status == 400 and body["retCode"] == 20002, (f, body)
    bomb = zip_bytes({f"f{i}": b"" for i in range(1025)})
    bad_files = [(parts(pluginFile=("plugin.tar", zip_bytes())), 20024),
                 (parts(pluginFile=("plugin.zip", b"not a zip at all")), 20024),
                 (parts(pluginFile=("plugin.zip", bomb)), 20030),
                 (parts(pluginFile=("plugin.csar", zip_bytes({"../escape.sh": b"x"}))), 20030),
                 (parts(logoFile=("logo.gif", PNG)), 20024),
                 (parts(logoFile=("logo.png", b"text")), 20024),
                 (parts(apiFile=("api.yaml", b"x")), 20024)]
    for p, ret in bad_files:
        status, body = send(dev, "post", PLUGINS, p, fields())
        assert status == 400 and body["retCode"] == ret, (ret, body)
    # bodies above the platform's 10 MiB request cap never reach the per-part limits: 413 / upload failed
    status, body = send(dev, "post", PLUGINS, parts(logoFile=("logo.png", PNG + b"\x00" * (10 * 1024 * 1024))),
                        fields())
    assert status == 413 and body["retCode"] == 20018
    no_api = parts()
    del no_api["apiFile"]
    assert send(dev, "post", PLUGINS, no_api, fields())[0] == 400
    assert send(guest, "post", PLUGINS, parts(), fields())[0] == 403
    assert dev.post(PLUGINS, {"pluginName": "x"})[0] == 415
    assert dev.get(f"{PLUGINS}?pluginType=1&limit=10&offset=0")[1]["total"] == 0


def test_duplicate_archive_is_rejected(dev, other_dev, plugin):
    status, body = send(other_dev, "post", PLUGINS, parts(), fields(pluginName="copy"))
    assert status == 400 and body["retCode"] == 20004
    assert dev.get(f"{PLUGINS}?pluginType=1&limit=10&offset=0")[1]["total"] == 1
    # once deleted, the same archive may be uploaded again
    assert dev.delete(f"{PLUGINS}/{plugin['pluginId']}") == (200, True)
    assert send(other_dev, "post", PLUGINS, parts(), fields(pluginName="copy"))[0] == 200


def test_list_filters_and_paging(dev, guest):
    for i, (lang, name) in enumerate([("java", "alpha"), ("go", "beta"), ("GO", "alphabet")]):
        assert send(dev, "post", PLUGINS, parts(zip_bytes({f"f{i}": b"x"})),
                    fields(codeLanguage=lang, pluginName=name))[0] == 200
    status, page = guest.get(f"{PLUGINS}?pluginType=1&limit=2&offset=0")
    assert status == 200 and page["total"] == 3 and len(page["results"]) == 2 and page["limit"] == 2
    assert [r["pluginName"] for r in page["results"]] == ["alphabet", "beta"]  # newest first
    assert guest.get(f"{PLUGINS}?pluginType=1&limit=2&offset=2")[1]["results"][0]["pluginName"] == "alpha"
    assert guest.get(f"{PLUGINS}?pluginType=1&codeLanguage=Go&limit=10&offset=0")[1]["total"] == 2
    page = guest.get(f"{PLUGINS}?pluginType=1&pluginName=ALPHA&codeLanguage=go&limit=10&offset=0")[1]
    assert [r["pluginName"] for r in page["results"]] == ["alphabet"]
    assert guest.get(f"{PLUGINS}?pluginType=2&limit=10&offset=0")[1]["total"] == 0
    for q in ("pluginType=3&limit=1&offset=0", "limit=1&offset=0", "pluginType=1&limit=0&offset=0",
              "pluginType=1&limit=x&offset=0", "pluginType=1&limit=1&offset=-1"):
        assert guest.get(f"{PLUGINS}?{q}")[0] == 400, q
    # the documented trailing slash
    assert guest.get(f"{PLUGINS}/?pluginType=1&limit=1&offset=0")[0] == 200


def test_downloads_and_content(dev, guest, plugin):
    pid = plugin["pluginId"]
    status, data, headers = get_bytes(guest, f"{PLUGINS}/{pid}/action/download")
    assert status == 200 and zipfile.ZipFile(io.BytesIO(data)).namelist() == ["plugin/main.py"]
    assert 'filename="plugin.zip"' in headers["Content-Disposition"]
    get_bytes(dev, f"{PLUGINS}/{pid}/action/download")
    page = dev.get(f"{PLUGINS}?pluginType=1&limit=10&offset=0")[1]
    assert page["results"][0]["downloadCount"] == 2
    status, data, headers = get_bytes(guest, f"{PLUGINS}/{pid}/action/get-apifile")
    assert status == 200 and data.startswith(b"# Plugin API") and "api.md" in headers["Content-Disposition"]
    status, data, _ = get_bytes(guest, f"{PLUGINS}/{pid}/action/get-logofile")
    assert status == 200 and data == PNG
    r = guest.client.http.get(f"{PLUGINS}/{pid}/action/content", headers=guest.headers)
    assert r.status_code == 200 and r.body.decode().startswith("# Plugin API")
    assert r.headers["Content-Type"].startswith("text/plain")
    for suffix in ("action/download", "action/get-apifile", "action/content"):
        assert get_bytes(dev, f"{PLUGINS}/{new_uuid()}/{suffix}")[0] == 404
        assert get_bytes(dev, f"{PLUGINS}/bad-id/{suffix}")[0] == 400


def test_update_replaces_files_and_resets_rating(dev, other_dev, guest, plugin):
    pid = plugin["pluginId"]
    assert dev.put(f"{PLUGINS}/{pid}/action/score?score=5")[0] == 200
    new_zip = zip_bytes({"v2/main.py": b"print(2)"})
    status, body = send(dev, "put", f"{PLUGINS}/{pid}", {"pluginFile": ("v2.csar", new_zip)},
                        {"version": "2.0", "introduction": "better"})
    assert status == 200, body
    assert body["version"] == "2.0" and body["introduction"] == "better" and body["pluginName"] == "idea-plugin"
    assert body["satisfaction"] == 3.0 and body["scoreCount"] == 0
    assert body["pluginFile"]["originalFileName"] == "v2.csar" and body["logoFile"] == plugin["logoFile"]
    assert get_bytes(dev, f"{PLUGINS}/{pid}/action/download")[1] == new_zip
    # the old archive is free again, the new one is taken
    assert send(dev, "post", PLUGINS, parts(), fields(pluginName="old"))[0] == 200
    other_zip = zip_bytes({"z": b"z"})
    assert send(dev, "post", PLUGINS, parts(other_zip), fields(pluginName="z"))[0] == 200
    status, body = send(dev, "put", f"{PLUGINS}/{pid}", {"pluginFile": ("x.zip", other_zip)}, {})
    assert status == 400 and body["retCode"] == 20004
    # errors
    assert send(dev, "put", f"{PLUGINS}/{pid}", {}, {"pluginType": "9"})[0] == 400
    assert send(dev, "put", f"{PLUGINS}/{pid}", {"logoFile": ("l.exe", b"MZ")}, {})[0] == 400
    assert send(other_dev, "put", f"{PLUGINS}/{pid}", {}, {"version": "3"})[0] == 403
    assert send(guest, "put", f"{PLUGINS}/{pid}", {}, {"version": "3"})[0] == 403
    assert send(dev, "put", f"{PLUGINS}/{new_uuid()}", {}, {"version": "3"})[0] == 404
    got = dev.get(f"{PLUGINS}?pluginType=1&pluginName=idea&limit=10&offset=0")[1]["results"][0]
    assert got["version"] == "2.0"


def test_score(dev, other_dev, guest, plugin):
    pid = plugin["pluginId"]
    status, body = other_dev.put(f"{PLUGINS}/{pid}/action/score?score=4&userId={other_dev.account.account_id}"
                                 f"&userName={other_dev.account.username}")
    assert status == 200 and body["satisfaction"] == 4.0 and body["scoreCount"] == 1
    status, body = dev.put(f"{PLUGINS}/{pid}/action/score?score=1")
    assert body["satisfaction"] == 2.5 and body["scoreCount"] == 2
    for q in ("score=6", "score=-1", "score=2.5", "score=x", ""):
        status, body = dev.put(f"{PLUGINS}/{pid}/action/score?{q}")
        assert status == 400 and body["retCode"] == 20002, q
    assert dev.put(f"{PLUGINS}/{pid}/action/score?score=3&userId={new_uuid()}")[0] == 401
    assert guest.put(f"{PLUGINS}/{pid}/action/score?score=3")[0] == 403
    assert dev.put(f"{PLUGINS}/{new_uuid()}/action/score?score=3")[0] == 404
    assert dev.get(f"{PLUGINS}?pluginType=1&limit=10&offset=0")[1]["results"][0]["scoreCount"] == 2


def test_delete(dev, other_dev, guest, eg_admin, plugin):
    pid = plugin["pluginId"]
    assert other_dev.delete(f"{PLUGINS}/{pid}")[0] == 403
    assert guest.delete(f"{PLUGINS}/{pid}")[0] == 403
    assert dev.get(f"{PLUGINS}?pluginType=1&limit=10&offset=0")[1]["total"] == 1
    assert eg_admin.delete(f"{PLUGINS}/{pid}") == (200, True)
    assert dev.get(f"{PLUGINS}?pluginType=1&limit=10&offset=0")[1]["total"] == 0
    assert get_bytes(dev, f"{PLUGINS}/{pid}/action/download")[0] == 404
    assert dev.delete(f"{PLUGINS}/{pid}")[0] == 404
    assert dev.delete(f"{PLUGINS}/NOT-A-UUID")[0] == 400
