"""The pipeline run engine (catalog §7 "Pipeline run state machine"): a job workflow over a run record.

  pipelinerun  MS#<t>#pipelinerun / ID#<pipelineRecordId>, parent pipelineOrderId
               data  = the 5.6.4 fields (statusCd "11".."15", stageList[{category, name, sort, statusCd, ...}])
               extra = {attempt, failStage, failsLeft, buildNum, packageId, imageId, projectCode, appName}

``runPipeline`` writes the record (record and stages 11) and starts a job of kind ``msap-pipeline-run`` with the
record's ``attempt``. ``apply`` puts the record at 12 and its first unfinished stage at 12; every ``check`` ends
the running stage — 13 with its artifacts (IMAGE_BUILD → docker image, CODE_BUILD / PACKAGE_PUBLISH → generic
package in S3), or 14 when the simulated builder fails it (``simulate.failStage`` / ``failTimes``), which fails the
record (the stages after it stay 11) — then starts the next stage; after the last stage the record is 13.
``pausePipeline`` (abort) puts the running stage and the record at 15 (stopped, resumable) and the job ends at its
next step; ``retryPipelineJobRun`` takes a 14/15 record back to 12 at that stage under a new attempt and a new job
(an older job still in flight sees another attempt and ends without touching the record).
"""
from __future__ import annotations

import uuid

from chalicelib import jobs
from chalicelib.core.errors import Conflict
from chalicelib.surfaces.msap import objects, service_product

JOB_KIND = "msap-pipeline-run"
RUN = "pipelinerun"

WAITING, RUNNING, SUCCEEDED, FAILED, STOPPED = "11", "12", "13", "14", "15"
ACTIVE = {WAITING, RUNNING}
STATUS_NAMES = {WAITING: "等待执行", RUNNING: "执行中", SUCCEEDED: "执行成功", FAILED: "执行失败", STOPPED: "等待执行"}
PACKAGE_STAGES = {"CODE_BUILD", "PACKAGE_PUBLISH"}
_NS = uuid.UUID("6f1d2c2e-6a43-4f0e-9d7b-6d5c4a1e0b21")


def status_name(code: str) -> str:
    return STATUS_NAMES.get(str(code), "")


def get_record(tenant: str, record_id: str):
    return objects.get(tenant, RUN, record_id)


def stages_in_order(data: dict) -> list[dict]:
    return sorted(data.get("stageList", []), key=lambda s: int(s.get("sort", 0)))


def update_record(tenant: str, record_id: str, change):
    """Read-modify-write under the record's version; ``change(item)`` returns a value or raises; re-run on a
    concurrent write. Returns ``(item, value)`` or ``(None, None)`` when the record is gone."""
    for attempt in range(5):
        item = get_record(tenant, record_id)
        if item is None:
            return None, None
        item.data = dict(item.data)
        item.extra = dict(item.extra or {})
        value = change(item)
        if value is _UNCHANGED:
            return item, value
        item.data["updateTime"] = objects.now_ms_str()
        try:
            objects.save(item)
            return item, value
        except Conflict:
            if attempt == 4:
                raise
    return None, None


_UNCHANGED = object()


def start_job(tenant: str, actor: str, record_id: str, attempt: int):
    return jobs.start(JOB_KIND, surface="msap", tenant_id=tenant, actor=actor,
                      params={"tenant": tenant, "recordId": record_id, "attempt": int(attempt)},
                      resource=f"{RUN}/{record_id}")


def _artifact_id(record_id: str, what: str) -> str:
    return str(uuid.uuid5(_NS, f"{record_id}#{what}"))


def _produce(tenant: str, item, stage: dict) -> None:
    """The stage's output, at its end (deterministic ids: a redelivered step makes nothing twice)."""
    d, x = item.data, item.extra
    category = stage.get("category")
    common = dict(project_id=d.get("projectId", ""), app_id=d.get("appId", ""), app_name=x.get("appName") or "app",
                  version=x.get("version", "1.0.0"), branch=d.get("branchName", ""), staff=d.get("updateStaff") or
                  d.get("createStaff", ""), record_id=item.obj_id)
    if category in PACKAGE_STAGES:
        if x.get("packageId"):
            if category == "PACKAGE_PUBLISH":
                service_product.publish_package(tenant, x["packageId"], common["staff"])
            return
        package_id = _artifact_id(item.obj_id, "package")
        service_product.produce_package(tenant, package_id=package_id, official=category == "PACKAGE_PUBLISH",
                                        **common)
        x["packageId"] = package_id
    elif category == "IMAGE_BUILD":
        if x.get("imageId"):
            return
        image_id = _artifact_id(item.obj_id, "image")
        package = service_product.get_package_data(tenant, x.get("packageId"))
        service_product.produce_image(tenant, image_id=image_id, project_code=x.get("projectCode", "project"),
                                      package_name=(package or {}).get("packageName", ""),
                                      package_ver=(package or {}).get("packageVer", ""), **common)
        x["imageId"] = image_id
    # IMAGE_DEPLOY / MS_IMAGE_DEPLOY: the simulated deployer has nothing to record


def _begin(item) -> bool:
    """Record 12, the first unfinished stage 12 (the others unfinished 11). False when nothing is left."""
    d = item.data
    d["statusCd"] = RUNNING
    d["endTime"] = ""
    started = False
    for s in stages_in_order(d):
        if s["statusCd"] == SUCCEEDED:
            continue
        s["statusCd"] = WAITING if started else RUNNING
        started = True
    return started


def _finish(item, status: str) -> None:
    item.data["statusCd"] = status
    item.data["endTime"] = objects.now_ms_str()


class PipelineRunWorkflow(jobs.Workflow):
    kind = JOB_KIND

    @staticmethod
    def _mine(job, item) -> bool:
        return item is not None and int(item.extra.get("attempt", 0)) == int(job.params["attempt"])

    def apply(self, job) -> bool:
        tenant, record_id = job.params["tenant"], job.params["recordId"]

        def change(item):
            if not self._mine(job, item) or item.data.get("statusCd") not in ACTIVE:
                return _UNCHANGED  # aborted before it started, or superseded by a retry
            if not _begin(item):
                _finish(item, SUCCEEDED)
                return True
            return False
        _, settled = update_record(tenant, record_id, change)
        return True if settled is None or settled is _UNCHANGED else bool(settled)

    def check(self, job) -> bool:
        tenant, record_id = job.params["tenant"], job.params["recordId"]

        def change(item):
            if not self._mine(job, item) or item.data.get("statusCd") != RUNNING:
                return _UNCHANGED  # stopped (15), failed, or a newer attempt owns the record
            stages = stages_in_order(item.data)
            current = next((s for s in stages if s["statusCd"] == RUNNING), None)
            if current is None:
                if not _begin(item):
                    _finish(item, SUCCEEDED)
                    return True
                return False
            x = item.extra
            if x.get("failStage") == current.get("category") and int(x.get("failsLeft", 0)) > 0:
                x["failsLeft"] = int(x["failsLeft"]) - 1
                current["statusCd"] = FAILED
                _finish(item, FAILED)
                return True
            _produce(tenant, item, current)
            current["statusCd"] = SUCCEEDED
            following = [s for s in stages if s["statusCd"] != SUCCEEDED]
            if not following:
                _finish(item, SUCCEEDED)
                return True
            following[0]["statusCd"] = RUNNING
            return False
        _, settled = update_record(tenant, record_id, change)
        return True if settled is None or settled is _UNCHANGED else bool(settled)

    def fail(self, job, error: str) -> None:
        """The job itself failed (timeout, a crash): the running stage and the record fail."""
        tenant, record_id = job.params["tenant"], job.params["recordId"]

        def change(item):
            if not self._mine(job, item) or item.data.get("statusCd") not in ACTIVE:
                return _UNCHANGED
            for s in stages_in_order(item.data):
                if s["statusCd"] == RUNNING:
                    s["statusCd"] = FAILED
                    break
            else:
                first = next((s for s in stages_in_order(item.data) if s["statusCd"] != SUCCEEDED), None)
                if first is not None:
                    first["statusCd"] = FAILED
            item.extra["error"] = (error or "")[:500]
            _finish(item, FAILED)
            return None
        try:
            update_record(tenant, record_id, change)
        except Conflict:
            pass


jobs.register(PipelineRunWorkflow())
