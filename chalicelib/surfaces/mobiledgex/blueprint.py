"""The MobiledgeX blueprint and its endpoint wrapper (shared by every routes_* module)."""
from chalice import Blueprint

from chalicelib.core.web import ANY_BODY, Surface
from chalicelib.surfaces.mobiledgex.auth import authenticate
from chalicelib.openapi.schemes import bearer
from chalicelib.surfaces.mobiledgex.envelope import MxError, render_error

bp = Blueprint(__name__)
surface = Surface("mobiledgex", render_error, authenticate, error_model=MxError,
                  security={"bearer": bearer("the token from POST /api/v1/login or /api/v1/login/apikey")},
                  error_description='{"message": ...}')
endpoint = surface.endpoint
API = "/api/v1"

__all__ = ["ANY_BODY", "API", "bp", "endpoint", "surface"]
