"""Every MobiledgeX module that registers job workflows or periodic tasks (loaded by the event functions)."""
from chalicelib.surfaces.mobiledgex import lifecycle  # noqa: F401
from chalicelib.surfaces.mobiledgex import service_cloudlets  # noqa: F401  (registers its lifecycle operations)
