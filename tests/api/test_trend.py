"""The data map's trend across rounds (GET /api/v1/datamap/trend) on the
guangdong-2016 scenario (rounds gd-2015 and gd-2016) plus a third round written straight into the
database (as another app server would), which the server picks up from the
change feed within a second."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, qs, within  # noqa: E402

SERVER = Server()


def setUpModule():
    SERVER.start("guangdong-2016")


def tearDownModule():
    SERVER.stop()


def trend(user, **params):
    return SERVER.request("GET", qs("/api/v1/datamap/trend", **params), SERVER.token(user))


def add_round_2017():
    """gd-2017: every completed gd-2016 result again, five points higher."""
    SERVER.sql("INSERT INTO rounds (code, name, year, province_code, models, opens_on, closes_on, deadline, "
               "review_required, created_at, completion, entries) SELECT 'gd-2017', '2017年评估', 2017, "
               "province_code, models, '2017-04-20', '2017-06-30', '2017-06-30', review_required, created_at, "
               "completion, entries FROM rounds WHERE code = 'gd-2016'")
    SERVER.sql("INSERT INTO assessments (round_code, uscc, model_id, unit_code, production_type, status, "
               "answers_json, version, total, level_index, level_id, model_hash, score_vector, created_at, "
               "updated_at) SELECT 'gd-2017', uscc, model_id, unit_code, production_type, status, answers_json, "
               "1, total + 5, level_index, level_id, model_hash, score_vector, created_at, updated_at "
               "FROM assessments WHERE round_code = 'gd-2016' AND status IN ('approved', 'submitted')")
    SERVER.sql("INSERT INTO assessment_changes (assessment_id) SELECT id FROM assessments "
               "WHERE round_code = 'gd-2017' ORDER BY id")


class TrendTest(unittest.TestCase):
    def test_rounds_in_order_with_each_table_withheld_on_its_own(self):
        one = trend("guangdong", by="unit")
        self.assertEqual(one.status, 200, one)
        d = one.json()
        # The scenario's two rounds: gd-2015's results are all approved.
        [[n_2015]] = SERVER.sql("SELECT COUNT(*) FROM assessments WHERE round_code = 'gd-2015' "
                                "AND status = 'approved'")
        self.assertGreater(n_2015, 1000)
        self.assertEqual([r["code"] for r in d["rounds"]], ["gd-2015", "gd-2016"])
        self.assertEqual([p["n"] for p in d["total"]["points"]], [n_2015, 1531])
        mean_2016 = d["total"]["points"][1]["mean_total"]

        add_round_2017()
        took = within(1.0, lambda: len(trend("guangdong", by="unit").json()["rounds"]) == 3)
        self.assertIsNotNone(took, "the server did not follow the change feed within 1 s")
        d = trend("guangdong", by="unit").json()
        self.assertEqual([r["code"] for r in d["rounds"]], ["gd-2015", "gd-2016", "gd-2017"])
        self.assertEqual(d["total"]["label"], "广东省")
        points = d["total"]["points"]
        self.assertEqual([p["round"] for p in points], ["gd-2015", "gd-2016", "gd-2017"])
        self.assertEqual([p["n"] for p in points], [n_2015, 1531, 1531])
        self.assertAlmostEqual(points[2]["mean_total"] - mean_2016, 5, delta=0.011)
        k = d["min_group_size"]
        by_key = {s["key"]: s for s in d["series"]}
        self.assertIn("440606", by_key)  # 顺德 is a series of its own
        for s in d["series"]:
            self.assertEqual([p["round"] for p in s["points"]], ["gd-2015", "gd-2016", "gd-2017"], s["key"])
            for p in s["points"]:
                if p["n"] is None:
                    self.assertIn(p["status"], ("primary", "complementary"))
                    self.assertNotIn("mean_total", p)
                else:
                    self.assertGreaterEqual(p["n"], k)
        self.assertEqual(by_key["440200"]["points"][2]["status"], "primary")  # 韶关: 3 in 2016 and 2017
        # The same figures as the round's own data map.
        one_round = SERVER.request("GET", "/api/v1/rounds/gd-2017/datamap?by=unit", SERVER.token("guangdong")).json()
        for cell in one_round["cells"]:
            self.assertEqual(by_key[cell["key"]]["points"][2]["n"], cell["n"], cell["key"])

    def test_scope_and_parameters(self):
        d = trend("foshan", by="unit").json()
        self.assertEqual([s["key"] for s in d["series"]], ["440600"])
        self.assertEqual(d["total"]["label"], "佛山市")
        self.assertEqual(trend("foshan", unit="440300").status, 404)
        self.assertEqual(trend("enterprise").status, 403)
        self.assertEqual(trend("guangdong", by="colour").status, 422)
        self.assertEqual(trend("guangdong", model="no-such-model").status, 404)
        d = trend("association", by="industry").json()
        self.assertTrue({s["key"] for s in d["series"]} <= {"38", "39"})


if __name__ == "__main__":
    unittest.main()
