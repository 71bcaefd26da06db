// Time helpers. Times are stored as UTC RFC 3339 text for people and as
// Unix seconds where the store compares them. The Now* and Today* functions
// read the system clock (core/clock.h's SystemClock); rules that depend on
// the time take a Clock instead.
#ifndef RONGPING_CORE_TIME_H_
#define RONGPING_CORE_TIME_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rongping {

// Seconds since the Unix epoch.
int64_t NowUnixSeconds();

// Current time as "2026-12-01T10:40:00.123Z".
std::string NowRfc3339();

// Formats Unix seconds as "2026-12-01T10:40:00Z".
std::string FormatRfc3339(int64_t unix_seconds);
// The same with milliseconds, as NowRfc3339 and stored event times have
// them: "2026-12-01T10:40:00.000Z" (text order is time order among these).
std::string FormatRfc3339Millis(int64_t unix_seconds);

// Days since 1970-01-01 of a "YYYY-MM-DD" date, or nullopt when the text is
// not a valid calendar date.
std::optional<int64_t> ParseDateDays(std::string_view date);

// Today's date in China (UTC+8) as "YYYY-MM-DD".
std::string TodayInChina();

// The instant a day ends in China (Asia/Shanghai, UTC+8, no daylight
// saving) as stored event times are written, RFC 3339 UTC with
// milliseconds: "2016-06-30" → "2016-06-30T16:00:00.000Z". Anything stored
// before it happened by the end of that day. `date` must be a valid
// YYYY-MM-DD date.
std::string ChinaDayEndUtc(std::string_view date);

// Parses an RFC 3339 time with a Z or ±HH:MM offset and optional fraction
// ("2016-05-20T09:30:00+08:00") into Unix seconds; nullopt when malformed.
std::optional<int64_t> ParseRfc3339(std::string_view text);

// Formats days since 1970-01-01 as "YYYY-MM-DD".
std::string FormatDate(int64_t days);

// The date in China (UTC+8), "YYYY-MM-DD", of an RFC 3339 time such as
// "2016-05-10T16:30:00Z" (which is 2016-05-11 in China); nullopt when the
// text is not such a time.
std::optional<std::string> ChinaDateOf(std::string_view rfc3339);
// "YYYY-MM-DD HH:MM" in China time, for people; the input when unparsable.
std::string ChinaDateTimeOf(std::string_view rfc3339);

}  // namespace rongping

#endif  // RONGPING_CORE_TIME_H_
