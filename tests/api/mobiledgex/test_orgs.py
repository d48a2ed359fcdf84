"""MobiledgeX organizations (catalog §3.2 #24-#27): show filters, update, delete with in-use checks."""
from __future__ import annotations

from tests.api.mobiledgex.conftest import REGION, add_role, cloudlet_body, make_org, make_user, messages


def test_show_org(mx, mx_admin, developer, operator):
    status, orgs = developer.json("/auth/org/show", {})
    assert status == 200 and [o["Name"] for o in orgs] == [developer.org]
    org = orgs[0]
    assert org["Type"] == "developer" and org["Address"] == "" and org["DeleteInProgress"] is False
    assert org["CreatedAt"].endswith("Z")
    assert developer.json("/auth/org/show")[1] == orgs
    status, orgs = mx_admin.json("/auth/org/show", {"Type": "operator"})
    assert [o["Name"] for o in orgs] == [operator.org]
    assert mx_admin.json("/auth/org/show", {"Name": developer.org.upper()})[1][0]["Name"] == developer.org
    # present keys are exact filters, including empty values
    assert mx_admin.json("/auth/org/show", {"Name": ""}) == (200, [])
    assert [o["Name"] for o in mx_admin.json("/auth/org/show", {"Address": ""})[1]] == \
        sorted([developer.org, operator.org])
    assert developer.json("/auth/org/show", {"Bogus": "x"}) == \
        (400, {"message": "Failed to parse input data: JSON field Bogus not found in database object Organization"})
    assert make_user(mx).json("/auth/org/show") == (200, [])


def test_update_org(mx, developer, operator):
    path = "/auth/org/update"
    r = developer.op(path, {"Name": developer.org, "Address": "1 Edge Way", "Phone": "+49 1"})
    assert r.status_code == 200 and not r.body
    org = developer.json("/auth/org/show", {"Name": developer.org})[1][0]
    assert (org["Address"], org["Phone"]) == ("1 Edge Way", "+49 1")
    assert developer.json(path, {"Name": developer.org, "Type": "operator"}) == \
        (400, {"message": "Cannot change Organization type"})
    assert developer.json(path, {"Name": developer.org, "Parent": "x"}) == (400, {"message": "Cannot update parent"})
    assert developer.json(path, {"Name": developer.org, "EdgeboxOnly": True}) == \
        (400, {"message": "Cannot update edgeboxonly field for Organization"})
    assert developer.json(path, {"Address": "x"}) == (400, {"message": "Organization name not specified"})
    assert developer.json(path, {"Name": "ghost"}) == (400, {"message": "Organization not found"})
    assert operator.json(path, {"Name": developer.org, "Address": "hijack"}) == (403, {"message": "Forbidden"})
    viewer = make_user(mx)
    add_role(developer, developer.org, viewer.username, "DeveloperViewer")
    assert viewer.json(path, {"Name": developer.org, "Address": "hijack"}) == (403, {"message": "Forbidden"})
    # only the keys present change
    assert developer.op(path, {"Name": developer.org, "Phone": "+49 2"}).status_code == 200
    org = developer.json("/auth/org/show", {"Name": developer.org})[1][0]
    assert (org["Address"], org["Phone"], org["Type"]) == ("1 Edge Way", "+49 2", "developer")


def test_delete_org(mx, mx_admin, developer, operator):
    other = make_user(mx)
    add_role(developer, developer.org, other.username, "DeveloperViewer")
    assert operator.json("/auth/org/delete", {"Name": developer.org}) == (403, {"message": "Forbidden"})
    assert other.json("/auth/org/delete", {"Name": developer.org}) == (403, {"message": "Forbidden"})
    assert developer.json("/auth/org/delete", {"Address": "x"}) == \
        (400, {"message": "Organization name not specified"})
    assert developer.json("/auth/org/delete", {"Name": "ghost"}) == (403, {"message": "Forbidden"})
    assert mx_admin.json("/auth/org/delete", {"Name": "ghost"}) == (400, {"message": "Org ghost not found"})
    assert developer.json("/auth/org/delete", {"Name": developer.org}) == (200, {"message": "Organization deleted"})
    assert mx_admin.json("/auth/org/show", {"Name": developer.org}) == (200, [])
    assert mx_admin.json("/auth/role/assignment/show", {"org": developer.org}) == (200, [])
    assert other.json("/auth/role/assignment/show") == (200, [])
    # the name is free again
    make_org(developer, developer.org, "developer")


def test_delete_org_refused_while_in_use(operator, mx_admin):
    status, lines = operator.ctrl("CreateCloudlet", "Cloudlet", cloudlet_body(operator.org))
    assert status == 200 and messages(lines)[-1] == "Created Cloudlet successfully"
    assert operator.json("/auth/org/delete", {"Name": operator.org}) == \
        (400, {"message": f"Organization {operator.org} in use or check failed: region {REGION}: "
                          "in use by some Cloudlet"})
    org = operator.json("/auth/org/show", {"Name": operator.org})[1][0]
    assert org["DeleteInProgress"] is False
    assert operator.json("/auth/role/assignment/show")[1] != []
    status, lines = operator.ctrl("DeleteCloudlet", "Cloudlet", {"key": {"organization": operator.org,
                                                                          "name": "cloudlet1"}})
    assert status == 200
    assert operator.json("/auth/org/delete", {"Name": operator.org}) == (200, {"message": "Organization deleted"})
