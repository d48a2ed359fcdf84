"""5.4 environments, their imported K8s resources, and the namespaces of the catalogue's clusters (catalog §2.4).

  env      MS#<t>#env / ID#<envId>              scope ...#env#<projectId>, name = envCode (unique per project)
  envres   MS#<t>#envres / ID#<envId>#<instId>  scope ...#envres#<envId>; the listEvnK8s row
           gsi4 MSNS#<instId>#<namespace> / <t>#<envId>   who uses a namespace of a cluster (all tenants: a
           namespace lives on a shared cluster, so deleting it must see every tenant's imports)

Namespaces are real operations on the instance's cluster through ``chalicelib.targets.kube`` (the simulated
driver stores them; a ``kubernetes`` instance reaches a real API server).
"""
from __future__ import annotations

import re
from typing import Optional

from pydantic import Field, field_validator

from chalicelib.core.errors import Conflict, Invalid, NotFound, Unavailable
from chalicelib.store.msap import MsObj
from chalicelib.surfaces.msap import access, catalog, objects
from chalicelib.surfaces.msap.identity import User
from chalicelib.surfaces.msap.params import Model

ENV = "env"
ENVRES = "envres"
DEPLOY = "deploy"
CONFIGMAP = "configmap"
DEPLOYCONFIG = "deployconfig"

ENV_CODE_RE = r"^[a-z][a-z0-9-]{2,29}$"
DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
SYSTEM_NAMESPACES = {"default", "kube-system", "kube-public", "kube-node-lease"}


# ---------------------------------------------------------------- request models
def _env_name(v):
    if v is not None and not 3 <= len(v) <= 30:
        raise ValueError("环境名称长度必须在3到30个字符之间")
    return v


def _env_type(v):
    if v is not None and v not in {t["code"] for t in catalog.env_types()}:
        codes = ", ".join(t["code"] for t in catalog.env_types())
        raise ValueError(f"环境类型取值不正确，可选值：{codes}")
    return v


class NewEnv(Model):
    envCode: str = Field(min_length=1, title="环境编码")
    envName: str = Field(min_length=1, title="环境名称")
    envType: str = Field(min_length=1, title="环境类型")
    projectId: str = Field(min_length=1, title="项目 ID")
    resPoolId: str = Field(min_length=1, title="资源池 ID")

    @field_validator("envCode")
    @classmethod
    def _code(cls, v: str) -> str:
        if not re.fullmatch(ENV_CODE_RE, v):
            raise ValueError("环境编码不规范：3-30个字符，以小写字母开头，只能包含小写字母、数字和中划线")
        return v

    _name = field_validator("envName")(classmethod(lambda cls, v: _env_name(v)))
    _type = field_validator("envType")(classmethod(lambda cls, v: _env_type(v)))


class EnvRef(Model):
    envId: str = Field(min_length=1, max_length=128, title="环境 ID")


class EnvUpdate(EnvRef):
    envName: Optional[str] = Field(None, title="环境名称")
    envType: Optional[str] = Field(None, title="环境类型")

    _name = field_validator("envName")(classmethod(lambda cls, v: _env_name(v)))
    _type = field_validator("envType")(classmethod(lambda cls, v: _env_type(v)))


class ProjectQuery(Model):
    projectId: str = Field(min_length=1, title="项目 ID")


class PoolQuery(Model):
    resPoolId: str = Field(min_length=1, title="资源池 ID")


class InstQuery(Model):
    instId: str = Field(min_length=1, title="实例 ID")


class NamespaceRef(Model):
    instId: str = Field(min_length=1, title="实例 ID")
    namespaceName: str = Field(min_length=1, title="命名空间")

    @field_validator("namespaceName")
    @classmethod
    def _ns(cls, v: str) -> str:
        if len(v) > 63 or not DNS1123_LABEL.fullmatch(v):
            raise ValueError("命名空间名称不规范：最多63个字符，只能包含小写字母、数字和中划线，且以小写字母或数字开头和结尾")
        return v


class ResourceItem(Model):
    instId: str = Field(min_length=1, title="实例 ID")
    k8sNameSpace: Optional[str] = Field(None, title="命名空间")


class ImportResource(EnvRef):
    resourceList: list[ResourceItem] = Field(min_length=1, max_length=50, title="资源列表")


class DeleteResource(EnvRef):
    instIdList: list[str] = Field(min_length=1, max_length=50, title="实例 ID 列表")


# ---------------------------------------------------------------- clusters (kube)
def kube():
    from chalicelib.targets import kube as _kube  # task K's module (imported when first needed)
    return _kube


def kube_call(fn, *args):
    """One driver call; the cluster's refusal becomes a Chinese 503 (nothing of ours was written yet)."""
    k = kube()
    try:
        return fn(*args)
    except k.KubeError as exc:
        raise Unavailable(f"K8s 集群操作失败：{exc}") from None


def cluster_of_instance(inst: dict):
    cluster = catalog.cluster_of(inst)
    if cluster is None:
        raise Unavailable("K8s 集群暂不可用，请稍后重试")
    return cluster


def instance_cluster(inst_id: str):
    """(catalog instance, target cluster, driver) of a dcos instance; 404 "资源不存在" otherwise."""
    inst = catalog.require_instance(inst_id, "dcos")
    cluster = cluster_of_instance(inst)
    return inst, cluster, kube().driver(cluster)


def cluster_namespaces(cluster, drv) -> list[str]:
    return list(kube_call(drv.namespaces, cluster))


def instance_row(inst: dict, namespace_list, status: str = "1") -> dict:
    """A getK8sCluster / getMseList row (statusCd 1 running, 2 stopped: a cluster that is not ready)."""
    return {"instId": inst["instId"], "namespaceList": namespace_list, "orderTime": inst.get("orderTime", ""),
            "resourceName": inst.get("resourceName", ""), "spec": inst.get("spec", ""),
            "spuName": inst.get("spuName", ""), "statusCd": inst.get("statusCd", status),
            "subCategory": inst.get("subCategory", "")}


# ---------------------------------------------------------------- environments
def env_view(item: MsObj) -> dict:
    d = item.data
    return {"createTime": d["createTime"], "envCode": d["envCode"], "envId": item.obj_id, "envName": d["envName"],
            "envType": d["envType"], "projectCode": d.get("projectCode", ""), "projectId": d["projectId"],
            "projectName": d.get("projectName", ""), "resPoolCode": d.get("resPoolCode", ""),
            "resPoolId": d.get("resPoolId", ""), "resPoolName": d.get("resPoolName", ""),
            "tenantId": d.get("tenantId")}


def create_env(u: User, body: NewEnv) -> str:
    project = access.require_project(u, body.projectId, write=True)
    pool = catalog.require_pool(body.resPoolId)
    env_id = objects.new_uuid()
    data = {"envId": env_id, "envCode": body.envCode, "envName": body.envName, "envType": body.envType,
            "projectId": project.obj_id, "projectCode": project.data.get("projectCode", ""),
            "projectName": project.data.get("projectName", ""), "resPoolCode": pool["resPoolCode"],
            "resPoolId": pool["resPoolId"], "resPoolName": pool["resPoolName"], "tenantId": u.tenant_num,
            "createTime": objects.now_ms_str(), "createUserId": u.user_num, "createStaff": u.username}
    objects.create(u.tenant, ENV, data, obj_id=env_id, parent=project.obj_id, name=body.envCode,
                   unique_name=("环境编码已存在", None))
    return env_id


def update_env(u: User, body: EnvUpdate) -> None:
    item = access.require_env(u, body.envId, operate=True)
    changes = {k: v for k, v in (("envName", body.envName), ("envType", body.envType)) if v is not None}
    renamed = body.envName is not None and body.envName != item.data.get("envName")
    item.data = dict(item.data, **changes, updateTime=objects.now_ms_str(), updateStaff=u.username)
    objects.save(item)
    if renamed:  # ConfigMap rows carry the environment's name (listK8sConfigMaps filters on it)
        for cm in env_configmaps(u.tenant, item.obj_id):
            cm.data = dict(cm.data, deployEnvName=body.envName)
            objects.save(cm)


def has_deployments(tenant: str, project_id: str, env_id: str, predicate=None) -> bool:
    """Deployed applications (task I: kind "deploy", parent projectId, data.deployEnvId) in the environment."""
    items, _ = objects.page(tenant, DEPLOY, objects.ListArgs(None, 0, "create_time", True), parent=project_id,
                            predicate=lambda d: d.data.get("deployEnvId") == env_id
                            and (predicate is None or predicate(d)))
    return bool(items)


def env_configmaps(tenant: str, env_id: str) -> list[MsObj]:
    """The ConfigMaps of an environment (gsi4 ``MS#<t>#CMENV#<envId>``, one Query)."""
    return list(MsObj.gsi4.query(f"MS#{tenant}#CMENV#{env_id}"))


def env_deploy_configs(tenant: str, env_id: str) -> list[MsObj]:
    """The deploy configurations made for an environment (gsi4 ``MS#<t>#DCENV#<envId>``, one Query)."""
    return list(MsObj.gsi4.query(f"MS#{tenant}#DCENV#{env_id}"))


def delete_env(u: User, body: EnvRef) -> None:
    item = access.require_env(u, body.envId, operate=True)
    if has_deployments(u.tenant, item.data["projectId"], item.obj_id):
        raise Invalid("环境下存在发布实例，不能删除")
    if env_configmaps(u.tenant, item.obj_id):
        raise Invalid("环境下存在配置项，请先删除配置项")
    # everything hanging on the environment goes with it: imported resources, deploy configurations,
    # its members' data permissions
    for res in list(objects.all_of(u.tenant, ENVRES, item.obj_id)):
        objects.delete(res, unique=False)
    for dc in env_deploy_configs(u.tenant, item.obj_id):
        objects.delete(dc)
    for auth in list(access.authorities(u.tenant, access.ENV, item.obj_id)):
        objects.delete(auth, unique=False)
    objects.delete(item)


def list_envs(u: User, q: ProjectQuery) -> list[dict]:
    access.require_project(u, q.projectId)
    return [env_view(i) for i in objects.all_of(u.tenant, ENV, q.projectId)]


def list_env_types(u: User, q: ProjectQuery) -> list[dict]:
    access.require_project(u, q.projectId)
    return [{"code": t["code"], "name": t["name"]} for t in catalog.env_types()]


def list_regions() -> list[dict]:
    return [{"areaCode": r["areaCode"], "areaId": r["areaId"], "areaName": r["areaName"],
             "resPools": [{"resPoolCode": p["resPoolCode"], "resPoolId": p["resPoolId"],
                           "resPoolName": p["resPoolName"]} for p in r.get("resPools", [])]}
            for r in catalog.regions()]


# ---------------------------------------------------------------- cluster instances and namespaces
def k8s_clusters(q: PoolQuery) -> list[dict]:
    catalog.require_pool(q.resPoolId)
    rows = []
    for inst in catalog.instances(q.resPoolId, "dcos"):
        cluster = cluster_of_instance(inst)
        try:
            names, status = cluster_namespaces(cluster, kube().driver(cluster)), "1" if cluster.ready else "2"
        except Unavailable:  # an unreachable cluster is listed with status 0 (unknown), not an error
            names, status = [], "0"
        rows.append(instance_row(inst, names, status))
    return rows


def mse_list(q: PoolQuery) -> list[dict]:
    catalog.require_pool(q.resPoolId)
    return [instance_row(inst, None) for inst in catalog.instances(q.resPoolId, "msercm")]


def list_namespaces(q: InstQuery) -> list[str]:
    _, cluster, drv = instance_cluster(q.instId)
    return cluster_namespaces(cluster, drv)


def create_namespace(u: User, body: NamespaceRef) -> None:
    _, cluster, drv = instance_cluster(body.instId)
    if body.namespaceName in cluster_namespaces(cluster, drv):
        raise Conflict("命名空间已存在")
    if not kube_call(drv.ensure_namespace, cluster, body.namespaceName):
        raise Conflict("命名空间已存在")


def namespace_in_use(inst_id: str, namespace: str) -> bool:
    for _ in MsObj.gsi4.query(f"MSNS#{inst_id}#{namespace}", limit=1):
        return True
    return False


def delete_namespace(u: User, body: NamespaceRef) -> None:
    _, cluster, drv = instance_cluster(body.instId)
    if body.namespaceName not in cluster_namespaces(cluster, drv):
        raise NotFound("命名空间不存在")
    if body.namespaceName in SYSTEM_NAMESPACES:
        raise Invalid("系统命名空间不能删除")
    if namespace_in_use(body.instId, body.namespaceName):
        raise Conflict("命名空间正在被环境使用")
    if not kube_call(drv.delete_namespace, cluster, body.namespaceName):
        raise NotFound("命名空间不存在")


# ---------------------------------------------------------------- resources imported into an environment
def env_resources(tenant: str, env_id: str) -> list[MsObj]:
    """The instances imported into an environment (for ConfigMaps and deployments: data = the listEvnK8s row)."""
    return list(objects.all_of(tenant, ENVRES, env_id))


def env_resource(tenant: str, env_id: str, inst_id: str) -> MsObj | None:
    return objects.get(tenant, ENVRES, f"{env_id}#{inst_id}")


def _ns_lookup(tenant: str, env_id: str, inst_id: str, namespace: str) -> tuple[str, str]:
    return f"MSNS#{inst_id}#{namespace or '-'}", f"{tenant}#{env_id}"


def resource_row(u: User, env: MsObj, inst: dict, namespace: str, now: str) -> dict:
    return {"createStaff": u.username, "createTime": now, "envId": env.obj_id, "instId": inst["instId"],
            "ip": inst.get("ip"), "namespace": namespace, "orderTime": inst.get("orderTime", ""),
            "port": inst.get("port"), "resourceName": inst.get("resourceName", ""),
            "resourcePoolCode": inst["resPoolCode"], "resourcePoolId": inst["resPoolId"],
            "spec": inst.get("spec", ""), "spuName": inst.get("spuName", ""), "statusCd": "1",
            "subCategory": inst.get("subCategory", ""), "tenantId": u.tenant_num, "updateStaff": u.username,
            "updateTime": now}


def import_resources(u: User, body: ImportResource) -> None:
    env = access.require_env(u, body.envId, operate=True)
    plan, seen = [], set()
    for ref in body.resourceList:  # check everything first
        if ref.instId in seen:
            raise Invalid(f"资源[{ref.instId}]重复")
        seen.add(ref.instId)
        inst = catalog.require_instance(ref.instId, "dcos")
        if inst["resPoolCode"] != env.data.get("resPoolCode"):
            raise Invalid(f"资源[{inst['resourceName']}]不在环境所属的资源池中")
        ns = (ref.k8sNameSpace or "").strip()
        if ns:
            cluster = cluster_of_instance(inst)
            if ns not in cluster_namespaces(cluster, kube().driver(cluster)):
                raise NotFound(f"命名空间[{ns}]不存在")
        existing = env_resource(u.tenant, env.obj_id, inst["instId"])
        if existing is not None and ns and existing.data.get("namespace", "") != ns:
            # narrowing the import must not strand what lives in other namespaces of the cluster
            name, iid = inst.get("resourceName", ""), inst["instId"]
            if any(cm.data.get("instId") == iid and cm.data.get("namespace") != ns
                   for cm in env_configmaps(u.tenant, env.obj_id)):
                raise Invalid(f"资源[{name}]的其他命名空间下存在配置项，不能更换命名空间")
            if has_deployments(u.tenant, env.data["projectId"], env.obj_id,
                               lambda d: d.data.get("instId") == iid and d.data.get("namespace") != ns):
                raise Invalid(f"资源[{name}]的其他命名空间下存在发布实例，不能更换命名空间")
        plan.append((inst, ns, existing))
    now = objects.now_ms_str()
    for inst, ns, existing in plan:
        lookup = _ns_lookup(u.tenant, env.obj_id, inst["instId"], ns)
        if existing is None:
            objects.create(u.tenant, ENVRES, resource_row(u, env, inst, ns, now),
                           obj_id=f"{env.obj_id}#{inst['instId']}", parent=env.obj_id,
                           name=inst.get("resourceName", ""), lookup=lookup)
        else:  # importing the same instance again replaces its namespace
            existing.data = dict(existing.data, namespace=ns, updateTime=now, updateStaff=u.username)
            existing.gsi4pk, existing.gsi4sk = lookup
            objects.save(existing)


def delete_resources(u: User, body: DeleteResource) -> None:
    env = access.require_env(u, body.envId, operate=True)
    plan, configmaps = [], None
    for inst_id in dict.fromkeys(body.instIdList):
        res = env_resource(u.tenant, env.obj_id, inst_id) if inst_id else None
        if res is None:
            raise NotFound("资源不存在")
        name = res.data.get("resourceName")
        configmaps = env_configmaps(u.tenant, env.obj_id) if configmaps is None else configmaps
        if any(cm.data.get("instId") == inst_id for cm in configmaps):
            raise Invalid(f"资源[{name}]下存在配置项，不能删除")
        if has_deployments(u.tenant, env.data["projectId"], env.obj_id,
                           lambda d: d.data.get("instId") == inst_id or d.data.get("clusterName") == name):
            raise Invalid(f"资源[{name}]下存在发布实例，不能删除")
        plan.append(res)
    for res in plan:
        objects.delete(res, unique=False)


def list_env_k8s(u: User, q: EnvRef) -> list[dict]:
    env = access.require_env(u, q.envId)
    return [dict(r.data) for r in env_resources(u.tenant, env.obj_id)]
