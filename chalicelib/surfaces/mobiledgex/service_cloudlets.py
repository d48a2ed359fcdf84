"""Cloudlets (catalog §3.2 #28-#46): an operator's site, simulated as a target of the shared inventory.

Create/Update/Delete are long-running (:mod:`lifecycle`): the stream carries the fake platform's
progress lines. Developers see public cloudlets (in no pool) with a reduced field set.
"""
from __future__ import annotations

import copy
import json

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from chalicelib import targets
from chalicelib.core.errors import BadRequest, Conflict, Forbidden
from chalicelib.identity.principal import Principal
from chalicelib.store.mobiledgex import MxObj
from chalicelib.surfaces.mobiledgex import envelope, gojson, identity, lifecycle, rbac, regional, service_orgs
from chalicelib.surfaces.mobiledgex import service_events
from chalicelib.surfaces.mobiledgex.common import REGIONAL_NAME, SURFACE, dig, rfc3339nano
from chalicelib.surfaces.mobiledgex.kinds import APP_INST, CLOUDLET, CLUSTER_INST, FLAVOR, VM_POOL

CREATE_STEPS = ("Setting physicalname to match cloudlet name", "Creating Cloudlet", "Starting CRMServer",
                "Initializing platform", "Done initializing fake platform", "Gathering Cloudlet Info")
DEVELOPER_VIEW = ("key", "location", "state", "ip_support", "num_dynamic_ips", "maintenance_state",
                  "platform_type", "res_tag_map", "trust_policy", "trust_policy_state", "gpu_config",
                  "infra_flavors")


@regional.references("Cloudlet")
def _refs(data: dict) -> list[regional.Ref]:
    out = []
    if (data.get("flavor") or {}).get("name"):
        out.append(regional.Ref(FLAVOR, {"name": data["flavor"]["name"]}))
    if data.get("vm_pool"):
        out.append(regional.Ref(VM_POOL, {"organization": data["key"]["organization"], "name": data["vm_pool"]}))
    return out


def key_of(obj: dict) -> dict:
    key = dict(obj.get("key") or {})
    if not key.get("organization"):
        raise BadRequest("Invalid cloudlet organization name ")
    if not REGIONAL_NAME.match(key["organization"]):
        raise BadRequest(f"Invalid cloudlet organization name {key['organization']}")
    if not key.get("name") or not REGIONAL_NAME.match(key["name"]):
        raise BadRequest("Invalid cloudlet name")
    out = {"organization": key["organization"], "name": key["name"]}
    if key.get("federated_organization"):  # Go's omitempty: an empty part is not emitted
        out["federated_organization"] = key["federated_organization"]
    return out


def _check_location(obj: dict) -> None:
    loc = obj.get("location") or {}
    lat, lon = loc.get("latitude", 0), loc.get("longitude", 0)
    if not -90 <= lat <= 90:
        raise BadRequest("Invalid latitude value")
    if not -180 <= lon <= 180:
        raise BadRequest("Invalid longitude value")
    if not lat and not lon:
        raise BadRequest("Location is required")


def ensure_target(region: str, key: dict) -> None:
    name = lifecycle.target_name(region, key)
    if targets.get_cluster(name) is None:
        try:
            targets.register_cluster(name, attrs={"surface": SURFACE, "cloudlet": key})
        except Conflict:
            pass


def create(p: Principal, region: str, obj: dict, present: set[str]):
    key = key_of(obj)
    service_orgs.require_usable(p, key["organization"], "operator", "cloudlets")
    for org in obj.get("alliance_orgs") or []:
        _alliance_org(org)
    check_read_only(obj, update=False)
    _check_location(obj)
    if not obj.get("num_dynamic_ips"):
        raise BadRequest("Must specify at least one dynamic public IP available")
    _check_alliance_list(key["organization"], obj.get("alliance_orgs") or [])
    _check_thresholds(obj, set(obj))
    now = rfc3339nano()
    data = {**{k: v for k, v in obj.items() if k not in ("state", "errors", "created_at", "updated_at", "fields")},
            "key": key, "platform_type": obj.get("platform_type") or "Fake",
            "physical_name": obj.get("physical_name") or key["name"], "state": "CreateRequested",
            "maintenance_state": "NormalOperation", "created_at": now, "updated_at": now}
    extra = {"pools": [], "granted_orgs": []}
    seal(data, extra)
    item = regional.create(CLOUDLET, region, data, extra=extra)
    ensure_target(region, key)
    service_events.record(p, "CreateCloudlet", item.org, f"{region}/cloudlet/{item.key_str}", region=region)
    return lifecycle.answer(lifecycle.start(p, "Cloudlet.create", item))


def in_use_text(user: str) -> str:
    """Upstream names a cluster user as "ClusterInst name N Organization O" (catalog §5.9)."""
    kind, _, key = user.partition(" ")
    if kind == "ClusterInst":
        try:
            cluster = json.loads(key).get("cluster_key") or {}
            return f"Cloudlet in use by ClusterInst name {cluster.get('name', '')} " \
                   f"Organization {cluster.get('organization', '')}"
        except (ValueError, AttributeError):
            pass
    return f"Cloudlet in use by {user}"


def delete(p: Principal, region: str, obj: dict, present: set[str]):
    key = key_of(obj)
    rbac.require(p, key["organization"], "cloudlets", rbac.M)
    item = regional.require(CLOUDLET, region, key)
    user = regional.in_use(CLOUDLET, region, item.key_str)
    if user is not None:
        raise BadRequest(in_use_text(user))
    service_events.record(p, "DeleteCloudlet", item.org, f"{region}/cloudlet/{item.key_str}", region=region)
    return lifecycle.answer(lifecycle.start(p, "Cloudlet.delete", item))


# kept server-side only (upstream keeps them in its vault, never on the object)
SECRET_FIELDS = ("access_vars", "kafka_user", "kafka_password")


def seal(data: dict, extra: dict) -> None:
    """Move the secret fields of a cloudlet's data to ``extra`` (which is never shown)."""
    sealed = dict(extra.get("sealed") or {})
    for field in SECRET_FIELDS:
        if field in data:
            value = data.pop(field)
            if value in (None, "", {}):
                sealed.pop(field, None)
            else:
                sealed[field] = value
    extra["sealed"] = sealed


DELETING = ("DeleteRequested", "Deleting", "DeletePrepare")


def check_not_deleting(item: MxObj) -> None:
    """Nothing may start to use a cloudlet that is being deleted (upstream's DeletePrepare check)."""
    if item.data.get("state") in DELETING:
        raise BadRequest(f"Cloudlet {item.key_str} is being deleted")


def usable_by(region: str, cloudlet_key: dict, dev_org: str):
    """The cloudlet a developer org deploys on (ClusterInst/AppInst/auto-prov policies): it must exist and be
    public (in no CloudletPool) or in a pool granted to the org (catalog §5.5 "Cloudlet usability").
    Pool membership is kept on the cloudlet item (``extra["pools"]``: pool names) by the pool service."""
    key = {"organization": cloudlet_key.get("organization", ""), "name": cloudlet_key.get("name", ""),
           "federated_organization": cloudlet_key.get("federated_organization", "")}
    item = regional.require(CLOUDLET, region, key)
    pools = (item.extra or {}).get("pools") or []
    granted = (item.extra or {}).get("granted_orgs") or []
    if pools and dev_org.lower() not in {g.lower() for g in granted}:
        raise BadRequest(f"Cloudlet {item.data['key']['name']} not usable by organization {dev_org}")
    if item.data.get("state") not in ("Ready", None):
        raise BadRequest(f"Cloudlet {item.data['key']['name']} not ready, state is {item.data.get('state')}")
    return item


def show(p: Principal, region: str, obj: dict, present: set[str]) -> list[dict]:
    every, orgs = rbac.require_any(p, "cloudlets", rbac.V)
    if every:
        return [i.data for i in regional.show(CLOUDLET, region, obj, None)]
    out = []
    operator_orgs = [o for o in orgs if rbac.allowed(p, o, "cloudletpools", rbac.V)]
    for item in regional.show(CLOUDLET, region, obj, operator_orgs):
        out.append(item.data)
    dev_orgs = [o for o in orgs if o not in operator_orgs]
    if dev_orgs:  # developer orgs: public cloudlets and those of pools granted to them, reduced view
        seen = {o.lower() for o in operator_orgs}
        for item in regional.show(CLOUDLET, region, obj, None,
                                  extra=lambda i: any(_dev_sees(i, o) for o in dev_orgs)):
            if item.org.lower() not in seen:
                out.append({k: v for k, v in item.data.items() if k in DEVELOPER_VIEW})
    return sorted(out, key=lambda d: regional.key_text(regional.ordered_key("EdgeprotoCloudletKey", d["key"])))


_by_key = lambda data: data["key"]  # noqa: E731  (the work runs on the cloudlet itself)
lifecycle.register(lifecycle.Operation(CLOUDLET, "create", CREATE_STEPS, "Created Cloudlet successfully", _by_key))
lifecycle.register(lifecycle.Operation(CLOUDLET, "update", ("Updating Cloudlet",), "Cloudlet updated successfully",
                                       _by_key))
lifecycle.register(lifecycle.Operation(CLOUDLET, "delete", ("Deleting Cloudlet",), "Deleted Cloudlet successfully",
                                       _by_key))


# ---------------------------------------------------------------- the simulated (fake) platform
# what upstream's fake platform reports; every cloudlet here runs on it, whatever its platform_type
FAKE_FLAVORS = ({"name": "x1.tiny", "vcpus": 1, "ram": 1024, "disk": 20},
                {"name": "x1.small", "vcpus": 2, "ram": 4096, "disk": 40})
FAKE_LIMITS = {"RAM": (40960, "MB"), "vCPUs": (50, ""), "Disk": (5000, "GB"), "External IPs": (30, "")}
FAKE_PROPS = {"PROP_1": {"name": "Property 1", "description": "First Property", "secret": True, "mandatory": True},
              "PROP_2": {"name": "Property 2", "description": "Second Property", "mandatory": True}}
FAKE_FEATURES = {"supports_multi_tenant_cluster": True, "supports_shared_volume": True, "supports_trust_policy": True,
                 "cloudlet_services_local": True, "is_fake": True, "supports_additional_networks": True,
                 "supports_platform_high_availability_on_docker": True,
                 "supports_platform_high_availability_on_k8s": True}
QUOTA_PROPS = (("RAM", "Limit on RAM available (MB)"), ("vCPUs", "Limit on vCPUs available"),
               ("Disk", "Limit on disk available (GB)"), ("GPUs", "Limit on GPUs available"),
               ("External IPs", "Limit on external IPs available"),
               ("Instances", "Limit on number of instances that can be provisioned"))
OPT_RES_NAMES = ("gpu", "nas", "nic")

# ---------------------------------------------------------------- output-only fields (upstream IsValidArgsFor*)
_CONFIG = ("container_registry_path", "cloudlet_vm_image_path", "notify_ctrl_addrs", "tls_cert_file", "env_var",
           "platform_tag", "test_mode", "span", "cleanup_mode", "region", "commercial_certs", "use_vault_pki",
           "app_dns_root", "chef_server_path", "chef_client_interval", "deployment_tag", "tls_key_file",
           "tls_ca_file", "crm_access_private_key", "access_api_addr", "cache_dir",
           "secondary_crm_access_private_key", "thanos_recv_addr")
_FED = ("federation_context_id", "partner_federation_addr", "federation_db_id", "federation_name")


def _go(path: str) -> str:
    return ".".join("".join(w[:1].upper() + w[1:] for w in part.split("_")) for part in path.split("."))


# (JSON path, checked on create too); the order is upstream's (struct order)
_READ_ONLY = ([("errors", True), ("state", True), ("deployment_local", False), ("platform_type", False),
               ("flavor.name", False), ("physical_name", False), ("container_version", False)]
              + [(f"config.{f}", True) for f in _CONFIG]
              + [("res_tag_map", True), ("vm_image_version", False), ("deployment", False),
                 ("infra_api_access", False), ("infra_config.external_network_name", False),
                 ("infra_config.flavor_name", False), ("chef_client_key", True),
                 ("override_policy_container_version", False), ("vm_pool", False), ("crm_access_public_key", True),
                 ("crm_access_key_upgrade_required", True), ("created_at", True), ("updated_at", True),
                 ("trust_policy_state", True), ("HostController", True), ("delete_prepare", True),
                 ("secondary_crm_access_public_key", True), ("secondary_crm_access_key_upgrade_required", True),
                 ("dns_label", True), ("root_lb_fqdn", True)]
              + [(f"federation_config.{f}", True) for f in _FED]
              + [("license_config_storage_path", True)])
_NIL_CHECKED = {"errors", "res_tag_map", "chef_client_key", "config.env_var"}
_ENUM_ZERO = {"Fake", "DirectAccess", "TrackedStateUnknown"}
_GO_NAMES = {"created_at": "CreatedAt.Seconds", "updated_at": "UpdatedAt.Seconds"}


def check_read_only(obj: dict, *, update: bool) -> None:
    """400 "Invalid field specified: X, this field is only for internal use" for a set output-only field."""
    for path, on_create in _READ_ONLY:
        if not update and not on_create:
            continue
        value = dig(obj, path)
        if path in _NIL_CHECKED:
            bad = value is not None
        else:
            bad = value not in (None, "", 0, False) and value not in _ENUM_ZERO
        if bad:
            raise BadRequest(f"Invalid field specified: {_GO_NAMES.get(path, _go(path))}, this field is only for "
                             "internal use")


# updatable JSON paths (upstream UpdateCloudletFieldsMap); a path under one of these is updatable too
_UPDATABLE = ("location.latitude", "location.longitude", "location.altitude", "ip_support", "static_ips",
              "num_dynamic_ips", "time_limits", "crm_override", "notify_srv_addr", "env_var", "access_vars",
              "maintenance_state", "trust_policy", "resource_quotas", "default_resource_alert_threshold",
              "kafka_cluster", "kafka_user", "kafka_password", "gpu_config.driver", "gpu_config.properties",
              "gpu_config.license_config", "enable_default_serverless_cluster", "alliance_orgs",
              "single_kubernetes_cluster_owner", "platform_high_availability", "secondary_notify_srv_addr",
              "infra_flavors")
MAINTENANCE_STATES = ("NormalOperation", "MaintenanceStart", "MaintenanceStartNoFailover")


def _updatable(path: str) -> bool:
    return any(path == u or path.startswith(u + ".") for u in _UPDATABLE)


def _fixed_fields(present: set[str]) -> list[str]:
    """Present leaf fields that an update may not change, named as upstream names them ("Platform Type")."""
    leaves = [p for p in present if not any(q.startswith(p + ".") for q in present)]
    bad = [p for p in leaves if p != "fields" and p != "key" and not p.startswith("key.") and not _updatable(p)]
    return [" ".join(w.capitalize() for part in p.split(".") for w in part.split("_")) for p in sorted(bad)]


def _alliance_org(org_name: str) -> None:
    """An alliance org must be an existing operator org (MC's reference-org check)."""
    org = identity.get_org(org_name)
    if org is None:
        raise BadRequest(f"Alliance org {org_name} not found")
    if (org.data or {}).get("DeleteInProgress"):
        raise BadRequest(f"Operation not allowed for alliance org {org.name} with delete in progress")
    if org.org_type != "operator":
        raise BadRequest(f"Operation for alliance org {org.name} only allowed for orgs of type operator")


def _check_alliance_list(own_org: str, orgs: list[str]) -> None:
    seen = set()
    for org in orgs:
        if org == own_org:
            raise BadRequest(f'Cannot add cloudlet\'s own org "{org}" as alliance org')
        if org in seen:
            raise BadRequest(f'Duplicate alliance org "{org}" specified')
        seen.add(org)


def _check_thresholds(data: dict, present: set[str]) -> None:
    if "default_resource_alert_threshold" in present:
        t = data.get("default_resource_alert_threshold", 0)
        if not 0 <= t <= 100:
            raise BadRequest(f"Invalid resource alert threshold {t} specified, valid threshold is in the range of "
                             "0 to 100")
    for quota in data.get("resource_quotas") or []:
        t = quota.get("alert_threshold", 0)
        if not 0 <= t <= 100:
            raise BadRequest(f"Invalid resource quota alert threshold {t} specified for {quota.get('name', '')}, "
                             "valid threshold is in the range of 0 to 100")


def _manage(p: Principal, region: str, obj: dict) -> MxObj:
    key = key_of(obj)
    rbac.require(p, key["organization"], "cloudlets", rbac.M)
    return regional.require(CLOUDLET, region, key)


def update(p: Principal, region: str, obj: dict, present: set[str]):
    key = key_of(obj)
    rbac.require(p, key["organization"], "cloudlets", rbac.M)
    for org in obj.get("alliance_orgs") or []:
        _alliance_org(org)
    check_read_only(obj, update=True)
    _check_alliance_list(key["organization"], obj.get("alliance_orgs") or [])
    fixed = _fixed_fields(present)
    if fixed:
        raise BadRequest(f"Specified field(s) {','.join(fixed)} cannot be modified")
    if "num_dynamic_ips" in present and obj.get("num_dynamic_ips", 0) < 1 and not (
            "ip_support" in present and obj.get("ip_support") == "Static"):
        raise BadRequest("Cannot specify less than one dynamic IP unless Ip Support Static is specified")
    loc = obj.get("location") or {}
    if "location.latitude" in present and not -90 <= loc.get("latitude", 0) <= 90:
        raise BadRequest("Invalid latitude value")
    if "location.longitude" in present and not -180 <= loc.get("longitude", 0) <= 180:
        raise BadRequest("Invalid longitude value")
    if "maintenance_state" in present and obj.get("maintenance_state", "NormalOperation") not in MAINTENANCE_STATES:
        raise BadRequest("Invalid maintenance state, only normal operation and maintenance start states are allowed")
    _check_thresholds(obj, present)
    item = regional.require(CLOUDLET, region, key)
    if "single_kubernetes_cluster_owner" in present:
        raise BadRequest("Changing the single kubernetes cluster owner is not supported yet")
    user_set, password_set = "kafka_user" in present, "kafka_password" in present
    if "kafka_cluster" not in present or obj.get("kafka_cluster"):
        if user_set != password_set:
            raise BadRequest("Must specify both kafka username and password, or neither")
        if "kafka_cluster" not in present and user_set:
            raise BadRequest("Please also specify endpoint when changing username and password")
    if "env_var" in present and "maintenance_state" in present:
        raise BadRequest("Cannot set envvars if maintenance state is set")
    data = copy.deepcopy(item.data)
    for path in sorted(present):
        top = path.split(".")[0]
        if top in ("key", "fields") or not _updatable(path) or any(
                q != path and path.startswith(q + ".") and _updatable(q) for q in present):
            continue  # set through its parent (or not updatable)
        parent, _, leaf = path.rpartition(".")
        target = data
        for part in parent.split(".") if parent else ():
            target = target.setdefault(part, {})
        value = dig(obj, path)
        target[leaf] = copy.deepcopy(value) if value is not None else None
        if target[leaf] is None:
            target.pop(leaf)
    if "kafka_cluster" in present and not obj.get("kafka_cluster"):
        data.pop("kafka_cluster", None)
    new_state = obj.get("maintenance_state", "NormalOperation") if "maintenance_state" in present else None
    lines: list[str] = []
    if new_state is not None:  # a maintenance change runs instead of the ordinary update (upstream)
        old_state = item.data.get("maintenance_state") or "NormalOperation"
        data["maintenance_state"] = old_state
        if new_state != "NormalOperation" and old_state != "NormalOperation":
            raise BadRequest("Cloudlet must be in NormalOperation before starting maintenance")
        if new_state == old_state:
            new_state = None
        else:
            if "trust_policy" in present:
                raise BadRequest("Cannot change both maintenance state and trust policy at the same time")
            if "enable_default_serverless_cluster" in present and bool(obj.get(
                    "enable_default_serverless_cluster")) != bool(item.data.get("enable_default_serverless_cluster")):
                raise BadRequest("Cannot change both enable default serverless cluster and maintenance state")
            if new_state == "NormalOperation":
                lines.append("Cloudlet is back to normal operation")
                data["maintenance_state"] = "NormalOperation"
            else:
                if new_state == "MaintenanceStart":
                    lines += ["Starting AutoProv failover", "AutoProv failover completed"]
                lines += ["Starting CRM maintenance", "CRM maintenance started", "Cloudlet is in maintenance"]
                data["maintenance_state"] = "UnderMaintenance"
    if "trust_policy" in present and item.data.get("state") not in ("Ready", None):
        raise BadRequest("Trust policy cannot be changed while cloudlet is not ready")
    data["updated_at"] = rfc3339nano()
    extra = copy.deepcopy(item.extra or {})
    seal(data, extra)
    if "kafka_cluster" in present and not obj.get("kafka_cluster"):
        extra["sealed"].pop("kafka_user", None)
        extra["sealed"].pop("kafka_password", None)
    item.extra = extra
    regional.save(CLOUDLET, item, data)
    service_events.record(p, "UpdateCloudlet", item.org, f"{region}/cloudlet/{item.key_str}", region=region)
    if new_state is not None:
        return envelope.progress(lines)
    return lifecycle.answer(lifecycle.start(p, "Cloudlet.update", item))


def _save(item: MxObj, data: dict) -> None:
    data["updated_at"] = rfc3339nano()
    regional.save(CLOUDLET, item, data)


def _cloudlet_key(obj: dict) -> dict:
    """The key of a request naming a cloudlet by ``CloudletKey`` (the object itself is the key)."""
    return {"organization": obj.get("organization", ""), "name": obj.get("name", ""),
            "federated_organization": obj.get("federated_organization", "")}


def change_alliance_org(p: Principal, region: str, obj: dict, present: set[str], *, add: bool) -> dict:
    key = key_of(obj)
    rbac.require(p, key["organization"], "cloudlets", rbac.M)
    org = obj.get("organization", "")
    if not org:
        raise BadRequest("No alliance organization specified")
    if add:
        _alliance_org(org)
    item = regional.require(CLOUDLET, region, key)
    data = copy.deepcopy(item.data)
    orgs = list(data.get("alliance_orgs") or [])
    if add:
        orgs.append(org)
        _check_alliance_list(key["organization"], orgs)
    elif org in orgs:
        orgs.remove(org)
    if orgs != list(item.data.get("alliance_orgs") or []):
        data["alliance_orgs"] = orgs
        _save(item, data)
    service_events.record(p, "AddCloudletAllianceOrg" if add else "RemoveCloudletAllianceOrg", item.org,
                          f"{region}/cloudlet/{item.key_str}", region=region)
    return {}


def change_res_mapping(p: Principal, region: str, obj: dict, present: set[str], *, add: bool) -> dict:
    """Resource type (gpu/nas/nic) -> ResTagTable name of the cloudlet's org. There is no ResTagTable API in
    the seed (catalog §7.20): the table names are kept as given."""
    item = _manage(p, region, obj)
    data = copy.deepcopy(item.data)
    res = dict(data.get("res_tag_map") or {})
    for resource, table in (obj.get("mapping") or {}).items():
        if add:
            if resource.lower() not in OPT_RES_NAMES:
                raise BadRequest(f"Invalid resource name {resource} found, must be one of "
                                 f"[{' '.join(OPT_RES_NAMES)}] ")
            res[resource.lower()] = {"name": table, "organization": item.data["key"]["organization"]}
        else:
            res.pop(resource, None)
    data["res_tag_map"] = res
    _save(item, data)
    service_events.record(p, "AddCloudletResMapping" if add else "RemoveCloudletResMapping", item.org,
                          f"{region}/cloudlet/{item.key_str}", region=region)
    return {}


def _platform_flavor(cloudlet: dict, flavor: dict) -> dict | None:
    """The smallest infra flavor that fits the regional flavor (the cloudlet's own list, else the fake one)."""
    infra = cloudlet.get("infra_flavors") or list(FAKE_FLAVORS)
    fits = [f for f in infra if f.get("vcpus", 0) >= flavor.get("vcpus", 0) and f.get("ram", 0) >=
            flavor.get("ram", 0) and f.get("disk", 0) >= flavor.get("disk", 0)]
    fits.sort(key=lambda f: (f.get("vcpus", 0), f.get("ram", 0), f.get("disk", 0), f.get("name", "")))
    return fits[0] if fits else None


def find_flavor_match(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    key = key_of(obj)
    rbac.require(p, key["organization"], "cloudlets", rbac.V)
    item = regional.require(CLOUDLET, region, key)
    flavor = regional.get(FLAVOR, region, {"name": obj.get("flavor_name", "")})
    if flavor is None:
        raise BadRequest(f"{CLOUDLET.key_label} {item.key_str} not found")  # upstream's (odd) error
    match = _platform_flavor(item.data, flavor.data)
    if match is None:
        raise BadRequest(f"no suitable platform flavor found for {obj.get('flavor_name', '')}, please try a "
                         "smaller flavor")
    service_events.record(p, "FindFlavorMatch", item.org, f"{region}/cloudlet/{item.key_str}", region=region)
    return {"key": regional.ordered_key("EdgeprotoCloudletKey", key), "flavor_name": match["name"]}


def _visible(p: Principal, item: MxObj) -> bool:
    """Whether the caller sees the cloudlet (ShowCloudlet's rules)."""
    if rbac.is_admin(p, "cloudlets", rbac.V) or rbac.allowed(p, item.org, "cloudlets", rbac.V) and \
            rbac.allowed(p, item.org, "cloudletpools", rbac.V):
        return True
    _, orgs = rbac.visible_orgs(p, "cloudlets", rbac.V)
    return any(_dev_sees(item, o) for o in orgs if not rbac.allowed(p, o, "cloudletpools", rbac.V))


def _dev_sees(item: MxObj, dev_org: str) -> bool:
    extra = item.extra or {}
    if not extra.get("pools"):
        return True
    return dev_org.lower() in {g.lower() for g in extra.get("granted_orgs") or []}


def show_flavors(p: Principal, region: str, obj: dict, present: set[str]) -> list[dict]:
    rbac.require_any(p, "cloudlets", rbac.V)
    key = _cloudlet_key(obj)
    item = regional.require(CLOUDLET, region, key) if key["organization"] and key["name"] else None
    if item is not None and not _visible(p, item):
        raise Forbidden("Forbidden")
    cloudlets = [item] if item is not None else [
        i for i in regional.show(CLOUDLET, region, {"key": key}, None) if _visible(p, i)]
    names = {f.data["key"]["name"] for f in regional.query(FLAVOR, region, None)
             for c in cloudlets if _platform_flavor(c.data, f.data) is not None}
    return [{"name": n} for n in sorted(names)]


def _new_access_key() -> tuple[str, str]:
    """(private PEM, public PEM) of a new Ed25519 CRM access key, as upstream's node.GenerateAccessKey."""
    private = ed25519.Ed25519PrivateKey.generate()
    private_pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()).decode()
    public_pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private_pem, public_pem


def generate_access_key(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    """The private key is returned once; only its public half is stored (the CRM proves it holds the key)."""
    item = _manage(p, region, {"key": _cloudlet_key(obj)})
    private_pem, public_pem = _new_access_key()
    data = copy.deepcopy(item.data)
    data["crm_access_public_key"] = public_pem
    data.pop("crm_access_key_upgrade_required", None)
    _save(item, data)
    service_events.record(p, "GenerateAccessKey", item.org, f"{region}/cloudlet/{item.key_str}", region=region)
    return {"message": private_pem}


def revoke_access_key(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    item = _manage(p, region, {"key": _cloudlet_key(obj)})
    data = copy.deepcopy(item.data)
    data.pop("crm_access_public_key", None)
    _save(item, data)
    service_events.record(p, "RevokeAccessKey", item.org, f"{region}/cloudlet/{item.key_str}", region=region)
    return {}


def manifest(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    item = _manage(p, region, {"key": _cloudlet_key(obj)})
    if item.data.get("crm_access_public_key") or item.data.get("secondary_crm_access_public_key"):
        raise BadRequest("Cloudlet has access key registered, please revoke the current access key first so a new "
                         "one can be generated for the manifest")
    private_pem, public_pem = _new_access_key()
    data = copy.deepcopy(item.data)
    data["crm_access_public_key"], data["crm_access_key_upgrade_required"] = public_pem, True
    _save(item, data)
    service_events.record(p, "GetCloudletManifest", item.org, f"{region}/cloudlet/{item.key_str}", region=region)
    return {"manifest": "fake manifest\n" + private_pem}


def gpu_license_config(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    key = key_of({"key": _cloudlet_key(obj)})
    rbac.require(p, key["organization"], "cloudletanalytics", rbac.V)
    item = regional.require(CLOUDLET, region, key)
    gpu = item.data.get("gpu_config") or {}
    if not (gpu.get("driver") or {}).get("name"):
        raise BadRequest("Cloudlet is not associated with any GPU driver")
    if not item.data.get("license_config_storage_path"):
        raise BadRequest("Cloudlet license config storage path is empty")
    service_events.record(p, "GetCloudletGPUDriverLicenseConfig", item.org, f"{region}/cloudlet/{item.key_str}",
                          region=region)
    return {"message": gpu.get("license_config", "")}


def props(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    rbac.require(p, obj.get("organization", ""), "cloudletanalytics", rbac.V)
    service_events.record(p, "GetCloudletProps", obj.get("organization", ""),
                          f"{region}/platform/{obj.get('platform_type')}", region=region)
    return {"properties": copy.deepcopy(FAKE_PROPS)}


def quota_props(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    rbac.require(p, obj.get("organization", ""), "cloudletanalytics", rbac.V)
    service_events.record(p, "GetCloudletResourceQuotaProps", obj.get("organization", ""),
                          f"{region}/platform/{obj.get('platform_type')}", region=region)
    return {"properties": [{"name": n, "description": d} for n, d in QUOTA_PROPS]}


def _used(region: str, item: MxObj) -> dict[str, int]:
    """What the ClusterInsts on the cloudlet hold: their nodes' flavors, and one external IP per dedicated
    cluster (one index Query)."""
    used = {"RAM": 0, "vCPUs": 0, "Disk": 0, "External IPs": 0, "Instances": 0}
    flavors: dict[str, dict | None] = {}
    for ci in regional.by_index(CLUSTER_INST, region, item.key_str):
        name = (ci.data.get("flavor") or {}).get("name", "")
        if name not in flavors:
            f = regional.get(FLAVOR, region, {"name": name}) if name else None
            flavors[name] = f.data if f else None
        nodes = max(1, int(ci.data.get("num_masters") or 0) + int(ci.data.get("num_nodes") or 0))
        if flavors[name]:
            used["RAM"] += flavors[name].get("ram", 0) * nodes
            used["vCPUs"] += flavors[name].get("vcpus", 0) * nodes
            used["Disk"] += flavors[name].get("disk", 0) * nodes
        used["Instances"] += nodes
        if ci.data.get("ip_access") == "Dedicated":
            used["External IPs"] += 1
    return used


def resource_usage(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    key = key_of(obj)
    rbac.require(p, key["organization"], "cloudlets", rbac.V)
    item = regional.get(CLOUDLET, region, key)
    if item is None:
        raise BadRequest("Specified Cloudlet not found")
    used = _used(region, item)
    quotas = {q.get("name"): q for q in item.data.get("resource_quotas") or []}
    default_threshold = item.data.get("default_resource_alert_threshold", 0)
    info = []
    for name, (limit, units) in FAKE_LIMITS.items():
        row = {"name": name, "value": used[name], "infra_max_value": limit}
        quota = quotas.get(name) or {}
        if quota.get("value"):
            row["quota_max_value"] = quota["value"]
        if units:
            row["units"] = units
        threshold = quota.get("alert_threshold") or default_threshold
        if threshold:
            row["alert_threshold"] = threshold
        info.append(row)
    service_events.record(p, "GetCloudletResourceUsage", item.org, f"{region}/cloudlet/{item.key_str}", region=region)
    out = {"key": regional.ordered_key("EdgeprotoCloudletKey", key), "info": info}
    if obj.get("infra_usage"):
        out["infra_usage"] = True
    return out


def orgs_on_cloudlet(region: str, cloudlet_key: dict) -> list[str]:
    """Developer orgs owning ClusterInsts/AppInsts on the cloudlet (one index Query per kind), sorted."""
    by = regional.key_text(regional.ordered_key("EdgeprotoCloudletKey", cloudlet_key))
    orgs = {i.org for kind in (CLUSTER_INST, APP_INST) for i in regional.by_index(kind, region, by) if i.org}
    return sorted(orgs)


def organizations_on(p: Principal, region: str, obj: dict, present: set[str]) -> list[dict]:
    key = key_of({"key": _cloudlet_key(obj)})
    rbac.require(p, key["organization"], "cloudlets", rbac.V)
    service_events.record(p, "GetOrganizationsOnCloudlet", key["organization"],
                          f"{region}/cloudlet/{CLOUDLET.key_str(key, is_key=True)}", region=region)
    return [{"name": o} for o in orgs_on_cloudlet(region, key)]


def platform_features(p: Principal, region: str, obj: dict, present: set[str]) -> list[dict]:
    """Any logged-in user. Platform type 0 is Fake, so (as upstream) it cannot be asked for alone: no type
    means the types of the region's cloudlets (one Query of the region's cloudlets)."""
    wanted = obj.get("platform_type")
    if wanted and wanted != "Fake":
        types = [wanted]
    else:
        seen = {i.data.get("platform_type") or "Fake" for i in regional.query(CLOUDLET, region, None)}
        types = sorted(seen, key=lambda t: _PLATFORM_ORDER.get(t, 99))
    out = []
    for t in types:
        features = {"platform_type": t, **FAKE_FEATURES}
        if not t.startswith("Fake"):
            features.pop("is_fake")
        if t in ("VmPool", "FakeVmPool"):
            features["is_vm_pool"] = True
        out.append(features)
    return out


_PLATFORM_ORDER = dict(gojson.schema("EdgeprotoPlatformFeatures")["fields"]["platform_type"]["enum"])
