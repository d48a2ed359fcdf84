"""Long-running regional operations (catalog §5.8): create/update/delete of cloudlets, cluster instances
and app instances, run as jobs through the shared Step Functions pattern.

The handler validates, writes the object in its ``*Requested`` state, starts a job and then reads the job
until it ends or the stream budget (``mx_stream_wait_seconds``, under API Gateway's 29 s) is spent. The
worker moves the object through ``Creating`` → ``Ready`` (``Updating``, ``Deleting`` → removed), appending
upstream's progress messages to the job; the HTTP answer is those messages as the NDJSON stream, with the
final ``result`` line when the work failed. If the budget runs out first, the stream ends with the current
state and the work goes on (Show reports it).

Cloudlets are simulated targets (a cluster of the shared targets inventory per cloudlet); a fault set on
that target (``/edgeplane/v1/targets/clusters/<name>/faults``, ``{"apply": "error"}``) makes creates on the
cloudlet fail: the object goes to ``CreateError`` and is undone automatically, as upstream does.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from chalicelib import jobs, targets
from chalicelib.targets import TargetError
from chalicelib.core import clock
from chalicelib.core.config import settings
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.mobiledgex import MxObj
from chalicelib.surfaces.mobiledgex import envelope, regional
from chalicelib.surfaces.mobiledgex.common import SURFACE, rfc3339nano

JOB_KIND = "mx-lifecycle"


@dataclass(frozen=True)
class Operation:
    kind: regional.Kind
    op: str                               # create | update | delete
    steps: tuple[str, ...]                # progress lines the (fake) platform reports, in order
    final: str                            # "Created ClusterInst successfully"
    cloudlet: Callable[[dict], dict]      # the CloudletKey the work runs on (its simulated target)
    on_done: Callable[[MxObj], None] | None = None    # e.g. a cloudlet registers its simulated target
    on_gone: Callable[[MxObj], None] | None = None    # after a delete
    extra_refs: tuple = field(default=())

    @property
    def name(self) -> str:
        return f"{self.kind.name}.{self.op}"


_OPS: dict[str, Operation] = {}

TRANSIENT = {"create": "Creating", "update": "Updating", "delete": "Deleting"}
REQUESTED = {"create": "CreateRequested", "update": "UpdateRequested", "delete": "DeleteRequested"}
ERROR = {"create": "CreateError", "update": "UpdateError", "delete": "DeleteError"}


def register(op: Operation) -> Operation:
    _OPS[op.name] = op
    return op


def target_name(region: str, cloudlet_key: dict) -> str:
    """The simulated target cluster of a cloudlet (shared targets inventory)."""
    org = (cloudlet_key.get("organization") or "").lower()
    name = (cloudlet_key.get("name") or "").lower().replace(" ", "-")
    return f"mx-{region}-{org}-{name}"[:120]


def fault(region: str, cloudlet_key: dict, op: str) -> str | None:
    cluster = targets.get_cluster(target_name(region, cloudlet_key))
    if cluster is None:
        return None
    faults = dict(cluster.faults or {})
    wanted = {"create": "apply", "update": "apply", "delete": "remove"}[op]
    if faults.get(wanted) == "error":
        return f"simulated {wanted} failure on cloudlet {cloudlet_key.get('name', '')}"
    return None


def _set_state(item: MxObj, state: str) -> None:
    data = dict(item.data)
    data["state"] = state
    data["updated_at"] = rfc3339nano()
    item.data = data
    store.save(item)


def start(p: Principal, op_name: str, item: MxObj, *, params: dict | None = None) -> jobs.Job:
    op = _OPS[op_name]
    _set_state(item, REQUESTED[op.op])
    return jobs.start(JOB_KIND, surface=SURFACE, tenant_id=None, actor=p.username,
                      params={"op": op_name, "region": item.region, "key": item.key_str, **(params or {})},
                      resource=f"{op.kind.name}/{item.key_str}")


def answer(job: jobs.Job, *, lead: list[str] | None = None) -> object:
    """Wait for the job within the stream budget; the NDJSON progress stream as the HTTP answer."""
    job = jobs.wait(job.job_id, settings().mx_stream_wait_seconds) or job
    messages = list(lead or []) + list((job.state or {}).get("messages") or [])
    if job.status == "FAILED":
        return envelope.progress(messages, job.error or "failed")
    if job.status != "SUCCEEDED":
        op = _OPS[job.params["op"]]
        messages.append(f"{op.kind.name} {TRANSIENT[op.op].lower()} continues in the background, "
                        f"Show{op.kind.name} reports its state")
    return envelope.progress(messages)


# ---------------------------------------------------------------- the worker
def _item(job) -> MxObj | None:
    op = _OPS[job.params["op"]]
    return store.get(MxObj, MxObj.pk_of(job.params["region"], op.kind.name), job.params["key"])


def _say(job, *lines: str) -> None:
    state = dict(job.state or {})
    state["messages"] = list(state.get("messages") or []) + list(lines)
    job.state = state
    jobs.mark(job, stage=lines[-1][:80] if lines else None)


class LifecycleWorkflow(jobs.Workflow):
    kind = JOB_KIND

    def apply(self, job) -> bool:
        op = _OPS[job.params["op"]]
        item = _item(job)
        if item is None:
            raise LookupError(f"{op.kind.key_label} {job.params['key']} not found")
        _set_state(item, TRANSIENT[op.op])
        _say(job, *op.steps)
        problem = fault(item.region, op.cloudlet(item.data), op.op)
        if problem:
            raise TargetError(f"Encountered failures: {problem}")
        return True  # the simulated platform settles at once; the dispatcher records "applied"

    def finalize(self, job) -> None:
        op = _OPS[job.params["op"]]
        item = _item(job)
        if op.op == "delete":
            if item is not None:
                regional.delete(op.kind, item)
                if op.on_gone:
                    op.on_gone(item)
        elif item is not None:
            data = dict(item.data)
            data.update({"state": "Ready", "updated_at": rfc3339nano(), "errors": []})
            item.data = data
            store.save(item)
            if op.on_done:
                op.on_done(item)
        _say(job, op.final)
        job.result = {"done_at": clock.now_s()}

    def fail(self, job, error: str) -> None:
        op = _OPS[job.params["op"]]
        item = _item(job)
        if item is None:
            return
        data = dict(item.data)
        data.update({"state": ERROR[op.op], "errors": [error], "updated_at": rfc3339nano()})
        item.data = data
        store.save(item)
        if op.op == "create":  # upstream undoes a failed create
            _say(job, f"DELETING {op.kind.name} due to failures")
            regional.delete(op.kind, item)
            if op.on_gone:  # what a removal frees (e.g. a reserved auto cluster) is freed after an undo too
                op.on_gone(item)
        elif op.op == "delete":
            data["state"] = "Ready"
            item.data = data
            store.save(item)


jobs.register(LifecycleWorkflow())
