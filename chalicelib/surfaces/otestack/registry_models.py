"""Request models of ote-stack's Repository Management group (catalog §5 "Repository Management").

Bodies are strict (a string where a list is expected, ``"true"`` for a bool, ``"1"`` for an id: 422);
query strings arrive as text and are parsed here.
"""
from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints, field_validator

from chalicelib.surfaces.otestack.common import PASSWORD_MESSAGE, PASSWORD_RULE, Body, Paging

MAX_BATCH = 100

_PASSWORD = re.compile(PASSWORD_RULE)
# Harbor user names: no blanks and none of , " ~ # $ % (we keep to a conservative set)
REGISTRY_USER_RULE = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$"
# repositoryId names the image-pull secret created from it: a DNS-1123 subdomain
REPOSITORY_ID_RULE = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"

def _matches(rule: str, message: str):
    compiled = re.compile(rule)

    def check(v: str) -> str:
        if not compiled.match(v):
            raise ValueError(message)
        return v
    return AfterValidator(check)


ImageName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=512),
                      _matches(r"^[^/\s]+(/[^/\s]+)+$", "an image name is 'project/name'")]
TagName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128),
                    _matches(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$", "a tag is letters, digits, '_', '.' and '-'")]
ProjectId = Annotated[int, Field(ge=1, le=2 ** 63 - 1)]
RepositoryId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=253),
                         _matches(REPOSITORY_ID_RULE, "repositoryId must be lower-case letters, digits, '-' and '.' "
                                                      "(it names the image-pull secret)")]
RegistryUser = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255),
                         _matches(REGISTRY_USER_RULE, "user must be letters, digits, '.', '_' and '-', starting "
                                                      "with a letter or digit")]


def _platform_password(v: str) -> str:
    # Harbor's own rule is the platform's: 8-20 characters, an upper-case and a lower-case letter, a digit
    if not _PASSWORD.match(v):
        raise ValueError(PASSWORD_MESSAGE)
    return v


# ---------------------------------------------------------------- query strings
class ImageQuery(Paging):
    projectName: str = Field(min_length=1, max_length=255)
    imageName: str | None = Field(default=None, max_length=512)


class TagQuery(Paging):
    imageName: ImageName


class ProjectQuery(Paging):
    projectName: str | None = Field(default=None, max_length=255)
    public: bool | None = None

    @field_validator("public", mode="before")
    @classmethod
    def _public(cls, v):
        if v is None or v == "":
            return None
        text = str(v).strip().lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise ValueError("public must be true or false")


class ExternalRepoQuery(Paging):
    pass


# ---------------------------------------------------------------- bodies
class DeleteImages(Body):
    imageName: list[ImageName] = Field(min_length=1, max_length=MAX_BATCH)


class DeleteTags(Body):
    imageName: ImageName
    tag: list[TagName] = Field(min_length=1, max_length=MAX_BATCH)


class NewRegistryUser(Body):
    user: RegistryUser
    password: str

    @field_validator("password")
    @classmethod
    def _password(cls, v: str) -> str:
        return _platform_password(v)


class RegistryPassword(Body):
    password: str

    @field_validator("password")
    @classmethod
    def _password(cls, v: str) -> str:
        return _platform_password(v)


class NewProject(Body):
    projectName: str = Field(min_length=1, max_length=255)
    public: bool


class DeleteProjects(Body):
    projectId: list[ProjectId] = Field(min_length=1, max_length=MAX_BATCH)


class NewExternalRepo(Body):
    repositoryId: RepositoryId
    address: str = Field(min_length=1, max_length=512, pattern=r"^\S+$")
    user: str = Field(min_length=1, max_length=255)
    password: str = Field(min_length=1, max_length=1024)


class DeleteExternalRepos(Body):
    repositoryId: list[RepositoryId] = Field(min_length=1, max_length=MAX_BATCH)
