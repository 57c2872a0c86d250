#pragma once
// The planning decision for one trigger, pure and deterministic: which rules of the policy match,
// whether the trigger is sampled in (a hash of the service event, so the same event always gets
// the same answer and the achieved rate converges to the configured one), when each visit is due
// (delay, then the next calling window on a working day in the customer's zone), and whether the
// contact limits suppress or merge it. Nothing is dropped: every candidate visit comes back with
// its outcome and reason.
#include <map>
#include <string>
#include <vector>

#include "calendar.h"
#include "huifang/core/clock.h"
#include "policy.h"

namespace huifang::scheduling {

struct CustomerProfile {
  std::string id;
  std::string org_unit_id;
  std::string tier;
  bool key_household = false;
  bool do_not_contact = false;
  std::map<std::string, bool> consents;  // channel name → consent
  std::string time_zone;
};

struct Trigger {
  std::string service_event_id;
  std::string category;
  core::Timestamp occurred_at;
  std::string org_unit_id;
  std::map<std::string, std::string> attributes;
};

// A contact already on the customer's ledger (planned or done).
struct LedgerEntry {
  std::string visit_id;
  core::Timestamp due_from;
};

enum class Outcome { planned, sampled_out, suppressed, merged };
enum class Suppression { none, min_gap, max_per_period, do_not_contact, no_consent };

struct PlannedVisit {
  Outcome outcome = Outcome::planned;
  std::string visit_id;  // deterministic: same trigger, rule and sequence → same id
  const Rule* rule = nullptr;
  std::string sequence;
  core::Timestamp due_from{};
  core::Timestamp due_by{};
  double bucket = 0;  // sampling bucket in [0, 1)
  Suppression suppression = Suppression::none;
  std::string other_visit_id;  // merged into / conflicting with
  std::string reason;          // a sentence a supervisor understands
  std::vector<std::string> theme_questions;
};

// Deterministic sampling bucket of a service event under a rule, in [0, 1).
double sampling_bucket(const std::string& service_event_id, const std::string& rule_id);
std::string visit_id_for(const std::string& service_event_id, const std::string& rule_id, const std::string& sequence);
bool matches(const Rule& rule, const CustomerProfile& customer, const Trigger& trigger);
// "2026Q1" for the quarter `t` falls in, in `tz`.
std::string quarter_of(core::Timestamp t, const absl::TimeZone& tz);

std::vector<PlannedVisit> plan(const Policy& policy, const HolidayCalendar& calendar, const CustomerProfile& customer,
                               const Trigger& trigger, const std::vector<LedgerEntry>& ledger);

}  // namespace huifang::scheduling
