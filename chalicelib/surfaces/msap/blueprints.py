"""One blueprint per MSAP module (catalog §5 groups), all with the MSAP envelope and authentication.

Routes carry their full ``/v1/...`` paths (no url_prefix): ote-stack also serves ``/v1/app`` and ``/v1/app/{appId}``;
MSAP's paths are all static, and a static segment wins over a path parameter in Chalice's matcher and in API
Gateway alike (pinned by ``tests/api/msap/test_shared_prefix.py``).
"""
import functools

from chalice import Blueprint, Response

from chalicelib import audit
from chalicelib.core.web import ANY_BODY, Surface
from chalicelib.openapi.schemes import bearer
from chalicelib.surfaces.msap.answers import answer
from chalicelib.surfaces.msap.envelope import MsError, MsResult, ok, render_error
from chalicelib.surfaces.msap.identity import SURFACE, authenticate

app = Blueprint("msap_app")                      # 5.1 /v1/app/*
app_group = Blueprint("msap_app_group")          # 5.2 /v1/app/group/*
app_inst = Blueprint("msap_app_inst")            # 5.3 /v1/app/inst/*
env = Blueprint("msap_env")                      # 5.4 /v1/env/*
deploy_config = Blueprint("msap_deploy_config")  # 5.5 /v1/image/deploy/configs/*
pipelines = Blueprint("msap_pipelines")          # 5.6 /v1/pipelines/*
product = Blueprint("msap_product")              # 5.7 /v1/product/*
project = Blueprint("msap_project")              # 5.8 /v1/project/*
connection = Blueprint("msap_connection")        # 5.9 /v1/service/connection/*
configmap = Blueprint("msap_configmap")          # 5.10 /v1/configmap/*
data_auth = Blueprint("msap_data_auth")          # 5.11 /v1/data/authorize/*
pipeline_perm = Blueprint("msap_pipeline_perm")  # 5.12 /v1/pipeline/permission/*
member = Blueprint("msap_member")                # 5.13 /v1/project/member/*
tenant = Blueprint("msap_tenant")                # edgeplane extension: /v1/tenant/* (sub-accounts)

api = Surface(SURFACE, render_error, authenticate, error_model=MsError, success_model=MsResult,
              security={"bearer": bearer("a JWT from POST /edgeplane/v1/login, or an edgeplane API key")},
              error_description='{"code": "500", "data": "", "msg": ...} (401: "用户鉴权失败")')
endpoint = api.endpoint


def _rpc(bp, path: str, method: str, auth: bool, returns: type | None = None):
    """Route + MSAP endpoint: the handler ``fn(ctx)`` returns ``data`` (wrapped in the envelope) or a Response;
    a successful POST is audited in the caller's tenant. ``returns``: the type of ``data`` (``answers.py``); the
    endpoint declares the whole body ``{code, msg, data}`` built from it (published, and checked by the tests)."""
    def decorate(fn):
        @functools.wraps(fn)
        def handler(ctx):
            result = fn(ctx)
            if isinstance(result, Response):
                return result
            if method == "POST" and ctx.principal is not None:
                u = ctx.principal.profile.get("msap")
                audit.record(SURFACE, fn.__name__, principal=ctx.principal, resource=path,
                             tenant_id=getattr(u, "tenant", None))
            return ok(result)
        view = endpoint(bp, auth=auth, action=fn.__name__,
                        returns=None if returns is None else answer(returns))(handler)
        bp.route(path, methods=[method], content_types=ANY_BODY)(view) if method == "POST" else \
            bp.route(path, methods=[method])(view)
        return fn
    return decorate


def get(bp, path: str, *, auth: bool = True, returns: type | None = None):
    return _rpc(bp, path, "GET", auth, returns)


def post(bp, path: str, *, auth: bool = True, returns: type | None = None):
    return _rpc(bp, path, "POST", auth, returns)

ALL = [app, app_group, app_inst, env, deploy_config, pipelines, product, project, connection, configmap, data_auth,
       pipeline_perm, member, tenant]

__all__ = ["ANY_BODY", "ALL", "api", "endpoint", "get", "post"] + [
    "app", "app_group", "app_inst", "env", "deploy_config", "pipelines", "product", "project", "connection",
    "configmap", "data_auth", "pipeline_perm", "member", "tenant"]
