"""5.3 release instances and 5.1.6 createMicroserviceApplication: endpoints, validation, permissions, tenancy."""
from __future__ import annotations

import itertools

from chalicelib.surfaces.msap import changeorders, identity, objects  # changeorders registers the batch workflow
from tests.api.msap.conftest import add_member

INST = "813708046147519488"
CLUSTER = f"msap-{INST}"
_n = itertools.count(1)


# ---------------------------------------------------------------- helpers (shared with test_changeorders)
def make_env(ms, pid) -> str:
    env_id = ms.ok_post("/v1/env/createEnv", {"envCode": f"env-{next(_n)}", "envName": "开发环境", "envType": "DEVELOP",
                                              "projectId": pid, "resPoolId": "local-pool"})
    ms.ok_post("/v1/env/importResource", {"envId": env_id, "resourceList": [{"instId": INST, "k8sNameSpace": "default"}]})
    return env_id


def app_body(pid, env_id, **kw) -> dict:
    body = {"projectId": pid, "deployEnvId": env_id, "name": f"orderSvc{next(_n)}", "category": "MICRO_SERVICE",
            "clusterType": "KUBERNETES", "language": "Java", "origin": "JAR", "type": "PACKAGE",
            "deploySource": "IMAGE", "deployVer": "1.0.0", "packageVer": "1.0.0", "podNum": 1,
            "runtimeEnvCode": "openjdk", "runtimeEnvVer": "17",
            "podResourceSpec": {"cpuLimit": 500, "cpuRequest": 250, "memoryLimit": 512, "memoryRequest": 256}}
    body.update(kw)
    return body


def order(ms, co_id) -> dict:
    return ms.ok_get("/v1/app/inst/getChangeOrderInfo", changeOrderId=co_id)


def tenant_of(ms) -> str:
    return identity.get_ms_account(ms.username).tenant_id


def order_state(ms, co_id) -> str:
    item = changeorders.get_order(tenant_of(ms), co_id)
    return item.extra.get("state") if item is not None else ""


def settle(drain, ms, co_id, want=("SUCCEEDED", "FAILED")) -> dict:
    """Drive the jobs until the change order's state is one of ``want`` (read from the store: cheap)."""
    t = tenant_of(ms)
    assert drain(until=lambda: changeorders.get_order(t, co_id).extra.get("state") in want, timeout=40), \
        order(ms, co_id)
    return changeorders.order_row(changeorders.get_order(t, co_id), detail=True)  # what getChangeOrderInfo shows


def last_order(ms, dep) -> str:
    return ms.ok_get("/v1/app/inst/listRecentChangeOrder", appDeployId=dep)[0]["changeOrderId"]


def deployed(ms, drain, pid=None, env_id=None, **kw):
    """A project + env + microservice app deployed (S0A); returns (pid, env_id, appId, appDeployId, coId)."""
    pid = pid or ms.project()
    env_id = env_id or make_env(ms, pid)
    out = ms.ok_post("/v1/app/createMicroserviceApplication", app_body(pid, env_id, **kw))
    o = settle(drain, ms, out["changeOrderId"])
    assert [p["pipelineStatus"] for p in o["pipelineInfoList"]] == ["13"] * len(o["pipelineInfoList"]), o
    dep = o["appDeployId"]
    return pid, env_id, out["appId"], dep, out["changeOrderId"]


# ---------------------------------------------------------------- tests
FULL_SPEC = {
    "envVariableList": [{"name": "JAVA_OPTS", "type": "CUSTOM", "value": "-Xmx256m"}],
    "startCommand": {"command": "java -jar /app/app.jar", "args": ["--server.port=8080"]},
    "lifeCycleMgt": {
        "liveness": {"enabled": True, "mode": "HTTP_GET", "initialDelaySeconds": 10, "periodSeconds": 5,
                     "httpGet": {"path": "/health", "port": 8080, "scheme": "HTTP",
                                 "headerList": [{"name": "X-Probe", "value": "1"}]}},
        "readiness": {"enabled": True, "mode": "TCP_SOCKET", "tcpSocket": {"port": 8080}, "failureThreshold": 3}},
    "configMgtList": [{"configType": "CONFIG_MAP", "mountType": "MOUNT_FILE", "mountSource": "app-config",
                       "mountMasterDir": "/etc/app", "mountConfigList": [{"name": "application.yml",
                                                                           "mountPath": "application.yml"}]}],
    "logConfig": {"logType": "stdout"},
    "msManagement": {"enabled": True, "delayTime": 10, "warmupTime": 60, "funcType": 2},
}


def test_create_microservice_app_reads_tenancy_permissions(ms, ms_other, anon, drain):
    from chalicelib.targets import get_cluster, kube
    pid = ms.project()
    env_id = make_env(ms, pid)
    ms.ok_post("/v1/configmap/createK8sConfigMap", {"clusterName": "edgeplane-k8s-1", "configMapName": "app-config",
                                                   "deployEnvId": env_id, "namespace": "default",
                                                   "items": [{"name": "application.yml", "value": "a: 1"}]})
    pid, env_id, app_id, dep, co_id = deployed(ms, drain, pid, env_id, podNum=2, **FULL_SPEC)
    # the Deployment on the cluster carries the whole spec
    c = get_cluster(CLUSTER)
    app_code = ms.ok_get("/v1/app/inst/getK8sApplication", appDeployId=dep)["appDeployCode"]
    m = kube.driver(c).get(c, "Deployment", "default", app_code)
    ctr = m["spec"]["template"]["spec"]["containers"][0]
    assert ctr["command"] == ["java", "-jar", "/app/app.jar"] and ctr["args"] == ["--server.port=8080"]
    assert {"name": "JAVA_OPTS", "value": "-Xmx256m"} in ctr["env"]
    assert ctr["resources"] == {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"cpu": "500m", "memory": "512Mi"}}
    assert ctr["livenessProbe"]["httpGet"]["path"] == "/health" and ctr["readinessProbe"]["tcpSocket"]["port"] == 8080
    assert ctr["volumeMounts"][0]["mountPath"] == "/etc/app/application.yml"
    assert ctr["volumeMounts"][0]["subPath"] == "application.yml"
    assert m["spec"]["template"]["spec"]["volumes"][0]["configMap"]["name"] == "app-config"
    assert "msap.edgeplane/ms-management" in m["metadata"]["annotations"]
    app = ms.ok_get("/v1/app/inst/getK8sApplication", appDeployId=dep)
    assert app["statusCd"] == "S0A" and app["runningPod"] == 2 and app["totalPod"] == 2
    assert app["appId"] == app_id and app["category"] == "IMAGE_DEPLOY" and app["categoryName"] == "镜像部署"
    assert app["namespace"] == "default" and app["clusterName"] == "edgeplane-k8s-1" and app["changeOrderId"] == co_id
    assert app["cpuLimit"] == 500 and app["memoryRequest"] == 256
    assert ms.ok_get("/v1/app/inst/getK8sApplicationStatus", appDeployId=dep) == {"runningPod": 2, "totalPod": 2}
    pods = ms.ok_get("/v1/app/inst/describeAppInstanceList", appDeployId=dep)
    assert len(pods) == 2 and all(p["statusCd"] == "2" and p["statusCdName"] == "运行中" for p in pods)
    assert pods[0]["namespaceName"] == "default" and pods[0]["podIp"] and pods[0]["nodeName"]
    assert pods[0]["imageUrl"].startswith("registry.edgeplane.local/") and pods[0]["imageUrl"].endswith(":1.0.0")
    d = ms.ok_get("/v1/app/inst/getAppDeployment", appDeployId=dep)
    assert d["replicas"] == 2 and d["availableReplicas"] == 2 and d["namespace"] == "default"
    assert d["imageUrl"] == pods[0]["imageUrl"]
    rows = ms.ok_get("/v1/app/inst/listApplication", projectId=pid)
    assert [r["appDeployId"] for r in rows] == [dep] and rows[0]["statusCd"] == "S0A"
    assert rows[0]["statusCdName"] == "执行成功"
    assert ms.ok_get("/v1/app/inst/listApplication", projectId=pid, appName="nomatch") == []
    assert ms.ok_get("/v1/app/inst/listApplication", projectId=pid, deployEnvId="x") == []
    # the app itself is a MICRO_SERVICE application of the project
    apps = ms.ok_get("/v1/app/getApplicationListPage", projectId=pid)["list"]
    assert apps[0]["appId"] == app_id and apps[0]["category"] == "MICRO_SERVICE"
    o = order(ms, co_id)
    assert o["changeType"] == "DEPLOY" and o["objectType"] == "DEPLOY" and o["changeSource"] == "POP"
    assert o["batchCount"] == 1 and o["statusCd"] == "S0A" and o["resourceType"] == "DEPLOYMENT"
    task = o["pipelineInfoList"][0]["stageList"][0]["taskInfo"][0]
    assert task["instance"]["instanceStatus"] == "S0A" and len(task["instance"]["Pods"]) == 2
    assert "kind: Deployment" in task["resourceInfo"]["resourceYml"]
    hist = ms.ok_get("/v1/app/inst/listHistoryDeployVersion", appDeployId=dep)
    assert len(hist) == 1 and hist[0]["imageVer"] == "1.0.0" and hist[0]["imageUrl"] == pods[0]["imageUrl"]
    recent = ms.ok_get("/v1/app/inst/listRecentChangeOrder", appDeployId=dep)
    assert [r["changeOrderId"] for r in recent] == [co_id] and recent[0]["timeout"] == 600
    check_tenancy_and_permissions(ms, ms_other, anon, drain, pid, env_id, app_id, dep, co_id)


def test_k8s_services_then_delete_application(ms, drain):
    from chalicelib.targets import get_cluster, kube
    pid, env_id, app_id, dep, _ = deployed(ms, drain, podNum=2)
    url = "/v1/app/inst/createK8sService"
    base = {"appDeployId": dep, "name": "web", "type": "NodePort", "trafficPolicy": "Cluster",
            "servicesPorts": [{"port": "80", "targetPort": "8080", "protocol": "", "nodePort": 30080}]}
    # validation first: nothing is created
    assert ms.fails("POST", url, dict(base, name="Web")) == "名称不规范"
    assert ms.fails("POST", url, dict(base, name="webApp")).startswith("名称不规范：K8s 服务名称只能包含小写字母")
    assert ms.fails("POST", url, dict(base, name="web-1")) == "名称不规范"
    assert ms.fails("POST", url, dict(base, servicesPorts=[])) == "服务端口列表不能为空"
    assert ms.fails("POST", url, dict(base, servicesPorts=[{"port": 70000, "targetPort": 80}])) == "服务端口不能大于65535"
    assert ms.fails("POST", url, dict(base, type="ClusterIP")) == "只有 NodePort 类型的服务可以指定节点端口"
    assert ms.fails("POST", url, dict(base, servicesPorts=[{"port": 80, "targetPort": 80, "nodePort": 80}])) == \
        "节点端口必须在30000到32767之间"
    assert ms.fails("POST", url, dict(base, servicesPorts=[{"port": 80, "targetPort": 80},
                                                           {"port": 80, "targetPort": 81}])) == "服务端口[80]重复"
    assert ms.fails("POST", url, dict(base, type="LoadBalancer")).startswith("服务类型取值不正确")
    assert ms.fails("POST", url, dict(base, trafficPolicy="Any")).startswith("流量策略取值不正确")
    assert ms.fails("POST", url, dict(base, servicesPorts=[{"port": 80, "targetPort": 80, "protocol": "HTTP"}])) \
        .startswith("服务协议取值不正确")
    assert ms.ok_get("/v1/app/inst/getK8sServices", appDeployId=dep) == []
    assert len(ms.ok_get("/v1/app/inst/listRecentChangeOrder", appDeployId=dep)) == 1
    o = settle(drain, ms, ms.ok_post(url, base))
    assert o["changeType"] == "CREATE_SERVICE" and o["resourceType"] == "SERVICE" and "kind: Service" in o["resourceYaml"]
    svcs = ms.ok_get("/v1/app/inst/getK8sServices", appDeployId=dep)
    assert len(svcs) == 1
    s = svcs[0]
    assert s["name"] == "web" and s["type"] == "NodePort" and s["trafficPolicy"] == "Cluster"
    assert s["clusterIp"] and s["intraVip"] == s["clusterIp"] and s["extraVip"] == "10.0.0.10"
    assert s["servicesPorts"] == [{"nodePort": 30080, "port": 80, "protocol": "TCP", "targetPort": 8080}]
    assert ms.fails("POST", url, base, status=409) == "服务名称已存在"
    # update: another type, ports and the default policy (Local)
    upd = {"appDeployId": dep, "name": "web", "type": "ClusterIP",
           "servicesPorts": [{"port": 443, "targetPort": 8443, "protocol": "UDP"}]}
    assert ms.fails("POST", "/v1/app/inst/updateK8sService", dict(upd, name="other"), status=404) == "服务不存在"
    assert settle(drain, ms, ms.ok_post("/v1/app/inst/updateK8sService", upd))["changeType"] == "UPDATE_SERVICE"
    web = ms.ok_get("/v1/app/inst/getK8sServices", appDeployId=dep)[0]
    assert web["type"] == "ClusterIP" and web["trafficPolicy"] == "Local" and web["extraVip"] == ""
    assert web["servicesPorts"] == [{"nodePort": None, "port": 443, "protocol": "UDP", "targetPort": 8443}]
    # delete
    assert ms.fails("POST", "/v1/app/inst/deleteK8sService", {"appDeployId": dep, "name": "nope"}, status=404) == \
        "服务不存在"
    assert ms.ok_post("/v1/app/inst/deleteK8sService", {"appDeployId": dep, "name": "web"}) == ""
    settle(drain, ms, last_order(ms, dep))
    assert ms.ok_get("/v1/app/inst/getK8sServices", appDeployId=dep) == []
    assert ms.ok_get("/v1/app/inst/listRecentChangeOrder", appDeployId=dep)[0]["changeType"] == "DELETE_SERVICE"
    # delete the application, with a Service: everything leaves the cluster, then the deployed app goes
    settle(drain, ms, ms.ok_post(url, dict(base, name="api")))
    assert ms.ok_post("/v1/app/inst/deleteK8sApplication", {"appDeployId": dep}) == ""
    assert ms.ok_get("/v1/app/inst/getK8sApplication", appDeployId=dep)["statusCd"] == "S0P"
    assert ms.fails("POST", "/v1/app/inst/scaleK8sApplication", {"appDeployId": dep, "replicas": 1},
                    status=409) == "应用正在变更中，请等待变更完成"
    t = tenant_of(ms)
    assert drain(until=lambda: objects.get(t, "deploy", dep) is None, timeout=40)
    assert ms.fails("GET", "/v1/app/inst/getK8sApplication", {"appDeployId": dep}, status=404) == "ID 不存在"
    assert ms.ok_get("/v1/app/inst/listApplication", projectId=pid) == []
    c = get_cluster(CLUSTER)
    drv = kube.driver(c)
    assert not [m for m in drv.list(c, "Deployment", "default") if dep[:8] in m["metadata"]["name"]]
    assert not [m for m in drv.list(c, "Service", "default")
                if (m["metadata"].get("labels") or {}).get(kube.LABEL_DEPLOY) == dep]
    assert drv.pods(c, "default", {kube.LABEL_DEPLOY: dep}) == []
    assert ms.fails("GET", "/v1/app/inst/listHistoryDeployVersion", {"appDeployId": dep}, status=404) == \
        "应用已删除，本次发布的应用已下线"
    # the application can be deployed to the environment again (a new release instance)
    body = {k: v for k, v in app_body(pid, env_id).items() if k not in ("projectId", "name")}
    out = ms.ok_post("/v1/app/inst/deployK8sApplication", dict(body, appId=app_id))
    assert settle(drain, ms, out["changeOrderId"])["appDeployId"] != dep


def check_tenancy_and_permissions(ms, ms_other, anon, drain, pid, env_id, app_id, dep, co_id):
    reads = [("/v1/app/inst/getK8sApplication", {"appDeployId": dep}),
             ("/v1/app/inst/getK8sApplicationStatus", {"appDeployId": dep}),
             ("/v1/app/inst/describeAppInstanceList", {"appDeployId": dep}),
             ("/v1/app/inst/getAppDeployment", {"appDeployId": dep}),
             ("/v1/app/inst/getK8sServices", {"appDeployId": dep}),
             ("/v1/app/inst/listRecentChangeOrder", {"appDeployId": dep}),
             ("/v1/app/inst/getChangeOrderInfo", {"changeOrderId": co_id})]
    for path, q in reads:  # another tenant: the ids do not exist
        assert ms_other.fails("GET", path, q, status=404) == "ID 不存在", path
    assert ms_other.fails("GET", "/v1/app/inst/listHistoryDeployVersion", {"appDeployId": dep}, status=404) == \
        "应用已删除，本次发布的应用已下线"
    assert ms_other.fails("GET", "/v1/app/inst/listApplication", {"projectId": pid}, status=404) == "项目不存在"
    for path, b in [("/v1/app/inst/scaleK8sApplication", {"appDeployId": dep, "replicas": 2}),
                    ("/v1/app/inst/stopK8sApplication", {"appDeployId": dep}),
                    ("/v1/app/inst/deleteK8sApplication", {"appDeployId": dep})]:
        assert ms_other.fails("POST", path, b, status=404) == "ID 不存在"
    other_body = {k: v for k, v in app_body(pid, env_id).items() if k not in ("projectId", "name")}
    assert ms_other.fails("POST", "/v1/app/inst/deployK8sApplication", dict(other_body, appId=app_id),
                          status=404) == "应用不存在"
    # members read; operating needs the application's data permission
    dev = ms.sub_account()
    stranger = ms.sub_account()
    add_member(ms, pid, dev, roles=(2,))
    assert dev.ok_get("/v1/app/inst/getK8sApplication", appDeployId=dep)["appDeployId"] == dep
    assert len(dev.ok_get("/v1/app/inst/listApplication", projectId=pid)) == 1
    assert stranger.fails("GET", "/v1/app/inst/getK8sApplication", {"appDeployId": dep}, status=403) == \
        "您不是该项目的成员，无权访问"
    for path, b in [("/v1/app/inst/scaleK8sApplication", {"appDeployId": dep, "replicas": 2}),
                    ("/v1/app/inst/restartK8sApplication", {"appDeployId": dep}),
                    ("/v1/app/inst/createK8sService", {"appDeployId": dep, "name": "web", "type": "ClusterIP",
                                                       "servicesPorts": [{"port": 80, "targetPort": 80}]}),
                    ("/v1/app/inst/deleteK8sApplication", {"appDeployId": dep}),
                    ("/v1/app/inst/deployK8sApplication", dict(other_body, appId=app_id))]:
        assert dev.fails("POST", path, b, status=403) == "您没有该应用的操作权限", path
    assert len(ms.ok_get("/v1/app/inst/listRecentChangeOrder", appDeployId=dep)) == 1  # nothing was started
    # granted the application, the member scales it; deploying also needs the environment's permission
    ms.ok_post("/v1/data/authorize/authorizeApplication", {"appId": app_id, "projectId": pid,
                                                           "userIds": [dev.user_id]})
    assert dev.fails("POST", "/v1/app/inst/deployK8sApplication", dict(other_body, appId=app_id), status=403) == \
        "您没有该环境的操作权限"
    co = dev.ok_post("/v1/app/inst/scaleK8sApplication", {"appDeployId": dep, "replicas": 2})
    o = settle(drain, ms, co)
    assert o["createStaff"] == dev.username and o["changeType"] == "SCALE"
    # authentication and the documented missing-parameter form
    st, env = anon.get("/v1/app/inst/getK8sApplication", appDeployId=dep)
    assert st == 401 and env == {"code": "401", "data": "", "msg": "用户鉴权失败"}
    assert ms.fails("GET", "/v1/app/inst/getK8sApplication", {}) == {"field": "appDeployId", "message": "此属性是必填项"}
    assert ms.fails("GET", "/v1/app/inst/listApplication", {}) == {"field": "projectId", "message": "此属性是必填项"}
    assert ms.fails("GET", "/v1/app/inst/getChangeOrderInfo", {"changeOrderId": "x" * 200}) == \
        "变更单 ID 长度不能超过128个字符"
    st, env = ms.post("/v1/app/inst/scaleK8sApplication", raw="not json")
    assert st == 400 and env["code"] == "500"


def test_deploy_validation_changes_nothing(ms, drain):
    pid = ms.project()
    env_id = make_env(ms, pid)
    url = "/v1/app/createMicroserviceApplication"
    good = app_body(pid, env_id)
    code = dict(good, deploySource="CODE", origin="GITEE", type="EXTERNAL_CODE", branchOrTagName="main",
                buildEnvCode="maven-jdk8", codeReposAddress="https://gitee.com/org/repo.git", connectionId="c-1",
                packageName="app.jar", packagePath="/target")
    package = dict(good, deploySource="PACKAGE", packageId="pkg-1", packageSource="USER_UPLOAD")
    cases = [
        ({k: v for k, v in good.items() if k != "deployVer"}, "部署版本号不能为空"),
        (dict(good, deploySource="GIT"), "部署来源取值不正确"),
        (dict(good, podNum=0), "Pod 数量不能小于1"),
        (dict(good, name="Bad-name"), "应用名称不规范"),
        (dict(good, category="GENERAL_APP"), "应用类别取值不正确"),
        (dict(good, clusterType="SWARM"), "集群类型取值不正确"),
        (dict(good, language="Go"), "应用语言取值不正确"),
        ({k: v for k, v in good.items() if k != "podResourceSpec"}, "Pod 资源规格不能为空"),
        (dict(good, runtimeEnvCode="nope"), "运行环境不存在"),
        (dict(good, runtimeEnvVer="99"), "运行环境版本不存在"),
        (dict(code, branchOrTagName=""), "分支或标签名称不能为空"),
        ({k: v for k, v in code.items() if k != "buildEnvCode"}, "编译环境不能为空"),
        (dict(code, buildEnvCode="nope"), "编译环境不存在"),
        ({k: v for k, v in code.items() if k != "codeReposAddress"}, "仓库地址不能为空"),
        ({k: v for k, v in code.items() if k != "connectionId"}, "服务连接 ID 不能为空"),
        ({k: v for k, v in code.items() if k != "packageName"}, "程序包名称不能为空"),
        ({k: v for k, v in code.items() if k != "packagePath"}, "程序包路径不能为空"),
        ({k: v for k, v in package.items() if k != "packageId"}, "制品 ID 不能为空"),
        ({k: v for k, v in package.items() if k != "packageSource"}, "制品来源不能为空"),
        (dict(package, packageSource="OFFICIAL_DEMO"), "官方示例不能为空"),
        (dict(package, packageSource="FTP"), "制品来源取值不正确"),
        (dict(good, deploymentStrategy={"batchList": [{"instNum": 1}] * 6}), "分批次数必须在1到5之间"),
        (dict(good, podNum=3, deploymentStrategy={"batchList": [{"instNum": 1}, {"instNum": 1}]}),
         "各批次实例数之和必须等于 Pod 数量"),
        (dict(good, podNum=2, deploymentStrategy={"batchList": [{"batchSeq": 1, "instNum": 1},
                                                                {"batchSeq": 3, "instNum": 1}]}), "批次序号不规范"),
        (dict(good, deploymentStrategy={"batchList": [{"instNum": 0}]}), "批次实例数不能小于1"),
        (dict(good, deploymentStrategy={"betweenBatchProcessingMode": "SOMETIMES"}), "批次间处理方式取值不正确"),
        (dict(good, msManagement={"delayTime": 90000}), "延迟注册时间不能大于86400"),
        (dict(good, msManagement={"warmupTime": -1}), "预热时长不能小于0"),
        (dict(good, msManagement={"funcType": 21}), "预热曲线类型不能大于20"),
        (dict(good, msManagement={"registerCenterInstId": INST}), "注册中心实例不存在"),
        (dict(good, lifeCycleMgt={"liveness": {"enabled": True}}), "健康检查已开启，探针方式不能为空"),
        (dict(good, lifeCycleMgt={"liveness": {"enabled": True, "mode": "EXEC"}}), "探针方式为 EXEC 时，命令不能为空"),
        (dict(good, lifeCycleMgt={"readiness": {"enabled": True, "mode": "HTTP_GET", "httpGet": {"path": "/"}}}),
         "探针方式为 HTTP_GET 时，端口不能为空"),
        (dict(good, lifeCycleMgt={"readiness": {"enabled": True, "mode": "TCP_SOCKET",
                                                "tcpSocket": {"port": 70000}}}), "端口不能大于65535"),
        (dict(good, lifeCycleMgt={"liveness": {"enabled": True, "mode": "PING"}}), "探针方式取值不正确"),
        (dict(good, envVariableList=[{"name": "1BAD", "value": "x"}]), "环境变量名称[1BAD]不规范"),
        (dict(good, envVariableList=[{"name": "A", "value": "1"}, {"name": "A", "value": "2"}]), "环境变量名称重复"),
        (dict(good, podResourceSpec={"cpuLimit": -1}), "CPU 限制不能小于0"),
        (dict(good, logConfig={"logType": "file"}), "日志类型取值不正确"),
        (dict(good, configMgtList=[{"mountSource": "cfg", "mountMasterDir": "relative"}]), "挂载主目录必须是绝对路径"),
        (dict(good, configMgtList=[{"mountSource": "cfg", "mountMasterDir": "/etc/cfg"}]), "配置项[cfg]不存在"),
        (dict(good, imageUrl="Not An Image"), "镜像地址不规范"),
        (dict(good, deployVer="1.0 beta"), "部署版本号不规范"),
        (dict(good, timeout=0), "变更超时时间不能小于1"),
        (dict(good, projectId="nope"), "项目不存在"),
        (dict(good, deployEnvId="nope"), "环境不存在"),
    ]
    for body, msg in cases:
        st, env = ms.post(url, body)
        assert st in (400, 404) and env["code"] == "500", (body, env)
        assert str(env["msg"]).startswith(msg), (msg, env["msg"])
    assert ms.fails("POST", url, dict(code, deploySource="CODE"), status=404) == "服务连接不存在"
    # an environment without an imported cluster
    bare = ms.ok_post("/v1/env/createEnv", {"envCode": f"env-bare-{next(_n)}", "envName": "空环境", "envType": "TEST",
                                            "projectId": pid, "resPoolId": "local-pool"})
    assert ms.fails("POST", url, dict(good, deployEnvId=bare)) == "环境尚未导入 K8s 集群资源，请先导入资源"
    # nothing was written by any of them
    assert ms.ok_get("/v1/app/getApplicationListPage", projectId=pid)["total"] == 0
    assert ms.ok_get("/v1/app/inst/listApplication", projectId=pid) == []
    # deployK8sApplication: its own required field, and an app and env of different projects
    out = ms.ok_post(url, package)  # PACKAGE: the runtime environment's image runs the artifact
    app_id = out["appId"]
    dep_body = {k: v for k, v in good.items() if k not in ("projectId", "name")}
    assert ms.fails("POST", "/v1/app/inst/deployK8sApplication", dep_body) == "应用 ID 不能为空"
    assert ms.fails("POST", "/v1/app/inst/deployK8sApplication", dict(dep_body, appId="nope"), status=404) == \
        "应用不存在"
    other_env = make_env(ms, ms.project())
    assert ms.fails("POST", "/v1/app/inst/deployK8sApplication", dict(dep_body, appId=app_id,
                                                                      deployEnvId=other_env)) == \
        "应用和环境不属于同一个项目"
    # the same name again in the project
    assert ms.fails("POST", url, dict(good, name=good["name"]), status=409) == "应用名称已存在"
    o = settle(drain, ms, out["changeOrderId"])
    pods = ms.ok_get("/v1/app/inst/describeAppInstanceList", appDeployId=o["appDeployId"])
    assert [p["imageUrl"] for p in pods] == ["eclipse-temurin:17"]
    assert ms.ok_get("/v1/app/inst/getK8sApplication", appDeployId=o["appDeployId"])["buildPackageType"] == "JAR"
