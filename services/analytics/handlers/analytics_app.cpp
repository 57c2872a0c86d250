#include "analytics_app.h"

#include <optional>

#include <google/protobuf/arena.h>

#include "huifang/core/log.h"

namespace huifang::analytics {

AnalyticsApp::AnalyticsApp(ProjectionStore& store, AnalyticsOptions options)
    : store_(store), options_(std::move(options)), serving_(std::make_unique<Projection>(options_.utc_offset_hours)) {}

AnalyticsApp::~AnalyticsApp() {
  stop_ = true;
  join_rebuild();
}

void AnalyticsApp::join_rebuild() {
  if (rebuild_thread_.joinable()) rebuild_thread_.join();
}

core::Status AnalyticsApp::start() {
  auto v = store_.serving();
  if (!v) return v.error();
  std::unique_lock lock(mu_);
  version_ = *v;
  if (version_ == 0) {
    version_ = 1;
    return store_.switch_to(1, 0);
  }
  auto fresh = std::make_unique<Projection>(options_.utc_offset_hours, Projection::Mode::bulk);
  if (auto st = store_.load(version_, *fresh); !st) return st;
  fresh->go_live();
  serving_ = std::move(fresh);
  core::log::info("projection loaded", {{"version", version_}, {"visits", serving_->visits().size()},
                                        {"complaints", serving_->complaints().size()}});
  return core::ok_status();
}

bus::BatchOutcome AnalyticsApp::apply(std::span<const runtime::Incoming> batch) {
  std::unique_lock lock(mu_);
  for (const auto& in : batch) serving_->apply_at(in.envelope, in.message->topic, in.message->partition, in.message->offset);
  return {batch.size(), std::nullopt};
}

core::Result<std::map<std::string, int64_t>> AnalyticsApp::save() {
  // One save at a time (the timer and shutdown): a later save must not overtake an earlier one.
  std::lock_guard saving(save_mu_);
  Projection::Dirty dirty;
  std::vector<store::Argv> cmds;
  std::map<std::string, int64_t> checkpoints;
  {
    std::unique_lock lock(mu_);
    dirty = serving_->take_dirty();
    if (dirty.empty() && serving_->checkpoints() == saved_checkpoints_) return checkpoints;
    cmds = store_.prepare(version_, *serving_, &dirty);
    checkpoints = serving_->checkpoints();
  }
  if (auto st = store_.write(cmds); !st) {
    // Nothing was stored for the consumer: the next save writes these facts again.
    std::unique_lock lock(mu_);
    serving_->keep_dirty(dirty);
    return st.error();
  }
  saved_checkpoints_ = checkpoints;
  return checkpoints;
}

core::Result<v1::RebuildResponse> AnalyticsApp::rebuild(bool republish) {
  uint64_t expected = 0;
  uint64_t next;
  {
    std::shared_lock lock(mu_);
    next = version_ + 1;
  }
  if (!building_.compare_exchange_strong(expected, next))
    return core::make_error(core::make_error_code(core::errc::failed_precondition),
                            "a rebuild into version " + std::to_string(expected) + " is already running");
  if (republish && !options_.republish) {
    building_ = 0;
    return core::make_error(core::make_error_code(core::errc::failed_precondition), "republish is not configured");
  }
  join_rebuild();
  building_applied_ = 0;
  set_rebuild_error("");
  rebuild_thread_ = std::thread([this, next, republish] { run_rebuild(next, republish); });
  v1::RebuildResponse resp;
  resp.set_building_version(next);
  return resp;
}

void AnalyticsApp::run_rebuild(uint64_t version, bool republish) {
  auto fail = [&](const std::string& why) {
    core::log::error("rebuild failed; still serving the old version", {{"version", version}, {"error", why}});
    set_rebuild_error(why);
    building_ = 0;
  };
  const std::string group = "analytics-rebuild-v" + std::to_string(version) + "-" +
                            std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  // It reads every partition itself: nothing to share, so no group join to wait for.
  auto consumer = bus::Consumer::create({options_.kafka, group, options_.topics, nullptr, /*assign_all=*/true});
  if (!consumer) return fail(consumer.error().to_string());
  // Whatever a refused rebuild into this version number left is not part of this one.
  if (auto st = store_.drop(version); !st) return fail(st.error().to_string());
  // Facts only while folding (no counters, nothing remembered for a save): they are counted once
  // when the rebuild has caught up.
  auto fresh = std::make_unique<Projection>(options_.utc_offset_hours, Projection::Mode::bulk);
  // One polled batch folded in, parsed in place into an arena that is reset per batch; false when
  // there was nothing to fold.
  google::protobuf::Arena arena;
  std::string topic;
  auto fold_batch = [&](std::chrono::milliseconds wait) {
    const size_t n = (*consumer)->poll_each(2000, wait, [&](const bus::MessageView& m) {
      if (const auto type = events::peek_type(m.value); type && !Projection::handles(*type)) return;
      auto* e = google::protobuf::Arena::CreateMessage<events::Envelope>(&arena);
      // Not an envelope: the live path dead-letters these; the fold skips them.
      if (!e->ParseFromArray(m.value.data(), static_cast<int>(m.value.size()))) return;
      topic.assign(m.topic);
      fresh->apply_at(*e, topic, m.partition, m.offset);
    });
    arena.Reset();
    building_applied_ += n;
    return n > 0;
  };
  if (republish) {
    // Join first, so the consumer learns where each log starts before anything is resent: a
    // missing start is then history the republish covers, and any later gap is a real loss.
    while (!stop_ && !(*consumer)->lag()) fold_batch(std::chrono::milliseconds(200));
    if (auto st = options_.republish(); !st) return fail("republish: " + st.error().to_string());
  }
  // Caught up: nothing left on any partition (when the services republish, twice in a row a moment
  // apart: their relays may still be on their way).
  auto caught_up = [&] {
    // What the last fetches said first (no round trips), then the broker itself.
    const auto fetched = (*consumer)->lag(std::chrono::milliseconds(2000), bus::Consumer::Watermarks::last_fetched);
    if (!fetched || *fetched != 0) return false;
    for (int i = 0; i < (republish ? 2 : 1); ++i) {
      auto lag = (*consumer)->lag();
      if (!lag || *lag != 0) return false;
      if (i == 0 && republish) std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    return true;
  };
  // Events the broker dropped before this group read them: the start of a partition's log, which
  // a republish resends from the outboxes (as far as their retention reaches), or anything later,
  // which nothing resends.
  auto missing = [&]() -> std::optional<std::string> {
    const uint64_t gaps = (*consumer)->offset_anomalies() - (republish ? (*consumer)->start_gaps() : 0);
    if (gaps == 0) return std::nullopt;
    return "the broker no longer holds every event (" + std::to_string(gaps) + " offset gaps; see the log)" +
           (republish ? "; its partitions overflowed while the services republished, rebuild again"
                      : "; rebuild with republish to have the services resend their outboxes");
  };
  // Fold until the topics are drained; then, with the live consumer held off, drain what arrived
  // meanwhile and switch, so nothing the live path applied is missing from the new version.
  while (!stop_) {
    const bool folded = fold_batch(std::chrono::milliseconds(200));
    if (auto why = missing()) return fail(*why);
    if (!folded && caught_up()) break;
  }
  if (stop_) return fail("stopped");
  // Counted and saved whole outside the lock, so the live path and the dashboards are held off only
  // for what arrived meanwhile; from here on the projection remembers what changes.
  fresh->go_live();
  if (auto st = store_.save_all(version, *fresh); !st) return fail(st.error().to_string());
  {
    std::lock_guard saving(save_mu_);  // no save of the old version in flight while switching
    std::unique_lock lock(mu_);
    while (fold_batch(std::chrono::milliseconds(100)) || !caught_up()) continue;  // until a poll finds nothing and nothing is behind
    if (auto why = missing()) {
      lock.unlock();
      return fail(*why);
    }
    const auto dirty = fresh->take_dirty();
    if (auto st = store_.write(store_.prepare(version, *fresh, &dirty)); !st) {
      lock.unlock();
      return fail(st.error().to_string());
    }
    if (auto st = store_.switch_to(version, version_); !st) {
      lock.unlock();
      return fail(st.error().to_string());
    }
    core::log::info("rebuild switched", {{"version", version}, {"events", fresh->events_applied()},
                                         {"visits", fresh->visits().size()}});
    serving_ = std::move(fresh);
    version_ = version;
    saved_checkpoints_ = serving_->checkpoints();
  }
  (*consumer)->close();
  building_ = 0;
}

void AnalyticsApp::set_rebuild_error(const std::string& why) {
  std::unique_lock lock(mu_);
  last_rebuild_error_ = why;
}

v1::ProjectionStatus AnalyticsApp::status() const {
  std::shared_lock lock(mu_);
  v1::ProjectionStatus s;
  s.set_serving_version(version_);
  s.set_building_version(building_);
  s.set_events_applied(serving_->events_applied());
  s.set_last_rebuild_error(last_rebuild_error_);
  s.set_building_events_applied(building_applied_);
  for (const auto& [tp, offset] : serving_->checkpoints()) (*s.mutable_checkpoints())[tp] = offset;
  return s;
}

}  // namespace huifang::analytics
