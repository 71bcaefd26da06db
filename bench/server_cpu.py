#!/usr/bin/env python3
"""The server's own CPU time per diagnosis, for several binaries alternating
in one invocation (docs/PERFORMANCE.md): steadier on a shared machine than
requests per second, which move with whatever else runs.

Each binary in turn serves the guangdong-2016 data on SQLite with 4 workers;
after a 1-second warm-up, `wrk -t2 -c64` asks for an enterprise's diagnosis
for S seconds, and the server's user and system time from /proc/PID/stat
before and after is divided by the requests answered.

    python3 bench/server_cpu.py [--seconds 5] [--rounds 2] BINARY...

Run after scripts/build. Needs wrk (scripts/install-deps).
"""
import argparse
import os
import re
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "api"))
import harness  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def measure(binary, seconds):
    harness.BIN = binary
    server = harness.Server(serve_args=["--workers", "4"], pg="", web_root=None)
    server.start("guangdong-2016")
    try:
        token = server.token("enterprise")
        uscc = server.request("GET", "/api/v1/session", token).json()["user"]["scope"]
        url = f"http://127.0.0.1:{server.port}/api/v1/rounds/gd-2016/enterprises/{uscc}/diagnosis"
        auth = ["-H", f"Authorization: Bearer {token}"]
        subprocess.run(["wrk", "-t1", "-c4", "-d1s", *auth, url], capture_output=True, check=True)
        before = cpu_seconds(server.proc.pid)
        out = subprocess.run(["wrk", "-t2", "-c64", f"-d{seconds}s", *auth, url],
                             capture_output=True, text=True, check=True).stdout
        after = cpu_seconds(server.proc.pid)
    finally:
        server.stop()
    rate = float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1))
    answered = int(re.search(r"(\d+) requests in", out).group(1))
    return rate, (after - before) / answered * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("binaries", nargs="+")
    args = parser.parse_args()
    for _ in range(args.rounds):
        for binary in args.binaries:
            rate, micros = measure(binary, args.seconds)
            print(f"{binary}: {rate:,.0f} diagnoses/s, server CPU {micros:.1f} µs per diagnosis", flush=True)


if __name__ == "__main__":
    main()
