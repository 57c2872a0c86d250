#include "huifang/calendar/calling_slots.h"

#include <cstdio>

namespace huifang::calendar {

std::string format_day(absl::CivilDay day) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(day.year()), day.month(), day.day());
  return buf;
}

bool HolidayCalendar::is_working_day(absl::CivilDay day, bool skip_weekends, bool skip_holidays) const {
  const std::string d = format_day(day);
  if (working_days.contains(d)) return true;  // 调休: a make-up working day beats the weekend
  if (skip_holidays && holidays.contains(d)) return false;
  const absl::Weekday wd = absl::GetWeekday(day);
  if (skip_weekends && (wd == absl::Weekday::saturday || wd == absl::Weekday::sunday)) return false;
  return true;
}

absl::TimeZone zone_or_default(const std::string& name) {
  absl::TimeZone tz;
  if (!name.empty() && absl::LoadTimeZone(name, &tz)) return tz;
  if (absl::LoadTimeZone("Asia/Shanghai", &tz)) return tz;
  return absl::FixedTimeZone(8 * 3600);  // no tz database installed: China Standard Time
}

absl::Time to_absl(core::Timestamp t) { return absl::FromUnixMicros(core::to_micros(t)); }
core::Timestamp from_absl(absl::Time t) { return core::from_micros(absl::ToUnixMicros(t)); }

core::Timestamp next_calling_slot(core::Timestamp earliest, const absl::TimeZone& tz, const CallingRules& rules,
                                  const HolidayCalendar& calendar) {
  const absl::Time start = to_absl(earliest);
  const absl::CivilSecond local = absl::ToCivilSecond(start, tz);
  absl::CivilDay day(local);
  for (int i = 0; i < 400; ++i, ++day) {
    if (!calendar.is_working_day(day, rules.skip_weekends, rules.skip_holidays)) continue;
    for (const auto& w : rules.windows) {
      const absl::Time open = absl::FromCivil(absl::CivilMinute(day) + w.start_minute, tz);
      const absl::Time close = absl::FromCivil(absl::CivilMinute(day) + w.end_minute, tz);
      if (start < close) return from_absl(std::max(start, open));
    }
  }
  return earliest;
}

}  // namespace huifang::calendar
