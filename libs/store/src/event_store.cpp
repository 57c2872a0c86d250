#include "huifang/store/event_store.h"

#include "append_lua.h"  // generated from append.lua by CMake
#include "group_commit.h"
#include "packed_stream.h"

namespace huifang::store {
uint32_t logical_partition(std::string_view key, uint32_t partitions) {
  uint32_t h = 2166136261u;
  for (unsigned char c : key) {
    h ^= c;
    h *= 16777619u;
  }
  return partitions == 0 ? 0 : h % partitions;
}

EventStore::EventStore(RedisPool& pool, StoreOptions options)
    : pool_(pool),
      options_(std::move(options)),
      append_script_(std::string(kAppendLua)),
      group_(std::make_unique<GroupCommit>([this](std::span<const AppendRequest* const> r) { return send(r); },
                                           std::max<size_t>(1, options_.max_group))) {}

EventStore::~EventStore() = default;

uint32_t EventStore::partition_of(std::string_view partition_key) const {
  return logical_partition(partition_key, options_.partitions);
}

std::string EventStore::key(uint32_t partition, std::string_view suffix) const {
  std::string k = options_.prefix;
  k += ":{p";
  k += std::to_string(partition);
  k += "}:";
  k += suffix;
  return k;
}

std::string EventStore::stream_key(uint32_t partition, const StreamId& stream) const {
  return key(partition, "s:" + stream.type + ":" + stream.id);
}

std::string EventStore::snapshot_key(uint32_t partition, const StreamId& stream) const {
  return key(partition, "snap:" + stream.type + ":" + stream.id);
}

std::string EventStore::packed_key(uint32_t partition, const std::string& type) const {
  return key(partition, "streams:" + type);
}

std::vector<Argv> EventStore::forget(uint32_t partition, const StreamId& stream) const {
  return {{"DEL", stream_key(partition, stream), snapshot_key(partition, stream)},
          {"HDEL", packed_key(partition, stream.type), stream.id}};
}

core::Result<EventStore::StreamPage> EventStore::scan_short_streams(uint32_t partition, const std::string& type,
                                                                   const std::string& cursor, size_t count) const {
  auto reply = pool_.lease()->command({"HSCAN", packed_key(partition, type), cursor, "COUNT", std::to_string(count)});
  if (!reply) return reply.error();
  if (reply->type != Reply::Type::array || reply->elements.size() != 2 || reply->elements[1].type != Reply::Type::array)
    return bad_reply("HSCAN " + packed_key(partition, type) + ": " + reply->str);
  StreamPage page{reply->elements[0].str, {}};
  const auto& fields = reply->elements[1].elements;
  for (size_t i = 0; i + 1 < fields.size(); i += 2) {
    auto events = unpack_stream(fields[i + 1].str);
    if (!events || events->empty()) return bad_reply("packed stream " + type + "/" + fields[i].str + " is damaged");
    page.streams.push_back({fields[i].str, std::move(events->front())});
  }
  return page;
}

std::optional<StreamId> EventStore::stream_of_key(std::string_view k) const {
  const auto at = k.find("}:s:");
  if (!k.starts_with(options_.prefix + ":{") || at == std::string_view::npos) return std::nullopt;
  const std::string_view rest = k.substr(at + 4);
  const auto colon = rest.find(':');
  if (colon == 0 || colon == std::string_view::npos || colon + 1 == rest.size()) return std::nullopt;
  return StreamId{std::string(rest.substr(0, colon)), std::string(rest.substr(colon + 1))};
}

std::vector<uint32_t> EventStore::all_partitions() const {
  std::vector<uint32_t> all(options_.partitions);
  for (uint32_t p = 0; p < all.size(); ++p) all[p] = p;
  return all;
}

bool EventStore::snapshot_due(uint64_t old_version, uint64_t new_version) const {
  return options_.snapshot_every > 0 && new_version / options_.snapshot_every > old_version / options_.snapshot_every;
}

core::Result<LoadedStream> EventStore::load(std::string_view partition_key, const StreamId& stream,
                                           bool use_snapshot) {
  const uint32_t p = partition_of(partition_key);
  const std::string skey = stream_key(p, stream);
  const std::string snap = snapshot_key(p, stream);
  auto conn = pool_.lease();
  // One round trip for the snapshot, the list's length and the packed form; a second only for a
  // stream kept as a list.
  auto first = conn->pipeline({{"HMGET", snap, "v", "state"}, {"LLEN", skey}, {"HGET", packed_key(p, stream.type), stream.id}});
  if (!first) return std::move(first).error();
  const Reply& sn = (*first)[0];
  const Reply& len = (*first)[1];
  const Reply& packed = (*first)[2];
  if (sn.type != Reply::Type::array || sn.elements.size() != 2 || len.type != Reply::Type::integer)
    return bad_reply("load " + skey + ": " + sn.str + len.str);
  LoadedStream out;
  std::vector<std::string> all_packed;
  if (len.integer == 0 && packed.type == Reply::Type::string) {
    auto events = unpack_stream(packed.str);
    if (!events) return bad_reply("load " + skey + ": the packed stream is damaged");
    all_packed = std::move(*events);
  }
  out.version = len.integer > 0 ? static_cast<uint64_t>(len.integer) : all_packed.size();
  if (use_snapshot && sn.elements[0].type == Reply::Type::string && sn.elements[1].type == Reply::Type::string) {
    out.snapshot_version = std::stoull(sn.elements[0].str);
    out.snapshot = sn.elements[1].str;
  }
  if (out.snapshot_version > out.version) return bad_reply("snapshot of " + skey + " is ahead of its stream");
  if (out.version == out.snapshot_version) return out;
  if (len.integer == 0) {
    out.events.assign(std::make_move_iterator(all_packed.begin() + static_cast<ptrdiff_t>(out.snapshot_version)),
                      std::make_move_iterator(all_packed.end()));
    return out;
  }
  auto events = conn->command({"LRANGE", skey, std::to_string(out.snapshot_version), std::to_string(out.version - 1)});
  if (!events) return std::move(events).error();
  if (events->type != Reply::Type::array) return bad_reply("LRANGE " + skey + ": " + events->str);
  out.events.reserve(events->elements.size());
  for (auto& e : events->elements) out.events.push_back(std::move(e.str));
  return out;
}

int64_t EventStore::inbox_generation() const {
  if (options_.inbox_period.count() <= 0) return -1;
  static const core::SystemClock system;
  const core::Clock& clock = options_.wall_clock ? *options_.wall_clock : system;
  return core::to_micros(clock.now()) / 1'000'000 / options_.inbox_period.count();
}

std::pair<Argv, Argv> EventStore::script_call(const AppendRequest& r, uint32_t p, int64_t generation) const {
  // This period's inbox, the one before, and the single unbounded inbox of earlier versions (read
  // only, so marks written before an upgrade still count).
  const std::string legacy = key(p, "inbox");
  Argv keys = generation < 0
                  ? Argv{key(p, "outbox"), legacy, legacy, legacy}
                  : Argv{key(p, "outbox"), key(p, "inbox:" + std::to_string(generation)),
                         key(p, "inbox:" + std::to_string(generation - 1)), legacy};
  const int64_t ttl = generation < 0 ? 0 : 2 * options_.inbox_period.count();
  Argv args{r.inbox ? r.inbox->source : std::string(), r.inbox ? std::to_string(r.inbox->version) : "0",
            r.partition_key, std::to_string(r.streams.size()), std::to_string(r.index_ops.size()), std::to_string(ttl),
            std::to_string(options_.packed_events)};
  for (const auto& s : r.streams) {
    keys.push_back(stream_key(p, s.stream));
    keys.push_back(packed_key(p, s.stream.type));
    args.push_back(std::to_string(s.expected.value));
    args.push_back(std::to_string(s.events.size()));
    args.push_back(s.publish ? "1" : "0");
    args.push_back(s.stream.id);
    args.insert(args.end(), s.events.begin(), s.events.end());
  }
  for (const auto& op : r.index_ops) {
    keys.push_back(key(p, op.key));
    args.push_back(op.command);
    args.push_back(std::to_string(op.args.size()));
    args.insert(args.end(), op.args.begin(), op.args.end());
  }
  return {std::move(keys), std::move(args)};
}

core::Result<AppendResult> EventStore::parse(const Reply& reply, const AppendRequest& r) const {
  if (reply.is_error()) return bad_reply("append script: " + reply.str);
  if (reply.type != Reply::Type::array || reply.elements.empty()) return bad_reply("append script: empty reply");
  const std::string& tag = reply.elements[0].str;
  if (tag == "ok") {
    AppendResult out;
    for (size_t i = 1; i < reply.elements.size(); ++i) out.versions.push_back(static_cast<uint64_t>(reply.elements[i].integer));
    if (out.versions.size() != r.streams.size()) return bad_reply("append script: wrong number of versions");
    return out;
  }
  if (tag == "conflict" && reply.elements.size() == 3) {
    const auto idx = static_cast<size_t>(reply.elements[1].integer - 1);
    const auto& s = r.streams.at(idx).stream;
    return core::make_error(make_error_code(errc::version_conflict),
                            s.type + "/" + s.id + " is at version " + std::to_string(reply.elements[2].integer) +
                                ", expected " + std::to_string(r.streams[idx].expected.value));
  }
  if (tag == "dup") {
    return core::make_error(make_error_code(errc::duplicate_message),
                            "message from " + (r.inbox ? r.inbox->source : std::string()) + " already applied");
  }
  return bad_reply("append script: unknown reply " + tag);
}

core::Result<AppendResult> EventStore::append(const AppendRequest& request) { return group_->append(request); }

GroupCommitStats EventStore::group_commit_stats() const { return group_->stats(); }

std::vector<core::Result<AppendResult>> EventStore::append_batch(const std::vector<AppendRequest>& requests) {
  std::vector<const AppendRequest*> all;
  all.reserve(requests.size());
  for (const auto& r : requests) all.push_back(&r);
  return send(all);
}

std::vector<core::Result<AppendResult>> EventStore::send(std::span<const AppendRequest* const> requests) {
  std::vector<std::pair<Argv, Argv>> calls;
  std::vector<uint32_t> parts;
  calls.reserve(requests.size());
  const int64_t generation = inbox_generation();
  for (const AppendRequest* r : requests) {
    parts.push_back(partition_of(r->partition_key));
    calls.push_back(script_call(*r, parts.back(), generation));
  }
  std::vector<core::Result<AppendResult>> out;
  out.reserve(requests.size());
  core::Result<std::vector<Reply>> replies = [&] {
    auto conn = pool_.lease();
    return conn->eval_pipeline(append_script_, calls);
  }();
  if (!replies) {
    for (size_t i = 0; i < requests.size(); ++i) out.push_back(replies.error());
    return out;
  }
  for (size_t i = 0; i < requests.size(); ++i) {
    out.push_back(parse((*replies)[i], *requests[i]));
    if (out.back())
      for (const auto& listener : listeners_) listener(parts[i]);
  }
  return out;
}

core::Status EventStore::save_snapshot(std::string_view partition_key, const StreamId& stream, uint64_t version,
                                       const std::string& state) {
  const uint32_t p = partition_of(partition_key);
  return pool_.lease()->write_all({{"HSET", snapshot_key(p, stream), "v", std::to_string(version), "state", state}},
                                 "save snapshot");
}

}  // namespace huifang::store
