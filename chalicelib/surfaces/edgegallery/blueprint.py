"""The EdgeGallery blueprint (all routes absolute) and its endpoint wrapper."""
from chalice import Blueprint

from chalicelib.core.web import ANY_BODY, Surface
from chalicelib.surfaces.edgegallery.auth import authenticate
from chalicelib.openapi.schemes import bearer, header_key
from chalicelib.surfaces.edgegallery.envelope import EgError, render_error

bp = Blueprint(__name__)
surface = Surface("edgegallery", render_error, authenticate, error_model=EgError,
                  security={"accessToken": header_key("access_token", "a JWT from edgeplane's login"),
                            "bearer": bearer("the same JWT as a Bearer token")},
                  error_description="{timestamp, code, error, message, path, retCode, params}")
endpoint = surface.endpoint
V1 = "/mec/developer/v1"
V2 = "/mec/developer/v2"

__all__ = ["ANY_BODY", "V1", "V2", "bp", "endpoint", "surface"]
