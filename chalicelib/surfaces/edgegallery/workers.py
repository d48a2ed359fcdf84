"""Every EdgeGallery module that registers job workflows, upload inspectors or periodic tasks.

The event functions import this (chalicelib.surfaces.WORKERS) so they know every EdgeGallery job kind;
it imports the routes package, which loads each group's service module.
"""
from chalicelib.surfaces.edgegallery import routes  # noqa: F401
from chalicelib.surfaces.edgegallery import workflows_merge  # noqa: F401  (the chunked-upload merge jobs)
