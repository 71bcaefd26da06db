// Wall-clock helpers. Times are stored as UTC RFC 3339 text for people and as
// Unix seconds where the store compares them.
#ifndef RONGPING_CORE_TIME_H_
#define RONGPING_CORE_TIME_H_

#include <cstdint>
#include <string>

namespace rongping {

// Seconds since the Unix epoch.
int64_t NowUnixSeconds();

// Current time as "2026-12-01T10:40:00.123Z".
std::string NowRfc3339();

// Formats Unix seconds as "2026-12-01T10:40:00Z".
std::string FormatRfc3339(int64_t unix_seconds);

}  // namespace rongping

#endif  // RONGPING_CORE_TIME_H_
