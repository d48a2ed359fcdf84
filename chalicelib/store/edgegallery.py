"""EdgeGallery entities. Everything an application owns lives in its partition ``EG#APP#<id>``.

  EgApplication  EG#APP#<id>/A          gsi1 EG#USER#<userId>#APPS/<createdAt>#<id>
  (children)     EG#APP#<id>/<KIND>#<childId>   e.g. VM#, NET#, CHART#, SCRIPT#, CONF#..., PKG, ATP#
  EgOperation    EG#OP#<id>/O           gsi1 EG#USER#<userId>#OPS/<id>
Other EdgeGallery groups add their models next to their services, with the same conventions.
"""
from __future__ import annotations

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.store.base import Versioned


def app_pk(app_id: str) -> str:
    return f"EG#APP#{app_id}"


class EgApplication(Versioned, discriminator="EgApplication"):
    app_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    user_name = UnicodeAttribute()
    name = UnicodeAttribute()
    version = UnicodeAttribute()
    provider = UnicodeAttribute()
    app_class = UnicodeAttribute()          # CONTAINER | VM
    status = UnicodeAttribute(default="CREATED")
    fields = JSONAttribute(default=dict)    # description, architecture, type, industry, iconFileId, guideFileId,
                                            # appCreateType, mepHostId, pkgSpecId
    created_at = NumberAttribute()
    updated_at = NumberAttribute()

    def index(self) -> "EgApplication":
        self.gsi1pk = f"EG#USER#{self.user_id}#APPS"
        self.gsi1sk = f"{int(self.created_at * 1000):015d}#{self.app_id}"
        return self


class EgOperation(Versioned, discriminator="EgOperation"):
    op_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    user_name = UnicodeAttribute()
    object_type = UnicodeAttribute()
    object_id = UnicodeAttribute()
    object_name = UnicodeAttribute(default="")
    operation_name = UnicodeAttribute()
    progress = NumberAttribute(default=0)
    status = UnicodeAttribute(default="ONGOING")   # ONGOING | SUCCESS | FAILED
    error_msg = UnicodeAttribute(default="")
    actions = JSONAttribute(default=list)          # actionStatusList
    job_id = UnicodeAttribute(null=True)
    created_at = NumberAttribute()
    updated_at = NumberAttribute()

    def index(self) -> "EgOperation":
        self.gsi1pk, self.gsi1sk = f"EG#USER#{self.user_id}#OPS", self.op_id
        return self
