// Reading JSON text that comes from outside: request bodies, model files,
// answer files, import lines. On top of nlohmann's parser this refuses what
// that parser would let through or could not survive:
//   - nesting deeper than kMaxJsonDepth, refused before parsing;
//   - a NUL byte, which the parser takes for the end of the text, silently
//     ignoring whatever follows it;
//   - a key given twice in one object, of which the parser would silently
//     keep the last ({"username":"a","username":"b"}).
//
// Include only in .cc files that read JSON: it brings in nlohmann/json.hpp.
#ifndef RONGPING_CORE_JSON_PARSE_H_
#define RONGPING_CORE_JSON_PARSE_H_

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/json_depth.h"
#include "core/result.h"
#include "core/text.h"

namespace rongping {

// Parses `text` as one JSON value of type JsonT (nlohmann::json or
// nlohmann::ordered_json). On failure the error says what is wrong, in
// Chinese, without a subject ("不是有效的 JSON（第 12 字节附近）"), for the
// caller to put after its own ("请求体"); *error_byte (when given) is set to
// the 0-based byte offset of the problem, or text.size() when it has none.
//   kInvalid   "too_deep"      nesting deeper than kMaxJsonDepth
//   kMalformed "invalid_json"  a NUL byte, bad syntax or UTF-8, a number
//                              out of range, a duplicate key
template <typename JsonT>
Result<JsonT> ParseJsonText(std::string_view text, size_t* error_byte = nullptr) {
  auto fail = [&](ErrorKind kind, const char* code, std::string message, size_t byte) {
    if (error_byte) *error_byte = byte;
    return Fail(Error{kind, code, std::move(message), {}});
  };
  if (auto at = JsonNestingExceeds(text)) {
    return fail(ErrorKind::kInvalid, "too_deep",
                fmt::format("JSON 的嵌套超过 {} 层（第 {} 字节处）", kMaxJsonDepth, *at + 1), *at);
  }
  if (size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return fail(ErrorKind::kMalformed, "invalid_json",
                fmt::format("不是有效的 JSON：第 {} 字节是 NUL 字符", nul + 1), nul);
  }
  // The keys seen in each open object (arrays get an unused entry, so that
  // the innermost open container is always the back).
  std::vector<std::set<std::string>> open;
  std::string duplicate;
  bool has_duplicate = false;
  auto watch = [&](int, typename JsonT::parse_event_t event, JsonT& parsed) {
    using Event = typename JsonT::parse_event_t;
    switch (event) {
      case Event::object_start:
      case Event::array_start:
        open.emplace_back();
        break;
      case Event::object_end:
      case Event::array_end:
        if (!open.empty()) open.pop_back();
        break;
      case Event::key:
        if (!open.empty() && !has_duplicate && !open.back().insert(parsed.template get<std::string>()).second) {
          has_duplicate = true;
          duplicate = parsed.template get<std::string>();
        }
        break;
      default:
        break;
    }
    return true;
  };
  JsonT value;
  try {
    value = JsonT::parse(text.begin(), text.end(), watch);
  } catch (const typename JsonT::parse_error& e) {
    size_t byte = e.byte > 0 ? e.byte - 1 : 0;
    return fail(ErrorKind::kMalformed, "invalid_json",
                fmt::format("不是有效的 JSON（第 {} 字节附近）", byte + 1), byte);
  } catch (const typename JsonT::exception&) {
    return fail(ErrorKind::kMalformed, "invalid_json", "JSON 中含有无法表示的数值", text.size());
  }
  if (has_duplicate) {
    std::string shown = IsValidUtf8(duplicate) && !HasControlCharacter(duplicate) && duplicate.size() <= 64
                            ? duplicate
                            : std::string("(无法显示)");
    return fail(ErrorKind::kMalformed, "invalid_json", fmt::format("JSON 对象中的键“{}”出现了不止一次", shown),
                text.size());
  }
  return value;
}

}  // namespace rongping

#endif  // RONGPING_CORE_JSON_PARSE_H_
