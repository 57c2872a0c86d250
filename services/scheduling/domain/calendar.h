#pragma once
// Scheduling reads working days and calling slots through the shared calendar library; this adds
// the policy's view of them.
#include "huifang/calendar/calling_slots.h"
#include "policy.h"

namespace huifang::scheduling {

using calendar::format_day;
using calendar::from_absl;
using calendar::HolidayCalendar;
using calendar::to_absl;
using calendar::zone_or_default;

inline calendar::CallingRules calling_rules(const Policy& policy) {
  return {policy.skip_weekends, policy.skip_holidays, policy.windows};
}

inline core::Timestamp next_calling_slot(core::Timestamp earliest, const absl::TimeZone& tz, const Policy& policy,
                                         const HolidayCalendar& cal) {
  return calendar::next_calling_slot(earliest, tz, calling_rules(policy), cal);
}

}  // namespace huifang::scheduling
