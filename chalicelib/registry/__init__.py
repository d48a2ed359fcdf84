"""The simulated image registry (Harbor-like): accounts, projects, images, tags per scope (tenant).

Images arrive by a push (``POST /edgeplane/v1/registry/push`` stands in for ``docker push``); surfaces
list and delete them. Project names are unique registry-wide, as in Harbor.

A project's ``image_count`` moves in the same transaction as the image item and its counter, so a failure
half-way never lets them drift; tags go one by one first (each with its counter), so an interrupted delete
is finished by running it again.
"""
from __future__ import annotations

import hashlib
import re


from chalicelib.core import clock, ids
from chalicelib.core.errors import Conflict, Invalid, NotFound
from chalicelib.identity import passwords
from chalicelib.store import base as store
from chalicelib.store.base import Counter, Unique
from chalicelib.store.models import RegistryAccount, RegistryImage, RegistryProject, RegistryTag

PROJECT_NAME = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$")
TRIES = 3


def _pk(scope: str) -> str:
    return f"REG#{scope}"


def _transact(writes) -> bool:
    """Run the writes ``writes(tx)`` adds as one TransactWriteItems; False when a condition failed."""
    try:
        store.transact(writes)
    except store.Cancelled:
        return False
    return True


def _count_images(tx, project: RegistryProject, delta: int) -> None:
    """``image_count`` of an existing project, without its version condition (pushes run concurrently)."""
    tx.update(project, actions=[RegistryProject.image_count.add(delta)], condition=RegistryProject.pk.exists(),
              add_version_condition=False)


# ---------------------------------------------------------------- accounts
def get_account(scope: str) -> RegistryAccount | None:
    return store.get(RegistryAccount, _pk(scope), "ACCOUNT")


def create_account(scope: str, user: str, password: str) -> RegistryAccount:
    now = clock.now_s()
    acct = RegistryAccount(_pk(scope), "ACCOUNT", scope=scope, user=user,
                           password_hash=passwords.hash_password(password), created_at=now, updated_at=now)
    if get_account(scope) is not None:
        raise Conflict("the registry account of this namespace already exists")
    return store.create(acct, unique=[("registry-user", user)], conflict="registry user name already exists")


def set_password(scope: str, password: str) -> RegistryAccount:
    acct = get_account(scope)
    if acct is None:
        raise NotFound("registry account not found; create it first")
    acct.password_hash = passwords.hash_password(password)
    acct.updated_at = clock.now_s()
    return store.save(acct)


# ---------------------------------------------------------------- projects
def _index_project(p: RegistryProject) -> RegistryProject:
    p.gsi1pk, p.gsi1sk = "REGPROJ", ids.pad(p.project_id)
    p.gsi2pk, p.gsi2sk = f"REG#{p.scope}#PROJECTS", ids.pad(p.project_id)
    return p


def create_project(scope: str, name: str, public: bool) -> RegistryProject:
    if not PROJECT_NAME.match(name) or len(name) > 255:
        raise Invalid("projectName must be lower-case letters, digits and . _ - (not at the ends)")
    if store.get(Unique, f"UNIQUE#registry-project#{name}", "U") is not None:
        raise Conflict("project name already exists")  # before taking an id (the transaction still decides races)
    now = clock.now_s()
    p = _index_project(RegistryProject(_pk(scope), f"PROJECT#{name}", scope=scope, project_id=ids.next_int("registry-project"),
                                       name=name, public=public, image_count=0, created_at=now, updated_at=now))
    return store.create(p, unique=[("registry-project", name)], counters=[f"REG#{scope}#PROJECTS"],
                        conflict="project name already exists")


def get_project(scope: str, name: str) -> RegistryProject | None:
    return store.get(RegistryProject, _pk(scope), f"PROJECT#{name}")


def get_project_by_id(scope: str, project_id: int) -> RegistryProject | None:
    for p in RegistryProject.gsi1.query("REGPROJ", RegistryProject.gsi1sk == ids.pad(project_id), limit=1):
        return p if p.scope == scope else None
    return None


def projects(scope: str, *, newest_first: bool = False, **query):
    """Projects by id (a Query; ``query`` passes ``filter_condition``, ``page_size``... through)."""
    return RegistryProject.gsi2.query(f"REG#{scope}#PROJECTS", scan_index_forward=not newest_first, **query)


def project_total(scope: str, filter_condition=None) -> int:
    if filter_condition is None:
        return Counter.value(f"REG#{scope}#PROJECTS")
    return RegistryProject.gsi2.count(f"REG#{scope}#PROJECTS", filter_condition=filter_condition)


def holds_images(scope: str, project: str) -> bool:
    return next(iter(images(scope, project, limit=1)), None) is not None


def delete_project(p: RegistryProject) -> None:
    if holds_images(p.scope, p.name):
        raise Conflict(f"project {p.name} still holds images; delete them first")
    store.delete(p, unique=[("registry-project", p.name)], counters=[f"REG#{p.scope}#PROJECTS"])


# ---------------------------------------------------------------- images and tags
def images(scope: str, project: str, *, newest_first: bool = True, **query):
    return RegistryImage.gsi2.query(f"REG#{scope}#IMAGES#{project}", scan_index_forward=not newest_first, **query)


def image_total(scope: str, project: str, filter_condition=None) -> int:
    if filter_condition is None:
        return Counter.value(f"REG#{scope}#IMAGES#{project}")
    return RegistryImage.gsi2.count(f"REG#{scope}#IMAGES#{project}", filter_condition=filter_condition)


def get_image(scope: str, full_name: str) -> RegistryImage | None:
    return store.get(RegistryImage, _pk(scope), f"IMAGE#{full_name}")


def tags(scope: str, full_name: str, **query):
    return RegistryTag.query(f"REG#{scope}#TAGS#{full_name}", **query)


def get_tag(scope: str, full_name: str, tag: str) -> RegistryTag | None:
    return store.get(RegistryTag, f"REG#{scope}#TAGS#{full_name}", tag)


def tag_total(scope: str, full_name: str) -> int:
    return Counter.value(f"REG#{scope}#TAGS#{full_name}")


def _create_image(p: RegistryProject, image: str, now: int) -> RegistryImage:
    """The image item, its counter and the project's ``image_count``, in one transaction."""
    full = f"{p.name}/{image}"
    img = RegistryImage(_pk(p.scope), f"IMAGE#{full}", scope=p.scope, image_id=ids.next_int("registry-image"),
                        project=p.name, name=full, created_at=now, updated_at=now)
    img.gsi2pk, img.gsi2sk = f"REG#{p.scope}#IMAGES#{p.name}", ids.pad(img.image_id)

    def writes(tx):
        tx.save(img, condition=RegistryImage.pk.does_not_exist())
        tx.update(Counter.key(f"REG#{p.scope}#IMAGES#{p.name}"), actions=[Counter.n.add(1)])
        _count_images(tx, p, 1)
    if _transact(writes):
        return img
    raced = get_image(p.scope, full)  # a concurrent push created it, or the project was deleted meanwhile
    if raced is None:
        raise NotFound(f"project {p.name} not found")
    return raced


def push(scope: str, project: str, image: str, tag: str) -> RegistryTag:
    """Record a pushed image tag (creates the image on first push)."""
    p = get_project(scope, project)
    if p is None:
        raise NotFound(f"project {project} not found")
    full = f"{project}/{image}"
    now = clock.now_s()
    img = get_image(scope, full) or _create_image(p, image, now)
    digest = "sha256:" + hashlib.sha256(f"{full}:{tag}:{now}".encode()).hexdigest()
    t = store.get(RegistryTag, f"REG#{scope}#TAGS#{full}", tag)
    if t is None:
        t = RegistryTag(f"REG#{scope}#TAGS#{full}", tag, tag=tag, image=full, digest=digest, created_at=now,
                        updated_at=now)
        try:
            store.create(t, counters=[f"REG#{scope}#TAGS#{full}"])
        except Conflict:
            pass
    else:
        t.digest, t.updated_at = digest, now
        store.save(t)
    img.updated_at = now
    store.save(img)
    return t


def delete_image(img: RegistryImage) -> None:
    """Delete an image and its tags; the image, its counter and ``image_count`` go in one transaction."""
    for t in list(tags(img.scope, img.name)):
        store.delete(t, counters=[f"REG#{img.scope}#TAGS#{img.name}"])
    for _ in range(TRIES):
        p = get_project(img.scope, img.project)

        def writes(tx):
            tx.delete(img, condition=RegistryImage.pk.exists(), add_version_condition=False)
            tx.update(Counter.key(f"REG#{img.scope}#IMAGES#{img.project}"), actions=[Counter.n.add(-1)])
            if p is not None:
                _count_images(tx, p, -1)
        if _transact(writes) or get_image(img.scope, img.name) is None:
            return  # done, or already deleted by a concurrent call (counted once)
    raise Conflict("the image was changed concurrently, retry")


def delete_tag(scope: str, full_name: str, tag: str) -> bool:
    t = store.get(RegistryTag, f"REG#{scope}#TAGS#{full_name}", tag)
    if t is None:
        return False
    store.delete(t, counters=[f"REG#{scope}#TAGS#{full_name}"])
    return True
