"""The ote-stack blueprint and its endpoint wrapper (shared by every routes_* module)."""
from chalice import Blueprint

from chalicelib.core.web import ANY_BODY, Surface
from chalicelib.surfaces.otestack.auth import authenticate
from chalicelib.surfaces.otestack.envelope import render_error

bp = Blueprint(__name__)
surface = Surface("otestack", render_error, authenticate)
endpoint = surface.endpoint

__all__ = ["ANY_BODY", "bp", "endpoint", "surface"]
