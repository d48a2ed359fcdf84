"""EdgeGallery MEP hosts (group 4): the sandboxes applications are deployed to for debugging.

Keys:
  EgMepHost        EG#MEPHOST/H#<id>          unique claim ``eg-mephost-ip``/<mecHostIp>
  EgMepHostLog     EG#MEPHOST#<id>#LOG/<ms>#<logId>   (4.6; written on create/modify/delete and by deploys)
  EgMepHostConfig  EG#MEPHOSTCFG#<fileId>/F   (4.7 uploaded config file, bytes in S3)
Counter ``eg-mephosts`` gives the unfiltered total of 4.1.

Writes (4.3-4.6) are admin only (catalog §5.6). ``mecHostUserName``/``mecHostPassword`` are stored sealed
(:mod:`chalicelib.identity.sealing`) and never returned (the views carry ``null``); deploy code reads them
with :func:`credentials`.

LCM health check (simulated): upstream calls the host's LCM before registering it and refuses with 400,
retCode 20009 when it does not answer. Here every LCM is healthy except those whose ``lcmIp`` lies in
TEST-NET-1 ``192.0.2.0/24`` (RFC 5737, never routable) - the documented way to exercise the failure path.
"""
from __future__ import annotations

import ipaddress
import time

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib import audit, blobs
from chalicelib.blobs import multipart
from chalicelib.core import clock
from chalicelib.core.errors import BadRequest, Conflict, NotFound, TooLarge
from chalicelib.core.pagination import take
from chalicelib.identity import sealing
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.base import Counter, Entity, Versioned
from chalicelib.surfaces.edgegallery import auth
from chalicelib.surfaces.edgegallery.common import datetime_str, new_uuid, require_uuid

SURFACE = "edgegallery"
HOST_PK = "EG#MEPHOST"
TOTAL_SCOPE = "eg-mephosts"
STATUSES = ("NORMAL", "BUSY", "STOP")
VIM_TYPES = ("OpenStack", "K8S", "FusionSphere")
ARCHITECTURES = ("X86", "ARM64", "ARM32")
PROTOCOLS = ("http", "https")
NETWORK_KEYS = ("VDU1_APP_Plane01_IP", "VDU1_APP_Plane02_IP", "VDU1_APP_Plane03_IP")
UNHEALTHY_NET = ipaddress.ip_network("192.0.2.0/24")
CONFIG_MAX_BYTES = 1024 * 1024  # a kubeconfig or LCM config is a few KiB
STR_FIELDS = ("name", "lcmIp", "lcmProtocol", "architecture", "status", "mecHostIp", "vimType",
              "mecHostUserName", "mecHostPassword", "mecHostProtocol", "configId", "networkParameter",
              "resource", "address")


class EgMepHost(Versioned, discriminator="EgMepHost"):
    host_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    fields = JSONAttribute(default=dict)        # the public MepHost fields (camelCase), without the secrets
    user_name_sealed = UnicodeAttribute(null=True)
    password_sealed = UnicodeAttribute(null=True)
    created_at = NumberAttribute()
    updated_at = NumberAttribute()


class EgMepHostLog(Entity, discriminator="EgMepHostLog"):
    log = JSONAttribute(default=dict)


class EgMepHostConfig(Entity, discriminator="EgMepHostConfig"):
    file_id = UnicodeAttribute()
    file_name = UnicodeAttribute()
    user_id = UnicodeAttribute()
    s3_key = UnicodeAttribute()
    size = NumberAttribute()
    uploaded_at = NumberAttribute()


def _seal_context(host_id: str, what: str) -> str:
    return f"edgegallery/mephost/{host_id}/{what}"


def _iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + f".{int(ts * 1000) % 1000:03d}+0000"


# ---------------------------------------------------------------- reads
def load(host_id: str) -> EgMepHost | None:
    return store.get(EgMepHost, HOST_PK, f"H#{host_id}")


def get(host_id: str) -> EgMepHost:
    """The host or 404 (for other groups too, e.g. 24.7 selecting a sandbox)."""
    require_uuid(host_id, "mephostId")
    h = load(host_id)
    if h is None:
        raise NotFound(f"mep host {host_id} not found", code=20007)
    return h


def view(h: EgMepHost) -> dict:
    f = dict(h.fields or {})
    return {"id": h.host_id, "name": f.get("name"), "lcmIp": f.get("lcmIp"), "lcmProtocol": f.get("lcmProtocol"),
            "lcmPort": f.get("lcmPort"), "architecture": f.get("architecture"), "status": f.get("status"),
            "mecHostIp": f.get("mecHostIp"), "vimType": f.get("vimType"), "mecHostUserName": None,
            "mecHostPassword": None, "mecHostPort": f.get("mecHostPort", 22),
            "mecHostProtocol": f.get("mecHostProtocol", "http"), "userId": h.user_id,
            "configId": f.get("configId"), "networkParameter": f.get("networkParameter"),
            "resource": f.get("resource"), "address": f.get("address")}


def credentials(h: EgMepHost) -> tuple[str | None, str | None]:
    """The host's (user name, password) in clear, for code that logs into the host."""
    name = sealing.unseal(h.user_name_sealed, _seal_context(h.host_id, "user")) if h.user_name_sealed else None
    pwd = sealing.unseal(h.password_sealed, _seal_context(h.host_id, "password")) if h.password_sealed else None
    return name, pwd


def page(name: str | None, vim_type: str | None, architecture: str | None, window) -> tuple[list[dict], int]:
    results = EgMepHost.query(HOST_PK)
    if not (name or vim_type or architecture):
        items, _ = take(results, window)
        return [view(h) for h in items], Counter.value(TOTAL_SCOPE)
    low = (name or "").lower()

    def pred(h: EgMepHost) -> bool:
        f = h.fields or {}
        return ((not low or low in (f.get("name") or "").lower())
                and (not vim_type or f.get("vimType") == vim_type)
                and (not architecture or f.get("architecture") == architecture))
    items, seen = take(results, type(window)(window.offset, None), pred)
    return [view(h) for h in items[: window.limit]], seen


# ---------------------------------------------------------------- validation
def _ip(value) -> bool:
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        return False


def _network_parameter(value: str) -> dict:
    out = {}
    for pair in value.split(";"):
        if not pair.strip():
            continue
        k, sep, v = pair.partition("=")
        if not sep:
            raise BadRequest("networkParameter must be key=value pairs separated by ';'", code=20002)
        out[k.strip()] = v.strip()
    return out


def _validate(merged: dict) -> None:
    errors = []
    for k in STR_FIELDS:
        if merged.get(k) is not None and not isinstance(merged[k], str):
            errors.append(f"{k} must be a string")
    if errors:
        raise BadRequest("; ".join(errors), code=20002)
    name = (merged.get("name") or "").strip()
    if not 6 <= len(name) <= 50:
        errors.append("name must be 6 to 50 characters")
    for k in ("lcmIp", "lcmProtocol", "architecture", "mecHostIp", "address"):
        if not (merged.get(k) or "").strip():
            errors.append(f"{k} must not be blank")
    for k in ("lcmIp", "mecHostIp"):
        if (merged.get(k) or "").strip() and not _ip(merged[k]):
            errors.append(f"{k} must be an IP address")
    if merged.get("lcmProtocol") and merged["lcmProtocol"] not in PROTOCOLS:
        errors.append("lcmProtocol must be http or https")
    if merged.get("mecHostProtocol") not in PROTOCOLS:
        errors.append("mecHostProtocol must be http or https")
    if merged.get("architecture") and merged["architecture"] not in ARCHITECTURES:
        errors.append("architecture must be X86, ARM64 or ARM32")
    port = merged.get("lcmPort")
    if isinstance(port, bool) or not isinstance(port, int) or not 30000 <= port <= 32000:
        errors.append("lcmPort must be an integer 30000..32000")
    hport = merged.get("mecHostPort")
    if isinstance(hport, bool) or not isinstance(hport, int) or not 1 <= hport <= 65535:
        errors.append("mecHostPort must be an integer 1..65535")
    if merged.get("status") not in STATUSES:
        errors.append("status must be NORMAL, BUSY or STOP")
    if merged.get("vimType") not in VIM_TYPES:
        errors.append("vimType must be OpenStack, K8S or FusionSphere")
    elif merged["vimType"] != "K8S":
        params = _network_parameter(merged.get("networkParameter") or "")
        missing = [k for k in NETWORK_KEYS if not params.get(k)]
        if missing:
            errors.append(f"networkParameter must contain {', '.join(missing)}")
    if errors:
        raise BadRequest("; ".join(errors), code=20002)


def health_check(lcm_ip: str, lcm_port: int, protocol: str) -> None:
    """Simulated LCM health check (see module doc): TEST-NET-1 hosts never answer."""
    if ipaddress.ip_address(lcm_ip) in UNHEALTHY_NET:
        raise BadRequest(f"health check failed: LCM {protocol}://{lcm_ip}:{lcm_port} does not answer", code=20009)


def _check_config(p: Principal, config_id) -> None:
    if config_id in (None, ""):
        return
    require_uuid(config_id, "configId")
    if store.get(EgMepHostConfig, f"EG#MEPHOSTCFG#{config_id}", "F") is None:
        raise NotFound(f"config file {config_id} not found", code=20016)


def _public(merged: dict) -> dict:
    out = {k: merged.get(k) for k in ("name", "lcmIp", "lcmProtocol", "lcmPort", "architecture", "status",
                                       "mecHostIp", "vimType", "mecHostPort", "mecHostProtocol", "configId",
                                       "networkParameter", "resource", "address")}
    out["name"] = out["name"].strip()
    return out


def _ip_key(ip: str) -> tuple[str, str]:
    return ("eg-mephost-ip", ip)


# ---------------------------------------------------------------- writes
def create(p: Principal, body: dict) -> EgMepHost:
    auth.require_admin(p)
    merged = {"mecHostPort": 22, "mecHostProtocol": "http", **{k: v for k, v in body.items() if v is not None}}
    _validate(merged)
    _check_config(p, merged.get("configId"))
    health_check(merged["lcmIp"], merged["lcmPort"], merged["lcmProtocol"])
    now = clock.now()
    hid = new_uuid()
    h = EgMepHost(HOST_PK, f"H#{hid}", host_id=hid, user_id=p.account_id, fields=_public(merged),
                  created_at=now, updated_at=now)
    _set_secrets(h, merged)
    try:
        store.create(h, unique=[_ip_key(merged["mecHostIp"])], counters=[TOTAL_SCOPE])
    except Conflict:
        raise BadRequest("mecHostIp already exists", code=20004) from None
    record_log(h, p, "CREATE")
    audit.record(SURFACE, "create_mephost", principal=p, resource=f"mephost/{hid}")
    return h


def _set_secrets(h: EgMepHost, merged: dict) -> None:
    if merged.get("mecHostUserName"):
        h.user_name_sealed = sealing.seal(merged["mecHostUserName"], _seal_context(h.host_id, "user"))
    if merged.get("mecHostPassword"):
        h.password_sealed = sealing.seal(merged["mecHostPassword"], _seal_context(h.host_id, "password"))


def update(p: Principal, host_id: str, body: dict) -> EgMepHost:
    """4.5: the body's non-null fields replace the stored ones, then the whole host is validated again
    (upstream validates the full MepHost); absent/empty user name or password keep the stored secret."""
    auth.require_admin(p)
    h = get(host_id)
    merged = {**(h.fields or {}), **{k: v for k, v in body.items() if v is not None and k in (*STR_FIELDS,
                                                                                            "lcmPort",
                                                                                            "mecHostPort")}}
    _validate(merged)
    _check_config(p, merged.get("configId"))
    health_check(merged["lcmIp"], merged["lcmPort"], merged["lcmProtocol"])
    old_ip = (h.fields or {}).get("mecHostIp")
    if merged["mecHostIp"] != old_ip:
        try:
            store.rename_unique(_ip_key(old_ip), _ip_key(merged["mecHostIp"]), h)
        except Conflict:
            raise BadRequest("mecHostIp already exists", code=20004) from None
    h.fields = _public(merged)
    _set_secrets(h, merged)
    h.updated_at = clock.now()
    try:
        store.save(h, conflict="the host was changed concurrently, retry")
    except Conflict:
        if merged["mecHostIp"] != old_ip:
            store.rename_unique(_ip_key(merged["mecHostIp"]), _ip_key(old_ip), h)
        raise
    record_log(h, p, "MODIFY")
    audit.record(SURFACE, "update_mephost", principal=p, resource=f"mephost/{host_id}")
    return h


def delete(p: Principal, host_id: str) -> None:
    auth.require_admin(p)
    h = get(host_id)
    store.delete(h, unique=[_ip_key((h.fields or {}).get("mecHostIp"))], counters=[TOTAL_SCOPE])
    record_log(h, p, "DELETE")
    audit.record(SURFACE, "delete_mephost", principal=p, resource=f"mephost/{host_id}")


# ---------------------------------------------------------------- logs (4.6)
def record_log(h: EgMepHost, p: Principal | None, operation: str, *, project_id: str | None = None,
               project_name: str | None = None, app_instance_id: str | None = None) -> dict:
    """Append a MepHostLog; deploy code may call this too (operation e.g. ``DEPLOY``/``CLEAN``)."""
    now = clock.now()
    log_id = new_uuid()
    entry = {"logId": log_id, "hostIp": (h.fields or {}).get("mecHostIp"),
             "userName": p.username if p else None, "userId": p.account_id if p else None,
             "projectId": project_id, "projectName": project_name, "appInstancesId": app_instance_id,
             "deployTime": datetime_str(now), "status": (h.fields or {}).get("status"), "operation": operation,
             "hostId": h.host_id}
    EgMepHostLog(f"EG#MEPHOST#{h.host_id}#LOG", f"{int(now * 1000):015d}#{log_id}", log=entry).save()
    return entry


def logs(p: Principal, host_id: str) -> list[dict]:
    """Oldest first. The log of a deleted host stays readable; an id never seen is 404."""
    auth.require_admin(p)
    require_uuid(host_id, "mephostId")
    rows = [e.log for e in EgMepHostLog.query(f"EG#MEPHOST#{host_id}#LOG")]
    if not rows and load(host_id) is None:
        raise NotFound(f"mep host {host_id} not found", code=20007)
    return rows


# ---------------------------------------------------------------- config file (4.7)
def upload_config(p: Principal, content_type: str | None, raw: bytes) -> dict:
    auth.require_writer(p)
    if len(raw or b"") > CONFIG_MAX_BYTES + 64 * 1024:
        raise TooLarge(f"config file too large (limit {CONFIG_MAX_BYTES} bytes)", code=20018)
    parts = multipart.parse(content_type, raw or b"", max_bytes=CONFIG_MAX_BYTES + 64 * 1024)
    part = parts.get("file")
    if part is None or part.filename is None:
        raise BadRequest("the multipart part 'file' is required", code=20003)
    name = part.filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name or len(name) > 255 or "." in name:
        raise BadRequest("config file name must be 1-255 characters without an extension", code=20024)
    if len(part.data) > CONFIG_MAX_BYTES:
        raise TooLarge(f"config file too large (limit {CONFIG_MAX_BYTES} bytes)", code=20018)
    if not part.data:
        raise BadRequest("config file is empty", code=20032)
    fid = new_uuid()
    key = blobs.key(p.account_id, SURFACE, "mephost-config", fid, name)
    blobs.put(key, part.data, content_type="application/octet-stream", max_bytes=CONFIG_MAX_BYTES)
    now = clock.now()
    cfg = EgMepHostConfig(f"EG#MEPHOSTCFG#{fid}", "F", file_id=fid, file_name=name, user_id=p.account_id,
                          s3_key=key, size=len(part.data), uploaded_at=now)
    store.create(cfg)
    audit.record(SURFACE, "upload_mephost_config", principal=p, resource=f"mephost-config/{fid}")
    return {"fileId": fid, "fileName": name, "url": None, "userId": p.account_id, "uploadDate": _iso(now),
            "filePath": f"/mephost-config/{fid}/{name}", "temp": False}


def config_bytes(config_id: str) -> bytes:
    """The content of an uploaded host config file (e.g. a kubeconfig), for deploy code."""
    cfg = store.get(EgMepHostConfig, f"EG#MEPHOSTCFG#{config_id}", "F")
    if cfg is None:
        raise NotFound(f"config file {config_id} not found", code=20016)
    return blobs.get(cfg.s3_key)


def sandbox_for(app) -> tuple[str, str]:
    """Where an application is instantiated for debugging: (simulated cluster, distributedMecHost).

    The cluster named like the application's selected MEP host when it is ready, else the first ready
    cluster (by name); 400 retCode 20009 when none is ready. Used by the VM and container launches."""
    from chalicelib import targets
    host_id = (app.fields or {}).get("mepHostId")
    host_ip = None
    if host_id:
        h = load(host_id)
        if h is not None:
            host_ip = (h.fields or {}).get("mecHostIp")
            c = targets.get_cluster((h.fields or {}).get("name") or "")
            if c is not None and c.ready:
                return c.name, host_ip or c.name
    ready = sorted((c for c in targets.list_clusters() if c.ready), key=lambda c: c.name)
    if not ready:
        raise BadRequest("no sandbox (MEP host) is available", code=20009)
    return ready[0].name, host_ip or ready[0].name
