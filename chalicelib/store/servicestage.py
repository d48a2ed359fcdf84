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

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.store.base import Entity, Versioned


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


class SsObj(Versioned, discriminator="SsObj"):
    project = UnicodeAttribute()
    obj_kind = UnicodeAttribute()
    obj_id = UnicodeAttribute()
    scope = UnicodeAttribute()
    name = UnicodeAttribute(default="")
    data = JSONAttribute(default=dict)
    extra = JSONAttribute(default=dict)  # server-side only (sealed secrets, job bookkeeping)
    create_ms = NumberAttribute()
    update_ms = NumberAttribute()

    def index(self, lookup: tuple[str, str] | None = None) -> "SsObj":
        self.gsi1pk, self.gsi1sk = f"{self.scope}#CT", f"{int(self.create_ms):015d}#{self.obj_id}"
        self.gsi2pk, self.gsi2sk = f"{self.scope}#NAME", f"{self.name}#{self.obj_id}"
        self.gsi3pk, self.gsi3sk = f"{self.scope}#UT", f"{int(self.update_ms):015d}#{self.obj_id}"
        if lookup is not None:
            self.gsi4pk, self.gsi4sk = lookup
        return self
