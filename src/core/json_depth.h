// A bound on the nesting of untrusted JSON, checked before it is parsed.
//
// Parsing, copying, printing and destroying a JSON document all cost stack
// in proportion to its nesting, so a small body nested tens of thousands of
// levels deep could exhaust a thread's stack. Every JSON text that comes from
// outside (request bodies, model files, answer files, import lines) is
// checked with JsonNestingExceeds() first and refused when too deep.
#ifndef RONGPING_CORE_JSON_DEPTH_H_
#define RONGPING_CORE_JSON_DEPTH_H_

#include <cstddef>
#include <optional>
#include <string_view>

namespace rongping {

// The deepest nesting of arrays and objects accepted anywhere: far more than
// any legitimate document here uses (a model file nests about 8 levels).
inline constexpr int kMaxJsonDepth = 64;

// The byte offset of the first '[' or '{' that opens level max_depth + 1 of
// `text`, or nullopt when no array or object is nested deeper than
// `max_depth`. Brackets inside strings (with their escapes) do not count.
// Linear in the text's length with constant memory; does not validate the
// rest of the syntax.
std::optional<size_t> JsonNestingExceeds(std::string_view text, int max_depth = kMaxJsonDepth);

}  // namespace rongping

#endif  // RONGPING_CORE_JSON_DEPTH_H_
