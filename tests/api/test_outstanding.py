#!/usr/bin/env python3
"""督办 (GET /api/v1/rounds/{round}/outstanding) on the guangdong-2016
scenario: who has not done their part yet, counted as the database says, in
the caller's region only, page by page and as a workbook to telephone from.

Runs on SQLite, and on PostgreSQL with RONGPING_API_PG (scripts/test).

    python3 tests/api/test_outstanding.py -v
"""
import io
import os
import re
import sys
import unittest
import urllib.parse
import zipfile
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, qs  # noqa: E402

SERVER = Server()
ROUND = "gd-2016"
STATES = ["not_started", "draft", "rejected", "waiting_review"]


def setUpModule():
    SERVER.start("guangdong-2016")


def tearDownModule():
    SERVER.stop()


def outstanding(user, **params):
    return SERVER.request("GET", qs(f"/api/v1/rounds/{ROUND}/outstanding", **params), SERVER.token(user))


def expected_counts(unit, waiting_days=7):
    """Each kind, counted in SQL from the tables over the unit's subtree."""
    path = SERVER.sql("SELECT path FROM units WHERE code = ?", unit)[0][0]
    cutoff = (datetime.now(timezone.utc) - timedelta(days=waiting_days)).strftime("%Y-%m-%dT%H:%M:%S")
    rows = SERVER.sql(
        "SELECT CASE WHEN a.id IS NULL THEN 'not_started' WHEN a.status IN ('draft', 'rejected') THEN a.status "
        "WHEN a.status = 'submitted' AND a.submitted_at < ? THEN 'waiting_review' ELSE '' END AS s, COUNT(*) "
        "FROM enterprises e LEFT JOIN assessments a ON a.uscc = e.uscc AND a.round_code = ? "
        "WHERE e.unit_code IN (SELECT code FROM units WHERE path LIKE ? || '%') GROUP BY s", cutoff, ROUND, path)
    return {state: n for state, n in rows if state}


class OutstandingTest(unittest.TestCase):
    def test_the_counts_are_the_tables_and_every_row_is_in_the_region(self):
        r = outstanding("guangzhou", per_page=500)
        self.assertEqual(r.status, 200, r)
        body = r.json()
        self.assertEqual(body["region_name"], "广州市")
        want = expected_counts("440100")
        self.assertEqual({k: v for k, v in body["counts"].items() if v}, want)
        self.assertTrue(all(want.get(s) for s in STATES), f"the scenario has every kind: {want}")
        self.assertEqual(body["total"], sum(want.values()))
        items = body["items"]
        self.assertEqual(len(items), min(500, body["total"]))
        self.assertTrue(all(i["unit_name"] == "广州市" for i in items), {i["unit_name"] for i in items})
        # Not started first, then drafts, sent back, waiting.
        order = [STATES.index(i["state"]) for i in items]
        self.assertEqual(order, sorted(order))
        labels = {i["state"]: i["state_label"] for i in items}
        self.assertEqual(labels.get("not_started"), "未开始填报")
        self.assertIsNone(next(i for i in items if i["state"] == "not_started")["since"])

    def test_one_kind_a_page_at_a_time(self):
        all_rejected = outstanding("guangdong", state="rejected", per_page=500).json()
        self.assertEqual(all_rejected["total"], expected_counts("440000")["rejected"])
        self.assertTrue(all(i["state"] == "rejected" for i in all_rejected["items"]))
        self.assertEqual(all_rejected["items"][0]["state_label"], "已退回未重新提交")
        pages = []
        for page in (1, 2):
            r = outstanding("guangdong", state="rejected", per_page=20, page=page)
            self.assertEqual(r.status, 200, r)
            pages += [i["uscc"] for i in r.json()["items"]]
        self.assertEqual(pages, [i["uscc"] for i in all_rejected["items"][:40]])
        # Waiting: every 2016 submission has waited more than a year.
        waiting = outstanding("guangdong", state="waiting_review", waiting_days=365).json()
        self.assertEqual(waiting["total"], expected_counts("440000", 365)["waiting_review"])
        self.assertEqual(waiting["items"][0]["state_label"], "已提交待审核超过 365 天")

    def test_scope_and_parameters(self):
        # A city never sees another city's enterprises, by asking for its unit or otherwise.
        for user, params in (("shenzhen", {"unit": "440100"}), ("guangzhou", {"unit": "440000"}),
                             ("guangzhou", {"unit": "450000"}), ("guangzhou", {"unit": "999999"})):
            r = outstanding(user, **params)
            self.assertEqual((r.status, r.json()["error"]["field"]), (422, "unit"), (user, params, r))
        shenzhen = outstanding("shenzhen", per_page=500).json()
        self.assertTrue(all(i["unit_code"].startswith("4403") for i in shenzhen["items"]))
        for params, field in (({"state": "late"}, "state"), ({"waiting_days": "366"}, "waiting_days"),
                              ({"waiting_days": "-1"}, "waiting_days"), ({"format": "pdf"}, "format"),
                              ({"per_page": "501"}, "per_page")):
            r = outstanding("guangdong", **params)
            self.assertEqual((r.status, r.json()["error"]["field"]), (422, field), (params, r))
        self.assertEqual(outstanding("enterprise").status, 403)
        self.assertEqual(outstanding("association").status, 403)
        r = SERVER.request("GET", "/api/v1/rounds/nope/outstanding", SERVER.token("guangdong"))
        self.assertEqual(r.status, 404, r)

    def test_the_workbook_has_the_title_region_round_day_and_contacts(self):
        first = outstanding("guangzhou", per_page=1).json()["items"][0]
        r = outstanding("guangzhou", format="xlsx")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.body.startswith(b"PK"))
        name = urllib.parse.unquote(re.search(r"filename\*=UTF-8''(.+)$", r.headers["Content-Disposition"]).group(1))
        self.assertRegex(name, r"^两化融合评估督办清单（广州市，2016年广东省两化融合评估诊断和对标引导，截至\d{4}年\d{1,2}月\d{1,2}日）\.xlsx$")
        with zipfile.ZipFile(io.BytesIO(r.body)) as z:
            strings = z.read("xl/sharedStrings.xml").decode("utf-8")
        today = datetime.now(timezone(timedelta(hours=8)))
        for text in ("两化融合评估督办清单", f"属地：广州市；评估周期：2016年广东省两化融合评估诊断和对标引导；统计日期："
                     f"{today.year}年{today.month}月{today.day}日", "督办事项", first["name"], first["contact_phone"],
                     "未开始填报"):
            self.assertIn(text, strings)


if __name__ == "__main__":
    unittest.main()
