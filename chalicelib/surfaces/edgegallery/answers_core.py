"""The JSON successes of EdgeGallery's core groups, as the services produce them: applications (3, 3.6 detail),
operations (16), scripts (10), ATP tests and packages (24, 25), released packages (27), upload files (6).

EdgeGallery has no success envelope: each model is the whole body (``@endpoint(bp, returns=Model)``), which the
OpenAPI document publishes as the 2XX schema and the test suite checks every answer against
(``tests/contract_check.py``). Field names are exactly the JSON keys; descriptions come from the catalog (§3).
Default pydantic config: unknown keys are ignored. Times are ``yyyy-MM-dd HH:mm:ss`` strings unless noted.
"""
from __future__ import annotations

from typing import List, Optional

from pydantic import BaseModel, Field

from chalicelib.surfaces.edgegallery.answers_infra import (ContainerAppInstantiateInfo, HelmChart, Network,
                                                            VirtualMachine)
from chalicelib.surfaces.edgegallery.answers_more import AppConfiguration
from chalicelib.surfaces.edgegallery.answers_common import Done, OperationStarted, listing, page  # noqa: F401


# ---------------------------------------------------------------- 16 operations
class ActionStatus(BaseModel):
    """One step of an operation."""
    id: Optional[int] = Field(None, description="the step's number (1, 2, ...)")
    objectType: Optional[str] = None
    objectId: Optional[str] = None
    actionName: Optional[str] = Field(None, description="the step's name")
    progress: Optional[int] = Field(None, description="0-100")
    status: Optional[str] = Field(None, description="ONGOING, SUCCESS, FAILED")
    errorMsg: Optional[str] = None
    statusLog: Optional[str] = None
    updateTime: Optional[str] = None


class OperationStatus(BaseModel):
    """An asynchronous operation's progress (group 16)."""
    id: str = Field(description="operation id")
    userName: Optional[str] = Field(None, description="who started it")
    objectType: Optional[str] = Field(None, description="APPLICATION, VM, NETWORK, HELM_CHART, APPLICATION_INSTANCE, "
                                                        "APPLICATION_PACKAGE, VM_IMAGE_INSTANCE")
    objectId: Optional[str] = Field(None, description="the object operated on")
    objectName: Optional[str] = None
    operationName: Optional[str] = Field(None, description="e.g. VirtualMachine launch")
    progress: int = Field(description="0-100")
    status: str = Field(description="ONGOING, SUCCESS, FAILED")
    errorMsg: Optional[str] = Field(None, description="why it failed (empty otherwise)")
    actionStatusList: List[ActionStatus] = Field(default_factory=list, description="its steps")
    createTime: str
    updateTime: str


# ---------------------------------------------------------------- 24 ATP tests, 25 packages, 10 scripts
class AtpTest(BaseModel):
    """An ATP test task of the application's package."""
    id: str = Field(description="ATP task id")
    appName: Optional[str] = Field(None, description="the application's name")
    status: str = Field(description="from ATP: created, waiting, running, success, failed ...")
    createTime: str


class AppPackage(BaseModel):
    """The application's package (CSAR); released packages own one too (file ``<packageId>.csar``)."""
    id: str = Field(description="package id")
    appId: Optional[str] = Field(None, description="the application (empty for a released package)")
    packageFileName: Optional[str] = Field(None, description="the package file's name")
    packageFilePath: Optional[str] = Field(None, description="where the package file lies")


class PackageFileNode(BaseModel):
    """A node of a package's file tree (25.3, 27.6)."""
    fileName: str
    filePath: str = Field(description="the path inside the package")
    file: bool = Field(description="a file (true) or a directory")
    children: List["PackageFileNode"] = Field(default_factory=list)
    content: Optional[str] = Field(None, description="a small text file's content (null otherwise)")


class PackageFile(BaseModel):
    """One text file of a package (25.2, 25.4, 27.4, 27.7)."""
    filePath: str = Field(description="the path inside the package")
    content: Optional[str] = Field(None, description="the file's text")


class Script(BaseModel):
    """A script of a VM application (group 10)."""
    id: str
    name: str
    scriptFileId: Optional[str] = Field(None, description="the UploadFile holding it")
    createTime: Optional[str] = None


# ---------------------------------------------------------------- 3 applications
class Application(BaseModel):
    """An application (group 3)."""
    id: str = Field(description="application id")
    name: str
    description: Optional[str] = ""
    version: str
    provider: str
    architecture: Optional[str] = Field(None, description="X86, ARM64, ARM32")
    appClass: str = Field(description="CONTAINER or VM")
    type: Optional[str] = Field(None, description="the application's type (e.g. Video Application)")
    industry: Optional[str] = None
    iconFileId: Optional[str] = Field(None, description="the icon UploadFile")
    guideFileId: Optional[str] = Field(None, description="the guide UploadFile")
    appCreateType: Optional[str] = Field(None, description="INTEGRATED or DEVELOP")
    createTime: str
    status: str = Field(description="CREATED, CONFIGURED, PACKAGED, TESTED, RELEASED")
    userId: Optional[str] = None
    userName: Optional[str] = None
    mepHostId: Optional[str] = Field(None, description="the MEP host selected for the test (24.7)")
    pkgSpecId: Optional[str] = Field(None, description="the package specification")
    appPackage: Optional[AppPackage] = Field(None, description="its package, once generated")
    atpTestTaskList: List[AtpTest] = Field(default_factory=list, description="its ATP tests")
    appConfiguration: Optional[AppConfiguration] = Field(None, description="its AppConfiguration (certificate, rules, "
                                                               "produced and required services)")
    scriptList: List[Script] = Field(default_factory=list, description="its scripts")


class VmApplication(Application):
    """A VM application with its VMs and networks (3.6)."""
    vmList: List[VirtualMachine] = Field(default_factory=list, description="its VirtualMachines")
    networkList: List[Network] = Field(default_factory=list, description="its Networks")


class ContainerApplication(Application):
    """A container application with its Helm charts and instantiation (3.6)."""
    helmChartList: List[HelmChart] = Field(default_factory=list, description="its HelmCharts")
    instantiateInfo: Optional[ContainerAppInstantiateInfo] = Field(None, description="its ContainerAppInstantiateInfo, once launched")


class ApplicationDetail(BaseModel):
    """``{vmApp, containerApp}``: exactly one is set, by the application's class."""
    vmApp: Optional[VmApplication] = None
    containerApp: Optional[ContainerApplication] = None


# ---------------------------------------------------------------- 27 released packages
class ReleasedPackage(BaseModel):
    """A package synchronized from the AppStore (group 27)."""
    id: str = Field(description="package id")
    appStoreAppId: Optional[str] = Field(None, description="the AppStore's application id")
    appStorePackageId: Optional[str] = Field(None, description="the AppStore's package id")
    name: Optional[str] = None
    version: Optional[str] = None
    provider: Optional[str] = None
    industry: Optional[str] = None
    type: Optional[str] = None
    architecture: Optional[str] = None
    shortDesc: Optional[str] = None
    synchronizeDate: Optional[str] = None
    userId: Optional[str] = None
    userName: Optional[str] = None
    testTaskId: Optional[str] = None
    appPackage: Optional[AppPackage] = None


# ---------------------------------------------------------------- 6 upload files
class UploadFile(BaseModel):
    """An uploaded file (group 6; icons, API files, guides, scripts...)."""
    fileId: str
    fileName: str
    url: Optional[str] = Field(None, description="where its bytes are read")
    userId: Optional[str] = None
    uploadDate: Optional[str] = None
    filePath: Optional[str] = None
    temp: bool = Field(False, description="a temporary file (not yet referenced)")
    fileType: Optional[str] = Field(None, description="icon, api, md, script")


class SampleCodeNode(BaseModel):
    """A node of the sample code's tree (6.7): ``id`` is the relative path, ``parent`` marks directories."""
    name: str
    id: str
    children: List["SampleCodeNode"] = Field(default_factory=list)
    parent: bool


PackageFileNode.model_rebuild()
SampleCodeNode.model_rebuild()

AtpTests = listing(AtpTest)
PackageTree = listing(PackageFileNode)
ApplicationPage = page(Application)
ReleasedPackagePage = page(ReleasedPackage)
ReleasedFileTree = PackageTree
