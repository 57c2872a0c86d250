#pragma once
// The visit service's application layer. It owns the visit: a plan consumed from scheduling opens
// the visit's stream (the plan kept as its first event, not published again), and from there its
// deadlines, the agents' commands and what follows from them (retries, fallback, callbacks,
// closing) are decided here against that one stream, with the agenda, timers and the customer's
// list of visits written in the same atomic append.
#include <span>

#include "../domain/catalog.h"
#include "../domain/visit.h"
#include "huifang/core/ids.h"
#include "huifang/privacy/keyring.h"
#include "huifang/runtime/consume.h"
#include "huifang/runtime/repository.h"
#include "huifang/runtime/org_trees.h"
#include "huifang/store/event_store.h"
#include "scope.h"

namespace huifang::visit {

class VisitApp {
 public:
  // `keyring` opens customers' sealed contacts when an agent starts a visit (privacy/keyring.h).
  VisitApp(store::EventStore& store, const events::EnvelopeFactory& factory, core::IdGenerator& ids, const core::Clock& clock,
           privacy::Keyring& keyring);

  // A consumed batch of scheduling's and intake's events: every plan opens its visit (all in one
  // round trip), a late assignment moves a visit onto the agent's agenda, a consent withdrawn or
  // an erasure calls off the customer's open visits, calendars and (sealed) contacts are kept as
  // read models. Same contract as bus::BatchOutcome.
  bus::BatchOutcome apply_batch(std::span<const runtime::Incoming> batch);
  // The event types apply_batch() acts on (the consumer skips the rest unparsed).
  static bool handles(std::string_view type);
  // Retention: forgets closed visits whose window ended before `before` — their streams, snapshots
  // and index entries; the figures keep their anonymous counts. At most `max_per_partition` per
  // partition per call; the number forgotten.
  core::Result<size_t> forget_closed_before(core::Timestamp before, size_t max_per_partition = 200);
  // Fires the due and overdue timers of `partitions` that are due now; the number fired.
  core::Result<size_t> fire_timers(const std::vector<uint32_t>& partitions, size_t max_per_partition = 200);

  // Agents' commands and reads, on behalf of a caller with `scope`: a visit outside it (another
  // tenant's, another unit's, for reads by an agent another agent's) is NOT_FOUND, as if it did
  // not exist.
  core::Result<v1::StartVisitResponse> start(const Scope& scope, const v1::StartVisitRequest& r);
  core::Result<v1::RecordAttemptResponse> attempt(const Scope& scope, const v1::RecordAttemptRequest& r);
  core::Result<v1::SubmitSurveyResponse> survey(const Scope& scope, const v1::SubmitSurveyRequest& r);
  core::Status complete(const Scope& scope, const v1::CompleteVisitRequest& r);
  core::Result<v1::GetVisitResponse> get(const Scope& scope, const v1::GetVisitRequest& r);
  // The tenants' org trees, kept from intake's OrgUnitDefined (for org-unit scope).
  const runtime::OrgTrees& org_trees() const { return org_trees_; }

 private:
  using Decide = std::function<core::Result<runtime::Change>(const VisitState&)>;
  // Load → decide → append for one visit, with the read-model writes its change implies.
  core::Result<runtime::Executed> run(const std::string& customer_id, const std::string& visit_id, const Decide& decide);
  // run() for a caller with `scope`: a visit outside it is not found.
  core::Result<runtime::Executed> act(const Scope& scope, const std::string& customer_id,
                                      const std::string& visit_id, const Decide& decide);
  // The append that opens a planned visit (no read needed: a visit is opened once).
  store::AppendRequest open(const events::Envelope& planned) const;
  // The customer's consent changed (an erasure is a do-not-contact for good): each of their open
  // visits of that tenant is called off or moved to a channel that still has consent
  // (on_consent_changed).
  core::Status consent_changed(const std::string& tenant_id, const intake::v1::ConsentChanged& c);
  // Runs `decide` like act(), sealing what the customer said in the events it records; refused
  // for a customer whose key is destroyed (erased: nothing more is recorded about them).
  core::Result<runtime::Executed> act_sealed(const Scope& scope, const std::string& customer_id,
                                             const std::string& visit_id, const Decide& decide);
  // The contacts of `tenant`'s customer an agent may see now: none once withheld or erased.
  core::Result<intake::v1::Customer> contacts_of(const std::string& tenant, const std::string& customer_id);
  // The write that keeps a per-customer flag of a tenant's `index` (keys.h: withheld contacts,
  // sensitive-data consent): `value` when `set`, no entry otherwise.
  store::Argv customer_flag(const std::string& index, const std::string& customer_id, bool set, const std::string& value) const;
  // A visit planned while nobody could take it gets its agent.
  core::Status assign(const events::Envelope& assigned);
  // Read-model upserts of other services' facts (idempotent, so no inbox is needed).
  std::vector<store::Argv> upserts(const events::Envelope& e) const;
  // Writes a batch's upserts and opens; an already opened visit is fine.
  core::Status flush(std::vector<store::Argv>& upserts, std::vector<store::AppendRequest>& opens);
  core::Result<calendar::HolidayCalendar> holidays(const std::string& tenant_id);
  core::Result<size_t> fire_partition(uint32_t partition, int64_t now_ms, size_t max_per_partition);

  store::EventStore& store_;
  const events::EnvelopeFactory& factory_;
  core::IdGenerator& ids_;
  const core::Clock& clock_;
  privacy::Keyring& keyring_;
  runtime::OrgTrees org_trees_;
  runtime::Repository<VisitState> visits_;
};

}  // namespace huifang::visit
