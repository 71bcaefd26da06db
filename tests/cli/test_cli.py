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
        self.assertIn("本次应用 2 个迁移", first.stdout)
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


if __name__ == "__main__":
    unittest.main()
