#include "huifang/events/consume.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include "huifang/bus/lanes.h"

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
    return bus::apply_in_lanes(
        in.size(), [&in](size_t i) -> std::string_view { return in[i].envelope.customer_id(); },
        [&](size_t i) { return apply(in[i].envelope); }, lanes);
  };
}

std::optional<std::string_view> peek_type(std::string_view bytes) {
  using google::protobuf::internal::WireFormatLite;
  constexpr uint32_t kTypeField = 2;  // Envelope.type; fields are serialized in field-number order
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()), static_cast<int>(bytes.size()));
  for (uint32_t tag; (tag = in.ReadTag()) != 0;) {
    const uint32_t field = WireFormatLite::GetTagFieldNumber(tag);
    if (field > kTypeField) return std::nullopt;
    if (field == kTypeField) {
      uint32_t length = 0;
      if (WireFormatLite::GetTagWireType(tag) != WireFormatLite::WIRETYPE_LENGTH_DELIMITED || !in.ReadVarint32(&length))
        return std::nullopt;
      const auto at = static_cast<size_t>(in.CurrentPosition());
      if (length > bytes.size() - at) return std::nullopt;
      return bytes.substr(at, length);
    }
    if (!WireFormatLite::SkipField(&in, tag)) return std::nullopt;
  }
  return std::nullopt;
}

bus::BatchHandler decode_envelopes(EnvelopeHandler handler, core::MetricsRegistry& metrics, const std::string& group,
                                   TypeFilter handles) {
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
        const auto type = peek_type(msgs[scanned].value);
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
