#include "domain/unit_code.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace rongping::domain {

Result<UnitCode> UnitCode::Parse(std::string_view text) {
  const bool digits = text.size() == 6 && std::all_of(text.begin(), text.end(),
                                                      [](char c) { return c >= '0' && c <= '9'; });
  if (!digits) return Fail(Error::Invalid("invalid_unit_code", "应为6位数字的行政区划代码"));
  if (text.substr(0, 2) == "00") {
    return Fail(Error::Invalid("invalid_unit_code", "行政区划代码的前两位（省级）不能为00"));
  }
  if (text.substr(2, 2) == "00" && text.substr(4) != "00") {
    return Fail(Error::Invalid("invalid_unit_code",
                               "行政区划代码的中间两位（地级）为00时，后两位也应为00"));
  }
  return UnitCode(std::string(text));
}

UnitCode UnitCode::Of(std::string_view text) {
  auto code = Parse(text);
  if (!code) {
    fmt::print(stderr, "domain::UnitCode::Of: not a unit code: {}\n", text);
    std::abort();
  }
  return *std::move(code);
}

UnitCode::Level UnitCode::level() const {
  if (code_.size() != 6 || code_.compare(4, 2, "00") != 0) return Level::kCounty;
  return code_.compare(2, 2, "00") == 0 ? Level::kProvince : Level::kPrefecture;
}

UnitCode UnitCode::province() const { return UnitCode(code_.substr(0, 2) + "0000"); }

UnitCode UnitCode::parent() const {
  switch (level()) {
    case Level::kProvince:
      return UnitCode();
    case Level::kPrefecture:
      return province();
    case Level::kCounty:
      break;
  }
  return UnitCode(code_.substr(0, 4) + "00");
}

}  // namespace rongping::domain
