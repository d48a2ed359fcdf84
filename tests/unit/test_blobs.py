"""S3 files: size-limited puts, presigned POST (size policy) and GET, keys per tenant."""
from __future__ import annotations

import base64
import json

import pytest
import requests

from chalicelib import blobs
from chalicelib.core.errors import NotFound, TooLarge


def test_keys_are_tenant_first_and_flat():
    assert blobs.key("t1", "otestack", "charts", "7", "../../x.tgz") == "tenant/t1/otestack/charts/7/.._.._x.tgz"


def test_put_get_delete_with_limit(aws_env):
    k = blobs.key("t1", "test", "files", "1", "a.bin")
    assert blobs.put(k, b"abc", max_bytes=10)["size"] == 3
    assert blobs.get(k) == b"abc"
    with pytest.raises(TooLarge):
        blobs.put(k, b"x" * 11, max_bytes=10)
    assert blobs.get(k) == b"abc"
    blobs.delete(k)
    with pytest.raises(NotFound):
        blobs.get(k)


def test_presigned_post_carries_the_size_policy_and_uploads(aws_env):
    k = blobs.key("t1", "test", "images", "1", "disk.qcow2")
    post = blobs.presign_post(k, max_bytes=1024, content_type="application/octet-stream")
    policy = json.loads(base64.b64decode(post["fields"]["policy"]))
    assert ["content-length-range", 1, 1024] in policy["conditions"]
    r = requests.post(post["url"], data=post["fields"], files={"file": ("disk.qcow2", b"QFI\xfb" + b"0" * 100)})
    assert r.status_code in (200, 204)
    assert blobs.get(k).startswith(b"QFI\xfb")
    url = blobs.presign_get(k, "disk.qcow2")
    assert "response-content-disposition" in url.lower()
