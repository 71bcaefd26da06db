#include "http/server.h"

#include <utility>  // before Asio, see the project notes

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/text.h"
#include "http/target.h"

namespace rongping::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// Route labels for requests that never reach the router.
constexpr std::string_view kInvalidRoute = "(invalid)";
constexpr std::string_view kMetricsRoute = "/metrics";

// After an error response to a request whose body was not read, how long the
// server keeps reading and discarding input before closing, so that the
// client is not reset before it has read the response.
constexpr std::chrono::milliseconds kLingerTime = std::chrono::seconds(2);
constexpr size_t kDiscardChunkBytes = 16 * 1024;
// Bytes read at once while waiting for the next request on an idle
// connection.
constexpr size_t kIdleReadBytes = 4 * 1024;
// How often a draining server checks whether all connections are gone.
constexpr std::chrono::milliseconds kDrainPollInterval(10);

// blob: images are the web app's own: chart images it fetched with its
// token and shows by object URL (an SVG shown as an image runs nothing).
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

// Beast 1.74 uses boost::string_view.
std::string_view ToStd(beast::string_view text) { return {text.data(), text.size()}; }
beast::string_view ToBeast(std::string_view text) { return {text.data(), text.size()}; }

bool IsRequestIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

bool IsSaneRequestId(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), IsRequestIdChar);
}

// 32 random hex digits.
std::string NewRequestId() {
  thread_local std::mt19937_64 generator = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  char text[33];
  std::snprintf(text, sizeof(text), "%016llx%016llx",
                static_cast<unsigned long long>(generator()),
                static_cast<unsigned long long>(generator()));
  return std::string(text, 32);
}

std::string_view PathWithoutQuery(std::string_view target) {
  return target.substr(0, target.find('?'));
}

// "2024-05-01T08:30:00.123Z"
std::string Rfc3339Utc(std::chrono::system_clock::time_point when) {
  const auto since_epoch = std::chrono::duration_cast<std::chrono::milliseconds>(
      when.time_since_epoch());
  const std::time_t seconds = static_cast<std::time_t>(since_epoch.count() / 1000);
  const int millis = static_cast<int>(since_epoch.count() % 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
  return text;
}

// "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 IMF-fixdate) for now,
// locale independent; made once a second per thread.
const std::string& HttpDateNow() {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  thread_local std::time_t made_for = -1;
  thread_local std::string text;
  const std::time_t seconds = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  if (seconds == made_for) return text;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[utc.tm_wday],
                utc.tm_mday, kMonths[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min,
                utc.tm_sec);
  text = buffer;
  made_for = seconds;
  return text;
}

// "8 MiB", "512 KiB" or "1000 字节".
std::string SizeText(size_t bytes) {
  constexpr size_t kKiB = 1024;
  constexpr size_t kMiB = 1024 * kKiB;
  if (bytes >= kMiB && bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " MiB";
  if (bytes >= kKiB && bytes % kKiB == 0) return std::to_string(bytes / kKiB) + " KiB";
  return std::to_string(bytes) + " 字节";
}

bool HasLineBreak(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

bool IsHttpParseError(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

Response BadRequestResponse(std::string_view message) {
  return ErrorResponse(400, "bad_request", message);
}

std::string DescribeListenError(const beast::error_code& ec) {
  if (ec == asio::error::address_in_use) return "地址已被占用";
  if (ec == asio::error::access_denied) return "没有权限";
  if (ec == boost::system::errc::address_not_available) return "本机没有该地址";
  return ec.message();
}

std::string AddressText(const asio::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
  }
  return address.to_string();
}

class Session;

// How often the server looks for connections past their deadline: often
// enough for the shortest timeout to be kept to within an eighth of it.
std::chrono::milliseconds SweepInterval(const ServerOptions& options) {
  auto shortest = std::min({options.header_timeout, options.read_timeout, options.write_timeout,
                            options.idle_timeout, std::chrono::milliseconds(kLingerTime)});
  return std::clamp(shortest / 8, std::chrono::milliseconds(5), std::chrono::milliseconds(100));
}

// Access log lines for stdout wait here at most one sweep interval (or
// until this many bytes are waiting), then go out in one write.
constexpr size_t kAccessLogBufferBytes = 64 * 1024;

// State shared by the server and its connections. Connections hold it by
// shared_ptr because the last of them may be destroyed after the server.
struct ServerState {
  ServerState(ServerOptions options_in, const Router& router_in, Metrics& metrics_in,
              asio::io_context& ioc_in, asio::thread_pool& workers_in)
      : options(std::move(options_in)),
        router(router_in),
        metrics(metrics_in),
        ioc(ioc_in),
        workers(workers_in) {
    Metrics* m = &metrics;
    metrics_handler = [m](Request&) {
      Response response;
      response.content_type = "text/plain; version=0.0.4; charset=utf-8";
      response.body = m->Render();
      return response;
    };
  }

  ~ServerState() { FlushAccessLog(); }

  void WriteAccessLog(std::string_view line) {
    if (options.access_log) {
      try {
        options.access_log(line);
      } catch (const std::exception& e) {
        spdlog::error("写访问日志失败：{}", e.what());
      } catch (...) {
        spdlog::error("写访问日志失败");
      }
      return;
    }
    std::lock_guard<std::mutex> lock(stdout_mu);
    pending_log.append(line);
    pending_log.push_back('\n');
    if (pending_log.size() >= kAccessLogBufferBytes) FlushAccessLogLocked();
  }

  // Writes the access log lines waiting for stdout.
  void FlushAccessLog() {
    std::lock_guard<std::mutex> lock(stdout_mu);
    FlushAccessLogLocked();
  }

  void FlushAccessLogLocked() {
    if (pending_log.empty()) return;
    std::fwrite(pending_log.data(), 1, pending_log.size(), stdout);
    std::fflush(stdout);
    pending_log.clear();
  }

  // The executor of a new connection: the I/O context itself when one
  // thread runs it, else a strand of it.
  asio::any_io_executor ConnectionExecutor() {
    if (options.io_threads > 1) return asio::make_strand(ioc);
    return ioc.get_executor();
  }

  const ServerOptions options;
  const Router& router;
  Metrics& metrics;
  asio::io_context& ioc;         // valid while the server exists
  asio::thread_pool& workers;    // valid while the server exists
  Handler metrics_handler;       // serves /metrics
  std::atomic<bool> stopping{false};
  std::atomic<int> jobs_in_pool{0};  // handlers queued or running

  // Every live connection. A connection removes itself in its destructor
  // under the mutex, so one found here under the mutex is not yet destroyed.
  std::mutex sessions_mu;
  std::unordered_map<const Session*, std::weak_ptr<Session>> sessions;  // guarded by sessions_mu

  std::mutex stdout_mu;
  std::string pending_log;  // guarded by stdout_mu
};

// One connection. All members are used on the connection's executor, except
// `request` handed to a worker by value, the immutable executor_/state_ and
// the atomic deadline_, which the server's sweep reads.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<ServerState> state)
      : socket_(std::move(socket)),
        executor_(socket_.get_executor()),
        state_(std::move(state)),
        options_(state_->options) {
    beast::error_code ec;
    tcp::endpoint peer = socket_.remote_endpoint(ec);
    if (!ec) remote_ = AddressText(peer.address());
  }

  ~Session() {
    if (exchange_active_) state_->metrics.RequestFinished();
    std::lock_guard<std::mutex> lock(state_->sessions_mu);
    state_->sessions.erase(this);
  }

  void Start() {
    asio::dispatch(executor_, [self = shared_from_this()] { self->ReadHeader(); });
  }

  // The server is stopping: close the connection unless a request is being
  // received, handled or answered.
  void OnServerStopping() {
    asio::post(executor_, [self = shared_from_this()] {
      if (self->phase_ == Phase::kWaiting || self->phase_ == Phase::kLingering) self->Close();
    });
  }

  // Whether the read or write under way has a deadline before `now`.
  // Callable from any thread while the connection exists.
  bool DeadlinePassed(Clock::time_point now) const {
    return deadline_.load(std::memory_order_relaxed) < now.time_since_epoch().count();
  }

  // Closes the connection if its deadline has passed by the time this runs
  // on its executor: the read or write under way ends with an error.
  void OnDeadline() {
    asio::post(executor_, [self = shared_from_this()] {
      if (self->phase_ == Phase::kClosed || !self->DeadlinePassed(Clock::now())) return;
      self->timed_out_ = true;
      self->Close();
    });
  }

 private:
  enum class Phase {
    kWaiting,    // for the next request or its headers
    kBusy,       // reading a body, handling, or writing a response
    kLingering,  // discarding input before closing
    kClosed,
  };

  static constexpr Clock::rep kNoDeadline = std::numeric_limits<Clock::rep>::max();

  // What the access log and metrics need about the current request.
  struct Exchange {
    Clock::time_point start;
    std::string request_id;
    std::string method;
    std::string path;
    std::string remote;  // the client: the peer, or the address a trusted proxy names
    std::string route = std::string(kInvalidRoute);
    bool head = false;
    int status = 0;
    size_t bytes = 0;
  };

  // The read or write about to start must end within `limit`.
  void ExpireAfter(std::chrono::milliseconds limit) {
    deadline_.store((Clock::now() + limit).time_since_epoch().count(), std::memory_order_relaxed);
  }

  void NoDeadline() { deadline_.store(kNoDeadline, std::memory_order_relaxed); }

  void ReadHeader() {
    phase_ = Phase::kWaiting;
    if (state_->stopping) return Close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(
        std::min<size_t>(options_.header_limit_bytes, UINT32_MAX)));
    parser_->body_limit(static_cast<std::uint64_t>(options_.body_limit_bytes));
    ExpireAfter(options_.header_timeout);
    bhttp::async_read_header(socket_, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code ec, size_t) {
                               self->OnHeader(ec);
                             });
  }

  void OnHeader(beast::error_code ec) {
    if (timed_out_) return Close();
    if (ec == bhttp::error::body_limit) {
      BeginExchange();
      return Reply(TooLargeResponse(), /*close=*/true, /*linger=*/true);
    }
    if (ec == bhttp::error::header_limit) {
      BeginExchange();
      return Reply(ErrorResponse(431, "headers_too_large", "请求头过大"), true, true);
    }
    if (IsHttpParseError(ec)) {
      BeginExchange();
      return Reply(BadRequestResponse("请求格式错误"), true, true);
    }
    if (ec) return Close();  // closed by the client, or shut down

    BeginExchange();
    auto& message = parser_->get();
    // RFC 9112 §6.3: a request whose transfer coding does not end in
    // chunked has no knowable length (and, behind a proxy, invites request
    // smuggling).
    if (message.count(bhttp::field::transfer_encoding) > 0 && !parser_->chunked()) {
      return Reply(BadRequestResponse("不支持的传输编码（Transfer-Encoding）"), true, true);
    }
    if (message.version() >= 11 && !parser_->is_done() &&
        beast::iequals(message[bhttp::field::expect], "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      ExpireAfter(options_.write_timeout);
      asio::async_write(socket_, asio::buffer(kContinue.data(), kContinue.size()),
                        [self = shared_from_this()](beast::error_code write_ec, size_t) {
                          if (write_ec) return self->Abandon();
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    if (parser_->is_done()) return Dispatch();
    ExpireAfter(options_.read_timeout);
    bhttp::async_read(socket_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        self->OnBody(ec);
                      });
  }

  void OnBody(beast::error_code ec) {
    if (timed_out_) {
      // The connection is closed; record the request as timed out.
      exchange_.status = 408;
      FinishExchange();
      return Close();
    }
    if (ec == bhttp::error::body_limit) return Reply(TooLargeResponse(), true, true);
    if (IsHttpParseError(ec)) return Reply(BadRequestResponse("请求格式错误"), true, true);
    // The client ended its side before the whole body arrived: it may still
    // read the answer.
    if (ec == bhttp::error::partial_message) {
      return Reply(BadRequestResponse("请求体不完整"), /*close=*/true, /*linger=*/false);
    }
    if (ec) return Abandon();
    Dispatch();
  }

  void Dispatch() {
    NoDeadline();  // handlers are not timed
    auto& message = parser_->get();
    keep_alive_ = message.keep_alive();

    Request request;
    request.method = exchange_.method;
    request.target = std::string(message.target());
    if (!ParseTarget(request.target, &request.path, &request.query)) {
      return Reply(BadRequestResponse("请求路径或参数编码错误"));
    }
    exchange_.path = request.path;
    for (const auto& field : message) {
      std::string_view name = ToStd(field.name_string());
      std::string_view value = ToStd(field.value());
      auto [it, inserted] = request.headers.emplace(std::string(name), std::string(value));
      if (!inserted) {
        it->second += beast::iequals(ToBeast(name), "cookie") ? "; " : ", ";
        it->second += value;
      }
    }
    request.body = std::move(message.body());
    request.remote_address = ClientAddress(remote_, request.Header("X-Real-IP"), options_.trusted_proxies);
    exchange_.remote = request.remote_address;
    request.request_id = exchange_.request_id;

    const Handler* handler = nullptr;
    if (state_->options.serve_metrics && request.path == kMetricsRoute &&
        (request.method == "GET" || request.method == "HEAD")) {
      handler = &state_->metrics_handler;
      exchange_.route = std::string(kMetricsRoute);
    } else {
      Router::Match match =
          state_->router.Find(request.method, request.path, &request.path_params);
      exchange_.route = std::string(match.route);
      switch (match.outcome) {
        case Router::Match::Outcome::kNotFound:
          return Reply(NotFoundResponse());
        case Router::Match::Outcome::kMethodNotAllowed:
          return Reply(MethodNotAllowedResponse(match.allow));
        case Router::Match::Outcome::kFound:
          handler = match.handler;
          if (match.never_blocks) return Reply(RunHandler(*handler, request));
          break;
      }
    }
    Enqueue(handler, std::move(request));
  }

  // Runs `handler` on the worker pool, or answers 503 when the pool is full.
  void Enqueue(const Handler* handler, Request request) {
    const int capacity =
        std::max(1, options_.worker_threads) + std::max(0, options_.max_queued_requests);
    if (state_->jobs_in_pool.fetch_add(1) >= capacity) {
      state_->jobs_in_pool.fetch_sub(1);
      Response busy = ErrorResponse(503, "server_busy", "服务器繁忙，请稍后重试");
      busy.SetHeader("Retry-After", "1");
      return Reply(std::move(busy));
    }
    asio::post(state_->workers, [self = shared_from_this(), handler, request = std::move(request),
                                 work = asio::make_work_guard(state_->ioc)]() mutable {
      Response response = RunHandler(*handler, request);
      self->state_->jobs_in_pool.fetch_sub(1);
      asio::post(self->executor_, [self, response = std::move(response)]() mutable {
        self->Reply(std::move(response));
      });
    });
  }

  static Response RunHandler(const Handler& handler, Request& request) {
    try {
      return handler(request);
    } catch (const std::exception& e) {
      spdlog::error("处理请求时出现未捕获的异常 request_id={} {} {}：{}", request.request_id,
                    request.method, request.path, e.what());
    } catch (...) {
      spdlog::error("处理请求时出现未知异常 request_id={} {} {}", request.request_id,
                    request.method, request.path);
    }
    return ErrorResponse(500, "internal", "服务器内部错误");
  }

  Response TooLargeResponse() const {
    return ErrorResponse(413, "too_large",
                         "请求体超过 " + SizeText(options_.body_limit_bytes) + " 上限");
  }

  void BeginExchange() {
    phase_ = Phase::kBusy;
    exchange_ = Exchange{};
    exchange_.start = Clock::now();
    exchange_active_ = true;
    state_->metrics.RequestStarted();
    keep_alive_ = false;

    // After a header error the message may be only partly filled.
    const auto& message = parser_->get();
    version_ = message.version() == 10 ? 10 : 11;
    exchange_.method = std::string(message.method_string());
    exchange_.head = message.method() == bhttp::verb::head;
    exchange_.path = std::string(PathWithoutQuery(ToStd(message.target())));
    std::string_view client_id = ToStd(message["X-Request-Id"]);
    exchange_.request_id = IsSaneRequestId(client_id) ? std::string(client_id) : NewRequestId();
  }

  // Writes `response` after applying the middleware headers. With `close`
  // the connection closes afterwards; with `linger` unread input is drained
  // first.
  void Reply(Response response, bool close = false, bool linger = false) {
    phase_ = Phase::kBusy;
    close_after_ = close || !keep_alive_ || state_->stopping;
    linger_ = linger;
    BuildResponse(std::move(response));
    ExpireAfter(options_.write_timeout);
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(head_), asio::buffer(body_)};
    asio::async_write(socket_, buffers, [self = shared_from_this()](beast::error_code ec, size_t) {
      self->OnWritten(ec);
    });
  }

  void AppendHeader(std::string_view name, std::string_view value) {
    head_.append(name);
    head_.append(": ");
    head_.append(value);
    head_.append("\r\n");
  }

  // Fills head_ (status line and headers) and body_ from `response`.
  void BuildResponse(Response&& response) {
    int status = response.status;
    if (status < 100 || status > 599) {
      spdlog::error("处理函数返回了无效的状态码 {} request_id={}", status, exchange_.request_id);
      response = ErrorResponse(500, "internal", "服务器内部错误");
      status = 500;
    }
    head_.clear();
    fmt::format_to(std::back_inserter(head_), "HTTP/1.{} {} {}\r\n", version_ == 10 ? 0 : 1, status,
                   ToStd(bhttp::obsolete_reason(static_cast<bhttp::status>(status))));
    // The server sets these itself, whatever the handler said.
    static constexpr std::array<std::string_view, 6> kServerFields = {
        "X-Request-Id", "Server", "Date", "Content-Length", "Connection", "Transfer-Encoding"};
    auto handler_set = [&response](std::string_view name) {
      return std::any_of(response.headers.begin(), response.headers.end(),
                         [name](const auto& header) { return EqualsIgnoringCase(header.first, name); });
    };
    for (const auto& [name, value] : response.headers) {
      if (name.empty() || HasLineBreak(name) || HasLineBreak(value)) {
        spdlog::error("丢弃含换行的响应头 {} request_id={}", name, exchange_.request_id);
        continue;
      }
      if (std::any_of(kServerFields.begin(), kServerFields.end(),
                      [&name](std::string_view field) { return EqualsIgnoringCase(name, field); })) {
        continue;
      }
      AppendHeader(name, value);
    }
    auto set_if_absent = [&](std::string_view name, std::string_view value) {
      if (!handler_set(name)) AppendHeader(name, value);
    };
    if (!response.content_type.empty() && !HasLineBreak(response.content_type)) {
      set_if_absent("Content-Type", response.content_type);
    }
    AppendHeader("X-Request-Id", exchange_.request_id);
    set_if_absent("Content-Security-Policy", kContentSecurityPolicy);
    set_if_absent("X-Content-Type-Options", "nosniff");
    set_if_absent("X-Frame-Options", "DENY");
    set_if_absent("Referrer-Policy", "same-origin");
    if (exchange_.path.rfind("/api/", 0) == 0) set_if_absent("Cache-Control", "no-store");
    AppendHeader("Server", options_.server_name);
    AppendHeader("Date", HttpDateNow());

    const bool bodiless_status = status < 200 || status == 204 || status == 304;
    const size_t body_size = bodiless_status ? 0 : response.body.size();
    if (!bodiless_status) AppendHeader("Content-Length", std::to_string(body_size));
    if (version_ == 11 && close_after_) AppendHeader("Connection", "close");
    if (version_ == 10 && !close_after_) AppendHeader("Connection", "keep-alive");
    head_.append("\r\n");
    body_.clear();
    if (!exchange_.head && !bodiless_status) body_ = std::move(response.body);

    exchange_.status = status;
    exchange_.bytes = exchange_.head ? 0 : body_size;
  }

  void OnWritten(beast::error_code ec) {
    FinishExchange();
    if (ec) return Close();
    if (close_after_) return linger_ && !state_->stopping ? Linger() : Close();
    WaitForNextRequest();
  }

  void WaitForNextRequest() {
    parser_.reset();
    body_.clear();
    if (state_->stopping) return Close();
    if (buffer_.size() > 0) return ReadHeader();  // pipelined
    phase_ = Phase::kWaiting;
    ExpireAfter(options_.idle_timeout);
    socket_.async_read_some(buffer_.prepare(kIdleReadBytes),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->buffer_.commit(n);
                              if (ec) return self->Close();
                              self->ReadHeader();
                            });
  }

  // Half-closes and discards input for a while so that a client still sending
  // a rejected body reads the response instead of a connection reset.
  void Linger() {
    phase_ = Phase::kLingering;
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    ExpireAfter(kLingerTime);
    discard_.resize(kDiscardChunkBytes);
    DiscardInput();
  }

  void DiscardInput() {
    socket_.async_read_some(asio::buffer(discard_),
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (ec) return self->Close();
                              self->DiscardInput();
                            });
  }

  // The connection failed mid-request: no response can be written.
  void Abandon() {
    if (exchange_active_) {
      exchange_active_ = false;
      state_->metrics.RequestFinished();
    }
    Close();
  }

  void Close() {
    phase_ = Phase::kClosed;
    NoDeadline();
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  void FinishExchange() {
    if (!exchange_active_) return;
    exchange_active_ = false;
    state_->metrics.RequestFinished();
    const double seconds = std::chrono::duration<double>(Clock::now() - exchange_.start).count();
    state_->metrics.ObserveRequest(exchange_.route, exchange_.method, exchange_.status, seconds);
    state_->WriteAccessLog(AccessLogLine(seconds));
  }

  // {"ts","request_id","remote","method","path","route","status","bytes","duration_ms"}
  std::string AccessLogLine(double seconds) const {
    std::string line;
    line.reserve(256);
    line += "{\"ts\":\"";
    line += Rfc3339Utc(std::chrono::system_clock::now());
    line += "\",\"request_id\":";
    AppendJsonString(line, exchange_.request_id);
    line += ",\"remote\":";
    AppendJsonString(line, exchange_.remote.empty() ? remote_ : exchange_.remote);
    line += ",\"method\":";
    AppendJsonString(line, exchange_.method);
    line += ",\"path\":";
    AppendJsonString(line, exchange_.path);
    line += ",\"route\":";
    AppendJsonString(line, exchange_.route);
    fmt::format_to(std::back_inserter(line), ",\"status\":{},\"bytes\":{},\"duration_ms\":{}}}", exchange_.status,
                   exchange_.bytes, std::round(seconds * 1e6) / 1e3);
    return line;
  }

  tcp::socket socket_;
  const asio::any_io_executor executor_;
  const std::shared_ptr<ServerState> state_;
  const ServerOptions& options_;
  std::string remote_;
  std::atomic<Clock::rep> deadline_{kNoDeadline};
  bool timed_out_ = false;  // the sweep closed the connection at its deadline

  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string head_;  // the response's status line and headers
  std::string body_;  // the response's body as sent (empty for HEAD)
  std::vector<char> discard_;

  Phase phase_ = Phase::kWaiting;
  Exchange exchange_;
  bool exchange_active_ = false;  // counted in the in-flight gauge
  bool keep_alive_ = false;
  unsigned version_ = 11;
  bool close_after_ = false;
  bool linger_ = false;
};

}  // namespace

std::string ClientAddress(std::string_view peer, std::string_view real_ip,
                          const std::vector<std::string>& trusted_proxies) {
  if (real_ip.empty() || std::find(trusted_proxies.begin(), trusted_proxies.end(), peer) == trusted_proxies.end()) {
    return std::string(peer);
  }
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(std::string(real_ip), ec);
  return ec ? std::string(peer) : address.to_string();
}

class Server::Impl {
 public:
  Impl(ServerOptions options, const Router& router, Metrics& metrics)
      : ioc_(std::max(1, options.io_threads)),
        workers_(static_cast<size_t>(std::max(1, options.worker_threads))),
        acceptor_(asio::make_strand(ioc_)),
        accept_retry_timer_(acceptor_.get_executor()),
        drain_timer_(acceptor_.get_executor()),
        sweep_timer_(acceptor_.get_executor()),
        signals_(acceptor_.get_executor()),
        state_(std::make_shared<ServerState>(std::move(options), router, metrics, ioc_,
                                             workers_)) {}

  ~Impl() {
    ioc_.stop();
    workers_.stop();
    workers_.join();
  }

  Result<void> Start() {
    if (started_) return Fail(Error::Internal("服务器已经启动"));
    const ServerOptions& options = state_->options;
    const std::string where = options.host + ":" + std::to_string(options.port);

    std::vector<tcp::endpoint> endpoints;
    beast::error_code ec;
    asio::ip::address address = asio::ip::make_address(options.host, ec);
    if (!ec) {
      endpoints.emplace_back(address, options.port);
    } else {
      tcp::resolver resolver(ioc_);
      auto results = resolver.resolve(options.host, std::to_string(options.port), ec);
      if (ec) return Fail(ListenError("无法解析监听地址 " + where + "：" + ec.message()));
      for (const auto& entry : results) endpoints.push_back(entry.endpoint());
    }

    for (const tcp::endpoint& endpoint : endpoints) {
      ec = {};
      acceptor_.open(endpoint.protocol(), ec);
      if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
      if (!ec) acceptor_.bind(endpoint, ec);
      if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
      if (!ec) break;
      beast::error_code ignored;
      acceptor_.close(ignored);
    }
    if (ec || !acceptor_.is_open()) {
      return Fail(ListenError("无法监听 " + where + "：" + DescribeListenError(ec)));
    }
    port_ = acceptor_.local_endpoint(ec).port();

    if (options.handle_signals) {
      signals_.add(SIGINT, ec);
      signals_.add(SIGTERM, ec);
      signals_.async_wait([this](beast::error_code wait_ec, int signal_number) {
        if (wait_ec) return;
        spdlog::info("收到信号 {}，开始停止服务", signal_number);
        Stop();
      });
    }
    started_ = true;
    DoAccept();
    Sweep();
    return {};
  }

  uint16_t port() const { return port_; }

  void Run() {
    if (!started_ || ran_.exchange(true)) return;
    std::vector<std::thread> extra_threads;
    for (int i = 1; i < state_->options.io_threads; ++i) {
      extra_threads.emplace_back([this] { RunIo(); });
    }
    RunIo();
    for (std::thread& thread : extra_threads) thread.join();
    state_->FlushAccessLog();
    // Connections are gone (or were cut at drain_timeout): drop queued jobs
    // and wait for the running ones.
    workers_.stop();
    workers_.join();
  }

  void Stop() {
    if (state_->stopping.exchange(true)) return;
    asio::post(acceptor_.get_executor(), [this] { BeginDrain(); });
  }

 private:
  static Error ListenError(std::string message) {
    return Error{ErrorKind::kUnavailable, "listen_failed", std::move(message), {}};
  }

  void RunIo() {
    while (true) {
      try {
        ioc_.run();
        return;
      } catch (const std::exception& e) {
        spdlog::error("I/O 线程出现异常：{}", e.what());
      } catch (...) {
        spdlog::error("I/O 线程出现未知异常");
      }
    }
  }

  void DoAccept() {
    acceptor_.async_accept(state_->ConnectionExecutor(),
                           [this](beast::error_code ec, tcp::socket socket) {
                             OnAccept(ec, std::move(socket));
                           });
  }

  void OnAccept(beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
      // E.g. out of file descriptors: back off instead of spinning.
      spdlog::warn("接受连接失败：{}", ec.message());
      accept_retry_timer_.expires_after(std::chrono::milliseconds(50));
      accept_retry_timer_.async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec && acceptor_.is_open()) DoAccept();
      });
      return;
    }
    if (state_->stopping) return;  // BeginDrain is queued and closes the acceptor
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto session = std::make_shared<Session>(std::move(socket), state_);
    {
      std::lock_guard<std::mutex> lock(state_->sessions_mu);
      state_->sessions.emplace(session.get(), session);
    }
    session->Start();
    DoAccept();
  }

  // Every sweep interval: closes the connections past their deadline and
  // writes the access log lines waiting for stdout.
  void Sweep() {
    sweep_timer_.expires_after(sweep_interval_);
    sweep_timer_.async_wait([this](beast::error_code ec) {
      if (ec) return;
      CloseConnectionsPastDeadline();
      state_->FlushAccessLog();
      Sweep();
    });
  }

  void CloseConnectionsPastDeadline() {
    const auto now = Clock::now();
    std::vector<std::shared_ptr<Session>> late;
    {
      std::lock_guard<std::mutex> lock(state_->sessions_mu);
      for (const auto& [session, weak] : state_->sessions) {
        if (!session->DeadlinePassed(now)) continue;
        if (auto owned = weak.lock()) late.push_back(std::move(owned));
      }
    }
    for (const auto& session : late) session->OnDeadline();
  }

  // Runs on the acceptor's strand.
  void BeginDrain() {
    beast::error_code ignored;
    acceptor_.close(ignored);
    accept_retry_timer_.cancel();
    signals_.cancel(ignored);
    std::vector<std::shared_ptr<Session>> sessions;
    {
      std::lock_guard<std::mutex> lock(state_->sessions_mu);
      for (const auto& [key, weak] : state_->sessions) {
        if (auto session = weak.lock()) sessions.push_back(std::move(session));
      }
    }
    for (const auto& session : sessions) session->OnServerStopping();
    sessions.clear();
    drain_deadline_ = Clock::now() + state_->options.drain_timeout;
    PollDrain();
  }

  void PollDrain() {
    size_t remaining;
    {
      std::lock_guard<std::mutex> lock(state_->sessions_mu);
      remaining = state_->sessions.size();
    }
    if (remaining == 0 || Clock::now() >= drain_deadline_) {
      if (remaining > 0) spdlog::warn("停止等待超时，强制关闭 {} 个连接", remaining);
      ioc_.stop();
      return;
    }
    drain_timer_.expires_after(kDrainPollInterval);
    drain_timer_.async_wait([this](beast::error_code ec) {
      if (!ec) PollDrain();
    });
  }

  // Destroyed last: pending handlers (and the connections they own) are
  // destroyed with it.
  asio::io_context ioc_;
  asio::thread_pool workers_;
  tcp::acceptor acceptor_;
  asio::steady_timer accept_retry_timer_;
  asio::steady_timer drain_timer_;
  asio::steady_timer sweep_timer_;
  asio::signal_set signals_;
  std::shared_ptr<ServerState> state_;
  Clock::time_point drain_deadline_;
  const std::chrono::milliseconds sweep_interval_ = SweepInterval(state_->options);
  uint16_t port_ = 0;
  bool started_ = false;
  std::atomic<bool> ran_{false};
};

Server::Server(ServerOptions options, const Router& router, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, metrics)) {}

Server::~Server() = default;

Result<void> Server::Start() { return impl_->Start(); }

uint16_t Server::port() const { return impl_->port(); }

void Server::Run() { impl_->Run(); }

void Server::Stop() { impl_->Stop(); }

}  // namespace rongping::http
