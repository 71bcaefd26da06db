#include "http/static_files.h"

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

Result<StaticFiles> StaticFiles::Load(const std::string& root, const StaticFilesLimits& limits) {
  StaticFiles table;
  std::error_code ec;
  if (root.empty() || !fs::is_directory(root, ec)) return table;
  const fs::path base = fs::canonical(root, ec);
  if (ec) return table;
  size_t total = 0;
  // The iterator does not descend into symbolic links to directories.
  fs::recursive_directory_iterator it(base, fs::directory_options::none, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    std::error_code kind_ec;
    if (entry.is_symlink(kind_ec) || !entry.is_regular_file(kind_ec)) continue;
    std::string key = "/" + entry.path().lexically_relative(base).generic_string();
    if (table.files_.size() >= limits.max_files) {
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
    StaticFile file{std::string(ContentTypeForName(key)), std::move(body), key.starts_with("/assets/")};
    table.files_.emplace(std::move(key), std::move(file));
  }
  if (ec) return Fail(Error::Internal(fmt::format("无法读取网页目录 {}：{}", root, ec.message())));
  return table;
}

const StaticFile* StaticFiles::Find(std::string_view path) const {
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second;
}

}  // namespace rongping::http
