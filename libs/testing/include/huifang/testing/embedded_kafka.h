#pragma once
// A GoogleTest-friendly holder of the embedded broker (librdkafka mock cluster) with every Huifang
// topic created, so integration tests produce and consume through the real Kafka protocol.
#include <memory>
#include <string>

#include "huifang/bus/kafka.h"
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

// `n` messages of `bytes` random bytes under one key (so to one partition), delivered. Random, so
// lz4 cannot shrink them and the broker stores every byte: 800 of 10 KiB push the start of the
// partition's log out of the embedded broker, which keeps about 5 MiB per partition.
core::Status produce_incompressible(bus::Producer& producer, const std::string& topic, int n, size_t bytes);

}  // namespace huifang::testing
