"""The embedded Git host: real git repositories (dulwich objects) kept by edgeplane itself.

Storage (one choice, kept simple and safe under concurrent writers):

* **objects** are git loose objects (zlib of ``<type> <size>\\0<body>``, byte-for-byte what ``.git/objects``
  holds) in S3 at ``tenant/<project>/servicestage/git/<repo id>/objects/<sha>``. They are content-addressed and
  immutable, so writers never conflict on them and a reader may cache them freely;
* **refs** (branches, tags, HEAD) live in the repository's :class:`SsObj` record (``kind = gitrepo``), saved
  under its optimistic version: a commit first uploads its new objects, then moves the ref in one conditional
  write, so a ref never points at a missing object and a lost race is a clean "changed concurrently" error.

Namespaces are free names within the tenant's project (the authorization's user is always one); a project
is addressed by ``<namespace>/<name>`` or by its id. A new project starts with one commit (``README.md``) on
``main``. File writes commit on a branch (``ref`` must name one); update and delete require the file's
current blob sha. Commits list the latest ten reachable from the ref, newest first.
"""
from __future__ import annotations

import base64
import io
import re
import uuid
from urllib.parse import urlsplit

from dulwich.errors import NotTreeError
from dulwich.object_store import MemoryObjectStore, commit_tree_changes, tree_lookup_path
from dulwich.objects import Blob, Commit, ShaFile, Tag, Tree
from dulwich.walk import Walker

from chalicelib.core import clock
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.blobs import delete as blob_delete, get as blob_get, put as blob_put
from chalicelib.identity import sealing
from chalicelib.store.servicestage import SsObj
from chalicelib.surfaces.servicestage import objects
from chalicelib.surfaces.servicestage.gitproviders import errors
from chalicelib.surfaces.servicestage.gitproviders.base import Cred, Provider, split_clone_url

KIND = "gitrepo"
HOST = "git.edgeplane.local"
BASE_URL = f"https://{HOST}"
DEFAULT_BRANCH = "main"
MAX_FILE_BYTES = 4 * 1024 * 1024
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$")
_SHA = re.compile(r"^[0-9a-f]{40}$")
FILE_MODE = 0o100644


def _check_name(value: str, what: str) -> str:
    if not isinstance(value, str) or not _NAME.match(value) or value.endswith(".git") or ".." in value:
        raise errors.invalid(f"invalid {what}: letters, digits, '_', '-', '.', at most 100 characters")
    return value


def _check_ref_name(value: str, what: str) -> str:
    if (not isinstance(value, str) or not _REF.match(value) or ".." in value or "//" in value
            or value.endswith(("/", ".", ".lock")) or "@{" in value):
        raise errors.invalid(f"invalid {what}")
    return value


def _check_path(path: str) -> str:
    parts = path.split("/") if isinstance(path, str) else []
    if (not path or len(path) > 1024 or "\0" in path or any(p in ("", ".", "..", ".git") for p in parts)):
        raise errors.invalid("invalid file path")
    return path


class S3ObjectStore(MemoryObjectStore):
    """dulwich objects of one repository, read lazily from S3; new objects are written by :meth:`flush`."""

    def __init__(self, prefix: str):
        super().__init__()
        self.prefix = prefix
        self._new: list[str] = []

    def _key(self, hexsha: str) -> str:
        return f"{self.prefix}/objects/{hexsha}"

    def _load(self, hexsha) -> bool:
        hexsha = self._to_hexsha(hexsha)
        if hexsha in self._data:
            return True
        text = hexsha.decode() if isinstance(hexsha, bytes) else hexsha
        try:
            raw = blob_get(self._key(text))
        except NotFound:
            return False
        obj = ShaFile.from_file(io.BytesIO(raw))
        if obj.id != (hexsha if isinstance(hexsha, bytes) else hexsha.encode()):
            raise errors.remote("a stored git object is corrupt")
        self._data[obj.id] = obj
        return True

    def contains_loose(self, sha) -> bool:
        return self._load(sha)

    def __contains__(self, sha) -> bool:
        return self._load(sha)

    def __getitem__(self, name):
        if not self._load(name):
            raise KeyError(name)
        return super().__getitem__(name)

    def add_object(self, obj: ShaFile) -> None:
        if obj.id not in self._data:
            self._new.append(obj.id.decode())
        super().add_object(obj)

    def flush(self) -> None:
        for hexsha in self._new:
            blob_put(self._key(hexsha), self._data[hexsha.encode()].as_legacy_object(),
                     max_bytes=MAX_FILE_BYTES * 2)
        self._new.clear()

    def delete_all(self, shas) -> None:
        for hexsha in shas:
            blob_delete(self._key(hexsha))


class Repo:
    """One repository: its record (refs) and its object store."""

    def __init__(self, item: SsObj):
        self.item = item
        self.store = S3ObjectStore(f"tenant/{item.project}/servicestage/git/{item.data['id']}")

    @property
    def refs(self) -> dict:
        return self.item.data.setdefault("refs", {})

    def resolve(self, ref: str | None) -> bytes:
        """The commit id that ``ref`` (branch, tag or full commit sha; default HEAD) names."""
        ref = ref or self.item.data.get("head", f"refs/heads/{DEFAULT_BRANCH}")[len("refs/heads/"):]
        for name in (ref, f"refs/heads/{ref}", f"refs/tags/{ref}"):
            if name.startswith("refs/") and name in self.refs:
                return self._peel(self.refs[name].encode())
        if _SHA.match(ref) and ref.encode() in self.store and isinstance(self.store[ref.encode()], Commit):
            return ref.encode()
        raise errors.not_found(f"ref {ref} does not exist")

    def _peel(self, sha: bytes) -> bytes:
        obj = self.store[sha]
        while isinstance(obj, Tag):
            obj = self.store[obj.object[1]]
        return obj.id

    def branch(self, ref: str) -> tuple[str, bytes]:
        name = f"refs/heads/{ref}"
        if name not in self.refs:
            raise errors.invalid(f"ref {ref} is not a branch: files are committed on branches")
        return name, self.refs[name].encode()

    def tree_of(self, commit_id: bytes) -> bytes:
        return self.store[commit_id].tree

    def lookup(self, commit_id: bytes, path: str) -> tuple[int, bytes] | None:
        try:
            mode, sha = tree_lookup_path(self.store.__getitem__, self.tree_of(commit_id), path.encode())
        except (KeyError, NotTreeError):
            return None
        return mode, sha

    def commit(self, branch: str, parent: bytes, changes: list, message: str, actor: str) -> bytes:
        c = new_commit(commit_tree_changes(self.store, self.tree_of(parent), changes), [parent], message, actor)
        self.store.add_object(c)
        self.refs[branch] = c.id.decode()
        return c.id

    def save(self) -> None:
        """Upload the new objects, then move the refs (one conditional write)."""
        self.store.flush()
        try:
            objects.save(self.item)
        except Conflict:
            raise errors.exists("the repository was changed concurrently, retry") from None


class Embedded(Provider):
    repo_type = "edgeplane"
    default_host = BASE_URL
    oauth = False

    def api_base(self, host: str | None) -> str:
        return BASE_URL

    def identity(self, cred: Cred) -> dict:
        user = cred.user or cred.actor
        return {"repo_user": user, "repo_home": f"{BASE_URL}/{user}", "avatar": ""}

    # ---------------------------------------------------------------- lookup
    @staticmethod
    def clone_url(namespace: str, name: str) -> str:
        return f"{BASE_URL}/{namespace}/{name}.git"

    def _repo(self, cred: Cred, namespace: str, project: str) -> Repo:
        item = objects.get(cred.project, KIND, f"{namespace}/{project}")
        if item is None and re.fullmatch(r"[0-9a-f]{32}", project or ""):
            for found in SsObj.gsi4.query(f"SS#{cred.project}#{KIND}#ID", SsObj.gsi4sk == project, limit=1):
                if found.data.get("namespace") == namespace or namespace == found.data.get("id"):
                    item = found
        if item is None:
            raise errors.not_found(f"project {namespace}/{project} does not exist")
        return Repo(item)

    @staticmethod
    def _project(item: SsObj) -> dict:
        d = item.data
        return {"id": d["id"], "name": d["name"], "clone_url": d["clone_url"]}

    def namespaces(self, cred: Cred) -> list[dict]:
        names = {cred.user or cred.actor}
        args = objects.ListArgs(None, 0, "name", True)
        items, _ = objects.page(cred.project, KIND, args)
        names.update(i.data["namespace"] for i in items)
        return [{"id": n, "name": n} for n in sorted(names)]

    def project_info(self, cred: Cred, clone_url: str) -> dict:
        host, ns, project = split_clone_url(clone_url)
        if host != HOST:
            raise errors.bad_clone_url(f"the clone URL is not on {HOST}")
        repo = self._repo(cred, ns, project)
        return {"namespace_id": ns, "namespace": ns, "project_id": repo.item.data["id"], "project": project}

    def projects(self, cred: Cred, namespace: str) -> list[dict]:
        _check_name(namespace, "namespace")
        args = objects.ListArgs(None, 0, "name", True)
        items, _ = objects.page(cred.project, KIND, args, predicate=lambda i: i.data.get("namespace") == namespace)
        return [self._project(i) for i in items]

    def create_project(self, cred: Cred, namespace: str, name: str) -> dict:
        _check_name(namespace, "namespace")
        _check_name(name, "project name")
        repo_id = uuid.uuid4().hex
        full = f"{namespace}/{name}"
        if objects.get(cred.project, KIND, full) is not None:
            raise errors.exists(f"project {full} already exists")
        item = SsObj(f"SS#{cred.project}#{KIND}", f"ID#{full}", project=cred.project, obj_kind=KIND, obj_id=full,
                     scope="", name=full, data={"id": repo_id}, create_ms=0, update_ms=0)
        repo = Repo(item)
        readme = Blob.from_string(f"# {name}\n".encode())
        repo.store.add_object(readme)
        tree = Tree()
        tree.add(b"README.md", FILE_MODE, readme.id)
        repo.store.add_object(tree)
        c = new_commit(tree.id, [], "Initial commit", cred.actor)
        repo.store.add_object(c)
        repo.store.flush()
        data = {"id": repo_id, "namespace": namespace, "name": name, "clone_url": self.clone_url(namespace, name),
                "head": f"refs/heads/{DEFAULT_BRANCH}", "refs": {f"refs/heads/{DEFAULT_BRANCH}": c.id.decode()},
                "hooks": []}
        try:
            objects.create(cred.project, KIND, data, obj_id=full, name=full,
                           unique_name=(f"project {full} already exists", errors.EXISTS),
                           lookup=(f"SS#{cred.project}#{KIND}#ID", repo_id))
        except Conflict:
            raise errors.exists(f"project {full} already exists") from None
        return {"id": repo_id, "name": name, "clone_url": data["clone_url"]}

    # ---------------------------------------------------------------- refs
    def branches(self, cred: Cred, namespace: str, project: str) -> list[str]:
        repo = self._repo(cred, namespace, project)
        return sorted(r[len("refs/heads/"):] for r in repo.refs if r.startswith("refs/heads/"))

    def tags(self, cred: Cred, namespace: str, project: str) -> list[str]:
        repo = self._repo(cred, namespace, project)
        return sorted(r[len("refs/tags/"):] for r in repo.refs if r.startswith("refs/tags/"))

    def create_tag(self, cred: Cred, namespace: str, project: str, ref: str, name: str, description: str) -> dict:
        _check_ref_name(name, "tag name")
        repo = self._repo(cred, namespace, project)
        if f"refs/tags/{name}" in repo.refs:
            raise errors.exists(f"tag {name} already exists")
        target = repo.resolve(ref)
        tag = Tag()
        tag.name = name.encode()
        tag.object = (Commit, target)
        tag.tagger = _who(cred.actor)
        tag.tag_time = int(clock.now())
        tag.tag_timezone = 0
        tag.message = description.encode("utf-8") + b"\n"
        repo.store.add_object(tag)
        repo.refs[f"refs/tags/{name}"] = tag.id.decode()
        repo.save()
        return {"name": name}

    def delete_tag(self, cred: Cred, namespace: str, project: str, name: str) -> None:
        repo = self._repo(cred, namespace, project)
        if f"refs/tags/{name}" not in repo.refs:
            raise errors.not_found(f"tag {name} does not exist")
        del repo.refs[f"refs/tags/{name}"]
        repo.save()

    def commits(self, cred: Cred, namespace: str, project: str, ref: str | None) -> list[dict]:
        repo = self._repo(cred, namespace, project)
        head = repo.resolve(ref)
        out = []
        for entry in Walker(repo.store, [head], max_entries=10):
            c = entry.commit
            out.append({"sha": c.id.decode(), "message": c.message.decode("utf-8", "replace"),
                        "authored_date": _iso(c.author_time)})
        return out

    # ---------------------------------------------------------------- hooks
    def hooks(self, cred: Cred, namespace: str, project: str) -> list[dict]:
        repo = self._repo(cred, namespace, project)
        return [{"id": h["id"], "type": "edgeplane", "callback_url": h["url"]} for h in repo.item.data.get("hooks", [])]

    def create_hook(self, cred: Cred, namespace: str, project: str, url: str, secret: str) -> dict:
        repo = self._repo(cred, namespace, project)
        hooks = repo.item.data.setdefault("hooks", [])
        if len(hooks) >= 20:
            raise errors.invalid("a project has at most 20 hooks")
        hook_id = str(max([int(h["id"]) for h in hooks] + [0]) + 1)
        hooks.append({"id": hook_id, "url": url})
        sealed = sealing.seal(secret, f"githook:{repo.item.data['id']}")
        repo.item.extra.setdefault("hook_secrets", {})[hook_id] = sealed
        repo.save()
        return {"id": hook_id, "type": "edgeplane", "callback_url": url}

    def delete_hook(self, cred: Cred, namespace: str, project: str, hook_id: str) -> None:
        repo = self._repo(cred, namespace, project)
        hooks = repo.item.data.get("hooks", [])
        if not any(h["id"] == hook_id for h in hooks):
            raise errors.not_found(f"hook {hook_id} does not exist")
        repo.item.data["hooks"] = [h for h in hooks if h["id"] != hook_id]
        repo.item.extra.get("hook_secrets", {}).pop(hook_id, None)
        repo.save()

    # ---------------------------------------------------------------- files
    def tree(self, cred: Cred, namespace: str, project: str, ref: str) -> list[str]:
        repo = self._repo(cred, namespace, project)
        commit_id = repo.resolve(ref)
        return sorted(e.path.decode("utf-8", "replace")
                      for e in repo.store.iter_tree_contents(repo.tree_of(commit_id))
                      if e.mode is not None and not (e.mode & 0o040000))

    def read_file(self, cred: Cred, namespace: str, project: str, path: str, ref: str) -> dict:
        _check_path(path)
        repo = self._repo(cred, namespace, project)
        found = repo.lookup(repo.resolve(ref), path)
        if found is None or found[0] & 0o040000:
            raise errors.not_found(f"file {path} does not exist at {ref}")
        blob = repo.store[found[1]]
        return {"path": path, "sha": blob.id.decode(), "encoding": "base64",
                "content": base64.b64encode(blob.data).decode()}

    def _write(self, cred, namespace, project, path, ref, message, content, sha, *, create: bool) -> None:
        _check_path(path)
        if content is not None and len(content) > MAX_FILE_BYTES:
            raise errors.invalid(f"the file is larger than {MAX_FILE_BYTES} bytes")
        repo = self._repo(cred, namespace, project)
        branch, head = repo.branch(ref)
        found = repo.lookup(head, path)
        if create:
            if found is not None:
                raise errors.exists(f"file {path} already exists")
            # no directory prefix of the path may be a file
            parts = path.split("/")
            for i in range(1, len(parts)):
                prefix = repo.lookup(head, "/".join(parts[:i]))
                if prefix is not None and not prefix[0] & 0o040000:
                    raise errors.invalid(f"{'/'.join(parts[:i])} is a file")
        else:
            if found is None or found[0] & 0o040000:
                raise errors.not_found(f"file {path} does not exist on {ref}")
            if found[1].decode() != sha:
                raise errors.invalid("the file was changed: sha does not match its current blob")
        if content is None:
            changes = [(path.encode(), None, None)]
        else:
            blob = Blob.from_string(content)
            repo.store.add_object(blob)
            changes = [(path.encode(), FILE_MODE, blob.id)]
        repo.commit(branch, head, changes, message, cred.actor)
        repo.save()

    def create_file(self, cred, namespace, project, path, ref, message, content) -> dict:
        self._write(cred, namespace, project, path, ref, message, content, None, create=True)
        return {"path": path}

    def update_file(self, cred, namespace, project, path, ref, message, content, sha) -> dict:
        self._write(cred, namespace, project, path, ref, message, content, sha, create=False)
        return {"path": path}

    def delete_file(self, cred, namespace, project, path, ref, message, sha) -> None:
        self._write(cred, namespace, project, path, ref, message, None, sha, create=False)


def _who(actor: str) -> bytes:
    name = re.sub(r"[<>\n]", "", actor or "") or "edgeplane"
    return f"{name} <{name}@{HOST}>".encode()


def new_commit(tree: bytes, parents: list, message: str, actor: str) -> Commit:
    c = Commit()
    c.tree, c.parents = tree, parents
    c.author = c.committer = _who(actor)
    c.author_time = c.commit_time = int(clock.now())
    c.author_timezone = c.commit_timezone = 0
    c.encoding = b"UTF-8"
    c.message = message.encode("utf-8") + (b"" if message.endswith("\n") else b"\n")
    return c


def _iso(seconds: int) -> str:
    import datetime as _dt
    return _dt.datetime.fromtimestamp(seconds, _dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_embedded_host(host: str | None) -> bool:
    return bool(host) and urlsplit(host if "//" in host else f"//{host}").hostname == HOST
