"""Request models of edgeplane's own API."""
from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

# a target label as ote-stack's label endpoints use them: a name, or name=value (Kubernetes-like characters)
Label = Annotated[str, Field(min_length=1, max_length=253, pattern=r"^[A-Za-z0-9]([A-Za-z0-9_.=/-]*[A-Za-z0-9])?$")]
Labels = Annotated[list[Label], Field(default_factory=list, max_length=64)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Login(Strict):
    username: str = Field(min_length=1, max_length=128)
    password: str = Field(min_length=1, max_length=256)


class NewUser(Strict):
    username: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.@-]*$")
    password: str = Field(min_length=8, max_length=256)
    system_admin: bool = False


class UserUpdate(Strict):
    status: str | None = Field(default=None, pattern=r"^(active|disabled|pending|rejected)$")
    password: str | None = Field(default=None, min_length=8, max_length=256)


class NewKey(Strict):
    name: str = Field(default="", max_length=128)


class NewCluster(Strict):
    name: str = Field(min_length=1, max_length=63, pattern=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
    labels: Labels
    driver: str = Field(default="simulated", pattern=r"^simulated$")
    ready: bool = True


class NewNode(Strict):
    name: str = Field(min_length=1, max_length=63, pattern=r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$")
    labels: Labels
    ready: bool = True
    operatingSystem: str = "linux"
    kernelVersion: str = ""
    ip: str = ""
    memory: int = Field(default=0, ge=0)
    cpu: int = Field(default=0, ge=0)
    gpu: int = Field(default=0, ge=0)
    disk: int = Field(default=0, ge=0)


class Faults(Strict):
    apply: str | None = Field(default=None, pattern=r"^(error)?$")
    pods: str | None = Field(default=None, pattern=r"^(crashloop|partial)?$")
    remove: str | None = Field(default=None, pattern=r"^(error)?$")
    namespace: str | None = Field(default=None, pattern=r"^(error)?$")


class Readiness(Strict):
    ready: bool
    node: str | None = None


class ImagePush(Strict):
    namespace: str = Field(min_length=1, max_length=128)
    project: str = Field(min_length=1, max_length=255)
    image: str = Field(min_length=1, max_length=255, pattern=r"^[a-z0-9]+([._/-][a-z0-9]+)*$")
    tag: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


# --------------------------------------------------------------------------- responses
# What each operation answers (published as its 2XX schema; the test suite checks every answer against it).

class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Health(Out):
    status: str = Field(description="ok, or degraded when the store does not answer")
    store: bool
    time: str


class Token(Out):
    token: str = Field(description="a JWT for the Authorization: Bearer header")
    expires_at: int = Field(description="expiry, seconds since the epoch")


class User(Out):
    username: str
    id: int
    status: str
    systemAdmin: bool
    tenant: str | None = None
    role: str | None = None
    createdAt: int
    updatedAt: int


class Users(Out):
    users: list[User]
    next: str | None = Field(None, description="the next page's token (query next=), absent on the last page")


class KeyInfo(Out):
    id: str
    name: str
    createdAt: int


class NewKeyOut(KeyInfo):
    key: str = Field(description="the API key itself: shown once, never again")


class Keys(Out):
    keys: list[KeyInfo]


class HistoryEntry(BaseModel):
    at: int
    status: str
    stage: str | None = None
    message: str | None = None


class Job(Out):
    id: str
    kind: str
    surface: str | None = None
    tenant: str | None = None
    actor: str | None = None
    status: str = Field(description="PENDING, RUNNING, SUCCEEDED or FAILED")
    stage: str | None = None
    progress: int
    resource: str | None = None
    error: str | None = None
    result: dict
    history: list[HistoryEntry]
    createdAt: int
    updatedAt: int


class Jobs(Out):
    jobs: list[Job]
    next: str | None = None


class AuditEvent(Out):
    id: str
    at: int
    actor: str | None = None
    tenant: str | None = None
    surface: str | None = None
    action: str
    resource: str | None = None
    outcome: str | None = None
    status: int | None = None
    detail: str | None = None
    requestId: str | None = None


class AuditEvents(Out):
    events: list[AuditEvent]
    next: str | None = None


class Mail(Out):
    id: str
    surface: str | None = None
    to: str
    subject: str
    body: str
    createdAt: int


class Mails(Out):
    mails: list[Mail]
    next: str | None = None


class NodeOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str
    ready: bool
    labels: list[str]
    cluster: str | None = None
    operatingSystem: str | None = None
    kernelVersion: str | None = None
    ip: str | None = None
    memory: int | None = None
    cpu: int | None = None
    gpu: int | None = None
    disk: int | None = None


class ClusterOut(Out):
    name: str
    driver: str
    ready: bool
    labels: list[str]
    namespaces: list[str]
    faults: dict
    nodes: list[NodeOut] | None = Field(None, description="with GET of one cluster, its registration and readiness")


class Clusters(Out):
    clusters: list[ClusterOut]


class Pushed(Out):
    image: str
    tag: str
    digest: str
    pushedAt: int
