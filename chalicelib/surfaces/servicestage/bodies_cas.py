"""Documented request bodies of application management V2 (seed 003 chapter 4) and V3 (chapter 5).

Checked by :func:`~chalicelib.surfaces.servicestage.bodies.body_of` before the services' own rules
(:mod:`.service_v2_apps`, :mod:`.service_v2_instances`, :mod:`.service_v3_envs`, :mod:`.service_v3_apps`,
:mod:`.service_v3_spec`, :mod:`.service_v3_components`), which keep the required fields, patterns, lengths and
enums.
"""
from __future__ import annotations

from typing import Any, Optional

from pydantic import Field

from chalicelib.surfaces.servicestage.bodies import Doc


# ============================================================================ shared pieces
class EnvVar(Doc):
    """An environment variable."""
    name: Optional[str] = Field(None, description="variable name: letters, digits, '_', '-' or '.', not starting "
                                                  "with a digit")
    value: Optional[str] = Field(None, description="variable value")


class EnvConfiguration(Doc):
    """Application configuration: the environment variables it injects."""
    env: Optional[list[EnvVar]] = Field(None, description="environment variables (required)")


# ============================================================================ V2: environments (4.2)
class V2Resource(Doc):
    """A resource of an environment."""
    id: Optional[str] = Field(None, description="resource ID (required)")
    type: Optional[str] = Field(None, description="resource type: security_group, eip, elb, cce, cci, ecs, as, cse, "
                                                  "dcs, rds, pvc or apm")
    name: Optional[str] = Field(None, description="resource name (default: the ID)")


class V2EnvironmentCreate(Doc):
    """4.2.1 create an environment (name, deploy_mode and vpc_id are required)."""
    name: Optional[str] = Field(None, description="2-64 letters, digits, '_' or '-', starting with a letter")
    alias: Optional[str] = Field(None, description="alias, at most 64 characters")
    deploy_mode: Optional[str] = Field(None, description="virtualmachine or container")
    description: Optional[str] = Field(None, description="at most 128 characters")
    enterprise_project_id: Optional[str] = Field(None, description="enterprise project ID (default 0)")
    charge_mode: Optional[str] = Field(None, description="provided (default), on_demanded or monthly")
    vpc_id: Optional[str] = Field(None, description="VPC ID")
    base_resources: Optional[list[V2Resource]] = Field(None, description="basic resources (cce for container, "
                                                                         "ecs or as for virtualmachine)")
    optional_resources: Optional[list[V2Resource]] = Field(None, description="optional resources")


class V2EnvironmentChange(Doc):
    """4.2.3 modify an environment."""
    name: Optional[str] = Field(None, description="new name")
    alias: Optional[str] = Field(None, description="new alias")
    description: Optional[str] = Field(None, description="new description")


class V2EnvironmentResources(Doc):
    """4.2.6 add or remove resources of an environment."""
    add_base_resources: Optional[list[V2Resource]] = Field(None, description="basic resources to add")
    add_optional_resources: Optional[list[V2Resource]] = Field(None, description="optional resources to add")
    remove_resources: Optional[list[V2Resource]] = Field(None, description="resources to remove")


# ============================================================================ V2: applications (4.3)
class V2ApplicationCreate(Doc):
    """4.3.1 create an application (name is required)."""
    name: Optional[str] = Field(None, description="2-64 letters, digits, '_' or '-', starting with a letter")
    description: Optional[str] = Field(None, description="at most 128 characters")
    enterprise_project_id: Optional[str] = Field(None, description="enterprise project ID (default 0)")


class V2ApplicationChange(Doc):
    """4.3.3 modify an application."""
    name: Optional[str] = Field(None, description="new name")
    description: Optional[str] = Field(None, description="new description")


class V2ApplicationConfiguration(Doc):
    """4.3.6 set the application configuration of an environment."""
    environment_id: Optional[str] = Field(None, description="environment ID (required)")
    configuration: Optional[EnvConfiguration] = Field(None, description="the configuration (required)")


# ============================================================================ V2: components (4.4)
class V2SourceSpec(Doc):
    """Where a component's code or artifact is."""
    repo_type: Optional[str] = Field(None, description="code: GitHub, GitLab, Gitee or BitBucket")
    repo_url: Optional[str] = Field(None, description="code: repository URL")
    repo_ref: Optional[str] = Field(None, description="code: branch or tag (default master)")
    repo_auth: Optional[str] = Field(None, description="code: name of the Git authorization")
    storage: Optional[str] = Field(None, description="artifact: swr or obs")
    type: Optional[str] = Field(None, description="artifact: package (default) or image")
    url: Optional[str] = Field(None, description="artifact: its URL")
    auth: Optional[str] = Field(None, description="artifact: iam (default) or none")
    properties: Optional[dict] = Field(None, description="artifact: storage properties")
    webUrl: Optional[str] = Field(None, description="artifact: web address")
    web_url: Optional[str] = Field(None, description="artifact: web address (alternative spelling)")


class V2Source(Doc):
    """A component's source."""
    kind: Optional[str] = Field(None, description="code or artifact (required)")
    spec: Optional[V2SourceSpec] = Field(None, description="the source (required)")


class V2BuildParameters(Doc):
    build_cmd: Optional[str] = Field(None, description="build command")
    dockerfile_path: Optional[str] = Field(None, description="Dockerfile path (default .)")
    artifact_namespace: Optional[str] = Field(None, description="SWR organisation (default cas_{project_id})")
    cluster_id: Optional[str] = Field(None, description="build cluster ID")
    cluster_name: Optional[str] = Field(None, description="build cluster name")
    cluster_type: Optional[str] = Field(None, description="build cluster type")
    use_public_cluster: Optional[bool] = Field(None, description="build on the public cluster")
    node_label_selector: Optional[dict[str, str]] = Field(None, description="labels of the build nodes")
    node_selector: Optional[dict[str, str]] = Field(None, description="labels of the build nodes (older name)")


class V2Build(Doc):
    """How a component is built."""
    parameters: Optional[V2BuildParameters] = Field(None, description="build parameters")


class V2ComponentCreate(Doc):
    """4.4.1 create a component (name, runtime and category are required)."""
    name: Optional[str] = Field(None, description="2-64 letters, digits, '_' or '-', starting with a letter")
    runtime: Optional[str] = Field(None, description="runtime (GET /v2/{project_id}/cas/metadata/runtimes)")
    category: Optional[str] = Field(None, description="Webapp, MicroService or Common")
    sub_category: Optional[str] = Field(None, description="e.g. Web, SpringCloud, Java Chassis, Go Chassis")
    description: Optional[str] = Field(None, description="at most 128 characters")
    source: Optional[V2Source] = Field(None, description="code or artifact source")
    build: Optional[V2Build] = Field(None, description="build settings")


class V2ComponentChange(Doc):
    """4.4.3 modify a component."""
    name: Optional[str] = Field(None, description="new name")
    description: Optional[str] = Field(None, description="new description")
    source: Optional[V2Source] = Field(None, description="new source")
    build: Optional[V2Build] = Field(None, description="new build settings")


# ============================================================================ V2: instances (4.5)
class V2Artifact(Doc):
    """An artifact of a component instance."""
    storage: Optional[str] = Field(None, description="swr or obs (required)")
    type: Optional[str] = Field(None, description="package or image (required)")
    url: Optional[str] = Field(None, description="artifact URL (required)")
    auth: Optional[str] = Field(None, description="iam (default) or none")
    version: Optional[str] = Field(None, description="artifact version")
    properties: Optional[dict] = Field(None, description="storage properties")


class V2Strategy(Doc):
    upgrade: Optional[str] = Field(None, description="Recreate or RollingUpdate (default)")


class V2InstanceConfiguration(Doc):
    """Instance configuration (further keys are kept as sent)."""
    env: Optional[list[EnvVar]] = Field(None, description="environment variables")
    strategy: Optional[V2Strategy] = Field(None, description="upgrade strategy")
    storage: Optional[list] = Field(None, description="storages")
    lifecycle: Optional[dict] = Field(None, description="lifecycle hooks")
    scheduler: Optional[dict] = Field(None, description="scheduling")
    probes: Optional[dict] = Field(None, description="health probes")
    container_spec: Optional[dict] = Field(None, description="container specification")


class V2ExternalAccess(Doc):
    """An external access address."""
    protocol: Optional[str] = Field(None, description="http or https (required)")
    address: Optional[str] = Field(None, description="address (required)")
    forward_port: Optional[int] = Field(None, description="port 1-65535 (required)")
    id: Optional[Any] = Field(None, description="ID of an existing access (a new one is generated otherwise)")


class V2ReferResource(Doc):
    """A resource an instance uses."""
    id: Optional[str] = Field(None, description="resource ID (required; Default for ecs)")
    type: Optional[str] = Field(None, description="resource type (required)")
    refer_alias: Optional[str] = Field(None, description="alias of the reference")
    parameters: Optional[dict] = Field(None, description="cce: {namespace}; ecs: {hosts: [ECS IDs]}")


class V2InstanceCreate(Doc):
    """4.5.1 create a component instance (name, environment_id, replica, flavor_id, version and refer_resources
    are required)."""
    name: Optional[str] = Field(None, description="instance name")
    environment_id: Optional[str] = Field(None, description="environment ID")
    replica: Optional[int] = Field(None, description="replicas, 1-1000")
    flavor_id: Optional[str] = Field(None, description="flavor (GET /v2/{project_id}/cas/metadata/flavors)")
    artifacts: Optional[dict[str, V2Artifact]] = Field(None, description="artifacts by name")
    version: Optional[str] = Field(None, description="version, e.g. 1.0.0")
    configuration: Optional[V2InstanceConfiguration] = Field(None, description="configuration")
    description: Optional[str] = Field(None, description="at most 128 characters")
    external_accesses: Optional[list[V2ExternalAccess]] = Field(None, description="external access addresses")
    refer_resources: Optional[list[V2ReferResource]] = Field(None, description="resources used (non-empty)")


class V2InstanceChange(Doc):
    """4.5.4 upgrade a component instance (version is required)."""
    version: Optional[str] = Field(None, description="new version")
    flavor_id: Optional[str] = Field(None, description="new flavor")
    artifacts: Optional[dict[str, V2Artifact]] = Field(None, description="artifacts by name")
    configuration: Optional[V2InstanceConfiguration] = Field(None, description="configuration")
    description: Optional[str] = Field(None, description="description")
    external_accesses: Optional[list[V2ExternalAccess]] = Field(None, description="external access addresses")
    refer_resources: Optional[list[V2ReferResource]] = Field(None, description="resources used")


class V2ActionParameters(Doc):
    replica: Optional[int] = Field(None, description="scale: the new number of replicas")
    hosts: Optional[list[str]] = Field(None, description="scale: ECS IDs")
    version: Optional[str] = Field(None, description="rollback: the version to roll back to")


class V2InstanceAction(Doc):
    """4.5.3 operate a component instance."""
    action: Optional[str] = Field(None, description="start, stop, restart, scale or rollback (required)")
    parameters: Optional[V2ActionParameters] = Field(None, description="parameters of the action")


# ============================================================================ V3: labels, environments (5.1)
class Label(Doc):
    key: Optional[str] = Field(None, description="label key, at most 128 characters")
    value: Optional[str] = Field(None, description="label value, at most 255 characters")


class V3EnvironmentCreate(Doc):
    """5.1.1 create an environment (name and vpc_id are required)."""
    name: Optional[str] = Field(None, description="2-64 letters, digits, '-' or '_', starting with a letter")
    deploy_mode: Optional[str] = Field(None, description="container (default), virtualmachine or mixed")
    description: Optional[str] = Field(None, description="at most 128 characters")
    enterprise_project_id: Optional[str] = Field(None, description="enterprise project ID (default 0)")
    vpc_id: Optional[str] = Field(None, description="VPC ID")
    labels: Optional[list[Label]] = Field(None, description="at most 20 labels")


class V3EnvironmentModify(Doc):
    """5.1.4 modify an environment (name is required)."""
    name: Optional[str] = Field(None, description="name")
    description: Optional[str] = Field(None, description="description")
    labels: Optional[list[Label]] = Field(None, description="labels")


class V3Resource(Doc):
    id: Optional[str] = Field(None, description="resource ID (required)")
    type: Optional[str] = Field(None, description="resource type (required)")
    name: Optional[str] = Field(None, description="resource name")


class V3EnvironmentResources(Doc):
    """5.1.6 set the resources of an environment."""
    resources: Optional[list[V3Resource]] = Field(None, description="at most 100 resources (required)")


# ============================================================================ V3: applications (5.2)
class V3ApplicationCreate(Doc):
    """5.2.1 create an application (name is required)."""
    name: Optional[str] = Field(None, description="2-64 letters, digits, '-' or '_', starting with a letter")
    description: Optional[str] = Field(None, description="at most 128 characters")
    enterprise_project_id: Optional[str] = Field(None, description="enterprise project ID (default 0)")
    labels: Optional[list[Label]] = Field(None, description="at most 20 labels")


class V3ApplicationModify(Doc):
    """5.2.3 modify an application."""
    name: Optional[str] = Field(None, description="name")
    description: Optional[str] = Field(None, description="description")
    enterprise_project_id: Optional[str] = Field(None, description="enterprise project ID")
    labels: Optional[list[Label]] = Field(None, description="labels")


class V3ApplicationConfiguration(Doc):
    """5.2.7 set the application configuration of an environment."""
    environment_id: Optional[str] = Field(None, description="environment ID (required)")
    configuration: Optional[EnvConfiguration] = Field(None, description="the configuration (required)")


# ============================================================================ V3: components (5.3)
class RuntimeStack(Doc):
    name: Optional[str] = Field(None, description="stack name (required)")
    type: Optional[str] = Field(None, description="stack type, e.g. Java, Tomcat, Docker (required)")
    version: Optional[str] = Field(None, description="stack version (required)")
    deploy_mode: Optional[str] = Field(None, description="container or virtualmachine (required)")


class V3Source(Doc):
    kind: Optional[str] = Field(None, description="package, image or code (required)")
    version: Optional[str] = Field(None, description="artifact version")
    url: Optional[str] = Field(None, description="artifact URL (package, image)")
    storage: Optional[str] = Field(None, description="artifact storage (package, image)")
    auth: Optional[str] = Field(None, description="iam (default) or none")
    repo_auth: Optional[str] = Field(None, description="code: Git authorization name")
    repo_namespace: Optional[str] = Field(None, description="code: repository namespace")
    repo_ref: Optional[str] = Field(None, description="code: branch or tag (default master)")
    repo_type: Optional[str] = Field(None, description="code: GitHub, GitLab, Gitee or BitBucket")
    web_url: Optional[str] = Field(None, description="web address")
    repo_url: Optional[str] = Field(None, description="code: repository URL")


class V3BuildParameters(Doc):
    build_cmd: Optional[str] = Field(None, description="build command")
    dockerfile_path: Optional[str] = Field(None, description="Dockerfile path (default ./)")
    artifact_namespace: Optional[str] = Field(None, description="SWR organisation (default cas_{project_id})")
    cluster_id: Optional[str] = Field(None, description="build cluster ID")
    environment_id: Optional[str] = Field(None, description="environment of the build cluster")
    node_label_selector: Optional[dict[str, str]] = Field(None, description="labels of the build nodes")


class V3Build(Doc):
    parameters: Optional[V3BuildParameters] = Field(None, description="build parameters")


class ValueFrom(Doc):
    reference_type: Optional[str] = Field(None, description="configMapKey or secretKey (required)")
    name: Optional[str] = Field(None, description="ConfigMap or Secret name (required)")
    key: Optional[str] = Field(None, description="key in it")
    optional: Optional[bool] = Field(None, description="whether it may be missing")


class V3Env(Doc):
    name: Optional[str] = Field(None, description="variable name (required)")
    value: Optional[str] = Field(None, description="variable value")
    value_from: Optional[ValueFrom] = Field(None, description="a value taken from a ConfigMap or Secret")


class StorageParameters(Doc):
    path: Optional[str] = Field(None, description="host path")
    name: Optional[str] = Field(None, description="ConfigMap, Secret or claim name")
    default_mode: Optional[int] = Field(None, description="file mode, 0-511")
    medium: Optional[str] = Field(None, description="EmptyDir medium")


class StorageMount(Doc):
    path: Optional[str] = Field(None, description="mount path (required)")
    sub_path: Optional[str] = Field(None, description="sub-path")
    read_only: Optional[bool] = Field(None, description="mounted read-only")


class V3Storage(Doc):
    type: Optional[str] = Field(None, description="HostPath, EmptyDir, ConfigMap, Secret, PersistentVolumeClaim "
                                                  "(required)")
    name: Optional[str] = Field(None, description="volume name (required)")
    parameters: Optional[StorageParameters] = Field(None, description="volume parameters")
    mounts: Optional[list[StorageMount]] = Field(None, description="mounts (at least one)")


class RollingRelease(Doc):
    batches: Optional[int] = Field(None, description="number of batches, 1-100 (required)")


class GrayRelease(Doc):
    type: Optional[str] = Field(None, description="weight (default) or content")
    first_batch_weight: Optional[int] = Field(None, description="traffic weight of the first batch, 0-100")
    first_batch_replica: Optional[int] = Field(None, description="replicas of the first batch")
    remaining_batch: Optional[int] = Field(None, description="batches after the first, 0-100")
    remaining_batches: Optional[int] = Field(None, description="batches after the first (older name)")
    replica_surge_mode: Optional[str] = Field(None, description="replica surge mode")
    deployment_mode: Optional[int] = Field(None, description="deployment mode, 0-10")
    rule_match_mode: Optional[str] = Field(None, description="rule match mode")


class DeployStrategy(Doc):
    type: Optional[str] = Field(None, description="OneBatchRelease, RollingRelease or GrayRelease (required)")
    rolling_release: Optional[RollingRelease] = Field(None, description="RollingRelease settings")
    gray_release: Optional[GrayRelease] = Field(None, description="GrayRelease settings (required for it)")


class Command(Doc):
    command: Optional[list[str]] = Field(None, description="the command")
    args: Optional[list[str]] = Field(None, description="its arguments")


class Lifecycle(Doc):
    type: Optional[str] = Field(None, description="http or command (required)")
    scheme: Optional[str] = Field(None, description="HTTP or HTTPS")
    host: Optional[str] = Field(None, description="host")
    port: Optional[int] = Field(None, description="port, 1-65535")
    path: Optional[str] = Field(None, description="request path")
    command: Optional[list[str]] = Field(None, description="command")


class Probe(Doc):
    type: Optional[str] = Field(None, description="http, tcp or command (required)")
    delay: Optional[int] = Field(None, description="initial delay in seconds, 0-3600 (required)")
    timeout: Optional[int] = Field(None, description="timeout in seconds, 0-3600 (required)")
    scheme: Optional[str] = Field(None, description="HTTP or HTTPS")
    host: Optional[str] = Field(None, description="host")
    port: Optional[int] = Field(None, description="port, 1-65535")
    path: Optional[str] = Field(None, description="request path")
    command: Optional[list[str]] = Field(None, description="command")


class Mesher(Doc):
    port: Optional[int] = Field(None, description="service port, 1-65535 (required)")


class TomcatOpts(Doc):
    server_xml: Optional[str] = Field(None, description="server.xml content (required)")


class LogPath(Doc):
    log_path: Optional[str] = Field(None, description="log path in the container (required)")
    rotate: Optional[str] = Field(None, description="rotation, e.g. Hourly, Daily (required)")
    host_path: Optional[str] = Field(None, description="host path (required)")
    host_extend_path: Optional[str] = Field(None, description="None, PodUID, PodName, PodUID/ContainerName or "
                                                              "PodName/ContainerName (required)")


class CustomMetric(Doc):
    path: Optional[str] = Field(None, description="metrics path (required)")
    port: Optional[int] = Field(None, description="metrics port (required)")
    dimensions: Optional[str] = Field(None, description="dimensions (required)")


class AffinityComponent(Doc):
    display_name: Optional[str] = Field(None, description="component display name")
    displayName: Optional[str] = Field(None, description="component display name (alternative spelling)")
    name: Optional[str] = Field(None, description="component name")


class Affinity(Doc):
    az: Optional[list[str]] = Field(None, description="availability zones")
    node: Optional[list[str]] = Field(None, description="nodes")
    component: Optional[list[AffinityComponent]] = Field(None, description="components")


class V3ReferParameters(Doc):
    namespace: Optional[str] = Field(None, description="cce: namespace (a DNS label)")
    hosts: Optional[list[str]] = Field(None, description="ecs: host IDs")


class V3ReferResource(Doc):
    id: Optional[str] = Field(None, description="resource ID (required)")
    type: Optional[str] = Field(None, description="resource type (required)")
    parameters: Optional[V3ReferParameters] = Field(None, description="resource parameters")


class V3ExternalAccess(Doc):
    protocol: Optional[str] = Field(None, description="http or https")
    address: Optional[str] = Field(None, description="address")
    forward_port: Optional[int] = Field(None, description="port, 1-65535")


class V3ComponentSpec(Doc):
    """The component specification (5.3.1 create / 5.3.4 modify): name, runtime_stack, source, version, replica
    are required; refer_resources on create."""
    name: Optional[str] = Field(None, description="2-64 letters, digits, '-' or '_', starting with a letter")
    labels: Optional[list[Label]] = Field(None, description="at most 20 labels")
    runtime_stack: Optional[RuntimeStack] = Field(None, description="technology stack")
    description: Optional[str] = Field(None, description="at most 128 characters")
    source: Optional[V3Source] = Field(None, description="code or artifact source")
    build: Optional[V3Build] = Field(None, description="build settings")
    limit_cpu: Optional[float] = Field(None, description="CPU limit (cores)")
    limit_memory: Optional[float] = Field(None, description="memory limit (GiB)")
    request_cpu: Optional[float] = Field(None, description="CPU request (cores), at most limit_cpu")
    request_memory: Optional[float] = Field(None, description="memory request (GiB), at most limit_memory")
    version: Optional[str] = Field(None, description="3 or 4 dot-separated numbers, e.g. 2023.1102.17105")
    envs: Optional[list[V3Env]] = Field(None, description="environment variables, at most 200")
    replica: Optional[int] = Field(None, description="replicas, 1-1000")
    swimlane_id: Optional[str] = Field(None, description="swimlane ID")
    storages: Optional[list[V3Storage]] = Field(None, description="volumes, at most 50")
    deploy_strategy: Optional[DeployStrategy] = Field(None, description="upgrade strategy")
    command: Optional[Command] = Field(None, description="start command")
    post_start: Optional[Lifecycle] = Field(None, description="post-start hook")
    pre_stop: Optional[Lifecycle] = Field(None, description="pre-stop hook")
    mesher: Optional[Mesher] = Field(None, description="service mesh settings")
    timezone: Optional[str] = Field(None, description="time zone")
    jvm_opts: Optional[str] = Field(None, description="JVM options")
    tomcat_opts: Optional[TomcatOpts] = Field(None, description="Tomcat settings")
    logs: Optional[list[LogPath]] = Field(None, description="log collection, at most 20")
    custom_metric: Optional[CustomMetric] = Field(None, description="custom metrics collection")
    custom_metrics: Optional[CustomMetric] = Field(None, description="custom metrics collection (alternative "
                                                                     "spelling)")
    affinity: Optional[Affinity] = Field(None, description="affinity")
    anti_affinity: Optional[Affinity] = Field(None, description="anti-affinity")
    liveness_probe: Optional[Probe] = Field(None, description="liveness probe")
    readiness_probe: Optional[Probe] = Field(None, description="readiness probe")
    refer_resources: Optional[list[V3ReferResource]] = Field(None, description="resources used, at most 50")
    external_accesses: Optional[list[V3ExternalAccess]] = Field(None, description="access addresses, at most 20")


class V3ComponentCreate(V3ComponentSpec):
    """5.3.1 create a component."""
    environment_id: Optional[str] = Field(None, description="environment to deploy in")


class V3ComponentModify(V3ComponentSpec):
    """5.3.4 modify a component."""


class V3ActionParameters(Doc):
    replica: Optional[int] = Field(None, description="scale: replicas, 1-1000")
    version: Optional[str] = Field(None, description="rollback: the version to roll back to")
    hosts: Optional[list[str]] = Field(None, description="scale (virtualmachine): host IDs")


class V3ComponentAction(Doc):
    """5.3.7 operate a component."""
    action: Optional[str] = Field(None, description="start, stop, restart, scale or rollback, ... (required)")
    parameters: Optional[V3ActionParameters] = Field(None, description="parameters of the action")
