"""One blueprint per API family (catalog §7), each with its own error format."""
from chalice import Blueprint

from chalicelib.core.web import ANY_BODY, Surface
from chalicelib.openapi.schemes import bearer, header_key
from chalicelib.surfaces.servicestage import envelope
from chalicelib.surfaces.servicestage.auth import authenticate, authenticate_servicecomb

iam = Blueprint("servicestage_iam")
appmgmt_v2 = Blueprint("servicestage_v2")
appmgmt_v3 = Blueprint("servicestage_v3")
git = Blueprint("servicestage_git")
cse = Blueprint("servicestage_cse")
servicecomb = Blueprint("servicestage_servicecomb")
deprecated = Blueprint("servicestage_deprecated")

SURFACE = "servicestage"
# the surfaces differ only by their error format (never mixed: catalog §4.4)
IAM = {"iamToken": header_key("X-Auth-Token", "an IAM token from POST /v3/auth/tokens"),
       "akskSignature": header_key("Authorization", "an AK/SK signature: SDK-HMAC-SHA256 Access=..., "
                                                    "SignedHeaders=..., Signature=... with X-Sdk-Date")}
SERVICECOMB = {**IAM, "engineToken": bearer("an engine RBAC token from POST /v4/token")}


def family(render, auth, error_model, description: str, security=IAM) -> Surface:
    return Surface(SURFACE, render, auth, error_model=error_model, security=security, error_description=description)


iam_api = family(envelope.render_iam, authenticate, envelope.IamError, '{"error": {code, message, title}}')
svcstg_api = family(envelope.render_svcstg, authenticate, envelope.SsError, "{error_code, error_msg}")
git_api = family(envelope.render_git, authenticate, envelope.SsError, "{error_code, error_msg}")
cse_config_api = family(envelope.render_cse_config, authenticate, envelope.CseConfigError,
                        "{error_code, error_message, detail}")
registry_api = family(envelope.render_registry, authenticate_servicecomb, envelope.RegistryError,
                      "{errorCode, errorMessage, detail}", SERVICECOMB)
engine_api = family(envelope.render_engine, authenticate, envelope.RegistryError, "{errorCode, errorMessage, detail}")

__all__ = ["ANY_BODY", "SURFACE", "iam", "appmgmt_v2", "appmgmt_v3", "git", "cse", "servicecomb", "deprecated",
           "iam_api", "svcstg_api", "git_api", "cse_config_api", "registry_api", "engine_api"]
