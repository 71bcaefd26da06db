#include "core/size_class.h"

namespace rongping {

SizeClass ClassifySize(int64_t employees, double revenue_10k_yuan) {
  if (employees >= 1000 && revenue_10k_yuan >= 40000) return SizeClass::kLarge;
  if (employees >= 300 && revenue_10k_yuan >= 2000) return SizeClass::kMedium;
  if (employees >= 20 && revenue_10k_yuan >= 300) return SizeClass::kSmall;
  return SizeClass::kMicro;
}

bool IsAboveScale(double revenue_10k_yuan) { return revenue_10k_yuan >= 2000; }

std::string_view SizeClassName(SizeClass size) {
  switch (size) {
    case SizeClass::kLarge: return "large";
    case SizeClass::kMedium: return "medium";
    case SizeClass::kSmall: return "small";
    case SizeClass::kMicro: return "micro";
  }
  return "micro";
}

std::string_view SizeClassLabel(SizeClass size) {
  switch (size) {
    case SizeClass::kLarge: return "大型";
    case SizeClass::kMedium: return "中型";
    case SizeClass::kSmall: return "小型";
    case SizeClass::kMicro: return "微型";
  }
  return "微型";
}

std::optional<SizeClass> ParseSizeClass(std::string_view name) {
  for (auto s : {SizeClass::kLarge, SizeClass::kMedium, SizeClass::kSmall, SizeClass::kMicro}) {
    if (name == SizeClassName(s)) return s;
  }
  return std::nullopt;
}

}  // namespace rongping
