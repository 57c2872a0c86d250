#include "policy.h"

#include <yaml-cpp/yaml.h>

#include <set>

namespace huifang::scheduling {
namespace {

using core::invalid_argument;

// Every key a level may have; anything else is a typo worth refusing.
core::Status only_keys(const YAML::Node& n, const std::string& path, const std::set<std::string>& allowed) {
  if (!n.IsMap()) return invalid_argument(path, "must be a mapping");
  for (const auto& kv : n) {
    const std::string k = kv.first.as<std::string>();
    if (!allowed.contains(k)) return invalid_argument(path.empty() ? k : path + "." + k, "unknown key");
  }
  return core::ok_status();
}

template <typename T>
core::Status read(const YAML::Node& parent, const std::string& key, const std::string& path, T& out) {
  const YAML::Node n = parent[key];
  if (!n) return core::ok_status();
  try {
    out = n.as<T>();
  } catch (const YAML::Exception&) {
    return invalid_argument(path.empty() ? key : path + "." + key, "has the wrong type");
  }
  return core::ok_status();
}

core::Status in_range(double v, double lo, double hi, const std::string& path) {
  if (v < lo || v > hi) return invalid_argument(path, "must be within " + std::to_string(lo) + ".." + std::to_string(hi));
  return core::ok_status();
}

core::Result<CallingWindow> parse_window(const std::string& s, const std::string& path) {
  int h1, m1, h2, m2;
  char tail;
  if (std::sscanf(s.c_str(), "%d:%d-%d:%d%c", &h1, &m1, &h2, &m2, &tail) != 4 || h1 < 0 || h1 > 24 || h2 < 0 ||
      h2 > 24 || m1 < 0 || m1 > 59 || m2 < 0 || m2 > 59)
    return invalid_argument(path, "'" + s + "' is not a window like 08:00-12:00");
  CallingWindow w{h1 * 60 + m1, h2 * 60 + m2};
  if (w.start_minute >= w.end_minute || w.end_minute > 1440)
    return invalid_argument(path, "'" + s + "' must start before it ends, within one day");
  return w;
}

#define HF_TRY(expr)            \
  do {                          \
    if (auto st_ = (expr); !st_) \
      return st_.error();       \
  } while (0)

core::Result<Rule> parse_rule(const YAML::Node& n, const std::string& path) {
  HF_TRY(only_keys(n, path, {"id", "trigger", "when", "sample_rate", "target_rate", "channel", "assign", "survey",
                             "complaint_threshold", "exempt_from_limits", "script", "every_days", "visits"}));
  Rule r;
  HF_TRY(read(n, "id", path, r.id));
  HF_TRY(read(n, "trigger", path, r.trigger));
  if (r.id.empty()) return invalid_argument(path + ".id", "is required");
  if (r.trigger.empty()) return invalid_argument(path + ".trigger", "is required");
  HF_TRY(read(n, "sample_rate", path, r.sample_rate));
  HF_TRY(in_range(r.sample_rate, 0, 1, path + ".sample_rate"));
  HF_TRY(read(n, "target_rate", path, r.target_rate));
  HF_TRY(in_range(r.target_rate, 0, 1, path + ".target_rate"));
  std::string channel = "phone", assign = "workload";
  HF_TRY(read(n, "channel", path, channel));
  auto ch = parse_channel(channel, path + ".channel");
  if (!ch) return ch.error();
  r.channel = *ch;
  HF_TRY(read(n, "assign", path, assign));
  if (assign != "workload" && assign != "manager") return invalid_argument(path + ".assign", "must be workload or manager");
  r.assign_manager = assign == "manager";
  HF_TRY(read(n, "survey", path, r.survey));
  HF_TRY(read(n, "complaint_threshold", path, r.complaint_threshold));
  if (r.complaint_threshold > 10) return invalid_argument(path + ".complaint_threshold", "must be within 0..10");
  HF_TRY(read(n, "exempt_from_limits", path, r.exempt_from_limits));
  HF_TRY(read(n, "script", path, r.script));
  if (r.script.empty()) r.script = r.trigger;
  HF_TRY(read(n, "every_days", path, r.every_days));
  if (r.trigger == "periodic" && r.every_days <= 0)
    return invalid_argument(path + ".every_days", "is required (> 0) for periodic rules");
  if (const YAML::Node w = n["when"]) {
    HF_TRY(only_keys(w, path + ".when", {"tier", "key_household", "attributes"}));
    if (w["tier"]) r.when.tier = w["tier"].as<std::string>();
    if (w["key_household"]) r.when.key_household = w["key_household"].as<bool>();
    HF_TRY(read(w, "attributes", path + ".when", r.when.attributes));
  }
  const YAML::Node visits = n["visits"];
  if (!visits || !visits.IsSequence() || visits.size() == 0)
    return invalid_argument(path + ".visits", "needs at least one visit");
  for (size_t i = 0; i < visits.size(); ++i) {
    const std::string vp = path + ".visits[" + std::to_string(i) + "]";
    HF_TRY(only_keys(visits[i], vp, {"sequence", "delay_days", "window_days"}));
    VisitSpec v;
    HF_TRY(read(visits[i], "sequence", vp, v.sequence));
    HF_TRY(read(visits[i], "delay_days", vp, v.delay_days));
    HF_TRY(read(visits[i], "window_days", vp, v.window_days));
    if (v.sequence.empty()) v.sequence = "visit_" + std::to_string(i + 1);
    if (v.delay_days < 0 || v.delay_days > 3660) return invalid_argument(vp + ".delay_days", "must be within 0..3660");
    if (v.window_days < 1 || v.window_days > 366) return invalid_argument(vp + ".window_days", "must be within 1..366");
    r.visits.push_back(v);
  }
  return r;
}

}  // namespace

core::Result<common::v1::Channel> parse_channel(const std::string& name, const std::string& path) {
  for (auto c : {common::v1::CHANNEL_PHONE, common::v1::CHANNEL_SMS, common::v1::CHANNEL_LETTER,
                 common::v1::CHANNEL_ON_SITE, common::v1::CHANNEL_EMAIL, common::v1::CHANNEL_WECHAT})
    if (name == channel_name(c)) return c;
  return invalid_argument(path, "'" + name + "' is not a channel (phone, sms, letter, on_site, email, wechat)");
}

core::Result<Policy> parse_policy(const std::string& yaml) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    return invalid_argument("yaml", std::string("not valid YAML: ") + e.what());
  }
  HF_TRY(only_keys(root, "", {"policy", "description", "categories", "calendar", "calling_windows", "contact_limits",
                              "retries", "themes", "rules"}));
  Policy p;
  try {
    HF_TRY(read(root, "policy", "", p.id));
    if (p.id.empty()) return invalid_argument("policy", "is required");
    HF_TRY(read(root, "description", "", p.description));
    HF_TRY(read(root, "categories", "", p.categories));
    if (const YAML::Node c = root["calendar"]) {
      HF_TRY(only_keys(c, "calendar", {"skip_weekends", "skip_holidays"}));
      HF_TRY(read(c, "skip_weekends", "calendar", p.skip_weekends));
      HF_TRY(read(c, "skip_holidays", "calendar", p.skip_holidays));
    }
    if (const YAML::Node w = root["calling_windows"]) {
      std::vector<std::string> texts;
      HF_TRY(read(root, "calling_windows", "", texts));
      p.windows.clear();
      for (size_t i = 0; i < texts.size(); ++i) {
        auto win = parse_window(texts[i], "calling_windows[" + std::to_string(i) + "]");
        if (!win) return win.error();
        p.windows.push_back(*win);
      }
      if (p.windows.empty()) return invalid_argument("calling_windows", "needs at least one window");
    }
    if (const YAML::Node l = root["contact_limits"]) {
      HF_TRY(only_keys(l, "contact_limits", {"min_gap_days", "merge_within_days", "max_per_period", "period_days"}));
      HF_TRY(read(l, "min_gap_days", "contact_limits", p.min_gap_days));
      HF_TRY(read(l, "merge_within_days", "contact_limits", p.merge_within_days));
      HF_TRY(read(l, "max_per_period", "contact_limits", p.max_per_period));
      HF_TRY(read(l, "period_days", "contact_limits", p.period_days));
      if (p.period_days < 1) return invalid_argument("contact_limits.period_days", "must be at least 1");
    }
    if (const YAML::Node r = root["retries"]) {
      HF_TRY(only_keys(r, "retries", {"max_attempts", "retry_after_hours", "fallback"}));
      HF_TRY(read(r, "max_attempts", "retries", p.max_attempts));
      HF_TRY(read(r, "retry_after_hours", "retries", p.retry_after_hours));
      if (p.max_attempts < 1 || p.max_attempts > 20) return invalid_argument("retries.max_attempts", "must be within 1..20");
      std::vector<std::string> fb;
      HF_TRY(read(r, "fallback", "retries", fb));
      for (size_t i = 0; i < fb.size(); ++i) {
        auto c = parse_channel(fb[i], "retries.fallback[" + std::to_string(i) + "]");
        if (!c) return c.error();
        p.fallback.push_back(*c);
      }
    }
    HF_TRY(read(root, "themes", "", p.themes));
    const YAML::Node rules = root["rules"];
    if (!rules || !rules.IsSequence() || rules.size() == 0) return invalid_argument("rules", "needs at least one rule");
    std::set<std::string> ids;
    for (size_t i = 0; i < rules.size(); ++i) {
      auto r = parse_rule(rules[i], "rules[" + std::to_string(i) + "]");
      if (!r) return r.error();
      if (!ids.insert(r->id).second) return invalid_argument("rules[" + std::to_string(i) + "].id", "'" + r->id + "' is used twice");
      p.rules.push_back(std::move(*r));
    }
  } catch (const YAML::Exception& e) {
    return invalid_argument("yaml", std::string("unexpected shape: ") + e.what());
  }
  return p;
}

}  // namespace huifang::scheduling
