"""A rongping server for API tests: a temporary SQLite database with a demo
scenario, `rongping serve` on a free loopback port, JSON requests, and a
graceful stop whose exit status and access log are checked.

Standard library only. RONGPING_BIN overrides the binary.
"""
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.parse

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("RONGPING_BIN", os.path.join(REPO, "build", "rongping"))
PASSWORD = "Rongping2016"
HASH_COST = ["--password-hash-cost", "minimum"]


class Resp:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return f"<{self.status} {self.text[:300]!r}>"


class Server:
    """Start with start(scenario), stop with stop(); request() talks to it."""

    def __init__(self):
        self.dir = self.proc = self.port = None
        self.stderr_lines, self.tokens = [], {}

    @property
    def db_url(self):
        return "sqlite:" + os.path.join(self.dir, "t.db")

    def start(self, scenario="default"):
        if not os.access(BIN, os.X_OK):
            raise RuntimeError(f"rongping binary not found: {BIN}")
        self.dir = tempfile.mkdtemp(prefix="rongping-api-")
        try:
            demo = subprocess.run([BIN, "demo", "--db", self.db_url, "--scenario", scenario] + HASH_COST,
                                  capture_output=True, timeout=180)
            if demo.returncode != 0:
                raise RuntimeError("rongping demo failed: " + demo.stderr.decode("utf-8", "replace"))
            self.log_path = os.path.join(self.dir, "access.log")
            self.log = open(self.log_path, "wb")
            self.proc = subprocess.Popen(
                [BIN, "serve", "--db", self.db_url, "--listen", "127.0.0.1:0",
                 "--web-root", os.path.join(self.dir, "none")] + HASH_COST,
                stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.PIPE)
            found = threading.Event()
            self.stderr_thread = threading.Thread(target=self._drain, args=(found,), daemon=True)
            self.stderr_thread.start()
            if not found.wait(20) or self.port is None:
                raise RuntimeError("server did not announce its port:\n" + "\n".join(self.stderr_lines))
            deadline = time.monotonic() + 20
            while self.request("GET", "/healthz", timeout=2, tolerate=True) != 200:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("server not healthy:\n" + "\n".join(self.stderr_lines))
                time.sleep(0.05)
        except BaseException:
            self.kill()
            raise

    def _drain(self, found):
        pattern = re.compile(r"rongping 正在服务 http://127\.0\.0\.1:(\d+)")
        for raw in iter(self.proc.stderr.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.stderr_lines.append(line)
            m = pattern.search(line)
            if m and self.port is None:
                self.port = int(m.group(1))
                found.set()
        found.set()

    def stop(self):
        """SIGTERM; raises unless the server stops cleanly and its stdout is
        nothing but JSON access-log lines."""
        try:
            self.proc.send_signal(signal.SIGTERM)
            code = self.proc.wait(20)
            self.stderr_thread.join(5)
            self.log.close()
            stderr = "\n".join(self.stderr_lines)
            if code != 0 or "rongping 已停止" not in stderr:
                raise AssertionError(f"server exited with {code}; stderr:\n{stderr}")
            with open(self.log_path, "rb") as f:
                for n, raw in enumerate(f, 1):
                    line = raw.decode("utf-8", "replace").strip()
                    if line and not isinstance(json.loads(line), dict):
                        raise AssertionError(f"access log line {n} is not a JSON object: {line[:200]}")
        finally:
            self.kill()

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def request(self, method, path, token=None, body=None, headers=None, timeout=30, tolerate=False):
        hdrs = {"Authorization": "Bearer " + token} if token else {}
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body, ensure_ascii=False).encode("utf-8")
            hdrs["Content-Type"] = "application/json"
        elif isinstance(body, str):
            body = body.encode("utf-8")
        hdrs.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=hdrs)
            r = conn.getresponse()
            resp = Resp(r.status, r.headers, r.read())
            return resp.status if tolerate else resp
        except (OSError, http.client.HTTPException):
            if tolerate:
                return None
            raise
        finally:
            conn.close()

    def token(self, username, password=PASSWORD):
        if username not in self.tokens:
            r = self.request("POST", "/api/v1/session", body={"username": username, "password": password})
            if r.status != 200:
                raise AssertionError(f"login as {username} failed: {r!r}")
            self.tokens[username] = r.json()["token"]
        return self.tokens[username]


def qs(path, **params):
    params = {k: v for k, v in params.items() if v is not None}
    return path + ("?" + urllib.parse.urlencode(params) if params else "")
