// The request target of an HTTP request (RFC 9112 origin-form), split into
// its percent-decoded path and query parameters. Pure functions on untrusted
// bytes: never a crash, never a NUL in what they return.
#ifndef RONGPING_HTTP_TARGET_H_
#define RONGPING_HTTP_TARGET_H_

#include <map>
#include <string>
#include <string_view>

namespace rongping::http {

// Decodes %XX escapes (and '+' as a space when `plus_is_space`) into *out.
// Returns false on a malformed escape or a decoded NUL.
bool PercentDecode(std::string_view in, bool plus_is_space, std::string* out);

// Splits an origin-form target ("/path?a=1&b=2") into the decoded path and
// the decoded query parameters (the last of a repeated name wins; a name
// without '=' has an empty value). Returns false when the target does not
// start with '/' or any part fails PercentDecode.
bool ParseTarget(std::string_view target, std::string* path, std::map<std::string, std::string>* query);

}  // namespace rongping::http

#endif  // RONGPING_HTTP_TARGET_H_
