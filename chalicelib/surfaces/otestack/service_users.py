"""ote-stack users, tokens and businesses on the shared identity.

Users are shared accounts (``profile`` holds phone, realName, isAdmin, businessId); a business is a
shared tenant (``attrs`` holds introduce/objective/scale/comment and the ote status 0–3). Approval of a
business moves its applicant in as the business administrator and fans a namespace out to every cluster.
"""
from __future__ import annotations

from chalicelib import audit, jobs, targets

from chalicelib.core.config import settings
from chalicelib.core.errors import Conflict, Forbidden, Invalid, NotFound, Unauthenticated
from chalicelib.core.pagination import take
from chalicelib.identity import accounts
from chalicelib.identity.principal import Principal
from chalicelib.store.base import Counter
from chalicelib.store.models import Account, Tenant
from chalicelib.surfaces.otestack import auth
from chalicelib.surfaces.otestack.auth import role_of

SURFACE = "otestack"
STATUS_TO_ACCOUNT = {0: "pending", 1: "active", 2: "rejected", 3: "disabled"}
ACCOUNT_TO_STATUS = {v: k for k, v in STATUS_TO_ACCOUNT.items()}
BUSINESS_TENANT_STATUS = {0: "pending", 1: "active", 2: "rejected", 3: "deleted"}


# ---------------------------------------------------------------- tokens
def login(user: str, password: str) -> str:
    token, _, acct = accounts.login(user, password, "otestack")
    audit.record(SURFACE, "login", principal=accounts.principal_of(acct))
    return token


def refresh(p: Principal) -> str:
    if p.method != "jwt":
        raise Unauthenticated("only a token can be refreshed")
    token, _ = accounts.refresh(p)
    return token


def logout(p: Principal) -> None:
    accounts.logout(p)
    audit.record(SURFACE, "logout", principal=p)


def authorization_info(p: Principal) -> dict:
    from chalicelib import registry
    has_repo = False
    try:
        has_repo = registry.get_account(auth.scope_of(p).tenant) is not None
    except Forbidden:
        pass
    flags = settings().extra.get("otestack", {})
    return {
        "displayName": p.profile.get("realName") or p.username,
        "hasRepoAccount": has_repo,
        "role": role_of(p),
        "privateProject": bool(flags.get("privateProject", True)),
        "enableIngress": bool(flags.get("enableIngress", False)),
        "enableAlert": bool(flags.get("enableAlert", False)),
        "enableAdminAutoDeploy": settings().otestack_auto_deploy_admin,
    }


# ---------------------------------------------------------------- users
def user_view(a: Account) -> dict:
    return {"id": int(a.num), "user": a.username, "status": ACCOUNT_TO_STATUS.get(a.status, 3),
            "realName": a.profile.get("realName", ""), "phone": a.profile.get("phone", ""),
            "isAdmin": bool(a.profile.get("isAdmin", False)), "createTime": int(a.created_at),
            "updateTime": int(a.updated_at)}


def register(body) -> None:
    accounts.create_account(body.user, body.password, status="pending",
                            profile={"phone": body.phone, "realName": body.realName, "isAdmin": body.isAdmin},
                            unique=[("phone", body.phone)])
    audit.record(SURFACE, "register_user", resource=f"user/{body.user}")


def create_sub_user(p: Principal, body) -> None:
    auth.require_admin(p)
    tenant_id = None if p.system_admin else p.tenant_id
    role = ("admin" if body.isAdmin else "member") if tenant_id else None
    profile = {"phone": body.phone, "realName": body.realName, "isAdmin": body.isAdmin}
    if tenant_id:
        profile["businessId"] = p.profile.get("businessId")
    accounts.create_account(body.user, body.password, status="active", tenant_id=tenant_id, role=role,
                            profile=profile, unique=[("phone", body.phone)])
    audit.record(SURFACE, "create_sub_user", principal=p, resource=f"user/{body.user}")


def change_password(p: Principal, old: str, new: str) -> None:
    acct = accounts.require_account(p.username)
    if not accounts.check_password(acct, old):
        raise Invalid("old password is wrong")
    accounts.set_password(acct, new)
    audit.record(SURFACE, "change_password", principal=p, resource=f"user/{p.username}")


def _managed_user(p: Principal, user_id: int) -> Account:
    """A user the caller administers: anyone for the system administrator, own business for its admins."""
    auth.require_admin(p)
    acct = accounts.get_account_by_num(user_id)
    if acct is None or (not p.system_admin and acct.tenant_id != p.tenant_id):
        raise NotFound("user not found")
    return acct


def delete_user(p: Principal, user_id: int) -> None:
    acct = _managed_user(p, user_id)
    if acct.username == p.username:
        raise Forbidden("you cannot delete yourself")
    if acct.system_admin:
        raise Forbidden("the system administrator cannot be deleted")
    phone = acct.profile.get("phone")
    accounts.delete_account(acct, unique=[("phone", phone)] if phone else [])
    audit.record(SURFACE, "delete_user", principal=p, resource=f"user/{acct.username}")


def reset_password(p: Principal, user_id: int, password: str) -> None:
    acct = _managed_user(p, user_id)
    if acct.system_admin and not p.system_admin:
        raise Forbidden("only the system administrator may reset this password")
    accounts.set_password(acct, password)
    audit.record(SURFACE, "reset_password", principal=p, resource=f"user/{acct.username}")


def audit_user(p: Principal, user_id: int, status: int) -> None:
    auth.require_sysadmin(p)
    acct = accounts.get_account_by_num(user_id)
    if acct is None:
        raise NotFound("user not found")
    if acct.system_admin:
        raise Forbidden("the system administrator cannot be audited")
    acct.status = STATUS_TO_ACCOUNT[status]
    accounts.save_account(acct)
    audit.record(SURFACE, "audit_user", principal=p, resource=f"user/{acct.username}", detail=f"status={status}")


def list_users(p: Principal, q) -> tuple[list[dict], int]:
    auth.require_admin(p)
    window = q.window()
    by_name = q.order_by(("id", "user_name")) == "user_name"
    desc = q.descending("asc")
    if p.system_admin:
        index, key, scope = (Account.gsi3 if by_name else Account.gsi1), "ACCTS", "ACCTS"
    else:
        index = Account.gsi4 if by_name else Account.gsi2
        key = scope = f"TENANT#{p.tenant_id}#ACCTS"
    items, _ = take(index.query(key, scan_index_forward=not desc), window)
    return [user_view(a) for a in items], Counter.value(scope)


# ---------------------------------------------------------------- businesses
def business_view(t: Tenant, full: bool = False) -> dict:
    a = t.attrs or {}
    out = {"id": int(t.num), "name": t.name, "userId": int(a.get("userId", 0)), "comment": a.get("comment", ""),
           "status": int(a.get("status", 0)), "createTime": int(t.created_at), "updateTime": int(t.updated_at)}
    if full:
        out.update(introduce=a.get("introduce", ""), objective=a.get("objective", ""), scale=a.get("scale", ""))
    return out


def create_business(p: Principal, body) -> None:
    if p.system_admin or p.tenant_id or not p.profile.get("isAdmin"):
        raise Forbidden("only an administrator without a business may apply for one")
    for t in Tenant.gsi2.query(f"TENANTS#{SURFACE}#OWNER#{p.username}"):
        if int((t.attrs or {}).get("status", 0)) in (0, 1):
            raise Conflict("you have already applied for a business")
    accounts.create_tenant(SURFACE, body.name, owner=p.username, status="pending",
                           attrs={"status": 0, "introduce": body.introduce, "objective": body.objective,
                                  "scale": body.scale, "comment": "", "userId": p.num})
    audit.record(SURFACE, "create_business", principal=p, resource=f"business/{body.name}")


def _visible_business(p: Principal, business_id: int) -> Tenant:
    t = accounts.get_tenant_by_num(SURFACE, business_id)
    if t is None or not (p.system_admin or t.owner == p.username or t.tenant_id == p.tenant_id):
        raise NotFound("business not found")
    return t


def get_business(p: Principal, business_id: int) -> dict:
    return business_view(_visible_business(p, business_id), full=True)


def list_businesses(p: Principal, q) -> tuple[list[dict], int]:
    q.order_by(("id",))
    window = q.window()
    desc = q.descending("asc")
    match = (lambda t: q.name in t.name) if q.name else None
    if p.system_admin:
        results = Tenant.gsi1.query(f"TENANTS#{SURFACE}", scan_index_forward=not desc)
    else:
        own = {}
        for t in Tenant.gsi2.query(f"TENANTS#{SURFACE}#OWNER#{p.username}"):
            own[t.tenant_id] = t
        if p.tenant_id and p.tenant_id not in own:
            t = accounts.get_tenant(p.tenant_id)
            if t is not None:
                own[t.tenant_id] = t
        results = sorted(own.values(), key=lambda t: int(t.num), reverse=desc)
    if match is None and p.system_admin:
        items, _ = take(results, window)
        return [business_view(t) for t in items], Counter.value(f"TENANTS#{SURFACE}")
    items, seen = take(results, type(window)(window.offset, None), match)
    rows = items[: window.limit] if window.limit is not None else items
    return [business_view(t) for t in rows], seen


def audit_business(p: Principal, business_id: int, status: int, comment: str) -> dict:
    auth.require_sysadmin(p)
    t = accounts.get_tenant_by_num(SURFACE, business_id)
    if t is None:
        raise NotFound("business not found")
    current = int((t.attrs or {}).get("status", 0))
    if current == 1:
        raise Conflict("the business has already been approved")
    if current == 3:
        raise Conflict("the business has been deleted")
    owner = accounts.get_account(t.owner) if t.owner else None
    if status == 1 and (owner is None or owner.tenant_id):
        raise Conflict("the applicant no longer exists or already belongs to a business")
    t.attrs = dict(t.attrs or {}, status=status, comment=comment)
    t.status = BUSINESS_TENANT_STATUS[status]
    accounts.save_tenant(t)
    job = None
    if status == 1:
        owner.profile = dict(owner.profile or {}, businessId=int(t.num))
        accounts.move_account(owner, t.tenant_id, "admin")
        job = jobs.start("otestack.namespace", surface=SURFACE, tenant_id=t.tenant_id, actor=p.username,
                         params={"namespace": f"ns{int(t.num)}"}, resource=f"business/{int(t.num)}")
    audit.record(SURFACE, "audit_business", principal=p, resource=f"business/{int(t.num)}",
                 tenant_id=t.tenant_id, detail=f"status={status}")
    return {"jobId": job.job_id} if job else {}


class NamespaceFanOut(jobs.Workflow):
    """Approval of a business: namespace ``ns<id>`` on every cluster (unready ones are reported)."""
    kind = "otestack.namespace"

    def apply(self, job) -> bool:
        ns = job.params["namespace"]
        results = {}
        for c in targets.list_clusters():
            try:
                targets.driver_for(c).ensure_namespace(c, ns)
                results[c.name] = "created"
            except targets.TargetError as exc:
                results[c.name] = f"failed: {exc}"
        job.refresh()
        job.result = {"namespace": ns, "clusters": results}
        job.save()
        t = accounts.get_tenant(job.tenant_id)
        if t is not None:
            t.attrs = dict(t.attrs or {}, namespace=ns, namespaceClusters=results)
            accounts.save_tenant(t)
        return True


jobs.register(NamespaceFanOut())
