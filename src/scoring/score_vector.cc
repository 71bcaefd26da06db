#include "scoring/score_vector.h"

#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace rongping::scoring {
namespace {

void Append(std::string& out, const std::vector<double>& values) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    if (!std::isnan(values[i])) out += fmt::format("{}", values[i]);
  }
}

bool Parse(std::string_view text, size_t count, std::vector<double>* out) {
  out->clear();
  if (count == 0) return text.empty();
  size_t start = 0;
  for (size_t i = 0; i < count; ++i) {
    size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    if ((i + 1 < count) != (end < text.size())) return false;
    std::string_view item = text.substr(start, end - start);
    double v = std::numeric_limits<double>::quiet_NaN();
    if (!item.empty()) {
      auto [ptr, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
      if (ec != std::errc() || ptr != item.data() + item.size()) return false;
    }
    out->push_back(v);
    start = end + 1;
  }
  return true;
}

}  // namespace

std::string EncodeScoreVector(const ScoreResult& result) {
  std::string out;
  Append(out, result.dimensions);
  out += '|';
  Append(out, result.key_indicators);
  return out;
}

bool DecodeScoreVector(std::string_view text, size_t dimensions, size_t key_indicators,
                       ScoreVector* out) {
  size_t bar = text.find('|');
  if (bar == std::string_view::npos) return false;
  return Parse(text.substr(0, bar), dimensions, &out->dimensions) &&
         Parse(text.substr(bar + 1), key_indicators, &out->key_indicators);
}

}  // namespace rongping::scoring
