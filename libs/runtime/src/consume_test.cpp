#include "huifang/runtime/consume.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <mutex>

#include "huifang/core/ids.h"

namespace huifang::runtime {
namespace {

using events::Envelope;

bus::Message message(const Envelope& e) {
  bus::Message m;
  m.value = e.SerializeAsString();
  return m;
}

Envelope attempted(uint32_t n) {
  Envelope e;
  e.mutable_visit()->mutable_visit_attempted()->set_attempt(n);
  e.set_type("visit.VisitAttempted");
  return e;
}

// A handler that applies everything and notes each attempt number it saw.
EnvelopeHandler recording(std::vector<uint32_t>& seen) {
  return [&seen](std::span<const Incoming> in) {
    for (const auto& i : in) seen.push_back(i.envelope.visit().visit_attempted().attempt());
    return bus::BatchOutcome{in.size(), std::nullopt};
  };
}

TEST(DecodeEnvelopes, UnknownBodiesAreSkippedAndCountedWithoutReachingTheHandler) {
  core::MetricsRegistry metrics;
  std::vector<uint32_t> seen;
  auto h = decode_envelopes(
      recording(seen),
      metrics, "g");
  Envelope unknown;  // a body from a newer schema parses as "not set"
  unknown.set_type("visit.SomethingNew");
  std::vector<bus::Message> msgs = {message(attempted(1)), message(unknown), message(attempted(2))};
  const auto out = h(msgs);
  EXPECT_EQ(out.done, 3u);
  EXPECT_FALSE(out.error);
  EXPECT_EQ(seen, (std::vector<uint32_t>{1, 2}));
  EXPECT_NE(metrics.expose().find("huifang_consumer_unknown_events_total{group=\"g\"} 1"), std::string::npos);
}

TEST(DecodeEnvelopes, TypesTheServiceDoesNotHandleAreSkippedUnparsedAndCountAsDone) {
  core::MetricsRegistry metrics;
  std::vector<uint32_t> seen;
  auto h = decode_envelopes(
      recording(seen),
      metrics, "g", [](std::string_view type) { return type == "visit.VisitAttempted"; });
  Envelope other;
  other.set_type("visit.VisitStarted");
  other.mutable_visit()->mutable_visit_started()->set_visit_id("v-1");
  bus::Message bad;
  bad.value = "\xff\xff not protobuf";  // no type to read: parsed whole, and refused
  std::vector<bus::Message> msgs = {message(attempted(1)), message(other), message(attempted(2)), bad};
  const auto out = h(msgs);
  EXPECT_EQ(out.done, 3u);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->code, bus::errc::decode_failed);
  EXPECT_EQ(seen, (std::vector<uint32_t>{1, 2}));
  EXPECT_NE(metrics.expose().find("huifang_consumer_ignored_events_total{group=\"g\"} 1"), std::string::npos);
}

TEST(DecodeEnvelopes, GarbageStopsTheBatchWithADecodeError) {
  core::MetricsRegistry metrics;
  auto h = decode_envelopes([](std::span<const Incoming> in) { return bus::BatchOutcome{in.size(), std::nullopt}; },
                            metrics, "g");
  bus::Message bad;
  bad.value = "\xff\xff not protobuf";
  std::vector<bus::Message> msgs = {message(attempted(1)), bad, message(attempted(2))};
  const auto out = h(msgs);
  EXPECT_EQ(out.done, 1u);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->code, bus::errc::decode_failed);
}

TEST(DecodeEnvelopes, AHandlerFailureMapsBackToTheMessageIndex) {
  core::MetricsRegistry metrics;
  auto h = decode_envelopes(
      [](std::span<const Incoming> in) {
        return bus::BatchOutcome{in.size() - 1, core::invalid_argument("x", "no")};
      },
      metrics, "g");
  Envelope unknown;
  std::vector<bus::Message> msgs = {message(unknown), message(attempted(1)), message(attempted(2))};
  const auto out = h(msgs);
  EXPECT_EQ(out.done, 2u);  // the unknown and the first known were done; the second failed
  ASSERT_TRUE(out.error);
}

}  // namespace
}  // namespace huifang::runtime

namespace huifang::runtime {
namespace {

using events::Envelope;

std::vector<Incoming> for_customers(const std::vector<std::string>& customers) {
  std::vector<Incoming> in;
  for (size_t i = 0; i < customers.size(); ++i) {
    Incoming x{nullptr, {}};
    x.envelope.set_customer_id(customers[i]);
    x.envelope.set_stream_version(i);
    in.push_back(std::move(x));
  }
  return in;
}

TEST(ApplyInLanes, KeepsEachCustomersOrderAndAppliesEverything) {
  std::mutex mu;
  std::map<std::string, std::vector<uint64_t>> seen;
  std::vector<std::string> customers;
  for (int i = 0; i < 200; ++i) customers.push_back("c" + std::to_string(i % 7));
  const auto in = for_customers(customers);
  auto out = apply_in_lanes([&](const Envelope& e) {
    std::lock_guard lock(mu);
    seen[e.customer_id()].push_back(e.stream_version());
    return core::ok_status();
  }, 4)(in);
  EXPECT_EQ(out.done, 200u);
  EXPECT_FALSE(out.error);
  size_t total = 0;
  for (const auto& [c, versions] : seen) {
    EXPECT_TRUE(std::is_sorted(versions.begin(), versions.end())) << c;
    total += versions.size();
  }
  EXPECT_EQ(total, 200u);
}

TEST(ApplyInLanes, DoneIsThePrefixBeforeTheEarliestFailure) {
  const auto in = for_customers({"a", "b", "c", "d", "e", "f", "g", "h"});
  auto out = apply_in_lanes([](const Envelope& e) -> core::Status {
    if (e.stream_version() == 5 || e.stream_version() == 6) return core::invalid_argument("x", "bad");
    return core::ok_status();
  }, 3)(in);
  EXPECT_EQ(out.done, 5u);
  ASSERT_TRUE(out.error);
}

}  // namespace
}  // namespace huifang::runtime
