// Plain HTTP request and response values exchanged between the server and
// handlers. No Boost.Beast types leak past src/http/server.cc.
#ifndef RONGPING_HTTP_MESSAGE_H_
#define RONGPING_HTTP_MESSAGE_H_

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rongping::http {

// A header value (or an item of one) without the spaces and tabs around it.
std::string_view TrimSpaces(std::string_view s);

// Whether two tokens (header names, content codings) are equal, ASCII case
// ignored.
bool EqualsIgnoringCase(std::string_view a, std::string_view b);

// Header names are compared case-insensitively.
struct CaseInsensitiveLess {
  bool operator()(std::string_view a, std::string_view b) const;
  using is_transparent = void;
};

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // raw target, e.g. "/api/v1/enterprises?page=2"
  std::string path;    // percent-decoded path without the query
  std::map<std::string, std::string> query;  // decoded query parameters (last one wins)
  std::map<std::string, std::string, CaseInsensitiveLess> headers;
  std::string body;
  std::string remote_address;  // peer IP address as text
  std::string request_id;      // assigned by the server (or taken from X-Request-Id)
  std::map<std::string, std::string> path_params;  // filled by the router, e.g. {"uscc": ...}

  // Returns the header value or an empty string.
  std::string_view Header(std::string_view name) const;
  // Returns the query parameter or an empty string.
  std::string_view Query(std::string_view name) const;
  // Returns the named cookie from the Cookie header or an empty string.
  std::string Cookie(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::string body;

  void SetHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
};

// A JSON error body per the contract: {"error":{"code","message","field"}}.
Response ErrorResponse(int status, std::string_view code, std::string_view message,
                       std::string_view field = {});

}  // namespace rongping::http

#endif  // RONGPING_HTTP_MESSAGE_H_
