"""Domain errors. Services raise these; each surface's envelope renders them."""
from __future__ import annotations


class DomainError(Exception):
    status = 400
    kind = "invalid"

    def __init__(self, message: str, *, code: str | None = None, details: dict | None = None,
                 status: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.details = details or {}
        if status is not None:
            self.status = status


class Invalid(DomainError):
    status = 422
    kind = "invalid"


class BadRequest(DomainError):
    status = 400
    kind = "bad_request"


class Unauthenticated(DomainError):
    status = 401
    kind = "unauthenticated"


class Forbidden(DomainError):
    status = 403
    kind = "forbidden"


class NotFound(DomainError):
    status = 404
    kind = "not_found"


class Conflict(DomainError):
    status = 409
    kind = "conflict"


class TooLarge(DomainError):
    status = 413
    kind = "too_large"


class UnsupportedMedia(DomainError):
    status = 415
    kind = "unsupported_media"


class Limit(DomainError):
    status = 429
    kind = "limit"


class Unavailable(DomainError):
    """A dependency failed in a way the client may retry."""
    status = 503
    kind = "unavailable"
