#pragma once
// A GoogleTest-friendly holder of the embedded broker (librdkafka mock cluster) with every Huifang
// topic created, so integration tests produce and consume through the real Kafka protocol.
#include <memory>
#include <string>

#include "huifang/bus/mock_cluster.h"

namespace huifang::testing {

class EmbeddedKafka {
 public:
  explicit EmbeddedKafka(int brokers = 1, int partitions = 4);
  const std::string& bootstrap() const { return cluster_->bootstrap(); }
  bus::MockCluster& cluster() { return *cluster_; }

 private:
  std::unique_ptr<bus::MockCluster> cluster_;
};

}  // namespace huifang::testing
