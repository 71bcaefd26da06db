// The built web app held in memory: a fixed table of files read once at
// start, served by exact path, each with its compressed forms and an ETag.
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
//
// A file "X.br" or "X.gz" beside a file X (web/scripts/compress.mjs writes
// them at build time) is not served under its own name: it is X's Brotli or
// gzip form, sent to clients that accept it (FileResponse).
#ifndef RONGPING_HTTP_STATIC_FILES_H_
#define RONGPING_HTTP_STATIC_FILES_H_

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "core/result.h"
#include "http/message.h"

namespace rongping::http {

struct StaticFile {
  std::string content_type;  // e.g. "text/javascript; charset=utf-8"
  std::string body;
  // Whether the name carries a content hash (under /assets/), so that
  // clients may keep it for a year.
  bool immutable = false;
  // The same content compressed with Brotli and with gzip; empty when none.
  std::string brotli, gzip;
  // A strong validator of the content, quoted ("\"5f1c…\""), the same on
  // every server that loads the same files; each compressed form's adds
  // "-br" or "-gz" inside the quotes.
  std::string etag;
};

// The response to a GET of `file` from a client that sent these
// Accept-Encoding and If-None-Match values: 304 Not Modified (no body) when
// If-None-Match names the ETag of the form the client would get ("*"
// included); else 200 with that form, the smallest the client accepts
// (Brotli, gzip, then the file itself). Either carries ETag,
// Cache-Control (a year for immutable files, else "no-cache": always
// revalidate), and Vary: Accept-Encoding when the file has compressed forms.
Response FileResponse(const StaticFile& file, std::string_view accept_encoding, std::string_view if_none_match);

// The coding to send given an Accept-Encoding value: "br" when it accepts br
// and `has_br`, else "gzip" likewise, else "" (the file itself). A coding
// with q=0 is refused; "*" accepts every coding not named.
std::string_view ChooseEncoding(std::string_view accept_encoding, bool has_br, bool has_gzip);

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
