"""What each ote-stack operation answers beside ``code`` and ``message`` (published as its 2XX schema, inside
:class:`~chalicelib.surfaces.otestack.envelope.OteResult`; the test suite checks every answer against it).

List rows honour ``field=a,b`` (only those keys), so every row field is optional; the types are the ones the
services produce (ids and statuses are integers, times are seconds since the epoch)."""
from __future__ import annotations

from typing import Any, Optional

from pydantic import BaseModel, Field


class Answer(BaseModel):
    """The envelope's own fields (``code``, ``message``) are :class:`OteResult`'s; unknown keys are allowed."""
    code: int
    message: str


# ---------------------------------------------------------------- users and businesses
class TokenAnswer(Answer):
    token: str = Field(description="a JWT for the Authorization header (no Bearer prefix)")


class AuthorizationInfo(BaseModel):
    displayName: str
    hasRepoAccount: bool
    role: int = Field(description="4 system administrator, 3 business administrator, 2 business user, 1 no business yet, 0 pending")
    privateProject: bool
    enableIngress: bool
    enableAlert: bool
    enableAdminAutoDeploy: bool


class AuthorizationInfoAnswer(Answer):
    data: AuthorizationInfo


class UserRow(BaseModel):
    id: int
    user: str
    status: int = Field(description="0 pending, 1 approved, 2 rejected, 3 disabled")
    realName: str
    phone: str
    isAdmin: bool
    createTime: int
    updateTime: int


class UserList(Answer):
    data: list[UserRow]
    total: int


class Business(BaseModel):
    id: int
    name: str
    userId: int
    comment: str
    status: int = Field(description="0 pending, 1 approved, 2 rejected")
    createTime: int
    updateTime: int
    introduce: Optional[str] = Field(None, description="with GET /v1/business/id/{id}")
    objective: Optional[str] = None
    scale: Optional[str] = None


class BusinessList(Answer):
    data: list[Business]
    total: int


class BusinessAnswer(Answer):
    data: Business


class MaybeJob(Answer):
    jobId: Optional[str] = Field(None, description="an approval that starts work: the job to poll")


# ---------------------------------------------------------------- applications
class App(BaseModel):
    id: int
    appName: str
    status: int
    version: str
    deployType: Any = None
    image: Optional[str] = None
    projectName: Optional[str] = None
    repositoryId: Optional[str] = None
    replicas: Optional[int] = None
    port: Any = None
    command: Any = None
    volume: Any = None
    dependence: list = Field(default_factory=list)
    env: Any = None
    minReplicas: Optional[int] = None
    maxReplicas: Optional[int] = None
    minCPU: float = Field(description="cores")
    maxCPU: float = Field(description="cores")
    GPU: Optional[int] = None
    isHPA: Optional[bool] = None
    targetCPUUtilization: Optional[int] = None
    targetMemUtilization: Optional[int] = None
    minMemory: Optional[int] = None
    maxMemory: Optional[int] = None
    maxUnavailable: Any = None
    maxSurge: Any = None
    minReadySeconds: Optional[int] = None
    chart: Optional[dict] = Field(None, description="a chart-based application's chart")
    createTime: int
    updateTime: int


class AppAnswer(Answer):
    data: App


class AppList(Answer):
    apps: list[App]
    total: int


# ---------------------------------------------------------------- deployments
class Deploy(BaseModel):
    id: Optional[int] = None
    deployName: Optional[str] = None
    appName: Optional[str] = None
    version: Optional[str] = None
    cluster: Optional[str] = None
    nodeLabel: Optional[str] = None
    comment: Optional[str] = None
    deployType: Optional[int] = Field(None, description="0 create, 1 upgrade, 2 rollback, 3 delete")
    status: Optional[int] = None
    createTime: Optional[int] = None
    updateTime: Optional[int] = None
    editable: Optional[bool] = None
    running: Optional[bool] = None
    errorMessage: Optional[str] = Field(None, description="JSON counts of running/error/total pods, or the error")
    auditComment: Optional[str] = None
    historyVersion: Optional[list] = Field(None, description="with field=historyVersion")


class DeployAnswer(Answer):
    data: Deploy


class DeployList(Answer):
    data: list[Deploy]
    total: int


class Submitted(BaseModel):
    id: Optional[int] = Field(None, description="the deployment")
    auditId: int = Field(description="the audit record of this operation")
    jobId: Optional[str] = Field(None, description="when approved at once: the job to poll")


class SubmittedAnswer(Answer):
    data: Submitted


class DeployOp(BaseModel):
    id: int
    businessName: str
    appName: str
    version: str
    cluster: Optional[str] = None
    deployId: int
    deployType: int
    status: int
    comment: Optional[str] = None
    createTime: int
    updateTime: int


class DeployOpList(Answer):
    data: list[DeployOp]
    total: int


# ---------------------------------------------------------------- clusters and nodes
class ClusterRow(BaseModel):
    clusterName: str
    nodeCount: int
    isReady: bool


class ClusterList(Answer):
    data: list[ClusterRow]
    total: int


class LabelNames(Answer):
    data: list[str]


class ClusterLabel(BaseModel):
    clusterLabel: str
    createTime: int


class ClusterLabels(Answer):
    data: list[ClusterLabel]
    total: int


class NodeRow(BaseModel):
    nodeName: Optional[str] = None
    clusterName: Optional[str] = None
    operatingSystem: Optional[str] = None
    kernelVersion: Optional[str] = None
    ip: Optional[str] = None
    memory: Optional[int] = None
    cpu: Optional[int] = None
    isReady: Optional[bool] = None
    gpu: Optional[int] = None
    disk: Optional[int] = None


class NodeMeta(BaseModel):
    readyNodeCount: int


class NodeList(Answer):
    data: list[NodeRow]
    meta: NodeMeta
    total: int


class NodeLabelDeleted(Answer):
    deletedDeploy: Optional[list] = Field(None, description="deployments removed with the label")


# ---------------------------------------------------------------- registry
class Image(BaseModel):
    projectName: str
    public: bool
    imageName: str
    imageAddress: str
    createTime: int
    updateTime: int


class ImageList(Answer):
    data: list[Image]
    total: int


class Tag(BaseModel):
    tag: str
    imageAddress: str
    createTime: int
    updateTime: int


class TagList(Answer):
    data: list[Tag]
    total: int


class Project(BaseModel):
    projectId: int
    projectName: str
    createTime: int
    updateTime: int
    public: bool
    imageCount: int


class ProjectList(Answer):
    data: list[Project]
    total: int


class ExternalRepo(BaseModel):
    id: Optional[int] = Field(None, description="in lists")
    repositoryId: str
    address: str
    user: str


class ExternalRepoList(Answer):
    data: list[ExternalRepo]
    total: int


class ExternalRepoAnswer(Answer):
    data: ExternalRepo
