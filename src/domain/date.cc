#include "domain/date.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>

#include "core/time.h"

namespace rongping::domain {

std::optional<Date> Date::Parse(std::string_view text) {
  auto days = ParseDateDays(text);
  if (!days) return std::nullopt;
  return Date(*days);
}

Date Date::Of(std::string_view text) {
  auto date = Parse(text);
  if (!date) {
    fmt::print(stderr, "domain::Date::Of: not a date: {}\n", text);
    std::abort();
  }
  return *date;
}

Date Date::TodayInChina(const Clock& clock) {
  // The clock writes a valid date; 1970-01-01 would only mean a broken clock.
  return Parse(clock.TodayInChina()).value_or(Date());
}

std::string Date::ToString() const { return FormatDate(days_); }

std::string Date::ToChinese() const {
  const std::string s = ToString();  // YYYY-MM-DD
  return fmt::format("{}年{}月{}日", std::stoi(s.substr(0, 4)), std::stoi(s.substr(5, 2)),
                     std::stoi(s.substr(8, 2)));
}

int Date::year() const { return std::stoi(ToString().substr(0, 4)); }
int Date::month() const { return std::stoi(ToString().substr(5, 2)); }
int Date::day() const { return std::stoi(ToString().substr(8, 2)); }

}  // namespace rongping::domain
