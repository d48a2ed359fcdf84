"""The outbox: e-mails edgeplane would send (sign-up verification, password reset), kept in the table.

No mail server is wired in: a deployment can add a sender that drains the outbox; operators (and tests)
read it through ``GET /edgeplane/v1/outbox`` as administrators. Bodies hold one-time tokens, so they are
never logged. Items expire after a week (TTL).
"""
from __future__ import annotations

from datetime import datetime, timezone

from chalicelib.core import clock, ids
from chalicelib.core.logging import logger
from chalicelib.core.pagination import Page, cursor_page
from chalicelib.store import base as store
from chalicelib.store.models import Mail

PARTITION = "OUTBOX"
KEEP_SECONDS = 7 * 86400


def send(surface: str, to: str, subject: str, body: str) -> Mail:
    now = clock.now_s()
    mail_id = ids.new_id()
    mail = Mail(PARTITION, mail_id, mail_id=mail_id, surface=surface, to=to.lower(), subject=subject, body=body,
                created_at=now, expires_at=datetime.fromtimestamp(now + KEEP_SECONDS, tz=timezone.utc))
    store.create(mail)
    logger.info("mail queued", extra={"surface": surface, "subject": subject})
    return mail


def page(*, limit: int = 50, token: str | None = None, to: str | None = None) -> Page:
    """Newest first; ``to`` filters one recipient (case-insensitive) within the pages read."""
    if to:
        return cursor_page(lambda **kw: Mail.query(PARTITION, scan_index_forward=False,
                                                   filter_condition=Mail.to == to.lower(), **kw), limit, token)
    return cursor_page(lambda **kw: Mail.query(PARTITION, scan_index_forward=False, **kw), limit, token)


def as_dict(mail: Mail) -> dict:
    return {"id": mail.mail_id, "surface": mail.surface, "to": mail.to, "subject": mail.subject,
            "body": mail.body, "createdAt": int(mail.created_at)}
