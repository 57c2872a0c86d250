#include "visit.h"

#include <algorithm>

namespace huifang::visit {
namespace {

core::Error precondition(const std::string& msg) {
  return core::make_error(core::make_error_code(core::errc::failed_precondition), msg);
}

core::Status may_act(const VisitState& s, const std::string& visit_id, const std::string& agent_id) {
  if (!s.planned) return core::make_error(core::make_error_code(core::errc::not_found), "visit " + visit_id + " is not planned");
  if (agent_id.empty()) return core::invalid_argument("agent_id", "is required");
  if (s.agent_id.empty()) return precondition("visit " + visit_id + " is not assigned to an agent yet");
  if (s.agent_id != agent_id)
    return core::make_error(core::make_error_code(core::errc::permission_denied),
                            "visit " + visit_id + " is assigned to another agent");
  if (s.completed) return precondition("visit " + visit_id + " is already completed");
  if (s.closed) return precondition("visit " + visit_id + " is closed");
  return core::ok_status();
}

events::Decision decision(const VisitState& s, const std::string& visit_id) {
  events::Decision d;
  d.context.tenant_id = s.tenant_id;
  d.context.org_unit_id = s.plan.decision().org_unit_id();
  d.context.customer_id = s.plan.decision().customer_id();
  d.context.correlation_id = visit_id;
  return d;
}

// The completion record common to a surveyed and a survey-less visit.
v1::VisitCompleted completion(const VisitState& s, const std::string& visit_id, const std::string& agent_id,
                              core::Timestamp now) {
  v1::VisitCompleted done;
  done.set_visit_id(visit_id);
  done.set_agent_id(agent_id);
  done.set_category(s.plan.decision().category());
  done.set_org_unit_id(s.plan.decision().org_unit_id());
  *done.mutable_due_by() = s.plan.due_by();
  *done.mutable_completed_at() = events::to_proto(now);
  done.set_complaint_id(s.plan.complaint_id());
  done.set_complaint_threshold(s.plan.complaint_threshold());
  done.set_channel(s.plan.channel());
  return done;
}

events::Envelope body(v1::VisitEvent e) {
  events::Envelope env;
  *env.mutable_visit() = std::move(e);
  return env;
}

}  // namespace

void evolve(VisitState& s, const events::Envelope& e) {
  const auto& b = e.visit();
  switch (b.event_case()) {
    case v1::VisitEvent::kVisitStarted: s.started = true; break;
    case v1::VisitEvent::kVisitAttempted: s.attempts = b.visit_attempted().attempt(); break;
    case v1::VisitEvent::kVisitCompleted:
      s.completed = true;
      s.closed = true;
      s.completion = b.visit_completed();
      break;
    case v1::VisitEvent::kVisitUnreachable: s.closed = true; break;
    default: break;
  }
}

core::Result<events::Decision> decide_start(const VisitState& s, const v1::StartVisitRequest& r) {
  if (auto st = may_act(s, r.visit_id(), r.agent_id()); !st) return st.error();
  auto d = decision(s, r.visit_id());
  v1::VisitEvent started;
  started.mutable_visit_started()->set_visit_id(r.visit_id());
  started.mutable_visit_started()->set_agent_id(r.agent_id());
  started.mutable_visit_started()->set_channel(s.plan.channel());
  d.events.push_back(body(started));
  v1::VisitEvent read;  // the agent now sees contact details: an audited read
  read.mutable_contact_record_read()->set_visit_id(r.visit_id());
  read.mutable_contact_record_read()->set_reader(r.agent_id());
  read.mutable_contact_record_read()->set_role(common::v1::ROLE_AGENT);
  d.events.push_back(body(read));
  return d;
}

core::Result<events::Decision> decide_attempt(const VisitState& s, const v1::RecordAttemptRequest& r) {
  if (auto st = may_act(s, r.visit_id(), r.agent_id()); !st) return st.error();
  if (r.outcome() == v1::ATTEMPT_OUTCOME_UNSPECIFIED) return core::invalid_argument("outcome", "is required");
  if (r.outcome() == v1::ATTEMPT_OUTCOME_NOT_CONVENIENT) {
    if (!r.has_callback_at()) return core::invalid_argument("callback_at", "is required when the customer says it is not convenient");
    if (r.reason().empty()) return core::invalid_argument("reason", "is required when the customer says it is not convenient");
  }
  if (r.outcome() == v1::ATTEMPT_OUTCOME_REFUSED && r.reason().empty())
    return core::invalid_argument("reason", "is required when the customer refuses");
  auto d = decision(s, r.visit_id());
  v1::VisitEvent a;
  auto* at = a.mutable_visit_attempted();
  at->set_visit_id(r.visit_id());
  at->set_agent_id(r.agent_id());
  at->set_attempt(s.attempts + 1);
  at->set_outcome(r.outcome());
  at->set_reason(r.reason());
  at->set_channel(r.channel() == common::v1::CHANNEL_UNSPECIFIED ? s.plan.channel() : r.channel());
  d.events.push_back(body(a));
  if (r.outcome() == v1::ATTEMPT_OUTCOME_NOT_CONVENIENT) {
    v1::VisitEvent cb;
    cb.mutable_callback_requested()->set_visit_id(r.visit_id());
    *cb.mutable_callback_requested()->mutable_callback_at() = r.callback_at();
    cb.mutable_callback_requested()->set_reason(r.reason());
    d.events.push_back(body(cb));
  }
  return d;
}

core::Result<events::Decision> decide_survey(const VisitState& s, const v1::SubmitSurveyRequest& r,
                                             const std::vector<std::string>& dimensions, core::Timestamp now,
                                             const std::function<std::string()>& new_id) {
  if (auto st = may_act(s, r.visit_id(), r.agent_id()); !st) return st.error();
  for (int i = 0; i < r.ratings_size(); ++i) {
    const auto& rt = r.ratings(i);
    const std::string f = "ratings[" + std::to_string(i) + "]";
    if (rt.score() > 10) return core::invalid_argument(f + ".score", "must be 1..10, or 0 for unrated");
    if (std::find(dimensions.begin(), dimensions.end(), rt.dimension()) == dimensions.end())
      return core::invalid_argument(f + ".dimension", "'" + rt.dimension() + "' is not a dimension of this survey");
  }
  if (!r.sensitive_finding().empty() && r.sensitive_finding_owner().empty())
    return core::invalid_argument("sensitive_finding_owner", "is required to flag a sensitive finding");
  auto d = decision(s, r.visit_id());
  v1::VisitEvent c;
  auto* done = c.mutable_visit_completed();
  *done = completion(s, r.visit_id(), r.agent_id(), now);
  *done->mutable_ratings() = r.ratings();
  done->set_opinions(r.opinions());
  done->set_suggestions(r.suggestions());
  done->set_needs(r.needs());
  std::vector<events::Envelope> problems;
  for (auto p : r.problems()) {
    if (p.problem_id().empty()) p.set_problem_id(new_id());
    *done->add_problems() = p;
    if (p.solved_on_the_spot()) continue;
    v1::VisitEvent raised;  // goes to the responsible department; complaints tracks it
    raised.mutable_problem_raised()->set_visit_id(r.visit_id());
    *raised.mutable_problem_raised()->mutable_problem() = p;
    raised.mutable_problem_raised()->set_org_unit_id(s.plan.decision().org_unit_id());
    problems.push_back(body(raised));
  }
  d.events.push_back(body(c));
  for (auto& p : problems) d.events.push_back(std::move(p));
  if (!r.sensitive_finding().empty()) {
    v1::VisitEvent f;
    f.mutable_sensitive_finding_flagged()->set_visit_id(r.visit_id());
    f.mutable_sensitive_finding_flagged()->set_owner(r.sensitive_finding_owner());
    f.mutable_sensitive_finding_flagged()->set_note(r.sensitive_finding());
    d.events.push_back(body(f));
  }
  return d;
}

core::Result<events::Decision> decide_complete(const VisitState& s, const v1::CompleteVisitRequest& r,
                                               core::Timestamp now) {
  if (auto st = may_act(s, r.visit_id(), r.agent_id()); !st) return st.error();
  auto d = decision(s, r.visit_id());
  v1::VisitEvent c;
  *c.mutable_visit_completed() = completion(s, r.visit_id(), r.agent_id(), now);
  c.mutable_visit_completed()->set_opinions(r.note());
  d.events.push_back(body(c));
  return d;
}

}  // namespace huifang::visit
