#pragma once
// A policy pack as the planner reads it, parsed from YAML (see policies/README.md). Parsing is
// strict: an unknown key, a wrong type or an out-of-range value is an INVALID_ARGUMENT naming its
// path (e.g. "rules[2].visits[0].delay_days"), so a typo never silently changes who gets called.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "huifang/common/v1/common.pb.h"
#include "huifang/calendar/calling_slots.h"
#include "huifang/core/result.h"
#include "huifang/events/channels.h"

namespace huifang::scheduling {

using calendar::CallingWindow;

struct VisitSpec {
  std::string sequence;
  int delay_days = 0;
  int window_days = 7;
};

struct RuleFilter {
  std::optional<std::string> tier;
  std::optional<bool> key_household;
  std::map<std::string, std::string> attributes;
};

struct Rule {
  std::string id;
  std::string trigger;  // service-event category, or "periodic"
  RuleFilter when;
  double sample_rate = 1.0;
  double target_rate = 1.0;
  common::v1::Channel channel = common::v1::CHANNEL_PHONE;
  bool assign_manager = false;
  bool survey = true;
  uint32_t complaint_threshold = 6;
  bool exempt_from_limits = false;
  std::string script;
  int every_days = 0;  // periodic rules only
  std::vector<VisitSpec> visits;
};

struct Policy {
  std::string id;
  std::string description;
  std::vector<std::string> categories;
  bool skip_weekends = true;
  bool skip_holidays = true;
  std::vector<CallingWindow> windows{{480, 720}, {810, 1050}};
  int min_gap_days = 0;
  int merge_within_days = 0;
  int max_per_period = 0;  // 0 = no cap
  int period_days = 30;
  int max_attempts = 3;
  int retry_after_hours = 4;
  std::vector<common::v1::Channel> fallback;
  std::map<std::string, std::vector<std::string>> themes;  // "2026Q1" → questions
  std::vector<Rule> rules;
};

core::Result<Policy> parse_policy(const std::string& yaml);
core::Result<common::v1::Channel> parse_channel(const std::string& name, const std::string& path);
using events::channel_name;

}  // namespace huifang::scheduling
