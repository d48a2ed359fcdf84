"""Alert receivers (catalog §3.2 #71-#73).

A receiver is identified upstream by ``<Name>::<User>::<Severity>::<Type>`` (its alertmanager name); its
scope org is the AppInst/App/Cluster org (developer scope) or the AppInst's cloudlet org (operator
scope), none = platform scope (admins only). Stored as a global :class:`MxObj` (``MX#_mc#AlertReceiver``
/ that name), ``gsi1`` per scope org and ``gsi2`` per creating user, so every Show is a Query.
"""
from __future__ import annotations

from urllib.parse import urlparse

from chalicelib.core.config import settings
from chalicelib.core.errors import BadRequest, Conflict, Forbidden
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.mobiledgex import MxObj
from chalicelib.surfaces.mobiledgex import identity, rbac, service_events
from chalicelib.surfaces.mobiledgex.common import EMAIL, REGIONAL_NAME

SPACE, KIND = "_mc", "AlertReceiver"
TYPES = ("email", "slack", "pagerduty")
SEVERITIES = ("info", "warning", "error")
PAGERDUTY_KEY_LEN = 32


def _pk() -> str:
    return MxObj.pk_of(SPACE, KIND)


def receiver_name(r: dict) -> str:
    return f"{r.get('Name', '')}::{r.get('User', '')}::{r.get('Severity', '')}::{r.get('Type', '')}"


def org_and_scope(r: dict) -> tuple[str, str]:
    ai, app, cl = r.get("AppInstKey") or {}, r.get("AppKey") or {}, r.get("ClusterKey") or {}
    if ai.get("organization"):
        return ai["organization"], "app"
    if app.get("organization"):
        return app["organization"], "app"
    if cl.get("organization"):
        return cl["organization"], "app"
    if (ai.get("cloudlet_key") or {}).get("organization"):
        return ai["cloudlet_key"]["organization"], "cloudlet"
    return "", "platform"


def _compact(d: dict | None) -> dict:
    out = {}
    for k, v in (d or {}).items():
        if isinstance(v, dict):
            v = _compact(v)
            if v:
                out[k] = v
        elif v not in ("", None):
            out[k] = v
    return out


def view(data: dict) -> dict:
    out = {"Name": data["Name"], "Type": data["Type"], "Severity": data["Severity"]}
    for k in ("Region", "User", "Email", "SlackChannel", "PagerDutyApiVersion"):
        if data.get(k):
            out[k] = data[k]
    out["AppInstKey"] = _compact(data.get("AppInstKey")) or {"cloudlet_key": {}}
    out["AppInstKey"].setdefault("cloudlet_key", {})
    out["AppKey"] = _compact(data.get("AppKey"))
    out["ClusterKey"] = _compact(data.get("ClusterKey"))
    return out


def _holds(username: str, org: str, resource: str, action: str) -> bool:
    """Another user's permission on an org (their stored role assignments)."""
    for r in identity.roles_of(username):
        if r.org == "" or r.org.lower() == org.lower():
            level = rbac.PERMS.get(r.role, {}).get(resource)
            if level == rbac.M or (level == rbac.V and action == rbac.V):
                return True
    return False


def create(p: Principal, r: dict) -> dict:
    name = r.get("Name", "")
    if not name:
        raise BadRequest("Receiver name has to be specified")
    if not REGIONAL_NAME.match(name) or ":" in name:
        raise BadRequest("Receiver name is invalid")
    if r.get("Severity", "") not in SEVERITIES:
        raise BadRequest('Alert severity has to be one of "info", "warning", "error"')
    if r.get("User"):
        raise BadRequest("User is not specifiable, current logged in user will be used")
    r = {**r, "User": p.username}
    org, scope = org_and_scope(r)
    if not org and not rbac.is_admin(p, "alert", rbac.V):
        raise BadRequest("Either cloudlet, cluster, app, or app instance organization must be specified")
    rbac.require(p, org, "alert", rbac.V)
    if scope == "cloudlet":
        if (r.get("AppInstKey") or {}).get("name"):
            raise BadRequest("AppInst details cannot be specified without AppInst, App, or Cluster organization")
        app = r.get("AppKey") or {}
        if app.get("name") or app.get("version"):
            raise BadRequest("App details cannot be specified without AppInst, App, or Cluster organization")
        if (r.get("ClusterKey") or {}).get("name"):
            raise BadRequest("ClusterInst details cannot be specified without AppInst, App, or Cluster "
                             "organization")
    kind = r.get("Type", "")
    if kind == "email":
        if not r.get("Email"):
            r["Email"] = p.profile.get("mx_email", "")
        elif not EMAIL.match(r["Email"]):
            raise BadRequest("Receiver email is invalid")
    elif kind == "slack":
        if not r.get("SlackWebhook") or not r.get("SlackChannel"):
            raise BadRequest("Both slack URL and slack channel must be specified")
        if not r["SlackChannel"].startswith("#"):
            r["SlackChannel"] = "#" + r["SlackChannel"]
    elif kind == "pagerduty":
        key = r.get("PagerDutyIntegrationKey", "")
        if not key:
            raise BadRequest("PagerDuty Integration Key must be present")
        if len(key) != PAGERDUTY_KEY_LEN:
            raise BadRequest(f"PagerDuty Integration Key must contain {PAGERDUTY_KEY_LEN} characters")
    else:
        raise BadRequest("Receiver type invalid")
    if kind == "slack":
        url = urlparse(r["SlackWebhook"])
        if not url.scheme.startswith("http") or not url.netloc:
            raise BadRequest("Unable to create a receiver - Invalid Slack api URL")
    if kind == "pagerduty" and r.get("PagerDutyApiVersion", "") not in ("", "v1", "v2"):
        raise BadRequest('Unable to create a receiver - PagerDuty Integration Api version must be "v1" or "v2"'
                         '("v2" will be used if not specified)')
    if r.get("Region") and r["Region"] not in settings().mx_regions:
        raise BadRequest(f'Region "{r["Region"]}" not found')
    data = {k: r[k] for k in ("Name", "Type", "Severity", "Region", "User", "Email", "SlackChannel",
                              "SlackWebhook", "PagerDutyIntegrationKey", "PagerDutyApiVersion", "AppInstKey",
                              "AppKey", "ClusterKey") if r.get(k) not in (None, "", {})}
    item = MxObj(_pk(), receiver_name(r), region=SPACE, obj_kind=KIND, key_str=receiver_name(r), org=org,
                 data=data).index(by=("USER", p.username.lower()))
    try:
        store.create(item)
    except Conflict:
        raise BadRequest("Unable to create a receiver - Receiver already exists") from None
    service_events.record(p, "CreateAlertReceiver", org, f"alertreceiver/{receiver_name(r)}",
                          region=r.get("Region", ""), tags={"name": name, "type": kind})
    return {"message": "Alert receiver created successfully"}


def delete(p: Principal, r: dict) -> dict:
    """The receiver is named by Name, Type, Severity and User (default: the caller); deleting another
    user's receiver needs users:manage on the receiver's org, and that user must be in the org."""
    if not r.get("Name"):
        raise BadRequest("Receiver name has to be specified")
    if ":" in r["Name"]:
        raise BadRequest("Unable to delete a receiver - Receiver name cannot contain colons(\":\")")
    user = r.get("User") or p.username
    other = user.lower() != p.username.lower()
    org, _ = org_and_scope(r)
    if other:
        if not org:
            raise BadRequest("Org details must be present to manage a specific receiver")
        rbac.require(p, org, "users", rbac.M)
        if not _holds(user, org, "alert", rbac.V):
            raise Forbidden("Forbidden")
    if org:
        rbac.require(p, org, "alert", rbac.V)
    target = receiver_name({**r, "User": user})
    item = store.get(MxObj, _pk(), target)
    if item is None or (other and item.org.lower() != org.lower()):
        # a receiver owned by the user can be named case-insensitively by its owner's spelling
        item = next((i for i in _of_user(user) if i.key_str.lower() == target.lower()), None)
    if item is None:
        raise BadRequest("Unable to delete a receiver - Receiver does not exist")
    if other and item.org.lower() != org.lower():
        raise Forbidden("Forbidden")
    store.delete(item)
    service_events.record(p, "DeleteAlertReceiver", item.org, f"alertreceiver/{item.key_str}",
                          region=item.data.get("Region", ""), tags={"name": item.data["Name"]})
    return {"message": "Alert receiver deleted successfully"}


def _of_user(username: str) -> list[MxObj]:
    return list(MxObj.gsi2.query(f"MX#{SPACE}#{KIND}#USER", MxObj.gsi2sk.startswith(f"{username.lower()}|")))


def _matches(data: dict, f: dict) -> bool:
    for k in ("Name", "Type", "Severity", "Region", "User", "Email", "SlackChannel", "PagerDutyIntegrationKey",
              "PagerDutyApiVersion"):
        if f.get(k) and f[k] != data.get(k, ""):
            return False
    from chalicelib.surfaces.mobiledgex.regional import matches
    return all(matches(f.get(k) or {}, data.get(k) or {}) for k in ("AppInstKey", "AppKey", "ClusterKey"))


def show(p: Principal, f: dict) -> list[dict]:
    if f.get("SlackWebhook"):
        raise BadRequest("Slack URL is not specifiable as a filter")
    every, orgs = rbac.require_any(p, "alert", rbac.V)
    if not every:
        if f.get("User") and f["User"].lower() != p.username.lower():
            org, _ = org_and_scope(f)
            if not org:
                raise BadRequest("Org details must be present to see receivers")
            rbac.require(p, org, "users", rbac.M)
        else:
            f = {**f, "User": p.username}
    items = _of_user(f["User"]) if f.get("User") else list(MxObj.query(_pk()))
    allowed = {o.lower() for o in orgs}
    out = []
    for item in items:
        if not every and item.org.lower() not in allowed:
            continue
        if not _matches(item.data, {k: v for k, v in f.items() if k != "User"}):  # User: the Query did it
            continue
        out.append(view(item.data))
    return sorted(out, key=lambda v: (v["Name"], v.get("User", ""), v["Severity"], v["Type"]))
