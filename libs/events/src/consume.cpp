#include "huifang/events/consume.h"

#include <future>

#include "huifang/core/hash.h"

namespace huifang::events {

EnvelopeHandler apply_each(std::function<core::Status(const Envelope&)> apply) {
  return [apply = std::move(apply)](std::span<const Incoming> in) -> bus::BatchOutcome {
    for (size_t i = 0; i < in.size(); ++i)
      if (auto st = apply(in[i].envelope); !st) return {i, st.error()};
    return {in.size(), std::nullopt};
  };
}

EnvelopeHandler apply_in_lanes(std::function<core::Status(const Envelope&)> apply, size_t lanes) {
  return [apply = std::move(apply), lanes](std::span<const Incoming> in) -> bus::BatchOutcome {
    if (lanes <= 1 || in.size() < 2) return apply_each(apply)(in);
    // One lane per hash of the partition key: a customer's events stay in order on one lane.
    std::vector<std::vector<size_t>> lane(lanes);
    for (size_t i = 0; i < in.size(); ++i) lane[core::fnv1a64(in[i].envelope.customer_id()) % lanes].push_back(i);
    std::vector<std::future<std::optional<std::pair<size_t, core::Error>>>> running;
    for (auto& indexes : lane) {
      if (indexes.empty()) continue;
      running.push_back(std::async(std::launch::async, [&apply, &in, &indexes]() -> std::optional<std::pair<size_t, core::Error>> {
        for (size_t i : indexes)
          if (auto st = apply(in[i].envelope); !st) return std::pair{i, st.error()};
        return std::nullopt;
      }));
    }
    // Done is the prefix before the earliest failure; later events other lanes applied come again
    // and the inbox makes that harmless.
    std::optional<std::pair<size_t, core::Error>> first;
    for (auto& r : running)
      if (auto failed = r.get(); failed && (!first || failed->first < first->first)) first = std::move(failed);
    if (first) return {first->first, first->second};
    return {in.size(), std::nullopt};
  };
}

bus::BatchHandler decode_envelopes(EnvelopeHandler handler, core::MetricsRegistry& metrics, const std::string& group) {
  core::Counter& unknown = metrics.counter("huifang_consumer_unknown_events_total",
                                           "Events of a type this build does not know, skipped", {{"group", group}});
  return [handler = std::move(handler), &unknown](std::span<const bus::Message> msgs) -> bus::BatchOutcome {
    // Known events go to the handler; unknown ones are done as soon as everything before them is.
    std::vector<Incoming> known;
    std::vector<size_t> origin;  // index in msgs of each known event
    known.reserve(msgs.size());
    std::optional<core::Error> stop;
    size_t scanned = 0;
    for (; scanned < msgs.size(); ++scanned) {
      Incoming in{&msgs[scanned], {}};
      if (!in.envelope.ParseFromString(msgs[scanned].value)) {
        stop = core::make_error(bus::make_error_code(bus::errc::decode_failed),
                                "payload is not a huifang.events.v1.Envelope");
        break;
      }
      if (in.envelope.body_case() == Envelope::BODY_NOT_SET || type_name(in.envelope).ends_with(".Unknown")) {
        unknown.inc();
        continue;
      }
      known.push_back(std::move(in));
      origin.push_back(scanned);
    }
    const bus::BatchOutcome out = handler(known);
    if (out.done < known.size()) return {origin[out.done], out.error};
    return {scanned, stop};
  };
}

}  // namespace huifang::events
