#include "http/static_files.h"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

namespace rongping::http {
namespace fs = std::filesystem;

std::string_view ContentTypeForName(std::string_view name) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json; charset=utf-8"},
      {".map", "application/json; charset=utf-8"},
      {".txt", "text/plain; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
  };
  for (const auto& [ext, type] : kTypes) {
    if (name.size() > ext.size() && name.ends_with(ext)) return type;
  }
  return "application/octet-stream";
}

namespace {

// FNV-1a, 64 bits: the same digest on every server for the same bytes.
std::string ContentTag(std::string_view body) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : body) h = (h ^ c) * 0x100000001b3ULL;
  return fmt::format("{:016x}-{:x}", h, body.size());
}

// Calls `each(item)` for every comma-separated item of a header value,
// trimmed, skipping empty ones.
template <typename F>
void ForEachItem(std::string_view value, F&& each) {
  while (!value.empty()) {
    const size_t comma = value.find(',');
    std::string_view item = TrimSpaces(value.substr(0, comma));
    if (!item.empty()) each(item);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

}  // namespace

std::string_view ChooseEncoding(std::string_view accept_encoding, bool has_br, bool has_gzip) {
  // q of br, gzip and "*"; -1: not named.
  double br = -1, gzip = -1, any = -1;
  ForEachItem(accept_encoding, [&](std::string_view item) {
    const size_t semicolon = item.find(';');
    const std::string_view coding = TrimSpaces(item.substr(0, semicolon));
    double q = 1;
    if (semicolon != std::string_view::npos) {
      std::string_view param = TrimSpaces(item.substr(semicolon + 1));
      if (param.size() > 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
        q = std::strtod(std::string(param.substr(2, 8)).c_str(), nullptr);
      }
    }
    if (EqualsIgnoringCase(coding, "br")) br = q;
    if (EqualsIgnoringCase(coding, "gzip") || EqualsIgnoringCase(coding, "x-gzip")) gzip = q;
    if (coding == "*") any = q;
  });
  if (br < 0) br = any;
  if (gzip < 0) gzip = any;
  if (has_br && br > 0 && (!has_gzip || br >= gzip)) return "br";
  if (has_gzip && gzip > 0) return "gzip";
  return "";
}

Response FileResponse(const StaticFile& file, std::string_view accept_encoding, std::string_view if_none_match) {
  const std::string_view coding = ChooseEncoding(accept_encoding, !file.brotli.empty(), !file.gzip.empty());
  std::string etag = file.etag;
  if (!coding.empty()) etag.insert(etag.size() - 1, coding == "br" ? "-br" : "-gz");
  bool matches = false;
  ForEachItem(if_none_match, [&](std::string_view tag) {
    if (tag.starts_with("W/")) tag.remove_prefix(2);  // If-None-Match compares weakly
    matches = matches || tag == "*" || tag == etag;
  });
  Response r;
  r.status = matches ? 304 : 200;
  r.content_type = file.content_type;
  r.SetHeader("ETag", etag);
  r.SetHeader("Cache-Control", file.immutable ? "public, max-age=31536000, immutable" : "no-cache");
  if (!file.brotli.empty() || !file.gzip.empty()) r.SetHeader("Vary", "Accept-Encoding");
  if (!coding.empty()) r.SetHeader("Content-Encoding", std::string(coding));
  if (!matches) r.body = coding == "br" ? file.brotli : coding == "gzip" ? file.gzip : file.body;
  return r;
}

Result<StaticFiles> StaticFiles::Load(const std::string& root, const StaticFilesLimits& limits) {
  StaticFiles table;
  std::error_code ec;
  if (root.empty() || !fs::is_directory(root, ec)) return table;
  const fs::path base = fs::canonical(root, ec);
  if (ec) return table;
  size_t total = 0;
  std::map<std::string, std::string, std::less<>> bodies;  // every file, compressed forms included
  // The iterator does not descend into symbolic links to directories.
  fs::recursive_directory_iterator it(base, fs::directory_options::none, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    std::error_code kind_ec;
    if (entry.is_symlink(kind_ec) || !entry.is_regular_file(kind_ec)) continue;
    std::string key = "/" + entry.path().lexically_relative(base).generic_string();
    if (bodies.size() >= limits.max_files) {
      return Fail(Error::TooLarge(fmt::format("网页目录 {} 中的文件超过 {} 个", root, limits.max_files)));
    }
    std::ifstream in(entry.path(), std::ios::binary);
    std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      return Fail(Error::Internal(fmt::format("无法读取网页文件 {}", entry.path().string())));
    }
    total += body.size();
    if (total > limits.max_total_bytes) {
      return Fail(Error::TooLarge(
          fmt::format("网页目录 {} 的文件合计超过 {} MiB", root, limits.max_total_bytes >> 20)));
    }
    bodies.emplace(std::move(key), std::move(body));
  }
  if (ec) return Fail(Error::Internal(fmt::format("无法读取网页目录 {}：{}", root, ec.message())));
  // A compressed form whose file exists belongs to it; any other file is served as itself.
  auto compressed_form_of = [&bodies](const std::string& key) -> const std::string* {
    if (!key.ends_with(".br") && !key.ends_with(".gz")) return nullptr;
    auto original = bodies.find(std::string_view(key).substr(0, key.size() - 3));
    return original == bodies.end() ? nullptr : &original->first;
  };
  for (auto& [key, body] : bodies) {
    if (compressed_form_of(key)) continue;
    std::string etag = "\"" + ContentTag(body) + "\"";
    StaticFile file{std::string(ContentTypeForName(key)), std::move(body), key.starts_with("/assets/"), "", "",
                    std::move(etag)};
    table.files_.emplace(key, std::move(file));
  }
  for (auto& [key, body] : bodies) {
    const std::string* original = compressed_form_of(key);
    if (!original) continue;
    StaticFile& file = table.files_.at(*original);
    (key.ends_with(".br") ? file.brotli : file.gzip) = std::move(body);
  }
  return table;
}

const StaticFile* StaticFiles::Find(std::string_view path) const {
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second;
}

}  // namespace rongping::http
