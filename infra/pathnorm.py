"""Local routing tolerance for repeated slashes (``/operations//{id}``, documented by EdgeGallery).

Chalice's local gateway (used by ``make run`` and the test client) already drops a trailing slash, as
API Gateway does; this makes it collapse ``//`` as well before matching. Installed by the local runner
and the tests; in AWS the same tolerance must come from the API in front (see README).
"""
from __future__ import annotations

import re

from chalice import local

_installed = []


def install() -> None:
    if _installed:
        return
    original = local.RouteMatcher.match_route

    def match_route(self, url: str):
        path, sep, query = url.partition("?")
        return original(self, re.sub(r"/{2,}", "/", path) + sep + query)

    local.RouteMatcher.match_route = match_route
    _installed.append(original)
