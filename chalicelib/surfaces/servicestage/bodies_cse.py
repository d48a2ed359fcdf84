"""Documented request bodies of Git (seed 003 chapter 6), CSE (7.2, 7.3), the ServiceComb registry and kie
(8.x), IAM (tokens, permanent access keys) and the out-of-date APIs (9.2, 9.3).

Checked by :func:`~chalicelib.surfaces.servicestage.bodies.body_of` before the services' own rules
(:mod:`.service_git`, :mod:`.service_cse`, :mod:`.service_registry`, :mod:`.service_kie`, :mod:`.iam`,
:mod:`.service_deprecated`), which keep the required fields, patterns, lengths and enums.
"""
from __future__ import annotations

from typing import Any, Optional, Union

from pydantic import Field

from chalicelib.surfaces.servicestage.bodies import Doc


# ============================================================================ Git (6.3-6.22)
class GitOAuth(Doc):
    """6.3 create an OAuth authorization."""
    name: Optional[str] = Field(None, description="authorization name, 1-64 letters, digits, '_', '-' or '.'")
    code: Optional[str] = Field(None, description="the OAuth code of the redirect")
    state: Optional[str] = Field(None, description="the OAuth state of the redirect")


class GitPersonalAuth(Doc):
    """6.4 create a private-token authorization."""
    name: Optional[str] = Field(None, description="authorization name")
    token: Optional[str] = Field(None, description="the private token")
    host: Optional[str] = Field(None, description="the repository host (self-hosted providers)")


class GitPasswordAuth(Doc):
    """6.5 create a password authorization."""
    name: Optional[str] = Field(None, description="authorization name")
    user: Optional[str] = Field(None, description="user name")
    password: Optional[str] = Field(None, description="password")


class GitProjectCreate(Doc):
    """6.10 create a repository."""
    name: Optional[str] = Field(None, description="repository name, at most 100 characters")


class GitTagCreate(Doc):
    """6.13 create a tag (the ref is the ``ref`` query parameter)."""
    name: Optional[str] = Field(None, description="tag name, at most 200 characters")
    description: Optional[str] = Field(None, description="tag message")


class GitHookCreate(Doc):
    """6.17 create a webhook."""
    secret: Optional[str] = Field(None, description="the hook's secret token")
    url: Optional[str] = Field(None, description="the http(s) URL the hook calls")


class GitFileCreate(Doc):
    """6.21 create a file."""
    message: Optional[str] = Field(None, description="commit message")
    content: Optional[str] = Field(None, description="file content, Base64")


class GitFileUpdate(Doc):
    """6.22 update a file."""
    message: Optional[str] = Field(None, description="commit message")
    content: Optional[str] = Field(None, description="file content, Base64")
    sha: Optional[str] = Field(None, description="SHA of the file being replaced")


# ============================================================================ CSE (7.2.2, 7.3.3)
class CseExport(Doc):
    """7.2.2 export configurations."""
    ids: Optional[list[str]] = Field(None, description="configuration IDs, at most 1000 (empty: all); required")


class EngineAuthCred(Doc):
    pwd: Optional[str] = Field(None, description="RBAC root password: 8-32 characters with upper and lower case "
                                                 "letters, digits and special characters")


class EngineCreate(Doc):
    """7.3.3 create an exclusive engine."""
    name: Optional[str] = Field(None, description="3-24 letters, digits or '-', starting with a letter")
    description: Optional[str] = Field(None, description="at most 255 characters")
    payment: Optional[str] = Field(None, description="billing mode: the fixed value 1")
    flavor: Optional[str] = Field(None, description="engine flavor (GET /v2/{project_id}/enginemgr/flavors)")
    azList: Optional[list[str]] = Field(None, description="1-3 availability zones")
    authType: Optional[str] = Field(None, description="RBAC or NONE")
    vpc: Optional[str] = Field(None, description="VPC name")
    vpcId: Optional[str] = Field(None, description="VPC ID")
    networkId: Optional[str] = Field(None, description="subnet ID")
    subnetCidr: Optional[str] = Field(None, description="subnet IPv4 CIDR")
    publicIpId: Optional[str] = Field(None, description="EIP ID")
    specType: Optional[str] = Field(None, description="the fixed value CSE2")
    auth_cred: Optional[EngineAuthCred] = Field(None, description="RBAC credentials (required for RBAC)")
    inputs: Optional[dict[str, str]] = Field(None, description="extra parameters, at most 20")


# ============================================================================ ServiceComb registry (8.2-8.5)
class ScToken(Doc):
    """8.2.1 obtain an engine token."""
    name: Optional[str] = Field(None, description="user name (required)")
    password: Optional[str] = Field(None, description="password (required)")


class Framework(Doc):
    name: Optional[str] = Field(None, description="framework name (default UNKNOWN)")
    version: Optional[str] = Field(None, description="framework version")


class ServicePath(Doc):
    Path: Optional[str] = Field(None, description="route path")
    Property: Optional[dict[str, str]] = Field(None, description="route properties")


class MicroService(Doc):
    """A microservice's definition."""
    serviceId: Optional[str] = Field(None, description="custom microservice ID")
    environment: Optional[str] = Field(None, description="development (default), testing, acceptance or production")
    appId: Optional[str] = Field(None, description="application ID (default: default)")
    serviceName: Optional[str] = Field(None, description="microservice name (required)")
    version: Optional[str] = Field(None, description="version x.y.z (default 0.0.1)")
    description: Optional[str] = Field(None, description="at most 256 characters")
    level: Optional[str] = Field(None, description="FRONT, MIDDLE or BACK (default)")
    registerBy: Optional[str] = Field(None, description="SDK, PLATFORM, SIDECAR or UNKNOWN")
    status: Optional[str] = Field(None, description="UP (default) or DOWN")
    schemas: Optional[list[str]] = Field(None, description="schema IDs")
    alias: Optional[str] = Field(None, description="alias")
    framework: Optional[Framework] = Field(None, description="development framework")
    paths: Optional[list[ServicePath]] = Field(None, description="routes")
    properties: Optional[dict[str, str]] = Field(None, description="extended properties")


class Rule(Doc):
    """A black- or white-list rule."""
    ruleId: Optional[str] = Field(None, description="rule ID")
    ruleType: Optional[str] = Field(None, description="WHITE or BLACK (required)")
    attribute: Optional[str] = Field(None, description="attribute matched (required)")
    pattern: Optional[str] = Field(None, description="regular expression (required)")
    description: Optional[str] = Field(None, description="description")


class HealthCheck(Doc):
    mode: Optional[str] = Field(None, description="push or pull (required)")
    port: Optional[int] = Field(None, description="port, 0-65535")
    interval: Optional[int] = Field(None, description="heartbeat interval in seconds")
    times: Optional[int] = Field(None, description="missed heartbeats before the instance is removed")


class DataCenterInfo(Doc):
    name: Optional[str] = Field(None, description="region name (required)")
    region: Optional[str] = Field(None, description="region ID (required)")
    availableZone: Optional[str] = Field(None, description="availability zone (required)")


class MicroServiceInstance(Doc):
    """A microservice instance."""
    instanceId: Optional[str] = Field(None, description="custom instance ID")
    hostName: Optional[str] = Field(None, description="host name (required)")
    endpoints: Optional[list[str]] = Field(None, description="access addresses, e.g. rest://127.0.0.1:8080")
    status: Optional[str] = Field(None, description="UP (default), DOWN, STARTING, OUTOFSERVICE or TESTING")
    properties: Optional[dict[str, str]] = Field(None, description="extended properties")
    healthCheck: Optional[HealthCheck] = Field(None, description="health check (default push, 30 s, 3 times)")
    dataCenterInfo: Optional[DataCenterInfo] = Field(None, description="data centre")


class MicroServiceCreate(Doc):
    """8.3.4 create a microservice (service is required)."""
    service: Optional[MicroService] = Field(None, description="the microservice")
    rules: Optional[list[Rule]] = Field(None, description="black- or white-list rules")
    instances: Optional[list[MicroServiceInstance]] = Field(None, description="instances to register with it")
    tags: Optional[dict[str, str]] = Field(None, description="tags")


class MicroServicesDelete(Doc):
    """8.3.5 delete microservices."""
    serviceIds: Optional[list[str]] = Field(None, description="microservice IDs (required)")
    force: Optional[Union[bool, str]] = Field(None, description="delete even with instances: true or false")


class Properties(Doc):
    """8.3.6 / 8.5.5 replace the extended properties."""
    properties: Optional[dict[str, str]] = Field(None, description="the properties (none: remove them)")


class SchemaPut(Doc):
    """8.4.2 create or modify a schema."""
    schema_: Optional[str] = Field(None, alias="schema", description="the schema content (required)")
    summary: Optional[str] = Field(None, description="schema summary, e.g. a hash of the content")


class InstanceRegister(Doc):
    """8.5.1 register an instance."""
    instance: Optional[MicroServiceInstance] = Field(None, description="the instance (required)")


class ServiceKey(Doc):
    environment: Optional[str] = Field(None, description="environment")
    appId: Optional[str] = Field(None, description="application ID (required)")
    serviceName: Optional[str] = Field(None, description="microservice name (required)")
    version: Optional[str] = Field(None, description="version rule")


class BatchService(Doc):
    service: Optional[ServiceKey] = Field(None, description="the microservice sought")
    rev: Optional[str] = Field(None, description="revision the caller holds")


class InstanceKey(Doc):
    serviceId: Optional[str] = Field(None, description="microservice ID (required)")
    instanceId: Optional[str] = Field(None, description="instance ID (required)")


class BatchInstance(Doc):
    instance: Optional[InstanceKey] = Field(None, description="the instance sought")
    rev: Optional[str] = Field(None, description="revision the caller holds")


class BatchFind(Doc):
    """8.5.9 batch query instances (a malformed item fails on its own, in ``failed``)."""
    services: Optional[list[Union[BatchService, Any]]] = Field(None, description="microservices sought, at most "
                                                                                 "1000")
    instances: Optional[list[Union[BatchInstance, Any]]] = Field(None, description="instances sought, at most "
                                                                                   "1000")


# ============================================================================ kie (8.7)
class KvCreate(Doc):
    """8.7.1 create a configuration (key is required)."""
    key: Optional[str] = Field(None, description="1-2048 letters, digits or . _ : -")
    value: Optional[str] = Field(None, description="at most 131072 characters")
    labels: Optional[dict[str, str]] = Field(None, description="at most 6 labels")
    status: Optional[str] = Field(None, description="enabled or disabled (default)")
    value_type: Optional[str] = Field(None, description="ini, json, text (default), yaml, properties or xml")


class KvUpdate(Doc):
    """8.7.2 modify a configuration (value is required)."""
    value: Optional[str] = Field(None, description="the new value")
    status: Optional[str] = Field(None, description="enabled or disabled")
    value_type: Optional[str] = Field(None, description="ini, json, text, yaml, properties or xml")


class KvDeleteMany(Doc):
    """8.7.6 delete configurations."""
    ids: Optional[list[str]] = Field(None, description="1-1000 configuration IDs (required)")


# ============================================================================ IAM
class IamDomain(Doc):
    name: Optional[str] = Field(None, description="account name")
    id: Optional[str] = Field(None, description="account ID")


class IamUser(Doc):
    name: Optional[str] = Field(None, description="user name (required)")
    password: Optional[str] = Field(None, description="password (required)")
    domain: Optional[IamDomain] = Field(None, description="the user's account")


class IamPassword(Doc):
    user: Optional[IamUser] = Field(None, description="the user (required)")


class IamIdentity(Doc):
    methods: Optional[list[str]] = Field(None, description='authentication methods: ["password"] (required)')
    password: Optional[IamPassword] = Field(None, description="password identity (required)")


class IamProjectScope(Doc):
    id: Optional[Union[str, int]] = Field(None, description="project ID (or name)")
    name: Optional[Union[str, int]] = Field(None, description="project name, e.g. cn-north-4 (or id)")


class IamScope(Doc):
    project: Optional[IamProjectScope] = Field(None, description="the project (required)")


class IamAuth(Doc):
    identity: Optional[IamIdentity] = Field(None, description="who (required)")
    scope: Optional[IamScope] = Field(None, description="the token's scope (required)")


class IamTokenRequest(Doc):
    """Obtain a user token (password identity, project scope)."""
    auth: Optional[IamAuth] = Field(None, description="authentication (required)")


class IamCredential(Doc):
    user_id: Optional[str] = Field(None, description="the caller's own user ID (required)")
    description: Optional[str] = Field(None, description="at most 255 characters")


class IamCredentialCreate(Doc):
    """Create a permanent access key."""
    credential: Optional[IamCredential] = Field(None, description="the access key (required)")


# ============================================================================ out-of-date (9.2, 9.3)
class DependencyKey(Doc):
    environment: Optional[str] = Field(None, description="environment")
    appId: Optional[str] = Field(None, description="application ID (required)")
    serviceName: Optional[str] = Field(None, description="microservice name (required; * for all providers)")
    version: Optional[str] = Field(None, description="consumer: a version; provider: a version rule")


class Dependency(Doc):
    consumer: Optional[DependencyKey] = Field(None, description="the consumer (must exist)")
    providers: Optional[list[DependencyKey]] = Field(None, description="its providers, at most 100")


class Dependencies(Doc):
    """9.2 override dependency rules."""
    dependencies: Optional[list[Dependency]] = Field(None, description="1-100 rules (required)")


class MetricInterface(Doc):
    functionName: Optional[str] = Field(None, description="interface name")
    functionType: Optional[str] = Field(None, description="interface type")
    desc: Optional[str] = Field(None, description="description")
    appId: Optional[str] = Field(None, description="application ID")
    version: Optional[str] = Field(None, description="version")
    name: Optional[str] = Field(None, description="microservice name")
    time: Optional[int] = Field(None, description="time")
    shortCircuited: Optional[int] = Field(None, description="short-circuited calls")
    semaphoreRejected: Optional[int] = Field(None, description="calls rejected by the semaphore")
    threadPoolRejected: Optional[int] = Field(None, description="calls rejected by the thread pool")
    countTimeout: Optional[int] = Field(None, description="timed-out calls")
    total: Optional[int] = Field(None, description="calls")
    failure: Optional[int] = Field(None, description="failed calls")
    qps: Optional[float] = Field(None, description="calls per second")
    latency: Optional[float] = Field(None, description="average latency")
    rate: Optional[float] = Field(None, description="success rate")
    failureRate: Optional[float] = Field(None, description="failure rate")
    l995: Optional[float] = Field(None, description="99.5th percentile latency")
    l99: Optional[float] = Field(None, description="99th percentile latency")
    l90: Optional[float] = Field(None, description="90th percentile latency")
    l75: Optional[float] = Field(None, description="75th percentile latency")
    l50: Optional[float] = Field(None, description="median latency")
    l25: Optional[float] = Field(None, description="25th percentile latency")
    l5: Optional[float] = Field(None, description="5th percentile latency")
    isCircuitBreakerOpen: Optional[bool] = Field(None, description="whether the circuit breaker is open")


class MetricReport(Doc):
    """9.3 report metrics."""
    name: Optional[str] = Field(None, description="microservice name")
    appId: Optional[str] = Field(None, description="application ID")
    serviceId: Optional[str] = Field(None, description="microservice ID (with instanceId)")
    version: Optional[str] = Field(None, description="version")
    instanceId: Optional[str] = Field(None, description="instance ID (with serviceId)")
    instance: Optional[str] = Field(None, description="instance name")
    thread: Optional[int] = Field(None, description="threads")
    cpu: Optional[float] = Field(None, description="CPU usage")
    memory: Optional[dict[str, Union[int, str]]] = Field(None, description="memory figures (integers)")
    interfaces: Optional[list[MetricInterface]] = Field(None, description="per-interface figures, at most 200")
