"""MobiledgeX users, orgs and role assignments on the shared identity.

A MobiledgeX user is a shared :class:`Account` (password hashed with argon2id there, one login for every
surface) plus an :class:`MxUser` record with the MC's profile fields. User and org names share one
case-insensitive namespace (``Unique mx-name``); e-mails are unique (``Unique mx-email``). The first-start
administrator is this API's AdminManager.
"""
from __future__ import annotations

from chalicelib.core.errors import BadRequest, Conflict
from chalicelib.identity import accounts
from chalicelib.store import base as store
from chalicelib.store.mobiledgex import MxOrg, MxRole, MxUser
from chalicelib.surfaces.mobiledgex import rbac
from chalicelib.surfaces.mobiledgex.common import go_time

NAME_SCOPE, EMAIL_SCOPE = "mx-name", "mx-email"


# ---------------------------------------------------------------- users
def get_user(name: str) -> MxUser | None:
    if not name:
        return None
    return store.get(MxUser, MxUser.pk_of(name), "U")


def user_by_email(email: str) -> MxUser | None:
    return store.claimed_by(MxUser, EMAIL_SCOPE, email.lower()) if email else None


def name_taken(name: str) -> bool:
    return store.get(store.Unique, f"UNIQUE#{NAME_SCOPE}#{name.lower()}", "U") is not None


def create_user(name: str, email: str, password: str, profile: dict, *, verified: bool) -> MxUser:
    """The shared account, then the MC record claiming the name and e-mail; undone if the claim fails."""
    now = go_time()
    if accounts.get_account(name) is not None and get_user(name) is None:
        raise BadRequest(f"Username with name {name} (case-insensitive) already exists")
    user = MxUser(MxUser.pk_of(name), "U", name=name, email=email,
                  data={**profile, "EmailVerified": verified, "Locked": False, "FailedLogins": 0,
                        "LastLogin": "", "LastFailedLogin": ""},
                  created_at=now, updated_at=now).index()
    acct = accounts.create_account(name, password, status="active")
    try:
        store.create(user, unique=[(NAME_SCOPE, name.lower())] + ([(EMAIL_SCOPE, email.lower())] if email else []),
                     conflict="taken")
    except Conflict:
        accounts.delete_account(acct)
        if name_taken(name):
            raise BadRequest(f"Username with name {name} (case-insensitive) already exists") from None
        raise BadRequest("Email already in use") from None
    return user


def ensure_admin_user(username: str) -> None:
    """First start: the system administrator gets its MC record and the AdminManager role."""
    acct = accounts.get_account(username)
    if acct is None:
        return
    if get_user(username) is None:
        now = go_time()
        user = MxUser(MxUser.pk_of(username), "U", name=username, email="", created_at=now, updated_at=now,
                      data={"EmailVerified": True, "Locked": False, "FailedLogins": 0, "LastLogin": "",
                            "LastFailedLogin": ""}).index()
        try:
            store.create(user, unique=[(NAME_SCOPE, username.lower())])
        except Conflict:
            pass
    if store.get(MxRole, *MxRole.keys(username, "")) is None:
        put_role(username, "", rbac.ADMIN_MANAGER)


# ---------------------------------------------------------------- roles
def roles_of(username: str) -> list[MxRole]:
    pk, _ = MxRole.keys(username, "")
    return list(MxRole.query(pk))


def members(org: str) -> list[MxRole]:
    return list(MxRole.gsi1.query(f"MXROLEORG#{org.lower()}"))


def put_role(username: str, org: str, role: str) -> MxRole:
    pk, sk = MxRole.keys(username, org)
    item = MxRole(pk, sk, username=username, org=org, role=role).index()
    try:
        return store.create(item, conflict="role exists")
    except Conflict:
        existing = store.get(MxRole, pk, sk)
        raise BadRequest(f"User already has a role {existing.role if existing else role} for org {org}, "
                         "please remove existing role first") from None


def remove_role(item: MxRole) -> None:
    store.delete(item)


# ---------------------------------------------------------------- orgs
def get_org(name: str) -> MxOrg | None:
    if not name:
        return None
    return store.get(MxOrg, MxOrg.pk_of(name), "O")


def create_org(name: str, org_type: str, data: dict, creator: str) -> MxOrg:
    """The org and its creator's manager role, in one transaction with the name claim."""
    now = go_time()
    org = MxOrg(MxOrg.pk_of(name), "O", name=name, org_type=org_type, created_at=now, updated_at=now,
                data={"PublicImages": False, "DeleteInProgress": False, "Parent": "", "EdgeboxOnly": False,
                      **data}).index()
    manager = rbac.DEV_MANAGER if org_type == "developer" else rbac.OP_MANAGER
    pk, sk = MxRole.keys(creator, name)
    role = MxRole(pk, sk, username=creator, org=name, role=manager).index()
    def writes(tx):
        tx.save(org, condition=MxOrg.pk.does_not_exist())
        tx.save(store.Unique(f"UNIQUE#{NAME_SCOPE}#{name.lower()}", "U", owner=f"{org.pk}|{org.sk}"),
                condition=store.Unique.pk.does_not_exist())
        tx.save(role, condition=MxRole.pk.does_not_exist())
    try:
        store.transact(writes)
    except store.Cancelled:  # which claim failed decides the message
        if get_org(name) is not None:
            raise BadRequest(f"Organization with name {name} (case-insensitive) already exists") from None
        raise BadRequest("org name cannot be same as existing user name") from None
    return org
