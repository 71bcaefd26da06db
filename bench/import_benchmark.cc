// Importing 100,000 enterprises into SQLite through the real import path
// (validation, upsert by USCC, audit), from a table already read.
//
//   build/import_benchmark --benchmark_min_time=1x
#include <benchmark/benchmark.h>

#include <filesystem>

#include "demo/demo.h"
#include "importer/enterprise_import.h"
#include "importer/reference.h"
#include "store/migrations.h"

namespace rongping {
namespace {

void BM_ImportEnterprises(benchmark::State& state) {
  const int64_t n = state.range(0);
  for (auto _ : state) {
    state.PauseTiming();
    auto dir = std::filesystem::temp_directory_path() / "rongping-import-bench";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto db = store::Db::Open("sqlite:" + (dir / "bench.db").string());
    (void)store::Migrate(**db);
    (void)LoadReferenceData(**db);
    auto inputs = demo::PopulationInputs(**db);
    auto table = demo::PopulationTable(
        demo::GeneratePopulation(inputs->first, inputs->second, {n, 42}));
    state.ResumeTiming();
    auto report = ImportEnterprises(**db, table, {});
    if (!report || !report->written || report->inserted != static_cast<size_t>(n)) {
      state.SkipWithError("import failed");
    }
    state.PauseTiming();
    db->reset();
    std::filesystem::remove_all(dir);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_ImportEnterprises)->Arg(100'000)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace rongping

BENCHMARK_MAIN();
