#include "importer/table.h"

#include <errno.h>
#include <iconv.h>
#include <zip.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/core.h>
#include <pugixml.hpp>

namespace rongping::importer {
namespace {

constexpr size_t kRatioFloorBytes = 1 << 20;  // ratio guard applies above this
constexpr size_t kReadChunkBytes = 64 << 10;
constexpr int kMaxSpreadsheetColumn = 16384;  // XFD

// ---------------------------------------------------------------------------
// Text helpers

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::string TrimAscii(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && IsAsciiSpace(s[b])) ++b;
  while (e > b && IsAsciiSpace(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

// Trims ASCII whitespace plus U+3000 (ideographic space), U+00A0 (no-break
// space) and U+FEFF (BOM / zero-width no-break space).
std::string TrimHeader(std::string_view s) {
  static constexpr std::string_view kWide[] = {"\xE3\x80\x80", "\xC2\xA0", "\xEF\xBB\xBF"};
  bool changed = true;
  while (changed && !s.empty()) {
    changed = false;
    while (!s.empty() && IsAsciiSpace(s.front())) { s.remove_prefix(1); changed = true; }
    while (!s.empty() && IsAsciiSpace(s.back())) { s.remove_suffix(1); changed = true; }
    for (std::string_view w : kWide) {
      if (s.size() >= w.size() && s.substr(0, w.size()) == w) { s.remove_prefix(w.size()); changed = true; }
      if (s.size() >= w.size() && s.substr(s.size() - w.size()) == w) { s.remove_suffix(w.size()); changed = true; }
    }
  }
  return std::string(s);
}

// 1 → "A", 27 → "AA".
std::string ColumnName(size_t col) {
  std::string name;
  while (col > 0) {
    --col;
    name.insert(name.begin(), static_cast<char>('A' + col % 26));
    col /= 26;
  }
  return name;
}

std::string HumanBytes(size_t n) {
  if (n >= (1u << 20) && n % (1u << 20) == 0) return fmt::format("{} MiB", n >> 20);
  if (n >= (1u << 10) && n % (1u << 10) == 0) return fmt::format("{} KiB", n >> 10);
  return fmt::format("{} 字节", n);
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Strict UTF-8 check: no overlong forms, no surrogates, nothing past U+10FFFF.
bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const unsigned char* end = p + s.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) { ++p; continue; }
    int len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
    else return false;
    if (end - p < len) return false;
    for (int i = 1; i < len; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    p += len;
  }
  return true;
}

// Converts GB18030 (superset of GBK and GB2312) to UTF-8 with glibc iconv.
std::optional<std::string> Gb18030ToUtf8(std::string_view in) {
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  struct Closer {
    iconv_t cd;
    ~Closer() { iconv_close(cd); }
  } closer{cd};

  std::string out;
  // GB18030 → UTF-8 grows at most 1.5x (2 bytes → 3); 4-byte forms stay 4.
  out.resize(in.size() + in.size() / 2 + 16);
  char* src = const_cast<char*>(in.data());
  size_t src_left = in.size();
  size_t used = 0;
  while (src_left > 0) {
    char* dst = out.data() + used;
    size_t dst_left = out.size() - used;
    size_t rc = iconv(cd, &src, &src_left, &dst, &dst_left);
    used = out.size() - dst_left;
    if (rc == static_cast<size_t>(-1)) {
      if (errno == E2BIG) {
        out.resize(out.size() * 2);
        continue;
      }
      return std::nullopt;  // EILSEQ (invalid) or EINVAL (truncated at end)
    }
  }
  out.resize(used);
  if (!IsValidUtf8(out)) return std::nullopt;
  return out;
}

// Decodes the OOXML escape _xHHHH_ (used for control characters and, as
// _x005F_, for a literal underscore).
std::string DecodeOoxmlEscapes(std::string_view s) {
  if (s.find("_x") == std::string_view::npos) return std::string(s);
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '_' && i + 7 <= s.size() && s[i + 1] == 'x' && s[i + 6] == '_') {
      uint32_t cp = 0;
      auto [ptr, ec] = std::from_chars(s.data() + i + 2, s.data() + i + 6, cp, 16);
      if (ec == std::errc() && ptr == s.data() + i + 6 && !(cp >= 0xD800 && cp <= 0xDFFF)) {
        AppendUtf8(out, cp);
        i += 7;
        continue;
      }
    }
    out += s[i++];
  }
  return out;
}

// ---------------------------------------------------------------------------
// Errors

tl::unexpected<Error> FileTooLarge(const ReadLimits& limits) {
  return Fail(Error::TooLarge(
      fmt::format("文件过大：不能超过 {}", HumanBytes(limits.max_file_bytes))));
}

tl::unexpected<Error> TooManyRows(const ReadLimits& limits) {
  return Fail(Error::TooLarge(
      fmt::format("数据行数过多：不能超过 {} 行，请拆分文件后分批导入", limits.max_rows)));
}

tl::unexpected<Error> TooManyColumns(long long row, const ReadLimits& limits) {
  return Fail(Error::TooLarge(
      fmt::format("第 {} 行的列数过多：不能超过 {} 列", row, limits.max_columns)));
}

tl::unexpected<Error> CellTooLarge(long long row, size_t col, const ReadLimits& limits) {
  return Fail(Error::TooLarge(fmt::format("第 {} 行第 {} 列（{}{}）的内容过长：不能超过 {}", row,
                                          col, ColumnName(col), row,
                                          HumanBytes(limits.max_cell_bytes))));
}

tl::unexpected<Error> TooManyRowNumbers() {
  return Fail(Error::TooLarge("文件行数过多，无法读取"));
}

tl::unexpected<Error> EmptyFile() {
  return Fail(Error::Invalid("empty_file", "文件中没有数据：第一行应为表头"));
}

constexpr std::string_view kInvalidXlsx = "不是有效的 Excel (.xlsx) 文件";

tl::unexpected<Error> InvalidXlsx(std::string_view detail = {}) {
  std::string message(kInvalidXlsx);
  if (!detail.empty()) message += fmt::format("：{}", detail);
  return Fail(Error::Invalid("invalid_xlsx", std::move(message)));
}

tl::unexpected<Error> ZipBomb(std::string_view what) {
  return Fail(Error::TooLarge(fmt::format("Excel 文件{}，可能是异常或恶意构造的文件", what)));
}

// Runs `body`, turning any exception into an Error so that none escapes.
template <typename F>
auto Guarded(F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return Fail(Error::TooLarge("文件过大：内存不足，无法读取"));
  } catch (const std::exception& e) {
    return Fail(Error::Internal(fmt::format("读取文件时出错：{}", e.what())));
  } catch (...) {
    return Fail(Error::Internal("读取文件时出错"));
  }
}

// ---------------------------------------------------------------------------
// Building the table from rows in order

class RowFeeder {
 public:
  RowFeeder(const ReadLimits& limits, RowVisitor& visitor) : limits_(limits), visitor_(visitor) {}

  // Hands a row as read to the visitor. `cells` are untrimmed. Empty rows
  // are dropped.
  Result<void> Add(std::vector<std::string>&& cells, long long row_number) {
    bool any = false;
    for (auto& cell : cells) {
      cell = have_header_ ? TrimAscii(cell) : TrimHeader(cell);
      if (!cell.empty()) any = true;
    }
    if (!any) return {};
    if (!have_header_) {
      have_header_ = true;
      return visitor_.Header(std::move(cells));
    }
    if (++rows_ > limits_.max_rows) return TooManyRows(limits_);
    if (row_number > INT_MAX) return TooManyRowNumbers();
    return visitor_.Row(std::move(cells), static_cast<int>(row_number));
  }

  Result<void> Finish() {
    if (!have_header_) return EmptyFile();
    return {};
  }

 private:
  const ReadLimits& limits_;
  RowVisitor& visitor_;
  size_t rows_ = 0;
  bool have_header_ = false;
};

// Keeps every row: the Table of ReadCsv and ReadXlsx.
class TableCollector : public RowVisitor {
 public:
  Result<void> Header(std::vector<std::string> cells) override {
    table_.header = std::move(cells);
    return {};
  }
  Result<void> Row(std::vector<std::string> cells, int row_number) override {
    table_.rows.push_back(std::move(cells));
    table_.row_numbers.push_back(row_number);
    return {};
  }
  Table Take() { return std::move(table_); }

 private:
  Table table_;
};

// ---------------------------------------------------------------------------
// CSV

// Appends `chunk` to `field`, turning CRLF into LF.
void AppendNormalizingCrlf(std::string& field, std::string_view chunk) {
  size_t start = 0;
  while (true) {
    size_t cr = chunk.find("\r\n", start);
    if (cr == std::string_view::npos) {
      field.append(chunk.substr(start));
      return;
    }
    field.append(chunk.substr(start, cr - start));
    field += '\n';
    start = cr + 2;
  }
}

Result<void> ParseCsvText(std::string_view text, const ReadLimits& limits, RowVisitor& visitor) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  RowFeeder builder(limits, visitor);
  const size_t n = text.size();
  size_t i = 0;
  long long row = 1;  // spreadsheet row of the record being read
  std::vector<std::string> record;
  while (i < n) {
    record.clear();
    while (true) {  // one field per iteration
      const size_t col = record.size() + 1;
      if (col > limits.max_columns) return TooManyColumns(row, limits);
      std::string field;
      if (i < n && text[i] == '"') {
        ++i;
        while (true) {
          size_t q = text.find('"', i);
          if (q == std::string_view::npos) {
            return Fail(Error::Invalid(
                "unterminated_quote",
                fmt::format("第 {} 行第 {} 列（{}{}）的引号没有闭合：请检查该单元格的双引号", row,
                            col, ColumnName(col), row)));
          }
          if (field.size() + (q - i) > limits.max_cell_bytes) {
            return CellTooLarge(row, col, limits);
          }
          AppendNormalizingCrlf(field, text.substr(i, q - i));
          if (q + 1 < n && text[q + 1] == '"') {  // doubled quote
            field += '"';
            i = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
      }
      // Unquoted field, or stray text after a closing quote (kept literally,
      // as Excel does).
      size_t j = i;
      while (j < n && text[j] != ',' && text[j] != '\n' && text[j] != '\r') ++j;
      if (field.size() + (j - i) > limits.max_cell_bytes) return CellTooLarge(row, col, limits);
      field.append(text.substr(i, j - i));
      i = j;
      record.push_back(std::move(field));
      if (i < n && text[i] == ',') {
        ++i;
        continue;  // a trailing comma at end of input yields one more empty field
      }
      if (i < n) i += (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') ? 2 : 1;
      break;
    }
    auto added = builder.Add(std::move(record), row);
    if (!added) return Fail(std::move(added.error()));
    record = {};
    ++row;
  }
  return builder.Finish();
}

// ---------------------------------------------------------------------------
// Zip access

class ZipArchive {
 public:
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;
  ~ZipArchive() {
    if (zip_ != nullptr) zip_discard(zip_);
  }

  // Opens `bytes` (which must outlive the archive) read-only.
  static Result<std::unique_ptr<ZipArchive>> Open(std::string_view bytes,
                                                  const ReadLimits& limits) {
    if (bytes.size() < 22) return InvalidXlsx(NotZipHint(bytes));
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (source == nullptr) {
      zip_error_fini(&error);
      return InvalidXlsx();
    }
    zip_t* zip = zip_open_from_source(source, ZIP_RDONLY, &error);
    zip_error_fini(&error);
    if (zip == nullptr) {
      zip_source_free(source);
      return InvalidXlsx(NotZipHint(bytes));
    }
    std::unique_ptr<ZipArchive> archive(new ZipArchive(zip, limits));
    zip_int64_t entries = zip_get_num_entries(zip, 0);
    if (entries < 0) return InvalidXlsx();
    if (static_cast<uint64_t>(entries) > limits.max_zip_entries) {
      return ZipBomb(fmt::format("包含的内部文件过多（超过 {} 个）", limits.max_zip_entries));
    }
    return archive;
  }

  // Reads the entry named `name` (exact match first, then case-insensitive).
  // Returns nullopt inside the Result when there is no such entry.
  Result<std::optional<std::string>> Read(std::string name) {
    if (!name.empty() && name.front() == '/') name.erase(0, 1);
    zip_int64_t index = zip_name_locate(zip_, name.c_str(), 0);
    if (index < 0) index = zip_name_locate(zip_, name.c_str(), ZIP_FL_NOCASE);
    if (index < 0) return std::optional<std::string>();

    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(zip_, static_cast<zip_uint64_t>(index), 0, &st) != 0) {
      return InvalidXlsx();
    }
    const uint64_t remaining = limits_.max_uncompressed_bytes - total_read_;
    uint64_t comp_size = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
    if (st.valid & ZIP_STAT_SIZE) {
      if (st.size > remaining) return TooBig();
      if (st.size > kRatioFloorBytes && RatioExceeded(st.size, comp_size)) return BadRatio();
    }

    zip_file_t* file = zip_fopen_index(zip_, static_cast<zip_uint64_t>(index), 0);
    if (file == nullptr) return InvalidXlsx(fmt::format("无法读取 {}", name));
    struct Closer {
      zip_file_t* f;
      ~Closer() { zip_fclose(f); }
    } closer{file};

    std::string data;
    if (st.valid & ZIP_STAT_SIZE) {
      data.reserve(static_cast<size_t>(std::min<uint64_t>(st.size, 16u << 20)));
    }
    std::vector<char> chunk(kReadChunkBytes);
    uint64_t count = 0;
    while (true) {
      zip_int64_t got = zip_fread(file, chunk.data(), chunk.size());
      if (got < 0) return InvalidXlsx(fmt::format("{} 已损坏", name));
      if (got == 0) break;
      count += static_cast<uint64_t>(got);
      if (count > remaining) return TooBig();
      if (count > kRatioFloorBytes && RatioExceeded(count, comp_size)) return BadRatio();
      data.append(chunk.data(), static_cast<size_t>(got));
    }
    total_read_ += count;
    return std::optional<std::string>(std::move(data));
  }

 private:
  ZipArchive(zip_t* zip, const ReadLimits& limits) : zip_(zip), limits_(limits) {}

  static std::string NotZipHint(std::string_view bytes) {
    if (bytes.size() >= 4 && bytes.substr(0, 4) == "\xD0\xCF\x11\xE0") {
      return "可能是旧版 .xls 或设置了密码的文件，请在 Excel 中另存为 .xlsx 后再上传";
    }
    return {};
  }

  bool RatioExceeded(uint64_t uncompressed, uint64_t compressed) const {
    if (compressed == 0) return true;
    return static_cast<double>(uncompressed) / static_cast<double>(compressed) >
           limits_.max_compression_ratio;
  }

  tl::unexpected<Error> TooBig() const {
    return ZipBomb(
        fmt::format("解压后过大（超过 {}）", HumanBytes(limits_.max_uncompressed_bytes)));
  }
  tl::unexpected<Error> BadRatio() const {
    return ZipBomb(fmt::format("的压缩比异常（超过 {} 倍）", limits_.max_compression_ratio));
  }

  zip_t* zip_;
  const ReadLimits& limits_;
  uint64_t total_read_ = 0;
};

// ---------------------------------------------------------------------------
// XML helpers (element names are matched by local name, so that both
// <sheetData> and <x:sheetData> work)

constexpr unsigned kXmlParseFlags =
    (pugi::parse_default | pugi::parse_ws_pcdata_single) & ~pugi::parse_doctype;

std::string_view LocalName(const char* name) {
  std::string_view s(name);
  size_t colon = s.rfind(':');
  return colon == std::string_view::npos ? s : s.substr(colon + 1);
}

bool Is(const pugi::xml_node& node, std::string_view local) {
  return node.type() == pugi::node_element && LocalName(node.name()) == local;
}

pugi::xml_node Child(const pugi::xml_node& parent, std::string_view local) {
  for (pugi::xml_node c : parent.children()) {
    if (Is(c, local)) return c;
  }
  return {};
}

// The attribute with this local name (e.g. "id" matches r:id).
pugi::xml_attribute Attr(const pugi::xml_node& node, std::string_view local) {
  for (pugi::xml_attribute a : node.attributes()) {
    if (LocalName(a.name()) == local) return a;
  }
  return {};
}

// The root element of a parsed document.
pugi::xml_node Root(const pugi::xml_document& doc) { return doc.document_element(); }

// Parses `text` in place; `text` must outlive `doc`.
bool ParseXml(std::string& text, pugi::xml_document& doc) {
  if (text.empty()) return false;
  pugi::xml_parse_result r =
      doc.load_buffer_inplace(text.data(), text.size(), kXmlParseFlags, pugi::encoding_auto);
  return static_cast<bool>(r) && doc.document_element();
}

// Concatenated text of <t> children and of <r><t> rich runs (phonetic
// <rPh> runs excluded), as in <si> and <is>.
std::string StringItemText(const pugi::xml_node& item) {
  std::string out;
  for (pugi::xml_node c : item.children()) {
    if (Is(c, "t")) {
      out += c.text().get();
    } else if (Is(c, "r")) {
      for (pugi::xml_node t : c.children()) {
        if (Is(t, "t")) out += t.text().get();
      }
    }
  }
  return DecodeOoxmlEscapes(out);
}

// Resolves a relationship target against the folder of the source part.
std::string ResolveTarget(std::string_view base_dir, std::string_view target) {
  std::string path;
  if (!target.empty() && target.front() == '/') {
    path = std::string(target.substr(1));
  } else {
    path = std::string(base_dir) + std::string(target);
  }
  // Normalise "." and ".." segments.
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    std::string seg = path.substr(start, slash - start);
    if (seg == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!seg.empty() && seg != ".") {
      parts.push_back(std::move(seg));
    }
    start = slash + 1;
  }
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += '/';
    out += p;
  }
  return out;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// ---------------------------------------------------------------------------
// Numbers and dates

struct DateStyle {
  bool date = false;
  bool time = false;
  bool seconds = false;
  bool elapsed = false;  // [h]:mm:ss counts whole days into the hours
};

DateStyle BuiltinDateStyle(int id) {
  switch (id) {
    case 14: case 15: case 16: case 17:
    case 27: case 28: case 29: case 30: case 31: case 36:
    case 50: case 51: case 52: case 53: case 54: case 57: case 58:
      return {true, false, false};
    case 18: case 20: case 32: case 34: case 55:
      return {false, true, false};
    case 19: case 21: case 33: case 35: case 45: case 47: case 56:
      return {false, true, true};
    case 46:
      return {false, true, true, true};
    case 22:
      return {true, true, false};
    default:
      return {};
  }
}

// Classifies a custom number format code by the date/time tokens in its
// first section, ignoring quoted text, escapes, fills and [..] modifiers.
DateStyle ClassifyFormatCode(std::string_view code) {
  DateStyle style;
  bool month_or_minute = false;
  for (size_t i = 0; i < code.size(); ++i) {
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(code[i])));
    if (c == '"') {
      size_t close = code.find('"', i + 1);
      if (close == std::string_view::npos) break;
      i = close;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;
    } else if (c == '[') {
      size_t close = code.find(']', i + 1);
      if (close == std::string_view::npos) break;
      std::string_view inner = code.substr(i + 1, close - i - 1);
      if (!inner.empty() && inner.find_first_not_of("hHmMsS") == std::string_view::npos) {
        style.time = true;  // elapsed time [h], [mm], [ss]
        style.elapsed = true;
        if (inner.find_first_of("sS") != std::string_view::npos) style.seconds = true;
      }
      i = close;
    } else if (c == ';') {
      break;
    } else if (c == 'a' && (code.substr(i, 5) == "AM/PM" || code.substr(i, 5) == "am/pm")) {
      style.time = true;
      i += 4;
    } else if (c == 'a' && (code.substr(i, 3) == "A/P" || code.substr(i, 3) == "a/p")) {
      style.time = true;
      i += 2;
    } else if (c == 'y' || c == 'd') {
      style.date = true;
    } else if (c == 'h') {
      style.time = true;
    } else if (c == 's') {
      style.time = true;
      style.seconds = true;
    } else if (c == 'm') {
      month_or_minute = true;
    }
  }
  if (month_or_minute && !style.date && !style.time) style.date = true;  // "mmm"
  return style;
}

// Renders a finite double the way Excel shows it in a General cell: rounded
// to 15 significant digits, trailing zeros dropped, no exponent for
// magnitudes in [1e-10, 1e21).
std::string FormatNumber(double v) {
  if (v == 0) return "0";
  std::string out;
  if (v < 0) {
    out += '-';
    v = -v;
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific, 14);
  if (ec != std::errc()) return {};
  std::string_view sci(buf, static_cast<size_t>(end - buf));  // d.dddddddddddddde±XX
  size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos)) {
    if (c != '.') digits += c;
  }
  int exp10 = 0;
  std::string_view exp_text = sci.substr(e_pos + 1);
  if (!exp_text.empty() && exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exp10);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();

  if (exp10 >= 21 || exp10 < -10) {
    out += digits[0];
    if (digits.size() > 1) {
      out += '.';
      out += digits.substr(1);
    }
    out += fmt::format("E{}{:02}", exp10 < 0 ? '-' : '+', std::abs(exp10));
    return out;
  }
  if (exp10 >= 0) {
    size_t int_len = static_cast<size_t>(exp10) + 1;
    if (digits.size() <= int_len) {
      out += digits;
      out.append(int_len - digits.size(), '0');
    } else {
      out += digits.substr(0, int_len);
      out += '.';
      out += digits.substr(int_len);
    }
  } else {
    out += "0.";
    out.append(static_cast<size_t>(-exp10 - 1), '0');
    out += digits;
  }
  return out;
}

// Days since 1970-01-01 → civil date (H. Hinnant's algorithm).
void CivilFromDays(long long z, long long& y, unsigned& m, unsigned& d) {
  z += 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<long long>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

// Renders an Excel serial date/time, or nullopt when out of Excel's range.
std::optional<std::string> FormatSerialDate(double serial, DateStyle style, bool date1904) {
  if (!(serial >= 0) || serial > 2958466) return std::nullopt;
  long long days = static_cast<long long>(std::floor(serial));
  long long secs = std::llround((serial - static_cast<double>(days)) * 86400.0);
  if (secs >= 86400) {
    ++days;
    secs -= 86400;
  }
  std::string out;
  if (style.date) {
    long long y;
    unsigned m, d;
    if (date1904) {
      CivilFromDays(days + 1462 - 25569, y, m, d);  // serial 0 = 1904-01-01
    } else if (days == 0) {
      if (!style.time) return std::nullopt;
      y = 1900, m = 1, d = 0;  // Excel shows 1900-01-00
    } else if (days == 60) {
      y = 1900, m = 2, d = 29;  // Excel's fictitious leap day
    } else {
      CivilFromDays(days - 25569 + (days < 60 ? 1 : 0), y, m, d);  // 25569 = 1970-01-01
    }
    out = fmt::format("{:04}-{:02}-{:02}", y, m, d);
  }
  if (style.time) {
    if (!out.empty()) out += ' ';
    if (style.elapsed && !style.date) secs += days * 86400;  // e.g. [h]:mm
    out += fmt::format("{:02}:{:02}", secs / 3600, secs / 60 % 60);
    if (style.seconds) out += fmt::format(":{:02}", secs % 60);
  }
  return out;
}

// ---------------------------------------------------------------------------
// XLSX

struct WorkbookParts {
  std::string sheet = "xl/worksheets/sheet1.xml";
  std::string shared_strings = "xl/sharedStrings.xml";
  std::string styles = "xl/styles.xml";
  bool date1904 = false;
};

Result<WorkbookParts> FindParts(ZipArchive& zip) {
  WorkbookParts parts;
  std::string workbook_path = "xl/workbook.xml";

  // The workbook part is named by the package relationships.
  auto root_rels = zip.Read("_rels/.rels");
  if (!root_rels) return Fail(std::move(root_rels.error()));
  if (root_rels->has_value()) {
    pugi::xml_document doc;
    if (ParseXml(**root_rels, doc)) {
      for (pugi::xml_node rel : Root(doc).children()) {
        if (Is(rel, "Relationship") &&
            EndsWith(Attr(rel, "Type").value(), "/officeDocument")) {
          workbook_path = ResolveTarget("", Attr(rel, "Target").value());
          break;
        }
      }
    }
  }
  std::string dir = workbook_path.substr(0, workbook_path.rfind('/') + 1);
  std::string rels_path = dir + "_rels/" + workbook_path.substr(dir.size()) + ".rels";

  auto workbook = zip.Read(workbook_path);
  if (!workbook) return Fail(std::move(workbook.error()));
  auto rels = zip.Read(rels_path);
  if (!rels) return Fail(std::move(rels.error()));
  if (!workbook->has_value() || !rels->has_value()) return parts;

  pugi::xml_document rels_doc;
  if (!ParseXml(**rels, rels_doc)) return parts;
  std::map<std::string, std::pair<std::string, std::string>> by_id;  // id → (type, path)
  for (pugi::xml_node rel : Root(rels_doc).children()) {
    if (!Is(rel, "Relationship")) continue;
    std::string type = Attr(rel, "Type").value();
    std::string path = ResolveTarget(dir, Attr(rel, "Target").value());
    if (EndsWith(type, "/sharedStrings")) parts.shared_strings = path;
    if (EndsWith(type, "/styles")) parts.styles = path;
    by_id[Attr(rel, "Id").value()] = {type, path};
  }

  pugi::xml_document wb_doc;
  if (!ParseXml(**workbook, wb_doc)) return parts;
  pugi::xml_node wb = Root(wb_doc);
  if (pugi::xml_node pr = Child(wb, "workbookPr")) {
    std::string_view v = Attr(pr, "date1904").value();
    parts.date1904 = (v == "1" || v == "true");
  }
  for (pugi::xml_node sheet : Child(wb, "sheets").children()) {
    if (!Is(sheet, "sheet")) continue;
    auto it = by_id.find(Attr(sheet, "id").value());
    if (it == by_id.end() || !EndsWith(it->second.first, "/worksheet")) continue;
    parts.sheet = it->second.second;
    break;
  }
  return parts;
}

Result<std::vector<std::string>> ReadSharedStrings(ZipArchive& zip, const std::string& path) {
  std::vector<std::string> strings;
  auto text = zip.Read(path);
  if (!text) return Fail(std::move(text.error()));
  if (!text->has_value()) return strings;
  pugi::xml_document doc;
  if (!ParseXml(**text, doc)) return InvalidXlsx("共享字符串表已损坏");
  for (pugi::xml_node si : Root(doc).children()) {
    if (Is(si, "si")) strings.push_back(StringItemText(si));
  }
  return strings;
}

// Date style of each cell style index (cellXfs order). Missing or broken
// styles are not an error: numbers are then shown as numbers.
Result<std::vector<DateStyle>> ReadDateStyles(ZipArchive& zip, const std::string& path) {
  std::vector<DateStyle> styles;
  auto text = zip.Read(path);
  if (!text) return Fail(std::move(text.error()));
  if (!text->has_value()) return styles;
  pugi::xml_document doc;
  if (!ParseXml(**text, doc)) return styles;
  pugi::xml_node root = Root(doc);
  std::map<int, DateStyle> custom;
  for (pugi::xml_node f : Child(root, "numFmts").children()) {
    if (Is(f, "numFmt")) {
      custom[Attr(f, "numFmtId").as_int(-1)] = ClassifyFormatCode(Attr(f, "formatCode").value());
    }
  }
  for (pugi::xml_node xf : Child(root, "cellXfs").children()) {
    if (!Is(xf, "xf")) continue;
    int id = Attr(xf, "numFmtId").as_int(0);
    auto it = custom.find(id);
    styles.push_back(it != custom.end() ? it->second : BuiltinDateStyle(id));
  }
  return styles;
}

// Parses a decimal row number; 0 when absent or invalid.
long long ParseRowNumber(std::string_view s) {
  long long v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v <= 0) return 0;
  return v;
}

// Parses a cell reference like "C5" into (column, row); 0s when invalid.
std::pair<int, long long> ParseCellRef(std::string_view ref) {
  int col = 0;
  size_t i = 0;
  while (i < ref.size() && i < 3 && std::isalpha(static_cast<unsigned char>(ref[i]))) {
    col = col * 26 + (std::toupper(static_cast<unsigned char>(ref[i])) - 'A' + 1);
    ++i;
  }
  if (i == 0 || col > kMaxSpreadsheetColumn) return {0, 0};
  long long row = ParseRowNumber(ref.substr(i));
  if (row == 0) return {0, 0};
  return {col, row};
}

struct SheetContext {
  const std::vector<std::string>* shared;
  const std::vector<DateStyle>* styles;
  bool date1904;
};

// The text of one <c> element.
Result<std::string> CellText(const pugi::xml_node& c, const SheetContext& ctx, int col,
                             long long row) {
  std::string_view type = Attr(c, "t").value();
  pugi::xml_node v = Child(c, "v");
  if (type == "inlineStr") {
    if (pugi::xml_node is = Child(c, "is")) return StringItemText(is);
    return DecodeOoxmlEscapes(v.text().get());
  }
  if (!v) return std::string();
  std::string_view value = v.text().get();
  if (type == "s") {
    std::string_view trimmed = value;
    while (!trimmed.empty() && IsAsciiSpace(trimmed.front())) trimmed.remove_prefix(1);
    while (!trimmed.empty() && IsAsciiSpace(trimmed.back())) trimmed.remove_suffix(1);
    size_t index = 0;
    auto [ptr, ec] = std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), index);
    if (ec != std::errc() || ptr != trimmed.data() + trimmed.size() ||
        index >= ctx.shared->size()) {
      return InvalidXlsx(fmt::format("单元格 {}{} 引用了不存在的共享字符串", ColumnName(col), row));
    }
    return (*ctx.shared)[index];
  }
  if (type == "str") return DecodeOoxmlEscapes(value);
  if (type == "b") {
    std::string t = TrimAscii(value);
    if (t == "1" || t == "true") return std::string("TRUE");
    if (t == "0" || t == "false") return std::string("FALSE");
    return t;
  }
  if (type == "e" || type == "d") return std::string(value);
  // Number ("n" or no type).
  std::string t = TrimAscii(value);
  double number = 0;
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), number);
  if (ec != std::errc() || ptr != t.data() + t.size() || !std::isfinite(number)) return t;
  if (pugi::xml_attribute s = Attr(c, "s")) {
    unsigned style_index = s.as_uint(0);
    if (style_index < ctx.styles->size()) {
      DateStyle style = (*ctx.styles)[style_index];
      if (style.date || style.time) {
        if (auto text = FormatSerialDate(number, style, ctx.date1904)) return std::move(*text);
      }
    }
  }
  return FormatNumber(number);
}

Result<void> ParseSheet(std::string& sheet_xml, const SheetContext& ctx, const ReadLimits& limits,
                        RowVisitor& visitor) {
  pugi::xml_document doc;
  if (!ParseXml(sheet_xml, doc)) return InvalidXlsx("工作表内容已损坏");
  pugi::xml_node data = Child(Root(doc), "sheetData");
  if (!data) return InvalidXlsx("工作表内容已损坏");

  RowFeeder builder(limits, visitor);
  long long row_number = 0;
  for (pugi::xml_node row : data.children()) {
    if (!Is(row, "row")) continue;
    long long r = ParseRowNumber(Attr(row, "r").value());
    row_number = r > 0 ? r : row_number + 1;

    std::vector<std::string> cells;
    int col = 0;
    for (pugi::xml_node c : row.children()) {
      if (!Is(c, "c")) continue;
      auto [ref_col, ref_row] = ParseCellRef(Attr(c, "r").value());
      col = ref_col > 0 ? ref_col : col + 1;
      if (col > kMaxSpreadsheetColumn) return InvalidXlsx("单元格位置超出范围");
      auto text = CellText(c, ctx, col, row_number);
      if (!text) return Fail(std::move(text.error()));
      if (text->size() > limits.max_cell_bytes) {
        return CellTooLarge(row_number, static_cast<size_t>(col), limits);
      }
      if (!IsValidUtf8(*text)) {
        return InvalidXlsx(fmt::format("单元格 {}{} 含有无效字符", ColumnName(col), row_number));
      }
      // Only cells that hold something widen the row: formatted but empty
      // cells far to the right must not count as columns.
      bool blank = text->find_first_not_of(" \t\n\r\v\f") == std::string::npos;
      if (blank) continue;
      if (static_cast<size_t>(col) > limits.max_columns) {
        return TooManyColumns(row_number, limits);
      }
      if (cells.size() < static_cast<size_t>(col)) cells.resize(static_cast<size_t>(col));
      cells[static_cast<size_t>(col) - 1] = std::move(*text);
    }
    auto added = builder.Add(std::move(cells), row_number);
    if (!added) return Fail(std::move(added.error()));
  }
  return builder.Finish();
}

Result<void> ReadXlsxImpl(std::string_view bytes, const ReadLimits& limits, RowVisitor& visitor) {
  if (bytes.size() > limits.max_file_bytes) return FileTooLarge(limits);
  auto zip = ZipArchive::Open(bytes, limits);
  if (!zip) return Fail(std::move(zip.error()));

  auto parts = FindParts(**zip);
  if (!parts) return Fail(std::move(parts.error()));

  // Read the sheet first: without it nothing else matters.
  auto sheet = (*zip)->Read(parts->sheet);
  if (!sheet) return Fail(std::move(sheet.error()));
  if (!sheet->has_value() && parts->sheet != "xl/worksheets/sheet1.xml") {
    sheet = (*zip)->Read("xl/worksheets/sheet1.xml");
    if (!sheet) return Fail(std::move(sheet.error()));
  }
  if (!sheet->has_value()) return InvalidXlsx("找不到工作表");

  auto shared = ReadSharedStrings(**zip, parts->shared_strings);
  if (!shared) return Fail(std::move(shared.error()));
  auto styles = ReadDateStyles(**zip, parts->styles);
  if (!styles) return Fail(std::move(styles.error()));

  SheetContext ctx{&*shared, &*styles, parts->date1904};
  return ParseSheet(**sheet, ctx, limits, visitor);
}

std::string LowerAscii(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Result<void> VisitCsv(std::string_view bytes, RowVisitor& visitor, const ReadLimits& limits) {
  return Guarded([&]() -> Result<void> {
    if (bytes.size() > limits.max_file_bytes) return FileTooLarge(limits);
    if (IsValidUtf8(bytes)) return ParseCsvText(bytes, limits, visitor);
    std::optional<std::string> decoded = Gb18030ToUtf8(bytes);
    if (!decoded) {
      return Fail(Error::Invalid("unknown_encoding", "文件编码无法识别：请保存为 UTF-8 编码的 CSV"));
    }
    return ParseCsvText(*decoded, limits, visitor);
  });
}

Result<void> VisitXlsx(std::string_view bytes, RowVisitor& visitor, const ReadLimits& limits) {
  return Guarded([&]() -> Result<void> { return ReadXlsxImpl(bytes, limits, visitor); });
}

Result<Table> ReadCsv(std::string_view bytes, const ReadLimits& limits) {
  TableCollector collector;
  if (auto r = VisitCsv(bytes, collector, limits); !r) return Fail(std::move(r.error()));
  return collector.Take();
}

Result<Table> ReadXlsx(std::string_view bytes, const ReadLimits& limits) {
  TableCollector collector;
  if (auto r = VisitXlsx(bytes, collector, limits); !r) return Fail(std::move(r.error()));
  return collector.Take();
}

Result<Table> ReadTableFile(const std::string& path, const ReadLimits& limits) {
  return Guarded([&]() -> Result<Table> {
    const std::string ext = LowerAscii(std::filesystem::path(path).extension().string());
    if (ext != ".csv" && ext != ".xlsx") {
      std::string shown = ext.empty() ? "无扩展名" : ext;
      std::string hint = ext == ".xls" ? "请在 Excel 中另存为 .xlsx 或 CSV 后再上传"
                                       : "请上传 .xlsx 或 .csv 文件";
      return Fail(Error::Invalid("unsupported_format",
                                 fmt::format("不支持的文件格式（{}）：{}", shown, hint)));
    }
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      return Fail(Error::Invalid("unreadable_file", "无法读取文件"));
    }
    auto size = std::filesystem::file_size(path, ec);
    if (!ec && size > limits.max_file_bytes) return FileTooLarge(limits);

    std::ifstream in(path, std::ios::binary);
    if (!in) return Fail(Error::Invalid("unreadable_file", "无法读取文件"));
    std::string bytes;
    std::vector<char> chunk(kReadChunkBytes);
    while (in) {
      in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      std::streamsize got = in.gcount();
      if (got <= 0) break;
      if (bytes.size() + static_cast<size_t>(got) > limits.max_file_bytes) {
        return FileTooLarge(limits);
      }
      bytes.append(chunk.data(), static_cast<size_t>(got));
    }
    if (in.bad()) return Fail(Error::Invalid("unreadable_file", "无法读取文件"));
    return ext == ".csv" ? ReadCsv(bytes, limits) : ReadXlsx(bytes, limits);
  });
}

}  // namespace rongping::importer
