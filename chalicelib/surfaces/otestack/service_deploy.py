"""ote-stack Deployment Management: audited operations run as jobs on the targets.

Every operation (1 new, 2 upgrade, 3 rollback, 4 delete) is an audit record (``OteDeployOp``). A
general user's operation waits for an administrator (status 0); an administrator's runs at once when
``enableAdminAutoDeploy`` is on. Approval starts the ``otestack.deploy`` job: the deployment moves
1 Approved → 3 Processing → 4 Deploying → 5 Success / 6 Partial success / 7 Failed, 8 Internal error,
or 9 Deleted; ``editable`` is false while an operation is pending or running.
"""
from __future__ import annotations

import json

from chalicelib import audit, jobs, targets
from chalicelib.core import clock, ids
from chalicelib.core.config import settings
from chalicelib.core.errors import Conflict, Invalid, NotFound, Unavailable
from chalicelib.core.logging import logger
from chalicelib.core.pagination import page_window, take
from chalicelib.identity import accounts
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.base import Counter
from chalicelib.store.otestack import OteApp, OteDeployment, OteDeployOp, ote_pk
from chalicelib.surfaces.otestack import auth, service_apps
from chalicelib.surfaces.otestack.common import name_matcher

SURFACE = "otestack"
NEW, UPGRADE, ROLLBACK, DELETE = 1, 2, 3, 4
PENDING, APPROVED, DISAPPROVED, PROCESSING, DEPLOYING, SUCCESS, PARTIAL, FAILED, INTERNAL, DELETED = range(10)
ACTIVE = {PENDING, APPROVED, PROCESSING, DEPLOYING}


def _counts(running: int = 0, error: int = 0, total: int = 0, **extra) -> str:
    return json.dumps({"running": running, "error": error, "total": total, **extra}, separators=(",", ":"))


def deploy_view(d: OteDeployment) -> dict:
    return {"id": int(d.deploy_id), "deployName": d.deploy_name, "appName": d.app_name, "version": d.version,
            "cluster": d.cluster, "nodeLabel": d.node_label, "comment": d.comment, "deployType": int(d.deploy_type),
            "status": int(d.status), "createTime": int(d.created_at), "updateTime": int(d.updated_at),
            "editable": bool(d.editable), "running": bool(d.running), "errorMessage": d.error_message or _counts(),
            "auditComment": d.audit_comment}


def op_view(o: OteDeployOp) -> dict:
    return {"id": int(o.op_id), "businessName": o.business_name, "appName": o.app_name, "version": o.version,
            "cluster": o.cluster, "deployId": int(o.deploy_id), "deployType": int(o.deploy_type),
            "status": int(o.status), "comment": o.comment, "createTime": int(o.created_at),
            "updateTime": int(o.updated_at)}


def _business_name(scope) -> str:
    if scope.all_tenants:
        return auth.SYSTEM_NAMESPACE
    t = accounts.get_tenant(scope.tenant)
    return t.name if t else ""


def _save(d: OteDeployment) -> OteDeployment:
    d.updated_at = clock.now_s()
    d.index()
    return store.save(d, conflict="the deployment was changed concurrently, retry")


# ---------------------------------------------------------------- lookups
def _by_id(p: Principal, deploy_id: int) -> OteDeployment:
    d = auth.in_scope(OteDeployment.gsi1, OteDeployment.gsi1sk, "OTEDEPLOY", deploy_id, auth.scope_of(p))
    if d is None:
        raise NotFound(f"deployment {deploy_id} not found")
    return d


def _by_name(p: Principal, name: str) -> OteDeployment:
    scope = auth.scope_of(p)
    for d in OteDeployment.gsi2.query(f"TENANT#{scope.tenant}#OTEDEPLOYNAME", OteDeployment.gsi2sk == name):
        if d.status != DELETED:
            return d
    raise NotFound(f"deployment {name} not found")


def get_deploy(p: Principal, deploy_id: int, field: str | None) -> dict:
    d = _by_id(p, deploy_id)
    out = deploy_view(d)
    if field and "historyVersion" in field.split(","):
        out["historyVersion"] = list(d.history or [])
    return out


def list_deploys(p: Principal, q) -> tuple[list[dict], int]:
    scope = auth.scope_of(p)
    window = page_window(q.page, q.pageSize, default_size=10, zero_means_all=True)
    match = name_matcher(q.appName, q.appNameMode)
    editable = {"true": True, "false": False}.get(q.editable or "all")
    running = True if q.running == "true" else None

    def pred(d):
        return ((match is None or match(d.app_name)) and (editable is None or bool(d.editable) == editable)
                and (running is None or bool(d.running)))

    if scope.all_tenants:
        results = OteDeployment.gsi1.query("OTEDEPLOY")
    else:
        results = OteDeployment.query(ote_pk(scope.tenant), OteDeployment.sk.startswith("DEPLOY#"))
    rows, seen = take(results, type(window)(window.offset, None), pred)
    rows = rows[: window.limit] if window.limit is not None else rows
    return [deploy_view(d) for d in rows], seen


def list_audits(p: Principal, q) -> tuple[list[dict], int]:
    auth.require_admin(p)
    q.order_by(("id",))
    scope = auth.scope_of(p)
    window = q.window()
    desc = q.descending("desc")
    if scope.all_tenants:
        results, total_key = OteDeployOp.gsi2.query("OTEOPS", scan_index_forward=not desc), "OTEOPS"
    else:
        results = OteDeployOp.query(ote_pk(scope.tenant), OteDeployOp.sk.startswith("OP#"), scan_index_forward=not desc)
        total_key = f"TENANT#{scope.tenant}#OTEOPS"
    if not q.businessName:
        rows, _ = take(results, window)
        return [op_view(o) for o in rows], Counter.value(total_key)
    rows, seen = take(results, type(window)(window.offset, None), lambda o: q.businessName in o.business_name)
    rows = rows[: window.limit] if window.limit is not None else rows
    return [op_view(o) for o in rows], seen


# ---------------------------------------------------------------- operations
def _new_op(p: Principal, d: OteDeployment, deploy_type: int, version: str, comment: str) -> OteDeployOp:
    now = clock.now_s()
    op_id = ids.next_int("ote-op")
    op = OteDeployOp(ote_pk(d.tenant), f"OP#{ids.pad(op_id)}", tenant=d.tenant, op_id=op_id, deploy_id=d.deploy_id,
                     business_name=d.business_name, app_name=d.app_name, version=version, cluster=d.cluster,
                     deploy_type=deploy_type, status=0, comment=comment, requested_by=p.username, created_at=now,
                     updated_at=now)
    op.index()
    return store.create(op, counters=[f"TENANT#{d.tenant}#OTEOPS", "OTEOPS"])


def _submit(p: Principal, d: OteDeployment, op: OteDeployOp) -> dict:
    """Auto-approve an administrator's operation when the platform allows it; else wait for audit."""
    if auth.is_admin(p) and settings().otestack_auto_deploy_admin:
        return _approve(p, op, d, "auto-approved (enableAdminAutoDeploy)")
    return {"auditId": int(op.op_id)}


def _approve(p: Principal, op: OteDeployOp, d: OteDeployment, comment: str) -> dict:
    op.status, op.audit_comment, op.audited_by, op.updated_at = APPROVED, comment, p.username, clock.now_s()
    d.status, d.audit_comment, d.editable = APPROVED, comment, False
    _save(d)
    job = jobs.start("otestack.deploy", surface=SURFACE, tenant_id=d.tenant, actor=op.requested_by,
                     params={"deploy_pk": d.pk, "deploy_sk": d.sk, "op_pk": op.pk, "op_sk": op.sk},
                     resource=f"deploy/{int(d.deploy_id)}")
    op.job_id = job.job_id
    store.save(op)
    return {"auditId": int(op.op_id), "jobId": job.job_id}


def _check_placement(cluster_label: str, node_label: str) -> None:
    if cluster_label != "all" and not targets.clusters_with_label(cluster_label):
        raise Invalid(f"no cluster carries the label {cluster_label}")
    if node_label != "all" and not targets.nodes_with_label(node_label):
        raise Invalid(f"no node carries the label {node_label}")


def create_deploy(p: Principal, body) -> dict:
    scope = auth.scope_of(p)
    app = service_apps.find_version(scope.tenant, body.appName, body.version)
    if app is None:
        raise NotFound(f"application {body.appName} version {body.version} not found")
    _check_placement(body.cluster, body.nodeLabel)
    now = clock.now_s()
    deploy_id = ids.next_int("ote-deploy")
    d = OteDeployment(ote_pk(scope.tenant), f"DEPLOY#{ids.pad(deploy_id)}", tenant=scope.tenant, deploy_id=deploy_id,
                      business_name=_business_name(scope), namespace=scope.namespace, deploy_name=body.deployName,
                      app_name=body.appName, version=body.version, cluster=body.cluster, node_label=body.nodeLabel,
                      comment=body.comment, deploy_type=NEW, status=PENDING, editable=False, running=False,
                      error_message=_counts(), history=[], results={}, created_at=now, updated_at=now)
    d.index()
    unique, counters = [(f"ote-deploy:{scope.tenant}", body.deployName)], [f"TENANT#{scope.tenant}#OTEDEPLOYS"]
    store.create(d, unique=unique, counters=counters, conflict=f"deployment {body.deployName} already exists")
    op = None
    try:
        op = _new_op(p, d, NEW, body.version, body.comment)
        d.last_op = op.op_id
        _save(d)
        submitted = _submit(p, d, op)
    except Unavailable:
        _undo_create(d, op, unique, counters)  # the client is told to retry: leave no half-created deployment
        raise
    audit.record(SURFACE, "create_deploy", principal=p, resource=f"deploy/{deploy_id}", tenant_id=scope.tenant)
    return {"id": deploy_id, **submitted}


def _undo_create(d: OteDeployment, op: OteDeployOp | None, unique, counters) -> None:
    """Best effort: remove a deployment (and its audit record) whose creation failed half-way."""
    try:
        if op is not None:
            store.delete(op, counters=[f"TENANT#{d.tenant}#OTEOPS", "OTEOPS"])
        store.delete(d, unique=unique, counters=counters)
    except Exception:
        logger.exception("could not undo a half-created deployment", extra={"deploy": int(d.deploy_id)})


def _editable(d: OteDeployment) -> None:
    if d.status == DELETED:
        raise NotFound(f"deployment {d.deploy_id} has been deleted")
    if not d.editable:
        raise Conflict(f"deployment {d.deploy_name} is not editable while an operation is pending or running")


def upgrade(p: Principal, deploy_id: int, version: str, comment: str) -> dict:
    d = _by_id(p, deploy_id)
    _editable(d)
    if service_apps.find_version(d.tenant, d.app_name, version) is None:
        raise NotFound(f"application {d.app_name} version {version} not found")
    if version == d.current_version:
        raise Invalid(f"deployment {d.deploy_name} already runs version {version}")
    return _operate(p, d, UPGRADE, version, comment)


def rollback(p: Principal, deploy_id: int, version: str, comment: str) -> dict:
    d = _by_id(p, deploy_id)
    _editable(d)
    if version not in (d.history or []) or version == d.current_version:
        raise Invalid(f"version {version} is not a previous version of deployment {d.deploy_name}")
    if service_apps.find_version(d.tenant, d.app_name, version) is None:
        raise NotFound(f"application {d.app_name} version {version} no longer exists")
    return _operate(p, d, ROLLBACK, version, comment)


def delete_by_id(p: Principal, deploy_id: int) -> dict:
    d = _by_id(p, deploy_id)
    _editable(d)
    return _operate(p, d, DELETE, d.current_version or d.version, "delete")


def delete_by_name(p: Principal, name: str) -> dict:
    d = _by_name(p, name)
    _editable(d)
    return _operate(p, d, DELETE, d.current_version or d.version, "delete")


def _operate(p: Principal, d: OteDeployment, deploy_type: int, version: str, comment: str) -> dict:
    op = _new_op(p, d, deploy_type, version, comment)
    d.deploy_type, d.status, d.editable, d.last_op = deploy_type, PENDING, False, op.op_id
    if deploy_type in (UPGRADE, ROLLBACK):
        d.version = version
    d.comment = comment or d.comment
    _save(d)
    audit.record(SURFACE, {UPGRADE: "upgrade_deploy", ROLLBACK: "rollback_deploy", DELETE: "delete_deploy"}[deploy_type],
                 principal=p, resource=f"deploy/{int(d.deploy_id)}", tenant_id=d.tenant)
    return {"id": int(d.deploy_id), **_submit(p, d, op)}


def audit_deploy(p: Principal, op_id: int, status: int, comment: str) -> dict:
    auth.require_admin(p)
    op = auth.in_scope(OteDeployOp.gsi1, OteDeployOp.gsi1sk, "OTEOP", op_id, auth.scope_of(p))
    if op is None:
        raise NotFound(f"audit record {op_id} not found")
    if op.status != PENDING:
        raise Conflict(f"audit record {op_id} has already been audited")
    d = store.get(OteDeployment, op.pk, f"DEPLOY#{ids.pad(op.deploy_id)}")
    if d is None or d.last_op != op.op_id:
        raise Conflict("the deployment has moved on; this request is stale")
    audit.record(SURFACE, "audit_deploy", principal=p, resource=f"deploy/{int(d.deploy_id)}", tenant_id=d.tenant,
                 detail=f"status={status}")
    if status == APPROVED:
        return _approve(p, op, d, comment)
    op.status, op.audit_comment, op.audited_by, op.updated_at = DISAPPROVED, comment, p.username, clock.now_s()
    store.save(op)
    d.status, d.audit_comment, d.editable = DISAPPROVED, comment, True
    if d.deploy_type in (UPGRADE, ROLLBACK) and d.current_version:
        d.version = d.current_version
    _save(d)
    return {"auditId": int(op.op_id)}


# ---------------------------------------------------------------- node labels (called by inventory)
def deployments_using_node_label(p: Principal, label: str, cluster: str) -> list[OteDeployment]:
    scope = auth.scope_of(p)
    out = []
    for d in OteDeployment.gsi3.query(f"OTE#NLABEL#{label}"):
        if not (scope.all_tenants or d.tenant == scope.tenant):
            continue
        if cluster in (d.results or {}) or d.status in ACTIVE:
            out.append(d)
    return out


def delete_for_label(p: Principal, d: OteDeployment) -> int:
    """Tear down a deployment because its node label is going away (an administrator's decision)."""
    if d.status in ACTIVE:
        raise Conflict(f"deployment {d.deploy_name} has an operation in progress; retry later")
    op = _new_op(p, d, DELETE, d.current_version or d.version, f"node label {d.node_label} removed")
    d.deploy_type, d.status, d.editable, d.last_op = DELETE, PENDING, False, op.op_id
    _save(d)
    _approve(p, op, d, "deleted with its node label")
    return int(d.deploy_id)


# ---------------------------------------------------------------- the job
class DeployWorkflow(jobs.Workflow):
    kind = "otestack.deploy"

    def _load(self, job):
        d = store.get(OteDeployment, job.params["deploy_pk"], job.params["deploy_sk"])
        op = store.get(OteDeployOp, job.params["op_pk"], job.params["op_sk"])
        if d is None or op is None:
            raise LookupError("deployment or audit record vanished")
        return d, op

    @staticmethod
    def _stale(d: OteDeployment, op: OteDeployOp) -> bool:
        """A job whose operation is no longer the deployment's latest must not touch it."""
        return d.last_op is not None and int(d.last_op) != int(op.op_id)

    def apply(self, job) -> bool:
        d, op = self._load(job)
        if self._stale(d, op):
            raise LookupError("the deployment has a newer operation")
        d.status = PROCESSING
        _save(d)
        results: dict = {}
        if op.deploy_type == DELETE:
            for name in list((d.results or {}).keys()) or targets.clusters_with_label(d.cluster):
                c = targets.get_cluster(name)
                if c is None:
                    continue
                try:
                    targets.driver_for(c).remove(c, d.namespace, d.deploy_name)
                    results[name] = {"phase": "Deleted", "desired": 0, "running": 0, "failed": 0}
                except targets.TargetError as exc:
                    results[name] = {"phase": "Error", "desired": 0, "running": 0, "failed": 1, "message": str(exc)}
            d.refresh()
            d.results = results
            _save(d)
            return True
        app = service_apps.find_version(d.tenant, d.app_name, op.version)
        if app is None:
            raise LookupError(f"application {d.app_name} {op.version} no longer exists")
        spec = self._spec(app, d)
        for name, nodes in targets.placement(d.cluster, d.node_label).items():
            c = targets.get_cluster(name)
            try:
                targets.driver_for(c).ensure_namespace(c, d.namespace)
                st = targets.driver_for(c).apply(c, d.namespace, d.deploy_name, spec, nodes)
                results[name] = {"phase": st.phase, "desired": st.desired, "running": st.running, "failed": st.failed}
            except targets.TargetError as exc:
                desired = len(nodes) if spec["kind"] == "daemonset" else int(spec.get("replicas", 1))
                results[name] = {"phase": "Error", "desired": desired, "running": 0, "failed": desired,
                                 "message": str(exc)}
        d.refresh()
        d.status, d.results = DEPLOYING, results
        _save(d)
        return all(r["phase"] in ("Error", "Running", "Degraded", "Failed") for r in results.values())

    @staticmethod
    def _spec(app: OteApp, d: OteDeployment) -> dict:
        s = dict(app.spec or {})
        kind = "helm" if app.chart_key else s.get("deployType", "deployment")
        return {"kind": "daemonset" if kind == "daemonset" else kind, "image": s.get("image", ""),
                "replicas": int(s.get("replicas") or 1), "version": app.version, "app": app.name,
                "ports": s.get("port", []), "env": s.get("env", []), "chart": app.chart_key,
                "nodeLabel": d.node_label}

    def check(self, job) -> bool:
        d, op = self._load(job)
        results = dict(d.results or {})
        done = True
        for name, r in results.items():
            if r["phase"] in ("Error", "Deleted", "Running", "Degraded", "Failed"):
                continue
            c = targets.get_cluster(name)
            st = targets.driver_for(c).status(c, d.namespace, d.deploy_name)
            results[name] = {"phase": st.phase, "desired": st.desired, "running": st.running, "failed": st.failed,
                             "message": st.message}
            done = done and st.settled
        d.refresh()
        d.results = results
        _save(d)
        return done

    def finalize(self, job) -> None:
        d, op = self._load(job)
        results = d.results or {}
        running = sum(int(r.get("running", 0)) for r in results.values())
        error = sum(int(r.get("failed", 0)) for r in results.values())
        total = sum(int(r.get("desired", 0)) for r in results.values())
        if op.deploy_type == DELETE:
            if error:
                d.status, d.editable = FAILED, True
                d.error_message = _counts(running, error, total, reason="uninstall failed on some clusters")
            else:
                d.status, d.editable, d.running = DELETED, False, False
                d.error_message = _counts(0, 0, 0)
                self._release_name(d)
        else:
            if total == 0:
                d.status, reason = FAILED, "no cluster matched the placement"
            elif running == total:
                d.status, reason = SUCCESS, None
            elif running > 0:
                d.status, reason = PARTIAL, None
            else:
                d.status, reason = FAILED, "no pod is running"
            extra = {"reason": reason} if reason else {}
            d.error_message = _counts(running, error, total, **extra)
            d.running = running > 0
            if running > 0:
                d.current_version = op.version
                d.version = op.version
                if op.version not in (d.history or []):
                    d.history = list(d.history or []) + [op.version]
            d.editable = True
        _save(d)
        job.refresh()
        job.result = {"status": int(d.status), "errorMessage": d.error_message, "clusters": results}
        store.save(job)
        if d.status == FAILED:
            raise targets.TargetError(json.loads(d.error_message).get("reason") or "deployment failed")

    @staticmethod
    def _release_name(d: OteDeployment) -> None:
        from chalicelib.store.base import Unique
        try:
            Unique(f"UNIQUE#ote-deploy:{d.tenant}#{d.deploy_name}", "U").delete()
        except Exception:
            pass

    def fail(self, job, error: str) -> None:
        d, op = self._load(job)
        if self._stale(d, op) or d.status in (SUCCESS, PARTIAL, FAILED, DELETED):
            return  # finalize already recorded the documented outcome
        known = not error.startswith("internal error")
        d.status = FAILED if known else INTERNAL
        results = d.results or {}
        d.error_message = _counts(sum(int(r.get("running", 0)) for r in results.values()),
                                  sum(int(r.get("failed", 0)) for r in results.values()),
                                  sum(int(r.get("desired", 0)) for r in results.values()), reason=error)
        d.running = any(int(r.get("running", 0)) for r in results.values()) or bool(d.running and op.deploy_type == DELETE)
        d.editable = True
        _save(d)


jobs.register(DeployWorkflow())
