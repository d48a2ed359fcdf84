"""The clock. One place to read time, so tests can move it."""
from __future__ import annotations

import time
from datetime import datetime, timezone

_offset = [0.0]


def now() -> float:
    return time.time() + _offset[0]


def now_s() -> int:
    return int(now())


def now_ms() -> int:
    return int(now() * 1000)


def utcnow() -> datetime:
    return datetime.fromtimestamp(now(), tz=timezone.utc)


def iso(ts: float | None = None) -> str:
    t = now() if ts is None else ts
    return datetime.fromtimestamp(t, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def advance(seconds: float) -> None:
    """Move the clock forward (tests only)."""
    _offset[0] += seconds


def reset() -> None:
    _offset[0] = 0.0
