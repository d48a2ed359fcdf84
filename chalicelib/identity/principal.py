"""Who is asking: the result of every authentication adapter."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Principal:
    username: str
    account_id: str
    num: int
    system_admin: bool = False
    tenant_id: str | None = None
    role: str | None = None
    status: str = "active"
    profile: dict = field(default_factory=dict)
    method: str = "jwt"  # jwt | apikey | aksk
    token_id: str | None = None
    token_exp: int | None = None
    token_iat: int | None = None
    audience: str | None = None
    raw_token: str | None = None

    @property
    def tenant_admin(self) -> bool:
        return self.role == "admin"
