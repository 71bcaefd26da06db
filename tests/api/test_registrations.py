#!/usr/bin/env python3
"""Enterprise self-registration (POST /api/v1/registrations and its review)
on the guangdong-2016 scenario, with the server e-mailing through a real
SMTP server on loopback: a new enterprise registers, its unit approves, the
password reaches its contact and must be changed at the first login; a
code the unit already holds with the same contact address is approved at
once, its password going to the address on record; the answer never tells
which; another city neither sees nor decides; a rejection says why.

Runs on SQLite, and on PostgreSQL with RONGPING_API_PG (scripts/test).

    python3 tests/api/test_registrations.py -v
"""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, SmtpSink, make_uscc, within  # noqa: E402

SMTP = SmtpSink()
SERVER = Server(serve_args=SMTP.smtp_args())
NEW_PASSWORD = "Registered2026"


def setUpModule():
    SMTP.start()
    SERVER.start("guangdong-2016")


def tearDownModule():
    SERVER.stop()
    SMTP.stop()


def registration(uscc, username, email, unit="440100", **more):
    body = {"uscc": uscc, "name": "注册测试精密机械有限公司", "unit_code": unit, "industry_code": "34",
            "production_type": "discrete_mass", "employees": 120, "revenue_10k_yuan": 8000,
            "contact_name": "陈工", "contact_phone": "020-12345678", "contact_email": email, "username": username}
    body.update(more)
    return body


def register(body, address=None):
    headers = {"X-Real-IP": address} if address else None
    return SERVER.request("POST", "/api/v1/registrations", body=body, headers=headers)


def password_in(mail):
    return re.search(r"初始密码：([A-Za-z2-9]{12})", mail.get_content()).group(1)


def pending(admin):
    return SERVER.request("GET", "/api/v1/registrations?state=pending", SERVER.token(admin)).json()["items"]


class A_NewEnterprise(unittest.TestCase):
    def test_registered_approved_mailed_and_the_first_login_changes_the_password(self):
        uscc = make_uscc("440100")
        r = register(registration(uscc, "new-maker", "chen@new-maker.example.cn"))
        self.assertEqual(r.status, 202, r)
        self.assertIn("注册申请已提交", r.json()["message"])
        [item] = [i for i in pending("guangzhou") if i["uscc"] == uscc]
        self.assertEqual((item["submitted"]["name"], item["on_record"], item["held_elsewhere"], item["has_account"]),
                         ("注册测试精密机械有限公司", None, False, False))
        self.assertEqual([i for i in pending("shenzhen") if i["uscc"] == uscc], [], "another city does not see it")
        path = f"/api/v1/registrations/{item['id']}/approve"
        self.assertEqual(SERVER.request("POST", path, SERVER.token("shenzhen"), body={}).status, 404)
        approved = SERVER.request("POST", path, SERVER.token("guangzhou"), body={})
        self.assertEqual(approved.status, 200, approved)
        self.assertTrue(approved.json()["mailed"])
        otp = approved.json()["one_time_password"]
        self.assertEqual(SERVER.request("POST", path, SERVER.token("guangzhou"), body={}).status, 409)
        self.assertIsNotNone(within(15, lambda: SMTP.mails_to("chen@new-maker.example.cn")))
        [mail] = SMTP.mails_to("chen@new-maker.example.cn")
        self.assertIn("企业注册已通过", mail["Subject"])
        self.assertIn("用户名：new-maker", mail.get_content())
        self.assertEqual(password_in(mail), otp)
        # The enterprise is registered in its unit, and its first login changes the password.
        self.assertEqual(SERVER.sql("SELECT unit_code, name FROM enterprises WHERE uscc = ?", uscc),
                         [("440100", "注册测试精密机械有限公司")])
        login = SERVER.login("new-maker", otp).json()
        self.assertTrue(login["user"]["must_change_password"])
        token = login["token"]
        self.assertEqual(SERVER.request("GET", f"/api/v1/enterprises/{uscc}", token).status, 403)
        self.assertEqual(SERVER.request("PUT", "/api/v1/session/password", token,
                                        body={"current_password": otp, "new_password": NEW_PASSWORD}).status, 200)
        self.assertEqual(SERVER.request("GET", f"/api/v1/enterprises/{uscc}", token).status, 200)
        actions = {a for (a,) in SERVER.sql("SELECT action FROM audit_log WHERE object_id IN (?, ?, ?)",
                                            str(item["id"]), uscc, "new-maker")}
        self.assertTrue({"registration.submit", "registration.approve", "enterprise.create", "user.create"} <= actions)


class B_OnRecord(unittest.TestCase):
    def test_a_code_on_record_with_its_contact_is_approved_at_once_and_the_answer_says_nothing(self):
        uscc, email = SERVER.sql("SELECT uscc, contact_email FROM enterprises WHERE unit_code = '440300' AND NOT "
                                 "EXISTS (SELECT 1 FROM users u WHERE u.scope_code = uscc) ORDER BY uscc LIMIT 1")[0]
        answers = []
        # Someone who knows the code but not the contact: waits for the unit.
        answers.append(register(registration(uscc, "claimer", "claimer@evil.example.cn", unit="440300")))
        self.assertIsNone(within(2, lambda: SMTP.mails_to("claimer@evil.example.cn")), "no mail to the claimer")
        # The enterprise itself, with the address its unit holds: approved at once, mailed there.
        answers.append(register(registration(uscc, "on-record", email.upper(), unit="440300")))
        # A code nobody holds.
        answers.append(register(registration(make_uscc("440300"), "nobody-yet", "x@nobody.example.cn", unit="440300")))
        self.assertEqual({(a.status, a.text) for a in answers}.__len__(), 1, [a.text for a in answers])
        self.assertIsNotNone(within(15, lambda: SMTP.mails_to(email)))
        otp = password_in(SMTP.mails_to(email)[0])
        self.assertTrue(SERVER.login("on-record", otp).json()["user"]["must_change_password"])
        states = dict(SERVER.sql("SELECT username, state FROM registrations WHERE uscc = ?", uscc))
        self.assertEqual(states, {"claimer": "pending", "on-record": "approved"})
        # The unit sees the claimer's registration, for a code it holds that already has an account.
        [item] = [i for i in pending("shenzhen") if i["username"] == "claimer"]
        self.assertEqual((item["on_record"]["uscc"], item["has_account"]), (uscc, True))

    def test_a_code_held_elsewhere_cannot_be_approved_and_the_unit_is_told(self):
        held = SERVER.sql("SELECT uscc FROM enterprises WHERE unit_code = '440300' ORDER BY uscc DESC LIMIT 1")[0][0]
        self.assertEqual(register(registration(held, "wrong-unit", "w@wrong.example.cn")).status, 202)
        [item] = [i for i in pending("guangzhou") if i["username"] == "wrong-unit"]
        self.assertTrue(item["held_elsewhere"])
        self.assertIsNone(item["on_record"])
        r = SERVER.request("POST", f"/api/v1/registrations/{item['id']}/approve", SERVER.token("guangzhou"), body={})
        self.assertEqual((r.status, r.json()["error"]["code"]), (409, "uscc_unavailable"))
        self.assertEqual(SERVER.sql("SELECT COUNT(*) FROM users WHERE username = 'wrong-unit'")[0][0], 0)
        rejected = SERVER.request("POST", f"/api/v1/registrations/{item['id']}/reject", SERVER.token("guangzhou"),
                                  body={"reason": "该企业不属于广州市，请向所在地主管部门注册"})
        self.assertEqual((rejected.status, rejected.json()["state"]), (200, "rejected"))
        self.assertIsNotNone(within(15, lambda: SMTP.mails_to("w@wrong.example.cn")))
        mail = SMTP.mails_to("w@wrong.example.cn")[0]
        self.assertIn("注册未通过", mail["Subject"])
        self.assertIn("该企业不属于广州市", mail.get_content())


class C_BadInput(unittest.TestCase):
    def test_each_field_is_named_and_nothing_is_written(self):
        before = SERVER.sql("SELECT COUNT(*) FROM registrations")[0][0]
        for body, field in [
            (registration("91440100MA4AX2201X", "bad-code", "a@b.cn"), "uscc"),
            (registration(make_uscc("440100"), "bad-unit", "a@b.cn", unit="999999"), "unit_code"),
            (registration(make_uscc("440100"), "no-mail", ""), "contact_email"),
            (registration(make_uscc("440100"), "bad-mail", "a@b.cn\r\nBcc: x@y.cn"), "contact_email"),
            (registration(make_uscc("440100"), "a b", "a@b.cn"), "username"),
            (registration(make_uscc("440100"), "x-emp", "a@b.cn", employees="many"), "employees"),
            (dict(registration(make_uscc("440100"), "x-extra", "a@b.cn"), role="province"), "role"),
        ]:
            r = register(body)
            self.assertEqual(r.status, 422, (body, r))
            self.assertEqual(r.json()["error"]["field"], field, (body, r.json()))
        self.assertEqual(SERVER.sql("SELECT COUNT(*) FROM registrations")[0][0], before)
        for admin in ("enterprise", "association", "agency"):
            self.assertEqual(SERVER.request("GET", "/api/v1/registrations", SERVER.token(admin)).status, 403)
        self.assertEqual(SERVER.request("GET", "/api/v1/registrations?state=odd", SERVER.token("guangzhou")).status,
                         422)
        form = SERVER.request("GET", "/api/v1/registration-form")
        self.assertEqual(form.status, 200)
        self.assertIn({"code": "440100", "name": "广州市"}, form.json()["units"])

    def test_z_one_address_registers_at_most_five_times_an_hour(self):
        statuses = [register(registration(make_uscc("440100"), f"flood-{i}", f"f{i}@flood.example.cn")).status
                    for i in range(8)]
        self.assertIn(429, statuses)
        self.assertLessEqual(statuses.count(202), 5)


if __name__ == "__main__":
    unittest.main()
