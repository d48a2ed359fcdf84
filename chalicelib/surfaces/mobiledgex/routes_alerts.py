"""Alert receivers (catalog §3.2 #71-#73, rendered again as #139-#141)."""
from __future__ import annotations

from chalicelib.core.errors import BadRequest
from chalicelib.openapi.declare import reads
from chalicelib.surfaces.mobiledgex import gojson, service_alerts
from chalicelib.surfaces.mobiledgex import answers as A
from chalicelib.surfaces.mobiledgex.blueprint import ANY_BODY, API, bp, endpoint
from chalicelib.surfaces.mobiledgex.common import bind
from chalicelib.surfaces.mobiledgex.envelope import array


@reads("body", schema=gojson.openapi_schema)
def _raw(ctx, schema_name: str) -> dict:
    """Create/Delete read the raw body as JSON whatever its Content-Type (upstream ReadConn), decoded Go-style."""
    data = gojson.parse_body(ctx.raw)
    if not isinstance(data, dict):
        raise BadRequest("Invalid JSON data: Unmarshal error: expected object for the request body")
    body, _ = gojson.decode(schema_name, data)
    return body


@bp.route(f"{API}/auth/alertreceiver/create", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="CreateAlertReceiver", returns=A.Result)
def create_alert_receiver(ctx):
    return service_alerts.create(ctx.principal, _raw(ctx, "OrmapiAlertReceiver"))


@bp.route(f"{API}/auth/alertreceiver/delete", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="DeleteAlertReceiver", returns=A.Result)
def delete_alert_receiver(ctx):
    return service_alerts.delete(ctx.principal, _raw(ctx, "OrmapiAlertReceiver"))


@bp.route(f"{API}/auth/alertreceiver/show", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowAlertReceiver", returns=A.AlertReceivers)
def show_alert_receiver(ctx):
    body, _ = bind(ctx, "OrmapiAlertReceiver", empty_ok=True)
    return array(service_alerts.show(ctx.principal, body))
