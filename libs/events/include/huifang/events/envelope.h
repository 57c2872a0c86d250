#pragma once
// Building and reading event envelopes (huifang.events.v1.Envelope): the metadata every event
// carries beside its typed body — id, stream and version, tenant, org unit, customer (the
// partition key), occurred/recorded times, correlation and causation.
#include <string>

#include "huifang/core/clock.h"
#include "huifang/core/ids.h"
#include "huifang/events/v1/envelope.pb.h"
#include "huifang/store/event_store.h"

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
core::Timestamp from_proto(const google::protobuf::Timestamp& t);

// The envelope's type name, derived from the body case ("visit.VisitCompleted"): one source of
// truth, so a type string can never disagree with the body.
std::string type_name(const Envelope& e);

class EnvelopeFactory {
 public:
  EnvelopeFactory(const core::Clock& clock, core::IdGenerator& ids) : clock_(clock), ids_(ids) {}
  // Fills every metadata field; the caller has set the body. `version` is the event's 1-based
  // position in its stream.
  void stamp(Envelope& e, const EventContext& ctx, const store::StreamId& stream, uint64_t version) const;
  const core::Clock& clock() const { return clock_; }
  std::string new_id() const { return ids_.next(); }

 private:
  const core::Clock& clock_;
  core::IdGenerator& ids_;
};

// The inbox mark for consuming `e`: one high-water mark per source stream, keyed by the topic's
// service so that two services' stream ids can never collide.
store::InboxMark inbox_mark(const Envelope& e);

}  // namespace huifang::events
