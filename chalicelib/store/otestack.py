"""ote-stack entities (tenant-first keys in the main table).

  OteApp        TENANT#<t>#OTE/APP#<id>      gsi1 OTEAPP/<id>      gsi2 TENANT#<t>#OTEAPPNAME/<name>#<version>
  OteDeployment TENANT#<t>#OTE/DEPLOY#<id>   gsi1 OTEDEPLOY/<id>   gsi2 TENANT#<t>#OTEDEPLOYNAME/<name>
                                             gsi3 OTE#NLABEL#<label>/<id>
  OteDeployOp   TENANT#<t>#OTE/OP#<id>       gsi1 OTEOP/<id>       gsi2 OTEOPS/<id>
"""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.core import ids
from chalicelib.store.base import Versioned


def ote_pk(tenant: str) -> str:
    return f"TENANT#{tenant}#OTE"


class OteApp(Versioned, discriminator="OteApp"):
    tenant = UnicodeAttribute()
    app_id = NumberAttribute()
    name = UnicodeAttribute()
    version = UnicodeAttribute()
    main_version = UnicodeAttribute()
    status = NumberAttribute(default=1)
    spec = JSONAttribute(default=dict)
    chart_key = UnicodeAttribute(null=True)
    created_at = NumberAttribute()
    updated_at = NumberAttribute()

    def index(self) -> "OteApp":
        self.gsi1pk, self.gsi1sk = "OTEAPP", ids.pad(self.app_id)
        self.gsi2pk, self.gsi2sk = f"TENANT#{self.tenant}#OTEAPPNAME", f"{self.name}#{self.version}"
        return self


class OteDeployment(Versioned, discriminator="OteDeployment"):
    tenant = UnicodeAttribute()
    deploy_id = NumberAttribute()
    business_name = UnicodeAttribute(default="")
    namespace = UnicodeAttribute()
    deploy_name = UnicodeAttribute()
    app_name = UnicodeAttribute()
    version = UnicodeAttribute()
    current_version = UnicodeAttribute(null=True)
    cluster = UnicodeAttribute()
    node_label = UnicodeAttribute()
    comment = UnicodeAttribute(default="")
    deploy_type = NumberAttribute(default=1)
    status = NumberAttribute(default=0)
    editable = BooleanAttribute(default=False)
    running = BooleanAttribute(default=False)
    error_message = UnicodeAttribute(default="")
    audit_comment = UnicodeAttribute(default="")
    history = JSONAttribute(default=list)
    results = JSONAttribute(default=dict)
    last_op = NumberAttribute(null=True)
    created_at = NumberAttribute()
    updated_at = NumberAttribute()

    def index(self) -> "OteDeployment":
        self.gsi1pk, self.gsi1sk = "OTEDEPLOY", ids.pad(self.deploy_id)
        self.gsi2pk, self.gsi2sk = f"TENANT#{self.tenant}#OTEDEPLOYNAME", self.deploy_name
        live = self.status != 9 and self.node_label and self.node_label != "all"
        self.gsi3pk = f"OTE#NLABEL#{self.node_label}" if live else None
        self.gsi3sk = ids.pad(self.deploy_id) if live else None
        return self


class OteDeployOp(Versioned, discriminator="OteDeployOp"):
    tenant = UnicodeAttribute()
    op_id = NumberAttribute()
    deploy_id = NumberAttribute()
    business_name = UnicodeAttribute(default="")
    app_name = UnicodeAttribute()
    version = UnicodeAttribute()
    cluster = UnicodeAttribute()
    deploy_type = NumberAttribute()
    status = NumberAttribute(default=0)
    comment = UnicodeAttribute(default="")
    audit_comment = UnicodeAttribute(default="")
    requested_by = UnicodeAttribute()
    audited_by = UnicodeAttribute(null=True)
    job_id = UnicodeAttribute(null=True)
    created_at = NumberAttribute()
    updated_at = NumberAttribute()

    def index(self) -> "OteDeployOp":
        self.gsi1pk, self.gsi1sk = "OTEOP", ids.pad(self.op_id)
        self.gsi2pk, self.gsi2sk = "OTEOPS", ids.pad(self.op_id)
        return self
