#pragma once
// Load → decide → append for one aggregate, the shell around every command handler:
//   state = fold(evolve, snapshot, events); events = decide(state); append(expected = version).
// A version conflict (another writer got there first) re-runs the whole cycle, at most
// `max_attempts` times, then surfaces as ABORTED. When an append crosses a multiple of the store's
// snapshot interval, the new state is saved as a snapshot so long streams stay cheap to load.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "huifang/core/log.h"
#include "huifang/core/result.h"
#include "huifang/events/decision.h"
#include "huifang/events/envelope.h"
#include "huifang/store/errc.h"
#include "huifang/store/event_log.h"

namespace huifang::runtime {

using events::Envelope;

template <typename State>
struct Aggregate {
  State state{};
  uint64_t version = 0;  // events in the stream
};

// How a state is written to and read from a snapshot; empty functions = no snapshots.
template <typename State>
struct SnapshotCodec {
  std::function<std::string(const State&)> encode;
  std::function<bool(const std::string&, State&)> decode;
};

// What a handler appends for one aggregate: the domain's decision and the service's read-model
// updates that go with it in the same atomic step. Domain code returns only the decision (it
// converts); the handler, which owns the service's keys, adds the updates.
struct Change : events::Decision {
  Change() = default;
  Change(events::Decision d) : events::Decision(std::move(d)) {}  // NOLINT: implicit by design
  std::vector<store::IndexOp> read_model;
};

// The inbox mark for consuming `e`: one high-water mark per source stream, keyed by the topic's
// service so that two services' stream ids can never collide.
inline store::InboxMark inbox_mark(const Envelope& e) {
  const std::string area = e.type().substr(0, e.type().find('.'));
  return store::InboxMark{area + "/" + e.stream().type() + "/" + e.stream().id(), e.stream_version()};
}

struct Executed {
  uint64_t version = 0;       // stream version after the command
  bool duplicate = false;     // the inbox had already applied this message: nothing written
  std::vector<Envelope> events;  // what was appended, stamped
};

// The events of a loaded stream (those after its snapshot), parsed whole: the store keeps them
// without their stream and version, which are put back here.
inline core::Result<std::vector<Envelope>> events_of(const store::LoadedStream& loaded, const store::StreamId& stream) {
  std::vector<Envelope> out(loaded.events.size());
  for (size_t i = 0; i < out.size(); ++i)
    if (!events::parse_stored(loaded.events[i], stream, loaded.snapshot_version + i + 1, out[i]))
      return store::bad_reply("corrupt event " + std::to_string(loaded.snapshot_version + i + 1) + " in " +
                              stream.type + "/" + stream.id);
  return out;
}

template <typename State>
class Repository {
 public:
  using Evolve = std::function<void(State&, const Envelope&)>;

  Repository(store::EventLog& store, const events::EnvelopeFactory& factory, Evolve evolve, SnapshotCodec<State> codec = {})
      : store_(store), factory_(factory), evolve_(std::move(evolve)), codec_(std::move(codec)) {}

  core::Result<Aggregate<State>> load(const std::string& partition_key, const store::StreamId& stream) const {
    auto loaded = store_.load(partition_key, stream);
    if (!loaded) return loaded.error();
    Aggregate<State> agg;
    if (loaded->snapshot && !(codec_.decode && codec_.decode(*loaded->snapshot, agg.state))) {
      // A snapshot we cannot read (older schema, or no codec) is ignored: fold from the start.
      agg.state = State{};
      loaded = store_.load(partition_key, stream, /*use_snapshot=*/false);
      if (!loaded) return loaded.error();
    }
    auto events = events_of(*loaded, stream);
    if (!events) return events.error();
    for (const auto& e : *events) evolve_(agg.state, e);
    agg.version = loaded->version;
    return agg;
  }

  using Decide = std::function<core::Result<Change>(const Aggregate<State>&)>;

  // Runs `decide` against the current state and appends what it returns.
  core::Result<Executed> execute(const std::string& partition_key, const store::StreamId& stream, const Decide& decide,
                                 std::optional<store::InboxMark> inbox = std::nullopt, int max_attempts = 3) {
    return run(partition_key, stream, decide, inbox, max_attempts, false);
  }

  // The same for a stream that is almost always new (one per recorded service event): the first
  // attempt decides against the empty state and appends expecting no stream, sparing the load's
  // round trip; if the stream exists after all, the version conflict sends it round the normal way.
  core::Result<Executed> execute_expecting_new(const std::string& partition_key, const store::StreamId& stream,
                                               const Decide& decide, std::optional<store::InboxMark> inbox = std::nullopt) {
    return run(partition_key, stream, decide, inbox, 3, true);
  }

 private:
  core::Result<Executed> run(const std::string& partition_key, const store::StreamId& stream, const Decide& decide,
                             std::optional<store::InboxMark> inbox, int max_attempts, bool expect_new) {
    core::Error last = core::make_error(store::make_error_code(store::errc::version_conflict), "not attempted");
    const int attempts = max_attempts + (expect_new ? 1 : 0);
    for (int attempt = 0; attempt < attempts; ++attempt) {
      // The guess (an empty stream) may only append: anything it would answer without appending
      // (nothing to do, a duplicate) is answered again from the real state.
      const bool guess = expect_new && attempt == 0;
      auto agg = guess ? core::Result<Aggregate<State>>(Aggregate<State>{}) : load(partition_key, stream);
      if (!agg) return agg.error();
      auto decision = decide(*agg);
      if (!decision) return decision.error();
      Executed out;
      store::AppendRequest req{partition_key,
                               {{stream, store::ExpectedVersion::exactly(agg->version), {}, decision->publish}}, inbox,
                               decision->read_model};
      for (size_t i = 0; i < decision->events.size(); ++i) {
        Envelope& e = decision->events[i];
        factory_.stamp(e, decision->context, stream, agg->version + i + 1);
        req.streams[0].events.push_back(events::stored_form(e));
      }
      if (req.streams[0].events.empty() && req.index_ops.empty() && !inbox) {
        if (guess) continue;
        out.version = agg->version;
        return out;
      }
      auto appended = store_.append(req);
      if (!appended) {
        if (appended.error().code == store::errc::duplicate_message) {
          if (guess) continue;
          out.duplicate = true;
          out.version = agg->version;
          return out;
        }
        if (appended.error().code != store::errc::version_conflict) return appended.error();
        last = std::move(appended).error();
        continue;
      }
      out.version = appended->versions[0];
      if (codec_.encode && store_.snapshot_due(agg->version, out.version)) {
        State next = agg->state;
        for (const auto& e : decision->events) evolve_(next, e);
        // A failed snapshot only costs load time later; the events are safe.
        if (auto st = store_.save_snapshot(partition_key, stream, out.version, codec_.encode(next)); !st)
          core::log::warn("snapshot not saved", {{"stream", stream.type + "/" + stream.id},
                                                 {"error", st.error().to_string()}});
      }
      out.events = std::move(decision->events);
      return out;
    }
    return core::make_error(store::make_error_code(store::errc::version_conflict),
                            last.message + " (gave up after " + std::to_string(attempts) + " attempts)");
  }

  store::EventLog& store_;
  const events::EnvelopeFactory& factory_;
  Evolve evolve_;
  SnapshotCodec<State> codec_;
};

}  // namespace huifang::runtime
