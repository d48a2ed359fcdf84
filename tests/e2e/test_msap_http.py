"""MSAP over real HTTP on the local stack (``infra.local``: embedded moto, workers, Step Functions on moto):
project → environment with a cluster and a namespace → application with an image deployment configuration →
deploy in 2 MANUAL batches → continue → poll the change order to success → scale → roll back → read the rendered
manifests (validated against the Kubernetes OpenAPI schemas)."""
from __future__ import annotations

import time
import uuid

import kubernetes_validate
import pytest
import requests
import yaml

from tests.e2e.conftest import ADMIN_PASSWORD

PASSWORD = "Msap-E2e-Passw0rd!"


class Client:
    def __init__(self, url: str, token: str):
        self.url, self.s = url, requests.Session()
        self.s.headers["Authorization"] = f"Bearer {token}"

    def get(self, path, **params):
        r = self.s.get(self.url + path, params=params, timeout=30)
        env = r.json()
        assert r.status_code == 200 and env["code"] == "200", (path, r.status_code, env)
        return env["data"]

    def post(self, path, body):
        r = self.s.post(self.url + path, json=body, timeout=30)
        env = r.json()
        assert r.status_code == 200 and env["code"] == "200", (path, r.status_code, env)
        return env["data"]

    def until(self, fn, what, timeout=90):
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = fn()
            if value:
                return value
            time.sleep(0.3)
        pytest.fail(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def msap(stack):
    login = requests.post(f"{stack}/edgeplane/v1/login", json={"username": "admin", "password": ADMIN_PASSWORD},
                          timeout=30)
    username = "msap" + uuid.uuid4().hex[:8]
    r = requests.post(f"{stack}/edgeplane/v1/users", json={"username": username, "password": PASSWORD},
                      headers={"Authorization": f"Bearer {login.json()['token']}"}, timeout=30)
    assert r.status_code == 201, r.text
    token = requests.post(f"{stack}/edgeplane/v1/login", json={"username": username, "password": PASSWORD},
                          timeout=30).json()["token"]
    return Client(stack, token)


def _pipelines(c: Client, order_id: str) -> list[dict]:
    return c.get("/v1/app/inst/getChangeOrderInfo", changeOrderId=order_id)["pipelineInfoList"]


def _status(p: dict) -> int:
    return int(p.get("pipelineStatus", p.get("pipelineInfoPipelineStatus")))


def test_project_env_app_deploy_batches_scale_rollback(msap):
    c = msap
    pid = c.post("/v1/project/createProject", {"projectCode": "e2e-shop", "projectName": "端到端商城"})
    pool = c.get("/v1/env/listRegions")[0]["resPools"][0]["resPoolCode"]
    env_id = c.post("/v1/env/createEnv", {"envCode": "e2e-dev", "envName": "开发环境一", "envType": "DEVELOP",
                                          "projectId": pid, "resPoolId": pool})
    cluster = c.get("/v1/env/getK8sCluster", resPoolId=pool)[0]
    inst_id = cluster["instId"]
    c.post("/v1/env/createK8sNameSpace", {"instId": inst_id, "namespaceName": "e2e-shop-dev"})
    assert "e2e-shop-dev" in c.get("/v1/env/listK8sNameSpace", instId=inst_id)
    c.post("/v1/env/importResource", {"envId": env_id, "resourceList": [{"instId": inst_id,
                                                                          "k8sNameSpace": "e2e-shop-dev"}]})
    assert c.get("/v1/env/listEvnK8s", envId=env_id)[0]["namespace"] == "e2e-shop-dev"

    conn = c.post("/v1/service/connection/createServiceConnection", {
        "projectId": pid, "connectionName": "gitee-e2e", "connectionType": "GITEE", "token": "secret-token"})
    conn_id = conn if isinstance(conn, str) else conn["connectionId"]
    app_id = c.post("/v1/app/createApplication", {
        "name": "shopWeb", "origin": "GITEE", "codeReposAddress": "https://gitee.com/edgeplane/shop-web.git",
        "connectionId": conn_id, "projectId": pid, "description": "商城前端"})
    cfg_id = c.post("/v1/image/deploy/configs/createDeployConfig", {
        "appId": app_id, "deployEnvId": env_id, "name": "web-default",
        "podResourceSpec": {"cpuLimit": 500, "cpuRequest": 250, "memoryLimit": 512, "memoryRequest": 256},
        "envVariableList": [{"name": "PROFILE", "type": "CUSTOM", "value": "dev"}]})
    assert c.get("/v1/image/deploy/configs/getDeployConfig", deployConfigId=cfg_id)["name"] == "web-default"

    deploy = {"appId": app_id, "deployEnvId": env_id, "deploySource": "IMAGE", "deployVer": "1.0.0",
              "packageVer": "1.0.0", "imageUrl": "registry.edgeplane.local/e2e-shop/shop-web:1.0.0", "podNum": 4,
              "runtimeEnvCode": "openjdk", "runtimeEnvVer": "17",
              "podResourceSpec": {"cpuLimit": 500, "cpuRequest": 250, "memoryLimit": 512, "memoryRequest": 256},
              "envVariableList": [{"name": "PROFILE", "type": "CUSTOM", "value": "dev"}],
              "lifeCycleMgt": {"readiness": {"enabled": True, "mode": "HTTP_GET",
                                             "httpGet": {"path": "/health", "port": 8080, "scheme": "HTTP"},
                                             "initialDelaySeconds": 5, "periodSeconds": 10}},
              "deploymentStrategy": {"betweenBatchProcessingMode": "MANUAL",
                                     "batchList": [{"batchSeq": 1, "instNum": 2}, {"batchSeq": 2, "instNum": 2}]}}
    out = c.post("/v1/app/inst/deployK8sApplication", deploy)
    order = out["changeOrderId"]

    # batch 1 runs, then the order waits for confirmation of batch 2
    waiting = c.until(lambda: next((p for p in _pipelines(c, order) if _status(p) == 15), None), "batch 2 to wait")
    deployed = c.until(lambda: c.get("/v1/app/inst/listApplication", projectId=pid), "the deployed application")
    deploy_id = deployed[0]["appDeployId"]
    assert c.get("/v1/app/inst/getK8sApplicationStatus", appDeployId=deploy_id)["runningPod"] == 2
    pid_key = "pipelineId" if "pipelineId" in waiting else "pipelineInfoPipelineId"
    assert c.post("/v1/app/inst/continuePipeline", {"appDeployId": deploy_id, "changeOrderId": order,
                                                    "pipelineId": waiting[pid_key]}) is True
    c.until(lambda: all(_status(p) == 13 for p in _pipelines(c, order)), "both batches to succeed")
    c.until(lambda: c.get("/v1/app/inst/getK8sApplication", appDeployId=deploy_id)["statusCd"] == "S0A",
            "the deployed application to succeed")
    status = c.get("/v1/app/inst/getK8sApplicationStatus", appDeployId=deploy_id)
    assert status == {"runningPod": 4, "totalPod": 4} or (status["runningPod"], status["totalPod"]) == (4, 4)
    pods = c.get("/v1/app/inst/describeAppInstanceList", appDeployId=deploy_id)
    assert len(pods) == 4 and {p["statusCd"] for p in pods} == {"2"}

    # the rendered manifests are real Kubernetes objects
    info = c.get("/v1/app/inst/getChangeOrderInfo", changeOrderId=order)
    ymls = [t["resourceInfo"]["resourceYml"] for p in info["pipelineInfoList"] for s in p["stageList"]
            for t in s["taskInfo"] if t.get("resourceInfo", {}).get("resourceYml")]
    assert ymls
    manifests = [m for y in ymls for m in yaml.safe_load_all(y) if m]
    kinds = {m["kind"] for m in manifests}
    assert "Deployment" in kinds
    for m in manifests:
        kubernetes_validate.validate(m, "1.30", strict=True)
    dep = next(m for m in manifests if m["kind"] == "Deployment")
    container = dep["spec"]["template"]["spec"]["containers"][0]
    assert container["image"].endswith(":1.0.0") and container["readinessProbe"]["httpGet"]["path"] == "/health"

    # scale to 2
    order = c.post("/v1/app/inst/scaleK8sApplication", {"appDeployId": deploy_id, "replicas": 2})
    c.until(lambda: c.get("/v1/app/inst/getK8sApplicationStatus", appDeployId=deploy_id)["runningPod"] == 2
            and c.get("/v1/app/inst/getK8sApplication", appDeployId=deploy_id)["statusCd"] == "S0A", "scale to 2")
    assert len(c.get("/v1/app/inst/describeAppInstanceList", appDeployId=deploy_id)) == 2

    # a second version, then roll back to the first
    c.post("/v1/app/inst/deployK8sApplication", dict(deploy, deployVer="2.0.0", packageVer="2.0.0", podNum=2,
                                                     imageUrl="registry.edgeplane.local/e2e-shop/shop-web:2.0.0",
                                                     deploymentStrategy=None))
    c.until(lambda: c.get("/v1/app/inst/getAppDeployment", appDeployId=deploy_id)["imageUrl"].endswith(":2.0.0")
            and c.get("/v1/app/inst/getK8sApplication", appDeployId=deploy_id)["statusCd"] == "S0A", "version 2")
    history = c.get("/v1/app/inst/listHistoryDeployVersion", appDeployId=deploy_id)
    v1 = next(h for h in history if h["imageUrl"].endswith(":1.0.0"))
    c.post("/v1/app/inst/rollbackApplication", {"appDeployId": deploy_id, "imageUrl": v1["imageUrl"],
                                                "imageName": v1["imageName"], "imageVer": v1["imageVer"]})
    c.until(lambda: c.get("/v1/app/inst/getAppDeployment", appDeployId=deploy_id)["imageUrl"].endswith(":1.0.0")
            and c.get("/v1/app/inst/getK8sApplication", appDeployId=deploy_id)["statusCd"] == "S0A", "rollback")
    orders = c.get("/v1/app/inst/listRecentChangeOrder", appDeployId=deploy_id)
    assert len(orders) >= 4
