#pragma once
// The visit aggregate as the visit service keeps it: the plan it received from scheduling (who,
// what, by when) and what the agent did. decide_* functions check the rules of execution — only
// the assigned agent acts, a completed visit stays completed, ratings are 1..10 or unrated, a
// "not convenient" answer carries the time the customer named — and return the events.
#include <string>

#include "huifang/core/result.h"
#include "huifang/events/repository.h"
#include "huifang/scheduling/v1/events.pb.h"
#include "huifang/visit/v1/service.pb.h"

namespace huifang::visit {

struct VisitState {
  bool planned = false;
  scheduling::v1::VisitPlanned plan;
  std::string agent_id;
  std::string tenant_id;
  bool started = false;
  bool closed = false;  // completed, unreachable or closed by scheduling
  bool completed = false;
  uint32_t attempts = 0;
  v1::VisitCompleted completion;
};

void evolve(VisitState& s, const events::Envelope& e);

core::Result<events::Decision> decide_start(const VisitState& s, const v1::StartVisitRequest& r);
core::Result<events::Decision> decide_attempt(const VisitState& s, const v1::RecordAttemptRequest& r);
// `now` stamps completed_at; problem ids come from `new_id`.
core::Result<events::Decision> decide_survey(const VisitState& s, const v1::SubmitSurveyRequest& r,
                                             const std::vector<std::string>& dimensions, core::Timestamp now,
                                             const std::function<std::string()>& new_id);
core::Result<events::Decision> decide_complete(const VisitState& s, const v1::CompleteVisitRequest& r,
                                               core::Timestamp now);

}  // namespace huifang::visit
