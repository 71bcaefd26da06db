// A reporting unit's code: a 行政区划代码 (GB/T 2260) of six digits, the
// first two naming the province, the next two the prefecture within it
// (00: the province itself) and the last two the county within that (00:
// the prefecture itself). The only way to make one from text a person or a
// file gave is Parse, which checks that form; codes read back from the
// store, which holds only such codes, come through FromStored. Whether a
// unit of that code takes part in a campaign is the reference tree's
// question (ReferenceIndex), not this type's. It reads as its text.
#ifndef RONGPING_DOMAIN_UNIT_CODE_H_
#define RONGPING_DOMAIN_UNIT_CODE_H_

#include <fmt/format.h>

#include <compare>
#include <string>
#include <string_view>

#include "core/result.h"

namespace rongping::domain {

class UnitCode {
 public:
  enum class Level { kProvince, kPrefecture, kCounty };

  // No code: a record not yet filled in.
  UnitCode() = default;

  // The code; kInvalid "invalid_unit_code" saying why when `text` is not
  // six digits with a province part other than 00, or names a county of
  // prefecture 00.
  static Result<UnitCode> Parse(std::string_view text);
  // A code written in the program (a demo's or a test's constant).
  // REQUIRES: a valid code; aborts otherwise, as it is a typo.
  static UnitCode Of(std::string_view text);
  // A code as the store holds it (validated when it was written).
  static UnitCode FromStored(std::string code) { return UnitCode(std::move(code)); }

  // What the code names by its form: 440000 a province, 440600 a
  // prefecture (地级), 440606 a county-level unit (区县). Only for a parsed
  // code.
  Level level() const;
  // The province this code lies in: 440606 -> 440000.
  UnitCode province() const;
  // The administrative parent by the code's form: a county's prefecture
  // (440606 -> 440600), a prefecture's province (440600 -> 440000); a
  // province has none (empty).
  UnitCode parent() const;

  const std::string& str() const { return code_; }
  operator const std::string&() const { return code_; }  // reads as its text
  operator std::string_view() const { return code_; }
  bool empty() const { return code_.empty(); }

  friend bool operator==(const UnitCode&, const UnitCode&) = default;
  friend auto operator<=>(const UnitCode&, const UnitCode&) = default;
  friend bool operator==(const UnitCode& a, std::string_view b) { return a.code_ == b; }
  friend auto operator<=>(const UnitCode& a, std::string_view b) {
    return std::string_view(a.code_) <=> b;
  }

 private:
  explicit UnitCode(std::string code) : code_(std::move(code)) {}
  std::string code_;
};

}  // namespace rongping::domain

template <>
struct fmt::formatter<rongping::domain::UnitCode> : fmt::formatter<std::string_view> {
  auto format(const rongping::domain::UnitCode& code, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(code.str(), ctx);
  }
};

#endif  // RONGPING_DOMAIN_UNIT_CODE_H_
