#include "core/time.h"

#include <chrono>
#include <ctime>

#include <fmt/format.h>

#include "core/clock.h"

namespace rongping {

int64_t NowUnixSeconds() { return SystemClock::Get().NowSeconds(); }

std::string FormatRfc3339(int64_t unix_seconds) {
  std::time_t t = unix_seconds;
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string NowRfc3339() { return SystemClock::Get().NowRfc3339(); }

namespace {

// Howard Hinnant's civil-date algorithms.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

std::optional<int64_t> ParseDateDays(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int64_t v[3] = {0, 0, 0};
  const size_t starts[3] = {0, 5, 8}, lens[3] = {4, 2, 2};
  for (int k = 0; k < 3; ++k) {
    for (size_t i = 0; i < lens[k]; ++i) {
      char c = s[starts[k] + i];
      if (c < '0' || c > '9') return std::nullopt;
      v[k] = v[k] * 10 + (c - '0');
    }
  }
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > kDays[v[1] - 1]) return std::nullopt;
  bool leap = (v[0] % 4 == 0 && v[0] % 100 != 0) || v[0] % 400 == 0;
  if (v[1] == 2 && v[2] == 29 && !leap) return std::nullopt;
  return DaysFromCivil(v[0], static_cast<unsigned>(v[1]), static_cast<unsigned>(v[2]));
}

std::string FormatDate(int64_t days) {
  return FormatRfc3339(days * 86400).substr(0, 10);
}

std::string TodayInChina() { return SystemClock::Get().TodayInChina(); }

std::string FormatRfc3339Millis(int64_t unix_seconds) {
  std::string s = FormatRfc3339(unix_seconds);
  s.pop_back();
  return s + ".000Z";
}

std::string ChinaDayEndUtc(std::string_view date) {
  const int64_t days = ParseDateDays(date).value_or(0);
  return FormatRfc3339Millis((days + 1) * 86400 - 8 * 3600);  // the next midnight in China
}

std::optional<int64_t> ParseRfc3339(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)
  if (s.size() < 20) return std::nullopt;
  auto days = ParseDateDays(s.substr(0, 10));
  if (!days || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':') return std::nullopt;
  auto two = [&](size_t at) -> int {
    char a = s[at], b = s[at + 1];
    if (a < '0' || a > '9' || b < '0' || b > '9') return -1;
    return (a - '0') * 10 + (b - '0');
  };
  const int hour = two(11), minute = two(14), second = two(17);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return std::nullopt;
  size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    const size_t digits = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == digits) return std::nullopt;
  }
  int64_t offset = 0;
  if (i + 1 == s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    offset = 0;
  } else if (i + 6 == s.size() && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
    const int oh = two(i + 1), om = two(i + 4);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return std::nullopt;
    offset = (s[i] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
  } else {
    return std::nullopt;
  }
  return *days * 86400 + hour * 3600 + minute * 60 + second - offset;
}

std::optional<std::string> ChinaDateOf(std::string_view rfc3339) {
  auto t = ParseRfc3339(rfc3339);
  if (!t) return std::nullopt;
  return FormatRfc3339(*t + 8 * 3600).substr(0, 10);
}

std::string ChinaDateTimeOf(std::string_view rfc3339) {
  auto t = ParseRfc3339(rfc3339);
  if (!t) return std::string(rfc3339);
  std::string s = FormatRfc3339(*t + 8 * 3600);  // 2016-05-10T08:30:00Z
  return s.substr(0, 10) + " " + s.substr(11, 5);
}

}  // namespace rongping
