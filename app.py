"""edgeplane: builds the app, registers each surface's blueprint and the event handlers. Nothing else.

``EDGEPLANE_SURFACES`` (comma-separated) limits the surfaces, so each can deploy as its own API;
unset, every surface is served (the local run).
"""
from chalice import Chalice

from chalicelib.core.config import settings
from chalicelib.surfaces import registered

app = Chalice(app_name="edgeplane")
app.debug = False
app.api.binary_types.extend(["multipart/form-data", "application/gzip", "application/x-gzip",
                             "application/x-tar", "application/zip"])

for name, blueprint, prefix in registered(settings().surfaces):
    app.register_blueprint(blueprint, url_prefix=prefix)

if not settings().surfaces or "events" in settings().surfaces:
    from chalicelib import events
    app.register_blueprint(events.bp_with_workers())
