"""Every ServiceStage module that registers job workflows or periodic tasks (loaded by the event functions)."""
from chalicelib.surfaces.servicestage import ssjobs  # noqa: F401
