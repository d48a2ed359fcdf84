"""The MSAP surface: every module's routes, one blueprint each (see ``blueprints.py``)."""
from __future__ import annotations

import importlib

from chalicelib.surfaces.msap.blueprints import ALL

MODULES = ("routes_project", "routes_member", "routes_tenant", "routes_app", "routes_group", "routes_connection",
           "routes_data_auth", "routes_env", "routes_configmap", "routes_deploy_config", "routes_inst",
           "routes_pipelines", "routes_pipeline_perm", "routes_product")

for _name in MODULES:
    importlib.import_module(f"chalicelib.surfaces.msap.{_name}")  # each registers its routes on its blueprint

blueprints = ALL
URL_PREFIX = None
