"""The JSON successes of EdgeGallery's remaining groups, as the services produce them: the application's
configuration (14: certificate, DNS and traffic rules, produced and required services), capability groups and
capabilities (5, 7, 8, 13, 15, 17), plugins (1), profiles (18) and package specifications (21).

Each model is the whole body (no success envelope); field names are exactly the JSON keys, descriptions from the
catalog (§3). Default pydantic config: unknown keys are ignored.
"""
from __future__ import annotations

from typing import List, Optional

from pydantic import BaseModel, Field

from chalicelib.surfaces.edgegallery.answers_common import Done, listing, page  # noqa: F401


# ---------------------------------------------------------------- 14 configuration
class AppCertificate(BaseModel):
    """The application's certificate (14.1-14.4), ``{ak, sk}`` as the document states: the application's own
    credential, answered to those who may read the application (sealed at rest, never logged)."""
    ak: Optional[str] = Field(None, description="the access key")
    sk: Optional[str] = Field(None, description="the secret key")


class DnsRule(BaseModel):
    """A DNS rule of the application (14.5-14.8)."""
    dnsRuleId: str = Field(description="the rule id, unique in the application")
    domainName: str
    ipAddressType: Optional[str] = None
    ipAddress: str
    ttl: Optional[str] = None


class TrafficFilter(BaseModel):
    srcAddress: List[str] = Field(default_factory=list)
    dstAddress: List[str] = Field(default_factory=list)
    srcPort: List[str] = Field(default_factory=list)
    dstPort: List[str] = Field(default_factory=list)
    protocol: List[str] = Field(default_factory=list)
    tag: List[str] = Field(default_factory=list)
    srcTunnelAddress: List[str] = Field(default_factory=list)
    tgtTunnelAddress: List[str] = Field(default_factory=list)
    srcTunnelPort: List[str] = Field(default_factory=list)
    dstTunnelPort: List[str] = Field(default_factory=list)
    qCI: Optional[int] = None
    dSCP: Optional[int] = None
    tC: Optional[int] = None


class TunnelInfo(BaseModel):
    tunnelType: Optional[str] = None
    tunnelDstAddress: Optional[str] = None
    tunnelSrcAddress: Optional[str] = None
    tunnelSpecificData: Optional[str] = None


class DstInterface(BaseModel):
    interfaceType: Optional[str] = None
    tunnelInfo: Optional[TunnelInfo] = None
    srcMacAddress: Optional[str] = None
    dstMacAddress: Optional[str] = None
    dstIpAddress: Optional[str] = None


class TrafficRule(BaseModel):
    """A traffic rule of the application (14.17-14.20)."""
    trafficRuleId: str = Field(description="the rule id, unique in the application")
    filterType: Optional[str] = None
    priority: Optional[int] = Field(None, description="0-255")
    trafficFilter: List[TrafficFilter] = Field(default_factory=list)
    action: Optional[str] = None
    dstInterface: List[DstInterface] = Field(default_factory=list)


class ServiceProduced(BaseModel):
    """A service the application produces (14.9-14.12); on release it becomes a Capability."""
    appServiceProducedId: Optional[str] = None
    oneLevelName: str = Field(description="the capability group's name")
    oneLevelNameEn: Optional[str] = None
    twoLevelName: Optional[str] = None
    description: Optional[str] = None
    apiFileId: Optional[str] = None
    guideFileId: Optional[str] = None
    iconFileId: Optional[str] = None
    serviceName: str = Field(description="unique in the application")
    internalPort: Optional[int] = None
    version: Optional[str] = None
    protocol: Optional[str] = None
    author: Optional[str] = None
    experienceUrl: Optional[str] = None
    dnsRuleIdList: List[str] = Field(default_factory=list)
    trafficRuleIdList: List[str] = Field(default_factory=list)


class ServiceRequired(BaseModel):
    """A capability the application requires (14.13-14.16)."""
    id: str = Field(description="the required Capability's id")
    oneLevelName: Optional[str] = None
    oneLevelNameEn: Optional[str] = None
    twoLevelName: Optional[str] = None
    twoLevelNameEn: Optional[str] = None
    serName: str = Field(description="the service's name")
    version: Optional[str] = None
    requestedPermissions: bool = False
    appId: Optional[str] = None
    packageId: Optional[str] = None


class AppConfiguration(BaseModel):
    """The application's whole configuration (14.21)."""
    appCertificate: Optional[AppCertificate] = None
    appServiceProducedList: List[ServiceProduced] = Field(default_factory=list)
    appServiceRequiredList: List[ServiceRequired] = Field(default_factory=list)
    trafficRuleList: List[TrafficRule] = Field(default_factory=list)
    dnsRuleList: List[DnsRule] = Field(default_factory=list)


# ---------------------------------------------------------------- capabilities
class CapabilityGroupParent(BaseModel):
    """A capability group's parent (no parent of its own)."""
    id: str
    name: str
    nameEn: Optional[str] = None
    description: Optional[str] = None
    descriptionEn: Optional[str] = None
    type: Optional[str] = Field(None, description="OPENMEP, OPENMEP_ECO, STANDARD")
    iconFileId: Optional[str] = None
    author: Optional[str] = None
    createTime: int = Field(description="epoch milliseconds")
    updateTime: int = Field(description="epoch milliseconds")
    parent: None = None


class CapabilityGroup(CapabilityGroupParent):
    """A capability group (groups 5, 8)."""
    parent: Optional[CapabilityGroupParent] = None


class CapabilityGroupStat(CapabilityGroup):
    """A capability group and how many capabilities it holds (13.1, 15.1)."""
    capabilityCount: int


class Capability(BaseModel):
    """A capability (groups 7, 17)."""
    id: str
    name: str
    nameEn: Optional[str] = None
    version: Optional[str] = None
    description: Optional[str] = None
    descriptionEn: Optional[str] = None
    provider: Optional[str] = None
    apiFileId: Optional[str] = None
    guideFileId: Optional[str] = None
    guideFileIdEn: Optional[str] = None
    uploadTime: int = Field(description="epoch milliseconds")
    port: Optional[int] = None
    host: Optional[str] = None
    protocol: Optional[str] = None
    appId: Optional[str] = Field(None, description="the application that produced it")
    packageId: Optional[str] = None
    userId: Optional[str] = None
    selectCount: int = Field(0, description="how many applications require it")
    iconFileId: Optional[str] = None
    author: Optional[str] = None
    experienceUrl: Optional[str] = None
    group: Optional[CapabilityGroup] = None
    groupId: Optional[str] = None


# ---------------------------------------------------------------- 1 plugins
class PluginFile(BaseModel):
    """One of a plugin's files."""
    originalFileName: str = ""
    storageAddress: Optional[str] = Field(None, description="where it is downloaded")
    fileSize: int = 0
    hashCode: Optional[str] = ""
    name: Optional[str] = ""
    size: int = 0


class PluginUser(BaseModel):
    userId: Optional[str] = None
    userName: Optional[str] = None


class Plugin(BaseModel):
    """A plugin or SDK (group 1)."""
    pluginId: str
    pluginName: str
    introduction: Optional[str] = None
    satisfaction: float = Field(description="the average rating")
    codeLanguage: Optional[str] = None
    pluginType: Optional[str] = Field(None, description="1 plugin, 2 SDK")
    version: Optional[str] = None
    scoreCount: int = 0
    downloadCount: int = 0
    logoFile: Optional[PluginFile] = None
    pluginFile: Optional[PluginFile] = None
    apiFile: Optional[PluginFile] = None
    uploadTime: Optional[str] = None
    user: Optional[PluginUser] = None
    userId: Optional[str] = None
    userName: Optional[str] = None
    pluginSize: int = 0


# ---------------------------------------------------------------- 18 profiles, 21 package specifications
class Profile(BaseModel):
    """A scenario profile (group 18)."""
    id: str
    name: str
    description: Optional[str] = None
    descriptionEn: Optional[str] = None
    seq: List[str] = Field(default_factory=list, description="the applications' deployment order")
    appList: List[str] = Field(default_factory=list)
    createTime: Optional[str] = None
    type: Optional[str] = None
    industry: Optional[str] = None
    topoFilePath: Optional[str] = None


class NetworkNameSpecs(BaseModel):
    networkNameN6: Optional[str] = None
    networkNameInternet: Optional[str] = None
    networkNameMep: Optional[str] = None


class AppdSpecs(BaseModel):
    networkNameSpecs: Optional[NetworkNameSpecs] = None
    userDataFlag: Optional[str] = None
    flavorSpecs: Optional[str] = None


class PkgSpecifications(BaseModel):
    appdSpecs: Optional[AppdSpecs] = None


class PkgSpec(BaseModel):
    """A package specification (group 21)."""
    id: str
    zhName: Optional[str] = None
    enName: Optional[str] = None
    specifications: Optional[PkgSpecifications] = None


DnsRules = listing(DnsRule)
TrafficRules = listing(TrafficRule)
ServicesProduced = listing(ServiceProduced)
ServicesRequired = listing(ServiceRequired)
CapabilityGroups = listing(CapabilityGroup)
CapabilityGroupStats = listing(CapabilityGroupStat)
Capabilities = listing(Capability)
CapabilityPage = page(Capability)
PluginPage = page(Plugin)
ProfilePage = page(Profile)
PkgSpecs = listing(PkgSpec)
