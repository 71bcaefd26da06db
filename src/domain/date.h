// A calendar date as the campaign's rules use it (a round's opening day, its
// closing day, the day contacts are due): a day, not an instant, in China's
// calendar. Dates compare as days, never as text.
#ifndef RONGPING_DOMAIN_DATE_H_
#define RONGPING_DOMAIN_DATE_H_

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace rongping::domain {

class Date {
 public:
  // 1970-01-01. Prefer Parse or FromDays; this exists so that a struct
  // holding a Date can be default-constructed and then filled.
  Date() = default;

  // A valid "YYYY-MM-DD" calendar date (2016-02-29 yes, 2017-02-29 no);
  // nullopt for anything else, including other spellings (2016-6-30,
  // 2016/06/30) and surrounding spaces.
  static std::optional<Date> Parse(std::string_view text);
  // A date written in code (a demo's or a test's constant). REQUIRES: a
  // valid date; aborts otherwise, as it is a typo in the program.
  static Date Of(std::string_view text);
  // The date `days` days after 1970-01-01 (before it when negative).
  static Date FromDays(int64_t days) { return Date(days); }
  // Today in China (UTC+8) by `clock`.
  static Date TodayInChina(const Clock& clock);

  // Days since 1970-01-01.
  int64_t days() const { return days_; }
  // "2016-06-30": the form stored, sent in JSON and accepted by Parse.
  std::string ToString() const;
  // "2016年6月30日", as officials write a date.
  std::string ToChinese() const;
  int year() const;
  int month() const;  // 1-12
  int day() const;    // 1-31

  Date AddDays(int64_t n) const { return Date(days_ + n); }
  // Days from `earlier` to this date (negative when `earlier` is later).
  int64_t DaysSince(Date earlier) const { return days_ - earlier.days_; }

  friend auto operator<=>(const Date&, const Date&) = default;

 private:
  explicit Date(int64_t days) : days_(days) {}
  int64_t days_ = 0;
};

}  // namespace rongping::domain

#endif  // RONGPING_DOMAIN_DATE_H_
