"""The data map API on the guangdong-2016 scenario: figures, grouping,
suppression of small groups, and scope."""
import os
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, qs  # noqa: E402

SERVER = Server()


def setUpModule():
    SERVER.start("guangdong-2016")


def tearDownModule():
    SERVER.stop()


def datamap(user, **params):
    return SERVER.request("GET", qs("/api/v1/rounds/gd-2016/datamap", **params), SERVER.token(user))


class ProgressHistoryTest(unittest.TestCase):
    """The scenario's assessments carry their dates (May and June 2016): the
    progress table and circulars as of a day count what had happened by the
    end of that day in China, and the round counts what was submitted, as the
    notice defines 完成评估数, reproducing 附件2 at the end of the round."""

    def expected(self, day):
        """Per the event history: enterprises with an event before the end of
        `day` in China, and those whose last event then was a submission or
        an approval."""
        cutoff = f"{day}T16:00:00.000Z"  # the next midnight in China, in UTC
        rows = SERVER.sql(
            "SELECT a.uscc, (SELECT ev.to_status FROM assessment_events ev WHERE ev.assessment_id = a.id "
            "AND ev.at < ? ORDER BY ev.at DESC, ev.id DESC LIMIT 1) FROM assessments a "
            "WHERE a.round_code = 'gd-2016'", cutoff)
        seen = [status for _, status in rows if status is not None]
        return len(seen), sum(1 for s in seen if s in ("submitted", "approved"))

    def total(self, day):
        r = SERVER.request("GET", f"/api/v1/rounds/gd-2016/progress?as_of={day}", SERVER.token("guangdong"))
        self.assertEqual(r.status, 200, r)
        t = r.json()
        self.assertEqual(t["completion"], "submitted")
        self.assertIn("上报", t["counting_note"])
        return t["total"]["participating"], t["total"]["completed"]

    def test_a_month_apart_the_tables_differ_as_the_data_does(self):
        may, june = self.total("2016-05-31"), self.total("2016-06-30")
        self.assertEqual(june, (2084, 1531))  # 附件2
        self.assertEqual(may, self.expected("2016-05-31"))
        self.assertLess(may[0], june[0])
        self.assertLess(may[1], june[1])
        self.assertEqual(self.total("2016-04-30"), (0, 0))
        # Circulars of the same days say the same, and the June one compares
        # with May's.
        first = SERVER.request("POST", "/api/v1/rounds/gd-2016/circulars", SERVER.token("guangdong"),
                               body={"as_of": "2016-05-31"})
        self.assertEqual(first.status, 201, first)
        second = SERVER.request("POST", "/api/v1/rounds/gd-2016/circulars", SERVER.token("guangdong"),
                                body={"as_of": "2016-06-30"})
        self.assertEqual(second.status, 201, second)
        c = second.json()
        self.assertEqual((c["total"]["participating"], c["total"]["completed"]), june)
        self.assertEqual(c["changes"]["total"]["participating"], june[0] - may[0])
        self.assertEqual(c["changes"]["total"]["completed"], june[1] - may[1])


class DataMapTest(unittest.TestCase):
    def sql(self, query, *args):
        return SERVER.sql(query, *args)

    def test_province_by_unit_matches_the_completed_assessments(self):
        r = datamap("guangdong", by="unit")
        self.assertEqual(r.status, 200, r)
        d = r.json()
        self.assertEqual(d["total"]["n"], 1531)  # 附件2's completed total
        self.assertEqual(sum(d["total"]["level_counts"]), 1531)
        expected = dict(self.sql("SELECT unit_code, COUNT(*) FROM assessments WHERE round_code='gd-2016' "
                                 "AND status IN ('approved','submitted') GROUP BY unit_code"))
        mean = dict(self.sql("SELECT unit_code, AVG(total) FROM assessments WHERE round_code='gd-2016' "
                             "AND status IN ('approved','submitted') GROUP BY unit_code"))
        for cell in d["cells"]:
            if cell["status"] == "shown":
                self.assertEqual(cell["n"], expected[cell["key"]], cell)
                self.assertAlmostEqual(cell["mean_total"], mean[cell["key"]], delta=0.006)
        self.assertEqual(len(d["key_indicators"]), len(d["total"]["key_indicators"]))
        self.assertTrue(d["model"]["reference_only"])

    def test_no_implied_share_exceeds_the_share_that_implies_it_in_any_cell(self):
        # 管控集成 and 产供销集成 need ERP; 智能制造就绪 needs both integrations.
        implied = [("mgmt_control_integration_rate", "erp_rate"), ("sps_integration_rate", "erp_rate"),
                   ("smart_mfg_readiness", "mgmt_control_integration_rate"),
                   ("smart_mfg_readiness", "sps_integration_rate")]
        cells = 0
        for by in ("unit", "industry", "industry_group", "size", "production_type", "ownership"):
            for unit in (None, "440300"):
                d = datamap("guangdong", by=by, unit=unit).json()
                ids = [k["id"] for k in d["key_indicators"]]
                for cell in d["cells"] + [d["total"]]:
                    values = cell.get("key_indicators")
                    if cell.get("status", "shown") != "shown" or not values:
                        continue
                    cells += 1
                    share = dict(zip(ids, values))
                    for lower, upper in implied:
                        self.assertLessEqual(share[lower], share[upper], (by, unit, cell.get("key"), lower, upper))
        self.assertGreater(cells, 50)

    def test_no_cell_below_the_minimum_is_shown_anywhere(self):
        for user in ("guangdong", "ministry"):
            for by in ("unit", "industry", "industry_group", "size", "production_type", "ownership"):
                for unit in (None, "445300", "440606"):
                    r = datamap(user, by=by, unit=unit)
                    self.assertEqual(r.status, 200, (user, by, unit, r))
                    d = r.json()
                    k = d["min_group_size"]
                    self.assertGreaterEqual(k, 5)
                    withheld = [c for c in d["cells"] if c["status"] in ("primary", "complementary")]
                    for c in d["cells"]:
                        if c["n"] is not None:
                            self.assertGreaterEqual(c["n"], k, (by, unit, c))
                        if c["status"] in ("primary", "complementary"):
                            self.assertIsNone(c["n"])
                            self.assertNotIn("mean_total", c)
                    # One withheld cell next to a shown total could be derived: never.
                    if d["total"]["n"] is not None:
                        self.assertNotEqual(len(withheld), 1, (by, unit, d["cells"]))

    def test_no_difference_of_two_published_tables_is_about_fewer_than_k(self):
        # A filtered table and the wider one made by dropping a filter (size
        # class, industry group, or a city replaced by the province): for
        # every group shown in both, and for the totals, the difference is
        # 0 or at least k enterprises.
        def shown(d):
            cells = {c["key"]: c["n"] for c in d["cells"] if c["n"] is not None}
            cells[None] = d["total"]["n"]
            return cells

        checked = withheld = 0
        for by in ("unit", "industry_group", "size", "ownership"):
            for unit in (None, "440100", "440300", "440606"):
                for narrow, wide in ((dict(size="small"), {}), (dict(size="medium"), {}),
                                     (dict(industry_group="装备"), {}),
                                     (dict(industry_group="原材料", size="small"), dict(size="small")),
                                     (dict(industry_group="原材料", size="small"), dict(industry_group="原材料"))):
                    pairs = [(dict(narrow, unit=unit), dict(wide, unit=unit))]
                    if unit:
                        pairs.append((dict(narrow, unit=unit), dict(narrow)))
                    for a, b in pairs:
                        da, db = datamap("guangdong", by=by, **a).json(), datamap("guangdong", by=by, **b).json()
                        k = da["min_group_size"]
                        small, large = shown(da), shown(db)
                        for key, n in small.items():
                            if n is None or large.get(key) is None:
                                continue
                            checked += 1
                            self.assertFalse(0 < large[key] - n < k, (by, a, b, key, n, large[key]))
                        withheld += sum(c["status"] == "primary" and c["n"] is None for c in da["cells"])
        self.assertGreater(checked, 200)
        self.assertGreater(withheld, 0)

    def test_shaoguan_with_three_completed_is_withheld_with_a_complement(self):
        d = datamap("guangdong", by="unit").json()
        cells = {c["key"]: c for c in d["cells"]}
        self.assertEqual(cells["440200"]["status"], "primary")  # 韶关: 3 completed
        self.assertTrue(any(c["status"] == "complementary" for c in d["cells"]))

    def test_scope(self):
        # 佛山 sees itself only; 深圳 is out of its scope.
        d = datamap("foshan", by="unit").json()
        self.assertEqual([c["key"] for c in d["cells"]], ["440600"])
        self.assertEqual(d["total"]["n"], 62)
        self.assertEqual(datamap("foshan", unit="440300").status, 404)
        self.assertEqual(datamap("foshan", unit="440606").status, 404)  # 顺德 reports to the province
        for user in ("enterprise", "agency"):
            self.assertEqual(datamap(user).status, 403)
        # The association sees its industries only.
        d = datamap("association", by="industry").json()
        self.assertTrue({c["key"] for c in d["cells"]} <= {"38", "39"})
        expected = self.sql("SELECT COUNT(*) FROM assessments a JOIN enterprises e ON e.uscc=a.uscc "
                            "WHERE a.round_code='gd-2016' AND a.status IN ('approved','submitted') AND e.industry_code IN ('38','39')")[0][0]
        self.assertEqual(d["total"]["n"], expected)

    def test_a_kept_map_is_the_callers_and_as_new_as_the_data(self):
        """The server keeps finished maps (per scoped query and position in the
        change feed): asked again, each caller gets its own map back, and a
        write shows at once."""
        maps = {}
        for _ in range(2):
            for user, params in [("guangdong", {"by": "unit"}), ("foshan", {"by": "unit"}),
                                 ("association", {"by": "unit"}), ("guangdong", {"by": "unit", "unit": "440300"}),
                                 ("guangdong", {"by": "size"})]:
                r = datamap(user, **params)
                self.assertEqual(r.status, 200, r)
                key = (user, tuple(sorted(params.items())))
                if key in maps:
                    self.assertEqual(r.body, maps[key], key)
                maps[key] = r.body
        self.assertEqual(len(set(maps.values())), len(maps))  # five different maps
        # A result leaves the map: the next request shows it, not the kept map.
        before = datamap("foshan", by="unit").json()["total"]["n"]
        uscc = self.sql("SELECT a.uscc FROM assessments a WHERE a.round_code = 'gd-2016' AND a.unit_code = '440600' "
                        "AND a.status = 'submitted' ORDER BY a.id LIMIT 1")
        if not uscc:
            self.skipTest("no submitted assessment in 佛山 to withdraw")
        path = f"/api/v1/rounds/gd-2016/enterprises/{uscc[0][0]}/assessment"
        r = SERVER.request("POST", path + "/review", SERVER.token("foshan"),
                           body={"decision": "reject", "reason": "请补充说明"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(datamap("foshan", by="unit").json()["total"]["n"], before - 1)
        # Submitted again (the province, after the round's close): back in the map.
        r = SERVER.request("POST", path + "/submit", SERVER.token("guangdong"), body={"override": True})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(datamap("foshan", by="unit").json()["total"]["n"], before)

    def test_exports_withhold_the_same_cells(self):
        import csv
        import io
        import zipfile
        d = datamap("guangdong", by="unit").json()
        withheld = {c["label"] for c in d["cells"] if c["n"] is None}
        self.assertIn("韶关市", withheld)
        r = datamap("guangdong", by="unit", format="csv")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.download_names(), ("datamap-gd-2016.csv", "数据地图（广东省，2016年广东省两化融合评估诊断和对标引导）.csv"))
        self.assertTrue(r.body.startswith(b"\xef\xbb\xbf"))
        rows = list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"))))
        self.assertEqual(rows[0][:3], ["分组", "企业数", "平均发展水平"])
        self.assertEqual(rows[1][:2], ["广东省", "1531"])
        seen = set()
        for row in rows[2:]:
            seen.add(row[0])
            if row[0] in withheld:
                self.assertTrue(all(v == "—" for v in row[1:]), row)
            else:
                self.assertGreaterEqual(int(row[1]), 5, row)
        self.assertEqual(seen, {c["label"] for c in d["cells"]})
        x = datamap("guangdong", by="unit", format="xlsx")
        self.assertEqual(x.status, 200)
        with zipfile.ZipFile(io.BytesIO(x.body)) as z:
            sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
            strings = z.read("xl/sharedStrings.xml").decode("utf-8")
        self.assertIn("韶关市", strings)
        self.assertIn("—", strings)
        self.assertEqual(datamap("guangdong", format="pdf").status, 422)

    def test_bad_parameters(self):
        self.assertEqual(datamap("guangdong", by="colour").status, 422)
        self.assertEqual(datamap("guangdong", size="huge").status, 422)
        r = SERVER.request("GET", "/api/v1/rounds/nope/datamap", SERVER.token("guangdong"))
        self.assertEqual(r.status, 404)


class DiagnosisTest(unittest.TestCase):
    def own_uscc(self):
        r = SERVER.request("GET", "/api/v1/session", SERVER.token("enterprise"))
        return r.json()["user"]["scope"]

    def diagnosis(self, user, uscc):
        return SERVER.request("GET", f"/api/v1/rounds/gd-2016/enterprises/{uscc}/diagnosis",
                              SERVER.token(user))

    def test_enterprise_sees_its_result_against_peers(self):
        uscc = self.own_uscc()
        r = self.diagnosis("enterprise", uscc)
        self.assertEqual(r.status, 200, r)
        d = r.json()
        self.assertEqual(d["uscc"], uscc)
        self.assertIn(d["level"]["title"], ["起步建设", "单项覆盖", "集成提升", "创新突破"])
        b = d["benchmarks"]
        self.assertIsNotNone(b["peer_group"], b)
        self.assertGreaterEqual(b["peer_group"]["n"], 5)
        self.assertIn(f"n={b['peer_group']['n']}", b["peer_group"]["label"])
        self.assertEqual(b["total"]["n"], b["peer_group"]["n"])
        self.assertTrue(0 <= b["total"]["percentile_rank"] <= 100)
        self.assertLessEqual(b["total"]["p25"], b["total"]["median"])
        self.assertLessEqual(b["total"]["median"], b["total"]["p75"])
        self.assertLessEqual(b["total"]["p75"], b["total"]["p90"])
        self.assertEqual(len(b["dimensions"]), len(d["dimensions"]))
        # Priorities: most urgent first, each with the model's advice.
        for p in d["priorities"]:
            self.assertGreater(p["gap_to_p75"] + p["gap_to_p90"], 0)
            for ind in p["indicators"]:
                self.assertTrue(ind["advice"], ind)
        self.assertIn("steps", d["path_to_next_level"])
        # The trend: each round the enterprise took part in, oldest first
        # (the scenario's enterprises that completed 2016 mostly took part in
        # 2015 too).
        took_part = SERVER.sql("SELECT r.code, r.name FROM assessments a JOIN rounds r ON r.code = a.round_code "
                               "WHERE a.uscc = ? ORDER BY r.year", uscc)
        self.assertEqual([(t["round"], t["round_name"]) for t in d["trend"]], [tuple(r) for r in took_part])
        self.assertEqual(took_part[-1][0], "gd-2016")
        # The trend says each round's stage and status in words.
        trend = d["trend"][-1]
        if trend["level"] is not None:
            self.assertRegex(trend["level_title"], r"^(起步建设|单项覆盖|集成提升|创新突破)$")
        self.assertIn(trend["status_label"], ("草稿", "已提交待审核", "已通过", "已退回"))

    def test_peers_match_an_independent_count(self):
        # The peer group's n equals the completed assessments of the same
        # group counted in SQL (division/size/unit level first).
        uscc = self.own_uscc()
        d = self.diagnosis("guangdong", uscc).json()
        group = d["benchmarks"]["peer_group"]["id"]
        sql = SERVER.sql
        ind, size, unit = sql("SELECT industry_code, size_class, unit_code FROM enterprises WHERE uscc=?", uscc)[0]
        base = ("SELECT COUNT(*) FROM assessments a JOIN enterprises e ON e.uscc=a.uscc "
                "WHERE a.round_code='gd-2016' AND a.status IN ('approved','submitted')")
        counts = {
            "division_size_unit": sql(base + " AND e.industry_code=? AND e.size_class=? AND a.unit_code=?",
                                      ind, size, unit)[0][0],
            "division_size_province": sql(base + " AND e.industry_code=? AND e.size_class=?", ind, size)[0][0],
            "size_nation": sql(base + " AND e.size_class=?", size)[0][0],
            "nation": sql(base)[0][0],
        }
        if group in counts:
            self.assertEqual(d["benchmarks"]["peer_group"]["n"], counts[group])
        order = ["division_size_unit", "division_size_province", "group_size_province",
                 "group_province", "size_nation", "nation"]
        for narrower in order[:order.index(group)]:
            if narrower in counts:
                self.assertLess(counts[narrower], 5, narrower)

    def test_peer_statistics_match_numpy(self):
        # The snapshot's figures (order statistics across each cell's sorted
        # values) against Python's statistics module (quantiles "inclusive":
        # Hyndman & Fan type 7, numpy's default) over the same peers' scores
        # read from the database, for enterprises of several sizes and units.
        import statistics
        where = {
            "division_size_unit": ("e.industry_code=? AND e.size_class=? AND a.unit_code=?", "ind", "size", "unit"),
            "division_size_province": ("e.industry_code=? AND e.size_class=?", "ind", "size"),
            "group_size_province": ("i.grp=? AND e.size_class=?", "grp", "size"),
            "group_province": ("i.grp=?", "grp"),
            "size_nation": ("e.size_class=?", "size"),
            "nation": ("1=1",),
        }
        picked = SERVER.sql(
            "SELECT uscc FROM assessments WHERE id IN (SELECT MIN(a.id) FROM assessments a JOIN enterprises e "
            "ON e.uscc=a.uscc WHERE a.round_code='gd-2016' AND a.status IN ('approved','submitted') GROUP BY e.size_class, "
            "a.unit_code) ORDER BY id LIMIT 12")
        groups = set()
        for (uscc,) in picked:
            d = self.diagnosis("guangdong", uscc).json()
            b = d["benchmarks"]
            group = b["peer_group"]["id"]
            groups.add(group)
            ind, size, unit, grp = SERVER.sql(
                "SELECT e.industry_code, e.size_class, a.unit_code, COALESCE(i.grp, '') FROM enterprises e "
                "JOIN assessments a ON a.uscc=e.uscc LEFT JOIN industries i ON i.code=e.industry_code "
                "WHERE e.uscc=? AND a.round_code='gd-2016'", uscc)[0]
            own = {"ind": ind, "size": size, "unit": unit, "grp": grp}
            condition, *names = where[group]
            totals = [t for (t,) in SERVER.sql(
                "SELECT a.total FROM assessments a JOIN enterprises e ON e.uscc=a.uscc LEFT JOIN industries i "
                "ON i.code=e.industry_code WHERE a.round_code='gd-2016' AND a.status IN ('approved','submitted') AND " + condition,
                *[own[n] for n in names])]
            self.assertEqual(b["total"]["n"], len(totals), (uscc, group))
            quartiles = statistics.quantiles(totals, n=4, method="inclusive")
            want = dict(zip(["p25", "median", "p75"], quartiles), p90=statistics.quantiles(
                totals, n=10, method="inclusive")[8], mean=statistics.fmean(totals))
            for name, value in want.items():
                self.assertAlmostEqual(b["total"][name], value, delta=0.0051, msg=(uscc, group, name))
            mine = d["total"]
            rank = 100 * (sum(t < mine for t in totals) + 0.5 * sum(t == mine for t in totals)) / len(totals)
            self.assertAlmostEqual(b["total"]["percentile_rank"], rank, delta=0.0051)
        self.assertGreater(len(picked), 5)
        self.assertGreater(len(groups), 1, groups)  # more than one kind of group was checked

    def test_a_kept_diagnosis_is_as_new_as_what_it_is_made_of(self):
        """The server keeps finished diagnoses by everything they are made of:
        asked again, the same bytes; after a review of the assessment, a change
        of the enterprise or a change among its peers, the next request shows
        it; a kept diagnosis reaches no caller outside the enterprise's scope."""
        # A submitted 广州 assessment with a submitted peer of the same
        # industry, size and unit (so in every group the enterprise is in).
        found = SERVER.sql(
            "SELECT a.uscc, p.uscc FROM assessments a JOIN enterprises e ON e.uscc = a.uscc "
            "JOIN assessments p ON p.round_code = a.round_code AND p.unit_code = a.unit_code AND p.uscc <> a.uscc "
            "JOIN enterprises pe ON pe.uscc = p.uscc WHERE a.round_code = 'gd-2016' AND a.unit_code = '440100' "
            "AND a.status = 'submitted' AND p.status = 'submitted' AND pe.industry_code = e.industry_code "
            "AND pe.size_class = e.size_class ORDER BY a.id, p.id LIMIT 1")
        self.assertTrue(found, "the scenario has two such assessments")
        uscc, peer = found[0]
        first = self.diagnosis("guangdong", uscc)
        self.assertEqual(first.status, 200, first)
        self.assertEqual(self.diagnosis("guangzhou", uscc).body, first.body)
        self.assertEqual(self.diagnosis("shenzhen", uscc).status, 404)
        province = SERVER.token("guangdong")

        def review_and_resubmit(of, check):
            path = f"/api/v1/rounds/gd-2016/enterprises/{of}/assessment"
            r = SERVER.request("POST", path + "/review", province, body={"decision": "reject", "reason": "请补充说明"})
            self.assertEqual(r.status, 200, r)
            check(self.diagnosis("guangdong", uscc).json(), rejected=True)
            r = SERVER.request("POST", path + "/submit", province, body={"override": True})
            self.assertEqual(r.status, 200, r)
            check(self.diagnosis("guangdong", uscc).json(), rejected=False)

        # The assessment returned, then submitted again.
        review_and_resubmit(uscc, lambda d, rejected: self.assertEqual(
            d["status"], "rejected" if rejected else "submitted"))
        # A peer leaves the results: one peer fewer in the same group, then back.
        group = first.json()["benchmarks"]["peer_group"]

        def peers(d, rejected):
            now = d["benchmarks"]["peer_group"]
            if rejected and group["n"] == 5:  # too few now: a wider group
                self.assertNotEqual(now["id"], group["id"])
            else:
                self.assertEqual((now["id"], now["n"]), (group["id"], group["n"] - rejected))
        review_and_resubmit(peer, peers)
        # The enterprise renamed, then named back.
        e = SERVER.request("GET", f"/api/v1/enterprises/{uscc}", province).json()
        for name in (e["name"] + "（更名）", e["name"]):
            r = SERVER.request("PATCH", f"/api/v1/enterprises/{uscc}", province,
                               body={"version": e["version"], "name": name})
            self.assertEqual(r.status, 200, r)
            e = r.json()
            self.assertEqual(self.diagnosis("guangdong", uscc).json()["enterprise_name"], name)
        # The round renamed (by another server, here in SQL), then named back:
        # the header and the trend's row name it as it is now.
        old = SERVER.sql("SELECT name FROM rounds WHERE code = 'gd-2016'")[0][0]
        earlier = [r[0] for r in SERVER.sql("SELECT r.name FROM assessments a JOIN rounds r ON r.code = a.round_code "
                                            "WHERE a.uscc = ? AND r.code <> 'gd-2016' ORDER BY r.year", uscc)]
        for name in ("2016年广东省两化融合评估（更名）", old):
            SERVER.sql("UPDATE rounds SET name = ? WHERE code = 'gd-2016'", name)
            d = self.diagnosis("guangdong", uscc).json()
            self.assertEqual((d["round_name"], [t["round_name"] for t in d["trend"]]), (name, earlier + [name]))

    def test_scope(self):
        uscc = self.own_uscc()  # a 广州 enterprise
        self.assertEqual(self.diagnosis("shenzhen", uscc).status, 404)
        self.assertEqual(self.diagnosis("guangzhou", uscc).status, 200)
        other = SERVER.sql("SELECT uscc FROM assessments WHERE round_code='gd-2016' AND uscc<>? LIMIT 1", uscc)[0][0]
        self.assertEqual(self.diagnosis("enterprise", other).status, 404)


class ReportTest(unittest.TestCase):
    """The diagnosis report as a page and, through a queued job, as a PDF."""

    def own(self):
        d = SERVER.request("GET", "/api/v1/session", SERVER.token("enterprise")).json()
        uscc = d["user"]["scope"]
        diag = SERVER.request("GET", f"/api/v1/rounds/gd-2016/enterprises/{uscc}/diagnosis",
                              SERVER.token("enterprise")).json()
        return uscc, diag

    def test_page_is_self_contained_and_shows_the_result(self):
        uscc, diag = self.own()
        r = SERVER.request("GET", f"/api/v1/rounds/gd-2016/enterprises/{uscc}/report.html",
                           SERVER.token("enterprise"))
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.headers["Content-Type"].startswith("text/html"))
        self.assertIn("default-src 'none'", r.headers["Content-Security-Policy"])
        page = r.text
        for text in (diag["enterprise_name"], diag["level"]["title"], uscc, "两化融合评估诊断报告",
                     diag["benchmarks"]["peer_group"]["label"]):
            self.assertIn(text, page)
        self.assertNotIn("<script", page.lower())
        self.assertIn("<svg", page)  # the radar

    def test_charts_are_the_reports_own_images(self):
        # The web app shows these; they are the report page's charts.
        uscc, diag = self.own()
        page = SERVER.request("GET", f"/api/v1/rounds/gd-2016/enterprises/{uscc}/report.html",
                              SERVER.token("enterprise")).text
        base = f"/api/v1/rounds/gd-2016/enterprises/{uscc}/charts/"
        for chart, label in (("radar.svg", "各维度得分雷达图"), ("key-indicators.svg", "关键指标与对标组对比")):
            r = SERVER.request("GET", base + chart, SERVER.token("enterprise"))
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.headers["Content-Type"], "image/svg+xml; charset=utf-8")
            self.assertEqual(r.headers["Content-Security-Policy"], "default-src 'none'; frame-ancestors 'none'")
            svg = r.text
            self.assertTrue(svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"'), svg[:80])
            self.assertIn(label, svg)
            self.assertIn(svg.replace(' xmlns="http://www.w3.org/2000/svg"', "", 1), page)
        self.assertIn(diag["dimensions"][0]["title"], SERVER.request("GET", base + "radar.svg",
                                                                    SERVER.token("enterprise")).text)
        # Scope and names.
        self.assertEqual(SERVER.request("GET", base + "radar.svg", SERVER.token("shenzhen")).status, 404)
        self.assertEqual(SERVER.request("GET", base + "radar.svg").status, 401)
        for bad in ("pie.svg", "radar", "radar.png", ".svg"):
            r = SERVER.request("GET", base + bad, SERVER.token("enterprise"))
            self.assertEqual(r.status, 404, bad)
            self.assertIn("radar.svg", r.json()["error"]["message"])

    def test_another_city_cannot_have_the_report(self):
        uscc, _ = self.own()  # a 广州 enterprise
        path = f"/api/v1/rounds/gd-2016/enterprises/{uscc}/report"
        self.assertEqual(SERVER.request("GET", path + ".html", SERVER.token("shenzhen")).status, 404)
        self.assertEqual(SERVER.request("POST", path + ".pdf", SERVER.token("shenzhen")).status, 404)
        self.assertEqual(SERVER.request("GET", path + ".html", SERVER.token("guangzhou")).status, 200)

    def test_pdf_is_rendered_by_a_queued_job(self):
        uscc, diag = self.own()
        r = SERVER.request("POST", f"/api/v1/rounds/gd-2016/enterprises/{uscc}/report.pdf",
                           SERVER.token("enterprise"))
        self.assertEqual(r.status, 202, r)
        job = r.json()["job"]
        self.assertEqual(r.headers["Location"], f"/api/v1/jobs/{job['id']}")
        # Nobody else sees the job or its result.
        for user in ("guangzhou", "guangdong"):
            self.assertEqual(SERVER.request("GET", f"/api/v1/jobs/{job['id']}", SERVER.token(user)).status, 404)
        self.assertEqual(SERVER.request("GET", "/api/v1/jobs/abc", SERVER.token("enterprise")).status, 404)
        deadline = time.time() + 90
        while True:
            state = SERVER.request("GET", f"/api/v1/jobs/{job['id']}", SERVER.token("enterprise")).json()
            if state["status"] in ("done", "failed") or time.time() > deadline:
                break
            time.sleep(0.3)
        self.assertEqual(state["status"], "done", state)
        pdf = SERVER.request("GET", state["result_url"], SERVER.token("enterprise"))
        self.assertEqual(pdf.status, 200)
        self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
        self.assertTrue(pdf.body.startswith(b"%PDF-"))
        self.assertEqual(SERVER.request("GET", state["result_url"], SERVER.token("guangzhou")).status, 404)
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(pdf.body)
            f.flush()
            text = subprocess.run(["pdftotext", "-enc", "UTF-8", f.name, "-"], check=True,
                                  capture_output=True).stdout.decode("utf-8")
        self.assertIn(diag["enterprise_name"], text)
        self.assertIn(diag["level"]["title"], text)


class ModelApiTest(unittest.TestCase):
    """The questionnaire and the what-if scoring, for the web app."""

    def test_questionnaire_holds_only_the_questions_that_apply(self):
        token = SERVER.token("enterprise")
        ids = {}
        for pt in ("discrete_mass", "process"):
            r = SERVER.request("GET", f"/api/v1/models/gbt23020-2013/questionnaire?production_type={pt}", token)
            self.assertEqual(r.status, 200, r)
            d = r.json()
            self.assertTrue(d["sections"])
            ids[pt] = {q["id"] for s in d["sections"] for q in s["questions"]}
            for s in d["sections"]:
                for q in s["questions"]:
                    for o in q.get("options", []):
                        self.assertNotIn("score", o)  # the scoring is not shown
        self.assertNotEqual(ids["discrete_mass"], ids["process"])
        self.assertGreater(len(ids["process"] & ids["discrete_mass"]), 40)

    def test_bad_requests(self):
        token = SERVER.token("enterprise")
        base = "/api/v1/models/gbt23020-2013"
        self.assertEqual(SERVER.request("GET", base + "/questionnaire?production_type=discrete_mass").status, 401)
        self.assertEqual(SERVER.request("GET", base + "/questionnaire?production_type=steam", token).status, 422)
        self.assertEqual(SERVER.request("GET", base + "/questionnaire", token).status, 422)
        for model in ("nope", "..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", "models%2Fgbt23020-2013"):
            r = SERVER.request("GET", f"/api/v1/models/{model}/questionnaire?production_type=process", token)
            self.assertEqual(r.status, 404, model)
        self.assertEqual(SERVER.request("POST", base + "/score", token, body={"production_type": "process"}).status, 422)
        r = SERVER.request("POST", base + "/score", token, body={"production_type": "process", "answers": {"nope": 1}})
        self.assertEqual(r.status, 422, r)
        self.assertEqual(SERVER.request("POST", base + "/score", token, body="{").status, 400)

    def test_score_of_the_stored_answers_is_the_stored_score(self):
        token = SERVER.token("enterprise")
        uscc = SERVER.request("GET", "/api/v1/session", token).json()["user"]["scope"]
        a = SERVER.request("GET", f"/api/v1/rounds/gd-2016/enterprises/{uscc}/assessment", token).json()
        r = SERVER.request("POST", f"/api/v1/models/{a['model']}/score", token,
                           body={"production_type": a["production_type"], "answers": a["answers"]})
        self.assertEqual(r.status, 200, r)
        self.assertAlmostEqual(r.json()["total"], a["result"]["total"], places=9)
        self.assertEqual(r.json()["level"]["id"], a["result"]["level"]["id"])
        # Nothing was saved.
        again = SERVER.request("GET", f"/api/v1/rounds/gd-2016/enterprises/{uscc}/assessment", token).json()
        self.assertEqual(again["version"], a["version"])


class SelectionTest(unittest.TestCase):
    def select(self, user, **params):
        return SERVER.request("GET", qs("/api/v1/rounds/gd-2016/selection", **params), SERVER.token(user))

    def sql(self, query, *args):
        return SERVER.sql(query, *args)

    def test_by_stage_score_and_unit(self):
        r = self.select("guangdong", min_level="integration")
        self.assertEqual(r.status, 200, r)
        d = r.json()
        expected = self.sql("SELECT COUNT(*) FROM assessments WHERE round_code='gd-2016' AND "
                            "status IN ('approved','submitted') AND level_index >= 2")[0][0]
        self.assertEqual(d["matched"], expected)
        self.assertTrue(all(i["level"]["id"] in ("integration", "innovation") for i in d["items"]))
        totals = [i["total"] for i in d["items"]]
        self.assertEqual(totals, sorted(totals, reverse=True))
        d = self.select("guangdong", min_total=70, unit="440300").json()
        self.assertTrue(d["items"])
        self.assertTrue(all(i["total"] >= 70 and i["unit_code"] == "440300" for i in d["items"]))
        expected = self.sql("SELECT COUNT(*) FROM assessments WHERE round_code='gd-2016' AND "
                            "status IN ('approved','submitted') AND total >= 70 AND unit_code='440300'")[0][0]
        self.assertEqual(d["matched"], expected)

    def test_by_key_indicator_and_csv(self):
        import json
        with open(os.path.join(os.path.dirname(__file__), "..", "..", "models", "gbt23020-2013",
                               "model.json"), encoding="utf-8") as f:
            key = next(k["id"] for k in json.load(f)["key_indicators"] if k["type"] == "bool")
        d = self.select("guangdong", key_indicator=key).json()
        self.assertGreater(d["matched"], 0)
        self.assertLess(d["matched"], 1531)
        r = self.select("guangdong", min_level="innovation", format="csv")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.body.startswith(b"\xef\xbb\xbf"))
        lines = r.body.decode("utf-8-sig").strip().split("\r\n")
        self.assertTrue(lines[0].startswith("统一社会信用代码,企业名称"))
        self.assertTrue(all(l.endswith("创新突破") for l in lines[1:]))

    def test_refusals(self):
        for user in ("guangzhou", "association", "enterprise"):
            self.assertEqual(self.select(user).status, 403, user)
        self.assertEqual(self.select("guangdong", min_level="top").status, 422)
        self.assertEqual(self.select("guangdong", min_total=101).status, 422)
        self.assertEqual(self.select("guangdong", key_indicator="nope").status, 422)
        self.assertEqual(self.select("guangdong", unit="110000").status, 404)


if __name__ == "__main__":
    unittest.main()
