"""Answers checked against the published contract: every JSON success of an endpoint that declares its model
(``Surface.endpoint(returns=...)``, the document's 2XX schema) is validated against it, and a drift is reported.

Never installed in a deployment: the test suite installs it on the in-process app (``tests/contract_check.py``,
a drift fails the test that made the request) and the local stack with ``--check-contracts FILE`` (the e2e tests'
stacks: a drift is a line in FILE, which fails the tests using that stack)."""
from __future__ import annotations

import functools
import json
from typing import Callable

from pydantic import ValidationError

META = "__edgeplane_endpoint__"
violations: list[str] = []


def _checked(view, model, method: str, path: str, report: Callable[[str], None]):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        response = view(*args, **kwargs)
        status = getattr(response, "status_code", 200)
        body = getattr(response, "body", response)
        if 200 <= status < 300 and body not in (None, "", b""):
            try:
                data = json.loads(body) if isinstance(body, (str, bytes)) else body
                model.model_validate(data)
            except (ValueError, ValidationError) as exc:
                report(f"{method} {path} answered a body that is not its {model.__name__}: {exc}")
        return response
    wrapped.__wrapped_contract__ = True
    return wrapped


def install(app, report: Callable[[str], None] | None = None) -> int:
    """Wrap each view that declares a response model (once); drifts go to ``report`` (default: ``violations``).
    Returns the number of views checked."""
    n = 0
    for path, methods in app.routes.items():
        for method, entry in methods.items():
            meta = getattr(entry.view_function, META, None)
            if getattr(entry.view_function, "__wrapped_contract__", False):
                n += 1
                continue
            if meta and meta.get("returns") is not None:
                entry.view_function = _checked(entry.view_function, meta["returns"], method, path,
                                               report or violations.append)
                n += 1
    return n
