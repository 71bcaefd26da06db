// Where the time comes from. Every rule that depends on the date (a round
// open or closed, a deadline, a session or job expiring, the date of a
// circular, the time a submission or review is recorded) reads it from a
// Clock passed in, so that it can be tested at a fixed time; the program
// runs on SystemClock.
#ifndef RONGPING_CORE_CLOCK_H_
#define RONGPING_CORE_CLOCK_H_

#include <atomic>
#include <cstdint>
#include <string>

namespace rongping {

class Clock {
 public:
  virtual ~Clock() = default;

  // Milliseconds since the Unix epoch (UTC).
  virtual int64_t NowMillis() const = 0;

  // Whole seconds since the Unix epoch.
  int64_t NowSeconds() const;
  // The instant as stored: "2026-12-01T10:40:00.123Z".
  std::string NowRfc3339() const;
  // An instant given in milliseconds since the epoch, as NowRfc3339 writes it.
  static std::string Rfc3339OfMillis(int64_t unix_millis);
  // The date in China (UTC+8, no daylight saving) as "YYYY-MM-DD".
  std::string TodayInChina() const;
};

// The system's wall clock. Thread-safe.
class SystemClock final : public Clock {
 public:
  // The one instance.
  static const SystemClock& Get();
  int64_t NowMillis() const override;
};

// A clock that stands still until moved: for tests. Thread-safe.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(int64_t millis) : millis_(millis) {}
  // At 00:00 China time of a "YYYY-MM-DD" day plus `hours`. REQUIRES: a
  // valid date (aborts otherwise: it is a test's typo).
  static FixedClock AtChinaDate(const std::string& date, int hours = 10);

  int64_t NowMillis() const override { return millis_.load(); }
  void Set(int64_t millis) { millis_.store(millis); }
  void AdvanceSeconds(int64_t seconds) { millis_.fetch_add(seconds * 1000); }

 private:
  std::atomic<int64_t> millis_;
};

}  // namespace rongping

#endif  // RONGPING_CORE_CLOCK_H_
