#pragma once
// The service-event aggregate: one recorded trigger. Integrations retry, so recording is
// idempotent by key: the key decides the event's id, the same key with the same content replays
// the original, and the same key with other content is refused naming what differs.
#include <string>

#include "huifang/core/result.h"
#include "huifang/events/decision.h"
#include "huifang/intake/v1/events.pb.h"
#include "huifang/intake/v1/service.pb.h"

namespace huifang::intake {

struct ServiceEventState {
  bool exists = false;
  v1::ServiceEventRecorded recorded;
};

void evolve(ServiceEventState& s, const events::Envelope& e);

// A stable id for (tenant, idempotency key); empty key → empty (the caller makes a fresh id).
std::string service_event_id_for_key(const std::string& tenant_id, const std::string& idempotency_key);

// The event a request records (the org unit must already be resolved).
v1::ServiceEventRecorded to_recorded(const v1::RecordServiceEventRequest& r, const std::string& service_event_id);

struct RecordOutcome {
  events::Decision decision;
  bool replayed = false;
};
core::Result<RecordOutcome> decide_record(const ServiceEventState& s, const v1::ServiceEventRecorded& candidate,
                                          const std::string& tenant_id);

}  // namespace huifang::intake
