"""The build's layer libraries: each compiles against an include root that
holds only its own folder and the layers below it (cmake/check_layers.py
--layers), so an upward include does not compile, while the headers of a
layer below do.

    python3 tests/layers/test_layer_roots.py BUILD_DIR CXX
"""
import os
import subprocess
import sys
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(REPO, "cmake", "check_layers.py")
BUILD, CXX = sys.argv[1], sys.argv[2]


def layers():
    out = subprocess.run([sys.executable, SCRIPT, "--layers"], check=True, capture_output=True,
                         text=True, timeout=60).stdout
    table = {}
    for line in out.splitlines():
        layer, uses, below = line.split(":")
        table[layer] = (set(filter(None, uses.split(","))), set(filter(None, below.split(","))))
    return table


def compile_in(layer, include):
    """Compiles a file of `layer` that includes `include`; the result."""
    root = os.path.join(BUILD, "layers", layer)
    return subprocess.run([CXX, "-std=c++20", "-fsyntax-only", "-I", root, "-x", "c++", "-"],
                          input=f'#include "{include}"\n', capture_output=True, text=True, timeout=120)


class LayerRoots(unittest.TestCase):
    def test_each_root_holds_its_layer_and_those_below_only(self):
        table = layers()
        self.assertIn("core", table)
        for layer, (uses, below) in table.items():
            with self.subTest(layer=layer):
                self.assertLessEqual(uses, below)
                root = os.path.join(BUILD, "layers", layer)
                self.assertEqual(set(os.listdir(root)), below | {layer})
                for entry in os.listdir(root):
                    self.assertEqual(os.path.realpath(os.path.join(root, entry)),
                                     os.path.realpath(os.path.join(REPO, "src", entry)))

    def test_a_layer_below_compiles(self):
        for layer, include in [("store", "core/time.h"), ("domain", "core/time.h"), ("api", "store/db.h")]:
            with self.subTest(layer=layer, include=include):
                r = compile_in(layer, include)
                self.assertEqual(r.returncode, 0, r.stderr)

    def test_an_upward_include_does_not_compile(self):
        for layer, include in [("store", "auth/audit_trail.h"), ("model", "scoring/scorer.h"),
                               ("core", "domain/round.h"), ("report", "campaign/progress.h"),
                               ("http", "api/app.h")]:
            with self.subTest(layer=layer, include=include):
                self.assertTrue(os.path.isfile(os.path.join(REPO, "src", include)), include)
                r = compile_in(layer, include)
                self.assertNotEqual(r.returncode, 0)
                self.assertIn("No such file", r.stderr)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
