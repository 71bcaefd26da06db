// The built web app held in memory: a fixed table of files read once at
// start, served by exact path.
//
//   auto files = StaticFiles::Load("web/dist");
//   if (!files) { /* files.error().message */ }
//   const StaticFile* f = files->Find("/assets/index-3f2a.js");
//
// Only regular files found under the root when Load() runs can ever be
// served: a request path is a key into the table, never a file system path,
// so no spelling of a path (two leading slashes, "..", percent-encoding,
// backslashes, NUL) reaches a file outside the web app. Symbolic links under
// the root are not followed and their targets are not served. The files are
// immutable after Load(); Find() may be called from any number of threads.
#ifndef RONGPING_HTTP_STATIC_FILES_H_
#define RONGPING_HTTP_STATIC_FILES_H_

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "core/result.h"

namespace rongping::http {

struct StaticFile {
  std::string content_type;  // e.g. "text/javascript; charset=utf-8"
  std::string body;
  // Whether the name carries a content hash (under /assets/), so that
  // clients may keep it for a year.
  bool immutable = false;
};

struct StaticFilesLimits {
  // Files in the table; more fails Load().
  size_t max_files = 10'000;
  // Bytes of all files together; more fails Load().
  size_t max_total_bytes = 256u << 20;
};

class StaticFiles {
 public:
  // An empty table: Find() finds nothing.
  StaticFiles() = default;

  // Reads every regular file under `root` (recursively, not following
  // symbolic links) into a table keyed by "/" + its path relative to root,
  // with '/' separators. A root that does not exist or is not a directory
  // gives an empty table. Fails, saying which file, when a file cannot be
  // read or a limit is exceeded.
  static Result<StaticFiles> Load(const std::string& root, const StaticFilesLimits& limits = {});

  // The file at exactly `path` (a decoded request path such as "/index.html"),
  // or nullptr.
  const StaticFile* Find(std::string_view path) const;

  // The page for client-side routes: "/index.html", or nullptr when the app
  // has none.
  const StaticFile* Index() const { return Find("/index.html"); }

  size_t size() const { return files_.size(); }

 private:
  std::map<std::string, StaticFile, std::less<>> files_;
};

// The Content-Type for a file name by its extension; application/octet-stream
// for unknown ones.
std::string_view ContentTypeForName(std::string_view name);

}  // namespace rongping::http

#endif  // RONGPING_HTTP_STATIC_FILES_H_
