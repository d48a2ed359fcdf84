"""V3 component bodies (5.3.1 create, 5.3.4 modify): validation into the stored spec, and the runtime stacks
of 5.4.1 a component picks from (matched on name, type and deploy_mode; 400 ``SVCSTG.00100420`` otherwise).

``custom_metrics`` (document) and ``custom_metric`` (SDK, 5.3.4) are both accepted and stored as
``custom_metric``; ``gray_release.remaining_batches`` (5.3.1) is stored as ``remaining_batch``.
"""
from __future__ import annotations

import re

from chalicelib.surfaces.servicestage.service_v3_common import (bad, boolean, integer, labels, name, number, obj,
                                                                 string)

RUNTIME_STACKS = [
    {"name": "OpenJDK8", "type": "Java", "version": "1.2.0", "deploy_mode": "container", "status": "Supported"},
    {"name": "OpenJDK11", "type": "Java", "version": "1.2.0", "deploy_mode": "container", "status": "Supported"},
    {"name": "OpenJDK17", "type": "Java", "version": "1.2.0", "deploy_mode": "container", "status": "Supported"},
    {"name": "OpenJDK8", "type": "Java", "version": "1.1.1", "deploy_mode": "virtualmachine", "status": "Supported"},
    {"name": "OpenJDK11", "type": "Java", "version": "1.1.1", "deploy_mode": "virtualmachine",
     "status": "Supported"},
    {"name": "Tomcat8", "type": "Tomcat", "version": "1.2.0", "deploy_mode": "container", "status": "Supported"},
    {"name": "Tomcat9", "type": "Tomcat", "version": "1.2.0", "deploy_mode": "container", "status": "Supported"},
    {"name": "Tomcat8", "type": "Tomcat", "version": "1.1.1", "deploy_mode": "virtualmachine",
     "status": "Supported"},
    {"name": "Nodejs14", "type": "Nodejs", "version": "1.2.0", "deploy_mode": "container", "status": "Supported"},
    {"name": "Nodejs16", "type": "Nodejs", "version": "1.2.0", "deploy_mode": "container", "status": "Supported"},
    {"name": "Nodejs8", "type": "Nodejs", "version": "1.0.0", "deploy_mode": "container", "status": "Deprecated"},
    {"name": "Nodejs14", "type": "Nodejs", "version": "1.1.1", "deploy_mode": "virtualmachine",
     "status": "Supported"},
    {"name": "Python3", "type": "Python", "version": "1.2.0", "deploy_mode": "container", "status": "Supported"},
    {"name": "Php7", "type": "Php", "version": "1.2.0", "deploy_mode": "container", "status": "Supported"},
    {"name": "Docker", "type": "Docker", "version": "1.2.0", "deploy_mode": "container", "status": "Supported"},
]
STACK_TYPES = ("Java", "Tomcat", "Nodejs", "Php", "Docker", "Python")
VERSION_RE = re.compile(r"^([0-9]+)(\.[0-9]+){2,3}$")
SOURCE_KINDS = ("code", "package", "image")
STORAGES = ("swr", "codearts", "obs")
RESOURCE_TYPES = ("vpc", "eip", "elb", "cce", "ecs", "as", "cse", "dcs", "rds")
STORAGE_TYPES = ("HostPath", "EmptyDir", "ConfigMap", "Secret", "PersistentVolumeClaim")
STRATEGIES = ("OneBatchRelease", "RollingRelease", "GrayRelease")
HOST_EXTEND = ("None", "PodUID", "PodName", "PodUID/ContainerName", "PodName/ContainerName")
ENV_NAME_RE = re.compile(r"^[A-Za-z_.-][A-Za-z0-9_.-]*$")


def _list(body: dict, key: str, max_items: int = 100) -> list | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or len(value) > max_items:
        raise bad(f"{key} must be an array of at most {max_items} entries")
    return value


def _strings(body: dict, key: str, where: str, max_items: int = 100) -> list | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or len(value) > max_items or not all(isinstance(v, str) and len(v) <= 1024
                                                                         for v in value):
        raise bad(f"{where}{key} must be an array of strings")
    return list(value)


def _clean(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not None}


def runtime_stack(body: dict) -> dict:
    rs = obj(body.get("runtime_stack"), "runtime_stack") if body.get("runtime_stack") is not None else None
    if rs is None:
        raise bad("runtime_stack is required")
    w = "runtime_stack."
    out = {"name": string(rs, "name", required=True, max_len=64, where=w),
           "type": string(rs, "type", required=True, enum=STACK_TYPES, where=w),
           "version": string(rs, "version", required=True, max_len=64, where=w),
           "deploy_mode": string(rs, "deploy_mode", required=True, enum=("container", "virtualmachine"), where=w)}
    if out["deploy_mode"] == "virtualmachine" and out["type"] not in ("Java", "Tomcat", "Nodejs"):
        raise bad("virtualmachine runtime stacks are Java, Tomcat or Nodejs only", "SVCSTG.00100420")
    if not any(s["name"] == out["name"] and s["type"] == out["type"] and s["deploy_mode"] == out["deploy_mode"]
               for s in RUNTIME_STACKS):
        raise bad(f"runtime stack {out['name']} ({out['type']}, {out['deploy_mode']}) is not supported",
                  "SVCSTG.00100420")
    return out


def source(body: dict) -> dict:
    src = obj(body.get("source"), "source") if body.get("source") is not None else None
    if src is None:
        raise bad("source is required")
    w = "source."
    kind = string(src, "kind", required=True, enum=SOURCE_KINDS, where=w)
    out = {"kind": kind,
           "version": string(src, "version", max_len=64, where=w),
           "url": string(src, "url", max_len=1024, where=w),
           "storage": string(src, "storage", enum=STORAGES, where=w),
           "auth": string(src, "auth", enum=("iam", "none"), default="iam", where=w),
           "repo_auth": string(src, "repo_auth", max_len=128, where=w),
           "repo_namespace": string(src, "repo_namespace", max_len=256, where=w),
           "repo_ref": string(src, "repo_ref", max_len=256, where=w),
           "repo_type": string(src, "repo_type", max_len=32, where=w),
           "web_url": string(src, "web_url", max_len=1024, where=w),
           "repo_url": string(src, "repo_url", max_len=1024, where=w)}
    if kind in ("package", "image"):
        if not out["url"]:
            raise bad(f"source.url is required for a {kind} source", "SVCSTG.00100425")
        if not out["storage"]:
            raise bad(f"source.storage is required for a {kind} source")
    else:
        if out["repo_type"] and out["repo_type"].lower() not in ("github", "gitlab", "gitee", "bitbucket"):
            raise bad("source.repo_type must be GitHub, GitLab, Gitee or BitBucket")
        if not out["repo_url"] and not out["repo_namespace"]:
            raise bad("a code source needs source.repo_url (or repo_namespace)")
        out["repo_ref"] = out["repo_ref"] or "master"
    return _clean(out)


def _build(body: dict, project: str) -> dict | None:
    b = body.get("build")
    if b is None:
        return None
    b = obj(b, "build")
    params = obj(b.get("parameters") or {}, "build.parameters")
    w = "build.parameters."
    out = {"build_cmd": string(params, "build_cmd", max_len=4096, where=w),
           "dockerfile_path": string(params, "dockerfile_path", max_len=256, default="./", where=w),
           "artifact_namespace": string(params, "artifact_namespace", max_len=64, default=f"cas_{project}",
                                        where=w),
           "cluster_id": string(params, "cluster_id", max_len=64, where=w),
           "environment_id": string(params, "environment_id", max_len=64, where=w)}
    sel = params.get("node_label_selector")
    if sel is not None:
        if not isinstance(sel, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in sel.items()):
            raise bad("build.parameters.node_label_selector must be a map of strings")
        out["node_label_selector"] = dict(sel)
    return {"parameters": _clean(out)}


def _envs(body: dict) -> list | None:
    value = _list(body, "envs", 200)
    if value is None:
        return None
    out = []
    for i, e in enumerate(value):
        w = f"envs[{i}]."
        e = obj(e, f"envs[{i}]")
        n = string(e, "name", required=True, max_len=64, where=w)
        if not ENV_NAME_RE.match(n):
            raise bad(f"{w}name must be letters, digits, '_', '-' or '.' and not start with a digit")
        item = {"name": n, "value": string(e, "value", max_len=2048, where=w)}
        if e.get("value_from") is not None:
            vf = obj(e["value_from"], f"{w}value_from")
            item["value_from"] = _clean({
                "reference_type": string(vf, "reference_type", required=True, enum=("configMapKey", "secretKey"),
                                         where=f"{w}value_from."),
                "name": string(vf, "name", required=True, max_len=253, where=f"{w}value_from."),
                "key": string(vf, "key", max_len=253, where=f"{w}value_from."),
                "optional": boolean(vf, "optional", where=f"{w}value_from.")})
        elif item["value"] is None:
            raise bad(f"{w}value or value_from is required")
        out.append(_clean(item))
    return out


def _storages(body: dict) -> list | None:
    value = _list(body, "storages", 50)
    if value is None:
        return None
    out = []
    for i, s in enumerate(value):
        w = f"storages[{i}]."
        s = obj(s, f"storages[{i}]")
        params = obj(s.get("parameters") if s.get("parameters") is not None else {}, f"{w}parameters")
        mounts = _list(s, "mounts", 50)
        if not mounts:
            raise bad(f"{w}mounts is required")
        ms = []
        for j, m in enumerate(mounts):
            m = obj(m, f"{w}mounts[{j}]")
            mw = f"{w}mounts[{j}]."
            ms.append({"path": string(m, "path", required=True, max_len=1024, where=mw),
                       "sub_path": string(m, "sub_path", max_len=1024, default="", where=mw),
                       "read_only": bool(boolean(m, "read_only", where=mw))})
        out.append({"type": string(s, "type", required=True, enum=STORAGE_TYPES, where=w),
                    "name": string(s, "name", required=True, max_len=253, where=w),
                    "parameters": _clean({
                        "path": string(params, "path", max_len=1024, where=f"{w}parameters."),
                        "name": string(params, "name", max_len=253, where=f"{w}parameters."),
                        "default_mode": integer(params, "default_mode", minimum=0, maximum=511,
                                                where=f"{w}parameters."),
                        "medium": string(params, "medium", max_len=32, where=f"{w}parameters.")}),
                    "mounts": ms})
    return out


def _strategy(body: dict) -> dict | None:
    d = body.get("deploy_strategy")
    if d is None:
        return None
    d = obj(d, "deploy_strategy")
    w = "deploy_strategy."
    out = {"type": string(d, "type", required=True, enum=STRATEGIES, where=w)}
    if d.get("rolling_release") is not None:
        rr = obj(d["rolling_release"], f"{w}rolling_release")
        out["rolling_release"] = {"batches": integer(rr, "batches", required=True, minimum=1, maximum=100,
                                                     where=f"{w}rolling_release.")}
    if d.get("gray_release") is not None:
        gr = obj(d["gray_release"], f"{w}gray_release")
        gw = f"{w}gray_release."
        remaining = gr.get("remaining_batch", gr.get("remaining_batches"))
        out["gray_release"] = _clean({
            "type": string(gr, "type", default="weight", enum=("weight", "CONTENT", "content"), where=gw),
            "first_batch_weight": integer(gr, "first_batch_weight", minimum=0, maximum=100, where=gw),
            "first_batch_replica": integer(gr, "first_batch_replica", minimum=0, maximum=1000, where=gw),
            "remaining_batch": integer({"remaining_batch": remaining}, "remaining_batch", minimum=0, maximum=100,
                                       where=gw),
            "replica_surge_mode": string(gr, "replica_surge_mode", max_len=32, where=gw),
            "deployment_mode": integer(gr, "deployment_mode", minimum=0, maximum=10, where=gw),
            "rule_match_mode": string(gr, "rule_match_mode", max_len=32, where=gw)})
    if out["type"] == "GrayRelease" and "gray_release" not in out:
        raise bad("deploy_strategy.gray_release is required for GrayRelease")
    return out


def _lifecycle(body: dict, key: str) -> dict | None:
    v = body.get(key)
    if v is None:
        return None
    v = obj(v, key)
    w = f"{key}."
    return _clean({"type": string(v, "type", required=True, enum=("http", "command"), where=w),
                   "scheme": string(v, "scheme", enum=("HTTP", "HTTPS"), where=w),
                   "host": string(v, "host", max_len=253, where=w),
                   "port": integer(v, "port", minimum=1, maximum=65535, where=w),
                   "path": string(v, "path", max_len=1024, where=w),
                   "command": _strings(v, "command", w)})


def _probe(body: dict, key: str) -> dict | None:
    v = body.get(key)
    if v is None:
        return None
    v = obj(v, key)
    w = f"{key}."
    return _clean({"type": string(v, "type", required=True, enum=("http", "tcp", "command"), where=w),
                   "delay": integer(v, "delay", required=True, minimum=0, maximum=3600, where=w),
                   "timeout": integer(v, "timeout", required=True, minimum=0, maximum=3600, where=w),
                   "scheme": string(v, "scheme", enum=("HTTP", "HTTPS"), where=w),
                   "host": string(v, "host", max_len=253, where=w),
                   "port": integer(v, "port", minimum=1, maximum=65535, where=w),
                   "path": string(v, "path", max_len=1024, where=w),
                   "command": _strings(v, "command", w)})


def _affinity(body: dict, key: str) -> dict | None:
    v = body.get(key)
    if v is None:
        return None
    v = obj(v, key)
    w = f"{key}."
    comps = []
    for i, c in enumerate(_list(v, "component", 50) or []):
        c = obj(c, f"{w}component[{i}]")
        comps.append(_clean({"display_name": string(c, "display_name", max_len=64) or
                             string(c, "displayName", max_len=64),
                             "name": string(c, "name", max_len=64)}))
    return {"az": _strings(v, "az", w) or [], "node": _strings(v, "node", w) or [], "component": comps}


def refer_resources(body: dict, *, required: bool) -> list | None:
    value = _list(body, "refer_resources", 50)
    if value is None:
        if required:
            raise bad("refer_resources is required")
        return None
    out = []
    for i, r in enumerate(value):
        w = f"refer_resources[{i}]."
        r = obj(r, f"refer_resources[{i}]")
        rtype = string(r, "type", required=True, enum=RESOURCE_TYPES, where=w)
        item = {"id": string(r, "id", required=True, max_len=128, where=w), "type": rtype}
        params = r.get("parameters")
        if params is not None:
            params = obj(params, f"{w}parameters")
            ns = string(params, "namespace", max_len=63, where=f"{w}parameters.")
            if ns is not None and not re.match(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", ns):
                raise bad(f"{w}parameters.namespace must be a DNS label")
            hosts = _strings(params, "hosts", f"{w}parameters.")
            item["parameters"] = _clean({"namespace": ns, "hosts": hosts})
        if rtype == "cce" and not (item.get("parameters") or {}).get("namespace"):
            raise bad(f"{w}parameters.namespace is required for a cce resource")
        out.append(item)
    return out


def _external(body: dict) -> list | None:
    value = _list(body, "external_accesses", 20)
    if value is None:
        return None
    out = []
    for i, e in enumerate(value):
        w = f"external_accesses[{i}]."
        e = obj(e, f"external_accesses[{i}]")
        proto = string(e, "protocol", max_len=8, where=w)
        if proto is not None and proto.lower() not in ("http", "https"):
            raise bad(f"{w}protocol must be http or https")
        out.append(_clean({"protocol": proto, "address": string(e, "address", max_len=512, where=w),
                           "forward_port": integer(e, "forward_port", minimum=1, maximum=65535, where=w)}))
    return out


def _metric(body: dict) -> dict | None:
    key = "custom_metric" if body.get("custom_metric") is not None else "custom_metrics"
    v = body.get(key)
    if v is None:
        return None
    v = obj(v, key)
    w = f"{key}."
    return {"path": string(v, "path", required=True, max_len=1024, where=w),
            "port": integer(v, "port", required=True, minimum=1, maximum=65535, where=w),
            "dimensions": string(v, "dimensions", required=True, max_len=1024, where=w)}


def _logs(body: dict) -> list | None:
    value = _list(body, "logs", 20)
    if value is None:
        return None
    out = []
    for i, lg in enumerate(value):
        w = f"logs[{i}]."
        lg = obj(lg, f"logs[{i}]")
        out.append({"log_path": string(lg, "log_path", required=True, max_len=1024, where=w),
                    "rotate": string(lg, "rotate", required=True, max_len=32, where=w),
                    "host_path": string(lg, "host_path", required=True, max_len=1024, where=w),
                    "host_extend_path": string(lg, "host_extend_path", required=True, enum=HOST_EXTEND,
                                               where=w)})
    return out


def spec(body, project: str, *, create: bool) -> dict:
    """The validated component spec (everything but identity and status)."""
    body = obj(body)
    version = string(body, "version", required=True, max_len=32)
    if not VERSION_RE.match(version):
        raise bad("version must be 3 or 4 dot-separated numbers, e.g. 2023.1102.17105")
    cmd = body.get("command")
    if cmd is not None:
        cmd = obj(cmd, "command")
        cmd = {"command": _strings(cmd, "command", "command.") or [], "args": _strings(cmd, "args", "command.") or []}
    mesher = body.get("mesher")
    if mesher is not None:
        mesher = {"port": integer(obj(mesher, "mesher"), "port", required=True, minimum=1, maximum=65535,
                                  where="mesher.")}
    tomcat = body.get("tomcat_opts")
    if tomcat is not None:
        tomcat = {"server_xml": string(obj(tomcat, "tomcat_opts"), "server_xml", required=True, max_len=65536,
                                       where="tomcat_opts.")}
    out = {
        "name": name(body),
        "description": string(body, "description", max_len=128, default=""),
        "labels": labels(body) or [],
        "runtime_stack": runtime_stack(body),
        "source": source(body),
        "build": _build(body, project),
        "limit_cpu": number(body, "limit_cpu"), "limit_memory": number(body, "limit_memory"),
        "request_cpu": number(body, "request_cpu"), "request_memory": number(body, "request_memory"),
        "replica": integer(body, "replica", required=True, minimum=1, maximum=1000),
        "version": version,
        "swimlane_id": string(body, "swimlane_id", max_len=64),
        "envs": _envs(body) or [],
        "storages": _storages(body) or [],
        "deploy_strategy": _strategy(body),
        "command": cmd,
        "post_start": _lifecycle(body, "post_start"), "pre_stop": _lifecycle(body, "pre_stop"),
        "mesher": mesher,
        "timezone": string(body, "timezone", max_len=64),
        "jvm_opts": string(body, "jvm_opts", max_len=4096),
        "tomcat_opts": tomcat,
        "logs": _logs(body) or [],
        "custom_metric": _metric(body),
        "affinity": _affinity(body, "affinity"), "anti_affinity": _affinity(body, "anti_affinity"),
        "liveness_probe": _probe(body, "liveness_probe"), "readiness_probe": _probe(body, "readiness_probe"),
        "refer_resources": refer_resources(body, required=create),
        "external_accesses": _external(body) or [],
    }
    if out["limit_cpu"] is not None and out["request_cpu"] is not None and out["request_cpu"] > out["limit_cpu"]:
        raise bad("request_cpu must not exceed limit_cpu")
    if (out["limit_memory"] is not None and out["request_memory"] is not None
            and out["request_memory"] > out["limit_memory"]):
        raise bad("request_memory must not exceed limit_memory")
    return _clean(out)
