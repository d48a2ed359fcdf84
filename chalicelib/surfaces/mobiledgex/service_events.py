"""Events (catalog §3.2 #68-#70): FindEvents, ShowEvents, EventTerms over the shared audit log.

MobiledgeX operations are audited through :func:`record`: one :class:`AuditEvent` in the day partition
(``AUDIT#<yyyymmdd>``) and, for an org-scoped operation, in the org's tenant partition
(``gsi1`` ``TENANT#mx:<lower org>#AUDIT``), so a non-admin's search is one Query per visible org and an
admin's search is one Query per day of the window (newest day first). The event's org spelling, region
and error travel as compact JSON in ``detail``.

Search (upstream ``EventSearch``): time window ``starttime``/``endtime`` (RFC3339) or ``startage``/``endage``
(Go durations), default the last 48 h; ``match``/``notmatch`` {names, orgs, types, regions, error, tags,
failed}; ``limit`` (default 100, at most 1000) and ``from`` (offset). Non-admins are limited to the orgs
where they hold ``users:view`` (``allowedorgs`` is overwritten) and to events after each org's creation.
"""
from __future__ import annotations

import json
import re
import time
from datetime import datetime, timezone

from chalicelib import audit
from chalicelib.core import clock
from chalicelib.core.errors import BadRequest
from chalicelib.identity.principal import Principal
from chalicelib.store.models import AuditDay, AuditEvent
from chalicelib.surfaces.mobiledgex import identity, rbac
from chalicelib.surfaces.mobiledgex.common import SURFACE

DEFAULT_WINDOW = 48 * 3600
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
READ_CAP = 5000  # events read per search at most (a bounded Query, never a table read)
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_UNIT = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}


def tenant_of(org: str) -> str | None:
    return f"mx:{org.lower()}" if org else None


def record(p: Principal | None, op: str, org: str = "", resource: str | None = None, *, region: str = "",
           tags: dict | None = None, error: str | None = None, status: int | None = None) -> None:
    """Audit one MobiledgeX operation so the events search finds it (for the org's members too)."""
    detail = {k: v for k, v in (("org", org), ("region", region), ("error", error or ""),
                                ("tags", tags or {})) if v}
    audit.record(SURFACE, op, "failed" if error else "ok", principal=p, resource=resource,
                 status=status or (400 if error else 200),
                 detail=json.dumps(detail, separators=(",", ":")) if detail else None,
                 tenant_id=tenant_of(org))


# ---------------------------------------------------------------- parsing
def _duration(text: str, field: str) -> float:
    if not text:
        return 0.0
    t = text.strip()
    neg = t.startswith("-")
    t = t.lstrip("+-")
    pos, total = 0, 0.0
    for m in _DURATION.finditer(t):
        if m.start() != pos:
            break
        total += float(m.group(1)) * _UNIT[m.group(2)]
        pos = m.end()
    if pos != len(t) or not t:
        raise BadRequest(f'Invalid JSON data: time: invalid duration "{text}" for field "{field}"')
    return -total if neg else total


def _time(text: str, field: str) -> float | None:
    if not text:
        return None
    try:
        t = text.strip().replace("Z", "+00:00")
        if "." in t:  # Python accepts at most microseconds
            head, _, rest = t.partition(".")
            digits = re.match(r"\d+", rest).group(0)
            t = f"{head}.{digits[:6]}{rest[len(digits):]}"
        dt = datetime.fromisoformat(t)
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=timezone.utc)
        return dt.timestamp()
    except (ValueError, AttributeError):
        raise BadRequest(f'Invalid JSON data: parsing time "{text}" as RFC3339 for field "{field}"') from None


def _window(search: dict) -> tuple[float, float]:
    now = clock.now()
    end = _time(search.get("endtime", ""), "endtime")
    start = _time(search.get("starttime", ""), "starttime")
    if search.get("endage"):
        end = now - _duration(search["endage"], "endage")
    if search.get("startage"):
        start = now - _duration(search["startage"], "startage")
    end = now if end is None else end
    start = end - DEFAULT_WINDOW if start is None else start
    if start > end:
        raise BadRequest("Start time must be before end time")
    return start, end


def _go_time(ts: float) -> str:
    t = datetime.fromtimestamp(ts, tz=timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------- reading
def _detail(ev: AuditEvent) -> dict:
    if ev.detail and ev.detail.startswith("{"):
        try:
            return json.loads(ev.detail)
        except ValueError:
            pass
    return {"error": ev.detail} if ev.detail and ev.outcome != "ok" else {}


def as_event(ev: AuditEvent) -> dict:
    d = _detail(ev)
    org = d.get("org") or ((ev.tenant_id or "")[3:] if (ev.tenant_id or "").startswith("mx:") else "")
    status = int(ev.status) if ev.status is not None else (200 if ev.outcome == "ok" else 400)
    tags = {"status": str(status), "username": ev.actor or "", **{k: str(v) for k, v in (d.get("tags") or {}).items()}}
    if org:
        tags["org"] = org
    if d.get("region"):
        tags["region"] = d["region"]
    if ev.resource:
        tags["resource"] = ev.resource
    if ev.request_id:
        tags["request-id"] = ev.request_id
    out = {"name": ev.action, "org": [org] if org else [], "type": "audit", "region": d.get("region", ""),
           "timestamp": _go_time(float(ev.at)), "error": d.get("error", "") or
           (ev.detail or "" if ev.outcome != "ok" and not d else ""), "mtags": tags}
    return out


def _days(start: float, end: float) -> list[str]:
    lo, hi = time.strftime("%Y%m%d", time.gmtime(start)), time.strftime("%Y%m%d", time.gmtime(end))
    return [d.sk for d in AuditDay.query("AUDITDAYS", AuditDay.sk.between(lo, hi), scan_index_forward=False)]


def _read(p: Principal, start: float, end: float, orgs: list[str] | None) -> list[tuple[AuditEvent, dict]]:
    """Events of the window, newest first: per visible org (gsi1) or per day (admins)."""
    found: list[AuditEvent] = []
    if orgs is None:
        for day in _days(start, end):
            for ev in AuditEvent.query(f"AUDIT#{day}", scan_index_forward=False,
                                       filter_condition=(AuditEvent.surface == SURFACE)
                                       & AuditEvent.at.between(int(start), int(end) + 1)):
                found.append(ev)
                if len(found) >= READ_CAP:
                    break
            if len(found) >= READ_CAP:
                break
    else:
        for org in orgs:
            rec = identity.get_org(org)
            since = max(start, _org_created(rec)) if rec is not None else start
            for ev in AuditEvent.gsi1.query(f"TENANT#mx:{org.lower()}#AUDIT", scan_index_forward=False,
                                            filter_condition=AuditEvent.at.between(int(since), int(end) + 1),
                                            limit=READ_CAP):
                found.append(ev)
    out = [(ev, as_event(ev)) for ev in found if start - 1 < float(ev.at) <= end + 1]
    out.sort(key=lambda pair: (float(pair[0].at), pair[0].event_id), reverse=True)
    return out


def _org_created(org) -> float:
    try:
        return _time(org.created_at, "created") or 0.0
    except BadRequest:
        return 0.0


def _matches(event: dict, m: dict | None) -> bool:
    """Every given criterion must hold (names/orgs/types/regions: any of the listed values)."""
    if not m:
        return True
    if m.get("names") and event["name"] not in m["names"] and \
            not any(_glob(n, event["name"]) for n in m["names"]):
        return False
    if m.get("orgs") and not {o.lower() for o in event["org"]} & {o.lower() for o in m["orgs"]}:
        return False
    if m.get("types") and event["type"] not in m["types"]:
        return False
    if m.get("regions") and event["region"] not in m["regions"]:
        return False
    if m.get("error") and m["error"].lower() not in event["error"].lower():
        return False
    if m.get("failed") and not event["error"]:
        return False
    for k, v in (m.get("tags") or {}).items():
        if event["mtags"].get(k) != v:
            return False
    return True


def _excluded(event: dict, m: dict | None) -> bool:
    """``notmatch``: any given criterion that holds excludes the event."""
    if not m:
        return False
    if m.get("names") and (event["name"] in m["names"] or any(_glob(n, event["name"]) for n in m["names"])):
        return True
    if m.get("orgs") and {o.lower() for o in event["org"]} & {o.lower() for o in m["orgs"]}:
        return True
    if m.get("types") and event["type"] in m["types"]:
        return True
    if m.get("regions") and event["region"] in m["regions"]:
        return True
    if m.get("error") and m["error"].lower() in event["error"].lower():
        return True
    if m.get("failed") and event["error"]:
        return True
    return any(event["mtags"].get(k) == v for k, v in (m.get("tags") or {}).items())


def _glob(pattern: str, value: str) -> bool:
    if "*" not in pattern:
        return False
    return re.fullmatch(".*".join(re.escape(part) for part in pattern.split("*")), value) is not None


def _search(p: Principal, search: dict) -> tuple[list[dict], int, int]:
    every, orgs = rbac.require_any(p, "users", rbac.V)
    start, end = _window(search)
    limit = search.get("limit") or DEFAULT_LIMIT
    if limit < 0 or search.get("from", 0) < 0:
        raise BadRequest("Limit and from must not be negative")
    scope = None
    if not every:
        scope = orgs  # allowedorgs is overwritten for non-admins
    elif search.get("allowedorgs"):
        scope = list(search["allowedorgs"])
    events = [e for _, e in _read(p, start, end, scope)
              if _matches(e, search.get("match")) and not _excluded(e, search.get("notmatch"))]
    return events, min(int(limit), MAX_LIMIT), int(search.get("from") or 0)


def show(p: Principal, search: dict) -> list[dict]:
    """Newest first, ``from``/``limit`` paging."""
    events, limit, offset = _search(p, search)
    return events[offset:offset + limit]


def find(p: Principal, search: dict) -> list[dict]:
    """By relevance: events matching more of ``match``'s listed values first, then newest first."""
    events, limit, offset = _search(p, search)
    m = search.get("match") or {}

    def score(e: dict) -> int:
        s = 0
        s += e["name"] in (m.get("names") or [])
        s += bool({o.lower() for o in e["org"]} & {o.lower() for o in (m.get("orgs") or [])})
        s += sum(1 for k, v in (m.get("tags") or {}).items() if e["mtags"].get(k) == v)
        return s
    ranked = sorted(enumerate(events), key=lambda pair: (-score(pair[1]), pair[0]))
    return [e for _, e in ranked][offset:offset + limit]


def terms(p: Principal, search: dict) -> dict:
    events, _, _ = _search(p, search)
    counts: dict[str, dict[str, int]] = {"names": {}, "orgs": {}, "types": {}, "regions": {}, "tagkeys": {}}
    for e in events:
        counts["names"][e["name"]] = counts["names"].get(e["name"], 0) + 1
        for o in e["org"]:
            counts["orgs"][o] = counts["orgs"].get(o, 0) + 1
        counts["types"][e["type"]] = counts["types"].get(e["type"], 0) + 1
        if e["region"]:
            counts["regions"][e["region"]] = counts["regions"].get(e["region"], 0) + 1
        for k in e["mtags"]:
            counts["tagkeys"][k] = counts["tagkeys"].get(k, 0) + 1
    out = {}
    for field, values in counts.items():
        if values:
            out[field] = [{"key": k, "count": n} for k, n in sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))]
    return out
