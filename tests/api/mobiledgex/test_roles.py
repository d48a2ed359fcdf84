"""MobiledgeX roles (catalog §3.2 #18-#23): assignments, permissions, role names, removal."""
from __future__ import annotations

from tests.api.mobiledgex.conftest import add_role, make_user


def test_show_role_assignment(mx, mx_admin, developer, operator):
    status, roles = developer.json("/auth/role/assignment/show", {})
    assert (status, roles) == (200, [{"org": developer.org, "username": developer.username,
                                      "role": "DeveloperManager"}])
    assert developer.json("/auth/role/assignment/show")[1] == roles  # empty body = no filter
    status, everyone = mx_admin.json("/auth/role/assignment/show", {})
    assert {"org": "", "username": "admin", "role": "AdminManager"} in everyone
    assert {"org": operator.org, "username": operator.username, "role": "OperatorManager"} in everyone
    # present keys filter exactly; "" selects the admin roles
    assert mx_admin.json("/auth/role/assignment/show", {"org": ""})[1] == \
        [{"org": "", "username": "admin", "role": "AdminManager"}]
    assert mx_admin.json("/auth/role/assignment/show", {"role": "OperatorManager", "bogus": 1})[1] == \
        [{"org": operator.org, "username": operator.username, "role": "OperatorManager"}]


def test_show_role_perm_and_names(mx_admin, developer):
    status, perms = developer.json("/auth/role/perms/show", {"role": "DeveloperViewer"})
    assert status == 200 and {"role": "DeveloperViewer", "resource": "apps", "action": "view"} in perms
    assert not any(p["action"] == "manage" and p["resource"] == "apps" for p in perms)
    status, all_perms = developer.json("/auth/role/perms/show")
    assert not any(p["role"].startswith("Admin") for p in all_perms)
    assert {"role": "DeveloperManager", "resource": "apps", "action": "manage"} in all_perms
    status, admin_perms = mx_admin.json("/auth/role/perms/show", {"role": "AdminManager", "resource": "flavors"})
    assert admin_perms == [{"role": "AdminManager", "resource": "flavors", "action": "view"},
                           {"role": "AdminManager", "resource": "flavors", "action": "manage"}]
    status, names = developer.json("/auth/role/show")
    assert status == 200 and names == sorted(names) and "DeveloperManager" in names
    assert not any(n.startswith("Admin") for n in names)
    status, names = mx_admin.json("/auth/role/show")
    assert "AdminManager" in names and names == sorted(names)
    # API-key roles show to admins only
    status, key = developer.json("/auth/user/create/apikey", {"Org": developer.org, "Description": "k",
                                                              "permissions": [{"resource": "apps",
                                                                               "action": "view"}]})
    assert status == 200
    assert f"{key['Id']}-role" in mx_admin.json("/auth/role/show")[1]
    assert f"{key['Id']}-role" not in developer.json("/auth/role/show")[1]
    assert mx_admin.json("/auth/role/perms/show", {"role": f"{key['Id']}-role"})[1] == \
        [{"role": f"{key['Id']}-role", "resource": "apps", "action": "view"}]


def test_show_user_role(mx, mx_admin, developer, operator):
    viewer = make_user(mx)
    add_role(developer, developer.org, viewer.username, "DeveloperViewer")
    status, roles = developer.json("/auth/role/showuser", {})
    assert status == 200
    assert roles == sorted([{"org": developer.org, "username": developer.username, "role": "DeveloperManager"},
                            {"org": developer.org, "username": viewer.username, "role": "DeveloperViewer"}],
                           key=lambda r: r["username"])
    assert all(r["org"] != operator.org for r in roles)
    assert viewer.json("/auth/role/showuser", {"role": "DeveloperViewer"})[1] == \
        [{"org": developer.org, "username": viewer.username, "role": "DeveloperViewer"}]
    loner = make_user(mx)
    assert loner.json("/auth/role/showuser") == (403, {"message": "Forbidden"})
    assert {"org": operator.org, "username": operator.username, "role": "OperatorManager"} in \
        mx_admin.json("/auth/role/showuser")[1]


def test_remove_user_role(mx, mx_admin, developer, operator):
    other = make_user(mx)
    add_role(developer, developer.org, other.username, "DeveloperContributor")
    body = {"org": developer.org, "username": other.username, "role": "DeveloperContributor"}
    assert operator.json("/auth/role/removeuser", body) == (403, {"message": "Forbidden"})
    assert other.json("/auth/role/removeuser", body) == (403, {"message": "Forbidden"})
    assert developer.json("/auth/role/removeuser", {**body, "username": ""}) == \
        (400, {"message": "Username not specified"})
    assert developer.json("/auth/role/removeuser", {**body, "role": ""}) == (400, {"message": "Role not specified"})
    assert developer.json("/auth/role/removeuser", body) == (200, {"message": "Role removed from user"})
    assert mx_admin.json("/auth/role/assignment/show", {"username": other.username}) == (200, [])
    # absent assignments: silently fine (even for outsiders)
    assert operator.json("/auth/role/removeuser", body) == (200, {"message": "Role removed from user"})
    # the last manager stays
    last = {"org": developer.org, "username": developer.username, "role": "DeveloperManager"}
    assert developer.json("/auth/role/removeuser", last) == \
        (400, {"message": "Error: Cannot remove the last remaining manager of an org"})
    add_role(developer, developer.org, other.username, "DeveloperManager")
    assert other.json("/auth/role/removeuser", last) == (200, {"message": "Role removed from user"})
    assert developer.json("/auth/role/assignment/show") == (200, [])
    status, events = mx_admin.json("/auth/events/show", {"match": {"names": ["RemoveUserRole"]},
                                                         "notmatch": {"failed": True}})
    assert status == 200 and len(events) == 2 and events[0]["org"] == [developer.org]
    # the denials are audited too, as failures
    status, denied = mx_admin.json("/auth/events/show", {"match": {"names": ["RemoveUserRole"], "failed": True}})
    assert len(denied) == 2 and {e["error"] for e in denied} == {"Forbidden"}
