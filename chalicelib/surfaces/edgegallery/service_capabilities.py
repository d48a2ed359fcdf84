"""EdgeGallery capability center: capability groups (5, 8), capabilities (7, 17), group stats (13, 15).

Keys (platform-wide, not per user):
  EgCapabilityGroup  EG#CAPGROUP/G#<id>   gsi1 EG#CAPGROUP#TYPE#<type>/<createTime>#<id>
                                          gsi2 EG#CAPGROUP#NAME#<name>   gsi3 EG#CAPGROUP#NAMEEN#<nameEn>
  EgCapability       EG#CAP/C#<id>        gsi1 EG#CAPGROUP#<groupId>#CAPS/<uploadTime>#<id>
                                          gsi2 EG#CAPTYPE#<type>#CAPS/...   gsi3 EG#APP#<appId>#CAPS/...
Counters: ``eg-caps`` (all capabilities), ``eg-capgroup-caps#<groupId>`` (capabilities of a group; the
stats endpoints read these, never count rows). Unique claims: ``eg-cap-name``/``eg-cap-name-en``.
Times are epoch milliseconds (catalog §5.3).

Hooks for other groups:
- :func:`bump_select_count` (app configuration: a required service added/removed);
- :func:`create_from_release` (release: a produced service becomes a capability).
"""
from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import UpdateError

from chalicelib import audit
from chalicelib.core import clock
from chalicelib.core.errors import BadRequest, Conflict, NotFound
from chalicelib.core.pagination import take
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.base import Counter, Entity
from chalicelib.surfaces.edgegallery import auth
from chalicelib.surfaces.edgegallery.common import new_uuid, require_uuid

SURFACE = "edgegallery"
GROUP_TYPES = ("OPENMEP", "OPENMEP_ECO", "STANDARD")
GROUP_PK, CAP_PK = "EG#CAPGROUP", "EG#CAP"
TOTAL_SCOPE = "eg-caps"
EXISTS = "The capability already exists"
CAP_STR_FIELDS = ("name", "nameEn", "version", "description", "descriptionEn", "provider", "apiFileId",
                  "guideFileId", "guideFileIdEn", "host", "protocol", "appId", "packageId", "iconFileId", "author",
                  "experienceUrl")
GROUP_STR_FIELDS = ("name", "nameEn", "description", "descriptionEn", "type", "iconFileId", "author")
MAX_LEN = 1024


def _ms() -> int:
    return int(clock.now() * 1000)


def group_scope(group_id: str) -> str:
    return f"eg-capgroup-caps#{group_id}"


class EgCapabilityGroup(Entity, discriminator="EgCapabilityGroup"):
    group_id = UnicodeAttribute()
    name = UnicodeAttribute()
    name_en = UnicodeAttribute(default="")
    description = UnicodeAttribute(default="")
    description_en = UnicodeAttribute(default="")
    type = UnicodeAttribute()
    icon_file_id = UnicodeAttribute(null=True)
    author = UnicodeAttribute(default="")
    parent_id = UnicodeAttribute(null=True)
    create_time = NumberAttribute()
    update_time = NumberAttribute()

    def index(self) -> "EgCapabilityGroup":
        self.gsi1pk, self.gsi1sk = f"EG#CAPGROUP#TYPE#{self.type}", f"{self.create_time:015d}#{self.group_id}"
        self.gsi2pk, self.gsi2sk = f"EG#CAPGROUP#NAME#{self.name}", self.group_id
        self.gsi3pk, self.gsi3sk = f"EG#CAPGROUP#NAMEEN#{self.name_en or self.name}", self.group_id
        return self


class EgCapability(Entity, discriminator="EgCapability"):
    """No version attribute: ``selectCount`` and field edits are atomic update expressions."""
    cap_id = UnicodeAttribute()
    group_id = UnicodeAttribute()
    group_type = UnicodeAttribute()
    name = UnicodeAttribute()
    name_en = UnicodeAttribute()
    version = UnicodeAttribute(default="")
    description = UnicodeAttribute(default="")
    description_en = UnicodeAttribute(default="")
    provider = UnicodeAttribute(default="")
    api_file_id = UnicodeAttribute(default="")
    guide_file_id = UnicodeAttribute(default="")
    guide_file_id_en = UnicodeAttribute(null=True)
    icon_file_id = UnicodeAttribute(default="")
    host = UnicodeAttribute(null=True)
    port = NumberAttribute(null=True)
    protocol = UnicodeAttribute(null=True)
    app_id = UnicodeAttribute(null=True)
    package_id = UnicodeAttribute(null=True)
    user_id = UnicodeAttribute(null=True)
    author = UnicodeAttribute(default="")
    experience_url = UnicodeAttribute(null=True)
    select_count = NumberAttribute(default=0)
    upload_time = NumberAttribute()

    def index(self) -> "EgCapability":
        order = f"{self.upload_time:015d}#{self.cap_id}"
        self.gsi1pk, self.gsi1sk = f"EG#CAPGROUP#{self.group_id}#CAPS", order
        self.gsi2pk, self.gsi2sk = f"EG#CAPTYPE#{self.group_type}#CAPS", order
        self.gsi3pk, self.gsi3sk = (f"EG#APP#{self.app_id}#CAPS", order) if self.app_id else (None, None)
        return self


# ---------------------------------------------------------------- views
def group_view(g: EgCapabilityGroup, *, with_parent: bool = True) -> dict:
    parent = None
    if with_parent and g.parent_id:
        pg = load_group(g.parent_id)
        parent = group_view(pg, with_parent=False) if pg else None
    return {"id": g.group_id, "name": g.name, "nameEn": g.name_en, "description": g.description,
            "descriptionEn": g.description_en, "type": g.type, "iconFileId": g.icon_file_id, "author": g.author,
            "createTime": int(g.create_time), "updateTime": int(g.update_time), "parent": parent}


def view(c: EgCapability, group: EgCapabilityGroup | None = None) -> dict:
    group = group or load_group(c.group_id)
    return {"id": c.cap_id, "name": c.name, "nameEn": c.name_en, "version": c.version,
            "description": c.description, "descriptionEn": c.description_en, "provider": c.provider,
            "apiFileId": c.api_file_id, "guideFileId": c.guide_file_id, "guideFileIdEn": c.guide_file_id_en,
            "uploadTime": int(c.upload_time), "port": None if c.port is None else int(c.port), "host": c.host,
            "protocol": c.protocol, "appId": c.app_id, "packageId": c.package_id, "userId": c.user_id,
            "selectCount": int(c.select_count or 0), "iconFileId": c.icon_file_id, "author": c.author,
            "experienceUrl": c.experience_url, "group": group_view(group) if group else None,
            "groupId": c.group_id}


def _views(caps) -> list[dict]:
    groups: dict[str, EgCapabilityGroup | None] = {}
    out = []
    for c in caps:
        if c.group_id not in groups:
            groups[c.group_id] = load_group(c.group_id)
        out.append(view(c, groups[c.group_id]))
    return out


# ---------------------------------------------------------------- groups
def load_group(group_id: str) -> EgCapabilityGroup | None:
    return store.get(EgCapabilityGroup, GROUP_PK, f"G#{group_id}")


def get_group(group_id: str) -> EgCapabilityGroup:
    require_uuid(group_id, "id")
    g = load_group(group_id)
    if g is None:
        raise NotFound(f"capability group {group_id} not found", code=20007)
    return g


def _check_type(value) -> str:
    if value not in GROUP_TYPES:
        raise BadRequest(f"type must be one of {', '.join(GROUP_TYPES)}", code=20002)
    return value


def _strings(body: dict, names, errors: list) -> dict:
    out = {}
    for k in names:
        v = body.get(k)
        if v is None:
            continue
        if not isinstance(v, str) or len(v) > MAX_LEN:
            errors.append(f"{k} must be a string of at most {MAX_LEN} characters")
            continue
        out[k] = v.strip()
    return out


def _new_group(p: Principal | None, f: dict, parent_id: str | None = None) -> EgCapabilityGroup:
    now = _ms()
    gid = new_uuid()
    g = EgCapabilityGroup(GROUP_PK, f"G#{gid}", group_id=gid, name=f["name"], name_en=f.get("nameEn") or f["name"],
                          description=f.get("description", ""),
                          description_en=f.get("descriptionEn") or f.get("description", ""), type=f["type"],
                          icon_file_id=f.get("iconFileId"), author=f.get("author") or (p.username if p else ""),
                          parent_id=parent_id, create_time=now, update_time=now)
    g.index()
    store.create(g)
    audit.record(SURFACE, "create_capability_group", principal=p, resource=f"capability-group/{gid}")
    return g


def create_group(p: Principal, body: dict) -> EgCapabilityGroup:
    auth.require_writer(p)
    errors: list[str] = []
    f = _strings(body, GROUP_STR_FIELDS, errors)
    if errors:
        raise BadRequest("; ".join(errors), code=20002)
    if not f.get("name"):
        raise BadRequest("name is required", code=20002)
    _check_type(f.get("type"))
    parent_id = None
    parent = body.get("parent")
    if parent is not None:
        pid = parent.get("id") if isinstance(parent, dict) else None
        if not isinstance(pid, str):
            raise BadRequest("parent must be an object with an id", code=20002)
        parent_id = get_group(pid).group_id
    return _new_group(p, f, parent_id)


def find_group_by_name(name: str | None, name_en: str | None = None) -> EgCapabilityGroup | None:
    for pk, idx in ((name, EgCapabilityGroup.gsi2), (name_en, EgCapabilityGroup.gsi3),
                    (name_en, EgCapabilityGroup.gsi2), (name, EgCapabilityGroup.gsi3)):
        if not pk:
            continue
        prefix = "EG#CAPGROUP#NAME#" if idx is EgCapabilityGroup.gsi2 else "EG#CAPGROUP#NAMEEN#"
        for g in idx.query(prefix + pk, limit=1):
            return g
    return None


def list_groups() -> list[dict]:
    return [group_view(g) for g in EgCapabilityGroup.query(GROUP_PK)]


def groups_of_type(type_: str) -> list[EgCapabilityGroup]:
    _check_type(type_)
    return list(EgCapabilityGroup.gsi1.query(f"EG#CAPGROUP#TYPE#{type_}"))


def delete_group(p: Principal, group_id: str) -> None:
    auth.require_writer(p)
    g = get_group(group_id)
    if Counter.value(group_scope(g.group_id)) > 0:
        raise BadRequest("the capability group still holds capabilities", code=20006)
    _drop_group(p, g)


def _drop_group(p: Principal | None, g: EgCapabilityGroup) -> None:
    store.delete(g)
    audit.record(SURFACE, "delete_capability_group", principal=p, resource=f"capability-group/{g.group_id}")


def stats(groups: list[EgCapabilityGroup]) -> list[dict]:
    """Groups with ``capabilityCount`` read from the maintained per-group counters (one batch read)."""
    counts: dict[str, int] = {}
    keys = [(f"COUNT#{group_scope(g.group_id)}", "C") for g in groups]
    if keys:
        for c in Counter.batch_get(keys):
            counts[c.pk] = int(c.n or 0)
    return [dict(group_view(g), capabilityCount=counts.get(f"COUNT#{group_scope(g.group_id)}", 0))
            for g in groups]


def all_stats() -> list[dict]:
    return stats(list(EgCapabilityGroup.query(GROUP_PK)))


# ---------------------------------------------------------------- capabilities
def load(cap_id: str) -> EgCapability | None:
    return store.get(EgCapability, CAP_PK, f"C#{cap_id}")


def get(cap_id: str) -> EgCapability:
    require_uuid(cap_id, "id")
    c = load(cap_id)
    if c is None:
        raise NotFound(f"capability {cap_id} not found", code=20007)
    return c


def _cap_fields(body: dict, *, creating: bool) -> dict:
    errors: list[str] = []
    f = _strings(body, CAP_STR_FIELDS, errors)
    port = body.get("port")
    if port is not None:
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            errors.append("port must be an integer 0..65535")
        else:
            f["port"] = port
    if errors:
        raise BadRequest("; ".join(errors), code=20002)
    if creating:
        missing = [k for k in ("name", "apiFileId", "guideFileId", "iconFileId") if not f.get(k)]
        if missing:
            raise BadRequest(f"{', '.join(missing)} is required", code=20002)
    else:
        empty = [k for k in ("name", "apiFileId", "guideFileId", "iconFileId") if k in f and not f[k]]
        if empty:
            raise BadRequest(f"{', '.join(empty)} must not be empty", code=20002)
    return f


def _resolve_group(p: Principal | None, body: dict,
                   default_type: str = "OPENMEP") -> tuple[EgCapabilityGroup, bool]:
    """The capability's group (by ``groupId``/``group.id``, else by name, else created) and whether it is new."""
    gid = body.get("groupId")
    group = body.get("group")
    if group is not None and not isinstance(group, dict):
        raise BadRequest("group must be an object", code=20002)
    group = group or {}
    gid = gid or group.get("id")
    if gid:
        if not isinstance(gid, str):
            raise BadRequest("groupId must be a string", code=20002)
        return get_group(gid), False
    errors: list[str] = []
    gf = _strings(group, GROUP_STR_FIELDS, errors)
    if errors:
        raise BadRequest("; ".join(errors), code=20002)
    if not gf.get("name") and not gf.get("nameEn"):
        raise BadRequest("group (id or name) is required", code=20002)
    found = find_group_by_name(gf.get("name"), gf.get("nameEn"))
    if found:
        return found, False
    gf.setdefault("name", gf.get("nameEn"))
    gf["type"] = _check_type(gf.get("type") or default_type)
    return _new_group(p, gf), True


def _unique(name: str, name_en: str) -> list[tuple[str, str]]:
    return [("eg-cap-name", name), ("eg-cap-name-en", name_en)]


def _insert(p: Principal | None, f: dict, g: EgCapabilityGroup, *, user_id: str | None) -> EgCapability:
    cid = new_uuid()
    name_en = f.get("nameEn") or f["name"]
    c = EgCapability(CAP_PK, f"C#{cid}", cap_id=cid, group_id=g.group_id, group_type=g.type, name=f["name"],
                     name_en=name_en, version=f.get("version", ""), description=f.get("description", ""),
                     description_en=f.get("descriptionEn") or f.get("description", ""),
                     provider=f.get("provider", ""), api_file_id=f["apiFileId"], guide_file_id=f["guideFileId"],
                     guide_file_id_en=f.get("guideFileIdEn"), icon_file_id=f["iconFileId"], host=f.get("host"),
                     port=f.get("port"), protocol=f.get("protocol"), app_id=f.get("appId"),
                     package_id=f.get("packageId"), user_id=user_id,
                     author=f.get("author") or (p.username if p else ""), experience_url=f.get("experienceUrl"),
                     select_count=0, upload_time=_ms())
    c.index()
    try:
        store.create(c, unique=_unique(c.name, c.name_en), counters=[TOTAL_SCOPE, group_scope(g.group_id)],
                     conflict=EXISTS)
    except Conflict:
        raise BadRequest(EXISTS, code=20004) from None
    audit.record(SURFACE, "create_capability", principal=p, resource=f"capability/{cid}")
    return c


def _taken(name: str, name_en: str) -> bool:
    return any(store.get(store.Unique, f"UNIQUE#{s}#{v}", "U") is not None for s, v in _unique(name, name_en))


def create(p: Principal, body: dict) -> EgCapability:
    auth.require_admin(p)
    f = _cap_fields(body, creating=True)
    if _taken(f["name"], f.get("nameEn") or f["name"]):
        raise BadRequest(EXISTS, code=20004)  # checked before a group might be created for it
    g, new_group = _resolve_group(p, body)
    try:
        return _insert(p, f, g, user_id=p.account_id)
    except BadRequest:
        if new_group:  # lost a race on the name: do not leave the group made for it behind
            _drop_if_empty(p, g)
        raise


def create_from_release(p: Principal, group_name: str, service: dict) -> EgCapability:
    """Register a released application's produced service as a capability (release step, 24.6).

    ``service`` holds Capability fields (camelCase: name, nameEn, version, description, provider, apiFileId,
    guideFileId, iconFileId, host, port, protocol, appId, packageId, experienceUrl, ...). The group is found
    by ``group_name`` or created (type OPENMEP_ECO). No role check: the caller already passed the release
    checks. Idempotent: a capability with the same name is returned unchanged.
    """
    f = _cap_fields(service, creating=True)
    existing = store.get(store.Unique, f"UNIQUE#eg-cap-name#{f['name']}", "U")
    if existing is not None and existing.owner:
        pk, sk = existing.owner.split("|", 1)
        cap = store.get(EgCapability, pk, sk)
        if cap is not None:
            return cap
    g = find_group_by_name(group_name, group_name) or _new_group(p, {"name": group_name, "type": "OPENMEP_ECO"})
    return _insert(p, f, g, user_id=p.account_id if p else None)


_FIELD_ATTR = {"name": "name", "nameEn": "name_en", "version": "version", "description": "description",
               "descriptionEn": "description_en", "provider": "provider", "apiFileId": "api_file_id",
               "guideFileId": "guide_file_id", "guideFileIdEn": "guide_file_id_en", "host": "host",
               "protocol": "protocol", "appId": "app_id", "packageId": "package_id", "iconFileId": "icon_file_id",
               "author": "author", "experienceUrl": "experience_url", "port": "port"}


def update(p: Principal, cap_id: str, body: dict) -> EgCapability:
    """7.5: the fields given are replaced; the group, uploadTime and selectCount are kept."""
    auth.require_admin(p)
    c = get(cap_id)
    f = _cap_fields(body, creating=False)
    new_name, new_en = f.get("name", c.name), f.get("nameEn") or c.name_en
    claims_old, claims_new = _unique(c.name, c.name_en), _unique(new_name, new_en)
    moved = []
    try:
        for old, new in zip(claims_old, claims_new):
            if old != new:
                store.rename_unique(old, new, c)
                moved.append((old, new))
    except Conflict:
        for old, new in moved:
            store.rename_unique(new, old, c)
        raise BadRequest(EXISTS, code=20004) from None
    actions = [getattr(EgCapability, _FIELD_ATTR[k]).set(v) for k, v in f.items()]
    if actions:
        old_gsi3 = c.gsi3pk
        c.app_id = f.get("appId", c.app_id)
        c.index()
        if c.gsi3pk != old_gsi3:
            actions += ([EgCapability.gsi3pk.set(c.gsi3pk), EgCapability.gsi3sk.set(c.gsi3sk)] if c.gsi3pk
                        else [EgCapability.gsi3pk.remove(), EgCapability.gsi3sk.remove()])
        try:
            c.update(actions=actions, condition=EgCapability.pk.exists())
        except UpdateError as exc:
            raise NotFound(f"capability {cap_id} not found", code=20007) from exc
    audit.record(SURFACE, "update_capability", principal=p, resource=f"capability/{cap_id}")
    return c


def delete(p: Principal, cap_id: str) -> None:
    """7.4; the group goes too when this was its last capability."""
    auth.require_admin(p)
    c = get(cap_id)
    store.delete(c, unique=_unique(c.name, c.name_en), counters=[TOTAL_SCOPE, group_scope(c.group_id)])
    audit.record(SURFACE, "delete_capability", principal=p, resource=f"capability/{cap_id}")
    g = load_group(c.group_id)
    if g is not None:
        _drop_if_empty(p, g)


def _drop_if_empty(p: Principal | None, g: EgCapabilityGroup) -> None:
    if Counter.value(group_scope(g.group_id)) <= 0:
        _drop_group(p, g)


def bump_select_count(capability_id: str, delta: int) -> int | None:
    """Add ``delta`` to a capability's ``selectCount`` (never below 0); None when it does not exist."""
    c = EgCapability(CAP_PK, f"C#{capability_id}")
    try:
        if delta < 0:
            c.update(actions=[EgCapability.select_count.add(delta)],
                     condition=EgCapability.pk.exists() & (EgCapability.select_count >= -delta))
        else:
            c.update(actions=[EgCapability.select_count.add(delta)], condition=EgCapability.pk.exists())
    except UpdateError:
        cur = load(capability_id)
        if cur is None:
            return None
        if delta < 0:  # would go negative: clamp to 0
            try:
                cur.update(actions=[EgCapability.select_count.set(0)], condition=EgCapability.pk.exists())
            except UpdateError:
                return None
        return int(cur.select_count or 0)
    return int(c.select_count or 0)


# ---------------------------------------------------------------- queries
def list_all() -> list[dict]:
    return _views(EgCapability.query(CAP_PK))


def by_group(group_id: str) -> list[dict]:
    g = get_group(group_id)
    return [view(c, g) for c in EgCapability.gsi1.query(f"EG#CAPGROUP#{g.group_id}#CAPS")]


def by_type(type_: str) -> list[dict]:
    _check_type(type_)
    return _views(EgCapability.gsi2.query(f"EG#CAPTYPE#{type_}#CAPS"))


def by_project(project_id: str) -> list[dict]:
    require_uuid(project_id, "projectId")
    return _views(EgCapability.gsi3.query(f"EG#APP#{project_id}#CAPS"))


def search(field: str, needle: str | None, window) -> tuple[list[dict], int]:
    """17.2/17.3: case-insensitive substring on ``name``/``name_en``; a Query of the capability partition."""
    results = EgCapability.query(CAP_PK)
    if not needle:
        items, _ = take(results, window)
        return _views(items), Counter.value(TOTAL_SCOPE)
    low = needle.lower()
    items, seen = take(results, type(window)(window.offset, None), lambda c: low in (getattr(c, field) or "").lower())
    return _views(items[: window.limit]), seen
