#!/usr/bin/env python3
"""`rongping copy --from URL --to URL`: a whole database moved between
backends, losslessly, with row counts and checksums compared and printed.

With RONGPING_API_PG (scripts/test's PostgreSQL run) the server's database
is on PostgreSQL and the round trip goes PostgreSQL → SQLite → PostgreSQL →
SQLite, so that SQLite → PostgreSQL → SQLite is among it; without it the
copies are SQLite to SQLite. Standard library only.

    python3 tests/api/test_copy.py -v
"""
import os
import re
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import BIN, HASH_COST, Server  # noqa: E402

SERVER = Server(str_body_type="application/json")
ROW = re.compile(r"^(\w+)\s+(\d+)\s+(\d+)\s+([0-9a-f]{16})\s+([0-9a-f]{16})\s+(\S+)", re.M)


def setUpModule():
    SERVER.start("guangdong-2016", setup=_more_tables)


def tearDownModule():
    SERVER.stop()


def _more_tables():
    """Rows in the tables the scenario leaves empty: sessions, a circular (and
    its job-free snapshot), contacts, an agency grant, a pledge."""
    gd = SERVER.token("guangdong")
    r = SERVER.request("POST", "/api/v1/rounds/gd-2016/circulars", gd, body={"as_of": "2016-06-30"})
    if r.status != 201:
        raise RuntimeError(f"circular: {r!r}")
    person = {"name": "李四", "department_title": "信息化处处长", "phone": "020-83133000", "fax": "",
              "mobile": "13800138000", "email": "lisi@example.com"}
    r = SERVER.request("PUT", "/api/v1/rounds/gd-2016/contacts/440100", SERVER.token("guangzhou"),
                       body={"leader": person, "liaison": person, "platform_admin": person})
    if r.status != 200:
        raise RuntimeError(f"contacts: {r!r}")
    # A pledge confirmed with a submission (rounds of the scenario ask none).
    SERVER.sql("INSERT INTO pledges (assessment_id, at, username, text) SELECT id, submitted_at, 'enterprise', "
               "'本企业承诺：所填报的信息真实、准确。' FROM assessments WHERE submitted_at IS NOT NULL ORDER BY id LIMIT 1")


def copy(source, target):
    r = subprocess.run([BIN, "copy", "--from", source, "--to", target], capture_output=True, timeout=300)
    return r.returncode, r.stdout.decode("utf-8"), r.stderr.decode("utf-8")


class CopyTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="rongping-copy-")
        self.pg_databases = []

    def tearDown(self):
        for name in self.pg_databases:
            harness.drop_pg_database(name)
        subprocess.run(["rm", "-rf", self.dir])

    def sqlite(self, name):
        return "sqlite:" + os.path.join(self.dir, name)

    def postgres(self, name):
        name = f"{name}_{os.path.basename(self.dir).replace('-', '_').lower()}"
        self.pg_databases.append(name)
        return harness.create_pg_database(name)

    def table(self, out):
        """{table: (rows from, rows to, checksum from, checksum to, same)}"""
        return {m[0]: (int(m[1]), int(m[2]), m[3], m[4], m[5]) for m in ROW.findall(out)}

    def test_round_trip_keeps_every_row(self):
        chain = [SERVER.db_url]
        if harness.PG:
            chain += [self.sqlite("one.db"), self.postgres("copy_two"), self.sqlite("three.db")]
        else:
            chain += [self.sqlite("one.db"), self.sqlite("two.db")]
        sums = []
        for source, target in zip(chain, chain[1:]):
            code, out, err = copy(source, target)
            self.assertEqual(code, 0, err + out)
            t = self.table(out)
            self.assertGreaterEqual(len(t), 17, out)
            for name, (rows_from, rows_to, sum_from, sum_to, same) in t.items():
                self.assertEqual((rows_from, sum_from), (rows_to, sum_to), name)
                self.assertEqual(same, "是", name)
            sums.append({name: (v[0], v[2]) for name, v in t.items()})
            self.assertIn("各表行数和校验和一致", out)
        # Every copy holds what the first held; the tests' own rows are there.
        for s in sums[1:]:
            self.assertEqual(s, sums[0])
        for name in ("assessments", "enterprises", "audit_log", "circulars", "contacts", "sessions", "users"):
            self.assertGreater(sums[0][name][0], 0, name)
        # Keys assigned after a copy continue after the highest copied.
        last = chain[-1] if not harness.PG else chain[2]
        r = subprocess.run([BIN, "user", "add", "--db", last, "--username", "after_copy", "--role", "unit",
                            "--scope", "440100"] + HASH_COST, input=b"Rongping2016\n", capture_output=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr.decode("utf-8"))

    def test_refusals_write_nothing(self):
        target = self.sqlite("target.db")
        code, out, err = copy(SERVER.db_url, target)
        self.assertEqual(code, 0, err)
        before = self.table(out)
        # Into a database that is not empty: refused, and it is unchanged.
        code, out, err = copy(SERVER.db_url, target)
        self.assertEqual(code, 1)
        self.assertIn("已有", err)
        self.assertIn("新的空数据库", err)
        code, out, err = copy(target, self.sqlite("again.db"))
        self.assertEqual(code, 0, err)
        self.assertEqual({k: v[1] for k, v in self.table(out).items()}, {k: v[1] for k, v in before.items()})
        # The same database twice, a URL of no known kind, a server that does not answer.
        code, _, err = copy(target, target)
        self.assertEqual(code, 2)
        self.assertIn("同一个数据库", err)
        code, _, err = copy("mysql://localhost/x", self.sqlite("x.db"))
        self.assertEqual(code, 2)
        self.assertIn("无法识别的数据库地址", err)
        code, _, err = copy(target, "postgresql://nobody:secret@127.0.0.1:1/none")
        self.assertEqual(code, 1)
        self.assertIn("无法连接数据库", err)
        self.assertNotIn("secret", err)


if __name__ == "__main__":
    unittest.main()
