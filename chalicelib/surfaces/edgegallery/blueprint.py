"""The EdgeGallery blueprint (all routes absolute) and its endpoint wrapper."""
from chalice import Blueprint

from chalicelib.core.web import ANY_BODY, Surface
from chalicelib.surfaces.edgegallery.auth import authenticate
from chalicelib.surfaces.edgegallery.envelope import render_error

bp = Blueprint(__name__)
surface = Surface("edgegallery", render_error, authenticate)
endpoint = surface.endpoint
V1 = "/mec/developer/v1"
V2 = "/mec/developer/v2"

__all__ = ["ANY_BODY", "V1", "V2", "bp", "endpoint", "surface"]
