#pragma once
// Building and reading event envelopes (huifang.events.v1.Envelope): the metadata every event
// carries beside its typed body — id, stream and version, tenant, org unit, customer (the
// partition key), occurred/recorded times, correlation and causation. Knows neither the store nor
// the bus: both depend on it, not it on them.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "huifang/core/clock.h"
#include "huifang/core/ids.h"
#include "huifang/core/result.h"
#include "huifang/core/stream_id.h"
#include "huifang/events/v1/envelope.pb.h"

namespace huifang::events {

using v1::Envelope;

// Where an event comes from and what it belongs to; the envelope's non-body fields.
struct EventContext {
  std::string tenant_id;
  std::string org_unit_id;
  std::string customer_id;     // partition key; the aggregate's own id where there is no customer
  std::string correlation_id;  // the originating request or trigger
  std::string causation_id;    // the event or command that caused this one
  core::Timestamp occurred_at{};
};

google::protobuf::Timestamp to_proto(core::Timestamp t);
// Saturates at the ends of what core::Timestamp holds (about ±292,000 years): never overflows,
// whatever a caller sent. Edges check the range first (check_time) and refuse what is absurd.
core::Timestamp from_proto(const google::protobuf::Timestamp& t);
// A time a person or an integration may give: from 1970-01-01 to before 2200-01-01 UTC, with valid
// nanoseconds. INVALID_ARGUMENT naming `field` otherwise.
core::Status check_time(const google::protobuf::Timestamp& t, std::string_view field);

// The envelope's type name, derived from the body case ("visit.VisitCompleted"): one source of
// truth, so a type string can never disagree with the body.
std::string type_name(const Envelope& e);

class EnvelopeFactory {
 public:
  EnvelopeFactory(const core::Clock& clock, core::IdGenerator& ids) : clock_(clock), ids_(ids) {}
  // Fills every metadata field; the caller has set the body. `version` is the event's 1-based
  // position in its stream.
  void stamp(Envelope& e, const EventContext& ctx, const core::StreamId& stream, uint64_t version) const;
  const core::Clock& clock() const { return clock_; }
  std::string new_id() const { return ids_.next(); }

 private:
  const core::Clock& clock_;
  core::IdGenerator& ids_;
};

// Stored events leave out what the stream's key and the event's position already say: the
// stream and the version (30 to 70 bytes of every stored event). Consumers still get whole
// envelopes: the relay puts both back into what it publishes, and loads put them back on parsing.
//
// The bytes to store for a stamped envelope; `e` is left as it was.
std::string stored_form(Envelope& e);
// A stored event read back whole. False when the bytes are not an envelope.
bool parse_stored(std::string_view bytes, const core::StreamId& stream, uint64_t version, Envelope& out);
// The bytes to publish for a stored event: its stream and version inserted after the type, where
// a whole envelope has them (so a reader of the first fields still finds the type first). Bytes
// that carry them already (stored by an earlier version) come back unchanged.
std::string published_form(std::string_view stored, const core::StreamId& stream, uint64_t version);

// Which event types ("visit.VisitCompleted") a service acts on. A consumer skips the others after
// reading only the envelope's first two fields, instead of parsing whole messages it ignores (a
// service event crosses several topics each group reads only a part of).
using TypeFilter = std::function<bool(std::string_view type)>;

// The type name of a serialized envelope, read from its first fields without parsing the rest;
// nullopt when the bytes do not start like an envelope (the caller then parses them whole).
std::optional<std::string_view> peek_type(std::string_view bytes);

}  // namespace huifang::events
