#include "campaign/target_rule.h"

#include <cmath>

#include <fmt/format.h>

#include "core/text.h"

namespace rongping::campaign {

std::optional<int64_t> TargetRule::RequiredCompleted(std::optional<int64_t> above_scale) const {
  std::optional<int64_t> best = min_completed;
  if (min_share_above_scale && above_scale) {
    // At least P% of N enterprises: round up (50% of 957 is 479).
    auto by_share = static_cast<int64_t>(
        std::ceil(*min_share_above_scale * static_cast<double>(*above_scale) / 100.0 - 1e-9));
    best = best ? std::min(*best, by_share) : by_share;
  }
  return best;
}

bool TargetRule::IsMet(int64_t completed, std::optional<int64_t> above_scale) const {
  auto required = RequiredCompleted(above_scale);
  return required && completed >= *required;
}

std::string TargetRule::ToString() const {
  std::string out;
  if (min_completed) out = fmt::format("min_completed:{}", *min_completed);
  if (min_share_above_scale) {
    if (!out.empty()) out += "|";
    out += fmt::format("min_share_above_scale:{}", *min_share_above_scale);
  }
  return out;
}

std::string TargetRule::Describe() const {
  std::string out;
  if (min_completed) out = fmt::format("完成评估不少于{}家", *min_completed);
  if (min_share_above_scale) {
    out += out.empty() ? "完成评估" : "或";
    out += fmt::format("不少于规上工业企业数的{}%", *min_share_above_scale);
  }
  return out;
}

Result<TargetRule> ParseTargetRule(std::string_view text) {
  TargetRule rule;
  auto fail = [&](std::string message) {
    return Fail(Error::Invalid("invalid_target_rule", std::move(message), "rule"));
  };
  std::string t = Trim(text);
  if (t.empty()) return fail("目标规则不能为空");
  size_t start = 0;
  while (start <= t.size()) {
    size_t end = t.find('|', start);
    if (end == std::string::npos) end = t.size();
    std::string part = Trim(std::string_view(t).substr(start, end - start));
    auto colon = part.find(':');
    std::string key = colon == std::string::npos ? part : Trim(part.substr(0, colon));
    std::string value = colon == std::string::npos ? "" : Trim(part.substr(colon + 1));
    if (key == "min_completed") {
      auto n = ParseInteger(value);
      if (!n || *n < 0 || *n > 10'000'000) return fail(fmt::format("“{}”：应为非负整数", part));
      if (rule.min_completed) return fail("min_completed 重复");
      rule.min_completed = *n;
    } else if (key == "min_share_above_scale") {
      auto p = ParseDecimal(value);
      if (!p || *p <= 0 || *p > 100) return fail(fmt::format("“{}”：应为 0 至 100 之间的百分比", part));
      if (rule.min_share_above_scale) return fail("min_share_above_scale 重复");
      rule.min_share_above_scale = *p;
    } else {
      return fail(fmt::format("无法识别的目标规则“{}”：应为 min_completed:N、min_share_above_scale:P 或二者用 | 连接",
                              part.substr(0, 60)));
    }
    start = end + 1;
    if (end == t.size()) break;
  }
  return rule;
}

}  // namespace rongping::campaign
