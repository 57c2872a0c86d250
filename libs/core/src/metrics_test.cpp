#include "huifang/core/metrics.h"

#include <gtest/gtest.h>

namespace huifang::core {
namespace {

TEST(Metrics, ExposesCountersGaugesAndHistogramsInPrometheusText) {
  MetricsRegistry reg;
  reg.counter("huifang_events_total", "Events seen", {{"topic", "huifang.visit.v1"}}).inc(3);
  reg.counter("huifang_events_total", "Events seen", {{"topic", "huifang.visit.v1"}}).inc();
  reg.gauge("huifang_lag", "Consumer lag").set(7);
  auto& h = reg.histogram("huifang_append_seconds", "Append latency", {}, {0.01, 0.1});
  h.observe(0.005);
  h.observe(0.05);
  h.observe(1);
  const std::string text = reg.expose();
  EXPECT_NE(text.find("# TYPE huifang_events_total counter"), std::string::npos);
  EXPECT_NE(text.find("huifang_events_total{topic=\"huifang.visit.v1\"} 4\n"), std::string::npos);
  EXPECT_NE(text.find("huifang_lag 7\n"), std::string::npos);
  EXPECT_NE(text.find("huifang_append_seconds_bucket{le=\"0.01\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("huifang_append_seconds_bucket{le=\"0.10000000000000001\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("huifang_append_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("huifang_append_seconds_count 3\n"), std::string::npos);
}

TEST(Metrics, LabelValuesAreEscaped) {
  EXPECT_EQ(render_labels({{"e", "a\"b\\c"}}), "{e=\"a\\\"b\\\\c\"}");
}

TEST(Metrics, OneNameCannotChangeType) {
  MetricsRegistry reg;
  reg.counter("x", "x");
  EXPECT_THROW(reg.gauge("x", "x"), std::logic_error);
}

}  // namespace
}  // namespace huifang::core
