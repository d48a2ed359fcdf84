"""What the MobiledgeX operations that answer one JSON document answer on success (``returns=`` of their
endpoints: published as the 2XX schema, and the test suite checks every answer against it).

Field names are the JSON keys the Master Controller emits: Go field names for the global (Ormapi) objects
(``Name``, ``Email``, ``CreatedAt``), snake_case for the regional (Edgeproto) ones. Times are Go time strings
(RFC 3339, ``0001-01-01T00:00:00Z`` for never). Descriptions are upstream's (mc-openapi.yaml, the catalog).

Not modelled here: the operations that answer an NDJSON stream (``Show*`` of regional objects, the long-running
ClusterInst/AppInst/Cloudlet/Network operations, federation onboarding: several JSON lines, not one document)
and the ones that answer 200 with no body (UpdateOrg, PasswordResetRequest, ResendVerify, the federation
UnsafeDelete* and SetFederationHostNotifyKey).

Class names are not upstream's schema names: those name the request schemas of this document already.
"""
from __future__ import annotations

from typing import Optional

from pydantic import BaseModel, Field, RootModel

_TIME = "Go time (RFC 3339); 0001-01-01T00:00:00Z when unset"


# ---------------------------------------------------------------- results
class Result(BaseModel):
    """An Ormapi result: ``{"message": ...}``."""
    message: str = Field(description="Informational message")
    code: Optional[int] = Field(None, description="Error code")


class CtrlResult(BaseModel):
    """A regional Controller's result (edgeproto.Result): ``{}`` on success, or a message."""
    code: Optional[int] = Field(None, description="Error code, 0 indicates success, non-zero indicates failure "
                                                  "(not implemented yet)")
    message: Optional[str] = Field(None, description="Message, may be success or failure message")


# ---------------------------------------------------------------- security and users
class LoginToken(BaseModel):
    token: str = Field(description="JSON Web Token for the Authorization header (Bearer); also set as the "
                                   "HttpOnly cookie 'token'")
    admin: Optional[bool] = Field(None, description="present (true) only for an AdminManager")


class User(BaseModel):
    """An MC user (hidden fields present and blank; private fields blanked for other users)."""
    Name: str = Field(description="User name. Can only contain letters, digits, underscore, period, hyphen. It "
                                  "cannot have leading or trailing spaces or period. It cannot start with hyphen")
    Email: str = Field(description="User email (blank for other users' entries)")
    EmailVerified: bool = Field(description="Email address has been verified")
    Passhash: Optional[str] = Field(None, description="always blank in answers")
    Salt: Optional[str] = Field(None, description="always blank in answers")
    Iter: Optional[int] = Field(None, description="always 0 in answers")
    FamilyName: Optional[str] = Field(None, description="Family Name")
    GivenName: Optional[str] = Field(None, description="Given Name")
    Picture: Optional[str] = Field(None, description="Picture (currently not used)")
    Nickname: Optional[str] = Field(None, description="Nick Name")
    CreatedAt: Optional[str] = Field(None, description=f"Time created; {_TIME}")
    UpdatedAt: Optional[str] = Field(None, description=f"Time last updated; {_TIME}")
    Locked: Optional[bool] = Field(None, description="Account is locked")
    PassCrackTimeSec: Optional[float] = Field(None, description="Password strength in terms of brute-force "
                                                                "cracking time")
    EnableTOTP: Optional[bool] = Field(None, description="Enable or disable temporary one-time passwords for the "
                                                         "account")
    TOTPSharedKey: Optional[str] = Field(None, description="always blank in answers")
    Metadata: Optional[str] = Field(None, description="Metadata")
    LastLogin: Optional[str] = Field(None, description=f"Last successful login time; {_TIME}")
    LastFailedLogin: Optional[str] = Field(None, description=f"Last failed login time; {_TIME}")
    FailedLogins: Optional[int] = Field(None, description="Number of failed login attempts since last successful "
                                                          "login")


class Users(RootModel[list[User]]):
    """A JSON array of User."""


class UserResponse(BaseModel):
    """CreateUser / UpdateUser (OrmapiUserResponse)."""
    Message: str = Field(description="Message")
    TOTPSharedKey: Optional[str] = Field(None, description="TOTP shared key")
    TOTPQRImage: Optional[list[int]] = Field(None, description="TOTP QR image (null unless TOTP was just enabled)")


class AuthScope(BaseModel):
    org: str = Field(description="Organization name")
    resource: str = Field(description="Resource defines a resource to act upon")
    action: str = Field(description="Action defines what type of action can be performed on a resource")
    object: Optional[str] = Field(None, description="Optional object to act upon if auth claims has restriction")


class AuthScopes(RootModel[list[AuthScope]]):
    """A JSON array of AuthScope."""


class RolePerm(BaseModel):
    role: str = Field(description="Role defines a collection of permissions, which are resource-action pairs")
    resource: str = Field(description="Resource defines a resource to act upon")
    action: str = Field(description="Action defines what type of action can be performed on a resource")


class RolePerms(RootModel[list[RolePerm]]):
    """A JSON array of RolePerm."""


class ApiKey(BaseModel):
    """A user API key (OrmapiCreateUserApiKey)."""
    Id: str = Field(description="API key ID used as an identifier for API keys")
    Description: Optional[str] = Field(None, description="Description of the purpose of this API key")
    Org: str = Field(description="Org to which API key has permissions to access its objects")
    CreatedAt: Optional[str] = Field(None, description=f"Time created; {_TIME}")
    ApiKey: Optional[str] = Field(None, description="API key: the secret, only in the answer of its creation "
                                                    "(blank when shown)")
    permissions: Optional[list[RolePerm]] = Field(None, description="List of API key permissions")
    Username: Optional[str] = Field(None, description="the key's owner (shown to admins only)")


class ApiKeys(RootModel[list[ApiKey]]):
    """A JSON array of ApiKey."""


# ---------------------------------------------------------------- roles and organizations
class RoleAssignment(BaseModel):
    """OrmapiRole."""
    org: str = Field(description="Organization name (blank for an admin role)")
    username: str = Field(description="User name")
    role: str = Field(description="Role which defines the set of permissions")


class RoleAssignments(RootModel[list[RoleAssignment]]):
    """A JSON array of RoleAssignment."""


class RoleNames(RootModel[list[str]]):
    """The role names, sorted."""


class Organization(BaseModel):
    Name: str = Field(description="Organization name. Can only contain letters, digits, underscore, period, hyphen. "
                                  "It cannot have leading or trailing spaces or period. It cannot start with hyphen")
    Type: str = Field(description='Organization type: "developer" or "operator"')
    Address: Optional[str] = Field(None, description="Organization address")
    Phone: Optional[str] = Field(None, description="Organization phone number")
    CreatedAt: Optional[str] = Field(None, description=f"Time created; {_TIME}")
    UpdatedAt: Optional[str] = Field(None, description=f"Time last updated; {_TIME}")
    PublicImages: Optional[bool] = Field(None, description="Images are made available to other organization")
    DeleteInProgress: Optional[bool] = Field(None, description="Delete of this organization is in progress")
    Parent: Optional[str] = Field(None, description="This organization's parent organization for billing, if any")
    EdgeboxOnly: Optional[bool] = Field(None, description="Edgebox only operator organization")


class Organizations(RootModel[list[Organization]]):
    """A JSON array of Organization."""


# ---------------------------------------------------------------- keys of regional objects (snake_case)
class CloudletKey(BaseModel):
    organization: Optional[str] = Field(None, description="Organization of the cloudlet site")
    name: Optional[str] = Field(None, description="Name of the cloudlet")
    federated_organization: Optional[str] = Field(None, description="Federated operator organization who shared "
                                                                     "this cloudlet")


class AppInstKey(BaseModel):
    name: Optional[str] = Field(None, description="App Instance name")
    organization: Optional[str] = Field(None, description="App Instance organization")
    cloudlet_key: Optional[CloudletKey] = None


class AppKey(BaseModel):
    organization: Optional[str] = Field(None, description="App developer organization")
    name: Optional[str] = Field(None, description="App name")
    version: Optional[str] = Field(None, description="App version")


class ClusterKey(BaseModel):
    name: Optional[str] = Field(None, description="Cluster name")
    organization: Optional[str] = Field(None, description="Name of the organization that this cluster belongs to")


# the AlertReceiver fields are named as these types are
_AppInstKey, _AppKey, _ClusterKey = AppInstKey, AppKey, ClusterKey


# ---------------------------------------------------------------- alert receivers
class AlertReceiver(BaseModel):
    Name: str = Field(description="Receiver Name")
    Type: str = Field(description="Receiver type. Eg. email, slack, pagerduty")
    Severity: str = Field(description="Alert severity filter")
    Region: Optional[str] = Field(None, description="Region for the alert receiver")
    User: Optional[str] = Field(None, description="User that created this receiver")
    Email: Optional[str] = Field(None, description="Custom receiving email")
    SlackChannel: Optional[str] = Field(None, description="Custom slack channel")
    SlackWebhook: Optional[str] = Field(None, description="Custom slack webhook (never shown)")
    PagerDutyIntegrationKey: Optional[str] = Field(None, description="PagerDuty integration key (never shown)")
    PagerDutyApiVersion: Optional[str] = Field(None, description="PagerDuty API version")
    AppInstKey: Optional[_AppInstKey] = Field(None, description="the AppInst (or its cloudlet) the receiver is for")
    AppKey: Optional[_AppKey] = Field(None, description="the App the receiver is for")
    ClusterKey: Optional[_ClusterKey] = Field(None, description="the cluster the receiver is for")


class AlertReceivers(RootModel[list[AlertReceiver]]):
    """A JSON array of AlertReceiver."""


# ---------------------------------------------------------------- events
class EventTag(BaseModel):
    key: Optional[str] = Field(None, description="Tag key")
    value: Optional[str] = Field(None, description="Tag value")


class Event(BaseModel):
    """NodeEventData: one audit event."""
    name: str = Field(description="Name of event")
    org: Optional[list[str]] = Field(None, description="Organizations that can see event")
    type: Optional[str] = Field(None, description="Type of event, audit or event")
    region: Optional[str] = Field(None, description="Region in which event happened")
    timestamp: str = Field(description="Timestamp of event")
    error: Optional[str] = Field(None, description="Error if event is logging a failure")
    mtags: Optional[dict[str, str]] = Field(None, description="Tags associated with event")
    tags: Optional[list[EventTag]] = Field(None, description="Tags associated with event")


class Events(RootModel[list[Event]]):
    """A JSON array of Event."""


class AggrVal(BaseModel):
    key: str = Field(description="Key")
    count: int = Field(description="Count of number of documents associated with key")


class EventTerms(BaseModel):
    """NodeEventTerms: the terms of the events found, with counts (a list is omitted when empty)."""
    names: Optional[list[AggrVal]] = Field(None, description="Names of events")
    orgs: Optional[list[AggrVal]] = Field(None, description="Organizations on events")
    types: Optional[list[AggrVal]] = Field(None, description="Types of events")
    regions: Optional[list[AggrVal]] = Field(None, description="Regions on events")
    tagkeys: Optional[list[AggrVal]] = Field(None, description="Tag keys on events")


# ---------------------------------------------------------------- federation
class Federator(BaseModel):
    """MyInfo / PartnerInfo of a federation."""
    FederationId: Optional[str] = Field(None, description="Globally unique string used to indentify a federation "
                                                          "operator platform")
    CountryCode: Optional[str] = Field(None, description="ISO 3166-1 Alpha-2 code for the country where operator "
                                                         "platform is located")
    MCC: Optional[str] = Field(None, description="Mobile country code of operator sending the request")
    MNC: Optional[list[str]] = Field(None, description="Mobile network codes of operator sending the request")
    FixedNetworkIds: Optional[list[str]] = Field(None, description="Fixed network IDs")
    DiscoveryEndPoint: Optional[str] = Field(None, description="IP and Port of discovery service URL of operator "
                                                               "platform")
    InitialDate: Optional[str] = Field(None, description=f"Initial create time to denote time zone; {_TIME}")


class FederationProviderInfo(BaseModel):
    """What a federation Host's partner needs to connect (CreateFederationHost, GenerateFederationHostAPIKey)."""
    ClientId: str = Field(description="Client ID for Oauth")
    ClientKey: str = Field(description="Client Key for Oauth. Save this, as it the system cannot retrieve it.")
    TargetAddr: str = Field(description="Target Address for EWBI create")
    TokenUrl: str = Field(description="Oauth2 token URL")


class FederationHost(BaseModel):
    """OrmapiFederationProvider (never its secrets)."""
    ID: Optional[int] = Field(None, description="Unique ID")
    Name: str = Field(description="Unique name of this federation Host, will be used as a developer org name for "
                                  "Guest OP's apps")
    OperatorId: Optional[str] = Field(None, description="Operator Organization that provides the resources")
    Regions: Optional[list[str]] = Field(None, description="List of regions to allow the Guest OP to use")
    MyInfo: Optional[Federator] = None
    PartnerInfo: Optional[Federator] = None
    DefaultContainerDeployment: Optional[str] = Field(None, description="Default container deployment type (either "
                                                                        "docker or kubernetes)")
    FederationContextId: Optional[str] = Field(None, description="The federation context id we generated for this "
                                                                 "federation")
    ProviderClientId: Optional[str] = Field(None, description="Host client ID for inbound connections")
    PartnerNotifyDest: Optional[str] = Field(None, description="Partner notification URI")
    PartnerNotifyTokenUrl: Optional[str] = Field(None, description="Partner Oauth token URI")
    PartnerNotifyClientId: Optional[str] = Field(None, description="Partner notification client id")
    Status: Optional[str] = Field(None, description="Status")
    CreatedAt: Optional[str] = Field(None, description=f"Time created; {_TIME}")
    UpdatedAt: Optional[str] = Field(None, description=f"Time updated; {_TIME}")


class FederationHosts(RootModel[list[FederationHost]]):
    """A JSON array of FederationHost."""


class FederationGuest(BaseModel):
    """OrmapiFederationConsumer (never its secrets); developer orgs see public ones as Name, OperatorId and
    Status only."""
    ID: Optional[int] = Field(None, description="Unique ID")
    Name: str = Field(description="Unique name of this Federation Guest, will be used as an operator org for "
                                  "partner's zones")
    OperatorId: Optional[str] = Field(None, description="Operator Organization that establishes the federation "
                                                        "with a Host OP")
    Public: Optional[bool] = Field(None, description="Public means any developer will be able to use the "
                                                     "cloudlets, otherwise (TODO) developers will need to be added "
                                                     "explicitly")
    PartnerAddr: Optional[str] = Field(None, description="Partner Address")
    PartnerTokenUrl: Optional[str] = Field(None, description="Partner token URL")
    MyInfo: Optional[Federator] = None
    PartnerInfo: Optional[Federator] = None
    AutoRegisterZones: Optional[bool] = Field(None, description="Automatically register any zone shared with me")
    AutoRegisterRegion: Optional[str] = Field(None, description="Region used for automatically registered zones")
    FederationContextId: Optional[str] = Field(None, description="Federation context id returned by partner")
    ProviderClientId: Optional[str] = Field(None, description="Auth ClientId for connecting to the Host OP")
    NotifyClientId: Optional[str] = Field(None, description="Auth ClientId for notify callbacks to this Guest OP")
    Status: Optional[str] = Field(None, description="Status")
    CreatedAt: Optional[str] = Field(None, description=f"Time created; {_TIME}")
    UpdatedAt: Optional[str] = Field(None, description=f"Time updated; {_TIME}")


class FederationGuests(RootModel[list[FederationGuest]]):
    """A JSON array of FederationGuest."""


class GuestZone(BaseModel):
    """OrmapiConsumerZone."""
    ZoneId: str = Field(description="Zone unique name")
    ConsumerName: str = Field(description="Name of the Federation Guest")
    OperatorId: Optional[str] = Field(None, description="Guest operator organization")
    GeoLocation: Optional[str] = Field(None, description="GPS co-ordinates associated with the zone (in decimal "
                                                         "format)")
    GeographyDetails: Optional[str] = Field(None, description="Geography details")
    Region: Optional[str] = Field(None, description="Region in which zone is instantiated")
    Status: Optional[str] = Field(None, description="Zone status")


class GuestZones(RootModel[list[GuestZone]]):
    """A JSON array of GuestZone."""


class HostZone(BaseModel):
    """OrmapiProviderZone: a zone base shared with a federation."""
    ZoneId: str = Field(description="Globally unique identifier of the federator zone")
    ProviderName: str = Field(description="Name of the Federation Host OP")
    OperatorId: Optional[str] = Field(None, description="Host operator organization")
    PartnerNotifyZoneURI: Optional[str] = Field(None, description="Partner notify zone URI")
    Status: Optional[str] = Field(None, description="Zone status")


class HostZones(RootModel[list[HostZone]]):
    """A JSON array of HostZone."""


class HostZoneBase(BaseModel):
    """OrmapiProviderZoneBase."""
    ZoneId: str = Field(description="Unique name for zone")
    OperatorId: Optional[str] = Field(None, description="Operator organization")
    CountryCode: Optional[str] = Field(None, description="ISO 3166-1 Alpha-2 code for the country where operator "
                                                         "platform is located")
    GeoLocation: Optional[str] = Field(None, description="GPS co-ordinates associated with the zone (in decimal "
                                                         "format)")
    GeographyDetails: Optional[str] = Field(None, description="Geography details")
    Region: Optional[str] = Field(None, description="Region in which cloudlets reside")
    Cloudlets: Optional[list[str]] = Field(None, description="List of cloudlets part of this zone")


class HostZoneBases(RootModel[list[HostZoneBase]]):
    """A JSON array of HostZoneBase."""


class GuestImage(BaseModel):
    """OrmapiConsumerImage: a developer image copied to a federation partner."""
    ID: str = Field(description="ID")
    Name: Optional[str] = Field(None, description="Image name")
    Organization: Optional[str] = Field(None, description="Developer organization that owns the image")
    FederationName: str = Field(description="Federation the image is copied to (FederationGuest)")
    Version: Optional[str] = Field(None, description="Image version")
    SourcePath: Optional[str] = Field(None, description="Full path to source image as used in App")
    Type: Optional[str] = Field(None, description="Image type (DOCKER, HELM, QCOW2, or OVA)")
    Checksum: Optional[str] = Field(None, description="MD5 checksum for VM and file-based image types, sha256 "
                                                      "digest for containers and Helm charts")
    Status: Optional[str] = Field(None, description="Image status")


class GuestImages(RootModel[list[GuestImage]]):
    """A JSON array of GuestImage."""


class GuestApp(BaseModel):
    """OrmapiConsumerApp: a regional App onboarded to a federation partner."""
    ID: str = Field(description="Unique ID, acts as both the App and Artefact IDs")
    Region: Optional[str] = Field(None, description="Region name")
    AppName: Optional[str] = Field(None, description="App name in region")
    AppOrg: Optional[str] = Field(None, description="App org in region")
    AppVers: Optional[str] = Field(None, description="App version in region")
    FederationName: str = Field(description="Target Guest Federation name")
    ImageIds: Optional[list[str]] = Field(None, description="Images created for this app")
    Status: Optional[str] = Field(None, description="Status")


class GuestApps(RootModel[list[GuestApp]]):
    """A JSON array of GuestApp."""


class HostImage(BaseModel):
    """OrmapiProviderImage: an image a partner uploaded to this host."""
    FederationName: str = Field(description="Host federation name")
    FileID: str = Field(description="File ID sent by partner")
    Path: Optional[str] = Field(None, description="Image path")
    Name: Optional[str] = Field(None, description="Image name")
    Description: Optional[str] = Field(None, description="Image description")
    Version: Optional[str] = Field(None, description="Image version")
    Type: Optional[str] = Field(None, description="Image type (DOCKER, HELM, QCOW2, or OVA)")
    AppProviderId: Optional[str] = Field(None, description="Partner app provider organization")
    Checksum: Optional[str] = Field(None, description="MD5 checksum for VM and file-based image types, sha256 "
                                                      "digest for containers and Helm charts")
    Status: Optional[str] = Field(None, description="Image status")


class HostImages(RootModel[list[HostImage]]):
    """A JSON array of HostImage."""


class HostArtefact(BaseModel):
    """OrmapiProviderArtefact."""
    FederationName: str = Field(description="Host Federation name")
    ArtefactID: str = Field(description="Artefact ID send by partner")
    AppProviderId: Optional[str] = Field(None, description="App provider ID")
    AppName: Optional[str] = Field(None, description="App name in region")
    AppVers: Optional[str] = Field(None, description="App version in region")
    ArtefactName: Optional[str] = Field(None, description="Artefact name")
    ArtefactVersion: Optional[str] = Field(None, description="Artefact version")
    VirtType: Optional[str] = Field(None, description="Virtualization Type")
    DescType: Optional[str] = Field(None, description="Descriptor Type")
    FileIds: Optional[list[str]] = Field(None, description="Image files of the artefact")


class HostArtefacts(RootModel[list[HostArtefact]]):
    """A JSON array of HostArtefact."""


class HostApp(BaseModel):
    """OrmapiProviderApp."""
    FederationName: str = Field(description="Host Federation name")
    AppID: str = Field(description="App ID send by partner")
    AppName: Optional[str] = Field(None, description="App name of federation app (not region app)")
    AppVers: Optional[str] = Field(None, description="App version  of federation app (not region app)")
    AppProviderId: Optional[str] = Field(None, description="App provider ID")
    ArtefactIds: Optional[list[str]] = Field(None, description="Artefacts of the app")
    DeploymentZones: Optional[list[str]] = Field(None, description="Zones the app may be deployed to")
    AppStatusCallbackLink: Optional[str] = Field(None, description="App status callback link")


class HostApps(RootModel[list[HostApp]]):
    """A JSON array of HostApp."""


class HostAppInst(BaseModel):
    """OrmapiProviderAppInst."""
    FederationName: str = Field(description="Host Federation name")
    AppInstID: str = Field(description="AppInst unique ID")
    AppInstCallbackLink: Optional[str] = Field(None, description="AppInst callback link")
    Region: Optional[str] = Field(None, description="Region for AppInst")
    AppID: Optional[str] = Field(None, description="AppID for ProviderApp")
    AppName: Optional[str] = Field(None, description="App name for AppInstKey")
    AppVers: Optional[str] = Field(None, description="App version for AppInstKey")
    Cloudlet: Optional[str] = Field(None, description="Cloudlet name for AppInstKey")
    CloudletOrg: Optional[str] = Field(None, description="Cloudlet org for AppInstKey")
    CloudletFedOrg: Optional[str] = Field(None, description="Cloudlet federation org for AppInstKey (this should "
                                                            "always be blank)")
    Error: Optional[str] = Field(None, description="Error message if create failed")


class HostAppInsts(RootModel[list[HostAppInst]]):
    """A JSON array of HostAppInst."""


# ---------------------------------------------------------------- cloudlet queries (one document each)
class FlavorMatch(BaseModel):
    key: Optional[CloudletKey] = None
    flavor_name: str = Field(description="Flavor name to lookup")
    availability_zone: Optional[str] = Field(None, description="availability zone for optional resources if any")


class CloudletManifest(BaseModel):
    manifest: str = Field(description="Manifest to bringup cloudlet VM and services.")


class PropertyInfo(BaseModel):
    name: Optional[str] = Field(None, description="Name of the property")
    description: Optional[str] = Field(None, description="Description of the property")
    value: Optional[str] = Field(None, description="Default value of the property")
    secret: Optional[bool] = Field(None, description="Is the property a secret value, will be hidden")
    mandatory: Optional[bool] = Field(None, description="Is the property mandatory")
    internal: Optional[bool] = Field(None, description="Is the property internal, not to be set by Operator")


class CloudletProps(BaseModel):
    organization: Optional[str] = Field(None, description="Organization")
    platform_type: Optional[str] = Field(None, description="Platform type")
    properties: Optional[dict[str, PropertyInfo]] = Field(None, description="Single Key-Value pair of env var to be "
                                                                            "passed to CRM")


class InfraResource(BaseModel):
    name: str = Field(description="Resource name")
    value: Optional[int] = Field(None, description="Resource value")
    infra_max_value: Optional[int] = Field(None, description="Resource infra max value")
    quota_max_value: Optional[int] = Field(None, description="Resource quota max value")
    description: Optional[str] = Field(None, description="Resource description")
    units: Optional[str] = Field(None, description="Resource units")
    alert_threshold: Optional[int] = Field(None, description="Generate alert when more than threshold percentage of "
                                                             "resource is used")


class CloudletResourceQuotaProps(BaseModel):
    organization: Optional[str] = Field(None, description="Organization")
    platform_type: Optional[str] = Field(None, description="Platform type")
    properties: Optional[list[InfraResource]] = Field(None, description="Cloudlet resource properties")


class CloudletResourceUsage(BaseModel):
    key: Optional[CloudletKey] = None
    infra_usage: Optional[bool] = Field(None, description="Show Infra based usage")
    info: Optional[list[InfraResource]] = Field(None, description="Infra Resource information")
