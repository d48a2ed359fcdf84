"""CSE over real HTTP with the official SDK (huaweicloudsdkcse.v1, AK/SK signed): engine flavors, create an
engine and poll its job, show/list it, import a configuration file (multipart) and export it, delete the engine
and poll the delete job."""
from __future__ import annotations

import json
import time

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.formdata import FormFile
from huaweicloudsdkcse.v1 import (
    CreateEngineRequest, CseClient, DeleteEngineRequest, DownloadKieReqBody, DownloadKieRequest, EngineCreateReq,
    ListEnginesRequest, ListFlavorsRequest, ShowEngineJobRequest, ShowEngineRequest, UploadKieRequest,
    UploadKieRequestBody,
)

from tests.e2e.conftest import huawei_client



@pytest.fixture(scope="module")
def client(stack):
    return huawei_client(stack, CseClient, "sscse")


def wait_job(client, engine_id, job_id, timeout=90):
    deadline = time.time() + timeout
    while time.time() < deadline:
        j = client.show_engine_job(ShowEngineJobRequest(engine_id=engine_id, job_id=str(job_id)))
        if j.status in ("Finished", "Error"):
            return j
        time.sleep(0.5)
    pytest.fail(f"engine job {job_id} did not finish")


def test_cse_sdk_flow(client, tmp_path):
    flavors = client.list_flavors(ListFlavorsRequest(spec_type="CSE2"))
    assert flavors.total == 4 and "cse.s1.small2" in [f.flavor for f in flavors.data]

    created = client.create_engine(CreateEngineRequest(body=EngineCreateReq(
        name="sdk-engine", description="e2e", payment="1", flavor="cse.s1.small2", az_list=["az1"],
        auth_type="NONE", vpc="vpc-demo", vpc_id="vpc-0001", network_id="subnet-0001",
        subnet_cidr="192.168.0.0/24", spec_type="CSE2", inputs={"nodeFlavor": "s6.large.2"})))
    assert created.id and created.name == "sdk-engine" and isinstance(created.job_id, int)
    job = wait_job(client, created.id, created.job_id)
    assert job.status == "Finished" and job.type == "Create" and job.id == created.job_id
    assert job.tasks and job.tasks[0].tasks[0].job_id == created.job_id

    eng = client.show_engine(ShowEngineRequest(engine_id=created.id))
    assert eng.status == "Available" and eng.spec_type == "CSE2" and eng.latest_job_id == created.job_id
    assert eng.reference.az_list == ["az1"] and isinstance(eng.create_time, int)
    assert eng.external_entrypoint.service_endpoint["serviceCenter"].master_entrypoint.endswith(":30100")
    listed = client.list_engines(ListEnginesRequest(offset=0, limit=10))
    assert listed.total == 1 and listed.data[0].id == created.id and listed.data[0].total_instance == 100

    path = tmp_path / "custom.json"
    path.write_text(json.dumps({"data": [
        {"key": "keyItem1", "value": "valueItem1", "labels": {"1": "1"}, "status": "enabled", "value_type": "text"},
        {"key": "keyItem2", "value": "valueItem2", "labels": {}, "status": "enabled", "value_type": "text"}]}))
    with open(path, "rb") as f:
        up = client.upload_kie(UploadKieRequest(x_engine_id=created.id, override="force",
                                                label="environment:production",
                                                body=UploadKieRequestBody(upload_file=FormFile(f))))
    assert [s.key for s in up.success] == ["keyItem1", "keyItem2"] and up.failure == []
    assert up.success[0].labels == {"1": "1", "environment": "production"}
    assert isinstance(up.success[0].create_revision, int)
    down = client.download_kie(DownloadKieRequest(x_engine_id=created.id, body=DownloadKieReqBody(ids=[])))
    assert down.metadata.version == "2.0.0" and sorted(d.key for d in down.data) == ["keyItem1", "keyItem2"]
    one = client.download_kie(DownloadKieRequest(x_engine_id=created.id, label="1:1",
                                                 body=DownloadKieReqBody(ids=[])))
    assert [d.key for d in one.data] == ["keyItem1"]

    deleted = client.delete_engine(DeleteEngineRequest(engine_id=created.id))
    assert deleted.id == created.id and deleted.job_id > created.job_id
    job = wait_job(client, created.id, deleted.job_id)
    assert job.status == "Finished" and job.type == "Delete"
    with pytest.raises(ClientRequestException) as exc:
        client.show_engine(ShowEngineRequest(engine_id=created.id))
    assert exc.value.status_code == 400 and "SVCSTG.00501116" in str(exc.value)
    assert client.list_engines(ListEnginesRequest()).total == 0
