// A benchmark pack (全国同行业、同规模 peer figures from another installation)
// as this installation keeps it: what it is and where it came from. The
// pack's figures are analytics::BenchmarkPack.
#ifndef RONGPING_DOMAIN_BENCHMARK_PACK_H_
#define RONGPING_DOMAIN_BENCHMARK_PACK_H_

#include <cstdint>
#include <string>

namespace rongping::domain {

struct LoadedBenchmarkPack {
  int64_t id = 0;
  std::string digest;  // SHA-256 of the body, hex: a cache of the parsed pack keys on it
  std::string model_id;
  std::string province_code;  // "" for the whole installation
  std::string model_version;
  std::string model_hash;
  std::string installation;  // the source, as the pack states it
  std::string scope;
  std::string round;
  std::string round_title;
  std::string as_of;
  int64_t groups = 0;
  std::string loaded_at;  // RFC 3339
  std::string loaded_by;  // username
  std::string body;       // the pack's JSON text; empty unless asked for
};

}  // namespace rongping::domain

#endif  // RONGPING_DOMAIN_BENCHMARK_PACK_H_
