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
