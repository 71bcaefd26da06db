// An HTTP/1.1 server that runs Router handlers on a bounded worker pool.
//
//   Router router;
//   router.Add("GET", "/healthz", [](Request&) { ... });
//   Metrics metrics;
//   Server server(ServerOptions{}, router, metrics);
//   if (auto started = server.Start(); !started) { /* started.error().message */ }
//   server.Run();  // until Stop(), SIGTERM or SIGINT
//
// Connections are kept alive (HTTP/1.1) and served asynchronously by a few
// I/O threads; handlers run on worker threads, so a slow handler or a slow or
// idle client never holds up other clients.
//
// Every response carries X-Request-Id (the client's value when it is 1-64
// characters of [A-Za-z0-9._-], else a random one; also in
// Request::request_id), Content-Security-Policy, X-Content-Type-Options,
// X-Frame-Options and Referrer-Policy, plus "Cache-Control: no-store" for
// paths under /api/. A header the handler set itself is left alone.
//
// With ServerOptions::serve_metrics, the server answers GET and HEAD /metrics
// itself (Metrics::Render) before consulting the router. HEAD is answered like GET without the body. Every
// request is counted in Metrics and written as one JSON line to the access log.
//
// Error responses produced by the server itself use the JSON error body of
// ErrorResponse(): 400 bad_request (malformed HTTP, a transfer coding other
// than chunked, a body cut short by the client, bad percent-encoding or NUL
// in the path or query), 404 not_found, 405 method_not_allowed, 413 too_large,
// 431 headers_too_large, 500 internal (a handler threw), 503 server_busy.
#ifndef RONGPING_HTTP_SERVER_H_
#define RONGPING_HTTP_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>
#include <string_view>

#include "core/result.h"
#include "http/metrics.h"
#include "http/router.h"

namespace rongping::http {

// The client's address: `real_ip` (the X-Real-IP header) when the peer is
// one of `trusted_proxies` and real_ip is an IPv4 or IPv6 address, else the
// peer's own.
std::string ClientAddress(std::string_view peer, std::string_view real_ip,
                          const std::vector<std::string>& trusted_proxies);

struct ServerOptions {
  // Address to listen on: an IPv4 or IPv6 literal ("0.0.0.0", "::") or a
  // host name resolved at Start().
  std::string host = "127.0.0.1";

  // TCP port to listen on. 0 picks a free ephemeral port; see Server::port().
  uint16_t port = 8080;

  // Threads doing socket I/O and HTTP parsing. One is plenty for most loads.
  int io_threads = 1;

  // Threads running handlers. Handlers may block on the store; this bounds
  // how many run at once.
  int worker_threads = 4;

  // Requests that may wait for a free worker. A request arriving when all
  // workers are busy and this many are already waiting is answered at once
  // with 503 server_busy (服务器繁忙，请稍后重试).
  int max_queued_requests = 256;

  // Largest accepted request body. A larger body (by Content-Length, or as
  // chunks arrive) is answered with 413 too_large and the connection closes.
  size_t body_limit_bytes = 8 * 1024 * 1024;

  // Largest accepted request line plus headers; more gets 431 and a close.
  size_t header_limit_bytes = 16 * 1024;

  // Time allowed to receive a request's complete headers, counted from the
  // connection's accept or, on a kept-alive connection, from the first byte
  // of the next request. On expiry the connection is closed.
  std::chrono::milliseconds header_timeout = std::chrono::seconds(10);

  // Time allowed to receive the request body after the headers.
  std::chrono::milliseconds read_timeout = std::chrono::seconds(30);

  // Time allowed to write a response.
  std::chrono::milliseconds write_timeout = std::chrono::seconds(30);

  // How long a kept-alive connection may sit idle between requests.
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(60);

  // On Stop(), how long requests already being handled get to finish and
  // have their responses written before the remaining connections are cut.
  std::chrono::milliseconds drain_timeout = std::chrono::seconds(30);

  // Whether Run() also stops gracefully on SIGTERM and SIGINT.
  bool handle_signals = true;

  // Whether the server answers GET and HEAD /metrics itself, before the
  // router (Metrics::Render). Turn off on a port that clients reach and
  // serve the metrics on a separate, private listener instead.
  bool serve_metrics = true;

  // Value of the Server response header.
  std::string server_name = "rongping";

  // Peers that are reverse proxies (nginx in front): for a request from one
  // of them the client is the address in its X-Real-IP header, for login
  // throttling and the access log. Empty: the peer is the client.
  std::vector<std::string> trusted_proxies;

  // Receives one JSON object per request, without a trailing newline:
  // {"ts","request_id","remote","method","path","route","status","bytes",
  //  "duration_ms"}. ts is RFC 3339 UTC with milliseconds; path excludes the
  // query string; bytes counts the response body. Called from I/O threads,
  // possibly concurrently. When empty, lines go to stdout.
  std::function<void(std::string_view)> access_log;
};

class Server {
 public:
  // `router` and `metrics` must outlive the Server; the router must not be
  // changed once Start() has been called.
  Server(ServerOptions options, const Router& router, Metrics& metrics);
  ~Server();

  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. On failure (address in use, bad host, permission) the
  // error says which address failed and why, in Chinese. Call once.
  Result<void> Start();

  // The bound port, useful when ServerOptions::port is 0. Valid after a
  // successful Start().
  uint16_t port() const;

  // Serves until Stop() (or, with handle_signals, SIGTERM or SIGINT), then
  // drains as Stop() describes and returns. Call once, after Start()
  // succeeded; returns at once otherwise. Uses the calling thread as one of
  // the I/O threads.
  void Run();

  // Stops accepting connections and closes idle ones; requests whose headers
  // have arrived are handled and their responses written (with
  // "Connection: close"), for up to drain_timeout; then Run() returns.
  // Thread-safe, idempotent, may be called from a handler or before Run().
  // A handler that never returns delays Run()'s return: handlers cannot be
  // interrupted.
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rongping::http

#endif  // RONGPING_HTTP_SERVER_H_
