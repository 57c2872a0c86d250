#pragma once
// Where Redis memory goes: keys grouped by kind ("scheduling:s:visit", "intake:outbox", …; ids
// dropped), with MEMORY USAGE summed over a sample and scaled to the whole keyspace. Says which
// service's data to shrink when bytes per visit are over target.
#include <cstdint>
#include <string>
#include <vector>

namespace huifang::bench {

struct KindBytes {
  std::string kind;
  double bytes = 0;   // estimated over all keys of this kind
  double keys = 0;
};

// Largest first; keys with ids are sampled down to about `max_samples`, index keys all measured.
std::vector<KindBytes> redis_memory_by_kind(int port, size_t max_samples = 50'000);

}  // namespace huifang::bench
