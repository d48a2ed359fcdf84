"""The Git family's errors (catalog §4.6, ``SVCSTG.REPO.xxxx``); every provider raises these."""
from __future__ import annotations

from chalicelib.core.errors import BadRequest, DomainError, NotFound, Unavailable

INVALID = "SVCSTG.REPO.0400"
NOT_IMPLEMENTED = "SVCSTG.REPO.0401"
BAD_OAUTH = "SVCSTG.REPO.0402"
EXISTS = "SVCSTG.REPO.0403"
NO_AUTH = "SVCSTG.REPO.0450"
BAD_AUTH = "SVCSTG.REPO.0451"
BAD_CLONE_URL = "SVCSTG.REPO.0452"
REMOTE = "SVCSTG.REPO.0501"


def invalid(message: str) -> DomainError:
    return BadRequest(message, code=INVALID)


def not_found(message: str) -> DomainError:
    return NotFound(message, code=INVALID)


def exists(message: str) -> DomainError:
    return BadRequest(message, code=EXISTS)


def not_implemented(message: str) -> DomainError:
    return BadRequest(message, code=NOT_IMPLEMENTED)


def bad_oauth(message: str = "invalid OAuth code or state") -> DomainError:
    return BadRequest(message, code=BAD_OAUTH)


def no_auth(message: str = "no repository authorization: check the X-Repo-Auth header") -> DomainError:
    return BadRequest(message, code=NO_AUTH)


def bad_auth(message: str = "the repository authorization is invalid or expired", *,
             refused: bool = False) -> DomainError:
    """``refused``: the host rejected the credential itself (HTTP 401), so the authorization is unauthenticated."""
    return BadRequest(message, code=BAD_AUTH, details={"refused": True} if refused else None)


def bad_clone_url(message: str = "invalid clone URL") -> DomainError:
    return BadRequest(message, code=BAD_CLONE_URL)


def remote(message: str = "the remote repository answered with an error") -> DomainError:
    return Unavailable(message, code=REMOTE)
