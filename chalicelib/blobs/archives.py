"""Safe archive reading: no extraction to disk, bounded entries and sizes, no path escape, no links.

Inspects tar (optionally gzip) and zip archives in memory (they are already size-limited uploads) and
returns their entries; rejects absolute paths, ``..`` components, symlinks/hardlinks/devices, too many
entries and too large an unpacked size (zip bombs), and reads a member's bytes with the same limits.
"""
from __future__ import annotations

import gzip
import io
import posixpath
import tarfile
import zipfile
from dataclasses import dataclass

from chalicelib.core.config import settings
from chalicelib.core.errors import Invalid


@dataclass(frozen=True)
class Entry:
    name: str
    size: int
    is_dir: bool


def _check_name(name: str) -> str:
    if not name or "\x00" in name:
        raise Invalid("archive entry with an empty or invalid name")
    norm = name.replace("\\", "/")
    if norm.startswith("/") or (len(norm) > 1 and norm[1] == ":"):
        raise Invalid(f"archive entry with an absolute path: {name}")
    if ".." in norm.split("/"):
        raise Invalid(f"archive entry escapes the archive: {name}")
    return posixpath.normpath(norm)


def sniff(data: bytes) -> str:
    """Format by content: 'tgz', 'tar', 'zip', 'gzip' or 'unknown'."""
    if data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06":
        return "zip"
    if data[:2] == b"\x1f\x8b":
        try:
            head = gzip.GzipFile(fileobj=io.BytesIO(data)).read(512)
        except (OSError, EOFError):
            return "unknown"
        return "tgz" if len(head) >= 262 and head[257:262] == b"ustar" else "gzip"
    if len(data) >= 262 and data[257:262] == b"ustar":
        return "tar"
    return "unknown"


def entries(data: bytes, *, max_entries: int | None = None, max_unpacked: int | None = None) -> list[Entry]:
    max_entries = max_entries or settings().archive_max_entries
    max_unpacked = max_unpacked or settings().archive_max_unpacked_bytes
    fmt = sniff(data)
    out: list[Entry] = []
    total = 0
    if fmt in {"tar", "tgz"}:
        try:
            with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tf:
                for m in tf:
                    if len(out) >= max_entries:
                        raise Invalid(f"archive has too many entries (limit {max_entries})")
                    if m.issym() or m.islnk() or m.isdev() or m.isfifo():
                        raise Invalid(f"archive entry is a link or device: {m.name}")
                    name = _check_name(m.name)
                    total += max(m.size, 0)
                    if total > max_unpacked:
                        raise Invalid("archive unpacks too large")
                    out.append(Entry(name, m.size, m.isdir()))
        except (tarfile.TarError, EOFError, OSError, gzip.BadGzipFile) as exc:
            raise Invalid(f"archive is corrupt: {exc}") from None
        return out
    if fmt == "zip":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                infos = zf.infolist()
                if len(infos) > max_entries:
                    raise Invalid(f"archive has too many entries (limit {max_entries})")
                for info in infos:
                    if (info.external_attr >> 16) & 0o170000 == 0o120000:
                        raise Invalid(f"archive entry is a link: {info.filename}")
                    name = _check_name(info.filename)
                    total += info.file_size
                    if total > max_unpacked:
                        raise Invalid("archive unpacks too large")
                    out.append(Entry(name, info.file_size, info.is_dir()))
        except zipfile.BadZipFile as exc:
            raise Invalid(f"archive is corrupt: {exc}") from None
        return out
    raise Invalid("file is not a tar, tgz or zip archive")


def read_member(data: bytes, name: str, *, max_bytes: int = 1024 * 1024) -> bytes | None:
    """Bytes of one regular member (after :func:`entries` validated the archive), bounded."""
    fmt = sniff(data)
    if fmt in {"tar", "tgz"}:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tf:
            for m in tf:
                if m.isfile() and posixpath.normpath(m.name) == name:
                    if m.size > max_bytes:
                        raise Invalid(f"{name} is too large")
                    f = tf.extractfile(m)
                    return f.read(max_bytes + 1) if f else None
        return None
    if fmt == "zip":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            try:
                info = zf.getinfo(name)
            except KeyError:
                return None
            if info.file_size > max_bytes:
                raise Invalid(f"{name} is too large")
            with zf.open(info) as f:
                return f.read(max_bytes + 1)
    return None


def helm_chart(data: bytes) -> dict:
    """Validate a Helm chart archive (gzip tar with ``<name>/Chart.yaml``); returns what Chart.yaml says."""
    if sniff(data) != "tgz":
        raise Invalid("chart must be a gzip-compressed tar archive (.tgz)")
    items = entries(data)
    charts = [e.name for e in items if not e.is_dir and e.name.count("/") == 1 and e.name.endswith("/Chart.yaml")]
    if not charts:
        raise Invalid("chart archive has no <name>/Chart.yaml")
    raw = read_member(data, charts[0], max_bytes=256 * 1024) or b""
    meta = {}
    for line in raw.decode("utf-8", errors="replace").splitlines():
        if ":" in line and not line.startswith((" ", "\t", "#", "-")):
            k, v = line.split(":", 1)
            meta[k.strip()] = v.strip().strip("'\"")
    if not meta.get("name"):
        raise Invalid("Chart.yaml has no name")
    meta["_root"] = charts[0].split("/")[0]
    meta["_files"] = len(items)
    return meta
