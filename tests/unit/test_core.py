"""Unit tests of the shared core: ids, pagination, passwords, sealing, archives, multipart, config."""
from __future__ import annotations

import io
import tarfile
import zipfile

import pytest

from chalicelib.blobs import archives, multipart
from chalicelib.core import ids, pagination
from chalicelib.core.errors import Invalid, TooLarge, UnsupportedMedia
from chalicelib.identity import passwords, sealing


def test_ids_are_unique_sortable_and_url_safe():
    values = [ids.new_id() for _ in range(2000)]
    assert len(set(values)) == 2000
    assert values == sorted(values)
    assert all(len(v) == 26 and v.isalnum() for v in values)
    assert ids.pad(42) == "00000000000000000042"


class TestPagination:
    def test_page_window(self):
        assert pagination.page_window("2", "10") == pagination.Window(10, 10)
        assert pagination.page_window(None, None) == pagination.Window(0, 10)
        assert pagination.page_window(1, 0, zero_means_all=True) == pagination.Window(0, None)
        for bad in (("0", "10"), ("x", "1"), ("1", "-1")):
            with pytest.raises(Invalid):
                pagination.page_window(*bad)
        with pytest.raises(Invalid):
            pagination.page_window(1, 0)

    def test_take_stops_at_the_end_of_the_window(self):
        consumed = []

        def source():
            for i in range(1_000_000):
                consumed.append(i)
                yield i

        items, seen = pagination.take(source(), pagination.Window(20, 10))
        assert items == list(range(20, 30)) and seen == 30 and len(consumed) == 30

    def test_take_with_predicate_counts_matches(self):
        items, seen = pagination.take(range(100), pagination.Window(0, None), lambda x: x % 10 == 0)
        assert items == list(range(0, 100, 10)) and seen == 10

    def test_cursor_round_trip_and_garbage(self):
        key = {"pk": {"S": "A"}, "sk": {"S": "B"}}
        assert pagination.decode_cursor(pagination.encode_cursor(key)) == key
        with pytest.raises(Invalid):
            pagination.decode_cursor("!!!not-base64")


def test_passwords_are_argon2id_and_verify():
    h = passwords.hash_password("S3cret-pass")
    assert h.startswith("$argon2id$") and "m=19456" in h and "t=2" in h
    assert passwords.verify_password(h, "S3cret-pass")
    assert not passwords.verify_password(h, "wrong")
    assert not passwords.verify_password(None, "anything")
    assert not passwords.verify_password("not-a-hash", "x")


def test_sealing_round_trip_and_tamper_detection():
    sealed = sealing.seal("registry-password", "extrepo:t1")
    assert "registry-password" not in sealed
    assert sealing.unseal(sealed, "extrepo:t1") == "registry-password"
    with pytest.raises(Exception):
        sealing.unseal(sealed, "extrepo:t2")
    with pytest.raises(Exception):
        sealing.unseal(sealed[:-4] + "AAAA", "extrepo:t1")


def _tar(entries: dict, gz: bool = True, links: dict | None = None) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz" if gz else "w") as tf:
        for name, data in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            tf.addfile(info)
    return buf.getvalue()


def _zip(entries: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


class TestArchives:
    def test_sniff_by_content(self):
        assert archives.sniff(_tar({"a": b"1"})) == "tgz"
        assert archives.sniff(_tar({"a": b"1"}, gz=False)) == "tar"
        assert archives.sniff(_zip({"a": "1"})) == "zip"
        assert archives.sniff(b"plain text") == "unknown"

    @pytest.mark.parametrize("name", ["../evil", "a/../../evil", "/etc/passwd", "C:\\win.ini"])
    def test_path_escapes_are_rejected(self, name):
        with pytest.raises(Invalid):
            archives.entries(_tar({name: b"x"}))
        with pytest.raises(Invalid):
            archives.entries(_zip({name: "x"}))

    def test_links_are_rejected(self):
        with pytest.raises(Invalid, match="link"):
            archives.entries(_tar({"a": b"1"}, links={"b": "/etc/shadow"}))

    def test_bombs_are_bounded(self):
        with pytest.raises(Invalid, match="too many"):
            archives.entries(_tar({f"f{i}": b"" for i in range(20)}), max_entries=10)
        bomb = _zip({"big": "0" * (2 * 1024 * 1024)})
        assert len(bomb) < 10_000
        with pytest.raises(Invalid, match="too large"):
            archives.entries(bomb, max_unpacked=1024 * 1024)

    def test_corrupt_and_unknown(self):
        with pytest.raises(Invalid):
            archives.entries(b"\x1f\x8b" + b"garbage" * 50)
        with pytest.raises(Invalid):
            archives.entries(b"hello")

    def test_helm_chart(self):
        meta = archives.helm_chart(_tar({"demo/Chart.yaml": b"name: demo\nversion: 1.2.3\n", "demo/values.yaml": b""}))
        assert meta["name"] == "demo" and meta["version"] == "1.2.3" and meta["_root"] == "demo"
        with pytest.raises(Invalid):
            archives.helm_chart(_tar({"demo/values.yaml": b""}))
        with pytest.raises(Invalid):
            archives.helm_chart(_zip({"demo/Chart.yaml": "name: demo"}))


class TestMultipart:
    def _body(self):
        b = "XyZ"
        raw = (f"--{b}\r\nContent-Disposition: form-data; name=\"appName\"\r\n\r\nweb\r\n"
               f"--{b}\r\nContent-Disposition: form-data; name=\"chart\"; filename=\"c.tgz\"\r\n"
               f"Content-Type: application/gzip\r\n\r\n").encode() + b"\x00\x01binary\xff" + f"\r\n--{b}--\r\n".encode()
        return f"multipart/form-data; boundary={b}", raw

    def test_fields_and_files(self):
        ct, raw = self._body()
        parts = multipart.parse(ct, raw, max_bytes=10_000)
        assert parts["appName"].text == "web"
        assert parts["chart"].filename == "c.tgz" and parts["chart"].data == b"\x00\x01binary\xff"

    def test_limits_and_types(self):
        ct, raw = self._body()
        with pytest.raises(TooLarge):
            multipart.parse(ct, raw, max_bytes=10)
        with pytest.raises(UnsupportedMedia):
            multipart.parse("application/json", raw, max_bytes=10_000)
        with pytest.raises(Invalid):
            multipart.parse("multipart/form-data", raw, max_bytes=10_000)


def test_settings_require_a_secret_outside_local(monkeypatch):
    from chalicelib.core import config
    monkeypatch.setenv("EDGEPLANE_STAGE", "prod")
    monkeypatch.delenv("EDGEPLANE_JWT_SECRET")
    with pytest.raises(RuntimeError):
        config.reload()
    monkeypatch.undo()
    config.reload()


def test_secrets_are_redacted_for_logs():
    from chalicelib.core.logging import redact
    out = redact({"user": "a", "password": "p", "nested": [{"token": "t", "ok": 1}], "Authorization": "x"})
    assert out == {"user": "a", "password": "***", "nested": [{"token": "***", "ok": 1}], "Authorization": "***"}


def test_first_aws_client_of_a_process_does_not_deadlock():
    """client() builds the shared session under its lock when nothing else did first."""
    import subprocess
    import sys
    code = ("import os; os.environ['AWS_DEFAULT_REGION']='us-east-1'; "
            "from chalicelib.core import aws; aws.client('s3'); print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         cwd=str(__import__("pathlib").Path(__file__).resolve().parents[2]))
    assert out.stdout.strip() == "ok", out.stderr
