"""5.3 release instances (deployed applications) and 5.1.6 createMicroserviceApplication (catalog §2.7, §2.8, §7).

  deploy       MS#<t>#deploy / ID#<appDeployId>   scope ...#deploy#<projectId> (listApplication = one Query),
               name = "<appId>#<envId>" (one deployed app per application and environment, claimed),
               gsi4 MS#<t>#DEPLOYAPP#<appId> / <envId>#<appDeployId> (an application's deployed apps)
               data = the getK8sApplication fields + deploySpec (the committed Deployment spec), services (the
               committed K8s Services), runningChangeOrderId (the change lock, see ``changeorders``)
  changeorder  see ``changeorders`` (parent = appDeployId)
  history      MS#<t>#history, parent = appDeployId, name = image reference (the versions that ran)

Images (the document names packages, not images): deploySource IMAGE runs ``imageUrl`` (an edgeplane extension
field; without a tag ``deployVer`` is the tag) or ``registry.edgeplane.local/<projectCode>/<appName>:<deployVer>``
(the image a pipeline would have pushed); PACKAGE and CODE run the runtime environment's image
(``<runtimeEnv.image>:<runtimeEnvVer>``) with the package named in ``MSAP_PACKAGE_*`` environment variables
(the runtime image fetches it at start). Every check runs before the first write.
"""
from __future__ import annotations

import re
from typing import Literal, Optional

from pydantic import AliasChoices, Field, field_validator, model_validator

from chalicelib.core.errors import Conflict, Invalid, NotFound, Unavailable
from chalicelib.surfaces.msap import access, catalog, changeorders as co, objects
from chalicelib.surfaces.msap.identity import User
from chalicelib.surfaces.msap.params import Model

DEPLOY = co.DEPLOY
ENVRES = "envres"
NOT_FOUND = "ID 不存在"
OFFLINE = "应用已删除，本次发布的应用已下线"
APP_NAME_RE = re.compile(r"^[a-z][A-Za-z0-9]{2,29}$")
SERVICE_NAME_RE = re.compile(r"^[a-z][A-Za-z0-9]*$")
TAG_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
IMAGE_RE = re.compile(r"^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*"
                      r"(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$")
REGISTRY = "registry.edgeplane.local"
MAX_TIMEOUT = 3600


def kube():
    return co.kube()


# ================================================================ request models (catalog §5 schemas)
class BatchItem(Model):
    batchSeq: Optional[int] = Field(None, ge=1, le=5, title="批次序号")
    instNum: int = Field(ge=1, le=10000, title="批次实例数")


class DeploymentStrategy(Model):
    batchList: Optional[list[BatchItem]] = Field(None, title="批次列表")
    batchWaitTime: Optional[int] = Field(None, ge=0, le=900, title="批次间隔时间")
    betweenBatchProcessingMode: Optional[Literal["AUTO", "MANUAL"]] = Field(None, title="批次间处理方式")
    grayRule: Optional[dict] = Field(None, title="灰度规则")
    grayUpdate: Optional[bool] = Field(None, title="是否灰度发布")

    @field_validator("grayRule")
    @classmethod
    def _gray(cls, v):
        if v is not None and v.get("grayType") not in (None, "PERCENT", "CONTENT"):
            raise ValueError("灰度类型取值不正确，可选值：PERCENT、CONTENT")
        for p in (v or {}).get("percent") or []:
            rate = p.get("rate") if isinstance(p, dict) else None
            if not isinstance(rate, int) or isinstance(rate, bool) or not 0 <= rate <= 100:
                raise ValueError("灰度流量比例必须是0到100之间的整数")
        return v


class EnvVariable(Model):
    name: str = Field(min_length=1, max_length=253, title="环境变量名称")
    type: Optional[str] = Field(None, title="环境变量类型")
    value: Optional[str] = Field("", max_length=32768, title="环境变量值")

    @field_validator("name")
    @classmethod
    def _name(cls, v):
        if not re.fullmatch(r"[-._a-zA-Z][-._a-zA-Z0-9]*", v):
            raise ValueError(f"环境变量名称[{v}]不规范：只能包含字母、数字、'_'、'-'、'.'，且不能以数字开头")
        return v


class Header(Model):
    name: str = Field(min_length=1, title="请求头名称")
    value: Optional[str] = Field("", title="请求头值")


class HttpGet(Model):
    host: Optional[str] = Field(None, max_length=253, title="主机")
    path: Optional[str] = Field(None, max_length=2048, title="路径")
    port: Optional[int] = Field(None, ge=1, le=65535, title="端口")
    scheme: Optional[Literal["HTTP", "HTTPS"]] = Field(None, title="协议")
    headerList: Optional[list[Header]] = Field(None, title="请求头列表")


class TcpSocket(Model):
    host: Optional[str] = Field(None, max_length=253, title="主机")
    port: Optional[int] = Field(None, ge=1, le=65535, title="端口")


class ExecAction(Model):
    command: Optional[list[str]] = Field(None, title="探针命令")


class Probe(Model):
    enabled: Optional[bool] = Field(None, title="是否开启")
    mode: Optional[Literal["EXEC", "HTTP_GET", "TCP_SOCKET"]] = Field(None, title="探针方式")
    exec: Optional[ExecAction] = None
    httpGet: Optional[HttpGet] = None
    tcpSocket: Optional[TcpSocket] = None
    initialDelaySeconds: Optional[int] = Field(None, ge=0, le=86400, title="初始延迟")
    periodSeconds: Optional[int] = Field(None, ge=1, le=86400, title="检查间隔")
    successThreshold: Optional[int] = Field(None, ge=1, le=1000, title="成功阈值")
    failureThreshold: Optional[int] = Field(None, ge=1, le=1000, title="失败阈值")
    timeoutSeconds: Optional[int] = Field(None, ge=1, le=86400, title="超时时间")

    @model_validator(mode="after")
    def _mode(self):
        if not self.enabled:
            return self
        if self.mode is None:
            raise ValueError("健康检查已开启，探针方式不能为空")
        if self.mode == "EXEC" and not (self.exec and self.exec.command):
            raise ValueError("探针方式为 EXEC 时，命令不能为空")
        if self.mode == "HTTP_GET" and not (self.httpGet and self.httpGet.port):
            raise ValueError("探针方式为 HTTP_GET 时，端口不能为空")
        if self.mode == "HTTP_GET" and self.httpGet.path and not self.httpGet.path.startswith("/"):
            raise ValueError("探针路径必须以 / 开头")
        if self.mode == "TCP_SOCKET" and not (self.tcpSocket and self.tcpSocket.port):
            raise ValueError("探针方式为 TCP_SOCKET 时，端口不能为空")
        return self


class LifeCycleMgt(Model):
    liveness: Optional[Probe] = None
    readiness: Optional[Probe] = None

    @model_validator(mode="after")
    def _liveness(self):
        if self.liveness and self.liveness.enabled and self.liveness.successThreshold not in (None, 1):
            raise ValueError("存活探针的成功阈值只能为1")
        return self


class LogConfig(Model):
    createTime: Optional[str] = None
    logDir: Optional[str] = Field(None, max_length=1024, title="日志路径")
    logProject: Optional[str] = Field(None, max_length=256)
    logStore: Optional[str] = Field(None, max_length=1024)
    logType: Optional[Literal["stdout", "applog"]] = Field(None, title="日志类型")


class MsManagement(Model):
    aligned: Optional[bool] = None
    delayTime: Optional[int] = Field(None, ge=0, le=86400, title="延迟注册时间")
    enabled: Optional[bool] = None
    funcType: Optional[int] = Field(None, ge=0, le=20, title="预热曲线类型")
    registerCenterInstId: Optional[str] = Field(None, max_length=64, title="注册中心实例 ID")
    related: Optional[bool] = None
    warmupTime: Optional[int] = Field(None, ge=0, le=86400, title="预热时长")

    @field_validator("registerCenterInstId")
    @classmethod
    def _registry(cls, v):
        if v:
            inst = catalog.instance(v)
            if inst is None or inst.get("subCategory") != "msercm":
                raise ValueError("注册中心实例不存在")
        return v


class PodResourceSpec(Model):
    cpuLimit: Optional[int] = Field(None, ge=0, le=1_000_000, title="CPU 限制")
    cpuRequest: Optional[int] = Field(None, ge=0, le=1_000_000, title="CPU 请求")
    memoryLimit: Optional[int] = Field(None, ge=0, le=1_000_000, title="内存限制")
    memoryRequest: Optional[int] = Field(None, ge=0, le=1_000_000, title="内存请求")


class StartCommand(Model):
    command: Optional[str] = Field(None, max_length=4096, title="启动命令")
    args: Optional[list[str]] = Field(None, title="启动参数")


class MountConfig(Model):
    mountPath: Optional[str] = Field(None, max_length=1024, title="挂载路径")
    name: str = Field(min_length=1, max_length=253, title="配置文件名称")


class ConfigMgt(Model):
    configType: Optional[Literal["CONFIG_MAP"]] = Field(None, title="配置类型")
    fileMountType: Optional[str] = Field(None, title="文件挂载方式")
    mountConfigList: Optional[list[MountConfig]] = Field(None, title="挂载配置列表")
    mountMasterDir: Optional[str] = Field(None, max_length=1024, title="挂载主目录")
    mountSource: str = Field(min_length=1, max_length=253, title="挂载来源")
    mountType: Optional[Literal["MOUNT_FILE"]] = Field(None, title="挂载类型")

    @model_validator(mode="after")
    def _paths(self):
        if self.mountMasterDir and not self.mountMasterDir.startswith("/"):
            raise ValueError("挂载主目录必须是绝对路径")
        if not self.mountMasterDir and any(not (m.mountPath or "").startswith("/") for m in self.mountConfigList or []):
            raise ValueError("挂载主目录不能为空")
        if not self.mountMasterDir and not self.mountConfigList:
            raise ValueError("挂载主目录不能为空")
        return self


class DeployFields(Model):
    deployEnvId: str = Field(min_length=1, max_length=128, title="环境 ID")
    deploySource: Literal["CODE", "PACKAGE", "IMAGE"] = Field(title="部署来源")
    deployVer: str = Field(min_length=1, max_length=128, title="部署版本号")
    packageVer: str = Field(min_length=1, max_length=128, title="制品版本")
    podNum: int = Field(ge=1, le=1000, title="Pod 数量")
    runtimeEnvCode: str = Field(min_length=1, max_length=64, title="运行环境")
    runtimeEnvVer: str = Field(min_length=1, max_length=64, title="运行环境版本")
    branchOrTagName: Optional[str] = Field(None, max_length=255, title="分支或标签名称")
    buildEnvCode: Optional[str] = Field(None, max_length=64, title="编译环境")
    packageId: Optional[str] = Field(None, max_length=128, title="制品 ID")
    packageName: Optional[str] = Field(None, max_length=255, title="程序包名称")
    packagePath: Optional[str] = Field(None, max_length=1024, title="程序包路径")
    packageSource: Optional[Literal["USER_UPLOAD", "OFFICIAL_DEMO", "CODE_GENERATE", "EXISTED_PACKAGE"]] = \
        Field(None, title="制品来源")
    officialDemoCode: Optional[str] = Field(None, max_length=128, title="官方示例")
    configMgtList: Optional[list[ConfigMgt]] = Field(None, max_length=20, title="配置管理")
    deploymentStrategy: Optional[DeploymentStrategy] = Field(None, title="部署策略")
    envVariableList: Optional[list[EnvVariable]] = Field(None, max_length=200, title="环境变量列表")
    lifeCycleMgt: Optional[LifeCycleMgt] = Field(None, title="健康检查")
    logConfig: Optional[LogConfig] = Field(None, title="日志收集")
    msManagement: Optional[MsManagement] = Field(None, title="服务注册")
    podResourceSpec: Optional[PodResourceSpec] = Field(None, title="Pod 资源规格")
    startCommand: Optional[StartCommand] = Field(None, title="启动命令")
    description: Optional[str] = Field(None, max_length=500, title="描述")
    imageUrl: Optional[str] = Field(None, max_length=512, title="镜像地址")   # edgeplane extension (IMAGE)
    timeout: Optional[int] = Field(None, ge=1, le=MAX_TIMEOUT, title="变更超时时间")  # edgeplane extension

    @field_validator("imageUrl")
    @classmethod
    def _image(cls, v):
        if v is not None and v.strip() and not IMAGE_RE.fullmatch(v.strip()):
            raise ValueError("镜像地址不规范")
        return v.strip() if v else None


class DeployRequest(DeployFields):
    appId: str = Field(validation_alias=AliasChoices("appId", "appld"), min_length=1, max_length=128, title="应用 ID")


class NewMicroserviceApp(DeployFields):
    projectId: str = Field(min_length=1, max_length=128, title="项目 ID")
    name: str = Field(min_length=1, title="应用名称")
    category: Literal["MICRO_SERVICE"] = Field(title="应用类别")
    clusterType: Literal["KUBERNETES"] = Field(title="集群类型")
    language: Literal["Java"] = Field(title="应用语言")
    origin: Literal["GITEE", "GITHUB", "JAR", "WAR"] = Field(title="来源")
    type: Literal["EXTERNAL_CODE", "PACKAGE"] = Field(title="应用类型")
    podResourceSpec: PodResourceSpec = Field(title="Pod 资源规格")
    codeReposAddress: Optional[str] = Field(None, max_length=100, title="仓库地址")
    connectionId: Optional[str] = Field(None, max_length=128, title="服务连接 ID")

    @field_validator("name")
    @classmethod
    def _name(cls, v):
        if not APP_NAME_RE.fullmatch(v):
            raise ValueError("应用名称不规范：3-30个字符，以小写字母开头，后面只能是大小写字母和数字")
        return v

    @field_validator("codeReposAddress")
    @classmethod
    def _repo(cls, v):
        if v and not re.match(r"^https?://", v):
            raise ValueError("仓库地址不规范：长度不能超过100个字符，以 http/https 开头")
        return v


class DeployRef(Model):
    appDeployId: str = Field(min_length=1, max_length=128, title="部署应用 ID")


class ScaleRequest(DeployRef):
    replicas: int = Field(ge=0, le=1000, title="实例数")


class StartRequest(DeployRef):
    replicas: int = Field(ge=1, le=1000, title="实例数")


class ServicePort(Model):
    port: int = Field(ge=1, le=65535, title="服务端口")
    targetPort: int = Field(ge=1, le=65535, title="容器端口")
    protocol: Optional[str] = Field(None, title="协议")
    nodePort: Optional[int] = Field(None, title="节点端口")

    @field_validator("protocol")
    @classmethod
    def _protocol(cls, v):
        v = (v or "").strip().upper() or "TCP"
        if v not in ("TCP", "UDP", "SCTP"):
            raise ValueError("服务协议取值不正确，可选值：TCP、UDP、SCTP")
        return v

    @field_validator("nodePort", mode="before")
    @classmethod
    def _blank(cls, v):
        return None if v in ("", 0, "0") else v


class ServiceName(DeployRef):
    name: str = Field(min_length=1, max_length=63, title="名称")

    @field_validator("name")
    @classmethod
    def _name(cls, v):
        if not SERVICE_NAME_RE.fullmatch(v):
            raise ValueError("名称不规范")
        if v != v.lower():  # a K8s Service name is a DNS label: the document's pattern allows capitals
            raise ValueError("名称不规范：K8s 服务名称只能包含小写字母和数字，以小写字母开头")
        return v


class ServiceRequest(ServiceName):
    type: Literal["ClusterIP", "NodePort"] = Field(title="服务类型")
    trafficPolicy: Optional[Literal["Local", "Cluster"]] = Field(None, title="流量策略")
    servicesPorts: Optional[list[ServicePort]] = Field(None, max_length=100, title="服务端口列表")

    @model_validator(mode="after")
    def _ports(self):
        if not self.servicesPorts:
            raise ValueError("服务端口列表不能为空")
        seen, nodes = set(), set()
        for p in self.servicesPorts:
            if (p.port, p.protocol) in seen:
                raise ValueError(f"服务端口[{p.port}]重复")
            seen.add((p.port, p.protocol))
            if p.nodePort is not None:
                if self.type != "NodePort":
                    raise ValueError("只有 NodePort 类型的服务可以指定节点端口")
                if not 30000 <= p.nodePort <= 32767:
                    raise ValueError("节点端口必须在30000到32767之间")
                if p.nodePort in nodes:
                    raise ValueError(f"节点端口[{p.nodePort}]重复")
                nodes.add(p.nodePort)
        return self


class RollbackRequest(DeployRef):
    changeOrderId: str = Field(min_length=1, max_length=128, title="变更单 ID")


class RollbackAppRequest(DeployRef):
    imageUrl: str = Field(min_length=1, max_length=512, title="镜像地址")
    imageName: str = Field(min_length=1, max_length=255, title="镜像名称")
    imageVer: str = Field(min_length=1, max_length=128, title="镜像版本")


class ContinueRequest(DeployRef):
    changeOrderId: str = Field(min_length=1, max_length=128, title="变更单 ID")
    pipelineId: str = Field(min_length=1, max_length=128, title="流水线 ID")


class DeployQuery(Model):
    appDeployId: str = Field(min_length=1, max_length=128)


class OrderQuery(Model):
    changeOrderId: str = Field(min_length=1, max_length=128)


class ListQuery(Model):
    projectId: str = Field(min_length=1, max_length=128)
    appName: Optional[str] = Field(None, max_length=100, title="应用名称")
    category: Optional[Literal["IMAGE_DEPLOY"]] = Field(None, title="部署类别")
    deployEnvId: Optional[str] = Field(None, max_length=128, title="部署环境 ID")


# ================================================================ lookups
def get_deploy(u: User, deploy_id: str, missing: str = NOT_FOUND, *, operate: bool = False):
    """A deployed app of the caller's tenant the caller may see (``operate``: change, i.e. operate its app)."""
    d = objects.get(u.tenant, DEPLOY, deploy_id)
    if d is None:
        raise NotFound(missing)
    access.require_project(u, d.data.get("projectId", ""))
    if operate:
        app = objects.get(u.tenant, access.APP, d.data.get("appId", ""))
        if app is None:
            raise NotFound("应用不存在")
        access.require_app(u, app.obj_id, operate=True)
    return d


def env_target(u: User, env) -> tuple[dict, str]:
    """(catalogue dcos instance, namespace) of the environment's first imported K8s resource."""
    for res in objects.all_of(u.tenant, ENVRES, env.obj_id):
        inst = catalog.instance(res.data.get("instId", ""))
        if inst is None or inst.get("subCategory") != "dcos":
            continue
        ns = res.data.get("namespace") or ""
        if not ns:
            raise Invalid(f"环境导入的资源[{inst.get('resourceName', '')}]未指定命名空间，请先导入命名空间")
        return inst, ns
    raise Invalid("环境尚未导入 K8s 集群资源，请先导入资源")


def _cluster(inst: dict):
    c = catalog.cluster_of(inst)
    if c is None:
        raise Unavailable("集群暂不可用，请稍后重试")
    return c


def _read(fn, *args):
    k = kube()
    try:
        return fn(*args)
    except k.KubeError as exc:
        raise Unavailable(f"集群暂不可用：{exc}") from None


# ================================================================ deploy (5.3.18, 5.1.6)
def _check_source(body: DeployFields, *, microservice: bool) -> None:
    """The deploySource-conditional fields (catalog §4 validation table) and the catalogue references."""
    def need(field: str, label: str):
        v = getattr(body, field)
        if v is None or (isinstance(v, str) and not v.strip()):
            sep = " " if label[-1].isascii() and label[-1].isalnum() else ""  # params' spacing: "制品 ID 不能为空"
            raise Invalid(f"{label}{sep}不能为空")
    if body.deploySource == "CODE":
        need("branchOrTagName", "分支或标签名称")
        need("buildEnvCode", "编译环境")
        if microservice:
            need("codeReposAddress", "仓库地址")
            need("connectionId", "服务连接 ID")
        need("packageName", "程序包名称")
        need("packagePath", "程序包路径")
        if catalog.build_env(body.buildEnvCode) is None:
            raise Invalid("编译环境不存在")
    elif body.deploySource == "PACKAGE":
        need("packageId", "制品 ID")
        need("packageSource", "制品来源")
        if body.packageSource == "OFFICIAL_DEMO":
            need("officialDemoCode", "官方示例")
    rt = catalog.runtime_env(body.runtimeEnvCode)
    if rt is None:
        raise Invalid("运行环境不存在")
    if body.runtimeEnvVer not in {str(v["runtimeEnvVer"]) for v in rt.get("versionList", [])}:
        raise Invalid("运行环境版本不存在")


def _batches(body: DeployFields) -> tuple[list[int], str, int]:
    """(cumulative replicas per batch, batchType, batchWaitTime)."""
    st = body.deploymentStrategy
    if st is None or not st.batchList:
        return [body.podNum], "AUTOMATIC", 0
    items = st.batchList
    if not 1 <= len(items) <= 5:
        raise Invalid("分批次数必须在1到5之间")
    seqs = [b.batchSeq for b in items]
    if any(s is not None for s in seqs):
        if sorted(s or 0 for s in seqs) != list(range(1, len(items) + 1)):
            raise Invalid("批次序号不规范：必须从1开始连续编号")
        items = sorted(items, key=lambda b: b.batchSeq)
    if sum(b.instNum for b in items) != body.podNum:
        raise Invalid("各批次实例数之和必须等于 Pod 数量")
    mode = st.betweenBatchProcessingMode or ("MANUAL" if len(items) > 1 else "AUTO")
    batch_type = "MANUAL" if mode == "MANUAL" else "AUTOMATIC"
    out, total = [], 0
    for b in items:
        total += b.instNum
        out.append(total)
    return out, batch_type, int(st.batchWaitTime or 0) if batch_type == "AUTOMATIC" else 0


def _image(body: DeployFields, project_code: str, app_name: str) -> tuple[str, list[dict]]:
    """The container image and the extra environment (see the module docstring)."""
    if body.deploySource == "IMAGE":
        if body.imageUrl:
            repo, tag = co.split_image(body.imageUrl)
            if tag == "latest" and not body.imageUrl.endswith(":latest"):
                if not TAG_RE.fullmatch(body.deployVer):
                    raise Invalid("部署版本号不规范：只能包含字母、数字、'_'、'.'、'-'")
                return f"{body.imageUrl}:{body.deployVer}", []
            return body.imageUrl, []
        if not TAG_RE.fullmatch(body.deployVer):
            raise Invalid("部署版本号不规范：只能包含字母、数字、'_'、'.'、'-'")
        return f"{REGISTRY}/{kube().dns_label(project_code)}/{kube().dns_label(app_name)}:{body.deployVer}", []
    rt = catalog.runtime_env(body.runtimeEnvCode)
    env = [{"name": "MSAP_DEPLOY_SOURCE", "value": body.deploySource},
           {"name": "MSAP_PACKAGE_VERSION", "value": body.packageVer}]
    if body.deploySource == "PACKAGE":
        env.append({"name": "MSAP_PACKAGE_ID", "value": body.packageId or ""})
    else:
        env += [{"name": "MSAP_PACKAGE_NAME", "value": body.packageName or ""},
                {"name": "MSAP_PACKAGE_PATH", "value": body.packagePath or ""},
                {"name": "MSAP_BRANCH", "value": body.branchOrTagName or ""}]
    return f"{rt['image']}:{body.runtimeEnvVer}", env


def _mounts(u: User, env, ns: str, body: DeployFields) -> list[dict]:
    from chalicelib.surfaces.msap import service_env
    if not body.configMgtList:
        return []
    names = {(cm.data.get("namespace"), cm.data.get("configMapName"))
             for cm in service_env.env_configmaps(u.tenant, env.obj_id)}
    out = []
    for m in body.configMgtList:
        if (ns, m.mountSource) not in names:
            raise NotFound(f"配置项[{m.mountSource}]不存在")
        items = [{"key": c.name, "path": c.mountPath or ""} for c in m.mountConfigList or []]
        out.append({"configMap": m.mountSource, "mountPath": m.mountMasterDir or "", "items": items})
    return out


def _k8s_name(app_name: str, deploy_id: str) -> str:
    return f"{kube().dns_label(app_name, 50)}-{deploy_id[:8]}"


def _plan(u: User, body: DeployFields, app, env, project, deploy_id: str, inst: dict, ns: str) -> dict:
    app_name = app.data.get("name", app.name)
    name = _k8s_name(app_name, deploy_id)
    labels = kube().labels_for(kube().dns_label(app_name), deploy_id)
    image, extra_env = _image(body, project.data.get("projectCode", ""), app_name)
    res = body.podResourceSpec.model_dump(exclude_none=True) if body.podResourceSpec else {}
    env_vars = [{"name": e.name, "value": e.value or ""} for e in body.envVariableList or []]
    names = {e["name"] for e in env_vars}
    if len(names) != len(env_vars):
        raise Invalid("环境变量名称重复")
    env_vars += [e for e in extra_env if e["name"] not in names]
    spec = {"name": name, "namespace": ns, "labels": labels, "image": image, "replicas": body.podNum,
            "containerName": kube().dns_label(app_name), "env": env_vars, "resources": res,
            "annotations": {"msap.edgeplane/deploy-ver": body.deployVer}}
    if body.startCommand:
        if body.startCommand.command:
            spec["command"] = body.startCommand.command
        if body.startCommand.args:
            spec["args"] = list(body.startCommand.args)
    if body.lifeCycleMgt:
        for which in ("liveness", "readiness"):
            p = getattr(body.lifeCycleMgt, which)
            if p is not None and p.enabled:
                spec[which] = p.model_dump(exclude_none=True)
    mounts = _mounts(u, env, ns, body)
    if mounts:
        spec["configMounts"] = mounts
    if body.logConfig:
        spec["logConfig"] = body.logConfig.model_dump(exclude_none=True)
    st = body.deploymentStrategy
    if st and st.grayUpdate and st.grayRule:
        spec["gray"] = st.grayRule
    if body.msManagement and body.msManagement.enabled:
        spec["annotations"]["msap.edgeplane/ms-management"] = body.msManagement.model_dump_json(exclude_none=True)
    try:
        kube().render_deployment(spec)  # the renderer refuses what Kubernetes would, before anything is written
    except ValueError as exc:
        raise Invalid(f"部署参数不合法：{exc}") from None
    batches, batch_type, wait = _batches(body)
    pkg_type = ""
    if body.deploySource != "IMAGE":
        pkg_type = "WAR" if (body.packageName or "").lower().endswith(".war") or \
            app.data.get("origin") == "WAR" else "JAR"
    fields = {"cpuLimit": res.get("cpuLimit", 0), "cpuRequest": res.get("cpuRequest", 0),
              "memoryLimit": res.get("memoryLimit", 0), "memoryRequest": res.get("memoryRequest", 0),
              "buildPackageName": body.packageName or "", "buildPackagePath": body.packagePath or "",
              "buildPackageType": pkg_type, "branchName": body.branchOrTagName or "", "deployVer": body.deployVer}
    return {"spec": spec, "batches": batches, "batchType": batch_type, "wait": wait, "fields": fields}


def _deploy_data(u: User, app, env, project, deploy_id: str, inst: dict, ns: str, plan: dict) -> dict:
    now = objects.now_ms_str()
    app_name = app.data.get("name", app.name)
    return dict(plan["fields"], **{
        "appCode": app.data.get("appCode") or app_name, "appDeployCode": plan["spec"]["name"],
        "appDeployName": f"{app_name}-{env.data.get('envCode', '')}", "appDeployId": deploy_id,
        "appId": app.obj_id, "appName": app_name, "category": "IMAGE_DEPLOY", "categoryName": "镜像部署",
        "changeOrderId": "", "clusterName": inst.get("resourceName", ""), "cluster": catalog.cluster_name(inst),
        "instId": inst["instId"], "createStaff": u.username, "createTime": now, "createUserId": u.user_num,
        "envCode": env.data.get("envCode", ""), "envName": env.data.get("envName", ""), "deployEnvId": env.obj_id,
        "deployEnvName": env.data.get("envName", ""), "namespace": ns,
        "projectCode": project.data.get("projectCode", ""), "projectId": project.obj_id, "runningPod": 0,
        "statusCd": "S0W", "statusTime": now, "totalPod": 0, "deploySpec": None, "services": [],
        "runningChangeOrderId": ""})


def _engine_plan(d, action: str, spec: dict | None, batches: list, **more) -> dict:
    """The change order's plan (``changeorders`` module docstring) for the deployed app ``d``."""
    data = d.data
    spec_labels = (spec or data.get("deploySpec") or {}).get("labels")
    return dict({"action": action, "spec": spec, "batches": batches, "before": data.get("deploySpec"),
                 "cluster": data["cluster"], "instId": data.get("instId", ""), "namespace": data["namespace"],
                 "name": data["appDeployCode"], "labels": spec_labels or kube().labels_for(
                     kube().dns_label(data.get("appName", "")), d.obj_id),
                 "appName": kube().dns_label(data.get("appName", "")), "deployId": d.obj_id}, **more)


def _prepare(u: User, body: DeployFields, app, env):
    """Everything checked, nothing written: (project, inst, ns, deployed app or None, deploy id, plan)."""
    if app.data.get("projectId") != env.data.get("projectId"):
        raise Invalid("应用和环境不属于同一个项目")
    project = access.require_project(u, app.data["projectId"])
    inst, ns = env_target(u, env)
    existing = objects.by_name(u.tenant, DEPLOY, f"{app.obj_id}#{env.obj_id}", parent=project.obj_id)
    if existing is not None and existing.data.get("runningChangeOrderId"):
        raise Conflict(co.BUSY)
    deploy_id = existing.obj_id if existing is not None else objects.new_uuid()
    plan = _plan(u, body, app, env, project, deploy_id, inst, ns)
    return project, inst, ns, existing, deploy_id, plan


def _launch(u: User, body: DeployFields, app, env, prepared, change_type: str = "DEPLOY") -> str:
    project, inst, ns, existing, deploy_id, plan = prepared
    d = existing
    if d is None:
        data = _deploy_data(u, app, env, project, deploy_id, inst, ns, plan)
        try:
            d = objects.create(u.tenant, DEPLOY, data, obj_id=deploy_id, parent=project.obj_id,
                               name=f"{app.obj_id}#{env.obj_id}", unique_name=(co.BUSY, None),
                               lookup=(f"MS#{u.tenant}#DEPLOYAPP#{app.obj_id}", f"{env.obj_id}#{deploy_id}"))
        except Conflict:  # a concurrent first deployment of the same app to the same environment
            raise Conflict(co.BUSY) from None
    ep = _engine_plan(d, "deployment", plan["spec"], plan["batches"], fields=plan["fields"])
    return co.begin(u, d, change_type, ep, description=body.description or "", deployment_ver=body.deployVer,
                    batch_type=plan["batchType"], batch_interval=plan["wait"],
                    timeout=body.timeout or co.DEFAULT_TIMEOUT, resource_name=plan["spec"]["name"])


def deploy(u: User, body: DeployRequest) -> dict:
    app = access.require_app(u, body.appId, operate=True)
    env = access.require_env(u, body.deployEnvId, operate=True)
    _check_source(body, microservice=False)
    prepared = _prepare(u, body, app, env)
    return {"appId": app.obj_id, "changeOrderId": _launch(u, body, app, env, prepared)}


class _AppView:
    """The application about to be created, shaped like its stored object (for the shared planning code)."""
    def __init__(self, app_id: str, data: dict):
        self.obj_id, self.data, self.name = app_id, data, data["name"]


def create_microservice(u: User, body: NewMicroserviceApp) -> dict:
    """5.1.6: create the MICRO_SERVICE application and start its first deployment (as deployK8sApplication)."""
    from chalicelib.surfaces.msap import service_app
    access.require_project(u, body.projectId, write=True)
    env = access.require_env(u, body.deployEnvId, operate=True)
    _check_source(body, microservice=True)
    if body.deploySource == "CODE":
        service_app.require_connection(u, body.projectId, body.connectionId,
                                       body.origin if body.origin in ("GITEE", "GITHUB") else None)
    if objects.by_name(u.tenant, access.APP, body.name, parent=body.projectId) is not None:
        raise Conflict(service_app.APP_EXISTS)
    app_id = objects.new_uuid()
    now = objects.now_ms_str()
    org, repo = service_app.repo_parts(body.codeReposAddress) if body.codeReposAddress else ("", "")
    data = {"appGroupId": "", "appGroupName": "", "appId": app_id, "appCode": body.name, "category": "MICRO_SERVICE",
            "codeReposAddress": body.codeReposAddress or "", "codeReposName": repo, "codeReposOrganization": org,
            "connectionId": body.connectionId or "", "createStaff": u.real_name or u.username, "createTime": now,
            "description": body.description or "", "name": body.name, "origin": body.origin, "statusCd": "S0A",
            "statusTime": now, "type": body.type, "projectId": body.projectId, "createUserId": u.user_num,
            "language": body.language, "clusterType": body.clusterType, "buildEnvCode": body.buildEnvCode or "",
            "runtimeEnvCode": body.runtimeEnvCode, "runtimeEnvVer": body.runtimeEnvVer}
    view = _AppView(app_id, data)
    prepared = _prepare(u, body, view, env)  # every check before the application is written
    objects.create(u.tenant, access.APP, data, obj_id=app_id, parent=body.projectId, name=body.name,
                   unique_name=(service_app.APP_EXISTS, None))
    app = objects.get(u.tenant, access.APP, app_id)
    return {"appId": app_id, "changeOrderId": _launch(u, body, app, env, prepared)}


# ================================================================ operations on a deployed app
def _committed(d) -> dict:
    spec = d.data.get("deploySpec")
    if not spec:
        raise Invalid("应用尚未部署成功，不能执行该操作")
    return dict(spec)


def _busy(d) -> None:
    if d.data.get("runningChangeOrderId"):
        raise Conflict(co.BUSY)


def _replicas_change(u: User, d, change_type: str, replicas: int) -> str:
    _busy(d)
    spec = dict(_committed(d), replicas=replicas)
    return co.begin(u, d, change_type, _engine_plan(d, "deployment", spec, [replicas]),
                    deployment_ver=d.data.get("deployVer", ""), resource_name=d.data["appDeployCode"])


def scale(u: User, body: ScaleRequest) -> str:
    return _replicas_change(u, get_deploy(u, body.appDeployId, operate=True), "SCALE", body.replicas)


def start(u: User, body: StartRequest) -> str:
    return _replicas_change(u, get_deploy(u, body.appDeployId, operate=True), "START", body.replicas)


def stop(u: User, body: DeployRef) -> str:
    return _replicas_change(u, get_deploy(u, body.appDeployId, operate=True), "STOP", 0)


def restart(u: User, body: DeployRef) -> str:
    d = get_deploy(u, body.appDeployId, operate=True)
    _busy(d)
    spec = _committed(d)
    # a changed pod template (like kubectl rollout restart's annotation) makes the Deployment replace every pod
    spec["env"] = [e for e in spec.get("env") or [] if e["name"] != "MSAP_RESTARTED_AT"] + \
        [{"name": "MSAP_RESTARTED_AT", "value": objects.now_ms_str()}]
    return co.begin(u, d, "RESTART", _engine_plan(d, "deployment", spec, [int(spec["replicas"])]),
                    deployment_ver=d.data.get("deployVer", ""), resource_name=d.data["appDeployCode"])


def _service_spec(d, body: ServiceRequest) -> tuple[dict, dict]:
    labels = (d.data.get("deploySpec") or {}).get("labels") or kube().labels_for(
        kube().dns_label(d.data.get("appName", "")), d.obj_id)
    ports = [{"port": p.port, "targetPort": p.targetPort, "protocol": p.protocol,
              **({"nodePort": p.nodePort} if p.nodePort else {})} for p in body.servicesPorts]
    policy = body.trafficPolicy or "Local"
    spec = {"name": body.name, "namespace": d.data["namespace"], "labels": labels, "selector": labels,
            "type": body.type, "trafficPolicy": policy, "ports": ports}
    try:
        kube().render_service(spec)
    except ValueError as exc:
        raise Invalid(f"服务参数不合法：{exc}") from None
    row = {"name": body.name, "type": body.type, "trafficPolicy": policy,
           "servicesPorts": [{"nodePort": p.nodePort, "port": p.port, "protocol": p.protocol,
                              "targetPort": p.targetPort} for p in body.servicesPorts]}
    return spec, row


def _service_names(d) -> set[str]:
    return {s["name"] for s in d.data.get("services") or []}


def create_service(u: User, body: ServiceRequest) -> str:
    d = get_deploy(u, body.appDeployId, operate=True)
    _busy(d)
    if body.name in _service_names(d):
        raise Conflict("服务名称已存在")
    spec, row = _service_spec(d, body)
    return co.begin(u, d, "CREATE_SERVICE", _engine_plan(d, "service", None, [1], service=spec, serviceRow=row),
                    resource_name=body.name)


def update_service(u: User, body: ServiceRequest) -> str:
    d = get_deploy(u, body.appDeployId, operate=True)
    _busy(d)
    if body.name not in _service_names(d):
        raise NotFound("服务不存在")
    spec, row = _service_spec(d, body)
    return co.begin(u, d, "UPDATE_SERVICE", _engine_plan(d, "service", None, [1], service=spec, serviceRow=row),
                    resource_name=body.name)


def delete_service(u: User, body: ServiceName) -> None:
    d = get_deploy(u, body.appDeployId, operate=True)
    _busy(d)
    if body.name not in _service_names(d):
        raise NotFound("服务不存在")
    co.begin(u, d, "DELETE_SERVICE", _engine_plan(d, "delete_service", None, [1], service={"name": body.name}),
             resource_name=body.name)


def delete_app(u: User, body: DeployRef) -> None:
    d = get_deploy(u, body.appDeployId, operate=True)
    _busy(d)
    co.begin(u, d, "DELETE", _engine_plan(d, "delete", None, [0], services=sorted(_service_names(d))),
             resource_name=d.data["appDeployCode"])


def rollback(u: User, body: RollbackRequest) -> str:
    """Abort the change order if it runs, and roll back to the version before it (EDAS AbortAndRollback)."""
    d = get_deploy(u, body.appDeployId, OFFLINE, operate=True)
    order = co.get_order(u.tenant, body.changeOrderId)
    if order is None or order.data.get("appDeployId") != d.obj_id:
        raise NotFound("变更记录不存在")
    running = d.data.get("runningChangeOrderId") or ""
    if running and running != order.obj_id:
        raise Conflict(co.BUSY)
    if (order.extra or {}).get("action") != "deployment":
        raise Invalid("只能回滚部署、扩缩容、启停或重启类的变更")
    before = (order.extra or {}).get("before")
    if not before:
        raise Invalid("该变更之前没有可回滚的版本")
    taking_over = None
    if running == order.obj_id:
        co.abort(u, order)
        taking_over = order.obj_id
        d = objects.get(u.tenant, DEPLOY, d.obj_id)
    plan = _engine_plan(d, "deployment", dict(before), [int(before["replicas"])])
    plan["before"] = d.data.get("deploySpec")
    return co.begin(u, d, "ROLLBACK", plan, description=f"回滚变更 {order.obj_id}",
                    deployment_ver=order.data.get("deploymentVer", ""), resource_name=d.data["appDeployCode"],
                    taking_over=taking_over)


def rollback_application(u: User, body: RollbackAppRequest) -> str:
    d = get_deploy(u, body.appDeployId, OFFLINE, operate=True)
    _busy(d)
    spec = _committed(d)
    match = [h for h in objects.all_of(u.tenant, co.HISTORY, d.obj_id)
             if h.data.get("imageUrl") == body.imageUrl and h.data.get("imageName") == body.imageName
             and h.data.get("imageVer") == body.imageVer]
    if not match:
        raise NotFound("历史版本不存在")
    spec["image"] = body.imageUrl
    return co.begin(u, d, "ROLLBACK", _engine_plan(d, "deployment", spec, [int(spec["replicas"])]),
                    description=f"回滚到版本 {body.imageVer}", deployment_ver=body.imageVer,
                    resource_name=d.data["appDeployCode"])


def continue_pipeline(u: User, body: ContinueRequest) -> bool:
    d = get_deploy(u, body.appDeployId, operate=True)
    order = co.get_order(u.tenant, body.changeOrderId)
    if order is None or order.data.get("appDeployId") != d.obj_id:
        raise NotFound("变更记录不存在")
    return co.continue_pipeline(u, order, body.pipelineId)


# ================================================================ reads
def _live_pods(d) -> list:
    inst = catalog.instance(d.data.get("instId", ""))
    if inst is None:
        return []
    cluster = _cluster(inst)
    labels = (d.data.get("deploySpec") or {}).get("labels") or kube().labels_for(
        kube().dns_label(d.data.get("appName", "")), d.obj_id)
    return list(_read(kube().driver(cluster).pods, cluster, d.data["namespace"], labels))


def _counts(pods) -> dict:
    return {"runningPod": sum(1 for p in pods if p.phase == "Running" and p.ready), "totalPod": len(pods)}


def view(d, pods=None) -> dict:
    data = d.data
    keys = ["appCode", "appDeployCode", "appDeployName", "appDeployId", "appId", "appName", "buildPackageName",
            "buildPackagePath", "buildPackageType", "category", "categoryName", "changeOrderId", "clusterName",
            "cpuLimit", "cpuRequest", "createStaff", "createTime", "envCode", "envName", "memoryLimit",
            "memoryRequest", "namespace", "projectCode", "runningPod", "statusCd", "statusTime", "totalPod"]
    out = {k: data.get(k, "") for k in keys}
    out["statusCdName"] = co.DEPLOY_STATUS.get(data.get("statusCd", ""), "")
    if pods is not None:
        out.update(_counts(pods))
    return out


def get_app(u: User, q: DeployQuery) -> dict:
    d = get_deploy(u, q.appDeployId)
    return view(d, _live_pods(d))


def get_status(u: User, q: DeployQuery) -> dict:
    return _counts(_live_pods(get_deploy(u, q.appDeployId)))


def pods(u: User, q: DeployQuery) -> list[dict]:
    d = get_deploy(u, q.appDeployId)
    rows = []
    for p in _live_pods(d):
        code = co.pod_status(p.phase, p.ready)
        rows.append({"containerName": p.container, "createDate": str(int(p.created_ms or 0)), "imageUrl": p.image,
                     "name": p.name, "namespaceName": p.namespace, "nodeName": p.node, "podIp": p.ip,
                     "restartCount": int(p.restarts or 0), "statusCd": code, "statusCdName": co.POD_STATUS[code]})
    return rows


def deployment(u: User, q: DeployQuery) -> dict:
    d = get_deploy(u, q.appDeployId)
    inst = catalog.instance(d.data.get("instId", ""))
    m = None
    if inst is not None:
        cluster = _cluster(inst)
        m = _read(kube().driver(cluster).get, cluster, "Deployment", d.data["namespace"], d.data["appDeployCode"])
    if not m:
        raise NotFound("Deployment 不存在")
    spec, status, meta = m.get("spec") or {}, m.get("status") or {}, m.get("metadata") or {}
    containers = (((spec.get("template") or {}).get("spec") or {}).get("containers")) or [{}]
    created = kube().ms_of(meta.get("creationTimestamp")) or int(d.data.get("createTime") or 0)
    return {"availableReplicas": int(status.get("availableReplicas") or 0), "createDate": str(created),
            "imageUrl": containers[0].get("image", ""), "name": meta.get("name", ""),
            "namespace": meta.get("namespace", ""), "replicas": int(spec.get("replicas") or 0),
            "unavailableReplicas": int(status.get("unavailableReplicas") or 0),
            "updatedReplicas": int(status.get("updatedReplicas") or 0)}


def services(u: User, q: DeployQuery) -> list[dict]:
    d = get_deploy(u, q.appDeployId)
    inst = catalog.instance(d.data.get("instId", ""))
    if inst is None:
        return []
    cluster = _cluster(inst)
    drv = kube().driver(cluster)
    rows = []
    for m in _read(drv.list, cluster, "Service", d.data["namespace"]):
        meta, spec = m.get("metadata") or {}, m.get("spec") or {}
        if (meta.get("labels") or {}).get(kube().LABEL_DEPLOY) != d.obj_id:
            continue
        ip = spec.get("clusterIP") or (m.get("status") or {}).get("clusterIP") or ""
        svc_type = spec.get("type") or "ClusterIP"
        policy = spec.get("externalTrafficPolicy") if svc_type == "NodePort" else spec.get("internalTrafficPolicy")
        rows.append({"clusterIp": ip, "intraVip": ip, "extraVip": inst.get("ip", "") if svc_type == "NodePort" else "",
                     "name": meta.get("name", ""), "type": svc_type, "trafficPolicy": policy or "Cluster",
                     "servicesPorts": [{"nodePort": p.get("nodePort"), "port": p.get("port"),
                                        "protocol": p.get("protocol", "TCP"), "targetPort": p.get("targetPort")}
                                       for p in spec.get("ports") or []]})
    return sorted(rows, key=lambda r: r["name"])


def list_deployed(u: User, q: ListQuery) -> list[dict]:
    access.require_project(u, q.projectId)
    needle = (q.appName or "").lower()
    rows = []
    for d in objects.all_of(u.tenant, DEPLOY, q.projectId, ascending=False):
        data = d.data
        if needle and needle not in data.get("appName", "").lower():
            continue
        if q.deployEnvId and data.get("deployEnvId") != q.deployEnvId:
            continue
        if q.category and data.get("category") != q.category:
            continue
        rows.append({"appName": data.get("appName", ""), "branchName": data.get("branchName", ""),
                     "category": data.get("category", ""), "categoryName": data.get("categoryName", ""),
                     "createStaff": data.get("createStaff", ""), "createTime": data.get("createTime", ""),
                     "appDeployId": d.obj_id, "appId": data.get("appId", ""), "deployEnvId": data.get("deployEnvId", ""),
                     "deployEnvName": data.get("deployEnvName", ""), "statusCd": data.get("statusCd", ""),
                     "statusCdName": co.DEPLOY_STATUS.get(data.get("statusCd", ""), "")})
    return rows


def recent_orders(u: User, q: DeployQuery) -> list[dict]:
    d = get_deploy(u, q.appDeployId)
    return [co.order_row(o) for o in co.orders_of(u.tenant, d.obj_id)]


def order_info(u: User, q: OrderQuery) -> dict:
    order = co.get_order(u.tenant, q.changeOrderId)
    if order is None:
        raise NotFound(NOT_FOUND)
    access.require_project(u, order.data.get("projectId", ""))
    return co.order_row(order, detail=True)


def history(u: User, q: DeployQuery) -> list[dict]:
    d = get_deploy(u, q.appDeployId, OFFLINE)
    rows = [{k: h.data.get(k, "") for k in ("createTime", "imageId", "imageName", "imageUrl", "imageVer")}
            for h in objects.all_of(u.tenant, co.HISTORY, d.obj_id, ascending=False)]
    return rows
