"""Documented request bodies of EdgeGallery's application group (seed 000 §3): what the contract publishes and
:func:`~chalicelib.surfaces.edgegallery.common.body_of` checks before the services' own rules."""
from __future__ import annotations

from typing import Literal, Optional

from pydantic import Field

from chalicelib.surfaces.edgegallery.common import Doc


class ApplicationIn(Doc):
    """An application (create: name, version, provider, appClass and iconFileId are required by the service)."""
    name: Optional[str] = Field(None, description="1-32 letters, digits, '_' or '-'", examples=["face-recognition"])
    version: Optional[str] = Field(None, description="1-10 letters, digits, '_', '-', '.' or spaces")
    provider: Optional[str] = Field(None, description="1-30 characters, not starting with a space")
    appClass: Optional[Literal["CONTAINER", "VM"]] = None
    architecture: Optional[Literal["X86", "ARM64", "ARM32"]] = None
    appCreateType: Optional[Literal["INTEGRATED", "DEVELOP"]] = None
    description: Optional[str] = Field(None, description="1-128 characters")
    type: Optional[str] = Field(None, description="application type, e.g. Video Application")
    industry: Optional[str] = None
    iconFileId: Optional[str] = Field(None, description="id of an uploaded icon file (POST /upload-files)")
    guideFileId: Optional[str] = None
    mepHostId: Optional[str] = None
    pkgSpecId: Optional[str] = None
    userId: Optional[str] = Field(None, description="must be the caller's own id when given")
    userName: Optional[str] = Field(None, description="must be the caller's own name when given")


class ApplicationDetailIn(Doc):
    """``PUT .../detail``: the application with its VM or container part."""
    vmApp: Optional[dict] = None
    containerApp: Optional[dict] = None
