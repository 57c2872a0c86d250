#include "huifang/outbox/relay.h"

#include <thread>

#include "huifang/core/log.h"

namespace huifang::outbox {
namespace {

using store::Reply;

core::Error bad_reply(const std::string& what) {
  return core::make_error(store::make_error_code(store::errc::bad_reply), what);
}

const std::string* field(const Reply& fields, std::string_view name) {
  for (size_t i = 0; i + 1 < fields.elements.size(); i += 2)
    if (fields.elements[i].str == name) return &fields.elements[i + 1].str;
  return nullptr;
}

struct Entry {
  std::string id;
  std::string key;
  std::string payload;
  bool delivered = false;
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
                                {{"topic", options_.topic}})) {}

void Relay::wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_one();
}

core::Result<size_t> Relay::publish_once() { return pass(true); }

core::Result<size_t> Relay::pass(bool advance) {
  const uint32_t n = store_.partitions();
  auto conn = store_.pool().lease();
  std::vector<store::Argv> cmds;
  for (uint32_t p = 0; p < n; ++p) cmds.push_back({"GET", store_.key(p, "outbox-cursor")});
  auto cursors = conn->pipeline(cmds);
  if (!cursors) return std::move(cursors).error();

  cmds.clear();
  for (uint32_t p = 0; p < n; ++p) {
    const Reply& c = (*cursors)[p];
    const std::string from = c.type == Reply::Type::string ? "(" + c.str : "-";
    cmds.push_back({"XRANGE", store_.key(p, "outbox"), from, "+", "COUNT", std::to_string(options_.batch)});
  }
  auto ranges = conn->pipeline(cmds);
  if (!ranges) return std::move(ranges).error();

  // Outbox entries point at stored events; fetch the payloads in one more round trip.
  std::vector<std::vector<Entry>> entries(n);
  cmds.clear();
  for (uint32_t p = 0; p < n; ++p) {
    const Reply& r = (*ranges)[p];
    if (r.type != Reply::Type::array) return bad_reply("XRANGE outbox: " + r.str);
    for (const Reply& e : r.elements) {
      if (e.elements.size() != 2) return bad_reply("outbox entry shape");
      const std::string* s = field(e.elements[1], "s");
      const std::string* i = field(e.elements[1], "i");
      const std::string* k = field(e.elements[1], "k");
      if (!s || !i || !k) return bad_reply("outbox entry without s/i/k");
      entries[p].push_back(Entry{e.elements[0].str, *k, {}, false});
      cmds.push_back({"LINDEX", *s, *i});
    }
  }
  if (cmds.empty()) return size_t{0};
  auto payloads = conn->pipeline(cmds);
  if (!payloads) return std::move(payloads).error();
  size_t idx = 0;
  for (auto& part : entries) {
    for (auto& e : part) {
      const Reply& r = (*payloads)[idx++];
      if (r.type != Reply::Type::string) return bad_reply("outbox points at a missing event");
      e.payload = r.str;
    }
  }

  // Produce everything, then wait for every delivery report before touching cursors.
  for (auto& part : entries) {
    for (auto& e : part) {
      auto st = producer_.produce(options_.topic, e.key, e.payload, [&e](const core::Status& s) {
        e.delivered = s.ok();
        if (!s) core::log::warn("relay delivery failed", {{"error", s.error().to_string()}});
      });
      if (!st) return st.error();
    }
  }
  while (producer_.in_flight() > 0) producer_.poll(std::chrono::milliseconds(50));

  size_t acknowledged = 0;
  bool all = true;
  cmds.clear();
  for (uint32_t p = 0; p < n; ++p) {
    // Advance over the delivered prefix only: order per partition is kept on the next pass.
    const std::string* last = nullptr;
    for (const auto& e : entries[p]) {
      if (!e.delivered) {
        all = false;
        break;
      }
      last = &e.id;
      ++acknowledged;
    }
    if (last && advance) cmds.push_back({"SET", store_.key(p, "outbox-cursor"), *last});
  }
  if (!cmds.empty()) {
    auto set = conn->pipeline(cmds);
    if (!set) return std::move(set).error();
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
  auto backoff = std::chrono::milliseconds(50);
  while (!stop.load()) {
    auto n = publish_once();
    if (!n) {
      core::log::warn("relay pass failed; retrying", {{"topic", options_.topic}, {"error", n.error().to_string()}});
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
      continue;
    }
    backoff = std::chrono::milliseconds(50);
    if (*n >= options_.batch) continue;  // more is waiting
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, options_.idle_wait, [&] { return woken_; });
    woken_ = false;
  }
}

core::Status Relay::republish_from(core::Timestamp from) {
  const int64_t ms = core::to_micros(from) / 1000;
  // Cursors are exclusive: the last id before `from`.
  const std::string cursor = ms <= 0 ? "0-0" : std::to_string(ms - 1) + "-18446744073709551615";
  auto conn = store_.pool().lease();
  std::vector<store::Argv> cmds;
  for (uint32_t p = 0; p < store_.partitions(); ++p) cmds.push_back({"SET", store_.key(p, "outbox-cursor"), cursor});
  auto r = conn->pipeline(cmds);
  if (!r) return std::move(r).error();
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
  auto conn = store_.pool().lease();
  size_t removed = 0;
  for (uint32_t p = 0; p < store_.partitions(); ++p) {
    auto cursor = conn->command({"GET", store_.key(p, "outbox-cursor")});
    if (!cursor) return std::move(cursor).error();
    if (cursor->type != Reply::Type::string) continue;  // nothing published yet
    // Never trim what is unpublished: the bound is the older of the cursor and the horizon.
    const int64_t cursor_ms = std::stoll(cursor->str.substr(0, cursor->str.find('-')));
    const std::string bound = cursor_ms <= horizon_ms ? cursor->str : std::to_string(horizon_ms);
    auto r = conn->command({"XTRIM", store_.key(p, "outbox"), "MINID", bound});
    if (!r) return std::move(r).error();
    removed += static_cast<size_t>(r->integer);
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
