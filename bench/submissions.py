#!/usr/bin/env python3
"""Durable submissions per second with 64 concurrent clients, on SQLite and
on PostgreSQL, in one invocation (docs/PERFORMANCE.md).

Enterprises of their own, logged in, with complete answers saved in an open
round that needs review, are submitted (the server validates and scores the
answers and records the submission, its event and the change feed in one
transaction, and answers only after the commit), withdrawn, and submitted
again, for the whole run, by 64 kept-alive connections. Counted: submissions
the server acknowledged with 200. SQLite runs WAL with synchronous=NORMAL (a
commit survives the process being killed, not a power cut); PostgreSQL runs
with fsync and synchronous_commit on (a commit survives a power cut).

The load comes from wrk (`--generator wrk`, the default: a Lua script, 2
threads, each connection taking the next of 4 enterprises per connection in
turn, so that an enterprise's submission has been answered before its
withdrawal is sent; one that was not is refused and counted as refused), or
from 64 Python threads, each one enterprise on one connection
(`--generator python`: the figures recorded before 2026-12-07 night; the
clients take much of the two cores).

    python3 bench/submissions.py [--clients 64] [--seconds 20] [--generator wrk|python] [--workers 8]

Run after scripts/build. Needs wrk, psql and PostgreSQL's server binaries
(scripts/install-deps installs them).
"""
import argparse
import http.client
import json
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


# wrk's script: each thread takes every second enterprise; each request is
# the next enterprise's next step (submit, then withdraw on the next pass).
WRK_SCRIPT = """
local threads, count = {}, 0
function setup(thread)
  thread:set("first", count)
  count = count + 1
  table.insert(threads, thread)
end
function init(args)
  mine, k, submitted, withdrawn, refused = {}, 0, 0, 0, 0
  for i = first + 1, #people, 2 do mine[#mine + 1] = people[i] end
end
function request()
  local p = mine[(k % #mine) + 1]
  local step = (math.floor(k / #mine) % 2 == 0) and "/submit" or "/withdraw"
  k = k + 1
  return wrk.format("POST", p[1] .. step, {["Authorization"] = "Bearer " .. p[2], ["Content-Length"] = "0"})
end
function response(status, headers, body)
  if status ~= 200 then refused = refused + 1
  elseif body:find('"status":"submitted"', 1, true) then submitted = submitted + 1
  else withdrawn = withdrawn + 1 end
end
function done(summary, latency, requests)
  local s, w, r = 0, 0, 0
  for _, t in ipairs(threads) do
    s, w, r = s + t:get("submitted"), w + t:get("withdrawn"), r + t:get("refused")
  end
  io.write(string.format("RESULT %d %d %d %d %d %d\\n", s, w, r, summary.duration,
                         latency:percentile(50), latency:percentile(99)))
end
"""


def load_wrk(server, people, seconds, connections):
    """wrk submits and withdraws the enterprises in turn on `connections`
    connections; (acknowledged submissions, seconds, p50 and p99 of every
    write in ms, refused)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write("people = " + "{" + ", ".join(
            "{%s, %s}" % (json.dumps(path), json.dumps(token)) for path, token in people) + "}\n")
        f.write(WRK_SCRIPT)
    try:
        out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "-s", f.name,
                              f"http://127.0.0.1:{server.port}/"],
                             capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(f.name)
    s, _, refused, micros, p50, p99 = map(int, re.search(r"^RESULT (.*)$", out, re.M).group(1).split())
    return s, micros / 1e6, p50 / 1000, p99 / 1000, refused


def write_counters(metrics_port):
    """(transactions, writes) of assessments so far, from the server's /metrics."""
    text = urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10).read().decode()
    values = dict(re.findall(r"^(rongping_write_(?:groups|jobs)_total) (\d+)$", text, re.M))
    return int(values["rongping_write_groups_total"]), int(values["rongping_write_jobs_total"])


def run(name, pg, clients, seconds, generator, workers):
    """The load on a server whose database is a SQLite file (pg "") or on `pg`."""
    metrics_port = free_port()
    server = Server(str_body_type="application/json", pg=pg,
                    serve_args=["--workers", str(workers), "--metrics-listen", f"127.0.0.1:{metrics_port}"])
    server.start("default")
    try:
        people = prepare(server, clients * (4 if generator == "wrk" else 1))
        groups_before, jobs_before = write_counters(metrics_port)
        if generator == "wrk":
            submitted, took, p50, p99, errors = load_wrk(server, people, seconds, clients)
        else:
            latencies, took, errors = load(server, people, seconds)
            latencies.sort()
            submitted = len(latencies)
            p50 = statistics.median(latencies) * 1000
            p99 = latencies[int(0.99 * (len(latencies) - 1))] * 1000
        groups, jobs = write_counters(metrics_port)
    finally:
        server.stop()
    groups -= groups_before
    jobs -= jobs_before
    rate = submitted / took
    print(f"{name:<11} {submitted:>7} submissions in {took:5.1f} s = {rate:7.1f}/s  "
          f"p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  refused {errors}; "
          f"{jobs} writes in {groups} transactions ({jobs / max(groups, 1):.1f} per transaction)", flush=True)
    return rate


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=64)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--generator", choices=("wrk", "python"), default="wrk")
    ap.add_argument("--workers", type=int, default=8, help="the server's worker threads")
    args = ap.parse_args()
    print(f"{args.clients} clients ({args.generator}), {args.seconds:g} s each, server with {args.workers} workers",
          flush=True)
    sqlite = run("SQLite", "", args.clients, args.seconds, args.generator, args.workers)
    cluster = os.path.join(REPO, "scripts", "pg-cluster")
    pgdir = tempfile.mkdtemp(prefix="rongping-bench-pg-")
    url = subprocess.run([cluster, "start", pgdir], env=dict(os.environ, RONGPING_PG_FSYNC="on"), check=True,
                         capture_output=True, text=True).stdout.strip()
    try:
        pg = run("PostgreSQL", url, args.clients, args.seconds, args.generator, args.workers)
        # The same with every statement parsed and planned at each run, as
        # behind a pooler in transaction mode (docs/deploy.md).
        unprepared = run("PG unprep.", url + ("&" if "?" in url else "?") + "prepared_statements=off",
                         args.clients, args.seconds, args.generator, args.workers)
    finally:
        subprocess.run([cluster, "stop", pgdir])
    print(f"PostgreSQL / SQLite: {pg / sqlite:.2f}; PostgreSQL prepared / unprepared: {pg / unprepared:.2f}")


if __name__ == "__main__":
    main()
