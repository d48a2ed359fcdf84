"""ServiceStage application management V3 over real HTTP with the official SDK (huaweicloudsdkservicestage.v3,
AK/SK signed): environment (+ resources), application (+ configuration), a component created in the
environment, its job polled through the SDK's V3 job API, modify, scale action, records, delete, tear down."""
from __future__ import annotations

import time

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkservicestage.v3 import (
    ApplicationConfigModify, ApplicationConfigModifyConfiguration, ApplicationConfigModifyConfigurationEnv,
    ApplicationCreate, ComponentAction, ComponentActionParameters, ComponentCreate, ComponentEnvironment,
    ComponentModify, CreateApplicationRequest, CreateComponentRequest, CreateEnvironmentRequest,
    DeleteApplicationRequest, DeleteComponentRequest, DeleteEnvironmentRequest, EnvironmentCreate,
    EnvironmentCreateLabels, EnvironmentResourceModify, ModifyApplicationConfigurationRequest,
    ModifyComponentRequest, ModifyResourceInEnvironmentRequest, ReferResourceCreate,
    ReferResourceCreateParameters, Resource, RuntimeStack, ServiceStageClient, ShowApplicationInfoRequest,
    ShowComponentInfoRequest, ShowComponentRecordsRequest, ShowComponentsInApplicationRequest,
    ShowComponentsRequest, ShowEnvironmentInfoRequest, ShowEnvironmentsRequest, ShowJobInfoRequest,
    ShowRuntimeStacksRequest, SourceObject, UpdateComponentActionRequest,
)

from tests.e2e.conftest import huawei_client



@pytest.fixture(scope="module")
def client(stack):
    return huawei_client(stack, ServiceStageClient, "ssv3")


def wait_job(client, job_id, timeout=90):
    deadline = time.time() + timeout
    while time.time() < deadline:
        j = client.show_job_info(ShowJobInfoRequest(job_id=job_id))
        if j.job.execution_status in ("SUCCEEDED", "FAILED"):
            return j
        time.sleep(0.5)
    pytest.fail(f"job {job_id} did not finish")


def _spec(version, replica=1):
    return dict(name="sdk-web", runtime_stack=RuntimeStack(name="OpenJDK8", type="Java", version="1.2.0",
                                                          deploy_mode="container"),
                source=SourceObject(kind="image", url="swr.local/sdk/web:1", storage="swr"),
                version=version, replica=replica, envs=[ComponentEnvironment(name="MODE", value="e2e")],
                refer_resources=[ReferResourceCreate(id="edge-beijing", type="cce",
                                                     parameters=ReferResourceCreateParameters(namespace="sdk"))])


def test_v3_sdk_flow(client):
    stacks = client.show_runtime_stacks(ShowRuntimeStacksRequest())
    assert any(s.name == "OpenJDK8" and s.deploy_mode == "container" for s in stacks.runtimestacks)

    env = client.create_environment(CreateEnvironmentRequest(body=EnvironmentCreate(
        name="sdk-env3", deploy_mode="container", vpc_id="vpc-1",
        labels=[EnvironmentCreateLabels(key="stage", value="e2e")])))
    assert env.id and env.name == "sdk-env3" and isinstance(env.create_time, int) and env.labels[0].key == "stage"
    res = client.modify_resource_in_environment(ModifyResourceInEnvironmentRequest(
        environment_id=env.id, body=EnvironmentResourceModify(resources=[Resource(id="edge-beijing", type="cce")])))
    assert res.resources[0].id == "edge-beijing"
    shown = client.show_environment_info(ShowEnvironmentInfoRequest(environment_id=env.id))
    assert shown.resources[0].id == "edge-beijing"
    listed = client.show_environments(ShowEnvironmentsRequest(limit=10, name="sdk-env3"))
    assert listed.count == 1 and listed.environments[0].id == env.id

    app = client.create_application(CreateApplicationRequest(body=ApplicationCreate(name="sdk-app3")))
    assert app.id and isinstance(app.update_time, int)
    cfg = client.modify_application_configuration(ModifyApplicationConfigurationRequest(
        application_id=app.id, body=ApplicationConfigModify(
            environment_id=env.id, configuration=ApplicationConfigModifyConfiguration(
                env=[ApplicationConfigModifyConfigurationEnv(name="REGION", value="local")]))))
    assert cfg.configuration.env[0].name == "REGION"

    created = client.create_component(CreateComponentRequest(application_id=app.id, body=ComponentCreate(
        environment_id=env.id, **_spec("1.0.0"))))
    assert created.job_id.startswith("JOB") and created.component_id
    job = wait_job(client, created.job_id)
    assert job.job.execution_status == "SUCCEEDED" and job.task_count == len(job.tasks) == 3
    assert job.job.job_id == created.job_id and all(t.task_status == "SUCCEEDED" for t in job.tasks)
    comp = client.show_component_info(ShowComponentInfoRequest(application_id=app.id,
                                                                component_id=created.component_id))
    assert comp.status.component_status == "RUNNING" and comp.status.available_replica == 1
    assert comp.version == "1.0.0" and comp.runtime_stack.name == "OpenJDK8" and comp.replica == 1
    assert comp.status.last_job_id == created.job_id and isinstance(comp.status.create_time, int)

    modified = client.modify_component(ModifyComponentRequest(application_id=app.id,
                                                              component_id=created.component_id,
                                                              body=ComponentModify(**_spec("1.0.1"))))
    assert wait_job(client, modified.job_id).job.execution_status == "SUCCEEDED"
    act = client.update_component_action(UpdateComponentActionRequest(
        application_id=app.id, component_id=created.component_id,
        body=ComponentAction(action="scale", parameters=ComponentActionParameters(replica=2))))
    assert act.result == "succeeded"
    assert wait_job(client, act.job_id).job.execution_status == "SUCCEEDED"
    comp = client.show_component_info(ShowComponentInfoRequest(application_id=app.id,
                                                                component_id=created.component_id))
    assert comp.version == "1.0.1" and comp.replica == 2 and comp.status.available_replica == 2

    recs = client.show_component_records(ShowComponentRecordsRequest(application_id=app.id,
                                                                      component_id=created.component_id))
    assert recs.count == 2 and {r.version for r in recs.records} == {"1.0.0", "1.0.1"}
    assert [r.current_used for r in recs.records if r.version == "1.0.1"] == [True]
    in_app = client.show_components_in_application(ShowComponentsInApplicationRequest(application_id=app.id))
    assert in_app.count == 1 and in_app.components[0].environment_name == "sdk-env3"
    assert client.show_components(ShowComponentsRequest(application_name="sdk-app3")).count == 1
    assert client.show_application_info(ShowApplicationInfoRequest(application_id=app.id)).component_count == 1

    with pytest.raises(ClientRequestException) as err:
        client.delete_environment(DeleteEnvironmentRequest(environment_id=env.id))
    assert err.value.status_code == 409 and err.value.error_code == "SVCSTG.00100426"

    client.delete_component(DeleteComponentRequest(application_id=app.id, component_id=created.component_id))
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            client.show_component_info(ShowComponentInfoRequest(application_id=app.id,
                                                                component_id=created.component_id))
        except ClientRequestException as exc:
            assert exc.status_code == 404 and exc.error_code == "SVCSTG.00100404"
            break
        time.sleep(0.5)
    else:
        pytest.fail("the component was not deleted")
    client.delete_application(DeleteApplicationRequest(application_id=app.id))
    client.delete_environment(DeleteEnvironmentRequest(environment_id=env.id))
    with pytest.raises(ClientRequestException) as err:
        client.show_environment_info(ShowEnvironmentInfoRequest(environment_id=env.id))
    assert err.value.status_code == 404
