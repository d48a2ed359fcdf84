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

from chalicelib.store.scoped import ORDERS, ListArgs, Store, new_uuid, now_ms  # noqa: F401 (re-exported)
from chalicelib.store.servicestage import SsObj

_store = Store(SsObj, "SS")
scope_of = _store.scope_of
get = _store.get
require = _store.require
create = _store.create
save = _store.save
delete = _store.delete
count = _store.count
first = _store.first
page = _store.page


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
