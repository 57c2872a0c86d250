#include "visit_indexes.h"

#include "keys.h"

namespace huifang::visit {
namespace {

std::string millis(core::Timestamp t) { return std::to_string(core::to_millis(t)); }

}  // namespace

scheduling::v1::AgendaItem agenda_item(const VisitState& s) {
  scheduling::v1::AgendaItem i;
  i.set_visit_id(s.plan.decision().visit_id());
  i.set_customer_id(s.plan.decision().customer_id());
  i.set_category(s.plan.decision().category());
  *i.mutable_scheduled_at() = events::to_proto(s.scheduled_at);
  *i.mutable_due_by() = s.plan.due_by();
  i.set_channel(s.channel);
  i.set_attempts(s.attempts);
  i.set_state(s.stage);
  i.set_agent_id(s.agent_id);
  i.set_tenant_id(s.tenant_id);
  i.set_org_unit_id(s.plan.decision().org_unit_id());
  return i;
}

std::vector<store::IndexOp> index_ops(const VisitState& before, const VisitState& after) {
  if (!after.planned) return {};
  const std::string& id = after.plan.decision().visit_id();
  const std::string& customer = after.plan.decision().customer_id();
  std::vector<store::IndexOp> ops{{"HSET", keys::kVisitInfo, {id, agenda_item(after).SerializeAsString()}}};
  if (!before.planned) {
    ops.push_back({"ZADD", keys::customer_visits(after.tenant_id, customer), {millis(events::from_proto(after.plan.due_from())), id}});
    if (!after.closed) {
      if (!after.due)
        ops.push_back({"ZADD", keys::kTimers, {millis(events::from_proto(after.plan.due_from())), keys::timer("due", id, customer)}});
      ops.push_back({"ZADD", keys::kTimers, {millis(events::from_proto(after.plan.due_by())), keys::timer("overdue", id, customer)}});
    }
  }
  if (!before.agent_id.empty() && (before.agent_id != after.agent_id || after.closed))
    ops.push_back({"ZREM", keys::agenda(before.tenant_id, before.agent_id), {id}});
  if (after.closed) {
    if (!before.closed) {
      ops.push_back({"ZREM", keys::kTimers, {keys::timer("due", id, customer), keys::timer("overdue", id, customer)}});
      ops.push_back({"ZADD", keys::kClosed, {millis(events::from_proto(after.plan.due_by())), id}});
    }
  } else if (!after.agent_id.empty()) {
    ops.push_back({"ZADD", keys::agenda(after.tenant_id, after.agent_id), {millis(after.scheduled_at), id}});
  }
  return ops;
}

}  // namespace huifang::visit
