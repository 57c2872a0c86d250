#include "huifang/testing/embedded_kafka.h"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <set>
#include <string>

namespace huifang::testing {
namespace {

rd_kafka_t* make_client(rd_kafka_type_t type, const std::string& bootstrap) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err);
  if (type == RD_KAFKA_CONSUMER) rd_kafka_conf_set(conf, "group.id", "fixture-test", err, sizeof err);
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);
  EXPECT_NE(rk, nullptr) << err;
  return rk;
}

TEST(EmbeddedKafkaFixture, ProducesAndConsumesThroughTheBroker) {
  EmbeddedKafka kafka(/*brokers=*/3, /*partitions=*/2);
  ASSERT_FALSE(kafka.bootstrap().empty());

  rd_kafka_t* producer = make_client(RD_KAFKA_PRODUCER, kafka.bootstrap());
  for (int i = 0; i < 50; ++i) {
    const std::string v = "event-" + std::to_string(i);
    ASSERT_EQ(rd_kafka_producev(producer, RD_KAFKA_V_TOPIC("huifang.visit.v1"), RD_KAFKA_V_PARTITION(i % 2),
                                RD_KAFKA_V_VALUE(const_cast<char*>(v.data()), v.size()),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END),
              RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  ASSERT_EQ(rd_kafka_flush(producer, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_destroy(producer);

  rd_kafka_t* consumer = make_client(RD_KAFKA_CONSUMER, kafka.bootstrap());
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(2);
  for (int p = 0; p < 2; ++p) rd_kafka_topic_partition_list_add(parts, "huifang.visit.v1", p)->offset = 0;
  ASSERT_EQ(rd_kafka_assign(consumer, parts), RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_topic_partition_list_destroy(parts);

  std::set<std::string> seen;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (seen.size() < 50 && std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer, 100);
    if (!m) continue;
    if (!m->err) seen.insert(std::string(static_cast<char*>(m->payload), m->len));
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(consumer);
  rd_kafka_destroy(consumer);
  EXPECT_EQ(seen.size(), 50u);
  EXPECT_TRUE(seen.contains("event-0"));
  EXPECT_TRUE(seen.contains("event-49"));
}

TEST(EmbeddedKafkaFixture, HasEveryHuifangTopic) {
  EmbeddedKafka kafka;
  rd_kafka_t* rk = make_client(RD_KAFKA_PRODUCER, kafka.bootstrap());
  const rd_kafka_metadata_t* md = nullptr;
  ASSERT_EQ(rd_kafka_metadata(rk, 1, nullptr, &md, 5000), RD_KAFKA_RESP_ERR_NO_ERROR);
  std::set<std::string> names;
  for (int i = 0; i < md->topic_cnt; ++i) names.insert(md->topics[i].topic);
  rd_kafka_metadata_destroy(md);
  rd_kafka_destroy(rk);
  for (const auto& t : bus::huifang_topics(1)) EXPECT_TRUE(names.contains(t.name)) << t.name;
}

}  // namespace
}  // namespace huifang::testing
