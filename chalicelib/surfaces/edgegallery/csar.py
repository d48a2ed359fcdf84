"""The application package (CSAR) generator (catalog §8.6), entirely in memory.

A package exists in two forms:
- the *working tree*: ``{relative path: bytes}`` with the APPD as a folder (``APPD/TOSCA_VNFD.meta``,
  ``APPD/Definition/<base>.yaml``) and each Helm chart unpacked under ``Artifacts/Deployment/Charts/<chart>/``;
  this is what the package editor (25.x, 27.x) lists, reads and overwrites;
- the ``.csar``: a zip of the tree where the APPD folder became ``APPD/<base>.zip``, each chart folder a
  ``<chart>.tgz``, and the manifest ``<base>.mf`` lists a ``Source/Algorithm/Hash`` triple (SHA-256) for every
  other file, recomputed by :func:`pack` each time.

``<base>`` = ``<name>_<provider>_<version>_<architecture>``. Data comes from the other groups' modules, imported
lazily (``service_vms.vms``, ``service_vmimages.get_image``, ``service_charts.chart_files``/``images_of``,
``service_config.configuration``, ``service_flavors.get``, ``service_files.load/content``,
``service_scripts.scripts/read``); a missing module just contributes nothing. Scripts uploaded for the application
(10.1) go to ``Artifacts/Deployment/Scripts/<name>`` (catalog §8.6) and, like every file, into the manifest.
"""
from __future__ import annotations

import gzip
import hashlib
import importlib
import io
import json
import posixpath
import re
import tarfile
import uuid
import zipfile

import yaml

from chalicelib.core.errors import BadRequest

ARCH = {"X86": "x86_64", "ARM64": "aarch64", "ARM32": "aarch32"}
TOSCA_META = "TOSCA-Metadata/TOSCA.meta"
CHARTS = "Artifacts/Deployment/Charts/"
SCRIPTS = "Artifacts/Deployment/Scripts/"
ZIP_DATE = (2021, 1, 1, 0, 0, 0)
MAX_TREE_FILES = 2000
MAX_TREE_BYTES = 200 * 1024 * 1024
_NS = uuid.UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")
_UNSAFE = re.compile(r"[^\w.\-]")


# ---------------------------------------------------------------- data sources (lazy)
def _mod(name: str):
    try:
        return importlib.import_module(f"chalicelib.surfaces.edgegallery.{name}")
    except ImportError:
        return None


def _call(module: str, fn: str, *args, default=None):
    m = _mod(module)
    f = getattr(m, fn, None) if m else None
    if f is None:
        return default
    return f(*args)


def _plain(obj, module: str | None = None) -> dict:
    if obj is None:
        return {}
    if isinstance(obj, dict):
        return obj
    m = _mod(module) if module else None
    if m is not None and hasattr(m, "view"):
        try:
            out = m.view(obj)
            if isinstance(out, dict):
                return out
        except Exception:  # noqa: BLE001 - a view that needs more context: fall back to the attributes
            pass
    return dict(getattr(obj, "attribute_values", None) or vars(obj))


def app_json(app) -> dict:
    """The application detail body (``vmApp`` or ``containerApp``)."""
    from chalicelib.surfaces.edgegallery import service_apps
    d = service_apps.detail(app)
    return d.get("vmApp") or d.get("containerApp") or service_apps.view(app)


def vms_of(app, body: dict | None = None) -> list[dict]:
    got = _call("service_vms", "vms", app)
    if got is None:
        got = (body or app_json(app)).get("vmList") or []
    return [_plain(v, "service_vms") for v in got]


def charts_of(app) -> list[tuple[str, bytes]]:
    return list(_call("service_charts", "chart_files", app, default=None) or [])


def scripts_of(app) -> list[tuple[str, bytes]]:
    """The application's scripts as (unique safe file name, bytes), oldest first; a second script of the same
    name becomes ``<stem>-2.sh`` so none is lost."""
    m = _mod("service_scripts")
    if m is None or not hasattr(m, "scripts") or not hasattr(m, "read"):
        return []
    out, taken, total = [], set(), 0
    for s in m.scripts(app):
        data = bytes(m.read(s))
        total += len(data)
        if total > MAX_TREE_BYTES:
            raise BadRequest("the application's scripts are too large to package", code=20018)
        name = safe_name(s.name)
        stem, dot, ext = name.rpartition(".")
        stem, ext = (stem, dot + ext) if dot else (name, "")
        n = 1
        while name in taken:
            n += 1
            name = f"{stem}-{n}{ext}"
        taken.add(name)
        out.append((name, data))
    return out


def container_images_of(app) -> list[str]:
    return [str(i) for i in (_call("service_charts", "images_of", app, default=None) or [])]


def configuration_of(app, body: dict | None = None) -> dict:
    got = _call("service_config", "configuration", app)
    if got is None:
        got = (body or app_json(app)).get("appConfiguration")
    return _plain(got) if got else {}


def _image(image_id) -> dict:
    if image_id in (None, ""):
        return {}
    try:
        return _plain(_call("service_vmimages", "get_image", image_id), "service_vmimages")
    except Exception:  # noqa: BLE001 - an unknown image: describe it by id only
        return {}


def _flavor(flavor_id) -> dict:
    if not flavor_id:
        return {}
    m = _mod("service_flavors")
    try:
        if hasattr(m, "get_flavor"):
            return _plain(m.get_flavor(flavor_id), "service_flavors")
        if hasattr(m, "get"):
            return _plain(m.get(flavor_id), "service_flavors")
    except Exception:  # noqa: BLE001 - an unknown flavor: defaults
        return {}
    return {}


def _file(file_id) -> tuple[str, bytes] | None:
    """An uploaded file (icon, guide) as (name, bytes), from the upload-files group (group 6)."""
    m = _mod("service_files")
    if not file_id or m is None or not hasattr(m, "load") or not hasattr(m, "content"):
        return None
    try:
        f = m.load(file_id)
        return safe_name(getattr(f, "file_name", "") or file_id), bytes(m.content(f))
    except Exception:  # noqa: BLE001 - a missing or malformed file id: the package goes without it
        return None


# ---------------------------------------------------------------- names and paths
def safe_name(name: str) -> str:
    out = _UNSAFE.sub("-", posixpath.basename(str(name).replace("\\", "/"))).strip(".") or "file"
    return out[:120]


def base_name(body: dict) -> str:
    parts = [body.get("name") or "app", body.get("provider") or "provider", body.get("version") or "1.0",
             body.get("architecture") or "X86"]
    return "_".join(_UNSAFE.sub("-", str(x)) for x in parts)


def check_path(path) -> str:
    """A relative package path from a client: no absolute paths, no ``..``, no backslashes, no NULs."""
    if not isinstance(path, str) or not path.strip():
        raise BadRequest("filePath is required", code=20003)
    if path.startswith("/") or "\\" in path or "\x00" in path or re.match(r"^[A-Za-z]:", path):
        raise BadRequest("filePath must be relative to the package root", code=20002)
    parts = path.split("/")
    if any(p in ("..", ".") for p in parts) or "" in parts:
        raise BadRequest("filePath must not contain '..', '.' or empty segments", code=20002)
    return path


def manifest_path(tree: dict) -> str:
    mfs = [p for p in tree if "/" not in p and p.endswith(".mf")]
    if len(mfs) != 1:
        raise BadRequest("the package must hold exactly one manifest (.mf) at its root", code=20031)
    return mfs[0]


# ---------------------------------------------------------------- the working tree
def tree_for(app) -> dict[str, bytes]:
    body = app_json(app)
    base = base_name(body)
    is_vm = body.get("appClass") == "VM"
    vms = vms_of(app, body) if is_vm else []
    config = configuration_of(app, body)
    tree: dict[str, bytes] = {}
    tree[f"{base}.mf"] = manifest_text(body, {}).encode()
    tree[TOSCA_META] = tosca_meta(base).encode()
    tree["APPD/TOSCA_VNFD.meta"] = (f"VNFD-Meta-File-Version: 1.0\n"
                                    f"Entry-Definitions: Definition/{base}.yaml\n").encode()
    tree[f"APPD/Definition/{base}.yaml"] = yaml.safe_dump(appd(body, vms, config), sort_keys=False,
                                                          allow_unicode=True).encode()
    tree["APPD/Definition/nfv_vnfd_types_v1_0.yaml"] = TYPES_YAML.encode()
    if is_vm:
        descs = vm_image_descs(body, vms)
    else:
        descs = container_image_descs(body, container_images_of(app))
    tree["Image/SwImageDesc.json"] = json.dumps(descs, indent=2, ensure_ascii=False).encode()
    icon, guide = _file(body.get("iconFileId")), _file(body.get("guideFileId"))
    if icon:
        tree[f"Artifacts/Docs/{icon[0]}"] = icon[1]
    if guide:
        tree[f"Artifacts/Docs/{guide[0]}"] = guide[1]
    else:
        tree[f"Artifacts/Docs/{safe_name(body.get('name') or 'app')}.md"] = (
            f"# {body.get('name')}\n\n{body.get('description') or ''}\n").encode()
    tree["Artifacts/ChangeLog.txt"] = f"{body.get('version')}: generated by the EdgeGallery developer\n".encode()
    tree["Artifacts/Informational/user_guide.txt"] = (body.get("description") or "").encode()
    if not is_vm:
        for filename, data in charts_of(app):
            tree.update(_chart_tree(filename, data))
    for filename, data in scripts_of(app):
        tree[SCRIPTS + filename] = data
    return tree


def _chart_tree(filename: str, data: bytes) -> dict[str, bytes]:
    """A chart ``.tgz`` unpacked under ``Charts/<stem>/``; a plain k8s yaml becomes a minimal chart."""
    name = safe_name(filename)
    stem = re.sub(r"\.(tgz|tar\.gz|ya?ml)$", "", name, flags=re.I) or "chart"
    root = f"{CHARTS}{stem}/"
    if name.lower().endswith((".yaml", ".yml")):
        return {f"{root}{stem}/Chart.yaml": yaml.safe_dump({"apiVersion": "v1", "name": stem,
                                                            "version": "1.0.0"}).encode(),
                f"{root}{stem}/values.yaml": b"{}\n",
                f"{root}{stem}/templates/{name}": data}
    return {root + k: v for k, v in untar(data).items()}


def manifest_text(body: dict, hashes: dict[str, str], metadata: str | None = None) -> str:
    if metadata is None:
        is_vm = body.get("appClass") == "VM"
        metadata = "\n".join([
            "metadata:",
            f"app_product_name: {body.get('name')}",
            f"app_provider_id: {body.get('provider')}",
            f"app_package_version: {body.get('version')}",
            f"app_release_data_time: {body.get('createTime')}",
            f"app_type: EdgeGallery_{'VM' if is_vm else 'CONTAINER'}_package",
            f"app_class: {'vm' if is_vm else 'container'}",
            f"app_package_description: {(body.get('description') or '').splitlines()[0] if body.get('description') else ''}",
        ])
    blocks = [metadata.rstrip("\n") + "\n"]
    for path in sorted(hashes):
        blocks.append(f"Source: {path}\nAlgorithm: SHA-256\nHash: {hashes[path]}\n")
    return "\n".join(blocks)


def tosca_meta(base: str) -> str:
    return (f"TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 3.25\nCreated-by: EdgeGallery\n"
            f"Entry-Definitions: APPD/{base}.zip\n\nName: APPD/{base}.zip\nContent-Type: appd\n\n"
            f"Name: Image/SwImageDesc.json\nContent-Type: SwImageDesc\n")


def _node(name: str) -> str:
    return _UNSAFE.sub("_", str(name)) or "node"


def appd(body: dict, vms: list[dict], config: dict) -> dict:
    """The TOSCA APPD (tosca_simple_profile_yaml_1_2): one Vdu.Compute per VM, a VduCp per port, a
    VnfVirtualLink per network, and the app_configuration node."""
    name = body.get("name")
    cert = config.get("appCertificate") or {}
    inputs = {
        "DC_ID": {"type": "string", "default": "", "description": "DC ID"},
        "ak": {"type": "string", "default": cert.get("ak") if isinstance(cert.get("ak"), str) else "",
               "description": "AK"},
        "sk": {"type": "string", "default": cert.get("sk") if isinstance(cert.get("sk"), str) else "",
               "description": "SK"},
        "app_mp1_ip": {"type": "string", "default": "", "description": "MP1 network IP"},
        "app_n6_ip": {"type": "string", "default": "", "description": "N6 network IP"},
        "app_internet_ip": {"type": "string", "default": "", "description": "Internet network IP"},
    }
    nodes: dict = {"Simple_VNF": {"type": "tosca.nodes.nfv.VNF", "properties": {
        "vnfd_id": name, "vnfd_version": "v1.2", "provider": body.get("provider"), "product_name": name,
        "software_version": body.get("version"), "product_info_name": name,
        "product_info_description": body.get("description") or "", "flavour_id": "default",
        "flavour_description": "default flavor"}}}
    networks = [n.get("name") for n in (body.get("networkList") or []) if isinstance(n, dict) and n.get("name")]
    for vm in vms:
        for port in vm.get("portList") or []:
            if isinstance(port, dict) and port.get("networkName") and port["networkName"] not in networks:
                networks.append(port["networkName"])
    vm_nodes = []
    for vm in vms:
        vname = vm.get("name") or vm.get("id") or "VDU"
        node = _node(vname)
        vm_nodes.append(node)
        flavor = _flavor(vm.get("flavorId"))
        image = _image(vm.get("targetImageId") or vm.get("imageId"))
        user_data = vm.get("userData") or ""
        nodes[node] = {"type": "tosca.nodes.nfv.Vdu.Compute", "properties": {
            "name": vname, "description": vm.get("description") or "",
            "vdu_profile": {"min_number_of_instances": 1, "max_number_of_instances": 1,
                            "flavor_extra_specs": _extra_specs(vm.get("flavorExtraSpecs"))},
            "sw_image_data": {"name": image.get("name") or f"image-{vm.get('targetImageId') or vm.get('imageId')}"},
            "bootdata": {"config_drive": True, "user_data": {"contents": user_data, "params": {
                "MEP_IP": {"get_input": "app_mp1_ip"}, "ak": {"get_input": "ak"}, "sk": {"get_input": "sk"}}}},
            "nfvi_constraints": vm.get("areaZone") or "nova"},
            "capabilities": {"virtual_compute": {"properties": {
                "virtual_memory": {"virtual_mem_size": int(flavor.get("memory") or 1024)},
                "virtual_cpu": {"num_virtual_cpu": int(flavor.get("cpu") or 1)},
                "virtual_local_storage": {"size_of_storage": int(flavor.get("systemDiskSize") or 20)}}}}}
        for i, port in enumerate(p for p in (vm.get("portList") or []) if isinstance(p, dict)):
            nodes[f"{node}_{_node(port.get('name') or f'port{i}')}"] = {
                "type": "tosca.nodes.nfv.VduCp",
                "properties": {"description": port.get("description") or "", "vnic_name": f"eth{i}",
                               "order": i, "vnic_type": "normal", "port_security_enabled": True},
                "requirements": [{"virtual_binding": node},
                                 {"virtual_link": _node(port.get("networkName") or "default")}]}
    for net in networks:
        nodes[_node(net)] = {"type": "tosca.nodes.nfv.VnfVirtualLink",
                             "properties": {"vl_profile": {"network_name": net}}}
    nodes["app_configuration"] = {"type": "tosca.nodes.nfv.app.configuration", "properties": {
        "certification_info": {"access_token": {"ak": {"get_input": "ak"}, "sk": {"get_input": "sk"}}},
        "appServiceProduced": [_produced(s) for s in config.get("appServiceProducedList") or []
                               if isinstance(s, dict)],
        "appServiceRequired": [{"serName": s.get("serName"), "version": s.get("version"),
                                "requestedPermissions": bool(s.get("requestedPermissions"))}
                               for s in config.get("appServiceRequiredList") or [] if isinstance(s, dict)],
        "appTrafficRule": [r for r in config.get("trafficRuleList") or [] if isinstance(r, dict)],
        "appDNSRule": [r for r in config.get("dnsRuleList") or [] if isinstance(r, dict)],
        "appName": name}}
    topology: dict = {"inputs": inputs, "node_templates": nodes}
    if vm_nodes:
        topology["groups"] = {"AntiAffinityGroup": {"type": "tosca.groups.nfv.PlacementGroup",
                                                    "members": vm_nodes}}
        topology["policies"] = [{"antiaffinity_policy": {"type": "tosca.policies.nfv.AntiAffinityRule",
                                                         "targets": ["AntiAffinityGroup"],
                                                         "properties": {"scope": "nfvi_node"}}}]
    return {"tosca_definitions_version": "tosca_simple_profile_yaml_1_2",
            "description": body.get("description") or "",
            "imports": ["nfv_vnfd_types_v1_0.yaml"],
            "metadata": {"template_name": name, "template_author": body.get("provider"),
                         "template_version": "1.0.0", "vnfm_type": "MEPM", "vnfd_id": name,
                         "vnfd_version": "v1.2", "vnfd_name": name,
                         "vnfd_description": body.get("description") or ""},
            "topology_template": topology}


def _extra_specs(value) -> dict:
    if isinstance(value, dict):
        return value
    out = {}
    for line in str(value or "").splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            out[k.strip()] = v.strip()
    return out


def _produced(s: dict) -> dict:
    return {"serName": s.get("serviceName"), "version": s.get("version"),
            "protocol": s.get("protocol"), "internalPort": s.get("internalPort"),
            "dnsRulesList": list(s.get("dnsRuleIdList") or []),
            "trafficRulesList": list(s.get("trafficRuleIdList") or [])}


def vm_image_descs(body: dict, vms: list[dict]) -> list[dict]:
    out, seen = [], set()
    for vm in vms:
        image_id = vm.get("targetImageId") or vm.get("imageId")
        if image_id in seen:
            continue
        seen.add(image_id)
        img = _image(image_id)
        fmt = img.get("imageFormat") or "qcow2"
        out.append({"id": str(image_id), "name": img.get("name") or f"image-{image_id}",
                    "version": img.get("osVersion") or "", "checksum": img.get("fileMd5") or img.get("checkSum") or "",
                    "containerFormat": "bare", "diskFormat": fmt,
                    "minDisk": int(img.get("systemDiskSize") or 20), "minRam": 6,
                    "architecture": ARCH.get(body.get("architecture"), "x86_64"),
                    "size": int(img.get("imageSize") or 0),
                    "swImage": img.get("downLoadUrl") or f"Image/{img.get('imageFileName') or f'{image_id}.{fmt}'}",
                    "hw_scsi_model": "virtio-scsi", "hw_disk_bus": "scsi",
                    "operatingSystem": "-".join(str(x) for x in (img.get("osType"), img.get("osVersion"),
                                                                 img.get("osBitType")) if x) or "linux",
                    "supportedVirtualisationEnvironment": "linux"})
    return out


def container_image_descs(body: dict, images: list[str]) -> list[dict]:
    out = []
    for ref in dict.fromkeys(images):
        name, _, tag = ref.rpartition(":") if ":" in ref.rsplit("/", 1)[-1] else (ref, "", "latest")
        out.append({"id": str(uuid.uuid5(_NS, ref)), "name": name or ref, "version": tag or "latest",
                    "checksum": "", "containerFormat": "bare", "diskFormat": "raw", "minDisk": 0, "minRam": 0,
                    "architecture": ARCH.get(body.get("architecture"), "x86_64"), "size": 0, "swImage": ref,
                    "hw_scsi_model": "", "hw_disk_bus": "", "operatingSystem": "linux",
                    "supportedVirtualisationEnvironment": "linux"})
    return out


# ---------------------------------------------------------------- pack / unpack
def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in files:
            info = zipfile.ZipInfo(path, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, files[path])
    return buf.getvalue()


def tgz(files: dict[str, bytes]) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for path in sorted(files):
            info = tarfile.TarInfo(path)
            info.size, info.mtime, info.mode = len(files[path]), 0, 0o644
            tf.addfile(info, io.BytesIO(files[path]))
    return gzip.compress(raw.getvalue(), mtime=0)


def _safe_member(name: str) -> str | None:
    if not name or name.startswith("/") or "\\" in name or "\x00" in name:
        return None
    if ".." in name.split("/"):
        return None
    norm = posixpath.normpath(name)
    if norm in (".", "") or norm.startswith("../"):
        return None
    return norm


def untar(data: bytes) -> dict[str, bytes]:
    out, total = {}, 0
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tf:
            for m in tf:
                if m.isdir():
                    continue
                name = _safe_member(m.name)
                if not m.isfile() or name is None:
                    raise BadRequest(f"chart entry not allowed: {m.name}", code=20030)
                total += m.size
                if len(out) >= MAX_TREE_FILES or total > MAX_TREE_BYTES:
                    raise BadRequest("chart archive too large", code=20030)
                f = tf.extractfile(m)
                out[name] = f.read() if f else b""
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BadRequest(f"chart archive is corrupt: {exc}", code=20030) from None
    return out


def unzip(data: bytes) -> dict[str, bytes]:
    out, total = {}, 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
            if len(infos) > MAX_TREE_FILES:
                raise BadRequest("package has too many entries", code=20030)
            for info in infos:
                name = _safe_member(info.filename)
                if name is None or (info.external_attr >> 16) & 0o170000 == 0o120000:
                    raise BadRequest(f"package entry not allowed: {info.filename}", code=20030)
                total += info.file_size
                if total > MAX_TREE_BYTES:
                    raise BadRequest("package unpacks too large", code=20030)
                out[name] = zf.read(info)
    except zipfile.BadZipFile as exc:
        raise BadRequest(f"package is not a valid zip: {exc}", code=20030) from None
    return out


def pack(tree: dict[str, bytes]) -> bytes:
    """The ``.csar`` of a working tree: APPD zipped, charts tgz'ed, manifest hashes recomputed."""
    mf = manifest_path(tree)
    base = mf[:-3]
    out: dict[str, bytes] = {}
    appd_files = {p[len("APPD/"):]: d for p, d in tree.items()
                  if p.startswith("APPD/") and p != f"APPD/{base}.zip"}
    charts: dict[str, dict[str, bytes]] = {}
    appd_paths = {"APPD/" + k for k in appd_files}
    for path in sorted(tree):
        if path == mf or path in appd_paths:
            continue
        if path.startswith(CHARTS) and path.count("/") > CHARTS.count("/"):
            stem, rest = path[len(CHARTS):].split("/", 1)
            charts.setdefault(stem, {})[rest] = tree[path]
            continue
        out[path] = tree[path]
    if appd_files:
        out[f"APPD/{base}.zip"] = _zip(dict(sorted(appd_files.items())))
    for stem, files in sorted(charts.items()):
        out[f"{CHARTS}{stem}.tgz"] = tgz(files)
    hashes = {p: sha256(d) for p, d in out.items() if p != TOSCA_META}
    text = tree[mf].decode("utf-8", errors="replace")
    metadata = text.split("\nSource:", 1)[0] if "\nSource:" in text else text
    metadata = metadata.split("-----BEGIN CMS-----", 1)[0].rstrip() + "\n"
    ordered = {TOSCA_META: out.pop(TOSCA_META)} if TOSCA_META in out else {}
    ordered[mf] = manifest_text({}, hashes, metadata).encode()
    ordered.update(out)
    return _zip(ordered)


def unpack(csar: bytes) -> dict[str, bytes]:
    """The working tree of a ``.csar``/``.zip`` (APPD zip and chart tgz expanded), inverse of :func:`pack`."""
    files = unzip(csar)
    tree: dict[str, bytes] = {}
    for path, data in files.items():
        if path.startswith("APPD/") and path.count("/") == 1 and path.endswith(".zip"):
            for inner, d in unzip(data).items():
                tree[f"APPD/{inner}"] = d
        elif path.startswith(CHARTS) and path.count("/") == CHARTS.count("/") and path.endswith(".tgz"):
            stem = path[len(CHARTS):-4]
            for inner, d in untar(data).items():
                tree[f"{CHARTS}{stem}/{inner}"] = d
        else:
            tree[path] = data
    manifest_path(tree)
    return tree


def build(app) -> bytes:
    """The ``.csar`` bytes of an application (for the bench and the package service)."""
    return pack(tree_for(app))


TYPES_YAML = """tosca_definitions_version: tosca_simple_profile_yaml_1_2
description: ETSI NFV SOL 001 VNFD types (subset used by EdgeGallery APPDs)
node_types:
  tosca.nodes.nfv.VNF:
    derived_from: tosca.nodes.Root
  tosca.nodes.nfv.Vdu.Compute:
    derived_from: tosca.nodes.Root
  tosca.nodes.nfv.VduCp:
    derived_from: tosca.nodes.nfv.Cp
  tosca.nodes.nfv.VnfVirtualLink:
    derived_from: tosca.nodes.Root
  tosca.nodes.nfv.app.configuration:
    derived_from: tosca.nodes.Root
group_types:
  tosca.groups.nfv.PlacementGroup:
    derived_from: tosca.groups.Root
policy_types:
  tosca.policies.nfv.AntiAffinityRule:
    derived_from: tosca.policies.Placement
"""
