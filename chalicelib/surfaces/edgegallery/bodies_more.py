"""Documented request bodies of EdgeGallery's capability center (seed 000 §5, §7), App-operation (§24), AppPackage
(§25) and ReleasedPackage (§27): what the contract publishes and
:func:`~chalicelib.surfaces.edgegallery.common.body_of` checks before the services' own rules."""
from __future__ import annotations

from typing import Optional

from pydantic import Field, RootModel

from chalicelib.surfaces.edgegallery.common import Doc


# ---------------------------------------------------------------- 5 / 7 capability center
class GroupRefIn(Doc):
    id: Optional[str] = Field(None, description="the capability group's id")


class CapabilityGroupIn(Doc):
    """A capability group (name and type are required by the service)."""
    name: Optional[str] = Field(None, description="at most 1024 characters")
    nameEn: Optional[str] = Field(None, description="default: name")
    description: Optional[str] = None
    descriptionEn: Optional[str] = None
    type: Optional[str] = Field(None, description="OPENMEP, OPENMEP_ECO or STANDARD")
    iconFileId: Optional[str] = Field(None, description="id of an uploaded icon file")
    author: Optional[str] = Field(None, description="default: the caller's name")
    parent: Optional[GroupRefIn] = Field(None, description="the parent group, by id")


class CapabilityGroupPartIn(Doc):
    """The group of a new capability: by id, else by name (created, type OPENMEP by default, when none has it)."""
    id: Optional[str] = None
    name: Optional[str] = None
    nameEn: Optional[str] = None
    description: Optional[str] = None
    descriptionEn: Optional[str] = None
    type: Optional[str] = Field(None, description="OPENMEP, OPENMEP_ECO or STANDARD")
    iconFileId: Optional[str] = None
    author: Optional[str] = None


class CapabilityIn(Doc):
    """A capability (create: name, apiFileId, guideFileId, iconFileId and a group are required by the service;
    update: the fields given replace the stored ones, the group is kept)."""
    groupId: Optional[str] = Field(None, description="the capability group's id")
    group: Optional[CapabilityGroupPartIn] = None
    name: Optional[str] = Field(None, description="unique, at most 1024 characters")
    nameEn: Optional[str] = Field(None, description="unique, default: name")
    version: Optional[str] = None
    description: Optional[str] = None
    descriptionEn: Optional[str] = None
    provider: Optional[str] = None
    apiFileId: Optional[str] = Field(None, description="id of an uploaded API file")
    guideFileId: Optional[str] = Field(None, description="id of an uploaded guide file")
    guideFileIdEn: Optional[str] = None
    iconFileId: Optional[str] = Field(None, description="id of an uploaded icon file")
    host: Optional[str] = None
    port: Optional[int] = Field(None, description="0..65535")
    protocol: Optional[str] = Field(None, description="e.g. http or https")
    appId: Optional[str] = None
    packageId: Optional[str] = None
    author: Optional[str] = None
    experienceUrl: Optional[str] = None


# ---------------------------------------------------------------- 24 App-operation
class SelectMepHostIn(Doc):
    """``PUT .../action/sel-mephost``."""
    mepHostId: Optional[str] = Field(None, description="required: the MEP host's id (lower-case UUID)")


class PublishAppIn(Doc):
    """``publishAppDto`` of a release (absent or empty body: price 0, free)."""
    price: Optional[float] = Field(None, description="a non-negative number (default 0)")
    free: Optional[bool] = Field(None, description="default true")


# ---------------------------------------------------------------- 25 / 27 package files
class PackageFileIn(Doc):
    """A file of a package's working tree (get-file-content: filePath; update/edit: filePath and content)."""
    filePath: Optional[str] = Field(None, description="a path listed by action/get-pkg-structure")
    content: Optional[str] = Field(None, description="the file's new text (update/edit)")


# ---------------------------------------------------------------- JSON-array bodies (common.items_of)
class PackageRefIn(Doc):
    """One AppStore package to copy."""
    appId: Optional[str] = Field(None, description="the AppStore application's id (required)")
    packageId: Optional[str] = Field(None, description="the package's id; empty: the application's newest")


class PackageRefsIn(RootModel[list[PackageRefIn]]):
    """``POST /released-packages``: the AppStore packages to synchronize (1-50)."""


class FileIdsIn(RootModel[list[str]]):
    """The ids of uploaded API files (1-20) the sample code is generated from."""
