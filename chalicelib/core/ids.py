"""Identifiers: time-sortable string ids and per-name integer sequences."""
from __future__ import annotations

import os
import threading
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case
_lock = threading.Lock()
_last = [0, 0]


def new_id() -> str:
    """A 26-character ULID-like id: 48-bit ms timestamp + 80 random bits, monotonic in-process."""
    with _lock:
        ms = int(time.time() * 1000)
        rnd = int.from_bytes(os.urandom(10), "big")
        if ms <= _last[0]:
            ms = _last[0]
            rnd = (_last[1] + 1) & ((1 << 80) - 1)
        _last[0], _last[1] = ms, rnd
    value = (ms << 80) | rnd
    out = []
    for _ in range(26):
        out.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(out))


def pad(n: int, width: int = 20) -> str:
    """Zero-padded integer for sort keys (lexicographic order == numeric order)."""
    return str(int(n)).zfill(width)


def next_int(sequence: str) -> int:
    """Next value of a named integer sequence (an atomic counter item in the store)."""
    from chalicelib.store.models import Sequence
    return Sequence.next(sequence)
