#include "planner.h"

#include <cmath>
#include <cstdio>

#include "huifang/core/hash.h"

namespace huifang::scheduling {
namespace {

uint64_t fnv64(const std::string& s) {
  uint64_t h = core::fnv1a64(s);
  // FNV's low bits mix poorly for short keys; a final avalanche (splitmix64) evens the buckets.
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

constexpr core::Duration days(int n) { return std::chrono::hours(24 * n); }

std::string day_text(core::Timestamp t, const absl::TimeZone& tz) {
  return absl::FormatTime("%Y-%m-%d %H:%M", to_absl(t), tz);
}

int64_t abs_days_between(core::Timestamp a, core::Timestamp b) {
  const auto d = a > b ? a - b : b - a;
  return std::chrono::duration_cast<std::chrono::hours>(d).count() / 24;
}

}  // namespace

double sampling_bucket(const std::string& service_event_id, const std::string& rule_id) {
  return static_cast<double>(fnv64(service_event_id + "|" + rule_id) >> 11) / 9007199254740992.0;  // / 2^53
}

std::string visit_id_for(const std::string& service_event_id, const std::string& rule_id, const std::string& sequence) {
  return "v-" + core::hex64(fnv64(service_event_id + "|" + rule_id + "|" + sequence));
}

bool matches(const Rule& rule, const CustomerProfile& c, const Trigger& t) {
  if (rule.trigger != t.category) return false;
  if (rule.when.tier && *rule.when.tier != c.tier) return false;
  if (rule.when.key_household && *rule.when.key_household != c.key_household) return false;
  for (const auto& [k, v] : rule.when.attributes) {
    auto it = t.attributes.find(k);
    if (it == t.attributes.end() || it->second != v) return false;
  }
  return true;
}

std::string quarter_of(core::Timestamp t, const absl::TimeZone& tz) {
  const absl::CivilDay d = absl::ToCivilDay(to_absl(t), tz);
  return std::to_string(d.year()) + "Q" + std::to_string((d.month() - 1) / 3 + 1);
}

std::vector<PlannedVisit> plan(const Policy& policy, const HolidayCalendar& calendar, const CustomerProfile& customer,
                               const Trigger& trigger, const std::vector<LedgerEntry>& ledger_in) {
  const absl::TimeZone tz = zone_or_default(customer.time_zone);
  std::vector<LedgerEntry> ledger = ledger_in;  // grows with what this trigger plans
  std::vector<PlannedVisit> out;
  for (const Rule& rule : policy.rules) {
    if (!matches(rule, customer, trigger)) continue;
    const double bucket = sampling_bucket(trigger.service_event_id, rule.id);
    const bool sampled_in = bucket < rule.sample_rate;
    for (const VisitSpec& spec : rule.visits) {
      PlannedVisit v;
      v.rule = &rule;
      v.sequence = spec.sequence;
      v.bucket = bucket;
      v.visit_id = visit_id_for(trigger.service_event_id, rule.id, spec.sequence);
      v.due_from = next_calling_slot(trigger.occurred_at + days(spec.delay_days), tz, policy, calendar);
      v.due_by = v.due_from + days(spec.window_days);
      if (auto it = policy.themes.find(quarter_of(v.due_from, tz)); it != policy.themes.end())
        v.theme_questions = it->second;
      char rate[64];
      std::snprintf(rate, sizeof rate, "bucket %.3f, rate %.2f", bucket, rule.sample_rate);
      if (!sampled_in) {
        v.outcome = Outcome::sampled_out;
        v.reason = "sampled out by rule " + rule.id + " (" + rate + ")";
        out.push_back(std::move(v));
        continue;
      }
      if (customer.do_not_contact) {
        v.outcome = Outcome::suppressed;
        v.suppression = Suppression::do_not_contact;
        v.reason = "customer asked not to be contacted";
        out.push_back(std::move(v));
        continue;
      }
      if (!events::consented(customer.consents, rule.channel)) {
        v.outcome = Outcome::suppressed;
        v.suppression = Suppression::no_consent;
        v.reason = std::string("no consent for channel ") + channel_name(rule.channel);
        out.push_back(std::move(v));
        continue;
      }
      if (!rule.exempt_from_limits) {
        const LedgerEntry* near = nullptr;
        int in_period = 0;
        for (const auto& e : ledger) {
          const int64_t apart = abs_days_between(e.due_from, v.due_from);
          if (!near || apart < abs_days_between(near->due_from, v.due_from)) near = &e;
          if (e.due_from <= v.due_from && v.due_from - e.due_from < days(policy.period_days)) ++in_period;
        }
        if (near && policy.merge_within_days > 0 && abs_days_between(near->due_from, v.due_from) <= policy.merge_within_days) {
          v.outcome = Outcome::merged;
          v.other_visit_id = near->visit_id;
          v.reason = "merged into " + near->visit_id + " due " + day_text(near->due_from, tz) + " (within " +
                     std::to_string(policy.merge_within_days) + " days)";
          out.push_back(std::move(v));
          continue;
        }
        if (near && abs_days_between(near->due_from, v.due_from) < policy.min_gap_days) {
          v.outcome = Outcome::suppressed;
          v.suppression = Suppression::min_gap;
          v.other_visit_id = near->visit_id;
          v.reason = "too close to " + near->visit_id + " (minimum gap " + std::to_string(policy.min_gap_days) + " days)";
          out.push_back(std::move(v));
          continue;
        }
        if (policy.max_per_period > 0 && in_period >= policy.max_per_period) {
          v.outcome = Outcome::suppressed;
          v.suppression = Suppression::max_per_period;
          v.reason = "already " + std::to_string(in_period) + " contacts in " + std::to_string(policy.period_days) +
                     " days (maximum " + std::to_string(policy.max_per_period) + ")";
          out.push_back(std::move(v));
          continue;
        }
      }
      v.outcome = Outcome::planned;
      v.reason = spec.sequence + ": " + std::to_string(spec.delay_days) + " days after " + trigger.category +
                 ", first calling window " + day_text(v.due_from, tz) + ", due by " + day_text(v.due_by, tz) +
                 " (rule " + rule.id + ", " + rate + ")";
      ledger.push_back({v.visit_id, v.due_from});
      out.push_back(std::move(v));
    }
  }
  return out;
}

}  // namespace huifang::scheduling
