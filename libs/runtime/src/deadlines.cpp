#include "huifang/runtime/deadlines.h"

#include <climits>

namespace huifang::runtime {

Deadlines::Deadlines(store::EventStore& store, std::string suffix, std::chrono::milliseconds rescan)
    : store_(store),
      suffix_(std::move(suffix)),
      rescan_(rescan),
      stale_(store.partitions(), true),
      earliest_(store.partitions(), INT64_MAX) {}

void Deadlines::touched(uint32_t partition) {
  std::lock_guard lock(mu_);
  if (partition < stale_.size()) stale_[partition] = true;
}

core::Result<std::vector<uint32_t>> Deadlines::due(int64_t now_ms) {
  std::vector<uint32_t> read;
  {
    std::lock_guard lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    const bool rescan = now >= next_rescan_;
    if (rescan) next_rescan_ = now + rescan_;
    for (uint32_t p = 0; p < stale_.size(); ++p) {
      if (rescan || stale_[p]) read.push_back(p);
      stale_[p] = false;
    }
  }
  if (!read.empty()) {
    std::vector<store::Argv> cmds;
    cmds.reserve(read.size());
    for (uint32_t p : read) cmds.push_back({"ZRANGE", store_.key(p, suffix_), "0", "0", "WITHSCORES"});
    auto replies = store_.pool().lease()->pipeline(cmds);
    if (!replies) {
      for (uint32_t p : read) touched(p);
      return std::move(replies).error();
    }
    std::lock_guard lock(mu_);
    for (size_t i = 0; i < read.size(); ++i) {
      const auto& r = (*replies)[i];
      if (r.is_error()) {
        for (uint32_t p : read) stale_[p] = true;
        return store::bad_reply("ZRANGE " + suffix_ + ": " + r.str);
      }
      earliest_[read[i]] = r.elements.size() == 2 ? static_cast<int64_t>(std::stod(r.elements[1].str)) : INT64_MAX;
    }
  }
  std::vector<uint32_t> out;
  std::lock_guard lock(mu_);
  for (uint32_t p = 0; p < earliest_.size(); ++p) {
    if (earliest_[p] > now_ms) continue;
    out.push_back(p);
    stale_[p] = true;  // it fires now: what is left is read again next time
  }
  return out;
}

}  // namespace huifang::runtime
