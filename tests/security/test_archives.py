"""Archive attacks through every API that accepts archives.

Which APIs read client archives (``chalicelib/blobs/archives.py`` and its callers):
* otestack: Helm chart upload ``POST /v1/app/chart`` (tgz) → ``archives.helm_chart``;
* edgegallery: Helm charts ``POST /applications/{id}/helmcharts`` (tgz), plugins ``POST /v1/plugins`` (zip),
  application profiles ``POST /v2/profiles`` (zip, admin) and container-image tars (chunked upload + merge job,
  refused asynchronously: the image ends ``UPLOAD_FAILED``);
* mobiledgex, servicestage and msap accept no archives: MobiledgeX takes image paths, ServiceStage takes
  repository / SWR references (no package is unpacked), MSAP uploads packages straight to S3 through presigned
  URLs and never opens them (it only *writes* zips for downloads). EdgeGallery's ``csar.unpack`` reads packages
  of its own AppStore, never a client upload; its member checks are exercised directly below.

Per archive route: zip-slip (``../``), absolute path, symlink entry, hard link (tar), too many entries and a
high-compression-ratio bomb (limits lowered for the test so the bomb stays small: ratio > 500:1), tar variants
where the route takes tar. Asserted: the platform's 4xx error shape, and nothing stored (lists stay empty and
no S3 object was written under the tenant's prefix).
"""
from __future__ import annotations

import io
import json
import tarfile
import zipfile

import pytest

from chalicelib.core import aws, config
from chalicelib.core.config import settings

BOMB_LIMIT = 1_000_000


def _tgz(members: list[tuple[str, bytes, str | None]], gz: bool = True, root: str = "demo",
         with_chart: bool = True) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz" if gz else "w") as tf:
        base = [(f"{root}/Chart.yaml", b"apiVersion: v2\nname: demo\nversion: 0.1.0\n", None)] if with_chart else []
        for name, data, kind in base + members:
            info = tarfile.TarInfo(name)
            if kind == "sym":
                info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
            elif kind == "hard":
                info.type, info.linkname = tarfile.LNKTYPE, "/etc/shadow"
            else:
                info.size = len(data)
            tf.addfile(info, io.BytesIO(data) if kind is None else None)
    return buf.getvalue()


def _zip(members: list[tuple[str, bytes, str | None]], base: dict | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in (base or {}).items():
            zf.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data)
        for name, data, kind in members:
            info = zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            if kind == "sym":
                info.external_attr = (0o120777 << 16)
                data = b"/etc/passwd"
            zf.writestr(info, data)
    return buf.getvalue()


ZEROS = b"\x00" * (2 * BOMB_LIMIT)
TAR_ATTACKS = {
    "zip-slip": [("demo/../../evil.yaml", b"x", None)],
    "absolute": [("/etc/cron.d/evil", b"x", None)],
    "symlink": [("demo/templates/link.yaml", b"", "sym")],
    "hardlink": [("demo/templates/hard.yaml", b"", "hard")],
    "many-entries": [(f"demo/f{i}.txt", b"", None) for i in range(60)],
    "bomb": [("demo/zeros.bin", ZEROS, None)],
}
ZIP_ATTACKS = {
    "zip-slip": [("../../evil.sh", b"x", None)],
    "absolute": [("/etc/cron.d/evil", b"x", None)],
    "symlink": [("plugin/link", b"", "sym")],
    "many-entries": [(f"f{i}.txt", b"", None) for i in range(60)],
    "bomb": [("zeros.bin", ZEROS, None)],
}


def test_bombs_really_are_bombs():
    assert len(_tgz(TAR_ATTACKS["bomb"])) * 500 < len(ZEROS)
    assert len(_zip(ZIP_ATTACKS["bomb"])) * 500 < len(ZEROS)


@pytest.fixture
def small_limits(monkeypatch):
    """Entry and unpacked-size limits lowered (env + the modules' own constants) so bombs stay cheap to build."""
    monkeypatch.setenv("EDGEPLANE_ARCHIVE_MAX_ENTRIES", "50")
    monkeypatch.setenv("EDGEPLANE_ARCHIVE_MAX_UNPACKED", str(BOMB_LIMIT))
    config.reload()
    from chalicelib.surfaces.edgegallery import service_plugins, service_profiles
    for mod in (service_plugins, service_profiles):
        monkeypatch.setattr(mod, "ARCHIVE_MAX_ENTRIES", 50)
        monkeypatch.setattr(mod, "ARCHIVE_MAX_UNPACKED", BOMB_LIMIT)
    yield
    monkeypatch.undo()
    config.reload()


def _objects(prefix: str) -> list[str]:
    out = aws.client("s3").list_objects_v2(Bucket=settings().bucket, Prefix=prefix).get("Contents", [])
    return [o["Key"] for o in out]


def test_otestack_chart_upload(api, small_limits):
    from tests.api.otestack.helpers import multipart_body
    from tests.security.conftest import otestack_world
    w = otestack_world(api)
    member, info = w.extra["member"], w.extra["info"]
    before = member.get("/v1/app")[1]["total"]
    stored_before = _objects(f"tenant/{info['tenant']}/otestack/")
    cases = dict(TAR_ATTACKS)
    cases["plain-tar"] = None  # a tar that is not gzip-compressed: refused (the route documents .tgz)
    for name, members in cases.items():
        data = _tgz(TAR_ATTACKS["zip-slip"], gz=False) if members is None else _tgz(members)
        ct, body = multipart_body({"appName": "demo", "version": "0.1"}, {"chart": ("demo.tgz", data)})
        r = member.client.http.post("/v1/app/chart", headers={**member.headers, "content-type": ct}, body=body)
        out = json.loads(r.body)
        assert 400 <= r.status_code < 500 and out["code"] == r.status_code and out["message"], (name, out)
    assert member.get("/v1/app")[1]["total"] == before
    assert _objects(f"tenant/{info['tenant']}/otestack/") == stored_before


def test_edgegallery_helm_chart_upload(api, small_limits):
    from tests.api.edgegallery.conftest import developer, upload_icon
    from tests.api.edgegallery.test_charts import upload
    dev = developer(api)
    st, app = dev.post("/mec/developer/v2/applications", {
        "name": "archapp", "version": "1.0", "provider": "acme", "appClass": "CONTAINER", "architecture": "X86",
        "description": "d", "iconFileId": upload_icon(dev), "type": "Video Application", "industry": "Smart Park"})
    assert st == 200, app
    stored_before = _objects(f"tenant/{dev.account.account_id}/")
    for name, members in TAR_ATTACKS.items():
        st, out = upload(dev, app["id"], _tgz(members))
        assert st == 400 and out["retCode"] in (20044, 20030, 20018) and set(out) >= {"code", "message", "retCode"}, \
            (name, out)
    assert dev.get(f"/mec/developer/v2/applications/{app['id']}/helmcharts")[1] == []
    assert _objects(f"tenant/{dev.account.account_id}/") == stored_before


def test_edgegallery_plugin_upload(api, small_limits):
    from tests.api.edgegallery.conftest import developer
    from tests.api.edgegallery.test_files import send
    from tests.api.edgegallery.test_plugins import PLUGINS, fields, parts
    dev = developer(api)
    for name, members in ZIP_ATTACKS.items():
        data = _zip(members, base={"plugin/main.py": b"print('hi')\n"})
        st, out = send(dev, "post", PLUGINS, parts(data), fields(pluginName=f"p{name}"))
        assert st == 400 and out["retCode"] in (20030, 20024), (name, out)
    # a tar handed in as the plugin archive is refused too (plugins are zip)
    st, out = send(dev, "post", PLUGINS, parts(_tgz(TAR_ATTACKS["zip-slip"])), fields(pluginName="ptar"))
    assert st == 400
    assert dev.get(f"{PLUGINS}?pluginType=1&limit=10&offset=0")[1]["total"] == 0
    assert _objects(f"tenant/{dev.account.account_id}/") == []


def test_edgegallery_profile_upload(api, small_limits):
    from tests.api.edgegallery.conftest import developer
    from tests.api.edgegallery.test_files import send
    from tests.api.edgegallery.test_profiles import PROFILES, profile_yaml
    import yaml
    admin = developer(api, "DEVELOPER_ADMIN")
    base = {"profile.yaml": yaml.safe_dump(profile_yaml(), allow_unicode=True).encode()}
    for name, members in ZIP_ATTACKS.items():
        st, out = send(admin, "post", PROFILES, {"file": (f"{name}.zip", _zip(members, base=base))})
        assert st == 400 and "retCode" in out, (name, out)
    assert admin.get(f"{PROFILES}?limit=10&offset=0")[1]["total"] == 0
    assert _objects(f"tenant/{admin.account.account_id}/") == []


def test_edgegallery_container_image_tar(api, drain):
    from tests.api.edgegallery.conftest import developer
    from tests.api.edgegallery.test_containerimages import blobs_under, image_tar, one, upload
    dev = developer(api)
    buf = io.BytesIO(image_tar())
    with tarfile.open(fileobj=io.BytesIO(buf.getvalue())) as src, tarfile.open(fileobj=(out := io.BytesIO()),
                                                                              mode="w") as dst:
        for m in src:
            dst.addfile(m, src.extractfile(m))
        link = tarfile.TarInfo("l1/evil")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        dst.addfile(link)
    for filename, data in (("sym.tar", out.getvalue()), ("abs.tar", image_tar(extra={"/etc/evil": b"x"}))):
        iid, st, body = upload(dev, data, filename=filename, guid=filename, drain=drain)
        assert st == 200, body
        got = one(dev, iid)
        assert got["imageStatus"] == "UPLOAD_FAILED", got
        assert blobs_under(dev, iid) == []


def test_edgegallery_csar_members_are_checked():
    """Not reachable with a client archive (AppStore packages only), so checked at the unpacker."""
    from chalicelib.core.errors import BadRequest
    from chalicelib.surfaces.edgegallery import csar
    for members in (ZIP_ATTACKS["zip-slip"], ZIP_ATTACKS["absolute"], ZIP_ATTACKS["symlink"]):
        with pytest.raises(BadRequest):
            csar.unpack(_zip(members))
    for members in (TAR_ATTACKS["zip-slip"], TAR_ATTACKS["symlink"], TAR_ATTACKS["hardlink"]):
        with pytest.raises(BadRequest):
            csar.untar(_tgz(members))
