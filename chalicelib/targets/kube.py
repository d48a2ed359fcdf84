"""The Kubernetes target: the driver interface, its value types, and the manifest renderers.

Two drivers implement :class:`KubeDriver`:

- ``simulated`` (default, :mod:`chalicelib.targets.kube_sim`): deterministic, state in DynamoDB, one
  reconcile tick per :meth:`KubeDriver.rollout` call, faults from the cluster's ``faults`` map;
- ``kubernetes`` (:mod:`chalicelib.targets.kube_real`): the official client against a real cluster
  (``cluster.attrs = {"kubeconfig": path, "context": name}``).

The renderers are pure functions (no I/O) that turn the normalized MSAP deploy/service/config specs into
Kubernetes manifests (plain dicts, camelCase, ``apps/v1`` / ``v1``). They reject with :class:`ValueError`
(English messages naming the field) whatever Kubernetes would refuse, so a bad request fails before any write.

Returned manifests from ``get``/``list`` have the Kubernetes shape; Deployments and Services carry a
``status`` (Deployment: ``replicas, readyReplicas, updatedReplicas, availableReplicas, unavailableReplicas,
observedGeneration, conditions``; Service: ``clusterIP``, and ``spec.clusterIP`` / ``spec.ports[].nodePort``
filled as a real API server does).
"""
from __future__ import annotations

import hashlib
import json
import posixpath
import re
import shlex
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Protocol

from chalicelib.targets import TargetError

LABEL_APP = "app.kubernetes.io/name"
LABEL_DEPLOY = "msap.edgeplane/deploy"
LABEL_REVISION = "pod-template-hash"
ANN_LOG = "msap.edgeplane/log-config"
ANN_GRAY = "msap.edgeplane/gray"
FIELD_MANAGER = "edgeplane"


class KubeError(TargetError):
    """The cluster refused or failed a request (a job step fails with this message, like any target error)."""


@dataclass(frozen=True)
class PodInfo:
    name: str
    namespace: str
    node: str
    ip: str
    phase: str  # Pending | Running | Terminating | Failed
    ready: bool
    restarts: int
    image: str
    container: str
    created_ms: int
    revision: str
    message: str = ""


@dataclass(frozen=True)
class DeploymentStatus:
    replicas: int  # desired (spec.replicas)
    ready: int  # ready pods of the current revision
    updated: int  # pods of the current revision
    available: int
    unavailable: int
    settled: bool  # the rollout is complete: exactly `replicas` current pods run, nothing else is left
    failed: bool  # the rollout cannot complete (crash loop, unschedulable, deadline exceeded)
    message: str


class KubeDriver(Protocol):
    def namespaces(self, cluster) -> list[str]: ...
    def ensure_namespace(self, cluster, namespace: str) -> bool: ...  # True if created
    def delete_namespace(self, cluster, namespace: str) -> bool: ...  # True if it existed
    def apply(self, cluster, manifests: list[dict]) -> None: ...  # create or replace by (kind, ns, name)
    def delete(self, cluster, kind: str, namespace: str, name: str) -> bool: ...
    def get(self, cluster, kind: str, namespace: str, name: str) -> dict | None: ...
    def list(self, cluster, kind: str, namespace: str) -> list[dict]: ...
    def pods(self, cluster, namespace: str, selector: dict[str, str]) -> list[PodInfo]: ...
    def rollout(self, cluster, namespace: str, name: str) -> DeploymentStatus: ...


def driver(cluster) -> KubeDriver:
    """The driver of a cluster: ``cluster.driver`` "simulated" (default) or "kubernetes"."""
    name = getattr(cluster, "driver", None) or "simulated"
    if name == "simulated":
        from chalicelib.targets.kube_sim import SimulatedKube
        return SimulatedKube()
    if name in ("kubernetes", "kube", "k8s"):
        from chalicelib.targets.kube_real import RealKube
        return RealKube()
    raise KubeError(f"cluster {getattr(cluster, 'name', '?')} uses an unknown driver {name}")


# ---------------------------------------------------------------- kinds
KINDS = {  # canonical kind -> (apiVersion, namespaced)
    "Namespace": ("v1", False),
    "Deployment": ("apps/v1", True),
    "Service": ("v1", True),
    "ConfigMap": ("v1", True),
}


def canonical_kind(kind: str) -> str:
    for k in KINDS:
        if k.lower() == str(kind or "").lower() or k.lower() + "s" == str(kind or "").lower():
            return k
    raise KubeError(f'no matches for kind "{kind}"')


# ---------------------------------------------------------------- validation helpers
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_LABEL_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
_ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")
_IANA_SVC = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
_QUANTITY_MAX = 10 ** 9
PROTOCOLS = ("TCP", "UDP", "SCTP")
NODE_PORT_RANGE = (30000, 32767)


def is_dns_label(value) -> bool:
    return isinstance(value, str) and len(value) <= 63 and bool(_DNS_LABEL.match(value))


def is_dns_subdomain(value) -> bool:
    return isinstance(value, str) and len(value) <= 253 and bool(_DNS_SUBDOMAIN.match(value))


def is_dns1035_label(value) -> bool:
    return isinstance(value, str) and len(value) <= 63 and bool(_DNS1035_LABEL.match(value))


def dns_label(text: str, max_len: int = 63, fallback: str = "x") -> str:
    """Normalize free text (e.g. an MSAP application name ``orderService``) into a DNS-1123 label."""
    s = re.sub(r"[^a-z0-9-]+", "-", str(text or "").lower())
    s = re.sub(r"-{2,}", "-", s).strip("-")[:max_len].strip("-")
    return s or fallback


def _need_label(value, what: str) -> str:
    if not is_dns_label(value):
        raise ValueError(f"{what} {value!r} is not a valid DNS-1123 label (lowercase letters, digits and '-', "
                         f"at most 63 characters, starting and ending with a letter or digit)")
    return value


def _need_subdomain(value, what: str) -> str:
    if not is_dns_subdomain(value):
        raise ValueError(f"{what} {value!r} is not a valid DNS-1123 subdomain")
    return value


def _need_labels(labels, what: str = "labels") -> dict:
    if labels is None:
        return {}
    if not isinstance(labels, dict):
        raise ValueError(f"{what} must be a map")
    out = {}
    for k, v in labels.items():
        k = str(k)
        prefix, _, name = k.rpartition("/")
        if (prefix and not is_dns_subdomain(prefix)) or len(name) > 63 or not _LABEL_NAME.match(name):
            raise ValueError(f"{what}: invalid key {k!r}")
        v = "" if v is None else str(v)
        if len(v) > 63 or not _LABEL_VALUE.match(v):
            raise ValueError(f"{what}: invalid value {v!r} for {k!r}")
        out[k] = v
    return out


def _need_annotations(annotations, what: str = "annotations") -> dict:
    if annotations is None:
        return {}
    if not isinstance(annotations, dict):
        raise ValueError(f"{what} must be a map")
    out = {}
    for k, v in annotations.items():
        k = str(k)
        prefix, _, name = k.rpartition("/")
        if (prefix and not is_dns_subdomain(prefix)) or len(name) > 63 or not _LABEL_NAME.match(name):
            raise ValueError(f"{what}: invalid key {k!r}")
        out[k] = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, sort_keys=True)
    if sum(len(k) + len(v) for k, v in out.items()) > 256 * 1024:
        raise ValueError(f"{what} are larger than 256 KiB")
    return out


def _int(value, what: str, lo: int | None = None, hi: int | None = None) -> int:
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{what} must be an integer")
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be an integer") from None
    if isinstance(value, float) and value != n:
        raise ValueError(f"{what} must be an integer")
    if isinstance(value, str) and value.strip() != str(n):
        raise ValueError(f"{what} must be an integer")
    if lo is not None and n < lo:
        raise ValueError(f"{what} must be at least {lo}")
    if hi is not None and n > hi:
        raise ValueError(f"{what} must be at most {hi}")
    return n


def _opt_int(d: dict, key: str, what: str, lo=None, hi=None):
    v = d.get(key)
    if v is None or v == "":
        return None
    return _int(v, what, lo, hi)


def _port(value, what: str) -> int:
    return _int(value, what, 1, 65535)


def label_value(text) -> str:
    """``text`` as a valid label value (unchanged when it already is one: letters, digits, '-', '_', '.')."""
    s = str(text or "")
    if len(s) <= 63 and _LABEL_VALUE.match(s):
        return s
    s = re.sub(r"[^A-Za-z0-9_.-]+", "-", s)[:63]
    return re.sub(r"^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "", s)


def labels_for(app: str, deploy_id: str) -> dict:
    """The labels (and selector) of everything belonging to one MSAP release instance."""
    return {LABEL_APP: label_value(app), LABEL_DEPLOY: label_value(deploy_id)}


def _meta(name: str, namespace: str | None, labels=None, annotations=None) -> dict:
    meta = {"name": name}
    if namespace is not None:
        meta["namespace"] = namespace
    if labels:
        meta["labels"] = dict(labels)
    if annotations:
        meta["annotations"] = dict(annotations)
    return meta


# ---------------------------------------------------------------- Namespace / ConfigMap
def render_namespace(name) -> dict:
    _need_label(name, "namespace")
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


def render_configmap(name, namespace, items: list, labels=None) -> dict:
    """``items`` [{"name": key, "value": text}] (MSAP ConfigMap items; ``storagePath`` is ignored here)."""
    _need_subdomain(name, "configMap name")
    _need_label(namespace, "namespace")
    data: dict[str, str] = {}
    for i, it in enumerate(items or []):
        if not isinstance(it, dict):
            raise ValueError(f"items[{i}] must be an object")
        key = it.get("name")
        if not isinstance(key, str) or len(key) > 253 or not _CONFIG_KEY.match(key) or key in (".", ".."):
            raise ValueError(f"items[{i}].name {key!r} is not a valid ConfigMap key (letters, digits, '-', '_', '.')")
        if key in data:
            raise ValueError(f"items[{i}].name {key!r} is duplicated")
        value = it.get("value")
        data[key] = "" if value is None else (value if isinstance(value, str) else str(value))
    if sum(len(k) + len(v.encode("utf-8")) for k, v in data.items()) > 1024 * 1024:
        raise ValueError("the ConfigMap data is larger than 1 MiB")
    m = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": _meta(name, namespace, _need_labels(labels))}
    if data:
        m["data"] = data
    return m


# ---------------------------------------------------------------- Deployment
def _env(env) -> list[dict]:
    out, seen = [], set()
    for i, e in enumerate(env or []):
        if not isinstance(e, dict):
            raise ValueError(f"env[{i}] must be an object")
        name = e.get("name")
        if name in (None, "") and e.get("value") in (None, ""):
            continue  # blank template row
        if not isinstance(name, str) or not name or len(name) > 253 or not _ENV_NAME.match(name):
            raise ValueError(f"env[{i}].name {name!r} is not a valid environment variable name")
        if name in seen:
            raise ValueError(f"env[{i}].name {name!r} is duplicated")
        seen.add(name)
        value = e.get("value")
        out.append({"name": name, "value": "" if value is None else str(value)})
    return out


def _command(command) -> list[str]:
    if command is None or command == "" or command == []:
        return []
    if isinstance(command, list):
        parts = [str(x) for x in command]
    elif isinstance(command, str):
        try:
            parts = shlex.split(command)
        except ValueError as exc:
            raise ValueError(f"command {command!r} cannot be parsed: {exc}") from None
    else:
        raise ValueError("command must be a string")
    return parts


def _resources(res) -> dict:
    """MSAP podResourceSpec: cpu in millicores, memory in MiB; requests = min(pair), limits = max(pair)."""
    if not res:
        return {}
    if not isinstance(res, dict):
        raise ValueError("resources must be an object")
    requests, limits = {}, {}
    for res_name, unit, a_key, b_key in (("cpu", "m", "cpuLimit", "cpuRequest"),
                                         ("memory", "Mi", "memoryLimit", "memoryRequest")):
        pair = [v for v in (_opt_int(res, a_key, a_key, 0, _QUANTITY_MAX), _opt_int(res, b_key, b_key, 0,
                                                                                    _QUANTITY_MAX))
                if v is not None and v > 0]
        if pair:
            requests[res_name] = f"{min(pair)}{unit}"
            limits[res_name] = f"{max(pair)}{unit}"
    out = {}
    if requests:
        out["requests"] = requests
    if limits:
        out["limits"] = limits
    return out


def _probe_port(value, what: str):
    if isinstance(value, str) and not value.strip().isdigit():
        if len(value) > 15 or not _IANA_SVC.match(value) or "--" in value or not re.search("[a-z]", value):
            raise ValueError(f"{what} {value!r} is not a valid port")
        return value
    return _port(value, what)


def _probe(p, which: str) -> dict | None:
    """An MSAP probe dict (catalog §5 lifeCycleMgt) → a Kubernetes probe, or None when disabled/absent."""
    if not p:
        return None
    if not isinstance(p, dict):
        raise ValueError(f"{which} must be an object")
    if p.get("enabled") is False or p.get("enabled") in ("false", 0):
        return None
    mode = str(p.get("mode") or "").upper()
    probe: dict = {}
    if mode == "EXEC":
        cmd = (p.get("exec") or {}).get("command") if isinstance(p.get("exec"), dict) else None
        if isinstance(cmd, str):
            cmd = _command(cmd)
        if isinstance(cmd, list):
            cmd = [str(x) for x in cmd if x is not None and str(x) != ""]
        if not cmd or not isinstance(cmd, list):
            raise ValueError(f"{which}.exec.command must not be empty")
        probe["exec"] = {"command": cmd}
    elif mode == "HTTP_GET":
        h = p.get("httpGet")
        if not isinstance(h, dict):
            raise ValueError(f"{which}.httpGet must be an object")
        get = {"port": _probe_port(h.get("port"), f"{which}.httpGet.port")}
        path = h.get("path") or "/"
        if not isinstance(path, str) or not path.startswith("/"):
            raise ValueError(f"{which}.httpGet.path must start with '/'")
        get["path"] = path
        if h.get("host"):
            get["host"] = str(h["host"])
        scheme = str(h.get("scheme") or "HTTP").upper()
        if scheme not in ("HTTP", "HTTPS"):
            raise ValueError(f"{which}.httpGet.scheme must be HTTP or HTTPS")
        get["scheme"] = scheme
        headers = []
        for i, hd in enumerate(h.get("headerList") or []):
            if isinstance(hd, dict) and not hd.get("name") and not hd.get("value"):
                continue  # blank template row
            if not isinstance(hd, dict) or not hd.get("name") or not re.match(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$",
                                                                               str(hd.get("name"))):
                raise ValueError(f"{which}.httpGet.headerList[{i}].name is not a valid header name")
            headers.append({"name": str(hd["name"]), "value": "" if hd.get("value") is None else str(hd["value"])})
        if headers:
            get["httpHeaders"] = headers
        probe["httpGet"] = get
    elif mode == "TCP_SOCKET":
        t = p.get("tcpSocket")
        if not isinstance(t, dict):
            raise ValueError(f"{which}.tcpSocket must be an object")
        sock = {"port": _probe_port(t.get("port"), f"{which}.tcpSocket.port")}
        if t.get("host"):
            sock["host"] = str(t["host"])
        probe["tcpSocket"] = sock
    else:
        raise ValueError(f"{which}.mode must be EXEC, HTTP_GET or TCP_SOCKET")
    for key in ("initialDelaySeconds", "periodSeconds", "timeoutSeconds", "successThreshold", "failureThreshold"):
        v = _opt_int(p, key, f"{which}.{key}", 0, 86400 * 365)
        if v:  # 0 (MSAP's templates send zeros) means the Kubernetes default
            probe[key] = v
    if which == "liveness" and probe.get("successThreshold", 1) != 1:
        raise ValueError("liveness.successThreshold must be 1")
    return probe


def _mounts(config_mounts) -> tuple[list[dict], list[dict]]:
    """configMounts [{configMap, mountPath, items[{key, path}]}] → (volumes, volumeMounts).

    Without items the whole ConfigMap is mounted as a directory; with items each key is mounted as one file
    (subPath) at ``path`` (absolute, or relative to ``mountPath``; empty → ``mountPath/key``).
    """
    volumes: dict[str, dict] = {}
    mounts: list[dict] = []
    seen_paths: set[str] = set()
    for i, m in enumerate(config_mounts or []):
        if not isinstance(m, dict):
            raise ValueError(f"configMounts[{i}] must be an object")
        cm = m.get("configMap")
        _need_subdomain(cm, f"configMounts[{i}].configMap")
        vol = "cm-" + hashlib.sha256(cm.encode()).hexdigest()[:8] + "-" + dns_label(cm, 50)
        vol = vol[:63].rstrip("-")
        volumes.setdefault(vol, {"name": vol, "configMap": {"name": cm}})
        base = m.get("mountPath")
        items = m.get("items") or []

        def add(path: str, sub: str | None):
            path = posixpath.normpath(path)
            if not path.startswith("/") or ":" in path:
                raise ValueError(f"configMounts[{i}]: mount path {path!r} must be an absolute path")
            if path in seen_paths:
                raise ValueError(f"configMounts[{i}]: mount path {path!r} is used twice")
            seen_paths.add(path)
            vm = {"name": vol, "mountPath": path, "readOnly": True}
            if sub:
                vm["subPath"] = sub
            mounts.append(vm)

        if not items:
            if not isinstance(base, str) or not base:
                raise ValueError(f"configMounts[{i}].mountPath must not be empty")
            add(base, None)
            continue
        for j, it in enumerate(items):
            key = it.get("key") if isinstance(it, dict) else None
            if not isinstance(key, str) or not _CONFIG_KEY.match(key) or key in (".", ".."):
                raise ValueError(f"configMounts[{i}].items[{j}].key {key!r} is not a valid ConfigMap key")
            path = it.get("path") or ""
            if not isinstance(path, str):
                raise ValueError(f"configMounts[{i}].items[{j}].path must be a string")
            if not path.startswith("/"):
                if not isinstance(base, str) or not base:
                    raise ValueError(f"configMounts[{i}].mountPath must not be empty")
                path = posixpath.join(base, path or key)
            add(path, key)
    return list(volumes.values()), mounts


def _surge(value, what: str):
    if value is None or value == "":
        return None
    if isinstance(value, str) and re.fullmatch(r"\d{1,3}%", value.strip()):
        return value.strip()
    return _int(value, what, 0, 10 ** 6)


def template_hash(template: dict) -> str:
    """The revision of a pod template: 10 characters of Kubernetes' safe alphabet."""
    digest = hashlib.sha256(json.dumps(template, sort_keys=True, separators=(",", ":")).encode()).digest()
    return safe_chars(digest, 10)


_SAFE = "bcdfghjklmnpqrstvwxz2456789"


def safe_chars(digest: bytes, n: int) -> str:
    num = int.from_bytes(digest, "big")
    out = []
    for _ in range(n):
        num, r = divmod(num, len(_SAFE))
        out.append(_SAFE[r])
    return "".join(out)


def render_deployment(spec: dict) -> dict:
    if not isinstance(spec, dict):
        raise ValueError("spec must be an object")
    name = spec.get("name")
    _need_label(name, "name")
    namespace = _need_label(spec.get("namespace"), "namespace")
    image = spec.get("image")
    if not isinstance(image, str) or not image.strip() or re.search(r"\s", image):
        raise ValueError("image must be a non-empty image reference without spaces")
    replicas = _int(spec.get("replicas"), "replicas", 0, 10000)
    labels = _need_labels(spec.get("labels")) or {LABEL_APP: name}
    selector = _need_labels(spec.get("selector"), "selector") if spec.get("selector") else dict(labels)
    if not selector or any(labels.get(k) != v for k, v in selector.items()):
        raise ValueError("selector must be a non-empty subset of labels")
    container = spec.get("containerName") or name
    _need_label(container, "containerName")
    c: dict = {"name": container, "image": image.strip()}
    command = _command(spec.get("command"))
    if command:
        c["command"] = command
    args = spec.get("args")
    if args:
        if not isinstance(args, list):
            raise ValueError("args must be an array")
        args = ["" if a is None else str(a) for a in args]
        if any(args):  # [""] (MSAP's template) means no arguments
            c["args"] = args
    env = _env(spec.get("env"))
    if env:
        c["env"] = env
    res = _resources(spec.get("resources"))
    if res:
        c["resources"] = res
    for key, which in (("livenessProbe", "liveness"), ("readinessProbe", "readiness")):
        probe = _probe(spec.get(which), which)
        if probe:
            c[key] = probe
    volumes, mounts = _mounts(spec.get("configMounts"))
    if mounts:
        c["volumeMounts"] = mounts
    c["imagePullPolicy"] = "IfNotPresent"
    pod_spec: dict = {"containers": [c]}
    if volumes:
        pod_spec["volumes"] = volumes
    template_meta: dict = {"labels": dict(labels)}
    template_ann = {}
    log = spec.get("logConfig")
    if log:
        if not isinstance(log, dict):
            raise ValueError("logConfig must be an object")
        template_ann[ANN_LOG] = json.dumps(log, ensure_ascii=False, sort_keys=True)
    if template_ann:
        template_meta["annotations"] = template_ann
    annotations = _need_annotations(spec.get("annotations"))
    gray = spec.get("gray")
    if gray:
        if not isinstance(gray, dict):
            raise ValueError("gray must be an object")
        annotations[ANN_GRAY] = json.dumps(gray, ensure_ascii=False, sort_keys=True)
    if log:
        annotations[ANN_LOG] = template_ann[ANN_LOG]
    _need_annotations(annotations)
    strategy: dict = {"type": "RollingUpdate"}
    surge = _surge(spec.get("maxSurge"), "maxSurge")
    unavailable = _surge(spec.get("maxUnavailable"), "maxUnavailable")
    if surge in (0, "0%") and unavailable in (0, "0%"):
        raise ValueError("maxSurge and maxUnavailable must not both be 0")
    ru = {}
    if surge is not None:
        ru["maxSurge"] = surge
    if unavailable is not None:
        ru["maxUnavailable"] = unavailable
    if surge in (0, "0%") and unavailable is None:
        ru["maxUnavailable"] = 1
    if ru:
        strategy["rollingUpdate"] = ru
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": _meta(name, namespace, labels, annotations),
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": selector},
            "strategy": strategy,
            "template": {"metadata": template_meta, "spec": pod_spec},
        },
    }


# ---------------------------------------------------------------- Service
def port_name(protocol: str, port: int) -> str:
    return f"{protocol.lower()}-{port}"


def render_service(spec: dict) -> dict:
    if not isinstance(spec, dict):
        raise ValueError("spec must be an object")
    name = spec.get("name")
    if not is_dns1035_label(name):
        raise ValueError(f"name {name!r} is not a valid Service name (DNS-1035 label: lowercase letters, digits "
                         f"and '-', starting with a letter, at most 63 characters)")
    namespace = _need_label(spec.get("namespace"), "namespace")
    labels = _need_labels(spec.get("labels"))
    selector = _need_labels(spec.get("selector"), "selector")
    if not selector:
        raise ValueError("selector must not be empty")
    svc_type = spec.get("type") or "ClusterIP"
    if svc_type not in ("ClusterIP", "NodePort"):
        raise ValueError("type must be ClusterIP or NodePort")
    policy = spec.get("trafficPolicy")
    if policy not in (None, "", "Local", "Cluster"):
        raise ValueError("trafficPolicy must be Local or Cluster")
    ports_in = spec.get("ports")
    if not isinstance(ports_in, list) or not ports_in:
        raise ValueError("ports must not be empty")
    ports, seen, node_ports = [], set(), set()
    for i, p in enumerate(ports_in):
        if not isinstance(p, dict):
            raise ValueError(f"ports[{i}] must be an object")
        port = _port(p.get("port"), f"ports[{i}].port")
        protocol = str(p.get("protocol") or "TCP").upper()
        if protocol not in PROTOCOLS:
            raise ValueError(f"ports[{i}].protocol must be TCP, UDP or SCTP")
        if (port, protocol) in seen:
            raise ValueError(f"ports[{i}]: port {port}/{protocol} is duplicated")
        seen.add((port, protocol))
        target = p.get("targetPort")
        target = port if target in (None, "", 0) else _probe_port(target, f"ports[{i}].targetPort")
        row = {"name": port_name(protocol, port), "port": port, "targetPort": target, "protocol": protocol}
        if svc_type == "NodePort" and p.get("nodePort") not in (None, "", 0):
            np_ = _int(p.get("nodePort"), f"ports[{i}].nodePort", *NODE_PORT_RANGE)
            if (np_, protocol) in node_ports:
                raise ValueError(f"ports[{i}].nodePort {np_} is duplicated")
            node_ports.add((np_, protocol))
            row["nodePort"] = np_
        ports.append(row)
    svc_spec: dict = {"type": svc_type, "selector": selector, "ports": ports}
    if policy:
        svc_spec["externalTrafficPolicy" if svc_type == "NodePort" else "internalTrafficPolicy"] = policy
    return {"apiVersion": "v1", "kind": "Service", "metadata": _meta(name, namespace, labels), "spec": svc_spec}


# ---------------------------------------------------------------- small readers shared by the drivers
def ms_of(ts) -> int:
    """epoch milliseconds of a Kubernetes timestamp (datetime or RFC 3339 string); 0 when unknown."""
    if ts is None or ts == "":
        return 0
    if isinstance(ts, (int, float)):
        return int(ts)
    if isinstance(ts, str):
        try:
            ts = datetime.fromisoformat(ts.replace("Z", "+00:00"))
        except ValueError:
            return 0
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=timezone.utc)
    return int(ts.timestamp() * 1000)


def validate_manifest_shape(m: dict) -> tuple[str, str | None, str]:
    """(kind, namespace, name) of a manifest given to ``apply``; KubeError when it cannot be applied."""
    if not isinstance(m, dict):
        raise KubeError("a manifest must be an object")
    kind = canonical_kind(m.get("kind"))
    api_version, namespaced = KINDS[kind]
    if m.get("apiVersion") != api_version:
        raise KubeError(f'no matches for kind "{kind}" in version "{m.get("apiVersion")}"')
    meta = m.get("metadata") or {}
    name = meta.get("name")
    ok = is_dns_label(name) if kind in ("Namespace", "Deployment") else (
        is_dns1035_label(name) if kind == "Service" else is_dns_subdomain(name))
    if not ok:
        raise KubeError(f'{kind} "{name}" is invalid: metadata.name: Invalid value')
    ns = meta.get("namespace") if namespaced else None
    if namespaced and not is_dns_label(ns):
        raise KubeError(f'{kind} "{name}" is invalid: metadata.namespace: Required value')
    if kind == "Deployment":
        sel = ((m.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
        tl = ((((m.get("spec") or {}).get("template") or {}).get("metadata") or {}).get("labels")) or {}
        if not sel or any(tl.get(k) != v for k, v in sel.items()):
            raise KubeError(f'Deployment.apps "{name}" is invalid: spec.template.metadata.labels: Invalid value: '
                            f'`selector` does not match template `labels`')
    return kind, ns, name
