#pragma once
// The limits of this machine, measured on the very servers a benchmark uses: redis-benchmark
// running a script of the event store's append shape, and a plain produce→consume pass on the
// broker with the benchmark's message size. Every Huifang figure is printed next to these.
#include <string>

namespace huifang::bench {

// Append-shaped script ops/s through redis-benchmark (`pipeline` deep, `clients` connections).
double raw_redis(int port, int pipeline, int clients, size_t payload_bytes = 200);
// Messages/s of `n` messages of `payload_bytes` produced and consumed back on `topic`.
double raw_kafka(const std::string& bootstrap, const std::string& topic, int n, size_t payload_bytes = 200);

}  // namespace huifang::bench
