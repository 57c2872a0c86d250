#include "huifang/bus/mock_cluster.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <vector>

#include "huifang/bus/errc.h"

namespace huifang::bus {

std::vector<TopicSpec> huifang_topics(int partitions) {
  std::vector<TopicSpec> t;
  for (const char* name : {"huifang.intake.v1", "huifang.scheduling.v1", "huifang.visit.v1",
                           "huifang.complaints.v1", "huifang.inbound.v1", "huifang.deadletter.v1"}) {
    t.push_back({name, partitions});
  }
  return t;
}

struct MockCluster::Impl {
  rd_kafka_t* rk = nullptr;  // the handle that owns the mock cluster's threads
  rd_kafka_mock_cluster_t* mcluster = nullptr;
  ~Impl() {
    if (mcluster) rd_kafka_mock_cluster_destroy(mcluster);
    if (rk) rd_kafka_destroy(rk);
  }
};

MockCluster::MockCluster(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  bootstrap_ = rd_kafka_mock_cluster_bootstraps(impl_->mcluster);
}
MockCluster::~MockCluster() = default;

core::Result<std::unique_ptr<MockCluster>> MockCluster::start(int brokers, const std::vector<TopicSpec>& topics) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // The owning handle never talks to a cluster itself; keep its logs quiet.
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
  auto impl = std::make_unique<Impl>();
  impl->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!impl->rk) {
    rd_kafka_conf_destroy(conf);
    return core::make_error(make_error_code(errc::broker_unavailable), std::string("mock cluster handle: ") + err);
  }
  impl->mcluster = rd_kafka_mock_cluster_new(impl->rk, brokers);
  if (!impl->mcluster) return core::make_error(make_error_code(errc::broker_unavailable), "mock cluster did not start");
  std::unique_ptr<MockCluster> cluster(new MockCluster(std::move(impl)));
  for (const auto& t : topics) {
    auto st = cluster->create_topic(t);
    if (!st) return st.error();
  }
  return cluster;
}

core::Status MockCluster::create_topic(const TopicSpec& topic) {
  const rd_kafka_resp_err_t e =
      rd_kafka_mock_topic_create(impl_->mcluster, topic.name.c_str(), topic.partitions, 1);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR)
    return core::make_error(make_error_code(errc::broker_unavailable),
                            "create topic " + topic.name + ": " + rd_kafka_err2str(e));
  return core::ok_status();
}

void MockCluster::set_broker_down(int32_t id) { rd_kafka_mock_broker_set_down(impl_->mcluster, id); }
void MockCluster::set_broker_up(int32_t id) { rd_kafka_mock_broker_set_up(impl_->mcluster, id); }
void MockCluster::set_broker_rtt(int32_t id, int rtt_ms) { rd_kafka_mock_broker_set_rtt(impl_->mcluster, id, rtt_ms); }

void MockCluster::push_request_errors(int16_t api_key, int count, int kafka_error) {
  std::vector<rd_kafka_resp_err_t> errs(static_cast<size_t>(count), static_cast<rd_kafka_resp_err_t>(kafka_error));
  rd_kafka_mock_push_request_errors_array(impl_->mcluster, api_key, errs.size(), errs.data());
}

void MockCluster::set_partition_leader(const std::string& topic, int32_t partition, int32_t broker_id) {
  rd_kafka_mock_partition_set_leader(impl_->mcluster, topic.c_str(), partition, broker_id);
}

}  // namespace huifang::bus
