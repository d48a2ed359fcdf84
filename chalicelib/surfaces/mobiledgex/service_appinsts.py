"""Application instances (catalog §3.2 #121-#125): an App deployed on a cloudlet, in a ClusterInst.

Create/Update/Refresh/Delete are long-running (:mod:`lifecycle`). References: the App (``app_key``), the
cloudlet, the ClusterInst (``cluster_key`` on the instance's cloudlet) and the flavor, so none of them can be
deleted while the instance exists. An empty ``cluster_key`` (non-VM apps) picks an auto cluster: a free
reservable ClusterInst of ``edgecloudorg`` on the cloudlet is reserved for the org, or a new
``reservableN`` is created first through its own ClusterInst job, whose progress leads the stream.
"""
from __future__ import annotations

from chalicelib import jobs
from chalicelib.core import clock
from chalicelib.core.config import settings
from chalicelib.core.errors import BadRequest
from chalicelib.identity.principal import Principal
from chalicelib.surfaces.mobiledgex import envelope, lifecycle, rbac, regional, service_cloudlets, service_orgs
from chalicelib.surfaces.mobiledgex import service_clusterinsts as clusters
from chalicelib.surfaces.mobiledgex import service_events, service_fedguest
from chalicelib.surfaces.mobiledgex.common import PLATFORM_ORG, REGIONAL_NAME, rfc3339nano
from chalicelib.surfaces.mobiledgex.kinds import APP, APP_INST, CLOUDLET, CLUSTER_INST, FLAVOR
from chalicelib.surfaces.mobiledgex.service_apps import go_field, parse_ports, reject_read_only

RESOURCE = "appinsts"
CREATE_STEPS = ("Creating", "Creating App Inst", "Ready")
DELETE_STEPS = ("Deleting", "First Delete Task", "Second Delete Task", "DeleteDone", "NotPresent")
UPDATE_STEPS = ("Updating", "Updating App Inst", "Ready")
UPDATED, SKIPPED = "Successfully updated AppInst", "Skipped updating AppInst"
READ_ONLY = ("cloudlet_loc", "uri", "mapped_ports", "liveness", "created_at", "revision", "errors",
             "runtime_info", "vm_flavor", "external_volume_size", "availability_zone", "state", "updated_at",
             "opt_res", "auto_cluster_ip_access", "internal_port_to_lb_ip", "unique_id", "dns_label", "fed_key",
             "compatibility_version", "virtual_cluster_key")
CREATE_ONLY_UPDATE = ("update_multiple", "force_update", "power_state")  # settable on update/refresh only
UPDATABLE = ("configs", "crm_override", "power_state", "force_update", "update_multiple")
POWER = {"PowerOnRequested": "PowerOn", "PowerOffRequested": "PowerOff", "RebootRequested": "PowerOn"}


@regional.references("AppInst")
def _refs(data: dict) -> list[regional.Ref]:
    key = data.get("key") or {}
    ckey = clusters.cloudlet_key(key.get("cloudlet_key"))
    out = [regional.Ref(APP, data.get("app_key") or {}), regional.Ref(CLOUDLET, ckey)]
    cluster = data.get("cluster_key") or {}
    if cluster.get("name"):
        out.append(regional.Ref(CLUSTER_INST, {"cluster_key": cluster, "cloudlet_key": ckey}))
    if (data.get("flavor") or {}).get("name"):
        out.append(regional.Ref(FLAVOR, {"name": data["flavor"]["name"]}))
    return out


def inst_key(obj: dict) -> dict:
    key = obj.get("key") or {}
    name, org = key.get("name", ""), key.get("organization", "")
    if not name or not REGIONAL_NAME.match(name):
        raise BadRequest("Invalid app instance name")
    if not org or not REGIONAL_NAME.match(org):
        raise BadRequest("Invalid app instance organization")
    ckey = clusters.cloudlet_key(key.get("cloudlet_key"))
    if not ckey["organization"] or not REGIONAL_NAME.match(ckey["organization"]):
        raise BadRequest(f"Invalid cloudlet organization name {ckey['organization']}")
    if not ckey["name"] or not REGIONAL_NAME.match(ckey["name"]):
        raise BadRequest("Invalid cloudlet name")
    return {"name": name, "organization": org, "cloudlet_key": regional.ordered_key("EdgeprotoCloudletKey", ckey)}


def _cloudlet_text(ckey: dict) -> str:
    return regional.key_text(regional.ordered_key("EdgeprotoCloudletKey", ckey))


def _wanted_cluster_deployment(app: dict) -> str:
    return "docker" if app.get("deployment") == "docker" else "kubernetes"


def _existing_cluster(region: str, org: str, app: dict, key: dict, cluster: dict):
    corg = cluster.get("organization") or app["key"]["organization"]
    cluster = {"name": cluster["name"], "organization": corg}
    if corg.lower() != app["key"]["organization"].lower() and PLATFORM_ORG not in (
            corg.lower(), app["key"]["organization"].lower()):
        raise BadRequest(f"Cluster organization {corg} must match App organization {app['key']['organization']}"
                         f" or be {PLATFORM_ORG}")
    ci = regional.require(CLUSTER_INST, region, {"cluster_key": cluster, "cloudlet_key": key["cloudlet_key"]})
    if ci.data.get("state") != "Ready":
        raise BadRequest(f"ClusterInst {ci.key_str} not ready, state is {ci.data.get('state')}")
    if ci.data.get("reservable"):
        owner = ci.data.get("reserved_by") or ""
        if owner and owner.lower() != org.lower():
            raise BadRequest(f"ClusterInst {ci.key_str} already reserved by {owner}")
    if _wanted_cluster_deployment(app) != ci.data.get("deployment", "kubernetes"):
        raise BadRequest(f"Cannot deploy {app.get('deployment')} App into {ci.data.get('deployment')} ClusterInst")
    return ci


def _free_reservable(region: str, key: dict, app: dict):
    for ci in clusters_on(region, key["cloudlet_key"]):
        d = ci.data
        if (d["key"]["cluster_key"]["organization"].lower() == PLATFORM_ORG and d.get("reservable")
                and not d.get("reserved_by") and d.get("state") == "Ready"
                and d.get("deployment", "kubernetes") == _wanted_cluster_deployment(app)):
            return ci
    return None


def clusters_on(region: str, ckey: dict) -> list:
    return list(regional.by_index(CLUSTER_INST, region, _cloudlet_text(ckey)))


def _unreserve(region: str, ci_key: dict) -> None:
    ci = regional.get(CLUSTER_INST, region, ci_key)
    if ci is not None and ci.data.get("reserved_by"):
        data = dict(ci.data)
        data.pop("reserved_by")
        regional.save(CLUSTER_INST, ci, data)


def _reserve(ci, org: str) -> None:
    data = dict(ci.data)
    data.update({"reserved_by": org, "updated_at": rfc3339nano()})
    data.pop("reservation_ended_at", None)
    regional.save(CLUSTER_INST, ci, data)


def _auto_cluster(p: Principal, region: str, key: dict, app: dict, flavor: str, org: str):
    """A new reservable cluster, created through its own job: (cluster key, its progress lines, error)."""
    name = clusters.next_reservable_name(region, key["cloudlet_key"])
    ci_key = {"cluster_key": {"name": name, "organization": PLATFORM_ORG}, "cloudlet_key": key["cloudlet_key"]}
    data, lead = clusters.new_data(region, {"flavor": {"name": flavor}, "reservable": True, "auto": True,
                                            "deployment": _wanted_cluster_deployment(app)}, ci_key)
    data["reserved_by"] = org
    item, job = clusters.start_create(p, region, data, lead)
    job = jobs.wait(job.job_id, settings().mx_stream_wait_seconds) or job
    lines = list(lead) + list((job.state or {}).get("messages") or [])
    if job.status == "FAILED":
        return None, lines, job.error or "failed"
    return {"name": name, "organization": PLATFORM_ORG}, lines, None


def create(p: Principal, region: str, obj: dict, present: set[str]):
    key = inst_key(obj)
    org = key["organization"]
    service_orgs.require_usable(p, org, "developer", RESOURCE)
    reject_read_only(obj, READ_ONLY + CREATE_ONLY_UPDATE)
    akey = regional.ordered_key("EdgeprotoAppKey", obj.get("app_key") or {})
    app_item = regional.require(APP, region, akey)
    app = app_item.data
    if app["key"]["organization"].lower() != org.lower():
        raise BadRequest(f"AppInst organization {org} must match App organization {app['key']['organization']}")
    cloudlet = service_cloudlets.usable_by(region, key["cloudlet_key"], org)
    service_fedguest.onboarded_app(cloudlet.data, app["key"])  # a partner zone needs the app onboarded there
    if regional.get(APP_INST, region, key) is not None:
        raise BadRequest(f"{APP_INST.key_label} {APP_INST.key_str(key, is_key=True)} already exists")
    flavor = (obj.get("flavor") or {}).get("name") or (app.get("default_flavor") or {}).get("name", "")
    if not flavor:
        raise BadRequest("No flavor specified and no default flavor for the App")
    regional.require(FLAVOR, region, {"name": flavor})
    cluster, lead, reserve = {}, [], None
    wanted = obj.get("cluster_key") or {}
    if app.get("deployment") == "vm":
        if wanted.get("name"):
            raise BadRequest("Cannot specify a cluster for a VM App")
    elif wanted.get("name"):
        ci = _existing_cluster(region, org, app, key, wanted)
        cluster = dict(ci.data["key"]["cluster_key"])
        reserve = ci if ci.data.get("reservable") and not ci.data.get("reserved_by") else None
    else:
        ci = _free_reservable(region, key, app)
        if ci is not None:
            cluster, reserve = dict(ci.data["key"]["cluster_key"]), ci
        else:
            cluster, lead, error = _auto_cluster(p, region, key, app, flavor, org)
            if error is not None:
                return envelope.progress(lead, error)
    now = rfc3339nano()
    loc = {k: v for k, v in (cloudlet.data.get("location") or {}).items() if k in ("latitude", "longitude")}
    cname = key["cloudlet_key"]["name"].lower().replace(" ", "")
    data = {**{k: v for k, v in obj.items() if k in ("configs", "crm_override", "dedicated_ip") and v},
            "key": key, "app_key": app["key"], "flavor": {"name": flavor}, "cloudlet_loc": loc,
            "uri": f"{cname}.{key['cloudlet_key']['organization'].lower()}.mobiledgex.net",
            "liveness": "Static", "state": "CreateRequested", "revision": app.get("revision", ""),
            "health_check": "Ok", "created_at": now, "updated_at": now}
    if cluster:
        data["cluster_key"] = cluster
    ports = parse_ports(app.get("access_ports", ""))
    if ports:
        data["mapped_ports"] = ports
    if app.get("deployment") == "vm":
        data["power_state"] = "PowerOn"
        data["vm_flavor"] = flavor
    if reserve is not None:  # reserved first: a concurrent reservation of the same cluster loses here
        _reserve(reserve, org)
    try:
        item = regional.create(APP_INST, region, data)
    except Exception:
        if reserve is not None:
            _unreserve(region, reserve.data["key"])
        raise
    service_events.record(p, "CreateAppInst", org, f"{region}/appinst/{item.key_str}", region=region)
    return lifecycle.answer(lifecycle.start(p, "AppInst.create", item), lead=lead)


def _require(p: Principal, region: str, obj: dict):
    key = inst_key(obj)
    rbac.require(p, key["organization"], RESOURCE, rbac.M)
    return key, regional.require(APP_INST, region, key)


def delete(p: Principal, region: str, obj: dict, present: set[str]):
    key, item = _require(p, region, obj)
    service_events.record(p, "DeleteAppInst", item.org, f"{region}/appinst/{item.key_str}", region=region)
    return lifecycle.answer(lifecycle.start(p, "AppInst.delete", item))


def _release_cluster(item) -> None:
    """After an instance is gone: a reservable cluster nobody else uses is free again."""
    cluster = item.data.get("cluster_key") or {}
    if (cluster.get("organization") or "").lower() != PLATFORM_ORG:
        return
    ci = regional.get(CLUSTER_INST, item.region, {"cluster_key": cluster,
                                                  "cloudlet_key": item.data["key"]["cloudlet_key"]})
    if ci is None or not ci.data.get("reservable"):
        return
    if regional.in_use(CLUSTER_INST, item.region, ci.key_str) is not None:
        return
    data = dict(ci.data)
    data.pop("reserved_by", None)
    data["reservation_ended_at"] = rfc3339nano()
    ci.extra = {**(ci.extra or {}), "reservation_ended_ts": clock.now()}
    regional.save(CLUSTER_INST, ci, data)


def _updatable(obj: dict, present: set[str]) -> set[str]:
    reject_read_only(obj, READ_ONLY)
    fields = {f.split(".")[0] for f in present} - {"key", "app_key", "cluster_key", "fields"}
    for f in sorted(fields):
        if f not in UPDATABLE:
            raise BadRequest(f"Invalid field specified: {go_field(f)}, this field cannot be updated")
    return fields


def _power(app: dict, state: str) -> str:
    if app.get("deployment") != "vm":
        raise BadRequest("Power state operations are only supported for VM apps")
    if state not in POWER:
        raise BadRequest(f"Invalid power state {state}, must be one of {', '.join(POWER)}")
    return POWER[state]


def update(p: Principal, region: str, obj: dict, present: set[str]):
    fields = _updatable(obj, present)
    key, item = _require(p, region, obj)
    changes = fields - {"force_update", "update_multiple"}
    if not changes:
        raise BadRequest("Nothing specified to update")
    if item.data.get("state") != "Ready":
        raise BadRequest(f"AppInst is not ready, state is {item.data.get('state')}")
    app = regional.require(APP, region, item.data["app_key"]).data
    data = dict(item.data)
    for f in changes:
        value = obj.get(f)
        if f == "power_state" and value:
            value = _power(app, value)
        if value in (None, "", [], False, 0):
            data.pop(f, None)
        else:
            data[f] = value
    data["revision"], data["updated_at"] = app.get("revision", ""), rfc3339nano()
    item = regional.save(APP_INST, item, data)
    service_events.record(p, "UpdateAppInst", item.org, f"{region}/appinst/{item.key_str}", region=region)
    return lifecycle.answer(lifecycle.start(p, "AppInst.update", item))


def refresh(p: Principal, region: str, obj: dict, present: set[str]):
    """One instance (a job, like upstream's stream) or, with update_multiple, every instance of the App in the
    org matching the key given (updated inline, one summary line)."""
    reject_read_only(obj, READ_ONLY)
    force = bool(obj.get("force_update"))
    if not obj.get("update_multiple"):
        key, item = _require(p, region, obj)
        app = regional.require(APP, region, item.data["app_key"]).data
        service_events.record(p, "RefreshAppInst", item.org, f"{region}/appinst/{item.key_str}", region=region)
        if item.data.get("revision") == app.get("revision") and not force:
            return envelope.progress([SKIPPED])
        if item.data.get("state") != "Ready":
            raise BadRequest(f"AppInst is not ready, state is {item.data.get('state')}")
        data = dict(item.data)
        data["revision"], data["updated_at"] = app.get("revision", ""), rfc3339nano()
        item = regional.save(APP_INST, item, data)
        return lifecycle.answer(lifecycle.start(p, "AppInst.update", item))
    key = obj.get("key") or {}
    org = key.get("organization") or (obj.get("app_key") or {}).get("organization", "")
    if not org:
        raise BadRequest("Invalid app instance organization")
    rbac.require(p, org, RESOURCE, rbac.M)
    filt = {k: v for k, v in obj.items() if k in ("key", "app_key")}
    targets = regional.show(APP_INST, region, filt, [org])
    lines = [f"Updating: {len(targets)} AppInsts"]
    updated = skipped = failed = 0
    revisions: dict[str, str] = {}
    for item in targets:
        akey = regional.key_text(regional.ordered_key("EdgeprotoAppKey", item.data["app_key"]))
        if akey not in revisions:
            app = regional.get(APP, region, item.data["app_key"])
            revisions[akey] = app.data.get("revision", "") if app else ""
        if item.data.get("revision") == revisions[akey] and not force:
            skipped += 1
            continue
        if item.data.get("state") != "Ready":
            failed += 1
            continue
        data = dict(item.data)
        data["revision"], data["updated_at"] = revisions[akey], rfc3339nano()
        try:
            regional.save(APP_INST, item, data)
            updated += 1
        except Exception:  # a concurrent change: counted, the others go on
            failed += 1
    lines.append(f"Completed: {updated + skipped + failed} of {len(targets)} AppInsts.  Updated: {updated} "
                 f"Skipped: {skipped} Failed: {failed}")
    service_events.record(p, "RefreshAppInst", org, f"{region}/appinst/{org}/*", region=region,
                          tags={"result": lines[-1]})
    return envelope.progress(lines)


def show(p: Principal, region: str, obj: dict, present: set[str]) -> list[dict]:
    return [i.data for i in clusters.visible(p, APP_INST, RESOURCE, region, obj)]


def _on_cloudlet(data: dict) -> dict:
    return data["key"]["cloudlet_key"]


def _partner_record(item, *, create: bool) -> None:
    """An instance on a partner's zone is also the partner host's ProviderAppInst."""
    cloudlet = regional.get(CLOUDLET, item.region, item.data["key"]["cloudlet_key"])
    if cloudlet is None:
        return
    fed_app = service_fedguest.onboarded_app(cloudlet.data, item.data["app_key"]) if create else None
    if create and fed_app is None:
        return
    if create or cloudlet.data.get("platform_type") == "Federation":
        service_fedguest.host_appinst(item.region, item.data, cloudlet.data, fed_app, create=create)


def _gone(item) -> None:
    _release_cluster(item)
    _partner_record(item, create=False)


lifecycle.register(lifecycle.Operation(APP_INST, "create", CREATE_STEPS, "Created AppInst successfully",
                                       _on_cloudlet, on_done=lambda item: _partner_record(item, create=True),
                                       on_gone=_gone))  # a failed create is undone: free what it held
lifecycle.register(lifecycle.Operation(APP_INST, "update", UPDATE_STEPS, UPDATED, _on_cloudlet))
lifecycle.register(lifecycle.Operation(APP_INST, "delete", DELETE_STEPS, "Deleted AppInst successfully",
                                       _on_cloudlet, on_gone=_gone))
