"""The simulated registry keeps a project's image_count, its image counter and its image items in step,
whatever write fails half-way and however often a delete is repeated."""
from __future__ import annotations

import pytest
from botocore.exceptions import EndpointConnectionError
from pynamodb.connection.base import Connection

from chalicelib import registry
from chalicelib.core.errors import DomainError
from chalicelib.store.models import RegistryImage

SCOPE = "t1"
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems"}


def _consistent(project: str = "p1") -> tuple[int, int]:
    """Assert count == counter == items for the project's images and each image's tags; return (images, tags)."""
    imgs = list(RegistryImage.gsi2.query(f"REG#{SCOPE}#IMAGES#{project}"))
    assert int(registry.get_project(SCOPE, project).image_count) == len(imgs)
    assert registry.image_total(SCOPE, project) == len(imgs)
    n_tags = 0
    for img in imgs:
        rows = list(registry.tags(SCOPE, img.name))
        assert registry.tag_total(SCOPE, img.name) == len(rows)
        n_tags += len(rows)
    return len(imgs), n_tags


def _seed():
    registry.create_project(SCOPE, "p1", public=False)
    for tag in ("v1", "v2", "v3"):
        registry.push(SCOPE, "p1", "web", tag)
    registry.push(SCOPE, "p1", "db", "v1")


def _fail_write(monkeypatch, nth: int) -> None:
    """Make the ``nth`` DynamoDB write from now on fail as if the network dropped."""
    real, seen = Connection.dispatch, {"n": 0}

    def dispatch(self, operation, kwargs):
        if operation in WRITES:
            seen["n"] += 1
            if seen["n"] == nth:
                raise EndpointConnectionError(endpoint_url="dynamodb")
        return real(self, operation, kwargs)
    monkeypatch.setattr(Connection, "dispatch", dispatch)


def test_push_counts_images_once(aws_env):
    _seed()
    assert _consistent() == (2, 4)


@pytest.mark.parametrize("nth", range(1, 6))
def test_delete_image_interrupted_anywhere_keeps_the_count(aws_env, monkeypatch, nth):
    _seed()
    img = registry.get_image(SCOPE, "p1/web")
    _fail_write(monkeypatch, nth)
    try:
        registry.delete_image(img)
    except DomainError:
        pass
    monkeypatch.undo()
    _consistent()
    registry.delete_image(registry.get_image(SCOPE, "p1/web") or img)  # running it again finishes the job
    assert _consistent() == (1, 1)
    assert registry.get_image(SCOPE, "p1/web") is None


def test_delete_image_twice_counts_once(aws_env):
    """Two deletes of the same image (e.g. concurrent requests holding the same item) decrement once."""
    _seed()
    img = registry.get_image(SCOPE, "p1/web")
    stale = registry.get_image(SCOPE, "p1/web")
    registry.delete_image(img)
    registry.delete_image(stale)
    assert _consistent() == (1, 1)


@pytest.mark.parametrize("nth", range(1, 5))
def test_first_push_interrupted_anywhere_keeps_the_count(aws_env, monkeypatch, nth):
    registry.create_project(SCOPE, "p1", public=False)
    _fail_write(monkeypatch, nth)
    try:
        registry.push(SCOPE, "p1", "web", "v1")
    except DomainError:
        pass
    monkeypatch.undo()
    _consistent()
    registry.push(SCOPE, "p1", "web", "v1")
    assert _consistent() == (1, 1)

