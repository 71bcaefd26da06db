#!/usr/bin/env python3
"""Durable submissions per second with 64 concurrent clients, on SQLite and
on PostgreSQL, in one invocation (docs/PERFORMANCE.md).

Each client is an enterprise of its own, logged in, with complete answers
saved in an open round that needs review; it submits (the server validates
and scores the answers and records the submission, its event and the change
feed in one transaction, and answers only after the commit), withdraws, and
submits again, for the whole run, on one kept-alive connection. Counted:
submissions the server acknowledged with 200. SQLite runs WAL with
synchronous=NORMAL (a commit survives the process being killed, not a power
cut); PostgreSQL runs with fsync and synchronous_commit on (a commit
survives a power cut).

    python3 bench/submissions.py [--clients 64] [--seconds 20]

Run after scripts/build. Needs psql and PostgreSQL's server binaries
(scripts/install-deps installs them).
"""
import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "api"))
from harness import Server, free_port, make_uscc  # noqa: E402
from test_campaign import OPEN, answers  # noqa: E402

ROUND = "bench"


def prepare(server, clients):
    """The round, and one enterprise per client with a login and saved answers."""
    gd = server.token("guangdong")
    r = server.request("PUT", "/api/v1/rounds/" + ROUND, gd,
                       body={"name": "基准评估周期", "year": int(OPEN["opens_on"][:4]), "province_code": "440000",
                             "models": ["gbt23020-2013"], "review_required": True, **OPEN})
    assert r.status == 200, r
    people = []
    for i in range(clients):
        uscc = make_uscc("440300")
        r = server.request("POST", "/api/v1/enterprises", gd,
                           body={"uscc": uscc, "name": f"基准测试制造有限公司{i}号", "unit_code": "440300",
                                 "industry_code": "39", "production_type": "discrete_mass", "employees": 200,
                                 "revenue_10k_yuan": 9000, "ownership": "private"})
        assert r.status == 201, r
        user = f"bench{i}"
        server.user_add(user, "enterprise", uscc)
        path = f"/api/v1/rounds/{ROUND}/enterprises/{uscc}/assessment"
        r = server.request("PUT", path, server.token(user), body={"answers": answers(i), "version": 0})
        assert r.status == 200, r
        people.append((path, server.token(user)))
    return people


def load(server, people, seconds):
    """Every client submits and withdraws in turn; the acknowledged
    submissions and their latencies."""
    latencies, errors, lock = [], [0], threading.Lock()
    stop = time.monotonic() + seconds

    def client(path, token):
        # One kept-alive connection per client, as a browser keeps one to nginx
        # (a new connection per request would make accepting them the server's
        # work); opened again if the server closed it.
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        headers = {"Authorization": "Bearer " + token}

        def post(target):
            for attempt in (1, 2):
                try:
                    conn.request("POST", target, headers=headers)
                    r = conn.getresponse()
                    r.read()
                    return r.status
                except (ConnectionError, http.client.HTTPException):
                    conn.close()
                    if attempt == 2:
                        raise
            return None

        mine = []
        while time.monotonic() < stop:
            started = time.monotonic()
            if post(path + "/submit") == 200:
                mine.append(time.monotonic() - started)
            else:
                with lock:
                    errors[0] += 1
            post(path + "/withdraw")
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=p) for p in people]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, time.monotonic() - started, errors[0]


def write_counters(metrics_port):
    """(transactions, writes) of assessments so far, from the server's /metrics."""
    text = urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10).read().decode()
    values = dict(re.findall(r"^(rongping_write_(?:groups|jobs)_total) (\d+)$", text, re.M))
    return int(values["rongping_write_groups_total"]), int(values["rongping_write_jobs_total"])


def run(name, pg, clients, seconds):
    """The load on a server whose database is a SQLite file (pg "") or on `pg`."""
    metrics_port = free_port()
    server = Server(str_body_type="application/json", pg=pg,
                    serve_args=["--workers", "8", "--metrics-listen", f"127.0.0.1:{metrics_port}"])
    server.start("default")
    try:
        people = prepare(server, clients)
        groups_before, jobs_before = write_counters(metrics_port)
        latencies, took, errors = load(server, people, seconds)
        groups, jobs = write_counters(metrics_port)
    finally:
        server.stop()
    groups -= groups_before
    jobs -= jobs_before
    latencies.sort()
    rate = len(latencies) / took
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(0.99 * (len(latencies) - 1))] * 1000
    print(f"{name:<11} {len(latencies):>7} submissions in {took:5.1f} s = {rate:7.1f}/s  "
          f"p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  errors {errors}; "
          f"{jobs} writes in {groups} transactions ({jobs / max(groups, 1):.1f} per transaction)", flush=True)
    return rate


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=64)
    ap.add_argument("--seconds", type=float, default=20)
    args = ap.parse_args()
    print(f"{args.clients} clients, {args.seconds:g} s each, server with 8 workers", flush=True)
    sqlite = run("SQLite", "", args.clients, args.seconds)
    cluster = os.path.join(REPO, "scripts", "pg-cluster")
    pgdir = tempfile.mkdtemp(prefix="rongping-bench-pg-")
    url = subprocess.run([cluster, "start", pgdir], env=dict(os.environ, RONGPING_PG_FSYNC="on"), check=True,
                         capture_output=True, text=True).stdout.strip()
    try:
        pg = run("PostgreSQL", url, args.clients, args.seconds)
        # The same with every statement parsed and planned at each run, as
        # behind a pooler in transaction mode (docs/deploy.md).
        unprepared = run("PG unprep.", url + ("&" if "?" in url else "?") + "prepared_statements=off",
                         args.clients, args.seconds)
    finally:
        subprocess.run([cluster, "stop", pgdir])
    print(f"PostgreSQL / SQLite: {pg / sqlite:.2f}; PostgreSQL prepared / unprepared: {pg / unprepared:.2f}")


if __name__ == "__main__":
    main()
