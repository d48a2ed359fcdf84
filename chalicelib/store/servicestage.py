"""Huawei Cloud ServiceStage / CSE / ServiceComb entities.

  SsProject     SSPROJ#<id>/P                     gsi1 SSDOMAIN#<account id>#PROJECTS/<name>
  SsCredential  SSAK#<access key>/K               gsi1 ACCT#<username>#SSAK/<access key>   (secret sealed)
  SsNonce       SSSIG#<sha256 of a signature>/N   (TTL: the signature's clock window; replay guard)
  SsObj         SS#<project>#<kind>/ID#<id>       gsi1 <scope>#CT/<create ms>#<id>   gsi2 <scope>#NAME/<name>#<id>
                                                  gsi3 <scope>#UT/<update ms>#<id>   gsi4 (free for a kind's own lookup)
                where <scope> = SS#<project>#<kind>[#<parent id>]: every list is a Query of one scope, in the
                order the client asked for (create_time, name, update_time), and ``count`` is the scope's counter.
"""
from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.store.base import Entity
from chalicelib.store.scoped import ScopedObj


class SsProject(Entity, discriminator="SsProject"):
    project_id = UnicodeAttribute()
    name = UnicodeAttribute()
    domain_id = UnicodeAttribute()   # the owning account's id
    domain_name = UnicodeAttribute()  # the owning account's user name
    created_at = NumberAttribute()


class SsCredential(Entity, discriminator="SsCredential"):
    access = UnicodeAttribute()
    username = UnicodeAttribute()
    user_id = UnicodeAttribute()
    secret_sealed = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    status = UnicodeAttribute(default="active")
    created_at = NumberAttribute()


class SsNonce(Entity, discriminator="SsNonce"):
    pass


class SsObj(ScopedObj, discriminator="SsObj"):
    pass
