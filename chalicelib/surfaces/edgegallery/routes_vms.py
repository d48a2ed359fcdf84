"""VmApp (group 12), VmApp-network (19) and VmApp-operation (22)."""
from __future__ import annotations

from chalicelib.surfaces.edgegallery import envelope
from chalicelib.surfaces.edgegallery import service_networks as nets
from chalicelib.surfaces.edgegallery import service_vms as vms
from chalicelib.surfaces.edgegallery import workflows_vm as ops
from chalicelib.surfaces.edgegallery.blueprint import ANY_BODY, V2, bp, endpoint
from chalicelib.surfaces.edgegallery.bodies_infra import NetworkIn, VmIn
from chalicelib.surfaces.edgegallery.common import body_of
from chalicelib.surfaces.edgegallery import answers_infra as ai

APP = f"{V2}/applications/{{applicationId}}"
VM = f"{APP}/vms/{{vmId}}"
NET = f"{APP}/networks/{{networkId}}"


# ---------------------------------------------------------------- 12 VMs
@bp.route(f"{APP}/vms", methods=["GET"])
@endpoint(bp, returns=ai.VirtualMachines)
def list_vms(ctx, applicationId):
    return envelope.bare(vms.list_vms(ctx.principal, applicationId))


@bp.route(f"{APP}/vms", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=ai.VirtualMachine)
def create_vm(ctx, applicationId):
    return vms.view(vms.create(ctx.principal, applicationId, body_of(ctx, VmIn)))


@bp.route(VM, methods=["GET"])
@endpoint(bp, returns=ai.VirtualMachine)
def get_vm(ctx, applicationId, vmId):
    return vms.get(ctx.principal, applicationId, vmId)


@bp.route(VM, methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=ai.Done)
def update_vm(ctx, applicationId, vmId):
    vms.update(ctx.principal, applicationId, vmId, body_of(ctx, VmIn))
    return envelope.true()


@bp.route(VM, methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, returns=ai.Done)
def delete_vm(ctx, applicationId, vmId):
    vms.delete(ctx.principal, applicationId, vmId)
    return envelope.true()


# ---------------------------------------------------------------- 19 networks
@bp.route(f"{APP}/networks", methods=["GET"])
@endpoint(bp, returns=ai.Networks)
def list_networks(ctx, applicationId):
    return envelope.bare(nets.list_networks(ctx.principal, applicationId))


@bp.route(f"{APP}/networks", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=ai.Network)
def create_network(ctx, applicationId):
    return nets.view(nets.create(ctx.principal, applicationId, body_of(ctx, NetworkIn)))


@bp.route(NET, methods=["GET"])
@endpoint(bp, returns=ai.Network)
def get_network(ctx, applicationId, networkId):
    return nets.get(ctx.principal, applicationId, networkId)


@bp.route(NET, methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=ai.Done)
def update_network(ctx, applicationId, networkId):
    nets.update(ctx.principal, applicationId, networkId, body_of(ctx, NetworkIn))
    return envelope.true()


@bp.route(NET, methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, returns=ai.Done)
def delete_network(ctx, applicationId, networkId):
    nets.delete(ctx.principal, applicationId, networkId)
    return envelope.true()


# ---------------------------------------------------------------- 22 operations
@bp.route(f"{VM}/action/export-image", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=ai.OperationStarted)
def export_vm_image(ctx, applicationId, vmId):
    return ops.export_image(ctx.principal, applicationId, vmId)


@bp.route(f"{VM}/action/ssh", methods=["GET"])
@endpoint(bp, returns=ai.SshInfo)
def vm_ssh(ctx, applicationId, vmId):
    return ops.ssh_info(ctx.principal, applicationId, vmId)


@bp.route(f"{VM}/action/vnc", methods=["GET"])
@endpoint(bp, returns=ai.VncInfo)
def vm_vnc(ctx, applicationId, vmId):
    return ops.vnc_info(ctx.principal, applicationId, vmId)


@bp.route(f"{VM}/action/launch", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=ai.OperationStarted)
def launch_vm(ctx, applicationId, vmId):
    return ops.launch(ctx.principal, applicationId, vmId)


@bp.route(f"{VM}/action/merge-file", methods=["GET"])
@endpoint(bp, returns=ai.Done)
def merge_vm_file(ctx, applicationId, vmId):
    q = ctx.query
    return ops.merge_file(ctx.principal, applicationId, vmId, q.get("fileName"), q.get("identifier"))


@bp.route(f"{VM}/action/upload-file", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=ai.Done)
def upload_vm_file(ctx, applicationId, vmId):
    return ops.upload_file_chunk(ctx.principal, applicationId, vmId, ctx)
