"""MSAP objects on the shared owner-scoped store (``store/scoped.py``), owned by the tenant, and the
PageHelper page object of the 14 paged endpoints (catalog §4 Pagination)."""
from __future__ import annotations

import math
from datetime import datetime, timezone

from chalicelib.core import clock
from chalicelib.core.errors import Invalid
from chalicelib.store.msap import MsObj
from chalicelib.store.scoped import ListArgs, Store, new_uuid  # noqa: F401 (re-exported)

_store = Store(MsObj, "MS")
scope_of = _store.scope_of
get = _store.get
require = _store.require
create = _store.create
save = _store.save
delete = _store.delete
count = _store.count
first = _store.first
all_of = _store.all
by_name = _store.by_name
page = _store.page

MAX_PAGE_SIZE = 500


def now_ms_str() -> str:
    """Times are epoch-millisecond strings (the document's dominant form, catalog §4)."""
    return str(int(clock.now() * 1000))


def datetime_str(ms: int | str | None = None) -> str:
    """``YYYY-MM-DD HH:mm:ss`` (UTC) where the document shows that form (deploy configurations)."""
    ts = (int(ms) / 1000.0) if ms not in (None, "") else clock.now()
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def window(page_num, page_size) -> ListArgs:
    """``pageNum`` (default 1) / ``pageSize`` (default 10) → the Query window (newest first)."""
    num, size = _int(page_num, "页码", 1), _int(page_size, "每页条数", 10)
    if num < 1:
        raise Invalid("页码不能小于1")
    if size < 1 or size > MAX_PAGE_SIZE:
        raise Invalid(f"每页条数必须在1到{MAX_PAGE_SIZE}之间")
    return ListArgs(size, (num - 1) * size, "create_time", False)


def _int(value, label: str, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        return int(str(value).strip())
    except ValueError:
        raise Invalid(f"{label}必须是整数") from None


def page_info(rows: list, total: int, args: ListArgs, navigate_pages: int = 8) -> dict:
    """MyBatis PageHelper's ``PageInfo`` with every field the document's examples show."""
    size = int(args.limit or 0)
    num = (args.offset // size) + 1 if size else 1
    pages = math.ceil(total / size) if size else (1 if total else 0)
    n = len(rows)
    start = args.offset + 1 if n else 0
    end = args.offset + n if n else 0
    if pages <= navigate_pages:
        nav = list(range(1, pages + 1))
    else:
        first_nav = max(1, num - navigate_pages // 2)
        last_nav = first_nav + navigate_pages - 1
        if last_nav > pages:
            last_nav, first_nav = pages, pages - navigate_pages + 1
        nav = list(range(first_nav, last_nav + 1))
    return {
        "pageNum": num, "pageSize": size, "size": n, "startRow": start, "endRow": end, "total": total,
        "pages": pages, "list": rows, "prePage": num - 1 if num > 1 else 0, "nextPage": num + 1 if num < pages else 0,
        "isFirstPage": num == 1, "isLastPage": num >= pages, "hasPreviousPage": num > 1, "hasNextPage": num < pages,
        "navigatePages": navigate_pages, "navigatepageNums": nav,
        "navigateFirstPage": nav[0] if nav else 0, "navigateLastPage": nav[-1] if nav else 0,
    }
