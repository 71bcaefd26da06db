"""Command-line tests of build/rongping: exit codes, usage errors, import
with good and bad rows from CSV and XLSX, user add, idempotent migrate/demo.

Standard library only. RONGPING_BIN overrides the binary path.
"""
import io
import os
import shutil
import sqlite3
import subprocess
import tempfile
import unittest
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("RONGPING_BIN", os.path.join(ROOT, "build", "rongping"))
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def uscc(division, n):
    first = "91" + division + f"{n:08d}" + "X"
    total = sum(ALPHABET.index(c) * w for c, w in zip(first, WEIGHTS))
    return first + ALPHABET[(31 - total % 31) % 31]


def run(*args, stdin=None):
    return subprocess.run([BIN, *args], input=stdin, capture_output=True, text=True, timeout=120)


HEADER = "uscc,name,unit_code,industry_code,production_type,employees,revenue_10k_yuan"


def mixed_rows():
    bad_check = uscc("440300", 2)
    bad_check = bad_check[:-1] + ("1" if bad_check[-1] != "1" else "2")
    return [
        HEADER.split(","),
        [uscc("440100", 1), "广州甲电子有限公司", "440100", "39", "discrete_mass", "120", "3500"],
        [bad_check, "深圳乙有限公司", "440300", "39", "discrete_mass", "80", "2100"],
        [uscc("440606", 3), "顺德丙电器有限公司", "440606", "38", "离散大批量", "400", "12000"],
        [uscc("440300", 4), "某公司", "999999", "39", "process", "10", "100"],
    ]


def write_csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        for r in rows:
            f.write(",".join(r) + "\r\n")


def write_xlsx(path, rows):
    """A minimal .xlsx with inline strings, as a spreadsheet program saves."""

    def col(i):
        return chr(ord("A") + i)

    sheet_rows = []
    for r, cells in enumerate(rows, start=1):
        xml_cells = "".join(
            f'<c r="{col(c)}{r}" t="inlineStr"><is><t>{v}</t></is></c>' for c, v in enumerate(cells)
        )
        sheet_rows.append(f'<row r="{r}">{xml_cells}</row>')
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(sheet_rows)}</sheetData></worksheet>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        z.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="企业" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>",
        )
        z.writestr("xl/worksheets/sheet1.xml", sheet)


class CliTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="rongping-cli-")
        self.db_path = os.path.join(self.dir, "t.db")
        self.db = "sqlite:" + self.db_path

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def count(self, sql):
        with sqlite3.connect(self.db_path) as c:
            return c.execute(sql).fetchone()[0]

    def test_help_and_usage_errors_exit_2(self):
        self.assertEqual(run("--help").returncode, 0)
        self.assertEqual(run().returncode, 2)
        self.assertEqual(run("no-such-command").returncode, 2)
        r = run("migrate", "--db", "mysql://x")
        self.assertEqual(r.returncode, 2)
        self.assertIn("sqlite:PATH", r.stderr)
        self.assertEqual(run("demo", "--db", self.db, "--scenario", "nope").returncode, 2)

    def test_migrate_twice_is_safe(self):
        first = run("migrate", "--db", self.db)
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertIn("0 → 19（本次应用 19 个迁移）", first.stdout)  # one per numbered migration
        second = run("migrate", "--db", self.db)
        self.assertEqual(second.returncode, 0, second.stderr)
        self.assertIn("本次应用 0 个迁移", second.stdout)

    def check_mixed_import(self, path):
        run("migrate", "--db", self.db)
        r = run("import", "--db", self.db, "enterprises", path)
        self.assertEqual(r.returncode, 1, r.stderr)
        lines = [l for l in r.stderr.splitlines() if l.startswith("第")]
        self.assertEqual(len(lines), 2, r.stderr)
        self.assertTrue(lines[0].startswith("第3行 uscc："), lines[0])
        self.assertIn("第18位校验码", lines[0])
        self.assertTrue(lines[1].startswith("第5行 unit_code："), lines[1])
        self.assertIn("未写入任何数据", r.stderr)
        self.assertEqual(self.count("SELECT COUNT(*) FROM enterprises"), 0)

        r = run("import", "--db", self.db, "enterprises", path, "--skip-invalid")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("新增 2", r.stdout)
        self.assertEqual(self.count("SELECT COUNT(*) FROM enterprises"), 2)
        self.assertEqual(
            self.count("SELECT COUNT(*) FROM enterprises WHERE unit_code='440606' AND size_class='medium'"), 1
        )
        r = run("import", "--db", self.db, "enterprises", path, "--skip-invalid")
        self.assertIn("新增 0，更新 0，未变 2", r.stdout)

    def test_import_csv_with_good_and_bad_rows(self):
        path = os.path.join(self.dir, "e.csv")
        write_csv(path, mixed_rows())
        self.check_mixed_import(path)

    def test_import_xlsx_with_good_and_bad_rows(self):
        path = os.path.join(self.dir, "e.xlsx")
        write_xlsx(path, mixed_rows())
        self.check_mixed_import(path)

    def test_import_gbk_csv_as_saved_by_chinese_excel(self):
        path = os.path.join(self.dir, "gbk.csv")
        rows = mixed_rows()[:2]
        with open(path, "w", encoding="gb18030", newline="") as f:
            for r in rows:
                f.write(",".join(r) + "\r\n")
        run("migrate", "--db", self.db)
        r = run("import", "--db", self.db, "enterprises", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.count("SELECT COUNT(*) FROM enterprises WHERE name='广州甲电子有限公司'"), 1)

    def test_import_rejects_broken_files(self):
        run("migrate", "--db", self.db)
        bad = os.path.join(self.dir, "bad.xlsx")
        with open(bad, "wb") as f:
            f.write(b"PK\x03\x04" + os.urandom(2000))
        r = run("import", "--db", self.db, "enterprises", bad)
        self.assertEqual(r.returncode, 1)
        self.assertIn("xlsx", r.stderr.lower())
        txt = os.path.join(self.dir, "e.txt")
        with open(txt, "w") as f:
            f.write("x")
        self.assertNotEqual(run("import", "--db", self.db, "enterprises", txt).returncode, 0)
        self.assertEqual(run("import", "--db", self.db, "enterprises", "/nonexistent.csv").returncode, 2)
        self.assertEqual(self.count("SELECT COUNT(*) FROM enterprises"), 0)

    def test_user_add_reads_password_from_stdin_and_validates_scope(self):
        run("migrate", "--db", self.db)
        ok = run("user", "add", "--db", self.db, "--username", "gz_admin", "--role", "unit",
                 "--scope", "440100", "--password-hash-cost", "minimum", stdin="Secret123\n")
        self.assertEqual(ok.returncode, 0, ok.stderr)
        with sqlite3.connect(self.db_path) as c:
            h = c.execute("SELECT password_hash FROM users WHERE username='gz_admin'").fetchone()[0]
        self.assertTrue(h.startswith("$argon2id$"))
        self.assertNotIn("Secret123", h)
        dup = run("user", "add", "--db", self.db, "--username", "gz_admin", "--role", "unit",
                  "--scope", "440100", stdin="Secret123\n")
        self.assertEqual(dup.returncode, 1)
        self.assertIn("已存在", dup.stderr)
        bad_scope = run("user", "add", "--db", self.db, "--username", "x_admin", "--role", "unit",
                        "--scope", "999999", stdin="Secret123\n")
        self.assertEqual(bad_scope.returncode, 1)
        bad_role = run("user", "add", "--db", self.db, "--username", "y_admin", "--role", "king",
                       stdin="Secret123\n")
        self.assertEqual(bad_role.returncode, 2)
        weak = run("user", "add", "--db", self.db, "--username", "z_admin", "--role", "ministry",
                   stdin="short\n")
        self.assertEqual(weak.returncode, 1)
        self.assertEqual(self.count("SELECT COUNT(*) FROM users"), 1)

    def test_demo_is_realistic_and_idempotent(self):
        r = run("demo", "--db", self.db, "--password-hash-cost", "minimum")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Rongping2016", r.stdout)
        n = self.count("SELECT COUNT(*) FROM enterprises")
        self.assertGreaterEqual(n, 2000)
        # Every one of Guangdong's 22 reporting units has enterprises.
        self.assertEqual(self.count("SELECT COUNT(DISTINCT unit_code) FROM enterprises"), 22)
        self.assertEqual(self.count("SELECT COUNT(*) FROM users"), 9)
        again = run("demo", "--db", self.db, "--password-hash-cost", "minimum")
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertEqual(self.count("SELECT COUNT(*) FROM enterprises"), n)
        self.assertEqual(self.count("SELECT COUNT(*) FROM users"), 9)


def annex2():
    """The seed notice's 附件2 as {unit name: (participating, completed)}."""
    path = os.path.join(ROOT, "data", "reference", "guangdong-2016-progress.csv")
    with open(path, encoding="utf-8") as f:
        rows = [line.strip().split(",") for line in f if line.strip()]
    return {r[0]: (int(r[1]), int(r[2])) for r in rows[1:]}


class TrialTest(unittest.TestCase):
    """rongping demo --scenario trial: beside 2016, this year's open round with
    a blank questionnaire to try and a submission sent back to correct."""

    def test_an_open_round_a_blank_account_and_a_returned_one_loaded_once(self):
        import datetime
        d = tempfile.mkdtemp(prefix="rongping-trial-")
        try:
            path = os.path.join(d, "t.db")
            for _ in range(2):  # a second run changes nothing
                r = run("demo", "--db", "sqlite:" + path, "--scenario", "trial", "--password-hash-cost", "minimum")
                self.assertEqual(r.returncode, 0, r.stderr)
                for account in ("newcomer", "returned", "enterprise", "guangzhou"):
                    self.assertIn(account, r.stdout)
            # "This year" is China's (UTC+8).
            year = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).year
            with sqlite3.connect(path) as c:
                rounds = dict(c.execute("SELECT code, opens_on || ' ' || closes_on FROM rounds").fetchall())
                self.assertEqual(rounds.get(f"trial-{year}"), f"{year}-01-01 {year}-12-31")
                self.assertIn("gd-2016", rounds)
                scope = dict(c.execute("SELECT username, scope_code FROM users "
                                       "WHERE username IN ('newcomer', 'returned')").fetchall())
                self.assertEqual(set(scope), {"newcomer", "returned"})
                rows = c.execute("SELECT a.uscc, a.status, a.review_reason, COUNT(ev.id) FROM assessments a "
                                 "JOIN assessment_events ev ON ev.assessment_id = a.id "
                                 "WHERE a.round_code = ? GROUP BY a.id", (f"trial-{year}",)).fetchall()
                self.assertEqual(len(rows), 1, rows)  # the newcomer's is blank: none yet
                uscc, status, reason, events = rows[0]
                self.assertEqual(uscc, scope["returned"])
                self.assertEqual(status, "rejected")
                self.assertIn("重新提交", reason)
                self.assertEqual(events, 3)  # drafted, submitted, sent back: once
        finally:
            shutil.rmtree(d, ignore_errors=True)


class Guangdong2016Test(unittest.TestCase):
    """rongping demo --scenario guangdong-2016 reproduces 附件2 exactly."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="rongping-gd2016-")
        cls.db = "sqlite:" + os.path.join(cls.dir, "t.db")
        r = run("demo", "--db", cls.db, "--scenario", "guangdong-2016", "--password-hash-cost", "minimum")
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def export(self, fmt, *extra):
        out = os.path.join(self.dir, "progress." + fmt)
        r = run("export", "--db", self.db, "progress", "--round", "gd-2016", "--format", fmt,
                "--out", out, "--as-of", "2016-06-30", *extra)
        self.assertEqual(r.returncode, 0, r.stderr)
        return out

    def test_yearly_report_as_a_page_and_a_word_document(self):
        r = run("report", "yearly", "--db", self.db, "--year", "2016", "--scope", "440000")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("<h1>广东省2016年两化融合评估诊断和对标引导工作报告</h1>", r.stdout)
        self.assertIn("较上年变化", r.stdout)
        out = os.path.join(self.dir, "report.docx")
        r = run("report", "yearly", "--db", self.db, "--year", "2016", "--scope", "440300", "--format", "docx",
                "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with zipfile.ZipFile(out) as z:
            self.assertIn("深圳市2016年两化融合评估诊断和对标引导工作报告", z.read("word/document.xml").decode("utf-8"))
        r = run("report", "yearly", "--db", self.db, "--year", "2016", "--scope", "440000", "--format", "docx")
        self.assertEqual(r.returncode, 2, r.stderr)  # a Word document needs --out
        r = run("report", "yearly", "--db", self.db, "--year", "2014", "--scope", "440000")
        self.assertEqual(r.returncode, 1)
        self.assertIn("2014", r.stderr)

    def test_support_recipients_import_is_all_or_nothing_and_names_the_rows(self):
        path = self.db[len("sqlite:"):]
        with sqlite3.connect(path) as c:
            cur = c.execute("INSERT INTO support_measures (name, kind, year, unit_code, note, created_by, created_at, "
                            "updated_at, version) VALUES ('广州市服务券', 'voucher', 2016, '440100', '', 'test', "
                            "'2016-07-01T00:00:00Z', '2016-07-01T00:00:00Z', 1)")
            measure = cur.lastrowid
            gz = [u for (u,) in c.execute("SELECT uscc FROM enterprises WHERE unit_code = '440100' ORDER BY uscc "
                                          "LIMIT 2")]
            [sz] = c.execute("SELECT uscc FROM enterprises WHERE unit_code = '440300' LIMIT 1").fetchone()
        bad = os.path.join(self.dir, "recipients-bad.csv")
        write_csv(bad, [["统一社会信用代码", "金额（万元）"], [gz[0], "3"], [sz, "3"], [gz[1], "三"]])
        r = run("import", "--db", self.db, "support-recipients", bad, "--measure", str(measure))
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("第3行 统一社会信用代码", r.stderr)  # 深圳's enterprise, outside 广州's measure
        self.assertIn("第4行 金额（万元）", r.stderr)
        with sqlite3.connect(path) as c:
            self.assertEqual(c.execute("SELECT COUNT(*) FROM support_recipients").fetchone()[0], 0)
        good = os.path.join(self.dir, "recipients.csv")
        write_csv(good, [["统一社会信用代码", "金额（万元）"], [gz[0], "3"], [gz[1], "2.5"]])
        r = run("import", "--db", self.db, "support-recipients", good, "--measure", str(measure))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("新增 2", r.stdout)
        r = run("import", "--db", self.db, "support-recipients", good)  # which measure?
        self.assertEqual(r.returncode, 2, r.stderr)
        r = run("import", "--db", self.db, "support-recipients", good, "--measure", "999999")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("支持措施不存在", r.stderr)

    def test_json_export_matches_all_44_unit_figures_and_the_totals(self):
        import json
        with open(self.export("json"), encoding="utf-8") as f:
            table = json.load(f)
        expected = annex2()
        got = {row["unit_name"]: (row["participating"], row["completed"]) for row in table["rows"]}
        got["全省"] = (table["total"]["participating"], table["total"]["completed"])
        self.assertEqual(len(got), 23)
        self.assertEqual(got, expected)
        # 佛山市 excludes 顺德区 and the total counts 顺德 once: the 21 cities
        # sum to 1955/1429 and 顺德 adds 129/102.
        cities = [v for k, v in got.items() if k not in ("全省", "顺德区")]
        self.assertEqual(sum(p for p, _ in cities), 1955)
        self.assertEqual(sum(c for _, c in cities), 1429)
        targets = {row["unit_name"]: row["target"] for row in table["rows"]}
        self.assertEqual(targets["广州市"], 400)
        self.assertEqual(targets["云浮市"], 200)
        self.assertIsNone(targets["顺德区"])
        # National rule: at least 1000 or 50% of 42,134 above-scale: 1000.
        self.assertEqual(table["total"]["target"], 1000)
        self.assertTrue(table["total"]["target_met"])

    def test_csv_export_opens_in_excel_form(self):
        with open(self.export("csv"), encoding="utf-8-sig", newline="") as f:
            lines = f.read().split("\r\n")
        self.assertEqual(lines[0].split(",")[:3], ["属地", "参与评估数", "完成评估数"])
        self.assertEqual(lines[1].split(",")[:3], ["全省", "2084", "1531"])
        rows = {l.split(",")[0]: (int(l.split(",")[1]), int(l.split(",")[2])) for l in lines[1:] if l}
        self.assertEqual(rows, annex2())

    def test_xlsx_export_read_back_by_libreoffice(self):
        soffice = shutil.which("soffice")
        self.assertIsNotNone(soffice, "scripts/install-deps installs libreoffice-calc-nogui")
        xlsx = self.export("xlsx")
        out = os.path.join(self.dir, "lo")
        profile = "file://" + os.path.join(self.dir, "lo-profile")
        r = subprocess.run([soffice, "-env:UserInstallation=" + profile, "--headless", "--convert-to",
                            "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", out, xlsx],
                           capture_output=True, text=True, timeout=180)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(out, "progress.csv"), encoding="utf-8") as f:
            lines = [l.strip() for l in f if l.strip()]
        rows = {}
        for l in lines[2:]:
            cells = l.split(",")
            if len(cells) >= 3 and cells[1].isdigit():
                rows[cells[0]] = (int(cells[1]), int(cells[2]))
        self.assertEqual(rows, annex2())

    def test_second_run_changes_nothing(self):
        r = run("demo", "--db", self.db, "--scenario", "guangdong-2016", "--password-hash-cost", "minimum")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("新增企业 0", r.stdout)
        import json
        with open(self.export("json"), encoding="utf-8") as f:
            table = json.load(f)
        self.assertEqual((table["total"]["participating"], table["total"]["completed"]), (2084, 1531))

    def test_bad_export_usage(self):
        self.assertEqual(run("export", "--db", self.db, "progress", "--round", "gd-2016", "--format", "pdf").returncode, 2)
        r = run("export", "--db", self.db, "progress", "--round", "nope")
        self.assertEqual(r.returncode, 1)
        self.assertIn("不存在", r.stderr)


    def test_benchmark_pack_export_and_import_into_another_installation(self):
        import json
        import sqlite3
        pack_file = os.path.join(self.dir, "pack.json")
        r = run("export", "--db", self.db, "benchmarks", "--round", "gd-2016", "--out", pack_file,
                "--installation", "广东省两化融合服务平台")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("个分组", r.stderr)
        with open(pack_file, encoding="utf-8") as f:
            pack = json.load(f)
        self.assertEqual(pack["source"]["installation"], "广东省两化融合服务平台")
        self.assertEqual(pack["source"]["scope"], "广东省")
        other_path = os.path.join(self.dir, "other.db")
        other = "sqlite:" + other_path
        self.assertEqual(run("migrate", "--db", other).returncode, 0)
        r = run("import", "--db", other, "benchmarks", pack_file)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f"{len(pack['groups'])} 个分组", r.stdout)

        def stored():
            with sqlite3.connect(other_path) as c:
                return c.execute("SELECT model_id, digest, loaded_by FROM benchmark_packs").fetchall()
        before = stored()
        self.assertEqual([(m, who) for m, _, who in before], [("gbt23020-2013", "cli:import")])
        # Another model version: refused with both versions named, nothing changed.
        pack["model"].update({"version": "0.9.0", "hash": "1" * 64})
        bad_file = os.path.join(self.dir, "bad-pack.json")
        with open(bad_file, "w", encoding="utf-8") as f:
            json.dump(pack, f, ensure_ascii=False)
        r = run("import", "--db", other, "benchmarks", bad_file)
        self.assertEqual(r.returncode, 1)
        self.assertIn("0.9.0", r.stderr)
        self.assertIn("不能导入", r.stderr)
        self.assertEqual(stored(), before)
        # A round with no such model, and one that does not exist.
        r = run("export", "--db", self.db, "benchmarks", "--round", "gd-2016", "--model", "sme-digital-2022")
        self.assertEqual(r.returncode, 1)
        self.assertIn("没有模型", r.stderr)
        self.assertEqual(run("export", "--db", self.db, "benchmarks", "--round", "nope").returncode, 1)


class ImportAssessmentsAndTargetsTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="rongping-imp-")
        self.db_path = os.path.join(self.dir, "t.db")
        self.db = "sqlite:" + self.db_path
        r = run("demo", "--db", self.db, "--scenario", "guangdong-2016", "--password-hash-cost", "minimum")
        self.assertEqual(r.returncode, 0, r.stderr)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def count(self, sql):
        with sqlite3.connect(self.db_path) as c:
            return c.execute(sql).fetchone()[0]

    def test_targets_import_validates_every_row(self):
        path = os.path.join(self.dir, "t.csv")
        write_csv(path, [["round", "unit_code", "rule"], ["gd-2016", "440606", "min_completed:100"],
                         ["gd-2016", "999999", "min_completed:1"], ["gd-2016", "440100", "min_x:1"]])
        r = run("import", "--db", self.db, "targets", path)
        self.assertEqual(r.returncode, 1)
        self.assertIn("第3行 unit_code", r.stderr)
        self.assertIn("第4行 rule", r.stderr)
        self.assertEqual(self.count("SELECT COUNT(*) FROM targets WHERE unit_code='440606'"), 0)
        write_csv(path, [["round", "unit_code", "rule"], ["gd-2016", "440606", "min_completed:100"]])
        self.assertEqual(run("import", "--db", self.db, "targets", path).returncode, 0)
        self.assertEqual(self.count("SELECT rule FROM targets WHERE unit_code='440606'"), "min_completed:100")

    def test_units_import_validates_every_code_and_writes_nothing_partial(self):
        path = os.path.join(self.dir, "u.csv")
        header = ["code", "name", "parent_code", "kind", "group"]
        write_csv(path, [header, ["440606", "顺德区（改）", "440600", "district", "珠三角"],
                         ["44060", "五位", "440600", "district", ""],
                         ["000100", "无省", "", "province", ""],
                         ["440012", "无地级的区县", "440000", "county", ""],
                         ["440607", "父级错", "4406", "district", ""]])
        r = run("import", "--db", self.db, "units", path)
        self.assertEqual(r.returncode, 1)
        for text in ("第3行 code：应为6位数字的行政区划代码", "第4行 code：行政区划代码的前两位（省级）不能为00",
                     "第5行 code：行政区划代码的中间两位（地级）为00时，后两位也应为00",
                     "第6行 parent_code：应为6位数字的行政区划代码，或留空"):
            self.assertIn(text, r.stderr)
        self.assertEqual(self.count("SELECT name FROM units WHERE code='440606'"), "顺德区")
        write_csv(path, [header, ["440606", "顺德区（改）", "440600", "district", "珠三角"]])
        r = run("import", "--db", self.db, "units", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.count("SELECT name FROM units WHERE code='440606'"), "顺德区（改）")

    def test_gen_output_imports_cleanly(self):
        out = os.path.join(self.dir, "gen")
        r = run("gen", "--enterprises", "300", "--rounds", "1", "--seed", "7", "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("集成提升", r.stdout)
        again = os.path.join(self.dir, "gen2")
        run("gen", "--enterprises", "300", "--rounds", "1", "--seed", "7", "--out", again)
        for name in ("enterprises.csv", "assessments.jsonl"):
            with open(os.path.join(out, name), "rb") as a, open(os.path.join(again, name), "rb") as b:
                self.assertEqual(a.read(), b.read(), name + " differs for the same seed")
        before = self.count("SELECT COUNT(*) FROM assessments")
        r = run("import", "--db", self.db, "enterprises", os.path.join(out, "enterprises.csv"))
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run("import", "--db", self.db, "assessments", os.path.join(out, "assessments.jsonl"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.count("SELECT COUNT(*) FROM assessments") - before, 300)
        self.assertEqual(run("gen", "--enterprises", "-1", "--out", out).returncode, 2)

    def test_consistency_rules_in_import_score_and_model_check(self):
        import json
        out = os.path.join(self.dir, "gen-rules")
        self.assertEqual(run("gen", "--enterprises", "40", "--rounds", "1", "--seed", "3", "--out", out).returncode, 0)
        self.assertEqual(run("import", "--db", self.db, "enterprises", os.path.join(out, "enterprises.csv")).returncode, 0)
        with open(os.path.join(out, "assessments.jsonl"), encoding="utf-8") as f:
            rows = [json.loads(l) for l in f if l.strip()]
        submitted = [r for r in rows if r["status"] != "draft"]
        self.assertTrue(submitted)
        # Said not to do service manufacturing, yet a fifth of revenue from it.
        bad = dict(submitted[0], answers=dict(submitted[0]["answers"], service_mfg=False, service_revenue_share=20))
        path = os.path.join(self.dir, "bad.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            f.write(json.dumps(bad, ensure_ascii=False) + "\n")
        before = self.count("SELECT COUNT(*) FROM assessments")
        r = run("import", "--db", self.db, "assessments", path)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("第1行", r.stderr)
        self.assertIn("no_service_mfg_no_service_revenue", r.stderr)
        self.assertEqual(self.count("SELECT COUNT(*) FROM assessments"), before)
        # As a draft it is accepted: drafts may be inconsistent while being filled in.
        with open(path, "w", encoding="utf-8") as f:
            f.write(json.dumps(dict(bad, status="draft"), ensure_ascii=False) + "\n")
        self.assertEqual(run("import", "--db", self.db, "assessments", path).returncode, 0)
        # `rongping score` reports the broken rules.
        answers = os.path.join(self.dir, "answers.json")
        with open(answers, "w", encoding="utf-8") as f:
            json.dump(bad["answers"], f, ensure_ascii=False)
        r = run("score", "--model", "gbt23020-2013", answers)
        self.assertEqual(r.returncode, 0, r.stderr)
        rules = json.loads(r.stdout)["consistency"]
        self.assertIn({"id": "no_service_mfg_no_service_revenue", "severity": "error"},
                      [{"id": c["id"], "severity": c["severity"]} for c in rules])
        r = run("model", "check", os.path.join(ROOT, "models", "gbt23020-2013"))
        self.assertRegex(r.stdout, r"\d+ 条逻辑校验（\d+ 条阻止提交，\d+ 条提示）")

    def test_assessment_import_reports_lines_and_writes_nothing(self):
        import json
        uscc_ok = None
        with sqlite3.connect(self.db_path) as c:
            uscc_ok = c.execute("SELECT uscc FROM enterprises e WHERE NOT EXISTS (SELECT 1 FROM assessments a WHERE a.uscc = e.uscc) LIMIT 1").fetchone()[0]
        before = self.count("SELECT COUNT(*) FROM assessments")
        lines = [
            {"uscc": uscc_ok, "round": "gd-2016", "model": "gbt23020-2013", "status": "draft",
             "answers": {}, "updated_at": "2016-05-01T10:00:00+08:00"},
            {"uscc": uscc_ok[:-1] + "0", "round": "gd-2016", "model": "gbt23020-2013", "status": "draft",
             "answers": {}, "updated_at": "2016-05-01T10:00:00+08:00"},
            {"uscc": uscc_ok, "round": "gd-2099", "model": "gbt23020-2013", "status": "approved",
             "answers": {"nope": 1}, "updated_at": "yesterday"},
        ]
        path = os.path.join(self.dir, "a.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for l in lines:
                f.write(json.dumps(l, ensure_ascii=False) + "\n")
            f.write("{not json\n")
        r = run("import", "--db", self.db, "assessments", path)
        self.assertEqual(r.returncode, 1, r.stdout)
        err = r.stderr
        self.assertIn("第2行", err)
        self.assertIn("第3行 round", err)
        self.assertIn("第3行 updated_at", err)
        self.assertIn("第4行", err)
        self.assertEqual(self.count("SELECT COUNT(*) FROM assessments"), before)
        r = run("import", "--db", self.db, "assessments", path, "--skip-invalid")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.count("SELECT COUNT(*) FROM assessments"), before + 1)


if __name__ == "__main__":
    unittest.main()
