#!/usr/bin/env python3
"""API tests for rongping (融评), run against a real server.

Standard library only. setUpModule loads the demo into a fresh SQLite file in
a temporary directory, starts `rongping serve` on an ephemeral port and waits
for /healthz; tearDownModule stops it with SIGTERM and checks that it shut
down gracefully.

    python3 tests/api/test_api.py -v

The binary is $RONGPING_BIN, or build/rongping of this repository.

Failed logins: the server locks an address after 20 failures. All requests
come from 127.0.0.1, so the whole suite makes fewer than 10 failed logins.
"""

import csv
import io
import json
import os
import random
import socket
import sys
import threading
import time
import unittest
import urllib.parse
import zipfile
from xml.sax.saxutils import escape as xml_escape

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import PASSWORD, USCC_ALPHABET, ErrorAssertions, Server, make_uscc, qs, uscc_check  # noqa: E402

GUANGDONG_UNITS = 22  # reporting units of Guangdong (leaf units, code 44xxxx)

_rng = random.Random()
SERVER = Server()
S = SERVER  # the tests read S.port and S.stdout_path


def setUpModule():
    SERVER.start()


def tearDownModule():
    SERVER.stop()


# --------------------------------------------------------------------------
# HTTP helpers

def request(*a, **kw):
    return SERVER.request(*a, **kw)


token = SERVER.token
login = SERVER.login
user_add = SERVER.user_add


def list_page(tok, **params):
    r = request("GET", qs("/api/v1/enterprises", **params), tok)
    if r.status != 200:
        raise AssertionError(f"list {params} failed: {r!r}")
    return r.json()


def total(tok, **params):
    return list_page(tok, per_page=1, **params)["total"]


def list_all(tok, **params):
    """Every item over all pages (per_page=500); checks the pages add up."""
    items, page = [], 1
    while True:
        body = list_page(tok, per_page=500, page=page, **params)
        items.extend(body["items"])
        if len(body["items"]) < 500 or len(items) >= body["total"]:
            if len(items) != body["total"]:
                raise AssertionError(f"pages hold {len(items)} items, total says {body['total']}")
            return items
        page += 1


def get_enterprise(tok, uscc):
    return request("GET", "/api/v1/enterprises/" + urllib.parse.quote(uscc), tok)


def wrong_check_uscc(unit="440100"):
    good = make_uscc(unit)
    wrong = next(c for c in USCC_ALPHABET if c != good[17])
    return good[:17] + wrong


_counter = [0]


def new_enterprise(unit="440100", **overrides):
    _counter[0] += 1
    body = {
        "uscc": make_uscc(unit),
        "name": f"接口测试精密制造有限公司{_counter[0]}号",
        "unit_code": unit,
        "industry_code": "39",
        "production_type": "discrete_mass",
        "employees": 350,
        "revenue_10k_yuan": 25000,
        "ownership": "private",
        "contact_name": "王测试",
        "contact_phone": "020-38880000",
        "contact_email": "test@example.com",
    }
    body.update(overrides)
    return body


def csv_text(rows):
    def cell(v):
        v = str(v)
        return '"' + v.replace('"', '""') + '"' if any(c in v for c in ',"\r\n') else v
    return "".join(",".join(cell(c) for c in row) + "\r\n" for row in rows)


IMPORT_HEADER = ["uscc", "name", "unit_code", "industry_code", "production_type", "employees",
                 "revenue_10k_yuan"]


def import_row(uscc, unit="440100", name=None, employees="120", revenue="5000.5"):
    _counter[0] += 1
    return [uscc, name or f"导入测试电子有限公司{_counter[0]}号", unit, "39", "process",
            employees, revenue]


def post_import(tok, data, fmt="csv", **params):
    params = dict(params)
    if fmt:
        params["format"] = fmt
    ctype = "text/csv; charset=utf-8" if fmt == "csv" else (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    body = data.encode("utf-8") if isinstance(data, str) else data
    return request("POST", qs("/api/v1/enterprises/import", **params), tok, body=body,
                   headers={"Content-Type": ctype})


def column_letter(i):
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i]


def make_xlsx(rows):
    """A minimal valid .xlsx: inline strings, numbers for numeric-looking cells."""
    sheet_rows = []
    for r, row in enumerate(rows, 1):
        cells = []
        for c, v in enumerate(row):
            ref = f"{column_letter(c)}{r}"
            if isinstance(v, (int, float)):
                cells.append(f'<c r="{ref}"><v>{v}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{xml_escape(str(v))}</t></is></c>')
        sheet_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    main_ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg_rel_ns = "http://schemas.openxmlformats.org/package/2006/relationships"
    decl = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    parts = {
        "[Content_Types].xml": decl +
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '</Types>',
        "_rels/.rels": decl +
        f'<Relationships xmlns="{pkg_rel_ns}">'
        f'<Relationship Id="rId1" Type="{rel_ns}/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>',
        "xl/workbook.xml": decl +
        f'<workbook xmlns="{main_ns}" xmlns:r="{rel_ns}"><sheets>'
        '<sheet name="企业" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": decl +
        f'<Relationships xmlns="{pkg_rel_ns}">'
        f'<Relationship Id="rId1" Type="{rel_ns}/worksheet" Target="worksheets/sheet1.xml"/>'
        '</Relationships>',
        "xl/worksheets/sheet1.xml": decl +
        f'<worksheet xmlns="{main_ns}"><sheetData>{"".join(sheet_rows)}</sheetData></worksheet>',
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text.encode("utf-8"))
    return buf.getvalue()


def raw_http(head, body, chunk=64 * 1024, timeout=30):
    """Sends a request over a plain socket, tolerating the server closing the
    connection while the body is still being sent; returns (status, headers, body)."""
    s = socket.create_connection(("127.0.0.1", SERVER.port), timeout=timeout)
    try:
        s.sendall(head)
        try:
            for i in range(0, len(body), chunk):
                s.sendall(body[i:i + chunk])
        except (BrokenPipeError, ConnectionResetError):
            pass
        data = b""
        while b"\r\n\r\n" not in data:
            part = s.recv(65536)
            if not part:
                break
            data += part
        head_bytes, _, rest = data.partition(b"\r\n\r\n")
        lines = head_bytes.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        length = int(headers.get("content-length", "0"))
        while len(rest) < length:
            part = s.recv(65536)
            if not part:
                break
            rest += part
        return status, headers, rest[:length]
    finally:
        s.close()


# --------------------------------------------------------------------------
# Base class

class ApiTest(ErrorAssertions, unittest.TestCase):
    maxDiff = 4000

    def assertNotWritten(self, uscc):
        """The enterprise does not exist for anybody (the ministry sees all)."""
        r = get_enterprise(token("ministry"), uscc)
        self.assertEqual(r.status, 404, f"{uscc} was written: {r!r}")

    def create(self, tok, body):
        r = request("POST", "/api/v1/enterprises", tok, body=body)
        self.assertEqual(r.status, 201, r)
        return r.json()


# --------------------------------------------------------------------------
# Health, metrics, headers, routing

class T01HealthAndHeaders(ApiTest):
    def test_healthz(self):
        r = request("GET", "/healthz")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json(), {"status": "ok"})
        self.assertTrue(r.headers.get("Content-Type", "").startswith("application/json"))

    def test_openapi_document_lists_the_contract_routes(self):
        r = request("GET", "/api/v1/openapi.json")
        self.assertEqual(r.status, 200)
        doc = r.json()
        self.assertTrue(doc["openapi"].startswith("3."))
        for path in ("/api/v1/session", "/api/v1/enterprises", "/api/v1/enterprises/{uscc}",
                     "/api/v1/enterprises/import", "/api/v1/audit", "/api/v1/production-types",
                     "/api/v1/rounds/{round}/enterprises/{uscc}/charts/{chart}"):
            self.assertIn(path, doc["paths"])

    def test_metrics_are_not_on_the_app_port(self):
        # Served only on --metrics-listen (test_security checks it there).
        r = request("GET", "/metrics")
        self.assertNotIn("rongping_http_requests_total", r.text)
        self.assertNotIn("# TYPE", r.text)

    def test_security_headers_and_request_id(self):
        seen = set()
        for path, tok in (("/healthz", None), ("/api/v1/enterprises", None),
                          ("/api/v1/enterprises?per_page=1", token("guangzhou")),
                          ("/api/v1/nope", token("guangzhou"))):
            r = request("GET", path, tok)
            csp = r.headers.get("Content-Security-Policy", "")
            self.assertIn("frame-ancestors", csp, path)
            self.assertEqual(r.headers.get("X-Content-Type-Options"), "nosniff", path)
            rid = r.headers.get("X-Request-Id", "")
            self.assertTrue(rid, f"no X-Request-Id on {path}")
            seen.add(rid)
        self.assertEqual(len(seen), 4, "request ids repeat")
        r = request("GET", "/api/v1/enterprises?per_page=1", token("guangzhou"))
        self.assertEqual(r.headers.get("Cache-Control"), "no-store")
        # A client's request id is used only when it is safe to echo and log.
        r = request("GET", "/healthz", headers={"X-Request-Id": "<script>x</script>"})
        self.assertRegex(r.headers.get("X-Request-Id", ""), r"^[A-Za-z0-9._-]{1,64}$")

    def test_request_id_echoed_and_logged(self):
        rid = "apitest-%08x" % _rng.getrandbits(32)
        r = request("GET", "/healthz", headers={"X-Request-Id": rid})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.headers.get("X-Request-Id"), rid)
        deadline = time.monotonic() + 5
        found = None
        while found is None and time.monotonic() < deadline:
            for log in S.access_logs:
                with open(log, "rb") as f:
                    for raw in f:
                        try:
                            obj = json.loads(raw)
                        except ValueError:
                            continue
                        if isinstance(obj, dict) and obj.get("request_id") == rid:
                            found = obj
            if found is None:
                time.sleep(0.05)
        self.assertIsNotNone(found, "request not in the JSON access log on stdout")
        self.assertEqual(found.get("status"), 200)
        self.assertEqual(found.get("path"), "/healthz")
        self.assertEqual(found.get("method"), "GET")

    def test_unknown_api_route_404(self):
        r = request("GET", "/api/v1/nope", token("guangzhou"))
        self.assertError(r, 404, "not_found")
        r = request("GET", "/api/v1/nope")
        self.assertEqual(r.status // 100, 4)
        self.assertError(r, r.status)

    def test_method_not_allowed_405(self):
        r = request("DELETE", "/api/v1/enterprises", token("guangzhou"))
        self.assertError(r, 405, "method_not_allowed")
        allow = {m.strip() for m in r.headers.get("Allow", "").split(",")}
        self.assertTrue({"GET", "POST"} <= allow, allow)
        self.assertNotIn("DELETE", allow)


# --------------------------------------------------------------------------
# Login, logout, password, throttling, cookie and CSRF

class T02Session(ApiTest):
    def test_login_ok(self):
        r = login("guangzhou")
        self.assertEqual(r.status, 200, r)
        body = r.json()
        self.assertIsInstance(body.get("token"), str)
        self.assertGreaterEqual(len(body["token"]), 20)
        self.assertEqual(body["user"]["role"], "unit")
        self.assertEqual(body["user"]["scope"], "440100")
        self.assertEqual(body["user"]["username"], "guangzhou")
        # No password or hash in the user (a flag may name one: must_change_password).
        self.assertFalse({"password", "password_hash"} & set(body["user"]), body["user"])
        self.assertNotIn("$argon2", json.dumps(body["user"]))
        r = request("GET", "/api/v1/session", body["token"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["user"]["username"], "guangzhou")

    def test_login_failures_same_message(self):
        wrong = login("foshan", "WrongPassword1")
        e1 = self.assertError(wrong, 401, "unauthenticated")
        self.assertNotIn("Set-Cookie", wrong.headers)
        unknown = login("no_such_user_xyz", "WrongPassword1")
        e2 = self.assertError(unknown, 401, "unauthenticated")
        self.assertEqual(e1["message"], e2["message"])
        self.assertNotIn("token", wrong.json())

    def test_login_bad_body(self):
        r = request("POST", "/api/v1/session", body={"username": "guangzhou"})
        self.assertEqual(r.status // 100, 4, r)
        self.assertNotEqual(r.status, 200)
        self.assertError(r, r.status)
        r = request("POST", "/api/v1/session", body={"username": 1, "password": PASSWORD})
        self.assertError(r, 422, "wrong_type", "username")

    def test_unauthenticated(self):
        r = request("GET", "/api/v1/enterprises")
        self.assertError(r, 401, "unauthenticated")
        r = request("GET", "/api/v1/enterprises", "not-a-real-token")
        self.assertError(r, 401, "unauthenticated")
        r = request("POST", "/api/v1/enterprises", body=new_enterprise())
        self.assertError(r, 401, "unauthenticated")
        r = request("GET", "/api/v1/units")
        self.assertError(r, 401)

    def test_throttling(self):
        user_add("throttle_me", "unit", "440100")
        self.assertEqual(login("throttle_me").status, 200)
        for i in range(5):
            r = login("throttle_me", f"WrongPassword{i}")
            self.assertError(r, 401, "unauthenticated")
        r = login("throttle_me")
        self.assertError(r, 429, "rate_limited")
        retry = r.headers.get("Retry-After")
        self.assertIsNotNone(retry, "429 without Retry-After")
        self.assertTrue(retry.isdigit() and 0 < int(retry) <= 900, retry)
        self.assertNotIn("token", r.json())
        # Other accounts from the same address are unaffected.
        self.assertEqual(login("shunde").status, 200)

    def test_logout(self):
        tok = login("guangzhou").json()["token"]
        self.assertEqual(request("GET", "/api/v1/enterprises?per_page=1", tok).status, 200)
        r = request("DELETE", "/api/v1/session", tok)
        self.assertEqual(r.status, 200, r)
        r = request("GET", "/api/v1/enterprises?per_page=1", tok)
        self.assertError(r, 401, "unauthenticated")
        r = request("DELETE", "/api/v1/session", tok)
        self.assertError(r, 401)
        # Other sessions of the same user live on.
        self.assertEqual(request("GET", "/api/v1/session", token("guangzhou")).status, 200)

    def test_change_password(self):
        user_add("pw_changer", "unit", "440300", password="OldPassw0rd")
        a = login("pw_changer", "OldPassw0rd")
        self.assertEqual(a.status, 200, a)
        tok_a = a.json()["token"]
        tok_b = login("pw_changer", "OldPassw0rd").json()["token"]
        path = "/api/v1/session/password"
        r = request("PUT", path, tok_a, body={"current_password": "NotMyPassw0rd",
                                              "new_password": "NewPassw0rd99"})
        self.assertError(r, 422, field="current_password")
        r = request("PUT", path, tok_a, body={"current_password": "OldPassw0rd",
                                              "new_password": "short"})
        self.assertError(r, 422, field="new_password")
        r = request("PUT", path, tok_a, body={"current_password": "OldPassw0rd",
                                              "new_password": "abcdefghijkl"})
        self.assertError(r, 422, field="new_password")
        # Nothing changed so far: the old password still works.
        self.assertEqual(request("GET", "/api/v1/session", tok_b).status, 200)
        r = request("PUT", path, tok_a, body={"current_password": "OldPassw0rd",
                                              "new_password": "NewPassw0rd99"})
        self.assertEqual(r.status, 200, r)
        self.assertError(login("pw_changer", "OldPassw0rd"), 401, "unauthenticated")
        self.assertEqual(login("pw_changer", "NewPassw0rd99").status, 200)
        # The changing session survives, the other one is ended.
        self.assertEqual(request("GET", "/api/v1/session", tok_a).status, 200)
        self.assertError(request("GET", "/api/v1/session", tok_b), 401)

    def test_cookie_and_csrf(self):
        r = login("guangzhou")
        self.assertEqual(r.status, 200)
        body = r.json()
        cookies = r.headers.get_all("Set-Cookie") or []
        session = [c for c in cookies if c.startswith("rp_session=")]
        self.assertEqual(len(session), 1, cookies)
        attrs = [a.strip().lower() for a in session[0].split(";")]
        self.assertIn("httponly", attrs)
        self.assertIn("samesite=strict", attrs)
        value = session[0].split(";")[0].split("=", 1)[1]
        self.assertTrue(value)
        csrf = body.get("csrf_token")
        self.assertTrue(csrf)
        cookie = {"Cookie": "rp_session=" + value}

        r = request("GET", "/api/v1/enterprises?per_page=1", headers=cookie)
        self.assertEqual(r.status, 200, r)
        target = r.json()["items"][0]
        uscc, version = target["uscc"], target["version"]
        path = "/api/v1/enterprises/" + uscc
        change = {"version": version, "contact_name": "赵跨站"}

        r = request("PATCH", path, body=change, headers=cookie)
        self.assertError(r, 403, "forbidden")
        r = request("PATCH", path, body=change, headers={**cookie, "X-CSRF-Token": "x" + csrf})
        self.assertError(r, 403, "forbidden")
        after = get_enterprise(token("guangzhou"), uscc).json()
        self.assertEqual(after["version"], version)
        self.assertEqual(after["contact_name"], target["contact_name"])

        fresh = new_enterprise()
        r = request("POST", "/api/v1/enterprises", body=fresh, headers=cookie)
        self.assertError(r, 403, "forbidden")
        self.assertNotWritten(fresh["uscc"])
        r = request("POST", "/api/v1/enterprises/import?format=csv",
                    body=csv_text([IMPORT_HEADER, import_row(fresh["uscc"])]), headers=cookie)
        self.assertError(r, 403, "forbidden")
        self.assertNotWritten(fresh["uscc"])
        r = request("DELETE", "/api/v1/session", headers=cookie)
        self.assertError(r, 403, "forbidden")

        r = request("PATCH", path, body=change, headers={**cookie, "X-CSRF-Token": csrf})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["version"], version + 1)
        self.assertEqual(r.json()["contact_name"], "赵跨站")

        # Logging out through the cookie (with the CSRF token) clears it.
        r = request("DELETE", "/api/v1/session", headers={**cookie, "X-CSRF-Token": csrf})
        self.assertEqual(r.status, 200, r)
        r = request("GET", "/api/v1/enterprises?per_page=1", headers=cookie)
        self.assertError(r, 401)


# --------------------------------------------------------------------------
# Scope: the most important property

class T03Scope(ApiTest):
    @classmethod
    def setUpClass(cls):
        cls.sz = token("shenzhen")
        cls.gz = token("guangzhou")
        items = list_page(cls.sz, per_page=5)["items"]
        assert items, "shenzhen sees no enterprise"
        cls.sz_ent = items[0]
        cls.sz_uscc = items[0]["uscc"]
        assert cls.sz_ent["unit_code"] == "440300", cls.sz_ent

    def assertShenzhenUnchanged(self):
        r = get_enterprise(self.sz, self.sz_uscc)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json(), self.sz_ent)

    def test_get_out_of_scope_is_404(self):
        r = get_enterprise(self.gz, self.sz_uscc)
        e = self.assertError(r, 404, "not_found")
        self.assertNotIn(self.sz_ent["name"], r.text)
        # Indistinguishable from an enterprise that does not exist.
        missing = self.assertError(get_enterprise(self.gz, make_uscc("440100")), 404, "not_found")
        self.assertEqual(e["message"], missing["message"])
        # Also in the normalised forms the server accepts.
        self.assertError(get_enterprise(self.gz, self.sz_uscc.lower()), 404, "not_found")
        self.assertEqual(get_enterprise(self.sz, self.sz_uscc.lower()).status, 200)

    def test_patch_out_of_scope_is_404(self):
        r = request("PATCH", "/api/v1/enterprises/" + self.sz_uscc, self.gz,
                    body={"version": self.sz_ent["version"], "contact_name": "越权者"})
        self.assertError(r, 404, "not_found")
        r = request("PATCH", "/api/v1/enterprises/" + self.sz_uscc, self.gz,
                    body={"version": self.sz_ent["version"], "unit_code": "440100"})
        self.assertError(r, 404, "not_found")
        self.assertShenzhenUnchanged()

    def test_list_filters_cannot_leave_scope(self):
        self.assertEqual(total(self.gz, unit="440300"), 0)
        self.assertEqual(total(self.gz, unit="440000"), total(self.gz))
        self.assertEqual(total(self.gz, q=self.sz_uscc), 0)
        self.assertEqual(total(self.gz, q=self.sz_uscc.lower()), 0)
        self.assertEqual(total(self.gz, q=self.sz_uscc[:12]), 0)
        self.assertEqual(total(self.gz, q=self.sz_ent["name"]), 0)
        self.assertGreaterEqual(total(self.sz, q=self.sz_uscc), 1)
        for item in list_all(self.gz, q="深圳"):
            self.assertNotEqual(item["unit_code"], "440300", item)
            self.assertEqual(item["unit_code"], "440100", item)

    def test_export_does_not_leak(self):
        r = request("GET", "/api/v1/enterprises/export?unit=440300", self.gz)
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.headers.get("Content-Type", "").startswith("text/csv"))
        self.assertNotIn(self.sz_uscc, r.text)
        self.assertEqual(len([l for l in r.text.split("\r\n") if l.strip()]), 1)  # header only
        r = request("GET", "/api/v1/enterprises/export", self.gz)
        self.assertEqual(r.status, 200, r)
        self.assertNotIn(self.sz_uscc, r.text)
        rows = list(csv.reader(io.StringIO(r.text.lstrip("\ufeff"), newline="")))
        self.assertEqual(rows[0][2], "所属单位代码")
        self.assertEqual(len(rows) - 1, total(self.gz))
        for row in rows[1:]:
            self.assertEqual(row[2], "440100", row)
        # The shenzhen admin's export does contain it.
        r = request("GET", "/api/v1/enterprises/export", self.sz)
        self.assertIn(self.sz_uscc, r.text)

    def test_unit_full_list_in_unit(self):
        items = list_all(self.gz)
        self.assertGreater(len(items), 0)
        self.assertEqual(len({i["uscc"] for i in items}), len(items), "duplicates across pages")
        for item in items:
            self.assertEqual(item["unit_code"], "440100", item)
        self.assertEqual(len(items), total(token("guangdong"), unit="440100"))

    def test_import_into_other_unit_rejected(self):
        before = (total(self.gz), total(self.sz))
        new_uscc = make_uscc("440300")
        csv = csv_text([IMPORT_HEADER, import_row(new_uscc, unit="440300")])
        r = post_import(self.gz, csv)
        self.assertEqual(r.status, 422, r)
        report = r.json()["report"]
        self.assertEqual([e["row"] for e in report["errors"]], [2], report)
        self.assertEqual(report["errors"][0]["column"], "unit_code")
        self.assertFalse(report["written"])
        self.assertEqual(report["inserted"], 0)
        self.assertNotWritten(new_uscc)
        self.assertEqual((total(self.gz), total(self.sz)), before)

    def test_import_reusing_other_units_uscc_rejected(self):
        before = (total(self.gz), total(self.sz), total(token("guangdong")))
        csv = csv_text([IMPORT_HEADER,
                        import_row(self.sz_uscc, unit="440100", name="冒名顶替科技有限公司")])
        r = post_import(self.gz, csv)
        self.assertEqual(r.status, 422, r)
        body = r.json()
        report = body["report"]
        self.assertEqual([e["row"] for e in report["errors"]], [2], report)
        self.assertFalse(report["written"])
        self.assertEqual(report["inserted"] + report["updated"], 0)
        self.assertIn("error", body)
        self.assertNotIn(self.sz_ent["name"], r.text)
        self.assertShenzhenUnchanged()
        self.assertEqual(get_enterprise(self.gz, self.sz_uscc).status, 404)
        self.assertEqual((total(self.gz), total(self.sz), total(token("guangdong"))), before)
        # skip_invalid must not let it through either.
        r = post_import(self.gz, csv, skip_invalid="true")
        self.assertIn(r.status, (200, 422), r)
        report = r.json()["report"]
        self.assertEqual((report["inserted"], report["updated"]), (0, 0), r)
        self.assertEqual([e["row"] for e in report["errors"]], [2], report)
        self.assertShenzhenUnchanged()
        self.assertEqual((total(self.gz), total(self.sz), total(token("guangdong"))), before)

    def test_foshan_and_shunde_are_separate(self):
        fs, sd = token("foshan"), token("shunde")
        fs_items = list_all(fs)
        sd_items = list_all(sd)
        self.assertGreater(len(fs_items), 0)
        self.assertGreater(len(sd_items), 0)
        for item in fs_items:
            self.assertEqual(item["unit_code"], "440600", item)
        for item in sd_items:
            self.assertEqual(item["unit_code"], "440606", item)
        self.assertEqual(total(fs, unit="440606"), 0)
        self.assertEqual(total(sd, unit="440600"), 0)
        self.assertError(get_enterprise(fs, sd_items[0]["uscc"]), 404, "not_found")
        self.assertError(get_enterprise(sd, fs_items[0]["uscc"]), 404, "not_found")

    def test_production_types_are_the_values_records_accept(self):
        r = request("GET", "/api/v1/production-types", token("guangzhou"))
        self.assertEqual(r.status, 200, r)
        items = r.json()["items"]
        self.assertEqual([i["value"] for i in items], ["discrete_mass", "discrete_small_batch", "process", "mixed"])
        self.assertIn("流程型", [i["label"] for i in items])
        self.assertError(request("GET", "/api/v1/production-types"), 401)
        # Each value is one an enterprise record takes, and nothing else is.
        for item in items:
            body = new_enterprise()
            body["production_type"] = item["value"]
            self.assertEqual(request("POST", "/api/v1/enterprises", token("guangdong"), body).status, 201, item)
        body = new_enterprise()
        body["production_type"] = "batch"
        self.assertError(request("POST", "/api/v1/enterprises", token("guangdong"), body), 422, field="production_type")

    def test_province_total_is_sum_of_units(self):
        gd = token("guangdong")
        r = request("GET", "/api/v1/units", gd)
        self.assertEqual(r.status, 200, r)
        codes = [u["code"] for u in r.json()["items"]
                 if u["leaf"] and u["code"].startswith("44")]
        self.assertEqual(len(codes), GUANGDONG_UNITS, codes)
        self.assertIn("440606", codes)
        per_unit = {c: total(gd, unit=c) for c in codes}
        self.assertTrue(all(n > 0 for n in per_unit.values()), per_unit)
        province = total(gd)
        self.assertEqual(sum(per_unit.values()), province, per_unit)
        self.assertEqual(total(gd, unit="440000"), province)
        self.assertEqual(total(token("ministry"), unit="440000"), province)
        # Each unit admin sees what the province sees for that unit.
        for user, code in (("guangzhou", "440100"), ("shenzhen", "440300"),
                           ("foshan", "440600"), ("shunde", "440606")):
            self.assertEqual(total(token(user)), per_unit[code], user)

    def test_enterprise_user_sees_only_itself(self):
        r = login("enterprise")
        self.assertEqual(r.status, 200)
        ent = r.json()["token"]
        own = r.json()["user"]["scope"]
        body = list_page(ent, per_page=500)
        self.assertEqual(body["total"], 1)
        self.assertEqual([i["uscc"] for i in body["items"]], [own])
        self.assertEqual(get_enterprise(ent, own).status, 200)
        self.assertError(get_enterprise(ent, self.sz_uscc), 404, "not_found")
        other_gz = next(i["uscc"] for i in list_page(self.gz, per_page=5)["items"] if i["uscc"] != own)
        self.assertError(get_enterprise(ent, other_gz), 404, "not_found")
        self.assertEqual(total(ent, unit="440300"), 0)
        self.assertEqual(total(ent, q=other_gz), 0)
        r = request("GET", "/api/v1/enterprises/export", ent)
        self.assertNotIn(other_gz, r.text)
        self.assertIn(own, r.text)

    def test_agency_without_grants_sees_nothing(self):
        ag = token("agency")
        body = list_page(ag, per_page=500)
        self.assertEqual(body["total"], 0)
        self.assertEqual(body["items"], [])
        self.assertError(get_enterprise(ag, self.sz_uscc), 404, "not_found")
        r = request("PATCH", "/api/v1/enterprises/" + self.sz_uscc, ag,
                    body={"version": self.sz_ent["version"], "contact_name": "机构"})
        self.assertError(r, 404, "not_found")
        r = request("GET", "/api/v1/enterprises/export", ag)
        self.assertNotIn(self.sz_uscc, r.text)
        self.assertShenzhenUnchanged()

    def test_association_sees_only_its_industries(self):
        asc = token("association")
        items = list_all(asc)
        self.assertGreater(len(items), 0)
        for item in items:
            self.assertIn(item["industry_code"], ("38", "39"), item)
            self.assertTrue(item["unit_code"].startswith("44"), item)
        gd_all = list_all(token("guangdong"))
        expected = {i["uscc"] for i in gd_all if i["industry_code"] in ("38", "39")}
        self.assertEqual({i["uscc"] for i in items}, expected)
        outside = next(i for i in gd_all if i["industry_code"] not in ("38", "39"))
        self.assertError(get_enterprise(asc, outside["uscc"]), 404, "not_found")
        self.assertEqual(total(asc, q=outside["uscc"]), 0)
        # In scope but read-only.
        r = request("PATCH", "/api/v1/enterprises/" + items[0]["uscc"], asc,
                    body={"version": items[0]["version"], "contact_name": "协会"})
        self.assertError(r, 403, "forbidden")


# --------------------------------------------------------------------------
# Create and update

class T04CreateUpdate(ApiTest):
    def test_create_and_get(self):
        gz = token("guangzhou")
        body = new_enterprise()
        r = request("POST", "/api/v1/enterprises", gz, body=body)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.headers.get("Location"), "/api/v1/enterprises/" + body["uscc"])
        got = get_enterprise(gz, body["uscc"])
        self.assertEqual(got.status, 200, got)
        e = got.json()
        self.assertEqual(e["uscc"], body["uscc"])
        self.assertEqual(e["name"], body["name"])
        self.assertEqual(e["unit_code"], "440100")
        self.assertEqual(e["employees"], 350)
        self.assertEqual(e["revenue_10k_yuan"], 25000)
        self.assertEqual(e["size_class"], "medium")
        self.assertIs(e["above_scale"], True)
        self.assertEqual(e["version"], 1)
        self.assertEqual(e, r.json())
        self.assertEqual(get_enterprise(token("guangdong"), body["uscc"]).status, 200)
        self.assertError(get_enterprise(token("shenzhen"), body["uscc"]), 404, "not_found")

    def test_size_class_computed(self):
        gz = token("guangzhou")
        for emp, rev, size, above in ((1000, 40000, "large", True), (999, 40000, "medium", True),
                                      (20, 300, "small", False), (10, 100, "micro", False),
                                      (350, 1999.9, "small", False)):
            e = self.create(gz, new_enterprise(employees=emp, revenue_10k_yuan=rev))
            self.assertEqual((e["size_class"], e["above_scale"]), (size, above), (emp, rev))

    def test_create_duplicate_409(self):
        gz = token("guangzhou")
        body = new_enterprise()
        first = self.create(gz, body)
        again = dict(body, name="重复登记有限公司")
        r = request("POST", "/api/v1/enterprises", gz, body=again)
        self.assertError(r, 409, "duplicate_uscc")
        e = get_enterprise(gz, body["uscc"]).json()
        self.assertEqual(e["name"], first["name"])
        self.assertEqual(e["version"], 1)

    def test_create_in_other_unit_422(self):
        before = total(token("shenzhen"))
        body = new_enterprise(unit="440300")
        r = request("POST", "/api/v1/enterprises", token("guangzhou"), body=body)
        self.assertError(r, 422, field="unit_code")
        self.assertNotWritten(body["uscc"])
        self.assertEqual(total(token("shenzhen")), before)

    def test_create_forbidden_roles_403(self):
        for user in ("enterprise", "agency", "association"):
            body = new_enterprise()
            r = request("POST", "/api/v1/enterprises", token(user), body=body)
            self.assertError(r, 403, "forbidden")
            self.assertNotWritten(body["uscc"])

    def test_create_missing_fields(self):
        body = new_enterprise()
        del body["industry_code"]
        del body["employees"]
        r = request("POST", "/api/v1/enterprises", token("guangzhou"), body=body)
        err = self.assertError(r, 422)
        self.assertIn(err.get("field"), ("industry_code", "employees"))
        self.assertNotWritten(body["uscc"])

    def test_update_versions(self):
        gz = token("guangzhou")
        e = self.create(gz, new_enterprise())
        path = "/api/v1/enterprises/" + e["uscc"]
        r = request("PATCH", path, gz, body={"version": 1, "contact_name": "张三",
                                             "employees": 1200, "revenue_10k_yuan": 50000})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["version"], 2)
        self.assertEqual(r.json()["size_class"], "large")
        r = request("PATCH", path, gz, body={"version": 1, "contact_name": "李四"})
        self.assertError(r, 409, "stale_version")
        now = get_enterprise(gz, e["uscc"]).json()
        self.assertEqual(now["version"], 2)
        self.assertEqual(now["contact_name"], "张三")
        r = request("PATCH", path, gz, body={"contact_name": "李四"})
        self.assertError(r, 422, field="version")
        r = request("PATCH", path, gz, body={"version": 2, "uscc": make_uscc()})
        self.assertError(r, 422, field="uscc")
        r = request("PATCH", path, gz, body={"version": 2, "unit_code": "440300"})
        self.assertError(r, 422, field="unit_code")
        r = request("PATCH", path, gz, body={"version": 2, "employees": -1})
        self.assertError(r, 422, field="employees")
        self.assertEqual(get_enterprise(gz, e["uscc"]).json(), now)
        self.assertError(get_enterprise(token("shenzhen"), e["uscc"]), 404)

    def test_enterprise_user_updates_itself(self):
        r = login("enterprise")
        ent, own = r.json()["token"], r.json()["user"]["scope"]
        e = get_enterprise(ent, own).json()
        path = "/api/v1/enterprises/" + own
        phone = "0755-%08d" % _rng.randrange(10 ** 8)
        r = request("PATCH", path, ent, body={"version": e["version"], "contact_phone": phone})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["contact_phone"], phone)
        self.assertEqual(r.json()["version"], e["version"] + 1)
        r = request("PATCH", path, ent, body={"version": e["version"] + 1, "unit_code": "440300"})
        self.assertError(r, 422, field="unit_code")
        r = request("PATCH", path, ent, body={"version": e["version"] + 1, "unit_code": "440600"})
        self.assertError(r, 422, field="unit_code")
        after = get_enterprise(ent, own).json()
        self.assertEqual(after["unit_code"], e["unit_code"])
        self.assertEqual(after["version"], e["version"] + 1)
        self.assertEqual(after["contact_phone"], phone)


# --------------------------------------------------------------------------
# Bad input

class T05BadInput(ApiTest):
    def setUp(self):
        self.gz = token("guangzhou")
        self.before = total(self.gz)

    def post(self, body, **kw):
        return request("POST", "/api/v1/enterprises", self.gz, body=body, **kw)

    def assertNothingWritten(self, uscc=None):
        if uscc:
            self.assertNotWritten(uscc)
        self.assertEqual(total(self.gz), self.before)

    def test_malformed_json(self):
        body = new_enterprise()
        raw = json.dumps(body, ensure_ascii=False)[:-5]
        r = self.post(raw, headers={"Content-Type": "application/json"})
        self.assertError(r, 400, "invalid_json")
        self.assertNothingWritten(body["uscc"])

    def test_number_too_large_for_a_double(self):
        body = new_enterprise()
        raw = json.dumps(body, ensure_ascii=False)[:-1] + ', "employees": 1e400}'
        r = self.post(raw, headers={"Content-Type": "application/json"})
        self.assertError(r, 400, "invalid_json")
        self.assertNothingWritten(body["uscc"])

    def test_json_array(self):
        body = new_enterprise()
        r = self.post(json.dumps([body]), headers={"Content-Type": "application/json"})
        self.assertError(r, 400, "invalid_json")
        self.assertNothingWritten(body["uscc"])

    def test_employees_not_a_number(self):
        body = new_enterprise(employees="abc")
        self.assertError(self.post(body), 422, field="employees")
        self.assertNothingWritten(body["uscc"])

    def test_employees_boolean(self):
        body = new_enterprise(employees=True)
        self.assertError(self.post(body), 422, "wrong_type", "employees")
        self.assertNothingWritten(body["uscc"])

    def test_employees_fraction(self):
        body = new_enterprise(employees=350.5)
        self.assertError(self.post(body), 422, field="employees")
        self.assertNothingWritten(body["uscc"])

    def test_name_number(self):
        # Numbers are accepted for the numeric fields only.
        body = new_enterprise(name=12345)
        self.assertError(self.post(body), 422, "wrong_type", "name")
        self.assertNothingWritten(body["uscc"])

    def test_name_object(self):
        body = new_enterprise(name={"zh": "某公司"})
        self.assertError(self.post(body), 422, "wrong_type", "name")
        self.assertNothingWritten(body["uscc"])

    def test_unknown_field(self):
        body = new_enterprise(colour="红")
        self.assertError(self.post(body), 422, "unknown_field", "colour")
        self.assertNothingWritten(body["uscc"])

    def test_invalid_uscc_check_character(self):
        body = new_enterprise(uscc=wrong_check_uscc())
        err = self.assertError(self.post(body), 422, field="uscc")
        self.assertIn("第18位", err["message"])
        self.assertNothingWritten(body["uscc"])
        for bad in ("", "91440100", "91440100MA5MRCPX5LX", "9144O100MA5MRCPX5L"):
            body = new_enterprise(uscc=bad)
            self.assertError(self.post(body), 422, field="uscc")
        self.assertNothingWritten()

    def test_sql_metacharacters_in_name_are_literal(self):
        name = "'; DROP TABLE enterprises; --"
        body = new_enterprise(name=name)
        r = self.post(body)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(get_enterprise(self.gz, body["uscc"]).json()["name"], name)
        self.assertEqual(total(self.gz), self.before + 1)
        found = list_page(self.gz, q="DROP TABLE", per_page=50)
        self.assertIn(body["uscc"], [i["uscc"] for i in found["items"]])
        self.assertGreater(total(token("ministry")), 3000)

    def test_sql_metacharacters_in_q(self):
        all_gz = {i["uscc"] for i in list_all(self.gz)}
        for q in ("%' OR 1=1 --", "' OR '1'='1", '" OR 1=1 --', "%", "_", "\\", "%%"):
            body = list_page(self.gz, q=q, per_page=500)
            self.assertEqual(body["total"], 0, q)
            self.assertTrue({i["uscc"] for i in body["items"]} <= all_gz, q)
        r = request("GET", qs("/api/v1/enterprises", q="x" * 101), self.gz)
        self.assertError(r, 422, field="q")

    def test_very_long_name(self):
        body = new_enterprise(name="长" * 10000)
        self.assertError(self.post(body), 422, field="name")
        self.assertNothingWritten(body["uscc"])

    def test_nul_in_name(self):
        body = new_enterprise(name="空字符\u0000有限公司")
        raw = json.dumps(body, ensure_ascii=False)
        self.assertIn("\\u0000", raw)
        self.assertError(self.post(raw, headers={"Content-Type": "application/json"}),
                         422, field="name")
        self.assertNothingWritten(body["uscc"])

    def test_invalid_utf8_body(self):
        body = new_enterprise(name="PLACEHOLDER")
        raw = json.dumps(body).encode().replace(b"PLACEHOLDER", b"\xff\xfe\xc3(bad")
        r = self.post(raw, headers={"Content-Type": "application/json"})
        self.assertError(r, 400, "invalid_json")
        self.assertNothingWritten(body["uscc"])

    def test_oversized_body_413(self):
        body = b"{" + b'"name":"' + b"a" * (9 * 1024 * 1024) + b'"}'
        head = ("POST /api/v1/enterprises HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Authorization: Bearer {self.gz}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        status, headers, data = raw_http(head, body)
        self.assertEqual(status, 413, data[:300])
        err = json.loads(data)["error"]
        self.assertEqual(err["code"], "too_large")
        self.assertTrue(err["message"])
        # The server is fine afterwards.
        self.assertEqual(request("GET", "/healthz").status, 200)
        self.assertNothingWritten()

    def test_negative_zero_revenue(self):
        for value in ("-0", -0.0, "-0.0"):
            body = new_enterprise(revenue_10k_yuan=value)
            r = self.post(body)
            if r.status == 201:
                got = get_enterprise(self.gz, body["uscc"])
                for resp in (r, got):
                    self.assertNotIn('"revenue_10k_yuan":-0', resp.text.replace(" ", ""),
                                     f"revenue {value!r} shown as negative zero: {resp!r}")
            else:
                self.assertError(r, 422, field="revenue_10k_yuan")
                self.assertNotWritten(body["uscc"])

    def test_export_neutralises_formulas(self):
        body = new_enterprise(name="=HYPERLINK(\"http://x\")有限公司", contact_name="@SUM(A1)")
        self.assertEqual(self.post(body).status, 201)
        r = request("GET", qs("/api/v1/enterprises/export", q=body["uscc"]), self.gz)
        self.assertEqual(r.status, 200, r)
        lines = [l for l in r.text.split("\r\n") if body["uscc"] in l]
        self.assertEqual(len(lines), 1, r.text)
        self.assertIn('"\'=HYPERLINK(""http://x"")有限公司"', lines[0])
        self.assertIn('"\'@SUM(A1)"', lines[0])

    def test_bad_paging_and_sort(self):
        for params, field in (({"per_page": 100000}, "per_page"), ({"per_page": 0}, "per_page"),
                              ({"per_page": "abc"}, "per_page"), ({"page": 0}, "page"),
                              ({"page": "-1"}, "page"), ({"sort": "bogus"}, "sort"),
                              ({"sort": "-bogus"}, "sort"), ({"sort": "name; DROP"}, "sort")):
            r = request("GET", qs("/api/v1/enterprises", **params), self.gz)
            self.assertError(r, 422, field=field)
        self.assertEqual(list_page(self.gz, sort="-revenue", per_page=2)["total"], self.before)

    def test_bad_patch_changes_nothing(self):
        e = list_page(self.gz, per_page=1, sort="-updated_at")["items"][0]
        path = "/api/v1/enterprises/" + e["uscc"]
        for body in ({"version": e["version"], "name": {"x": 1}},
                     {"version": e["version"], "colour": "红"},
                     {"version": e["version"], "name": "x" * 101},
                     {"version": e["version"], "contact_email": "not-an-email"},
                     {"version": e["version"], "industry_code": "99"},
                     {"version": str(e["version"]), "name": "新名称有限公司"}):
            r = request("PATCH", path, self.gz, body=body)
            self.assertEqual(r.status, 422, (body, r))
            self.assertError(r, 422)
        r = request("PATCH", path, self.gz, body="[1,2]",
                    headers={"Content-Type": "application/json"})
        self.assertError(r, 400, "invalid_json")
        self.assertEqual(get_enterprise(self.gz, e["uscc"]).json(), e)


# --------------------------------------------------------------------------
# Audit trail

class T06Audit(ApiTest):
    def test_create_and_update_are_audited(self):
        gz = token("guangzhou")
        body = new_enterprise()
        r = request("POST", "/api/v1/enterprises", gz, body=body)
        self.assertEqual(r.status, 201, r)
        create_rid = r.headers.get("X-Request-Id")
        r = request("PATCH", "/api/v1/enterprises/" + body["uscc"], gz,
                    body={"version": 1, "contact_name": "审计员"})
        self.assertEqual(r.status, 200, r)
        r = request("GET", qs("/api/v1/audit", object_type="enterprise", object_id=body["uscc"]),
                    token("guangdong"))
        self.assertEqual(r.status, 200, r)
        items = r.json()["items"]
        by_action = {i["action"]: i for i in items}
        self.assertEqual(set(by_action), {"enterprise.create", "enterprise.update"}, items)
        create, update = by_action["enterprise.create"], by_action["enterprise.update"]
        for entry in (create, update):
            self.assertEqual(entry["actor"], "guangzhou")
            self.assertEqual(entry["object_type"], "enterprise")
            self.assertEqual(entry["object_id"], body["uscc"])
            self.assertIsInstance(entry["after"], dict)
            self.assertTrue(entry["at"])
        self.assertIsNone(create["before"])
        self.assertEqual(create["after"]["uscc"], body["uscc"])
        self.assertEqual(create["after"]["version"], 1)
        self.assertEqual(create["request_id"], create_rid)
        self.assertIsInstance(update["before"], dict)
        self.assertEqual(update["before"]["contact_name"], "王测试")
        self.assertEqual(update["after"]["contact_name"], "审计员")
        self.assertEqual((update["before"]["version"], update["after"]["version"]), (1, 2))
        # A failed (stale) update leaves no trace.
        r = request("PATCH", "/api/v1/enterprises/" + body["uscc"], gz,
                    body={"version": 1, "contact_name": "不该出现"})
        self.assertEqual(r.status, 409)
        r = request("GET", qs("/api/v1/audit", object_type="enterprise", object_id=body["uscc"]),
                    token("ministry"))
        self.assertEqual(len(r.json()["items"]), 2, r)

    def test_audit_forbidden_below_province(self):
        for user in ("guangzhou", "enterprise", "agency", "association"):
            r = request("GET", "/api/v1/audit?object_type=enterprise", token(user))
            self.assertError(r, 403, "forbidden")
        self.assertError(request("GET", "/api/v1/audit"), 401)

    def test_audit_since_future_is_empty(self):
        r = request("GET", "/api/v1/audit?since=2999-01-01", token("guangdong"))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["items"], [])
        r = request("GET", "/api/v1/audit?since=yesterday", token("guangdong"))
        self.assertError(r, 422, field="since")
        r = request("GET", "/api/v1/audit?limit=100000", token("guangdong"))
        self.assertError(r, 422, field="limit")


# --------------------------------------------------------------------------
# Import uploads

class T07Import(ApiTest):
    def test_csv_all_or_nothing_then_skip_invalid(self):
        gz = token("guangzhou")
        before = total(gz)
        good1, good2 = make_uscc(), make_uscc()
        rows = [IMPORT_HEADER,
                import_row(good1),                                  # row 2
                import_row(wrong_check_uscc()),                     # row 3: bad check char
                import_row(good2, employees="300"),                 # row 4
                import_row(make_uscc(), employees="很多")]          # row 5: bad employees
        csv = csv_text(rows)
        r = post_import(gz, csv)
        self.assertEqual(r.status, 422, r)
        body = r.json()
        report = body["report"]
        self.assertEqual(sorted({e["row"] for e in report["errors"]}), [3, 5], report)
        self.assertEqual(report["invalid_rows"], 2)
        self.assertFalse(report["written"])
        self.assertEqual(report["inserted"], 0)
        self.assertEqual(body["error"]["code"], "invalid_rows")
        self.assertNotWritten(good1)
        self.assertNotWritten(good2)
        self.assertEqual(total(gz), before)

        r = post_import(gz, csv, skip_invalid="true")
        self.assertEqual(r.status, 200, r)
        report = r.json()["report"]
        self.assertEqual(report["inserted"], 2, report)
        self.assertEqual(report["invalid_rows"], 2)
        self.assertTrue(report["written"])
        self.assertEqual(get_enterprise(gz, good1).status, 200)
        self.assertEqual(get_enterprise(gz, good2).json()["employees"], 300)
        self.assertEqual(total(gz), before + 2)

        r = post_import(gz, csv, skip_invalid="true")
        self.assertEqual(r.status, 200, r)
        report = r.json()["report"]
        self.assertEqual((report["inserted"], report["updated"], report["unchanged"]), (0, 0, 2),
                         report)
        self.assertEqual(total(gz), before + 2)
        self.assertEqual(get_enterprise(gz, good1).json()["version"], 1)

    def test_xlsx_upload(self):
        gz = token("guangzhou")
        before = total(gz)
        good, bad = make_uscc(), make_uscc()
        rows = [IMPORT_HEADER,
                [good, "表格导入电子有限公司", "440100", "39", "process", 320, 8000],
                [bad, "表格导入坏行有限公司", "440100", "39", "no_such_type", 50, 100]]
        data = make_xlsx(rows)
        r = post_import(gz, data, fmt="xlsx")
        self.assertEqual(r.status, 422, r)
        report = r.json()["report"]
        self.assertEqual(sorted({e["row"] for e in report["errors"]}), [3], report)
        self.assertEqual(report["errors"][0]["column"], "production_type")
        self.assertNotWritten(good)
        self.assertEqual(total(gz), before)
        # Format detected from the content, good row only.
        r = post_import(gz, data, fmt=None, skip_invalid="1")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["report"]["inserted"], 1)
        e = get_enterprise(gz, good).json()
        self.assertEqual((e["employees"], e["revenue_10k_yuan"], e["size_class"]),
                         (320, 8000, "medium"))
        self.assertNotWritten(bad)

    def test_broken_xlsx(self):
        gz = token("guangzhou")
        before = total(gz)
        junk = b"PK\x03\x04" + bytes(_rng.getrandbits(8) for _ in range(4096))
        for fmt in ("xlsx", None):
            r = post_import(gz, junk, fmt=fmt)
            self.assertError(r, 422, "invalid_xlsx")
        self.assertEqual(total(gz), before)

    def test_bad_csv_header_and_format(self):
        gz = token("guangzhou")
        r = post_import(gz, "foo,bar\r\n1,2\r\n")
        self.assertEqual(r.status, 422, r)
        self.assertTrue(all(e["row"] == 1 for e in r.json()["report"]["errors"]))
        r = post_import(gz, "a,b\r\n", fmt="pdf")
        self.assertError(r, 422, "unsupported_format", "format")

    def test_import_forbidden_roles(self):
        csv = csv_text([IMPORT_HEADER, import_row(make_uscc())])
        for user in ("enterprise", "agency", "association"):
            self.assertError(post_import(token(user), csv), 403, "forbidden")
        self.assertError(post_import(None, csv), 401)


# --------------------------------------------------------------------------
# Concurrency

class T08Concurrency(ApiTest):
    def test_parallel_lists(self):
        gz = token("guangzhou")
        expected = total(gz)
        n = 20
        barrier = threading.Barrier(n)
        results = [None] * n

        def worker(i):
            try:
                barrier.wait(10)
                r = request("GET", "/api/v1/enterprises?per_page=50", gz)
                results[i] = (r.status, r.json().get("total") if r.status == 200 else r.text)
            except Exception as e:  # reported below
                results[i] = ("exception", repr(e))

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        self.assertEqual(results, [(200, expected)] * n)

    @staticmethod
    def race(fn, n=12):
        barrier = threading.Barrier(n)
        out = [None] * n

        def worker(i):
            try:
                barrier.wait(10)
                out[i] = fn(i)
            except Exception as e:  # reported by the caller
                out[i] = e

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        return out

    def test_concurrent_updates_one_wins(self):
        gz = token("guangzhou")
        e = self.create(gz, new_enterprise())
        path = "/api/v1/enterprises/" + e["uscc"]
        out = self.race(lambda i: request("PATCH", path, gz,
                                          body={"version": 1, "contact_name": f"并发{i}"}))
        statuses = sorted(getattr(r, "status", repr(r)) for r in out)
        self.assertEqual(statuses, [200] + [409] * (len(out) - 1), out)
        winner = next(r for r in out if r.status == 200).json()
        now = get_enterprise(gz, e["uscc"]).json()
        self.assertEqual(now["version"], 2)
        self.assertEqual(now["contact_name"], winner["contact_name"])

    def test_concurrent_creates_one_wins(self):
        gz = token("guangzhou")
        before = total(gz)
        body = new_enterprise()
        out = self.race(lambda i: request("POST", "/api/v1/enterprises", gz,
                                          body=dict(body, name=f"并发创建{i}号有限公司")))
        statuses = sorted(getattr(r, "status", repr(r)) for r in out)
        self.assertEqual(statuses, [201] + [409] * (len(out) - 1), out)
        self.assertEqual(total(gz), before + 1)


if __name__ == "__main__":
    unittest.main()
