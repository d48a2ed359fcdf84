"""Secrets never leave: not in responses, not in logs (captured output is grepped)."""
from __future__ import annotations

import logging


def test_passwords_and_tokens_never_reach_logs_or_responses(api, sysadmin, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    secret = "Sup3rSecretPassw0rd"
    bodies = []
    bodies.append(api.post("/v1/user", {"user": "eve", "password": secret, "phone": "13900001111", "isAdmin": True,
                                        "realName": "Eve"})[1])
    bodies.append(api.post("/v1/authorization", {"user": "eve", "password": secret})[1])
    bodies.append(api.post("/v1/authorization", {"user": "admin", "password": secret})[1])
    bodies.append(sysadmin.get("/v1/admin/user?pageSize=0")[1])
    bodies.append(sysadmin.post("/v1/admin/user", {"user": "bad", "password": secret, "phone": "x",
                                                   "isAdmin": 1, "realName": ""})[1])
    token = sysadmin.headers["authorization"]
    sysadmin.delete("/v1/authorization")
    out = capsys.readouterr()
    logs = out.out + out.err + "\n".join(r.getMessage() + str(r.__dict__) for r in caplog.records)
    assert secret not in logs and token not in logs
    assert all(secret not in str(b) and "argon2" not in str(b) for b in bodies)
