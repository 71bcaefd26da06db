#!/usr/bin/env python3
"""督办 reminders (POST/GET /api/v1/rounds/{round}/reminders, the notices
they leave) on the trial scenario, with the server e-mailing through a real
SMTP server on loopback (Debian's aiosmtpd, writing every message it
accepts into a maildir that the tests read back): a reminder reaches the
enterprise by mail and in the app, is not repeated within the day, can be
scheduled and cancelled, stays in the sender's region, is rate-limited per
sender, and reaches the units that owe the 联系人表.

Runs on SQLite, and on PostgreSQL with RONGPING_API_PG (scripts/test).

    python3 tests/api/test_reminders.py -v
"""
import io
import os
import sys
import time
import unittest
import zipfile
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, SmtpSink, within  # noqa: E402

SMTP = SmtpSink()
SERVER = Server(serve_args=SMTP.smtp_args())
YEAR = datetime.now(timezone(timedelta(hours=8))).year
ROUND = f"trial-{YEAR}"


def setUpModule():
    SMTP.start()
    SERVER.start("trial")


def tearDownModule():
    SERVER.stop()
    SMTP.stop()


mails = SMTP.mails
mails_to = SMTP.mails_to


def remind(user, **body):
    return SERVER.request("POST", f"/api/v1/rounds/{ROUND}/reminders", SERVER.token(user), body=body)


def enterprise(username):
    """(USCC, name, contact e-mail) of an enterprise account's enterprise."""
    return tuple(SERVER.sql("SELECT e.uscc, e.name, e.contact_email FROM users u JOIN enterprises e ON "
                            "e.uscc = u.scope_code WHERE u.username = ?", username)[0])


def not_started_in(unit, count):
    """USCCs of enterprises of `unit` with no assessment in ROUND, by code."""
    rows = SERVER.sql("SELECT e.uscc FROM enterprises e WHERE e.unit_code = ? AND NOT EXISTS (SELECT 1 FROM "
                      "assessments a WHERE a.uscc = e.uscc AND a.round_code = ?) ORDER BY e.uscc", unit, ROUND)
    return [r[0] for r in rows[:count]]


def batch(user, id):
    return SERVER.request("GET", f"/api/v1/rounds/{ROUND}/reminders/{id}", SERVER.token(user))


class A_Delivery(unittest.TestCase):
    def test_a_reminder_reaches_the_enterprise_by_mail_and_in_the_app(self):
        uscc, name, address = enterprise("newcomer")
        r = remind("guangzhou", recipients=[uscc], message="请各企业高度重视。\n联系电话：020-12345678")
        self.assertEqual(r.status, 201, r)
        sent = r.json()
        self.assertEqual((sent["state"], sent["reminded"], sent["skipped"], sent["not_outstanding"]),
                         ("sent", 1, 0, 0))
        self.assertEqual(sent["mail"]["queued"], 1)
        self.assertIsNotNone(within(15, lambda: mails_to(address)), "the e-mail reached the SMTP server")
        [m] = mails_to(address)
        self.assertEqual(m["To"].addresses[0].addr_spec, address)
        self.assertEqual(m["From"].addresses[0].addr_spec, "noreply@rongping.example.cn")
        self.assertEqual(m["From"].addresses[0].display_name, "两化融合评估诊断和对标引导平台")
        self.assertIn("【督办提醒】", m["Subject"])
        self.assertIn(f"{YEAR}年两化融合评估", m["Subject"])
        text = m.get_content()
        for part in (name, "尚未开始填报评估问卷", f"{YEAR}年12月31日", "https://rongping.example.cn",
                     "请各企业高度重视。", "联系电话：020-12345678", "广州市"):
            self.assertIn(part, text)
        # Recorded as sent, recipient by recipient.
        self.assertIsNotNone(within(10, lambda: batch("guangzhou", sent["id"]).json()["mail"]["sent"] == 1))
        [item] = batch("guangzhou", sent["id"]).json()["items"]
        self.assertEqual((item["recipient"], item["state"], item["email"], item["mail_state"]),
                         (uscc, "not_started", address, "sent"))
        self.assertIsNotNone(item["mail_sent_at"])
        # In the app: the enterprise's notice, unread, then read.
        notices = SERVER.request("GET", "/api/v1/notices", SERVER.token("newcomer")).json()
        self.assertEqual(notices["unread"], 1)
        self.assertEqual(notices["items"][0]["subject"], m["Subject"])
        self.assertIn("尚未开始填报评估问卷", notices["items"][0]["body"])
        id = notices["items"][0]["id"]
        self.assertEqual(SERVER.request("POST", f"/api/v1/notices/{id}/read", SERVER.token("newcomer")).status, 200)
        self.assertEqual(SERVER.request("GET", "/api/v1/notices", SERVER.token("newcomer")).json()["unread"], 0)
        # Another enterprise cannot read it, nor mark it.
        self.assertEqual(SERVER.request("GET", "/api/v1/notices", SERVER.token("returned")).json()["items"], [])
        self.assertEqual(SERVER.request("POST", f"/api/v1/notices/{id}/read", SERVER.token("returned")).status, 404)

    def test_b_not_repeated_within_the_day_by_anyone(self):
        uscc, _, address = enterprise("newcomer")
        for sender in ("guangzhou", "guangdong"):
            r = remind(sender, recipients=[uscc])
            self.assertEqual(r.status, 201, r)
            self.assertEqual((r.json()["reminded"], r.json()["skipped"]), (0, 1))
        time.sleep(1.5)  # the outbox would have sent anything queued by now
        self.assertEqual(len(mails_to(address)), 1)
        record = SERVER.request("GET", f"/api/v1/rounds/{ROUND}/reminders?recipient={uscc}", SERVER.token("guangzhou"))
        self.assertEqual(record.status, 200, record)
        self.assertEqual(len(record.json()["items"]), 1)

    def test_c_a_kind_of_outstanding_in_the_region(self):
        uscc, _, address = enterprise("returned")
        r = remind("guangzhou", states=["rejected"])
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["reminded"], 1)
        self.assertIsNotNone(within(15, lambda: mails_to(address)))
        self.assertIn("提交的评估已被退回，尚未修改后重新提交", mails_to(address)[0].get_content())
        items = batch("guangzhou", r.json()["id"]).json()["items"]
        self.assertEqual([(i["recipient"], i["state"]) for i in items], [(uscc, "rejected")])
        listed = SERVER.request("GET", f"/api/v1/rounds/{ROUND}/reminders", SERVER.token("guangzhou")).json()
        self.assertTrue(listed["mail_enabled"])
        self.assertIn(r.json()["id"], [b["id"] for b in listed["items"]])

    def test_d_the_outstanding_list_and_its_workbook_say_when_each_was_last_reminded(self):
        uscc, name, _ = enterprise("newcomer")
        last = SERVER.sql("SELECT MAX(created_at) FROM reminders WHERE recipient = ?", uscc)[0][0]
        items = SERVER.request("GET", f"/api/v1/rounds/{ROUND}/outstanding?unit=440100&per_page=500",
                               SERVER.token("guangzhou")).json()["items"]
        by_uscc = {i["uscc"]: i for i in items}
        self.assertEqual(by_uscc[uscc]["reminded_at"], last)
        reminded = {u for (u,) in SERVER.sql("SELECT DISTINCT recipient FROM reminders WHERE round_code = ?", ROUND)}
        self.assertTrue(all(i["reminded_at"] is None for i in items if i["uscc"] not in reminded))
        r = SERVER.request("GET", f"/api/v1/rounds/{ROUND}/outstanding?unit=440100&format=xlsx",
                           SERVER.token("guangzhou"))
        with zipfile.ZipFile(io.BytesIO(r.body)) as z:
            strings = z.read("xl/sharedStrings.xml").decode("utf-8")
        day = datetime.fromisoformat(last.replace("Z", "+00:00")).astimezone(timezone(timedelta(hours=8)))
        self.assertIn("最近提醒", strings)
        self.assertIn(f"{day.year}年{day.month}月{day.day}日", strings)
        self.assertIn(name, strings)


class B_Scope(unittest.TestCase):
    def test_another_city_neither_reminds_nor_sees(self):
        uscc, _, _ = enterprise("enterprise")  # 广州
        before = SERVER.sql("SELECT COUNT(*) FROM reminders")[0][0]
        r = remind("shenzhen", recipients=[uscc])
        self.assertEqual(r.status, 201, r)
        self.assertEqual((r.json()["reminded"], r.json()["not_outstanding"]), (0, 1))
        self.assertEqual(SERVER.sql("SELECT COUNT(*) FROM reminders")[0][0], before)
        r = remind("shenzhen", unit="440100", recipients=[uscc])
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.json()["error"]["field"], "unit")
        mine = remind("guangzhou", recipients=not_started_in("440100", 3)[2:])
        self.assertEqual(mine.status, 201, mine)
        self.assertEqual(batch("shenzhen", mine.json()["id"]).status, 404)
        self.assertEqual(SERVER.request("DELETE", f"/api/v1/rounds/{ROUND}/reminders/{mine.json()['id']}",
                                        SERVER.token("shenzhen")).status, 404)
        shenzhen_list = SERVER.request("GET", f"/api/v1/rounds/{ROUND}/reminders", SERVER.token("shenzhen")).json()
        self.assertNotIn(mine.json()["id"], [b["id"] for b in shenzhen_list["items"]])
        newcomer, _, _ = enterprise("newcomer")
        seen = SERVER.request("GET", f"/api/v1/rounds/{ROUND}/reminders?recipient={newcomer}",
                              SERVER.token("shenzhen"))
        self.assertEqual((seen.status, seen.json()["items"]), (200, []))

    def test_only_region_admins_send(self):
        for user in ("enterprise", "association", "agency"):
            r = remind(user, recipients=[])
            self.assertEqual(r.status, 403, (user, r))

    def test_bad_requests_name_their_field_and_write_nothing(self):
        before = SERVER.sql("SELECT COUNT(*) FROM reminder_batches")[0][0]
        past = (datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat()
        after_close = f"{YEAR + 1}-01-02T09:00:00+08:00"
        cases = [({"target": "everyone"}, "target"), ({"states": ["waiting_review"]}, "states"),
                 ({"states": ["finished"]}, "states"), ({"states": "draft"}, "states"),
                 ({"recipients": [1]}, "recipients"), ({"recipients": ["<script>"]}, "recipients"),
                 ({"message": "很" * 501}, "message"), ({"message": "a\x07b"}, "message"),
                 ({"at": "tomorrow"}, "at"), ({"at": past}, "at"), ({"at": after_close}, "at"),
                 ({"target": "contacts", "states": ["draft"]}, "states"), ({"colour": "red"}, None)]
        for body, field in cases:
            r = remind("guangzhou", **body)
            self.assertEqual(r.status, 422, (body, r))
            if field:
                self.assertEqual(r.json()["error"]["field"], field, (body, r.json()))
        self.assertEqual(SERVER.sql("SELECT COUNT(*) FROM reminder_batches")[0][0], before)
        self.assertEqual(SERVER.request("POST", f"/api/v1/rounds/gd-2016/reminders", SERVER.token("guangzhou"),
                                        body={}).json()["error"]["field"], "round")  # closed in 2016


class C_Schedule(unittest.TestCase):
    def test_a_scheduled_reminder_goes_at_its_time_and_one_can_be_cancelled(self):
        [uscc] = not_started_in("440100", 5)[4:5]
        address = SERVER.sql("SELECT contact_email FROM enterprises WHERE uscc = ?", uscc)[0][0]
        at = (datetime.now(timezone.utc) + timedelta(seconds=3)).isoformat()
        r = remind("guangzhou", recipients=[uscc], at=at)
        self.assertEqual(r.status, 201, r)
        self.assertEqual((r.json()["state"], r.json()["reminded"]), ("scheduled", 0))
        self.assertEqual(mails_to(address), [])
        self.assertIsNotNone(within(20, lambda: mails_to(address)), "sent at its time")
        done = batch("guangzhou", r.json()["id"]).json()
        self.assertEqual((done["state"], done["reminded"]), ("sent", 1))
        later = (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()
        r = remind("guangzhou", recipients=[uscc], at=later)
        path = f"/api/v1/rounds/{ROUND}/reminders/{r.json()['id']}"
        cancelled = SERVER.request("DELETE", path, SERVER.token("guangzhou"))
        self.assertEqual((cancelled.status, cancelled.json()["state"]), (200, "cancelled"))
        self.assertEqual(SERVER.request("DELETE", path, SERVER.token("guangzhou")).status, 409)
        trail = SERVER.sql("SELECT action FROM audit_log WHERE object_type = 'reminder_batch' AND object_id = ?",
                           str(r.json()["id"]))
        self.assertEqual(sorted(a for (a,) in trail), ["reminders.cancel", "reminders.send"])


class D_Limits(unittest.TestCase):
    def test_a_sender_is_limited_per_hour(self):
        SERVER.user_add("foshan-busy", "unit", "440600")
        elsewhere = enterprise("enterprise")[0]  # not in 佛山: reminds nobody, still a batch
        for i in range(10):
            r = remind("foshan-busy", recipients=[elsewhere])
            self.assertEqual(r.status, 201, (i, r))
        r = remind("foshan-busy", recipients=[elsewhere])
        self.assertEqual(r.status, 429, r)
        self.assertGreater(int(r.headers["Retry-After"]), 3000)
        self.assertEqual(remind("foshan", recipients=[elsewhere]).status, 201, "another sender is not limited")


class E_Contacts(unittest.TestCase):
    def test_units_owing_the_contacts_form_are_reminded(self):
        SERVER.sql("UPDATE rounds SET contacts_due = ? WHERE code = ?", f"{YEAR}-12-31", ROUND)
        SERVER.user_add("foshan-liaison", "unit", "440600", email="liaison@foshan.example.cn")
        r = remind("guangdong", target="contacts", recipients=["440600"])
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["reminded"], 1)
        self.assertIsNotNone(within(15, lambda: mails_to("liaison@foshan.example.cn")))
        m = mails_to("liaison@foshan.example.cn")[0]
        self.assertIn("联系人表", m["Subject"])
        self.assertIn("佛山市", m.get_content())
        notices = SERVER.request("GET", "/api/v1/notices", SERVER.token("foshan")).json()
        self.assertTrue(any("联系人表" in n["subject"] for n in notices["items"]), notices)
        self.assertEqual(SERVER.request("GET", "/api/v1/notices", SERVER.token("shenzhen")).json()["items"], [])


if __name__ == "__main__":
    unittest.main()
