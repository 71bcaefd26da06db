// A hash map keyed by std::string that is searched with a std::string_view
// without making a string (heterogeneous lookup): for hot paths that read
// keys as views, such as rows streamed from the store.
#ifndef RONGPING_CORE_STRING_MAP_H_
#define RONGPING_CORE_STRING_MAP_H_

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace rongping {

struct StringViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

template <typename V>
using StringMap = std::unordered_map<std::string, V, StringViewHash, std::equal_to<>>;

}  // namespace rongping

#endif  // RONGPING_CORE_STRING_MAP_H_
