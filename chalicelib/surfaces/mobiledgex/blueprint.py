"""The MobiledgeX blueprint and its endpoint wrapper (shared by every routes_* module)."""
from chalice import Blueprint

from chalicelib.core.web import ANY_BODY, Surface
from chalicelib.surfaces.mobiledgex.auth import authenticate
from chalicelib.surfaces.mobiledgex.envelope import render_error

bp = Blueprint(__name__)
surface = Surface("mobiledgex", render_error, authenticate)
endpoint = surface.endpoint
API = "/api/v1"

__all__ = ["ANY_BODY", "API", "bp", "endpoint", "surface"]
