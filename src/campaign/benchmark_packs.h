// Benchmark packs between installations (analytics/benchmark_pack.h): what
// one exports from a round, what another loads, and the loaded pack a
// diagnosis compares with. A province admin loads and removes its
// province's pack; the ministry and the operator (on the command line) the
// whole installation's, which serves every province that has none of its
// own. Loads and removals are audited.
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
                                         const std::string& installation, const Clock& clock);

// Reads, checks (analytics::ParseBenchmarkPack against the installed model
// of the pack's id) and stores `json` as the pack of its model for the
// actor's province (the whole installation for the ministry and the
// operator), replacing the one before; audited with both packs' sources.
// Returns what was stored (without the body).
//   403 unless `actor` is the operator or a province or ministry admin;
//   404 when `expected_model` is given and this installation has no such
//       model;
//   422 as ParseBenchmarkPack, "unknown_model" for a model this
//       installation does not have, "model_mismatch" when `expected_model`
//       is given and the pack is another model's, "group_size_too_small"
//       when the pack's minimum group size is below `min_group_size` (this
//       installation's: it never shows a figure about fewer).
Result<domain::LoadedBenchmarkPack> LoadBenchmarkPack(store::Db& db, const Actor& actor, std::string_view json,
                                                     std::string_view expected_model, int64_t min_group_size,
                                                     const Clock& clock);

// The loaded packs the actor's diagnoses may use, without bodies: a
// province admin's own and the whole installation's; all for the ministry
// and the operator.
Result<std::vector<domain::LoadedBenchmarkPack>> ListBenchmarkPacks(store::Db& db, const Actor& actor);

// Removes the model's pack of the actor's province (the whole
// installation's for the ministry and the operator); audited. 403 as for
// loading; 404 when there is none.
Result<void> RemoveBenchmarkPack(store::Db& db, const Actor& actor, const std::string& model_id);

// The pack a diagnosis in `province_code` compares with: the province's
// own, else the whole installation's; parsed once per load and shared by
// readers. Null when none is loaded or the one loaded no longer fits the
// model (the installed model was changed after the load). Reads in the
// caller's transaction `tx`: which packs are loaded every time, a pack's
// body only when it changed. Thread-safe.
class BenchmarkPackCache {
 public:
  Result<std::shared_ptr<const analytics::BenchmarkPack>> For(store::Tx& tx, const model::Model& model,
                                                              const std::string& province_code);

 private:
  struct Entry {
    std::string digest;
    std::string model_hash;
    std::shared_ptr<const analytics::BenchmarkPack> pack;
  };
  std::mutex mu_;
  // The pack of one model and province ("" for the whole installation)
  // whose stored digest is `digest` ("" when none is loaded): the cached
  // one, or read and parsed now.
  Result<std::shared_ptr<const analytics::BenchmarkPack>> Stored(store::Tx& tx, const model::Model& model,
                                                                 const std::string& province_code,
                                                                 const std::string& digest);
  std::unordered_map<std::string, Entry> by_key_;  // model id, '\x1f', province
};

}  // namespace rongping::campaign

#endif  // RONGPING_CAMPAIGN_BENCHMARK_PACKS_H_
