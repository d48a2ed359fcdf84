"""The ote-stack blueprint and its endpoint wrapper (shared by every routes_* module)."""
from chalice import Blueprint

from chalicelib.core.web import ANY_BODY, Surface
from chalicelib.surfaces.otestack.auth import authenticate
from chalicelib.openapi.schemes import header_key
from chalicelib.surfaces.otestack.envelope import OteError, OteResult, render_error

bp = Blueprint(__name__)
surface = Surface("otestack", render_error, authenticate, error_model=OteError, success_model=OteResult,
                  security={"otestackToken": header_key("Authorization", "the JWT from POST /v1/authorization, raw "
                                                                         "(a 'Bearer ' prefix is tolerated)")},
                  error_description='{"code": <status>, "message": ...}')
endpoint = surface.endpoint

__all__ = ["ANY_BODY", "bp", "endpoint", "surface"]
