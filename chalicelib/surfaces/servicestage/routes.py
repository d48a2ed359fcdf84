"""Huawei Cloud ServiceStage, CSE and ServiceComb routes: one blueprint per family.

Each ``routes_*`` module registers its operations on its family's blueprint; paths are absolute.
"""
import importlib
import os
import pkgutil

from chalicelib.surfaces.servicestage import blueprints as _b

URL_PREFIX = None

for _info in sorted(pkgutil.iter_modules([os.path.dirname(__file__)]), key=lambda m: m.name):
    if _info.name.startswith("routes_"):
        importlib.import_module(f"chalicelib.surfaces.servicestage.{_info.name}")

blueprints = [_b.iam, _b.appmgmt_v2, _b.appmgmt_v3, _b.git, _b.cse, _b.servicecomb, _b.deprecated]
bp = _b.appmgmt_v2

__all__ = ["blueprints", "bp", "URL_PREFIX"]
