"""Operator code operations (catalog §3.2 #47-#49)."""
from __future__ import annotations

from chalicelib.surfaces.mobiledgex import envelope, service_opcodes as opcodes
from chalicelib.surfaces.mobiledgex import answers as A
from chalicelib.surfaces.mobiledgex.blueprint import ANY_BODY, API, bp, endpoint
from chalicelib.surfaces.mobiledgex.common import regional_body

W = "OrmapiRegionOperatorCode"


@bp.route(f"{API}/auth/ctrl/CreateOperatorCode", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="CreateOperatorCode", returns=A.CtrlResult)
def create_operator_code(ctx):
    return opcodes.create(ctx.principal, *regional_body(ctx, W))


@bp.route(f"{API}/auth/ctrl/DeleteOperatorCode", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="DeleteOperatorCode", returns=A.CtrlResult)
def delete_operator_code(ctx):
    return opcodes.delete(ctx.principal, *regional_body(ctx, W))


@bp.route(f"{API}/auth/ctrl/ShowOperatorCode", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, action="ShowOperatorCode")
def show_operator_code(ctx):
    return envelope.objects(opcodes.show(ctx.principal, *regional_body(ctx, W)))
