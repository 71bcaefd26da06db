// Text checks shared by every input path.
#ifndef RONGPING_CORE_TEXT_H_
#define RONGPING_CORE_TEXT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rongping {

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or values
// above U+10FFFF).
bool IsValidUtf8(std::string_view s);

// Number of code points in valid UTF-8.
size_t CountCodePoints(std::string_view s);

// True when `s` holds a control character (C0 including NUL, DEL, C1) or an
// invisible character that can disguise how text reads: bidirectional
// controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) and
// zero-width characters (U+200B-U+200D, U+2060-U+2064, U+FEFF). Bytes that
// are not valid UTF-8 are not controls (check IsValidUtf8 separately).
bool HasControlCharacter(std::string_view s);

// True when `s` shows at least one character: not only blanks (spaces of
// any width, fillers, variation selectors) and the characters above. For
// names and titles, which must be readable.
bool HasVisibleCharacter(std::string_view s);

// Strips ASCII whitespace and U+3000 (ideographic space) at both ends.
std::string Trim(std::string_view s);

// Parses a decimal number as a user writes it: ASCII or full-width digits,
// optional thousands separators (1,234.5), surrounding spaces. Rejects NaN,
// infinities, exponents and anything else.
std::optional<double> ParseDecimal(std::string_view s);

// Parses a whole number the same way; rejects fractions.
std::optional<int64_t> ParseInteger(std::string_view s);

// Joins items with commas; splits a comma-separated list, dropping empty
// items. For short code lists stored in one column (models, industries).
std::string JoinCodes(const std::vector<std::string>& items);
std::vector<std::string> SplitCodes(std::string_view text);

// Whether `text` is an e-mail address the platform sends to: local@domain
// in printable ASCII, no spaces, quotes, brackets, commas, colons or
// semicolons, a dot inside the domain, at most 254 bytes.
bool IsMailAddress(std::string_view text);

// Appends `s` as a JSON string exactly as nlohmann's compact dump writes it
// with ensure_ascii off: UTF-8 kept, ", \\ and controls escaped, each
// ill-formed byte sequence replaced by U+FFFD.
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace rongping

#endif  // RONGPING_CORE_TEXT_H_
