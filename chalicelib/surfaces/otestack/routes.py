"""ote-stack (Akraino "otestack v1") routes: all 51 endpoints and their documented alias paths.

Each ``routes_*`` module registers its group on the one blueprint; paths are absolute (``/v1/...``).
"""
from chalicelib.surfaces.otestack import routes_users  # noqa: F401
from chalicelib.surfaces.otestack.blueprint import bp

URL_PREFIX = None

for _module in ("routes_inventory", "routes_registry", "routes_apps", "routes_deploy"):
    try:
        __import__(f"chalicelib.surfaces.otestack.{_module}")
    except ModuleNotFoundError as exc:  # a group still being written
        if exc.name != f"chalicelib.surfaces.otestack.{_module}":
            raise

__all__ = ["bp", "URL_PREFIX"]
