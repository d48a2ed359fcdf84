"""The API surfaces: name → (blueprint module, URL prefix)."""
from __future__ import annotations

import importlib

SURFACES = {
    "edgeplane": "chalicelib.surfaces.edgeplane.routes",
    "otestack": "chalicelib.surfaces.otestack.routes",
    "edgegallery": "chalicelib.surfaces.edgegallery.routes",
    "mobiledgex": "chalicelib.surfaces.mobiledgex.routes",
    "servicestage": "chalicelib.surfaces.servicestage.routes",
    "msap": "chalicelib.surfaces.msap.routes",
}


# Modules that register job workflows, upload inspectors and periodic tasks. The event functions load
# them whatever EDGEPLANE_SURFACES says: a worker must know every job kind any API can start.
WORKERS = {
    "otestack": ("chalicelib.surfaces.otestack.service_users", "chalicelib.surfaces.otestack.service_deploy"),
    "edgegallery": ("chalicelib.surfaces.edgegallery.workers",),
    "mobiledgex": ("chalicelib.surfaces.mobiledgex.workers",),
    "servicestage": ("chalicelib.surfaces.servicestage.workers",),
    "msap": ("chalicelib.surfaces.msap.workers",),
}


def load_workers() -> None:
    for modules in WORKERS.values():
        for module_name in modules:
            importlib.import_module(module_name)


def registered(selected: tuple[str, ...] = ()):
    """Yield (name, blueprint, url_prefix) for the selected surfaces (all when none is selected), then the
    contract blueprint that serves their OpenAPI documents."""
    served = False
    for name, module_name in SURFACES.items():
        if selected and name not in selected:
            continue
        module = importlib.import_module(module_name)
        for bp in getattr(module, "blueprints", None) or [module.bp]:  # a surface may have one per API family
            served = True
            yield name, bp, getattr(module, "URL_PREFIX", None)
    if served:  # every API publishes its OpenAPI document (the shared events stack has no API)
        from chalicelib.openapi import routes as contract
        yield "openapi", contract.bp, contract.URL_PREFIX
