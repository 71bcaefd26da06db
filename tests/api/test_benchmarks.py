"""Benchmark packs (全国同行业、同规模对标) through the API on the guangdong-2016
scenario: a province exports its round's pack; the ministry loads one for
the whole installation and a province one for itself, which its diagnoses
prefer; every diagnosis then shows the pack's peers beside the region's,
with the group, n, source and date; a pack for another model version, or
one less strict than this installation about small groups, is refused and
changes nothing; only province and ministry admins manage packs."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server  # noqa: E402

SERVER = Server()
MODEL = "gbt23020-2013"
PACKS = "/api/v1/benchmark-packs"


def setUpModule():
    SERVER.start("guangdong-2016")


def tearDownModule():
    SERVER.stop()


def req(method, path, who=None, body=None, headers=None):
    return SERVER.request(method, path, SERVER.token(who) if who else None, body=body, headers=headers)


def export(who="guangdong", **query):
    path = "/api/v1/rounds/gd-2016/benchmark-pack"
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return req("GET", path, who)


def enterprise_uscc():
    return SERVER.sql("SELECT scope_code FROM users WHERE username = 'enterprise'")[0][0]


def diagnosis(who="enterprise"):
    r = req("GET", f"/api/v1/rounds/gd-2016/enterprises/{enterprise_uscc()}/diagnosis", who)
    assert r.status == 200, r
    return r.json()


def packs_table():
    return SERVER.sql("SELECT model_id, digest, loaded_at, loaded_by FROM benchmark_packs ORDER BY model_id")


def enterprise_key():
    """The demo enterprise's size class and industry division."""
    division, size = SERVER.sql("SELECT industry_code, size_class FROM enterprises WHERE uscc = ?",
                                enterprise_uscc())[0]
    return size, division


def relabelled(pack, installation, scope, mean):
    """The pack as if exported elsewhere: another source, and every total's
    mean set to `mean`, so that figures shown can be told from the region's."""
    p = json.loads(json.dumps(pack))
    p["source"].update({"installation": installation, "scope": scope, "as_of": "2016-12-31"})
    for g in p["groups"]:
        if g["figures"][0] is not None:
            g["figures"][0][1] = mean
    return p


class BenchmarkPackTest(unittest.TestCase):
    def setUp(self):
        for admin in ("guangdong", "ministry"):
            req("DELETE", f"{PACKS}/{MODEL}", admin)

    def test_export_is_a_pack_of_the_round_with_a_chinese_file_name(self):
        r = export()
        self.assertEqual(r.status, 200, r)
        disposition = r.headers.get("Content-Disposition", "")
        self.assertIn('filename="benchmarks-gd-2016-gbt23020-2013.json"', disposition)
        self.assertIn("filename*=UTF-8''%E5%9F%BA%E5%87%86", disposition)  # 基准
        pack = r.json()
        self.assertEqual(list(pack)[0], "format")
        self.assertEqual(pack["format"], "rongping.benchmarks/1")
        self.assertEqual(pack["model"]["id"], MODEL)
        self.assertEqual(pack["source"]["scope"], "广东省")
        self.assertEqual(pack["source"]["round"], "gd-2016")
        self.assertEqual(pack["min_group_size"], 5)
        completed = SERVER.sql("SELECT COUNT(*) FROM assessments WHERE round_code = 'gd-2016' "
                               "AND status IN ('submitted', 'approved') AND total IS NOT NULL")[0][0]
        root = pack["groups"][0]
        self.assertEqual((root["size_class"], root["industry_group"], root["industry_division"]), ("", "", ""))
        self.assertEqual(root["n"], completed)
        for g in pack["groups"]:
            self.assertGreaterEqual(g["n"], 5)
            for f in g["figures"]:
                self.assertTrue(f is None or f[0] >= 5, (g, f))
        # A stricter minimum group size withholds more.
        strict = export(min_group_size=40).json()
        self.assertLess(len(strict["groups"]), len(pack["groups"]))
        self.assertEqual(export(min_group_size=0).status, 422)

    def test_a_loaded_pack_shows_in_every_diagnosis_beside_the_region(self):
        before = diagnosis()["national_benchmarks"]
        self.assertIsNone(before["peer_group"])
        self.assertIn("尚未导入", before["message"])
        pack = export().json()
        national = relabelled(pack, "国家两化融合服务平台", "全国", 12.5)
        r = req("PUT", f"{PACKS}/{MODEL}", "ministry", body=national)
        self.assertEqual(r.status, 200, r)
        loaded = r.json()
        self.assertEqual((loaded["scope"], loaded["as_of"], loaded["loaded_by"], loaded["province"]),
                         ("全国", "2016-12-31", "ministry", None))

        d = diagnosis()
        shown = d["national_benchmarks"]
        self.assertIn("全国", shown["peer_group"]["label"])
        self.assertIn(f"(n={shown['peer_group']['n']})", shown["peer_group"]["label"])
        self.assertIn("数据来源：国家两化融合服务平台，", shown["source_label"])
        self.assertIn("截至 2016-12-31", shown["source_label"])
        self.assertEqual(shown["total"]["mean"], 12.5)  # the pack's, not the region's
        self.assertNotEqual(d["benchmarks"]["total"]["mean"], 12.5)
        # The group is the narrowest of the enterprise's own that the pack holds.
        size, division = enterprise_key()
        held = {(g["size_class"], g["industry_division"]): g for g in pack["groups"]}
        group = held.get((size, division))
        if group is not None:
            self.assertEqual(shown["peer_group"]["n"], group["n"])
        self.assertEqual(len(shown["dimensions"]), len(d["benchmarks"]["dimensions"]))
        shares = [k for k in shown["key_indicators"] if k["type"] == "share" and k.get("n")]
        self.assertTrue(shares)
        for k in shares:
            self.assertGreaterEqual(k["mean"], 0)
            self.assertLessEqual(k["mean"], 100)
        # Officials see the same on the enterprise's diagnosis.
        self.assertEqual(diagnosis("guangzhou")["national_benchmarks"], shown)

        # The province's own pack comes first for its enterprises; the list
        # shows a province admin its own and the installation's.
        own = relabelled(pack, "江苏省两化融合服务平台", "江苏省", 66.0)
        self.assertEqual(req("PUT", f"{PACKS}/{MODEL}", "guangdong", body=own).status, 200)
        self.assertEqual(diagnosis()["national_benchmarks"]["total"]["mean"], 66.0)
        self.assertIn("江苏省", diagnosis()["national_benchmarks"]["peer_group"]["label"])
        listed = req("GET", PACKS, "guangdong").json()["items"]
        self.assertEqual(sorted((p["province"] or "") for p in listed), ["", "440000"])
        # Removing it falls back to the installation's; removing that leaves none.
        self.assertEqual(req("DELETE", f"{PACKS}/{MODEL}", "guangdong").status, 200)
        self.assertEqual(diagnosis()["national_benchmarks"]["total"]["mean"], 12.5)
        self.assertEqual(req("DELETE", f"{PACKS}/{MODEL}", "ministry").status, 200)
        self.assertIsNone(diagnosis()["national_benchmarks"]["peer_group"])
        actions = [r[0] for r in SERVER.sql("SELECT action FROM audit_log WHERE object_type = 'benchmark_pack'")]
        self.assertIn("benchmarks.load", actions)
        self.assertIn("benchmarks.remove", actions)

    def test_a_pack_less_strict_about_small_groups_is_refused(self):
        loose = export(min_group_size=5).json()
        loose["min_group_size"] = 3
        before = packs_table()
        r = req("PUT", f"{PACKS}/{MODEL}", "guangdong", body=loose)
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.json()["error"]["code"], "group_size_too_small")
        self.assertEqual(packs_table(), before)

    def test_a_pack_for_another_model_version_is_refused_and_changes_nothing(self):
        pack = export().json()
        self.assertEqual(req("PUT", f"{PACKS}/{MODEL}", "guangdong", body=pack).status, 200)
        before = packs_table()
        other = json.loads(json.dumps(pack))
        other["model"].update({"version": "1.0.0", "hash": "0" * 64})
        r = req("PUT", f"{PACKS}/{MODEL}", "guangdong", body=other)
        self.assertEqual(r.status, 422, r)
        error = r.json()["error"]
        self.assertEqual(error["code"], "model_mismatch")
        self.assertIn("1.0.0", error["message"])
        self.assertIn("不能导入", error["message"])
        self.assertEqual(packs_table(), before)

    def test_bad_packs_get_a_precise_error_and_change_nothing(self):
        good = export().json()
        before = packs_table()
        leaf = next(i for i, g in enumerate(good["groups"]) if g["industry_division"])

        def with_change(change):
            p = json.loads(json.dumps(good))
            change(p)
            return p
        cases = [
            ("not json", "{\"format\":", 400, "invalid_json"),
            ("too deep", "[" * 100 + "]" * 100, 422, "too_deep"),
            ("a list", [], 422, "invalid_benchmark_pack"),
            ("another model in the path's place", with_change(lambda p: p["model"].update(id="sme-digital-2022")),
             422, "model_mismatch"),
            ("group below k", with_change(lambda p: p["groups"][leaf].update(n=2)), 422, "invalid_benchmark_pack"),
            ("share above 1", with_change(lambda p: p["groups"][0]["figures"].__setitem__(
                next(j for j, c in enumerate(p["columns"]) if c["kind"] == "share"), [10, 3])),
             422, "invalid_benchmark_pack"),
        ]
        for name, body, status, code in cases:
            headers = {"Content-Type": "application/json"} if isinstance(body, str) else None
            r = req("PUT", f"{PACKS}/{MODEL}", "guangdong", body=body, headers=headers)
            self.assertEqual(r.status, status, (name, r))
            self.assertEqual(r.json()["error"]["code"], code, (name, r))
            self.assertEqual(packs_table(), before, name)
        msg = req("PUT", f"{PACKS}/{MODEL}", "guangdong",
                  body=with_change(lambda p: p["groups"][leaf].update(n=2))).json()["error"]["message"]
        self.assertIn(f"groups[{leaf}].n", msg)
        self.assertEqual(req("PUT", f"{PACKS}/nope", "guangdong", body=good).status, 404)

    def test_only_province_and_ministry_admins_manage_packs(self):
        pack = export().json()
        for who in ("guangzhou", "association", "agency", "enterprise"):
            self.assertEqual(req("PUT", f"{PACKS}/{MODEL}", who, body=pack).status, 403, who)
            self.assertEqual(req("GET", PACKS, who).status, 403, who)
            self.assertEqual(export(who).status, 403, who)
        self.assertEqual(req("GET", PACKS).status, 401)
        self.assertEqual(packs_table(), [])


if __name__ == "__main__":
    unittest.main()
