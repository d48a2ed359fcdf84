"""EdgeGallery VmApp (group 12), VmApp-network (19), VmApp-operation (22)."""
from __future__ import annotations

from chalicelib import jobs
from chalicelib.surfaces.edgegallery.common import new_uuid
from tests.api.edgegallery.test_vmimages import IMAGES, QCOW2, multipart, upload

APPS = "/mec/developer/v2/applications"
FLAVOR = "3f1a0000-0000-4000-8000-000000000001"
OPS = "/mec/developer/v2/operations"


def image(caller, name="base-img") -> int:
    assert caller.post(IMAGES, {"name": name, "visibleType": "private", "osType": "Ubuntu"})[0] == 200
    return next(i["id"] for i in caller.post(f"{IMAGES}/action/get-list", {"name": name})[1]["imageList"]
                if i["name"] == name)


def vm_body(image_id, **kw):
    return {"name": "vm1", "flavorId": FLAVOR, "imageId": image_id,
            "vmCertificate": {"certificateType": "PASSWORD",
                              "pwdCertificate": {"username": "root", "password": "Secret123"}},
            "userData": "#cloud-config", "portList": [{"name": "port1", "description": "n6",
                                                         "networkName": "MEC_APP_Private"}], **kw}


def test_vm_crud_sets_the_application_configured(dev, other_dev, guest, new_app):
    app = new_app(appClass="VM")
    base = f"{APPS}/{app['id']}"
    img = image(dev)
    assert dev.get(f"{base}/vms") == (200, [])
    status, vm = dev.post(f"{base}/vms", vm_body(img))
    assert status == 200, vm
    assert vm["status"] == "NOT_DEPLOY" and vm["imageId"] == img and len(vm["id"]) == 36
    assert vm["portList"][0]["networkName"] == "MEC_APP_Private" and vm["portList"][0]["id"]
    assert vm["vmInstantiateInfo"] is None and vm["imageExportInfo"] is None
    assert dev.get(base)[1]["status"] == "CONFIGURED"
    assert dev.get(f"{base}/vms/{vm['id']}") == (200, vm)
    assert [v["id"] for v in dev.get(f"{base}/vms")[1]] == [vm["id"]]
    detail = dev.get(f"{base}/detail")[1]["vmApp"]
    assert [v["id"] for v in detail["vmList"]] == [vm["id"]]
    assert {n["name"] for n in detail["networkList"]} == {"MEC_APP_Private", "MEC_APP_Public", "MEC_APP_MP1"}
    assert dev.put(f"{base}/vms/{vm['id']}", {"name": "vm-renamed", "status": "DEPLOYED",
                                              "portList": []}) == (200, True)
    got = dev.get(f"{base}/vms/{vm['id']}")[1]
    assert got["name"] == "vm-renamed" and got["status"] == "NOT_DEPLOY" and got["portList"] == []
    assert dev.post(f"{base}/vms", vm_body(img, name="vm-renamed"))[0] == 400  # unique per application
    # others / guests / bad ids
    assert other_dev.get(f"{base}/vms")[0] == 404
    assert other_dev.post(f"{base}/vms", vm_body(img))[0] == 404
    assert other_dev.delete(f"{base}/vms/{vm['id']}")[0] == 404
    assert guest.post(f"{base}/vms", vm_body(img))[0] in (403, 404)
    assert dev.get(f"{base}/vms/not-a-uuid")[0] == 400
    assert dev.get(f"{base}/vms/{new_uuid()}")[0] == 404
    assert dev.delete(f"{base}/vms/{vm['id']}") == (200, True)
    assert dev.get(f"{base}/vms/{vm['id']}")[0] == 404
    assert dev.post(f"{base}/vms", vm_body(img, name="vm-renamed"))[0] == 200  # name released


def test_vm_validation(dev, other_dev, new_app):
    app = new_app(appClass="VM")
    base = f"{APPS}/{app['id']}"
    img = image(dev)
    foreign = image(other_dev, "foreign")
    for bad in ({"name": ""}, {"name": "bad name!"}, {"flavorId": None}, {"flavorId": new_uuid()},
                {"imageId": "1"}, {"imageId": None}, {"imageId": 99999}, {"imageId": foreign},
                {"vmCertificate": {"certificateType": "TOKEN"}},
                {"vmCertificate": {"certificateType": "PASSWORD", "pwdCertificate": {}}},
                {"portList": [{"name": "p", "networkName": "NOPE"}]}, {"portList": "x"}, {"userData": 5}):
        status, body = dev.post(f"{base}/vms", vm_body(img, **bad))
        assert status == 400, (bad, body)
    assert dev.post(f"{base}/vms", raw="{oops")[0] == 400
    assert dev.get(f"{base}/vms")[1] == [] and dev.get(base)[1]["status"] == "CREATED"
    container = new_app()
    assert dev.post(f"{APPS}/{container['id']}/vms", vm_body(img))[0] == 400
    assert dev.get(f"{APPS}/{container['id']}/networks")[0] == 400


def test_networks_crud_and_in_use_guard(dev, other_dev, guest, new_app):
    app = new_app(appClass="VM")
    base = f"{APPS}/{app['id']}/networks"
    status, lst = dev.get(base)
    assert status == 200 and [n["name"] for n in lst] == ["MEC_APP_MP1", "MEC_APP_Private", "MEC_APP_Public"] \
        or {n["name"] for n in lst} == {"MEC_APP_Private", "MEC_APP_Public", "MEC_APP_MP1"}
    status, net = dev.post(base, {"name": "extra_net", "description": "mine"})
    assert status == 200 and set(net) == {"id", "name", "description"} and net["name"] == "extra_net"
    assert dev.get(f"{base}/{net['id']}") == (200, net)
    status, body = dev.post(base, {"name": "extra_net"})
    assert status == 400 and len(dev.get(base)[1]) == 4
    for bad in ({"name": ""}, {"name": "has space"}, {"description": 3, "name": "ok"}, {}):
        assert dev.post(base, bad)[0] == 400, bad
    assert dev.post(base, raw="[")[0] == 400
    assert dev.put(f"{base}/{net['id']}", {"name": "renamed", "description": "d2"}) == (200, True)
    assert dev.get(f"{base}/{net['id']}")[1] == {"id": net["id"], "name": "renamed", "description": "d2"}
    assert dev.put(f"{base}/{net['id']}", {"name": "MEC_APP_MP1"})[0] == 400
    # used by a VM port: delete/rename refused
    img = image(dev)
    vm = dev.post(f"{APPS}/{app['id']}/vms", vm_body(img, portList=[{"name": "p1", "networkName": "renamed"}]))[1]
    status, body = dev.delete(f"{base}/{net['id']}")
    assert status == 400 and body["message"] == "Network is used by vm port"
    assert dev.put(f"{base}/{net['id']}", {"name": "again"})[0] == 400
    assert dev.get(f"{base}/{net['id']}")[0] == 200
    assert other_dev.get(base)[0] == 404 and other_dev.delete(f"{base}/{net['id']}")[0] == 404
    assert guest.post(base, {"name": "g"})[0] in (403, 404)
    assert dev.get(f"{base}/bad-id")[0] == 400 and dev.get(f"{base}/{new_uuid()}")[0] == 404
    assert dev.delete(f"{APPS}/{app['id']}/vms/{vm['id']}") == (200, True)
    assert dev.delete(f"{base}/{net['id']}") == (200, True)
    assert dev.get(f"{base}/{net['id']}")[0] == 404
    # a deleted default does not come back
    default = next(n for n in dev.get(base)[1] if n["name"] == "MEC_APP_MP1")
    assert dev.delete(f"{base}/{default['id']}") == (200, True)
    assert "MEC_APP_MP1" not in {n["name"] for n in dev.get(base)[1]}


def test_detail_writer_applies_vm_and_network_lists(dev, new_app):
    app = new_app(appClass="VM")
    base = f"{APPS}/{app['id']}"
    img = image(dev)
    vm = dev.post(f"{base}/vms", vm_body(img))[1]
    inner = dev.get(f"{base}/detail")[1]["vmApp"]
    inner["networkList"] = [n for n in inner["networkList"] if n["name"] != "MEC_APP_Public"] + \
        [{"name": "net_new", "description": "from detail"}]
    inner["vmList"] = [dict(inner["vmList"][0], name="vm-a"),
                       vm_body(img, name="vm-b", portList=[{"name": "p", "networkName": "net_new"}])]
    assert dev.put(f"{base}/detail", {"vmApp": inner}) == (200, True)
    d = dev.get(f"{base}/detail")[1]["vmApp"]
    assert {n["name"] for n in d["networkList"]} == {"MEC_APP_Private", "MEC_APP_MP1", "net_new"}
    assert sorted(v["name"] for v in d["vmList"]) == ["vm-a", "vm-b"]
    assert any(v["id"] == vm["id"] for v in d["vmList"])
    bad = dict(d, vmList=[vm_body(img, name="vm-c", portList=[{"name": "p", "networkName": "nope"}])])
    assert dev.put(f"{base}/detail", {"vmApp": bad})[0] == 400
    assert len(dev.get(f"{base}/vms")[1]) == 2


def _deploy(dev, app, img, drain):
    base = f"{APPS}/{app['id']}"
    vm = dev.post(f"{base}/vms", vm_body(img))[1]
    assert dev.get(f"{base}/vms/{vm['id']}/action/ssh")[0] == 404  # not deployed yet
    assert dev.get(f"{base}/vms/{vm['id']}/action/vnc")[0] == 404
    assert dev.post(f"{base}/vms/{vm['id']}/action/export-image")[0] == 404
    status, body = dev.post(f"{base}/vms/{vm['id']}/action/launch")
    assert status == 200 and set(body) == {"operationId"}, body
    op = f"{OPS}/{body['operationId']}"
    assert dev.get(f"{base}/vms/{vm['id']}")[1]["vmInstantiateInfo"]["status"] in (
        "PACKAGE_GENERATING", "PACKAGE_GENERATE_SUCCESS")
    assert dev.post(f"{base}/vms/{vm['id']}/action/launch")[0] == 400  # already instantiated
    assert drain(lambda: dev.get(op)[1]["status"] != "ONGOING", timeout=30)
    return vm, dev.get(op)[1]


def test_launch_ssh_vnc_export(dev, other_dev, drain, new_app):
    app = new_app(appClass="VM")
    base = f"{APPS}/{app['id']}"
    img = image(dev)
    assert upload(dev, img, QCOW2, drain)[0] == 200
    vm, op = _deploy(dev, app, img, drain)
    assert op["status"] == "SUCCESS" and op["progress"] == 100 and op["objectType"] == "APPLICATION_INSTANCE"
    assert [a["actionName"] for a in op["actionStatusList"]] == [
        "Build Application Package", "Distribute Application Package", "Instantiate Application"]
    got = dev.get(f"{base}/vms/{vm['id']}")[1]
    info = got["vmInstantiateInfo"]
    assert got["status"] == "DEPLOYED" and info["status"] == "SUCCESS" and info["operationId"] == op["id"]
    assert info["portInstanceList"][0]["networkName"] == "MEC_APP_Private" and info["vncUrl"]
    status, ssh = dev.get(f"{base}/vms/{vm['id']}/action/ssh")
    assert status == 200 and set(ssh) == {"encoding", "id", "status", "sshAddress"} and ssh["id"] == vm["id"]
    assert dev.get(f"{base}/vms/{vm['id']}/action/vnc") == (200, {"vncUrl": info["vncUrl"]})
    assert other_dev.get(f"{base}/vms/{vm['id']}/action/ssh")[0] == 404
    assert dev.post(f"{base}/vms/{vm['id']}/action/launch")[0] == 400
    # export
    status, body = dev.post(f"{base}/vms/{vm['id']}/action/export-image")
    assert status == 200 and set(body) == {"operationId"}
    assert dev.post(f"{base}/vms/{vm['id']}/action/export-image")[0] == 400  # already exporting
    op = f"{OPS}/{body['operationId']}"
    assert drain(lambda: dev.get(op)[1]["status"] != "ONGOING", timeout=30)
    eop = dev.get(op)[1]
    assert eop["status"] == "SUCCESS" and eop["objectType"] == "VM_IMAGE_INSTANCE"
    assert [a["actionName"] for a in eop["actionStatusList"]] == ["Create Image", "Download Image"]
    got = dev.get(f"{base}/vms/{vm['id']}")[1]
    assert got["status"] == "EXPORTED" and got["imageExportInfo"]["status"] == "SUCCESS"
    new = dev.get(f"{IMAGES}/{got['targetImageId']}")[1]
    assert new["status"] == "PUBLISHED" and new["visibleType"] == "private" and new["imageSlimStatus"] == "SLIM_SUCCEED"
    assert new["name"].startswith("vm1-") and new["imageSize"] == len(QCOW2)
    # clean env (24.1) calls service_vms.clean_env: back to NOT_DEPLOY, info removed
    from chalicelib.surfaces.edgegallery import service_apps, service_vms
    service_vms.clean_env(service_apps.load(app["id"]))
    got = dev.get(f"{base}/vms/{vm['id']}")[1]
    assert got["status"] == "NOT_DEPLOY" and got["vmInstantiateInfo"] is None and got["imageExportInfo"] is None


def test_launch_failure_on_the_target(dev, drain, new_app):
    from chalicelib import targets
    for c in targets.list_clusters():
        targets.set_faults(c.name, {"pods": "crashloop"})
    app = new_app(appClass="VM")
    vm, op = _deploy(dev, app, image(dev), drain)
    assert op["status"] == "FAILED" and op["actionStatusList"][-1]["status"] == "FAILED"
    got = dev.get(f"{APPS}/{app['id']}/vms/{vm['id']}")[1]
    assert got["status"] == "NOT_DEPLOY" and got["vmInstantiateInfo"]["status"] == "INSTANTIATE_FAILED"
    for c in targets.list_clusters():
        targets.set_faults(c.name, {})
    assert dev.post(f"{APPS}/{app['id']}/vms/{vm['id']}/action/launch")[0] == 200  # a failed launch may be retried


def _files(app_id, vm_id) -> dict:
    """The VM's file entries by name (kept in the VM record; the catalog's VM shows no file fields)."""
    from chalicelib.surfaces.edgegallery import workflows_vm
    return {f["fileName"]: f for f in (workflows_vm._vm(app_id, vm_id).fields or {}).get("files") or []}


def _send_file(dev, base, parts, identifier="f1", filename="a.txt"):
    for n, part in enumerate(parts, 1):
        ct, raw = multipart({"chunkNumber": n, "identifier": identifier, "filename": filename,
                             "totalChunks": len(parts)}, part)
        r = dev.client.http.post(f"{base}/upload-file", headers={**dev.headers, "content-type": ct}, body=raw)
        assert (r.status_code, r.body) == (200, b"true")


def test_upload_file_into_a_deployed_vm(dev, drain, new_app):
    from chalicelib import blobs
    app = new_app(appClass="VM")
    vm, op = _deploy(dev, app, image(dev), drain)
    base = f"{APPS}/{app['id']}/vms/{vm['id']}/action"
    _send_file(dev, base, (b"hello ", b"world"))
    assert dev.get(f"{base}/merge-file?fileName=a.txt&identifier=f1") == (200, True)  # answered at once
    assert _files(app["id"], vm["id"])["a.txt"]["status"] == "UPLOADING_MERGING"
    assert dev.get(f"{base}/merge-file?fileName=a.txt&identifier=f1") == (200, True)  # a repeat: no second job
    status, out = dev.get(f"{base}/merge-file?fileName=a.txt&identifier=f2")
    assert (status, out["retCode"]) == (409, 20019)
    ct, raw = multipart({"chunkNumber": 3, "identifier": "f1", "filename": "a.txt"}, b"late")
    assert dev.client.http.post(f"{base}/upload-file", headers={**dev.headers, "content-type": ct},
                                body=raw).status_code == 400
    assert drain(lambda: _files(app["id"], vm["id"])["a.txt"]["status"] != "UPLOADING_MERGING", timeout=30)
    entry = _files(app["id"], vm["id"])["a.txt"]
    assert entry["status"] == "UPLOAD_SUCCEED" and entry["size"] == 11 and len(entry["sha256"]) == 64
    merges = [j for j in jobs.page(tenant_id=dev.account.account_id, limit=50).items
              if j.job_kind == "edgegallery.vm.merge-file"]
    assert [j.status for j in merges] == ["SUCCEEDED"]
    assert dev.get(f"{base}/merge-file?fileName=a.txt&identifier=f1")[0] == 404  # chunks consumed
    assert dev.get(f"{base}/merge-file?identifier=f1")[0] == 400
    assert dev.get(f"{base}/merge-file?fileName=a/b.txt&identifier=f1")[0] == 400
    _send_file(dev, base, (b"x",), identifier="gap")  # chunks 1 and 3: chunk 2 is missing
    ct, raw = multipart({"chunkNumber": 3, "identifier": "gap", "filename": "b.txt"}, b"z")
    dev.client.http.post(f"{base}/upload-file", headers={**dev.headers, "content-type": ct}, body=raw)
    status, out = dev.get(f"{base}/merge-file?fileName=b.txt&identifier=gap")
    assert (status, out["retCode"]) == (400, 20019) and "b.txt" not in _files(app["id"], vm["id"])
    r = dev.client.http.post(f"{base}/upload-file", headers={**dev.headers, "content-type": "application/json"},
                             body=b"{}")
    assert r.status_code == 400
    assert blobs.get(blobs.key(dev.account.account_id, "edgegallery", "vmfile", vm["id"], "a.txt")) == b"hello world"


def test_a_vm_file_merge_that_fails_marks_the_file_failed(dev, drain, new_app):
    from chalicelib.blobs import chunked
    app = new_app(appClass="VM")
    vm, op = _deploy(dev, app, image(dev), drain)
    base = f"{APPS}/{app['id']}/vms/{vm['id']}/action"
    _send_file(dev, base, (b"data",), identifier="gone", filename="c.bin")
    assert dev.get(f"{base}/merge-file?fileName=c.bin&identifier=gone") == (200, True)
    chunked.cancel(f"eg/vmfile/{vm['id']}/gone")  # the chunks vanish before the job runs
    assert drain(lambda: _files(app["id"], vm["id"])["c.bin"]["status"] != "UPLOADING_MERGING", timeout=30)
    entry = _files(app["id"], vm["id"])["c.bin"]
    assert entry["status"] == "UPLOAD_FAILED" and "no uploaded chunks" in entry["errorMessage"]
    # a new upload of the same file name may be merged again
    _send_file(dev, base, (b"data2",), identifier="again", filename="c.bin")
    assert dev.get(f"{base}/merge-file?fileName=c.bin&identifier=again") == (200, True)
    assert drain(lambda: _files(app["id"], vm["id"])["c.bin"]["status"] == "UPLOAD_SUCCEED", timeout=30)


def test_deleting_the_application_removes_vm_state(dev, drain, new_app):
    from chalicelib.core import aws
    from chalicelib.core.config import settings
    app = new_app(appClass="VM")
    vm, op = _deploy(dev, app, image(dev), drain)
    assert dev.delete(f"{APPS}/{app['id']}") == (200, True)
    items = aws.client("dynamodb").query(TableName=settings().table_name, KeyConditionExpression="pk = :p",
                                         ExpressionAttributeValues={":p": {"S": f"EG#APP#{app['id']}"}})["Items"]
    assert items == []
    again = new_app(appClass="VM", name=app["name"])  # the name claims were released
    assert dev.post(f"{APPS}/{again['id']}/vms", vm_body(image(dev, "img2")))[0] == 200


def test_package_generation_and_clean_env_use_the_real_vms(dev, drain, new_app):
    """24.4 reads service_vms.vms / service_vmimages.get_image; 24.1 calls service_vms.clean_env."""
    import io
    import zipfile
    app = new_app(appClass="VM")
    base = f"{APPS}/{app['id']}"
    img = image(dev)
    assert upload(dev, img, QCOW2, drain)[0] == 200
    vm, op = _deploy(dev, app, img, drain)
    status, pkg = dev.post(f"{base}/action/generate-package")
    assert status == 200, pkg
    from chalicelib.surfaces.edgegallery import service_packages
    blob = service_packages.csar_bytes(service_packages.load(pkg["id"]))
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        names = zf.namelist()
        desc = zf.read("Image/SwImageDesc.json").decode()
    assert "Image/SwImageDesc.json" in names and "base-img" in desc and "qcow2" in desc
    assert dev.post(f"{base}/action/clean-env")[0] == 200
    got = dev.get(f"{base}/vms/{vm['id']}")[1]
    assert got["status"] == "NOT_DEPLOY" and got["vmInstantiateInfo"] is None
    assert dev.get(base)[1]["status"] == "CONFIGURED"
