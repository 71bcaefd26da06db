#!/usr/bin/env python3
"""Durable submissions per second with 64 concurrent clients, on SQLite and
on PostgreSQL, in one invocation (docs/PERFORMANCE.md).

Each client is an enterprise of its own, logged in, with complete answers
saved in an open round that needs review; it submits (the server validates
and scores the answers and records the submission, its event and the change
feed in one transaction, and answers only after the commit), withdraws, and
submits again, for the whole run. Counted: submissions the server
acknowledged with 200. SQLite runs WAL with synchronous=NORMAL (a commit
survives the process being killed, not a power cut); PostgreSQL runs with
fsync and synchronous_commit on (a commit survives a power cut).

    python3 bench/submissions.py [--clients 64] [--seconds 20]

Run after scripts/build. Needs psql and PostgreSQL's server binaries
(scripts/install-deps installs them).
"""
import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "api"))
from harness import BIN, HASH_COST, make_uscc  # noqa: E402
from test_campaign import OPEN, answers  # noqa: E402

ROUND = "bench"


def call(port, method, path, token=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": "Bearer " + token} if token else {}
    data = None
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode()
        headers["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=data, headers=headers)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def serve(db_url, workdir):
    subprocess.run([BIN, "demo", "--db", db_url, "--scenario", "default"] + HASH_COST, check=True,
                   capture_output=True)
    log = open(os.path.join(workdir, "access.log"), "wb")
    proc = subprocess.Popen([BIN, "serve", "--db", db_url, "--listen", "127.0.0.1:0", "--web-root", workdir,
                             "--workers", "8"] + HASH_COST, stdout=log, stderr=subprocess.PIPE)
    for raw in iter(proc.stderr.readline, b""):
        line = raw.decode("utf-8", "replace")
        if "正在服务" in line:
            return proc, int(line.rsplit(":", 1)[1])
    raise RuntimeError("server did not start")


def prepare(db_url, port, clients):
    """The round, and one enterprise per client with a login and saved answers."""
    _, body = call(port, "POST", "/api/v1/session", body={"username": "guangdong", "password": "Rongping2016"})
    gd = json.loads(body)["token"]
    status, body = call(port, "PUT", "/api/v1/rounds/" + ROUND, gd,
                        {"name": "基准评估周期", "year": int(OPEN["opens_on"][:4]), "province_code": "440000",
                         "models": ["gbt23020-2013"], "review_required": True, **OPEN})
    assert status == 200, body
    people = []
    for i in range(clients):
        uscc = make_uscc("440300")
        status, body = call(port, "POST", "/api/v1/enterprises", gd,
                            {"uscc": uscc, "name": f"基准测试制造有限公司{i}号", "unit_code": "440300",
                             "industry_code": "39", "production_type": "discrete_mass", "employees": 200,
                             "revenue_10k_yuan": 9000, "ownership": "private"})
        assert status == 201, body
        user = f"bench{i}"
        subprocess.run([BIN, "user", "add", "--db", db_url, "--username", user, "--role", "enterprise",
                        "--scope", uscc] + HASH_COST, input=b"Rongping2016\n", check=True, capture_output=True)
        _, body = call(port, "POST", "/api/v1/session", body={"username": user, "password": "Rongping2016"})
        token = json.loads(body)["token"]
        path = f"/api/v1/rounds/{ROUND}/enterprises/{uscc}/assessment"
        status, body = call(port, "PUT", path, token, {"answers": answers(i), "version": 0})
        assert status == 200, body
        people.append((path, token))
    return people


def load(port, people, seconds):
    """Every client submits and withdraws in turn; the acknowledged
    submissions and their latencies."""
    latencies, errors, lock = [], [0], threading.Lock()
    stop = time.monotonic() + seconds

    def client(path, token):
        mine = []
        while time.monotonic() < stop:
            started = time.monotonic()
            status, _ = call(port, "POST", path + "/submit", token)
            if status == 200:
                mine.append(time.monotonic() - started)
            else:
                with lock:
                    errors[0] += 1
            call(port, "POST", path + "/withdraw", token)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=p) for p in people]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, time.monotonic() - started, errors[0]


def run(name, db_url, workdir, clients, seconds):
    proc, port = serve(db_url, workdir)
    try:
        people = prepare(db_url, port, clients)
        latencies, took, errors = load(port, people, seconds)
    finally:
        proc.terminate()
        proc.wait(30)
    latencies.sort()
    rate = len(latencies) / took
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(0.99 * (len(latencies) - 1))] * 1000
    print(f"{name:<11} {len(latencies):>7} submissions in {took:5.1f} s = {rate:7.1f}/s  "
          f"p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  errors {errors}", flush=True)
    return rate


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=64)
    ap.add_argument("--seconds", type=float, default=20)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="rongping-bench-") as work:
        os.chmod(work, 0o755)
        print(f"{args.clients} clients, {args.seconds:g} s each, server with 8 workers", flush=True)
        sqlite = run("SQLite", "sqlite:" + os.path.join(work, "bench.db"), work, args.clients, args.seconds)
        pgdir = os.path.join(work, "pg")
        env = dict(os.environ, RONGPING_PG_FSYNC="on")
        url = subprocess.run([os.path.join(REPO, "scripts", "pg-cluster"), "start", pgdir], env=env, check=True,
                             capture_output=True, text=True).stdout.strip()
        try:
            pg = run("PostgreSQL", url, work, args.clients, args.seconds)
        finally:
            subprocess.run([os.path.join(REPO, "scripts", "pg-cluster"), "stop", pgdir])
        print(f"PostgreSQL / SQLite: {pg / sqlite:.2f}")


if __name__ == "__main__":
    main()
