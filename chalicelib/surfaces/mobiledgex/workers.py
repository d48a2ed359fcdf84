"""Every MobiledgeX module that registers job workflows or periodic tasks (loaded by the event functions).

The worker finalizes deletes (``regional.delete``), which releases what the deleted object referred to: the
reference rules (``@regional.references``) of every kind a job can delete must be loaded here too.
"""
from chalicelib.surfaces.mobiledgex import lifecycle  # noqa: F401
from chalicelib.surfaces.mobiledgex import service_cloudlets  # noqa: F401  (registers its lifecycle operations)
from chalicelib.surfaces.mobiledgex import service_clusterinsts  # noqa: F401  (lifecycle operations, references)
from chalicelib.surfaces.mobiledgex import service_appinsts  # noqa: F401  (lifecycle operations, references)
from chalicelib.surfaces.mobiledgex import service_networks, service_pools  # noqa: F401  (references)
