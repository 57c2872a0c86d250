// Microbenchmarks of the event backbone (Google Benchmark), printed next to the raw rates of the
// same redis-server (redis-benchmark running a script of the append's shape) and of the same
// embedded broker (a plain produce→consume pass with the same message size), measured in the same
// run. Not a test: run it with ./scripts/bench --backbone.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <thread>

#include "huifang/core/log.h"

#include "huifang/bus/consumer_loop.h"
#include "huifang/bus/kafka.h"
#include "huifang/outbox/relay.h"
#include "huifang/store/event_store.h"
#include "huifang/testing/embedded_kafka.h"
#include "huifang/testing/redis_server.h"
#include "raw_limits.h"

namespace {

using namespace huifang;
using namespace std::chrono_literals;

testing::RedisServer* g_redis;
testing::EmbeddedKafka* g_kafka;
const std::string kPayload(200, 'x');  // a typical serialized envelope
int64_t g_next_id = 0;                 // fresh stream ids across benchmark repetitions

store::RedisPool& pool() {
  static store::RedisPool p([] {
    store::RedisOptions o;
    o.port = g_redis->port();
    return o;
  }(), 4);
  return p;
}

void BM_AppendOne(benchmark::State& state) {
  store::EventStore s(pool(), {"bench", 64, 0});
  for (auto _ : state) {
    const std::string id = "a" + std::to_string(g_next_id++);
    auto r = s.append({id, {{{"visit", id}, store::ExpectedVersion::no_stream(), {kPayload}}}, std::nullopt, {}});
    if (!r) state.SkipWithError(r.error().to_string().c_str());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AppendOne)->UseRealTime();

void BM_AppendBatch(benchmark::State& state) {
  store::EventStore s(pool(), {"bench", 64, 0});
  const auto batch = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    std::vector<store::AppendRequest> reqs;
    for (size_t k = 0; k < batch; ++k) {
      const std::string id = "b" + std::to_string(g_next_id++);
      reqs.push_back({id, {{{"visit", id}, store::ExpectedVersion::no_stream(), {kPayload}}}, store::InboxMark{id, 1}, {}});
    }
    for (auto& r : s.append_batch(reqs))
      if (!r) state.SkipWithError(r.error().to_string().c_str());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(batch));
}
BENCHMARK(BM_AppendBatch)->Arg(32)->Arg(256)->UseRealTime();

void BM_Load(benchmark::State& state) {
  store::EventStore s(pool(), {"bench", 64, 0});
  const std::string id = "load-" + std::to_string(state.range(0));
  std::vector<std::string> events(static_cast<size_t>(state.range(0)), kPayload);
  (void)s.append({id, {{{"visit", id}, store::ExpectedVersion::any(), events}}, std::nullopt, {}});
  for (auto _ : state) {
    auto l = s.load(id, {"visit", id});
    if (!l) state.SkipWithError(l.error().to_string().c_str());
    benchmark::DoNotOptimize(l);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Load)->Arg(10)->UseRealTime();

// Append upstream → relay → consume → batched append downstream with inbox marks, with the relay
// and the consumer running concurrently as they do in a service. Each round uses a fresh topic.
void BM_ConsumeAppendRelay(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  core::SystemClock clock;
  core::MetricsRegistry metrics;
  int round = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string tag = "r" + std::to_string(round++);
    const std::string topic = "bench." + tag;
    (void)g_kafka->cluster().create_topic({topic, 12});
    store::EventStore up(pool(), {"up" + tag, 64, 0});
    store::EventStore down(pool(), {"down" + tag, 64, 0});
    std::vector<store::AppendRequest> reqs;
    for (int i = 0; i < n; ++i) {
      const std::string id = tag + "-" + std::to_string(i);
      reqs.push_back({id, {{{"visit", id}, store::ExpectedVersion::no_stream(), {id + "|" + kPayload}}}, {}, {}});
      if (reqs.size() == 256 || i == n - 1) {
        (void)up.append_batch(reqs);
        reqs.clear();
      }
    }
    auto producer = std::move(*bus::Producer::create({g_kafka->bootstrap(), "bench", {}}));
    auto consumer = std::move(*bus::Consumer::create({{g_kafka->bootstrap(), "bench", {}}, "g" + tag, {topic}}));
    (void)consumer->poll_batch(1, 4000ms);  // join the group before timing (the topic is empty)
    state.ResumeTiming();

    outbox::Relay relay(up, *producer, metrics, clock, {topic});
    std::thread relay_thread([&] {
      while ([&] { auto r = relay.publish_once(); return r ? *r : size_t{1}; }() > 0) {
      }
    });
    int applied = 0;
    bus::ConsumerLoop loop(*consumer, *producer, metrics, {"g" + tag}, [&](std::span<const bus::Message> msgs) {
      std::vector<store::AppendRequest> batch;
      for (const auto& m : msgs) {
        const auto bar = m.value.find('|');
        batch.push_back({m.key, {{{"applied", m.key}, store::ExpectedVersion::any(), {m.value}}},
                         store::InboxMark{m.value.substr(0, bar), 1}, {}});
      }
      for (auto& r : down.append_batch(batch)) applied += r ? 1 : 0;
      return bus::BatchOutcome{msgs.size(), std::nullopt};
    });
    while (applied < n) loop.run_once(100ms);
    relay_thread.join();
    state.PauseTiming();
    consumer->close();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_ConsumeAppendRelay)->Arg(50000)->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  huifang::core::log::set_level(huifang::core::log::Level::warn);
  testing::RedisServer redis;
  testing::EmbeddedKafka kafka(1, 12);
  g_redis = &redis;
  g_kafka = &kafka;
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();

  std::printf("\nRaw rates of the same redis-server and broker, this run:\n");
  std::printf("  redis-benchmark, append-shaped script, 1 client unpipelined : %10.0f ops/s\n", bench::raw_redis(redis.port(), 1, 1));
  std::printf("  redis-benchmark, append-shaped script, 1 client pipeline 32 : %10.0f ops/s\n", bench::raw_redis(redis.port(), 32, 1));
  std::printf("  redis-benchmark, append-shaped script, 50 clients           : %10.0f ops/s\n", bench::raw_redis(redis.port(), 1, 50));
  std::printf("  embedded broker, produce->consume 200 B messages            : %10.0f msg/s\n", bench::raw_kafka(kafka.bootstrap(), "huifang.complaints.v1", 200000));
  return 0;
}
