#include "huifang/testing/embedded_kafka.h"

#include <stdexcept>

namespace huifang::testing {

EmbeddedKafka::EmbeddedKafka(int brokers, int partitions) {
  auto c = bus::MockCluster::start(brokers, bus::huifang_topics(partitions));
  if (!c) throw std::runtime_error("embedded Kafka: " + c.error().to_string());
  cluster_ = std::move(*c);
}

}  // namespace huifang::testing
