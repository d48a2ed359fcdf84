"""Documented request bodies of EdgeGallery's infrastructure groups (seed 000: MEP hosts §4, flavors §9, VmApp §12,
VmApp-network §19, VmImage §28, Container Image §2, Helmcharts §26): what the contract publishes and
:func:`~chalicelib.surfaces.edgegallery.common.body_of` checks before the services' own rules."""
from __future__ import annotations

from typing import Optional

from pydantic import Field

from chalicelib.surfaces.edgegallery.common import Doc


# ---------------------------------------------------------------- 4 MEP hosts
class MepHostIn(Doc):
    """A MEP host (create: name, lcmIp, lcmProtocol, lcmPort, architecture, status, mecHostIp, vimType and address
    are required by the service; update: the fields given replace the stored ones)."""
    id: Optional[str] = Field(None, description="ignored: the path names the host")
    name: Optional[str] = Field(None, description="6-50 characters", examples=["edge-host-01"])
    lcmIp: Optional[str] = Field(None, description="IP address of the host's LCM")
    lcmProtocol: Optional[str] = Field(None, description="http or https")
    lcmPort: Optional[int] = Field(None, description="LCM port, 30000..32000")
    architecture: Optional[str] = Field(None, description="X86, ARM64 or ARM32")
    status: Optional[str] = Field(None, description="NORMAL, BUSY or STOP")
    mecHostIp: Optional[str] = Field(None, description="IP address of the MEC host (unique)")
    vimType: Optional[str] = Field(None, description="OpenStack, K8S or FusionSphere")
    mecHostUserName: Optional[str] = Field(None, description="stored sealed, never returned")
    mecHostPassword: Optional[str] = Field(None, description="stored sealed, never returned")
    mecHostPort: Optional[int] = Field(None, description="1..65535 (default 22)")
    mecHostProtocol: Optional[str] = Field(None, description="http or https (default http)")
    configId: Optional[str] = Field(None, description="id of a config file uploaded with "
                                                      "POST /mephosts/action/upload-config-file")
    networkParameter: Optional[str] = Field(
        None, description="key=value pairs separated by ';' (VDU1_APP_Plane01_IP..03_IP unless vimType is K8S)")
    resource: Optional[str] = Field(None, description="free text describing the host's resources")
    address: Optional[str] = Field(None, description="where the host is")
    userId: Optional[str] = Field(None, description="ignored: the caller owns the host")


# ---------------------------------------------------------------- 9 flavors
class FlavorIn(Doc):
    """A VM flavor (name, architecture, cpu, memory and systemDiskSize are required by the service)."""
    name: Optional[str] = Field(None, description="1-128 characters")
    description: Optional[str] = Field(None, description="at most 1024 characters")
    architecture: Optional[str] = Field(None, description="X86, ARM64 or ARM32")
    cpu: Optional[int] = Field(None, description="number of vCPUs, 1..1024")
    memory: Optional[int] = Field(None, description="memory in GB, 1..65536")
    systemDiskSize: Optional[int] = Field(None, description="system disk in GB, 1..65536")
    dataDiskSize: Optional[int] = Field(None, description="data disk in GB, 0..65536")
    gpuExtraInfo: Optional[str] = Field(None, description="at most 1024 characters")
    otherExtraInfo: Optional[str] = Field(None, description="at most 1024 characters")


# ---------------------------------------------------------------- 12 VMs
class PwdCertificateIn(Doc):
    username: Optional[str] = None
    password: Optional[str] = Field(None, description="stored sealed; absent on update keeps the stored one")


class KeyPairCertificateIn(Doc):
    keyPairId: Optional[str] = None


class VmCertificateIn(Doc):
    certificateType: Optional[str] = Field(None, description="PASSWORD or KEYPAIR")
    pwdCertificate: Optional[PwdCertificateIn] = None
    keyPairCertificate: Optional[KeyPairCertificateIn] = None


class VmPortIn(Doc):
    id: Optional[str] = Field(None, description="an existing port's id keeps it; otherwise a new id is given")
    name: Optional[str] = Field(None, description="1-64 letters, digits, '_' or '-', unique within the VM")
    description: Optional[str] = Field(None, description="at most 256 characters")
    networkName: Optional[str] = Field(None, description="a network of the application (POST .../networks)")


class VmIn(Doc):
    """A virtual machine of a VM application (create: name, flavorId and imageId are required by the service)."""
    name: Optional[str] = Field(None, description="1-64 letters, digits, '_' or '-'")
    flavorId: Optional[str] = Field(None, description="id of a flavor (GET /flavors)")
    imageId: Optional[int] = Field(None, description="id of a VM image the caller may use (GET /vmimages)")
    targetImageId: Optional[int] = Field(None, description="id of the exported image")
    vmCertificate: Optional[VmCertificateIn] = None
    userData: Optional[str] = Field(None, description="cloud-init user data")
    areaZone: Optional[str] = Field(None, description="at most 128 characters")
    flavorExtraSpecs: Optional[str] = Field(None, description="at most 4096 characters")
    portList: Optional[list[VmPortIn]] = Field(None, description="the VM's ports, each on a network of the "
                                                                 "application")


# ---------------------------------------------------------------- 19 networks
class NetworkIn(Doc):
    """A network of a VM application (create: name is required by the service)."""
    name: Optional[str] = Field(None, description="1-64 letters, digits, '_', '.' or '-'")
    description: Optional[str] = Field(None, description="at most 256 characters")


# ---------------------------------------------------------------- 28 VM images
class VmImageIn(Doc):
    """A VM image record (create: name, visibleType and osType are required by the service)."""
    name: Optional[str] = Field(None, description="1-128 characters")
    visibleType: Optional[str] = Field(None, description="public or private")
    osType: Optional[str] = Field(None, description="Ubuntu, CentOS, Windows, Debian, SUSE, cirros, Oracle, "
                                                    "EulerOS, Red Hat or NeoKylin (any case)")
    osVersion: Optional[str] = Field(None, description="at most 50 characters")
    osBitType: Optional[str] = Field(None, description="at most 50 characters, e.g. 64")
    systemDiskSize: Optional[int] = Field(None, description="GB, 1..9999")
    diskBus: Optional[str] = Field(None, description="virtio, ide or scsi")
    userId: Optional[str] = Field(None, description="must be the caller's own id when given")
    userName: Optional[str] = Field(None, description="must be the caller's own name when given")


class VmImageQueryCtrl(Doc):
    offset: Optional[int] = Field(None, description=">= -1 (default 0)")
    limit: Optional[int] = Field(None, description="0..100; 0: all (default)")
    sortBy: Optional[str] = Field(None, description="userName, createTime or uploadTime (default)")
    sortOrder: Optional[str] = Field(None, description="ASC or DESC (default)")


class VmImageQueryIn(Doc):
    """``POST /vmimages/action/get-list``: filters (comma-separated values; All or absent: any) and paging."""
    name: Optional[str] = Field(None, description="part of the name (case-insensitive)")
    visibleType: Optional[str] = Field(None, description="public, private or All")
    osType: Optional[str] = None
    status: Optional[str] = Field(None, description="e.g. UPLOAD_WAIT, UPLOADING, UPLOAD_SUCCEED, PUBLISHED")
    uploadTimeBegin: Optional[str] = Field(None, description="yyyy-MM-dd")
    uploadTimeEnd: Optional[str] = Field(None, description="yyyy-MM-dd")
    userId: Optional[str] = Field(None, description="administrators: any user; others: their own id")
    userName: Optional[str] = None
    queryCtrl: Optional[VmImageQueryCtrl] = None


class UploadUrlIn(Doc):
    """``POST /vmimages/{imageId}/action/upload-url`` (edgeplane extension)."""
    # a number is let through: the service answers it as a missing name (retCode 20003), as it did before
    fileName: Optional[str | int] = Field(None, description="required: the image file's name (.qcow2 or .iso)")


# ---------------------------------------------------------------- 2 container images
class ContainerImageIn(Doc):
    """``PUT /containerimages/{imageId}``: the ContainerImage; only imageType is changed, the rest is ignored."""
    imageId: Optional[str] = None
    imageName: Optional[str] = None
    imageVersion: Optional[str] = None
    userId: Optional[str] = None
    userName: Optional[str] = None
    uploadTime: Optional[str] = None
    createTime: Optional[str] = None
    imageStatus: Optional[str] = None
    imageType: Optional[str] = Field(None, description="public or private")
    imagePath: Optional[str] = None
    fileName: Optional[str] = None


# ---------------------------------------------------------------- 26 helm charts
class HelmChartFileIn(Doc):
    """``PUT .../helmcharts/{helmchartId}/action/modify-inner-file``: one file of the chart rewritten."""
    innerFilePath: Optional[str] = Field(None, description="the file's path inside the chart, e.g. "
                                                           "templates/deployment.yaml")
    content: Optional[str] = Field(None, description="required: the new text of the file")
