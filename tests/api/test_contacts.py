#!/usr/bin/env python3
"""API tests of the contacts form (联系人表) for rongping (融评), run against a
real server: PUT/GET /api/v1/rounds/{round}/contacts/{unit} and the list and
exports at GET /api/v1/rounds/{round}/contacts?format=json|csv|xlsx.

Standard library only, like test_api.py and test_campaign.py: setUpModule
loads the default demo into a fresh SQLite file in a temporary directory,
starts `rongping serve` on an ephemeral port and waits for /healthz, then
creates the test rounds as the province admin (`guangdong`) with
"contacts_due"; tearDownModule stops the server with SIGTERM and checks that
it shut down gracefully.

    python3 tests/api/test_contacts.py -v

The binary is $RONGPING_BIN, or build/rongping of this repository.

Rounds: each test class that counts submissions has its own round, so the
classes can run alone and in any order. "Late" is judged against the real
date in China: a round due in 2020 makes every submission late, a round due
next year none.
"""

import csv
import datetime
import io
import os
import sys
import unittest
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, qs  # noqa: E402

MODEL_ID = "gbt23020-2013"

TODAY = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()
YEAR = TODAY.year
PAST_DUE = "2020-05-10"
FUTURE_DUE = f"{YEAR + 1}-05-10"

# The 22 reporting units of Guangdong that owe the form: 21 cities and 顺德区.
GD_UNITS = 22
ROLES = ("leader", "liaison", "platform_admin")
ROLE_LABELS = {"leader": "工作负责人", "liaison": "工作联系人",
               "platform_admin": "省级评估服务分平台管理员"}
FIELDS = ("name", "department_title", "phone", "fax", "mobile", "email")
CSV_HEADER = ["单位代码", "单位", "角色", "姓名", "部门及职务", "电话", "传真", "手机", "电子邮件",
              "填报人", "填报时间"]

SERVER = Server(str_body_type="application/json")


# --------------------------------------------------------------------------
# Server lifecycle (tests/api/harness.py)

def setUpModule():
    SERVER.start(setup=_put_rounds)


def _put_rounds():
    for code, due in ROUNDS.items():
        r = put_round(code, due)
        if r.status != 200:
            raise RuntimeError(f"PUT round {code} failed: {r!r}")


def tearDownModule():
    SERVER.stop()


# --------------------------------------------------------------------------
# HTTP helpers

def request(*a, **kw):
    return SERVER.request(*a, **kw)


token = SERVER.token


# --------------------------------------------------------------------------
# Rounds and forms

ROUNDS = {
    "c-roundtrip": FUTURE_DUE,
    "c-validation": FUTURE_DUE,
    "c-scope": FUTURE_DUE,
    "c-list": PAST_DUE,
    "c-ontime": FUTURE_DUE,
    "c-export": PAST_DUE,
}


def put_round(code, due):
    body = {"name": f"{YEAR}年联系人表测试周期（{code}）", "year": YEAR, "province_code": "440000",
            "models": [MODEL_ID], "opens_on": f"{YEAR}-01-01", "closes_on": f"{YEAR}-12-31",
            "deadline": f"{YEAR}-12-31", "contacts_due": due}
    return request("PUT", "/api/v1/rounds/" + code, token("guangdong"), body=body)


def person(name="高亚华", **changes):
    p = {"name": name, "department_title": "信息化推进处 主任科员", "phone": "020-83134276",
         "fax": "020-83134277", "mobile": "13800138000", "email": "gdxxhtj@163.com"}
    p.update(changes)
    return {k: v for k, v in p.items() if v is not ...}


def form(**roles):
    f = {"leader": person("郭 利", department_title="信息化和软件服务业司 处长",
                          phone="010-68208275", fax=None, email=None),
         "liaison": person(),
         "platform_admin": person("马冬妍", department_title="中国两化融合服务平台 管理员",
                                  phone="010-88686459", email="madongyan@cspiii.com")}
    f.update(roles)
    return f


def cpath(round_code, unit=None):
    base = f"/api/v1/rounds/{round_code}/contacts"
    return base + "/" + unit if unit else base


def put_contacts(user, round_code, unit, body):
    return request("PUT", cpath(round_code, unit), token(user), body=body)


def get_contacts(user, round_code, unit):
    return request("GET", cpath(round_code, unit), token(user))


def list_contacts(user, round_code, **params):
    return request("GET", qs(cpath(round_code), **params), token(user))


def audit_entries(round_code, unit):
    r = request("GET", qs("/api/v1/audit", object_type="contacts", object_id=f"{round_code}/{unit}"),
                token("ministry"))
    if r.status != 200:
        raise AssertionError(f"audit query failed: {r!r}")
    return r.json()["items"]


class ContactsTest(unittest.TestCase):
    maxDiff = None

    def assertError(self, r, status, code=None, field=None):
        """Checks the status and the contract's error body; returns the error."""
        self.assertEqual(r.status, status, f"expected {status}, got {r!r}")
        body = r.json()
        err = body.get("error")
        self.assertIsInstance(err, dict, f"no error object: {r!r}")
        self.assertRegex(err.get("code", ""), r"^[a-z][a-z0-9_]*$", r)
        self.assertTrue(err.get("message", "").strip(), f"empty message: {r!r}")
        if code is not None:
            self.assertEqual(err["code"], code, r)
        if field is not None:
            self.assertEqual(err.get("field"), field, r)
        return err

    def assertSameForm(self, got, sent):
        """The stored form equals what was sent: trimmed, empty as null."""
        for role in ROLES:
            self.assertIsInstance(got[role], dict, got)
            self.assertEqual(got[role]["role_label"], ROLE_LABELS[role])
            for f in FIELDS:
                want = sent[role].get(f)
                self.assertEqual(got[role][f], want if want not in ("", None) else None,
                                 f"{role}.{f}")

    def ensure_submitted(self, round_code, unit, user="guangdong", body=None):
        r = put_contacts(user, round_code, unit, body or form())
        self.assertEqual(r.status, 200, r)
        return r.json()


# --------------------------------------------------------------------------

class T01RoundTrip(ContactsTest):
    R = "c-roundtrip"

    def test_unit_admin_puts_and_everyone_over_it_reads(self):
        sent = form()
        r = put_contacts("guangzhou", self.R, "440100", sent)
        self.assertEqual(r.status, 200, r)
        put = r.json()
        self.assertEqual((put["round"], put["unit_code"], put["unit_name"]),
                         (self.R, "440100", "广州市"))
        self.assertTrue(put["submitted"])
        self.assertEqual(put["submitted_by"], "guangzhou")
        self.assertRegex(put["submitted_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
        self.assertFalse(put["late"])
        self.assertEqual(put["contacts_due"], FUTURE_DUE)
        self.assertSameForm(put, sent)
        for user in ("guangzhou", "guangdong", "ministry"):
            r = get_contacts(user, self.R, "440100")
            self.assertEqual(r.status, 200, (user, r))
            self.assertEqual(r.json(), put, user)

    def test_province_and_ministry_put_for_their_units(self):
        for user, unit, name in (("guangdong", "440300", "深圳市"), ("ministry", "440606", "顺德区"),
                                 ("shunde", "440606", "顺德区"), ("foshan", "440600", "佛山市")):
            r = put_contacts(user, self.R, unit, form())
            self.assertEqual(r.status, 200, (user, unit, r))
            self.assertEqual(r.json()["unit_name"], name)
            self.assertEqual(r.json()["submitted_by"], user)

    def test_replacing_changes_all_three_and_keeps_first_time(self):
        first = self.ensure_submitted(self.R, "440400")
        new = form(leader=person("张三", department_title="办公室主任", phone=None, fax=None,
                                 mobile="13912345678", email=None),
                   liaison=person("李四", phone="0756-2123456", mobile="", email="li4@zh.gov.cn"),
                   platform_admin=person("王五", fax="0756-2123457"))
        r = put_contacts("guangdong", self.R, "440400", new)
        self.assertEqual(r.status, 200, r)
        got = get_contacts("guangdong", self.R, "440400").json()
        self.assertSameForm(got, new)
        self.assertEqual(got["submitted_at"], first["submitted_at"])
        # The audit trail holds both saves with before and after.
        entries = audit_entries(self.R, "440400")
        self.assertEqual(len(entries), 2, entries)
        latest, earliest = entries
        self.assertEqual({e["action"] for e in entries}, {"contacts.put"})
        self.assertEqual({e["object_type"] for e in entries}, {"contacts"})
        self.assertIsNone(earliest["before"])
        self.assertEqual(latest["before"]["leader"]["name"], "郭 利")
        self.assertEqual(latest["after"]["leader"]["name"], "张三")
        self.assertEqual(latest["actor"], "guangdong")
        self.assertEqual(latest["request_id"], r.headers.get("X-Request-Id"))

    def test_values_are_trimmed_and_full_width_digits_read(self):
        sent = form(liaison=person("  高亚华\u3000", phone="０２０－８３１３４２７６", mobile=None))
        r = put_contacts("guangdong", self.R, "440500", sent)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["liaison"]["name"], "高亚华")
        self.assertEqual(r.json()["liaison"]["phone"], "020-83134276")
        self.assertIsNone(r.json()["liaison"]["mobile"])

    def test_unsubmitted_unit_in_scope_reads_as_not_submitted(self):
        r = get_contacts("guangdong", self.R, "445300")
        self.assertEqual(r.status, 200, r)
        body = r.json()
        self.assertFalse(body["submitted"])
        self.assertEqual(body["unit_name"], "云浮市")
        for role in ROLES:
            self.assertIsNone(body[role])
        self.assertIsNone(body["submitted_at"])


# --------------------------------------------------------------------------

class T02Validation(ContactsTest):
    R = "c-validation"
    UNIT = "440100"

    def setUp(self):
        self.before = self.ensure_submitted(self.R, self.UNIT, "guangzhou")
        self.audit_before = len(audit_entries(self.R, self.UNIT))

    def assertNothingWritten(self):
        self.assertEqual(get_contacts("guangzhou", self.R, self.UNIT).json(), self.before)
        self.assertEqual(len(audit_entries(self.R, self.UNIT)), self.audit_before)

    def test_each_field_problem_is_422_naming_the_field(self):
        cases = [
            ("leader", "name", "高", "invalid_field"),
            ("leader", "name", "一二三四五六七八九十一二三四五六七八九十一", "invalid_field"),
            ("leader", "name", "高\u0007亚华", "invalid_field"),
            ("leader", "name", "", "missing_field"),
            ("leader", "name", ..., "missing_field"),
            ("leader", "name", 7, "wrong_type"),
            ("liaison", "department_title", "", "missing_field"),
            ("liaison", "department_title", "处" * 51, "invalid_field"),
            ("liaison", "phone", "83134276", "invalid_field"),
            ("liaison", "phone", "020 83134276", "invalid_field"),
            ("liaison", "phone", "020-8313427a", "invalid_field"),
            ("liaison", "fax", "传真号", "invalid_field"),
            ("liaison", "fax", "020-12", "invalid_field"),
            ("platform_admin", "mobile", "12800138000", "invalid_field"),
            ("platform_admin", "mobile", "1380013800", "invalid_field"),
            ("platform_admin", "mobile", "138001380001", "invalid_field"),
            ("platform_admin", "mobile", 13800138000, "wrong_type"),
            ("platform_admin", "email", "madongyan", "invalid_field"),
            ("platform_admin", "email", "ma@cspiii", "invalid_field"),
            ("platform_admin", "email", "ma dongyan@cspiii.com", "invalid_field"),
            ("platform_admin", "email", "马@cspiii.com", "invalid_field"),
            ("platform_admin", "wechat", "madongyan", "unknown_field"),
        ]
        for role, field, value, code in cases:
            with self.subTest(role=role, field=field, value=value):
                body = form()
                if value is ...:
                    del body[role][field]
                else:
                    body[role][field] = value
                r = put_contacts("guangzhou", self.R, self.UNIT, body)
                err = self.assertError(r, 422, code, f"{role}.{field}")
                # One problem: the field names it; details only list several.
                for d in err.get("details", []):
                    self.assertEqual(d["field"], f"{role}.{field}")
        self.assertNothingWritten()

    def test_phone_or_mobile_required(self):
        body = form(leader=person(phone=None, mobile=""))
        r = put_contacts("guangzhou", self.R, self.UNIT, body)
        err = self.assertError(r, 422, "missing_field", "leader.phone")
        self.assertIn("工作负责人", err["message"])
        self.assertNothingWritten()

    def test_every_problem_is_listed_in_details(self):
        body = {"leader": {"name": "x", "department_title": "", "phone": "123", "email": "no"},
                "liaison": {"name": "高亚华", "department_title": "处长"},
                "platform_admin": {"name": "马冬妍", "department_title": "平台",
                                   "mobile": "1", "fax": "x", "qq": "1"}}
        r = put_contacts("guangzhou", self.R, self.UNIT, body)
        err = self.assertError(r, 422)
        fields = [d["field"] for d in err["details"]]
        self.assertEqual(set(fields), {"leader.name", "leader.department_title", "leader.phone",
                                       "leader.email", "liaison.phone", "platform_admin.mobile",
                                       "platform_admin.fax", "platform_admin.qq"}, err)
        self.assertEqual(len(fields), 8, err)
        self.assertIn(err["field"], fields)
        for d in err["details"]:
            self.assertTrue(d["message"].strip(), d)
            self.assertRegex(d["message"], r"[\u4e00-\u9fff]", d)  # 中文
        self.assertNothingWritten()

    def test_missing_roles_and_unknown_members(self):
        r = put_contacts("guangzhou", self.R, self.UNIT, {"leader": form()["leader"]})
        err = self.assertError(r, 422)
        self.assertEqual({d["field"] for d in err["details"]}, {"liaison", "platform_admin"})
        r = put_contacts("guangzhou", self.R, self.UNIT, dict(form(), deputy=person()))
        self.assertError(r, 422, "unknown_field", "deputy")
        r = put_contacts("guangzhou", self.R, self.UNIT, dict(form(), liaison="高亚华"))
        self.assertError(r, 422, "wrong_type", "liaison")
        self.assertNothingWritten()

    def test_bad_bodies_are_400(self):
        for body in ("{", "[]", "\"text\"", b"\xff\xfe"):
            r = put_contacts("guangzhou", self.R, self.UNIT, body)
            self.assertError(r, 400, "invalid_json")
        self.assertNothingWritten()

    def test_invalid_first_submission_leaves_unit_unsubmitted(self):
        r = put_contacts("guangdong", self.R, "441200", form(leader=person(mobile="1")))
        self.assertError(r, 422, "invalid_field", "leader.mobile")
        got = get_contacts("guangdong", self.R, "441200").json()
        self.assertFalse(got["submitted"])
        self.assertEqual(audit_entries(self.R, "441200"), [])
        listed = list_contacts("guangdong", self.R).json()
        self.assertIn("441200", [m["unit_code"] for m in listed["missing"]])


# --------------------------------------------------------------------------

class T03Scope(ContactsTest):
    R = "c-scope"

    def test_unit_admin_cannot_reach_another_unit(self):
        self.ensure_submitted(self.R, "440300", "shenzhen")
        r = put_contacts("guangzhou", self.R, "440300", form(leader=person("冒名者")))
        self.assertError(r, 404, "not_found")
        self.assertError(get_contacts("guangzhou", self.R, "440300"), 404, "not_found")
        self.assertEqual(get_contacts("shenzhen", self.R, "440300").json()["leader"]["name"], "郭 利")
        # An invalid body out of scope is still 404: nothing is revealed.
        self.assertError(put_contacts("guangzhou", self.R, "440300", {"leader": 1}), 404)

    def test_foshan_does_not_reach_shunde(self):
        # 顺德区 lies inside 佛山 but reports to the province.
        self.assertError(put_contacts("foshan", self.R, "440606", form()), 404)
        self.assertError(get_contacts("foshan", self.R, "440606"), 404)
        self.assertEqual(get_contacts("shunde", self.R, "440606").status, 200)

    def test_units_the_round_does_not_ask_are_404(self):
        for unit in ("440000", "999999", "110000", "44010"):
            self.assertError(put_contacts("guangdong", self.R, unit, form()), 404)
            self.assertError(get_contacts("ministry", self.R, unit), 404)

    def test_unknown_round_is_404(self):
        self.assertError(put_contacts("guangdong", "c-nope", "440100", form()), 404, "not_found")
        self.assertError(get_contacts("guangzhou", "c-nope", "440100"), 404, "not_found")
        self.assertError(list_contacts("guangdong", "c-nope"), 404, "not_found")

    def test_other_roles_are_403(self):
        for user in ("enterprise", "agency", "association"):
            with self.subTest(user=user):
                self.assertError(put_contacts(user, self.R, "440100", form()), 403, "forbidden")
                self.assertError(get_contacts(user, self.R, "440100"), 403, "forbidden")
                self.assertError(list_contacts(user, self.R), 403, "forbidden")
                self.assertError(list_contacts(user, self.R, format="csv"), 403, "forbidden")

    def test_login_required(self):
        self.assertError(request("GET", cpath(self.R)), 401)
        self.assertError(request("GET", cpath(self.R, "440100")), 401)
        self.assertError(request("PUT", cpath(self.R, "440100"), body=form()), 401)

    def test_unit_admin_lists_only_its_own_unit(self):
        self.ensure_submitted(self.R, "440300", "shenzhen")
        body = list_contacts("shenzhen", self.R).json()
        self.assertEqual([i["unit_code"] for i in body["items"]], ["440300"])
        self.assertEqual(body["missing"], [])
        self.assertEqual(body["summary"]["units"], 1)
        body = list_contacts("guangzhou", self.R).json()
        self.assertEqual(body["summary"]["units"], 1)
        self.assertTrue(all(m["unit_code"] == "440100" for m in body["missing"]), body)
        self.assertTrue(all(i["unit_code"] == "440100" for i in body["items"]), body)
        r = list_contacts("guangzhou", self.R, format="csv")
        self.assertEqual(r.status, 200, r)
        self.assertNotIn("440300", r.text)


# --------------------------------------------------------------------------

class T04List(ContactsTest):
    def test_province_lists_missing_and_late_units(self):
        R = "c-list"  # due 2020-05-10: whatever is submitted now is late
        self.ensure_submitted(R, "440100", "guangzhou")
        self.ensure_submitted(R, "440606", "shunde")
        r = list_contacts("guangdong", R)
        self.assertEqual(r.status, 200, r)
        body = r.json()
        self.assertEqual(body["round"], R)
        self.assertEqual(body["province_code"], "440000")
        self.assertEqual(body["contacts_due"], PAST_DUE)
        self.assertEqual(body["as_of"], TODAY.isoformat())
        self.assertTrue(body["due_passed"])
        self.assertEqual(body["summary"], {"units": GD_UNITS, "submitted": 2,
                                           "missing": GD_UNITS - 2, "late": 2})
        self.assertEqual([i["unit_code"] for i in body["items"]], ["440100", "440606"])
        for item in body["items"]:
            self.assertTrue(item["late"])
            self.assertEqual(set(ROLES) - set(item), set())
        missing = {m["unit_code"]: m for m in body["missing"]}
        self.assertEqual(len(missing), GD_UNITS - 2)
        self.assertNotIn("440000", missing)
        self.assertEqual(missing["440300"]["unit_name"], "深圳市")
        self.assertEqual(missing["440600"]["unit_name"], "佛山市")
        self.assertTrue(all(m["overdue"] for m in missing.values()))
        self.assertEqual([(l["unit_code"], l["unit_name"]) for l in body["late"]],
                         [("440100", "广州市"), ("440606", "顺德区")])
        # The ministry sees the same; as_of before the due date: nobody overdue.
        m = list_contacts("ministry", R, as_of="2020-05-01").json()
        self.assertEqual(m["summary"], body["summary"])
        self.assertFalse(m["due_passed"])
        self.assertFalse(any(x["overdue"] for x in m["missing"]))

    def test_on_time_when_due_date_is_ahead(self):
        R = "c-ontime"
        self.ensure_submitted(R, "440300", "shenzhen")
        body = list_contacts("guangdong", R).json()
        self.assertEqual(body["late"], [])
        self.assertFalse(body["due_passed"])
        self.assertFalse(body["items"][0]["late"])
        self.assertFalse(any(m["overdue"] for m in body["missing"]))
        self.assertEqual(body["summary"]["missing"], GD_UNITS - 1)

    def test_bad_parameters(self):
        self.assertError(list_contacts("guangdong", "c-list", format="pdf"), 422,
                         "invalid_parameter", "format")
        self.assertError(list_contacts("guangdong", "c-list", as_of="yesterday"), 422,
                         "invalid_parameter", "as_of")


# --------------------------------------------------------------------------

class T05Export(ContactsTest):
    R = "c-export"

    @classmethod
    def setUpClass(cls):
        for user, unit in (("guangzhou", "440100"), ("shenzhen", "440300")):
            r = put_contacts(user, cls.R, unit, form())
            if r.status != 200:
                raise AssertionError(f"PUT contacts {unit} failed: {r!r}")

    def test_json_is_the_default(self):
        a = list_contacts("guangdong", self.R)
        b = list_contacts("guangdong", self.R, format="json")
        self.assertEqual(a.status, 200)
        self.assertEqual(a.json(), b.json())
        self.assertTrue(a.headers["Content-Type"].startswith("application/json"))

    def test_csv_one_row_per_unit_and_role(self):
        r = list_contacts("guangdong", self.R, format="csv")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.headers["Content-Type"].startswith("text/csv"), r.headers)
        ascii_name, name = r.download_names()
        self.assertRegex(ascii_name, rf"^contacts-{self.R}-\d{{4}}-\d\d-\d\d\.csv$")
        self.assertRegex(name, r"地方联系人报送情况（截至\d{4}年\d{1,2}月\d{1,2}日）\.csv$")
        self.assertTrue(r.body.startswith(b"\xef\xbb\xbf"), r.body[:10])
        text = r.body[3:].decode("utf-8")
        self.assertTrue(text.endswith("\r\n"))
        self.assertNotIn("\n", text.replace("\r\n", ""))
        rows = list(csv.reader(io.StringIO(text, newline="")))
        self.assertEqual(rows[0], CSV_HEADER)
        self.assertEqual(len(rows), 1 + 2 * 3, rows)
        self.assertEqual([(x[0], x[2]) for x in rows[1:]],
                         [("440100", ROLE_LABELS[r]) for r in ROLES] +
                         [("440300", ROLE_LABELS[r]) for r in ROLES])
        leader = rows[1]
        self.assertEqual(leader[1], "广州市")
        self.assertEqual(leader[3:9], ["郭 利", "信息化和软件服务业司 处长", "010-68208275", "",
                                       "13800138000", ""])
        self.assertEqual(leader[9], "guangzhou")
        self.assertRegex(leader[10], r"^\d{4}-\d\d-\d\d \d\d:\d\d$")
        self.assertEqual(rows[6][9], "shenzhen")

    def test_xlsx_in_the_forms_layout(self):
        r = list_contacts("guangdong", self.R, format="xlsx")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers["Content-Type"],
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        self.assertRegex(r.download_names()[0], rf"^contacts-{self.R}-\d{{4}}-\d\d-\d\d\.xlsx$")
        self.assertRegex(r.download_names()[1], r"地方联系人报送情况（截至\d{4}年\d{1,2}月\d{1,2}日）\.xlsx$")
        z = zipfile.ZipFile(io.BytesIO(r.body))
        workbook = z.read("xl/workbook.xml").decode("utf-8")
        self.assertIn("联系人表", workbook)
        self.assertIn("报送情况", workbook)
        strings = z.read("xl/sharedStrings.xml").decode("utf-8")
        for text in ("两化融合评估诊断和对标引导工作地方联系人表", "单位", "工作负责人", "工作联系人",
                     "省级评估服务分平台管理员", "姓名", "部门及职务", "电话", "传真", "手机",
                     "电子邮件", "广州市（440100）", "深圳市（440300）", "郭 利", "马冬妍",
                     "madongyan@cspiii.com", "020-83134276", "未报送", "逾期报送"):
            self.assertIn(text, strings)
        # The form lays out 单位, then per role a heading and three lines of
        # two label/value pairs: 姓名 | 部门及职务, 电话 | 传真, 手机 | 电子邮件.
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
        self.assertIn("<mergeCell", sheet)

    def test_unit_admin_exports_its_own_unit(self):
        r = list_contacts("shenzhen", self.R, format="csv")
        rows = list(csv.reader(io.StringIO(r.body[3:].decode("utf-8"), newline="")))
        self.assertEqual({x[0] for x in rows[1:]}, {"440300"})
        r = list_contacts("shenzhen", self.R, format="xlsx")
        self.assertEqual(r.status, 200)
        strings = zipfile.ZipFile(io.BytesIO(r.body)).read("xl/sharedStrings.xml").decode("utf-8")
        self.assertNotIn("广州市", strings)


if __name__ == "__main__":
    unittest.main()
