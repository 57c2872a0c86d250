#pragma once
// Where the projection lives between runs: one set of Redis hashes per projection version
// (`analytics:v<N>:visits|complaints|org|agents|checkpoints`) and `analytics:serving` naming the
// version the dashboards read. Each save writes the changed facts and the checkpoints in one
// MULTI/EXEC, so a restart never sees facts without the checkpoints that produced them. A rebuild
// writes a whole new version and switches `serving` in one SET.
#include <string>
#include <vector>

#include "../domain/projection.h"
#include "huifang/store/redis.h"

namespace huifang::analytics {

class ProjectionStore {
 public:
  ProjectionStore(store::RedisPool& pool, std::string prefix) : pool_(pool), prefix_(std::move(prefix)) {}

  // The version being served; 0 when there is none yet.
  core::Result<uint64_t> serving();
  core::Status load(uint64_t version, Projection& into);
  // The commands that save what `dirty` names (everything when null) with the checkpoints.
  std::vector<store::Argv> prepare(uint64_t version, const Projection& p, const Projection::Dirty* dirty) const;
  core::Status write(const std::vector<store::Argv>& prepared);
  core::Status save_all(uint64_t version, const Projection& p) { return write(prepare(version, p, nullptr)); }
  // Serves `version` from now on and drops `old` (0 = nothing to drop).
  core::Status switch_to(uint64_t version, uint64_t old);
  // Deletes what a version holds (a rebuild starts from nothing, whatever a refused one left).
  core::Status drop(uint64_t version);

 private:
  std::string key(uint64_t version, const char* what) const;
  store::Argv del(uint64_t version) const;

  store::RedisPool& pool_;
  std::string prefix_;
};

}  // namespace huifang::analytics
