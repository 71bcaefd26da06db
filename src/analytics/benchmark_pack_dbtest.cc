#include "analytics/benchmark_pack.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <functional>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "auth/auth_service.h"
#include "campaign/benchmark_packs.h"
#include "demo/demo_test_support.h"
#include "model/model.h"
#include "scoring/model_loading.h"
#include "store/benchmarks.h"
#include "store/test_support.h"

namespace rongping::analytics {
namespace {

using Json = nlohmann::json;
using GroupId = std::tuple<std::string, std::string, std::string>;

// Each group's values of every column, taken row by row from the snapshot
// (not from its cells), for an independent check of the pack.
struct RowsByGroup {
  std::map<GroupId, std::vector<std::vector<double>>> values;  // [group][column] -> values without NaN
};

class BenchmarkPackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(demo::testing::LoadGuangdong2016(t_.db()));
    ASSERT_TRUE(snapshot_.CatchUp(t_.db()));
    model_id_ = snapshot_.ModelsOf("gd-2016").at(0);
    auto m = scoring::ResolveModel(model_id_);
    ASSERT_TRUE(m);
    model_ = *m;
  }

  BenchmarkPack Build(int64_t k) {
    return BuildBenchmarkPack(snapshot_, "gd-2016", *model_, k,
                              {"广东省两化融合评估诊断平台", "广东省", "gd-2016", "2016年广东省两化融合评估", "2016-12-31",
                               "2017-01-05T10:00:00.000+08:00"});
  }

  RowsByGroup Rows() {
    RowsByGroup out;
    snapshot_.Read("gd-2016", model_id_, [&](const ResultColumns& c, const ResultsSnapshot& s) {
      auto text = [&](Attribute a, size_t row) { return s.Dictionary(a)[c.AttributesOf(row)[static_cast<int>(a)]]; };
      for (size_t row = 0; row < c.rows(); ++row) {
        const std::string size = text(Attribute::kSize, row), group = text(Attribute::kIndustryGroup, row),
                          division = text(Attribute::kDivision, row);
        for (const GroupId& id : {GroupId{"", "", ""}, GroupId{size, "", ""}, GroupId{size, group, ""},
                                  GroupId{size, group, division}}) {
          auto& columns = out.values[id];
          columns.resize(c.numeric_columns());
          for (size_t j = 0; j < c.numeric_columns(); ++j) {
            const double v = c.Value(j, row);
            if (!std::isnan(v)) columns[j].push_back(v);
          }
        }
      }
    });
    return out;
  }

  testing::TempDb t_;
  ResultsSnapshot snapshot_;
  std::string model_id_;
  std::shared_ptr<const model::Model> model_;
};

TEST_F(BenchmarkPackTest, EveryFigureIsItsGroupsOwn) {
  const BenchmarkPack pack = Build(5);
  const RowsByGroup rows = Rows();
  ASSERT_GT(pack.groups.size(), 20u);
  EXPECT_EQ(pack.columns.size(), 1 + model_->dimensions.size() + model_->key_indicators.size());
  EXPECT_EQ(pack.model_hash, model_->hash);
  int shown = 0;
  for (const PackGroup& g : pack.groups) {
    const auto& columns = rows.values.at({g.size_class, g.industry_group, g.industry_division});
    EXPECT_EQ(g.n, static_cast<int64_t>(columns[0].size()));
    for (size_t j = 0; j < pack.columns.size(); ++j) {
      if (!g.figures[j]) continue;
      ++shown;
      const PackFigure& f = *g.figures[j];
      std::vector<double> values = columns[j];
      ASSERT_EQ(f.n, static_cast<int64_t>(values.size()));
      const Summary s = Summarize(values);
      EXPECT_NEAR(f.mean, s.mean, 1e-9) << pack.columns[j].id;
      if (pack.columns[j].share || f.n < 10) {  // 10 = 2k: fewer values would give themselves away
        EXPECT_TRUE(std::isnan(f.median) && std::isnan(f.p25) && std::isnan(f.p75) && std::isnan(f.p90));
        continue;
      }
      EXPECT_EQ(f.p25, s.p25);
      EXPECT_EQ(f.median, s.median);
      EXPECT_EQ(f.p75, s.p75);
      EXPECT_EQ(f.p90, s.p90);
    }
  }
  EXPECT_GT(shown, 500);
  // The root holds every completed result of the round (the scenario's
  // gd-2015 has results too, in a pack of its own).
  size_t round_rows = 0;
  snapshot_.Read("gd-2016", model_id_, [&](const ResultColumns& c, const ResultsSnapshot&) { round_rows = c.rows(); });
  EXPECT_EQ(pack.groups.front().size_class, "");
  EXPECT_EQ(pack.groups.front().n, static_cast<int64_t>(round_rows));
  EXPECT_EQ(round_rows, 1531u);
}

// No figure rests on fewer than k enterprises, and none withheld can be
// derived: in every column, a shown parent never has exactly one non-empty
// child withheld (each parent is the total of its children).
TEST_F(BenchmarkPackTest, NoFigureAboutFewerThanKNorDerivable) {
  for (int64_t k : {5, 10, 30}) {
    const BenchmarkPack pack = Build(k);
    const RowsByGroup rows = Rows();
    std::map<GroupId, const PackGroup*> shown;
    for (const PackGroup& g : pack.groups) shown[{g.size_class, g.industry_group, g.industry_division}] = &g;
    int withheld = 0;
    for (size_t j = 0; j < pack.columns.size(); ++j) {
      // Children per parent, among the non-empty groups of the column.
      std::map<GroupId, std::vector<GroupId>> children;
      for (const auto& [id, columns] : rows.values) {
        if (columns[j].empty()) continue;
        const auto& [size, group, division] = id;
        if (!division.empty()) children[{size, group, ""}].push_back(id);
        else if (!group.empty()) children[{size, "", ""}].push_back(id);
        else if (!size.empty()) children[{"", "", ""}].push_back(id);
      }
      auto visible = [&](const GroupId& id) {
        auto it = shown.find(id);
        return it != shown.end() && it->second->figures[j].has_value();
      };
      for (const auto& [parent, kids] : children) {
        if (!visible(parent)) continue;
        int hidden = 0;
        for (const auto& kid : kids) hidden += visible(kid) ? 0 : 1;
        withheld += hidden;
        EXPECT_NE(hidden, 1) << "k=" << k << " column " << pack.columns[j].id << " under "
                             << std::get<0>(parent) << "/" << std::get<1>(parent);
      }
    }
    for (const PackGroup& g : pack.groups) {
      EXPECT_GE(g.n, k);
      for (const auto& f : g.figures) {
        if (!f) continue;
        EXPECT_GE(f->n, k);
        if (!std::isnan(f->median)) {
          EXPECT_GE(f->n, 2 * k) << "quantiles of fewer than 2k values";
        }
      }
    }
    EXPECT_GT(withheld, 0) << "k=" << k << ": the demo has small groups, some figures must be withheld";
  }
}

// Read back at every minimum group size.
TEST_F(BenchmarkPackTest, ReadsBackWhatItWrites) {
  for (int64_t k : {5, 10, 20, 30, 40, 60, 80, 120}) {
    const BenchmarkPack pack = Build(k);
    const std::string text = BenchmarkPackToJson(pack);
    auto back = ParseBenchmarkPack(text, *model_);
    ASSERT_TRUE(back) << "k=" << k << ": " << back.error().message;
    EXPECT_EQ(BenchmarkPackToJson(*back), text);
    EXPECT_EQ(back->groups.size(), pack.groups.size());
  }
  const BenchmarkPack pack = Build(5);
  const std::string text = BenchmarkPackToJson(pack);
  auto back = ParseBenchmarkPack(text, *model_);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->source.scope, "广东省");
  // The minimum and maximum are one enterprise's values: never in a pack.
  EXPECT_EQ(text.find("\"min\""), std::string::npos);
  EXPECT_EQ(text.find("\"max\""), std::string::npos);
}

TEST_F(BenchmarkPackTest, RefusesAPackForAnotherModelVersion) {
  Json pack = Json::parse(BenchmarkPackToJson(Build(5)));
  pack["model"]["version"] = "1.0.0";
  pack["model"]["hash"] = std::string(64, 'a');
  auto r = ParseBenchmarkPack(pack.dump(), *model_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalid);
  EXPECT_EQ(r.error().code, "model_mismatch");
  EXPECT_NE(r.error().message.find("1.0.0"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find(model_->version), std::string::npos) << r.error().message;
  pack["model"]["id"] = "sme-digital-2022";
  r = ParseBenchmarkPack(pack.dump(), *model_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "model_mismatch");
}

// Every way a pack can be wrong is refused with the place named.
TEST_F(BenchmarkPackTest, RefusesMalformedPacksNamingThePlace) {
  const Json good = Json::parse(BenchmarkPackToJson(Build(5)));
  ASSERT_GT(good["groups"].size(), 3u);
  // The first division-level group and the index of a distribution column.
  size_t leaf = 0;
  while (good["groups"][leaf]["industry_division"] == "") ++leaf;
  const size_t total_column = 0;
  size_t share_column = 0;
  while (good["columns"][share_column]["kind"] != "share") ++share_column;
  struct Case {
    std::string name;
    std::function<void(Json&)> change;
    std::string field;  // expected in the error's field or message
  };
  const std::vector<Case> cases = {
      {"format", [](Json& p) { p["format"] = "rongping.benchmarks/9"; }, "format"},
      {"not an object", [](Json& p) { p = Json::array(); }, ""},
      {"no source scope", [](Json& p) { p["source"]["scope"] = ""; }, "source"},
      {"control character", [](Json& p) { p["source"]["installation"] = "广东\x1b[2J"; }, "source.installation"},
      {"k zero", [](Json& p) { p["min_group_size"] = 0; }, "min_group_size"},
      {"columns", [](Json& p) { p["columns"].erase(0); }, "columns"},
      {"column id", [](Json& p) { p["columns"][1]["id"] = "dimension.nope"; }, "columns[1]"},
      {"n below k", [&](Json& p) { p["groups"][leaf]["n"] = 4; }, fmt::format("groups[{}].n", leaf)},
      {"size", [&](Json& p) { p["groups"][1]["size_class"] = "huge"; }, "groups[1].size_class"},
      {"division", [&](Json& p) { p["groups"][leaf]["industry_division"] = "3A"; },
       fmt::format("groups[{}].industry_division", leaf)},
      {"duplicate", [&](Json& p) { p["groups"].push_back(p["groups"][leaf]); },
       fmt::format("groups[{}]", good["groups"].size())},
      {"child first", [&](Json& p) { std::swap(p["groups"][0], p["groups"][leaf]); }, "groups[0]"},
      {"child above parent", [&](Json& p) { p["groups"][leaf]["n"] = p["groups"][0]["n"].get<int64_t>() + 1; },
       fmt::format("groups[{}].n", leaf)},
      {"quantiles of few", [&](Json& p) { p["groups"][leaf]["n"] = 9; p["groups"][leaf]["figures"][total_column] = {6, 50, 40, 50, 60, 70}; },
       fmt::format("groups[{}].figures[0]", leaf)},
      {"hash not hex", [](Json& p) { p["model"]["hash"] = std::string(64, 'Z'); }, "model.hash"},
      {"figure n above group", [&](Json& p) { p["groups"][0]["figures"][total_column][0] = 1u << 30; },
       "groups[0].figures[0]"},
      {"share above one", [&](Json& p) { p["groups"][0]["figures"][share_column] = {10, 1.5}; },
       fmt::format("groups[0].figures[{}]", share_column)},
      {"quantiles descending", [&](Json& p) { p["groups"][0]["figures"][total_column] = {10, 50, 60, 55, 70, 80}; },
       "groups[0].figures[0]"},
      {"figure shape", [&](Json& p) { p["groups"][0]["figures"][total_column] = "50"; }, "groups[0].figures[0]"},
      {"figures count", [&](Json& p) { p["groups"][0]["figures"].erase(0); }, "groups[0].figures"},
  };
  for (const auto& c : cases) {
    Json pack = good;
    c.change(pack);
    auto r = ParseBenchmarkPack(pack.dump(), *model_);
    ASSERT_FALSE(r) << c.name;
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalid) << c.name << ": " << r.error().message;
    EXPECT_NE((r.error().field + r.error().message).find(c.field), std::string::npos)
        << c.name << ": " << r.error().field << " " << r.error().message;
  }
  // Not JSON, and JSON nested beyond the limit, before anything is read.
  EXPECT_EQ(ParseBenchmarkPack("{\"format\":", *model_).error().kind, ErrorKind::kMalformed);
  EXPECT_EQ(ParseBenchmarkPack(std::string(100, '[') + std::string(100, ']'), *model_).error().code, "too_deep");
}

// A group withheld as a complement is left out while some of its children
// are shown: such a pack is read, and peers skip the missing level.
TEST_F(BenchmarkPackTest, AGroupLeftOutMayHaveChildrenShown) {
  Json pack = Json::parse(BenchmarkPackToJson(Build(5)));
  // The first division-level group, and its parent.
  std::string size, group;
  for (const Json& g : pack["groups"]) {
    if (g["industry_division"] == "") continue;
    size = g["size_class"];
    group = g["industry_group"];
    break;
  }
  ASSERT_FALSE(group.empty());
  size_t parent = 0;
  for (size_t i = 0; i < pack["groups"].size(); ++i) {
    const Json& g = pack["groups"][i];
    if (g["size_class"] == size && g["industry_group"] == group && g["industry_division"] == "") parent = i;
  }
  ASSERT_GT(parent, 0u);
  pack["groups"].erase(parent);
  auto read = ParseBenchmarkPack(pack.dump(), *model_);
  ASSERT_TRUE(read) << read.error().message;
  const PackGroup* child = nullptr;
  for (const auto& g : read->groups) {
    if (g.size_class == size && g.industry_group == group && !g.industry_division.empty()) child = &g;
  }
  ASSERT_NE(child, nullptr);
  // An enterprise of another division of that group and size: the size level.
  GroupKey key{"00", group, "", "", size, ""};
  auto peers = FindPackPeers(*read, key, {});
  ASSERT_TRUE(peers);
  EXPECT_EQ(peers->group->industry_group, "");
  EXPECT_EQ(peers->group->size_class, size);
}

TEST_F(BenchmarkPackTest, PeersAreTheNarrowestGroupThePackHolds) {
  const BenchmarkPack pack = Build(5);
  const PackGroup* leaf = nullptr;
  for (const auto& g : pack.groups) {
    if (!g.industry_division.empty()) leaf = &g;
  }
  ASSERT_NE(leaf, nullptr);
  GroupKey key{leaf->industry_division, leaf->industry_group, "440100", "440000", leaf->size_class, ""};
  GroupKey labels{"某行业", leaf->industry_group, "广州市", "广东省", "某规模", ""};
  auto peers = FindPackPeers(pack, key, labels);
  ASSERT_TRUE(peers);
  EXPECT_EQ(peers->group, leaf);
  EXPECT_EQ(peers->label, fmt::format("某行业 · 某规模 · 广东省 (n={})", leaf->n));
  // A division the pack does not hold: its industry group and size.
  key.industry_division = labels.industry_division = "00";
  peers = FindPackPeers(pack, key, labels);
  ASSERT_TRUE(peers);
  EXPECT_EQ(peers->group->industry_division, "");
  EXPECT_EQ(peers->group->industry_group, leaf->industry_group);
  // Nothing known of the enterprise but that it exists: all enterprises.
  peers = FindPackPeers(pack, GroupKey{}, GroupKey{});
  ASSERT_TRUE(peers);
  EXPECT_EQ(peers->group, &pack.groups.front());
  EXPECT_EQ(peers->label, fmt::format("全部行业 · 广东省 (n={})", pack.groups.front().n));
  EXPECT_FALSE(FindPackPeers(BenchmarkPack{}, key, labels));
}

// The store keeps one pack per model and province; a new load replaces it,
// with its digest.
TEST_F(BenchmarkPackTest, StoreKeepsOnePackPerModel) {
  domain::LoadedBenchmarkPack p;
  p.model_id = model_id_;
  p.province_code = "440000";
  p.model_version = model_->version;
  p.model_hash = model_->hash;
  p.installation = "全国平台";
  p.scope = "全国";
  p.round = "cn-2016";
  p.round_title = "2016年全国评估";
  p.as_of = "2016-12-31";
  p.groups = 3;
  p.loaded_at = "2026-12-06T10:00:00.000Z";
  p.loaded_by = "guangdong";
  p.body = "{\"x\":1}";
  auto first = InTx(t_.db(), store::TxMode::kWrite, [&](store::Tx& tx) { return store::PutBenchmarkPack(tx, p); });
  ASSERT_TRUE(first) << first.error().message;
  p.scope = "全国（更新）";
  p.body = "{\"x\":2}";
  auto second = InTx(t_.db(), store::TxMode::kWrite, [&](store::Tx& tx) { return store::PutBenchmarkPack(tx, p); });
  ASSERT_TRUE(second);
  EXPECT_NE(*first, *second);
  auto found = InTx(t_.db(), store::TxMode::kRead,
                    [&](store::Tx& tx) { return store::FindBenchmarkPack(tx, model_id_, "440000"); });
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->scope, "全国（更新）");
  EXPECT_EQ((*found)->body, "{\"x\":2}");
  EXPECT_EQ((*found)->digest, *second);
  // The whole installation's pack of the same model is another one.
  p.province_code = "";
  ASSERT_TRUE(InTx(t_.db(), store::TxMode::kWrite, [&](store::Tx& tx) { return store::PutBenchmarkPack(tx, p); }));
  auto list = InTx(t_.db(), store::TxMode::kRead, [&](store::Tx& tx) { return store::ListBenchmarkPacks(tx); });
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ(list->front().province_code, "");
  EXPECT_TRUE(list->front().body.empty());
  auto gone = InTx(t_.db(), store::TxMode::kWrite,
                   [&](store::Tx& tx) { return store::DeleteBenchmarkPack(tx, model_id_, "440000"); });
  ASSERT_TRUE(gone && *gone);
  auto digests = InTx(t_.db(), store::TxMode::kReadOne,
                      [&](store::Tx& tx) { return store::FindBenchmarkPackDigests(tx, model_id_, "440000"); });
  ASSERT_TRUE(digests);
  EXPECT_EQ(digests->province, "");
  EXPECT_FALSE(digests->installation.empty());
  auto installation_only = InTx(t_.db(), store::TxMode::kReadOne,
                                [&](store::Tx& tx) { return store::FindBenchmarkPackDigests(tx, model_id_, ""); });
  ASSERT_TRUE(installation_only);
  EXPECT_EQ(installation_only->province, "");
  EXPECT_EQ(installation_only->installation, digests->installation);
}

// Exporting reads only; loading and removing a pack each commit whole, with
// their audit records, or not at all.
TEST_F(BenchmarkPackTest, AFailingStoreWritesNothing) {
  const Principal province = testing::MakePrincipal(Role::kProvince, "440000", "guangdong");
  const campaign::Actor actor{&province, ""};
  FixedClock clock = FixedClock::AtChinaDate("2017-01-05");
  EXPECT_GE(testing::ExpectAllOrNothing(t_.db(), [&](store::Db& db) {
              ResultsSnapshot fresh;
              return campaign::ExportBenchmarkPack(db, fresh, actor, "gd-2016", model_id_, 5, "", clock);
            }),
            3);
  const std::string json = BenchmarkPackToJson(Build(5));
  EXPECT_GE(testing::ExpectAllOrNothing(t_.db(), [&](store::Db& db) {
              return campaign::LoadBenchmarkPack(db, actor, json, model_id_, 5, clock);
            }),
            3);
  EXPECT_GE(testing::ExpectAllOrNothing(
                t_.db(), [&](store::Db& db) { return campaign::RemoveBenchmarkPack(db, actor, model_id_); }),
            3);
}

}  // namespace
}  // namespace rongping::analytics
