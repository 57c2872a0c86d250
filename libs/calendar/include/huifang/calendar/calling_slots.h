#pragma once
// Working days and calling slots in the customer's local time. Scheduling reads them to decide
// when a visit is first due, visit execution to place a retry on a later window: both must agree
// on what a working day and a calling window are, so the rule lives here once. Holidays and
// make-up working days (调休) are data per tenant; time zones come from the system tz database
// through Abseil's civil-time library (C++20's std::chrono::tzdb is not in GCC 12), so DST zones
// work too.
#include <absl/time/civil_time.h>
#include <absl/time/time.h>

#include <set>
#include <string>
#include <vector>

#include "huifang/core/clock.h"

namespace huifang::calendar {

struct HolidayCalendar {
  std::set<std::string> holidays;      // YYYY-MM-DD
  std::set<std::string> working_days;  // make-up working days, YYYY-MM-DD

  bool is_working_day(absl::CivilDay day, bool skip_weekends, bool skip_holidays) const;
};

struct CallingWindow {
  int start_minute;  // minutes after local midnight
  int end_minute;    // exclusive
};

// When calls may be made: a policy's calendar settings.
struct CallingRules {
  bool skip_weekends = true;
  bool skip_holidays = true;
  std::vector<CallingWindow> windows{{480, 720}, {810, 1050}};
};

std::string format_day(absl::CivilDay day);
// The zone named, or Asia/Shanghai when the name is empty or unknown.
absl::TimeZone zone_or_default(const std::string& name);

// The first instant at or after `earliest` that lies inside one of `rules.windows` on a working
// day, in `tz`. Searches at most 400 days ahead (then returns `earliest`: a calendar with no
// working day at all is a configuration error the caller reports).
core::Timestamp next_calling_slot(core::Timestamp earliest, const absl::TimeZone& tz, const CallingRules& rules,
                                  const HolidayCalendar& calendar);

absl::Time to_absl(core::Timestamp t);
core::Timestamp from_absl(absl::Time t);

}  // namespace huifang::calendar
