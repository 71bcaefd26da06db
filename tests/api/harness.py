"""A rongping server for API tests: a temporary database with a demo
scenario, `rongping serve` on a free loopback port, JSON requests, and a
graceful stop whose exit status and access log are checked: every line of
stdout must be a JSON object with "request_id" and "status".

The database is a SQLite file, or, when RONGPING_API_PG names a PostgreSQL
server (scripts/test runs every API suite once more with its throwaway
cluster), a database of its own there, dropped at the end. Tests read and
change it directly with Server.sql().

Standard library only (psql for PostgreSQL). RONGPING_BIN overrides the binary.
"""
import http.client
import json
import email
import email.policy
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import urllib.parse
import subprocess
import tempfile
import threading
import time
import urllib.parse

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("RONGPING_BIN", os.path.join(REPO, "build", "rongping"))
PASSWORD = "Rongping2016"
PG = os.environ.get("RONGPING_API_PG", "")
# A deployment that is already running (scripts/deploy-check: nginx in front
# of two app servers): its address, its database and its access logs.
BASE = os.environ.get("RONGPING_API_BASE", "")
HASH_COST = ["--password-hash-cost", "minimum"]


class Resp:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def download_names(self):
        """The download's (ASCII name, UTF-8 name) from Content-Disposition."""
        disposition = self.headers.get("Content-Disposition", "")
        ascii_name = re.search(r'filename="([^"]*)"', disposition)
        utf8_name = re.search(r"filename\*=UTF-8''(\S+)", disposition)
        return (ascii_name.group(1) if ascii_name else "",
                urllib.parse.unquote(utf8_name.group(1)) if utf8_name else "")

    def __repr__(self):
        return f"<{self.status} {self.text[:400]!r}>"


class Server:
    """Start with start(scenario), stop with stop(); request() talks to it.

    str_body_type: the Content-Type sent with a str body (none by default;
    a dict or list body is always sent as application/json).
    pg: the PostgreSQL server to make the database on ("" for SQLite);
    RONGPING_API_PG by default.
    serve_args: more arguments for `rongping serve`.
    web_root: the built web app to serve (none by default: the start page)."""

    def __init__(self, str_body_type=None, pg=None, serve_args=(), web_root=None):
        self.str_body_type = str_body_type
        self.pg = PG if pg is None else pg
        self.serve_args = list(serve_args)
        self.web_root = web_root
        self.dir = self.proc = self.port = self.log = None
        self.stderr_lines, self.tokens = [], {}
        self.shared_url = None  # another server's database, when serving that
        self.deployment_logs = []

    @property
    def db_url(self):
        if self.shared_url:
            return self.shared_url
        if self.pg:
            return pg_database_url(self.pg_name, self.pg)
        return "sqlite:" + os.path.join(self.dir, "t.db")

    def sql(self, query, *args):
        """Runs one statement on the server's database with ? parameters;
        returns the rows as tuples (ints, floats, strings, None)."""
        if not self.pg:
            with sqlite3.connect(self.db_url[len("sqlite:"):]) as c:
                return c.execute(query, args).fetchall()
        return _psql(self.db_url, _inline(query, args))

    def start(self, scenario="default", setup=None, sharing=None):
        """Loads the scenario, serves it and waits for /healthz; then calls
        setup() if given. With `sharing` (a started Server), loads nothing and
        serves that server's database: a second app server. On any failure
        the server is killed, its files are removed and the error is raised
        (unittest skips tearDownModule then)."""
        if not os.path.isfile(BIN) or not os.access(BIN, os.X_OK):
            raise RuntimeError(f"rongping binary not found or not executable: {BIN}")
        if BASE and not sharing:
            return self._use_deployment(setup)
        self.dir = tempfile.mkdtemp(prefix="rongping-api-")
        self.pg_name = "rp_api_" + os.path.basename(self.dir).replace("-", "_").lower()
        self.shared_url = sharing.db_url if sharing else None
        try:
            if self.pg and not sharing:
                create_pg_database(self.pg_name, self.pg)
            if not sharing:
                demo = subprocess.run([BIN, "demo", "--db", self.db_url, "--scenario", scenario] + HASH_COST,
                                      capture_output=True, timeout=180)
                if demo.returncode != 0:
                    raise RuntimeError("rongping demo failed: " + demo.stderr.decode("utf-8", "replace"))
            self.stdout_path = os.path.join(self.dir, "access.log")
            self.log = open(self.stdout_path, "wb")
            self.proc = subprocess.Popen(
                [BIN, "serve", "--db", self.db_url, "--listen", "127.0.0.1:0",
                 "--web-root", self.web_root or os.path.join(self.dir, "none")] + HASH_COST + self.serve_args,
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
            if setup:
                setup()
        except BaseException:
            self.kill()
            raise

    def _use_deployment(self, setup):
        """Talks to RONGPING_API_BASE instead of starting a server."""
        self.port = urllib.parse.urlsplit(BASE).port
        self.shared_url = os.environ["RONGPING_API_DB"]
        self.deployment_logs = [p for p in os.environ.get("RONGPING_API_LOGS", "").split(":") if p]
        deadline = time.monotonic() + 20
        while self.request("GET", "/healthz", timeout=2, tolerate=True) != 200:
            if time.monotonic() > deadline:
                raise RuntimeError("the deployment at " + BASE + " is not healthy")
            time.sleep(0.1)
        if setup:
            setup()

    @property
    def access_logs(self):
        """The files holding the JSON access log of the server(s) behind port."""
        return self.deployment_logs if BASE else [self.stdout_path]

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

    def stop(self, keep_data=False):
        """SIGTERM; raises unless the server stops cleanly (exit status 0 and
        "rongping 已停止" on stderr) and every line of its stdout is a JSON
        access-log object with "request_id" and "status". With keep_data the
        database stays for sql() until kill()."""
        if self.proc is None:
            return  # not started, or a deployment that scripts/deploy-check stops
        try:
            self.proc.send_signal(signal.SIGTERM)
            try:
                code = self.proc.wait(20)
            except subprocess.TimeoutExpired:
                raise AssertionError("server did not stop within 20 s of SIGTERM") from None
            self.stderr_thread.join(5)
            self.log.close()
            stderr = "\n".join(self.stderr_lines)
            if code != 0:
                raise AssertionError(f"server exited with {code} after SIGTERM; stderr:\n{stderr}")
            if "rongping 已停止" not in stderr:
                raise AssertionError("server did not report a graceful stop; stderr:\n" + stderr)
            bad = []
            with open(self.stdout_path, "rb") as f:
                for n, raw in enumerate(f, 1):
                    line = raw.decode("utf-8", "replace").strip()
                    if not line:
                        continue
                    try:
                        obj = json.loads(line)
                        ok = isinstance(obj, dict) and "request_id" in obj and "status" in obj
                    except ValueError:
                        ok = False
                    if not ok:
                        bad.append(f"line {n}: {line[:200]}")
            if bad:
                raise AssertionError("stdout (the JSON access log) has lines that are not access-log "
                                     "objects:\n" + "\n".join(bad[:10]))
        finally:
            self.kill(keep_data)

    def kill(self, keep_data=False):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        if self.log:
            self.log.close()
        if self.dir and not keep_data:
            shutil.rmtree(self.dir, ignore_errors=True)
            if self.pg and not self.shared_url:
                drop_pg_database(self.pg_name, self.pg)
            self.dir = None

    def request(self, method, path, token=None, body=None, headers=None, timeout=30, tolerate=False):
        hdrs = {"Authorization": "Bearer " + token} if token else {}
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body, ensure_ascii=False).encode("utf-8")
            hdrs["Content-Type"] = "application/json"
        elif isinstance(body, str):
            body = body.encode("utf-8")
            if self.str_body_type:
                hdrs["Content-Type"] = self.str_body_type
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

    def login(self, username, password=PASSWORD):
        return self.request("POST", "/api/v1/session", body={"username": username, "password": password})

    def token(self, username, password=PASSWORD):
        """A bearer token of username, cached by username."""
        if username not in self.tokens:
            r = self.login(username, password)
            if r.status != 200:
                raise AssertionError(f"login as {username} failed: {r!r}")
            self.tokens[username] = r.json()["token"]
        return self.tokens[username]

    def user_add(self, username, role, scope=None, password=PASSWORD, email=None):
        """`rongping user add` on the server's database."""
        args = [BIN, "user", "add", "--db", self.db_url, "--username", username, "--role", role]
        if scope:
            args += ["--scope", scope]
        if email:
            args += ["--email", email]
        r = subprocess.run(args + HASH_COST, input=(password + "\n").encode(),
                           capture_output=True, timeout=30)
        if r.returncode != 0:
            raise AssertionError(f"user add {username} failed ({r.returncode}): "
                                 + r.stderr.decode("utf-8", "replace"))


class SmtpSink:
    """A real SMTP server on loopback (Debian's python3-aiosmtpd, which
    scripts/install-deps installs) keeping every message it accepts in a
    maildir, for a server started with smtp_args()."""

    def __init__(self):
        self.port = free_port()
        self.root = tempfile.mkdtemp(prefix="rongping-mail-")
        self.maildir = os.path.join(self.root, "maildir")  # made by aiosmtpd with new/, cur/, tmp/
        self.proc = None

    def smtp_args(self):
        return ["--smtp-url", f"smtp://127.0.0.1:{self.port}", "--mail-from", "noreply@rongping.example.cn",
                "--public-url", "https://rongping.example.cn"]

    def _listening(self):
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", self.port)) == 0

    def start(self):
        command = shutil.which("aiosmtpd", path="/usr/bin:" + os.environ.get("PATH", "")) or "aiosmtpd"
        self.proc = subprocess.Popen([command, "-n", "-l", f"127.0.0.1:{self.port}", "-c",
                                      "aiosmtpd.handlers.Mailbox", self.maildir],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if within(10, self._listening) is None:
            raise RuntimeError("aiosmtpd did not start: " + self.proc.stderr.read(2000).decode("utf-8", "replace"))

    def stop(self):
        if self.proc:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc.stderr.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def mails(self):
        """Every message accepted so far, parsed."""
        out = []
        new = os.path.join(self.maildir, "new")
        for name in sorted(os.listdir(new)) if os.path.isdir(new) else []:
            with open(os.path.join(new, name), "rb") as f:
                out.append(email.message_from_binary_file(f, policy=email.policy.default))
        return out

    def mails_to(self, address):
        return [m for m in self.mails() if address in str(m["To"])]


def pg_database_url(name, server=None):
    """The URL of database `name` on `server` (a URL of any database there;
    RONGPING_API_PG by default), with the same parameters."""
    base, mark, query = (server or PG).partition("?")
    return base.rsplit("/", 1)[0] + "/" + name + mark + query


def create_pg_database(name, server=None):
    """A new, empty database on `server` (as above); its URL."""
    _psql(server or PG, f"CREATE DATABASE {name}")
    return pg_database_url(name, server)


def drop_pg_database(name, server=None):
    _psql(server or PG, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _inline(query, args):
    """The query with each ? outside quotes replaced by args' literals."""
    out, rest, quoted = [], list(args), False
    for ch in query:
        if ch == "'":
            quoted = not quoted
        if ch == "?" and not quoted:
            v = rest.pop(0)
            out.append("NULL" if v is None else str(v) if isinstance(v, (int, float)) and not isinstance(v, bool)
                       else "'" + str(v).replace("'", "''") + "'")
        else:
            out.append(ch)
    if rest:
        raise ValueError("more arguments than ? in " + query)
    return "".join(out)


def _psql(url, statement):
    """Runs a statement with psql; a query's rows come back through JSON, so
    that values keep their types (a unit code stays a string)."""
    query = statement.lstrip().upper().startswith(("SELECT", "WITH"))
    if query:
        statement = f"SELECT COALESCE(json_agg(q), '[]') FROM ({statement}) q"
    # psql knows no rongping parameter.
    url = re.sub(r"[?&]prepared_statements=[a-z]*$|(?<=[?&])prepared_statements=[a-z]*&", "", url)
    r = subprocess.run(["psql", url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", statement],
                       capture_output=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError(f"psql failed: {statement[:300]}\n" + r.stderr.decode("utf-8", "replace"))
    if not query:
        return []
    return json.loads(r.stdout.decode("utf-8"), object_pairs_hook=lambda pairs: tuple(v for _, v in pairs))


class ErrorAssertions:
    """Mixin for unittest.TestCase: the contract's error body."""

    def assertError(self, r, status, code=None, field=None):
        """Checks the status and the contract's error body; returns the error."""
        self.assertEqual(r.status, status, f"expected {status}, got {r!r}")
        try:
            body = r.json()
        except ValueError:
            self.fail(f"error response is not JSON: {r!r}")
        self.assertIsInstance(body, dict, r)
        err = body.get("error")
        self.assertIsInstance(err, dict, f"no error object: {r!r}")
        self.assertIsInstance(err.get("code"), str, r)
        self.assertRegex(err["code"], r"^[a-z][a-z0-9_]*$", r)
        self.assertIsInstance(err.get("message"), str, r)
        self.assertTrue(err["message"].strip(), f"empty message: {r!r}")
        if "field" in err:
            self.assertIsInstance(err["field"], str, r)
        if code is not None:
            self.assertEqual(err["code"], code, r)
        if field is not None:
            self.assertEqual(err.get("field"), field, r)
        return err


USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
_rng = random.Random()


def uscc_check(first17):
    """The check character of a 统一社会信用代码 (GB 32100-2015)."""
    s = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - s % 31) % 31]


def make_uscc(unit="440100"):
    """A random valid code registered in `unit`."""
    body = "91" + unit + "".join(_rng.choice(USCC_ALPHABET) for _ in range(9))
    return body + uscc_check(body)


def qs(path, **params):
    params = {k: v for k, v in params.items() if v is not None}
    return path + ("?" + urllib.parse.urlencode(params) if params else "")


def free_port():
    """A loopback port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def within(seconds, check):
    """Polls check() until it is true; the time it took, or None."""
    started = time.monotonic()
    while time.monotonic() - started <= seconds:
        if check():
            return time.monotonic() - started
        time.sleep(0.02)
    return None
