"""5.10 K8s ConfigMaps of an environment, applied to the cluster of one of its imported instances.

  configmap  MS#<t>#configmap / ID#<configMapId>   scope ...#configmap (the tenant: the list has no project filter),
             name = configMapName; gsi4 MS#<t>#CMENV#<envId> / <namespace>#<name> (an environment's ConfigMaps)
  claim      UNIQUE#mscm#<instId>#<namespace>#<name>   one ConfigMap per (cluster, namespace, name), whichever tenant
             made it: a cluster holds one object under a name, so a second one would overwrite the first
"""
from __future__ import annotations

import re
from typing import Optional

from pydantic import Field, field_validator

from chalicelib.core.errors import Conflict, Invalid, NotFound
from chalicelib.store import base as store
from chalicelib.store.msap import MsObj
from chalicelib.surfaces.msap import access, objects, service_env
from chalicelib.surfaces.msap.identity import User
from chalicelib.surfaces.msap.service_deploy_config import parse_list
from chalicelib.surfaces.msap.params import Model

CONFIGMAP = "configmap"
NAME_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)?$")
KEY_RE = re.compile(r"^[-._a-zA-Z0-9]+$")
MAX_BYTES = 1024 * 1024  # Kubernetes' limit for a ConfigMap's data
MAX_ITEMS = 200


class Item(Model):
    name: str = Field(min_length=1, title="配置项键名称")
    value: str = Field(title="配置项值")  # may be empty (Kubernetes allows it), not absent
    storagePath: Optional[str] = Field(None, max_length=1024, title="配置项存储路径")

    @field_validator("name")
    @classmethod
    def _key(cls, v: str) -> str:
        if len(v) > 253 or not KEY_RE.fullmatch(v) or v in {".", ".."}:
            raise ValueError("配置项键名称不规范：只能包含字母、数字、中划线、下划线和点，最多253个字符")
        return v


def _items(v) -> list[Item]:
    if v in (None, []):
        raise ValueError("配置项列表不能为空")
    v = parse_list(Item, v, "配置项列表")
    if len(v) > MAX_ITEMS:
        raise ValueError(f"配置项数量不能超过{MAX_ITEMS}")
    names = [i.name for i in v]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup is not None:
        raise ValueError(f"配置项键名称[{dup}]重复")
    if sum(len(i.name.encode()) + len(i.value.encode()) for i in v) > MAX_BYTES:
        raise ValueError("配置项内容不能超过1MiB")
    return v


class NewConfigMap(Model):
    clusterName: str = Field(min_length=1, max_length=128, title="集群名称")
    configMapName: str = Field(min_length=1, title="配置项名称")
    deployEnvId: str = Field(min_length=1, max_length=128, title="部署环境 ID")
    items: list[Item] = Field(title="配置项列表")
    namespace: str = Field(min_length=1, max_length=63, title="命名空间")

    @field_validator("configMapName")
    @classmethod
    def _name(cls, v: str) -> str:
        if len(v) > 253 or not NAME_RE.fullmatch(v):
            raise ValueError("配置项名称不规范：只能包含小写字母、数字、中划线和点，且以小写字母或数字开头和结尾")
        return v

    _items = field_validator("items", mode="before")(classmethod(lambda cls, v: _items(v)))


class ConfigMapRef(Model):
    configMapId: str = Field(min_length=1, max_length=128, title="配置项 ID")


class ConfigMapUpdate(ConfigMapRef):
    items: list[Item] = Field(title="配置项列表")

    _items = field_validator("items", mode="before")(classmethod(lambda cls, v: _items(v)))


class ConfigMapQuery(Model):
    configMapName: Optional[str] = Field(None, max_length=253, title="配置项名称")
    deployEnvName: Optional[str] = Field(None, max_length=30, title="环境名称")
    pageNum: Optional[str] = None
    pageSize: Optional[str] = None


def view(item: MsObj) -> dict:
    d = item.data
    return {"clusterName": d["clusterName"], "configMapId": item.obj_id, "configMapName": d["configMapName"],
            "createTime": d["createTime"], "deployEnvCode": d.get("deployEnvCode", ""),
            "deployEnvId": d["deployEnvId"], "deployEnvName": d.get("deployEnvName", ""),
            "items": [dict(i) for i in d.get("items", [])], "namespace": d["namespace"]}


def _item_rows(items: list[Item]) -> list[dict]:
    # storagePath: where the key lands when the ConfigMap is mounted as a directory (the key's file name)
    return [{"name": i.name, "value": i.value, "storagePath": i.storagePath or i.name} for i in items]


def _manifest(kube, d: dict, config_map_id: str) -> dict:
    try:
        return kube.render_configmap(d["configMapName"], d["namespace"],
                                     [{"name": i["name"], "value": i["value"]} for i in d["items"]],
                                     labels={"msap.edgeplane/configmap": config_map_id})
    except ValueError as exc:  # the renderer's own checks (ours run first, this is a safety net)
        raise Invalid(f"配置项不规范：{exc}") from None


def _claim(inst_id: str, namespace: str, name: str) -> tuple[str, str]:
    return f"mscm#{inst_id}", f"{namespace}#{name}"


def _target(u: User, env: MsObj, cluster_name: str, namespace: str):
    """The env's imported instance named ``cluster_name`` and its cluster; the namespace must be the imported one
    (or, for an import without a namespace, any namespace of that cluster)."""
    res = next((r for r in service_env.env_resources(u.tenant, env.obj_id)
                if r.data.get("resourceName") == cluster_name), None)
    if res is None:
        raise NotFound(f"集群[{cluster_name}]未导入该环境")
    imported = res.data.get("namespace") or ""
    inst, cluster, drv = service_env.instance_cluster(res.data["instId"])
    if imported and namespace != imported:
        raise Invalid(f"命名空间[{namespace}]未导入该环境，可用命名空间：{imported}")
    if namespace not in service_env.cluster_namespaces(cluster, drv):
        raise NotFound("命名空间不存在")
    return inst, cluster, drv


def require(u: User, config_map_id: str) -> MsObj:
    return objects.require(u.tenant, CONFIGMAP, config_map_id, "配置项不存在")


def create(u: User, body: NewConfigMap) -> str:
    env = access.require_env(u, body.deployEnvId, operate=True)
    inst, cluster, drv = _target(u, env, body.clusterName, body.namespace)
    kube = service_env.kube()
    if service_env.kube_call(drv.get, cluster, "ConfigMap", body.namespace, body.configMapName) is not None:
        raise Conflict("配置项已存在")
    cm_id = objects.new_uuid()
    data = {"configMapId": cm_id, "configMapName": body.configMapName, "clusterName": body.clusterName,
            "instId": inst["instId"], "namespace": body.namespace, "deployEnvId": env.obj_id,
            "deployEnvCode": env.data.get("envCode", ""), "deployEnvName": env.data.get("envName", ""),
            "items": _item_rows(body.items), "createTime": objects.now_ms_str(),
            "projectId": env.data["projectId"], "createStaff": u.username, "createUserId": u.user_num}
    manifest = _manifest(kube, data, cm_id)  # rendering errors surface before anything is written
    scope, value = _claim(inst["instId"], body.namespace, body.configMapName)
    claim = store.Unique(f"UNIQUE#{scope}#{value}", "U", owner=f"MS#{u.tenant}#{CONFIGMAP}|ID#{cm_id}")
    store.create(claim, conflict="配置项已存在")
    try:
        item = objects.create(u.tenant, CONFIGMAP, data, obj_id=cm_id, name=body.configMapName,
                              lookup=(f"MS#{u.tenant}#CMENV#{env.obj_id}", f"{body.namespace}#{body.configMapName}"))
        try:
            service_env.kube_call(drv.apply, cluster, [manifest])
        except Exception:
            objects.delete(item, unique=False)
            raise
    except Exception:
        claim.delete()
        raise
    return cm_id


def update(u: User, body: ConfigMapUpdate) -> bool:
    item = require(u, body.configMapId)
    env = access.require_env(u, item.data["deployEnvId"], operate=True)
    _, cluster, drv = service_env.instance_cluster(item.data["instId"])
    data = dict(item.data, items=_item_rows(body.items), updateTime=objects.now_ms_str(), updateStaff=u.username,
                deployEnvName=env.data.get("envName", ""))
    service_env.kube_call(drv.apply, cluster, [_manifest(service_env.kube(), data, item.obj_id)])
    item.data = data
    objects.save(item)
    return True


def mounted(tenant: str, item: MsObj) -> bool:
    """Whether a deployed application of the environment mounts the ConfigMap (its current deploySpec)."""
    d = item.data

    def mounts_it(dep: MsObj) -> bool:
        spec = dep.data.get("deploySpec") or {}
        return (dep.data.get("instId") == d.get("instId") and dep.data.get("namespace") == d["namespace"]
                and any(isinstance(m, dict) and m.get("configMap") == d["configMapName"]
                        for m in spec.get("configMounts") or []))
    return service_env.has_deployments(tenant, d["projectId"], d["deployEnvId"], mounts_it)


def delete(u: User, body: ConfigMapRef) -> bool:
    item = require(u, body.configMapId)
    access.require_env(u, item.data["deployEnvId"], operate=True)
    if mounted(u.tenant, item):
        raise Invalid("配置项正在被发布实例使用，不能删除")
    _, cluster, drv = service_env.instance_cluster(item.data["instId"])
    service_env.kube_call(drv.delete, cluster, "ConfigMap", item.data["namespace"], item.data["configMapName"])
    objects.delete(item, unique=False)
    scope, value = _claim(item.data["instId"], item.data["namespace"], item.data["configMapName"])
    store.Unique(f"UNIQUE#{scope}#{value}", "U").delete()
    return True


def page(u: User, q: ConfigMapQuery) -> dict:
    args = objects.window(q.pageNum, q.pageSize)
    needle = (q.configMapName or "").strip()
    env_name = (q.deployEnvName or "").strip()
    projects = None if u.main else set(access.my_project_ids(u))

    def match(it: MsObj) -> bool:
        d = it.data
        return ((not needle or needle in d.get("configMapName", ""))
                and (not env_name or d.get("deployEnvName") == env_name)
                and (projects is None or d.get("projectId") in projects))

    pred = match if (needle or env_name or projects is not None) else None
    items, total = objects.page(u.tenant, CONFIGMAP, args, predicate=pred)
    return objects.page_info([view(i) for i in items], total, args)
