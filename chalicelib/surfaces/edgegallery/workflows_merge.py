"""Chunked-upload merges as jobs: container image (2.7), VM image (28.11), file into a VM (22.5).

A multi-GB merge outlasts API Gateway's 29 s, so each merge endpoint only checks what is cheap (ownership,
names, that chunks 1..N exist), moves the resource to its merging status, starts one of these jobs and answers
at once. ``apply`` assembles the chunks with S3 multipart copy (:func:`chalicelib.blobs.chunked.merge`, flat
memory) and checks the content; ``finalize`` records the result; ``fail`` (also the reaper's) marks the
resource UPLOAD_FAILED. Steps are idempotent because SQS delivers at least once: the merge result is kept in
the job's state *before* the chunks are deleted, so a redelivered step reuses it instead of finding no chunks,
and a registry push is recorded the same way so it is not repeated.
"""
from __future__ import annotations

from chalicelib import jobs
from chalicelib.blobs import chunked
from chalicelib.core.errors import BadRequest, Conflict
from chalicelib.store import base as store
from chalicelib.surfaces.edgegallery import service_containerimages as cimages
from chalicelib.surfaces.edgegallery import service_vmimages as vmimages
from chalicelib.surfaces.edgegallery import workflows_vm


def remember(job, **values) -> None:
    """Add ``values`` to the job's state (re-read and retried when the job was written meanwhile)."""
    for _ in range(5):
        job.state = dict(job.state or {}, **values)
        try:
            store.save(job)
            return
        except Conflict:
            job.refresh()
    raise Conflict("the job was changed concurrently")


def merged(job) -> dict:
    """Merge the job's chunk session into its key once: ``{size, sha256, format}``, then drop the chunks."""
    done = (job.state or {}).get("merged")
    if done is None:
        out = chunked.merge(job.params["session"], job.params["key"], delete_chunks=False)
        done = {"size": out["size"], "sha256": out["sha256"], "format": chunked.detect_format(out["head"])}
        remember(job, merged=done)
    chunked.cancel(job.params["session"])
    return done


class ContainerImageMerge(jobs.Workflow):
    """apply: merge, check it is an image tar (manifest RepoTags); finalize: push, record UPLOAD_SUCCEED."""
    kind = cimages.MERGE_JOB

    def apply(self, job) -> bool:
        state = job.state or {}
        if state.get("invalid"):  # redelivered after the content was refused (and deleted)
            raise BadRequest(state["invalid"], code=20024)
        info = merged(job)
        if "ref" not in state:
            try:
                name, tag = cimages.merged_ref(job.params["key"], int(info["size"]), info["format"])
            except BadRequest as exc:
                remember(job, invalid=exc.message)
                raise
            remember(job, ref=[name, tag])
        return True

    def finalize(self, job) -> None:
        prm, state = job.params, job.state or {}
        name, tag = state["ref"]
        project = state.get("project")
        if project is None:
            project = cimages.push(prm["user_id"], name, tag)
            remember(job, project=project)
        cimages.record_merge(prm, state["merged"], name, tag, project)

    def fail(self, job, error: str) -> None:
        cimages.merge_failed(job.params.get("image_id", ""), job.params.get("guid", ""))


class VmImageMerge(jobs.Workflow):
    """apply: merge, check the qcow2/iso magic; finalize: PUBLISHED (upstream's success status)."""
    kind = vmimages.MERGE_JOB

    def apply(self, job) -> bool:
        vmimages.check_merged(job.params, merged(job))
        return True

    def finalize(self, job) -> None:
        vmimages.record_merge(job.params, job.state["merged"])

    def fail(self, job, error: str) -> None:
        prm, info = job.params, (job.state or {}).get("merged")
        wrong = info is not None and info["format"] != prm.get("format")
        vmimages.merge_failed(prm.get("image_id", 0), prm.get("identifier", ""),
                              "formatMistake" if wrong else "fileSystemMergeFailed")


class VmFileMerge(jobs.Workflow):
    """apply: merge; finalize: the VM's file entry UPLOAD_SUCCEED (size, sha256)."""
    kind = workflows_vm.MERGE_FILE_JOB

    def apply(self, job) -> bool:
        merged(job)
        return True

    def finalize(self, job) -> None:
        workflows_vm.file_merged(job.params, job.state["merged"])

    def fail(self, job, error: str) -> None:
        prm = job.params
        if prm.get("app_id"):
            workflows_vm.file_merge_failed(prm["app_id"], prm["vm_id"], prm["file_name"], prm["identifier"], error)


for _workflow in (ContainerImageMerge(), VmImageMerge(), VmFileMerge()):
    jobs.register(_workflow)
