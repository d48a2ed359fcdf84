"""Secrets at rest (registry passwords, Git tokens, AK/SK secrets): AES-256-GCM with a key from config.

The data key is derived (HKDF-SHA256) from ``settings().data_key`` (``EDGEPLANE_DATA_KEY``; in AWS its own
Secrets Manager secret by reference, ``EDGEPLANE_DATA_KEY_ID``; locally the JWT key). Sealed values carry a version prefix for rotation.
"""
from __future__ import annotations

import base64
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from chalicelib.core.config import settings

_PREFIX = "v1:"


def _key() -> bytes:
    material = settings().data_key.encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"edgeplane-sealing", info=b"v1").derive(material)


def seal(plaintext: str, context: str = "") -> str:
    nonce = os.urandom(12)
    ct = AESGCM(_key()).encrypt(nonce, plaintext.encode(), context.encode())
    return _PREFIX + base64.urlsafe_b64encode(nonce + ct).decode()


def unseal(sealed: str, context: str = "") -> str:
    if not sealed.startswith(_PREFIX):
        raise ValueError("unknown sealing version")
    raw = base64.urlsafe_b64decode(sealed[len(_PREFIX):].encode())
    return AESGCM(_key()).decrypt(raw[:12], raw[12:], context.encode()).decode()
