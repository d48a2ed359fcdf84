"""Documented request bodies of EdgeGallery's AppConfiguration group (seed 000 §14: certificate, DNS and traffic
rules, produced and required services, the whole configuration): what the contract publishes and
:func:`~chalicelib.surfaces.edgegallery.common.body_of` checks before the services' own rules
(``service_config``'s strict models, which keep their messages)."""
from __future__ import annotations

from typing import Optional

from pydantic import Field

from chalicelib.surfaces.edgegallery.common import Doc


class AppCertificateIn(Doc):
    """The application's AK/SK (POST: what is left out is generated)."""
    ak: Optional[str] = Field(None, description="access key, at most 128 characters")
    sk: Optional[str] = Field(None, description="secret key, at most 128 characters (stored sealed)")


class DnsRuleIn(Doc):
    """A DNS rule (domainName and ipAddress are required by the service)."""
    dnsRuleId: Optional[str] = Field(None, description="1-64 characters; on PUT it must match the path")
    domainName: Optional[str] = Field(None, description="1-255 characters")
    ipAddressType: Optional[str] = Field(None, description="e.g. IP_V4, at most 16 characters")
    ipAddress: Optional[str] = Field(None, description="1-64 characters")
    ttl: Optional[str] = Field(None, description="at most 16 characters")


class TrafficFilterIn(Doc):
    srcAddress: Optional[list[str]] = None
    dstAddress: Optional[list[str]] = None
    srcPort: Optional[list[str]] = None
    dstPort: Optional[list[str]] = None
    protocol: Optional[list[str]] = None
    tag: Optional[list[str]] = None
    srcTunnelAddress: Optional[list[str]] = None
    tgtTunnelAddress: Optional[list[str]] = None
    srcTunnelPort: Optional[list[str]] = None
    dstTunnelPort: Optional[list[str]] = None
    qCI: Optional[int] = None
    dSCP: Optional[int] = None
    tC: Optional[int] = None


class TunnelInfoIn(Doc):
    tunnelType: Optional[str] = None
    tunnelDstAddress: Optional[str] = None
    tunnelSrcAddress: Optional[str] = None
    tunnelSpecificData: Optional[str] = Field(None, description="at most 1024 characters")


class DstInterfaceIn(Doc):
    interfaceType: Optional[str] = None
    tunnelInfo: Optional[TunnelInfoIn] = None
    srcMacAddress: Optional[str] = None
    dstMacAddress: Optional[str] = None
    dstIpAddress: Optional[str] = None


class TrafficRuleIn(Doc):
    """A traffic rule."""
    trafficRuleId: Optional[str] = Field(None, description="1-64 characters; on PUT it must match the path")
    filterType: Optional[str] = Field(None, description="e.g. FLOW, at most 32 characters")
    priority: Optional[int] = Field(None, description="0..255")
    trafficFilter: Optional[list[TrafficFilterIn]] = Field(None, description="at most 32 filters")
    action: Optional[str] = Field(None, description="e.g. DROP, FORWARD_DECAPSULATED, PASSTHROUGH")
    dstInterface: Optional[list[DstInterfaceIn]] = Field(None, description="at most 32 interfaces")


class ServiceProducedIn(Doc):
    """A service the application produces (oneLevelName and serviceName are required by the service)."""
    appServiceProducedId: Optional[str] = Field(None, description="on PUT it must match the path")
    oneLevelName: Optional[str] = Field(None, description="capability group name, 1-128 characters")
    oneLevelNameEn: Optional[str] = Field(None, description="at most 128 characters")
    twoLevelName: Optional[str] = Field(None, description="at most 128 characters")
    description: Optional[str] = Field(None, description="at most 1024 characters")
    apiFileId: Optional[str] = Field(None, description="id of an uploaded API file (lower-case UUID)")
    guideFileId: Optional[str] = Field(None, description="id of an uploaded guide file (lower-case UUID)")
    iconFileId: Optional[str] = Field(None, description="id of an uploaded icon file (lower-case UUID)")
    serviceName: Optional[str] = Field(None, description="1-128 characters, unique within the application")
    internalPort: Optional[int] = Field(None, description="1..65535")
    version: Optional[str] = Field(None, description="at most 32 characters")
    protocol: Optional[str] = Field(None, description="e.g. http, at most 32 characters")
    author: Optional[str] = Field(None, description="at most 128 characters")
    experienceUrl: Optional[str] = Field(None, description="at most 1024 characters")
    dnsRuleIdList: Optional[list[str]] = Field(None, description="dnsRuleIds of the application's DNS rules")
    trafficRuleIdList: Optional[list[str]] = Field(None, description="trafficRuleIds of the application's "
                                                                     "traffic rules")


class ServiceRequiredIn(Doc):
    """A capability the application requires (serName is required by the service)."""
    id: Optional[str] = Field(None, description="the required capability's id")
    oneLevelName: Optional[str] = Field(None, description="at most 128 characters")
    oneLevelNameEn: Optional[str] = Field(None, description="at most 128 characters")
    twoLevelName: Optional[str] = Field(None, description="at most 128 characters")
    twoLevelNameEn: Optional[str] = Field(None, description="at most 128 characters")
    serName: Optional[str] = Field(None, description="the service name, 1-128 characters")
    version: Optional[str] = Field(None, description="at most 32 characters")
    requestedPermissions: Optional[bool] = None
    appId: Optional[str] = None
    packageId: Optional[str] = None


class AppConfigurationIn(Doc):
    """``PUT .../appconfiguration``: the parts given replace the stored ones (validated as a whole first)."""
    appCertificate: Optional[AppCertificateIn] = None
    dnsRuleList: Optional[list[DnsRuleIn]] = Field(None, description="at most 100 rules")
    trafficRuleList: Optional[list[TrafficRuleIn]] = Field(None, description="at most 100 rules")
    appServiceProducedList: Optional[list[ServiceProducedIn]] = Field(None, description="at most 100 services")
    appServiceRequiredList: Optional[list[ServiceRequiredIn]] = Field(None, description="at most 100 services")
