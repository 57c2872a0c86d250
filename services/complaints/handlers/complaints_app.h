#pragma once
// The complaints service's application layer: opens cases from visits (a rating at or below the
// visit's threshold, or a problem the agent could not solve on the spot) and from handlers
// (hotline, letter, walk-in); runs handlers' commands against the case aggregate; applies the
// follow-up visit's verdict; fires SLA escalations from a timer; raises repeat flags.
//
// Keys (under the service's prefix, in the customer's partition): the case stream, `cases:<tenant>`
// (summaries for listing), `by-customer:<tenant>|<id>` (the customer's cases, for the one-month rule),
// `org-tree:<tenant>` (the tenant's org tree, in its partition, for org-unit scope),
// `flags:<tenant>` (repeat flags) and `sla` (next deadline per case). The same-issue and
// same-repair indexes are tenant-wide and live in the tenant's partition; they are written after
// the case's append, so two simultaneous complaints about one issue may each miss the other.
#include <functional>

#include "../domain/complaint.h"
#include "../domain/repeats.h"
#include "huifang/complaints/v1/service.pb.h"
#include "huifang/core/ids.h"
#include "huifang/privacy/keyring.h"
#include "huifang/runtime/org_trees.h"
#include "huifang/runtime/repository.h"
#include "huifang/store/event_store.h"

namespace huifang::complaints {

struct ComplaintsOptions {
  uint32_t default_threshold = 6;  // ratings at or below open a case when the visit names none
  int utc_offset_hours = 8;        // "the same day" for investigation deadlines
  int reply_within_hours = 48;     // reply time promised when the source names none
};

class ComplaintsApp {
 public:
  // `keyring` seals what customers said (descriptions, notes) with their key and opens it for
  // readers (privacy/keyring.h); complaints never makes or destroys keys.
  ComplaintsApp(store::EventStore& store, const events::EnvelopeFactory& factory, core::IdGenerator& ids,
                const core::Clock& clock, privacy::Keyring& keyring, ComplaintsOptions options = {});

  // One consumed event from the visit topic (or intake's org tree).
  core::Status apply(const events::Envelope& e);
  // The event types apply() acts on (the consumer skips the rest unparsed).
  static bool handles(std::string_view type) {
    return type == "visit.VisitCompleted" || type == "visit.ProblemRaised" || type == "intake.OrgUnitDefined";
  }
  // The tenants' org trees, kept from intake's OrgUnitDefined (for org-unit scope).
  const runtime::OrgTrees& org_trees() const { return org_trees_; }
  // Escalates every case of `partitions` (every partition when none are named) whose SLA deadline
  // has passed; the number of cases looked at.
  core::Result<size_t> fire_sla(std::vector<uint32_t> partitions = {}, size_t max_per_partition = 200);

  core::Result<v1::OpenComplaintResponse> open(const v1::OpenComplaintRequest& r, const std::string& tenant);
  // The cases of the request's tenant that `scope` sees.
  core::Result<v1::ListComplaintsResponse> list(const v1::ListComplaintsRequest& r, const edge::TenantScope& scope);
  // Reads and commands on one case for a caller with `scope`: another tenant's case, or another
  // unit's for a caller who works in part of the tenant, is NOT_FOUND.
  core::Result<v1::GetComplaintResponse> get(const edge::TenantScope& scope, const v1::GetComplaintRequest& r);
  core::Result<v1::CaseResponse> assign(const edge::TenantScope& scope, const v1::AssignComplaintRequest& r, const std::string& by);
  core::Result<v1::CaseResponse> start_investigation(const edge::TenantScope& scope, const v1::CaseActionRequest& r);
  core::Result<v1::CaseResponse> add_note(const edge::TenantScope& scope, const v1::AddNoteRequest& r, const std::string& author);
  core::Result<v1::CaseResponse> resolve(const edge::TenantScope& scope, const v1::ResolveComplaintRequest& r);
  core::Result<v1::CaseResponse> escalate(const edge::TenantScope& scope, const v1::EscalateComplaintRequest& r);
  // The request's tenant's repeat flags that `scope` sees.
  core::Result<v1::ListRepeatFlagsResponse> repeat_flags(const v1::ListRepeatFlagsRequest& r, const edge::TenantScope& scope);

 private:
  using Decide = std::function<core::Result<runtime::Change>(const ComplaintState&)>;
  // Load → decide → append on one case, with its summary and SLA timer kept in step.
  core::Result<ComplaintState> run(const std::string& customer_id, const std::string& complaint_id, const Decide& decide,
                                   std::optional<store::InboxMark> inbox = std::nullopt);
  // Opens a case (idempotent on its id) received at `received`, with the repeat flags it raises.
  core::Result<ComplaintState> open_case(const std::string& tenant, v1::ComplaintOpened opened, core::Timestamp received,
                                         std::optional<store::InboxMark> inbox);
  // A handler's command on an existing case of `tenant` (NOT_FOUND when it was never opened there).
  core::Result<v1::CaseResponse> on_case(const edge::TenantScope& scope, const std::string& customer_id, const std::string& complaint_id,
                                         const Decide& decide);
  core::Status on_visit_completed(const events::Envelope& e);
  std::vector<store::IndexOp> index_ops(const ComplaintState& next) const;
  // Opens the sealed descriptions of `cases` (and of `history`, the events of one case) for a
  // reader: one keyring round trip; an erased customer's text is dropped.
  core::Status reveal(const std::string& tenant, const std::vector<v1::Complaint*>& cases,
                      google::protobuf::RepeatedPtrField<events::Envelope>* history = nullptr);
  // HVALS of one index in every logical partition, in one round trip.
  core::Result<std::vector<store::Reply>> values_everywhere(const std::string& index);
  core::Result<std::vector<PastComplaint>> history(const std::string& tenant, const v1::ComplaintOpened& o);

  store::EventStore& store_;
  const events::EnvelopeFactory& factory_;
  core::IdGenerator& ids_;
  const core::Clock& clock_;
  privacy::Keyring& keyring_;
  ComplaintsOptions options_;
  runtime::OrgTrees org_trees_;
  runtime::Repository<ComplaintState> cases_;
};

// The listing form of a case.
v1::Complaint summary_of(const ComplaintState& s);

}  // namespace huifang::complaints
