"""ote-stack fixtures: tokens for the system administrator and for members of approved businesses."""
from __future__ import annotations

import itertools

import pytest

from chalicelib.identity import accounts, tokens
from tests.conftest import Api

_seq = itertools.count(1)


def token_api(api: Api, username: str) -> Api:
    token, _ = tokens.issue(username, "otestack")
    return api.with_headers(authorization=token)


@pytest.fixture
def sysadmin(api):
    """The system administrator (role 4), logged in through POST /v1/authorization."""
    status, body = api.post("/v1/authorization", {"user": "admin", "password": "Adm1nPassw0rd"})
    assert status == 200, body
    return api.with_headers(authorization=body["token"])


def new_business(api: Api, name: str | None = None):
    """An approved business created directly in the identity core: (admin Api, member Api, info)."""
    n = next(_seq)
    name = name or f"biz{n}"
    tenant = accounts.create_tenant("otestack", name, owner=f"{name}-admin", status="active",
                                    attrs={"status": 1, "introduce": "i", "objective": "o", "scale": "s",
                                           "comment": "ok"})
    num = int(tenant.num)
    admin = accounts.create_account(f"{name}-admin", "Passw0rdA", tenant_id=tenant.tenant_id, role="admin",
                                    profile={"isAdmin": True, "businessId": num, "phone": f"1380000{n:04d}",
                                             "realName": "Admin"})
    member = accounts.create_account(f"{name}-user", "Passw0rdU", tenant_id=tenant.tenant_id, role="member",
                                     profile={"isAdmin": False, "businessId": num, "phone": f"1390000{n:04d}",
                                              "realName": "User"})
    info = {"tenant": tenant.tenant_id, "businessId": num, "namespace": f"ns{num}", "name": name,
            "admin": admin.username, "member": member.username}
    return token_api(api, admin.username), token_api(api, member.username), info


@pytest.fixture
def make_business(api):
    """Create an approved business directly in the identity core; returns (admin Api, member Api, info)."""
    return lambda name=None: new_business(api, name)
