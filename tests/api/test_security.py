#!/usr/bin/env python3
"""Regression tests of rongping's (融评) security defences, one per finding of
the security review (docs/SECURITY.md lists each defence and its test), run
against a real server:

  - static files come only from the built web app's in-memory table: no
    spelling of a path reads a file outside it;
  - JSON nested deeper than 64 levels is refused before it is parsed (an
    80,000-deep login body once overflowed the stack);
  - a province admin cannot change another province's round or targets, nor
    move a round that has assessments; changes are audited before and after;
  - an invalid upload costs bounded memory (peak RSS measured) and lists at
    most 1,000 errors with the total;
  - registering a code held outside one's region does not reveal it, and the
    attempt is audited for the province that holds it;
  - PDF jobs are limited per user (429 with Retry-After); a stopping server
    kills the browser of the job in hand at once and queues the job again
    (a 20-second browser once held a stop past its deadline);
  - concurrent wrong passwords are counted one by one;
  - names with bidi or only invisible characters are refused; /metrics is
    not on the app port but on --metrics-listen; report pages may not be
    framed.

    python3 tests/api/test_security.py -v

Standard library only; RONGPING_API_PG runs it on PostgreSQL (scripts/test).
"""
import concurrent.futures
import gzip
import json
import os
import shutil
import socket
import stat
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ErrorAssertions, Server, free_port, make_uscc  # noqa: E402

WORK = tempfile.mkdtemp(prefix="rongping-security-")
WEB = os.path.join(WORK, "dist")
SECRET = os.path.join(WORK, "secret.txt")
SECRET_TEXT = "TOP-SECRET-DATABASE-CONTENT"
SLOW_CHROMIUM = os.path.join(WORK, "slow-chromium")


def _make_files():
    os.makedirs(os.path.join(WEB, "assets"))
    with open(os.path.join(WEB, "index.html"), "w") as f:
        f.write("<!doctype html><title>融评</title><div id=app></div>")
    with open(os.path.join(WEB, "assets", "app-3f2a.js"), "w") as f:
        f.write("console.log('app')")
    # The build's compressed forms of a file (web/scripts/compress.mjs).
    chart = "const chart = " + json.dumps(list(range(2000))) + ";\n"
    with open(os.path.join(WEB, "assets", "chart-9c1d.js"), "w") as f:
        f.write(chart)
    with gzip.open(os.path.join(WEB, "assets", "chart-9c1d.js.gz"), "wt") as f:
        f.write(chart)
    with open(SECRET, "w") as f:
        f.write(SECRET_TEXT)
    os.symlink(SECRET, os.path.join(WEB, "linked.txt"))
    os.symlink(WORK, os.path.join(WEB, "up"))
    # A "browser" that takes its time, so that PDF jobs stay pending.
    with open(SLOW_CHROMIUM, "w") as f:
        f.write("#!/bin/sh\nsleep 20\n")
    os.chmod(SLOW_CHROMIUM, os.stat(SLOW_CHROMIUM).st_mode | stat.S_IXUSR)


_make_files()
METRICS_PORT = free_port()
SERVER = Server(web_root=WEB, serve_args=["--metrics-listen", f"127.0.0.1:{METRICS_PORT}",
                                          "--chromium", SLOW_CHROMIUM])


def setUpModule():
    SERVER.start("guangdong-2016")


def tearDownModule():
    try:
        SERVER.stop()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)


def req(method, path, who=None, body=None, headers=None, timeout=60):
    return SERVER.request(method, path, SERVER.token(who) if who else None, body=body,
                          headers=headers, timeout=timeout)


def raw_get(target, port=None):
    """GET with the target sent exactly as given (no client-side cleaning),
    to the server or another port of it; returns (status, body)."""
    s = socket.create_connection(("127.0.0.1", port or SERVER.port), timeout=10)
    try:
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode("latin-1"))
        data = b""
        while True:
            part = s.recv(65536)
            if not part:
                break
            data += part
        head, _, body = data.partition(b"\r\n\r\n")
        return int(head.split()[1]), body
    finally:
        s.close()


def _status_kib(field):
    with open(f"/proc/{SERVER.proc.pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError("no " + field)


def reset_peak_rss():
    """Starts measuring the server's peak resident memory afresh (Linux
    resets VmHWM to the current RSS on writing 5 to clear_refs); returns the
    current RSS in KiB."""
    with open(f"/proc/{SERVER.proc.pid}/clear_refs", "w") as f:
        f.write("5")
    return _status_kib("VmRSS")


def peak_rss_kib():
    """The server's peak resident memory since the last reset (VmHWM)."""
    return _status_kib("VmHWM")


class StaticFiles(ErrorAssertions, unittest.TestCase):
    def test_no_spelling_of_a_path_leaves_the_web_app(self):
        for target in ["//etc/passwd", "/%2Fetc%2Fpasswd", "///etc/passwd", "/..%2F..%2F..%2Fetc%2Fpasswd",
                       "/assets/..%2F..%2Fsecret.txt", "/assets/../../secret.txt", "/..%5Csecret.txt",
                       "/" + SECRET, "//" + SECRET.lstrip("/"), "/linked.txt", "/up/secret.txt",
                       "/up/dist/index.html", "/proc/self/cmdline", "/proc/self/environ",
                       "/%2e%2e/secret.txt", "/assets/%2e%2e/%2e%2e/secret.txt", "/.%2e/secret.txt",
                       "/index.html%00.txt", "/%c0%ae%c0%ae/secret.txt"]:
            with self.subTest(target=target):
                status, body = raw_get(target)
                self.assertNotIn(SECRET_TEXT.encode(), body)
                self.assertNotIn(b"root:", body)
                self.assertNotIn(b"rongping serve", body)  # /proc/self/cmdline
                self.assertIn(status, (200, 400, 404), body[:200])
                if status == 200:
                    self.assertIn(b'<div id=app>', body)  # the app's own page for client routes

    def test_the_app_is_served_from_memory(self):
        r = req("GET", "/assets/app-3f2a.js")
        self.assertEqual((r.status, r.text), (200, "console.log('app')"))
        self.assertIn("immutable", r.headers["Cache-Control"])
        self.assertTrue(r.headers["Content-Type"].startswith("text/javascript"))
        r = req("GET", "/enterprises/91440100779012522L")  # a client-side route
        self.assertEqual(r.status, 200)
        self.assertIn("<div id=app>", r.text)
        self.assertEqual(r.headers["Cache-Control"], "no-cache")
        # A file changed on disk after start is not what is served.
        with open(os.path.join(WEB, "assets", "app-3f2a.js"), "w") as f:
            f.write("tampered")
        self.assertEqual(req("GET", "/assets/app-3f2a.js").text, "console.log('app')")
        self.assertError(req("GET", "/assets/missing-1.js"), 404, "not_found")

    def test_compressed_forms_and_revalidation(self):
        plain = req("GET", "/assets/chart-9c1d.js")
        self.assertEqual(plain.status, 200)
        self.assertNotIn("Content-Encoding", plain.headers)
        self.assertEqual(plain.headers["Vary"], "Accept-Encoding")
        zipped = req("GET", "/assets/chart-9c1d.js", headers={"Accept-Encoding": "gzip, deflate, br"})
        self.assertEqual(zipped.status, 200)
        self.assertEqual(zipped.headers["Content-Encoding"], "gzip")  # no .br beside it
        self.assertLess(len(zipped.body), len(plain.body) // 2)
        self.assertEqual(gzip.decompress(zipped.body), plain.body)
        self.assertNotEqual(zipped.headers["ETag"], plain.headers["ETag"])
        self.assertEqual(req("GET", "/assets/chart-9c1d.js.gz").status, 404)  # only as a form of its file
        # Revalidation: 304 without a body for the tag of the form asked for.
        again = req("GET", "/assets/chart-9c1d.js",
                    headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]})
        self.assertEqual((again.status, again.body), (304, b""))
        self.assertEqual(again.headers["ETag"], zipped.headers["ETag"])
        other = req("GET", "/assets/chart-9c1d.js", headers={"If-None-Match": zipped.headers["ETag"]})
        self.assertEqual(other.status, 200)
        page = req("GET", "/enterprises/x")
        self.assertEqual(req("GET", "/", headers={"If-None-Match": page.headers["ETag"]}).status, 304)
        # HEAD: the headers of GET, no body.
        head = req("HEAD", "/assets/chart-9c1d.js", headers={"Accept-Encoding": "gzip"})
        self.assertEqual((head.status, head.body, head.headers["Content-Encoding"]), (200, b"", "gzip"))


class JsonDepth(ErrorAssertions, unittest.TestCase):
    def test_deep_bodies_are_refused_before_parsing(self):
        uscc = SERVER.sql("SELECT scope_code FROM users WHERE username = 'enterprise'")[0][0]
        deep_array = "[" * 80000 + "]" * 80000
        deep_object = '{"a":' * 80000 + "1" + "}" * 80000
        for method, path, who, body in [
                ("POST", "/api/v1/session", None, deep_array),
                ("POST", "/api/v1/session", None, deep_object),
                ("POST", "/api/v1/session", None, '{"username":' + "[" * 65 + "]" * 65 + "}"),
                ("PUT", f"/api/v1/rounds/gd-2016/enterprises/{uscc}/assessment", "enterprise",
                 '{"version":1,"answers":{"q":' + "[" * 5000 + "]" * 5000 + "}}"),
                ("POST", "/api/v1/models/gbt23020-2013/score", "enterprise",
                 '{"production_type":"discrete_mass","answers":' + deep_object + "}"),
                ("PUT", "/api/v1/rounds/gd-2016", "guangdong", deep_array)]:
            with self.subTest(path=path, size=len(body)):
                r = req(method, path, who, body=body, headers={"Content-Type": "application/json"})
                self.assertError(r, 422, "too_deep")
        self.assertEqual(req("GET", "/healthz").status, 200)
        # 64 levels are still JSON like any other.
        ok = '{"username":"x","password":' + "[" * 63 + "]" * 63 + "}"
        self.assertError(req("POST", "/api/v1/session", body=ok, headers={"Content-Type": "application/json"}),
                         422, "wrong_type")


class CrossProvinceWrites(ErrorAssertions, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.gd = req("GET", "/api/v1/rounds/gd-2016", "ministry").json()
        body = {k: cls.gd[k] for k in ("year", "models", "opens_on", "closes_on", "deadline")}
        cls.gx_body = dict(body, name="2016年广西评估", province_code="450000")
        r = req("PUT", "/api/v1/rounds/gx-2099", "ministry", body=cls.gx_body)
        assert r.status == 200, r

    def test_a_province_cannot_take_another_provinces_round(self):
        attack = dict(self.gx_body, province_code="440000", name="被改写")
        self.assertError(req("PUT", "/api/v1/rounds/gx-2099", "guangdong", body=attack), 404, "not_found")
        after = req("GET", "/api/v1/rounds/gx-2099", "ministry").json()
        self.assertEqual((after["province_code"], after["name"]), ("450000", "2016年广西评估"))
        for round_code, unit in [("gx-2099", "450000"), ("gx-2099", "440100"), ("gd-2016", "450000")]:
            with self.subTest(round=round_code, unit=unit):
                r = req("PUT", f"/api/v1/rounds/{round_code}/targets/{unit}", "guangdong",
                        body={"rule": "min_completed:1"})
                self.assertError(r, 404, "not_found")
        self.assertEqual(SERVER.sql("SELECT COUNT(*) FROM targets WHERE round_code = 'gx-2099' OR unit_code = '450000'"),
                         [(0,)])

    def test_a_round_in_use_keeps_its_province_and_changes_are_audited(self):
        moved = {k: self.gd[k] for k in ("name", "year", "models", "opens_on", "closes_on", "deadline")}
        moved["province_code"] = "450000"
        self.assertError(req("PUT", "/api/v1/rounds/gd-2016", "ministry", body=moved), 409, "round_in_use")
        renamed = dict(moved, province_code="440000", name="2016年广东省两化融合评估")
        self.assertEqual(req("PUT", "/api/v1/rounds/gd-2016", "guangdong", body=renamed).status, 200)
        entries = req("GET", "/api/v1/audit?object_type=round&object_id=gd-2016", "guangdong").json()["items"]
        self.assertEqual(entries[0]["before"]["name"], self.gd["name"])
        self.assertEqual(entries[0]["after"]["name"], "2016年广东省两化融合评估")
        self.assertEqual(req("PUT", "/api/v1/rounds/gd-2016/targets/440100", "guangdong",
                             body={"rule": "min_completed:401"}).status, 200)
        entries = req("GET", "/api/v1/audit?object_type=target&object_id=gd-2016/440100", "guangdong").json()["items"]
        self.assertEqual(entries[0]["after"], {"rule": "min_completed:401"})
        self.assertIsNotNone(entries[0]["before"])


class BoundedUploads(ErrorAssertions, unittest.TestCase):
    HEADER = "uscc,name,unit_code,industry_code,production_type,employees,revenue_10k_yuan\r\n"

    def post(self, text):
        return req("POST", "/api/v1/enterprises/import?format=csv", "guangzhou", body=text.encode("utf-8"),
                   headers={"Content-Type": "text/csv"}, timeout=120)

    def test_a_million_short_lines_cost_bounded_memory(self):
        before = reset_peak_rss()
        r = self.post("a\n" * 1_000_000)  # 2 MB: what once took 5.6 GiB
        self.assertError(r, 413, "too_large")
        self.assertIn("50000", r.json()["error"]["message"])
        grown_mib = (peak_rss_kib() - before) / 1024
        print(f"\n  1,000,000 one-column lines: peak RSS grew {grown_mib:.1f} MiB", file=sys.stderr)
        self.assertLess(grown_mib, 64)

    def test_fifty_thousand_invalid_rows_list_a_thousand_errors(self):
        before = reset_peak_rss()
        rows = "".join(f"{make_uscc('440100')[:17]}0,企业{i},440100,39,discrete_mass,-1,x\r\n"
                       for i in range(50_000))
        r = self.post(self.HEADER + rows)
        self.assertEqual(r.status, 422, r)
        report = r.json()["report"]
        self.assertEqual(report["rows"], 50_000)
        self.assertEqual(report["invalid_rows"], 50_000)
        self.assertEqual(len(report["errors"]), 1000)
        self.assertGreaterEqual(report["error_count"], 50_000)
        self.assertTrue(report["errors_truncated"])
        self.assertEqual([e["row"] for e in report["errors"][:2]], [2, 2])  # several errors of row 2
        self.assertFalse(report["written"])
        grown_mib = (peak_rss_kib() - before) / 1024
        print(f"\n  50,000 invalid rows ({len(rows) >> 20} MiB): peak RSS grew {grown_mib:.1f} MiB, "
              f"answer {len(r.body) >> 10} KiB", file=sys.stderr)
        self.assertLess(grown_mib, 128)
        self.assertLess(len(r.body), 512 * 1024)


class Registration(ErrorAssertions, unittest.TestCase):
    def test_a_code_held_elsewhere_is_not_revealed_and_is_audited(self):
        held = SERVER.sql("SELECT uscc FROM enterprises WHERE unit_code = '440300' ORDER BY uscc LIMIT 1")[0][0]
        body = {"uscc": held, "name": "冒名电子有限公司", "unit_code": "440100", "industry_code": "39",
                "production_type": "discrete_mass", "employees": 50, "revenue_10k_yuan": 800}
        r = req("POST", "/api/v1/enterprises", "guangzhou", body=body)
        err = self.assertError(r, 409, "uscc_unavailable")
        self.assertEqual(err["message"], "无法登记该统一社会信用代码，请联系省级主管部门")
        self.assertNotIn("深圳", r.text)
        entries = req("GET", f"/api/v1/audit?object_id={held}", "guangdong").json()["items"]
        self.assertIn("enterprise.register_refused", [e["action"] for e in entries])
        self.assertEqual(req("GET", f"/api/v1/audit?object_id={held}", "guangdong").status, 200)
        # The same code in one's own region is a plain duplicate.
        own = SERVER.sql("SELECT uscc FROM enterprises WHERE unit_code = '440100' ORDER BY uscc LIMIT 1")[0][0]
        self.assertError(req("POST", "/api/v1/enterprises", "guangzhou", body=dict(body, uscc=own)),
                         409, "duplicate_uscc")


class Jobs(ErrorAssertions, unittest.TestCase):
    def test_pending_pdf_jobs_are_limited_per_user(self):
        uscc = SERVER.sql("SELECT scope_code FROM users WHERE username = 'enterprise'")[0][0]
        path = f"/api/v1/rounds/gd-2016/enterprises/{uscc}/report.pdf"
        answers = [req("POST", path, "enterprise") for _ in range(4)]
        self.assertEqual([a.status for a in answers[:3]], [202, 202, 202], answers)
        self.assertError(answers[3], 429, "rate_limited")
        self.assertTrue(answers[3].headers.get("Retry-After", "").isdigit(), answers[3].headers)
        # Another user is not held up by this one.
        self.assertEqual(req("POST", path, "guangzhou").status, 202)


    def test_a_stopping_server_interrupts_its_job_and_queues_it_again(self):
        server = Server(serve_args=["--chromium", SLOW_CHROMIUM])
        server.start("guangdong-2016")
        try:
            uscc = server.sql("SELECT scope_code FROM users WHERE username = 'enterprise'")[0][0]
            r = server.request("POST", f"/api/v1/rounds/gd-2016/enterprises/{uscc}/report.pdf",
                               server.token("enterprise"))
            self.assertEqual(r.status, 202, r)
            job = r.json()["job"]["id"]
            deadline = time.monotonic() + 20
            while server.sql("SELECT status FROM jobs WHERE id = ?", job)[0][0] != "running":
                self.assertLess(time.monotonic(), deadline, "the job never started")
                time.sleep(0.05)
            began = time.monotonic()
            server.stop(keep_data=True)  # raises unless it stops cleanly
            self.assertLess(time.monotonic() - began, 5)  # the browser would take 20 s
            self.assertEqual(server.sql("SELECT status, attempts, error FROM jobs WHERE id = ?", job),
                             [("queued", 0, None)])
        finally:
            server.kill()


class Login(ErrorAssertions, unittest.TestCase):
    def test_concurrent_wrong_passwords_are_counted_one_by_one(self):
        SERVER.user_add("parallel_guess", "unit", "440100")
        with concurrent.futures.ThreadPoolExecutor(40) as pool:
            answers = list(pool.map(lambda i: SERVER.login("parallel_guess", f"Wrong{i:04d}x"), range(40)))
        statuses = sorted(a.status for a in answers)
        self.assertEqual(statuses.count(401), 5, statuses)
        self.assertEqual(statuses.count(429), 35, statuses)
        for a in answers:
            if a.status == 429:
                self.assertTrue(a.headers.get("Retry-After", "").isdigit())


class InputGaps(ErrorAssertions, unittest.TestCase):
    def test_names_must_be_visible_and_plain(self):
        for name in ["\u202e司公限有子电", "\u200b\u200b\u200b", "\u3000\u3000", "广州\u2066电子\u2069有限公司"]:
            with self.subTest(name=ascii(name)):
                body = {"uscc": make_uscc("440100"), "name": name, "unit_code": "440100", "industry_code": "39",
                        "production_type": "discrete_mass", "employees": 50, "revenue_10k_yuan": 800}
                self.assertError(req("POST", "/api/v1/enterprises", "guangzhou", body=body), 422, field="name")

    def test_unknown_filters_and_rounds(self):
        for path in ["/api/v1/enterprises?size=huge", "/api/v1/enterprises?unit=999999",
                     "/api/v1/enterprises?industry=zz", "/api/v1/rounds/gd-2016/datamap?industry_group=zz",
                     "/api/v1/rounds/gd-2016/assessments?unit=999999",
                     "/api/v1/rounds/gd-2016/assessments?industry=zz",
                     "/api/v1/rounds/gd-2016/assessments?level=nope",
                     "/api/v1/rounds/gd-2016/assessments?submitted_from=2016-13-01"]:
            with self.subTest(path=path):
                self.assertError(req("GET", path, "guangdong"), 422, "invalid_parameter")
        self.assertError(req("GET", "/api/v1/rounds/nope/assessments", "guangdong"), 404, "not_found")

    def test_metrics_only_on_their_own_listener(self):
        self.assertNotIn("rongping_http_requests_total", req("GET", "/metrics").text)
        status, data = raw_get("/metrics", METRICS_PORT)
        self.assertEqual(status, 200)
        self.assertIn(b"rongping_http_requests_total", data)
        self.assertRegex(data.decode(), r"(?m)^rongping_store_up 1$")

    def test_report_pages_cannot_be_framed(self):
        uscc = SERVER.sql("SELECT scope_code FROM users WHERE username = 'enterprise'")[0][0]
        r = req("GET", f"/api/v1/rounds/gd-2016/enterprises/{uscc}/report.html", "enterprise")
        self.assertEqual(r.status, 200, r)
        self.assertIn("frame-ancestors 'none'", r.headers["Content-Security-Policy"])
        circular = req("POST", "/api/v1/rounds/gd-2016/circulars", "guangdong", body={"as_of": "2016-06-30"})
        self.assertEqual(circular.status, 201, circular)
        r = req("GET", f"/api/v1/circulars/{circular.json()['id']}?format=html", "guangdong")
        self.assertIn("frame-ancestors 'none'", r.headers["Content-Security-Policy"])


if __name__ == "__main__":
    unittest.main()
