#!/usr/bin/env python3
"""The authorization matrix of rongping (融评), generated from the router's
own route table (`rongping routes`): every route × every role (and no login)
× the caller's own object, another's object in the same province, an object
of another province and one that does not exist.

For each route the expected answer follows from the access rule the route
declares and from what its path parameters designate:

  no login, on a route that needs one          401
  a role the rule does not name                403 (or 404: not even there)
  a role it names, the caller's own object     neither 401, 403 nor 404
  a role it names, anything else               404 (existence not revealed)

Every refused request is checked to have changed nothing (a fingerprint of
every table before and after the route's refused requests), and every
successful answer is searched for the USCC of any enterprise outside the
caller's scope. A route added without an entry in ROUTES below fails the
test: its parameters and example body must be declared here.

Runs on SQLite, and on PostgreSQL with RONGPING_API_PG (scripts/test).
"""
import functools
import json
import os
import re
import subprocess
import sys
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BIN, PASSWORD, Server, make_uscc  # noqa: E402

SERVER = Server()
MODEL = "gbt23020-2013"

# The principals: demo accounts of the guangdong-2016 scenario, by role.
PRINCIPALS = ["ministry", "guangdong", "guangzhou", "association", "agency", "enterprise"]
ROLE_OF = {"ministry": "ministry", "guangdong": "province", "guangzhou": "unit",
           "association": "association", "agency": "agency", "enterprise": "enterprise"}

USCC_RE = re.compile(r"[0-9A-HJ-NP-RTUWXY]{18}")


class F:
    """Fixtures found or made in setUpModule."""
    own_uscc = {}      # principal -> an enterprise in its scope with an approved assessment in gd-2016
    other_uscc = {}    # principal -> an enterprise of the same province outside its scope
    gx_uscc = None     # an enterprise of 广西 (another province)
    missing_uscc = None
    scope_usccs = {}   # principal -> every USCC in its scope
    all_usccs = set()
    own_job = {}       # principal -> a job it queued
    gd_circular = None
    gx_circular = None
    round_body = None  # gd-2016 as it is stored, for an idempotent PUT
    pack = None        # gd-2016's benchmark pack
    gd_batch = None    # reminders sent by 广州 in gd-2016, and by 深圳
    sz_batch = None
    notice = {}        # principal -> a notice of theirs (enterprise, unit admin)
    account = {}       # principal -> an account it administers; and accounts it does not
    other_account = {}
    gx_account = None
    to_approve = {}    # principal -> a pending registration in its region; and the same to reject
    to_reject = {}
    sz_registration = None
    gx_registration = None
    measure = None     # a support measure of 广州 (made by the province) with the demo enterprise as recipient
    sz_measure = None  # one of 深圳, and one of 广西
    gx_measure = None
    doomed = {}        # principal -> a measure of its own to delete


def setUpModule():
    SERVER.start("guangdong-2016", setup=_setup)


def tearDownModule():
    SERVER.stop()


def req(method, path, who=None, body=None, headers=None):
    token = SERVER.token(who) if who else None
    return SERVER.request(method, path, token, body=body, headers=headers)


def _one(query, *args):
    rows = SERVER.sql(query, *args)
    if not rows:
        raise RuntimeError("no fixture for: " + query)
    return rows[0][0]


def _setup():
    e = _one("SELECT scope_code FROM users WHERE username = 'enterprise'")
    approved_in = ("SELECT e.uscc FROM enterprises e JOIN assessments a ON a.uscc = e.uscc "
                   "AND a.round_code = 'gd-2016' AND a.status = 'approved' JOIN units u ON u.code = e.unit_code "
                   "WHERE ")
    sz = _one(approved_in + "e.unit_code = '440300' ORDER BY e.uscc LIMIT 1")
    assoc = _one(approved_in + "e.industry_code IN ('38', '39') AND e.unit_code = '440100' "
                 "ORDER BY e.uscc LIMIT 1")
    not_assoc = _one(approved_in + "e.industry_code NOT IN ('38', '39') AND e.unit_code = '440300' "
                     "ORDER BY e.uscc LIMIT 1")
    # The agency acts for the demo enterprise.
    r = req("PUT", f"/api/v1/enterprises/{e}/grants/agency", "enterprise", body={"can_submit": True})
    assert r.status == 200, r
    F.own_uscc = {"ministry": e, "guangdong": e, "guangzhou": e, "association": assoc, "agency": e,
                  "enterprise": e}
    F.other_uscc = {"ministry": None, "guangdong": None, "guangzhou": sz, "association": not_assoc,
                    "agency": sz, "enterprise": sz}
    # Another province: a round of 广西 with a registered enterprise.
    F.round_body = {"name": "2016年广东评估", "year": 2016, "province_code": "440000", "models": [MODEL],
                    "opens_on": "2016-04-20", "closes_on": "2016-06-30", "deadline": "2016-06-30"}
    stored = req("GET", "/api/v1/rounds/gd-2016", "ministry").json()
    for k in ("name", "year", "province_code", "models", "opens_on", "closes_on", "deadline",
              "review_required", "contacts_due"):
        if stored.get(k) is not None:
            F.round_body[k] = stored[k]
    gx_round = dict(F.round_body, name="2016年广西评估", province_code="450000")
    gx_round.pop("contacts_due", None)
    r = req("PUT", "/api/v1/rounds/gx-2016", "ministry", body=gx_round)
    assert r.status == 200, r
    F.gx_uscc = make_uscc("450000")
    r = req("POST", "/api/v1/enterprises", "ministry", body={
        "uscc": F.gx_uscc, "name": "广西南宁机械制造有限公司", "unit_code": "450000", "industry_code": "34",
        "production_type": "discrete_mass", "employees": 300, "revenue_10k_yuan": 12000})
    assert r.status == 201, r
    F.missing_uscc = make_uscc("440100")
    # Circulars of both provinces; a job of each principal.
    r = req("POST", "/api/v1/rounds/gd-2016/circulars", "guangdong", body={"as_of": "2016-06-30"})
    assert r.status == 201, r
    F.gd_circular = r.json()["id"]
    r = req("POST", "/api/v1/rounds/gx-2016/circulars", "ministry", body={"as_of": "2016-06-30"})
    assert r.status == 201, r
    F.gx_circular = r.json()["id"]
    # A benchmark pack of gd-2016, loaded.
    r = req("GET", "/api/v1/rounds/gd-2016/benchmark-pack", "guangdong")
    assert r.status == 200, r
    F.pack = r.json()
    for admin in ("ministry", "guangdong"):  # the installation's pack and the province's
        r = req("PUT", f"/api/v1/benchmark-packs/{MODEL}", admin, body=F.pack)
        assert r.status == 200, r
    for p in PRINCIPALS:
        r = req("POST", f"/api/v1/rounds/gd-2016/enterprises/{F.own_uscc[p]}/report.pdf", p)
        assert r.status == 202, (p, r)
        F.own_job[p] = r.json()["job"]["id"]
    # Reminders: 广州's and 深圳's units reminded of the 联系人表 in gd-2016;
    # the enterprise reminded in a round open today.
    for city, field in (("guangzhou", "gd_batch"), ("shenzhen", "sz_batch")):
        r = req("POST", "/api/v1/rounds/gd-2016/reminders", city, body={"target": "contacts"})
        assert r.status == 201, r
        setattr(F, field, r.json()["id"])
    year = time.gmtime().tm_year
    r = req("PUT", "/api/v1/rounds/gd-open", "ministry", body=dict(
        F.round_body, name="广东本年度评估", year=year, opens_on=f"{year}-01-01", closes_on=f"{year}-12-31",
        deadline=f"{year}-12-31"))
    assert r.status == 200, r
    r = req("POST", "/api/v1/rounds/gd-open/reminders", "guangzhou", body={"recipients": [e]})
    assert r.status == 201 and r.json()["reminded"] == 1, r
    F.notice = {p: n["id"] for p in ("enterprise", "guangzhou")
                for n in req("GET", "/api/v1/notices", p).json()["items"][:1]}
    assert set(F.notice) == {"enterprise", "guangzhou"}, F.notice
    # Accounts to administer: one below each admin, one beside 广州, one of 广西.
    sz_e = _one("SELECT uscc FROM enterprises WHERE unit_code = '440300' ORDER BY uscc LIMIT 1")
    for username, role, scope in (("acct-ent", "enterprise", e), ("acct-unit", "unit", "440100"),
                                  ("acct-prov", "province", "440000"), ("acct-sz", "enterprise", sz_e),
                                  ("acct-gx", "province", "450000")):
        SERVER.user_add(username, role, scope)
    ids = {name: id for id, name in SERVER.sql("SELECT id, username FROM users")}
    F.account = {"ministry": ids["acct-prov"], "guangdong": ids["acct-unit"], "guangzhou": ids["acct-ent"]}
    F.other_account = {"guangzhou": ids["acct-sz"]}
    F.gx_account = ids["acct-gx"]
    # Registrations waiting (fixtures written directly: the anonymous route
    # allows five an hour from one address, and is itself in the matrix).
    def pending(unit, username):
        SERVER.sql("INSERT INTO registrations (uscc, unit_code, fields_json, username, contact_email, remote_address, "
                   "created_at, state) VALUES (?, ?, ?, ?, ?, '192.0.2.1', '2026-01-01T00:00:00.000Z', 'pending')",
                   make_uscc(unit[:4] + "00" if unit != "450000" else "450000"), unit,
                   json.dumps({"name": f"{username}有限公司", "unit_code": unit, "industry_code": "34",
                               "production_type": "discrete_mass", "employees": "100", "revenue_10k_yuan": "5000",
                               "contact_email": f"{username}@example.cn"}, ensure_ascii=False),
                   username, f"{username}@example.cn")
        return SERVER.sql("SELECT id FROM registrations WHERE username = ?", username)[0][0]
    for p in ("ministry", "guangdong", "guangzhou"):
        F.to_approve[p] = pending("440100", f"reg-approve-{p}")
        F.to_reject[p] = pending("440100", f"reg-reject-{p}")
    F.sz_registration = pending("440300", "reg-sz")
    F.gx_registration = pending("450000", "reg-gx")
    _support_setup()
    # Every enterprise, and those each principal may see.
    rows = SERVER.sql("SELECT e.uscc, e.unit_code, e.industry_code, u.path FROM enterprises e "
                      "JOIN units u ON u.code = e.unit_code")
    F.all_usccs = {r[0] for r in rows}
    granted = {r[0] for r in SERVER.sql(
        "SELECT g.uscc FROM agency_grants g JOIN users u ON u.id = g.agency_user_id WHERE u.username = 'agency'")}
    F.scope_usccs = {
        "ministry": set(F.all_usccs),
        "guangdong": {u for u, _, _, path in rows if "/440000/" in path},
        "guangzhou": {u for u, _, _, path in rows if "/440100/" in path},
        "association": {u for u, _, ind, path in rows if "/440000/" in path and ind in ("38", "39")},
        "agency": granted,
        "enterprise": {e},
    }


@functools.cache

def _support_setup():
    """Support measures of 广州, 深圳 and 广西, and a typical case."""
    def measure(who, unit):
        r = req("POST", "/api/v1/support-measures", who,
                body={"name": "矩阵测试专项资金", "kind": "fund", "year": 2015, "unit_code": unit})
        assert r.status == 201, r
        return r.json()["id"]
    F.measure = measure("guangdong", "440100")
    F.sz_measure = measure("guangdong", "440300")
    F.gx_measure = measure("ministry", "450000")
    F.doomed = {p: measure(p, "440100") for p in ("ministry", "guangdong", "guangzhou")}
    readd_recipient()


def readd_recipient():
    r = req("POST", f"/api/v1/support-measures/{F.measure}/recipients", "guangdong",
            body={"items": [{"uscc": F.own_uscc["guangzhou"]}]})
    assert r.status == 200, r


def remark_case():
    r = req("PUT", f"/api/v1/typical-cases/2016/{F.own_uscc['guangzhou']}", "guangdong", body=CASE)
    assert r.status == 200, r


CASE = {"title": "矩阵典型经验", "text": "以评促建，补齐短板。"}


def measure_param(p, variant):
    return {"own": F.measure, "other": F.sz_measure if p == "guangzhou" else None,
            "province": None if p == "ministry" else F.gx_measure, "missing": 99999999}[variant]


def doomed_param(p, variant):
    """A measure the route deletes: each admin its own; others are refused on the shared one."""
    return F.doomed.get(p, F.measure) if variant == "own" else measure_param(p, variant)


def current_measure_body(p):
    version = req("GET", f"/api/v1/support-measures/{F.measure}", "ministry").json()["version"]
    return {"name": "矩阵测试专项资金", "kind": "fund", "year": 2015, "version": version}


def tables():
    """The store's tables (the matrix changes no schema)."""
    return sorted(r[0] for r in (SERVER.sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                                 if SERVER.pg else
                                 SERVER.sql("SELECT name FROM sqlite_master WHERE type = 'table'")))


def fingerprint():
    """A digest of every table's content: equal before and after means
    nothing was written."""
    # Jobs run in the background: only which jobs exist is compared.
    def source(t):
        return "(SELECT id, kind, owner_user_id, input FROM jobs)" if t == "jobs" else t
    if SERVER.pg:
        # Every insert, update or delete changes a table's row count or the sum
        # of its rows' xmin (the writing transaction's id): cheaper than its
        # content, and stricter (an update to the same values counts too).
        def digest(t):
            if t == "jobs":
                return f"(SELECT md5(COALESCE(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {source(t)} t)"
            return f"(SELECT count(*) || ':' || COALESCE(sum(xmin::text::bigint), 0) FROM {t})"
        return SERVER.sql("SELECT " + ", ".join(digest(t) for t in tables()))[0]
    return tuple(tuple(sorted(map(repr, SERVER.sql(f"SELECT * FROM {source(t)}")))) for t in tables())


# --------------------------------------------------------------------------
# The routes: what each path parameter designates and an example body.
#
# A parameter is filled per variant:
#   own      the caller's own object
#   other    an object of the same province outside the caller's scope
#   province an object of another province
#   missing  an object that does not exist
# `None` for a variant means the route has no such case for that caller.

def uscc_param(p, variant):
    return {"own": F.own_uscc[p], "other": F.other_uscc[p],
            "province": None if p == "ministry" else F.gx_uscc, "missing": F.missing_uscc}[variant]


def round_param(p, variant):
    return {"own": "gd-2016", "other": None, "province": None if p == "ministry" else "gx-2016",
            "missing": "nope-2016"}[variant]


def regional_round_param(p, variant):
    """A round on a route that lists what the caller's region holds of it: an
    enterprise or agency has no region, so another province's round is not
    outside its scope (it lists nothing there)."""
    if variant == "province" and p in ("agency", "enterprise"):
        return None
    return round_param(p, variant)


def unit_param(p, variant):
    other = {"guangzhou": "440300"}.get(p)
    return {"own": "440100", "other": other, "province": None if p == "ministry" else "450000",
            "missing": "999999"}[variant]


def job_param(p, variant):
    someone_else = "guangdong" if p != "guangdong" else "guangzhou"
    return {"own": F.own_job[p], "other": F.own_job[someone_else], "province": None,
            "missing": 99999999}[variant]


def circular_param(p, variant):
    return {"own": F.gd_circular, "other": None, "province": None if p == "ministry" else F.gx_circular,
            "missing": 99999999}[variant]


def batch_param(p, variant):
    return {"own": F.gd_batch, "other": F.sz_batch if p == "guangzhou" else None, "province": None,
            "missing": 99999999}[variant]


def notice_param(p, variant):
    """A notice: only enterprises and unit admins have their own."""
    someone_else = "guangzhou" if p == "enterprise" else "enterprise"
    return {"own": F.notice.get(p), "other": F.notice[someone_else], "province": None,
            "missing": 99999999}[variant]


def account_param(p, variant):
    return {"own": F.account.get(p), "other": F.other_account.get(p),
            "province": None if p == "ministry" else F.gx_account, "missing": 99999999}[variant]


def registration_param(which):
    def param(p, variant):
        return {"own": which.get(p), "other": F.sz_registration if p == "guangzhou" else None,
                "province": None if p == "ministry" else F.gx_registration, "missing": 99999999}[variant]
    return param


def fixed(value):
    """A parameter that names no object of anyone's scope."""
    return lambda p, variant: value if variant == "own" else None


def model_param(p, variant):
    return {"own": MODEL, "other": None, "province": None, "missing": "nope"}[variant]


def contact_form():
    person = {"name": "高亚华", "department_title": "信息化推进处 主任科员", "phone": "020-83134276",
              "mobile": "13800138000", "email": "gdxxhtj@163.com"}
    return {"leader": person, "liaison": person, "platform_admin": person}


def new_enterprise(unit):
    return {"uscc": make_uscc(unit), "name": "矩阵测试电子有限公司", "unit_code": unit, "industry_code": "39",
            "production_type": "discrete_mass", "employees": 120, "revenue_10k_yuan": 5000}


# The round's parameter names an object in scope only where the route reads
# or writes something of the round's province; GET /rounds/{round} shows any
# round (their names and dates are not in anyone's scope).
A = "/api/v1/rounds/{round}/enterprises/{uscc}/assessment"
ROUTES = {
    "GET /healthz": {},
    "GET /api/v1/openapi.json": {},
    "POST /api/v1/session": {"body": lambda p: {"username": p, "password": PASSWORD}},
    "GET /api/v1/session": {},
    "DELETE /api/v1/session": {"fresh_login": True},
    "PUT /api/v1/session/password": {"body": lambda p: {"current_password": "Wrong0000",
                                                        "new_password": "Another2016x"}},
    "GET /api/v1/enterprises": {},
    "POST /api/v1/enterprises": {"body": lambda p: new_enterprise("440100")},
    "GET /api/v1/enterprises/export": {},
    "POST /api/v1/enterprises/import": {
        "raw": lambda p: "uscc,name,unit_code,industry_code,production_type,employees,revenue_10k_yuan\r\n"
                         f"{make_uscc('440100')},矩阵导入电子有限公司,440100,39,discrete_mass,80,900\r\n"},
    "GET /api/v1/enterprises/{uscc}": {"uscc": uscc_param},
    "PATCH /api/v1/enterprises/{uscc}": {"uscc": uscc_param, "body": lambda p: {"version": 0}},
    "GET /api/v1/units": {},
    "GET /api/v1/industries": {},
    "GET /api/v1/production-types": {},
    "GET /api/v1/audit": {},
    "GET /api/v1/rounds": {},
    "GET /api/v1/rounds/{round}": {"round": fixed("gd-2016")},
    "PUT /api/v1/rounds/{round}": {"round": round_param, "body": lambda p: F.round_body,
                                   "creates": ["round"]},
    "PUT /api/v1/rounds/{round}/targets/{unit}": {"round": round_param, "unit": unit_param,
                                                  "body": lambda p: {"rule": "min_completed:400"}},
    "GET /api/v1/rounds/{round}/progress": {"round": round_param},
    "GET /api/v1/rounds/{round}/assessments": {"round": regional_round_param},
    "GET " + A: {"round": round_param, "uscc": uscc_param},
    "PUT " + A: {"round": round_param, "uscc": uscc_param, "body": lambda p: {"answers": {}, "version": 0}},
    "POST " + A + "/submit": {"round": round_param, "uscc": uscc_param},
    "POST " + A + "/review": {"round": round_param, "uscc": uscc_param,
                              "body": lambda p: {"decision": "approve"}},
    "POST " + A + "/withdraw": {"round": round_param, "uscc": uscc_param},
    "GET /api/v1/rounds/{round}/enterprises/{uscc}/diagnosis": {"round": round_param, "uscc": uscc_param},
    "GET /api/v1/rounds/{round}/enterprises/{uscc}/report.html": {"round": round_param, "uscc": uscc_param},
    "GET /api/v1/rounds/{round}/enterprises/{uscc}/charts/{chart}": {
        "round": round_param, "uscc": uscc_param, "chart": fixed("radar.svg")},
    "POST /api/v1/rounds/{round}/enterprises/{uscc}/report.pdf": {
        "round": round_param, "uscc": uscc_param},
    "GET /api/v1/rounds/{round}/datamap": {"round": round_param},
    "GET /api/v1/datamap/trend": {},
    "GET /api/v1/rounds/{round}/selection": {"round": round_param},
    "GET /api/v1/support-measures": {},
    "POST /api/v1/support-measures": {"body": lambda p: {"name": "矩阵新建措施", "kind": "pilot", "year": 2016,
                                                         "unit_code": "440100"}},
    "GET /api/v1/support-measures/{id}": {"id": measure_param},
    "PUT /api/v1/support-measures/{id}": {"id": measure_param, "body": current_measure_body},
    "DELETE /api/v1/support-measures/{id}": {"id": doomed_param},
    "POST /api/v1/support-measures/{id}/recipients": {
        "id": measure_param, "body": lambda p: {"items": [{"uscc": F.own_uscc["guangzhou"]}]}},
    "POST /api/v1/support-measures/{id}/recipients/import": {
        "id": measure_param, "raw": lambda p: "统一社会信用代码\r\n" + F.own_uscc["guangzhou"] + "\r\n"},
    "DELETE /api/v1/support-measures/{id}/recipients/{uscc}": {"id": measure_param, "uscc": uscc_param,
                                                               "after": "readd_recipient"},
    "GET /api/v1/support-measures/{id}/effect": {"id": measure_param},
    "GET /api/v1/typical-cases": {},
    "PUT /api/v1/typical-cases/{year}/{uscc}": {"year": fixed("2016"), "uscc": uscc_param, "body": lambda p: CASE},
    "DELETE /api/v1/typical-cases/{year}/{uscc}": {"year": fixed("2016"), "uscc": uscc_param, "after": "remark_case"},
    "GET /api/v1/reports/yearly": {"query": "?year=2016&unit=440100"},
    "POST /api/v1/reports/yearly/pdf": {"query": "?year=2016&unit=440100"},
    "GET /api/v1/rounds/{round}/outstanding": {"round": round_param},
    "POST /api/v1/rounds/{round}/reminders": {"round": round_param, "body": lambda p: {"target": "contacts"}},
    "GET /api/v1/rounds/{round}/reminders": {"round": round_param},
    "GET /api/v1/rounds/{round}/reminders/{batch}": {"round": round_param, "batch": batch_param},
    "DELETE /api/v1/rounds/{round}/reminders/{batch}": {"round": round_param, "batch": batch_param},
    "GET /api/v1/notices": {},
    "GET /api/v1/users": {},
    "GET /api/v1/registration-form": {},
    "POST /api/v1/registrations": {"body": lambda p: {
        "uscc": make_uscc("440100"), "name": "矩阵注册机械有限公司", "unit_code": "440100", "industry_code": "34",
        "production_type": "discrete_mass", "employees": 90, "revenue_10k_yuan": 3000,
        "contact_email": f"matrix-{p}@example.cn", "username": f"matrix-{p}"}},
    "GET /api/v1/registrations": {},
    "POST /api/v1/registrations/{id}/approve": {"id": registration_param(F.to_approve), "body": lambda p: {}},
    "POST /api/v1/registrations/{id}/reject": {"id": registration_param(F.to_reject),
                                               "body": lambda p: {"reason": "信息不全"}},
    "POST /api/v1/users": {"body": lambda p: {"username": f"authz-new-{p}", "role": "enterprise",
                                              "scope": F.own_uscc.get(p, F.own_uscc["ministry"])}},
    "PATCH /api/v1/users/{id}": {"id": account_param, "body": lambda p: {"disabled": False}},
    "POST /api/v1/users/{id}/password-reset": {"id": account_param},
    "POST /api/v1/notices/{id}/read": {"id": notice_param},
    "GET /api/v1/enterprises/{uscc}/grants": {"uscc": uscc_param},
    "PUT /api/v1/enterprises/{uscc}/grants/{agency}": {"uscc": uscc_param, "agency": fixed("agency"),
                                                       "body": lambda p: {"can_submit": True}},
    "DELETE /api/v1/enterprises/{uscc}/grants/{agency}": {"uscc": uscc_param, "agency": fixed("agency"),
                                                          "after": "regrant"},
    "GET /api/v1/rounds/{round}/contacts": {"round": round_param},
    "GET /api/v1/rounds/{round}/contacts/{unit}": {"round": round_param, "unit": unit_param},
    "PUT /api/v1/rounds/{round}/contacts/{unit}": {"round": round_param, "unit": unit_param,
                                                   "body": lambda p: contact_form()},
    "POST /api/v1/rounds/{round}/circulars": {"round": round_param,
                                              "body": lambda p: {"as_of": "2016-06-30"}},
    "GET /api/v1/rounds/{round}/circulars": {"round": round_param},
    "GET /api/v1/circulars/{id}": {"id": circular_param},
    "GET /api/v1/jobs/{id}": {"id": job_param},
    "GET /api/v1/jobs/{id}/result": {"id": job_param},
    "GET /api/v1/models": {},
    "GET /api/v1/models/{id}/questionnaire": {"id": model_param},
    "GET /api/v1/benchmark-packs": {},
    "PUT /api/v1/benchmark-packs/{model}": {"model": model_param, "body": lambda p: F.pack},
    "DELETE /api/v1/benchmark-packs/{model}": {"model": model_param, "after": "reload_pack"},
    "GET /api/v1/rounds/{round}/benchmark-pack": {"round": round_param},
    "POST /api/v1/models/{id}/score": {"id": model_param,
                                       "body": lambda p: {"production_type": "discrete_mass", "answers": {}}},
}

def routes():
    out = subprocess.run([BIN, "routes"], capture_output=True, timeout=60, check=True)
    return json.loads(out.stdout.decode("utf-8"))


def params_of(pattern):
    return re.findall(r"\{(\w+)\}", pattern)


def fill(pattern, spec, p, changed=None, variant="own"):
    """The path for principal p with every parameter naming its own object,
    except `changed`, which names the `variant` object; None when p has no
    such object."""
    path = pattern
    for name in params_of(pattern):
        value = spec[name](p, variant if name == changed else "own")
        if value is None:
            return None
        path = path.replace("{" + name + "}", urllib.parse.quote(str(value), safe=""))
    return path


class AuthorizationMatrix(unittest.TestCase):
    maxDiff = None

    def test_every_route_is_declared_here(self):
        table = {f"{r['method']} {r['pattern']}" for r in routes()}
        self.assertEqual(sorted(table - set(ROUTES)), [], "routes without an entry in ROUTES")
        self.assertEqual(sorted(set(ROUTES) - table), [], "entries for routes that do not exist")

    def send(self, route, spec, who, path):
        method = route["method"]
        path += spec.get("query", "")
        if spec.get("fresh_login") and who:
            token = SERVER.login(who).json()["token"]
            return SERVER.request(method, path, token)
        body = spec["body"](who) if "body" in spec else None
        headers = None
        if "raw" in spec:
            body, headers = spec["raw"](who), {"Content-Type": "text/csv"}
        token = SERVER.token(who) if who else None
        return SERVER.request(method, path, token, body=body, headers=headers)

    def check_no_leak(self, who, r, label):
        if r.status >= 300 or who is None:
            return
        seen = set(USCC_RE.findall(r.text)) & F.all_usccs
        leaked = seen - F.scope_usccs[who]
        self.assertEqual(leaked, set(), f"{label}: enterprises outside {who}'s scope in the answer")

    def after(self, spec):
        if spec.get("after") == "regrant":
            r = req("PUT", f"/api/v1/enterprises/{F.own_uscc['enterprise']}/grants/agency", "enterprise",
                    body={"can_submit": True})
            self.assertEqual(r.status, 200, r)
        if spec.get("after") == "readd_recipient":
            readd_recipient()
        if spec.get("after") == "remark_case":
            remark_case()
        if spec.get("after") == "reload_pack":
            for admin in ("ministry", "guangdong"):
                r = req("PUT", f"/api/v1/benchmark-packs/{MODEL}", admin, body=F.pack)
                self.assertEqual(r.status, 200, r)

    def test_matrix(self):
        checked = 0
        for route in routes():
            key = f"{route['method']} {route['pattern']}"
            spec = ROUTES[key]
            roles = set(route["roles"]) if route["access"] == "roles" else None
            with self.subTest(route=key):
                # 1. Refused requests, which must change nothing.
                before = fingerprint()
                if route["access"] != "anonymous":
                    anyone = next(path for q in PRINCIPALS if (path := fill(route["pattern"], spec, q)))
                    r = self.send(route, spec, None, anyone)
                    self.assertEqual(r.status, 401, f"{key} without login: {r!r}")
                for p in PRINCIPALS:
                    allowed = route["access"] != "roles" or ROLE_OF[p] in roles
                    cases = [] if allowed else [(None, "own")]
                    if allowed:
                        cases = [(name, v) for name in params_of(route["pattern"])
                                 for v in ("other", "province", "missing")
                                 if not (v == "missing" and name in spec.get("creates", ()))]
                    for name, variant in cases:
                        path = fill(route["pattern"], spec, p, name, variant)
                        if path is None:
                            continue
                        r = self.send(route, spec, p, path)
                        label = f"{key} as {p} ({name} {variant}: {path})"
                        checked += 1
                        if allowed:
                            self.assertEqual(r.status, 404, f"{label}: expected 404, got {r!r}")
                        else:
                            self.assertIn(r.status, (403, 404), f"{label}: role not allowed, got {r!r}")
                        self.check_no_leak(p, r, label)
                self.assertEqual(fingerprint(), before, f"{key}: a refused request changed the store")
                # 2. Each allowed role on its own objects.
                for p in PRINCIPALS:
                    if route["access"] == "roles" and ROLE_OF[p] not in roles:
                        continue
                    path = fill(route["pattern"], spec, p)
                    if path is None:  # a role with no object of this kind of its own
                        continue
                    r = self.send(route, spec, p, path)
                    label = f"{key} as {p} (own: {path})"
                    checked += 1
                    self.assertNotIn(r.status, (401, 403, 404), f"{label}: refused its own object: {r!r}")
                    self.assertLess(r.status, 500, f"{label}: {r!r}")
                    self.check_no_leak(p, r, label)
                    self.after(spec)
        print(f"\n  {checked} requests checked", file=sys.stderr)
        self.assertGreater(checked, 500)


class KeptDiagnoses(unittest.TestCase):
    """A diagnosis asked for again is found by one statement while the
    caller's session and what the enterprise's stamp holds are unchanged:
    still only for callers whose scope holds the enterprise, and showing a
    change made by hand at once. Each test restores what it changed."""

    def diagnosis(self, who, token=None):
        uscc = F.own_uscc["guangzhou"]
        return SERVER.request("GET", f"/api/v1/rounds/gd-2016/enterprises/{uscc}/diagnosis",
                              token or SERVER.token(who))

    def kept(self, who, token=None):
        for _ in range(3):
            r = self.diagnosis(who, token)
            self.assertEqual(r.status, 200, r)
        return r

    def test_another_citys_official_never_gets_it(self):
        self.kept("guangzhou")
        for _ in range(3):  # the second time with its session kept too
            self.assertEqual(self.diagnosis("shenzhen").status, 404)
        self.assertEqual(self.diagnosis("guangzhou").status, 200)

    def test_an_edit_by_hand_shows_at_once(self):
        uscc = F.own_uscc["guangzhou"]
        [[name]] = SERVER.sql("SELECT name FROM enterprises WHERE uscc = ?", uscc)
        self.assertEqual(self.kept("guangzhou").json()["enterprise_name"], name)
        try:
            SERVER.sql("UPDATE enterprises SET name = ? WHERE uscc = ?", name + "（改）", uscc)
            self.assertEqual(self.diagnosis("guangzhou").json()["enterprise_name"], name + "（改）")
        finally:
            SERVER.sql("UPDATE enterprises SET name = ? WHERE uscc = ?", name, uscc)
        self.assertEqual(self.diagnosis("guangzhou").json()["enterprise_name"], name)

    def test_an_enterprise_moved_to_another_city_leaves_the_first_citys_scope_at_once(self):
        uscc = F.own_uscc["guangzhou"]
        [[unit]] = SERVER.sql("SELECT unit_code FROM enterprises WHERE uscc = ?", uscc)
        self.assertEqual(unit, "440100")
        self.kept("guangzhou")
        self.assertEqual(self.diagnosis("shenzhen").status, 404)
        try:
            SERVER.sql("UPDATE enterprises SET unit_code = '440300' WHERE uscc = ?", uscc)
            self.assertEqual(self.diagnosis("guangzhou").status, 404)
            self.assertEqual(self.kept("shenzhen").status, 200)
        finally:
            SERVER.sql("UPDATE enterprises SET unit_code = ? WHERE uscc = ?", unit, uscc)
        self.assertEqual(self.diagnosis("shenzhen").status, 404)
        self.assertEqual(self.diagnosis("guangzhou").status, 200)

    def test_a_revoked_grant_ends_the_agencys_reading_at_once(self):
        grant = f"/api/v1/enterprises/{F.own_uscc['agency']}/grants/agency"
        self.kept("agency")
        r = req("DELETE", grant, "enterprise")
        self.assertLess(r.status, 300, r)
        try:
            self.assertEqual(self.diagnosis("agency").status, 404)
        finally:
            r = req("PUT", grant, "enterprise", body={"can_submit": True})
            self.assertEqual(r.status, 200, r)
        self.assertEqual(self.diagnosis("agency").status, 200)

    def test_a_logout_ends_it_at_once(self):
        token = SERVER.login("guangzhou").json()["token"]
        self.kept("guangzhou", token)
        self.assertEqual(SERVER.request("DELETE", "/api/v1/session", token).status, 200)
        self.assertEqual(self.diagnosis("guangzhou", token).status, 401)


if __name__ == "__main__":
    unittest.main()
