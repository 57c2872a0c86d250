#include "complaint.h"

#include <algorithm>

namespace huifang::complaints {
namespace {

core::Error wrong_state(const ComplaintState& s, const std::string& action) {
  return core::make_error(core::make_error_code(core::errc::failed_precondition),
                          "cannot " + action + " a complaint that is " + state_name(s.state));
}

events::Decision decision(const ComplaintState& s) {
  events::Decision d;
  d.context.tenant_id = s.tenant_id;
  d.context.org_unit_id = s.opened.org_unit_id();
  d.context.customer_id = s.opened.customer_id();
  d.context.correlation_id = s.opened.complaint_id();
  return d;
}

events::Envelope body(v1::ComplaintEvent e) {
  events::Envelope env;
  *env.mutable_complaints() = std::move(e);
  return env;
}

v1::EscalationLevel next_level(v1::EscalationLevel l) {
  switch (l) {
    case v1::ESCALATION_LEVEL_HANDLER: return v1::ESCALATION_LEVEL_SUPERVISOR;
    case v1::ESCALATION_LEVEL_SUPERVISOR: return v1::ESCALATION_LEVEL_MANAGER;
    default: return v1::ESCALATION_LEVEL_GENERAL_MANAGER;
  }
}

events::Envelope escalation(const ComplaintState& s, v1::EscalationLevel from, v1::EscalationLevel to,
                            v1::EscalationReason reason, const std::string& detail) {
  v1::ComplaintEvent e;
  auto* x = e.mutable_complaint_escalated();
  x->set_complaint_id(s.opened.complaint_id());
  x->set_from_level(from);
  x->set_level(to);
  x->set_reason(reason);
  x->set_detail(detail);
  return body(e);
}

// The SLAs still able to breach: investigating the same day (until someone investigates), and the
// reply promised to the customer (until the case is resolved); each escalates once.
std::optional<core::Timestamp> investigate_deadline(const ComplaintState& s) {
  const bool open = s.state == State::opened || s.state == State::assigned || s.state == State::reopened;
  if (!open || s.investigate_breached || !s.opened.has_investigate_by()) return std::nullopt;
  return events::from_proto(s.opened.investigate_by());
}

std::optional<core::Timestamp> reply_deadline(const ComplaintState& s) {
  const bool unresolved = s.state == State::opened || s.state == State::assigned || s.state == State::reopened ||
                          s.state == State::investigating;
  if (!unresolved || s.reply_breached || !s.opened.has_promised_reply_at()) return std::nullopt;
  return events::from_proto(s.opened.promised_reply_at());
}

}  // namespace

const char* state_name(State s) {
  switch (s) {
    case State::none: return "not opened";
    case State::opened: return "opened";
    case State::assigned: return "assigned";
    case State::investigating: return "investigating";
    case State::resolved: return "resolved";
    case State::closed: return "closed";
    case State::reopened: return "reopened";
  }
  return "unknown";
}

core::Timestamp end_of_day(core::Timestamp t, int utc_offset_hours) {
  using namespace std::chrono;
  const auto offset = hours(utc_offset_hours);
  const auto local = t + offset;
  const auto day = floor<days>(local);
  return core::Timestamp(duration_cast<core::Duration>((day + days(1)).time_since_epoch() - offset));
}

void evolve(ComplaintState& s, const events::Envelope& e) {
  const auto& b = e.complaints();
  switch (b.event_case()) {
    case v1::ComplaintEvent::kComplaintOpened:
      s.state = State::opened;
      s.tenant_id = e.tenant_id();
      s.opened = b.complaint_opened();
      s.opened_at = events::from_proto(e.occurred_at());
      break;
    case v1::ComplaintEvent::kComplaintAssigned:
      s.handler_id = b.complaint_assigned().handler_id();
      if (s.state == State::opened || s.state == State::reopened) s.state = State::assigned;
      break;
    case v1::ComplaintEvent::kComplaintInvestigationStarted: s.state = State::investigating; break;
    case v1::ComplaintEvent::kComplaintEscalated:
      s.level = b.complaint_escalated().level();
      if (b.complaint_escalated().reason() == v1::ESCALATION_REASON_SLA_INVESTIGATE_BREACH) s.investigate_breached = true;
      if (b.complaint_escalated().reason() == v1::ESCALATION_REASON_SLA_REPLY_BREACH) s.reply_breached = true;
      if (!b.complaint_escalated().assignee_id().empty()) s.handler_id = b.complaint_escalated().assignee_id();
      break;
    case v1::ComplaintEvent::kComplaintResolved:
      s.state = State::resolved;
      s.resolved_at = events::from_proto(b.complaint_resolved().resolved_at());
      s.follow_up_by = events::from_proto(b.complaint_resolved().follow_up_by());
      break;
    case v1::ComplaintEvent::kComplaintClosed: s.state = State::closed; break;
    case v1::ComplaintEvent::kComplaintReopened: s.state = State::reopened; break;
    default: break;
  }
}

core::Result<events::Decision> decide_open(const ComplaintState& s, v1::ComplaintOpened opened) {
  if (s.state != State::none)
    return core::make_error(core::make_error_code(core::errc::already_exists),
                            "complaint " + opened.complaint_id() + " already exists");
  if (opened.customer_id().empty()) return core::invalid_argument("customer_id", "is required");
  if (opened.org_unit_id().empty()) return core::invalid_argument("org_unit_id", "is required");
  if (opened.category().empty()) return core::invalid_argument("category", "is required");
  if (opened.has_promised_reply_at())
    if (auto st = events::check_time(opened.promised_reply_at(), "promised_reply_at"); !st) return st.error();
  if (opened.issue_key().empty()) opened.set_issue_key(opened.category());
  ComplaintState next;
  next.opened = opened;
  auto d = decision(next);
  v1::ComplaintEvent e;
  *e.mutable_complaint_opened() = std::move(opened);
  d.events.push_back(body(e));
  return d;
}

core::Result<events::Decision> decide_assign(const ComplaintState& s, const std::string& handler_id) {
  if (handler_id.empty()) return core::invalid_argument("handler_id", "is required");
  if (s.state == State::none || s.state == State::resolved || s.state == State::closed)
    return wrong_state(s, "assign");
  auto d = decision(s);
  v1::ComplaintEvent e;
  e.mutable_complaint_assigned()->set_complaint_id(s.opened.complaint_id());
  e.mutable_complaint_assigned()->set_handler_id(handler_id);
  d.events.push_back(body(e));
  return d;
}

core::Result<events::Decision> decide_start_investigation(const ComplaintState& s) {
  if (s.state != State::assigned) return wrong_state(s, "start investigating");
  auto d = decision(s);
  v1::ComplaintEvent e;
  e.mutable_complaint_investigation_started()->set_complaint_id(s.opened.complaint_id());
  e.mutable_complaint_investigation_started()->set_handler_id(s.handler_id);
  d.events.push_back(body(e));
  return d;
}

core::Result<events::Decision> decide_resolve(const ComplaintState& s, const std::string& resolution, bool effective,
                                              core::Timestamp now) {
  if (s.state != State::investigating) return wrong_state(s, "resolve");
  if (resolution.empty()) return core::invalid_argument("resolution", "is required");
  auto d = decision(s);
  v1::ComplaintEvent e;
  auto* r = e.mutable_complaint_resolved();
  r->set_complaint_id(s.opened.complaint_id());
  r->set_resolution(resolution);
  *r->mutable_resolved_at() = events::to_proto(now);
  *r->mutable_follow_up_by() = events::to_proto(now + std::chrono::hours(72));
  r->set_customer_id(s.opened.customer_id());
  r->set_org_unit_id(s.opened.org_unit_id());
  r->set_severity(s.opened.severity());
  r->set_effective(effective);
  r->set_handler_id(s.handler_id);
  r->set_category(s.opened.category());
  r->set_responsible(s.opened.responsible());
  d.events.push_back(body(e));
  return d;
}

core::Result<events::Decision> decide_follow_up(const ComplaintState& s, bool satisfied, const std::string& visit_id,
                                                core::Timestamp now) {
  if (s.state != State::resolved) return wrong_state(s, "follow up");
  auto d = decision(s);
  v1::ComplaintEvent f;
  auto* fu = f.mutable_complaint_followed_up();
  fu->set_complaint_id(s.opened.complaint_id());
  fu->set_satisfied(satisfied);
  fu->set_visit_id(visit_id);
  fu->set_within_deadline(now <= s.follow_up_by);
  d.events.push_back(body(f));
  v1::ComplaintEvent end;
  if (satisfied) {
    end.mutable_complaint_closed()->set_complaint_id(s.opened.complaint_id());
  } else {
    end.mutable_complaint_reopened()->set_complaint_id(s.opened.complaint_id());
    end.mutable_complaint_reopened()->set_reason("follow-up visit " + visit_id + ": customer not satisfied");
  }
  d.events.push_back(body(end));
  return d;
}

std::optional<core::Timestamp> next_sla_deadline(const ComplaintState& s) {
  const auto investigate = investigate_deadline(s), reply = reply_deadline(s);
  if (investigate && reply) return std::min(*investigate, *reply);
  return investigate ? investigate : reply;
}

core::Result<events::Decision> decide_escalate(const ComplaintState& s, v1::EscalationLevel level,
                                               v1::EscalationReason reason, const std::string& detail) {
  if (s.state == State::none || s.state == State::closed) return wrong_state(s, "escalate");
  if (s.level == v1::ESCALATION_LEVEL_GENERAL_MANAGER)
    return core::make_error(core::make_error_code(core::errc::failed_precondition),
                            "complaint " + s.opened.complaint_id() + " is already with the general manager");
  auto d = decision(s);
  d.events.push_back(escalation(s, s.level, level > s.level ? level : next_level(s.level), reason, detail));
  return d;
}

core::Result<events::Decision> decide_note(const ComplaintState& s, const std::string& author, const std::string& text) {
  if (s.state == State::none) return wrong_state(s, "add a note to");
  if (text.empty()) return core::invalid_argument("text", "is required");
  auto d = decision(s);
  v1::ComplaintEvent e;
  auto* n = e.mutable_complaint_note_added();
  n->set_complaint_id(s.opened.complaint_id());
  n->set_author(author);
  n->set_text(text);
  d.events.push_back(body(e));
  return d;
}

events::Decision decide_sla(const ComplaintState& s, core::Timestamp now) {
  auto d = decision(s);
  auto escalate = [&](v1::EscalationReason reason, const std::string& detail, v1::EscalationLevel from) {
    d.events.push_back(escalation(s, from, next_level(from), reason, detail));
    return next_level(from);
  };
  v1::EscalationLevel level = s.level;
  if (auto at = investigate_deadline(s); at && now > *at)
    level = escalate(v1::ESCALATION_REASON_SLA_INVESTIGATE_BREACH, "not investigated the same day", level);
  if (auto at = reply_deadline(s); at && now > *at)
    escalate(v1::ESCALATION_REASON_SLA_REPLY_BREACH, "the reply time promised to the customer passed", level);
  return d;
}

}  // namespace huifang::complaints
