"""ote-stack User Management and Business Management (15 endpoints)."""
from __future__ import annotations

from chalicelib.core import clock
from chalicelib.identity import accounts
from tests.api.otestack.conftest import token_api

NEW_USER = {"user": "alice", "password": "Passw0rdA", "phone": "13800000001", "isAdmin": True, "realName": "Alice"}


def register(api, **over):
    return api.post("/v1/user", {**NEW_USER, **over})


def login(api, user, password):
    return api.post("/v1/authorization", {"user": user, "password": password})


def approve(sysadmin, api, user):
    status, body = sysadmin.get("/v1/admin/user?pageSize=0")
    uid = next(u["id"] for u in body["data"] if u["user"] == user)
    assert sysadmin.put(f"/v1/admin/user/{uid}", {"status": 1})[0] == 200
    return uid


class TestLoginAndTokens:
    def test_login_returns_a_token_in_the_envelope(self, api):
        status, body = login(api, "admin", "Adm1nPassw0rd")
        assert status == 200
        assert body["code"] == 200 and body["message"] == "success" and body["token"].count(".") == 2

    def test_wrong_password_is_401_and_unknown_user_too(self, api):
        assert login(api, "admin", "nope")[0] == 401
        status, body = login(api, "ghost", "Passw0rdA")
        assert status == 401 and body == {"code": 401, "message": "invalid user name or password"}

    def test_login_validation(self, api):
        assert api.post("/v1/authorization", {"user": "admin"})[0] == 422
        assert api.post("/v1/authorization", {"user": 1, "password": "x"})[0] == 422
        status, body = api.post("/v1/authorization", raw="{not json")
        assert status == 422 and body["code"] == 422

    def test_repeated_failures_are_throttled(self, api):
        for _ in range(5):
            assert login(api, "admin", "wrong")[0] == 401
        status, body = login(api, "admin", "Adm1nPassw0rd")
        assert status == 429 and body["code"] == 429
        clock.advance(301)
        assert login(api, "admin", "Adm1nPassw0rd")[0] == 200

    def test_raw_and_bearer_tokens_work(self, api, sysadmin):
        token = sysadmin.headers["authorization"]
        assert api.get("/v1/authorization", headers={"authorization": token})[0] == 200
        assert api.get("/v1/authorization", headers={"authorization": "Bearer " + token})[0] == 200

    def test_missing_bad_expired_tokens_are_401(self, api, sysadmin):
        assert api.get("/v1/authorization")[0] == 401
        assert api.get("/v1/authorization", headers={"authorization": "garbage"})[0] == 401
        token = sysadmin.headers["authorization"]
        tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
        assert api.get("/v1/authorization", headers={"authorization": tampered})[0] == 401
        clock.advance(3601)
        status, body = sysadmin.get("/v1/authorization")
        assert status == 401 and body["message"] == "token expired"

    def test_alg_none_and_foreign_audience_rejected(self, api):
        import jwt
        none = jwt.encode({"sub": "admin", "aud": "otestack", "iss": "edgeplane", "exp": 9999999999, "iat": 1,
                           "jti": "x", "typ": "access"}, key=None, algorithm="none")
        assert api.get("/v1/authorization", headers={"authorization": none})[0] == 401
        from chalicelib.identity import tokens
        other, _ = tokens.issue("admin", "mobiledgex")
        assert api.get("/v1/authorization", headers={"authorization": other})[0] == 401

    def test_refresh_issues_a_new_token_and_revokes_the_old(self, sysadmin):
        status, body = sysadmin.put("/v1/authorization")
        assert status == 200 and body["token"] != sysadmin.headers["authorization"]
        assert sysadmin.get("/v1/authorization")[0] == 401
        fresh = sysadmin.with_headers(authorization=body["token"])
        assert fresh.get("/v1/authorization")[0] == 200

    def test_refresh_window_is_bounded(self, sysadmin):
        token = sysadmin.headers["authorization"]
        for _ in range(7):
            clock.advance(3000)
            status, body = sysadmin.with_headers(authorization=token).put("/v1/authorization")
            if status != 200:
                break
            token = body["token"]
        assert status == 401 and "log in again" in body["message"]

    def test_logout_revokes_and_plural_alias_works(self, api, sysadmin):
        status, body = sysadmin.delete("/v1/authorization")
        assert status == 200 and body == {"code": 200, "message": "Success"}
        assert sysadmin.get("/v1/authorization")[0] == 401
        status, body = login(api, "admin", "Adm1nPassw0rd")
        other = api.with_headers(authorization=body["token"])
        assert other.delete("/v1/authorizations")[0] == 200
        assert other.get("/v1/authorization")[0] == 401

    def test_authorization_info_of_the_system_administrator(self, sysadmin):
        status, body = sysadmin.get("/v1/authorization")
        assert status == 200
        data = body["data"]
        assert data["role"] == 4 and data["displayName"] == "System Administrator"
        assert set(data) == {"displayName", "hasRepoAccount", "role", "privateProject", "enableIngress",
                             "enableAlert", "enableAdminAutoDeploy"}


class TestRegistrationAndApproval:
    def test_self_registration_waits_for_approval(self, api, sysadmin):
        status, body = register(api)
        assert (status, body) == (200, {"code": 200, "message": "success"})
        status, body = login(api, "alice", "Passw0rdA")
        assert status == 401 and "not approved" in body["message"]
        uid = approve(sysadmin, api, "alice")
        status, body = login(api, "alice", "Passw0rdA")
        assert status == 200
        info = api.with_headers(authorization=body["token"]).get("/v1/authorization")[1]["data"]
        assert info["role"] == 1 and info["displayName"] == "Alice"
        users = sysadmin.get("/v1/admin/user?pageSize=0")[1]["data"]
        alice = next(u for u in users if u["id"] == uid)
        assert alice["status"] == 1 and alice["phone"] == "13800000001" and "password" not in alice

    def test_registration_rules(self, api):
        assert register(api, password="short1A")[0] == 422
        assert register(api, password="nouppercase1")[0] == 422
        assert register(api, password="NOLOWERCASE1")[0] == 422
        assert register(api, password="NoDigitsHere")[0] == 422
        assert register(api, isAdmin="yes")[0] == 422
        assert register(api, phone="12ab")[0] == 422
        body = dict(NEW_USER)
        body.pop("realName")
        assert api.post("/v1/user", body)[0] == 422
        assert accounts.get_account("alice") is None

    def test_duplicate_user_and_phone_conflict(self, api):
        assert register(api)[0] == 200
        assert register(api, phone="13800000002")[0] == 409
        status, body = register(api, user="bob")
        assert status == 409
        assert accounts.get_account("bob") is None

    def test_only_the_system_administrator_audits_users(self, api, sysadmin, make_business):
        admin, member, info = make_business()
        register(api)
        uid = accounts.get_account("alice").num
        assert admin.put(f"/v1/admin/user/{uid}", {"status": 1})[0] == 403
        assert member.put(f"/v1/admin/user/{uid}", {"status": 1})[0] == 403
        assert accounts.get_account("alice").status == "pending"
        assert sysadmin.put(f"/v1/admin/user/{uid}", {"status": 7})[0] == 422
        assert sysadmin.put(f"/v1/admin/user/{uid}", {"status": "1"})[0] == 422
        assert sysadmin.put("/v1/admin/user/99999", {"status": 1})[0] == 404
        assert sysadmin.put("/v1/admin/user/abc", {"status": 1})[0] == 422
        assert sysadmin.put(f"/v1/admin/user/{uid}", {"status": 3})[0] == 200
        assert accounts.get_account("alice").status == "disabled"

    def test_forbidden_user_token_stops_working(self, api, sysadmin):
        register(api)
        approve(sysadmin, api, "alice")
        token = login(api, "alice", "Passw0rdA")[1]["token"]
        uid = accounts.get_account("alice").num
        sysadmin.put(f"/v1/admin/user/{uid}", {"status": 3})
        assert api.get("/v1/authorization", headers={"authorization": token})[0] == 401


class TestPasswords:
    def test_change_own_password(self, api, make_business):
        admin, member, info = make_business()
        assert member.put("/v1/user", {"oldPassword": "wrong", "password": "NewPassw0rd"})[0] == 422
        assert member.put("/v1/user", {"oldPassword": "Passw0rdU", "password": "weak"})[0] == 422
        assert login(api, info["member"], "Passw0rdU")[0] == 200
        assert member.put("/v1/user", {"oldPassword": "Passw0rdU", "password": "NewPassw0rd"})[0] == 200
        assert login(api, info["member"], "Passw0rdU")[0] == 401
        assert login(api, info["member"], "NewPassw0rd")[0] == 200

    def test_admin_resets_passwords_in_own_business_only(self, api, make_business):
        admin_a, member_a, a = make_business()
        admin_b, member_b, b = make_business()
        uid_a = accounts.get_account(a["member"]).num
        assert admin_b.put(f"/v1/admin/user/{uid_a}/password", {"password": "Reset1Pass"})[0] == 404
        assert member_a.put(f"/v1/admin/user/{uid_a}/password", {"password": "Reset1Pass"})[0] == 403
        assert admin_a.put(f"/v1/admin/user/{uid_a}/password", {"password": "bad"})[0] == 422
        assert login(api, a["member"], "Passw0rdU")[0] == 200
        assert admin_a.put(f"/v1/admin/user/{uid_a}/password", {"password": "Reset1Pass"})[0] == 200
        assert login(api, a["member"], "Reset1Pass")[0] == 200


class TestUserAdministration:
    def test_sub_users_join_the_admins_business(self, api, make_business):
        admin, member, info = make_business()
        body = {**NEW_USER, "user": "carol", "phone": "13700000001", "isAdmin": False}
        assert member.post("/v1/admin/user", body)[0] == 403
        assert admin.post("/v1/admin/user", body)[0] == 200
        carol = accounts.get_account("carol")
        assert carol.tenant_id == info["tenant"] and carol.status == "active" and carol.role == "member"
        token = login(api, "carol", "Passw0rdA")[1]["token"]
        assert api.get("/v1/authorization", headers={"authorization": token})[1]["data"]["role"] == 2

    def test_user_list_is_scoped_paged_and_sorted(self, make_business, sysadmin):
        admin_a, _, a = make_business()
        admin_b, _, b = make_business()
        status, body = admin_a.get("/v1/admin/user")
        assert status == 200 and body["message"] == "Success"
        assert {u["user"] for u in body["data"]} == {a["admin"], a["member"]} and body["total"] == 2
        status, body = sysadmin.get("/v1/admin/user?pageSize=2&page=1")
        assert len(body["data"]) == 2 and body["total"] == 5
        page2 = sysadmin.get("/v1/admin/user?pageSize=2&page=2")[1]["data"]
        assert {u["id"] for u in page2}.isdisjoint({u["id"] for u in body["data"]})
        names = [u["user"] for u in sysadmin.get("/v1/admin/user?orderBy=user_name&pageSize=0")[1]["data"]]
        assert names == sorted(names)
        ids = [u["id"] for u in sysadmin.get("/v1/admin/user?order=desc&pageSize=0")[1]["data"]]
        assert ids == sorted(ids, reverse=True)
        assert sysadmin.get("/v1/admin/user?orderBy=phone")[0] == 422
        assert sysadmin.get("/v1/admin/user?page=0")[0] == 422
        assert sysadmin.get("/v1/admin/user?pageSize=x")[0] == 422

    def test_delete_user(self, make_business, sysadmin):
        admin_a, member_a, a = make_business()
        admin_b, _, b = make_business()
        uid = accounts.get_account(a["member"]).num
        assert admin_b.delete(f"/v1/admin/user/{uid}")[0] == 404
        assert member_a.delete(f"/v1/admin/user/{uid}")[0] == 403
        assert accounts.get_account(a["member"]) is not None
        assert admin_a.delete(f"/v1/admin/user/{uid}")[0] == 200
        assert accounts.get_account(a["member"]) is None
        assert admin_a.delete(f"/v1/admin/user/{uid}")[0] == 404
        admin_uid = accounts.get_account("admin").num
        assert sysadmin.delete(f"/v1/admin/user/{admin_uid}")[0] == 403


class TestBusinesses:
    def _approved_admin(self, api, sysadmin, user="alice", phone="13800000001"):
        register(api, user=user, phone=phone)
        approve(sysadmin, api, user)
        return api.with_headers(authorization=login(api, user, "Passw0rdA")[1]["token"])

    def test_apply_approve_and_namespace_fan_out(self, api, sysadmin, drain):
        alice = self._approved_admin(api, sysadmin)
        body = {"name": "video", "introduce": "cams", "objective": "monitoring", "scale": "3 clusters"}
        assert alice.post("/v1/business", body)[0] == 200
        assert alice.post("/v1/business", {**body, "name": "other"})[0] == 409
        status, listing = alice.get("/v1/business")
        assert status == 200 and listing["total"] == 1
        biz = listing["data"][0]
        assert biz["status"] == 0 and biz["name"] == "video" and biz["userId"] == accounts.get_account("alice").num
        assert alice.put(f"/v1/business/id/{biz['id']}", {"status": 1, "comment": "ok"})[0] == 403
        assert sysadmin.put(f"/v1/business/id/{biz['id']}", {"status": 5, "comment": "x"})[0] == 422
        status, answer = sysadmin.put(f"/v1/business/id/{biz['id']}", {"status": 1, "comment": "welcome"})
        assert status == 200
        from chalicelib import jobs, targets
        assert drain(lambda: jobs.get(answer["jobId"]).status in jobs.TERMINAL)
        assert jobs.get(answer["jobId"]).status == "SUCCEEDED"
        ns = f"ns{biz['id']}"
        assert all(ns in c.namespaces for c in targets.list_clusters())
        status, one = alice.get(f"/v1/business/id/{biz['id']}")
        assert one["data"]["status"] == 1 and one["data"]["comment"] == "welcome" and one["data"]["introduce"] == "cams"
        assert alice.get("/v1/authorization")[1]["data"]["role"] == 3
        assert sysadmin.put(f"/v1/business/id/{biz['id']}", {"status": 2, "comment": "no"})[0] == 409

    def test_disapproved_business(self, api, sysadmin):
        alice = self._approved_admin(api, sysadmin)
        alice.post("/v1/business", {"name": "video", "introduce": "i", "objective": "o", "scale": "s"})
        biz = alice.get("/v1/business")[1]["data"][0]
        assert sysadmin.put(f"/v1/business/id/{biz['id']}", {"status": 2, "comment": "no"})[0] == 200
        assert alice.get(f"/v1/business/id/{biz['id']}")[1]["data"]["status"] == 2
        assert alice.get("/v1/authorization")[1]["data"]["role"] == 1
        # a disapproved applicant may apply again
        assert alice.post("/v1/business", {"name": "video2", "introduce": "i", "objective": "o", "scale": "s"})[0] == 200

    def test_who_may_apply(self, api, sysadmin, make_business):
        admin, member, info = make_business()
        body = {"name": "x1", "introduce": "i", "objective": "o", "scale": "s"}
        assert admin.post("/v1/business", body)[0] == 403
        assert member.post("/v1/business", body)[0] == 403
        assert sysadmin.post("/v1/business", body)[0] == 403
        plain = self._approved_admin(api, sysadmin)
        assert plain.post("/v1/business", {"name": "x1"})[0] == 422
        assert plain.post("/v1/business", {**body, "name": info["name"]})[0] == 409

    def test_visibility_and_filters(self, api, sysadmin, make_business):
        make_business("alpha")
        admin_b, _, b = make_business("beta")
        status, body = sysadmin.get("/v1/business")
        assert body["total"] == 2
        assert [x["name"] for x in sysadmin.get("/v1/business?name=alp")[1]["data"]] == ["alpha"]
        assert sysadmin.get("/v1/business?name=alp")[1]["total"] == 1
        assert [x["name"] for x in admin_b.get("/v1/business")[1]["data"]] == ["beta"]
        alpha_id = sysadmin.get("/v1/business?name=alpha")[1]["data"][0]["id"]
        assert admin_b.get(f"/v1/business/id/{alpha_id}")[0] == 404
        assert sysadmin.get(f"/v1/business/id/{alpha_id}")[0] == 200
        assert sysadmin.get("/v1/business/id/999")[0] == 404
        assert sysadmin.get("/v1/business?order=sideways")[0] == 422
        ids = [x["id"] for x in sysadmin.get("/v1/business?order=desc")[1]["data"]]
        assert ids == sorted(ids, reverse=True)

    def test_denials_are_audited(self, make_business):
        from chalicelib import audit
        admin, member, info = make_business()
        member.put("/v1/business/id/1", {"status": 1, "comment": "x"})
        events = audit.page(limit=20).items
        assert any(e.outcome == "denied" and e.actor == info["member"] and e.status == 403 for e in events)
