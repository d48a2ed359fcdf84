"""The JSON successes of EdgeGallery's infrastructure groups, as the services produce them: VMs (12) and their
operations (22), networks (19), MEP hosts (4), flavors (9), VM images (28), container images (2) and their
operations (23), Helm charts (26).

Each model is the whole body (no success envelope); field names are exactly the JSON keys, descriptions from the
catalog (§3). Default pydantic config: unknown keys are ignored. Passwords are never answered: a VM's
``pwdCertificate.password`` and a host's ``mecHostPassword`` / ``mecHostUserName`` are always ``null``.
"""
from __future__ import annotations

from typing import List, Optional

from pydantic import BaseModel, Field, RootModel

from chalicelib.surfaces.edgegallery.answers_common import Done, OperationStarted, listing, page  # noqa: F401


# ---------------------------------------------------------------- 12 virtual machines
class PwdCertificate(BaseModel):
    """A VM's user name and password certificate; the password is never answered."""
    username: Optional[str] = None
    password: None = Field(None, description="always null: the password is write-only")


class KeyPairCertificate(BaseModel):
    keyPairId: Optional[str] = Field(None, description="the key pair of the VIM")


class VmCertificate(BaseModel):
    """How a user logs into the VM."""
    certificateType: Optional[str] = Field(None, description="PASSWORD or KEYPAIR")
    pwdCertificate: Optional[PwdCertificate] = None
    keyPairCertificate: Optional[KeyPairCertificate] = None


class VmPort(BaseModel):
    """A VM's port on one of the application's networks."""
    id: Optional[str] = None
    name: str
    description: Optional[str] = ""
    networkName: str = Field(description="the Network.name it is attached to")


class PortInstance(BaseModel):
    networkName: Optional[str] = None
    ipAddress: Optional[str] = None


class VmInstantiateInfo(BaseModel):
    """A VM's deployment (22.4), removed by clean-env."""
    operationId: Optional[str] = None
    appPackageId: Optional[str] = None
    distributedMecHost: Optional[str] = None
    mepmPackageId: Optional[str] = None
    appInstanceId: Optional[str] = None
    vmInstanceId: Optional[str] = None
    status: Optional[str] = Field(None, description="PACKAGE_GENERATING ... INSTANTIATE_SUCCESS, SUCCESS, *_FAILED")
    instantiateTime: Optional[str] = None
    log: Optional[str] = None
    vncUrl: Optional[str] = None
    portInstanceList: List[PortInstance] = Field(default_factory=list)


class ImageExportInfo(BaseModel):
    """A VM's image export (22.1)."""
    operationId: Optional[str] = None
    imageInstanceId: Optional[str] = None
    name: Optional[str] = None
    imageFileName: Optional[str] = None
    format: Optional[str] = None
    checkSum: Optional[str] = None
    status: Optional[str] = Field(None, description="IMAGE_CREATING, IMAGE_QUERYING, IMAGE_DOWNLOADING, SUCCESS, "
                                                    "FAILED")
    downloadUrl: Optional[str] = None
    imageSize: Optional[int] = None
    createTime: Optional[str] = None
    log: Optional[str] = None


class VirtualMachine(BaseModel):
    """A VM of a VM application (group 12)."""
    id: str
    name: str
    flavorId: Optional[str] = Field(None, description="its Flavor")
    imageId: Optional[int] = Field(None, description="its VMImage")
    targetImageId: Optional[int] = Field(None, description="the VMImage exported from it")
    vmCertificate: Optional[VmCertificate] = None
    userData: Optional[str] = Field(None, description="cloud-init user data")
    portList: List[VmPort] = Field(default_factory=list)
    status: Optional[str] = Field(None, description="NOT_DEPLOY, DEPLOYED, EXPORTED")
    areaZone: Optional[str] = None
    flavorExtraSpecs: Optional[str] = None
    vmInstantiateInfo: Optional[VmInstantiateInfo] = None
    imageExportInfo: Optional[ImageExportInfo] = None


class SshInfo(BaseModel):
    """Where to reach the deployed VM or container by SSH (22.2, 23.1)."""
    encoding: Optional[str] = None
    id: str
    status: Optional[str] = None
    sshAddress: Optional[str] = None


class VncInfo(BaseModel):
    """The deployed VM's VNC console (22.3)."""
    vncUrl: Optional[str] = None


# ---------------------------------------------------------------- 19 networks
class Network(BaseModel):
    """A network of a VM application (group 19)."""
    id: str
    name: str
    description: Optional[str] = ""


# ---------------------------------------------------------------- 4 MEP hosts, 9 flavors
class MepHost(BaseModel):
    """A MEP host (group 4); its credentials are never answered."""
    id: str
    name: Optional[str] = None
    lcmIp: Optional[str] = None
    lcmProtocol: Optional[str] = None
    lcmPort: Optional[int] = None
    architecture: Optional[str] = None
    status: Optional[str] = Field(None, description="NORMAL, BUSY, STOP")
    mecHostIp: Optional[str] = None
    vimType: Optional[str] = Field(None, description="OpenStack, K8S, FusionSphere")
    mecHostUserName: None = Field(None, description="always null: write-only")
    mecHostPassword: None = Field(None, description="always null: write-only")
    mecHostPort: Optional[int] = None
    mecHostProtocol: Optional[str] = None
    userId: Optional[str] = None
    configId: Optional[str] = Field(None, description="the config file uploaded with 4.7")
    networkParameter: Optional[str] = None
    resource: Optional[str] = None
    address: Optional[str] = None


class MepHostLog(BaseModel):
    """An operation on a MEP host (4.6)."""
    logId: str
    hostIp: Optional[str] = None
    userName: Optional[str] = None
    userId: Optional[str] = None
    projectId: Optional[str] = None
    projectName: Optional[str] = None
    appInstancesId: Optional[str] = None
    deployTime: Optional[str] = None
    status: Optional[str] = None
    operation: Optional[str] = None
    hostId: Optional[str] = None


class MepHostConfigFile(BaseModel):
    """The config file uploaded for a MEP host (4.7), an UploadFile."""
    fileId: str
    fileName: str
    url: Optional[str] = None
    userId: Optional[str] = None
    uploadDate: Optional[str] = None
    filePath: Optional[str] = None
    temp: bool = False


class Flavor(BaseModel):
    """A VM flavor (group 9)."""
    id: str
    name: str
    description: Optional[str] = ""
    architecture: Optional[str] = None
    cpu: int = Field(description="vCPUs")
    memory: int = Field(description="memory (GB)")
    systemDiskSize: int = Field(description="system disk (GB)")
    dataDiskSize: int = Field(0, description="data disk (GB)")
    gpuExtraInfo: Optional[str] = ""
    otherExtraInfo: Optional[str] = ""


# ---------------------------------------------------------------- 28 VM images
class VmImage(BaseModel):
    """A VM image (group 28)."""
    id: int
    visibleType: Optional[str] = Field(None, description="public or private")
    osType: Optional[str] = None
    osVersion: Optional[str] = None
    osBitType: Optional[str] = None
    systemDiskSize: Optional[int] = None
    diskBus: Optional[str] = None
    name: str
    imageFileName: Optional[str] = None
    createTime: Optional[str] = None
    modifyTime: Optional[str] = None
    imageFormat: Optional[str] = Field(None, description="qcow2, iso ...")
    uploadTime: Optional[str] = None
    downLoadUrl: Optional[str] = Field(None, description="where the file is downloaded, once uploaded")
    imageSize: Optional[int] = None
    status: Optional[str] = Field(None, description="UPLOAD_WAIT, UPLOADING, UPLOADING_MERGING, UPLOAD_SUCCEED, "
                                                    "UPLOAD_FAILED, UPLOAD_CANCELLED, PUBLISHED")
    imageSlimStatus: Optional[str] = Field(None, description="SLIM_WAIT, SLIMMING, SLIM_SUCCEED, SLIM_FAILED")
    userId: Optional[str] = None
    userName: Optional[str] = None
    fileMd5: Optional[str] = None
    checkSum: Optional[str] = None
    fileIdentifier: Optional[str] = None
    errorType: Optional[str] = None


class VmImageList(BaseModel):
    """28.9: the images matching the query, one page."""
    totalCount: int = Field(description="the number of images matching")
    imageList: List[VmImage]


class UploadUrl(BaseModel):
    """A presigned POST for uploading the image file directly (28.11)."""
    url: str
    fields: dict = Field(description="the form fields to send with the file")


# ---------------------------------------------------------------- 2 container images
class ContainerImage(BaseModel):
    """A container image (group 2)."""
    imageId: str
    imageName: str
    imageVersion: str
    userId: Optional[str] = None
    userName: Optional[str] = None
    uploadTime: Optional[str] = None
    createTime: Optional[str] = None
    imageStatus: Optional[str] = Field(None, description="UPLOAD_WAIT, UPLOADING, UPLOADING_MERGING, UPLOAD_SUCCEED, "
                                                         "UPLOAD_FAILED, UPLOAD_CANCELLED")
    imageType: Optional[str] = Field(None, description="public or private")
    imagePath: Optional[str] = Field(None, description="the registry reference host/project/name:tag")
    fileName: Optional[str] = None


class ChunkNumbers(RootModel[List[int]]):
    """28.1: the numbers of the chunks already received."""


# ---------------------------------------------------------------- 23 container application instantiation
class PodContainer(BaseModel):
    name: Optional[str] = None
    cpuUsage: Optional[str] = None
    memUsage: Optional[str] = None
    diskUsage: Optional[str] = None


class Pod(BaseModel):
    name: Optional[str] = None
    podStatus: Optional[str] = None
    eventsInfo: Optional[str] = None
    containerList: List[PodContainer] = Field(default_factory=list)


class ServicePort(BaseModel):
    port: Optional[str] = Field(None, description="a number, as a string")
    targetPort: Optional[str] = None
    nodePort: Optional[str] = None


class K8sService(BaseModel):
    name: Optional[str] = None
    type: Optional[str] = None
    servicePortList: List[ServicePort] = Field(default_factory=list)


class ContainerAppInstantiateInfo(BaseModel):
    """A container application's deployment (23.2), removed by clean-env."""
    operationId: Optional[str] = None
    appPackageId: Optional[str] = None
    distributedMecHost: Optional[str] = None
    mepmPackageId: Optional[str] = None
    appInstanceId: Optional[str] = None
    status: Optional[str] = Field(None, description="PACKAGE_GENERATING ... INSTANTIATE_SUCCESS, SUCCESS, *_FAILED")
    log: Optional[str] = None
    instantiateTime: Optional[str] = None
    pods: List[Pod] = Field(default_factory=list)
    serviceList: List[K8sService] = Field(default_factory=list)


# ---------------------------------------------------------------- 26 Helm charts
class HelmChartFile(BaseModel):
    """A node of a chart's file tree."""
    name: str
    innerPath: str
    children: List["HelmChartFile"] = Field(default_factory=list)
    content: Optional[str] = None
    file: bool = Field(description="a file (true) or a directory")


class HelmChart(BaseModel):
    """A Helm chart of a container application (group 26)."""
    id: str
    name: str = Field(description="the tgz file's name")
    helmChartFileId: Optional[str] = None
    createTime: Optional[str] = None
    applicationId: Optional[str] = None
    helmChartFileList: List[HelmChartFile] = Field(default_factory=list)


HelmChartFile.model_rebuild()

VirtualMachines = listing(VirtualMachine)
Networks = listing(Network)
Flavors = listing(Flavor)
MepHostLogs = listing(MepHostLog)
MepHostPage = page(MepHost)
ContainerImagePage = page(ContainerImage)
HelmCharts = listing(HelmChart)
