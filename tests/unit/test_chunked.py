"""Chunked uploads on S3: save, resume listing, cancel, merge (buffered and server-side copy), formats."""
from __future__ import annotations

import hashlib
import os

import pytest

from chalicelib import blobs
from chalicelib.blobs import chunked
from chalicelib.core.errors import BadRequest, NotFound


def test_small_chunks_merge_in_order(aws_env):
    pieces = [os.urandom(1000 + i) for i in range(5)]
    for i, data in reversed(list(enumerate(pieces, 1))):
        chunked.save_chunk("eg/test/abc", i, data)
    assert chunked.received("eg/test/abc") == [1, 2, 3, 4, 5]
    out = chunked.merge("eg/test/abc", "files/merged.bin")
    whole = b"".join(pieces)
    assert blobs.get("files/merged.bin") == whole
    assert out["size"] == len(whole) and out["sha256"] == hashlib.sha256(whole).hexdigest()
    assert out["head"] == whole[:64 * 1024]
    assert chunked.received("eg/test/abc") == []  # parts removed after the merge


def test_large_chunks_are_copied_server_side(aws_env):
    big = [os.urandom(5 * 1024 * 1024 + 7), os.urandom(5 * 1024 * 1024 + 1), b"tail"]
    for i, data in enumerate(big, 1):
        chunked.save_chunk("eg/test/big", i, data, max_bytes=20 * 1024 * 1024)
    out = chunked.merge("eg/test/big", "files/big.bin")
    assert out["parts"] == 3
    assert blobs.get("files/big.bin") == b"".join(big)


def test_missing_chunks_and_empty_sessions(aws_env):
    chunked.save_chunk("eg/test/gap", 1, b"a")
    chunked.save_chunk("eg/test/gap", 3, b"c")
    with pytest.raises(BadRequest, match="missing"):
        chunked.merge("eg/test/gap", "files/x")
    with pytest.raises(BadRequest):
        chunked.merge("eg/test/gap", "files/x", expected_chunks=4)
    assert chunked.cancel("eg/test/gap") == 2
    with pytest.raises(NotFound):
        chunked.merge("eg/test/gap", "files/x")
    with pytest.raises(BadRequest):
        chunked.save_chunk("../escape", 1, b"x")


def test_formats_by_content():
    assert chunked.detect_format(b"QFI\xfb" + b"\0" * 100) == "qcow2"
    iso = bytearray(40000)
    iso[32769:32774] = b"CD001"
    assert chunked.detect_format(bytes(iso)) == "iso"
    assert chunked.detect_format(b"PK\x03\x04rest") == "zip"
    assert chunked.detect_format(b"just text") == "unknown"
