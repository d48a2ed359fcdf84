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


class BusinessAudit(Body):
    status: int
    comment: str = Field(min_length=0, max_length=512)

    @field_validator("status")
    @classmethod
    def _status(cls, v):
        if v not in (1, 2):
            raise ValueError("status must be 1 (approved) or 2 (disapproved)")
        return v


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
