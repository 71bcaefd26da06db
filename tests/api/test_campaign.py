#!/usr/bin/env python3
"""API tests of rounds, targets, the assessment lifecycle, review and progress
(附件2) for rongping (融评), run against a real server.

Standard library only, like test_api.py: setUpModule loads the default demo
into a fresh SQLite file in a temporary directory, starts `rongping serve` on
an ephemeral port and waits for /healthz, then creates the test rounds as the
province admin (`guangdong`); tearDownModule stops the server with SIGTERM and
checks that it shut down gracefully.

    python3 tests/api/test_campaign.py -v

The binary is $RONGPING_BIN, or build/rongping of this repository.

The server uses the real date in China. The open rounds span the current year
(in 2026: 2026-01-01 to 2026-12-31), the closed one lies in 2020. Answers are
built from models/gbt23020-2013/model.json.

The classes run in name order and share the demo enterprise's assessments;
the lifecycle classes are ordered steps (test_01, test_02, ...). Classes that
need a state reach it through ensure_* helpers, so each can also run alone.
"""

import datetime
import io
import json
import os
import re
import sys
import threading
import unittest
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import REPO, ErrorAssertions, Server, qs  # noqa: E402

MODEL_ID = "gbt23020-2013"
MODEL_PATH = os.path.join(REPO, "models", MODEL_ID, "model.json")

TODAY = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()
YEAR = TODAY.year
OPEN = {"opens_on": f"{YEAR}-01-01", "closes_on": f"{YEAR}-12-31", "deadline": f"{YEAR}-12-31"}
CLOSED = {"opens_on": "2020-04-20", "closes_on": "2020-06-30", "deadline": "2020-06-30"}

SERVER = Server(str_body_type="application/json")


class _State:
    uscc = None          # the demo enterprise (of 广州)
    production_type = None

    @property
    def tokens(self):    # the harness's token cache, by username
        return SERVER.tokens


S = _State()


# --------------------------------------------------------------------------
# Server lifecycle (tests/api/harness.py)

def setUpModule():
    SERVER.start(setup=_set_up_data)


def _set_up_data():
    r = request("GET", "/api/v1/session", token("enterprise"))
    if r.status != 200:
        raise RuntimeError(f"GET /api/v1/session as enterprise failed: {r!r}")
    S.uscc = r.json()["user"]["scope"]
    r = request("GET", "/api/v1/enterprises/" + S.uscc, token("enterprise"))
    if r.status != 200:
        raise RuntimeError(f"GET own enterprise failed: {r!r}")
    e = r.json()
    if e["unit_code"] != "440100":
        raise RuntimeError(f"the demo enterprise is not of 广州: {e!r}")
    S.production_type = e["production_type"]
    for code, body in ROUNDS.items():
        r = put_round("guangdong", code, body)
        if r.status != 200:
            raise RuntimeError(f"PUT round {code} failed: {r!r}")


def tearDownModule():
    SERVER.stop()


# --------------------------------------------------------------------------
# HTTP helpers

def request(*a, **kw):
    return SERVER.request(*a, **kw)


token = SERVER.token
user_add = SERVER.user_add


# --------------------------------------------------------------------------
# Rounds and answers

def round_body(name, year=YEAR, dates=OPEN, review_required=True, **extra):
    body = {"name": name, "year": year, "province_code": "440000", "models": [MODEL_ID]}
    body.update(dates)
    body["review_required"] = review_required
    body.update(extra)
    return body


# t-open counts approved assessments only; t-submitted counts what was
# submitted (上报), as the notice defines 完成评估数 and new rounds default to.
ROUNDS = {
    "t-open": round_body(f"{YEAR}年测试评估周期（进行中）", completion="approved"),
    "t-closed": round_body("2020年测试评估周期（已截止）", year=2020, dates=CLOSED),
    "t-noreview": round_body(f"{YEAR}年测试评估周期（免审核）", review_required=False),
    "t-submitted": round_body(f"{YEAR}年测试评估周期（上报即完成）"),
}


def put_round(user, code, body):
    return request("PUT", "/api/v1/rounds/" + code, token(user), body=body)


def get_round(code, user="guangdong"):
    return request("GET", "/api/v1/rounds/" + code, token(user))


def apath(round_code, uscc=None):
    return f"/api/v1/rounds/{round_code}/enterprises/{uscc or S.uscc}/assessment"


def save(round_code, answers, version, user="enterprise", uscc=None):
    return request("PUT", apath(round_code, uscc), token(user),
                   body={"answers": answers, "version": version})


def submit(round_code, user="enterprise", body=None, uscc=None):
    return request("POST", apath(round_code, uscc) + "/submit", token(user), body=body)


def review(round_code, user, decision, reason=None, uscc=None):
    body = {"decision": decision}
    if reason is not None:
        body["reason"] = reason
    return request("POST", apath(round_code, uscc) + "/review", token(user), body=body)


def withdraw(round_code, user="enterprise"):
    return request("POST", apath(round_code) + "/withdraw", token(user))


def get_assessment(round_code, user="enterprise", uscc=None):
    return request("GET", apath(round_code, uscc), token(user))


def current(round_code):
    """The enterprise's assessment in the round (as the enterprise), or None."""
    r = get_assessment(round_code)
    if r.status == 404:
        return None
    if r.status != 200:
        raise AssertionError(f"GET assessment {round_code} failed: {r!r}")
    return r.json()


def progress(user, round_code, **params):
    return request("GET", qs(f"/api/v1/rounds/{round_code}/progress", **params), token(user))


def progress_json(user, round_code, **params):
    r = progress(user, round_code, **params)
    if r.status != 200:
        raise AssertionError(f"progress {round_code} {params} as {user} failed: {r!r}")
    return r.json()


def row_of(table, code):
    rows = [r for r in table["rows"] if r["unit_code"] == code]
    if len(rows) != 1:
        raise AssertionError(f"{len(rows)} rows of {code} in {table!r}")
    return rows[0]


def list_assessments(user, round_code, **params):
    return request("GET", qs(f"/api/v1/rounds/{round_code}/assessments", **params), token(user))


def load_model():
    with open(MODEL_PATH, encoding="utf-8") as f:
        return json.load(f)


MODEL = load_model()
QUESTIONS = MODEL["questions"]
QUESTION = {q["id"]: q for q in QUESTIONS}
LEVEL_IDS = [lv["id"] for lv in MODEL["levels"]["order"]]


def answer_for(q, k=0):
    """A valid answer of question q; k varies it. Yes/no questions are always
    yes, so that the shares asked after them (service revenue, custom orders)
    hold together with them, as the model's consistency rules require."""
    t = q["type"]
    if t == "single":  # one of the upper options, so that answers hold together for any k
        return q["options"][(len(q["options"]) // 2 + k % 2) % len(q["options"])]["id"]
    if t == "multiple":
        ids = [o["id"] for o in q["options"] if not o.get("exclusive")]
        return ids[: 2 + k % 2]
    if t in ("number", "percent"):
        lo, hi = (q["min"], q["max"]) if t == "number" else (0, 100)
        pts = q.get("points") or [[lo, 0], [hi, 100]]
        x = pts[min(len(pts) - 1, len(pts) // 2 + k % 2)][0]
        x = min(max(x, lo), hi)
        return int(round(x)) if q.get("integer") else x
    if t == "yesno":
        return True
    if t == "text":
        return "测试答案"
    raise AssertionError(f"unknown question type {t}")


def answers(k=0):
    """A complete set: every question answered (non-applicable ones are ignored)."""
    return {q["id"]: answer_for(q, k) for q in QUESTIONS}


# Three unconditional (hence applicable) questions left out.
LEFT_OUT = [q["id"] for q in QUESTIONS if not q.get("applies_if")][3:6]
COMPLETE = answers()
INCOMPLETE = {k: v for k, v in COMPLETE.items() if k not in LEFT_OUT}


def race(fn, n=2):
    """Runs fn(i) in n threads released together; returns the results."""
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


def statuses(results):
    return sorted(getattr(r, "status", repr(r)) for r in results)


def ensure_submitted(round_code):
    """Drives the enterprise's assessment in round_code to submitted."""
    a = current(round_code)
    if a and a["status"] == "approved":
        raise AssertionError(f"{round_code} is already approved")
    if a and a["status"] == "submitted":
        return a
    r = save(round_code, COMPLETE, a["version"] if a else 0)
    if r.status != 200:
        raise AssertionError(f"save {round_code} failed: {r!r}")
    r = submit(round_code)
    if r.status != 200:
        raise AssertionError(f"submit {round_code} failed: {r!r}")
    return r.json()


def ensure_approved(round_code="t-open"):
    a = current(round_code)
    if a and a["status"] == "approved":
        return a
    ensure_submitted(round_code)
    r = review(round_code, "guangzhou", "approve")
    if r.status != 200:
        raise AssertionError(f"approve {round_code} failed: {r!r}")
    return r.json()


def ensure_target():
    r = request("PUT", "/api/v1/rounds/t-open/targets/440100", token("guangdong"),
                body={"rule": "min_completed:3"})
    if r.status != 200:
        raise AssertionError(f"PUT target failed: {r!r}")


RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


class ApiTest(ErrorAssertions, unittest.TestCase):
    maxDiff = 6000

    def assertRound(self, got, code, body):
        """The round as put (other fields may be added to the JSON)."""
        self.assertEqual(got.get("code"), code, got)
        for k, v in body.items():
            self.assertEqual(got.get(k), v, f"{code}.{k}: {got!r}")

    def assertUnchanged(self, before, round_code):
        """The assessment is as it was (version, status, answers, time)."""
        after = current(round_code)
        if before is None:
            self.assertIsNone(after, f"an assessment was written in {round_code}")
            return
        self.assertIsNotNone(after)
        for k in ("version", "status", "answers", "updated_at", "submitted_at",
                  "review_reason", "reviewer", "model_hash"):
            self.assertEqual(after[k], before[k], f"{k} changed in {round_code}")
        self.assertEqual(len(after["history"]), len(before["history"]),
                         f"a transition was recorded in {round_code}")


# --------------------------------------------------------------------------
# Rounds

class C01Rounds(ApiTest):
    def test_list_rounds(self):
        for user in ("guangdong", "guangzhou", "enterprise"):
            r = request("GET", "/api/v1/rounds", token(user))
            self.assertEqual(r.status, 200, r)
            items = {i["code"]: i for i in r.json()["items"]}
            for code, body in ROUNDS.items():
                self.assertIn(code, items, user)
                self.assertRound(items[code], code, body)

    def test_list_rounds_needs_login(self):
        self.assertError(request("GET", "/api/v1/rounds"), 401)

    def test_get_round(self):
        r = get_round("t-noreview", "guangzhou")
        self.assertEqual(r.status, 200, r)
        # Where the round stands today, as the server's clock says.
        self.assertEqual((r.json()["state"], r.json()["state_label"]), ("open", "填报中"))
        # The stages its models may give, for a list's filter.
        self.assertEqual([s["id"] for s in r.json()["stages"]], LEVEL_IDS)
        self.assertTrue(all(s["title"] for s in r.json()["stages"]))
        self.assertRound(r.json(), "t-noreview", ROUNDS["t-noreview"])
        self.assertFalse(r.json()["review_required"])

    def test_get_unknown_round_404(self):
        self.assertError(get_round("t-nope"), 404, "not_found")

    def test_gd2016_not_loaded(self):
        self.assertError(get_round("gd-2016"), 404, "not_found")
        self.assertError(progress("guangdong", "gd-2016"), 404, "not_found")

    def test_put_by_unit_admin_and_enterprise_403(self):
        before = get_round("t-open").json()
        for user in ("guangzhou", "enterprise", "association", "agency"):
            r = put_round(user, "t-open", round_body("被改名的周期"))
            self.assertError(r, 403, "forbidden")
            r = put_round(user, "t-by-" + user, round_body("不应创建的周期"))
            self.assertError(r, 403, "forbidden")
            self.assertError(get_round("t-by-" + user), 404)
        self.assertEqual(get_round("t-open").json(), before)

    def test_put_updates_and_is_idempotent(self):
        body = round_body("临时周期", year=2030, dates={"opens_on": "2030-01-01",
                                                    "closes_on": "2030-06-30",
                                                    "deadline": "2030-06-30"})
        r = put_round("guangdong", "t-temp", body)
        self.assertEqual(r.status, 200, r)
        self.assertRound(r.json(), "t-temp", body)
        body["name"] = "临时周期（改名）"
        r = put_round("ministry", "t-temp", body)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(get_round("t-temp").json()["name"], "临时周期（改名）")
        # review_required defaults to true
        del body["review_required"]
        self.assertEqual(put_round("guangdong", "t-temp", body).status, 200)
        self.assertTrue(get_round("t-temp").json()["review_required"])

    def test_invalid_bodies_422(self):
        before = get_round("t-open").json()
        good = round_body("无效测试周期")
        cases = [
            ("bad date", dict(good, opens_on="2026-13-01"), "invalid_field", "opens_on"),
            ("Feb 30", dict(good, closes_on=f"{YEAR}-02-30"), "invalid_field", "closes_on"),
            ("slashes", dict(good, deadline=f"{YEAR}/12/31"), "invalid_field", "deadline"),
            ("closes before opens", dict(good, opens_on=f"{YEAR}-06-01",
                                         closes_on=f"{YEAR}-05-01"), "invalid_field", "closes_on"),
            ("unknown model", dict(good, models=["no-such-model"]), "unknown_model", "models"),
            ("no models", dict(good, models=[]), "invalid_field", "models"),
            ("year 1999", dict(good, year=1999), "invalid_field", "year"),
            ("year 2101", dict(good, year=2101), "invalid_field", "year"),
            ("year string", dict(good, year="2026"), "invalid_field", "year"),
            ("unknown field", dict(good, colour="red"), "unknown_field", "colour"),
            ("empty name", dict(good, name=""), "invalid_field", "name"),
            ("missing name", {k: v for k, v in good.items() if k != "name"},
             "missing_field", "name"),
            ("review_required string", dict(good, review_required="yes"), "wrong_type",
             "review_required"),
            ("province out of scope", dict(good, province_code="110000"), "invalid_field",
             "province_code"),
            ("province unknown", dict(good, province_code="999999"), "invalid_field",
             "province_code"),
        ]
        for label, body, code, field in cases:
            with self.subTest(label):
                r = put_round("guangdong", "t-invalid", body)
                self.assertError(r, 422, code, field)
                r = put_round("guangdong", "t-open", dict(body))
                self.assertError(r, 422, code, field)
        self.assertError(get_round("t-invalid"), 404)
        self.assertEqual(get_round("t-open").json(), before)

    def test_bad_round_code_422(self):
        for raw in ("X%20Y", "X", "A-upper", "-lead", "a" * 33, "t_under"):
            with self.subTest(raw):
                r = put_round("guangdong", raw, round_body("代码无效的周期"))
                self.assertError(r, 422, "invalid_round", "code")
        codes = [i["code"] for i in request("GET", "/api/v1/rounds", token("guangdong")).json()["items"]]
        self.assertNotIn("X Y", codes)
        self.assertNotIn("X%20Y", codes)

    def test_malformed_json_400(self):
        r = request("PUT", "/api/v1/rounds/t-malformed", token("guangdong"), body='{"name": ')
        self.assertError(r, 400, "invalid_json")
        self.assertError(get_round("t-malformed"), 404)


# --------------------------------------------------------------------------
# Targets

class C02Targets(ApiTest):
    def put_target(self, user, rule, unit="440100", round_code="t-open"):
        return request("PUT", f"/api/v1/rounds/{round_code}/targets/{unit}", token(user),
                       body={"rule": rule})

    def target_of(self, unit="440100"):
        return row_of(progress_json("guangdong", "t-open"), unit)["target_rule"]

    def test_1_put_target(self):
        r = self.put_target("guangdong", "min_completed:3")
        self.assertEqual(r.status, 200, r)
        body = r.json()
        self.assertEqual(body["round"], "t-open")
        self.assertEqual(body["unit"], "440100")
        self.assertEqual(body["rule"], "min_completed:3")
        self.assertEqual(body["description"], "完成评估不少于3家")
        self.assertEqual(self.target_of(), "min_completed:3")

    def test_2_combined_rule_canonical(self):
        r = self.put_target("guangdong", " min_completed : 5 | min_share_above_scale:50 ",
                            unit="440300")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["rule"], "min_completed:5|min_share_above_scale:50")
        self.assertIn("或", r.json()["description"])

    def test_3_bad_rules_422(self):
        ensure_target()
        for rule in ("min_foo:3", "min_completed:-1", "min_completed:x", "",
                     "min_share_above_scale:0", "min_share_above_scale:101",
                     "min_completed:1|min_completed:2"):
            with self.subTest(rule):
                self.assertError(self.put_target("guangdong", rule), 422,
                                 "invalid_target_rule", "rule")
        self.assertEqual(self.target_of(), "min_completed:3")

    def test_4_body_errors_422(self):
        ensure_target()
        r = request("PUT", "/api/v1/rounds/t-open/targets/440100", token("guangdong"),
                    body={"rule": "min_completed:9", "extra": 1})
        self.assertError(r, 422, "unknown_field", "extra")
        r = request("PUT", "/api/v1/rounds/t-open/targets/440100", token("guangdong"),
                    body={"rule": 9})
        self.assertError(r, 422, "wrong_type", "rule")
        self.assertEqual(self.target_of(), "min_completed:3")

    def test_5_unit_admin_and_others_403(self):
        ensure_target()
        for user in ("guangzhou", "enterprise", "association", "agency"):
            self.assertError(self.put_target(user, "min_completed:9"), 403, "forbidden")
        self.assertEqual(self.target_of(), "min_completed:3")

    def test_6_unknown_unit_or_round_404(self):
        self.assertError(self.put_target("guangdong", "min_completed:3", unit="999999"), 404,
                         "not_found")
        self.assertError(self.put_target("guangdong", "min_completed:3", round_code="t-nope"),
                         404, "not_found")
        self.assertError(progress("guangdong", "t-open", unit="999999"), 404)


# --------------------------------------------------------------------------
# Lifecycle of the enterprise's assessment in t-open (ordered steps)

class C03Lifecycle(ApiTest):
    R = "t-open"
    events = []  # (from, to, actor) expected in the history, in order

    @classmethod
    def setUpClass(cls):
        a = current(cls.R)
        if a is not None:
            raise unittest.SkipTest(f"{cls.R} already has an assessment (classes ran out of order)")

    def test_01_get_before_any_save_404(self):
        self.assertError(get_assessment(self.R), 404, "not_found")
        self.assertError(submit(self.R), 404, "not_found")
        self.assertError(withdraw(self.R), 409, "not_withdrawable")

    def test_02_first_save_needs_version_0(self):
        r = save(self.R, INCOMPLETE, 1)
        self.assertError(r, 409, "stale_version")
        self.assertUnchanged(None, self.R)

    def test_03_first_save(self):
        r = save(self.R, INCOMPLETE, 0)
        self.assertEqual(r.status, 200, r)
        a = r.json()
        self.assertEqual(a["version"], 1)
        self.assertEqual(a["status"], "draft")
        self.assertEqual(a["round"], self.R)
        self.assertEqual(a["uscc"], S.uscc)
        self.assertEqual(a["model"], MODEL_ID)
        self.assertEqual(a["answers"], INCOMPLETE)
        self.assertIsNone(a["submitted_at"])
        self.assertIsNone(a["model_hash"])
        type(self).events.append((None, "draft", "enterprise"))

    def test_04_second_save(self):
        r = save(self.R, INCOMPLETE, 1)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["version"], 2)
        self.assertEqual(r.json()["status"], "draft")

    def test_05_stale_version_409(self):
        before = current(self.R)
        changed = dict(INCOMPLETE, service_mfg=not INCOMPLETE["service_mfg"])
        self.assertError(save(self.R, changed, 1), 409, "stale_version")
        self.assertError(save(self.R, changed, 0), 409, "stale_version")
        self.assertError(save(self.R, changed, 99), 409, "stale_version")
        self.assertUnchanged(before, self.R)
        self.assertEqual(before["version"], 2)

    def test_06_save_race_one_wins(self):
        for attempt in range(5):
            v = current(self.R)["version"]
            out = race(lambda i: save(self.R, dict(INCOMPLETE, service_mfg=(i == 0)), v))
            self.assertEqual(statuses(out), [200, 409], f"attempt {attempt}: {out}")
            loser = next(r for r in out if r.status == 409)
            self.assertError(loser, 409, "stale_version")
            winner = next(r for r in out if r.status == 200).json()
            now = current(self.R)
            self.assertEqual(now["version"], v + 1)
            self.assertEqual(winner["version"], v + 1)
            self.assertEqual(now["answers"], winner["answers"])

    def test_07_invalid_answers_422(self):
        before = current(self.R)
        bad = dict(INCOMPLETE)
        single = next(q for q in QUESTIONS if q["type"] == "single")
        number = next(q for q in QUESTIONS if q["type"] == "number")
        percent = next(q for q in QUESTIONS if q["type"] == "percent")
        multiple = next(q for q in QUESTIONS
                        if q["type"] == "multiple" and any(o.get("exclusive") for o in q["options"]))
        yesno = next(q for q in QUESTIONS if q["type"] == "yesno")
        exclusive = next(o["id"] for o in multiple["options"] if o.get("exclusive"))
        other = next(o["id"] for o in multiple["options"] if not o.get("exclusive"))
        bad.update({
            "no_such_question": "A",
            single["id"]: "ZZ",
            number["id"]: number["max"] + 1,
            percent["id"]: -0.5,
            multiple["id"]: [other, exclusive],
            yesno["id"]: "yes",
        })
        r = save(self.R, bad, before["version"])
        err = self.assertError(r, 422, "invalid_answer")
        self.assertIn("details", err, r)
        fields = sorted(d["field"] for d in err["details"])
        self.assertEqual(fields, sorted("answers." + k for k in (
            "no_such_question", single["id"], number["id"], percent["id"], multiple["id"],
            yesno["id"])), err)
        for d in err["details"]:
            self.assertTrue(d["message"].strip(), d)
        self.assertUnchanged(before, self.R)

        # wrong types, one by one
        for qid, value in ((single["id"], 1), (number["id"], "12"), (multiple["id"], other),
                           (yesno["id"], 1), (percent["id"], True)):
            with self.subTest(qid=qid, value=value):
                r = save(self.R, dict(INCOMPLETE, **{qid: value}), before["version"])
                self.assertError(r, 422, "invalid_answer", "answers." + qid)
        self.assertUnchanged(before, self.R)

    def test_08_unrepresentable_numbers_400(self):
        before = current(self.R)
        qid = next(q["id"] for q in QUESTIONS if q["type"] == "number")
        for raw_value in ("NaN", "Infinity", "-Infinity", "1e400"):
            with self.subTest(raw_value):
                raw = ('{"version": %d, "answers": {"%s": %s}}'
                       % (before["version"], qid, raw_value))
                self.assertError(request("PUT", apath(self.R), token("enterprise"), body=raw),
                                 400, "invalid_json")
        self.assertUnchanged(before, self.R)

    def test_09_body_errors_422(self):
        before = current(self.R)
        v = before["version"]
        cases = [
            ({"answers": INCOMPLETE}, "missing_version", "version"),
            ({"answers": INCOMPLETE, "version": -1}, "missing_version", "version"),
            ({"answers": INCOMPLETE, "version": "2"}, "missing_version", "version"),
            ({"answers": [], "version": v}, "invalid_field", "answers"),
            ({"version": v}, "invalid_field", "answers"),
            ({"answers": INCOMPLETE, "version": v, "status": "approved"}, "unknown_field", "status"),
        ]
        for body, code, field in cases:
            with self.subTest(body=list(body)):
                r = request("PUT", apath(self.R), token("enterprise"), body=body)
                self.assertError(r, 422, code, field)
        self.assertUnchanged(before, self.R)

    def test_10_submit_incomplete_422(self):
        before = current(self.R)
        self.assertEqual(before["status"], "draft")
        r = submit(self.R)
        err = self.assertError(r, 422, "incomplete", "answers." + LEFT_OUT[0])
        self.assertIn(str(len(LEFT_OUT)), err["message"])
        self.assertEqual([d["field"] for d in err["details"]],
                         ["answers." + q for q in LEFT_OUT], err)
        for d, qid in zip(err["details"], LEFT_OUT):
            self.assertIn(QUESTION[qid]["text"], d["message"])
        self.assertUnchanged(before, self.R)
        self.assertEqual(sorted(before["result"]["missing"]), sorted(LEFT_OUT))

    def test_11_submit_body_errors(self):
        before = current(self.R)
        self.assertError(submit(self.R, body={"override": "yes"}), 422, "wrong_type", "override")
        self.assertError(submit(self.R, body={"force": True}), 422, "unknown_field", "force")
        self.assertUnchanged(before, self.R)

    def test_12_submit_complete(self):
        v = current(self.R)["version"]
        r = save(self.R, COMPLETE, v)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["result"]["missing"], [])
        r = submit(self.R)
        self.assertEqual(r.status, 200, r)
        a = r.json()
        self.assertEqual(a["status"], "submitted")
        self.assertEqual(a["version"], v + 2)
        total = a["result"]["total"]
        self.assertIsInstance(total, (int, float))
        self.assertTrue(0 <= total <= 100, total)
        self.assertIn(a["result"]["level"]["id"], LEVEL_IDS)
        self.assertEqual(a["result"]["level"]["index"], LEVEL_IDS.index(a["result"]["level"]["id"]))
        self.assertRegex(a["model_hash"] or "", r"^[0-9a-f]{64}$")
        self.assertEqual(a["result"]["model"]["hash"], a["model_hash"])
        self.assertRegex(a["submitted_at"] or "", RFC3339)
        self.assertEqual(a["result"]["missing"], [])
        # stored, as returned
        now = current(self.R)
        self.assertEqual(now["status"], "submitted")
        self.assertEqual(now["result"]["total"], total)
        self.assertEqual(now["model_hash"], a["model_hash"])
        # the list shows the stored score
        items = list_assessments("guangzhou", self.R).json()["items"]
        mine = next(i for i in items if i["uscc"] == S.uscc)
        self.assertEqual(mine["total"], total)
        self.assertEqual(mine["level"], a["result"]["level"]["id"])
        # and says it in words: the stage's title and the status in 中文
        self.assertEqual(mine["level_title"], a["result"]["level"]["title"])
        self.assertEqual(mine["status_label"], "已提交待审核")
        # The enterprise reads where it stands and what it may do: withdraw
        # before review; an official of its city may do none of these.
        self.assertEqual(now["status_label"], "已提交待审核")
        self.assertEqual(now["round_state"], "open")
        self.assertEqual(now["actions"], {"edit": False, "submit": False, "withdraw": True})
        self.assertIn("等待主管部门审核", now["next_step"])
        official = get_assessment(self.R, "guangzhou").json()
        self.assertEqual(official["actions"], {"edit": False, "submit": False, "withdraw": False})
        type(self).events.append(("draft", "submitted", "enterprise"))

    def test_13_double_submit_race(self):
        for attempt in range(5):
            a = current(self.R)
            if a["status"] != "draft":
                r = withdraw(self.R)
                self.assertEqual(r.status, 200, r)
                type(self).events.append(("submitted", "draft", "enterprise"))
            v = current(self.R)["version"]
            out = race(lambda i: submit(self.R))
            self.assertEqual(statuses(out), [200, 409], f"attempt {attempt}: {out}")
            self.assertError(next(r for r in out if r.status == 409), 409, "already_submitted")
            type(self).events.append(("draft", "submitted", "enterprise"))
            now = current(self.R)
            self.assertEqual(now["status"], "submitted")
            self.assertEqual(now["version"], v + 1)
        # and once more, sequentially
        before = current(self.R)
        self.assertError(submit(self.R), 409, "already_submitted")
        self.assertUnchanged(before, self.R)

    def test_14_save_after_submit_409(self):
        before = current(self.R)
        self.assertEqual(before["status"], "submitted")
        self.assertError(save(self.R, COMPLETE, before["version"]), 409, "not_editable")
        self.assertError(save(self.R, answers(1), before["version"]), 409, "not_editable")
        self.assertUnchanged(before, self.R)

    def test_15_withdraw(self):
        submitted = current(self.R)
        self.assertEqual(submitted["status"], "submitted")
        r = withdraw(self.R)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["status"], "draft")
        self.assertIsNone(r.json()["submitted_at"])
        type(self).events.append(("submitted", "draft", "enterprise"))
        a = current(self.R)
        self.assertEqual(a["status"], "draft")
        self.assertEqual(a["version"], submitted["version"] + 1)
        self.assertEqual(a["answers"], COMPLETE)
        # withdrawing a draft is refused
        self.assertError(withdraw(self.R), 409, "not_withdrawable")
        self.assertUnchanged(a, self.R)

    def test_16_withdrawn_draft_has_no_stored_score(self):
        # A saved draft carries no stored score (SaveDraft clears total, level
        # and model hash); a withdrawn one must not either, or the lists show
        # a score for a draft.
        a = current(self.R)
        self.assertEqual(a["status"], "draft")
        items = list_assessments("guangzhou", self.R).json()["items"]
        mine = next(i for i in items if i["uscc"] == S.uscc)
        self.assertEqual(mine["status"], "draft")
        self.assertEqual((mine["total"], mine["level"], a["model_hash"]), (None, None, None),
                         f"withdrawn draft still carries its score: list item {mine}, "
                         f"model_hash {a['model_hash']}")

    def test_17_resubmit_and_only_the_filler_withdraws(self):
        self.assertEqual(current(self.R)["status"], "draft")
        r = submit(self.R)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["status"], "submitted")
        type(self).events.append(("draft", "submitted", "enterprise"))
        before = current(self.R)
        self.assertError(withdraw(self.R, "guangzhou"), 403, "forbidden")
        self.assertError(withdraw(self.R, "guangdong"), 403, "forbidden")
        self.assertError(withdraw(self.R, "shenzhen"), 404, "not_found")
        self.assertUnchanged(before, self.R)
        self.assertEqual(before["status"], "submitted")

    def test_18_history(self):
        a = current(self.R)
        history = a["history"]
        got = [(h["from"], h["to"], h["actor"]) for h in history]
        self.assertEqual(got, type(self).events)
        for h in history:
            self.assertRegex(h["at"], RFC3339)
        self.assertEqual([h["at"] for h in history], sorted(h["at"] for h in history))
        withdrawals = [h for h in history if h["to"] == "draft" and h["from"] == "submitted"]
        self.assertTrue(withdrawals)
        for h in withdrawals:
            self.assertTrue(h["reason"], h)
        # the admin sees the same history
        self.assertEqual(get_assessment(self.R, "guangzhou").json()["history"], history)


# --------------------------------------------------------------------------
# Review (continues t-open: submitted)

class C04Review(ApiTest):
    R = "t-open"

    @classmethod
    def setUpClass(cls):
        ensure_submitted(cls.R)

    def test_01_other_unit_404(self):
        before = current(self.R)
        self.assertError(review(self.R, "shenzhen", "approve"), 404, "not_found")
        self.assertError(review(self.R, "shenzhen", "reject", "不合格"), 404, "not_found")
        self.assertError(review(self.R, "foshan", "approve"), 404, "not_found")
        self.assertError(get_assessment(self.R, "shenzhen"), 404, "not_found")
        self.assertUnchanged(before, self.R)

    def test_02_not_an_admin_403(self):
        before = current(self.R)
        self.assertError(review(self.R, "enterprise", "approve"), 403, "forbidden")
        # the association reads what is in its industries, but never reviews
        sees = get_assessment(self.R, "association").status == 200
        self.assertError(review(self.R, "association", "approve"), 403 if sees else 404)
        self.assertError(review(self.R, "agency", "approve"), 404, "not_found")
        self.assertUnchanged(before, self.R)

    def test_03_reject_needs_reason(self):
        before = current(self.R)
        self.assertError(review(self.R, "guangzhou", "reject"), 422, "reason_required", "reason")
        self.assertError(review(self.R, "guangzhou", "reject", "   "), 422, "reason_required",
                         "reason")
        self.assertError(review(self.R, "guangzhou", "maybe"), 422, "invalid_field", "decision")
        self.assertError(review(self.R, "guangzhou", "reject", "原因\x01"), 422, "invalid_field",
                         "reason")
        self.assertError(review(self.R, "guangzhou", "reject", "长" * 501), 422, "invalid_field",
                         "reason")
        r = request("POST", apath(self.R) + "/review", token("guangzhou"),
                    body={"decision": "approve", "note": "x"})
        self.assertError(r, 422, "unknown_field", "note")
        self.assertUnchanged(before, self.R)

    def test_04_review_queue(self):
        r = list_assessments("guangzhou", self.R, status="submitted")
        self.assertEqual(r.status, 200, r)
        items = r.json()["items"]
        self.assertIn(S.uscc, [i["uscc"] for i in items])
        for i in items:
            self.assertEqual(i["status"], "submitted")
            self.assertEqual(i["unit_code"], "440100")
        mine = next(i for i in items if i["uscc"] == S.uscc)
        self.assertTrue(mine["enterprise_name"])
        self.assertRegex(mine["submitted_at"] or "", RFC3339)
        self.assertIn(S.uscc, [i["uscc"] for i in
                               list_assessments("guangdong", self.R, status="submitted").json()["items"]])
        self.assertNotIn(S.uscc, [i["uscc"] for i in
                                  list_assessments("guangzhou", self.R, status="approved").json()["items"]])
        self.assertNotIn(S.uscc, [i["uscc"] for i in
                                  list_assessments("shenzhen", self.R, status="submitted").json()["items"]])
        self.assertError(list_assessments("guangzhou", self.R, status="bogus"), 422,
                         "invalid_parameter", "status")
        # The queue says how many in all, and finds the enterprise by name,
        # by the start of its code, by its stage and by the day it came in.
        body = list_assessments("guangzhou", self.R, status="submitted", per_page=1).json()
        self.assertEqual(len(body["items"]), 1)
        self.assertGreaterEqual(body["total"], 1)
        self.assertEqual(body["total"], len(list_assessments("guangzhou", self.R, status="submitted").json()["items"]))
        today = mine["submitted_at"][:10]  # UTC; a day in China may begin 8 hours earlier
        for params in ({"q": mine["enterprise_name"][1:4]}, {"q": S.uscc[:12]}, {"level": mine["level"]},
                       {"submitted_from": today}):
            with self.subTest(**params):
                found = list_assessments("guangzhou", self.R, status="submitted", **params).json()
                self.assertIn(S.uscc, [i["uscc"] for i in found["items"]], found)
        self.assertEqual(list_assessments("guangzhou", self.R, q="没有这样的企业").json()["total"], 0)
        # Another city's filters find nothing of 广州's, whatever they name.
        for params in ({"q": S.uscc}, {"unit": "440100"}, {}):
            with self.subTest(shenzhen=params):
                found = list_assessments("shenzhen", self.R, **params).json()
                self.assertNotIn(S.uscc, [i["uscc"] for i in found["items"]])
        for field, value in (("industry", "zz"), ("level", "nope"), ("submitted_from", "2016-02-30"),
                             ("submitted_to", "yesterday"), ("q", "x" * 51)):
            with self.subTest(field=field):
                self.assertError(list_assessments("guangzhou", self.R, **{field: value}), 422,
                                 "invalid_parameter", field)

    def test_05_reject_with_reason(self):
        before_progress = row_of(progress_json("guangdong", self.R), "440100")
        reason = "第3题填写不实，请核对后重新提交"
        r = review(self.R, "guangzhou", "reject", reason)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["status"], "rejected")
        a = current(self.R)
        self.assertEqual(a["status"], "rejected")
        self.assertEqual(a["review_reason"], reason)
        self.assertEqual(a["reviewer"], "guangzhou")
        self.assertRegex(a["reviewed_at"] or "", RFC3339)
        # The enterprise reads that it was sent back and why, and may change it.
        self.assertEqual(a["status_label"], "已退回")
        self.assertIn(reason, a["next_step"])
        self.assertEqual(a["actions"], {"edit": True, "submit": True, "withdraw": False})
        last = a["history"][-1]
        self.assertEqual((last["from"], last["to"], last["actor"], last["reason"]),
                         ("submitted", "rejected", "guangzhou", reason))
        # a rejected assessment is not completed
        after_progress = row_of(progress_json("guangdong", self.R), "440100")
        self.assertEqual(after_progress["completed"], before_progress["completed"])
        self.assertEqual(after_progress["participating"], before_progress["participating"])
        # it cannot be reviewed or withdrawn again
        before = current(self.R)
        self.assertError(review(self.R, "guangzhou", "approve"), 409, "not_submitted")
        self.assertError(withdraw(self.R), 409, "not_withdrawable")
        self.assertError(submit(self.R, "guangzhou"), 403, "forbidden")
        self.assertUnchanged(before, self.R)

    def test_06_edit_and_resubmit(self):
        a = current(self.R)
        self.assertEqual(a["status"], "rejected")
        r = save(self.R, answers(1), a["version"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["status"], "draft")
        self.assertEqual(r.json()["version"], a["version"] + 1)
        last = current(self.R)["history"][-1]
        self.assertEqual((last["from"], last["to"], last["actor"]), ("rejected", "draft", "enterprise"))
        r = submit(self.R)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["status"], "submitted")
        a = current(self.R)
        self.assertEqual(a["status"], "submitted")
        self.assertIsNone(a["review_reason"])
        self.assertIsNone(a["reviewer"])

    def test_07_approve_counts_as_completed(self):
        ensure_target()
        p_before = progress_json("guangdong", self.R)
        gz_before = row_of(p_before, "440100")
        r = review(self.R, "guangzhou", "approve")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["status"], "approved")
        a = current(self.R)
        self.assertEqual(a["status"], "approved")
        self.assertEqual(a["reviewer"], "guangzhou")
        self.assertIsNone(a["review_reason"])
        last = a["history"][-1]
        self.assertEqual((last["from"], last["to"], last["actor"]), ("submitted", "approved", "guangzhou"))
        p_after = progress_json("guangdong", self.R)
        gz_after = row_of(p_after, "440100")
        self.assertGreaterEqual(gz_after["participating"], 1)
        self.assertEqual(gz_after["participating"], gz_before["participating"])
        self.assertEqual(gz_after["completed"], gz_before["completed"] + 1)
        self.assertEqual(p_after["total"]["completed"], p_before["total"]["completed"] + 1)
        self.assertEqual(p_after["total"]["participating"], p_before["total"]["participating"])
        # other rows did not move
        # other rows' counts did not move (ranks may: they compare rates)
        for row in p_after["rows"]:
            if row["unit_code"] != "440100":
                was = row_of(p_before, row["unit_code"])
                self.assertEqual((row["participating"], row["completed"]),
                                 (was["participating"], was["completed"]), row)
        # the queue no longer holds it; the approved list does
        self.assertNotIn(S.uscc, [i["uscc"] for i in list_assessments(
            "guangzhou", self.R, status="submitted").json()["items"]])
        self.assertIn(S.uscc, [i["uscc"] for i in list_assessments(
            "guangzhou", self.R, status="approved").json()["items"]])

    def test_08_approved_is_final(self):
        before = current(self.R)
        self.assertEqual(before["status"], "approved")
        self.assertError(review(self.R, "guangzhou", "approve"), 409, "not_submitted")
        self.assertError(review(self.R, "guangdong", "reject", "再驳回"), 409, "not_submitted")
        self.assertError(save(self.R, COMPLETE, before["version"]), 409, "not_editable")
        self.assertError(submit(self.R), 409, "already_submitted")
        self.assertError(withdraw(self.R), 409, "not_withdrawable")
        self.assertUnchanged(before, self.R)


# --------------------------------------------------------------------------
# Progress (附件2)

class C04bCountingRules(ApiTest):
    """What a round counts as completed and as an entry (its completion and
    entries settings), shown with its progress."""
    R = "t-submitted"

    def test_1_the_notices_definition_by_default(self):
        r = get_round(self.R).json()
        self.assertEqual((r["completion"], r["entries"]), ("submitted", "enterprise"))
        self.assertIn("上报", r["counting_note"])
        p = progress_json("guangdong", self.R)
        self.assertEqual((p["completion"], p["entries"]), ("submitted", "enterprise"))
        self.assertEqual(p["counting_note"], r["counting_note"])

    def test_2_a_submission_counts_at_once_and_a_rejection_takes_it_back(self):
        before = row_of(progress_json("guangdong", self.R), "440100")
        ensure_submitted(self.R)
        submitted = row_of(progress_json("guangdong", self.R), "440100")
        self.assertEqual(submitted["completed"], before["completed"] + 1)
        self.assertEqual(review(self.R, "guangzhou", "reject", "请补充第3题").status, 200)
        rejected = row_of(progress_json("guangdong", self.R), "440100")
        self.assertEqual(rejected["completed"], before["completed"])
        self.assertEqual(rejected["participating"], submitted["participating"])

    def test_3_rules_are_fixed_once_counted_and_checked(self):
        body = dict(ROUNDS[self.R], completion="approved")
        self.assertError(put_round("guangdong", self.R, body), 409, "round_in_use")
        self.assertEqual(get_round(self.R).json()["completion"], "submitted")
        for field, value in (("completion", "reviewed"), ("entries", "people"), ("completion", 1)):
            with self.subTest(field=field, value=value):
                r = put_round("guangdong", "t-rules", dict(ROUNDS[self.R], **{field: value}))
                self.assertEqual(r.status, 422, r)
                self.assertEqual(r.json()["error"]["field"], field)
        # Left out, a rule stays as it is.
        self.assertEqual(put_round("guangdong", self.R, ROUNDS[self.R]).status, 200)
        self.assertEqual(get_round(self.R).json()["completion"], "submitted")
        # A new round may count per assessment; unused, it may change.
        r = put_round("guangdong", "t-entries", dict(ROUNDS[self.R], entries="assessment"))
        self.assertEqual(r.json()["entries"], "assessment", r)
        self.assertIn("每份答卷各计一条", r.json()["counting_note"])
        self.assertEqual(put_round("guangdong", "t-entries", dict(ROUNDS[self.R], completion="approved"))
                         .json()["completion"], "approved")


class C04cConsistency(ApiTest):
    """The model's consistency rules (逻辑校验): shown while filling in, an
    error blocks submission naming the rule and the questions, a warning is
    kept with the submission."""
    R = "t-consistency"

    @classmethod
    def setUpClass(cls):
        r = put_round("guangdong", cls.R, round_body(f"{YEAR}年逻辑校验测试周期"))
        assert r.status == 200, r

    def test_1_an_error_is_shown_with_the_draft_and_blocks_submission(self):
        # MES said to cover the shop floor, but not among the systems in use.
        bad = dict(COMPLETE, mes_coverage="D", systems_in_use=["erp", "crm"], erp_mes_integration="B")
        a = current(self.R)
        r = save(self.R, bad, a["version"] if a else 0)
        self.assertEqual(r.status, 200, r)
        rules = {c["id"]: c for c in r.json()["result"]["consistency"]}
        self.assertIn("mes_coverage_needs_mes", rules)
        self.assertEqual(rules["mes_coverage_needs_mes"]["severity"], "error")
        self.assertEqual(rules["mes_coverage_needs_mes"]["questions"], ["mes_coverage", "systems_in_use"])
        self.assertIn("MES", rules["mes_coverage_needs_mes"]["message"])
        r = submit(self.R)
        err = self.assertError(r, 422, "inconsistent_answers", "answers.mes_coverage")
        self.assertIn("mes_coverage_needs_mes", err["message"])
        self.assertIn("mes_coverage", err["message"])
        self.assertEqual(current(self.R)["status"], "draft")

    def test_2_a_warning_does_not_block_and_is_kept_with_the_submission(self):
        # A platform in use, but no networked equipment: odd, not impossible.
        warned = dict(COMPLETE, equipment_networking_rate=0)
        r = save(self.R, warned, current(self.R)["version"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual([c["severity"] for c in r.json()["result"]["consistency"]], ["warning"])
        r = submit(self.R)
        self.assertEqual(r.status, 200, r)
        entries = request("GET", qs("/api/v1/audit", object_type="assessment",
                                    object_id=f"{self.R}/{S.uscc}"), token("guangdong")).json()["items"]
        kept = [e for e in entries if e["action"] == "assessment.submit_warnings"]
        self.assertEqual(len(kept), 1, entries)
        self.assertEqual(kept[0]["after"], {"warnings": ["platform_without_networked_equipment"]})

    def test_3_the_what_if_score_says_so_too(self):
        r = request("POST", "/api/v1/models/gbt23020-2013/score", token("enterprise"),
                    body={"production_type": S.production_type,
                          "answers": dict(COMPLETE, service_mfg=False, service_revenue_share=20)})
        self.assertEqual(r.status, 200, r)
        self.assertIn("no_service_mfg_no_service_revenue", [c["id"] for c in r.json()["consistency"]])


class C05Progress(ApiTest):
    R = "t-open"

    @classmethod
    def setUpClass(cls):
        ensure_target()
        ensure_approved(cls.R)

    def test_province_view_with_target(self):
        p = progress_json("guangdong", self.R)
        self.assertEqual(p["round"], self.R)
        self.assertEqual(p["unit"], "440000")
        self.assertEqual(p["as_of"], TODAY.isoformat())
        self.assertEqual(p["total"]["unit_code"], "440000")
        gz = row_of(p, "440100")
        self.assertEqual(gz["participating"], 1)
        self.assertEqual(gz["completed"], 1)
        self.assertEqual(gz["target"], 3)
        self.assertEqual(gz["target_rule"], "min_completed:3")
        self.assertIs(gz["target_met"], False)
        self.assertAlmostEqual(gz["completion_rate"], 1 / 3, places=9)
        self.assertEqual(gz["gap"], 2)
        self.assertEqual(gz["rank"], 1)
        self.assertEqual(p["total"]["completed"], sum(r["completed"] for r in p["rows"]))
        self.assertEqual(p["total"]["participating"], sum(r["participating"] for r in p["rows"]))
        for key in ("unit_code", "unit_name", "participating", "completed", "target",
                    "target_met", "completion_rate"):
            self.assertIn(key, p["total"])
        # rows without a target
        fs = row_of(p, "440600")
        self.assertIsNone(fs["target"])
        self.assertIsNone(fs["target_met"])
        self.assertIsNone(fs["completion_rate"])

    def test_pace_by_as_of(self):
        start = progress_json("guangdong", self.R, as_of=OPEN["opens_on"])
        self.assertEqual(row_of(start, "440100")["expected_by_today"], 0)
        end = progress_json("guangdong", self.R, as_of=OPEN["deadline"])
        self.assertEqual(row_of(end, "440100")["expected_by_today"], 3)
        self.assertError(progress("guangdong", self.R, as_of="2026-02-30"), 422,
                         "invalid_parameter", "as_of")

    def test_unit_view_is_its_own_scope(self):
        p = progress_json("guangzhou", self.R)
        self.assertEqual(p["total"]["unit_code"], "440100")
        self.assertEqual(p["total"]["completed"], 1)
        self.assertEqual(p["total"]["target"], 3)
        for row in p["rows"]:
            self.assertTrue(row["unit_code"].startswith("4401"), row)
        self.assertEqual(progress_json("guangzhou", self.R, unit="440100")["total"]["unit_code"],
                         "440100")
        self.assertError(progress("guangzhou", self.R, unit="440300"), 404, "not_found")
        self.assertError(progress("guangzhou", self.R, unit="440000"), 404, "not_found")
        sz = progress_json("shenzhen", self.R)
        self.assertEqual(sz["total"]["unit_code"], "440300")
        self.assertEqual(sz["total"]["completed"], 0)
        self.assertError(progress("shenzhen", self.R, unit="440100"), 404, "not_found")

    def test_ministry_sees_the_province(self):
        p = progress_json("ministry", self.R)
        self.assertEqual(p["total"]["unit_code"], "440000")
        self.assertEqual(row_of(p, "440100")["completed"], 1)

    def test_enterprise_403(self):
        self.assertError(progress("enterprise", self.R), 403, "forbidden")

    def test_agency_403(self):
        self.assertError(progress("agency", self.R), 403, "forbidden")

    def test_association_sees_only_its_industries(self):
        # The demo association covers divisions 38 and 39 in 广东省: its table
        # counts only those enterprises (domain.md §2: aggregates of its
        # industries inside its region).
        industry = request("GET", "/api/v1/enterprises/" + S.uscc, token("enterprise")).json()["industry_code"]
        mine = 1 if industry in ("38", "39") else 0
        table = progress_json("association", self.R)
        self.assertEqual(table["total"]["unit_code"], "440000")
        self.assertEqual(row_of(table, "440100")["participating"], mine)
        province = progress_json("guangdong", self.R)
        self.assertLessEqual(table["total"]["participating"], province["total"]["participating"])

    def test_unknown_round_404(self):
        self.assertError(progress("guangdong", "t-nope"), 404, "not_found")

    def test_csv(self):
        r = progress("guangdong", self.R, format="csv")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.headers.get("Content-Type", "").startswith("text/csv"), r.headers)
        ascii_name, name = r.download_names()
        self.assertRegex(ascii_name, r"^progress-t-open-\d{4}-\d\d-\d\d\.csv$")
        self.assertRegex(name, r"^两化融合评估诊断和对标引导情况表（广东省，截至\d{4}年\d{1,2}月\d{1,2}日）\.csv$")
        self.assertTrue(r.body.startswith(b"\xef\xbb\xbf"), r.body[:20])
        text = r.body[3:].decode("utf-8")
        lines = text.split("\r\n")
        self.assertTrue(lines[0].startswith("属地,参与评估数,完成评估数"), lines[0])
        self.assertTrue(lines[1].startswith("全省,"), lines[1])
        gz = next(line for line in lines if line.startswith("广州"))
        self.assertEqual(gz.split(",")[1:7], ["1", "1", "3", "33.3%", "否", "1"], gz)

    def test_xlsx(self):
        r = progress("guangdong", self.R, format="xlsx")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.body.startswith(b"PK"), r.body[:10])
        self.assertIn("spreadsheetml", r.headers.get("Content-Type", ""))
        with zipfile.ZipFile(io.BytesIO(r.body)) as z:
            strings = z.read("xl/sharedStrings.xml").decode("utf-8")
        for s in ("属地", "参与评估数", "完成评估数", "全省"):
            self.assertIn(s, strings)
        # The title area as an official writes it: the day in Chinese, the
        # round by its name, not its code.
        as_of = progress_json("guangdong", self.R)["as_of"]
        y, m, d = (int(x) for x in as_of.split("-"))
        name = SERVER.request("GET", f"/api/v1/rounds/{self.R}", SERVER.token("guangdong")).json()["name"]
        self.assertIn(f"统计日期：{y}年{m}月{d}日；评估周期：{name}", strings)
        self.assertNotIn(self.R, strings)

    def test_other_format_422(self):
        for fmt in ("pdf", "CSV", "xml"):
            with self.subTest(fmt):
                self.assertError(progress("guangdong", self.R, format=fmt), 422,
                                 "invalid_parameter", "format")

    def test_noreview_submission_is_completed(self):
        R = "t-noreview"
        before = progress_json("guangdong", R)
        a = current(R)
        if a is None or a["status"] != "submitted":
            r = save(R, COMPLETE, a["version"] if a else 0)
            self.assertEqual(r.status, 200, r)
            mid = progress_json("guangdong", R)
            if a is None:
                self.assertEqual(row_of(mid, "440100")["participating"],
                                 row_of(before, "440100")["participating"] + 1)
            self.assertEqual(row_of(mid, "440100")["completed"],
                             row_of(before, "440100")["completed"])
            r = submit(R)
            self.assertEqual(r.status, 200, r)
            after = progress_json("guangdong", R)
            self.assertEqual(row_of(after, "440100")["completed"],
                             row_of(before, "440100")["completed"] + 1)
            self.assertEqual(after["total"]["completed"], before["total"]["completed"] + 1)
        after = progress_json("guangdong", R)
        self.assertEqual(row_of(after, "440100")["completed"], 1)
        self.assertEqual(row_of(after, "440100")["participating"], 1)
        self.assertEqual(current(R)["status"], "submitted")


# --------------------------------------------------------------------------
# Close date and the province's override

class C06CloseDate(ApiTest):
    def test_closed_round_refuses_saving(self):
        r = save("t-closed", COMPLETE, 0)
        err = self.assertError(r, 422, "round_closed")
        self.assertIn(CLOSED["closes_on"], err["message"])
        self.assertUnchanged(None, "t-closed")

    def test_closed_round_refuses_submitting(self):
        err = self.assertError(submit("t-closed"), 422, "round_closed")
        self.assertIn(CLOSED["closes_on"], err["message"])
        self.assertUnchanged(None, "t-closed")

    def test_override_not_for_unit_admin(self):
        r = submit("t-closed", "guangzhou", body={"override": True})
        self.assertIn(r.status, (403, 422), r)
        self.assertError(r, r.status)
        self.assertError(submit("t-closed", "guangdong", body={"override": True}), 404,
                         "not_found")
        self.assertUnchanged(None, "t-closed")

    def test_not_yet_open_round(self):
        body = round_body("未开始的周期", year=YEAR + 1,
                          dates={"opens_on": f"{YEAR + 1}-01-01", "closes_on": f"{YEAR + 1}-06-30",
                                 "deadline": f"{YEAR + 1}-06-30"})
        self.assertEqual(put_round("guangdong", "t-future", body).status, 200)
        err = self.assertError(save("t-future", COMPLETE, 0), 422, "round_not_open")
        self.assertIn(f"{YEAR + 1}-01-01", err["message"])
        self.assertUnchanged(None, "t-future")

    def test_province_override_after_close(self):
        R = "t-late"
        body = round_body("截止后特批测试周期")
        self.assertEqual(put_round("guangdong", R, body).status, 200)
        if current(R) is None:
            r = save(R, COMPLETE, 0)
            self.assertEqual(r.status, 200, r)
        # the round closes (the province moves its dates)
        closed = dict(body, year=2020, **CLOSED)
        self.assertEqual(put_round("guangdong", R, closed).status, 200)
        before = current(R)
        self.assertEqual(before["status"], "draft")
        self.assertError(save(R, COMPLETE, before["version"]), 422, "round_closed")
        self.assertError(submit(R), 422, "round_closed")
        self.assertError(submit(R, body={"override": True}), 422, "round_closed")
        r = submit(R, "guangzhou", body={"override": True})
        self.assertIn(r.status, (403, 422), r)
        self.assertError(submit(R, "guangdong"), 403, "forbidden")
        self.assertError(submit(R, "shenzhen", body={"override": True}), 404, "not_found")
        self.assertUnchanged(before, R)
        r = submit(R, "guangdong", body={"override": True})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["status"], "submitted")
        self.assertRegex(r.json()["model_hash"] or "", r"^[0-9a-f]{64}$")
        last = current(R)["history"][-1]
        self.assertEqual((last["from"], last["to"], last["actor"]),
                         ("draft", "submitted", "guangdong"))
        self.assertTrue(last["reason"], last)
        # and the unit admin can still review it
        r = review(R, "guangzhou", "approve")
        self.assertEqual(r.status, 200, r)


    def test_no_override_while_open(self):
        # The override is for submissions after the close date (its audit
        # reason says 截止后特批). While the round is open only the enterprise
        # (or a granted agency) submits, so the province's override is refused.
        R = "t-override-open"
        self.assertEqual(put_round("guangdong", R, round_body("特批误用测试周期")).status, 200)
        if current(R) is None:
            self.assertEqual(save(R, COMPLETE, 0).status, 200)
        before = current(R)
        self.assertEqual(before["status"], "draft")
        self.assertError(submit(R, "guangdong", body={"override": True}), 403, "forbidden")
        self.assertUnchanged(before, R)

    def test_round_not_yet_open_refuses_submitting(self):
        # A draft saved while open; the province then moves the round to next
        # year. Saving is refused (round_not_open), and so must submitting be.
        R = "t-early"
        body = round_body("提前关闭测试周期")
        self.assertEqual(put_round("guangdong", R, body).status, 200)
        if current(R) is None:
            self.assertEqual(save(R, COMPLETE, 0).status, 200)
        later = dict(body, year=YEAR + 1, opens_on=f"{YEAR + 1}-01-01",
                     closes_on=f"{YEAR + 1}-06-30", deadline=f"{YEAR + 1}-06-30")
        self.assertEqual(put_round("guangdong", R, later).status, 200)
        before = current(R)
        self.assertEqual(before["status"], "draft")
        self.assertError(save(R, COMPLETE, before["version"]), 422, "round_not_open")
        self.assertError(submit(R), 422, "round_not_open")
        self.assertUnchanged(before, R)


# --------------------------------------------------------------------------
# Scope of lists and reads

class C07Scope(ApiTest):
    R = "t-open"

    @classmethod
    def setUpClass(cls):
        if current(cls.R) is None:
            ensure_submitted(cls.R)

    def test_unit_list_only_its_unit(self):
        r = list_assessments("guangzhou", self.R)
        self.assertEqual(r.status, 200, r)
        items = r.json()["items"]
        self.assertIn(S.uscc, [i["uscc"] for i in items])
        for i in items:
            self.assertEqual(i["unit_code"], "440100", i)
        r = list_assessments("guangzhou", self.R, unit="440300")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["items"], [])

    def test_other_unit_sees_nothing(self):
        self.assertNotIn(S.uscc, [i["uscc"] for i in
                                  list_assessments("shenzhen", self.R).json()["items"]])
        self.assertError(get_assessment(self.R, "shenzhen"), 404, "not_found")
        self.assertError(get_assessment(self.R, "foshan"), 404, "not_found")
        self.assertError(get_assessment(self.R, "agency"), 404, "not_found")
        self.assertEqual(get_assessment(self.R, "guangzhou").status, 200)
        self.assertEqual(get_assessment(self.R, "guangdong").status, 200)
        self.assertEqual(get_assessment(self.R, "ministry").status, 200)

    def test_province_filter_by_unit(self):
        items = list_assessments("guangdong", self.R, unit="440300").json()["items"]
        self.assertNotIn(S.uscc, [i["uscc"] for i in items])
        items = list_assessments("guangdong", self.R, unit="440100").json()["items"]
        self.assertIn(S.uscc, [i["uscc"] for i in items])

    def test_admins_cannot_fill_in(self):
        before = current(self.R)
        for user, status in (("guangzhou", 403), ("guangdong", 403), ("shenzhen", 404),
                             ("agency", 404)):
            with self.subTest(user):
                r = save(self.R, COMPLETE, before["version"], user=user)
                self.assertError(r, status)
        self.assertUnchanged(before, self.R)

    def test_association_progress_outside_its_region_404(self):
        self.assertError(progress("association", self.R, unit="110000"), 404, "not_found")

    def test_enterprise_other_uscc_404(self):
        other = next(i["uscc"] for i in request(
            "GET", "/api/v1/enterprises?unit=440100&per_page=5", token("guangzhou")).json()["items"]
            if i["uscc"] != S.uscc)
        self.assertError(get_assessment(self.R, "enterprise", uscc=other), 404, "not_found")
        self.assertError(save(self.R, COMPLETE, 0, uscc=other), 404, "not_found")
        self.assertError(get_assessment(self.R, "guangzhou", uscc=other), 404, "not_found")

    def test_unknown_round_404(self):
        self.assertError(get_assessment("t-nope"), 404, "not_found")
        self.assertError(save("t-nope", COMPLETE, 0), 404, "not_found")


# --------------------------------------------------------------------------
# Concurrent first saves: the insert path

class C08FirstSaveRace(ApiTest):
    def test_concurrent_first_saves_one_wins(self):
        for attempt in range(5):
            code = f"t-ins-{attempt}"
            self.assertEqual(put_round("guangdong", code, round_body(f"并发创建测试{attempt}")).status,
                             200)
            out = race(lambda i: save(code, dict(INCOMPLETE, service_mfg=(i == 0)), 0))
            self.assertEqual(statuses(out), [200, 409], f"attempt {attempt}: {out}")
            self.assertError(next(r for r in out if r.status == 409), 409, "stale_version")
            a = current(code)
            self.assertEqual(a["version"], 1)
            self.assertEqual(len(a["history"]), 1, a["history"])
            p = progress_json("guangdong", code)
            self.assertEqual(row_of(p, "440100")["participating"], 1)


# --------------------------------------------------------------------------
# 佛山 and 顺德 (carved out of 佛山, reporting to the province) count once each

class C09FoshanShunde(ApiTest):
    R = "t-noreview"

    @classmethod
    def setUpClass(cls):
        cls.uscc = {}
        for unit, admin in (("440600", "foshan"), ("440606", "shunde")):
            r = request("GET", "/api/v1/enterprises?per_page=20", token(admin))
            if r.status != 200:
                raise AssertionError(f"list as {admin} failed: {r!r}")
            e = next(i for i in r.json()["items"] if i["unit_code"] == unit)
            cls.uscc[unit] = e["uscc"]
            user = "ent-" + admin
            if user not in S.tokens:
                user_add(user, "enterprise", e["uscc"])

    def test_counts_and_scopes(self):
        before = progress_json("guangdong", self.R)
        for unit, admin in (("440600", "foshan"), ("440606", "shunde")):
            user, uscc = "ent-" + admin, self.uscc[unit]
            a = get_assessment(self.R, user, uscc)
            if a.status == 404:
                r = save(self.R, COMPLETE, 0, user=user, uscc=uscc)
                self.assertEqual(r.status, 200, r)
                r = submit(self.R, user, uscc=uscc)
                self.assertEqual(r.status, 200, r)
        after = progress_json("guangdong", self.R)
        for unit in ("440600", "440606"):
            self.assertEqual(row_of(after, unit)["completed"], 1, unit)
            self.assertEqual(row_of(after, unit)["participating"], 1, unit)
        if row_of(before, "440600")["completed"] == 0:
            self.assertEqual(after["total"]["completed"], before["total"]["completed"] + 2)
        self.assertEqual(after["total"]["completed"], sum(r["completed"] for r in after["rows"]))
        fs = progress_json("foshan", self.R)
        self.assertEqual((fs["total"]["unit_code"], fs["total"]["completed"]), ("440600", 1))
        sd = progress_json("shunde", self.R)
        self.assertEqual((sd["total"]["unit_code"], sd["total"]["completed"]), ("440606", 1))
        self.assertError(progress("foshan", self.R, unit="440606"), 404, "not_found")

        listed = [i["uscc"] for i in list_assessments("foshan", self.R).json()["items"]]
        self.assertEqual(listed, [self.uscc["440600"]])
        listed = [i["uscc"] for i in list_assessments("shunde", self.R).json()["items"]]
        self.assertEqual(listed, [self.uscc["440606"]])
        listed = [i["uscc"] for i in
                  list_assessments("guangdong", self.R, unit="440600").json()["items"]]
        self.assertEqual(listed, [self.uscc["440600"]])
        self.assertError(get_assessment(self.R, "foshan", self.uscc["440606"]), 404, "not_found")
        self.assertError(get_assessment(self.R, "shunde", self.uscc["440600"]), 404, "not_found")
        self.assertError(review(self.R, "foshan", "approve", uscc=self.uscc["440606"]), 404,
                         "not_found")
        # an enterprise cannot touch another enterprise's assessment
        self.assertError(get_assessment(self.R, "ent-foshan", self.uscc["440606"]), 404)
        self.assertError(submit(self.R, "ent-foshan", uscc=self.uscc["440606"]), 404)


class C09Grants(ApiTest):
    """An enterprise lets a service agency fill in (and optionally submit)."""

    def grants_path(self, agency=None):
        base = f"/api/v1/enterprises/{S.uscc}/grants"
        return base + ("/" + agency if agency else "")

    def test_agency_fills_in_only_with_a_grant_and_submits_only_when_allowed(self):
        R = "t-agency"
        self.assertEqual(put_round("guangdong", R, round_body("服务机构测试周期")).status, 200)
        ag = token("agency")
        # No grant: the enterprise is invisible to the agency.
        self.assertError(save(R, INCOMPLETE, 0, user="agency"), 404, "not_found")
        # Only the enterprise itself grants.
        self.assertError(request("PUT", self.grants_path("agency"), token("guangzhou"),
                                 body={"can_submit": False}), 403, "forbidden")
        self.assertError(request("PUT", self.grants_path("agency"), token("shenzhen"),
                                 body={"can_submit": False}), 404, "not_found")
        self.assertError(request("PUT", self.grants_path("guangzhou"), token("enterprise"),
                                 body={}), 422, "unknown_agency")
        r = request("PUT", self.grants_path("agency"), token("enterprise"), body={"can_submit": False})
        self.assertEqual(r.status, 200, r)
        listed = request("GET", self.grants_path(), token("guangzhou")).json()["items"]
        self.assertEqual([(g["agency"], g["can_submit"]) for g in listed], [("agency", False)])
        # Fill in: allowed. Submit: refused without can_submit.
        cur = current(R)
        r = save(R, COMPLETE, cur["version"] if cur else 0, user="agency")
        self.assertEqual(r.status, 200, r)
        self.assertError(submit(R, "agency"), 403, "forbidden")
        self.assertEqual(current(R)["status"], "draft")
        # The agency lists only granted enterprises.
        items = request("GET", "/api/v1/enterprises?per_page=500", ag).json()
        self.assertEqual([i["uscc"] for i in items["items"]], [S.uscc])
        # With can_submit the agency submits.
        self.assertEqual(request("PUT", self.grants_path("agency"), token("enterprise"),
                                 body={"can_submit": True}).status, 200)
        r = submit(R, "agency")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["status"], "submitted")
        # Revoked: invisible again.
        self.assertEqual(request("DELETE", self.grants_path("agency"), token("enterprise")).status, 200)
        self.assertError(request("DELETE", self.grants_path("agency"), token("enterprise")), 404)
        self.assertError(get_assessment(R, user="agency"), 404, "not_found")


class C09bPledge(ApiTest):
    """A round may ask for a 真实性承诺: no submission without it, and the
    confirmation (text, who, when) is kept with the submission and shown to
    the reviewer."""

    def test_a_submission_needs_the_rounds_pledge_and_keeps_it(self):
        R = "t-pledge"
        text = "本企业承诺：所填报的信息和数据真实、准确、完整。\n如有虚假，愿承担相应责任。"
        # The text is checked like any field: line breaks, nothing else invisible.
        self.assertError(put_round("guangdong", R, round_body("承诺测试周期", pledge="承诺\u202e")), 422,
                         "invalid_field", "pledge")
        self.assertError(put_round("guangdong", R, round_body("承诺测试周期", pledge=["承诺"])), 422,
                         "wrong_type", "pledge")
        self.assertEqual(put_round("guangdong", R, round_body("承诺测试周期", pledge=text)).status, 200)
        self.assertEqual(get_round(R).json()["pledge"], text)
        cur = current(R)
        self.assertEqual(save(R, COMPLETE, cur["version"] if cur else 0).status, 200)
        # Without the confirmation: refused, nothing changed.
        self.assertError(submit(R), 422, "pledge_required", "pledge")
        self.assertError(submit(R, body={"pledge": False}), 422, "pledge_required", "pledge")
        self.assertError(submit(R, body={"pledge": "yes"}), 422, "wrong_type", "pledge")
        self.assertEqual(current(R)["status"], "draft")
        self.assertNotIn("pledge", current(R))
        r = submit(R, body={"pledge": True})
        self.assertEqual(r.status, 200, r)
        kept = r.json()["pledge"]
        self.assertEqual((kept["text"], kept["username"], kept["at"]), (text, "enterprise", r.json()["submitted_at"]))
        # The reviewer reads it with the submission.
        seen = get_assessment(R, user="guangzhou").json()
        self.assertEqual(seen["pledge"], kept)
        # And the diagnosis (whose report prints it) carries it.
        d = request("GET", apath(R).replace("/assessment", "/diagnosis"), token("enterprise"))
        self.assertEqual(d.status, 200, d)
        self.assertEqual(d.json()["pledge"], kept)
        # A round asking none: submissions carry none.
        self.assertEqual(put_round("guangdong", R, round_body("承诺测试周期")).status, 200)
        self.assertEqual(get_round(R).json()["pledge"], "")


class C10KeptDiagnosis(ApiTest):
    """The server keeps finished diagnoses by what they are made of: a draft
    saved again (same status, other answers) is a new version of the
    assessment, and the next diagnosis scores its answers."""
    R = "t-diagnosis"

    def test_a_draft_saved_again_is_diagnosed_anew(self):
        r = put_round("guangdong", self.R, round_body(f"{YEAR}年诊断测试周期"))
        self.assertIn(r.status, (200, 201), r)
        version, totals, bodies = 0, [], []
        for answers in (INCOMPLETE, COMPLETE, INCOMPLETE):
            r = save(self.R, answers, version)
            self.assertEqual(r.status, 200, r)
            version = r.json()["version"]
            for _ in range(2):  # made, then kept
                d = request("GET", f"/api/v1/rounds/{self.R}/enterprises/{S.uscc}/diagnosis", token("enterprise"))
                self.assertEqual(d.status, 200, d)
                bodies.append(d.body)
            self.assertEqual(bodies[-1], bodies[-2])
            self.assertEqual(d.json()["status"], "draft")
            totals.append((d.json()["total"], d.json()["missing"]))
        self.assertNotEqual(totals[1], totals[0])
        self.assertEqual(totals[1][1], [])
        self.assertEqual(totals[2], totals[0])
        # Another server's save, not yet in this server's change feed: shown
        # at once, as the assessment is read afresh for every diagnosis.
        SERVER.sql("UPDATE assessments SET answers_json = ?, version = version + 1 WHERE round_code = ? "
                   "AND uscc = ?", json.dumps(COMPLETE), self.R, S.uscc)
        d = request("GET", f"/api/v1/rounds/{self.R}/enterprises/{S.uscc}/diagnosis", token("enterprise")).json()
        self.assertEqual((d["total"], d["missing"]), totals[1])


class C11KeptProgress(ApiTest):
    """The server keeps finished progress tables by what they are made of:
    asked again, the same bytes; after a target is set, the round's counting
    rule changes or an assessment is submitted, the next table shows it."""
    R = "t-kept-progress"

    def table(self):
        first = progress("guangdong", self.R)
        self.assertEqual(first.status, 200, first)
        self.assertEqual(progress("guangdong", self.R).body, first.body)  # kept
        return first.json()

    def test_each_change_shows_in_the_next_table(self):
        body = round_body(f"{YEAR}年进度测试周期", completion="submitted")
        self.assertIn(put_round("guangdong", self.R, body).status, (200, 201))
        before = self.table()
        self.assertIsNone(row_of(before, "440100")["target_rule"])
        for rule in ("min_completed:3", "min_completed:4"):
            r = request("PUT", f"/api/v1/rounds/{self.R}/targets/440100", token("guangdong"), body={"rule": rule})
            self.assertEqual(r.status, 200, r)
            self.assertEqual(row_of(self.table(), "440100")["target_rule"], rule)
        self.assertEqual(put_round("guangdong", self.R, dict(body, completion="approved")).status, 200)
        self.assertNotEqual(self.table()["counting_note"], before["counting_note"])
        self.assertEqual(put_round("guangdong", self.R, body).status, 200)
        self.assertEqual(self.table()["counting_note"], before["counting_note"])
        r = save(self.R, COMPLETE, 0)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(submit(self.R).status, 200)
        after = row_of(self.table(), "440100")
        self.assertEqual((after["participating"], after["completed"]),
                         (row_of(before, "440100")["participating"] + 1, row_of(before, "440100")["completed"] + 1))


if __name__ == "__main__":
    unittest.main()
