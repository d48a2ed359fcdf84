"""MSAP's job workflows: change-order batches (release instances) and pipeline runs."""
from chalicelib.surfaces.msap import changeorders, pipeline_runs  # noqa: F401 (they register their workflows)
