#!/usr/bin/env python3
"""Two app servers on one database, as a province runs them behind a load
balancer: a session made on one is good on the other; what one accepts the
other shows in its progress table and data map within a second; and when one
dies by SIGKILL in the middle of a burst of submissions, every submission it
acknowledged is in the database and the other keeps serving.

Runs on SQLite (two processes on one file) and, with RONGPING_API_PG, on
PostgreSQL (scripts/test runs both). Standard library only.

    python3 tests/api/test_two_servers.py -v
"""
import http.client
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import PASSWORD, Server, make_uscc, qs, within  # noqa: E402
from test_campaign import OPEN, answers  # noqa: E402

A = Server(str_body_type="application/json")
B = Server(str_body_type="application/json")
ROUND = "t-two"
UNIT = "440300"  # 深圳


def setUpModule():
    A.start(setup=_open_round)
    B.start(sharing=A)


def tearDownModule():
    try:
        B.stop()
    finally:
        A.kill()


def _open_round():
    body = {"name": "两台服务器测试评估周期", "year": int(OPEN["opens_on"][:4]), "province_code": "440000",
            "models": ["gbt23020-2013"], "review_required": False, **OPEN}
    r = A.request("PUT", "/api/v1/rounds/" + ROUND, A.token("guangdong"), body=body)
    if r.status != 200:
        raise RuntimeError(f"PUT round failed: {r!r}")


_made = [0]


def new_enterprises(n):
    """n enterprises of 深圳, each with its own login and saved, complete
    answers in ROUND; returns [(uscc, username)]."""
    out = []
    for _ in range(n):
        _made[0] += 1
        uscc = make_uscc(UNIT)
        body = {"uscc": uscc, "name": f"双机测试电子有限公司{_made[0]}号", "unit_code": UNIT, "industry_code": "39",
                "production_type": "discrete_mass", "employees": 120, "revenue_10k_yuan": 8000, "ownership": "private"}
        r = A.request("POST", "/api/v1/enterprises", A.token("guangdong"), body=body)
        if r.status != 201:
            raise AssertionError(f"create enterprise failed: {r!r}")
        user = f"two{_made[0]}"
        A.user_add(user, "enterprise", uscc)
        r = A.request("PUT", path(uscc), A.token(user), body={"answers": answers(_made[0]), "version": 0})
        if r.status != 200:
            raise AssertionError(f"save failed: {r!r}")
        out.append((uscc, user))
    return out


def path(uscc):
    return f"/api/v1/rounds/{ROUND}/enterprises/{uscc}/assessment"


def completed(server):
    """深圳's completed count in the round's progress table, as the province sees it."""
    r = server.request("GET", qs(f"/api/v1/rounds/{ROUND}/progress"), server.token("guangdong"))
    assert r.status == 200, r
    return next(row["completed"] for row in r.json()["rows"] if row["unit_code"] == UNIT)


def mapped(server):
    """The number of completed results the data map counts over the province."""
    r = server.request("GET", qs(f"/api/v1/rounds/{ROUND}/datamap", by="unit"), server.token("guangdong"))
    if r.status == 404:  # no completed result in the round yet
        return 0
    assert r.status == 200, r
    return r.json()["total"]["n"] or 0


class TwoServersTest(unittest.TestCase):
    def test_1_a_session_made_on_one_is_good_on_the_other(self):
        r = A.login("shenzhen")
        self.assertEqual(r.status, 200, r)
        token = r.json()["token"]
        r = B.request("GET", "/api/v1/session", token)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["user"]["username"], "shenzhen")
        # Logging out on B ends the session on A too.
        self.assertEqual(B.request("DELETE", "/api/v1/session", token).status, 200)
        self.assertEqual(A.request("GET", "/api/v1/session", token).status, 401)

    def test_2_a_submission_on_one_shows_on_the_other_within_a_second(self):
        # Five, so that the data map (which withholds fewer than k = 5) shows them.
        people = new_enterprises(5)
        progress_before, map_before = completed(B), mapped(B)
        self.assertEqual(map_before, 0)
        for uscc, user in people:
            r = A.request("POST", path(uscc) + "/submit", A.token(user))
            self.assertEqual(r.status, 200, r)
        took = within(1.0, lambda: completed(B) == progress_before + 5)
        self.assertIsNotNone(took, "B's progress table did not count A's submissions within 1 s")
        took = within(1.0, lambda: mapped(B) == 5)
        self.assertIsNotNone(took, "B's data map did not count A's submissions within 1 s")

    def test_2b_an_ended_session_or_a_changed_account_is_refused_on_the_other_at_once(self):
        # A diagnosis reads its session in its own read, which a server takes
        # from memory while no session or account changed on any server.
        [(uscc, user)] = new_enterprises(1)
        self.assertEqual(A.request("POST", path(uscc) + "/submit", A.token(user)).status, 200)
        diagnosis = f"/api/v1/rounds/{ROUND}/enterprises/{uscc}/diagnosis"

        def kept_on_a():
            token = A.login(user).json()["token"]
            for _ in range(2):
                r = A.request("GET", diagnosis, token)
                self.assertEqual(r.status, 200, r)
            return token

        token = kept_on_a()
        self.assertEqual(B.request("DELETE", "/api/v1/session", token).status, 200)
        self.assertEqual(A.request("GET", diagnosis, token).status, 401, "logged out on B")

        token, other = kept_on_a(), A.login(user).json()["token"]
        r = B.request("PUT", "/api/v1/session/password", other,
                      body={"current_password": PASSWORD, "new_password": "Changed2016x"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(A.request("GET", diagnosis, token).status, 401, "password changed on B")
        self.assertEqual(A.request("GET", diagnosis, other).status, 200, "the session that changed it goes on")

        token = A.login(user, "Changed2016x").json()["token"]
        self.assertEqual(A.request("GET", diagnosis, token).status, 200)
        [[user_id]] = A.sql("SELECT id FROM users WHERE username = ?", user)
        r = B.request("PATCH", f"/api/v1/users/{user_id}", B.token("guangdong"), body={"disabled": True})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(A.request("GET", diagnosis, token).status, 401, "disabled on B")
        self.assertEqual(A.request("GET", diagnosis, other).status, 401, "disabled on B")

    def test_3_killing_one_in_a_burst_loses_nothing_it_acknowledged(self):
        people = new_enterprises(40)
        acknowledged, lock = [], threading.Lock()
        start = threading.Barrier(len(people) + 1)
        killed = threading.Event()

        def submit(uscc, user, token):
            start.wait()
            r = A.request("POST", path(uscc) + "/submit", token)
            if r.status == 200:
                with lock:
                    acknowledged.append(uscc)
                    # A dies the moment its first acknowledgement arrives, while
                    # the rest of the burst is in flight: polling for it from
                    # the main thread lets a fast server finish all forty first.
                    if not killed.is_set():
                        A.proc.kill()
                        killed.set()

        tokens = [A.token(user) for _, user in people]
        threads = []
        for (uscc, user), token in zip(people, tokens):
            t = threading.Thread(target=lambda u=uscc, n=user, k=token: _quietly(submit, u, n, k), daemon=True)
            t.start()
            threads.append(t)
        start.wait()
        if not killed.wait(10):
            A.proc.kill()
        A.proc.wait(10)
        for t in threads:
            t.join(30)
        self.assertGreater(len(acknowledged), 0, "no submission was acknowledged before the kill")
        self.assertLess(len(acknowledged), len(people), "the burst ended before the kill: nothing was tested")
        # Every acknowledged submission is in the database, and B says so.
        for uscc in acknowledged:
            status = A.sql("SELECT status FROM assessments WHERE round_code = ? AND uscc = ?", ROUND, uscc)
            self.assertEqual(status, [("submitted",)], uscc)
        for uscc, user in people:
            r = B.request("GET", path(uscc), B.token(user))
            self.assertEqual(r.status, 200, r)
            self.assertIn(r.json()["status"], ("draft", "submitted"))  # never anything half-made
            if uscc in acknowledged:
                self.assertEqual(r.json()["status"], "submitted", uscc)
        # B keeps serving, its figures include them within a second (B
        # follows the change feed in the background, as test_2 shows).
        self.assertEqual(B.request("GET", "/healthz").status, 200)
        submitted = A.sql("SELECT COUNT(*) FROM assessments WHERE round_code = ? AND unit_code = ? AND "
                          "status = 'submitted'", ROUND, UNIT)[0][0]
        took = within(1.0, lambda: completed(B) == submitted)
        self.assertIsNotNone(took, f"B's progress table did not count {submitted} submissions within 1 s: "
                                   f"{completed(B)}")


def _quietly(fn, *args):
    """Runs fn; a connection refused or reset by the killed server is an
    unacknowledged submission, not a test error."""
    try:
        fn(*args)
    except (OSError, http.client.HTTPException):
        pass


if __name__ == "__main__":
    unittest.main()
