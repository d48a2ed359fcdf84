"""Apps (catalog §3.2 #112-#120): a developer's application definitions, keyed by org+name+version.

References: ``default_flavor`` (Flavor) and ``auto_prov_policies`` (AutoProvPolicies of the app's org) are
claimed with the write, so a flavor/policy in use cannot be deleted. Alert policies have no API in the seed
(CreateAlertPolicy is not rendered): AddAppAlertPolicy accepts any valid name and stores it on the app.
"""
from __future__ import annotations

import re

from chalicelib.core.errors import BadRequest
from chalicelib.identity.principal import Principal
from chalicelib.surfaces.mobiledgex import rbac, regional, service_cloudlets, service_events, service_orgs
from chalicelib.surfaces.mobiledgex.common import REGIONAL_NAME, rfc3339nano
from chalicelib.surfaces.mobiledgex.kinds import APP, APP_INST, AUTO_PROV_POLICY, FLAVOR

RESOURCE = "apps"
DEPLOYMENTS = ("kubernetes", "docker", "vm", "helm")
DEFAULT_DEPLOYMENT = {"Docker": "kubernetes", "Qcow": "vm", "Helm": "helm", "Ovf": "vm", "Ova": "vm"}
IMAGE_FOR_DEPLOYMENT = {"kubernetes": "Docker", "docker": "Docker", "vm": "Qcow", "helm": "Helm"}
# output-only / internal fields (upstream CLI's non-settable list for App)
READ_ONLY = ("delete_prepare", "created_at", "updated_at", "del_opt", "auto_prov_policy")
# fields that cannot change while AppInsts exist
FIXED_WITH_INSTANCES = ("access_ports", "deployment", "image_type", "deployment_manifest", "internal_ports")
_PORT = re.compile(r"^(tcp|udp|http):(\d+)(?:-(\d+))?((?::[a-z]+(?:=\d+)?)*)$", re.IGNORECASE)
_PORT_OPTS = ("tls", "nginx", "maxpktsize", "intvis", "id")


def go_field(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def reject_read_only(obj: dict, fields) -> None:
    for f in fields:
        if f in obj:
            raise BadRequest(f"Invalid field specified: {go_field(f)}, this field is only for internal use")


@regional.references("App")
def _refs(data: dict) -> list[regional.Ref]:
    out = []
    if (data.get("default_flavor") or {}).get("name"):
        out.append(regional.Ref(FLAVOR, {"name": data["default_flavor"]["name"]}))
    org = (data.get("key") or {}).get("organization", "")
    for name in data.get("auto_prov_policies") or []:
        out.append(regional.Ref(AUTO_PROV_POLICY, {"organization": org, "name": name}))
    return out


def app_key(obj: dict) -> dict:
    key = obj.get("key") if "key" in obj else obj
    key = key or {}
    org, name, version = key.get("organization", ""), key.get("name", ""), key.get("version", "")
    if not org or not REGIONAL_NAME.match(org):
        raise BadRequest("Invalid app organization")
    if not name or not REGIONAL_NAME.match(name):
        raise BadRequest("Invalid app name")
    if not version or not REGIONAL_NAME.match(version):
        raise BadRequest("Invalid app version")
    return {"organization": org, "name": name, "version": version}


def parse_ports(spec: str) -> list[dict]:
    """``tcp:80,udp:10002:maxpktsize=1500,tcp:7000-7010:tls`` → mapped port dicts (public = internal)."""
    ports = []
    if not spec:
        return ports
    for part in spec.split(","):
        m = _PORT.match(part.strip())
        if not m:
            raise BadRequest(f"Invalid AccessPorts format {part.strip()}")
        proto, start, end, opts = m.group(1).lower(), int(m.group(2)), int(m.group(3) or 0), m.group(4) or ""
        if not 1 <= start <= 65535 or (end and not start < end <= 65535):
            raise BadRequest(f"App ports out of range {part.strip()}")
        port = {"proto": "Udp" if proto == "udp" else "Tcp", "internal_port": start, "public_port": start}
        if end:
            port["end_port"] = end
        for opt in filter(None, opts.split(":")):
            name, _, value = opt.partition("=")
            name = name.lower()
            if name not in _PORT_OPTS:
                raise BadRequest(f"Unrecognized annotation {name} for port {start}")
            if name == "tls":
                if proto == "udp":
                    raise BadRequest("Invalid protocol udp, not available for tls support")
                port["tls"] = True
            elif name == "nginx":
                port["nginx"] = True
            elif name == "maxpktsize":
                if proto != "udp":
                    raise BadRequest("Invalid annotation maxpktsize for tcp port, only valid for udp")
                port["max_pkt_size"] = int(value or 0)
        ports.append(port)
    return ports


def _apply_deployment(data: dict) -> None:
    image_type, deployment = data.get("image_type") or "Unknown", data.get("deployment") or ""
    if deployment and deployment not in DEPLOYMENTS:
        raise BadRequest(f"Invalid deployment, must be one of {', '.join(DEPLOYMENTS)}")
    if image_type == "Unknown":
        if not deployment:
            raise BadRequest("Unknown image type IMAGE_TYPE_UNKNOWN")
        image_type = IMAGE_FOR_DEPLOYMENT[deployment]
    if not deployment:
        deployment = DEFAULT_DEPLOYMENT[image_type]
    if IMAGE_FOR_DEPLOYMENT[deployment] != image_type and not (deployment == "vm" and image_type in ("Ovf", "Ova")):
        raise BadRequest(f"Invalid image type {image_type} for deployment {deployment}")
    data["image_type"], data["deployment"] = image_type, deployment
    if deployment == "vm" and not data.get("image_path"):
        raise BadRequest("Imagepath is required for vm deployments")
    if data.get("deployment") == "helm" and data.get("scale_with_cluster"):
        raise BadRequest("Scale with cluster is not supported for helm deployments")
    parse_ports(data.get("access_ports", ""))


def _check_image_path(data: dict) -> None:
    path = data.get("image_path", "")
    # a platform registry path must be under the app's own org
    m = re.match(r"^(?:https?://)?[^/]*mobiledgex\.net/([^/]+)/", path)
    if m and m.group(1).lower() != data["key"]["organization"].lower():
        raise BadRequest(f"ImagePath for registry must be under the app organization {data['key']['organization']}")


def _policies(data: dict) -> None:
    names = list(data.get("auto_prov_policies") or [])
    if data.get("auto_prov_policy"):
        names.append(data.pop("auto_prov_policy"))
    seen = []
    for n in names:
        if n and n not in seen:
            seen.append(n)
    if seen:
        data["auto_prov_policies"] = seen
    else:
        data.pop("auto_prov_policies", None)


def create(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    key = app_key(obj)
    service_orgs.require_usable(p, key["organization"], "developer", RESOURCE)
    reject_read_only(obj, [f for f in READ_ONLY if f != "auto_prov_policy"])
    now = rfc3339nano()
    data = {**{k: v for k, v in obj.items() if v not in (None, "", [], {}, False, 0)}, "key": key}
    _apply_deployment(data)
    _check_image_path(data)
    _policies(data)
    data.update({"revision": now, "created_at": now, "updated_at": now})
    regional.create(APP, region, data)
    service_events.record(p, "CreateApp", key["organization"], f"{region}/app/{regional.key_text(key)}", region=region)
    return {}


def require_app(region: str, key: dict):
    return regional.require(APP, region, key)


def instances(region: str, key: dict) -> list:
    """AppInsts of this App (one Query of the app's org)."""
    return [i for i in regional.query(APP_INST, region, [key["organization"]])
            if regional.ordered_key("EdgeprotoAppKey", i.data.get("app_key") or {}) == regional.ordered_key(
                "EdgeprotoAppKey", key)]


def delete(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    key = app_key(obj)
    rbac.require(p, key["organization"], RESOURCE, rbac.M)
    item = require_app(region, key)
    regional.delete(APP, item, in_use_text=lambda user: f"Application in use by static {user}")
    service_events.record(p, "DeleteApp", item.org, f"{region}/app/{item.key_str}", region=region)
    return {}


def update(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    key = app_key(obj)
    rbac.require(p, key["organization"], RESOURCE, rbac.M)
    reject_read_only(obj, [f for f in READ_ONLY if f != "auto_prov_policy"])
    item = require_app(region, key)
    data = dict(item.data)
    fields = {p_.split(".")[0] for p_ in present} - {"key", "fields"}
    changed = [f for f in fields if obj.get(f) != data.get(f)]
    if any(f in FIXED_WITH_INSTANCES for f in changed) and instances(region, key):
        bad = sorted(f for f in changed if f in FIXED_WITH_INSTANCES)[0]
        raise BadRequest(f"Cannot update {bad.replace('_', ' ')} when AppInsts exist")
    for f in fields:
        if obj.get(f) in (None, "", [], {}, False, 0):
            data.pop(f, None)
        else:
            data[f] = obj[f]
    _apply_deployment(data)
    _check_image_path(data)
    _policies(data)
    now = rfc3339nano()
    data["updated_at"] = now
    if changed:
        data["revision"] = now
    regional.save(APP, item, data)
    service_events.record(p, "UpdateApp", item.org, f"{region}/app/{item.key_str}", region=region)
    return {}


def show(p: Principal, region: str, obj: dict, present: set[str]) -> list[dict]:
    """apps:view orgs (admins: all). Apps of orgs in an operator's cloudlet pools: no invitation APIs in the
    seed, so operators see none."""
    every, orgs = rbac.require_any(p, RESOURCE, rbac.V)
    return [i.data for i in regional.show(APP, region, obj, None if every else orgs)]


def _link_key(obj: dict) -> dict:
    return app_key({"key": obj.get("app_key") or {}})


def change_alert_policy(p: Principal, region: str, obj: dict, present: set[str], *, add: bool) -> dict:
    key = _link_key(obj)
    rbac.require(p, key["organization"], RESOURCE, rbac.M)
    name = obj.get("alert_policy", "")
    if not name or not REGIONAL_NAME.match(name):
        raise BadRequest("Invalid alert policy name")
    item = require_app(region, key)
    data = dict(item.data)
    names = list(data.get("alert_policies") or [])
    if add:
        if name in names:
            raise BadRequest(f"Alert {name} already monitored on app")
        names.append(name)
    else:
        if name not in names:
            raise BadRequest(f"Alert {name} not found on app")
        names.remove(name)
    data["alert_policies"] = names
    if not names:
        data.pop("alert_policies")
    data["updated_at"] = rfc3339nano()
    regional.save(APP, item, data)
    service_events.record(p, "AddAppAlertPolicy" if add else "RemoveAppAlertPolicy", item.org,
                          f"{region}/app/{item.key_str}", region=region)
    return {}


def change_auto_prov_policy(p: Principal, region: str, obj: dict, present: set[str], *, add: bool) -> dict:
    key = _link_key(obj)
    rbac.require(p, key["organization"], RESOURCE, rbac.M)
    name = obj.get("auto_prov_policy", "")
    if not name:
        raise BadRequest("Policy name cannot be empty")
    item = require_app(region, key)
    data = dict(item.data)
    names = list(data.get("auto_prov_policies") or [])
    if add:
        if name in names:
            raise BadRequest(f"AutoProvPolicy {name} already on App")
        regional.require(AUTO_PROV_POLICY, region, {"organization": key["organization"], "name": name})
        names.append(name)
    else:
        if name not in names:
            raise BadRequest(f"AutoProvPolicy {name} not found on App")
        names.remove(name)
    data["auto_prov_policies"] = names
    if not names:
        data.pop("auto_prov_policies")
    data["updated_at"] = rfc3339nano()
    regional.save(APP, item, data)
    service_events.record(p, "AddAppAutoProvPolicy" if add else "RemoveAppAutoProvPolicy", item.org,
                          f"{region}/app/{item.key_str}", region=region)
    return {}


def cloudlets_for_deployment(p: Principal, region: str, obj: dict, present: set[str]) -> list[dict]:
    """CloudletKeys the app can deploy to: Ready cloudlets visible to the caller (and usable by the app's org)
    whose platform offers the app's default flavor (the fake platform fits every regional flavor)."""
    rbac.require_any(p, "cloudlets", rbac.V)
    app = dict(obj.get("app") or {})
    key = app.get("key") or {}
    if key.get("organization") and key.get("name") and key.get("version"):
        stored = regional.get(APP, region, app_key({"key": key}))
        if stored is not None:
            app = {**stored.data, **{k: v for k, v in app.items() if k != "key" and v}}
    flavor = (app.get("default_flavor") or {}).get("name", "")
    if not flavor:
        raise BadRequest("Must specify default flavor")
    regional.require(FLAVOR, region, {"name": flavor})
    org = key.get("organization", "")
    out = []
    for data in service_cloudlets.show(p, region, {}, set()):
        if data.get("state") != "Ready":
            continue
        ckey = regional.ordered_key("EdgeprotoCloudletKey", data["key"])
        if org:
            try:
                service_cloudlets.usable_by(region, data["key"], org)
            except BadRequest:
                continue
        out.append(ckey)
    return out

