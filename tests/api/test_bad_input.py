#!/usr/bin/env python3
"""A catalogue of hostile and malformed requests against a real rongping
(融评) server: each must be refused cleanly, leave the server running and
write nothing.

For every case in the tables below:

  - the answer is a 4xx, never a 2xx, a 5xx or a connection closed without
    an answer; its status is the one the contract fixes where it fixes one
    (400 unparseable, 401 unauthenticated, 403 role not allowed, 404 unknown
    or outside the caller's scope, 405 method, 409 conflict, 413 too large,
    422 invalid input, 431 headers too large);
  - the body is the contract's error: {"error":{"code","message","field"}}
    with a lowercase machine code, a non-empty message in Chinese, and the
    field named where the case names one;
  - GET /healthz answers 200 after each group of cases (after each case sent
    over a raw socket);
  - a fingerprint of every table (as in test_authz.py, job progress left
    out) is the same before and after each group: nothing was written.

The families: malformed JSON bodies; nesting beyond the 64 levels the server
accepts; wrong types and ranges for the fields of each body; hostile text
(overlong, invisible, bidi, control characters, NUL); query parameters and
their percent-encoding; unknown rounds; traversal attempts against the web
app fallback, unknown routes and wrong methods; HTTP framing over a raw
socket; uploads (zip bombs, XML entities, oversized CSV); credentials. SQL
and formula text where a name is valid is not an error: TextFields checks
that it is stored and shown literally instead. The last test counts the
catalogue.

A failing case is a defect of the server, not of the catalogue: the
assertion says what the contract requires and what came back.

Runs on SQLite, and on PostgreSQL with RONGPING_API_PG (scripts/test):

    python3 tests/api/test_bad_input.py -v
    RONGPING_API_PG=postgresql://…/postgres python3 tests/api/test_bad_input.py
"""
import copy
import functools
import hashlib
import http.client
import io
import json
import os
import re
import socket
import sys
import unittest
import urllib.parse
import zipfile
from typing import Any, NamedTuple, Optional, Union

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import PASSWORD, USCC_ALPHABET, ErrorAssertions, Resp, Server, make_uscc  # noqa: E402

SERVER = Server()
MODEL = "gbt23020-2013"
ROUND = "gd-2016"             # the demo's round: closed since 2016-06-30
OPEN_ROUND = "bad-input-open"  # made in setUpModule, open until 2099
IMPORT = "/api/v1/enterprises/import"
USERS = ["ministry", "guangdong", "guangzhou", "shenzhen", "association", "agency", "enterprise"]
CHINESE = re.compile(r"[\u4e00-\u9fff]")
# What no answer may ever contain: a system file, the database, the
# server's command line.
LEAKS = [b"root:", b"SQLite format", b"--db\x00", b"sqlite:/"]


class F:
    """Fixtures found or made in setUpModule."""
    own = None             # the demo enterprise user's USCC (广州)
    gz = None              # another enterprise of 广州
    gz_version = None
    round_body = None      # gd-2016 as stored
    cookie = None          # a cookie session of guangdong, and its CSRF token
    csrf = None
    other_csrf = None      # the CSRF token of another session of guangdong
    ended_token = None     # a token whose session was ended
    measure = None         # a support measure of 广东省 (政策联动)


def setUpModule():
    SERVER.start("guangdong-2016", setup=_setup)


def tearDownModule():
    SERVER.stop()


def _setup():
    for user in USERS:
        SERVER.token(user)
    F.own = SERVER.sql("SELECT scope_code FROM users WHERE username = 'enterprise'")[0][0]
    F.gz, F.gz_version = SERVER.sql(
        "SELECT uscc, version FROM enterprises WHERE unit_code = '440100' AND uscc <> ? ORDER BY uscc LIMIT 1",
        F.own)[0]
    stored = SERVER.request("GET", "/api/v1/rounds/" + ROUND, SERVER.token("ministry")).json()
    F.round_body = {k: stored[k] for k in ("name", "year", "province_code", "models", "opens_on", "closes_on",
                                           "deadline", "review_required", "contacts_due")}
    r = SERVER.request("PUT", "/api/v1/rounds/" + OPEN_ROUND, SERVER.token("guangdong"), body=open_round_body())
    assert r.status == 200, r
    first, second = SERVER.login("guangdong"), SERVER.login("guangdong")
    assert first.status == 200 and second.status == 200, (first, second)
    cookies = first.headers.get_all("Set-Cookie") or []
    F.cookie = next(c for c in cookies if c.startswith("rp_session=")).split(";")[0].split("=", 1)[1]
    F.csrf, F.other_csrf = first.json()["csrf_token"], second.json()["csrf_token"]
    r = SERVER.request("POST", MEASURES, SERVER.token("guangdong"), body=measure_body())
    assert r.status == 201, r
    F.measure = r.json()["id"]
    ended = SERVER.login("shenzhen").json()["token"]
    r = SERVER.request("DELETE", "/api/v1/session", ended)
    assert r.status == 200, r
    F.ended_token = ended


def fingerprint():
    """A digest of each table's content, by table name: equal before and
    after means nothing was written."""
    tables = sorted(r[0] for r in (SERVER.sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                                   if SERVER.pg else
                                   SERVER.sql("SELECT name FROM sqlite_master WHERE type = 'table'")))

    # Jobs run in the background: only which jobs exist is compared.
    def source(t):
        return "(SELECT id, kind, owner_user_id, input FROM jobs)" if t == "jobs" else t
    if SERVER.pg:
        cols = ", ".join(f"(SELECT md5(COALESCE(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {source(t)} t)"
                         for t in tables)
        return dict(zip(tables, SERVER.sql("SELECT " + cols)[0]))
    return {t: hashlib.sha256(repr(sorted(map(repr, SERVER.sql(f"SELECT * FROM {source(t)}")))).encode()).hexdigest()
            for t in tables}


# --------------------------------------------------------------------------
# Cases and the bodies they are made from

class Case(NamedTuple):
    """One request and the refusal it must get.

    path may name {own} (the demo enterprise) and {gz} (another enterprise
    of 广州). body: a dict or list (sent as JSON), str or bytes (sent as is),
    or a function making one when the case is sent; any body goes as
    application/json unless headers say otherwise. headers: a dict or a
    function making one. status: the status, or a tuple of those allowed
    where several are legitimate. code and field: what the error must say
    (None: not checked)."""
    label: str
    method: str
    path: str
    who: Optional[str] = None
    body: Any = None
    status: Union[int, tuple] = 400
    code: Optional[str] = None
    field: Optional[str] = None
    headers: Any = None


DROP = object()  # a value in edit()'s changes that removes the member


def edit(base, changes=None, **more):
    """A body maker: base() with changes applied. A dotted name
    ("leader.name") changes a nested member; DROP removes the member."""
    changes = {**(changes or {}), **more}

    def make():
        body = base()
        for name, value in changes.items():
            *outer, last = name.split(".")
            node = body
            for key in outer:
                node = node[key]
            if value is DROP:
                node.pop(last, None)
            else:
                node[last] = value
        return body
    return make


def login_body():
    return {"username": "guangzhou", "password": PASSWORD}


def draft_body():
    return {"answers": {}, "version": 0}


def enterprise_body():
    """A valid new enterprise of 广州, with a fresh USCC each time."""
    return {"uscc": make_uscc("440100"), "name": "坏输入测试精密制造有限公司", "unit_code": "440100",
            "industry_code": "39", "production_type": "discrete_mass", "employees": 350,
            "revenue_10k_yuan": 25000, "ownership": "private", "contact_name": "王测试",
            "contact_phone": "020-38880000", "contact_email": "test@example.com"}


def round_body():
    return copy.deepcopy(F.round_body)


def open_round_body():
    return {"name": "坏输入测试周期", "year": 2016, "province_code": "440000", "models": [MODEL],
            "opens_on": "2016-01-01", "closes_on": "2099-12-31", "deadline": "2099-12-31"}


def target_body():
    return {"rule": "min_completed:400"}


def contacts_body():
    def person():
        return {"name": "高亚华", "department_title": "信息化推进处 主任科员", "phone": "020-83134276",
                "mobile": "13800138000", "email": "gdxxhtj@163.com"}
    return {"leader": person(), "liaison": person(), "platform_admin": person()}


def circular_body():
    return {"as_of": "2016-06-30"}


def measure_body():
    return {"name": "2016年两化融合专项资金", "kind": "fund", "year": 2016, "amount_10k_yuan": 300, "note": "首批"}


def recipients_body():
    return {"items": [{"uscc": F.gz, "amount_10k_yuan": 10, "note": ""}]}


def case_body():
    return {"title": "以评促建", "text": "补齐短板。"}


def reminder_body():
    return {"target": "contacts", "message": "请尽快报送联系人表"}


def account_body():
    return {"username": "bad-input-unit", "role": "unit", "scope": "440100", "display_name": "广州市联络员"}


def registration_body():
    return {"uscc": "91440100MA4AX22017", "name": "坏输入测试机械有限公司", "unit_code": "440100", "industry_code": "34",
            "production_type": "discrete_mass", "employees": 100, "revenue_10k_yuan": 5000,
            "contact_email": "bad-input@example.cn", "username": "bad-input-reg"}


def score_body():
    return {"production_type": "process", "answers": {}}


def review_body():
    return {"decision": "approve"}


def patch_body():
    return {"version": F.gz_version, "contact_name": "张三"}


def password_body():
    # Never the right current password: no case may change a password.
    return {"current_password": "NotTheRightOne1", "new_password": "Another2016x"}


def grant_body():
    return {"can_submit": True}


def wrong_check_uscc():
    good = make_uscc("440100")
    return good[:17] + next(c for c in USCC_ALPHABET if c != good[17])


SESSION = "/api/v1/session"
ENTERPRISES = "/api/v1/enterprises"
DRAFT = f"/api/v1/rounds/{ROUND}/enterprises/{{own}}/assessment"
OPEN_DRAFT = f"/api/v1/rounds/{OPEN_ROUND}/enterprises/{{own}}/assessment"
ROUND_PATH = "/api/v1/rounds/" + ROUND
TARGET = f"/api/v1/rounds/{ROUND}/targets/440100"
CONTACTS = f"/api/v1/rounds/{ROUND}/contacts/440100"
CIRCULARS = f"/api/v1/rounds/{ROUND}/circulars"
MEASURES = "/api/v1/support-measures"
RECIPIENTS = "/api/v1/support-measures/{measure}/recipients"
CASE = "/api/v1/typical-cases/2016/{gz}"
REMINDERS = f"/api/v1/rounds/{ROUND}/reminders"
ACCOUNTS_PATH = "/api/v1/users"
SCORE = f"/api/v1/models/{MODEL}/score"
REVIEW = f"/api/v1/rounds/{ROUND}/enterprises/{{gz}}/assessment/review"
PATCH = "/api/v1/enterprises/{gz}"

# The JSON bodies the malformed and deep variants are made from: name,
# method, path, caller, a valid body.
JSON_ENDPOINTS = [
    ("login", "POST", SESSION, None, login_body),
    ("assessment draft", "PUT", DRAFT, "enterprise", draft_body),
    ("new enterprise", "POST", ENTERPRISES, "guangzhou", enterprise_body),
    ("round", "PUT", ROUND_PATH, "guangdong", round_body),
    ("target", "PUT", TARGET, "guangdong", target_body),
    ("contacts form", "PUT", CONTACTS, "guangzhou", contacts_body),
    ("circular", "POST", CIRCULARS, "guangdong", circular_body),
    ("what-if score", "POST", SCORE, "guangzhou", score_body),
    ("support measure", "POST", MEASURES, "guangdong", measure_body),
    ("recipients", "POST", RECIPIENTS, "guangdong", recipients_body),
    ("typical case", "PUT", CASE, "guangzhou", case_body),
]


# --------------------------------------------------------------------------
# Malformed JSON: each variant takes the valid body's compact text (which
# starts with '{"', the first key's quote) and makes the bytes sent.

def _utf8(text):
    return text.encode("utf-8")


def _in_first_key(raw):
    """The text with raw bytes put inside the first key's string."""
    return lambda t: _utf8(t)[:2] + raw + _utf8(t)[2:]


def _member(text):
    """The text with one more member (raw JSON text) at its end."""
    return lambda t: _utf8(t[:-1] + "," + text + "}")


def _duplicate_first_member(t):
    key, value = next(iter(json.loads(t).items()))
    return _utf8(t[:-1] + "," + json.dumps(key) + ":" + json.dumps(value, ensure_ascii=False) + "}")


MALFORMED_VARIANTS = [
    ("empty body", lambda t: b""),
    ("whitespace only", lambda t: b" \r\n\t "),
    ("an opening brace only", lambda t: b"{"),
    ("truncated", lambda t: _utf8(t[:-5])),
    ("trailing garbage", lambda t: _utf8(t + "garbage")),
    ("two objects", lambda t: _utf8(t + t)),
    ("an extra closing brace", lambda t: _utf8(t + "}")),
    ("single quotes", lambda t: _utf8(t.replace('"', "'"))),
    ("unquoted keys", lambda t: _utf8(re.sub(r'"(\w+)":', r"\1:", t))),
    ("a trailing comma", lambda t: _utf8(t[:-1] + ",}")),
    ("a byte order mark inside", lambda t: _utf8(t[0] + "\ufeff" + t[1:])),
    ("two byte order marks", lambda t: _utf8("\ufeff\ufeff" + t)),
    ("UTF-16 with a byte order mark", lambda t: t.encode("utf-16")),
    ("a block comment", lambda t: _utf8("/* 注释 */" + t)),
    ("a line comment", lambda t: _utf8(t[:-1] + "// 注释\n}")),
    ("a NaN literal", _member('"n":NaN')),
    ("an Infinity literal", _member('"n":Infinity')),
    ("a -Infinity literal", _member('"n":-Infinity')),
    ("a hexadecimal number", _member('"n":0x10')),
    ("a number with leading zeros", _member('"n":0123')),
    ("the number 1e400", _member('"n":1e400')),
    ("a duplicate key", _duplicate_first_member),
    ("-0 instead of an object", lambda t: b"-0"),
    ("a 30-digit integer instead of an object", lambda t: b"123456789012345678901234567890"),
    ("an array instead of an object", lambda t: _utf8("[" + t + "]")),
    ("a string instead of an object", lambda t: _utf8(json.dumps(t))),
    ("null instead of an object", lambda t: b"null"),
    ("true instead of an object", lambda t: b"true"),
    ("invalid UTF-8 bytes", _in_first_key(b"\xff\xfe")),
    ("overlong UTF-8 for '/'", _in_first_key(b"\xc0\xaf")),
    ("overlong 3-byte UTF-8", _in_first_key(b"\xe0\x80\xaf")),
    ("a UTF-8 encoded surrogate", _in_first_key(b"\xed\xa0\x80")),
    ("a code point above U+10FFFF", _in_first_key(b"\xf4\x90\x80\x80")),
    ("a lone high surrogate escape \\ud800", _in_first_key(b"\\ud800")),
    ("a lone low surrogate escape \\udc00", _in_first_key(b"\\udc00")),
    ("a reversed surrogate pair", _in_first_key(b"\\udc00\\ud800")),
    ("an invalid escape \\x41", _in_first_key(b"\\x41")),
    ("a truncated \\u escape", _in_first_key(b"\\u12")),
    ("a raw NUL inside a string", _in_first_key(b"\x00")),
    ("a raw control character inside a string", _in_first_key(b"\x01")),
    ("a raw line feed inside a string", _in_first_key(b"\n")),
    ("a raw NUL before the object", lambda t: b"\x00" + _utf8(t)),
    ("a raw NUL after the object", lambda t: _utf8(t) + b"\x00"),
    ("a raw NUL, then garbage, after the object", lambda t: _utf8(t) + b"\x00garbage"),
]


def _variant(make, base):
    return lambda: make(json.dumps(base(), ensure_ascii=False, separators=(",", ":")))


MALFORMED_JSON = [
    Case(f"{name}: {variant}", method, path, who, _variant(make, base), 400, "invalid_json")
    for name, method, path, who, base in JSON_ENDPOINTS
    for variant, make in MALFORMED_VARIANTS
]


# --------------------------------------------------------------------------
# Nesting: the server refuses arrays and objects nested deeper than 64
# levels before it parses (422 too_deep); 64 levels are parsed.

def nested_arrays(n):
    return "[" * n + "]" * n


def nested_objects(n):
    return '{"a":' * n + "1" + "}" * n


DEEP_VARIANTS = [
    ("64 nested arrays (the limit) are parsed: not an object",
     lambda t: nested_arrays(64), 400, "invalid_json", None),
    ("64 nested objects (the limit) are parsed: an unknown field",
     lambda t: nested_objects(64), 422, "unknown_field", "a"),
    ("65 nested arrays", lambda t: nested_arrays(65), 422, "too_deep", None),
    ("65 nested objects", lambda t: nested_objects(65), 422, "too_deep", None),
    ("a member nested 64 levels inside the body", lambda t: t[:-1] + ',"deep":' + nested_arrays(64) + "}",
     422, "too_deep", None),
    ("1,000 nested arrays", lambda t: nested_arrays(1000), 422, "too_deep", None),
    ("1,000 nested objects", lambda t: nested_objects(1000), 422, "too_deep", None),
    ("80,000 nested arrays", lambda t: nested_arrays(80_000), 422, "too_deep", None),
    ("80,000 nested objects", lambda t: nested_objects(80_000), 422, "too_deep", None),
    ("80,000 unclosed brackets", lambda t: "[" * 80_000, 422, "too_deep", None),
]

DEEP_NESTING = [
    Case(f"{name}: {variant}", method, path, who, _variant(make, base), status, code, field)
    for name, method, path, who, base in JSON_ENDPOINTS
    for variant, make, status, code, field in DEEP_VARIANTS
]


# --------------------------------------------------------------------------
# Wrong types and ranges, field by field

def login(changes=None, **more):
    return edit(login_body, changes, **more)


def enterprise(changes=None, **more):
    return edit(enterprise_body, changes, **more)


WRONG_SESSION = [
    Case("login: username a number", "POST", SESSION, None, login(username=1), 422, "wrong_type", "username"),
    Case("login: username an array", "POST", SESSION, None, login(username=["guangzhou"]), 422, "wrong_type",
         "username"),
    Case("login: username an object", "POST", SESSION, None, login(username={"$ne": ""}), 422, "wrong_type",
         "username"),
    Case("login: username a boolean", "POST", SESSION, None, login(username=True), 422, "wrong_type", "username"),
    Case("login: username null", "POST", SESSION, None, login(username=None), 422, "missing_field", "username"),
    Case("login: password missing", "POST", SESSION, None, login(password=DROP), 422, "missing_field", "password"),
    Case("login: password a number", "POST", SESSION, None, login(password=2016), 422, "wrong_type", "password"),
    Case("login: an unknown field role", "POST", SESSION, None, login(role="ministry"), 422, "unknown_field", "role"),
    Case("login: username of 10,000 characters", "POST", SESSION, None, login(username="g" * 10_000), 401,
         "unauthenticated"),
    Case("login: password of 10,000 characters", "POST", SESSION, None, login(password="p" * 10_000), 401,
         "unauthenticated"),
]

WRONG_ENTERPRISE = [
    Case(f"new enterprise: {label}", "POST", ENTERPRISES, "guangzhou", body, status, code, field)
    for label, body, status, code, field in [
        ("employees not a number", enterprise(employees="abc"), 422, None, "employees"),
        ("employees in Chinese numerals", enterprise(employees="三百五十"), 422, None, "employees"),
        ("employees a boolean", enterprise(employees=True), 422, "wrong_type", "employees"),
        ("employees an object", enterprise(employees={"n": 1}), 422, "wrong_type", "employees"),
        ("employees an array", enterprise(employees=[350]), 422, "wrong_type", "employees"),
        ("employees negative", enterprise(employees=-1), 422, None, "employees"),
        ("employees over ten million", enterprise(employees=10_000_001), 422, None, "employees"),
        ("employees a fraction", enterprise(employees=350.5), 422, None, "employees"),
        ("employees a 30-digit integer", enterprise(employees=123456789012345678901234567890), 422, None,
         "employees"),
        ("employees 2^63", enterprise(employees=2 ** 63), 422, None, "employees"),
        ("revenue negative", enterprise(revenue_10k_yuan=-1), 422, None, "revenue_10k_yuan"),
        ("revenue over 10^9", enterprise(revenue_10k_yuan=1e10), 422, None, "revenue_10k_yuan"),
        ("revenue not a number", enterprise(revenue_10k_yuan="abc"), 422, None, "revenue_10k_yuan"),
        ("revenue the string NaN", enterprise(revenue_10k_yuan="NaN"), 422, None, "revenue_10k_yuan"),
        ("revenue the string Infinity", enterprise(revenue_10k_yuan="Infinity"), 422, None, "revenue_10k_yuan"),
        ("revenue a boolean", enterprise(revenue_10k_yuan=False), 422, "wrong_type", "revenue_10k_yuan"),
        ("revenue an array", enterprise(revenue_10k_yuan=[1]), 422, "wrong_type", "revenue_10k_yuan"),
        ("USCC with a wrong check character", edit(lambda: dict(enterprise_body(), uscc=wrong_check_uscc())), 422,
         None, "uscc"),
        ("USCC a number", enterprise(uscc=914401007790125), 422, "wrong_type", "uscc"),
        ("USCC empty", enterprise(uscc=""), 422, None, "uscc"),
        ("USCC of 19 characters", enterprise(uscc="91440100MA5MRCPX5LX"), 422, None, "uscc"),
        ("USCC with the letter O", enterprise(uscc="9144O100MA5MRCPX5L"), 422, None, "uscc"),
        ("name a number", enterprise(name=12345), 422, "wrong_type", "name"),
        ("name an object", enterprise(name={"zh": "某公司"}), 422, "wrong_type", "name"),
        ("name of one character", enterprise(name="企"), 422, None, "name"),
        ("name null", enterprise(name=None), 422, None, "name"),
        ("unit unknown", enterprise(unit_code="999999"), 422, None, "unit_code"),
        ("unit a province, not a reporting unit", enterprise(unit_code="440000"), 422, None, "unit_code"),
        ("unit of another city", enterprise(unit_code="440300"), 422, None, "unit_code"),
        ("unit a number", enterprise(unit_code=440100), 422, "wrong_type", "unit_code"),
        ("industry unknown", enterprise(industry_code="99"), 422, None, "industry_code"),
        ("industry letters", enterprise(industry_code="zz"), 422, None, "industry_code"),
        ("industry a number", enterprise(industry_code=39), 422, "wrong_type", "industry_code"),
        ("production type unknown", enterprise(production_type="batch"), 422, None, "production_type"),
        ("production type a number", enterprise(production_type=1), 422, "wrong_type", "production_type"),
        ("ownership unknown", enterprise(ownership="martian"), 422, None, "ownership"),
        ("e-mail without @", enterprise(contact_email="not-an-email"), 422, None, "contact_email"),
        ("phone of words", enterprise(contact_phone="call me"), 422, None, "contact_phone"),
        ("an unknown field", enterprise(colour="红"), 422, "unknown_field", "colour"),
        ("a version on create", enterprise(version=1), 422, "unknown_field", "version"),
        ("a derived field size_class", enterprise(size_class="large"), 422, "unknown_field", "size_class"),
        ("a __proto__ member", enterprise(__proto__={"admin": True}), 422, "unknown_field", "__proto__"),
        ("employees missing", enterprise(employees=DROP), 422, None, "employees"),
    ]
]

WRONG_DRAFT = [
    Case(f"assessment draft: {label}", "PUT", OPEN_DRAFT, "enterprise", edit(draft_body, changes), status, code,
         field)
    for label, changes, status, code, field in [
        ("answers an array", {"answers": []}, 422, "invalid_field", "answers"),
        ("answers a string", {"answers": "A"}, 422, "invalid_field", "answers"),
        ("answers null", {"answers": None}, 422, "invalid_field", "answers"),
        ("answers missing", {"answers": DROP}, 422, "invalid_field", "answers"),
        ("version missing", {"version": DROP}, 422, "missing_version", "version"),
        ("version a string", {"version": "0"}, 422, "missing_version", "version"),
        ("version -1", {"version": -1}, 422, "missing_version", "version"),
        ("version 1.5", {"version": 1.5}, 422, "missing_version", "version"),
        ("version -0.0", {"version": -0.0}, 422, "missing_version", "version"),
        ("version a boolean", {"version": False}, 422, "missing_version", "version"),
        ("version a 30-digit integer", {"version": 123456789012345678901234567890}, 422, "missing_version",
         "version"),
        ("version ahead of the stored one", {"version": 5}, 409, "stale_version", None),
        ("an unknown field status", {"status": "approved"}, 422, "unknown_field", "status"),
        ("an unknown question", {"answers": {"nope": 1}}, 422, "invalid_answer", "answers.nope"),
        ("an option the question lacks", {"answers": {"it_planning": "Z"}}, 422, "invalid_answer",
         "answers.it_planning"),
        ("a number for a choice", {"answers": {"it_planning": 1}}, 422, "invalid_answer", "answers.it_planning"),
        ("a number below its minimum", {"answers": {"computers_per_100": -1}}, 422, "invalid_answer",
         "answers.computers_per_100"),
        ("a string for a multiple choice", {"answers": {"security_measures": "firewall"}}, 422, "invalid_answer",
         "answers.security_measures"),
        ("an unknown option in a multiple choice", {"answers": {"security_measures": ["nope"]}}, 422,
         "invalid_answer", "answers.security_measures"),
        ("maybe for a yes/no question", {"answers": {"service_mfg": "maybe"}}, 422, "invalid_answer",
         "answers.service_mfg"),
    ]
] + [
    Case(f"assessment submit: {label}", "POST", OPEN_DRAFT + "/submit", "enterprise", body, status, code, field)
    for label, body, status, code, field in [
        ("override a string", {"override": "yes"}, 422, "wrong_type", "override"),
        ("override a number", {"override": 1}, 422, "wrong_type", "override"),
        ("an unknown field", {"force": True}, 422, "unknown_field", "force"),
        ("an array body", "[]", 400, "invalid_json", None),
    ]
]

WRONG_ROUND = [
    Case(f"round: {label}", "PUT", ROUND_PATH, "guangdong", edit(round_body, changes), 422, code, field)
    for label, changes, code, field in [
        ("year a string", {"year": "2016"}, None, "year"),
        ("year 1999", {"year": 1999}, None, "year"),
        ("year 2101", {"year": 2101}, None, "year"),
        ("year 2016.5", {"year": 2016.5}, None, "year"),
        ("year a boolean", {"year": True}, None, "year"),
        ("year 0", {"year": 0}, None, "year"),
        ("year beyond 64 bits", {"year": 2 ** 64 + 1}, None, "year"),
        ("name a number", {"name": 2016}, "wrong_type", "name"),
        ("province of another admin", {"province_code": "450000"}, None, "province_code"),
        ("province unknown", {"province_code": "999999"}, None, "province_code"),
        ("province a number", {"province_code": 440000}, "wrong_type", "province_code"),
        ("models empty", {"models": []}, None, "models"),
        ("models unknown", {"models": ["nope"]}, "unknown_model", "models"),
        ("models a string", {"models": MODEL}, None, "models"),
        ("models of numbers", {"models": [1]}, "unknown_model", "models"),
        ("models null", {"models": None}, None, "models"),
        ("opens_on 2016-02-30", {"opens_on": "2016-02-30"}, None, "opens_on"),
        ("opens_on 2016-13-01", {"opens_on": "2016-13-01"}, None, "opens_on"),
        ("opens_on without dashes", {"opens_on": "20160420"}, None, "opens_on"),
        ("opens_on a timestamp", {"opens_on": "2016-04-20T00:00:00Z"}, None, "opens_on"),
        ("opens_on a number", {"opens_on": 20160420}, "wrong_type", "opens_on"),
        ("closes before it opens", {"closes_on": "2016-01-01"}, None, "closes_on"),
        ("deadline a word", {"deadline": "tomorrow"}, None, "deadline"),
        ("contacts_due 2016-02-30", {"contacts_due": "2016-02-30"}, None, "contacts_due"),
        ("contacts_due a number", {"contacts_due": 1}, "wrong_type", "contacts_due"),
        ("review_required a string", {"review_required": "yes"}, "wrong_type", "review_required"),
        ("review_required a number", {"review_required": 1}, "wrong_type", "review_required"),
        ("an unknown field code", {"code": "other"}, "unknown_field", "code"),
    ]
] + [
    Case(f"round: code {label}", "PUT", "/api/v1/rounds/" + code, "guangdong", open_round_body, 422,
         "invalid_round", "code")
    for label, code in [("with capitals and an underscore", "NOPE_2016"), ("of one character", "a"),
                        ("of 33 characters", "a" * 33), ("in Chinese", urllib.parse.quote("周期")),
                        ("starting with a hyphen", "-2016")]
]

WRONG_TARGET = [
    Case(f"target: {label}", "PUT", TARGET, "guangdong", edit(target_body, changes), 422, code, "rule")
    for label, changes, code in [
        ("rule a number", {"rule": 400}, "wrong_type"),
        ("rule null", {"rule": None}, "missing_field"),
        ("rule missing", {"rule": DROP}, "missing_field"),
        ("rule empty", {"rule": ""}, "invalid_target_rule"),
        ("a negative count", {"rule": "min_completed:-1"}, "invalid_target_rule"),
        ("a count of letters", {"rule": "min_completed:abc"}, "invalid_target_rule"),
        ("a count over ten million", {"rule": "min_completed:10000001"}, "invalid_target_rule"),
        ("a fractional count", {"rule": "min_completed:1.5"}, "invalid_target_rule"),
        ("a share of 0", {"rule": "min_share_above_scale:0"}, "invalid_target_rule"),
        ("a share of 101", {"rule": "min_share_above_scale:101"}, "invalid_target_rule"),
        ("a share of NaN", {"rule": "min_share_above_scale:NaN"}, "invalid_target_rule"),
        ("a repeated rule", {"rule": "min_completed:1|min_completed:2"}, "invalid_target_rule"),
        ("a dangling separator", {"rule": "min_completed:1|"}, "invalid_target_rule"),
        ("an unknown rule", {"rule": "max_completed:1"}, "invalid_target_rule"),
        ("SQL after the rule", {"rule": "min_completed:400; DROP TABLE targets"}, "invalid_target_rule"),
    ]
] + [
    Case("target: an unknown field", "PUT", TARGET, "guangdong", edit(target_body, unit="440300"), 422,
         "unknown_field", "unit"),
    Case("target: unit unknown", "PUT", f"/api/v1/rounds/{ROUND}/targets/999999", "guangdong", target_body, 404,
         "not_found"),
    Case("target: unit of another province", "PUT", f"/api/v1/rounds/{ROUND}/targets/450000", "guangdong",
         target_body, 404, "not_found"),
]

WRONG_CONTACTS = [
    Case(f"contacts form: {label}", "PUT", CONTACTS, "guangzhou", edit(contacts_body, changes), 422, code, field)
    for label, changes, code, field in [
        ("leader a string", {"leader": "张三"}, "wrong_type", "leader"),
        ("leader missing", {"leader": DROP}, "missing_field", "leader"),
        ("liaison an array", {"liaison": []}, "wrong_type", "liaison"),
        ("platform admin null", {"platform_admin": None}, "missing_field", "platform_admin"),
        ("phone a number", {"leader.phone": 83134276}, "wrong_type", "leader.phone"),
        ("phone of words", {"leader.phone": "call me"}, "invalid_field", "leader.phone"),
        ("mobile of five digits", {"leader.mobile": "12345"}, "invalid_field", "leader.mobile"),
        ("e-mail without @", {"leader.email": "not-an-email"}, "invalid_field", "leader.email"),
        ("fax of letters", {"leader.fax": "abc"}, "invalid_field", "leader.fax"),
        ("neither phone nor mobile", {"leader.phone": DROP, "leader.mobile": DROP}, "missing_field",
         "leader.phone"),
        ("an unknown field in a person", {"leader.age": 40}, "unknown_field", "leader.age"),
        ("an unknown role", {"boss": {"name": "老板"}}, "unknown_field", "boss"),
    ]
] + [
    Case("contacts form: unit unknown", "PUT", f"/api/v1/rounds/{ROUND}/contacts/999999", "guangzhou",
         contacts_body, 404, "not_found"),
    Case("contacts form: unit of another city", "PUT", f"/api/v1/rounds/{ROUND}/contacts/440300", "guangzhou",
         contacts_body, 404, "not_found"),
]

WRONG_ACCOUNTS = [
    Case(f"new account: {label}", "POST", ACCOUNTS_PATH, "guangdong", edit(account_body, changes), 422, code, field)
    for label, changes, code, field in [
        ("username missing", {"username": DROP}, "missing_field", "username"),
        ("username a number", {"username": 7}, "wrong_type", "username"),
        ("username with a space", {"username": "bad name"}, "invalid_username", "username"),
        ("username of 65 characters", {"username": "u" * 65}, "invalid_username", "username"),
        ("role missing", {"role": DROP}, "missing_field", "role"),
        ("role unknown", {"role": "emperor"}, "invalid_field", "role"),
        ("scope a number", {"scope": 440100}, "wrong_type", "scope"),
        ("scope unknown", {"scope": "999999"}, "invalid_scope", "scope"),
        ("email without a domain", {"email": "liaison@"}, "invalid_email", "email"),
        ("email with a line break", {"email": "a@b.cn\r\nBcc: x@y.cn"}, "invalid_email", "email"),
        ("industries for a unit", {"industries": ["38"]}, "invalid_scope", "industries"),
        ("industries a string", {"role": "association", "industries": "38"}, "invalid_field", "industries"),
        ("an unknown field", {"password": "Chosen2026"}, "unknown_field", "password"),
    ]
]

WRONG_REGISTRATION = [
    Case(f"registration: {label}", "POST", "/api/v1/registrations", None, edit(registration_body, changes), 422,
         code, field)
    for label, changes, code, field in [
        ("username missing", {"username": DROP}, "missing_field", "username"),
        ("username a number", {"username": 12}, "wrong_type", "username"),
        ("username with a slash", {"username": "../admin"}, "invalid_username", "username"),
        ("uscc with a wrong check character", {"uscc": "91440100MA4AX2201X"}, None, "uscc"),
        ("unit unknown", {"unit_code": "999999"}, None, "unit_code"),
        ("contact_email missing", {"contact_email": DROP}, "invalid_field", "contact_email"),
        ("contact_email with a header", {"contact_email": "a@b.cn\r\nBcc: c@d.cn"}, "invalid_field",
         "contact_email"),
        ("employees an object", {"employees": {"n": 1}}, "wrong_type", "employees"),
        ("a role asked for", {"role": "ministry"}, "unknown_field", "role"),
    ]
]

WRONG_REMINDERS = [
    Case(f"reminders: {label}", "POST", REMINDERS, "guangdong", edit(reminder_body, changes), 422, code, field)
    for label, changes, code, field in [
        ("target a number", {"target": 1}, "wrong_type", "target"),
        ("target unknown", {"target": "everyone"}, "invalid_field", "target"),
        ("states a string", {"target": "enterprises", "states": "draft"}, "invalid_field", "states"),
        ("states of numbers", {"target": "enterprises", "states": [1]}, "invalid_field", "states"),
        ("states waiting_review", {"target": "enterprises", "states": ["waiting_review"]}, "invalid_field",
         "states"),
        ("states with contacts", {"states": ["draft"]}, "invalid_field", "states"),
        ("recipients an object", {"recipients": {"uscc": "x"}}, "invalid_field", "recipients"),
        ("recipients of 10,001", {"recipients": ["440100"] * 10_001}, "invalid_field", "recipients"),
        ("recipients a path", {"recipients": ["../../etc/passwd"]}, "invalid_field", "recipients"),
        ("message of 501 characters", {"message": "催" * 501}, "invalid_field", "message"),
        ("at a date without a time", {"at": "2016-06-30"}, "invalid_field", "at"),
        ("at in the past", {"at": "2016-06-01T09:00:00+08:00"}, "invalid_field", "at"),
        ("at a number", {"at": 1}, "wrong_type", "at"),
        ("unit unknown", {"unit": "999999"}, "invalid_parameter", "unit"),
        ("unit of another province", {"unit": "450000"}, "invalid_parameter", "unit"),
        ("enterprises of a closed round", {"target": "enterprises"}, "invalid_field", "round"),
        ("an unknown field", {"channel": "sms"}, "unknown_field", "channel"),
    ]
]

WRONG_CIRCULAR = [
    Case(f"circular: {label}", "POST", CIRCULARS, "guangdong", edit(circular_body, changes), status, code, field)
    for label, changes, status, code, field in [
        ("as_of missing", {"as_of": DROP}, 422, "missing_field", "as_of"),
        ("as_of a number", {"as_of": 20160630}, 422, "wrong_type", "as_of"),
        ("as_of 2016-13-01", {"as_of": "2016-13-01"}, 422, "invalid_field", "as_of"),
        ("as_of 2016-02-30", {"as_of": "2016-02-30"}, 422, "invalid_field", "as_of"),
        ("as_of a word", {"as_of": "yesterday"}, 422, "invalid_field", "as_of"),
        ("as_of before the round opened", {"as_of": "2016-01-01"}, 422, "invalid_field", "as_of"),
        ("as_of in the future", {"as_of": "2999-01-01"}, 422, "invalid_field", "as_of"),
        ("unit unknown", {"unit": "999999"}, 404, "not_found", None),
        ("unit of another province", {"unit": "450000"}, 404, "not_found", None),
        ("unit a number", {"unit": 440100}, 422, "wrong_type", "unit"),
        ("title a number", {"title": 123}, 422, "wrong_type", "title"),
        ("an unknown field", {"round": "gx-2016"}, 422, "unknown_field", "round"),
    ]
]

WRONG_SCORE = [
    Case(f"what-if score: {label}", "POST", SCORE, "guangzhou", edit(score_body, changes), 422, code, field)
    for label, changes, code, field in [
        ("production type missing", {"production_type": DROP}, "missing_field", "production_type"),
        ("production type unknown", {"production_type": "zz"}, "invalid_parameter", "production_type"),
        ("production type a number", {"production_type": 1}, "wrong_type", "production_type"),
        ("answers missing", {"answers": DROP}, "invalid_field", "answers"),
        ("answers an array", {"answers": []}, "invalid_field", "answers"),
        ("answers a string", {"answers": "A"}, "invalid_field", "answers"),
        ("answers null", {"answers": None}, "invalid_field", "answers"),
        ("an unknown question", {"answers": {"nope": 1}}, "invalid_answer", "answers.nope"),
        ("an option the question lacks", {"answers": {"it_planning": "Z"}}, "invalid_answer",
         "answers.it_planning"),
        ("a number for a choice", {"answers": {"it_planning": 1}}, "invalid_answer", "answers.it_planning"),
        ("a number below its minimum", {"answers": {"computers_per_100": -1}}, "invalid_answer",
         "answers.computers_per_100"),
        ("1e308 for a number", {"answers": {"computers_per_100": 1e308}}, "invalid_answer",
         "answers.computers_per_100"),
        ("the string NaN for a number", {"answers": {"computers_per_100": "NaN"}}, "invalid_answer",
         "answers.computers_per_100"),
        ("a negative percentage", {"answers": {"it_staff_ratio": -5}}, "invalid_answer", "answers.it_staff_ratio"),
        ("a string for a multiple choice", {"answers": {"security_measures": "firewall"}}, "invalid_answer",
         "answers.security_measures"),
        ("an unknown option in a multiple choice", {"answers": {"security_measures": ["nope"]}}, "invalid_answer",
         "answers.security_measures"),
        ("maybe for a yes/no question", {"answers": {"service_mfg": "maybe"}}, "invalid_answer",
         "answers.service_mfg"),
        ("an unknown field model", {"model": "sme-digital-2022"}, "unknown_field", "model"),
    ]
] + [
    Case("what-if score: an unknown model", "POST", "/api/v1/models/nope/score", "guangzhou", score_body, 404,
         "not_found"),
]

WRONG_OTHER_BODIES = [
    Case("review: decision unknown", "POST", REVIEW, "guangzhou", edit(review_body, decision="maybe"), 422,
         "invalid_field", "decision"),
    Case("review: decision a number", "POST", REVIEW, "guangzhou", edit(review_body, decision=1), 422,
         "wrong_type", "decision"),
    Case("review: decision missing", "POST", REVIEW, "guangzhou", edit(review_body, decision=DROP), 422,
         "missing_field", "decision"),
    Case("review: an unknown field", "POST", REVIEW, "guangzhou", edit(review_body, score=100), 422,
         "unknown_field", "score"),
    Case("enterprise update: version a string", "PATCH", PATCH, "guangzhou", edit(patch_body, version="1"), 422,
         "missing_version", "version"),
    Case("enterprise update: version 1.5", "PATCH", PATCH, "guangzhou", edit(patch_body, version=1.5), 422,
         "missing_version", "version"),
    Case("enterprise update: version missing", "PATCH", PATCH, "guangzhou", edit(patch_body, version=DROP), 422,
         "missing_version", "version"),
    Case("enterprise update: version a boolean", "PATCH", PATCH, "guangzhou", edit(patch_body, version=True), 422,
         "missing_version", "version"),
    Case("enterprise update: name an object", "PATCH", PATCH, "guangzhou", edit(patch_body, name={"x": 1}), 422,
         "wrong_type", "name"),
    Case("enterprise update: an unknown field", "PATCH", PATCH, "guangzhou", edit(patch_body, colour="红"), 422,
         "unknown_field", "colour"),
    Case("enterprise update: employees negative", "PATCH", PATCH, "guangzhou", edit(patch_body, employees=-1), 422,
         None, "employees"),
    Case("enterprise update: a new USCC", "PATCH", PATCH, "guangzhou",
         edit(lambda: dict(patch_body(), uscc=make_uscc("440100"))), 422, None, "uscc"),
    Case("password change: current password a number", "PUT", SESSION + "/password", "guangzhou",
         edit(password_body, current_password=1), 422, "wrong_type", "current_password"),
    Case("password change: new password missing", "PUT", SESSION + "/password", "guangzhou",
         edit(password_body, new_password=DROP), 422, "missing_field", "new_password"),
    Case("password change: an unknown field", "PUT", SESSION + "/password", "guangzhou",
         edit(password_body, username="ministry"), 422, "unknown_field", "username"),
    Case("password change: an array body", "PUT", SESSION + "/password", "guangzhou", "[]", 400, "invalid_json"),
    Case("grant: can_submit a string", "PUT", "/api/v1/enterprises/{own}/grants/agency", "enterprise",
         edit(grant_body, can_submit="yes"), 422, "wrong_type", "can_submit"),
    Case("grant: can_submit a number", "PUT", "/api/v1/enterprises/{own}/grants/agency", "enterprise",
         edit(grant_body, can_submit=1), 422, "wrong_type", "can_submit"),
    Case("grant: an unknown field", "PUT", "/api/v1/enterprises/{own}/grants/agency", "enterprise",
         edit(grant_body, expires="2099-01-01"), 422, "unknown_field", "expires"),
    Case("grant: to an account that does not exist", "PUT", "/api/v1/enterprises/{own}/grants/nope", "enterprise",
         grant_body, 422, "unknown_agency", "agency"),
    Case("grant: to an account that is not an agency", "PUT", "/api/v1/enterprises/{own}/grants/guangzhou",
         "enterprise", grant_body, 422, "unknown_agency", "agency"),
]


# --------------------------------------------------------------------------
# Hostile text: refused with 422 naming the field. Spaces-only text is left
# out where a field is optional (blank clears it or takes the default).

HOSTILE_TEXT = {
    "10,000 characters": "长" * 10_000,
    "spaces only": "   ",
    "ideographic spaces only": "\u3000\u3000\u3000",
    "zero-width spaces only": "\u200b\u200b\u200b",
    "a right-to-left override": "广州\u202e司公限有",
    "a control character": "广州\u0007机械公司",
    "a NUL": "广州\u0000机械公司",
}
VISIBLE_REQUIRED = list(HOSTILE_TEXT)
OPTIONAL = ["10,000 characters", "zero-width spaces only", "a right-to-left override", "a control character",
            "a NUL"]

TEXT_FIELDS = [
    Case(f"{what} {field} with {variant}", method, path, who, edit(base, {field: HOSTILE_TEXT[variant]}), 422,
         None, field)
    for what, method, path, who, base, field, variants in [
        ("new enterprise", "POST", ENTERPRISES, "guangzhou", enterprise_body, "name", VISIBLE_REQUIRED),
        ("new enterprise", "POST", ENTERPRISES, "guangzhou", enterprise_body, "address", OPTIONAL),
        ("new enterprise", "POST", ENTERPRISES, "guangzhou", enterprise_body, "contact_name", OPTIONAL),
        ("enterprise update", "PATCH", PATCH, "guangzhou", patch_body, "name", VISIBLE_REQUIRED),
        ("round", "PUT", ROUND_PATH, "guangdong", round_body, "name", VISIBLE_REQUIRED),
        ("circular", "POST", CIRCULARS, "guangdong", circular_body, "title", OPTIONAL),
        ("reminders", "POST", REMINDERS, "guangdong", reminder_body, "message", OPTIONAL),
        ("new account", "POST", ACCOUNTS_PATH, "guangdong", account_body, "display_name", OPTIONAL),
        ("contacts form", "PUT", CONTACTS, "guangzhou", contacts_body, "leader.name", VISIBLE_REQUIRED),
        ("contacts form", "PUT", CONTACTS, "guangzhou", contacts_body, "liaison.department_title",
         VISIBLE_REQUIRED),
        ("target", "PUT", TARGET, "guangdong", target_body, "rule", VISIBLE_REQUIRED),
        ("review", "POST", REVIEW, "guangzhou", review_body, "reason", OPTIONAL),
    ]
    for variant in variants
]

# SQL and formula text where a name is valid: stored and shown literally.
# (label, what is written, field, value)
ACCEPTED_HOSTILE_TEXT = [
    ("enterprise name of SQL", "enterprise", "name", "'; DROP TABLE enterprises;--"),
    ("enterprise name of a formula", "enterprise", "name", '=HYPERLINK("http://evil.example","点击")'),
    ("enterprise contact of a formula", "enterprise", "contact_name", "@SUM(A1:A9)"),
    ("enterprise address of a DDE formula", "enterprise", "address", "+cmd|' /C calc'!A0"),
    ("round name of SQL", "round", "name", "'; DROP TABLE rounds;--"),
    ("circular title of a formula", "circular", "title", '=HYPERLINK("http://evil.example")关于评估进展的通报'),
    ("contact department of SQL", "contacts", "leader.department_title", "'; DROP TABLE contacts;--"),
    ("contact name of a formula", "contacts", "liaison.name", "=1+1"),
]


# --------------------------------------------------------------------------
# Query parameters

def _get(label, path, who, status, code, field=None):
    return Case(label, "GET", path, who, None, status, code, field)


E = ENTERPRISES
R = "/api/v1/rounds/" + ROUND
QUERY_PARAMETERS = [
    _get("enterprises: size=huge", E + "?size=huge", "guangzhou", 422, "invalid_parameter", "size"),
    _get("enterprises: unit=999999", E + "?unit=999999", "guangzhou", 422, "invalid_parameter", "unit"),
    _get("enterprises: unit of invalid UTF-8", E + "?unit=%FF", "guangzhou", 422, "invalid_parameter", "unit"),
    _get("enterprises: industry=zz", E + "?industry=zz", "guangzhou", 422, "invalid_parameter", "industry"),
    _get("enterprises: sort=zz", E + "?sort=zz", "guangzhou", 422, "invalid_sort", "sort"),
    _get("enterprises: sort=-zz", E + "?sort=-zz", "guangzhou", 422, "invalid_sort", "sort"),
    _get("enterprises: sort of SQL", E + "?sort=name%3B%20DROP%20TABLE%20enterprises", "guangzhou", 422,
         "invalid_sort", "sort"),
    _get("enterprises: page=0", E + "?page=0", "guangzhou", 422, "invalid_parameter", "page"),
    _get("enterprises: page=-1", E + "?page=-1", "guangzhou", 422, "invalid_parameter", "page"),
    _get("enterprises: page=10^12", E + "?page=1000000000000", "guangzhou", 422, "invalid_parameter", "page"),
    _get("enterprises: page=abc", E + "?page=abc", "guangzhou", 422, "invalid_parameter", "page"),
    _get("enterprises: page=1.5", E + "?page=1.5", "guangzhou", 422, "invalid_parameter", "page"),
    _get("enterprises: page of 30 digits", E + "?page=123456789012345678901234567890", "guangzhou", 422,
         "invalid_parameter", "page"),
    _get("enterprises: per_page=0", E + "?per_page=0", "guangzhou", 422, "invalid_parameter", "per_page"),
    _get("enterprises: per_page=-1", E + "?per_page=-1", "guangzhou", 422, "invalid_parameter", "per_page"),
    _get("enterprises: per_page=10^12", E + "?per_page=1000000000000", "guangzhou", 422, "invalid_parameter",
         "per_page"),
    _get("enterprises: per_page=abc", E + "?per_page=abc", "guangzhou", 422, "invalid_parameter", "per_page"),
    _get("enterprises: per_page=501", E + "?per_page=501", "guangzhou", 422, "invalid_parameter", "per_page"),
    _get("enterprises: q of 101 characters", E + "?q=" + "x" * 101, "guangzhou", 422, "invalid_parameter", "q"),
    _get("enterprises: q with a control character", E + "?q=%01", "guangzhou", 422, "invalid_parameter", "q"),
    _get("enterprises: q of overlong UTF-8", E + "?q=%C0%AF", "guangzhou", 422, "invalid_parameter", "q"),
    _get("export: format=zz", E + "/export?format=zz", "guangzhou", 422, "invalid_parameter", "format"),
    _get("export: format=xlsx", E + "/export?format=xlsx", "guangzhou", 422, "invalid_parameter", "format"),
    _get("export: size=huge", E + "/export?size=huge", "guangzhou", 422, "invalid_parameter", "size"),
    _get("assessments: status=zz", R + "/assessments?status=zz", "guangdong", 422, "invalid_parameter", "status"),
    _get("assessments: unit=999999", R + "/assessments?unit=999999", "guangdong", 422, "invalid_parameter", "unit"),
    _get("assessments: sort=name", R + "/assessments?sort=name", "guangdong", 422, "invalid_parameter", "sort"),
    _get("outstanding: state=zz", R + "/outstanding?state=zz", "guangdong", 422, "invalid_parameter", "state"),
    _get("outstanding: waiting_days=10^12", R + "/outstanding?waiting_days=1000000000000", "guangdong", 422,
         "invalid_parameter", "waiting_days"),
    _get("assessments: page=0", R + "/assessments?page=0", "guangdong", 422, "invalid_parameter", "page"),
    _get("assessments: per_page=10^12", R + "/assessments?per_page=1000000000000", "guangdong", 422,
         "invalid_parameter", "per_page"),
    _get("progress: format=zz", R + "/progress?format=zz", "guangdong", 422, "invalid_parameter", "format"),
    _get("progress: as_of=2016-13-01", R + "/progress?as_of=2016-13-01", "guangdong", 422, "invalid_parameter",
         "as_of"),
    _get("progress: as_of=2016-02-30", R + "/progress?as_of=2016-02-30", "guangdong", 422, "invalid_parameter",
         "as_of"),
    _get("progress: as_of=garbage", R + "/progress?as_of=garbage", "guangdong", 422, "invalid_parameter", "as_of"),
    _get("progress: unit=999999", R + "/progress?unit=999999", "guangdong", 404, "not_found"),
    _get("data map: by=zz", R + "/datamap?by=zz", "guangdong", 422, "invalid_parameter", "by"),
    _get("data map: size=huge", R + "/datamap?size=huge", "guangdong", 422, "invalid_parameter", "size"),
    _get("data map: industry_group=zz", R + "/datamap?industry_group=zz", "guangdong", 422, "invalid_parameter",
         "industry_group"),
    _get("data map: format=zz", R + "/datamap?format=zz", "guangdong", 422, "invalid_parameter", "format"),
    _get("data map: unit=999999", R + "/datamap?unit=999999", "guangdong", 404, "not_found"),
    _get("data map: unit of another province", R + "/datamap?unit=450000", "guangdong", 404, "not_found"),
    _get("trend: by=zz", "/api/v1/datamap/trend?by=zz", "guangdong", 422, "invalid_parameter", "by"),
    _get("trend: industry_group=zz", "/api/v1/datamap/trend?industry_group=zz", "guangdong", 422,
         "invalid_parameter", "industry_group"),
    _get("selection: min_total=abc", R + "/selection?min_total=abc", "guangdong", 422, "invalid_parameter",
         "min_total"),
    _get("selection: min_total=101", R + "/selection?min_total=101", "guangdong", 422, "invalid_parameter",
         "min_total"),
    _get("selection: min_total=-1", R + "/selection?min_total=-1", "guangdong", 422, "invalid_parameter",
         "min_total"),
    _get("selection: industry_group=zz", R + "/selection?industry_group=zz", "guangdong", 422, "invalid_parameter",
         "industry_group"),
    _get("selection: min_level=zz", R + "/selection?min_level=zz", "guangdong", 422, "invalid_parameter",
         "min_level"),
    _get("selection: key_indicator=zz", R + "/selection?key_indicator=zz", "guangdong", 422, "invalid_parameter",
         "key_indicator"),
    _get("selection: unit=999999", R + "/selection?unit=999999", "guangdong", 404, "not_found"),
    _get("contacts: format=zz", R + "/contacts?format=zz", "guangdong", 422, "invalid_parameter", "format"),
    _get("contacts: as_of=2016-13-01", R + "/contacts?as_of=2016-13-01", "guangdong", 422, "invalid_parameter",
         "as_of"),
    _get("circular: format=zz", "/api/v1/circulars/1?format=zz", "guangdong", 422, "invalid_parameter", "format"),
    _get("audit: since=garbage", "/api/v1/audit?since=garbage", "guangdong", 422, "invalid_parameter", "since"),
    _get("audit: until with slashes", "/api/v1/audit?until=2016/01/01", "guangdong", 422, "invalid_parameter",
         "until"),
    _get("audit: limit=0", "/api/v1/audit?limit=0", "guangdong", 422, "invalid_parameter", "limit"),
    _get("audit: limit=100000", "/api/v1/audit?limit=100000", "guangdong", 422, "invalid_parameter", "limit"),
    _get("audit: limit=abc", "/api/v1/audit?limit=abc", "guangdong", 422, "invalid_parameter", "limit"),
    _get("audit: before_id=-1", "/api/v1/audit?before_id=-1", "guangdong", 422, "invalid_parameter", "before_id"),
    _get("audit: object_type with a control character", "/api/v1/audit?object_type=%01", "guangdong", 422,
         "invalid_parameter"),
    _get("audit: actor of 129 characters", "/api/v1/audit?actor=" + "a" * 129, "guangdong", 422,
         "invalid_parameter"),
    _get("questionnaire: production_type=zz", f"/api/v1/models/{MODEL}/questionnaire?production_type=zz",
         "guangzhou", 422, "invalid_parameter", "production_type"),
    _get("questionnaire: production_type missing", f"/api/v1/models/{MODEL}/questionnaire", "guangzhou", 422,
         "invalid_parameter", "production_type"),
]

PERCENT_ENCODING = [
    _get(f"percent-encoding: {label}", path, who, 400, "bad_request")
    for label, path, who in [
        ("%zz in a value", E + "?q=%zz", "guangzhou"),
        ("%00 in a value", E + "?q=%00", "guangzhou"),
        ("a truncated escape in a value", E + "?q=%4", "guangzhou"),
        ("a lone % at the end", E + "?q=abc%", "guangzhou"),
        ("%zz in a name", E + "?%zz=1", "guangzhou"),
        ("%00 in a name", E + "?q%00=1", "guangzhou"),
        ("%zz in the path", E + "/%zz", "guangzhou"),
        ("%00 in the path", "/api/v1/%00", "guangzhou"),
        ("%00 after a USCC", E + "/{own}%00", "guangzhou"),
        ("%u escapes", E + "/%u0041", "guangzhou"),
        ("%0 in a filter", R + "/progress?unit=%0", "guangdong"),
        ("%GG on /healthz", "/healthz?x=%GG", None),
    ]
]

UNKNOWN_ROUNDS = [
    Case(f"unknown round: {label}", method, path, who, body, 404, "not_found")
    for label, method, path, who, body in [
        ("the round", "GET", "/api/v1/rounds/nope", "guangdong", None),
        ("progress", "GET", "/api/v1/rounds/nope/progress", "guangdong", None),
        ("assessments", "GET", "/api/v1/rounds/nope/assessments", "guangdong", None),
        ("data map", "GET", "/api/v1/rounds/nope/datamap", "guangdong", None),
        ("selection", "GET", "/api/v1/rounds/nope/selection", "guangdong", None),
        ("contacts", "GET", "/api/v1/rounds/nope/contacts", "guangdong", None),
        ("a unit's contacts", "GET", "/api/v1/rounds/nope/contacts/440100", "guangzhou", None),
        ("circulars", "GET", "/api/v1/rounds/nope/circulars", "guangdong", None),
        ("an assessment", "GET", "/api/v1/rounds/nope/enterprises/{own}/assessment", "enterprise", None),
        ("a diagnosis", "GET", "/api/v1/rounds/nope/enterprises/{own}/diagnosis", "enterprise", None),
        ("a report page", "GET", "/api/v1/rounds/nope/enterprises/{own}/report.html", "enterprise", None),
        ("a chart", "GET", "/api/v1/rounds/nope/enterprises/{own}/charts/radar.svg", "enterprise", None),
        ("a target", "PUT", "/api/v1/rounds/nope/targets/440100", "guangdong", target_body),
        ("a contacts form", "PUT", "/api/v1/rounds/nope/contacts/440100", "guangzhou", contacts_body),
        ("a new circular", "POST", "/api/v1/rounds/nope/circulars", "guangdong", circular_body),
        ("a PDF report", "POST", "/api/v1/rounds/nope/enterprises/{own}/report.pdf", "enterprise", None),
        ("a draft", "PUT", "/api/v1/rounds/nope/enterprises/{own}/assessment", "enterprise", draft_body),
        ("a submission", "POST", "/api/v1/rounds/nope/enterprises/{own}/assessment/submit", "enterprise", None),
        ("a withdrawal", "POST", "/api/v1/rounds/nope/enterprises/{own}/assessment/withdraw", "enterprise", None),
        ("a review", "POST", "/api/v1/rounds/nope/enterprises/{gz}/assessment/review", "guangzhou", review_body),
        ("a code with a bidi override", "GET", "/api/v1/rounds/%E2%80%AEnope/progress", "guangdong", None),
        ("a code with an encoded slash", "GET", "/api/v1/rounds/..%2Fgd-2016/progress", "guangdong", None),
    ]
]


# --------------------------------------------------------------------------
# Paths

# Traversal attempts against the web app fallback: (label, target, status).
# The test server has no web app, so a GET outside /api/ gets the plain
# start page (200) or a JSON 404; a NUL anywhere is a 400. Never a file.
START_PAGE_OR_404 = (200, 404)
TRAVERSAL = [
    ("a doubled slash", "//etc/passwd", START_PAGE_OR_404),
    ("encoded slashes", "/%2Fetc%2Fpasswd", START_PAGE_OR_404),
    ("encoded dot-dot-slash", "/..%2F..%2Fetc%2Fpasswd", START_PAGE_OR_404),
    ("raw dot-dot segments", "/../../../../etc/passwd", START_PAGE_OR_404),
    ("backslashes under /assets", "/assets/..%5C..%5Cetc%5Cpasswd", START_PAGE_OR_404),
    ("raw dot-dot under /assets", "/assets/../../etc/passwd", START_PAGE_OR_404),
    ("encoded dots", "/%2e%2e/%2e%2e/etc/passwd", START_PAGE_OR_404),
    ("double-encoded dot-dot-slash", "/%252e%252e%252fetc%252fpasswd", START_PAGE_OR_404),
    ("overlong UTF-8 slashes", "/..%c0%af..%c0%afetc%c0%afpasswd", START_PAGE_OR_404),
    ("four dots and doubled slashes", "/....//....//etc/passwd", START_PAGE_OR_404),
    ("/proc/self/cmdline", "/proc/self/cmdline", START_PAGE_OR_404),
    ("/proc/self/environ", "/proc/self/environ", START_PAGE_OR_404),
    ("the database file", "/t.db", START_PAGE_OR_404),
    ("the database file one level up", "/../t.db", START_PAGE_OR_404),
    ("through index.html", "/index.html/../../../etc/passwd", START_PAGE_OR_404),
    ("a git config", "/.git/config", START_PAGE_OR_404),
    ("encoded traversal under /assets", "/assets/%2e%2e%2f%2e%2e%2fetc%2fpasswd", START_PAGE_OR_404),
    ("dot-dot out of /api/", "/api/../etc/passwd", 404),
    ("%00 before an extension", "/etc/passwd%00.html", 400),
    ("%00 alone", "/%00", 400),
    ("%00 under /assets", "/assets/%00../../etc/passwd", 400),
]

UNKNOWN_API_PATHS = [
    Case(f"unknown API path: {label}", method, path, who, None, 404, "not_found")
    for label, method, path, who in [
        ("/api/v1/nope", "GET", "/api/v1/nope", "guangzhou"),
        ("/api/v1/nope without login", "GET", "/api/v1/nope", None),
        ("a POST to /api/v1/nope", "POST", "/api/v1/nope", "guangzhou"),
        ("another API version", "GET", "/api/v2/enterprises", "guangzhou"),
        ("a trailing slash", "GET", "/api/v1/enterprises/", "guangzhou"),
        ("a segment after an enterprise", "GET", "/api/v1/enterprises/{own}/extra", "guangzhou"),
        ("an empty segment", "GET", "/api/v1//enterprises", "guangzhou"),
        ("an encoded traversal as a USCC", "GET", "/api/v1/enterprises/..%2F..%2Fetc%2Fpasswd", "guangzhou"),
        ("a bidi override as a USCC", "GET", "/api/v1/enterprises/%E2%80%AE", "guangzhou"),
        ("SQL after a USCC", "GET", "/api/v1/enterprises/{own}%27%20OR%20%271%27=%271", "guangzhou"),
        ("an enterprise outside the caller's scope", "GET", "/api/v1/enterprises/{gz}", "enterprise"),
        ("a model named ..", "GET", "/api/v1/models/%2E%2E/questionnaire?production_type=process", "guangzhou"),
        ("a model path with encoded slashes", "GET", "/api/v1/models/..%2F..%2Fetc/questionnaire", "guangzhou"),
        ("a chart path with encoded slashes", "GET",
         f"/api/v1/rounds/{ROUND}/enterprises/{{own}}/charts/..%2F..%2Fetc%2Fpasswd", "enterprise"),
        ("an unknown chart", "GET", f"/api/v1/rounds/{ROUND}/enterprises/{{own}}/charts/nope.svg", "enterprise"),
        ("a job id of letters", "GET", "/api/v1/jobs/abc", "guangzhou"),
        ("a negative job id", "GET", "/api/v1/jobs/-1", "guangzhou"),
        ("a job id of 23 digits", "GET", "/api/v1/jobs/99999999999999999999999", "guangzhou"),
        ("a job id in exponent form", "GET", "/api/v1/jobs/1e3", "guangzhou"),
        ("a circular id of letters", "GET", "/api/v1/circulars/abc", "guangdong"),
        ("circular id 0", "GET", "/api/v1/circulars/0", "guangdong"),
        ("a hexadecimal circular id", "GET", "/api/v1/circulars/0x10", "guangdong"),
        ("a POST to a page outside the API", "POST", "/index.html", None),
    ]
]

WRONG_METHODS = [
    Case(f"wrong method: {method} {path}", method, path, who, None, 405, "method_not_allowed")
    for method, path, who in [
        ("DELETE", ENTERPRISES, "guangzhou"),
        ("PUT", SESSION, "guangzhou"),
        ("PATCH", ROUND_PATH, "guangdong"),
        ("DELETE", ROUND_PATH, "guangdong"),
        ("POST", "/healthz", None),
        ("DELETE", "/api/v1/units", "guangzhou"),
        ("POST", R + "/progress", "guangdong"),
        ("GET", DRAFT + "/submit", "enterprise"),
        ("PUT", "/api/v1/enterprises/{gz}", "guangzhou"),
        ("TRACE", "/healthz", None),
        ("OPTIONS", ENTERPRISES, "guangzhou"),
        ("POST", ENTERPRISES + "/export", "guangzhou"),
        ("GET", SESSION + "/password", "guangzhou"),
        ("PROPFIND", SESSION, "guangzhou"),
    ]
]


# --------------------------------------------------------------------------
# HTTP framing over a raw socket

class RawCase(NamedTuple):
    """Bytes sent on a fresh connection (or a function making them); with
    half_close the client then stops sending (shuts down its side)."""
    label: str
    data: Any
    status: Union[int, tuple]
    code: str
    half_close: bool = False


def request_head(method=b"POST", target=b"/api/v1/session", *lines):
    return (method + b" " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + b"".join(line + b"\r\n" for line in lines) + b"\r\n")


LOGIN_BYTES = b'{"username":"guangzhou","password":"' + PASSWORD.encode() + b'"}'
CHUNKED = b"Transfer-Encoding: chunked"


def nine_mib_of_chunks():
    chunk = b"100000\r\n" + b"a" * 0x100000 + b"\r\n"
    return request_head(b"POST", b"/api/v1/session", CHUNKED) + chunk * 9 + b"0\r\n\r\n"


RAW_HTTP = [
    RawCase("a request line of garbage", b"GARBAGE\r\n\r\n", 400, "bad_request"),
    RawCase("a request line without target or version", b"GET\r\n\r\n", 400, "bad_request"),
    RawCase("HTTP version 9.9", b"GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n", 400, "bad_request"),
    RawCase("HTTP version 1.10", b"GET /healthz HTTP/1.10\r\nHost: x\r\n\r\n", 400, "bad_request"),
    RawCase("a TLS ClientHello on the plain port", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 40,
            400, "bad_request"),
    RawCase("blank lines, then the client stops", b"\r\n\r\n\r\n", 400, "bad_request", True),
    RawCase("a method with an invalid character", b"G@T /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_request"),
    RawCase("an absolute-form target", b"GET http://evil.example/ HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_request"),
    RawCase("an asterisk-form target", b"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_request"),
    RawCase("a space inside the target", b"GET /a b HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_request"),
    RawCase("a raw NUL inside the target", b"GET /a\x00b HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_request"),
    RawCase("lines ended by LF alone", b"GET /healthz HTTP/1.1\nHost: x\n\n", 400, "bad_request"),
    RawCase("a header line without a colon", b"GET /healthz HTTP/1.1\r\nHost x\r\n\r\n", 400, "bad_request"),
    RawCase("a space inside a header name", b"GET /healthz HTTP/1.1\r\nHo st: x\r\n\r\n", 400, "bad_request"),
    RawCase("a raw NUL inside a header value", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n", 400,
            "bad_request"),
    RawCase("a request line of 17 KiB", b"GET /" + b"a" * 17 * 1024 + b" HTTP/1.1\r\nHost: x\r\n\r\n", (414, 431),
            "headers_too_large"),
    RawCase("one header of 17 KiB", request_head(b"GET", b"/healthz", b"X-Big: " + b"a" * 17 * 1024), 431,
            "headers_too_large"),
    RawCase("500 headers, 23 KiB in all",
            request_head(b"GET", b"/healthz", *(b"X-H%d: %s" % (i, b"v" * 40) for i in range(500))), 431,
            "headers_too_large"),
    RawCase("a Content-Length one byte over the 8 MiB limit",
            request_head(b"POST", b"/api/v1/enterprises", b"Content-Length: 8388609"), 413, "too_large"),
    RawCase("Expect: 100-continue with a Content-Length over the limit",
            request_head(b"POST", b"/api/v1/session", b"Expect: 100-continue", b"Content-Length: 9000000"), 413,
            "too_large"),
    RawCase("a chunked body of 9 chunks of 1 MiB", nine_mib_of_chunks, 413, "too_large"),
    RawCase("one chunk declared as 9 MiB", request_head(b"POST", b"/api/v1/session", CHUNKED) + b"900000\r\nabc", 413,
            "too_large"),
    RawCase("a chunk size of 20 hex digits",
            request_head(b"POST", b"/api/v1/session", CHUNKED) + b"FFFFFFFFFFFFFFFFFFFF\r\nabc\r\n", 400,
            "bad_request"),
    RawCase("a chunk size that is not hexadecimal",
            request_head(b"POST", b"/api/v1/session", CHUNKED) + b"zz\r\nabc\r\n0\r\n\r\n", 400, "bad_request"),
    RawCase("a chunk longer than its declared size",
            request_head(b"POST", b"/api/v1/session", CHUNKED) + b"5\r\nabcdefghij\r\n0\r\n\r\n", 400,
            "bad_request"),
    RawCase("a truncated chunked body, then the client stops sending",
            request_head(b"POST", b"/api/v1/session", CHUNKED) + b"%x\r\n" % len(LOGIN_BYTES) + LOGIN_BYTES[:20],
            400, "bad_request", True),
    RawCase("a body shorter than its Content-Length, then the client stops sending",
            request_head(b"POST", b"/api/v1/session", b"Content-Length: %d" % len(LOGIN_BYTES)) + LOGIN_BYTES[:20],
            400, "bad_request", True),
    RawCase("a Content-Length that is not a number",
            request_head(b"POST", b"/api/v1/session", b"Content-Length: abc"), 400, "bad_request"),
    RawCase("a negative Content-Length", request_head(b"POST", b"/api/v1/session", b"Content-Length: -1"), 400,
            "bad_request"),
    RawCase("a Content-Length of 20 digits",
            request_head(b"POST", b"/api/v1/session", b"Content-Length: 99999999999999999999"), 400, "bad_request"),
    RawCase("two different Content-Length headers",
            request_head(b"POST", b"/api/v1/session", b"Content-Length: 5", b"Content-Length: 6") + b"{}{}{}", 400,
            "bad_request"),
    RawCase("Content-Length together with Transfer-Encoding: chunked",
            request_head(b"POST", b"/api/v1/session", b"Content-Length: 5", CHUNKED) + b"0\r\n\r\n", 400,
            "bad_request"),
    RawCase("Transfer-Encoding: gzip, not chunked",
            request_head(b"GET", b"/healthz", b"Transfer-Encoding: gzip"), 400, "bad_request"),
    RawCase("Transfer-Encoding: chunked, gzip (chunked not the last coding)",
            request_head(b"GET", b"/healthz", b"Transfer-Encoding: chunked, gzip"), 400, "bad_request"),
    RawCase("two Authorization headers",
            request_head(b"GET", b"/api/v1/session", b"Authorization: Bearer abc", b"Authorization: Bearer def"), 401,
            "unauthenticated"),
    RawCase("an unknown method", request_head(b"FOO", b"/healthz"), 405, "method_not_allowed"),
]


def raw_exchange(data, half_close=False, timeout=20):
    """Sends data on a fresh connection; returns the answer as a Resp, or
    None when the connection closed without one."""
    s = socket.create_connection(("127.0.0.1", SERVER.port), timeout=timeout)
    try:
        try:
            s.sendall(data)
            if half_close:
                s.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass
        received = b""
        while b"\r\n\r\n" not in received:
            try:
                part = s.recv(65536)
            except ConnectionResetError:
                part = b""
            if not part:
                return None
            received += part
        head, _, body = received.partition(b"\r\n\r\n")
        status_line, _, header_block = head.partition(b"\r\n")
        headers = http.client.parse_headers(io.BytesIO(header_block + b"\r\n\r\n"))
        length = int(headers.get("Content-Length", "0"))
        while len(body) < length:
            part = s.recv(65536)
            if not part:
                break
            body += part
        return Resp(int(status_line.split()[1]), headers, body[:length])
    finally:
        s.close()


# --------------------------------------------------------------------------
# Uploads to POST /api/v1/enterprises/import, as guangzhou

IMPORT_HEADER = ["uscc", "name", "unit_code", "industry_code", "production_type", "employees", "revenue_10k_yuan"]
CSV_TYPE = {"Content-Type": "text/csv; charset=utf-8"}
XLSX_TYPE = {"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def import_row(uscc=None, name="导入测试电子有限公司"):
    return [uscc or make_uscc("440100"), name, "440100", "39", "process", "120", "5000"]


def csv_text(rows):
    return "".join(",".join(row) + "\r\n" for row in rows).encode("utf-8")


def column_name(n):
    """1 → A, 27 → AA."""
    name = ""
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


def sheet_xml(rows, doctype="", numbers=None):
    """A worksheet of inline strings; cell text is put in as is (XML). A row
    is a list of cells, or a dict of cells by column number; numbers are the
    rows' numbers (1, 2, … by default)."""
    out = []
    for r, row in zip(numbers or range(1, len(rows) + 1), rows):
        cells = "".join(f'<c r="{column_name(c)}{r}" t="inlineStr"><is><t>{v}</t></is></c>'
                        for c, v in (row.items() if isinstance(row, dict) else enumerate(row, 1)))
        out.append(f'<row r="{r}">{cells}</row>')
    return f'{XML_DECL}{doctype}<worksheet xmlns="{MAIN_NS}"><sheetData>{"".join(out)}</sheetData></worksheet>'


def xlsx(sheet, sheet_target="worksheets/sheet1.xml", parts=None):
    """A workbook whose one sheet is the XML `sheet` (text or bytes), with
    more or replaced `parts` (name → bytes, None to leave one out)."""
    files = {
        "[Content_Types].xml": XML_DECL +
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/></Types>',
        "_rels/.rels": XML_DECL + f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
        f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": XML_DECL + f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>'
        '<sheet name="企业" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": XML_DECL + f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
        f'Type="{REL_NS}/worksheet" Target="{sheet_target}"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet,
    }
    files.update(parts or {})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in files.items():
            if content is not None:
                z.writestr(name, content.encode("utf-8") if isinstance(content, str) else content)
    return buf.getvalue()


def invalid_row():
    """A data row no import accepts (a wrong check character): whatever a
    hostile file does, a correct server answers 422 and writes nothing."""
    return import_row(wrong_check_uscc())


@functools.lru_cache(maxsize=None)
def zip_bomb():
    """One sheet entry of 200 MB of zeros, compressed to a few hundred KB."""
    buf = io.BytesIO()
    base = zipfile.ZipFile(io.BytesIO(xlsx(sheet_xml([IMPORT_HEADER]))))
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in base.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                z.writestr(info.filename, base.read(info.filename))
        zeros = bytes(1 << 20)
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            for _ in range(200):
                f.write(zeros)
    return buf.getvalue()


def zip_bomb_with_lying_sizes():
    """The zip bomb with its sheet declared as 1,000 bytes uncompressed in
    both headers: the reader must count what it inflates."""
    data = bytearray(zip_bomb())
    name = b"xl/worksheets/sheet1.xml"
    for signature, size_offset, name_offset in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = data.find(signature)
        while at >= 0:
            if data[at + name_offset:at + name_offset + len(name)] == name:
                data[at + size_offset:at + size_offset + 4] = (1000).to_bytes(4, "little")
            at = data.find(signature, at + 4)
    return bytes(data)


def zip_of(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, content in files.items():
            z.writestr(name, content)
    return buf.getvalue()


def many_entries():
    return zip_of({f"x/{i}": b"" for i in range(10_001)})


BILLION_LAUGHS = ('<!DOCTYPE worksheet [<!ENTITY lol "lol">'
                  + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1 if i > 1 else "") + ";") * 10}">'
                            for i in range(1, 10))
                  + "]>")
EXTERNAL_ENTITY = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
EXTERNAL_DTD = ('<!DOCTYPE worksheet [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;'
                '<!ENTITY local SYSTEM "file:///proc/self/cmdline">]>')


@functools.lru_cache(maxsize=None)
def sixty_thousand_rows():
    return csv_text([IMPORT_HEADER] + [import_row(name=f"批量导入测试有限公司{i}号") for i in range(60_000)])


def upload(label, fmt, body, status, code=None, field=None, query=""):
    headers = XLSX_TYPE if fmt.lower() == "xlsx" else CSV_TYPE
    return Case("upload: " + label, "POST", f"{IMPORT}?format={fmt}{query}", "guangzhou", body, status, code, field,
                headers)


UPLOADS = [
    upload("not a zip", "xlsx", b"this is not a zip file, only text", 422, "invalid_xlsx"),
    upload("an empty xlsx", "xlsx", b"", 422, "invalid_xlsx"),
    upload("a CSV sent as xlsx", "xlsx", lambda: csv_text([IMPORT_HEADER, invalid_row()]), 422, "invalid_xlsx"),
    upload("a truncated xlsx", "xlsx", lambda: xlsx(sheet_xml([IMPORT_HEADER, invalid_row()]))[:700], 422,
           "invalid_xlsx"),
    upload("an old .xls", "xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096), 422, "invalid_xlsx"),
    upload("a zip of a text file, no workbook", "xlsx", lambda: zip_of({"readme.txt": b"not a workbook"}), 422,
           "invalid_xlsx"),
    upload("a sheet target outside the package", "xlsx",
           lambda: xlsx(sheet_xml([IMPORT_HEADER, invalid_row()]), sheet_target="../../../../../../etc/passwd"),
           422),
    upload("entry names that climb out of the archive", "xlsx",
           lambda: xlsx(sheet_xml([IMPORT_HEADER, invalid_row()]),
                        parts={"xl/worksheets/sheet1.xml": None, "../../../../tmp/evil.xml": "x"}), 422,
           "invalid_xlsx"),
    upload("a zip bomb: 200 MB of zeros in the sheet", "xlsx", zip_bomb, 413, "too_large"),
    upload("a zip bomb whose headers say 1,000 bytes", "xlsx", zip_bomb_with_lying_sizes, (413, 422)),
    upload("a zip of 10,001 entries", "xlsx", many_entries, 413, "too_large"),
    upload("billion laughs in the sheet XML", "xlsx",
           lambda: xlsx(sheet_xml([IMPORT_HEADER, ["&lol9;"] + invalid_row()[1:]], BILLION_LAUGHS)), 422),
    upload("an external entity to /etc/passwd", "xlsx",
           lambda: xlsx(sheet_xml([IMPORT_HEADER, ["&xxe;"] + invalid_row()[1:]], EXTERNAL_ENTITY)), 422),
    upload("an external DTD and /proc/self/cmdline", "xlsx",
           lambda: xlsx(sheet_xml([IMPORT_HEADER, invalid_row()[:1] + ["&local;"] + invalid_row()[2:]],
                                  EXTERNAL_DTD)), 422),
    upload("an external entity in the shared strings", "xlsx",
           lambda: xlsx(sheet_xml([IMPORT_HEADER, invalid_row()]),
                        parts={"xl/sharedStrings.xml": XML_DECL + EXTERNAL_ENTITY
                               + f'<sst xmlns="{MAIN_NS}"><si><t>&xxe;</t></si></sst>'}), 422),
    upload("one cell, in column 300", "xlsx", lambda: xlsx(sheet_xml([IMPORT_HEADER, {300: "x"}])), 413,
           "too_large"),
    upload("row number 2^31", "xlsx", lambda: xlsx(sheet_xml([IMPORT_HEADER, invalid_row()], numbers=[1, 2 ** 31])),
           413, "too_large"),
    upload("a CSV of 60,000 rows (over the 50,000-row cap)", "csv", sixty_thousand_rows, 413, "too_large"),
    upload("an unterminated quote", "csv",
           lambda: csv_text([IMPORT_HEADER]) + make_uscc("440100").encode() + ',"导入测试,440100,39\r\n'.encode(),
           422, "unterminated_quote"),
    upload("a data row of 300 columns", "csv",
           lambda: csv_text([IMPORT_HEADER, import_row() + ["x"] * 293]), 413, "too_large"),
    upload("a header of 300 columns", "csv", lambda: csv_text([[f"c{i}" for i in range(300)]]), 413, "too_large"),
    upload("a cell of 40 KiB", "csv", lambda: csv_text([IMPORT_HEADER, import_row(name="长" * 14_000)]), 413,
           "too_large"),
    upload("bytes that are neither UTF-8 nor GB18030", "csv", b"\xff\xff\xff\xfe\x80", 422, "unknown_encoding"),
    upload("UTF-16 text", "csv", lambda: csv_text([IMPORT_HEADER]).decode().encode("utf-16"), 422,
           "unknown_encoding"),
    upload("an empty CSV", "csv", b"", 422, "empty_file"),
    upload("a byte order mark only", "csv", b"\xef\xbb\xbf", 422, "empty_file"),
    upload("a header of unknown columns", "csv", b"foo,bar\r\n1,2\r\n", 422, "invalid_rows"),
    upload("a NUL inside a cell", "csv", lambda: csv_text([IMPORT_HEADER, import_row(name="导入\x00测试有限公司")]),
           422, "invalid_rows"),
    upload("format=pdf", "pdf", lambda: csv_text([IMPORT_HEADER, import_row()]), 422, "unsupported_format",
           "format"),
    upload("format=XLSX in capitals", "XLSX", lambda: xlsx(sheet_xml([IMPORT_HEADER, import_row()])), 422,
           "unsupported_format", "format"),
    upload("skip_invalid=yes", "csv", lambda: csv_text([IMPORT_HEADER, import_row()]), 422, "invalid_parameter",
           "skip_invalid", query="&skip_invalid=yes"),
]


# --------------------------------------------------------------------------
# Credentials

def cookie(csrf=None):
    """Headers of guangdong's cookie session, with an X-CSRF-Token when
    given (a function of the fixtures)."""
    def make():
        headers = {"Cookie": "rp_session=" + F.cookie}
        if csrf is not None:
            headers["X-CSRF-Token"] = csrf()
        return headers
    return make


def bearer(value):
    return lambda: {"Authorization": value() if callable(value) else value}


CREDENTIALS = [
    Case("a Bearer token of 10,000 characters", "GET", SESSION, None, None, 401, "unauthenticated",
         headers=bearer("Bearer " + "A" * 10_000)),
    Case("Basic credentials", "GET", SESSION, None, None, 401, "unauthenticated",
         headers=bearer("Basic Z3Vhbmd6aG91OlJvbmdwaW5nMjAxNg==")),
    Case("an empty Authorization header", "GET", SESSION, None, None, 401, "unauthenticated", headers=bearer("")),
    Case("Bearer without a token", "GET", SESSION, None, None, 401, "unauthenticated", headers=bearer("Bearer")),
    Case("Bearer and a space", "GET", SESSION, None, None, 401, "unauthenticated", headers=bearer("Bearer ")),
    Case("a valid token with a character appended", "GET", SESSION, None, None, 401, "unauthenticated",
         headers=bearer(lambda: "Bearer " + SERVER.token("guangzhou") + "x")),
    Case("a valid token twice", "GET", SESSION, None, None, 401, "unauthenticated",
         headers=bearer(lambda: "Bearer " + SERVER.token("guangzhou") + " " + SERVER.token("guangzhou"))),
    Case("a token with non-ASCII bytes", "GET", SESSION, None, None, 401, "unauthenticated",
         headers=bearer(b"Bearer \xe4\xbb\xa4\xe7\x89\x8c")),
    Case("the token of an ended session", "GET", SESSION, None, None, 401, "unauthenticated",
         headers=bearer(lambda: "Bearer " + F.ended_token)),
    Case("a session cookie of garbage", "GET", SESSION, None, None, 401, "unauthenticated",
         headers={"Cookie": "rp_session=garbage"}),
    Case("a session cookie of 10,000 characters", "GET", SESSION, None, None, 401, "unauthenticated",
         headers={"Cookie": "rp_session=" + "A" * 10_000}),
    Case("a session token under another cookie name", "GET", SESSION, None, None, 401, "unauthenticated",
         headers=lambda: {"Cookie": "session=" + F.cookie}),
    Case("an X-CSRF-Token without the cookie", "PUT", TARGET, None, target_body, 401, "unauthenticated",
         headers=lambda: {"X-CSRF-Token": F.csrf}),
    Case("the cookie without X-CSRF-Token on PUT target", "PUT", TARGET, None, target_body, 403, "forbidden",
         headers=cookie()),
    Case("the cookie with a wrong X-CSRF-Token", "PUT", TARGET, None, target_body, 403, "forbidden",
         headers=cookie(lambda: "x" + F.csrf)),
    Case("the cookie with another session's X-CSRF-Token", "PUT", TARGET, None, target_body, 403, "forbidden",
         headers=cookie(lambda: F.other_csrf)),
    Case("the cookie with an empty X-CSRF-Token", "PUT", TARGET, None, target_body, 403, "forbidden",
         headers=cookie(lambda: "")),
    Case("the cookie without X-CSRF-Token on PUT round", "PUT", ROUND_PATH, None, round_body, 403, "forbidden",
         headers=cookie()),
    Case("the cookie without X-CSRF-Token on POST circular", "POST", CIRCULARS, None, circular_body, 403,
         "forbidden", headers=cookie()),
    Case("the cookie without X-CSRF-Token on POST enterprise", "POST", ENTERPRISES, None, enterprise_body, 403,
         "forbidden", headers=cookie()),
    Case("the cookie without X-CSRF-Token on PATCH enterprise", "PATCH", PATCH, None, patch_body, 403, "forbidden",
         headers=cookie()),
    Case("the cookie without X-CSRF-Token on DELETE session", "DELETE", SESSION, None, None, 403, "forbidden",
         headers=cookie()),
    Case("no credentials on PUT round", "PUT", ROUND_PATH, None, round_body, 401, "unauthenticated"),
    Case("no credentials on POST enterprise", "POST", ENTERPRISES, None, enterprise_body, 401, "unauthenticated"),
    Case("no credentials on an upload", "POST", IMPORT + "?format=csv", None,
         lambda: csv_text([IMPORT_HEADER, import_row()]), 401, "unauthenticated", headers=CSV_TYPE),
    Case("no credentials on a what-if score", "POST", SCORE, None, score_body, 401, "unauthenticated"),
    Case("an enterprise sets a target", "PUT", TARGET, "enterprise", target_body, 403, "forbidden"),
    Case("a unit admin sets a round", "PUT", ROUND_PATH, "guangzhou", round_body, 403, "forbidden"),
    Case("an association registers an enterprise", "POST", ENTERPRISES, "association", enterprise_body, 403,
         "forbidden"),
    Case("an agency uploads enterprises", "POST", IMPORT + "?format=csv", "agency",
         lambda: csv_text([IMPORT_HEADER, import_row()]), 403, "forbidden", headers=CSV_TYPE),
    Case("a unit admin publishes a circular", "POST", CIRCULARS, "guangzhou", circular_body, 403, "forbidden"),
    Case("an enterprise reads the audit trail", "GET", "/api/v1/audit", "enterprise", None, 403, "forbidden"),
    Case("an association reads the contacts", "GET", R + "/contacts", "association", None, 403, "forbidden"),
    Case("an enterprise reads the data map", "GET", R + "/datamap", "enterprise", None, 403, "forbidden"),
    Case("a unit admin reads the selection", "GET", R + "/selection", "guangzhou", None, 403, "forbidden"),
    Case("a unit admin grants an agency", "PUT", "/api/v1/enterprises/{gz}/grants/agency", "guangzhou", grant_body,
         403, "forbidden"),
    Case("an enterprise reviews its own assessment", "POST", DRAFT + "/review", "enterprise", review_body, 403,
         "forbidden"),
    Case("an agency without a grant fills in", "PUT", OPEN_DRAFT, "agency", draft_body, 404, "not_found"),
]


WRONG_SUPPORT = [
    Case(f"support measure: {label}", "POST", MEASURES, "guangdong", edit(measure_body, changes), 422, code, field)
    for label, changes, code, field in [
        ("name missing", {"name": DROP}, "missing_field", "name"),
        ("name a number", {"name": 1}, "wrong_type", "name"),
        ("kind unknown", {"kind": "loan"}, "invalid_field", "kind"),
        ("year a string", {"year": "2016"}, "wrong_type", "year"),
        ("year 1999", {"year": 1999}, "invalid_field", "year"),
        ("year 10^20", {"year": 10**20}, "wrong_type", "year"),
        ("year a fraction", {"year": 2016.5}, "wrong_type", "year"),
        ("amount negative", {"amount_10k_yuan": -1}, "invalid_field", "amount_10k_yuan"),
        ("amount 10^9", {"amount_10k_yuan": 1e9}, "invalid_field", "amount_10k_yuan"),
        ("amount a string", {"amount_10k_yuan": "300"}, "wrong_type", "amount_10k_yuan"),
        ("unit unknown", {"unit_code": "999999"}, "invalid_field", "unit_code"),
        ("unit of another province", {"unit_code": "450000"}, "invalid_field", "unit_code"),
        ("a version on creation", {"version": 1}, "unknown_field", "version"),
    ]
] + [
    Case(f"recipients: {label}", "POST", RECIPIENTS, "guangdong", body, status, code, field)
    for label, body, status, code, field in [
        ("items missing", {}, 422, "missing_field", "items"),
        ("items an object", {"items": {"uscc": "x"}}, 422, "wrong_type", "items"),
        ("an item a string", {"items": ["91440100MA59XXXXX1"]}, 422, "wrong_type", "items[0]"),
        ("an item without its code", {"items": [{"note": "x"}]}, 422, "missing_field", "items[0].uscc"),
        ("an item with an unknown field", {"items": [{"uscc": "x", "name": "y"}]}, 422, "unknown_field",
         "items[0].name"),
        ("an amount a string", {"items": [{"uscc": "x", "amount_10k_yuan": "1"}]}, 422, "wrong_type",
         "items[0].amount_10k_yuan"),
        ("a code that is not one", {"items": [{"uscc": "91440100MA59XXXXX1"}]}, 422, "invalid_recipients",
         "items[0].uscc"),
        ("no items", {"items": []}, 422, "missing_field", "items"),
        ("20,001 items", {"items": [{"uscc": "x"}] * 20_001}, 413, None, None),
    ]
] + [
    Case(f"typical case: {label}", method, path, "guangzhou", body, status, code, field)
    for label, method, path, body, status, code, field in [
        ("title missing", "PUT", CASE, edit(case_body, {"title": DROP}), 422, "missing_field", "title"),
        ("text of 501 characters", "PUT", CASE, edit(case_body, {"text": "经" * 501}), 422, "invalid_field", "text"),
        ("a measure id a string", "PUT", CASE, edit(case_body, {"measure_id": "1"}), 422, "wrong_type", "measure_id"),
        ("a measure that does not exist", "PUT", CASE, edit(case_body, {"measure_id": 99999999}), 422,
         "invalid_field", "measure_id"),
        ("a year of letters", "PUT", "/api/v1/typical-cases/20x6/{gz}", case_body, 404, "not_found", None),
        ("a year of five digits", "DELETE", "/api/v1/typical-cases/20160/{gz}", None, 404, "not_found", None),
    ]
] + [
    Case(f"{label}", "GET", path, "guangdong", None, status, code, field)
    for label, path, status, code, field in [
        ("a measure id of letters", "/api/v1/support-measures/abc", 404, "not_found", None),
        ("a measure id of 23 digits", "/api/v1/support-measures/99999999999999999999999", 404, "not_found", None),
        ("an effect as pdf", "/api/v1/support-measures/{measure}/effect?format=pdf", 422, "invalid_parameter",
         "format"),
        ("an effect after an unknown round", "/api/v1/support-measures/{measure}/effect?after=nope", 422,
         "invalid_parameter", "after"),
        ("a yearly report without a year", "/api/v1/reports/yearly", 422, "invalid_parameter", "year"),
        ("a yearly report of year abc", "/api/v1/reports/yearly?year=abc", 422, "invalid_parameter", "year"),
        ("a yearly report of 2999", "/api/v1/reports/yearly?year=2999", 422, "invalid_parameter", "year"),
        ("a yearly report as pdf by GET", "/api/v1/reports/yearly?year=2016&format=pdf", 422, "invalid_parameter",
         "format"),
    ]
]

# Every table, for the count.
CATALOGUE = {
    "malformed JSON": MALFORMED_JSON,
    "deep nesting": DEEP_NESTING,
    "wrong types (session)": WRONG_SESSION,
    "wrong types (enterprise)": WRONG_ENTERPRISE,
    "wrong types (assessment)": WRONG_DRAFT,
    "wrong types (round)": WRONG_ROUND,
    "wrong types (target)": WRONG_TARGET,
    "wrong types (contacts)": WRONG_CONTACTS,
    "wrong types (circular)": WRONG_CIRCULAR,
    "wrong types (reminders)": WRONG_REMINDERS,
    "wrong types (accounts)": WRONG_ACCOUNTS,
    "wrong types (registration)": WRONG_REGISTRATION,
    "wrong types (score)": WRONG_SCORE,
    "wrong types (政策联动, reports)": WRONG_SUPPORT,
    "wrong types (other bodies)": WRONG_OTHER_BODIES,
    "hostile text": TEXT_FIELDS,
    "accepted hostile text": ACCEPTED_HOSTILE_TEXT,
    "query parameters": QUERY_PARAMETERS,
    "percent-encoding": PERCENT_ENCODING,
    "unknown rounds": UNKNOWN_ROUNDS,
    "traversal": TRAVERSAL,
    "unknown API paths": UNKNOWN_API_PATHS,
    "wrong methods": WRONG_METHODS,
    "raw HTTP": RAW_HTTP,
    "uploads": UPLOADS,
    "credentials": CREDENTIALS,
}


# --------------------------------------------------------------------------
# The tests

def fill(path):
    return path.replace("{own}", F.own).replace("{gz}", F.gz).replace("{measure}", str(F.measure))


def send(case):
    body = case.body() if callable(case.body) else case.body
    headers = {}
    if isinstance(body, (dict, list)):
        body = json.dumps(body, ensure_ascii=False).encode("utf-8")
    elif isinstance(body, str):
        body = body.encode("utf-8")
    if body is not None:
        headers["Content-Type"] = "application/json"
    headers.update((case.headers() if callable(case.headers) else case.headers) or {})
    token = SERVER.token(case.who) if case.who else None
    return SERVER.request(case.method, fill(case.path), token, body=body, headers=headers, timeout=60)


class BadInput(ErrorAssertions, unittest.TestCase):
    maxDiff = None

    def assertRefused(self, r, status, code=None, field=None):
        """A clean 4xx in the contract's error shape, its message in Chinese,
        nothing leaked."""
        self.assertIsNotNone(r, "the connection closed without an answer")
        if isinstance(status, tuple):
            self.assertIn(r.status, status, f"expected one of {status}, got {r!r}")
            status = r.status
        err = self.assertError(r, status, code, field)
        self.assertRegex(err["message"], CHINESE, f"the message is not in Chinese: {r!r}")
        self.assertTrue(r.headers.get("Content-Type", "").startswith("application/json"), r.headers)
        if status == 401:
            self.assertIn("Bearer", r.headers.get("WWW-Authenticate", ""), r.headers)
        if status == 405:
            self.assertTrue(r.headers.get("Allow"), f"405 without Allow: {r.headers}")
        self.assertNoLeak(r)

    def assertNoLeak(self, r):
        for secret in LEAKS:
            self.assertNotIn(secret, r.body, f"the answer holds {secret!r}: {r!r}")

    def assertServerUp(self):
        self.assertEqual(SERVER.request("GET", "/healthz", tolerate=True, timeout=10), 200,
                         "the server does not answer /healthz")

    def assertUnchanged(self, before):
        after = fingerprint()
        changed = sorted(t for t in set(before) | set(after) if before.get(t) != after.get(t))
        self.assertEqual(changed, [], "refused requests changed these tables")

    def run_table(self, cases):
        """Sends each case and checks its refusal; then that the server is up
        and that nothing was written."""
        before = fingerprint()
        for case in cases:
            with self.subTest(case.label):
                r = send(case)
                self.assertRefused(r, case.status, case.code, case.field)
        self.assertServerUp()
        self.assertUnchanged(before)


class MalformedJson(BadInput):
    def test_malformed_bodies_are_400(self):
        self.run_table(MALFORMED_JSON)

    def test_nesting_beyond_64_levels_is_refused_before_parsing(self):
        self.run_table(DEEP_NESTING)


class WrongTypesAndRanges(BadInput):
    def test_login(self):
        self.run_table(WRONG_SESSION)

    def test_new_enterprise(self):
        self.run_table(WRONG_ENTERPRISE)

    def test_assessment_draft_and_submission(self):
        self.run_table(WRONG_DRAFT)

    def test_round(self):
        self.run_table(WRONG_ROUND)

    def test_target(self):
        self.run_table(WRONG_TARGET)

    def test_contacts_form(self):
        self.run_table(WRONG_CONTACTS)

    def test_circular(self):
        self.run_table(WRONG_CIRCULAR)

    def test_what_if_score(self):
        self.run_table(WRONG_SCORE)

    def test_support_measures_typical_cases_and_reports(self):
        self.run_table(WRONG_SUPPORT)

    def test_review_update_password_and_grant(self):
        self.run_table(WRONG_OTHER_BODIES)


def written_value(kind, field, value):
    """Writes `value` into `field` of a new or existing record of `kind`;
    returns the write's answer and the value as read back."""
    def dig(obj, dotted):
        for key in dotted.split("."):
            obj = obj[key]
        return obj
    if kind == "enterprise":
        body = edit(enterprise_body, {field: value})()
        r = SERVER.request("POST", ENTERPRISES, SERVER.token("guangzhou"), body=body)
        read = SERVER.request("GET", f"{ENTERPRISES}/{body['uscc']}", SERVER.token("guangzhou"))
    elif kind == "round":
        r = SERVER.request("PUT", "/api/v1/rounds/" + OPEN_ROUND, SERVER.token("guangdong"),
                           body=edit(open_round_body, {field: value})())
        read = SERVER.request("GET", "/api/v1/rounds/" + OPEN_ROUND, SERVER.token("guangdong"))
    elif kind == "circular":
        # Another date than the refused cases' (a circular per date).
        r = SERVER.request("POST", CIRCULARS, SERVER.token("guangdong"),
                           body=edit(circular_body, {"as_of": "2016-05-31", field: value})())
        read = SERVER.request("GET", f"/api/v1/circulars/{r.json().get('id')}", SERVER.token("guangdong"))
    else:
        r = SERVER.request("PUT", CONTACTS, SERVER.token("guangzhou"), body=edit(contacts_body, {field: value})())
        read = SERVER.request("GET", CONTACTS, SERVER.token("guangzhou"))
    return r, (dig(read.json(), field) if read.status == 200 else read)


class TextFields(BadInput):
    def test_overlong_invisible_and_control_text_is_422_naming_the_field(self):
        self.run_table(TEXT_FIELDS)

    def test_sql_and_formula_text_is_stored_literally(self):
        """Accepted and read back exactly as written (these write: no fingerprint)."""
        for label, kind, field, value in ACCEPTED_HOSTILE_TEXT:
            with self.subTest(label):
                r, stored = written_value(kind, field, value)
                self.assertIn(r.status, (200, 201), r)
                self.assertEqual(stored, value)
        gz = SERVER.token("guangzhou")
        r = SERVER.request("GET", ENTERPRISES + "?" + urllib.parse.urlencode({"q": "DROP TABLE"}), gz)
        self.assertEqual(r.status, 200, r)
        self.assertIn(ACCEPTED_HOSTILE_TEXT[0][3], [i["name"] for i in r.json()["items"]])
        for table in ("enterprises", "rounds", "contacts", "circulars"):
            self.assertGreater(SERVER.sql(f"SELECT count(*) FROM {table}")[0][0], 0, table)
        self.assertServerUp()


class QueryParameters(BadInput):
    def test_unknown_filter_values_and_bad_paging(self):
        self.run_table(QUERY_PARAMETERS)

    def test_percent_encoding_errors_are_400(self):
        self.run_table(PERCENT_ENCODING)

    def test_unknown_rounds_are_404(self):
        self.run_table(UNKNOWN_ROUNDS)


class Paths(BadInput):
    def test_traversal_never_reaches_a_file(self):
        start_page = SERVER.request("GET", "/").body
        self.assertIn("融评".encode(), start_page)
        before = fingerprint()
        for label, target, expected in TRAVERSAL:
            with self.subTest(f"traversal: {label}"):
                r = SERVER.request("GET", target)
                self.assertNoLeak(r)
                if expected == 400:
                    self.assertRefused(r, 400, "bad_request")
                elif expected == START_PAGE_OR_404 and r.status == 200:
                    self.assertEqual(r.body, start_page, f"not the start page: {r!r}")
                else:
                    self.assertRefused(r, 404, "not_found")
        self.assertServerUp()
        self.assertUnchanged(before)

    def test_unknown_api_paths_are_404(self):
        self.run_table(UNKNOWN_API_PATHS)

    def test_wrong_methods_are_405(self):
        self.run_table(WRONG_METHODS)


class HttpFraming(BadInput):
    def test_raw_requests(self):
        before = fingerprint()
        for case in RAW_HTTP:
            with self.subTest(case.label):
                data = case.data() if callable(case.data) else case.data
                r = raw_exchange(data, case.half_close)
                self.assertRefused(r, case.status, case.code)
            with self.subTest(case.label + " (the server still answers)"):
                self.assertServerUp()
        self.assertUnchanged(before)


class Uploads(BadInput):
    def test_hostile_files(self):
        self.run_table(UPLOADS)


class Credentials(BadInput):
    def test_malformed_credentials_and_roles_not_allowed(self):
        self.run_table(CREDENTIALS)


class Catalogue(unittest.TestCase):
    def test_at_least_150_distinct_cases(self):
        labels = [case[0] for cases in CATALOGUE.values() for case in cases]
        duplicates = sorted({label for label in labels if labels.count(label) > 1})
        self.assertEqual(duplicates, [], "cases with the same label")
        self.assertGreaterEqual(len(labels), 150)


if __name__ == "__main__":
    unittest.main()
