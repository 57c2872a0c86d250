#include "huifang/testing/embedded_kafka.h"

#include <chrono>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>

namespace huifang::testing {

EmbeddedKafka::EmbeddedKafka(int brokers, int partitions) {
  auto c = bus::MockCluster::start(brokers, bus::huifang_topics(partitions));
  if (!c) throw std::runtime_error("embedded Kafka: " + c.error().to_string());
  cluster_ = std::move(*c);
}

core::Status produce_incompressible(bus::Producer& producer, const std::string& topic, int n, size_t bytes) {
  std::mt19937 rng(1);
  std::string noise(bytes, ' ');
  auto failed = std::make_shared<std::optional<core::Error>>();
  for (int i = 0; i < n; ++i) {
    for (auto& ch : noise) ch = static_cast<char>(rng());
    auto st = producer.produce(topic, "one-customer", noise, [failed](const core::Status& d) {
      if (!d && !*failed) *failed = d.error();
    });
    if (!st) return st;
  }
  if (auto st = producer.flush(std::chrono::seconds(30)); !st) return st;
  if (*failed) return **failed;
  return core::ok_status();
}

}  // namespace huifang::testing
