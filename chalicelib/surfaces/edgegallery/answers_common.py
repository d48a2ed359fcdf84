"""Shapes shared by EdgeGallery's answer models (answers_core, answers_infra, answers_more): the page of
``envelope.page``, bare JSON arrays, the bare ``true`` of mutations and the ``{operationId}`` of started operations.

EdgeGallery has no success envelope: each model is the whole body (``@endpoint(bp, returns=Model)``).
"""
from __future__ import annotations

from typing import Generic, List, TypeVar

from pydantic import BaseModel, Field, RootModel

from chalicelib.openapi.declare import named

T = TypeVar("T")


# ---------------------------------------------------------------- shared shapes
class Page(BaseModel, Generic[T]):
    """A paged list (``envelope.page``): the rows of one window and the total."""
    results: List[T] = Field(description="the rows of this page")
    limit: int = Field(description="the page size")
    offset: int = Field(description="the index of the first row")
    total: int = Field(description="the number of rows matching the query")


def page(item: type[BaseModel]) -> type[BaseModel]:
    """The page of ``item`` rows, named ``<Item>Page`` (``Page[X]`` would be published as ``Page_X_``)."""
    return named(Page[item], f"{item.__name__}Page",
                 f"One page of {item.__name__} rows: results, limit, offset, total.", __name__)


def listing(item) -> type[BaseModel]:
    """A bare JSON array of ``item`` rows, named ``<Item>List``."""
    name = getattr(item, "__name__", str(item))
    return named(RootModel[List[item]], f"{name}List", f"A JSON array of {name}.", __name__)


class Done(RootModel[bool]):
    """The bare ``true`` of a mutation that answers nothing else."""


class OperationStarted(BaseModel):
    """An operation started (22.1, 22.4, 23.2, 28.10): poll it with GET /operations/{operationId}."""
    operationId: str = Field(description="the OperationStatus id")
