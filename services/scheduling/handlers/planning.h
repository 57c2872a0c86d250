#pragma once
// Scheduling decides whether, when and who; the visit service owns each visit from there. Its
// reactions, each one atomic append (decisions + ledger/assignment indexes + inbox mark):
//  - a recorded service event → every visit the policy decides (planned, sampled out,
//    suppressed, merged); a planned one carries its agent, window and the policy's retry and
//    fallback rules, so it is the only message the visit service needs;
//  - an agent registering → the visits that waited for one in that org unit are assigned;
//  - a completed visit → the agent's workload goes down;
//  - a resolved complaint → its follow-up visit within 3 days, 100%;
//  - periodic timers → the next occurrence of "every household each quarter" rules.
#include <string>
#include <vector>

#include <span>

#include "huifang/bus/consumer_loop.h"
#include "huifang/core/clock.h"
#include "huifang/runtime/consume.h"
#include "huifang/events/envelope.h"
#include "huifang/runtime/repository.h"
#include "huifang/store/event_store.h"
#include "huifang/scheduling/v1/service.pb.h"
#include "read_models.h"

namespace huifang::scheduling {

// What planning one trigger writes: the append and the agents whose workload it raises.
struct PlannedTrigger {
  std::string tenant_id;
  store::AppendRequest request;
  std::vector<std::string> assigned_agents;
};

class Planning {
 public:
  Planning(store::EventStore& store, const events::EnvelopeFactory& factory, ReadModels& models, const core::Clock& clock);

  // One consumed event from intake, visit or complaints.
  core::Status apply(const events::Envelope& e);
  // The event types apply() acts on (the consumer skips the rest unparsed): keep the two together.
  static bool handles(std::string_view type);
  // A consumed batch: its service events planned together (per round of distinct customers), the
  // other events applied `lanes` customers at a time. Same contract as bus::BatchOutcome.
  bus::BatchOutcome apply_batch(std::span<const runtime::Incoming> batch, size_t lanes);
  // Fires the periodic timers of `partitions` (every partition when none are named) that are due;
  // the number fired.
  core::Result<size_t> fire_timers(std::vector<uint32_t> partitions = {}, size_t max_per_partition = 200);

  // Why visits were planned (or not) and to whom they went, as `scope` may see it (another
  // tenant's or another unit's decisions are not found); the visit service explains the rest.
  core::Result<std::vector<v1::Explanation>> explain_service_event(const edge::TenantScope& scope, const std::string& customer_id,
                                                                   const std::string& service_event_id);
  // The planning decisions of a visit of `service_event_id` (empty: looked up in the index earlier
  // versions kept).
  core::Result<std::vector<v1::Explanation>> explain_visit(const edge::TenantScope& scope, const std::string& customer_id,
                                                           const std::string& visit_id, std::string service_event_id);
  // The tenants' org trees, for the scope of a caller who works in part of one.
  const runtime::OrgTrees& org_trees() const { return models_.org_trees(); }

 private:
  // Recorded service events of distinct customers, planned with one round trip for their
  // policies, one for their inputs and one append; a status per event.
  std::vector<core::Status> plan_service_events(const std::vector<const events::Envelope*>& recorded);
  // The due timers of one logical partition at `now` (ms).
  core::Result<size_t> fire_partition(uint32_t partition, int64_t now, size_t max_per_partition);
  // Plans one trigger under `policy` (the loaded version's rules, or a subset of them).
  core::Status plan_trigger(const events::EventContext& ctx, const intake::v1::ServiceEventRecorded& rec,
                            const LoadedPolicy& lp, const Policy& policy, std::optional<store::InboxMark> inbox,
                            std::vector<store::IndexOp> extra_ops);
  // What planning a trigger writes, decided from inputs already read; assignments raise `tenant`'s
  // workload in memory.
  core::Result<PlannedTrigger> decide_trigger(const events::EventContext& ctx, const intake::v1::ServiceEventRecorded& rec,
                                              const LoadedPolicy& lp, const Policy& policy, const CustomerInputs& customer,
                                              TenantInputs& tenant, std::optional<store::InboxMark> inbox,
                                              std::vector<store::IndexOp> extra_ops);
  // Appends every planned trigger in one round trip, then counts the workload; a status each
  // (an already planned or already applied trigger is fine).
  std::vector<core::Status> commit(std::vector<PlannedTrigger>& planned);
  // Periodic rules ("every household each quarter"): the first occurrence when the customer is
  // registered, then one every `every_days`, driven by a timer per series.
  core::Status start_periodic(const std::string& tenant, const intake::v1::Customer& c, core::Timestamp at);
  core::Status plan_periodic(const std::string& tenant, const std::string& policy_id, const std::string& rule_id,
                             const std::string& customer_id, core::Timestamp at);
  // A resolved complaint owes a follow-up visit within 3 days (DOMAIN.md, Complaints).
  core::Status plan_complaint_follow_up(const events::Envelope& e);
  // Assigns visits that were planned before any agent of `org_unit_id` was known.
  core::Status assign_waiting(const std::string& tenant, const std::string& org_unit_id);
  // The decisions recorded for a service event, explained (only those about `only_visit` if set).
  core::Result<std::vector<v1::Explanation>> decisions(const edge::TenantScope& scope, const std::string& customer_id,
                                                       const std::string& service_event_id, std::string_view only_visit);

  store::EventStore& store_;
  const events::EnvelopeFactory& factory_;
  ReadModels& models_;
  const core::Clock& clock_;
  // A trigger's decisions only grow: nothing to fold, only the stream's version matters (for
  // appending a late assignment to them).
  struct Appended {};
  runtime::Repository<Appended> decisions_;
};

}  // namespace huifang::scheduling
