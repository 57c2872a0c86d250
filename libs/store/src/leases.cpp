#include "huifang/store/leases.h"

#include <algorithm>

namespace huifang::store {
namespace {

// KEYS[1] lease; ARGV[1] owner, ARGV[2] ttl ms, ARGV[3] 'take' (claim it when free, extend it
// when held) or 'release' (give it up when held). Replies 1 when the caller holds the lease
// afterwards, 0 otherwise.
const Script& renew_script() {
  static const Script script(R"lua(
local holder = redis.call('GET', KEYS[1])
if ARGV[3] == 'release' then
  if holder == ARGV[1] then redis.call('DEL', KEYS[1]) end
  return 0
end
if holder == ARGV[1] or not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
)lua");
  return script;
}

// KEYS[1] the members sorted set (score: when the membership runs out, ms of Redis' clock);
// ARGV[1] owner, ARGV[2] ttl ms. Announces the caller for a TTL; replies how many are alive.
const Script& members_script() {
  static const Script script(R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return redis.call('ZCARD', KEYS[1])
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
  auto conn = store_.pool().lease();
  const std::string ttl = std::to_string(ttl_.count());
  auto members = conn->eval_pipeline(members_script(), {{{store_.key(0, "lease-members")}, {owner_, ttl}}});
  if (!members) return members.error();
  if (members->size() != 1 || (*members)[0].type != Reply::Type::integer)
    return bad_reply("lease members: " + (members->empty() ? std::string("no reply") : (*members)[0].str));
  // A fair share of the partitions for each live instance: keep up to it, give up the rest (the
  // highest first), and claim free ones only while under it. A newcomer thus gets its share
  // within two renewals; the partitions of one that died, once its leases and membership ran out.
  const size_t n = store_.partitions();
  const size_t live = std::max<int64_t>(1, (*members)[0].integer);
  const size_t share = (n + live - 1) / live;
  std::vector<bool> before;
  {
    std::lock_guard lock(mu_);
    before = held_;
  }
  const size_t kept_before = static_cast<size_t>(std::count(before.begin(), before.end(), true));
  std::vector<std::pair<Argv, Argv>> calls;
  std::vector<uint32_t> asked;
  size_t kept = 0;
  for (uint32_t p = 0; p < n; ++p) {
    const char* mode = nullptr;
    if (before[p]) mode = kept++ < share ? "take" : "release";
    else if (kept_before < share) mode = "take";
    if (!mode) continue;
    calls.push_back({{store_.key(p, "lease")}, {owner_, ttl, mode}});
    asked.push_back(p);
  }
  auto replies = conn->eval_pipeline(renew_script(), calls);
  if (!replies) return replies.error();
  std::vector<bool> now(n, false);
  for (size_t i = 0; i < asked.size(); ++i) {
    const Reply& r = (*replies)[i];
    if (r.type != Reply::Type::integer) return bad_reply("lease renew: " + r.str);
    now[asked[i]] = r.integer == 1;
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
