"""Federation (catalog §3.2 #78-#106, #142-#148): what host, guest and developer operations share.

Federation objects are global MC objects (Go field names, the framework binder, plain JSON arrays for
Shows), stored as :class:`MxFed` items (see :mod:`chalicelib.store.mobiledgex_fed`).

Design decision — the partner is simulated in-process (catalog §7.9). Upstream a guest (consumer) calls its
partner host over the GSMA East-West API. Here the only reachable partners are the federation hosts of this
same deployment: a guest whose ``PartnerAddr`` is ``"local"`` (what CreateFederationHost returns as
``TargetAddr``) or the host's ``FederationContextId`` talks to the host whose ``ClientId`` is the guest's
``ProviderClientId``; the guest's ``ProviderClientKey`` must be that host's current ``ClientKey`` (kept
only as a keyed digest, ``accounts.digest_secret``). Both sides then become ``Registered``, the zones the
host shares become the guest's (unregistered) consumer zones, registering one creates the local
``Federation`` cloudlet, and images/apps a developer onboards appear on the host as ProviderImage /
ProviderArtefact / ProviderApp. Any other ``PartnerAddr`` is a 400 "Unable to reach partner ...".

Secrets (ClientKey, ProviderClientKey, PartnerNotifyClientKey) are digested or sealed into the item's
``secrets`` attribute, are never part of a response after creation (a host's ClientKey is answered once, by
CreateFederationHost / GenerateFederationHostAPIKey) and never reach a log or audit record.
"""
from __future__ import annotations

import re
from typing import Iterable

from chalicelib.core.errors import BadRequest, Conflict
from chalicelib.openapi import reads
from chalicelib.store import base as store
from chalicelib.store.mobiledgex import MxOrg
from chalicelib.store.mobiledgex_fed import GUEST, HOST, MxFed
from chalicelib.surfaces.mobiledgex import gojson, identity, rbac
from chalicelib.surfaces.mobiledgex.common import ZERO_TIME, go_time

LOCAL_ADDR = "local"
TOKEN_PATH = "oauth2/token"
STATUS_UNREGISTERED, STATUS_REGISTERED = "Unregistered", "Registered"
FED_ID_SUFFIX = "085d364c07fb4fe0b09979127f7c3d68"  # upstream: FederationId = name + a fixed uuid

_ISO_ALPHA2 = set("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO
JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR
MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO
RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV
TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
""".split())
_ZONE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}$")


# ---------------------------------------------------------------- validation
def check_country(code: str) -> None:
    if code and code not in _ISO_ALPHA2:
        raise BadRequest(f'Invalid country code "{code}". It must be a valid ISO 3166-1 Alpha-2 code for the country')


def check_zone_id(zone_id: str) -> None:
    if not _ZONE_ID.match(zone_id):
        raise BadRequest(f'Invalid zone ID "{zone_id}", must be at most 32 characters of letters, digits, '
                         "'_', '.' and '-', starting with a letter or digit")


def federator(info: dict | None, name: str = "", *, initial: bool = False) -> dict:
    """A full Federator (MyInfo/PartnerInfo) as the MC stores and shows it."""
    info = info or {}
    out = {"FederationId": info.get("FederationId", ""), "CountryCode": info.get("CountryCode", ""),
           "MCC": info.get("MCC", ""), "MNC": list(info.get("MNC") or []),
           "FixedNetworkIds": list(info.get("FixedNetworkIds") or []),
           "DiscoveryEndPoint": info.get("DiscoveryEndPoint", ""),
           "InitialDate": info.get("InitialDate") or (go_time() if initial else ZERO_TIME)}
    if name and not out["FederationId"]:
        out["FederationId"] = name + FED_ID_SUFFIX
    return out


def check_my_info(info: dict) -> None:
    check_country(info.get("CountryCode", ""))
    if not info.get("MCC"):
        raise BadRequest("Missing MyInfo.MCC, the mobile country code of the operator")
    if not [m for m in info.get("MNC") or [] if m]:
        raise BadRequest("Missing MyInfo.MNC, at least one mobile network code of the operator is required")


def check_updates(present: set[str], allowed: Iterable[str]) -> None:
    allowed = set(allowed)
    for path in sorted(present):
        if path not in allowed:
            raise BadRequest(f"Update {path} not allowed")


# ---------------------------------------------------------------- items
def new_item(kind: str, pk: str, sk: str, org: str, data: dict, *, parent: str = "", ident: str = "",
             secrets: dict | None = None, gsi3=None, gsi4=None) -> MxFed:
    item = MxFed(pk, sk, fed_kind=kind, org=org, parent=parent, data=data, secrets=secrets or {})
    return item.index(ident=ident, gsi3=gsi3, gsi4=gsi4)


def create(item: MxFed, exists: str, unique: Iterable[tuple[str, str]] = ()) -> MxFed:
    try:
        return store.create(item, unique=list(unique), conflict=exists)
    except Conflict as exc:
        raise BadRequest(exc.message) from None


def save(item: MxFed) -> MxFed:
    try:
        return store.save(item, conflict="the object was changed concurrently, retry")
    except Conflict as exc:
        raise BadRequest(exc.message) from None


def delete(item: MxFed, unique: Iterable[tuple[str, str]] = ()) -> None:
    store.delete(item, unique=list(unique))


def get_host(name: str) -> MxFed | None:
    return store.get(MxFed, MxFed.host_pk(name), "H") if name else None


def get_guest(name: str) -> MxFed | None:
    return store.get(MxFed, MxFed.guest_pk(name), "G") if name else None


def _by_id(prefix: str, ident: int) -> MxFed | None:
    for item in MxFed.gsi4.query(f"{prefix}{ident}", limit=1):
        return item
    return None


def lookup_host(ident: int, name: str) -> MxFed:
    """Upstream lookupFederationProvider: by ID and/or Name."""
    if not ident and not name:
        raise BadRequest("Missing federation provider name or id")
    item = get_host(name) if name else _by_id("FEDHOSTID#", ident)
    if item is None or (ident and int(item.data.get("ID", 0)) != ident):
        raise BadRequest(f'FederationProvider "{name}" not found')
    return item


def lookup_guest(ident: int, name: str) -> MxFed:
    if not ident and not name:
        raise BadRequest("Missing federation consumer name or id")
    item = get_guest(name) if name else _by_id("FEDGUESTID#", ident)
    if item is None or (ident and int(item.data.get("ID", 0)) != ident):
        raise BadRequest(f'FederationConsumer "{name}" not found')
    return item


def host_by_client_id(client_id: str) -> MxFed | None:
    for item in MxFed.gsi3.query(f"FEDHOSTKEY#{client_id}", limit=1):
        return item
    return None


def children(kind: str, parent: str) -> list[MxFed]:
    return list(MxFed.query(MxFed.parent_pk(kind, parent), MxFed.sk.startswith(MxFed.sk_prefix(kind))))


def child(kind: str, parent: str, ident: str) -> MxFed | None:
    return store.get(MxFed, MxFed.parent_pk(kind, parent), MxFed.child_sk(kind, ident))


def zone_base(zone_id: str) -> MxFed | None:
    return store.get(MxFed, MxFed.zone_base_pk(zone_id), "Z") if zone_id else None


def query_kind(kind: str, orgs: Iterable[str] | None) -> list[MxFed]:
    """Every item of a kind (``orgs`` None) or those of the given orgs: one Query per org."""
    if orgs is None:
        return list(MxFed.gsi2.query(MxFed.all_partition(kind)))
    out = []
    for org in sorted({o.lower() for o in orgs}):
        out.extend(MxFed.gsi1.query(MxFed.org_partition(kind, org)))
    return out


def require_manage(p, operator_id: str) -> None:
    """Upstream fedAuthorized on a stored object's operator."""
    if not operator_id:
        raise BadRequest("Missing operator ID")
    rbac.require(p, operator_id, "cloudlets", rbac.M)


# ---------------------------------------------------------------- global Show filters (catalog §5.6)
@reads("body", schema=gojson.openapi_schema)
def show_filter(ctx, schema_name: str, *, ignore: Iterable[str] = ()) -> dict:
    """The keys present in the body as exact-match filters ({path: value}); unknown keys are a 400."""
    raw = ctx.raw
    if not raw or not raw.strip():
        return {}
    from chalicelib.surfaces.mobiledgex.common import bind
    data = gojson.parse_body(raw)
    if isinstance(data, dict):
        fields = gojson.schema(schema_name).get("fields") or {}
        for key in data:
            if not any(str(key).lower() == f.lower() for f in fields):
                raise BadRequest(f"Failed to parse input data: JSON field {key} not found in database object "
                                 f"{schema_name.removeprefix('Ormapi')}")
    obj, present = bind(ctx, schema_name, empty_ok=True)
    skip = set(ignore)
    out = {}
    for path in present:
        top = path.split(".")[0]
        if path in skip or top in skip:
            continue
        value = _dig(obj, path)
        if isinstance(value, dict):
            continue  # nested objects filter by their own present keys
        out[path] = value
    return out


def _dig(obj, path: str):
    cur = obj
    for part in path.split("."):
        if not isinstance(cur, dict):
            return None
        cur = cur.get(part)
    return cur


def _zero_like(value):
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return 0
    if isinstance(value, list):
        return []
    return ""


def matches(view: dict, filt: dict) -> bool:
    for path, want in filt.items():
        have = _dig(view, path)
        if want is None:
            continue
        if have is None:
            have = _zero_like(want)
        if isinstance(want, str) and isinstance(have, str):
            if path.endswith("Name") or path in ("OperatorId", "FedHost", "FedGuest"):
                if want.lower() != have.lower():
                    return False
                continue
        if have != want:
            return False
    return True


# ---------------------------------------------------------------- the orgs a federation creates
def create_org(p, name: str, org_type: str, what: str) -> MxOrg:
    try:
        return identity.create_org(name, org_type, {}, p.username)
    except BadRequest as exc:
        raise BadRequest(f'failed to create {org_type} org "{name}" {what}: {exc.message}') from None


def drop_org(name: str) -> None:
    """Remove an org the federation created (its roles and its name claim); best effort, like upstream."""
    org = identity.get_org(name)
    if org is None:
        return
    for role in identity.members(name):
        try:
            identity.remove_role(role)
        except Exception:  # noqa: BLE001  (cleanup: the federation object is already gone)
            pass
    store.delete(org, unique=[(identity.NAME_SCOPE, name.lower())])


def org_in_use(org_name: str) -> str | None:
    """For DeleteOrg: "org X in use by FederationProvider/FederationConsumer" when a federation names it
    (as its OperatorId, or as the org created for it under the federation's own name)."""
    if get_host(org_name) is not None:
        return f"org {org_name} in use by FederationProvider"
    if get_guest(org_name) is not None:
        return f"org {org_name} in use by FederationConsumer"
    for kind, label in ((HOST, "FederationProvider"), (GUEST, "FederationConsumer")):
        for _ in MxFed.gsi1.query(MxFed.org_partition(kind, org_name), limit=1):
            return f"org {org_name} in use by {label}"
    return None


