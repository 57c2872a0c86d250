#include "huifang/testing/memory_event_log.h"

#include "huifang/store/errc.h"

namespace huifang::testing {

core::Result<store::LoadedStream> MemoryEventLog::load(std::string_view, const store::StreamId& stream,
                                                       bool use_snapshot) {
  std::lock_guard lock(mu_);
  store::LoadedStream out;
  const auto it = streams_.find(name(stream));
  if (it == streams_.end()) return out;
  out.version = it->second.size();
  if (const auto snap = snapshots_.find(name(stream)); use_snapshot && snap != snapshots_.end()) {
    out.snapshot_version = snap->second.first;
    out.snapshot = snap->second.second;
  }
  out.events.assign(it->second.begin() + static_cast<std::ptrdiff_t>(out.snapshot_version), it->second.end());
  return out;
}

core::Result<store::AppendResult> MemoryEventLog::append(const store::AppendRequest& r) {
  std::lock_guard lock(mu_);
  if (r.inbox) {
    if (const auto it = inbox_.find(r.inbox->source); it != inbox_.end() && it->second >= r.inbox->version)
      return core::make_error(store::make_error_code(store::errc::duplicate_message),
                              "message from " + r.inbox->source + " already applied");
  }
  for (const auto& s : r.streams) {
    const auto it = streams_.find(name(s.stream));
    const uint64_t current = it == streams_.end() ? 0 : it->second.size();
    if (s.expected.value >= 0 && current != static_cast<uint64_t>(s.expected.value))
      return core::make_error(store::make_error_code(store::errc::version_conflict),
                              name(s.stream) + " is at version " + std::to_string(current) + ", expected " +
                                  std::to_string(s.expected.value));
  }
  store::AppendResult out;
  for (const auto& s : r.streams) {
    auto& events = streams_[name(s.stream)];
    for (const auto& e : s.events) {
      events.push_back(e);
      if (s.publish) outbox_.push_back({s.stream, events.size(), r.partition_key});
    }
    out.versions.push_back(events.size());
  }
  read_model_.insert(read_model_.end(), r.index_ops.begin(), r.index_ops.end());
  if (r.inbox) inbox_[r.inbox->source] = r.inbox->version;
  return out;
}

std::vector<core::Result<store::AppendResult>> MemoryEventLog::append_batch(const std::vector<store::AppendRequest>& requests) {
  std::vector<core::Result<store::AppendResult>> out;
  out.reserve(requests.size());
  for (const auto& r : requests) out.push_back(append(r));
  return out;
}

core::Status MemoryEventLog::save_snapshot(std::string_view, const store::StreamId& stream, uint64_t version,
                                           const std::string& state) {
  std::lock_guard lock(mu_);
  snapshots_[name(stream)] = {version, state};
  return core::ok_status();
}

bool MemoryEventLog::snapshot_due(uint64_t old_version, uint64_t new_version) const {
  return snapshot_every_ > 0 && new_version / snapshot_every_ > old_version / snapshot_every_;
}

std::vector<MemoryEventLog::Published> MemoryEventLog::outbox() const {
  std::lock_guard lock(mu_);
  return outbox_;
}

std::vector<store::IndexOp> MemoryEventLog::read_model() const {
  std::lock_guard lock(mu_);
  return read_model_;
}

}  // namespace huifang::testing
