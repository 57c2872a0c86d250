#include "huifang/events/envelope.h"

#include <algorithm>
#include <limits>
#include <memory>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

namespace huifang::events {

google::protobuf::Timestamp to_proto(core::Timestamp t) {
  google::protobuf::Timestamp p;
  const int64_t us = core::to_micros(t);
  int64_t secs = us / 1'000'000;
  int64_t rem = us % 1'000'000;
  if (rem < 0) {
    rem += 1'000'000;
    --secs;
  }
  p.set_seconds(secs);
  p.set_nanos(static_cast<int32_t>(rem * 1000));
  return p;
}

core::Timestamp from_proto(const google::protobuf::Timestamp& t) {
  constexpr int64_t kMaxSeconds = std::numeric_limits<int64_t>::max() / 1'000'000 - 1;
  const int64_t seconds = std::clamp<int64_t>(t.seconds(), -kMaxSeconds, kMaxSeconds);
  return core::from_micros(seconds * 1'000'000 + std::clamp(t.nanos(), -999'999'999, 999'999'999) / 1000);
}

core::Status check_time(const google::protobuf::Timestamp& t, std::string_view field) {
  constexpr int64_t kYear2200 = 7'258'118'400;  // 2200-01-01T00:00:00Z
  if (t.seconds() < 0 || t.seconds() >= kYear2200 || t.nanos() < 0 || t.nanos() > 999'999'999)
    return core::invalid_argument(std::string(field), "must be a time from 1970-01-01 to before 2200-01-01 UTC (got " +
                                                          std::to_string(t.seconds()) + " s, " + std::to_string(t.nanos()) +
                                                          " ns since 1970)");
  return core::ok_status();
}

namespace {

template <typename Body>
std::string body_case_name(const std::string& area, const Body& body) {
  const auto* desc = Body::descriptor();
  const auto* oneof = desc->oneof_decl(0);
  const auto* reflection = Body::GetReflection();
  const auto* field = oneof ? reflection->GetOneofFieldDescriptor(body, oneof) : nullptr;
  return field ? area + "." + field->message_type()->name() : area + ".Unknown";
}

}  // namespace

std::string type_name(const Envelope& e) {
  switch (e.body_case()) {
    case Envelope::kIntake: return body_case_name("intake", e.intake());
    case Envelope::kScheduling: return body_case_name("scheduling", e.scheduling());
    case Envelope::kVisit: return body_case_name("visit", e.visit());
    case Envelope::kComplaints: return body_case_name("complaints", e.complaints());
    case Envelope::kInbound: return "inbound.InboundServiceEvent";
    case Envelope::BODY_NOT_SET: return "unknown";
  }
  return "unknown";
}

void EnvelopeFactory::stamp(Envelope& e, const EventContext& ctx, const core::StreamId& stream,
                            uint64_t version) const {
  e.set_event_id(ids_.next());
  e.set_type(type_name(e));
  e.mutable_stream()->set_type(stream.type);
  e.mutable_stream()->set_id(stream.id);
  e.set_stream_version(version);
  e.set_tenant_id(ctx.tenant_id);
  e.set_org_unit_id(ctx.org_unit_id);
  e.set_customer_id(ctx.customer_id);
  const core::Timestamp now = clock_.now();
  *e.mutable_occurred_at() = to_proto(ctx.occurred_at.time_since_epoch().count() != 0 ? ctx.occurred_at : now);
  *e.mutable_recorded_at() = to_proto(now);
  e.set_correlation_id(ctx.correlation_id);
  e.set_causation_id(ctx.causation_id);
  e.set_schema_version(1);
}

std::string stored_form(Envelope& e) {
  std::unique_ptr<v1::StreamRef> stream(e.has_stream() ? e.release_stream() : nullptr);
  const uint64_t version = e.stream_version();
  e.clear_stream_version();
  std::string out = e.SerializeAsString();
  if (stream) e.set_allocated_stream(stream.release());
  e.set_stream_version(version);
  return out;
}

bool parse_stored(std::string_view bytes, const core::StreamId& stream, uint64_t version, Envelope& out) {
  if (!out.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return false;
  out.mutable_stream()->set_type(stream.type);
  out.mutable_stream()->set_id(stream.id);
  out.set_stream_version(version);
  return true;
}

std::string published_form(std::string_view stored, const core::StreamId& stream, uint64_t version) {
  using google::protobuf::internal::WireFormatLite;
  constexpr uint32_t kStreamField = 3, kVersionField = 4;  // Envelope.stream, Envelope.stream_version
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(stored.data()), static_cast<int>(stored.size()));
  size_t insert_at = 0;
  for (uint32_t tag; (tag = in.ReadTag()) != 0;) {
    const uint32_t field = WireFormatLite::GetTagFieldNumber(tag);
    if (field == kStreamField || field == kVersionField) return std::string(stored);  // stored whole
    if (field > kVersionField) break;
    if (!WireFormatLite::SkipField(&in, tag)) return std::string(stored);  // not ours to mend
    insert_at = static_cast<size_t>(in.CurrentPosition());
  }
  Envelope where;
  where.mutable_stream()->set_type(stream.type);
  where.mutable_stream()->set_id(stream.id);
  where.set_stream_version(version);
  const std::string fields = where.SerializeAsString();
  std::string out;
  out.reserve(stored.size() + fields.size());
  out.append(stored.substr(0, insert_at)).append(fields).append(stored.substr(insert_at));
  return out;
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

}  // namespace huifang::events
