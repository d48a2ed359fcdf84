"""Events (catalog §3.2 #68-#70, rendered again as #136-#138): searches of the audit log."""
from __future__ import annotations

from chalicelib.surfaces.mobiledgex import service_events
from chalicelib.surfaces.mobiledgex import answers as A
from chalicelib.surfaces.mobiledgex.blueprint import ANY_BODY, API, bp, endpoint
from chalicelib.surfaces.mobiledgex.common import bind
from chalicelib.surfaces.mobiledgex.envelope import array


def _search(ctx) -> dict:
    body, _ = bind(ctx, "NodeEventSearch", empty_ok=True)
    return body


@bp.route(f"{API}/auth/events/find", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="FindEvents", returns=A.Events)
def find_events(ctx):
    return array(service_events.find(ctx.principal, _search(ctx)))


@bp.route(f"{API}/auth/events/show", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowEvents", returns=A.Events)
def show_events(ctx):
    return array(service_events.show(ctx.principal, _search(ctx)))


@bp.route(f"{API}/auth/events/terms", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="EventTerms", returns=A.EventTerms)
def event_terms(ctx):
    return service_events.terms(ctx.principal, _search(ctx))
