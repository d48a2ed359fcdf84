"""Request models of ote-stack (pydantic, strict types: a string where an int is expected is a 422)."""
from __future__ import annotations

import re

from pydantic import Field, field_validator

from chalicelib.surfaces.otestack.common import (LABEL_RULE, PASSWORD_MESSAGE, PASSWORD_RULE, Body, Paging,
                                                  Query)

_PASSWORD = re.compile(PASSWORD_RULE)
_USER = r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$"
_PHONE = r"^\+?[0-9]{5,15}$"


def _password(v: str) -> str:
    if not _PASSWORD.match(v or ""):
        raise ValueError(PASSWORD_MESSAGE)
    return v


class Login(Body):
    user: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=128)


class NewUser(Body):
    user: str = Field(pattern=_USER)
    password: str
    phone: str = Field(pattern=_PHONE)
    isAdmin: bool
    realName: str = Field(min_length=1, max_length=64)

    _pw = field_validator("password")(classmethod(lambda cls, v: _password(v)))


class PasswordChange(Body):
    oldPassword: str = Field(min_length=1, max_length=128)
    password: str

    _pw = field_validator("password")(classmethod(lambda cls, v: _password(v)))


class PasswordReset(Body):
    password: str

    _pw = field_validator("password")(classmethod(lambda cls, v: _password(v)))


class UserAudit(Body):
    status: int = Field(ge=0, le=3)


class UserList(Paging):
    pass


class NewBusiness(Body):
    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9\u4e00-\u9fa5][A-Za-z0-9_.\u4e00-\u9fa5 -]*$")
    introduce: str = Field(min_length=1, max_length=512)
    objective: str = Field(min_length=1, max_length=512)
    scale: str = Field(min_length=1, max_length=512)


class Verdict(Body):
    """An audit decision: 1 approved, 2 disapproved, with a comment (business and deployment audits)."""
    status: int
    comment: str = Field(max_length=512)

    @field_validator("status")
    @classmethod
    def _status(cls, v):
        if v not in (1, 2):
            raise ValueError("status must be 1 (approved) or 2 (disapproved)")
        return v


class BusinessAudit(Verdict):
    pass


class BusinessList(Paging):
    name: str | None = None


class ClusterList(Query):
    clusterLabel: str | None = None
    page: str | None = None
    pageSize: str | None = None


class ClusterLabelChange(Body):
    clusterName: list[str] = Field(min_length=1, max_length=100)
    clusterLabel: str = Field(pattern=LABEL_RULE)


class NodeLabelChange(Body):
    nodeName: list[str] = Field(min_length=1, max_length=500)
    nodeLabel: str = Field(pattern=LABEL_RULE)
    clusterName: str = Field(min_length=1, max_length=63)


class NodeLabelDelete(NodeLabelChange):
    deleteDeploy: bool = False


class NodeList(Query):
    field: str | None = None
    nodeLabel: str | None = None
    clusterName: str | None = None
    nodeName: str | None = None
    page: str | None = None
    pageSize: str | None = None


# ---------------------------------------------------------------- applications
from typing import Literal  # noqa: E402

from pydantic import model_validator  # noqa: E402

U32 = Field(ge=0, le=4294967295)
APP_NAME = r"^[a-z0-9]([a-z0-9-]{0,51}[a-z0-9])?$"
MAIN_VERSION = r"^\d{1,6}\.\d{1,6}$"


class Port(Body):
    port: int = Field(ge=1, le=65535)
    hostPort: int = Field(default=0, ge=0, le=65535)


class Volume(Body):
    path: str = Field(min_length=1, max_length=1024, pattern=r"^/")
    hostPath: str = Field(min_length=1, max_length=1024, pattern=r"^/")
    readOnly: bool = False


class EnvVar(Body):
    name: str = Field(min_length=1, max_length=253, pattern=r"^[A-Za-z_][A-Za-z0-9_.-]*$")
    value: str = Field(default="", max_length=32768)


class NewApp(Body):
    appName: str = Field(pattern=APP_NAME)
    deployType: Literal["deployment", "daemonset"]
    image: str = Field(min_length=1, max_length=512, pattern=r"^[^\s]+$")
    version: str = Field(pattern=MAIN_VERSION)
    repositoryId: str | None = Field(default=None, max_length=128)
    port: list[Port] = Field(max_length=64)
    command: str | None = Field(default=None, max_length=4096)
    volume: list[Volume] = Field(default_factory=list, max_length=64)
    env: list[EnvVar] = Field(default_factory=list, max_length=256)
    replicas: int | None = Field(default=None, ge=0, le=10000)
    minReplicas: int | None = Field(default=None, ge=0, le=10000)
    maxReplicas: int | None = Field(default=None, ge=0, le=10000)
    minCPU: int = U32
    maxCPU: int = U32
    GPU: int = Field(default=0, ge=0, le=64)
    isHPA: bool
    targetCPUUtilization: int = Field(ge=0, le=100)
    targetMemUtilization: int = Field(ge=0, le=100)
    minMemory: int = U32
    maxMemory: int = U32
    maxUnavailable: int = U32
    maxSurge: int = U32
    minReadySeconds: int = U32

    @model_validator(mode="after")
    def _consistent(self):
        counts = (self.replicas, self.minReplicas, self.maxReplicas)
        if self.deployType == "daemonset" and any(c is not None for c in counts):
            raise ValueError("replicas, minReplicas and maxReplicas apply to deployments only")
        if self.deployType == "deployment":
            replicas = 1 if self.replicas is None else self.replicas
            low = 1 if self.minReplicas is None else self.minReplicas
            high = max(5, replicas) if self.maxReplicas is None else self.maxReplicas
            if not low <= replicas <= high:
                raise ValueError("replicas must satisfy minReplicas <= replicas <= maxReplicas")
            self.replicas, self.minReplicas, self.maxReplicas = replicas, low, high
        if self.minCPU > self.maxCPU:
            raise ValueError("minCPU must not exceed maxCPU")
        if self.minMemory > self.maxMemory:
            raise ValueError("minMemory must not exceed maxMemory")
        if self.maxSurge == 0 and self.maxUnavailable == 0:
            raise ValueError("maxSurge and maxUnavailable cannot both be 0")
        return self


class AppIds(Body):
    appId: list[int] = Field(min_length=1, max_length=100)


class AppList(Query):
    page: str | None = None
    pageSize: str | None = None
    appName: str | None = None
    appNameMode: str | None = None
    version: str | None = None


# ---------------------------------------------------------------- deployments
DEPLOY_NAME = r"^[a-z0-9]([a-z0-9-]{0,51}[a-z0-9])?$"


class NewDeploy(Body):
    deployName: str = Field(pattern=DEPLOY_NAME)
    appName: str = Field(pattern=APP_NAME)
    version: str = Field(min_length=1, max_length=64)
    cluster: str = Field(pattern=r"^(all|[A-Za-z0-9][A-Za-z0-9.-]{0,62})$")
    nodeLabel: str = Field(pattern=r"^(all|[A-Za-z0-9][A-Za-z0-9.-]{0,62})$")
    comment: str = Field(max_length=512)

    @field_validator("deployName")
    @classmethod
    def _reserved(cls, v):
        if v in ("id", "install"):
            raise ValueError("deployName may not be 'id' or 'install'")
        return v


class Upgrade(Body):
    version: str = Field(min_length=1, max_length=64)
    comment: str = Field(default="", max_length=512)


class Rollback(Body):
    version: str = Field(min_length=1, max_length=64)
    comment: str = Field(max_length=512)


class DeployAudit(Verdict):
    id: int = Field(ge=1)


class DeployList(Query):
    page: str | None = None
    pageSize: str | None = None
    field: str | None = None
    appName: str | None = None
    appNameMode: str | None = None
    editable: Literal["true", "false", "all"] | None = None
    running: Literal["true", "all"] | None = None


class AuditList(Paging):
    businessName: str | None = None
