#pragma once
// Scheduling's reactions, each one atomic append (events + agenda/timer indexes + inbox mark):
//  - a recorded service event → every visit the policy decides (planned, sampled out,
//    suppressed, merged), planned ones assigned and put on an agenda with due/overdue timers;
//  - a customer's callback request → rescheduled exactly to the time named;
//  - unanswered attempts → a retry on a later window, then channel fallback, then closed as
//    unreachable, as the policy says;
//  - a completed visit → off the agenda, timers cancelled;
//  - a resolved complaint → its follow-up visit within 3 days, 100%;
//  - timers → VisitDue / VisitOverdue when their time comes (the injected clock decides).
#include <string>
#include <vector>

#include <span>

#include "huifang/bus/consumer_loop.h"
#include "huifang/core/clock.h"
#include "huifang/events/consume.h"
#include "huifang/events/repository.h"
#include "huifang/scheduling/v1/service.pb.h"
#include "read_models.h"

namespace huifang::scheduling {

// What planning one trigger writes: the append and the agents whose workload it raises.
struct PlannedTrigger {
  std::string tenant_id;
  store::AppendRequest request;
  std::vector<std::string> assigned_agents;
};

struct VisitState {
  bool exists = false;
  std::string tenant_id;
  v1::VisitPlanned planned;
  std::string agent_id;
  common::v1::Channel channel = common::v1::CHANNEL_UNSPECIFIED;
  uint32_t attempts = 0;        // on the current channel
  size_t fallback_index = 0;    // next fallback channel to use
  std::string state;            // planned, due, rescheduled, overdue, closed
  core::Timestamp scheduled_at{};
};
void evolve(VisitState& s, const events::Envelope& e);

class Planning {
 public:
  Planning(store::EventStore& store, const events::EnvelopeFactory& factory, ReadModels& models, const core::Clock& clock);

  // One consumed event from intake, visit or complaints.
  core::Status apply(const events::Envelope& e);
  // A consumed batch: its service events planned together (per round of distinct customers), the
  // other events applied `lanes` customers at a time. Same contract as bus::BatchOutcome.
  bus::BatchOutcome apply_batch(std::span<const events::Incoming> batch, size_t lanes);
  // Fires the due timers of `partitions` (every partition when none are named); the number fired.
  core::Result<size_t> fire_timers(std::vector<uint32_t> partitions = {}, size_t max_per_partition = 200);

  // Queries behind the gRPC edge.
  core::Result<std::vector<v1::AgendaItem>> agenda(const std::string& agent_id, v1::AgendaView view);
  core::Result<std::vector<v1::AgendaItem>> customer_plan(const std::string& customer_id);
  core::Result<std::vector<v1::Explanation>> explain_service_event(const std::string& customer_id,
                                                                   const std::string& service_event_id);
  core::Result<std::vector<v1::Explanation>> explain_visit(const std::string& customer_id, const std::string& visit_id);

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
  core::Status on_visit_event(const events::Envelope& e);
  // A resolved complaint owes a follow-up visit within 3 days (DOMAIN.md, Complaints).
  core::Status plan_complaint_follow_up(const events::Envelope& e);
  // Assigns visits that were planned before any agent of `org_unit_id` was known.
  core::Status assign_waiting(const std::string& tenant, const std::string& org_unit_id);
  core::Status react(const std::string& customer_id, const std::string& visit_id, const events::Envelope& cause,
                     const std::function<core::Result<events::Decision>(const VisitState&)>& decide);
  std::vector<store::IndexOp> agenda_ops(const VisitState& s, const std::string& visit_id, bool remove) const;

  store::EventStore& store_;
  const events::EnvelopeFactory& factory_;
  ReadModels& models_;
  const core::Clock& clock_;
  events::Repository<VisitState> visits_;
};

}  // namespace huifang::scheduling
