#include "huifang/runtime/consume.h"

#include "huifang/bus/lanes.h"

namespace huifang::runtime {

using events::Envelope;

EnvelopeHandler apply_each(std::function<core::Status(const Envelope&)> apply) {
  return [apply = std::move(apply)](std::span<const Incoming> in) -> bus::BatchOutcome {
    for (size_t i = 0; i < in.size(); ++i)
      if (auto st = apply(in[i].envelope); !st) return {i, st.error()};
    return {in.size(), std::nullopt};
  };
}

EnvelopeHandler apply_in_lanes(std::function<core::Status(const Envelope&)> apply, size_t lanes) {
  return [apply = std::move(apply), lanes](std::span<const Incoming> in) -> bus::BatchOutcome {
    return bus::apply_in_lanes(
        in.size(), [&in](size_t i) -> std::string_view { return in[i].envelope.customer_id(); },
        [&](size_t i) { return apply(in[i].envelope); }, lanes);
  };
}

bus::BatchHandler decode_envelopes(EnvelopeHandler handler, core::MetricsRegistry& metrics, const std::string& group,
                                   events::TypeFilter handles) {
  core::Counter& unknown = metrics.counter("huifang_consumer_unknown_events_total",
                                           "Events of a type this build does not know, skipped", {{"group", group}});
  core::Counter& ignored = metrics.counter("huifang_consumer_ignored_events_total",
                                           "Events of a type the service does not act on, skipped unparsed", {{"group", group}});
  return [handler = std::move(handler), handles = std::move(handles), &unknown,
          &ignored](std::span<const bus::Message> msgs) -> bus::BatchOutcome {
    // Known events go to the handler; unknown ones are done as soon as everything before them is.
    std::vector<Incoming> known;
    std::vector<size_t> origin;  // index in msgs of each known event
    known.reserve(msgs.size());
    std::optional<core::Error> stop;
    size_t scanned = 0;
    for (; scanned < msgs.size(); ++scanned) {
      if (handles) {
        const auto type = events::peek_type(msgs[scanned].value);
        if (type && !handles(*type)) {
          ignored.inc();
          continue;
        }
      }
      Incoming in{&msgs[scanned], {}};
      if (!in.envelope.ParseFromString(msgs[scanned].value)) {
        stop = core::make_error(bus::make_error_code(bus::errc::decode_failed),
                                "payload is not a huifang.events.v1.Envelope");
        break;
      }
      if (in.envelope.body_case() == Envelope::BODY_NOT_SET || events::type_name(in.envelope).ends_with(".Unknown")) {
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

}  // namespace huifang::runtime
