"""EdgeGallery application configuration (group 14): certificate, DNS and traffic rules, produced and
required services (catalog §3.5, §8.4 "Configuration").

Every part is one item in the application's partition, so one Query reads a whole configuration:

  EgConfItem  EG#APP#<appId>/CONF#CERT
              EG#APP#<appId>/CONF#DNS#<dnsRuleId>
              EG#APP#<appId>/CONF#TRAFFIC#<trafficRuleId>
              EG#APP#<appId>/CONF#PRODUCED#<appServiceProducedId>   + Unique eg-conf-svc/<appId>|<serviceName>
              EG#APP#<appId>/CONF#REQUIRED#<capabilityId>

Decisions (upstream answers differ, see catalog §8.2/§8.4):
- duplicates (dnsRuleId, trafficRuleId, produced serviceName, required id, a second certificate) → 409;
- PUT of an unknown rule/service/certificate → 404; DELETE of an unknown one → ``true`` (idempotent);
- the certificate: POST generates a random AK/SK for whatever the body leaves out; the SK is stored sealed
  (:mod:`chalicelib.identity.sealing`), never logged or audited, and returned only where the catalog shows it
  (14.1/14.2, ``appConfiguration.appCertificate``: the package generator and the client need it);
  GET of a missing certificate → 404 (upstream: 200 with an empty body);
- PUT .../appconfiguration (14.22) and the ``appConfiguration`` of PUT .../detail replace each part whose
  key is present (a list replaces that list: matching ids are updated, new ones created, missing ones
  deleted; ``appCertificate`` an object upserts it); absent or ``null`` keys leave their part unchanged.
  The whole body is validated before anything is written.
"""
from __future__ import annotations

import logging
import re
import secrets
import string
from typing import Optional

from pydantic import Field, StrictBool, StrictInt, StrictStr
from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib import audit, blobs
from chalicelib.core import clock
from chalicelib.core.errors import BadRequest, Conflict, DomainError, NotFound
from chalicelib.core.web import validate
from chalicelib.identity import sealing
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.base import Versioned
from chalicelib.store.edgegallery import EgApplication, app_pk
from chalicelib.surfaces.edgegallery import auth
from chalicelib.surfaces.edgegallery import service_apps as apps
from chalicelib.surfaces.edgegallery.common import UUID_RE, Body, new_uuid

log = logging.getLogger(__name__)
SURFACE = "edgegallery"
CERT, DNS, TRAFFIC, PRODUCED, REQUIRED = "CERT", "DNS", "TRAFFIC", "PRODUCED", "REQUIRED"
MAX_ITEMS = 100                      # per part and application (keeps the one Query small)
RULE_ID_RE = re.compile(r"^[^\s/\\#?%]{1,64}$")
KEY_RE = re.compile(r"^[A-Za-z0-9+/=_-]{1,128}$")
PLACEHOLDERS = ("{get_input: ak}", "{get_input: sk}")


class EgConfItem(Versioned, discriminator="EgConfItem"):
    app_id = UnicodeAttribute()
    part = UnicodeAttribute()           # CERT | DNS | TRAFFIC | PRODUCED | REQUIRED
    item_id = UnicodeAttribute()
    data = JSONAttribute(default=dict)  # the part's JSON as rendered
    created_at = NumberAttribute()
    updated_at = NumberAttribute()


def _sk(part: str, item_id: str = "") -> str:
    return f"CONF#{part}" if part == CERT else f"CONF#{part}#{item_id}"


def _svc_unique(app_id: str, service_name: str) -> tuple[str, str]:
    return ("eg-conf-svc", f"{app_id}|{service_name}")


# ---------------------------------------------------------------- request models
def _opt_str(max_len: int = 256):
    return Field(default=None, max_length=max_len)


class CertIn(Body):
    ak: Optional[StrictStr] = Field(default=None, max_length=128)
    sk: Optional[StrictStr] = Field(default=None, max_length=128)


class DnsRuleIn(Body):
    dnsRuleId: Optional[StrictStr] = None
    domainName: StrictStr = Field(min_length=1, max_length=255)
    ipAddressType: Optional[StrictStr] = _opt_str(16)
    ipAddress: StrictStr = Field(min_length=1, max_length=64)
    ttl: Optional[StrictStr] = _opt_str(16)


class TrafficFilterIn(Body):
    srcAddress: list[StrictStr] = []
    dstAddress: list[StrictStr] = []
    srcPort: list[StrictStr] = []
    dstPort: list[StrictStr] = []
    protocol: list[StrictStr] = []
    tag: list[StrictStr] = []
    srcTunnelAddress: list[StrictStr] = []
    tgtTunnelAddress: list[StrictStr] = []
    srcTunnelPort: list[StrictStr] = []
    dstTunnelPort: list[StrictStr] = []
    qCI: Optional[StrictInt] = None
    dSCP: Optional[StrictInt] = None
    tC: Optional[StrictInt] = None


class TunnelInfoIn(Body):
    tunnelType: Optional[StrictStr] = _opt_str()
    tunnelDstAddress: Optional[StrictStr] = _opt_str()
    tunnelSrcAddress: Optional[StrictStr] = _opt_str()
    tunnelSpecificData: Optional[StrictStr] = _opt_str(1024)


class DstInterfaceIn(Body):
    interfaceType: Optional[StrictStr] = _opt_str()
    tunnelInfo: Optional[TunnelInfoIn] = None
    srcMacAddress: Optional[StrictStr] = _opt_str()
    dstMacAddress: Optional[StrictStr] = _opt_str()
    dstIpAddress: Optional[StrictStr] = _opt_str()


class TrafficRuleIn(Body):
    trafficRuleId: Optional[StrictStr] = None
    filterType: Optional[StrictStr] = _opt_str(32)
    priority: Optional[StrictInt] = Field(default=None, ge=0, le=255)
    trafficFilter: list[TrafficFilterIn] = Field(default=[], max_length=32)
    action: Optional[StrictStr] = _opt_str(32)
    dstInterface: list[DstInterfaceIn] = Field(default=[], max_length=32)


class ProducedIn(Body):
    appServiceProducedId: Optional[StrictStr] = None
    oneLevelName: StrictStr = Field(min_length=1, max_length=128)
    oneLevelNameEn: Optional[StrictStr] = _opt_str(128)
    twoLevelName: Optional[StrictStr] = _opt_str(128)
    description: Optional[StrictStr] = _opt_str(1024)
    apiFileId: Optional[StrictStr] = None
    guideFileId: Optional[StrictStr] = None
    iconFileId: Optional[StrictStr] = None
    serviceName: StrictStr = Field(min_length=1, max_length=128)
    internalPort: Optional[StrictInt] = Field(default=None, ge=1, le=65535)
    version: Optional[StrictStr] = _opt_str(32)
    protocol: Optional[StrictStr] = _opt_str(32)
    author: Optional[StrictStr] = _opt_str(128)
    experienceUrl: Optional[StrictStr] = _opt_str(1024)
    dnsRuleIdList: list[StrictStr] = []
    trafficRuleIdList: list[StrictStr] = []


class RequiredIn(Body):
    id: Optional[StrictStr] = None
    oneLevelName: Optional[StrictStr] = _opt_str(128)
    oneLevelNameEn: Optional[StrictStr] = _opt_str(128)
    twoLevelName: Optional[StrictStr] = _opt_str(128)
    twoLevelNameEn: Optional[StrictStr] = _opt_str(128)
    serName: StrictStr = Field(min_length=1, max_length=128)
    version: Optional[StrictStr] = _opt_str(32)
    requestedPermissions: StrictBool = False
    appId: Optional[StrictStr] = None
    packageId: Optional[StrictStr] = None


def _model(model, body, what: str):
    if not isinstance(body, dict):
        raise BadRequest(f"{what} must be a JSON object", code=20001)
    try:
        return validate(model, body)
    except DomainError as exc:
        raise BadRequest(f"{what}: {exc.message}", code=20002) from None


def _rule_id(value, name: str) -> str:
    if not isinstance(value, str) or not RULE_ID_RE.match(value):
        raise BadRequest(f"{name} must be 1-64 characters without spaces, '/', '\\', '#', '?' or '%'", code=20002)
    return value


def _file_id(value, name: str):
    if value in (None, ""):
        return value
    if not UUID_RE.match(value):
        raise BadRequest(f"{name} must be a lower-case UUID", code=20002)
    return value


# ---------------------------------------------------------------- normalizers (body -> stored JSON)
def _dns(body, rule_id: str | None = None) -> dict:
    m = _model(DnsRuleIn, body, "dnsRule")
    rid = rule_id if rule_id is not None else m.dnsRuleId
    if rule_id is not None and m.dnsRuleId not in (None, "", rule_id):
        raise BadRequest("dnsRuleId of the body does not match the path", code=20002)
    out = m.model_dump()
    out["dnsRuleId"] = _rule_id(rid, "dnsRuleId")
    return out


def _traffic(body, rule_id: str | None = None) -> dict:
    m = _model(TrafficRuleIn, body, "trafficRule")
    rid = rule_id if rule_id is not None else m.trafficRuleId
    if rule_id is not None and m.trafficRuleId not in (None, "", rule_id):
        raise BadRequest("trafficRuleId of the body does not match the path", code=20002)
    out = m.model_dump()
    out["trafficRuleId"] = _rule_id(rid, "trafficRuleId")
    return out


def _produced(body, rules: dict) -> dict:
    """``rules``: {"dns": set(ids), "traffic": set(ids)} the references are checked against."""
    m = _model(ProducedIn, body, "serviceProduced")
    for k in ("apiFileId", "guideFileId", "iconFileId"):
        _file_id(getattr(m, k), k)
    unknown = [r for r in m.dnsRuleIdList if r not in rules["dns"]]
    unknown += [r for r in m.trafficRuleIdList if r not in rules["traffic"]]
    if unknown:
        raise BadRequest(f"unknown rule ids referenced: {', '.join(sorted(set(unknown)))}", code=20002)
    return m.model_dump()


def _required(body) -> dict:
    m = _model(RequiredIn, body, "serviceRequired")
    if not isinstance(m.id, str) or not UUID_RE.match(m.id):
        raise BadRequest("id (the required capability id) must be a lower-case UUID", code=20002)
    return m.model_dump()


def _cert(body, *, generate: bool) -> dict:
    m = _model(CertIn, body if body is not None else {}, "appCertificate")
    out = {}
    for k in ("ak", "sk"):
        v = getattr(m, k)
        if v in (None, "") or v in PLACEHOLDERS:
            if not generate:
                continue
            v = _new_ak() if k == "ak" else _new_sk()
        elif not KEY_RE.match(v):
            raise BadRequest(f"{k} must be 1-128 characters of letters, digits, '+', '/', '=', '_' or '-'",
                             code=20002)
        out[k] = v
    return out


def _sk_context(app_id: str) -> str:
    return f"edgegallery/app/{app_id}/appcertificate/sk"


def _seal_cert(app_id: str, cert: dict) -> dict:
    """The certificate as stored: the SK sealed, never at rest in clear."""
    out = {"ak": cert.get("ak")}
    if cert.get("sk"):
        out["skSealed"] = sealing.seal(cert["sk"], _sk_context(app_id))
    return out


def _open_cert(row: EgConfItem) -> dict:
    """The stored certificate as the API shows it, ``{ak, sk}``."""
    data = row.data or {}
    sealed = data.get("skSealed")
    return {"ak": data.get("ak"), "sk": sealing.unseal(sealed, _sk_context(row.app_id)) if sealed else None}


def _new_ak() -> str:
    alphabet = string.ascii_uppercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(20))


def _new_sk() -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(40))


# ---------------------------------------------------------------- reads
def _items(app_id: str) -> list[EgConfItem]:
    rows = list(EgConfItem.query(app_pk(app_id), EgConfItem.sk.startswith("CONF#")))
    return sorted(rows, key=lambda r: (r.created_at, r.sk))


def _by_part(app_id: str) -> dict[str, list[EgConfItem]]:
    out = {CERT: [], DNS: [], TRAFFIC: [], PRODUCED: [], REQUIRED: []}
    for row in _items(app_id):
        out.setdefault(row.part, []).append(row)
    return out


def _render(parts: dict[str, list[EgConfItem]]) -> dict:
    return {"appCertificate": _open_cert(parts[CERT][0]) if parts[CERT] else None,
            "appServiceProducedList": [dict(r.data) for r in parts[PRODUCED]],
            "appServiceRequiredList": [dict(r.data) for r in parts[REQUIRED]],
            "trafficRuleList": [dict(r.data) for r in parts[TRAFFIC]],
            "dnsRuleList": [dict(r.data) for r in parts[DNS]]}


def configuration(app: EgApplication) -> dict:
    """The whole AppConfiguration of an application (package generator, release step, 14.21)."""
    return _render(_by_part(app.app_id))


def produced_services(app: EgApplication) -> list[dict]:
    """The application's produced services (each becomes a Capability on release)."""
    return configuration(app)["appServiceProducedList"]


def _list(p: Principal, app_id: str, part: str) -> list[dict]:
    app = apps.visible(p, app_id)
    return [dict(r.data) for r in _by_part(app.app_id)[part]]


def _get(app_id: str, part: str, item_id: str = "") -> EgConfItem | None:
    return store.get(EgConfItem, app_pk(app_id), _sk(part, item_id))


def _writable(p: Principal, app_id: str) -> EgApplication:
    auth.require_writer(p)
    return apps.writable(p, app_id)


def _audit(p, action: str, app_id: str, what: str = "") -> None:
    audit.record(SURFACE, action, principal=p, resource=f"application/{app_id}/appconfiguration{what}")


# ---------------------------------------------------------------- write primitives
def _new_item(app_id: str, part: str, item_id: str, data: dict) -> EgConfItem:
    now = clock.now()
    return EgConfItem(app_pk(app_id), _sk(part, item_id), app_id=app_id, part=part, item_id=item_id, data=data,
                      created_at=now, updated_at=now)


def _check_room(app_id: str, part: str) -> None:
    if len(_by_part(app_id)[part]) >= MAX_ITEMS:
        raise BadRequest(f"an application holds at most {MAX_ITEMS} items of this kind", code=20004)


def _insert(app_id: str, part: str, item_id: str, data: dict, *, unique=(), conflict: str) -> EgConfItem:
    item = _new_item(app_id, part, item_id, data)
    store.create(item, unique=list(unique), conflict=conflict)
    return item


def _update(item: EgConfItem, data: dict) -> EgConfItem:
    item.data = data
    item.updated_at = clock.now()
    return store.save(item, conflict="the configuration was changed concurrently, retry")


def _delete_produced_item(app: EgApplication, item: EgConfItem) -> None:
    store.delete(item, unique=[_svc_unique(app.app_id, item.data.get("serviceName", ""))])
    for k in ("apiFileId", "iconFileId", "guideFileId"):
        _delete_file(app, item.data.get(k))


def _delete_file(app: EgApplication, file_id: str | None) -> None:
    """Deleting a produced service deletes its api/icon/guide files (upstream) — only files the
    application's owner uploaded, never someone else's shared file."""
    if not file_id or not UUID_RE.match(file_id):
        return
    try:
        from chalicelib.surfaces.edgegallery import service_files  # group 6
    except ImportError:
        return
    try:
        f = store.get(service_files.EgUploadFile, f"EG#FILE#{file_id}", "F")
        if f is None or f.user_id != app.user_id:
            return
        blobs.delete(f.blob_key)
        store.delete(f)
    except Exception:  # a file cleanup must not fail the delete
        log.warning("could not delete file %s of a produced service", file_id, exc_info=True)


def _bump(capability_id: str, delta: int, *, strict: bool) -> None:
    try:
        from chalicelib.surfaces.edgegallery import service_capabilities  # another engineer's module
    except ImportError:
        return
    fn = getattr(service_capabilities, "bump_select_count", None)
    if fn is None:
        return
    if strict:
        fn(capability_id, delta)
        return
    try:
        fn(capability_id, delta)
    except Exception:
        log.warning("could not change selectCount of capability %s", capability_id, exc_info=True)


def _create_required(app_id: str, data: dict) -> EgConfItem:
    item = _insert(app_id, REQUIRED, data["id"], data, conflict="this service is already required by the app")
    try:
        _bump(data["id"], +1, strict=True)
    except Exception:
        store.delete(item)
        raise
    return item


def _delete_required(item: EgConfItem) -> None:
    store.delete(item)
    _bump(item.item_id, -1, strict=False)


# ---------------------------------------------------------------- certificate (14.1-14.4)
def get_certificate(p: Principal, app_id: str) -> dict:
    app = apps.visible(p, app_id)
    item = _get(app.app_id, CERT)
    if item is None:
        raise NotFound("the application has no certificate", code=20007)
    return _open_cert(item)


def create_certificate(p: Principal, app_id: str, body) -> dict:
    app = _writable(p, app_id)
    data = _cert(body, generate=True)
    _insert(app.app_id, CERT, "cert", _seal_cert(app.app_id, data),
            conflict="the application already has a certificate")
    _audit(p, "create_app_certificate", app.app_id, "/appcertificate")
    return data


def update_certificate(p: Principal, app_id: str, body) -> None:
    app = _writable(p, app_id)
    data = _cert(body, generate=False)
    if not data:
        raise BadRequest("ak or sk is required", code=20002)
    item = _get(app.app_id, CERT)
    if item is None:
        raise NotFound("the application has no certificate", code=20007)
    _update(item, _seal_cert(app.app_id, {**_open_cert(item), **data}))
    _audit(p, "update_app_certificate", app.app_id, "/appcertificate")


def delete_certificate(p: Principal, app_id: str) -> None:
    app = _writable(p, app_id)
    item = _get(app.app_id, CERT)
    if item is not None:
        store.delete(item)
        _audit(p, "delete_app_certificate", app.app_id, "/appcertificate")


# ---------------------------------------------------------------- rules (14.5-14.8, 14.17-14.20)
_RULES = {DNS: (_dns, "dnsrules", "a DNS rule with this dnsRuleId already exists"),
          TRAFFIC: (_traffic, "trafficrules", "a traffic rule with this trafficRuleId already exists")}


def list_part(p: Principal, app_id: str, part: str) -> list[dict]:
    return _list(p, app_id, part)


def create_rule(p: Principal, app_id: str, part: str, body) -> dict:
    norm, what, conflict = _RULES[part]
    app = _writable(p, app_id)
    data = norm(body)
    _check_room(app.app_id, part)
    _insert(app.app_id, part, data["dnsRuleId" if part == DNS else "trafficRuleId"], data, conflict=conflict)
    _audit(p, f"create_{what}", app.app_id, f"/{what}/{data.get('dnsRuleId') or data.get('trafficRuleId')}")
    return data


def update_rule(p: Principal, app_id: str, part: str, rule_id: str, body) -> None:
    norm, what, _ = _RULES[part]
    app = _writable(p, app_id)
    _rule_id(rule_id, "ruleId")
    data = norm(body, rule_id)
    item = _get(app.app_id, part, rule_id)
    if item is None:
        raise NotFound(f"rule {rule_id} not found", code=20007)
    _update(item, data)
    _audit(p, f"update_{what}", app.app_id, f"/{what}/{rule_id}")


def delete_rule(p: Principal, app_id: str, part: str, rule_id: str) -> None:
    _, what, _ = _RULES[part]
    app = _writable(p, app_id)
    _rule_id(rule_id, "ruleId")
    item = _get(app.app_id, part, rule_id)
    if item is not None:
        store.delete(item)
        _audit(p, f"delete_{what}", app.app_id, f"/{what}/{rule_id}")


def _rule_ids(parts) -> dict:
    return {"dns": {r.item_id for r in parts[DNS]}, "traffic": {r.item_id for r in parts[TRAFFIC]}}


# ---------------------------------------------------------------- produced services (14.9-14.12)
def create_produced(p: Principal, app_id: str, body) -> dict:
    app = _writable(p, app_id)
    parts = _by_part(app.app_id)
    data = _produced(body, _rule_ids(parts))
    if len(parts[PRODUCED]) >= MAX_ITEMS:
        raise BadRequest(f"an application holds at most {MAX_ITEMS} produced services", code=20004)
    data["appServiceProducedId"] = new_uuid()
    _insert(app.app_id, PRODUCED, data["appServiceProducedId"], data,
            unique=[_svc_unique(app.app_id, data["serviceName"])],
            conflict="a produced service with this serviceName already exists")
    _audit(p, "create_service_produced", app.app_id, f"/serviceproduceds/{data['appServiceProducedId']}")
    return data


def _update_produced_item(app_id: str, item: EgConfItem, data: dict) -> None:
    old_name = item.data.get("serviceName", "")
    if data["serviceName"] != old_name:
        try:
            store.rename_unique(_svc_unique(app_id, old_name), _svc_unique(app_id, data["serviceName"]), item)
        except Conflict:
            raise Conflict("a produced service with this serviceName already exists") from None
    _update(item, data)


def update_produced(p: Principal, app_id: str, produced_id: str, body) -> None:
    app = _writable(p, app_id)
    parts = _by_part(app.app_id)
    data = _produced(body, _rule_ids(parts))
    if data.get("appServiceProducedId") not in (None, "", produced_id):
        raise BadRequest("appServiceProducedId of the body does not match the path", code=20002)
    item = next((r for r in parts[PRODUCED] if r.item_id == produced_id), None)
    if item is None:
        raise NotFound(f"produced service {produced_id} not found", code=20007)
    data["appServiceProducedId"] = produced_id
    _update_produced_item(app.app_id, item, data)
    _audit(p, "update_service_produced", app.app_id, f"/serviceproduceds/{produced_id}")


def delete_produced(p: Principal, app_id: str, produced_id: str) -> None:
    app = _writable(p, app_id)
    item = _get(app.app_id, PRODUCED, produced_id) if RULE_ID_RE.match(produced_id or "") else None
    if item is not None:
        _delete_produced_item(app, item)
        _audit(p, "delete_service_produced", app.app_id, f"/serviceproduceds/{produced_id}")
        return
    # 14.16 is documented on this very path: an id naming a required service deletes that one
    required = _get(app.app_id, REQUIRED, produced_id) if UUID_RE.match(produced_id or "") else None
    if required is not None:
        _delete_required(required)
        _audit(p, "delete_service_required", app.app_id, f"/servicerequireds/{produced_id}")


# ---------------------------------------------------------------- required services (14.13-14.16)
def create_required(p: Principal, app_id: str, body) -> dict:
    app = _writable(p, app_id)
    data = _required(body)
    _check_room(app.app_id, REQUIRED)
    _create_required(app.app_id, data)
    _audit(p, "create_service_required", app.app_id, f"/servicerequireds/{data['id']}")
    return data


def _find_required(app_id: str, key: str) -> EgConfItem | None:
    """By the capability id (14.16) or, as upstream's 14.15 path names it, by ``serName``."""
    if UUID_RE.match(key or ""):
        item = _get(app_id, REQUIRED, key)
        if item is not None:
            return item
    return next((r for r in _by_part(app_id)[REQUIRED] if r.data.get("serName") == key), None)


def update_required(p: Principal, app_id: str, key: str, body) -> None:
    app = _writable(p, app_id)
    if not isinstance(body, dict):
        raise BadRequest("serviceRequired must be a JSON object", code=20001)
    item = _find_required(app.app_id, key)
    if item is None:
        raise NotFound(f"required service {key} not found", code=20007)
    data = _required({**body, "id": body.get("id") or item.item_id})
    if data["id"] != item.item_id:
        raise BadRequest("id of a required service cannot be changed", code=20002)
    _update(item, data)
    _audit(p, "update_service_required", app.app_id, f"/servicerequireds/{item.item_id}")


def delete_required(p: Principal, app_id: str, key: str) -> None:
    app = _writable(p, app_id)
    item = _find_required(app.app_id, key)
    if item is not None:
        _delete_required(item)
        _audit(p, "delete_service_required", app.app_id, f"/servicerequireds/{item.item_id}")


# ---------------------------------------------------------------- whole configuration (14.21, 14.22)
def get_configuration(p: Principal, app_id: str) -> dict:
    return configuration(apps.visible(p, app_id))


def _dedupe(ids: list[str], what: str) -> None:
    seen = set()
    for i in ids:
        if i in seen:
            raise BadRequest(f"duplicate {what}: {i}", code=20002)
        seen.add(i)


def _plan(body: dict, parts) -> dict:
    """Validate a whole (or partial) AppConfiguration; return what each present part becomes."""
    if not isinstance(body, dict):
        raise BadRequest("appConfiguration must be a JSON object", code=20001)
    plan = {}
    for key in ("dnsRuleList", "trafficRuleList", "appServiceProducedList", "appServiceRequiredList"):
        v = body.get(key)
        if v is not None and (not isinstance(v, list) or len(v) > MAX_ITEMS):
            raise BadRequest(f"{key} must be a list of at most {MAX_ITEMS} items", code=20002)
    if body.get("dnsRuleList") is not None:
        plan[DNS] = [_dns(x) for x in body["dnsRuleList"]]
        _dedupe([x["dnsRuleId"] for x in plan[DNS]], "dnsRuleId")
    if body.get("trafficRuleList") is not None:
        plan[TRAFFIC] = [_traffic(x) for x in body["trafficRuleList"]]
        _dedupe([x["trafficRuleId"] for x in plan[TRAFFIC]], "trafficRuleId")
    rules = _rule_ids(parts)
    if DNS in plan:
        rules["dns"] = {x["dnsRuleId"] for x in plan[DNS]}
    if TRAFFIC in plan:
        rules["traffic"] = {x["trafficRuleId"] for x in plan[TRAFFIC]}
    if body.get("appServiceProducedList") is not None:
        existing = {r.item_id for r in parts[PRODUCED]}
        plan[PRODUCED] = []
        for x in body["appServiceProducedList"]:
            data = _produced(x, rules)
            if data.get("appServiceProducedId") not in existing:
                data["appServiceProducedId"] = None   # a new one: the id is generated
            plan[PRODUCED].append(data)
        _dedupe([x["serviceName"] for x in plan[PRODUCED]], "serviceName")
        _dedupe([x["appServiceProducedId"] for x in plan[PRODUCED] if x["appServiceProducedId"]],
                "appServiceProducedId")
    if body.get("appServiceRequiredList") is not None:
        plan[REQUIRED] = [_required(x) for x in body["appServiceRequiredList"]]
        _dedupe([x["id"] for x in plan[REQUIRED]], "required service id")
    if body.get("appCertificate") is not None:
        plan[CERT] = _cert(body["appCertificate"], generate=True)
    return plan


def _replace_simple(app_id: str, part: str, rows: list[EgConfItem], wanted: list[dict], id_key: str) -> None:
    current = {r.item_id: r for r in rows}
    keep = {x[id_key] for x in wanted}
    for rid, row in current.items():
        if rid not in keep:
            _delete_required(row) if part == REQUIRED else store.delete(row)
    for x in wanted:
        row = current.get(x[id_key])
        if row is None:
            if part == REQUIRED:
                _create_required(app_id, x)
            else:
                _insert(app_id, part, x[id_key], x, conflict="the configuration was changed concurrently, retry")
        elif row.data != x:
            _update(row, x)


def _replace_produced(app: EgApplication, rows: list[EgConfItem], wanted: list[dict]) -> None:
    current = {r.item_id: r for r in rows}
    keep = {x["appServiceProducedId"] for x in wanted if x["appServiceProducedId"]}
    for rid, row in current.items():
        if rid not in keep:
            _delete_produced_item(app, row)
    for x in wanted:
        if x["appServiceProducedId"] is None:
            x["appServiceProducedId"] = new_uuid()
            _insert(app.app_id, PRODUCED, x["appServiceProducedId"], x,
                    unique=[_svc_unique(app.app_id, x["serviceName"])],
                    conflict="a produced service with this serviceName already exists")
        else:
            row = current[x["appServiceProducedId"]]
            if row.data != x:
                _update_produced_item(app.app_id, row, x)


def _apply(app: EgApplication, body: dict) -> None:
    parts = _by_part(app.app_id)
    _write_plan(app, body, parts, _plan(body, parts))


def _write_plan(app: EgApplication, body: dict, parts, plan: dict) -> None:
    """Write what :func:`_plan` validated (``parts``: the configuration it was validated against)."""
    if CERT in plan:
        if parts[CERT]:
            row = parts[CERT][0]
            merged = {**_open_cert(row), **_cert(body["appCertificate"], generate=False)}
            if merged != _open_cert(row):
                _update(row, _seal_cert(app.app_id, merged))
        else:
            _insert(app.app_id, CERT, "cert", _seal_cert(app.app_id, plan[CERT]),
                    conflict="the application already has a certificate")
    if DNS in plan:
        _replace_simple(app.app_id, DNS, parts[DNS], plan[DNS], "dnsRuleId")
    if TRAFFIC in plan:
        _replace_simple(app.app_id, TRAFFIC, parts[TRAFFIC], plan[TRAFFIC], "trafficRuleId")
    if PRODUCED in plan:
        _replace_produced(app, parts[PRODUCED], plan[PRODUCED])
    if REQUIRED in plan:
        _replace_simple(app.app_id, REQUIRED, parts[REQUIRED], plan[REQUIRED], "id")


def put_configuration(p: Principal, app_id: str, body) -> None:
    app = _writable(p, app_id)
    _apply(app, body)
    _audit(p, "update_app_configuration", app.app_id)


# ---------------------------------------------------------------- plug-ins into the application
@apps.part("appConfiguration")
def _app_configuration(app: EgApplication) -> dict:
    return configuration(app)


@apps.detail_writer
def _detail_configuration(p: Principal, app: EgApplication, inner: dict):
    """Validate the ``appConfiguration`` of a PUT .../detail now; the returned step writes it."""
    conf = inner.get("appConfiguration")
    if conf is None:
        return None
    parts = _by_part(app.app_id)
    plan = _plan(conf, parts)

    def write() -> None:
        _write_plan(app, conf, parts, plan)
        _audit(p, "update_app_configuration", app.app_id)
    return write


@apps.on_delete
def _cascade(app: EgApplication) -> None:
    parts = _by_part(app.app_id)
    for row in parts[PRODUCED]:
        _delete_produced_item(app, row)
    for row in parts[REQUIRED]:
        _delete_required(row)
