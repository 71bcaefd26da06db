#include "core/text.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace rongping {

namespace {

// Decodes the code point at s[*i] and advances *i past it; nullopt (and *i
// advanced by one byte) for a malformed sequence, an overlong, a surrogate or
// a value above U+10FFFF.
std::optional<uint32_t> DecodeMultiByte(std::string_view s, size_t* i);

inline std::optional<uint32_t> DecodeNext(std::string_view s, size_t* i) {
  auto c = static_cast<unsigned char>(s[*i]);
  if (c < 0x80) {  // ASCII: most of what is checked, kept inline
    ++*i;
    return c;
  }
  return DecodeMultiByte(s, i);
}

std::optional<uint32_t> DecodeMultiByte(std::string_view s, size_t* i) {
  auto c = static_cast<unsigned char>(s[*i]);
  int len;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else {
    ++*i;
    return std::nullopt;
  }
  if (*i + len > s.size()) {
    ++*i;
    return std::nullopt;
  }
  for (int k = 1; k < len; ++k) {
    auto b = static_cast<unsigned char>(s[*i + k]);
    if ((b & 0xC0) != 0x80) {
      ++*i;
      return std::nullopt;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
      cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++*i;
    return std::nullopt;
  }
  *i += len;
  return cp;
}

// Controls and the invisible format characters that can hide or reorder
// text as it is shown.
bool IsControlOrDisguise(uint32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) ||  // C0, DEL, C1
         cp == 0x061C ||                              // Arabic letter mark
         (cp >= 0x200B && cp <= 0x200F) ||            // zero-width; LRM, RLM
         (cp >= 0x202A && cp <= 0x202E) ||            // bidi embeddings, overrides
         (cp >= 0x2060 && cp <= 0x2064) ||            // word joiner, invisible operators
         (cp >= 0x2066 && cp <= 0x2069) ||            // bidi isolates
         cp == 0xFEFF;                                // zero-width no-break space
}

// Characters that show as blank space.
bool IsBlank(uint32_t cp) {
  return cp == ' ' || cp == 0xA0 || cp == 0xAD || cp == 0x034F || cp == 0x115F || cp == 0x1160 ||
         cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
         cp == 0x202F || cp == 0x205F || cp == 0x2800 || cp == 0x3000 || cp == 0x3164 ||
         cp == 0xFFA0 || (cp >= 0xFE00 && cp <= 0xFE0F);
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    if (!DecodeNext(s, &i)) return false;
  }
  return true;
}

size_t CountCodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

bool HasControlCharacter(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto cp = DecodeNext(s, &i);
    if (cp && IsControlOrDisguise(*cp)) return true;
  }
  return false;
}

bool HasVisibleCharacter(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto cp = DecodeNext(s, &i);
    if (!cp || (!IsBlank(*cp) && !IsControlOrDisguise(*cp))) return true;
  }
  return false;
}

std::string Trim(std::string_view s) {
  constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
  for (;;) {
    size_t before = s.size();
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' ||
                          s.front() == '\n')) {
      s.remove_prefix(1);
    }
    while (!s.empty() &&
           (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
      s.remove_suffix(1);
    }
    if (s.substr(0, 3) == kIdeographicSpace) s.remove_prefix(3);
    if (s.size() >= 3 && s.substr(s.size() - 3) == kIdeographicSpace) s.remove_suffix(3);
    if (s.size() == before) break;
  }
  return std::string(s);
}

namespace {

// Maps full-width digits, point, minus and comma to ASCII; drops thousands
// separators. Returns nullopt for any other character.
std::optional<std::string> AsciiNumber(std::string_view raw) {
  std::string t = Trim(raw);
  std::string out;
  for (size_t i = 0; i < t.size();) {
    auto c = static_cast<unsigned char>(t[i]);
    if (c == 0xEF && i + 2 < t.size()) {
      // U+FF0C ， U+FF0D － U+FF0E ． U+FF10..FF19 ０-９ are EF BC 8C..99.
      auto c1 = static_cast<unsigned char>(t[i + 1]);
      auto c2 = static_cast<unsigned char>(t[i + 2]);
      if (c1 == 0xBC && c2 >= 0x8C && c2 <= 0x99) {
        char ascii = static_cast<char>(c2 - 0x8C + ',');
        if (ascii != ',') out.push_back(ascii);
        i += 3;
        continue;
      }
      return std::nullopt;
    }
    if (c == ',') {
      ++i;
      continue;
    }
    if ((c >= '0' && c <= '9') || c == '.' || c == '-') {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    return std::nullopt;
  }
  if (out.empty()) return std::nullopt;
  return out;
}

}  // namespace

std::optional<double> ParseDecimal(std::string_view s) {
  auto t = AsciiNumber(s);
  if (!t) return std::nullopt;
  double v = 0;
  auto [ptr, ec] = std::from_chars(t->data(), t->data() + t->size(), v,
                                   std::chars_format::fixed);
  if (ec != std::errc() || ptr != t->data() + t->size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<int64_t> ParseInteger(std::string_view s) {
  auto t = AsciiNumber(s);
  if (!t) return std::nullopt;
  // Accept "120.0" as Excel may write it, but not "120.5".
  if (auto dot = t->find('.'); dot != std::string::npos) {
    if (t->find_first_not_of('0', dot + 1) != std::string::npos) return std::nullopt;
    t->resize(dot);
  }
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(t->data(), t->data() + t->size(), v);
  if (ec != std::errc() || ptr != t->data() + t->size()) return std::nullopt;
  return v;
}

std::string JoinCodes(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += ",";
    out += i;
  }
  return out;
}

std::vector<std::string> SplitCodes(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool IsMailAddress(std::string_view text) {
  if (text.empty() || text.size() > 254) return false;
  const auto at = text.find('@');
  if (at == 0 || at == std::string_view::npos || text.find('@', at + 1) != std::string_view::npos) return false;
  const std::string_view domain = text.substr(at + 1);
  const auto dot = domain.find('.');
  if (dot == 0 || dot == std::string_view::npos || domain.back() == '.') return false;
  for (unsigned char c : text) {
    if (c <= 0x20 || c >= 0x7f) return false;
    switch (c) {
      case '"': case '\'': case '<': case '>': case ',': case ';': case '(': case ')': case '[': case ']':
      case '\\': case ':':
        return false;
      default: break;
    }
  }
  return true;
}

void AppendJsonString(std::string& out, std::string_view s) {
  if (!IsValidUtf8(s)) {
    out += nlohmann::ordered_json(std::string(s))
               .dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    return;
  }
  out += '"';
  size_t plain_from = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s, plain_from, i - plain_from);
    plain_from = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
    }
  }
  out.append(s, plain_from);
  out += '"';
}

}  // namespace rongping
