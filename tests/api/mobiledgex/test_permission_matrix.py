"""The permission matrix (issue 5): every built-in role against every resource kind of the seed.

One world per test: an operator org with a public cloudlet, a developer org with an app, and one user per
role — Developer{Manager,Contributor,Viewer} on the developer org, Operator{Manager,Contributor,Viewer} on
the operator org, Admin{Manager,Contributor,Viewer} on org "" — plus a user holding no role. For each
resource kind one (or two) "manage" operations and one (or two) "view" operations run as every role:

- allowed exactly when the catalog §5.5 table (transcribed here, and held equal to ``rbac.PERMS``) grants
  the permission on the target org —
  and then the effect is visible through a Show; denied otherwise with 403 {"message": "Forbidden"}, the
  effect absent, and an audit event with outcome "denied" recorded for the caller and operation;
- Show operations (§5.6) answer 403 only when the caller holds the permission in no org at all, otherwise
  the objects of the orgs the caller may view (possibly none).

Mismatches are collected per resource so one run names every failing (operation, role) pair.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import pytest

from chalicelib.surfaces.mobiledgex import rbac
from tests.api.mobiledgex.conftest import REGION, add_role, make_user, messages

FORBIDDEN = (403, {"message": "Forbidden"})
NO_ROLE = "NoRole"
ROLES = (rbac.ADMIN_MANAGER, rbac.ADMIN_CONTRIBUTOR, rbac.ADMIN_VIEWER,
         rbac.DEV_MANAGER, rbac.DEV_CONTRIBUTOR, rbac.DEV_VIEWER,
         rbac.OP_MANAGER, rbac.OP_CONTRIBUTOR, rbac.OP_VIEWER, NO_ROLE)

# Catalog §5.5, transcribed independently of rbac.py (the oracle of every case below; the first test
# holds rbac.py to it). Columns: AdminManager AdminContributor AdminViewer | DeveloperManager
# DeveloperContributor DeveloperViewer | OperatorManager OperatorContributor OperatorViewer | BillingManager.
CATALOG = """
users             M V V  M V V  M V V  M
billing           M V -  M - -  - - -  M
controllers       M - -  - - -  - - -  -
config            M - -  - - -  - - -  -
flavors           M - -  V V V  - - -  -
clusterflavors    M - -  V V V  - - -  -
restagtbl         M M V  - - -  M M V  -
apps              M M V  M M V  - - -  -
appinsts          M M V  M M V  - - -  -
clusters          M M V  M M V  - - -  -
clusterinsts      M M V  M M V  - - -  -
appanalytics      M M V  M M V  - - -  -
clusteranalytics  M M V  M M V  - - -  -
developerpolicy   M M V  M M V  - - -  -
artifacts         M M V  M M V  - - -  -
alert             M M V  M M V  M M V  -
cloudlets         M M V  V V V  M M V  -
cloudletanalytics M M V  - - -  M M V  -
cloudletpools     M M V  - - -  M M V  -
"""
_COLUMNS = ROLES[:-1] + (rbac.BILLING_MANAGER,)
PERMS = {role: {} for role in _COLUMNS}
for _line in CATALOG.strip().splitlines():
    _resource, *_cells = _line.split()
    for _role, _cell in zip(_COLUMNS, _cells):
        if _cell != "-":
            PERMS[_role][_resource] = rbac.M if _cell == "M" else rbac.V


def test_role_table_is_the_catalogs():
    diff = [f"{role}/{resource}: catalog {PERMS[role].get(resource, '-')}, rbac.py "
            f"{rbac.PERMS.get(role, {}).get(resource, '-')}"
            for role in _COLUMNS for resource in sorted(set(PERMS[role]) | set(rbac.PERMS.get(role, {})))
            if PERMS[role].get(resource) != rbac.PERMS.get(role, {}).get(resource)]
    assert not diff, "\n".join(diff)
    assert set(rbac.PERMS) == set(PERMS)


# ---------------------------------------------------------------- the world
@dataclass
class World:
    admin: object
    dev: str
    op: str
    cloudlet: dict
    flavor: str
    callers: dict = field(default_factory=dict)   # role -> Mx
    problems: list = field(default_factory=list)

    def role_org(self, role: str) -> str | None:
        if role in rbac.ADMIN_ROLES:
            return ""
        if role in rbac.DEVELOPER_ROLES:
            return self.dev
        if role in rbac.OPERATOR_ROLES:
            return self.op
        return None

    def grants(self, role: str, resource: str, action: str, org: str) -> bool:
        """Does ``role`` (held on its org) grant (resource, action) on ``org``? Catalog §5.5."""
        held_on = self.role_org(role)
        if held_on is None:
            return False
        level = PERMS[role].get(resource)
        ok = level == rbac.M or (level == rbac.V and action == rbac.V)
        return ok and (held_on == "" or held_on == org)

    def holds(self, role: str, resource: str, action: str = rbac.V) -> bool:
        """The permission in some org at all (a Show is 403 otherwise)."""
        return self.role_org(role) is not None and self.grants(role, resource, action, self.role_org(role))

    def expect(self, what: str, role: str, expected, got) -> bool:
        if expected != got:
            self.problems.append(f"{what} as {role}: expected {expected!r}, got {got!r}")
            return False
        return True

    def check(self) -> None:
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def world(mx, mx_admin, developer, operator, cloudlet, flavor) -> World:
    w = World(admin=mx_admin, dev=developer.org, op=operator.org, cloudlet=cloudlet, flavor=flavor)
    w.callers[rbac.DEV_MANAGER] = developer
    w.callers[rbac.OP_MANAGER] = operator
    for role in ROLES:
        if role in w.callers:
            continue
        caller = make_user(mx, f"u{role.lower()}")
        org = w.role_org(role)
        if org == "":
            add_role(mx_admin, "", caller.username, role)
        elif org is not None:
            add_role(developer if org == w.dev else operator, org, caller.username, role)
        w.callers[role] = caller
    assert call(developer, "CreateApp", "App", _app(w.dev, "app1", flavor)) == (200, {})
    return w


# ---------------------------------------------------------------- helpers
def call(caller, op: str, obj_name: str, obj: dict):
    return caller.json(f"/auth/ctrl/{op}", {"Region": REGION, obj_name: obj})


def show(caller, op: str, obj_name: str, obj: dict | None = None):
    """(200, [objects]) or the error answer."""
    status, lines = caller.ctrl(op, obj_name, obj or {})
    if status != 200:
        return status, lines
    return 200, [line["data"] for line in lines]


def _app(org: str, name: str, flavor: str) -> dict:
    return {"key": {"organization": org, "name": name, "version": "1.0"}, "image_type": "Docker",
            "image_path": "docker.io/library/nginx:latest", "access_ports": "tcp:80",
            "default_flavor": {"name": flavor}}


def denied_audited(caller, action: str) -> bool:
    """An AuditEvent(outcome="denied", status 403) for this caller and operation in today's partition."""
    from chalicelib.core import clock
    from chalicelib.store.models import AuditEvent
    day = time.strftime("%Y%m%d", time.gmtime(clock.now()))
    return any(e.action == action and e.outcome == "denied" and e.status == 403 and e.surface == "mobiledgex"
               and e.actor == caller.username for e in AuditEvent.query(f"AUDIT#{day}"))


def manage(w: World, what: str, role: str, allowed: bool, got, ok_answer, effect, action: str) -> None:
    """One manage call: allowed -> ``ok_answer(got)`` and the effect visible; denied -> 403, no effect,
    a denied audit event."""
    caller = w.callers[role]
    if allowed:
        if w.expect(what, role, "allowed", "allowed" if ok_answer(got) else got):
            w.expect(f"{what} (effect visible)", role, True, effect())
    else:
        w.expect(what, role, FORBIDDEN, got)
        w.expect(f"{what} (no effect)", role, False, effect())
        w.expect(f"{what} (denial audited)", role, True, denied_audited(caller, action))


def viewing(w: World, what: str, role: str, holds: bool, got, expected_objects) -> None:
    """One Show call: 403 when the caller holds the permission nowhere, else exactly the visible objects."""
    if not holds:
        w.expect(what, role, FORBIDDEN, got)
    else:
        w.expect(what, role, (200, expected_objects), got)


def _ok_empty(got) -> bool:
    return got == (200, {})


def _ok_stream(last: str):
    def ok(got) -> bool:
        status, lines = got
        return status == 200 and isinstance(lines, list) and messages(lines)[-1:] == [last]
    return ok


# ---------------------------------------------------------------- apps
def test_apps(world):
    w = world
    base_key = {"organization": w.dev, "name": "app1", "version": "1.0"}
    for role in ROLES:
        got = show(w.callers[role], "ShowApp", "App")
        got = (got[0], [d["key"] for d in got[1]]) if got[0] == 200 else got
        viewing(w, "ShowApp", role, w.holds(role, "apps"), got,
                [base_key] if w.grants(role, "apps", rbac.V, w.dev) else [])
    for i, role in enumerate(ROLES):
        caller, allowed = w.callers[role], w.grants(role, "apps", rbac.M, w.dev)
        key = {"organization": w.dev, "name": f"app-{i}", "version": "1.0"}
        got = call(caller, "CreateApp", "App", _app(w.dev, key["name"], w.flavor))
        manage(w, "CreateApp", role, allowed, got, _ok_empty,
               lambda: len(show(w.admin, "ShowApp", "App", {"key": key})[1]) == 1, "CreateApp")
        command = f"serve-{i}"
        got = call(caller, "UpdateApp", "App", {"key": base_key, "command": command})
        manage(w, "UpdateApp", role, allowed, got, _ok_empty,
               lambda: show(w.admin, "ShowApp", "App", {"key": base_key})[1][0].get("command") == command,
               "UpdateApp")
    w.check()


# ---------------------------------------------------------------- cluster and app instances
def _ci_key(w: World, name: str) -> dict:
    return {"cluster_key": {"name": name, "organization": w.dev}, "cloudlet_key": w.cloudlet}


def _visible_instances(w: World, role: str, resource: str) -> bool:
    """appinsts/clusterinsts:view anywhere, or (operators) cloudletpools:view: filtered, not refused."""
    return w.holds(role, resource) or w.holds(role, "cloudletpools")


def test_clusterinsts(world):
    w = world
    dev = w.callers[rbac.DEV_MANAGER]
    status, lines = dev.ctrl("CreateClusterInst", "ClusterInst", {"key": _ci_key(w, "base"),
                                                                  "flavor": {"name": w.flavor}})
    assert messages(lines)[-1] == "Created ClusterInst successfully", lines
    for role in ROLES:
        got = show(w.callers[role], "ShowClusterInst", "ClusterInst")
        got = (got[0], [d["key"] for d in got[1]]) if got[0] == 200 else got
        # the cloudlet is in no pool: operators see none of the developer's clusters
        viewing(w, "ShowClusterInst", role, _visible_instances(w, role, "clusterinsts"), got,
                [_ci_key(w, "base")] if w.grants(role, "clusterinsts", rbac.V, w.dev) else [])
    for i, role in enumerate(ROLES):
        key = _ci_key(w, f"cl{i}")
        got = w.callers[role].ctrl("CreateClusterInst", "ClusterInst", {"key": key, "flavor": {"name": w.flavor}})
        manage(w, "CreateClusterInst", role, w.grants(role, "clusterinsts", rbac.M, w.dev), got,
               _ok_stream("Created ClusterInst successfully"),
               lambda: [d.get("state") for d in show(w.admin, "ShowClusterInst", "ClusterInst", {"key": key})[1]]
               == ["Ready"], "CreateClusterInst")
    w.check()


def test_appinsts(world):
    w = world
    dev = w.callers[rbac.DEV_MANAGER]
    status, lines = dev.ctrl("CreateClusterInst", "ClusterInst", {"key": _ci_key(w, "cluster1"),
                                                                  "flavor": {"name": w.flavor}})
    assert messages(lines)[-1] == "Created ClusterInst successfully", lines
    app_key = {"organization": w.dev, "name": "app1", "version": "1.0"}

    def ai(name):
        return {"key": {"name": name, "organization": w.dev, "cloudlet_key": w.cloudlet}, "app_key": app_key,
                "cluster_key": {"name": "cluster1"}}

    status, lines = dev.ctrl("CreateAppInst", "AppInst", ai("base"))
    assert messages(lines)[-1] == "Created AppInst successfully", lines
    for role in ROLES:
        got = show(w.callers[role], "ShowAppInst", "AppInst")
        got = (got[0], [d["key"]["name"] for d in got[1]]) if got[0] == 200 else got
        viewing(w, "ShowAppInst", role, _visible_instances(w, role, "appinsts"), got,
                ["base"] if w.grants(role, "appinsts", rbac.V, w.dev) else [])
    for i, role in enumerate(ROLES):
        body = ai(f"inst{i}")
        got = w.callers[role].ctrl("CreateAppInst", "AppInst", body)
        manage(w, "CreateAppInst", role, w.grants(role, "appinsts", rbac.M, w.dev), got,
               _ok_stream("Created AppInst successfully"),
               lambda: [d.get("state") for d in show(w.admin, "ShowAppInst", "AppInst", {"key": body["key"]})[1]]
               == ["Ready"], "CreateAppInst")
    w.check()


# ---------------------------------------------------------------- cloudlets (operator codes, the cloudlet)
def test_cloudlets(world):
    w = world
    op = w.callers[rbac.OP_MANAGER]
    base = {"code": "310-410", "organization": w.op}
    assert call(op, "CreateOperatorCode", "OperatorCode", base) == (200, {})
    for role in ROLES:
        holds = w.holds(role, "cloudlets")
        got = show(w.callers[role], "ShowOperatorCode", "OperatorCode")
        viewing(w, "ShowOperatorCode", role, holds, got,
                [base] if w.grants(role, "cloudlets", rbac.V, w.op) else [])
        # the cloudlet is public: developers (cloudlets:view on their org) see it too
        got = show(w.callers[role], "ShowCloudlet", "Cloudlet")
        got = (got[0], [{k: d["key"][k] for k in ("organization", "name")} for d in got[1]]) \
            if got[0] == 200 else got
        viewing(w, "ShowCloudlet", role, holds, got, [w.cloudlet])
    for i, role in enumerate(ROLES):
        caller, allowed = w.callers[role], w.grants(role, "cloudlets", rbac.M, w.op)
        code = {"code": f"{100 + i}", "organization": w.op}
        got = call(caller, "CreateOperatorCode", "OperatorCode", code)
        manage(w, "CreateOperatorCode", role, allowed, got, _ok_empty,
               lambda: show(w.admin, "ShowOperatorCode", "OperatorCode", {"code": code["code"]})[1] == [code],
               "CreateOperatorCode")
        ips = 20 + i
        got = caller.ctrl("UpdateCloudlet", "Cloudlet", {"key": w.cloudlet, "num_dynamic_ips": ips})
        manage(w, "UpdateCloudlet", role, allowed, got, _ok_stream("Cloudlet updated successfully"),
               lambda: show(w.admin, "ShowCloudlet", "Cloudlet", {"key": w.cloudlet})[1][0]
               .get("num_dynamic_ips") == ips, "UpdateCloudlet")
    w.check()


# ---------------------------------------------------------------- cloudlet pools
def test_cloudletpools(world):
    w = world
    op = w.callers[rbac.OP_MANAGER]
    base = {"organization": w.op, "name": "basepool"}
    assert call(op, "CreateCloudletPool", "CloudletPool", {"key": base}) == (200, {})
    for role in ROLES:
        got = show(w.callers[role], "ShowCloudletPool", "CloudletPool")
        got = (got[0], [d["key"] for d in got[1]]) if got[0] == 200 else got
        viewing(w, "ShowCloudletPool", role, w.holds(role, "cloudletpools"), got,
                [base] if w.grants(role, "cloudletpools", rbac.V, w.op) else [])
    for i, role in enumerate(ROLES):
        key = {"organization": w.op, "name": f"pool{i}"}
        got = call(w.callers[role], "CreateCloudletPool", "CloudletPool", {"key": key})
        manage(w, "CreateCloudletPool", role, w.grants(role, "cloudletpools", rbac.M, w.op), got, _ok_empty,
               lambda: [d["key"] for d in show(w.admin, "ShowCloudletPool", "CloudletPool", {"key": key})[1]]
               == [key], "CreateCloudletPool")
    w.check()


# ---------------------------------------------------------------- cloudlet analytics (view only)
def test_cloudletanalytics(world):
    w = world
    op = w.callers[rbac.OP_MANAGER]
    pool = {"organization": w.op, "name": "vmpool1"}
    assert call(op, "CreateVMPool", "VMPool", {"key": pool, "vms": [
        {"name": "vm1", "net_info": {"internal_ip": "10.0.0.1"}}]}) == (200, {})
    for role in ROLES:
        caller = w.callers[role]
        got = show(caller, "ShowVMPool", "VMPool")
        got = (got[0], [d["key"] for d in got[1]]) if got[0] == 200 else got
        viewing(w, "ShowVMPool", role, w.holds(role, "cloudletanalytics"), got,
                [pool] if w.grants(role, "cloudletanalytics", rbac.V, w.op) else [])
        # an org-scoped read, not a Show: 403 without cloudletanalytics:view on the operator org
        allowed = w.grants(role, "cloudletanalytics", rbac.V, w.op)
        got = call(caller, "GetCloudletProps", "CloudletProps", {"organization": w.op, "platform_type": "Fake"})
        if allowed:
            w.expect("GetCloudletProps", role, (200, "Property 1"),
                     (got[0], ((got[1] or {}).get("properties") or {}).get("PROP_1", {}).get("name")))
        else:
            w.expect("GetCloudletProps", role, FORBIDDEN, got)
            w.expect("GetCloudletProps (denial audited)", role, True, denied_audited(caller, "GetCloudletProps"))
    w.check()


# ---------------------------------------------------------------- flavors (admin-only writes, open reads)
def test_flavors(world):
    w = world
    for role in ROLES:
        # ShowFlavor has no RBAC check upstream: every logged-in user lists flavors (catalog #54)
        got = show(w.callers[role], "ShowFlavor", "Flavor")
        got = (got[0], [d["key"]["name"] for d in got[1]]) if got[0] == 200 else got
        w.expect("ShowFlavor", role, (200, [w.flavor]), got)
    for i, role in enumerate(ROLES):
        name = f"f{i}"
        got = call(w.callers[role], "CreateFlavor", "Flavor", {"key": {"name": name}, "ram": 512, "vcpus": 1,
                                                                "disk": 1})
        manage(w, "CreateFlavor", role, w.grants(role, "flavors", rbac.M, ""), got, _ok_empty,
               lambda: len(show(w.admin, "ShowFlavor", "Flavor", {"key": {"name": name}})[1]) == 1, "CreateFlavor")
    w.check()


# ---------------------------------------------------------------- developer policies
def test_developerpolicy(world):
    w = world
    dev = w.callers[rbac.DEV_MANAGER]

    def policy(name):
        return {"key": {"organization": w.dev, "name": name}, "min_nodes": 1, "max_nodes": 3, "target_cpu": 70}

    assert call(dev, "CreateAutoScalePolicy", "AutoScalePolicy", policy("basepol")) == (200, {})
    for role in ROLES:
        got = show(w.callers[role], "ShowAutoScalePolicy", "AutoScalePolicy")
        got = (got[0], [d["key"]["name"] for d in got[1]]) if got[0] == 200 else got
        viewing(w, "ShowAutoScalePolicy", role, w.holds(role, "developerpolicy"), got,
                ["basepol"] if w.grants(role, "developerpolicy", rbac.V, w.dev) else [])
    for i, role in enumerate(ROLES):
        body = policy(f"pol{i}")
        got = call(w.callers[role], "CreateAutoScalePolicy", "AutoScalePolicy", body)
        manage(w, "CreateAutoScalePolicy", role, w.grants(role, "developerpolicy", rbac.M, w.dev), got, _ok_empty,
               lambda: len(show(w.admin, "ShowAutoScalePolicy", "AutoScalePolicy", {"key": body["key"]})[1]) == 1,
               "CreateAutoScalePolicy")
    w.check()


# ---------------------------------------------------------------- users (role management)
def test_users(world, mx):
    w = world
    target = make_user(mx, "roletarget")

    def roles_of_target():
        status, rows = w.admin.json("/auth/role/showuser", {"username": target.username})
        assert status == 200, rows
        return rows

    everyone = w.admin.json("/auth/role/showuser", {})[1]
    for role in ROLES:
        got = w.callers[role].json("/auth/role/showuser", {})
        seen_by_role = [r for r in everyone if w.grants(role, "users", rbac.V, r["org"])]
        viewing(w, "ShowUserRole", role, w.holds(role, "users"), got, seen_by_role)
    for role in ROLES:
        caller = w.callers[role]
        for org, granted in ((w.dev, rbac.DEV_VIEWER), ("", rbac.ADMIN_VIEWER)):
            want = {"org": org, "username": target.username, "role": granted}
            got = caller.json("/auth/role/adduser", want)
            manage(w, f"AddUserRole({granted})", role, w.grants(role, "users", rbac.M, org), got,
                   lambda g: g == (200, {"message": "Role added to user"}),
                   lambda: want in roles_of_target(), "AddUserRole")
            if want in roles_of_target():
                assert w.admin.json("/auth/role/removeuser", want)[0] == 200
    w.check()


# ---------------------------------------------------------------- alert receivers
def test_alert(world):
    w = world
    dev = w.callers[rbac.DEV_MANAGER]
    created = {"message": "Alert receiver created successfully"}

    def receiver(name, **scope):
        return {"Name": name, "Type": "email", "Severity": "error", **scope}

    assert dev.json("/auth/alertreceiver/create", receiver("rxbase", AppKey={"organization": w.dev})) == \
        (200, created)
    for role in ROLES:
        got = w.callers[role].json("/auth/alertreceiver/show", {})
        got = (got[0], [r["Name"] for r in got[1]]) if got[0] == 200 else got
        # non-admins see their own receivers only
        mine = role in rbac.ADMIN_ROLES or role == rbac.DEV_MANAGER
        viewing(w, "ShowAlertReceiver", role, w.holds(role, "alert"), got, ["rxbase"] if mine else [])
    for i, role in enumerate(ROLES):
        caller = w.callers[role]
        # the catalog's check for CreateAlertReceiver is alert:view on the org the keys name
        for what, org, scope in (("developer scope", w.dev, {"AppKey": {"organization": w.dev}}),
                                 ("operator scope", w.op, {"AppInstKey": {"cloudlet_key": {"organization": w.op}}})):
            name = f"rx{i}{'d' if org == w.dev else 'o'}"
            got = caller.json("/auth/alertreceiver/create", receiver(name, **scope))
            manage(w, f"CreateAlertReceiver({what})", role, w.grants(role, "alert", rbac.V, org), got,
                   lambda g: g == (200, created),
                   lambda: [r["Name"] for r in w.admin.json("/auth/alertreceiver/show", {"Name": name})[1]]
                   == [name], "CreateAlertReceiver")
    w.check()
