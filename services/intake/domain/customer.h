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
// Update: NOT_FOUND when unknown to the customer's tenant (another tenant's customer of the same
// id is not found, not "moved": ids of other tenants are not confirmed to exist).
core::Result<events::Decision> decide_update(const CustomerState& s, const v1::Customer& c);
// Consent, asked for by a caller of `tenant`: NOT_FOUND when unknown to it; the change is recorded
// with its reason.
core::Result<events::Decision> decide_consent(const CustomerState& s, const std::string& tenant,
                                              const v1::ConsentChanged& change);

// Erasure, asked for by a caller of `tenant`: NOT_FOUND when unknown to it, INVALID_ARGUMENT
// without a reason; nothing new when erased before (a retried erasure completes what the first
// began). Create, update and consent of an erased customer are FAILED_PRECONDITION.
core::Result<events::Decision> decide_erase(const CustomerState& s, const std::string& tenant,
                                            const v1::CustomerErased& erase);

// The context (tenant, org unit, partition key) of events about `c`.
events::EventContext context_of(const v1::Customer& c);

}  // namespace huifang::intake
