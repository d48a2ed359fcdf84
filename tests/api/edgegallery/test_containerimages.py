"""EdgeGallery Container Image (group 2): chunked upload, cancel, merge (registry push), list, modify,
delete, download, registry synchronisation (request and schedule)."""
from __future__ import annotations

import io
import json
import tarfile
import uuid

from chalicelib import registry
from chalicelib.core.config import settings

BASE = "/mec/developer/v2/containerimages"


def image_tar(ref: str = "library/nginx:1.21", extra: dict | None = None) -> bytes:
    buf = io.BytesIO()
    files = {"manifest.json": json.dumps([{"Config": "abc.json", "RepoTags": [ref] if ref else [],
                                           "Layers": ["l1/layer.tar"]}]).encode(),
             "abc.json": b"{}", "l1/layer.tar": b"\x00" * 3000, **(extra or {})}
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def multipart(fields: dict, data: bytes | None, filename: str = "blob") -> tuple[str, bytes]:
    b = "----egcimg"
    out = b""
    for k, v in fields.items():
        out += f'--{b}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
    if data is not None:
        out += (f'--{b}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + b"\r\n"
    out += f"--{b}--\r\n".encode()
    return f"multipart/form-data; boundary={b}", out


def send_chunk(caller, image_id, n, data, *, identifier="guid-1", filename="nginx.tar", fields=None):
    size = len(data or b"")
    f = {"chunkNumber": n, "chunkSize": size, "currentChunkSize": size, "totalSize": 1000,
         "identifier": identifier, "filename": filename, "relativePath": filename, "totalChunks": 3,
         "type": "application/x-tar"} if fields is None else fields
    ct, raw = multipart(f, data, filename)
    r = caller.client.http.post(f"{BASE}/{image_id}/action/upload", headers={**caller.headers, "content-type": ct},
                                body=raw)
    return r.status_code, r.body


def upload(caller, content: bytes, image_id=None, guid="guid-1", filename="nginx.tar"):
    image_id = image_id or str(uuid.uuid4())
    k = len(content) // 3
    for n, part in enumerate([content[:k], content[k:2 * k], content[2 * k:]], 1):
        assert send_chunk(caller, image_id, n, part, identifier=guid, filename=filename)[0] == 200
    status, out = caller.get(f"{BASE}/{image_id}/action/merge?fileName={filename}&guid={guid}")
    return image_id, status, out


def listing(caller, **body):
    status, out = caller.post(f"{BASE}/action/get-all-images", body)
    assert status == 200, out
    return out


def test_upload_merge_registers_and_pushes(dev, other_dev):
    tar = image_tar("docker.io/library/nginx:1.21")
    image_id, status, out = upload(dev, tar)
    assert status == 200, out
    page = listing(dev)
    assert page["total"] == 1 and page["limit"] >= 1 and page["offset"] == 0
    img = page["results"][0]
    domain = settings().otestack_registry_domain
    assert img["imageId"] == image_id and img["imageName"] == "nginx" and img["imageVersion"] == "1.21"
    assert img["imageStatus"] == "UPLOAD_SUCCEED" and img["imageType"] == "private"
    assert img["imagePath"] == f"{domain}/developer/nginx:1.21" and img["fileName"] == "nginx.tar"
    assert img["userId"] == dev.account.account_id
    uid = dev.account.account_id
    assert registry.get_tag(uid, "developer/nginx", "1.21") is not None
    # download gives the same tar
    r = dev.client.http.get(f"{BASE}/{image_id}/action/download", headers={**dev.headers, "accept": "*/*"})
    assert r.status_code == 200 and r.body == tar and "nginx.tar" in r.headers["Content-Disposition"]
    # the same (name, version, user) again updates the record instead of adding one
    _, status, _ = upload(dev, image_tar("nginx:1.21", {"x": b"1"}))
    assert status == 200 and listing(dev)["total"] == 1
    # another developer's upload of the same image: own record, own registry project
    other_id, status, out = upload(other_dev, tar)
    assert status == 200, out
    mine = listing(other_dev)["results"]
    assert [i["imageId"] for i in mine] == [other_id] and mine[0]["imagePath"].endswith("/nginx:1.21")
    assert listing(dev)["total"] == 1


def test_chunk_merge_and_cancel_errors(dev, guest, other_dev):
    iid = str(uuid.uuid4())
    # guests may not upload; malformed id; not multipart; no file; no chunk number
    assert send_chunk(guest, iid, 1, b"abc")[0] == 403
    assert send_chunk(dev, "nope", 1, b"abc")[0] == 400
    r = dev.client.http.post(f"{BASE}/{iid}/action/upload", headers={**dev.headers, "content-type": "text/plain"},
                             body=b"x")
    assert r.status_code == 400
    assert send_chunk(dev, iid, 1, None)[0] in (400, 404)
    assert send_chunk(dev, iid, 1, b"abc", fields={"identifier": "g", "filename": "a.tar"})[0] == 400
    too_big = {"chunkNumber": 1, "identifier": "g", "filename": "a.tar", "totalSize": 6 * 1024 ** 3}
    assert send_chunk(dev, iid, 1, b"abc", fields=too_big)[0] == 400
    # merge: missing params, no parts
    assert dev.get(f"{BASE}/{iid}/action/merge?fileName=a.tar")[0] == 400
    assert dev.get(f"{BASE}/{iid}/action/merge?fileName=a.tar&guid=none")[0] == 404
    # a non-tar upload → 400 retCode 20024, nothing recorded
    _, status, out = upload(dev, b"PK\x03\x04 this is a zip" * 100, filename="x.zip")
    assert (status, out["retCode"]) == (400, 20024)
    # a tar without manifest / RepoTags → 20024; a tar with a path escape → 20024
    plain = io.BytesIO()
    with tarfile.open(fileobj=plain, mode="w") as tf:
        info = tarfile.TarInfo("readme.txt")
        info.size = 3
        tf.addfile(info, io.BytesIO(b"abc"))
    for bad in (plain.getvalue(), image_tar(""), image_tar(extra={"../../evil": b"x"})):
        _, status, out = upload(dev, bad)
        assert (status, out["retCode"]) == (400, 20024), out
    assert listing(dev)["total"] == 0
    # cancel drops the chunks: the merge then finds nothing
    iid2 = str(uuid.uuid4())
    assert send_chunk(dev, iid2, 1, image_tar())[0] == 200
    assert other_dev.delete(f"{BASE}/{iid2}/action/upload")[0] == 200  # their own (empty) session only
    assert dev.delete(f"{BASE}/{iid2}/action/upload")[0] == 200
    assert dev.get(f"{BASE}/{iid2}/action/merge?fileName=nginx.tar&guid=guid-1")[0] == 404
    assert guest.delete(f"{BASE}/{iid2}/action/upload")[0] == 403


def test_list_filters_sort_paging_and_visibility(dev, other_dev, eg_admin):
    ids = {}
    for ref in ("alpha:1.0", "beta:1.0", "alphabet:2.0"):
        ids[ref], status, _ = upload(dev, image_tar(ref))
        assert status == 200
    oid, _, _ = upload(other_dev, image_tar("gamma:1.0"))
    assert [i["imageName"] for i in listing(dev, imageName="ALPHA", sortBy="imageName", sortOrder="ASC")[
        "results"]] == ["alpha", "alphabet"]
    page = listing(dev, limit=2, offset=1, sortBy="imageName", sortOrder="DESC")
    assert page["total"] == 3 and [i["imageName"] for i in page["results"]] == ["alphabet", "alpha"]
    assert listing(dev, uploadTimeBegin="2000-01-01", uploadTimeEnd="2999-12-31")["total"] == 3
    assert listing(dev, uploadTimeEnd="2000-01-01")["total"] == 0
    for bad in ({"sortBy": "drop table"}, {"sortOrder": "UP"}, {"limit": 0}, {"offset": -1}, {"limit": "x"},
                {"uploadTimeBegin": "yesterday"}):
        assert dev.post(f"{BASE}/action/get-all-images", bad)[0] == 400, bad
    r = dev.client.http.post(f"{BASE}/action/get-all-images", headers={**dev.headers, "content-type":
                                                                        "application/json"}, body=b"{x")
    assert r.status_code == 400
    # other users see only their own, plus public ones; admins see everything
    assert listing(other_dev)["total"] == 1
    status, img = dev.put(f"{BASE}/{ids['beta:1.0']}", {"imageType": "public", "imageName": "ignored"})
    assert status == 200 and img["imageType"] == "public" and img["imageName"] == "beta"
    assert {i["imageName"] for i in listing(other_dev)["results"]} == {"gamma", "beta"}
    assert listing(eg_admin)["total"] == 4
    assert listing(eg_admin, userId=other_dev.account.account_id)["total"] == 1


def test_modify_and_delete_rules(dev, other_dev, eg_admin, guest):
    iid, _, _ = upload(dev, image_tar("web:1.0"))
    uid = dev.account.account_id
    # modify: owner only; foreign private → 404, foreign public → 403; bad imageType → 400
    assert other_dev.put(f"{BASE}/{iid}", {"imageType": "public"})[0] == 404
    assert dev.put(f"{BASE}/{iid}", {"imageType": "secret"})[0] == 400
    assert dev.put(f"{BASE}/{iid}", {"imageType": "public"})[0] == 200
    status, out = other_dev.put(f"{BASE}/{iid}", {"imageType": "private"})
    assert status == 403 and out["message"] == "Cannot modify data created by others"
    assert eg_admin.put(f"{BASE}/{iid}", {"imageType": "private"})[0] == 403
    assert guest.put(f"{BASE}/{iid}", {"imageType": "private"})[0] == 403
    assert dev.put(f"{BASE}/nope", {"imageType": "private"})[0] == 400
    r = dev.client.http.put(f"{BASE}/{iid}", headers={**dev.headers, "content-type": "application/json"}, body=b"{x")
    assert r.status_code == 400
    assert dev.put(f"{BASE}/{uuid.uuid4()}", {"imageType": "private"})[0] == 404
    assert listing(dev)["results"][0]["imageType"] == "public"
    # delete: owner or admin
    assert other_dev.delete(f"{BASE}/{iid}")[0] == 403
    assert guest.delete(f"{BASE}/{iid}")[0] == 403
    assert eg_admin.delete(f"{BASE}/{iid}") == (200, True)
    assert listing(dev)["total"] == 0
    assert registry.get_tag(uid, "developer/web", "1.0") is None
    assert dev.delete(f"{BASE}/{iid}")[0] == 404
    assert dev.get(f"{BASE}/{iid}/action/download")[0] == 404
    # the owner deletes their own
    iid2, _, _ = upload(dev, image_tar("web:2.0"))
    assert dev.delete(f"{BASE}/{iid2}") == (200, True)


def test_synchronize_request_and_schedule(api, dev, eg_admin):
    from chalice.test import Client

    from app import app as chalice_app
    iid, _, _ = upload(dev, image_tar("known:1.0"))
    uid = dev.account.account_id
    registry.push(uid, "developer", "pushed", "3.1")   # pushed straight to the registry
    assert dev.get(f"{BASE}/action/synchronize")[0] == 403
    r = eg_admin.client.http.get(f"{BASE}/action/synchronize", headers=eg_admin.headers)
    assert r.status_code == 200 and b"synchronized 1" in r.body
    names = {(i["imageName"], i["imageVersion"]) for i in listing(dev)["results"]}
    assert names == {("known", "1.0"), ("pushed", "3.1")}
    synced = next(i for i in listing(dev)["results"] if i["imageName"] == "pushed")
    assert synced["imageType"] == "private" and synced["imageStatus"] == "UPLOAD_SUCCEED"
    assert synced["imagePath"].endswith("/developer/pushed:3.1")
    # the schedule does the same
    registry.push(uid, "developer", "ticked", "1")
    with Client(chalice_app) as client:
        event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={},
                                                resources=["arn:aws:events:us-east-1:123456789012:rule/tick"])
        client.lambda_.invoke("on_tick", event)
    assert listing(dev)["total"] == 3
    assert eg_admin.client.http.get(f"{BASE}/action/synchronize", headers=eg_admin.headers).body.startswith(
        b"synchronized 0")
