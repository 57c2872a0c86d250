#include "raw_limits.h"

#include <cstdio>
#include <regex>

#include "huifang/bus/kafka.h"
#include "huifang/testing/process.h"

namespace huifang::bench {

using namespace std::chrono_literals;

double raw_redis(int port, int pipeline, int clients, size_t payload_bytes) {
  // LLEN check + RPUSH + XADD outbox + HSET inbox: what append.lua does for one event.
  const std::string script =
      "local v=redis.call('LLEN',KEYS[1]) redis.call('RPUSH',KEYS[1],ARGV[1]) "
      "redis.call('XADD',KEYS[1]..':o','*','s',KEYS[1],'i',v) redis.call('HSET',KEYS[1]..':i','f',v) return v";
  // The cluster's Redis admits only its users: the administrator's password comes from
  // REDISCLI_AUTH (which redis-cli reads by itself), when set.
  const std::string cmd = "redis-benchmark ${REDISCLI_AUTH:+-a \"$REDISCLI_AUTH\"} -h 127.0.0.1 -p " + std::to_string(port) + " -n 100000 -r 100000 -c " +
                          std::to_string(clients) + " -P " + std::to_string(pipeline) + " -q EVAL \"" + script +
                          "\" 1 raw:{p1}:__rand_int__ " + std::string(payload_bytes, 'x') + " 2>/dev/null";
  const std::string out = testing::shell(cmd).out;
  std::smatch m;
  static const std::regex rps(R"(([0-9.]+) requests per second)");
  return std::regex_search(out, m, rps) ? std::stod(m[1]) : 0;
}

double raw_kafka(const std::string& bootstrap, const std::string& topic, int n, size_t payload_bytes) {
  const std::string payload(payload_bytes, 'x');
  auto producer = std::move(*bus::Producer::create({bootstrap, "raw", {}}));
  auto consumer = std::move(*bus::Consumer::create({{bootstrap, "raw", {}}, "raw-" + std::to_string(::getpid()), {topic}}));
  while (consumer->poll_batch(1, 200ms).empty()) {
    // Join the group (and see at least the first probe message) before timing.
    (void)producer->produce(topic, "probe", "probe", [](const core::Status&) {});
    (void)producer->flush(5s);
  }
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) (void)producer->produce(topic, std::to_string(i), payload, [](const core::Status&) {});
  int got = 0;
  while (got < n) {
    producer->poll(0ms);
    for (auto& m : consumer->poll_batch(10000, 100ms)) got += m.value.size() == payload.size();
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  consumer->close();
  return n / secs;
}

}  // namespace huifang::bench
