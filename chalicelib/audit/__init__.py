"""Append-only audit trail: every change and every denied request (who, what, when, outcome)."""
from __future__ import annotations

from chalicelib.core import clock, ids
from chalicelib.core.logging import logger
from chalicelib.core.pagination import Page, cursor_page
from chalicelib.store.models import AuditEvent

_request_id = {"value": None}


def set_request_id(value: str | None) -> None:
    _request_id["value"] = value


def record(surface: str, action: str, outcome: str = "ok", *, principal=None, resource: str | None = None,
           status: int | None = None, detail: str | None = None, tenant_id: str | None = None) -> None:
    """Write one audit event. Never raises: an audit failure is logged, the request goes on."""
    event_id = ids.new_id()
    tenant = tenant_id or (principal.tenant_id if principal is not None else None)
    ev = AuditEvent("AUDIT", event_id, event_id=event_id, at=clock.now_s(),
                    actor=principal.username if principal is not None else None, tenant_id=tenant,
                    surface=surface, action=action, resource=resource, outcome=outcome, status=status,
                    detail=(detail or "")[:500] or None, request_id=_request_id["value"])
    if tenant:
        ev.gsi1pk, ev.gsi1sk = f"TENANT#{tenant}#AUDIT", event_id
    try:
        ev.save()
    except Exception:  # pragma: no cover - the store being down must not hide the original outcome
        logger.exception("audit write failed", extra={"action": action, "outcome": outcome})


def page(*, tenant_id: str | None = None, limit: int = 50, token: str | None = None,
         newest_first: bool = True) -> Page:
    if tenant_id:
        return cursor_page(lambda **kw: AuditEvent.gsi1.query(f"TENANT#{tenant_id}#AUDIT",
                                                              scan_index_forward=not newest_first, **kw),
                           limit, token)
    return cursor_page(lambda **kw: AuditEvent.query("AUDIT", scan_index_forward=not newest_first, **kw),
                       limit, token)


def as_dict(ev: AuditEvent) -> dict:
    return {"id": ev.event_id, "at": int(ev.at), "actor": ev.actor, "tenant": ev.tenant_id, "surface": ev.surface,
            "action": ev.action, "resource": ev.resource, "outcome": ev.outcome, "status": ev.status,
            "detail": ev.detail, "requestId": ev.request_id}
