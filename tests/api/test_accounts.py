#!/usr/bin/env python3
"""Account administration (GET/POST /api/v1/users, PATCH /api/v1/users/{id},
POST /api/v1/users/{id}/password-reset) on the guangdong-2016 scenario: an
official creates the accounts below them with a password shown once, which
must be changed at the first login before anything else; nobody creates an
account wider than their own scope or touches one outside it; disabling
ends the account's sessions at once; every change is audited.

Runs on SQLite, and on PostgreSQL with RONGPING_API_PG (scripts/test).

    python3 tests/api/test_accounts.py -v
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, qs  # noqa: E402

SERVER = Server()
NEW_PASSWORD = "Changed2026x"


def setUpModule():
    SERVER.start("guangdong-2016")


def tearDownModule():
    SERVER.stop()


def create(admin, **account):
    return SERVER.request("POST", "/api/v1/users", SERVER.token(admin), body=account)


def users(admin, **params):
    return SERVER.request("GET", qs("/api/v1/users", **params), SERVER.token(admin))


def user_count():
    return SERVER.sql("SELECT COUNT(*) FROM users")[0][0]


def enterprise_of(unit):
    return SERVER.sql("SELECT uscc FROM enterprises WHERE unit_code = ? ORDER BY uscc LIMIT 1", unit)[0][0]


def diagnosis_in(unit):
    """The path of the diagnosis of an approved gd-2016 assessment in `unit`."""
    [[uscc]] = SERVER.sql("SELECT uscc FROM assessments WHERE round_code = 'gd-2016' AND unit_code = ? "
                          "AND status = 'approved' ORDER BY uscc LIMIT 1", unit)
    return f"/api/v1/rounds/gd-2016/enterprises/{uscc}/diagnosis"


class A_IssuedPasswords(unittest.TestCase):
    def test_a_new_account_must_change_its_password_before_anything_else(self):
        r = create("guangdong", username="gz-liaison", role="unit", scope="440100", display_name="广州市联络员",
                   email="liaison@gz.example.cn")
        self.assertEqual(r.status, 201, r)
        issued = r.json()
        otp = issued["one_time_password"]
        self.assertRegex(otp, r"^[A-Za-z2-9]{12}$")
        self.assertEqual((issued["user"]["role"], issued["user"]["scope"], issued["user"]["must_change_password"]),
                         ("unit", "440100", True))
        self.assertIsNone(issued["user"]["last_login_at"])
        login = SERVER.login("gz-liaison", otp)
        self.assertEqual(login.status, 200, login)
        self.assertTrue(login.json()["user"]["must_change_password"])
        token = login.json()["token"]
        held = SERVER.request("GET", "/api/v1/enterprises", token)
        self.assertEqual(held.status, 403, held)
        self.assertEqual(held.json()["error"]["code"], "password_change_required")
        # The diagnosis reads the session in its own transaction: held the same.
        diagnosis = diagnosis_in("440100")
        held = SERVER.request("GET", diagnosis, token)
        self.assertEqual((held.status, held.json()["error"]["code"]), (403, "password_change_required"))
        self.assertEqual(SERVER.request("GET", "/api/v1/session", token).status, 200)
        changed = SERVER.request("PUT", "/api/v1/session/password", token,
                                 body={"current_password": otp, "new_password": NEW_PASSWORD})
        self.assertEqual(changed.status, 200, changed)
        self.assertEqual(SERVER.request("GET", "/api/v1/enterprises", token).status, 200)
        self.assertEqual(SERVER.request("GET", diagnosis, token).status, 200)
        self.assertFalse(SERVER.request("GET", "/api/v1/session", token).json()["user"]["must_change_password"])
        listed = users("guangdong", q="gz-liaison")
        self.assertNotIn("$argon2", listed.text, "no password hash in the list")
        listed = {u["username"]: u for u in listed.json()["items"]}
        self.assertIsNotNone(listed["gz-liaison"]["last_login_at"])
        self.assertEqual(listed["gz-liaison"]["email"], "liaison@gz.example.cn")

    def test_b_reset_issues_a_new_password_and_ends_the_sessions(self):
        [me] = [u for u in users("guangdong", q="gz-liaison").json()["items"] if u["username"] == "gz-liaison"]
        token = SERVER.login("gz-liaison", NEW_PASSWORD).json()["token"]
        r = SERVER.request("POST", f"/api/v1/users/{me['id']}/password-reset", SERVER.token("guangdong"))
        self.assertEqual(r.status, 200, r)
        otp = r.json()["one_time_password"]
        self.assertEqual(SERVER.request("GET", "/api/v1/session", token).status, 401, "the old session ended")
        self.assertEqual(SERVER.login("gz-liaison", NEW_PASSWORD).status, 401)
        again = SERVER.login("gz-liaison", otp)
        self.assertTrue(again.json()["user"]["must_change_password"])

    def test_c_disabling_ends_the_sessions_at_once_and_enabling_restores_the_login(self):
        SERVER.user_add("sz-worker", "unit", "440300")
        token = SERVER.login("sz-worker", "Rongping2016").json()["token"]
        [u] = [u for u in users("guangdong", q="sz-worker").json()["items"] if u["username"] == "sz-worker"]
        path = f"/api/v1/users/{u['id']}"
        diagnosis = diagnosis_in("440300")
        self.assertEqual(SERVER.request("GET", diagnosis, token).status, 200)  # made and kept
        r = SERVER.request("PATCH", path, SERVER.token("guangdong"), body={"disabled": True})
        self.assertEqual((r.status, r.json()["disabled"]), (200, True))
        self.assertEqual(SERVER.request("GET", "/api/v1/session", token).status, 401)
        self.assertEqual(SERVER.request("GET", diagnosis, token).status, 401, "a kept diagnosis is not a session")
        self.assertEqual(SERVER.login("sz-worker", "Rongping2016").status, 401)
        r = SERVER.request("PATCH", path, SERVER.token("guangdong"), body={"disabled": False})
        self.assertEqual((r.status, r.json()["disabled"]), (200, False))
        self.assertEqual(SERVER.login("sz-worker", "Rongping2016").status, 200)
        actions = [a for (a,) in SERVER.sql("SELECT action FROM audit_log WHERE object_type = 'user' AND "
                                            "object_id = 'sz-worker' ORDER BY id")]
        self.assertEqual(actions[-2:], ["user.disable", "user.enable"])


class B_NoWiderScope(unittest.TestCase):
    def test_nobody_creates_an_account_wider_than_their_own(self):
        before = user_count()
        for admin, account in [
            ("guangzhou", {"role": "unit", "scope": "440100"}),            # a unit admin: enterprises only
            ("guangzhou", {"role": "enterprise", "scope": enterprise_of("440300")}),  # 深圳's enterprise
            ("guangzhou", {"role": "agency"}),
            ("guangdong", {"role": "province", "scope": "440000"}),        # a peer, not below
            ("guangdong", {"role": "unit", "scope": "440000"}),            # its own scope, not below
            ("guangdong", {"role": "unit", "scope": "450000"}),            # another province
            ("guangdong", {"role": "ministry"}),
            ("ministry", {"role": "ministry"}),
        ]:
            r = create(admin, username=f"wide-{admin}-{account['role']}", **account)
            self.assertEqual(r.status, 403, (admin, account, r))
        self.assertEqual(user_count(), before, "nothing written")
        for admin in ("enterprise", "association", "agency"):
            self.assertEqual(create(admin, username="x-" + admin, role="enterprise",
                                    scope=enterprise_of("440100")).status, 403)
            self.assertEqual(users(admin).status, 403)

    def test_what_each_may_create(self):
        made = [
            ("guangzhou", {"role": "enterprise", "scope": enterprise_of("440100")}),
            ("guangdong", {"role": "association", "scope": "440100", "industries": ["38", "39"]}),
            ("guangdong", {"role": "association", "scope": "440000", "industries": ["34"]}),  # province-wide
            ("guangdong", {"role": "agency"}),
            ("guangdong", {"role": "unit", "scope": "440606"}),  # 顺德区, inside 佛山市
            ("ministry", {"role": "province", "scope": "450000"}),
        ]
        for i, (admin, account) in enumerate(made):
            r = create(admin, username=f"ok-{i}-{admin}-{account['role']}", **account)
            self.assertEqual(r.status, 201, (admin, account, r))
        # The agency 广东 registered is 广东's to administer, not 广西's.
        agency = create("guangdong", username="gd-agency-2", role="agency").json()["user"]
        gx = create("ministry", username="gx-admin", role="province", scope="450000").json()
        gx_token = SERVER.login("gx-admin", gx["one_time_password"]).json()["token"]
        SERVER.request("PUT", "/api/v1/session/password", gx_token,
                       body={"current_password": gx["one_time_password"], "new_password": NEW_PASSWORD})
        self.assertEqual(SERVER.request("PATCH", f"/api/v1/users/{agency['id']}", gx_token,
                                        body={"disabled": True}).status, 404)

    def test_accounts_outside_ones_scope_are_neither_listed_nor_touched(self):
        SERVER.user_add("sz-enterprise", "enterprise", enterprise_of("440300"))
        listed = {u["username"] for u in users("guangzhou", per_page=500).json()["items"]}
        self.assertIn("enterprise", listed)  # the demo enterprise of 广州
        self.assertNotIn("sz-enterprise", listed)
        self.assertTrue(listed.isdisjoint({"guangzhou", "guangdong", "ministry", "shenzhen"}))
        province = {u["username"] for u in users("guangdong", per_page=500).json()["items"]}
        self.assertTrue({"guangzhou", "shenzhen", "enterprise", "sz-enterprise", "association"} <= province)
        self.assertTrue(province.isdisjoint({"guangdong", "ministry"}))
        ids = {name: id for id, name in SERVER.sql("SELECT id, username FROM users")}
        for target in ("sz-enterprise", "guangdong", "shenzhen"):
            self.assertEqual(SERVER.request("PATCH", f"/api/v1/users/{ids[target]}", SERVER.token("guangzhou"),
                                            body={"disabled": True}).status, 404, target)
            self.assertEqual(SERVER.request("POST", f"/api/v1/users/{ids[target]}/password-reset",
                                            SERVER.token("guangzhou")).status, 404, target)
        self.assertEqual(SERVER.sql("SELECT disabled FROM users WHERE username = 'sz-enterprise'")[0][0], 0)


class C_BadInput(unittest.TestCase):
    def test_each_field_is_named(self):
        before = user_count()
        for account, field in [
            ({"username": "ab", "role": "unit", "scope": "440100"}, "username"),
            ({"username": "bad name", "role": "unit", "scope": "440100"}, "username"),
            ({"username": "x-role", "role": "king"}, "role"),
            ({"username": "x-scope", "role": "unit", "scope": "999999"}, "scope"),
            ({"username": "x-email", "role": "unit", "scope": "440606", "email": "not-an-address"}, "email"),
            ({"username": "x-ind", "role": "unit", "scope": "440606", "industries": ["38"]}, "industries"),
            ({"username": "x-ind2", "role": "association", "scope": "440606", "industries": "38"}, "industries"),
            ({"username": "x-uscc", "role": "enterprise", "scope": "91440100MA4AX2201X"}, "scope"),
        ]:
            r = create("guangdong", **account)
            self.assertEqual(r.status, 422, (account, r))
            self.assertEqual(r.json()["error"]["field"], field, (account, r.json()))
        self.assertEqual(create("guangdong", username="guangzhou", role="unit", scope="440606").status, 409)
        self.assertEqual(user_count(), before)
        self.assertEqual(users("guangdong", role="king").status, 422)


if __name__ == "__main__":
    unittest.main()
