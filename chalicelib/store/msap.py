"""MSAP entities (catalog msap.md §3).

  MsObj      MS#<tenant>#<kind>/ID#<id>      the owner-scoped store (store/scoped.py): every MSAP object of a tenant
  MsAccount  MSACCT#<username>/A             an account's MSAP identity: its tenant, whether it is the tenant's
                                             main account, its profile (realName, orgName)
             gsi1 MSTENANT#<tenant>#USERS/<user num>   the tenant's accounts (sub-accounts) in number order
"""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.store.base import Entity
from chalicelib.store.scoped import ScopedObj


class MsObj(ScopedObj, discriminator="MsObj"):
    pass


class MsAccount(Entity, discriminator="MsAccount"):
    username = UnicodeAttribute()
    user_num = NumberAttribute()
    tenant_id = UnicodeAttribute()
    tenant_num = NumberAttribute()
    main = BooleanAttribute(default=False)
    real_name = UnicodeAttribute(default="")
    org_name = UnicodeAttribute(default="")
    created_at = NumberAttribute()

    @staticmethod
    def key(username: str) -> str:
        return f"MSACCT#{username}"

    def index(self) -> "MsAccount":
        self.gsi1pk, self.gsi1sk = f"MSTENANT#{self.tenant_id}#USERS", str(int(self.user_num)).zfill(20)
        return self
