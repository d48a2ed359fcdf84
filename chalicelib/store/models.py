"""Core entities shared by every surface: accounts, tenants, tokens, API keys, targets, jobs, audit.

Access patterns (pk / sk; indexes):
  Account     ACCT#<username>/A        gsi1 ACCTS/<num>             gsi2 TENANT#<t>#ACCTS/<num>
                                       gsi3 ACCTS/<username>        gsi4 TENANT#<t>#ACCTS/<username>
  Tenant      TENANT#<id>/T            gsi1 TENANTS#<surface>/<num> gsi2 TENANTS#<surface>#OWNER#<user>/<num>
  Revoked     REVOKED#<jti>/R          (TTL = token expiry)
  ApiKey      APIKEY#<id>/K            gsi1 ACCT#<username>#KEYS/<id>
  Cluster     TARGETS/CLUSTER#<name>
  Node        TARGETS/NODE#<cluster>#<node>
  Workload    WORKLOAD#<cluster>/<namespace>#<name>
  Job         JOB#<id>/J               gsi1 TENANT#<t>#JOBS/<id>     gsi2 JOBS/<id>   gsi3 JOBS#ACTIVE/<id> (sparse)
  AuditEvent  AUDIT#<yyyymmdd>/<id>     gsi1 TENANT#<t>#AUDIT/<id>
  AuditDay    AUDITDAYS/<yyyymmdd>
"""
from __future__ import annotations

from pynamodb.attributes import (BooleanAttribute, JSONAttribute, ListAttribute, NumberAttribute,
                                 UnicodeAttribute)

from chalicelib.store.base import Counter, Entity, Sequence, Unique, Versioned  # noqa: F401  (re-export)


class Account(Versioned, discriminator="Account"):
    account_id = UnicodeAttribute()
    num = NumberAttribute()
    username = UnicodeAttribute()
    password_hash = UnicodeAttribute(null=True)
    status = UnicodeAttribute(default="active")  # pending | active | rejected | disabled
    system_admin = BooleanAttribute(default=False)
    tenant_id = UnicodeAttribute(null=True)
    role = UnicodeAttribute(null=True)  # role inside its tenant, e.g. "admin" | "member"
    profile = JSONAttribute(default=dict)  # surface-specific profile fields (phone, realName, isAdmin...)
    created_at = NumberAttribute()
    updated_at = NumberAttribute()

    @staticmethod
    def key(username: str) -> str:
        return f"ACCT#{username}"

    def index(self) -> "Account":
        tenant = self.tenant_id or "-"
        self.gsi1pk, self.gsi1sk = "ACCTS", str(int(self.num)).zfill(20)
        self.gsi2pk, self.gsi2sk = f"TENANT#{tenant}#ACCTS", str(int(self.num)).zfill(20)
        self.gsi3pk, self.gsi3sk = "ACCTS", self.username
        self.gsi4pk, self.gsi4sk = f"TENANT#{tenant}#ACCTS", self.username
        return self


class Tenant(Versioned, discriminator="Tenant"):
    tenant_id = UnicodeAttribute()
    num = NumberAttribute()
    surface = UnicodeAttribute()
    name = UnicodeAttribute()
    status = UnicodeAttribute(default="active")
    owner = UnicodeAttribute(null=True)  # username of the account that applied for it
    attrs = JSONAttribute(default=dict)
    created_at = NumberAttribute()
    updated_at = NumberAttribute()

    def index(self) -> "Tenant":
        self.gsi1pk, self.gsi1sk = f"TENANTS#{self.surface}", str(int(self.num)).zfill(20)
        if self.owner:
            self.gsi2pk, self.gsi2sk = f"TENANTS#{self.surface}#OWNER#{self.owner}", str(int(self.num)).zfill(20)
        return self


class Revoked(Entity, discriminator="Revoked"):
    pass


class ApiKey(Entity, discriminator="ApiKey"):
    key_id = UnicodeAttribute()
    username = UnicodeAttribute()
    name = UnicodeAttribute(default="")
    secret_hash = UnicodeAttribute()
    created_at = NumberAttribute()
    last_used_at = NumberAttribute(null=True)


class Cluster(Versioned, discriminator="Cluster"):
    name = UnicodeAttribute()
    driver = UnicodeAttribute(default="simulated")
    ready = BooleanAttribute(default=True)
    labels = ListAttribute(of=UnicodeAttribute, default=list)
    label_times = JSONAttribute(default=dict)
    namespaces = ListAttribute(of=UnicodeAttribute, default=list)
    faults = JSONAttribute(default=dict)
    attrs = JSONAttribute(default=dict)
    created_at = NumberAttribute()


class Node(Versioned, discriminator="Node"):
    cluster = UnicodeAttribute()
    name = UnicodeAttribute()
    ready = BooleanAttribute(default=True)
    labels = ListAttribute(of=UnicodeAttribute, default=list)
    attrs = JSONAttribute(default=dict)  # operatingSystem, kernelVersion, ip, memory, cpu, gpu, disk
    created_at = NumberAttribute()


class Workload(Versioned, discriminator="Workload"):
    cluster = UnicodeAttribute()
    namespace = UnicodeAttribute()
    name = UnicodeAttribute()
    spec = JSONAttribute(default=dict)
    revision = NumberAttribute(default=1)
    phase = UnicodeAttribute(default="Pending")  # Pending | Progressing | Running | Degraded | Failed | Deleted
    desired = NumberAttribute(default=1)
    running = NumberAttribute(default=0)
    failed = NumberAttribute(default=0)
    ticks = NumberAttribute(default=0)
    message = UnicodeAttribute(null=True)
    updated_at = NumberAttribute()


class Job(Versioned, discriminator="Job"):
    job_id = UnicodeAttribute()
    job_kind = UnicodeAttribute()
    surface = UnicodeAttribute()
    tenant_id = UnicodeAttribute(null=True)
    actor = UnicodeAttribute(null=True)
    status = UnicodeAttribute(default="PENDING")  # PENDING | RUNNING | SUCCEEDED | FAILED
    stage = UnicodeAttribute(null=True)
    progress = NumberAttribute(default=0)
    resource = UnicodeAttribute(null=True)
    params = JSONAttribute(default=dict)
    state = JSONAttribute(default=dict)
    result = JSONAttribute(default=dict)
    error = UnicodeAttribute(null=True)
    history = JSONAttribute(default=list)
    created_at = NumberAttribute()
    updated_at = NumberAttribute()

    def index(self) -> "Job":
        self.gsi1pk, self.gsi1sk = f"TENANT#{self.tenant_id or '-'}#JOBS", self.job_id
        self.gsi2pk, self.gsi2sk = "JOBS", self.job_id
        active = self.status not in ("SUCCEEDED", "FAILED")
        self.gsi3pk = "JOBS#ACTIVE" if active else None  # sparse index of unfinished jobs (the reaper's)
        self.gsi3sk = self.job_id if active else None
        return self


class AuditDay(Entity, discriminator="AuditDay"):
    """``AUDITDAYS`` / ``<yyyymmdd>``: a day that has audit events."""


class AuditEvent(Entity, discriminator="AuditEvent"):
    event_id = UnicodeAttribute()
    at = NumberAttribute()
    actor = UnicodeAttribute(null=True)
    tenant_id = UnicodeAttribute(null=True)
    surface = UnicodeAttribute()
    action = UnicodeAttribute()
    resource = UnicodeAttribute(null=True)
    outcome = UnicodeAttribute()  # ok | denied | failed
    status = NumberAttribute(null=True)
    detail = UnicodeAttribute(null=True)
    request_id = UnicodeAttribute(null=True)


class LabelMember(Entity, discriminator="LabelMember"):
    """A label on a target: ``TLABEL#<C|N>#<label>`` / ``<cluster>[#<node>]``."""
    label = UnicodeAttribute()
    cluster = UnicodeAttribute()
    node = UnicodeAttribute(null=True)
    created_at = NumberAttribute()


class LabelName(Entity, discriminator="LabelName"):
    """A distinct label name with its use count: ``TLABELS#C`` or ``TLABELS#N#<cluster|*>`` / ``<label>``."""
    label = UnicodeAttribute()
    n = NumberAttribute(default=0)


class RegistryAccount(Versioned, discriminator="RegistryAccount"):
    """The image-registry account of one scope (tenant): ``REG#<scope>`` / ``ACCOUNT``."""
    scope = UnicodeAttribute()
    user = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    created_at = NumberAttribute()
    updated_at = NumberAttribute()


class RegistryProject(Versioned, discriminator="RegistryProject"):
    """``REG#<scope>`` / ``PROJECT#<name>``; gsi1 REGPROJ/<id>; gsi2 REG#<scope>#PROJECTS/<id>."""
    scope = UnicodeAttribute()
    project_id = NumberAttribute()
    name = UnicodeAttribute()
    public = BooleanAttribute(default=False)
    image_count = NumberAttribute(default=0)
    created_at = NumberAttribute()
    updated_at = NumberAttribute()


class RegistryImage(Versioned, discriminator="RegistryImage"):
    """``REG#<scope>`` / ``IMAGE#<project>/<name>``; gsi2 REG#<scope>#IMAGES#<project>/<id>."""
    scope = UnicodeAttribute()
    image_id = NumberAttribute()
    project = UnicodeAttribute()
    name = UnicodeAttribute()  # "project/name"
    created_at = NumberAttribute()
    updated_at = NumberAttribute()


class RegistryTag(Entity, discriminator="RegistryTag"):
    """``REG#<scope>#TAGS#<project>/<name>`` / ``<tag>``."""
    tag = UnicodeAttribute()
    image = UnicodeAttribute()
    digest = UnicodeAttribute(null=True)
    created_at = NumberAttribute()
    updated_at = NumberAttribute()


class Mail(Entity, discriminator="Mail"):
    """An e-mail edgeplane would send (verification, password reset): ``OUTBOX/<id>``, expires after a week."""
    mail_id = UnicodeAttribute()
    surface = UnicodeAttribute()
    to = UnicodeAttribute()
    subject = UnicodeAttribute()
    body = UnicodeAttribute()
    created_at = NumberAttribute()
