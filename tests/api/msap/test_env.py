"""5.4 environments: CRUD, resource pools, K8s clusters and namespaces (on the simulated cluster), imported
resources, permissions and tenancy."""
from __future__ import annotations

import itertools
import json

import pytest

from chalicelib.surfaces.msap import catalog, objects
from chalicelib.surfaces.msap.identity import get_ms_account
from tests.api.msap.conftest import add_member

POOL = "local-pool"
INST = "813708046147519488"       # the catalogue's dcos instance (edgeplane-k8s-1)
MSE = "813708046147519489"        # the catalogue's msercm instance
INST2 = "900000000000000001"      # a dcos instance of a second pool (fixture other_pool)
_n = itertools.count(1)


# ---------------------------------------------------------------- helpers (used by the other task-E test modules)
def tenant_of(ms) -> str:
    return get_ms_account(ms.username).tenant_id


def make_env(ms, pid, code=None, name=None, env_type="TEST", pool=POOL) -> str:
    n = next(_n)
    return ms.ok_post("/v1/env/createEnv", {"envCode": code or f"env-{n:03d}", "envName": name or f"测试环境{n:03d}",
                                            "envType": env_type, "projectId": pid, "resPoolId": pool})


def make_namespace(ms, name, inst=INST):
    assert ms.ok_post("/v1/env/createK8sNameSpace", {"instId": inst, "namespaceName": name}) == ""


def import_ns(ms, env_id, ns, inst=INST):
    assert ms.ok_post("/v1/env/importResource", {"envId": env_id, "resourceList": [
        {"instId": inst, "k8sNameSpace": ns}]}) == ""


def cluster_and_driver(inst_id=INST):
    from chalicelib.targets import kube
    cluster = catalog.cluster_of(catalog.require_instance(inst_id))
    return cluster, kube.driver(cluster)


def cluster_namespaces(inst_id=INST) -> list[str]:
    cluster, drv = cluster_and_driver(inst_id)
    return list(drv.namespaces(cluster))


def authorize_env(owner, pid, env_id, member):
    owner.ok_post("/v1/data/authorize/authorizeEnv", {"envId": env_id, "projectId": pid, "userIds": [member.user_id]})


@pytest.fixture
def other_pool(monkeypatch, tmp_path):
    """A catalogue with a second resource pool holding its own cluster instance."""
    from chalicelib.core import config
    data = json.loads(catalog.DEFAULT_FILE.read_text(encoding="utf-8"))
    data["regions"].append({"areaId": "2", "areaCode": "north", "areaName": "北方区域", "resPools": [
        {"resPoolId": "2001", "resPoolCode": "north-pool", "resPoolName": "北方资源池", "instances": [
            {"instId": INST2, "resourceName": "north-k8s", "spuName": "容器管理框架(CCSE)", "spec": "4核8G",
             "subCategory": "dcos", "ip": "10.1.0.10", "port": "6443", "orderTime": "1672502400000",
             "namespaces": ["default"], "nodes": ["n1"]}]}]})
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("EDGEPLANE_MSAP_CATALOG", str(path))
    config.reload()
    yield "north-pool"
    monkeypatch.delenv("EDGEPLANE_MSAP_CATALOG")
    config.reload()


# ---------------------------------------------------------------- catalogue reads
def test_regions_types_clusters_and_registries(ms, anon):
    regions = ms.ok_get("/v1/env/listRegions")
    assert regions == [{"areaCode": "local", "areaId": "1", "areaName": "本地区域", "resPools": [
        {"resPoolCode": POOL, "resPoolId": "1001", "resPoolName": "本地开发资源池"}]}]
    pid = ms.project()
    types = ms.ok_get("/v1/env/listEnvTypes", projectId=pid)
    assert [t["code"] for t in types] == ["DEVELOP", "TEST", "PRE_ONLINE", "ONLINE"]
    assert types[0] == {"code": "DEVELOP", "name": "开发环境"}
    assert ms.fails("GET", "/v1/env/listEnvTypes", {}) == {"field": "projectId", "message": "此属性是必填项"}
    assert ms.fails("GET", "/v1/env/listEnvTypes", {"projectId": "nope"}, 404) == "项目不存在"

    clusters = ms.ok_get("/v1/env/getK8sCluster", resPoolId=POOL)
    assert len(clusters) == 1
    row = clusters[0]
    assert set(row) == {"instId", "namespaceList", "orderTime", "resourceName", "spec", "spuName", "statusCd",
                        "subCategory"}
    assert row["instId"] == INST and row["subCategory"] == "dcos" and row["resourceName"] == "edgeplane-k8s-1"
    assert row["namespaceList"] == cluster_namespaces() and "default" in row["namespaceList"]
    assert row["statusCd"] == "1" and row["spuName"] == "容器管理框架(CCSE)" and row["orderTime"] == "1672502400000"
    assert ms.fails("GET", "/v1/env/getK8sCluster", {"resPoolId": "nope"}, 404) == "资源池不存在"
    assert ms.fails("GET", "/v1/env/getK8sCluster", {}) == {"field": "resPoolId", "message": "此属性是必填项"}

    mse = ms.ok_get("/v1/env/getMseList", resPoolId=POOL)
    assert mse == [{"instId": MSE, "namespaceList": None, "orderTime": "1672502400000",
                    "resourceName": "edgeplane-mse-1", "spec": "基础版", "spuName": "注册中心", "statusCd": "1",
                    "subCategory": "msercm"}]
    assert ms.fails("GET", "/v1/env/getMseList", {"resPoolId": "nope"}, 404) == "资源池不存在"
    for path in ("/v1/env/listRegions", "/v1/env/listEvnK8s", "/v1/env/listEnvK8s", "/v1/env/getMseList"):
        status, env = anon.get(path)
        assert status == 401 and env["code"] == "401", path
    status, env = anon.post("/v1/env/createEnv", {})
    assert status == 401 and env["msg"] == "用户鉴权失败"


# ---------------------------------------------------------------- environments
def test_create_list_update_delete_env(ms):
    pid = ms.project("env-proj", "环境项目")
    env_id = make_env(ms, pid, "test-env", "测试环境", "TEST")
    other = make_env(ms, pid, "prod-env", "生产环境", "ONLINE")
    rows = ms.ok_get("/v1/env/listEnvs", projectId=pid)
    assert [r["envId"] for r in rows] == [env_id, other]
    row = rows[0]
    assert set(row) == {"createTime", "envCode", "envId", "envName", "envType", "projectCode", "projectId",
                        "projectName", "resPoolCode", "resPoolId", "resPoolName", "tenantId"}
    assert (row["envCode"], row["envName"], row["envType"]) == ("test-env", "测试环境", "TEST")
    assert (row["projectId"], row["projectCode"], row["projectName"]) == (pid, "env-proj", "环境项目")
    assert (row["resPoolCode"], row["resPoolId"], row["resPoolName"]) == (POOL, "1001", "本地开发资源池")
    assert isinstance(row["tenantId"], int) and row["createTime"].isdigit()
    # the stored object keeps the shape other modules rely on
    item = objects.get(tenant_of(ms), "env", env_id)
    assert item.data["envId"] == env_id and item.data["createUserId"] == ms.user_id and item.name == "test-env"

    assert ms.ok_post("/v1/env/updateEnv", {"envId": env_id, "envName": "集成测试环境", "envType": "PRE_ONLINE"}) == ""
    row = ms.ok_get("/v1/env/listEnvs", projectId=pid)[0]
    assert (row["envName"], row["envType"], row["envCode"]) == ("集成测试环境", "PRE_ONLINE", "test-env")
    assert ms.ok_post("/v1/env/updateEnv", {"envId": env_id, "envType": "DEVELOP"}) == ""
    row = ms.ok_get("/v1/env/listEnvs", projectId=pid)[0]
    assert (row["envName"], row["envType"]) == ("集成测试环境", "DEVELOP")

    assert ms.ok_post("/v1/env/deleteEnv", {"envId": env_id}) == ""
    assert [r["envId"] for r in ms.ok_get("/v1/env/listEnvs", projectId=pid)] == [other]
    assert ms.fails("POST", "/v1/env/deleteEnv", {"envId": env_id}, 404) == "环境不存在"
    assert ms.fails("POST", "/v1/env/updateEnv", {"envId": env_id, "envName": "abcd"}, 404) == "环境不存在"
    # the code is free again
    make_env(ms, pid, "test-env")


def test_create_env_validation_changes_nothing(ms):
    pid = ms.project()
    good = {"envCode": "dev-env", "envName": "开发环境", "envType": "DEVELOP", "projectId": pid, "resPoolId": POOL}

    def bad(status=400, **changes):
        return ms.fails("POST", "/v1/env/createEnv", {k: v for k, v in dict(good, **changes).items()
                                                      if v is not None}, status)

    assert bad(envName=None) == "环境名称不能为空"
    assert bad(envName="") == "环境名称不能为空"
    assert bad(envCode=None) == "环境编码不能为空"
    assert "环境编码不规范" in bad(envCode="Dev_Env")
    assert "环境编码不规范" in bad(envCode="1dev")
    assert "环境编码不规范" in bad(envCode="ab")
    assert "环境编码不规范" in bad(envCode="a" * 31)
    assert "3到30" in bad(envName="ab")
    assert "3到30" in bad(envName="名" * 31)
    assert "环境类型取值不正确" in bad(envType="devops")
    assert bad(resPoolId="xxxxxxx", status=404) == "资源池不存在"
    assert bad(projectId="nope", status=404) == "项目不存在"
    assert bad(projectId=None) == "项目 ID 不能为空"
    assert ms.ok_get("/v1/env/listEnvs", projectId=pid) == []
    make_env(ms, pid, "dev-env")
    assert bad(status=409) == "环境编码已存在"
    # the same code in another project is fine
    make_env(ms, ms.project(), "dev-env")
    assert len(ms.ok_get("/v1/env/listEnvs", projectId=pid)) == 1
    assert ms.fails("POST", "/v1/env/updateEnv", {"envId": ms.ok_get("/v1/env/listEnvs", projectId=pid)[0]["envId"],
                                                  "envType": "BAD"}).startswith("环境类型取值不正确")
    assert ms.fails("POST", "/v1/env/updateEnv", {}) == "环境 ID 不能为空"


def test_env_permissions(ms):
    pid = ms.project()
    outsider, guest, dev, dev2 = ms.sub_account(), ms.sub_account(), ms.sub_account(), ms.sub_account()
    add_member(ms, pid, guest, roles=(5,))
    add_member(ms, pid, dev, roles=(2,))
    add_member(ms, pid, dev2, roles=(2,))
    body = {"envCode": "perm-env", "envName": "权限环境", "envType": "TEST", "projectId": pid, "resPoolId": POOL}
    assert outsider.fails("POST", "/v1/env/createEnv", body, 403) == "您不是该项目的成员，无权访问"
    assert guest.fails("POST", "/v1/env/createEnv", body, 403) == "访客无权执行该操作"
    assert outsider.fails("GET", "/v1/env/listEnvs", {"projectId": pid}, 403) == "您不是该项目的成员，无权访问"
    env_id = dev.ok_post("/v1/env/createEnv", body)
    assert [r["envId"] for r in guest.ok_get("/v1/env/listEnvs", projectId=pid)] == [env_id]
    # the creator operates it; another developer only with the environment's data permission
    assert dev.ok_post("/v1/env/updateEnv", {"envId": env_id, "envName": "改名的环境"}) == ""
    assert dev2.fails("POST", "/v1/env/updateEnv", {"envId": env_id, "envName": "偷偷改名"}, 403) == "您没有该环境的操作权限"
    assert dev2.fails("POST", "/v1/env/deleteEnv", {"envId": env_id}, 403) == "您没有该环境的操作权限"
    assert dev2.fails("POST", "/v1/env/importResource", {"envId": env_id, "resourceList": [{"instId": INST}]},
                      403) == "您没有该环境的操作权限"
    assert guest.ok_get("/v1/env/listEvnK8s", envId=env_id) == []
    authorize_env(ms, pid, env_id, dev2)
    assert dev2.ok_post("/v1/env/updateEnv", {"envId": env_id, "envName": "再改名的环境"}) == ""
    assert ms.ok_get("/v1/env/listEnvs", projectId=pid)[0]["envName"] == "再改名的环境"
    assert dev2.ok_post("/v1/env/deleteEnv", {"envId": env_id}) == ""


def test_tenants_are_isolated(ms, ms_other):
    pid = ms.project()
    env_id = make_env(ms, pid)
    import_ns(ms, env_id, "default")
    assert ms_other.fails("GET", "/v1/env/listEnvs", {"projectId": pid}, 404) == "项目不存在"
    assert ms_other.fails("POST", "/v1/env/updateEnv", {"envId": env_id, "envName": "hijack"}, 404) == "环境不存在"
    assert ms_other.fails("POST", "/v1/env/deleteEnv", {"envId": env_id}, 404) == "环境不存在"
    assert ms_other.fails("GET", "/v1/env/listEvnK8s", {"envId": env_id}, 404) == "环境不存在"
    assert ms_other.fails("POST", "/v1/env/importResource", {"envId": env_id, "resourceList": [{"instId": INST}]},
                          404) == "环境不存在"
    assert ms_other.fails("POST", "/v1/env/deleteResource", {"envId": env_id, "instIdList": [INST]},
                          404) == "环境不存在"
    assert ms_other.fails("POST", "/v1/env/createEnv", {"envCode": "abc", "envName": "abc", "envType": "TEST",
                                                        "projectId": pid, "resPoolId": POOL}, 404) == "项目不存在"
    assert len(ms.ok_get("/v1/env/listEvnK8s", envId=env_id)) == 1
    assert ms.ok_get("/v1/env/listEnvs", projectId=pid)[0]["envName"] != "hijack"


def test_delete_env_refused_while_deployed(ms):
    pid = ms.project()
    env_id, other_env = make_env(ms, pid), make_env(ms, pid)
    tenant = tenant_of(ms)
    import_ns(ms, env_id, "default")
    make_namespace(ms, "dep-other")
    dep = objects.create(tenant, "deploy", {"appId": "app-1", "deployEnvId": env_id, "projectId": pid,
                                            "instId": INST, "clusterName": "edgeplane-k8s-1", "namespace": "default"},
                         parent=pid, lookup=(f"MS#{tenant}#DEPLOYAPP#app-1", f"{env_id}#dep-1"))
    assert ms.fails("POST", "/v1/env/deleteEnv", {"envId": env_id}) == "环境下存在发布实例，不能删除"
    assert ms.fails("POST", "/v1/env/deleteResource", {"envId": env_id, "instIdList": [INST]}
                    ) == "资源[edgeplane-k8s-1]下存在发布实例，不能删除"
    assert ms.fails("POST", "/v1/env/importResource", {"envId": env_id, "resourceList": [
        {"instId": INST, "k8sNameSpace": "dep-other"}]}) == "资源[edgeplane-k8s-1]的其他命名空间下存在发布实例，不能更换命名空间"
    assert [r["namespace"] for r in ms.ok_get("/v1/env/listEvnK8s", envId=env_id)] == ["default"]
    assert ms.ok_post("/v1/env/deleteEnv", {"envId": other_env}) == ""  # a deployment elsewhere does not block
    assert [r["envId"] for r in ms.ok_get("/v1/env/listEnvs", projectId=pid)] == [env_id]
    objects.delete(dep)
    assert ms.ok_post("/v1/env/deleteEnv", {"envId": env_id}) == ""
    assert ms.ok_get("/v1/env/listEnvs", projectId=pid) == []


# ---------------------------------------------------------------- namespaces on the cluster
def test_namespaces_on_the_cluster(ms):
    assert "team-a" not in cluster_namespaces()
    make_namespace(ms, "team-a")
    assert "team-a" in cluster_namespaces()  # really on the (simulated) cluster
    assert "team-a" in ms.ok_get("/v1/env/listK8sNameSpace", instId=INST)
    assert "team-a" in ms.ok_get("/v1/env/getK8sCluster", resPoolId=POOL)[0]["namespaceList"]
    assert ms.fails("POST", "/v1/env/createK8sNameSpace", {"instId": INST, "namespaceName": "team-a"},
                    409) == "命名空间已存在"
    for bad in ("Team-A", "-team", "team-", "team_a", "a" * 64, "team.a"):
        assert ms.fails("POST", "/v1/env/createK8sNameSpace", {"instId": INST, "namespaceName": bad}
                        ).startswith("命名空间名称不规范"), bad
    assert ms.fails("POST", "/v1/env/createK8sNameSpace", {"instId": INST}) == "命名空间不能为空"
    assert ms.fails("POST", "/v1/env/createK8sNameSpace", {"instId": "nope", "namespaceName": "x1"},
                    404) == "资源不存在"
    assert ms.fails("POST", "/v1/env/createK8sNameSpace", {"instId": MSE, "namespaceName": "x1"}, 404) == "资源不存在"
    assert ms.fails("GET", "/v1/env/listK8sNameSpace", {"instId": MSE}, 404) == "资源不存在"
    assert ms.fails("GET", "/v1/env/listK8sNameSpace", {}) == {"field": "instId", "message": "此属性是必填项"}

    assert ms.ok_post("/v1/env/deleteK8sNamespaces", {"instId": INST, "namespaceName": "team-a"}) == ""
    assert "team-a" not in cluster_namespaces()
    assert "team-a" not in ms.ok_get("/v1/env/listK8sNameSpace", instId=INST)
    assert ms.fails("POST", "/v1/env/deleteK8sNamespaces", {"instId": INST, "namespaceName": "team-a"},
                    404) == "命名空间不存在"
    assert ms.fails("POST", "/v1/env/deleteK8sNamespaces", {"instId": INST, "namespaceName": "default"}
                    ) == "系统命名空间不能删除"
    assert "default" in cluster_namespaces()
    # the cluster refusing is a clean 503, nothing created
    from chalicelib.targets import set_faults
    cluster, _ = cluster_and_driver()
    set_faults(cluster.name, {"namespace": "error"})
    status, env = ms.post("/v1/env/createK8sNameSpace", {"instId": INST, "namespaceName": "broken"})
    assert status == 503 and env["code"] == "500" and env["msg"].startswith("K8s 集群操作失败")
    set_faults(cluster.name, {})
    assert "broken" not in cluster_namespaces()
    # a cluster that is not ready is listed as stopped (statusCd 2)
    from chalicelib.targets import set_ready
    set_ready(cluster.name, False)
    assert ms.ok_get("/v1/env/getK8sCluster", resPoolId=POOL)[0]["statusCd"] == "2"
    set_ready(cluster.name, True)
    assert ms.ok_get("/v1/env/getK8sCluster", resPoolId=POOL)[0]["statusCd"] == "1"


# ---------------------------------------------------------------- imported resources
def test_import_list_replace_and_delete_resources(ms):
    pid = ms.project()
    env_id = make_env(ms, pid)
    make_namespace(ms, "shop-test")
    make_namespace(ms, "shop-test2")
    assert ms.ok_get("/v1/env/listEvnK8s", envId=env_id) == []
    import_ns(ms, env_id, "shop-test")
    rows = ms.ok_get("/v1/env/listEvnK8s", envId=env_id)
    assert rows == ms.ok_get("/v1/env/listEnvK8s", envId=env_id)  # the corrected spelling is an alias
    assert len(rows) == 1
    row = rows[0]
    assert set(row) == {"createStaff", "createTime", "envId", "instId", "ip", "namespace", "orderTime", "port",
                        "resourceName", "resourcePoolCode", "resourcePoolId", "spec", "spuName", "statusCd",
                        "subCategory", "tenantId", "updateStaff", "updateTime"}
    assert (row["envId"], row["instId"], row["namespace"], row["resourceName"]) == (
        env_id, INST, "shop-test", "edgeplane-k8s-1")
    assert (row["resourcePoolCode"], row["resourcePoolId"], row["subCategory"], row["statusCd"]) == (
        POOL, "1001", "dcos", "1")
    assert (row["ip"], row["port"], row["createStaff"]) == ("10.0.0.10", "6443", ms.username)
    assert row["createTime"].isdigit() and isinstance(row["tenantId"], int)

    # the namespace is in use: nobody can delete it (not even another tenant on the shared cluster)
    assert ms.fails("POST", "/v1/env/deleteK8sNamespaces", {"instId": INST, "namespaceName": "shop-test"},
                    409) == "命名空间正在被环境使用"

    # importing the instance again replaces its namespace
    import_ns(ms, env_id, "shop-test2")
    rows = ms.ok_get("/v1/env/listEvnK8s", envId=env_id)
    assert [(r["instId"], r["namespace"]) for r in rows] == [(INST, "shop-test2")]
    assert ms.ok_post("/v1/env/deleteK8sNamespaces", {"instId": INST, "namespaceName": "shop-test"}) == ""

    # a second environment may import the same cluster (another namespace)
    env2 = make_env(ms, pid)
    import_ns(ms, env2, "default")
    assert [r["namespace"] for r in ms.ok_get("/v1/env/listEvnK8s", envId=env2)] == ["default"]
    assert [r["namespace"] for r in ms.ok_get("/v1/env/listEvnK8s", envId=env_id)] == ["shop-test2"]

    assert ms.fails("POST", "/v1/env/deleteResource", {"envId": env_id, "instIdList": ["nope"]}, 404) == "资源不存在"
    assert ms.fails("POST", "/v1/env/deleteResource", {"envId": env_id, "instIdList": [INST, "nope"]},
                    404) == "资源不存在"
    assert len(ms.ok_get("/v1/env/listEvnK8s", envId=env_id)) == 1  # nothing removed
    assert ms.fails("POST", "/v1/env/deleteResource", {"envId": env_id, "instIdList": []}) == "实例 ID 列表不能为空"
    assert ms.ok_post("/v1/env/deleteResource", {"envId": env_id, "instIdList": [INST]}) == ""
    assert ms.ok_get("/v1/env/listEvnK8s", envId=env_id) == []
    assert len(ms.ok_get("/v1/env/listEvnK8s", envId=env2)) == 1
    assert ms.ok_post("/v1/env/deleteK8sNamespaces", {"instId": INST, "namespaceName": "shop-test2"}) == ""


def test_import_validation_changes_nothing(ms, other_pool):
    pid = ms.project()
    env_id = make_env(ms, pid)
    assert ms.fails("POST", "/v1/env/importResource", {"envId": env_id}) == "资源列表不能为空"
    assert ms.fails("POST", "/v1/env/importResource", {"envId": env_id, "resourceList": []}) == "资源列表不能为空"
    assert ms.fails("POST", "/v1/env/importResource", {"envId": env_id, "resourceList": [{}]}) == "实例 ID 不能为空"
    assert ms.fails("POST", "/v1/env/importResource", {"envId": env_id, "resourceList": [{"instId": "nope"}]},
                    404) == "资源不存在"
    assert ms.fails("POST", "/v1/env/importResource", {"envId": env_id, "resourceList": [{"instId": MSE}]},
                    404) == "资源不存在"
    # a valid item followed by a bad one: nothing is imported
    msg = ms.fails("POST", "/v1/env/importResource", {"envId": env_id, "resourceList": [
        {"instId": INST, "k8sNameSpace": "default"}, {"instId": INST2}]})
    assert msg == "资源[north-k8s]不在环境所属的资源池中"
    assert ms.fails("POST", "/v1/env/importResource", {"envId": env_id, "resourceList": [
        {"instId": INST, "k8sNameSpace": "no-such-ns"}]}, 404) == "命名空间[no-such-ns]不存在"
    assert ms.fails("POST", "/v1/env/importResource", {"envId": env_id, "resourceList": [
        {"instId": INST}, {"instId": INST}]}) == f"资源[{INST}]重复"
    assert ms.ok_get("/v1/env/listEvnK8s", envId=env_id) == []
    # without a namespace: the whole cluster
    assert ms.ok_post("/v1/env/importResource", {"envId": env_id, "resourceList": [{"instId": INST}]}) == ""
    assert [r["namespace"] for r in ms.ok_get("/v1/env/listEvnK8s", envId=env_id)] == [""]
    # an environment of the second pool takes the second pool's cluster
    north = make_env(ms, pid, pool=other_pool)
    assert ms.ok_get("/v1/env/listEnvs", projectId=pid)[1]["resPoolName"] == "北方资源池"
    import_ns(ms, north, "default", inst=INST2)
    assert [r["resourceName"] for r in ms.ok_get("/v1/env/listEvnK8s", envId=north)] == ["north-k8s"]


def test_namespace_in_use_across_tenants_and_env_delete_releases(ms, ms_other):
    make_namespace(ms, "shared-ns")
    pid = ms.project()
    env_id = make_env(ms, pid)
    import_ns(ms, env_id, "shared-ns")
    assert ms_other.fails("POST", "/v1/env/deleteK8sNamespaces", {"instId": INST, "namespaceName": "shared-ns"},
                          409) == "命名空间正在被环境使用"
    tenant = tenant_of(ms)
    assert objects.count(tenant, "envres", env_id) == 1
    # deleting the environment removes its imported resources, so the namespace is free again
    assert ms.ok_post("/v1/env/deleteEnv", {"envId": env_id}) == ""
    assert objects.count(tenant, "envres", env_id) == 0
    assert ms_other.ok_post("/v1/env/deleteK8sNamespaces", {"instId": INST, "namespaceName": "shared-ns"}) == ""
    assert "shared-ns" not in cluster_namespaces()

