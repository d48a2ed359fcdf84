"""The JSON successes of the ServiceStage families other than application management: Git repository
authorizations and repositories (chapter 6), CSE engines and configuration import/export (chapter 12), the
ServiceComb registry (/v4, 8.3) and configuration center (kie, 8.7), IAM tokens/projects/credentials and the
out-of-date configuration items, as the services produce them (``service_git``/``gitproviders``, ``service_cse``,
``service_registry``, ``service_kie``, ``iam``, ``service_deprecated``).

Declared per route (``@api.endpoint(bp, action=..., returns=Model)``): the 2XX schema of the OpenAPI document and
what ``tests/contract_check.py`` checks every answer against. Field names are exactly the JSON keys; the registry
echoes what a client registered, so its objects are modelled by their always-present keys (unknown keys are
ignored: default pydantic config). Answers with no body (the registry's 200/304 with nothing, 204s) are not
modelled.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from pydantic import BaseModel, Field


# ================================================================ Git (chapter 6)
class GitAuthorization(BaseModel):
    name: str = Field(description="Authorization name.")
    repo_type: str = Field(description="Repository type: github, gitlab, gitee, bitbucket, devcloud.")
    repo_host: str = Field(description="Repository address.")
    repo_home: Optional[str] = Field(None, description="Repository homepage.")
    repo_user: Optional[str] = Field(None, description="Repository username.")
    avatar: Optional[str] = Field(None, description="Repository avatar.")
    avartar: Optional[str] = Field(None, description="Repository avatar.")
    token_type: str = Field(description="Authorization type: oauth, personal, password.")
    create_time: int = Field(description="Creation time (ms).")
    update_time: int = Field(description="Modification time (ms).")
    status: int = Field(description="Status: 0 normal, 1 overdue, 2 unauthenticated.")
    tag: Optional[str] = Field(None, description="Type of the authorized site. Default value: null.")


class GitAuthorizations(BaseModel):
    authorizations: List[GitAuthorization] = Field(description="Authorization structure.")
    count: int = Field(description="Total number of authorizations.")


class GitAuthorizationCreated(BaseModel):
    authorization: GitAuthorization = Field(description="The created repository authorization.")


class GitRedirectUrl(BaseModel):
    url: str = Field(description="OAuth authorization redirect URL.")


class GitNamespace(BaseModel):
    id: str = Field(description="Namespace ID.")
    name: str = Field(description="Namespace name.")


class GitNamespaces(BaseModel):
    namespaces: List[GitNamespace] = Field(description="Namespace structure.")


class GitProjectInfo(BaseModel):
    namespace_id: str = Field(description="Namespace ID.")
    namespace: str = Field(description="Namespace.")
    project_id: str = Field(description="Project ID.")
    project: str = Field(description="Project name.")


class GitProject(BaseModel):
    id: str = Field(description="Project ID.")
    name: str = Field(description="Project name.")
    clone_url: Optional[str] = Field(None, description="Clone URL.")


class GitProjects(BaseModel):
    projects: List[GitProject] = Field(description="Project structure.")


class GitBranches(BaseModel):
    branches: List[str] = Field(description="Project branch.")


class GitTags(BaseModel):
    tags: List[str] = Field(description="Project tag.")


class GitTag(BaseModel):
    name: str = Field(description="Tag name.")


class GitCommit(BaseModel):
    sha: str = Field(description="Commit ID.")
    message: Optional[str] = Field(None, description="Commit message.")
    authored_date: Optional[str] = Field(None, description="Commit (authored) time.")


class GitCommits(BaseModel):
    commits: List[GitCommit] = Field(description="Project commits structure.")


class GitHook(BaseModel):
    id: str = Field(description="Hook ID.")
    type: Optional[str] = Field(None, description="Hook type.")
    callback_url: Optional[str] = Field(None, description="Callback URL.")


class GitHooks(BaseModel):
    hooks: List[GitHook] = Field(description="Project hooks.")


class GitPaths(BaseModel):
    paths: List[str] = Field(description="File paths.")


class GitFile(BaseModel):
    path: str = Field(description="File path.")
    sha: Optional[str] = Field(None, description="Blob SHA of the file.")
    encoding: Optional[str] = Field(None, description="Encoding mode. Value: base64 or text/plain.")
    content: Optional[str] = Field(None, description="File content.")


class GitFilePath(BaseModel):
    path: str = Field(description="File path.")


# ================================================================ CSE engines and configuration (chapter 12)
class CseImportFailure(BaseModel):
    key: str = Field(description="Configuration key.")
    labels: Dict[str, Any] = Field(description="Configuration labels.")
    error_code: Optional[str] = Field(None, description="Error code.")
    error_message: Optional[str] = Field(None, description="Error message.")


class KieItem(BaseModel):
    id: str = Field(description="Configuration ID.")
    key: str = Field(description="Configuration key.")
    labels: Dict[str, str] = Field(description="Configuration labels.")
    value: str = Field(description="Configuration value.")
    value_type: str = Field(description="Type of the configuration value.")
    status: str = Field(description="Configuration status: enabled, disabled.")
    create_time: int = Field(description="Creation time (s).")
    update_time: int = Field(description="Update time (s).")
    create_revision: int = Field(description="Revision at creation.")
    update_revision: int = Field(description="Revision at the last update.")


class CseImportResult(BaseModel):
    success: List[KieItem] = Field(description="List of configuration items that are successfully imported.")
    failure: List[CseImportFailure] = Field(description="List of configuration items that fail to be imported.")


class CseExportItem(BaseModel):
    id: str = Field(description="Configuration ID.")
    key: str = Field(description="Configuration key.")
    labels: Dict[str, str] = Field(description="Configuration labels.")
    value: str = Field(description="Configuration value.")
    status: str = Field(description="Configuration status.")
    value_type: str = Field(description="Type of the configuration value.")


class CseExportMetadata(BaseModel):
    version: str = Field(description="Export format version.")
    annotations: Dict[str, Any] = Field(description="Annotations.")


class CseExportAnswer(BaseModel):
    metadata: CseExportMetadata = Field(description="Metadata of the exported file.")
    data: List[CseExportItem] = Field(description="Exported configurations.")


class CseFlavor(BaseModel):
    flavor: str = Field(description="Engine flavor.")
    description: str = Field(description="Flavor description.")


class CseFlavors(BaseModel):
    total: int = Field(description="Total number of flavors.")
    data: List[CseFlavor] = Field(description="Flavors.")


class EngineEntry(BaseModel):
    masterEntrypoint: str = Field(description="Master entry point.")
    masterEntrypointIpv6: Optional[str] = Field(None, description="Master entry point (IPv6).")
    slaveEntrypoint: Optional[str] = Field(None, description="Slave entry point.")
    slaveEntrypointIpv6: Optional[str] = Field(None, description="Slave entry point (IPv6).")
    type: Optional[str] = Field(None, description="Type.")


class EngineEndpoints(BaseModel):
    kie: Optional[EngineEntry] = Field(None, description="Endpoint information of the configuration center.")
    serviceCenter: Optional[EngineEntry] = Field(None, description="Endpoint information of the service center.")


class EngineReference(BaseModel):
    vpc: Optional[str] = Field(None, description="VPC name.")
    vpcId: Optional[str] = Field(None, description="VPC ID. The value can contain up to 64 characters.")
    azList: Optional[List[str]] = Field(None, description="List of AZs for exclusive microservice engine deployment.")
    networkId: Optional[str] = Field(None, description="Subnet network ID of an exclusive microservice engine.")
    subnetCidr: Optional[str] = Field(None, description="IPv4 subnet division of an exclusive microservice engine.")
    subnetCidrV6: Optional[str] = Field(None, description="IPv6 subnet division of an exclusive microservice engine.")
    subnetGateway: Optional[str] = Field(None, description="Subnet gateway of an exclusive microservice engine.")
    publicIpId: Optional[str] = Field(None, description="Public IP address ID of an exclusive microservice engine. You "
                                                        "need to enable public network access.")
    serviceLimit: Optional[str] = Field(None, description="Total number of microservices supported by a package.")
    instanceLimit: Optional[str] = Field(None, description="Total number of instances supported by a package.")
    inputs: Optional[Dict[str, Any]] = Field(None, description="Additional parameter of an exclusive microservice "
                                                               "engine.")


class EngineListed(BaseModel):
    id: str = Field(description="Engine ID.")
    name: str = Field(description="Engine name.")
    enterpriseProjectId: Optional[str] = Field(None, description="ID of the enterprise project to which an exclusive "
                                                                 "microservice engine belongs.")
    enterpriseProjectName: Optional[str] = Field(None, description="Name of the enterprise project to which an "
                                                                   "exclusive microservice engine belongs.")
    type: Optional[str] = Field(None, description="Engine type.")
    description: Optional[str] = Field(None, description="Engine description.")
    flavor: Optional[str] = Field(None, description="Engine flavor.")
    payment: Optional[str] = Field(None, description="Billing mode of an exclusive microservice engine. 1 indicates "
                                                     "pay-per-use, and 2 indicates free of charge.")
    authType: Optional[str] = Field(None, description="Authentication mode of an exclusive microservice engine. RBAC "
                                                      "indicates security authentication, and NONE indicates no "
                                                      "authentication.")
    status: str = Field(description="Engine status: Creating, Available, Unavailable, Deleting, Creation failed ...")
    externalAddress: Optional[str] = Field(None, description="Address for accessing an exclusive microservice engine "
                                                             "in a VPC on the tenant side.")
    serviceEndpoint: Optional[EngineEndpoints] = Field(None, description="Address for accessing an exclusive "
                                                                         "microservice engine component in a VPC on "
                                                                         "the tenant side.")
    publicAddress: Optional[str] = Field(None, description="Public network access address of an exclusive microservice "
                                                           "engine. You need to enable public network access.")
    publicServiceEndpoint: Optional[EngineEndpoints] = Field(None, description="Public network access address of an "
                                                                               "exclusive microservice engine "
                                                                               "component. You need to enable public "
                                                                               "network access.")
    totalInstance: Optional[int] = Field(None, description="Total number of instances supported by an exclusive "
                                                           "microservice engine.")
    usedInstance: Optional[int] = Field(None, description="Total number of used instances.")
    availableInstance: Optional[int] = Field(None, description="Total number of available instances.")
    version: Optional[str] = Field(None, description="Engine version.")
    latestVersion: Optional[str] = Field(None, description="Latest version of an exclusive microservice engine.")
    createTime: Optional[int] = Field(None, description="Creation time (ms).")
    dueTo: Optional[int] = Field(None, description="Expiration time of an exclusive microservice engine.")
    latestJobId: Optional[int] = Field(None, description="ID of the latest job of an exclusive microservice engine.")
    engineAdditionalActions: List[str] = Field(description="Operations the engine allows.")
    specType: Optional[str] = Field(None, description="Spec type: CSE2.")
    reference: Optional[EngineReference] = Field(None, description="Additional information about an exclusive "
                                                                   "microservice engine.")


class Engines(BaseModel):
    total: int = Field(description="Total number of engines.")
    data: List[EngineListed] = Field(description="Engines.")


class EngineNode(BaseModel):
    id: str = Field(description="Node ID.")
    az: Optional[str] = Field(None, description="AZ.")
    ip: Optional[str] = Field(None, description="Node IP address.")
    label: Optional[str] = Field(None, description="LabelView.")
    status: Optional[str] = Field(None, description="Node status.")


class EngineNodes(BaseModel):
    clusterNodes: List[EngineNode] = Field(description="Nodes.")


class EngineCceSpec(BaseModel):
    id: Optional[int] = Field(None, description="Spec record ID.")
    engineId: Optional[str] = Field(None, description="ID of an exclusive microservice engine.")
    specType: Optional[str] = Field(None, description="Spec type.")
    cluster: Optional[str] = Field(None, description="CCE cluster information about an exclusive microservice engine. "
                                                     "Currently, the value is null .")
    clusterId: Optional[str] = Field(None, description="CCE cluster ID of an exclusive microservice engine.")
    clusterNodes: Optional[EngineNodes] = Field(None, description="Cluster nodes.")
    flavor: Optional[str] = Field(None, description="Engine flavor.")
    region: Optional[str] = Field(None, description="Region.")
    version: Optional[str] = Field(None, description="Version.")
    extendParam: Optional[str] = Field(None, description="Additional parameter of the CCE cluster of an exclusive "
                                                         "microservice engine.")


class EngineEntrypoint(BaseModel):
    externalAddress: Optional[str] = Field(None, description="Address for accessing an exclusive microservice engine "
                                                             "in a VPC on the tenant side.")
    publicAddress: Optional[str] = Field(None, description="Public network access address of an exclusive microservice "
                                                           "engine. You need to enable public network access.")
    serviceEndpoint: Optional[EngineEndpoints] = Field(None, description="Address for accessing an exclusive "
                                                                         "microservice engine component in a VPC on "
                                                                         "the tenant side.")
    publicServiceEndpoint: Optional[EngineEndpoints] = Field(None, description="Public network access address of an "
                                                                               "exclusive microservice engine "
                                                                               "component. You need to enable public "
                                                                               "network access.")


class Engine(BaseModel):
    id: str = Field(description="Engine ID.")
    name: str = Field(description="Engine name.")
    projectId: Optional[str] = Field(None, description="ID of the project to which an exclusive microservice engine "
                                                       "belongs.")
    enterpriseProjectId: Optional[str] = Field(None, description="ID of the enterprise project to which an exclusive "
                                                                 "microservice engine belongs.")
    enterpriseProjectName: Optional[str] = Field(None, description="Name of the enterprise project to which an "
                                                                   "exclusive microservice engine belongs.")
    type: Optional[str] = Field(None, description="Engine type.")
    description: Optional[str] = Field(None, description="Engine description.")
    beDefault: Optional[bool] = Field(None, description="Whether the exclusive microservice engine is the default "
                                                        "engine.")
    flavor: Optional[str] = Field(None, description="Engine flavor.")
    payment: Optional[str] = Field(None, description="Billing mode of an exclusive microservice engine. 1 indicates "
                                                     "pay-per-use, and 2 indicates free of charge.")
    authType: Optional[str] = Field(None, description="Authentication mode of an exclusive microservice engine. RBAC "
                                                      "indicates security authentication, and NONE indicates no "
                                                      "authentication.")
    status: str = Field(description="Engine status.")
    publicAddress: Optional[str] = Field(None, description="Public network access address of an exclusive microservice "
                                                           "engine. You need to enable public network access.")
    version: Optional[str] = Field(None, description="Engine version.")
    latestVersion: Optional[str] = Field(None, description="Latest version of an exclusive microservice engine.")
    createTime: Optional[int] = Field(None, description="Creation time (ms).")
    createUser: Optional[str] = Field(None, description="Creator.")
    latestJobId: Optional[int] = Field(None, description="ID of the latest job of an exclusive microservice engine.")
    specType: Optional[str] = Field(None, description="Spec type.")
    reference: Optional[EngineReference] = Field(None, description="Additional information about an exclusive "
                                                                   "microservice engine.")
    vmIds: Optional[List[str]] = Field(None, description="ID list of VMs used by an exclusive microservice engine on "
                                                         "the resource tenant side.")
    engineAdditionalActions: List[str] = Field(description="Operations the engine allows.")
    externalEntrypoint: Optional[EngineEntrypoint] = Field(None, description="Entry points.")
    cceSpec: Optional[EngineCceSpec] = Field(None, description="CCE specification of an exclusive microservice engine.")


class EngineJobStarted(BaseModel):
    id: str = Field(description="Engine ID.")
    name: str = Field(description="Engine name.")
    jobId: int = Field(description="Job ID.")


class EngineTaskBrief(BaseModel):
    duration: Optional[int] = Field(None, description="Duration of a sub-job.")
    description: Optional[str] = Field(None, description="Description.")


class EngineSubTask(BaseModel):
    jobId: int = Field(description="Job ID.")
    id: int = Field(description="Task ID.")
    type: Optional[str] = Field(None, description="Job type: Create, Delete.")
    assigned: Optional[str] = Field(None, description="Executor of a sub-job.")
    taskName: Optional[str] = Field(None, description="Task executor name.")
    engineName: Optional[str] = Field(None, description="Name of the engine to which the sub-job belongs.")
    taskOrder: Optional[int] = Field(None, description="Sequence in which sub-jobs are executed, in ascending order.")
    status: Optional[str] = Field(None, description="Status.")
    startTime: Optional[int] = Field(None, description="Start time (ms).")
    endTime: Optional[int] = Field(None, description="End time (ms).")
    createTime: Optional[int] = Field(None, description="Creation time (ms).")
    updateTime: Optional[int] = Field(None, description="Update time of a sub-job.")
    timeout: Optional[int] = Field(None, description="Timeout (ms, -1: none).")
    log: Optional[str] = Field(None, description="Log.")
    output: Optional[str] = Field(None, description="Output.")
    taskExecutorBrief: Optional[EngineTaskBrief] = Field(None, description="Task executor brief.")


class EngineStep(BaseModel):
    taskName: str = Field(description="Step name.")
    taskNames: Optional[List[str]] = Field(None, description="List of procedures contained in the current phase.")
    status: Optional[str] = Field(None, description="Status.")
    startTime: Optional[int] = Field(None, description="Start time (ms).")
    endTime: Optional[int] = Field(None, description="End time (ms).")
    taskExecutorBrief: Optional[EngineTaskBrief] = Field(None, description="Task executor brief.")
    tasks: List[EngineSubTask] = Field(description="Tasks.")


class EngineJob(BaseModel):
    id: int = Field(description="Job ID.")
    engineId: str = Field(description="ID of an exclusive microservice engine.")
    type: str = Field(description="Job type: Create, Delete.")
    description: Optional[str] = Field(None, description="Description.")
    status: str = Field(description="Job status: Init, Executing, Error, Finished.")
    scheduling: Optional[int] = Field(None, description="Whether a job is being executed. 0 : no; 1 : yes.")
    createUser: Optional[str] = Field(None, description="Creator.")
    startTime: Optional[int] = Field(None, description="Start time (ms).")
    endTime: Optional[int] = Field(None, description="End time (ms).")
    context: Optional[str] = Field(None, description="Job execution context.")
    tasks: List[EngineStep] = Field(description="Steps.")


# ================================================================ the ServiceComb registry (/v4, 8.3)
class ScServiceId(BaseModel):
    serviceId: str = Field(description="Microservice ID.")


class ScSchemaId(BaseModel):
    schemaId: str = Field(description="Schema ID.")


class ScFramework(BaseModel):
    name: Optional[str] = Field(None, description="Development framework.")
    version: Optional[str] = Field(None, description="Development framework version.")


class ScMicroService(BaseModel):
    """A micro-service as registered: the documented keys, the optional ones only when set."""
    serviceId: str = Field(description="Microservice ID.")
    environment: Optional[str] = Field(None, description="Environment: development, testing, acceptance, production or "
                                                         "empty.")
    appId: str = Field(description="Application ID.")
    serviceName: str = Field(description="Microservice name.")
    version: str = Field(description="Microservice version.")
    description: Optional[str] = Field(None, description="Microservice description.")
    level: Optional[str] = Field(None, description="Microservice level. Value: FRONT, MIDDLE, or BACK.")
    registerBy: Optional[str] = Field(None, description="Microservice registration mode. Value: SDK, PLATFORM, "
                                                        "SIDECAR, or UNKNOWN.")
    schemas: Optional[List[str]] = Field(None, description="Schema IDs.")
    status: Optional[str] = Field(None, description="Microservice status: UP, DOWN.")
    timestamp: Optional[str] = Field(None, description="Creation time (s).")
    modTimestamp: Optional[str] = Field(None, description="Update time (s).")
    alias: Optional[str] = Field(None, description="Microservice alias.")
    framework: Optional[ScFramework] = Field(None, description="Development framework.")
    paths: Optional[List[Dict[str, Any]]] = Field(None, description="Service routes.")
    properties: Optional[Dict[str, str]] = Field(None, description="Extended properties.")


class ScMicroServices(BaseModel):
    services: List[ScMicroService] = Field(description="Microservices.")


class ScMicroServiceAnswer(BaseModel):
    service: ScMicroService = Field(description="Microservice.")


class ScDeleted(BaseModel):
    serviceId: str = Field(description="Microservice ID.")
    errMessage: Optional[str] = Field(None, description="Why the deletion failed (absent on success).")


class ScDeletedMany(BaseModel):
    services: List[ScDeleted] = Field(description="The deletion result of each microservice.")


class ScExistence(BaseModel):
    serviceId: Optional[str] = Field(None, description="Microservice ID (type=microservice).")
    schemaId: Optional[str] = Field(None, description="Schema ID (type=schema).")


class ScSchemaContent(BaseModel):
    schema_: str = Field(alias="schema", description="Schema content.")


class ScSchema(BaseModel):
    schemaId: str = Field(description="Schema ID.")
    summary: Optional[str] = Field(None, description="Schema summary.")
    schema_: Optional[str] = Field(None, alias="schema", description="Schema content (withSchema=1).")


class ScSchemas(BaseModel):
    schemas: List[ScSchema] = Field(description="Schemas.")


class ScInstanceId(BaseModel):
    instanceId: str = Field(description="Instance ID.")


class ScHealthCheck(BaseModel):
    mode: str = Field(description="Heartbeat mode: push, pull.")
    port: Optional[int] = Field(None, description="Port.")
    interval: Optional[int] = Field(None, description="Heartbeat interval. Unit: s. If the value is less than 5s, the "
                                                      "registration is performed at an interval of 5s.")
    times: Optional[int] = Field(None, description="Maximum retries.")


class ScDataCenter(BaseModel):
    name: str = Field(description="Region name.")
    region: str = Field(description="Region.")
    availableZone: str = Field(description="AZ.")


class ScInstance(BaseModel):
    instanceId: str = Field(description="Instance ID.")
    serviceId: str = Field(description="Microservice ID.")
    version: Optional[str] = Field(None, description="Microservice version.")
    hostName: str = Field(description="Host information.")
    endpoints: List[str] = Field(description="Access address information.")
    status: str = Field(description="Instance status: UP, DOWN, STARTING, OUTOFSERVICE, TESTING.")
    properties: Optional[Dict[str, str]] = Field(None, description="Extended properties.")
    healthCheck: Optional[ScHealthCheck] = Field(None, description="Health check.")
    dataCenterInfo: Optional[ScDataCenter] = Field(None, description="Data center.")
    timestamp: Optional[str] = Field(None, description="Creation time (s).")
    modTimestamp: Optional[str] = Field(None, description="Update time (s).")


class ScInstances(BaseModel):
    instances: Optional[List[ScInstance]] = Field(None, description="Instances.")


class ScInstanceAnswer(BaseModel):
    instance: ScInstance = Field(description="Instance.")


class ScError(BaseModel):
    errorCode: str = Field(description="Error code.")
    errorMessage: str = Field(description="Error message.")
    detail: str = Field(description="Location details.")


class ScBatchFailed(BaseModel):
    indexes: List[int] = Field(description="Index set corresponding to the request array.")
    error: ScError = Field(description="Error.")


class ScBatchUpdated(BaseModel):
    index: int = Field(description="Index corresponding to the request array.")
    rev: str = Field(description="Versions returned by the server. If the versions are the same as the versions cached "
                                 "on the client, the instances parameter is left empty.")
    instances: Optional[List[ScInstance]] = Field(None, description="Instances.")


class ScBatchResult(BaseModel):
    failed: Optional[List[ScBatchFailed]] = Field(None, description="Query failure result structure.")
    notModified: Optional[List[int]] = Field(None, description="Index set corresponding to the request array.")
    updated: Optional[List[ScBatchUpdated]] = Field(None, description="Query result structure list.")


class ScBatchFind(BaseModel):
    services: Optional[ScBatchResult] = Field(None, description="Results of the microservice queries.")
    instances: Optional[ScBatchResult] = Field(None, description="Results of the instance queries (type=query).")


class ScProviders(BaseModel):
    providers: List[ScMicroService] = Field(description="Provider microservices.")


class ScTokenAnswer(BaseModel):
    token: str = Field(description="Engine RBAC token.")


# ================================================================ kie (8.7)
class KieItems(BaseModel):
    total: int = Field(description="Total number of configurations.")
    data: List[KieItem] = Field(description="Configurations.")


# ================================================================ IAM
class IamRef(BaseModel):
    id: str = Field(description="ID.")
    name: str = Field(description="Name.")


class IamTokenProject(BaseModel):
    id: str = Field(description="Project ID.")
    name: str = Field(description="Project name.")
    domain: IamRef = Field(description="Account the project belongs to.")


class IamTokenUser(BaseModel):
    id: str = Field(description="User ID.")
    name: str = Field(description="User name.")
    password_expires_at: Optional[str] = Field(None, description="Password expiry time.")
    domain: IamRef = Field(description="Account the user belongs to.")


class IamTokenBody(BaseModel):
    expires_at: str = Field(description="Expiry time.")
    issued_at: str = Field(description="Issue time.")
    methods: List[str] = Field(description="Authentication methods.")
    project: IamTokenProject = Field(description="Project scope of the token.")
    user: IamTokenUser = Field(description="User.")
    roles: List[IamRef] = Field(description="Roles.")
    catalog: List[Any] = Field(description="Service catalog.")


class IamToken(BaseModel):
    token: IamTokenBody = Field(description="Token details (the token itself is in the X-Subject-Token header).")


class IamLinks(BaseModel):
    self: str = Field(description="Link of this resource.")
    next: Optional[str] = Field(None, description="Next page.")
    previous: Optional[str] = Field(None, description="Previous page.")


class IamProjectLinks(BaseModel):
    self: str = Field(description="Link of the project.")


class IamProject(BaseModel):
    id: str = Field(description="Project ID.")
    name: str = Field(description="Project name.")
    domain_id: str = Field(description="Account ID.")
    enabled: bool = Field(description="Whether the project is enabled.")
    is_domain: bool = Field(description="Whether it is an account.")
    parent_id: str = Field(description="Parent ID.")
    description: Optional[str] = Field(None, description="Description.")
    links: IamProjectLinks = Field(description="Links.")


class IamProjects(BaseModel):
    projects: List[IamProject] = Field(description="Project structure.")
    links: IamLinks = Field(description="Links.")


class IamCredentialBody(BaseModel):
    access: str = Field(description="Access key (AK).")
    secret: str = Field(description="Secret access key (SK), returned only at creation.")
    user_id: str = Field(description="User ID.")
    status: str = Field(description="Status: active.")
    create_time: str = Field(description="Creation time.")
    description: Optional[str] = Field(None, description="Description.")


class IamCredentialAnswer(BaseModel):
    credential: IamCredentialBody = Field(description="The created permanent access key.")


# ================================================================ out-of-date configuration items
class ConfigRevision(BaseModel):
    version: str = Field(description="Configuration revision.")


class ConfigItems(BaseModel):
    """``{"<service>@<app>": {key: value}, "<service>@<app>#<version>": {...}, "revision": {version}}``."""
    revision: ConfigRevision = Field(description="Configuration revision; the other keys are "
                                                 "<service>@<app>[#<version>] maps of configuration items.")
