"""EdgeGallery Upload-files (group 6): upload/get/stream/delete, sample code, SDK."""
from __future__ import annotations

import io
import tarfile

import pytest

from chalicelib.surfaces.edgegallery.common import new_uuid

FILES = "/mec/developer/v2/upload-files"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
API_YAML = b"""openapi: 3.0.0
info: {title: Face Recognition, version: '1.0'}
servers: [{url: 'http://face.example/v1'}]
paths:
  /faces:
    get: {operationId: listFaces}
    post: {operationId: addFace}
  /faces/{id}:
    delete: {}
"""


def multipart(files: dict, fields: dict | None = None) -> tuple[str, bytes]:
    boundary = "----egTestBoundary7"
    out = io.BytesIO()
    for k, v in (fields or {}).items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
    for k, (filename, data) in files.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"; filename="{filename}"\r\n'
                  f"Content-Type: application/octet-stream\r\n\r\n".encode())
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", out.getvalue()


def send(caller, method, path, files, fields=None):
    import json
    ct, raw = multipart(files, fields)
    r = getattr(caller.client.http, method)(path, headers={**caller.headers, "content-type": ct}, body=raw)
    try:
        return r.status_code, json.loads(r.body)
    except ValueError:
        return r.status_code, r.body


def upload(caller, file_type, name, data):
    return send(caller, "post", f"{FILES}?fileType={file_type}", {"file": (name, data)})


def raw_get(caller, path):
    return caller.client.http.get(path, headers={**caller.headers, "accept": "*/*"})


@pytest.fixture
def api_file(dev):
    status, f = upload(dev, "api", "face.yaml", API_YAML)
    assert status == 200, f
    return f


def test_upload_get_stream_delete(dev, other_dev, guest):
    status, f = upload(dev, "icon", "logo.png", PNG)
    assert status == 200, f
    assert set(f) >= {"fileId", "fileName", "url", "userId", "uploadDate", "filePath", "temp"}
    assert f["fileName"] == "logo.png" and f["userId"] == dev.account.account_id and f["temp"] is False
    assert f["uploadDate"].endswith("Z")
    assert dev.get(f"{FILES}/{f['fileId']}") == (200, f)
    # reads are open to any caller (capability icons are shared), even guests
    assert guest.get(f"{FILES}/{f['fileId']}")[0] == 200
    r = raw_get(other_dev, f"{FILES}/{f['fileId']}/action/get-file-stream")
    assert r.status_code == 200 and r.body == PNG, r.body
    assert 'filename="logo.png"' in r.headers["Content-Disposition"]
    # deletes: owner only
    assert other_dev.delete(f"{FILES}/{f['fileId']}")[0] == 403
    assert guest.delete(f"{FILES}/{f['fileId']}")[0] == 403
    assert dev.get(f"{FILES}/{f['fileId']}")[0] == 200
    assert dev.delete(f"{FILES}/{f['fileId']}") == (200, True)
    status, body = dev.get(f"{FILES}/{f['fileId']}")
    assert status == 404 and body["retCode"] == 20016
    assert raw_get(dev, f"{FILES}/{f['fileId']}/action/get-file-stream").status_code == 404
    assert dev.delete(f"{FILES}/{f['fileId']}")[0] == 404


def test_upload_types_and_names(dev, guest):
    ok = [("api", "a.JSON", b'{"paths": {}}'), ("md", "guide.md", b"# hi"), ("script", "run.sh", b"echo hi"),
          ("icon", "x.JPG", b"\xff\xd8\xff\xe0rest")]
    for t, n, d in ok:
        assert upload(dev, t, n, d)[0] == 200, (t, n)
    # the document's misspelling is accepted too
    assert send(dev, "post", f"{FILES}?flleType=md", {"file": ("b.md", b"x")})[0] == 200
    bad = [("icon", "x.gif", PNG, 20024), ("icon", "x.png", b"not an image", 20024), ("api", "a.txt", b"{}", 20024),
           ("api", "a.yaml", b"- just\n- a list\n", 20024), ("api", "a.yaml", b"{broken: [", 20024),
           ("md", "a.sh", b"x", 20024), ("script", "a.py", b"x", 20024), ("md", "a.md", b"", 20032),
           ("md", "bad:name.md", b"x", 20024), ("md", "dot.md.", b"x", 20024), ("zip", "a.md", b"x", 20002),
           ("icon", "big.png", PNG + b"\x00" * (2 * 1024 * 1024), 20018)]
    for t, n, d, ret in bad:
        status, body = upload(dev, t, n, d)
        assert status == 400 and body["retCode"] == ret, (t, n, status, body)
    assert upload(guest, "md", "g.md", b"x")[0] == 403
    status, _ = dev.post(f"{FILES}?fileType=md", {"file": "x"})
    assert status == 415
    status, body = send(dev, "post", f"{FILES}?fileType=md", {}, {"other": "x"})
    assert status == 400
    assert dev.get(f"{FILES}/not-a-uuid")[0] == 400
    assert dev.get(f"{FILES}/{new_uuid()}")[0] == 404


def test_sample_code_tgz_structure_content(dev, other_dev, api_file):
    ids = [api_file["fileId"]]
    r = dev.client.http.post(f"{FILES}/action/download-sample-code",
                             headers={**dev.headers, "content-type": "application/json", "accept": "*/*"}, body=f'["{ids[0]}"]')
    assert r.status_code == 200 and "sample-code.tgz" in r.headers["Content-Disposition"]
    with tarfile.open(fileobj=io.BytesIO(r.body), mode="r:gz") as tf:
        names = tf.getnames()
        assert "sample-code/README.md" in names
        stub = tf.extractfile("sample-code/src/face_recognition/listfaces.py").read().decode()
    assert "GET /faces" in stub and "http://face.example/v1" in stub
    assert {"sample-code/src/face_recognition/addface.py", "sample-code/src/face_recognition/delete_faces_id.py"} \
        <= set(names)
    status, tree = other_dev.post(f"{FILES}/action/get-sample-code-structure", ids)
    assert status == 200 and tree["name"] == "sample-code" and tree["parent"] is True
    src = next(c for c in tree["children"] if c["name"] == "src")
    leaf = src["children"][0]["children"][0]
    assert set(leaf) == {"name", "id", "children", "parent"} and leaf["parent"] is False
    r = dev.client.http.post(f"{FILES}/action/get-sample-code-content?fileName={leaf['id']}",
                             headers={**dev.headers, "content-type": "application/json", "accept": "*/*"}, body=f'["{ids[0]}"]')
    assert r.status_code == 200 and r.body.decode().startswith('"""')
    r = dev.client.http.post(f"{FILES}/action/get-sample-code-content?fileName=README.md",
                             headers={**dev.headers, "content-type": "application/json", "accept": "*/*"}, body=f'["{ids[0]}"]')
    assert r.status_code == 200 and b"Face Recognition" in r.body
    # errors
    assert dev.post(f"{FILES}/action/get-sample-code-content?fileName=nope.py", ids)[0] == 404
    assert dev.post(f"{FILES}/action/get-sample-code-content", ids)[0] == 400
    assert dev.post(f"{FILES}/action/get-sample-code-structure", [])[0] == 400
    assert dev.post(f"{FILES}/action/get-sample-code-structure", {"apiFileIds": ids})[0] == 400
    assert dev.post(f"{FILES}/action/get-sample-code-structure", raw="[broken")[0] == 400
    assert dev.post(f"{FILES}/action/get-sample-code-structure", ["bad-id"])[0] == 400
    assert dev.post(f"{FILES}/action/get-sample-code-structure", [new_uuid()])[0] == 404
    md = upload(dev, "md", "g.md", b"# x")[1]
    assert dev.post(f"{FILES}/action/get-sample-code-structure", [md["fileId"]])[0] == 400


def test_sdk_download(dev, api_file):
    for lan in ("python", "JAVA", "go", "javascript"):
        r = raw_get(dev, f"{FILES}/{api_file['fileId']}/action/download-sdk?lan={lan}")
        assert r.status_code == 200, (lan, r.body)
        with tarfile.open(fileobj=io.BytesIO(r.body), mode="r:gz") as tf:
            names = tf.getnames()
            root = f"face_recognition-sdk-{lan.lower()}"
            assert f"{root}/README.md" in names and f"{root}/api/face.yaml" in names
            client = [n for n in names if "/src/client." in n][0]
            assert b"listfaces" in tf.extractfile(client).read().lower()
    assert dev.get(f"{FILES}/{api_file['fileId']}/action/download-sdk?lan=cobol")[0] == 400
    assert dev.get(f"{FILES}/{api_file['fileId']}/action/download-sdk")[0] == 400
    assert dev.get(f"{FILES}/{new_uuid()}/action/download-sdk?lan=go")[0] == 404


def test_check_icon(dev, other_dev, eg_admin):
    from chalicelib.core.errors import NotFound
    from chalicelib.surfaces.edgegallery import service_files
    icon = upload(dev, "icon", "i.png", PNG)[1]
    md = upload(dev, "md", "g.md", b"# x")[1]
    service_files.check_icon(dev_principal(dev), icon["fileId"])
    service_files.check_icon(dev_principal(eg_admin), icon["fileId"])
    for caller, fid in ((other_dev, icon["fileId"]), (dev, md["fileId"]), (dev, new_uuid()), (dev, "x"), (dev, None)):
        with pytest.raises(NotFound) as exc:
            service_files.check_icon(dev_principal(caller), fid)
        assert exc.value.code == 20016


def dev_principal(caller):
    from chalicelib.identity import accounts
    return accounts.authenticate_bearer(caller.headers["access_token"], ["edgegallery"])
