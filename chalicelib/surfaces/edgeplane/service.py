"""edgeplane's own API: login for surfaces without one, accounts, API keys, jobs, audit, targets."""
from __future__ import annotations

from chalicelib import audit, jobs, outbox, registry, targets
from chalicelib.core import clock
from chalicelib.core.errors import Forbidden
from chalicelib.identity import accounts
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.models import Account, Cluster, Node

SURFACE = "edgeplane"


def require_admin(p: Principal) -> None:
    if not p.system_admin:
        raise Forbidden("system administrator only")


def user_view(a: Account) -> dict:
    return {"username": a.username, "id": int(a.num), "status": a.status, "systemAdmin": bool(a.system_admin),
            "tenant": a.tenant_id, "role": a.role, "createdAt": int(a.created_at), "updatedAt": int(a.updated_at)}


def login(username: str, password: str) -> dict:
    token, exp, acct = accounts.login(username, password, "edgeplane")
    audit.record(SURFACE, "login", principal=accounts.principal_of(acct))
    return {"token": token, "expires_at": exp}


def create_user(p: Principal, username: str, password: str, system_admin: bool) -> dict:
    require_admin(p)
    acct = accounts.create_account(username, password, system_admin=system_admin, role="admin" if system_admin else None)
    audit.record(SURFACE, "create_user", principal=p, resource=f"user/{username}")
    return user_view(acct)


def list_users(p: Principal, limit: int, token: str | None) -> dict:
    require_admin(p)
    from chalicelib.core.pagination import cursor_page
    page = cursor_page(lambda **kw: Account.gsi3.query("ACCTS", **kw), limit, token)
    return {"users": [user_view(a) for a in page.items], "next": page.next_token}


def get_user(p: Principal, username: str) -> dict:
    if not p.system_admin and p.username != username:
        raise Forbidden("system administrator only")
    return user_view(accounts.require_account(username))


def update_user(p: Principal, username: str, status: str | None, password: str | None) -> dict:
    require_admin(p)
    acct = accounts.require_account(username)
    if status:
        acct.status = status
    if password:
        acct.password_hash = accounts.passwords.hash_password(password)
    accounts.save_account(acct)
    audit.record(SURFACE, "update_user", principal=p, resource=f"user/{username}")
    return user_view(acct)


def delete_user(p: Principal, username: str) -> None:
    require_admin(p)
    if username == p.username:
        raise Forbidden("you cannot delete yourself")
    accounts.delete_account(accounts.require_account(username))
    audit.record(SURFACE, "delete_user", principal=p, resource=f"user/{username}")


def create_key(p: Principal, username: str, name: str) -> dict:
    if not p.system_admin and p.username != username:
        raise Forbidden("you may only manage your own keys")
    item, raw = accounts.create_api_key(username, name)
    audit.record(SURFACE, "create_api_key", principal=p, resource=f"user/{username}/keys/{item.key_id}")
    return {"id": item.key_id, "name": item.name, "key": raw, "createdAt": int(item.created_at)}


def list_keys(p: Principal, username: str) -> dict:
    if not p.system_admin and p.username != username:
        raise Forbidden("you may only manage your own keys")
    return {"keys": [{"id": k.key_id, "name": k.name, "createdAt": int(k.created_at)}
                     for k in accounts.list_api_keys(username)]}


def delete_key(p: Principal, username: str, key_id: str) -> None:
    if not p.system_admin and p.username != username:
        raise Forbidden("you may only manage your own keys")
    accounts.delete_api_key(username, key_id)
    audit.record(SURFACE, "delete_api_key", principal=p, resource=f"user/{username}/keys/{key_id}")


def list_jobs(p: Principal, limit: int, token: str | None) -> dict:
    page = jobs.page(tenant_id=None if p.system_admin else (p.tenant_id or "-"), limit=limit, token=token)
    return {"jobs": [jobs.as_dict(j) for j in page.items], "next": page.next_token}


def get_job(p: Principal, job_id: str) -> dict:
    job = jobs.require(job_id, None if p.system_admin else (p.tenant_id or "-"))
    return jobs.as_dict(job)


def list_audit(p: Principal, limit: int, token: str | None, tenant: str | None) -> dict:
    require_admin(p)
    page = audit.page(tenant_id=tenant, limit=limit, token=token)
    return {"events": [audit.as_dict(e) for e in page.items], "next": page.next_token}


def list_outbox(p: Principal, limit: int, token: str | None, to: str | None) -> dict:
    """The mails edgeplane would have sent (verification and reset links): administrators only."""
    require_admin(p)
    page = outbox.page(limit=limit, token=token, to=to)
    return {"mails": [outbox.as_dict(m) for m in page.items], "next": page.next_token}


def cluster_view(c: Cluster, nodes: list[Node] | None = None) -> dict:
    out = {"name": c.name, "driver": c.driver, "ready": bool(c.ready), "labels": list(c.labels or []),
           "namespaces": list(c.namespaces or []), "faults": dict(c.faults or {})}
    if nodes is not None:
        out["nodes"] = [{"name": n.name, "ready": bool(n.ready), "labels": list(n.labels or []), **dict(n.attrs or {})}
                        for n in nodes]
    return out


def list_clusters(p: Principal) -> dict:
    require_admin(p)
    return {"clusters": [cluster_view(c) for c in targets.list_clusters()]}


def get_cluster(p: Principal, name: str) -> dict:
    require_admin(p)
    return cluster_view(targets.require_cluster(name), targets.list_nodes(name))


def register_cluster(p: Principal, body) -> dict:
    require_admin(p)
    c = targets.register_cluster(body.name, labels=body.labels, driver=body.driver, ready=body.ready)
    audit.record(SURFACE, "register_cluster", principal=p, resource=f"cluster/{body.name}")
    return cluster_view(c, [])


def register_node(p: Principal, cluster: str, body) -> dict:
    require_admin(p)
    attrs = body.model_dump(exclude={"name", "labels", "ready"})
    n = targets.register_node(cluster, body.name, labels=body.labels, ready=body.ready, attrs=attrs)
    audit.record(SURFACE, "register_node", principal=p, resource=f"cluster/{cluster}/node/{body.name}")
    return {"name": n.name, "cluster": n.cluster, "ready": bool(n.ready), "labels": list(n.labels or []), **attrs}


def set_faults(p: Principal, cluster: str, faults: dict) -> dict:
    require_admin(p)
    c = targets.set_faults(cluster, faults)
    audit.record(SURFACE, "set_faults", principal=p, resource=f"cluster/{cluster}", detail=str(faults))
    return cluster_view(c)


def set_ready(p: Principal, cluster: str, ready: bool, node: str | None) -> dict:
    require_admin(p)
    targets.set_ready(cluster, ready, node)
    audit.record(SURFACE, "set_ready", principal=p, resource=f"cluster/{cluster}" + (f"/node/{node}" if node else ""))
    return cluster_view(targets.require_cluster(cluster), targets.list_nodes(cluster))


def push_image(p: Principal, body) -> dict:
    """Stand-in for ``docker push``: administrators, or members pushing into their own scope."""
    if not p.system_admin and body.namespace != (p.tenant_id or ""):
        raise Forbidden("you may only push into your own namespace")
    t = registry.push(body.namespace, body.project, body.image, body.tag)
    audit.record(SURFACE, "registry_push", principal=p, resource=f"registry/{body.namespace}/{t.image}:{t.tag}")
    return {"image": t.image, "tag": t.tag, "digest": t.digest, "pushedAt": clock.now_s()}


def health() -> dict:
    ok = True
    try:
        store.get(Account, "HEALTH#probe", "A")
    except Exception:
        ok = False
    return {"status": "ok" if ok else "degraded", "store": ok, "time": clock.iso()}


