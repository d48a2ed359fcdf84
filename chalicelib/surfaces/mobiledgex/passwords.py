"""Password rules of the Master Controller (catalog §5.9): 8..4095 characters and a zxcvbn crack time of
at least 30 days (2 years for AdminManager) at 10^6 guesses per second. The hash itself is the shared
identity's argon2id; the crack time is kept as ``PassCrackTimeSec``."""
from __future__ import annotations

from zxcvbn import zxcvbn

from chalicelib.core.errors import BadRequest

GUESSES_PER_SECOND = 1_000_000
USER_MIN_SECONDS = 30 * 86400
ADMIN_MIN_SECONDS = 2 * 365 * 86400
_UNITS = ((365 * 86400, "years"), (86400, "days"), (3600, "hours"), (60, "minutes"), (1, "seconds"))


def human(seconds: float) -> str:
    for size, unit in _UNITS:
        if seconds >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.1f} seconds"


def crack_seconds(password: str) -> float:
    return float(zxcvbn(password[:100])["guesses"]) / GUESSES_PER_SECOND


def check(password: str, *, admin: bool = False) -> float:
    """The crack time in seconds; 400 with upstream's texts when too short or too weak."""
    if not isinstance(password, str) or len(password) < 8:
        raise BadRequest("Invalid password, password must be at least 8 characters")
    if len(password) > 4095:
        raise BadRequest("Invalid password, password must be less than 4096 characters")
    seconds = crack_seconds(password)
    need = ADMIN_MIN_SECONDS if admin else USER_MIN_SECONDS
    if seconds < need:
        raise BadRequest(f"Password too weak, requires crack time {human(need)} but is {human(seconds)}. "
                         "Please increase length or complexity")
    return seconds
