// Request metrics in the Prometheus text exposition format (version 0.0.4).
//
// Exposed series:
//   rongping_http_requests_total{route,method,status}          counter
//   rongping_http_request_duration_seconds{route}              histogram,
//       buckets 0.001 .. 10 seconds plus +Inf, with _sum and _count
//   rongping_http_requests_in_flight                           gauge
// followed by whatever text the gauge provider returns.
//
// Labels must have bounded cardinality: `route` is a route pattern such as
// "/api/v1/enterprises/{uscc}", never a raw path; methods outside the standard
// set are counted as "OTHER".
//
// All methods are thread-safe.
#ifndef RONGPING_HTTP_METRICS_H_
#define RONGPING_HTTP_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace rongping::http {

class Metrics {
 public:
  // Upper bounds of the latency histogram buckets, in seconds (+Inf is
  // implicit).
  static constexpr std::array<double, 13> kLatencyBucketsSeconds = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  Metrics() = default;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Counts one finished request and its latency (from complete request
  // headers to the response written).
  void ObserveRequest(std::string_view route, std::string_view method, int status,
                      double latency_seconds);

  // Track the in-flight gauge; every RequestStarted() is paired with one
  // RequestFinished().
  void RequestStarted();
  void RequestFinished();

  // Sets a function whose output (complete lines of exposition text, e.g.
  // "rongping_store_up 1\n" with its # TYPE line) is appended to Render().
  // It is called on every scrape, outside any lock held by Metrics; an
  // exception it throws is swallowed and its text left out.
  void SetGaugeProvider(std::function<std::string()> provider);

  // The current metrics as Prometheus text format 0.0.4
  // (Content-Type: text/plain; version=0.0.4; charset=utf-8).
  std::string Render() const;

 private:
  struct Histogram {
    std::array<uint64_t, kLatencyBucketsSeconds.size()> bucket_counts{};  // not cumulative
    uint64_t count = 0;
    double sum_seconds = 0;
  };

  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;  // guarded by mu_
  std::map<std::string, Histogram, std::less<>> latency_;                   // guarded by mu_
  std::function<std::string()> gauge_provider_;                             // guarded by mu_
  std::atomic<int64_t> in_flight_{0};
};

}  // namespace rongping::http

#endif  // RONGPING_HTTP_METRICS_H_
