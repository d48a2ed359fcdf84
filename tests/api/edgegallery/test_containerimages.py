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


def upload(caller, content: bytes, image_id=None, guid="guid-1", filename="nginx.tar", drain=None):
    """Send ``content`` in three chunks and merge; with ``drain``, run the merge job to its end."""
    image_id = image_id or str(uuid.uuid4())
    k = len(content) // 3
    for n, part in enumerate([content[:k], content[k:2 * k], content[2 * k:]], 1):
        assert send_chunk(caller, image_id, n, part, identifier=guid, filename=filename)[0] == 200
    status, out = caller.get(f"{BASE}/{image_id}/action/merge?fileName={filename}&guid={guid}")
    if drain is not None and status == 200:
        settle(caller, drain)
    return image_id, status, out


def settle(caller, drain):
    """Run the jobs until none of the caller's images is still UPLOADING_MERGING."""
    assert drain(lambda: all(i["imageStatus"] != "UPLOADING_MERGING"
                             for i in listing(caller, limit=500)["results"]), timeout=30)


def jobs_of(caller) -> list:
    """The caller's jobs, newest first."""
    from chalicelib import jobs
    return jobs.page(tenant_id=caller.account.account_id, limit=50).items


def one(caller, image_id) -> dict:
    return next(i for i in listing(caller, limit=500)["results"] if i["imageId"] == image_id)


def blobs_under(caller, image_id) -> list[str]:
    from chalicelib.core import aws
    prefix = f"tenant/{caller.account.account_id}/edgegallery/containerimage/{image_id}/"
    return [o["Key"] for o in aws.client("s3").list_objects_v2(Bucket=settings().bucket, Prefix=prefix)
            .get("Contents", [])]


def listing(caller, **body):
    status, out = caller.post(f"{BASE}/action/get-all-images", body)
    assert status == 200, out
    return out


def test_upload_merge_registers_and_pushes(dev, other_dev, drain):
    tar = image_tar("docker.io/library/nginx:1.21")
    image_id, status, out = upload(dev, tar, drain=drain)
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
    _, status, _ = upload(dev, image_tar("nginx:1.21", {"x": b"1"}), drain=drain)
    assert status == 200 and listing(dev)["total"] == 1  # the placeholder of the second upload was dropped
    assert one(dev, image_id)["imageStatus"] == "UPLOAD_SUCCEED"
    # another developer's upload of the same image: own record, own registry project
    other_id, status, out = upload(other_dev, tar, drain=drain)
    assert status == 200, out
    mine = listing(other_dev)["results"]
    assert [i["imageId"] for i in mine] == [other_id] and mine[0]["imagePath"].endswith("/nginx:1.21")
    assert listing(dev)["total"] == 1


def test_chunk_merge_and_cancel_errors(dev, guest, other_dev, drain):
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
    # merge: missing params, bad names, no parts, a missing chunk: refused in the request, nothing recorded
    assert dev.get(f"{BASE}/{iid}/action/merge?fileName=a.tar")[0] == 400
    assert dev.get(f"{BASE}/{iid}/action/merge?fileName=a/b.tar&guid=g")[0] == 400
    assert dev.get(f"{BASE}/{iid}/action/merge?fileName=a.tar&guid=no%20pe")[0] == 400
    assert dev.get(f"{BASE}/{iid}/action/merge?fileName=a.tar&guid=none")[0] == 404
    assert send_chunk(dev, iid, 2, b"second", identifier="gap")[0] == 200
    status, out = dev.get(f"{BASE}/{iid}/action/merge?fileName=a.tar&guid=gap")
    assert (status, out["retCode"]) == (400, 20019)
    assert guest.get(f"{BASE}/{iid}/action/merge?fileName=a.tar&guid=gap")[0] == 403
    assert listing(dev)["total"] == 0 and jobs_of(dev) == []
    # a non-tar upload, a tar without manifest / RepoTags, a tar with a path escape: the merge job fails,
    # the record ends UPLOAD_FAILED, the merged object is deleted, the job says why
    plain = io.BytesIO()
    with tarfile.open(fileobj=plain, mode="w") as tf:
        info = tarfile.TarInfo("readme.txt")
        info.size = 3
        tf.addfile(info, io.BytesIO(b"abc"))
    bad_ones = {"x.zip": (b"PK\x03\x04 this is a zip" * 100, "not a tar archive"),
                "plain.tar": (plain.getvalue(), "no manifest.json"), "empty.tar": (image_tar(""), "no RepoTags"),
                "evil.tar": (image_tar(extra={"../../evil": b"x"}), "not a valid image tar")}
    for filename, (bad, why) in bad_ones.items():
        bid, status, out = upload(dev, bad, filename=filename, drain=drain)
        assert status == 200, out
        got = one(dev, bid)
        assert got["imageStatus"] == "UPLOAD_FAILED" and got["fileName"] == filename, got
        assert blobs_under(dev, bid) == []
        job = jobs_of(dev)[0]
        assert job.status == "FAILED" and why in job.error and job.resource == f"containerimage/{bid}", job.error
        assert dev.get(f"{BASE}/{bid}/action/download")[0] == 404
        assert dev.delete(f"{BASE}/{bid}") == (200, True)  # a failed placeholder is removed like any record
    assert listing(dev)["total"] == 0
    # cancel drops the chunks: the merge then finds nothing
    iid2 = str(uuid.uuid4())
    assert send_chunk(dev, iid2, 1, image_tar())[0] == 200
    assert other_dev.delete(f"{BASE}/{iid2}/action/upload")[0] == 200  # their own (empty) session only
    assert dev.delete(f"{BASE}/{iid2}/action/upload")[0] == 200
    assert dev.get(f"{BASE}/{iid2}/action/merge?fileName=nginx.tar&guid=guid-1")[0] == 404
    assert guest.delete(f"{BASE}/{iid2}/action/upload")[0] == 403


def test_list_filters_sort_paging_and_visibility(dev, other_dev, eg_admin, drain):
    ids = {}
    for ref in ("alpha:1.0", "beta:1.0", "alphabet:2.0"):
        ids[ref], status, _ = upload(dev, image_tar(ref), drain=drain)
        assert status == 200
    oid, _, _ = upload(other_dev, image_tar("gamma:1.0"), drain=drain)
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


def test_modify_and_delete_rules(dev, other_dev, eg_admin, guest, drain):
    iid, _, _ = upload(dev, image_tar("web:1.0"), drain=drain)
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
    iid2, _, _ = upload(dev, image_tar("web:2.0"), drain=drain)
    assert dev.delete(f"{BASE}/{iid2}") == (200, True)


def test_synchronize_request_and_schedule(api, dev, eg_admin, drain):
    from chalice.test import Client

    from app import app as chalice_app
    iid, _, _ = upload(dev, image_tar("known:1.0"), drain=drain)
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


def test_merge_runs_as_a_job_and_guards_the_image_while_it_runs(dev, other_dev, drain):
    tar = image_tar("redis:7")
    iid = str(uuid.uuid4())
    for n, part in enumerate((tar[:4000], tar[4000:]), 1):
        assert send_chunk(dev, iid, n, part, identifier="g1", filename="redis.tar")[0] == 200
    r = dev.client.http.get(f"{BASE}/{iid}/action/merge?fileName=redis.tar&guid=g1", headers=dev.headers)
    assert (r.status_code, r.body) == (200, b"")  # answered at once, as upstream
    got = one(dev, iid)  # a placeholder shows the merge while it runs
    assert got["imageStatus"] == "UPLOADING_MERGING" and got["imageName"] == "redis" and got["imageVersion"] == ""
    assert got["fileName"] == "redis.tar" and got["imagePath"] is None
    # the same merge again is a no-op; another one is a conflict; chunks, cancel and delete wait
    assert dev.get(f"{BASE}/{iid}/action/merge?fileName=redis.tar&guid=g1")[0] == 200
    assert len(jobs_of(dev)) == 1
    status, out = dev.get(f"{BASE}/{iid}/action/merge?fileName=other.tar&guid=g2")
    assert (status, out["retCode"]) == (409, 20019)
    assert send_chunk(dev, iid, 3, b"late", identifier="g1", filename="redis.tar")[0] == 400
    assert dev.delete(f"{BASE}/{iid}/action/upload?identifier=g1")[0] == 400
    assert dev.delete(f"{BASE}/{iid}")[0] == 400
    assert other_dev.get(f"{BASE}/{iid}/action/merge?fileName=redis.tar&guid=g1")[0] == 403
    settle(dev, drain)
    got = one(dev, iid)
    assert got["imageStatus"] == "UPLOAD_SUCCEED" and (got["imageName"], got["imageVersion"]) == ("redis", "7")
    assert got["imagePath"].endswith("/developer/redis:7")
    job = jobs_of(dev)[0]
    assert job.status == "SUCCEEDED" and job.job_kind == "edgegallery.containerimage.merge"
    assert job.state["merged"]["size"] == len(tar) and job.state["merged"]["format"] == "tar"
    assert registry.get_tag(dev.account.account_id, "developer/redis", "7") is not None
    # the chunks are gone: merging again finds nothing
    assert dev.get(f"{BASE}/{iid}/action/merge?fileName=redis.tar&guid=g1")[0] == 404


def test_merge_steps_are_idempotent(dev, drain, monkeypatch):
    """A redelivered step must not fail on the deleted chunks, nor push twice."""
    from chalicelib import jobs
    from chalicelib.surfaces.edgegallery import workflows_merge
    pushes = []
    real_push = registry.push
    monkeypatch.setattr(registry, "push", lambda *a: pushes.append(a) or real_push(*a))
    iid, status, _ = upload(dev, image_tar("idem:1"))
    assert status == 200
    job = jobs_of(dev)[0]
    wf = jobs.workflow_for(job.job_kind)
    assert isinstance(wf, workflows_merge.ContainerImageMerge)
    for _ in range(2):  # apply twice: the second one finds no chunks and reuses the recorded merge
        job.refresh()
        assert wf.apply(job) is True
    for _ in range(2):
        job.refresh()
        wf.finalize(job)
    assert len(pushes) == 1 and one(dev, iid)["imageStatus"] == "UPLOAD_SUCCEED"
    # the real execution then runs the same steps again
    assert drain(lambda: jobs_of(dev)[0].status == "SUCCEEDED", timeout=30)
    assert len(pushes) == 1 and listing(dev)["total"] == 1 and one(dev, iid)["imageStatus"] == "UPLOAD_SUCCEED"


def test_remerge_under_the_same_id_replaces_the_record_and_its_claim(dev, drain):
    iid, _, _ = upload(dev, image_tar("first:1"), drain=drain)
    upload(dev, image_tar("second:1"), image_id=iid, guid="g2", drain=drain)
    assert [(i["imageId"], i["imageName"]) for i in listing(dev)["results"]] == [(iid, "second")]
    other, _, _ = upload(dev, image_tar("first:1"), drain=drain)  # the old name/version is free again
    assert one(dev, other)["imageStatus"] == "UPLOAD_SUCCEED" and listing(dev)["total"] == 2
    # a failed merge's placeholder may be merged again
    bad, _, _ = upload(dev, b"not a tar" * 100, filename="junk.tar", drain=drain)
    assert one(dev, bad)["imageStatus"] == "UPLOAD_FAILED" and one(dev, bad)["fileName"] == "junk.tar"
    upload(dev, image_tar("third:1"), image_id=bad, guid="g3", filename="third.tar", drain=drain)
    got = one(dev, bad)
    assert (got["imageStatus"], got["imageName"], got["fileName"]) == ("UPLOAD_SUCCEED", "third", "third.tar")
    assert listing(dev)["total"] == 3


def test_a_job_that_cannot_start_leaves_the_image_failed(dev, monkeypatch):
    from chalicelib import jobs
    from chalicelib.core.errors import Unavailable

    def down(*a, **kw):
        raise Unavailable("the job queue is unavailable, retry later")
    monkeypatch.setattr(jobs, "start", down)
    iid, status, out = upload(dev, image_tar("q:1"))
    assert status == 503 and out["message"] == "the job queue is unavailable, retry later"
    assert one(dev, iid)["imageStatus"] == "UPLOAD_FAILED"
