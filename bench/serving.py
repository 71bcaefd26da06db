#!/usr/bin/env python3
"""Reads over HTTP against a static file of the same bytes, in one
invocation (docs/PERFORMANCE.md, issue on the serving path).

One app server on SQLite with the guangdong-2016 data answers, under
`wrk -t2 -cC -dS`, in turn: an enterprise's diagnosis, the province's
progress table (附件2) and a data-map slice (the province by unit); after
each, nginx (one worker process, sendfile) answers a static file holding
the very bytes the server sent, and the ratio is printed; also a file of
the built web app (index.html) from the server against the same file from
nginx. Then the diagnosis (kept finished, so mostly the I/O thread's work)
and the review queue (a page of 50 assessments read from the database for
every request) run against the server with 1 and with 2 worker threads:
reads must not serialize.

    python3 bench/serving.py [--seconds 10] [--connections 64] [--rounds 1]

Run after scripts/build. Needs wrk and nginx (scripts/install-deps).
Prints one line per measurement and a summary table of ratios.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "api"))
from harness import Server, free_port  # noqa: E402

ROUND = "gd-2016"


class Nginx:
    """nginx serving one directory on a loopback port, one worker process."""

    def __init__(self, root):
        self.dir = tempfile.mkdtemp(prefix="rongping-bench-nginx-")
        os.chmod(self.dir, 0o755)
        self.port = free_port()
        conf = os.path.join(self.dir, "nginx.conf")
        temp = {k: os.path.join(self.dir, k) for k in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
        with open(conf, "w") as f:
            f.write(f"""worker_processes 1;
pid {self.dir}/nginx.pid;
error_log {self.dir}/error.log;
events {{ worker_connections 1024; }}
http {{
  include /etc/nginx/mime.types;
  access_log off;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path {temp['body']};
  proxy_temp_path {temp['proxy']};
  fastcgi_temp_path {temp['fastcgi']};
  uwsgi_temp_path {temp['uwsgi']};
  scgi_temp_path {temp['scgi']};
  server {{
    listen 127.0.0.1:{self.port};
    root {root};
  }}
}}
""")
        subprocess.run(["nginx", "-q", "-c", conf, "-p", self.dir], check=True)
        self.conf = conf

    def url(self, name):
        return f"http://127.0.0.1:{self.port}/{name}"

    def stop(self):
        subprocess.run(["nginx", "-q", "-c", self.conf, "-p", self.dir, "-s", "stop"], check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


def wrk(url, seconds, connections, token=None):
    """Requests per second, and how many responses were not 2xx."""
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", url]
    if token:
        cmd[1:1] = ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
    return rps, int(bad.group(1)) if bad else 0


def start_server(workers):
    web = os.path.join(REPO, "web", "dist")
    server = Server(serve_args=["--workers", str(workers)], pg="",
                    web_root=web if os.path.isfile(os.path.join(web, "index.html")) else None)
    server.start("guangdong-2016")
    return server


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=int, default=10)
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--rounds", type=int, default=1, help="how many times each pair is measured")
    args = p.parse_args()
    static_dir = tempfile.mkdtemp(prefix="rongping-bench-static-")
    os.chmod(static_dir, 0o755)
    server = start_server(4)
    nginx = None
    rows = []
    try:
        enterprise = server.token("enterprise")
        uscc = server.request("GET", "/api/v1/session", enterprise).json()["user"]["scope"]
        province = server.token("guangdong")
        reads = [
            ("diagnosis", f"/api/v1/rounds/{ROUND}/enterprises/{uscc}/diagnosis", enterprise),
            ("progress (province)", f"/api/v1/rounds/{ROUND}/progress", province),
            ("data-map slice (province by unit)", f"/api/v1/rounds/{ROUND}/datamap?by=unit", province),
        ]
        if server.web_root:
            reads.append(("web app index.html", "/", None))
        for i, (name, path, token) in enumerate(reads):
            r = server.request("GET", path, token)
            assert r.status == 200, (name, r)
            with open(os.path.join(static_dir, f"{i}.bin"), "wb") as f:
                f.write(r.body)
        for f in os.listdir(static_dir):
            os.chmod(os.path.join(static_dir, f), 0o644)
        nginx = Nginx(static_dir)
        base = f"http://127.0.0.1:{server.port}"
        print(f"one app server (4 workers) on SQLite, guangdong-2016; nginx 1 worker; "
              f"wrk -t2 -c{args.connections} -d{args.seconds}s", flush=True)
        for i, (name, path, token) in enumerate(reads):
            size = os.path.getsize(os.path.join(static_dir, f"{i}.bin"))
            for _ in range(args.rounds):
                app, bad = wrk(base + path, args.seconds, args.connections, token)
                assert bad == 0, f"{name}: {bad} responses were not 2xx"
                static, _ = wrk(nginx.url(f"{i}.bin"), args.seconds, args.connections)
                print(f"{name} ({size:,} bytes): server {app:,.0f}/s, nginx {static:,.0f}/s, "
                      f"ratio {app / static:.3f}", flush=True)
                rows.append((name, app, static))
        server.stop()
        # Reads must not serialize: with 1 and 2 workers, the diagnosis (kept
        # finished, so mostly the I/O thread's work) and the review queue (a
        # page of 50 assessments read from the database for every request).
        scaling = [("diagnosis", "enterprise", reads[0][1]),
                   ("review queue", "guangdong", f"/api/v1/rounds/{ROUND}/assessments?per_page=50")]
        per_workers = {}
        for workers in (1, 2):
            server = start_server(workers)
            for name, user, path in scaling:
                token = server.token(user)
                for _ in range(args.rounds):
                    rps, bad = wrk(f"http://127.0.0.1:{server.port}{path}", args.seconds, args.connections, token)
                    assert bad == 0
                    per_workers.setdefault((name, workers), []).append(rps)
                    print(f"{name} with {workers} worker(s): {rps:,.0f}/s", flush=True)
            server.stop()
        server = None
        print("\nsummary (mean over rounds)")
        print("| read | server /s | nginx static /s | ratio |")
        print("|---|---|---|---|")
        for name, *_ in reads:
            mine = [r for r in rows if r[0] == name]
            app = sum(r[1] for r in mine) / len(mine)
            static = sum(r[2] for r in mine) / len(mine)
            print(f"| {name} | {app:,.0f} | {static:,.0f} | {app / static:.3f} |")
        for name, *_ in scaling:
            one = sum(per_workers[(name, 1)]) / len(per_workers[(name, 1)])
            two = sum(per_workers[(name, 2)]) / len(per_workers[(name, 2)])
            print(f"| {name}, 2 workers vs 1 | {two:,.0f} | {one:,.0f} (1 worker) | {two / one:.2f} |")
    finally:
        if nginx:
            nginx.stop()
        if server:
            server.kill()
        shutil.rmtree(static_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
