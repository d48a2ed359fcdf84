"""MobiledgeX events (catalog §3.2 #68-#70) over the shared audit log."""
from __future__ import annotations

from tests.api.mobiledgex.conftest import PASSWORD, add_role, login, make_user


def _names(events):
    return [e["name"] for e in events]


def test_show_events_scoped_to_the_callers_orgs(mx, mx_admin, developer, operator):
    developer.op("/auth/org/update", {"Name": developer.org, "Address": "a"})
    operator.op("/auth/org/update", {"Name": operator.org, "Address": "b"})
    status, events = developer.json("/auth/events/show", {})
    assert status == 200
    assert _names(events) == ["UpdateOrg", "CreateOrg"]  # newest first
    ev = events[0]
    assert ev["org"] == [developer.org] and ev["type"] == "audit" and ev["error"] == ""
    assert ev["mtags"]["username"] == developer.username and ev["mtags"]["status"] == "200"
    assert ev["timestamp"].endswith("Z")
    assert all(operator.org not in e["org"] for e in events)
    # allowedorgs cannot widen a non-admin's view
    status, events = developer.json("/auth/events/show", {"allowedorgs": [operator.org]})
    assert all(operator.org not in e["org"] for e in events) and events
    # admins see everything, or the orgs they ask for
    status, events = mx_admin.json("/auth/events/show", {"allowedorgs": [operator.org]})
    assert _names(events) == ["UpdateOrg", "CreateOrg"] and events[0]["org"] == [operator.org]
    status, events = mx_admin.json("/auth/events/show", {"match": {"orgs": [developer.org, operator.org]}})
    assert len(events) == 4
    # no users:view anywhere: 403
    assert make_user(mx).json("/auth/events/show", {}) == (403, {"message": "Forbidden"})


def test_new_member_sees_events_after_org_creation_only(mx, developer):
    viewer = make_user(mx)
    add_role(developer, developer.org, viewer.username, "DeveloperViewer")
    status, events = viewer.json("/auth/events/show", {})
    assert status == 200 and set(_names(events)) == {"CreateOrg", "AddUserRole"}


def test_time_window_limit_and_paging(mx, developer):
    from chalicelib.core import clock
    for addr in ("1", "2", "3"):
        developer.op("/auth/org/update", {"Name": developer.org, "Address": addr})
    status, events = developer.json("/auth/events/show", {"limit": 2})
    assert len(events) == 2
    status, page2 = developer.json("/auth/events/show", {"limit": 2, "from": 2})
    assert len(page2) == 2 and page2[0] != events[0]
    clock.advance(49 * 3600)
    developer = login(mx, developer.username, PASSWORD)  # the old token expired
    assert developer.json("/auth/events/show", {}) == (200, [])  # default window: 48 h
    status, events = developer.json("/auth/events/show", {"startage": "72h"})
    assert _names(events) == ["UpdateOrg"] * 3 + ["CreateOrg"]
    status, events = developer.json("/auth/events/show", {"startage": "72h", "endage": "49h30m"})
    assert events == []
    assert developer.json("/auth/events/show", {"startage": "forever"}) == \
        (400, {"message": 'Invalid JSON data: time: invalid duration "forever" for field "startage"'})
    assert developer.json("/auth/events/show", {"starttime": "yesterday"})[0] == 400
    assert developer.json("/auth/events/show", {"starttime": "2020-01-01T00:00:00Z",
                                                "endtime": "2019-01-01T00:00:00Z"})[0] == 400


def test_match_notmatch(mx_admin, developer):
    developer.op("/auth/org/update", {"Name": developer.org, "Address": "x"})
    developer.json("/auth/org/update", {"Name": developer.org, "Type": "operator"})
    status, events = developer.json("/auth/events/show", {"match": {"names": ["UpdateOrg"]}})
    assert _names(events) == ["UpdateOrg"]
    status, events = developer.json("/auth/events/show", {"notmatch": {"names": ["UpdateOrg"]}})
    assert _names(events) == ["CreateOrg"]
    status, events = developer.json("/auth/events/show", {"match": {"tags": {"username": developer.username}}})
    assert len(events) == 2
    status, events = developer.json("/auth/events/show", {"match": {"names": ["Create*"]}})
    assert _names(events) == ["CreateOrg"]


def test_find_events_and_terms(mx_admin, developer, operator):
    developer.op("/auth/org/update", {"Name": developer.org, "Address": "x"})
    status, found = developer.json("/auth/events/find", {"match": {"names": ["CreateOrg"]}})
    assert status == 200 and _names(found) == ["CreateOrg"]
    status, terms = developer.json("/auth/events/terms", {})
    assert status == 200
    assert terms["names"] == [{"key": "CreateOrg", "count": 1}, {"key": "UpdateOrg", "count": 1}]
    assert terms["orgs"] == [{"key": developer.org, "count": 2}]
    assert terms["types"] == [{"key": "audit", "count": 2}]
    assert {"key": "username", "count": 2} in terms["tagkeys"]
    status, terms = mx_admin.json("/auth/events/terms", {"allowedorgs": [operator.org]})
    assert terms["orgs"] == [{"key": operator.org, "count": 1}]


def test_record_helper_for_other_services(mx_admin, developer):
    from chalicelib.surfaces.mobiledgex import service_events
    service_events.record(None, "CreateApp", developer.org, "local/app/x", region="local",
                          tags={"app": "x"}, error="App key {} already exists")
    status, events = developer.json("/auth/events/show", {"match": {"names": ["CreateApp"]}})
    assert events[0]["region"] == "local" and events[0]["error"] == "App key {} already exists"
    assert events[0]["mtags"]["app"] == "x" and events[0]["mtags"]["status"] == "400"
    status, events = developer.json("/auth/events/show", {"match": {"regions": ["local"], "failed": True}})
    assert _names(events) == ["CreateApp"]
    status, events = developer.json("/auth/events/show", {"match": {"error": "already exists"}})
    assert _names(events) == ["CreateApp"]
