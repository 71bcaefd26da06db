// The analytics snapshot over a round of 1,000,000 scored assessments made
// by the same generator as `rongping gen` (population, answers, scoring):
// building the snapshot from the tables and its memory per assessment,
// data-map slices (p50 and p99 over a fixed mix of slices), one diagnosis,
// and side by side the same data-map aggregate as SQL in SQLite.
//
//   build/analytics_benchmark [--benchmark_filter=...]
//
// RONGPING_BENCH_ASSESSMENTS overrides the size (default 1000000). The
// database is generated once into /tmp/rongping-analytics-bench and reused
// by later runs of the same size.
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "analytics/datamap.h"
#include "analytics/diagnosis.h"
#include "analytics/results_snapshot.h"
#include "core/size_class.h"
#include "demo/answers_gen.h"
#include "demo/population.h"
#include "importer/reference.h"
#include "model/model.h"
#include "scoring/model_loading.h"
#include "scoring/score_vector.h"
#include "store/campaign.h"
#include "store/copy.h"
#include "store/migrations.h"

namespace rongping {
namespace {

int64_t Assessments() {
  const char* env = std::getenv("RONGPING_BENCH_ASSESSMENTS");
  return env ? std::max<int64_t>(1000, std::atoll(env)) : 1'000'000;
}

const char* kSelectCount = "SELECT COUNT(*) FROM assessments WHERE round_code = 'bench'";

struct Fixture {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "rongping-analytics-bench";
  std::string path;
  std::unique_ptr<store::Db> db;
  std::shared_ptr<const model::Model> model = *scoring::SharedModel("gbt23020-2013");
  std::vector<demo::SyntheticEnterprise> population;
  analytics::ResultsSnapshot snapshot;

  Fixture() {
    const int64_t n = Assessments();
    std::filesystem::create_directories(dir);
    path = (dir / fmt::format("bench-{}.db", n)).string();
    population = demo::GeneratePopulation(demo::ShippedGuangdongUnits(), demo::ShippedIndustries(),
                                          {n, 1});
    if (CountIn(path) != n) Generate();
    db = std::move(*store::Db::Open("sqlite:" + path));
    (void)store::Migrate(*db);  // a fixture made by an earlier version
    (void)snapshot.CatchUp(*db);
    snapshot.WaitForSorting();
  }

  static int64_t CountIn(const std::string& path) {
    if (!std::filesystem::exists(path)) return -1;
    sqlite3* raw = nullptr;
    sqlite3_open(path.c_str(), &raw);
    int64_t count = -1;
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(raw, kSelectCount, -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
      count = sqlite3_column_int64(s, 0);
    }
    sqlite3_finalize(s);
    sqlite3_close(raw);
    return count;
  }

  // Every enterprise gets one approved, scored assessment in round "bench"
  // (all of them: the model's applies_to is not applied, so that the round
  // holds exactly the requested number).
  void Generate() {
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-wal");
    std::filesystem::remove(path + "-shm");
    {
      auto created = std::move(*store::Db::Open("sqlite:" + path));
      (void)store::Migrate(*created);
      (void)LoadReferenceData(*created);
      (void)InTx(*created, store::TxMode::kWrite, [](store::Tx& tx) -> Result<bool> {
        domain::Round round{"bench", "基准", 2016, "440000", {"gbt23020-2013"}, domain::Date::Of("2016-04-20"),
                                 domain::Date::Of("2016-06-30"), domain::Date::Of("2016-06-30"), true, std::nullopt};
        (void)store::UpsertRound(tx, round);
        return true;
      });
    }
    sqlite3* raw = nullptr;
    sqlite3_open(path.c_str(), &raw);
    sqlite3_exec(raw, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; BEGIN", nullptr, nullptr, nullptr);
    sqlite3_stmt *e = nullptr, *a = nullptr, *c = nullptr;
    sqlite3_prepare_v2(raw,
                       "INSERT INTO enterprises (uscc, name, unit_code, industry_code, production_type, "
                       "employees, revenue_10k_yuan, size_class, above_scale, ownership, version, "
                       "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1, 'x', 'x')",
                       -1, &e, nullptr);
    sqlite3_prepare_v2(raw,
                       "INSERT INTO assessments (id, round_code, uscc, model_id, unit_code, production_type, "
                       "status, answers_json, version, total, level_index, level_id, model_hash, "
                       "score_vector, created_at, updated_at) VALUES (?1, 'bench', ?2, 'gbt23020-2013', "
                       "?3, ?4, 'approved', '{}', 1, ?5, ?6, ?7, ?8, ?9, 'x', 'x')",
                       -1, &a, nullptr);
    sqlite3_prepare_v2(raw, "INSERT INTO assessment_changes (assessment_id) VALUES (?1)", -1, &c, nullptr);
    demo::AnswerGenerator generator(model);
    int64_t id = 0;
    for (const auto& p : population) {
      ++id;
      auto answers = generator.Generate(p, 0, 1);
      auto result = scoring::Score(*model, answers.answers, answers.production_type);
      SizeClass size = ClassifySize(p.employees, p.revenue_10k_yuan);
      std::string size_name(SizeClassName(size));
      std::string vector = scoring::EncodeScoreVector(result);
      sqlite3_bind_text(e, 1, p.uscc.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_text(e, 2, p.name.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_text(e, 3, p.unit_code.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_text(e, 4, p.industry_code.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_text(e, 5, p.production_type.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_int64(e, 6, p.employees);
      sqlite3_bind_double(e, 7, p.revenue_10k_yuan);
      sqlite3_bind_text(e, 8, size_name.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_int(e, 9, IsAboveScale(p.revenue_10k_yuan) ? 1 : 0);
      sqlite3_bind_text(e, 10, p.ownership.c_str(), -1, SQLITE_STATIC);
      sqlite3_step(e);
      sqlite3_reset(e);
      sqlite3_bind_int64(a, 1, id);
      sqlite3_bind_text(a, 2, p.uscc.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_text(a, 3, p.unit_code.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_text(a, 4, p.production_type.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_double(a, 5, result.total);
      sqlite3_bind_int(a, 6, result.level);
      sqlite3_bind_text(a, 7, model->levels[result.level].id.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_text(a, 8, model->hash.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_text(a, 9, vector.c_str(), -1, SQLITE_STATIC);
      sqlite3_step(a);
      sqlite3_reset(a);
      sqlite3_bind_int64(c, 1, id);
      sqlite3_step(c);
      sqlite3_reset(c);
    }
    sqlite3_finalize(e);
    sqlite3_finalize(a);
    sqlite3_finalize(c);
    sqlite3_exec(raw, "COMMIT; ANALYZE", nullptr, nullptr, nullptr);
    sqlite3_close(raw);
  }
};

Fixture& F() {
  static Fixture f;
  return f;
}

// A fixed mix of slices an official would ask for: by each attribute, over
// the province, a city, an industry group and a size class.
std::vector<analytics::DataMapQuery> SliceMix() {
  std::vector<analytics::DataMapQuery> out;
  const analytics::Attribute bys[] = {analytics::Attribute::kUnit, analytics::Attribute::kIndustryGroup,
                                      analytics::Attribute::kDivision, analytics::Attribute::kSize,
                                      analytics::Attribute::kProductionType,
                                      analytics::Attribute::kOwnership};
  for (auto by : bys) {
    analytics::DataMapQuery q;
    q.round = "bench";
    q.by = by;
    out.push_back(q);
    q.units = std::set<std::string>{"440300"};
    out.push_back(q);
    q.units.reset();
    q.industry_group = "电子信息";
    out.push_back(q);
    q.industry_group.clear();
    q.size = "medium";
    out.push_back(q);
  }
  return out;
}

void BM_SnapshotBuild(benchmark::State& state) {
  const int64_t n = Assessments();
  store::Db& db = *F().db;  // generated before the timing
  double sorted_seconds = 0;
  for (auto _ : state) {
    auto started = std::chrono::steady_clock::now();
    analytics::ResultsSnapshot snapshot;
    if (!snapshot.CatchUp(db)) state.SkipWithError("catch-up failed");
    if (static_cast<int64_t>(snapshot.rows()) != n) state.SkipWithError("wrong count");
    // Ready to answer from here; the cells' sorted values follow in the
    // background. Outside the timing: when they are all made, and the memory then.
    state.PauseTiming();
    snapshot.WaitForSorting();
    sorted_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    state.counters["bytes_per_assessment"] =
        static_cast<double>(snapshot.MemoryBytes()) / static_cast<double>(n);
    state.ResumeTiming();
  }
  state.counters["sorted_s"] = sorted_seconds / static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_SnapshotBuild)->Unit(benchmark::kMillisecond)->Iterations(6);

void Percentiles(benchmark::State& state, std::vector<double>& micros) {
  std::sort(micros.begin(), micros.end());
  auto at = [&](double p) { return micros[static_cast<size_t>(p * static_cast<double>(micros.size() - 1))]; };
  state.counters["p50_ms"] = at(0.50) / 1000;
  state.counters["p99_ms"] = at(0.99) / 1000;
  state.counters["max_ms"] = micros.back() / 1000;
}

void BM_DataMapSlice(benchmark::State& state) {
  (void)F();  // generated before the timing
  auto mix = SliceMix();
  std::vector<double> micros;
  size_t i = 0;
  for (auto _ : state) {
    auto started = std::chrono::steady_clock::now();
    auto map = analytics::BuildDataMap(F().snapshot, mix[i++ % mix.size()]);
    micros.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - started).count());
    if (!map) state.SkipWithError("data map failed");
    benchmark::DoNotOptimize(map);
  }
  Percentiles(state, micros);
}
BENCHMARK(BM_DataMapSlice)->Unit(benchmark::kMicrosecond)->Iterations(2400);

// The same aggregate as the province-by-unit slice: count, mean total and
// stage distribution per unit, in SQL (the same text for both backends).
constexpr std::string_view kDataMapSql =
    "SELECT a.unit_code, COUNT(*), AVG(a.total), SUM(CASE WHEN a.level_index = 0 THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN a.level_index = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN a.level_index = 2 THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN a.level_index = 3 THEN 1 ELSE 0 END) FROM assessments a JOIN rounds r ON r.code = "
    "a.round_code WHERE a.round_code = 'bench' AND (a.status = 'approved' OR (a.status = "
    "'submitted' AND r.completion = 'submitted')) GROUP BY a.unit_code";

void RunDataMapSql(benchmark::State& state, store::Db& db) {
  int64_t rows = 0;
  for (auto _ : state) {
    auto r = InTx(db, store::TxMode::kRead, [](store::Tx& tx) { return tx.Query(kDataMapSql); });
    if (!r) state.SkipWithError("query failed");
    rows = static_cast<int64_t>(r->size());
  }
  if (rows < 20) state.SkipWithError("too few units");
}

void BM_DataMapSql(benchmark::State& state) { RunDataMapSql(state, *F().db); }
BENCHMARK(BM_DataMapSql)->Unit(benchmark::kMillisecond)->Iterations(5);

// The same in PostgreSQL: RONGPING_BENCH_PG names an empty database, into
// which the fixture is copied once (rongping copy), or one it was copied to.
void BM_DataMapPostgres(benchmark::State& state) {
  const char* url = std::getenv("RONGPING_BENCH_PG");
  if (!url || !*url) {
    state.SkipWithError("RONGPING_BENCH_PG not set");
    return;
  }
  auto db = store::Db::Open(url);
  if (!db) {
    state.SkipWithError(db.error().message.c_str());
    return;
  }
  auto held = InTx(**db, store::TxMode::kRead, [](store::Tx& tx) { return tx.Query("SELECT COUNT(*) FROM assessments"); });
  if (!held || held->rows[0].Int(0) == 0) {  // no table yet, or empty
    auto copied = store::CopyDatabase(*F().db, **db);
    if (!copied) {
      state.SkipWithError(copied.error().message.c_str());
      return;
    }
    (void)InTx(**db, store::TxMode::kWrite, [](store::Tx& tx) { return tx.Exec("ANALYZE"); });
  }
  RunDataMapSql(state, **db);
}
BENCHMARK(BM_DataMapPostgres)->Unit(benchmark::kMillisecond)->Iterations(5);

// One enterprise's diagnosis against its peers, over a rotating sample of
// enterprises (each scored here, outside the timing).
void BM_Diagnosis(benchmark::State& state) {
  const auto& f = F();
  const model::Model& m = *f.model;
  demo::AnswerGenerator generator(f.model);
  std::map<std::string, std::string> group_of;
  for (const auto& info : demo::ShippedIndustries()) group_of[info.code] = info.group;
  struct Case {
    analytics::GroupKey key;
    scoring::ScoreResult result;
  };
  std::vector<Case> cases;
  for (size_t i = 0; i < 200; ++i) {
    const auto& p = f.population[i * (f.population.size() / 200)];
    auto answers = generator.Generate(p, 0, 1);
    cases.push_back({{p.industry_code, group_of[p.industry_code], p.unit_code, "440000",
                      std::string(SizeClassName(ClassifySize(p.employees, p.revenue_10k_yuan))), ""},
                     scoring::Score(m, answers.answers, answers.production_type)});
  }
  std::vector<double> micros;
  size_t i = 0;
  int64_t peers = 0;
  for (auto _ : state) {
    const Case& c = cases[i++ % cases.size()];
    auto started = std::chrono::steady_clock::now();
    auto d = analytics::Diagnose(f.snapshot, "bench", m, c.key, c.key, c.result, 5);
    micros.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - started).count());
    if (!d.has_peers) state.SkipWithError("no peers");
    peers += d.peer_n;
    benchmark::DoNotOptimize(d);
  }
  Percentiles(state, micros);
  state.counters["mean_peers"] = static_cast<double>(peers) / static_cast<double>(state.iterations());
  f.snapshot.Read("bench", "gbt23020-2013", [&](const analytics::ResultColumns& c, const analytics::ResultsSnapshot&) {
    state.counters["cells"] = static_cast<double>(c.cells.size());
  });
}
BENCHMARK(BM_Diagnosis)->Unit(benchmark::kMicrosecond)->Iterations(1000);

}  // namespace
}  // namespace rongping

BENCHMARK_MAIN();
