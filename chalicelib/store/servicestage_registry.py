"""The ServiceComb registry (chapter 8): microservices, schemas, instances with leases, dependencies.

  ScService   SCREG#<project>/SVC#<service id>
  ScName      SCREG#<project>#KEY#<env>#<appId>#<serviceName>/<version>#<service id>
              (the name index as base-table items, written in the service's transaction: find by name is one
              strongly consistent Query of a small partition, whatever the registry's size)
              unique claim ``screg#<project>`` / ``<env>/<appId>/<serviceName>/<version>`` (owner = the service)
  ScSchema    SCREG#<project>#SVC#<service id>/SCHEMA#<schema id>
  ScInstance  SCREG#<project>#SVC#<service id>/INST#<instance id>
                                                         gsi1 SCLEASE#<ttl s>#<shard>/<last heartbeat ms>#<ids>
  ScDep       SCREG#<project>#SVC#<consumer id>/DEP#<env>#<appId>#<serviceName>
                                                         gsi1 SCREG#<project>#CONSUMERS#<env>#<appId>#<serviceName>
                                                              /<consumer id>
  ScRev       SCREG#<project>/REV                         (the project's registry revision counter)
  ScTtlClass  SCLEASECLASS/<ttl s>                        (the lease lengths in use: what the sweeper walks)

A lease: ``lease_until = last heartbeat + ttl`` (ms). A heartbeat is one conditional UpdateItem (the lease
must still be running); every read drops instances whose lease has run out; the sweeper Queries, per lease
length and shard, the instances whose last heartbeat is older than ``now - ttl``. The DynamoDB TTL
(``expires_at``, a day after the lease) is garbage collection only.
"""
from __future__ import annotations

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.store.base import Entity, Versioned

LEASE_SHARDS = 8


def project_pk(project: str) -> str:
    return f"SCREG#{project}"


def service_pk(project: str, service_id: str) -> str:
    return f"SCREG#{project}#SVC#{service_id}"


def key_index(project: str, env: str, app_id: str, name: str) -> str:
    return f"SCREG#{project}#KEY#{env}#{app_id}#{name}"


def consumers_index(project: str, env: str, app_id: str, name: str) -> str:
    return f"SCREG#{project}#CONSUMERS#{env}#{app_id}#{name}"


def lease_partition(ttl_s: int, shard: int) -> str:
    return f"SCLEASE#{int(ttl_s)}#{shard}"


def lease_sort(last_ms: int, project: str, service_id: str, instance_id: str) -> str:
    return f"{int(last_ms):015d}#{project}#{service_id}#{instance_id}"


class ScService(Versioned, discriminator="ScService"):
    project = UnicodeAttribute()
    service_id = UnicodeAttribute()
    env = UnicodeAttribute()
    app_id = UnicodeAttribute()
    service_name = UnicodeAttribute()
    version = UnicodeAttribute()
    data = JSONAttribute(default=dict)      # the MicroService as shown (without serviceId)
    tags = JSONAttribute(default=dict)
    rules = JSONAttribute(default=list)
    created_s = NumberAttribute()

    def name_item(self) -> "ScName":
        return ScName(key_index(self.project, self.env, self.app_id, self.service_name),
                      f"{self.version}#{self.service_id}", service_id=self.service_id, version=self.version,
                      tags=self.tags or {})


class ScName(Entity, discriminator="ScName"):
    service_id = UnicodeAttribute()
    version = UnicodeAttribute()
    tags = JSONAttribute(default=dict)


class ScSchema(Entity, discriminator="ScSchema"):
    schema_id = UnicodeAttribute()
    content = UnicodeAttribute(default="")
    summary = UnicodeAttribute(default="")


class ScInstance(Entity, discriminator="ScInstance"):
    project = UnicodeAttribute()
    service_id = UnicodeAttribute()
    instance_id = UnicodeAttribute()
    data = JSONAttribute(default=dict)      # the MicroServiceInstance as shown
    ttl_ms = NumberAttribute()
    gc_s = NumberAttribute()                # ttl + a day: expires_at = last heartbeat + gc_s
    last_ms = NumberAttribute()             # last heartbeat (or registration)
    lease_until = NumberAttribute()         # ms
    mod_rev = NumberAttribute(default=0)    # the project revision of its last change


class ScDep(Entity, discriminator="ScDep"):
    consumer_id = UnicodeAttribute()
    env = UnicodeAttribute()
    app_id = UnicodeAttribute()
    service_name = UnicodeAttribute()
    version_rule = UnicodeAttribute(default="")   # "" = all versions (recorded by discovery)


class ScRev(Entity, discriminator="ScRev"):
    n = NumberAttribute(default=0)


class ScTtlClass(Entity, discriminator="ScTtlClass"):
    ttl_s = NumberAttribute()
