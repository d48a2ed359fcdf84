"""Regional objects (what a regional Controller holds upstream), on one generic store.

Every kind (App, Cloudlet, ClusterInst, ...) is described once by a :class:`Kind`: its schema, its key
and key order, the org that owns it and the resource its permissions use. On top of that:

- keys print as upstream prints them in errors (compact JSON, struct field order, empty parts omitted)
  and that text is the item's sort key, so ``App key {...} not found`` and the store agree;
- a Show is a filter by example (every non-empty field of the request must equal the stored one) over one
  Query per visible org (admins: one Query of the region's partition), sorted by key;
- references (an App's flavor, a ClusterInst's cloudlet, ...) are claimed in the same transaction as the
  object that makes them: the target must exist (condition check), its use counter goes up, and a
  ``MxRef`` item names the user. Deleting an object with a non-zero counter fails with
  "<Kind> in use by <user>", so no dangling reference can appear even under races.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Callable, Iterable

from pynamodb.transactions import TransactWrite

from chalicelib.core import clock
from chalicelib.core.errors import BadRequest
from chalicelib.store import base as store
from chalicelib.store.mobiledgex import MxObj, MxRef

# struct field order of the key types (upstream prints keys in this order)
KEY_ORDER = {
    "EdgeprotoCloudletKey": ("organization", "name", "federated_organization"),
    "EdgeprotoFlavorKey": ("name",),
    "EdgeprotoAppKey": ("organization", "name", "version"),
    "EdgeprotoClusterKey": ("name", "organization"),
    "EdgeprotoClusterInstKey": ("cluster_key", "cloudlet_key"),
    "EdgeprotoAppInstKey": ("name", "organization", "cloudlet_key"),
    "EdgeprotoPolicyKey": ("organization", "name"),
    "EdgeprotoCloudletPoolKey": ("organization", "name"),
    "EdgeprotoVMPoolKey": ("organization", "name"),
    "EdgeprotoNetworkKey": ("cloudlet_key", "name"),
}
_SUBKEYS = {"cloudlet_key": "EdgeprotoCloudletKey", "cluster_key": "EdgeprotoClusterKey",
            "app_key": "EdgeprotoAppKey"}


def ordered_key(key_schema: str, key: dict) -> dict:
    """The key with its parts in struct order, empty parts dropped (nested keys too)."""
    out = {}
    for part in KEY_ORDER.get(key_schema, tuple(sorted(key))):
        value = key.get(part)
        if isinstance(value, dict):
            value = ordered_key(_SUBKEYS.get(part, ""), value)
        if value not in (None, "", {}, 0):
            out[part] = value
    return out


def key_text(key: dict) -> str:
    return json.dumps(key, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class Kind:
    name: str                      # "App", "ClusterInst" (object name in wrappers and messages)
    schema: str                    # "EdgeprotoApp"
    key_schema: str | None         # "EdgeprotoAppKey"; None when the key is a plain field (OperatorCode.code)
    resource: str                  # permission resource: "apps", "clusterinsts", ...
    org_path: str                  # where the owning org is: "key.organization"
    key_field: str = "key"
    label: str = ""                # message prefix, default "<name> key"
    by: Callable[[dict], str] | None = None  # value of the second index (e.g. the cloudlet), optional
    aliases: tuple = field(default=())

    @property
    def key_label(self) -> str:
        return self.label or f"{self.name} key"

    def key_of(self, obj: dict) -> dict:
        if self.key_schema is None:
            return {self.key_field: obj.get(self.key_field, "")}
        return ordered_key(self.key_schema, obj.get(self.key_field) or {})

    def key_str(self, obj_or_key: dict, *, is_key: bool = False) -> str:
        key = obj_or_key if is_key else self.key_of(obj_or_key)
        if self.key_schema is None:
            return key_text(key)
        return key_text(ordered_key(self.key_schema, key))

    def org_of(self, obj: dict) -> str:
        cur = obj
        for part in self.org_path.split("."):
            cur = (cur or {}).get(part) if isinstance(cur, dict) else None
        return cur or ""


@dataclass(frozen=True)
class Ref:
    """A reference from the object being written to another regional object."""
    kind: Kind
    key: dict

    @property
    def key_str(self) -> str:
        return self.kind.key_str(self.key, is_key=True)


# ---------------------------------------------------------------- reads
def get(kind: Kind, region: str, key: dict) -> MxObj | None:
    return store.get(MxObj, MxObj.pk_of(region, kind.name), kind.key_str(key, is_key=True))


def require(kind: Kind, region: str, key: dict) -> MxObj:
    item = get(kind, region, key)
    if item is None:
        raise BadRequest(f"{kind.key_label} {kind.key_str(key, is_key=True)} not found")
    return item


def matches(filt, value) -> bool:
    """Filter by example: every non-zero field of ``filt`` equals the stored value (recursively)."""
    if isinstance(filt, dict):
        if not isinstance(value, dict):
            return not any(_nonzero(v) for v in filt.values())
        return all(matches(v, value.get(k)) for k, v in filt.items() if _nonzero(v))
    if isinstance(filt, list):
        return not filt or filt == value
    return not _nonzero(filt) or filt == value


def _nonzero(v) -> bool:
    if isinstance(v, dict):
        return any(_nonzero(x) for x in v.values())
    return v not in (None, "", 0, False, [], {})


def query(kind: Kind, region: str, orgs: Iterable[str] | None) -> Iterable[MxObj]:
    """All objects of a kind (``orgs`` None: the whole region) or of the given owning orgs: Queries only."""
    if orgs is None:
        yield from MxObj.query(MxObj.pk_of(region, kind.name))
        return
    for org in sorted({o.lower() for o in orgs}):
        yield from MxObj.gsi1.query(f"MX#{region}#{kind.name}#ORG#{org}")


def by_index(kind: Kind, region: str, value: str) -> Iterable[MxObj]:
    """Objects whose second index value is ``value`` (e.g. the ClusterInsts on one cloudlet)."""
    yield from MxObj.gsi2.query(f"MX#{region}#{kind.name}#BY", MxObj.gsi2sk.startswith(f"{value}|"))


def show(kind: Kind, region: str, filt: dict, orgs: Iterable[str] | None,
         extra: Callable[[MxObj], bool] | None = None) -> list[MxObj]:
    items = [i for i in query(kind, region, orgs) if matches(filt, i.data) and (extra is None or extra(i))]
    return sorted(items, key=lambda i: i.sk)


# ---------------------------------------------------------------- writes
def _uses_counter(region: str, ref: Ref) -> store.Counter:
    return store.Counter.key(f"MXUSES#{region}#{ref.kind.name}#{ref.key_str}")


def _ref_item(region: str, ref: Ref, kind: Kind, src_key: str) -> MxRef:
    return MxRef(f"MXREF#{region}#{ref.kind.name}#{ref.key_str}", f"{kind.name}#{src_key}",
                 src_kind=kind.name, src_key=src_key, src_text=f"{kind.name} {src_key}")


def _claim(tx: TransactWrite, region: str, kind: Kind, src_key: str, ref: Ref) -> None:
    tx.condition_check(MxObj, MxObj.pk_of(region, ref.kind.name), ref.key_str, condition=MxObj.pk.exists())
    tx.update(_uses_counter(region, ref), actions=[store.Counter.n.add(1)])
    tx.save(_ref_item(region, ref, kind, src_key))


def _release(tx: TransactWrite, region: str, kind: Kind, src_key: str, ref: Ref) -> None:
    tx.update(_uses_counter(region, ref), actions=[store.Counter.n.add(-1)])
    tx.delete(_ref_item(region, ref, kind, src_key))


def _missing_ref(region: str, refs: list[Ref]) -> str | None:
    for ref in refs:
        if get(ref.kind, region, ref.key) is None:
            return f"{ref.kind.key_label} {ref.key_str} not found"
    return None


def _dedupe(refs: Iterable[Ref]) -> list[Ref]:
    seen, out = set(), []
    for r in refs:
        ident = (r.kind.name, r.key_str)
        if ident not in seen:
            seen.add(ident)
            out.append(r)
    return out


def create(kind: Kind, region: str, data: dict, *, extra: dict | None = None,
           messages: list[str] | None = None) -> MxObj:
    """Put a new object and claim what it refers to (:func:`references`), in one transaction."""
    refs = refs_of(kind, data)
    key = kind.key_str(data)
    item = MxObj(MxObj.pk_of(region, kind.name), key, region=region, obj_kind=kind.name, key_str=key,
                 org=kind.org_of(data), data=data, extra=extra or {}, messages=messages or [],
                 created_at=int(clock.now_s()))
    item.index(("BY", kind.by(data)) if kind.by else None)
    def writes(tx):
        tx.save(item, condition=MxObj.pk.does_not_exist())
        for ref in refs:
            _claim(tx, region, kind, key, ref)
    try:
        store.transact(writes)
    except store.Cancelled as exc:
        _raise_write(exc, exists=f"{kind.key_label} {key} already exists", region=region, refs=refs, item=item)
    return item


def save(kind: Kind, item: MxObj, data: dict) -> MxObj:
    """Write new data under the item's version; references that changed are claimed/released with it."""
    old_refs = {(r.kind.name, r.key_str): r for r in refs_of(kind, item.data)}
    new_refs = {(r.kind.name, r.key_str): r for r in refs_of(kind, data)}
    item.data = data
    item.org = kind.org_of(data)
    item.index(("BY", kind.by(data)) if kind.by else None)
    added = [r for k, r in new_refs.items() if k not in old_refs]
    removed = [r for k, r in old_refs.items() if k not in new_refs]
    if not added and not removed:
        return store.save(item, conflict=f"{kind.key_label} {item.key_str} was changed concurrently, retry")
    def writes(tx):
        tx.save(item)
        for ref in added:
            _claim(tx, item.region, kind, item.key_str, ref)
        for ref in removed:
            _release(tx, item.region, kind, item.key_str, ref)
    try:
        store.transact(writes)
    except store.Cancelled as exc:
        _raise_write(exc, exists="", region=item.region, refs=added, item=None)
    return item


def in_use(kind: Kind, region: str, key_str: str) -> str | None:
    """How an error names one user of the object, or None when nothing refers to it."""
    for ref in MxRef.query(f"MXREF#{region}#{kind.name}#{key_str}", limit=1):
        return ref.src_text
    return None


def delete(kind: Kind, item: MxObj, *, in_use_text: Callable[[str], str] | None = None) -> None:
    user = in_use(kind, item.region, item.key_str)
    if user is not None:
        raise BadRequest(in_use_text(user) if in_use_text else f"{kind.name} in use by {user}")
    counter = store.Counter.key(f"MXUSES#{item.region}#{kind.name}#{item.key_str}")
    def writes(tx):
        tx.delete(item)
        tx.condition_check(store.Counter, counter.pk, counter.sk,
                           condition=store.Counter.pk.does_not_exist() | (store.Counter.n <= 0))
        for ref in _dedupe(refs_of(kind, item.data)):
            _release(tx, item.region, kind, item.key_str, ref)
    try:
        store.transact(writes)
    except store.Cancelled as exc:
        user = in_use(kind, item.region, item.key_str)
        if user is not None:
            raise BadRequest(in_use_text(user) if in_use_text else f"{kind.name} in use by {user}") from None
        _raise_write(exc, exists="", region=item.region, refs=[], item=None)


def _raise_write(exc: store.Cancelled, *, exists: str, region: str, refs: list[Ref], item: MxObj | None):
    """A cancelled write of a MobiledgeX object: which condition failed decides the message."""
    if item is not None and exists and store.get(MxObj, item.pk, item.sk) is not None:
        raise BadRequest(exists) from None
    missing = _missing_ref(region, refs)
    if missing:
        raise BadRequest(missing) from None
    raise BadRequest("the object was changed concurrently, retry") from None


# ---------------------------------------------------------------- references per kind
_REFS: dict[str, Callable[[dict], list[Ref]]] = {}


def references(kind_name: str):
    """Register how a kind's data names other objects (used by create/save/delete)."""
    def deco(fn):
        _REFS[kind_name] = fn
        return fn
    return deco


def refs_of(kind: Kind, data: dict) -> list[Ref]:
    fn = _REFS.get(kind.name)
    return _dedupe(fn(data)) if fn else []


def write_linked(kind: Kind, region: str, old: MxObj | None, data: dict | None, *,
                 rewrite: Iterable[MxObj] = (), exists: str = "") -> MxObj | None:
    """Create (``old`` None), save, or delete (``data`` None) one object and, in the same transaction, save
    other objects under their version (``rewrite``): objects that keep a copy of the relation, e.g. the
    cloudlets whose pool list a CloudletPool write changes. References are claimed and released as
    :func:`create`/:func:`save`/:func:`delete` do; a claimed target that is also rewritten is not
    condition-checked as well (one operation per item in a transaction): its versioned save proves it exists.
    """
    rewrite = list(rewrite)
    rewritten = {(i.obj_kind, i.key_str) for i in rewrite}
    old_refs = {(r.kind.name, r.key_str): r for r in (refs_of(kind, old.data) if old is not None else [])}
    new_refs = {(r.kind.name, r.key_str): r for r in (refs_of(kind, data) if data is not None else [])}
    added = [r for k, r in new_refs.items() if k not in old_refs]
    removed = [r for k, r in old_refs.items() if k not in new_refs]
    if old is None:
        key = kind.key_str(data)
        item = MxObj(MxObj.pk_of(region, kind.name), key, region=region, obj_kind=kind.name, key_str=key,
                     org=kind.org_of(data), data=data, extra={}, messages=[], created_at=int(clock.now_s()))
    else:
        item, key = old, old.key_str
        if data is not None:
            item.data, item.org = data, kind.org_of(data)
    if data is not None:
        item.index(("BY", kind.by(data)) if kind.by else None)
    else:
        user = in_use(kind, region, key)
        if user is not None:
            raise BadRequest(f"{kind.name} in use by {user}")

    def writes(tx):
        if old is None:
            tx.save(item, condition=MxObj.pk.does_not_exist())
        elif data is None:
            counter = store.Counter.key(f"MXUSES#{region}#{kind.name}#{key}")
            tx.delete(item)
            tx.condition_check(store.Counter, counter.pk, counter.sk,
                               condition=store.Counter.pk.does_not_exist() | (store.Counter.n <= 0))
        else:
            tx.save(item)
        for ref in added:
            if (ref.kind.name, ref.key_str) in rewritten:
                tx.update(_uses_counter(region, ref), actions=[store.Counter.n.add(1)])
                tx.save(_ref_item(region, ref, kind, key))
            else:
                _claim(tx, region, kind, key, ref)
        for ref in removed:
            _release(tx, region, kind, key, ref)
        for other in rewrite:
            tx.save(other)
    try:
        store.transact(writes)
    except store.Cancelled as exc:
        if data is None:
            user = in_use(kind, region, key)
            if user is not None:
                raise BadRequest(f"{kind.name} in use by {user}") from None
        _raise_write(exc, exists=exists or (f"{kind.key_label} {key} already exists" if old is None else ""),
                     region=region, refs=added, item=item if old is None else None)
    return None if data is None else item
