"""docs/openapi.json is the router's twin: every registered route is
documented with the same method and path pattern, every documented operation
is registered (or marked as served on the private metrics listener, and then
served there), and the document passes `@redocly/cli lint` with its
recommended rules (installed by scripts/test into tests/openapi).

Standard library only; no server is started: `rongping routes` prints the
router's table."""
import json
import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BIN, REPO  # noqa: E402

DOC = os.path.join(REPO, "docs", "openapi.json")
LINTER = os.path.join(REPO, "tests", "openapi", "node_modules", ".bin", "redocly")
METHODS = ("get", "put", "post", "patch", "delete")


def routes():
    out = subprocess.run([BIN, "routes"], capture_output=True, timeout=60, check=True)
    return {(r["method"], r["pattern"]) for r in json.loads(out.stdout.decode("utf-8"))}


def documented():
    """(method, path) of every operation, and those marked for the metrics
    listener."""
    with open(DOC, encoding="utf-8") as f:
        doc = json.load(f)
    ops, metrics = set(), set()
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method not in METHODS:
                continue
            (metrics if op.get("x-rongping-listener") == "metrics" else ops).add((method.upper(), path))
    return doc, ops, metrics


class OpenApiTwin(unittest.TestCase):
    def test_every_route_is_documented_and_every_operation_routed(self):
        registered = routes()
        _, ops, metrics = documented()
        self.assertGreater(len(registered), 40)
        self.assertEqual(sorted(registered - ops), [], "registered routes missing from docs/openapi.json")
        self.assertEqual(sorted(ops - registered), [], "documented operations no route serves")
        self.assertEqual(metrics, {("GET", "/metrics")})
        self.assertNotIn(("GET", "/metrics"), registered, "metrics are never served on the app port")

    def test_path_parameters_are_declared_with_the_routes_names(self):
        doc, ops, _ = documented()
        params = doc["components"].get("parameters", {})
        for method, path in sorted(ops):
            item = doc["paths"][path]
            declared = set()
            for p in item.get("parameters", []) + item[method.lower()].get("parameters", []):
                if "$ref" in p:
                    p = params[p["$ref"].split("/")[-1]]
                if p.get("in") == "path":
                    declared.add(p["name"])
            self.assertEqual(declared, set(re.findall(r"\{(\w+)\}", path)), f"{method} {path}")

    def test_operation_ids_are_unique(self):
        doc, _, _ = documented()
        ids = [op["operationId"] for item in doc["paths"].values() for m, op in item.items() if m in METHODS]
        self.assertEqual(len(ids), len(set(ids)))
        self.assertTrue(all(ids))

    def test_passes_redocly_lint_with_recommended_rules(self):
        self.assertTrue(os.path.exists(LINTER), "run scripts/test (it installs tests/openapi)")
        r = subprocess.run([LINTER, "lint", "--extends=recommended", "--format=stylish", DOC],
                           capture_output=True, text=True, timeout=300, cwd=os.path.join(REPO, "tests", "openapi"),
                           env=dict(os.environ, REDOCLY_TELEMETRY="off", REDOCLY_SUPPRESS_UPDATE_NOTICE="true"))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("valid", r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
