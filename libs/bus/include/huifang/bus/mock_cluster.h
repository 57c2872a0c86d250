#pragma once
// The embedded Kafka: librdkafka's mock cluster (real Kafka wire protocol on loopback, in memory).
// Used by huifang-broker for the one-machine stack and by integration tests. Its limits matter:
// ~5 MiB or 100k batches kept per partition, nothing kept across restarts, no SASL/TLS, no admin
// API — so topics are created here, and recovery after a restart is the services' republish path.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "huifang/core/result.h"

namespace huifang::bus {

struct TopicSpec {
  std::string name;
  int partitions = 1;
};

// Every topic of DESIGN.md, with `partitions` each.
std::vector<TopicSpec> huifang_topics(int partitions);

class MockCluster {
 public:
  // Starts `brokers` in-process brokers listening on 127.0.0.1 (random ports) and creates `topics`.
  static core::Result<std::unique_ptr<MockCluster>> start(int brokers, const std::vector<TopicSpec>& topics);
  ~MockCluster();
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  // "127.0.0.1:port,127.0.0.1:port" for bootstrap.servers.
  const std::string& bootstrap() const { return bootstrap_; }
  core::Status create_topic(const TopicSpec& topic);

  // Fault injection (broker ids are 1..brokers).
  void set_broker_down(int32_t broker_id);
  void set_broker_up(int32_t broker_id);
  void set_broker_rtt(int32_t broker_id, int rtt_ms);
  // The next `count` requests of Kafka API `api_key` (e.g. 0 = Produce) fail with `kafka_error`.
  void push_request_errors(int16_t api_key, int count, int kafka_error);
  void set_partition_leader(const std::string& topic, int32_t partition, int32_t broker_id);

 private:
  struct Impl;
  explicit MockCluster(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::string bootstrap_;
};

}  // namespace huifang::bus
