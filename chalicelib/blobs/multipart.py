"""multipart/form-data bodies (Chalice has no parser): stdlib email parser, with limits."""
from __future__ import annotations

from dataclasses import dataclass
from email import policy
from email.parser import BytesParser

from chalicelib.core.errors import Invalid, TooLarge, UnsupportedMedia
from chalicelib.openapi.declare import consumes


@dataclass
class Part:
    name: str
    filename: str | None
    content_type: str
    data: bytes

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace").strip()


@consumes("multipart/form-data")
def parse(content_type_header: str | None, body: bytes, *, max_bytes: int) -> dict[str, Part]:
    ct = content_type_header or ""
    if not ct.lower().startswith("multipart/form-data"):
        raise UnsupportedMedia("request type must be multipart/form-data")
    if "boundary=" not in ct:
        raise Invalid("multipart body has no boundary")
    if len(body) > max_bytes:
        raise TooLarge(f"upload too large (limit {max_bytes} bytes)")
    msg = BytesParser(policy=policy.default).parsebytes(b"Content-Type: " + ct.encode("latin-1") + b"\r\n\r\n" + body)
    if not msg.is_multipart():
        raise Invalid("malformed multipart body")
    parts: dict[str, Part] = {}
    for p in msg.iter_parts():
        name = p.get_param("name", header="content-disposition")
        if not name:
            continue
        data = p.get_payload(decode=True) or b""
        parts[name] = Part(name=name, filename=p.get_filename(), content_type=p.get_content_type(), data=data)
    return parts
