"""One pagination helper for every surface.

Two styles, both over DynamoDB Queries (never Scans):
- offset pages (``page``/``pageSize``, ``offset``/``limit``): the Query stops after ``offset + limit``
  items, so page 1 costs the same at any table size; deep pages cost their offset, never the table;
- cursor pages: an opaque token holding the Query's ``LastEvaluatedKey``.
``total`` comes from a maintained counter where the list is unfiltered, else from a COUNT Query on the
caller's partition.
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from chalicelib.core.errors import Invalid

MAX_PAGE = 1000


@dataclass(frozen=True)
class Page:
    items: list
    total: int
    next_token: str | None = None


@dataclass(frozen=True)
class Window:
    offset: int
    limit: int | None  # None: no limit (only where the platform documents it)

    @property
    def stop(self) -> int | None:
        return None if self.limit is None else self.offset + self.limit


def page_window(page, page_size, *, default_size: int = 10, zero_means_all: bool = False,
                max_size: int = MAX_PAGE) -> Window:
    """``page`` (1-based) / ``pageSize`` → a window; validation errors are :class:`Invalid`."""
    page = _as_int(page, "page", 1)
    size = _as_int(page_size, "pageSize", default_size)
    if page < 1:
        raise Invalid("page must be >= 1")
    if size < 0:
        raise Invalid("pageSize must be >= 0")
    if size == 0:
        if not zero_means_all:
            raise Invalid("pageSize must be >= 1")
        return Window(0, None)
    size = min(size, max_size)
    return Window((page - 1) * size, size)


def offset_window(offset, limit, *, default_limit: int = 10, max_limit: int = MAX_PAGE) -> Window:
    offset = _as_int(offset, "offset", 0)
    limit = _as_int(limit, "limit", default_limit)
    if offset < 0 or limit < 0:
        raise Invalid("offset and limit must be >= 0")
    return Window(offset, min(limit, max_limit))


def _as_int(value, name: str, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Invalid(f"{name} must be an integer") from None


def take(results: Iterable, window: Window, predicate: Callable | None = None) -> tuple[list, int]:
    """Items of ``window`` from a lazy Query iterator; returns (items, how many matched before stopping).

    The iterator is consumed only up to the window's end (plus nothing more), so the cost is bounded by
    ``offset + limit``, not by the partition size.
    """
    out, seen = [], 0
    for item in results:
        if predicate is not None and not predicate(item):
            continue
        if seen >= window.offset and (window.limit is None or len(out) < window.limit):
            out.append(item)
        seen += 1
        if window.stop is not None and seen >= window.stop:
            break
    return out, seen


def encode_cursor(last_key: dict | None) -> str | None:
    if not last_key:
        return None
    return base64.urlsafe_b64encode(json.dumps(last_key, separators=(",", ":")).encode()).decode()


def decode_cursor(token: str | None) -> dict | None:
    if not token:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode() + b"=" * (-len(token) % 4)))
    except (ValueError, TypeError):
        raise Invalid("invalid page token") from None
    if not isinstance(data, dict):
        raise Invalid("invalid page token")
    return data


def cursor_page(query: Callable[..., Iterator], limit: int, token: str | None) -> Page:
    """Run ``query(limit=..., last_evaluated_key=...)`` and return one page with the next token."""
    results = query(limit=limit, last_evaluated_key=decode_cursor(token))
    items = list(results)
    return Page(items, len(items), encode_cursor(getattr(results, "last_evaluated_key", None)))
