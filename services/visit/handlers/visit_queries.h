#pragma once
// What the visit service answers about visits without changing them: agendas, a customer's
// visits, and a visit's life in words (the reads behind GetAgenda, GetCustomerPlan, ExplainVisit).
#include "huifang/core/clock.h"
#include "huifang/scheduling/v1/service.pb.h"
#include "huifang/store/event_store.h"
#include "scope.h"

namespace huifang::visit {

class VisitQueries {
 public:
  VisitQueries(store::EventStore& store, const core::Clock& clock) : store_(store), clock_(clock) {}

  // Each read answers within `scope`: visits outside it (another tenant's agent or customer with
  // the same id, another unit's, another agent's for an agent) are left out (or NOT_FOUND).
  // An agent's open visits in `view` (today, overdue, upcoming in the tenant's default zone),
  // earliest first.
  core::Result<std::vector<scheduling::v1::AgendaItem>> agenda(const Scope& scope, const std::string& agent_id,
                                                               scheduling::v1::AgendaView view);
  // Every visit of a customer, by due date.
  core::Result<std::vector<scheduling::v1::AgendaItem>> customer_plan(const Scope& scope, const std::string& customer_id);
  // The visit's events after planning, in words; NOT_FOUND when it was never planned.
  core::Result<std::vector<scheduling::v1::Explanation>> explain(const Scope& scope, const std::string& customer_id,
                                                                 const std::string& visit_id);

 private:
  core::Result<std::vector<scheduling::v1::AgendaItem>> items(const Scope& scope, uint32_t partition,
                                                              const store::Reply& ids);

  store::EventStore& store_;
  const core::Clock& clock_;
};

}  // namespace huifang::visit
