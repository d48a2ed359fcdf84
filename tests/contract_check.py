"""Every JSON success the app answers in the tests is checked against the model its endpoint declares
(``Surface.endpoint(returns=...)``, the contract's 2XX schema): a handler whose answer drifts from its published
shape fails the test that made the request, whatever that test asserts itself."""
from __future__ import annotations

import functools
import json

from pydantic import ValidationError

META = "__edgeplane_endpoint__"
violations: list[str] = []


def _checked(view, model, method: str, path: str):
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
                violations.append(f"{method} {path} answered a body that is not its {model.__name__}: {exc}")
        return response
    wrapped.__wrapped_contract__ = True
    return wrapped


def install(app) -> int:
    """Wrap each view that declares a response model (once); the number of views checked."""
    n = 0
    for path, methods in app.routes.items():
        for method, entry in methods.items():
            meta = getattr(entry.view_function, META, None)
            if getattr(entry.view_function, "__wrapped_contract__", False):
                n += 1
                continue
            if meta and meta.get("returns") is not None:
                wrapped = _checked(entry.view_function, meta["returns"], method, path)
                setattr(wrapped, META, meta)
                entry.view_function = wrapped
                n += 1
    return n
