#include "visit_queries.h"

#include <algorithm>

#include "huifang/calendar/calling_slots.h"
#include "huifang/events/envelope.h"
#include "huifang/runtime/repository.h"
#include "huifang/store/errc.h"
#include "../domain/visit.h"
#include "keys.h"

namespace huifang::visit {
namespace {

using scheduling::v1::AgendaItem;
using scheduling::v1::Explanation;

// One of the visit's events in words; nullopt for what is not part of its life story.
std::optional<Explanation> explain_event(const events::Envelope& e) {
  Explanation x;
  *x.mutable_decided_at() = e.recorded_at();
  if (e.has_scheduling()) {
    const auto& b = e.scheduling();
    if (b.has_visit_planned()) {
      const auto& p = b.visit_planned();
      x.set_outcome("planned");
      x.set_text(p.reason() + (p.agent_id().empty() ? "; waiting for an agent" : "; assigned to " + p.agent_id()));
      x.set_policy_id(p.decision().policy_id());
      x.set_policy_version(p.decision().policy_version());
      x.set_rule_id(p.decision().rule_id());
      x.set_service_event_id(p.decision().service_event_id());
      return x;
    }
    if (b.has_visit_assigned()) {
      x.set_outcome("assigned");
      x.set_text("assigned to " + b.visit_assigned().agent_id());
      return x;
    }
    return std::nullopt;
  }
  const auto& b = e.visit();
  switch (b.event_case()) {
    case visit::v1::VisitEvent::kVisitDue: x.set_outcome("due"); break;
    case visit::v1::VisitEvent::kVisitOverdue: x.set_outcome("overdue"); break;
    case visit::v1::VisitEvent::kVisitRescheduled:
      x.set_outcome("rescheduled");
      x.set_text("rescheduled: " + b.visit_rescheduled().reason());
      break;
    case visit::v1::VisitEvent::kVisitRetryScheduled:
      x.set_outcome("retry");
      x.set_text("attempt " + std::to_string(b.visit_retry_scheduled().attempt()) + " scheduled after " +
                 b.visit_retry_scheduled().after_outcome());
      break;
    case visit::v1::VisitEvent::kVisitChannelFallback:
      x.set_outcome("fallback");
      x.set_text("channel " + common::v1::Channel_Name(b.visit_channel_fallback().from()) + " → " +
                 common::v1::Channel_Name(b.visit_channel_fallback().to()) + ": " + b.visit_channel_fallback().reason());
      break;
    case visit::v1::VisitEvent::kVisitClosedUnreachable:
      x.set_outcome("closed_unreachable");
      x.set_text(b.visit_closed_unreachable().reason());
      break;
    case visit::v1::VisitEvent::kVisitCancelled:
      x.set_outcome("cancelled");
      x.set_text(b.visit_cancelled().reason());
      break;
    case visit::v1::VisitEvent::kVisitAttempted:
      x.set_outcome("attempted");
      x.set_text("attempt " + std::to_string(b.visit_attempted().attempt()) + ": " +
                 visit::v1::AttemptOutcome_Name(b.visit_attempted().outcome()));
      break;
    case visit::v1::VisitEvent::kVisitCompleted: x.set_outcome("completed"); break;
    default: return std::nullopt;
  }
  return x;
}

}  // namespace

core::Result<std::vector<AgendaItem>> VisitQueries::items(const Scope& scope, uint32_t p, const store::Reply& ids) {
  std::vector<AgendaItem> out;
  if (ids.elements.empty()) return out;
  store::Argv hm{"HMGET", store_.key(p, keys::kVisitInfo)};
  for (const auto& e : ids.elements) hm.push_back(e.str);
  auto infos = store_.pool().lease()->command(hm);
  if (!infos) return infos.error();
  for (const auto& i : infos->elements) {
    AgendaItem item;
    if (i.type == store::Reply::Type::string && item.ParseFromString(i.str) &&
        scope.may_read(item.tenant_id(), item.agent_id(), item.org_unit_id()))
      out.push_back(std::move(item));
  }
  return out;
}

core::Result<std::vector<AgendaItem>> VisitQueries::agenda(const Scope& scope, const std::string& agent_id,
                                                          scheduling::v1::AgendaView view) {
  if (agent_id.empty()) return core::invalid_argument("agent_id", "is required");
  std::vector<AgendaItem> all;
  for (uint32_t p = 0; p < store_.partitions(); ++p) {
    auto ids = store_.pool().lease()->command({"ZRANGE", store_.key(p, keys::agenda(scope.tenant, agent_id)), "0", "-1"});
    if (!ids) return ids.error();
    auto found = items(scope, p, *ids);
    if (!found) return found.error();
    for (auto& i : *found) all.push_back(std::move(i));
  }
  const core::Timestamp now = clock_.now();
  const absl::TimeZone tz = calendar::zone_or_default("");
  const absl::CivilDay today = absl::ToCivilDay(calendar::to_absl(now), tz);
  const core::Timestamp end_of_today = calendar::from_absl(absl::FromCivil(today + 1, tz));
  std::vector<AgendaItem> out;
  for (auto& i : all) {
    const bool overdue = i.state() == "overdue" || events::from_proto(i.due_by()) < now;
    const bool later = events::from_proto(i.scheduled_at()) >= end_of_today;
    const bool keep = view == scheduling::v1::AGENDA_VIEW_OVERDUE    ? overdue
                      : view == scheduling::v1::AGENDA_VIEW_UPCOMING ? (!overdue && later)
                                                                     : (!overdue && !later);
    if (keep) out.push_back(std::move(i));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return events::from_proto(a.scheduled_at()) < events::from_proto(b.scheduled_at());
  });
  return out;
}

core::Result<std::vector<AgendaItem>> VisitQueries::customer_plan(const Scope& scope, const std::string& customer_id) {
  if (customer_id.empty()) return core::invalid_argument("customer_id", "is required");
  const uint32_t p = store_.partition_of(customer_id);
  auto ids = store_.pool().lease()->command({"ZRANGE", store_.key(p, keys::customer_visits(scope.tenant, customer_id)), "0", "-1"});
  if (!ids) return ids.error();
  return items(scope, p, *ids);
}

core::Result<std::vector<Explanation>> VisitQueries::explain(const Scope& scope, const std::string& customer_id,
                                                             const std::string& visit_id) {
  if (customer_id.empty()) return core::invalid_argument("customer_id", "is required");
  auto loaded = store_.load(customer_id, {"visit", visit_id}, /*use_snapshot=*/false);
  if (!loaded) return loaded.error();
  auto events = runtime::events_of(*loaded, {"visit", visit_id});
  if (!events) return events.error();
  std::vector<Explanation> out;
  if (!events->empty()) {
    VisitState s;  // whose visit it is: the plan says (and a later assignment)
    for (const auto& e : *events) evolve(s, e);
    if (s.planned && scope.may_read(s.tenant_id, s.agent_id, s.plan.decision().org_unit_id()))
      for (const auto& e : *events)
        if (auto x = explain_event(e)) out.push_back(std::move(*x));
  }
  if (out.empty())
    return core::make_error(core::make_error_code(core::errc::not_found), "visit " + visit_id + " was never planned");
  return out;
}

}  // namespace huifang::visit
