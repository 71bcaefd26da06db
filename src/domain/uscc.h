// A 统一社会信用代码 (GB 32100-2015) that has been validated: the only way
// to make one from text a person or a file gave is Parse, which checks the
// alphabet, the registering division's form and the check character
// (core/uscc.h). Codes read back from the store, which holds only such
// codes, come through FromStored. It reads as its normalised text.
#ifndef RONGPING_DOMAIN_USCC_H_
#define RONGPING_DOMAIN_USCC_H_

#include <fmt/format.h>

#include <compare>
#include <string>
#include <string_view>

#include "core/result.h"

namespace rongping::domain {

class Uscc {
 public:
  // No code: a record not yet filled in.
  Uscc() = default;

  // The normalised code (full-width characters, lower case and spaces
  // allowed in `input`); kInvalid "invalid_uscc" saying which position is
  // wrong and why.
  static Result<Uscc> Parse(std::string_view input);
  // A code as the store holds it (validated when it was written).
  static Uscc FromStored(std::string code) { return Uscc(std::move(code)); }

  const std::string& str() const { return code_; }
  operator const std::string&() const { return code_; }  // reads as its text
  operator std::string_view() const { return code_; }
  bool empty() const { return code_.empty(); }

  friend bool operator==(const Uscc&, const Uscc&) = default;
  friend auto operator<=>(const Uscc&, const Uscc&) = default;
  friend bool operator==(const Uscc& a, std::string_view b) { return a.code_ == b; }

 private:
  explicit Uscc(std::string code) : code_(std::move(code)) {}
  std::string code_;
};

}  // namespace rongping::domain

template <>
struct fmt::formatter<rongping::domain::Uscc> : fmt::formatter<std::string_view> {
  auto format(const rongping::domain::Uscc& code, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(code.str(), ctx);
  }
};

#endif  // RONGPING_DOMAIN_USCC_H_
