"""Pluggable Git providers behind one interface (:class:`base.Provider`).

``github``, ``gitlab``, ``gitee`` and ``bitbucket`` are REST clients of those hosts; ``edgeplane`` is the
embedded host whose repositories are real git repositories kept in S3 (:mod:`.embedded`). An authorization
whose host is the embedded one (``git.edgeplane.local``) uses the embedded provider whatever its type.
"""
from __future__ import annotations

from chalicelib.surfaces.servicestage.gitproviders import errors
from chalicelib.surfaces.servicestage.gitproviders.base import Cred, Provider
from chalicelib.surfaces.servicestage.gitproviders.bitbucket import Bitbucket
from chalicelib.surfaces.servicestage.gitproviders.embedded import Embedded, is_embedded_host
from chalicelib.surfaces.servicestage.gitproviders.gitee import Gitee
from chalicelib.surfaces.servicestage.gitproviders.github import GitHub
from chalicelib.surfaces.servicestage.gitproviders.gitlab import GitLab

PROVIDERS: dict[str, Provider] = {p.repo_type: p for p in (GitHub(), GitLab(), Gitee(), Bitbucket(), Embedded())}
EMBEDDED = PROVIDERS["edgeplane"]


def normalize_type(repo_type: str) -> str:
    """Case-insensitive (catalog §5.12): GitHub / github / BitBucket / Bitbucket → the lower-case key."""
    key = (repo_type or "").strip().lower()
    if key not in PROVIDERS:
        raise errors.not_implemented(f"repository type {repo_type!r} is not implemented "
                                     f"(one of: {', '.join(PROVIDERS)})")
    return key


def provider(repo_type: str, host: str | None = None) -> Provider:
    if is_embedded_host(host):
        return EMBEDDED
    return PROVIDERS[normalize_type(repo_type)]


__all__ = ["Cred", "Provider", "PROVIDERS", "EMBEDDED", "normalize_type", "provider", "errors"]
