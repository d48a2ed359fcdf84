"""Request parsing with the document's Chinese messages, on pydantic models.

GET parameters come from the query string, POST parameters from a JSON body (catalog §6). A model's fields carry
their Chinese label as ``title`` (or :data:`LABELS` has it); the first validation error becomes the message:
a missing query parameter → ``{"field", "message"}`` (the documented form), a missing or empty body field →
"<label>不能为空", a malformed one → "<label>不规范" / "... 取值不正确" / length and range texts.
"""
from __future__ import annotations

import json
from typing import Type, get_args

from pydantic import BaseModel, ConfigDict, ValidationError

from chalicelib.core.errors import Invalid
from chalicelib.openapi import reads

LABELS = {
    "projectId": "项目 ID", "projectCode": "项目编码", "projectName": "项目名称", "appId": "应用 ID",
    "appGroupId": "分组 ID", "name": "名称", "envId": "环境 ID", "envCode": "环境编码", "envName": "环境名称",
    "envType": "环境类型", "resPoolId": "资源池 ID", "instId": "实例 ID", "namespaceName": "命名空间",
    "deployEnvId": "部署环境 ID", "appDeployId": "部署应用 ID", "changeOrderId": "变更单 ID", "pipelineId": "流水线 ID",
    "pipelineOrderId": "流水线 ID", "pipelineRecordId": "流水线执行记录 ID", "packageId": "制品 ID", "imageId": "镜像 ID",
    "configMapId": "配置项 ID", "configMapName": "配置项名称", "clusterName": "集群名称", "namespace": "命名空间",
    "items": "配置项列表", "userIds": "用户 ID 列表", "userList": "成员列表", "permMode": "权限模式", "permType": "权限类型",
    "permissionId": "权限 ID", "userName": "用户账号", "members": "成员列表", "replicas": "实例数", "id": "ID",
    "deployConfigId": "部署配置 ID", "origin": "来源", "codeReposAddress": "仓库地址", "connectionId": "服务连接 ID",
    "description": "描述", "category": "应用类别", "type": "类型", "deploySource": "部署来源", "deployVer": "部署版本号",
    "packageVer": "制品版本", "podNum": "Pod 数量", "runtimeEnvCode": "运行环境", "runtimeEnvVer": "运行环境版本",
    "language": "应用语言", "clusterType": "集群类型", "buildEnvCode": "编译环境", "branchOrTagName": "分支或标签名称",
    "branchName": "分支名称", "packageName": "程序包名称", "packagePath": "程序包路径", "packageSource": "制品来源",
    "officialDemoCode": "官方示例", "podResourceSpec": "Pod 资源规格", "cpuLimit": "CPU 限制", "cpuRequest": "CPU 请求",
    "memoryLimit": "内存限制", "memoryRequest": "内存请求", "imageUrl": "镜像地址", "imageName": "镜像名称",
    "imageVer": "镜像版本", "servicesPorts": "服务端口列表", "trafficPolicy": "流量策略", "port": "端口",
    "targetPort": "容器端口", "nodePort": "节点端口", "protocol": "协议", "resourceList": "资源列表",
    "instIdList": "实例 ID 列表", "buildEnvLabel": "编译环境标签", "runtimeEnvLabel": "运行环境标签",
    "batchCount": "批次数", "pageNum": "页码", "pageSize": "每页条数", "keyword": "关键字", "roles": "角色",
    "userId": "用户 ID", "userRoles": "用户角色", "password": "密码", "realName": "姓名", "orgName": "部门",
    "connectionName": "服务连接名称", "connectionType": "服务连接类型", "variableList": "变量列表",
    "envVariableList": "环境变量列表", "startCommand": "启动命令", "lifeCycleMgt": "健康检查",
}


class Model(BaseModel):
    """Base of MSAP request models: unknown keys are ignored (clients send the document's extra fields)."""
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


def _nested_model(annotation):
    """The pydantic model inside ``Model``, ``Optional[Model]`` or ``list[Model]`` (else None)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


def _label(model: Type[BaseModel], loc: tuple) -> tuple[str, str]:
    """(field name, Chinese label) of an error location, walking nested models for their field titles."""
    names = [p for p in loc if isinstance(p, str)]
    field = names[-1] if names else ""
    title, current = None, model
    for name in names:
        info = current.model_fields.get(name) if current is not None else None
        if info is None:
            title = None
            break
        title = info.title
        current = _nested_model(info.annotation)
    return field, title or LABELS.get(field, field)


def _message(err: dict, title: str) -> str:
    if title and title[-1].isascii() and title[-1].isalnum():
        title += " "  # the document's spacing: "项目 ID 不能为空"
    typ, ctx = err.get("type", ""), err.get("ctx") or {}
    if typ == "string_too_short" and ctx.get("min_length") == 1:
        return f"{title}不能为空"
    texts = {
        "missing": f"{title}不能为空",
        "string_too_short": f"{title}长度不能少于{ctx.get('min_length')}个字符",
        "string_too_long": f"{title}长度不能超过{ctx.get('max_length')}个字符",
        "too_short": f"{title}不能为空",
        "too_long": f"{title}数量不能超过{ctx.get('max_length')}",
        "string_pattern_mismatch": f"{title}不规范",
        "literal_error": f"{title}取值不正确，可选值：{ctx.get('expected', '')}",
        "enum": f"{title}取值不正确，可选值：{ctx.get('expected', '')}",
        "int_parsing": f"{title}必须是整数", "int_type": f"{title}必须是整数", "int_from_float": f"{title}必须是整数",
        "bool_parsing": f"{title}必须是布尔值", "bool_type": f"{title}必须是布尔值",
        "string_type": f"{title}必须是字符串", "list_type": f"{title}必须是数组",
        "dict_type": f"{title}必须是对象", "model_type": f"{title}必须是对象", "model_attributes_type": f"{title}必须是对象",
        "greater_than_equal": f"{title}不能小于{ctx.get('ge')}", "less_than_equal": f"{title}不能大于{ctx.get('le')}",
        "greater_than": f"{title}必须大于{ctx.get('gt')}", "less_than": f"{title}必须小于{ctx.get('lt')}",
    }
    if typ == "value_error":
        text = str(ctx.get("error") or err.get("msg", ""))
        return text[len("Value error, "):] if text.startswith("Value error, ") else text
    return texts.get(typ, f"{title}不合法")


def validate(model: Type[BaseModel], data: dict, *, query: bool = False):
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        field, title = _label(model, tuple(err.get("loc", ())))
        missing = err.get("type") == "missing" or (err.get("type") == "string_too_short"
                                                    and (err.get("ctx") or {}).get("min_length") == 1)
        if query and missing and len([p for p in err.get("loc", ()) if isinstance(p, str)]) == 1:
            raise Invalid(f"{field} is required", details={"field": field}) from None
        raise Invalid(_message(err, title)) from None


@reads("query")
def query(ctx, model: Type[BaseModel]):
    """The query string through ``model``; blank values count as absent."""
    data = {k: v for k, v in ctx.query.items() if v not in (None, "")}
    return validate(model, data, query=True)


@reads("body")
def body(ctx, model: Type[BaseModel]):
    raw = ctx.raw
    if not raw.strip():
        data = {}
    else:
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise Invalid("请求参数格式错误，请求体必须是 JSON") from None
    if not isinstance(data, dict):
        raise Invalid("请求参数格式错误，请求体必须是 JSON 对象")
    return validate(model, data)
