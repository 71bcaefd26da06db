// stats_driver: runs src/analytics/stats on numbers from stdin, for the
// independent check in tests/stats/check_stats.py.
//
// Input, one case per line, three fields separated by '|', each a list of
// numbers separated by blanks ("nan" for a missing value):
//   values | rank queries | flags
// Output, one JSON object per input line:
//   {"n":..,"mean":..,"min":..,"p25":..,"median":..,"p75":..,"p90":..,"max":..,
//    "ranks":[PercentileRank(values, q) for each query],"share":Share(flags)}
// Numbers are printed in their shortest round-trip form; NaN as null.
// Exits 2 on a malformed line.
#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/stats.h"

namespace {

bool ParseNumbers(std::string_view field, std::vector<double>& out) {
  out.clear();
  std::string token;
  size_t i = 0;
  while (i < field.size()) {
    while (i < field.size() && (field[i] == ' ' || field[i] == '\t' || field[i] == '\r')) ++i;
    size_t j = i;
    while (j < field.size() && field[j] != ' ' && field[j] != '\t' && field[j] != '\r') ++j;
    if (j == i) break;
    token.assign(field.substr(i, j - i));
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(token.c_str(), &end);
    if (end != token.c_str() + token.size() || errno == ERANGE) return false;
    out.push_back(v);
    i = j;
  }
  return true;
}

std::string Number(double v) { return std::isfinite(v) ? fmt::format("{}", v) : "null"; }

}  // namespace

int main() {
  namespace analytics = rongping::analytics;
  std::string line;
  std::vector<double> values, queries, flags, scratch;
  int line_no = 0;
  while (std::getline(std::cin, line)) {
    ++line_no;
    if (line.empty()) continue;
    const size_t bar1 = line.find('|');
    const size_t bar2 = bar1 == std::string::npos ? bar1 : line.find('|', bar1 + 1);
    const std::string_view view(line);
    if (bar2 == std::string::npos || !ParseNumbers(view.substr(0, bar1), values) ||
        !ParseNumbers(view.substr(bar1 + 1, bar2 - bar1 - 1), queries) ||
        !ParseNumbers(view.substr(bar2 + 1), flags)) {
      std::fprintf(stderr, "stats_driver: line %d: expected 'values | queries | flags'\n", line_no);
      return 2;
    }
    scratch.resize(values.size());
    const analytics::Summary s = analytics::Summarize(values, scratch);
    std::string out = fmt::format(
        R"({{"n":{},"mean":{},"min":{},"p25":{},"median":{},"p75":{},"p90":{},"max":{},"ranks":[)",
        s.n, Number(s.mean), Number(s.min), Number(s.p25), Number(s.median), Number(s.p75),
        Number(s.p90), Number(s.max));
    for (size_t i = 0; i < queries.size(); ++i) {
      if (i > 0) out += ',';
      out += Number(analytics::PercentileRank(values, queries[i]));
    }
    out += R"(],"share":)" + Number(analytics::Share(flags)) + "}\n";
    std::fputs(out.c_str(), stdout);
  }
  return 0;
}
