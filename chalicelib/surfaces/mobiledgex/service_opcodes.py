"""Operator codes (catalog §3.2 #47-#49): a code (e.g. an MCC-MNC) mapped to an operator org.

The code is the key; errors print it bare as upstream's string key does ("OperatorCode key 310-410 ...").
"""
from __future__ import annotations

from chalicelib.core.errors import BadRequest
from chalicelib.identity.principal import Principal
from chalicelib.surfaces.mobiledgex import rbac, regional, service_events, service_orgs
from chalicelib.surfaces.mobiledgex.kinds import OPERATOR_CODE


def create(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    org = service_orgs.require_usable(p, obj.get("organization", ""), "operator", "cloudlets")
    code = obj.get("code", "")
    if not code:
        raise BadRequest("No code specified")
    if regional.get(OPERATOR_CODE, region, {"code": code}) is not None:
        raise BadRequest(f"OperatorCode key {code} already exists")
    try:
        regional.create(OPERATOR_CODE, region, {"code": code, "organization": org.name})
    except BadRequest as exc:
        if "already exists" in exc.message:
            raise BadRequest(f"OperatorCode key {code} already exists") from None
        raise
    service_events.record(p, "CreateOperatorCode", org.name, f"{region}/operatorcode/{code}", region=region)
    return {}


def delete(p: Principal, region: str, obj: dict, present: set[str]) -> dict:
    rbac.require(p, obj.get("organization", ""), "cloudlets", rbac.M)
    code = obj.get("code", "")
    item = regional.get(OPERATOR_CODE, region, {"code": code})
    if item is None:
        raise BadRequest(f"OperatorCode key {code} not found")
    rbac.require(p, item.org, "cloudlets", rbac.M)  # the code's own org, whatever the request named
    regional.delete(OPERATOR_CODE, item)
    service_events.record(p, "DeleteOperatorCode", item.org, f"{region}/operatorcode/{code}", region=region)
    return {}


def show(p: Principal, region: str, obj: dict, present: set[str]) -> list[dict]:
    every, orgs = rbac.require_any(p, "cloudlets", rbac.V)
    items = regional.show(OPERATOR_CODE, region, obj, None if every else orgs)
    return [{"code": i.data["code"], "organization": i.data["organization"]} for i in items]
