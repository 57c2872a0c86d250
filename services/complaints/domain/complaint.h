#pragma once
// The complaint case (投诉): opened → assigned → investigating → resolved → followed up → closed,
// or reopened when the follow-up finds the customer not satisfied. Pure decide/evolve with the
// time passed in: SLA breaches (not investigated the same day; the reply time promised to the
// customer missed) climb the ladder handler → supervisor → manager → general manager, one event
// per step. A resolution sets the follow-up deadline: 3 days, 100% (事事有着落、件件有回音).
#include <optional>
#include <string>

#include "huifang/complaints/v1/events.pb.h"
#include "huifang/core/clock.h"
#include "huifang/core/result.h"
#include "huifang/events/decision.h"

namespace huifang::complaints {

enum class State { none, opened, assigned, investigating, resolved, closed, reopened };
const char* state_name(State s);

struct ComplaintState {
  State state = State::none;
  std::string tenant_id;
  v1::ComplaintOpened opened;
  core::Timestamp opened_at{};
  std::string handler_id;
  v1::EscalationLevel level = v1::ESCALATION_LEVEL_HANDLER;
  bool investigate_breached = false;  // escalated once for it already
  bool reply_breached = false;
  core::Timestamp resolved_at{};
  core::Timestamp follow_up_by{};
};

void evolve(ComplaintState& s, const events::Envelope& e);

// The end of the local day `t` falls in (the "investigate the same day" deadline).
core::Timestamp end_of_day(core::Timestamp t, int utc_offset_hours);

core::Result<events::Decision> decide_open(const ComplaintState& s, v1::ComplaintOpened opened);
core::Result<events::Decision> decide_assign(const ComplaintState& s, const std::string& handler_id);
core::Result<events::Decision> decide_start_investigation(const ComplaintState& s);
core::Result<events::Decision> decide_resolve(const ComplaintState& s, const std::string& resolution, bool effective,
                                              core::Timestamp now);
// The follow-up visit's verdict: satisfied closes the case, not satisfied reopens it.
core::Result<events::Decision> decide_follow_up(const ComplaintState& s, bool satisfied, const std::string& visit_id,
                                                core::Timestamp now);
// Timer check: the escalations due at `now` (none when nothing is breached).
events::Decision decide_sla(const ComplaintState& s, core::Timestamp now);
// When decide_sla next has something to say (an SLA not yet breached), if ever.
std::optional<core::Timestamp> next_sla_deadline(const ComplaintState& s);
// A manual step up the ladder (or straight to `level` when it is higher).
core::Result<events::Decision> decide_escalate(const ComplaintState& s, v1::EscalationLevel level,
                                               v1::EscalationReason reason, const std::string& detail);
core::Result<events::Decision> decide_note(const ComplaintState& s, const std::string& author, const std::string& text);

}  // namespace huifang::complaints
