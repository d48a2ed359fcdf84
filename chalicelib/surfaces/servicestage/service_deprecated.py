"""Out-of-date APIs (chapter 9): the old config-centre read (9.1) and the metrics report (9.3).

9.1 reads the project's configuration centre (:mod:`service_kie`): an item belongs to the dimension
``{serviceName}@{appId}`` when its labels are ``app``/``service`` without ``version``, and to
``{serviceName}@{appId}#{version}`` when it also has ``version``; only ``enabled`` items count, the item's
``environment`` label (absent = none) must equal ``x-environment``, and ``keyFilter`` is a regular expression
on the keys. ``revision`` is the project's kie revision (equal → 304).

9.3 validates a ``MetricData`` report and keeps the most recent :data:`METRIC_SLOTS` reports per project in a
ring of ``metric`` objects (slot = report number mod the ring size): bounded storage, no scan.
"""
from __future__ import annotations

import re

from chalicelib.core import clock
from chalicelib.core.errors import BadRequest, Conflict, Forbidden
from chalicelib.store.base import Sequence
from chalicelib.surfaces.servicestage import iam, objects, service_kie as kie

ENVIRONMENTS = ("development", "testing", "acceptance", "production")
_DIM_PART = r"[^@#\s$%^&+/\\]{1,160}"
DIMENSION = re.compile(rf"^({_DIM_PART})@({_DIM_PART})(?:#({_DIM_PART}))?$")
METRIC = "metric"
METRIC_SLOTS = 100
SVC_INVALID = "SVCSTG.00100400"


# ------------------------------------------------------------------ 9.1
def parse_dimension(raw) -> tuple[str, str, str | None]:
    m = DIMENSION.match(raw or "")
    if not m:
        raise BadRequest("dimensionsInfo must be {serviceName}@{appId} or {serviceName}@{appId}#{version}",
                         code=SVC_INVALID)
    return m.group(1), m.group(2), m.group(3)


def config_items(project: str, query: dict, environment: str | None) -> tuple[dict | None, int]:
    """(body, revision); body None when ``revision`` equals the current one (304)."""
    service, app, version = parse_dimension(query.get("dimensionsInfo"))
    key_filter = query.get("keyFilter")
    pattern = None
    if key_filter not in (None, ""):
        if len(key_filter) > 256:
            raise BadRequest("keyFilter is at most 256 characters", code=SVC_INVALID)
        try:
            pattern = re.compile(key_filter)
        except re.error:
            raise BadRequest("keyFilter is not a valid regular expression", code=SVC_INVALID) from None
    current = kie.revision(project)
    wanted = query.get("revision")
    if wanted not in (None, "") and str(wanted) == str(current):
        return None, current
    env = environment if environment in ENVIRONMENTS else ""
    base = f"{service}@{app}"
    out: dict = {base: {}}
    if version:
        out[f"{base}#{version}"] = {}
    for item in kie.items(project, labels={"app": app, "service": service}, status="enabled"):
        d = item.data
        labels = d.get("labels") or {}
        if labels.get("environment", "") != env:
            continue
        if pattern is not None and not pattern.search(d["key"]):
            continue
        item_version = labels.get("version")
        if item_version is None:
            out[base][d["key"]] = d.get("value", "")
        elif version and item_version == version:
            out[f"{base}#{version}"][d["key"]] = d.get("value", "")
    out["revision"] = {"version": str(current)}
    return out, current


# ------------------------------------------------------------------ 9.3
_STR_FIELDS = ("name", "appId", "serviceId", "version", "instanceId", "instance")
_IFACE_STR = ("functionName", "functionType", "desc", "appId", "version", "name")
_IFACE_INT = ("time", "shortCircuited", "semaphoreRejected", "threadPoolRejected", "countTimeout", "total",
              "failure")
_IFACE_NUM = ("qps", "latency", "rate", "failureRate", "l995", "l99", "l90", "l75", "l50", "l25", "l5")


def _bad(message: str) -> BadRequest:
    return BadRequest(message, code=400001)


def _is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def validate_metric(body) -> dict:
    if not isinstance(body, dict):
        raise _bad("request body must be a JSON object")
    out = {}
    for f in _STR_FIELDS:
        v = body.get(f)
        if v is None:
            continue
        if not isinstance(v, str) or len(v) > 160:
            raise _bad(f"{f} must be a string of at most 160 characters")
        out[f] = v
    if bool(out.get("serviceId")) != bool(out.get("instanceId")):
        raise _bad("serviceId and instanceId must be given together or not at all")
    if body.get("thread") is not None:
        if not _is_int(body["thread"]) or body["thread"] < 0:
            raise _bad("thread must be a non-negative integer")
        out["thread"] = body["thread"]
    if body.get("cpu") is not None:
        if not _is_num(body["cpu"]) or body["cpu"] < 0:
            raise _bad("cpu must be a non-negative number")
        out["cpu"] = body["cpu"]
    mem = body.get("memory")
    if mem is not None:
        if not isinstance(mem, dict) or len(mem) > 32:
            raise _bad("memory must be a map of at most 32 numbers")
        clean = {}
        for k, v in mem.items():
            if len(k) > 64:
                raise _bad("memory keys are at most 64 characters")
            if isinstance(v, str) and re.fullmatch(r"-?[0-9]{1,19}", v):
                v = int(v)
            if not _is_int(v):
                raise _bad(f"memory.{k} must be an integer")
            clean[k] = v
        out["memory"] = clean
    ifaces = body.get("interfaces")
    if ifaces is not None:
        if not isinstance(ifaces, list) or len(ifaces) > 200:
            raise _bad("interfaces must be a list of at most 200 items")
        clean_list = []
        for n, it in enumerate(ifaces):
            if not isinstance(it, dict):
                raise _bad(f"interfaces[{n}] must be an object")
            c = {}
            for f in _IFACE_STR:
                if it.get(f) is not None:
                    if not isinstance(it[f], str) or len(it[f]) > 256:
                        raise _bad(f"interfaces[{n}].{f} must be a string")
                    c[f] = it[f]
            for f in _IFACE_INT:
                if it.get(f) is not None:
                    if not _is_int(it[f]) or it[f] < 0:
                        raise _bad(f"interfaces[{n}].{f} must be a non-negative integer")
                    c[f] = it[f]
            for f in _IFACE_NUM:
                if it.get(f) is not None:
                    if not _is_num(it[f]):
                        raise _bad(f"interfaces[{n}].{f} must be a number")
                    c[f] = it[f]
            if it.get("isCircuitBreakerOpen") is not None:
                if not isinstance(it["isCircuitBreakerOpen"], bool):
                    raise _bad(f"interfaces[{n}].isCircuitBreakerOpen must be a boolean")
                c["isCircuitBreakerOpen"] = it["isCircuitBreakerOpen"]
            clean_list.append(c)
        out["interfaces"] = clean_list
    return out


def report_metric(project: str, domain_name: str | None, body) -> dict:
    if not domain_name:
        raise _bad("the x-domain-name header is required")
    proj = iam.get_project(project)
    if proj is None or proj.domain_name != domain_name:
        raise Forbidden("x-domain-name is not the account of the project", code=403001)
    metric = validate_metric(body)
    n = Sequence.next(f"ss-metric#{project}")
    record = {"n": n, "received_at": int(clock.now() * 1000), "metric": metric}
    slot = str(n % METRIC_SLOTS)
    for _ in range(3):
        item = objects.get(project, METRIC, slot)
        try:
            if item is None:
                objects.create(project, METRIC, record, obj_id=slot)
            else:
                if int(item.data.get("n", 0)) > n:
                    return record  # a newer report already took the slot
                item.data = record
                objects.save(item)
            return record
        except Conflict:
            continue
    return record


def recent_metrics(project: str, limit: int = METRIC_SLOTS) -> list[dict]:
    """The stored reports, newest first."""
    found, _ = objects.page(project, METRIC, objects.ListArgs(None, 0, "create_time", True))
    return sorted((i.data for i in found), key=lambda d: -int(d["n"]))[:limit]
