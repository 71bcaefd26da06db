#include "http/target.h"

namespace rongping::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool PercentDecode(std::string_view in, bool plus_is_space, std::string* out) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int high = HexValue(in[i + 1]);
      int low = HexValue(in[i + 2]);
      if (high < 0 || low < 0) return false;
      c = static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    }
    if (c == '\0') return false;
    out->push_back(c);
  }
  return true;
}

bool ParseTarget(std::string_view target, std::string* path,
                 std::map<std::string, std::string>* query) {
  if (target.empty() || target.front() != '/') return false;
  size_t question = target.find('?');
  if (!PercentDecode(target.substr(0, question), /*plus_is_space=*/false, path)) return false;
  if (question == std::string_view::npos) return true;

  std::string_view rest = target.substr(question + 1);
  std::string key;
  std::string value;
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view piece = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    if (!PercentDecode(piece.substr(0, eq), /*plus_is_space=*/true, &key)) return false;
    value.clear();
    if (eq != std::string_view::npos &&
        !PercentDecode(piece.substr(eq + 1), /*plus_is_space=*/true, &value)) {
      return false;
    }
    (*query)[key] = value;
  }
  return true;
}

}  // namespace rongping::http
