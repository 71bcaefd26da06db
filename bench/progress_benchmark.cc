// The progress table (附件2) of a province whose round holds 1,000,000
// assessments, from the in-memory snapshot and, side by side, from SQL
// (COUNT DISTINCT ... GROUP BY unit) in SQLite.
//
//   build/progress_benchmark
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <filesystem>

#include <fmt/format.h>

#include "analytics/progress_snapshot.h"
#include "campaign/progress.h"
#include "core/time.h"
#include "core/uscc.h"
#include "importer/reference.h"
#include "store/campaign.h"
#include "store/migrations.h"

namespace rongping {
namespace {

constexpr int64_t kAssessments = 1'000'000;

// A database with one round and kAssessments enterprises, each with one
// assessment, spread over Guangdong's 22 units; built once.
struct Fixture {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "rongping-progress-bench";
  std::unique_ptr<store::Db> db;

  Fixture() {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::string path = (dir / "bench.db").string();
    db = std::move(*store::Db::Open("sqlite:" + path));
    (void)store::Migrate(*db);
    (void)LoadReferenceData(*db);
    (void)InTx(*db, store::TxMode::kWrite, [](store::Tx& tx) -> Result<bool> {
      domain::Round round{"bench", "基准", 2016, "440000", {"gbt23020-2013"}, domain::Date::Of("2016-04-20"),
                               domain::Date::Of("2016-06-30"), domain::Date::Of("2016-06-30"), true, std::nullopt,
                           store::Completion::kSubmitted, store::EntryCount::kEnterprise};
      (void)store::UpsertRound(tx, round);
      (void)store::UpsertTarget(tx, "bench", "440000", "min_completed:1000|min_share_above_scale:50");
      (void)store::UpsertTarget(tx, "bench", "440100", "min_completed:400");
      return true;
    });
    db.reset();
    // Bulk load through one plain connection (foreign keys off for speed).
    sqlite3* raw = nullptr;
    sqlite3_open(path.c_str(), &raw);
    sqlite3_exec(raw, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; BEGIN", nullptr, nullptr, nullptr);
    const char* units[] = {"440100", "440200", "440300", "440400", "440500", "440600", "440606",
                           "440700", "440800", "440900", "441200", "441300", "441400", "441500",
                           "441600", "441700", "441800", "441900", "442000", "445100", "445200",
                           "445300"};
    const char* statuses[] = {"approved", "approved", "approved", "approved", "approved",
                              "approved", "approved", "submitted", "rejected", "draft"};
    sqlite3_stmt *e = nullptr, *a = nullptr, *c = nullptr;
    sqlite3_prepare_v2(raw,
                       "INSERT INTO enterprises (uscc, name, unit_code, industry_code, production_type, "
                       "employees, revenue_10k_yuan, size_class, above_scale, version, created_at, "
                       "updated_at) VALUES (?1, ?2, ?3, '39', 'discrete_mass', 100, 3000, 'small', 1, 1, "
                       "'x', 'x')",
                       -1, &e, nullptr);
    sqlite3_prepare_v2(raw,
                       "INSERT INTO assessments (id, round_code, uscc, model_id, unit_code, "
                       "production_type, status, answers_json, version, created_at, updated_at) VALUES "
                       "(?1, 'bench', ?2, 'gbt23020-2013', ?3, 'discrete_mass', ?4, '{}', 1, 'x', 'x')",
                       -1, &a, nullptr);
    sqlite3_prepare_v2(raw, "INSERT INTO assessment_changes (assessment_id) VALUES (?1)", -1, &c, nullptr);
    // Each assessment's history: one event on a day of May or June 2016.
    sqlite3_stmt* ev = nullptr;
    sqlite3_prepare_v2(raw,
                       "INSERT INTO assessment_events (assessment_id, at, actor, to_status) VALUES (?1, ?2, 'bench', ?3)",
                       -1, &ev, nullptr);
    uint64_t x = 88172645463325252ull;
    for (int64_t i = 1; i <= kAssessments; ++i) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      const char* unit = units[x % 22];
      std::string first17 = fmt::format("91{}{:08}X", unit, i);
      std::string uscc = first17 + UsccCheckCharacter(first17);
      std::string name = fmt::format("企业{}", i);
      sqlite3_bind_text(e, 1, uscc.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(e, 2, name.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(e, 3, unit, -1, SQLITE_STATIC);
      sqlite3_step(e);
      sqlite3_reset(e);
      sqlite3_bind_int64(a, 1, i);
      sqlite3_bind_text(a, 2, uscc.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(a, 3, unit, -1, SQLITE_STATIC);
      sqlite3_bind_text(a, 4, statuses[(x >> 8) % 10], -1, SQLITE_STATIC);
      sqlite3_step(a);
      sqlite3_reset(a);
      sqlite3_bind_int64(c, 1, i);
      sqlite3_step(c);
      sqlite3_reset(c);
      const int64_t day = static_cast<int64_t>(x >> 20) % 61;  // 2016-05-01 + day
      std::string at = FormatRfc3339Millis(*ParseDateDays("2016-05-01") * 86400 + day * 86400 + 3600);
      sqlite3_bind_int64(ev, 1, i);
      sqlite3_bind_text(ev, 2, at.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(ev, 3, statuses[(x >> 8) % 10], -1, SQLITE_STATIC);
      sqlite3_step(ev);
      sqlite3_reset(ev);
    }
    sqlite3_finalize(ev);
    sqlite3_finalize(e);
    sqlite3_finalize(a);
    sqlite3_finalize(c);
    sqlite3_exec(raw, "COMMIT; ANALYZE", nullptr, nullptr, nullptr);
    sqlite3_close(raw);
    db = std::move(*store::Db::Open("sqlite:" + path));
  }
  ~Fixture() {
    db.reset();
    std::filesystem::remove_all(dir);
  }
};

// The day the counts are taken: "today" for the benchmark, so that the
// current state is counted (a day before it is counted from the history).
constexpr const char* kToday = "2016-06-30";

Fixture& F() {
  static Fixture f;
  return f;
}

void BM_SnapshotBuild(benchmark::State& state) {
  for (auto _ : state) {
    analytics::ProgressSnapshot snapshot;
    if (!snapshot.CatchUp(*F().db)) state.SkipWithError("catch-up failed");
    if (snapshot.assessments() != kAssessments) state.SkipWithError("wrong count");
  }
  state.SetItemsProcessed(state.iterations() * kAssessments);
}
BENCHMARK(BM_SnapshotBuild)->Unit(benchmark::kMillisecond)->Iterations(2);

void BM_ProgressFromSnapshot(benchmark::State& state) {
  analytics::ProgressSnapshot snapshot;
  (void)snapshot.CatchUp(*F().db);
  int64_t total = 0;
  for (auto _ : state) {
    auto table = campaign::LoadProgress(*F().db, nullptr, "bench", "", kToday, &snapshot, kToday);
    if (!table) state.SkipWithError("progress failed");
    total = table->total.participating;
  }
  if (total != kAssessments) state.SkipWithError("wrong total");
}
BENCHMARK(BM_ProgressFromSnapshot)->Unit(benchmark::kMillisecond);

void BM_ProgressFromSql(benchmark::State& state) {
  int64_t total = 0;
  for (auto _ : state) {
    auto table = campaign::LoadProgress(*F().db, nullptr, "bench", "", kToday, nullptr, kToday);
    if (!table) state.SkipWithError("progress failed");
    total = table->total.participating;
  }
  if (total != kAssessments) state.SkipWithError("wrong total");
}
BENCHMARK(BM_ProgressFromSql)->Unit(benchmark::kMillisecond)->Iterations(5);

// As of an earlier day: counted from every assessment's event history.
void BM_ProgressAsOfFromHistory(benchmark::State& state) {
  int64_t total = 0;
  for (auto _ : state) {
    auto table = campaign::LoadProgress(*F().db, nullptr, "bench", "", "2016-06-30", nullptr, "2016-07-15");
    if (!table) state.SkipWithError("progress failed");
    total = table->total.participating;
  }
  if (total != kAssessments) state.SkipWithError("wrong total");
}
BENCHMARK(BM_ProgressAsOfFromHistory)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace rongping

BENCHMARK_MAIN();
