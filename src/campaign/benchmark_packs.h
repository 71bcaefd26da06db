// Benchmark packs between installations (analytics/benchmark_pack.h): what
// one exports from a round, what another loads, and the loaded pack a
// diagnosis compares with. Loading and removing are a province or ministry
// admin's (or the operator's, on the command line) and are audited.
#ifndef RONGPING_CAMPAIGN_BENCHMARK_PACKS_H_
#define RONGPING_CAMPAIGN_BENCHMARK_PACKS_H_

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analytics/benchmark_pack.h"
#include "analytics/results_snapshot.h"
#include "domain/principal.h"
#include "core/clock.h"
#include "core/result.h"
#include "store/benchmarks.h"
#include "store/db.h"

namespace rongping::campaign {

// Who acts: a signed-in user, or the operator at the server's shell (no
// scope limits; audited as "cli:<command>").
struct Actor {
  const Principal* user = nullptr;  // null: the operator
  std::string cli_command;          // for the operator's audit entries

  std::string AuditName() const;
};

struct ExportedPack {
  std::string json;
  std::string file_name;        // e.g. "基准数据包-gd-2016-gbt23020-2013.json"
  std::string ascii_file_name;  // e.g. "benchmarks-gd-2016-gbt23020-2013.json"
  int64_t groups = 0;
};

// The pack of `round`'s completed results of `model_id` ("" = the round's
// only model), suppressed for minimum group size k. `installation` names
// the exporting platform ("" = "<scope>两化融合评估诊断平台"); the scope is the
// round's province (its name), and as_of is today in China by `clock`.
//   404 when the round is unknown, or `actor`'s user may not administer it;
//   422 "model_required" when the round offers several models and none is
//       named, "unknown_model" when `model_id` is not one of the round's.
Result<ExportedPack> ExportBenchmarkPack(store::Db& db, analytics::ResultsSnapshot& results, const Actor& actor,
                                         const std::string& round, const std::string& model_id, int64_t k,
                                         const std::string& installation, const Clock& clock = SystemClock::Get());

// Reads, checks (analytics::ParseBenchmarkPack against the installed model
// of the pack's id) and stores `json` as its model's pack, replacing the one
// before; audited with both packs' sources. Returns what was stored
// (without the body).
//   403 unless `actor` is the operator or a province or ministry admin;
//   404 when `expected_model` is given and this installation has no such
//       model;
//   422 as ParseBenchmarkPack, "unknown_model" for a model this
//       installation does not have, "model_mismatch" when `expected_model`
//       is given and the pack is another model's.
Result<store::StoredBenchmarkPack> LoadBenchmarkPack(store::Db& db, const Actor& actor, std::string_view json,
                                                     std::string_view expected_model = {},
                                                     const Clock& clock = SystemClock::Get());

// The loaded packs, without bodies.
Result<std::vector<store::StoredBenchmarkPack>> ListBenchmarkPacks(store::Db& db);

// Removes a model's pack (audited). 403 as for loading; 404 when none.
Result<void> RemoveBenchmarkPack(store::Db& db, const Actor& actor, const std::string& model_id);

// The loaded pack of a model, parsed once per load and shared by readers;
// null when none is loaded or it no longer fits the model (the installed
// model was changed after the load). Thread-safe.
class BenchmarkPackCache {
 public:
  Result<std::shared_ptr<const analytics::BenchmarkPack>> For(store::Db& db, const model::Model& model);

 private:
  struct Entry {
    std::string digest;
    std::string model_hash;
    std::shared_ptr<const analytics::BenchmarkPack> pack;
  };
  std::mutex mu_;
  std::unordered_map<std::string, Entry> by_model_;
};

}  // namespace rongping::campaign

#endif  // RONGPING_CAMPAIGN_BENCHMARK_PACKS_H_
