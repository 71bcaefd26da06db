// Importing 100,000 enterprises into SQLite.
//
// BM_ImportEnterprises runs the real import path (validation of every
// field, USCC check, scope, upsert by USCC, one audit record per row, one
// transaction) from a table already read. BM_RawSqliteInsert is the floor
// it is compared with in the same run: the same rows inserted into the same
// table by one prepared INSERT in one transaction on the sqlite3 C API, with
// no validation and no audit.
//
//   build/import_benchmark
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <filesystem>

#include "demo/demo.h"
#include "importer/enterprise_import.h"
#include "importer/reference.h"
#include "store/migrations.h"

namespace rongping {
namespace {

constexpr int64_t kRows = 100'000;

struct Fixture {
  std::filesystem::path dir;
  std::unique_ptr<store::Db> db;
  importer::Table table;

  Fixture() {
    dir = std::filesystem::temp_directory_path() / "rongping-import-bench";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    db = std::move(*store::Db::Open("sqlite:" + (dir / "bench.db").string()));
    (void)store::Migrate(*db);
    (void)LoadReferenceData(*db);
    auto inputs = demo::PopulationInputs(*db);
    table = demo::PopulationTable(demo::GeneratePopulation(inputs->first, inputs->second,
                                                           {kRows, 42}));
  }
  ~Fixture() {
    db.reset();
    std::filesystem::remove_all(dir);
  }
};

void BM_ImportEnterprises(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    auto f = std::make_unique<Fixture>();
    state.ResumeTiming();
    auto report = ImportEnterprises(*f->db, f->table, {});
    if (!report || !report->written || report->inserted != static_cast<size_t>(kRows)) {
      state.SkipWithError("import failed");
    }
    state.PauseTiming();
    f.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_ImportEnterprises)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_RawSqliteInsert(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    auto f = std::make_unique<Fixture>();
    f->db.reset();  // release the file; use a plain connection below
    sqlite3* db = nullptr;
    sqlite3_open((f->dir / "bench.db").c_str(), &db);
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536",
                 nullptr, nullptr,
                 nullptr);
    state.ResumeTiming();
    sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db,
                       "INSERT INTO enterprises (uscc, name, unit_code, industry_code, "
                       "production_type, employees, revenue_10k_yuan, size_class, above_scale, "
                       "ownership, address, contact_name, contact_phone, contact_email, version, "
                       "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'small', 1, "
                       "?8, ?9, ?10, ?11, ?12, 1, 'now', 'now')",
                       -1, &stmt, nullptr);
    for (const auto& row : f->table.rows) {
      for (int c = 0; c < 12; ++c) {
        if (c == 5) {
          sqlite3_bind_int64(stmt, c + 1, std::stoll(row[c]));
        } else if (c == 6) {
          sqlite3_bind_double(stmt, c + 1, std::stod(row[c]));
        } else {
          sqlite3_bind_text(stmt, c + 1, row[c].data(), static_cast<int>(row[c].size()),
                            SQLITE_STATIC);
        }
      }
      if (sqlite3_step(stmt) != SQLITE_DONE) state.SkipWithError(sqlite3_errmsg(db));
      sqlite3_reset(stmt);
    }
    sqlite3_finalize(stmt);
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    state.PauseTiming();
    sqlite3_close(db);
    f.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_RawSqliteInsert)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace rongping

BENCHMARK_MAIN();
