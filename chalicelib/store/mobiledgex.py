"""MobiledgeX Master Controller entities.

Global objects (the MC database) and regional objects (one regional Controller per region upstream).
Names are case-insensitive upstream, so keys use the lower-cased name and the item keeps the spelling.

  MxUser    MXUSER#<lname>/U                 gsi1 MXUSERS/<lname>
  MxOrg     MXORG#<lname>/O                  gsi1 MXORGS/<lname>
  MxRole    MXROLE#<luser>/ORG#<lorg>        gsi1 MXROLEORG#<lorg>/<luser>   gsi2 MXROLES/<lorg>#<luser>
            (one role per user per org is the key itself)
  MxApiKey  MXAPIKEY#<id>/K                  gsi1 MXUSER#<luser>#KEYS/<id>    gsi2 MXAPIKEYS/<id>
  MxObj     MX#<region>#<kind>/<key>         gsi1 MX#<region>#<kind>#ORG#<lorg>/<key>   (a Show by a developer
            is one Query per org the caller can view, never a read of everybody's objects)
            gsi2 MX#<region>#<kind>#<index>/<value>  (an optional second access path, e.g. by cloudlet)
  MxRef     MXREF#<region>#<kind>#<key>/<src kind>#<src key>   (who uses an object: delete checks are a
            Query with limit 1, written in the same transaction as the user)
  MxMail    see chalicelib/outbox
"""
from __future__ import annotations

from pynamodb.attributes import JSONAttribute, ListAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.store.base import Entity, Versioned


class MxUser(Versioned, discriminator="MxUser"):
    name = UnicodeAttribute()
    email = UnicodeAttribute(default="")
    data = JSONAttribute(default=dict)  # FamilyName, GivenName, Nickname, Picture, Metadata, EnableTOTP, ...
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()

    @staticmethod
    def pk_of(name: str) -> str:
        return f"MXUSER#{name.lower()}"

    def index(self) -> "MxUser":
        self.gsi1pk, self.gsi1sk = "MXUSERS", self.name.lower()
        return self


class MxOrg(Versioned, discriminator="MxOrg"):
    name = UnicodeAttribute()
    org_type = UnicodeAttribute()
    data = JSONAttribute(default=dict)  # Address, Phone, PublicImages, DeleteInProgress, Parent, EdgeboxOnly
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()

    @staticmethod
    def pk_of(name: str) -> str:
        return f"MXORG#{name.lower()}"

    def index(self) -> "MxOrg":
        self.gsi1pk, self.gsi1sk = "MXORGS", self.name.lower()
        return self


class MxRole(Entity, discriminator="MxRole"):
    username = UnicodeAttribute()
    org = UnicodeAttribute(default="")
    role = UnicodeAttribute()

    @staticmethod
    def keys(username: str, org: str) -> tuple[str, str]:
        return f"MXROLE#{username.lower()}", f"ORG#{org.lower()}"

    def index(self) -> "MxRole":
        self.gsi1pk, self.gsi1sk = f"MXROLEORG#{self.org.lower()}", self.username.lower()
        self.gsi2pk, self.gsi2sk = "MXROLES", f"{self.org.lower()}#{self.username.lower()}"
        return self


class MxApiKey(Entity, discriminator="MxApiKey"):
    key_id = UnicodeAttribute()
    username = UnicodeAttribute()
    org = UnicodeAttribute(default="")
    description = UnicodeAttribute(default="")
    permissions = JSONAttribute(default=list)  # [{"role", "resource", "action"}]
    secret_hash = UnicodeAttribute()
    created_at = UnicodeAttribute()

    def index(self) -> "MxApiKey":
        self.gsi1pk, self.gsi1sk = f"MXUSER#{self.username.lower()}#KEYS", self.key_id
        self.gsi2pk, self.gsi2sk = "MXAPIKEYS", self.key_id
        return self


class MxObj(Versioned, discriminator="MxObj"):
    region = UnicodeAttribute()
    obj_kind = UnicodeAttribute()
    key_str = UnicodeAttribute()
    org = UnicodeAttribute(default="")
    data = JSONAttribute(default=dict)
    extra = JSONAttribute(default=dict)  # server-side state never shown (sealed secrets, progress of the work)
    messages = ListAttribute(of=UnicodeAttribute, default=list)  # progress of the running operation
    created_at = NumberAttribute(default=0)

    @staticmethod
    def pk_of(region: str, kind: str) -> str:
        return f"MX#{region}#{kind}"

    def index(self, by: tuple[str, str] | None = None) -> "MxObj":
        self.gsi1pk = f"MX#{self.region}#{self.obj_kind}#ORG#{self.org.lower()}"
        self.gsi1sk = self.key_str
        if by is not None:
            self.gsi2pk, self.gsi2sk = f"MX#{self.region}#{self.obj_kind}#{by[0]}", f"{by[1]}|{self.key_str}"
        return self


class MxRef(Entity, discriminator="MxRef"):
    src_kind = UnicodeAttribute()
    src_key = UnicodeAttribute()
    src_text = UnicodeAttribute(default="")  # how an error names the user ("ClusterInst {...}")
