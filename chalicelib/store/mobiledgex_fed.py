"""MobiledgeX federation entities (global MC objects: hosts, guests, zones, partner images and apps).

One item class, :class:`MxFed`, for every federation object; ``fed_kind`` says which. Names are
case-insensitive upstream, so keys use the lower-cased name and ``data`` keeps the spelling. ``data``
holds the object as shown (Go field names); ``secrets`` holds what is never shown (hashed client keys,
sealed partner keys).

  host           FED#HOST#<lname>/H              gsi1 FEDHOST#OP#<lop>/<lname>      gsi2 FEDHOSTS/<lname>
                                                 gsi3 FEDHOSTKEY#<client id>/H      gsi4 FEDHOSTID#<id>/H
  guest          FED#GUEST#<lname>/G             gsi1 FEDGUEST#OP#<lop>/<lname>     gsi2 FEDGUESTS/<lname>
                                                 gsi3 FEDGUESTOF#<lhost>/<lname>    gsi4 FEDGUESTID#<id>/G
  zone base      FED#ZONEBASE#<zone id>/Z        gsi1 FEDZONEBASE#OP#<lop>/<zone>   gsi2 FEDZONEBASES/<zone>
  provider zone  FED#HOST#<lhost>/ZONE#<zone>    gsi1 FEDPZONE#OP#<lop>/<lhost>#<zone>  gsi2 FEDPZONES/<lhost>#<zone>
                                                 gsi3 FEDPZONEOF#<zone>/<lhost>   (is a zone base shared?)
  consumer zone  FED#GUEST#<lguest>/ZONE#<zone>  gsi1 FEDCZONE#OP#<lop>/<lguest>#<zone> gsi2 FEDCZONES/<lguest>#<zone>
  provider image/artefact/app/appinst
                 FED#HOST#<lhost>/<KIND>#<id>    gsi1 FEDP<KIND>#OP#<lop>/<lhost>#<id>  gsi2 FEDP<KIND>S/<lhost>#<id>
  consumer image FED#GUEST#<lguest>/IMAGE#<id>   gsi1 FEDCIMAGE#ORG#<lorg>/<lguest>#<id> gsi2 FEDCIMAGES/<lguest>#<id>
                                                 gsi3 FEDCIMAGEID#<id>/I
  consumer app   FED#GUEST#<lguest>/APP#<id>     gsi1 FEDCAPP#ORG#<lorg>/<lguest>#<id>  gsi2 FEDCAPPS/<lguest>#<id>
                                                 gsi3 FEDCAPPID#<id>/A

A filtered Show is one gsi1 Query per org the caller may view (admins: one gsi2 Query); no Scans.
Unique claims: ``mx-fedimage`` (org, federation, image name), ``mx-fedapp`` (federation, app key).
"""
from __future__ import annotations

from pynamodb.attributes import JSONAttribute, UnicodeAttribute

from chalicelib.store.base import Versioned

HOST, GUEST, ZONE_BASE, PROVIDER_ZONE, CONSUMER_ZONE = "host", "guest", "zonebase", "pzone", "czone"
P_IMAGE, P_ARTEFACT, P_APP, P_APPINST = "pimage", "partefact", "papp", "pappinst"
C_IMAGE, C_APP = "cimage", "capp"

# kind -> (gsi1 prefix, gsi2 partition, sort-key prefix inside the parent partition)
_CHILD = {
    PROVIDER_ZONE: ("FEDPZONE#OP#", "FEDPZONES", "ZONE#"),
    CONSUMER_ZONE: ("FEDCZONE#OP#", "FEDCZONES", "ZONE#"),
    P_IMAGE: ("FEDPIMAGE#OP#", "FEDPIMAGES", "IMAGE#"),
    P_ARTEFACT: ("FEDPARTEFACT#OP#", "FEDPARTEFACTS", "ARTEFACT#"),
    P_APP: ("FEDPAPP#OP#", "FEDPAPPS", "APP#"),
    P_APPINST: ("FEDPAPPINST#OP#", "FEDPAPPINSTS", "APPINST#"),
    C_IMAGE: ("FEDCIMAGE#ORG#", "FEDCIMAGES", "IMAGE#"),
    C_APP: ("FEDCAPP#ORG#", "FEDCAPPS", "APP#"),
}
_PARENT = {PROVIDER_ZONE: HOST, P_IMAGE: HOST, P_ARTEFACT: HOST, P_APP: HOST, P_APPINST: HOST,
           CONSUMER_ZONE: GUEST, C_IMAGE: GUEST, C_APP: GUEST}


class MxFed(Versioned, discriminator="MxFed"):
    fed_kind = UnicodeAttribute()
    org = UnicodeAttribute(default="")       # the org a Show filters on (OperatorId, or the developer org)
    parent = UnicodeAttribute(default="")    # lower-cased host/guest name of a child object
    data = JSONAttribute(default=dict)
    secrets = JSONAttribute(default=dict)    # never shown, never logged

    # ------------------------------------------------------------ keys
    @staticmethod
    def host_pk(name: str) -> str:
        return f"FED#HOST#{name.lower()}"

    @staticmethod
    def guest_pk(name: str) -> str:
        return f"FED#GUEST#{name.lower()}"

    @staticmethod
    def zone_base_pk(zone_id: str) -> str:
        return f"FED#ZONEBASE#{zone_id}"

    @staticmethod
    def parent_pk(kind: str, parent: str) -> str:
        return MxFed.host_pk(parent) if _PARENT[kind] == HOST else MxFed.guest_pk(parent)

    @staticmethod
    def child_sk(kind: str, ident: str) -> str:
        return _CHILD[kind][2] + ident

    @staticmethod
    def sk_prefix(kind: str) -> str:
        return _CHILD[kind][2]

    @staticmethod
    def org_partition(kind: str, org: str) -> str:
        if kind == HOST:
            return f"FEDHOST#OP#{org.lower()}"
        if kind == GUEST:
            return f"FEDGUEST#OP#{org.lower()}"
        if kind == ZONE_BASE:
            return f"FEDZONEBASE#OP#{org.lower()}"
        return _CHILD[kind][0] + org.lower()

    @staticmethod
    def all_partition(kind: str) -> str:
        return {HOST: "FEDHOSTS", GUEST: "FEDGUESTS", ZONE_BASE: "FEDZONEBASES"}.get(kind) or _CHILD[kind][1]

    # ------------------------------------------------------------ indexes
    def index(self, *, ident: str = "", gsi3: tuple[str, str] | None = None,
              gsi4: tuple[str, str] | None = None) -> "MxFed":
        """Fill the indexes: ``ident`` is the sort value inside the org/all partitions."""
        sort = ident if self.fed_kind in (HOST, GUEST, ZONE_BASE) else f"{self.parent}#{ident}"
        self.gsi1pk, self.gsi1sk = self.org_partition(self.fed_kind, self.org), sort
        self.gsi2pk, self.gsi2sk = self.all_partition(self.fed_kind), sort
        if gsi3 is not None:
            self.gsi3pk, self.gsi3sk = gsi3
        if gsi4 is not None:
            self.gsi4pk, self.gsi4sk = gsi4
        return self
