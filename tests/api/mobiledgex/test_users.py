"""MobiledgeX users (catalog §3.2 #2-#17): authorization views, API keys, passwords, e-mail tokens, show,
update and delete."""
from __future__ import annotations

import re

import pytest

from tests.api.mobiledgex.conftest import PASSWORD, add_role, login, make_user

NEW_PASSWORD = "Another-Edge-Cloud-Secret-2026?"


def _mails(to: str) -> list[str]:
    from chalicelib import outbox
    return [m.body for m in outbox.page(to=to, limit=50).items]


def _token(body: str) -> str:
    return re.search(r'"token": "([^"]+)"', body).group(1)


# ---------------------------------------------------------------- UserAuthorized / AuthScopes
def test_user_authorized(developer, operator):
    ok = {"org": developer.org, "resource": "apps", "action": "manage"}
    assert developer.json("/auth/user/authorized", ok) == (200, {"message": "Authorized ok"})
    assert developer.json("/auth/user/authorized", {**ok, "org": operator.org}) == (403, {"message": "Forbidden"})
    assert operator.json("/auth/user/authorized", {**ok, "org": operator.org}) == (403, {"message": "Forbidden"})
    assert developer.json("/auth/user/authorized") == (400, {"message": "Request body can't be empty"})


def test_auth_scopes(developer):
    status, scopes = developer.json("/auth/user/scopes")
    assert status == 200
    assert {"org": developer.org, "resource": "apps", "action": "manage", "object": ""} in scopes
    assert {"org": developer.org, "resource": "apps", "action": "view", "object": ""} in scopes
    assert all(s["org"] == developer.org for s in scopes)
    assert not any(s["resource"] == "cloudletpools" for s in scopes)


# ---------------------------------------------------------------- API keys
def _key_body(org, perms=None, **extra):
    return {"Org": org, "Description": "automation",
            "permissions": [{"resource": "apps", "action": "manage"}] if perms is None else perms, **extra}


def test_api_key_create_login_show_delete(mx, developer, operator):
    status, key = developer.json("/auth/user/create/apikey", _key_body(developer.org))
    assert status == 200, key
    assert key["Id"] and key["ApiKey"] and key["Org"] == developer.org and key["Description"] == "automation"
    assert {"role": f"{key['Id']}-role", "resource": "apps", "action": "view"} in key["permissions"]
    # log in with the key: it acts with its own permissions on its org only
    status, body = mx.json("/login", {"username": key["Id"], "password": key["ApiKey"]})
    assert status == 200
    k = mx.as_bearer(body["token"])
    assert k.json("/auth/user/authorized", {"org": developer.org, "resource": "apps", "action": "manage"})[0] == 200
    assert k.json("/auth/user/authorized", {"org": developer.org, "resource": "users",
                                            "action": "manage"})[0] == 403
    # key sessions may not manage keys
    assert k.json("/auth/user/create/apikey", _key_body(developer.org)) == \
        (403, {"message": "ApiKey auth not allowed to create API keys, please log in with user account"})
    assert k.json("/auth/user/show/apikey")[0] == 403
    assert k.json("/auth/user/delete/apikey", {"Id": key["Id"]})[0] == 403
    # show: the secret never again
    status, keys = developer.json("/auth/user/show/apikey")
    assert status == 200 and [x["Id"] for x in keys] == [key["Id"]]
    assert keys[0]["ApiKey"] == "" and "Username" not in keys[0]
    assert operator.json("/auth/user/show/apikey") == (200, [])
    assert developer.json("/auth/user/show/apikey", {"Id": "nope"}) == (400, {"message": "API key ID not found"})
    # others cannot delete it
    assert operator.json("/auth/user/delete/apikey", {"Id": key["Id"]}) == \
        (403, {"message": "Cannot delete other user's API key"})
    assert developer.json("/auth/user/delete/apikey", raw="") == (400, {"message": "Request body can't be empty"})
    assert developer.json("/auth/user/delete/apikey", {"Description": "x"}) == \
        (400, {"message": "Missing API key ID"})
    assert developer.json("/auth/user/delete/apikey", {"Id": key["Id"]}) == \
        (200, {"message": "Deleted API Key successfully"})
    assert developer.json("/auth/user/show/apikey") == (200, [])
    assert mx.json("/login", {"username": key["Id"], "password": key["ApiKey"]})[0] == 400
    assert k.json("/auth/user/current")[0] == 401


def test_api_key_rules(mx_admin, developer, operator):
    assert developer.json("/auth/user/create/apikey", _key_body(developer.org, perms=[])) == \
        (400, {"message": "No permissions specified"})
    assert developer.json("/auth/user/create/apikey", _key_body("")) == (400, {"message": "Org not specified"})
    assert developer.json("/auth/user/create/apikey", _key_body("ghost-org")) == \
        (400, {"message": "Invalid org specified"})
    assert developer.json("/auth/user/create/apikey", _key_body(
        developer.org, [{"resource": "apps", "action": "edit"}])) == \
        (400, {"message": "Invalid action edit, valid actions are view, manage"})
    status, body = developer.json("/auth/user/create/apikey", _key_body(
        developer.org, [{"resource": "cloudletpools", "action": "view"}]))
    assert status == 400 and body["message"].startswith(
        "Invalid permission specified: [cloudletpools:view], valid permissions (resource:action) are [")
    # the caller's rights on the key's org bound the key
    status, body = developer.json("/auth/user/create/apikey", _key_body(
        operator.org, [{"resource": "cloudlets", "action": "manage"}]))
    assert status == 400 and body["message"].startswith("Invalid permission specified")
    assert developer.json("/auth/user/show/apikey") == (200, [])
    for _ in range(10):
        assert developer.json("/auth/user/create/apikey", _key_body(developer.org))[0] == 200
    assert developer.json("/auth/user/create/apikey", _key_body(developer.org)) == \
        (400, {"message": "User cannot create more than 10 API keys, please delete existing keys to create new one"})
    # admins see every key with its owner, and may delete it
    status, keys = mx_admin.json("/auth/user/show/apikey")
    assert status == 200 and len(keys) == 10 and {k["Username"] for k in keys} == {developer.username}
    assert mx_admin.json("/auth/user/delete/apikey", {"Id": keys[0]["Id"]})[0] == 200
    assert len(developer.json("/auth/user/show/apikey")[1]) == 9


# ---------------------------------------------------------------- passwords
def test_new_password(mx, developer):
    path = "/auth/user/newpass"
    assert developer.json(path, {"password": NEW_PASSWORD}) == (400, {"message": "Please specify current password"})
    assert developer.json(path, {"currentpassword": PASSWORD}) == (400, {"message": "Please specify new password"})
    assert developer.json(path, {"currentpassword": "wrong-one", "password": NEW_PASSWORD}) == \
        (400, {"message": "Invalid current password"})
    assert developer.json(path, {"currentpassword": PASSWORD, "password": "short"}) == \
        (400, {"message": "Invalid password, password must be at least 8 characters"})
    status, body = developer.json(path, {"currentpassword": PASSWORD, "password": "password1"})
    assert status == 400 and body["message"].startswith("Password too weak, requires crack time")
    assert mx.json("/login", {"username": developer.username, "password": PASSWORD})[0] == 200
    assert developer.json(path, {"currentpassword": PASSWORD, "password": NEW_PASSWORD}) == \
        (200, {"message": "Password updated"})
    assert mx.json("/login", {"username": developer.username, "password": PASSWORD})[0] == 400
    assert mx.json("/login", {"username": developer.username, "password": NEW_PASSWORD})[0] == 200


def test_password_reset_flow(mx, developer):
    email = f"{developer.username}@example.com"
    r = mx.op("/passwordresetrequest", {"email": email})
    assert r.status_code == 200 and not r.body
    # unknown addresses get the same answer and no mail
    r = mx.op("/passwordresetrequest", {"email": "nobody@example.com"})
    assert r.status_code == 200 and not r.body and _mails("nobody@example.com") == []
    assert mx.json("/passwordresetrequest", {"email": "not-an-address"}) == (400, {"message": "Invalid email address"})
    token = _token(_mails(email)[0])
    assert mx.json("/passwordreset", {"token": "garbage", "password": NEW_PASSWORD}) == \
        (401, {"message": "Invalid or expired token"})
    # a rejected password does not spend the token
    assert mx.json("/passwordreset", {"token": token, "password": "short"})[0] == 400
    assert mx.json("/passwordreset", {"token": token, "password": NEW_PASSWORD}) == \
        (200, {"message": "Password updated"})
    assert mx.json("/passwordreset", {"token": token, "password": NEW_PASSWORD}) == \
        (401, {"message": "Invalid or expired token"})
    assert mx.json("/login", {"username": developer.username, "password": NEW_PASSWORD})[0] == 200
    # the token expires after an hour
    mx.op("/passwordresetrequest", {"email": email})
    late = _token(_mails(email)[0])
    from chalicelib.core import clock
    clock.advance(3601)
    assert mx.json("/passwordreset", {"token": late, "password": NEW_PASSWORD + "x"})[0] == 401


@pytest.fixture
def verify_on(monkeypatch):
    from chalicelib.core import config
    monkeypatch.setenv("EDGEPLANE_MX_SKIP_VERIFY_EMAIL", "false")
    config.reload()
    yield
    monkeypatch.delenv("EDGEPLANE_MX_SKIP_VERIFY_EMAIL")
    config.reload()


def test_email_verification(mx, verify_on):
    status, body = mx.json("/usercreate", {"Name": "verme", "Email": "verme@example.com", "Passhash": PASSWORD})
    assert status == 200
    assert mx.json("/login", {"username": "verme", "password": PASSWORD}) == \
        (400, {"message": "Email not verified yet"})
    first = _token(_mails("verme@example.com")[0])
    r = mx.op("/resendverify", {"email": "verme@example.com"})
    assert r.status_code == 200 and not r.body
    assert len(_mails("verme@example.com")) == 2
    assert mx.op("/resendverify", {"email": "ghost@example.com"}).status_code == 200
    assert mx.json("/verifyemail", {"token": "bad"}) == (401, {"message": "Invalid or expired token"})
    assert mx.json("/verifyemail", {"token": first}) == (200, {"message": "Email verified, thank you"})
    assert mx.json("/verifyemail", {"token": first}) == (401, {"message": "Invalid or expired token"})
    caller = login(mx, "verme", PASSWORD)
    assert caller.json("/auth/user/current")[1]["EmailVerified"] is True
    # changing the address needs a verify address, resets EmailVerified and mails a new token
    assert caller.json("/auth/user/update", {"Email": "verme2@example.com"}) == \
        (400, {"message": "Invalid email address"})
    status, body = caller.json("/auth/user/update", {"Email": "verme2@example.com",
                                                     "verify": {"email": "verme2@example.com"}})
    assert (status, body["Message"]) == (200, "user updated")
    me = caller.json("/auth/user/current")[1]
    assert me["Email"] == "verme2@example.com" and me["EmailVerified"] is False
    assert mx.json("/verifyemail", {"token": _token(_mails("verme2@example.com")[0])})[0] == 200
    assert caller.json("/auth/user/current")[1]["EmailVerified"] is True


# ---------------------------------------------------------------- ShowUser
def test_show_user_filters_and_privacy(mx_admin, developer, mx):
    other = make_user(mx)
    add_role(developer, developer.org, other.username, "DeveloperViewer")
    stranger = make_user(mx)
    status, users = developer.json("/auth/user/show", {})
    assert status == 200
    assert [u["Name"] for u in users] == sorted([developer.username, other.username])
    mine = next(u for u in users if u["Name"] == developer.username)
    theirs = next(u for u in users if u["Name"] == other.username)
    assert mine["Email"] == f"{developer.username}@example.com"
    assert theirs["Email"] == "" and theirs["CreatedAt"] == "0001-01-01T00:00:00Z" and theirs["Passhash"] == ""
    assert developer.json("/auth/user/show", {"role": "DeveloperViewer"})[1][0]["Name"] == other.username
    assert developer.json("/auth/user/show", {"Name": stranger.username}) == (200, [])
    assert developer.json("/auth/user/show", {"org": "someone-else"}) == (403, {"message": "Forbidden"})
    assert developer.json("/auth/user/show", {"Nickname": ""})[0] == 200
    assert developer.json("/auth/user/show", {"Bogus": 1}) == \
        (400, {"message": "Failed to parse input data: JSON field Bogus not found in database object ShowUser"})
    # admins see everybody with private fields
    status, users = mx_admin.json("/auth/user/show", {"Name": stranger.username})
    assert status == 200 and users[0]["Email"] == f"{stranger.username}@example.com"
    assert stranger.json("/auth/user/show") == (403, {"message": "Forbidden"})


# ---------------------------------------------------------------- UpdateUser
def test_update_user(developer):
    path = "/auth/user/update"
    status, body = developer.json(path, {"GivenName": "Dev", "Nickname": "dd", "Metadata": "{\"a\":1}"})
    assert (status, body) == (200, {"Message": "user updated", "TOTPSharedKey": "", "TOTPQRImage": None})
    me = developer.json("/auth/user/current")[1]
    assert (me["GivenName"], me["Nickname"], me["Metadata"], me["FamilyName"]) == ("Dev", "dd", "{\"a\":1}", "")
    for body, text in (({"Name": "other"}, "Cannot change username"),
                       ({"Locked": True}, "Cannot change locked"),
                       ({"EmailVerified": False}, "Cannot change emailverified"),
                       ({"PassCrackTimeSec": 1.5}, "Cannot change passcracktimesec"),
                       ({"Passhash": "x"}, "Cannot change passhash")):
        assert developer.json(path, body) == (400, {"message": text}), body
    assert developer.json(path, {"Email": "bad"}) == (400, {"message": "Invalid email address"})
    assert developer.json("/auth/user/current")[1]["GivenName"] == "Dev"
    # the name itself (same spelling) is accepted
    assert developer.json(path, {"Name": developer.username, "FamilyName": "Ops"})[0] == 200
    assert developer.json("/auth/user/current")[1]["FamilyName"] == "Ops"


def test_update_user_email_unique(mx, developer):
    other = make_user(mx)
    assert developer.json("/auth/user/update", {"Email": f"{other.username}@example.com"}) == \
        (400, {"message": f"Email {other.username}@example.com already in use"})
    assert developer.json("/auth/user/update", {"Email": "fresh@example.com"})[0] == 200
    me = developer.json("/auth/user/current")[1]
    assert me["Email"] == "fresh@example.com"
    # the old address is free again, the new one taken
    assert mx.json("/usercreate", {"Name": "newbie", "Email": f"{developer.username}@example.com",
                                   "Passhash": PASSWORD})[0] == 200
    assert mx.json("/usercreate", {"Name": "newbie2", "Email": "fresh@example.com", "Passhash": PASSWORD}) == \
        (400, {"message": "Email already in use"})


# ---------------------------------------------------------------- DeleteUser / DeleteLockedUser
def test_delete_user_rules(mx, mx_admin, developer):
    other = make_user(mx)
    assert mx_admin.json("/auth/user/delete", {"Name": "admin"}) == (400, {"message": "Cannot delete superuser"})
    assert developer.json("/auth/user/delete", {"Name": other.username}) == (403, {"message": "Forbidden"})
    assert developer.json("/auth/user/delete", {"Email": "x@y.z"}) == (400, {"message": "User Name not specified"})
    assert developer.json("/auth/user/delete", {"Name": developer.username}) == \
        (400, {"message": f"Error: Cannot delete the last remaining manager for the org {developer.org}"})
    add_role(developer, developer.org, other.username, "DeveloperManager")
    assert developer.json("/auth/user/delete", {"Name": developer.username}) == (200, {"message": "User deleted"})
    assert developer.json("/auth/user/current")[0] == 401
    assert mx.json("/login", {"username": developer.username, "password": PASSWORD})[0] == 400
    status, roles = mx_admin.json("/auth/role/assignment/show", {"username": developer.username})
    assert (status, roles) == (200, [])
    # the name and e-mail are free again
    assert mx.json("/usercreate", {"Name": developer.username, "Email": f"{developer.username}@example.com",
                                   "Passhash": PASSWORD})[0] == 200
    # admins delete others
    assert mx_admin.json("/auth/user/delete", {"Name": other.username}) == \
        (400, {"message": f"Error: Cannot delete the last remaining manager for the org {developer.org}"})
    loner = make_user(mx)
    assert mx_admin.json("/auth/user/delete", {"Name": loner.username}) == (200, {"message": "User deleted"})
    assert mx_admin.json("/auth/user/show", {"Name": loner.username}) == (200, [])


def test_delete_last_admin_manager(mx, mx_admin):
    from chalicelib.surfaces.mobiledgex import identity
    second = make_user(mx, "admin2")
    identity.put_role("admin2", "", "AdminManager")
    assert second.json("/auth/user/delete", {"Name": "admin2"}) == (200, {"message": "User deleted"})
    # the superuser is protected by name; the last AdminManager by the count
    third = make_user(mx, "admin3")
    identity.put_role("admin3", "", "AdminManager")
    from chalicelib.store import base as store
    from chalicelib.store.mobiledgex import MxRole
    store.delete(store.get(MxRole, *MxRole.keys("admin", "")))
    assert third.json("/auth/user/delete", {"Name": "admin3"}) == \
        (400, {"message": "Error: Cannot delete the last remaining AdminManager"})


def test_delete_locked_user(mx):
    make_user(mx, "lockme")
    assert mx.json("/userdelete", {"Name": "lockme"}) == (400, {"message": "Please specify password in passhash"})
    assert mx.json("/userdelete", {"Passhash": PASSWORD}) == (400, {"message": "Name or Email must be specified"})
    assert mx.json("/userdelete", {"Name": "lockme", "Passhash": "wrong-password"}) == \
        (400, {"message": "Invalid username or password"})
    assert mx.json("/userdelete", {"Name": "ghost", "Passhash": PASSWORD}) == \
        (400, {"message": "Invalid username or password"})
    assert mx.json("/login", {"username": "lockme", "password": PASSWORD})[0] == 200
    # wrong passwords count like failed logins
    for _ in range(3):
        assert mx.json("/userdelete", {"Name": "lockme", "Passhash": "wrong-password"})[0] == 400
    status, body = mx.json("/userdelete", {"Name": "lockme", "Passhash": PASSWORD})
    assert status == 400 and body["message"].startswith("Login temporarily disabled due to 3 failed login")
    from chalicelib.core import clock
    clock.advance(61)
    assert mx.json("/userdelete", {"Email": "lockme@example.com", "Passhash": PASSWORD}) == \
        (200, {"message": "User deleted"})
    assert mx.json("/login", {"username": "lockme", "password": PASSWORD})[0] == 400


def test_user_ops_are_audited(mx_admin, developer):
    developer.json("/auth/user/update", {"GivenName": "Audited"})
    status, events = mx_admin.json("/auth/events/show", {"match": {"names": ["UpdateUser"]}})
    assert status == 200 and events and events[0]["mtags"]["username"] == developer.username
