"""The ``data`` of every MSAP JSON success (catalog §5), as the services produce it.

A route declares its data model (``@get(bp, path, returns=Model)``); :func:`answer` builds the whole body
``{code, msg, data: Model}`` once per data model (the generic :class:`MsData`), which the OpenAPI document publishes
inside the MSAP envelope and the test suite checks every answer against (``tests/contract_check.py``).

Field names are exactly the JSON keys; descriptions come from the MSAP document. Times are epoch-millisecond strings
except the deploy configurations' ``YYYY-MM-DD HH:mm:ss``. Default pydantic config: unknown keys are ignored (the
envelope's ``allOf`` and catalogue entries with extra attributes stay valid).
"""
from typing import Dict, Generic, List, Literal, Optional, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, Field

from chalicelib.openapi.declare import named

T = TypeVar("T")

Empty = Literal[""]
"""``data`` of the operations that answer nothing: the empty string."""


# ---------------------------------------------------------------- the envelope and the page
class MsData(BaseModel, Generic[T]):
    """An MSAP success body: ``code`` "200", empty ``msg`` and the operation's ``data``."""
    code: str = Field(description="响应编码 200 success")
    msg: str = Field(description="消息内容")
    data: T = Field(description="返回数据")


class Page(BaseModel, Generic[T]):
    """MyBatis PageHelper's ``PageInfo`` (catalog §4 Pagination): the rows of one page and the navigation."""
    pageNum: int = Field(description="当前页")
    pageSize: int = Field(description="每页行数")
    size: int = Field(description="当前页的行数")
    startRow: int = Field(description="当前页第一行在总数中的序号 (从 1 开始, 无数据时为 0)")
    endRow: int = Field(description="当前页最后一行在总数中的序号")
    total: int = Field(description="总行数")
    pages: int = Field(description="总页数")
    list: List[T] = Field(description="当前页的数据")
    prePage: int = Field(description="上一页 (没有时为 0)")
    nextPage: int = Field(description="下一页 (没有时为 0)")
    isFirstPage: bool = Field(description="是否为第一页")
    isLastPage: bool = Field(description="是否为最后一页")
    hasPreviousPage: bool = Field(description="是否有上一页")
    hasNextPage: bool = Field(description="是否有下一页")
    navigatePages: int = Field(description="导航页码数")
    navigatepageNums: List[int] = Field(description="所有导航页号")
    navigateFirstPage: int = Field(description="导航条上的第一页")
    navigateLastPage: int = Field(description="导航条上的最后一页")


_SCALARS = {str: "String", bool: "Boolean", int: "Integer"}


def _label(t) -> str:
    """A readable component name for a data type: ``Env``, ``EnvList``, ``EnvPage``, ``String``, ``Empty``."""
    if t in _SCALARS:
        return _SCALARS[t]
    if t == Empty:
        return "Empty"
    if get_origin(t) in (list, List):
        return f"{_label(get_args(t)[0])}List"
    return getattr(t, "__name__", str(t))


def answer(data_type) -> type[BaseModel]:
    """The whole-body model of an MSAP success whose ``data`` is ``data_type``, named ``<Label>Answer`` (a plain
    ``MsData[X]`` would be published as ``MsData_list_Env__``)."""
    label = _label(data_type)
    return named(MsData[data_type], f"{label}Answer", f"An MSAP success whose ``data`` is {label}.", __name__)


def page(item: type[BaseModel]) -> type[BaseModel]:
    """The PageHelper page of ``item`` rows, named ``<Item>Page``."""
    return named(Page[item], f"{item.__name__}Page",
                 f"One page of {item.__name__} rows (MyBatis PageHelper PageInfo).", __name__)


# ---------------------------------------------------------------- shared rows
class Member(BaseModel):
    """A project member (listSubAccountPage, list*Authorities, listEnablePipelineMembersPage)."""
    canRemove: bool = Field(description="是否可以移除")
    createTime: str = Field(description="创建时间")
    groupName: str = Field(description="所属角色 (多个以逗号分隔)")
    orgName: str = Field(description="所属部门")
    realName: str = Field(description="用户名")
    roleId: List[int] = Field(description="角色 ID 列表")
    userId: int = Field(description="用户 ID")
    userName: str = Field(description="用户账号")


class DeployStarted(BaseModel):
    """createMicroserviceApplication / deployK8sApplication: the application and the change order started."""
    appId: str = Field(description="应用 ID")
    changeOrderId: str = Field(description="应用变更 ID")


# ---------------------------------------------------------------- 5.1 applications, 5.2 groups, 5.9 connections
class Application(BaseModel):
    """A row of getApplicationListPage."""
    appGroupId: str = Field(description="应用分组 id")
    appGroupName: str = Field(description="应用分组名称")
    appId: str = Field(description="应用 ID")
    appName: str = Field(description="应用名称")
    category: str = Field(description="应用分类 MICRO_SERVICE 和 GENERAL_APP")
    codeReposAddress: str = Field(description="仓库地址")
    codeReposName: str = Field(description="仓库名称")
    codeReposOrganization: str = Field(description="组织名称")
    connectionId: str = Field(description="服务连接 ID")
    createStaff: str = Field(description="创建人")
    createTime: str = Field(description="创建时间")
    description: str = Field(description="应用描述")
    name: str = Field(description="应用名称")
    origin: str = Field(description="仓库来源, 目前有 GITEE、GITHUB")
    projectId: str = Field(description="项目 ID")
    statusCd: str = Field(description="状态 S0A 有效 S0X 无效")
    statusTime: str = Field(description="状态变更时间")
    type: str = Field(description="应用类型, EXTERNAL_CODE")


class BuildEnv(BaseModel):
    """A build environment of the catalogue (listBuildEnvs)."""
    buildCommand: str = Field(description="编译命令")
    buildEnvCode: str = Field(description="编译环境代码")
    buildEnvId: int = Field(description="编译环境 ID")
    buildEnvLabel: str = Field(description="编译环境标签")
    buildEnvName: str = Field(description="编译环境名称")
    buildEnvType: str = Field(description="编译环境类型")
    description: str = Field(description="描述")


class RuntimeEnvVersion(BaseModel):
    runtimeEnvVer: str = Field(description="运行环境版本号")
    runtimeEnvVerId: int = Field(description="运行环境版本 ID")


class RuntimeEnv(BaseModel):
    """A runtime environment of the catalogue (listRuntimeEnvs)."""
    label: str = Field(description="运行环境标签")
    runtimeEnvCode: str = Field(description="运行环境代码")
    runtimeEnvId: int = Field(description="运行环境 ID")
    runtimeEnvName: str = Field(description="运行环境名称")
    versionList: List[RuntimeEnvVersion] = Field(description="运行环境版本号列表")


class ApplicationGroup(BaseModel):
    """An application group (listApplicationGroups); the document calls its id ``appId`` (§8.11)."""
    appId: str = Field(description="应用分组 ID (文档中的字段名)")
    appGroupId: str = Field(description="应用分组 ID")
    name: str = Field(description="应用分组名称")
    projectId: str = Field(description="项目 ID")
    createTime: str = Field(description="创建时间")


class Connection(BaseModel):
    """A service connection (listServiceConnection); its token is never returned."""
    connectionId: str = Field(description="服务连接 ID")
    connectionName: str = Field(description="服务连接名称")
    connectionType: str = Field(description="服务连接类型 GITHUB GITEE")
    connectionTypeName: str = Field(description="服务连接类型名称")
    createStaff: str = Field(description="创建人")
    createTime: str = Field(description="创建时间")


# ---------------------------------------------------------------- 5.3 release instances
class AppInstance(BaseModel):
    """A pod of a deployed application (describeAppInstanceList)."""
    containerName: str = Field(description="K8s container 名称")
    createDate: str = Field(description="K8s pod 创建时间")
    imageUrl: str = Field(description="K8s 启动 pod 镜像地址")
    name: str = Field(description="K8s pod 名称")
    namespaceName: str = Field(description="K8s namespace 名称")
    nodeName: str = Field(description="K8s node 名称")
    podIp: str = Field(description="K8s pod IP")
    restartCount: int = Field(description="K8s pod 重启次数")
    statusCd: str = Field(description="pod 状态:1,启动中;2,运行中;3,停止中;4,已停止;5,停止发生错误;6,未知错误;7,变更中")
    statusCdName: str = Field(description="pod 状态名称")


class AppDeployment(BaseModel):
    """The Kubernetes Deployment of a deployed application (getAppDeployment)."""
    availableReplicas: int = Field(description="K8s 可用 pod 数量")
    createDate: str = Field(description="K8s deployment 创建时间")
    imageUrl: str = Field(description="K8s 启动 pod 镜像地址")
    name: str = Field(description="K8s deployment 名称")
    namespace: str = Field(description="K8s namespace")
    replicas: int = Field(description="K8s pod 数量")
    unavailableReplicas: int = Field(description="K8s 不可用 pod 数量")
    updatedReplicas: int = Field(description="K8s 已更新 pod 数量")


class K8sApplication(BaseModel):
    """A deployed application (getK8sApplication)."""
    appCode: str = Field(description="应用编码")
    appDeployCode: str = Field(description="部署编码")
    appDeployName: str = Field(description="应用部署名称")
    appDeployId: str = Field(description="应用部署 ID")
    appId: str = Field(description="应用 ID")
    appName: str = Field(description="应用名称")
    buildPackageName: str = Field(description="构建包名称")
    buildPackagePath: str = Field(description="构建包路径")
    buildPackageType: str = Field(description="构建包类型 WAR JAR (镜像部署时为空)")
    category: str = Field(description="部署类别:IMAGE_DEPLOY")
    categoryName: str = Field(description="部署类别名称:镜像部署")
    changeOrderId: str = Field(description="最近一次应用变更 ID")
    clusterName: str = Field(description="K8s 实例名称")
    cpuLimit: int = Field(description="cpu 限制 (m, 未设置时为 0)")
    cpuRequest: int = Field(description="cpu 请求 (m, 未设置时为 0)")
    createStaff: str = Field(description="创建人")
    createTime: str = Field(description="创建时间")
    envCode: str = Field(description="环境编码")
    envName: str = Field(description="环境名称")
    memoryLimit: int = Field(description="内存限制 (Mi, 未设置时为 0)")
    memoryRequest: int = Field(description="内存请求 (Mi, 未设置时为 0)")
    namespace: str = Field(description="命名空间")
    projectCode: str = Field(description="项目编码")
    runningPod: int = Field(description="运行 pod 数")
    statusCd: str = Field(description="实例状态 S0P 执行中 S0A 执行成功 S0E 执行失败 S0W 待执行")
    statusTime: str = Field(description="状态更新时间")
    totalPod: int = Field(description="总 pod 数")
    statusCdName: str = Field(description="实例状态名称")


class K8sApplicationStatus(BaseModel):
    """The pod counts of a deployed application (getK8sApplicationStatus)."""
    runningPod: int = Field(description="运行中 pod 数")
    totalPod: int = Field(description="总 pod 数")


class K8sServicePort(BaseModel):
    nodePort: Optional[int] = Field(None, description="节点端口 (NodePort 类型时)")
    port: int = Field(description="服务端口")
    protocol: str = Field(description="服务协议 TCP UDP")
    targetPort: Union[int, str] = Field(description="容器端口 (或端口名称)")


class K8sService(BaseModel):
    """A Kubernetes Service of a deployed application (getK8sServices)."""
    clusterIp: str = Field(description="K8s 集群 IP")
    intraVip: str = Field(description="内网 IP")
    extraVip: str = Field(description="外网 IP (NodePort 类型时为节点 IP, 否则为空)")
    name: str = Field(description="K8s service 名称")
    type: str = Field(description="K8s service 类型 ClusterIP NodePort")
    trafficPolicy: str = Field(description="K8s service 路由策略 Cluster Local")
    servicesPorts: List[K8sServicePort] = Field(description="端口列表")


class DeployedApplication(BaseModel):
    """A row of listApplication (the project's deployed applications, newest first)."""
    appName: str = Field(description="部署应用名称")
    branchName: str = Field(description="分支名称")
    category: str = Field(description="部署类别:IMAGE_DEPLOY")
    categoryName: str = Field(description="部署类别名称:镜像部署")
    createStaff: str = Field(description="创建人")
    createTime: str = Field(description="创建时间")
    appDeployId: str = Field(description="应用部署 ID")
    appId: str = Field(description="应用 ID")
    deployEnvId: str = Field(description="部署环境 ID")
    deployEnvName: str = Field(description="部署环境名称")
    statusCd: str = Field(description="部署应用状态")
    statusCdName: str = Field(description="部署应用状态名称")


class HistoryDeployVersion(BaseModel):
    """An image version deployed before (listHistoryDeployVersion)."""
    createTime: str = Field(description="镜像创建时间")
    imageId: str = Field(description="镜像 ID")
    imageName: str = Field(description="镜像名称")
    imageUrl: str = Field(description="镜像 URL")
    imageVer: str = Field(description="镜像版本号")


class ChangeOrder(BaseModel):
    """A change order (listRecentChangeOrder, newest first)."""
    appDeployId: str = Field(description="应用部署 ID")
    batchCount: int = Field(description="分批次数, 最少 1 批, 最多 5 批")
    batchInterval: int = Field(description="分批间隔, 单位秒")
    batchType: str = Field(description="分批发布时下一批变更的执行方式, AUTOMATIC-自动 MANUAL-手动")
    changeOrderId: str = Field(description="应用变更 ID")
    changeSource: str = Field(description="变更来源 CONSOLE-控制台 POP-POP API 或工具")
    changeType: str = Field(description="变更流程类型")
    createDate: str = Field(description="创建时间")
    createStaff: str = Field(description="创建人")
    deploymentVer: str = Field(description="部署版本号")
    description: str = Field(description="变更描述")
    objectId: str = Field(description="变更对应记录 id")
    objectType: str = Field(description="对象类型 PIPELINE_DEPLOY、 DEPLOY、OPERATE")
    resourceName: str = Field(description="资源名称")
    resourceType: str = Field(description="资源类型 INST, DEPLOYMENT, POD, SERVICE, INGRESS")
    resourceYaml: str = Field(description="变更对应的资源 yaml 文件")
    statusCd: str = Field(description="状态 S0A 有效 S0X 无效")
    statusDate: str = Field(description="状态时间")
    timeout: int = Field(description="变更超时时间, 单位 秒")
    updateDate: str = Field(description="修改时间")
    updateStaff: str = Field(description="修改人")


class ChangePod(BaseModel):
    podName: str = Field(description="名称")
    podIp: str = Field(description="ip")
    podStatus: str = Field(description="状态 1 启动中 2 运行中 3 停止中 4 已停止 5 停止发生错误 6 未知错误 7 变更中")
    podStatusName: str = Field(description="状态名称")
    errMsg: str = Field(description="错误信息")


class ChangeInstance(BaseModel):
    instanceName: str = Field(description="实例名称")
    instanceStatus: str = Field(description="实例状态 S0P 执行中 S0A 执行成功 S0E 执行失败 S0W 待执行")
    instanceStatusName: str = Field(description="实例状态名称")
    errMsg: str = Field(description="错误信息")
    Pods: List[ChangePod] = Field(description="pod 列表")


class ChangeResource(BaseModel):
    resourceName: str = Field(description="资源名称")
    resourceYml: str = Field(description="资源 yml")


class ChangeTask(BaseModel):
    taskId: str = Field(description="任务 ID")
    taskName: str = Field(description="任务名称")
    instance: ChangeInstance = Field(description="实例信息")
    resourceInfo: ChangeResource = Field(description="资源信息")


class ChangeStage(BaseModel):
    stageName: str = Field(description="流程名称")
    status: str = Field(description="流程状态 11 等待执行 12 执行中 13 执行成功 14 执行失败 15 已中止 (名称沿用文档的 等待执行)")
    statusName: str = Field(description="流程状态名称")
    startTime: str = Field(description="开始执行时间 (未开始时为空)")
    updateTime: str = Field(description="更新时间 (未开始时为空)")
    taskInfo: List[ChangeTask] = Field(description="任务列表")


class ChangePipeline(BaseModel):
    """One batch of a change order."""
    pipelineId: str = Field(description="批次流水线 ID")
    pipelineName: str = Field(description="批次名称 (第 N 批发布)")
    pipelineStatus: str = Field(description="批次状态 11 等待执行 12 执行中 13 执行成功 14 执行失败 15 已中止 (名称沿用文档的 等待执行)")
    pipelineStatusName: str = Field(description="批次状态名称")
    startTime: str = Field(description="开始执行时间 (未开始时为空)")
    updateTime: str = Field(description="更新时间 (未开始时为空)")
    stageList: List[ChangeStage] = Field(description="流程列表")


class ChangeOrderInfo(ChangeOrder):
    """A change order with its batches (getChangeOrderInfo)."""
    batchTypeName: str = Field(description="执行方式名称")
    changeTypeName: str = Field(description="变更流程类型名称")
    statusCdName: str = Field(description="状态名称")
    pipelineInfoList: List[ChangePipeline] = Field(description="变更流水线列表 (每批一条)")


# ---------------------------------------------------------------- 5.4 environments
class Env(BaseModel):
    """An environment (listEnvs)."""
    createTime: str = Field(description="创建时间")
    envCode: str = Field(description="环境编码")
    envId: str = Field(description="环境 ID")
    envName: str = Field(description="环境名称")
    envType: str = Field(description="环境类型 DEVELOP TEST PRE_ONLINE ONLINE")
    projectCode: str = Field(description="项目 code")
    projectId: str = Field(description="项目 ID")
    projectName: str = Field(description="项目名称")
    resPoolCode: str = Field(description="资源池编码")
    resPoolId: str = Field(description="资源池 ID")
    resPoolName: str = Field(description="资源池名称")
    tenantId: Optional[int] = Field(None, description="租户 ID")


class EnvType(BaseModel):
    """An environment type of the catalogue (listEnvTypes)."""
    code: str = Field(description="环境类型编码")
    name: str = Field(description="环境类型名称")


class ResPool(BaseModel):
    resPoolCode: str = Field(description="资源池编码")
    resPoolId: str = Field(description="资源池 ID")
    resPoolName: str = Field(description="资源池名称")


class Region(BaseModel):
    """A region with its resource pools (listRegions)."""
    areaCode: str = Field(description="区域编码")
    areaId: str = Field(description="区域 ID")
    areaName: str = Field(description="区域名称")
    resPools: List[ResPool] = Field(description="区域资源池列表")


class ResourceInstance(BaseModel):
    """A resource instance of a pool: a K8s cluster (getK8sCluster) or a registry centre (getMseList)."""
    instId: str = Field(description="资源实例 ID")
    namespaceList: Optional[List[str]] = Field(None, description="集群下命名空间列表 (注册中心为 null)")
    orderTime: str = Field(description="订购时间")
    resourceName: str = Field(description="资源名称")
    spec: str = Field(description="规格")
    spuName: str = Field(description="产品名称")
    statusCd: str = Field(description="状态 1 运行中 2 已停止 0 未知")
    subCategory: str = Field(description="资源小类 (dcos,msercm)")


class EnvK8s(BaseModel):
    """A K8s resource imported into an environment (listEvnK8s / listEnvK8s)."""
    createStaff: str = Field(description="创建人")
    createTime: str = Field(description="创建时间")
    envId: str = Field(description="环境 ID")
    instId: str = Field(description="资源实例 ID")
    ip: Optional[str] = Field(None, description="实例 IP")
    namespace: str = Field(description="K8s 命名空间")
    orderTime: str = Field(description="订购时间")
    port: Optional[str] = Field(None, description="服务端口")
    resourceName: str = Field(description="资源名称")
    resourcePoolCode: str = Field(description="资源池编码")
    resourcePoolId: str = Field(description="资源池 ID")
    spec: str = Field(description="规格")
    spuName: str = Field(description="产品名称")
    statusCd: str = Field(description="状态 1 运行中")
    subCategory: str = Field(description="资源小类 (dcos,msercm)")
    tenantId: int = Field(description="租户 ID")
    updateStaff: str = Field(description="修改人")
    updateTime: str = Field(description="更新时间")


# ---------------------------------------------------------------- 5.10 ConfigMaps
class ConfigMapEntry(BaseModel):
    name: str = Field(description="配置项名称")
    value: str = Field(description="配置项内容")
    storagePath: str = Field(description="挂载文件路径 (默认为名称)")


class ConfigMap(BaseModel):
    """A row of listK8sConfigMaps."""
    clusterName: str = Field(description="集群名称")
    configMapId: str = Field(description="K8s 配置项 ID")
    configMapName: str = Field(description="K8s 配置项名称")
    createTime: str = Field(description="创建时间")
    deployEnvCode: str = Field(description="部署环境代码")
    deployEnvId: str = Field(description="部署环境 ID")
    deployEnvName: str = Field(description="部署环境名称")
    items: List[ConfigMapEntry] = Field(description="K8s 配置项列表")
    namespace: str = Field(description="K8s 命名空间")


# ---------------------------------------------------------------- 5.5 image deployment configurations
class CfgEnvVariable(BaseModel):
    name: str = Field(description="环境变量名称")
    type: str = Field(description="环境变量类型 CUSTOM")
    value: str = Field(description="环境变量值")


class CfgHeader(BaseModel):
    name: str = Field(description="请求头名称")
    value: Optional[str] = Field(None, description="请求头值")


class CfgExec(BaseModel):
    command: Optional[List[str]] = Field(None, description="执行命令")


class CfgHttpGet(BaseModel):
    host: Optional[str] = Field(None, description="HTTP 检查主机")
    path: Optional[str] = Field(None, description="HTTP 检查路径")
    port: Optional[int] = Field(None, description="HTTP 检查端口")
    scheme: Optional[str] = Field(None, description="HTTP 检查协议 HTTP HTTPS")
    headerList: Optional[List[CfgHeader]] = Field(None, description="请求头")


class CfgTcpSocket(BaseModel):
    host: Optional[str] = Field(None, description="TCP 检查主机")
    port: Optional[int] = Field(None, description="TCP 检查端口")


class CfgLossless(BaseModel):
    path: Optional[str] = Field(None, description="无损滚动发布路径")
    port: Optional[int] = Field(None, description="无损滚动发布端口")


class CfgProbe(BaseModel):
    """A probe as configured (only the fields given are present)."""
    enabled: Optional[bool] = Field(None, description="是否开启")
    mode: Optional[str] = Field(None, description="模式 EXEC HTTP_GET TCP_SOCKET")
    exec: Optional[CfgExec] = Field(None, description="执行命令")
    httpGet: Optional[CfgHttpGet] = Field(None, description="HTTP 检查")
    tcpSocket: Optional[CfgTcpSocket] = Field(None, description="TCP 检查")
    initialDelaySeconds: Optional[int] = Field(None, description="初始延迟检测时间")
    periodSeconds: Optional[int] = Field(None, description="探测周期")
    successThreshold: Optional[int] = Field(None, description="成功阈值")
    failureThreshold: Optional[int] = Field(None, description="失败阈值")
    timeoutSeconds: Optional[int] = Field(None, description="超时时间")
    nonDestructionRollingDeploy: Optional[CfgLossless] = Field(None, description="无损滚动发布")


class CfgLifeCycle(BaseModel):
    liveness: Optional[CfgProbe] = Field(None, description="存活探针")
    readiness: Optional[CfgProbe] = Field(None, description="就绪探针")


class CfgPodSpec(BaseModel):
    cpuLimit: int = Field(description="CPU 限制")
    cpuRequest: int = Field(description="CPU 请求")
    memoryLimit: int = Field(description="内存限制")
    memoryRequest: int = Field(description="内存请求")


class CfgStartCommand(BaseModel):
    command: Optional[str] = Field(None, description="启动命令")
    args: Optional[List[str]] = Field(None, description="启动参数")


class DeployConfigSummary(BaseModel):
    """A row of listDeployConfig."""
    appId: str = Field(description="应用 ID")
    createStaff: str = Field(description="创建人")
    createTime: str = Field(description="创建时间 (YYYY-MM-DD HH:mm:ss)")
    deployEnvId: str = Field(description="部署环境 ID")
    deployEnvName: Optional[str] = Field(None, description="部署环境名称")
    id: str = Field(description="部署配置 ID")
    name: str = Field(description="部署配置名称")
    tenantId: int = Field(description="租户 ID")
    updateStaff: str = Field(description="更新人")
    updateTime: str = Field(description="更新时间 (YYYY-MM-DD HH:mm:ss)")


class DeployConfig(DeployConfigSummary):
    """A deployment configuration (getDeployConfig)."""
    envVariableList: List[CfgEnvVariable] = Field(description="环境变量")
    lifeCycleMgt: CfgLifeCycle = Field(description="生命周期管理 (未配置时为 {})")
    podResourceSpec: Optional[CfgPodSpec] = Field(None, description="单 Pod 资源规格 (未配置时为 null)")
    startCommand: CfgStartCommand = Field(description="启动命令 (未配置时为 {})")


# ---------------------------------------------------------------- 5.6 pipelines, 5.12 pipeline permissions
class PipelineStage(BaseModel):
    category: str = Field(description="流程类型 CODE_BUILD IMAGE_BUILD IMAGE_DEPLOY")
    name: str = Field(description="流程名称")
    pipelineOrderId: str = Field(description="流水线 ID")
    pipelineStageOrderId: str = Field(description="流程 ID")
    sort: int = Field(description="流程顺序")


class Pipeline(BaseModel):
    """A row of listPipelinesPage."""
    appCode: str = Field(description="应用编码")
    appId: str = Field(description="应用 ID")
    appName: str = Field(description="应用名称")
    createStaff: str = Field(description="创建人")
    createTime: str = Field(description="创建时间")
    deleted: bool = Field(description="是否删除 false true")
    description: str = Field(description="流水线描述")
    enablePause: bool = Field(description="是否能暂停")
    enableResume: bool = Field(description="是否能重新执行")
    enableRun: bool = Field(description="是否能执行")
    pipelineOrderId: str = Field(description="流水线 ID")
    pipelineOrderName: str = Field(description="流水线名称")
    projectId: str = Field(description="项目 ID")
    stageList: List[PipelineStage] = Field(description="执行流程")
    tenantId: int = Field(description="租户 ID")
    updateStaff: str = Field(description="更新人")
    updateTime: str = Field(description="更新时间")


class RecordVariable(BaseModel):
    name: str = Field(description="变量名称")
    type: str = Field(description="变量类型")
    value: str = Field(description="变量值")


class RecordStage(BaseModel):
    category: str = Field(description="流程类型")
    name: str = Field(description="流程名称")
    pipelineRecordId: str = Field(description="流水线执行记录 ID")
    sort: int = Field(description="流程顺序")
    statusCd: str = Field(description="执行状态 11 等待执行 12 执行中 13 执行成功 14 执行失败 15 已中止 (名称沿用文档的 等待执行)")
    statusCdName: str = Field(description="执行状态名称")


class PipelineRecord(BaseModel):
    """A pipeline run (pipelineRecorddetail)."""
    appCode: str = Field(description="应用编码")
    appId: str = Field(description="应用 ID")
    branchName: str = Field(description="部署分支")
    createStaff: str = Field(description="创建人")
    createTime: str = Field(description="创建时间")
    deployEnvId: str = Field(description="部署环境 ID (无部署流程时为空)")
    deployEnvName: str = Field(description="部署环境名称 (无部署流程时为空)")
    endTime: str = Field(description="执行结束时间 (未结束时为空)")
    pipelineOrderId: str = Field(description="流水线 ID")
    pipelineOrderName: str = Field(description="流水线名称")
    pipelineRecordId: str = Field(description="流水线执行记录 ID")
    startTime: str = Field(description="执行开始时间")
    statusCd: str = Field(description="执行状态 11 等待执行 12 执行中 13 执行成功 14 执行失败 15 已中止 (名称沿用文档的 等待执行)")
    tenantId: int = Field(description="租户 ID")
    updateStaff: str = Field(description="更新人")
    updateTime: str = Field(description="更新时间")
    statusCdName: str = Field(description="执行状态名称")
    variableList: List[RecordVariable] = Field(description="运行变量")
    stageList: List[RecordStage] = Field(description="流程列表")


class PipelinePermission(BaseModel):
    """A row of listPipelinePermissionsPage."""
    createStaff: str = Field(description="创建人员")
    createTime: str = Field(description="创建时间")
    groupName: str = Field(description="角色名称")
    orgName: str = Field(description="所属机构")
    permMode: str = Field(description="权限模式 DEFAULT USER_DEFINED")
    permType: str = Field(description="权限类型 VIEWER EXECUTOR MANAGER")
    permTypeName: str = Field(description="权限类型名称")
    permissionId: Optional[int] = Field(None, description="权限 ID，当权限 ID 为空时，说明当前用户可能为项目管理员或者创建者，不能移除")
    realName: str = Field(description="成员姓名")
    userName: str = Field(description="成员账号")


class PermissionTypeValue(BaseModel):
    attrValue: str = Field(description="权限类型值")
    name: str = Field(description="权限类型名称")
    description: Optional[str] = Field(None, description="权限类型描述")
    sequence: Optional[int] = Field(None, description="排序")


class PermissionTypes(BaseModel):
    """The pipeline permission type dictionary of the catalogue (listPipelinePermissionTypes)."""
    code: Optional[str] = Field(None, description="字典编码")
    name: Optional[str] = Field(None, description="字典名称")
    type: Optional[str] = Field(None, description="字典类型")
    description: Optional[str] = Field(None, description="字典描述")
    attrValueList: List[PermissionTypeValue] = Field([], description="权限类型列表")


# ---------------------------------------------------------------- 5.7 artifact repository
class ImageSummary(BaseModel):
    """A row of listImagesPage."""
    branchName: str = Field(description="分支名称")
    createStaff: str = Field(description="创建人")
    createTime: str = Field(description="创建时间")
    imageId: str = Field(description="镜像 ID")
    imageName: str = Field(description="镜像名称")
    imageUrl: str = Field(description="镜像 url")
    imageVer: str = Field(description="镜像版本")
    isOfficial: bool = Field(description="是否正式版")
    packageName: str = Field(description="程序包名称")


class Image(ImageSummary):
    """An image (getImage)."""
    dockerfileContent: str = Field(description="dockerfile 内容")
    packageVer: str = Field(description="程序包版本号")
    updateStaff: str = Field(description="修改人")
    updateTime: str = Field(description="更新时间")


class PackageSummary(BaseModel):
    """A row of listPackagesPage."""
    branchName: str = Field(description="分支名称")
    createStaff: str = Field(description="创建人")
    createTime: str = Field(description="创建时间")
    isOfficial: bool = Field(description="是否正式版")
    packageId: str = Field(description="通用制品 ID")
    packageName: str = Field(description="通用制品名称")
    packageSource: str = Field(description="程序包来源 CODE_GENERATE USER_UPLOAD")
    packageType: str = Field(description="程序包类型 JAR WAR")
    packageVer: str = Field(description="程序包版本号")


class Package(PackageSummary):
    """A package (getPackage)."""
    packageSize: int = Field(description="程序包大小 (字节)")
    updateStaff: str = Field(description="修改人")
    updateTime: str = Field(description="修改时间")


class PackageUpload(BaseModel):
    """createPackageUploadUrl (edgeplane extension): a presigned S3 POST for the package file."""
    packageId: str = Field(description="通用制品 ID")
    url: str = Field(description="上传地址 (multipart/form-data POST)")
    fields: Dict[str, str] = Field(description="随文件一并提交的表单字段")
    maxBytes: int = Field(description="文件大小上限 (字节)")


# ---------------------------------------------------------------- 5.8 projects, 5.13 members, tenant
class Project(BaseModel):
    """A row of listProjectsPage."""
    createTime: str = Field(description="创建时间")
    description: str = Field(description="项目描述")
    projectCode: str = Field(description="项目编码")
    projectId: str = Field(description="项目 ID")
    projectName: str = Field(description="项目名称")
    tenantId: int = Field(description="租户 ID")


class SubAccount(BaseModel):
    """A sub-account of the tenant that is not a member of the project yet (listEnableSubAccountPage)."""
    orgName: str = Field(description="所属部门")
    realName: str = Field(description="用户名")
    userId: int = Field(description="用户 ID")
    userName: str = Field(description="用户账号")


class Role(BaseModel):
    """A project role of the catalogue (listRole)."""
    groupCode: str = Field(description="角色编码")
    groupName: str = Field(description="角色名称")
    groupType: int = Field(description="角色类型")
    roleGroupId: int = Field(description="角色 ID")


class CreatedSubAccount(SubAccount):
    """createSubAccount (edgeplane extension): the sub-account created."""
    tenantId: int = Field(description="租户 ID")
