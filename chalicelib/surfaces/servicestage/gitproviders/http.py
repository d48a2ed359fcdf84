"""HTTP transport of the REST providers: ``requests`` with timeouts, a response size cap and an SSRF guard.

Tests replace the transport (:func:`set_transport`) with one that answers from recorded responses, so no
test touches the network. The guard refuses hosts that resolve to loopback, private, link-local or reserved
addresses unless ``EDGEPLANE_EXTRA={"git_allow_private_hosts": true}`` (a self-hosted GitLab on a private
network).
"""
from __future__ import annotations

import ipaddress
import json
import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests

from chalicelib.core.config import settings
from chalicelib.surfaces.servicestage.gitproviders import errors

TIMEOUT = (5, 15)
MAX_RESPONSE_BYTES = 8 * 1024 * 1024


@dataclass
class Reply:
    status: int
    body: bytes = b""
    headers: dict = field(default_factory=dict)

    def json(self):
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            raise errors.remote("the remote repository answered with a body that is not JSON") from None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def _guard(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise errors.invalid("the repository host must be an http(s) URL")
    if settings().extra.get("git_allow_private_hosts"):
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except OSError:
        raise errors.remote(f"cannot resolve the repository host {parts.hostname}") from None
    for info in infos:
        addr = ipaddress.ip_address(info[4][0])
        if addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_reserved or addr.is_multicast:
            raise errors.invalid("the repository host resolves to a non-public address")


class RequestsTransport:
    """The real transport (one ``requests.Session`` per process)."""

    def __init__(self, session: requests.Session | None = None):
        self.session = session or requests.Session()

    def send(self, method: str, url: str, *, headers: dict, params=None, json_body=None, data=None,
             files=None, auth=None) -> Reply:
        _guard(url)
        try:
            r = self.session.request(method, url, headers=headers, params=params, json=json_body, data=data,
                                     files=files, auth=auth, timeout=TIMEOUT, stream=True, allow_redirects=False)
            body = r.raw.read(MAX_RESPONSE_BYTES + 1, decode_content=True)
        except requests.RequestException:
            raise errors.remote("the remote repository cannot be reached") from None
        if len(body) > MAX_RESPONSE_BYTES:
            raise errors.remote("the remote repository answered with too large a body")
        return Reply(r.status_code, body, dict(r.headers))


_transport: list = []


def transport():
    if not _transport:
        _transport.append(RequestsTransport())
    return _transport[0]


def set_transport(t) -> None:
    """Replace the transport (tests: recorded responses); ``None`` restores the real one."""
    _transport.clear()
    if t is not None:
        _transport.append(t)
