"""5.10 K8s ConfigMaps: applied to the (simulated) cluster of an environment's imported instance."""
from __future__ import annotations

from chalicelib.surfaces.msap import objects
from tests.api.msap.conftest import add_member
from tests.api.msap.test_env import (INST, authorize_env, cluster_and_driver, import_ns, make_env, make_namespace,
                                     tenant_of)

CREATE = "/v1/configmap/createK8sConfigMap"
UPDATE = "/v1/configmap/updateK8sConfigMap"
DELETE = "/v1/configmap/deleteK8sConfigMap"
LIST = "/v1/configmap/listK8sConfigMaps"
CLUSTER = "edgeplane-k8s-1"


def on_cluster(namespace, name):
    cluster, drv = cluster_and_driver()
    return drv.get(cluster, "ConfigMap", namespace, name)


def cluster_configmaps(namespace):
    cluster, drv = cluster_and_driver()
    return sorted(m["metadata"]["name"] for m in drv.list(cluster, "ConfigMap", namespace))


def env_with_namespace(ms, ns="cm-test", pid=None, env_name=None):
    pid = pid or ms.project()
    env_id = make_env(ms, pid, name=env_name)
    make_namespace(ms, ns)
    import_ns(ms, env_id, ns)
    return pid, env_id


def body(env_id, ns="cm-test", name="app-config", items=None, cluster=CLUSTER):
    return {"clusterName": cluster, "configMapName": name, "deployEnvId": env_id, "namespace": ns,
            "items": items if items is not None else [{"name": "application.yml", "value": "server:\n  port: 8080\n"},
                                                      {"name": "LOG_LEVEL", "value": "info"}]}


def test_create_list_update_delete(ms):
    pid, env_id = env_with_namespace(ms, env_name="配置测试环境")
    cm_id = ms.ok_post(CREATE, body(env_id))
    assert isinstance(cm_id, str) and len(cm_id) == 36
    m = on_cluster("cm-test", "app-config")  # really on the cluster
    assert m["kind"] == "ConfigMap" and m["data"] == {"application.yml": "server:\n  port: 8080\n", "LOG_LEVEL": "info"}

    page = ms.ok_get(LIST)
    assert (page["total"], page["pageNum"], page["pageSize"], page["size"]) == (1, 1, 10, 1)
    row = page["list"][0]
    assert set(row) == {"clusterName", "configMapId", "configMapName", "createTime", "deployEnvCode", "deployEnvId",
                        "deployEnvName", "items", "namespace"}
    assert (row["configMapId"], row["configMapName"], row["clusterName"], row["namespace"]) == (
        cm_id, "app-config", CLUSTER, "cm-test")
    assert (row["deployEnvId"], row["deployEnvName"]) == (env_id, "配置测试环境")
    assert row["deployEnvCode"].startswith("env-") and row["createTime"].isdigit()
    assert row["items"][0] == {"name": "application.yml", "value": "server:\n  port: 8080\n",
                               "storagePath": "application.yml"}
    item = objects.get(tenant_of(ms), "configmap", cm_id)
    assert item.name == "app-config" and item.data["projectId"] == pid and item.scope.endswith("#configmap")

    assert ms.ok_post(UPDATE, {"configMapId": cm_id, "items": [{"name": "LOG_LEVEL", "value": "debug"}]}) is True
    assert on_cluster("cm-test", "app-config")["data"] == {"LOG_LEVEL": "debug"}
    assert ms.ok_get(LIST)["list"][0]["items"] == [{"name": "LOG_LEVEL", "value": "debug", "storagePath": "LOG_LEVEL"}]

    assert ms.ok_post(DELETE, {"configMapId": cm_id}) is True
    assert on_cluster("cm-test", "app-config") is None
    assert ms.ok_get(LIST)["total"] == 0
    assert ms.fails("POST", DELETE, {"configMapId": cm_id}, 404) == "配置项不存在"
    assert ms.fails("POST", UPDATE, {"configMapId": cm_id, "items": [{"name": "a", "value": "b"}]},
                    404) == "配置项不存在"
    # the name is free again
    ms.ok_post(CREATE, body(env_id))


def test_create_validation_changes_nothing(ms):
    _, env_id = env_with_namespace(ms)
    other_env = make_env(ms, ms.project())
    make_namespace(ms, "not-imported")

    def bad(status=400, **changes):
        return ms.fails("POST", CREATE, {k: v for k, v in dict(body(env_id), **changes).items() if v is not None},
                        status)

    assert bad(configMapName=None) == "配置项名称不能为空"
    for name in ("App-Config", "app_config", "-app", "app.", "a.b.c"):
        assert bad(configMapName=name).startswith("配置项名称不规范"), name
    assert bad(items=[]) == "配置项列表不能为空"
    assert bad(items=None) == "配置项列表不能为空"
    assert bad(items=[{"value": "x"}]) == "配置项键名称不能为空"
    assert bad(items=[{"name": "a"}]) == "配置项值不能为空"
    assert bad(items=[{"name": "bad key", "value": "x"}]).startswith("配置项键名称不规范")
    assert bad(items=[{"name": "k", "value": "1"}, {"name": "k", "value": "2"}]) == "配置项键名称[k]重复"
    assert bad(items=[{"name": "big", "value": "x" * (1024 * 1024 + 1)}]) == "配置项内容不能超过1MiB"
    assert bad(clusterName=None) == "集群名称不能为空"
    assert bad(namespace=None) == "命名空间不能为空"
    assert bad(deployEnvId=None) == "部署环境 ID 不能为空"
    assert bad(deployEnvId="nope", status=404) == "环境不存在"
    assert bad(clusterName="other-cluster", status=404) == "集群[other-cluster]未导入该环境"
    assert bad(deployEnvId=other_env, status=404) == f"集群[{CLUSTER}]未导入该环境"
    assert bad(namespace="not-imported").startswith("命名空间[not-imported]未导入该环境")
    assert ms.ok_get(LIST)["total"] == 0
    assert cluster_configmaps("cm-test") == []

    ms.ok_post(CREATE, body(env_id))
    assert bad(status=409) == "配置项已存在"
    assert ms.fails("POST", UPDATE, {"configMapId": ms.ok_get(LIST)["list"][0]["configMapId"], "items": []}
                    ) == "配置项列表不能为空"
    assert ms.ok_get(LIST)["total"] == 1 and cluster_configmaps("cm-test") == ["app-config"]


def test_import_without_namespace_allows_any_namespace_of_the_cluster(ms):
    pid = ms.project()
    env_id = make_env(ms, pid)
    make_namespace(ms, "free-ns")
    assert ms.ok_post("/v1/env/importResource", {"envId": env_id, "resourceList": [{"instId": INST}]}) == ""
    ms.ok_post(CREATE, body(env_id, ns="free-ns", name="any-ns"))
    assert on_cluster("free-ns", "any-ns") is not None
    assert ms.fails("POST", CREATE, body(env_id, ns="missing-ns"), 404) == "命名空间不存在"


def test_same_name_on_the_cluster_is_refused_across_environments(ms, ms_other):
    _, env_id = env_with_namespace(ms, ns="shared-cm")
    ms.ok_post(CREATE, body(env_id, ns="shared-cm"))
    other_env = make_env(ms_other, ms_other.project())
    import_ns(ms_other, other_env, "shared-cm")
    assert ms_other.fails("POST", CREATE, body(other_env, ns="shared-cm"), 409) == "配置项已存在"
    assert on_cluster("shared-cm", "app-config")["data"]["LOG_LEVEL"] == "info"  # not overwritten
    assert ms_other.ok_get(LIST)["total"] == 0


def test_list_filters_paging_and_visibility(ms):
    pid_a, env_a = env_with_namespace(ms, ns="ns-a", env_name="甲环境")
    pid_b, env_b = env_with_namespace(ms, ns="ns-b", env_name="乙环境")
    for i in range(3):
        ms.ok_post(CREATE, body(env_a, ns="ns-a", name=f"alpha-{i}"))
    ms.ok_post(CREATE, body(env_b, ns="ns-b", name="beta-0"))
    assert ms.ok_get(LIST)["total"] == 4
    names = [r["configMapName"] for r in ms.ok_get(LIST, configMapName="alpha")["list"]]
    assert names == ["alpha-2", "alpha-1", "alpha-0"]  # newest first
    assert [r["configMapName"] for r in ms.ok_get(LIST, deployEnvName="乙环境")["list"]] == ["beta-0"]
    assert ms.ok_get(LIST, deployEnvName="乙")["total"] == 0  # the environment name must be equal
    assert ms.ok_get(LIST, configMapName="alpha", deployEnvName="乙环境")["total"] == 0
    p2 = ms.ok_get(LIST, pageNum=2, pageSize=3)
    assert (p2["total"], p2["size"], p2["pages"], p2["list"][0]["configMapName"]) == (4, 1, 2, "alpha-0")
    assert ms.fails("GET", LIST, {"pageSize": "x"}) == "每页条数必须是整数"

    # renaming the environment renames it in the rows (and the filter)
    ms.ok_post("/v1/env/updateEnv", {"envId": env_b, "envName": "丙环境"})
    assert [r["configMapName"] for r in ms.ok_get(LIST, deployEnvName="丙环境")["list"]] == ["beta-0"]

    # a sub-account sees only the ConfigMaps of its projects
    sub = ms.sub_account()
    assert sub.ok_get(LIST)["total"] == 0
    add_member(ms, pid_b, sub, roles=(5,))
    assert [r["configMapName"] for r in sub.ok_get(LIST)["list"]] == ["beta-0"]


def test_permissions_and_tenancy(ms, ms_other):
    pid, env_id = env_with_namespace(ms)
    cm_id = ms.ok_post(CREATE, body(env_id))
    dev = ms.sub_account()
    add_member(ms, pid, dev, roles=(2,))
    assert dev.fails("POST", CREATE, body(env_id, name="dev-config"), 403) == "您没有该环境的操作权限"
    assert dev.fails("POST", UPDATE, {"configMapId": cm_id, "items": [{"name": "a", "value": "b"}]},
                     403) == "您没有该环境的操作权限"
    assert dev.fails("POST", DELETE, {"configMapId": cm_id}, 403) == "您没有该环境的操作权限"
    authorize_env(ms, pid, env_id, dev)
    dev_cm = dev.ok_post(CREATE, body(env_id, name="dev-config"))
    assert dev.ok_post(DELETE, {"configMapId": dev_cm}) is True

    assert ms_other.fails("POST", UPDATE, {"configMapId": cm_id, "items": [{"name": "a", "value": "b"}]},
                          404) == "配置项不存在"
    assert ms_other.fails("POST", DELETE, {"configMapId": cm_id}, 404) == "配置项不存在"
    assert ms_other.fails("POST", CREATE, body(env_id, name="x-config"), 404) == "环境不存在"
    assert ms_other.ok_get(LIST)["total"] == 0
    assert on_cluster("cm-test", "app-config")["data"]["LOG_LEVEL"] == "info"


def test_environment_and_resource_deletion_refused_while_configmaps_exist(ms):
    pid, env_id = env_with_namespace(ms)
    cm_id = ms.ok_post(CREATE, body(env_id))
    assert ms.fails("POST", "/v1/env/deleteEnv", {"envId": env_id}) == "环境下存在配置项，请先删除配置项"
    assert ms.fails("POST", "/v1/env/deleteResource", {"envId": env_id, "instIdList": [INST]}
                    ) == f"资源[{CLUSTER}]下存在配置项，不能删除"
    make_namespace(ms, "cm-other")
    assert ms.fails("POST", "/v1/env/importResource", {"envId": env_id, "resourceList": [
        {"instId": INST, "k8sNameSpace": "cm-other"}]}) == f"资源[{CLUSTER}]的其他命名空间下存在配置项，不能更换命名空间"
    assert [r["namespace"] for r in ms.ok_get("/v1/env/listEvnK8s", envId=env_id)] == ["cm-test"]
    ms.ok_post(DELETE, {"configMapId": cm_id})
    assert ms.ok_post("/v1/env/deleteEnv", {"envId": env_id}) == ""


def test_cluster_refusal_leaves_nothing(ms):
    from chalicelib.targets import set_faults
    _, env_id = env_with_namespace(ms)
    cluster, _ = cluster_and_driver()
    set_faults(cluster.name, {"apply": "error"})
    status, env = ms.post(CREATE, body(env_id))
    assert status == 503 and env["code"] == "500" and env["msg"].startswith("K8s 集群操作失败")
    set_faults(cluster.name, {})
    assert ms.ok_get(LIST)["total"] == 0 and on_cluster("cm-test", "app-config") is None
    ms.ok_post(CREATE, body(env_id))  # the claim was released


def test_delete_refused_while_a_deployment_mounts_it(ms):
    pid, env_id = env_with_namespace(ms)
    cm_id = ms.ok_post(CREATE, body(env_id))
    tenant = tenant_of(ms)
    dep = objects.create(tenant, "deploy", {
        "appId": "app-1", "deployEnvId": env_id, "projectId": pid, "instId": INST, "namespace": "cm-test",
        "deploySpec": {"configMounts": [{"configMap": "app-config", "mountPath": "/etc/app", "items": []}]}},
        parent=pid, lookup=(f"MS#{tenant}#DEPLOYAPP#app-1", f"{env_id}#dep-1"))
    assert ms.fails("POST", DELETE, {"configMapId": cm_id}) == "配置项正在被发布实例使用，不能删除"
    assert on_cluster("cm-test", "app-config") is not None
    dep.data = dict(dep.data, deploySpec={"configMounts": []})
    objects.save(dep)
    assert ms.ok_post(DELETE, {"configMapId": cm_id}) is True
