"""ote-stack (Akraino "otestack v1") routes: all 51 endpoints and their documented alias paths.

Each ``routes_*`` module registers its group on the one blueprint; paths are absolute (``/v1/...``).
"""
from chalicelib.surfaces.otestack import (routes_apps, routes_deploy, routes_inventory,  # noqa: F401
                                          routes_registry, routes_users)
from chalicelib.surfaces.otestack.blueprint import bp

URL_PREFIX = None

__all__ = ["bp", "URL_PREFIX"]
