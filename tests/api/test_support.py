"""政策联动 (/api/v1/support-measures, /api/v1/typical-cases) on the
guangdong-2016 scenario, whose rounds gd-2015 and gd-2016 give a panel: a
measure recorded, its enterprises added by hand and by import with every bad
row named and nothing written, its before and after computed against
comparable enterprises and checked here against the same figures computed
from the database's own rows (with the groups of fewer than five withheld),
the Excel export, typical cases, and a city that sees none of it beyond its
own region."""
import io
import os
import sys
import unittest
import zipfile
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, make_uscc  # noqa: E402

SERVER = Server()
K = 5  # the server's minimum group size


def setUpModule():
    SERVER.start("guangdong-2016")


def tearDownModule():
    SERVER.stop()


def req(method, path, who, body=None, headers=None):
    return SERVER.request(method, path, SERVER.token(who), body=body, headers=headers)


def create(who="guangdong", **fields):
    body = {"name": "2015年两化融合专项资金", "kind": "fund", "year": 2015, "amount_10k_yuan": 500, **fields}
    r = req("POST", "/api/v1/support-measures", who, body=body)
    assert r.status == 201, r
    return r.json()


def completed(round_code):
    """USCC -> (total, assessment unit) of the round's completed results, as
    the round counts them."""
    [[completion]] = SERVER.sql("SELECT completion FROM rounds WHERE code = ?", round_code)
    statuses = ("approved", "submitted") if completion == "submitted" else ("approved",)
    rows = SERVER.sql("SELECT uscc, total, unit_code, status FROM assessments WHERE round_code = ? "
                      "AND total IS NOT NULL", round_code)
    return {u: (t, unit) for u, t, unit, s in rows if s in statuses}


def groups():
    """USCC -> (unit below the province, industry group, size class)."""
    path = dict(SERVER.sql("SELECT code, path FROM units"))
    rows = SERVER.sql("SELECT e.uscc, i.grp, e.size_class FROM enterprises e "
                      "JOIN industries i ON i.code = e.industry_code")
    return path, {u: (g, s) for u, g, s in rows}


class SupportMeasures(unittest.TestCase):
    def test_before_and_after_against_comparable_enterprises_computed_from_the_rows(self):
        before, after = completed("gd-2015"), completed("gd-2016")
        path, attrs = groups()

        def group(uscc):
            unit = after[uscc][1]
            parts = path[unit].strip("/").split("/")
            return (parts[1] if len(parts) > 1 else parts[0],) + attrs[uscc]

        panel = sorted(set(before) & set(after))
        by_group = defaultdict(list)
        for u in panel:
            by_group[group(u)].append(u)
        big = [g for g, members in sorted(by_group.items()) if len(members) >= K + 3]
        small = [g for g, members in sorted(by_group.items()) if 2 <= len(members) <= K]
        self.assertGreaterEqual(len(big), 2)
        self.assertTrue(small, "the fixture has a group too small to compare")
        # Two enterprises of each of two large groups, one of a small group
        # (leaving fewer than K comparable), and one without a 2015 result.
        recipients = by_group[big[0]][:2] + by_group[big[1]][:2] + by_group[small[0]][:1]
        no_2015 = sorted(set(after) - set(before))[0]
        m = create()
        items = [{"uscc": u} for u in recipients + [no_2015]]
        r = req("POST", f"/api/v1/support-measures/{m['id']}/recipients", "guangdong", body={"items": items})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json(), {"added": 6, "updated": 0, "unchanged": 0})

        r = req("GET", f"/api/v1/support-measures/{m['id']}/effect", "guangdong")
        self.assertEqual(r.status, 200, r)
        e = r.json()
        self.assertEqual((e["before"]["round"], e["after"]["round"]), ("gd-2015", "gd-2016"))
        self.assertEqual(e["min_group_size"], K)
        rec = e["recipients"]
        self.assertEqual((rec["count"], rec["with_both"]), (6, 5))
        mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
        self.assertAlmostEqual(rec["before"]["total"], mean([before[u][0] for u in recipients]), places=3)
        self.assertAlmostEqual(rec["after"]["total"], mean([after[u][0] for u in recipients]), places=3)
        self.assertAlmostEqual(rec["change"]["total"],
                               mean([after[u][0] - before[u][0] for u in recipients]), places=3)
        self.assertEqual(sum(rec["levels_before"]), 5)

        # Comparable: same group, results in both rounds, supported by no
        # measure of 2015-2016; groups of fewer than K are withheld.
        supported = set(recipients) | {no_2015}
        control = {}
        for g in {group(u) for u in recipients}:
            changes = [after[u][0] - before[u][0] for u in by_group[g] if u not in supported]
            control[g] = (len(changes), mean(changes) if changes else None)
        matched = [u for u in recipients if control[group(u)][0] >= K]
        self.assertEqual(len(matched), 4)
        c = e["comparable"]
        self.assertEqual(c["recipients_matched"], 4)
        self.assertEqual(c["enterprises"], sum(control[g][0] for g in {group(u) for u in matched}))
        own = mean([after[u][0] - before[u][0] for u in matched])
        theirs = mean([control[group(u)][1] for u in matched])
        self.assertAlmostEqual(c["recipients_change"]["total"], own, places=3)
        self.assertAlmostEqual(c["change"]["total"], theirs, places=3)
        self.assertAlmostEqual(c["difference"]["total"], own - theirs, places=3)
        rows = {x["uscc"]: x for x in e["enterprises"]}
        for u in recipients:
            n, change = control[group(u)]
            if n >= K:
                self.assertEqual(rows[u]["comparable_n"], n)
                self.assertAlmostEqual(rows[u]["comparable_change"], change, places=3)
            else:  # withheld: neither the figure nor the group's size
                self.assertIsNone(rows[u]["comparable_change"])
                self.assertIsNone(rows[u]["comparable_n"])
        self.assertIsNone(rows[no_2015]["before"])
        self.assertIsNone(rows[no_2015]["change"])
        self.assertEqual(e["enterprises"][-1]["uscc"], no_2015)  # those without both last
        self.assertEqual(len(e["dimensions"]), len(rec["after"]["dimensions"]))

        # The Excel export: the summary and the enterprises, as sheets.
        r = req("GET", f"/api/v1/support-measures/{m['id']}/effect?format=xlsx", "guangdong")
        self.assertEqual(r.status, 200, r)
        self.assertIn("spreadsheetml", r.headers["Content-Type"])
        self.assertIn("filename*=UTF-8''%E6%94%AF%E6%8C%81%E5%89%8D%E5%90%8E", r.headers["Content-Disposition"])
        with zipfile.ZipFile(io.BytesIO(r.body)) as z:
            strings = z.read("xl/sharedStrings.xml").decode("utf-8")
            self.assertIn(rows[recipients[0]]["name"], strings)
            self.assertIn("可比企业变化", strings)

        # A round chosen by hand; a before that is not before the after.
        r = req("GET", f"/api/v1/support-measures/{m['id']}/effect?before=gd-2016&after=gd-2015", "guangdong")
        self.assertEqual((r.status, r.json()["error"]["field"]), (422, "before"))
        r = req("GET", f"/api/v1/support-measures/{m['id']}/effect?after=nope", "guangdong")
        self.assertEqual((r.status, r.json()["error"]["field"]), (422, "after"))
        # A measure of 2016 has no round after it yet.
        later = create(year=2016)
        r = req("GET", f"/api/v1/support-measures/{later['id']}/effect", "guangdong")
        self.assertEqual(r.status, 404, r)
        self.assertIn("2016 年以后", r.json()["error"]["message"])

    def test_a_bad_item_adds_nothing_and_every_problem_is_named(self):
        m = create(unit_code="440100")
        [[gz]] = SERVER.sql("SELECT uscc FROM enterprises WHERE unit_code = '440100' ORDER BY uscc LIMIT 1")
        [[sz]] = SERVER.sql("SELECT uscc FROM enterprises WHERE unit_code = '440300' ORDER BY uscc LIMIT 1")
        items = [{"uscc": gz, "amount_10k_yuan": 20}, {"uscc": "91440100MA59XXXXX1"},
                 {"uscc": sz}, {"uscc": make_uscc("440100")}, {"uscc": gz}, {"uscc": gz, "amount_10k_yuan": -1}]
        r = req("POST", f"/api/v1/support-measures/{m['id']}/recipients", "guangdong", body={"items": items})
        self.assertEqual(r.status, 422, r)
        details = {d["field"]: d["message"] for d in r.json()["error"]["details"]}
        self.assertEqual(sorted(details), ["items[1].uscc", "items[2].uscc", "items[3].uscc", "items[4].uscc",
                                           "items[5].amount_10k_yuan"])
        self.assertIn("深圳市", details["items[2].uscc"])  # outside the measure's 广州市
        self.assertIn("本地区没有该企业", details["items[3].uscc"])
        self.assertIn("重复", details["items[4].uscc"])
        self.assertEqual(req("GET", f"/api/v1/support-measures/{m['id']}", "guangdong").json()["recipients"], [])
        # Twice the same good item: once added, then unchanged.
        for expected in ({"added": 1, "updated": 0, "unchanged": 0}, {"added": 0, "updated": 0, "unchanged": 1}):
            r = req("POST", f"/api/v1/support-measures/{m['id']}/recipients", "guangdong",
                    body={"items": [{"uscc": gz, "amount_10k_yuan": 20}]})
            self.assertEqual(r.json(), expected)
        got = req("GET", f"/api/v1/support-measures/{m['id']}", "guangdong").json()
        self.assertEqual([(x["uscc"], x["amount_10k_yuan"]) for x in got["recipients"]], [(gz, 20)])
        self.assertEqual(got["recipients"][0]["unit_name"], "广州市")

    def test_an_import_names_each_bad_row_and_writes_nothing_then_the_good_file(self):
        m = create(unit_code="440100")
        usccs = [u for [u] in SERVER.sql(
            "SELECT uscc FROM enterprises WHERE unit_code = '440100' ORDER BY uscc LIMIT 3")]
        bad = ("统一社会信用代码,企业名称,金额（万元）,备注\r\n"
               f"{usccs[0]},甲,50,首批\r\n{usccs[1]},乙,五十,\r\n123,丙,,\r\n")
        path = f"/api/v1/support-measures/{m['id']}/recipients/import"
        r = req("POST", path, "guangdong", body=bad.encode("utf-8"), headers={"Content-Type": "text/csv"})
        self.assertEqual(r.status, 422, r)
        report = r.json()["report"]
        self.assertFalse(report["written"])
        self.assertEqual([(x["row"], x["column"]) for x in report["errors"]],
                         [(3, "金额（万元）"), (4, "统一社会信用代码")])
        self.assertEqual(req("GET", f"/api/v1/support-measures/{m['id']}", "guangdong").json()["recipients"], [])
        good = "统一社会信用代码,金额(万元)\r\n" + "".join(f"{u},12.5\r\n" for u in usccs)
        for inserted, unchanged in ((3, 0), (0, 3)):
            r = req("POST", path, "guangdong", body=good.encode("gb18030"), headers={"Content-Type": "text/csv"})
            self.assertEqual(r.status, 200, r)
            self.assertEqual((r.json()["report"]["inserted"], r.json()["report"]["unchanged"]), (inserted, unchanged))
        r = req("POST", path, "guangdong", body="名称\r\n甲\r\n".encode("utf-8"), headers={"Content-Type": "text/csv"})
        self.assertEqual(r.status, 422, r)
        self.assertIn("统一社会信用代码", r.json()["report"]["errors"][0]["message"])

    def test_a_form_is_checked_field_by_field(self):
        cases = [({"name": ""}, "name"), ({"kind": "loan"}, "kind"), ({"year": 1999}, "year"),
                 ({"amount_10k_yuan": -5}, "amount_10k_yuan"), ({"amount_10k_yuan": "多"}, "amount_10k_yuan"),
                 ({"unit_code": "450000"}, "unit_code"), ({"note": "长" * 501}, "note"), ({"extra": 1}, "extra")]
        before = SERVER.sql("SELECT COUNT(*) FROM support_measures")
        for change, field in cases:
            body = {"name": "测试措施", "kind": "pilot", "year": 2016, **change}
            r = req("POST", "/api/v1/support-measures", "guangdong", body=body)
            self.assertEqual((r.status, r.json()["error"]["field"]), (422, field), change)
            self.assertRegex(r.json()["error"]["message"], r"[\u4e00-\u9fff]")
        self.assertEqual(SERVER.sql("SELECT COUNT(*) FROM support_measures"), before)
        # A stale version is refused; the current one saves.
        m = create(who="guangzhou", year=2016)
        self.assertEqual(m["unit_code"], "440100")  # a city's measure is its own
        body = {"name": "改名", "kind": "voucher", "year": 2016, "note": "", "version": m["version"]}
        self.assertEqual(req("PUT", f"/api/v1/support-measures/{m['id']}", "guangzhou", body=body).status, 200)
        r = req("PUT", f"/api/v1/support-measures/{m['id']}", "guangzhou", body=body)
        self.assertEqual(r.status, 409, r)
        self.assertEqual(req("GET", f"/api/v1/support-measures/{m['id']}", "guangzhou").json()["kind_label"], "服务券")

    def test_a_city_sees_and_changes_only_its_own_regions_measures(self):
        province = create()
        shenzhen = create(who="shenzhen", year=2016)
        listed = {x["id"] for x in req("GET", "/api/v1/support-measures", "guangzhou").json()["items"]}
        self.assertNotIn(province["id"], listed)
        self.assertNotIn(shenzhen["id"], listed)
        self.assertIn(shenzhen["id"], {x["id"] for x in req("GET", "/api/v1/support-measures", "guangdong")
                                       .json()["items"]})
        for method, suffix, body in (("GET", "", None), ("GET", "/effect", None), ("DELETE", "", None),
                                     ("PUT", "", {"name": "x", "kind": "fund", "year": 2016, "version": 1}),
                                     ("POST", "/recipients", {"items": [{"uscc": make_uscc("440100")}]})):
            r = req(method, f"/api/v1/support-measures/{shenzhen['id']}{suffix}", "guangzhou", body=body)
            self.assertEqual(r.status, 404, (method, suffix, r))
        for who in ("association", "agency", "enterprise"):
            self.assertEqual(req("GET", "/api/v1/support-measures", who).status, 403)
        # Deleting audits it; the measure is gone with its recipients.
        self.assertEqual(req("DELETE", f"/api/v1/support-measures/{shenzhen['id']}", "shenzhen").status, 200)
        self.assertEqual(req("GET", f"/api/v1/support-measures/{shenzhen['id']}", "shenzhen").status, 404)
        actions = [a for [a] in SERVER.sql("SELECT action FROM audit_log WHERE object_type = 'support_measure' "
                                           "AND object_id = ?", str(shenzhen["id"]))]
        self.assertEqual(actions, ["support_measure.create", "support_measure.delete"])


class TypicalCases(unittest.TestCase):
    def test_marked_listed_and_unmarked_within_the_region(self):
        [[gz]] = SERVER.sql("SELECT uscc FROM enterprises WHERE unit_code = '440100' ORDER BY uscc LIMIT 1")
        [[sz]] = SERVER.sql("SELECT uscc FROM enterprises WHERE unit_code = '440300' ORDER BY uscc LIMIT 1")
        body = {"title": "以评促建，建成数字化车间", "text": "评估后补齐MES短板，关键工序数控化率提高20个百分点。"}
        r = req("PUT", f"/api/v1/typical-cases/2016/{gz}", "guangzhou", body=body)
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json()["unit_name"], r.json()["marked_by"]), ("广州市", "guangzhou"))
        self.assertEqual(req("PUT", f"/api/v1/typical-cases/2016/{sz}", "guangzhou", body=body).status, 404)
        self.assertEqual(req("PUT", f"/api/v1/typical-cases/2016/{sz}", "shenzhen", body=body).status, 200)
        r = req("PUT", f"/api/v1/typical-cases/2016/{gz}", "guangzhou", body=dict(body, title=""))
        self.assertEqual((r.status, r.json()["error"]["field"]), (422, "title"))
        mine = {x["uscc"] for x in req("GET", "/api/v1/typical-cases?year=2016", "guangzhou").json()["items"]}
        self.assertEqual(mine, {gz})
        everyone = {x["uscc"] for x in req("GET", "/api/v1/typical-cases?year=2016", "guangdong").json()["items"]}
        self.assertEqual(everyone, {gz, sz})
        self.assertEqual(req("DELETE", f"/api/v1/typical-cases/2016/{sz}", "guangzhou").status, 404)
        self.assertEqual(req("DELETE", f"/api/v1/typical-cases/2016/{gz}", "guangzhou").status, 200)
        self.assertEqual(req("DELETE", f"/api/v1/typical-cases/2016/{gz}", "guangzhou").status, 404)


if __name__ == "__main__":
    unittest.main()
