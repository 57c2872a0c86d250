#pragma once
// Where the projection lives between runs: one set of Redis hashes per projection version
// (`analytics:v<N>:visits|complaints|org|agents|checkpoints`) and `analytics:serving` naming the
// version the dashboards read. Each save writes the changed facts and the checkpoints in one
// MULTI/EXEC, so a restart never sees facts without the checkpoints that produced them. A rebuild
// writes a whole new version and switches `serving` in one SET.
#include <string>

#include "../domain/projection.h"
#include "huifang/store/redis.h"

namespace huifang::analytics {

class ProjectionStore {
 public:
  ProjectionStore(store::RedisPool& pool, std::string prefix) : pool_(pool), prefix_(std::move(prefix)) {}

  // The version being served; 0 when there is none yet.
  core::Result<uint64_t> serving();
  core::Status load(uint64_t version, Projection& into);
  // Writes what `dirty` names (everything when `all`), with the checkpoints.
  core::Status save(uint64_t version, const Projection& p, const Projection::Dirty& dirty);
  core::Status save_all(uint64_t version, const Projection& p);
  // Serves `version` from now on and drops `old` (0 = nothing to drop).
  core::Status switch_to(uint64_t version, uint64_t old);

 private:
  std::string key(uint64_t version, const char* what) const;
  core::Status write(uint64_t version, const Projection& p, const Projection::Dirty* dirty);

  store::RedisPool& pool_;
  std::string prefix_;
};

}  // namespace huifang::analytics
