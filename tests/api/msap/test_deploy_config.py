"""5.5 image deployment configurations of generic applications."""
from __future__ import annotations

import itertools
import re

from chalicelib.surfaces.msap import objects
from tests.api.msap.conftest import add_member
from tests.api.msap.test_env import make_env, tenant_of

BASE = "/v1/image/deploy/configs/"
CREATE, DELETE, GET, LIST = BASE + "createDeployConfig", BASE + "deleteDeployConfig", BASE + "getDeployConfig", \
    BASE + "listDeployConfig"
UPDATE_ENV, UPDATE_POD = BASE + "updateEnvVariable", BASE + "updatePodResourceSpec"
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
_n = itertools.count(1)


def make_app(ms, pid) -> str:
    conn = ms.ok_post("/v1/service/connection/createServiceConnection", {
        "projectId": pid, "connectionName": f"dc-conn{next(_n)}", "connectionType": "GITEE", "token": "gitee-token"})
    return ms.ok_post("/v1/app/createApplication", {
        "name": f"dcapp{next(_n):03d}", "origin": "GITEE", "projectId": pid, "connectionId": conn,
        "codeReposAddress": "https://gitee.com/acme/shop-api.git"})


def setup(ms):
    pid = ms.project()
    return pid, make_app(ms, pid), make_env(ms, pid, name="部署测试环境")


PROBES = {
    "liveness": {"enabled": True, "mode": "HTTP_GET", "httpGet": {
        "host": "", "path": "/health", "port": 8080, "scheme": "HTTP",
        "headerList": [{"name": "X-Probe", "value": "1"}]},
        "initialDelaySeconds": 10, "periodSeconds": 5, "successThreshold": 1, "timeoutSeconds": 3,
        "failureThreshold": 3},
    "readiness": {"enabled": True, "mode": "TCP_SOCKET", "tcpSocket": {"port": 8080},
                  "initialDelaySeconds": 5, "periodSeconds": 10, "successThreshold": 2, "failureThreshold": 3},
}


def full_body(app_id, env_id, name="默认配置", **extra):
    return dict({"appId": app_id, "deployEnvId": env_id, "name": name,
                 "podResourceSpec": {"cpuLimit": 1000, "cpuRequest": 500, "memoryLimit": 1024, "memoryRequest": 512},
                 "startCommand": {"command": "java", "args": ["-jar", "/app/app.jar"]},
                 "envVariableList": [{"type": "CUSTOM", "name": "SPRING_PROFILES_ACTIVE", "value": "test"},
                                     {"name": "JAVA_OPTS", "value": "-Xmx512m"}],
                 "lifeCycleMgt": PROBES}, **extra)


def test_create_get_list_update_delete(ms):
    pid, app_id, env_id = setup(ms)
    cfg = ms.ok_post(CREATE, full_body(app_id, env_id))
    assert isinstance(cfg, str) and len(cfg) == 36
    d = ms.ok_get(GET, deployConfigId=cfg)
    assert set(d) == {"appId", "createStaff", "createTime", "deployEnvId", "deployEnvName", "envVariableList", "id",
                      "lifeCycleMgt", "name", "podResourceSpec", "startCommand", "tenantId", "updateStaff",
                      "updateTime"}
    assert (d["id"], d["appId"], d["deployEnvId"], d["name"]) == (cfg, app_id, env_id, "默认配置")
    assert d["deployEnvName"] == "部署测试环境" and d["createStaff"] == ms.username and isinstance(d["tenantId"], int)
    assert DATETIME.match(d["createTime"]) and DATETIME.match(d["updateTime"])
    assert d["podResourceSpec"] == {"cpuLimit": 1000, "cpuRequest": 500, "memoryLimit": 1024, "memoryRequest": 512}
    assert d["startCommand"] == {"command": "java", "args": ["-jar", "/app/app.jar"]}
    assert d["envVariableList"] == [{"name": "SPRING_PROFILES_ACTIVE", "type": "CUSTOM", "value": "test"},
                                    {"name": "JAVA_OPTS", "type": "CUSTOM", "value": "-Xmx512m"}]
    live = d["lifeCycleMgt"]["liveness"]
    assert live["mode"] == "HTTP_GET" and live["httpGet"]["port"] == 8080 and live["httpGet"]["path"] == "/health"
    assert live["httpGet"]["headerList"] == [{"name": "X-Probe", "value": "1"}]
    assert d["lifeCycleMgt"]["readiness"]["tcpSocket"] == {"port": 8080}

    # a second configuration in another environment of the project, and a minimal one
    env2 = make_env(ms, pid, name="第二环境")
    cfg2 = ms.ok_post(CREATE, {"appId": app_id, "deployEnvId": env2, "name": "默认配置"})
    minimal = ms.ok_get(GET, deployConfigId=cfg2)
    assert minimal["envVariableList"] == [] and minimal["podResourceSpec"] is None
    assert minimal["lifeCycleMgt"] == {} and minimal["startCommand"] == {}
    rows = ms.ok_get(LIST, appId=app_id)
    assert [r["id"] for r in rows] == [cfg, cfg2]
    assert set(rows[0]) == {"appId", "createStaff", "createTime", "deployEnvId", "deployEnvName", "id", "name",
                            "tenantId", "updateStaff", "updateTime"}
    assert [r["id"] for r in ms.ok_get(LIST, appId=app_id, deployEnvId=env2)] == [cfg2]
    assert ms.ok_get(LIST, appId=app_id, deployEnvId="other") == []
    # the environment's current name is shown
    ms.ok_post("/v1/env/updateEnv", {"envId": env2, "envName": "改名后的环境"})
    assert ms.ok_get(LIST, appId=app_id, deployEnvId=env2)[0]["deployEnvName"] == "改名后的环境"

    assert ms.ok_post(UPDATE_ENV, {"id": cfg, "envVariableList": [
        {"name": "A", "type": "CUSTOM", "value": "1"}]}) is True
    assert ms.ok_get(GET, deployConfigId=cfg)["envVariableList"] == [{"name": "A", "type": "CUSTOM", "value": "1"}]
    assert ms.ok_post(UPDATE_ENV, {"id": cfg}) is True
    assert ms.ok_get(GET, deployConfigId=cfg)["envVariableList"] == []
    assert ms.ok_post(UPDATE_POD, {"id": cfg, "cpuLimit": 2000, "cpuRequest": 1000, "memoryLimit": 2048,
                                   "memoryRequest": 1024}) is True
    assert ms.ok_get(GET, deployConfigId=cfg)["podResourceSpec"] == {"cpuLimit": 2000, "cpuRequest": 1000,
                                                                     "memoryLimit": 2048, "memoryRequest": 1024}
    assert ms.ok_get(GET, deployConfigId=cfg)["lifeCycleMgt"]["liveness"]["mode"] == "HTTP_GET"  # untouched

    assert ms.ok_post(DELETE, {"id": cfg}) is True
    assert ms.fails("GET", GET, {"deployConfigId": cfg}, 404) == "部署配置不存在"
    assert ms.fails("POST", DELETE, {"id": cfg}, 404) == "部署配置不存在"
    assert ms.fails("POST", UPDATE_ENV, {"id": cfg, "envVariableList": []}, 404) == "ID 不存在"
    assert ms.fails("POST", UPDATE_POD, {"id": cfg, "cpuLimit": 1, "cpuRequest": 1, "memoryLimit": 1,
                                         "memoryRequest": 1}, 404) == "ID 不存在"
    assert [r["id"] for r in ms.ok_get(LIST, appId=app_id)] == [cfg2]
    # the name is free again
    ms.ok_post(CREATE, {"appId": app_id, "deployEnvId": env_id, "name": "默认配置"})


def test_create_validation_changes_nothing(ms):
    pid, app_id, env_id = setup(ms)

    def bad(status=400, **changes):
        body = {k: v for k, v in full_body(app_id, env_id, **changes).items() if v is not None}
        return ms.fails("POST", CREATE, body, status)

    def probe(which="liveness", **changes):
        return {"lifeCycleMgt": {which: dict(PROBES[which], **changes)}}

    assert bad(name=None) == "部署配置名称不能为空"
    assert bad(name="   ") == "部署配置名称不能为空"
    assert bad(appId=None) == "应用 ID 不能为空"
    assert bad(deployEnvId=None) == "部署环境 ID 不能为空"
    assert bad(appId="nope", status=404) == "应用不存在"
    assert bad(deployEnvId="nope", status=404) == "环境不存在"
    assert bad(deployEnvId=make_env(ms, ms.project())) == "部署环境不属于应用所在的项目"
    assert bad(envVariableList=[{"name": "A", "type": "SECRET", "value": "1"}]) == "环境变量类型只能填写 CUSTOM"
    assert bad(envVariableList=[{"type": "CUSTOM", "value": "1"}]) == "环境变量名称不能为空"
    assert bad(envVariableList=[{"name": "1ABC", "value": "1"}]).startswith("环境变量名称[1ABC]不规范")
    assert bad(envVariableList=[{"name": "A", "value": "1"}, {"name": "A", "value": "2"}]) == "环境变量[A]重复"
    assert bad(envVariableList={"name": "A"}) == "环境变量列表必须是数组"
    assert bad(podResourceSpec={"cpuLimit": 0, "cpuRequest": 1, "memoryLimit": 1, "memoryRequest": 1}
               ) == "CPU 限制不能小于1"
    assert bad(podResourceSpec={"cpuLimit": 1, "cpuRequest": 1, "memoryLimit": 1}) == "内存请求不能为空"
    assert bad(podResourceSpec={"cpuLimit": "x", "cpuRequest": 1, "memoryLimit": 1, "memoryRequest": 1}
               ) == "CPU 限制必须是整数"
    assert bad(podResourceSpec={"cpuLimit": 10 ** 6, "cpuRequest": 1, "memoryLimit": 1, "memoryRequest": 1}
               ).startswith("cpu 资源不足")
    assert bad(podResourceSpec="big") == "Pod 资源规格必须是对象"
    assert bad(**probe(mode="PING")).startswith("存活探针的模式取值不正确")
    assert bad(**probe(httpGet={"port": 70000})) == "存活探针的HTTP 检查端口不能大于65535"
    assert bad(**probe(httpGet={"path": "/x"})) == "存活探针的 HTTP 检查端口不能为空"
    assert bad(**probe(httpGet={"port": 80, "path": "health"})) == "HTTP 检查路径必须以 / 开头"
    assert bad(**probe(httpGet={"port": 80, "scheme": "FTP"})).startswith("存活探针的HTTP 检查协议取值不正确")
    assert bad(**probe(httpGet={"port": 80, "headerList": [{"name": "bad header"}]})) == "请求头名称[bad header]不规范"
    assert bad(**probe(successThreshold=2)) == "存活探针的成功阈值必须为1"
    assert bad(**probe(periodSeconds=0)) == "存活探针的探测周期不能小于1"
    assert bad(**probe(initialDelaySeconds=-1)) == "存活探针的初始延迟检测时间不能小于0"
    assert bad(**probe("readiness", mode="EXEC")) == "就绪探针的执行命令不能为空"
    assert bad(**probe("readiness", tcpSocket={"host": "x"})) == "就绪探针的 TCP 检查端口不能为空"
    assert bad(**probe("readiness", mode=None)).startswith("就绪探针的模式不能为空")
    assert bad(startCommand={"command": "java", "args": "-jar"}) == "启动参数必须是数组"
    assert ms.ok_get(LIST, appId=app_id) == []
    assert objects.count(tenant_of(ms), "deployconfig", app_id) == 0

    # a disabled probe needs nothing else; readiness.httpGet may come as a JSON string (the table types it String)
    cfg = ms.ok_post(CREATE, full_body(app_id, env_id, lifeCycleMgt={
        "liveness": {"enabled": False, "mode": "EXEC"},
        "readiness": {"enabled": True, "mode": "HTTP_GET", "httpGet": '{"port": 8080, "path": "/ready"}'}}))
    assert ms.ok_get(GET, deployConfigId=cfg)["lifeCycleMgt"]["readiness"]["httpGet"] == {"port": 8080,
                                                                                           "path": "/ready"}
    assert bad(status=409) == "该环境下已存在同名的部署配置"
    assert len(ms.ok_get(LIST, appId=app_id)) == 1

    # updates validate the same way and change nothing when refused
    assert ms.fails("POST", UPDATE_ENV, {"id": cfg, "envVariableList": [{"name": "B", "type": "X"}]}
                    ) == "环境变量类型只能填写 CUSTOM"
    assert ms.fails("POST", UPDATE_POD, {"id": cfg, "cpuLimit": 1, "cpuRequest": 1, "memoryLimit": 1}
                    ) == "内存请求不能为空"
    assert ms.fails("POST", UPDATE_POD, {"id": cfg, "cpuLimit": 1, "cpuRequest": 1, "memoryLimit": 0,
                                         "memoryRequest": 1}) == "内存限制不能小于1"
    assert ms.fails("POST", UPDATE_POD, {"cpuLimit": 1, "cpuRequest": 1, "memoryLimit": 1, "memoryRequest": 1}
                    ) == "部署配置 ID 不能为空"
    d = ms.ok_get(GET, deployConfigId=cfg)
    assert len(d["envVariableList"]) == 2 and d["podResourceSpec"]["memoryLimit"] == 1024
    assert ms.fails("GET", LIST, {}) == {"field": "appId", "message": "此属性是必填项"}
    assert ms.fails("GET", GET, {}) == {"field": "deployConfigId", "message": "此属性是必填项"}


def test_permissions_and_tenancy(ms, ms_other):
    pid, app_id, env_id = setup(ms)
    cfg = ms.ok_post(CREATE, full_body(app_id, env_id))
    dev, outsider = ms.sub_account(), ms.sub_account()
    add_member(ms, pid, dev, roles=(2,))
    # members read; changing needs the application's data permission
    assert [r["id"] for r in dev.ok_get(LIST, appId=app_id)] == [cfg]
    assert dev.ok_get(GET, deployConfigId=cfg)["id"] == cfg
    assert dev.fails("POST", CREATE, full_body(app_id, env_id, name="dev"), 403) == "您没有该应用的操作权限"
    assert dev.fails("POST", UPDATE_ENV, {"id": cfg, "envVariableList": []}, 403) == "您没有该应用的操作权限"
    assert dev.fails("POST", UPDATE_POD, {"id": cfg, "cpuLimit": 1, "cpuRequest": 1, "memoryLimit": 1,
                                          "memoryRequest": 1}, 403) == "您没有该应用的操作权限"
    assert dev.fails("POST", DELETE, {"id": cfg}, 403) == "您没有该应用的操作权限"
    assert outsider.fails("GET", LIST, {"appId": app_id}, 403) == "您不是该项目的成员，无权访问"
    ms.ok_post("/v1/data/authorize/authorizeApplication", {"appId": app_id, "projectId": pid,
                                                           "userIds": [dev.user_id]})
    assert dev.ok_post(UPDATE_ENV, {"id": cfg, "envVariableList": [{"name": "DEV", "value": "1"}]}) is True
    assert ms.ok_get(GET, deployConfigId=cfg)["updateStaff"] == dev.username

    assert ms_other.fails("GET", GET, {"deployConfigId": cfg}, 404) == "部署配置不存在"
    assert ms_other.fails("GET", LIST, {"appId": app_id}, 404) == "应用不存在"
    assert ms_other.fails("POST", DELETE, {"id": cfg}, 404) == "部署配置不存在"
    assert ms_other.fails("POST", UPDATE_ENV, {"id": cfg, "envVariableList": []}, 404) == "ID 不存在"
    assert ms_other.fails("POST", CREATE, full_body(app_id, env_id, name="x"), 404) == "应用不存在"
    assert len(ms.ok_get(LIST, appId=app_id)) == 1


def test_deleting_the_environment_removes_its_configurations(ms):
    pid, app_id, env_id = setup(ms)
    keep_env = make_env(ms, pid)
    ms.ok_post(CREATE, full_body(app_id, env_id))
    kept = ms.ok_post(CREATE, full_body(app_id, keep_env))
    assert ms.ok_post("/v1/env/deleteEnv", {"envId": env_id}) == ""
    assert [r["id"] for r in ms.ok_get(LIST, appId=app_id)] == [kept]
    assert ms.fails("POST", CREATE, full_body(app_id, env_id, name="late"), 404) == "环境不存在"


def test_junk_nested_input_is_a_clean_error(ms):
    """Wrong shapes anywhere in the nested objects of task E's endpoints: a Chinese 4xx, never a 500."""
    pid, app_id, env_id = setup(ms)
    cfg = ms.ok_post(CREATE, {"appId": app_id, "deployEnvId": env_id, "name": "junk"})
    junk = [None, 1, "x", [], {}, [1], [None], {"a": 1}, True, -1, 10 ** 30, "\u0000"]
    bodies = []
    for v in junk:
        bodies += [(CREATE, full_body(app_id, env_id, name=f"j{i}", **{k: v}))
                   for i, k in enumerate(("envVariableList", "lifeCycleMgt", "podResourceSpec", "startCommand"))]
        bodies += [(CREATE, full_body(app_id, env_id, name="jp", lifeCycleMgt={"liveness": dict(
            PROBES["liveness"], **{k: v})})) for k in ("exec", "httpGet", "tcpSocket", "mode", "enabled",
                                                       "periodSeconds", "nonDestructionRollingDeploy")]
        bodies += [(CREATE, full_body(app_id, env_id, name="jh", lifeCycleMgt={"liveness": dict(
            PROBES["liveness"], httpGet={"port": 80, "headerList": v})}))]
        bodies += [(UPDATE_ENV, {"id": cfg, "envVariableList": v}), (UPDATE_POD, {"id": cfg, "cpuLimit": v}),
                   ("/v1/configmap/createK8sConfigMap", {"clusterName": "c", "configMapName": "n", "namespace": "ns",
                                                         "deployEnvId": env_id, "items": v}),
                   ("/v1/configmap/updateK8sConfigMap", {"configMapId": "x", "items": [{"name": v, "value": v}]}),
                   ("/v1/env/importResource", {"envId": env_id, "resourceList": v}),
                   ("/v1/env/importResource", {"envId": env_id, "resourceList": [{"instId": v, "k8sNameSpace": v}]}),
                   ("/v1/env/deleteResource", {"envId": env_id, "instIdList": v}),
                   ("/v1/env/createK8sNameSpace", {"instId": v, "namespaceName": v}),
                   ("/v1/env/updateEnv", {"envId": env_id, "envName": v, "envType": v})]
    for path, body in bodies:
        status, env = ms.post(path, body)
        assert status < 500 or status == 503, (path, body, status, env)
        if status >= 400:
            assert env["code"] == "500" and isinstance(env["msg"], str) and env["msg"], (path, body, env)
            assert any("\u4e00" <= ch <= "\u9fff" for ch in env["msg"]), (path, body, env)
    d = ms.ok_get(GET, deployConfigId=cfg)  # refused updates changed nothing
    assert d["envVariableList"] == [] and d["podResourceSpec"] is None


def test_deleting_the_application_removes_its_configurations(ms):
    pid, app_id, env_id = setup(ms)
    cfg = ms.ok_post(CREATE, full_body(app_id, env_id))
    assert ms.ok_post("/v1/app/deleteApplication", {"appId": app_id}) is True
    assert objects.get(tenant_of(ms), "deployconfig", cfg) is None
    assert ms.fails("GET", GET, {"deployConfigId": cfg}, 404)
