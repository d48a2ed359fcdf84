"""MSAP catalogue data from a settings file (``catalog.json`` beside this module, or ``EDGEPLANE_MSAP_CATALOG``):
regions with resource pools and their resource instances, build/runtime environments, environment types,
roles and pipeline permission types. No API creates these (catalog §8.28).

A ``dcos`` instance is a Kubernetes cluster of the shared target inventory (``chalicelib.targets``), registered
on first use as ``msap-<instId>`` with the instance's driver (``simulated`` by default, ``kubernetes`` with a
kubeconfig), so deployments reach it through the same driver interface as every other API.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from chalicelib.core.config import settings
from chalicelib.core.errors import NotFound
from chalicelib.targets import get_cluster, register_cluster, register_node

DEFAULT_FILE = Path(__file__).resolve().parent / "catalog.json"


@lru_cache(maxsize=4)
def _load(path: str) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def data() -> dict:
    return _load(str(settings().msap_catalog or DEFAULT_FILE))


def regions() -> list[dict]:
    return data().get("regions", [])


def pools() -> list[dict]:
    return [pool for region in regions() for pool in region.get("resPools", [])]


def pool(code: str) -> dict | None:
    for p in pools():
        if p["resPoolCode"] == code:
            return p
    return None


def require_pool(code: str) -> dict:
    p = pool(code)
    if p is None:
        raise NotFound("资源池不存在")
    return p


def instances(pool_code: str | None = None, sub_category: str | None = None) -> list[dict]:
    out = []
    for p in pools():
        if pool_code and p["resPoolCode"] != pool_code:
            continue
        for inst in p.get("instances", []):
            if sub_category and inst.get("subCategory") != sub_category:
                continue
            out.append(dict(inst, resPoolCode=p["resPoolCode"], resPoolId=p["resPoolId"], resPoolName=p["resPoolName"]))
    return out


def instance(inst_id: str) -> dict | None:
    for inst in instances():
        if inst["instId"] == str(inst_id):
            return inst
    return None


def require_instance(inst_id: str, sub_category: str | None = "dcos") -> dict:
    inst = instance(inst_id) if inst_id else None
    if inst is None or (sub_category and inst.get("subCategory") != sub_category):
        raise NotFound("资源不存在")
    return inst


def cluster_name(inst: dict) -> str:
    return f"msap-{inst['instId']}"


def cluster_of(inst: dict):
    """The target cluster behind a dcos instance (registered on first use, with its nodes)."""
    name = cluster_name(inst)
    c = get_cluster(name)
    if c is None:
        attrs = {k: inst[k] for k in ("kubeconfig", "context") if inst.get(k)}
        try:
            register_cluster(name, labels=["msap"], driver=inst.get("driver", "simulated"), attrs=attrs)
            for node in inst.get("nodes", ["node-1"]):
                register_node(name, node)
        except Exception:  # a concurrent first use registered it
            pass
        c = get_cluster(name)
        if c is not None and not c.namespaces and inst.get("namespaces"):
            c.namespaces = list(inst["namespaces"])
            c.save()
    return c


def env_types() -> list[dict]:
    return data().get("envTypes", [])


def build_envs(label: str | None = None) -> list[dict]:
    return [b for b in data().get("buildEnvs", []) if not label or b["buildEnvLabel"].upper() == label.upper()]


def build_env(code: str) -> dict | None:
    return next((b for b in data().get("buildEnvs", []) if b["buildEnvCode"] == code), None)


def runtime_envs(label: str | None = None) -> list[dict]:
    return [r for r in data().get("runtimeEnvs", []) if not label or r["label"].upper() == label.upper()]


def runtime_env(code: str) -> dict | None:
    return next((r for r in data().get("runtimeEnvs", []) if r["runtimeEnvCode"] == code), None)


def roles() -> list[dict]:
    return data().get("roles", [])


def role_ids() -> set[int]:
    return {int(r["roleGroupId"]) for r in roles()}


def role_names(ids) -> str:
    names = {int(r["roleGroupId"]): r["groupName"] for r in roles()}
    return ",".join(names[i] for i in ids if i in names)


PROJECT_ADMIN_ROLE = 1
GUEST_ROLE = 5


def perm_types() -> dict:
    return data().get("pipelinePermissionTypes", {})


def perm_type_names() -> dict[str, str]:
    return {a["attrValue"]: a["name"] for a in perm_types().get("attrValueList", [])}
