#include "huifang/store/leases.h"

namespace huifang::store {
namespace {

// KEYS[1] lease; ARGV[1] owner, ARGV[2] ttl ms. Replies 1 when the caller holds the lease
// afterwards, 0 otherwise.
const Script& renew_script() {
  static const Script script(R"lua(
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] or not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
)lua");
  return script;
}

// KEYS[1] lease, KEYS[2] key; ARGV[1] owner, ARGV[2] value. Replies 1 when written.
const Script& fenced_set_script() {
  static const Script script(R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
return 1
)lua");
  return script;
}

}  // namespace

PartitionLeases::PartitionLeases(EventStore& store, std::string owner, std::chrono::milliseconds ttl)
    : store_(store), owner_(std::move(owner)), ttl_(ttl), held_(store.partitions(), false) {}

core::Status PartitionLeases::renew() {
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::pair<Argv, Argv>> calls;
  for (uint32_t p = 0; p < store_.partitions(); ++p)
    calls.push_back({{store_.key(p, "lease")}, {owner_, std::to_string(ttl_.count())}});
  auto replies = store_.pool().lease()->eval_pipeline(renew_script(), calls);
  if (!replies) return replies.error();
  std::vector<bool> now(store_.partitions(), false);
  for (uint32_t p = 0; p < now.size(); ++p) {
    const Reply& r = (*replies)[p];
    if (r.type != Reply::Type::integer) return bad_reply("lease renew: " + r.str);
    now[p] = r.integer == 1;
  }
  std::lock_guard lock(mu_);
  held_ = std::move(now);
  valid_until_ = started + ttl_;  // measured from before the round trip: never longer than Redis keeps it
  return core::ok_status();
}

bool PartitionLeases::holds(uint32_t partition) const {
  std::lock_guard lock(mu_);
  return partition < held_.size() && held_[partition] && std::chrono::steady_clock::now() < valid_until_;
}

std::vector<uint32_t> PartitionLeases::held() const {
  std::vector<uint32_t> out;
  for (uint32_t p = 0; p < store_.partitions(); ++p)
    if (holds(p)) out.push_back(p);
  return out;
}

core::Result<std::vector<bool>> PartitionLeases::fenced_sets(const std::vector<FencedSet>& writes) {
  std::vector<std::pair<Argv, Argv>> calls;
  for (const auto& w : writes) calls.push_back({{store_.key(w.partition, "lease"), w.key}, {owner_, w.value}});
  auto replies = store_.pool().lease()->eval_pipeline(fenced_set_script(), calls);
  if (!replies) return replies.error();
  std::vector<bool> out;
  for (const auto& r : *replies) {
    if (r.type != Reply::Type::integer) return bad_reply("fenced set: " + r.str);
    out.push_back(r.integer == 1);
  }
  return out;
}

}  // namespace huifang::store
