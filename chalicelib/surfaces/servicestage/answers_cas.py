"""The JSON successes of ServiceStage application management, V2 (chapter 4) and V3 (chapter 5), as the services
produce them (``service_v2_*``, ``service_v3_*``, ``ssjobs``).

A route declares its body model (``@api.endpoint(bp, action=..., returns=Model)``): the OpenAPI document publishes
it as the 2XX schema (ServiceStage has no envelope: the model is the whole body) and the test suite checks every
answer against it (``tests/contract_check.py``). Field names are exactly the JSON keys; times are epoch
milliseconds except the V3 records' and the jobs' ISO strings. Anything the service may omit or answer null is
Optional. Default pydantic config: unknown keys are ignored (a component's spec carries every optional setting the
client sent).
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from pydantic import BaseModel, Field


# ---------------------------------------------------------------- shared
class LabelView(BaseModel):
    key: str = Field(description="Tag key.")
    value: str = Field(description="Tag value.")


class Resource(BaseModel):
    """A resource of an environment: ``{id, name, type}``."""
    id: str = Field(description="Resource ID.")
    name: Optional[str] = Field(None, description="Resource name.")
    type: str = Field(description="Resource type: vpc, eip, elb, cce, ecs, as, cse, dcs, rds ...")


class EnvVarView(BaseModel):
    name: str = Field(description="Environment variable name.")
    value: str = Field(description="Environment variable value.")


class EnvConfigurationView(BaseModel):
    env: List[EnvVarView] = Field(description="Environment variables.")


class AppConfiguration(BaseModel):
    """An application's configuration in one environment."""
    application_id: str = Field(description="Application ID.")
    environment_id: str = Field(description="Environment ID.")
    configuration: EnvConfigurationView = Field(description="Application configuration.")


class AppConfigurations(BaseModel):
    configuration: List[AppConfiguration] = Field(description="The application's configuration in each environment.")


class JobId(BaseModel):
    job_id: str = Field(description="Job ID.")


# ---------------------------------------------------------------- V3 environments (5.1)
class V3Environment(BaseModel):
    id: str = Field(description="Environment ID.")
    name: str = Field(description="Environment name.")
    description: Optional[str] = Field(None, description="Environment description.")
    project_id: Optional[str] = Field(None, description="Project ID.")
    enterprise_project_id: Optional[str] = Field(None, description="Enterprise project ID.")
    vpc_id: Optional[str] = Field(None, description="VPC ID.")
    creator: Optional[str] = Field(None, description="Creator.")
    create_time: int = Field(description="Creation time (ms).")
    update_time: int = Field(description="Modification time (ms).")
    deploy_mode: Optional[str] = Field(None, description="Environment type: virtualmachine, container, mixed.")
    labels: Optional[List[LabelView]] = Field(None, description="Environment labels.")
    resources: Optional[List[Resource]] = Field(None, description="Resources in the environment (returned by the "
                                                                  "detail and the modification).")


class V3Environments(BaseModel):
    count: int = Field(description="Total number of environments.")
    environments: List[V3Environment] = Field(description="Environments.")


class V3Resources(BaseModel):
    resources: List[Resource] = Field(description="Resources in the environment.")


# ---------------------------------------------------------------- V3 applications (5.2)
class V3Application(BaseModel):
    id: str = Field(description="Application ID.")
    name: str = Field(description="Application name.")
    description: Optional[str] = Field(None, description="Application description.")
    creator: Optional[str] = Field(None, description="Creator.")
    project_id: Optional[str] = Field(None, description="Project ID.")
    enterprise_project_id: Optional[str] = Field(None, description="Enterprise project ID.")
    create_time: int = Field(description="Creation time (ms).")
    update_time: int = Field(description="Modification time (ms).")
    labels: Optional[List[LabelView]] = Field(None, description="Application labels.")
    component_count: Optional[int] = Field(None, description="Number of components.")


class V3Applications(BaseModel):
    count: int = Field(description="Total number of applications.")
    applications: List[V3Application] = Field(description="Applications.")


# ---------------------------------------------------------------- V3 components (5.3)
class V3RuntimeStack(BaseModel):
    name: str = Field(description="Technology stack name.")
    type: str = Field(description="Technology stack type: Java, Tomcat, Nodejs, Python, Php, Docker ...")
    version: str = Field(description="Technology stack version.")
    deploy_mode: str = Field(description="Deployment mode: container, virtualmachine.")
    status: Optional[str] = Field(None, description="Technology stack status: Supported, Deprecated.")


class V3RuntimeStacks(BaseModel):
    runtimestacks: List[V3RuntimeStack] = Field(description="Runtime system stack.")


class V3Artifact(BaseModel):
    type: str = Field(description="Artifact type: package, image.")
    url: str = Field(description="Artifact URL.")


class V3ComponentStatus(BaseModel):
    component_status: Optional[str] = Field(None, description="Component status: INITIALIZING, RUNNING, UPGRADING, "
                                                              "STOPPED ...")
    available_replica: Optional[int] = Field(None, description="Available instances.")
    replica: Optional[int] = Field(None, description="Number of instances.")
    fail_detail: Optional[str] = Field(None, description="Failure details: create_failed, delete_failed.")
    last_job_id: Optional[str] = Field(None, description="Last job ID.")
    creator: Optional[str] = Field(None, description="Creator.")
    create_time: int = Field(description="Creation time (ms).")
    update_time: int = Field(description="Modification time (ms).")
    artifact: V3Artifact = Field(description="Deployed artifact.")


class V3ComponentCreated(BaseModel):
    job_id: str = Field(description="Job ID.")
    component_id: str = Field(description="Component ID.")


class V3ComponentActionAnswer(BaseModel):
    job_id: str = Field(description="Job ID.")
    result: Optional[str] = Field(None, description="Result of the action.")


class V3SourceView(BaseModel):
    kind: str = Field(description="Source type: code, package, image.")
    version: Optional[str] = Field(None, description="Package or image version.")
    url: Optional[str] = Field(None, description="Software package or image address (package, image).")
    storage: Optional[str] = Field(None, description="Storage mode: swr, obs, codearts.")
    auth: Optional[str] = Field(None, description="Authentication mode: iam, none.")
    repo_auth: Optional[str] = Field(None, description="Code repository authorization name.")
    repo_namespace: Optional[str] = Field(None, description="Namespace of the code repository.")
    repo_ref: Optional[str] = Field(None, description="Code branch or tag (default master).")
    repo_type: Optional[str] = Field(None, description="Code repository type: GitHub, GitLab, Gitee, BitBucket.")
    web_url: Optional[str] = Field(None, description="Code repository web URL.")
    repo_url: Optional[str] = Field(None, description="Code repository URL.")


class V3BuildView(BaseModel):
    parameters: Dict[str, Any] = Field(description="Build parameters: build_cmd, dockerfile_path, artifact_namespace, "
                                                   "cluster_id, node_label_selector, environment_id.")


class V3EnvVar(BaseModel):
    name: str = Field(description="Environment variable name.")
    value: Optional[str] = Field(None, description="Environment variable value.")
    value_from: Optional[Dict[str, Any]] = Field(None, description="Variable reference.")


class V3ExternalAccessView(BaseModel):
    protocol: Optional[str] = Field(None, description="Protocol: http, https.")
    address: Optional[str] = Field(None, description="Access address.")
    forward_port: Optional[int] = Field(None, description="Port.")


class V3ReferResourceView(BaseModel):
    id: str = Field(description="Resource ID.")
    type: str = Field(description="Resource type.")
    parameters: Optional[Dict[str, Any]] = Field(None, description="Parameters: namespace for cce, hosts for ecs.")


class V3Mount(BaseModel):
    path: str = Field(description="Mount path.")
    sub_path: Optional[str] = Field(None, description="Subpath of the mount path.")
    read_only: bool = Field(description="Read only or not.")


class V3StorageView(BaseModel):
    type: str = Field(description="Storage type: HostPath, EmptyDir, ConfigMap, Secret, PersistentVolumeClaim.")
    name: str = Field(description="Storage name.")
    parameters: Dict[str, Any] = Field(description="Storage parameters: path, name, default_mode, medium.")
    mounts: List[V3Mount] = Field(description="Mount path of data storage.")


class V3GrayRelease(BaseModel):
    type: Optional[str] = Field(None, description="Gray release type: weight.")
    first_batch_weight: Optional[int] = Field(None, description="Traffic weight of the first gray batch.")
    first_batch_replica: Optional[int] = Field(None, description="Replicas of the first gray batch.")
    remaining_batch: Optional[int] = Field(None, description="Remaining batch.")
    replica_surge_mode: Optional[str] = Field(None, description="Replica surge mode.")
    deployment_mode: Optional[int] = Field(None, description="Deployment mode.")
    rule_match_mode: Optional[str] = Field(None, description="Rule match mode.")


class V3RollingRelease(BaseModel):
    batches: int = Field(description="Deployment batches.")


class V3DeployStrategy(BaseModel):
    type: str = Field(description="Upgrade strategy: OneBatchRelease, RollingRelease, GrayRelease.")
    rolling_release: Optional[V3RollingRelease] = Field(None, description="Rolling deployment parameter.")
    gray_release: Optional[V3GrayRelease] = Field(None, description="Dark launch upgrade.")


class V3Component(BaseModel):
    """A component's detail: its spec (every setting the client gave) with id, placement and status."""
    id: str = Field(description="Component ID.")
    name: str = Field(description="Component name.")
    application_id: str = Field(description="Application ID.")
    environment_id: str = Field(description="Environment ID (empty when not deployed).")
    version: Optional[str] = Field(None, description="Component version.")
    replica: Optional[int] = Field(None, description="Number of instances.")
    description: Optional[str] = Field(None, description="Component description.")
    labels: Optional[List[LabelView]] = Field(None, description="Component labels.")
    runtime_stack: Optional[V3RuntimeStack] = Field(None, description="Technology stack.")
    source: Optional[V3SourceView] = Field(None, description="Component source: a code repository or a software "
                                                         "package/image.")
    build: Optional[V3BuildView] = Field(None, description="Build.")
    limit_cpu: Optional[float] = Field(None, description="Maximum CPU limit. Unit: core.")
    limit_memory: Optional[float] = Field(None, description="Maximum memory size. Unit: GiB.")
    request_cpu: Optional[float] = Field(None, description="Applied CPU resources. Unit: core.")
    request_memory: Optional[float] = Field(None, description="Applied memory. Unit: GiB.")
    envs: Optional[List[V3EnvVar]] = Field(None, description="Environment variable list.")
    storages: Optional[List[V3StorageView]] = Field(None, description="Storage.")
    refer_resources: Optional[List[V3ReferResourceView]] = Field(None, description="Referenced resources.")
    external_accesses: Optional[List[V3ExternalAccessView]] = Field(None, description="External accesses.")
    deploy_strategy: Optional[V3DeployStrategy] = Field(None, description="Component deployment.")
    workload_kind: Optional[str] = Field(None, description="Workload kind: deployment.")
    status: V3ComponentStatus = Field(description="Component status.")


class V3ComponentListed(BaseModel):
    id: str = Field(description="Component ID.")
    name: str = Field(description="Component name.")
    application_id: str = Field(description="Application ID.")
    application_name: Optional[str] = Field(None, description="Application name.")
    environment_id: str = Field(description="Environment ID (empty when not deployed).")
    environment_name: Optional[str] = Field(None, description="Environment name.")
    creator: Optional[str] = Field(None, description="Creator.")
    version: Optional[str] = Field(None, description="Component version.")
    labels: Optional[List[LabelView]] = Field(None, description="Component labels.")
    runtime_stack: Optional[V3RuntimeStack] = Field(None, description="Technology stack.")
    source: Optional[V3SourceView] = Field(None, description="Component source.")
    external_accesses: Optional[List[V3ExternalAccessView]] = Field(None, description="External accesses.")
    platform_type: str = Field(description="Deployment platform: cce, vmapp.")
    status: V3ComponentStatus = Field(description="Component status.")


class V3Components(BaseModel):
    count: int = Field(description="Total number of components.")
    components: List[V3ComponentListed] = Field(description="Components.")


class V3RecordJobInfo(BaseModel):
    deploy_type: Optional[str] = Field(None, description="Deployment type.")
    source_url: Optional[str] = Field(None, description="Source URL of the deployed artifact.")
    first_batch_weight: Optional[int] = Field(None, description="Traffic weight of the first gray batch.")
    first_batch_replica: Optional[int] = Field(None, description="Replicas of the first gray batch.")
    replica: Optional[int] = Field(None, description="Number of instances.")
    remaining_batch: Optional[int] = Field(None, description="Remaining batch.")


class V3RecordJob(BaseModel):
    sequence: int = Field(description="Execution sequence.")
    deploy_type: Optional[str] = Field(None, description="Deployment type.")
    job_id: str = Field(description="Job ID.")
    job_info: Optional[V3RecordJobInfo] = Field(None, description="Task information.")


class V3Record(BaseModel):
    begin_time: str = Field(description="Start time.")
    end_time: Optional[str] = Field(None, description="End time.")
    description: Optional[Dict[str, Any]] = Field(None, description="Description.")
    instance_id: str = Field(description="Component ID.")
    version: str = Field(description="Deployed version.")
    current_used: bool = Field(description="Currently used parameter.")
    status: str = Field(description="Deployment status: RUNNING, SUCCEEDED, FAILED.")
    deploy_type: Optional[str] = Field(None, description="Deployment type.")
    jobs: List[V3RecordJob] = Field(description="Deployment jobs.")


class V3Records(BaseModel):
    count: int = Field(description="Total number of records.")
    records: List[V3Record] = Field(description="Record list.")


class V3JobHead(BaseModel):
    execution_status: str = Field(description="Job execution status.")
    job_id: str = Field(description="Job ID.")
    job_type: Optional[str] = Field(None, description="Job type.")
    rollback_enabled: bool = Field(description="Whether the job can be rolled back.")


class V3Task(BaseModel):
    created_at: Optional[str] = Field(None, description="Creation time.")
    update_at: Optional[str] = Field(None, description="Update time.")
    messages: Optional[str] = Field(None, description="Task messages.")
    task_id: str = Field(description="Task ID.")
    task_name: Optional[str] = Field(None, description="Task name.")
    task_status: Optional[str] = Field(None, description="Task status.")
    task_type: Optional[str] = Field(None, description="Task type.")


class V3Job(BaseModel):
    task_count: int = Field(description="Number of tasks.")
    job: V3JobHead = Field(description="Job.")
    tasks: List[V3Task] = Field(description="Tasks (paged).")


# ---------------------------------------------------------------- V2 metadata (4.1)
class V2Runtime(BaseModel):
    type_name: str = Field(description="Type.")
    display_name: str = Field(description="Display name.")
    container_default_port: int = Field(description="Default container port.")
    type_desc: Optional[str] = Field(None, description="Type description.")


class V2Runtimes(BaseModel):
    runtimes: List[V2Runtime] = Field(description="Runtime system parameters.")


class V2Flavor(BaseModel):
    flavor_id: str = Field(description="Flavor ID.")
    storage_size: str = Field(description="Storage size.")
    num_cpu: str = Field(description="CPU limit.")
    num_cpu_init: str = Field(description="Initial CPU value.")
    memory_size: str = Field(description="Memory limit.")
    memory_size_init: str = Field(description="Initial memory value.")
    label: str = Field(description="Display label.")
    custom: bool = Field(description="Whether resource specifications are customized.")


class V2Flavors(BaseModel):
    flavors: List[V2Flavor] = Field(description="Flavor parameters.")


# ---------------------------------------------------------------- V2 environments (4.2)
class V2Environment(BaseModel):
    id: str = Field(description="Environment ID.")
    name: str = Field(description="Environment name.")
    alias: Optional[str] = Field(None, description="Environment alias.")
    description: Optional[str] = Field(None, description="Environment description.")
    project_id: Optional[str] = Field(None, description="Project ID.")
    enterprise_project_id: Optional[str] = Field(None, description="Enterprise project ID.")
    charge_mode: Optional[str] = Field(None, description="Billing mode.")
    deploy_mode: str = Field(description="Deployment mode: container, virtualmachine, mixed.")
    vpc_id: str = Field(description="VPC ID.")
    base_resources: List[Resource] = Field(description="Basic resources.")
    optional_resources: List[Resource] = Field(description="Optional resources.")
    creator: Optional[str] = Field(None, description="Creator.")
    create_time: int = Field(description="Creation time (ms).")
    update_time: int = Field(description="Modification time (ms).")


class V2Environments(BaseModel):
    count: int = Field(description="Total number of environments.")
    environments: List[V2Environment] = Field(description="Environments.")


# ---------------------------------------------------------------- V2 applications (4.3)
class V2Application(BaseModel):
    id: str = Field(description="Application ID.")
    name: str = Field(description="Application name.")
    description: Optional[str] = Field(None, description="Application description.")
    creator: Optional[str] = Field(None, description="Creator.")
    project_id: Optional[str] = Field(None, description="Project ID.")
    enterprise_project_id: Optional[str] = Field(None, description="Enterprise project ID.")
    create_time: int = Field(description="Creation time (ms).")
    update_time: int = Field(description="Modification time (ms).")
    unified_model: Optional[str] = Field(None, description="Whether to enable the unified model.")
    component_count: Optional[int] = Field(None, description="Number of components.")


class V2Applications(BaseModel):
    count: int = Field(description="Total number of applications.")
    applications: List[V2Application] = Field(description="Applications.")


# ---------------------------------------------------------------- V2 components (4.4)
class V2SourceSpecView(BaseModel):
    """Code (repo_type, repo_url, repo_ref, repo_auth) or an artifact (storage, type, url, auth, properties,
    webUrl); the keys not set are omitted."""
    repo_type: Optional[str] = Field(None, description="Code repository type (lower case): github, gitlab, gitee, "
                                                       "bitbucket.")
    repo_url: Optional[str] = Field(None, description="Code repository URL.")
    repo_ref: Optional[str] = Field(None, description="Code branch (default master).")
    repo_auth: Optional[str] = Field(None, description="Code repository authorization name.")
    storage: Optional[str] = Field(None, description="Storage mode: swr, obs.")
    type: Optional[str] = Field(None, description="Category: package, image.")
    url: Optional[str] = Field(None, description="Software package or image address.")
    auth: Optional[str] = Field(None, description="Authentication mode: iam, none.")
    properties: Optional[Dict[str, Any]] = Field(None, description="Properties: endpoint, bucket, key.")
    webUrl: Optional[str] = Field(None, description="Address of the software/source code repository.")


class V2SourceView(BaseModel):
    kind: str = Field(description="Source type: code, artifact.")
    spec: V2SourceSpecView = Field(description="Source details.")


class V2BuildParametersView(BaseModel):
    build_cmd: Optional[str] = Field(None, description="Compilation command.")
    dockerfile_path: Optional[str] = Field(None, description="Dockerfile path.")
    artifact_namespace: Optional[str] = Field(None, description="Build archive organization.")
    cluster_id: Optional[str] = Field(None, description="ID of the cluster to be built.")
    cluster_name: Optional[str] = Field(None, description="Build cluster name.")
    cluster_type: Optional[str] = Field(None, description="Build cluster type.")
    use_public_cluster: Optional[bool] = Field(None, description="Whether to use the public cluster.")
    node_label_selector: Optional[Dict[str, str]] = Field(None, description="Node label selector.")


class V2BuildView(BaseModel):
    id: Optional[str] = Field(None, description="Build ID.")
    parameters: V2BuildParametersView = Field(description="Build parameters.")


class V2Component(BaseModel):
    id: str = Field(description="Component ID.")
    name: str = Field(description="Component name.")
    status: int = Field(description="Component status: 0 normal, 1 being deleted.")
    runtime: str = Field(description="Runtime system.")
    category: str = Field(description="Application component category. Example: Webapp, MicroService, or Common.")
    sub_category: Optional[str] = Field(None, description="Application component sub-category. Webapp sub-categories "
                                                          "include Web. MicroService sub-categories include Java "
                                                          "Chassis, and Spring Cloud. Common sub-category can be "
                                                          "empty.")
    description: Optional[str] = Field(None, description="Component description.")
    project_id: Optional[str] = Field(None, description="Project ID.")
    application_id: str = Field(description="Application ID.")
    source: Optional[V2SourceView] = Field(None, description="Component source.")
    build: Optional[V2BuildView] = Field(None, description="Build.")
    create_time: int = Field(description="Creation time (ms).")
    update_time: int = Field(description="Modification time (ms).")
    creator: Optional[str] = Field(None, description="Creator.")
    pipeline_ids: Optional[List[str]] = Field(None, description="Pipeline ID.")


class V2Components(BaseModel):
    count: int = Field(description="Total number of components.")
    components: List[V2Component] = Field(description="Components.")


# ---------------------------------------------------------------- V2 instances (4.5)
class V2ArtifactView(BaseModel):
    storage: str = Field(description="Storage mode: swr, obs.")
    type: str = Field(description="Category: package, image.")
    url: str = Field(description="Software package or image address.")
    auth: Optional[str] = Field(None, description="Authentication mode: iam, none.")
    version: Optional[str] = Field(None, description="Version.")
    properties: Optional[Dict[str, Any]] = Field(None, description="Properties.")


class ExternalAccess(BaseModel):
    id: Optional[str] = Field(None, description="External access ID.")
    protocol: str = Field(description="Protocol: http, https.")
    address: str = Field(description="Access address.")
    forward_port: int = Field(description="Port.")
    type: Optional[str] = Field(None, description="Type.")
    status: Optional[str] = Field(None, description="Status.")
    create_time: Optional[int] = Field(None, description="Creation time (ms).")
    update_time: Optional[int] = Field(None, description="Modification time (ms).")


class ReferResource(BaseModel):
    id: str = Field(description="Resource ID.")
    type: str = Field(description="Resource type.")
    refer_alias: Optional[str] = Field(None, description="Application alias, which is provided only in DCS scenario. "
                                                         "Value: 'distributed_session', 'distributed_cache', "
                                                         "'distributed_session, distributed_cache'. Default value: "
                                                         "'distributed_session, distributed_cache'.")
    parameters: Optional[Dict[str, Any]] = Field(None, description="Parameters.")


class V2StatusDetail(BaseModel):
    enterprise_project_id: Optional[str] = Field(None, description="Enterprise project ID.")
    status: Optional[str] = Field(None, description="Instance status: INITIALIZING, RUNNING, DOWN, STOPPED, FAILED ...")
    available_replica: int = Field(description="Available instances.")
    replica: int = Field(description="Number of instances.")
    fail_detail: Optional[str] = Field(None, description="Failure details.")
    last_job_id: Optional[str] = Field(None, description="Last job ID.")
    last_job_status: Optional[str] = Field(None, description="Latest job status.")


class V2InstanceCreated(BaseModel):
    instance_id: str = Field(description="Component instance ID.")
    job_id: str = Field(description="Job ID.")


class V2Instance(BaseModel):
    id: str = Field(description="Component instance ID.")
    name: str = Field(description="Component instance name.")
    description: Optional[str] = Field(None, description="Description.")
    environment_id: str = Field(description="Environment ID.")
    platform_type: str = Field(description="Deployment platform: cce, vmapp.")
    flavor_id: str = Field(description="Resource flavor.")
    artifacts: Dict[str, V2ArtifactView] = Field(description="Artifacts; the key is the component name.")
    version: str = Field(description="Component instance version.")
    configuration: Optional[Dict[str, Any]] = Field(None, description="Configuration parameters.")
    creator: Optional[str] = Field(None, description="Creator.")
    create_time: int = Field(description="Creation time (ms).")
    update_time: int = Field(description="Modification time (ms).")
    external_accesses: List[ExternalAccess] = Field(description="External accesses.")
    refer_resources: List[ReferResource] = Field(description="Referenced resources.")
    status_detail: V2StatusDetail = Field(description="Status details.")


class V2InstanceListed(BaseModel):
    id: str = Field(description="Component instance ID.")
    application_id: str = Field(description="Application ID.")
    application_name: Optional[str] = Field(None, description="Application name.")
    component_id: str = Field(description="Component ID.")
    component_name: Optional[str] = Field(None, description="Component name.")
    name: str = Field(description="Component instance name.")
    environment_id: str = Field(description="Environment ID.")
    environment_name: Optional[str] = Field(None, description="Environment name.")
    platform_type: str = Field(description="Deployment platform.")
    version: str = Field(description="Component instance version.")
    external_accesses: List[ExternalAccess] = Field(description="External accesses.")
    artifacts: Dict[str, V2ArtifactView] = Field(description="Deployed artifact.")
    creator: Optional[str] = Field(None, description="Creator.")
    create_time: int = Field(description="Creation time (ms).")
    update_time: int = Field(description="Modification time (ms).")
    status_detail: V2StatusDetail = Field(description="Status details.")


class V2Instances(BaseModel):
    count: int = Field(description="Total number of component instances.")
    instances: List[V2InstanceListed] = Field(description="Component instances.")


class V2Snapshot(BaseModel):
    create_time: int = Field(description="Creation time (ms).")
    description: Optional[str] = Field(None, description="Description.")
    instance_id: str = Field(description="Component instance ID.")
    version: str = Field(description="Component instance version.")


class V2Snapshots(BaseModel):
    count: int = Field(description="Total number of snapshots.")
    snapshots: List[V2Snapshot] = Field(description="Snapshot parameters.")


# ---------------------------------------------------------------- V2 jobs (4.6)
class V2JobHead(BaseModel):
    CREATED_BY: Optional[str] = Field(None, description="Creator.")
    EXECUTION_STATUS: str = Field(description="Execution status. • SUBMITTED • SCHEDULED • RUNNING • FAILED • "
                                              "SUCCEEDED • CANCELLED • PARTIALLY_FAILED • ROLLBACKING • ROLLBACKED • "
                                              "UNKNOWN")
    JOB_DESC: Optional[str] = Field(None, description="Job description.")
    JOB_ID: str = Field(description="Job ID.")
    JOB_NAME: Optional[str] = Field(None, description="Job name.")
    JOB_TYPE: Optional[str] = Field(None, description="Type. • PROVISION • DEPROVISION • DAILY_OPERATION • "
                                                      "SYSTEM_INNER • UNKNOWN")
    ORDER_ID: Optional[str] = Field(None, description="Order ID.")
    PROJECT_ID: Optional[str] = Field(None, description="Tenant's project ID.")
    SERVICE_INSTANCE_ID: Optional[str] = Field(None, description="Instance ID.")


class V2Task(BaseModel):
    TASK_ID: str = Field(description="Task ID.")
    TASK_INDEX: int = Field(description="Task index.")
    TASK_NAME: Optional[str] = Field(None, description="Task name.")
    TASK_TYPE: Optional[str] = Field(None, description="Task type. • kube: Kubernetes task • restful: RESTful HTTP "
                                                       "request task • sleep: sleep waiting task • echo: output task • "
                                                       "context • sub-job")
    TASK_STATUS: Optional[str] = Field(None, description="Task status. • SUBMITTED • SCHEDULED • RUNNING • FAILED • "
                                                         "SUCCEEDED • CANCELLED • PARTIALLY_FAILED • SKIPPED • "
                                                         "ROLLBACKING • ROLLBACKED • UNKNOWN")
    CREATED_AT: Optional[str] = Field(None, description="Creation time.")
    LAST_HEALTH_CHECK: Optional[str] = Field(None, description="Health check time.")
    MESSAGES: Optional[Any] = Field(None, description="Message.")
    OWNER_ID: Optional[str] = Field(None, description="Creator ID.")


class V2Job(BaseModel):
    task_count: int = Field(description="Number of tasks.")
    job: V2JobHead = Field(description="Job.")
    tasks: List[V2Task] = Field(description="Tasks (paged).")
