// Synthetic enterprise population for demos and `rongping gen`.
//
// Generates a plausible population of industrial enterprises (mostly 规模以上工业企业)
// over a set of reporting units and GB/T 4754 divisions, following
// docs/models-guide.md §3: units weighted by their above-scale counts, an industry
// mix per city (电子 heavy in 深圳/东莞/惠州, 石化/钢铁 in 湛江/茂名, 建材 in 云浮, ...),
// about 2% large / 13% medium / 85% small and micro enterprises with ~90% above
// scale, valid and unique 统一社会信用代码, unique Chinese names, addresses and
// contacts.
//
// The output depends only on the inputs and the seed: the generator uses its own
// PRNG (xoshiro256**) and its own distributions (no std::*_distribution, whose
// output is implementation-defined), so a seed gives the same population on every
// platform.
#ifndef RONGPING_DEMO_POPULATION_H_
#define RONGPING_DEMO_POPULATION_H_

#include <cstdint>
#include <string>
#include <vector>

namespace rongping::demo {

// A reporting unit (a city, or a district carved out of one such as 顺德区).
// `code` is the six-digit GB/T 2260 code; `above_scale` the number of
// above-scale industrial enterprises (0 when unknown).
struct UnitInfo {
  std::string code;
  std::string name;
  std::string group;  // e.g. 珠三角, 粤东, 粤西, 粤北
  int64_t above_scale = 0;
};

// A GB/T 4754-2017 division (two-digit code).
struct IndustryInfo {
  std::string code;
  std::string name;
  std::string group;
};

struct SyntheticEnterprise {
  std::string uscc;  // valid 18-character 统一社会信用代码, unique in a population
  std::string name;  // unique in a population
  std::string unit_code;
  std::string industry_code;
  std::string production_type;  // discrete_mass | discrete_small_batch | process | mixed
  int64_t employees = 0;
  double revenue_10k_yuan = 0;  // 主营业务收入, 万元, rounded to 1 decimal
  std::string ownership;        // state | private | foreign | hmt (港澳台) | collective | other
  std::string address;
  std::string contact_name;
  std::string contact_phone;  // mobile, 11 digits 1[3-9]xxxxxxxxx
  std::string contact_email;  // ASCII
};

struct PopulationOptions {
  int64_t count = 0;
  uint64_t seed = 0;
};

// Generates `options.count` enterprises. `units` are the reporting units only
// (do not pass the province row as well, or it takes a share of its own).
// A district unit with no count of its own whose parent city is also in `units`
// (顺德区 440606 under 佛山市 440600) takes a third of the parent's weight, and
// the parent keeps two thirds. Every unit gets at least min(5, count/units)
// enterprises; the rest are spread in proportion to the weights. Only industry
// codes present in `industries` are used. Returns an empty vector when count
// <= 0 or either list is empty.
std::vector<SyntheticEnterprise> GeneratePopulation(const std::vector<UnitInfo>& units,
                                                    const std::vector<IndustryInfo>& industries,
                                                    const PopulationOptions& options);

}  // namespace rongping::demo

#endif  // RONGPING_DEMO_POPULATION_H_
