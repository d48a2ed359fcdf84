"""5.5 image deployment configurations of generic applications: named templates (env variables, pod resources,
probes, start command) of one application for one environment.

  deployconfig  MS#<t>#deployconfig / ID#<id>   scope ...#deployconfig#<appId>, name = <deployEnvId>#<name>
                (unique per application and environment); gsi4 MS#<t>#DCENV#<envId> / <appId>#<id>
Times are ``YYYY-MM-DD HH:mm:ss`` as the document's example shows.
"""
from __future__ import annotations

import json
import re
from typing import Literal, Optional

from pydantic import Field, ValidationError, field_validator, model_validator

from chalicelib.core.errors import Invalid, NotFound
from chalicelib.store.msap import MsObj
from chalicelib.surfaces.msap import access, objects
from chalicelib.surfaces.msap.identity import User
from chalicelib.surfaces.msap.params import Model, _message, _nested_model

DEPLOYCONFIG = "deployconfig"
ENV_NAME_RE = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")
MAX_CPU = 64000       # millicores
MAX_MEMORY = 262144   # MiB


# ---------------------------------------------------------------- nested objects with Chinese messages
def _title(model, loc: tuple, default: str) -> str:
    """The Chinese title of the field an error points at (walking nested models), else ``default``."""
    title, cls = default, model
    for part in loc:
        if not isinstance(part, str) or cls is None or part not in getattr(cls, "model_fields", {}):
            continue
        info = cls.model_fields[part]
        title = info.title or part
        cls = _nested_model(info.annotation)
    return title


def parse_nested(model, value, title: str, prefix: str = ""):
    """Validate one nested object; the first error becomes a Chinese ``ValueError`` (params only labels the
    top-level fields)."""
    if value is None:
        return None
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        err = exc.errors()[0]
        label = _title(model, tuple(err.get("loc", ())), title)
        if prefix and not label.startswith(prefix):
            label = f"{prefix}的{label}"
        raise ValueError(_message(err, label)) from None


def parse_list(model, value, title: str):
    if value is None:
        return None
    if not isinstance(value, list):
        raise ValueError(f"{title}必须是数组")
    if any(not isinstance(v, dict) for v in value):
        raise ValueError(f"{title}的元素必须是对象")
    return [parse_nested(model, v, title) for v in value]


# ---------------------------------------------------------------- nested schemas (catalog §5)
class EnvVariable(Model):
    name: Optional[str] = Field(None, title="环境变量名称")
    type: Optional[str] = Field(None, title="环境变量类型")
    value: Optional[str] = Field(None, max_length=32768, title="环境变量值")

    @model_validator(mode="after")
    def _check(self):
        if not self.name:
            raise ValueError("环境变量名称不能为空")
        if len(self.name) > 253 or not ENV_NAME_RE.fullmatch(self.name):
            raise ValueError(f"环境变量名称[{self.name}]不规范：只能包含字母、数字、下划线、中划线和点，且不能以数字开头")
        if self.type not in (None, "", "CUSTOM"):
            raise ValueError("环境变量类型只能填写 CUSTOM")
        return self


def _env_list(v):
    v = parse_list(EnvVariable, v, "环境变量列表")
    if v is None:
        return v
    if len(v) > 200:
        raise ValueError("环境变量数量不能超过200")
    names = [e.name for e in v]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup is not None:
        raise ValueError(f"环境变量[{dup}]重复")
    return v


HEADER_RE = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


class Header(Model):
    name: str = Field(min_length=1, max_length=256, title="请求头名称")
    value: Optional[str] = Field(None, max_length=4096, title="请求头值")

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not HEADER_RE.fullmatch(v):
            raise ValueError(f"请求头名称[{v}]不规范")
        return v


class Exec(Model):
    command: Optional[list[str]] = Field(None, max_length=64, title="执行命令")


class HttpGet(Model):
    host: Optional[str] = Field(None, max_length=253, title="HTTP 检查主机")
    path: Optional[str] = Field(None, max_length=1024, title="HTTP 检查路径")
    port: Optional[int] = Field(None, ge=1, le=65535, title="HTTP 检查端口")
    scheme: Optional[Literal["HTTP", "HTTPS"]] = Field(None, title="HTTP 检查协议")
    headerList: Optional[list[Header]] = Field(None, max_length=32, title="请求头")

    @field_validator("path")
    @classmethod
    def _path(cls, v):
        if v not in (None, "") and not v.startswith("/"):
            raise ValueError("HTTP 检查路径必须以 / 开头")
        return v


class TcpSocket(Model):
    host: Optional[str] = Field(None, max_length=253, title="TCP 检查主机")
    port: Optional[int] = Field(None, ge=1, le=65535, title="TCP 检查端口")


class Lossless(Model):
    path: Optional[str] = Field(None, max_length=1024, title="无损滚动发布路径")
    port: Optional[int] = Field(None, ge=1, le=65535, title="无损滚动发布端口")


PROBE_LABEL = {"liveness": "存活探针", "readiness": "就绪探针"}


class Probe(Model):
    enabled: Optional[bool] = Field(None, title="是否开启")
    mode: Optional[Literal["EXEC", "HTTP_GET", "TCP_SOCKET"]] = Field(None, title="模式")
    exec: Optional[Exec] = Field(None, title="执行命令")
    httpGet: Optional[HttpGet] = Field(None, title="HTTP 检查")
    tcpSocket: Optional[TcpSocket] = Field(None, title="TCP 检查")
    initialDelaySeconds: Optional[int] = Field(None, ge=0, le=3600, title="初始延迟检测时间")
    periodSeconds: Optional[int] = Field(None, ge=1, le=3600, title="探测周期")
    successThreshold: Optional[int] = Field(None, ge=1, le=100, title="成功阈值")
    failureThreshold: Optional[int] = Field(None, ge=1, le=100, title="失败阈值")
    timeoutSeconds: Optional[int] = Field(None, ge=1, le=3600, title="超时时间")
    nonDestructionRollingDeploy: Optional[Lossless] = Field(None, title="无损滚动发布")

    @model_validator(mode="before")
    @classmethod
    def _string_http_get(cls, v):
        """The readiness table types ``httpGet`` as String: a JSON text of the object is accepted too."""
        if isinstance(v, dict) and isinstance(v.get("httpGet"), str):
            text = v["httpGet"].strip()
            try:
                parsed = json.loads(text) if text else None
            except ValueError:
                raise ValueError("HTTP 检查必须是对象") from None
            if parsed is not None and not isinstance(parsed, dict):
                raise ValueError("HTTP 检查必须是对象")
            v = dict(v, httpGet=parsed)
        return v

    def check(self, which: str) -> None:
        label = PROBE_LABEL[which]
        if not self.enabled:
            return
        if self.mode is None:
            raise Invalid(f"{label}的模式不能为空，可选值：EXEC, HTTP_GET, TCP_SOCKET")
        if self.mode == "EXEC" and not (self.exec and self.exec.command and all(c for c in self.exec.command)):
            raise Invalid(f"{label}的执行命令不能为空")
        if self.mode == "HTTP_GET" and not (self.httpGet and self.httpGet.port):
            raise Invalid(f"{label}的 HTTP 检查端口不能为空")
        if self.mode == "TCP_SOCKET" and not (self.tcpSocket and self.tcpSocket.port):
            raise Invalid(f"{label}的 TCP 检查端口不能为空")
        if which == "liveness" and self.successThreshold not in (None, 1):
            raise Invalid("存活探针的成功阈值必须为1")


class LifeCycleMgt(Model):
    liveness: Optional[Probe] = Field(None, title="存活探针")
    readiness: Optional[Probe] = Field(None, title="就绪探针")

    @field_validator("liveness", "readiness", mode="before")
    @classmethod
    def _probe(cls, v, info):
        return parse_nested(Probe, v, PROBE_LABEL[info.field_name], PROBE_LABEL[info.field_name])

    def check(self) -> None:
        for which in ("liveness", "readiness"):
            probe = getattr(self, which)
            if probe is not None:
                probe.check(which)


class PodResourceSpec(Model):
    cpuLimit: int = Field(ge=1, title="CPU 限制")
    cpuRequest: int = Field(ge=1, title="CPU 请求")
    memoryLimit: int = Field(ge=1, title="内存限制")
    memoryRequest: int = Field(ge=1, title="内存请求")

    @model_validator(mode="after")
    def _bounds(self):
        if max(self.cpuLimit, self.cpuRequest) > MAX_CPU:
            raise ValueError(f"cpu 资源不足：单 Pod 最多{MAX_CPU}")
        if max(self.memoryLimit, self.memoryRequest) > MAX_MEMORY:
            raise ValueError(f"内存资源不足：单 Pod 最多{MAX_MEMORY}")
        return self


class StartCommand(Model):
    command: Optional[str] = Field(None, max_length=4096, title="启动命令")
    args: Optional[list[str]] = Field(None, max_length=128, title="启动参数")


# ---------------------------------------------------------------- requests
class NewDeployConfig(Model):
    appId: str = Field(min_length=1, max_length=128, title="应用 ID")
    deployEnvId: str = Field(min_length=1, max_length=128, title="部署环境 ID")
    name: str = Field(min_length=1, max_length=64, title="部署配置名称")
    envVariableList: Optional[list[EnvVariable]] = Field(None, title="环境变量列表")
    lifeCycleMgt: Optional[LifeCycleMgt] = Field(None, title="生命周期管理")
    podResourceSpec: Optional[PodResourceSpec] = Field(None, title="Pod 资源规格")
    startCommand: Optional[StartCommand] = Field(None, title="启动命令")

    _envs = field_validator("envVariableList", mode="before")(classmethod(lambda cls, v: _env_list(v)))

    @field_validator("lifeCycleMgt", mode="before")
    @classmethod
    def _lcm(cls, v):
        return parse_nested(LifeCycleMgt, v, "生命周期管理")

    @field_validator("podResourceSpec", mode="before")
    @classmethod
    def _pod(cls, v):
        return parse_nested(PodResourceSpec, v, "Pod 资源规格")

    @field_validator("startCommand", mode="before")
    @classmethod
    def _cmd(cls, v):
        return parse_nested(StartCommand, v, "启动命令")

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("部署配置名称不能为空")
        return v.strip()


class ConfigRef(Model):
    id: str = Field(min_length=1, max_length=128, title="部署配置 ID")


class ConfigQuery(Model):
    deployConfigId: str = Field(min_length=1, max_length=128, title="部署配置 ID")


class ListQuery(Model):
    appId: str = Field(min_length=1, max_length=128, title="应用 ID")
    deployEnvId: Optional[str] = Field(None, max_length=128, title="部署环境 ID")


class EnvVariableUpdate(ConfigRef):
    envVariableList: Optional[list[EnvVariable]] = Field(None, title="环境变量列表")

    _envs = field_validator("envVariableList", mode="before")(classmethod(lambda cls, v: _env_list(v)))


class PodSpecUpdate(ConfigRef, PodResourceSpec):
    pass


# ---------------------------------------------------------------- views
LIST_FIELDS = ("appId", "createStaff", "createTime", "deployEnvId", "deployEnvName", "id", "name", "tenantId",
               "updateStaff", "updateTime")
DETAIL_FIELDS = LIST_FIELDS + ("envVariableList", "lifeCycleMgt", "podResourceSpec", "startCommand")


def list_view(item: MsObj) -> dict:
    return {k: item.data.get(k) for k in LIST_FIELDS}


def detail_view(item: MsObj) -> dict:
    return {k: item.data.get(k) for k in sorted(DETAIL_FIELDS)}


def _env_rows(envs: list[EnvVariable] | None) -> list[dict]:
    return [{"name": e.name, "type": "CUSTOM", "value": e.value or ""} for e in envs or []]


def _dump(model) -> dict | None:
    return None if model is None else model.model_dump(exclude_none=True)


# ---------------------------------------------------------------- operations
def _env_of_app(u: User, app: MsObj, env_id: str) -> MsObj:
    env = objects.get(u.tenant, "env", env_id)
    if env is None:
        raise NotFound("环境不存在")
    if env.data.get("projectId") != app.data.get("projectId"):
        raise Invalid("部署环境不属于应用所在的项目")
    return env


def create(u: User, body: NewDeployConfig) -> str:
    app = access.require_app(u, body.appId, operate=True)
    env = _env_of_app(u, app, body.deployEnvId)
    if body.lifeCycleMgt is not None:
        body.lifeCycleMgt.check()
    now = objects.datetime_str()
    cfg_id = objects.new_uuid()
    data = {"id": cfg_id, "appId": app.obj_id, "name": body.name, "deployEnvId": env.obj_id,
            "deployEnvName": env.data.get("envName", ""), "envVariableList": _env_rows(body.envVariableList),
            "lifeCycleMgt": _dump(body.lifeCycleMgt) or {}, "podResourceSpec": _dump(body.podResourceSpec),
            "startCommand": _dump(body.startCommand) or {}, "tenantId": u.tenant_num, "projectId":
            app.data.get("projectId"), "createStaff": u.username, "createTime": now, "updateStaff": u.username,
            "updateTime": now, "createUserId": u.user_num}
    check_renderable(data)
    objects.create(u.tenant, DEPLOYCONFIG, data, obj_id=cfg_id, parent=app.obj_id, name=f"{env.obj_id}#{body.name}",
                   unique_name=("该环境下已存在同名的部署配置", None),
                   lookup=(f"MS#{u.tenant}#DCENV#{env.obj_id}", f"{app.obj_id}#{cfg_id}"))
    return cfg_id


def deployment_spec(data: dict, *, name: str, namespace: str, image: str, replicas: int) -> dict:
    """The part of a ``kube.render_deployment`` spec a deploy configuration supplies (for the release module)."""
    spec = {"name": name, "namespace": namespace, "image": image, "replicas": replicas,
            "env": [{"name": e["name"], "value": e.get("value", "")} for e in data.get("envVariableList") or []]}
    cmd = data.get("startCommand") or {}
    if cmd.get("command"):
        spec["command"] = cmd["command"]
    if cmd.get("args"):
        spec["args"] = list(cmd["args"])
    if data.get("podResourceSpec"):
        spec["resources"] = dict(data["podResourceSpec"])
    for which in ("liveness", "readiness"):
        probe = (data.get("lifeCycleMgt") or {}).get(which)
        if probe:
            spec[which] = probe
    return spec


def check_renderable(data: dict) -> None:
    """What Kubernetes would refuse fails now: the configuration must render into a valid Deployment."""
    from chalicelib.targets import kube
    try:
        kube.render_deployment(deployment_spec(data, name="deploy-config-check", namespace="default",
                                               image="registry.local/check:latest", replicas=1))
    except ValueError as exc:
        raise Invalid(f"部署配置不规范：{exc}") from None


def delete_for_app(tenant: str, app_id: str) -> int:
    """Remove an application's deploy configurations (for the application module's delete)."""
    n = 0
    for item in list(objects.all_of(tenant, DEPLOYCONFIG, app_id)):
        objects.delete(item)
        n += 1
    return n


def _require(u: User, cfg_id: str, missing: str, *, operate: bool = False) -> MsObj:
    item = objects.get(u.tenant, DEPLOYCONFIG, cfg_id)
    if item is None:
        raise NotFound(missing)
    access.require_app(u, item.data["appId"], operate=operate)
    return item


def _env_name(u: User, item: MsObj) -> MsObj:
    env = objects.get(u.tenant, "env", item.data.get("deployEnvId", ""))
    if env is not None:
        item.data["deployEnvName"] = env.data.get("envName", item.data.get("deployEnvName"))
    return item


def get(u: User, q: ConfigQuery) -> dict:
    return detail_view(_env_name(u, _require(u, q.deployConfigId, "部署配置不存在")))


def list_configs(u: User, q: ListQuery) -> list[dict]:
    app = access.require_app(u, q.appId)
    rows = []
    names = {}
    for item in objects.all_of(u.tenant, DEPLOYCONFIG, app.obj_id):
        env_id = item.data.get("deployEnvId")
        if q.deployEnvId and env_id != q.deployEnvId:
            continue
        if env_id not in names:
            env = objects.get(u.tenant, "env", env_id)
            names[env_id] = env.data.get("envName") if env is not None else item.data.get("deployEnvName")
        item.data["deployEnvName"] = names[env_id]
        rows.append(list_view(item))
    return rows


def _touch(u: User, item: MsObj, **changes) -> None:
    item.data = dict(item.data, **changes, updateStaff=u.username, updateTime=objects.datetime_str())
    objects.save(item)


def update_env_variables(u: User, body: EnvVariableUpdate) -> bool:
    item = _require(u, body.id, "ID 不存在", operate=True)
    rows = _env_rows(body.envVariableList)
    check_renderable(dict(item.data, envVariableList=rows))
    _touch(u, item, envVariableList=rows)
    return True


def update_pod_spec(u: User, body: PodSpecUpdate) -> bool:
    item = _require(u, body.id, "ID 不存在", operate=True)
    spec = {k: getattr(body, k) for k in ("cpuLimit", "cpuRequest", "memoryLimit", "memoryRequest")}
    check_renderable(dict(item.data, podResourceSpec=spec))
    _touch(u, item, podResourceSpec=spec)
    return True


def delete(u: User, body: ConfigRef) -> bool:
    item = _require(u, body.id, "部署配置不存在", operate=True)
    objects.delete(item)
    return True
