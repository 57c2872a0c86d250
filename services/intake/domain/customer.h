#pragma once
// The customer aggregate: its state is the fold of its events; commands decide new events.
// Pure and clock-free: times arrive in the events the shell stamps.
#include "huifang/core/result.h"
#include "huifang/events/decision.h"
#include "huifang/intake/v1/events.pb.h"

namespace huifang::intake {

struct CustomerState {
  bool exists = false;
  v1::Customer customer;
};

void evolve(CustomerState& s, const events::Envelope& e);

// Create: ALREADY_EXISTS when the id is taken with other content; an identical re-create is a
// no-op (so a retried import row succeeds).
core::Result<events::Decision> decide_create(const CustomerState& s, const v1::Customer& c);
// Update: NOT_FOUND when unknown; a change of tenant is refused.
core::Result<events::Decision> decide_update(const CustomerState& s, const v1::Customer& c);
// Consent: NOT_FOUND when unknown; the change is recorded with its reason.
core::Result<events::Decision> decide_consent(const CustomerState& s, const v1::ConsentChanged& change);

// The context (tenant, org unit, partition key) of events about `c`.
events::EventContext context_of(const v1::Customer& c);

}  // namespace huifang::intake
