// libFuzzer target for benchmark pack files (rongping import benchmarks,
// PUT /api/v1/benchmark-packs/{model}): the input is read against the
// shipped gbt23020-2013 model.
//
// Any bytes are read or refused with an error, never a crash; a pack that
// is read is written back to the same text when read again, and finding an
// enterprise's peers in it returns one of its groups.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "analytics/benchmark_pack.h"
#include "model/model.h"
#include "scoring/model_loading.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto model = [] {
    auto m = rongping::scoring::SharedModel("gbt23020-2013");
    if (!m) std::abort();
    return *m;
  }();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto pack = rongping::analytics::ParseBenchmarkPack(text, *model);
  if (!pack) return 0;
  const std::string written = rongping::analytics::BenchmarkPackToJson(*pack);
  auto again = rongping::analytics::ParseBenchmarkPack(written, *model);
  if (!again || rongping::analytics::BenchmarkPackToJson(*again) != written) std::abort();
  for (const auto& g : pack->groups) {
    rongping::analytics::GroupKey key{g.industry_division, g.industry_group, "", "", g.size_class, ""};
    auto peers = rongping::analytics::FindPackPeers(*pack, key, {});
    if (!peers || peers->group < pack->groups.data() || peers->group >= pack->groups.data() + pack->groups.size()) {
      std::abort();
    }
  }
  return 0;
}
