// Size class of an industrial enterprise (统计上大中小微型企业划分办法 2017) and
// the above-scale flag (规模以上工业企业).
#ifndef RONGPING_CORE_SIZE_CLASS_H_
#define RONGPING_CORE_SIZE_CLASS_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace rongping {

enum class SizeClass { kLarge, kMedium, kSmall, kMicro };

// Industry rule: large needs >= 1000 employees and revenue >= 40,000万元;
// medium >= 300 and >= 2,000万元; small >= 20 and >= 300万元; otherwise
// micro. Meeting only one bound of a class places the enterprise below it.
SizeClass ClassifySize(int64_t employees, double revenue_10k_yuan);

// True when annual main-business revenue is at least 2,000万元.
bool IsAboveScale(double revenue_10k_yuan);

// Stable machine names: "large", "medium", "small", "micro".
std::string_view SizeClassName(SizeClass size);
// 中文 names: 大型, 中型, 小型, 微型.
std::string_view SizeClassLabel(SizeClass size);
std::optional<SizeClass> ParseSizeClass(std::string_view name);

}  // namespace rongping

#endif  // RONGPING_CORE_SIZE_CLASS_H_
