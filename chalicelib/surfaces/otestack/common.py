"""Shared request pieces of ote-stack: paging/sorting parameters, name matching, field projection."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from chalicelib.core.errors import Invalid
from chalicelib.core.pagination import Window, page_window


class Query(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class Paging(Query):
    page: str | None = None
    pageSize: str | None = None
    orderBy: str | None = None
    order: str | None = None

    @field_validator("order")
    @classmethod
    def _order(cls, v):
        if v not in (None, "", "asc", "desc"):
            raise ValueError("order must be asc or desc")
        return v or None

    def window(self, *, default_size: int = 10, zero_means_all: bool = True) -> Window:
        return page_window(self.page, self.pageSize, default_size=default_size, zero_means_all=zero_means_all)

    def descending(self, default: str = "asc") -> bool:
        return (self.order or default) == "desc"

    def order_by(self, allowed=("id",)) -> str:
        value = self.orderBy or "id"
        if value not in allowed:
            raise Invalid(f"orderBy must be one of {', '.join(allowed)}")
        return value


def name_matcher(value: str | None, mode: str | None):
    """``appNameMode``: strict | partial (default) | prefix."""
    mode = mode or "partial"
    if mode not in ("strict", "partial", "prefix"):
        raise Invalid("appNameMode must be strict, partial or prefix")
    if not value:
        return None
    if mode == "strict":
        return lambda name: name == value
    if mode == "prefix":
        return lambda name: name.startswith(value)
    return lambda name: value in name


def project(row: dict, field: str | None) -> dict:
    """``field=a,b``: only those keys (unknown names are ignored; empty means all)."""
    if not field:
        return row
    wanted = {f.strip() for f in field.split(",") if f.strip()}
    picked = {k: v for k, v in row.items() if k in wanted}
    return picked or row


class Body(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, strict=True)


PASSWORD_RULE = r"^(?=.*[a-z])(?=.*[A-Z])(?=.*\d).{8,20}$"
PASSWORD_MESSAGE = "password must be 8-20 characters with at least one upper-case letter, one lower-case letter and one digit"
LABEL_RULE = r"^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$"

__all__ = ["Body", "Field", "LABEL_RULE", "PASSWORD_MESSAGE", "PASSWORD_RULE", "Paging", "Query", "name_matcher",
           "project"]
