// Benchmark packs loaded into this installation (analytics/benchmark_pack.h),
// one per model and province: a province's own, or the whole
// installation's (province_code ""). The newest load replaces the one
// before. The pack is kept as the text it was loaded from, with what a list
// shows beside it.
#ifndef RONGPING_STORE_BENCHMARKS_H_
#define RONGPING_STORE_BENCHMARKS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/benchmark_pack.h"
#include "store/db.h"

namespace rongping::store {

// Stores `pack` (body included; id and digest are made here) as the pack of
// its model and province, replacing any; returns its digest.
Result<std::string> PutBenchmarkPack(Tx& tx, const domain::LoadedBenchmarkPack& pack);

// The pack of the model and province, with its body; nullopt when none is
// loaded.
Result<std::optional<domain::LoadedBenchmarkPack>> FindBenchmarkPack(Tx& tx, std::string_view model_id,
                                                             std::string_view province_code);

// The digests of a model's packs for a province and for the whole
// installation ("" where none is loaded), in one statement: a cheap check
// for a cache. In a read transaction, from memory while no pack was written
// since they were last read (store/memo.h).
struct BenchmarkPackDigests {
  std::string province;      // empty too when province_code is ""
  std::string installation;
};
Result<BenchmarkPackDigests> FindBenchmarkPackDigests(Tx& tx, std::string_view model_id,
                                                      std::string_view province_code);

// Every loaded pack, without bodies, by model id and province.
Result<std::vector<domain::LoadedBenchmarkPack>> ListBenchmarkPacks(Tx& tx);

// Removes the pack of the model and province; false when there was none.
Result<bool> DeleteBenchmarkPack(Tx& tx, std::string_view model_id, std::string_view province_code);

}  // namespace rongping::store

#endif  // RONGPING_STORE_BENCHMARKS_H_
