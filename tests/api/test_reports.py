"""The yearly work report (GET /api/v1/reports/yearly, POST …/yearly/pdf) on
the guangdong-2016 scenario (rounds gd-2015 and gd-2016): the Word document
converted back to text by LibreOffice and the PDF by pdftotext show the same
figures as the progress table (附件2, with the change since 2015) and the
data map, withheld groups as "—", a support measure's before/after and a
typical case; a city's report is its own region's; refusals by name."""
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server  # noqa: E402

SERVER = Server()


def setUpModule():
    SERVER.start("guangdong-2016")


def tearDownModule():
    SERVER.stop()


def req(method, path, who, body=None):
    return SERVER.request(method, path, SERVER.token(who), body=body)


def docx_text(body):
    """The text LibreOffice reads from a .docx: one paragraph or cell per line."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "report.docx")
        with open(path, "wb") as f:
            f.write(body)
        subprocess.run(["soffice", f"-env:UserInstallation=file://{d}/profile", "--headless", "--convert-to",
                        "txt:Text", "--outdir", d, path], check=True, capture_output=True, timeout=180)
        with open(os.path.join(d, "report.txt"), encoding="utf-8-sig") as f:
            return [line.strip() for line in f.read().splitlines()]


class YearlyReport(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # A measure of 2015 with three enterprises, and a typical case.
        sel = req("GET", "/api/v1/rounds/gd-2015/selection", "guangdong").json()["items"][:3]
        m = req("POST", "/api/v1/support-measures", "guangdong",
                body={"name": "2015年省级两化融合专项资金", "kind": "fund", "year": 2015, "amount_10k_yuan": 600})
        assert m.status == 201, m
        cls.measure = m.json()
        r = req("POST", f"/api/v1/support-measures/{cls.measure['id']}/recipients", "guangdong",
                body={"items": [{"uscc": e["uscc"]} for e in sel]})
        assert r.status == 200, r
        cls.case_enterprise = sel[0]
        r = req("POST", "/api/v1/support-measures", "shenzhen",
                body={"name": "深圳市两化融合服务券", "kind": "voucher", "year": 2016})
        assert r.status == 201, r
        r = req("PUT", f"/api/v1/typical-cases/2016/{sel[0]['uscc']}", "guangdong",
                body={"title": "以评促建建成智能工厂", "text": "对标找差，补齐生产管控短板。"})
        assert r.status == 200, r
        r = req("GET", "/api/v1/reports/yearly?year=2016&format=docx", "guangdong")
        assert r.status == 200, r
        cls.docx = r
        cls.lines = docx_text(r.body)

    def rows_after(self, caption):
        """The lines of the table whose caption contains `caption`."""
        start = next(i for i, line in enumerate(self.lines) if caption in line and line.startswith("表"))
        return self.lines[start + 1:]

    def test_the_word_document_holds_the_progress_table_and_its_change_since_last_year(self):
        self.assertIn("wordprocessingml", self.docx.headers["Content-Type"])
        self.assertIn("filename*=UTF-8''", self.docx.headers["Content-Disposition"])
        self.assertEqual(self.lines[0], "广东省2016年两化融合评估诊断和对标引导工作报告")
        now = req("GET", "/api/v1/rounds/gd-2016/progress?as_of=2016-12-31", "guangdong").json()
        before = req("GET", "/api/v1/rounds/gd-2015/progress?as_of=2015-12-31", "guangdong").json()
        last = {r["unit_code"]: r["completed"] for r in before["rows"]}
        lines = self.rows_after("各地评估进展")
        header = lines[:8]
        self.assertEqual(header, ["属地", "参与评估数", "完成评估数", "目标", "完成率", "排名", "上年完成评估数",
                                  "较上年变化"])
        cells = lines[8:8 + 8 * (1 + len(now["rows"]))]
        self.assertEqual(cells[:3], ["全省", str(now["total"]["participating"]), str(now["total"]["completed"])])
        self.assertEqual(cells[6:8], [str(before["total"]["completed"]),
                                      f"{now['total']['completed'] - before['total']['completed']:+d}"])
        for i, row in enumerate(now["rows"], 1):
            got = cells[8 * i:8 * i + 8]
            change = row["completed"] - last[row["unit_code"]]
            self.assertEqual(got[:3], [row["unit_name"], str(row["participating"]), str(row["completed"])], got)
            self.assertEqual(got[6:], [str(last[row["unit_code"]]), f"{change:+d}" if change else "0"], got)
            self.assertEqual(got[5], str(row["rank"]) if row.get("rank") else "—")
        # The summary says the same totals, in 中文.
        summary = self.lines[self.lines.index("一、总体情况") + 1]
        self.assertIn(f"共有{now['total']['participating']}家企业参与", summary)
        self.assertIn(f"完成评估{now['total']['completed']}家", summary)
        self.assertIn(f"较上年（{before['total']['completed']}家）增加"
                      f"{now['total']['completed'] - before['total']['completed']}家", summary)

    def test_the_data_map_tables_are_the_data_maps_with_its_groups_withheld(self):
        dm = req("GET", "/api/v1/rounds/gd-2016/datamap?by=unit", "guangdong").json()
        lines = self.rows_after("各地发展水平")
        columns = 3 + len(dm["levels"])
        total = lines[columns:2 * columns]
        self.assertEqual(total[:2], ["全省", str(dm["total"]["n"])])
        self.assertLessEqual(abs(float(total[2]) - dm["total"]["mean_total"]), 0.0501)
        names = {u["code"]: u["name"] for u in req("GET", "/api/v1/units", "guangdong").json()["items"]}
        rows = [lines[columns * (i + 2):columns * (i + 3)] for i in range(len(dm["cells"]))]
        withheld = 0
        for cell, got in zip(dm["cells"], rows):
            self.assertEqual(got[0], names[cell["key"]])
            if cell.get("n") is None:
                withheld += 1
                self.assertEqual(set(got[1:]), {"—"}, got)
            else:
                self.assertEqual(got[1], str(cell["n"]), got)
                # The data map answers two decimals, the report shows one.
                self.assertLessEqual(abs(float(got[2]) - cell["mean_total"]), 0.0501, got)
        self.assertGreater(withheld, 0, "the scenario has a group under k (韶关)")
        summary = self.lines[self.lines.index("一、总体情况") + 1]
        self.assertIn(f"平均总分{total[2]}分", summary)  # the table's own figure

    def test_policy_linkage_and_typical_cases_are_reported(self):
        effect = req("GET", f"/api/v1/support-measures/{self.measure['id']}/effect", "guangdong").json()
        lines = self.rows_after("政策支持措施")
        row = lines[lines.index(self.measure["name"]):][:8]
        self.assertEqual(row[1:5], ["专项资金", "2015", "600.00", "3"])
        self.assertEqual(row[5], f"{effect['recipients']['change']['total']:+.2f}")
        self.assertTrue(any("以评促建建成智能工厂" in line and self.case_enterprise["name"] in line
                            for line in self.lines))

    def test_the_pdf_is_printed_by_a_job_with_the_same_figures(self):
        r = req("POST", "/api/v1/reports/yearly/pdf?year=2016", "guangdong")
        self.assertEqual(r.status, 202, r)
        job = r.json()["job"]
        deadline = time.time() + 90
        while True:
            state = req("GET", f"/api/v1/jobs/{job['id']}", "guangdong").json()
            if state["status"] in ("done", "failed") or time.time() > deadline:
                break
            time.sleep(0.3)
        self.assertEqual(state["status"], "done", state)
        pdf = req("GET", state["result_url"], "guangdong")
        self.assertTrue(pdf.body.startswith(b"%PDF-"))
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(pdf.body)
            f.flush()
            text = subprocess.run(["pdftotext", "-enc", "UTF-8", f.name, "-"], check=True,
                                  capture_output=True).stdout.decode("utf-8")
        now = req("GET", "/api/v1/rounds/gd-2016/progress?as_of=2016-12-31", "guangdong").json()
        self.assertIn("两化融合评估诊断和对标引导工作报告", re.sub(r"\s", "", text))
        self.assertIn(f"完成评估{now['total']['completed']}家", re.sub(r"\s", "", text))

    def test_a_city_reports_on_its_own_region_only_and_refusals_say_why(self):
        r = req("GET", "/api/v1/reports/yearly?year=2016", "guangzhou")
        self.assertEqual(r.status, 200, r)
        self.assertIn("广州市2016年两化融合评估诊断和对标引导工作报告", r.text)
        self.assertNotIn("深圳市", r.text)
        self.assertIn("Content-Security-Policy", r.headers)
        self.assertEqual(req("GET", "/api/v1/reports/yearly?year=2016&unit=440300", "guangzhou").status, 404)
        # The ministry's report of one city holds that city's measures only.
        r = req("GET", "/api/v1/reports/yearly?year=2016&unit=440100", "ministry")
        self.assertIn("广州市2016年", r.text)
        self.assertNotIn("深圳市", r.text)
        self.assertIn("应报送联系人表的单位1个，已报送0个，未报送：广州市。", r.text)
        self.assertIn("深圳市两化融合服务券", req("GET", "/api/v1/reports/yearly?year=2016", "guangdong").text)
        self.assertEqual(req("GET", "/api/v1/reports/yearly?year=2016", "enterprise").status, 403)
        for path, field in (("?unit=440000", "year"), ("?year=2030&unit=440000", "year"), ("?year=2016", "unit"),
                            ("?year=2016&unit=999999", "unit"), ("?year=2016&unit=440000&format=pdf", "format")):
            r = req("GET", "/api/v1/reports/yearly" + path, "ministry")
            self.assertEqual((r.status, r.json()["error"]["field"]), (422, field), path)
        r = req("GET", "/api/v1/reports/yearly?year=2014&unit=440000", "ministry")
        self.assertEqual(r.status, 404)
        self.assertIn("2014", r.json()["error"]["message"])


if __name__ == "__main__":
    unittest.main()
