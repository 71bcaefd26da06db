#include "http/metrics.h"

#include <charconv>
#include <utility>
#include <vector>

namespace rongping::http {
namespace {

constexpr std::string_view kRequestsTotal = "rongping_http_requests_total";
constexpr std::string_view kDuration = "rongping_http_request_duration_seconds";
constexpr std::string_view kInFlight = "rongping_http_requests_in_flight";

std::string_view NormalizeMethod(std::string_view method) {
  static constexpr std::string_view kKnown[] = {"GET",    "HEAD",    "POST",    "PUT",  "DELETE",
                                                "PATCH", "OPTIONS", "CONNECT", "TRACE"};
  for (std::string_view known : kKnown) {
    if (method == known) return known;
  }
  return "OTHER";
}

// Escapes a label value: backslash, double quote and line feed.
void AppendLabelValue(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
}

void AppendNumber(std::string& out, double value) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, ec == std::errc() ? end : buffer);
}

void AppendNumber(std::string& out, uint64_t value) { out += std::to_string(value); }

}  // namespace

void Metrics::ObserveRequest(std::string_view route, std::string_view method, int status,
                             double latency_seconds) {
  if (latency_seconds < 0) latency_seconds = 0;
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{std::string(route), std::string(NormalizeMethod(method)), status}];

  auto it = latency_.find(route);
  if (it == latency_.end()) it = latency_.emplace(std::string(route), Histogram{}).first;
  Histogram& histogram = it->second;
  for (size_t i = 0; i < kLatencyBucketsSeconds.size(); ++i) {
    if (latency_seconds <= kLatencyBucketsSeconds[i]) {
      ++histogram.bucket_counts[i];
      break;
    }
  }
  ++histogram.count;
  histogram.sum_seconds += latency_seconds;
}

void Metrics::RequestStarted() { in_flight_.fetch_add(1, std::memory_order_relaxed); }

void Metrics::RequestFinished() { in_flight_.fetch_sub(1, std::memory_order_relaxed); }

void Metrics::SetGaugeProvider(std::function<std::string()> provider) {
  std::lock_guard<std::mutex> lock(mu_);
  gauge_provider_ = std::move(provider);
}

std::string Metrics::Render() const {
  std::string out;
  std::function<std::string()> provider;
  {
    std::lock_guard<std::mutex> lock(mu_);
    provider = gauge_provider_;

    out += "# HELP rongping_http_requests_total HTTP requests served, by route pattern, method "
           "and status.\n";
    out += "# TYPE rongping_http_requests_total counter\n";
    for (const auto& [key, count] : requests_) {
      const auto& [route, method, status] = key;
      out += kRequestsTotal;
      out += "{route=\"";
      AppendLabelValue(out, route);
      out += "\",method=\"";
      out += method;
      out += "\",status=\"";
      out += std::to_string(status);
      out += "\"} ";
      AppendNumber(out, count);
      out += '\n';
    }

    out += "# HELP rongping_http_request_duration_seconds Time from complete request headers "
           "to the response written, by route pattern.\n";
    out += "# TYPE rongping_http_request_duration_seconds histogram\n";
    for (const auto& [route, histogram] : latency_) {
      std::string labels = "{route=\"";
      AppendLabelValue(labels, route);
      labels += '"';
      uint64_t cumulative = 0;
      for (size_t i = 0; i < kLatencyBucketsSeconds.size(); ++i) {
        cumulative += histogram.bucket_counts[i];
        out += kDuration;
        out += "_bucket";
        out += labels;
        out += ",le=\"";
        AppendNumber(out, kLatencyBucketsSeconds[i]);
        out += "\"} ";
        AppendNumber(out, cumulative);
        out += '\n';
      }
      out += kDuration;
      out += "_bucket";
      out += labels;
      out += ",le=\"+Inf\"} ";
      AppendNumber(out, histogram.count);
      out += '\n';
      out += kDuration;
      out += "_sum";
      out += labels;
      out += "} ";
      AppendNumber(out, histogram.sum_seconds);
      out += '\n';
      out += kDuration;
      out += "_count";
      out += labels;
      out += "} ";
      AppendNumber(out, histogram.count);
      out += '\n';
    }
  }

  out += "# HELP rongping_http_requests_in_flight HTTP requests being handled now.\n";
  out += "# TYPE rongping_http_requests_in_flight gauge\n";
  out += kInFlight;
  out += ' ';
  out += std::to_string(in_flight_.load(std::memory_order_relaxed));
  out += '\n';

  if (provider) {
    try {
      std::string extra = provider();
      out += extra;
      if (!extra.empty() && extra.back() != '\n') out += '\n';
    } catch (...) {
      // A failing provider must not break the scrape.
    }
  }
  return out;
}

}  // namespace rongping::http
