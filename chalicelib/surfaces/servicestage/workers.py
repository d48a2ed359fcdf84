"""Every ServiceStage module that registers job workflows or periodic tasks (loaded by the event functions)."""
from chalicelib.surfaces.servicestage import ssjobs  # noqa: F401
from chalicelib.surfaces.servicestage import service_v2_instances  # noqa: F401
from chalicelib.surfaces.servicestage import service_registry  # noqa: F401  (the registry lease sweeper)
from chalicelib.surfaces.servicestage import service_v3_components  # noqa: F401
from chalicelib.surfaces.servicestage import service_cse  # noqa: F401
