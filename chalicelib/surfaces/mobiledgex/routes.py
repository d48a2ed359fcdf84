"""MobiledgeX Master Controller routes (``POST /api/v1/...``).

Each ``routes_*`` module registers its operations on the one blueprint; paths are absolute.
"""
import importlib
import os
import pkgutil

from chalicelib.surfaces.mobiledgex.blueprint import bp

URL_PREFIX = None

for _info in sorted(pkgutil.iter_modules([os.path.dirname(__file__)]), key=lambda m: m.name):
    if _info.name.startswith("routes_"):
        importlib.import_module(f"chalicelib.surfaces.mobiledgex.{_info.name}")

__all__ = ["bp", "URL_PREFIX"]
