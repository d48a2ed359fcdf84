"""ote-stack Repository Management: the shared simulated registry seen through otestack, plus external
(third-party) registries whose credentials become image-pull secrets.

Every call works in the caller's business namespace (``scope_of(p).tenant`` is the registry scope); an
object of another business is simply not found (404). Lists are Queries, consumed only up to the page
end; ``total`` is a maintained counter, or a COUNT Query on the caller's partition when a filter applies.

Registry items are read and written only through ``chalicelib.registry`` (which owns their keys).
External repositories (this module's own model):
  OteExternalRepo  ``TENANT#<t>#OTE`` / ``EXTREPO#<repositoryId>``; gsi2 ``TENANT#<t>#OTEEXTREPO`` / padded id;
                   counter ``TENANT#<t>#OTEEXTREPO``; password sealed (AES-GCM, bound to tenant + repositoryId).
"""
from __future__ import annotations

import re

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib import audit, registry
from chalicelib.core import clock, ids
from chalicelib.core.config import settings
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.pagination import Window, take
from chalicelib.identity import sealing
from chalicelib.identity.principal import Principal
from chalicelib.store import base as store
from chalicelib.store.base import Counter, Entity
from chalicelib.store.models import RegistryImage, RegistryProject, RegistryTag
from chalicelib.surfaces.otestack.auth import scope_of
from chalicelib.surfaces.otestack.registry_models import REPOSITORY_ID_RULE

SURFACE = "otestack"
_REPOSITORY_ID = re.compile(REPOSITORY_ID_RULE)


def _scope(p: Principal) -> str:
    return scope_of(p).tenant


def _page_size(window: Window, filtered: bool) -> int | None:
    """Read no more than the page needs (a filtered Query evaluates more items than it returns)."""
    if filtered or window.stop is None:
        return None
    return max(1, min(window.stop, 1000))


def _unique(values) -> list:
    return list(dict.fromkeys(values))


def _names(values) -> str:
    return ", ".join(str(v) for v in values)


def _address(full_name: str) -> str:
    return f"{settings().otestack_registry_domain}/{full_name}"


# ---------------------------------------------------------------- images and tags
def image_view(img: RegistryImage, project: RegistryProject) -> dict:
    return {"projectName": img.project, "public": bool(project.public), "imageName": img.name,
            "imageAddress": _address(img.name), "createTime": int(img.created_at),
            "updateTime": int(img.updated_at)}


def tag_view(t: RegistryTag) -> dict:
    return {"tag": t.tag, "imageAddress": _address(t.image), "createTime": int(t.created_at),
            "updateTime": int(t.updated_at)}


def _project(scope: str, name: str) -> RegistryProject:
    proj = registry.get_project(scope, name)
    if proj is None:
        raise NotFound(f"project {name} not found")
    return proj


def _image(scope: str, full_name: str) -> RegistryImage:
    img = registry.get_image(scope, full_name)
    if img is None:
        raise NotFound(f"image {full_name} not found")
    return img


def list_images(p: Principal, q) -> tuple[list[dict], int]:
    scope = _scope(p)
    q.order_by()
    window = q.window()
    proj = _project(scope, q.projectName)
    cond = RegistryImage.name.contains(q.imageName) if q.imageName else None
    results = registry.images(scope, proj.name, newest_first=q.descending("desc"), filter_condition=cond,
                              page_size=_page_size(window, cond is not None))
    items, _ = take(results, window)
    total = registry.image_total(scope, proj.name, cond)
    return [image_view(img, proj) for img in items], total


def list_tags(p: Principal, q) -> tuple[list[dict], int]:
    scope = _scope(p)
    window = q.window()
    img = _image(scope, q.imageName)
    results = registry.tags(scope, img.name, page_size=_page_size(window, False))
    items, _ = take(results, window)
    return [tag_view(t) for t in items], registry.tag_total(scope, img.name)


def delete_images(p: Principal, names: list[str]) -> None:
    """All or nothing: an unknown name (here: of this business) refuses the whole request."""
    scope = _scope(p)
    names = _unique(names)
    found = {n: registry.get_image(scope, n) for n in names}
    missing = [n for n, img in found.items() if img is None]
    if missing:
        raise NotFound(f"image not found: {_names(missing)}")
    for img in found.values():
        registry.delete_image(img)
        audit.record(SURFACE, "delete_image", principal=p, tenant_id=scope, resource=f"registry/image/{img.name}")


def delete_tags(p: Principal, image_name: str, tags: list[str]) -> None:
    scope = _scope(p)
    img = _image(scope, image_name)
    tags = _unique(tags)
    missing = [t for t in tags if registry.get_tag(scope, img.name, t) is None]
    if missing:
        raise NotFound(f"tag not found in {img.name}: {_names(missing)}")
    for t in tags:
        registry.delete_tag(scope, img.name, t)
    audit.record(SURFACE, "delete_tag", principal=p, tenant_id=scope, resource=f"registry/image/{img.name}",
                 detail=f"tags={_names(tags)}")


# ---------------------------------------------------------------- registry account
def create_registry_user(p: Principal, user: str, password: str) -> None:
    scope = _scope(p)
    registry.create_account(scope, user, password)
    audit.record(SURFACE, "create_registry_user", principal=p, tenant_id=scope, resource=f"registry/user/{user}")


def set_registry_password(p: Principal, password: str) -> None:
    scope = _scope(p)
    acct = registry.set_password(scope, password)
    audit.record(SURFACE, "set_registry_password", principal=p, tenant_id=scope,
                 resource=f"registry/user/{acct.user}")


# ---------------------------------------------------------------- projects
def project_view(proj: RegistryProject) -> dict:
    return {"projectId": int(proj.project_id), "projectName": proj.name, "createTime": int(proj.created_at),
            "updateTime": int(proj.updated_at), "public": bool(proj.public),
            "imageCount": max(0, int(proj.image_count or 0))}


def list_projects(p: Principal, q) -> tuple[list[dict], int]:
    scope = _scope(p)
    q.order_by()
    window = q.window()
    cond = None
    if q.projectName:
        cond = RegistryProject.name.contains(q.projectName)
    if q.public is not None:
        flag = RegistryProject.public == q.public
        cond = flag if cond is None else cond & flag
    results = registry.projects(scope, newest_first=q.descending("asc"), filter_condition=cond,
                                page_size=_page_size(window, cond is not None))
    items, _ = take(results, window)
    total = registry.project_total(scope, cond)
    return [project_view(x) for x in items], total


def create_project(p: Principal, name: str, public: bool) -> dict:
    scope = _scope(p)
    proj = registry.create_project(scope, name, public)
    audit.record(SURFACE, "create_project", principal=p, tenant_id=scope, resource=f"registry/project/{name}")
    return project_view(proj)


def _holds_images(proj: RegistryProject) -> bool:
    return registry.holds_images(proj.scope, proj.name)


def delete_projects(p: Principal, project_ids: list[int]) -> None:
    """All or nothing: unknown ids (404) and projects still holding images (409) refuse the whole request."""
    scope = _scope(p)
    found = {i: registry.get_project_by_id(scope, i) for i in _unique(project_ids)}
    missing = [i for i, proj in found.items() if proj is None]
    if missing:
        raise NotFound(f"project not found: {_names(missing)}")
    busy = [proj.name for proj in found.values() if _holds_images(proj)]
    if busy:
        raise Conflict(f"projects still hold images, delete them first: {_names(busy)}")
    for proj in found.values():
        registry.delete_project(proj)
        audit.record(SURFACE, "delete_project", principal=p, tenant_id=scope,
                     resource=f"registry/project/{proj.name}")


# ---------------------------------------------------------------- external (third-party) repositories
class OteExternalRepo(Entity, discriminator="OteExternalRepo"):
    """An external registry's pull credentials: ``TENANT#<t>#OTE`` / ``EXTREPO#<repositoryId>``."""
    tenant_id = UnicodeAttribute()
    repo_num = NumberAttribute()
    repository_id = UnicodeAttribute()
    address = UnicodeAttribute()
    user = UnicodeAttribute()
    password_sealed = UnicodeAttribute()
    created_at = NumberAttribute()
    updated_at = NumberAttribute()

    def __repr__(self) -> str:  # never show the sealed secret
        return f"OteExternalRepo({self.tenant_id!r}, {self.repository_id!r})"


def _repo_pk(tenant: str) -> str:
    return f"TENANT#{tenant}#OTE"


def _repo_sk(repository_id: str) -> str:
    return f"EXTREPO#{repository_id}"


def _repo_list_key(tenant: str) -> str:
    return f"TENANT#{tenant}#OTEEXTREPO"


def _seal_context(tenant: str, repository_id: str) -> str:
    return f"ote-extrepo:{tenant}:{repository_id}"


def get_external_repository(tenant: str, repository_id: str) -> OteExternalRepo | None:
    """The external repository ``repository_id`` of business ``tenant`` (None when unknown).

    For other groups (applications check ``repositoryId`` with it). The password stays sealed; use
    :func:`external_repository_credentials` where a pull secret must be built.
    """
    if not isinstance(repository_id, str) or len(repository_id) > 253 or not _REPOSITORY_ID.match(repository_id):
        return None  # not a name we could have stored (and never a key DynamoDB would refuse)
    return store.get(OteExternalRepo, _repo_pk(tenant), _repo_sk(repository_id))


def external_repository_credentials(tenant: str, repository_id: str) -> dict | None:
    """``{address, user, password}`` for an image-pull secret (plaintext: never log or return it)."""
    repo = get_external_repository(tenant, repository_id)
    if repo is None:
        return None
    return {"address": repo.address, "user": repo.user,
            "password": sealing.unseal(repo.password_sealed, _seal_context(tenant, repo.repository_id))}


def external_repo_view(repo: OteExternalRepo, *, with_id: bool = True) -> dict:
    row = {"repositoryId": repo.repository_id, "address": repo.address, "user": repo.user}
    return {"id": int(repo.repo_num), **row} if with_id else row


def create_external_repository(p: Principal, repository_id: str, address: str, user: str, password: str) -> None:
    tenant = _scope(p)
    if get_external_repository(tenant, repository_id) is not None:  # spare the id sequence on a plain duplicate
        raise Conflict(f"external repository {repository_id} already exists")
    now = clock.now_s()
    num = ids.next_int("ote-extrepo")
    repo = OteExternalRepo(_repo_pk(tenant), _repo_sk(repository_id), tenant_id=tenant, repo_num=num,
                           repository_id=repository_id, address=address, user=user,
                           password_sealed=sealing.seal(password, _seal_context(tenant, repository_id)),
                           created_at=now, updated_at=now)
    repo.gsi2pk, repo.gsi2sk = _repo_list_key(tenant), ids.pad(num)
    store.create(repo, counters=[_repo_list_key(tenant)],
                 conflict=f"external repository {repository_id} already exists")
    audit.record(SURFACE, "create_external_repository", principal=p, tenant_id=tenant,
                 resource=f"registry/third/{repository_id}")


def delete_external_repositories(p: Principal, repository_ids: list[str]) -> None:
    """All or nothing; deployments already using a repository keep their pull secret."""
    tenant = _scope(p)
    found = {r: get_external_repository(tenant, r) for r in _unique(repository_ids)}
    missing = [r for r, repo in found.items() if repo is None]
    if missing:
        raise NotFound(f"external repository not found: {_names(missing)}")
    for repo in found.values():
        store.delete(repo, counters=[_repo_list_key(tenant)])
        audit.record(SURFACE, "delete_external_repository", principal=p, tenant_id=tenant,
                     resource=f"registry/third/{repo.repository_id}")


def list_external_repositories(p: Principal, q) -> tuple[list[dict], int]:
    tenant = _scope(p)
    q.order_by()
    window = q.window()
    results = OteExternalRepo.gsi2.query(_repo_list_key(tenant), scan_index_forward=not q.descending("asc"),
                                         page_size=_page_size(window, False))
    items, _ = take(results, window)
    return [external_repo_view(r) for r in items], Counter.value(_repo_list_key(tenant))


def get_external_repository_view(p: Principal, repository_id: str) -> dict:
    repo = get_external_repository(_scope(p), repository_id)
    if repo is None:
        raise NotFound(f"external repository {repository_id} not found")
    return external_repo_view(repo, with_id=False)
