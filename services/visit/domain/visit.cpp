#include "visit.h"

#include <algorithm>

#include "huifang/events/channels.h"

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
  if (s.stage == "cancelled") return precondition("visit " + visit_id + " was called off: the customer withdrew consent");
  if (s.closed) return precondition("visit " + visit_id + " is closed");
  return core::ok_status();
}

events::Decision decision(const VisitState& s, const std::string& visit_id) {
  events::Decision d;
  d.context = context_of(s);
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
  done.set_channel(s.channel);
  return done;
}

events::Envelope body(v1::VisitEvent e) {
  events::Envelope env;
  *env.mutable_visit() = std::move(e);
  return env;
}

events::Envelope closed_unreachable(const VisitState& s, const std::string& why) {
  v1::VisitEvent b;
  auto* c = b.mutable_visit_closed_unreachable();
  c->set_visit_id(s.plan.decision().visit_id());
  c->set_reason(why);
  c->set_category(s.plan.decision().category());
  c->set_org_unit_id(s.plan.decision().org_unit_id());
  c->set_attempts(s.attempts + 1);
  return body(std::move(b));
}

events::Envelope channel_fallback(const VisitState& s, common::v1::Channel to, const std::string& why) {
  v1::VisitEvent b;
  auto* f = b.mutable_visit_channel_fallback();
  f->set_visit_id(s.plan.decision().visit_id());
  f->set_from(s.channel);
  f->set_to(to);
  f->set_reason(why);
  return body(std::move(b));
}

// An unanswered attempt: another try on a later calling window while the channel has attempts
// left, then the policy's next channel, then closed as unreachable.
std::vector<events::Envelope> after_unanswered(const VisitState& s, const std::string& outcome,
                                               const calendar::HolidayCalendar& holidays, core::Timestamp now) {
  const std::string& id = s.plan.decision().visit_id();
  const uint32_t made = s.channel_attempts + 1;
  const uint32_t allowed = s.plan.max_attempts() > 0 ? s.plan.max_attempts() : 3;
  const core::Timestamp later =
      calendar::next_calling_slot(now + std::chrono::hours(s.plan.retry_after_hours()),
                                  calendar::zone_or_default(s.plan.time_zone()), calling_rules(s.plan), holidays);
  auto retry = [&](uint32_t attempt) {
    v1::VisitEvent b;
    auto* r = b.mutable_visit_retry_scheduled();
    r->set_visit_id(id);
    r->set_attempt(attempt);
    *r->mutable_scheduled_at() = events::to_proto(later);
    r->set_after_outcome(outcome);
    return body(std::move(b));
  };
  if (made < allowed) return {retry(made + 1)};
  if (s.fallback_index < s.plan.fallback_channels_size()) {
    return {channel_fallback(s, s.plan.fallback_channels(s.fallback_index), std::to_string(made) + " unanswered attempts"),
            retry(1)};
  }
  return {closed_unreachable(s, std::to_string(made) + " unanswered attempts; no fallback channel left")};
}

}  // namespace

events::EventContext context_of(const VisitState& s) {
  events::EventContext c;
  c.tenant_id = s.tenant_id;
  c.org_unit_id = s.plan.decision().org_unit_id();
  c.customer_id = s.plan.decision().customer_id();
  c.correlation_id = s.plan.decision().visit_id();
  return c;
}

void evolve(VisitState& s, const events::Envelope& e) {
  if (e.has_scheduling()) {  // the plan as received
    const auto& b = e.scheduling();
    if (b.has_visit_planned()) {
      s.planned = true;
      s.plan = b.visit_planned();
      s.tenant_id = e.tenant_id();
      s.agent_id = s.plan.agent_id();
      s.channel = s.plan.channel();
      s.stage = "planned";
      s.scheduled_at = events::from_proto(s.plan.due_from());
    } else if (b.has_visit_assigned()) {
      s.agent_id = b.visit_assigned().agent_id();
    }
    return;
  }
  const auto& b = e.visit();
  switch (b.event_case()) {
    case v1::VisitEvent::kVisitDue:
      s.due = true;
      if (s.stage == "planned") s.stage = "due";
      break;
    case v1::VisitEvent::kVisitOverdue:
      s.overdue = true;
      s.stage = "overdue";
      break;
    case v1::VisitEvent::kVisitRescheduled:
      s.stage = "rescheduled";
      s.scheduled_at = events::from_proto(b.visit_rescheduled().scheduled_at());
      break;
    case v1::VisitEvent::kVisitRetryScheduled:
      s.channel_attempts = b.visit_retry_scheduled().attempt() - 1;
      s.scheduled_at = events::from_proto(b.visit_retry_scheduled().scheduled_at());
      break;
    case v1::VisitEvent::kVisitChannelFallback: {
      s.channel = b.visit_channel_fallback().to();
      s.channel_attempts = 0;
      // Past the channel moved to: a fallback for lost consent may skip channels of the plan.
      const auto& rest = s.plan.fallback_channels();
      const auto at = std::find(rest.begin() + std::min(s.fallback_index, rest.size()), rest.end(), s.channel);
      s.fallback_index = at == rest.end() ? s.fallback_index + 1 : static_cast<int>(at - rest.begin()) + 1;
      break;
    }
    case v1::VisitEvent::kVisitStarted: s.started = true; break;
    case v1::VisitEvent::kVisitAttempted: s.attempts = b.visit_attempted().attempt(); break;
    case v1::VisitEvent::kVisitCompleted:
      s.completed = true;
      s.closed = true;
      s.stage = "completed";
      s.completion = b.visit_completed();
      break;
    case v1::VisitEvent::kVisitCancelled:
      s.closed = true;
      s.stage = "cancelled";
      break;
    case v1::VisitEvent::kVisitUnreachable:
    case v1::VisitEvent::kVisitClosedUnreachable:
      s.closed = true;
      s.stage = "closed";
      break;
    default: break;
  }
}

calendar::CallingRules calling_rules(const scheduling::v1::VisitPlanned& plan) {
  calendar::CallingRules rules;
  rules.skip_weekends = plan.skip_weekends();
  rules.skip_holidays = plan.skip_holidays();
  if (plan.calling_windows_size() > 0) {
    rules.windows.clear();
    for (const auto& w : plan.calling_windows())
      rules.windows.push_back({static_cast<int>(w.start_minute()), static_cast<int>(w.end_minute())});
  }
  return rules;
}

std::vector<events::Envelope> on_planned(const VisitState& s, core::Timestamp now) {
  if (!s.planned || s.due || s.closed || events::from_proto(s.plan.due_from()) > now) return {};
  return on_deadline(s, Deadline::due);
}

std::vector<events::Envelope> on_deadline(const VisitState& s, Deadline kind) {
  if (!s.planned || s.closed) return {};
  if (kind == Deadline::due ? (s.due || s.overdue) : s.overdue) return {};
  v1::VisitEvent b;
  // VisitDue and VisitOverdue carry the same fields.
  auto fill = [&](auto* ev) {
    ev->set_visit_id(s.plan.decision().visit_id());
    ev->set_agent_id(s.agent_id);
    ev->set_category(s.plan.decision().category());
    ev->set_org_unit_id(s.plan.decision().org_unit_id());
    *ev->mutable_due_by() = s.plan.due_by();
  };
  if (kind == Deadline::due) fill(b.mutable_visit_due());
  else fill(b.mutable_visit_overdue());
  return {body(std::move(b))};
}

std::vector<events::Envelope> on_consent_changed(const VisitState& s, const intake::v1::ConsentChanged& c) {
  if (!s.planned || s.closed) return {};
  const std::string why = c.reason().empty() ? "" : ": " + c.reason();
  auto cancel = [&](const std::string& reason) {
    v1::VisitEvent b;
    auto* x = b.mutable_visit_cancelled();
    x->set_visit_id(s.plan.decision().visit_id());
    x->set_reason(reason + why);
    x->set_category(s.plan.decision().category());
    x->set_org_unit_id(s.plan.decision().org_unit_id());
    return body(std::move(b));
  };
  if (c.do_not_contact()) return {cancel("customer asked not to be contacted")};
  if (events::consented(c.consents(), s.channel)) return {};
  const std::string lost = std::string("consent for ") + events::channel_name(s.channel) + " withdrawn";
  for (int i = s.fallback_index; i < s.plan.fallback_channels_size(); ++i)
    if (events::consented(c.consents(), s.plan.fallback_channels(i)))
      return {channel_fallback(s, s.plan.fallback_channels(i), lost + why)};
  return {cancel(lost + "; no channel of the plan left with consent")};
}

core::Result<events::Decision> decide_start(const VisitState& s, const v1::StartVisitRequest& r) {
  if (auto st = may_act(s, r.visit_id(), r.agent_id()); !st) return st.error();
  auto d = decision(s, r.visit_id());
  v1::VisitEvent started;
  started.mutable_visit_started()->set_visit_id(r.visit_id());
  started.mutable_visit_started()->set_agent_id(r.agent_id());
  started.mutable_visit_started()->set_channel(s.channel);
  d.events.push_back(body(started));
  v1::VisitEvent read;  // the agent now sees contact details: an audited read
  read.mutable_contact_record_read()->set_visit_id(r.visit_id());
  read.mutable_contact_record_read()->set_reader(r.agent_id());
  read.mutable_contact_record_read()->set_role(common::v1::ROLE_AGENT);
  d.events.push_back(body(read));
  return d;
}

core::Result<events::Decision> decide_attempt(const VisitState& s, const v1::RecordAttemptRequest& r,
                                              const calendar::HolidayCalendar& holidays, core::Timestamp now) {
  if (auto st = may_act(s, r.visit_id(), r.agent_id()); !st) return st.error();
  if (r.outcome() == v1::ATTEMPT_OUTCOME_UNSPECIFIED) return core::invalid_argument("outcome", "is required");
  if (r.outcome() == v1::ATTEMPT_OUTCOME_NOT_CONVENIENT) {
    if (!r.has_callback_at()) return core::invalid_argument("callback_at", "is required when the customer says it is not convenient");
    if (auto st = events::check_time(r.callback_at(), "callback_at"); !st) return st.error();
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
  at->set_channel(r.channel() == common::v1::CHANNEL_UNSPECIFIED ? s.channel : r.channel());
  d.events.push_back(body(a));
  switch (r.outcome()) {
    case v1::ATTEMPT_OUTCOME_NOT_CONVENIENT: {
      v1::VisitEvent cb;
      cb.mutable_callback_requested()->set_visit_id(r.visit_id());
      *cb.mutable_callback_requested()->mutable_callback_at() = r.callback_at();
      cb.mutable_callback_requested()->set_reason(r.reason());
      d.events.push_back(body(cb));
      v1::VisitEvent moved;
      auto* m = moved.mutable_visit_rescheduled();
      m->set_visit_id(r.visit_id());
      *m->mutable_scheduled_at() = r.callback_at();  // the customer's time wins over calling windows
      m->set_reason(r.reason());
      m->set_requested_by_customer(true);
      d.events.push_back(body(moved));
      break;
    }
    case v1::ATTEMPT_OUTCOME_REFUSED: d.events.push_back(closed_unreachable(s, "refused: " + r.reason())); break;
    case v1::ATTEMPT_OUTCOME_NO_ANSWER:
    case v1::ATTEMPT_OUTCOME_WRONG_NUMBER:
      for (auto& e : after_unanswered(s, r.outcome() == v1::ATTEMPT_OUTCOME_NO_ANSWER ? "no_answer" : "wrong_number",
                                      holidays, now))
        d.events.push_back(std::move(e));
      break;
    default: break;  // reached, or a family member answered: the survey follows
  }
  return d;
}

core::Result<events::Decision> decide_survey(const VisitState& s, const v1::SubmitSurveyRequest& r,
                                             const std::vector<std::string>& dimensions, core::Timestamp now,
                                             const std::function<std::string()>& new_id, bool sensitive_consent) {
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
  if (!r.sensitive_finding().empty() && !sensitive_consent)
    return core::make_error(core::make_error_code(core::errc::failed_precondition),
                            "the customer has not consented to sensitive (health) data being recorded: submit the survey "
                            "without the finding and tell its owner another way, or record the consent first",
                            "sensitive_finding");
  auto d = decision(s, r.visit_id());
  v1::VisitEvent c;
  auto* done = c.mutable_visit_completed();
  *done = completion(s, r.visit_id(), r.agent_id(), now);
  *done->mutable_ratings() = r.ratings();
  done->set_opinions(r.opinions());
  done->set_suggestions(r.suggestions());
  done->set_needs(r.needs());
  done->set_has_opinions(!r.opinions().empty());  // counted, not read, once the answers are sealed
  done->set_has_suggestions(!r.suggestions().empty());
  done->set_has_needs(!r.needs().empty());
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
  c.mutable_visit_completed()->set_has_opinions(!r.note().empty());
  d.events.push_back(body(c));
  return d;
}

}  // namespace huifang::visit
