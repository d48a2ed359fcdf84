"""ServiceStage application management V2 over real HTTP with the official SDK (huaweicloudsdkservicestage.v2,
AK/SK signed): create an environment, an application and a component, deploy an instance, poll its job to
success, change it (scale, upgrade), delete it, tear everything down."""
from __future__ import annotations

import time

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkservicestage.v2 import (
    ApplicationConfigModify, ApplicationConfigModifyConfiguration, ApplicationConfigModifyConfigurationEnv,
    ApplicationCreate, ChangeApplicationConfigurationRequest, ChangeInstanceRequest, ComponentCreate,
    CreateApplicationRequest, CreateComponentRequest, CreateEnvironmentRequest, CreateInstanceRequest,
    DeleteApplicationRequest, DeleteComponentRequest, DeleteEnvironmentRequest, DeleteInstanceRequest,
    EnvironmentCreate, InstanceAction, InstanceActionParameters, InstanceCreate, InstanceModify,
    ListEnvironmentsRequest, ListInstanceSnapshotsRequest, ListInstancesRequest, ReferResourceCreate, Resource,
    ServiceStageClient, ShowApplicationConfigurationRequest, ShowApplicationDetailRequest,
    ShowComponentDetailRequest, ShowEnvironmentDetailRequest, ShowInstanceDetailRequest, ShowJobDetailRequest,
    SourceObject, SourceOrArtifact, UpdateInstanceActionRequest,
)

from tests.e2e.conftest import huawei_client



@pytest.fixture(scope="module")
def client(stack):
    return huawei_client(stack, ServiceStageClient, "ssv2")


def wait_job(client, job_id, instance_id, timeout=90):
    deadline = time.time() + timeout
    while time.time() < deadline:
        j = client.show_job_detail(ShowJobDetailRequest(job_id=job_id, instance_id=instance_id))
        if j.job.execution_status in ("SUCCEEDED", "FAILED"):
            return j
        time.sleep(0.5)
    pytest.fail(f"job {job_id} did not finish")


def test_v2_sdk_flow(client):
    env = client.create_environment(CreateEnvironmentRequest(body=EnvironmentCreate(
        name="sdk-env", deploy_mode="container", vpc_id="vpc-1",
        base_resources=[Resource(id="edge-beijing", type="cce")])))
    assert env.id and env.name == "sdk-env" and isinstance(env.create_time, int)
    assert env.base_resources[0].id == "edge-beijing"
    listed = client.list_environments(ListEnvironmentsRequest(limit=10))
    assert listed.count == 1 and listed.environments[0].id == env.id
    assert client.show_environment_detail(ShowEnvironmentDetailRequest(environment_id=env.id)).vpc_id == "vpc-1"

    app = client.create_application(CreateApplicationRequest(body=ApplicationCreate(name="sdk-app")))
    assert app.id and app.name == "sdk-app"
    conf = client.change_application_configuration(ChangeApplicationConfigurationRequest(
        application_id=app.id, body=ApplicationConfigModify(environment_id=env.id,
                                                            configuration=ApplicationConfigModifyConfiguration(
                                                                env=[ApplicationConfigModifyConfigurationEnv(
                                                                    name="REGION", value="north")]))))
    assert conf.configuration.env[0].value == "north"
    shown = client.show_application_configuration(ShowApplicationConfigurationRequest(application_id=app.id))
    assert shown.configuration[0].environment_id == env.id

    comp = client.create_component(CreateComponentRequest(application_id=app.id, body=ComponentCreate(
        name="sdk-comp", runtime="Docker", category="Webapp", sub_category="Web",
        source=SourceObject(kind="artifact", spec=SourceOrArtifact(storage="swr", type="image",
                                                                   url="swr.example.com/o/web:1.0", auth="iam")))))
    assert comp.id and comp.status == 0 and comp.runtime == "Docker"
    assert client.show_component_detail(ShowComponentDetailRequest(application_id=app.id,
                                                                   component_id=comp.id)).name == "sdk-comp"
    assert client.show_application_detail(ShowApplicationDetailRequest(application_id=app.id)).component_count == 1

    created = client.create_instance(CreateInstanceRequest(application_id=app.id, component_id=comp.id,
                                                           body=InstanceCreate(
        name="sdk-inst", environment_id=env.id, flavor_id="MICRO-5G:0.5C:1G", replica=1, version="1.0.0",
        artifacts={"web": {"storage": "swr", "type": "image", "url": "swr.example.com/o/web:1.0", "auth": "iam"}},
        refer_resources=[ReferResourceCreate(id="edge-beijing", type="cce", parameters={"namespace": "sdk"})])))
    assert created.instance_id and created.job_id.startswith("JOB")
    job = wait_job(client, created.job_id, created.instance_id)
    assert job.job.execution_status == "SUCCEEDED" and job.task_count == len(job.tasks) == 3
    assert job.tasks[0].task_index == 1 and job.tasks[0].task_status == "SUCCEEDED"
    ids = dict(application_id=app.id, component_id=comp.id, instance_id=created.instance_id)
    inst = client.show_instance_detail(ShowInstanceDetailRequest(**ids))
    assert inst.status_detail.status == "RUNNING" and inst.status_detail.available_replica == 1
    assert inst.status_detail.last_job_id == created.job_id and inst.version == "1.0.0"
    listed = client.list_instances(ListInstancesRequest(application_id=app.id, component_id=comp.id))
    assert listed.count == 1 and listed.instances[0].environment_name == "sdk-env"

    # change it: scale, then upgrade
    act = client.update_instance_action(UpdateInstanceActionRequest(**ids, body=InstanceAction(
        action="scale", parameters=InstanceActionParameters(replica=2))))
    assert wait_job(client, act.job_id, created.instance_id).job.execution_status == "SUCCEEDED"
    assert client.show_instance_detail(ShowInstanceDetailRequest(**ids)).status_detail.replica == 2
    up = client.change_instance(ChangeInstanceRequest(**ids, body=InstanceModify(version="1.1.0")))
    assert wait_job(client, up.job_id, created.instance_id).job.execution_status == "SUCCEEDED"
    assert client.show_instance_detail(ShowInstanceDetailRequest(**ids)).version == "1.1.0"
    snaps = client.list_instance_snapshots(ListInstanceSnapshotsRequest(**ids, snapshot_order_by="version",
                                                                        order="asc"))
    assert snaps.count == 2 and [s.version for s in snaps.snapshots] == ["1.0.0", "1.1.0"]

    # errors come back as SDK exceptions with the ServiceStage code
    with pytest.raises(ClientRequestException) as exc:
        client.delete_environment(DeleteEnvironmentRequest(environment_id=env.id))
    assert exc.value.status_code == 409 and exc.value.error_code == "SVCSTG.00100426"

    # delete it, then tear down
    gone = client.delete_instance(DeleteInstanceRequest(**ids))
    assert wait_job(client, gone.job_id, created.instance_id).job.execution_status == "SUCCEEDED"
    with pytest.raises(ClientRequestException) as exc:
        client.show_instance_detail(ShowInstanceDetailRequest(**ids))
    assert exc.value.status_code == 404 and exc.value.error_code == "SVCSTG.00100412"
    client.delete_component(DeleteComponentRequest(application_id=app.id, component_id=comp.id))
    client.delete_application(DeleteApplicationRequest(application_id=app.id))
    client.delete_environment(DeleteEnvironmentRequest(environment_id=env.id))
    assert client.list_environments(ListEnvironmentsRequest()).count == 0
