"""EdgeGallery VmImage (group 28): records, list filters, chunked upload + merge, download, slim, publish,
reset, and the S3 upload inspector."""
from __future__ import annotations

from chalicelib.core import aws
from chalicelib.core.config import settings

IMAGES = "/mec/developer/v2/vmimages"
QCOW2 = b"QFI\xfb\x00\x00\x00\x03" + b"\x01" * 2000
ISO = b"\x00" * 32769 + b"CD001" + b"\x02" * 100


def _body(**kw):
    return {"name": "ubuntu-img", "visibleType": "private", "osType": "Ubuntu", "osVersion": "18.04",
            "osBitType": "64", "systemDiskSize": 20, **kw}


def make(caller, **kw) -> dict:
    status, out = caller.post(IMAGES, _body(**kw))
    assert (status, out) == (200, True), out
    lst = caller.post(f"{IMAGES}/action/get-list", {"name": kw.get("name", "ubuntu-img")})[1]["imageList"]
    return next(i for i in lst if i["name"] == kw.get("name", "ubuntu-img"))


def multipart(fields: dict, data: bytes, filename: str = "blob") -> tuple[str, bytes]:
    b = "----egboundary"
    out = b""
    for k, v in fields.items():
        out += f'--{b}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
    out += (f'--{b}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + b"\r\n"
    out += f"--{b}--\r\n".encode()
    return f"multipart/form-data; boundary={b}", out


def send_chunk(caller, image_id, n, data, *, filename="disk.qcow2", identifier="ident-1", total=None):
    ct, raw = multipart({"chunkNumber": n, "chunkSize": len(data), "currentChunkSize": len(data),
                         "totalSize": total or len(data), "identifier": identifier, "filename": filename,
                         "relativePath": filename, "totalChunks": 20, "type": "application/octet-stream"}, data)
    r = caller.client.http.post(f"{IMAGES}/{image_id}/action/upload",
                                headers={**caller.headers, "content-type": ct}, body=raw)
    return r.status_code, r.body


def upload(caller, image_id, content: bytes, drain, filename="disk.qcow2", identifier="ident-1"):
    """Send ``content`` in three chunks, merge, and run the merge job to its end; the merge's answer."""
    thirds = [content[: len(content) // 3], content[len(content) // 3: 2 * len(content) // 3],
              content[2 * len(content) // 3:]]
    for n, part in enumerate(thirds, 1):
        assert send_chunk(caller, image_id, n, part, filename=filename, identifier=identifier)[0] == 200
    out = caller.get(f"{IMAGES}/{image_id}/action/merge?fileName={filename}&identifier={identifier}")
    if out[0] == 200:
        assert drain(lambda: caller.get(f"{IMAGES}/{image_id}")[1]["status"] != "UPLOADING_MERGING", timeout=30)
    return out


def jobs_of(caller) -> list:
    """The caller's jobs, newest first."""
    from chalicelib import jobs
    return jobs.page(tenant_id=caller.account.account_id, limit=50).items


def file_keys(image_id) -> list[str]:
    s3, bucket = aws.client("s3"), settings().bucket
    return [o["Key"] for prefix in ("tenant/", f"uploads/edgegallery/vmimage/{image_id}/")
            for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
            if f"/vmimage/{image_id}/" in o["Key"]]


def test_create_get_modify_delete(dev, other_dev, guest):
    img = make(dev)
    assert isinstance(img["id"], int) and img["status"] == "UPLOAD_WAIT" and img["userId"] == dev.account.account_id
    assert img["osType"] == "Ubuntu" and img["systemDiskSize"] == 20 and img["createTime"].count(":") == 2
    status, got = dev.get(f"{IMAGES}/{img['id']}")
    assert status == 200 and got["name"] == "ubuntu-img"
    assert dev.put(f"{IMAGES}/{img['id']}", {"name": "renamed", "osVersion": "20.04"}) == (200, True)
    got = dev.get(f"{IMAGES}/{img['id']}")[1]
    assert got["name"] == "renamed" and got["osVersion"] == "20.04"
    # the old name is free again, the new one is taken
    assert dev.post(IMAGES, _body(name="ubuntu-img"))[0] == 200
    status, body = dev.post(IMAGES, _body(name="renamed"))
    assert status == 400 and body["message"] == "image Name can not duplicate."
    assert other_dev.post(IMAGES, _body(name="renamed"))[0] == 200  # unique per user only
    # foreign private images are invisible; guests cannot write
    assert other_dev.get(f"{IMAGES}/{img['id']}")[0] == 404
    assert other_dev.put(f"{IMAGES}/{img['id']}", {"name": "x"})[0] == 404
    assert other_dev.delete(f"{IMAGES}/{img['id']}")[0] == 404
    assert guest.post(IMAGES, _body(name="g"))[0] == 403
    assert dev.get(f"{IMAGES}/abc")[0] == 400 and dev.get(f"{IMAGES}/99999")[0] == 404
    assert dev.delete(f"{IMAGES}/{img['id']}") == (200, True)
    assert dev.get(f"{IMAGES}/{img['id']}")[0] == 404
    assert dev.post(IMAGES, _body(name="renamed"))[0] == 200  # name released on delete


def test_validation(dev):
    for bad in ({"name": ""}, {"name": "n" * 129}, {"visibleType": "shared"}, {"osType": "Plan9"},
                {"systemDiskSize": 0}, {"systemDiskSize": "20"}, {"osVersion": 5}, {"diskBus": "usb"}):
        status, body = dev.post(IMAGES, _body(**bad))
        assert status == 400 and body["retCode"] == 20002, bad
    assert dev.post(IMAGES, {k: v for k, v in _body().items() if k != "name"})[0] == 400
    assert dev.post(IMAGES, raw="{nope")[0] == 400
    assert dev.post(IMAGES, [1, 2])[0] == 400
    assert dev.post(IMAGES, _body(osType="ubuntu"))[0] == 200  # the document's lower-case example is accepted
    assert dev.post(f"{IMAGES}/action/get-list", {})[1]["totalCount"] == 1


def test_list_filters_visibility_and_paging(dev, other_dev, eg_admin):
    make(dev, name="alpha", osType="CentOS")
    make(dev, name="beta", visibleType="public")
    make(dev, name="gamma")
    make(other_dev, name="theirs-public", visibleType="public")
    make(other_dev, name="theirs-private")
    lst = dev.post(f"{IMAGES}/action/get-list", {})[1]
    assert set(lst) == {"totalCount", "imageList"}
    assert {i["name"] for i in lst["imageList"]} == {"alpha", "beta", "gamma", "theirs-public"}
    assert eg_admin.post(f"{IMAGES}/action/get-list", {})[1]["totalCount"] == 5
    assert eg_admin.post(f"{IMAGES}/action/get-list", {"userId": other_dev.account.account_id})[1]["totalCount"] == 2
    assert dev.post(f"{IMAGES}/action/get-list", {"userId": other_dev.account.account_id})[0] == 401
    q = lambda **b: dev.post(f"{IMAGES}/action/get-list", b)[1]  # noqa: E731
    assert {i["name"] for i in q(visibleType="public")["imageList"]} == {"beta", "theirs-public"}
    assert {i["name"] for i in q(osType="CentOS,Windows")["imageList"]} == {"alpha"}
    assert q(name="AMM")["totalCount"] == 1 and q(status="UPLOAD_WAIT,PUBLISHED")["totalCount"] == 4
    assert q(status="PUBLISHED")["totalCount"] == 0
    assert q(uploadTimeBegin="2000-01-01")["totalCount"] == 0  # nothing uploaded yet
    page = q(queryCtrl={"offset": 1, "limit": 2, "sortBy": "createTime", "sortOrder": "ASC"})
    assert page["totalCount"] == 4 and [i["name"] for i in page["imageList"]] == ["beta", "gamma"]
    assert [i["name"] for i in q(queryCtrl={"offset": 0, "limit": 1, "sortBy": "createTime"})["imageList"]] == \
        ["theirs-public"]
    for bad in ({"queryCtrl": {"limit": 101}}, {"queryCtrl": {"offset": -2}}, {"queryCtrl": {"sortBy": "size"}},
                {"uploadTimeBegin": "yesterday"}, {"name": 3}):
        assert dev.post(f"{IMAGES}/action/get-list", bad)[0] == 400, bad
    # a foreign public image is readable but not writable
    theirs = next(i for i in lst["imageList"] if i["name"] == "theirs-public")
    assert dev.get(f"{IMAGES}/{theirs['id']}")[0] == 200
    assert dev.put(f"{IMAGES}/{theirs['id']}", {"osVersion": "1"})[0] == 403


def test_chunked_upload_resume_merge_download(dev, other_dev, drain):
    img = make(dev)
    iid = img["id"]
    content = QCOW2 * 5
    chunks = [content[i:i + 1000] for i in range(0, len(content), 1000)]
    assert len(chunks) == 11
    for n, part in enumerate(chunks[:8], 1):
        assert send_chunk(dev, iid, n, part)[0] == 200
    assert dev.get(f"{IMAGES}/{iid}")[1]["status"] == "UPLOADING"
    assert dev.get(f"{IMAGES}/{iid}")[1]["fileIdentifier"] == "ident-1"
    # resume: received chunks minus the highest five
    assert dev.get(f"{IMAGES}/{iid}/action/upload?identifier=ident-1") == (200, [1, 2, 3])
    assert dev.get(f"{IMAGES}/{iid}/action/upload?identifier=other") == (200, [])
    assert other_dev.get(f"{IMAGES}/{iid}/action/upload?identifier=ident-1")[0] == 404
    for n, part in enumerate(chunks[8:], 9):
        assert send_chunk(dev, iid, n, part)[0] == 200
    r = dev.client.http.get(f"{IMAGES}/{iid}/action/merge?fileName=disk.qcow2&identifier=ident-1",
                            headers=dev.headers)
    assert (r.status_code, r.body) == (200, b"")  # answered at once; the merge runs as a job
    assert dev.get(f"{IMAGES}/{iid}")[1]["status"] == "UPLOADING_MERGING"
    assert drain(lambda: dev.get(f"{IMAGES}/{iid}")[1]["status"] != "UPLOADING_MERGING", timeout=30)
    got = dev.get(f"{IMAGES}/{iid}")[1]
    assert got["status"] == "PUBLISHED" and got["imageSlimStatus"] == "SLIM_WAIT" and got["imageFormat"] == "qcow2"
    assert got["imageSize"] == len(content) and got["imageFileName"] == "disk.qcow2" and len(got["checkSum"]) == 64
    assert got["uploadTime"] and got["downLoadUrl"].endswith(f"/{iid}/action/download")
    r = dev.client.http.get(f"{IMAGES}/{iid}/action/download", headers={**dev.headers, "accept": "*/*"})
    assert r.status_code == 200 and r.body == content, r.body[:300]
    assert 'filename="disk.qcow2"' in r.headers["Content-Disposition"]
    assert other_dev.get(f"{IMAGES}/{iid}/action/download")[0] == 404
    # the upload-time filter now finds it
    assert dev.post(f"{IMAGES}/action/get-list", {"uploadTimeBegin": "2000-01-01",
                                                  "uploadTimeEnd": "2999-12-31"})[1]["totalCount"] == 1


def test_chunk_and_merge_errors(dev, guest, drain):
    img = make(dev)
    iid = img["id"]
    status, _ = send_chunk(dev, iid, 1, b"abc", filename="disk.vmdk")
    assert status == 400
    assert send_chunk(dev, iid, 1, b"abc", total=200 * 1024 ** 3)[0] == 400  # over the 100 GiB limit
    assert dev.get(f"{IMAGES}/{iid}")[1]["status"] == "UPLOAD_WAIT"
    r = dev.client.http.post(f"{IMAGES}/{iid}/action/upload", headers={**dev.headers, "content-type":
                             "application/json"}, body=b"{}")
    assert r.status_code == 400
    ct, raw = multipart({"identifier": "i1", "filename": "a.qcow2"}, b"abc")  # no chunkNumber
    assert dev.client.http.post(f"{IMAGES}/{iid}/action/upload", headers={**dev.headers, "content-type": ct},
                                body=raw).status_code == 400
    assert guest.get(f"{IMAGES}/{iid}/action/merge?fileName=a.qcow2&identifier=i1")[0] in (403, 404)
    # merge without chunks, with a missing chunk, bad names: refused in the request, no job
    assert dev.get(f"{IMAGES}/{iid}/action/merge?fileName=a.qcow2&identifier=none")[0] == 404
    assert dev.get(f"{IMAGES}/{iid}/action/merge?fileName=a.txt&identifier=none")[0] == 400
    assert dev.get(f"{IMAGES}/{iid}/action/merge?identifier=none")[0] == 400
    assert dev.get(f"{IMAGES}/{iid}/action/merge?fileName=a.qcow2&identifier=no%20pe")[0] == 400
    assert send_chunk(dev, iid, 2, QCOW2, identifier="gap")[0] == 200
    status, body = dev.get(f"{IMAGES}/{iid}/action/merge?fileName=disk.qcow2&identifier=gap")
    assert (status, body["retCode"]) == (400, 20019)
    assert dev.get(f"{IMAGES}/{iid}/action/upload")[0] == 400  # identifier missing
    assert jobs_of(dev) == [] and dev.get(f"{IMAGES}/{iid}")[1]["status"] == "UPLOADING"
    # content that is not what the extension says → the job fails: UPLOAD_FAILED, formatMistake, file deleted
    assert upload(dev, iid, b"not an image at all" * 10, drain)[0] == 200
    got = dev.get(f"{IMAGES}/{iid}")[1]
    assert got["status"] == "UPLOAD_FAILED" and got["errorType"] == "formatMistake" and got["imageSize"] is None
    assert dev.get(f"{IMAGES}/{iid}/action/download")[0] == 404
    assert file_keys(iid) == []
    job = jobs_of(dev)[0]
    assert job.status == "FAILED" and "not a qcow2 image" in job.error and job.resource == f"vmimage/{iid}"
    # an iso is fine
    assert upload(dev, iid, ISO, drain, filename="cd.iso", identifier="iso-1")[0] == 200
    got = dev.get(f"{IMAGES}/{iid}")[1]
    assert got["status"] == "PUBLISHED" and got["imageFormat"] == "iso" and got["errorType"] is None
    # slimming an iso is refused
    assert dev.post(f"{IMAGES}/{iid}/action/slim")[0] == 400


def test_cancel_reset_and_merging_guard(dev, drain):
    from chalicelib.surfaces.edgegallery import service_vmimages as svc
    img = make(dev)
    iid = img["id"]
    assert send_chunk(dev, iid, 1, QCOW2)[0] == 200
    assert dev.delete(f"{IMAGES}/{iid}/action/upload?identifier=ident-1")[0] == 200
    assert dev.get(f"{IMAGES}/{iid}")[1]["status"] == "UPLOAD_CANCELLED"
    assert dev.get(f"{IMAGES}/{iid}/action/upload?identifier=ident-1")[1] == []
    # while merging: cancel/reset/delete are refused
    row = svc.get_image(iid)
    row.status = "UPLOADING_MERGING"
    svc.save(row)
    assert dev.delete(f"{IMAGES}/{iid}/action/upload?identifier=ident-1")[0] == 400
    assert dev.put(f"{IMAGES}/{iid}/action/reset")[0] == 400
    assert dev.delete(f"{IMAGES}/{iid}")[0] == 400
    assert dev.post(f"{IMAGES}/{iid}/action/upload-url", {"fileName": "disk.qcow2"})[0] == 400
    status, body = dev.get(f"{IMAGES}/{iid}/action/merge?fileName=disk.qcow2&identifier=ident-1")
    assert (status, body["retCode"]) == (409, 20019)
    assert dev.get(f"{IMAGES}/{iid}")[1]["status"] == "UPLOADING_MERGING"
    row = svc.get_image(iid)
    row.status = "UPLOAD_FAILED"
    svc.save(row)
    assert upload(dev, iid, QCOW2, drain, identifier="again")[0] == 200
    assert dev.put(f"{IMAGES}/{iid}/action/reset") == (200, True)
    got = dev.get(f"{IMAGES}/{iid}")[1]
    assert got["status"] == "UPLOAD_WAIT" and got["imageFileName"] is None and got["imageSize"] is None
    assert dev.get(f"{IMAGES}/{iid}/action/download")[0] == 404


def test_publish_admin_only_and_slim_operation(dev, eg_admin, drain):
    img = make(dev)
    iid = img["id"]
    assert dev.put(f"{IMAGES}/{iid}/action/publish")[0] == 403
    assert eg_admin.put(f"{IMAGES}/{iid}/action/publish")[0] == 400  # nothing uploaded yet
    assert dev.post(f"{IMAGES}/{iid}/action/slim")[0] == 400
    assert upload(dev, iid, QCOW2, drain)[0] == 200
    assert eg_admin.put(f"{IMAGES}/{iid}/action/publish") == (200, True)
    assert dev.get(f"{IMAGES}/{iid}")[1]["status"] == "PUBLISHED"
    status, body = dev.post(f"{IMAGES}/{iid}/action/slim")
    assert status == 200 and set(body) == {"operationId"}
    assert dev.get(f"{IMAGES}/{iid}")[1]["imageSlimStatus"] == "SLIMMING"
    assert dev.post(f"{IMAGES}/{iid}/action/slim")[0] == 400  # already slimming
    op = f"/mec/developer/v2/operations/{body['operationId']}"
    assert drain(lambda: dev.get(op)[1]["status"] != "ONGOING", timeout=30)
    got = dev.get(op)[1]
    assert got["status"] == "SUCCESS" and got["progress"] == 100 and got["objectType"] == "VM"
    assert dev.get(f"{IMAGES}/{iid}")[1]["imageSlimStatus"] == "SLIM_SUCCEED"


def test_large_download_is_a_presigned_redirect(dev, monkeypatch, drain):
    from chalicelib.surfaces.edgegallery import service_vmimages as svc
    img = make(dev)
    assert upload(dev, img["id"], QCOW2, drain)[0] == 200
    monkeypatch.setattr(svc, "DIRECT_DOWNLOAD_BYTES", 100)
    r = dev.client.http.get(f"{IMAGES}/{img['id']}/action/download", headers={**dev.headers, "accept": "*/*"})
    assert r.status_code == 302 and "disk.qcow2" in r.headers["Location"]


def test_merge_runs_as_a_job_and_a_repeat_is_a_no_op(dev, other_dev, drain):
    img = make(dev)
    iid = img["id"]
    for n, part in enumerate((QCOW2[:700], QCOW2[700:]), 1):
        assert send_chunk(dev, iid, n, part)[0] == 200
    merge = f"{IMAGES}/{iid}/action/merge?fileName=disk.qcow2&identifier=ident-1"
    assert dev.get(merge)[0] == 200
    assert dev.get(f"{IMAGES}/{iid}")[1]["status"] == "UPLOADING_MERGING"
    assert dev.get(merge)[0] == 200 and len(jobs_of(dev)) == 1  # the same merge again: already running
    status, body = dev.get(f"{IMAGES}/{iid}/action/merge?fileName=disk.qcow2&identifier=ident-2")
    assert (status, body["retCode"]) == (409, 20019)
    assert send_chunk(dev, iid, 3, b"late")[0] == 400
    assert other_dev.get(merge)[0] == 404
    assert drain(lambda: dev.get(f"{IMAGES}/{iid}")[1]["status"] != "UPLOADING_MERGING", timeout=30)
    got = dev.get(f"{IMAGES}/{iid}")[1]
    assert got["status"] == "PUBLISHED" and got["imageSize"] == len(QCOW2) and got["errorType"] is None
    job = jobs_of(dev)[0]
    assert job.status == "SUCCEEDED" and job.job_kind == "edgegallery.vmimage.merge"
    assert dev.get(merge)[0] == 404  # the chunks were consumed


def test_merge_steps_are_idempotent_and_a_vanished_upload_fails_the_merge(dev, drain):
    from chalicelib import jobs
    from chalicelib.blobs import chunked
    img = make(dev)
    iid = img["id"]
    for n, part in enumerate((QCOW2[:700], QCOW2[700:]), 1):
        assert send_chunk(dev, iid, n, part)[0] == 200
    assert dev.get(f"{IMAGES}/{iid}/action/merge?fileName=disk.qcow2&identifier=ident-1")[0] == 200
    job = jobs_of(dev)[0]
    wf = jobs.workflow_for(job.job_kind)
    for _ in range(2):  # a redelivered apply finds no chunks and reuses the recorded merge
        job.refresh()
        assert wf.apply(job) is True
    job.refresh()
    wf.finalize(job)
    assert dev.get(f"{IMAGES}/{iid}")[1]["status"] == "PUBLISHED"
    job.refresh()
    wf.finalize(job)  # late or repeated: the image is settled, nothing changes
    before = dev.get(f"{IMAGES}/{iid}")[1]
    assert drain(lambda: jobs_of(dev)[0].status == "SUCCEEDED", timeout=30)
    assert dev.get(f"{IMAGES}/{iid}")[1]["checkSum"] == before["checkSum"]
    # chunks that disappear before the job runs: UPLOAD_FAILED, fileSystemMergeFailed
    other = make(dev, name="other")
    assert send_chunk(dev, other["id"], 1, QCOW2, identifier="gone")[0] == 200
    assert dev.get(f"{IMAGES}/{other['id']}/action/merge?fileName=disk.qcow2&identifier=gone")[0] == 200
    chunked.cancel(f"eg/vmimage/{other['id']}/gone")
    assert drain(lambda: dev.get(f"{IMAGES}/{other['id']}")[1]["status"] != "UPLOADING_MERGING", timeout=30)
    got = dev.get(f"{IMAGES}/{other['id']}")[1]
    assert got["status"] == "UPLOAD_FAILED" and got["errorType"] == "fileSystemMergeFailed"
    assert jobs_of(dev)[0].status == "FAILED"


def test_upload_url_route_presigned_post_end_to_end(dev, other_dev, guest, drain):
    """The extension route gives a presigned POST; the file goes straight to S3 and the S3 event settles it."""
    import requests
    good, bad = make(dev, name="good"), make(dev, name="bad")
    url = f"{IMAGES}/{good['id']}/action/upload-url"
    status, post = dev.post(url, {"fileName": "disk.qcow2"})
    assert status == 200 and set(post) == {"url", "fields"}, post
    assert post["fields"]["key"] == f"uploads/edgegallery/vmimage/{good['id']}/disk.qcow2"
    assert dev.get(f"{IMAGES}/{good['id']}")[1]["status"] == "UPLOADING"
    r = requests.post(post["url"], data=post["fields"], files={"file": ("disk.qcow2", QCOW2)})
    assert r.status_code in (200, 201, 204), r.text
    assert drain(lambda: dev.get(f"{IMAGES}/{good['id']}")[1]["status"] != "UPLOADING", timeout=30)
    g = dev.get(f"{IMAGES}/{good['id']}")[1]
    assert g["status"] == "PUBLISHED" and g["imageSize"] == len(QCOW2) and g["imageFileName"] == "disk.qcow2"
    assert g["imageSlimStatus"] == "SLIM_WAIT" and len(g["checkSum"]) == 64
    r = dev.client.http.get(f"{IMAGES}/{good['id']}/action/download", headers={**dev.headers, "accept": "*/*"})
    assert r.body == QCOW2
    # content that is not what the name says → UPLOAD_FAILED, formatMistake, the object deleted
    post = dev.post(f"{IMAGES}/{bad['id']}/action/upload-url", {"fileName": "cd.iso"})[1]
    assert requests.post(post["url"], data=post["fields"], files={"file": ("cd.iso", QCOW2)}).status_code < 300
    assert drain(lambda: dev.get(f"{IMAGES}/{bad['id']}")[1]["status"] != "UPLOADING", timeout=30)
    b = dev.get(f"{IMAGES}/{bad['id']}")[1]
    assert b["status"] == "UPLOAD_FAILED" and b["errorType"] == "formatMistake"
    assert file_keys(bad["id"]) == []
    # bad input changes nothing
    for body in ({}, {"fileName": ""}, {"fileName": 3}, {"fileName": "a/b.qcow2"}):
        status, out = dev.post(url, body)
        assert (status, out["retCode"]) == (400, 20003), body
    status, out = dev.post(url, {"fileName": "disk.vmdk"})
    assert (status, out["retCode"]) == (400, 20024)
    assert dev.post(url, raw="{nope")[0] == 400 and dev.post(url, ["disk.qcow2"])[0] == 400
    assert other_dev.post(url, {"fileName": "disk.qcow2"})[0] == 404
    assert guest.post(url, {"fileName": "disk.qcow2"})[0] in (403, 404)
    assert dev.post(f"{IMAGES}/abc/action/upload-url", {"fileName": "disk.qcow2"})[0] == 400
    assert dev.post(f"{IMAGES}/999999/action/upload-url", {"fileName": "disk.qcow2"})[0] == 404
    assert dev.get(f"{IMAGES}/{good['id']}")[1]["status"] == "PUBLISHED"


def test_presigned_upload_is_inspected_through_the_s3_event(dev, drain):
    good, bad = make(dev, name="good"), make(dev, name="bad")
    s3, bucket = aws.client("s3"), settings().bucket
    from chalicelib.surfaces.edgegallery import service_vmimages as svc
    from chalicelib.identity import accounts
    post = svc.upload_url(accounts.authenticate_bearer(dev.headers["access_token"], ["edgegallery"]), good["id"],
                          "disk.qcow2")
    assert post["fields"]["key"] == f"uploads/edgegallery/vmimage/{good['id']}/disk.qcow2"
    s3.put_object(Bucket=bucket, Key=post["fields"]["key"], Body=QCOW2)
    s3.put_object(Bucket=bucket, Key=f"uploads/edgegallery/vmimage/{bad['id']}/disk.iso", Body=QCOW2)
    s3.put_object(Bucket=bucket, Key="uploads/edgegallery/vmimage/424242/x.qcow2", Body=QCOW2)  # unknown image

    def settled():
        return all(dev.get(f"{IMAGES}/{i['id']}")[1]["status"] != "UPLOAD_WAIT" for i in (good, bad))
    assert drain(settled, timeout=20)
    g = dev.get(f"{IMAGES}/{good['id']}")[1]
    assert g["status"] == "PUBLISHED" and g["imageSize"] == len(QCOW2) and g["imageFileName"] == "disk.qcow2"
    b = dev.get(f"{IMAGES}/{bad['id']}")[1]
    assert b["status"] == "UPLOAD_FAILED" and b["errorType"] == "formatMistake"
    r = dev.client.http.get(f"{IMAGES}/{good['id']}/action/download", headers={**dev.headers, "accept": "*/*"})
    assert r.body == QCOW2
    drain()
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="uploads/edgegallery/vmimage/")
            .get("Contents", [])]
    assert "uploads/edgegallery/vmimage/424242/x.qcow2" not in keys
    assert f"uploads/edgegallery/vmimage/{bad['id']}/disk.iso" not in keys
