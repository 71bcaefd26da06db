"""cmake/check_layers.py: the real tree passes; an upward include, a folder
without a layer and a known upward include that is gone each fail it."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(REPO, "cmake", "check_layers.py")


def check(src):
    return subprocess.run([sys.executable, SCRIPT, src], capture_output=True, text=True, timeout=60)


class CheckLayers(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="rongping-layers-")
        self.src = os.path.join(self.dir, "src")
        shutil.copytree(os.path.join(REPO, "src"), self.src)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def append(self, rel, text):
        with open(os.path.join(self.src, rel), "a", encoding="utf-8") as f:
            f.write(text)

    def test_the_tree_keeps_its_layers(self):
        r = check(self.src)
        self.assertEqual(r.returncode, 0, r.stdout)

    def test_an_upward_include_fails(self):
        self.append("core/text.h", '#include "store/db.h"\n')
        r = check(self.src)
        self.assertEqual(r.returncode, 1)
        self.assertIn("src/core/text.h", r.stdout)
        self.assertIn("core/ may not include store/", r.stdout)

    def test_an_upward_include_in_angle_brackets_fails(self):
        self.append("store/db.h", '#include <campaign/progress.h>\n')
        r = check(self.src)
        self.assertEqual(r.returncode, 1)
        self.assertIn("store/ may not include campaign/", r.stdout)

    def test_a_store_include_in_a_handler_fails(self):
        self.append("api/jobs_api.cc", '#include "store/jobs.h"\n')
        r = check(self.src)
        self.assertEqual(r.returncode, 1)
        self.assertIn("api/ may not include store/", r.stdout)

    def test_a_long_handler_fails(self):
        body = "".join(f"  int v{i} = {i};\n" for i in range(60))
        self.append("api/jobs_api.cc", "namespace rongping::api {\nint TooLong() {\n" + body + "  return 0;\n}\n}\n")
        r = check(self.src)
        self.assertEqual(r.returncode, 1)
        self.assertIn("src/api/jobs_api.cc", r.stdout)
        self.assertIn("63 lines, more than 60", r.stdout)

    def test_a_relative_include_fails(self):
        self.append("core/text.cc", '#include "../store/db.h"\n')
        r = check(self.src)
        self.assertEqual(r.returncode, 1)
        self.assertIn("relative path", r.stdout)

    def test_tests_may_include_anything(self):
        self.append("core/text_test.cc", '#include "api/app.h"\n')
        self.assertEqual(check(self.src).returncode, 0)

    def test_a_folder_without_a_layer_fails(self):
        os.makedirs(os.path.join(self.src, "reminders"))
        r = check(self.src)
        self.assertEqual(r.returncode, 1)
        self.assertIn("src/reminders", r.stdout)

    def test_a_known_upward_include_that_is_gone_must_leave_the_list(self):
        # KNOWN is empty today: a copy of the script with an entry whose
        # include is not there.
        with open(SCRIPT, encoding="utf-8") as f:
            script = f.read()
        self.assertIn("KNOWN = set()", script)
        copy = os.path.join(self.dir, "check_layers.py")
        with open(copy, "w", encoding="utf-8") as f:
            f.write(script.replace("KNOWN = set()", 'KNOWN = {("core/text.h", "store")}'))
        r = subprocess.run([sys.executable, copy, self.src], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 1)
        self.assertIn("src/core/text.h: no longer includes store/", r.stdout)
        self.assertIn("take it off KNOWN", r.stdout)

    def test_model_does_not_include_scoring(self):
        self.append("model/model.cc", '#include "scoring/scorer.h"\n')
        r = check(self.src)
        self.assertEqual(r.returncode, 1)
        self.assertIn("model/ may not include scoring/", r.stdout)

if __name__ == "__main__":
    unittest.main()
