"""``SDK-HMAC-SHA256`` request signatures (Huawei Cloud AK/SK), verified the way the official SDK signs.

CanonicalRequest = method, canonical URI (each decoded path segment percent-encoded with ``~`` safe, always
ending in ``/``), canonical query (sorted ``k=v`` pairs, percent-encoded), ``name:value`` per signed header,
the signed-header list, and the hex SHA-256 of the body (``X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`` for
non-JSON bodies). StringToSign = ``SDK-HMAC-SHA256\\n<X-Sdk-Date>\\n<hex sha256(CanonicalRequest)>``;
Signature = hex HMAC-SHA256(SK, StringToSign).

Checks: the date within ±15 minutes of the server clock, ``host`` and ``x-sdk-date`` among the signed headers,
the signature compared in constant time, and requests that create or overwrite (POST, PUT, PATCH) accepted once
(a nonce item per signature lives as long as the clock window). The date has one-second resolution, so two
identical requests inside one second carry the same signature: replay protection for reads would refuse honest
polling (a replayed read returns what its capturer has already seen), and for DELETE it would refuse a client
that retries a delete at once, e.g. after a 409 "still in use" it has just cleared up. A replayed DELETE can only
repeat the deletion its signer asked for (most ids are generated, so a recreated object has a new path; where
the client picks the id, as CSE's serviceId, a replay inside the window could delete a namesake created since:
the price of honest retries); a replayed POST would create again and a replayed PUT could undo a later change, so those are refused.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime, timezone
from urllib.parse import quote

from chalicelib.core import clock
from chalicelib.core.errors import Conflict, Unauthenticated
from chalicelib.store import base as store
from chalicelib.store.servicestage import SsNonce

ALGORITHM = "SDK-HMAC-SHA256"
WINDOW_SECONDS = 15 * 60
EMPTY_HASH = hashlib.sha256(b"").hexdigest()
_AUTH = re.compile(r"^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]+)\s*$")
REPEATABLE_METHODS = {"GET", "HEAD", "OPTIONS", "DELETE"}


class SignatureError(Unauthenticated):
    def __init__(self, message: str):
        super().__init__(message, code="APIGW.0301")


def parse(header: str) -> tuple[str, list[str], str]:
    m = _AUTH.match(header or "")
    if not m:
        raise SignatureError("Incorrect IAM authentication information: malformed Authorization header")
    return m.group(1), m.group(2).lower().split(";"), m.group(3).lower()


def _encode(s: str) -> str:
    return quote(s, safe="~")


def canonical_uri(decoded_path: str) -> str:
    uri = "/".join(_encode(seg) for seg in decoded_path.split("/"))
    return uri if uri.endswith("/") else uri + "/"


def canonical_query(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{_encode(k)}={_encode(v)}" for k, v in sorted(pairs))


def string_to_sign(method: str, decoded_path: str, query: list[tuple[str, str]], headers: dict,
                   signed: list[str], body: bytes, sdk_date: str) -> str:
    missing = [h for h in signed if h not in headers]
    if missing:
        raise SignatureError(f"Incorrect IAM authentication information: signed header {missing[0]} is missing")
    canonical_headers = "".join(f"{h}:{str(headers[h]).strip()}\n" for h in signed)
    payload = headers.get("x-sdk-content-sha256") or (hashlib.sha256(body).hexdigest() if body else EMPTY_HASH)
    canonical = "\n".join([method.upper(), canonical_uri(decoded_path), canonical_query(query), canonical_headers,
                           ";".join(signed), payload])
    return f"{ALGORITHM}\n{sdk_date}\n{hashlib.sha256(canonical.encode()).hexdigest()}"


def sign(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


def check_date(sdk_date: str | None) -> None:
    try:
        t = datetime.strptime(sdk_date or "", "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc).timestamp()
    except ValueError:
        raise SignatureError("Incorrect IAM authentication information: X-Sdk-Date is missing or malformed") from None
    if abs(clock.now() - t) > WINDOW_SECONDS:
        raise SignatureError("Incorrect IAM authentication information: "
                             "the request time (X-Sdk-Date) is outside the allowed window of 15 minutes")


def verify(secret: str, signature: str, method: str, decoded_path: str, query: list[tuple[str, str]],
           headers: dict, signed: list[str], body: bytes) -> None:
    for needed in ("host", "x-sdk-date"):
        if needed not in signed:
            raise SignatureError(f"Incorrect IAM authentication information: {needed} must be signed")
    check_date(headers.get("x-sdk-date"))
    expected = sign(secret, string_to_sign(method, decoded_path, query, headers, signed, body, headers["x-sdk-date"]))
    if not hmac.compare_digest(expected, signature):
        raise SignatureError("Incorrect IAM authentication information: verify aksk signature fail")
    if method.upper() not in REPEATABLE_METHODS:
        _once(signature)


def _once(signature: str) -> None:
    item = SsNonce(f"SSSIG#{hashlib.sha256(signature.encode()).hexdigest()}", "N")
    item.expires_at = datetime.fromtimestamp(clock.now_s() + 2 * WINDOW_SECONDS, tz=timezone.utc)
    try:
        store.create(item)
    except Conflict:
        raise SignatureError("Incorrect IAM authentication information: the request was already used") from None
