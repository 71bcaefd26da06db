#include "domain/support.h"

namespace rongping::domain {

const std::vector<SupportKind>& SupportKinds() {
  static const std::vector<SupportKind> kKinds = {
      {"fund", "专项资金"},  {"pilot", "试点示范"}, {"standard", "贯标"},
      {"voucher", "服务券"}, {"other", "其他"},
  };
  return kKinds;
}

std::string_view SupportKindLabel(std::string_view id) {
  for (const auto& k : SupportKinds()) {
    if (k.id == id) return k.label;
  }
  return {};
}

}  // namespace rongping::domain
