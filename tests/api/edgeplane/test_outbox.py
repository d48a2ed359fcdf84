"""The outbox: mails edgeplane would send, readable by administrators only."""
from __future__ import annotations

from chalicelib import outbox
from chalicelib.identity import accounts


def test_outbox_is_admin_only_and_paged(api, edgeplane_admin):
    for i in range(3):
        outbox.send("mobiledgex", f"User{i}@Example.com", "Verify your email", f"token-{i}")
    status, body = edgeplane_admin.get("/edgeplane/v1/outbox?limit=2")
    assert status == 200 and [m["body"] for m in body["mails"]] == ["token-2", "token-1"]
    status, more = edgeplane_admin.get(f"/edgeplane/v1/outbox?limit=2&next={body['next']}")
    assert [m["body"] for m in more["mails"]] == ["token-0"]
    status, one = edgeplane_admin.get("/edgeplane/v1/outbox?to=user1@example.com")
    assert [m["to"] for m in one["mails"]] == ["user1@example.com"]

    accounts.create_account("plainuser", "PlainPassw0rd")
    status, login = api.post("/edgeplane/v1/login", {"username": "plainuser", "password": "PlainPassw0rd"})
    plain = api.with_headers(authorization="Bearer " + login["token"])
    assert plain.get("/edgeplane/v1/outbox")[0] == 403
