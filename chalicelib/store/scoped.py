"""Owner-scoped objects on one generic item shape, shared by the APIs whose resources are many small kinds.

An object lives at ``<P>#<owner>#<kind>`` / ``ID#<id>`` (a get is one read, always inside the caller's owner:
a ServiceStage project, an MSAP tenant) and is listed through its *scope* (``<P>#<owner>#<kind>`` or, for
children, ``...#<parent id>``) by one of three indexes, so a page in any order is one Query: create time (gsi1),
name (gsi2), update time (gsi3); gsi4 is free for a kind's own lookup. A scope's size is a counter kept in the
write transaction; unique names per scope are claimed in the same transaction.

A surface binds a :class:`Store` to its model class and key prefix (``Store(SsObj, "SS")``).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.core import clock
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.store import base as store
from chalicelib.store.base import Versioned

ORDERS = {"create_time": ("gsi1", "CT"), "name": ("gsi2", "NAME"), "update_time": ("gsi3", "UT")}


class ScopedObj(Versioned):
    """Abstract item shape; each surface declares its own discriminated subclass."""
    project = UnicodeAttribute()  # the owner: a project, a tenant
    obj_kind = UnicodeAttribute()
    obj_id = UnicodeAttribute()
    scope = UnicodeAttribute()
    name = UnicodeAttribute(default="")
    data = JSONAttribute(default=dict)
    extra = JSONAttribute(default=dict)  # server-side only (sealed secrets, job bookkeeping)
    create_ms = NumberAttribute()
    update_ms = NumberAttribute()

    def index(self, lookup: tuple[str, str] | None = None):
        self.gsi1pk, self.gsi1sk = f"{self.scope}#CT", f"{int(self.create_ms):015d}#{self.obj_id}"
        self.gsi2pk, self.gsi2sk = f"{self.scope}#NAME", f"{self.name}#{self.obj_id}"
        self.gsi3pk, self.gsi3sk = f"{self.scope}#UT", f"{int(self.update_ms):015d}#{self.obj_id}"
        if lookup is not None:
            self.gsi4pk, self.gsi4sk = lookup
        return self


@dataclass(frozen=True)
class ListArgs:
    limit: int | None  # None: no pagination
    offset: int
    order_by: str
    ascending: bool


def now_ms() -> int:
    return int(clock.now() * 1000)


def new_uuid() -> str:
    return str(uuid.uuid4())


class Store:
    def __init__(self, model, prefix: str):
        self.model = model
        self.prefix = prefix

    # keys -------------------------------------------------------------
    def scope_of(self, owner: str, kind: str, parent: str | None = None) -> str:
        return f"{self.prefix}#{owner}#{kind}" + (f"#{parent}" if parent else "")

    def _counter(self, scope: str) -> str:
        return f"{self.prefix}COUNT#{scope}"

    def _name_scope(self, scope: str) -> str:
        return f"{self.prefix.lower()}name#{scope}"

    # reads ------------------------------------------------------------
    def get(self, owner: str, kind: str, obj_id: str):
        if not obj_id or not isinstance(obj_id, str) or len(obj_id) > 128:
            return None
        return store.get(self.model, f"{self.prefix}#{owner}#{kind}", f"ID#{obj_id}")

    def require(self, owner: str, kind: str, obj_id: str, message: str, code=None):
        item = self.get(owner, kind, obj_id)
        if item is None:
            raise NotFound(message, code=code)
        return item

    def count(self, owner: str, kind: str, parent: str | None = None) -> int:
        return store.Counter.value(self._counter(self.scope_of(owner, kind, parent)))

    def first(self, owner: str, kind: str, parent: str | None = None):
        """Any one object of the scope (a cheap "is it empty?")."""
        for item in self.model.gsi1.query(f"{self.scope_of(owner, kind, parent)}#CT", limit=1):
            return item
        return None

    def all(self, owner: str, kind: str, parent: str | None = None, *, ascending: bool = True):
        """Every object of one scope, oldest first (for small, bounded scopes)."""
        return self.model.gsi1.query(f"{self.scope_of(owner, kind, parent)}#CT", scan_index_forward=ascending)

    def by_name(self, owner: str, kind: str, name: str, parent: str | None = None):
        """The object claiming ``name`` in its scope (one claim read + one get)."""
        return store.claimed_by(self.model, self._name_scope(self.scope_of(owner, kind, parent)), name)

    def page(self, owner: str, kind: str, args: ListArgs, *, parent: str | None = None,
             predicate=None) -> tuple[list, int]:
        """(items of the page, count). Unfiltered: the Query stops at the page end and ``count`` is the scope's
        counter; with a predicate the scope is read through to count the matching items."""
        index_name, suffix = ORDERS.get(args.order_by, ORDERS["create_time"])
        index, partition = getattr(self.model, index_name), f"{self.scope_of(owner, kind, parent)}#{suffix}"
        stop = None if args.limit is None else args.offset + args.limit
        if predicate is None and args.limit == 0:
            return [], self.count(owner, kind, parent)
        out, seen = [], 0
        for item in index.query(partition, scan_index_forward=args.ascending,
                                limit=stop if predicate is None else None):
            if predicate is not None and not predicate(item):
                continue
            if seen >= args.offset and (stop is None or seen < stop):
                out.append(item)
            seen += 1
            if predicate is None and stop is not None and seen >= stop:
                break
        return out, (self.count(owner, kind, parent) if predicate is None else seen)

    # writes -----------------------------------------------------------
    def create(self, owner: str, kind: str, data: dict, *, obj_id: str | None = None, parent: str | None = None,
               name: str = "", unique_name: tuple[str, object] | None = None, extra: dict | None = None,
               lookup: tuple[str, str] | None = None):
        """Put a new object; ``unique_name`` = (message, code) claims ``name`` within the scope."""
        obj_id = obj_id or new_uuid()
        scope = self.scope_of(owner, kind, parent)
        ms = now_ms()
        item = self.model(f"{self.prefix}#{owner}#{kind}", f"ID#{obj_id}", project=owner, obj_kind=kind,
                          obj_id=obj_id, scope=scope, name=name, data=data, extra=extra or {}, create_ms=ms,
                          update_ms=ms).index(lookup)
        unique = [(self._name_scope(scope), name)] if unique_name else []
        try:
            store.create(item, unique=unique, counters=[self._counter(scope)], conflict="exists")
        except Conflict:
            if unique_name:
                raise Conflict(unique_name[0], code=unique_name[1]) from None
            raise
        return item

    def save(self, item, *, rename: str | None = None, unique_name: tuple[str, object] | None = None):
        """Save changed data (bumps update time); ``rename`` moves the unique name claim first."""
        if rename is not None and rename != item.name:
            if unique_name:
                try:
                    store.rename_unique((self._name_scope(item.scope), item.name),
                                        (self._name_scope(item.scope), rename), item)
                except Conflict:
                    raise Conflict(unique_name[0], code=unique_name[1]) from None
            item.name = rename
        item.update_ms = now_ms()
        item.index((item.gsi4pk, item.gsi4sk) if item.gsi4pk else None)
        return store.save(item)

    def delete(self, item, *, unique: bool = True) -> None:
        store.delete(item, unique=[(self._name_scope(item.scope), item.name)] if unique and item.name else [],
                     counters=[self._counter(item.scope)])
