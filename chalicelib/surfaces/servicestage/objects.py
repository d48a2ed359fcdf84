"""Project-scoped objects of the ServiceStage families on one generic store (:class:`SsObj`).

An object lives at ``SS#<project>#<kind>`` / ``ID#<id>`` (a get is one read, always inside the caller's
project) and is listed through its *scope* (``SS#<project>#<kind>`` or, for children such as an application's
components, ``...#<parent id>``) by one of three indexes, so a page in any documented order is one Query:
``create_time`` (gsi1), ``name`` (gsi2), ``update_time`` (gsi3). ``count`` is the scope's counter, kept in the
write transaction. Unique names per scope are claimed in the same transaction.

V2 list rules (catalog §4.9): ``limit`` 1000 means "no pagination", 0..100 is taken as given, anything else
is 10; ``offset`` skips; ``order_by`` ∈ the kind's orders (unknown → create_time); ``order`` desc (default) |
asc.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from chalicelib.core import clock
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.store import base as store
from chalicelib.store.servicestage import SsObj

ORDERS = {"create_time": ("gsi1", "CT"), "name": ("gsi2", "NAME"), "update_time": ("gsi3", "UT")}


def now_ms() -> int:
    return int(clock.now() * 1000)


def scope_of(project: str, kind: str, parent: str | None = None) -> str:
    return f"SS#{project}#{kind}" + (f"#{parent}" if parent else "")


def _counter(scope: str) -> str:
    return f"SSCOUNT#{scope}"


def new_uuid() -> str:
    return str(uuid.uuid4())


def get(project: str, kind: str, obj_id: str) -> SsObj | None:
    if not obj_id or len(obj_id) > 128:
        return None
    return store.get(SsObj, f"SS#{project}#{kind}", f"ID#{obj_id}")


def require(project: str, kind: str, obj_id: str, message: str, code: str) -> SsObj:
    item = get(project, kind, obj_id)
    if item is None:
        raise NotFound(message, code=code)
    return item


def create(project: str, kind: str, data: dict, *, obj_id: str | None = None, parent: str | None = None,
           name: str = "", unique_name: tuple[str, str] | None = None, extra: dict | None = None,
           lookup: tuple[str, str] | None = None) -> SsObj:
    """Put a new object; ``unique_name`` = (message, code) claims ``name`` within the scope."""
    obj_id = obj_id or new_uuid()
    scope = scope_of(project, kind, parent)
    ms = now_ms()
    item = SsObj(f"SS#{project}#{kind}", f"ID#{obj_id}", project=project, obj_kind=kind, obj_id=obj_id, scope=scope,
                 name=name, data=data, extra=extra or {}, create_ms=ms, update_ms=ms).index(lookup)
    unique = [(f"ssname#{scope}", name)] if unique_name else []
    try:
        store.create(item, unique=unique, counters=[_counter(scope)], conflict="exists")
    except Conflict:
        if unique_name:
            raise Conflict(unique_name[0], code=unique_name[1]) from None
        raise
    return item


def save(item: SsObj, *, rename: str | None = None, unique_name: tuple[str, str] | None = None) -> SsObj:
    """Save changed data (bumps update_time); ``rename`` moves the unique name claim first."""
    if rename is not None and rename != item.name:
        if unique_name:
            try:
                store.rename_unique((f"ssname#{item.scope}", item.name), (f"ssname#{item.scope}", rename), item)
            except Conflict:
                raise Conflict(unique_name[0], code=unique_name[1]) from None
        item.name = rename
    item.update_ms = now_ms()
    item.index((item.gsi4pk, item.gsi4sk) if item.gsi4pk else None)
    return store.save(item)


def delete(item: SsObj, *, unique: bool = True) -> None:
    store.delete(item, unique=[(f"ssname#{item.scope}", item.name)] if unique and item.name else [],
                 counters=[_counter(item.scope)])


def count(project: str, kind: str, parent: str | None = None) -> int:
    return store.Counter.value(_counter(scope_of(project, kind, parent)))


def first(project: str, kind: str, parent: str | None = None) -> SsObj | None:
    """Any one object of the scope (a cheap "is it empty?")."""
    for item in SsObj.gsi1.query(f"{scope_of(project, kind, parent)}#CT", limit=1):
        return item
    return None


@dataclass(frozen=True)
class ListArgs:
    limit: int | None  # None: no pagination
    offset: int
    order_by: str
    ascending: bool


def v2_args(query: dict, orders=("create_time", "name", "update_time")) -> ListArgs:
    raw = query.get("limit")
    try:
        limit = int(raw) if raw not in (None, "") else 10
    except ValueError:
        limit = 10
    limit = None if limit == 1000 else (limit if 0 <= limit <= 100 else 10)
    try:
        offset = max(0, int(query.get("offset") or 0))
    except ValueError:
        offset = 0
    order_by = query.get("order_by") if query.get("order_by") in orders else "create_time"
    return ListArgs(limit, offset, order_by, (query.get("order") or "desc").lower() == "asc")


def page(project: str, kind: str, args: ListArgs, *, parent: str | None = None, predicate=None) -> tuple[list, int]:
    """(items of the page, count). Unfiltered: the Query stops at the page end and ``count`` is the scope's
    counter; with a predicate the scope is read through to count the matching items."""
    index_name, suffix = ORDERS.get(args.order_by, ORDERS["create_time"])
    index, partition = getattr(SsObj, index_name), f"{scope_of(project, kind, parent)}#{suffix}"
    stop = None if args.limit is None else args.offset + args.limit
    if predicate is None and args.limit == 0:
        return [], count(project, kind, parent)
    out, seen = [], 0
    for item in index.query(partition, scan_index_forward=args.ascending, limit=stop if predicate is None else None):
        if predicate is not None and not predicate(item):
            continue
        if seen >= args.offset and (stop is None or seen < stop):
            out.append(item)
        seen += 1
        if predicate is None and stop is not None and seen >= stop:
            break
    return out, (count(project, kind, parent) if predicate is None else seen)
