"""Networks (catalog §3.2 #74-#77): named additional networks of a cloudlet, with routes.

A network refers to its cloudlet (a claimed reference: "Cloudlet in use by Network {...}"); ClusterInsts
that attach a network claim it in turn (their service registers that), so a used network can be neither
deleted ("Network in use by ClusterInst {...}") nor modified. Answers are progress streams of one line.
"""
from __future__ import annotations

import ipaddress

from chalicelib.core.errors import BadRequest
from chalicelib.identity.principal import Principal
from chalicelib.store.mobiledgex import MxObj
from chalicelib.surfaces.mobiledgex import envelope, rbac, regional, service_cloudlets, service_events, service_orgs
from chalicelib.surfaces.mobiledgex.common import REGIONAL_NAME
from chalicelib.surfaces.mobiledgex.kinds import CLOUDLET, NETWORK

UPDATABLE = ("routes", "connection_type")


@regional.references("Network")
def _refs(data: dict) -> list[regional.Ref]:
    return [regional.Ref(CLOUDLET, data["key"]["cloudlet_key"])]


def _key(obj: dict) -> dict:
    key = obj.get("key") or {}
    cloudlet_key = service_cloudlets.key_of({"key": key.get("cloudlet_key") or {}})
    if not REGIONAL_NAME.match(key.get("name", "")):
        raise BadRequest("Invalid network name")
    return {"cloudlet_key": regional.ordered_key("EdgeprotoCloudletKey", cloudlet_key), "name": key["name"]}


def _check_read_only(obj: dict) -> None:
    if obj.get("delete_prepare"):
        raise BadRequest("Invalid field specified: DeletePrepare, this field is only for internal use")


def _check(data: dict) -> None:
    if data.get("connection_type") in (None, "", "Undefined"):
        raise BadRequest("Invalid connection type")
    for route in data.get("routes") or []:
        try:
            ipaddress.ip_network(route.get("destination_cidr", ""), strict=False)
            if "/" not in route.get("destination_cidr", ""):
                raise ValueError
        except ValueError:
            raise BadRequest("Invalid route destination cidr") from None
        try:
            ipaddress.ip_address(route.get("next_hop_ip", ""))
        except ValueError:
            raise BadRequest("Invalid next hop") from None


def _routes(obj: dict) -> list[dict]:
    return [{"destination_cidr": r.get("destination_cidr", ""), "next_hop_ip": r.get("next_hop_ip", "")}
            for r in obj.get("routes") or []]


def _org(obj: dict) -> str:
    return ((obj.get("key") or {}).get("cloudlet_key") or {}).get("organization", "")


def create(p: Principal, region: str, obj: dict, present: set[str]):
    service_orgs.require_usable(p, _org(obj), "operator", "cloudlets")
    _check_read_only(obj)
    key = _key(obj)
    data = {"key": key, "routes": _routes(obj), "connection_type": obj.get("connection_type") or "Undefined"}
    _check(data)
    cloudlet = regional.get(CLOUDLET, region, key["cloudlet_key"])
    if cloudlet is not None and regional.get(NETWORK, region, key) is None:
        service_cloudlets.check_not_deleting(cloudlet)
    regional.create(NETWORK, region, data)
    service_events.record(p, "CreateNetwork", key["cloudlet_key"]["organization"],
                          f"{region}/network/{NETWORK.key_str(data)}", region=region)
    return envelope.progress(["Created Network successfully"])


def _require(p: Principal, region: str, obj: dict) -> MxObj:
    key = _key(obj)
    rbac.require(p, key["cloudlet_key"]["organization"], "cloudlets", rbac.M)
    _check_read_only(obj)
    return regional.require(NETWORK, region, key)


def update(p: Principal, region: str, obj: dict, present: set[str]):
    item = _require(p, region, obj)
    user = regional.in_use(NETWORK, region, item.key_str)
    if user is not None and user.startswith("ClusterInst"):
        raise BadRequest("Network cannot be modified while associated with a Cluster Instance")
    data = dict(item.data)
    if "routes" in present:
        data["routes"] = _routes(obj)
    if "connection_type" in present:
        data["connection_type"] = obj.get("connection_type") or "Undefined"
    _check(data)
    if data != item.data:
        regional.save(NETWORK, item, data)
    service_events.record(p, "UpdateNetwork", item.org, f"{region}/network/{item.key_str}", region=region)
    return envelope.progress(["Updated Network successfully"])


def delete(p: Principal, region: str, obj: dict, present: set[str]):
    item = _require(p, region, obj)
    regional.delete(NETWORK, item)
    service_events.record(p, "DeleteNetwork", item.org, f"{region}/network/{item.key_str}", region=region)
    return envelope.progress(["Deleted Network successfully"])


def show(p: Principal, region: str, obj: dict, present: set[str]) -> list[dict]:
    every, orgs = rbac.require_any(p, "cloudlets", rbac.V)
    return [{k: v for k, v in i.data.items() if v not in ([], None, "")}
            for i in regional.show(NETWORK, region, obj, None if every else orgs)]
