"""Append-only audit trail: every change and every denied request (who, what, when, outcome).

Events are partitioned by day (``AUDIT#<yyyymmdd>`` / event id) so writes spread over partitions; a
small ``AUDITDAYS`` partition lists the days that have events, and the all-tenants page walks back day by
day with a cursor. Per tenant, ``gsi1`` (``TENANT#<t>#AUDIT`` / event id) serves one Query.
"""
from __future__ import annotations

import time

from chalicelib.core import clock, ids
from chalicelib.core.logging import logger
from chalicelib.core.pagination import Page, cursor_page, decode_cursor, encode_cursor
from chalicelib.store.models import AuditDay, AuditEvent

_request_id = {"value": None}
_known_days: set[str] = set()


def set_request_id(value: str | None) -> None:
    _request_id["value"] = value


def _day(ts: float) -> str:
    return time.strftime("%Y%m%d", time.gmtime(ts))


def record(surface: str, action: str, outcome: str = "ok", *, principal=None, resource: str | None = None,
           status: int | None = None, detail: str | None = None, tenant_id: str | None = None) -> None:
    """Write one audit event. Never raises: an audit failure is logged, the request goes on."""
    event_id = ids.new_id()
    now = clock.now()
    day = _day(now)
    tenant = tenant_id or (principal.tenant_id if principal is not None else None)
    ev = AuditEvent(f"AUDIT#{day}", event_id, event_id=event_id, at=int(now),
                    actor=principal.username if principal is not None else None, tenant_id=tenant,
                    surface=surface, action=action, resource=resource, outcome=outcome, status=status,
                    detail=(detail or "")[:500] or None, request_id=_request_id["value"])
    if tenant:
        ev.gsi1pk, ev.gsi1sk = f"TENANT#{tenant}#AUDIT", event_id
    try:
        ev.save()
        if day not in _known_days:
            AuditDay("AUDITDAYS", day).save()
            _known_days.add(day)
    except Exception:  # pragma: no cover - the store being down must not hide the original outcome
        logger.exception("audit write failed", extra={"action": action, "outcome": outcome})


def forget_days() -> None:
    """Tests start from an empty store; the day cache must not outlive it."""
    _known_days.clear()


def page(*, tenant_id: str | None = None, limit: int = 50, token: str | None = None) -> Page:
    """Newest first. Per tenant: one Query. All tenants: day partitions, newest day first."""
    if tenant_id:
        return cursor_page(lambda **kw: AuditEvent.gsi1.query(f"TENANT#{tenant_id}#AUDIT", scan_index_forward=False,
                                                              **kw), limit, token)
    cursor = decode_cursor(token) or {}
    day_from = cursor.get("day")
    start = cursor.get("key")
    cond = AuditDay.sk <= day_from if day_from else None
    items: list = []
    for d in AuditDay.query("AUDITDAYS", cond, scan_index_forward=False):
        results = AuditEvent.query(f"AUDIT#{d.sk}", scan_index_forward=False, limit=limit - len(items),
                                   last_evaluated_key=start if d.sk == day_from else None)
        items.extend(results)
        if len(items) >= limit:
            last = results.last_evaluated_key
            nxt = {"day": d.sk, "key": last} if last else {"day": _previous(d.sk)}
            return Page(items, len(items), encode_cursor(nxt))
    return Page(items, len(items), None)


def _previous(day: str) -> str:
    t = time.mktime(time.strptime(day, "%Y%m%d")) - 43200  # midday of the day before, timezone-proof
    return time.strftime("%Y%m%d", time.localtime(t))


def as_dict(ev: AuditEvent) -> dict:
    return {"id": ev.event_id, "at": int(ev.at), "actor": ev.actor, "tenant": ev.tenant_id, "surface": ev.surface,
            "action": ev.action, "resource": ev.resource, "outcome": ev.outcome, "status": ev.status,
            "detail": ev.detail, "requestId": ev.request_id}
