#include "huifang/outbox/relay.h"

#include <thread>

#include "huifang/core/log.h"

namespace huifang::outbox {
namespace {

using store::bad_reply;
using store::Reply;

// One partition's entries after the cursor, with the events they point at, in one call: the outbox
// keeps no second copy of an event, and the relay still reads in one round trip. Every key shares
// the partition's hash tag (one Redis Cluster slot). Entries that carry their payload ('p') are
// published as they are. An event of a short stream is read from the stream's packed form (the
// partition's "streams:<type>" hash; see append.lua) when its list does not hold it.
// KEYS[1] outbox; ARGV[1] last published id ('' = none), ARGV[2] count
//   → per entry: id, Kafka key, payload, stream key (false if it carries its payload), index.
const store::Script& read_script() {
  static const store::Script script(R"lua(
local function packed_event(list, index)
  local head, type, id = string.match(list, '^(.*}:)s:([^:]+):(.+)$')
  if not head then return nil end
  local packed = redis.call('HGET', head .. 'streams:' .. type, id)
  if not packed then return nil end
  local count, at = struct.unpack('>I4', packed)
  if index >= count then return nil end
  for _ = 1, index do at = at + 4 + struct.unpack('>I4', packed, at) end
  local len = struct.unpack('>I4', packed, at)
  return string.sub(packed, at + 4, at + 3 + len)
end
local from = ARGV[1] == '' and '-' or '(' .. ARGV[1]
local out = {}
for _, e in ipairs(redis.call('XRANGE', KEYS[1], from, '+', 'COUNT', ARGV[2])) do
  local f, s, i, k, p = e[2]
  for j = 1, #f, 2 do
    local name, value = f[j], f[j + 1]
    if name == 's' then s = value elseif name == 'i' then i = value elseif name == 'k' then k = value elseif name == 'p' then p = value end
  end
  if not p and s and i then p = redis.call('LINDEX', s, i) or packed_event(s, tonumber(i)) end
  out[#out + 1] = e[1]
  out[#out + 1] = k or false
  out[#out + 1] = p or false
  out[#out + 1] = (s and i) and s or false
  out[#out + 1] = (s and i) and i or false
end
return out
)lua");
  return script;
}

struct Entry {
  std::string id;
  std::string key;
  std::string payload;
  std::string stream_key;  // where the event is stored ('' for entries that carry it)
  std::string index;
  bool delivered = false;
  std::optional<std::string> rejected;  // why Kafka can never take it: it is set aside
};

}  // namespace

Relay::Relay(store::EventStore& store, bus::Producer& producer, core::MetricsRegistry& metrics,
             const core::Clock& clock, RelayOptions options)
    : store_(store),
      producer_(producer),
      clock_(clock),
      options_(std::move(options)),
      published_(metrics.counter("huifang_relay_published_total", "Outbox events acknowledged by Kafka",
                                 {{"topic", options_.topic}})),
      failures_(metrics.counter("huifang_relay_failures_total", "Relay passes that could not publish everything",
                                {{"topic", options_.topic}})),
      set_aside_(metrics.counter("huifang_relay_set_aside_total",
                                 "Outbox events Kafka can never take (too large, malformed), set aside in "
                                 "<service>:{pN}:outbox-set-aside instead of blocking their partition",
                                 {{"topic", options_.topic}})),
      woken_(store.partitions(), false) {}

void Relay::wake(uint32_t partition) {
  {
    std::lock_guard lock(mu_);
    if (partition < woken_.size()) woken_[partition] = true;
    any_woken_ = true;
  }
  cv_.notify_one();
}

void Relay::wake() {
  {
    std::lock_guard lock(mu_);
    all_woken_ = any_woken_ = true;
  }
  cv_.notify_one();
}

std::vector<uint32_t> Relay::take_woken(bool scan) {
  std::lock_guard lock(mu_);
  std::vector<uint32_t> out;
  if (scan || all_woken_) {
    out = store_.all_partitions();
  } else {
    for (uint32_t p = 0; p < woken_.size(); ++p)
      if (woken_[p]) out.push_back(p);
  }
  woken_.assign(store_.partitions(), false);
  any_woken_ = all_woken_ = false;
  return out;
}

core::Result<size_t> Relay::publish_once() { return pass(store_.all_partitions(), true); }

core::Status Relay::save_cursors(store::RedisConnection& conn, std::vector<std::pair<uint32_t, std::string>>& moved) {
  if (!leases_) {
    std::vector<store::Argv> cmds;
    for (const auto& [p, id] : moved) cmds.push_back({"SET", store_.key(p, "outbox-cursor"), id});
    auto set = conn.pipeline(cmds);
    if (!set) return std::move(set).error();
    for (auto& [p, id] : moved) (*cursors_)[p] = std::move(id);
    return core::ok_status();
  }
  // Fenced: a lease lost mid-pass leaves the cursor to its new holder (what was sent goes again).
  std::vector<store::PartitionLeases::FencedSet> writes;
  for (const auto& [p, id] : moved) writes.push_back({p, store_.key(p, "outbox-cursor"), id});
  auto done = leases_->fenced_sets(writes);
  if (!done) return done.error();
  bool lost = false;
  for (size_t i = 0; i < moved.size(); ++i) {
    if ((*done)[i]) (*cursors_)[moved[i].first] = std::move(moved[i].second);
    else lost = true;
  }
  if (lost) cursors_.reset();  // read again: the new holder's cursor is the truth
  return core::ok_status();
}

core::Status Relay::load_cursors(store::RedisConnection& conn) {
  if (cursors_) return core::ok_status();
  std::vector<store::Argv> cmds;
  for (uint32_t p = 0; p < store_.partitions(); ++p) cmds.push_back({"GET", store_.key(p, "outbox-cursor")});
  auto r = conn.pipeline(cmds);
  if (!r) return std::move(r).error();
  std::vector<std::string> cursors;
  for (const Reply& c : *r) cursors.push_back(c.type == Reply::Type::string ? c.str : std::string());
  cursors_ = std::move(cursors);
  return core::ok_status();
}

core::Result<size_t> Relay::pass(const std::vector<uint32_t>& woken, bool advance) {
  std::lock_guard cursors_lock(cursors_mu_);
  std::vector<uint32_t> parts = woken;
  if (leases_) {
    std::erase_if(parts, [this](uint32_t p) { return !leases_->holds(p); });
    // Partitions just taken over: another instance moved their cursors meanwhile.
    if (auto held = leases_->held(); held != last_held_) {
      last_held_ = std::move(held);
      cursors_.reset();
    }
  }
  if (parts.empty()) return size_t{0};
  auto conn = store_.pool().lease();
  if (auto st = load_cursors(*conn); !st) return st.error();
  std::vector<std::pair<store::Argv, store::Argv>> calls;
  for (uint32_t p : parts) calls.push_back({{store_.key(p, "outbox")}, {(*cursors_)[p], std::to_string(options_.batch)}});
  auto ranges = conn->eval_pipeline(read_script(), calls);
  if (!ranges) return std::move(ranges).error();
  std::vector<std::vector<Entry>> entries(parts.size());
  for (size_t i = 0; i < parts.size(); ++i) {
    const Reply& r = (*ranges)[i];
    constexpr size_t kFields = 5;
    if (r.type != Reply::Type::array || r.elements.size() % kFields != 0) return bad_reply("outbox read: " + r.str);
    if (r.elements.size() / kFields >= options_.batch) wake(parts[i]);  // more is waiting
    for (size_t j = 0; j < r.elements.size(); j += kFields) {
      const auto& f = r.elements;
      if (f[j + 1].type != Reply::Type::string) return bad_reply("outbox entry without a key");
      if (f[j + 2].type != Reply::Type::string) return bad_reply("outbox points at a missing event");
      const bool stored = f[j + 3].type == Reply::Type::string;  // false: the entry carries its payload
      std::string payload;
      if (stored && options_.to_publish) {
        auto published = options_.to_publish(f[j + 3].str, std::stoull(f[j + 4].str), f[j + 2].str);
        if (!published) return bad_reply("outbox entry " + f[j].str + ": " + published.error().message);
        payload = std::move(*published);
      } else {
        payload = f[j + 2].str;
      }
      entries[i].push_back(Entry{f[j].str, f[j + 1].str, std::move(payload), stored ? f[j + 3].str : std::string(),
                                 stored ? f[j + 4].str : std::string(), false, std::nullopt});
    }
  }

  // Produce everything, then wait for every delivery report before touching cursors (the reports
  // write into `entries`, so nothing returns before they are all in, not even a failed produce).
  std::optional<core::Error> refused;
  for (auto& part : entries) {
    for (auto& e : part) {
      auto st = producer_.produce(options_.topic, e.key, e.payload, [&e](const core::Status& s) {
        e.delivered = s.ok();
        if (!s && s.error().code == bus::errc::message_rejected) e.rejected = s.error().message;
        if (!s) core::log::warn("relay delivery failed", {{"error", s.error().to_string()}});
      });
      if (!st && st.error().code == bus::errc::message_rejected) {
        e.rejected = st.error().message;
        continue;
      }
      if (!st) {
        refused = st.error();
        break;
      }
    }
    if (refused) break;
  }
  while (producer_.in_flight() > 0) producer_.poll(std::chrono::milliseconds(50));
  if (refused) {
    failures_.inc();
    return *refused;
  }

  size_t acknowledged = 0;
  bool all = true;
  std::vector<std::pair<uint32_t, std::string>> moved;
  std::vector<store::Argv> aside;
  for (size_t i = 0; i < parts.size(); ++i) {
    // Advance over the delivered prefix only: order per partition is kept on the next pass. An
    // entry Kafka can never take is set aside (kept, with why) rather than blocking the rest.
    const std::string* last = nullptr;
    for (const auto& e : entries[i]) {
      if (!e.delivered && !e.rejected) {
        all = false;
        wake(parts[i]);
        break;
      }
      if (e.rejected) {
        aside.push_back({"XADD", store_.key(parts[i], "outbox-set-aside"), "*", "entry", e.id, "s", e.stream_key, "i",
                         e.index, "k", e.key, "bytes", std::to_string(e.payload.size()), "reason", *e.rejected});
        core::log::error("relay set an event aside: Kafka can never take it",
                         {{"topic", options_.topic}, {"entry", e.id}, {"stream", e.stream_key},
                          {"bytes", std::to_string(e.payload.size())}, {"reason", *e.rejected}});
      } else {
        ++acknowledged;
      }
      last = &e.id;
    }
    if (last && advance) moved.emplace_back(parts[i], *last);
  }
  if (!aside.empty()) {
    // Recorded before the cursor moves past them: a set-aside event is never just skipped.
    if (auto st = conn->write_all(aside, "outbox set-aside"); !st) return st.error();
    set_aside_.inc(aside.size());
    set_aside_since_start_ += aside.size();
  }
  if (!moved.empty()) {
    if (auto st = save_cursors(*conn, moved); !st) return st.error();
  }
  published_.inc(acknowledged);
  if (!all) {
    failures_.inc();
    return core::make_error(bus::make_error_code(bus::errc::broker_unavailable),
                            "relay: " + std::to_string(acknowledged) + " acknowledged, the rest will be retried");
  }
  return acknowledged;
}

void Relay::run(const std::atomic<bool>& stop) {
  using Clock = std::chrono::steady_clock;
  auto backoff = std::chrono::milliseconds(50);
  auto next_scan = Clock::now();
  auto next_trim = Clock::now() + options_.trim_every;
  while (!stop.load()) {
    const bool scan = Clock::now() >= next_scan;
    if (scan) {
      next_scan = Clock::now() + options_.scan_every;
      // Cursors are read again too: another instance may have rewound them (RepublishEvents).
      std::lock_guard cursors_lock(cursors_mu_);
      cursors_.reset();
    }
    const auto parts = take_woken(scan);
    auto n = pass(parts, true);
    if (!n) {
      core::log::warn("relay pass failed; retrying", {{"topic", options_.topic}, {"error", n.error().to_string()}});
      for (uint32_t p : parts) wake(p);
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
      continue;
    }
    backoff = std::chrono::milliseconds(50);
    if (Clock::now() >= next_trim) {
      next_trim = Clock::now() + options_.trim_every;
      if (auto removed = trim(); !removed)
        core::log::warn("outbox trim failed", {{"topic", options_.topic}, {"error", removed.error().to_string()}});
    }
    std::unique_lock lock(mu_);
    cv_.wait_until(lock, std::min(next_scan, next_trim), [&] { return any_woken_ || stop.load(); });
  }
}

core::Status Relay::republish_from(core::Timestamp from) {
  const int64_t ms = core::to_micros(from) / 1000;
  // Cursors are exclusive: the last id before `from`.
  const std::string cursor = ms <= 0 ? "0-0" : std::to_string(ms - 1) + "-18446744073709551615";
  {
    std::lock_guard cursors_lock(cursors_mu_);
    auto conn = store_.pool().lease();
    std::vector<store::Argv> cmds;
    for (uint32_t p = 0; p < store_.partitions(); ++p) cmds.push_back({"SET", store_.key(p, "outbox-cursor"), cursor});
    auto r = conn->pipeline(cmds);
    cursors_.reset();  // read again: whatever the pipeline did, Redis holds the truth
    if (!r) return std::move(r).error();
  }
  core::log::info("relay rewound for republish", {{"topic", options_.topic}, {"from", core::format_rfc3339(from)}});
  wake();
  return core::ok_status();
}

core::Result<size_t> Relay::republish(std::optional<core::Timestamp> from) {
  if (auto st = republish_from(from.value_or(core::from_micros(0))); !st) return st.error();
  return pending();
}

core::Result<size_t> Relay::trim() {
  const int64_t horizon_ms =
      core::to_micros(clock_.now() - std::chrono::duration_cast<core::Duration>(options_.retention)) / 1000;
  std::lock_guard cursors_lock(cursors_mu_);
  auto conn = store_.pool().lease();
  if (auto st = load_cursors(*conn); !st) return st.error();
  std::vector<store::Argv> cmds;
  for (uint32_t p = 0; p < store_.partitions(); ++p) {
    const std::string& cursor = (*cursors_)[p];
    if (cursor.empty()) continue;  // nothing published yet
    // Never trim what is unpublished: the bound is the older of the cursor and the horizon.
    const int64_t cursor_ms = std::stoll(cursor.substr(0, cursor.find('-')));
    cmds.push_back({"XTRIM", store_.key(p, "outbox"), "MINID", cursor_ms <= horizon_ms ? cursor : std::to_string(horizon_ms)});
  }
  if (cmds.empty()) return size_t{0};
  auto r = conn->pipeline(cmds);
  if (!r) return std::move(r).error();
  size_t removed = 0;
  for (const Reply& n : *r) {
    if (n.type != Reply::Type::integer) return bad_reply("XTRIM: " + n.str);
    removed += static_cast<size_t>(n.integer);
  }
  return removed;
}

core::Result<size_t> Relay::pending() {
  auto conn = store_.pool().lease();
  size_t total = 0;
  for (uint32_t p = 0; p < store_.partitions(); ++p) {
    auto cursor = conn->command({"GET", store_.key(p, "outbox-cursor")});
    if (!cursor) return std::move(cursor).error();
    const std::string from = cursor->type == Reply::Type::string ? "(" + cursor->str : "-";
    auto r = conn->command({"XRANGE", store_.key(p, "outbox"), from, "+"});
    if (!r) return std::move(r).error();
    total += r->elements.size();
  }
  return total;
}

}  // namespace huifang::outbox
