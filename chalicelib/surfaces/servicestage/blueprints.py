"""One blueprint per API family (catalog §7), each with its own error format."""
from chalice import Blueprint

from chalicelib.core.web import ANY_BODY, Surface
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
iam_api = Surface(SURFACE, envelope.render_iam, authenticate)
svcstg_api = Surface(SURFACE, envelope.render_svcstg, authenticate)
git_api = Surface(SURFACE, envelope.render_git, authenticate)
cse_config_api = Surface(SURFACE, envelope.render_cse_config, authenticate)
registry_api = Surface(SURFACE, envelope.render_registry, authenticate_servicecomb)
engine_api = Surface(SURFACE, envelope.render_engine, authenticate)

__all__ = ["ANY_BODY", "SURFACE", "iam", "appmgmt_v2", "appmgmt_v3", "git", "cse", "servicecomb", "deprecated",
           "iam_api", "svcstg_api", "git_api", "cse_config_api", "registry_api", "engine_api"]
