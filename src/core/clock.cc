#include "core/clock.h"

#include <chrono>
#include <cstdlib>

#include <fmt/format.h>

#include "core/time.h"

namespace rongping {

namespace {

// Whole seconds of `ms`, rounded down (also before the epoch).
int64_t FloorSeconds(int64_t ms) { return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000); }

}  // namespace

int64_t Clock::NowSeconds() const { return FloorSeconds(NowMillis()); }

std::string Clock::NowRfc3339() const {
  return Rfc3339OfMillis(NowMillis());  // read once: seconds and milliseconds of one instant
}

std::string Clock::Rfc3339OfMillis(int64_t ms) {
  const int64_t seconds = FloorSeconds(ms);
  std::string s = FormatRfc3339(seconds);
  s.pop_back();
  return fmt::format("{}.{:03}Z", s, ms - seconds * 1000);
}

std::string Clock::TodayInChina() const { return FormatRfc3339(NowSeconds() + 8 * 3600).substr(0, 10); }

const SystemClock& SystemClock::Get() {
  static const SystemClock clock;
  return clock;
}

int64_t SystemClock::NowMillis() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

FixedClock FixedClock::AtChinaDate(const std::string& date, int hours) {
  const auto days = ParseDateDays(date);
  if (!days) std::abort();  // a test's typo, not a time
  return FixedClock((*days * 86400 - 8 * 3600 + int64_t{hours} * 3600) * 1000);
}

}  // namespace rongping
