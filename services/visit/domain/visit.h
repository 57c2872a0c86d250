#pragma once
// The visit aggregate, owned by visit execution from the moment scheduling plans it: the plan it
// received (who, what, by when, and the policy's retry rules), then its whole life — due,
// overdue, attempts, the customer's callback time, retries on later calling windows, channel
// fallback, unreachable, survey, completion. decide_* functions check the rules of execution —
// only the assigned agent acts, a completed visit stays completed, ratings are 1..10 or unrated,
// a "not convenient" answer carries the time the customer named — and return the events; the
// clock and the tenant's holidays come in as values.
#include <optional>
#include <string>

#include "huifang/calendar/calling_slots.h"
#include "huifang/core/result.h"
#include "huifang/events/decision.h"
#include "huifang/intake/v1/events.pb.h"
#include "huifang/scheduling/v1/events.pb.h"
#include "huifang/visit/v1/service.pb.h"

namespace huifang::visit {

struct VisitState {
  bool planned = false;
  scheduling::v1::VisitPlanned plan;
  std::string tenant_id;
  std::string agent_id;
  common::v1::Channel channel = common::v1::CHANNEL_UNSPECIFIED;  // the channel now in use
  std::string stage;                // planned, due, rescheduled, overdue, completed, closed, cancelled
  core::Timestamp scheduled_at{};   // when to call: due_from, a retry's window, the customer's time
  bool due = false;
  bool overdue = false;
  bool started = false;
  bool closed = false;  // completed, given up or cancelled
  bool completed = false;
  uint32_t attempts = 0;          // attempts recorded, over every channel
  uint32_t channel_attempts = 0;  // unanswered on the current channel
  int fallback_index = 0;         // next of the plan's fallback channels
  v1::VisitCompleted completion;
};

// Folds the plan as received (a scheduling VisitPlanned or VisitAssigned envelope) and the
// visit's own events.
void evolve(VisitState& s, const events::Envelope& e);

// Whom the visit's events are about (tenant, org unit, customer), for stamping them.
events::EventContext context_of(const VisitState& s);

enum class Deadline { due, overdue };

// What a visit announces as soon as its plan arrives: due at once when its window is already open.
std::vector<events::Envelope> on_planned(const VisitState& s, core::Timestamp now);
// A timer of the visit came due: VisitDue / VisitOverdue, or nothing when it no longer applies.
std::vector<events::Envelope> on_deadline(const VisitState& s, Deadline kind);

// The customer's consent changed: an open visit whose customer asked not to be contacted, or
// whose channel and every later fallback channel lost consent, is called off (VisitCancelled);
// one whose current channel lost consent moves to the plan's next channel that still has it.
std::vector<events::Envelope> on_consent_changed(const VisitState& s, const intake::v1::ConsentChanged& c);

core::Result<events::Decision> decide_start(const VisitState& s, const v1::StartVisitRequest& r);
// An attempt and what follows from it: the customer's callback time, a retry on a later calling
// window (after the policy's pause, on a working day of `holidays`), a fallback channel, or the
// visit closed as unreachable or refused.
core::Result<events::Decision> decide_attempt(const VisitState& s, const v1::RecordAttemptRequest& r,
                                              const calendar::HolidayCalendar& holidays, core::Timestamp now);
// `now` stamps completed_at; problem ids come from `new_id`. A sensitive finding is recorded only
// with the customer's separate consent to sensitive data (`sensitive_consent`).
core::Result<events::Decision> decide_survey(const VisitState& s, const v1::SubmitSurveyRequest& r,
                                             const std::vector<std::string>& dimensions, core::Timestamp now,
                                             const std::function<std::string()>& new_id, bool sensitive_consent);
core::Result<events::Decision> decide_complete(const VisitState& s, const v1::CompleteVisitRequest& r,
                                               core::Timestamp now);

// The calling rules the plan carries.
calendar::CallingRules calling_rules(const scheduling::v1::VisitPlanned& plan);

}  // namespace huifang::visit
