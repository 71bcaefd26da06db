#include "http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace rongping::http {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string, CaseInsensitiveLess> headers;
  std::string body;

  std::string Header(std::string_view name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
  bool HasHeader(std::string_view name) const { return headers.find(name) != headers.end(); }
};

// A minimal blocking HTTP/1.1 client over a POSIX socket.
class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~Client() { ::close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }

  // Ends the sending side (the client has no more to say) and keeps reading.
  void FinishSending() { ::shutdown(fd_, SHUT_WR); }

  void Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      data.remove_prefix(static_cast<size_t>(n));
    }
  }

  // Reads one response; the body is read by Content-Length unless
  // `head_request`. Returns nullopt on a close or after `timeout`.
  std::optional<HttpResponse> Read(bool head_request = false, milliseconds timeout = milliseconds(3000)) {
    const auto deadline = Clock::now() + timeout;
    size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill(deadline)) return std::nullopt;
    }
    HttpResponse response;
    std::string head = buffer_.substr(0, header_end);
    buffer_.erase(0, header_end + 4);
    size_t line_end = head.find("\r\n");
    std::string status_line = head.substr(0, line_end);
    if (status_line.size() < 12) return std::nullopt;
    response.status = std::stoi(status_line.substr(9, 3));
    while (line_end != std::string::npos) {
      size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      std::string line = head.substr(start, line_end == std::string::npos ? std::string::npos
                                                                          : line_end - start);
      size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      response.headers[line.substr(0, colon)] = value;
    }
    if (!head_request) {
      size_t length = std::stoul(response.Header("Content-Length").empty()
                                     ? "0"
                                     : response.Header("Content-Length"));
      while (buffer_.size() < length) {
        if (!Fill(deadline)) return std::nullopt;
      }
      response.body = buffer_.substr(0, length);
      buffer_.erase(0, length);
    }
    return response;
  }

  std::optional<HttpResponse> Request(std::string_view raw, bool head_request = false) {
    Send(raw);
    return Read(head_request);
  }

  // True when the peer closes (EOF or reset) within `timeout`; unread
  // bytes are discarded.
  bool WaitForClose(milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
      if (::poll(&p, 1, static_cast<int>(std::max<long>(left, 1))) <= 0) continue;
      char chunk[4096];
      ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
      if (n <= 0) return true;
    }
    return false;
  }

  // True when nothing arrives and the connection stays open for `duration`.
  bool StaysQuiet(milliseconds duration) {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(duration.count())) == 0;
  }

 private:
  bool Fill(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) return false;
    char chunk[16384];
    ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
};

std::string Get(std::string_view target, std::string_view extra_headers = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" +
         std::string(extra_headers) + "\r\n";
}

Response Text(std::string body) {
  Response response;
  response.content_type = "text/plain; charset=utf-8";
  response.body = std::move(body);
  return response;
}

// True when `text` has `pattern`'s shape: '9' stands for any digit, 'f' for
// a lower-case hex digit, anything else for itself.
bool HasShape(std::string_view text, std::string_view pattern) {
  if (text.size() != pattern.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool digit = c >= '0' && c <= '9';
    if (pattern[i] == '9' ? !digit
                          : pattern[i] == 'f' ? !(digit || (c >= 'a' && c <= 'f'))
                                              : c != pattern[i]) {
      return false;
    }
  }
  return true;
}

long MillisSince(Clock::time_point start) {
  return static_cast<long>(
      std::chrono::duration_cast<milliseconds>(Clock::now() - start).count());
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("GET", "/hello", Access::Anonymous(), [](Request&) { return Text("hello"); });
    router_.Add("POST", "/echo", Access::Anonymous(), [](Request& request) { return Text(request.body); });
    router_.Add("GET", "/api/v1/items/{id}", Access::Anonymous(), [](Request& request) {
      return Text("id=" + request.path_params["id"] + ";q=" + std::string(request.Query("q")) +
                  ";path=" + request.path + ";rid=" + request.request_id);
    });
    router_.Add("GET", "/api/v1/cached", Access::Anonymous(), [](Request&) {
      Response response = Text("cached");
      response.SetHeader("Cache-Control", "max-age=60");
      return response;
    });
    router_.Add("GET", "/slow", Access::Anonymous(), [](Request&) {
      std::this_thread::sleep_for(milliseconds(300));
      return Text("slow done");
    });
    router_.Add("GET", "/throw", Access::Anonymous(), [](Request&) -> Response {
      throw std::runtime_error("handler failure");
    });
    metrics_.SetGaugeProvider([] {
      return "# TYPE rongping_store_up gauge\nrongping_store_up 1\n";
    });
    StartServer(TestOptions());
  }

  void TearDown() override { StopServer(); }

  static ServerOptions TestOptions() {
    ServerOptions options;
    options.port = 0;
    options.handle_signals = false;
    options.header_timeout = milliseconds(2000);
    options.read_timeout = milliseconds(2000);
    options.idle_timeout = milliseconds(3000);
    options.drain_timeout = milliseconds(2000);
    return options;
  }

  void StartServer(ServerOptions options) {
    options.access_log = [this](std::string_view line) {
      std::lock_guard<std::mutex> lock(log_mu_);
      log_lines_.emplace_back(line);
    };
    server_ = std::make_unique<Server>(std::move(options), router_, metrics_);
    auto started = server_->Start();
    ASSERT_TRUE(started.has_value()) << started.error().message;
    ASSERT_NE(server_->port(), 0);
    run_thread_ = std::thread([this] { server_->Run(); });
  }

  void StopServer() {
    if (!server_) return;
    server_->Stop();
    run_thread_.join();
    server_.reset();
  }

  std::vector<std::string> LogLines() {
    std::lock_guard<std::mutex> lock(log_mu_);
    return log_lines_;
  }

  uint16_t port() const { return server_->port(); }

  Router router_;
  Metrics metrics_;
  std::unique_ptr<Server> server_;
  std::thread run_thread_;
  std::mutex log_mu_;
  std::vector<std::string> log_lines_;
};

TEST_F(ServerTest, ServesSimpleRequest) {
  Client client(port());
  auto response = client.Request(Get("/hello"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "hello");
  EXPECT_EQ(response->Header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(response->Header("Server"), "rongping");
  EXPECT_FALSE(response->Header("Date").empty());
  EXPECT_FALSE(response->HasHeader("Cache-Control"));  // not under /api/
}

TEST_F(ServerTest, KeepsConnectionAliveAcrossRequests) {
  Client client(port());
  auto first = client.Request(Get("/hello"));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  auto second = client.Request(
      "POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 7\r\n\r\npayload");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(second->body, "payload");
  EXPECT_NE(first->Header("X-Request-Id"), second->Header("X-Request-Id"));
}

TEST(ClientAddress, TakesTheRealIpOnlyFromATrustedProxy) {
  const std::vector<std::string> nginx = {"127.0.0.1"};
  EXPECT_EQ(ClientAddress("127.0.0.1", "203.0.113.7", nginx), "203.0.113.7");
  EXPECT_EQ(ClientAddress("127.0.0.1", "2001:db8::1", nginx), "2001:db8::1");
  // Anyone else's header is ignored: a client cannot pick its own address.
  EXPECT_EQ(ClientAddress("198.51.100.2", "203.0.113.7", nginx), "198.51.100.2");
  EXPECT_EQ(ClientAddress("127.0.0.1", "203.0.113.7", {}), "127.0.0.1");
  // A header that is not an address is ignored.
  EXPECT_EQ(ClientAddress("127.0.0.1", "203.0.113.7, 10.0.0.1", nginx), "127.0.0.1");
  EXPECT_EQ(ClientAddress("127.0.0.1", "<script>", nginx), "127.0.0.1");
  EXPECT_EQ(ClientAddress("127.0.0.1", "", nginx), "127.0.0.1");
}

TEST_F(ServerTest, AddsSecurityHeadersAndRequestId) {
  Client client(port());
  auto response = client.Request(Get("/api/v1/items/7", "X-Request-Id: trace-abc_1.2\r\n"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->Header("X-Request-Id"), "trace-abc_1.2");
  EXPECT_NE(response->body.find(";rid=trace-abc_1.2"), std::string::npos);
  EXPECT_EQ(response->Header("Content-Security-Policy"),
            "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
            "frame-ancestors 'none'; base-uri 'self'; form-action 'self'");
  EXPECT_EQ(response->Header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(response->Header("X-Frame-Options"), "DENY");
  EXPECT_EQ(response->Header("Referrer-Policy"), "same-origin");
  EXPECT_EQ(response->Header("Cache-Control"), "no-store");

  // An unsafe client id is replaced by a generated one.
  response = client.Request(Get("/hello", "X-Request-Id: bad id <script>\r\n"));
  ASSERT_TRUE(response);
  EXPECT_TRUE(HasShape(response->Header("X-Request-Id"), std::string(32, 'f')))
      << response->Header("X-Request-Id");
  response = client.Request(Get("/hello", "X-Request-Id: " + std::string(65, 'a') + "\r\n"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->Header("X-Request-Id").size(), 32u);

  // A handler's own Cache-Control is kept.
  response = client.Request(Get("/api/v1/cached"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->Header("Cache-Control"), "max-age=60");
}

TEST_F(ServerTest, RejectsBodyOverLimitWith413AndCloses) {
  Client client(port());
  client.Send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 9000000\r\n\r\n" +
              std::string(1000, 'x'));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(response->body,
            R"({"error":{"code":"too_large","message":"请求体超过 8 MiB 上限"}})");
  EXPECT_EQ(response->Header("Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(response->Header("Connection"), "close");
  EXPECT_TRUE(client.WaitForClose(milliseconds(1000)));
}

TEST_F(ServerTest, RejectsChunkedBodyOverLimit) {
  StopServer();
  ServerOptions options = TestOptions();
  options.body_limit_bytes = 1024;
  StartServer(options);

  Client client(port());
  std::string chunk(600, 'y');
  client.Send("POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n");
  for (int i = 0; i < 2; ++i) client.Send("258\r\n" + chunk + "\r\n");
  client.Send("0\r\n\r\n");
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(response->body,
            R"({"error":{"code":"too_large","message":"请求体超过 1 KiB 上限"}})");
  EXPECT_TRUE(client.WaitForClose(milliseconds(1000)));
}

TEST_F(ServerTest, IdleClientDoesNotDelayOthersAndIsClosedAfterHeaderTimeout) {
  const auto start = Clock::now();
  Client idle(port());  // connects and never sends
  ASSERT_TRUE(idle.connected());
  Client partial(port());  // sends half a request line and stalls
  partial.Send("GET /hel");

  Client active(port());
  const auto request_start = Clock::now();
  auto response = active.Request(Get("/hello"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_LT(MillisSince(request_start), 500);

  EXPECT_TRUE(idle.WaitForClose(milliseconds(4000)));
  const long idle_closed_ms = MillisSince(start);
  EXPECT_GE(idle_closed_ms, 1500);
  EXPECT_LE(idle_closed_ms, 3500);
  EXPECT_TRUE(partial.WaitForClose(milliseconds(1000)));
  // The active keep-alive connection is still usable (idle_timeout is 3 s).
  response = active.Request(Get("/hello"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
}

TEST_F(ServerTest, StopDrainsInFlightRequest) {
  Client idle(port());
  ASSERT_TRUE(idle.Request(Get("/hello")));  // now an idle keep-alive connection
  Client slow(port());
  slow.Send(Get("/slow"));
  std::this_thread::sleep_for(milliseconds(100));

  const auto stop_start = Clock::now();
  server_->Stop();
  EXPECT_TRUE(idle.WaitForClose(milliseconds(1000)));  // idle connections go at once
  EXPECT_LT(MillisSince(stop_start), 150);

  auto response = slow.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "slow done");
  EXPECT_EQ(response->Header("Connection"), "close");
  EXPECT_TRUE(slow.WaitForClose(milliseconds(1000)));

  run_thread_.join();  // Run() returns once drained, well before drain_timeout
  EXPECT_LT(MillisSince(stop_start), 1000);
  Client late(server_->port());
  EXPECT_FALSE(late.connected());
  server_.reset();
}

// With every worker busy and the queue full, a request is answered 503 at
// once; a fallback that never blocks still answers, on the I/O thread.
TEST_F(ServerTest, RejectsWhenWorkersAndQueueAreFull) {
  StopServer();
  router_.SetFallback([](Request& r) { return Text("file " + r.path); }, /*never_blocks=*/true);
  ServerOptions options = TestOptions();
  options.worker_threads = 1;
  options.max_queued_requests = 0;
  StartServer(options);

  Client slow(port());
  slow.Send(Get("/slow"));
  std::this_thread::sleep_for(milliseconds(100));
  Client other(port());
  auto busy = other.Request(Get("/hello"));
  ASSERT_TRUE(busy);
  EXPECT_EQ(busy->status, 503);
  EXPECT_EQ(busy->body,
            R"({"error":{"code":"server_busy","message":"服务器繁忙，请稍后重试"}})");
  auto file = other.Request(Get("/index.html"));
  ASSERT_TRUE(file);
  EXPECT_EQ(file->status, 200);
  EXPECT_EQ(file->body, "file /index.html");
  EXPECT_EQ(file->Header("X-Content-Type-Options"), "nosniff");  // the same middleware
  auto response = slow.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
}

TEST_F(ServerTest, MetricsUseRoutePatternAndHistogram) {
  Client client(port());
  ASSERT_TRUE(client.Request(Get("/api/v1/items/42?q=secret")));
  auto response = client.Request(Get("/metrics"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->Header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = response->body;
  EXPECT_NE(text.find("rongping_http_requests_total{route=\"/api/v1/items/{id}\",method=\"GET\","
                      "status=\"200\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# TYPE rongping_http_request_duration_seconds histogram"),
            std::string::npos);
  EXPECT_NE(text.find("rongping_http_request_duration_seconds_bucket{route=\"/api/v1/items/{id}\","
                      "le=\"0.001\"}"),
            std::string::npos);
  EXPECT_NE(text.find("rongping_http_request_duration_seconds_bucket{route=\"/api/v1/items/{id}\","
                      "le=\"+Inf\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("rongping_http_request_duration_seconds_count{route=\"/api/v1/items/{id}\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("rongping_http_requests_in_flight 1\n"), std::string::npos);
  EXPECT_NE(text.find("rongping_store_up 1\n"), std::string::npos);
  EXPECT_EQ(text.find("/api/v1/items/42"), std::string::npos);
}

TEST_F(ServerTest, HandlerExceptionBecomes500) {
  Client client(port());
  auto response = client.Request(Get("/throw"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 500);
  EXPECT_EQ(response->body, R"({"error":{"code":"internal","message":"服务器内部错误"}})");
  // The server keeps serving.
  response = client.Request(Get("/hello"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
}

TEST_F(ServerTest, DecodesPathAndQuery) {
  Client client(port());
  auto response = client.Request(Get("/api/v1/items/%E4%B8%AD%20x?q=a+b%21&empty&=v"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body.substr(0, response->body.find(";rid=")),
            "id=中 x;q=a b!;path=/api/v1/items/中 x");
}

TEST_F(ServerTest, RejectsBadPercentEncodingWith400) {
  Client client(port());
  const std::string expected =
      R"({"error":{"code":"bad_request","message":"请求路径或参数编码错误"}})";
  for (const char* target : {"/api/v1/items/%G1", "/api/v1/items/%4", "/api/v1/items/a%00b",
                             "/hello?q=%zz"}) {
    auto response = client.Request(Get(target));
    ASSERT_TRUE(response) << target;
    EXPECT_EQ(response->status, 400) << target;
    EXPECT_EQ(response->body, expected);
  }
}

TEST_F(ServerTest, MalformedHttpGets400AndClose) {
  Client client(port());
  auto response = client.Request("NOT A VALID REQUEST\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_NE(response->body.find("\"code\":\"bad_request\""), std::string::npos);
  EXPECT_TRUE(client.WaitForClose(milliseconds(1000)));
}

TEST_F(ServerTest, TransferCodingsOtherThanChunkedAre400) {
  // RFC 9112 §6.3: no knowable length, and a way to smuggle requests past a
  // proxy that reads it otherwise.
  for (const char* coding : {"gzip", "chunked, gzip", "identity"}) {
    Client client(port());
    auto response = client.Request(std::string("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ") + coding +
                                   "\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(response) << coding;
    EXPECT_EQ(response->status, 400) << coding;
    EXPECT_TRUE(client.WaitForClose(milliseconds(3000))) << coding;
  }
}

TEST_F(ServerTest, ABodyCutShortIsAnswered400) {
  for (const char* head : {"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 52\r\n\r\n",
                           "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n34\r\n"}) {
    Client client(port());
    client.Send(head);
    client.Send("only twenty bytes...");
    client.FinishSending();
    auto response = client.Read();
    ASSERT_TRUE(response) << head;
    EXPECT_EQ(response->status, 400) << head;
    EXPECT_NE(response->body.find("请求体不完整"), std::string::npos);
  }
}

TEST_F(ServerTest, UnknownPathAndWrongMethod) {
  Client client(port());
  auto response = client.Request(Get("/api/v1/nothing"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(response->body, R"({"error":{"code":"not_found","message":"未找到该接口"}})");

  response = client.Request("DELETE /hello HTTP/1.1\r\nHost: test\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 405);
  EXPECT_EQ(response->Header("Allow"), "GET, HEAD");
  EXPECT_EQ(response->body,
            R"({"error":{"code":"method_not_allowed","message":"不支持该请求方法"}})");
}

TEST_F(ServerTest, HeadOmitsBody) {
  Client client(port());
  auto response = client.Request("HEAD /hello HTTP/1.1\r\nHost: test\r\n\r\n", true);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->Header("Content-Length"), "5");
  // Had a body been sent, it would be read as the next response's start.
  response = client.Request(Get("/hello"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "hello");
}

TEST_F(ServerTest, HandlesExpect100Continue) {
  Client client(port());
  client.Send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 3\r\n"
              "Expect: 100-continue\r\n\r\n");
  auto interim = client.Read(/*head_request=*/true);
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  client.Send("abc");
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "abc");
}

// Behind a trusted proxy, the client's address is the one the proxy names:
// in the access log (and for the handlers; see ClientAddress).
TEST_F(ServerTest, LogsTheClientATrustedProxyNames) {
  StopServer();
  ServerOptions options = TestOptions();
  options.trusted_proxies = {"127.0.0.1"};
  StartServer(options);
  {
    Client client(port());
    ASSERT_TRUE(client.Request(Get("/api/v1/items/1", "X-Real-IP: 203.0.113.9\r\n")));
  }
  StopServer();
  std::vector<std::string> lines = LogLines();
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(nlohmann::ordered_json::parse(lines.back())["remote"], "203.0.113.9") << lines.back();
}

TEST_F(ServerTest, WritesAccessLogLines) {
  {
    Client client(port());
    ASSERT_TRUE(client.Request(Get("/api/v1/items/42?q=secret", "X-Request-Id: log-1\r\n")));
  }
  StopServer();
  std::vector<std::string> lines = LogLines();
  ASSERT_EQ(lines.size(), 1u);
  const std::string& line = lines[0];
  EXPECT_EQ(line.find('\n'), std::string::npos);
  nlohmann::ordered_json entry = nlohmann::ordered_json::parse(line);
  std::vector<std::string> keys;
  for (const auto& item : entry.items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"ts", "request_id", "remote", "method", "path",
                                            "route", "status", "bytes", "duration_ms"}))
      << line;
  EXPECT_TRUE(HasShape(entry["ts"].get<std::string>(), "9999-99-99T99:99:99.999Z")) << line;
  EXPECT_EQ(entry["request_id"], "log-1");
  EXPECT_EQ(entry["remote"], "127.0.0.1");
  EXPECT_EQ(entry["method"], "GET");
  EXPECT_EQ(entry["path"], "/api/v1/items/42");
  EXPECT_EQ(entry["route"], "/api/v1/items/{id}");
  EXPECT_EQ(entry["status"], 200);
  EXPECT_GT(entry["bytes"].get<int>(), 0);
  EXPECT_GE(entry["duration_ms"].get<double>(), 0.0);
  EXPECT_EQ(line.find("secret"), std::string::npos);
}

TEST_F(ServerTest, ABodyThatStallsIsClosedAtTheReadTimeoutAndLoggedAs408) {
  const auto start = Clock::now();
  Client client(port());
  client.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
  EXPECT_TRUE(client.WaitForClose(milliseconds(4000)));
  const long closed_ms = MillisSince(start);
  EXPECT_GE(closed_ms, 1500);  // read_timeout is 2 s
  EXPECT_LE(closed_ms, 3500);
  StopServer();
  std::vector<std::string> lines = LogLines();
  ASSERT_EQ(lines.size(), 1u);
  nlohmann::ordered_json entry = nlohmann::ordered_json::parse(lines[0]);
  EXPECT_EQ(entry["status"], 408) << lines[0];
  EXPECT_EQ(entry["path"], "/echo");
}

TEST_F(ServerTest, AccessLogLinesEscapeWhatTheClientSent) {
  {
    Client client(port());
    ASSERT_TRUE(client.Request(Get("/api/v1/items/%22x%5C%0A%E4%B8%AD%FF")));
  }
  StopServer();
  std::vector<std::string> lines = LogLines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].find('\n'), std::string::npos);
  nlohmann::ordered_json entry = nlohmann::ordered_json::parse(lines[0]);
  EXPECT_EQ(entry["path"], "/api/v1/items/\"x\\\n中\xEF\xBF\xBD") << lines[0];
  EXPECT_EQ(entry["status"], 200);
}

TEST(ServerStartTest, ReportsBindErrorInChinese) {
  Router router;
  Metrics metrics;
  ServerOptions options;
  options.port = 0;
  options.handle_signals = false;
  Server first(options, router, metrics);
  ASSERT_TRUE(first.Start().has_value());

  options.port = first.port();
  Server second(options, router, metrics);
  auto started = second.Start();
  ASSERT_FALSE(started.has_value());
  EXPECT_EQ(started.error().code, "listen_failed");
  EXPECT_NE(started.error().message.find("无法监听 127.0.0.1:" + std::to_string(first.port())),
            std::string::npos)
      << started.error().message;
}

}  // namespace
}  // namespace rongping::http
